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
        bool dead;            /* reaped since the snapshot was read */
        MUnit *owner;         /* the unit it belongs to (valid while the index is: procs_of, procs_owner) */
};

/* Reads /proc/<pid>/stat once: the process's state, parent and session (any may be NULL).
 * 0, or -errno (-ENOENT/-ESRCH: no such process; -EINVAL: not parseable). */
int procs_read_stat(pid_t pid, char *ret_state, pid_t *ret_ppid, pid_t *ret_sid);

/* The snapshot, sorted by pid. It is read again only in a new event-loop iteration and only when
 * it is older than max_age_usec (0: in every iteration that asks): what changes it in between is
 * applied to it (a reap), so the "any process left?" checks of a stop of 5,000 units read /proc
 * a few times, not once per exit. Processes that are gone are still there, with `dead` set. */
#define PROCS_MAX_AGE_USEC (50 * 1000ULL)
size_t procs_snapshot(Manager *m, uint64_t max_age_usec, struct proc **ret);
/* Whether a process may have been created in PID 1's pid namespace since the snapshot was read
 * (its ns_last_pid moved, or cannot be read): then a process of a unit can be missing from it. A
 * child a fork had under way while /proc was read (its pid allocated before) is the one case
 * this does not see; it is the last pid, which the read reaches last. */
bool procs_born_since(Manager *m);
/* The next procs_snapshot() reads /proc again, even in this event-loop iteration. */
void procs_invalidate(Manager *m);
/* A process was reaped: forget it in the current snapshot (its children are PID 1's now). */
void procs_forget_pid(Manager *m, pid_t pid);
/* The process pid in the snapshot, NULL if it is not there. */
struct proc *procs_find(Manager *m, pid_t pid);
/* The unit's processes in the snapshot (the pointers are valid until the snapshot is read again;
 * skip the dead ones): the processes in its sessions, its main and control processes, and their
 * descendants. Found through an index of every process's unit, built once per snapshot: one pass
 * over the units and one over the processes, not a walk to the root per process and unit. */
size_t procs_of(MUnit *u, uint64_t max_age_usec, struct proc ***ret);
/* Whether p (of the snapshot) is one of u's processes, by u's main and control processes and
 * sessions as they are now. */
bool procs_belongs(MUnit *u, struct proc *p);
/* The unit p belongs to, NULL if none. */
MUnit *procs_owner(Manager *m, struct proc *p);
void procs_free(Manager *m);
/* The INVOCATION_ID= in a stray's environment ("" if none or unreadable), read once. */
const char *stray_invocation(struct proc *p);
