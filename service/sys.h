/* SPDX-License-Identifier: MIT */
#pragma once

/* The system calls the manager's state machines make, behind one table (as dinit's baseproc-sys),
 * so that the manager, its jobs and the service state machine run in a unit test without root
 * and without real processes (tests/unit/test-manager-core.c). Manager.sys is sys_real unless a
 * test replaces it. Timers still run on the sd-event loop's clock; `now` is what deadlines and
 * the start rate limit are computed from. */

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "units/unit.h"

typedef struct MUnit MUnit;

/* How service/spawn.c starts a child (it chooses per start: SPAWN_FORK while PID 1 is small or when a step in the
 * child needs its own copy of PID 1). */
typedef enum SpawnHow { SPAWN_FORK, SPAWN_VFORK } SpawnHow;

/* PID 1's peak RSS (kB) from which children start vfork-style (Manager.spawn_vfork_min_rss_kb; spawn.c
 * says why): about 2,000 loaded units. */
#define SPAWN_VFORK_MIN_RSS_KB 16384ULL

typedef struct SysOps {
        /* Starts one command of u (fork, the child's set-up, exec: service/spawn.c): 0 and the
         * pid, or the systemd exit status (EXIT_*) the start failed with, or -errno. */
        int (*spawn)(MUnit *u, const ExecCommand *cmd, char *const *extra_env, bool is_main, pid_t *ret_pid);
        /* kill(2): 0, or -1 with errno set. */
        int (*kill)(pid_t pid, int sig);
        /* pidfd_open(2), close-on-exec: the descriptor, or -1 with errno set (ENOSYS on kernels
         * before 5.3). */
        int (*pidfd_open)(pid_t pid);
        /* waitid(2): 0, or -1 with errno set. */
        int (*waitid)(idtype_t type, id_t id, siginfo_t *info, int options);
        /* CLOCK_MONOTONIC in µs. */
        uint64_t (*now)(void);
        /* Starts fn(arg) as a child in u's cgroup (spawn_exec's last step): SPAWN_VFORK shares our
         * memory on a stack of its own and returns once the child has exec'd or exited
         * (clone(CLONE_VM|CLONE_VFORK)); SPAWN_FORK gives it a copy (fork, clone3). 0 and the pid,
         * or -errno. */
        int (*start_child)(MUnit *u, SpawnHow how, int (*fn)(void *), void *arg, pid_t *ret_pid);
} SysOps;

extern const SysOps sys_real;
