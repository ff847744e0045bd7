#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a directory as a gzip-compressed newc cpio archive (an initramfs), owned by root.

Usage: mkcpio.py DIR OUTPUT.gz. Python stdlib only, so the host needs no cpio package.
"""
import gzip
import os
import stat
import sys


def header(ino, mode, nlink, mtime, size, name):
    fields = [ino, mode, 0, 0, nlink, mtime, size, 0, 0, 0, 0, len(name) + 1, 0]
    return b"070701" + b"".join(b"%08X" % f for f in fields)


def pad(n):
    return b"\0" * ((4 - n % 4) % 4)


def main():
    src, out = sys.argv[1], sys.argv[2]
    entries = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        for name in sorted(dirnames) + sorted(filenames):
            entries.append(os.path.join(dirpath, name))
    with gzip.open(out + ".tmp", "wb", compresslevel=6) as f:
        ino = 1
        for path in entries:
            rel = os.path.relpath(path, src).encode()
            st = os.lstat(path)
            data = b""
            if stat.S_ISLNK(st.st_mode):
                data = os.readlink(path).encode()
            elif stat.S_ISREG(st.st_mode):
                with open(path, "rb") as g:
                    data = g.read()
            elif not stat.S_ISDIR(st.st_mode):
                raise SystemExit(f"mkcpio: unsupported file type: {path}")
            nlink = 2 if stat.S_ISDIR(st.st_mode) else 1
            h = header(ino, st.st_mode, nlink, 0, len(data), rel)
            f.write(h + rel + b"\0" + pad(len(h) + len(rel) + 1))
            f.write(data + pad(len(data)))
            ino += 1
        name = b"TRAILER!!!"
        h = header(0, 0, 1, 0, 0, name)
        f.write(h + name + b"\0" + pad(len(h) + len(name) + 1))
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
