# SPDX-License-Identifier: MIT
"""The kernel-enforced limits of a service's process (issue 14, items 1, 4, 5), compared directive by
directive with Debian's real systemd 252.

Each unit below carries the hardening of a Debian 12 service unit (copied from the package's own
unit file, named in its comment) or one systemd.exec(5) feature, with ExecStart= replaced by a probe
(helpers/sandbox_probe.c) that prints the Uid/Gid/NoNewPrivs/Seccomp/Cap* lines of its
/proc/self/status and the verdict of probes tried in forked children: an AF_PACKET socket, system
calls of the @swap/@raw-io/@module/@debug/@mount/@clock/@setuid groups, SCHED_FIFO, a W+X mapping,
unshare(), personality(), set-user/group-ID bits, plus its credentials and state directory. Both
managers boot as PID 1 of a user namespace with a delegated cgroup v2 (oraclelib.py), start every
unit with Debian's systemctl, and the outputs, exit statuses and results are compared key by key.
Directives of the mount namespace (ProtectSystem=, PrivateTmp=, ...) stay in the units; none of the
compared keys depends on them.
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oraclelib  # noqa: E402
from harness import Tap  # noqa: E402

PROBE = os.environ.get("SANDBOX_PROBE", os.path.join(HERE, "..", "..", "build", "tests", "integration", "sandbox_probe"))
# Keys systemd and sdinit must agree on (Seccomp_filters: both none, or sdinit no more programs than
# systemd's one per setting and architecture, see oraclelib.seccomp_filters_match(); "cred:ID": mode,
# owner and content of each credential).
KEYS = ("Uid", "Gid", "Groups", "NoNewPrivs", "Seccomp", "Seccomp_filters", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "umask",
        "securebits", "coredump_filter", "mempolicy", "Cpus_allowed_list", "Mems_allowed_list", "keyctl_join",
        "af_packet", "af_inet", "af_netlink", "swapoff", "ioperm", "init_module", "ptrace", "umount2", "clock_settime",
        "setresuid", "sched_fifo", "wx_mmap", "unshare_uts", "unshare_net", "personality32", "chmod_suid", "mkdir_sgid",
        "i386_getpid", "x32_getpid",
        "creds_dir", "creds_dir_stat", "creds_write", "state_dir", "state_dir_stat", "state_write", "state_prev",
        "user_env", "probe-done")

# name -> [Service] lines (ExecStart= and the output are added)
UNITS = {
    # redis-server 5:7.0.15-1~deb12u1, /lib/systemd/system/redis-server.service (NoExecPaths=/ExecPaths=
    # left out: they would make the probe itself not executable; ReadWritePaths= are optional).
    "redis-hardening": """User=redis
Group=redis
UMask=007
PrivateTmp=true
PrivateDevices=true
ProtectHome=true
ProtectSystem=strict
CapabilityBoundingSet=
LockPersonality=true
MemoryDenyWriteExecute=true
NoNewPrivileges=true
ProtectClock=true
ProtectControlGroups=true
ProtectHostname=true
ProtectKernelLogs=true
ProtectKernelModules=true
ProtectKernelTunables=true
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=true
RestrictRealtime=true
RestrictSUIDSGID=true
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~ @privileged @resources
""",
    # chrony 4.3-2+deb12u1, chrony.service: "!" runs it as root with the sandbox; its User=_chrony
    # is left to chronyd itself.
    "chrony-hardening": """ExecStartPre=!/bin/true
CapabilityBoundingSet=~CAP_AUDIT_CONTROL CAP_AUDIT_READ CAP_AUDIT_WRITE
CapabilityBoundingSet=~CAP_BLOCK_SUSPEND CAP_KILL CAP_LEASE CAP_LINUX_IMMUTABLE
CapabilityBoundingSet=~CAP_MAC_ADMIN CAP_MAC_OVERRIDE CAP_MKNOD CAP_SYS_ADMIN
CapabilityBoundingSet=~CAP_SYS_BOOT CAP_SYS_CHROOT CAP_SYS_MODULE CAP_SYS_PACCT
CapabilityBoundingSet=~CAP_SYS_PTRACE CAP_SYS_RAWIO CAP_SYS_TTY_CONFIG CAP_WAKE_ALARM
LockPersonality=yes
MemoryDenyWriteExecute=yes
NoNewPrivileges=yes
PrivateTmp=yes
ProtectHome=yes
ProtectKernelModules=yes
ProtectKernelTunables=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
RestrictNamespaces=yes
RestrictSUIDSGID=yes
SystemCallArchitectures=native
SystemCallFilter=~@cpu-emulation @debug @module @mount @obsolete @raw-io @reboot @swap
NoNewPrivileges=no
RestrictAddressFamilies=AF_NETLINK
""",
    # chrony.service's User=, on a machine without the user: 217/USER, never root.
    "chrony-user": "User=_chrony\nNoNewPrivileges=yes\n",
    # an unknown Group= (216/GROUP) and an unknown supplementary group of a dynamic user
    "bad-group": "User=nobody\nGroup=no-such-group-sdinit\n",
    "bad-supp": "DynamicUser=yes\nSupplementaryGroups=no-such-group-sdinit\n",
    # memcached 1.6.18-1, memcached.service (runs as root; memcached drops to "memcache" itself).
    "memcached-hardening": """PrivateTmp=true
ProtectSystem=full
NoNewPrivileges=true
PrivateDevices=true
CapabilityBoundingSet=CAP_SETGID CAP_SETUID CAP_SYS_RESOURCE
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
MemoryDenyWriteExecute=true
ProtectKernelModules=true
ProtectKernelTunables=true
ProtectControlGroups=true
RestrictRealtime=true
RestrictNamespaces=true
""",
    # krb5-kdc 1.20.1-2+deb12u2, krb5-kdc.service
    "krb5kdc-hardening": """CapabilityBoundingSet=CAP_NET_BIND_SERVICE
PrivateDevices=yes
NoNewPrivileges=yes
ProtectKernelTunables=yes
""",
    # 389-ds-base 2.3.1+dfsg1-1+deb12u1, dirsrv@.service: seccomp as root, without NoNewPrivileges=
    "dirsrv-hardening": """PrivateDevices=true
ProtectHostname=true
ProtectClock=true
RestrictRealtime=true
""",
    # dovecot-core 1:2.3.19.1+dfsg1-2.1+deb12u1, dovecot.service
    "dovecot-hardening": "PrivateDevices=true\n",
    # sssd-common 2.8.2-4, sssd.service
    "sssd-hardening": """CapabilityBoundingSet=  CAP_IPC_LOCK CAP_CHOWN CAP_DAC_READ_SEARCH CAP_KILL CAP_NET_ADMIN CAP_SYS_NICE CAP_FOWNER CAP_SETGID CAP_SETUID CAP_SYS_ADMIN CAP_SYS_RESOURCE CAP_BLOCK_SUSPEND
""",
    # chrony 4.3-2+deb12u1, chrony-wait.service: DynamicUser= with the full hardening
    # (IPAddressAllow=/IPAddressDeny=/DevicePolicy= left out: cgroup BPF, not this step).
    "chrony-wait-hardening": """DynamicUser=yes
CapabilityBoundingSet=
LockPersonality=yes
MemoryDenyWriteExecute=yes
PrivateDevices=yes
PrivateUsers=yes
ProcSubset=pid
ProtectClock=yes
ProtectControlGroups=yes
ProtectHome=yes
ProtectHostname=yes
ProtectKernelLogs=yes
ProtectKernelModules=yes
ProtectKernelTunables=yes
ProtectProc=invisible
ProtectSystem=strict
RestrictAddressFamilies=AF_INET AF_INET6
RestrictNamespaces=yes
RestrictRealtime=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged @resources
UMask=0777
""",
    # mariadb-server 1:10.11.6-0+deb12u1, mariadb.service (its User=mysql/Group=mysql replaced by
    # nobody/nogroup: this machine has no mysql user)
    "mariadb-caps": """User=nobody
Group=nogroup
AmbientCapabilities=CAP_IPC_LOCK
UMask=007
""",
    # tomcat10 10.1.6-1+deb12u1, tomcat10.service (User=tomcat replaced by nobody, as above)
    "tomcat10-caps": """User=nobody
Group=nogroup
AmbientCapabilities=CAP_NET_BIND_SERVICE
NoNewPrivileges=true
""",
    # A static user with an ambient capability (the usual way to bind port 80 unprivileged).
    "ambient": """User=nobody
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_NET_RAW
SecureBits=keep-caps
""",
    # seccomp with systemd's default action (kill) and a deny list, no NoNewPrivileges= as root
    "filter-kill": """SystemCallFilter=~@mount @swap @debug
RestrictAddressFamilies=~AF_PACKET
SystemCallLog=@clock
""",
    # allow list with an errno, as an unprivileged user (implies no_new_privs)
    "filter-errno": """User=nobody
SystemCallFilter=@system-service
SystemCallFilter=~@setuid:EACCES
SystemCallErrorNumber=EPERM
RestrictAddressFamilies=none
""",
    # DynamicUser= with a state directory (started twice: the state survives)
    "probe-dyn": """DynamicUser=yes
StateDirectory=probe-dyn
""",
    # a dynamic user with supplementary groups and an ambient capability
    "dyn-groups": """DynamicUser=yes
SupplementaryGroups=daemon nogroup
AmbientCapabilities=CAP_NET_BIND_SERVICE
""",
    # the process settings of systemd.exec(5) "Scheduling" and "Process Properties"
    "process-props": """CPUAffinity=0
NUMAPolicy=local
CoredumpFilter=private-anonymous shared-anonymous private-huge
KeyringMode=shared
SecureBits=noroot
UMask=0027
""",
    # credentials for a static user
    "creds": """User=nobody
LoadCredential=file-cred:{work}/cred-src
SetCredential=set-cred:hello\\nworld
SetCredential=file-cred:overridden-by-load
LoadCredential=dir:{work}/cred-dir
SetCredential=twice:first
SetCredential=twice:second
""",
}

# Besides the copies above, every service unit of the corpus (Debian 12 packages' own unit files)
# that sets a directive of the process sandbox, read from the file: its process and namespace
# directives, its ExecStart='s privilege prefix ("!", "+"), a User=/Group= this host lacks replaced
# by nobody/nogroup (else both managers only fail with 217/216 and nothing else is compared); path
# lists are left out (a daemon's directory missing here would fail both with 226 before the probe).
PROCESS_DIRECTIVES = {
    "CapabilityBoundingSet", "AmbientCapabilities", "NoNewPrivileges", "SecureBits", "SystemCallFilter",
    "SystemCallErrorNumber", "SystemCallArchitectures", "SystemCallLog", "RestrictAddressFamilies", "RestrictRealtime",
    "RestrictSUIDSGID", "LockPersonality", "MemoryDenyWriteExecute", "RestrictNamespaces", "DynamicUser",
    "ProtectClock", "ProtectKernelLogs", "ProtectHostname", "KeyringMode"}
CORPUS_KEEP = PROCESS_DIRECTIVES | {
    "User", "Group", "SupplementaryGroups", "UMask", "PrivateDevices", "PrivateTmp", "PrivateNetwork", "PrivateIPC",
    "ProtectSystem", "ProtectHome", "ProtectKernelModules", "ProtectKernelTunables", "ProtectControlGroups"}


def corpus_units():
    import grp
    import pwd
    out = {}
    for path, kept, exec_start in oraclelib.corpus_service_lines(CORPUS_KEEP):
        if not any(k in PROCESS_DIRECTIVES for k, _ in kept):
            continue
        keep = []
        for k, v in kept:
            v = v.replace("%i", "x").replace("%I", "x")
            try:
                if k == "User" and v and not v.startswith("%"):
                    pwd.getpwnam(v)
                if k == "Group" and v and not v.startswith("%"):
                    grp.getgrnam(v)
            except KeyError:
                v = "nobody" if k == "User" else "nogroup"
            keep.append(f"{k}={v}")
        name = "corpus-" + os.path.basename(path)[:-len(".service")].replace("@", "-at")
        body = "".join(ln + "\n" for ln in keep)
        prefix = "".join(c for c in exec_start[:3] if c in "!+")
        if prefix:
            body = f"ExecStart=\nExecStart={prefix}{PROBE}\n" + body
        out[name] = body
    return out


# Differences with their reason (asserted to differ, so that a change on either side is seen).
# Debian's systemd 252 as PID 1 of this user namespace creates /run/credentials/UNIT (0700 root)
# but leaves it empty and unmounted (measured: `ls -la` from an ExecStart=+ shows an empty 0700
# root directory, no credentials mount in mountinfo), so the service user can neither list nor read
# its credentials; sdinit lays them out as systemd does where it can mount (files 0400 and the
# directory 0500 owned by the service user, read-only), checked below against systemd.exec(5).
KNOWN = {
    "creds#0 creds_dir_stat": "systemd leaves the directory empty, 0700 root, in a user namespace",
    "creds#0 creds_write": "same: EACCES on systemd's root-owned directory, EROFS on sdinit's read-only mount",
    "creds#0 cred:file-cred": "systemd's directory is empty here",
    "creds#0 cred:set-cred": "systemd's directory is empty here",
    "creds#0 cred:dir_a": "systemd's directory is empty here",
    "creds#0 cred:dir_sub_b": "systemd's directory is empty here",
    "creds#0 cred:twice": "systemd's directory is empty here",
}


# The dynamic user's name as the image's tools see it (nss-systemd asks PID 1's varlink service
# io.systemd.DynamicUser), the raw answers of that service, and its lock files, while a
# DynamicUser= service runs and after it stopped.
DYN_SLEEP = "[Unit]\nDefaultDependencies=no\n\n[Service]\nDynamicUser=yes\nExecStart=/bin/sleep infinity\n"
VARLINK = r"""
import json, socket
def call(method, params, more=False):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect("/run/systemd/userdb/io.systemd.DynamicUser")
    msg = {"method": method, "parameters": params}
    if more:
        msg["more"] = True
    s.sendall(json.dumps(msg).encode() + b"\0")
    buf = b""
    while not buf.endswith(b"\0") or (more and b'"continues":true' in buf.split(b"\0")[-2]):
        d = s.recv(65536)
        if not d:
            break
        buf += d
    print(method, json.dumps(params, sort_keys=True), more, buf.decode())
U, S = "io.systemd.UserDatabase.", "io.systemd.DynamicUser"
call(U + "GetUserRecord", {"userName": "dyn-sleep", "service": S})
call(U + "GetUserRecord", {"userName": "no-such-user", "service": S})
call(U + "GetGroupRecord", {"groupName": "dyn-sleep", "service": S})
call(U + "GetUserRecord", {"service": S}, True)
call(U + "GetGroupRecord", {"service": S}, True)
call(U + "GetMemberships", {"service": S}, True)
call(U + "GetUserRecord", {"userName": "dyn-sleep", "service": "other"})
"""


# Hostile clients of PID 1's varlink socket: more connections than it takes, garbage, a request
# without its terminating NUL larger than any request, a client that never reads its replies.
HOSTILE = r"""
import socket
conns = []
for i in range(40):
    s = socket.socket(socket.AF_UNIX)
    s.connect("/run/systemd/userdb/io.systemd.DynamicUser")
    conns.append(s)
conns[0].sendall(b"{not json\0")
conns[1].sendall(b"{" * 5000 + b"\0")
# (sdinit drops a client whose request outgrows its buffer or whose unread replies pile up: the
# client then sees EPIPE or ECONNRESET)
conns[2].setblocking(False)
try:
    conns[2].sendall(b"x" * 100000)
except (BlockingIOError, BrokenPipeError, ConnectionResetError):
    pass
req = b'{"method":"io.systemd.UserDatabase.GetUserRecord","parameters":{"service":"io.systemd.DynamicUser"},"more":true}\0'
conns[3].setblocking(False)
try:
    for i in range(5000):
        conns[3].send(req)
except (BlockingIOError, BrokenPipeError, ConnectionResetError):
    pass
print("sent")
"""


def userdb_view(p):
    ns = ["nsenter", "-t", str(p.pid1), "-U", "-m", "-p"]
    out = {}
    for key, cmd in (("getent passwd", ["getent", "passwd", "dyn-sleep"]), ("getent group", ["getent", "group", "dyn-sleep"]),
                     ("lock files", ["sh", "-c", "cd /run/systemd/dynamic-uid && for f in *; do [ -L \"$f\" ] && "
                                     "echo \"$f -> $(readlink \"$f\")\" || echo \"$f $(stat -c %a $f) $(cat $f)\"; done"]),
                     ("varlink", [oraclelib.PY, "-c", VARLINK]),
                     # StateDirectory= of a DynamicUser= unit: private/ 0700 root, the symlink,
                     # the directory owned by the dynamic user (probe-dyn ran twice before)
                     ("state layout", ["stat", "-c", "%n %a %u:%g %F %N", "/var/lib/private", "/var/lib/probe-dyn",
                                       "/var/lib/private/probe-dyn", "/var/lib/private/probe-dyn/probe-file"])):
        r = subprocess.run(ns + cmd, capture_output=True, text=True, timeout=60)
        out[key] = r.stdout.strip()
    return out


# A real daemon from its own Debian unit file: redis-server.service as installed, with a drop-in
# that only changes its command line (no config file: the host's /etc/redis/redis.conf is not
# readable by the container's redis user; a Unix socket instead of TCP port 6379 in the machine's
# network namespace). Its main process's status lines are compared.
REDIS_UNIT = "/lib/systemd/system/redis-server.service"
REDIS_DROPIN = """[Service]
ExecStart=
ExecStart=/usr/bin/redis-server --supervised systemd --daemonize no --port 0 --unixsocket /run/redis/redis.sock --save "" --dir /run/redis
PIDFile=
"""
STATUS_KEYS = oraclelib.STATUS_KEYS


def have_redis():
    return os.access("/usr/bin/redis-server", os.X_OK) and os.path.exists(REDIS_UNIT)


def real_daemon_status(p):
    rc, so, se = p.systemctl("start", "redis-server.service", timeout=60)
    st = p.show(["redis-server.service"], ("ActiveState", "MainPID", "ExecMainStatus"))["redis-server.service"]
    got = {"ActiveState": st.get("ActiveState", "")}
    pid = st.get("MainPID", "0")
    if pid != "0":
        r = subprocess.run(["nsenter", "-t", str(p.pid1), "-U", "-m", "-p", "cat", f"/proc/{pid}/status"],
                           capture_output=True, text=True, timeout=30)
        got.update(oraclelib.status_fields(r.stdout))
    p.systemctl("stop", "redis-server.service", timeout=60)
    return got


def write_units(unitdir, work):
    os.makedirs(unitdir, exist_ok=True)
    if have_redis():
        shutil.copy(REDIS_UNIT, unitdir)
        os.makedirs(os.path.join(unitdir, "redis-server.service.d"), exist_ok=True)
        with open(os.path.join(unitdir, "redis-server.service.d", "probe.conf"), "w") as f:
            f.write(REDIS_DROPIN)
    with open(os.path.join(unitdir, "dyn-sleep.service"), "w") as f:
        f.write(DYN_SLEEP)
    oraclelib.write_probe_units(unitdir, work, PROBE, UNITS)


def run(kind, cg2, work, unitdir):
    out = oraclelib.fresh_outdir(work)
    shutil.rmtree(f"{out}-{kind}", ignore_errors=True)
    # The container's own /var/lib (DynamicUser= state) and a /etc/.pwd.lock its root may lock
    # (systemd takes it before allocating a dynamic user: the host's is not the container's).
    lock = os.path.join(work, "pwd.lock")
    open(lock, "a").close()
    os.chown(lock, oraclelib.MAPPED_ROOT, oraclelib.MAPPED_ROOT)
    p = oraclelib.boot_ready(kind, cg2, f"sdinit-sandbox-{kind}-{os.getpid()}", work, unitdir, ("/var/lib",),
                             ((lock, "/etc/.pwd.lock"),))
    res = {}
    try:
        for name in UNITS:
            runs = 2 if name == "probe-dyn" else 1
            for i in range(runs):
                res[f"{name}#{i}"] = oraclelib.start_probe(p, name, out)
                if os.path.exists(os.path.join(out, name)):
                    os.rename(os.path.join(out, name), os.path.join(out, f"{name}.{i}"))
        if have_redis():
            res["redis-server"] = real_daemon_status(p)
        rc, so, se = p.systemctl("start", "dyn-sleep.service", timeout=60)
        hostile = subprocess.run(["nsenter", "-t", str(p.pid1), "-U", "-m", "-p", oraclelib.PY, "-c", HOSTILE],
                                 capture_output=True, text=True, timeout=60)
        res["hostile"] = hostile.stdout.strip() + hostile.stderr.strip()[-500:]
        res["userdb running"] = userdb_view(p)
        rc, so, se = p.systemctl("stop", "dyn-sleep.service", timeout=60)
        res["userdb stopped"] = userdb_view(p)
        oraclelib.stop(kind, p)
        os.rename(out, f"{out}-{kind}")
        return res, p.output()
    finally:
        p.close()


def main():
    global PROBE
    tap = Tap()
    cg2 = oraclelib.root_or_skip(tap, "sandbox oracle")
    if not os.access(PROBE, os.X_OK):
        tap.ok(False, f"probe {PROBE} built")
        tap.run([])
    # The units run a copy of the probe kept outside /tmp and /var/tmp (see probe_workdirs()).
    work, probe_dir = oraclelib.probe_workdirs("sdinit-sandbox")
    PROBE = shutil.copy2(PROBE, os.path.join(probe_dir, "sandbox_probe"))
    UNITS.update(corpus_units())
    with open(os.path.join(work, "cred-src"), "w") as f:
        f.write("secret-from-file\n")
    os.chmod(os.path.join(work, "cred-src"), 0o644)
    os.makedirs(os.path.join(work, "cred-dir", "sub"))
    for name, text in (("a", "in-dir"), ("sub/b", "in-subdir")):
        with open(os.path.join(work, "cred-dir", name), "w") as f:
            f.write(text)
        os.chmod(os.path.join(work, "cred-dir", name), 0o644)
    for d in ("cred-dir", "cred-dir/sub"):
        os.chmod(os.path.join(work, d), 0o755)
    unitdir = os.path.join(work, "units")
    write_units(unitdir, work)
    results = {}
    for kind in ("systemd", "sdinit"):
        results[kind], output = run(kind, cg2, work, unitdir)
        tap.ok(all("probe-done" in v or v["Result"] != "success" for k, v in results[kind].items() if "#" in k),
               f"{kind}: every unit ran the probe or failed", output[-3000:])
    ref, mine = results["systemd"], results["sdinit"]
    if have_redis():
        a, b = ref["redis-server"], mine["redis-server"]
        tap.eq(a.get("ActiveState"), "active", "redis-server runs under systemd", )
        for k in ("ActiveState",) + STATUS_KEYS:
            if k == "Seccomp_filters":
                tap.ok(oraclelib.seccomp_filters_match(a.get(k), b.get(k)),
                       f"redis-server's own unit, main process {k}: systemd {a.get(k)}, sdinit {b.get(k)} (fewer programs, same verdicts)")
                continue
            tap.eq(b.get(k), a.get(k), f"redis-server's own unit, main process {k}: sdinit as systemd ({a.get(k)})")
    else:
        tap.skip("redis-server's own unit", "redis-server is not installed (scripts/deps.sh installs it)")
    tap.eq((results["systemd"]["hostile"], results["sdinit"]["hostile"]), ("sent", "sent"),
           "hostile varlink clients sent their garbage (then the answers below are still systemd's)")
    for key in ("userdb running", "userdb stopped"):
        for k in sorted(ref[key]):
            tap.eq(mine[key].get(k), ref[key][k], f"{key}: {k} as under systemd")
    tap.ok("dyn-sleep:x:" in ref["userdb running"]["getent passwd"], "the dynamic user resolves under systemd",
           ref["userdb running"])
    lay = ref["userdb stopped"]["state layout"]
    tap.ok("/var/lib/private 700 0:0 directory" in lay and "'/var/lib/probe-dyn' -> 'private/probe-dyn'" in lay and
           "/var/lib/private/probe-dyn/probe-file" in lay, "systemd's private/ layout is what was compared", lay)
    for key in sorted(k for k in ref if "#" in k):
        creds = sorted({k for k in list(ref[key]) + list(mine.get(key, {})) if k.startswith("cred:")})
        for k in KEYS + tuple(creds) + ("Result", "ExecMainStatus"):
            a, b = ref[key].get(k), mine.get(key, {}).get(k)
            if a is None and b is None:
                continue
            oraclelib.compare_cell(tap, f"{key} {k}", a, b, KNOWN)
    # sdinit's credentials, where systemd provides none (KNOWN): LoadCredential= wins over
    # SetCredential= for the same ID, C escapes in SetCredential=, 0400 files and a 0500
    # read-only directory owned by the service's user (nobody).
    c = mine.get("creds#0", {})
    tap.eq((c.get("creds_dir"), c.get("creds_dir_stat"), c.get("cred:file-cred"), c.get("cred:set-cred"), c.get("creds_write")),
           ("/run/credentials/creds.service", "0500 65534", "0400 65534 secret-from-file|", "0400 65534 hello|world", "EROFS"),
           "sdinit: credentials as systemd.exec(5) lays them out")
    # a directory: every file below it as ID_SUB_PATH; the later of two assignments counts
    # (systemd 252's acquire_credentials() and config_parse_set_credential())
    tap.eq((c.get("cred:dir_a"), c.get("cred:dir_sub_b"), c.get("cred:twice")),
           ("0400 65534 in-dir", "0400 65534 in-subdir", "0400 65534 second"),
           "sdinit: LoadCredential= of a directory, and the later SetCredential= of an ID")
    # Never root: a DynamicUser= service has a uid of the dynamic range, the same in both runs,
    # and its state survives the restart.
    for kind in ("systemd", "sdinit"):
        d0, d1 = results[kind]["probe-dyn#0"], results[kind]["probe-dyn#1"]
        uid = int(d0.get("Uid", "0 0 0 0").split()[0])
        tap.ok(61184 <= uid <= 65519, f"{kind}: DynamicUser= uid {uid} in 61184-65519")
        tap.eq(d1.get("Uid"), d0.get("Uid"), f"{kind}: DynamicUser= uid kept across restarts")
        tap.eq((d0.get("state_prev"), d1.get("state_prev")), ("no", "yes"), f"{kind}: state directory survives a restart")
    tap.run([])


if __name__ == "__main__":
    main()
