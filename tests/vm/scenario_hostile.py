#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 12's resource exhaustion WITH a delegated cgroup in the pure cgroup-v2 VM: boots it once
and runs guest_hostile.py (fork bombs with and without TasksMax=, memory past MemoryMax=, a fork
and memory mix, a double-fork/setsid escape; under Debian's systemd 252 and under sdinit, then
compared). Exit 0 pass, 1 fail, 77 skip (loudly)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vmhost import run_guest  # noqa: E402

if __name__ == "__main__":
    sys.exit(run_guest("vm-hostile", "guest_hostile.py", os.path.abspath(sys.argv[1]), *sys.argv[2:]))
