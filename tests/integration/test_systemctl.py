#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""systemctl against sdinit as PID 1 (issue 7): Debian's real /usr/bin/systemctl (package
systemd) talks to sdinit's D-Bus API on /run/systemd/private exactly as it talks to systemd, run
inside the container's namespaces. Every verb is checked for its exit code and for its effect on
the services (a new main pid after restart, ExecReload= having run, a signal received, a changed
unit picked up by daemon-reload, the container's exit status after `systemctl exit N`).

The same matrix then runs against sdinit's own systemctl (the `systemctl` personality), whose exit
codes must be the same: every check asserts the exit code systemd's systemctl gives."""
import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import DEADLINE, SDINIT, Skip, Tap, poll, until  # noqa: E402

REAL = "/usr/bin/systemctl"

UNITS = {
    "default.target": "[Unit]\nDescription=Test target\nWants=a.service noreload.service\n",
    "a.service": """[Unit]
Description=Service A
[Service]
ExecStart=/bin/sh -c 'trap "echo usr1 >> @STATE@/a.signals" USR1; echo started >> @STATE@/a.starts; while :; do sleep 1000 & wait; done'
ExecReload=/bin/sh -c 'echo reload >> @STATE@/a.reloads'
[Install]
WantedBy=multi-user.target
""",
    "noreload.service": "[Unit]\nDescription=No reload\n[Service]\nExecStart=/bin/sleep infinity\n",
    "fail.service": "[Unit]\nDescription=Fails\n[Service]\nType=oneshot\nExecStart=/bin/false\n",
    "later.service": "[Unit]\nDescription=Started later\n[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n",
    "gated.service": "[Unit]\nDescription=Waits for the test\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                     "ExecStart=/bin/sh -c 'read x < @STATE@/gate'\n",
    "notify.service": "[Unit]\nDescription=Notify via systemd-notify\n[Service]\nType=notify\nNotifyAccess=all\n"
                      "ExecStart=/bin/sh -c 'systemd-notify --ready --status=serving; exec sleep infinity'\n",
    "limited.service": "[Unit]\nDescription=Rate-limited\nStartLimitBurst=1\nStartLimitIntervalSec=1h\n"
                       "[Service]\nExecStart=/bin/sleep infinity\n",
    "refuse.service": "[Unit]\nRefuseManualStart=yes\n[Service]\nExecStart=/bin/sleep infinity\n",
    # ipa-otpd's shape: a socket with per-connection instances, stopped with --ignore-dependencies.
    "otp.socket": "[Unit]\nDescription=OTP socket\n[Socket]\nListenStream=@STATE@/otp.sock\nAccept=yes\n",
    "otp@.service": "[Unit]\nDescription=OTP connection\n[Service]\nExecStart=/bin/cat\nStandardInput=socket\n",
}


_impls = []


def impls():
    """Debian's systemctl, then sdinit's own: the front-end invoked as `systemctl` (a symlink in
    a directory of ours, removed at exit)."""
    if not _impls:
        d = tempfile.mkdtemp(prefix="sdinit-ctl-")
        atexit.register(shutil.rmtree, d, True)
        os.chmod(d, 0o755)
        os.symlink(SDINIT, os.path.join(d, "systemctl"))
        _impls.extend([("real", REAL), ("sdinit", os.path.join(d, "systemctl"))])
    return _impls


class Ctl:
    def __init__(self, boot, binary):
        self.b = boot
        self.binary = binary

    def __call__(self, *args, user=None, timeout=30):
        pid = self.b.p.host_pid()
        cmd = ["nsenter", "-t", str(pid), "-U", "-m", "-p", "-n", "--preserve-credentials"]
        if user is not None:
            cmd += ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"]
        cmd += [self.binary, "--no-pager"] + list(args)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SYSTEMD_COLORS": "0"}
        # The sanitizer build's settings (LeakSanitizer cannot work in these namespaces).
        env.update({k: v for k, v in os.environ.items() if k.endswith("SAN_OPTIONS")})
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)

    def prop(self, unit, name):
        return self("show", "-p", name, "--value", unit).stdout.strip()


def lines(path):
    try:
        with open(path) as f:
            return f.read().split()
    except FileNotFoundError:
        return []


def matrix(tap, name, binary):
    # /etc/systemd/system (a private tmpfs in the test) first, as in systemd's search path, so that
    # enable/mask take effect there.
    with Boot(UNITS, net=True, files={"gate": None}, env={"SYSTEMD_UNIT_PATH": "/etc/systemd/system:@UNITS@"}) as b:
        b.booted()
        ctl = Ctl(b, binary)
        st = b.state
        t = f"{name}: "

        r = ctl("is-active", "a.service")
        tap.ok(r.returncode == 0 and r.stdout.strip() == "active", t + "is-active on an active service: 'active', 0", r.stdout + r.stderr)
        r = ctl("is-active", "later.service")
        tap.ok(r.returncode == 3 and r.stdout.strip() == "inactive", t + "is-active on an inactive service: 'inactive', 3", r.stdout)
        r = ctl("status", "a.service")
        tap.ok(r.returncode == 0 and "Active: active (running)" in r.stdout and "Service A" in r.stdout,
               t + "status of a running service: exit 0 with its state", r.stdout + r.stderr)
        r = ctl("status", "later.service")
        tap.eq(r.returncode, 3, t + "status of an inactive service: exit 3")
        r = ctl("status", "no-such.service")
        tap.ok(r.returncode == 4 and "could not be found" in r.stderr, t + "status of a unit that does not exist: exit 4", r.stderr)

        # start / stop with their effects
        r = ctl("start", "later.service")
        tap.ok(r.returncode == 0 and ctl.prop("later.service", "ActiveState") == "active", t + "start: waits for the job, unit active",
               r.stderr)
        pid = int(ctl.prop("later.service", "MainPID"))
        r = ctl("stop", "later.service")
        tap.ok(r.returncode == 0 and ctl.prop("later.service", "ActiveState") == "inactive" and
               not os.path.exists(f"/proc/{b.p.host_pid()}/root/proc/{pid}/stat") or
               ctl.prop("later.service", "MainPID") == "0", t + "stop: unit inactive, its process gone", r.stderr)
        r = ctl("start", "no-such.service")
        tap.ok(r.returncode == 5 and "not found" in r.stderr, t + "start of a missing unit: 'not found', exit 5", f"{r.returncode} {r.stderr}")
        r = ctl("start", "fail.service")
        tap.ok(r.returncode != 0 and "Job for fail.service failed" in r.stderr, t + "start of a failing unit: job failed, non-zero",
               f"{r.returncode} {r.stderr}")
        r = ctl("is-failed", "fail.service")
        tap.ok(r.returncode == 0 and r.stdout.strip() == "failed", t + "is-failed: 'failed', 0", r.stdout)
        r = ctl("status", "fail.service")
        tap.eq(r.returncode, 3, t + "status of a failed unit: exit 3")
        r = ctl("reset-failed", "fail.service")
        r2 = ctl("is-failed", "fail.service")
        tap.ok(r.returncode == 0 and r2.returncode == 1 and r2.stdout.strip() == "inactive", t + "reset-failed: no longer failed",
               r2.stdout)
        r = ctl("start", "refuse.service")
        tap.ok(r.returncode != 0 and "refused" in r.stderr, t + "RefuseManualStart=: start refused", r.stderr)

        # the start rate limit counts restarts; a refused start ends its job (no hang)
        r = ctl("start", "limited.service")
        r2 = ctl("restart", "limited.service")
        r3 = ctl("restart", "limited.service")
        tap.ok(r.returncode == 0 and r2.returncode == 1 and "too often" in r2.stderr and r3.returncode == 1 and
               ctl.prop("limited.service", "Result") == "start-limit-hit", t + "StartLimitBurst=1: a restart is refused, twice",
               f"{r.returncode} {r2.returncode} {r3.returncode} {r3.stderr}")
        ctl("reset-failed", "limited.service")

        # restart, try-restart, reload, reload-or-restart
        # A Type=simple service is started once its process is forked: its shell writes to a.starts
        # (after installing its USR1 trap, which the kill below needs) some time after the start or
        # restart returns. Wait for the lines, bounded by the deadline.
        starts = os.path.join(st, "a.starts")
        first = poll(lambda: lines(starts).count("started") == 1)
        old = ctl.prop("a.service", "MainPID")
        r = ctl("restart", "a.service")
        new = ctl.prop("a.service", "MainPID")
        second = poll(lambda: lines(starts).count("started") == 2)
        tap.ok(first and r.returncode == 0 and new != old and new != "0" and second,
               t + "restart: a new main process", f"{old} -> {new}, a.starts: {lines(starts)}")
        r = ctl("reload", "a.service")
        tap.ok(r.returncode == 0 and lines(os.path.join(st, "a.reloads")) == ["reload"] and ctl.prop("a.service", "MainPID") == new,
               t + "reload: ExecReload= ran, same main process", r.stderr)
        r = ctl("reload", "noreload.service")
        tap.ok(r.returncode != 0 and "not applicable" in r.stderr, t + "reload without ExecReload=: not applicable", r.stderr)
        r = ctl("reload-or-restart", "a.service")
        tap.ok(r.returncode == 0 and lines(os.path.join(st, "a.reloads")) == ["reload", "reload"],
               t + "reload-or-restart on a reloadable unit reloads", r.stderr)
        old = ctl.prop("noreload.service", "MainPID")
        r = ctl("reload-or-restart", "noreload.service")
        tap.ok(r.returncode == 0 and ctl.prop("noreload.service", "MainPID") not in (old, "0"),
               t + "reload-or-restart on a unit without ExecReload= restarts", r.stderr)
        r = ctl("try-restart", "later.service")
        tap.ok(r.returncode == 0 and ctl.prop("later.service", "ActiveState") == "inactive",
               t + "try-restart leaves an inactive unit inactive", r.stderr)
        old = ctl.prop("noreload.service", "MainPID")
        r = ctl("try-restart", "noreload.service")
        tap.ok(r.returncode == 0 and ctl.prop("noreload.service", "MainPID") not in (old, "0"),
               t + "try-restart restarts an active unit", r.stderr)

        # kill
        r = ctl("kill", "-s", "USR1", "--kill-whom=main", "a.service")
        until(lambda: lines(os.path.join(st, "a.signals")) == ["usr1"], "SIGUSR1 reached the service")
        tap.ok(r.returncode == 0 and ctl.prop("a.service", "ActiveState") == "active", t + "kill -s USR1: the main process got it")

        # show, cat, list-units, list-jobs
        r = ctl("show", "-p", "Id,Type,ActiveState,FragmentPath", "a.service")
        want = {"Id=a.service", "Type=simple", "ActiveState=active", f"FragmentPath={b.dir}/a.service"}
        tap.ok(r.returncode == 0 and set(r.stdout.split("\n")) >= want, t + "show -p: the properties asked for", r.stdout)
        r = ctl("cat", "a.service")
        tap.ok(r.returncode == 0 and r.stdout.startswith(f"# {b.dir}/a.service") and "ExecReload=" in r.stdout,
               t + "cat: the fragment with its path", r.stdout[:200])
        r = ctl("list-units", "--no-legend", "--plain", "*.service")
        names = [l.split()[0] for l in r.stdout.splitlines() if l.strip()]
        tap.ok(r.returncode == 0 and "a.service" in names and "default.target" not in names and "later.service" not in names,
               t + "list-units with a pattern: the active services", r.stdout)
        r = ctl("list-units", "--no-legend", "--plain", "--state=failed")
        tap.ok(r.returncode == 0 and r.stdout.strip() == "", t + "list-units --state=failed: none after reset-failed", r.stdout)
        ctl("start", "fail.service")
        r = ctl("list-units", "--no-legend", "--plain", "--state=failed")
        tap.ok([l.split()[0] for l in r.stdout.splitlines()] == ["fail.service"], t + "list-units --state=failed lists it", r.stdout)
        r = ctl("--no-block", "start", "gated.service")
        r2 = ctl("list-jobs", "--no-legend")
        tap.ok(r.returncode == 0 and "gated.service" in r2.stdout and "start" in r2.stdout, t + "list-jobs shows a running start job",
               r2.stdout)
        r = ctl("is-active", "gated.service")
        tap.ok(r.returncode == 3 and r.stdout.strip() == "activating", t + "is-active while starting: 'activating', 3", r.stdout)
        with open(os.path.join(st, "gate"), "w") as f:
            f.write("go\n")
        until(lambda: ctl.prop("gated.service", "ActiveState") == "active", "gated.service active")
        r = ctl("list-jobs")
        tap.ok("No jobs running." in r.stdout, t + "list-jobs: none once done", r.stdout)

        # daemon-reload picks up a changed unit
        with open(os.path.join(b.dir, "later.service"), "w") as f:
            f.write(UNITS["later.service"].replace("Started later", "Changed on disk"))
        r = ctl("daemon-reload")
        tap.ok(r.returncode == 0 and ctl.prop("later.service", "Description") == "Changed on disk",
               t + "daemon-reload: a changed unit file is read again", ctl.prop("later.service", "Description"))

        # enable / disable / mask / unmask, is-enabled
        r = ctl("is-enabled", "later.service")
        tap.ok(r.returncode == 1 and r.stdout.strip() == "disabled", t + "is-enabled: 'disabled', 1", r.stdout + r.stderr)
        r = ctl("enable", "later.service")
        link = os.path.join("/etc/systemd/system/multi-user.target.wants/later.service")
        tap.ok(r.returncode == 0 and "Created symlink" in r.stderr + r.stdout, t + "enable: creates the .wants symlink",
               r.stdout + r.stderr)
        r = ctl("is-enabled", "later.service")
        tap.ok(r.returncode == 0 and r.stdout.strip() == "enabled", t + "is-enabled after enable: 'enabled', 0", r.stdout + r.stderr)
        r = ctl("disable", "later.service")
        r2 = ctl("is-enabled", "later.service")
        tap.ok(r.returncode == 0 and r2.stdout.strip() == "disabled", t + "disable: 'disabled' again", r2.stdout + r2.stderr)
        r = ctl("mask", "later.service")
        r2 = ctl("is-enabled", "later.service")
        tap.ok(r.returncode == 0 and r2.stdout.strip() == "masked" and r2.returncode == 1, t + "mask: is-enabled says 'masked'",
               r2.stdout + r2.stderr)
        r = ctl("start", "later.service")
        tap.ok(r.returncode != 0 and "masked" in r.stderr, t + "start of a masked unit fails", r.stderr)
        r = ctl("unmask", "later.service")
        r2 = ctl("is-enabled", "later.service")
        tap.ok(r.returncode == 0 and r2.stdout.strip() == "disabled", t + "unmask: back to 'disabled'", r2.stdout + r2.stderr)
        del link
        r = ctl("list-unit-files", "--no-legend", "a.service", "later.service")
        got = {l.split()[0]: l.split()[1] for l in r.stdout.splitlines() if l.strip()}
        tap.ok(r.returncode == 0 and got.get("later.service") == "disabled", t + "list-unit-files: name and state", r.stdout + r.stderr)

        # systemd-notify --ready from a notify service
        r = ctl("start", "notify.service")
        tap.ok(r.returncode == 0 and ctl.prop("notify.service", "StatusText") == "serving",
               t + "systemd-notify --ready --status= from a Type=notify service", r.stderr)

        r = ctl("is-system-running")
        tap.ok(r.returncode != 0 and r.stdout.strip() == "degraded", t + "is-system-running with a failed unit: 'degraded'",
               r.stdout)

        # FreeIPA's verbs: a socket stopped alone, list-unit-files --full
        r = ctl("start", "otp.socket")
        tap.ok(r.returncode == 0 and ctl.prop("otp.socket", "ActiveState") == "active", t + "start of a socket unit", r.stderr)
        r = ctl("stop", "otp.socket", "--ignore-dependencies")
        tap.ok(r.returncode == 0 and ctl.prop("otp.socket", "ActiveState") == "inactive" and
               ctl.prop("a.service", "ActiveState") == "active", t + "stop otp.socket --ignore-dependencies", r.stderr)
        r = ctl("list-unit-files", "--full", "--no-legend", "otp*")
        got = sorted(l.split()[0] for l in r.stdout.splitlines() if l.strip())
        tap.ok(r.returncode == 0 and got == ["otp.socket", "otp@.service"], t + "list-unit-files --full with a pattern",
               r.stdout + r.stderr)

        # sdinit status: the same picture for humans
        pid = b.p.host_pid()
        r = subprocess.run(["nsenter", "-t", str(pid), "-U", "-m", "-p", "-n", "--preserve-credentials", SDINIT, "status"],
                           capture_output=True, text=True, timeout=30)
        row = [l for l in r.stdout.splitlines() if l.split()[:1] == ["a.service"]]
        tap.ok(r.returncode == 1 and "System state: degraded" in r.stdout and row and "active" in row[0] and
               ctl.prop("a.service", "MainPID") in row[0].split(),
               t + "sdinit status lists the units with state and main pid; exit 1 while degraded", r.stdout + r.stderr)

        # systemctl exit N: the container's exit status
        r = ctl("exit", "7")
        rc = b.wait()
        tap.ok(r.returncode == 0 and rc == 7, t + "exit 7: PID 1 stops everything and exits 7", f"systemctl {r.returncode}, PID 1 {rc}")
        tap.ok(b.index(r"Stopped a.service") >= 0, t + "exit: services stopped in order first")


def need_real():
    if not os.path.exists(REAL):
        raise Skip("Debian's systemctl is missing (package systemd; scripts/deps.sh installs it)")


def test_matrix(tap):
    need_real()
    for name, binary in impls():
        matrix(tap, name, binary)


def test_is_system_running_wait_and_poweroff(tap):
    units = {"default.target": "[Unit]\nWants=gated.service\n", "gated.service": UNITS["gated.service"]}
    for name, binary in impls():
        with Boot(units, net=True, files={"gate": None}) as b:
            b.expect(r"Starting gated.service")
            ctl = Ctl(b, binary)
            r = ctl("is-system-running")
            tap.ok(r.returncode != 0 and r.stdout.strip() == "starting", f"{name}: is-system-running during boot: 'starting'",
                   r.stdout)
            pid = b.p.host_pid()
            waiter = subprocess.Popen(["nsenter", "-t", str(pid), "-U", "-m", "-p", "-n", "--preserve-credentials", binary,
                                       "is-system-running", "--wait"], stdout=subprocess.PIPE, text=True)
            with open(os.path.join(b.state, "gate"), "w") as f:
                f.write("go\n")
            out, _ = waiter.communicate(timeout=DEADLINE)
            tap.ok(waiter.returncode == 0 and out.strip() == "running",
                   f"{name}: is-system-running --wait returns 'running' once booted", out)
            r = ctl("poweroff")
            rc = b.wait()
            tap.ok(r.returncode == 0 and rc == 0 and b.index(r"Stopped gated.service") >= 0,
                   f"{name}: poweroff: everything stops, exit 0", f"{r.returncode} {rc} {r.stderr}")


def test_exit_code_from_a_stopping_unit(tap):
    """`systemctl exit N` run by a unit while the container stops (a poweroff drop-in's shape):
    the container's exit status is N."""
    for name, binary in impls():
        units = {"default.target": "[Unit]\nWants=x.service\n",
                 "x.service": f"[Service]\nExecStart=/bin/sleep infinity\nExecStop={binary} exit 4\n"}
        with Boot(units, net=True) as b:
            b.booted()
            rc = b.stop()
            tap.ok(rc == 4, f"{name}: systemctl exit 4 from ExecStop= during shutdown: PID 1 exits 4", f"{rc}\n{b.text()[-600:]}")


def busctl(b, *args, user=None):
    cmd = ["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n", "--preserve-credentials"]
    if user is not None:
        cmd += ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups"]
    return subprocess.run(cmd + ["busctl", "--address=unix:path=/run/systemd/private"] + list(args),
                          capture_output=True, text=True, timeout=30)


def mgr(b, method, sig=None, *args):
    return busctl(b, "call", "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                  method, *([sig] + [str(a) for a in args] if sig else []))


def test_manager_methods(tap):
    """Manager methods systemctl does not exercise above, called with busctl."""
    units = {"default.target": "[Unit]\nWants=a.service\n", "a.service": UNITS["a.service"],
             "gated.service": UNITS["gated.service"], "after.service": "[Unit]\nAfter=gated.service\n"
             "[Service]\nExecStart=/bin/sleep infinity\n", "other.target": "[Unit]\nDescription=Other\n"}
    with Boot(units, net=True, files={"gate": None}, env={"SYSTEMD_UNIT_PATH": "/etc/systemd/system:@UNITS@"}) as b:
        b.booted()
        ctl = Ctl(b, REAL)
        # a.service (Type=simple) is "active" at its fork; its line in a.starts comes after the exec,
        # which GetUnitProcesses' command line below depends on.
        until(lambda: lines(os.path.join(b.state, "a.starts")) == ["started"], "a.service's process started")
        pid = ctl.prop("a.service", "MainPID")
        # CancelJob: a start job waiting for another one is dropped
        ctl("--no-block", "start", "gated.service", "after.service")
        jobs = {l.split()[1]: l.split()[0] for l in ctl("list-jobs", "--no-legend").stdout.splitlines() if l.strip()}
        r = mgr(b, "CancelJob", "u", jobs.get("after.service", 0))
        left = ctl("list-jobs", "--no-legend").stdout
        tap.ok(r.returncode == 0 and "after.service" not in left and "gated.service" in left,
               "CancelJob: the waiting job is gone, the running one stays", f"{jobs} {r.stderr} {left}")
        release_gate = os.path.join(b.state, "gate")
        with open(release_gate, "w") as f:
            f.write("go\n")
        until(lambda: ctl.prop("gated.service", "ActiveState") == "active", "gated.service active")
        tap.eq(ctl.prop("after.service", "ActiveState"), "inactive", "the canceled unit was not started")
        # Get/SetDefaultTarget (systemctl set-default goes through PID 1 when it runs)
        r = ctl("set-default", "other.target")
        r2 = ctl("get-default")
        tap.ok(r.returncode == 0 and r2.stdout.strip() == "other.target", "set-default / get-default through PID 1",
               r.stderr + r2.stdout + r2.stderr)
        r = mgr(b, "GetUnitByPID", "u", pid)
        tap.eq(r.stdout.strip(), 'o "/org/freedesktop/systemd1/unit/a_2eservice"', "GetUnitByPID: the unit of a main pid")
        r = mgr(b, "GetUnitProcesses", "s", "a.service")
        tap.ok(r.returncode == 0 and f" {pid} " in r.stdout and "/bin/sh" in r.stdout, "GetUnitProcesses: pid and command line",
               r.stdout)
        r = ctl("status")
        tap.ok(r.returncode == 0 and "State: running" in r.stdout and f"{pid} /bin/sh" in r.stdout and
               "Failed to dump" not in r.stderr, "systemctl status without a unit: the state and every process",
               r.stdout + r.stderr)
        r = mgr(b, "GetUnit", "s", "never-loaded.service")
        tap.ok(r.returncode != 0 and "not loaded" in r.stderr, "GetUnit of a unit not loaded: NoSuchUnit", r.stderr)
        r = mgr(b, "LoadUnit", "s", "never-loaded.service")
        r2 = busctl(b, "get-property", "org.freedesktop.systemd1", "/org/freedesktop/systemd1/unit/never_2dloaded_2eservice",
                    "org.freedesktop.systemd1.Unit", "LoadState")
        tap.ok(r.returncode == 0 and r2.stdout.strip() == 's "not-found"', "LoadUnit of a missing unit: LoadState not-found",
               r.stdout + r2.stdout + r2.stderr)
        r = mgr(b, "ListUnitsByNames", "as", 2, "a.service", "x.service")
        tap.ok(r.returncode == 0 and '"a.service"' in r.stdout and '"x.service"' in r.stdout and '"not-found"' in r.stdout,
               "ListUnitsByNames: loaded and missing units", r.stdout)
        r = mgr(b, "GetJob", "u", 999999)
        tap.ok(r.returncode != 0 and "does not exist" in r.stderr, "GetJob of no job: NoSuchJob", r.stderr)
        r = mgr(b, "StartUnit", "ss", "a.service", "bogus-mode")
        tap.ok(r.returncode != 0 and "invalid" in r.stderr, "StartUnit with a bad job mode: InvalidArgs", r.stderr)
        r = mgr(b, "StartUnit", "i", 5)
        tap.ok(r.returncode != 0, "StartUnit with the wrong signature is refused", r.stderr)
        r = busctl(b, "introspect", "org.freedesktop.systemd1", "/org/freedesktop/systemd1")
        tap.ok(r.returncode == 0 and "JobRemoved" in r.stdout and "SystemState" in r.stdout, "introspection lists the API")
        tap.eq(ctl("is-active", "a.service").stdout.strip(), "active", "PID 1 carries on")
        r = mgr(b, "PowerOff")
        tap.ok(r.returncode == 0 and b.wait() == 0 and b.index(r"Stopped a.service") >= 0,
               "the PowerOff method stops everything; PID 1 exits 0", r.stderr)


def test_halt_and_exit_methods(tap):
    """Halt and Exit (with SetExitCode) end the container like PowerOff."""
    for method, code in (("Halt", 0), ("Exit", 5)):
        with Boot({"default.target": "[Unit]\nWants=a.service\n", "a.service": UNITS["a.service"]}, net=True) as b:
            b.booted()
            if code:
                mgr(b, "SetExitCode", "y", code)
            r = mgr(b, method)
            rc = b.wait()
            tap.ok(r.returncode == 0 and rc == code, f"the {method} method: everything stops, PID 1 exits {code}",
                   f"{r.returncode} {rc} {r.stderr}")


def test_access_and_garbage(tap):
    # The identity mapping: uid 1000 exists in the container as it does on the host.
    with Boot({"default.target": "[Unit]\nWants=a.service\n", "a.service": UNITS["a.service"]}, net=True,
              mapping="identity") as b:
        b.booted()
        ctl = Ctl(b, REAL)
        root = f"/proc/{b.p.host_pid()}/root"
        st = os.stat(root + "/run/systemd/private")
        tap.eq(oct(st.st_mode & 0o777), "0o600", "/run/systemd/private is 0600")
        tap.ok(os.path.isdir(root + "/run/systemd/system"), "/run/systemd/system exists once the API is served")
        # The file mode keeps others out; past it, sdinit itself refuses any call from them.
        os.chmod(root + "/run/systemd/private", 0o666)
        pid = b.p.host_pid()
        r = subprocess.run(["nsenter", "-t", str(pid), "-U", "-m", "-p", "-n", "--preserve-credentials",
                            "setpriv", "--reuid=1000", "--regid=1000", "--clear-groups",
                            "busctl", "--address=unix:path=/run/systemd/private", "call", "org.freedesktop.systemd1",
                            "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "StopUnit", "ss", "a.service",
                            "replace"], capture_output=True, text=True, timeout=30)
        tap.ok(r.returncode != 0 and "Access denied" in r.stderr and ctl.prop("a.service", "ActiveState") == "active",
               "a caller that is neither root nor sdinit's user gets 'Access denied'; nothing stops", r.stderr)
        for name, binary in impls()[1:]:
            r = Ctl(b, binary)("stop", "a.service", user=1000)
            tap.ok(r.returncode != 0 and "Access denied" in r.stderr and ctl.prop("a.service", "ActiveState") == "active",
                   f"{name}'s systemctl as uid 1000: 'Access denied', nothing stops", r.stderr)
        # Garbage and a malformed message on the socket: PID 1 carries on.
        import socket
        for payload in (b"\0AUTH EXTERNAL 30\r\nBEGIN\r\n" + os.urandom(4096), b"\0" + b"l\1\0\1" + b"\xff" * 60, b"\0AUTH\r\n" * 1000):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(root + "/run/systemd/private")
            try:
                s.sendall(payload)
            except OSError:
                pass
            s.close()
        r = ctl("is-active", "a.service")
        tap.ok(r.returncode == 0 and r.stdout.strip() == "active", "after garbage on the socket, PID 1 still answers", r.stderr)
        rc = b.stop()
        tap.eq(rc, 0, "and stops cleanly")



def test_mask_notice_and_alias(tap):
    """Issue 15: mask/unmask of a unit the manager does not know says so and proceeds (systemctl
    252's notice; Debian's systemctl is the oracle for when), and reload-or-try-restart is the
    alias of try-reload-or-restart, in both clients."""
    steps = [("mask", "nosuch.service"), ("unmask", "nosuch.service"), ("mask", "later.service"),
             ("unmask", "later.service"), ("unmask", "nosuch2.service")]
    seen = {}
    for name, binary in impls():
        with Boot(UNITS, net=True) as b:
            b.booted()
            ctl = Ctl(b, binary)
            seen[name] = []
            for verb, unit in steps:
                r = ctl(verb, unit)
                seen[name].append((verb, unit, r.returncode, f"Unit {unit} does not exist, proceeding anyway." in r.stderr))
            before = len(lines(os.path.join(b.state, "a.reloads")))
            r = ctl("reload-or-try-restart", "a.service")
            tap.ok(r.returncode == 0 and len(lines(os.path.join(b.state, "a.reloads"))) == before + 1,
                   f"{name}: reload-or-try-restart reloads a running service", r.stderr)
            tap.eq(b.stop(), 0, "stops cleanly")
    tap.ok(any(n for *_, n in seen["real"]), "Debian's systemctl gives the notice for a unit the manager does not know",
           seen["real"])
    tap.eq(seen["sdinit"], seen["real"], "sdinit's systemctl: the same exit codes and notices, step by step")

if __name__ == "__main__":
    Tap().run([test_matrix, test_is_system_running_wait_and_poweroff, test_exit_code_from_a_stopping_unit,
               test_manager_methods, test_halt_and_exit_methods, test_access_and_garbage, test_mask_notice_and_alias])
