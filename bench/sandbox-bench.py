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

Against systemd: unless --no-systemd, Debian's systemd 252 and sdinit also boot the same units as
PID 1 of the oracle tests' delegated-cgroup container (tests/integration/oraclelib.py), in the same
round-robin, with /var/tmp a tmpfs as in the unshare rows (see boot_container()). Their CPU is
the container cgroup's cpu.stat usage_usec from the start until PID 1 has exited (every process in
it, PID 1 included); the second table gives ms per start for both and
the ratio sdinit/systemd. (The boot is waited for with `systemctl is-system-running` polls, so no
wall time there.) Skipped with the reason where there is no delegated cgroup or no systemd.

It reports medians of the boot wall time (exec of unshare until PID 1 prints "Reached target
default.target": every unit started and exited) and of the CPU time of the whole boot and stop
(PID 1 and every process below it: RUSAGE_CHILDREN once PID 1 has exited on SIGTERM), and the cost
per service start:
(variant - plain) / N, in ms. The issue's target: at most 2 ms per start.

A benchmark, not a test: it never fails on a number; exit 1 only when a boot fails. Needs root.

  meson test -C build --benchmark --suite sandbox-ns --verbose [--test-args=--quick]
  /usr/bin/python3 bench/sandbox-bench.py --sdinit build/init/sdinit [--sdinit-b OLD/init/sdinit]
                  [--units N] [--runs R] [--quick] [--no-systemd]
(--no-systemd: the unshare rows only, much shorter: systemd's boots of these units take seconds.)
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

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import oraclelib  # noqa: E402  (the delegated-cgroup PID 1 recipe of the oracle tests)

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


def boot_container(kind, cg2, name, workdir, unitdir):
    """`kind` ("sdinit" or "systemd") as PID 1 of a delegated-cgroup container with the units of
    unitdir, until its boot is done, then stopped the way that manager is stopped: the CPU (s) of
    every process of the container from the start until PID 1 exited, and the started services."""
    # /var/tmp a tmpfs, as in the unshare rows: PrivateTmp= makes and removes two directories there
    # per start, and on this machine's root file system (ext4 without a journal) making a directory
    # skips every inode deleted in the last minutes, so each boot slowed the next one down (a few
    # tenths of a ms per start and growing, under systemd too): the file system, not the sandbox.
    p = oraclelib.boot_ready(kind, cg2, name, workdir, unitdir, tmpfs_dirs=("/var/tmp",))
    try:
        rc, out, err = p.systemctl("list-units", "--no-legend", "--plain", "--state=active", "b*.service")
        started = sum(1 for ln in out.splitlines() if ln.startswith("b"))
        oraclelib.stop(kind, p)
        with open(os.path.join(p.hc.path, "cpu.stat")) as f:
            usec = next(int(ln.split()[1]) for ln in f if ln.startswith("usage_usec "))
        return usec / 1e6, started
    finally:
        p.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sdinit", default=os.path.join(os.path.dirname(__file__), "..", "build", "init", "sdinit"))
    ap.add_argument("--sdinit-b", metavar="PATH", help="a second sdinit (another commit's build), booted in the same round-robin")
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--no-systemd", action="store_true", help="no rows for systemd 252 and sdinit in the delegated-cgroup container")
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
    given = dict(binaries)
    # (Not below /var/tmp or /tmp: PID 1 gets its own, where the private directories go.)
    base_dir = "/var/lib/sdinit-tests"
    os.makedirs(base_dir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="sandbox-bench-", dir=base_dir)
    os.chmod(tmp, 0o755)
    # Copies of the binaries (sdinit with its sdinit-manager) in that directory: a build tree
    # below /var/tmp or /tmp would be hidden by the booted PID 1's own.
    for b, path in list(binaries.items()):
        d = os.path.join(tmp, f"bin-{b}")
        os.makedirs(d)
        for f in ("sdinit", "sdinit-manager"):
            src = os.path.join(os.path.dirname(path), f)
            if os.path.exists(src):
                shutil.copy2(src, d)
        binaries[b] = os.path.join(d, "sdinit")
    oraclelib.SDINIT = binaries["sdinit"]  # the container rows boot the binary given
    ok = True
    load = [os.getloadavg()[0]]
    cg2, why = (None, "--no-systemd") if a.no_systemd else oraclelib.preflight_or_none()
    if cg2 and not os.access(oraclelib.SYSTEMD, os.X_OK):
        cg2, why = None, "Debian's systemd is not installed"
    try:
        res = {(b, k): {"wall": [], "cpu": []} for b in binaries for k in chosen}
        cres = {(b, k): [] for b in ("sdinit", "systemd") for k in chosen}
        for k in chosen:
            write_units(os.path.join(tmp, k), a.units, VARIANTS[k])
        for run in range(a.runs):
            for k in chosen:
                for b in ("sdinit", "systemd") if cg2 else ():
                    try:
                        cpu, started = boot_container(b, cg2, f"sbench{os.getpid()}-{b}-{run}-{k.strip('+')}", tmp,
                                                      os.path.join(tmp, k))
                    except (RuntimeError, TimeoutError, oraclelib.Unavailable) as e:
                        print(f"{b} {k} (container): run {run}: {str(e)[-2000:]}")
                        ok = False
                        continue
                    if started != a.units:
                        print(f"{b} {k} (container): run {run}: {started} of {a.units} services active")
                        ok = False
                        continue
                    cres[(b, k)].append(cpu)
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
        if cg2:
            print(f"\nThe same units as PID 1 of a delegated-cgroup container (CPU of the whole container, boot and stop):")
            print(f"{'init':9} {'variant':10} {'CPU s':>8} {'ms/start (CPU)':>15} {'sdinit/systemd':>15}")
            per = {}
            for b in ("sdinit", "systemd"):
                base = statistics.median(cres[(b, "plain")]) if cres[(b, "plain")] else None
                for k in chosen:
                    if cres[(b, k)] and base is not None:
                        c = statistics.median(cres[(b, k)])
                        per[(b, k)] = (c, (c - base) * 1000 / a.units)
            for k in chosen:
                for b in ("sdinit", "systemd"):
                    if (b, k) not in per:
                        continue
                    c, d = per[(b, k)]
                    sd = per.get(("systemd", k))
                    ratio = f"{d / sd[1]:.2f}x" if b == "sdinit" and k != "plain" and sd and sd[1] > 0 else ""
                    print(f"{b:9} {k:10} {c:8.3f} {d:15.3f} {ratio:>15}")
        else:
            print(f"# systemd 252: skipped: {why}")
        for b, path in given.items():
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
