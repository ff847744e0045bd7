# SPDX-License-Identifier: MIT
"""The PID 1 harness: runs a program as a real PID 1 in new user, PID and mount namespaces.

Two identity mappings, as container runtimes use them:
  "root"   -- container root is host root (unshare --map-root-user): the quick variant.
  "unpriv" -- container root is host uid 100000 (unshare --map-users=100000,0,65536), the shape of
              rootless Podman and Kubernetes with user namespaces. It needs root:100000:65536 in
              /etc/subuid and /etc/subgid and newuidmap (package uidmap); scripts/deps.sh sets them up.

Every test is a plain script that exits 0 (pass), 1 (fail) or 77 (skip), printing TAP lines, so
meson runs them directly. Nothing here sleeps to synchronise: tests wait for a line on a pipe, or
for a process to exit, with a generous deadline that only bounds a failure.
"""
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
HELPERS = os.path.join(HERE, "helpers")
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
SDINIT = os.environ.get("SDINIT") or os.path.join(HERE, "..", "..", "build", "init", "sdinit")
SDINIT = os.path.abspath(SDINIT)
DEADLINE = float(os.environ.get("SDINIT_TEST_DEADLINE", "30"))


class Skip(Exception):
    pass


# ---- bounded waits --------------------------------------------------------------------------------

def poll(fn, timeout=DEADLINE, step=0.02):
    """fn()'s first true value, or None at the deadline (which only bounds a failure)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = fn()
        if v:
            return v
        time.sleep(step)   # polls a state, bounded by the deadline
    return None


def until(fn, what, timeout=DEADLINE, b=None):
    """fn()'s first true value; at the deadline AssertionError "WHAT: never" (with the end of the
    output of the bootlib.Boot b)."""
    v = poll(fn, timeout)
    if v:
        return v
    raise AssertionError(f"{what}: never" + (f"; PID 1 said:\n{b.text()[-3000:]}" if b else ""))


def until_ok(fn, what, timeout=DEADLINE):
    """Retries a client (fn() returns a CompletedProcess) until it exits 0: a daemon may be
    'active' a moment before it listens (forking daemons write their PID file first). Bounded;
    the last failure is reported."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        last = fn()
        if last.returncode == 0:
            return last
        time.sleep(0.05)  # a retry interval for a client, not a synchronisation
    raise AssertionError(f"{what} never succeeded: {last.stdout} {last.stderr}")


# ---- sanitizer reports ----------------------------------------------------------------------------

# What ASan, LSan and UBSan print: "==N==ERROR: AddressSanitizer: heap-use-after-free ...",
# "==N==ERROR: LeakSanitizer: detected memory leaks", "f.c:12:5: runtime error: ...",
# "AddressSanitizer:DEADLYSIGNAL", "SUMMARY: UndefinedBehaviorSanitizer: ...".
SANITIZER_RX = re.compile(r"(Address|Leak|UndefinedBehavior|Memory|Thread)Sanitizer|runtime error:")


def sanitizer_lines(text):
    """The lines of a program's output in which a sanitizer reports something."""
    return [ln for ln in text.splitlines() if SANITIZER_RX.search(ln)]


# ---- TAP ----------------------------------------------------------------------------------------

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self.skipped = 0

    def ok(self, cond, name, detail=""):
        self.n += 1
        if cond:
            print(f"ok {self.n} - {name}", flush=True)
        else:
            self.failed += 1
            print(f"not ok {self.n} - {name}", flush=True)
            for line in str(detail).splitlines():
                print(f"#   {line}", flush=True)
        return cond

    def eq(self, got, want, name):
        return self.ok(got == want, name, f"got:  {got!r}\nwant: {want!r}")

    def skip(self, name, why):
        self.n += 1
        self.skipped += 1
        print(f"ok {self.n} - {name} # SKIP {why}", flush=True)

    def run(self, tests):
        """Runs test functions (each takes tap); an exception fails that test only."""
        for t in tests:
            try:
                t(self)
            except Skip as e:
                self.skip(t.__name__, str(e))
            except Exception as e:  # a broken test must not hide the others
                import traceback
                self.ok(False, t.__name__, traceback.format_exc())
        print(f"1..{self.n}", flush=True)
        if self.failed:
            sys.exit(1)
        if self.skipped and self.skipped == self.n:
            sys.exit(77)
        sys.exit(0)


# ---- environment ----------------------------------------------------------------------------------

def have_unpriv_mapping():
    if not shutil.which("newuidmap"):
        return False
    try:
        ok = all(re.search(r"^root:100000:65536$", open(f).read(), re.M) for f in ("/etc/subuid", "/etc/subgid"))
    except OSError:
        return False
    return ok


def mappings():
    """The identity mappings available here (always "root"; "unpriv" when set up)."""
    return ["root", "unpriv"] if have_unpriv_mapping() else ["root"]


def personality_dir():
    """A directory with tini/dumb-init symlinks to sdinit, readable by the unprivileged mapping."""
    d = tempfile.mkdtemp(prefix="sdinit-pers-")
    os.chmod(d, 0o755)
    for name in ("tini", "dumb-init", "sdinit"):
        os.symlink(SDINIT, os.path.join(d, name))
    return d


# `systemctl enable` inside a test container writes below /etc/systemd/system: a tmpfs there
# keeps it out of the host's.
PRIVATE_ETC = "{ [ ! -d /etc/systemd/system ] || mount -t tmpfs -o mode=755 tmpfs /etc/systemd/system; } && "
# A container's own /dev, as rootless runtimes build it (the host's device nodes bound into a
# tmpfs): what PID 1 creates there (/dev/log) never lands in the host's /dev.
PRIVATE_DEV = ('d=$(mktemp -d /tmp/sdinit-dev.XXXXXX) && mount -t tmpfs -o mode=755 tmpfs "$d" && '
               'for n in null zero full random urandom tty console; do [ -e /dev/$n ] || continue; '
               'touch "$d/$n" && mount --bind /dev/$n "$d/$n" || exit 97; done && '
               'mkdir "$d/pts" "$d/shm" && mount --rbind /dev/pts "$d/pts" && ln -s pts/ptmx "$d/ptmx" && '
               'mount -t tmpfs -o mode=1777 tmpfs "$d/shm" && ln -s /proc/self/fd "$d/fd" && '
               'ln -s /proc/self/fd/0 "$d/stdin" && ln -s /proc/self/fd/1 "$d/stdout" && '
               'ln -s /proc/self/fd/2 "$d/stderr" && mount --move "$d" /dev && rmdir "$d" && ')


def unshare_argv(mapping="root", extra=(), net=False, run=False):
    """The namespace prefix. Mappings: "root" (container root = host root only), "unpriv"
    (container uids 0-65535 = host 100000-165535), "identity" (container uids 0-65535 = the
    host's own, for real daemons whose files belong to real users). net=True adds a private
    network namespace with loopback up, and /run as a fresh tmpfs, as a container has."""
    if mapping == "identity":
        argv = [PY, os.path.join(HELPERS, "userns.py"), "unshare"]
    else:
        argv = ["unshare", "--user"]
    if mapping == "identity":
        pass
    elif mapping == "root":
        argv += ["--map-root-user"]
    elif mapping == "unpriv":
        if not have_unpriv_mapping():
            raise Skip("no root:100000:65536 in /etc/subuid+subgid or no newuidmap (run scripts/deps.sh)")
        argv += ["--map-users=100000,0,65536", "--map-groups=100000,0,65536", "--setuid", "0", "--setgid", "0"]
    else:
        raise ValueError(mapping)
    argv += ["--pid", "--fork", "--mount", "--mount-proc", "--kill-child"]
    if net:
        argv += ["--net", "/bin/sh", "-c", 'ip link set lo up && mount -t tmpfs -o mode=755 tmpfs /run && ' + PRIVATE_ETC +
                 PRIVATE_DEV + 'exec "$@"', "sh"]
    elif run:
        # A container's own /run: what PID 1 creates there (/run/systemd/private, the notify
        # socket, /run/systemd/system) must never land in the host's.
        argv += ["/bin/sh", "-c", 'mount -t tmpfs -o mode=755 tmpfs /run && ' + PRIVATE_ETC + PRIVATE_DEV + 'exec "$@"', "sh"]
    argv += list(extra)
    return argv


class Pid1:
    """`argv` run as PID 1. stdout/stderr are pipes read by the test (or a pty when tty=True)."""

    def __init__(self, argv, mapping="root", env=None, stdin=subprocess.DEVNULL, namespaces=True,
                 preexec_fn=None, pass_fds=(), net=False, run=False):
        self.argv = (unshare_argv(mapping, net=net, run=run) if namespaces else []) + list(argv)
        e = dict(os.environ)
        for k in list(e):
            if k.startswith(("TINI_", "DUMB_INIT_")):
                del e[k]
        if env:
            e.update(env)
        self.proc = subprocess.Popen(self.argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=e, preexec_fn=preexec_fn, pass_fds=pass_fds)
        self.namespaces = namespaces
        self._out = b""
        self._err = b""

    # The init's pid as the host sees it: the descendant whose innermost pid (NSpid) is 1. Found
    # once: a later call must not fail because PID 1 has exited meanwhile.
    def host_pid(self):
        if getattr(self, "_host_pid", None):
            return self._host_pid
        self._host_pid = self._find_host_pid()
        return self._host_pid

    def _find_host_pid(self):
        if not self.namespaces:
            return self.proc.pid
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            todo = [self.proc.pid]
            while todo:
                pid = todo.pop()
                try:
                    nspid = [l for l in open(f"/proc/{pid}/status") if l.startswith("NSpid:")][0].split()[1:]
                    if len(nspid) > 1 and nspid[-1] == "1":
                        return pid
                    for tid in os.listdir(f"/proc/{pid}/task"):
                        todo += [int(k) for k in open(f"/proc/{pid}/task/{tid}/children").read().split()]
                except (OSError, IndexError):
                    continue
            # Normally found on the first pass (a line was read from PID 1 already); this bounds
            # the wait for the fork that creates it.
            time.sleep(0.001)
        raise TimeoutError("PID 1 never appeared")

    def kill(self, sig):
        try:
            os.kill(self.host_pid(), sig)
        except ProcessLookupError:
            pass  # PID 1 has exited already (its exit status tells the rest)

    def readline(self, timeout=DEADLINE):
        """The next stdout line (without newline); raises TimeoutError on the deadline."""
        end = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._out:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no line from PID 1 within {timeout}s; got {self._out!r}, stderr {self.stderr_now()!r}")
            r, _, _ = select.select([fd], [], [], left)
            if r:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise EOFError(f"stdout closed; partial {self._out!r}, stderr {self.stderr_now()!r}")
                self._out += chunk
        line, self._out = self._out.split(b"\n", 1)
        return line.decode(errors="replace")

    def stderr_now(self):
        fd = self.proc.stderr.fileno()
        while select.select([fd], [], [], 0)[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            self._err += chunk
        return self._err.decode(errors="replace")

    def wait(self, timeout=DEADLINE):
        """Waits for exit; returns (status, stdout rest, stderr). Kills and fails on the deadline."""
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise TimeoutError(f"PID 1 did not exit within {timeout}s; stderr: {(self._err + err).decode(errors='replace')}")
        self._out += out
        self._err += err
        rc = self.proc.returncode
        return rc, self._out.decode(errors="replace"), self._err.decode(errors="replace")

    def __enter__(self):
        return self

    def __exit__(self, *a):
        # A PID 1 that has not exited (a test that failed before it stopped it) goes with its
        # namespace: killing the unshare wrapper alone left it running (re-parented to the host's
        # init) with every process of its services.
        pid = getattr(self, "_host_pid", None)
        if self.namespaces and pid and self.proc.poll() is None:
            try:
                nspid = [l for l in open(f"/proc/{pid}/status") if l.startswith("NSpid:")][0].split()[1:]
                if len(nspid) > 1 and nspid[-1] == "1":
                    os.kill(pid, signal.SIGKILL)
            except (OSError, IndexError):
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for f in (self.proc.stdout, self.proc.stderr):
            if f:
                f.close()


def run_pid1(argv, mapping="root", env=None, timeout=DEADLINE, namespaces=True):
    with Pid1(argv, mapping=mapping, env=env, namespaces=namespaces) as p:
        return p.wait(timeout)


def write_file_or_link(path, text):
    """A unit file (or any file) of a test: "->TARGET" makes path a symlink to TARGET, any other
    text is its content."""
    if text.startswith("->"):
        os.symlink(text[2:], path)
    else:
        with open(path, "w") as f:
            f.write(text)


def helper(name):
    return [PY, os.path.join(HELPERS, name)]


def normalize(text):
    """Peer-vs-sdinit comparisons: pids and versions differ, the rest must not."""
    text = re.sub(r"\((\d+)\)\]", "(PID)]", text)
    text = re.sub(r"tini version [^\n)]*", "tini version X", text)
    text = re.sub(r"dumb-init v[^\n]*", "dumb-init vX", text)
    text = re.sub(r"PID \d+", "PID N", text)
    text = re.sub(r"pid '\d+'", "pid 'N'", text)
    text = re.sub(r"pid: '\d+'", "pid: 'N'", text)
    return text
