#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The image benchmark (issue 11): the image suite's FreeIPA-class Debian 12 image booted with a
delegated cgroup v2 under sdinit and under Debian's systemd 252, interleaved round-robin, N rounds.
Prints, per PID 1, boot-to-`systemctl is-system-running --wait` time and PID 1's peak memory
(VmHWM of /proc/<host pid>/status once booted), medians and sdinit/systemd ratios. A benchmark, not
a test: it never fails on a number. Needs root (see tests/image/README's requirements).

  /usr/bin/python3 bench/image-bench.py [--rounds N] [--deadline S] [--sdinit-dir build/init]
"""
import argparse
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "image"))
import imageboot as ib  # noqa: E402
from imageboot import cgharness  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--deadline", type=float, default=120.0, help="boot deadline per boot, seconds")
    ap.add_argument("--sdinit-dir", default=os.path.join(ib.REPO, "build", "init"))
    a = ap.parse_args()
    res = cgharness.Results("image-bench")
    cg2 = cgharness.preflight(res)[0]
    image, dt, stamp = ib.build_image()
    if image is None:
        print(f"cannot build the image: {stamp.get('stderr', '')[-1000:]}")
        return 1
    overlay = ib.probe_overlay()
    print(f"image {image} (built in {stamp.get('build_seconds')} s), per-boot copy: {'overlay' if overlay else 'cp -a'}")
    data = {"systemd": {"boot": [], "hwm": [], "state": []}, "sdinit": {"boot": [], "hwm": [], "state": []}}
    for r in range(a.rounds):
        order = ("sdinit", "systemd") if r % 2 == 0 else ("systemd", "sdinit")
        for kind in order:
            c = ib.Container(image, kind, "delegated", os.path.abspath(a.sdinit_dir), overlay=overlay, tag=f"b{r}{kind[:2]}")
            try:
                c.start(cg2)
                state, t = c.wait_booted(a.deadline)
                hwm = c.vmhwm_kb()
                d = data[kind]
                d["boot"].append(t)
                d["hwm"].append(hwm or 0)
                d["state"].append(state)
                print(f"round {r + 1} {kind:8} {state:12} boot {t:7.2f} s  VmHWM {hwm} kB", flush=True)
                c.signal(ib.RTMIN3)
                c.wait_exit(60)
            finally:
                c.close()
    print()
    print(f"{'':8} {'boot median (s)':>16} {'VmHWM median (kB)':>18}  states")
    med = {}
    for kind in ("systemd", "sdinit"):
        d = data[kind]
        med[kind] = (statistics.median(d["boot"]), statistics.median(d["hwm"]))
        print(f"{kind:8} {med[kind][0]:16.2f} {med[kind][1]:18.0f}  {', '.join(sorted(set(d['state'])))}")
    print(f"{'ratio':8} {med['sdinit'][0] / med['systemd'][0]:16.2f} {med['sdinit'][1] / med['systemd'][1]:18.2f}  (sdinit / systemd)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
