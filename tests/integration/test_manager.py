#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Manager mode: sdinit boots unit files as PID 1, supervises them and stops them in order."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import PY, Skip, Tap, mappings  # noqa: E402

TARGET = "[Unit]\nDescription=Test boot\nRequires=basic.target\nAfter=basic.target\nWants={wants}\n"


def target(*wants):
    return TARGET.format(wants=" ".join(wants))


def test_boot_order_and_shutdown(tap):
    for mapping in mappings():
        units = {
            "default.target": target("a.service", "b.service", "c.service"),
            "a.service": "[Unit]\nDescription=First\n[Service]\nExecStart=/bin/sh -c 'echo a up; exec sleep 1000'\n",
            "b.service": "[Unit]\nDescription=After a\nAfter=a.service\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                         "ExecStart=/bin/echo b ran\nExecStop=/bin/echo b stopping\n",
            "c.service": "[Unit]\nAfter=b.service\n[Service]\nExecStart=/bin/sleep 1000\n",
        }
        with Boot(units, mapping=mapping) as b:
            b.booted()
            b.expect(r"a.service: a up")  # Type=simple is active at fork: its output may come later
            rc = b.stop()
            t = b.text()
            tap.eq(rc, 0, f"[{mapping}] SIGTERM: exit 0")
            tap.ok(0 <= b.index(r"Started a.service - First") < b.index(r"Starting b.service") <
                   b.index(r"Started b.service") < b.index(r"Starting c.service"),
                   f"[{mapping}] start order follows After=", t)
            tap.ok(b.index(r"b.service: b ran") >= 0 and b.index(r"a.service: a up") >= 0,
                   f"[{mapping}] service output relayed with the unit name", t)
            tap.ok(0 <= b.index(r"Stopped c.service") < b.index(r"b.service: b stopping") <
                   b.index(r"Stopped b.service") < b.index(r"Stopped a.service"),
                   f"[{mapping}] stop order is the reverse, ExecStop= ran", t)


def test_service_types(tap):
    # The service makes a FIFO, says it is starting and sends READY=1 only after the test wrote to
    # the FIFO: until then the unit must not be active (no sleeps, no reliance on the order of its
    # output pipe and its notify socket).
    notify = (f"{PY} -c \"import os,socket,time;s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM);"
              "a=os.environ['NOTIFY_SOCKET'];a='\\\\0'+a[1:] if a[0]=='@' else a;"
              "os.mkfifo('@STATE@/go');print('notify-svc starting',flush=True);open('@STATE@/go').read();"
              "s.sendto(b'STATUS=almost\\\\nREADY=1',a);time.sleep(1000)\"")
    units = {
        "default.target": target("exec.service", "fork.service", "notify.service", "once.service", "idle.service"),
        "exec.service": "[Service]\nType=exec\nExecStart=/bin/sleep 1000\n",
        "fork.service": "[Service]\nType=forking\nPIDFile=@STATE@/fork.pid\n"
                        "ExecStart=/bin/sh -c 'sleep 1000 & echo $! > @STATE@/fork.pid'\n"
                        "ExecStartPost=/bin/sh -c 'echo fork main=$MAINPID file=$(cat @STATE@/fork.pid)'\n",
        "notify.service": f"[Service]\nType=notify\nExecStart={notify}\n",
        "once.service": "[Service]\nType=oneshot\nExecStart=/bin/echo once-1\nExecStart=/bin/echo once-2\n",
        "idle.service": "[Service]\nType=idle\nExecStart=/bin/sleep 1000\n",
    }
    with Boot(units) as b:
        b.expect(r"notify-svc starting")
        waiting = b.index("Started notify.service") < 0
        with open(os.path.join(b.state, "go"), "w") as f:
            f.write("go\n")
        b.booted()
        tap.ok(waiting and b.index("Started notify.service") >= 0, "notify: active only after READY=1", b.text())
        m = b.expect(r"fork main=(\d+) file=(\d+)")
        tap.ok(m.group(1) == m.group(2), "forking: main pid read from PIDFile= and passed as $MAINPID", m.group(0))
        for name in ("exec", "fork", "notify", "idle"):
            tap.ok(b.index(rf"Started {name}.service") >= 0, f"Type={name}: started", b.text())
        tap.ok(0 <= b.index("once-1") < b.index("once-2") < b.index("Finished once.service"),
               "oneshot: ExecStart= lines run in order, then it is finished (inactive)", b.text())
        tap.eq(b.stop(), 0, "stop")


def test_dependency_failures(tap):
    units = {
        "default.target": target("needs-bad.service", "wants-bad.service", "needs-missing.service"),
        "bad.service": "[Unit]\nDescription=Fails\n[Service]\nType=oneshot\nExecStart=/bin/false\n",
        "needs-bad.service": "[Unit]\nRequires=bad.service\nAfter=bad.service\n[Service]\nExecStart=/bin/echo should-not-run\n",
        "wants-bad.service": "[Unit]\nWants=bad.service\nAfter=bad.service\n[Service]\nType=oneshot\nExecStart=/bin/echo wants-ran\n",
        "needs-missing.service": "[Unit]\nRequires=nope.service\nAfter=nope.service\n[Service]\nExecStart=/bin/sleep 1000\n",
    }
    with Boot(units) as b:
        b.booted()
        t = b.text()
        tap.ok(b.index(r"\[FAILED\] Failed to start bad.service - Fails") >= 0, "a failing unit is reported [FAILED]", t)
        tap.ok(b.index(r"\[DEPEND\] Dependency failed for needs-bad.service") >= 0, "Requires=: the dependent fails [DEPEND]", t)
        tap.ok(b.index("should-not-run") < 0, "Requires=: the dependent never ran", t)
        tap.ok(b.index("wants-ran") >= 0, "Wants=: the dependent runs anyway", t)
        tap.ok(b.index(r"nope.service.*not found") >= 0 and b.index(r"DEPEND.*needs-missing.service") >= 0,
               "Requires= on a missing unit: named, dependent fails", t)
        tap.ok(b.index(r"bad.service: Control process \d+ exited, code=exited, status=1/FAILURE") >= 0 or
               b.index(r"bad.service: .*status=1/FAILURE") >= 0, "systemd's wording for the failure", t)
        tap.eq(b.stop(), 0, "stop")


def test_broken_unit_fails_alone(tap):
    units = {
        "default.target": target("broken.service", "fine.service"),
        "broken.service": "[Unit]\nDescription=Broken\n[Service]\nRestart=sometimes\nExecStart=relative/path\n",
        "fine.service": "[Service]\nExecStart=/bin/sh -c 'echo fine is fine; exec sleep 1000'\n",
    }
    with Boot(units) as b:
        b.booted()
        b.expect("fine is fine")
        rc = b.stop()
        t = b.text()
        tap.ok(b.index(r"broken.service:4: .*Restart.*sometimes") >= 0, "a bad value is reported as file:line", t)
        tap.ok(b.index(r"broken.service:5: ") >= 0, "a bad ExecStart= is reported as file:line", t)
        tap.ok(b.index(r"Failed to start broken.service") >= 0, "the broken unit fails", t)
        tap.eq(rc, 0, "the rest boots and stops cleanly")


def test_restart_after_sigkill(tap):
    units = {
        "default.target": target("r.service"),
        "r.service": "[Service]\nRestart=on-failure\nRestartSec=100ms\n"
                     "ExecStart=/bin/sh -c 'if [ ! -e @STATE@/ran ]; then touch @STATE@/ran; echo first run; kill -9 $$$$; fi; "
                     "echo second run; exec sleep 1000'\n",
    }
    with Boot(units) as b:
        b.expect("r.service: first run")
        b.expect(r"r.service: Main process \d+ code=killed, status=9/KILL")
        b.expect(r"r.service: restarting \(restart counter is at 1\)")
        b.expect("r.service: second run")
        tap.ok(True, "Restart=on-failure: killed with SIGKILL, restarted after RestartSec=")
        tap.eq(b.stop(), 0, "stop")


def test_start_limit(tap):
    units = {
        "default.target": target("flap.service"),
        "flap.service": "[Unit]\nStartLimitIntervalSec=60\nStartLimitBurst=3\n[Service]\nRestart=always\nRestartSec=0\nExecStart=/bin/false\n",
    }
    with Boot(units) as b:
        b.expect(r"flap.service: start request repeated too quickly")
        tap.ok(len([l for l in b.lines if "flap.service: Main process" in l]) == 3,
               "StartLimitBurst=3: three starts, then the fourth is refused", b.text())
        tap.eq(b.stop(), 0, "stop")


def test_ordering_cycle(tap):
    units = {
        "default.target": target("x.service", "y.service"),
        "x.service": "[Unit]\nAfter=y.service\n[Service]\nExecStart=/bin/sleep 1000\n",
        "y.service": "[Unit]\nAfter=x.service\n[Service]\nExecStart=/bin/sleep 1000\n",
    }
    with Boot(units) as b:
        b.booted()
        t = b.text()
        tap.ok(b.index(r"Found ordering cycle: .*x.service/start.*y.service/start|Found ordering cycle: .*y.service/start.*x.service/start") >= 0,
               "the cycle is reported with its units", t)
        tap.ok(b.index(r"deleted to break ordering cycle") >= 0, "a job is dropped to break it", t)
        tap.eq(b.stop(), 0, "the boot completes and stops")


HOSTILE = r"""
import os, socket, array
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
a = os.environ["NOTIFY_SOCKET"]
a = "\0" + a[1:] if a[0] == "@" else a
s.sendto(b"READY=1\0MAINPID=1", a)           # embedded NUL: dropped whole
s.sendto(b"STATUS=" + b"x" * 6000, a)         # oversized: dropped
s.sendto(b"READY=10\nXREADY=1", a)            # not READY=1: ignored
fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(20)]
s.sendmsg([b"FDSTORE=1"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))], 0, a)  # fds closed
# sd_notify_barrier(): the manager closes the fd it receives once it has processed everything
# before it, so EOF on our end means the datagrams above were all seen.
r, w = os.pipe()
s.sendmsg([b"BARRIER=1"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [w]))], 0, a)
os.close(w)
os.read(r, 1)
print("barrier passed", flush=True)
open(os.path.join(os.path.dirname(__file__), "go")).read()  # the test has checked; go on
s.sendto(b"STATUS=ok\nREADY=1", a)
import time; time.sleep(1000)
"""


def test_hostile_notify(tap):
    units = {
        "default.target": target("n.service", "other.service"),
        "n.service": f"[Service]\nType=notify\nExecStart={PY} @STATE@/hostile.py\n",
        "other.service": "[Service]\nExecStart=/bin/sleep 1000\n",
    }
    with Boot(units, files={"hostile.py": HOSTILE, "go": None}) as b:
        # Once the barrier passed, PID 1 has handled every hostile datagram; a READY accepted from
        # them would have printed "Started" before relaying the service's "barrier passed".
        b.expect("n.service: barrier passed")
        tap.ok(b.index("Started n.service") < 0, "none of the hostile datagrams made the service ready", b.text())
        with open(os.path.join(b.state, "go"), "w") as f:
            f.write("go\n")
        b.booted()
        t = b.text()
        tap.ok(b.index("Started n.service") > b.index("n.service: barrier passed"), "the valid READY=1 did", t)
        tap.ok(b.index("NUL byte, dropped") >= 0, "a datagram with NUL is dropped with a message", t)
        tap.ok(b.index("too large, dropped") >= 0, "an oversized datagram is dropped with a message", t)
        tap.ok(b.index("Started other.service") >= 0, "other services are unaffected", t)
        tap.eq(b.stop(), 0, "PID 1 is fine and stops")


def test_stop_timeout_sigkill(tap):
    units = {
        "default.target": target("stubborn.service"),
        "stubborn.service": "[Service]\nTimeoutStopSec=500ms\nExecStart=/bin/sh -c 'trap \"\" TERM; echo ignoring TERM; while :; do sleep 1; done'\n",
    }
    with Boot(units) as b:
        b.expect("ignoring TERM")
        b.booted()
        t0 = time.monotonic()
        rc = b.stop()
        dt = time.monotonic() - t0
        tap.eq(rc, 0, "exit 0")
        tap.ok(b.index(r"stubborn.service: state 'stop-sigterm' timed out. Killing.") >= 0, "SIGKILL after TimeoutStopSec=", b.text())
        tap.ok(0.5 <= dt < 10, f"stopped after the timeout ({dt:.2f}s)")


def test_command_mode(tap):
    units = {"default.target": target("side.service"),
             "side.service": "[Service]\nExecStart=/bin/sh -c 'echo sidecar up; exec sleep 1000'\nExecStopPost=/bin/echo sidecar cleaned up\n"}
    # `sdinit -- COMMAND` alone is drop-in mode; naming a unit makes it a boot with a main program.
    with Boot(units, args=["--unit", "default.target"], command=["/bin/sh", "-c", "echo main program; exit 7"]) as b:
        rc = b.wait()
        tap.eq(rc, 7, "sdinit -- COMMAND: exits with COMMAND's status")
        tap.ok(0 <= b.index("Reached target default.target") < b.index("main program"), "COMMAND runs after the boot", b.text())
        tap.ok(b.index("sidecar cleaned up") > b.index("main program"), "units are stopped when COMMAND exits", b.text())


def test_setup_exit_codes(tap):
    # Twice: children forked (PID 1 is small), and started vfork-style as PID 1 does once large.
    for env in (None, {"SDINIT_SPAWN_VFORK_MIN_RSS_KB": "0"}):
        setup_exit_codes(tap, env)


def setup_exit_codes(tap, env):
    how = "vfork-style" if env else "forked"
    units = {
        "default.target": target("nouser.service", "nodir.service", "noexec.service", "noenv.service", "nogid.service"),
        "nouser.service": "[Service]\nUser=no-such-user-here\nExecStart=/bin/true\n",
        "nodir.service": "[Service]\nWorkingDirectory=/no/such/dir\nExecStart=/bin/true\n",
        "noexec.service": "[Service]\nExecStart=/no/such/binary\n",
        "noenv.service": "[Service]\nEnvironmentFile=/no/such/envfile\nExecStart=/bin/true\n",
        # a gid this user namespace does not map (--map-root-user): the privilege step fails
        "nogid.service": "[Service]\nUser=nobody\nExecStart=/bin/true\n",
    }
    with Boot(units, env=env) as b:
        for pat, what in ((r"nouser.service: .*status=217/USER", "unknown User=: 217/USER"),
                          (r"nodir.service: .*status=200/CHDIR", "missing WorkingDirectory=: 200/CHDIR"),
                          (r"noexec.service: .*status=203/EXEC", "missing executable: 203/EXEC"),
                          (r"noenv.service: .*/no/such/envfile", "missing EnvironmentFile=: named")):
            b.expect(pat)
            tap.ok(True, f"{how}: {what}")
        # The privilege step's failure (exec_privileges_apply(), which a vfork-style child runs as a
        # forked one does, recording what failed for PID 1 to write): 216/GROUP, and the line, from
        # both (a forked child keeps the unit's log open, close-on-exec, past its fd clean-up).
        b.expect(r"nogid.service: .*status=216/GROUP")
        tap.ok(True, f"{how}: an unmapped gid: 216/GROUP")
        gid = r"nogid.service: Failed to change GID to 65534: Invalid argument$"
        tap.ok(0 <= b.index(gid) < b.index(r"nogid.service: .*status=216/GROUP"),
               f"{how}: an unmapped gid: the privilege step's line, before the exit", b.text())
        # The exec failure of a child started vfork-style (it shares PID 1's memory and cannot
        # format): the same lines as from a forked child, systemd's status and our message.
        failed = r"^noexec.service: sdinit: noexec.service: failed to execute /no/such/binary: No such file or directory$"
        b.expect(failed)
        tap.ok(0 <= b.index(failed) < b.index(r"noexec.service: Main process \d+ exited, code=exited, status=203/EXEC$"),
               f"{how}: the exec failure is on the service's stderr, before its exit (203/EXEC)", b.text())
        tap.eq(b.stop(), 0, f"{how}: stop")


def test_environment(tap):
    units = {
        "default.target": target("env.service"),
        "env.service": "[Service]\nType=oneshot\nEnvironment=\"A=one two\" B=bee\nEnvironmentFile=@STATE@/env\n"
                       "Environment=PASSED_OVER=no\nUnsetEnvironment=GONE\n"
                       "ExecStart=/bin/echo A= $A B=${B} C=${C} D= $D GONE=${GONE} literal=A=$A\n"
                       "ExecStart=/bin/sh -c 'echo invocation=${#INVOCATION_ID}'\n",
    }
    with Boot(units, files={"env": "# comment\nC=\"sea side\"\nD='d'\nGONE=x\n"}) as b:
        b.booted()
        tap.ok(b.index(r"env.service: A= one two B=bee C=sea side D= d GONE= literal=A=\$A$") >= 0,
               "Environment=, EnvironmentFile=, UnsetEnvironment=, $VAR and ${VAR}", b.text())
        tap.ok(b.index(r"env.service: invocation=32$") >= 0, "INVOCATION_ID is set (32 hex digits)", b.text())
        b.stop()


def test_user_and_group(tap):
    if "unpriv" not in mappings():
        raise Skip("needs the unprivileged mapping (uids 0-65535 mapped)")
    units = {
        "default.target": target("nobody.service"),
        "nobody.service": "[Service]\nType=oneshot\nUser=nobody\nGroup=nogroup\nExecStart=/bin/sh -c 'echo uid=$(id -u) gid=$(id -g) user=$USER home=$HOME'\n"
                          "ExecStart=+/bin/sh -c 'echo privileged uid=$(id -u)'\n",
    }
    with Boot(units, mapping="unpriv") as b:
        b.booted()
        tap.ok(b.index(r"nobody.service: uid=65534 gid=65534 user=nobody home=") >= 0, "User=/Group=: runs as nobody", b.text())
        tap.ok(b.index(r"nobody.service: privileged uid=0") >= 0, "the + prefix runs with full privileges", b.text())
        b.stop()


def test_sigrtmin3_halts(tap):
    units = {"default.target": target("s.service"), "s.service": "[Service]\nExecStart=/bin/sleep 1000\n"}
    with Boot(units) as b:
        b.booted()
        rc = b.stop(signal.SIGRTMIN + 3)
        tap.eq(rc, 0, "SIGRTMIN+3 (systemd images' STOPSIGNAL) stops everything, exit 0")
        tap.ok(b.index("Stopped s.service") >= 0, "the service was stopped", b.text())


def test_conditions(tap):
    units = {
        "default.target": target("yes.service", "no.service"),
        "yes.service": "[Unit]\nConditionPathExists=/\n[Service]\nType=oneshot\nExecStart=/bin/echo condition-met\n",
        "no.service": "[Unit]\nConditionPathExists=/no/such/path\n[Service]\nType=oneshot\nExecStart=/bin/echo condition-not-met\n",
    }
    with Boot(units) as b:
        b.booted()
        tap.ok(b.index("condition-met") >= 0 and b.index("condition-not-met") < 0, "ConditionPathExists=", b.text())
        tap.ok(b.index(r"no.service: condition check .*ConditionPathExists=/no/such/path.* failed, skipping") >= 0,
               "an unmet condition is named", b.text())
        b.stop()


ECHO = r"""
import os, socket
n = int(os.environ.get("LISTEN_FDS", "0"))
assert os.environ.get("LISTEN_PID") == str(os.getpid()), "LISTEN_PID is ours"
print(f"echo got {n} fd(s) named {os.environ.get('LISTEN_FDNAMES')}", flush=True)
s = socket.socket(fileno=3)
while True:
    c, _ = s.accept()
    c.sendall(b"echo:" + c.recv(100))
    c.close()
"""


def client(b, port, data):
    """Connects from inside PID 1's network namespace."""
    import subprocess
    code = (f"import socket;c=socket.create_connection(('127.0.0.1',{port}),timeout=10);c.sendall({data!r});"
            "print(c.recv(100).decode().strip())")
    return subprocess.run(["nsenter", "-t", str(b.p.host_pid()), "-n", PY, "-c", code],
                          capture_output=True, text=True, timeout=30)


def test_sockets(tap):
    units = {
        "default.target": target("echo.socket", "conn.socket", "unix.socket"),
        "echo.socket": "[Socket]\nListenStream=127.0.0.1:7777\n",
        "echo.service": f"[Service]\nExecStart={PY} @STATE@/echo.py\n",
        "conn.socket": "[Socket]\nListenStream=7778\nAccept=yes\n",
        "conn@.service": "[Service]\nStandardInput=socket\nExecStart=/bin/sh -c 'read line; echo \"instance got $line\"'\n",
        "unix.socket": "[Socket]\nListenStream=@STATE@/s.sock\nSocketMode=0600\nService=echo.service\n",
    }
    with Boot(units, net=True, files={"echo.py": ECHO}) as b:
        b.booted()
        tap.ok(b.index("Started echo.service") < 0, "Accept=no: the service is not started before traffic", b.text())
        r = client(b, 7777, b"hello")
        tap.eq(r.stdout.strip(), "echo:hello", "Accept=no: the first connection starts the service, which gets the socket")
        b.expect(r"echo.service: echo got 2 fd\(s\) named echo.socket:unix.socket")
        tap.ok(True, "LISTEN_FDS=2, LISTEN_PID, LISTEN_FDNAMES for the sockets that trigger it")
        r = client(b, 7778, b"hi there\n")
        tap.eq(r.stdout.strip(), "instance got hi there", "Accept=yes: a per-connection instance on the socket")
        b.expect(r"conn@0-127.0.0.1.service")
        st = os.stat(os.path.join(b.state, "s.sock"))
        tap.eq(oct(st.st_mode & 0o777), "0o600", "SocketMode= on a unix socket")
        tap.eq(b.stop(), 0, "stop")


WATCHDOG = r"""
import os, socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
a = os.environ["NOTIFY_SOCKET"]
a = "\0" + a[1:] if a[0] == "@" else a
print("watchdog usec", os.environ.get("WATCHDOG_USEC"), flush=True)
s.sendto(b"READY=1", a)
import time; time.sleep(1000)  # never pings
"""


def test_watchdog(tap):
    units = {
        "default.target": target("wd.service"),
        "wd.service": f"[Service]\nType=notify\nWatchdogSec=300ms\nRestart=on-watchdog\nRestartSec=0\nExecStart={PY} @STATE@/wd.py\n",
    }
    with Boot(units, files={"wd.py": WATCHDOG}) as b:
        b.expect(r"wd.service: watchdog usec 300000")
        b.expect(r"wd.service: Watchdog timeout \(limit 300 ms\)")
        b.expect(r"wd.service: Main process \d+ code=killed, status=6/ABRT")
        b.expect(r"wd.service: restarting \(restart counter is at 1\)")
        tap.ok(True, "WatchdogSec=: no ping -> SIGABRT, result watchdog, Restart=on-watchdog restarts it")
        tap.eq(b.stop(), 0, "stop")


def test_failure_and_success_actions(tap):
    units = {
        "default.target": target("fa.service"),
        "fa.service": "[Unit]\nFailureAction=exit\nFailureActionExitStatus=42\n[Service]\nType=oneshot\nExecStart=/bin/false\n",
    }
    with Boot(units) as b:
        rc = b.wait()
        tap.eq(rc, 42, "FailureAction=exit: the container stops with FailureActionExitStatus=")
    units = {
        "default.target": target("sa.service"),
        "sa.service": "[Unit]\nSuccessAction=exit\n[Service]\nType=oneshot\nExecStart=/bin/true\n",
    }
    with Boot(units) as b:
        rc = b.wait()
        tap.eq(rc, 0, "SuccessAction=exit: the container stops when the unit succeeds (status 0)")
        tap.ok(b.index("SuccessAction= triggered") >= 0, "...and says why", b.text())


FLOOD = r"""
import os, socket, array
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
a = os.environ["NOTIFY_SOCKET"]
a = "\0" + a[1:] if a[0] == "@" else a
for i in range(200):
    s.sendto(b"STATUS=" + b"x" * 6000, a)
r, w = os.pipe()
s.sendmsg([b"BARRIER=1"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [w]))], 0, a)
os.close(w)
os.read(r, 1)
print("flood done", flush=True)
s.sendto(b"READY=1", a)
import time; time.sleep(1000)
"""


def test_notify_flood_rate_limited(tap):
    units = {"default.target": target("flood.service"),
             "flood.service": f"[Service]\nType=notify\nExecStart={PY} @STATE@/flood.py\n"}
    with Boot(units, files={"flood.py": FLOOD}) as b:
        b.expect("flood.service: flood done")
        b.booted()
        n = len([l for l in b.lines if "too large, dropped" in l])
        tap.ok(1 <= n <= 10, f"200 bad datagrams: {n} warning lines (rate-limited to 10 per 10 s)", b.text())
        tap.eq(b.stop(), 0, "PID 1 carries on and stops")


def test_upholds_and_requisite(tap):
    units = {
        "default.target": target("holder.service", "needs-inactive.service"),
        "holder.service": "[Unit]\nUpholds=held.service\n[Service]\nExecStart=/bin/sleep 1000\n",
        "held.service": "[Service]\nExecStart=/bin/sh -c 'echo held run; if [ ! -e @STATE@/once ]; then touch @STATE@/once; exit 0; fi; exec sleep 1000'\n",
        "needs-inactive.service": "[Unit]\nRequisite=never-started.service\nAfter=never-started.service\n[Service]\nExecStart=/bin/true\n",
        "never-started.service": "[Service]\nExecStart=/bin/sleep 1000\n",
    }
    with Boot(units) as b:
        b.expect(r"held.service: upheld by holder.service, starting it again")
        b.expect(r"Started held.service")
        tap.ok(len([l for l in b.lines if l.endswith("held.service: held run")]) >= 1, "Upholds=: started with its upholder", b.text())
        b.booted()
        tap.ok(b.index(r"DEPEND.*needs-inactive.service") >= 0, "Requisite= on an inactive unit fails the job", b.text())
        tap.ok(b.index(r"Started never-started.service") < 0, "Requisite= does not start the unit", b.text())
        tap.eq(b.stop(), 0, "stop")


READ_FD3 = r"""
import os, socket, stat
st = os.fstat(3)
if stat.S_ISFIFO(st.st_mode):
    print("fifo service got:", os.read(3, 100).decode().strip(), flush=True)
else:
    s = socket.socket(fileno=3)
    print("datagram service got:", s.recv(100).decode().strip(), "type", s.type.name, flush=True)
import time; time.sleep(1000)
"""


def test_fifo_and_datagram_sockets(tap):
    import subprocess
    units = {
        "default.target": target("fifo.socket", "dgram.socket"),
        "fifo.socket": "[Socket]\nListenFIFO=@STATE@/in.fifo\nSocketMode=0622\n",
        "fifo.service": f"[Service]\nExecStart={PY} @STATE@/read3.py\n",
        "dgram.socket": "[Socket]\nListenDatagram=127.0.0.1:7779\n",
        "dgram.service": f"[Service]\nExecStart={PY} @STATE@/read3.py\n",
    }
    with Boot(units, net=True, files={"read3.py": READ_FD3}) as b:
        b.booted()
        st = os.stat(os.path.join(b.state, "in.fifo"))
        tap.ok(oct(st.st_mode & 0o777) == "0o622" and (st.st_mode & 0o170000) == 0o010000, "ListenFIFO= makes the FIFO, SocketMode=")
        with open(os.path.join(b.state, "in.fifo"), "w") as f:
            f.write("through the fifo\n")
        b.expect(r"fifo.service: fifo service got: through the fifo")
        tap.ok(True, "ListenFIFO=: data starts the service, which reads the FIFO on fd 3")
        code = "import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.sendto(b'one datagram',('127.0.0.1',7779))"
        subprocess.run(["nsenter", "-t", str(b.p.host_pid()), "-n", PY, "-c", code], check=True, timeout=30)
        b.expect(r"dgram.service: datagram service got: one datagram type SOCK_DGRAM")
        tap.ok(True, "ListenDatagram=: a datagram starts the service, which receives it on fd 3")
        tap.eq(b.stop(), 0, "stop")


if __name__ == "__main__":
    Tap().run([
        test_boot_order_and_shutdown, test_service_types, test_dependency_failures, test_broken_unit_fails_alone,
        test_restart_after_sigkill, test_start_limit, test_ordering_cycle, test_hostile_notify,
        test_stop_timeout_sigkill, test_command_mode, test_setup_exit_codes, test_environment, test_user_and_group,
        test_sigrtmin3_halts, test_conditions, test_sockets, test_watchdog, test_failure_and_success_actions,
        test_notify_flood_rate_limited, test_upholds_and_requisite, test_fifo_and_datagram_sockets,
    ])
