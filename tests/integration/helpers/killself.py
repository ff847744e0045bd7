# SPDX-License-Identifier: MIT
"""Test child: dies by the signal number in argv[1]."""
import os
import signal
import sys

n = int(sys.argv[1])
if n != signal.SIGKILL:
    signal.signal(n, signal.SIG_DFL)
signal.pthread_sigmask(signal.SIG_UNBLOCK, [n])
os.kill(os.getpid(), n)
signal.pthread_sigmask(signal.SIG_UNBLOCK, signal.valid_signals())
os._exit(99)  # not reached for terminating signals
