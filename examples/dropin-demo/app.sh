#!/bin/sh
# A small "container application" that misbehaves the way real ones do: it leaves orphaned
# processes behind (zombies unless PID 1 reaps them) and starts a daemon that double-forks away from
# it. Run it under sdinit as PID 1 (see run.py) and watch PID 1 reap, forward and stop.

zombies() { grep -l '^State:.Z' /proc/[0-9]*/status 2>/dev/null | wc -l; }

echo "app: I am PID $$; PID 1 is '$(cat /proc/1/comm)'"

# 100 short-lived grandchildren whose parent exits without waiting: they are re-parented to PID 1.
for i in $(seq 100); do (sh -c 'exit 0' &); done
n=0
while [ "$(zombies)" -gt 0 ] && [ $n -lt 500 ]; do sleep 0.01; n=$((n + 1)); done
echo "app: made 100 orphans; zombies left now: $(zombies)"

# A daemon that leaves our process tree (double fork) and wants to clean up on SIGTERM.
( setsid sh -c 'trap "echo \"daemon: got SIGTERM from PID 1, flushing and exiting\"; exit 0" TERM
                echo "daemon: running as PID $$ (re-parented to PID 1)"
                while :; do sleep 0.1; done' & )

trap 'echo "app: got SIGTERM (forwarded by PID 1), exiting with status 0"; exit 0' TERM
sleep 0.3
echo "app: READY"
while :; do sleep 0.1; done
