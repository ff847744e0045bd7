#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Shutdown is bounded (issue 11): whatever units do while the container stops -- traffic on
syslog.socket that would start rsyslog again, an ExecStop= that hangs, a main process that ignores
SIGTERM, a stop command that starts other units, a path unit whose condition turns true -- PID 1
(sdinit, a real PID 1 in its own namespaces) exits within the sum of the stop timeouts along the
longest ordering chain plus a small margin, with the right exit status, naming each process it
had to SIGKILL.

Elapsed times are measured from the signal (or the `systemctl exit` call) to PID 1's exit and
compared with the bound; the deadlines only bound failures. What the services' processes received
is checked through what they wrote (files, their own output relayed by PID 1) and what sdinit
reported: PID 1's exit kills the namespace, so "nothing left" is shown by every unit's processes
having ended before it, and by the absence of any "left over" kill."""
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import DEADLINE, PY, Skip, Tap, until_ok  # noqa: E402

TARGET = "[Unit]\nDescription=Test\nRequires=basic.target\nAfter=basic.target\nWants={}\n"
MARGIN = 3.0  # seconds over the bound: reaping, polling and the test's own start-up of clients

# A main process that records every SIGTERM it gets in a file, and (IGNORE=1) does not die of it.
SIGFILE = r"""
import os, signal, sys, time
path, ignore = sys.argv[1], sys.argv[2] == "1"
def on_term(*_):
    with open(path, "a") as f:
        f.write("TERM\n")
    os.write(1, b"got TERM\n")
    if not ignore:
        os._exit(0)
signal.signal(signal.SIGTERM, on_term)
os.write(1, f"ready {os.getpid()}\n".encode())
while True:
    signal.pause()
"""


def in_ns(b, argv, pidns=False, timeout=30):
    cmd = ["nsenter", "-t", str(b.p.host_pid()), "-n", "-m"] + (["-p"] if pidns else [])
    return subprocess.run(cmd + argv, capture_output=True, text=True, timeout=timeout)


def wait_exit(b, timeout):
    """PID 1's exit status, reading its output as it comes; None (and PID 1 killed) if it has not
    exited by the deadline -- the output read so far is kept for the checks."""
    end = time.monotonic() + timeout
    try:
        while True:
            b.lines.append(b.p.readline(max(end - time.monotonic(), 0.001)))
    except EOFError:
        return b.wait()
    except TimeoutError:
        pass
    b.p.kill(signal.SIGKILL)
    b.wait()
    return None


def after(b, first, pattern):
    """Lines matching pattern after the first line matching `first`."""
    i = b.index(first)
    rx = re.compile(pattern)
    return [l for l in b.lines[i + 1:] if rx.search(l)] if i >= 0 else []


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


# ---- defect 3: rsyslog brought back by syslog.socket during shutdown ------------------------------

def rsyslog_boot(how):
    """rsyslog from Debian (its own rsyslog.service and syslog.socket, enabled as Debian enables it:
    syslog.service is an alias), beside a daemon that logs while it stops and whose stop command
    hangs (TimeoutStopSec=2), while a client floods /dev/log. Returns (exit status, elapsed, boot)."""
    for p in ("/usr/sbin/rsyslogd", "/usr/bin/logger"):
        if not os.path.exists(p):
            raise Skip(f"{p} missing (scripts/deps.sh installs rsyslog and bsdutils)")
    app = ("[Unit]\nDescription=Logs while it stops\n[Service]\nExecStart=/bin/sleep infinity\n"
           "ExecStop=/bin/sh -c 'while :; do logger -t app stopping; done'\nTimeoutStopSec=2\n")
    b = Boot({"default.target": TARGET.format("rsyslog.service app.service"), "app.service": app,
              "syslog.service": "-> rsyslog.service"},
             copy_units=["rsyslog.service", "syslog.socket"], mapping="identity", net=True)
    flood = None
    try:
        b.expect(r"Started rsyslog.service")
        b.booted()
        until_ok(lambda: in_ns(b, ["logger", "-t", "test", "hello"]), "logger")
        # Straight to syslog.socket's own socket: /dev/log's rate limit (journald's 10,000 per
        # 30 s per sender) would cut a flood through it before shutdown begins.
        flood = subprocess.Popen(["nsenter", "-t", str(b.p.host_pid()), "-n", "-m", "sh", "-c",
                                  "while :; do logger -u /run/systemd/journal/syslog -t flood x; done"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t0 = time.monotonic()
        if how == "signal":
            b.p.kill(signal.SIGRTMIN + 3)
        else:
            r = in_ns(b, ["systemctl", "exit", "3"], pidns=True)
            if r.returncode != 0:
                raise AssertionError(f"systemctl exit 3: {r.returncode} {r.stderr}")
        rc = wait_exit(b, 10)
        return rc, time.monotonic() - t0, b
    finally:
        if flood:
            flood.kill()
            flood.wait()


def check_rsyslog(tap, how, want):
    b = None
    try:
        rc, elapsed, b = rsyslog_boot(how)
        t = "\n".join(l for l in b.lines if not l.startswith("syslog:"))[-3000:]
        name = f"rsyslog + logger flood, {'SIGRTMIN+3' if how == 'signal' else 'systemctl exit 3'}"
        tap.ok(rc == want and elapsed < 10, f"{name}: PID 1 exits {want} in under 10 s (took {elapsed:.2f} s)",
               f"status {rc}, {elapsed:.1f} s\n{t}")
        # The bound: app.service's stop timeout (2 s) is the longest chain; rsyslog stops at once.
        tap.ok(rc is not None and elapsed <= 2 + MARGIN, f"{name}: within the stop timeouts of the longest chain (2 s) + margin",
               f"{elapsed:.2f} s")
        tap.ok(not after(b, r"stopping all units", r"Start(ing|ed) rsyslog.service"),
               f"{name}: syslog.socket does not start rsyslog again once shutdown has begun", t)
        tap.ok(b.index(r"syslog.socket: shutdown in progress, suppressing activation") >= 0,
               f"{name}: PID 1 says that it suppresses the activation", t)
        tap.ok(after(b, r"Stopped rsyslog.service", r"^syslog: .*app: stopping"),
               f"{name}: with rsyslog gone, what the stopping daemon logs reaches the container's output", t)
        tap.ok(b.index(r"Stopped rsyslog.service") >= 0 and b.index(r"rsyslog.service: (state 'stop-sigterm' timed out|Killing)") < 0,
               f"{name}: rsyslogd ended on its SIGTERM (no SIGKILL) before PID 1 exited", t)
        tap.ok(b.index(r"app.service: Stopping timed out. Terminating.") >= 0 and
               b.index(r"app.service: Control process \d+ code=killed, status=15/TERM") >= 0,
               f"{name}: the hung ExecStop= is terminated after TimeoutStopSec= (SIGTERM, as systemd does)", t)
        # Every unit's processes ended with their unit: the final sweep has no unit process to
        # signal (a client such as `systemctl exit` may still be on its way out) and kills nothing.
        tap.ok(b.index(r"Sending SIGTERM to PID \d+ \(.*\) of ") < 0 and b.index(r"Sending SIGKILL") < 0 and
               b.index(r"killing what is left") < 0, f"{name}: no unit process was left for the final sweep", t)
    finally:
        if b:
            b.__exit__()


def test_rsyslog_sigrtmin3(tap):
    check_rsyslog(tap, "signal", 0)


def test_rsyslog_systemctl_exit(tap):
    if not os.path.exists("/usr/bin/systemctl"):
        raise Skip("Debian's systemctl is missing")
    check_rsyslog(tap, "exit", 3)


# ---- a chain of stubborn units, a stop that starts units, a path that turns true -------------------

def test_stubborn_chain(tap):
    if not os.path.exists("/usr/bin/systemctl"):
        raise Skip("Debian's systemctl is missing")
    units = {
        "default.target": TARGET.format("first.service second.service side.service watch.path"),
        # Ignores SIGTERM: killed after its TimeoutStopSec=.
        "first.service": "[Service]\nExecStart=" + PY + " @STATE@/sig.py @STATE@/first.term 1\nTimeoutStopSec=2\n",
        # Stops before first (ordered after it); its ExecStop= hangs and ignores SIGTERM (so it
        # takes two stop timeouts: the ExecStop= one, then the SIGTERM one, as with systemd), and
        # makes watch.path's condition true on the way.
        "second.service": "[Unit]\nAfter=first.service\n[Service]\nExecStart=" + PY + " @STATE@/sig.py @STATE@/second.term 0\n"
                          "ExecStop=/bin/sh -c 'trap \"\" TERM; touch @STATE@/go; exec sleep 1000'\nTimeoutStopSec=2\n",
        # Its stop command asks for a start: refused once shutdown has begun.
        "side.service": "[Service]\nExecStart=/bin/sleep infinity\n"
                        "ExecStop=/bin/sh -c 'systemctl start other.service; echo $? > @STATE@/side.rc; "
                        "systemctl --no-block stop first.service; echo $? > @STATE@/side-stop.rc'\nTimeoutStopSec=2\n",
        "other.service": "[Service]\nExecStart=/bin/sh -c 'echo started > @STATE@/other.started; exec sleep infinity'\n",
        # Stops only after second.service (DefaultDependencies=no, ordered before it): its
        # condition turns true while its stop is pending.
        "watch.path": "[Unit]\nDefaultDependencies=no\nBefore=second.service\n[Path]\nPathExists=@STATE@/go\nUnit=triggered.service\n",
        "triggered.service": "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo ran > @STATE@/triggered'\n",
    }
    with Boot(units, net=True, files={"sig.py": SIGFILE}) as b:
        b.booted()
        # "Started" comes at the fork (Type=simple): each waits for its process's handler first,
        # which the *.term checks below depend on.
        b.expect(r"first.service: ready \d+")
        b.expect(r"second.service: ready \d+")
        t0 = time.monotonic()
        r = in_ns(b, ["systemctl", "exit", "5"], pidns=True)
        rc = wait_exit(b, 20)
        elapsed = time.monotonic() - t0
        t = b.text()[-4000:]
        tap.ok(r.returncode == 0 and rc == 5, "systemctl exit 5: PID 1 exits 5", f"{r.returncode} {r.stderr} {rc}\n{t}")
        # Longest chain: second (2 s for ExecStop=, 2 s for SIGTERM) then first (2 s, ignores SIGTERM).
        tap.ok(6 - 0.5 <= elapsed <= 6 + MARGIN, f"the stop takes the sum of the stop timeouts along the chain (6 s) + margin (took {elapsed:.2f} s)",
               f"{elapsed:.2f} s")
        tap.ok(b.index(r"stopping all units \(bounded by 10\.0 s") >= 0,
               "PID 1 announces its bound: every phase that can time out, along the chain (3 x 2 s + 2 x 2 s)", t)
        tap.ok(b.index(r"second.service: Killing process \d+ \(sleep\) with signal SIGKILL\.") >= 0,
               "second.service's hung ExecStop= is killed, named with its pid", t)
        tap.ok(read(os.path.join(b.state, "second.term")) == "TERM\n", "second.service's main process got SIGTERM once", t)
        tap.ok(b.index(r"first.service: state 'stop-sigterm' timed out. Killing.") >= 0 and
               b.index(r"first.service: Killing process \d+ \(python3\) with signal SIGKILL\.") >= 0,
               "first.service ignores SIGTERM: killed after 2 s, named with its pid", t)
        tap.ok(read(os.path.join(b.state, "first.term")) == "TERM\n", "first.service's main process got SIGTERM before SIGKILL", t)
        tap.ok(b.index(r"Stopped second.service") < b.index(r"Stopped first.service"), "reverse order: second before first", t)
        # systemd 252 answers a start during shutdown (booted here as the oracle) with
        # TransactionIsDestructive, which its systemctl reports with exit status 4.
        tap.ok(read(os.path.join(b.state, "side.rc")).strip() == "4" and not os.path.exists(os.path.join(b.state, "other.started")),
               "a stop command's `systemctl start` is refused during shutdown (exit 4); nothing starts",
               read(os.path.join(b.state, "side.rc")) + t)
        tap.ok(b.index(r"side.service: Failed to start other.service: Transaction for other.service/start is destructive "
                       r"\(shutdown.target has 'start' job queued, but 'stop' is included in transaction\)\.") >= 0,
               "with systemd's message", t)
        tap.ok(read(os.path.join(b.state, "side-stop.rc")).strip() == "0", "a stop request during shutdown is accepted, as by systemd",
               read(os.path.join(b.state, "side-stop.rc")))
        tap.ok(os.path.exists(os.path.join(b.state, "go")) and not os.path.exists(os.path.join(b.state, "triggered")),
               "a path unit whose condition turns true while its stop is pending starts nothing", t)
        tap.ok(b.index(r"Sending SIGTERM to PID \d+ \(.*\) of ") < 0 and b.index(r"Sending SIGKILL") < 0 and
               b.index(r"killing what is left") < 0, "every process ended with its unit: nothing left for the final sweep", t)


def test_timer_and_accept_socket(tap):
    """A timer that elapses and an Accept=yes socket that gets a connection while their own stop is
    queued (they stop after slow.service, which takes its 4 s stop timeout): nothing starts; the
    connection is accepted and closed at once (systemd refuses it the same way)."""
    if not os.path.exists("/usr/bin/systemctl"):
        raise Skip("Debian's systemctl is missing")
    units = {
        "default.target": TARGET.format("slow.service echo.socket"),
        "slow.service": "[Service]\nExecStart=" + PY + " @STATE@/sig.py @STATE@/slow.term 1\nTimeoutStopSec=4\n",
        "tick.timer": "[Unit]\nDefaultDependencies=no\nBefore=slow.service\n[Timer]\nOnActiveSec=2\n",
        "tick.service": "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo ran > @STATE@/tick'\n",
        "echo.socket": "[Unit]\nDefaultDependencies=no\nBefore=slow.service\n[Socket]\nListenStream=@STATE@/echo.sock\nAccept=yes\n",
        "echo@.service": "[Service]\nExecStart=/bin/cat\nStandardInput=socket\n",
    }
    import socket as sk

    def talk():
        c = sk.socket(sk.AF_UNIX, sk.SOCK_STREAM)
        c.settimeout(DEADLINE)
        c.connect(os.path.join(b.state, "echo.sock"))
        try:
            c.sendall(b"ping\n")
            data = c.recv(100)
        except (BrokenPipeError, ConnectionResetError):
            data = b""  # closed by PID 1 before our write
        c.close()
        return data

    with Boot(units, net=True, files={"sig.py": SIGFILE}) as b:
        b.booted()
        b.expect(r"slow.service: ready \d+")
        tap.eq(talk(), b"ping\n", "before shutdown, a connection to the Accept=yes socket is served by an instance")
        r = in_ns(b, ["systemctl", "start", "tick.timer"], pidns=True)
        t0 = time.monotonic()
        b.p.kill(signal.SIGRTMIN + 3)
        b.expect(r"Stopping slow.service")
        got = talk()
        rc = wait_exit(b, 20)
        elapsed = time.monotonic() - t0
        t = b.text()[-3000:]
        tap.ok(r.returncode == 0 and rc == 0 and 4 - 0.5 <= elapsed <= 4 + MARGIN,
               f"PID 1 exits 0 after slow.service's 4 s stop timeout (took {elapsed:.2f} s)", f"{r.stderr} {rc}\n{t}")
        tap.eq(got, b"", "during shutdown, a connection is accepted and closed: no instance answers")
        tap.ok(not after(b, r"stopping all units", r"Start(ing|ed) echo@"), "no instance of echo@.service started during shutdown", t)
        tap.ok(elapsed > 2 and not os.path.exists(os.path.join(b.state, "tick")) and
               not after(b, r"stopping all units", r"Start(ing|ed) tick.service"),
               "the timer elapsed during shutdown (2 s after its start) and started nothing", t)
        tap.ok(b.index(r"echo.socket: shutdown in progress, suppressing activation") >= 0, "PID 1 says it refused the connection", t)


# ---- a second signal, and systemd's "now" signals -----------------------------------------------

def test_second_signal_then_force(tap):
    units = {
        "default.target": TARGET.format("stubborn.service"),
        "stubborn.service": "[Service]\nExecStart=" + PY + " @STATE@/sig.py @STATE@/stubborn.term 1\nTimeoutStopSec=60\n",
    }
    with Boot(units, net=True, files={"sig.py": SIGFILE}) as b:
        b.booted()
        b.expect(r"^ready \d+|stubborn.service.*ready \d+")
        b.p.kill(signal.SIGRTMIN + 3)
        b.expect(r"Stopping stubborn.service")
        b.expect(r"stubborn.service: got TERM")
        b.p.kill(signal.SIGRTMIN + 3)
        m = b.expect(r"shutdown already in progress: waiting for (.*)")
        tap.ok("stubborn.service (stop-sigterm, next step in" in m.group(1),
               "a second SIGRTMIN+3 is not ignored silently: PID 1 says what shutdown waits for", m.group(0))
        b.p.kill(signal.SIGTERM)
        m = b.expect(r"shutdown already in progress: waiting for (.*)")
        tap.ok(True, "so does SIGTERM during shutdown")
        tap.ok(read(os.path.join(b.state, "stubborn.term")) == "TERM\n", "the unit had its SIGTERM, once", b.text()[-2000:])
        # systemd: SIGRTMIN+13 halts without stopping units; systemd-shutdown then sends SIGTERM to
        # the remaining processes and SIGKILL to those that stay (after a grace: 3 s here).
        t0 = time.monotonic()
        b.p.kill(signal.SIGRTMIN + 13)
        rc = wait_exit(b, 10)
        elapsed = time.monotonic() - t0
        t = b.text()[-3000:]
        tap.ok(rc == 0 and elapsed <= 3 + MARGIN, "SIGRTMIN+13 (systemd: halt now): PID 1 exits 0 within the final grace (3 s) + margin",
               f"{rc} {elapsed:.2f} s\n{t}")
        tap.ok(b.index(r"Sending SIGTERM to 1 remaining process\.") >= 0 and
               b.index(r"Sending SIGKILL to PID \d+ \(python3\) of stubborn.service\.") >= 0,
               "remaining processes get SIGTERM, then SIGKILL, each named with pid, command and unit", t)
        tap.ok(read(os.path.join(b.state, "stubborn.term")) == "TERM\nTERM\n", "the process had the final SIGTERM before SIGKILL", t)


# ---- processes that no unit claims any more ------------------------------------------------------

def test_leftovers(tap):
    """SendSIGKILL=no leaves a process that ignores SIGTERM behind its stopped unit: the final
    sweep gives it SIGTERM, then SIGKILL, naming it (systemd-shutdown's "remaining processes")."""
    units = {
        "default.target": TARGET.format("nokill.service"),
        "nokill.service": "[Service]\nExecStart=" + PY + " @STATE@/sig.py @STATE@/nokill.term 1\nTimeoutStopSec=1\nSendSIGKILL=no\n",
    }
    with Boot(units, net=True, files={"sig.py": SIGFILE}) as b:
        b.booted()
        b.expect(r"ready \d+")
        t0 = time.monotonic()
        b.p.kill(signal.SIGRTMIN + 3)
        rc = wait_exit(b, 20)
        elapsed = time.monotonic() - t0
        t = b.text()[-3000:]
        # 1 s stop timeout, then the sweep's 3 s grace.
        tap.ok(rc == 0 and elapsed <= 1 + 3 + MARGIN, "PID 1 exits 0 within the stop timeout + the final grace + margin",
               f"{rc} {elapsed:.2f} s\n{t}")
        tap.ok(b.index(r"processes remain after the stop timeout; SendSIGKILL=no") >= 0 and
               b.index(r"Sending SIGKILL to PID \d+ \(python3\)( of nokill.service)?\.") >= 0,
               "the process left behind is named and killed by the final sweep", t)
        tap.ok(read(os.path.join(b.state, "nokill.term")) == "TERM\nTERM\n", "it had SIGTERM from its unit and from the sweep first",
               read(os.path.join(b.state, "nokill.term")))


# ---- the main command of `sdinit --unit X -- COMMAND` ----------------------------------------------

def test_main_command(tap):
    """Stopped while the main command runs, PID 1 exits with the command's status (128+N for a
    signal), as docker reports it: SIGTERM ends it with 143; one that ignores SIGTERM, stopped with
    SIGRTMIN+13, gets SIGKILL from the final sweep (named) and PID 1 exits 137."""
    units = {"default.target": "[Unit]\nWants=a.service\n", "a.service": "[Service]\nExecStart=/bin/sleep infinity\n"}
    with Boot(units, net=True, args=["--unit", "default.target"], command=["/bin/sh", "-c", "echo cmd-ready; exec sleep 1000"]) as b:
        b.expect("cmd-ready")
        b.p.kill(signal.SIGTERM)
        rc = wait_exit(b, 20)
        tap.ok(rc == 143, "SIGTERM while the main command runs: PID 1 exits with its status, 143", f"{rc}\n{b.text()[-1500:]}")
    with Boot(units, net=True, args=["--unit", "default.target"],
              command=["/bin/sh", "-c", "trap '' TERM; echo cmd-ready; while :; do sleep 1; done"]) as b:
        b.expect("cmd-ready")
        t0 = time.monotonic()
        b.p.kill(signal.SIGRTMIN + 13)
        rc = wait_exit(b, 20)
        elapsed = time.monotonic() - t0
        t = b.text()[-1500:]
        tap.ok(rc == 137 and elapsed <= 3 + MARGIN, "SIGRTMIN+13, main command ignoring SIGTERM: SIGKILL after 3 s, PID 1 exits 137",
               f"{rc} {elapsed:.2f} s\n{t}")
        tap.ok(b.index(r"Sending SIGKILL to PID \d+ \(sh\)\.") >= 0, "the command's kill is named", t)


if __name__ == "__main__":
    Tap().run([test_rsyslog_sigrtmin3, test_rsyslog_systemctl_exit, test_stubborn_chain, test_timer_and_accept_socket,
               test_second_signal_then_force,
               test_leftovers, test_main_command])
