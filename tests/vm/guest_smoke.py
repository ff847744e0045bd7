#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs INSIDE the test VM (test_vm_smoke.py starts it through run-in-vm.sh).

Proves that the VM can host issue 5's resource-control scenarios and issue 6's hand-off tests:
a pure cgroup v2 hierarchy with cpu, memory, pids and io; controllers that can be enabled down
the tree; memory.max that OOM-kills a hog (memory.events oom_kill); pids.max that stops forks;
cgroup.kill that empties a cgroup; Debian's systemd and OCI runtimes present.
Prints TAP; exits 0 when every check passed, 1 otherwise.
"""
import os
import shutil
import signal
import subprocess
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guesttap import finish, keyed, ok, read, rmtree_cg, wait_for, wait_populated, write  # noqa: E402

CG = "/sys/fs/cgroup"
WANT = ["cpu", "memory", "pids", "io"]


def start_in(cg, argv, **kw):
    """Start argv directly inside cgroup cg (joins it between fork and exec)."""
    procs = os.path.join(cg, "cgroup.procs")

    def join():
        with open(procs, "w") as f:
            f.write("0")

    return subprocess.Popen(argv, preexec_fn=join, **kw)


def main():
    print(f"# kernel {os.uname().release}, cmdline: {read('/proc/cmdline').strip()}", flush=True)

    # -- a pure cgroup v2 machine --
    mounts = [line.split() for line in read("/proc/mounts").splitlines()]
    cg_mounts = [(m[1], m[2]) for m in mounts if m[2] in ("cgroup", "cgroup2")]
    ok(cg_mounts == [(CG, "cgroup2")], "only cgroup2 is mounted, at /sys/fs/cgroup", cg_mounts)
    ok(read("/proc/self/cgroup").strip().startswith("0::/")
       and len(read("/proc/self/cgroup").splitlines()) == 1,
       "/proc/self/cgroup has the v2 line only", read("/proc/self/cgroup"))
    controllers = read(f"{CG}/cgroup.controllers").split()
    print(f"# cgroup.controllers: {' '.join(controllers)}", flush=True)
    ok(all(c in controllers for c in WANT), "cgroup.controllers lists cpu, memory, pids and io",
       controllers)

    # -- enabling controllers down the tree, one write each --
    top = f"{CG}/sdinit-smoke"
    rmtree_cg(top)
    os.mkdir(top)
    errs = [e for c in WANT for e in [write(f"{CG}/cgroup.subtree_control", f"+{c}")] if e]
    ok(not errs, "root: +memory +pids +cpu +io in cgroup.subtree_control", "\n".join(errs))
    errs = [e for c in WANT for e in [write(f"{top}/cgroup.subtree_control", f"+{c}")] if e]
    enabled = read(f"{top}/cgroup.subtree_control").split()
    ok(not errs and all(c in enabled for c in WANT),
       "a cgroup under the root gets +memory +pids +cpu +io", f"{errs}\nenabled: {enabled}")

    # -- memory.max: a hog is OOM-killed, its neighbour is not --
    hog_cg, calm_cg = f"{top}/hog.service", f"{top}/calm.service"
    os.mkdir(hog_cg)
    os.mkdir(calm_cg)
    ok(write(f"{hog_cg}/memory.max", "32M") is None and read(f"{hog_cg}/memory.max").strip() == str(32 << 20),
       "memory.max=32M written", read(f"{hog_cg}/memory.max"))
    write(f"{hog_cg}/memory.swap.max", "0")
    calm = start_in(calm_cg, ["sleep", "600"])
    hog_src = ("chunks = []\n"
               "while True:\n"
               "    chunks.append(b'\\x01' * (1 << 20))\n"
               "    if len(chunks) >= 512: raise SystemExit('hog: 512 MiB and still alive')\n")
    hog = start_in(hog_cg, [sys.executable, "-c", hog_src], stderr=subprocess.PIPE, text=True)
    try:
        _, err = hog.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        hog.kill()
        _, err = hog.communicate()
    events = keyed(read(f"{hog_cg}/memory.events"))
    ok(hog.returncode == -signal.SIGKILL, "the memory hog is killed by SIGKILL",
       f"returncode {hog.returncode}, stderr: {err}")
    ok(events.get("oom_kill", 0) >= 1, "memory.events oom_kill >= 1", events)
    print(f"# hog memory.events: {events}; memory.peak: "
          f"{read(f'{hog_cg}/memory.peak').strip() if os.path.exists(f'{hog_cg}/memory.peak') else 'n/a'}",
          flush=True)
    ok(calm.poll() is None and "populated 1" in read(f"{calm_cg}/cgroup.events"),
       "the neighbour service is untouched")

    # -- pids.max: forks beyond the limit fail (TasksMax) --
    tasks_cg = f"{top}/forkbomb.service"
    os.mkdir(tasks_cg)
    write(f"{tasks_cg}/pids.max", "8")
    # A shell that tries to start 30 long sleeps; the 9th fork fails with EAGAIN.
    fb = start_in(tasks_cg, ["sh", "-c", "for i in $(seq 1 30); do sleep 60 & done; wait"],
                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: keyed(read(f"{tasks_cg}/pids.events")).get("max", 0) >= 1, 30)
    pids = keyed(read(f"{tasks_cg}/pids.events"))
    cur = int(read(f"{tasks_cg}/pids.current"))
    ok(pids.get("max", 0) >= 1 and cur <= 8, "pids.max=8 stops the 9th task (pids.events max >= 1)",
       f"pids.events {pids}, pids.current {cur}")

    # -- cgroup.kill empties the cgroup in one write --
    ok(os.path.exists(f"{tasks_cg}/cgroup.kill"), "cgroup.kill exists")
    err = write(f"{tasks_cg}/cgroup.kill", "1")
    ok(err is None and wait_populated(tasks_cg, 0), "cgroup.kill empties the cgroup",
       err or read(f"{tasks_cg}/cgroup.events"))
    fb.wait(timeout=30)

    # -- cpu and io knobs accept values --
    cpu_cg = f"{top}/cpu.service"
    os.mkdir(cpu_cg)
    errs = [e for e in (write(f"{cpu_cg}/cpu.max", "50000 100000"), write(f"{cpu_cg}/cpu.weight", "50"),
                        write(f"{cpu_cg}/io.weight", "default 50")) if e]
    ok(not errs and read(f"{cpu_cg}/cpu.max").split() == ["50000", "100000"],
       "cpu.max, cpu.weight and io.weight accept values (CPUQuota, CPUWeight, IOWeight)", "\n".join(errs))

    calm.kill()
    calm.wait()
    rmtree_cg(top)

    # -- Debian's systemd and the OCI runtimes for the hand-off and delegation tests --
    r = subprocess.run(["/usr/lib/systemd/systemd", "--version"], capture_output=True, text=True)
    first = r.stdout.splitlines()[0] if r.stdout else ""
    print(f"# {first}", flush=True)
    ok(r.returncode == 0 and first.startswith("systemd "), "/usr/lib/systemd/systemd --version runs",
       r.stdout + r.stderr)
    for rt in ("runc", "crun"):
        path = shutil.which(rt)
        r = subprocess.run([path, "--version"], capture_output=True, text=True) if path else None
        ok(r is not None and r.returncode == 0, f"{rt} --version runs",
           (r.stdout + r.stderr) if r else f"{rt} not found")

    return finish()


if __name__ == "__main__":
    sys.exit(main())
