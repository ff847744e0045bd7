#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 12, defect 7: loading a unit is linear in its size. A 250,000-word Exec line took 13 s
(quadratic in the words) and 40,000 drop-ins 26 s, during which PID 1 answered no one. Measured
through `sdinit verify` (the same loader PID 1 uses) at two sizes ten times apart: a linear loader
takes about ten times as long for the larger one, a quadratic one a hundred times."""
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import SDINIT, Tap  # noqa: E402


def timed_verify(unitdir, name):
    env = dict(os.environ, SYSTEMD_UNIT_PATH=unitdir)
    best = None
    for _ in range(3):  # the best of three: this machine is shared
        t = time.monotonic()
        r = subprocess.run([SDINIT, "verify", name], env=env, capture_output=True, text=True, timeout=300)
        dt = time.monotonic() - t
        best = dt if best is None else min(best, dt)
    return best, r


def exec_words(d, n):
    name = f"words{n}.service"
    with open(os.path.join(d, name), "w") as f:
        f.write("[Service]\nExecStart=/bin/echo " + " ".join("a" for _ in range(n)) + "\n")
    return name


def dropins(d, n):
    name = f"dropins{n}.service"
    with open(os.path.join(d, name), "w") as f:
        f.write("[Service]\nExecStart=/bin/true\n")
    dd = os.path.join(d, name + ".d")
    os.mkdir(dd)
    for i in range(n):
        with open(os.path.join(dd, f"{i:06d}.conf"), "w") as f:
            f.write(f"[Unit]\nDescription=drop-in {i}\n")
    return name


def scaling(tap, what, make, small, large):
    d = tempfile.mkdtemp(prefix="sdinit-load-", dir="/var/tmp")
    try:
        a, b = make(d, small), make(d, large)
        ts, rs = timed_verify(d, a)
        tl, rl = timed_verify(d, b)
        tap.ok(rl.returncode == 0, f"{what}: {large:,} load and verify", rl.stdout[-500:] + rl.stderr[-500:])
        ratio = tl / max(ts, 1e-3)
        tap.ok(ratio < 30, f"{what}: linear ({small:,}: {ts:.3f} s, {large:,}: {tl:.3f} s, ratio {ratio:.1f} for 10x)")
        tap.ok(tl < 5, f"{what}: {large:,} within seconds ({tl:.2f} s)")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def test_exec_words(tap):
    scaling(tap, "Exec words", exec_words, 25000, 250000)


def test_dropins(tap):
    scaling(tap, "drop-ins", dropins, 4000, 40000)


if __name__ == "__main__":
    Tap().run([test_exec_words, test_dropins])
