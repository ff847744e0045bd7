#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""GuessMainPID= for Type=forking services without PIDFile= (issue 11, defect 5), with Debian's
apache2 started from its own unit file (ExecStart=/usr/sbin/apachectl start: apache2 forks, the
child calls setsid() and its parent exits, so the master is re-parented to PID 1 in a session of
its own). As systemd does (unit_search_main_pid()), sdinit must take that master as MainPID, so
that `kill -9` of it is noticed and Restart=on-abort restarts apache2, and a graceful reload
(ExecReload=/usr/sbin/apachectl graceful) keeps it. Also a small forking service whose daemon
detaches the same way, checked process by process. Clients: Debian's systemctl and curl."""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import Skip, Tap, until, until_ok  # noqa: E402
from test_systemctl import Ctl  # noqa: E402
from test_daemons import host_pid_of, in_ns  # noqa: E402

REAL = "/usr/bin/systemctl"
TARGET = "[Unit]\nDescription=Daemons\nRequires=basic.target\nAfter=basic.target\nWants={}\n"


def stat_of(b, nspid):
    """(ppid, session) of a process of the container, by its pid there."""
    with open(f"/proc/{b.p.host_pid()}/root/proc/{nspid}/stat") as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[1]), int(rest[3])


def master_from_pidfile(b):
    with open(f"/proc/{b.p.host_pid()}/root/run/apache2/apache2.pid") as f:
        return f.read().split()[0]


def test_apache2(tap):
    for p in ("/usr/sbin/apache2", "/usr/sbin/apachectl", REAL, "/usr/bin/curl"):
        if not os.path.exists(p):
            raise Skip(f"{p} missing: install apache2 (scripts/deps.sh does)")
    # /run/lock (apachectl's lock directory) comes from systemd-tmpfiles' legacy.conf at boot;
    # the test's fresh /run gets it from a oneshot doing that job.
    tmpfiles = "[Unit]\nDefaultDependencies=no\nBefore=sysinit.target\n[Service]\nType=oneshot\n" \
               "ExecStart=/bin/mkdir -m 1777 -p /run/lock\n"
    with Boot({"default.target": TARGET.format("apache2.service run-lock.service"), "run-lock.service": tmpfiles},
              copy_units=["apache2.service"], mapping="identity", net=True) as b:
        b.expect(r"Started apache2.service")
        ctl = Ctl(b, REAL)
        until_ok(lambda: in_ns(b, ["curl", "-sS", "-o", "/dev/null", "http://127.0.0.1/"]), "curl")
        main = ctl.prop("apache2.service", "MainPID")
        master = master_from_pidfile(b)
        ppid, sid = stat_of(b, int(master))
        tap.ok(main == master and ppid == 1 and sid == int(master),
               "apache2 (forking, no PIDFile=): MainPID is the master (re-parented to PID 1, its own session)",
               f"MainPID={main} master={master} ppid={ppid} sid={sid}")
        r = ctl("reload", "apache2.service")
        until_ok(lambda: in_ns(b, ["curl", "-sS", "-o", "/dev/null", "http://127.0.0.1/"]), "curl after reload")
        tap.ok(r.returncode == 0 and ctl.prop("apache2.service", "MainPID") == main and master_from_pidfile(b) == main,
               "apachectl graceful (ExecReload=): MainPID unchanged", f"{r.returncode} {r.stderr} {ctl.prop('apache2.service', 'MainPID')}")
        os.kill(host_pid_of(b, int(main)), signal.SIGKILL)
        new = until(lambda: (lambda v: v if v not in ("0", "", main) else None)(ctl.prop("apache2.service", "MainPID")),
                    "a new MainPID after kill -9 of the master", b=b)
        show = ctl("show", "-p", "NRestarts", "-p", "Result", "-p", "ActiveState", "apache2.service").stdout.split()
        until_ok(lambda: in_ns(b, ["curl", "-sS", "-o", "/dev/null", "http://127.0.0.1/"]), "curl after the restart")
        tap.ok(sorted(show) == ["ActiveState=active", "NRestarts=1", "Result=success"] and new == master_from_pidfile(b),
               "kill -9 of the master: Restart=on-abort restarts apache2 (as systemd: NRestarts=1, Result=success, "
               "the new master is MainPID)", f"{show} MainPID={new}")
        rc = b.stop(timeout=90)
        tap.eq(rc, 0, "stops cleanly")
        tap.ok(b.index(r"Stopped apache2.service") >= 0, "apache2 stopped", b.text()[-1500:])


# A daemon that detaches as apache2 does: a child of the start command calls setsid(), tells its
# parent (the pipe), and the start command exits; the daemon, re-parented to PID 1, leads its own
# session with one child. Its session and parent link to the unit are gone when sdinit looks.
DAEMON = ("[Unit]\nDescription=Detaching daemon\n[Service]\nType=forking\nRestart=on-abort\n"
          "ExecStart=/bin/sh -c '{ setsid /bin/sh -c \"echo >&3; sleep infinity & exec sleep infinity\" 3>&1 & } | read x'\n")


def test_small_forking(tap):
    if not os.path.exists(REAL):
        raise Skip("Debian's systemctl is missing (package systemd)")
    with Boot({"default.target": "[Unit]\nWants=d.service\n", "d.service": DAEMON}) as b:
        b.booted()
        ctl = Ctl(b, REAL)
        main = ctl.prop("d.service", "MainPID")
        ok = main not in ("0", "")
        ppid, sid = stat_of(b, int(main)) if ok else (0, 0)
        tap.ok(ok and ppid == 1 and sid == int(main), "a daemon detached with setsid(): it is MainPID", f"{main} {ppid} {sid}")
        pids = ctl("show", "-p", "MainPID", "--value", "d.service").stdout
        os.kill(host_pid_of(b, int(main)), signal.SIGKILL) if ok else None
        new = until(lambda: (lambda v: v if v not in ("0", "", main) else None)(ctl.prop("d.service", "MainPID")),
                    "a new MainPID after kill -9", b=b)
        tap.ok(ctl.prop("d.service", "NRestarts") == "1", "kill -9 of it: Restart=on-abort restarts the service", pids + new)
        # The killed daemon's child (its session) was stopped with it: one daemon session is left.
        out = until(lambda: (lambda v: v if v == "2" else None)(subprocess.run(
            ["nsenter", "-t", str(b.p.host_pid()), "-m", "-p", "pgrep", "-c", "-x", "sleep"], capture_output=True, text=True).stdout.strip()),
            "only the new daemon's two sleeps")
        tap.eq(out, "2", "the old daemon's other process was stopped with it (only the new daemon's two sleeps run)")
        tap.eq(b.stop(), 0, "stops cleanly")


if __name__ == "__main__":
    Tap().run([test_apache2, test_small_forking])
