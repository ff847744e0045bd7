#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The README's demo: examples/dropin-demo/app.sh runs under sdinit as PID 1 in new user, PID and
mount namespaces (a container without a container engine). When the app is ready, the demo sends
SIGTERM to PID 1, as `docker stop` does, and shows what happens.

Usage: run.py [PATH-TO-sdinit]   (default: build/init/sdinit)
"""
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sdinit = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build", "init", "sdinit"))
app = os.path.join(root, "examples", "dropin-demo", "app.sh")
cmd = ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount", "--mount-proc", "--kill-child",
       sdinit, "-v", "--grace", "5", "--", app]

print("demo: $ " + " ".join(cmd), flush=True)
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
pid1 = None
for line in p.stdout:
    print("   | " + line, end="", flush=True)
    if line.startswith("app: READY"):
        kids = []
        while not kids:  # unshare forked PID 1 long ago; this finds its host pid
            kids = open(f"/proc/{p.pid}/task/{p.pid}/children").read().split()
        pid1 = int(kids[0])
        print(f"demo: sending SIGTERM to the container's PID 1 (host pid {pid1}), as 'docker stop' does", flush=True)
        os.kill(pid1, 15)
rc = p.wait()
print(f"demo: container exited with status {rc}")
print("demo: sdinit forwarded SIGTERM to the app, gave the stray daemon SIGTERM too (--grace), reaped every orphan,")
print("demo: and exited with the app's status. Without --grace the daemon would have been SIGKILLed unannounced.")
sys.exit(0 if rc == 0 else 1)
