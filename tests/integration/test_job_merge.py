#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Back-to-back jobs on one unit, driven with Debian's systemctl against sdinit as PID 1: each pair
must merge, replace or queue as systemd's job_install() does (src/core/job.c, systemd 252), and a
start that replaces a stop must pull in and order the unit's dependencies as a transaction does.

The expected outcomes are systemd's, derived from job.c (job_merging_table[], job_install(),
job_compare()) and transaction.c, not from sdinit's code:
  - a start while the unit's stop job runs: the stop job is canceled ("Job ... canceled." for its
    client), the start waits until the unit is down, then starts it again;
  - a stop while a start runs: the start job is canceled, the unit stops;
  - a restart while a stop runs: the stop job is canceled, the restart brings the unit up;
  - a start while a restart runs: merged into the restart (one job);
  - a reload while a reload runs, or a start while a reload runs: the merged reload runs again
    after the first (a reload never merges late);
  - a reload while a start runs: merged into the start (no ExecReload=);
  - try-restart of an inactive unit: nothing; reload-or-restart of an inactive unit: a start.
And Debian's postgresql.service umbrella: `systemctl stop postgresql; systemctl start postgresql`
brings the cluster postgresql@V-C back before postgresql.service (issue 11, defect 4).
Slow commands wait on FIFOs the test opens; nothing sleeps to synchronise."""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import DEADLINE, Skip, Tap  # noqa: E402
from test_systemctl import Ctl  # noqa: E402

REAL = "/usr/bin/systemctl"


def need():
    if not os.path.exists(REAL):
        raise Skip("Debian's systemctl is missing (package systemd)")


def until(fn, what, timeout=DEADLINE):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.02)
    raise AssertionError(f"{what}: never")


def bg(b, *args):
    return subprocess.Popen(["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n", "--preserve-credentials", REAL,
                             "--no-pager"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def done(p):
    out, err = p.communicate(timeout=DEADLINE)
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


def jobs(ctl):
    return " ".join(ctl("list-jobs", "--no-legend").stdout.split())


# One unit per case; a hold-<what> file makes that command wait on the unit's FIFO.
UNIT = ("[Service]\n"
        "ExecStartPre=/bin/sh -c 'test ! -e @STATE@/{n}.hold-start || read x < @STATE@/{n}.gate'\n"
        "ExecStart=/bin/sleep infinity\n"
        "ExecReload=/bin/sh -c 'echo r >> @STATE@/{n}.reloads; test ! -e @STATE@/{n}.hold-reload || read x < @STATE@/{n}.gate'\n"
        "ExecStop=/bin/sh -c 'test ! -e @STATE@/{n}.hold-stop || read x < @STATE@/{n}.gate'\n")
CASES = ["stop-start", "start-stop", "stop-restart", "restart-start", "reload-reload", "reload-start", "start-reload",
         "try-restart", "reload-or-restart"]


class Units:
    def __init__(self, b):
        self.b = b

    def hold(self, n, what, on=True):
        path = os.path.join(self.b.state, f"{n}.hold-{what}")
        if on:
            open(path, "w").close()
        elif os.path.exists(path):
            os.unlink(path)

    def release(self, n):
        with open(os.path.join(self.b.state, f"{n}.gate"), "w") as f:
            f.write("go\n")

    def reloads(self, n):
        try:
            with open(os.path.join(self.b.state, f"{n}.reloads")) as f:
                return len(f.read().split())
        except FileNotFoundError:
            return 0


def test_pairs(tap):
    need()
    units = {"default.target": "[Unit]\nWants=" + " ".join(f"{c}.service" for c in CASES if c not in ("try-restart", "reload-or-restart")) + "\n"}
    for c in CASES:
        units[f"{c}.service"] = UNIT.format(n=c)
    with Boot(units, files={f"{c}.gate": None for c in CASES}) as b:
        b.booted()
        ctl = Ctl(b, REAL)
        u = Units(b)

        # stop running + start: the stop job is canceled, the start waits for the unit to be down.
        n = "stop-start"
        pid = ctl.prop(f"{n}.service", "MainPID")
        u.hold(n, "stop")
        stop = bg(b, "stop", f"{n}.service")
        b.expect(rf"Stopping {n}.service")
        start = bg(b, "start", f"{n}.service")
        until(lambda: f"{n}.service start waiting" in jobs(ctl), "the start job is queued behind the running stop")
        u.hold(n, "stop", False)
        u.release(n)
        rs, rt = done(stop), done(start)
        tap.ok(rs.returncode != 0 and "canceled" in rs.stderr, "stop running, then start: the stop job is canceled (its client says so)",
               f"{rs.returncode} {rs.stderr}")
        tap.ok(rt.returncode == 0 and ctl.prop(f"{n}.service", "ActiveState") == "active" and ctl.prop(f"{n}.service", "MainPID") not in ("0", pid),
               "...and the start brings the unit up again, with a new main process", f"{rt.returncode} {rt.stderr}")

        # start running + stop: the start job is canceled, the unit stops.
        n = "start-stop"
        ctl("stop", f"{n}.service")
        u.hold(n, "start")
        start = bg(b, "start", f"{n}.service")
        b.expect(rf"Starting {n}.service")
        rs = ctl("stop", f"{n}.service")
        rt = done(start)
        u.hold(n, "start", False)
        tap.ok(rs.returncode == 0 and rt.returncode != 0 and "canceled" in rt.stderr and
               ctl.prop(f"{n}.service", "ActiveState") == "inactive",
               "start running, then stop: the start job is canceled, the unit stops",
               f"{rs.returncode} {rt.returncode} {rt.stderr} {ctl.prop(f'{n}.service', 'ActiveState')}")

        # stop running + restart: the stop job is canceled, the restart brings it up.
        n = "stop-restart"
        pid = ctl.prop(f"{n}.service", "MainPID")
        u.hold(n, "stop")
        stop = bg(b, "stop", f"{n}.service")
        b.expect(rf"Stopping {n}.service")
        restart = bg(b, "restart", f"{n}.service")
        until(lambda: f"{n}.service restart" in jobs(ctl), "the restart job replaced the stop job")
        u.hold(n, "stop", False)
        u.release(n)
        rs, rr = done(stop), done(restart)
        tap.ok(rs.returncode != 0 and "canceled" in rs.stderr and rr.returncode == 0 and
               ctl.prop(f"{n}.service", "ActiveState") == "active" and ctl.prop(f"{n}.service", "MainPID") not in ("0", pid),
               "stop running, then restart: the stop job is canceled, the unit comes back up", f"{rs.stderr} {rr.stderr}")

        # restart running + start: merged into the restart (still one job).
        n = "restart-start"
        u.hold(n, "stop")
        restart = bg(b, "restart", f"{n}.service")
        b.expect(rf"Stopping {n}.service")
        r = ctl("--no-block", "start", f"{n}.service")
        j = jobs(ctl)
        tap.ok(r.returncode == 0 and j.count(f"{n}.service") == 1 and f"{n}.service restart running" in j,
               "restart running, then start: merged into the running restart", j)
        u.hold(n, "stop", False)
        u.release(n)
        rr = done(restart)
        tap.ok(rr.returncode == 0 and ctl.prop(f"{n}.service", "ActiveState") == "active", "...which brings the unit up", rr.stderr)

        # reload running + reload, reload running + start: the merged reload runs once more.
        for n, second in (("reload-reload", "reload"), ("reload-start", "start")):
            u.hold(n, "reload")
            first = bg(b, "reload", f"{n}.service")
            until(lambda: u.reloads(n) == 1, "the first reload runs")
            other = bg(b, second, f"{n}.service")
            until(lambda: f"{n}.service reload waiting" in jobs(ctl), "the merged reload waits to run again")
            u.hold(n, "reload", False)
            u.release(n)
            r1, r2 = done(first), done(other)
            tap.ok(r1.returncode == 0 and r2.returncode == 0 and u.reloads(n) == 2 and
                   ctl.prop(f"{n}.service", "ActiveState") == "active",
                   f"reload running, then {second}: the reload runs again after the first (ExecReload= twice)",
                   f"{r1.stderr} {r2.stderr} reloads={u.reloads(n)}")

        # start running + reload: merged into the start; ExecReload= does not run.
        n = "start-reload"
        ctl("stop", f"{n}.service")
        u.hold(n, "start")
        start = bg(b, "start", f"{n}.service")
        b.expect(rf"Starting {n}.service")
        rl = ctl("--no-block", "reload", f"{n}.service")   # returns once the job is queued
        j = jobs(ctl)
        u.hold(n, "start", False)
        u.release(n)
        rt = done(start)
        tap.ok(rl.returncode == 0 and j.count(f"{n}.service") == 1 and f"{n}.service start" in j,
               "start running, then reload: merged into the start job", j)
        tap.ok(rt.returncode == 0 and u.reloads(n) == 0 and ctl.prop(f"{n}.service", "ActiveState") == "active",
               "...which starts the unit; ExecReload= does not run", f"{rt.stderr} {u.reloads(n)}")

        # try-restart of an inactive unit: nothing; reload-or-restart of an inactive one: a start.
        r = ctl("try-restart", "try-restart.service")
        tap.ok(r.returncode == 0 and ctl.prop("try-restart.service", "ActiveState") == "inactive",
               "try-restart of an inactive unit: nothing happens", r.stderr)
        r = ctl("reload-or-restart", "reload-or-restart.service")
        tap.ok(r.returncode == 0 and ctl.prop("reload-or-restart.service", "ActiveState") == "active" and
               u.reloads("reload-or-restart") == 0, "reload-or-restart of an inactive unit: started, not reloaded", r.stderr)
        tap.eq(b.stop(), 0, "stops cleanly")


# An umbrella and a member, shaped as Debian's postgresql.service and postgresql@.service.
UMBRELLA = "[Service]\nType=oneshot\nExecStart=/bin/true\nExecReload=/bin/true\nRemainAfterExit=on\n"
MEMBER = ("[Unit]\nPartOf=umbrella.service\nReloadPropagatedFrom=umbrella.service\nBefore=umbrella.service\n"
          "[Service]\nExecStart=/bin/sleep infinity\nExecReload=/bin/sh -c 'echo r >> @STATE@/member.reloads'\n"
          "ExecStop=/bin/sh -c 'test ! -e @STATE@/hold || read x < @STATE@/gate'\n")


def test_stop_then_start_umbrella(tap):
    need()
    units = {"default.target": "[Unit]\nWants=umbrella.service\n", "umbrella.service": UMBRELLA, "member.service": MEMBER,
             "umbrella.service.wants/member.service": "->../member.service"}
    with Boot(units, files={"gate": None}) as b:
        b.booted()
        ctl = Ctl(b, REAL)
        pid = ctl.prop("member.service", "MainPID")
        r = ctl("reload", "umbrella.service")
        until(lambda: os.path.exists(os.path.join(b.state, "member.reloads")), "the member's ExecReload= ran")
        tap.ok(r.returncode == 0, "reload of the umbrella reloads the member (ReloadPropagatedFrom=)", r.stderr)
        # The umbrella stops first (the member is Before= it), so `stop` returns while the
        # member's stop still runs (its ExecStop= waits on the FIFO).
        open(os.path.join(b.state, "hold"), "w").close()
        r = ctl("stop", "umbrella.service")
        b.expect(r"Stopping member.service")
        start = bg(b, "start", "umbrella.service")
        until(lambda: "member.service start waiting" in jobs(ctl) and "umbrella.service start waiting" in jobs(ctl),
              "the start pulls in the member (Wants=) behind its running stop, and the umbrella waits for it")
        os.unlink(os.path.join(b.state, "hold"))
        with open(os.path.join(b.state, "gate"), "w") as f:
            f.write("go\n")
        rs = done(start)
        tap.ok(r.returncode == 0 and rs.returncode == 0, "stop then start of the umbrella, back to back: both succeed", rs.stderr)
        tap.ok(ctl.prop("member.service", "ActiveState") == "active" and ctl.prop("member.service", "MainPID") not in ("0", pid),
               "the member was stopped and started again", ctl.prop("member.service", "ActiveState"))
        m_on = int(ctl.prop("member.service", "ActiveEnterTimestampMonotonic"))
        m_off = int(ctl.prop("member.service", "InactiveEnterTimestampMonotonic"))
        u_on = int(ctl.prop("umbrella.service", "ActiveEnterTimestampMonotonic"))
        tap.ok(m_off < m_on <= u_on, "in order: the member went down, came up, then the umbrella (Before=)", f"{m_off} {m_on} {u_on}")
        tap.eq(b.stop(), 0, "stops cleanly")


def test_postgresql_stop_start(tap):
    """Debian's own postgresql units and generator: the cluster comes back (issue 11, defect 4)."""
    need()
    gen = "/lib/systemd/system-generators/postgresql-generator"
    for p in (gen, "/usr/bin/pg_ctlcluster", "/usr/bin/psql"):
        if not os.path.exists(p):
            raise Skip(f"{p} missing: install postgresql (scripts/deps.sh does)")
    out = tempfile.mkdtemp(prefix="sdinit-pggen-", dir="/var/tmp")
    try:
        subprocess.run([gen, out, out, out], check=True)   # the real generator, into a scratch dir
        wants = sorted(os.listdir(os.path.join(out, "postgresql.service.wants")))
        links = {f"postgresql.service.wants/{w}": "->" + os.readlink(os.path.join(out, "postgresql.service.wants", w))
                 for w in wants}
    finally:
        subprocess.run(["rm", "-rf", "--", out])
    if not wants:
        raise Skip("no postgresql cluster with start.conf 'auto' (pg_createcluster)")
    inst = wants[0]
    ver, name = inst[len("postgresql@"):-len(".service")].split("-", 1)
    tmpfiles = "[Unit]\nDefaultDependencies=no\nBefore=sysinit.target\n[Service]\nType=oneshot\n" \
               "ExecStart=/bin/sh -c 'install -d -m 2775 -o postgres -g postgres /run/postgresql'\n"
    units = {"default.target": "[Unit]\nRequires=basic.target\nAfter=basic.target\nWants=postgresql.service pg-tmpfiles.service\n",
             "pg-tmpfiles.service": tmpfiles}
    units.update(links)
    with Boot(units, copy_units=["postgresql.service", "postgresql@.service"], mapping="identity", net=True) as b:
        b.expect(rf"Started {re.escape(inst)}")
        ctl = Ctl(b, REAL)
        pidfile = f"/proc/{b.p.host_pid()}/root/var/lib/postgresql/{ver}/{name}/postmaster.pid"
        until(lambda: os.path.exists(pidfile), "the postmaster's pid file")
        old = open(pidfile).read().split()[0]
        # Back to back, in one shell inside the container: the cluster's stop (pg_ctlcluster)
        # still runs when the start arrives, postgresql.service having stopped first.
        sh = ("systemctl stop postgresql; echo stop=$?; systemctl start postgresql; echo start=$?; "
              f"systemctl show -p ActiveState --value {inst}")
        r = subprocess.run(["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n", "--preserve-credentials",
                            "sh", "-c", sh], capture_output=True, text=True, timeout=120)
        tap.ok(r.stdout.split() == ["stop=0", "start=0", "active"],
               f"systemctl stop postgresql; systemctl start postgresql: {inst} is active when start returns", r.stdout + r.stderr)
        m_off = int(ctl.prop(inst, "InactiveEnterTimestampMonotonic"))
        m_on = int(ctl.prop(inst, "ActiveEnterTimestampMonotonic"))
        u_on = int(ctl.prop("postgresql.service", "ActiveEnterTimestampMonotonic"))
        tap.ok(0 < m_off < m_on <= u_on, f"{inst} stopped, started, then postgresql.service (Before=)", f"{m_off} {m_on} {u_on}")
        psql = subprocess.run(["nsenter", "-t", str(b.p.host_pid()), "-n", "-m", "setpriv", "--reuid=postgres", "--regid=postgres",
                               "--init-groups", "psql", "-At", "-c", "select 40+2"], capture_output=True, text=True, timeout=30)
        tap.ok(psql.stdout.strip() == "42" and open(pidfile).read().split()[0] != old,
               "a new postmaster answers psql", psql.stdout + psql.stderr)
        rc = b.stop(timeout=90)
        tap.eq(rc, 0, "stops cleanly")


if __name__ == "__main__":
    Tap().run([test_pairs, test_stop_then_start_umbrella, test_postgresql_stop_start])
