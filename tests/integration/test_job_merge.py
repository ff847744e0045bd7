#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Back-to-back jobs on one unit, driven with Debian's systemctl against sdinit as PID 1: each pair
must merge, replace or queue as systemd's job_install() does (src/core/job.c, systemd 252), and a
start that replaces a stop must pull in and order the unit's dependencies as a transaction does.

The pairs and their expected outcomes are in jobpairs.py (systemd's, derived from job.c and
checked against the real systemd 252 by test_job_oracle.py). And Debian's postgresql.service umbrella: `systemctl stop postgresql; systemctl start postgresql`
brings the cluster postgresql@V-C back before postgresql.service (issue 11, defect 4).
Slow commands wait on FIFOs the test opens; nothing sleeps to synchronise."""
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import Skip, Tap, until  # noqa: E402
from test_systemctl import REAL, Ctl, need_real  # noqa: E402
import jobpairs  # noqa: E402

def test_pairs(tap):
    """Every pair of jobpairs.py, with the outcome systemd's job.c gives (test_job_oracle.py checks
    the same script against the real systemd 252)."""
    need_real()
    with Boot(jobpairs.units("@STATE@"), files={f"{c}.gate": None for c in jobpairs.CASES}) as b:
        b.booted()
        r = jobpairs.Runner(["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n", "--preserve-credentials"], b.state)
        for n in jobpairs.CASES:
            try:
                got = r.case(n)
            except AssertionError as e:
                got = (f"stuck: {e}",)
            tap.eq(got, jobpairs.EXPECTED[n], f"{n}: {jobpairs.EXPECTED[n]}")
        tap.eq(b.stop(), 0, "stops cleanly")


def test_postgresql_stop_start(tap):
    """Debian's own postgresql units and generator: the cluster comes back (issue 11, defect 4)."""
    need_real()
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
    Tap().run([test_pairs, test_postgresql_stop_start])
