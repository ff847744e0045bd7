#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""GuessMainPID= with a delegated cgroup v2 and without one, container root mapped to 100000
(cgharness recipe): a forking service whose daemon detaches with setsid() after its parent exits
(as apache2 does) must get that daemon as MainPID, from its cgroup when it has one (systemd's
unit_search_main_pid()) and from its environment's INVOCATION_ID when not; kill -9 of it must be
noticed and Restart=on-abort must start it again, the old daemon's other processes stopped.
Checked with Debian's systemctl. Output: plain ok/FAIL lines (cgharness)."""
import os
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "cgroup", "tests"))
sys.path.insert(0, HERE)
import cgharness  # noqa: E402
from harness import poll  # noqa: E402
from test_guess_main_pid import DAEMON  # noqa: E402

SDINIT = os.path.abspath(os.environ.get("SDINIT", os.path.join(HERE, "..", "..", "build", "init", "sdinit")))
REAL = "/usr/bin/systemctl"
UNITS = {"default.target": "[Unit]\nWants=d.service\n", "d.service": DAEMON}


def ctl(pid1, *args):
    return subprocess.run(["nsenter", "-t", str(pid1), "-U", "-m", "-p", REAL, "--no-pager"] + list(args),
                          capture_output=True, text=True, timeout=30)


def prop(pid1, unit, name):
    return ctl(pid1, "show", "-p", name, "--value", unit).stdout.strip()


def stat_of(pid1, nspid):
    with open(f"/proc/{pid1}/root/proc/{nspid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[1]), int(rest[3])


def host_pid_of(pid1, nspid):
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/status") as f:
                    ns = [ln for ln in f if ln.startswith("NSpid:")][0].split()[1:]
                if len(ns) >= 2 and ns[-1] == str(nspid) and os.readlink(f"/proc/{d}/ns/pid") == os.readlink(f"/proc/{pid1}/ns/pid"):
                    return int(d)
            except (OSError, IndexError):
                pass
    raise LookupError(nspid)


def scenario(res, tmp, cg2, name, delegate):
    units = os.path.join(tmp, f"units-{name}")
    cgharness.write_unit_dir(units, UNITS)
    os.environ["SYSTEMD_UNIT_PATH"] = units
    os.environ["SDINIT_SYSTEMD"] = "never"
    hc = cgharness.HostCgroup(res, cg2, f"sdinit-test-guess-{os.getpid()}-{name}", delegate)
    p = None
    try:
        p = cgharness.Pid1(res, tmp, hc, SDINIT, "--unit=default.target")
        it = p.lines(timeout=60)
        seen = []
        for line in it:
            seen.append(line)
            if "Reached target default.target" in line:
                break
        main = prop(p.pid1, "d.service", "MainPID")
        ok = main not in ("", "0")
        ppid, sid = stat_of(p.pid1, int(main)) if ok else (0, 0)
        res.check(ok and ppid == 1 and sid == int(main), f"{name}: the detached daemon is MainPID ({main}, ppid {ppid}, sid {sid})",
                  "\n".join(seen))
        cgdir = os.path.join(hc.path, "system.slice", "d.service")
        if delegate:
            procs = poll(lambda: (lambda v: v if len(v) == 2 else None)((cgharness.read(os.path.join(cgdir, "cgroup.procs")) or "").split()), 60)
            res.check(procs is not None, f"{name}: the unit's cgroup holds the daemon's 2 processes", procs)
        if ok:
            os.kill(host_pid_of(p.pid1, int(main)), signal.SIGKILL)
        new = poll(lambda: (lambda v: v if v not in ("", "0", main) else None)(prop(p.pid1, "d.service", "MainPID")), 60)
        want = ["ActiveState=active", "NRestarts=1", "Result=success"]
        show = poll(lambda: (lambda v: v if v == want else None)(
            sorted(ctl(p.pid1, "show", "-p", "NRestarts", "-p", "Result", "-p", "ActiveState", "d.service").stdout.split())), 10)
        res.check(new is not None and show == want,
                  f"{name}: kill -9 of it: restarted (Restart=on-abort), a new MainPID", f"{show} {new}")
        if delegate:
            procs = poll(lambda: (lambda v: v if len(v) == 2 else None)((cgharness.read(os.path.join(cgdir, "cgroup.procs")) or "").split()), 60)
            res.check(procs is not None, f"{name}: the old daemon's other process is gone from the cgroup", procs)
        else:
            out = poll(lambda: (lambda v: v if v == "2" else None)(subprocess.run(
                ["nsenter", "-t", str(p.pid1), "-m", "-p", "pgrep", "-c", "-x", "sleep"], capture_output=True, text=True).stdout.strip()), 60)
            res.check(out == "2", f"{name}: the old daemon's other process was stopped (2 sleeps left)", out)
        os.kill(p.pid1, signal.SIGTERM)
        rest = list(it)
        rc = p.wait(timeout=60)
        res.check(rc == 0, f"{name}: SIGTERM: exit 0 (rc {rc})", "\n".join(seen + rest))
    finally:
        if p:
            p.close()
        hc.close()


def main():
    res = cgharness.Results("guess-main-pid-cgroup")
    if not os.path.exists(REAL):
        res.skip("Debian's systemctl is missing (package systemd)")
    return cgharness.deleg_and_not(res, scenario, "sdinit-guess-cg-")


if __name__ == "__main__":
    sys.exit(main())
