#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""First boot (issue 15): systemd 252 applies the preset policy to every unit file when it boots
a system whose /etc/machine-id is missing or says "uninitialized" (src/core/main.c
log_execution_mode(), manager.c manager_preset_all(), after the generators), creates
/run/systemd/first-boot for ConditionFirstBoot= and removes it once the boot is done. The same
unit directory, preset file and machine-id are booted under Debian's real systemd 252 and under
sdinit (oraclelib.py: user namespace, delegated cgroup v2, private /run, /tmp, /dev and
/etc/systemd/system), and compared: is-enabled of each test unit, every symlink preset-all left in
/etc/systemd/system for the test's units (their enablement), the ConditionFirstBoot= units' states, and /run/systemd/first-boot after the
boot. Cases: machine-id "uninitialized" (first boot), empty (not a first boot in 252) and a real
id. fb-pre.service is enabled before the boot and preset "disable": systemd's first-boot preset
only enables, so it stays enabled. Without a delegated cgroup v2 the test SKIPs loudly.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oraclelib  # noqa: E402
from harness import Tap  # noqa: E402

UNITS = ("fb-on.service", "fb-off.service", "fb-pre.service", "fb-static.service", "fb-glob.service",
         "fb-cond.service", "fb-notcond.service")
PRESET = "enable fb-on.service\ndisable fb-off.service\ndisable fb-pre.service\nenable fb-gl*.service\n"
CASES = (("uninitialized", "uninitialized\n"), ("empty", ""), ("initialised", "0123456789abcdef0123456789abcdef\n"))
INSTALL = "[Install]\nWantedBy=multi-user.target\n"


def write_units(d):
    os.makedirs(d)
    os.chmod(d, 0o755)
    svc = "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n"
    files = {
        "default.target": "[Unit]\nDescription=first boot\nWants=fb-cond.service fb-notcond.service\n",
        "multi-user.target": "[Unit]\nDescription=first boot multi-user\n",
        "fb-cond.service": "[Unit]\nDefaultDependencies=no\nConditionFirstBoot=yes\n" + svc,
        "fb-notcond.service": "[Unit]\nDefaultDependencies=no\nConditionFirstBoot=no\n" + svc,
        "fb-static.service": "[Unit]\nDefaultDependencies=no\n" + svc,
    }
    for u in ("fb-on.service", "fb-off.service", "fb-pre.service", "fb-glob.service"):
        files[u] = "[Unit]\nDefaultDependencies=no\n" + svc + INSTALL
    for name, text in files.items():
        with open(os.path.join(d, name), "w") as f:
            f.write(text)


def setup_cmd(work, unitdir, case):
    mid = os.path.join(work, f"machine-id-{case}")
    pre = os.path.join(work, "presets")
    return (f"cp {mid} /run/fb-machine-id && mount --bind /run/fb-machine-id /etc/machine-id && "
            f"mkdir -p /run/systemd/system-preset && cp {pre} /run/systemd/system-preset/10-fb.preset && "
            f"mkdir -p /etc/systemd/system/multi-user.target.wants && "
            f"ln -s {unitdir}/fb-pre.service /etc/systemd/system/multi-user.target.wants/fb-pre.service")


def inside(p, *cmd):
    r = subprocess.run(["nsenter", "-t", str(p.pid1), "-U", "-m", "-p"] + list(cmd), capture_output=True, text=True,
                       timeout=60)
    return r.stdout


def observe(p):
    """What the boot left: enablement, condition results, first-boot flag, every link in /etc."""
    p.wait_ready()
    p.settle()
    got = {}
    st = p.show(["fb-cond.service", "fb-notcond.service"], ("ActiveState", "ConditionResult"))
    got["conditions"] = st
    got["/run/systemd/first-boot"] = inside(p, "sh", "-c", "test -e /run/systemd/first-boot && echo yes || echo no").strip()
    links = inside(p, "sh", "-c", "cd /etc/systemd/system && find . -type l -printf '%p -> %l\\n' | sort")
    got["links"] = links.splitlines()
    # Enablement as the links say (`systemctl is-enabled` cannot tell here: /etc/systemd/system
    # is not in the test's unit search path, so both managers answer "disabled").
    for u in UNITS:
        got["enabled " + u] = any(ln.startswith(f"./multi-user.target.wants/{u} -> ") for ln in got["links"])
    return got


def boot(kind, cg2, work, unitdir, case):
    p = oraclelib.boot(kind, cg2, f"sdinit-fb-{kind}-{case}-{os.getpid()}", work, unitdir, ("/etc/systemd/system",),
                       setup=setup_cmd(work, unitdir, case))
    try:
        got = observe(p)
        oraclelib.stop(kind, p)
        if "--dump" in sys.argv:
            print("\n".join("#  " + ln for ln in p.output().splitlines() if "preset" in ln or "first boot" in ln))
        return got, p.output()
    finally:
        p.close()


def main():
    tap = Tap()
    cg2 = oraclelib.root_or_skip(tap, "first boot")
    work = tempfile.mkdtemp(prefix="sdinit-fb-", dir="/var/tmp")
    os.chmod(work, 0o755)
    unitdir = os.path.join(work, "units")
    write_units(unitdir)
    with open(os.path.join(work, "presets"), "w") as f:
        f.write(PRESET)
    for case, text in CASES:
        with open(os.path.join(work, f"machine-id-{case}"), "w") as f:
            f.write(text)
    for name in os.listdir(work):
        os.chmod(os.path.join(work, name), 0o755)
    try:
        for case, _ in CASES:
            sd, sd_out = boot("systemd", cg2, work, unitdir, case)
            mine, out = boot("sdinit", cg2, work, unitdir, case)
            if "--dump" in sys.argv:
                print(f"# {case}: systemd {sd!r}\n# sdinit {mine!r}")
            first = case == "uninitialized"
            # The oracle itself shows the rule: only the first boot enables fb-on.service.
            tap.ok(sd["enabled fb-on.service"] == first and sd["enabled fb-pre.service"] and not sd["enabled fb-off.service"],
                   f"{case}: systemd {'enables' if first else 'leaves'} fb-on.service, keeps fb-pre, not fb-off", sd)
            for k in sd:
                if k == "links":
                    continue
                tap.eq(mine[k], sd[k], f"{case}: {k}")
            # Every link preset-all made for the test's units.
            fb_sd = sorted(ln for ln in sd["links"] if "fb-" in ln)
            fb_mine = sorted(ln for ln in mine["links"] if "fb-" in ln)
            tap.eq(fb_mine, fb_sd, f"{case}: the same {len(fb_sd)} links of the test's units in /etc/systemd/system")
            # The host's units (/lib/systemd/system is in the path too): an alias symlink there
            # (runlevel0.target -> poweroff.target) resolves to /usr/lib/systemd/system, which is
            # not in this test's search path, so systemd 252 takes it for a linked unit file
            # (unit_file_resolve_symlink(): outside the search path) and presets it under the
            # alias name; sdinit takes it for an alias and skips it. An artefact of a search path
            # naming a symlinked directory; reported, not compared.
            only_sd = sorted(set(sd["links"]) - set(mine["links"]))
            only_mine = sorted(set(mine["links"]) - set(sd["links"]))
            if only_sd or only_mine:
                print(f"# {case}: host unit links differ: only systemd {len(only_sd)}, only sdinit {len(only_mine)}")
            tap.ok(("Detected first boot." in out) == first, f"{case}: sdinit says 'Detected first boot.' only then",
                   out[-2000:])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tap.run([])


if __name__ == "__main__":
    main()
