#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 12, defect 10: sdinit started by real root as PID 1 of a new pid namespace, without a
cgroup namespace (a privileged container sharing the host's cgroups, or `unshare --pid --mount`
on a host). Its cgroup is the host's: PID 1 must not create init.scope there nor move processes,
whoever owns the files, and must say so in one line. The PID 1 runs in a child cgroup that this
test creates (a stand-in for a host session scope, owned by root), so that a regression writes
only below it; the cgroup2 root itself is never written."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import DEADLINE, PRIVATE_DEV, PRIVATE_ETC, SDINIT, Skip, Tap  # noqa: E402


def cgroup2_mount():
    for line in open("/proc/self/mountinfo"):
        f = line.split()
        sep = f.index("-")
        if f[sep + 1] == "cgroup2":
            return f[4], f[3]
    return None, None


def test_no_takeover_of_hosts_cgroup(tap):
    if os.geteuid() != 0:
        raise Skip("needs real root")
    cg2, mroot = cgroup2_mount()
    if not cg2 or mroot != "/":
        raise Skip("no cgroup2 hierarchy root mounted here")
    if os.readlink("/proc/self/ns/cgroup") != "cgroup:[4026531835]":
        raise Skip("this test itself runs in a cgroup namespace")
    root_before = sorted(os.listdir(cg2))
    cg = os.path.join(cg2, f"sdinit-test-hostcg-{os.getpid()}")
    units = tempfile.mkdtemp(prefix="sdinit-hostcg-", dir="/var/tmp")
    os.mkdir(cg)
    try:
        with open(os.path.join(units, "t.service"), "w") as f:
            f.write("[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo t-ran in $(grep ^0:: /proc/self/cgroup)'\n")
        inner = ("mount -t tmpfs -o mode=755 tmpfs /run && mount -t tmpfs -o mode=1777 tmpfs /tmp && " + PRIVATE_ETC +
                 PRIVATE_DEV + 'exec "$@"')
        argv = ["/bin/sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', cg,
                "unshare", "--pid", "--fork", "--mount", "--mount-proc", "--kill-child",
                "/bin/sh", "-c", inner, "sh", SDINIT, "--unit", "t.service", "--", "/bin/true"]
        env = dict(os.environ, SYSTEMD_UNIT_PATH=units, SDINIT_SYSTEMD="never", SDINIT_NO_BUS="1")
        p = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=DEADLINE)
        out = p.stdout + p.stderr
        tap.eq(p.returncode, 0, "PID 1 runs its units and exits 0")
        tap.ok("t-ran in" in out, "the unit ran", out)
        tap.ok("is the host's" in out and "take-over failed" not in out,
               "one line says the cgroup is the host's; no take-over was tried", out)
        tap.eq(sorted(os.listdir(cg)) == sorted(x for x in os.listdir(cg) if not os.path.isdir(os.path.join(cg, x))),
               True, "no cgroup created below the host's cgroup (no init.scope, no system.slice)")
        tap.eq(sorted(os.listdir(cg2)), sorted(root_before + [os.path.basename(cg)]),
               "nothing created in the cgroup2 root")
    finally:
        # Deepest first; a regression may have created init.scope/system.slice below ours.
        for d, subdirs, _ in sorted(os.walk(cg), key=lambda w: -w[0].count("/")):
            try:
                os.rmdir(d)
            except OSError:
                pass
        shutil.rmtree(units, ignore_errors=True)


if __name__ == "__main__":
    Tap().run([test_no_takeover_of_hosts_cgroup])
