#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Real daemons from Debian packages, started by sdinit as PID 1 from their own unmodified unit
files (copied from /lib/systemd/system), in a private network namespace with a fresh /run. Each
must become active, answer a real client on loopback, be restarted after `kill -9` exactly as its
Restart= says, and stop in order on SIGTERM to PID 1.

The daemons come from scripts/deps.sh (installed with a policy-rc.d that keeps them from starting
on the host). Missing packages make the test SKIP loudly, never pass."""
import os
import re
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import Skip, Tap, until_ok  # noqa: E402

TARGET = "[Unit]\nDescription=Daemons\nRequires=basic.target\nAfter=basic.target\nWants={}\n"


def need(*paths):
    for p in paths:
        if not os.path.exists(p):
            raise Skip(f"{p} missing: install the package (scripts/deps.sh does)")


def in_ns(b, argv, user=None, timeout=20, pidns=False):
    """Runs a client inside PID 1's network and mount namespaces (loopback, its /run); with
    pidns=True in its pid namespace too (as `docker exec` does: systemctl needs it)."""
    pid = b.p.host_pid()
    cmd = ["nsenter", "-t", str(pid), "-n", "-m"] + (["-p"] if pidns else [])
    if user:
        cmd += ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups"]
    return subprocess.run(cmd + argv, capture_output=True, text=True, timeout=timeout)


def ns_pid_file(b, path):
    with open(f"/proc/{b.p.host_pid()}/root{path}") as f:
        return int(f.read().split()[0])


def host_pid_of(b, nspid):
    """Host pid of the process whose pid inside PID 1's namespace is nspid."""
    todo = [b.p.host_pid()]
    while todo:
        pid = todo.pop()
        try:
            ns = [l for l in open(f"/proc/{pid}/status") if l.startswith("NSpid:")][0].split()[1:]
            if ns[-1] == str(nspid):
                return pid
            for tid in os.listdir(f"/proc/{pid}/task"):
                todo += [int(k) for k in open(f"/proc/{pid}/task/{tid}/children").read().split()]
        except (OSError, IndexError):
            pass
    raise LookupError(nspid)


def kill9(b, pidfile):
    nspid = ns_pid_file(b, pidfile)
    os.kill(host_pid_of(b, nspid), signal.SIGKILL)
    return nspid


def check_stop(tap, b, name, units):
    rc = b.stop(timeout=90)
    t = b.text()
    tap.eq(rc, 0, f"{name}: SIGTERM to PID 1 stops everything, exit 0")
    for u in units:
        tap.ok(b.index(rf"Stopped {u}") >= 0, f"{name}: {u} stopped", t)
    tap.ok(b.index("timed out. Killing") < 0, f"{name}: nothing needed SIGKILL", t)


def test_nginx(tap):
    need("/usr/sbin/nginx", "/usr/bin/curl")
    # A broken unit beside it must fail alone, named with file and line, while nginx boots.
    broken = "[Unit]\nDescription=Broken\n[Service]\nType=sometimes\nExecStart=relative/nginx\n"
    with Boot({"default.target": TARGET.format("nginx.service broken.service"), "broken.service": broken},
              copy_units=["nginx.service"], mapping="identity", net=True) as b:
        b.expect(r"Started nginx.service - A high performance web server")
        b.expect(r"Failed to start broken.service")
        tap.ok(b.index(r"broken.service:4: ") >= 0 and b.index(r"broken.service:5: ") >= 0,
               "a broken unit among the daemons: its problems named as file:line, it fails alone", b.text())
        r = until_ok(lambda: in_ns(b, ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1/"]), "curl")
        tap.eq(r.stdout, "200", "nginx (Type=forking, PIDFile=, ExecStartPre=): answers HTTP on loopback")
        kill9(b, "/run/nginx.pid")
        b.expect(r"nginx.service: Main process \d+ code=killed, status=9/KILL")
        b.expect(r"Failed unit nginx.service|Stopped nginx.service|nginx.service.*failed")
        tap.ok(b.index("nginx.service: restarting") < 0, "nginx has no Restart=: after kill -9 it stays down", b.text())
        check_stop(tap, b, "nginx", [])


def test_redis(tap):
    need("/usr/bin/redis-server", "/usr/bin/redis-cli")
    with Boot({"default.target": TARGET.format("redis-server.service")}, copy_units=["redis-server.service"],
              mapping="identity", net=True) as b:
        b.expect(r"Started redis-server.service - Advanced key-value store")
        r = until_ok(lambda: in_ns(b, ["redis-cli", "-h", "127.0.0.1", "ping"]), "redis ping")
        tap.eq(r.stdout.strip(), "PONG", "redis (Type=notify, User=redis, RuntimeDirectory=): answers PING")
        old = kill9(b, "/run/redis/redis-server.pid")
        b.expect(r"redis-server.service: restarting \(restart counter is at 1\)")
        r = until_ok(lambda: in_ns(b, ["redis-cli", "-h", "127.0.0.1", "ping"]), "redis ping after restart")
        tap.ok(r.stdout.strip() == "PONG" and ns_pid_file(b, "/run/redis/redis-server.pid") != old,
               "Restart=always: a new redis answers after kill -9")
        check_stop(tap, b, "redis", ["redis-server.service"])


def test_memcached(tap):
    need("/usr/bin/memcached")
    with Boot({"default.target": TARGET.format("memcached.service")}, copy_units=["memcached.service"],
              mapping="identity", net=True) as b:
        b.expect(r"Started memcached.service")
        r = until_ok(lambda: in_ns(b, ["sh", "-c", "printf 'version\\r\\nquit\\r\\n' | nc -q1 127.0.0.1 11211"]), "memcached")
        tap.ok(r.stdout.startswith("VERSION"), "memcached answers on 11211", r.stdout)
        b.expect(r"memcached.service")
        check_stop(tap, b, "memcached", ["memcached.service"])


def test_cron_and_rsyslog(tap):
    need("/usr/sbin/cron", "/usr/sbin/rsyslogd")
    with Boot({"default.target": TARGET.format("cron.service rsyslog.service")},
              copy_units=["cron.service", "rsyslog.service", "syslog.socket"], mapping="identity", net=True) as b:
        b.expect(r"Started cron.service")
        b.expect(r"Started rsyslog.service")
        r = until_ok(lambda: in_ns(b, ["logger", "-t", "sdinit-test", "hello-from-the-test"]), "logger")
        tap.eq(r.returncode, 0, "rsyslog (Type=notify) accepts a message on /dev/log")
        old = kill9(b, "/run/crond.pid")
        b.expect(r"cron.service: restarting \(restart counter is at 1\)")
        until_ok(lambda: subprocess.run(["true"]) if ns_pid_file(b, "/run/crond.pid") != old else subprocess.run(["false"]),
              "a new cron pid file")
        tap.ok(True, "cron (Restart=on-failure) comes back after kill -9")
        check_stop(tap, b, "cron+rsyslog", ["cron.service", "rsyslog.service"])


def test_ssh(tap):
    need("/usr/sbin/sshd", "/usr/bin/ssh-keyscan")
    if not any(f.startswith("ssh_host_") for f in os.listdir("/etc/ssh")):
        raise Skip("no ssh host keys (dpkg-reconfigure openssh-server)")
    with Boot({"default.target": TARGET.format("ssh.service")}, copy_units=["ssh.service"],
              mapping="identity", net=True) as b:
        b.expect(r"Started ssh.service - OpenBSD Secure Shell server")
        r = until_ok(lambda: in_ns(b, ["ssh-keyscan", "-T", "5", "127.0.0.1"]), "ssh-keyscan")
        tap.ok("ssh-" in r.stdout, "sshd (Type=notify, ExecStartPre=, RuntimeDirectory=) answers on port 22")
        kill9(b, "/run/sshd.pid")
        b.expect(r"ssh.service: restarting \(restart counter is at 1\)")
        until_ok(lambda: in_ns(b, ["ssh-keyscan", "-T", "5", "127.0.0.1"]), "ssh-keyscan after restart")
        tap.ok(True, "ssh (Restart=on-failure) answers again after kill -9")
        check_stop(tap, b, "ssh", ["ssh.service"])


def test_postgresql(tap):
    need("/usr/bin/pg_ctlcluster", "/usr/bin/psql")
    clusters = [f"{v}-{c}" for v in sorted(os.listdir("/etc/postgresql")) for c in sorted(os.listdir(f"/etc/postgresql/{v}"))] \
        if os.path.isdir("/etc/postgresql") else []
    if not clusters:
        raise Skip("no postgresql cluster (pg_createcluster)")
    inst = f"postgresql@{clusters[0]}.service"
    # /run/postgresql comes from postgresql-common's tmpfiles.d entry, which systemd-tmpfiles applies
    # at boot; the test's fresh /run gets it from the same file through a oneshot doing that job.
    tmpfiles = "[Unit]\nDefaultDependencies=no\nBefore=sysinit.target\n[Service]\nType=oneshot\n" \
               "ExecStart=/bin/sh -c 'install -d -m 2775 -o postgres -g postgres /run/postgresql'\n"
    with Boot({"default.target": TARGET.format(f"postgresql.service {inst} pg-tmpfiles.service"),
               "pg-tmpfiles.service": tmpfiles},
              copy_units=["postgresql.service", "postgresql@.service"], mapping="identity", net=True) as b:
        b.expect(rf"Started {inst.replace('@', '@')} - PostgreSQL Cluster")
        r = until_ok(lambda: in_ns(b, ["psql", "-At", "-c", "select 40+2"], user="postgres"), "psql")
        tap.eq(r.stdout.strip(), "42", f"{inst} (template, Type=forking, pg_ctlcluster) answers a query")
        # pg_ctlcluster sees /run/systemd/system (sdinit serves systemd's API) and hands the
        # restart to systemctl, which asks sdinit: the unit is stopped and started as a job.
        ver, name = clusters[0].split("-", 1)
        pidfile = f"/var/lib/postgresql/{ver}/{name}/postmaster.pid"
        old = ns_pid_file(b, pidfile)
        r = in_ns(b, ["pg_ctlcluster", ver, name, "restart"], timeout=120, pidns=True)
        b.expect(rf"Stopped {re.escape(inst)}")
        b.expect(rf"Started {re.escape(inst)}")
        r2 = until_ok(lambda: in_ns(b, ["psql", "-At", "-c", "select 40+2"], user="postgres"), "psql after restart")
        tap.ok(r.returncode == 0 and ns_pid_file(b, pidfile) != old and r2.stdout.strip() == "42",
               "pg_ctlcluster restart goes through systemctl to sdinit, and the new server answers", r.stdout + r.stderr)
        check_stop(tap, b, "postgresql", [inst])


def test_ssh_socket(tap):
    """ssh.socket (ListenStream=22, Accept=no) starts ssh.service on the first connection."""
    need("/usr/sbin/sshd", "/usr/bin/ssh-keyscan")
    if not any(f.startswith("ssh_host_") for f in os.listdir("/etc/ssh")):
        raise Skip("no ssh host keys (dpkg-reconfigure openssh-server)")
    with Boot({"default.target": TARGET.format("ssh.socket")}, copy_units=["ssh.service", "ssh.socket"],
              mapping="identity", net=True) as b:
        b.expect(r"Reached target default.target")
        tap.ok(b.index("Started ssh.service") < 0, "ssh.socket: sshd is not running before a connection", b.text())
        r = until_ok(lambda: in_ns(b, ["ssh-keyscan", "-T", "10", "127.0.0.1"]), "ssh-keyscan through the socket")
        tap.ok("ssh-" in r.stdout, "ssh.socket: the first connection starts ssh.service, which answers")
        b.expect(r"Started ssh.service")
        check_stop(tap, b, "ssh.socket", ["ssh.service"])


DBUS_CLIENT = r"""
import os, dbus
print("dbtest ready to take its name", flush=True)
open(os.path.join(os.path.dirname(__file__), "go")).read()
bus = dbus.SystemBus()
print("request_name:", bus.request_name("org.freedesktop.hostname1"), flush=True)
import time; time.sleep(1000)
"""


def test_dbus(tap):
    """Type=dbus: active once BusName= is owned on the image's own bus (dbus.socket + dbus.service)."""
    # The bus policy lets root own this name (systemd's policy file); a test name would be refused.
    need("/usr/bin/dbus-daemon", "/usr/share/dbus-1/system.d/org.freedesktop.hostname1.conf")
    if subprocess.run(["/usr/bin/python3", "-c", "import dbus"], capture_output=True).returncode != 0:
        raise Skip("python3-dbus missing (scripts/deps.sh installs it)")
    units = {
        "default.target": TARGET.format("dbtest.service"),
        "dbtest.service": "[Unit]\nRequires=dbus.socket\nAfter=dbus.socket\n[Service]\nType=dbus\n"
                          "BusName=org.freedesktop.hostname1\nExecStart=/usr/bin/python3 @STATE@/client.py\n",
    }
    with Boot(units, copy_units=["dbus.service", "dbus.socket"], mapping="identity", net=True,
              files={"client.py": DBUS_CLIENT, "go": None}) as b:
        b.expect("dbtest ready to take its name")
        tap.ok(b.index("Started dbtest.service") < 0, "Type=dbus: not active before the name is taken", b.text())
        with open(os.path.join(b.state, "go"), "w") as f:
            f.write("go\n")
        b.expect(r"Started dbtest.service")
        t = b.text()
        tap.ok(b.index(r"Started dbus.service - D-Bus System Message Bus") >= 0,
               "dbus.service was started through dbus.socket (socket activation)", t)
        b.expect("request_name: 1")  # its own output may come after PID 1's status line
        tap.ok(True, "the service owns its name")
        check_stop(tap, b, "dbus", ["dbtest.service", "dbus.service"])


if __name__ == "__main__":
    Tap().run([test_nginx, test_redis, test_memcached, test_cron_and_rsyslog, test_ssh, test_ssh_socket, test_dbus, test_postgresql])
