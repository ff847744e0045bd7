#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""sdinit under a real OCI runtime: runc with user and cgroup namespaces (container root = host
uid 100000). On this hybrid host the container gets a read-only cgroup v1 layout it does not own:
the real "not delegated" case. `sdinit detect` must say so, and manager mode must still boot and
stop a unit set, with one warning line about what is unavailable. Skips (77, loudly) without runc."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import SDINIT, Skip, Tap, have_unpriv_mapping  # noqa: E402

REPO = os.path.abspath(os.path.join(HERE, "..", ".."))


def bundle(tmp, args, env=()):
    """A bundle whose root is an empty read-only tree with the host's /usr, /etc and the
    repository bound read-only (the build's sdinit runs as it is)."""
    b = os.path.join(tmp, "bundle")
    root = os.path.join(b, "rootfs")
    if not os.path.exists(b):
        os.makedirs(root)
        for d in ("usr", "etc", "proc", "sys", "dev", "tmp", "run", "units"):
            os.mkdir(os.path.join(root, d))
        os.makedirs(os.path.join(root, REPO.lstrip("/")), exist_ok=True)
        for l in ("bin", "lib", "lib64", "sbin"):
            if os.path.exists("/usr/" + l):
                os.symlink("usr/" + l, os.path.join(root, l))
        for dirpath, dirs, _ in os.walk(b):
            os.chmod(dirpath, 0o755)
    subprocess.run(["runc", "spec", "--bundle", b], check=True, capture_output=True) \
        if not os.path.exists(os.path.join(b, "config.json")) else None
    with open(os.path.join(b, "config.json")) as f:
        c = json.load(f)
    c["root"] = {"path": root, "readonly": True}
    c["process"]["args"] = list(args)
    c["process"]["terminal"] = False
    c["process"]["env"] = [e for e in c["process"]["env"] if not e.startswith("SYSTEMD_")] + list(env)
    c["process"].pop("rlimits", None)  # CAP_SYS_RESOURCE is missing here
    c["linux"]["namespaces"] = [{"type": t} for t in ("pid", "ipc", "uts", "mount", "user", "cgroup", "network")]
    c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    c["mounts"] = [m for m in c["mounts"] if m.get("type") != "bind"]
    for src, dst in (("/usr", "/usr"), ("/etc", "/etc"), (REPO, REPO), (os.path.join(tmp, "units"), "/units")):
        c["mounts"].append({"destination": dst, "type": "bind", "source": src, "options": ["rbind", "ro"]})
    with open(os.path.join(b, "config.json"), "w") as f:
        json.dump(c, f)
    return b


def prereq():
    if os.geteuid() != 0:
        raise Skip("needs root")
    if not shutil.which("runc"):
        raise Skip("runc not installed (scripts/deps.sh installs it)")
    if not have_unpriv_mapping():
        raise Skip("no root:100000:65536 subordinate ids (scripts/deps.sh)")


def test_detect_under_runc(tap):
    prereq()
    tmp = tempfile.mkdtemp(prefix="sdinit-runc-")
    os.chmod(tmp, 0o755)
    os.mkdir(os.path.join(tmp, "units"))
    cid = f"sdinit-test-detect-{os.getpid()}"
    try:
        b = bundle(tmp, [SDINIT, "detect", "--json"])
        r = subprocess.run(["runc", "run", "--bundle", b, cid], capture_output=True, text=True, timeout=60)
        tap.eq(r.returncode, 0, "sdinit detect runs under runc")
        d = json.loads(r.stdout)
        tap.eq(d["user_namespace"]["uid_map"], [[0, 100000, 65536]], "detect: the user namespace map runc set up")
        tap.ok(d["pid1"] is True, "detect: PID 1")
        tap.eq(d["cgroup"]["layout"], "v1", "detect: the cgroup v1 layout runc mounts on this hybrid host")
        tap.ok(any("read-only" in x and "v1" in x for x in d["reasons"]), "detect: says it is read-only v1", d["reasons"])
        tap.eq(d["plan"], "manage-degraded", "detect: plan manage-degraded (no hand-off, no cgroup tree)")
    finally:
        subprocess.run(["runc", "delete", "-f", cid], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def test_boot_under_runc(tap):
    prereq()
    tmp = tempfile.mkdtemp(prefix="sdinit-runc-")
    os.chmod(tmp, 0o755)
    units = os.path.join(tmp, "units")
    os.mkdir(units)
    os.chmod(units, 0o755)
    with open(os.path.join(units, "default.target"), "w") as f:
        f.write("[Unit]\nRequires=basic.target\nAfter=basic.target\nWants=hello.service\n")
    with open(os.path.join(units, "hello.service"), "w") as f:
        f.write("[Service]\nExecStart=/bin/sh -c 'echo hello from a unit under runc; exec sleep 1000'\n")
    cid = f"sdinit-test-boot-{os.getpid()}"
    p = None
    try:
        b = bundle(tmp, [SDINIT], env=["SYSTEMD_UNIT_PATH=/units"])
        p = subprocess.Popen(["runc", "run", "--bundle", b, cid], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = []
        for line in p.stdout:
            lines.append(line.rstrip("\n"))
            if "hello from a unit under runc" in line:
                break
        text = "\n".join(lines)
        tap.ok(any("Reached target default.target" in l for l in lines), "manager mode boots under runc", text)
        tap.ok(any("no resource limits, no cgroup kill" in l for l in lines), "one warning line names what is unavailable", text)
        subprocess.run(["runc", "kill", cid, str(int(signal.SIGRTMIN) + 3)], capture_output=True, timeout=30)
        rest = p.stdout.read()
        rc = p.wait(timeout=60)
        tap.eq(rc, 0, "runc kill SIGRTMIN+3: stops cleanly, exit 0")
        tap.ok("Stopped hello.service" in rest, "the unit was stopped", rest)
    finally:
        if p and p.poll() is None:
            p.kill()
        subprocess.run(["runc", "delete", "-f", cid], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    Tap().run([test_detect_under_runc, test_boot_under_runc])
