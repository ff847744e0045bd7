#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Timer and path units (systemd.timer(5), systemd.path(5)) with sdinit as a real PID 1.

Every check waits for a line of output (a service's echo relayed with its unit name) with a
deadline; absence ("no longer fires") is checked against another timer that keeps firing.
systemctl checks use Debian's real /usr/bin/systemctl against sdinit's D-Bus API (SKIP without it)."""
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import DEADLINE, Tap  # noqa: E402
from test_systemctl import REAL, Ctl, until  # noqa: E402

TARGET = "[Unit]\nDescription=Test boot\nWants={wants}\n"


def target(*wants):
    return TARGET.format(wants=" ".join(wants))


def oneshot(cmd, repeat=False):
    # repeat: started more often than the default start limit (5 in 10 s) allows
    limit = "[Unit]\nStartLimitIntervalSec=0\n" if repeat else ""
    return f"{limit}[Service]\nType=oneshot\nExecStart=/bin/sh -c '{cmd}'\n"


def count(b, pattern):
    rx = re.compile(pattern)
    return sum(1 for line in b.lines if rx.search(line))


def expect_n(b, pattern, n, timeout=DEADLINE):
    """Waits until n lines match; returns the monotonic time when the n-th was read."""
    end = time.monotonic() + timeout
    while count(b, pattern) < n:
        left = end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"{n} lines matching {pattern!r} expected; output:\n" + "\n".join(b.lines[-40:]))
        b.lines.append(b.p.readline(left))
    return time.monotonic()


def test_monotonic_and_calendar(tap):
    units = {
        "default.target": target("once.timer", "rep.timer", "cal.timer", "bad.timer"),
        "once.timer": "[Unit]\nDescription=Once\n[Timer]\nOnActiveSec=1s\n",
        "once.service": oneshot("echo once-fired"),
        "rep.timer": "[Timer]\nOnActiveSec=0.5s\nOnUnitActiveSec=0.5s\nAccuracySec=1us\n",
        "rep.service": oneshot("echo rep-fired", True),
        "cal.timer": "[Timer]\nOnCalendar=*:*:0/2\nUnit=cal-job.service\n",
        "cal-job.service": oneshot("echo cal-fired $(date +%%s.%%N)"),
        "bad.timer": "[Timer]\nOnCalendar=bogus-day 25:00\n",
        "bad.service": oneshot("echo bad-fired"),
    }
    with Boot(units) as b:
        t0 = time.monotonic()
        b.booted()
        t1 = expect_n(b, r"once\.service: once-fired", 1)
        tap.ok(t1 - t0 >= 0.8, "OnActiveSec=1s: the service ran, not before 1 s", f"{t1 - t0:.2f}s")
        expect_n(b, r"rep\.service: rep-fired", 3)
        tap.ok(True, "OnActiveSec= + OnUnitActiveSec=: the service runs again and again")
        expect_n(b, r"cal-job\.service: cal-fired", 2)
        t2, t3 = [float(m) for m in re.findall(r"cal-job\.service: cal-fired (\S+)", b.text())[:2]]
        tap.ok(1.5 <= t3 - t2 <= 2.5 and int(t2) % 2 == 0 and int(t3) % 2 == 0,
               "OnCalendar=*:*:0/2 with Unit=: fires every 2 s, at even seconds", f"{t2:.3f} {t3:.3f}")
        text = b.text()
        tap.ok(re.search(r"/bad\.timer:\d+: Failed to parse calendar specification, ignoring: bogus-day 25:00", text) is not None,
               "bad OnCalendar=: file:line in the log", text)
        tap.ok(re.search(r"bad\.timer.*(lacks value setting|bad-setting)", text) is not None and count(b, "bad-fired") == 0,
               "bad OnCalendar=: that timer fails alone", text)
        tap.eq(count(b, r"once-fired"), 1, "OnActiveSec=: fires once")
        tap.eq(b.stop(), 0, "timers: container stops cleanly")


def test_systemctl(tap):
    if not os.access(REAL, os.X_OK):
        tap.skip("systemctl on timers", f"{REAL} is not installed")
        return
    units = {
        "default.target": target("d.timer", "tick.timer", "w.path", "lim.timer"),
        "d.timer": "[Unit]\nDescription=Stoppable\n[Timer]\nOnActiveSec=0.3s\nOnUnitActiveSec=0.3s\nPersistent=no\n",
        "d.service": oneshot("echo d-fired", True),
        "tick.timer": "[Timer]\nOnActiveSec=0.2s\nOnUnitActiveSec=0.2s\n",
        "tick.service": oneshot("echo tick", True),
        "lim.timer": "[Timer]\nOnActiveSec=0.2s\nOnUnitActiveSec=0.2s\n",
        "lim.service": "[Unit]\nStartLimitBurst=2\nStartLimitIntervalSec=1h\n[Service]\nType=oneshot\nExecStart=/bin/echo lim-fired\n",
        "w.path": "[Unit]\nDescription=Watcher\n[Path]\nPathExists=@STATE@/never\n",
        "w.service": oneshot("echo w-fired"),
    }
    with Boot(units, net=True) as b:
        b.booted()
        ctl = Ctl(b, REAL)
        expect_n(b, r"d\.service: d-fired", 2)
        r = ctl("status", "d.timer")
        tap.ok(r.returncode == 0 and re.search(r"Active: active \((waiting|running)\)", r.stdout) and
               "Trigger:" in r.stdout and "Triggers: " in r.stdout and "d.service" in r.stdout,
               "systemctl status x.timer: active (waiting), Trigger:, Triggers:", r.stdout + r.stderr)
        r = ctl("list-units", "--type=timer", "--all", "--no-legend")
        tap.ok(r.returncode == 0 and re.search(r"d\.timer\s+loaded\s+active\s+(waiting|running)", r.stdout) and
               "tick.timer" in r.stdout, "systemctl list-units --type=timer", r.stdout + r.stderr)
        r = ctl("show", "-p", "Unit", "-p", "TimersMonotonic", "-p", "NextElapseUSecMonotonic", "-p", "LastTriggerUSec",
                "-p", "Result", "d.timer")
        tap.ok(r.returncode == 0 and "Unit=d.service" in r.stdout and "OnUnitActiveUSec" in r.stdout and
               "Result=success" in r.stdout, "systemctl show x.timer: the Timer interface", r.stdout + r.stderr)
        r = ctl("status", "w.path")
        tap.ok(r.returncode == 0 and "Active: active (waiting)" in r.stdout,
               "systemctl status x.path: active (waiting)", r.stdout + r.stderr)
        r = ctl("show", "-p", "Paths", "-p", "Unit", "w.path")
        tap.ok("PathExists" in r.stdout and "Unit=w.service" in r.stdout, "systemctl show x.path: the Path interface",
               r.stdout + r.stderr)
        r = ctl("stop", "d.timer")
        tap.ok(r.returncode == 0 and ctl.prop("d.timer", "ActiveState") == "inactive", "systemctl stop x.timer: inactive",
               r.stderr)
        n = count(b, r"d-fired")
        ticks = count(b, r"tick\.service: tick")
        expect_n(b, r"tick\.service: tick", ticks + 6)   # >= 1.2 s of other timers firing
        tap.eq(count(b, r"d-fired"), n, "a stopped timer no longer fires")
        r = ctl("status", "d.timer")
        tap.ok(r.returncode == 3 and "inactive (dead)" in r.stdout, "systemctl status of a stopped timer: inactive (dead), 3",
               r.stdout)
        r = ctl("start", "d.timer")
        tap.ok(r.returncode == 0, "systemctl start x.timer again", r.stderr)
        expect_n(b, r"d\.service: d-fired", n + 1)
        tap.ok(True, "a restarted timer fires again")
        # a start refused by the unit's start limit: the timer fails (systemd: unit-start-limit-hit)
        until(lambda: ctl.prop("lim.service", "Result") == "start-limit-hit", "lim.service hits its start limit")
        until(lambda: ctl.prop("lim.timer", "ActiveState") == "failed", "lim.timer fails")
        tap.ok(ctl.prop("lim.timer", "Result") == "unit-start-limit-hit" and count(b, "lim-fired") == 2,
               "a timer whose unit hit its start limit fails: unit-start-limit-hit", ctl.prop("lim.timer", "Result"))
        tap.eq(b.stop(), 0, "stop")


def test_persistent(tap):
    stamps = tempfile.mkdtemp(prefix="sdinit-stamps-")
    try:
        old = os.path.join(stamps, "stamp-late.timer")
        with open(old, "w"):
            pass
        week = time.time() - 8 * 86400
        os.utime(old, (week, week))
        units = {
            "default.target": target("late.timer", "fresh.timer"),
            "late.timer": "[Timer]\nOnCalendar=weekly\nPersistent=true\n",
            "late.service": oneshot("echo late-fired"),
            "fresh.timer": "[Timer]\nOnCalendar=*-01-01 00:00:00\nPersistent=true\n",
            "fresh.service": oneshot("echo fresh-fired"),
        }
        with Boot(units, env={"SDINIT_TIMERS_DIR": stamps}) as b:
            b.booted()
            expect_n(b, r"late\.service: late-fired", 1)
            tap.ok(True, "Persistent=true: a stamp older than the last elapse fires at boot")
            tap.ok(os.stat(old).st_mtime > week + 86400, "Persistent=true: the stamp is renewed when it fires")
            tap.ok(os.path.exists(os.path.join(stamps, "stamp-fresh.timer")),
                   "Persistent=true: a timer that never ran gets its stamp file")
            tap.eq(b.stop(), 0, "stop")
            tap.eq(count(b, "fresh-fired"), 0, "Persistent=true without a missed elapse: nothing at boot")
    finally:
        shutil.rmtree(stamps, ignore_errors=True)


def test_paths(tap):
    units = {
        "default.target": target("exists.path", "spool.path", "mod.path", "glob.path"),
        "exists.path": "[Path]\nPathExists=@STATE@/sub/flag\n",
        "exists.service": oneshot("echo exists-fired; rm -f @STATE@/sub/flag"),
        "spool.path": "[Path]\nDirectoryNotEmpty=@STATE@/spool\nMakeDirectory=yes\nDirectoryMode=0700\nUnit=drain.service\n",
        "drain.service": oneshot("echo drained $(ls @STATE@/spool); rm -f @STATE@/spool/*"),
        "mod.path": "[Path]\nPathModified=@STATE@/mod\n",
        "mod.service": oneshot("echo mod-fired"),
        "glob.path": "[Path]\nPathExistsGlob=@STATE@/*.job\n",
        "glob.service": oneshot("echo glob-fired; rm -f @STATE@/*.job"),
    }
    with Boot(units, files={"mod": "x\n"}) as b:
        b.booted()
        st = b.state
        spool = os.path.join(st, "spool")
        tap.ok(os.path.isdir(spool) and (os.stat(spool).st_mode & 0o777) == 0o700,
               "MakeDirectory=yes, DirectoryMode=0700: the directory is created")
        # the watches are set up from the event loop right after boot: a path unit is "waiting"
        # before it is reported active, so anything created from now on is seen
        os.makedirs(os.path.join(st, "sub"))
        with open(os.path.join(st, "sub", "flag"), "w"):
            pass
        expect_n(b, r"exists\.service: exists-fired", 1)
        tap.ok(True, "PathExists=: the service starts when the file appears (parent created later)")
        with open(os.path.join(spool, "item1"), "w"):
            pass
        expect_n(b, r"drain\.service: drained item1", 1)
        tap.ok(True, "DirectoryNotEmpty= with Unit=: the service starts when a file is dropped in")
        with open(os.path.join(st, "mod"), "a") as f:
            f.write("more\n")
        expect_n(b, r"mod\.service: mod-fired", 1)
        tap.ok(True, "PathModified=: the service starts after a write")
        with open(os.path.join(st, "a.job"), "w"):
            pass
        expect_n(b, r"glob\.service: glob-fired", 1)
        tap.ok(True, "PathExistsGlob=: the service starts when a matching file appears")
        with open(os.path.join(spool, "item2"), "w"):
            pass
        expect_n(b, r"drain\.service: drained item2", 1)
        tap.ok(True, "DirectoryNotEmpty=: watched again after the service ran")
        tap.eq(b.stop(), 0, "stop")
        tap.eq(count(b, "exists-fired"), 1, "PathExists=: once while the file existed once")


def test_restart_reload_and_failures(tap):
    """A restarted timer counts from its start; daemon-reload gives active timers and paths their
    new settings; a timer whose unit got masked fails once; a path unit whose service hits its
    start limit fails with unit-start-limit-hit (systemd's results)."""
    if not os.access(REAL, os.X_OK):
        tap.skip("timer and path corner cases", f"{REAL} is not installed")
        return
    units = {
        "default.target": target("r.timer", "n.timer", "m.timer", "lim.path", "two.path"),
        "r.timer": "[Timer]\nOnCalendar=*:*:0/1\n",
        "r.service": oneshot("echo r-fired", True),
        "n.timer": "[Timer]\nOnCalendar=2000-01-01\n",
        "n.service": oneshot("echo n-fired", True),
        "m.timer": "[Timer]\nOnCalendar=*:*:0/1\n",
        "m.service": oneshot("echo m-fired", True),
        "lim.path": "[Path]\nPathExists=@STATE@/lim\n",
        "lim.service": "[Unit]\nStartLimitBurst=3\nStartLimitIntervalSec=1h\n[Service]\nType=oneshot\nExecStart=/bin/false\n",
        "two.path": "[Path]\nPathExists=@STATE@/first\n",
        "two.service": oneshot("echo two-fired"),
    }
    with Boot(units, files={"lim": "x"}) as b:
        b.booted()
        ctl = Ctl(b, REAL)
        expect_n(b, r"r.service: r-fired", 1)
        ctl("stop", "r.timer")
        ctl("start", "r.timer")
        tap.ok(ctl.prop("r.timer", "LastTriggerUSec") in ("", "n/a") and ctl.prop("r.timer", "LastTriggerUSecMonotonic") == "0",
               "a restarted timer has no last trigger (no catch-up without Persistent=)",
               ctl.prop("r.timer", "LastTriggerUSecMonotonic"))
        # daemon-reload: n.timer becomes a timer that fires every second
        with open(os.path.join(b.dir, "n.timer"), "w") as f:
            f.write("[Timer]\nOnCalendar=*:*:0/1\n")
        with open(os.path.join(b.dir, "two.path"), "w") as f:
            f.write(f"[Path]\nPathExists={b.state}/first\nPathExists={b.state}/second\n")
        os.unlink(os.path.join(b.dir, "m.service"))
        os.symlink("/dev/null", os.path.join(b.dir, "m.service"))
        ctl("daemon-reload")
        expect_n(b, r"n.service: n-fired", 1)
        tap.ok(True, "daemon-reload: an active timer fires on its new OnCalendar=")
        open(os.path.join(b.state, "second"), "w").close()
        expect_n(b, r"two.service: two-fired", 1)
        tap.ok(True, "daemon-reload: an active path unit watches its new PathExists=")
        until(lambda: ctl.prop("m.timer", "ActiveState") == "failed", "m.timer failed")
        tap.ok(ctl.prop("m.timer", "Result") == "resources" and count(b, r"m.service.*masked") <= 1,
               "a timer whose unit became masked fails once (resources)", ctl.prop("m.timer", "Result"))
        until(lambda: ctl.prop("lim.path", "ActiveState") == "failed", "lim.path failed")
        tap.ok(ctl.prop("lim.path", "Result") == "unit-start-limit-hit" and count(b, r"Failed to start lim.service") <= 4,
               "a path unit whose service hits its start limit fails: unit-start-limit-hit",
               f"{ctl.prop('lim.path', 'Result')} {count(b, r'Failed to start lim.service')}")
        tap.eq(b.stop(), 0, "stops cleanly")


if __name__ == "__main__":
    Tap().run([test_monotonic_and_calendar, test_systemctl, test_persistent, test_paths, test_restart_reload_and_failures])
