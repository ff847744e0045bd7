#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""shift-ids.py ROOT SHIFT: add SHIFT to the owner and group of every file under ROOT (one file
system, symlinks not followed), as chown-based container runtimes do for a user namespace that maps
container id 0 to host id SHIFT (65,536 ids). Idempotent: only ids below 65536 are shifted, so hard
links and a second run are harmless.

chown clears setuid and setgid bits and drops security.capability: the mode is restored, and file
capabilities are rewritten as version 3 with the namespace's root (host uid SHIFT) as their owner,
because the kernel honours a version 2 capability only for a user namespace that maps host uid 0.
"""
import os
import stat
import struct
import sys

RANGE = 65536
XATTR = "security.capability"
V2, V3 = 0x02000000, 0x03000000
REVISION_MASK = 0xFF000000


def shifted_caps(raw: bytes, shift: int) -> bytes | None:
    if len(raw) < 4:
        return None
    magic = struct.unpack_from("<I", raw)[0]
    rev, flags = magic & REVISION_MASK, magic & ~REVISION_MASK
    if rev == V2 and len(raw) == 20:
        return struct.pack("<I", V3 | flags) + raw[4:20] + struct.pack("<I", shift)
    if rev == V3 and len(raw) == 24:
        rootid = struct.unpack_from("<I", raw, 20)[0]
        return raw[:20] + struct.pack("<I", rootid + shift if rootid < RANGE else rootid)
    return None


def main() -> int:
    root, shift = sys.argv[1], int(sys.argv[2])
    dev = os.lstat(root).st_dev
    counts = {"files": 0, "caps": 0, "setid": 0, "out_of_range": 0}

    def one(path: str) -> None:
        st = os.lstat(path)
        uid, gid = st.st_uid, st.st_gid
        if uid >= RANGE and gid >= RANGE:
            return
        if uid >= RANGE + shift or gid >= RANGE + shift or (uid >= RANGE) != (gid >= RANGE):
            counts["out_of_range"] += 1
        caps = None
        if stat.S_ISREG(st.st_mode):
            try:
                caps = os.getxattr(path, XATTR, follow_symlinks=False)
            except OSError:
                caps = None
        os.lchown(path, uid + shift if uid < RANGE else uid, gid + shift if gid < RANGE else gid)
        counts["files"] += 1
        if stat.S_ISLNK(st.st_mode):
            return
        if st.st_mode & (stat.S_ISUID | stat.S_ISGID):
            os.chmod(path, stat.S_IMODE(st.st_mode))
            counts["setid"] += 1
        if caps is not None:
            new = shifted_caps(caps, shift)
            if new is None:
                print(f"shift-ids: {path}: unknown capability format, left out", file=sys.stderr)
            else:
                os.setxattr(path, XATTR, new, follow_symlinks=False)
                counts["caps"] += 1

    one(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if os.lstat(os.path.join(dirpath, d)).st_dev == dev]
        for name in dirnames + filenames:
            one(os.path.join(dirpath, name))
    print("shift-ids: {files} files shifted, {setid} setuid/setgid modes kept, {caps} file capabilities "
          "rewritten, {out_of_range} ids out of range".format(**counts), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
