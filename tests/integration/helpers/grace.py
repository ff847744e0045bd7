# SPDX-License-Identifier: MIT
"""Test child for --grace. Usage: grace.py MODE CODE DAEMON
MODE  "exit": exit with CODE as soon as the daemon is ready; "term": wait for SIGTERM, print
      "main TERM", exit with CODE.
DAEMON "polite": a double-forked daemon (re-parented to the init) that prints "daemon TERM" on
      SIGTERM and exits; "stubborn": one that ignores SIGTERM; "none": no daemon.
"""
import os
import signal
import sys

mode, code, daemon = sys.argv[1], int(sys.argv[2]), sys.argv[3]
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])

if daemon != "none":
    r, w = os.pipe()
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.close(r)
            waitfor = [signal.SIGTERM]
            if daemon == "stubborn":  # SIGTERM ignored and unblocked: it just vanishes
                signal.signal(signal.SIGTERM, signal.SIG_IGN)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])
                signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR2])
                waitfor = [signal.SIGUSR2]
            os.write(1, f"daemon ready {os.getpid()}\n".encode())
            os.close(w)
            s = signal.sigwait(waitfor)
            os.write(1, f"daemon {signal.Signals(s).name[3:]}\n".encode())
            os._exit(0)
        os._exit(0)
    os.close(w)
    os.read(r, 1)  # EOF once the daemon has printed its ready line and closed its end
    os.wait()

os.write(1, b"main ready\n")
if mode == "term":
    signal.sigwait([signal.SIGTERM])
    os.write(1, b"main TERM\n")
os._exit(code)
