#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The order in which runnable jobs start (issue 13): systemd 252 keeps them in a priority queue
(its run queue, ordered by unit_compare_priority()): unit types in the reverse order of its
UnitType enum (paths and timers before targets, targets before sockets, services last), then the
higher CPU weight (StartupCPUWeight= while it boots), then the lower Nice=, then the name; a unit
whose job became runnable goes into that queue at once, so a chain's next link starts before
the rest of a fan-out that sorts after it. sdinit ran them in the order it had loaded the units.
Booted under Debian's real systemd 252 and under sdinit (oraclelib.py: user namespace, delegated
cgroup v2), the units' InactiveExitTimestampMonotonic (when each left "inactive") must put them in
the same order. Every unit is DefaultDependencies=no and wanted by default.target, so all are
runnable together at the first dispatch; a-1 is After=/Requires= a-0 (Type=simple: up at once).

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
SLEEP = "ExecStart=/bin/sleep infinity\n"
UNITS = {
    "sysinit.target": "[Unit]\nDescription=sysinit\n",
    "basic.target": "[Unit]\nDescription=basic\n",
    # Services: the name decides among equals; Nice= and CPUWeight= before it.
    "m.service": NODEF + "[Service]\n" + SLEEP,
    "c.service": NODEF + "[Service]\n" + SLEEP,
    "nice5.service": NODEF + "[Service]\nNice=5\n" + SLEEP,
    "nicem5.service": NODEF + "[Service]\nNice=-5\n" + SLEEP,
    "w500.service": NODEF + "[Service]\nCPUWeight=500\n" + SLEEP,
    "w10.service": NODEF + "[Service]\nCPUWeight=10\nStartupCPUWeight=1000\n" + SLEEP,
    # A chain of two and a fan-out of three that sorts after its head.
    "a-0.service": NODEF + "[Service]\n" + SLEEP,
    "a-1.service": NODEF + "Requires=a-0.service\nAfter=a-0.service\n[Service]\n" + SLEEP,
    "b-0.service": NODEF + "[Service]\n" + SLEEP,
    "b-1.service": NODEF + "[Service]\n" + SLEEP,
    "b-2.service": NODEF + "[Service]\n" + SLEEP,
    # Other types.
    "y.target": NODEF,
    "x.target": NODEF,
    "s.socket": NODEF + "[Socket]\nListenStream=/run/order-s.sock\n",
    "s.service": "[Service]\n" + SLEEP,
    "t.timer": NODEF + "[Timer]\nOnActiveSec=1h\n",
    "t.service": "[Service]\nExecStart=/bin/true\n",
    "p.path": NODEF + "[Path]\nPathExists=/run/order-nothing\n",
    "p.service": "[Service]\nExecStart=/bin/true\n",
}
STARTED = ["m.service", "c.service", "nice5.service", "nicem5.service", "w500.service", "w10.service", "a-0.service",
           "a-1.service", "b-0.service", "b-1.service", "b-2.service", "y.target", "x.target", "s.socket", "t.timer",
           "p.path"]
UNITS["default.target"] = "[Unit]\nDescription=order\nWants=" + " ".join(STARTED) + "\nAfter=" + " ".join(STARTED) + "\n"


def start_order(kind, cg2, work, unitdir):
    got = oraclelib.boot_and_run(kind, cg2, f"sdinit-order-{kind}-{os.getpid()}", work, unitdir,
                                 lambda p: (p.wait_ready(), p.show(STARTED, ("Id", "InactiveExitTimestampMonotonic")))[1])[0]
    stamps = [(int(v.get("InactiveExitTimestampMonotonic") or 0), u) for u, v in got.items()]
    return [u for _, u in sorted(stamps)], [u for t, u in stamps if t == 0]


def main():
    tap = Tap()
    cg2 = oraclelib.root_or_skip(tap, "dispatch order oracle")
    work = tempfile.mkdtemp(prefix="sdinit-order-", dir="/var/tmp")
    os.chmod(work, 0o755)
    unitdir = os.path.join(work, "units")
    oraclelib.write_unit_dir(unitdir, UNITS)
    try:
        sd, sd_never = start_order("systemd", cg2, work, unitdir)
        mine, mine_never = start_order("sdinit", cg2, work, unitdir)
        tap.eq(sd_never, [], "every unit started under systemd")
        tap.eq(mine_never, [], "every unit started under sdinit")
        tap.eq(mine, sd, "the runnable jobs start in systemd's order (type, CPU weight, Nice=, name; a chain's "
               "next link at once)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tap.run([])


if __name__ == "__main__":
    main()
