#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What any user can push into the container's output (issue 12, defects 8 and 9).

- /dev/log is world-writable, as journald's is. An unprivileged service (User=nobody) sends
  terminal escapes and carriage returns: they reach the container's output as visible escapes,
  never raw. It floods 30,000 datagrams: past journald's default burst (10,000 in 30 s) its
  messages are dropped with one line saying so, and another service's output still arrives.
- --log-format=json: a service that writes bytes that are not UTF-8, and control characters:
  every line PID 1 writes is valid JSON (the bytes as an array, as journalctl -o json does).
- A service that floods its stdout without end (yes): its lines are rate-limited per unit with
  journald's defaults (10,000 in 30 s), so a quiet service's line still arrives promptly and
  systemctl answers within 1 s; a unit with LogRateLimitBurst=100 and LogRateLimitIntervalSec=2s
  gets 100 of 1,000 lines through and "Suppressed 900 messages from burst.service" before its
  next line after the window, as journald writes it."""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from harness import Tap  # noqa: E402
from hostilelib import Boot  # noqa: E402

PY = "/usr/bin/python3"

SENDER = r"""
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.sendto(b"<13>hostile: \x1b[2J\x1b[31mFAKE\rsdinit: forged line\x07", "/dev/log")
for i in range(30000):
    while True:
        try:
            s.sendto(b"<13>flood: %d" % i, "/dev/log")
            break
        except BlockingIOError:
            pass
        except OSError as e:
            if e.errno != 11: raise
print("flood done", flush=True)
"""


def test_devlog(tap):
    units = {
        "default.target": "[Unit]\nWants=flood.service\n",
        "flood.service": "[Service]\nUser=nobody\nExecStart=" + PY + " @STATE@/sender.py\n",
        "later.service": "[Service]\nType=oneshot\nExecStart=/bin/echo later output arrives\n",
    }
    with Boot(units, mapping="unpriv", net=True, files={"sender.py": SENDER}) as b:
        os.chmod(os.path.join(b.state, "sender.py"), 0o644)
        b.booted()
        b.expect(r"flood.service: flood done", timeout=120)
        b.expect(r"syslog: flood.service sent 10000 messages in 30 s; dropping its messages", timeout=30)
        # Another unit started now, through the bus: its output comes through.
        # (Without --preserve-credentials: uid 0 of the container, not the host's unmapped root.)
        r = subprocess.run(["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n",
                            "/bin/systemctl", "start", "later.service"], capture_output=True, text=True, timeout=60)
        tap.eq((r.returncode, r.stderr), (0, ""), "systemctl start of another unit works after the flood")
        b.expect(r"later.service: later output arrives", timeout=30)
        rc = b.stop()
        tap.eq(rc, 0, "PID 1 stops cleanly after the flood")
        tap.ok(not any(c in l for l in b.lines for c in "\x1b\r\x07"),
               "no raw ESC, CR or BEL reached the container's output")
        hostile = [l for l in b.lines if "hostile:" in l]
        tap.ok(len(hostile) == 1 and "\\x1b[2J" in hostile[0] and "\\x0dsdinit: forged line" in hostile[0],
               "the escapes are shown, escaped, on the line of the message", hostile)
        flood = [l for l in b.lines if "flood: " in l]
        tap.ok(9000 <= len(flood) <= 10000, f"at most the burst (10,000) of the flood reached the output: {len(flood)}")
        tap.ok(any("later.service: later output arrives" in l for l in b.lines), "another service's output still arrives")


BADBYTES = r"""
import os
os.write(1, b"plain line\n")
os.write(1, b"latin1 caf\xe9 and \xff\xfe\n")
os.write(1, b"control \x1b[31m red \x00 nul \x7f del\n")
os.write(1, b"overlong \xc0\xaf and surrogate \xed\xa0\x80\n")
os.write(1, "valid utf-8 \u00e9\u4e2d\U0001f600\n".encode())
"""


def test_json_utf8(tap):
    units = {"default.target": "[Unit]\nWants=bytes.service\n",
             "bytes.service": "[Service]\nType=oneshot\nExecStart=" + PY + " @STATE@/bytes.py\n"}
    with Boot(units, args=["--log-format=json"], files={"bytes.py": BADBYTES}) as b:
        b.booted()
        b.expect(r"valid utf-8", timeout=30)
        tap.eq(b.stop(), 0, "PID 1 stops cleanly")
        bad, docs = [], []
        for l in b.lines:  # decoded with U+FFFD for bytes that are not UTF-8
            try:
                if "\ufffd" in l:
                    raise ValueError("not UTF-8")
                docs.append(json.loads(l))
            except ValueError:
                bad.append(l)
        tap.ok(not bad, "every output line is valid UTF-8 and valid JSON", bad[:5])
        msgs = [d.get("message") for d in docs if d.get("unit") == "bytes.service"]

        def as_bytes(m):
            return bytes(m) if isinstance(m, list) else m.encode()
        got = [as_bytes(m) for m in msgs]
        tap.ok(b"latin1 caf\xe9 and \xff\xfe" in got, "non-UTF-8 bytes kept exactly, as an array of byte values", msgs)
        tap.ok(b"overlong \xc0\xaf and surrogate \xed\xa0\x80" in got, "overlong forms and surrogates count as not UTF-8")
        tap.ok("valid utf-8 \u00e9\u4e2d\U0001f600" in msgs, "valid UTF-8 stays a string")
        tap.ok("control \x1b[31m red \x00 nul \x7f del" in msgs, "control characters are escaped inside the string")


def test_relay_flood(tap):
    units = {
        "default.target": "[Unit]\nWants=flood.service burst.service\n",
        "flood.service": "[Service]\nExecStart=/usr/bin/yes flood-line\n",
        "quiet.service": "[Service]\nExecStart=/bin/sh -c 'echo quiet hello; exec sleep infinity'\n",
        # 1,000 lines at once, then (after the 2 s window) one more.
        "burst.service": "[Service]\nLogRateLimitIntervalSec=2s\nLogRateLimitBurst=100\n"
                         "ExecStart=/bin/sh -c 'seq -f \"burst %%g\" 1 1000; sleep 3; echo burst after'\n",
    }
    with Boot(units, net=True) as b:
        t_boot = time.monotonic()
        b.booted()
        b.expect(r"flood.service: flood-line")

        def ctl(*args):
            t = time.monotonic()
            r = subprocess.run(["nsenter", "-t", str(b.p.host_pid()), "-U", "-m", "-p", "-n", "--preserve-credentials",
                                "/bin/systemctl", "--no-pager"] + list(args), capture_output=True, text=True, timeout=60)
            return r, time.monotonic() - t

        r, dt_start = ctl("start", "quiet.service")
        t = time.monotonic()
        b.expect(r"quiet.service: quiet hello", timeout=30)
        dt_line = time.monotonic() - t
        tap.ok(r.returncode == 0, "systemctl start of a quiet service during the flood", r.stderr)
        tap.ok(dt_line < 1.0, f"the quiet service's line arrives promptly ({dt_line:.3f} s after systemctl returned)")
        worst = dt_start
        for _ in range(5):
            r, dt = ctl("is-active", "flood.service")
            worst = max(worst, dt)
        if os.environ.get("SDINIT_HOSTILE_LONG") == "1":
            # The benchmark-like mode: the flood goes on for minutes; systemctl is timed every
            # second and PID 1 sampled; the maxima are printed.
            seconds = int(os.environ.get("SDINIT_HOSTILE_SECONDS", "300"))
            end, max_rss, max_fds, calls = time.monotonic() + seconds, 0, 0, 0
            while time.monotonic() < end:
                r, dt = ctl("is-active", "flood.service")
                worst, calls = max(worst, dt), calls + 1
                with open(f"/proc/{b.p.host_pid()}/status") as f:
                    max_rss = max(max_rss, int([l for l in f if l.startswith("VmRSS:")][0].split()[1]))
                max_fds = max(max_fds, len(os.listdir(f"/proc/{b.p.host_pid()}/fd")))
                time.sleep(1)  # pacing of the samples, not synchronisation
            print(f"# long mode: output flood for {seconds} s, {calls} systemctl calls; maxima: latency {worst:.3f} s, "
                  f"VmRSS {max_rss} kB, {max_fds} descriptors", flush=True)
        tap.ok(worst < 1.0 and r.stdout.strip() == "active", f"systemctl answers within 1 s during the flood (slowest {worst:.3f} s)")
        b.expect(r"burst.service: burst after", timeout=30)
        burst = [l.split(": ", 1)[1] for l in b.lines if l.startswith("burst.service: burst ")]
        tap.eq(burst, [f"burst {i}" for i in range(1, 101)] + ["burst after"],
               "LogRateLimitBurst=100: the first 100 lines of the window, then the line after it")
        i_sup, i_after = b.index(r"Suppressed 900 messages from burst\.service$"), b.index(r"burst.service: burst after")
        tap.ok(0 <= i_sup < i_after, "\"Suppressed 900 messages from burst.service\" comes before the next line, as journald's",
               [l for l in b.lines if "uppressed" in l])
        with open(f"/proc/{b.p.host_pid()}/status") as f:
            rss = int([l for l in f if l.startswith("VmRSS:")][0].split()[1])
        limit = 65536 if "ASAN_OPTIONS" in os.environ else 16384  # ASan's shadow memory and quarantine
        tap.ok(rss < limit, f"PID 1 at {rss} kB during the flood (bound {limit // 1024} MB)")
        elapsed = time.monotonic() - t_boot
        rc = b.stop()
        flood = sum(1 for l in b.lines if l == "flood.service: flood-line")
        windows = int(elapsed // 30) + 1
        tap.ok(0 < flood <= 10000 * windows, f"the flood is cut at journald's burst: {flood} lines in {elapsed:.0f} s "
               f"(at most 10,000 per 30 s window)")
        tap.eq(rc, 0, "PID 1 stops cleanly")


if __name__ == "__main__":
    Tap().run([test_devlog, test_json_utf8, test_relay_flood])
