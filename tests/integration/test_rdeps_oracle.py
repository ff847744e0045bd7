#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reverse dependencies over D-Bus (issue 13: dependency walks without quadratic scans): the
properties systemd 252 derives from other units' dependencies (RequiredBy=, RequisiteOf=,
WantedBy=, BoundBy=, ConsistsOf=, UpheldBy=, ConflictedBy=, OnFailureOf=, OnSuccessOf=,
TriggeredBy=, the propagation pairs, and the ordering both ways) are read by sdinit from the
reverse edges its manager keeps, not by a scan of every unit at every property read. Booted
under Debian's real systemd 252 and under sdinit (oraclelib.py: user namespace, delegated cgroup
v2), `systemctl show` of the same units must give the same lists (sorted: systemd's order is its
hash table's).

t.service is the target of one unit per kind of dependency; default.target pulls t.service in
and is After= every other unit, which loads them without starting them. A unit that only a
not-loaded unit names has no reverse edge: late.service names t.service but nothing loads it.

SKIP when systemd cannot boot here (no delegated cgroup v2).
"""
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oraclelib  # noqa: E402
from harness import Tap  # noqa: E402

NODEF = "[Unit]\nDefaultDependencies=no\n"
SLEEP = "[Service]\nExecStart=/bin/sleep infinity\n"
SOURCES = {
    "req.service": "Requires=t.service",
    "rqs.service": "Requisite=t.service",
    "wnt.service": "Wants=t.service",
    "bnd.service": "BindsTo=t.service",
    "prt.service": "PartOf=t.service",
    "uph.service": "Upholds=t.service",
    "cnf.service": "Conflicts=t.service",
    "onf.service": "OnFailure=t.service",
    "ons.service": "OnSuccess=t.service",
    "prl.service": "PropagatesReloadTo=t.service",
    "rpf.service": "ReloadPropagatedFrom=t.service",
    "pst.service": "PropagatesStopTo=t.service",
    "spf.service": "StopPropagatedFrom=t.service",
    "aft.service": "After=t.service",
    "bef.service": "Before=t.service",
    "two.service": "Requires=t.service\nWants=t.service\nAfter=t.service",
    "jns.service": "JoinsNamespaceOf=t.service",
}
UNITS = {name: NODEF + dep + "\n" + SLEEP for name, dep in SOURCES.items()}
UNITS.update({
    "t.service": NODEF + SLEEP,
    "t.socket": NODEF + "[Socket]\nListenStream=/run/sdinit-rdeps-t.sock\n",
    "t.timer": NODEF + "[Timer]\nOnActiveSec=1h\nUnit=t.service\n",
    "late.service": NODEF + "Requires=t.service\n" + SLEEP,
    "default.target": "[Unit]\nDescription=rdeps oracle\nWants=t.service\nAfter=" +
                      " ".join(sorted(SOURCES) + ["t.socket", "t.timer"]) + "\n",
})
PROPS = ("RequiredBy", "RequisiteOf", "WantedBy", "BoundBy", "ConsistsOf", "UpheldBy", "ConflictedBy", "OnFailureOf",
         "OnSuccessOf", "TriggeredBy", "Triggers", "PropagatesReloadTo", "ReloadPropagatedFrom", "PropagatesStopTo",
         "StopPropagatedFrom", "JoinsNamespaceOf", "Before", "After", "Requires", "Wants", "Conflicts")
SHOWN = ("t.service", "t.socket", "t.timer", "default.target", "two.service", "cnf.service", "jns.service")
# Units systemd adds dependencies on that sdinit has no unit for (README, "Differences"): the slices
# (sdinit makes the cgroups, no units), mount units (none), and systemd-journald.socket, which
# systemd orders a service with journal output after: under sdinit a service writes to PID 1's
# pipe, never to the journal's socket, so nothing needs that order.
NOT_MODELLED = ("system.slice", "-.mount", "systemd-journald.socket")


def props_of(p):
    got = {}
    for unit, props in p.show(list(SHOWN), PROPS).items():
        for prop in PROPS:
            got[(unit, prop)] = sorted(x for x in props.get(prop, "").split() if x not in NOT_MODELLED)
    return got


def boot(kind, cg2, work, unitdir):
    return oraclelib.boot_and_run(kind, cg2, f"sdinit-rdeps-{kind}-{os.getpid()}", work, unitdir,
                                  lambda p: props_of(oraclelib.settled(p)))[0]


def main():
    tap = Tap()
    cg2 = oraclelib.root_or_skip(tap, "reverse dependencies oracle")
    work = tempfile.mkdtemp(prefix="sdinit-rdeps-", dir="/var/tmp")
    os.chmod(work, 0o755)
    unitdir = os.path.join(work, "units")
    oraclelib.write_unit_dir(unitdir, UNITS)
    try:
        sd = boot("systemd", cg2, work, unitdir)
        mine = boot("sdinit", cg2, work, unitdir)
        tap.ok(len(sd[("t.service", "RequiredBy")]) == 2, "systemd lists req and two as RequiredBy= of t.service",
               sd[("t.service", "RequiredBy")])
        for unit in SHOWN:
            for prop in PROPS:
                tap.eq(mine[(unit, prop)], sd[(unit, prop)], f"{unit}: {prop}= as under systemd")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tap.run([])


if __name__ == "__main__":
    main()
