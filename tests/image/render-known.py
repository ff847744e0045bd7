#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""render-known.py [--check README.md | --update README.md]: the README's table of known
differences from systemd, rendered from known-differences.txt (the file test_image.py reads).
Without options, prints the table. --check exits 1 if the README's table (between the
"known-differences" markers) differs; --update rewrites it."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BEGIN = "<!-- known-differences.txt begin: tests/image/render-known.py --update README.md -->"
END = "<!-- known-differences.txt end -->"


def table():
    rows = []
    with open(os.path.join(HERE, "known-differences.txt")) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            subject, props, shapes, values, reason = line.split(None, 4)
            where = "all shapes" if shapes == "*" else shapes.replace(",", ", ")
            rows.append(f"| `{subject}` | {props.replace(',', ', ')} | {where} | {values.replace(',', ', ').replace('_', ' ')} | {reason.replace('|', '/')} |")
    head = "| unit or subject | property | where | sdinit shows | reason |\n|---|---|---|---|---|\n"
    return head + ("\n".join(rows) if rows else "| (none) | | | |") + "\n"


def main():
    t = table()
    if len(sys.argv) < 3:
        sys.stdout.write(t)
        return 0
    mode, path = sys.argv[1], sys.argv[2]
    text = open(path).read()
    if BEGIN not in text or END not in text:
        print(f"{path}: no known-differences markers")
        return 1
    a = text.index(BEGIN) + len(BEGIN) + 1
    b = text.index(END)
    if mode == "--check":
        if text[a:b] != t:
            print(f"{path}: the table of known differences does not match tests/image/known-differences.txt;"
                  f" run tests/image/render-known.py --update {path}")
            return 1
        print("ok - README's table matches known-differences.txt")
        return 0
    if mode == "--update":
        with open(path, "w") as f:
            f.write(text[:a] + t + text[b:])
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
