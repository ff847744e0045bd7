#!/bin/sh
# SPDX-License-Identifier: MIT
# Corpus test with real packages: downloads the Debian packages listed below with
# `apt-get download` (nothing is installed), extracts them with dpkg-deb into a cache OUTSIDE the
# repository, and runs units-corpus-check on every unit directory they ship. Prints TAP.
#
# When apt is unreachable (no network, no package lists, no apt at all) it prints a loud SKIP
# ("1..0 # SKIP ...") and never reports PASS.
#
# usage: fetch-corpus.sh CORPUS_CHECK_BINARY [CACHE_DIR]
#   CACHE_DIR defaults to ${SDINIT_CORPUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sdinit-corpus}
set -u

check=${1:?usage: fetch-corpus.sh CORPUS_CHECK_BINARY [CACHE_DIR]}
cache=${2:-${SDINIT_CORPUS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sdinit-corpus}}

# The packages of /work/shared/corpus/README.md (Debian 12 names).
packages="389-ds-base apache2 avahi-daemon bind9 certmonger chrony cron dbus
dbus-system-bus-common dovecot-core gssproxy haproxy krb5-admin-server krb5-kdc mariadb-server
memcached nfs-common nfs-kernel-server nginx-common oddjob openssh-server postfix
postgresql-common redis-server rsyslog samba slapd squid sssd-common tomcat10"

skip() {
        echo "########################################################################"
        echo "# SKIP: real-package corpus NOT tested: $*"
        echo "########################################################################"
        echo "1..0 # SKIP $*"
        exit 0
}

command -v apt-get >/dev/null 2>&1 || skip "apt-get not available"
command -v dpkg-deb >/dev/null 2>&1 || skip "dpkg-deb not available"
[ -x "$check" ] || { echo "Bail out! $check is not executable"; exit 1; }

debs="$cache/debs"
tree="$cache/tree"
mkdir -p "$debs" "$tree" || skip "cannot create cache directory $cache"

missing=""
for p in $packages; do
        ls "$debs/${p}_"*.deb >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
        # apt-get download writes into the current directory.
        if ! (cd "$debs" && timeout 600 apt-get download -q $missing >"$cache/apt.log" 2>&1); then
                skip "apt-get download failed (apt unreachable?), see $cache/apt.log"
        fi
fi

rm -rf "$tree"
mkdir -p "$tree"
for deb in "$debs"/*.deb; do
        [ -e "$deb" ] || skip "no packages in $debs"
        name=$(basename "$deb" | cut -d_ -f1)
        x="$cache/extract/$name"
        rm -rf "$x"
        mkdir -p "$x"
        dpkg-deb -x "$deb" "$x" || { echo "Bail out! dpkg-deb -x $deb failed"; exit 1; }
        for d in lib/systemd/system usr/lib/systemd/system; do
                if [ -d "$x/$d" ]; then
                        mkdir -p "$tree/$name"
                        cp -a "$x/$d" "$tree/$name/$(echo "$d" | tr / _)"
                fi
        done
done
[ -n "$(ls "$tree")" ] || skip "the downloaded packages ship no units"
exec "$check" "$tree"
