#!/bin/sh
# Installs what sdinit needs to build, test and benchmark on Debian 12, and prepares the machine
# for the PID 1 harness. Idempotent; run as root (or through sudo).
set -eu

PKGS="meson ninja-build pkg-config gcc clang libc6-dev libclang-rt-14-dev
      libsystemd-dev libcap-dev libseccomp-dev libinih-dev
      python3 util-linux uidmap procps iproute2 tzdata strace
      tini dumb-init catatonit hyperfine runc"
# Real daemons the integration tests start from their own unit files, and their clients.
DAEMONS="nginx redis-server redis-tools memcached netcat-openbsd openssh-server openssh-client
         cron rsyslog postgresql postgresql-client curl dbus python3-dbus apache2
         systemd"  # the real systemctl, systemd-notify, systemd-analyze; this machine's PID 1 is unaffected

# Packages must not start their daemons on this machine (there is no systemd here to manage
# them): the tests start them under sdinit. The standard Debian mechanism for that is a
# policy-rc.d that denies every start; one is installed only if none exists.
if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\n# installed by sdinit scripts/deps.sh: packages do not start daemons here\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
fi
# The pure cgroup-v2 VM suite (tests/vm): Debian's kernel under qemu (TCG), root from debootstrap.
VM="qemu-system-x86 debootstrap e2fsprogs debian-archive-keyring"
# Peers of bench/manager-compare.py only (the benchmark says "skipped: not installed" without them;
# no test needs them).
BENCH="s6 supervisor"
PKGS="$PKGS $DAEMONS $VM $BENCH"

missing=""
for p in $PKGS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
        echo "deps: installing:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# The harness maps container root to host uid 100000, as rootless runtimes and Kubernetes with user
# namespaces do; newuidmap only allows ranges listed here.
for f in /etc/subuid /etc/subgid; do
        grep -qx 'root:100000:65536' "$f" 2>/dev/null || echo 'root:100000:65536' >> "$f"
done
echo "deps: ok"
