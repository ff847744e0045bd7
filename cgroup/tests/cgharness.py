# SPDX-License-Identifier: MIT
"""Shared helpers for the cgroup namespace tests: a real PID 1 in user+pid+mount(+cgroup)
namespaces, with container root mapped to 100000, in a child cgroup of the host's cgroup2 mount
that is delegated (chowned), not delegated, or mounted read-only.  (test_detect_ns.py has its own
copy of the same approach; this module is what the cg-* tests use.)

The recipe (see also cgroup/README.md):
  1. the host creates $CG2/<name>, chowns it and the files of /sys/kernel/cgroup/delegate to
     100000 for "delegated" (leaves it to host root otherwise: the container sees nobody);
  2. `unshare --user --map-users=100000,0,65536 ... --pid --fork --mount --mount-proc --kill-child`
     runs stage 1 as PID 1, which reports "ready" on a pipe and waits for "go" on stdin;
  3. the host (real root: write access at the common ancestor is needed) writes PID 1's host pid
     into $CG2/<name>/cgroup.procs and sends "go";
  4. stage 2: `unshare --cgroup`, `mount -t cgroup2 [-o ro] none /sys/fs/cgroup`, exec the
     program: it is PID 1 and sees its cgroup as "/".
Synchronisation is by pipes and cgroup.events notifications (poll), never sleeps. Cleanup removes
every cgroup created, deepest first, and restores a changed cgroup.subtree_control; processes
are killed by pid only (the unshare parent; --kill-child and the pid namespace take the rest).
"""
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
SUBID_LINE = "root:100000:65536"
MAPPED_ROOT = 100000


class Results:
    def __init__(self, name):
        self.name = name
        self.failures = []

    def log(self, msg):
        print(msg, flush=True)

    def check(self, cond, what, detail=None):
        if cond:
            self.log(f"ok - {what}")
        else:
            self.log(f"FAIL - {what}")
            if detail is not None:
                self.log(str(detail))
            self.failures.append(what)
        return cond

    def skip(self, msg):
        self.log(f"SKIP: {msg}")
        self.log("*" * 70)
        self.log(f"*** {self.name} SKIPPED: {msg}")
        self.log("*" * 70)
        sys.exit(SKIP)

    def finish(self):
        if self.failures:
            self.log(f"{len(self.failures)} check(s) failed: {self.failures}")
            return 1
        self.log("all checks passed")
        return 0


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\" and i + 3 < len(s) and s[i + 1:i + 4].isdigit():
            out.append(chr(int(s[i + 1:i + 4], 8)))
            i += 4
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def host_cgroup2():
    """(mount point, mount root) of the host's cgroup2 mount, preferring /sys/fs/cgroup."""
    cg2 = None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields, rfields = left.split(), right.split()
            if rfields and rfields[0] == "cgroup2":
                mp = unescape(fields[4])
                if cg2 is None or mp == "/sys/fs/cgroup":
                    cg2 = (mp, unescape(fields[3]))
    return cg2


def ensure_subids(res):
    """root:100000:65536 in /etc/subuid and /etc/subgid (added idempotently, left in place)."""
    for path in ("/etc/subuid", "/etc/subgid"):
        try:
            with open(path) as f:
                lines = [ln.strip() for ln in f]
        except FileNotFoundError:
            lines = []
        if SUBID_LINE in lines:
            continue
        try:
            with open(path, "a") as f:
                f.write(SUBID_LINE + "\n")
            res.log(f"# added '{SUBID_LINE}' to {path} (needed by newuidmap; left in place)")
        except OSError as e:
            res.skip(f"cannot add '{SUBID_LINE}' to {path}: {e}")


def preflight(res):
    """Skip (77) loudly unless this machine can run the namespace scenarios. Returns cgroup2."""
    if os.geteuid() != 0:
        res.skip("needs root (user namespaces with subordinate ids, cgroup setup)")
    for tool in ("unshare", "newuidmap", "newgidmap", "mount"):
        if shutil.which(tool) is None:
            res.skip(f"{tool} missing (packages util-linux, uidmap, mount)")
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "true"], capture_output=True)
    if probe.returncode != 0:
        res.skip(f"user namespaces unavailable: {probe.stderr.decode().strip()}")
    cg2 = host_cgroup2()
    if cg2 is None:
        res.skip("no cgroup2 mount on this host")
    if cg2[1] != "/":
        res.skip(f"cgroup2 mount root is {cg2[1]}, not the hierarchy root")
    if not os.path.exists(os.path.join(cg2[0], "cgroup.procs")):
        res.skip("cgroup2 mount has no cgroup.procs")
    ensure_subids(res)
    return cg2


def wait_unpopulated(cg, timeout_ms=10000):
    """Wait until cgroup.events says populated 0, woken by the kernel's notification (poll)."""
    path = os.path.join(cg, "cgroup.events")
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return True
    try:
        poller = select.poll()
        poller.register(fd, select.POLLPRI | select.POLLERR)
        deadline = time.monotonic() + timeout_ms / 1000
        while True:
            os.lseek(fd, 0, os.SEEK_SET)
            if "populated 0" in os.read(fd, 4096).decode():
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            poller.poll(int(left * 1000) + 1)
    finally:
        os.close(fd)


def remove_tree(res, cg):
    """Remove cg and every cgroup below it, deepest first, once empty. True if all removed."""
    if not os.path.isdir(cg):
        return True
    ok = True
    dirs = [root for root, _, _ in os.walk(cg)]
    for d in sorted(dirs, key=lambda p: p.count("/"), reverse=True):
        if not wait_unpopulated(d):
            res.log(f"warning: {d} still populated")
        try:
            os.rmdir(d)
        except OSError as e:
            res.log(f"warning: cannot remove {d}: {e}")
            ok = False
    return ok


def find_ns_pid1(parent_pid):
    """Host pid of the child of parent_pid that is pid 1 in its own pid namespace."""
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as f:
                st = dict(ln.rstrip("\n").split(":\t", 1) for ln in f if ":\t" in ln)
        except OSError:
            continue
        if st.get("PPid") == str(parent_pid) and st.get("NSpid", "").split()[-1:] == ["1"]:
            return int(name)
    return None


def write_unit_dir(d, files):
    """The directory d (0755, created) with one file a {name: text} entry of `files`."""
    os.makedirs(d)
    os.chmod(d, 0o755)
    for n, text in files.items():
        with open(os.path.join(d, n), "w") as f:
            f.write(text)


def deleg_and_not(res, scenario, prefix):
    """Runs scenario(res, tmp, cg2, "deleg", True) then scenario(res, tmp, cg2, "nodeleg", False):
    the same PID 1 with a delegated cgroup and with one it may not manage. tmp: a work directory
    below /var/tmp (0755, removed afterwards). Skips when not root or no cgroup2; res.finish()."""
    if os.geteuid() != 0:
        res.skip("needs root")
    cg2 = preflight(res)[0]
    tmp = tempfile.mkdtemp(prefix=prefix, dir="/var/tmp")
    os.chmod(tmp, 0o755)
    try:
        scenario(res, tmp, cg2, "deleg", True)
        scenario(res, tmp, cg2, "nodeleg", False)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res.finish()


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def v2_cgroup_of(pid):
    """The "0::..." line of /proc/<pid>/cgroup (v1 lines precede it on a hybrid host), or None."""
    for line in (read(f"/proc/{pid}/cgroup") or "").splitlines():
        if line.startswith("0::"):
            return line
    return None


class HostCgroup:
    """A child cgroup of the host's cgroup2 mount for one scenario. Enables +hugetlb in the
    mount's subtree_control if needed (restored by close()) so the child has a controller."""

    def __init__(self, res, cg2_mount, name, delegate):
        self.res = res
        self.mount = cg2_mount
        self.path = os.path.join(cg2_mount, name)
        self.rel = "/" + name  # as /proc/<pid>/cgroup shows it on the host
        self.enabled_hugetlb = False
        self.sc_path = os.path.join(cg2_mount, "cgroup.subtree_control")
        available = (read(os.path.join(cg2_mount, "cgroup.controllers")) or "").split()
        enabled = (read(self.sc_path) or "").split()
        if "hugetlb" in available and "hugetlb" not in enabled:
            with open(self.sc_path, "w") as f:
                f.write("+hugetlb")
            self.enabled_hugetlb = True
        os.mkdir(self.path)
        if delegate:
            os.chown(self.path, MAPPED_ROOT, MAPPED_ROOT)
            with open("/sys/kernel/cgroup/delegate") as f:
                for name_ in (ln.strip() for ln in f):
                    p = os.path.join(self.path, name_)
                    if name_ and os.path.exists(p):
                        os.chown(p, MAPPED_ROOT, MAPPED_ROOT)

    def close(self):
        ok = remove_tree(self.res, self.path)
        if not ok:
            self.res.failures.append(f"cleanup {self.path}")
        if self.enabled_hugetlb:
            try:
                with open(self.sc_path, "w") as f:
                    f.write("-hugetlb")
            except OSError as e:
                self.res.log(f"warning: cannot restore {self.sc_path}: {e}")
        return ok


# The first stage of every INNER script (here, test_detect_ns.py, oraclelib.py): PID 1 of the new pid
# namespace says "ready" on the pipe {ready_fd} and waits for "go" on its stdin; the host moves it
# into its cgroup in between. The script's own exec follows.
STAGE1 = r"""stage1)
        echo ready >&{ready_fd} || exit 90
        exec {ready_fd}>&-
        read go || exit 91
        [ "$go" = go ] || exit 92
"""

INNER = r"""#!/bin/sh
# stage1: PID 1 of the new pid namespace. stage2: after unshare --cgroup.
case "$1" in
""" + STAGE1 + r"""        exec unshare --cgroup "$0" stage2 "$2" "$3" "$4"
        ;;
stage2)
        if [ "$3" = ro ]; then mount -t cgroup2 -o ro none /sys/fs/cgroup || exit 93
        else mount -t cgroup2 none /sys/fs/cgroup || exit 93; fi
        # The container's own /run: PID 1 serves /run/systemd/private and creates
        # /run/systemd/system there, which must never reach the host's /run.
        mount -t tmpfs -o mode=755 tmpfs /run || exit 95
        # ...and its own /dev (the host's nodes bound into a tmpfs): /dev/log stays inside.
        d=$(mktemp -d /tmp/sdinit-dev.XXXXXX) && mount -t tmpfs -o mode=755 tmpfs "$d" || exit 96
        for n in null zero full random urandom tty console; do
                [ -e /dev/$n ] || continue
                touch "$d/$n" && mount --bind /dev/$n "$d/$n" || exit 96
        done
        mkdir "$d/pts" && mount --rbind /dev/pts "$d/pts" && ln -s pts/ptmx "$d/ptmx" || exit 96
        ln -s /proc/self/fd "$d/fd" && mount --move "$d" /dev && rmdir "$d" || exit 96
        exec "$2" "$4"
        ;;
esac
exit 94
"""


class Pid1:
    """A program running as PID 1 in the namespaces, moved into a HostCgroup. Its stdout is read
    line by line (lines()), its stdin stays open for the caller (send())."""

    def __init__(self, res, tmp, cgroup, program, arg, mount_mode="rw"):
        self.res = res
        self.proc = None
        self.pid1 = None
        self.buf = b""
        ready_r, ready_w = os.pipe()
        os.set_inheritable(ready_w, True)
        inner = os.path.join(tmp, f"inner-{arg}.sh")
        with open(inner, "w") as f:
            f.write(INNER.replace("{ready_fd}", str(ready_w)))
        os.chmod(inner, 0o755)
        cmd = ["unshare", "--user", f"--map-users={MAPPED_ROOT},0,65536",
               f"--map-groups={MAPPED_ROOT},0,65536", "--setuid", "0", "--setgid", "0", "--pid",
               "--fork", "--mount", "--mount-proc", "--kill-child", inner, "stage1", program,
               mount_mode, arg]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, pass_fds=(ready_w,))
        os.close(ready_w)
        with os.fdopen(ready_r) as rf:
            line = rf.readline()  # EOF if PID 1 died before getting ready
        if line.strip() != "ready":
            out, _ = self.proc.communicate(timeout=30)
            raise RuntimeError(f"PID 1 did not get ready (rc {self.proc.returncode}): {out!r}")
        self.pid1 = find_ns_pid1(self.proc.pid)
        if self.pid1 is None:
            raise RuntimeError("cannot find the namespace's PID 1")
        # Only the real root can move it: write access is needed at the common ancestor.
        with open(os.path.join(cgroup.path, "cgroup.procs"), "w") as f:
            f.write(str(self.pid1))
        self.send("go")

    def send(self, line):
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def lines(self, timeout=240):
        """Yield output lines until EOF; raises TimeoutError after timeout seconds overall."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while True:
            while b"\n" in self.buf:
                line, self.buf = self.buf.split(b"\n", 1)
                yield line.decode(errors="replace")
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("PID 1 output timed out")
            r, _, _ = select.select([fd], [], [], left)
            if not r:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                if self.buf:
                    yield self.buf.decode(errors="replace")
                    self.buf = b""
                return
            self.buf += chunk

    def wait(self, timeout=60):
        return self.proc.wait(timeout=timeout)

    def close(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()  # --kill-child takes PID 1 and its namespace along
            self.proc.wait()
