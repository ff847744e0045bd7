/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Between the files of the manager's core, from the bottom up (each calls only those above it in
 * this list, and the unit types only through service/unit-vtable.h):
 *   munit.c          names, logging, timestamps, small predicates, the dispatch and GC queues
 *   manager-index.c  the name and pid indexes (manager_get_unit(), manager_unit_by_pid())
 *   trigger.c        the trigger relation (Triggers=): what a socket, timer or path starts
 *   procs.c          the /proc snapshot for process tracking without a delegated cgroup
 *   manager-load.c   loading and linking units, daemon-reload, freeing a unit
 *   manager-gc.c     unloading units nothing uses (systemd's GC)
 *   transaction.c    installing jobs and what each pulls in, ordering, cycles
 *   shutdown.c       the bounded shutdown
 *   job.c            running and ending jobs, state changes and what they propagate
 *   manager-procs.c  SIGCHLD: whose process it was
 *   manager.c        life cycle, signals, the notify socket, the event loop
 */

#include "service/manager.h"
#include "service/unit-vtable.h"

/* munit.c */
bool unit_name_is_instance_of_template(const char *id);
bool is_active_or_activating(const MUnit *u);
bool has_dep(const MUnit *u, UnitDependency d, const MUnit *other);
/* The GC's queue (manager-gc.c runs it): u into it once, without arming the GC. */
void gc_push(Manager *m, MUnit *u);
/* u changed state, ended a job, was loaded or lost a reference: the next manager_gc() looks at it. */
void manager_gc_enqueue(Manager *m, MUnit *u);
/* Every unit (after a daemon-reload rebuilt the edges). */
void manager_gc_enqueue_all(Manager *m);

/* manager-index.c (and manager_get_unit(), manager_unit_by_pid(), munit_set_*_pid() of manager.h) */
typedef struct Index Index;
Index *manager_index(Manager *m);
/* name -> unit (its position in Manager.units); the first unit to claim a name keeps it. owned:
 * the index frees name, else it borrows it (the unit's MUnit.id); index_put() keeps a copy. */
int index_put_slot(Index *ix, char *name, size_t unit, bool owned);
int index_put(Index *ix, const char *name, size_t unit);
MUnit *index_get(Manager *m, const char *name);
/* Rebuilds the name index after the unit array was compacted: newpos[i] is unit i's new
 * position, SIZE_MAX for a unit that is gone. */
void manager_index_renumber(Manager *m, const size_t *newpos);
void manager_index_free(Manager *m);
int manager_index_new(Manager *m);
void manager_pid_index_free(Manager *m);

/* manager-load.c */
void munit_destroy(Manager *m, MUnit *u);
void manager_on_diag(const UnitDiag *d, void *userdata);
int manager_registry_create(Manager *m, UnitRegistry **ret);

/* manager-gc.c */
/* Processes the GC queue (the defer_gc event source, once per event-loop iteration at idle). */
void manager_gc(Manager *m);

/* transaction.c */
void job_add_start(Manager *m, MUnit *u);
void job_add_stop(Manager *m, MUnit *u);
void job_pull_start_deps(Manager *m, MUnit *u);
void tr_begin(Manager *m);
void tr_end(Manager *m);
bool tr_first(Manager *m, MUnit *u, JobType t);
bool job_runnable(MUnit *u);
void break_cycles(Manager *m);
/* Ends u's job without the dependency checks (a canceled job; manager_job_done() adds them). */
void job_uninstall(MUnit *u, JobResult result);

/* shutdown.c */
/* While shutting down: ends the loop once no job is left and nothing is up. */
void shutdown_check_idle(Manager *m);


/* job.c */
void manager_dispatch(Manager *m);
void manager_runq_forget(Manager *m); /* job.c: a unit is freed, the kept run queue is dropped */
/* manager_dispatch() again after the sources waiting now (a slice ended with jobs left). */
void manager_dispatch_yield(Manager *m);

/* trigger.c */
/* u changed state or a start job of it ended: the units that trigger it are told. */
void trigger_notify_all(MUnit *u);
