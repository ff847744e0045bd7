#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""sdinit invoked as `tini` and as `dumb-init`, run side by side with Debian's real tini and
dumb-init in the same PID 1 harness: exit codes, messages (pids and versions normalised), and
what each does with signals must match."""
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Pid1, Skip, Tap, helper, normalize, personality_dir, run_pid1)  # noqa: E402

PERS = personality_dir()
OURS = {"tini": os.path.join(PERS, "tini"), "dumb-init": os.path.join(PERS, "dumb-init")}
PEERS = {"tini": shutil.which("tini") or "/usr/bin/tini", "dumb-init": shutil.which("dumb-init") or "/usr/bin/dumb-init"}


def both(name):
    if not os.path.exists(PEERS[name]):
        raise Skip(f"{name} is not installed (apt-get install {name}); scripts/deps.sh installs it")
    return [("peer", PEERS[name]), ("sdinit", OURS[name])]


def compare(tap, name, argv_tail, what, namespaces=True, env=None, fields=("rc", "out", "err")):
    res = {}
    for who, binary in both(name):
        rc, out, err = run_pid1([binary] + argv_tail, namespaces=namespaces, env=env)
        out, err = out.replace(binary, "BIN"), err.replace(binary, "BIN")
        res[who] = {"rc": rc, "out": normalize(out), "err": normalize(err)}
    for f in fields:
        tap.eq(res["sdinit"][f], res["peer"][f], f"{name} {what}: same {f} as the real {name}")
    return res


def signal_lines(binary, args, helper_args, sends, mapping="root"):
    """Runs binary args -- sigrecorder, sends signals one by one, returns the lines until exit."""
    with Pid1([binary] + args + helper("sigrecorder.py") + helper_args, mapping) as p:
        lines = [p.readline()]
        for s in sends:
            p.kill(s)
        rc, out, err = p.wait()
        return rc, lines + out.splitlines(), err


# ---- tini --------------------------------------------------------------------------------------

def test_tini_exit_and_messages(tap):
    compare(tap, "tini", ["--", "sh", "-c", "exit 3"], "exit 3")
    compare(tap, "tini", ["-vv", "--", "sh", "-c", "exit 3"], "-vv messages")
    compare(tap, "tini", ["--", "/nonexistent"], "exec ENOENT")
    compare(tap, "tini", ["--", "/etc"], "exec EACCES")
    compare(tap, "tini", ["-e", "3", "--", "sh", "-c", "exit 3"], "-e 3")
    compare(tap, "tini", ["--"] + helper("killself.py") + ["15"], "child killed by SIGTERM")
    compare(tap, "tini", ["-p", "TERM", "--", "true"], "bad -p")
    compare(tap, "tini", ["-e", "256", "--", "true"], "bad -e")
    compare(tap, "tini", [], "no program", fields=("rc",))
    compare(tap, "tini", ["--version"], "--version", fields=("rc", "out"))
    compare(tap, "tini", ["-l"], "-l", fields=("rc",))


def test_tini_not_pid1(tap):
    compare(tap, "tini", ["--", "true"], "not PID 1 (warning)", namespaces=False)
    compare(tap, "tini", ["-s", "--", "true"], "not PID 1 with -s", namespaces=False)
    compare(tap, "tini", ["--", "true"], "TINI_SUBREAPER", namespaces=False, env={"TINI_SUBREAPER": "1"})
    compare(tap, "tini", ["--", "true"], "TINI_VERBOSITY=0", namespaces=False, env={"TINI_VERBOSITY": "0"})


def test_tini_signals(tap):
    usr1, ttin, rt3 = int(signal.SIGUSR1), int(signal.SIGTTIN), signal.SIGRTMIN + 3
    res = {}
    for who, binary in both("tini"):
        # SIGTTIN is ignored by tini (never forwarded); USR1 and RTMIN+3 are forwarded. The
        # next signal is sent only after the child reported the previous one.
        with Pid1([binary, "--"] + helper("sigrecorder.py") + ["15", "0"]) as p:
            p.readline()
            got = []
            p.kill(signal.SIGTTIN)
            p.kill(signal.SIGUSR1)
            got.append(p.readline())
            p.kill(rt3)
            got.append(p.readline())
            p.kill(signal.SIGTERM)
            got.append(p.readline())
            rc, out, err = p.wait()
            res[who] = (rc, got)
    tap.eq(res["sdinit"][1], [f"C SIG {usr1}", f"C SIG {rt3}", "C SIG 15"], "tini: forwards USR1, RTMIN+3, TERM; drops TTIN")
    tap.eq(res["sdinit"], res["peer"], "tini: same signals reach the child, same status, as with the real tini")
    _ = ttin


def pgroup_lines(binary, args, env=None):
    with Pid1([binary] + args + helper("pgroup.py"), env=env) as p:
        lines = [p.readline(), p.readline()]
        p.kill(signal.SIGUSR1)
        rc, out, err = p.wait()
    return sorted(l for l in lines + out.splitlines() if "SIG" in l)


def test_tini_process_group(tap):
    for args, env, what in (([], None, "default"), (["-g"], None, "-g"), ([], {"TINI_KILL_PROCESS_GROUP": "1"}, "TINI_KILL_PROCESS_GROUP")):
        res = {who: pgroup_lines(b, args + ["--"], env) for who, b in both("tini")}
        tap.eq(res["sdinit"], res["peer"], f"tini {what}: same processes get the signal")


# ---- dumb-init ----------------------------------------------------------------------------------

def test_dumb_init_exit_and_messages(tap):
    compare(tap, "dumb-init", ["sh", "-c", "exit 3"], "exit 3")
    compare(tap, "dumb-init", ["/nonexistent"], "exec ENOENT")
    compare(tap, "dumb-init", helper("killself.py") + ["10"], "child killed by SIGUSR1")
    compare(tap, "dumb-init", ["-r", "40:1", "true"], "bad -r")
    compare(tap, "dumb-init", [], "no program")
    compare(tap, "dumb-init", ["-x", "true"], "unknown option", fields=("rc",))
    compare(tap, "dumb-init", ["-V"], "-V", fields=("rc", "out"))
    compare(tap, "dumb-init", ["--help"], "--help", fields=("rc", "out"))
    res = {}
    for who, binary in both("dumb-init"):
        rc, out, err = run_pid1([binary, "-v", "sh", "-c", "exit 3"])
        res[who] = (rc, sorted(normalize(err).splitlines()))  # parent and child lines interleave
    tap.eq(res["sdinit"], res["peer"], "dumb-init -v: same debug lines")
    res = {}
    for who, binary in both("dumb-init"):
        rc, out, err = run_pid1([binary, "sh", "-c", "exit 4"], env={"DUMB_INIT_DEBUG": "1", "DUMB_INIT_SETSID": "0"})
        res[who] = (rc, sorted(normalize(err).splitlines()))
    tap.eq(res["sdinit"], res["peer"], "dumb-init DUMB_INIT_DEBUG=1 DUMB_INIT_SETSID=0: same debug lines")


def test_dumb_init_session(tap):
    for args, env, what in (([], None, "default"), (["-c"], None, "-c"), ([], {"DUMB_INIT_SETSID": "0"}, "DUMB_INIT_SETSID=0")):
        res = {}
        for who, binary in both("dumb-init"):
            with Pid1([binary] + args + helper("sigrecorder.py"), env=env) as p:
                res[who] = p.readline()
                p.kill(signal.SIGTERM)
                p.wait()
        tap.eq(res["sdinit"], res["peer"], f"dumb-init {what}: same pid/pgrp/session for the child ({res['peer']})")
        res = {who: pgroup_lines(b, args, env) for who, b in both("dumb-init")}
        tap.eq(res["sdinit"], res["peer"], f"dumb-init {what}: same processes get the signal")


def test_dumb_init_rewrite(tap):
    for args, sends, what in (
            (["-r", "10:12"], [signal.SIGUSR1, signal.SIGTERM], "-r 10:12"),
            (["-r", "10:0"], [signal.SIGUSR1, signal.SIGHUP, signal.SIGTERM], "-r 10:0 drops"),
            (["-r", "15:2"], [signal.SIGTERM, signal.SIGINT], "-r 15:2")):
        res = {who: signal_lines(b, args, [str(int(signal.SIGINT)) if "15:2" in what else "15"], sends)
               for who, b in both("dumb-init")}
        tap.eq(res["sdinit"][1][1:], res["peer"][1][1:], f"dumb-init {what}: same signals reach the child")
        tap.eq(res["sdinit"][0], res["peer"][0], f"dumb-init {what}: same exit status")


def test_dumb_init_term_group_after_exit(tap):
    res = {}
    for who, binary in both("dumb-init"):
        # Not PID 1, so the grandchild outlives the init and can tell what it got.
        rc, out, err = run_pid1([binary] + helper("leavegroup.py") + ["5"], namespaces=False)
        res[who] = (rc, out.splitlines())
    tap.eq(res["sdinit"], res["peer"], "dumb-init: SIGTERM to the rest of the group once the child exits")
    tap.eq(res["sdinit"], (5, ["GC ready", "GC SIG 15"]), "dumb-init: ...and that is what happens")


def proc_state(pid):
    return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0]


def test_dumb_init_job_control(tap):
    """SIGTSTP is rewritten to SIGSTOP for the child's group; SIGCONT wakes it up again."""
    res = {}
    for who, binary in both("dumb-init"):
        with Pid1([binary] + helper("sigrecorder.py")) as p:
            p.readline()
            init = p.host_pid()
            child = int(open(f"/proc/{init}/task/{init}/children").read().split()[0])
            p.kill(signal.SIGTSTP)
            end = time.monotonic() + 10
            while proc_state(child) != "T" and time.monotonic() < end:
                time.sleep(0.001)  # bounded wait for the state change we assert on
            stopped = proc_state(child)
            p.kill(signal.SIGCONT)
            line = p.readline()
            p.kill(signal.SIGTERM)
            rc, out, err = p.wait()
            res[who] = (stopped, line, rc)
    tap.eq(res["sdinit"], res["peer"], f"dumb-init: SIGTSTP stops the child, SIGCONT resumes it ({res['peer']})")
    tap.eq(res["sdinit"][0], "T", "dumb-init: the child really was stopped")


if __name__ == "__main__":
    try:
        Tap().run([
            test_tini_exit_and_messages, test_tini_not_pid1, test_tini_signals, test_tini_process_group,
            test_dumb_init_exit_and_messages, test_dumb_init_session, test_dumb_init_rewrite,
            test_dumb_init_term_group_after_exit, test_dumb_init_job_control,
        ])
    finally:
        shutil.rmtree(PERS, ignore_errors=True)
