# SPDX-License-Identifier: MIT
"""Runs a command in a new user namespace whose uids and gids 0-65535 are the host's own
(identity mapping), as a rootful container runtime with user namespaces keeps file ownership.
newuidmap refuses such a range, so the host root writes the maps itself.

Usage: userns.py COMMAND [ARG...]   (exit status: the command's)"""
import ctypes
import os
import signal
import sys

CLONE_NEWUSER = 0x10000000
PR_SET_PDEATHSIG = 1
libc = ctypes.CDLL(None, use_errno=True)

go_r, go_w = os.pipe()
ready_r, ready_w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(go_w)
    os.close(ready_r)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # cleanup: the launcher's death takes us along
    if libc.unshare(CLONE_NEWUSER) != 0:
        os.write(2, f"userns.py: unshare: {os.strerror(ctypes.get_errno())}\n".encode())
        os._exit(125)
    os.write(ready_w, b"u")
    os.close(ready_w)
    os.read(go_r, 1)
    os.execvp(sys.argv[1], sys.argv[1:])
os.close(go_r)
os.close(ready_w)
os.read(ready_r, 1)
for f in ("uid_map", "gid_map"):
    with open(f"/proc/{pid}/{f}", "w") as m:
        m.write("0 0 65536\n")
os.write(go_w, b"g")
os.close(go_w)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
