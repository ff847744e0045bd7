#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile D-Bus clients against sdinit as PID 1 (issue 12, defects 4 and 5).

- A client that sends 80,000 ListUnits calls and never reads a reply: PID 1 disconnects it and
  stays small (it grew to 180 MB before and kept it).
- 1,000 hostile connections held open (250 that never authenticate, 250 authenticated and idle,
  250 that subscribe and call without ever reading, 250 subscribed): Debian's systemctl still gets
  through within 1 s each time, PID 1 stays under 16 MB and holds few descriptors (64 + 2 per
  active unit at most), because the quietest connection makes room for a new one (before: 128 idle
  connections locked every client out).
- Below the limit, a connection that has not authenticated after 10 s, or is authenticated but
  silent and unsubscribed for 30 s, is closed; a subscribed one (systemctl waiting for its job)
  stays.
SDINIT_HOSTILE_LONG=1 (the benchmark-like mode, not in CI) holds the 1,000 connections for
SDINIT_HOSTILE_SECONDS (default 300) while systemctl is timed every second, and prints the maxima
of PID 1's memory, descriptors and systemctl's latency."""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import Skip, Tap  # noqa: E402
from hostilelib import Boot  # noqa: E402

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


def ask_open(h):
    h.stdin.write("open?\n")
    h.stdin.flush()
    return int(h.stdout.readline().split()[1])


def test_many_connections_held(tap):
    need()
    long_mode = os.environ.get("SDINIT_HOSTILE_LONG") == "1"
    with Boot(UNITS, net=True, env=env_for_asan()) as b:
        b.booted()
        fds_idle = n_fds(b)
        kinds = ["noauth", "hold", "noread", "subscribe"]
        # One kind per client: one process holds at most ~1,000 descriptors by default.
        holders = [subprocess.Popen(inside(b, sys.executable, CLIENT, k, "250"), stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True) for k in kinds]
        try:
            got = [h.stdout.readline().strip() for h in holders]
            tap.eq(got, ["held 250"] * 4, "1,000 hostile connections are open and held (never authenticated, idle, "
                                          "not reading, subscribed)")
            seconds = int(os.environ.get("SDINIT_HOSTILE_SECONDS", "300")) if long_mode else 0
            end = time.monotonic() + seconds
            worst, worst_rss, worst_fds, calls = 0.0, 0, 0, 0
            ok = True
            while True:
                for _ in range(5):
                    t = time.monotonic()
                    r = systemctl(b, "is-active", "s7.service")
                    worst = max(worst, time.monotonic() - t)
                    calls += 1
                    ok = ok and r.returncode == 0 and r.stdout.strip() == "active"
                worst_rss = max(worst_rss, status_kb(b, "VmRSS"))
                worst_fds = max(worst_fds, n_fds(b))
                if time.monotonic() >= end:
                    break
                time.sleep(1)  # long mode: one round of calls a second (pacing, not synchronisation)
            if long_mode:
                print(f"# long mode: {seconds} s, {calls} systemctl calls; maxima: latency {worst:.3f} s, "
                      f"VmRSS {worst_rss} kB, VmHWM {status_kb(b, 'VmHWM')} kB, {worst_fds} descriptors", flush=True)
            tap.ok(ok, f"systemctl gets through every time while 1,000 connections are held ({calls} calls)", r.stderr)
            tap.ok(worst < 1.0, f"each call within 1 s (slowest {worst:.3f} s)")
            limit = 65536 if ASAN else 16384
            tap.ok(worst_rss < limit, f"PID 1's memory stays under {limit // 1024} MB (at most {worst_rss} kB; "
                                      f"VmHWM {status_kb(b, 'VmHWM')} kB)")
            active = int(systemctl(b, "list-units", "--state=active", "--no-legend").stdout.count("\n"))
            fds = max(worst_fds, n_fds(b))
            tap.ok(fds < 64 + 2 * active, f"PID 1 holds at most {fds} descriptors (idle: {fds_idle}; bound 64 + 2 x {active} active units)")
            tap.ok(b.expect(r"D-Bus: \d+ connections open; closing the quietest", timeout=5) is not None,
                   "one line says connections are being closed to make room")
        finally:
            for h in holders:
                h.stdin.close()
                h.wait()
        tap.eq(b.stop(), 0, "PID 1 stops cleanly")


def test_idle_timeouts(tap):
    need()
    # A stop that outlasts the idle timeout: Debian's systemctl waits for its job's JobRemoved with
    # a local match only (no Subscribe), silent all along; it must not be cut off (before: closed
    # after 30 s, "Connection reset by peer", and the stop reported as failed).
    units = dict(UNITS)
    units["slow.service"] = "[Service]\nExecStart=/bin/sleep infinity\nExecStop=/bin/sleep 36\n"
    units["default.target"] = UNITS["default.target"].rstrip("\n") + " slow.service\n"
    with Boot(units, net=True, env=env_for_asan()) as b:
        b.booted()
        env = {"PATH": "/usr/bin:/bin", "SYSTEMD_COLORS": "0"}
        slow = subprocess.Popen(inside(b, REAL, "--no-pager", "stop", "slow.service"), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=env)
        kinds = ["noauth", "hold", "subscribe"]
        hs = {k: subprocess.Popen(inside(b, sys.executable, CLIENT, k, "5"), stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True) for k in kinds}
        try:
            tap.eq([hs[k].stdout.readline().strip() for k in kinds], ["held 5"] * 3, "15 connections held (below the limit)")
            t0 = time.monotonic()

            def closed_by(kind, deadline):
                # Polls the client's view (bounded by the deadline, which only bounds failure).
                while time.monotonic() - t0 < deadline:
                    if ask_open(hs[kind]) == 0:
                        return time.monotonic() - t0
                    time.sleep(0.2)  # polling interval of the client's view
                return None
            t_auth = closed_by("noauth", 30)
            tap.ok(t_auth is not None and t_auth < 15, f"connections that never authenticate are closed after "
                   f"{t_auth and round(t_auth, 1)} s (10 s allowed)")
            t_idle = closed_by("hold", 60)
            tap.ok(t_idle is not None and 25 < t_idle < 40, f"authenticated connections silent for 30 s are closed "
                   f"(after {t_idle and round(t_idle, 1)} s)")
            tap.ok(ask_open(hs["subscribe"]) == 5, "subscribed connections (clients waiting for signals) stay open",
                   "\n".join(l for l in b.lines if "D-Bus" in l))
            tap.ok(b.expect(r"D-Bus: closing \d+ connection\(s\) not authenticated within 10 s and \d+ idle for 30 s",
                            timeout=5) is not None, "PID 1 says which connections it closed and why")
            r = systemctl(b, "is-active", "s1.service")
            tap.eq(r.stdout.strip(), "active", "systemctl works as before")
            out, err = slow.communicate(timeout=60)
            tap.ok(slow.returncode == 0 and time.monotonic() - t0 > 30,
                   f"systemctl stop waiting {time.monotonic() - t0:.0f} s for a slow ExecStop= is not cut off", err)
        finally:
            if slow.poll() is None:
                slow.kill()
                slow.wait()
            for h in hs.values():
                h.stdin.close()
                h.wait()
        tap.eq(b.stop(), 0, "PID 1 stops cleanly")


if __name__ == "__main__":
    Tap().run([test_reply_flood, test_many_connections_held, test_idle_timeouts])
