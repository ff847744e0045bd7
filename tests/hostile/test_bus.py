#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile D-Bus clients against sdinit as PID 1 (issue 12, defects 4 and 5).

- A client that sends 80,000 ListUnits calls and never reads a reply: PID 1 disconnects it and
  stays small (it grew to 180 MB before and kept it).
- 1,000 authenticated connections held open: Debian's systemctl still gets through within 1 s
  each time, and PID 1 holds few descriptors (64 + 2 per active unit at most), because the quietest
  connection makes room for a new one (before: 128 idle connections locked every client out)."""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import Skip, Tap  # noqa: E402
from bootlib import Boot  # noqa: E402

REAL = "/bin/systemctl"
CLIENT = os.path.join(HERE, "busclient.py")
UNITS = {"default.target": "[Unit]\nWants=" + " ".join(f"s{i}.service" for i in range(20)) + "\n"}
for _i in range(20):
    UNITS[f"s{_i}.service"] = f"[Unit]\nDescription=Service {_i}\n[Service]\nExecStart=/bin/sleep infinity\n"
ASAN = "ASAN_OPTIONS" in os.environ


def need():
    if not os.path.exists(REAL):
        raise Skip("Debian's systemctl is not installed")


def inside(b, *argv, **kw):
    cmd = ["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n", "--preserve-credentials"] + list(argv)
    return cmd


def systemctl(b, *args):
    env = {"PATH": "/usr/bin:/bin", "SYSTEMD_COLORS": "0"}
    return subprocess.run(inside(b, REAL, "--no-pager", *args), capture_output=True, text=True, timeout=60, env=env)


def status_kb(b, field):
    with open(f"/proc/{b.p.host_pid()}/status") as f:
        return int([l for l in f if l.startswith(field + ":")][0].split()[1])


def n_fds(b):
    return len(os.listdir(f"/proc/{b.p.host_pid()}/fd"))


def env_for_asan():
    return {"ASAN_OPTIONS": os.environ["ASAN_OPTIONS"] + ":quarantine_size_mb=0"} if ASAN else None


def test_reply_flood(tap):
    need()
    with Boot(UNITS, net=True, env=env_for_asan()) as b:
        b.booted()
        before = status_kb(b, "VmRSS")
        c = subprocess.Popen(inside(b, sys.executable, CLIENT, "flood", "80000"), stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
        try:
            line = c.stdout.readline().strip()
            b.expect(r"D-Bus: pid \d+ calls without reading its replies .*disconnecting it", timeout=60)
            sent = int(line.split()[1]) if line.startswith("sent ") else -1
            tap.ok(0 <= sent < 80000, f"the client is cut off before its 80,000 calls are all taken ({sent} went out)", line)
            rss = status_kb(b, "VmRSS")
            limit = 65536 if ASAN else 16384
            tap.ok(rss < limit, f"PID 1 at {rss} kB after the flood (before: {before} kB; bound {limit // 1024} MB)")
            r = systemctl(b, "is-active", "s3.service")
            tap.ok(r.returncode == 0 and r.stdout.strip() == "active", "systemctl still gets its answer", r.stderr)
        finally:
            c.stdin.close()
            c.wait()
        tap.eq(b.stop(), 0, "PID 1 stops cleanly")


def test_many_connections_held(tap):
    need()
    with Boot(UNITS, net=True, env=env_for_asan()) as b:
        b.booted()
        fds_idle = n_fds(b)
        # Spread over 4 clients: one process holds at most ~1,000 descriptors by default.
        holders = [subprocess.Popen(inside(b, sys.executable, CLIENT, "hold", "250"), stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True) for _ in range(4)]
        try:
            got = [h.stdout.readline().strip() for h in holders]
            tap.eq(got, ["held 250"] * 4, "1,000 authenticated connections are open and held")
            worst = 0.0
            ok = True
            for _ in range(5):
                t = time.monotonic()
                r = systemctl(b, "is-active", "s7.service")
                worst = max(worst, time.monotonic() - t)
                ok = ok and r.returncode == 0 and r.stdout.strip() == "active"
            tap.ok(ok, "systemctl gets through every time while 1,000 connections are held", r.stderr)
            tap.ok(worst < 1.0, f"each call within 1 s (slowest {worst:.3f} s)")
            active = int(systemctl(b, "list-units", "--state=active", "--no-legend").stdout.count("\n"))
            fds = n_fds(b)
            tap.ok(fds < 64 + 2 * active, f"PID 1 holds {fds} descriptors (idle: {fds_idle}; bound 64 + 2 x {active} active units)")
            tap.ok(b.expect(r"D-Bus: \d+ connections open; closing the quietest", timeout=5) is not None,
                   "one line says connections are being closed to make room")
        finally:
            for h in holders:
                h.stdin.close()
                h.wait()
        tap.eq(b.stop(), 0, "PID 1 stops cleanly")


if __name__ == "__main__":
    Tap().run([test_reply_flood, test_many_connections_held])
