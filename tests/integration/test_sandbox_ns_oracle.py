#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The file-system and namespace sandbox (issue 14, items 2, 3 and 6) against Debian's real
systemd 252: every hardened service unit of the corpus (Debian 12 packages' own unit files) keeps
its namespace directives (PrivateTmp=, ProtectSystem=, ProtectHome=, PrivateDevices=,
ProtectKernel*=, ProtectControlGroups=, ReadWritePaths= ... PrivateNetwork=, PrivateIPC=,
ProtectHostname=, NoNewPrivileges=) and gets a probe as ExecStart=: it prints its mount table
(/proc/self/mountinfo) and tries what the sandbox is about: write to /usr and /etc, list /home,
see the outer /tmp and /var/tmp, see a disk node in /dev, open /proc/sys for writing, which
mounts are read-only, which namespaces it shares with PID 1, which network interfaces it has.
The same units boot under systemd and under sdinit, each as PID 1 of a user namespace with a
delegated cgroup v2 (oraclelib); the probe's answers and the normalised mount tables are compared
unit by unit, directive by directive.

Then the degraded shape: sdinit as PID 1 without CAP_SYS_ADMIN (capsh drops it from the bounding
set before exec): a unit whose options only protect runs unprotected with one line saying what was
not applied; a unit with TemporaryFileSystem= fails with 226/NAMESPACE, as systemd's rule says.
Output: plain ok/FAIL lines (cgharness); SKIP when the recipe cannot run here."""
import base64
import glob
import json
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "cgroup", "tests"))
import cgharness  # noqa: E402
import oraclelib  # noqa: E402

CORPUS = oraclelib.CORPUS

# The directives of items 2 and 3 (what this test compares), plus NoNewPrivileges= (it makes every
# sandbox mount nosuid) and RootDirectory=.
KEEP = {"ProtectSystem", "ProtectHome", "PrivateTmp", "PrivateDevices", "PrivateNetwork", "PrivateIPC",
        "PrivateMounts", "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs",
        "ProtectControlGroups", "ProtectHostname", "ProtectProc", "ProcSubset", "ReadWritePaths",
        "ReadOnlyPaths", "InaccessiblePaths", "ExecPaths", "NoExecPaths", "ReadWriteDirectories",
        "ReadOnlyDirectories", "InaccessibleDirectories", "BindPaths", "BindReadOnlyPaths",
        "TemporaryFileSystem", "MountFlags", "MountAPIVFS", "NoNewPrivileges"}

PROBE = r'''
import errno, json, os, socket
r = {}
def err(fn):
    try:
        fn()
        return "ok"
    except OSError as e:
        return errno.errorcode.get(e.errno, str(e.errno))
def create(p):
    os.close(os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.unlink(p)
r["write /usr"] = err(lambda: create("/usr/.sdinit-probe"))
r["write /etc"] = err(lambda: create("/etc/.sdinit-probe"))
r["list /home"] = err(lambda: os.listdir("/home"))
r["list /root"] = err(lambda: os.listdir("/root"))
r["list /usr/lib/modules"] = err(lambda: os.listdir("/usr/lib/modules"))
r["outer /tmp visible"] = os.path.exists("/tmp/" + os.environ["MARKER"])
r["outer /var/tmp visible"] = os.path.exists("/var/tmp/" + os.environ["MARKER"])
r["/dev/sdz visible"] = os.path.exists("/dev/sdz")
r["write /tmp"] = err(lambda: open("/tmp/written-by-" + os.environ["PROBE_NAME"], "w").close())
r["/tmp names"] = sorted(n for n in os.listdir("/tmp") if n.startswith("written-by-"))
r["list /var/lib"] = err(lambda: os.listdir("/var/lib"))
r["read /etc/hostname"] = err(lambda: open("/etc/hostname").read())
r["list /mnt/share"] = err(lambda: os.listdir("/mnt/share"))
r["/proc/sys exists"] = os.path.exists("/proc/sys")
r["pid 1 visible"] = os.path.exists("/proc/1/status")
r["list /usr/share/doc"] = err(lambda: os.listdir("/usr/share/doc"))
# Namespaces shared within a unit run (ExecStartPre= left its own in a file) and with a
# JoinsNamespaceOf= unit (its probe left its own).
net = os.readlink("/proc/self/ns/net")
for key, path in (("same network namespace as its ExecStartPre=", "/tmp/netns-pre-" + os.environ["PROBE_NAME"]),
                  ("same network namespace as the unit it joins", "/tmp/netns-of-" + os.environ.get("JOINS", "-"))):
    if os.path.exists(path):
        r[key] = open(path).read().strip() == net
try:
    open("/tmp/netns-of-" + os.environ["PROBE_NAME"], "w").write(net)
except OSError:
    pass
r["/dev names"] = sorted(n for n in os.listdir("/dev") if n not in ("console",))
r["open /proc/sys/kernel/hostname for writing"] = err(lambda: os.close(os.open("/proc/sys/kernel/hostname", os.O_WRONLY)))
r["read /proc/kmsg"] = err(lambda: os.close(os.open("/proc/kmsg", os.O_RDONLY | os.O_NONBLOCK)))
for p in ("/", "/usr", "/etc", "/var", "/home", "/proc/sys", "/sys", "/sys/fs/cgroup", "/dev", "/tmp", "/var/tmp", "/run"):
    try:
        st = os.statvfs(p)
        r["mount flags " + p] = ",".join(n for b, n in ((os.ST_RDONLY, "ro"), (os.ST_NOSUID, "nosuid"),
                                                            (os.ST_NOEXEC, "noexec"), (os.ST_NODEV, "nodev")) if st.f_flag & b) or "rw"
    except OSError as e:
        r["mount flags " + p] = errno.errorcode.get(e.errno, "?")
# PID 1's namespaces as the test read them from outside (reading /proc/1/ns needs ptrace access to
# PID 1, which a bounding set without CAP_SYS_PTRACE refuses), or here where the sandbox hides that
# file (TemporaryFileSystem=/var/lib)
try:
    with open(os.environ.get("PROBE_OUT", "/nonexistent") + "/pid1-ns") as f:
        pid1_ns = json.load(f)
except OSError:
    pid1_ns = {}
for ns in ("mnt", "net", "ipc", "uts"):
    e = "ok" if ns in pid1_ns else err(lambda: os.readlink("/proc/1/ns/" + ns))
    if e == "ok":
        e = os.readlink("/proc/self/ns/" + ns) != (pid1_ns[ns] if ns in pid1_ns else os.readlink("/proc/1/ns/" + ns))
    r["own " + ns + " namespace"] = e
# (Only whether loopback is all there is: the host's own interfaces come and go between the runs.)
r["only loopback"] = sorted(n for _, n in socket.if_nameindex()) == ["lo"]
with open("/proc/self/mountinfo") as f:
    r["mountinfo"] = f.read()
# Propagation (shared/master fields) of systemd's /run/systemd/incoming, the last mount there.
inc = [ln.split(" - ")[0].split()[6:] for ln in r["mountinfo"].splitlines() if ln.split()[4] == "/run/systemd/incoming"]
r["/run/systemd/incoming propagation"] = (",".join(sorted(x.split(":")[0] for x in inc[-1])) or "private") if inc else "absent"
print("PROBE " + json.dumps(r), flush=True)
'''


def probe_cmd():
    code = base64.b64encode(PROBE.encode()).decode()
    return f'/usr/bin/python3 -c "import base64; exec(base64.b64decode(\'{code}\'))"'


def hardened_units():
    """(name, [directive lines]) of every corpus service unit that sets a namespace directive."""
    out = []
    for path, kept, _ in oraclelib.corpus_service_lines(KEEP):
        keep = [f"{k}={v}".replace("%i", "x").replace("%I", "x") for k, v in kept]
        if any(not ln.startswith("NoNewPrivileges") for ln in keep):
            out.append((os.path.basename(path).replace("@", "-"), keep))
    return out


# Directive by directive, what the corpus does not cover (one unit each; "[Unit]..." lines go to
# [Unit], "#privileged" makes ExecStart= a '+' command).
MARKER = f"sdinit-outer-marker-{os.getpid()}"
# Made in PID 1's /var/tmp before the probes (prepare_pid1): a directory with a subdirectory, a link.
BIND_SRC = "sdinit-bind-src"
BIND_LINK = "sdinit-bind-link"
SYNTHETIC = [
    ("x-private-network.service", ["PrivateNetwork=yes"]),
    ("x-private-ipc.service", ["PrivateIPC=yes"]),
    ("x-protect-hostname.service", ["ProtectHostname=yes"]),
    ("x-tmpfs.service", ["TemporaryFileSystem=/var/lib:ro"]),
    ("x-bind.service", ["TemporaryFileSystem=/mnt", "BindPaths=/usr/share/doc:/mnt/share"]),
    ("x-bind-ro.service", ["BindReadOnlyPaths=/etc"]),
    # A source below an entry applied before the bind (the private /tmp): systemd binds it from the
    # tree as it was (PID 1's /tmp), not from the private one.
    ("x-bind-source-below.service", ["PrivateTmp=yes", f"BindReadOnlyPaths=/tmp/{MARKER}:/var/tmp/outer-marker"]),
    # ... a recursive bind of a tree in which an earlier entry mounts something (not brought along)
    ("x-bind-source-above.service", [f"TemporaryFileSystem=/var/tmp/{BIND_SRC}/a", f"BindPaths=/var/tmp/{BIND_SRC}:/var/tmp/{BIND_SRC}-dst"]),
    # ... a symbolic link below the private /var/tmp, to a path outside it
    ("x-bind-source-link.service", ["PrivateTmp=yes", f"BindReadOnlyPaths=/var/tmp/{BIND_LINK}:/var/tmp/linked"]),
    # systemd makes /run/systemd/incoming a slave whatever is mounted there, and fails when it is gone.
    ("x-incoming-inaccessible.service", ["InaccessiblePaths=/run/systemd/incoming"]),
    ("x-run-systemd-inaccessible.service", ["InaccessiblePaths=/run/systemd"]),
    ("x-inaccessible.service", ["InaccessiblePaths=/etc/hostname /usr/share/doc -/usr/lib/modules -/nonexistent"]),
    ("x-inaccessible-missing.service", ["InaccessiblePaths=/nonexistent"]),
    ("x-read-only.service", ["ReadOnlyPaths=/var"]),
    ("x-home-tmpfs.service", ["ProtectHome=tmpfs"]),
    ("x-home-read-only.service", ["ProtectHome=read-only"]),
    ("x-system-yes.service", ["ProtectSystem=yes"]),
    ("x-system-full.service", ["ProtectSystem=full"]),
    ("x-system-strict-rw.service", ["ProtectSystem=strict", "ReadWritePaths=/var/cache -/nonexistent"]),
    ("x-noexec.service", ["NoExecPaths=/", "ExecPaths=/usr"]),
    ("x-proc-subset.service", ["ProcSubset=pid", "ProtectProc=invisible"]),
    ("x-apivfs.service", ["MountAPIVFS=yes"]),
    ("x-private-mounts.service", ["PrivateMounts=yes"]),
    ("x-kernel.service", ["ProtectKernelTunables=yes", "ProtectKernelModules=yes", "ProtectKernelLogs=yes"]),
    ("x-nnp.service", ["NoNewPrivileges=yes", "ProtectSystem=full"]),
    ("x-privileged.service", ["#privileged", "ProtectSystem=strict", "PrivateTmp=yes", "PrivateDevices=yes"]),
    ("x-joins-a.service", ["PrivateTmp=yes"]),
    ("x-joins-b.service", ["[Unit]JoinsNamespaceOf=probe-x-joins-a.service", "PrivateTmp=yes"]),
    # The unit that names the other starts first. systemd 252 calls JoinsNamespaceOf= symmetric,
    # but its unit_add_dependency() adds no inverse for a relation that is its own inverse: the
    # named unit rjoins-b does not join rjoins-a's namespaces, it gets its own.
    ("x-rjoins-a.service", ["[Unit]JoinsNamespaceOf=probe-x-rjoins-b.service", "PrivateTmp=yes"]),
    ("x-rjoins-b.service", ["PrivateTmp=yes"]),
    ("x-reset.service", ["PrivateTmp=yes", "PrivateTmp=", "ReadOnlyPaths=/usr", "ReadOnlyPaths="]),
    ("x-net-pre.service", ["PrivateNetwork=yes",
                           "ExecStartPre=/bin/sh -c 'readlink /proc/self/ns/net > /tmp/netns-pre-x-net-pre'"]),
    ("x-net-joins-a.service", ["PrivateNetwork=yes"]),
    ("x-net-joins-b.service", ["[Unit]JoinsNamespaceOf=probe-x-net-joins-a.service", "PrivateNetwork=yes",
                               "Environment=JOINS=x-net-joins-a"]),
    # A new dynamic user is allocated under /etc/.pwd.lock. Here /etc belongs to the host's root,
    # which the container does not map: its root cannot create the lock, and systemd 252 fails the
    # start with 217/USER (a read-only /etc would be fine). test_sandbox_oracle gives the container
    # a lock file of its own and checks the running DynamicUser= services.
    ("x-dynamic-user.service", ["DynamicUser=yes"]),
]


def make_root(path):
    """A small root for RootDirectory=: dash and its libraries, owned by the container's root (as
    an image's files are after a chown-based runtime shifted them)."""
    os.makedirs(os.path.join(path, "bin"))
    shutil.copy("/bin/dash", os.path.join(path, "bin", "sh"))
    libs = subprocess.run(["ldd", "/bin/dash"], capture_output=True, text=True).stdout
    for lib in re.findall(r"(/\S+)", libs):
        dst = os.path.join(path, lib.lstrip("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy(os.path.realpath(lib), dst)
    for d, _, files in os.walk(path):
        os.chown(d, oraclelib.MAPPED_ROOT, oraclelib.MAPPED_ROOT)
        for f in files:
            os.chown(os.path.join(d, f), oraclelib.MAPPED_ROOT, oraclelib.MAPPED_ROOT)


def relaxed(lines):
    """A corpus unit that cannot start on this host (a ReadWritePaths= directory of its daemon is
    missing; its ExecPaths= exclude the probe): the same directives with every path optional and
    /usr/bin executable, so that the probe runs."""
    out = []
    for ln in lines:
        k, v = ln.split("=", 1)
        if k in ("ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths", "ExecPaths", "NoExecPaths",
                 "ReadWriteDirectories", "ReadOnlyDirectories", "InaccessibleDirectories"):
            v = " ".join(w if w.startswith("-") else "-" + w for w in v.split())
        out.append(f"{k}={v}")
    if any(ln.startswith("ExecPaths=") for ln in out):
        out.append("ExecPaths=/usr/bin")
    return out


def write_units(unitdir, outdir, units):
    os.makedirs(unitdir, exist_ok=True)
    for name, lines in units:
        stem = name[:-len(".service")]
        plus = "+" if any(ln == "#privileged" for ln in lines) else ""
        cmd = probe_cmd()
        if any(ln.startswith("RootDirectory=") for ln in lines):
            # (No python in the small root: its shell prints the mount table.)
            cmd = "/bin/sh -c 'while read -r l; do echo \"MI $l\"; done < /proc/self/mountinfo'"
        text = ("[Unit]\nDefaultDependencies=no\n" + "".join(ln[len("[Unit]"):] + "\n" for ln in lines if ln.startswith("[Unit]")) +
                "[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                f"StandardOutput=file:{outdir}/{stem}.out\nStandardError=inherit\nEnvironment=PROBE_NAME={stem} PROBE_OUT={outdir}\n"
                f"Environment=MARKER={MARKER}\nExecStart={plus}{cmd}\n" +
                "".join(ln + "\n" for ln in lines if not ln.startswith(("#", "[Unit]"))))
        with open(os.path.join(unitdir, f"probe-{name}"), "w") as f:
            f.write(text)


# Each PID 1's own console file and cgroup are named after it.
PID1_RE = re.compile(r"sdinit-test-sandbox-\d+-(systemd|sdinit)")
PRIVATE_RE = re.compile(r"systemd-private-[0-9a-f]*-([^/ ]*)-[A-Za-z0-9]{6}")


def norm_mountinfo(text):
    """Mount points with their type, the bound subdirectory and the per-mount flags that the sandbox
    sets (ro, nosuid, nodev, noexec), sorted: mount ids, device numbers and propagation peers differ
    from one boot to the next."""
    rows = set()
    for ln in text.splitlines():
        f = ln.split()
        if len(f) < 10:
            continue
        sep = f.index("-")
        opts = [o for o in f[5].split(",") if o in ("ro", "rw", "nosuid", "nodev", "noexec")]
        root = PID1_RE.sub("PID1", PRIVATE_RE.sub(r"systemd-private-\1", f[3]))
        # A device node bound over a regular file shows the node's own root path: same thing.
        rows.add(f"{f[4]} {f[sep + 1]} {root} {','.join(opts)}")
    return rows


def read_probe(outdir, stem):
    path = os.path.join(outdir, f"{stem}.out")
    mi = []
    try:
        with open(path, errors="replace") as f:
            for ln in f:
                if ln.startswith("PROBE "):
                    import json
                    return json.loads(ln[6:])
                if ln.startswith("MI "):  # (the RootDirectory= units' shell)
                    mi.append(ln[3:].rstrip("\n"))
    except FileNotFoundError:
        pass
    return {"mountinfo": "\n".join(mi)} if mi else None


def prepare_pid1(p, outdir):
    """What a sandbox hides: a marker in PID 1's /tmp and /var/tmp, a disk node in its /dev (a
    regular file named like a disk: no device node can be made in a user namespace); and PID 1's
    namespaces for the probes (outdir/pid1-ns)."""
    subprocess.run(["nsenter", "-t", str(p.pid1), "-U", "-m", "sh", "-c",
                    f"touch /tmp/{MARKER} /var/tmp/{MARKER} /dev/sdz && mkdir -p /dev/mqueue /var/tmp/{BIND_SRC}/a && "
                    f"ln -s /usr/share/doc /var/tmp/{BIND_LINK}"], check=True)
    with open(os.path.join(outdir, "pid1-ns"), "w") as f:
        json.dump({ns: os.readlink(f"/proc/{p.pid1}/ns/{ns}") for ns in ("mnt", "net", "ipc", "uts")}, f)


def boot_and_probe(res, kind, cg2, tmp, unitdir, outdir, names):
    p = oraclelib.boot(kind, cg2, f"sdinit-test-sandbox-{os.getpid()}-{kind}", tmp, unitdir, tmpfs_dirs=("/var/tmp",))
    try:
        p.wait_ready()
        prepare_pid1(p, outdir)
        # systemd's PID 1 mounts more at boot (/run/lock, /dev/mqueue ...): the sandbox is what the
        # service's table changes from PID 1's.
        with open(f"/proc/{p.pid1}/mountinfo") as f:
            pid1_mounts = norm_mountinfo(f.read())
        results, states = {}, {}
        for name in names:
            rc, out, err = p.systemctl("start", f"probe-{name}")
            st = p.show([f"probe-{name}"], ("ActiveState", "Result", "ExecMainStatus"))[f"probe-{name}"]
            states[name] = (rc, st.get("ActiveState"), st.get("Result"), st.get("ExecMainStatus"))
            results[name] = read_probe(outdir, name[:-len('.service')])
        # The private /tmp directories exist while the unit is up and go when it stops.
        private_up = sorted(os.path.basename(x) for x in
                            glob.glob(f"/proc/{p.pid1}/root/var/tmp/systemd-private-*"))
        for name in names:
            p.systemctl("stop", f"probe-{name}")
        p.settle()
        private_after = sorted(os.path.basename(x) for x in
                               glob.glob(f"/proc/{p.pid1}/root/var/tmp/systemd-private-*"))
        return results, states, private_up, private_after, p.output(), pid1_mounts
    finally:
        oraclelib.stop(kind, p)
        p.close()


def compare(res, names, sysd, sdi, lines_of):
    same_units = 0
    # Mount points only one of the two PID 1s has (systemd mounts /run/lock, /dev/mqueue ... at
    # boot) are not the sandbox's doing.
    only_one = {m.split()[0] for m in sysd[5]} ^ {m.split()[0] for m in sdi[5]}
    for name in names:
        a, b = sysd[0].get(name), sdi[0].get(name)
        if a is None and b is None and sysd[1].get(name) == sdi[1].get(name):
            res.log(f"# {name}: did not run under either: {sysd[1].get(name)}")
            same_units += 1
            continue
        if not res.check(a is not None and b is not None, f"{name}: the probe ran under both",
                         f"systemd {sysd[1].get(name)} sdinit {sdi[1].get(name)}\n" +
                         "\n".join(ln for ln in sdi[4].splitlines() if name in ln)[-1500:]):
            continue
        ok = True
        for k in sorted(a):
            if k == "mountinfo" or (k == "/dev names" and a["/dev/sdz visible"]):
                continue  # (PID 1's own /dev differs: systemd adds initctl, stdin ... at boot)
            ok &= res.check(a[k] == b.get(k), f"{name}: {k}: {a[k]}", f"sdinit: {b.get(k)}")
        ma, mb = norm_mountinfo(a["mountinfo"]), norm_mountinfo(b["mountinfo"])
        if len(a) > 1:  # (RootDirectory=: the whole table is the sandbox's)
            ma = {"+ " + m for m in ma - sysd[5]} | {"- " + m for m in sysd[5] - ma}
            mb = {"+ " + m for m in mb - sdi[5]} | {"- " + m for m in sdi[5] - mb}
        else:
            ma, mb = {"= " + m for m in ma}, {"= " + m for m in mb}
        ma = {m for m in ma if m.split()[1] not in only_one}
        mb = {m for m in mb if m.split()[1] not in only_one}
        ok &= res.check(ma == mb, f"{name}: the same mount table changes ({len(ma)} mounts added or covered)",
                        "only under systemd:\n  " + "\n  ".join(sorted(ma - mb)) +
                        "\nonly under sdinit:\n  " + "\n  ".join(sorted(mb - ma)))
        same_units += ok
    res.log(f"# {same_units} of {len(names)} units: the same answers and mount table")
    # Which units have a private /var/tmp directory while up: those whose probe saw a private
    # /var/tmp under systemd (a JoinsNamespaceOf= unit shares its partner's).
    units_of = lambda x: {m.group(1) for m in map(PRIVATE_RE.search, x) if m and m.group(1).startswith("probe-")}  # noqa: E731
    # (The RootDirectory= units' shell says nothing about /var/tmp: their PrivateTmp= line does.)
    expect = {f"probe-{n}" for n in names if sysd[0].get(n) and "joins-b" not in n and
              not sysd[0][n].get("outer /var/tmp visible", "PrivateTmp=yes" not in lines_of[n])}
    res.check(units_of(sdi[2]) == units_of(sysd[2]) and expect and expect <= units_of(sdi[2]),
              f"PrivateTmp= units keep private /tmp and /var/tmp directories while up, as under systemd "
              f"({len(units_of(sdi[2]))}, a JoinsNamespaceOf= unit uses its partner's)",
              (sorted(expect), sysd[2], sdi[2]))
    res.check(not units_of(sdi[3]) and not units_of(sysd[3]),
              "... and they are removed when the units stop", (sysd[3], sdi[3]))


def degraded(res, cg2, tmp):
    """sdinit as PID 1 without CAP_SYS_ADMIN: protective options are ignored with a line, options
    that rearrange the file system fail the unit with 226/NAMESPACE."""
    unitdir = os.path.join(tmp, "units-degraded")
    outdir = os.path.join(tmp, "out-degraded")
    os.makedirs(unitdir)
    os.makedirs(outdir)
    os.chmod(outdir, 0o777)
    units = {
        "protect.service": "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                           f"StandardOutput=file:{outdir}/protect.out\nEnvironment=MARKER={MARKER} PROBE_NAME=protect\nExecStart={probe_cmd()}\n"
                           "PrivateTmp=yes\nProtectSystem=strict\nProtectHome=yes\nPrivateDevices=yes\n"
                           "PrivateNetwork=yes\nProtectHostname=yes\nExecStartPre=/bin/true\n",
        "rearrange.service": "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                             "ExecStart=/bin/true\nTemporaryFileSystem=/var/lib\n",
    }
    for n, t in units.items():
        with open(os.path.join(unitdir, n), "w") as f:
            f.write(t)
    capsh = shutil.which("capsh")
    if not capsh:
        res.log("# capsh (libcap2-bin) missing: degraded shape not run")
        return
    p = oraclelib.Pid1(cg2, f"sdinit-test-sandbox-{os.getpid()}-degraded", tmp,
                       [capsh, "--drop=cap_sys_admin", "--", "-c", f"exec {oraclelib.SDINIT}"],
                       {"SYSTEMD_UNIT_PATH": oraclelib.unit_path(unitdir), "SDINIT_SYSTEMD": "never"},
                       ("/var/tmp",))
    try:
        p.wait_ready()
        rc, _, _ = p.systemctl("start", "protect.service")
        st = p.show(["protect.service"], ("ActiveState", "Result"))["protect.service"]
        res.check(rc == 0 and st.get("ActiveState") == "active",
                  "without CAP_SYS_ADMIN: a unit with only protective options runs",
                  (st, "\n".join(ln for ln in p.output().splitlines() if "protect" in ln)))
        r = read_probe(outdir, "protect")
        res.check(r is not None and not r["own mnt namespace"] and not r["own net namespace"],
                  "... unprotected (no mount or network namespace: the container forbids them)", r and {
                      k: r[k] for k in r if k.startswith("own")})
        rc, _, _ = p.systemctl("start", "rearrange.service")
        st = p.show(["rearrange.service"], ("ActiveState", "Result", "ExecMainStatus"))["rearrange.service"]
        res.check(rc != 0 and st.get("Result") == "exit-code" and st.get("ExecMainStatus") == "226",
                  "... a unit with TemporaryFileSystem= fails with 226/NAMESPACE", st)
        out = p.output()
        lines = [ln for ln in out.splitlines() if "protect.service" in ln and "not applied" in ln]
        res.check(len(lines) == 1 and all(f"{k}=" in lines[0] for k in (
                  "PrivateTmp", "ProtectSystem", "ProtectHome", "PrivateDevices", "PrivateNetwork", "ProtectHostname")),
                  "... and says in one line what was not applied", out[-2000:])
        res.check(any("rearrange.service" in ln and "226/NAMESPACE" in ln and "TemporaryFileSystem=" in ln
                      for ln in out.splitlines()), "... and why the other one was refused", out[-2000:])
        res.check(len([ln for ln in out.splitlines() if "protect.service" in ln and "refuses" in ln]) == 1,
                  "... once, though its start ran a second process", out[-2000:])
    finally:
        oraclelib.stop_sdinit(p)
        p.close()


def main():
    res = cgharness.Results("test_sandbox_ns_oracle")
    try:
        cg2 = oraclelib.preflight()
    except oraclelib.Unavailable as e:
        res.skip(str(e))
    units = hardened_units()
    if not units:
        res.skip(f"no hardened units in {CORPUS}")
    units += [("relaxed-" + n, relaxed(lines)) for n, lines in units
              if any(ln.startswith(("ReadWrite", "ExecPaths", "TemporaryFileSystem")) for ln in lines)]
    units += SYNTHETIC
    # Each PID 1 gets its own /var/tmp too (the boot's systemd-tmpfiles-setup.service removes
    # /var/tmp/systemd-private-* with "R!"; a shared /var/tmp would lose the host's and the other
    # run's directories): so the test's files live in /var/lib.
    tmp = oraclelib.scratch_dir("sandbox-")
    oraclelib.copy_binaries(tmp)
    make_root(os.path.join(tmp, "root"))
    # (systemd binds from the live tree with RootDirectory=: the tmpfs on /data hides the source,
    # which '-' ignores)
    os.makedirs(os.path.join(tmp, "root", "data", "x"))
    units += [("x-root-directory-bind.service", [f"RootDirectory={tmp}/root", "TemporaryFileSystem=/data",
                                                 f"BindPaths=-{tmp}/root/data/x:/y"])]
    units += [("x-root-directory.service", [f"RootDirectory={tmp}/root"]),
              ("x-root-directory-protect.service", [f"RootDirectory={tmp}/root", "ProtectSystem=strict",
                                                    "PrivateTmp=yes", "PrivateDevices=yes", "ProtectKernelTunables=yes"])]
    names = [n for n, _ in units]
    try:
        if os.environ.get("SDINIT_SANDBOX_ONLY_DEGRADED") == "1":
            degraded(res, cg2, tmp)
            return res.finish()
        got = {}
        for kind in ("systemd", "sdinit"):
            unitdir = os.path.join(tmp, f"units-{kind}")
            outdir = os.path.join(tmp, f"out-{kind}")
            os.makedirs(outdir)
            os.chmod(outdir, 0o777)
            write_units(unitdir, outdir, units)
            got[kind] = boot_and_probe(res, kind, cg2, tmp, unitdir, outdir, names)
        for name in names:
            res.check(got["systemd"][1][name][1:] == got["sdinit"][1][name][1:],
                      f"{name}: started the same way: {got['systemd'][1][name][1:]}", got["sdinit"][1][name])
        compare(res, names, got["systemd"], got["sdinit"], dict(units))
        if os.environ.get("SDINIT_SANDBOX_SKIP_DEGRADED") != "1":
            degraded(res, cg2, tmp)
    finally:
        oraclelib.scratch_remove(tmp)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
