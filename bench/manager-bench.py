#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The service-manager benchmark of issue 4: boot and stop N generated units under sdinit as PID 1.

For each size N (100 and 1,000; --quick: 100 only) it writes N services into a fresh directory
that becomes the whole unit search path ($SYSTEMD_UNIT_PATH), then runs
`unshare --user --map-root-user --pid --fork --mount --mount-proc --kill-child sdinit` R times
(--runs, default 3) and reports medians of:

  boot    from the exec of unshare until PID 1 prints "Reached target default.target"
          (default.target is ordered after everything it pulls in, so: all N units active);
  stop    from SIGTERM to PID 1 until it has exited (every unit stopped, in reverse order);
  VmHWM   PID 1's peak RSS, read from /proc/<pid>/status just before SIGTERM ("boot") and last
          seen while it stops ("end");
  CPU     PID 1's own user+system time spent until all units were active, and while stopping
          (from SIGTERM until it was last seen, sampled every 10 ms);
  ms/unit boot and stop divided by N, and "marginal" (boot - boot of an empty default.target)/N.

The units: half of them in chains of 10 (each link After= and Requires= the previous one; the
chain's tail is wanted by default.target), the rest in fan-outs of 50 (fanK.target Wants= its 50
services; default.target Wants= every fanK.target). Services alternate between Type=simple
(`/bin/sleep infinity`) and Type=notify (manager-notify-child, a tiny C helper that sends READY=1
and pauses), so a chain's notify links are a sequence of real READY=1 round trips.

It also checks that the boot was real: N "Started" lines, N live service processes under PID 1
before SIGTERM, N "Stopped" lines and exit status 0 afterwards.

A benchmark, not a test: it never fails on a number. Exit status 1 only if something crashed or
misbehaved (PID 1 exited non-zero, hung past --timeout, or a unit did not start or stop); the table
says which. Needs root (unshare --pid).

  meson test -C build --benchmark --suite manager --verbose [--test-args=--quick]
  /usr/bin/python3 bench/manager-bench.py --sdinit build/init/sdinit [--runs R] [--quick] [--sizes 100,1000]
  /usr/bin/python3 bench/manager-bench.py --sdinit build/init/sdinit --write-units DIR --sizes 1000
      (only writes the units, for profiling by hand: SYSTEMD_UNIT_PATH=DIR unshare ... sdinit)
"""
import argparse
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHAIN_LEN = 10
FAN_WIDTH = 50
TARGET_BOOT_S = 2.0      # issue 4, "Done when": 1,000 units boot in under 2 s...
TARGET_RSS_MB = 10.0     # ...with PID 1 below 10 MB RSS
# PID 1 gets its own /run, as in a container: it serves /run/systemd/private there.
NS_PREFIX = ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount", "--mount-proc", "--kill-child",
             "/bin/sh", "-c", 'mount -t tmpfs -o mode=755 tmpfs /run && exec "$@"', "sh"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ---- units -----------------------------------------------------------------------------------------

def generate(directory, n, notify_exec, simple_exec, notify_access):
    """Writes N services (plus fan-out targets and default.target) into directory; returns the
    list of service names."""
    os.makedirs(directory, exist_ok=True)
    os.chmod(directory, 0o755)
    names = []
    default_wants = []
    kinds = []

    def service(name, deps):
        i = len(names)
        names.append(name)
        notify = i % 2 == 1
        kinds.append(notify)
        text = f"[Unit]\nDescription=Bench {'notify' if notify else 'simple'} {name}\n{deps}"
        if notify:
            text += f"[Service]\nType=notify\n{notify_access}ExecStart={notify_exec}\n"
        else:
            text += f"[Service]\nType=simple\nExecStart={simple_exec}\n"
        with open(os.path.join(directory, name), "w") as f:
            f.write(text)

    n_chain = (n // 2) // CHAIN_LEN * CHAIN_LEN
    for c in range(n_chain // CHAIN_LEN):
        for k in range(CHAIN_LEN):
            prev = f"c{c}-{k - 1}.service"
            service(f"c{c}-{k}.service", f"After={prev}\nRequires={prev}\n" if k else "")
        default_wants.append(f"c{c}-{CHAIN_LEN - 1}.service")
    left, f = n - n_chain, 0
    while left > 0:
        width = min(FAN_WIDTH, left)
        members = [f"f{f}-{k}.service" for k in range(width)]
        for m in members:
            service(m, "")
        with open(os.path.join(directory, f"fan{f}.target"), "w") as fh:
            fh.write(f"[Unit]\nDescription=Bench fan-out {f}\nWants={' '.join(members)}\n")
        default_wants.append(f"fan{f}.target")
        left -= width
        f += 1
    with open(os.path.join(directory, "default.target"), "w") as fh:
        fh.write("[Unit]\nDescription=Bench boot\nRequires=basic.target\nAfter=basic.target\n" +
                 (f"Wants={' '.join(default_wants)}\n" if default_wants else ""))
    return names, sum(kinds), n_chain


# ---- one boot ----------------------------------------------------------------------------------------

def host_pid(unshare_pid, deadline):
    """PID 1's pid as the host sees it: the child of unshare --fork whose innermost NSpid is 1."""
    while time.monotonic() < deadline:
        todo = [unshare_pid]
        while todo:
            pid = todo.pop()
            try:
                with open(f"/proc/{pid}/status") as f:
                    nspid = [l for l in f if l.startswith("NSpid:")][0].split()[1:]
                if len(nspid) > 1 and nspid[-1] == "1":
                    return pid
                for tid in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{tid}/children") as f:
                        todo += [int(k) for k in f.read().split()]
            except (OSError, IndexError):
                continue
        time.sleep(0.001)
    return None


def proc_status(pid, keys=("VmHWM", "VmRSS")):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in keys:
                    out[k] = int(v.split()[0])  # kB
    except OSError:
        pass
    return out


def proc_cpu_s(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
    except (OSError, IndexError, ValueError):
        return None


def children(pid):
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(k) for k in f.read().split()]
    except OSError:
        pass
    return out


class Run:
    """One boot and stop of sdinit over a unit directory."""

    def __init__(self, sdinit, unit_dir, timeout):
        self.sdinit, self.unit_dir, self.timeout = sdinit, unit_dir, timeout
        self.lines, self.err = [], b""
        self.buf = b""
        self.problems = []
        self.r = {}

    def _pump(self, wait):
        """Reads what is there (waiting up to `wait` s for something); returns False on EOF."""
        fds = [self.p.stdout.fileno()] + ([self.p.stderr.fileno()] if self.err_open else [])
        ready, _, _ = select.select(fds, [], [], wait)
        eof = False
        for fd in ready:
            chunk = os.read(fd, 1 << 16)
            if fd == self.p.stderr.fileno():
                if chunk:
                    self.err += chunk
                else:
                    self.err_open = False
                continue
            if not chunk:
                eof = True
                continue
            self.buf += chunk
            *new, self.buf = self.buf.split(b"\n")
            now = time.monotonic()
            for line in new:
                self.lines.append((now, line.decode(errors="replace")))
        return not eof

    def wait_line(self, rx, start_index, deadline):
        i = start_index
        while True:
            while i < len(self.lines):
                if rx.search(self.lines[i][1]):
                    return self.lines[i][0], i
                i += 1
            left = deadline - time.monotonic()
            if left <= 0:
                return None, i
            if not self._pump(left):
                # EOF: take the rest, then give up.
                while i < len(self.lines):
                    if rx.search(self.lines[i][1]):
                        return self.lines[i][0], i
                    i += 1
                return None, i

    def run(self, names):
        env = dict(os.environ, SYSTEMD_UNIT_PATH=self.unit_dir)
        for k in list(env):
            if k.startswith(("TINI_", "DUMB_INIT_", "NOTIFY_SOCKET", "LISTEN_")):
                del env[k]
        n = len(names)
        t0 = time.monotonic()
        self.p = subprocess.Popen(NS_PREFIX + [self.sdinit], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env)
        self.err_open = True
        try:
            return self._run(names, n, t0)
        finally:
            if self.p.poll() is None:
                self.p.kill()
                self.p.wait()

    def _run(self, names, n, t0):
        r = self.r
        reached = re.compile(r"Reached target default\.target\b")
        t_reached, idx = self.wait_line(reached, 0, t0 + self.timeout)
        if t_reached is None:
            rc = self.p.poll()
            self.problems.append(f"PID 1 exited with status {rc} before 'Reached target default.target'" if rc is not None
                                 else f"no 'Reached target default.target' within {self.timeout:.0f} s")
            return r
        r["boot"] = t_reached - t0
        pid = host_pid(self.p.pid, time.monotonic() + 5)
        if pid is None:
            self.problems.append("PID 1 not found under unshare")
            return r
        # Status for PID 1 right away (before any pumping), CPU included.
        r["cpu_boot"] = proc_cpu_s(pid)
        st = proc_status(pid)
        r["hwm_boot"], r["rss_boot"] = st.get("VmHWM"), st.get("VmRSS")
        # Started lines: all of them should be in by now (default.target is after everything).
        started_rx = re.compile(r"\] Started ([^ ]+\.service)\b")
        names_set = set(names)
        end = time.monotonic() + 5

        def count(rx):
            return len({m.group(1) for _, l in self.lines for m in [rx.search(l)] if m and m.group(1) in names_set})
        while count(started_rx) < n and time.monotonic() < end and self._pump(0.05):
            pass
        r["started"] = count(started_rx)
        r["live"] = len(children(pid))
        if r["started"] != n:
            self.problems.append(f"only {r['started']}/{n} units started")
        if r["live"] < n:
            self.problems.append(f"only {r['live']} live processes under PID 1 for {n} units")
        # Stop: SIGTERM, then read until EOF and exit, sampling VmHWM as long as /proc has it.
        n_lines_before = len(self.lines)
        t1 = time.monotonic()
        os.kill(pid, signal.SIGTERM)
        hwm_end = r["hwm_boot"]
        cpu_end = r["cpu_boot"]
        deadline = t1 + self.timeout
        open_ = True
        while open_ and time.monotonic() < deadline:
            open_ = self._pump(0.01)
            h = proc_status(pid, ("VmHWM",)).get("VmHWM")
            if h:
                hwm_end = h
            c = proc_cpu_s(pid)
            if c is not None:
                cpu_end = c
        if open_:
            self.problems.append(f"PID 1 still running {self.timeout:.0f} s after SIGTERM")
            return r
        try:
            rc = self.p.wait(max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.problems.append("stdout closed but unshare did not exit")
            return r
        t2 = time.monotonic()
        while self.err_open and self._pump(0):
            pass
        r["stop"] = t2 - t1
        r["hwm_end"] = hwm_end
        if cpu_end is not None and r["cpu_boot"] is not None:
            r["cpu_stop"] = cpu_end - r["cpu_boot"]  # last seen while stopping (sampled every 10 ms)
        r["rc"] = rc
        stopped_rx = re.compile(r"\] Stopped ([^ ]+\.service)\b")
        r["stopped"] = len({m.group(1) for _, l in self.lines[n_lines_before:]
                            for m in [stopped_rx.search(l)] if m and m.group(1) in names_set})
        if rc != 0:
            self.problems.append(f"exit status {rc} after SIGTERM (want 0)")
        if r["stopped"] != n:
            self.problems.append(f"only {r['stopped']}/{n} units reported Stopped")
        failed = [l for _, l in self.lines if "[FAILED]" in l or "[DEPEND]" in l]
        if failed:
            self.problems.append(f"{len(failed)} [FAILED]/[DEPEND] lines, first: {failed[0]}")
        return r

    def tail(self):
        out = "\n".join(l for _, l in self.lines[-15:])
        err = self.err.decode(errors="replace")[-1500:]
        return f"--- last stdout lines:\n{out}\n--- stderr tail:\n{err}"


# ---- report -----------------------------------------------------------------------------------------

def med(rs, key):
    v = [r[key] for r in rs if r.get(key) is not None]
    return statistics.median(v) if v else None


def fmt(v, spec, scale=1.0, none="-"):
    return none if v is None else format(v * scale, spec)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--sdinit", required=True, help="the sdinit front-end binary (build/init/sdinit)")
    ap.add_argument("--notify-helper", help="manager-notify-child (default: BUILD/bench/manager-notify-child "
                    "next to --sdinit, else compiled here with cc, else systemd-notify)")
    ap.add_argument("--runs", type=int, default=3, help="boots per size (default 3); medians are reported")
    ap.add_argument("--quick", action="store_true", help="100 units only")
    ap.add_argument("--sizes", help="comma-separated unit counts (default 100,1000)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the empty-default.target boots")
    ap.add_argument("--simple-exec", default="/bin/sleep infinity", help="ExecStart= of Type=simple units")
    ap.add_argument("--timeout", type=float, default=120, help="seconds before a boot or a stop counts as hung")
    ap.add_argument("--write-units", metavar="DIR", help="only write the units for the first size into DIR")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every run")
    args = ap.parse_args()

    sdinit = str(Path(args.sdinit).resolve())
    sizes = [100] if args.quick else [int(s) for s in (args.sizes or "100,1000").split(",")]
    workdir = tempfile.mkdtemp(prefix="sdinit-mbench-")
    os.chmod(workdir, 0o755)
    try:
        notify_exec, notify_access, how = find_notify(args.notify_helper, sdinit, workdir)
        if args.write_units:
            names, n_notify, n_chain = generate(args.write_units, sizes[0], notify_exec, args.simple_exec, notify_access)
            print(f"wrote {len(names)} services ({n_notify} notify, {n_chain} in chains) to {args.write_units}")
            return 0
        if os.geteuid() != 0:
            print("manager-bench: warning: not root; unshare --user --pid may fail", file=sys.stderr)
        return bench(args, sdinit, sizes, workdir, notify_exec, notify_access, how)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def find_notify(explicit, sdinit, workdir):
    """The Type=notify ExecStart=: the C helper (--notify-helper, the build tree, or cc), else
    systemd-notify from a shell (then NotifyAccess=all, as its pid is not the main pid)."""
    helper = None
    if explicit:
        helper = str(Path(explicit).resolve())
        if not os.access(helper, os.X_OK):
            sys.exit(f"manager-bench: --notify-helper {explicit}: not an executable")
    else:
        built = Path(sdinit).parent.parent / "bench" / "manager-notify-child"
        source = Path(__file__).resolve().parent / "manager-notify-child.c"
        cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
        if built.is_file() and os.access(built, os.X_OK):
            helper = str(built)
        elif cc and source.is_file():
            out = Path(workdir) / "manager-notify-child"
            if subprocess.run([*cc.split(), "-O2", "-o", str(out), str(source)]).returncode == 0:
                helper = str(out)
                print(f"# compiled {source} -> {out}", file=sys.stderr)
    if helper:
        return f"{helper} notify", "", f"{helper} notify"
    sn = shutil.which("systemd-notify")
    if not sn:
        sys.exit("manager-bench: no notify helper: build bench/manager-notify-child, pass --notify-helper, "
                 "or install systemd-notify")
    return (f"/bin/sh -c '{sn} --ready; exec sleep infinity'", "NotifyAccess=all\n",
            f"{sn} --ready from /bin/sh (NotifyAccess=all)")


def bench(args, sdinit, sizes, workdir, notify_exec, notify_access, how):
    print(f"# sdinit: {sdinit}")
    print(f"# notify services: {how}; simple services: {args.simple_exec}")
    print(f"# {os.cpu_count()} CPUs, kernel {os.uname().release}; {args.runs} runs per size, medians")
    crashed = False
    results = {}
    plan = ([0] if not args.no_baseline else []) + sizes
    for n in plan:
        d = os.path.join(workdir, f"units-{n}")
        names, n_notify, n_chain = generate(d, n, notify_exec, args.simple_exec, notify_access)
        if n:
            print(f"# N={n}: {n_chain} services in {n_chain // CHAIN_LEN} chains of {CHAIN_LEN}, "
                  f"{n - n_chain} in {-(-(n - n_chain) // FAN_WIDTH)} fan-outs of <= {FAN_WIDTH}; "
                  f"{n - n_notify} simple, {n_notify} notify", flush=True)
        rs = []
        for i in range(args.runs):
            run = Run(sdinit, d, args.timeout)
            try:
                r = run.run(names)
            except Exception as e:  # a broken run must not hide the others
                run.problems.append(f"{type(e).__name__}: {e}")
                r = run.r
            rs.append(r)
            if run.problems:
                crashed = True
                print(f"!! N={n} run {i + 1}: " + "; ".join(run.problems), flush=True)
                print(run.tail(), flush=True)
            if args.verbose:
                print(f"   N={n} run {i + 1}: boot {fmt(r.get('boot'), '.3f')} s, stop {fmt(r.get('stop'), '.3f')} s, "
                      f"VmHWM {r.get('hwm_boot')}/{r.get('hwm_end')} kB, cpu {fmt(r.get('cpu_boot'), '.2f')} s, "
                      f"started {r.get('started')}, live {r.get('live')}, stopped {r.get('stopped')}", flush=True)
        results[n] = rs

    base = results.get(0)
    b0 = med(base, "boot") if base else None
    h0 = med(base, "hwm_boot") if base else None
    print()
    hdr = (f"{'units':>6} {'boot s':>7} {'(min-max)':>13} {'ms/unit':>8} {'marg.':>7} {'stop s':>7} {'ms/unit':>8} "
           f"{'CPU s':>6} {'ms/unit':>8} {'stopCPU':>7} {'ms/unit':>8} {'HWM boot':>9} {'HWM end':>8} {'kB/unit':>8} {'started':>8} {'live':>5} {'stopped':>8}")
    print(hdr)
    print("-" * len(hdr))
    for n, rs in results.items():
        boots = [r["boot"] for r in rs if r.get("boot") is not None]
        boot, stop = med(rs, "boot"), med(rs, "stop")
        hb, he = med(rs, "hwm_boot"), med(rs, "hwm_end")
        rng = f"{min(boots):.3f}-{max(boots):.3f}" if boots else "-"
        per = (lambda v: fmt(v / n, ".3f", 1000) if v is not None and n else "-")
        marg = fmt((boot - b0) / n, ".3f", 1000) if n and boot is not None and b0 is not None else "-"
        kbu = fmt((hb - h0) / n, ".1f") if n and hb is not None and h0 is not None else "-"
        print(f"{n:>6} {fmt(boot, '.3f'):>7} {rng:>13} {per(boot):>8} {marg:>7} {fmt(stop, '.3f'):>7} {per(stop):>8} "
              f"{fmt(med(rs, 'cpu_boot'), '.2f'):>6} {per(med(rs, 'cpu_boot')):>8} "
              f"{fmt(med(rs, 'cpu_stop'), '.2f'):>7} {per(med(rs, 'cpu_stop')):>8} {fmt(hb, '.2f', 1 / 1024) + ' MB':>9} {fmt(he, '.2f', 1 / 1024) + ' MB':>8} "
              f"{kbu:>8} {fmt(med(rs, 'started'), '.0f'):>8} {fmt(med(rs, 'live'), '.0f'):>5} {fmt(med(rs, 'stopped'), '.0f'):>8}")
    print()
    print("boot: exec of unshare -> 'Reached target default.target'; stop: SIGTERM -> exit of PID 1;\n"
          "marg.: (boot - boot of an empty default.target)/N in ms; CPU: PID 1's user+sys until all active;\n"
          "stopCPU: PID 1's user+sys from SIGTERM until last seen (sampled every 10 ms);\n"
          "HWM: PID 1's VmHWM before SIGTERM / last seen while stopping; kB/unit: (HWM boot - empty's)/N;\n"
          "started/live/stopped: 'Started' lines, processes under PID 1 before SIGTERM, 'Stopped' lines.")
    big = max(sizes)
    rs = results.get(big, [])
    boot, hwm = med(rs, "boot"), max([v for v in (med(rs, "hwm_boot"), med(rs, "hwm_end")) if v is not None], default=None)
    verdict = []
    if boot is not None:
        verdict.append("boot met" if boot < TARGET_BOOT_S else "boot MISSED")
    if hwm is not None:
        verdict.append("RSS met" if hwm / 1024 < TARGET_RSS_MB else "RSS MISSED")
    print(f"\n{big} units: all active in {fmt(boot, '.2f')} s (target < {TARGET_BOOT_S:g} s), "
          f"PID 1 VmHWM {fmt(hwm, '.1f', 1 / 1024)} MB (target < {TARGET_RSS_MB:g} MB)"
          + (f": {', '.join(verdict)}" if verdict else "")
          + ("" if big == 1000 else " [the issue's target is for 1000 units]"))
    if crashed:
        print("some runs crashed or misbehaved (see the !! lines above)")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
