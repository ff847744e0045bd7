#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""systemd as the oracle for back-to-back jobs and GuessMainPID= (issue 11, defects 4 and 5): the
same units booted by Debian's real systemd 252 and by sdinit, each as PID 1 of a user namespace
(container root = 100000) with a delegated cgroup v2 (cgharness recipe), driven by the same script
with Debian's systemctl (jobpairs.py); every case's outcome must be the same under both, and
systemd's must be what jobpairs.EXPECTED derives from job.c. Also the detaching forking daemon of
test_guess_main_pid.py: MainPID, and after kill -9 NRestarts/Result/ActiveState, under both.
Output: plain ok/FAIL lines (cgharness); SKIP when systemd cannot boot here."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "cgroup", "tests"))
sys.path.insert(0, HERE)
import cgharness  # noqa: E402
import jobpairs  # noqa: E402
from harness import poll  # noqa: E402
from test_guess_main_pid import DAEMON  # noqa: E402

SDINIT = os.path.abspath(os.environ.get("SDINIT", os.path.join(HERE, "..", "..", "build", "init", "sdinit")))
SYSTEMD = "/lib/systemd/systemd"


class Booted:
    """program as PID 1 with units, in a delegated cgroup; ready once is-system-running answers."""

    def __init__(self, res, tmp, cg2, tag, program, units):
        self.res, self.p = res, None
        d = os.path.join(tmp, f"units-{tag}")
        os.mkdir(d)
        os.chmod(d, 0o755)
        for n, text in units.items():
            with open(os.path.join(d, n), "w") as f:
                f.write(text)
        os.environ["SYSTEMD_UNIT_PATH"] = d
        os.environ["SDINIT_SYSTEMD"] = "never"
        os.environ["SYSTEMD_LOG_TARGET"] = "null"   # systemd would write to the host's console
        self.hc = cgharness.HostCgroup(res, cg2, f"sdinit-test-oracle-{os.getpid()}-{tag}", True)
        try:
            self.p = cgharness.Pid1(res, tmp, self.hc, program, "--unit=default.target")
            self.prefix = ["nsenter", "-t", str(self.p.pid1), "-U", "-m", "-p"]
            state = poll(lambda: (lambda s: s if s in ("running", "degraded") else None)(
                subprocess.run(self.prefix + [jobpairs.REAL, "is-system-running"], capture_output=True, text=True,
                               timeout=30).stdout.strip()), 60)
            if not state:
                raise RuntimeError(f"{program} did not boot")
        except BaseException:
            self.close()
            raise

    def close(self):
        if self.p and self.p.proc.poll() is None:
            subprocess.run(self.prefix + [jobpairs.REAL, "exit", "0"], capture_output=True, timeout=30)
            try:
                self.p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        if self.p and self.p.pid1:
            try:
                os.kill(self.p.pid1, signal.SIGKILL)   # by pid: a PID 1 that did not exit
            except ProcessLookupError:
                pass
        if self.p:
            self.p.close()
        poll(lambda: not os.path.exists(f"/proc/{self.p.pid1}") if self.p and self.p.pid1 else True, 10)
        self.hc.close()


def pairs(res, tmp, cg2, tag, program):
    state = os.path.join(tmp, f"state-{tag}")
    os.mkdir(state)
    os.chmod(state, 0o777)
    jobpairs.make_fifos(state)
    b = Booted(res, tmp, cg2, f"pairs-{tag}", program, jobpairs.units(state))
    try:
        return jobpairs.Runner(b.prefix, state).run_all()
    finally:
        b.close()


def daemon(res, tmp, cg2, tag, program):
    b = Booted(res, tmp, cg2, f"daemon-{tag}", program, {"default.target": "[Unit]\nWants=d.service\n", "d.service": DAEMON.replace("[Unit]\n", "[Unit]\nDefaultDependencies=no\n")})
    try:
        r = jobpairs.Runner(b.prefix, tmp)
        main = poll(lambda: (lambda v: v if v not in ("", "0") else None)(r.prop("d.service", "MainPID")), 10) or "0"
        out = {"main-is-detached-daemon": False}
        if main != "0":
            with open(f"/proc/{b.p.pid1}/root/proc/{main}/stat") as f:
                rest = f.read().rsplit(")", 1)[1].split()
            out["main-is-detached-daemon"] = rest[1] == "1" and rest[3] == main
            host = [int(d) for d in os.listdir("/proc") if d.isdigit() and _nspid(d) == main and
                    _pidns(d) == _pidns(str(b.p.pid1))]
            if host:
                os.kill(host[0], signal.SIGKILL)
        want = ["ActiveState=active", "NRestarts=1", "Result=success"]
        got = poll(lambda: (lambda v: v if v == want else None)(sorted(r.ctl(
            "show", "-p", "NRestarts", "-p", "Result", "-p", "ActiveState", "d.service").stdout.split())), 15)
        out["after-kill-9"] = got or sorted(r.ctl("show", "-p", "NRestarts", "-p", "Result", "-p", "ActiveState", "d.service").stdout.split())
        return out
    finally:
        b.close()


def _nspid(d):
    try:
        with open(f"/proc/{d}/status") as f:
            return [ln for ln in f if ln.startswith("NSpid:")][0].split()[-1]
    except (OSError, IndexError):
        return None


def _pidns(d):
    try:
        return os.readlink(f"/proc/{d}/ns/pid")
    except OSError:
        return None


def main():
    res = cgharness.Results("job-oracle")
    if os.geteuid() != 0:
        res.skip("needs root")
    for p in (SYSTEMD, jobpairs.REAL):
        if not os.path.exists(p):
            res.skip(f"{p} missing (package systemd)")
    cg2 = cgharness.preflight(res)[0]
    tmp = tempfile.mkdtemp(prefix="sdinit-oracle-", dir="/var/tmp")
    os.chmod(tmp, 0o755)
    try:
        try:
            sd = pairs(res, tmp, cg2, "systemd", SYSTEMD)
        except RuntimeError as e:
            res.skip(f"systemd 252 does not boot here: {e}")
        mine = pairs(res, tmp, cg2, "sdinit", SDINIT)
        for n in jobpairs.CASES:
            res.check(sd[n] == jobpairs.EXPECTED[n], f"systemd: {n}: {sd[n]} (as derived from job.c)", jobpairs.EXPECTED[n])
            res.check(mine[n] == sd[n], f"sdinit: {n}: {mine[n]} (systemd: {sd[n]})")
        dsd = daemon(res, tmp, cg2, "systemd", SYSTEMD)
        dmine = daemon(res, tmp, cg2, "sdinit", SDINIT)
        res.check(dsd["main-is-detached-daemon"] and dsd["after-kill-9"] == ["ActiveState=active", "NRestarts=1", "Result=success"],
                  f"systemd: detaching forking daemon: {dsd}")
        res.check(dmine == dsd, f"sdinit: detaching forking daemon: {dmine} (systemd: {dsd})")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
