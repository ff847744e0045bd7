#!/bin/bash
# SPDX-License-Identifier: MIT
# build-image.sh [CACHE_DIR]: build (once) the pure cgroup v2 test VM that run-in-vm.sh boots.
#
# Everything comes from Debian's archive, through apt and debootstrap:
#   vmlinuz      the Debian 12 kernel from linux-image-amd64 (apt-get download + dpkg-deb -x; the
#                host does not install it)
#   initrd.img   our own tiny initramfs: busybox-static and the kernel's virtio/ext4 modules. The
#                Debian package ships no initrd (initramfs-tools makes one at install time), and
#                initramfs-tools' udev-based one is several seconds slower under TCG.
#   rootfs.img   ext4 image (mkfs.ext4 -d, no loop mount) of debootstrap --variant=minbase bookworm
#                plus packages.txt, the kernel's modules (for modprobe inside), /sbin/vm-init and
#                sdinit-vm.service. run-in-vm.sh attaches it as virtio-blk with snapshot=on, so a
#                boot never changes it.
#
# The image lives in CACHE_DIR/img-KEY, KEY being a hash of this directory's build inputs (this
# script, packages.txt, vm-init, initramfs-init, mkcpio.py, sdinit-vm.service). A second call is a
# no-op. The debootstrapped tree is kept in CACHE_DIR/base-KEY2 (KEY2: the package list only) and
# downloaded .debs in CACHE_DIR/debs. Images and trees of other keys are removed after a
# successful build. Prints the image directory on stdout (progress goes to stderr).
#
# Exit status: 0 ok, 1 error, 2 the host lacks a tool or is not root, 3 Debian's archive is
# unreachable. Environment: SDINIT_VM_CACHE (default CACHE_DIR), SDINIT_VM_MIRROR (default: the
# bookworm mirror named in /etc/apt/sources.list*), SDINIT_VM_BUILD_TIMEOUT (seconds, default 1500).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE=bookworm
CACHE=${1:-${SDINIT_VM_CACHE:-/var/cache/sdinit-vm}}
BUILD_TIMEOUT=${SDINIT_VM_BUILD_TIMEOUT:-1500}
INPUTS=(build-image.sh packages.txt vm-init initramfs-init mkcpio.py sdinit-vm.service)

log() { echo "build-image: $*" >&2; }
die() { local rc=$1; shift; log "$*"; exit "$rc"; }

[ "$(id -u)" = 0 ] || die 2 "must run as root (debootstrap and chroot need it)"
for tool in debootstrap mkfs.ext4 apt-get apt-cache dpkg-deb python3 chroot flock sha256sum timeout; do
        command -v "$tool" > /dev/null || die 2 "missing host tool: $tool (see tests/vm/README.md)"
done
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)

key=$(cd "$HERE" && { echo "$SUITE"; cat "${INPUTS[@]}"; } | sha256sum | cut -c1-16)
IMG=$CACHE/img-$key
done_already() { [ -f "$IMG/stamp" ] && [ -f "$IMG/rootfs.img" ] && [ -f "$IMG/vmlinuz" ] && [ -f "$IMG/initrd.img" ]; }
if done_already; then
        echo "$IMG"
        exit 0
fi

exec 9> "$CACHE/.lock"
log "waiting for the cache lock" && flock 9 && log "building $IMG"
if done_already; then
        echo "$IMG"
        exit 0
fi
start=$(date +%s)

WORK=$CACHE/tmp-$key.$$
cleanup() {
        local m
        # debootstrap unmounts what it mounted; make sure before deleting anything.
        for m in $(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r); do
                umount -l "$m" 2> /dev/null || true
        done
        rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$WORK/out" "$CACHE/debs/debootstrap" "$CACHE/debs/kernel"

# ---- the mirror: the one apt already uses for bookworm ------------------------------------------
. "$HERE/../debian-mirror.sh"
MIRROR=${SDINIT_VM_MIRROR:-$(find_mirror "$SUITE" | grep -E '^(https?|file)://' | head -n1 || true)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
log "mirror: $MIRROR"

# ---- the kernel ---------------------------------------------------------------------------------
apt_opts=(-o APT::Sandbox::User=root -q)
kpkg=$(apt-cache depends linux-image-amd64 2> /dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }' || true)
if [ -z "$kpkg" ]; then
        log "apt-get update (no package lists yet)"
        timeout 300 apt-get "${apt_opts[@]}" update > "$WORK/apt-update.log" 2>&1 ||
                { cat "$WORK/apt-update.log" >&2; die 3 "apt-get update failed: Debian's archive unreachable?"; }
        kpkg=$(apt-cache depends linux-image-amd64 2> /dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }' || true)
fi
[ -n "$kpkg" ] || die 3 "cannot resolve linux-image-amd64 in apt's lists"
KVER=${kpkg#linux-image-}
kdeb=$(ls "$CACHE/debs/kernel/${kpkg}_"*.deb 2> /dev/null | head -n1 || true)
if [ -z "$kdeb" ]; then
        log "downloading $kpkg"
        (cd "$CACHE/debs/kernel" && timeout 600 apt-get "${apt_opts[@]}" download "$kpkg") > "$WORK/kernel.log" 2>&1 ||
                { cat "$WORK/kernel.log" >&2; die 3 "apt-get download $kpkg failed: Debian's archive unreachable?"; }
        kdeb=$(ls "$CACHE/debs/kernel/${kpkg}_"*.deb | head -n1)
fi
log "kernel: $(basename "$kdeb")"
dpkg-deb -x "$kdeb" "$WORK/kernel"
kmods=$WORK/kernel/lib/modules/$KVER
[ -f "$WORK/kernel/boot/vmlinuz-$KVER" ] && [ -d "$kmods" ] || die 1 "unexpected layout in $kdeb"
cp "$WORK/kernel/boot/vmlinuz-$KVER" "$WORK/out/vmlinuz"
cp "$WORK/kernel/boot/config-$KVER" "$WORK/out/config"

# ---- the root filesystem ------------------------------------------------------------------------
# debootstrap once per package list: the result is kept in CACHE_DIR/base-KEY and copied, so that
# changing vm-init or this script's later steps rebuilds the image in seconds.
pkgs=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$HERE/packages.txt" | paste -sd, -)
base_key=$(printf '%s\n%s\n%s\n' base-v1 "$SUITE" "$pkgs" | sha256sum | cut -c1-16)
BASE=$CACHE/base-$base_key
if [ ! -f "$BASE/.sdinit-vm-base" ]; then
        BTMP=$WORK/base
        log "debootstrap --variant=minbase $SUITE (+ $pkgs)"
        if ! timeout "$BUILD_TIMEOUT" debootstrap --variant=minbase --cache-dir="$CACHE/debs/debootstrap" \
                --include="$pkgs" "$SUITE" "$BTMP" "$MIRROR" > "$WORK/debootstrap.log" 2>&1; then
                tail -n 30 "$WORK/debootstrap.log" >&2
                [ -f "$BTMP/debootstrap/debootstrap.log" ] && tail -n 30 "$BTMP/debootstrap/debootstrap.log" >&2
                if grep -qiE "Failed getting release file|Couldn't download|Could not resolve|Connection (refused|timed out)|unable to fetch" \
                        "$WORK/debootstrap.log" "$BTMP/debootstrap/debootstrap.log" 2> /dev/null; then
                        die 3 "debootstrap could not download from $MIRROR: Debian's archive unreachable?"
                fi
                die 1 "debootstrap failed"
        fi
        rm -rf "$BTMP"/var/cache/apt/archives/*.deb "$BTMP"/var/lib/apt/lists/* "$BTMP"/debootstrap
        echo "$pkgs" > "$BTMP/.sdinit-vm-base"
        rm -rf --one-file-system "$BASE"
        mv "$BTMP" "$BASE"
        log "debootstrap done after $(($(date +%s) - start)) s"
fi
ROOT=$WORK/root
cp -a "$BASE" "$ROOT"
rm -f "$ROOT/.sdinit-vm-base"

# The kernel's modules, less the hardware a VM never has (graphics, sound, wifi, ...), for
# modprobe inside the VM (9p, overlay, veth, ...).
mkdir -p "$ROOT/lib/modules/$KVER/kernel/drivers/net"
cp -a "$kmods"/modules.order "$kmods"/modules.builtin* "$ROOT/lib/modules/$KVER/"
for d in "$kmods"/kernel/*; do
        case "${d##*/}" in drivers | sound) ;; *) cp -a "$d" "$ROOT/lib/modules/$KVER/kernel/" ;; esac
done
for d in block char virtio firmware md net/ipvlan net/vxlan; do
        [ -d "$kmods/kernel/drivers/$d" ] && mkdir -p "$ROOT/lib/modules/$KVER/kernel/drivers/${d%/*}" &&
                cp -a "$kmods/kernel/drivers/$d" "$ROOT/lib/modules/$KVER/kernel/drivers/${d%/*}/"
done
cp -a "$kmods"/kernel/drivers/net/*.ko* "$ROOT/lib/modules/$KVER/kernel/drivers/net/"
chroot "$ROOT" depmod -a "$KVER"

install -m 0755 "$HERE/vm-init" "$ROOT/sbin/vm-init"
install -m 0644 "$HERE/sdinit-vm.service" "$ROOT/etc/systemd/system/sdinit-vm.service"
echo sdinit-vm > "$ROOT/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 sdinit-vm\n::1 localhost ip6-localhost ip6-loopback\n' > "$ROOT/etc/hosts"
echo '/dev/vda / ext4 rw,noatime 0 0' > "$ROOT/etc/fstab"
# The PID 1 harness maps container root to host uid 100000 (see tests/integration/harness.py).
for f in subuid subgid; do
        grep -qx 'root:100000:65536' "$ROOT/etc/$f" 2> /dev/null || echo 'root:100000:65536' >> "$ROOT/etc/$f"
done
chroot "$ROOT" passwd -d root > /dev/null
chroot "$ROOT" dpkg-query -W -f '${Package} ${Version}\n' > "$WORK/out/packages.lock"

# ---- the initramfs: busybox + what it takes to mount an ext4 virtio-blk disk -------------------
# (and 9p and virtio-rng, which vm-init needs next: insmod here is cheaper than kmod later)
INITRD=$WORK/initramfs
mkdir -p "$INITRD/bin" "$INITRD/modules"
cp "$ROOT/bin/busybox" "$INITRD/bin/busybox"
install -m 0755 "$HERE/initramfs-init" "$INITRD/init"
# ext4 asks the crypto API for crc32c at mount time (metadata_csum); there is no modprobe in the
# initramfs to answer, so load the generic implementation first.
chroot "$ROOT" modprobe -S "$KVER" --show-depends -a crc32c_generic virtio_pci virtio_blk ext4 9pnet_virtio 9p virtio_rng |
        awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' > "$WORK/initrd-modules"
: > "$INITRD/modules/load-order"
while read -r m; do
        cp "$ROOT$m" "$INITRD/modules/"
        basename "$m" >> "$INITRD/modules/load-order"
done < "$WORK/initrd-modules"
grep -q virtio_blk "$INITRD/modules/load-order" || die 1 "virtio_blk not found among the kernel's modules"
python3 "$HERE/mkcpio.py" "$INITRD" "$WORK/out/initrd.img"
log "initramfs: $(paste -sd' ' "$INITRD/modules/load-order")"

# ---- the ext4 image -----------------------------------------------------------------------------
used=$(du -sm "$ROOT" | cut -f1)
size=$((used * 5 / 4 + 768))
log "rootfs: $used MiB of files, image $size MiB (sparse)"
mkfs.ext4 -q -F -L sdinit-vm -m 0 -O ^has_journal -E root_owner=0:0 -d "$ROOT" "$WORK/out/rootfs.img" "${size}M"

{
        echo "key=$key"
        echo "suite=$SUITE"
        echo "kernel=$KVER"
        echo "kernel_deb=$(basename "$kdeb")"
        echo "mirror=$MIRROR"
        echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "build_seconds=$(($(date +%s) - start))"
} > "$WORK/out/stamp.tmp"
mv "$WORK/out/stamp.tmp" "$WORK/out/stamp"
rm -rf "$IMG"
mv "$WORK/out" "$IMG"
for old in "$CACHE"/img-* "$CACHE"/base-*; do
        [ "$old" = "$IMG" ] || [ "$old" = "$BASE" ] || [ ! -d "$old" ] ||
                { log "removing old $old"; rm -rf --one-file-system "$old"; }
done
log "done in $(($(date +%s) - start)) s: $IMG"
echo "$IMG"
