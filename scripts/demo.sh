#!/bin/sh
# Installs the build dependencies (apt), builds sdinit, and runs the demo of examples/dropin-demo:
# an application that leaves orphans and a stray daemon behind, under sdinit as PID 1 in a
# namespaced sandbox, stopped with SIGTERM the way a container engine stops it.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
[ -f build/build.ninja ] || meson setup build
meson compile -C build
exec /usr/bin/python3 examples/dropin-demo/run.py build/init/sdinit
