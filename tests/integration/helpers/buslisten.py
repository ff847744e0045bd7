# SPDX-License-Identifier: MIT
"""Listens on /run/systemd/private for a signal (run inside the container's namespaces): a raw
D-Bus client (authenticates, sends nothing; sdinit sends every signal to every connection), prints
"listening", then reads messages until one holds every marker given on the command line (bytes
of the marshalled message: path, member, property names and values), prints "seen" and exits 0;
exits 1 after 30 s."""
import os
import socket
import sys
import time

s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("/run/systemd/private")
s.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
if not s.recv(256).startswith(b"OK"):
    sys.exit(2)
s.sendall(b"BEGIN\r\n")
print("listening", flush=True)
markers = [m.encode() for m in sys.argv[1:]]
buf = b""
end = time.monotonic() + 30
while time.monotonic() < end:
    s.settimeout(max(end - time.monotonic(), 0.01))
    try:
        data = s.recv(65536)
    except socket.timeout:
        break
    if not data:
        break
    buf += data
    # Messages start with 'l' (little-endian) and a header: split on each signal's start.
    for msg in buf.split(b"l\x04\x01"):
        if all(m in msg for m in markers):
            print("seen", flush=True)
            sys.exit(0)
sys.exit(1)
