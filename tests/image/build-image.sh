#!/bin/bash
# SPDX-License-Identifier: MIT
# build-image.sh [CACHE_DIR]: build (once) the image suite's Debian 12 root filesystem.
#
# debootstrap --variant=minbase bookworm from the mirror apt already uses, then packages.txt
# installed with apt-get in the chroot under a policy-rc.d that exits 101 (nothing starts at install
# time). /etc stays as Debian ships it. Then every file's owner and group are shifted by +100000
# (shift-ids.py keeps setuid bits and file capabilities) so that container root, host uid 100000 in
# the suite's user namespace (100000:65536), owns the tree: idmapped mounts are refused on this
# host's root file system, so the shift is on disk, as chown-based runtimes do it.
#
# The tree lives in CACHE_DIR/root-KEY, KEY being a hash of this script, packages.txt and
# shift-ids.py; a second call is a no-op. Downloaded .debs are kept in CACHE_DIR/debs. Trees of
# other keys are removed after a successful build. Boots never write to the tree (they mount an
# overlay on it). Prints the tree's directory on stdout; progress, and the build's duration, go to
# stderr and to CACHE_DIR/root-KEY.stamp.
#
# Exit status: 0 ok, 1 error, 2 the host lacks a tool or is not root, 3 Debian's archive is
# unreachable. Environment: SDINIT_IMAGE_CACHE (default CACHE_DIR, /var/tmp/sdinit-image),
# SDINIT_IMAGE_MIRROR (default: the bookworm mirror named in /etc/apt/sources.list*),
# SDINIT_IMAGE_BUILD_TIMEOUT (seconds per step, default 900).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=bookworm
CACHE=${1:-${SDINIT_IMAGE_CACHE:-/var/tmp/sdinit-image}}
STEP_TIMEOUT=${SDINIT_IMAGE_BUILD_TIMEOUT:-900}
INPUTS=(build-image.sh packages.txt shift-ids.py)
SHIFT=100000

log() { echo "build-image: $*" >&2; }
die() { local rc=$1; shift; log "$*"; exit "$rc"; }

[ "$(id -u)" = 0 ] || die 2 "must run as root (debootstrap and chroot need it)"
for tool in debootstrap chroot flock sha256sum timeout python3 mount umount; do
        command -v "$tool" > /dev/null || die 2 "missing host tool: $tool"
done
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

key=$(cd "$HERE" && { echo "$SUITE $SHIFT"; cat "${INPUTS[@]}"; } | sha256sum | cut -c1-16)
ROOTFS=$CACHE/root-$key
done_already() { [ -f "$ROOTFS.stamp" ] && [ -d "$ROOTFS/etc" ]; }
if done_already; then
        echo "$ROOTFS"
        exit 0
fi

exec 9> "$CACHE/.lock"
log "waiting for the cache lock" && flock 9 && log "building $ROOTFS"
if done_already; then
        echo "$ROOTFS"
        exit 0
fi
start=$(date +%s)

WORK=$CACHE/tmp-$key.$$
cleanup() {
        local m
        for m in $(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r); do
                umount -l "$m" 2> /dev/null || true
        done
        rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$WORK" "$CACHE/debs/debootstrap" "$CACHE/debs/apt/partial"

. "$HERE/../debian-mirror.sh"
MIRROR=${SDINIT_IMAGE_MIRROR:-$(find_mirror "$SUITE" | grep -E '^(https?|file)://' | head -n1 || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
log "mirror: $MIRROR"

unreachable() { grep -qiE "Failed getting release file|Couldn't download|Could not resolve|Connection (refused|timed out)|unable to fetch|Failed to fetch|Temporary failure resolving" "$@" 2> /dev/null; }

ROOT=$WORK/root
log "debootstrap --variant=minbase $SUITE"
if ! timeout "$STEP_TIMEOUT" debootstrap --variant=minbase --cache-dir="$CACHE/debs/debootstrap" \
        "$SUITE" "$ROOT" "$MIRROR" > "$WORK/debootstrap.log" 2>&1; then
        tail -n 30 "$WORK/debootstrap.log" >&2
        unreachable "$WORK/debootstrap.log" "$ROOT/debootstrap/debootstrap.log" &&
                die 3 "debootstrap could not download from $MIRROR: Debian's archive unreachable?"
        die 1 "debootstrap failed"
fi
log "debootstrap done after $(($(date +%s) - start)) s"

# Packages, with nothing started at install time. /proc and a /dev/shm are what postinst scripts
# need (initdb probes shared memory); the .debs are cached across builds.
printf '#!/bin/sh\nexit 101\n' > "$ROOT/usr/sbin/policy-rc.d"
chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
mount -t proc proc "$ROOT/proc"
mkdir -p "$ROOT/dev/shm"
mount -t tmpfs -o mode=1777 tmpfs "$ROOT/dev/shm"
mount --bind "$CACHE/debs/apt" "$ROOT/var/cache/apt/archives"
pkgs=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$HERE/packages.txt" | paste -sd' ' -)
in_root() { timeout "$STEP_TIMEOUT" chroot "$ROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }
log "apt-get install $pkgs"
if ! in_root apt-get -q update > "$WORK/apt.log" 2>&1 ||
        ! in_root apt-get -q -y --no-install-recommends install $pkgs >> "$WORK/apt.log" 2>&1; then
        tail -n 40 "$WORK/apt.log" >&2
        unreachable "$WORK/apt.log" && die 3 "apt-get could not download from $MIRROR: Debian's archive unreachable?"
        die 1 "apt-get install failed"
fi
# The one change to Debian's /etc: apache2 and nginx both listen on port 80 as shipped, and which
# of the two gets it is a race under either PID 1. nginx's default site moves to port 8080.
sed -i -e 's/listen 80 default_server;/listen 8080 default_server;/' \
        -e 's/listen \[::\]:80 default_server;/listen [::]:8080 default_server;/' "$ROOT/etc/nginx/sites-available/default"
grep -q 'listen 8080 default_server;' "$ROOT/etc/nginx/sites-available/default" || die 1 "nginx's default site changed shape"
in_root dpkg-query -W -f '${Package} ${Version}\n' > "$WORK/packages.lock"
umount "$ROOT/var/cache/apt/archives" "$ROOT/dev/shm" "$ROOT/proc"
rm -f "$ROOT/usr/sbin/policy-rc.d"
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin
log "packages installed after $(($(date +%s) - start)) s"

python3 "$HERE/shift-ids.py" "$ROOT" "$SHIFT"
log "ownership shifted by +$SHIFT after $(($(date +%s) - start)) s"

{
        echo "key=$key"
        echo "suite=$SUITE"
        echo "mirror=$MIRROR"
        echo "shift=$SHIFT"
        echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "build_seconds=$(($(date +%s) - start))"
        echo "size_mib=$(du -sm "$ROOT" | cut -f1)"
} > "$WORK/stamp"
cp "$WORK/packages.lock" "$ROOTFS.packages"
rm -rf --one-file-system "$ROOTFS"
mv "$ROOT" "$ROOTFS"
mv "$WORK/stamp" "$ROOTFS.stamp"
for old in "$CACHE"/root-*; do
        case $old in "$ROOTFS" | "$ROOTFS".*) continue ;; esac
        log "removing old $old"
        rm -rf --one-file-system "$old"
done
log "done in $(($(date +%s) - start)) s: $ROOTFS"
echo "$ROOTFS"
