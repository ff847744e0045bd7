#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The adversarial suite's sanitizer check (hostilelib) fails a test on a report, and only on one.

sanitizer-reports.txt holds reports as gcc 12's ASan, UBSan and LeakSanitizer printed them for a
small program with the bugs (a use after free, a signed overflow UBSan recovers from, a leak, a
misaligned load then a SEGV). Each report is checked as is, as PID 1 relays a service's line
("x.service: ...") and inside a JSON line (--log-format=json). Then through a real PID 1: a
report on PID 1's own stderr (its main command inherits it) and in a service's relayed output
must fail the Boot's check when the test leaves it; a clean boot must not. No sanitizer build is
needed and nothing in sdinit is made to misbehave: the reports are text."""
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import hostilelib  # noqa: E402
from harness import Tap, until  # noqa: E402

UNITS = {"default.target": "[Unit]\nWants=a.service\n",
         "a.service": "[Service]\nType=oneshot\nExecStart=/bin/echo a ran\n"}


def reports():
    """{name: text} from sanitizer-reports.txt ("#### name: what" starts each)."""
    got, name = {}, None
    with open(os.path.join(HERE, "sanitizer-reports.txt")) as f:
        for ln in f:
            if ln.startswith("#### "):
                name = ln[5:].split(":", 1)[0]
                got[name] = ""
            elif name:
                got[name] += ln
    return got


def key_line(text):
    """The line a reader must see first: the report's ERROR or runtime error line."""
    return [ln for ln in text.splitlines() if "ERROR:" in ln or "runtime error:" in ln][0]


def raises(*texts):
    try:
        hostilelib.check_output("test", *texts)
    except hostilelib.SanitizerReport as e:
        return str(e)
    return None


def test_captured_reports(tap):
    rs = reports()
    tap.eq(sorted(rs), ["leak", "segv", "uaf", "ub"], "the captured reports are there")
    for name, text in sorted(rs.items()):
        msg = raises(text)
        tap.ok(msg and key_line(text) in msg, f"{name}: the report fails the check, its first line shown", msg)
        relayed = "\n".join(f"x.service: {ln}" for ln in text.splitlines())
        tap.ok(raises("ok line\n" + relayed), f"{name}: so does the report relayed as a service's output")
        as_json = "\n".join(json.dumps({"unit": "x.service", "message": ln}) for ln in text.splitlines())
        tap.ok(raises(as_json), f"{name}: and inside JSON lines (--log-format=json)")
        tap.ok(raises("", text), f"{name}: on stderr too (the second text)")
    clean = ("Reached target default.target.\nx.service: runtime is 3 s\nStarted x.service - Sanitizer test.\n"
             "a.service: error: runtime\n")
    tap.eq(raises(clean, ""), None, "ordinary output passes")


def boot_with(tap, what, units, command=None, wait=None, want_report=True):
    """Boots units (and a main command) under a real PID 1, waits (bounded) until wait(b) is true,
    and says whether leaving the Boot raised SanitizerReport."""
    got, body = None, False
    try:
        with hostilelib.Boot(units, net=True, args=["--unit", "default.target"] if command else [], command=command) as b:
            b.expect(r"a.service: a ran")
            if wait:
                until(lambda: wait(b), f"{what}: the report written")
            body = True
    except hostilelib.SanitizerReport as e:
        got = str(e)
    tap.ok(body, f"{what}: PID 1 booted and the test's own checks passed")
    if want_report:
        tap.ok(got and "PID 1: sanitizer report" in got, f"{what}: the test fails, with the report", got)
    else:
        tap.eq(got, None, f"{what}: no failure")
    return got


def test_through_pid1(tap):
    rs = reports()
    d = tempfile.mkdtemp(prefix="sdinit-san-", dir="/var/tmp")
    try:
        os.chmod(d, 0o755)
        for name, text in rs.items():
            with open(os.path.join(d, name + ".txt"), "w") as f:
                f.write(text)
        boot_with(tap, "a clean boot", UNITS, want_report=False)
        # A report on PID 1's own stderr: its main command inherits it.
        got = boot_with(tap, "an ASan report on PID 1's stderr", UNITS,
                        command=["/bin/sh", "-c", f"cat {d}/uaf.txt >&2; exec sleep 1000"],
                        wait=lambda b: "SUMMARY: AddressSanitizer" in b.p.stderr_now())
        tap.ok(got and key_line(rs["uaf"]) in got, "the ASan report's ERROR line is in the failure", got)
        # A UBSan report (the process carries on) in a service's relayed output.
        units = dict(UNITS, **{"default.target": "[Unit]\nWants=a.service ub.service\n",
                               "ub.service": f"[Service]\nExecStart=/bin/sh -c 'cat {d}/ub.txt; exec sleep 1000'\n"})
        got = boot_with(tap, "a UBSan report in a service's output", units,
                        wait=lambda b: b.expect(r"ub.service: .*runtime error:"))
        tap.ok(got and key_line(rs["ub"]) in got, "the runtime error line is in the failure", got)
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    Tap().run([test_captured_reports, test_through_pid1])
