#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Issue 12, defect 7: loading a unit is linear in its size. A 250,000-word Exec line took 13 s
(quadratic in the words) and 40,000 drop-ins 26 s, during which PID 1 answered no one. Measured
through `sdinit verify` (the same loader PID 1 uses) at two sizes ten times apart: a linear loader
takes about ten times as long for the larger one, a quadratic one a hundred times; the large one
must load within 1 s (issue 12's "Done when"; 3 s under ASan, which slows the loader several
times). Also 50,000 distinct Environment= names and 50,000 Wants= names (duplicate scans made
these 10 and 25 s): linear, the Environment= one under 1 s; `verify` then loads each of the
50,000 wanted units, so only its scaling is bounded (units/tests/test-scale.c times the parse).
SDINIT_HOSTILE_LONG=1 (the benchmark-like mode) also tries 500,000 words and 100,000 names."""
import os
import resource
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import SDINIT, Tap  # noqa: E402
import hostilelib  # noqa: E402


def timed_verify(unitdir, name):
    """The best of three runs, in CPU seconds (user + system) of `sdinit verify`: what the loader
    costs, whatever else this shared machine runs meanwhile."""
    env = dict(os.environ, SYSTEMD_UNIT_PATH=unitdir)
    best = None
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        r = hostilelib.run([SDINIT, "verify", name], env=env, timeout=300)  # fails on a sanitizer report
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        dt = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
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


def scaling(tap, what, make, small, large, bound=None):
    d = tempfile.mkdtemp(prefix="sdinit-load-", dir="/var/tmp")
    try:
        a, b = make(d, small), make(d, large)
        ts, rs = timed_verify(d, a)
        tl, rl = timed_verify(d, b)
        tap.ok(rl.returncode == 0, f"{what}: {large:,} load and verify", rl.stdout[-500:] + rl.stderr[-500:])
        ratio = tl / max(ts, 1e-3)
        tap.ok(ratio < 30, f"{what}: linear ({small:,}: {ts:.3f} s, {large:,}: {tl:.3f} s CPU, ratio {ratio:.1f} for 10x)")
        if bound:
            tap.ok(tl < bound, f"{what}: {large:,} load in under {bound:g} s of CPU ({tl:.3f} s)")
    finally:
        shutil.rmtree(d, ignore_errors=True)


def env_names(d, n):
    name = f"env{n}.service"
    with open(os.path.join(d, name), "w") as f:
        f.write("[Service]\nExecStart=/bin/true\n" + "".join(f"Environment=K{i}=v{i}\n" for i in range(n)))
    return name


def wants_names(d, n):
    name = f"wants{n}.service"
    with open(os.path.join(d, name), "w") as f:
        f.write("[Unit]\nWants=" + " ".join(f"w{i}.service" for i in range(n)) + "\n[Service]\nExecStart=/bin/true\n")
    return name


ASAN = "ASAN_OPTIONS" in os.environ
BOUND = 3.0 if ASAN else 1.0
LONG = os.environ.get("SDINIT_HOSTILE_LONG") == "1"


def test_exec_words(tap):
    scaling(tap, "Exec words", exec_words, 25000, 250000, BOUND)
    if LONG:
        scaling(tap, "Exec words (long mode)", exec_words, 50000, 500000)


def test_dropins(tap):
    scaling(tap, "drop-ins", dropins, 4000, 40000, BOUND)


def test_env_names(tap):
    scaling(tap, "Environment= names", env_names, 5000, 50000, BOUND)
    if LONG:
        scaling(tap, "Environment= names (long mode)", env_names, 10000, 100000)


def test_wants_names(tap):
    scaling(tap, "Wants= names", wants_names, 5000, 50000)


if __name__ == "__main__":
    Tap().run([test_exec_words, test_dropins, test_env_names, test_wants_names])
