#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 6's hand-off scenarios in the pure cgroup-v2 VM (Debian's systemd 252 installed): boots it
once and runs scenario_handoff_guest.py with the build's sdinit (delegated -> hand-off; read-only,
not delegated, broken binary -> sdinit runs the units; SIGRTMIN+3 stops each container).
Exit 0 pass, 1 fail, 77 skip (loudly: no root, no qemu/debootstrap, archive unreachable)."""
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("SDINIT_VM_CACHE", "/var/cache/sdinit-vm")
TIMEOUT = int(os.environ.get("SDINIT_VM_TIMEOUT", "900"))


def skip(why):
    print("#" * 78 + f"\n# SKIP: vm-handoff: {why}\n" + "#" * 78, flush=True)
    print(f"1..0 # SKIP {why}", flush=True)
    sys.exit(77)


def main():
    sdinit = os.path.abspath(sys.argv[1])
    if os.geteuid() != 0:
        skip("needs root (debootstrap builds the image)")
    for tool in ("qemu-system-x86_64", "debootstrap", "mkfs.ext4"):
        if not shutil.which(tool):
            skip(f"{tool} not found (scripts/deps.sh installs it)")
    t0 = time.monotonic()
    b = subprocess.run([os.path.join(HERE, "build-image.sh"), CACHE], stdout=subprocess.PIPE, text=True)
    if b.returncode in (2, 3):
        skip(f"cannot build the VM image (build-image.sh exit {b.returncode})")
    if b.returncode != 0:
        print("not ok 1 - build the VM image", flush=True)
        return 1
    img = b.stdout.strip().splitlines()[-1]
    repo = os.path.abspath(os.path.join(HERE, "..", ".."))
    r = subprocess.run([os.path.join(HERE, "run-in-vm.sh"), "--cache", CACHE, "--timeout", str(TIMEOUT),
                        "--image", img, "--share", repo, "--",
                        "python3", os.path.join(HERE, "scenario_handoff_guest.py"), sdinit],
                       stdin=subprocess.DEVNULL)
    print(f"# boot + scenarios: {time.monotonic() - t0:.1f} s", flush=True)
    if r.returncode in (124, 125):
        print(f"not ok - the VM {'timed out' if r.returncode == 124 else 'failed'} (run-in-vm.sh exit {r.returncode})",
              flush=True)
        return 1
    return 0 if r.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
