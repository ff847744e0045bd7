# SPDX-License-Identifier: MIT
"""Test child: makes an orphan and prints the pid it was re-parented to ("orphan ppid=N").
The orphan asks for SIGUSR1 on its parent's death (PR_SET_PDEATHSIG), which the kernel sends
right after re-parenting it, so the ppid it reads then is its new parent: no timing involved."""
import ctypes
import os
import signal

libc = ctypes.CDLL(None, use_errno=True)
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
ready_r, ready_w = os.pipe()
done_r, done_w = os.pipe()
if os.fork() == 0:                          # the middle process
    if os.fork() == 0:                      # the orphan-to-be
        libc.prctl(1, int(signal.SIGUSR1))  # PR_SET_PDEATHSIG
        os.close(ready_w)                   # tells the middle it may die now
        signal.sigwait([signal.SIGUSR1])
        os.write(1, f"orphan ppid={os.getppid()}\n".encode())
        os._exit(0)                         # closes done_w: the main process may go
    os.close(ready_w)
    os.close(done_w)
    os.read(ready_r, 1)
    os._exit(0)
os.close(ready_w)
os.close(done_w)
os.wait()
os.read(done_r, 1)
