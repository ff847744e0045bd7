#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""systemd-journald under sdinit (issue 15, item 1): sdinit as PID 1 (oraclelib.py: user namespace,
delegated cgroup v2 when the host offers one, private /run, /tmp, /dev, and a private tmpfs on
/var/log/journal) boots the host's own systemd-journald from Debian's unit files
(systemd-journald.socket, systemd-journald-dev-log.socket, systemd-journald.service) and two
services with the default StandardOutput=journal. Real clients inside the namespaces:
  - `journalctl -u a.service` shows a's lines (stdout and stderr) and none of b's;
  - `systemctl status a.service` (Debian's) shows a's last lines;
  - `logger` lines reach the journal through /dev/log (journald's socket, linked by Symlinks=);
  - `journalctl -b` and `journalctl -f` (a line written after it started arrives);
  - the container's stdout still has every service line, once;
  - journalctl -u of each unit has the messages systemd 252 logs for the same units and steps (the
    oracle booted in the same run, logging to the journal as by default).
Waiting is for the lines themselves (journalctl polled with a deadline that only bounds failure).
SKIPs without /lib/systemd/systemd-journald or journalctl.
"""
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oraclelib  # noqa: E402
from harness import Tap  # noqa: E402

JOURNALD = "/lib/systemd/systemd-journald"
JOURNALCTL = "/usr/bin/journalctl"
OURS = os.path.abspath(os.environ.get("SDINIT_SYSTEMCTL") or os.path.join(HERE, "..", "..", "build", "init", "systemctl"))
TMPFS_DIRS = ("/var/log/journal",)
DEADLINE = 30


def svc(name, script):
    return (f"[Unit]\nDescription={name} test service\nDefaultDependencies=no\nAfter=systemd-journald.socket\n"
            f"[Service]\nExecStart=/bin/sh -c '{script}'\n")


UNITS = {
    "default.target": "[Unit]\nDescription=journal test\nWants=systemd-journald.socket systemd-journald-dev-log.socket "
                      "a.service b.service d.service\n",
    "a.service": svc("a", "echo a-out-1; echo a-err-2 >&2; echo a-out-3; exec sleep infinity"),
    "b.service": svc("b", "echo b-out-1; exec sleep infinity"),
    "c.service": svc("c", "echo c-followed-1; exec sleep infinity"),
    # prints and exits at once: its line is read after it exited (before PID 1 reaps it)
    "d.service": "[Unit]\nDefaultDependencies=no\nAfter=systemd-journald.socket\n[Service]\nType=oneshot\n"
                 "ExecStart=/bin/echo d-oneshot-1\n",
}


def ns(p, *argv, timeout=30, **kw):
    cmd = ["nsenter", "-t", str(p.pid1), "-U", "-m", "-p"] + list(argv)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, LANG="C.UTF-8", SYSTEMD_COLORS="0", SYSTEMD_PAGER=""), **kw)


def journal_lines(p, *args):
    r = ns(p, JOURNALCTL, "--no-pager", "-o", "cat", *args)
    return r.stdout.splitlines() if r.returncode == 0 else []


def wait_journal(p, args, want, deadline=DEADLINE):
    """journalctl `args` until every line of `want` is there (or the deadline): the lines seen."""
    end = time.monotonic() + deadline
    while True:
        got = journal_lines(p, *args)
        if all(w in got for w in want) or time.monotonic() > end:
            return got
        time.sleep(0.1)  # polls journalctl for the lines waited for; the deadline bounds failure


def wait_journald(p):
    end = time.monotonic() + DEADLINE
    while True:  # socket-activated by the services' streams: waits for its READY=1
        rc, out, err = p.systemctl("show", "-p", "ActiveState,SubState", "systemd-journald.service")
        if "ActiveState=activating" not in out or time.monotonic() > end:
            return out + err
        time.sleep(0.05)


def journal_by_unit(p):
    """{unit: sorted messages} once each unit's own lines are in (PID 1's lines about a unit come
    from another process: their order against the unit's output is not fixed)."""
    want = {"a.service": "a-out-3", "b.service": "b-out-1", "c.service": "c-followed-1", "d.service": "d-oneshot-1"}
    return {u: sorted(wait_journal(p, ["-u", u], [w])) for u, w in want.items()}


def oracle(cg2, work, unitdir):
    """What systemd 252 (logging to the journal, its default) puts in the journal for the same
    units and the same steps: boot, journald up, c.service started."""
    p = oraclelib.boot_systemd(cg2, f"sdinit-journal-systemd-{os.getpid()}", work, unitdir, TMPFS_DIRS,
                               log_target="journal-or-kmsg")
    try:
        p.wait_ready()
        wait_journald(p)
        p.systemctl("start", "c.service")
        return journal_by_unit(p)
    finally:
        oraclelib.stop_systemd(p)
        p.close()


def run(tap, p):
    p.wait_ready()
    out = wait_journald(p)
    tap.ok("ActiveState=active" in out, "systemd-journald.service runs under sdinit", out)
    got = wait_journal(p, ["-u", "a.service"], ["a-out-1", "a-err-2", "a-out-3"])
    tap.ok(all(w in got for w in ("a-out-1", "a-err-2", "a-out-3")), "journalctl -u a.service shows a's stdout and stderr",
           "\n".join(got))
    tap.ok(not any(ln.startswith("b-") for ln in got), "journalctl -u a.service shows none of b's lines", "\n".join(got))
    got = wait_journal(p, ["-u", "b.service"], ["b-out-1"])
    tap.ok(got == ["b-out-1"], "journalctl -u b.service shows b's line only", "\n".join(got))
    got = wait_journal(p, ["-u", "d.service"], ["d-oneshot-1"])
    tap.ok("d-oneshot-1" in got, "journalctl -u d.service shows the line of a process that exited at once", "\n".join(got))
    r = ns(p, oraclelib.SYSTEMCTL, "--no-pager", "status", "a.service")
    tap.ok("a-out-1" in r.stdout and "a-out-3" in r.stdout, "systemctl status a.service shows its last lines", r.stdout + r.stderr)

    # sdinit's own systemctl reads the journal as Debian's does: the same log lines (after the
    # status block's blank line), for a running service and a finished one
    for unit in ("a.service", "d.service"):
        theirs = ns(p, oraclelib.SYSTEMCTL, "--no-pager", "status", unit).stdout
        ours = ns(p, OURS, "--no-pager", "status", unit).stdout
        tail = lambda out: out.split("\n\n", 1)[1] if "\n\n" in out else ""  # noqa: E731
        tap.ok(tail(theirs) != "" and tail(ours) == tail(theirs), f"sdinit's systemctl status {unit}: Debian's log lines",
               f"Debian's:\n{theirs}\nsdinit's:\n{ours}")
    r = ns(p, "/usr/bin/logger", "-t", "sdinit-journal-test", "hello from logger")
    tap.ok(r.returncode == 0, "logger writes to /dev/log", r.stderr)
    got = wait_journal(p, ["-t", "sdinit-journal-test"], ["hello from logger"])
    tap.ok("hello from logger" in got, "the logger line is in the journal", "\n".join(got))
    got = journal_lines(p, "-b")
    tap.ok("a-out-1" in got and "hello from logger" in got, "journalctl -b has the boot's lines", "\n".join(got[-20:]))

    # journalctl -f: started before c.service; c's line must arrive on its output.
    cmd = ["nsenter", "-t", str(p.pid1), "-U", "-m", "-p", JOURNALCTL, "--no-pager", "-o", "cat", "-f", "-u", "c.service"]
    f = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    try:
        # -f prints the last lines first (none: c never ran), then follows; give it a line of ours
        # through the journal to know it follows before c starts.
        ns(p, "/usr/bin/logger", "-t", "sdinit-journal-test", "before c")
        p.systemctl("start", "c.service")
        seen, end = "", time.monotonic() + DEADLINE
        while "c-followed-1" not in seen and time.monotonic() < end:
            ready, _, _ = select.select([f.stdout], [], [], max(0.0, end - time.monotonic()))
            if not ready:
                break
            line = f.stdout.readline()
            if not line:
                break
            seen += line
        tap.ok("c-followed-1" in seen, "journalctl -f shows a line written after it started", seen)
    finally:
        f.kill()
        f.wait()
    return journal_by_unit(p)


def main():
    tap = Tap()
    if os.geteuid() != 0:
        tap.skip("journal", "needs root (user namespaces with subordinate ids)")
        tap.run([])
    for b in (JOURNALD, JOURNALCTL, oraclelib.SYSTEMCTL):
        if not os.access(b, os.X_OK):
            tap.skip("journal", f"LOUD SKIP: no {b}")
            tap.run([])
    cg2, why = oraclelib.preflight_or_none()
    if why:
        tap.ok(True, f"no delegated cgroup v2 ({why}): sdinit runs without a cgroup of its own")
    work = tempfile.mkdtemp(prefix="sdinit-journal-", dir="/var/tmp")
    os.chmod(work, 0o755)
    unitdir = os.path.join(work, "units")
    oraclelib.write_unit_dir(unitdir, UNITS)
    p = None
    try:
        p = oraclelib.boot_sdinit(cg2, f"sdinit-journal-{os.getpid()}", work, unitdir, TMPFS_DIRS)
        mine = run(tap, p)
        rc = oraclelib.stop_sdinit(p)
        out = p.output()
        tap.ok(rc == 0, "sdinit exits 0 on SIGTERM", rc)
        lines = out.splitlines()
        stops = {u: i for i, ln in enumerate(lines) for u in ("a.service", "b.service", "c.service",
                                                               "systemd-journald.service", "systemd-journald.socket")
                 if "Stopped " + u in ln}
        last_service = max((stops.get(u, -1) for u in ("a.service", "b.service", "c.service")), default=-1)
        tap.ok(len(stops) == 5 and stops["systemd-journald.service"] > last_service and
               stops["systemd-journald.socket"] > last_service,
               "systemd-journald and its socket stop after every service", "\n".join(lines[-40:]))
        for want in ("a.service: a-out-1", "a.service: a-err-2", "a.service: a-out-3", "b.service: b-out-1",
                     "d.service: d-oneshot-1", "c.service: c-followed-1"):
            n = out.splitlines().count(want)
            tap.ok(n == 1, f"stdout has '{want}' once", f"{n} times\n{out[-3000:]}")
        bad = [ln for ln in out.splitlines() if "AddressSanitizer" in ln or "runtime error:" in ln or "LeakSanitizer" in ln]
        tap.ok(not bad, "no sanitizer report", "\n".join(bad[:20]))
        p.close()
        p = None
        # The oracle: the same units under systemd 252, journalctl -u of each compared line by line
        # (PID 1's own "Started c.service - ..." included: sdinit writes it once journald runs, as
        # systemd does).
        if cg2 is None:
            tap.skip("journal as under systemd", "LOUD SKIP: no delegated cgroup v2: systemd cannot be the oracle")
        else:
            theirs = oracle(cg2, work, unitdir)
            for u in sorted(theirs):
                tap.eq(mine[u], theirs[u], f"journalctl -u {u}: the messages systemd 252 logs")
    finally:
        if p:
            p.close()
        shutil.rmtree(work, ignore_errors=True)
    tap.run([])


if __name__ == "__main__":
    main()
