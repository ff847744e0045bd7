# SPDX-License-Identifier: MIT
"""Boot the same unit directory under Debian's real systemd 252 and under sdinit, each as PID 1 of
a user namespace (container root = host uid 100000) with a delegated cgroup v2, and talk to each
with Debian's own systemctl (nsenter into PID 1's user, mount and pid namespaces: systemctl finds
/run/systemd/private there).

The recipe is cgroup/tests/cgharness.py's (see /work/shared/TESTING.md): the host creates and
chowns the cgroup, PID 1 reports "ready" on a pipe, the host moves it into the cgroup and sends
"go", stage 2 enters a cgroup namespace and mounts cgroup2. In addition each PID 1 gets:
  - a private /run and /tmp (tmpfs): /run/systemd/private stays inside, and nothing of the
    host's /tmp is touched;
  - a private /dev whose console is a regular file of the test: systemd logs there;
  - $SYSTEMD_UNIT_PATH = the test's unit directory, then /lib/systemd/system (see unit_path()).
    systemd 252 (src/basic/path-lookup.c) takes it as the whole search path when it does not
    end in ':' (measured: `systemctl show -p UnitPath` gives exactly these two directories);
    sdinit the same.
systemd is stopped with SIGRTMIN+3, sdinit with SIGTERM. Waiting is for lines, pipes, process
exits and empty job queues, with deadlines that only bound a failure.
"""
import atexit
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "cgroup", "tests"))
import cgharness  # noqa: E402
import harness  # noqa: E402

SYSTEMD = "/lib/systemd/systemd"
SYSTEMCTL = "/usr/bin/systemctl"
SDINIT = os.path.abspath(os.environ.get("SDINIT", os.path.join(HERE, "..", "..", "build", "init", "sdinit")))
MAPPED_ROOT = cgharness.MAPPED_ROOT
write_unit_dir = cgharness.write_unit_dir
# The system's python: the one running the test may live where the mapped root cannot read.
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

INNER = r"""#!/bin/sh
# stage1: PID 1 of the new pid namespace, waits for the host to move it into the cgroup.
# stage2: after unshare --cgroup: private cgroup2, /run, /tmp and /dev, then exec PID 1.
case "$1" in
""" + cgharness.STAGE1 + r"""        shift
        exec unshare --cgroup "$0" stage2 "$@"
        ;;
stage2)
        shift
        if [ "{delegated}" = yes ]; then mount -t cgroup2 none /sys/fs/cgroup || exit 93; fi
        mount -t tmpfs -o mode=755 tmpfs /run || exit 95
        mount -t tmpfs -o mode=1777 tmpfs /tmp || exit 95
        for d in {tmpfs_dirs}; do [ ! -d "$d" ] || mount -t tmpfs -o mode=755 tmpfs "$d" || exit 95; done
        {binds}
        d=$(mktemp -d /run/dev.XXXXXX) && mount -t tmpfs -o mode=755 tmpfs "$d" || exit 96
        for n in null zero full random urandom tty; do
                [ -e /dev/$n ] || continue
                touch "$d/$n" && mount --bind /dev/$n "$d/$n" || exit 96
        done
        touch "$d/console" && mount --bind "{console}" "$d/console" || exit 96
        mkdir "$d/pts" "$d/shm" && mount --rbind /dev/pts "$d/pts" && ln -s pts/ptmx "$d/ptmx" || exit 96
        mount -t tmpfs -o mode=1777 tmpfs "$d/shm" || exit 96
        ln -s /proc/self/fd "$d/fd" && mount --move "$d" /dev && rmdir "$d" || exit 96
        {setup}
        exec "$@"
        ;;
esac
exit 94
"""


SCRATCH_BASE = "/var/lib/sdinit-tests"


def scratch_dir(prefix):
    """A new work directory (mode 0755) below /var/lib/sdinit-tests: not below /var/tmp or /tmp,
    where a booted PID 1 gets its own."""
    os.makedirs(SCRATCH_BASE, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=prefix, dir=SCRATCH_BASE)
    os.chmod(tmp, 0o755)
    return tmp


def scratch_remove(tmp):
    """Removes a scratch_dir() (kept with $SDINIT_SANDBOX_KEEP=1), and the base when it is empty."""
    if os.environ.get("SDINIT_SANDBOX_KEEP") == "1":
        return
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        os.rmdir(SCRATCH_BASE)
    except OSError:
        pass


def copy_binaries(tmp):
    """PID 1 gets a /var/tmp of its own, which hides a checkout below /var/tmp (a CI clone): from
    now on a copy of sdinit and sdinit-manager in tmp/bin boots (the front-end finds the manager
    beside itself)."""
    global SDINIT
    bindir = os.path.join(tmp, "bin")
    os.makedirs(bindir)
    os.chmod(bindir, 0o755)
    for b in ("sdinit", "sdinit-manager"):
        shutil.copy2(os.path.join(os.path.dirname(SDINIT), b), bindir)
    SDINIT = os.path.join(bindir, "sdinit")


class Unavailable(Exception):
    """The delegated-cgroup recipe cannot run here (not root, no user namespaces, no cgroup2)."""


def preflight_or_none():
    """(cg2 mount point, None), or (None, why) where the delegated-cgroup recipe cannot run (the
    tests that then assert a recorded table, or run sdinit alone)."""
    try:
        return preflight(), None
    except Unavailable as e:
        return None, str(e)


def preflight():
    """The host's cgroup2 mount point, or raises Unavailable with the reason.
    $SDINIT_TEST_NO_DELEGATION=1 pretends there is none (to exercise the recorded-table path)."""
    if os.environ.get("SDINIT_TEST_NO_DELEGATION") == "1":
        raise Unavailable("$SDINIT_TEST_NO_DELEGATION=1")
    class R(cgharness.Results):
        def skip(self, msg):
            raise Unavailable(msg)
    return cgharness.preflight(R("oracle"))[0]


class Pid1:
    """`argv` as PID 1 in a delegated cgroup `name` below the host's cgroup2 mount."""

    def __init__(self, cg2, name, workdir, argv, env, tmpfs_dirs=(), binds=(), setup=":"):
        self.res = cgharness.Results(name)
        self.proc = None
        self.pid1 = None
        # cg2 None: no cgroup of our own (the not-delegated case; sdinit only).
        self.hc = cgharness.HostCgroup(self.res, cg2, name, True) if cg2 else None
        self.console = os.path.join(workdir, f"console-{name}")
        open(self.console, "w").close()
        os.chmod(self.console, 0o666)
        try:
            ready_r, ready_w = os.pipe()
            os.set_inheritable(ready_w, True)
            inner = os.path.join(workdir, f"inner-{name}.sh")
            with open(inner, "w") as f:
                f.write(INNER.replace("{ready_fd}", str(ready_w)).replace("{console}", self.console)
                        .replace("{delegated}", "yes" if cg2 else "no")
                        .replace("{tmpfs_dirs}", " ".join(tmpfs_dirs) or "/nonexistent")
                        .replace("{binds}", "".join(f"mount --bind '{a}' '{b}' || exit 95; " for a, b in binds) or ":")
                        .replace("{setup}", setup + " || exit 97"))
            os.chmod(inner, 0o755)
            cmd = ["unshare", "--user", f"--map-users={MAPPED_ROOT},0,65536", f"--map-groups={MAPPED_ROOT},0,65536",
                   "--setuid", "0", "--setgid", "0", "--pid", "--fork", "--mount", "--mount-proc", "--kill-child",
                   inner, "stage1"] + list(argv)
            e = {k: v for k, v in os.environ.items() if not k.startswith(("SYSTEMD_", "NOTIFY_SOCKET", "LISTEN_"))}
            e.update(env)
            self.out = open(os.path.join(workdir, f"stdout-{name}"), "wb+")
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=self.out, stderr=subprocess.STDOUT,
                                         pass_fds=(ready_w,), env=e)
            os.close(ready_w)
            with os.fdopen(ready_r) as rf:
                ready, _, _ = select.select([rf], [], [], 60)
                line = rf.readline() if ready else ""
            if line.strip() != "ready":
                raise RuntimeError(f"PID 1 did not get ready: {self.output()}")
            self.pid1 = cgharness.find_ns_pid1(self.proc.pid)
            if self.pid1 is None:
                raise RuntimeError("cannot find the namespace's PID 1")
            if self.hc:
                with open(os.path.join(self.hc.path, "cgroup.procs"), "w") as f:
                    f.write(str(self.pid1))
            self.proc.stdin.write(b"go\n")
            self.proc.stdin.flush()
        except BaseException:
            self.close()
            raise

    def output(self):
        text = ""
        for p in (self.console, self.out.name if getattr(self, "out", None) else None):
            if p:
                with open(p, errors="replace") as f:
                    text += f.read()
        return text

    def systemctl(self, *args, timeout=60):
        """Debian's systemctl inside PID 1's namespaces: (exit status, stdout, stderr)."""
        cmd = ["nsenter", "-t", str(self.pid1), "-U", "-m", "-p", SYSTEMCTL, "--no-pager", "--no-ask-password"] + list(args)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout, p.stderr

    def connect(self, path, timeout=30):
        """A client inside the namespaces connects to the AF_UNIX stream socket and leaves the
        connection in the listener's queue (it exits without sending)."""
        code = f"import socket; s = socket.socket(socket.AF_UNIX); s.connect({path!r})"
        cmd = ["nsenter", "-t", str(self.pid1), "-U", "-m", "-p", PY, "-c", code]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout).returncode

    def wait_not_active(self, unit, deadline=10):
        """Until `unit` is seen not active with no job queued and nothing activating (a settled
        state). The deadline bounds the case where it stays active (a socket that keeps a
        connection it never hands over): the caller compares the state."""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            self.settle()
            if self.show([unit], ("ActiveState",))[unit].get("ActiveState") != "active":
                return
            time.sleep(0.05)

    def wait_ready(self, deadline=60):
        """Until PID 1 answers on /run/systemd/private and its boot job is done."""
        end = time.monotonic() + deadline
        while True:
            rc, out, err = self.systemctl("is-system-running")
            if out.strip() in ("running", "degraded"):
                return out.strip()
            if self.proc.poll() is not None:
                raise RuntimeError(f"PID 1 exited ({self.proc.returncode}): {self.output()[-3000:]}")
            if time.monotonic() > end:
                raise TimeoutError(f"PID 1 not ready ({out.strip()} {err.strip()}): {self.output()[-3000:]}")
            time.sleep(0.05)  # polls a state with a deadline; the answer is what is waited for

    def settle(self, patterns=("*.service", "*.socket"), deadline=60):
        """Until the job queue is empty and no unit is activating or deactivating (dependency
        propagation and automatic restarts are asynchronous)."""
        end = time.monotonic() + deadline
        while True:
            rc, out, err = self.systemctl("list-jobs", "--no-legend")
            if rc == 0 and not out.strip():
                rc, out, err = self.systemctl("list-units", "--all", "--no-legend", "--plain",
                                              "--state=activating,deactivating", *patterns)
                if rc == 0 and not out.strip():
                    return
            if time.monotonic() > end:
                raise TimeoutError(f"jobs left: {out}{err}")
            time.sleep(0.05)

    def show(self, units, props=("LoadState", "ActiveState", "SubState", "Result")):
        """{unit: {prop: value}} from one `systemctl show` call."""
        rc, out, err = self.systemctl("show", "-p", ",".join(props), *units)
        blocks = out.split("\n\n")
        got = {}
        for u, b in zip(units, blocks):
            got[u] = dict(ln.split("=", 1) for ln in b.strip().splitlines() if "=" in ln)
        return got

    def stop(self, sig, timeout=60):
        try:
            os.kill(self.pid1, sig)
        except ProcessLookupError:
            pass
        return self.proc.wait(timeout=timeout)

    def close(self):
        if self.proc and self.proc.poll() is None:
            # systemd clears the parent-death signal that --kill-child sets: kill PID 1 itself
            # (by its host pid), the pid namespace takes the rest along.
            if self.pid1:
                try:
                    os.kill(self.pid1, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.kill()
            self.proc.wait()
        if getattr(self, "out", None):
            self.out.close()
        if self.hc:
            self.hc.close()
        return not self.res.failures


def unit_path(unitdir):
    """The test's units first; Debian's own directory after it for what SIGRTMIN+3 starts in
    systemd (halt.target, systemd-halt.service). Test units use DefaultDependencies=no, so
    nothing else of the host is loaded."""
    return f"{unitdir}:/lib/systemd/system"


def boot_systemd(cg2, name, workdir, unitdir, tmpfs_dirs=(), binds=(), log_target="console", setup=":"):
    """log_target: "console" (the console file of the test), or "journal-or-kmsg" as systemd's
    default, for tests that compare what reaches the journal. setup: a shell command run in the
    PID 1's namespaces just before the exec (after the private /run, /tmp, /dev and tmpfs_dirs)."""
    if not os.access(SYSTEMD, os.X_OK) or not os.access(SYSTEMCTL, os.X_OK):
        raise Unavailable("Debian's systemd (/lib/systemd/systemd, systemctl) is not installed")
    return Pid1(cg2, name, workdir, [SYSTEMD, f"--log-target={log_target}", "--log-level=info", "--show-status=no"],
                {"SYSTEMD_UNIT_PATH": unit_path(unitdir), "container": "sdinit-test"}, tmpfs_dirs, binds, setup)


def boot_sdinit(cg2, name, workdir, unitdir, tmpfs_dirs=(), binds=(), setup=":"):
    return Pid1(cg2, name, workdir, [SDINIT], {"SYSTEMD_UNIT_PATH": unit_path(unitdir), "SDINIT_SYSTEMD": "never"},
                tmpfs_dirs, binds, setup)


def stop_systemd(p):
    return p.stop(signal.SIGRTMIN + 3)


def stop_sdinit(p):
    return p.stop(signal.SIGTERM)


def boot(kind, cg2, name, workdir, unitdir, tmpfs_dirs=(), binds=(), setup=":"):
    """boot_systemd() or boot_sdinit() by `kind` ("systemd" or "sdinit")."""
    return (boot_systemd if kind == "systemd" else boot_sdinit)(cg2, name, workdir, unitdir, tmpfs_dirs, binds,
                                                                setup=setup)


def stop(kind, p):
    """Stops `p` the way the manager `kind` is stopped: its exit status."""
    return (stop_systemd if kind == "systemd" else stop_sdinit)(p)


def boot_ready(kind, cg2, name, workdir, unitdir, tmpfs_dirs=(), binds=(), setup=":", attempts=3):
    """boot() and wait_ready(). Another test on this machine that enabled +hugetlb in the host's
    cgroup2 root may disable it again (cgharness restores what it changed) while this PID 1 boots:
    systemd then exits 255 at once. Booted again, at most attempts - 1 times; any other failure
    stays one (and the PID 1 is closed)."""
    for attempt in range(attempts):
        p = boot(kind, cg2, name, workdir, unitdir, tmpfs_dirs, binds, setup)
        try:
            p.wait_ready()
            return p
        except BaseException as e:
            p.close()
            if not isinstance(e, RuntimeError) or "PID 1 exited (255)" not in str(e) or attempt == attempts - 1:
                raise
            print(f"# {kind} exited 255 while booting (a controller of the delegated cgroup went away?): again")


def boot_and_run(kind, cg2, name, workdir, unitdir, run, tmpfs_dirs=()):
    """Boots `kind` ("systemd" or "sdinit") as PID 1 of the cgroup `name`, calls run(p) and stops it
    the way that manager is stopped: (what run returned, PID 1's exit status, its output)."""
    p = boot(kind, cg2, name, workdir, unitdir, tmpfs_dirs)
    try:
        got = run(p)
        rc = stop(kind, p)
        return got, rc, p.output()
    finally:
        p.close()


def settled(p):
    """p once its boot is done and its job queue empty (under systemd: units' own jobs too)."""
    p.wait_ready()
    p.settle()
    return p


def sanitizer_lines(out):
    """The lines of a PID 1's output in which ASan, LSan or UBSan report something."""
    return harness.sanitizer_lines(out)


def check_sdinit_exit(tap, rc, out):
    bad = sanitizer_lines(out)
    tap.ok(rc == 0 and not bad, "sdinit exits 0 on SIGTERM, no sanitizer report", "\n".join(bad[:20]) or rc)


def boot_both(tap, cg2, why, boot_and_run_kind):
    """Runs boot_and_run_kind(kind) -> (got, rc, out) for systemd, then sdinit; systemd is skipped
    loudly when there is no delegated cgroup (cg2 None, `why`), either when it raises Unavailable.
    Returns {kind: got} for those that booted."""
    results = {}
    for kind in ("systemd", "sdinit"):
        if cg2 is None and kind == "systemd":
            tap.skip("systemd boots", f"LOUD SKIP: no delegated cgroup v2 ({why}): systemd NOT booted, "
                     "sdinit is compared with the recorded table only")
            continue
        try:
            got, rc, out = boot_and_run_kind(kind)
        except Unavailable as e:
            tap.skip(f"{kind} boots", str(e))
            continue
        results[kind] = got
        tap.ok(True, f"{kind} booted, ran {len(got)} cells and stopped (status {rc})")
        if kind == "sdinit":
            check_sdinit_exit(tap, rc, out)
    return results


def print_expected(results):
    """--record: systemd's results as the EXPECTED table to paste into the test. False when
    systemd did not boot."""
    if "systemd" not in results:
        print("# cannot record: systemd did not boot", file=sys.stderr)
        return False
    print("EXPECTED = {")
    for k, v in results["systemd"].items():
        print(f"    {k!r}: {v!r},")
    print("}")
    return True


def reference(tap, sd, expected, name):
    """What sdinit's cell `name` is compared with: systemd's result of this run (which must still be
    the recorded one), or the recorded one when systemd did not boot. (reference, its source)."""
    if sd is None:
        return expected.get(name), "systemd (recorded)"
    ref = sd.get(name)
    if name in expected and expected[name] != ref:
        tap.ok(False, f"{name}: systemd still gives the recorded result", f"recorded {expected[name]}\nnow      {ref}")
    return ref, "systemd (this run)"


def compare_with_reference(tap, sd, mine, expected, names, known=None):
    """Each cell of `names`: sdinit's (mine; nothing when sdinit did not boot) equals reference()'s;
    a cell in `known` is skipped loudly with its reason."""
    for name in names:
        ref, src = reference(tap, sd, expected, name)
        if mine is None:
            continue
        if known and name in known:
            tap.skip(f"{name}: sdinit as {src}", f"known difference: {known[name]}; systemd {ref}, sdinit {mine[name]}")
            continue
        tap.eq(mine[name], ref, f"{name}: sdinit as {src}")


# ---- probe units: a program run as ExecStart= of oneshot units that prints key=value lines ----

# The lines of /proc/PID/status that the sandbox sets and the oracle tests compare.
STATUS_KEYS = ("Uid", "Gid", "Groups", "NoNewPrivs", "Seccomp", "Seccomp_filters", "CapInh", "CapPrm", "CapEff", "CapBnd",
               "CapAmb", "SigBlk", "SigIgn", "SigCgt")


def status_fields(text, keys=STATUS_KEYS):
    """{key: value with its white space folded} of the `keys` lines of a /proc/PID/status text."""
    got = {}
    for line in text.splitlines():
        k, _, v = line.partition(":")
        if k in keys:
            got[k] = " ".join(v.split())
    return got


def root_or_skip(tap, what):
    """The delegated cgroup2 mount for a test that boots systemd and sdinit, or a loud skip (which
    exits): not root, or no delegated cgroup v2."""
    if os.geteuid() != 0:
        tap.skip(what, "needs root (user namespaces with subordinate ids)")
        tap.run([])
    try:
        return preflight()
    except Unavailable as e:
        tap.skip(what, f"LOUD SKIP: no delegated cgroup v2 ({e}): systemd cannot boot, nothing compared")
        tap.run([])


def probe_workdirs(prefix):
    """(work, probe_dir): the test's files in /var/tmp and a directory for the probe in /srv, both
    0755, removed when the test exits unless $SDINIT_TEST_KEEP=1. The probe runs inside the units'
    sandboxes, where PrivateTmp= (also implied by DynamicUser=) hides /tmp and /var/tmp (and a
    checkout below them, a CI clone)."""
    work = tempfile.mkdtemp(prefix=f"{prefix}-", dir="/var/tmp")
    os.chmod(work, 0o755)
    probe_dir = tempfile.mkdtemp(prefix=f"{prefix}-probe-", dir="/srv")
    os.chmod(probe_dir, 0o755)

    def clean():
        if os.environ.get("SDINIT_TEST_KEEP") != "1":
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(probe_dir, ignore_errors=True)
        else:
            print(f"# kept {work} and {probe_dir}")
    atexit.register(clean)
    return work, probe_dir


def write_probe_units(unitdir, work, exec_start, units):
    """One oneshot NAME.service a unit of `units` ({name: [Service] lines, "{work}" replaced}),
    running `exec_start` with its standard output in WORK/out/NAME (see fresh_outdir())."""
    os.makedirs(unitdir, exist_ok=True)
    for name, body in units.items():
        with open(os.path.join(unitdir, f"{name}.service"), "w") as f:
            f.write(f"[Unit]\nDescription=sandbox probe {name}\nDefaultDependencies=no\n\n[Service]\nType=oneshot\n"
                    f"ExecStart={exec_start}\n{body.replace('{work}', work)}"
                    f"StandardOutput=truncate:{work}/out/{name}\nStandardError=journal\n")


def fresh_outdir(work):
    """WORK/out, empty and writable by every service user."""
    out = os.path.join(work, "out")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    os.chmod(out, 0o777)
    return out


def parse_probe(path):
    """{key: value} of a probe's key=value lines ("probe-done" alone: probe-done=yes; a user_env=
    line holds several space-separated pairs); {} when the probe wrote nothing."""
    got = {}
    try:
        with open(path) as f:
            for line in f:
                for part in line.rstrip("\n").split(" ") if line.startswith("user_env=") else [line.rstrip("\n")]:
                    if "=" in part:
                        k, v = part.split("=", 1)
                        got[k] = v.strip()
                    elif part == "probe-done":
                        got["probe-done"] = "yes"
    except FileNotFoundError:
        pass
    return got


def start_probe(p, name, outdir):
    """`systemctl start NAME.service` and what its probe printed, with the start's exit status
    (systemctl_rc) and the unit's Result and ExecMainStatus."""
    unit = f"{name}.service"
    rc, so, se = p.systemctl("start", unit, timeout=60)
    st = p.show([unit], ("Result", "ExecMainStatus", "ActiveState"))[unit]
    got = parse_probe(os.path.join(outdir, name))
    got.update({"systemctl_rc": str(rc), "Result": st.get("Result", ""), "ExecMainStatus": st.get("ExecMainStatus", "")})
    return got


def compare_cell(tap, name, a, b, known):
    """systemd's `a` and sdinit's `b` for the cell `name`: the same, or, where `known` gives the
    reason of a difference, different (so that a change on either side is seen)."""
    if name in known:
        tap.ok(a != b, f"{name}: known difference ({known[name]}): systemd {a!r}, sdinit {b!r}")
    elif name.endswith(" Seccomp_filters"):
        tap.ok(seccomp_filters_match(a, b), f"{name}: systemd {a}, sdinit {b} (fewer programs, same verdicts)")
    else:
        tap.eq(b, a, f"{name}: sdinit as systemd ({a})")


def seccomp_filters_match(systemd, sdinit):
    """/proc/PID/status Seccomp_filters: systemd 252 loads one program per setting and architecture,
    sdinit one for all the settings that allow by default, one per SystemCallArchitectures=,
    SystemCallLog= and SystemCallFilter= (README, "The service sandbox in the process"): the same
    verdicts, which the probes compare call by call. Here: both none, or both some and sdinit's no
    more than systemd's."""
    try:
        a, b = int(systemd), int(sdinit)
    except (TypeError, ValueError):
        return systemd == sdinit
    return (a == 0) == (b == 0) and b <= a


# ---- the corpus: Debian 12 packages' own unit files (../shared/corpus) ----

CORPUS = os.environ.get("SDINIT_CORPUS", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                                       "shared", "corpus"))
if not os.path.isdir(CORPUS):
    CORPUS = "/work/shared/corpus"


def corpus_service_lines(keep):
    """[(path, [(key, value) of its [Service] lines whose key is in `keep`], the value of its last
    non-empty ExecStart=)] for every service unit file of the corpus (not the symlinks), in order."""
    import glob
    out = []
    for path in sorted(glob.glob(os.path.join(CORPUS, "*", "system", "*.service"))):
        if os.path.islink(path):
            continue
        kept, exec_start, section = [], "", None
        with open(path, errors="replace") as f:
            for line in f:
                line = line.strip()
                if line.startswith("["):
                    section = line
                    continue
                if section != "[Service]" or "=" not in line or line.startswith(("#", ";")):
                    continue
                k, v = (x.strip() for x in line.split("=", 1))
                if k == "ExecStart" and v:
                    exec_start = v
                if k in keep:
                    kept.append((k, v))
        out.append((path, kept, exec_start))
    return out
