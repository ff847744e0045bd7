# SPDX-License-Identifier: MIT
# debian-mirror.sh: sourced by tests/vm/build-image.sh and tests/image/build-image.sh.
# find_mirror SUITE prints the URIs of the Debian mirrors apt already uses for SUITE (deb822
# *.sources first, then one-line sources.list entries), one per line, best first.
find_mirror() {
        local suite=$1 f
        for f in /etc/apt/sources.list.d/*.sources; do
                [ -f "$f" ] || continue
                # deb822: the URIs of the first stanza whose Suites has $suite and Types "deb".
                awk -v suite="$suite" '
                        function flush() { if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uris != "") { split(uris, u, " "); print u[1]; found = 1; exit } types = suites = uris = "" }
                        /^[ \t]*$/ { flush(); next }
                        /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
                        /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
                        /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
                        END { if (!found) flush() }' "$f"
        done
        for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
                [ -f "$f" ] || continue
                awk -v suite="$suite" '$1 == "deb" && $0 !~ /\[/ && $3 == suite { print $2 } $1 == "deb" && $0 ~ /\]/ { for (i = 2; i <= NF; i++) if ($i ~ /\]$/) { if ($(i + 2) == suite) print $(i + 1); break } }' "$f"
        done
}
