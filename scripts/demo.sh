#!/bin/sh
# Installs the build dependencies (apt), builds sdinit, and runs the two demos under sdinit as PID 1
# in a namespaced sandbox (a container without a container engine):
#   examples/manager-demo: unit files booted by sdinit, driven with systemctl from inside
#   (status, reload, a killed service restarted per Restart=), stopped with SIGRTMIN+3;
#   examples/dropin-demo: an application that leaves orphans and a stray daemon behind, under
#   `sdinit --` (the tini replacement), stopped with SIGTERM.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
[ -f build/build.ninja ] || meson setup build
meson compile -C build
/usr/bin/python3 examples/manager-demo/run.py build/init/sdinit
echo
exec /usr/bin/python3 examples/dropin-demo/run.py build/init/sdinit
