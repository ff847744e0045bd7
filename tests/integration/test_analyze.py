#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Debian's systemd-analyze against sdinit as PID 1 (issue 15): `time`, `blame`, `critical-chain`,
`plot`, `dot` and `security` read sdinit's D-Bus properties (the Manager's timestamps, each unit's
InactiveExitTimestamp/ActiveEnterTimestamp...) as they read systemd's. A chain a -> b -> c is
booted; the answers must name the units, in the chain's order, with times that agree with it."""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import Skip, Tap  # noqa: E402

ANALYZE = "/usr/bin/systemd-analyze"
ONESHOT = "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n"
UNITS = {
    "default.target": "[Unit]\nWants=c.service\nAfter=c.service\n",
    "a.service": ONESHOT,
    "b.service": "[Unit]\nRequires=a.service\nAfter=a.service\n" + ONESHOT,
    "c.service": "[Unit]\nRequires=b.service\nAfter=b.service\n[Service]\nExecStart=/bin/sleep infinity\n",
}


def ms(text):
    """'1.234s' / '17ms' / '2min 3.1s' -> milliseconds."""
    total = 0.0
    for v, unit in re.findall(r"([\d.]+)(min|ms|s|us|µs)", text):
        total += float(v) * {"min": 60000, "s": 1000, "ms": 1, "us": 0.001, "µs": 0.001}[unit]
    return total


def test_analyze(tap):
    if not os.path.exists(ANALYZE):
        raise Skip("Debian's systemd-analyze is not installed")
    with Boot(UNITS, net=True) as b:
        b.booted()

        def analyze(*args):
            return subprocess.run(["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n", "--preserve-credentials",
                                   ANALYZE] + list(args), capture_output=True, text=True, timeout=60)

        r = analyze("time")
        tap.ok(r.returncode == 0 and re.search(r"^Startup finished in .+ \(userspace\)", r.stdout, re.M)
               and "default.target reached after" in r.stdout, "time: startup and default.target reported", r.stdout + r.stderr)

        r = analyze("blame")
        names = [l.split()[-1] for l in r.stdout.splitlines() if l.strip()]
        tap.ok(r.returncode == 0 and all(names.count(u) == 1 for u in ("a.service", "b.service", "c.service")),
               "blame: each service once, with its time", r.stdout + r.stderr)

        r = analyze("critical-chain", "c.service")
        chain = [l for l in r.stdout.splitlines() if ".service" in l]
        order = [re.search(r"(\w+\.service)", l).group(1) for l in chain]
        tap.ok(r.returncode == 0 and order == ["c.service", "b.service", "a.service"],
               "critical-chain: c, then b, then a, as they are ordered", r.stdout + r.stderr)
        at = {re.search(r"(\w+\.service)", l).group(1): l for l in chain}
        try:
            a_at, a_took = [ms(x) for x in re.search(r"@(\S+) \+(\S+)", at["a.service"]).groups()]
            b_at = ms(re.search(r"@(\S+)", at["b.service"]).group(1))
            tap.ok(a_at + a_took <= b_at + 1, f"critical-chain: b starts once a is done (a @{a_at} +{a_took}, b @{b_at})")
        except (AttributeError, KeyError) as e:
            tap.ok(False, "critical-chain: times after @ and +", f"{e}\n{r.stdout}")

        r = analyze("plot")
        try:
            svg = ET.fromstring(r.stdout)
            texts = " ".join(t.text or "" for t in svg.iter() if t.tag.endswith("text"))
        except ET.ParseError as e:
            svg, texts = None, str(e)
        tap.ok(r.returncode == 0 and svg is not None and all(u in texts for u in ("a.service", "b.service", "c.service")),
               "plot: an SVG that draws the three services", texts[:500])
        r = analyze("dot")
        tap.ok(r.returncode == 0 and r.stdout.startswith("digraph systemd {") and
               '"b.service"->"a.service" [color="black"]' in r.stdout and
               '"b.service"->"a.service" [color="green"]' in r.stdout and
               '"c.service"->"a.service"' not in r.stdout,
               "dot: b Requires= (black) and After= (green) a, c no edge to a", r.stdout + r.stderr)

        # security reads the sandboxing properties of the unit (issue 14 adds them to the bus)
        r = analyze("security", "c.service")
        tap.ok(r.returncode == 0 and "Overall exposure level for c.service:" in r.stdout and "NoNewPrivileges=" in r.stdout,
               "security c.service: the table and the overall exposure", r.stdout[-800:] + r.stderr)
        r = analyze("security")
        tap.ok(r.returncode == 0 and re.search(r"^c\.service\s+\d+\.\d+ ", r.stdout, re.M),
               "security: one line per running service", r.stdout + r.stderr)
        tap.eq(b.stop(), 0, "stops cleanly")


if __name__ == "__main__":
    Tap().run([test_analyze])
