#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Files PID 1 reads but does not own, at their worst, through a real PID 1: a PIDFile= that is a
FIFO (fopen() blocked PID 1 forever), and EnvironmentFile=s that are empty, blank, binary,
unterminated, start with an empty line (Debian's /etc/default/krb5-kdc) or hold 20,000 distinct
variables. The parsers themselves are fuzzed in fuzz/."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bootlib import Boot  # noqa: E402
from harness import Tap  # noqa: E402

TARGET = "[Unit]\nDescription=Test boot\nRequires=basic.target\nAfter=basic.target\nWants={wants}\n"


def test_pid_file_fifo(tap):
    units = {
        "default.target": TARGET.format(wants="fifo.service other.service"),
        # The daemon forks and exits; its PID file is a FIFO nobody writes.
        "fifo.service": "[Service]\nType=forking\nPIDFile=@STATE@/pid.fifo\nTimeoutStartSec=3\n"
                        "ExecStartPre=/usr/bin/mkfifo @STATE@/pid.fifo\n"
                        "ExecStart=/bin/sh -c 'sleep 1000 & echo forked'\n",
        "other.service": "[Unit]\nAfter=fifo.service\n[Service]\nType=oneshot\nExecStart=/bin/echo other ran\n",
    }
    with Boot(units) as b:
        b.expect(r"fifo.service: forked")
        b.expect(r"fifo.service: PID file .*pid.fifo not readable")
        # PID 1 went on: the start job timed out and the unit ordered after it ran.
        b.expect(r"other.service: other ran")
        b.booted()
        t = b.text()
        tap.ok(b.index(r"fifo.service.*[Tt]ime") >= 0, "the forking service's start timed out, as without a PID file", t)
        tap.eq(b.stop(), 0, "PID 1 never blocked on the FIFO and stops")


def test_environment_files(tap):
    big = "".join(f"K{i}=v{i}\n" for i in range(20000))  # more would not fit exec()'s limit
    files = {
        "empty": "",
        "blank": "\n \t\n\n",
        "krb5-kdc": "\n# Automatically generated.\nKRB5KDC_ARGS=\"-r EXAMPLE\"\n",
        "unterminated": "U=last line",
        "binary": "B=\x01\x7f tail\nX=\"open quote\nY='also\n\\\n\\\n\\",
        "crlf": "CR=one\r\nLF=two\n",
        "big": big,
    }
    env = "".join(f"EnvironmentFile=@STATE@/{n}\n" for n in files)
    units = {
        "default.target": TARGET.format(wants="env.service"),
        "env.service": f"[Service]\nType=oneshot\n{env}"
                       "ExecStart=/bin/sh -c 'echo KRB5KDC_ARGS=$KRB5KDC_ARGS U=$U K0=$K0 K19999=$K19999 LF=$LF'\n",
    }
    with Boot(units, files=files) as b:
        b.booted()
        t = b.text()
        tap.ok(b.index(r"env.service: KRB5KDC_ARGS=-r EXAMPLE U=last line K0=v0 K19999=v19999 LF=two$") >= 0,
               "every file applied: empty first line, unterminated last line, 20,000 variables", t)
        tap.eq(b.stop(), 0, "PID 1 is fine and stops")


if __name__ == "__main__":
    Tap().run([test_pid_file_fifo, test_environment_files])
