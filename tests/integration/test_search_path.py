#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""One unit search path (issue 13): a unit present in both /lib/systemd/system and
/usr/lib/systemd/system, with different content, resolves to the same file for the manager's
loader (`sdinit verify --root`, the registry the manager builds with unit_registry_new_from_env)
and for `systemctl enable` (install/), and that file is the one systemd 252 picks:
`systemd-analyze --root=R verify` (the manager's own loader, offline) names the file it read in
its "Unknown key" warning, and the real `systemctl --root=R enable` writes the symlink. Each file
carries a different unknown key so the warning says which one was loaded. Also with
$SYSTEMD_UNIT_PATH naming the two directories in the other order, and with a trailing colon.

SKIP without Debian's systemd-analyze and systemctl.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Skip, Tap  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SDINIT = os.environ.get("SDINIT") or os.path.join(HERE, "..", "..", "build", "init", "sdinit")
OURS = os.environ.get("SDINIT_SYSTEMCTL") or os.path.join(HERE, "..", "..", "build", "init", "systemctl")
ANALYZE = "/usr/bin/systemd-analyze"
SYSTEMCTL = "/usr/bin/systemctl"
BASE = dict(os.environ, LANG="C.UTF-8", SYSTEMD_LOG_LEVEL="info", SYSTEMD_COLORS="0", SYSTEMD_PAGER="")
BASE.pop("SYSTEMD_UNIT_PATH", None)

UNIT = "[Unit]\nDescription={d}\n[Service]\nExecStart=/bin/true\n{key}=1\n[Install]\nWantedBy=multi-user.target\n"
DIRS = {"lib/systemd/system": "FromLib", "usr/lib/systemd/system": "FromUsrLib"}


def make_root():
    root = tempfile.mkdtemp(prefix="sdinit-searchpath-", dir="/var/tmp")
    for d, key in DIRS.items():
        os.makedirs(os.path.join(root, d))
        with open(os.path.join(root, d, "x.service"), "w") as f:
            f.write(UNIT.format(d=key, key=key))
    os.makedirs(os.path.join(root, "etc/systemd/system"))
    return root


def run(argv, env):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)
    return p.returncode, p.stdout + p.stderr


def loaded_file(text, root):
    """The unit file named in the 'Unknown key' warning, as seen inside root."""
    m = re.search(re.escape(root) + r"(/\S+/x\.service):\d+: Unknown key", text)
    return m.group(1) if m else None


def enabled_target(argv, env, root):
    rc, out = run(argv + ["--root=" + root, "enable", "x.service"], env)
    link = os.path.join(root, "etc/systemd/system/multi-user.target.wants/x.service")
    return os.readlink(link) if os.path.islink(link) else f"(no symlink, rc={rc}: {out.strip()})"


def case(tap, label, unit_path):
    env = dict(BASE)
    if unit_path is not None:
        env["SYSTEMD_UNIT_PATH"] = unit_path
    roots = [make_root() for _ in range(4)]
    try:
        _, out = run([ANALYZE, "--root=" + roots[0], "verify", "x.service"], env)
        want = loaded_file(out, roots[0])
        if want is None:
            raise Skip("systemd-analyze --root verify named no file: " + out.strip()[:200])
        _, out = run([SDINIT, "verify", "--root", roots[1], "x.service"], env)
        tap.eq(loaded_file(out, roots[1]), want, f"{label}: the manager's loader reads systemd's file")
        real = enabled_target([SYSTEMCTL], env, roots[2])
        tap.eq(real, want, f"{label}: systemctl enable (systemd) links the file systemd loads")
        tap.eq(enabled_target([OURS], env, roots[3]), real, f"{label}: systemctl enable (sdinit) links the same file")
    finally:
        for r in roots:
            shutil.rmtree(r, ignore_errors=True)


def test_default_path(tap):
    case(tap, "default search path", None)


def test_unit_path_env(tap):
    case(tap, "SYSTEMD_UNIT_PATH=/usr/lib first", "/usr/lib/systemd/system:/lib/systemd/system")
    case(tap, "SYSTEMD_UNIT_PATH with trailing colon", "/etc/systemd/system:")


if __name__ == "__main__":
    if not (os.path.exists(ANALYZE) and os.path.exists(SYSTEMCTL)):
        print("1..0 # SKIP Debian's systemd-analyze or systemctl is not installed")
        sys.exit(77)
    Tap().run([test_default_path, test_unit_path_env])
