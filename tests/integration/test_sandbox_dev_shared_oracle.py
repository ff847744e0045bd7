#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""PrivateDevices= for services that can never hold CAP_SYS_ADMIN (issue 14's cost item), in the
oracle tests' container, against Debian's real systemd 252.

The container made its own /dev (a tmpfs with bound nodes, in its own user namespace: those mounts
can go), so PrivateDevices= takes systemd's whole way at each start: a tmpfs in a temporary
directory, its nodes and links, the container's /dev unmounted, the new one moved over it. A
service without CAP_SYS_ADMIN in its bounding set can never make its read-only /dev writable again,
so sdinit builds that /dev once: the first such start makes PID 1 a mount namespace with it in
place, and the later ones copy that namespace instead of building /dev again.
Checked, start after start:
  - the units' mount tables, /dev listings and probe answers are the same as under systemd
    (test_sandbox_ns_oracle's probe and comparison);
  - a service that keeps CAP_SYS_ADMIN builds its own /dev: it remounts it read-write and writes
    there, and a later service does not see that file (under either manager); a service without
    CAP_SYS_ADMIN cannot remount its /dev read-write (under either manager);
  - under sdinit, /tmp/namespace-dev-* directories (inotify on PID 1's /tmp) are made by the first
    such start, by the services that keep CAP_SYS_ADMIN, and again after a mount in PID 1's
    namespace (a tmpfs on /dev/mqueue) made the namespace out of date; systemd makes one per
    sandboxed process.
Output: plain ok/FAIL lines (cgharness); SKIP when the recipe cannot run here."""
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "cgroup", "tests"))
import cgharness  # noqa: E402
import oraclelib  # noqa: E402
import test_sandbox_dev_oracle as dev  # noqa: E402

SHARED = ["PrivateDevices=yes", "CapabilityBoundingSet=CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER"]
# Debian's redis-server.service's process settings with ten namespace settings (bench/sandbox-bench.py)
REDIS = dev.HARDENED + ["UMask=007", "CapabilityBoundingSet=", "LockPersonality=true", "ProtectClock=true",
                        "ProtectHostname=true", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK",
                        "RestrictNamespaces=true", "RestrictRealtime=true", "RestrictSUIDSGID=true",
                        "SystemCallArchitectures=native"]
WROTE = "sdinit-test-admin-wrote"
# In a user and mount namespace of its own (full capabilities there), remounting /dev read-write
# fails with EPERM: exit 0 only then.
NESTED_REMOUNT = ("import ctypes, sys; libc = ctypes.CDLL(None, use_errno=True); "
                  "assert libc.unshare(0x10000000 | 0x20000) == 0; r = libc.mount(None, b'/dev', None, 32 | 4096, None); "
                  "sys.exit(0 if r != 0 and ctypes.get_errno() == 1 else 1)")
CHANGED_BEFORE = "s-after-change.service"
# In start order, with the /tmp/namespace-dev-* directories sdinit makes for each.
UNITS = [
    ("s-first.service", SHARED, 1),
    ("s-again.service", SHARED, 0),
    ("s-redis.service", REDIS, 0),
    ("s-keeps-admin.service", ["PrivateDevices=yes"], 1),
    # Its start command runs only if the remount and the write worked (its own /dev, two processes).
    ("s-admin-writes.service", ["PrivateDevices=yes", "CapabilityBoundingSet=CAP_SYS_ADMIN CAP_CHOWN CAP_DAC_OVERRIDE",
                                f"ExecStartPre=/bin/sh -c 'mount -o remount,bind,rw /dev && touch /dev/{WROTE}'"], 2),
    # ... and this one's only if the remount was refused, also in a user namespace of its own (the
    # kernel locks the read-only flag of the mounts it inherits: what makes sharing safe).
    ("s-remount-refused.service", SHARED + ["ExecStartPre=/bin/sh -c '! mount -o remount,bind,rw /dev 2>/dev/null'",
                                            f"ExecStartPre=/usr/bin/python3 -c \"{NESTED_REMOUNT}\""], 0),
    ("s-after-admin.service", SHARED, 0),
    # Not shared, built as usual: a bind whose source is /dev (systemd binds the container's own, as
    # it was: so does sdinit), an entry that makes a name in /dev, its own user namespace.
    ("s-bind-dev-source.service", SHARED + ["BindReadOnlyPaths=/dev:/run/sdinit-test-devcopy"], 1),
    ("s-dev-target.service", SHARED + ["TemporaryFileSystem=/dev/sdinit-test-tmpfs"], 1),
    ("s-private-users.service", SHARED + ["PrivateUsers=yes"], 1),
    # Shared: entries below /dev that make nothing there.
    ("s-ipc-logs.service", SHARED + ["PrivateIPC=yes", "ProtectKernelLogs=yes"], 0),
    ("s-after-targets.service", SHARED, 0),
    (CHANGED_BEFORE, SHARED, 1),
    ("s-after-change-again.service", SHARED, 0),
]


def held_namespaces(pid1):
    """The mount namespaces PID 1 holds open (its fds)."""
    held = set()
    for fd in os.listdir(f"/proc/{pid1}/fd"):
        try:
            link = os.readlink(f"/proc/{pid1}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("mnt:["):
            held.add(link)
    return held


def main():
    res = cgharness.Results("test_sandbox_dev_shared_oracle")
    try:
        cg2 = oraclelib.preflight()
    except oraclelib.Unavailable as e:
        res.skip(str(e))
    tmp = oraclelib.scratch_dir("sandbox-dev-shared-")
    oraclelib.copy_binaries(tmp)
    units = [(n, lines) for n, lines, _ in UNITS]
    try:
        seen = {}

        def on_change(kind, p, phase):
            # sdinit holds the namespace until its table changes, then closes it from its event
            # loop (not at the next start): a mount there may not propagate to it (the deadline
            # only bounds a failure).
            # After the first start that makes one, PID 1 takes it from the socket at once (not at
            # the next start: left there, it would keep what PID 1 unmounts alive, unwatched).
            if kind != "sdinit" or phase not in ("before", "after", "started s-first.service"):
                return
            want_none = phase == "after"
            seen[phase] = held_namespaces(p.pid1)
            end = time.monotonic() + 10
            while (bool(seen[phase]) == want_none) and time.monotonic() < end:
                time.sleep(0.05)
                seen[phase] = held_namespaces(p.pid1)

        made, states = dev.run_both(res, cg2, tmp, units, setup=":", changed_before=CHANGED_BEFORE, on_change=on_change)
        res.check(len(seen.get("started s-first.service", ())) == 1,
                  "sdinit: PID 1 holds the namespace the first start made, before any other start", seen)
        res.check(len(seen.get("before", ())) == 1 and not seen.get("after", {"?"}),
                  "sdinit: PID 1 holds one namespace, and closes it once its mount table changed", seen)
        res.check(all(states[k][n][1] == "active" for k in states for n, _ in units),
                  "every unit started under both (the remounts refused, the write done)", states)
        procs = {n: 1 + sum(ln.startswith("ExecStartPre=") for ln in lines) for n, lines in units}
        res.check(made["systemd"] == procs, "systemd: a /tmp/namespace-dev-* directory per sandboxed process", made["systemd"])
        want = {n: k for n, _, k in UNITS}
        res.check(made["sdinit"] == want,
                  "sdinit: one for the first start without CAP_SYS_ADMIN (and the first after PID 1's mount table "
                  "changed), one per process that keeps it; the others copy PID 1's namespace", made["sdinit"])
    finally:
        oraclelib.scratch_remove(tmp)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
