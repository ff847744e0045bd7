/* SPDX-License-Identifier: MIT */
#pragma once

/* systemd 252's built-in defaults (src/basic/def.h, src/core/main.c), each written once. The unit
 * loader writes them into every unit that does not set its own (units/unit-defaults.c), so what
 * `sdinit show` prints is what the manager runs; the manager's own settings use them too. */

#include <stdint.h>

/* DEFAULT_TIMEOUT_USEC: DefaultTimeoutStartSec=, DefaultTimeoutStopSec=, generators' budget. */
#define DEFAULT_TIMEOUT_USEC (UINT64_C(90) * UINT64_C(1000000))
/* DEFAULT_TASKS_MAX_PERMYRIAD: DefaultTasksMax=15%, of cg_system_tasks_max(); services and
 * sockets without TasksMax= (systemd gives it to every unit with a cgroup but a slice). */
#define DEFAULT_TASKS_MAX_PERMYRIAD 1500
/* DEFAULT_RESTART_USEC: RestartSec=. */
#define DEFAULT_RESTART_USEC (UINT64_C(100) * UINT64_C(1000))
