#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""systemctl preset, preset-all, --preset-mode= and enable/disable --now against sdinit as PID 1
(issue 15), over its D-Bus API (PresetUnitFiles, PresetUnitFilesWithMode, PresetAllUnitFiles).

Each step runs in a fresh boot per client: Debian's real systemctl, then sdinit's own (the
`systemctl` personality), through nsenter into PID 1's namespaces. The preset policy is a file in
the container's private /run/systemd/system-preset (a "disable *" ends it, so the host's own
preset files decide nothing). Checked, step by step:
  - both clients: the same exit code, stdout and stderr;
  - the symlinks below /etc/systemd/system and /run/systemd/system after each step are the ones
    Debian's systemctl makes offline (`systemctl --root=COPY`, the same unit path and preset files)
    from the same starting point: systemd's own rules are the oracle for what PID 1 did;
  - `systemctl is-enabled` agrees; enable --now starts the unit, disable --now stops it.
Then the D-Bus methods directly (busctl): their signatures as systemd's, an unknown preset mode
refused with InvalidArgs, a FIFO among the preset files skipped, and PID 1 answering afterwards. SKIP without /usr/bin/systemctl."""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import Skip, Tap  # noqa: E402
from test_systemctl import REAL, impls  # noqa: E402

WB = "[Install]\nWantedBy=multi-user.target\n"
SLEEP = "[Service]\nExecStart=/bin/sleep infinity\n"
UNITS = {
    "default.target": "[Unit]\nDescription=Test target\n",
    "multi-user.target": "[Unit]\nDescription=Multi-User\n",
    "on.service": SLEEP + WB,
    "off.service": SLEEP + WB,
    "later.service": SLEEP + WB,
    "tmpl@.service": SLEEP + WB,
    "dflt@.service": SLEEP + WB + "DefaultInstance=d\n",
    "withalso.service": SLEEP + WB + "Also=helper.service\n",
    "helper.service": SLEEP + WB,
    "al.service": SLEEP + WB + "Alias=al-alias.service\n",
    "static.service": SLEEP,
    "glob-a.service": SLEEP + WB,
    "glob-b.service": SLEEP + WB,
}
PRESET = ("# test policy\n"
          "enable on.service\n"
          "enable tmpl@.service one two\n"
          "enable dflt@.service\n"
          "enable withalso.service\n"
          "disable helper.service\n"
          "enable al.service\n"
          "enable glob-*.service\n"
          "disable glob-b.service\n"
          "enable later.service\n"
          "disable *\n")

# (args, what the step is about); run in this order on each boot
STEPS = [
    (["enable", "off.service"], "setup: off.service enabled by hand"),
    (["preset", "on.service", "off.service"], "preset: enable rule, disable rule"),
    (["is-enabled", "on.service", "off.service"], "is-enabled after preset"),
    (["preset", "tmpl@.service", "dflt@.service"], "preset of templates: the listed instances, DefaultInstance="),
    (["is-enabled", "tmpl@one.service", "tmpl@two.service", "dflt@d.service"], "is-enabled of the instances"),
    (["preset", "withalso.service", "al.service", "al-alias.service", "static.service"],
     "preset: Also= units follow, aliases skipped, no [Install]: nothing"),
    (["preset", "glob-a.service", "glob-b.service"], "preset: first matching rule wins"),
    (["preset", "nope.service"], "preset of a unit that does not exist"),
    (["preset"], "preset without units"),
    (["--no-reload", "preset", "later.service"], "preset --no-reload (RPM's %systemd_post)"),
    (["disable", "on.service"], "setup: on.service disabled by hand"),
    (["enable", "off.service"], "setup: off.service enabled by hand"),
    (["preset", "--preset-mode=disable-only", "on.service", "off.service"], "--preset-mode=disable-only"),
    (["preset", "--preset-mode=enable-only", "on.service", "tmpl@.service"], "--preset-mode=enable-only"),
    (["preset", "--preset-mode=full", "on.service"], "--preset-mode=full"),
    (["preset", "--preset-mode=bogus", "on.service"], "an unknown --preset-mode="),
    (["preset", "--runtime", "off.service", "later.service"], "preset --runtime: below /run"),
    (["enable", "off.service", "static.service"], "setup: more enabled by hand"),
    (["preset-all"], "preset-all"),
    (["is-enabled", "on.service", "off.service", "later.service", "glob-a.service", "glob-b.service"],
     "is-enabled after preset-all"),
    (["disable", "on.service", "later.service"], "setup: disabled by hand"),
    (["enable", "glob-b.service"], "setup: enabled by hand"),
    (["preset-all", "--preset-mode=enable-only"], "preset-all --preset-mode=enable-only"),
    (["preset-all", "--preset-mode=disable-only"], "preset-all --preset-mode=disable-only"),
    (["preset-all", "-q"], "preset-all --quiet"),
    (["preset-all", "x"], "preset-all with an argument"),
]




def in_ns(b, binary, args):
    cmd = ["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n", "--preserve-credentials", binary, "--no-pager"]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SYSTEMD_COLORS": "0", "LANG": "C.UTF-8"}
    env.update({k: v for k, v in os.environ.items() if k.endswith("SAN_OPTIONS")})
    p = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60, env=env)
    return p.returncode, p.stdout, p.stderr


def links(root):
    """The symlinks of the unit configuration: {path: target} below etc/systemd/system and
    run/systemd/system of root."""
    out = {}
    for sub in ("etc/systemd/system", "run/systemd/system"):
        top = os.path.join(root, sub)
        for d, dirs, files in os.walk(top):
            for n in dirs + files:
                p = os.path.join(d, n)
                if os.path.islink(p):
                    out["/" + os.path.relpath(p, root)] = os.readlink(p)
    return out


class Oracle:
    """Debian's systemctl offline on a copy of the container's unit configuration: the unit
    directory at the same absolute path inside the root, the same $SYSTEMD_UNIT_PATH, the same
    preset files."""

    def __init__(self, unit_dir, search):
        self.root = tempfile.mkdtemp(prefix="sdinit-preset-oracle-", dir="/var/tmp")
        shutil.copytree(unit_dir, self.root + unit_dir, symlinks=True,
                        ignore=lambda d, names: ["state"] if d == unit_dir else [])
        os.makedirs(os.path.join(self.root, "etc/systemd/system"))
        for d in ("lib/systemd/system-preset", "usr/lib/systemd/system-preset", "etc/systemd/system-preset"):
            if os.path.isdir("/" + d) and not os.path.exists(os.path.join(self.root, d)):
                shutil.copytree("/" + d, os.path.join(self.root, d), symlinks=True)
        os.makedirs(os.path.join(self.root, "run/systemd/system-preset"))
        with open(os.path.join(self.root, "run/systemd/system-preset/00-test.preset"), "w") as f:
            f.write(PRESET)
        self.env = dict(os.environ, LANG="C.UTF-8", SYSTEMD_COLORS="0", SYSTEMD_PAGER="", SYSTEMD_UNIT_PATH=search)
        self.env.pop("SYSTEMD_OFFLINE", None)

    def __call__(self, args):
        if args[:1] == ["is-enabled"] or "--preset-mode=bogus" in args or args == ["preset-all", "x"] or args == ["preset"]:
            return None  # nothing changes
        p = subprocess.run([REAL, "--root=" + self.root] + args, capture_output=True, text=True, timeout=60,
                           env=self.env)
        return p.returncode

    def links(self):
        return links(self.root)

    def done(self):
        shutil.rmtree(self.root, ignore_errors=True)


def boot():
    b = Boot(UNITS, net=True, env={"SYSTEMD_UNIT_PATH": "/etc/systemd/system:@UNITS@"})
    b.booted()
    d = f"/proc/{b.p.host_pid()}/root/run/systemd/system-preset"
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "00-test.preset"), "w") as f:
        f.write(PRESET)
    return b


def test_preset_steps(tap):
    if not os.access(REAL, os.X_OK):
        raise Skip("Debian's systemctl is missing (package systemd)")
    seen = {}
    for name, binary in impls():
        b = boot()
        oracle = Oracle(b.dir, "/etc/systemd/system:" + b.dir)
        try:
            root = f"/proc/{b.p.host_pid()}/root"
            seen[name] = []
            for args, what in STEPS:
                r = in_ns(b, binary, args)
                want = oracle(args)
                got = links(root)
                exp = oracle.links()
                ok = got == exp and (want is None or want == r[0])
                diff = [f"  {k}: PID 1 {got.get(k, '-')!r}, systemd {exp.get(k, '-')!r}"
                        for k in sorted(set(got) | set(exp)) if got.get(k) != exp.get(k)]
                tap.ok(ok, f"{name}: systemctl {' '.join(args)}: {what}: the symlinks systemd makes",
                       f"exit {r[0]} (offline systemd {want})\n" + "\n".join(diff) + f"\n{r[2]}")
                seen[name].append((args, r[0], r[1], r[2].replace(b.dir, "@UNITS@")))
                if args == ["preset", "on.service", "off.service"]:
                    w = "/etc/systemd/system/multi-user.target.wants/"
                    tap.ok(r[0] == 0 and w + "on.service" in got and w + "off.service" not in got,
                           f"{name}: preset enabled on.service and disabled off.service", f"{r} {got}")
            # --now: enable starts, disable stops (preset has no --now in systemctl 252)
            r = in_ns(b, binary, ["disable", "later.service"])
            r = in_ns(b, binary, ["enable", "--now", "later.service"])
            act = in_ns(b, binary, ["show", "-P", "ActiveState", "later.service"])[1].strip()
            en = in_ns(b, binary, ["is-enabled", "later.service"])[1].strip()
            tap.ok(r[0] == 0 and act == "active" and en == "enabled", f"{name}: enable --now: enabled and started",
                   f"{r} {act} {en}")
            seen[name].append((["enable", "--now"], r[0], r[1], r[2].replace(b.dir, "@UNITS@")))
            r = in_ns(b, binary, ["disable", "--now", "later.service"])
            act = in_ns(b, binary, ["show", "-P", "ActiveState", "later.service"])[1].strip()
            en = in_ns(b, binary, ["is-enabled", "later.service"])[1].strip()
            tap.ok(r[0] == 0 and act == "inactive" and en == "disabled", f"{name}: disable --now: disabled and stopped",
                   f"{r} {act} {en}")
            seen[name].append((["disable", "--now"], r[0], r[1], r[2].replace(b.dir, "@UNITS@")))
            r = in_ns(b, binary, ["preset", "--now", "later.service"])
            act = in_ns(b, binary, ["show", "-P", "ActiveState", "later.service"])[1].strip()
            seen[name].append((["preset", "--now", "later.service"], r[0], r[1], r[2].replace(b.dir, "@UNITS@"), act))
            tap.eq(b.stop(), 0, f"{name}: PID 1 stops cleanly")
        finally:
            oracle.done()
            b.__exit__()
    real, ours = seen["real"], seen["sdinit"]
    for a, c in zip(real, ours):
        tap.ok(a == c, f"sdinit's systemctl as Debian's: systemctl {' '.join(a[0])}: exit code, stdout, stderr",
               f"real:   {a[1:]!r}\nsdinit: {c[1:]!r}")
    tap.eq(len(ours), len(real), "the same number of steps")


def busctl(b, *args):
    cmd = ["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n", "--preserve-credentials",
           "busctl", "--address=unix:path=/run/systemd/private"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=30)


def mgr(b, method, sig, *args):
    return busctl(b, "call", "org.freedesktop.systemd1", "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                  method, sig, *[str(a) for a in args])


def test_methods(tap):
    """The methods as systemd declares them (org.freedesktop.systemd1(5)), called with busctl."""
    b = boot()
    try:
        r = busctl(b, "introspect", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                   "org.freedesktop.systemd1.Manager")
        sig = {l.split()[0]: l.split()[2:4] for l in r.stdout.splitlines() if l.startswith(".Preset")}
        tap.eq(sig, {".PresetUnitFiles": ["asbb", "ba(sss)"], ".PresetUnitFilesWithMode": ["assbb", "ba(sss)"],
                     ".PresetAllUnitFiles": ["sbb", "a(sss)"]}, "introspection: systemd's signatures")
        r = mgr(b, "PresetUnitFiles", "asbb", 1, "on.service", "false", "false")
        tap.ok(r.returncode == 0 and r.stdout.startswith("ba(sss) true 1 ") and '"symlink"' in r.stdout and
               '"/etc/systemd/system/multi-user.target.wants/on.service"' in r.stdout,
               "PresetUnitFiles: carries_install_info, the symlink created", r.stdout + r.stderr)
        r = mgr(b, "PresetUnitFilesWithMode", "assbb", 1, "on.service", "disable-only", "false", "false")
        tap.ok(r.returncode == 0 and r.stdout.strip() == "ba(sss) false 0", "PresetUnitFilesWithMode disable-only: nothing to do",
               r.stdout + r.stderr)
        r = mgr(b, "PresetUnitFilesWithMode", "assbb", 1, "on.service", "sideways", "false", "false")
        tap.ok(r.returncode != 0 and "Invalid argument" in r.stderr, "an unknown mode: InvalidArgs", r.stdout + r.stderr)
        r = mgr(b, "PresetUnitFilesWithMode", "assbb", 1, "nope.service", "", "false", "false")
        tap.ok(r.returncode != 0 and "nope.service does not exist" in r.stderr, "a missing unit: NoSuchUnitFile",
               r.stdout + r.stderr)
        r = mgr(b, "PresetAllUnitFiles", "sbb", "enable-only", "false", "false")
        tap.ok(r.returncode == 0 and r.stdout.startswith("a(sss) ") and "later.service" in r.stdout,
               "PresetAllUnitFiles: the changes", r.stdout + r.stderr)
        r = mgr(b, "PresetAllUnitFiles", "sbb", "nope", "false", "false")
        tap.ok(r.returncode != 0 and "Invalid argument" in r.stderr, "PresetAllUnitFiles with an unknown mode: InvalidArgs",
               r.stderr)
        r = in_ns(b, REAL, ["is-system-running"])
        tap.ok(r[1].strip() == "running", "PID 1 answers afterwards", r)
        # a FIFO named like a preset file must not block PID 1 (systemd 252 would open it)
        os.mkfifo(f"/proc/{b.p.host_pid()}/root/run/systemd/system-preset/50-fifo.preset")
        r = mgr(b, "PresetUnitFiles", "asbb", 1, "on.service", "false", "false")
        r2 = in_ns(b, REAL, ["is-system-running"])
        tap.ok(r.returncode == 0 and r2[1].strip() == "running", "a FIFO among the preset files: skipped, PID 1 answers",
               r.stdout + r.stderr + r2[1])
        tap.eq(b.stop(), 0, "PID 1 stops cleanly")
    finally:
        b.__exit__()


if __name__ == "__main__":
    Tap().run([test_preset_steps, test_methods])
