#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Delegate= against Debian's real systemd 252 (oraclelib.py: PID 1 of a user namespace, container
root = host uid 100000, delegated cgroup v2). The same units boot under systemd and under sdinit;
for each manager the test records, from the host:
  - `systemctl show -p Delegate -p DelegateControllers -p OOMPolicy` for Delegate=yes, no, a list
    (two assignments, one unknown name), an empty Delegate=, Delegate=yes without User=, and a
    socket unit with Delegate=yes (systemd: not supported there);
  - owner, group and mode of the unit's cgroup directory and of its cgroup.procs,
    cgroup.subtree_control and cgroup.threads (systemd's cg_set_access() with User=nobody, with
    DynamicUser= and without User=);
  - cgroup.subtree_control of the unit's cgroup, of system.slice and of the manager's root;
  - what the service itself (User=nobody) managed: mkdir a sub-cgroup, move itself into it, start
    a process hidden in a second sub-cgroup, enable the controllers its cgroup offers;
  - `systemctl reload`: the cgroup its ExecReload= runs in (systemd: "<unit>/.control");
  - `systemctl stop`: its status, the unit's state, that the hidden process is gone and that the
    unit's cgroup (with the sub-cgroups the service left) is removed.
Each record of sdinit must equal systemd's. Then the same units without a delegated cgroup v2 (the
container sees this host's read-only cgroup v1): systemd 252 exits 255, sdinit runs them and says
in one line per unit that Delegate= has nothing to hand over. One known difference is filtered, and said: the host's
cgroup2 offers only hugetlb, which systemd 252 does not manage (it enables no controller here),
while sdinit's take-over enables every controller it is given.

SKIP when systemd cannot boot here (no delegated cgroup v2)."""
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oraclelib  # noqa: E402
from harness import Tap  # noqa: E402

# The payload of a service that asked for delegation (what podman, crun or a nested init do):
# sub-cgroups of its own, its processes moved into them, controllers enabled below itself.
PAYLOAD = r"""#!/bin/sh
out=$1
cg=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
{
echo "id=$(id -u):$(id -g)"
mkdir "$cg/payload" && echo mkdir=ok
echo $$ > "$cg/payload/cgroup.procs" && echo move=ok
echo "now=$(sed -n 's/^0:://p' /proc/self/cgroup)"
mkdir "$cg/hidden" && echo mkdir-hidden=ok
sh -c "echo \$\$ > '$cg/hidden/cgroup.procs' && exec sleep infinity" &
for c in $(cat "$cg/cgroup.controllers"); do echo "+$c" > "$cg/cgroup.subtree_control" && echo "enabled=$c"; done
echo "subtree=$(cat "$cg/cgroup.subtree_control")"
} > "$out.tmp" 2>&1
mv "$out.tmp" "$out"
exec sleep infinity
"""
NODEF = "[Unit]\nDefaultDependencies=no\n"
SERVICES = ("dy.service", "dl.service", "dn.service", "de.service", "droot.service", "ddyn.service")
SHOWN = SERVICES + ("ds.socket", "dsl.slice")
PAYLOADS = ("dy.service", "dl.service")
FILES = ("", "cgroup.procs", "cgroup.subtree_control", "cgroup.threads")
SYSTEMD_CONTROLLERS = {"cpu", "cpuset", "io", "memory", "pids"}  # what systemd 252 manages on cgroup v2


def units(work):
    sp = os.path.join(work, "payload.sh")
    user = "User=nobody\nGroup=nogroup\n"
    return {
        "default.target": "[Unit]\nWants=" + " ".join(SERVICES) + "\n",
        "dy.service": NODEF + f"[Service]\n{user}Delegate=yes\nExecStart={sp} {work}/out/dy\n"
                      "ExecReload=/bin/sh -c 'cat /proc/self/cgroup > {work}/out/reload'\n",
        "dl.service": NODEF + f"[Service]\n{user}Delegate=pids memory\nDelegate=cpuacct bogus\nExecStart={sp} {work}/out/dl\n",
        "dn.service": NODEF + f"[Service]\n{user}Delegate=yes\nDelegate=no\nExecStart=/bin/sleep infinity\n",
        "de.service": NODEF + f"[Service]\n{user}Delegate=cpu\nDelegate=\nExecStart=/bin/sleep infinity\n",
        "droot.service": NODEF + "[Service]\nDelegate=yes\nExecStart=/bin/sleep infinity\n",
        "ddyn.service": NODEF + "[Service]\nDynamicUser=yes\nDelegate=yes\nExecStart=/bin/sleep infinity\n",
        "ds.socket": NODEF + "[Socket]\nListenStream=/run/sdinit-delegate-test.sock\nDelegate=yes\n",
        "dsl.slice": "[Slice]\nDelegate=yes\n",
    }


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError as e:
        return f"<{e.strerror}>"


def known(words):
    """The controllers of a cgroup.subtree_control that systemd 252 knows (the filtered difference)."""
    return sorted(set(words.split()) & SYSTEMD_CONTROLLERS)


def wait_for(fn, deadline):
    end = time.monotonic() + deadline
    while True:
        v = fn()
        if v or time.monotonic() > end:
            return v
        time.sleep(0.05)  # polls a state with a deadline that only bounds a failure


def record(p, work):
    got = {}
    for unit, props in p.show(list(SHOWN), ("Delegate", "DelegateControllers", "OOMPolicy", "ActiveState")).items():
        got["show " + unit] = props
    base = p.hc.path
    for unit in PAYLOADS:
        wait_for(lambda: os.path.exists(os.path.join(work, "out", unit.split(".")[0])), 30)
    # A control process once the service has made its sub-cgroups (systemd: in "<unit>/.control").
    got["reload"] = p.systemctl("reload", "dy.service")[0]
    got["reload cgroup"] = read(os.path.join(work, "out", "reload"))
    for unit in SERVICES:
        d = os.path.join(base, "system.slice", unit)
        for f in FILES:
            try:
                st = os.stat(os.path.join(d, f))
                got[f"owner {unit}/{f}"] = (st.st_uid - oraclelib.MAPPED_ROOT, st.st_gid - oraclelib.MAPPED_ROOT,
                                            oct(st.st_mode & 0o7777))
            except OSError as e:
                got[f"owner {unit}/{f}"] = e.strerror
        for x in ("user.delegate", "trusted.delegate"):
            try:
                got[f"xattr {unit} {x}"] = os.getxattr(d, x).decode()
            except OSError as e:
                got[f"xattr {unit} {x}"] = e.strerror
        got[f"subdirs {unit}"] = sorted(x for x in os.listdir(d) if os.path.isdir(os.path.join(d, x))) \
            if os.path.isdir(d) else None
    for unit in PAYLOADS:
        lines = read(os.path.join(work, "out", unit.split(".")[0])).splitlines()
        raw = [ln for ln in lines if ln.startswith(("enabled=", "subtree="))]
        got[f"payload {unit}"] = [ln for ln in lines if ln not in raw]
        got[f"payload-raw {unit}"] = raw
        got[f"payload-ctl {unit}"] = known(" ".join(ln.split("=", 1)[1] for ln in raw if ln.startswith("enabled=")))
    for rel in ("", "system.slice", "system.slice/dy.service", "system.slice/dl.service", "system.slice/dn.service"):
        v = read(os.path.join(base, rel, "cgroup.subtree_control"))
        got[f"subtree-raw /{rel}"] = v
        got[f"subtree /{rel}"] = known(v)
    # systemctl stop reaches the process hidden in the service's own sub-cgroup, and the unit's
    # cgroup goes, with the sub-cgroups the service left.
    d = os.path.join(base, "system.slice", "dy.service")
    hidden = read(os.path.join(d, "hidden", "cgroup.procs")).split()
    got["hidden before stop"] = len(hidden)
    rc, out, err = p.systemctl("stop", "dy.service")
    got["stop"] = (rc, out.strip(), err.strip())
    got["show after stop"] = p.show(["dy.service"], ("ActiveState", "Result"))["dy.service"]
    got["hidden gone"] = bool(hidden) and bool(wait_for(lambda: all(not os.path.exists(f"/proc/{x}") for x in hidden), 10))
    got["cgroup gone"] = bool(wait_for(lambda: not os.path.exists(d), 10))
    return got


def boot(kind, cg2, work, unitdir):
    if os.path.isdir(os.path.join(work, "out")):
        shutil.rmtree(os.path.join(work, "out"))
    os.mkdir(os.path.join(work, "out"))
    os.chmod(os.path.join(work, "out"), 0o1777)
    p = oraclelib.boot_ready(kind, cg2, f"sdinit-delegate-{kind}-{os.getpid()}", work, unitdir)
    try:
        p.settle()
        got = record(p, work)
        rc = oraclelib.stop(kind, p)
        return got, rc, p.output()
    finally:
        p.close()


def degraded(kind, work, unitdir):
    """The same units without a delegated cgroup v2 (the host's hybrid layout as it is, no cgroup
    namespace: read-only cgroup v1 for the container): what the manager does with Delegate=."""
    os.makedirs(os.path.join(work, "out"), exist_ok=True)
    p = oraclelib.boot(kind, None, f"sdinit-delegate-nocg-{kind}-{os.getpid()}", work, unitdir)
    try:
        try:
            p.wait_ready()
        except RuntimeError:
            if p.proc.poll() is None:
                raise
            return {"exit": p.proc.returncode}, p.output()
        p.settle()
        got = {"show dy.service": p.show(["dy.service"], ("Delegate", "DelegateControllers", "ActiveState"))["dy.service"]}
        return got, p.output()
    finally:
        p.close()


def main():
    tap = Tap()
    cg2 = oraclelib.root_or_skip(tap, "delegate oracle")
    work = tempfile.mkdtemp(prefix="sdinit-delegate-", dir="/var/tmp")
    os.chmod(work, 0o755)
    try:
        with open(os.path.join(work, "payload.sh"), "w") as f:
            f.write(PAYLOAD)
        os.chmod(os.path.join(work, "payload.sh"), 0o755)
        unitdir = os.path.join(work, "units")
        oraclelib.write_unit_dir(unitdir, units(work))
        sd, _, _ = boot("systemd", cg2, work, unitdir)
        mine, rc, out = boot("sdinit", cg2, work, unitdir)
        oraclelib.check_sdinit_exit(tap, rc, out)
        for key in sd:
            if key.startswith(("payload-raw ", "subtree-raw ")):
                print(f"# {key}: systemd {sd[key]!r}, sdinit {mine.get(key)!r}")
                continue
            tap.eq(mine.get(key), sd[key], f"{key}: as under systemd")
        tap.ok(sd["payload dy.service"][1:3] == ["mkdir=ok", "move=ok"] and sd["hidden gone"] and sd["cgroup gone"],
               "systemd: the service made its sub-cgroups, stop killed the hidden process and removed them",
               repr(sd))
        # Not delegated (read-only cgroup v1 here): systemd 252 cannot run at all (exit 255);
        # sdinit runs the service and says in one line that there is nothing to delegate.
        sdn, out = degraded("systemd", work, unitdir)
        tap.eq(sdn, {"exit": 255}, "no delegated cgroup v2: systemd 252 exits 255")
        mine, out = degraded("sdinit", work, unitdir)
        tap.eq(mine.get("show dy.service"), {"Delegate": "yes", "DelegateControllers": "cpu cpuset io memory pids",
                                             "ActiveState": "active"},
               "no delegated cgroup v2: sdinit runs the Delegate=yes service, its properties as under systemd")
        lines = [ln for ln in out.splitlines() if "dy.service: Delegate= ignored: no cgroup to delegate" in ln]
        tap.ok(len(lines) == 1, "no delegated cgroup v2: one line says Delegate= is ignored", "\n".join(lines) or out[-2000:])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tap.run([])


if __name__ == "__main__":
    main()
