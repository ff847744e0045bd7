#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The D-Bus property tables (bus/bus-unit.c, bus/bus-exec.c, issue 13 item 3) through the paths
systemctl does not walk in test_systemctl.py: Introspect lists each property of an interface once,
with the runtime and the settings tables merged under one interface; Properties.Get answers a row
of each kind (a runtime field, a settings field, a computed sandbox value); and PropertiesChanged
goes out on a state change, with the rows flagged emits-change (ActiveState, SubState), as a
listener on its own connection sees it."""
import os
import re
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import Tap  # noqa: E402

UNITS = {
    "default.target": "[Unit]\nWants=run.service\n",
    "run.service": "[Service]\nExecStart=/bin/sleep infinity\n",
    "cfg.service": "[Service]\nExecStart=/bin/sleep infinity\nProtectSystem=full\nUser=nobody\n",
    "later.service": "[Service]\nExecStart=/bin/sleep infinity\n",
    "rl.service": "[Service]\nExecStart=/bin/sleep infinity\nExecReload=/bin/true\n",
}
PATH = "/org/freedesktop/systemd1/unit/"
LISTEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "helpers", "buslisten.py")
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
IFACE = "org.freedesktop.systemd1."


def ns(b):
    return ["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n", "--preserve-credentials"]


def busctl(b, *args):
    return subprocess.run(ns(b) + ["busctl", "--address=unix:path=/run/systemd/private"] + list(args),
                          capture_output=True, text=True, timeout=30)


def read_line(p, timeout):
    """The next line of p's output, or None at its end or after timeout seconds."""
    ready, _, _ = select.select([p.stdout], [], [], max(timeout, 0))
    return p.stdout.readline() if ready else None


def test_tables(tap):
    with Boot(UNITS, net=True) as b:
        b.booted()
        r = busctl(b, "introspect", "org.freedesktop.systemd1", PATH + "run_2eservice", IFACE + "Service")
        props = re.findall(r"^\.(\w+)\s+property\s", r.stdout, re.M)
        dups = sorted({p for p in props if props.count(p) > 1})
        tap.ok(r.returncode == 0 and not dups, f"Introspect: {len(props)} Service properties, each once", r.stderr + " ".join(dups))
        tap.ok(all(p in props for p in ("MainPID", "ExecStart", "User", "ControlGroup", "ProtectSystem", "SystemCallFilter")),
               "Introspect: the runtime, settings, cgroup and sandbox tables are all under Service", " ".join(props))
        r = busctl(b, "introspect", "org.freedesktop.systemd1", PATH + "run_2eservice", IFACE + "Unit")
        tap.ok(re.search(r"^\.ActiveState\s+property\s+s\s+\"active\"\s+emits-change", r.stdout, re.M) is not None,
               "Introspect: Unit.ActiveState is flagged emits-change", r.stdout[-1500:])

        def get(unit, iface, prop):
            r = busctl(b, "get-property", "org.freedesktop.systemd1", PATH + unit.replace(".", "_2e"), IFACE + iface, prop)
            return r.stdout.strip() or r.stderr.strip()
        pid = get("run.service", "Service", "MainPID")
        tap.ok(re.fullmatch(r"u [1-9]\d*", pid) is not None, "Get: MainPID (a runtime row)", pid)
        # cfg.service is loaded by the call (not started)
        tap.eq(get("cfg.service", "Service", "User"), 's "nobody"', "Get: User (a settings row)")
        tap.eq(get("cfg.service", "Service", "ProtectSystem"), 's "full"', "Get: ProtectSystem (a sandbox row)")
        tap.eq(get("run.service", "Service", "ProtectSystem"), 's "no"', "Get: ProtectSystem unset")
        tap.eq(get("cfg.service", "Unit", "Id"), 's "cfg.service"', "Get: Id (a constant row)")
        # InvocationID: the 16 bytes of the $INVOCATION_ID the service was started with.
        env = subprocess.run(ns(b) + ["cat", "/proc/%s/environ" % pid.split()[-1]], capture_output=True, timeout=30).stdout
        m = re.search(rb"(?:^|\0)INVOCATION_ID=([0-9a-f]{32})\0", env)
        want = "ay 16 " + " ".join(str(int(m[1][i:i + 2], 16)) for i in range(0, 32, 2)) if m else "(no INVOCATION_ID)"
        tap.eq(get("run.service", "Unit", "InvocationID"), want, "Get: InvocationID is the service's $INVOCATION_ID")
        r = busctl(b, "get-property", "org.freedesktop.systemd1", PATH + "run_2eservice", IFACE + "Service", "NoSuchProperty")
        tap.ok(r.returncode != 0 and "NoSuchProperty" in r.stderr, "Get: an unknown property is an error", r.stderr)
        r = busctl(b, "get-property", "org.freedesktop.systemd1", PATH + "run_2eservice", IFACE + "Socket", "Accept")
        tap.ok(r.returncode != 0, "Get: another type's interface (Socket on a service) is not there", r.stdout + r.stderr)
        tap.eq(get("run.service", "Unit", "CanReload"), "b false", "Get: CanReload of a service without ExecReload=")
        tap.eq(get("rl.service", "Unit", "CanReload"), "b true", "Get: CanReload of a service with ExecReload=")

        # A listener on its own connection (a raw client: helpers/buslisten.py), then a start:
        # PropertiesChanged of the unit carries the rows flagged emits-change.
        mon = subprocess.Popen(ns(b) + [PY, LISTEN, PATH + "later_2eservice", "PropertiesChanged", "ActiveState", "active",
                                        "SubState", "running"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            first = read_line(mon, 30)
            r = subprocess.run(ns(b) + ["systemctl", "start", "later.service"], capture_output=True, text=True, timeout=60)
            rest, _ = mon.communicate(timeout=60)
            tap.ok(first == "listening\n" and r.returncode == 0 and mon.returncode == 0,
                   "PropertiesChanged: ActiveState=active and SubState=running of a started unit", f"{first}{rest}{r.stderr}")
        finally:
            if mon.poll() is None:
                mon.kill()
                mon.wait()
        tap.eq(b.stop(), 0, "stops cleanly")


if __name__ == "__main__":
    Tap().run([test_tables])
