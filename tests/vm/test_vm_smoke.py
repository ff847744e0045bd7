#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""VM suite smoke test: builds (once) and boots the pure cgroup v2 VM and runs guest_smoke.py in it.

Exit 0 = pass, 1 = fail, 77 = skip (printed loudly): not root, qemu/debootstrap/mkfs.ext4 missing,
or the image cannot be built because Debian's archive is unreachable.

Environment: SDINIT_VM_CACHE (image cache, default /var/cache/sdinit-vm), SDINIT_VM_TIMEOUT
(seconds for the boot and the checks, default 900).
"""
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CACHE = os.environ.get("SDINIT_VM_CACHE", "/var/cache/sdinit-vm")
TIMEOUT = int(os.environ.get("SDINIT_VM_TIMEOUT", "900"))


def skip(why):
    print("#" * 78, flush=True)
    print(f"# SKIP: vm-smoke: {why}", flush=True)
    print("#" * 78, flush=True)
    print(f"1..0 # SKIP {why}", flush=True)
    sys.exit(77)


def main():
    if os.geteuid() != 0:
        skip("needs root (debootstrap builds the image)")
    for tool, pkg in (("qemu-system-x86_64", "qemu-system-x86"), ("debootstrap", "debootstrap"),
                      ("mkfs.ext4", "e2fsprogs")):
        if not shutil.which(tool):
            skip(f"{tool} not found (apt-get install {pkg}; see scripts/deps.sh)")

    t0 = time.monotonic()
    print(f"# building the VM image in {CACHE} (a no-op once built; 3-5 min the first time)", flush=True)
    b = subprocess.run([os.path.join(HERE, "build-image.sh"), CACHE], stdout=subprocess.PIPE, text=True)
    if b.returncode in (2, 3):
        skip(f"cannot build the VM image (build-image.sh exit {b.returncode}: "
             f"{'host tool missing' if b.returncode == 2 else 'Debian archive unreachable'})")
    if b.returncode != 0:
        print(f"not ok 1 - build the VM image (build-image.sh exit {b.returncode})", flush=True)
        return 1
    img = b.stdout.strip().splitlines()[-1]
    t1 = time.monotonic()
    print(f"# image {img} ready after {t1 - t0:.1f} s", flush=True)

    r = subprocess.run([os.path.join(HERE, "run-in-vm.sh"), "--cache", CACHE, "--timeout", str(TIMEOUT),
                        "--image", img, "--share", HERE, "--", "python3", os.path.join(HERE, "guest_smoke.py")],
                       stdin=subprocess.DEVNULL)
    t2 = time.monotonic()
    print(f"# boot + checks: {t2 - t1:.1f} s; total {t2 - t0:.1f} s", flush=True)
    if r.returncode in (124, 125):
        what = "timed out" if r.returncode == 124 else "could not boot or did not report"
        print(f"not ok - the VM {what} (run-in-vm.sh exit {r.returncode})", flush=True)
        return 1
    if r.returncode != 0:
        print(f"# guest checks failed (exit {r.returncode})", flush=True)
        return 1
    print("# vm-smoke: all guest checks passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
