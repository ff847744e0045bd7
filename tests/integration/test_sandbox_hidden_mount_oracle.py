#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A mount hidden below another one keeps its flags (issue 14): systemd 252 sets read-only and
the other flags of ReadOnlyPaths= & co. mount by mount, by path, so a mount that no path leads to
(covered by one moved over it later with `mount --move`) stays as it was. sdinit must do the same:
one recursive mount_setattr(2) from the entry would also reach the hidden mount, and PID 1's
mount table lists mounts in the order they were made, not stacked (the moved one is listed before
the one it hides).

In PID 1's namespaces, before it starts (both managers, the oracle tests' delegated container):
a tmpfs P on D/p, a tmpfs Y on D/stage, a tmpfs X on D/p/a/b, then Y moved to D/p/a: X is hidden.
A oneshot unit with ReadOnlyPaths=D/p writes its /proc/self/mountinfo; both managers' lines for
D/p, D/p/a and D/p/a/b must be the same (D/p and D/p/a read-only; D/p/a/b, hidden, read-write).
Output: plain ok/FAIL lines (cgharness); SKIP when the recipe cannot run here."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "cgroup", "tests"))
import cgharness  # noqa: E402
import oraclelib  # noqa: E402


def mount_opts(path):
    """{mount point: its per-mount options (rw/ro first)} from a mountinfo file."""
    got = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            got.setdefault(fields[4], []).append(fields[5].split(",")[0])
    return got


def main():
    res = cgharness.Results("test_sandbox_hidden_mount_oracle")
    try:
        cg2 = oraclelib.preflight()
    except oraclelib.Unavailable as e:
        res.skip(str(e))
    tmp = oraclelib.scratch_dir("sandbox-hidden-")
    try:
        d = os.path.join(tmp, "d")
        os.makedirs(os.path.join(d, "p"))
        os.makedirs(os.path.join(d, "stage"))
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        os.chmod(out, 0o777)
        setup = (f"mount -t tmpfs tmpfs {d}/p && mkdir -p {d}/p/a/b && mount -t tmpfs tmpfs {d}/stage && "
                 f"mkdir -p {d}/stage/b && mount -t tmpfs tmpfs {d}/p/a/b && mount --move {d}/stage {d}/p/a")
        got = {}
        for kind in ("systemd", "sdinit"):
            unitdir = os.path.join(tmp, f"units-{kind}")
            os.makedirs(unitdir)
            with open(os.path.join(unitdir, "default.target"), "w") as f:
                f.write("[Unit]\nDescription=test\nWants=h.service\nAfter=h.service\n")
            with open(os.path.join(unitdir, "h.service"), "w") as f:
                f.write(f"[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                        f"ReadOnlyPaths={d}/p\n"
                        f"ExecStart=/bin/sh -c 'cat /proc/self/mountinfo > {out}/{kind}'\n")
            p = oraclelib.boot(kind, cg2, f"hidden{os.getpid()}-{kind}", tmp, unitdir, setup=setup)
            try:
                p.wait_ready()
                p.settle()
                oraclelib.stop(kind, p)
            finally:
                p.close()
            path = os.path.join(out, kind)
            got[kind] = mount_opts(path) if os.path.exists(path) else None
            res.check(got[kind] is not None, f"{kind}: the unit ran and wrote its mount table", p.output()[-1500:])
        if got["systemd"] and got["sdinit"]:
            want = {f"{d}/p": ["ro"], f"{d}/p/a": ["ro"], f"{d}/p/a/b": ["rw"]}
            sd = {k: got["systemd"].get(k) for k in want}
            res.check(sd == want, "systemd: D/p and the moved D/p/a read-only, the hidden D/p/a/b read-write", sd)
            si = {k: got["sdinit"].get(k) for k in want}
            res.check(si == sd, "sdinit: the same flags as systemd on the three mounts", si)
    finally:
        oraclelib.scratch_remove(tmp)
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
