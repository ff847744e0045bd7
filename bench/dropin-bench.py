#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The drop-in benchmark (issue 2, part 6): sdinit against tini, tini-static, dumb-init and
catatonit, each as a real PID 1 of a fresh PID namespace
(`unshare --pid --fork --mount-proc INIT -- COMMAND`), all measured in the same run:

  1. wall time of `INIT -- /bin/true` (median, p90) next to a bare `unshare ... /bin/true`;
  2. the init's own peak RSS (VmHWM of /proc/1/status, read from inside the namespace);
  3. time for PID 1 to reap a storm of N orphans: (a) re-parented as zombies all at once
     (bench-child zombies N: PID 1's own reaping work), (b) re-parented alive, then all exiting
     at once (bench-child orphans N: dominated by the kernel's exit work, and noisy);
  4. signal-forwarding latency p50/p99: SIGUSR1 to PID 1 from outside until the child
     (bench-child sigecho) reports it, (a) with everything on one CPU (the inits' own path) and
     (b) unpinned (on a VM, cross-CPU wake-ups dominate and vary from run to run).

Every metric interleaves the inits round-robin, so machine noise hits all of them alike, and is
reported with the ratio sdinit/peer. This is a benchmark, not a test: it never fails on a ratio.
Exit status: 0, or 1 if an init or the helper crashed or misbehaved (the tables say which).

Run it as root:
  python3 bench/dropin-bench.py --sdinit build/init/sdinit [--runs N] [--quick]
or through meson:
  meson test -C build --benchmark --suite dropin --verbose [--test-args=--quick]
"""

import argparse
import gc
import os
import platform
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

# The peers, as Debian installs them, and how each is told where its options end.
PEERS = (
    ("tini", "/usr/bin/tini", ("--",)),
    ("tini-static", "/usr/bin/tini-static", ("--",)),
    ("dumb-init", "/usr/bin/dumb-init", ()),  # dumb-init COMMAND
    ("catatonit", "/usr/bin/catatonit", ("--",)),
)

# Workload sizes: the full run is what issue 2 asks for; --quick is for the README.
FULL = {"runs": 300, "orphans": 10000, "storms": 5, "signals": 1000, "hwm_runs": 5}
QUICK = {"runs": 100, "orphans": 2000, "storms": 3, "signals": 200, "hwm_runs": 3}

WARMUP_RUNS = 5  # per init, before the timed wall-time runs (page cache, dentries)
STORM_TIMEOUT_S = 120  # bench-child gives up waiting for the reaper after this
SIGNAL_TIMEOUT_S = 5.0  # one forwarded signal that takes longer than this is counted as lost
WALL_TARGET = 1.05  # issue 2: median wall(sdinit) <= 1.05 x median wall(tini-static)

PT_INTERP = 3  # ELF program header type naming the dynamic loader


class BenchError(Exception):
    """One init failed one measurement: reported in its table row, the run goes on."""


@dataclass
class Init:
    """An init under test: `path SEP... COMMAND` runs COMMAND under it. path None is 'bare'."""

    name: str
    path: str | None
    sep: tuple = ()
    errors: dict = field(default_factory=dict)  # metric -> message

    def argv(self, ns_prefix, command):
        init = [self.path, *self.sep] if self.path else []
        return [*ns_prefix, *init, *command]


# ---- small helpers -----------------------------------------------------------------------------


def percentile(values, p):
    """Linear-interpolated percentile (p in 0..100) of a non-empty list."""
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def rotated(items, shift):
    """items rotated left by shift: each round starts with a different init."""
    shift %= len(items)
    return items[shift:] + items[:shift]


def ratio(a, b):
    return a / b if a is not None and b else None


def fmt(value, spec=".2f", width=9):
    return f"{'-' if value is None else format(value, spec):>{width}}"


def linkage(path):
    """'static' or 'dynamic' for a 64-bit little-endian ELF file (PT_INTERP present?), else '?'."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:
                return "?"
            phoff, = struct.unpack_from("<Q", head, 0x20)
            phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
            f.seek(phoff)
            table = f.read(phentsize * phnum)
        types = (struct.unpack_from("<I", table, i * phentsize)[0] for i in range(phnum))
        return "dynamic" if PT_INTERP in types else "static"
    except (OSError, struct.error, IndexError):
        return "?"


def status_fields(text):
    """{'VmHWM': kB, 'VmRSS': kB, ...} from the text of /proc/PID/status."""
    out = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        parts = value.split()
        if parts and parts[0].isdigit():
            out[key] = int(parts[0])
    return out


def read_text(path):
    with open(path) as f:
        return f.read()


def spawn_wait(argv, devnull):
    """posix_spawn argv with stdio on /dev/null and wait: (elapsed ns, exit code)."""
    actions = [(os.POSIX_SPAWN_DUP2, devnull, fd) for fd in (0, 1, 2)]
    t0 = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=actions)
    _, status = os.waitpid(pid, 0)
    t1 = time.perf_counter_ns()
    return t1 - t0, os.waitstatus_to_exitcode(status)


def diagnose(argv):
    """Runs argv once more with output captured, to say why it failed."""
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    lines = (p.stderr or p.stdout).strip().splitlines()
    return f"exit {p.returncode}" + (f": {lines[-1]}" if lines else "")


# ---- the measurements ----------------------------------------------------------------------------


def measure_wall(inits, ns_prefix, runs):
    """1. Wall time of `INIT -- /bin/true` as PID 1, in ms: {name: [samples]}."""
    samples = {i.name: [] for i in inits}
    live = list(inits)
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        for r in range(WARMUP_RUNS + runs):
            for init in rotated(live, r):
                if init.errors.get("wall"):
                    continue
                argv = init.argv(ns_prefix, ["/bin/true"])
                elapsed, code = spawn_wait(argv, devnull)
                if code != 0:
                    init.errors["wall"] = diagnose(argv)
                elif r >= WARMUP_RUNS:
                    samples[init.name].append(elapsed / 1e6)
    finally:
        os.close(devnull)
    return samples


def measure_hwm(inits, ns_prefix, repeat):
    """2. The init's own VmHWM/VmRSS (kB) as PID 1, read by its child: /proc/1 is the init."""
    result = {}
    for init in inits:
        hwm, rss = [], []
        argv = init.argv(ns_prefix, ["/bin/cat", "/proc/1/status"])
        try:
            for _ in range(repeat):
                p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
                fields = status_fields(p.stdout)
                if p.returncode != 0 or "VmHWM" not in fields:
                    raise BenchError(diagnose(argv))
                hwm.append(fields["VmHWM"])
                rss.append(fields.get("VmRSS", 0))
            result[init.name] = (statistics.median(hwm), statistics.median(rss))
        except (BenchError, subprocess.TimeoutExpired) as e:
            init.errors["hwm"] = str(e)
    return result


def measure_orphans(inits, ns_prefix, helper, mode, orphans, storms):
    """3. Orphan storms, mode 'zombies' or 'orphans' (see bench-child.c):
    {name: [dict(orphans=, spawn_ms=, reap_ms=, left=, init_vmhwm_kb=)]}."""
    results = {i.name: [] for i in inits}
    for r in range(storms):
        for init in rotated(list(inits), r):
            if init.errors.get(mode):
                continue
            argv = init.argv(ns_prefix, [helper, mode, str(orphans), str(STORM_TIMEOUT_S)])
            try:
                p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                   timeout=STORM_TIMEOUT_S + 120)
            except subprocess.TimeoutExpired:
                init.errors[mode] = "timed out"
                continue
            line = next((l for l in p.stdout.splitlines() if l.startswith("orphans=")), None)
            if line is None:
                err = p.stderr.strip().splitlines()
                init.errors[mode] = f"exit {p.returncode}" + (f": {err[-1]}" if err else "")
                continue
            values = {k: float(v) for k, v in (kv.split("=") for kv in line.split())}
            results[init.name].append(values)
            if p.returncode != 0 or values["left"] > 0:
                init.errors[mode] = f"exit {p.returncode}, {int(values['left'])} processes left"
    return results


def find_init_pid(unshare_pid):
    """Host pid of PID 1 in the namespace: the only child of `unshare --fork`."""
    children = read_text(f"/proc/{unshare_pid}/task/{unshare_pid}/children").split()
    if len(children) != 1:
        raise BenchError(f"unshare has children {children}, expected one")
    pid = int(children[0])
    nspid = next((l.split()[1:] for l in read_text(f"/proc/{pid}/status").splitlines()
                  if l.startswith("NSpid:")), [])
    if nspid and nspid[-1] != "1":
        raise BenchError(f"pid {pid} is pid {nspid[-1]} in its namespace, not 1")
    return pid


def read_byte(fd, timeout_s):
    """One byte from fd, or None after timeout_s (the pipe stays readable only when data is there)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    if not poller.poll(timeout_s * 1000):
        return None
    return os.read(fd, 1)


class EchoSession:
    """An init running `bench-child sigecho` as its child, ready to have signals timed."""

    def __init__(self, init, ns_prefix, helper):
        self.init = init
        self.proc = subprocess.Popen(init.argv(ns_prefix, [helper, "sigecho"]),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
        self.fd = self.proc.stdout.fileno()
        self.pid = None
        self.latencies = []  # µs
        self.lost = 0
        if read_byte(self.fd, 10) != b"R":
            raise BenchError("bench-child sigecho did not start: " + self.stop())
        self.pid = find_init_pid(self.proc.pid)

    def vmhwm(self):
        return status_fields(read_text(f"/proc/{self.pid}/status")).get("VmHWM")

    def one_signal(self):
        t0 = time.perf_counter_ns()
        os.kill(self.pid, signal.SIGUSR1)
        byte = read_byte(self.fd, SIGNAL_TIMEOUT_S)
        t1 = time.perf_counter_ns()
        if byte == b"U":
            self.latencies.append((t1 - t0) / 1e3)
        else:
            self.lost += 1

    def stop(self):
        """SIGTERM to PID 1 (forwarded: bench-child exits 0), then make sure it is all gone."""
        target = self.pid if self.pid else self.proc.pid
        try:
            os.kill(target, signal.SIGTERM)
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            if self.pid:
                os.kill(self.pid, signal.SIGKILL)  # PID 1 dies: the whole namespace goes
            self.proc.kill()
            code = self.proc.wait()
        except ProcessLookupError:
            code = self.proc.wait()
        self.proc.stdout.close()
        return f"exit {code}"


def measure_signals(inits, ns_prefix, helper, count, cpu):
    """4. Signal-forwarding latency:
    {name: (latencies µs but the first, lost, VmHWM kB after the signals, first latency µs)}.
    With cpu set, we and everything we start (affinity is inherited) run on that CPU only."""
    metric = "signals" if cpu is None else "signals-1cpu"
    saved = os.sched_getaffinity(0)
    sessions = []
    try:
        if cpu is not None:
            os.sched_setaffinity(0, {cpu})
        for init in inits:
            try:
                sessions.append(EchoSession(init, ns_prefix, helper))
            except (BenchError, OSError) as e:
                init.errors[metric] = str(e)
        # One signal at a time, round-robin over the inits: an idle init sleeps in its wait.
        for _ in range(count):
            for s in sessions:
                s.one_signal()
        # The first signal runs cold code paths: reported on its own, kept out of the percentiles.
        return {s.init.name: (s.latencies[1:], s.lost, s.vmhwm(), s.latencies[0] if s.latencies else None)
                for s in sessions}
    finally:
        for s in sessions:
            code = s.stop()
            if code != "exit 0" and not s.init.errors.get(metric):
                s.init.errors[metric] = f"did not stop cleanly on SIGTERM ({code})"
            if s.lost and not s.init.errors.get(metric):
                s.init.errors[metric] = f"{s.lost} signals not forwarded within {SIGNAL_TIMEOUT_S} s"
        os.sched_setaffinity(0, saved)


# ---- the report ----------------------------------------------------------------------------------


def print_table(title, header, rows, notes=()):
    print(f"\n## {title}")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for r in [header, *rows]:
        cells = [str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))]
        print("  ".join(cells).rstrip())
    for n in notes:
        print(n)


def progress(message):
    print(f"# {message} ...", file=sys.stderr, flush=True)


def error_notes(inits, metric):
    return [f"  ! {i.name}: {i.errors[metric]}" for i in inits if i.errors.get(metric)]


def report_wall(inits, samples, runs):
    med = {n: statistics.median(v) for n, v in samples.items() if v}
    bare = med.get("bare")
    sd = med.get("sdinit")
    sd_over = sd - bare if sd is not None and bare is not None else None
    rows = []
    for i in inits:
        v = samples.get(i.name)
        if not v:
            rows.append([i.name, "error", "", "", "", "", ""])
            continue
        m = med[i.name]
        over = m - bare if bare is not None and i.path else None
        rows.append([i.name, fmt(m, ".3f"), fmt(percentile(v, 90), ".3f"), fmt(min(v), ".3f"),
                     fmt(over, ".3f"), fmt(ratio(sd, m), ".3f"),
                     fmt(ratio(sd_over, over) if i.path else None, ".3f")])
    print_table(f"1. Wall time of `INIT -- /bin/true` as PID 1 ({runs} runs each, round-robin; ms)",
                ["init", "median", "p90", "min", "overhead", "sdinit/init", "sdinit/init overhead"], rows,
                ["  overhead = median - median(bare); ratios compare medians of this run.",
                 *error_notes(inits, "wall")])
    return med


def report_hwm(inits, hwm, storms, signals):
    sd = hwm.get("sdinit", (None, None))[0]
    rows = []
    for i in inits:
        if not i.path:
            continue
        h = hwm.get(i.name)
        st = [x["init_vmhwm_kb"] for runs in storms for x in runs.get(i.name, []) if x.get("init_vmhwm_kb", -1) > 0]
        sg = [v[i.name][2] for v in signals if v.get(i.name) and v[i.name][2]]
        rows.append([i.name, fmt(h[0] if h else None, ".0f"), fmt(h[1] if h else None, ".0f"),
                     fmt(max(st) if st else None, ".0f"), fmt(max(sg) if sg else None, ".0f"),
                     fmt(ratio(sd, h[0]) if h else None, ".3f")])
    print_table("2. Peak RSS of the init itself as PID 1 (kB, from /proc/1/status)",
                ["init", "VmHWM", "VmRSS", "VmHWM after storms", "VmHWM after signals", "sdinit/init VmHWM"],
                rows, ["  VmHWM/VmRSS: read by `INIT -- cat /proc/1/status` (median of runs); the other two "
                       "columns after metrics 3 and 4.", *error_notes(inits, "hwm")])


def report_orphans(inits, storms, title, note, metric):
    reap = {n: statistics.median([x["reap_ms"] for x in v]) for n, v in storms.items() if v}
    sd = reap.get("sdinit")
    rows = []
    for i in inits:
        v = storms.get(i.name)
        if not i.path:
            continue
        if not v:
            rows.append([i.name, "error", "", "", "", "", ""])
            continue
        r = [x["reap_ms"] for x in v]
        rows.append([i.name, fmt(reap[i.name]), fmt(min(r)), fmt(max(r)),
                     fmt(statistics.median([x["spawn_ms"] for x in v]), ".1f"),
                     str(int(max(x["left"] for x in v))), fmt(ratio(sd, reap[i.name]), ".3f")])
    print_table(title, ["init", "reap median", "min", "max", "spawn median", "left", "sdinit/init"], rows,
                [note, *error_notes(inits, metric)])


def report_signals(inits, signals, title, metric):
    p50 = {n: percentile(v[0], 50) for n, v in signals.items() if v[0]}
    p99 = {n: percentile(v[0], 99) for n, v in signals.items() if v[0]}
    rows = []
    for i in inits:
        if not i.path:
            continue
        v = signals.get(i.name)
        if not v or not v[0]:
            rows.append([i.name, "error", "", "", "", "", "", "", ""])
            continue
        lat = v[0]
        rows.append([i.name, fmt(v[3], ".1f"), fmt(p50[i.name], ".1f"), fmt(percentile(lat, 90), ".1f"), fmt(p99[i.name], ".1f"),
                     fmt(max(lat), ".1f"), str(v[1]), fmt(ratio(p50.get("sdinit"), p50[i.name]), ".3f"),
                     fmt(ratio(p99.get("sdinit"), p99[i.name]), ".3f")])
    print_table(title, ["init", "first", "p50", "p90", "p99", "max", "lost", "sdinit/init p50", "sdinit/init p99"], rows,
                ["  first = the first signal an init forwards (cold code paths); the percentiles are over "
                 "the others.", *error_notes(inits, metric)])


def report_targets(wall_med, hwm):
    print("\n## Issue 2 targets")
    sd, ts = wall_med.get("sdinit"), wall_med.get("tini-static")
    if sd and ts:
        x = sd / ts
        verdict = "met" if x <= WALL_TARGET else "MISSED"
        print(f"median wall(sdinit) / median wall(tini-static) = {x:.3f} (target <= {WALL_TARGET}): {verdict}")
    else:
        print("median wall(sdinit) / median wall(tini-static) = n/a (one of them was not measured)")

    def kb(name):
        return hwm[name][0] if name in hwm else None

    a, b, c = kb("sdinit"), kb("tini"), kb("tini-static")
    line = (f"VmHWM sdinit = {fmt(a, '.0f', 0)} kB, tini = {fmt(b, '.0f', 0)} kB, "
            f"tini-static = {fmt(c, '.0f', 0)} kB (target <= tini, ideally <= tini-static)")
    if a is not None and b is not None:
        line += ": " + ("MISSED" if a > b else "met" + ("" if c is None or a <= c else ", not <= tini-static")
                                                        + ("" if c is None or a > c else ", <= tini-static too"))
    print(line)


# ---- set-up --------------------------------------------------------------------------------------


def find_helper(explicit, sdinit, workdir):
    """bench-child: --helper, else next to the sdinit build tree, else compiled here with cc."""
    if explicit:
        return str(Path(explicit).resolve())
    built = Path(sdinit).resolve().parent.parent / "bench" / "bench-child"
    if built.is_file() and os.access(built, os.X_OK):
        return str(built)
    source = Path(__file__).resolve().parent / "bench-child.c"
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc or not source.is_file():
        sys.exit("dropin-bench: no bench-child helper: build it with meson or pass --helper")
    out = Path(workdir) / "bench-child"
    subprocess.run([*cc.split(), "-O2", "-o", str(out), str(source)], check=True)
    print(f"# compiled {source} -> {out}", file=sys.stderr)
    return str(out)


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sdinit", required=True, help="the sdinit front-end binary (build/init/sdinit)")
    ap.add_argument("--helper", help="the bench-child binary (default: BUILD/bench/bench-child, else compiled)")
    ap.add_argument("--quick", action="store_true", help="a fast variant: %s" % ", ".join(
        f"{k}={v}" for k, v in QUICK.items()))
    ap.add_argument("--runs", type=int, help=f"wall-time runs per init (default {FULL['runs']}, quick {QUICK['runs']})")
    ap.add_argument("--orphans", type=int, help="orphans per storm")
    ap.add_argument("--storms", type=int, help="orphan storms per init")
    ap.add_argument("--signals", type=int, help="signals per init")
    ap.add_argument("--only", help="comma-separated metrics to run: wall,hwm,orphans,signals")
    return ap.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    sizes = dict(QUICK if args.quick else FULL)
    for key in ("runs", "orphans", "storms", "signals"):
        if getattr(args, key):
            sizes[key] = getattr(args, key)
    metrics = set((args.only or "wall,hwm,orphans,signals").split(","))

    # As root, a PID namespace needs nothing else; otherwise ask for a user namespace too (the
    # numbers are then not comparable with TESTING.md's).
    ns_prefix = ["unshare", "--pid", "--fork", "--mount-proc"]
    if os.geteuid() != 0:
        ns_prefix[1:1] = ["--user", "--map-root-user"]
    ns_prefix[0] = shutil.which("unshare") or sys.exit("dropin-bench: unshare (util-linux) not found")

    sdinit = str(Path(args.sdinit).resolve())
    inits = [Init("bare", None), Init("sdinit", sdinit, ("--",))]
    skipped = []
    for name, path, sep in PEERS:
        (inits.append(Init(name, path, sep)) if os.access(path, os.X_OK) else skipped.append(f"{name} ({path})"))

    print("# sdinit drop-in benchmark (issue 2, part 6)")
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S')}, {platform.node()}, Linux {platform.release()}, "
          f"{os.cpu_count()} CPUs, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}, euid {os.geteuid()}")
    print(f"# PID 1 via: {' '.join(Path(ns_prefix[0]).name if i == 0 else a for i, a in enumerate(ns_prefix))}"
          " INIT [--] COMMAND")
    print("# sizes: " + ", ".join(f"{k}={v}" for k, v in sizes.items()) + (" (quick)" if args.quick else ""))
    for i in inits[1:]:
        print(f"# {i.name:<12} {i.path} ({linkage(i.path)})")
    for s in skipped:
        print(f"# skipped (not installed): {s}")

    with tempfile.TemporaryDirectory(prefix="dropin-bench.") as workdir:
        helper = find_helper(args.helper, sdinit, workdir)
        print(f"# helper: {helper}")
        sys.stdout.flush()

        gc.disable()  # no collector pauses inside the timed loops
        peers = inits[1:]  # everything but "bare"
        n, storms_n, sig_n = sizes["orphans"], sizes["storms"], sizes["signals"]
        samples, hwm, storms, signals = {}, {}, {}, {}
        if "wall" in metrics:
            progress(f"[1/4] wall time, {sizes['runs']} runs x {len(inits)}")
            samples = measure_wall(inits, ns_prefix, sizes["runs"])
        if "hwm" in metrics:
            progress("[2/4] VmHWM")
            hwm = measure_hwm(peers, ns_prefix, sizes["hwm_runs"])
        if "orphans" in metrics:
            for mode in ("zombies", "orphans"):
                progress(f"[3/4] {mode}: {storms_n} storms x {n} x {len(peers)}")
                storms[mode] = measure_orphans(peers, ns_prefix, helper, mode, n, storms_n)
        if "signals" in metrics:
            cpu = min(os.sched_getaffinity(0))
            progress(f"[4/4] signal latency, {sig_n} signals x {len(peers)}, on CPU {cpu}, then unpinned")
            signals["1cpu"] = measure_signals(peers, ns_prefix, helper, sig_n, cpu)
            signals["free"] = measure_signals(peers, ns_prefix, helper, sig_n, None)
        gc.enable()

    wall_med = report_wall(inits, samples, sizes["runs"]) if samples else {}
    if hwm or storms or signals:
        report_hwm(inits, hwm, list(storms.values()), list(signals.values()))
    if "zombies" in storms:
        report_orphans(inits, storms["zombies"],
                       f"3a. Reaping {n} orphaned zombies re-parented to PID 1 at once ({storms_n} storms each, "
                       "round-robin; ms)",
                       "  reap = from the spawner's exit (its zombies go to PID 1) until /proc holds only PID 1 "
                       "and the helper:\n  PID 1's own reaping work.", "zombies")
    if "orphans" in storms:
        report_orphans(inits, storms["orphans"],
                       f"3b. {n} live orphans re-parented to PID 1, then all exiting at once ({storms_n} storms "
                       "each, round-robin; ms)",
                       "  reap = from the release until /proc holds only PID 1 and the helper: mostly the kernel's "
                       "work for\n  N processes exiting together, shared by all inits; noisy, compare with care.",
                       "orphans")
    if "1cpu" in signals:
        report_signals(inits, signals["1cpu"],
                       f"4a. Signal-forwarding latency, SIGUSR1 to PID 1 until its child reports it, everything "
                       f"on one CPU ({sig_n} signals each, one at a time, round-robin; µs)", "signals-1cpu")
    if "free" in signals:
        report_signals(inits, signals["free"],
                       f"4b. The same, unpinned ({sig_n} signals each; µs; on a VM, cross-CPU wake-ups dominate "
                       "and vary between runs)", "signals")
    report_targets(wall_med, hwm)

    crashed = [f"{i.name}/{m}" for i in inits for m, e in i.errors.items() if e]
    if crashed:
        print(f"\n# something failed: {', '.join(crashed)} (see the notes under the tables)")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
