# SPDX-License-Identifier: MIT
"""Booting the image suite's Debian 12 tree as a container runtime would, with sdinit or with
Debian's systemd 252 as PID 1, and driving it from inside with Debian's systemctl (nsenter).

Shapes:
  delegated  user namespace 100000:65536, pid/mount/net/uts/ipc/cgroup namespaces, the PID 1 in a
             child cgroup of the host's cgroup2 that is chowned to container root (the recipe of
             cgroup/tests/cgharness.py, whose helpers this module uses)
  nodeleg    the same, but the cgroup stays owned by host root: the container sees it owned by
             nobody (EACCES), as most runtimes with user namespaces give it
  runc       Debian's runc with a bundle whose root is the same tree (user, cgroup, pid, mount,
             net, uts, ipc namespaces; this hybrid host gives a read-only cgroup v1 layout)
Every boot has /proc, a read-only /sys, a tmpfs /dev with the host's nodes, devpts, /dev/shm,
tmpfs /run and /tmp, its own loopback. The image tree is never written: each boot mounts an
overlay on it whose upper directory lives in the boot's temporary directory (overlayfs is allowed
inside a user namespace on this kernel; probe_overlay() checks, and a copy of the tree is used
otherwise). sdinit's binaries from the build are copied into the boot's /usr/local/sbin.

Synchronisation: the PID 1 reports "ready" on a pipe before the host moves it into its cgroup; the
suite then waits with `systemctl is-system-running --wait` inside, bounded by a deadline; exits
are process exits. No sleeps.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "cgroup", "tests"))
import cgharness  # noqa: E402

MAPPED_ROOT = cgharness.MAPPED_ROOT
CACHE = os.environ.get("SDINIT_IMAGE_CACHE", "/var/tmp/sdinit-image")
SYSTEMD = "/lib/systemd/systemd"
SDINIT_IN_IMAGE = "/usr/local/sbin/sdinit"
HOSTNAME = "sdinit-image"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# What a runtime passes to PID 1 (podman sets container=podman; both PID 1s get the same).
PID1_ENV = ["container=podman", f"PATH={PATH}", "TERM=dumb"]
RTMIN3 = int(signal.SIGRTMIN) + 3

INNER = r"""#!/bin/sh
# Runs inside the user namespace as the new pid namespace's PID 1; execs the PID 1 under test.
set -e
case "$1" in
stage1)
        echo ready >&$READY_FD
        eval "exec $READY_FD>&-"
        read go
        [ "$go" = go ] || exit 92
        shift
        exec unshare --cgroup "$0" stage2 "$@"
        ;;
stage2)
        shift
        mount --make-rprivate /
        R=$RUN/root
        if [ "$MODE" = overlay ]; then
                mount -t overlay overlay -o "lowerdir=$IMAGE,upperdir=$RUN/upper,workdir=$RUN/work" "$R"
        else
                mount --bind "$R" "$R"
        fi
        mount -t proc -o nosuid,nodev,noexec proc "$R/proc"
        mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$R/sys"
        mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$R/sys/fs/cgroup"
        mount -t tmpfs -o mode=755,nosuid,size=65536k tmpfs "$R/dev"
        for n in null zero full random urandom tty; do
                touch "$R/dev/$n"
                mount --bind "/dev/$n" "$R/dev/$n"
        done
        touch "$R/dev/console"
        mount --bind "$RUN/console" "$R/dev/console"
        mkdir "$R/dev/pts" "$R/dev/shm" "$R/dev/mqueue"
        mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec devpts "$R/dev/pts"
        ln -s pts/ptmx "$R/dev/ptmx"
        mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/dev/shm"
        mount -t mqueue -o nosuid,nodev,noexec mqueue "$R/dev/mqueue"
        ln -s /proc/self/fd "$R/dev/fd"
        ln -s /proc/self/fd/0 "$R/dev/stdin"
        ln -s /proc/self/fd/1 "$R/dev/stdout"
        ln -s /proc/self/fd/2 "$R/dev/stderr"
        mount -t tmpfs -o mode=755,nosuid,nodev tmpfs "$R/run"
        mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$R/tmp"
        ip link set lo up
        hostname "$HOSTNAME"
        cd "$R"
        pivot_root . .
        umount -l .
        cd /
        exec /usr/bin/env -i $PID1_ENV "$@"
        ;;
esac
exit 94
"""


def log(msg):
    print(msg, flush=True)


def build_image():
    """Runs build-image.sh (a no-op when cached). Returns (tree, seconds, stamp dict)."""
    t0 = time.monotonic()
    r = subprocess.run([os.path.join(HERE, "build-image.sh"), CACHE], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=1500)
    dt = time.monotonic() - t0
    if r.returncode != 0:
        return None, dt, {"rc": r.returncode, "stderr": r.stderr}
    tree = r.stdout.strip().splitlines()[-1]
    stamp = {}
    try:
        with open(tree + ".stamp") as f:
            stamp = dict(ln.rstrip("\n").split("=", 1) for ln in f if "=" in ln)
    except OSError:
        pass
    return tree, dt, stamp


def probe_overlay():
    """True if overlayfs mounts inside a user namespace (100000:65536) on CACHE's file system."""
    d = tempfile.mkdtemp(prefix="ovl-probe-", dir=CACHE)
    os.chmod(d, 0o755)
    try:
        for sub in ("lower", "upper", "work", "merged"):
            os.mkdir(os.path.join(d, sub))
            os.chown(os.path.join(d, sub), MAPPED_ROOT, MAPPED_ROOT)
        r = subprocess.run(["unshare", "--user", f"--map-users={MAPPED_ROOT},0,65536",
                            f"--map-groups={MAPPED_ROOT},0,65536", "--setuid", "0", "--setgid", "0",
                            "--mount", "sh", "-c",
                            f"mount -t overlay overlay -o lowerdir={d}/lower,upperdir={d}/upper,workdir={d}/work "
                            f"{d}/merged && touch {d}/merged/x"], capture_output=True, timeout=30)
        return r.returncode == 0 and not os.path.exists(os.path.join(d, "lower", "x"))
    finally:
        shutil.rmtree(d, ignore_errors=True)


class Container:
    """One boot of the image. kind: "sdinit" or "systemd"; shape: delegated, nodeleg or runc."""

    def __init__(self, image, kind, shape, sdinit_dir, overlay=True, tag="t"):
        self.image, self.kind, self.shape, self.overlay = image, kind, shape, overlay
        self.proc = None
        self.cg = None
        self.pid1 = None
        self.rc = None
        self.host_mounted = False
        self.cid = f"sdinit-image-{os.getpid()}-{tag}"
        self.run = tempfile.mkdtemp(prefix=f"boot-{kind}-{shape}-", dir=CACHE)
        os.chmod(self.run, 0o755)
        self.root = os.path.join(self.run, "root")
        self.console = os.path.join(self.run, "console")
        self.out = os.path.join(self.run, "pid1.log")
        t0 = time.monotonic()
        if overlay:
            for sub in ("upper", "work", "root"):
                os.mkdir(os.path.join(self.run, sub))
                os.chown(os.path.join(self.run, sub), MAPPED_ROOT, MAPPED_ROOT)
            bindir = os.path.join(self.run, "upper", "usr", "local", "sbin")
            os.makedirs(bindir)
            for d in ("usr", "usr/local"):
                src = os.stat(os.path.join(image, d))
                os.chmod(os.path.join(self.run, "upper", d), src.st_mode & 0o7777)
                os.chown(os.path.join(self.run, "upper", d), src.st_uid, src.st_gid)
        else:
            subprocess.run(["cp", "-a", image, self.root], check=True)
            bindir = os.path.join(self.root, "usr", "local", "sbin")
        self.prepare_seconds = time.monotonic() - t0
        for b in ("sdinit", "sdinit-manager"):
            shutil.copy(os.path.join(sdinit_dir, b), os.path.join(bindir, b))
            os.chmod(os.path.join(bindir, b), 0o755)
            os.chown(os.path.join(bindir, b), MAPPED_ROOT, MAPPED_ROOT)
        os.chown(bindir, MAPPED_ROOT, MAPPED_ROOT)
        with open(self.console, "w"):
            pass
        os.chown(self.console, MAPPED_ROOT, MAPPED_ROOT)
        self.argv = [SYSTEMD] if kind == "systemd" else [SDINIT_IN_IMAGE, "--systemd=never"]

    # ---- start ---------------------------------------------------------------------------------
    def start(self, cg2_mount):
        self.t_start = time.monotonic()
        if self.shape == "runc":
            return self._start_runc()
        name = os.path.basename(self.run)
        self.cg = cgharness.HostCgroup(cgharness.Results("image"), cg2_mount, name,
                                       delegate=(self.shape == "delegated"))
        inner = os.path.join(self.run, "inner.sh")
        with open(inner, "w") as f:
            f.write(INNER)
        os.chmod(inner, 0o755)
        ready_r, ready_w = os.pipe()
        os.set_inheritable(ready_w, True)
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "READY_FD": str(ready_w), "RUN": self.run,
               "IMAGE": self.image, "MODE": "overlay" if self.overlay else "copy",
               "HOSTNAME": HOSTNAME, "PID1_ENV": " ".join(PID1_ENV)}
        cmd = ["unshare", "--user", f"--map-users={MAPPED_ROOT},0,65536",
               f"--map-groups={MAPPED_ROOT},0,65536", "--setuid", "0", "--setgid", "0",
               "--pid", "--fork", "--mount", "--net", "--uts", "--ipc", "--kill-child",
               inner, "stage1"] + self.argv
        outf = open(self.out, "wb")
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=outf, stderr=subprocess.STDOUT,
                                     pass_fds=(ready_w,), env=env, cwd="/")
        outf.close()
        os.close(ready_w)
        with os.fdopen(ready_r) as rf:
            line = rf.readline()
        if line.strip() != "ready":
            self.proc.wait(timeout=30)
            raise RuntimeError(f"container did not get ready (rc {self.proc.returncode}): {self.output()[-2000:]}")
        self.pid1 = cgharness.find_ns_pid1(self.proc.pid)
        if self.pid1 is None:
            raise RuntimeError("cannot find the container's PID 1")
        with open(os.path.join(self.cg.path, "cgroup.procs"), "w") as f:
            f.write(str(self.pid1))
        self._record_ns()
        self.proc.stdin.write(b"go\n")
        self.proc.stdin.flush()

    def _start_runc(self):
        # runc is real root: it mounts the overlay itself (a host mount, removed in close()).
        if self.overlay:
            subprocess.run(["mount", "-t", "overlay", "overlay", "-o",
                            f"lowerdir={self.image},upperdir={self.run}/upper,workdir={self.run}/work",
                            self.root], check=True)
            self.host_mounted = True
        b = os.path.join(self.run, "bundle")
        os.mkdir(b)
        subprocess.run(["runc", "spec", "--bundle", b], check=True, capture_output=True)
        with open(os.path.join(b, "config.json")) as f:
            c = json.load(f)
        c["root"] = {"path": self.root, "readonly": False}
        p = c["process"]
        p["args"] = list(self.argv)
        p["terminal"] = False
        p["env"] = [f"PATH={PATH}", "TERM=dumb"]
        p.pop("rlimits", None)  # CAP_SYS_RESOURCE is missing on this host
        # Docker's default capability set.
        caps = ["CAP_" + c_ for c_ in ("CHOWN DAC_OVERRIDE FSETID FOWNER MKNOD NET_RAW SETGID SETUID SETFCAP "
                                       "SETPCAP NET_BIND_SERVICE SYS_CHROOT KILL AUDIT_WRITE").split()]
        p["capabilities"] = {k: list(caps) for k in ("bounding", "effective", "permitted")}
        p.pop("noNewPrivileges", None)
        c["hostname"] = HOSTNAME
        lx = c["linux"]
        lx["namespaces"] = [{"type": t} for t in ("pid", "ipc", "uts", "mount", "user", "cgroup", "network")]
        lx["uidMappings"] = [{"containerID": 0, "hostID": MAPPED_ROOT, "size": 65536}]
        lx["gidMappings"] = [{"containerID": 0, "hostID": MAPPED_ROOT, "size": 65536}]
        c["mounts"] = [m for m in c["mounts"] if m["destination"] not in ("/run", "/tmp")]
        c["mounts"] += [{"destination": "/run", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=755"]},
                        {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777"]}]
        with open(os.path.join(b, "config.json"), "w") as f:
            json.dump(c, f)
        outf = open(self.out, "wb")
        self.proc = subprocess.Popen(["runc", "run", "--bundle", b, self.cid], stdin=subprocess.DEVNULL,
                                     stdout=outf, stderr=subprocess.STDOUT, cwd="/")
        outf.close()
        # runc writes its state once the container's process runs; the PID 1 is its init process.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.proc.poll() is None:
            r = subprocess.run(["runc", "state", self.cid], capture_output=True, text=True)
            if r.returncode == 0:
                st = json.loads(r.stdout)
                if st.get("status") == "running" and st.get("pid"):
                    self.pid1 = st["pid"]
                    self._record_ns()
                    return
            # runc has no readiness notification for a foreground run: poll its state (bounded).
            self.proc_wait_short()
        raise RuntimeError(f"runc container did not start: {self.output()[-2000:]}")

    def proc_wait_short(self):
        try:
            self.proc.wait(timeout=0.05)
        except subprocess.TimeoutExpired:
            pass

    # ---- inside ----------------------------------------------------------------------------------
    def exec(self, argv, timeout=60, input=None):
        """Runs argv inside the container (all its namespaces, its root, uid 0). (rc, output)."""
        cmd = ["nsenter", "-t", str(self.pid1), "-U", "-m", "-u", "-i", "-n", "-p", "-C", "-r", "-w",
               "--", "/usr/bin/env", "-i", f"PATH={PATH}", "LANG=C.UTF-8", "SYSTEMD_PAGER=",
               "SYSTEMD_COLORS=0", "TERM=dumb"] + list(argv)
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, input=input,
                               errors="replace")
            return r.returncode, (r.stdout + r.stderr).strip()
        except subprocess.TimeoutExpired as e:
            out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
            return "timeout", out.strip()

    def sh(self, script, timeout=60):
        return self.exec(["/bin/sh", "-c", script], timeout=timeout)

    def alive(self):
        """The container runs and its PID 1 is neither gone nor a zombie."""
        if self.proc is None or self.proc.poll() is not None or self.pid1 is None:
            return False
        try:
            with open(f"/proc/{self.pid1}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return False
        # A dying pid namespace init waits for its namespace's other processes in state S or D:
        # PF_EXITING (0x4 in the flags field) tells it apart from a live one.
        return fields[0] not in ("Z", "X") and not int(fields[6]) & 0x4

    def wait_booted(self, deadline=240):
        """`systemctl is-system-running --wait` inside; (state, seconds since start). Both PID 1s
        create /run/systemd/private first; systemctl refuses to talk before /run/systemd/system
        exists, so wait for both files (bounded), then for the system state."""
        end = time.monotonic() + deadline
        root = f"/proc/{self.pid1}/root/run/systemd"
        while not (os.path.exists(root + "/private") and os.path.isdir(root + "/system")):
            if not self.alive():
                return "PID 1 exited", time.monotonic() - self.t_start
            if time.monotonic() > end:
                return "no /run/systemd/private", time.monotonic() - self.t_start
            self.proc_wait_short()
        left = max(1, int(end - time.monotonic()))
        rc, out = self.exec(["timeout", str(left), "systemctl", "is-system-running", "--wait"], timeout=left + 10)
        t = time.monotonic() - self.t_start
        if rc == 124:
            rc, out = self.exec(["systemctl", "is-system-running"], timeout=30)
            return f"{out.splitlines()[-1] if out else rc} at the {deadline:.0f} s deadline", t
        return out.splitlines()[-1] if out else f"rc={rc}", t

    def vmhwm_kb(self):
        try:
            with open(f"/proc/{self.pid1}/status") as f:
                for ln in f:
                    if ln.startswith("VmHWM:"):
                        return int(ln.split()[1])
        except OSError:
            return None
        return None

    # ---- stop --------------------------------------------------------------------------------------
    def signal(self, sig):
        if self.shape == "runc":
            subprocess.run(["runc", "kill", self.cid, str(sig)], capture_output=True, timeout=30)
        else:
            try:
                os.kill(self.pid1, sig)
            except ProcessLookupError:
                pass  # already gone: wait_exit() reports how it ended

    def wait_exit(self, timeout):
        """Waits for the container to end; (status, seconds). status: exit code, or "signal NAME"."""
        t0 = time.monotonic()
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timeout", time.monotonic() - t0
        self.rc = rc
        return (f"signal {signal.Signals(-rc).name}" if rc < 0 else rc), time.monotonic() - t0

    def leftovers(self):
        """After the container ended: host processes still in its pid namespace or user namespace
        (by namespace inode, not by uid: other containers use the same ids), and whether its
        cgroup is still populated."""
        left = []
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                ns = (os.stat(f"/proc/{name}/ns/pid").st_ino, os.stat(f"/proc/{name}/ns/user").st_ino)
                if ns[0] == self.ns[0] or ns[1] == self.ns[1]:
                    with open(f"/proc/{name}/comm") as f:
                        left.append(f"{name}:{f.read().strip()}")
            except OSError:
                continue
        populated = False
        if self.cg is not None:
            populated = "populated 1" in (cgharness.read(os.path.join(self.cg.path, "cgroup.events")) or "")
        return left, populated

    def _record_ns(self):
        self.ns = (os.stat(f"/proc/{self.pid1}/ns/pid").st_ino, os.stat(f"/proc/{self.pid1}/ns/user").st_ino)

    def output(self):
        try:
            with open(self.out, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def console_text(self):
        try:
            with open(self.console, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def close(self):
        # PID 1 first, by pid (a pid namespace's init that is killed takes every process of the
        # namespace along), then whatever a cgroup still holds.
        if self.pid1 is not None and self.proc is not None and self.proc.poll() is None and self.shape != "runc":
            try:
                os.kill(self.pid1, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.cg is not None and os.path.exists(os.path.join(self.cg.path, "cgroup.kill")):
            try:
                with open(os.path.join(self.cg.path, "cgroup.kill"), "w") as f:
                    f.write("1")
            except OSError:
                pass
        if self.proc is not None and self.proc.poll() is None:
            if self.shape == "runc":
                subprocess.run(["runc", "kill", self.cid, "KILL"], capture_output=True, timeout=30)
            else:
                self.proc.kill()  # --kill-child takes PID 1 and its pid namespace along
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        if self.shape == "runc":
            subprocess.run(["runc", "delete", "-f", self.cid], capture_output=True, timeout=60)
        if self.host_mounted:
            subprocess.run(["umount", "-l", self.root], capture_output=True)
        ok = True
        if self.cg is not None:
            ok = self.cg.close()
        shutil.rmtree(self.run, ignore_errors=True)
        return ok
