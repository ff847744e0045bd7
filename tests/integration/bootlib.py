# SPDX-License-Identifier: MIT
"""Booting a set of unit files under sdinit as PID 1 (manager mode) in the harness.

Units are written to a fresh directory that becomes the whole unit search path
($SYSTEMD_UNIT_PATH, honoured as systemd honours it), so the host's own units never leak in.
The output of PID 1 (status lines, service output relayed with the unit name) is read line by
line; tests wait for lines, never for time."""
import os
import re
import shutil
import signal
import tempfile
import time

from harness import DEADLINE, SDINIT, Pid1


class Boot:
    def __init__(self, units, args=(), mapping="root", env=None, command=None, net=False, copy_units=(), files=None):
        self.dir = tempfile.mkdtemp(prefix="sdinit-units-")
        os.chmod(self.dir, 0o755)
        self.state = os.path.join(self.dir, "state")   # scratch space for the test's services
        os.mkdir(self.state)
        os.chmod(self.state, 0o777)
        # Files the services use, in place before PID 1 starts (None: a FIFO).
        for name, text in (files or {}).items():
            path = os.path.join(self.state, name)
            if text is None:
                os.mkfifo(path, 0o666)
            else:
                with open(path, "w") as f:
                    f.write(text)
        for name, text in units.items():
            path = os.path.join(self.dir, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if text.startswith("->"):
                os.symlink(text[2:].strip(), path)
            else:
                with open(path, "w") as f:
                    f.write(text.replace("@STATE@", self.state))
        # Real packages' unit files, copied unmodified (symlinks kept) from where Debian installs them.
        for name in copy_units:
            for d in ("/lib/systemd/system", "/usr/lib/systemd/system"):
                src = os.path.join(d, name)
                if os.path.lexists(src):
                    dst = os.path.join(self.dir, name)
                    if os.path.islink(src):
                        os.symlink(os.readlink(src), dst)
                    else:
                        shutil.copy(src, dst)
                    break
            else:
                raise FileNotFoundError(f"unit {name} is not installed")
        e = {"SYSTEMD_UNIT_PATH": self.dir}
        if env:
            # "@UNITS@" in a value stands for the unit directory (e.g. a longer search path).
            e.update({k: v.replace("@UNITS@", self.dir) for k, v in env.items()})
        argv = [SDINIT] + list(args)
        if command:
            argv += ["--"] + list(command)
        self.p = Pid1(argv, mapping=mapping, env=e, net=net, run=True)
        self.lines = []

    def expect(self, pattern, timeout=DEADLINE):
        """Waits until some line (read so far or later) matches; returns the match."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        for line in self.lines:
            m = rx.search(line)
            if m:
                return m
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no line matching {pattern!r}; output so far:\n" + "\n".join(self.lines[-40:]) +
                                   "\nstderr:\n" + self.p.stderr_now()[-2000:])
            line = self.p.readline(left)
            self.lines.append(line)
            m = rx.search(line)
            if m:
                return m

    def booted(self, target="default.target"):
        return self.expect(r"Reached target " + re.escape(target))

    def stop(self, sig=signal.SIGTERM, timeout=DEADLINE):
        self.p.kill(sig)
        return self.wait(timeout)

    def wait(self, timeout=DEADLINE):
        rc, out, err = self.p.wait(timeout)
        self.lines += out.splitlines()
        self.stderr = err
        return rc

    def index(self, pattern):
        rx = re.compile(pattern)
        for i, l in enumerate(self.lines):
            if rx.search(l):
                return i
        return -1

    def text(self):
        return "\n".join(self.lines)

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.p.__exit__()
        shutil.rmtree(self.dir, ignore_errors=True)
