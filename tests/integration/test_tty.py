#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""TTY behaviour in the shape of `docker run -it`: PID 1 leads a session whose controlling terminal
is a pty. The child must end up in the terminal's foreground so ctrl-C reaches it and an interactive
bash has working job control. sdinit, its tini and dumb-init personalities, and the real peers."""
import fcntl
import os
import select
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (DEADLINE, PY, SDINIT, Skip, Tap, personality_dir, unshare_argv)  # noqa: E402

PERS = personality_dir()

PROBE = ("import os,signal;signal.signal(signal.SIGINT,signal.SIG_DFL);"
         "print('fg=%s leader=%s' % (os.tcgetpgrp(0)==os.getpgrp(), os.getsid(0)==os.getpid()), flush=True);"
         "print('READY', flush=True);signal.pause()")


class Tty:
    """argv as PID 1 of a new session whose controlling terminal is a fresh pty (like docker -it)."""

    def __init__(self, argv, mapping="root"):
        self.master, slave = os.openpty()
        # The outer unshare leads a session without a terminal; `setsid -c` inside makes PID 1 the
        # leader of a new session and gives it the pty as controlling terminal.
        cmd = unshare_argv(mapping) + ["setsid", "-c"] + argv
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TINI_", "DUMB_INIT_"))}
        env["TERM"] = "dumb"
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, start_new_session=True, env=env)
        os.close(slave)
        self.buf = b""

    def expect(self, token, timeout=DEADLINE):
        import re
        return self.expect_re(re.escape(token), timeout)

    def expect_re(self, pattern, timeout=DEADLINE):
        """Waits for a regex in the output (not in the echo of what we typed: use computed values)."""
        import re
        end = time.monotonic() + timeout
        while True:
            m = re.search(pattern.encode(), self.buf)
            if m:
                seen, self.buf = self.buf[:m.end()], self.buf[m.end():]
                return seen.decode(errors="replace")
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{pattern!r} not seen; got {self.buf[-500:]!r}")
            if select.select([self.master], [], [], left)[0]:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise EOFError(f"pty closed before {pattern!r}; got {self.buf[-500:]!r}")
                self.buf += chunk

    def send(self, data):
        os.write(self.master, data.encode() if isinstance(data, str) else data)

    def wait(self, timeout=DEADLINE):
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def inits():
    yield "sdinit", [SDINIT, "--"]
    yield "sdinit-as-tini", [os.path.join(PERS, "tini"), "--"]
    yield "sdinit-as-dumb-init", [os.path.join(PERS, "dumb-init")]
    for peer, argv in (("tini", ["--"]), ("dumb-init", [])):
        p = shutil.which(peer)
        if p:
            yield peer, [p] + argv


def ctrl_c(argv):
    t = Tty(argv + [PY, "-c", PROBE])
    try:
        line = t.expect("READY")
        t.send(b"\x03")  # ^C: the terminal sends SIGINT to its foreground process group
        rc = t.wait()
        return [l for l in line.splitlines() if l.startswith("fg=")][-1].strip(), rc
    finally:
        t.close()


def test_foreground_and_ctrl_c(tap):
    if not shutil.which("setsid"):
        raise Skip("setsid(1) missing")
    res = {name: ctrl_c(argv) for name, argv in inits()}
    for name, (line, rc) in res.items():
        tap.ok(line.startswith("fg=True"), f"{name}: the child is in the terminal's foreground", line)
        tap.eq(rc, 130, f"{name}: ctrl-C kills the child, the init exits 130")
    if "tini" in res:
        tap.eq(res["sdinit-as-tini"], res["tini"], "as tini: same terminal state as the real tini")
    if "dumb-init" in res:
        tap.eq(res["sdinit-as-dumb-init"], res["dumb-init"], "as dumb-init: same terminal state as the real dumb-init")
    tap.eq(res["sdinit-as-dumb-init"][0], "fg=True leader=True", "as dumb-init: the child leads a session owning the tty")


def test_interactive_bash(tap):
    bash = shutil.which("bash")
    if not bash:
        raise Skip("bash missing")
    for name, argv in (("sdinit", [SDINIT, "--"]), ("sdinit-as-dumb-init", [os.path.join(PERS, "dumb-init")])):
        t = Tty(argv + [bash, "--norc", "--noprofile", "-i"])
        try:
            # Values are computed by bash so the terminal's echo of our input never matches.
            t.send("PS1='$ '; echo calc-$((6*7))\n")
            t.expect("calc-42")
            # The job prints R=2 only once it runs, i.e. once bash gave it the terminal.
            t.send("sh -c 'echo R=$((1+1)); exec sleep 300'\n")
            t.expect_re(r"R=2")
            t.send(b"\x03")
            t.send("echo S=$((1000+$?))\n")
            seen = t.expect_re(r"S=\d+")
            tap.ok(seen.endswith("S=1130"), f"{name}: ctrl-C interrupts a foreground job (status 130), bash survives", seen)
            t.send("sleep 300 &\n")
            t.send("jobs -r; echo J=$((1+1))\n")
            seen = t.expect_re(r"J=2")
            tap.ok("Running" in seen and "sleep 300" in seen, f"{name}: bash has job control (a background job listed)", seen)
            t.send("kill %1; exit 9\n")
            tap.eq(t.wait(), 9, f"{name}: bash's exit status is the container's")
        finally:
            t.close()


if __name__ == "__main__":
    try:
        Tap().run([test_foreground_and_ctrl_c, test_interactive_bash])
    finally:
        shutil.rmtree(PERS, ignore_errors=True)
