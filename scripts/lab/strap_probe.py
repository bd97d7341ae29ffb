#!/usr/bin/python3
"""Sends one CSTP CONNECT with a STRAP-Verify signed over the RFC 9266 tls-exporter of its own TLS 1.3
connection, for checking a gateway's (the ASA front's) STRAP verification independently of openconnect 9.01
(which signs its Finished instead: see asa_front.py strap_channel_bindings):

    strap_probe.py HOST:PORT CAFILE          (the webvpn cookie on stdin)   prints the CONNECT's status line

TLS through `openssl s_client -keymatexport EXPORTER-Channel-Binding -keymatexportlen 32`, which prints the
exporter after the handshake; the signature (ECDSA-SHA256 over exporter || the fresh key's DER SPKI, as
openconnect's openssl.c append_strap_verify without rekey) is made with Debian's python3-cryptography.
STRAP_PROBE_WRONG_BINDING=1 signs a binding with one bit flipped (the gateway must say invalid)."""

import base64
import os
import re
import subprocess
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    target, cafile = sys.argv[1], sys.argv[2]
    cookie = sys.stdin.readline().strip()
    host = target.rsplit(":", 1)[0]
    key = ec.generate_private_key(ec.SECP256R1())
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    proc = subprocess.Popen(["openssl", "s_client", "-ign_eof", "-tls1_3", "-connect", target, "-servername", host,
                             "-CAfile", cafile, "-verify_return_error", "-keymatexport", "EXPORTER-Channel-Binding",
                             "-keymatexportlen", "32"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    exporter = None
    for raw in proc.stdout:
        m = re.search(rb"Keying material: ([0-9A-Fa-f]{64})", raw)
        if m:
            exporter = bytes.fromhex(m.group(1).decode())
            break
    if exporter is None:
        proc.kill()
        print("no keying material from openssl s_client", file=sys.stderr)
        return 1
    if os.environ.get("STRAP_PROBE_WRONG_BINDING") == "1":
        exporter = bytes([exporter[0] ^ 1]) + exporter[1:]  # a signature over another connection's binding
    signature = key.sign(exporter + der, ec.ECDSA(hashes.SHA256()))
    request = (f"CONNECT /CSCOSSLC/tunnel HTTP/1.1\r\nHost: {target}\r\nUser-Agent: strap_probe\r\n"
               f"Cookie: webvpn={cookie}\r\nX-CSTP-Version: 1\r\nX-CSTP-Hostname: probe\r\n"
               f"X-AnyConnect-STRAP-Verify: {base64.b64encode(signature).decode()}\r\n"
               f"X-AnyConnect-STRAP-Pubkey: {base64.b64encode(der).decode()}\r\n\r\n")
    proc.stdin.write(request.encode())
    proc.stdin.flush()
    status = b""
    for raw in proc.stdout:
        if raw.startswith(b"HTTP/"):
            status = raw.strip()
            break
    proc.kill()
    proc.wait()
    print(status.decode("latin-1"))
    return 0 if status else 1


if __name__ == "__main__":
    sys.exit(main())
