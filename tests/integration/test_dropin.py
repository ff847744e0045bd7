#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Drop-in mode as a real PID 1: exit codes, exec failures, signal forwarding, reaping, process
groups, subreaper, signal mask hand-back and --grace."""
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (HELPERS, PY, SDINIT, Pid1, Skip, Tap, helper, mappings, run_pid1)  # noqa: E402

ORPHANS = os.environ.get("ORPHANS_HELPER", "")

TERMINATING = [s for s in range(1, 65) if s not in (
    signal.SIGSTOP, signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU,   # stop, not terminate
    signal.SIGCHLD, signal.SIGCONT, signal.SIGURG, signal.SIGWINCH,   # ignored by default
    32, 33)]                                                           # glibc-internal
FORWARDABLE = [s for s in signal.valid_signals() if s not in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD)]


def test_exit_codes(tap):
    for mapping in mappings():
        codes = range(256) if mapping == "root" else (0, 1, 2, 126, 127, 128, 200, 255)
        bad = []
        for c in codes:
            rc, _, err = run_pid1([SDINIT, "--", "/bin/sh", "-c", f"exit {c}"], mapping)
            if rc != c:
                bad.append((c, rc, err))
        tap.ok(not bad, f"[{mapping}] exit status 0-255 propagated ({len(codes)} codes)", bad[:5])


def test_signal_exit_codes(tap):
    bad = []
    for s in TERMINATING:
        rc, _, err = run_pid1([SDINIT, "--"] + helper("killself.py") + [str(s)])
        if rc != 128 + s:
            bad.append((s, rc, err[-200:]))
    tap.ok(not bad, f"killed by signal N -> exit 128+N ({len(TERMINATING)} signals)", bad[:5])


def test_exec_failures(tap):
    with tempfile.TemporaryDirectory() as d:
        os.chmod(d, 0o755)
        notexec = os.path.join(d, "notexec")
        open(notexec, "w").write("#!/bin/sh\nexit 0\n")
        os.chmod(notexec, 0o644)
        for mapping in mappings():
            rc, out, err = run_pid1([SDINIT, "--", "/nonexistent/cmd"], mapping)
            tap.eq(rc, 127, f"[{mapping}] ENOENT -> 127")
            tap.ok(err.count("\n") == 1 and "/nonexistent/cmd" in err and "No such file" in err,
                   f"[{mapping}] ENOENT -> one line on stderr naming the command", err)
            rc, out, err = run_pid1([SDINIT, "--", notexec], mapping)
            tap.eq(rc, 126, f"[{mapping}] EACCES -> 126")
            tap.ok(err.count("\n") == 1 and "Permission denied" in err, f"[{mapping}] EACCES message", err)
            rc, out, err = run_pid1([SDINIT, "--", d], mapping)
            tap.eq(rc, 126, f"[{mapping}] a directory -> 126")
        rc, out, err = run_pid1([SDINIT, "--", "no-such-command-in-path"])
        tap.eq(rc, 127, "PATH lookup failure -> 127")


def test_forward_every_signal(tap):
    for mapping in mappings():
        with Pid1([SDINIT, "--"] + helper("sigrecorder.py") + [str(int(signal.SIGTERM)), "7"], mapping) as p:
            ready = p.readline()
            tap.ok(ready.startswith("C pid=2 "), f"[{mapping}] child is pid 2 under PID 1", ready)
            missing = []
            for s in FORWARDABLE:
                if s == signal.SIGTERM:
                    continue
                p.kill(s)
                line = p.readline()
                if line != f"C SIG {int(s)}":
                    missing.append((int(s), line))
            tap.ok(not missing, f"[{mapping}] all {len(FORWARDABLE) - 1} catchable signals but SIGTERM forwarded, "
                   "real-time included", missing)
            p.kill(signal.SIGTERM)
            tap.eq(p.readline(), f"C SIG {int(signal.SIGTERM)}", f"[{mapping}] SIGTERM forwarded")
            rc, _, err = p.wait()
            tap.eq(rc, 7, f"[{mapping}] exit status after SIGTERM")


def test_sigchld_not_forwarded(tap):
    # The child records SIGCHLD if it ever gets one it did not cause: it has no children of its own.
    code = ("import os,signal;signal.pthread_sigmask(signal.SIG_BLOCK,[signal.SIGCHLD,signal.SIGUSR1]);"
            "print('ready',flush=True);s=signal.sigwait([signal.SIGCHLD,signal.SIGUSR1]);print(int(s),flush=True)")
    with Pid1([SDINIT, "--", PY, "-c", code]) as p:
        p.readline()
        p.kill(signal.SIGCHLD)
        p.kill(signal.SIGUSR1)
        tap.eq(p.readline(), str(int(signal.SIGUSR1)), "SIGCHLD sent to PID 1 is not forwarded")
        p.wait()


def test_zombie_storm(tap):
    if not ORPHANS:
        raise Skip("ORPHANS_HELPER not set (run through meson)")
    for mapping in mappings():
        rc, out, err = run_pid1([SDINIT, "--", ORPHANS, "5000", "60"], mapping, timeout=120)
        tap.ok(rc == 0 and "zombies-left 0" in out, f"[{mapping}] 5,000 orphaned zombies all reaped", out + err)


def test_zombie_storm_subreaper(tap):
    if not ORPHANS:
        raise Skip("ORPHANS_HELPER not set (run through meson)")
    # Not PID 1: the orphans come to sdinit only because it made itself a subreaper. Each test
    # gets a fresh PID namespace so the /proc scan sees only this tree, but sdinit is not its init.
    rc, out, err = run_pid1(["/bin/sh", "-c", f'exec "$0" -- "$1" 500 30', SDINIT, ORPHANS])
    tap.ok(rc == 0 and "zombies-left 0" in out, "orphans reaped when not PID 1 (automatic subreaper)", out + err)


def pgroup_run(args):
    with Pid1([SDINIT] + args + ["--"] + helper("pgroup.py")) as p:
        lines = [p.readline(), p.readline()]
        p.kill(signal.SIGUSR1)
        rc, out, err = p.wait()
        lines += out.splitlines()
        return rc, lines, err


def test_process_group(tap):
    rc, lines, err = pgroup_run([])
    gc = [l for l in lines if l.startswith("GC SIG")]
    tap.eq(gc, ["GC SIG 12"], "default: the signal goes to the child only")
    rc, lines, err = pgroup_run(["-g"])
    gc = [l for l in lines if l.startswith("GC SIG")]
    tap.eq(gc, ["GC SIG 10", "GC SIG 12"], "-g: the signal goes to the child's process group")
    rc, lines, err = pgroup_run([])
    pg = {l.split("pgrp=")[1] for l in lines if "ready" in l}
    tap.ok(pg == {"2"}, "child leads its own process group (pgid 2, not PID 1's)", lines)


def test_env_kill_process_group(tap):
    with Pid1([SDINIT, "--"] + helper("pgroup.py"), env={"TINI_KILL_PROCESS_GROUP": "1"}) as p:
        p.readline(), p.readline()
        p.kill(signal.SIGUSR1)
        rc, out, err = p.wait()
    tap.eq([l for l in out.splitlines() if l.startswith("GC")], ["GC SIG 10", "GC SIG 12"],
           "TINI_KILL_PROCESS_GROUP acts as -g")


def test_subreaper_when_not_pid1(tap):
    with Pid1([SDINIT, "-v", "--"] + helper("orphan_ppid.py"), namespaces=False) as p:
        rc, out, err = p.wait()
        tap.eq(out.strip(), f"orphan ppid={p.proc.pid}", "an orphan is re-parented to sdinit (not PID 1)")
        tap.ok("registered as a child subreaper" in err, "-v says it became a subreaper", err)
    rc, out, err = run_pid1([SDINIT, "--", "true"], namespaces=False)
    tap.ok(rc == 0 and err == "", "silent about it at the default verbosity", err)


def test_mask_and_dispositions_restored(tap):
    show = ["/bin/grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"]  # no shell: dash resets its mask

    # A launcher sets the mask and dispositions, then exec()s: exec keeps both, as a runtime would.
    launcher = ("import os,signal,sys;"
                "signal.pthread_sigmask(signal.SIG_SETMASK,[signal.SIGUSR1,signal.SIGRTMIN+2]);"
                "signal.signal(signal.SIGPIPE,signal.SIG_IGN);signal.signal(signal.SIGHUP,signal.SIG_IGN);"
                "os.execv(sys.argv[1],sys.argv[1:])")

    def run(argv):
        p = subprocess.run([PY, "-c", launcher] + argv, capture_output=True, text=True, timeout=30)
        return p.stdout

    direct = run(show)
    for pers, argv in (("sdinit", [SDINIT, "--"]), ("sdinit --setsid", [SDINIT, "--setsid", "--"])):
        via = run(argv + show)
        tap.eq(via, direct, f"{pers}: the child gets the inherited signal mask and ignored signals back")
    tap.ok("SigBlk:\t0000000800000200" in direct, "the check itself sees the mask it set", direct)


def test_grace_off_by_default(tap):
    with Pid1([SDINIT, "--"] + helper("grace.py") + ["exit", "3", "polite"]) as p:
        rc, out, err = p.wait()
    tap.eq(rc, 3, "without --grace: the main child's status")
    tap.ok("daemon TERM" not in out, "without --grace: the daemon gets no SIGTERM (killed with the namespace)", out)


def test_grace_after_main_exit(tap):
    for mapping in mappings():
        with Pid1([SDINIT, "--grace", "20", "--"] + helper("grace.py") + ["exit", "3", "polite"], mapping) as p:
            rc, out, err = p.wait()
        tap.eq(rc, 3, f"[{mapping}] --grace: exit status is still the main child's")
        tap.ok("daemon TERM" in out, f"[{mapping}] --grace: a daemon re-parented to PID 1 gets SIGTERM and stops", out + err)


def test_grace_then_sigkill(tap):
    t0 = time.monotonic()
    with Pid1([SDINIT, "--grace", "0.5", "--"] + helper("grace.py") + ["exit", "4", "stubborn"]) as p:
        rc, out, err = p.wait()
    dt = time.monotonic() - t0
    tap.eq(rc, 4, "--grace: a daemon that ignores SIGTERM does not change the status")
    tap.ok(dt >= 0.5, f"--grace 0.5: waited the grace period ({dt:.2f}s)")
    tap.ok("SIGKILL" in err, "--grace: says it escalated to SIGKILL", err)


def test_grace_on_sigterm(tap):
    with Pid1([SDINIT, "--grace", "20", "--"] + helper("grace.py") + ["term", "5", "polite"]) as p:
        lines = []
        while "main ready" not in lines:
            lines.append(p.readline())
        p.kill(signal.SIGTERM)
        rc, out, err = p.wait()
        lines += out.splitlines()
    tap.eq(rc, 5, "SIGTERM with --grace: exit status of the main child")
    tap.ok("main TERM" in lines and "daemon TERM" in lines, "SIGTERM with --grace reaches the child and the daemon", lines)
    tap.eq(lines.count("main TERM"), 1, "the main child gets SIGTERM once")


def test_grace_not_pid1(tap):
    # As a subreaper, sdinit finds the daemon through /proc (descendants only) instead of kill(-1).
    with Pid1([SDINIT, "--grace", "20", "--"] + helper("grace.py") + ["exit", "6", "polite"], namespaces=False) as p:
        rc, out, err = p.wait()
    tap.eq(rc, 6, "subreaper --grace: status")
    tap.ok("daemon TERM" in out, "subreaper --grace: the re-parented daemon gets SIGTERM", out + err)


def test_bad_flags(tap):
    rc, out, err = run_pid1([SDINIT, "--grace", "x", "--", "true"], namespaces=False)
    tap.ok(rc == 2 and "'x'" in err, "a bad --grace value is named", err)
    rc, out, err = run_pid1([SDINIT, "--frobnicate", "--", "true"], namespaces=False)
    tap.ok(rc == 2 and "--frobnicate" in err, "an unknown flag is named", err)


def test_pdeath_signal(tap):
    """-p SIG: the kernel sends SIG to sdinit when its parent dies; sdinit forwards it like any other."""
    # The parent is a small Python process that starts sdinit and exits when its stdin closes.
    parent = ("import subprocess,sys;p=subprocess.Popen(sys.argv[1:]);"
              "print(p.pid,flush=True);sys.stdin.read()")
    argv = [PY, "-c", parent, SDINIT, "-p", "SIGUSR1", "--"] + helper("sigrecorder.py") + [str(int(signal.SIGUSR1)), "9"]
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        sdinit_pid = int(p.stdout.readline())
        ready = p.stdout.readline()
        tap.ok("ready" in ready, "-p: child started", ready)
        p.stdin.close()          # the parent exits; the kernel signals sdinit, which forwards
        p.wait(timeout=30)
        line = p.stdout.readline().strip()
        tap.eq(line, f"C SIG {int(signal.SIGUSR1)}", "-p SIGUSR1: parent death reaches the child through sdinit")
        _ = sdinit_pid
    finally:
        p.kill()
        p.wait()


if __name__ == "__main__":
    Tap().run([
        test_exit_codes, test_signal_exit_codes, test_exec_failures, test_forward_every_signal,
        test_sigchld_not_forwarded, test_zombie_storm, test_zombie_storm_subreaper, test_process_group,
        test_env_kill_process_group, test_subreaper_when_not_pid1, test_mask_and_dispositions_restored,
        test_grace_off_by_default, test_grace_after_main_exit, test_grace_then_sigkill, test_grace_on_sigterm,
        test_grace_not_pid1, test_bad_flags, test_pdeath_signal,
    ])
