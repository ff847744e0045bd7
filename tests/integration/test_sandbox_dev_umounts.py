#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""PrivateDevices= in the oracle tests' container (issue 14's cost item): the container made its
own /dev (a tmpfs with bound nodes, in its own user namespace: those mounts can go), below which
lie the host's /dev mounts (locked). The child unmounts the container's /dev with one lazy
umount2(2); what PID 1's table lists below it that cannot go is then not tried again and again:
  - a path where umount2(2) failed with EINVAL is not tried again until some mount went (the same
    call on the same mounts fails the same way);
  - a child that found nothing else could go leaves a word for the next ones (PID 1's shared page,
    valid while PID 1's mount table stays as it is): they stop after the top mount.
Checked with strace(1) on PID 1 and its children: no umount2(2) of a path after an EINVAL there
without a successful one in between, and the second and later starts make exactly two umount2(2)
calls below /dev (the lazy one that works, the one that finds the host's locked /dev). And the
units' mount tables, first start and later ones, are the same (test_sandbox_ns_oracle compares
them with systemd 252's in this container).
Output: plain ok/FAIL lines (cgharness); SKIP when the recipe or strace cannot run here."""
import os
import re
import select
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "cgroup", "tests"))
import cgharness  # noqa: E402
import oraclelib  # noqa: E402
import test_sandbox_ns_oracle as ns  # noqa: E402

UNITS = ["u-first", "u-again", "u-third"]
CALL = re.compile(r'^(\d+) +umount2\("([^"]*)", [^)]*\) += (-?\d+)(?: (E[A-Z]+))?')


def attached(st, pid, deadline=30):
    """Until strace says on stderr that it has attached to pid (False: it did not, in time)."""
    end = time.monotonic() + deadline
    buf = b""
    while f"Process {pid} attached".encode() not in buf:
        r, _, _ = select.select([st.stderr], [], [], max(0.0, end - time.monotonic()))
        chunk = os.read(st.stderr.fileno(), 4096) if r else b""
        if not chunk:
            return False
        buf += chunk
    return True


def main():
    res = cgharness.Results("test_sandbox_dev_umounts")
    try:
        cg2 = oraclelib.preflight()
    except oraclelib.Unavailable as e:
        res.skip(str(e))
    if not shutil.which("strace"):
        res.skip("strace is not installed")
    tmp = oraclelib.scratch_dir("sandbox-umounts-")
    outdir = os.path.join(tmp, "out")
    os.makedirs(outdir)
    os.chmod(outdir, 0o777)
    unitdir = os.path.join(tmp, "units")
    os.makedirs(unitdir)
    with open(os.path.join(unitdir, "default.target"), "w") as f:
        f.write("[Unit]\nDescription=nothing started at boot\n")
    for u in UNITS:
        with open(os.path.join(unitdir, f"{u}.service"), "w") as f:
            f.write("[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\n"
                    f"ExecStart=/bin/sh -c 'cat /proc/self/mountinfo > {outdir}/{u}'\nPrivateDevices=yes\n")
    trace = os.path.join(tmp, "strace")
    st = None
    try:
        p = oraclelib.boot_ready("sdinit", cg2, f"sdinit-test-umounts-{os.getpid()}", tmp, unitdir)
        try:
            # strace says on stderr when it has attached: wait for that line (bounded by a deadline).
            st = subprocess.Popen(["strace", "-f", "-e", "trace=umount2", "-e", "signal=none", "-o", trace,
                                   "-p", str(p.pid1)], stderr=subprocess.PIPE)
            res.check(attached(st, p.pid1), "strace attached to PID 1")
            for u in UNITS:
                rc, out, err = p.systemctl("start", f"{u}.service")
                res.check(rc == 0, f"{u}.service started", err)
            oraclelib.stop("sdinit", p)
        finally:
            p.close()
            if st:
                st.terminate()
                st.wait(timeout=30)
        calls = {}
        with open(trace) as f:
            for ln in f:
                m = CALL.match(ln)
                if m and (m.group(2) == "/dev" or m.group(2).startswith("/dev/")):
                    calls.setdefault(int(m.group(1)), []).append((m.group(2), int(m.group(3)), m.group(4)))
        children = sorted(calls)
        res.check(len(children) == len(UNITS), "one child per start unmounts below /dev", calls)
        for pid in children:
            failed, again = set(), []
            for path, rc, err in calls[pid]:
                if rc == 0:
                    failed.clear()
                elif path in failed:
                    again.append(path)
                elif err == "EINVAL":
                    failed.add(path)
            res.check(not again, f"child {pid}: no path tried again after EINVAL there", calls[pid])
        for pid in children[1:]:
            res.check([(c[0], c[1]) for c in calls[pid]] == [("/dev", 0), ("/dev", -1)],
                      f"child {pid} (a later start): the lazy umount2 of /dev, then the one that fails, only",
                      calls[pid])
        tables = {}
        for u in UNITS:
            with open(os.path.join(outdir, u)) as f:
                tables[u] = ns.norm_mountinfo(f.read().replace(u, "UNIT"))  # (/run/systemd/incoming's source)
        res.check(tables[UNITS[0]] == tables[UNITS[1]] == tables[UNITS[2]],
                  "the first start's mount table is the later ones'",
                  [sorted(tables[UNITS[0]] ^ tables[u]) for u in UNITS[1:]])
        res.check(any(r.split()[0] == "/dev" and r.split()[1] == "devtmpfs" for r in tables[UNITS[0]]) and
                  any(r.split()[0] == "/dev" and r.split()[1] == "tmpfs" and "ro" in r.split()[-1].split(",")
                      for r in tables[UNITS[0]]),
                  "the host's locked /dev stays below the service's own read-only /dev tmpfs", sorted(tables[UNITS[0]]))
    finally:
        oraclelib.scratch_remove(tmp)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
