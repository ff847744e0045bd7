# SPDX-License-Identifier: MIT
"""Test child for process-group forwarding. C forks GC in its own process group; both print
"ready". When C gets SIGUSR1 it prints it and sends SIGUSR2 to GC itself. GC prints every signal it
gets, in order, and exits on SIGUSR2. sigwait() returns the lowest pending signal first, so GC prints
"GC SIG 10" before "GC SIG 12" exactly when the init's SIGUSR1 reached it too (process-group mode)."""
import os
import signal

sigs = [signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM, signal.SIGINT, signal.SIGHUP]
signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
r, w = os.pipe()
gc = os.fork()
if gc == 0:
    os.close(r)
    os.write(1, f"GC ready pgrp={os.getpgrp()}\n".encode())
    os.close(w)
    while True:
        s = signal.sigwait(sigs)
        os.write(1, f"GC SIG {int(s)}\n".encode())
        if s == signal.SIGUSR2:
            os._exit(0)
os.close(w)
os.read(r, 1)  # GC has printed its ready line
os.write(1, f"C ready pgrp={os.getpgrp()}\n".encode())
while True:
    s = signal.sigwait(sigs)
    os.write(1, f"C SIG {int(s)}\n".encode())
    if s == signal.SIGUSR1:
        os.kill(gc, signal.SIGUSR2)
        os.waitpid(gc, 0)
        os._exit(0)
