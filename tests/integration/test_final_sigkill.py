#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""With a cgroup, a service whose main process was killed is dead, and restarted, only once the
processes its final SIGKILL hit have left the cgroup (systemd's stop-sigkill/final-sigkill states
wait for the cgroup to empty). The image suite's apache2 (KillMode=mixed, Restart=on-abort):
`kill -9` of the master made sdinit SIGKILL the workers and restart at once, while the dying
workers still held the cgroup, and the new start failed.

The unit reproduces it with a worker that takes as long to die as the test wants: the worker
ignores SIGTERM, and the test (real root, outside the namespaces) holds it with ptrace
(PTRACE_SEIZE with PTRACE_O_TRACEEXIT): once SIGKILLed, the worker stops at its exit event, still
in the cgroup, until the test detaches. Run under Debian's systemd 252 and under sdinit (oraclelib:
user namespace, delegated cgroup v2); both must
  - leave the unit deactivating, not restarted, while the SIGKILLed worker is held;
  - restart it (NRestarts=1, a new main PID, running) once the worker is let go.
Without a delegated cgroup v2 the test SKIPs (there is no cgroup to wait for).
"""
import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oraclelib  # noqa: E402
from harness import Tap  # noqa: E402

UNIT = "held.service"
PIDFILE = "/run/held-worker.pid"
TEXT = ("[Unit]\nDefaultDependencies=no\n[Service]\nKillMode=mixed\nRestart=always\nRestartSec=0\nTimeoutStopSec=120\n"
        "ExecStartPre=/bin/rm -f " + PIDFILE + "\n"
        "ExecStart=/bin/sh -c '(trap \"\" TERM; exec sleep infinity) & echo $! >" + PIDFILE + ".tmp && "
        "mv " + PIDFILE + ".tmp " + PIDFILE + " && exec sleep infinity'\n")

libc = ctypes.CDLL(None, use_errno=True)
PTRACE_DETACH, PTRACE_SEIZE, PTRACE_O_TRACEEXIT = 17, 0x4206, 0x40


class NoPtrace(Exception):
    """The test cannot hold a process with ptrace here."""


def deadline_wait(pred, seconds, what):
    """pred() until true; the deadline only bounds a failure."""
    end = time.monotonic() + seconds
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > end:
            raise TimeoutError(what)
        time.sleep(0.02)  # polls a state; the state is what is waited for


def host_pid(pid1, nspid):
    """The host pid of `nspid` in PID 1's pid namespace."""
    ns = os.stat(f"/proc/{pid1}/ns/pid").st_ino
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/status") as f:
                line = next(ln for ln in f if ln.startswith("NSpid:"))
            ids = line.split()[1:]
            if len(ids) >= 2 and ids[-1] == str(nspid) and os.stat(f"/proc/{d}/ns/pid").st_ino == ns:
                return int(d)
        except (OSError, StopIteration):
            continue
    return None


def proc_state(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(ln.split()[1] for ln in f if ln.startswith("State:"))
    except (OSError, StopIteration):
        return None


def read_ns_file(p, path):
    try:
        with open(f"/proc/{p.pid1}/root{path}") as f:
            return f.read().strip()
    except OSError:
        return ""


def scenario(p):
    """What one PID 1 shows: state while held, state after release."""
    p.wait_ready()
    rc = p.systemctl("start", UNIT)[0]
    worker = int(deadline_wait(lambda: read_ns_file(p, PIDFILE), 30, "worker pid file"))
    hp = host_pid(p.pid1, worker)
    if hp is None:
        raise RuntimeError(f"worker {worker} not found on the host")
    if libc.ptrace(PTRACE_SEIZE, hp, None, ctypes.c_void_p(PTRACE_O_TRACEEXIT)) != 0:
        raise NoPtrace(f"PTRACE_SEIZE: {os.strerror(ctypes.get_errno())} (Yama's ptrace_scope, or no CAP_SYS_PTRACE)")
    held = True
    try:
        main = p.show([UNIT], ("MainPID",))[UNIT]["MainPID"]
        subprocess.run(["nsenter", "-t", str(p.pid1), "-U", "-m", "-p", "/bin/kill", "-9", main], check=True)
        # The worker SIGKILLed by the PID 1 (it ignores SIGTERM): stopped at its exit, in the cgroup.
        deadline_wait(lambda: proc_state(hp) == "t", 30, "the worker was not SIGKILLed")
        during = p.show([UNIT], ("ActiveState", "SubState", "NRestarts"))[UNIT]
        again = p.show([UNIT], ("ActiveState", "NRestarts"))[UNIT]  # a second look: still waiting
        libc.ptrace(PTRACE_DETACH, hp, None, None)
        held = False
        deadline_wait(lambda: proc_state(hp) in (None, "Z", "X") or None, 30, "the worker did not exit when let go")
        after = deadline_wait(lambda: (lambda s: s if s.get("ActiveState") == "active" else None)(
            p.show([UNIT], ("ActiveState", "SubState", "NRestarts", "MainPID"))[UNIT]), 30, "no restart after the worker left")
        # The new start's worker ignores SIGTERM too: killed here, so that shutdown has no stop timeout to wait out.
        new = deadline_wait(lambda: (lambda w: w if w and w != str(worker) else None)(read_ns_file(p, PIDFILE)), 30,
                            "the new start's worker pid file")
        subprocess.run(["nsenter", "-t", str(p.pid1), "-U", "-m", "-p", "/bin/kill", "-9", new], check=True)
        return {"start": rc, "during": during, "again": again, "after": after, "old_main": main}
    finally:
        if held:
            libc.ptrace(PTRACE_DETACH, hp, None, None)


def main():
    tap = Tap()
    cg2 = oraclelib.root_or_skip(tap, "final sigkill")
    work = tempfile.mkdtemp(prefix="sdinit-finalkill-", dir="/var/tmp")
    os.chmod(work, 0o755)
    unitdir = os.path.join(work, "units")
    os.makedirs(unitdir)
    os.chmod(unitdir, 0o755)
    with open(os.path.join(unitdir, "default.target"), "w") as f:
        f.write("[Unit]\nDescription=final sigkill\n")
    with open(os.path.join(unitdir, UNIT), "w") as f:
        f.write(TEXT)
    got = {}
    try:
        for kind in ("systemd", "sdinit"):
            try:
                pp = oraclelib.boot(kind, cg2, f"sdinit-finalkill-{kind}-{os.getpid()}", work, unitdir)
            except oraclelib.Unavailable as e:
                tap.skip(f"{kind} boots", str(e))
                continue
            try:
                r = scenario(pp)
                got[kind] = r
                tap.eq(r["start"], 0, f"{kind}: {UNIT} starts")
                tap.eq(r["during"]["ActiveState"], "deactivating",
                       f"{kind}: not restarted while its SIGKILLed worker is still in the cgroup ({r['during']})")
                tap.eq((r["again"]["ActiveState"], r["again"]["NRestarts"]), ("deactivating", "0"),
                       f"{kind}: still waiting for the worker at a second look")
                tap.ok(r["after"]["NRestarts"] == "1" and r["after"]["MainPID"] not in ("0", r["old_main"]),
                       f"{kind}: restarted once the worker left ({r['after']})", r)
                rc = oraclelib.stop(kind, pp)
                if kind == "sdinit":
                    oraclelib.check_sdinit_exit(tap, rc, pp.output())
            except NoPtrace as e:
                tap.skip(f"{kind}: the scenario", f"LOUD SKIP: {e}: the final-sigkill wait is NOT tested")
            except (TimeoutError, RuntimeError, OSError, subprocess.CalledProcessError) as e:
                tap.ok(False, f"{kind}: the scenario ran", f"{e}\n{pp.output()[-3000:]}")
            finally:
                pp.close()
        if "systemd" in got and "sdinit" in got:
            tap.eq(got["sdinit"]["during"]["SubState"], got["systemd"]["during"]["SubState"],
                   "sdinit's state while waiting is systemd's")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tap.run([])


if __name__ == "__main__":
    main()
