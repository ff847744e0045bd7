#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Clean output (issue 15 item 5): every sdinit subcommand writes whole lines, results on stdout,
diagnostics on stderr, so that with both streams into one pipe (`2>&1 | ...`, `docker logs`) no
line mixes the two. Each command runs twice: once with stdout and stderr apart, once with 2>&1
into one pipe; every line of the joined output must be a whole line of one of the two streams
(the same lines, as many times, numbers masked since pids and times change between runs), and
each stream's lines keep their order in the joined output. The commands are chosen so that
stdout passes the stdio buffer size (4 KiB) before and after a diagnostic: that is where a
fully-buffered stdout cut a line in two around a stderr line.

Offline: sdinit detect, verify, cat, show, status (no PID 1), --help, the drop-in mode with -vvv,
the tini and dumb-init personalities (a symlink named after them), sdinit's systemctl with
--root. Online (sdinit as PID 1 in a user namespace with a delegated cgroup v2, oraclelib.py):
sdinit status --all, and sdinit's systemctl status/show/list-units/is-active/cat with a unit
that does not exist in the middle of many that do.
"""
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oraclelib  # noqa: E402
from harness import Tap  # noqa: E402

BUILD = os.path.join(HERE, "..", "..", "build", "init")
SDINIT = os.path.abspath(os.environ.get("SDINIT") or os.path.join(BUILD, "sdinit"))
CTL = os.path.abspath(os.environ.get("SDINIT_SYSTEMCTL") or os.path.join(BUILD, "systemctl"))
NUM = re.compile(r"\d+")
AGO = re.compile(r"; [^;]* ago$")
N_UNITS = 120


def lines(b):
    return [NUM.sub("N", AGO.sub("; ... ago", ln)) for ln in b.decode(errors="replace").splitlines()]


def subsequence(sub, seq):
    it = iter(seq)
    return all(any(x == y for y in it) for x in sub)


def check(tap, name, cmd, env=None, prefix=(), ordered=True):
    """ordered=False where two processes write (sdinit and its child before the exec): each line
    is still whole, but which process writes first is a race."""
    full = list(prefix) + cmd
    apart = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=120)
    joined = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, timeout=120)
    out, err, both = lines(apart.stdout), lines(apart.stderr), lines(joined.stdout)
    extra = collections.Counter(both) - (collections.Counter(out) + collections.Counter(err))
    missing = (collections.Counter(out) + collections.Counter(err)) - collections.Counter(both)
    ok = not extra and not missing and (not ordered or (subsequence(out, both) and subsequence(err, both)))
    tap.ok(ok, f"{name}: {len(out)} stdout and {len(err)} stderr lines, whole and in order with 2>&1",
           f"mixed or cut lines: {list(extra)[:5]}\nlost: {list(missing)[:5]}")
    return out, err


def write_units(d):
    os.makedirs(d)
    os.chmod(d, 0o755)
    with open(os.path.join(d, "default.target"), "w") as f:
        f.write("[Unit]\nDescription=clean output\nWants=" +
                " ".join(f"co{i}.service" for i in range(0, N_UNITS, 2)) + "\n")
    for i in range(N_UNITS):
        with open(os.path.join(d, f"co{i}.service"), "w") as f:
            # Every unit has a problem verify reports (stderr) and directives show prints (stdout).
            f.write(f"[Unit]\nDescription=clean output unit {i} with a long description to fill lines\n"
                    f"DefaultDependencies=no\nFooBar=1\n[Service]\nExecStart=/bin/sleep infinity\n"
                    f"Restart=bogus\nEnvironment=A=1 B=2\n[Install]\nWantedBy=multi-user.target\n")


def offline(tap, work, unitdir):
    env = dict(os.environ, SYSTEMD_UNIT_PATH=unitdir + ":", LANG="C.UTF-8", SYSTEMD_COLORS="0")
    half = N_UNITS // 2
    first = [f"co{i}.service" for i in range(half)]
    rest = [f"co{i}.service" for i in range(half, N_UNITS)]
    check(tap, "sdinit detect", [SDINIT, "detect"], env)
    check(tap, "sdinit detect --json", [SDINIT, "detect", "--json"], env)
    check(tap, "sdinit verify --all", [SDINIT, "verify", "--all"], env)
    check(tap, "sdinit verify (a missing file in the middle)", [SDINIT, "verify"] + first + ["/nonexistent/x.service"] + rest, env)
    check(tap, "sdinit cat (a missing unit in the middle)", [SDINIT, "cat"] + first + ["nosuch.service", "bad@@.service"] + rest, env)
    check(tap, "sdinit show (an invalid name in the middle)", [SDINIT, "show"] + first + ["bad@@.service"] + rest, env)
    check(tap, "sdinit status (no PID 1)", [SDINIT, "status", "--all"], env)
    check(tap, "sdinit --help", [SDINIT, "--help"], env)
    check(tap, "sdinit with an unknown option", [SDINIT, "--bogus"], env)
    check(tap, "sdinit -vvv (drop-in mode)", [SDINIT, "-vvv", "--", "/bin/sh", "-c", "exit 3"], env)
    check(tap, "sdinit -vvv, a command that does not exist", [SDINIT, "-vvv", "--", "/nonexistent/cmd"], env,
          ordered=False)
    for pers, args in (("tini", ["-vvv", "--", "/bin/true"]), ("tini", ["-h"]), ("dumb-init", ["-v", "/bin/true"]),
                       ("dumb-init", ["--help"]), ("tini", ["--bogus"])):
        link = os.path.join(work, pers)
        if not os.path.exists(link):
            os.symlink(SDINIT, link)
        check(tap, f"{pers} personality {' '.join(args)}", [link] + args, env)
    root = os.path.join(work, "root")
    os.makedirs(os.path.join(root, "etc/systemd/system"))
    shutil.copytree(unitdir, os.path.join(root, "usr/lib/systemd/system"))
    check(tap, "systemctl --root list-unit-files", [CTL, "--root", root, "list-unit-files"], env)
    check(tap, "systemctl --root enable (a missing unit in the middle)", [CTL, "--root", root, "enable"] + first + ["nosuch.service"] + rest, env)
    check(tap, "systemctl --root is-enabled (a missing unit in the middle)", [CTL, "--root", root, "is-enabled"] + first + ["nosuch.service"] + rest, env)
    check(tap, "systemctl --root cat (a missing unit in the middle)", [CTL, "--root", root, "cat"] + first + ["nosuch.service"] + rest, env)


def online(tap, work, unitdir):
    try:
        cg2 = oraclelib.preflight()
    except oraclelib.Unavailable as e:
        tap.skip("clean output against a running sdinit", f"LOUD SKIP: no delegated cgroup v2 ({e})")
        return
    half = N_UNITS // 2
    names = [f"co{i}.service" for i in range(N_UNITS)]
    mixed = names[:half] + ["nosuch.service"] + names[half:]
    p = oraclelib.boot_sdinit(cg2, f"sdinit-cleanout-{os.getpid()}", work, unitdir)
    try:
        p.wait_ready()
        p.settle()
        pre = ["nsenter", "-t", str(p.pid1), "-U", "-m", "-p"]
        env = dict(os.environ, LANG="C.UTF-8", SYSTEMD_COLORS="0", SYSTEMD_PAGER="")
        check(tap, "sdinit status --all (PID 1 running)", [SDINIT, "status", "--all"], env, pre)
        for verb in (["status"], ["show", "-p", "Id,Description,ActiveState"], ["is-active"], ["cat"], ["is-failed"]):
            check(tap, f"sdinit's systemctl {verb[0]} (a missing unit in the middle)", [CTL, "--no-pager"] + verb + mixed,
                  env, pre)
        check(tap, "sdinit's systemctl list-units --all", [CTL, "--no-pager", "list-units", "--all"], env, pre)
        check(tap, "sdinit's systemctl kill/restart of a missing unit among many", [CTL, "--no-pager", "reset-failed"] + mixed,
              env, pre)
        rc = oraclelib.stop_sdinit(p)
        tap.ok(rc == 0, "sdinit exits 0 on SIGTERM", p.output()[-2000:])
    finally:
        p.close()


def main():
    tap = Tap()
    work = tempfile.mkdtemp(prefix="sdinit-cleanout-", dir="/var/tmp")
    os.chmod(work, 0o755)
    unitdir = os.path.join(work, "units")
    write_units(unitdir)
    try:
        offline(tap, work, unitdir)
        if os.geteuid() == 0:
            online(tap, work, unitdir)
        else:
            tap.skip("clean output against a running sdinit", "needs root (user namespaces)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tap.run([])


if __name__ == "__main__":
    main()
