#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A measurement, not a test: boots a set of units (services, a socket, a timer, a path, a target,
a missing unit and hardened services of ../shared/corpus) under Debian's real systemd or an
sdinit binary (oraclelib.py) and writes `systemctl show UNIT` of each as JSON, to compare the
property names and values of two builds with systemd's (issue 13 item 3):
    show_compare.py systemd sd.json
    show_compare.py /path/to/build/init/sdinit sdinit.json"""
import json, os, shutil, sys
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import oraclelib

CORPUS = os.path.join(HERE, "..", "..", "..", "shared", "corpus")
if not os.path.isdir(CORPUS):
    CORPUS = "/work/shared/corpus"
HARD = ["memcached/system/memcached.service", "redis-server/system/redis-server.service",
        "chrony/system/chrony.service", "389-ds-base/system/dirsrv-snmp.service",
        "mariadb-server/system/mariadb.service", "krb5-kdc/system/krb5-kdc.service",
        "dovecot-core/system/dovecot.service"]
UNITS = {
 "simple.service": "[Unit]\nDefaultDependencies=no\nDescription=A simple one\nDocumentation=man:sleep(1) https://example.com\n[Service]\nExecStart=/bin/sleep infinity\n",
 "oneshot.service": "[Unit]\nDefaultDependencies=no\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/true\nExecStartPre=-/bin/true x\n",
 "user.service": "[Unit]\nDefaultDependencies=no\nRequires=simple.service\nAfter=simple.service\nStopWhenUnneeded=no\nRefuseManualStop=yes\n"
                 "[Service]\nUser=nobody\nGroup=nogroup\nWorkingDirectory=/\nKillMode=mixed\nKillSignal=SIGINT\nSendSIGHUP=yes\n"
                 "TimeoutStopSec=5\nRestart=on-failure\nRestartSec=2\nExecStart=/bin/sleep infinity\nNoNewPrivileges=yes\nUMask=0077\n"
                 "ProtectSystem=strict\nPrivateTmp=yes\nCapabilityBoundingSet=CAP_NET_BIND_SERVICE\nSupplementaryGroups=daemon\n",
 "sock.socket": "[Unit]\nDefaultDependencies=no\n[Socket]\nListenStream=/run/showcmp.sock\n",
 "sock.service": "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/sleep infinity\n",
 "t.timer": "[Unit]\nDefaultDependencies=no\n[Timer]\nOnActiveSec=1h\nOnCalendar=daily\nUnit=simple.service\n",
 "p.path": "[Unit]\nDefaultDependencies=no\n[Path]\nPathExists=/nonexistent\nUnit=simple.service\n",
 "tgt.target": "[Unit]\nDefaultDependencies=no\nWants=simple.service\n",
}
START = ["simple.service", "oneshot.service", "user.service", "sock.socket", "t.timer", "p.path", "tgt.target"]
SHOW = list(UNITS) + ["missing.service"] + [os.path.basename(h) for h in HARD]

def main():
    which, out = sys.argv[1], sys.argv[2]
    cg2 = oraclelib.preflight()
    work = "/var/tmp/sdinit-show-compare"; shutil.rmtree(work, ignore_errors=True); os.mkdir(work)
    os.chmod(work, 0o755)
    ud = os.path.join(work, "units"); os.mkdir(ud); os.chmod(ud, 0o755)
    for n, t in UNITS.items():
        open(os.path.join(ud, n), "w").write(t)
    for h in HARD:
        shutil.copy(os.path.join(CORPUS, h), ud)
    if which == "systemd":
        p = oraclelib.boot_systemd(cg2, "showcmp-sd", work, ud)
    else:
        oraclelib.SDINIT = which
        p = oraclelib.boot_sdinit(cg2, "showcmp-si", work, ud)
    res = {}
    try:
        p.wait_ready()
        rc, o, e = p.systemctl("start", *START)
        p.settle()
        for u in SHOW:
            rc, o, e = p.systemctl("show", u)
            res[u] = dict(l.split("=", 1) for l in o.splitlines() if "=" in l)
    finally:
        if which == "systemd": oraclelib.stop_systemd(p)
        else: oraclelib.stop_sdinit(p)
        p.close()
        shutil.rmtree(work, ignore_errors=True)
    json.dump(res, open(out, "w"), indent=1, sort_keys=True)

main()
