#!/usr/bin/python3
"""Moves bytes through the tunnel and proves they arrived intact.

  transfer.py receive HOST PORT      accept one connection; print "<bytes> <sha256>" when it closes
  transfer.py send HOST PORT MIB     send MIB mebibytes of pseudo-random data; print "<bytes> <sha256>"
"""
import hashlib
import os
import socket
import sys


def receive(host, port):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, port))
    server.listen(1)
    print("listening", flush=True)
    server.settimeout(120)
    conn, _ = server.accept()
    conn.settimeout(120)
    digest, total = hashlib.sha256(), 0
    while True:
        chunk = conn.recv(1 << 20)
        if not chunk:
            break
        digest.update(chunk)
        total += len(chunk)
    print(total, digest.hexdigest(), flush=True)


def send(host, port, mib):
    block = bytearray(os.urandom(1 << 20))
    digest, total = hashlib.sha256(), 0
    conn = socket.create_connection((host, port), timeout=120)
    for index in range(mib):
        block[0:8] = index.to_bytes(8, "big")  # every MiB differs
        conn.sendall(block)
        digest.update(block)
        total += len(block)
    conn.shutdown(socket.SHUT_WR)
    conn.recv(1)
    conn.close()
    print(total, digest.hexdigest(), flush=True)


if __name__ == "__main__":
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if mode == "receive":
        receive(host, port)
    else:
        send(host, port, int(sys.argv[4]))
