#!/bin/bash
# SPDX-License-Identifier: MIT
# run-in-vm.sh [OPTIONS] -- COMMAND [ARG...]
#
# Runs COMMAND as root in a throw-away pure cgroup v2 VM (Debian 12 kernel and userland under
# qemu with TCG; see build-image.sh, which this calls first and which is a no-op once the image is
# built), streams the guest's console to stdout and exits with COMMAND's exit status.
#
# Inside the VM: /sbin/vm-init is PID 1 (not systemd, unless --systemd); cgroup2 is mounted at
# /sys/fs/cgroup with cpu, memory, pids, io (and more) available; the root filesystem is a
# snapshot, so nothing a command does survives the boot. Each --share DIR (default: the
# repository, which holds the build trees) is mounted read-only at the same path as on the host, so
# absolute paths into build directories work unchanged. COMMAND runs from the current directory if
# that lies inside a share, from / otherwise, with stdin from /dev/null.
#
# Options:
#   --cache DIR     image cache (default $SDINIT_VM_CACHE or /var/cache/sdinit-vm)
#   --timeout S     kill the VM after S seconds of wall time (default 600)
#   --share DIR     share DIR read-only at the same path (repeatable; replaces the default);
#                   not / or a top-level system directory (/tmp, /usr, ...): a subdirectory
#   --env K=V       set K=V for COMMAND (repeatable)
#   --mem MB        guest memory (default 1024)
#   --smp N         guest CPUs (default 2)
#   --systemd       boot Debian's systemd as PID 1 and run COMMAND from sdinit-vm.service
#   --verbose       show kernel messages and vm-init's steps
#   --image DIR     boot this image directory (as printed by build-image.sh); no build
#   --no-build      boot the newest image in the cache; no build
#
# Environment: SDINIT_VM_CACHE, SDINIT_VM_QEMU_EXTRA (more qemu options, split on blanks),
# SDINIT_VM_APPEND_EXTRA (more kernel command line parameters).
#
# Exit status: COMMAND's; 124 if the VM timed out; 125 if the VM could not be built, booted or did
# not report a status (the reason is printed on stderr).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${SDINIT_VM_CACHE:-/var/cache/sdinit-vm}
TIMEOUT=600 MEM=1024 SMP=2 SYSTEMD=0 VERBOSE=0 BUILD=1 IMG=
SHARES=() ENVS=()
SENTINEL=@@SDINIT-VM-EXIT@@

usage() { sed -n '3,/^set -uo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 125; }
log() { echo "run-in-vm: $*" >&2; }
die() { log "$*"; exit 125; }

while [ $# -gt 0 ]; do
        case "$1" in
        --cache) CACHE=$2; shift 2 ;;
        --timeout) TIMEOUT=$2; shift 2 ;;
        --share)
                d=$(cd "$2" 2> /dev/null && pwd) || die "no such directory: $2"
                case "$d" in
                / | /tmp | /run | /proc | /sys | /dev | /etc | /usr | /var | /bin | /sbin | /lib | /lib64 | /boot | /root)
                        die "cannot share $d: it would hide the guest's own $d" ;;
                *[,:[:space:]]*) die "cannot share $d: a comma, colon or blank in the path" ;;
                esac
                SHARES+=("$d")
                shift 2
                ;;
        --env) ENVS+=("$2"); shift 2 ;;
        --mem) MEM=$2; shift 2 ;;
        --smp) SMP=$2; shift 2 ;;
        --systemd) SYSTEMD=1; shift ;;
        --verbose) VERBOSE=1; shift ;;
        --no-build) BUILD=0; shift ;;
        --image) IMG=$2; BUILD=0; shift 2 ;;
        --) shift; break ;;
        -h | --help) usage ;;
        *) log "unknown option: $1"; usage ;;
        esac
done
[ $# -gt 0 ] || usage
[ ${#SHARES[@]} -gt 0 ] || SHARES=("$REPO")
command -v qemu-system-x86_64 > /dev/null || die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"

# ---- the image ----------------------------------------------------------------------------------
if [ "$BUILD" = 1 ]; then
        IMG=$("$HERE/build-image.sh" "$CACHE" | tail -n1) || die "cannot build the VM image (build-image.sh failed)"
elif [ -z "$IMG" ]; then
        IMG=$(ls -td "$CACHE"/img-* 2> /dev/null | head -n1)
fi
[ -n "$IMG" ] && [ -f "$IMG/stamp" ] || die "no VM image in $CACHE"

# ---- the control share: the command in, the status out ------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sdinit-vm.XXXXXX") || die "mktemp failed"
QEMU_PID=
cleanup() {
        local qpid
        if [ -n "$QEMU_PID" ]; then
                kill -TERM "$QEMU_PID" 2> /dev/null # timeout(1) passes it on to qemu
                qpid=$(cat "$TMP/qemu.pid" 2> /dev/null)
                sleep 0.5
                [ -n "$qpid" ] && kill -KILL "$qpid" 2> /dev/null
                wait "$QEMU_PID" 2> /dev/null
        fi
        rm -rf "$TMP"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM HUP
CTL=$TMP/ctl
mkdir -p "$CTL" "$TMP/qemu-tmp"

cwd=/
for s in "${SHARES[@]}"; do
        case "$PWD/" in "$s"/*) cwd=$PWD ;; esac
done
{
        echo "# written by run-in-vm.sh"
        printf 'cd -- %q || exit 125\n' "$cwd"
        for e in "${ENVS[@]}"; do
                printf 'export %q\n' "$e"
        done
        printf 'exec'
        printf ' %q' "$@"
        printf '\n'
} > "$CTL/cmd"

# ---- boot ---------------------------------------------------------------------------------------
share_arg="" virtfs=()
i=0
for s in "${SHARES[@]}"; do
        virtfs+=(-virtfs "local,path=$s,mount_tag=share$i,security_model=none,readonly=on")
        share_arg+="${share_arg:+,}share$i:$s"
        i=$((i + 1))
done
append="console=ttyS0 root=/dev/vda rootfstype=ext4 rootflags=rw panic=-1 8250.nr_uarts=1"
append+=" systemd.unified_cgroup_hierarchy=1 cgroup_no_v1=all sdinit.shares=$share_arg"
if [ "$VERBOSE" = 1 ]; then
        append+=" sdinit.verbose"
else
        append+=" quiet loglevel=3"
fi
append+="${SDINIT_VM_APPEND_EXTRA:+ $SDINIT_VM_APPEND_EXTRA}"
if [ "$SYSTEMD" = 1 ]; then
        append+=" init=/lib/systemd/systemd systemd.unit=multi-user.target systemd.wants=sdinit-vm.service"
        append+=" systemd.mask=serial-getty@ttyS0.service systemd.mask=getty@tty1.service"
        [ "$VERBOSE" = 1 ] || append+=" systemd.show_status=0"
else
        append+=" init=/sbin/vm-init"
fi

qemu=(qemu-system-x86_64 -accel tcg -cpu max -m "$MEM" -smp "$SMP" -nographic -no-reboot -nic none
        -pidfile "$TMP/qemu.pid"
        -kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" -append "$append"
        -drive "file=$IMG/rootfs.img,if=virtio,format=raw,snapshot=on"
        -virtfs "local,path=$CTL,mount_tag=sdinitctl,security_model=none"
        "${virtfs[@]}"
        -device virtio-rng-pci)
# shellcheck disable=SC2206 # word splitting wanted: extra qemu options for experiments
[ -n "${SDINIT_VM_QEMU_EXTRA:-}" ] && qemu+=($SDINIT_VM_QEMU_EXTRA)

t0=$(date +%s.%N)
# qemu in the background, so that a signal to us can kill it; its console goes through a filter
# that drops carriage returns, the terminal control sequences and banners of the firmware and the
# kernel's power-off lines, and is kept in console.log (for the sentinel). timeout --foreground
# keeps qemu in our process group, so that a test runner killing the group kills qemu too.
mkfifo "$TMP/console"
filter=(-e 's/\r$//' -e 's/\x1b\[[0-9;?]*[a-zA-Z]//g' -e 's/\x1bc//g')
[ "$VERBOSE" = 1 ] || filter+=(-e '/^SeaBIOS (version/d' -e '/^Booting from ROM/d'
        -e '/^\[ *[0-9.]*\] \(sysrq: Power Off\|reboot: Power down\)$/d')
sed -u "${filter[@]}" < "$TMP/console" | tee "$TMP/console.log" &
FILTER_PID=$!
TMPDIR=$TMP/qemu-tmp timeout --foreground -k 10 "$TIMEOUT" "${qemu[@]}" < /dev/null > "$TMP/console" 2>&1 &
QEMU_PID=$!
wait "$QEMU_PID"
qrc=$?
QEMU_PID=
wait "$FILTER_PID"
t1=$(date +%s.%N)

rc=
if [ -f "$CTL/rc" ]; then
        rc=$(cat "$CTL/rc")
else
        rc=$(sed -n "s/.*$SENTINEL \([0-9]*\).*/\1/p" "$TMP/console.log" | tail -n1)
fi
if [ -f "$CTL/ready" ]; then
        log "$(awk -v t0="$t0" -v t1="$t1" -v r="$(stat -c %.9Y "$CTL/ready")" -v up="$(cat "$CTL/ready")" \
                'BEGIN { printf "boot to command %.1f s (guest uptime %.1f s), command %.1f s, whole run %.1f s", r - t0, up, t1 - r, t1 - t0 }')"
fi
if [ -z "$rc" ]; then
        if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
                log "timeout: the VM was killed after ${TIMEOUT}s"
                exit 124
        fi
        log "the VM stopped (qemu status $qrc) without reporting the command's status"
        exit 125
fi
exit "$rc"
