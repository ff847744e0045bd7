# SPDX-License-Identifier: MIT
"""TAP for the scripts that run inside the test VM: ok() prints one numbered line (with the time
since start) and, on failure, the detail as comment lines; finish() prints the plan and returns
the exit status."""
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
