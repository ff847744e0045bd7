#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Manager mode with a delegated cgroup v2 (the OpenShift/CRI-O shape, mapped to uid 100000):
PID 1 takes the cgroup over (init.scope, controllers), every service gets its own cgroup in
systemd's layout, a daemon that escapes its session is still found and stopped through the
cgroup, and the cgroups are removed when the units stop. hugetlb is the only controller here.
Also the not-delegated case: the same units run, with one warning line naming what is missing."""
import os
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "cgroup", "tests"))
import cgharness  # noqa: E402

SDINIT = os.path.abspath(os.environ.get("SDINIT", os.path.join(HERE, "..", "..", "build", "init", "sdinit")))

UNITS = {
    "default.target": "[Unit]\nRequires=basic.target\nAfter=basic.target\nWants=svc.service tmpl@x.service\n",
    "svc.service": "[Service]\nExecStart=/bin/sh -c 'echo svc cgroup $(grep ^0:: /proc/self/cgroup); "
                   "(setsid sh -c \"echo escaped daemon up; exec sleep 1000\" &); exec sleep 1000'\n",
    "tmpl@.service": "[Service]\nExecStart=/bin/sh -c 'echo tmpl cgroup $(grep ^0:: /proc/self/cgroup); exec sleep 1000'\n",
}


def scenario(res, tmp, cg2, name, delegate):
    units = os.path.join(tmp, f"units-{name}")
    cgharness.write_unit_dir(units, UNITS)
    os.environ["SYSTEMD_UNIT_PATH"] = units
    os.environ["SDINIT_SYSTEMD"] = "never"  # this host has systemd installed: test sdinit's own manager
    hc = cgharness.HostCgroup(res, cg2, f"sdinit-test-mgr-{os.getpid()}-{name}", delegate)
    p = None
    try:
        p = cgharness.Pid1(res, tmp, hc, SDINIT, "--unit=default.target")
        seen = []
        it = p.lines(timeout=60)
        for line in it:
            seen.append(line)
            if "Reached target default.target" in line:
                break
        # the services print once they run: wait for both lines
        for line in it:
            seen.append(line)
            if sum(1 for l in seen if " cgroup 0::" in l or "escaped daemon up" in l) >= 3:
                break
        text = "\n".join(seen)
        if delegate:
            res.check(any("cgroup v2 delegated: PID 1 moved to init.scope; controllers enabled: hugetlb" in l for l in seen),
                      f"{name}: take-over reported", text)
            res.check(any(l.endswith("svc cgroup 0::/system.slice/svc.service") for l in seen),
                      f"{name}: svc.service runs in system.slice/svc.service", text)
            res.check(any(l.endswith("tmpl cgroup 0::/system.slice/system-tmpl.slice/tmpl@x.service") for l in seen),
                      f"{name}: an instance runs in system-tmpl.slice", text)
            procs = cgharness.read(os.path.join(hc.path, "init.scope", "cgroup.procs")) or ""
            res.check(str(p.pid1) in procs.split(), f"{name}: PID 1 is in init.scope (seen from the host)", procs)
            svc = (cgharness.read(os.path.join(hc.path, "system.slice", "svc.service", "cgroup.procs")) or "").split()
            res.check(len(svc) >= 2, f"{name}: the escaped daemon is still in svc.service's cgroup ({len(svc)} processes)", svc)
            sc = cgharness.read(os.path.join(hc.path, "cgroup.subtree_control")) or ""
            res.check("hugetlb" in sc.split(), f"{name}: hugetlb enabled in the container's root", sc)
            # Debian's systemctl, as the container's root, sees the unit's cgroup and processes.
            if os.path.exists("/usr/bin/systemctl"):
                st = subprocess.run(["nsenter", "-t", str(p.pid1), "-U", "-m", "-p", "/usr/bin/systemctl", "--no-pager",
                                     "status", "svc.service"], capture_output=True, text=True, timeout=30)
                res.check(st.returncode == 0 and "CGroup: /system.slice/svc.service" in st.stdout and
                          st.stdout.count("sleep 1000") >= 2,
                          f"{name}: systemctl status shows the unit's cgroup with the escaped daemon in it",
                          st.stdout + st.stderr)
        else:
            res.check(any("not delegated" in l and "no cgroup kill" in l for l in seen),
                      f"{name}: one warning line names what is unavailable", text)
            res.check(any(l.endswith("svc cgroup 0::/") for l in seen), f"{name}: services run, without cgroups of their own", text)
        os.kill(p.pid1, signal.SIGTERM)
        rest = list(it)
        text = "\n".join(seen + rest)
        rc = p.wait(timeout=60)
        res.check(rc == 0, f"{name}: SIGTERM: exit 0 (rc {rc})", text)
        res.check(any("Stopped svc.service" in l for l in rest), f"{name}: svc.service stopped", text)
        res.check(not any("timed out. Killing" in l for l in rest), f"{name}: nothing needed SIGKILL", text)
        if delegate:
            res.check(not os.path.exists(os.path.join(hc.path, "system.slice")),
                      f"{name}: every unit cgroup (and system.slice) removed once empty", os.listdir(hc.path))
    finally:
        if p:
            p.close()
        hc.close()


def main():
    return cgharness.deleg_and_not(cgharness.Results("manager-cgroup"), scenario, "sdinit-mgr-cg-")


if __name__ == "__main__":
    sys.exit(main())
