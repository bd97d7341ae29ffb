#!/usr/bin/python3
"""Encrypts an SSO token the way the lab's ASA front (and, per openconnect hpke.c, an ASA) does for the
external-browser callback, for tests of a client's decryption:

    strap_encrypt.py DH_PUBKEY_BASE64 TOKEN      prints the percent-encoded base64 blob (the /api/sso/ segment)

DH_PUBKEY_BASE64 is what the client sends as X-AnyConnect-STRAP-DH-Pubkey (base64 of a P-256 DER
SubjectPublicKeyInfo). Needs Debian's python3-cryptography (`lab.sh install`)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from asa_front import strap_encrypt  # noqa: E402


def main():
    if len(sys.argv) != 3 or not sys.argv[2].isalnum():
        print(__doc__, file=sys.stderr)
        return 2
    print(strap_encrypt(sys.argv[1], sys.argv[2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
