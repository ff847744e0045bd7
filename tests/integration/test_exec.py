#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The execution environment of services (issue 4, "Execution", "Policies", "Logs"): what a
process started by sdinit as PID 1 sees (fds, stdio, umask, nice, limits, directories,
capabilities, environment, exec prefixes), the restart and kill policies, and the log relay
(JSON, long lines, volume, back-pressure, --show-status=no).

Services report what they observe on their output (or on a FIFO the test reads when the
test must not read PID 1's stdout); nothing here sleeps to synchronise."""
import contextlib
import fcntl
import grp
import json
import os
import re
import select
import signal
import subprocess
import sys
import termios
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bootlib  # noqa: E402
from bootlib import Boot  # noqa: E402
from harness import DEADLINE, HELPERS, PY, SDINIT, Pid1, Skip, Tap, mappings  # noqa: E402

TARGET = "[Unit]\nDescription=Test boot\nRequires=basic.target\nAfter=basic.target\nWants={wants}\n"


def target(*wants):
    return TARGET.format(wants=" ".join(wants))


def need_unpriv():
    if "unpriv" not in mappings():
        raise Skip("needs the unprivileged mapping (uids 0-65535 mapped): run scripts/deps.sh")


@contextlib.contextmanager
def boot(units, tmpfs=(), stdin=None, **kw):
    """Boot() with two additions the plain harness lacks: fresh tmpfs mounts (so that
    StateDirectory= & co. create nothing on the host), made by a helper that then execs sdinit
    as PID 1, and PID 1's stdin a pipe holding `stdin` (to tell StandardInput=null from
    inheriting PID 1's stdin)."""
    old_sdinit, old_pid1 = bootlib.SDINIT, bootlib.Pid1
    args = list(kw.pop("args", ()))
    try:
        if tmpfs:
            bootlib.SDINIT = PY
            args = [os.path.join(HELPERS, "exec_mounts.py")] + list(tmpfs) + ["--", SDINIT] + args
        if stdin is not None:
            bootlib.Pid1 = lambda argv, **k: Pid1(argv, stdin=subprocess.PIPE, **k)
        b = Boot(units, args=args, **kw)
    finally:
        bootlib.SDINIT, bootlib.Pid1 = old_sdinit, old_pid1
    try:
        if stdin is not None:
            b.p.proc.stdin.write(stdin.encode())
            b.p.proc.stdin.flush()   # kept open: a reader of PID 1's stdin would block, not see EOF
        with b:
            yield b
    finally:
        if b.p.proc.stdin:
            b.p.proc.stdin.close()


# A script printing the variables it is given: "TAG A=1 B=unset".
SHOW = 'tag=$1; shift; out="$tag"; for v in "$@"; do eval "x=\\${$v-unset}"; out="$out $v=$x"; done; echo "$out"\n'

# run.sh NAME ACTION...: counts its runs in NAME.n; run N does the Nth ACTION (the last repeats):
# exit:K, kill:SIG (itself), sleep.
RUN = r'''d=$(dirname "$0"); name=$1; shift
n=$(( $(cat "$d/$name.n" 2>/dev/null || echo 0) + 1 ))
echo $n > "$d/$name.n"
echo "$name run $n"
i=1
for a in "$@"; do act=$a; [ $i -eq $n ] && break; i=$((i + 1)); done
case $act in
  exit:*) exit "${act#exit:}" ;;
  kill:*) kill -"${act#kill:}" $$ ;;
  sleep) exec sleep 1000 ;;
esac
'''

# check.sh FILE...: each FILE holds a pid; "FILE alive" or "FILE dead" (a zombie is dead).
CHECK = r'''d=$(dirname "$0")
for f in "$@"; do
  st=$(cut -d' ' -f3 "/proc/$(cat "$d/$f")/stat" 2>/dev/null)
  case $st in ""|Z|X) echo "$f dead" ;; *) echo "$f alive" ;; esac
done
'''


def lines_of(b, unit):
    """The messages relayed for `unit` (plain format), in order."""
    p = unit + ": "
    return [l[len(p):] for l in b.lines if l.startswith(p)]


# ---- 1. file descriptors ----------------------------------------------------------------------

def test_only_fds_012(tap):
    units = {
        "default.target": target("fds.service", "pfds.service"),
        # ls opens /proc/self/fd itself (the one fd allowed beyond 0-2: its own directory).
        "fds.service": "[Service]\nType=oneshot\nExecStartPre=/bin/ls -l /proc/self/fd\nExecStart=/bin/echo pre-end\n"
                       "ExecStart=/bin/ls -l /proc/self/fd\nExecStart=/bin/echo main-end\n",
        "pfds.service": f"[Service]\nExecStart={PY} -c \"import os;print('python fds', sorted(int(f) for f in os.listdir('/proc/self/fd')), flush=True)\"\n",
    }
    with boot(units) as b:
        b.expect(r"fds.service: main-end")
        b.expect(r"pfds.service: python fds")
        out = lines_of(b, "fds.service")
        for part, end in (("ExecStartPre=", "pre-end"), ("ExecStart=", "main-end")):
            chunk = out[:out.index(end)]
            out = out[out.index(end) + 1:]
            fds = {}
            for l in chunk:
                m = re.search(r" (\d+) -> (.*)$", l)
                if m:
                    fds[int(m.group(1))] = m.group(2)
            extra = {k: v for k, v in fds.items() if k > 2 and not re.match(r"/proc/\d+/fd$", v)}
            tap.ok(set(fds) >= {0, 1, 2} and not extra, f"{part}: only fds 0, 1, 2 reach the process", f"fds: {fds}")
        m = b.expect(r"pfds.service: python fds \[(.*)\]")
        # listdir's own directory fd is the 4th; anything else leaked from PID 1.
        tap.eq(m.group(1), "0, 1, 2, 3", "a long-running service: 0-2 (+ listdir's own fd) only")
        tap.eq(b.stop(), 0, "stop")


# ---- 2. standard input/output ---------------------------------------------------------------

def test_standard_output(tap):
    units = {
        "default.target": target("nul.service", "errnul.service", "f.service", "app.service", "trunc.service",
                                  "errf.service", "stdin.service", "inh.service", "nofile.service", "last.service"),
        "nul.service": "[Service]\nType=oneshot\nStandardOutput=null\n"
                       "ExecStart=/bin/sh -c 'echo nul-out; echo nul-err >&2; touch @STATE@/nul.ran'\n",
        "errnul.service": "[Service]\nType=oneshot\nStandardError=null\nExecStart=/bin/sh -c 'echo errnul-out; echo errnul-err >&2'\n",
        # file: opens without truncating: "new" overwrites the start of what was there.
        "f.service": "[Service]\nType=oneshot\nStandardOutput=file:@STATE@/f.out\nExecStart=/bin/sh -c 'echo new; echo e >&2'\n",
        # append:, across two runs (two ExecStart= processes, each opening the file).
        "app.service": "[Service]\nType=oneshot\nStandardOutput=append:@STATE@/app.out\n"
                       "ExecStart=/bin/echo run1\nExecStart=/bin/echo run2\n",
        "trunc.service": "[Service]\nType=oneshot\nStandardOutput=truncate:@STATE@/trunc.out\nExecStart=/bin/echo short\n",
        "errf.service": "[Service]\nType=oneshot\nStandardError=file:@STATE@/err.out\n"
                        "ExecStart=/bin/sh -c 'echo errf-out; echo errf-err >&2'\n",
        # StandardInput=null (the default, and explicitly): EOF at once, even though PID 1's own
        # stdin is a pipe with a line waiting in it.
        "stdin.service": "[Service]\nType=oneshot\nStandardInput=null\n"
                         "ExecStart=/bin/sh -c 'if read x; then echo \"stdin gave $x\"; else echo stdin-eof; fi; readlink /proc/self/fd/0'\n",
        # systemd: StandardOutput=inherit duplicates standard input, here /dev/null.
        "inh.service": "[Service]\nType=oneshot\nStandardOutput=inherit\nExecStart=/bin/sh -c 'echo inherit-out; echo inherit-err >&2; x=$$(readlink /proc/$$$$/fd/1); echo $$x > @STATE@/inh.fd1'\n",
        # A file: that cannot be opened: 209/STDOUT, with systemd's words and the file's name.
        "nofile.service": "[Service]\nType=oneshot\nStandardOutput=file:@STATE@/no-such-dir/x.out\nExecStart=/bin/true\n",
        "last.service": "[Unit]\nAfter=nul.service errnul.service f.service app.service trunc.service errf.service stdin.service inh.service nofile.service\n"
                        "[Service]\nType=oneshot\nExecStart=/bin/echo all-done\n",
    }
    files = {"f.out": "0123456789\n", "app.out": "before\n", "trunc.out": "a much longer old content\n"}
    with boot(units, files=files, stdin="pid1-stdin-line\n") as b:
        b.expect("last.service: all-done")
        tap.eq(b.stop(), 0, "stop")
        t = b.text()
        rd = lambda n: open(os.path.join(b.state, n)).read()  # noqa: E731
        tap.ok(os.path.exists(os.path.join(b.state, "nul.ran")) and b.index("^nul.service: ") < 0 and b.index(r"\bnul-(out|err)") < 0,
               "StandardOutput=null: stdout and (inheriting it) stderr discarded", t)
        tap.ok("errnul.service: errnul-out" in t and "errnul-err" not in t, "StandardError=null: only stderr discarded", t)
        tap.eq(rd("f.out"), "new\ne\n6789\n", "StandardOutput=file: written from the start, not truncated; stderr follows it")
        tap.eq(rd("app.out"), "before\nrun1\nrun2\n", "StandardOutput=append: appends (two processes)")
        tap.eq(rd("trunc.out"), "short\n", "StandardOutput=truncate: truncated first")
        tap.ok("errf.service: errf-out" in t and "errf-err" not in t, "StandardError=file: stdout still relayed", t)
        tap.eq(rd("err.out"), "errf-err\n", "StandardError=file: stderr in the file")
        tap.eq(lines_of(b, "stdin.service"), ["stdin-eof", "/dev/null"], "StandardInput=null: /dev/null, not PID 1's stdin")
        tap.ok("inherit-out" not in t and "inherit-err" not in t and rd("inh.fd1") == "/dev/null\n",
               "StandardOutput=inherit with StandardInput=null: /dev/null as under systemd (a duplicate of stdin), "
               "not PID 1's stdout; stderr follows", t + "\nfd 1: " + rd("inh.fd1"))
        tap.ok(re.search(r"nofile.service: Failed to set up standard output: No such file or directory \(\S*/no-such-dir/x.out\)", t)
               and re.search(r"nofile.service: .*status=209/STDOUT", t), "an unopenable StandardOutput=file: fails with 209/STDOUT, "
               "systemd's message and the file's name", t)


# ---- 2b. terminals: StandardInput=tty*, TTYPath=, TTYReset=, TTYVHangup= ----------------------

TIOCGSID = getattr(termios, "TIOCGSID", 0x5429)

# The service's view of its terminal, as one line on its stdout (the terminal, if all is well).
# Then, with "hold", it keeps running (and its session keeps the terminal); with "quit" it exits;
# else one line typed on the terminal is written to a file and answered (upper-cased, so that the
# terminal's echo of what was typed never matches), and the terminal is left in a mess (no echo,
# ^A as interrupt) for TTYReset= to clean up after the unit.
TTY_PROBE = r"""
import json, os, signal, sys, termios
tag, d = sys.argv[1], os.path.dirname(os.path.abspath(__file__))
f = open("/proc/self/stat").read().rsplit(")", 1)[1].split()   # state ppid pgrp session tty_nr tpgid
try:
    os.close(os.open("/dev/tty", os.O_RDWR))
    devtty = True
except OSError:
    devtty = False
a = termios.tcgetattr(0)
info = {"pid": os.getpid(), "stdin": os.ttyname(0), "stdout": os.ttyname(1), "stderr": os.ttyname(2),
        "leader": os.getsid(0) == os.getpid(), "ctty": int(f[4]) == os.fstat(0).st_rdev and devtty,
        "foreground": os.tcgetpgrp(0) == os.getpgrp(), "term": os.environ.get("TERM"),
        "echo": bool(a[3] & termios.ECHO), "icanon": bool(a[3] & termios.ICANON), "vintr": a[6][termios.VINTR][0],
        "owner": os.fstat(0).st_uid, "mode": oct(os.fstat(0).st_mode & 0o7777)}
print(tag, "probe", json.dumps(info, sort_keys=True), flush=True)
if "hold" in sys.argv:
    signal.pause()   # keeps the terminal (its session's) until the unit is stopped
elif "quit" not in sys.argv:
    line = sys.stdin.readline()
    open(os.path.join(d, tag + ".typed"), "w").write(line)
    print(tag, "got", line.strip().upper(), flush=True)
    a[3] &= ~termios.ECHO
    a[6][termios.VINTR] = b"\x01"
    termios.tcsetattr(0, termios.TCSANOW, a)
"""

# Holds a terminal as the controlling terminal of its own session (run with start_new_session):
# a session leader without one that opens a terminal without O_NOCTTY acquires it. Then waits
# for SIGHUP (a hangup of the terminal) and reports whether its descriptor was hung up too.
TTY_HOLDER = r"""
import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
fd = os.open(sys.argv[1], os.O_RDWR)
print("held", flush=True)
if signal.sigtimedwait({signal.SIGHUP}, float(sys.argv[2])):
    try:
        hung = os.read(fd, 1) == b""
    except OSError:
        hung = True
    print("got SIGHUP", "fd hung up" if hung else "fd alive", flush=True)
else:
    print("no SIGHUP", flush=True)
"""


class Pty:
    """A pty pair; the test keeps the slave open (so the master never reads EIO) and reads the
    master the way a terminal emulator would."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        self.path = os.ttyname(self.slave)
        self.buf = b""

    def expect(self, pattern, timeout=DEADLINE):
        """Waits for a regex (bytes) in what the master reads; returns the match."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            m = rx.search(self.buf)
            if m:
                self.seen, self.buf = self.buf[:m.end()], self.buf[m.end():]
                return m
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{pattern!r} not seen on {self.path}; got {self.buf[-500:]!r}")
            if select.select([self.master], [], [], left)[0]:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError as e:
                    raise EOFError(f"{self.path}: {e}; got {self.buf[-500:]!r}")
                self.buf += chunk

    def probe(self, tag):
        m = self.expect(rb"%s probe (\{[^\r\n]*\})\r?\n" % tag.encode())
        return json.loads(m.group(1))

    def session(self):
        """The session (host pid) whose controlling terminal this is, or None."""
        try:
            return int.from_bytes(fcntl.ioctl(self.master, TIOCGSID, b"\0\0\0\0"), sys.byteorder)
        except OSError:
            return None

    def close(self):
        os.close(self.master)
        os.close(self.slave)


class Holder:
    """Another session that has the pty as its controlling terminal."""

    def __init__(self, pty):
        self.proc = subprocess.Popen([PY, "-c", TTY_HOLDER, pty.path, str(DEADLINE)], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, start_new_session=True)
        line = self.proc.stdout.readline()
        if line != b"held\n" or pty.session() != self.proc.pid:
            raise RuntimeError(f"holder: {line!r}, session of {pty.path}: {pty.session()} (holder {self.proc.pid})")

    def result(self):
        """Its last line (after a SIGHUP, or after DEADLINE without one)."""
        out = self.proc.communicate(timeout=DEADLINE * 2)[0].decode()
        return out.strip().splitlines()[-1]

    def release(self):
        self.proc.kill()
        self.proc.wait()

    def close(self):
        if self.proc.poll() is None:
            self.release()
        self.proc.stdout.close()


def nspid(host_pid):
    """The pid a host process has in its innermost pid namespace."""
    try:
        return int([l for l in open(f"/proc/{host_pid}/status") if l.startswith("NSpid:")][0].split()[-1])
    except (OSError, IndexError, TypeError):
        return None


def tty_waiter(b):
    """The child of PID 1 that sleeps, before exec, on an inotify watch (waiting for a terminal to be
    closed): polled with a deadline, as harness.host_pid() waits for a fork."""
    hp = b.p.host_pid()
    exe = os.readlink(f"/proc/{hp}/exe")
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        kids = []
        for tid in os.listdir(f"/proc/{hp}/task"):
            kids += open(f"/proc/{hp}/task/{tid}/children").read().split()
        for k in kids:
            try:
                if os.readlink(f"/proc/{k}/exe") != exe:
                    continue   # exec'd already: a service, not a child still setting up
                state = open(f"/proc/{k}/stat").read().rsplit(")", 1)[1].split()[0]
                fds = [os.readlink(f"/proc/{k}/fd/{fd}") for fd in os.listdir(f"/proc/{k}/fd")]
                if state == "S" and "anon_inode:inotify" in fds:
                    return int(k)
            except OSError:
                continue
        time.sleep(0.01)
    raise TimeoutError("no child of PID 1 waits for its terminal")


def tty_unit(tag, pty, settings, *args, type_="simple"):
    return (f"[Service]\nType={type_}\nTTYPath={pty.path}\n{settings}\n"
            f"ExecStart={PY} @STATE@/probe.py {tag} {' '.join(args)}\n")


def test_tty_input(tap):
    """As a rootless container runs it (user namespace): tty, tty-fail and TTYReset=."""
    free, held = Pty(), Pty()
    holder = None
    try:
        # A terminal left in a mess by its previous user: TTYReset= must clean it up.
        a = termios.tcgetattr(free.slave)
        a[3] &= ~(termios.ECHO | termios.ICANON)
        a[6][termios.VINTR] = b"\x01"
        termios.tcsetattr(free.slave, termios.TCSANOW, a)
        holder = Holder(held)
        units = {
            "default.target": target("tty.service", "fail.service", "force.service", "wait.service"),
            "tty.service": tty_unit("tty", free, "StandardInput=tty\nTTYReset=yes\nTTYVTDisallocate=yes", type_="oneshot"),
            "fail.service": tty_unit("fail", held, "StandardInput=tty-fail", "hold"),
            # Stealing needs CAP_SYS_ADMIN in the initial user namespace: in a user namespace
            # tty-force fails like tty-fail, under systemd too (test_tty_real_root steals).
            "force.service": tty_unit("force", held, "StandardInput=tty-force", "hold"),
            "wait.service": tty_unit("wait", held, "StandardInput=tty", "hold"),
        }
        with boot(units, files={"probe.py": TTY_PROBE}) as b:
            p = free.probe("tty")
            tap.ok(free.seen.startswith(b"\x1b[r\x1b[H\x1b[3J"),
                   "TTYVTDisallocate= on a terminal that is no VT: cleared (scrollback too) before the service", free.seen[:40])
            tap.eq((p["stdin"], p["stdout"], p["stderr"]), (free.path,) * 3,
                   "StandardInput=tty: stdin is TTYPath=; stdout and stderr (unset: inherit) too")
            tap.ok(p["leader"] and p["ctty"] and p["foreground"],
                   "the service leads its session, the terminal is its controlling terminal, it is in the foreground", p)
            tap.eq(free.session() and nspid(free.session()), p["pid"], "the terminal's session is the service's")
            tap.eq(p["term"], "vt220", "TERM=vt220 for a terminal that is no VT (as systemd sets it)")
            tap.eq((p["echo"], p["icanon"], p["vintr"]), (True, True, 3),
                   "TTYReset=yes: echo, canonical mode, ^C back before the service runs")
            os.write(free.master, b"typed-on-master\n")
            free.expect(rb"tty got TYPED-ON-MASTER\r?\n")
            b.expect(r"Finished tty.service")
            tap.eq(open(os.path.join(b.state, "tty.typed")).read(), "typed-on-master\n",
                   "input typed on the terminal reaches the service; its output reaches the terminal")
            a = termios.tcgetattr(free.slave)
            tap.ok(a[3] & termios.ECHO and a[6][termios.VINTR] == b"\x03",
                   "TTYReset=yes: the terminal is reset again once the unit has stopped", a)
            tap.ok(b.index(r"^tty.service: tty (probe|got)") < 0, "nothing of the service's output went to the log", b.text())

            b.expect(r"fail.service: Main process( \d+)? exited, code=exited, status=208/STDIN")
            b.expect(r"fail.service: Failed to set up standard input: Operation not permitted")
            tap.ok(True, "tty-fail on a terminal another session controls: exit status 208/STDIN, with the reason")
            b.expect(r"force.service: Main process( \d+)? exited, code=exited, status=208/STDIN")
            tap.ok(True, "tty-force without CAP_SYS_ADMIN in the initial user namespace cannot steal: 208/STDIN")
            try:
                pid = tty_waiter(b)
                waited = held.session() == holder.proc.pid and b"wait probe" not in held.buf
                tap.ok(waited, "StandardInput=tty on a terminal another session controls: the process waits "
                               "(not started, not failed, the other session keeps it)", f"waiter {pid}, session {held.session()}")
            except TimeoutError as e:
                tap.ok(False, "StandardInput=tty waits for a terminal another session controls", f"{e}\n{b.text()}")
            holder.release()
            p = held.probe("wait")
            tap.ok(p["leader"] and p["ctty"] and p["stdin"] == held.path and nspid(held.session()) == p["pid"],
                   "... and acquires it once that session has closed it", p)
            tap.ok(b.index("wait.service: .*status=208") < 0, "... without failing", b.text())
            tap.eq(b.stop(), 0, "stop")
    finally:
        if holder:
            holder.close()
        free.close()
        held.close()


def test_tty_user(tap):
    """User=: the service owns its terminal while it runs; root:tty 0620 again after the unit."""
    need_unpriv()
    t = Pty()
    try:
        # The terminal belongs to the container's root:tty (host 100000:100005), as a container's own
        # devpts would have it; 0600 to see the mode change.
        os.chown(t.path, 100000, 100005)
        os.chmod(t.path, 0o600)
        units = {"default.target": target("u.service"),
                 "u.service": tty_unit("u", t, "StandardInput=tty\nUser=daemon", "quit", type_="oneshot")}
        with boot(units, mapping="unpriv", files={"probe.py": TTY_PROBE}) as b:
            p = t.probe("u")
            tap.ok(p["ctty"] and p["leader"], "User=daemon: the service has its terminal", p)
            tap.eq((p["owner"], p["mode"]), (1, "0o620"), "User=daemon: the terminal is chowned to the user, mode 0620")
            b.expect(r"Finished u.service")
            st = os.stat(t.path)
            tap.eq((st.st_uid, st.st_gid, oct(st.st_mode & 0o7777)), (100000, 100005, "0o620"),
                   "after the unit: back to root:tty 0620 (the container's ids)")
            tap.eq(b.stop(), 0, "stop")
            tap.ok(b.index("failed to reset TTY") < 0, "no warning", b.text())
    finally:
        t.close()


@contextlib.contextmanager
def real_root_boot(units, **kw):
    """boot() without a user namespace: container root is the host's root (a privileged container,
    `docker run --privileged`), still a real PID 1 in new PID and mount namespaces. Needed where the
    kernel asks for CAP_SYS_ADMIN in the initial user namespace: stealing a terminal (TIOCSCTTY 1)
    and hanging one up (TIOCVHANGUP). Host root can write anywhere, so what PID 1 writes goes to
    fresh tmpfs mounts of its own: /run, /etc/systemd/system, and /sys/fs/cgroup (which keeps the
    host's cgroup tree out of reach: sdinit runs degraded)."""
    def pid1(argv, mapping=None, net=False, run=False, **k):
        p = Pid1(["unshare", "--pid", "--fork", "--mount", "--mount-proc", "--kill-child"] + list(argv),
                 namespaces=False, **k)
        p.namespaces = True   # host_pid(): look for the descendant that is PID 1 of its namespace
        return p
    private = ["/run", "/sys/fs/cgroup"] + [d for d in ("/etc/systemd/system",) if os.path.isdir(d)]
    old = bootlib.Pid1
    bootlib.Pid1 = pid1
    try:
        with boot(units, tmpfs=private, **kw) as b:
            bootlib.Pid1 = old
            yield b
    finally:
        bootlib.Pid1 = old


def test_tty_real_root(tap):
    """tty-force steals a terminal; TTYVHangup= hangs it up (its other users lose it) first."""
    if os.geteuid() != 0:
        raise Skip("needs root (CAP_SYS_ADMIN in the initial user namespace)")
    c, d = Pty(), Pty()
    h_c = h_d = None
    try:
        h_c, h_d = Holder(c), Holder(d)
        units = {
            "default.target": target("steal.service", "hup.service"),
            "steal.service": tty_unit("steal", c, "StandardInput=tty-force", "hold"),
            # tty-fail succeeds only because the hangup took the terminal from the other session.
            "hup.service": tty_unit("hup", d, "StandardInput=tty-fail\nTTYVHangup=yes", "hold"),
        }
        with real_root_boot(units, files={"probe.py": TTY_PROBE}) as b:
            p = c.probe("steal")
            tap.ok(p["leader"] and p["ctty"] and p["foreground"] and p["stdin"] == c.path,
                   "tty-force: the service gets the terminal another session controlled", p)
            tap.ok(c.session() != h_c.proc.pid and nspid(c.session()) == p["pid"],
                   "tty-force: the other session lost it (stolen)", f"session {c.session()}, holder {h_c.proc.pid}")
            p = d.probe("hup")
            tap.ok(p["leader"] and p["ctty"] and p["stdin"] == d.path and nspid(d.session()) == p["pid"],
                   "TTYVHangup=yes: the terminal is free for tty-fail after the hangup", p)
            tap.eq(h_d.result(), "got SIGHUP fd hung up",
                   "TTYVHangup=yes: the session that had the terminal got SIGHUP, its descriptor is dead")
            tap.eq(b.stop(), 0, "stop")
            tap.ok(b.index(r"status=208") < 0, "no 208/STDIN", b.text())
    finally:
        for h in (h_c, h_d):
            if h:
                h.close()
        c.close()
        d.close()


# ---- 3. process settings --------------------------------------------------------------------

def test_process_settings(tap):
    # PID 1 and its services inherit this test's niceness (10 under `nice`), which a container's
    # root cannot lower: Nice= raises it by 7.
    base = os.nice(0)
    want = min(19, base + 7)
    units = {
        "default.target": target("p.service", "d.service", "opt.service"),
        "p.service": f"[Service]\nType=oneshot\nUMask=0027\nNice={want}\nLimitNOFILE=1234:2345\nWorkingDirectory=/tmp\n"
                     "ExecStart=/bin/sh -c 'echo umask=$(umask) nice=$(nice) nofile=$(ulimit -Sn):$(ulimit -Hn) pwd=$(pwd)'\n",
        "d.service": "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo umask=$(umask) nice=$(nice) pwd=$(pwd)'\n",
        # "-": a missing directory is not fatal; the service then runs in / (PID 1's cwd here is
        # the test's, which it must not inherit).
        "opt.service": "[Service]\nType=oneshot\nWorkingDirectory=-/no/such/dir\nExecStart=/bin/sh -c 'echo pwd=$(pwd)'\n",
    }
    with boot(units) as b:
        b.booted()
        tap.ok(b.index(rf"p.service: umask=0027 nice={want} nofile=1234:2345 pwd=/tmp$") >= 0,
               "UMask=, Nice=, LimitNOFILE=soft:hard, WorkingDirectory=", b.text())
        tap.ok(b.index(rf"d.service: umask=0022 nice={base} pwd=/$") >= 0, f"defaults: umask 0022, nice {base} (PID 1's), cwd /", b.text())
        tap.ok(b.index(r"opt.service: pwd=/$") >= 0, "WorkingDirectory=-/missing: runs anyway, in /", b.text())
        tap.eq(b.stop(), 0, "stop")


def test_user_directories(tap):
    need_unpriv()
    d = grp.getgrnam("daemon").gr_gid
    units = {
        "default.target": target("home.service", "dirs.service", "gone.service", "check-gone.service"),
        "home.service": "[Service]\nType=oneshot\nUser=daemon\nWorkingDirectory=~\nExecStart=/bin/sh -c 'echo pwd=$(pwd) home=$HOME'\n",
        "dirs.service": "[Service]\nType=oneshot\nRemainAfterExit=yes\nUser=daemon\n"
                        "RuntimeDirectory=exec-rt\nRuntimeDirectoryMode=0750\nStateDirectory=exec-st\n"
                        "CacheDirectory=exec-cache\nCacheDirectoryMode=0700\nLogsDirectory=exec-logs\nLogsDirectoryMode=0711\n"
                        "ExecStart=/bin/sh -c 'echo env $RUNTIME_DIRECTORY $STATE_DIRECTORY $CACHE_DIRECTORY $LOGS_DIRECTORY'\n"
                        "ExecStart=/bin/sh -c 'for x in /run/exec-rt /var/lib/exec-st /var/cache/exec-cache /var/log/exec-logs; "
                        "do echo stat $(stat -c \"%%a %%u:%%g %%n\" $x); done'\n"
                        "ExecStart=/bin/sh -c 'touch $STATE_DIRECTORY/w $RUNTIME_DIRECTORY/w && echo writable'\n",
        # RuntimeDirectory= goes when the unit stops (RuntimeDirectoryPreserve=no, the default).
        "gone.service": "[Service]\nType=oneshot\nRuntimeDirectory=exec-gone\nExecStart=/bin/sh -c 'test -d /run/exec-gone && echo gone-made'\n",
        "check-gone.service": "[Unit]\nAfter=gone.service\n[Service]\nType=oneshot\n"
                              "ExecStart=/bin/sh -c 'test -e /run/exec-gone && echo runtime-dir-left || echo runtime-dir-removed'\n",
    }
    with boot(units, mapping="unpriv", tmpfs=("/run", "/var/lib", "/var/cache", "/var/log")) as b:
        b.booted()
        t = b.text()
        tap.ok(b.index(r"home.service: pwd=/usr/sbin home=/usr/sbin$") >= 0, "WorkingDirectory=~ with User=: the user's home", t)
        tap.ok(b.index(r"dirs.service: env /run/exec-rt /var/lib/exec-st /var/cache/exec-cache /var/log/exec-logs$") >= 0,
               "RUNTIME_/STATE_/CACHE_/LOGS_DIRECTORY", t)
        got = [l for l in lines_of(b, "dirs.service") if l.startswith("stat ")]
        tap.eq(got, [f"stat 750 1:{d} /run/exec-rt", f"stat 755 1:{d} /var/lib/exec-st",
                     f"stat 700 1:{d} /var/cache/exec-cache", f"stat 711 1:{d} /var/log/exec-logs"],
               "the directories: their modes (0755 by default), owned by User=")
        tap.ok(b.index("dirs.service: writable") >= 0, "the service can write to them", t)
        tap.ok(b.index("gone.service: gone-made") >= 0, "RuntimeDirectory= made", t)
        tap.ok(b.index("check-gone.service: runtime-dir-removed") >= 0,
               "RuntimeDirectory= removed when its unit stops (RuntimeDirectoryPreserve=no)", t)
        tap.eq(b.stop(), 0, "stop")


# ---- 4. credentials and capabilities --------------------------------------------------------

def status_field(b, unit, field):
    for l in lines_of(b, unit):
        if l.startswith(field + ":"):
            return l.split(":", 1)[1].strip()
    return None


def test_capabilities(tap):
    units = {
        "default.target": target("bnd.service", "nnp.service", "plain.service"),
        # + runs with full privileges: the bounding set is not applied to it.
        "bnd.service": "[Service]\nType=oneshot\nCapabilityBoundingSet=CAP_CHOWN CAP_NET_BIND_SERVICE\n"
                       "ExecStartPre=+/bin/grep CapBnd /proc/self/status\nExecStart=/bin/grep -E '^Cap(Bnd|Eff)' /proc/self/status\n",
        "nnp.service": "[Service]\nType=oneshot\nNoNewPrivileges=yes\nExecStart=/bin/grep NoNewPrivs /proc/self/status\n",
        "plain.service": "[Service]\nType=oneshot\nExecStart=/bin/grep -E '^(NoNewPrivs|CapBnd)' /proc/self/status\n",
    }
    with boot(units) as b:
        b.booted()
        full = status_field(b, "plain.service", "CapBnd")   # PID 1's own bounding set
        tap.ok(full and full != "0000000000000401", "the unrestricted bounding set", full)
        bnd = [l for l in lines_of(b, "bnd.service")]
        tap.eq(bnd, [f"CapBnd:\t{full}", "CapEff:\t0000000000000401", "CapBnd:\t0000000000000401"],
               "CapabilityBoundingSet=: CapBnd (and root's CapEff) exactly CAP_CHOWN|CAP_NET_BIND_SERVICE; + is exempt")
        tap.eq(status_field(b, "nnp.service", "NoNewPrivs"), "1", "NoNewPrivileges=yes")
        tap.eq(status_field(b, "plain.service", "NoNewPrivs"), "0", "no NoNewPrivileges=: 0")
        tap.eq(b.stop(), 0, "stop")


def test_user_capabilities_groups(tap):
    need_unpriv()
    audio, video, dgid = grp.getgrnam("audio").gr_gid, grp.getgrnam("video").gr_gid, grp.getgrnam("daemon").gr_gid
    units = {
        "default.target": target("amb.service", "sup.service", "suproot.service"),
        "amb.service": "[Service]\nType=oneshot\nUser=daemon\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n"
                       "ExecStart=/bin/sh -c 'echo uid=$(id -u); grep -E \"^Cap(Amb|Eff)\" /proc/self/status'\n",
        "sup.service": "[Service]\nType=oneshot\nUser=daemon\nSupplementaryGroups=audio video\n"
                       "ExecStart=/bin/sh -c 'echo groups $(id -u) $(id -g) $(id -G | tr \" \" \"\\\\n\" | sort -n | tr \"\\\\n\" \" \")'\n",
        "suproot.service": "[Service]\nType=oneshot\nSupplementaryGroups=video\n"
                           "ExecStart=/bin/sh -c 'echo groups $(id -u) $(id -g) $(id -G | tr \" \" \"\\\\n\" | sort -n | tr \"\\\\n\" \" \")'\n",
    }
    with boot(units, mapping="unpriv") as b:
        b.booted()
        t = b.text()
        tap.ok(b.index("amb.service: uid=1$") >= 0, "User=daemon", t)
        tap.eq(status_field(b, "amb.service", "CapAmb"), "0000000000000400", "AmbientCapabilities= with User=: CapAmb")
        tap.eq(status_field(b, "amb.service", "CapEff"), "0000000000000400", "... and effective after exec as non-root")
        want = " ".join(str(g) for g in sorted({dgid, audio, video}))
        tap.ok(b.index(rf"sup.service: groups 1 {dgid} {want} ?$") >= 0, "SupplementaryGroups= with User=", t)
        want = " ".join(str(g) for g in sorted({0, video}))
        tap.ok(b.index(rf"suproot.service: groups 0 0 {want} ?$") >= 0, "SupplementaryGroups= without User=", t)
        tap.eq(b.stop(), 0, "stop")


# ---- 5. environment -------------------------------------------------------------------------

NOTIFY_PY = r"""
import os, socket, sys, time
print("ntf NOTIFY_SOCKET=" + ("set" if os.environ.get("NOTIFY_SOCKET") else "unset"), flush=True)
a = os.environ["NOTIFY_SOCKET"]
a = "\0" + a[1:] if a[0] == "@" else a
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"READY=1", a)
time.sleep(1000)
"""

INV = r'''d=$(dirname "$0"); n=$(( $(cat "$d/inv.n" 2>/dev/null || echo 0) + 1 )); echo $n > "$d/inv.n"
echo "inv start $n id=$INVOCATION_ID"
[ $n -eq 1 ] && exit 1
exec sleep 1000
'''


def test_environment_variables(tap):
    show = "/bin/sh @STATE@/show.sh"
    units = {
        "default.target": target("pass.service", "unset.service", "mp.service", "fail3.service", "killed.service",
                                 "inv.service", "plain.service", "acc.service", "ntf.service"),
        "pass.service": f"[Service]\nType=oneshot\nPassEnvironment=EXEC_PASSED EXEC_ABSENT\n"
                        f"ExecStart={show} pass EXEC_PASSED EXEC_OTHER EXEC_ABSENT\n",
        # VAR=VALUE removes only that exact assignment.
        "unset.service": f"[Service]\nType=oneshot\nEnvironment=U1=one U2=two U3=three\nUnsetEnvironment=U1 U2=wrong U3=three\n"
                         f"ExecStart={show} unset U1 U2 U3\n",
        "mp.service": "[Service]\nExecStart=/bin/sh -c 'echo main pid=$$$$; exec sleep 1000'\n"
                      f"ExecStartPost={show} startpost MAINPID\nExecStop={show} stop MAINPID\n"
                      f"ExecStopPost={show} stoppost SERVICE_RESULT EXIT_CODE EXIT_STATUS\n",
        "fail3.service": f"[Service]\nExecStart=/bin/sh -c 'exit 3'\nExecStopPost={show} fail3 SERVICE_RESULT EXIT_CODE EXIT_STATUS\n",
        "killed.service": "[Service]\nExecStart=/bin/sh -c 'kill -9 $$$$'\n"
                          f"ExecStopPost={show} killed SERVICE_RESULT EXIT_CODE EXIT_STATUS\n",
        "inv.service": f"[Service]\nRestart=on-failure\nRestartSec=10ms\nExecStartPre={show} pre INVOCATION_ID\n"
                       "ExecStart=/bin/sh @STATE@/inv.sh\n",
        "plain.service": f"[Service]\nType=oneshot\nExecStart={show} plain NOTIFY_SOCKET\n",
        "acc.service": f"[Service]\nType=oneshot\nNotifyAccess=all\nExecStart={show} acc NOTIFY_SOCKET\n",
        "ntf.service": f"[Service]\nType=notify\nExecStart={PY} @STATE@/notify.py\n",
    }
    env = {"EXEC_PASSED": "from pid1", "EXEC_OTHER": "not listed"}
    with boot(units, env=env, files={"show.sh": SHOW, "inv.sh": INV, "notify.py": NOTIFY_PY}) as b:
        b.booted()
        b.expect("inv.service: inv start 2")
        m = b.expect(r"mp.service: main pid=(\d+)")
        pid = m.group(1)
        b.expect(r"fail3.service: fail3 ")
        b.expect(r"killed.service: killed ")
        b.expect(r"ntf.service: ntf ")
        tap.eq(b.stop(), 0, "stop")
        out = {}
        for l in b.lines:
            mm = re.match(r"([\w-]+)\.service: (\w+) (.*)$", l)
            if mm:
                out.setdefault(mm.group(2), []).append(mm.group(3))
        g = lambda k: out.get(k, [None])[0]  # noqa: E731
        tap.eq(g("pass"), "EXEC_PASSED=from pid1 EXEC_OTHER=unset EXEC_ABSENT=unset",
               "PassEnvironment=: the listed variables of PID 1's environment, only those")
        tap.eq(g("unset"), "U1=unset U2=two U3=unset", "UnsetEnvironment=VAR and VAR=VALUE (only that exact assignment)")
        tap.eq(g("startpost"), f"MAINPID={pid}", "MAINPID in ExecStartPost=")
        tap.eq(g("stop"), f"MAINPID={pid}", "MAINPID in ExecStop=")
        tap.eq(g("stoppost"), "SERVICE_RESULT=success EXIT_CODE=killed EXIT_STATUS=TERM",
               "ExecStopPost= after a clean stop: success / killed / TERM")
        tap.eq(g("fail3"), "SERVICE_RESULT=exit-code EXIT_CODE=exited EXIT_STATUS=3", "ExecStopPost= after exit 3")
        tap.eq(g("killed"), "SERVICE_RESULT=signal EXIT_CODE=killed EXIT_STATUS=KILL", "ExecStopPost= after SIGKILL")
        pre = [v.split("=", 1)[1] for v in out.get("pre", [])]
        starts = re.findall(r"inv.service: inv start (\d) id=(\w*)", b.text())
        tap.ok(len(pre) >= 2 and len(starts) >= 2 and all(re.fullmatch(r"[0-9a-f]{32}", x) for x in pre) and
               pre[0] == starts[0][1] and pre[1] == starts[1][1] and pre[0] != pre[1],
               "INVOCATION_ID: the same for all processes of one start, a new one for a restart",
               f"pre={pre} starts={starts}")
        tap.eq(g("plain"), "NOTIFY_SOCKET=unset", "no NOTIFY_SOCKET for a simple service")
        tap.ok((g("acc") or "").startswith("NOTIFY_SOCKET=") and g("acc") != "NOTIFY_SOCKET=unset",
               "NOTIFY_SOCKET with NotifyAccess=", g("acc"))
        tap.eq(g("ntf"), "NOTIFY_SOCKET=set", "NOTIFY_SOCKET for Type=notify")


def test_exec_reload_mainpid(tap):
    """ExecReload= on a reload job (Debian's systemctl reload, through sdinit's D-Bus API): it runs
    with $MAINPID, every command in order, while the unit is 'reloading'; the service keeps its
    main process; a failing command fails the job but leaves the service running."""
    if not os.path.exists("/usr/bin/systemctl"):
        raise Skip("Debian's systemctl is missing (package systemd)")
    from test_systemctl import Ctl
    units = {
        "default.target": target("rl.service", "rlfail.service"),
        "rl.service": "[Service]\nExecStart=/bin/sleep infinity\n"
                      "ExecReload=/bin/sh -c 'echo \"MAINPID=$MAINPID\" >> @STATE@/reload'\n"
                      "ExecReload=/bin/sh -c 'echo second >> @STATE@/reload'\n",
        "rlfail.service": "[Service]\nExecStart=/bin/sleep infinity\nExecReload=/bin/false\n"
                          "ExecReload=/bin/sh -c 'echo not-reached > @STATE@/rlfail'\n",
    }
    with Boot(units) as b:
        b.booted()
        ctl = Ctl(b, "/usr/bin/systemctl")
        pid = ctl.prop("rl.service", "MainPID")
        r = ctl("reload", "rl.service")
        with open(os.path.join(b.state, "reload")) as f:
            got = f.read().split()
        tap.ok(r.returncode == 0 and got == [f"MAINPID={pid}", "second"], "ExecReload= commands run in order with $MAINPID",
               f"{r.returncode} {got} {r.stderr}")
        tap.ok(ctl.prop("rl.service", "MainPID") == pid and ctl.prop("rl.service", "ActiveState") == "active",
               "after a reload: same main process, active")
        b.expect(r"Reloaded rl.service")
        fpid = ctl.prop("rlfail.service", "MainPID")
        r = ctl("reload", "rlfail.service")
        tap.ok(r.returncode == 1 and "failed" in r.stderr and not os.path.exists(os.path.join(b.state, "rlfail")),
               "a failing ExecReload= fails the job and stops the reload there", f"{r.returncode} {r.stderr}")
        tap.ok(ctl.prop("rlfail.service", "MainPID") == fpid and ctl.prop("rlfail.service", "ActiveState") == "active",
               "the service keeps running after a failed reload")
        tap.eq(b.stop(), 0, "stops cleanly")


# ---- 6. exec prefixes and ExecCondition= ------------------------------------------------------

def test_exec_prefixes(tap):
    units = {
        "default.target": target("dash.service", "at.service", "colon.service", "cond1.service", "cond255.service",
                                 "cond0.service"),
        "dash.service": "[Unit]\nDescription=Dash\n[Service]\nType=oneshot\nExecStartPre=-/bin/false\nExecStart=-/bin/sh -c 'exit 5'\n"
                        "ExecStart=/bin/echo after-dash\n",
        "at.service": "[Service]\nType=oneshot\nExecStart=@/bin/sh fake-argv0 -c 'echo argv0=$0'\n",
        "colon.service": "[Service]\nType=oneshot\nEnvironment=X=expanded\nExecStart=:/bin/echo literal $X ${X}\n"
                         "ExecStart=/bin/echo normal $X ${X}\n",
        "cond1.service": "[Unit]\nDescription=Cond1\n[Service]\nType=oneshot\nExecCondition=/bin/sh -c 'exit 1'\nExecStart=/bin/echo cond1-ran\n",
        "cond255.service": "[Unit]\nDescription=Cond255\n[Service]\nType=oneshot\nExecCondition=/bin/sh -c 'exit 255'\nExecStart=/bin/echo cond255-ran\n",
        "cond0.service": "[Service]\nType=oneshot\nExecCondition=/bin/true\nExecCondition=/bin/true\nExecStart=/bin/echo cond0-ran\n",
    }
    with boot(units) as b:
        b.booted()
        t = b.text()
        tap.ok(b.index("dash.service: after-dash") >= 0 and b.index(r"Finished dash.service") >= 0 and
               b.index(r"FAILED.*dash.service") < 0, "- prefix: failures ignored, the unit succeeds", t)
        tap.ok(b.index(r"at.service: argv0=fake-argv0$") >= 0, "@ prefix: the second word is argv[0]", t)
        tap.ok(b.index(r"colon.service: literal \$X \$\{X\}$") >= 0, ": prefix: no variable expansion", t)
        tap.ok(b.index(r"colon.service: normal expanded expanded$") >= 0, "without it: expanded", t)
        tap.ok(b.index("cond1-ran") < 0 and b.index(r"FAILED.*cond1.service") < 0, "ExecCondition= exit 1: skipped, not failed", t)
        tap.ok(b.index("cond255-ran") < 0 and b.index(r"\[FAILED\] Failed to start cond255.service") >= 0,
               "ExecCondition= exit 255: the unit fails", t)
        tap.ok(b.index("cond0.service: cond0-ran") >= 0, "ExecCondition= success (all of them): the unit runs", t)
        tap.eq(b.stop(), 0, "stop")


# ---- 7. restart policies --------------------------------------------------------------------

# name: (settings, actions, restarts, final) -- restarts: whether a second run happens; final:
# "failed"/"succeeded" (OnFailure=/OnSuccess= after the last run) or None (keeps running).
RESTART_CASES = {
    "always": ("Restart=always", "exit:0 sleep", True, None),
    "onsuccess": ("Restart=on-success", "exit:0 exit:1", True, "failed"),
    "onabnormal": ("Restart=on-abnormal", "kill:9 exit:1", True, "failed"),
    "onabnormal-exit": ("Restart=on-abnormal", "exit:1", False, "failed"),
    "onabort": ("Restart=on-abort", "kill:9 exit:1", True, "failed"),
    "onabort-term": ("Restart=on-abort", "kill:15", False, "succeeded"),
    "prevent": ("Restart=always\nRestartPreventExitStatus=3", "exit:3", False, "failed"),
    "force": ("RestartForceExitStatus=7", "exit:7 sleep", True, None),
    "success42": ("Restart=on-failure\nSuccessExitStatus=42", "exit:42", False, "succeeded"),
    "success42-restart": ("Restart=on-success\nSuccessExitStatus=42", "exit:42 sleep", True, None),
}


def test_restart_policies(tap):
    units = {"default.target": target(*(f"{n}.service" for n in RESTART_CASES))}
    for name, (settings, actions, _, _) in RESTART_CASES.items():
        units[f"{name}.service"] = (f"[Unit]\nOnFailure=final-{name}-failed.service\nOnSuccess=final-{name}-succeeded.service\n"
                                    f"[Service]\n{settings}\nRestartSec=10ms\nExecStart=/bin/sh @STATE@/run.sh {name} {actions}\n")
        for f in ("failed", "succeeded"):
            units[f"final-{name}-{f}.service"] = f"[Service]\nType=oneshot\nExecStart=/bin/echo final {name} {f}\n"
    with boot(units, files={"run.sh": RUN}) as b:
        b.booted()
        for name, (settings, actions, restarts, final) in RESTART_CASES.items():
            what = settings.replace("\n", " ") + f" ({actions})"
            try:
                if restarts:
                    b.expect(rf"^{name}.service: {name} run 2$")
                if final:
                    b.expect(rf"^final-{name}-\w+.service: final {name} \w+$")
            except TimeoutError as e:
                tap.ok(False, what, str(e)[-3000:])
                continue
            runs = len([l for l in b.lines if re.match(rf"{name}.service: {name} run \d+$", l)])
            finals = re.findall(rf"final-{name}-\w+.service: final {name} (\w+)", b.text())
            tap.ok(runs == (2 if restarts else 1) and finals == ([final] if final else []),
                   f"{what}: {'restarted' if restarts else 'not restarted'}" + (f", then {final}" if final else ""),
                   f"runs={runs} finals={finals}\n" + "\n".join(l for l in b.lines if name in l))
        tap.eq(b.stop(), 0, "stop")


# ---- 8. kill policies ---------------------------------------------------------------------

KP = 'd=$(dirname "$0"); sleep 1000 & echo $! > "$d/kp.child"; echo kp ready; wait\n'
STUBBORN = ('d=$(dirname "$0"); trap "echo stubborn got TERM" TERM; echo $$ > "$d/stubborn.pid"; echo stubborn ready\n'
            'while :; do sleep 1000 & wait; done\n')
KI = r"""
import signal, sys
S = {signal.SIGINT, signal.SIGTERM}
signal.pthread_sigmask(signal.SIG_BLOCK, S)
print("ki ready", flush=True)
print("ki got", signal.Signals(signal.sigwaitinfo(S).si_signo).name, flush=True)
"""
HUP = r"""
import signal, sys
tag = sys.argv[1]
S = {signal.SIGHUP, signal.SIGTERM}
signal.pthread_sigmask(signal.SIG_BLOCK, S)
print(tag, "ready", flush=True)
got = set()
while signal.SIGTERM not in got:
    got.add(signal.sigwaitinfo(S).si_signo)
# SIGHUP follows the kill signal at once (SendSIGHUP=); 2 s only bounds its absence.
if signal.SIGHUP not in got and signal.sigtimedwait({signal.SIGHUP}, 2):
    got.add(signal.SIGHUP)
print(tag, "got TERM", "and HUP" if signal.SIGHUP in got else "without HUP", flush=True)
"""


def test_kill_policies(tap):
    units = {
        "default.target": target("obs.service", "kp.service", "stubborn.service", "ki.service", "hup.service", "nohup.service"),
        # Stopped after the others (they are ordered after it): its ExecStop= looks at what they left.
        "obs.service": "[Service]\nExecStart=/bin/sleep 1000\nExecStop=/bin/sh @STATE@/check.sh kp.child stubborn.pid\n",
        "kp.service": "[Unit]\nAfter=obs.service\n[Service]\nKillMode=process\nTimeoutStopSec=4s\nExecStart=/bin/sh @STATE@/kp.sh\n",
        "stubborn.service": "[Unit]\nAfter=obs.service\n[Service]\nSendSIGKILL=no\nTimeoutStopSec=300ms\n"
                            "ExecStart=/bin/sh @STATE@/stubborn.sh\n",
        "ki.service": f"[Unit]\nAfter=obs.service\n[Service]\nKillSignal=SIGINT\nExecStart={PY} @STATE@/ki.py\n",
        "hup.service": f"[Unit]\nAfter=obs.service\n[Service]\nSendSIGHUP=yes\nExecStart={PY} @STATE@/hup.py hup\n",
        "nohup.service": f"[Unit]\nAfter=obs.service\n[Service]\nExecStart={PY} @STATE@/hup.py nohup\n",
    }
    files = {"check.sh": CHECK, "kp.sh": KP, "stubborn.sh": STUBBORN, "ki.py": KI, "hup.py": HUP}
    with boot(units, files=files) as b:
        b.booted()
        for w in ("kp", "stubborn", "ki", "hup", "nohup"):
            b.expect(rf"^{w}.service: {w} ready$")
        b.p.kill(signal.SIGTERM)
        # Lines first (a stop that hangs shows what it hangs on), then the exit.
        b.expect(r"obs.service: stubborn.pid (alive|dead)")
        rc = b.wait()
        t = b.text()
        tap.eq(rc, 0, "PID 1 stops everything and exits 0 (survivors die with it)")
        tap.ok(b.index("obs.service: kp.child alive") >= 0, "KillMode=process: the main process's child survives the stop", t)
        tap.ok(b.index(r"kp.service: state 'stop-sigterm' timed out") < 0,
               "KillMode=process: the stop does not wait for the surviving child", t)
        tap.ok(b.index("stubborn.service: stubborn got TERM") >= 0 and b.index("obs.service: stubborn.pid alive") >= 0,
               "SendSIGKILL=no: a process ignoring SIGTERM is left alone after TimeoutStopSec=", t)
        tap.ok(b.index("ki.service: ki got SIGINT$") >= 0, "KillSignal=SIGINT", t)
        tap.ok(b.index("hup.service: hup got TERM and HUP") >= 0, "SendSIGHUP=yes: SIGHUP after the kill signal", t)
        tap.ok(b.index("nohup.service: nohup got TERM without HUP") >= 0, "SendSIGHUP=no (default): no SIGHUP", t)


# ---- 9. logs ----------------------------------------------------------------------------------

JSON_PY = r"""
print("quote \x22 backslash \x5c tab \t end\x01")
"""


def test_json_logs(tap):
    units = {
        "default.target": target("j.service", "bad.service"),
        "j.service": "[Unit]\nDescription=Json\n[Service]\nType=oneshot\nExecStart=/bin/echo plain words\n"
                     f"ExecStart={PY} @STATE@/json.py\n",
        "bad.service": "[Service]\nType=oneshot\nExecStart=/bin/false\n",
    }
    with boot(units, args=["--log-format=json"], files={"json.py": JSON_PY}) as b:
        b.expect(r"Reached target default.target")
        tap.eq(b.stop(), 0, "stop")
        objs, bad = [], []
        for l in b.lines:
            try:
                o = json.loads(l)
                if not (isinstance(o, dict) and isinstance(o.get("unit"), str) and isinstance(o.get("message"), str)):
                    bad.append(l)
                objs.append(o)
            except ValueError:
                bad.append(l)
        tap.ok(b.lines and not bad, "every line is a JSON object with string \"unit\" and \"message\"", "\n".join(bad[:10]))
        msgs = [(o.get("unit"), o.get("message")) for o in objs if isinstance(o, dict)]
        tap.ok(("j.service", "plain words") in msgs, "service output: its unit and the line", msgs)
        tap.ok(("j.service", 'quote " backslash \\ tab \t end\x01') in msgs, "quotes, backslashes, control characters escaped", msgs)
        tap.ok(any(m and "Started" not in m and "Reached target default.target" in m for _, m in msgs),
               "status lines are JSON too", msgs)
        tap.ok(any(u == "sdinit" and "bad.service" in m and "status=1/FAILURE" in m for u, m in msgs),
               "sdinit's own messages: unit \"sdinit\"", msgs)


LONG_PY = r"""
import sys
for n in (4096, 10000, 8192):
    sys.stdout.write("".join(chr(ord("a") + (i * 7 + n) % 26) for i in range(n)) + "\n")
sys.stdout.write("after-long\n")
"""


def test_long_lines(tap):
    units = {"default.target": target("long.service"),
             "long.service": f"[Service]\nType=oneshot\nExecStart={PY} @STATE@/long.py\n"}
    with boot(units, files={"long.py": LONG_PY}) as b:
        b.expect("long.service: after-long")
        tap.eq(b.stop(), 0, "stop")
        got = lines_of(b, "long.service")
        got = got[:got.index("after-long")]
        want = ["".join(chr(ord("a") + (i * 7 + n) % 26) for i in range(n)) for n in (4096, 10000, 8192)]
        tap.eq("".join(got), "".join(want), "lines over 4096 bytes: every byte relayed, in order")
        tap.ok(got[:1] == [want[0]], "a line of exactly 4096 bytes stays one line", [len(x) for x in got])
        tap.ok(all(got) and len(got) <= 7, "long lines are split into pieces, with no empty pieces",
               [len(x) for x in got])


def test_many_lines(tap):
    # (Past 10,000 lines in 30 s a unit's output is rate-limited, as journald limits it: this one
    # turns the limit off, as LogRateLimitIntervalSec=0 does under systemd.)
    units = {"default.target": target("many.service"),
             "many.service": "[Service]\nType=oneshot\nLogRateLimitIntervalSec=0\nExecStart=/usr/bin/seq -f 'line %%g' 1 20000\nExecStart=/bin/echo many-done\n"}
    with boot(units) as b:
        b.expect("many.service: many-done")
        tap.eq(b.stop(), 0, "stop")
        got = [l for l in lines_of(b, "many.service") if l.startswith("line ")]
        tap.ok(got == [f"line {i}" for i in range(1, 20001)], "20,000 lines printed at once: none lost, in order",
               f"got {len(got)} lines; first missing: {next((i for i in range(1, 20001) if f'line {i}' not in set(got)), None)}")


FLOOD_PY = r"""
import os, select, sys
n, threshold, fifo = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
lines = [("flood %06d %s\n" % (i, "x" * 24)).encode() for i in range(1, n + 1)]
out = os.open("/proc/self/fd/1", os.O_WRONLY | os.O_NONBLOCK)  # our own description of the pipe
written = i = 0
while i < n:
    try:
        written += os.write(out, lines[i])   # < PIPE_BUF: all or nothing
        i += 1
    except BlockingIOError:
        if written >= threshold:
            # 256 KiB of ours are over 340 KiB of output: more than PID 1's stdout pipe (64 KiB) and
            # relay buffer (256 KiB) hold, none of it read by the test, so PID 1
            # has stopped reading us (back-pressure) or it is dropping lines.
            f = os.open(fifo, os.O_WRONLY)
            os.write(f, b"flood blocked at %d\n" % i)
            os.close(f)
            break
        select.select([], [out], [])
for l in lines[i:]:
    os.write(1, l)                          # blocking from now on
os.write(1, b"flood done\n")
"""

TICK = r'''d=$(dirname "$0"); n=$(( $(cat "$d/tick.n" 2>/dev/null || echo 0) + 1 )); echo $n > "$d/tick.n"
echo "tick $n"
echo "tick $n" > "$d/ticks"
'''


def test_back_pressure(tap):
    n = 30000
    units = {
        "default.target": target("flood.service", "ticker.service"),
        "flood.service": f"[Service]\nLogRateLimitIntervalSec=0\nExecStart={PY} @STATE@/flood.py {n} {256 << 10} @STATE@/ticks\n",
        # A new process every 20 ms: PID 1 must go on starting it while nobody reads its stdout.
        "ticker.service": "[Unit]\nStartLimitIntervalSec=0\n[Service]\nRestart=always\nRestartSec=20ms\n"
                          "ExecStart=/bin/sh @STATE@/tick.sh\n",
    }
    with boot(units, files={"flood.py": FLOOD_PY, "tick.sh": TICK, "ticks": None}) as b:
        # Read end (and a write end, so that no EOF shows between ticks) of the FIFO.
        fifo = os.open(os.path.join(b.state, "ticks"), os.O_RDWR | os.O_NONBLOCK)
        buf, seen, blocked_at, after, wchans = b"", [], None, 0, []
        hp = b.p.host_pid()
        # 25 starts 20 ms apart take about a second; a PID 1 that blocks on its stdout takes far
        # longer (or forever): the deadline tells them apart.
        end = time.monotonic() + DEADLINE
        try:
            # PID 1's stdout is not read at all in this phase.
            while blocked_at is None or after < 25:
                left = end - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"flood blocked at {blocked_at}, {after} ticks since (want 25); ticks {seen[-5:]}")
                if select.select([fifo], [], [], left)[0]:
                    buf += os.read(fifo, 65536)
                    while b"\n" in buf:
                        line, buf = buf.split(b"\n", 1)
                        line = line.decode()
                        if line.startswith("flood blocked"):
                            blocked_at, t_blocked = int(line.split()[-1]), time.monotonic()
                        elif line.startswith("tick "):
                            seen.append(int(line.split()[1]))
                            after += blocked_at is not None
                            if blocked_at is not None:
                                # Where PID 1 waits: its event loop (epoll), never a poll() on its stdout.
                                wchans.append(open(f"/proc/{hp}/wchan").read())
            pipe = b.p.proc.stdout.fileno()
            unread = fcntl.ioctl(pipe, 0x541B, b"\0\0\0\0")  # FIONREAD
            unread = int.from_bytes(unread, sys.byteorder)
            stuck = [w for w in wchans if "poll_schedule" in w or "pipe_write" in w]
            tap.ok(not stuck, "PID 1 never blocks on its unread stdout (sampled at each start)",
                   f"{len(stuck)} of {len(wchans)} samples blocked: {sorted(set(stuck))}")
            tap.ok(True, f"back-pressure: the flood was held back (at line {blocked_at}) while PID 1 went on "
                         f"restarting another unit ({after} starts in {time.monotonic() - t_blocked:.1f}s; "
                         f"{unread} bytes unread on PID 1's stdout)")
        except TimeoutError as e:
            tap.ok(False, "back-pressure: PID 1 holds the flood back and keeps running other units", str(e))
        finally:
            os.close(fifo)
        # The reader resumes: everything arrives.
        last_tick = max(seen) if seen else 0
        try:
            b.expect("flood.service: flood done", timeout=DEADLINE * 2)
            b.expect(rf"ticker.service: tick {last_tick}$")
        except TimeoutError as e:
            st = open(f"/proc/{hp}/wchan").read() if os.path.exists(f"/proc/{hp}") else "gone"
            tap.ok(False, "once the reader resumes, PID 1 catches up and relays everything",
                   f"PID 1 waits in {st}; {len(b.lines)} lines read; "
                   f"last ticker lines: {[l for l in b.lines if 'ticker' in l][-6:]}\n" + str(e)[:300])
            return
        rc = b.stop()
        flood = [l for l in lines_of(b, "flood.service") if l.startswith("flood ")]
        want = [f"flood {i:06d} {'x' * 24}" for i in range(1, n + 1)]
        tap.ok(flood[:n] == want, f"no flood line lost or reordered ({len(flood) - 1} of {n} + done)",
               f"first difference at {next((i for i, (x, y) in enumerate(zip(flood, want)) if x != y), min(len(flood), n))}")
        ticks = [int(l.split()[1]) for l in lines_of(b, "ticker.service") if re.fullmatch(r"tick \d+", l)]
        tap.ok(ticks[:last_tick] == list(range(1, last_tick + 1)), "no line of the other unit lost",
               f"missing: {sorted(set(range(1, last_tick + 1)) - set(ticks))[:20]}")
        restarts = [int(x) for x in re.findall(r"ticker.service: restarting \(restart counter is at (\d+)\)", b.text())]
        scheduled = [int(x) for x in re.findall(r"ticker.service: \w+; scheduling restart \(restart counter (\d+)\)", b.text())]
        exits = len(re.findall(r"ticker.service: Main process \d+ exited", b.text()))
        tap.ok(restarts[:last_tick - 1] == list(range(1, last_tick)) and scheduled[:last_tick - 1] == list(range(1, last_tick)),
               "no line of sdinit's own lost either (each restart's two lines)",
               f"missing: restarting {sorted(set(range(1, last_tick)) - set(restarts))[:20]}, "
               f"scheduling {sorted(set(range(1, last_tick)) - set(scheduled))[:20]}; {exits} 'Main process exited'")
        tap.eq(rc, 0, "stop")


# ---- 10. --show-status=no -----------------------------------------------------------------

def test_show_status_no(tap):
    units = {
        "default.target": target("s.service", "bad.service", "last.service"),
        "s.service": "[Unit]\nDescription=Quiet\n[Service]\nExecStart=/bin/sh -c 'echo s up; exec sleep 1000'\n",
        "bad.service": "[Service]\nType=oneshot\nExecStart=/bin/false\n",
        "last.service": "[Unit]\nAfter=s.service bad.service\n[Service]\nType=oneshot\nExecStart=/bin/echo last ran\n",
    }
    status = r"^\[(  OK  |FAILED|DEPEND)\]|^         (Starting|Stopping) "
    for args, shown in (([], True), (["--show-status=no"], False)):
        with boot(units, args=args) as b:
            b.expect("last.service: last ran")
            b.expect("s.service: s up")
            rc = b.stop()
            n = len([l for l in b.lines if re.search(status, l)])
            tap.eq(rc, 0, f"{args or 'default'}: stop")
            if shown:
                tap.ok(n > 0 and b.index(r"\[  OK  \] Started s.service - Quiet") >= 0, "default: status lines shown", b.text())
            else:
                tap.ok(n == 0, "--show-status=no: no [  OK  ]/[FAILED]/Starting lines", b.text())
                tap.ok(b.index("bad.service: .*status=1/FAILURE") >= 0, "--show-status=no: error messages still shown", b.text())


# ---- signal dispositions ----------------------------------------------------------------------

def test_signal_dispositions(tap):
    """A service starts with every signal at SIG_DFL but SIGPIPE (IgnoreSIGPIPE=), nothing blocked,
    also when PID 1 inherited ignored signals: the child resets those PID 1 has (asked once), so
    the same boot with SIGHUP, SIGUSR2, SIGTTOU and SIGRTMIN+5 ignored in PID 1 must show the
    services the lines of the boot without (which test_sandbox_oracle compares with systemd's)."""
    units = {
        "default.target": target("sig.service", "nopipe.service"),
        "sig.service": "[Service]\nType=oneshot\nExecStart=/bin/grep -E ^Sig(Blk|Ign|Cgt) /proc/self/status\n",
        "nopipe.service": "[Service]\nType=oneshot\nIgnoreSIGPIPE=no\n"
                          "ExecStart=/bin/grep -E ^Sig(Blk|Ign|Cgt) /proc/self/status\n",
    }
    ignored = (signal.SIGHUP, signal.SIGUSR2, signal.SIGTTOU, signal.SIGRTMIN + 5)
    seen = []
    for ignore in (False, True):
        # Both ways explicitly: the test itself may have inherited some of them ignored (nohup).
        old = {s: signal.signal(s, signal.SIG_IGN if ignore else signal.SIG_DFL) for s in ignored}
        try:
            cm = boot(units)
            b = cm.__enter__()
        finally:
            for s, h in old.items():
                signal.signal(s, h)
        try:
            for u in ("sig.service", "nopipe.service"):
                for k in ("SigBlk", "SigIgn", "SigCgt"):
                    b.expect(rf"{u}: {k}:")
            pid1 = [l for l in open(f"/proc/{b.p.host_pid()}/status") if l.startswith("SigIgn:")][0].split()[1]
            bits = sum(1 << (int(s) - 1) for s in ignored)
            tap.eq(int(pid1, 16) & bits, bits if ignore else 0,
                   f"PID 1 ignores SIGHUP, SIGUSR2, SIGTTOU, SIGRTMIN+5: {ignore}")
            seen.append({u: sorted(lines_of(b, u)) for u in ("sig.service", "nopipe.service")})
            tap.eq(b.stop(), 0, "stop")
        finally:
            cm.__exit__(None, None, None)
    tap.eq(seen[1], seen[0], "the services' SigBlk/SigIgn/SigCgt do not depend on what PID 1 ignores")
    tap.ok(seen[0]["sig.service"] != seen[0]["nopipe.service"], "IgnoreSIGPIPE=no differs from the default",
           str(seen[0]))


if __name__ == "__main__":
    Tap().run([
        test_only_fds_012, test_standard_output, test_tty_input, test_tty_user, test_tty_real_root,
        test_process_settings, test_user_directories, test_capabilities,
        test_user_capabilities_groups, test_environment_variables, test_exec_reload_mainpid, test_exec_prefixes,
        test_restart_policies, test_kill_policies, test_json_logs, test_long_lines, test_many_lines,
        test_back_pressure, test_show_status_no, test_signal_dispositions,
    ])
