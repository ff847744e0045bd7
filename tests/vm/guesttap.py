# SPDX-License-Identifier: MIT
"""TAP and the small helpers shared by the scripts that run inside the test VM: ok() prints one
numbered line (with the time since start) and, on failure, the detail as comment lines; finish()
prints the plan and returns the exit status; files, cgroups and bounded waits below."""
import os
import time

T0 = time.monotonic()
_count = {"n": 0, "failed": 0}


def ok(cond, name, detail="", tail=60):
    _count["n"] += 1
    print(f"{'ok' if cond else 'not ok'} {_count['n']} - {name} # {time.monotonic() - T0:.1f} s", flush=True)
    if not cond:
        _count["failed"] += 1
        for line in str(detail).splitlines()[-tail:]:
            print(f"#   {line}", flush=True)
    return cond


def finish():
    print(f"1..{_count['n']}", flush=True)
    return 1 if _count["failed"] else 0


def read(path, default=None):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def write(path, value):
    """Writes value; None on success, else the OSError's text."""
    try:
        with open(path, "w") as f:
            f.write(value)
        return None
    except OSError as e:
        return f"{path}: {e}"


def keyed(text):
    """{key: int} of a flat keyed file's text ("oom_kill 1" lines: memory.events, pids.events); {}
    for None (a file that could not be read)."""
    got = {}
    for line in (text or "").splitlines():
        k, _, v = line.partition(" ")
        got[k] = int(v)
    return got


def wait_for(pred, timeout, step=0.05):
    """pred()'s first true value, or its value at the deadline (which only bounds a failure)."""
    end = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() > end:
            return v
        time.sleep(step)   # polls a state, bounded by the deadline


def wait_populated(cg, want, timeout=30):
    """Until the cgroup's cgroup.events says "populated WANT": true, or false at the deadline."""
    return wait_for(lambda: f"populated {want}" in (read(os.path.join(cg, "cgroup.events")) or ""), timeout)


def children(pid):
    """The pids of pid's children (of its main thread)."""
    return [int(x) for x in (read(f"/proc/{pid}/task/{pid}/children", "") or "").split()]


def rmtree_cg(cg):
    """Removes the cgroup cg and every cgroup below it, deepest first (one that is busy stays)."""
    for dirpath, _, _ in sorted(os.walk(cg), key=lambda t: -t[0].count("/")):
        try:
            os.rmdir(dirpath)
        except OSError:
            pass
