#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""PrivateDevices= over a /dev whose mounts cannot be unmounted (issue 14's cost item), against
Debian's real systemd 252.

Both managers boot as PID 1 of a user namespace nested in the one that built the container's /dev:
every mount PID 1 inherits is locked, as in a container started by a rootless runtime or by
`unshare --user --mount` on a host. systemd's mount_private_dev() then fails to unmount the old
/dev and moves its new one on top of it. sdinit's first PrivateDevices= child does the same and
leaves a word for the next ones (PID 1's shared page, valid while PID 1's mount table stays as it
is); those mount the tmpfs right on top of the old /dev, without the temporary directory in /tmp.
Checked: the units' mount tables, /dev listings and probe answers are the same as under systemd
(test_sandbox_ns_oracle's probe and comparison), for the first start and the later ones; and
under sdinit only the first start makes a /tmp/namespace-dev-* directory (inotify on PID 1's
/tmp; every start makes one under systemd, and under sdinit before this change).
Output: plain ok/FAIL lines (cgharness); SKIP when the recipe cannot run here."""
import ctypes
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "cgroup", "tests"))
import cgharness  # noqa: E402
import oraclelib  # noqa: E402
import test_sandbox_ns_oracle as ns  # noqa: E402

# Run in PID 1's namespaces just before its exec: a user and mount namespace of its own, which
# locks every mount the container made (its /dev, /run, /tmp, the delegated cgroup2).
NESTED = 'exec unshare --user --map-root-user --mount "$@"'

HARDENED = ["PrivateTmp=yes", "ProtectSystem=full", "ProtectHome=yes", "PrivateDevices=yes",
            "ProtectKernelTunables=yes", "ProtectKernelModules=yes", "ProtectKernelLogs=yes",
            "ProtectControlGroups=yes", "NoNewPrivileges=yes", "ReadWritePaths=-/var/lib/bench"]
# In start order: the first PrivateDevices= start learns, the others use what it learnt.
UNITS = [
    ("d-first.service", ["PrivateDevices=yes"]),
    ("d-again.service", ["PrivateDevices=yes"]),
    # Without CAP_SYS_ADMIN in the bounding set: the first makes PID 1's namespace with this /dev
    # in place (test_sandbox_dev_shared_oracle), the second copies it.
    ("d-shared.service", ["PrivateDevices=yes", "CapabilityBoundingSet=CAP_CHOWN CAP_DAC_OVERRIDE"]),
    ("d-shared-again.service", ["PrivateDevices=yes", "CapabilityBoundingSet=CAP_CHOWN CAP_DAC_OVERRIDE"]),
    ("d-hardened.service", HARDENED),
    ("d-hardened-again.service", HARDENED),
    ("d-strict.service", ["ProtectSystem=strict", "PrivateTmp=yes", "PrivateDevices=yes", "ProtectKernelLogs=yes"]),
    ("d-ipc.service", ["PrivateDevices=yes", "PrivateIPC=yes"]),
    ("d-privileged.service", ["#privileged", "PrivateDevices=yes", "PrivateTmp=yes"]),
    # After a tmpfs is mounted on /dev/mqueue in PID 1's namespace (a mount that can go): what the
    # first start learnt no longer holds, systemd's way again (that mount unmounted, the rest kept).
    ("d-after-change.service", ["PrivateDevices=yes"]),
    # (a namespace made before the change is not copied: made again, then copied)
    ("d-shared-after-change.service", ["PrivateDevices=yes", "CapabilityBoundingSet=CAP_CHOWN CAP_DAC_OVERRIDE"]),
    ("d-shared-after-change-again.service", ["PrivateDevices=yes", "CapabilityBoundingSet=CAP_CHOWN CAP_DAC_OVERRIDE"]),
]
CHANGED_BEFORE = "d-after-change.service"

IN_CREATE = 0x100


class TmpWatch:
    """inotify on PID 1's /tmp: the names created there since the last call."""

    def __init__(self, pid1):
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0 or self.libc.inotify_add_watch(self.fd, f"/proc/{pid1}/root/tmp".encode(), IN_CREATE) < 0:
            raise OSError(ctypes.get_errno(), "inotify")

    def created(self):
        names = []
        while True:
            try:
                buf = os.read(self.fd, 65536)
            except BlockingIOError:
                return names
            i = 0
            while i + 16 <= len(buf):
                _, _, _, n = struct.unpack_from("iIII", buf, i)
                names.append(buf[i + 16:i + 16 + n].rstrip(b"\0").decode(errors="replace"))
                i += 16 + n

    def close(self):
        os.close(self.fd)


def boot_and_probe(kind, cg2, tmp, unitdir, outdir, names, setup=NESTED, changed_before=CHANGED_BEFORE, on_change=None):
    """The probes of names started one after the other (a tmpfs mounted on /dev/mqueue in PID 1's
    namespace before changed_before), in PID 1 booted with setup; and how many
    /tmp/namespace-dev-* directories each start made."""
    p = oraclelib.boot(kind, cg2, f"sdinit-test-sandbox-{os.getpid()}-{kind}", tmp, unitdir, tmpfs_dirs=("/var/tmp",),
                       setup=setup)
    watch = None
    try:
        p.wait_ready()
        ns.prepare_pid1(p, outdir)
        with open(f"/proc/{p.pid1}/mountinfo") as f:
            pid1_mounts = ns.norm_mountinfo(f.read())
        watch = TmpWatch(p.pid1)
        results, states, made = {}, {}, {}
        for name in names:
            if name == changed_before:
                if on_change:
                    on_change(kind, p, "before")
                subprocess.run(["nsenter", "-t", str(p.pid1), "-U", "-m", "mount", "-t", "tmpfs", "tmpfs", "/dev/mqueue"],
                               check=True)
                if on_change:
                    on_change(kind, p, "after")
            rc, out, err = p.systemctl("start", f"probe-{name}")
            if on_change:
                on_change(kind, p, f"started {name}")
            st = p.show([f"probe-{name}"], ("ActiveState", "Result", "ExecMainStatus"))[f"probe-{name}"]
            states[name] = (rc, st.get("ActiveState"), st.get("Result"), st.get("ExecMainStatus"))
            results[name] = ns.read_probe(outdir, name[:-len('.service')])
            made[name] = sum(n.startswith("namespace-dev-") for n in watch.created())
        private_up = sorted(os.path.basename(x) for x in glob_private(p.pid1))
        for name in names:
            p.systemctl("stop", f"probe-{name}")
        p.settle()
        private_after = sorted(os.path.basename(x) for x in glob_private(p.pid1))
        return (results, states, private_up, private_after, p.output(), pid1_mounts), made
    finally:
        if watch:
            watch.close()
        oraclelib.stop(kind, p)
        p.close()


def glob_private(pid1):
    d = f"/proc/{pid1}/root/var/tmp"
    return [os.path.join(d, n) for n in os.listdir(d) if n.startswith("systemd-private-")]


def run_both(res, cg2, tmp, units, setup=NESTED, changed_before=CHANGED_BEFORE, on_change=None):
    """units (name, lines) probed under systemd, then under sdinit, and compared
    (test_sandbox_ns_oracle's comparison): the /tmp/namespace-dev-* directories each start made,
    and the units' states (rc, ActiveState, Result, ExecMainStatus), per manager. on_change(kind,
    PID 1, "before"/"after"/"started NAME"): called around the mount in PID 1's namespace and after
    each start."""
    names = [n for n, _ in units]
    got, made = {}, {}
    for kind in ("systemd", "sdinit"):
        unitdir = os.path.join(tmp, f"units-{kind}")
        outdir = os.path.join(tmp, f"out-{kind}")
        os.makedirs(outdir)
        os.chmod(outdir, 0o777)
        ns.write_units(unitdir, outdir, units)
        got[kind], made[kind] = boot_and_probe(kind, cg2, tmp, unitdir, outdir, names, setup, changed_before, on_change)
    for name in names:
        res.check(got["systemd"][1][name][1:] == got["sdinit"][1][name][1:],
                  f"{name}: started the same way: {got['systemd'][1][name][1:]}", got["sdinit"][1][name])
    ns.compare(res, names, got["systemd"], got["sdinit"], dict(units))
    return made, {k: got[k][1] for k in got}


def main():
    res = cgharness.Results("test_sandbox_dev_oracle")
    try:
        cg2 = oraclelib.preflight()
    except oraclelib.Unavailable as e:
        res.skip(str(e))
    tmp = oraclelib.scratch_dir("sandbox-dev-")
    oraclelib.copy_binaries(tmp)
    names = [n for n, _ in UNITS]
    try:
        made, _ = run_both(res, cg2, tmp, UNITS)
        # The temporary directory: systemd makes one per sandboxed PrivateDevices= start (the
        # '+' command has none); sdinit for its first start only.
        sandboxed = [n for n, lines in UNITS if "#privileged" not in lines]
        res.check(all(made["systemd"][n] == 1 for n in sandboxed) and made["systemd"]["d-privileged.service"] == 0,
                  "systemd: a /tmp/namespace-dev-* directory per sandboxed PrivateDevices= start", made["systemd"])
        want = {n: int(n in ("d-first.service", CHANGED_BEFORE, "d-shared-after-change.service")) for n in names}
        res.check(made["sdinit"] == want,
                  "sdinit: one for the first start only (and again after PID 1's mount table changed): the later ones "
                  "mount the tmpfs on the locked /dev directly", made["sdinit"])
    finally:
        oraclelib.scratch_remove(tmp)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
