#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 5's resource-control scenarios (MemoryMax/OOM restart, TasksMax fork bomb, cgroup.kill)
in the pure cgroup-v2 VM: boots it once and runs guest_limits.py with the build's sdinit.
Exit 0 pass, 1 fail, 77 skip (loudly: no root, no qemu/debootstrap, archive unreachable)."""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("SDINIT_VM_CACHE", "/var/cache/sdinit-vm")


def skip(why):
    print("#" * 78 + f"\n# SKIP: vm-limits: {why}\n" + "#" * 78, flush=True)
    print(f"1..0 # SKIP {why}", flush=True)
    sys.exit(77)


def main():
    sdinit = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        skip("needs root")
    for tool in ("qemu-system-x86_64", "debootstrap", "mkfs.ext4"):
        if not shutil.which(tool):
            skip(f"{tool} not found (scripts/deps.sh installs it)")
    b = subprocess.run([os.path.join(HERE, "build-image.sh"), CACHE], stdout=subprocess.PIPE, text=True)
    if b.returncode in (2, 3):
        skip(f"cannot build the VM image (build-image.sh exit {b.returncode})")
    if b.returncode != 0:
        print("not ok 1 - build the VM image", flush=True)
        return 1
    img = b.stdout.strip().splitlines()[-1]
    repo = os.path.abspath(os.path.join(HERE, "..", ".."))
    r = subprocess.run([os.path.join(HERE, "run-in-vm.sh"), "--cache", CACHE, "--timeout", "600", "--image", img,
                        "--share", repo, "--", "python3", os.path.join(HERE, "guest_limits.py"), sdinit],
                       stdin=subprocess.DEVNULL)
    if r.returncode in (124, 125):
        print(f"not ok - the VM {'timed out' if r.returncode == 124 else 'failed'}", flush=True)
        return 1
    return 0 if r.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
