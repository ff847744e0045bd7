#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""How a service's result is set when its main process dies or its stop commands fail, under
Debian's real systemd 252 and under sdinit (both PID 1 of a user namespace with a delegated
cgroup v2, oraclelib.py), compared unit by unit.

The pattern comes from the image suite: postgresql@.service is Type=forking with
`ExecStart=-/usr/bin/pg_ctlcluster ... start` and `ExecStop=/usr/bin/pg_ctlcluster ... stop`. After
`kill -9` of the postmaster, systemd reports Result=exit-code, because (src/core/service.c,
service_sigchld_event() and service_enter_running() in v252):
  - the "-" of ExecStart= makes the main process's death a success, whatever its status (for
    Type=forking the start command's flag counts, for the others the main command's);
  - after a successful main process the stop runs ExecStop=, and a control process that fails
    (pg_ctlcluster exits 2: "Cluster is not running") sets the result, as every control process
    but a reload's does; ExecStopPost= too;
  - a running service whose main process failed is terminated without its ExecStop=.
Each cell is a unit and an operation (`kill -9` of its MainPID inside the namespace, or
`systemctl stop`); compared: ActiveState/SubState/Result/NRestarts, and whether its ExecStop= ran
(it writes /run/stopran-UNIT). Restart= goes by the result as well (service_shall_restart()). ExecMainCode/Status are not compared: systemd unloads an inactive unit and
shows zeros for it. Also compared: LoadState/ActiveState/SubState/Result of a mount and an
automount unit (the Result property of their D-Bus interfaces).

systemd's results are also recorded below (EXPECTED) and asserted against sdinit, so the test
holds where systemd cannot boot (that half SKIPs). Regenerate with --record.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oraclelib  # noqa: E402
from harness import Tap  # noqa: E402

DAEMON = "/bin/sh -c 'setsid sleep infinity </dev/null >/dev/null 2>&1 & echo $! >/run/%N.pid'"
STOP_FAILS = "/bin/sh -c 'echo ran >/run/stopran-%n; exit 2'"   # as pg_ctlcluster stop of a dead cluster
FORKING = "Type=forking\nPIDFile=/run/%N.pid\n"

# name: (the [Service] section, operation)
CELLS = {
    # postgresql@15-main's shape
    "fork-ign-stopfail": (f"{FORKING}ExecStart=-{DAEMON}\nExecStop={STOP_FAILS}\n", "kill"),
    "fork-stopfail": (f"{FORKING}ExecStart={DAEMON}\nExecStop={STOP_FAILS}\n", "kill"),
    "fork-ign": (f"{FORKING}ExecStart=-{DAEMON}\n", "kill"),
    "simple-ign": ("ExecStart=-/bin/sleep infinity\n", "kill"),
    "simple-ign-stopfail": (f"ExecStart=-/bin/sleep infinity\nExecStop={STOP_FAILS}\n", "kill"),
    "simple-stopfail": (f"ExecStart=/bin/sleep infinity\nExecStop={STOP_FAILS}\n", "stop"),
    "simple-stoppostfail": ("ExecStart=/bin/sleep infinity\nExecStopPost=/bin/sh -c 'exit 1'\n", "stop"),
    "simple-stopfail-ign": (f"ExecStart=/bin/sleep infinity\nExecStop=-{STOP_FAILS}\n", "stop"),
    # Restart= goes by the result: a "-" main process killed by SIGKILL is a success, not an abort.
    "simple-ign-onabort": ("ExecStart=-/bin/sleep infinity\nRestart=on-abort\nRestartSec=0\n", "kill"),
    "simple-onabort": ("ExecStart=/bin/sleep infinity\nRestart=on-abort\nRestartSec=0\n", "kill-restarts"),
    "fork-ign-stopfail-onabnormal": (f"{FORKING}ExecStart=-{DAEMON}\nExecStop={STOP_FAILS}\nRestart=on-abnormal\nRestartSec=0\n", "kill"),
}


def write_units(d):
    os.makedirs(d)
    os.chmod(d, 0o755)
    with open(os.path.join(d, "default.target"), "w") as f:
        f.write("[Unit]\nDescription=exit results\nWants=tmp.mount\n")
    # Mount and automount units have the Result property too (/tmp is a tmpfs in both PID 1s;
    # sdinit reports a mount unit mounted once started, it does not follow the mount table).
    with open(os.path.join(d, "tmp.mount"), "w") as f:
        f.write("[Unit]\nDefaultDependencies=no\n[Mount]\nWhat=tmpfs\nWhere=/tmp\nType=tmpfs\n")
    with open(os.path.join(d, "tmp-exitres.automount"), "w") as f:
        f.write("[Unit]\nDefaultDependencies=no\n[Automount]\nWhere=/tmp/exitres\n")
    for name, (svc, _) in CELLS.items():
        with open(os.path.join(d, name + ".service"), "w") as f:
            f.write(f"[Unit]\nDefaultDependencies=no\n[Service]\n{svc}")


def in_ns(p, *argv):
    return subprocess.run(["nsenter", "-t", str(p.pid1), "-U", "-m", "-p", *argv], capture_output=True,
                          text=True, timeout=30)


def wait_restarted(p, u, deadline=30):
    """Until `u` was restarted once and is active again; the deadline bounds a failure."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        st = p.show([u], ("ActiveState", "NRestarts"))[u]
        if st.get("NRestarts") == "1" and st.get("ActiveState") == "active":
            return
        time.sleep(0.05)  # polls a state; the state is what is waited for


def run_cells(p):
    p.wait_ready()
    got = {}
    for name, (_, op) in CELLS.items():
        u = name + ".service"
        rcs = [p.systemctl("start", u)[0]]
        if op.startswith("kill"):
            pid = p.show([u], ("MainPID",))[u].get("MainPID", "0")
            rcs.append(in_ns(p, "/bin/kill", "-9", pid).returncode if pid != "0" else "no MainPID")
            if op == "kill-restarts":
                wait_restarted(p, u)
            else:
                p.wait_not_active(u)
        else:
            rcs.append(p.systemctl("stop", u)[0])
        p.settle()
        st = p.show([u], ("ActiveState", "SubState", "Result", "NRestarts"))[u]
        ran = in_ns(p, "test", "-e", f"/run/stopran-{u}").returncode == 0
        got[name] = {"rc": rcs, "state": "/".join(st.get(k, "?") for k in ("ActiveState", "SubState", "Result", "NRestarts")),
                     "ExecStop ran": ran}
    mounts = ("tmp.mount", "tmp-exitres.automount")
    st = p.show(list(mounts), ("LoadState", "ActiveState", "SubState", "Result"))
    for u in mounts:
        got[u] = "/".join(st[u].get(k, "(none)") for k in ("LoadState", "ActiveState", "SubState", "Result"))
    return got


EXPECTED = {
    'fork-ign-stopfail': {'rc': [0, 0], 'state': 'failed/failed/exit-code/0', 'ExecStop ran': True},
    'fork-stopfail': {'rc': [0, 0], 'state': 'failed/failed/signal/0', 'ExecStop ran': False},
    'fork-ign': {'rc': [0, 0], 'state': 'inactive/dead/success/0', 'ExecStop ran': False},
    'simple-ign': {'rc': [0, 0], 'state': 'inactive/dead/success/0', 'ExecStop ran': False},
    'simple-ign-stopfail': {'rc': [0, 0], 'state': 'failed/failed/exit-code/0', 'ExecStop ran': True},
    'simple-stopfail': {'rc': [0, 0], 'state': 'failed/failed/exit-code/0', 'ExecStop ran': True},
    'simple-stoppostfail': {'rc': [0, 0], 'state': 'failed/failed/exit-code/0', 'ExecStop ran': False},
    'simple-stopfail-ign': {'rc': [0, 0], 'state': 'inactive/dead/success/0', 'ExecStop ran': True},
    'simple-ign-onabort': {'rc': [0, 0], 'state': 'inactive/dead/success/0', 'ExecStop ran': False},
    'simple-onabort': {'rc': [0, 0], 'state': 'active/running/success/1', 'ExecStop ran': False},
    'fork-ign-stopfail-onabnormal': {'rc': [0, 0], 'state': 'failed/failed/exit-code/0', 'ExecStop ran': True},
    'tmp.mount': 'loaded/active/mounted/success',
    'tmp-exitres.automount': 'loaded/inactive/dead/success',
}


def main():
    record = "--record" in sys.argv
    tap = Tap()
    if os.geteuid() != 0:
        tap.skip("exit results", "needs root (user namespaces with subordinate ids)")
        tap.run([])
    work = tempfile.mkdtemp(prefix="sdinit-exitres-", dir="/var/tmp")
    os.chmod(work, 0o755)
    unitdir = os.path.join(work, "units")
    write_units(unitdir)
    try:
        cg2, why = oraclelib.preflight_or_none()
        results = oraclelib.boot_both(tap, cg2, why, lambda kind: oraclelib.boot_and_run(
            kind, cg2, f"sdinit-exitres-{kind}-{os.getpid()}", work, unitdir, run_cells))
        if record:
            if not oraclelib.print_expected(results):
                sys.exit(1)
            return
        sd, mine = results.get("systemd"), results.get("sdinit")
        oraclelib.compare_with_reference(tap, sd, mine, EXPECTED, list(CELLS) + ["tmp.mount", "tmp-exitres.automount"])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tap.run([])


if __name__ == "__main__":
    main()
