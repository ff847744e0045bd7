# SPDX-License-Identifier: MIT
"""Test child: forks GC in its own process group, which prints every signal it gets until
SIGTERM; C exits with argv[1] as soon as GC is ready. Shows what an init does to the rest of
the group once the main child has exited."""
import os
import signal
import sys

sigs = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGUSR1]
signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
r, w = os.pipe()
if os.fork() == 0:
    os.close(r)
    os.write(1, b"GC ready\n")
    os.close(w)
    while True:
        s = signal.sigwait(sigs)
        os.write(1, f"GC SIG {int(s)}\n".encode())
        if s == signal.SIGTERM:
            os._exit(0)
os.close(w)
os.read(r, 1)
os._exit(int(sys.argv[1]))
