#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""sdinit's systemctl offline (--root=DIR) against Debian's real systemctl, differentially.

Every scenario builds a unit tree, copies it twice, runs the same command sequence with
`/usr/bin/systemctl --root=A` and with sdinit's `systemctl --root=B`, and requires the same exit
codes, the same stdout and stderr (root paths replaced), and the same files afterwards (every
symlink with its target, every regular file, every directory). Trees: hand-written units covering
aliases, Also=, templates, DefaultInstance=, RequiredBy=, masks, runtime and generated units,
linked files, self-links and missing targets; the real unit files of ../shared/corpus; and a copy
of this machine's own /lib/systemd/system and /etc/systemd/system.

SKIP when /usr/bin/systemctl is not installed. Environment: SDINIT_SYSTEMCTL = the binary to test
(sdinit-systemctl, or a `systemctl` symlink to sdinit).
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Skip, Tap  # noqa: E402

REAL = "/usr/bin/systemctl"
OURS = os.environ.get("SDINIT_SYSTEMCTL") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "build", "ctl", "sdinit-systemctl")
CORPUS = os.environ.get("SDINIT_CORPUS") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                                       "shared", "corpus")
ENV = dict(os.environ, LANG="C.UTF-8", SYSTEMD_LOG_LEVEL="info", SYSTEMD_COLORS="0", SYSTEMD_PAGER="")
ENV.pop("SYSTEMD_UNIT_PATH", None)
ENV.pop("LC_ALL", None)
ENV.pop("SYSTEMD_OFFLINE", None)

SVC = "[Service]\nExecStart=/bin/true\n"


def write(root, rel, text):
    path = os.path.join(root, rel.lstrip("/"))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if text.startswith("->"):
        os.symlink(text[2:].strip(), path)
    else:
        with open(path, "w") as f:
            f.write(text)


def snapshot(root):
    """Every path below root with what it is: ('l', target), ('f', content) or ('d',)."""
    out = {}
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(d, n)
            rel = os.path.relpath(p, root)
            if os.path.islink(p):
                out[rel] = ("l", os.readlink(p))
            elif os.path.isdir(p):
                out[rel] = ("d",)
            else:
                with open(p, "rb") as f:
                    out[rel] = ("f", f.read())
    return out


def run(binary, root, args):
    p = subprocess.run([binary, "--root=" + root] + args, stdin=subprocess.DEVNULL, capture_output=True,
                       env=ENV, timeout=120)
    norm = lambda b: b.decode(errors="replace").replace(root, "@ROOT@")  # noqa: E731
    return p.returncode, norm(p.stdout), norm(p.stderr)


def diff_text(a, b):
    import difflib
    return "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), "real", "sdinit", lineterm="", n=2))


class Scenario:
    """A tree built by build(root), then commands run on both copies."""

    def __init__(self, tap, name, build):
        self.tap = tap
        self.name = name
        self.base = tempfile.mkdtemp(prefix="sdinit-ctl-")
        self.a = os.path.join(self.base, "real")
        self.b = os.path.join(self.base, "ours")
        os.mkdir(self.a)
        build(self.a)
        shutil.copytree(self.a, self.b, symlinks=True)

    def check(self, args, label=None):
        ra = run(REAL, self.a, args)
        rb = run(OURS, self.b, args)
        label = f"{self.name}: systemctl {' '.join(args)}" + (f" ({label})" if label else "")
        problems = []
        if ra[0] != rb[0]:
            problems.append(f"exit code: real {ra[0]}, sdinit {rb[0]}")
        if ra[1] != rb[1]:
            problems.append("stdout differs:\n" + diff_text(ra[1], rb[1]))
        if ra[2] != rb[2]:
            problems.append("stderr differs:\n" + diff_text(ra[2], rb[2]))
        sa, sb = snapshot(self.a), snapshot(self.b)
        if sa != sb:
            keys = sorted(set(sa) | set(sb))
            d = [f"  {k}: real {sa.get(k, '-')!r} sdinit {sb.get(k, '-')!r}" for k in keys if sa.get(k) != sb.get(k)]
            problems.append("trees differ:\n" + "\n".join(d[:30]))
        return self.tap.ok(not problems, label, "\n".join(problems))

    def write(self, rel, text):
        """The same change to both trees (a preset file replaced between commands)."""
        for root in (self.a, self.b):
            path = os.path.join(root, rel.lstrip("/"))
            if os.path.lexists(path):
                os.unlink(path)
            write(root, rel, text)

    def remove(self, rel):
        for root in (self.a, self.b):
            os.unlink(os.path.join(root, rel.lstrip("/")))

    def done(self):
        shutil.rmtree(self.base, ignore_errors=True)


def build_handwritten(root):
    L = "lib/systemd/system/"
    U = "usr/lib/systemd/system/"
    write(root, L + "a.service", "[Unit]\nDescription=A\n" + SVC +
          "[Install]\nWantedBy=multi-user.target\nAlias=aa.service\nAlso=b.service\n")
    write(root, L + "b.service", SVC + "[Install]\nRequiredBy=a.service\n")
    write(root, L + "s.service", SVC)
    write(root, L + "t@.service", SVC + "[Install]\nWantedBy=multi-user.target\nDefaultInstance=x\n")
    write(root, L + "u@.service", SVC + "[Install]\nWantedBy=multi-user.target\n")
    write(root, L + "m.service", SVC + "[Install]\nWantedBy=multi-user.target\nAlso=missing.service\n")
    write(root, L + "alsoonly.service", SVC + "[Install]\nAlso=s.service\n")
    write(root, L + "multi-user.target", "[Unit]\nDescription=Multi-User System\n[Install]\nAlias=default.target\n")
    write(root, L + "graphical.target", "[Unit]\nDescription=Graphical\n")
    write(root, L + "nodest.service", SVC + "[Install]\nWantedBy=nonexistent.target\n")
    write(root, L + "sock.socket", "[Socket]\nListenStream=/run/x.sock\n[Install]\nWantedBy=sockets.target\n")
    write(root, L + "sock.service", SVC)
    write(root, L + "sockets.target", "[Unit]\nDescription=Sockets\n")
    write(root, L + "dropin.service", SVC)
    write(root, "etc/systemd/system/dropin.service.d/install.conf", "[Install]\nWantedBy=multi-user.target\n")
    write(root, U + "both.service", SVC + "[Install]\nWantedBy=multi-user.target\n")
    write(root, L + "both.service", SVC + "[Install]\nWantedBy=graphical.target\n")
    write(root, "etc/systemd/system/etc.service", SVC + "[Install]\nWantedBy=multi-user.target\n")
    write(root, "etc/systemd/system/self.service", "-> /lib/systemd/system/self.service")
    write(root, L + "self.service", SVC + "[Install]\nWantedBy=multi-user.target\n")
    write(root, "opt/linked.service", SVC + "[Install]\nWantedBy=multi-user.target\n")
    write(root, "run/systemd/generator/gen.service", SVC + "[Install]\nWantedBy=multi-user.target\n")
    write(root, "run/systemd/transient/tr.service", SVC)
    write(root, L + "masked-vendor.service", "")
    write(root, L + "maskedalso.service", SVC + "[Install]\nWantedBy=multi-user.target\nAlso=masked-vendor.service\n")
    write(root, L + "vendoralias.service", "-> s.service")
    write(root, L + "dangling.service", "-> /lib/systemd/system/gone.service")
    write(root, L + "static-wanted.service", SVC)
    write(root, L + "multi-user.target.wants/static-wanted.service", "-> ../static-wanted.service")
    write(root, L + "Upper.service", SVC + "[Install]\nWantedBy=multi-user.target\n")
    write(root, L + "inst@.service", SVC + "[Install]\nWantedBy=multi-user.target\nAlias=ali@.service\n")
    write(root, L + "spec.service", SVC + "[Install]\nWantedBy=multi-user.target\nAlias=%p-alias.service\n")
    write(root, "lib/systemd/system-preset/90-test.preset", "disable a.service\nenable b*\ndisable *\n")
    write(root, L + "sysinit.target", "[Unit]\nDescription=sysinit\n")


def t_handwritten(tap):
    s = Scenario(tap, "handwritten", build_handwritten)
    seq = [
        ["list-unit-files"],
        ["is-enabled", "a.service", "b.service", "s.service", "t@.service", "u@.service", "aa.service"],
        ["is-enabled", "nope.service"],
        ["is-enabled", "self.service"],
        ["enable", "a.service"],
        ["is-enabled", "a.service", "aa.service", "b.service"],
        ["list-unit-files"],
        ["enable", "a"],
        ["disable", "a.service"],
        ["reenable", "a.service"],
        ["disable", "aa.service"],
        ["enable", "t@.service"],
        ["is-enabled", "t@.service", "t@x.service", "t@y.service"],
        ["enable", "u@.service"],
        ["enable", "u@foo.service", "u@bar.service"],
        ["is-enabled", "u@.service", "u@foo.service", "u@baz.service"],
        ["disable", "u@.service"],
        ["enable", "m.service"],
        ["enable", "alsoonly.service"],
        ["is-enabled", "alsoonly.service", "s.service"],
        ["enable", "s.service"],
        ["enable", "nodest.service"],
        ["enable", "sock.socket"],
        ["is-enabled", "sock.socket", "sock.service"],
        ["enable", "dropin.service"],
        ["is-enabled", "dropin.service"],
        ["enable", "both.service"],
        ["enable", "etc.service"],
        ["is-enabled", "etc.service"],
        ["enable", "/opt/linked.service"],
        ["is-enabled", "linked.service"],
        ["disable", "linked.service"],
        ["enable", "gen.service"],
        ["is-enabled", "gen.service", "tr.service"],
        ["enable", "maskedalso.service"],
        ["is-enabled", "masked-vendor.service", "vendoralias.service"],
        ["is-enabled", "dangling.service"],
        ["disable", "dangling.service"],
        ["is-enabled", "static-wanted.service"],
        ["enable", "Upper.service"],
        ["enable", "inst@one.service"],
        ["is-enabled", "inst@one.service", "ali@one.service"],
        ["enable", "spec.service"],
        ["is-enabled", "spec.service", "spec-alias.service"],
        ["enable", "nope.service"],
        ["enable", "bad name"],
        ["disable", "nope.service"],
        ["disable", "/lib/systemd/system/m.service"],
        ["mask", "s.service", "nope.service"],
        ["is-enabled", "s.service", "nope.service"],
        ["enable", "s.service"],
        ["disable", "s.service"],
        ["mask", "s.service"],
        ["mask", "etc.service"],
        ["unmask", "s.service", "nope.service", "etc.service"],
        ["mask", "--runtime", "b.service"],
        ["is-enabled", "b.service"],
        ["unmask", "--runtime", "b.service"],
        ["enable", "--runtime", "sock.socket"],
        ["is-enabled", "sock.socket"],
        ["disable", "--runtime", "sock.socket"],
        ["disable", "sock.socket"],
        ["list-unit-files", "--state=enabled,static"],
        ["list-unit-files", "*.socket", "--no-legend"],
        ["list-unit-files", "--type=target"],
        ["list-unit-files", "nomatch*"],
        ["get-default"],
        ["set-default", "graphical"],
        ["get-default"],
        ["set-default", "multi-user.target"],
        ["set-default", "nope.target"],
        ["set-default", "default.target"],
        ["get-default"],
        ["enable", "multi-user.target"],
        ["is-enabled", "multi-user.target", "default.target"],
        ["disable", "multi-user.target"],
        ["get-default"],
        ["list-unit-files"],
        ["enable"],
        ["frobnicate"],
        ["enable", "-q", "a.service", "t@.service"],
        ["disable", "--quiet", "a.service", "t@.service"],
        ["is-enabled", "-q", "a.service"],
        ["reenable", "u@one.service"],
    ]
    for args in seq:
        s.check(args)
    s.done()


def build_presets(root):
    """Units and preset files for systemd.preset(5) as systemd 252 applies it."""
    L = "lib/systemd/system/"
    WB = "[Install]\nWantedBy=multi-user.target\n"
    for n in ("on", "off", "first", "second", "glob1", "globx", "nomatch", "adm", "runon", "usr", "hidden",
              "tab", "extra", "esc", "Case", "cls-a", "cls-b"):
        write(root, L + n + ".service", SVC + WB)
    write(root, L + "sock.socket", "[Socket]\nListenStream=/run/p.sock\n[Install]\nWantedBy=sockets.target\n")
    write(root, L + "sock.service", SVC)
    write(root, L + "static.service", SVC)
    write(root, L + "tmpl@.service", SVC + WB)
    write(root, L + "dflt@.service", SVC + WB + "DefaultInstance=d\n")
    write(root, L + "noinst@.service", SVC + WB)
    write(root, L + "offtmpl@.service", SVC + WB)
    write(root, L + "al.service", SVC + WB + "Alias=al-alias.service\n")
    write(root, L + "valias.service", "-> al.service")
    write(root, L + "withalso.service", SVC + WB + "Also=alsod.service\n")
    write(root, L + "alsod.service", SVC + WB)
    write(root, L + "offalso.service", SVC + WB + "Also=on.service\n")
    write(root, L + "masked.service", SVC + WB)
    write(root, "etc/systemd/system/masked.service", "-> /dev/null")
    write(root, L + "vmasked.service", "")
    write(root, L + "nodest.service", SVC + "[Install]\nWantedBy=nonexistent.target\n")
    write(root, L + "conflict.service", SVC + WB + "Alias=taken.service\n")
    write(root, "etc/systemd/system/taken.service", "-> /lib/systemd/system/static.service")
    write(root, "run/systemd/generator/gen.service", SVC + WB)
    write(root, "run/systemd/transient/tr.service", SVC + WB)
    write(root, "opt/linked.service", SVC + WB)
    write(root, L + "dangling.service", "-> /lib/systemd/system/gone.service")
    write(root, L + "multi-user.target", "[Unit]\nDescription=Multi-User System\n")
    write(root, L + "sockets.target", "[Unit]\nDescription=Sockets\n")
    # already enabled, so that disable has something to remove
    write(root, "etc/systemd/system/multi-user.target.wants/off.service", "-> /lib/systemd/system/off.service")
    write(root, "etc/systemd/system/multi-user.target.wants/tmpl@old.service", "-> /lib/systemd/system/tmpl@.service")
    # /etc overrides /run, /run overrides /usr/lib, /usr/lib overrides /lib (same file name);
    # files are read in name order across the directories; the first matching rule wins
    write(root, "etc/systemd/system-preset/00-admin.preset",
          "# administrator\n; also a comment\n\nenable adm.service\ndisable first.service\n")
    write(root, "run/systemd/system-preset/10-run.preset", "enable runon.service\n")
    write(root, "lib/systemd/system-preset/10-run.preset", "disable runon.service\n")
    write(root, "usr/lib/systemd/system-preset/20-usr.preset", "enable usr.service\n")
    write(root, "lib/systemd/system-preset/20-usr.preset", "disable usr.service\n")
    write(root, "etc/systemd/system-preset/30-hidden.preset", "-> /dev/null")
    write(root, "lib/systemd/system-preset/30-hidden.preset", "disable hidden.service\n")
    write(root, "lib/systemd/system-preset/50-vendor.preset",
          "enable first.service\n"
          "disable second.service\n"
          "enable second.service\n"
          "enable on.service\n"
          "  enable glob?.service  \n"
          "enable tmpl@.service one two\n"
          "enable dflt@.service\n"
          "enable al.service\n"
          "enable withalso.service\n"
          "disable alsod.service\n"
          "disable offalso.service\n"
          "enable masked.service\n"
          "enable conflict.service\n"
          "enable vmasked.service\n"
          "enable gen.service\n"
          "disable\ttab.service\n"
          "disable extra.service trailing words\n"
          "enable esc\\ x.service\n"
          "enable on.service inst\n"
          "frobnicate on.service\n"
          "ignore off.service\n"
          "disable\n"
          "enable cls-[a].service\n"
          "disable case.service\n"
          "disable *.socket\n")
    write(root, "lib/systemd/system-preset/99-default.preset", "disable *\n")


def t_presets(tap):
    s = Scenario(tap, "presets", build_presets)
    seq = [
        ["list-unit-files"],
        ["preset", "on.service"],
        ["is-enabled", "on.service"],
        ["preset", "off.service"],
        ["is-enabled", "off.service"],
        ["preset", "first.service", "second.service", "adm.service", "runon.service", "usr.service", "hidden.service"],
        ["is-enabled", "first.service", "second.service", "adm.service", "runon.service", "usr.service"],
        ["preset", "glob1.service", "globx.service", "nomatch.service", "cls-a.service", "cls-b.service"],
        ["preset", "tab.service", "extra.service", "esc.service", "Case.service"],
        ["preset", "tmpl@.service"],
        ["is-enabled", "tmpl@one.service", "tmpl@two.service", "tmpl@old.service"],
        ["preset", "tmpl@old.service", "tmpl@one.service"],
        ["preset", "dflt@.service", "noinst@.service", "offtmpl@.service"],
        ["is-enabled", "dflt@d.service", "dflt@x.service"],
        ["preset", "al.service"],
        ["preset", "al-alias.service", "valias.service"],
        ["preset", "withalso.service"],
        ["is-enabled", "alsod.service"],
        ["preset", "alsod.service"],
        ["preset", "offalso.service"],
        ["is-enabled", "on.service"],
        ["preset", "static.service", "sock.socket", "nodest.service"],
        ["preset", "masked.service"],
        ["preset", "vmasked.service"],
        ["preset", "gen.service"],
        ["preset", "tr.service"],
        ["preset", "nope.service"],
        ["preset", "bad name"],
        ["preset", "dangling.service"],
        ["preset", "/opt/linked.service"],
        ["preset", "conflict.service"],
        ["preset", "--force", "conflict.service"],
        ["preset", "on"],
        ["preset"],
        ["preset", "--now", "second.service"],
        ["preset", "-q", "off.service", "on.service"],
        ["disable", "on.service", "first.service"],
        ["preset", "--preset-mode=disable-only", "on.service", "second.service", "first.service"],
        ["preset", "--preset-mode=enable-only", "on.service", "second.service"],
        ["preset", "--preset-mode=full", "on.service", "second.service"],
        ["preset", "--preset-mode=bogus", "on.service"],
        ["preset", "--preset-mode=help"],
        ["preset", "--runtime", "off.service", "glob1.service"],
        ["enable", "--runtime", "off.service"],
        ["preset", "--runtime", "off.service", "glob1.service"],
        ["is-enabled", "off.service", "glob1.service"],
        ["preset-all"],  # fails on the dangling alias, after reporting the masked and generated units
    ]
    for args in seq:
        s.check(args)
    s.remove("lib/systemd/system/dangling.service")
    for args in (["preset-all"], ["list-unit-files"], ["preset-all"], ["enable", "nomatch.service", "sock.socket"],
                 ["disable", "tmpl@.service", "on.service"], ["preset-all", "--preset-mode=enable-only"],
                 ["preset-all", "--preset-mode=disable-only"], ["preset-all", "--runtime"],
                 ["preset-all", "--force"], ["preset-all", "extra"], ["preset-all", "--preset-mode=nope"]):
        s.check(args, "no dangling alias")
    # no catch-all: a unit no rule names is enabled
    s.write("lib/systemd/system-preset/99-default.preset", "# nothing\n")
    for args in (["preset", "nomatch.service", "static.service"], ["preset-all"], ["list-unit-files"],
                 ["preset-all", "-q", "--preset-mode=disable-only"]):
        s.check(args, "no catch-all")
    # "disable *" in the administrator's file overrides the vendor's enables
    s.write("etc/systemd/system-preset/00-admin.preset", "enable adm.service\ndisable *\n")
    for args in (["preset-all"], ["list-unit-files"], ["preset", "on.service", "adm.service"]):
        s.check(args, "admin disable *")
    s.done()


def build_corpus(root):
    dst = os.path.join(root, "lib/systemd/system")
    os.makedirs(dst)
    os.makedirs(os.path.join(root, "etc/systemd/system"))
    for d, _, files in os.walk(CORPUS):
        for n in files:
            if n.endswith(".in") or "." not in n or n.endswith((".txt", ".md", ".conf")):
                continue
            src = os.path.join(d, n)
            if os.path.islink(src):
                continue
            if not os.path.exists(os.path.join(dst, n)):
                shutil.copy(src, os.path.join(dst, n))
    for t in ("multi-user.target", "sockets.target", "timers.target", "graphical.target", "network-online.target"):
        if not os.path.exists(os.path.join(dst, t)):
            write(root, "lib/systemd/system/" + t, "[Unit]\nDescription=" + t + "\n")


def t_corpus(tap):
    if not os.path.isdir(CORPUS):
        raise Skip("no ../shared/corpus")
    s = Scenario(tap, "corpus", build_corpus)
    units = sorted(os.listdir(os.path.join(s.a, "lib/systemd/system")))
    s.check(["list-unit-files"])
    s.check(["is-enabled"] + [u for u in units if "@" not in u or not u.split("@")[1].startswith(".")])
    for u in units:
        if u.endswith("@.service") or u.endswith("@.socket"):
            u = u.replace("@.", "@inst.")
        s.check(["enable", u])
    s.check(["list-unit-files"])
    for u in units:
        s.check(["is-enabled", u])
    for u in units[::2]:
        s.check(["disable", u])
    for u in units[1::3]:
        s.check(["mask", u])
    s.check(["list-unit-files"])
    for u in units[1::3]:
        s.check(["unmask", u])
    for u in units[::5]:
        s.check(["reenable", u])
    s.check(["list-unit-files"])
    # presets: Debian's default policy (no preset files: everything enabled), then a default-off one
    s.check(["preset-all"])
    s.check(["list-unit-files"])
    s.write("etc/systemd/system-preset/50-off.preset", "enable cron.service\nenable ssh*\ndisable *\n")
    s.check(["preset-all", "--preset-mode=disable-only"])
    s.check(["preset-all"])
    s.check(["list-unit-files"])
    s.done()


def build_host(root):
    for d in ("lib/systemd/system", "etc/systemd/system"):
        src = "/" + d
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(root, d), symlinks=True)
    for f in ("lib/systemd/system-preset", "usr/lib/systemd/system-preset"):
        if os.path.isdir("/" + f) and not os.path.islink("/" + f) and not os.path.exists(os.path.join(root, f)):
            shutil.copytree("/" + f, os.path.join(root, f), symlinks=True)


def t_host_tree(tap):
    if not os.path.isdir("/lib/systemd/system"):
        raise Skip("no /lib/systemd/system here")
    s = Scenario(tap, "host-tree", build_host)
    s.check(["list-unit-files"])
    s.check(["get-default"])
    names = sorted(n for n in os.listdir(os.path.join(s.a, "lib/systemd/system"))
                   if "." in n and not n.endswith(".d") and not n.endswith(".wants") and "@." not in n)
    # is-enabled stops at the first unit it cannot resolve: one call per unit
    for n in names:
        s.check(["is-enabled", n])
    for n in [n for n in names if n.endswith((".service", ".socket", ".timer"))][:40]:
        s.check(["enable", n])
        s.check(["disable", n])
    s.check(["set-default", "multi-user.target"])
    s.check(["list-unit-files", "--state=enabled"])
    # Debian's own preset files (systemd's 90-systemd.preset)
    s.check(["preset-all"])
    s.check(["list-unit-files"])
    s.check(["preset"] + [n for n in names if n.endswith((".service", ".socket", ".timer", ".target"))][:60])
    s.done()


def main():
    tap = Tap()
    if not os.access(REAL, os.X_OK):
        print("1..0 # SKIP no /usr/bin/systemctl")
        sys.exit(77)
    if not os.access(OURS, os.X_OK):
        print(f"1..0 # SKIP {OURS} not built")
        sys.exit(77)
    tap.run([t_handwritten, t_presets, t_corpus, t_host_tree])


if __name__ == "__main__":
    main()
