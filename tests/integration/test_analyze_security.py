#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Debian's `systemd-analyze security UNIT` under Debian's real systemd 252 and under sdinit (issue
14 item 7): the same units are loaded by both PID 1s (oraclelib.py: user namespace, delegated
cgroup v2, private /run, /tmp and /dev), and systemd-analyze, run inside each, reads the sandbox
properties (ProtectSystem=, RestrictAddressFamilies=, CapabilityBoundingSet=, ...) over D-Bus.
The overall exposure score and every line of the table (name, description, exposure) must be the
same.

The units: the hardened service units of ../shared/corpus (templates as instance "test"), loaded
and not started (the analysis reads settings; the daemons need not be installed), plus a few of
our own for what the corpus does not set (DynamicUser=, namespace and address-family deny-lists,
IPAddressDeny=, a unit with no sandbox at all). Differences that cannot be removed are listed in
KNOWN with the reason (README "systemd-analyze security").
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
from harness import Skip, Tap  # noqa: E402

ANALYZE = "/usr/bin/systemd-analyze"
CORPUS = os.path.join(HERE, "..", "..", "..", "shared", "corpus")
if not os.path.isdir(CORPUS):
    CORPUS = "/work/shared/corpus"
HARDENING = re.compile(r"^(Protect|Private|NoNewPrivileges|SystemCall|Restrict|CapabilityBoundingSet|DynamicUser|"
                       r"LockPersonality|MemoryDenyWriteExecute|RemoveIPC|DevicePolicy)", re.M)

OWN = {
    "sec-none.service": "[Service]\nExecStart=/bin/sleep infinity\n",
    "sec-dynamic.service": "[Service]\nDynamicUser=yes\nExecStart=/bin/sleep infinity\n",
    "sec-deny.service": "[Unit]\nDefaultDependencies=no\n[Service]\nUser=nobody\nExecStart=/bin/sleep infinity\n"
                        "RestrictNamespaces=~cgroup net\nRestrictNamespaces=~ipc\nRestrictAddressFamilies=~AF_PACKET AF_NETLINK\n"
                        "IPAddressDeny=any\nIPAddressAllow=localhost 10.0.0.0/8\nProtectHome=tmpfs\nSystemCallArchitectures=native\n"
                        "ProtectProc=noaccess\nProcSubset=pid\nUMask=0027\nAmbientCapabilities=CAP_NET_BIND_SERVICE\n"
                        "CapabilityBoundingSet=CAP_NET_BIND_SERVICE CAP_SYS_ADMIN\nPrivateDevices=yes\nKeyringMode=shared\n"
                        "Delegate=yes\nNotifyAccess=all\nType=notify\nSupplementaryGroups=daemon\n",
    "sec-allow.service": "[Service]\nExecStart=/bin/sleep infinity\nRestrictNamespaces=mnt\nRestrictAddressFamilies=none\n"
                         "ProtectSystem=full\nProtectClock=yes\nDevicePolicy=strict\nDeviceAllow=/dev/null rw\nRootDirectory=/\n",
}

# unit -> {line prefix: reason} for the differences that remain (kept empty where none).
KNOWN = {}


def corpus_units():
    """{unit name: file text} for the corpus's hardened services."""
    out = {}
    for pkg in sorted(os.listdir(CORPUS)):
        d = os.path.join(CORPUS, pkg, "system")
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            if not f.endswith(".service"):
                continue
            text = open(os.path.join(d, f), errors="replace").read()
            if len(HARDENING.findall(text)) >= 3:
                out[f] = text
    return out


def shown_name(f):
    return f.replace("@.service", "@test.service")


def parse(out):
    """(overall score line, [table lines]) of `systemd-analyze security UNIT`."""
    lines = [re.sub(r"\s+", " ", l.strip()) for l in out.splitlines() if l.strip()]
    overall = [l for l in lines if "Overall exposure level" in l]
    table = [l for l in lines if not l.startswith("NAME") and "Overall exposure level" not in l]
    return (overall[0] if overall else None), table


def analyze_all(p, units):
    res = {}
    for u in units:
        cmd = ["nsenter", "-t", str(p.pid1), "-U", "-m", "-p", ANALYZE, "--no-pager", "security", u]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        res[u] = (r.returncode, parse(r.stdout), r.stderr.strip())
    return res


def run(kind, cg2, workdir, unitdir, units):
    p = oraclelib.boot(kind, cg2, f"sec-{kind}", workdir, unitdir)
    try:
        p.wait_ready()
        return analyze_all(p, units)
    finally:
        oraclelib.stop(kind, p)
        p.close()


def test_security(tap):
    if not os.path.exists(ANALYZE):
        raise Skip("Debian's systemd-analyze is not installed")
    try:
        cg2 = oraclelib.preflight()
    except oraclelib.Unavailable as e:
        raise Skip(str(e))
    files = dict(corpus_units())
    files.update(OWN)
    units = [shown_name(f) for f in files]
    workdir = tempfile.mkdtemp(prefix="sdinit-security-", dir="/var/tmp")
    os.chmod(workdir, 0o755)
    try:
        unitdir = os.path.join(workdir, "units")
        os.mkdir(unitdir)
        os.chmod(unitdir, 0o755)
        for f, text in files.items():
            with open(os.path.join(unitdir, f), "w") as fh:
                fh.write(text)
        want = run("systemd", cg2, workdir, unitdir, units)
        got = run("sdinit", cg2, workdir, unitdir, units)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for u in units:
        wrc, (wover, wtable), werr = want[u]
        grc, (gover, gtable), gerr = got[u]
        if not tap.ok(wrc == 0 and wover, f"{u}: systemd-analyze security works under systemd", werr):
            continue
        tap.ok(grc == 0 and gover == wover, f"{u}: same overall exposure ({wover})", f"sdinit: {gover} {gerr}")
        known = KNOWN.get(u, {})
        missing = [l for l in wtable if l not in gtable and not any(l.startswith(k) for k in known)]
        extra = [l for l in gtable if l not in wtable and not any(l.startswith(k) for k in known)]
        tap.ok(not missing and not extra, f"{u}: same verdict on each of the {len(wtable)} lines",
               "\n".join([f"systemd: {l}" for l in missing] + [f"sdinit:  {l}" for l in extra]))


if __name__ == "__main__":
    Tap().run([test_security])
