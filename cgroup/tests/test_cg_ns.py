#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration test: the cgroup mechanisms (cg-manager.h) exercised by cg-test-driver running as
a real PID 1 in user+pid+mount+cgroup namespaces, container root mapped to host uid 100000.

Scenarios (see cgharness.py for the set-up recipe):
  deleg    a delegated cgroup2 subtree: take-over, unit layout, Delegate=, spawn (clone3 and
           fork+join), cgroup.kill and the freeze/kill/thaw fallback on services that keep
           forking, KillMode=control-group SIGTERM, limits (hugetlb real; memory/cpu/pids/io
           reported "not available"), stats, cleanup. At the driver's checkpoint the host checks
           the same tree from outside (host pids, host uids).
  nodeleg  the same cgroup owned by host root (nobody inside): take-over fails with EACCES,
           explained; the warning line names what is unavailable; fallbacks work.
  ro       delegated but mounted read-only: EROFS.
The driver prints one line per check; any "not ok" or a non-zero exit fails the test.
Exit 77 = skip (printed loudly).
"""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgharness  # noqa: E402

res = cgharness.Results("cg-ns")


def host_checks_deleg(cg, pid1):
    """At the checkpoint: the tree as the host sees it."""
    p = cg.path
    procs = lambda rel: [int(x) for x in (cgharness.read(os.path.join(p, rel, "cgroup.procs")) or "").split()]
    res.check(procs("") == [], "host: delegated cgroup's own cgroup.procs is empty")
    res.check(pid1 in procs("init.scope"), f"host: init.scope holds PID 1 (host pid {pid1})", procs("init.scope"))
    res.check("hugetlb" in (cgharness.read(os.path.join(p, "cgroup.subtree_control")) or "").split(),
              "host: +hugetlb in the delegated cgroup's subtree_control")
    for rel in ("system.slice/plain.service", "system.slice/system-foo.slice/foo@bar.service",
                "a.slice/a-b.slice/sliced.service", "system.slice/deleg.service"):
        res.check(os.path.isdir(os.path.join(p, rel)), f"host: {rel} exists")
    plain = procs("system.slice/plain.service")
    res.check(len(plain) > 20, f"host: plain.service holds {len(plain)} processes")
    want = f"0::{cg.rel}/system.slice/plain.service"
    seen = {cgharness.v2_cgroup_of(x) for x in plain}
    seen.discard(None)  # exited meanwhile (short-lived children of the forker)
    res.check(seen == {want}, f"host: /proc/<pid>/cgroup of plain.service's processes is {want}", seen)
    st = os.stat(os.path.join(p, "system.slice/deleg.service"))
    res.check(st.st_uid == cgharness.MAPPED_ROOT + 1000, f"host: deleg.service owned by host uid {st.st_uid}")
    st = os.stat(os.path.join(p, "system.slice/deleg.service/cgroup.procs"))
    res.check(st.st_uid == cgharness.MAPPED_ROOT + 1000, "host: deleg.service/cgroup.procs delegated too")


def run(tmp, driver, cg2, mode):
    res.log(f"# ---- scenario {mode}")
    cg = cgharness.HostCgroup(res, cg2[0], f"sdinit-test-cg-{os.getpid()}-{mode}", delegate=mode != "nodeleg")
    pid1 = None
    try:
        pid1 = cgharness.Pid1(res, tmp, cg, driver, mode, mount_mode="ro" if mode == "ro" else "rw")
        n_ok = n_bad = 0
        warning = None
        checkpoint = False
        for line in pid1.lines():
            res.log(f"  [{mode}] {line}")
            if line.startswith("ok - "):
                n_ok += 1
            elif line.startswith("not ok - "):
                n_bad += 1
                res.failures.append(f"{mode}: {line[9:]}")
            elif line.startswith("warning: "):
                warning = line[9:]
            elif line.startswith("checkpoint"):
                checkpoint = True
                host_checks_deleg(cg, pid1.pid1)
                pid1.send("continue")
        rc = pid1.wait()
        res.check(rc == 0, f"{mode}: driver exit status {rc}")
        res.check(n_ok > 10 and n_bad == 0, f"{mode}: driver checks: {n_ok} ok, {n_bad} not ok")
        res.check(warning is not None, f"{mode}: driver printed the warning line: {warning!r}")
        if mode == "deleg":
            res.check(checkpoint, "deleg: checkpoint reached")
            left = sorted(d for d in os.listdir(cg.path) if os.path.isdir(os.path.join(cg.path, d)))
            res.check(left == ["init.scope"], f"deleg: only init.scope left after cleanup: {left}")
        else:
            res.check("no resource limits, no cgroup kill" in (warning or ""),
                      f"{mode}: warning names what is unavailable")
            res.check(not os.path.exists(os.path.join(cg.path, "init.scope")), f"{mode}: nothing created")
    except (RuntimeError, TimeoutError) as e:
        res.check(False, f"{mode}: {e}")
    finally:
        if pid1 is not None:
            pid1.close()
        cg.close()
        res.check(not os.path.exists(cg.path), f"{mode}: test cgroup removed")


def main():
    if len(sys.argv) != 2:
        print(f"usage: {sys.argv[0]} PATH-TO-cg-test-driver", file=sys.stderr)
        return 2
    cg2 = cgharness.preflight(res)
    with tempfile.TemporaryDirectory(prefix="sdinit-cg-ns-") as tmp:
        os.chmod(tmp, 0o755)  # the mapped root (host uid 100000) must execute from here
        driver = os.path.join(tmp, "cg-test-driver")
        shutil.copy(sys.argv[1], driver)
        os.chmod(driver, 0o755)
        for mode in ("deleg", "nodeleg", "ro"):
            run(tmp, driver, cg2, mode)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
