#!/bin/sh
# Installs what sdinit needs to build, test and benchmark on Debian 12, and prepares the machine
# for the PID 1 harness. Idempotent; run as root (or through sudo).
set -eu

PKGS="meson ninja-build pkg-config gcc clang libc6-dev libclang-rt-14-dev
      libsystemd-dev libcap-dev libinih-dev
      python3 util-linux uidmap procps iproute2
      tini dumb-init catatonit hyperfine"

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
