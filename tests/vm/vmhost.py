# SPDX-License-Identifier: MIT
"""Host side of a VM scenario: checks what is needed (skipping loudly, exit 77, when it is not
there), builds the image once (cached), boots it and runs a guest script with the repository
shared at its own path. Exit 0 pass, 1 fail, 77 skip."""
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
CACHE = os.environ.get("SDINIT_VM_CACHE", "/var/cache/sdinit-vm")
TIMEOUT = int(os.environ.get("SDINIT_VM_TIMEOUT", "400"))  # a hung VM fails in minutes


def skip(name, why):
    print("#" * 78 + f"\n# SKIP: {name}: {why}\n" + "#" * 78, flush=True)
    print(f"1..0 # SKIP {why}", flush=True)
    sys.exit(77)


def run_guest(name, guest_script, *args):
    if os.geteuid() != 0:
        skip(name, "needs root (debootstrap builds the image)")
    for tool in ("qemu-system-x86_64", "debootstrap", "mkfs.ext4"):
        if not shutil.which(tool):
            skip(name, f"{tool} not found (scripts/deps.sh installs it)")
    t0 = time.monotonic()
    b = subprocess.run([os.path.join(HERE, "build-image.sh"), CACHE], stdout=subprocess.PIPE, text=True)
    if b.returncode in (2, 3):
        skip(name, f"cannot build the VM image (build-image.sh exit {b.returncode})")
    if b.returncode != 0:
        print("not ok 1 - build the VM image", flush=True)
        return 1
    img = b.stdout.strip().splitlines()[-1]
    r = subprocess.run([os.path.join(HERE, "run-in-vm.sh"), "--cache", CACHE, "--timeout", str(TIMEOUT),
                        "--image", img, "--share", REPO, "--",
                        "python3", os.path.join(HERE, guest_script), *args],
                       stdin=subprocess.DEVNULL)
    print(f"# {name}: boot + guest: {time.monotonic() - t0:.1f} s", flush=True)
    if r.returncode in (124, 125):
        print(f"not ok - the VM {'timed out' if r.returncode == 124 else 'failed'} (run-in-vm.sh exit {r.returncode})",
              flush=True)
        return 1
    return 0 if r.returncode == 0 else 1
