#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The demo's Type=notify service: tells the manager it is ready (sd_notify, written by hand so
that it needs no library), counts its reloads (SIGHUP, what ExecReload= sends) in STATUS=."""
import os
import signal
import socket
import time


def notify(msg):
    addr = os.environ.get("NOTIFY_SOCKET")
    if not addr:
        return
    if addr.startswith("@"):
        addr = "\0" + addr[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.sendto(msg.encode(), addr)


reloads = 0


def on_hup(signum, frame):
    global reloads
    reloads += 1
    print(f"worker: reloaded ({reloads})", flush=True)
    notify(f"STATUS=reloaded {reloads} times")


signal.signal(signal.SIGHUP, on_hup)
print("worker: ready", flush=True)
notify("READY=1\nSTATUS=working")
while True:
    time.sleep(3600)
