#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The image suite: a FreeIPA-class Debian 12 image (build-image.sh) booted as a container runtime
would, with Debian's systemd 252 as the oracle and sdinit as the PID 1 under test.

  test_image.py build               build (or find cached) the image, report how long it took
  test_image.py delegated           systemd and sdinit, both with a delegated cgroup v2: unit states
                                    after boot, real clients, an administrator's script of
                                    operations, `systemctl exit 3`; then a second boot of each,
                                    stopped with SIGRTMIN+3
  test_image.py nodeleg|runc        sdinit only (systemd cannot run there: it exits 255), compared
                                    with the oracle's boot recorded by the delegated run (or booted
                                    again when missing): unit states, clients, SIGRTMIN+3

Every (subject, property) pair where sdinit and systemd differ is printed in a table; a difference
listed in known-differences.txt (with its reason) passes, any other fails the test. So does a PID 1
that crashes, or hangs at boot or at shutdown past its deadline. Exit 77 (skip) without root, user
namespaces, subordinate ids, a cgroup2 mount or Debian's archive.
"""
import fnmatch
import json
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import imageboot as ib  # noqa: E402
from imageboot import cgharness, log  # noqa: E402

SDINIT_DIR = os.path.abspath(os.environ.get("SDINIT_BUILD_INIT") or os.path.join(ib.REPO, "build", "init"))
KNOWN = os.path.join(HERE, "known-differences.txt")
BOOT_DEADLINE = float(os.environ.get("SDINIT_IMAGE_BOOT_DEADLINE", "60"))
OPS_BUDGET = float(os.environ.get("SDINIT_IMAGE_OPS_BUDGET", "150"))  # the whole operations script
CMD_TIMEOUT = 45.0
CLIENT_TIMEOUT = 10
STOP_DEADLINE = float(os.environ.get("SDINIT_IMAGE_STOP_DEADLINE", "30"))
STOP_BOUND = 10.0  # issue 11: shutdown ends in under 10 s

# The daemons the administrator's script works on (unit names as Debian 12 ships them). krb5-kdc and
# krb5-admin-server are left out: without a realm they fail at a moment that is a race (kadmind
# forks, then exits), under either PID 1; their state after boot is compared.
DAEMONS = ["apache2.service", "nginx.service", "named.service", "ssh.service", "cron.service",
           "rsyslog.service", "chrony.service", "postgresql.service", "postgresql@15-main.service",
           "slapd.service", "certmonger.service", "sssd.service"]
PROPS = ["LoadState", "ActiveState", "SubState", "Result"]


# ---- known differences ---------------------------------------------------------------------------

def load_known():
    """Lines: SUBJECT-GLOB[,..] PROPERTY-GLOB[,..] SHAPES(*|a,b) SDINIT-VALUE-GLOB[,..] REASON..."""
    known = []
    with open(KNOWN) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 4)
            if len(parts) < 5:
                raise SystemExit(f"{KNOWN}:{n}: want SUBJECT PROPERTY SHAPES SDINIT-VALUE REASON")
            known.append({"subject": parts[0], "props": parts[1].split(","), "shapes": parts[2].split(","),
                          "value": parts[3], "reason": parts[4], "line": n, "used": False})
    return known


def known_reason(known, shape, subject, prop, value):
    for k in known:
        if (any(fnmatch.fnmatchcase(subject.replace(" ", "_"), g) for g in k["subject"].split(",")) and any(fnmatch.fnmatchcase(prop, p) for p in k["props"])
                and ("*" in k["shapes"] or shape in k["shapes"])
                and any(fnmatch.fnmatchcase(value.replace(" ", "_"), v) for v in k["value"].split(","))):
            k["used"] = True
            return k["reason"]
    return None


# ---- observations --------------------------------------------------------------------------------

def show(c, units, props):
    """{unit: {prop: value}} from one `systemctl show` of many units."""
    out = {}
    for i in range(0, len(units), 100):
        chunk = units[i:i + 100]
        rc, text = c.exec(["systemctl", "show", "-p", "Id," + ",".join(props), "--"] + chunk)
        blocks = text.split("\n\n")
        for u, block in zip(chunk, blocks):
            kv = dict(ln.split("=", 1) for ln in block.splitlines() if "=" in ln)
            out[u] = {p: kv.get(p, "") for p in props}
        for u in chunk[len(blocks):]:
            out[u] = {p: f"(show rc={rc})" for p in props}
    return out


def list_units(c):
    rc, text = c.exec(["systemctl", "list-units", "--all", "--plain", "--no-legend", "--full"], timeout=60)
    names = []
    for ln in text.splitlines():
        f = [x for x in ln.split() if x != "●"]
        if f and "." in f[0]:
            names.append(f[0])
    return names


def unit_states(c, names):
    st = show(c, names, PROPS + ["MainPID", "Type"])
    res = {}
    for u, v in st.items():
        r = {p: v[p] for p in PROPS}
        if u.endswith(".service") and v["ActiveState"] == "active" and v["SubState"] == "running":
            r["MainPID"] = "non-zero" if v["MainPID"] not in ("", "0") else "0"
        res[u] = r
    return res


def snapshot(c, unit):
    v = show(c, [unit], PROPS + ["MainPID"])[unit]
    return v


def settle(c, unit, old_pid, deadline=20.0):
    """After a kill: wait until the unit is running with another main process, or has ended
    (failed/inactive with no restart pending). Bounded; returns the last snapshot."""
    end = time.monotonic() + deadline
    while True:
        v = snapshot(c, unit)
        running_again = v["ActiveState"] == "active" and v["MainPID"] not in ("0", "", old_pid)
        ended = v["ActiveState"] in ("failed", "inactive") and v["SubState"] != "auto-restart"
        if running_again or ended or time.monotonic() > end:
            return v
        c.proc_wait_short()  # also notices a dead PID 1


def no_jobs(c, deadline=60.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        rc, out = c.exec(["systemctl", "list-jobs", "--no-legend"])
        if rc == 0 and not out.strip().replace("No jobs running.", ""):
            return True
        c.proc_wait_short()
    return False


def clients(c):
    """Each daemon checked by its real client inside the container. {client: result string}."""
    r = {}
    rc, out = c.exec(["getcert", "list"], timeout=CLIENT_TIMEOUT)
    r["getcert list"] = f"rc={rc}"
    rc, out = c.exec(["timeout", str(CLIENT_TIMEOUT - 1), "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/22 && head -n1 <&3"], timeout=CLIENT_TIMEOUT)
    r["ssh banner"] = "SSH-2.0" if out.startswith("SSH-2.0") else f"rc={rc}"
    token = f"sdinit-image-probe-{os.getpid()}-{time.monotonic_ns()}"
    c.exec(["logger", "-t", "image-probe", token], timeout=CLIENT_TIMEOUT)
    # Wait for the line (tail -F follows the file by inotify), bounded; the tail is killed by pid.
    rc, out = c.exec(["timeout", str(CLIENT_TIMEOUT - 1), "bash", "-c", "exec 3< <(exec tail -q -F -n +1 /var/log/syslog 2>/dev/null); t=$!; "
                      f"grep -q -m1 {token} <&3; rc=$?; kill $t; exit $rc"], timeout=CLIENT_TIMEOUT)
    r["logger -> syslog file"] = "found" if rc == 0 else "missing"
    # The same line in the journal (issue 15: systemd-journald runs under both PID 1s), followed
    # by journalctl -f until it comes, bounded.
    rc, out = c.exec(["timeout", str(CLIENT_TIMEOUT - 1), "bash", "-c",
                      f"journalctl --no-pager -f -n all -o cat -t image-probe | grep -q -m1 {token}"], timeout=CLIENT_TIMEOUT)
    r["logger -> journal"] = "found" if rc == 0 else "missing"
    # A daemon's own output under its unit, and as systemctl status shows it.
    rc, out = c.exec(["journalctl", "--no-pager", "-o", "cat", "-u", "ssh.service"], timeout=CLIENT_TIMEOUT)
    r["journalctl -u ssh.service"] = "Server listening" if "Server listening" in out else f"rc={rc}, none"
    rc, out = c.exec(["systemctl", "--no-pager", "status", "ssh.service"], timeout=CLIENT_TIMEOUT)
    r["systemctl status ssh.service: log lines"] = "Server listening" if "Server listening" in out else "none"
    rc, out = c.exec(["runuser", "-u", "postgres", "--", "psql", "-Atc", "select 6*7"], timeout=CLIENT_TIMEOUT)
    r["psql"] = out if rc == 0 else f"rc={rc}"
    rc, out = c.exec(["ldapsearch", "-x", "-LLL", "-H", "ldap://127.0.0.1", "-b", "", "-s", "base", "namingContexts"], timeout=CLIENT_TIMEOUT)
    r["ldapsearch"] = f"rc={rc}"
    rc, out = c.exec(["dig", "+short", "+time=2", "+tries=1", "@127.0.0.1", "localhost"], timeout=CLIENT_TIMEOUT)
    r["dig @127.0.0.1 localhost"] = out if rc == 0 else f"rc={rc}"
    for url in ("http://127.0.0.1/", "http://127.0.0.1:8080/"):  # apache2, nginx (see build-image.sh)
        rc, out = c.exec(["curl", "-s", "-o", "/dev/null", "-D", "-", "--max-time", str(CLIENT_TIMEOUT - 1), url],
                         timeout=CLIENT_TIMEOUT)
        server = [ln.split(":", 1)[1].strip().split("/")[0] for ln in out.splitlines() if ln.lower().startswith("server:")]
        r[url] = (out.splitlines()[0].split()[1] + " " + (server[0] if server else "")) if rc == 0 and out else f"rc={rc}"
    return r


class BudgetSpent(Exception):
    pass


def operations(c):
    """The administrator's script. {subject: {property: value}}; when OPS_BUDGET runs out, the
    subjects done so far and {"operations": {"budget": "spent at: COMMAND"}}."""
    try:
        return _operations(c)
    except BudgetSpent as e:
        log(f"# operations budget ({OPS_BUDGET:.0f} s) spent at: {e}")
        ops = dict(_partial)
        ops["operations"] = {"budget": "spent"}
        return ops


_partial = {}


def _operations(c):
    ops = _partial
    ops.clear()
    end = time.monotonic() + OPS_BUDGET

    class Budgeted:
        """c with every command bounded by what is left of OPS_BUDGET (BudgetSpent once spent)."""
        def exec(self, argv, timeout=CMD_TIMEOUT):
            left = end - time.monotonic()
            if left <= 1:
                raise BudgetSpent(" ".join(argv))
            return real.exec(argv, timeout=min(timeout, left))

        def proc_wait_short(self):
            real.proc_wait_short()

    real, c = c, Budgeted()

    def rec(subject, **kv):
        ops.setdefault(subject, {}).update({k: str(v) for k, v in kv.items()})

    for u in DAEMONS:
        before = snapshot(c, u)["MainPID"]
        rc, out = c.exec(["systemctl", "restart", u])
        v = snapshot(c, u)
        rec(f"restart {u}", rc=rc, ActiveState=v["ActiveState"], SubState=v["SubState"],
            MainPID=("non-zero" if v["MainPID"] not in ("0", "") else "0"),
            new_MainPID=(v["MainPID"] != before) if before not in ("0", "") else "n/a")
    for name, cmds in (("stop; start postgresql", [["systemctl", "stop", "postgresql"], ["systemctl", "start", "postgresql"]]),
                       ("stop --no-block; start postgresql", [["systemctl", "--no-block", "stop", "postgresql"],
                                                               ["systemctl", "start", "postgresql"]])):
        rcs = [c.exec(cmd)[0] for cmd in cmds]
        settled = no_jobs(c)
        for u in ("postgresql.service", "postgresql@15-main.service"):
            v = snapshot(c, u)
            rec(f"{name}: {u}", rc=",".join(map(str, rcs)), jobs_done=settled, ActiveState=v["ActiveState"], SubState=v["SubState"])
    rc, out = c.exec(["runuser", "-u", "postgres", "--", "psql", "-Atc", "select 1"], timeout=30)
    rec("psql after stop/start", result=out if rc == 0 else f"rc={rc}")
    for u in DAEMONS:
        rc, out = c.exec(["systemctl", "reload", u])
        v = snapshot(c, u)
        rec(f"reload {u}", rc=rc, ActiveState=v["ActiveState"])
    for u in DAEMONS:
        pid = snapshot(c, u)["MainPID"]
        if pid in ("0", ""):
            rec(f"kill -9 {u}", main_process="none")
            continue
        rc, out = c.exec(["kill", "-9", pid], timeout=30)
        v = settle(c, u, pid)
        nr = show(c, [u], ["NRestarts"])[u]["NRestarts"]
        rec(f"kill -9 {u}", main_process="killed" if rc == 0 else f"kill rc={rc}", ActiveState=v["ActiveState"],
            SubState=v["SubState"], Result=v["Result"], restarted=(nr not in ("0", "")),
            MainPID=("non-zero" if v["MainPID"] not in ("0", "") else "0"))
    for u in ("nginx.service", "cron.service"):
        rc1, _ = c.exec(["systemctl", "disable", u], timeout=60)
        rc2, st2 = c.exec(["systemctl", "is-enabled", u], timeout=60)
        rc3, _ = c.exec(["systemctl", "enable", u], timeout=60)
        rc4, st4 = c.exec(["systemctl", "is-enabled", u], timeout=60)
        rec(f"disable/enable {u}", disable_rc=rc1, after_disable=f"{st2} rc={rc2}", enable_rc=rc3,
            after_enable=f"{st4} rc={rc4}")
    rc, out = c.exec(["systemctl", "daemon-reload"])
    rc2, state = c.exec(["systemctl", "is-system-running"], timeout=60)
    rec("daemon-reload", rc=rc, system_state=state)
    after = show(c, DAEMONS, ["ActiveState"])
    for u in DAEMONS:
        rec(f"daemon-reload: {u}", ActiveState=after[u]["ActiveState"])
    return ops


def stop_and_observe(c, how):
    """Stops the container ('exit 3' via systemctl, or SIGRTMIN+3); {property: value}."""
    t0 = time.monotonic()
    if how == "exit 3":
        rc, out = c.exec(["systemctl", "exit", "3"], timeout=60)
    else:
        c.signal(ib.RTMIN3)
        rc = "sent"
    status, dt = c.wait_exit(STOP_DEADLINE)
    dt = time.monotonic() - t0
    r = {"command_rc": str(rc), "container_exit": str(status), f"exits_within_{int(STOP_BOUND)}s": str(dt < STOP_BOUND)}
    if status == "timeout":
        left, populated = c.leftovers()
        r["processes_left"] = f"{len(left)} (container still running)"
    else:
        left, populated = c.leftovers()
        r["processes_left"] = str(len(left) + (1 if populated else 0))
    log(f"# {c.kind}/{c.shape}: {how}: exit {status} after {dt:.2f} s")
    return r, dt


# ---- one PID 1 ---------------------------------------------------------------------------------------

def run_pid1(image, kind, shape, cg2, overlay, with_ops, tag, extra_names=()):
    """Boot, observe, (operate, `systemctl exit 3`), boot again, SIGRTMIN+3. Returns a record."""
    rec = {"kind": kind, "shape": shape, "subjects": {}, "timings": {}}
    boots = [("a", "exit 3"), ("b", "SIGRTMIN+3")] if with_ops else [("b", "SIGRTMIN+3")]
    for boot, how in boots:
        c = ib.Container(image, kind, shape, SDINIT_DIR, overlay=overlay, tag=f"{tag}{boot}")
        try:
            c.start(cg2)
            state, t_boot = c.wait_booted(BOOT_DEADLINE)
            log(f"# {kind}/{shape}: boot {boot}: {state} after {t_boot:.2f} s, PID 1 VmHWM {c.vmhwm_kb()} kB")
            rec["timings"][f"boot {boot}"] = round(t_boot, 2)
            rec["subjects"]["system"] = {"SystemState": state if state in ("running", "degraded") else f"not booted: {state}",
                                         "PID 1 alive": str(c.alive())}
            if not c.alive():
                status, _ = c.wait_exit(STOP_DEADLINE)
                rec["subjects"]["system"]["PID 1 alive"] = f"False (container exit {status})"
                if c.rc is not None and -c.rc in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGILL, signal.SIGFPE):
                    rec["subjects"]["system"]["PID 1 crashed"] = status
                log(f"# {kind}/{shape}: PID 1 is gone; its last output:\n" +
                    "\n".join("#   " + ln for ln in c.output().splitlines()[-15:]))
                continue
            if state not in ("running", "degraded"):
                rc, jobs = c.exec(["systemctl", "list-jobs", "--no-legend"], timeout=30)
                log(f"# {kind}/{shape}: jobs left at the deadline:\n" + "\n".join("#   " + ln for ln in jobs.splitlines()[:30]))
            if boot == "b" or not with_ops:
                names = list_units(c)
                rec["names"] = names
                if names:  # the other PID 1's units too, unless this one does not answer at all
                    names = names + [u for u in extra_names if u not in names]
                rec["units"] = unit_states(c, names)
                for k, v in clients(c).items():
                    rec["subjects"][f"client {k}"] = {"result": v}
            if boot == "a":
                for k, v in operations(c).items():
                    rec["subjects"][k] = v
            stop, dt = stop_and_observe(c, how)
            rec["subjects"][f"stop: {how}"] = stop
            rec["exit_text"] = c.output()[-3000:]
            rec["timings"][f"stop {how}"] = round(dt, 2)
            if c.rc is not None and -c.rc in (signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGILL, signal.SIGFPE):
                rec["subjects"]["system"]["PID 1 crashed"] = f"container exit {stop['container_exit']}"
        finally:
            if not c.close():
                rec["subjects"].setdefault("cleanup", {})["cgroups removed"] = "no"
    return rec


def compare(shape, oracle, got, known):
    """Prints the per-subject diff table; returns the list of unexpected differences."""
    rows, unexpected = [], []
    o_units, g_units = oracle.get("units", {}), got.get("units", {})
    if not g_units:
        rows.append(("all units", "listed", str(len(o_units)), "none (no systemctl answer)"))
        o_units = {}
    for u in sorted(set(o_units) | set(g_units)):
        a = o_units.get(u, {p: "(not listed)" for p in PROPS})
        b = g_units.get(u, {p: "(not listed)" for p in PROPS})
        for p in sorted(set(a) | set(b), key=lambda x: (PROPS + ["MainPID"]).index(x) if x in PROPS + ["MainPID"] else 99):
            va, vb = a.get(p, "(n/a)"), b.get(p, "(n/a)")
            if va != vb:
                rows.append((u, p, va, vb))
    missing = sorted(set(oracle["subjects"]) - set(got["subjects"]))
    if missing:
        rows.append((f"{len(missing)} operations", "run", "yes", "not run (first: " + missing[0] + ")"))
    for s in sorted(set(oracle["subjects"]) | set(got["subjects"])):
        if s in missing:
            continue
        a, b = oracle["subjects"].get(s, {}), got["subjects"].get(s, {})
        for p in sorted(set(a) | set(b)):
            va, vb = a.get(p, "(n/a)"), b.get(p, "(n/a)")
            if va != vb:
                rows.append((s, p, va, vb))
    n_units = len(set(o_units) | set(g_units))
    log(f"# {shape}: {n_units} units and {len(set(oracle['subjects']) | set(got['subjects']))} other subjects compared, "
        f"{len(rows)} difference(s)")
    if rows:
        w0 = max(len(r[0]) for r in rows)
        w1 = max(len(r[1]) for r in rows)
        w2 = max(min(len(r[2]), 30) for r in rows)
        log(f"# {'subject':<{w0}}  {'property':<{w1}}  {'systemd':<{w2}}  {'sdinit':<30}  status")
        for s, p, va, vb in rows:
            reason = known_reason(known, shape, s, p, vb)
            status = f"known: {reason}" if reason else "UNEXPECTED"
            if not reason:
                unexpected.append((s, p, va, vb))
            log(f"# {s:<{w0}}  {p:<{w1}}  {va[:60]:<{w2}}  {vb[:60]:<30}  {status}")
    return unexpected


def oracle_path(image):
    return os.path.join(ib.CACHE, f"oracle-{os.path.basename(image)}.json")


def main():
    shape = sys.argv[1] if len(sys.argv) > 1 else "delegated"
    res = cgharness.Results(f"image-{shape}")
    cg2 = cgharness.preflight(res)[0]
    if shape == "runc" and not ib.shutil.which("runc"):
        res.skip("runc not installed (scripts/deps.sh installs it)")
    for tool in ("nsenter", "debootstrap"):
        if not ib.shutil.which(tool):
            res.skip(f"{tool} missing")
    os.makedirs(ib.CACHE, exist_ok=True)
    image, dt, stamp = ib.build_image()
    if image is None:
        if stamp.get("rc") in (2, 3):
            res.skip(f"cannot build the image (exit {stamp['rc']}): {stamp['stderr'][-500:]}")
        res.check(False, "the image builds", stamp.get("stderr", "")[-3000:])
        return res.finish()
    for f in os.listdir(ib.CACHE):  # oracles recorded on images that build-image.sh has replaced
        if f.startswith("oracle-") and f != os.path.basename(oracle_path(image)):
            os.unlink(os.path.join(ib.CACHE, f))
    log(f"# image {image}: build_seconds={stamp.get('build_seconds')} (this call {dt:.1f} s), size {stamp.get('size_mib')} MiB")
    if shape == "build":
        res.check(os.path.isfile(os.path.join(image, "lib/systemd/systemd")), "the image has Debian's systemd")
        return res.finish()
    if not os.path.isfile(os.path.join(SDINIT_DIR, "sdinit-manager")):
        res.skip(f"no sdinit build in {SDINIT_DIR}")
    t0 = time.monotonic()
    overlay = ib.probe_overlay()
    log(f"# per-boot copy of the image: {'overlayfs in the user namespace' if overlay else 'cp -a (overlayfs refused)'}")
    known = load_known()
    tag = shape[:2]
    if shape == "delegated":
        oracle = run_pid1(image, "systemd", "delegated", cg2, overlay, True, "sd")
        with open(oracle_path(image), "w") as f:
            json.dump(oracle, f)
    else:
        try:
            with open(oracle_path(image)) as f:
                oracle = json.load(f)
            log(f"# oracle: systemd's delegated boot recorded in {oracle_path(image)}")
        except (OSError, ValueError):
            oracle = run_pid1(image, "systemd", "delegated", cg2, overlay, False, "sd")
    got = run_pid1(image, "sdinit", shape, cg2, overlay, shape == "delegated", tag, oracle.get("names", []))
    if shape != "delegated":
        oracle = dict(oracle, subjects={k: v for k, v in oracle["subjects"].items() if k in got["subjects"]})
    log(f"# timings: systemd {oracle['timings']}, sdinit {got['timings']}")
    unexpected = compare(shape, oracle, got, known)
    res.check(got["subjects"].get("system", {}).get("PID 1 alive") == "True", "sdinit is alive after boot",
              got["subjects"].get("system"))
    res.check("PID 1 crashed" not in got["subjects"].get("system", {}), "sdinit did not crash")
    res.check("units" in got and len(got["units"]) > 50, f"sdinit lists the image's units ({len(got.get('units', {}))})")
    res.check(not unexpected, f"every difference from systemd is in known-differences.txt ({len(unexpected)} are not)")
    res.check("cleanup" not in got["subjects"] and "cleanup" not in oracle["subjects"], "cgroups cleaned up")
    log(f"# {shape}: done in {time.monotonic() - t0:.1f} s")
    return res.finish()


if __name__ == "__main__":
    sys.exit(main())
