#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The sandbox benchmark of issue 14: what systemd.exec(5)'s namespace sandbox costs per service
start under sdinit as PID 1.

It writes N oneshot services (ExecStart=/bin/true, RemainAfterExit=yes, all wanted by
default.target) in three variants and boots each R times (--runs, default 5), interleaved:

  plain      no sandbox directive;
  hardened   memcached's and chrony's set: PrivateTmp=, ProtectSystem=full, ProtectHome=,
             PrivateDevices=, ProtectKernelTunables=, ProtectKernelModules=, ProtectKernelLogs=,
             ProtectControlGroups=, NoNewPrivileges=, ReadWritePaths=-/var/lib/bench;
  +network   hardened plus PrivateNetwork= (a network namespace per unit run);
  +redis     hardened plus the process settings of Debian's redis-server.service (capabilities,
             UMask=, ProtectHostname=, ProtectClock=, and its seccomp settings: 34 filter programs
             under systemd 252).

With --sdinit-b, a second binary (another commit's build) boots every variant too, in the same
round-robin: the before/after comparison in one run, under the same load.

It reports medians of the boot wall time (exec of unshare until PID 1 prints "Reached target
default.target": every unit started and exited) and of the CPU time of the whole boot and stop
(PID 1 and every process below it: RUSAGE_CHILDREN once PID 1 has exited on SIGTERM), and the cost
per service start:
(variant - plain) / N, in ms. The issue's target: at most 2 ms per start.

A benchmark, not a test: it never fails on a number; exit 1 only when a boot fails. Needs root.

  meson test -C build --benchmark --suite sandbox-ns --verbose [--test-args=--quick]
  /usr/bin/python3 bench/sandbox-bench.py --sdinit build/init/sdinit [--sdinit-b OLD/init/sdinit]
                  [--units N] [--runs R] [--quick]
"""
import argparse
import os
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

NS = ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount", "--mount-proc", "--kill-child",
      "/bin/sh", "-c", 'for d in /run /tmp /var/tmp; do mount -t tmpfs -o mode=1777 tmpfs $d || exit 1; done; '
      'exec "$@"', "sh"]
HARDENED = ["PrivateTmp=yes", "ProtectSystem=full", "ProtectHome=yes", "PrivateDevices=yes",
            "ProtectKernelTunables=yes", "ProtectKernelModules=yes", "ProtectKernelLogs=yes",
            "ProtectControlGroups=yes", "NoNewPrivileges=yes", "ReadWritePaths=-/var/lib/bench"]
REDIS = ["UMask=007", "CapabilityBoundingSet=", "LockPersonality=true", "MemoryDenyWriteExecute=true",
         "ProtectClock=true", "ProtectHostname=true", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
         "RestrictNamespaces=true", "RestrictRealtime=true", "RestrictSUIDSGID=true", "SystemCallArchitectures=native",
         "SystemCallFilter=@system-service", "SystemCallFilter=~ @privileged @resources"]
VARIANTS = {"plain": [], "hardened": HARDENED, "+network": HARDENED + ["PrivateNetwork=yes"], "+redis": HARDENED + REDIS}


def write_units(d, n, lines):
    os.makedirs(d)
    with open(os.path.join(d, "default.target"), "w") as f:
        f.write("[Unit]\nDescription=bench\n" + "".join(f"Wants=b{i}.service\nAfter=b{i}.service\n" for i in range(n)))
    for i in range(n):
        with open(os.path.join(d, f"b{i}.service"), "w") as f:
            f.write("[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                    "ExecStart=/bin/true\n" + "".join(ln + "\n" for ln in lines))


def boot(sdinit, unitdir, n, timeout):
    env = dict(os.environ, SYSTEMD_UNIT_PATH=unitdir, SDINIT_SYSTEMD="never")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen(NS + [sdinit], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    out, wall, buf = [], None, b""
    end = t0 + timeout
    while wall is None and time.monotonic() < end:
        r, _, _ = select.select([p.stdout], [], [], max(0.0, end - time.monotonic()))
        if not r:
            break
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            break
        buf += chunk
        if b"Reached target default.target" in buf:
            wall = time.monotonic() - t0
    # SIGTERM to PID 1 (unshare's child): it stops its units and exits, unshare reaps it, and its
    # CPU time (with every process it reaped) reaches our RUSAGE_CHILDREN.
    try:
        with open(f"/proc/{p.pid}/task/{p.pid}/children") as f:
            pid1 = int(f.read().split()[0])
        os.kill(pid1, signal.SIGTERM)
    except (OSError, ValueError, IndexError):
        p.terminate()
    try:
        p.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    started = buf.count(b"Started b")
    failed = buf.count(b"Failed to start b")
    return wall, cpu, started, failed, buf.decode(errors="replace")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sdinit", default=os.path.join(os.path.dirname(__file__), "..", "build", "init", "sdinit"))
    ap.add_argument("--sdinit-b", metavar="PATH", help="a second sdinit (another commit's build), booted in the same round-robin")
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--variants", default=",".join(VARIANTS),
                    help="comma-separated subset of " + ",".join(VARIANTS) + " (plain is always booted: the baseline)")
    a = ap.parse_args()
    chosen = ["plain"] + [k for k in a.variants.split(",") if k != "plain"]
    for k in chosen:
        if k not in VARIANTS:
            ap.error(f"unknown variant {k}")
    if a.quick:
        a.units, a.runs = 50, 2
    binaries = {"sdinit": os.path.abspath(a.sdinit)}
    if a.sdinit_b:
        binaries["sdinit-b"] = os.path.abspath(a.sdinit_b)
    # (Not below /var/tmp or /tmp: PID 1 gets its own, where the private directories go.)
    base_dir = "/var/lib/sdinit-tests"
    os.makedirs(base_dir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="sandbox-bench-", dir=base_dir)
    os.chmod(tmp, 0o755)
    ok = True
    load = [os.getloadavg()[0]]
    try:
        res = {(b, k): {"wall": [], "cpu": []} for b in binaries for k in chosen}
        for k in chosen:
            write_units(os.path.join(tmp, k), a.units, VARIANTS[k])
        for run in range(a.runs):
            for k in chosen:
                for b, sdinit in binaries.items():
                    wall, cpu, started, failed, out = boot(sdinit, os.path.join(tmp, k), a.units, a.timeout)
                    if wall is None or started != a.units or failed:
                        print(f"{b} {k}: run {run}: boot incomplete ({started} started, {failed} failed)\n{out[-2000:]}")
                        ok = False
                        continue
                    res[(b, k)]["wall"].append(wall)
                    res[(b, k)]["cpu"].append(cpu)
            load.append(os.getloadavg()[0])
        print(f"{a.units} oneshot services per boot, {a.runs} runs, medians; load average {min(load):.1f}-{max(load):.1f}")
        print(f"{'binary':9} {'variant':10} {'boot s':>8} {'CPU s':>8} {'ms/start (wall)':>16} {'ms/start (CPU)':>15}")
        for b in binaries:
            plain = res[(b, "plain")]
            base = {m: statistics.median(plain[m]) if plain[m] else None for m in ("wall", "cpu")}
            for k in chosen:
                r = res[(b, k)]
                if not r["wall"]:
                    continue
                w, c = statistics.median(r["wall"]), statistics.median(r["cpu"])
                dw = (w - base["wall"]) * 1000 / a.units if base["wall"] is not None else float("nan")
                dc = (c - base["cpu"]) * 1000 / a.units if base["cpu"] is not None else float("nan")
                print(f"{b:9} {k:10} {w:8.3f} {c:8.3f} {dw:16.3f} {dc:15.3f}")
        for b, path in binaries.items():
            print(f"# {b}: {path}")
        print("target (issue 14): the sandbox costs at most 2 ms per service start")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            os.rmdir(base_dir)
        except OSError:
            pass
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
