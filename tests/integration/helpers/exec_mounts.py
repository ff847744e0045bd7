# SPDX-License-Identifier: MIT
"""Runs as PID 1 of the test's namespaces for an instant: mounts a fresh tmpfs on each
directory named before "--" (the host's /var/lib, /var/cache... stay untouched), then execs
the rest (sdinit), which keeps PID 1."""
import os
import subprocess
import sys

sep = sys.argv.index("--")
for d in sys.argv[1:sep]:
    os.makedirs(d, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=755", "tmpfs", d], check=True)
os.execv(sys.argv[sep + 1], sys.argv[sep + 1:])
