#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""systemctl's answers for every verb on every kind of unit, as systemd 252 gives them (issue 15,
item 3): exit status, stderr and (normalised) stdout of Debian's systemctl against sdinit's D-Bus
API, and of sdinit's own systemctl against sdinit, compared cell by cell with Debian's systemctl
against Debian's real systemd 252 booted in the same run (oraclelib.py: user namespace, delegated
cgroup v2, private /run, /tmp, /dev and /etc/systemd/system). Nothing is hard-coded: the oracle
is the run's own systemd; without a delegated cgroup v2 the test SKIPs loudly.

Kinds of unit: unknown (no file), masked (a link to /dev/null in the unit directory), failed
(a oneshot /bin/false, started once before the matrix), inactive (loaded, never started, with an
[Install] section), template (a template named without instance), active (a running service,
started before the matrix), bad-setting (a oneshot without ExecStart=). Each cell has its own unit, so
the verbs do not interfere; the cells are named <kind>-<verb>-<set>.service, set "a" for Debian's
systemctl and "b" for sdinit's own (under systemd both sets are driven by Debian's systemctl).

Garbage collection (systemd's unit_may_gc()): a unit that `systemctl status` loaded and that
nothing references is unloaded again at the manager's next idle moment, so a following kill,
reset-failed or stop answers as for a unit never loaded. GC cells run `status` first, then the
verb, on gc-<kind>-<verb>-<set>.service; kinds: inactive, masked, bad-setting, unknown,
failed-reset (failed, then reset-failed before the status), referenced (inactive, but named
in After= of a running unit, so it stays loaded), and other unit types: an inactive target,
timer, socket and path unit, and a timer and a socket started and stopped before the status.

UnitFileState caching (systemd 252 computes it once per unit and keeps it until the unit is
unloaded: daemon-reload, or GC): after the matrix, fs-<kind>-<op>-<mode>-<set>.service for op
enable, disable (enabled at the start; not with kind inactive, see fs_names()), mask; kind
active (running), referenced (inactive, kept loaded by gc-holder's After=), inactive (unloaded
by GC between calls); mode no-reload (`show -p UnitFileState`, `<op> --no-reload`, show, then
after one daemon-reload for all, show again) and reload (show, `<op>` which reloads by itself,
show). /etc/systemd/system is first in the search path, so that what they write is seen.

UnitFilePreset caching (systemd 252 keeps u->unit_file_preset the same way): preset-<kind>-<set>
.service, kind active or referenced (loaded all along); `show -p UnitFilePreset`, then a preset
file /run/systemd/system-preset/50-matrix.preset says "disable preset-*", show again (the answer
cached before), then after a daemon-reload.

Run with --diff to print every cell that differs instead of TAP.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oraclelib  # noqa: E402
from harness import Tap, write_file_or_link  # noqa: E402

REAL = "/usr/bin/systemctl"
OURS = os.path.abspath(os.environ.get("SDINIT_SYSTEMCTL") or
                       os.path.join(HERE, "..", "..", "build", "init", "systemctl"))
KINDS = ("unknown", "masked", "failed", "inactive", "template", "active", "bad-setting")
VERBS = ("start", "stop", "restart", "try-restart", "reload", "reload-or-restart", "reload-or-try-restart", "kill",
         "reset-failed", "is-active", "is-failed", "is-enabled", "status", "show", "cat", "enable", "disable", "mask",
         "unmask")
# /etc/systemd/system: enable, disable, mask and unmask write there; each PID 1 gets an empty tmpfs.
TMPFS_DIRS = ("/etc/systemd/system",)
GC_KINDS = ("inactive", "masked", "bad-setting", "unknown", "failed-reset", "referenced", "target", "timer", "socket",
            "path", "stopped-timer", "stopped-socket")
# The GC kinds that are not services: their suffix and unit text (they trigger gc-holder.service).
GC_OTHER = {
    "target": ("target", "[Unit]\nDescription=gc target\n"),
    "timer": ("timer", "[Unit]\nDefaultDependencies=no\n[Timer]\nOnActiveSec=1h\nUnit=gc-holder.service\n"),
    "stopped-timer": ("timer", "[Unit]\nDefaultDependencies=no\n[Timer]\nOnActiveSec=1h\nUnit=gc-holder.service\n"),
    "path": ("path", "[Unit]\nDefaultDependencies=no\n[Path]\nPathExists=/nonexistent-gc\nUnit=gc-holder.service\n"),
    "socket": ("socket", "[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=/run/gc-{name}.sock\n"
                         "Service=gc-holder.service\n"),
    "stopped-socket": ("socket", "[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=/run/gc-{name}.sock\n"
                                 "Service=gc-holder.service\n"),
}
GC_VERBS = ("kill", "reset-failed", "stop")
FS_OPS = ("enable", "disable", "mask")
FS_KINDS = ("active", "referenced", "inactive")
FS_MODES = ("no-reload", "reload")
PRESET_KINDS = ("active", "referenced")
PRESET_FILE = "/run/systemd/system-preset/50-matrix.preset"
SHOW_PROPS = "Id,LoadState,ActiveState,SubState,Result,UnitFileState,LoadError,CanStart,CanStop,CanReload"


def unit_name(kind, verb, cset):
    if kind == "template":
        return f"{kind}-{verb}-{cset}@.service"
    return f"{kind}-{verb}-{cset}.service"


def unit_text(kind):
    if kind == "unknown":
        return None
    if kind == "masked":
        return "->/dev/null"
    if kind == "failed":
        return "[Unit]\nDescription=fails\nDefaultDependencies=no\n[Service]\nType=oneshot\nExecStart=/bin/false\n"
    if kind == "bad-setting":
        # "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing." (load state bad-setting)
        return "[Unit]\nDescription=bad\nDefaultDependencies=no\n[Service]\nType=oneshot\n"
    return ("[Unit]\nDescription=sleeps\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep infinity\n"
            "[Install]\nWantedBy=multi-user.target\n")


def gc_name(kind, verb, cset):
    return f"gc-{kind}-{verb}-{cset}." + (GC_OTHER[kind][0] if kind in GC_OTHER else "service")


def gc_text(kind, verb="", cset=""):
    if kind in GC_OTHER:
        return GC_OTHER[kind][1].replace("{name}", f"{kind}-{verb}-{cset}")
    return unit_text({"failed-reset": "failed", "referenced": "inactive"}.get(kind, kind))


def write_units(d):
    os.makedirs(d)
    os.chmod(d, 0o755)
    with open(os.path.join(d, "default.target"), "w") as f:
        f.write("[Unit]\nDescription=verb matrix\n")
    with open(os.path.join(d, "multi-user.target"), "w") as f:
        f.write("[Unit]\nDescription=verb matrix multi-user\n")
    for cset in ("a", "b"):
        for kind in KINDS:
            text = unit_text(kind)
            if text is None:
                continue
            for verb in VERBS:
                write_file_or_link(os.path.join(d, unit_name(kind, verb, cset)), text)
        for kind in GC_KINDS:
            for verb in GC_VERBS:
                text = gc_text(kind, verb, cset)
                if text is not None:
                    write_file_or_link(os.path.join(d, gc_name(kind, verb, cset)), text)
    # A running unit that references the "referenced" GC units (After= loads without starting).
    refs = " ".join(gc_name("referenced", v, c) for c in ("a", "b") for v in GC_VERBS)
    for key in fs_names(("a", "b")):
        write_file_or_link(os.path.join(d, fs_name(*key)), unit_text("inactive"))
    refs += " " + " ".join(fs_name(*key) for key in fs_names(("a", "b"), kind="referenced"))
    for cset in ("a", "b"):
        for kind in PRESET_KINDS:
            write_file_or_link(os.path.join(d, preset_name(kind, cset)), unit_text("inactive"))
    refs += " " + " ".join(preset_name("referenced", c) for c in ("a", "b"))
    with open(os.path.join(d, "gc-holder.service"), "w") as f:
        f.write(f"[Unit]\nDescription=holds references\nDefaultDependencies=no\nAfter={refs}\n"
                "[Service]\nExecStart=/bin/sleep infinity\n")


def fs_name(kind, op, mode, cset):
    return f"fs-{kind}-{op}-{mode}-{cset}.service"


def preset_name(kind, cset):
    return f"preset-{kind}-{cset}.service"


def fs_names(clients, **only):
    # Not (inactive, disable): after `enable` (which reloads) systemd has multi-user.target loaded
    # with Wants= on the unit, so the unit is not collected and keeps "enabled" after `disable
    # --no-reload`; sdinit does not load multi-user.target (nothing here needs it), collects the
    # unit and says "disabled". A difference in loading and GC, not in UnitFileState.
    return [(k, o, m, c) for c in clients for k in FS_KINDS for o in FS_OPS for m in FS_MODES
            if (k, o) != ("inactive", "disable") and all({"kind": k, "op": o, "mode": m}[key] == v for key, v in only.items())]


def argv(verb, unit):
    if verb == "show":
        return ["show", "-p", SHOW_PROPS, unit]
    return [verb, unit]


TIME = re.compile(r" since [^;]*; [^\n]* ago")


def normalise(verb, out):
    """status: the header, Loaded: and Active: lines only (no times, pids, memory or journal)."""
    if verb != "status":
        return out
    keep = []
    for ln in out.splitlines():
        s = ln.strip()
        if ln.startswith(("●", "○", "×", "Unit ")) or s.startswith(("Loaded:", "Active:")):
            keep.append(TIME.sub(" since <time>", ln))
    return "\n".join(keep)


def run(p, binary, args):
    cmd = ["nsenter", "-t", str(p.pid1), "-U", "-m", "-p", binary, "--no-pager", "--no-ask-password"] + args
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, LANG="C.UTF-8", SYSTEMD_COLORS="0", SYSTEMD_PAGER=""))
    return r.returncode, r.stdout, r.stderr


def run_matrix(p, clients):
    """{(kind, verb, set): (status, stdout, stderr)}; clients {set: binary}."""
    p.wait_ready()
    failed = [unit_name("failed", v, c) for c in clients for v in VERBS]
    p.systemctl("start", *failed)
    p.systemctl("start", *[unit_name("active", v, c) for c in clients for v in VERBS])
    gc_failed = [gc_name("failed-reset", v, c) for c in clients for v in GC_VERBS]
    p.systemctl("start", "gc-holder.service", *gc_failed)
    p.settle()
    p.systemctl("reset-failed", *gc_failed)
    # Started, then stopped: down again, nothing references them.
    stopped = [gc_name(k, v, c) for k in ("stopped-timer", "stopped-socket") for c in clients for v in GC_VERBS]
    p.systemctl("start", *stopped)
    p.settle(("*.service", "*.socket", "*.timer"))
    p.systemctl("stop", *stopped)
    p.settle(("*.service", "*.socket", "*.timer"))
    got = {}
    for cset, binary in clients.items():
        for kind in KINDS:
            for verb in VERBS:
                u = unit_name(kind, verb, cset)
                rc, out, err = run(p, binary, argv(verb, u))
                got[(kind, verb, cset)] = (rc, normalise(verb, out), err)
        for kind in GC_KINDS:
            for verb in GC_VERBS:
                u = gc_name(kind, verb, cset)
                rc, out, err = run(p, binary, argv("status", u))
                got[("gc-" + kind, "status", verb, cset)] = (rc, normalise("status", out), err)
                rc, out, err = run(p, binary, argv(verb, u))
                got[("gc-" + kind, verb, cset)] = (rc, normalise(verb, out), err)
    run_file_states(p, clients, got)
    return got


def run_file_states(p, clients, got):
    """The UnitFileState cells (see the module's doc), after the matrix: the daemon-reloads here
    would change its cells."""
    def state(key, step):
        rc, out, err = run(p, clients[key[3]], ["show", "-p", "UnitFileState", fs_name(*key)])
        got[("fs",) + key + (step,)] = (rc, out, err)

    p.systemctl("enable", *[fs_name(*k) for k in fs_names(clients, op="disable")])  # reloads
    p.systemctl("start", *[fs_name(*k) for k in fs_names(clients, kind="active")])
    p.systemctl("start", *[preset_name("active", c) for c in clients])
    p.settle()

    def preset(kind, cset, step):
        got[("preset", kind, cset, step)] = run(p, clients[cset], ["show", "-p", "UnitFilePreset",
                                                                   preset_name(kind, cset)])

    for cset in clients:
        for kind in PRESET_KINDS:
            preset(kind, cset, "before")
    for key in fs_names(clients, mode="no-reload"):
        state(key, "before")
    for key in fs_names(clients, mode="no-reload"):
        got[("fs",) + key + ("op",)] = run(p, clients[key[3]], [key[1], "--no-reload", fs_name(*key)])
    for key in fs_names(clients, mode="no-reload"):
        state(key, "after")
    subprocess.run(["nsenter", "-t", str(p.pid1), "-U", "-m", "sh", "-c",
                    f"mkdir -p {os.path.dirname(PRESET_FILE)} && echo 'disable preset-*' > {PRESET_FILE}"],
                   check=True, timeout=30)
    for cset in clients:
        for kind in PRESET_KINDS:
            preset(kind, cset, "preset file written")
    p.systemctl("daemon-reload")
    for key in fs_names(clients, mode="no-reload"):
        state(key, "after daemon-reload")
    for cset in clients:
        for kind in PRESET_KINDS:
            preset(kind, cset, "after daemon-reload")
    for key in fs_names(clients, mode="reload"):
        state(key, "before")
        got[("fs",) + key + ("op",)] = run(p, clients[key[3]], [key[1], fs_name(*key)])
        state(key, "after")


def boot_and_run(kind, cg2, work, unitdir, clients):
    # /etc/systemd/system (where enable and mask write) searched first, as on a host: what they
    # did shows in UnitFileState and LoadState.
    return oraclelib.boot_and_run(kind, cg2, f"sdinit-verbs-{kind}-{os.getpid()}", work,
                                  f"{TMPFS_DIRS[0]}:{unitdir}",
                                  lambda p: run_matrix(p, clients), TMPFS_DIRS)


def main():
    diff = "--diff" in sys.argv
    tap = Tap()
    if not os.access(REAL, os.X_OK):
        tap.skip("verb matrix", f"LOUD SKIP: no {REAL}")
        tap.run([])
    cg2 = oraclelib.root_or_skip(tap, "verb matrix")
    work = tempfile.mkdtemp(prefix="sdinit-verbs-", dir="/var/tmp")
    os.chmod(work, 0o755)
    unitdir = os.path.join(work, "units")
    write_units(unitdir)
    try:
        sd, rc_sd, _ = boot_and_run("systemd", cg2, work, unitdir, {"a": REAL, "b": REAL})
        tap.ok(True, f"systemd booted and ran {len(sd)} cells (status {rc_sd})")
        mine, rc, out = boot_and_run("sdinit", cg2, work, unitdir, {"a": REAL, "b": OURS})
        oraclelib.check_sdinit_exit(tap, rc, out)
        ndiff = 0

        def cell(k, name):
            """sdinit's cell k against systemd's: printed with --dump; with --diff only counted and
            printed where they differ; else compared."""
            nonlocal ndiff
            if "--dump" in sys.argv:
                print(f"{name}: systemd {sd[k]!r}")
            if not diff:
                tap.eq(mine[k], sd[k], name)
            elif sd[k] != mine[k]:
                ndiff += 1
                print(f"== {name}\n systemd {sd[k]!r}\n sdinit  {mine[k]!r}")

        for cset, client in (("a", "Debian's systemctl"), ("b", "sdinit's systemctl")):
            for kind in KINDS:
                for verb in VERBS:
                    cell((kind, verb, cset), f"{client}: {verb} {kind} unit")
            for kind in GC_KINDS:
                for verb in GC_VERBS:
                    cell(("gc-" + kind, "status", verb, cset), f"{client}: status {kind} unit (GC cell)")
                    cell(("gc-" + kind, verb, cset), f"{client}: status, then {verb} {kind} unit (GC)")
            for key in fs_names(("a",)):
                key = key[:3] + (cset,)
                kind, op, mode = key[:3]
                for step in ("before", "op", "after") + (("after daemon-reload",) if mode == "no-reload" else ()):
                    what = f"{op}" + (" --no-reload" if mode == "no-reload" else "")
                    cell(("fs",) + key + (step,), f"{client}: UnitFileState of a {kind} unit, {what}: {step}")
            for kind in PRESET_KINDS:
                for step in ("before", "preset file written", "after daemon-reload"):
                    cell(("preset", kind, cset, step), f"{client}: UnitFilePreset of a {kind} unit: {step}")
        if diff:
            print(f"# {ndiff} cells differ")
            return
    finally:
        shutil.rmtree(work, ignore_errors=True)
    tap.run([])


if __name__ == "__main__":
    main()
