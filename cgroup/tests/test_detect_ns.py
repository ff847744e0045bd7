#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Integration test: `sdinit-detect --json` as a real PID 1 in user+pid+mount(+cgroup) namespaces.

Design: each scenario sets up an environment the way a container runtime would, runs the detector
as PID 1 in it, and compares the JSON with what was set up:
  a) plain   unshare --user --map-root-user --pid --fork --mount --mount-proc on this host;
  b) deleg   a child cgroup of the cgroup2 mount chowned to 100000 (files from
             /sys/kernel/cgroup/delegate), container root mapped to 100000, PID 1 moved into it by
             the real root, then `unshare --cgroup` + `mount -t cgroup2` inside;
  c) nodeleg the same without chown (the container sees owner 65534 = nobody);
  d) ro      like b, but cgroup2 mounted read-only.
Inside b-d, before exec'ing the detector, PID 1 tries `mkdir` in its cgroup: that is the ground
truth which "delegated" must agree with.

Synchronisation is by pipes (PID 1 writes "ready", waits for "go" on stdin), cleanup waits for
cgroup.events "populated 0" with poll(2): no sleeps.  Every cgroup created is removed (deepest
first) and a changed cgroup.subtree_control is restored, also on failure.  Processes are killed
by pid only (the unshare parent, with --kill-child taking PID 1 along).  Exit 77 = skip.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cgharness  # noqa: E402
from cgharness import find_ns_pid1, unescape, wait_unpopulated  # noqa: E402

res = cgharness.Results("cgroup-detect-ns")
log, skip, failures = res.log, res.skip, res.failures


def check(cond, what, doc=None):
    return res.check(cond, what, None if doc is None else json.dumps(doc, indent=1))


def host_cgroup_mounts():
    """(cgroup2 mount point, its root, number of v1 mounts) from /proc/self/mountinfo."""
    cg2, v1 = None, 0
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields, rfields = left.split(), right.split()
            if not rfields:
                continue
            if rfields[0] == "cgroup2":
                mp = unescape(fields[4])
                # Prefer /sys/fs/cgroup itself, as the detector does.
                if cg2 is None or mp == "/sys/fs/cgroup":
                    cg2 = (mp, unescape(fields[3]))
            elif rfields[0] == "cgroup":
                v1 += 1
    return cg2, v1


def own_cgroup():
    with open("/proc/self/cgroup") as f:
        for line in f:
            if line.startswith("0::"):
                return line[3:].strip()
    return None


def run_detector(cmd, timeout=60):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, text=True)
    if p.returncode != 0:
        log(f"command failed ({p.returncode}): {cmd}\nstdout: {p.stdout}\nstderr: {p.stderr}")
        return None, p.stderr
    return json.loads(p.stdout), p.stderr


# ---------------------------------------------------------------- (a) plain

def scenario_plain(det, cg2, n_v1):
    log("# (a) unshare --user --map-root-user --pid --fork --mount --mount-proc")
    doc, _ = run_detector(["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount",
                           "--mount-proc", "--kill-child", det, "--json"])
    if doc is None:
        check(False, "plain: detector ran")
        return
    expect_layout = "hybrid" if n_v1 and cg2 else "v2" if cg2 else "v1" if n_v1 else "none"
    check(doc["pid1"] is True, "plain: pid1 true", doc)
    check(doc["user_namespace"]["active"] is True, "plain: user namespace active")
    check(doc["user_namespace"]["uid_map"] == [[0, os.geteuid(), 1]], "plain: uid_map [[0,0,1]]", doc)
    check(doc["user_namespace"]["root_is_host_root"] is True, "plain: root is host root")
    check(doc["cgroup"]["layout"] == expect_layout, f"plain: layout {expect_layout}", doc)
    check(doc["cgroup"]["unified_mount"] == (cg2[0] if cg2 else None), "plain: unified_mount from mountinfo")
    check(doc["cgroup"]["namespace"] is False, "plain: no cgroup namespace")
    check(doc["cgroup"]["own_path"] == own_cgroup(), "plain: own_path equals ours")
    check(doc["mounts"]["proc"]["mounted"] is True and doc["mounts"]["proc"]["fstype"] == "proc",
          "plain: /proc mounted")
    check(doc["capabilities"]["sys_admin"] is True, "plain: CAP_SYS_ADMIN in the namespace")
    check(doc["cgroup"]["features"]["pidfd"] is True, "plain: pidfd available")
    if own_cgroup() == "/" and cg2 and cg2[1] == "/":
        check(doc["cgroup"]["hierarchy_root"] is True, "plain: own cgroup is the hierarchy root")
        check(doc["cgroup"]["delegated"] is False, "plain: hierarchy root is not delegated")
        check(doc["plan"] == "manage-degraded", "plain: plan manage-degraded", doc)
    if expect_layout == "hybrid":
        check(doc["plan"] != "handoff-possible", "plain: no hand-off on a hybrid host")
        check(any("hybrid cgroup layout" in r for r in doc["reasons"]), "plain: reason names hybrid layout", doc)


# ---------------------------------------------------------------- (b)-(d) cgroup namespace

INNER = r"""#!/bin/sh
# stage1: PID 1 of the new pid namespace. stage2: after unshare --cgroup.
case "$1" in
""" + cgharness.STAGE1 + r"""        exec unshare --cgroup "$0" stage2 "$2" "$3"
        ;;
stage2)
        if [ "$3" = ro ]; then mount -t cgroup2 -o ro none /sys/fs/cgroup || exit 93
        else mount -t cgroup2 none /sys/fs/cgroup || exit 93; fi
        if mkdir /sys/fs/cgroup/sdinit-truth 2>/dev/null; then
                rmdir /sys/fs/cgroup/sdinit-truth; echo "truth-mkdir=ok" >&2
        else
                echo "truth-mkdir=fail" >&2
        fi
        exec "$2" --json
        ;;
esac
exit 94
"""


def run_in_cgroup(det, tmp, cg, mode):
    """Run PID 1 in the user namespace, move it into cg, return (json, truth)."""
    ready_r, ready_w = os.pipe()
    os.set_inheritable(ready_w, True)
    inner = os.path.join(tmp, f"inner-{mode}.sh")
    with open(inner, "w") as f:
        f.write(INNER.replace("{ready_fd}", str(ready_w)))
    os.chmod(inner, 0o755)
    cmd = ["unshare", "--user", "--map-users=100000,0,65536", "--map-groups=100000,0,65536",
           "--setuid", "0", "--setgid", "0", "--pid", "--fork", "--mount", "--mount-proc",
           "--kill-child", inner, "stage1", det, mode]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            pass_fds=(ready_w,), text=True)
    os.close(ready_w)
    try:
        with os.fdopen(ready_r) as rf:
            line = rf.readline()  # EOF if PID 1 died before getting ready
        if line.strip() != "ready":
            out, err = proc.communicate(timeout=30)
            log(f"PID 1 did not get ready (rc {proc.returncode}): {err}")
            return None, None
        pid1 = find_ns_pid1(proc.pid)
        if pid1 is None:
            log("cannot find the namespace's PID 1")
            return None, None
        # Only the real root can move it: write access is needed at the common ancestor.
        with open(os.path.join(cg, "cgroup.procs"), "w") as f:
            f.write(str(pid1))
        out, err = proc.communicate("go\n", timeout=60)
        if proc.returncode != 0:
            log(f"detector failed (rc {proc.returncode}): {err}\n{out}")
            return None, None
        truth = "ok" if "truth-mkdir=ok" in err else "fail" if "truth-mkdir=fail" in err else None
        return json.loads(out), truth
    finally:
        if proc.poll() is None:
            proc.kill()  # --kill-child takes PID 1 and its namespace along
            proc.wait()


def scenarios_cgroupns(det, tmp, cg2):
    if shutil.which("newuidmap") is None or shutil.which("newgidmap") is None:
        skip("newuidmap/newgidmap missing: install the 'uidmap' package")
    cgharness.ensure_subids(res)
    mnt, mroot = cg2
    if mroot != "/":
        skip(f"cgroup2 mount root is {mroot}, not the hierarchy root")
    with open("/sys/kernel/cgroup/delegate") as f:
        delegate_files = [ln.strip() for ln in f if ln.strip()]
    with open(os.path.join(mnt, "cgroup.controllers")) as f:
        available = f.read().split()
    sc_path = os.path.join(mnt, "cgroup.subtree_control")
    with open(sc_path) as f:
        enabled_before = f.read().split()

    created = []
    enabled_hugetlb = False
    try:
        if "hugetlb" in available and "hugetlb" not in enabled_before:
            with open(sc_path, "w") as f:
                f.write("+hugetlb")
            enabled_hugetlb = True

        for mode in ("deleg", "nodeleg", "ro"):
            log(f"# ({ {'deleg': 'b', 'nodeleg': 'c', 'ro': 'd'}[mode] }) {mode}")
            cg = os.path.join(mnt, f"sdinit-test-detect-{os.getpid()}-{mode}")
            os.mkdir(cg)
            created.append(cg)
            if mode in ("deleg", "ro"):
                os.chown(cg, 100000, 100000)
                for name in delegate_files:
                    p = os.path.join(cg, name)
                    if os.path.exists(p):
                        os.chown(p, 100000, 100000)
            doc, truth = run_in_cgroup(det, tmp, cg, mode)
            if doc is None:
                check(False, f"{mode}: detector ran as PID 1")
                continue
            c = doc["cgroup"]
            check(doc["pid1"] is True, f"{mode}: pid1 true", doc)
            check(doc["user_namespace"]["active"] is True, f"{mode}: user namespace active")
            check(doc["user_namespace"]["uid_map"] == [[0, 100000, 65536]], f"{mode}: uid_map", doc)
            check(doc["user_namespace"]["root_is_host_root"] is False, f"{mode}: root is not host root")
            check(c["layout"] == "v2", f"{mode}: layout v2 (v1 mounts hidden)", doc)
            check(c["unified_mount"] == "/sys/fs/cgroup", f"{mode}: cgroup2 at /sys/fs/cgroup")
            check(c["namespace"] is True, f"{mode}: cgroup namespace")
            check(c["own_path"] == "/", f"{mode}: own path / inside the namespace")
            check(c["hierarchy_root"] is False, f"{mode}: namespace root is not the hierarchy root")
            check(truth is not None and c["delegated"] == (truth == "ok"),
                  f"{mode}: delegated ({c['delegated']}) agrees with mkdir ({truth})", doc)
            if "hugetlb" in available:
                check("hugetlb" in c["controllers_available"], f"{mode}: hugetlb available", doc)
            check(c["features"]["cgroup_kill"] is True, f"{mode}: cgroup.kill present")
            if mode == "deleg":
                check(c["read_only"] is False, "deleg: read-write")
                check(c["delegated"] is True and c["writable"] is True, "deleg: delegated", doc)
                check(c["owner_uid"] == 0 and c["owner_is_nobody"] is False, "deleg: owned by container root")
                check(doc["plan"] == "handoff-possible", "deleg: plan handoff-possible", doc)
            elif mode == "nodeleg":
                check(c["delegated"] is False, "nodeleg: not delegated", doc)
                check(c["owner_uid"] == 65534 and c["owner_is_nobody"] is True, "nodeleg: owner 65534 nobody", doc)
                check(doc["plan"] == "manage-degraded", "nodeleg: plan manage-degraded", doc)
                check(any("owned by uid 65534 (nobody)" in r for r in doc["reasons"]), "nodeleg: reason", doc)
            else:
                check(c["read_only"] is True, "ro: read_only true", doc)
                check(c["delegated"] is False, "ro: not delegated", doc)
                check(doc["plan"] == "manage-degraded", "ro: plan manage-degraded", doc)
                check(any("read-only" in r for r in doc["reasons"]), "ro: reason mentions read-only", doc)
    finally:
        for cg in reversed(created):  # deepest/latest first
            if not wait_unpopulated(cg):
                log(f"warning: {cg} still populated")
            try:
                os.rmdir(cg)
            except OSError as e:
                log(f"warning: cannot remove {cg}: {e}")
                failures.append(f"cleanup {cg}")
        if enabled_hugetlb:
            try:
                with open(sc_path, "w") as f:
                    f.write("-hugetlb")
            except OSError as e:
                log(f"warning: cannot restore {sc_path}: {e}")


def main():
    if len(sys.argv) < 2:
        print(f"usage: {sys.argv[0]} PATH-TO-sdinit-detect | PATH-TO-sdinit detect", file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        skip("needs root (user namespaces with subordinate ids, cgroup setup)")
    if shutil.which("unshare") is None:
        skip("unshare (util-linux) missing")
    cg2, n_v1 = host_cgroup_mounts()

    with tempfile.TemporaryDirectory(prefix="sdinit-detect-ns-") as tmp:
        # The mapped root (host uid 100000) must be able to execute the detector and the script.
        os.chmod(tmp, 0o755)
        det = os.path.join(tmp, "sdinit-detect")
        if len(sys.argv) == 2:
            shutil.copy(sys.argv[1], det)
        else:  # `sdinit detect`: the front-end exec()s the manager, keeping PID 1
            with open(det, "w") as f:
                f.write("#!/bin/sh\nexec " + " ".join(f"'{a}'" for a in sys.argv[1:]) + ' "$@"\n')
        os.chmod(det, 0o755)

        probe = subprocess.run(["unshare", "--user", "--map-root-user", "true"], capture_output=True)
        if probe.returncode != 0:
            skip(f"user namespaces unavailable: {probe.stderr.decode().strip()}")
        scenario_plain(det, cg2, n_v1)
        if cg2 is None:
            skip("no cgroup2 mount on this host: scenarios b-d need one")
        scenarios_cgroupns(det, tmp, cg2)

    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
