#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A hostile service (User=nobody) tries every control channel PID 1 offers against PID 1 and
against a root service beside it (issue 12, defects 1-3, and their class). systemd 252's rules
(src/core/service.c: service_is_suitable_main_pid, service_load_pid_file, the MAINPID= handling of
service_notify_message) are the oracle:
- MAINPID= naming PID 1 (the manager) or the control process is refused;
- MAINPID= naming a process that is not the unit's is refused unless the sender is root;
- a PIDFile= naming PID 1 is refused; one naming a process outside the unit is refused unless the
  file is owned by root;
and a refused main PID leaves the unit with its old one. Afterwards: PID 1 alive, the victim
service active with its own main process, stopping the attacker harms nobody else, and the
container still stops cleanly. Also: a daemon that double-forks and calls setsid() to escape its
service is still stopped with it.
D-Bus: the API socket is 0600, as systemd's; the test then opens it to all (as a misconfigured
image might) and the same uid calls StopUnit, KillUnit and Reboot on it: every call is refused
with AccessDenied and nothing changes."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import Skip, Tap  # noqa: E402
from hostilelib import Boot  # noqa: E402

PY = "/usr/bin/python3"
REAL = "/bin/systemctl"

# Finds the victim's main process (sleep 31337) as any user can: through /proc.
FIND_VICTIM = r"""
import os
def victim():
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if open(f"/proc/{p}/cmdline", "rb").read().endswith(b"sleep\0" + b"31337\0"):
                    return int(p)
            except OSError:
                pass
    raise SystemExit("no victim")
"""

NOTIFY = FIND_VICTIM + r"""
import socket, sys, time
target = {"manager": "1", "victim": None}[sys.argv[1]] or str(victim())
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
addr = os.environ["NOTIFY_SOCKET"]
s.sendto(b"READY=1", addr)
s.sendto(b"MAINPID=" + target.encode(), addr)
print("sent MAINPID=" + target, flush=True)
time.sleep(1000000)
"""

PIDFILE = FIND_VICTIM + r"""
import sys
target = {"manager": "1", "victim": None}[sys.argv[1]] or str(victim())
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        open(sys.argv[2], "w").write(target + "\n")
        print("wrote " + target, flush=True)
        os.execv("/bin/sleep", ["sleep", "1000000"])
    os._exit(0)
os.wait()
"""

ESCAPE = r"""
import os, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.setsid()
        open("/run/escape/pid", "w").write(str(os.getpid()))
        print("escaped", os.getpid(), flush=True)
        os.execv("/bin/sleep", ["sleep", "2000000"])
    os._exit(0)
os.wait()
time.sleep(1000000)
"""

# Every other channel, tried as uid 65534: signals to PID 1 and to the victim, the D-Bus socket,
# garbage and forged states on the notify socket, and every file in /run it may write.
PROBE = FIND_VICTIM + r"""
import errno, signal, socket
v = victim()
def attempt(what, fn):
    try:
        fn()
        print("probe", what, "ok", flush=True)
    except OSError as e:
        print("probe", what, errno.errorcode.get(e.errno, e.errno), flush=True)
attempt("kill-1-TERM", lambda: os.kill(1, signal.SIGTERM))
attempt("kill-1-KILL", lambda: os.kill(1, signal.SIGKILL))
attempt("kill-victim", lambda: os.kill(v, signal.SIGKILL))
def bus():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect("/run/systemd/private")
attempt("dbus", bus)
def notify():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    for m in (os.urandom(4096), b"STOPPING=1", b"MAINPID=1", b"READY=1\nMAINPID=%d" % v, b"\0" * 100, b"X" * 65000):
        s.sendto(m, "/run/systemd/notify")
attempt("notify", notify)
writable = []
for d, dirs, files in os.walk("/run"):
    for f in dirs + files:
        p = os.path.join(d, f)
        if os.access(p, os.W_OK) and not p.startswith("/run/user"):
            writable.append(p)
print("probe writable", " ".join(sorted(writable)) or "-", flush=True)
print("probe done", flush=True)
"""

# A D-Bus client marshalled by hand (the D-Bus specification's message format), as uid 65534: calls
# that need privilege, each answered with the error's name (or "return").
BUSPROBE = r"""
import os, socket, struct
def pad(b, n):
    return b + b"\0" * ((-len(b)) % n)
def string(v):
    v = v.encode()
    return struct.pack("<I", len(v)) + v + b"\0"
def call(serial, member, sig, args, path="/org/freedesktop/systemd1", iface="org.freedesktop.systemd1.Manager"):
    body = b""
    for a in args:
        body = pad(body, 4)
        body += string(a) if isinstance(a, str) else struct.pack("<i", a)
    fields = b""
    for code, t, val in ((1, b"o", path), (2, b"s", iface), (3, b"s", member), (6, b"s", "org.freedesktop.systemd1")):
        fields = pad(fields, 8) + struct.pack("<BB", code, 1) + t + b"\0" + string(val)
    if sig:
        fields = pad(fields, 8) + struct.pack("<BB", 8, 1) + b"g\0" + struct.pack("<B", len(sig)) + sig.encode() + b"\0"
    head = struct.pack("<cBBBII", b"l", 1, 0, 1, len(body), serial) + struct.pack("<I", len(fields)) + fields
    return pad(head, 8) + body
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect("/run/systemd/private")
s.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
assert s.recv(256).startswith(b"OK")
s.sendall(b"BEGIN\r\n")
buf = b""
s.settimeout(10)
def reply(serial):
    global buf
    while True:
        while len(buf) >= 16:
            body_len, fields_len = struct.unpack("<I", buf[4:8])[0], struct.unpack("<I", buf[12:16])[0]
            total = 16 + fields_len + ((-fields_len) % 8) + body_len
            if len(buf) < total:
                break
            m, buf = buf[:total], buf[total:]
            if m[1] in (2, 3) and struct.pack("<BB", 5, 1) + b"u\0" + struct.pack("<I", serial) in m[16:16 + fields_len]:
                if m[1] == 2:
                    return "return"
                i = m.find(b"org.freedesktop.")
                return m[i:m.index(b"\0", i)].decode()
        buf += s.recv(65536)
for serial, (member, sig, args) in enumerate([("StopUnit", "ss", ["victim.service", "replace"]),
                                             ("KillUnit", "ssi", ["victim.service", "all", 9]),
                                             ("Reboot", "", [])], 1):
    # (sd-bus dispatches a message that arrived together with BEGIN only at the next input: a
    # Ping follows each call, as a second message.)
    s.sendall(call(serial, member, sig, args) + call(100 + serial, "Ping", "", [], iface="org.freedesktop.DBus.Peer"))
    print("busprobe", member, reply(serial), flush=True)
print("busprobe done", flush=True)
"""

UNITS = {
    "default.target": "[Unit]\nWants=victim.service\n",
    "victim.service": "[Service]\nExecStart=/bin/sleep 31337\n",
    "mainpid-manager.service": "[Service]\nUser=nobody\nType=notify\nNotifyAccess=all\nExecStart=" + PY + " @STATE@/notify.py manager\n",
    "mainpid-victim.service": "[Service]\nUser=nobody\nType=notify\nNotifyAccess=all\nExecStart=" + PY + " @STATE@/notify.py victim\n",
    "pidfile-manager.service": "[Service]\nUser=nobody\nType=forking\nRuntimeDirectory=pfm\nPIDFile=/run/pfm/pid\n"
                               "TimeoutStartSec=3\nExecStart=" + PY + " @STATE@/pidfile.py manager /run/pfm/pid\n",
    "pidfile-victim.service": "[Service]\nUser=nobody\nType=forking\nRuntimeDirectory=pfv\nPIDFile=/run/pfv/pid\n"
                              "TimeoutStartSec=3\nExecStart=" + PY + " @STATE@/pidfile.py victim /run/pfv/pid\n",
    "escape.service": "[Service]\nUser=nobody\nRuntimeDirectory=escape\nExecStart=" + PY + " @STATE@/escape.py\n",
    "probe.service": "[Service]\nUser=nobody\nType=oneshot\nExecStart=" + PY + " @STATE@/probe.py\n",
    "busprobe.service": "[Service]\nUser=nobody\nType=oneshot\nExecStart=" + PY + " @STATE@/busprobe.py\n",
}


class Container:
    def __init__(self, b):
        self.b = b

    def ctl(self, *args):
        cmd = ["nsenter", "-t", str(self.b.p.host_pid()), "-U", "-m", "-p", "-n", REAL, "--no-pager"] + list(args)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60)

    def prop(self, unit, p):
        return self.ctl("show", "-p", p, "--value", unit).stdout.strip()

    def alive(self, pid):
        """pid inside the container is alive (through PID 1's /proc)."""
        return os.path.exists(f"/proc/{self.b.p.host_pid()}/root/proc/{pid}/status") and \
            "State:\tZ" not in open(f"/proc/{self.b.p.host_pid()}/root/proc/{pid}/status").read()


def check_unharmed(tap, c, victim_pid, what):
    tap.ok(c.b.p.proc.poll() is None, f"{what}: PID 1 is alive")
    tap.eq((c.prop("victim.service", "ActiveState"), c.prop("victim.service", "MainPID")), ("active", victim_pid),
           f"{what}: the victim is active with its own main process")
    tap.ok(c.alive(int(victim_pid)), f"{what}: the victim's process lives")


def test_hostile_service(tap):
    if not os.path.exists(REAL):
        raise Skip("Debian's systemctl is not installed")
    files = {"notify.py": NOTIFY, "pidfile.py": PIDFILE, "escape.py": ESCAPE, "probe.py": PROBE, "busprobe.py": BUSPROBE}
    with Boot(UNITS, mapping="unpriv", net=True, files=files) as b:
        for f in files:
            os.chmod(os.path.join(b.state, f), 0o644)
        b.booted()
        c = Container(b)
        victim = c.prop("victim.service", "MainPID")
        tap.ok(victim not in ("", "0"), "the victim runs", victim)

        # 1. MAINPID=1 from an unprivileged service.
        c.ctl("start", "mainpid-manager.service")
        b.expect(r"mainpid-manager.service: sent MAINPID=1")
        b.expect(r"mainpid-manager.service.*New main PID 1 is the manager, refusing")
        tap.ok(c.prop("mainpid-manager.service", "MainPID") not in ("1", "0"), "MAINPID=1: refused, the old main PID kept",
               c.prop("mainpid-manager.service", "MainPID"))
        r = c.ctl("stop", "mainpid-manager.service")
        tap.eq(r.returncode, 0, "MAINPID=1: the attacker stops")
        check_unharmed(tap, c, victim, "MAINPID=1")

        # 2. MAINPID= naming the victim's process.
        c.ctl("start", "mainpid-victim.service")
        b.expect(r"mainpid-victim.service: sent MAINPID=" + victim)
        b.expect(r"mainpid-victim.service.*New main PID " + victim + r" does not belong to service, refusing")
        tap.ok(c.prop("mainpid-victim.service", "MainPID") != victim, "MAINPID=<victim>: refused")
        c.ctl("stop", "mainpid-victim.service")
        check_unharmed(tap, c, victim, "MAINPID=<victim>")

        # 3. A PID file naming PID 1, written by the unprivileged service.
        r = c.ctl("start", "pidfile-manager.service")
        b.expect(r"pidfile-manager.service.*New main PID 1 is the manager, refusing")
        tap.ok(c.prop("pidfile-manager.service", "MainPID") != "1", "PIDFile= with 1: refused")
        c.ctl("stop", "pidfile-manager.service")
        check_unharmed(tap, c, victim, "PIDFile= with 1")

        # 4. A PID file (owned by nobody) naming the victim.
        r = c.ctl("start", "pidfile-victim.service")
        # (Which of systemd's two refusals depends on the path: here / is the host's, owned by an
        # unmapped uid, so every path from it counts as an unsafe chain, as CHASE_SAFE judges it.)
        b.expect(r"pidfile-victim.service.*(New main PID " + victim +
                 r" does not belong to service, and PID file is not owned by root. Refusing|"
                 r"Refusing to accept PID outside of service control group, acquired through unsafe symlink chain)")
        tap.ok(c.prop("pidfile-victim.service", "MainPID") != victim, "PIDFile= with the victim's pid: refused")
        c.ctl("stop", "pidfile-victim.service")
        check_unharmed(tap, c, victim, "PIDFile= with the victim's pid")

        # 5. Double fork and setsid() to escape the service: still stopped with it.
        c.ctl("start", "escape.service")
        m = b.expect(r"escape.service: escaped (\d+)")
        escaped = int(m.group(1))
        tap.ok(c.alive(escaped), "the escaped daemon runs")
        r = c.ctl("stop", "escape.service")
        tap.ok(r.returncode == 0 and not c.alive(escaped), "stopping the service ends the process that escaped it",
               r.stderr)

        # 6. Every other channel.
        c.ctl("start", "probe.service")
        b.expect(r"probe.service: probe done")
        got = {l.split()[2]: l.split(None, 3)[3] for l in b.lines if "probe.service: probe " in l and len(l.split()) >= 4}
        tap.eq([got.get(k) for k in ("kill-1-TERM", "kill-1-KILL", "kill-victim", "dbus")],
               ["EPERM", "EPERM", "EPERM", "EACCES"], "signals to PID 1 and the victim and the D-Bus socket: refused")
        tap.eq(got.get("writable"), "/run/systemd/journal/dev-log /run/systemd/notify",
               "the only files in /run it can write are the notify and syslog sockets (as with systemd)")
        check_unharmed(tap, c, victim, "signals, D-Bus, notify garbage")
        tap.eq(c.prop("probe.service", "Result"), "success", "the prober's own unit is unaffected by its forged notifications")

        # 7. D-Bus calls that need privilege, on a socket opened to all.
        sock = f"/proc/{b.p.host_pid()}/root/run/systemd/private"
        os.chmod(sock, 0o666)
        c.ctl("start", "busprobe.service")
        try:
            b.expect(r"busprobe.service: busprobe done")
        except TimeoutError:
            tap.ok(False, "the D-Bus prober ran", "\n".join(l for l in b.lines if "busprobe" in l))
        got = {l.split()[2]: l.split()[3] for l in b.lines if "busprobe.service: busprobe " in l and len(l.split()) >= 4}
        tap.eq([got.get(k) for k in ("StopUnit", "KillUnit", "Reboot")],
               ["org.freedesktop.DBus.Error.AccessDenied"] * 3, "StopUnit, KillUnit and Reboot from uid 65534: AccessDenied")
        check_unharmed(tap, c, victim, "D-Bus calls from uid 65534")

        rc = b.stop()
        tap.eq(rc, 0, "the container stops cleanly, exit 0")


if __name__ == "__main__":
    Tap().run([test_hostile_service])
