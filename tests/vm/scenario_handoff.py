#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 6's hand-off scenarios in the pure cgroup-v2 VM (Debian's systemd 252 installed): boots it
once and runs scenario_handoff_guest.py with the build's sdinit (delegated -> hand-off; read-only,
not delegated, broken binary -> sdinit runs the units; SIGRTMIN+3 stops each container).
Exit 0 pass, 1 fail, 77 skip (loudly: no root, no qemu/debootstrap, archive unreachable)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vmhost import run_guest  # noqa: E402

if __name__ == "__main__":
    sys.exit(run_guest("vm-handoff", "scenario_handoff_guest.py", os.path.abspath(sys.argv[1])))
