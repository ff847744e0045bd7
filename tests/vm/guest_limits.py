#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs INSIDE the test VM (pure cgroup v2, cpu/memory/pids/io available): sdinit boots a unit
set as PID 1 of a container that owns the cgroup `sdinit-ctr` (its own cgroup and PID namespaces,
cgroup2 mounted inside, the way a runtime delegates one), and issue 5's scenarios are checked:
  - MemoryMax= kills a memory hog (memory.events oom_kill); sdinit records it as an OOM kill and
    restarts it per Restart=; a neighbour service is untouched;
  - TasksMax= stops a fork bomb at the limit; other services still start;
  - a service that keeps forking children that ignore SIGTERM is emptied through cgroup.kill;
  - SIGTERM stops the container (exit 0) and every unit cgroup is removed.
Usage: guest_limits.py PATH-TO-sdinit. Prints TAP; exit 0 when all checks pass."""
import os
import select
import signal
import subprocess
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guesttap import finish, ok, read  # noqa: E402

SDINIT = sys.argv[1]
CG = "/sys/fs/cgroup"
CTR = os.path.join(CG, "sdinit-ctr")






UNITS = {
    "default.target": "[Unit]\nRequires=basic.target\nAfter=basic.target\n"
                      "Wants=hog.service neighbour.service bomb.service late.service forker.service pinned.service\n",
    "pinned.service": "[Service]\nAllowedCPUs=0\nCPUWeight=50\nCPUQuota=20%\nExecStart=/bin/sh -c 'grep Cpus_allowed_list /proc/self/status; exec sleep 1000'\n",
    "hog.service": "[Service]\nMemoryMax=32M\nMemorySwapMax=0\nRestart=on-failure\nRestartSec=300ms\n"
                   "ExecStart=/usr/bin/python3 -c \"import sys\\nprint('hog allocating', flush=True)\\nb = []\\n"
                   "while len(b) < 400: b.append(bytearray(1 << 20))\\nprint('hog was not stopped at 400 MB', flush=True)\\n"
                   "import time\\ntime.sleep(1000)\"\n",
    "neighbour.service": "[Service]\nExecStart=/bin/sh -c 'echo neighbour up; exec sleep 1000'\n",
    "bomb.service": "[Service]\nTasksMax=16\nExecStart=/usr/bin/python3 -c \"import os, time\\nn = 0\\n"
                    "while n < 200:\\n    try:\\n        if os.fork() == 0:\\n            time.sleep(1000)\\n            os._exit(0)\\n"
                    "        n += 1\\n    except OSError as e:\\n        print('fork refused:', e.strerror, flush=True)\\n        break\\n"
                    "print('bomb holds', n, 'children', flush=True)\\ntime.sleep(1000)\"\n",
    "late.service": "[Unit]\nAfter=bomb.service\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/echo late service started\n",
    "forker.service": "[Service]\nTimeoutStopSec=1\nExecStart=/bin/sh -c 'echo forker up; "
                      "while :; do (trap \"\" TERM; exec sleep 1000) & sleep 0.05; done'\n",
}


def main():
    for c in ("cpu", "cpuset", "memory", "pids", "io"):
        with open(os.path.join(CG, "cgroup.subtree_control"), "w") as f:
            f.write("+" + c)
    os.mkdir(CTR)
    units = "/tmp/units"
    os.mkdir(units)
    for name, text in UNITS.items():
        with open(os.path.join(units, name), "w") as f:
            f.write(text)
    env = dict(os.environ, SYSTEMD_UNIT_PATH=units, SDINIT_SYSTEMD="never")  # test sdinit's own manager

    # What `sdinit detect` says as PID 1 of such a container, against what was set up.
    det = os.path.join(CG, "sdinit-detect")
    os.mkdir(det)
    inner = ('echo 1 > /sys/fs/cgroup/sdinit-detect/cgroup.procs && exec unshare --cgroup --mount '
             'sh -c \'umount -l /sys/fs/cgroup; mount -t cgroup2 cgroup2 /sys/fs/cgroup && exec "$0" detect --json\' "$0"')
    r = subprocess.run(["unshare", "--pid", "--fork", "--mount", "--mount-proc", "sh", "-c", inner, SDINIT],
                       capture_output=True, text=True, timeout=60)
    import json
    try:
        d = json.loads(r.stdout)
    except ValueError:
        d = {}
    cgi = d.get("cgroup", {})
    ok(cgi.get("layout") == "v2" and cgi.get("namespace") is True and cgi.get("own_path") == "/",
       "detect: v2, own cgroup namespace, own cgroup '/'", r.stdout + r.stderr)
    ok(cgi.get("delegated") is True and {"cpu", "memory", "pids", "io"} <= set(cgi.get("controllers_available", [])),
       "detect: delegated, with cpu/memory/pids/io available", r.stdout)
    os.rmdir(det)
    # (The hog stops by itself at 400 MB: should MemoryMax= not hold, the VM must not thrash.)
    # PID 1 of a new PID namespace moves itself into the container cgroup, then gets its own
    # cgroup namespace and a cgroup2 mount: the shape a runtime gives a container.
    inner = ('echo 1 > /sys/fs/cgroup/sdinit-ctr/cgroup.procs && exec unshare --cgroup --mount '
             'sh -c \'umount -l /sys/fs/cgroup; mount -t cgroup2 cgroup2 /sys/fs/cgroup && '
             'mount -t tmpfs tmpfs /run && exec "$0" --unit=default.target\' "$0"')
    p = subprocess.Popen(["unshare", "--pid", "--fork", "--mount", "--mount-proc", "--kill-child", "sh", "-c", inner, SDINIT],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    lines, buf = [], b""
    deadline = time.monotonic() + 120

    def wait_for(pred, what):
        nonlocal buf
        while True:
            for l in lines:
                if pred(l):
                    return True
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
                ok(False, f"saw {what}", "\n".join(lines))
                return False
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                ok(False, f"saw {what} (PID 1 exited)", "\n".join(lines))
                return False
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                lines.append(line.decode(errors="replace"))
                print(f"# | {lines[-1]}", flush=True)

    wait_for(lambda l: "cgroup v2 delegated" in l, "the take-over")
    ok(any("controllers enabled:" in l and "memory" in l and "pids" in l for l in lines), "memory and pids enabled for the services")
    wait_for(lambda l: "Reached target default.target" in l, "the boot")
    wait_for(lambda l: "hog.service: A process of this unit has been killed by the OOM killer." in l, "the OOM kill")
    wait_for(lambda l: "hog.service: restarting (restart counter is at 1)" in l, "the restart")
    wait_for(lambda l: l.count("hog allocating") and sum("hog.service: hog allocating" in x for x in lines) >= 2, "the hog running again")
    ok(True, "MemoryMax=: the hog is OOM-killed, recorded, and restarted per Restart=")
    events = read(os.path.join(CTR, "system.slice", "hog.service", "memory.events")) or ""
    ok("oom_kill" in events, "memory.events of hog.service counts the kill", events)
    ok(not any("neighbour.service: Main process" in l for l in lines), "the neighbour is untouched", "\n".join(lines))
    wait_for(lambda l: "bomb.service: bomb holds" in l, "the fork bomb held")
    ok(any("bomb.service: fork refused: Resource temporarily unavailable" in l for l in lines), "the bomb's fork is refused")
    wait_for(lambda l: "late service started" in l, "a service started after the fork bomb")
    pids = read(os.path.join(CTR, "system.slice", "bomb.service", "pids.current"))
    pev = read(os.path.join(CTR, "system.slice", "bomb.service", "pids.events")) or ""
    ok(pids is not None and int(pids) <= 16, f"TasksMax=16: the bomb is held at {pids and pids.strip()} tasks", pev)
    ok("max " in pev and pev.split("max ")[1].split()[0] != "0", "pids.events counts refused forks", pev)
    wait_for(lambda l: "forker.service: forker up" in l, "the forker")
    wait_for(lambda l: "pinned.service: Cpus_allowed_list:" in l, "the pinned service")
    ok(any(l.endswith("Cpus_allowed_list:\t0") for l in lines), "AllowedCPUs=0: the service runs on CPU 0 only",
       [l for l in lines if "Cpus_allowed" in l])
    pin = os.path.join(CTR, "system.slice", "pinned.service")
    ok((read(os.path.join(pin, "cpu.weight")) or "").strip() == "50", "CPUWeight=50 in cpu.weight")
    ok((read(os.path.join(pin, "cpu.max")) or "").strip() == "20000 100000", "CPUQuota=20% in cpu.max",
       read(os.path.join(pin, "cpu.max")))

    pid1 = None
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            st = read(f"/proc/{pid}/status") or ""
            ns = [l for l in st.splitlines() if l.startswith("NSpid:")]
            if ns and ns[0].split()[1:][-1] == "1" and len(ns[0].split()) > 2:
                pid1 = int(pid)
    if not ok(pid1 is not None, "found the container's PID 1"):
        p.kill()
        finish()
        return 1
    # systemctl status (Debian's, through sdinit's D-Bus API) and sdinit status show the numbers
    # of the unit's cgroup: memory, tasks, the cgroup and its processes.
    if os.path.exists("/usr/bin/systemctl"):
        st = subprocess.run(["nsenter", "-t", str(pid1), "-m", "-p", "/usr/bin/systemctl", "--no-pager", "status",
                             "neighbour.service"], capture_output=True, text=True, timeout=60)
        ok(st.returncode == 0 and "Tasks: 1" in st.stdout and "Memory:" in st.stdout and
           "CGroup: /system.slice/neighbour.service" in st.stdout and "sleep 1000" in st.stdout,
           "systemctl status: tasks, memory, cgroup and process of the unit", st.stdout + st.stderr)
    st = subprocess.run(["nsenter", "-t", str(pid1), "-m", "-p", SDINIT, "status"], capture_output=True, text=True, timeout=60)
    row = [l.split() for l in st.stdout.splitlines() if l.startswith("neighbour.service")]
    ok(bool(row) and "-" not in row[0][-2:], "sdinit status: memory and tasks of a unit from its cgroup", st.stdout + st.stderr)
    forker_procs = (read(os.path.join(CTR, "system.slice", "forker.service", "cgroup.procs")) or "").split()
    ok(len(forker_procs) > 3, f"the forker has children ({len(forker_procs)} processes)")
    os.kill(pid1, signal.SIGTERM)
    rest, _ = p.communicate(timeout=60)
    for line in (buf + rest).decode(errors="replace").splitlines():
        lines.append(line)
        print(f"# | {line}", flush=True)
    ok(p.returncode == 0, f"SIGTERM: the container exits 0 (rc {p.returncode})", "\n".join(lines))
    ok(any("forker.service: state 'stop-sigterm' timed out. Killing." in l for l in lines) and
       any("Stopped forker.service" in l for l in lines), "children ignoring SIGTERM: emptied with cgroup.kill", "\n".join(lines))
    left = sorted(os.listdir(CTR))
    ok("system.slice" not in left, "every unit cgroup removed", left)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
