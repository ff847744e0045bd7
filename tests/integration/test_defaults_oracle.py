#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Effective defaults, one source (issue 13): the values the manager runs with for settings a
unit leaves unset (start limits, timeouts, RestartSec=, trigger limits, AccuracySec=, modes)
are written into the unit at load by units/ (unit_apply_defaults()); the manager, its D-Bus
properties and `sdinit show` all read them from there. Booted under Debian's real systemd 252
and under sdinit (oraclelib.py: user namespace, delegated cgroup v2), `systemctl show` of the
same units must give the same values, and `sdinit show` (offline) must print what sdinit's
manager reports. The units are chosen where the old sources disagreed: StartLimitBurst=0 (the
D-Bus property said 5, the manager used 0), a service without ExecStart= and Type= (systemd
makes it oneshot: no start timeout; the manager used 90 s), the legacy [Service]
StartLimitInterval=/StartLimitBurst=, RestartSec= and TimeoutStopSec= set, KillMode=mixed (the
D-Bus property looked the [Service] section up by name, found no KillMode= row there (it is an
@kill row) and always said control-group). The default and
trigger dependencies the manager adds are units/' unit_implicit_deps() (what `sdinit show`
prints): a service's Sockets= pulls its socket in, as under systemd.

SKIP when systemd cannot boot here (no delegated cgroup v2).
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oraclelib  # noqa: E402
from harness import Tap  # noqa: E402

NODEF = "[Unit]\nDefaultDependencies=no\n"
UNITS = {
    "default.target": "[Unit]\nDescription=defaults oracle\nWants=plain.service noexec.service burst0.service "
                      "legacy.service abort.service t.timer p.path sockuser.service up.target userns.service "
                      "nouserns.service\n",
    "plain.service": NODEF + "[Service]\nExecStart=/bin/sleep infinity\n",
    "noexec.service": NODEF + "[Service]\nRemainAfterExit=yes\nExecStop=/bin/true\n",
    "burst0.service": NODEF + "StartLimitBurst=0\n[Service]\nExecStart=/bin/sleep infinity\n",
    "legacy.service": NODEF + "[Service]\nStartLimitInterval=20s\nStartLimitBurst=2\nExecStart=/bin/sleep infinity\n",
    "abort.service": NODEF + "[Service]\nTimeoutStopSec=7\nRestartSec=3\nKillMode=mixed\nType=exec\n"
                     "ExecStart=/bin/sleep infinity\n",
    "t.timer": NODEF + "[Timer]\nOnActiveSec=1h\nUnit=plain.service\n",
    "p.path": NODEF + "[Path]\nPathExists=/nonexistent-sdinit-defaults\nUnit=plain.service\n",
    # Sockets= pulls the socket in (Wants=, After=): an implicit dependency the manager's own copy
    # of the default dependencies did not add.
    "sockuser.service": NODEF + "[Service]\nSockets=extra.socket\nExecStart=/bin/sleep infinity\n",
    "extra.socket": NODEF + "[Socket]\nListenStream=/run/sdinit-defaults-extra.sock\n",
    # A target is After= what it pulls in, Upholds= included (systemd.target(5)).
    "up.target": "[Unit]\nUpholds=upheld.service\n",
    "upheld.service": "[Service]\nExecStart=/bin/sleep infinity\n",
    # DynamicUser='s implied sandbox (systemd's unit_patch_contexts(); loaded, not started).
    "du.service": NODEF + "[Service]\nDynamicUser=yes\nProtectHome=tmpfs\nNoNewPrivileges=no\nExecStart=/bin/sleep infinity\n",
    # Both managers run in a user namespace here: the manager's own detection decides.
    "userns.service": NODEF + "ConditionVirtualization=private-users\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                      "ExecStart=/bin/true\n",
    "nouserns.service": NODEF + "ConditionVirtualization=!private-users\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                        "ExecStart=/bin/true\n",
    # ConditionCapability=: a name in either case or a number, against PID 1's bounding set.
    "capname.service": NODEF + "ConditionCapability=CAP_SYS_ADMIN\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                       "ExecStart=/bin/true\n",
    "capnot.service": NODEF + "ConditionCapability=!cap_chown\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                      "ExecStart=/bin/true\n",
    "capnum.service": NODEF + "ConditionCapability=12\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                      "ExecStart=/bin/true\n",
    # TasksMax: the default (DefaultTasksMax=15%) and a relative value are shown as the number they
    # stand for (15% of the least of threads-max, pid_max - 1 and the root cgroup's pids.max).
    "tasks25.service": NODEF + "[Service]\nTasksMax=25%\nExecStart=/bin/sleep infinity\n",
    "tasks77.service": NODEF + "[Service]\nTasksMax=77\nExecStart=/bin/sleep infinity\n",
    "tasksinf.service": NODEF + "[Service]\nTasksMax=infinity\nExecStart=/bin/sleep infinity\n",
    "tasks.socket": NODEF + "[Socket]\nListenStream=/run/sdinit-defaults-tasks.sock\n",
}
SERVICES = ["plain.service", "noexec.service", "burst0.service", "legacy.service", "abort.service", "du.service"]
# TimeoutAbortUSec is not among sdinit's D-Bus properties yet (sdinit show prints it).
SERVICE_PROPS = ("StartLimitBurst", "StartLimitIntervalUSec", "TimeoutStartUSec", "TimeoutStopUSec", "RestartUSec",
                 "RuntimeMaxUSec", "KillMode", "Type", "Restart", "NotifyAccess", "OOMPolicy", "KillSignal", "UMask",
                 "DynamicUser", "PrivateTmp", "ProtectSystem", "ProtectHome", "RemoveIPC", "NoNewPrivileges",
                 "RestrictSUIDSGID")
OTHER = {"t.timer": ("AccuracyUSec",), "p.path": ("DirectoryMode", "TriggerLimitBurst", "TriggerLimitIntervalUSec")}
TASKS = ("plain.service", "du.service", "tasks25.service", "tasks77.service", "tasksinf.service", "tasks.socket")
STATE = ("extra.socket", "sockuser.service", "noexec.service", "userns.service", "nouserns.service", "capname.service",
         "capnot.service", "capnum.service")


def props_of(p):
    got = p.show(SERVICES, SERVICE_PROPS)
    for unit, props in OTHER.items():
        got.update(p.show([unit], props))
    for unit, st in p.show(list(STATE), ("ActiveState",)).items():
        got["state " + unit] = st
    for unit, props in p.show(list(TASKS), ("TasksMax",)).items():
        got["tasks " + unit] = props.get("TasksMax")
    got["after up.target"] = sorted(p.show(["up.target"], ("After",))["up.target"].get("After", "").split())
    return got


def boot(kind, cg2, work, unitdir):
    return oraclelib.boot_and_run(kind, cg2, f"sdinit-defaults-{kind}-{os.getpid()}", work, unitdir,
                                  lambda p: props_of(oraclelib.settled(p)))[0]


def offline_show(unitdir):
    """`sdinit show` of the same units, {unit: {prop: value}}."""
    env = dict(os.environ, SYSTEMD_UNIT_PATH=oraclelib.unit_path(unitdir))
    got = {}
    for unit in SERVICES + list(OTHER):
        props = SERVICE_PROPS if unit in SERVICES else OTHER[unit]
        r = subprocess.run([oraclelib.SDINIT, "show", "-p", ",".join(props), unit], capture_output=True, text=True,
                           timeout=60, env=env)
        got[unit] = dict(ln.split("=", 1) for ln in r.stdout.splitlines() if "=" in ln)
    return got


def main():
    tap = Tap()
    cg2 = oraclelib.root_or_skip(tap, "defaults oracle")
    work = tempfile.mkdtemp(prefix="sdinit-defaults-", dir="/var/tmp")
    os.chmod(work, 0o755)
    unitdir = os.path.join(work, "units")
    oraclelib.write_unit_dir(unitdir, UNITS)
    try:
        sd = boot("systemd", cg2, work, unitdir)
        mine = boot("sdinit", cg2, work, unitdir)
        show = offline_show(unitdir)
        for unit in SERVICES + list(OTHER):
            tap.eq(mine.get(unit), sd.get(unit), f"{unit}: sdinit's manager reports systemd's values")
            tap.eq(show.get(unit), mine.get(unit), f"{unit}: sdinit show prints what sdinit's manager reports")
        for unit in STATE:
            tap.eq(mine.get("state " + unit), sd.get("state " + unit),
                   f"{unit}: ActiveState as under systemd (Sockets= pulls the socket in; no ExecStart=: oneshot; "
                   "ConditionVirtualization=private-users; ConditionCapability=)")
        for unit in TASKS:
            tap.eq(mine.get("tasks " + unit), sd.get("tasks " + unit),
                   f"{unit}: TasksMax as under systemd (the number DefaultTasksMax=15% or a percentage stands for)")
        tap.eq(mine.get("after up.target"), sd.get("after up.target"), "a target is After= the unit it Upholds=, as under systemd")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tap.run([])


if __name__ == "__main__":
    main()
