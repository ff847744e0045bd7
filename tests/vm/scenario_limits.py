#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 5's resource-control scenarios (MemoryMax/OOM restart, TasksMax fork bomb, cgroup.kill,
AllowedCPUs/CPUWeight/CPUQuota) in the pure cgroup-v2 VM: boots it once and runs guest_limits.py
with the build's sdinit. Exit 0 pass, 1 fail, 77 skip (loudly)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vmhost import run_guest  # noqa: E402

if __name__ == "__main__":
    sys.exit(run_guest("vm-limits", "guest_limits.py", os.path.abspath(sys.argv[1])))
