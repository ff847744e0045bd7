#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""sdinit's systemctl and Debian's real systemctl against sdinit as PID 1 (its D-Bus API on
/run/systemd/private), differentially: the same verbs, in the same order, on the same boot, run
through nsenter into PID 1's namespaces; exit codes and output must be identical (status lines
with times are compared without the "since ...; N ago" part). SKIP without /usr/bin/systemctl or
when sdinit-manager does not serve the API yet."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Skip, Tap  # noqa: E402
from bootlib import Boot  # noqa: E402

REAL = "/usr/bin/systemctl"
OURS = os.environ.get("SDINIT_SYSTEMCTL") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "ctl", "sdinit-systemctl")

UNITS = {
    "a.service": "[Unit]\nDescription=Service A\n[Service]\nExecStart=/bin/sleep 1000\n",
    "f.service": "[Unit]\nDescription=Fails\n[Service]\nType=oneshot\nExecStart=/bin/false\n",
    "o.service": "[Unit]\nDescription=Oneshot\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\n",
    "multi-user.target": "[Unit]\nDescription=MU\nWants=a.service\n",
}


def in_ns(pid, binary, args):
    p = subprocess.run(["nsenter", "-t", str(pid), "-n", "-m", "-p", binary] + args, capture_output=True, text=True,
                       timeout=30, env=dict(os.environ, LANG="C.UTF-8", SYSTEMD_COLORS="0", SYSTEMD_PAGER=""))
    strip = lambda s: re.sub(r" since .*? ago", " since <time>", s)  # noqa: E731
    return p.returncode, strip(p.stdout), strip(p.stderr)


def t_verbs(tap):
    if not os.access(REAL, os.X_OK):
        raise Skip("no /usr/bin/systemctl")
    b = Boot(UNITS, net=True, args=["--unit", "multi-user.target"])
    try:
        b.expect(r"a\.service", 30)
        pid = b.p.host_pid()
        if in_ns(pid, REAL, ["is-system-running"])[2].startswith("Failed to connect"):
            raise Skip("sdinit-manager does not serve /run/systemd/private yet")
        seq = [["is-active", "a.service"], ["is-active", "nope.service"], ["status", "a.service"],
               ["status", "nope.service"], ["start", "f.service"], ["is-failed", "f.service"],
               ["status", "f.service"], ["reset-failed", "f.service"], ["is-failed", "f.service"],
               ["start", "o.service"], ["status", "o.service"], ["list-units"], ["list-units", "--all", "--plain"],
               ["list-units", "--state=failed"], ["list-units", "*.target", "--no-legend"],
               ["show", "a.service", "-p", "ActiveState,SubState,MainPID,Id"], ["show", "a.service", "-P", "ActiveState"],
               ["is-enabled", "a.service"], ["list-jobs"], ["cat", "a.service"], ["cat", "nope.service"],
               ["restart", "a.service"], ["try-restart", "o.service"], ["reload-or-restart", "o.service"],
               ["kill", "-s", "SIGTERM", "a.service"], ["start", "nope.service"],
               ["stop", "a.service", "--ignore-dependencies"], ["is-active", "a.service"],
               ["start", "--no-block", "a.service"], ["is-system-running"], ["daemon-reload"]]
        for args in seq:
            ra = in_ns(pid, REAL, args)
            if args == ["reset-failed", "f.service"]:
                # Reset, f.service is inactive and nothing references it: PID 1 unloads it (systemd's
                # unit GC), so the second client would find it not loaded. Fail it again first.
                in_ns(pid, REAL, ["start", "f.service"])
            rb = in_ns(pid, OURS, args)
            tap.ok(ra == rb, "systemctl " + " ".join(args), f"real:   {ra!r}\nsdinit: {rb!r}")
    finally:
        b.p.kill(15)
        b.p.wait()


def main():
    if not os.access(OURS, os.X_OK):
        print(f"1..0 # SKIP {OURS} not built")
        sys.exit(77)
    Tap().run([t_verbs])


if __name__ == "__main__":
    main()
