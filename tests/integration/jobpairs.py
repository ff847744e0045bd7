# SPDX-License-Identifier: MIT
"""Back-to-back job pairs on one unit, run with Debian's systemctl against any PID 1 (sdinit or
the real systemd 252) that serves the units below: the same script, so the outcomes can be
compared. Each case returns what a user sees: client exit codes and messages, the unit's state,
whether its main process changed, how often ExecReload= ran. Slow commands wait on FIFOs in the
state directory; nothing sleeps to synchronise (list-jobs is polled, bounded by a deadline).

EXPECTED is systemd's behaviour as src/core/job.c (job_install(), job_merging_table[],
job_compare()) and transaction.c define it; the oracle test checks it against systemd itself."""
import os
import subprocess

from harness import until  # (the test that imports this module put its folder on sys.path)

REAL = "/usr/bin/systemctl"
DEADLINE = 60

# DefaultDependencies=no: under systemd with only these units on the search path, the default
# Requires=sysinit.target would make every start job fail ("Unit sysinit.target not found").
UNIT = ("[Unit]\nDefaultDependencies=no\n[Service]\n"
        "ExecStartPre=/bin/sh -c 'test ! -e {s}/{n}.hold-start || read x < {s}/{n}.gate'\n"
        "ExecStart=/bin/sleep infinity\n"
        "ExecReload=/bin/sh -c 'echo r >> {s}/{n}.reloads; test ! -e {s}/{n}.hold-reload || read x < {s}/{n}.gate'\n"
        "ExecStop=/bin/sh -c 'echo s >> {s}/{n}.stops; test ! -e {s}/{n}.hold-stop || read x < {s}/{n}.gate'\n")
# An umbrella and its member shaped as Debian's postgresql.service and postgresql@.service (the
# member is pulled in by Wants=, as postgresql-generator's .wants link does).
UMBRELLA = ("[Unit]\nDefaultDependencies=no\nWants=member.service\n"
            "[Service]\nType=oneshot\nExecStart=/bin/true\nExecReload=/bin/true\nRemainAfterExit=on\n")
MEMBER = ("[Unit]\nDefaultDependencies=no\nPartOf=umbrella.service\nReloadPropagatedFrom=umbrella.service\nBefore=umbrella.service\n"
          "[Service]\nExecStart=/bin/sleep infinity\nExecReload=/bin/sh -c 'echo r >> {s}/umbrella.reloads'\n"
          "ExecStop=/bin/sh -c 'test ! -e {s}/umbrella.hold-stop || read x < {s}/umbrella.gate'\n")
CASES = ["stop-start", "stop-start-fail", "start-stop", "stop-restart", "restart-start", "reload-reload", "reload-start", "start-reload",
         "reload-stop", "try-restart", "reload-or-restart", "umbrella"]
BOOTED = [c for c in CASES if c not in ("try-restart", "reload-or-restart")]

EXPECTED = {
    # the stop job is canceled (its client says so), the start waits and brings the unit back
    "stop-start": ("first:canceled", "second:0", "active", "new-pid"),
    # --job-mode=fail: the start would replace the running stop job: refused, the stop goes on
    "stop-start-fail": ("second:4:destructive (stop job queued, start in transaction)", "first:0", "inactive"),
    # the start job is canceled, the stop stops the unit; the ExecStartPre= it killed makes it
    # "failed" (a command killed by a signal is a failure: EXIT_CLEAN_COMMAND in service.c)
    "start-stop": ("first:canceled", "second:0", "failed"),
    # the stop job is canceled, the restart brings the unit back
    "stop-restart": ("first:canceled", "second:0", "active", "new-pid"),
    # the start merges into the running restart: one job
    "restart-start": ("jobs:restart", "first:0", "active", "new-pid"),
    # a reload never merges late: the merged job reloads again after the first
    "reload-reload": ("first:0", "second:0", "active", "reloads:2"),
    "reload-start": ("first:0", "second:0", "active", "reloads:2"),
    # the reload merges into the running start
    "start-reload": ("jobs:start", "first:0", "active", "reloads:0"),
    # the reload job is canceled; the stop kills the reload command and the daemon without running
    # ExecStop= (service_stop(): "something runs already"), and the killed command fails the unit
    "reload-stop": ("first:canceled", "second:0", "failed", "stops:0"),
    "try-restart": ("first:0", "inactive"),
    "reload-or-restart": ("first:0", "active", "reloads:0"),
    # reload of the umbrella reloads the member; `stop umbrella` returns once the umbrella is down
    # (it stops first: the member is Before= it) while the member's stop still runs; `start
    # umbrella` then pulls the member in (Wants=), replacing its running stop job, and waits for
    # it (Before=): the member goes down, comes up, then the umbrella does
    "umbrella": ("member-reloads:1", "first:0", "second:0", "member:active", "new-pid", "order:down,up,umbrella"),
}


def units(state):
    u = {"default.target": "[Unit]\nWants=" + " ".join(f"{c}.service" for c in BOOTED) + "\n"}
    for c in CASES:
        u[f"{c}.service"] = UNIT.format(n=c, s=state)
    u["umbrella.service"] = UMBRELLA
    u["member.service"] = MEMBER.format(s=state)
    return u


def make_fifos(state):
    for c in CASES:
        os.mkfifo(os.path.join(state, f"{c}.gate"), 0o666)
        os.chmod(os.path.join(state, f"{c}.gate"), 0o666)


class Runner:
    def __init__(self, prefix, state):
        self.prefix = prefix   # the command that runs a program inside the container
        self.state = state

    @staticmethod
    def env():
        # The client's own messages on its stderr (the sanitizer build's settings kept).
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SYSTEMD_COLORS": "0"}
        e.update({k: v for k, v in os.environ.items() if k.endswith("SAN_OPTIONS")})
        return e

    def ctl(self, *args):
        return subprocess.run(self.prefix + [REAL, "--no-pager"] + list(args), capture_output=True, text=True, timeout=DEADLINE,
                              env=self.env())

    def bg(self, *args):
        return subprocess.Popen(self.prefix + [REAL, "--no-pager"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, env=self.env())

    def prop(self, unit, name):
        return self.ctl("show", "-p", name, "--value", unit).stdout.strip()

    def jobs(self):
        return " ".join(self.ctl("list-jobs", "--no-legend").stdout.split())

    def until(self, fn, what):
        until(fn, what, DEADLINE)

    def hold(self, n, what, on=True):
        path = os.path.join(self.state, f"{n}.hold-{what}")
        if on:
            open(path, "w").close()
        elif os.path.exists(path):
            os.unlink(path)

    def release(self, n):
        with open(os.path.join(self.state, f"{n}.gate"), "w") as f:
            f.write("go\n")

    def reloads(self, n, what="reloads"):
        try:
            with open(os.path.join(self.state, f"{n}.{what}")) as f:
                return len(f.read().split())
        except FileNotFoundError:
            return 0

    @staticmethod
    def rc(p):
        out, err = p.communicate(timeout=DEADLINE)
        return "canceled" if p.returncode != 0 and "canceled" in err else str(p.returncode)

    def state_of(self, n):
        return self.prop(f"{n}.service", "ActiveState")

    def running(self, n, job):
        self.until(lambda: f"{n}.service {job} running" in self.jobs(), f"{n}: the {job} job runs")

    def case(self, n):
        u = f"{n}.service"
        pid = self.prop(u, "MainPID")
        newpid = lambda: "new-pid" if self.prop(u, "MainPID") not in ("0", "", pid) else "same-pid"  # noqa: E731
        if n in ("stop-start", "stop-restart"):
            self.hold(n, "stop")
            first = self.bg("stop", u)
            self.running(n, "stop")
            second = self.bg("start" if n == "stop-start" else "restart", u)
            self.until(lambda: f"{u} stop" not in self.jobs(), f"{n}: the second job replaced the stop job")
            self.hold(n, "stop", False)
            self.release(n)
            return ("first:" + self.rc(first), "second:" + self.rc(second), self.state_of(n), newpid())
        if n == "stop-start-fail":
            self.hold(n, "stop")
            first = self.bg("stop", u)
            self.running(n, "stop")
            second = self.ctl("--job-mode=fail", "start", u)
            said = "destructive (stop job queued, start in transaction)" if (
                "is destructive" in second.stderr and "'stop' job queued, but 'start' is included" in second.stderr) else second.stderr.strip()
            self.hold(n, "stop", False)
            self.release(n)
            return (f"second:{second.returncode}:{said}", "first:" + self.rc(first), self.state_of(n))
        if n == "start-stop":
            self.ctl("stop", u)
            self.hold(n, "start")
            first = self.bg("start", u)
            self.running(n, "start")
            second = self.ctl("stop", u)
            self.hold(n, "start", False)
            return ("first:" + self.rc(first), f"second:{second.returncode}", self.state_of(n))
        if n == "restart-start":
            self.hold(n, "stop")
            first = self.bg("restart", u)
            self.running(n, "restart")
            self.ctl("--no-block", "start", u)
            j = self.jobs()
            kinds = [w for w in ("start", "restart", "stop") if f"{u} {w} " in j + " "]
            self.hold(n, "stop", False)
            self.release(n)
            return ("jobs:" + ",".join(kinds), "first:" + self.rc(first), self.state_of(n), newpid())
        if n in ("reload-reload", "reload-start"):
            self.hold(n, "reload")
            first = self.bg("reload", u)
            self.until(lambda: self.reloads(n) == 1, f"{n}: the first reload runs")
            second = self.bg("reload" if n == "reload-reload" else "start", u)
            self.until(lambda: f"{u} reload waiting" in self.jobs(), f"{n}: the merged reload waits to run again")
            self.hold(n, "reload", False)
            self.release(n)
            return ("first:" + self.rc(first), "second:" + self.rc(second), self.state_of(n), f"reloads:{self.reloads(n)}")
        if n == "start-reload":
            self.ctl("stop", u)
            self.hold(n, "start")
            first = self.bg("start", u)
            self.running(n, "start")
            self.ctl("--no-block", "reload", u)
            j = self.jobs()
            kinds = [w for w in ("start", "reload") if f"{u} {w} " in j + " "]
            self.hold(n, "start", False)
            self.release(n)
            return ("jobs:" + ",".join(kinds), "first:" + self.rc(first), self.state_of(n), f"reloads:{self.reloads(n)}")
        if n == "reload-stop":
            self.hold(n, "reload")
            first = self.bg("reload", u)
            self.until(lambda: self.reloads(n) == 1, f"{n}: the reload runs")
            second = self.ctl("stop", u)
            self.hold(n, "reload", False)
            return ("first:" + self.rc(first), f"second:{second.returncode}", self.state_of(n), f"stops:{self.reloads(n, 'stops')}")
        if n == "try-restart":
            r = self.ctl("try-restart", u)
            return (f"first:{r.returncode}", self.state_of(n))
        if n == "reload-or-restart":
            r = self.ctl("reload-or-restart", u)
            return (f"first:{r.returncode}", self.state_of(n), f"reloads:{self.reloads(n)}")
        if n == "umbrella":
            pid = self.prop("member.service", "MainPID")
            self.ctl("reload", u)
            reloads = self.reloads(n)
            self.hold(n, "stop")
            first = self.ctl("stop", u)
            self.running("member", "stop")
            second = self.bg("start", u)
            self.until(lambda: "member.service start waiting" in self.jobs(), f"{n}: the start pulled in the member")
            self.hold(n, "stop", False)
            self.release(n)
            rc = self.rc(second)
            m_off, m_on, u_on = (int(self.prop(x, p) or 0) for x, p in (
                ("member.service", "InactiveEnterTimestampMonotonic"), ("member.service", "ActiveEnterTimestampMonotonic"),
                (u, "ActiveEnterTimestampMonotonic")))
            return (f"member-reloads:{reloads}", f"first:{first.returncode}", f"second:{rc}",
                    "member:" + self.prop("member.service", "ActiveState"),
                    "new-pid" if self.prop("member.service", "MainPID") not in ("0", "", pid) else "same-pid",
                    "order:down,up,umbrella" if 0 < m_off < m_on <= u_on else f"order:{m_off},{m_on},{u_on}")
        raise ValueError(n)

    def run_all(self):
        return {n: self.case(n) for n in CASES}
