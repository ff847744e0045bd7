# SPDX-License-Identifier: MIT
"""Test child: prints its pid, process group and "ready", then one line per signal received
("SIG <number>"), until it gets the signal named by argv[1] (default SIGTERM) as an exit request,
then exits with the code in argv[2] (default 0). Optional argv[3] "spawn" forks a grandchild in the
same process group that also records signals, prefixed with "GC".
"""
import os
import signal
import sys

stop = int(sys.argv[1]) if len(sys.argv) > 1 else signal.SIGTERM
code = int(sys.argv[2]) if len(sys.argv) > 2 else 0
spawn = len(sys.argv) > 3 and sys.argv[3] == "spawn"
who = "C"

catchable = [s for s in signal.valid_signals() if s not in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD)]
signal.pthread_sigmask(signal.SIG_BLOCK, catchable)

if spawn and os.fork() == 0:
    who = "GC"
    stop = signal.SIGTERM

os.write(1, f"{who} pid={os.getpid()} pgrp={os.getpgrp()} sid={os.getsid(0)} ready\n".encode())
while True:
    s = signal.sigwait(catchable)
    os.write(1, f"{who} SIG {int(s)}\n".encode())
    if s == stop:
        os._exit(code)
