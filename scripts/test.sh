#!/bin/sh
# Runs every test suite: the normal build (gcc), an ASan+UBSan build of the whole suite, and a
# warning-free clang build. Prints "N passed, N failed" last; exits non-zero on any failure.
# Usage: sudo ./scripts/test.sh [meson test arguments, e.g. --suite unit]
set -u
cd "$(dirname "$0")/.."
./scripts/deps.sh >/dev/null || { echo "deps failed"; echo "0 passed, 1 failed"; exit 1; }

results=$(mktemp)
trap 'rm -f "$results"' EXIT

record() { # name status
        echo "$1 $2" >> "$results"
}

build() { # dir [meson setup args...]
        dir=$1; shift
        if [ ! -f "$dir/build.ninja" ]; then
                meson setup "$dir" "$@" >"$dir.setup.log" 2>&1 || { cat "$dir.setup.log"; return 1; }
        fi
        meson compile -C "$dir" >"$dir.compile.log" 2>&1 || { cat "$dir.compile.log"; return 1; }
}

suite() { # dir label [meson test args...]
        dir=$1; label=$2; shift 2
        meson test -C "$dir" --print-errorlogs "$@"
        # One result per test program, read from meson's own log.
        /usr/bin/python3 - "$dir/meson-logs/testlog.json" "$label" >> "$results" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    status = {"OK": "pass", "EXPECTEDFAIL": "pass", "SKIP": "skip"}.get(t["result"], "fail")
    print(f"{sys.argv[2]}:{t['name']} {status}")
PY
}

# What a test PID 1 creates must land in its own /run, never in the host's.
host_run_before=$(ls -d /run/systemd/system /run/systemd/private /run/systemd/journal/dev-log /dev/log 2>/dev/null)

echo "== gcc build and tests"
if build build; then record build-gcc pass; suite build gcc "$@"; else record build-gcc fail; fi

echo "== ASan+UBSan build and tests"
if build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug; then
        record build-asan pass
        # LeakSanitizer needs ptrace, which the user-namespaced PID 1s do not allow; leaks are
        # checked by the unit tests' own runs below.
        # The VM suite runs the gcc build only: the sanitizers add nothing under emulation. The image
        # suite too: it copies sdinit into a Debian image that has no libasan. The long suite (a
        # million-line flood) runs in the gcc build only.
        ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
                suite build-asan asan --no-suite vm --no-suite image --no-suite long "$@"
else
        record build-asan fail
fi

echo "== clang build (warnings are errors)"
if CC=clang build build-clang; then record build-clang pass; else record build-clang fail; fi

host_run_after=$(ls -d /run/systemd/system /run/systemd/private /run/systemd/journal/dev-log /dev/log 2>/dev/null)
if [ "$host_run_before" = "$host_run_after" ]; then
        record host-run-untouched pass
else
        echo "tests left behind in the host: $host_run_after (before: $host_run_before)"
        record host-run-untouched fail
fi

echo "== results"
grep -v ' pass$' "$results" || true
passed=$(grep -c ' pass$' "$results")
failed=$(grep -c ' fail$' "$results")
skipped=$(grep -c ' skip$' "$results")
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
