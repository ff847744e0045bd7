# SPDX-License-Identifier: MIT
"""A hostile D-Bus client of /run/systemd/private, run inside the container's namespaces.

  busclient.py flood N   authenticate, send N ListUnits calls without ever reading a reply,
                         print "sent K" (K calls went out before PID 1 closed the connection or
                         N were sent), then wait for stdin to close
  busclient.py hold N    open N authenticated connections, print "held N", keep them open until
                         stdin closes

Messages are marshalled by hand (D-Bus specification, "Message Format"): no library would let a
client misbehave this way."""
import os
import socket
import struct
import sys

PATH = "/run/systemd/private"


def pad(b, n):
    return b + b"\0" * ((-len(b)) % n)


def method_call(serial, path, iface, member, dest="org.freedesktop.systemd1"):
    fields = b""
    for code, sig, val in ((1, b"o", path), (2, b"s", iface), (3, b"s", member), (6, b"s", dest)):
        fields = pad(fields, 8)
        v = val.encode()
        fields += struct.pack("<BB", code, 1) + sig + b"\0" + struct.pack("<I", len(v)) + v + b"\0"
    head = struct.pack("<cBBBII", b"l", 1, 0, 1, 0, serial) + struct.pack("<I", len(fields)) + fields
    return pad(head, 8)


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(PATH)
    s.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
    if not s.recv(256).startswith(b"OK"):
        raise SystemExit("authentication refused")
    s.sendall(b"BEGIN\r\n")
    return s


def main():
    mode, n = sys.argv[1], int(sys.argv[2])
    if mode == "flood":
        s = connect()
        s.settimeout(120)
        sent = 0
        try:
            for i in range(n):
                s.sendall(method_call(i + 1, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "ListUnits"))
                sent += 1
        except OSError:
            pass  # PID 1 closed the connection: what a client that does not read deserves
        print(f"sent {sent}", flush=True)
        os.read(0, 1)
    elif mode == "hold":
        held = [connect() for _ in range(n)]
        print(f"held {len(held)}", flush=True)
        os.read(0, 1)


main()
