#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Jobs that meet other jobs, driven with Debian's systemctl against sdinit as PID 1: a stop or a
shutdown during a restart, a start while a stop waits, a unit started by its alias, commands that
cannot even be started (a missing EnvironmentFile=), a unit file removed under a running service,
and PID 1's memory across daemon-reloads. Each case once hung a job, started a second main
process or lost a process; each must end with the right state and no stray process.
Slow commands wait on FIFOs the test opens; nothing sleeps to synchronise."""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import DEADLINE, Tap, until  # noqa: E402
from test_systemctl import REAL, Ctl, need_real  # noqa: E402

def alive(b, nspid):
    """Whether the process nspid of the container exists (and is not a zombie)."""
    try:
        with open(f"/proc/{b.p.host_pid()}/root/proc/{nspid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def release(b, name):
    with open(os.path.join(b.state, name), "w") as f:
        f.write("go\n")


def bg(b, *args):
    return subprocess.Popen(["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n", "--preserve-credentials", REAL,
                             "--no-pager"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


SLOW_STOP = "[Service]\nExecStart=/bin/sleep infinity\nExecStop=/bin/sh -c 'read x < @STATE@/gate'\n"


def test_shutdown_during_restart(tap):
    need_real()
    with Boot({"default.target": "[Unit]\nWants=x.service\n", "x.service": SLOW_STOP}, files={"gate": None}) as b:
        b.booted()
        client = bg(b, "restart", "x.service")
        b.expect(r"Stopping x.service")
        b.p.kill(signal.SIGTERM)
        release(b, "gate")
        rc = b.wait()
        client.communicate(timeout=DEADLINE)
        starts = [l for l in b.lines if "Started x.service" in l]
        tap.ok(rc == 0 and len(starts) == 1, "SIGTERM during a restart's stop: the container stops, x is not started again",
               f"rc {rc}\n" + b.text()[-800:])


def test_stop_during_restart(tap):
    need_real()
    with Boot({"default.target": "[Unit]\nWants=x.service\n", "x.service": SLOW_STOP}, files={"gate": None}) as b:
        b.booted()
        ctl = Ctl(b, REAL)
        restart = bg(b, "restart", "x.service")
        b.expect(r"Stopping x.service")
        tap.ok("restart running" in " ".join(ctl("list-jobs").stdout.split()), "list-jobs: the restart job, running")
        stop = bg(b, "stop", "x.service")
        # The stop request is in once the running job became a stop job (no start will follow).
        until(lambda: "x.service stop running" in " ".join(ctl("list-jobs").stdout.split()), "the stop request arrived")
        release(b, "gate")
        restart.communicate(timeout=DEADLINE)
        stop.communicate(timeout=DEADLINE)
        tap.ok(stop.returncode == 0 and ctl.prop("x.service", "ActiveState") == "inactive",
               "stop during a restart: x stays stopped", f"{stop.returncode} {ctl.prop('x.service', 'ActiveState')}")
        tap.eq(b.stop(), 0, "stops cleanly")


def test_start_while_stop_waits(tap):
    need_real()
    units = {"default.target": "[Unit]\nWants=a.service b.service\n",
             "a.service": "[Service]\nExecStart=/bin/sleep infinity\n",
             "b.service": "[Unit]\nRequires=a.service\nAfter=a.service\n" + SLOW_STOP.replace("[Service]\n", "[Service]\n", 1)}
    with Boot(units, files={"gate": None}) as b:
        b.booted()
        ctl = Ctl(b, REAL)
        pid = ctl.prop("a.service", "MainPID")
        r = ctl("--no-block", "stop", "a.service")       # b stops first (it is ordered after a)
        b.expect(r"Stopping b.service")
        # a's stop has not begun: the start replaces it (systemd's job_install()), and, as
        # systemd's job_compare() orders a start after the stop of a unit ordered after it,
        # waits for b's stop to end.
        start = bg(b, "start", "a.service")
        until(lambda: "a.service start waiting" in " ".join(ctl("list-jobs").stdout.split()), "a's start job is queued")
        release(b, "gate")
        b.expect(r"Stopped b.service")
        out, err = start.communicate(timeout=DEADLINE)
        r2 = subprocess.CompletedProcess(start.args, start.returncode, out, err)
        tap.ok(r.returncode == 0 and r2.returncode == 0 and ctl.prop("a.service", "ActiveState") == "active" and
               ctl.prop("a.service", "MainPID") == pid, "a start while a's stop waits: a stays up with the same process",
               f"{r2.returncode} {r2.stderr} {ctl.prop('a.service', 'MainPID')} vs {pid}")
        sleeps = subprocess.run(["nsenter", "-t", str(b.p.host_pid()), "-m", "-p", "pgrep", "-c", "-x", "sleep"],
                                capture_output=True, text=True).stdout.strip()
        tap.eq(sleeps, "1", "exactly one sleep runs (no second main process of a)")
        tap.eq(b.stop(), 0, "stops cleanly")


def test_alias(tap):
    need_real()
    units = {"default.target": "[Unit]\nWants=foo.service\n", "foo.service": "[Service]\nExecStart=/bin/sleep infinity\n",
             "bar.service": "->foo.service"}
    with Boot(units) as b:
        b.booted()
        ctl = Ctl(b, REAL)
        pid = ctl.prop("foo.service", "MainPID")
        r = ctl("start", "bar.service")
        r2 = ctl("list-units", "--no-legend", "--plain", "--all", "foo.service", "bar.service")
        tap.ok(r.returncode == 0 and ctl.prop("bar.service", "MainPID") == pid and ctl.prop("bar.service", "Id") == "foo.service",
               "start by an alias: the running unit, no second one", f"{r.stderr} {ctl.prop('bar.service', 'MainPID')} vs {pid}")
        tap.eq(len(r2.stdout.strip().splitlines()), 1, "list-units shows the unit once")
        tap.eq(b.stop(), 0, "stops cleanly")


def test_command_that_cannot_start(tap):
    need_real()
    units = {"default.target": "[Unit]\nWants=r.service\n",
             "r.service": "[Service]\nEnvironmentFile=@STATE@/env\nExecStartPre=/bin/true\nExecStart=/bin/sleep infinity\n"
                          "ExecReload=/bin/true\n"}
    with Boot(units, files={"env": "A=1\n"}) as b:
        b.booted()
        ctl = Ctl(b, REAL)
        os.unlink(os.path.join(b.state, "env"))
        r = ctl("reload", "r.service")
        tap.ok(r.returncode == 1 and ctl.prop("r.service", "ActiveState") == "active",
               "reload whose command cannot start (EnvironmentFile= gone): the job fails, the service runs on",
               f"{r.returncode} {r.stderr} {ctl.prop('r.service', 'ActiveState')}")
        r = ctl("restart", "r.service")
        tap.ok(r.returncode == 1 and ctl.prop("r.service", "ActiveState") == "failed",
               "restart whose ExecStartPre= cannot start: failed, not stuck activating", ctl.prop("r.service", "SubState"))
        with open(os.path.join(b.state, "env"), "w") as f:
            f.write("A=1\n")
        r = ctl("start", "r.service")
        tap.ok(r.returncode == 0 and ctl.prop("r.service", "ActiveState") == "active", "with the file back it starts", r.stderr)
        tap.eq(b.stop(), 0, "stops cleanly")


def test_unit_file_removed(tap):
    need_real()
    units = {"default.target": "[Unit]\nWants=foo.service\n", "foo.service": "[Service]\nExecStart=/bin/sleep infinity\n"}
    with Boot(units) as b:
        b.booted()
        ctl = Ctl(b, REAL)
        pid = ctl.prop("foo.service", "MainPID")
        os.unlink(os.path.join(b.dir, "foo.service"))
        ctl("daemon-reload")
        r = ctl("stop", "foo.service")
        tap.ok(r.returncode == 0 and not alive(b, pid), "a service whose file is gone still stops: its process ends",
               f"{r.returncode} {r.stderr} alive={alive(b, pid)}")
        tap.eq(b.stop(), 0, "stops cleanly")


def test_reload_memory(tap):
    need_real()
    units = {"default.target": "[Unit]\nWants=" + " ".join(f"s{i}.service" for i in range(50)) + "\n"}
    for i in range(50):
        units[f"s{i}.service"] = f"[Unit]\nDescription=Service {i}\n[Service]\nExecStart=/bin/sleep infinity\n"
    # Under ASan freed memory sits in quarantine; without one the measure means what it says.
    env = {"ASAN_OPTIONS": os.environ["ASAN_OPTIONS"] + ":quarantine_size_mb=0"} if "ASAN_OPTIONS" in os.environ else None
    with Boot(units, env=env) as b:
        b.booted()
        ctl = Ctl(b, REAL)

        def rss():
            with open(f"/proc/{b.p.host_pid()}/status") as f:
                return int([l for l in f if l.startswith("VmRSS:")][0].split()[1])

        ctl("daemon-reload")
        before = rss()
        for _ in range(100):
            ctl("daemon-reload")
        grown = rss() - before
        # Keeping every replaced unit would cost about 16 MB here; ASan's allocator keeps caches.
        limit = 10240 if env else 2048
        tap.ok(grown < limit, f"100 daemon-reloads of 50 units: PID 1 grows {grown} kB (< {limit // 1024} MB)")
        tap.eq(ctl.prop("s7.service", "ActiveState"), "active", "the services run on")
        tap.eq(b.stop(), 0, "stops cleanly")


STALL = r"""
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("/run/systemd/private")
s.sendall(b"\0AUTH EXTERNAL 30\r\n")
s.recv(256)
s.sendall(b"BEGIN\r\n")
print("stalled", flush=True)
os.read(0, 1)   # never reads the socket; ends when the test closes stdin
"""


def test_client_that_does_not_read(tap):
    """A connected client that never reads (a stopped systemctl, say) beside a unit that changes
    state all the time: PID 1 disconnects it instead of queueing for it without bound."""
    need_real()
    units = {"default.target": "[Unit]\nWants=flap.service\n",
             "flap.service": "[Unit]\nStartLimitIntervalSec=0\n[Service]\nExecStart=/bin/true\nRestart=always\nRestartSec=1ms\n"}
    env = {"ASAN_OPTIONS": os.environ["ASAN_OPTIONS"] + ":quarantine_size_mb=0"} if "ASAN_OPTIONS" in os.environ else None
    with Boot(units, env=env) as b:
        b.booted()
        client = subprocess.Popen(["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n", "--preserve-credentials",
                                   sys.executable, "-c", STALL], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            client.stdout.readline()
            b.expect(r"D-Bus: a client does not read its messages .*disconnecting it", timeout=120)
            with open(f"/proc/{b.p.host_pid()}/status") as f:
                rss = int([l for l in f if l.startswith("VmRSS:")][0].split()[1])
            limit = 65536 if env else 20480  # ASan's allocator keeps much more
            tap.ok(rss < limit, f"a client that does not read is disconnected; PID 1 at {rss} kB (< {limit // 1024} MB)")
            tap.eq(Ctl(b, REAL)("is-active", "flap.service").returncode in (0, 3), True, "PID 1 still answers")
            # Another one that does not read is still connected when the container stops.
            client2 = subprocess.Popen(client.args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            client2.stdout.readline()
            tap.eq(b.stop(), 0, "PID 1 stops while a client that does not read is connected")
            client2.stdin.close()
            client2.wait()
        finally:
            client.stdin.close()
            client.wait()


if __name__ == "__main__":
    Tap().run([test_shutdown_during_restart, test_stop_during_restart, test_start_while_stop_waits, test_alias,
               test_command_that_cannot_start, test_unit_file_removed, test_reload_memory, test_client_that_does_not_read])
