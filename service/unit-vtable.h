/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * What the manager asks of a unit type, as systemd's UnitVTable (src/core/unit.h) and dinit's
 * service classes: one table per type (service/unit-types.c lists them), so that the manager's
 * job engine never names a type. The manager calls through the table; a type calls the manager
 * back only through its API (munit_set_state, manager_job_done, manager_log...), so the types sit
 * above the manager and nothing below knows them.
 *
 * Every entry may be NULL; what NULL means is said with each.
 */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "service/manager.h"

struct notify_msg;

typedef struct UnitVTable {
        /* A start job runs (the unit is loaded, its Requisite= units are up): begin starting.
         * The unit reports through munit_set_state() or manager_job_done(). NULL: the unit is
         * loaded and checked but not run; it counts as started (with one line). */
        void (*start)(MUnit *u);
        /* A stop (or the stop half of a restart) runs. NULL: the unit is down at once. */
        void (*stop)(MUnit *u);
        /* A reload job runs on an active unit. NULL: the job is done at once (nothing to do). */
        void (*reload)(MUnit *u);
        /* Whether a reload job makes sense (ExecReload=). NULL: it does (targets and the like
         * reload as a no-op, and take part in PropagatesReloadTo=). */
        bool (*can_reload)(MUnit *u);

        /* Processes. kill: systemctl kill ("main", "control", "all"): how many were signalled or
         * -errno; pids: the unit's processes (malloc'ed array) or -errno; sigchld: one of its
         * processes changed state (waitid's CLD_*); log_kill_all: one line per process that is
         * about to get `sig`. NULL: the type has no processes. */
        int (*kill)(MUnit *u, const char *whom, int sig);
        int (*pids)(MUnit *u, pid_t **ret);
        void (*sigchld)(MUnit *u, pid_t pid, int code, int status);
        void (*log_kill_all)(MUnit *u, int sig);
        /* The longest a stop can take (µs; UINT64_MAX: no timeout). NULL: 0, stops at once. */
        uint64_t (*stop_budget)(MUnit *u);

        /* A datagram from the notify socket, authenticated (sender from SCM_CREDENTIALS). */
        void (*notify)(MUnit *u, pid_t sender, uid_t sender_uid, const struct notify_msg *msg);
        /* The BusName= of the unit appeared on the system bus (service/busname.c). */
        void (*bus_name_acquired)(MUnit *u);

        /* The unit's own state changed, or a start job of it ended without a state change. */
        void (*state_changed)(MUnit *u);
        /* Trigger units (socket, timer, path): `other`, a unit this one triggers, changed state
         * or a start job of it ended (systemd's trigger_notify). Called for every unit in
         * munit_rdeps(other, UNIT_TRIGGERS), so a state change costs what its trigger edges cost. */
        void (*trigger_notify)(MUnit *u, MUnit *other);
        /* After daemon-reload: an active unit takes what its unit file says now. */
        void (*config_reloaded)(MUnit *u);
        /* The unit's runtime state goes (stop, unload, manager exit). */
        void (*done)(MUnit *u);

        /* The sub-state as systemd names it for this type ("listening", "waiting", "mounted"),
         * NULL to take the generic name (unit_sub_state_generic()). */
        const char *(*sub_state_string)(const MUnit *u);

        /* Status-line words: "Started"/"Stopped" (NULL), "Reached target"/"Stopped target". */
        const char *started_verb, *stopped_verb;
        /* systemd loads devices, mounts, swaps, slices and scopes without a unit file (they
         * describe the system): a start needing one is refused only when it is masked. */
        bool loads_without_file;
} UnitVTable;

/* The table of u's type; units whose file could not be read at all get the empty table. */
static inline const UnitVTable *munit_vtable(const MUnit *u) {
        return u->m->vtables[u->u && u->u->type >= 0 && u->u->type < _UNIT_TYPE_MAX ? (int) u->u->type : _UNIT_TYPE_MAX];
}

/* The name of u's sub-state without a type's own names: "active", "dead", "failed", or the
 * state machine's word (service/munit.c). */
const char *unit_sub_state_generic(const MUnit *u);
