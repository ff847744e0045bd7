#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The README's demo of manager mode: sdinit boots the unit files of examples/manager-demo/units
as PID 1 of a container-like sandbox (new user, PID, mount and network namespaces, its own /run),
then the demo drives it the way an operator would, from inside the "container" (as `docker exec`
does): curl the web service, `systemctl status`, `systemctl reload`, kill -9 the web server and
watch Restart= bring it back, `sdinit status`, and finally stop the container with SIGRTMIN+3
(systemd images' STOPSIGNAL).

Usage: run.py [PATH-TO-sdinit] [--plot FILE.svg]
  (default: build/init/sdinit; its sibling `systemctl` link is used). With --plot, Debian's
  `systemd-analyze plot` of the boot, run inside, is saved to FILE.svg (docs/demo-boot.svg).
"""
import os
import re
import select
import signal
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
args = sys.argv[1:]
plot = None
if "--plot" in args:
    i = args.index("--plot")
    plot = args[i + 1]
    del args[i:i + 2]
sdinit = os.path.abspath(args[0] if args else os.path.join(root, "build", "init", "sdinit"))
ANALYZE = "/usr/bin/systemd-analyze"
systemctl = os.path.join(os.path.dirname(sdinit), "systemctl")  # the build's link to sdinit
setup = ("ip link set lo up && mount -t tmpfs -o mode=755 tmpfs /run && "
         "mount -t tmpfs -o mode=755 tmpfs /usr/local/lib && mkdir /usr/local/lib/sdinit-demo && "
         f"cp {here}/lib/worker.py /usr/local/lib/sdinit-demo/ && exec \"$@\"")
cmd = ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount", "--mount-proc", "--kill-child", "--net",
       "/bin/sh", "-c", setup, "sh", sdinit, "--unit", "demo.target"]
env = dict(os.environ, SYSTEMD_UNIT_PATH=os.path.join(here, "units"), SDINIT_SYSTEMD="never")

print("demo: $ SYSTEMD_UNIT_PATH=examples/manager-demo/units " + " ".join(cmd[:8]) + " ... sdinit --unit demo.target",
      flush=True)
p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
buf = b""
lines = []


def read_until(pattern, timeout=30):
    """Echoes PID 1's output until a line matches."""
    global buf
    rx = re.compile(pattern)
    end = time.monotonic() + timeout
    while True:
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            text = line.decode(errors="replace")
            lines.append(text)
            print("   | " + text, flush=True)
            if rx.search(text):
                return text
        left = end - time.monotonic()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            sys.exit(f"demo: timed out waiting for {pattern!r}")
        chunk = os.read(p.stdout.fileno(), 65536)
        if not chunk:
            sys.exit(f"demo: PID 1 exited early (waiting for {pattern!r})")
        buf += chunk


def pid1():
    todo = [p.pid]
    while todo:
        pid = todo.pop()
        try:
            nspid = [l for l in open(f"/proc/{pid}/status") if l.startswith("NSpid:")][0].split()[1:]
            if len(nspid) > 1 and nspid[-1] == "1":
                return pid
            todo += [int(k) for k in open(f"/proc/{pid}/task/{pid}/children").read().split()]
        except (OSError, IndexError):
            pass
    sys.exit("demo: PID 1 not found")


def inside(*argv):
    """Runs a command inside the container, as `docker exec` would."""
    print("demo: (inside) $ " + " ".join(os.path.basename(a) if a in (systemctl, sdinit) else a for a in argv), flush=True)
    r = subprocess.run(["nsenter", "-t", str(pid1()), "-U", "-m", "-p", "-n", "--preserve-credentials"] + list(argv),
                       capture_output=True, text=True, timeout=30)
    for line in (r.stdout + r.stderr).splitlines():
        print("   > " + line, flush=True)
    return r


def fetch():
    for _ in range(100):
        r = subprocess.run(["nsenter", "-t", str(pid1()), "-n", "python3", "-c",
                            "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8080/').read().decode().strip())"],
                           capture_output=True, text=True, timeout=30)
        if r.returncode == 0:
            print("demo: GET http://127.0.0.1:8080/ -> " + r.stdout.strip(), flush=True)
            return True
        time.sleep(0.05)  # the server is active a moment before it listens
    return False


read_until(r"Reached target demo.target")
ok = fetch()
if os.access(ANALYZE, os.X_OK):
    # Debian's systemd-analyze reads sdinit's D-Bus properties as it reads systemd's.
    inside(ANALYZE, "blame")
    if plot:
        r = subprocess.run(["nsenter", "-t", str(pid1()), "-U", "-m", "-p", "-n", "--preserve-credentials", ANALYZE, "plot"],
                           capture_output=True, text=True, timeout=30)
        with open(plot, "w") as f:
            f.write(r.stdout)
        print(f"demo: (inside) $ systemd-analyze plot > {plot}   (status {r.returncode})", flush=True)
inside(systemctl, "status", "--no-pager", "worker.service")
inside(systemctl, "reload", "worker.service")
inside(systemctl, "show", "-p", "StatusText", "worker.service")
main = inside(systemctl, "show", "-p", "MainPID", "--value", "web.service").stdout.strip()
print(f"demo: kill -9 the web server (pid {main} inside); Restart=on-failure brings it back", flush=True)
inside("kill", "-9", main)
read_until(r"web.service: restarting")
ok = fetch() and ok
inside(sdinit, "status")
print("demo: sending SIGRTMIN+3 to PID 1, as 'docker stop' does for STOPSIGNAL SIGRTMIN+3", flush=True)
os.kill(pid1(), signal.SIGRTMIN + 3)
rest, _ = p.communicate(timeout=60)
for line in (buf + rest).decode(errors="replace").splitlines():
    print("   | " + line, flush=True)
print(f"demo: the container exited with status {p.returncode}; every unit was stopped in reverse order first")
sys.exit(0 if p.returncode == 0 and ok else 1)
