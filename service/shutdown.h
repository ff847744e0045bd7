/* SPDX-License-Identifier: MIT */
#pragma once

/* Shutdown is bounded. Once it has begun (SIGTERM, SIGRTMIN+3, `systemctl exit N`, the main
 * command's exit), nothing starts any more (manager_start_unit, manager_add_job, sockets, timers
 * and paths refuse), every unit gets a stop job, and each stop is bounded by the unit's own
 * TimeoutStopSec= in each of its phases, as systemd's: ExecStop= (if any), SIGTERM, SIGKILL,
 * ExecStopPost= (if any). Stop jobs run in reverse order, so the whole shutdown takes at most the
 * sum of those budgets along the longest ordering chain: shutdown_bound_usec().
 *
 * PID 1 also enforces that bound itself: when it passes (plus SHUTDOWN_MARGIN_USEC), whatever is
 * still running is killed with SIGKILL, one line per process naming unit and pid, and PID 1
 * exits. The same happens at once on SIGRTMIN+13..16 (systemd's "halt/poweroff/reboot/kexec now,
 * without stopping units"). A second SIGTERM or SIGRTMIN+3 during shutdown changes nothing (as
 * with systemd, where it queues the same irreversible job again) but says what shutdown waits for
 * and by when PID 1 exits. A unit with an infinite stop timeout counts as SHUTDOWN_CAP_USEC (30
 * minutes: the JobTimeoutSec= of systemd's poweroff.target and reboot.target). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/defaults.h"
#include "service/manager.h"

#define SHUTDOWN_MARGIN_USEC (5ULL * 1000000ULL)
#define SHUTDOWN_CAP_USEC (30ULL * 60ULL * 1000000ULL)
/* What the main command of `sdinit -- COMMAND` gets after SIGTERM (systemd's DefaultTimeoutStopSec=). */
#define SHUTDOWN_COMMAND_USEC DEFAULT_TIMEOUT_USEC
/* Processes left when every unit is stopped get SIGTERM, then SIGKILL after this long. */
#define SHUTDOWN_LEFTOVER_GRACE_USEC (3ULL * 1000000ULL)

/* The longest chain of stop budgets among the units that have a stop job now (µs, capped). */
uint64_t shutdown_bound_usec(Manager *m);

/* Kills every process of every unit, and the main command, with SIGKILL, one line each. Returns
 * how many processes it killed. */
size_t shutdown_kill_units(Manager *m);

/* A second shutdown request: one line naming the units shutdown still waits for. */
void shutdown_report_waiting(Manager *m);

/* As PID 1, once the loop is done: the processes that are left in the pid namespace (no unit
 * claims them: KillMode=process leftovers, daemons that escaped their unit, clients run with
 * `docker exec`) get SIGTERM, then SIGKILL after SHUTDOWN_LEFTOVER_GRACE_USEC, each named in one
 * line, as systemd-shutdown does in a container. Returns how many needed SIGKILL. */
size_t shutdown_kill_leftovers(Manager *m);

/* /proc/PID/comm, or "n/a". */
void shutdown_proc_comm(pid_t pid, char *buf, size_t size);
