#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Runs INSIDE the test VM (scenario_handoff.py starts it through run-in-vm.sh): issue 6's hand-off
scenarios, all in one boot. Usage: scenario_handoff_guest.py /path/to/build/init/sdinit

Each scenario is a container made with unshare: user namespace (container root = uid 0, only that
uid mapped), pid, mount, uts, ipc and cgroup namespaces; PID 1 is moved by the (real) root outside
into a cgroup of its own, which becomes the container's cgroup namespace root; cgroup2 is mounted
at /sys/fs/cgroup inside, a fresh tmpfs on /run, and the test units are copied to
/run/systemd/system (as an image's setup would drop them). Then sdinit boots
`--unit=sdinit-test.target` as PID 1 of the container, with Debian's systemd 252 installed:

  a) delegated, writable cgroup: sdinit hands off; systemd runs the test service
  b) the same cgroup mounted read-only: sdinit runs the units itself
  c) a cgroup owned by an unmapped uid (not delegated): sdinit runs the units itself
  d) delegated, but /usr/lib/systemd/systemd is not a program (bind-mounted file): falls back
  e) delegated, SDINIT_SYSTEMD=never in the image's environment: sdinit runs the units
  f) read-only with --systemd=always (the option wins over SDINIT_SYSTEMD=never): exits 1

The test service writes PID 1's name (/proc/1/comm) and its own cgroup into a marker, so the
marker says which manager ran it. Before sdinit starts, `sdinit detect --json` runs as PID 1 of
a nested pid namespace in the same container, and its plan must agree with the path taken.
Every container is stopped with SIGRTMIN+3 (the STOPSIGNAL the README recommends) and must exit.
Prints TAP; exit 0 when every check passed.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guesttap import children, finish, ok, read, rmtree_cg, wait_for, wait_populated, write  # noqa: E402

CG = "/sys/fs/cgroup"
# Not under /tmp: the image's systemd-tmpfiles (run by sdinit in scenario g) empties /tmp at boot,
# and /tmp may also hold the shared repository (a CI clone), so the containers keep the VM's /tmp.
BASE = "/var/lib/sdinit-handoff"
SYSTEMD = "/usr/lib/systemd/systemd"
UNMAPPED = 100000  # a host uid outside the container's single-uid mapping: shows up as nobody


UNIT_TARGET = """[Unit]
Description=sdinit hand-off test target
Wants=sdinit-test.service
After=sdinit-test.service
DefaultDependencies=no
"""

UNIT_SERVICE = """[Unit]
Description=sdinit hand-off test service
DefaultDependencies=no

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'cat /proc/1/comm /proc/self/cgroup > {marker}.tmp && mv {marker}.tmp {marker}'
"""

# Runs as PID 1 of the new namespaces until it exec()s sdinit. $D, $SDINIT, $CGRO, $BROKEN come
# from the environment.
INNER = r"""
set -e
read _ < "$D/go"
exec unshare --cgroup -- /bin/sh -c '
set -e
# The VM'"'"'s cgroup2 mount is locked in this user namespace and the kernel refuses the same
# file system twice on one mount point: put a tmpfs in between, as a runtime'"'"'s fresh tree has.
mount -t tmpfs -o mode=0755 tmpfs /sys/fs/cgroup
if [ -n "$CGRO" ]; then mount -t cgroup2 -o ro cgroup2 /sys/fs/cgroup; else mount -t cgroup2 cgroup2 /sys/fs/cgroup; fi
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/systemd/system
cp "$D"/units/* /run/systemd/system/
if [ -n "$BROKEN" ]; then mount --bind "$BROKEN" /usr/lib/systemd/systemd; fi
unshare --pid --fork --mount-proc "$SDINIT" detect --json > "$D/detect.json" 2> "$D/detect.err" || true
exec "$SDINIT" --unit=sdinit-test.target $SDINIT_ARGS
'
"""


def start_container(name, d, cg, inner, env):
    """Starts `inner` as PID 1 of new user/pid/mount/uts/ipc namespaces (output to d/console.log),
    moves it into the cgroup cg and lets it go on. Returns (Popen, host pid of PID 1, log path),
    or None when PID 1 did not appear (reported)."""
    log_path = f"{d}/console.log"
    log = open(log_path, "w")
    p = subprocess.Popen(["unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount", "--mount-proc",
                          "--uts", "--ipc", "--kill-child", "--", "/bin/sh", "-c", inner],
                         env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    log.close()
    kids = wait_for(lambda: children(p.pid), 20)
    if not ok(bool(kids), f"{name}: the container's PID 1 started", read(log_path, "")):
        p.kill()
        p.wait()
        return None
    init = kids[0]
    err = write(f"{cg}/cgroup.procs", str(init))
    ok(err is None, f"{name}: PID 1 (host pid {init}) moved into {cg}", err)
    with open(f"{d}/go", "w") as f:
        f.write("go\n")
    return p, init, log_path


def scenario(name, expect_manager, expect_plan, expect_log, cgro=False, delegated=True, broken=False, args="",
             extra_env=None):
    print(f"# ---- scenario {name} ----", flush=True)
    d = f"{BASE}/{name}"
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(f"{d}/units")
    marker = f"{d}/marker"
    with open(f"{d}/units/sdinit-test.target", "w") as f:
        f.write(UNIT_TARGET)
    with open(f"{d}/units/sdinit-test.service", "w") as f:
        f.write(UNIT_SERVICE.format(marker=marker))
    os.mkfifo(f"{d}/go")
    broken_file = ""
    if broken:
        broken_file = f"{d}/not-a-program"
        with open(broken_file, "w") as f:
            f.write("this is not an ELF file and has no #! line\n")
        os.chmod(broken_file, 0o755)

    cg = f"{CG}/sdinit-ho-{name}"
    rmtree_cg(cg)
    os.mkdir(cg)
    if not delegated:
        for p in [cg] + [os.path.join(cg, f) for f in ("cgroup.procs", "cgroup.threads", "cgroup.subtree_control")]:
            os.chown(p, UNMAPPED, UNMAPPED)

    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM": "dumb",
           "container": "sdinit-test", "D": d, "SDINIT": SDINIT, "CGRO": "1" if cgro else "",
           "BROKEN": broken_file, "SDINIT_TEST_PRIVATE": "x", "SDINIT_ARGS": args}
    env.update(extra_env or {})
    started = start_container(name, d, cg, INNER, env)
    if not started:
        return
    p, init, log_path = started

    if expect_manager is None:
        # --systemd=always that cannot hand off: sdinit exits 1 by itself, listing every failure.
        try:
            rc = p.wait(timeout=120)
        except subprocess.TimeoutExpired:
            rc = None
            p.kill()
            p.wait()
        console = read(log_path, "") or ""
        ok(rc == 1, f"{name}: sdinit exits with status 1", f"exit status {rc}\n{console}")
        for line in expect_log:
            ok(line in console, f"{name}: sdinit logged '{line}'", console)
        ok(read(marker) is None, f"{name}: no unit ran")
        for line in console.splitlines()[-25:]:
            print(f"#   {line}", flush=True)
        rmtree_cg(cg)
        return
    got = wait_for(lambda: read(marker) or p.poll() is not None, 180)
    got = read(marker)
    lines = (got or "").split("\n")
    console = read(log_path, "") or ""
    ok(got is not None and lines[0] == expect_manager,
       f"{name}: the test service ran under {expect_manager} as PID 1", f"marker: {got!r}\nconsole:\n{console}")
    if got:
        print(f"#   marker: {' | '.join(l for l in lines if l)}", flush=True)

    det = read(f"{d}/detect.json", "") or ""
    try:
        plan = json.loads(det)["plan"]
    except (ValueError, KeyError):
        plan = None
    ok(plan == expect_plan, f"{name}: sdinit detect --json says plan {expect_plan}",
       f"detect.json: {det}\ndetect.err: {read(f'{d}/detect.err', '')}")

    ok(expect_log in console, f"{name}: sdinit logged '{expect_log}'", console)
    if expect_manager == "systemd":
        procs = (read(f"{cg}/init.scope/cgroup.procs", "") or "").split()
        ok(str(init) in procs, f"{name}: systemd's PID 1 is in init.scope of the delegated cgroup",
           f"init.scope/cgroup.procs: {procs}")
        environ = (open(f"/proc/{init}/environ", "rb").read().decode(errors="replace")).split("\0")
        cmdline = (open(f"/proc/{init}/cmdline", "rb").read().decode(errors="replace")).split("\0")
        ok("container=sdinit-test" in environ and "TERM=dumb" in environ
           and not any(e.startswith("SDINIT_") for e in environ),
           f"{name}: systemd got the runtime's environment without SDINIT_* variables", environ)
        ok(cmdline[:2] == [SYSTEMD, "--unit=sdinit-test.target"], f"{name}: systemd's command line", cmdline)
        ok(lines[1:2] == ["0::/system.slice/sdinit-test.service"],
           f"{name}: systemd ran the service in system.slice/sdinit-test.service", got)
    if delegated and not cgro and expect_manager != "systemd":
        leftovers = [e for e in os.listdir(cg) if e.startswith("sdinit-probe")]
        ok(not leftovers, f"{name}: no probe cgroups left behind", leftovers)

    # Stop the container the way a runtime with STOPSIGNAL SIGRTMIN+3 does.
    t = time.monotonic()
    os.kill(init, signal.SIGRTMIN + 3)
    try:
        rc = p.wait(timeout=120)
    except subprocess.TimeoutExpired:
        rc = None
        p.kill()
        p.wait()
    console = read(log_path, "") or ""
    ok(rc is not None, f"{name}: SIGRTMIN+3 stops the container (exit {rc} after {time.monotonic() - t:.1f} s)",
       console)
    if expect_manager == "systemd":
        # systemd-shutdown ends with reboot(RB_HALT_SYSTEM); in a pid namespace the kernel turns
        # that into SIGINT for the namespace's init (a runtime reports exit status 130).
        ok(rc in (0, -signal.SIGINT), f"{name}: the container halts cleanly (0 or SIGINT from reboot(2))",
           f"exit status {rc}\n{console}")
    else:
        ok(rc == 0, f"{name}: the container exits with status 0", f"exit status {rc}\n{console}")
    populated = wait_populated(cg, 0, 10)
    ok(populated, f"{name}: the container's cgroup is empty afterwards", read(f"{cg}/cgroup.events"))
    print(f"# console of {name}:", flush=True)
    for line in console.splitlines()[-25:]:
        print(f"#   {line}", flush=True)
    rmtree_cg(cg)





INNER_IMAGE = r"""
set -e
read _ < "$D/go"
exec unshare --cgroup -- /bin/sh -c '
set -e
mount -t tmpfs -o mode=0755 tmpfs /sys/fs/cgroup
mount -t cgroup2 -o ro cgroup2 /sys/fs/cgroup
mount -t tmpfs -o mode=0755 tmpfs /run
exec "$SDINIT"
'
"""


def scenario_image_units():
    """Issue 6, part 5: the image's own units (Debian's systemd and friends, its default.target)
    booted by sdinit itself where systemd cannot run (read-only cgroup): the boot completes,
    systemd's units that need systemd as PID 1 are skipped with one line each, what works runs
    (systemd-tmpfiles too), SIGRTMIN+3 stops it."""
    name = "g-image-units"
    print(f"# ---- scenario {name} ----", flush=True)
    d = f"{BASE}/{name}"
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    os.mkfifo(f"{d}/go")
    cg = f"{CG}/sdinit-ho-{name}"
    rmtree_cg(cg)
    os.mkdir(cg)
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM": "dumb",
           "container": "sdinit-test", "D": d, "SDINIT": SDINIT}
    started = start_container(name, d, cg, INNER_IMAGE, env)
    if not started:
        return
    p, init, log_path = started

    def console():
        return read(log_path, "") or ""

    reached = wait_for(lambda: "Reached target graphical.target" in console() or
                       "Reached target multi-user.target" in console() or p.poll() is not None, 120)
    text = console()
    ok(bool(reached) and p.poll() is None, f"{name}: the image's default.target is reached with its own units",
       "\n".join(text.splitlines()[-40:]))
    skipped = [l for l in text.splitlines() if ": skipped: " in l]
    ok(len(skipped) > 0, f"{name}: systemd's own units that need systemd are skipped, one line each ({len(skipped)})",
       "\n".join(text.splitlines()[-40:]))
    os.kill(init, signal.SIGRTMIN + 3)
    try:
        rc = p.wait(timeout=120)
    except subprocess.TimeoutExpired:
        rc = None
        p.kill()
        p.wait()
    text = console()
    ok(rc == 0, f"{name}: SIGRTMIN+3 stops it, exit 0 (rc {rc})", "\n".join(text.splitlines()[-30:]))
    ok("timed out. Killing" not in text, f"{name}: nothing had to be killed after a timeout",
       "\n".join(l for l in text.splitlines() if "timed out" in l))
    for line in skipped[:70]:
        print(f"#   {line}", flush=True)
    rmtree_cg(cg)

def main():
    global SDINIT
    SDINIT = os.path.abspath(sys.argv[1])
    ver = subprocess.run([SYSTEMD, "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    print(f"# {ver}; kernel {os.uname().release}", flush=True)
    os.makedirs(BASE, exist_ok=True)
    for c in ("cpu", "memory", "pids", "io"):
        write(f"{CG}/cgroup.subtree_control", f"+{c}")
    major = ver.split()[1] if len(ver.split()) > 1 else "?"

    scenario("a-delegated", "systemd", "handoff-possible", f"sdinit: handing off to systemd {major} ({SYSTEMD})")
    scenario("b-read-only", "sdinit-manager", "manage-degraded",
             "not handing off to systemd (cgroup-writable): cgroup2 is mounted read-only", cgro=True)
    scenario("c-not-delegated", "sdinit-manager", "manage-degraded",
             "not handing off to systemd (cgroup-writable): our cgroup / is owned by nobody", delegated=False)
    scenario("d-broken-binary", "sdinit-manager", "manage-delegated",
             f"not handing off to systemd (version): cannot execute {SYSTEMD}: Exec format error", broken=True)
    scenario("e-never", "sdinit-manager", "manage-delegated", "cgroup v2 delegated",
             extra_env={"SDINIT_SYSTEMD": "never"})
    scenario("f-always-read-only", None, "manage-degraded",
             ["sdinit: --systemd=always: cannot hand off to systemd (cgroup-writable): cgroup2 is mounted read-only",
              "sdinit: --systemd=always: 1 check failed; exiting"],
             cgro=True, args="--systemd=always", extra_env={"SDINIT_SYSTEMD": "never"})
    scenario_image_units()
    return finish()


if __name__ == "__main__":
    sys.exit(main())
