/* SPDX-License-Identifier: MIT */
#pragma once

/* Process tracking without a delegated cgroup: one snapshot of /proc (pid, parent, session) per
 * event-loop iteration, shared by every unit that asks in that iteration. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "service/manager.h"

struct proc {
        pid_t pid, ppid, sid;
        bool stray;           /* a child of PID 1 that is no unit's main or control process */
        bool inv_read;        /* inv holds its INVOCATION_ID (read once per snapshot, strays only) */
        char inv[33];
};

/* The snapshot of this event-loop iteration (re-read at most once per iteration). */
size_t procs_snapshot(Manager *m, struct proc **ret);
/* A process was reaped: forget it in the current snapshot. */
void procs_forget_pid(Manager *m, pid_t pid);
/* The INVOCATION_ID= in a stray's environment ("" if none or unreadable), read once. */
const char *stray_invocation(struct proc *p);
