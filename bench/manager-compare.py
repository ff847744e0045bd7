#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The comparison table of issue 13 (item 7): the same N generated services (manager-bench.py's
chains with After=/Requires= and fan-outs, half Type=simple, half Type=notify) under

  sdinit-plain  sdinit as PID 1 of a user namespace (root -> 100000) without a delegated cgroup
                (processes tracked by session and process tree);
  sdinit        sdinit as PID 1 with a delegated cgroup v2 (cgroup/tests/cgharness.py's recipe,
                see /work/shared/TESTING.md): one cgroup per unit;
  systemd       Debian's systemd 252 as PID 1 in the same delegated-cgroup container;
  s6            s6-svscan as PID 1 (one s6-supervise per service; notify services use s6's
                notification-fd); no ordering: the chains start all at once;
  supervisord   supervisord as PID 1 (startsecs=0; no readiness protocol, so notify services run
                as simple ones; no ordering);

interleaved round-robin (each round boots every init once per N, the order rotating), so that
ratios come from the same minutes of this shared machine. Every PID 1 runs the same binary for
its services (bench/manager-notify-child), gets a private /run, /tmp and /dev, and the same
user-namespace mapping. A peer that is not installed is skipped ("skipped: not installed").

Per init and N, medians over the rounds (min-max of boot in brackets):
  boot   from the exec of unshare until all N are active: sdinit logs "Reached target" for
         default.target (ordered after everything), systemd sends READY=1 to $NOTIFY_SOCKET when
         its boot transaction is done; s6: every supervise/status says up
         and ready; supervisord: N "entered RUNNING state". The wait wakes on the datagram or
         on a write to the log (inotify), not on a polling interval (s6: every 5 ms);
  exec   from PID 1's exec until all N are active: the container's set-up (unshare, two shells,
         the mounts: 60-170 ms here, the same work for every init) left out; the set-up's last
         step writes the time (date +%s.%N) just before it execs the init;
  own    the init's own account, asked once all are active: FinishTimestampMonotonic -
         UserspaceTimestampMonotonic (`systemd-analyze time`'s userspace part; sdinit, systemd):
         boot without the container's set-up before PID 1's exec (unshare, the mounts);
  rt     median round trip of the init's own client during the boot (one call every 100 ms
         while units start, in a thread beside the wait):
         `systemctl show -p ActiveState c0-0.service` (sdinit, systemd),
         `supervisorctl status`, `s6-svstat` (reads a file; s6-svscan is not asked), each
         through nsenter;
  stop   from SIGTERM (systemd: SIGRTMIN+3) until unshare exited (PID 1 and all services gone);
  CPU    PID 1's user+system time until all active (s6: plus its s6-supervise processes), and
         while stopping (sampled every 20 ms until last seen);
  HWM    PID 1's VmHWM when all are active (s6: plus the s6-supervise processes' summed Pss).
  show   with --show K (sdinit, systemd): PID 1's CPU per full `systemctl show UNIT` once all
         are active, K calls on K different units (the first query of each) and K on one unit;
         --show-strace DIR adds `strace -c` of those calls and `strace -k` of two more into DIR.
It then prints per-unit costs (value / N), the per-unit ratio of the largest N against the
smallest (issue 13: within 1.5x), ratios sdinit/peer, and the issue's targets.

A benchmark, not a test: it never fails on a number; exit 1 only if a boot or stop did not
complete (marked in the table). Needs root, user namespaces with subordinate ids and a cgroup2
mount (else the delegated rows are skipped with the reason).

  /usr/bin/python3 bench/manager-compare.py --sdinit build/init/sdinit           # N=100,1000,5000
  /usr/bin/python3 bench/manager-compare.py --sdinit build/init/sdinit --quick   # N=100,1000
  meson test -C build --benchmark --suite manager-compare --verbose [--test-args=--quick]
"""
import argparse
import ctypes
import ctypes.util
import datetime
import importlib.util
import os
import re
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
import oraclelib  # noqa: E402  (the delegated-cgroup PID 1 recipe, also used by the oracle tests)

_spec = importlib.util.spec_from_file_location("manager_bench", os.path.join(HERE, "manager-bench.py"))
mb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mb)

INITS = ("sdinit-plain", "sdinit", "systemd", "s6", "supervisord")
REACHED = re.compile(r"Reached target (default\.target|Bench boot)\b")
CLK_TCK = os.sysconf("SC_CLK_TCK")
SYSTEMD_TARGETS = ("sysinit.target", "basic.target")  # empty ones in the unit directory
# What SIGRTMIN+3 starts in systemd, copied from Debian's directory: the unit directory is the whole
# search path (with /lib/systemd/system in it, its sysinit.target.wants/ would boot the host's units).
SYSTEMD_HALT = ("halt.target", "systemd-halt.service", "shutdown.target", "umount.target", "final.target")


# ---- the services, for each init ------------------------------------------------------------------

def chown_tree(path, uid):
    for root, dirs, files in os.walk(path):
        os.chown(root, uid, uid)
        for f in files:
            os.lchown(os.path.join(root, f), uid, uid)


def write_units(d, n, helper):
    """manager-bench.py's generator, plus empty sysinit.target and basic.target, and copies of
    systemd's shutdown units (halt.target)."""
    names, n_notify, n_chain = mb.generate(d, n, f"{helper} notify", f"{helper} simple", "")
    for t in SYSTEMD_TARGETS:
        with open(os.path.join(d, t), "w") as f:
            f.write(f"[Unit]\nDescription=Bench {t}\n")
    for t in SYSTEMD_HALT:
        if os.path.exists(os.path.join("/lib/systemd/system", t)):
            shutil.copy(os.path.join("/lib/systemd/system", t), os.path.join(d, t))
    return names, n_notify, n_chain


def write_s6(d, names, helper):
    """One service directory per unit: `run` is a #! line naming the helper (no shell), notify
    services get notification-fd 3."""
    os.makedirs(d)
    for i, name in enumerate(names):
        sd = os.path.join(d, name[:-len(".service")])
        os.mkdir(sd)
        notify = i % 2 == 1
        with open(os.path.join(sd, "run"), "w") as f:
            f.write(f"#!{helper} {'fd3' if notify else 'simple'}\n")
        os.chmod(os.path.join(sd, "run"), 0o755)
        if notify:
            with open(os.path.join(sd, "notification-fd"), "w") as f:
                f.write("3\n")
    chown_tree(d, oraclelib.MAPPED_ROOT)


def write_supervisord(d, names, helper, logdir):
    os.makedirs(d)
    conf = os.path.join(d, "supervisord.conf")
    with open(conf, "w") as f:
        f.write(f"[supervisord]\nnodaemon=true\nuser=root\nlogfile={logdir}/supervisord.log\nloglevel=info\n"
                f"pidfile=/run/supervisord.pid\nminfds={2 * len(names) + 1024}\nchildlogdir=/run\n\n"
                "[unix_http_server]\nfile=/run/supervisor.sock\n\n"
                "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n"
                "[supervisorctl]\nserverurl=unix:///run/supervisor.sock\n\n")
        for name in names:
            f.write(f"[program:{name[:-len('.service')]}]\ncommand={helper} simple\nstartsecs=0\nautorestart=false\n"
                    "stdout_logfile=NONE\nstderr_logfile=NONE\nstopwaitsecs=30\n\n")
    return conf


# ---- one boot and stop ----------------------------------------------------------------------------

class Tail:
    """New lines of a file that another process appends to."""

    def __init__(self, path):
        self.path, self.pos, self.buf = path, 0, b""

    def lines(self):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.pos)
                chunk = f.read()
        except OSError:
            return []
        self.pos += len(chunk)
        self.buf += chunk
        *new, self.buf = self.buf.split(b"\n")
        return [ln.decode(errors="replace") for ln in new]


class Inotify:
    """Wakes the boot loop when one of the files is written (IN_MODIFY), so that seeing a log line
    costs no polling delay, as a datagram on systemd's $NOTIFY_SOCKET costs none. fd is None where
    inotify is not available (the loop then polls)."""

    IN_MODIFY = 0x2

    def __init__(self, paths):
        self.fd = None
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
            fd = libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
            if fd < 0:
                return
            for p in paths:
                if libc.inotify_add_watch(fd, os.fsencode(p), self.IN_MODIFY) < 0:
                    os.close(fd)
                    return
            self.fd = fd
        except (OSError, AttributeError):
            self.fd = None

    def drain(self):
        try:
            while os.read(self.fd, 4096):
                pass
        except (BlockingIOError, OSError):
            pass

    def close(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def cpu_s(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK
    except (OSError, IndexError, ValueError):
        return None


def status_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid):
    return mb.children(pid)


def descendants_named(pid1, comm):
    """Host pids of the processes below pid1 whose comm is one of `comm` (a /proc/*/task/*/children walk)."""
    comm = (comm,) if isinstance(comm, str) else comm
    out, todo = [], [pid1]
    while todo:
        p = todo.pop()
        for c in children(p):
            todo.append(c)
            try:
                with open(f"/proc/{c}/comm") as f:
                    if f.read().strip() in comm:
                        out.append(c)
            except OSError:
                pass
    return out


def s6_up_ready(path, need_ready):
    """supervise/status of s6 2.11 (s6_svstatus_pack(), 35 bytes): stamp, ready stamp (tain, 12
    bytes each), pid (64 bits big-endian), wait status (16), flags (paused 1, finishing 2, want up
    4, ready 8). Up: a pid, not finishing; a service with a notification-fd must also be ready."""
    try:
        with open(path, "rb") as f:
            b = f.read(64)
    except OSError:
        return False
    return len(b) == 35 and int.from_bytes(b[24:32], "big") != 0 and not b[34] & 2 and (bool(b[34] & 8) or not need_ready)


class Boot:
    def __init__(self, kind, n, names, dirs, cg2, workdir, tag, args):
        self.kind, self.n, self.names, self.dirs = kind, n, names, dirs
        self.cg2, self.workdir, self.tag, self.args = cg2, workdir, tag, args
        self.r, self.problems = {}, []
        self.notify = None

    def start(self):
        k, d = self.kind, self.dirs
        env = {"SYSTEMD_UNIT_PATH": d["units"]}
        if "sdinit" in k:
            binary = self.args.sdinit_b if k.startswith("b:") else self.args.sdinit
            argv, env["SDINIT_SYSTEMD"] = [binary], "never"
        elif k == "systemd":
            argv, env["container"] = [oraclelib.SYSTEMD, "--log-target=console", "--log-level=info",
                                      "--show-status=no"], "sdinit-bench"
            # In a container systemd's log does not reach the console file; it says READY=1 to a
            # container manager's $NOTIFY_SOCKET once its boot transaction is done (all active).
            sp = os.path.join(self.workdir, "notify")
            if os.path.lexists(sp):
                os.unlink(sp)
            self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_NONBLOCK)
            self.notify.bind(sp)
            os.chmod(sp, 0o777)
            env["NOTIFY_SOCKET"] = sp
        elif k == "s6":
            argv = ["s6-svscan", "-c", str(self.n + 100), d["s6"]]
        else:
            argv = ["supervisord", "-c", d["supervisord"]]
            log = os.path.join(d["logs"], "supervisord.log")
            if os.path.exists(log):
                os.unlink(log)  # the previous round's
        cg2 = None if k.endswith("sdinit-plain") else self.cg2
        # (The set-up runs as the container's root, an unmapped user for the work directory.)
        stamps = os.path.join(self.workdir, "exec-stamps")
        os.makedirs(stamps, exist_ok=True)
        os.chmod(stamps, 0o1777)
        self.stamp = os.path.join(stamps, self.tag.replace(':', '_'))
        if os.path.exists(self.stamp):
            os.unlink(self.stamp)
        self.t0 = time.monotonic()
        self.p = oraclelib.Pid1(cg2, self.tag.replace(":", "_"), self.workdir, argv, env,
                                setup=f"date +%s.%N > '{self.stamp}'")
        self.pid1 = self.p.pid1
        self.perf = None
        if self.args.perf and "sdinit" in k:
            out = os.path.join(self.args.perf, f"{self.tag.replace(':', '_')}.data")
            self.perf = subprocess.Popen(["perf", "record", "-q", "-F", "499", "-g", "-p", str(self.pid1), "-o", out],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.tails = [Tail(self.p.console), Tail(self.p.out.name)]
        if k == "supervisord":
            self.tails = [Tail(os.path.join(d["logs"], "supervisord.log"))]
        self.s6_missing = {(os.path.join(d["s6"], nm[:-len(".service")], "supervise", "status"), i % 2 == 1)
                           for i, nm in enumerate(self.names)} if k == "s6" else None
        self.running = 0

    def client(self):
        k = self.kind
        if "sdinit" in k or k == "systemd":
            cmd = [oraclelib.SYSTEMCTL, "--no-pager", "show", "-p", "ActiveState", "c0-0.service"]
            ok = "ActiveState="
        elif k == "s6":
            cmd, ok = ["s6-svstat", os.path.join(self.dirs["s6"], "c0-0")], ""
        else:
            cmd, ok = ["supervisorctl", "-c", self.dirs["supervisord"], "status", "c0-0"], "c0-0"
        t = time.monotonic()
        p = subprocess.run(["nsenter", "-t", str(self.pid1), "-U", "-m", "-p"] + cmd, capture_output=True, text=True)
        dt = time.monotonic() - t
        good = ok in p.stdout if ok else p.returncode == 0
        return dt if good else None

    def show_cost(self):
        """--show K: PID 1's CPU per full `systemctl show UNIT` (every property), K calls on
        different units after all are active, one at a time."""
        st = None
        if self.args.show_strace:
            out = os.path.join(self.args.show_strace, f"{self.tag.replace(':', '_')}.strace")
            st = subprocess.Popen(["strace", "-c", "-p", str(self.pid1), "-o", out],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            st.stderr.readline()  # "strace: Process N attached": the counting has begun
        c0 = cpu_s(self.pid1)
        for i in range(self.args.show):
            name = self.names[(i * 7919) % len(self.names)]
            self.show_one(name)
        c1 = cpu_s(self.pid1)
        if st:
            st.send_signal(signal.SIGINT)
            st.wait()
        if c0 is not None and c1 is not None:
            self.r["show_ms"] = (c1 - c0) * 1000 / self.args.show
        # The same unit again K times (what a cache per unit saves).
        c0 = cpu_s(self.pid1)
        for i in range(self.args.show):
            self.show_one(self.names[0])
        c1 = cpu_s(self.pid1)
        if c0 is not None and c1 is not None:
            self.r["show_same_ms"] = (c1 - c0) * 1000 / self.args.show
        if self.args.show_strace:  # where the directory reads of one call come from
            out = os.path.join(self.args.show_strace, f"{self.tag.replace(':', '_')}.stacks")
            st = subprocess.Popen(["strace", "-k", "-e", "trace=getdents64,openat", "-p", str(self.pid1), "-o", out],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            st.stderr.readline()
            self.show_one(self.names[1])
            self.show_one(self.names[1])
            st.send_signal(signal.SIGINT)
            st.wait()

    def own_boot(self):
        """The init's own account of its boot, as `systemd-analyze time` gives the userspace part:
        FinishTimestampMonotonic - UserspaceTimestampMonotonic (s), asked once all are active."""
        p = subprocess.run(["nsenter", "-t", str(self.pid1), "-U", "-m", "-p", oraclelib.SYSTEMCTL, "--no-pager",
                            "show", "-p", "UserspaceTimestampMonotonic,FinishTimestampMonotonic"],
                           capture_output=True, text=True)
        v = dict(ln.split("=", 1) for ln in p.stdout.splitlines() if "=" in ln)
        try:
            us, fin = int(v["UserspaceTimestampMonotonic"]), int(v["FinishTimestampMonotonic"])
        except (KeyError, ValueError):
            return None
        return (fin - us) / 1e6 if us and fin >= us else None

    def show_one(self, name):
        subprocess.run(["nsenter", "-t", str(self.pid1), "-U", "-m", "-p", oraclelib.SYSTEMCTL, "--no-pager",
                        "show", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def booted(self):
        """True once all N are active (see the module's doc)."""
        if self.kind == "s6":
            self.s6_missing = {p for p in self.s6_missing if not s6_up_ready(*p)}
            self.running = self.n - len(self.s6_missing)
            return not self.s6_missing
        if self.kind == "systemd":
            try:
                while True:
                    if b"READY=1" in self.notify.recv(4096):
                        self.running = self.n
            except BlockingIOError:
                pass
            return self.running >= self.n
        for t in self.tails:
            for line in t.lines():
                if self.kind == "supervisord":
                    if "entered RUNNING state" in line:
                        self.running += 1
                elif REACHED.search(line):
                    self.running = self.n
        return self.running >= self.n

    def run(self):
        r = self.r
        try:
            self.start()
        except Exception as e:
            self.problems.append(f"start: {e}")
            return r
        try:
            self._boot_and_stop()
        finally:
            self.p.close()
            if self.perf:
                self.perf.send_signal(signal.SIGINT)
                self.perf.wait()
            if self.notify:
                self.notify.close()
        return r

    def supervisor_pids(self):
        return descendants_named(self.pid1, "s6-supervise") if self.kind == "s6" else []

    def _boot_and_stop(self):
        r, deadline = self.r, self.t0 + self.args.timeout
        rts, done = [], threading.Event()

        def clients():
            # The client's round trips run beside the wait, not in it: a call in progress when the
            # init becomes ready must not delay seeing it (the calls took 50-130 ms during a boot).
            while not done.wait(0.1):
                dt = self.client()
                if dt is not None:
                    rts.append(dt)

        # What wakes the wait: systemd's READY=1 datagram, a write to the log files (sdinit's
        # "Reached target", supervisord's lines); s6's status files are polled every 5 ms.
        ino = Inotify([t.path for t in self.tails]) if self.kind in ("supervisord",) or "sdinit" in self.kind else None
        waitfds = [self.notify] if self.notify else [ino.fd] if ino and ino.fd is not None else []
        th = None if self.args.no_client else threading.Thread(target=clients, daemon=True)
        if th:
            th.start()
        try:
            while not self.booted():
                now = time.monotonic()
                if self.p.proc.poll() is not None:
                    self.problems.append(f"PID 1 exited ({self.p.proc.returncode}) before all were active: "
                                         f"{self.p.output()[-800:]}")
                    return
                if now > deadline:
                    self.problems.append(f"not all active after {self.args.timeout:.0f} s ({self.running} seen): "
                                         f"{self.p.output()[-1500:]}")
                    return
                if waitfds:
                    # Wakes at once on an event; the timeout only looks at PID 1's exit and the deadline.
                    select.select(waitfds, [], [], 0.05)
                    if ino and ino.fd is not None:
                        ino.drain()
                else:
                    time.sleep(0.005)  # a benchmark polls files; nothing here is a test's synchronisation
            r["boot"] = time.monotonic() - self.t0
            self.t_done_real = time.time()
        finally:
            done.set()
            if th:
                th.join()
            if ino:
                ino.close()
        self._after_boot(rts)

    def _after_boot(self, rts):
        r = self.r
        sup = self.supervisor_pids()
        c = cpu_s(self.pid1)
        r["cpu_boot"] = (c or 0) + sum(cpu_s(p) or 0 for p in sup)
        r["hwm"] = (status_kb(self.pid1, "VmHWM") or 0) + sum(pss_kb(p) for p in sup)
        r["rt"] = statistics.median(rts) if rts else None
        if "sdinit" in self.kind or self.kind == "systemd":
            r["own"] = self.own_boot()
        try:
            with open(self.stamp) as f:
                r["exec"] = self.t_done_real - float(f.read())
        except (OSError, ValueError, AttributeError):
            r["exec"] = None
        # The services' comm: the helper's (15 characters), under s6 its #! script's name.
        live = len(descendants_named(self.pid1, ("manager-notify-", "run")))
        r["live"] = live
        if live < self.n:
            self.problems.append(f"only {live}/{self.n} service processes at all-active")
        if self.args.show and ("sdinit" in self.kind or self.kind == "systemd"):
            self.show_cost()
        # Stop.
        sig = signal.SIGRTMIN + 3 if self.kind == "systemd" else signal.SIGTERM
        t1 = time.monotonic()
        cpu_last = r["cpu_boot"]
        sup_cpu = {p: cpu_s(p) or 0 for p in sup}
        os.kill(self.pid1, sig)
        while self.p.proc.poll() is None:
            if time.monotonic() - t1 > self.args.timeout:
                self.problems.append(f"still running {self.args.timeout:.0f} s after {signal.Signals(sig).name}")
                return
            c = cpu_s(self.pid1)
            if c is not None:
                for p in list(sup_cpu):
                    v = cpu_s(p)
                    if v is not None:
                        sup_cpu[p] = v
                cpu_last = c + sum(sup_cpu.values())
            time.sleep(0.02)
        r["stop"] = time.monotonic() - t1
        r["cpu_stop"] = cpu_last - r["cpu_boot"]
        r["rc"] = self.p.proc.returncode


# ---- the table ------------------------------------------------------------------------------------

def med(rs, key):
    v = [r[key] for r in rs if r.get(key) is not None]
    return statistics.median(v) if v else None


def fmt(v, spec=".2f"):
    return "-" if v is None else format(v, spec)


def ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--sdinit", default=os.path.join(REPO, "build", "init", "sdinit"))
    ap.add_argument("--notify-helper", help="manager-notify-child (default: built next to --sdinit, else cc)")
    ap.add_argument("--sizes", default="100,1000,5000")
    ap.add_argument("--quick", action="store_true", help="N = 100 and 1,000 only")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--inits", default=",".join(INITS), help="comma-separated subset of " + ",".join(INITS))
    ap.add_argument("--timeout", type=float, default=300, help="seconds before a boot or a stop counts as hung")
    ap.add_argument("--no-client", action="store_true", help="no client round trips during the boot")
    ap.add_argument("--sdinit-b", metavar="PATH", help="a second sdinit (another commit's build): adds the rows "
                    "b:sdinit-plain and b:sdinit, for before/after comparisons in the same run")
    ap.add_argument("--perf", metavar="DIR", help="record each sdinit PID 1 with `perf record -g` into DIR")
    ap.add_argument("--show", type=int, default=0, metavar="K",
                    help="after the boot, K full `systemctl show UNIT` calls: PID 1 CPU (ms) per call (show_ms)")
    ap.add_argument("--show-strace", metavar="DIR", help="with --show: `strace -c` of PID 1 during the calls, into DIR")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    a.sdinit = os.path.abspath(a.sdinit)
    sizes = [100, 1000] if a.quick else [int(s) for s in a.sizes.split(",")]
    inits = [i for i in a.inits.split(",") if i]
    if a.sdinit_b:
        a.sdinit_b = os.path.abspath(a.sdinit_b)
        inits += [f"b:{k}" for k in inits if "sdinit" in k]
    if a.perf:
        os.makedirs(a.perf, exist_ok=True)
    if a.show_strace:
        os.makedirs(a.show_strace, exist_ok=True)
    # A SIGTERM to the bench still removes its cgroups and directories (the finally clauses).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if os.geteuid() != 0:
        print("manager-compare: needs root (user namespaces with subordinate ids, cgroups)")
        return 77
    t_start = time.monotonic()
    skipped = {}
    for k, binary in (("systemd", oraclelib.SYSTEMD), ("s6", "s6-svscan"), ("supervisord", "supervisord")):
        if k in inits and not shutil.which(binary):
            skipped[k] = "not installed"
    try:
        cg2 = oraclelib.preflight()
    except oraclelib.Unavailable as e:
        cg2 = None
        for k in inits:
            if k != "sdinit-plain":
                skipped.setdefault(k, f"no delegated cgroup: {e}")
    inits = [k for k in inits if k not in skipped]
    workdir = os.path.join("/var/tmp", f"sdinit-mcompare-{os.getpid()}")
    os.makedirs(workdir)
    os.chmod(workdir, 0o755)
    crashed = False
    try:
        helper, _, how = mb.find_notify(a.notify_helper, a.sdinit, workdir)
        helper = helper.split()[0]
        if not os.path.basename(helper).startswith("manager-notify"):
            sys.exit("manager-compare: needs bench/manager-notify-child (meson compile, or cc)")
        commit = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"], capture_output=True,
                                text=True).stdout.strip()
        cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
        print(f"# {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC, commit {commit}, {os.cpu_count()} CPUs ({cpu}), "
              f"load {os.getloadavg()[0]:.1f}, kernel {os.uname().release}")
        print(f"# sdinit {a.sdinit}; services: {helper} (simple, notify; s6: fd3); {a.rounds} rounds, interleaved")
        for k, why in skipped.items():
            print(f"# {k}: skipped: {why}")
        results = {}
        for n in sizes:
            d = {"units": os.path.join(workdir, f"units-{n}")}
            names, n_notify, n_chain = write_units(d["units"], n, helper)
            if "s6" in inits:
                d["s6"] = os.path.join(workdir, f"s6-{n}")
                write_s6(d["s6"], names, helper)
            if "supervisord" in inits:
                d["logs"] = os.path.join(workdir, f"logs-{n}")
                os.makedirs(d["logs"])
                os.chmod(d["logs"], 0o777)
                d["supervisord"] = write_supervisord(os.path.join(workdir, f"sv-{n}"), names, helper, d["logs"])
            print(f"# N={n}: {n_chain} in chains of {mb.CHAIN_LEN}, {n - n_chain} in fan-outs; "
                  f"{n - n_notify} simple, {n_notify} notify", flush=True)
            for rnd in range(a.rounds):
                order = inits[rnd % len(inits):] + inits[:rnd % len(inits)]
                for k in order:
                    if k == "s6":  # s6-supervise leaves supervise/ behind: a fresh tree each boot
                        shutil.rmtree(d["s6"])
                        write_s6(d["s6"], names, helper)
                    b = Boot(k, n, names, d, cg2, workdir, f"mc{os.getpid()}-{k}-{n}-{rnd}", a)
                    r = b.run()
                    results.setdefault((k, n), []).append(r)
                    if b.problems:
                        crashed = True
                        print(f"!! {k} N={n} round {rnd + 1}: " + "; ".join(b.problems), flush=True)
                    if a.verbose or b.problems:
                        print(f"   {k:12} N={n:5} round {rnd + 1}: boot {fmt(r.get('boot'), '.3f')} s, "
                              f"exec {fmt(r.get('exec'), '.3f')} s, "
                              f"own {fmt(r.get('own'), '.3f')} s, "
                              f"stop {fmt(r.get('stop'), '.3f')} s, cpu {fmt(r.get('cpu_boot'))}+{fmt(r.get('cpu_stop'))} s, "
                              f"HWM {r.get('hwm')} kB, rt {fmt(r.get('rt'), '.3f')} s, live {r.get('live')}, "
                              f"show {fmt(r.get('show_ms'))} ms, same unit {fmt(r.get('show_same_ms'))} ms", flush=True)
        report(results, inits, sizes)
        print(f"\n# run time {time.monotonic() - t_start:.0f} s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if crashed:
        print("some boots or stops did not complete (see the !! lines)")
    return 1 if crashed else 0


def report(results, inits, sizes):
    print()
    hdr = (f"{'init':14} {'N':>5} {'boot s':>7} {'(min-max)':>13} {'ms/unit':>7} {'rt ms':>6} {'stop s':>7} "
           f"{'ms/unit':>7} {'CPU s':>6} {'ms/unit':>7} {'stopCPU':>7} {'ms/unit':>7} {'HWM kB':>7} {'kB/unit':>7}")
    print(hdr)
    print("-" * len(hdr))
    M = {}
    for k in inits:
        for n in sizes:
            rs = results.get((k, n), [])
            m = {key: med(rs, key) for key in ("boot", "stop", "cpu_boot", "cpu_stop", "hwm", "rt")}
            M[(k, n)] = m
            boots = [r["boot"] for r in rs if r.get("boot") is not None]
            rng = f"{min(boots):.2f}-{max(boots):.2f}" if boots else "-"
            pu = (lambda v, s=1000.0: None if v is None else v * s / n)
            print(f"{k:14} {n:>5} {fmt(m['boot'], '.3f'):>7} {rng:>13} {fmt(pu(m['boot']), '.3f'):>7} "
                  f"{fmt(pu(m['rt'], n * 1000.0), '.1f'):>6} {fmt(m['stop'], '.3f'):>7} {fmt(pu(m['stop']), '.3f'):>7} "
                  f"{fmt(m['cpu_boot']):>6} {fmt(pu(m['cpu_boot']), '.3f'):>7} {fmt(m['cpu_stop']):>7} "
                  f"{fmt(pu(m['cpu_stop']), '.3f'):>7} {fmt(m['hwm'], '.0f'):>7} {fmt(pu(m['hwm'], 1.0), '.1f'):>7}")
    execs = [(k, n, med(results.get((k, n), []), "exec")) for k in inits for n in sizes]
    if any(v is not None for _, _, v in execs):
        print("\nBoot from PID 1's exec (exec: the container's set-up before it, the same for every init, left\n"
              "out), median of the rounds, s, and the ratio to systemd's:")
        for k, n, v in execs:
            sd = med(results.get(("systemd", n), []), "exec")
            print(f"  {k:14} N={n:5} {fmt(v, '.3f')}  {fmt(ratio(v, sd))}x")
    owns = [(k, n, med(results.get((k, n), []), "own")) for k in inits for n in sizes]
    if any(v is not None for _, _, v in owns):
        print("\nEach init's own account of its boot (FinishTimestamp - UserspaceTimestamp, the userspace part of\n"
              "`systemd-analyze time`: without the container's set-up before PID 1's exec, which `boot` includes),\n"
              "median of the rounds, s, and the ratio to systemd's:")
        for k, n, v in owns:
            sd = med(results.get(("systemd", n), []), "own")
            print(f"  {k:14} N={n:5} {fmt(v, '.3f')}  {fmt(ratio(v, sd))}x")
    shows = [(k, n, med(results.get((k, n), []), "show_ms"), med(results.get((k, n), []), "show_same_ms"))
             for k in inits for n in sizes]
    if any(v is not None for _, _, v, _ in shows):
        print("\nPID 1 CPU per full `systemctl show UNIT` after the boot (--show), ms, median of the rounds:\n"
              "K different units (first call each), and K calls on one unit:")
        for k, n, v, same in shows:
            print(f"  {k:14} N={n:5} different {fmt(v, '.2f')}  same {fmt(same, '.2f')}")
    print("\nboot: to all active; rt: client round trip during the boot; stop: signal -> all gone; CPU: PID 1's\n"
          "until all active (s6: with its s6-supervise), stopCPU: while stopping (sampled); HWM: PID 1's VmHWM\n"
          "(s6: + supervise Pss); per unit: value / N. Medians of the rounds; (min-max) of boot.")
    lo, hi = min(sizes), max(sizes)
    if lo != hi:
        print(f"\nper-unit at N={hi} / per-unit at N={lo} (issue 13: CPU and stop within 1.5x, both cgroup modes):")
        for k in inits:
            a, b = M[(k, hi)], M[(k, lo)]
            cells = []
            for key, label in (("cpu_boot", "CPU"), ("stop", "stop"), ("cpu_stop", "stopCPU"), ("boot", "boot")):
                q = ratio(None if a[key] is None else a[key] / hi, None if b[key] is None else b[key] / lo)
                cells.append(f"{label} {fmt(q)}x")
            print(f"  {k:14} " + ", ".join(cells))
    mine = [k for k in inits if "sdinit" in k]
    for me in mine:
        peers = [k for k in inits if "sdinit" not in k]
        if not peers:
            continue
        print(f"\n{me} / peer, same run (boot, stop, CPU, HWM):")
        for n in sizes:
            for p in peers:
                a, b = M[(me, n)], M[(p, n)]
                print(f"  N={n:5} vs {p:12} boot {fmt(ratio(a['boot'], b['boot']))}  stop {fmt(ratio(a['stop'], b['stop']))}"
                      f"  CPU {fmt(ratio(a['cpu_boot'], b['cpu_boot']))}  HWM {fmt(ratio(a['hwm'], b['hwm']))}")
    print("\nissue 13 targets:")
    for me in mine:
        if "systemd" in inits:
            for n in (100, 1000):
                if n in sizes:
                    a, b = M[(me, n)], M[("systemd", n)]
                    rb, rh = ratio(a["boot"], b["boot"]), ratio(a["hwm"], b["hwm"])
                    re_ = ratio(med(results.get((me, n), []), "exec"), med(results.get(("systemd", n), []), "exec"))
                    print(f"  {me} N={n}: boot {fmt(rb)}x systemd's (<= 0.5: {'met' if rb is not None and rb <= 0.5 else 'NOT met'}; "
                          f"from PID 1's exec {fmt(re_)}x), "
                          f"HWM {fmt(rh)}x (<= 0.4: {'met' if rh is not None and rh <= 0.4 else 'NOT met'})")
        if 5000 in sizes:
            s = M[(me, 5000)]["stop"]
            print(f"  {me} N=5000: stop {fmt(s)} s (< 30 s: {'met' if s is not None and s < 30 else 'NOT met'})")
        if lo != hi:
            for key, label in (("cpu_boot", "CPU"), ("stop", "stop")):
                a, b = M[(me, hi)][key], M[(me, lo)][key]
                q = ratio(None if a is None else a / hi, None if b is None else b / lo)
                print(f"  {me} per-unit {label} N={hi} / N={lo}: {fmt(q)}x (<= 1.5: "
                      f"{'met' if q is not None and q <= 1.5 else 'NOT met'})")


if __name__ == "__main__":
    sys.exit(main())
