# SPDX-License-Identifier: MIT
"""A hostile D-Bus client of /run/systemd/private, run inside the container's namespaces.

  busclient.py flood N   authenticate, send N ListUnits calls without ever reading a reply,
                         print "sent K" (K calls went out before PID 1 closed the connection or
                         N were sent), then wait for stdin to close
  busclient.py hold N    open N authenticated connections, print "held N", keep them open until
                         stdin closes
  busclient.py noauth N  open N connections and never authenticate (half an AUTH line each)
  busclient.py noread N  open N authenticated connections, Subscribe, send 3 ListUnits calls on
                         each and never read a byte
  busclient.py subscribe N  open N authenticated connections that Subscribe, read their replies
                         and signals, and otherwise stay silent
After "held N" each of these answers a line "open?" on stdin with "open K": how many of its
connections PID 1 has not closed.

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
    # PID 1 closes the quietest connection to make room for a new one: under a flood of new
    # connections (the other holders) one may be closed before it is through authentication. A
    # hostile client simply tries again.
    for _ in range(100):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(PATH)
            s.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
            if s.recv(256).startswith(b"OK"):
                s.sendall(b"BEGIN\r\n")
                return s
        except OSError:
            pass  # closed under us
        s.close()
    raise SystemExit("authentication refused 100 times")


def send(s, data):
    try:
        s.sendall(data)
    except OSError:
        pass  # PID 1 closed it (to make room, or because we do not read): a hostile client goes on


def still_open(socks):
    n = 0
    for s in socks:
        try:
            while True:
                b = s.recv(65536, socket.MSG_DONTWAIT)
                if not b:
                    break  # end of file: PID 1 closed it
        except BlockingIOError:
            n += 1  # nothing to read and not closed
        except OSError:
            pass  # reset
    return n


def serve(socks, drain=False):
    print(f"held {len(socks)}", flush=True)
    for line in sys.stdin:
        if line.strip() == "open?":
            print(f"open {still_open(socks) if drain else sum(1 for s in socks if alive_no_read(s))}", flush=True)


def alive_no_read(s):
    """Open, without reading what is queued for us: a peek at one byte (or none waiting)."""
    try:
        return s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False


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
        serve([connect() for _ in range(n)], drain=True)
    elif mode == "noauth":
        socks = []
        for _ in range(n):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(PATH)
            send(s, b"\0AUTH EXTE")
            socks.append(s)
        serve(socks)
    elif mode == "noread":
        socks = [connect() for _ in range(n)]
        for s in socks:
            send(s, method_call(1, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "Subscribe"))
            for k in range(3):
                send(s, method_call(2 + k, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "ListUnits"))
        serve(socks)
    elif mode == "subscribe":
        socks = [connect() for _ in range(n)]
        for s in socks:
            send(s, method_call(1, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "Subscribe"))
            s.settimeout(10)
            try:
                s.recv(65536)  # its reply, as a real client waits for it
            except OSError:
                pass
            s.settimeout(None)
        serve(socks, drain=True)


main()
