#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Throughput with systemd-journald running under sdinit (issue 15, item 1): 4 services print
250,000 numbered lines each (1,000,000 in all) at full speed with the default
StandardOutput=journal. Asserted: the container's stdout holds every line exactly once (0 lost,
0 duplicated), and PID 1 answers Debian's `systemctl is-active` within 1 s throughout the flood
(the largest latency is printed). Reported, not asserted: the time to relay the flood, and how
many lines journald kept per unit (journald's own RateLimitBurst= drops most of a flood by design).
Same setup as test_journal.py. SKIPs without /lib/systemd/systemd-journald.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oraclelib  # noqa: E402
import test_journal  # noqa: E402
from harness import Tap  # noqa: E402

N_SERVICES = 4
N_LINES = 250_000
DEADLINE = 600


def write_units(d):
    os.makedirs(d)
    os.chmod(d, 0o755)
    names = [f"flood{i}.service" for i in range(N_SERVICES)]
    with open(os.path.join(d, "default.target"), "w") as f:
        f.write("[Unit]\nDescription=flood\nWants=systemd-journald.socket systemd-journald-dev-log.socket idle.service\n")
    with open(os.path.join(d, "idle.service"), "w") as f:
        f.write("[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep infinity\n")
    for i, n in enumerate(names):
        with open(os.path.join(d, n), "w") as f:
            # LogRateLimitIntervalSec=0: the relay's per-unit limit (journald's defaults, 10,000
            # lines per 30 s) is off, so stdout must carry every line.
            f.write(f"[Unit]\nDefaultDependencies=no\nAfter=systemd-journald.socket\n[Service]\nType=oneshot\n"
                    f"LogRateLimitIntervalSec=0\nExecStart=/usr/bin/seq -f w{i}-%%.0f 1 {N_LINES}\n")
    return names


def main():
    tap = Tap()
    if os.geteuid() != 0:
        tap.skip("journal flood", "needs root (user namespaces with subordinate ids)")
        tap.run([])
    if not os.access(test_journal.JOURNALD, os.X_OK):
        tap.skip("journal flood", f"LOUD SKIP: no {test_journal.JOURNALD}")
        tap.run([])
    cg2, _ = oraclelib.preflight_or_none()
    work = tempfile.mkdtemp(prefix="sdinit-flood-", dir="/var/tmp")
    os.chmod(work, 0o755)
    names = write_units(os.path.join(work, "units"))
    p = None
    try:
        p = oraclelib.boot_sdinit(cg2, f"sdinit-flood-{os.getpid()}", work, os.path.join(work, "units"),
                                  test_journal.TMPFS_DIRS)
        p.wait_ready()
        end = time.monotonic() + 60
        while True:  # socket-activated: waits for its READY=1
            rc, out, _ = p.systemctl("is-active", "systemd-journald.service")
            if out.strip() != "activating" or time.monotonic() > end:
                break
            time.sleep(0.05)
        tap.ok(out.strip() == "active", "systemd-journald.service runs", out)
        t0 = time.monotonic()
        p.systemctl("start", "--no-block", *names)
        worst, n_calls, end = 0.0, 0, t0 + DEADLINE
        while time.monotonic() < end:
            a = time.monotonic()
            rc, out, _ = p.systemctl("is-active", *names)
            worst = max(worst, time.monotonic() - a)
            n_calls += 1
            states = out.split()
            if len(states) == len(names) and all(s in ("inactive", "failed") for s in states):
                break
        took = time.monotonic() - t0
        tap.ok(all(s == "inactive" for s in states), f"the {N_SERVICES} services printed their lines and finished", out)
        tap.ok(worst < 1.0, f"systemctl answered within 1 s throughout ({n_calls} calls, slowest {worst * 1000:.0f} ms)")
        kept = {}
        for n in names:
            r = test_journal.ns(p, test_journal.JOURNALCTL, "--no-pager", "-o", "cat", "-u", n, timeout=120)
            kept[n] = sum(1 for ln in r.stdout.splitlines() if ln.startswith("w"))
        print(f"# {N_SERVICES * N_LINES} lines relayed in {took:.1f} s; lines in the journal per unit "
              f"(journald's rate limit applies): {kept}")
        rc = oraclelib.stop_sdinit(p)
        tap.ok(rc == 0, "sdinit exits 0 on SIGTERM", rc)
        counts = [dict() for _ in range(N_SERVICES)]
        with open(p.out.name, errors="replace") as f:
            for ln in f:
                if "not written to the journal" in ln or "Suppressed" in ln:
                    print("# " + ln.rstrip())
                if not ln.startswith("flood"):
                    continue
                unit, _, msg = ln.rstrip("\n").partition(": ")
                i = int(unit[5:unit.index(".")])
                counts[i][msg] = counts[i].get(msg, 0) + 1
        for i in range(N_SERVICES):
            want = {f"w{i}-{k}" for k in range(1, N_LINES + 1)}
            lost = len(want - counts[i].keys())
            dup = sum(c - 1 for c in counts[i].values() if c > 1)
            extra = len(counts[i].keys() - want)
            tap.ok(lost == 0 and dup == 0 and extra == 0, f"flood{i}: stdout has all {N_LINES} lines once",
                   f"lost {lost}, duplicated {dup}, unexpected {extra}")
    finally:
        if p:
            p.close()
        shutil.rmtree(work, ignore_errors=True)
    tap.run([])


if __name__ == "__main__":
    main()
