/* SPDX-License-Identifier: MIT */
/* Installing jobs (systemd's transactions and job_install()): what each request pulls in, when a
 * job may run (ordering), and ordering cycles, found and broken before anything runs. */
#include "service/manager-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- installing jobs -------------------------------------------------------------------------- */

/* Whether a reload job makes sense for u (ExecReload= for a service; other types reload as a
 * no-op). */
static bool munit_can_reload(MUnit *u) {
        const UnitVTable *vt = munit_vtable(u);
        return !vt->can_reload || vt->can_reload(u);
}

uint32_t manager_new_job_id(Manager *m) {
        if (++m->last_job_id == 0)
                m->last_job_id = 1;
        return m->last_job_id;
}

/* Ends u's job, telling the observers, and the trigger units waiting for it; what a finished job
 * means for other units' jobs is job.c's (manager_job_done). */
void job_uninstall(MUnit *u, JobResult result) {
        Manager *m = u->m;
        uint32_t id = u->job_id;
        JobType t = u->job;

        if (t == JOB_NONE)
                return;
        u->job = JOB_NONE;
        m->n_jobs--;
        u->job_running = false;
        u->job_id = 0;
        if (m->hooks && m->hooks->job_removed)
                m->hooks->job_removed(m->hooks_userdata, id, u, t, result);
        if (u->active == STATE_INACTIVE || u->active == STATE_FAILED)
                manager_gc_enqueue(m, u);
        /* No longer the first boot once the boot's jobs are all done (systemd's
         * manager_check_finished(): an empty job queue), not when the target's own job is. */
        if (m->first_boot && (m->ts_finish.monotonic || u == m->boot_target) && !manager_has_jobs(m))
                manager_set_first_boot(m, false);
        if (u == m->boot_target && t == JOB_START && !m->ts_finish.monotonic) {
                dual_timestamp_now(&m->ts_finish);
                if (m->hooks && m->hooks->startup_finished)
                        m->hooks->startup_finished(m->hooks_userdata);
        }
        /* A start that ended without a state change (refused, a failed dependency): timers and
         * paths waiting for this unit go back to waiting. */
        if (t == JOB_START || t == JOB_RESTART)
                trigger_notify_all(u);
        manager_dispatch_soon(m);
}

bool manager_has_jobs(const Manager *m) {
        return m->n_jobs > 0;
}

/* Every job change goes through these two, so that the observers see each job begin and end. */
static void job_install(MUnit *u, JobType t) {
        Manager *m = u->m;

        if (u->job != JOB_NONE && u->job != t)
                job_uninstall(u, JOB_CANCELED); /* replaced by a different job */
        if (u->job == JOB_NONE) {
                u->job_id = manager_new_job_id(m);
                u->job = t;
                m->n_jobs++;
                u->job_running = false;
                u->job_ignore_deps = false;
                if (m->hooks && m->hooks->job_new)
                        m->hooks->job_new(m->hooks_userdata, u);
        }
}

static bool loadable(MUnit *u) {
        return u->u && u->u->load_state != UNIT_NOT_FOUND && u->u->load_state != UNIT_MASKED;
}

/* Requests (systemd's transactions): every entry point that adds jobs runs inside one, so that
 * a unit's dependencies are pulled in once per job type and request, however they loop. */
void tr_begin(Manager *m) {
        if (m->tr_depth++ == 0)
                m->tr_gen++;
}

void tr_end(Manager *m) {
        m->tr_depth--;
}

/* True the first time (u, t) is seen in the current request. */
bool tr_first(Manager *m, MUnit *u, JobType t) {
        if (u->tr_gen != m->tr_gen) {
                u->tr_gen = m->tr_gen;
                u->tr_pulled = 0;
        }
        if (u->tr_pulled & (1u << t))
                return false;
        u->tr_pulled |= 1u << t;
        return true;
}

/* Adds a job of type t for u as systemd's transaction and job_install() would: t is collapsed by
 * the unit's state (try-restart, try-reload, reload-or-start), dropped if it would do nothing
 * (unless it is what was asked for, the anchor, or it must replace a conflicting job), then
 * installed, merged into the unit's job, or it replaces that job if they conflict (a start after
 * a stop whose job still runs: the stop job is canceled, the start waits for the unit to be
 * down, then runs). Returns true when the caller is to pull in t's dependencies. */
static bool job_enqueue(Manager *m, MUnit *u, JobType t, bool anchor) {
        JobType merged;

        t = job_type_collapse(t, u->active);
        if (t == JOB_NOP)
                return false;
        if (job_type_is_redundant(t, u->active) && !(u->job != JOB_NONE && job_type_is_conflicting(u->job, t))) {
                /* Nothing to do for this unit. What was asked for still pulls in its
                 * dependencies (`systemctl start x` starts x's stopped Wants=); a reload asked
                 * for while one runs is installed and runs after it. */
                if (!anchor)
                        return false;
                if (t != JOB_RELOAD && u->job == JOB_NONE)
                        return tr_first(m, u, t);
        }
        switch (job_install_action(u->job, u->job_running, t, u->active, &merged)) {
        case JOB_INSTALL_NEW:
        case JOB_INSTALL_REPLACE:
                job_install(u, t); /* cancels a conflicting job first */
                u->job_failed_dependency = false;
                break;
        case JOB_INSTALL_MERGE:
                u->job = merged;
                break;
        case JOB_INSTALL_RERUN:
                u->job = merged;
                u->job_running = false; /* runs again once runnable */
                break;
        }
        return tr_first(m, u, t);
}

void job_add_start(Manager *m, MUnit *u) {
        tr_begin(m);
        if (job_enqueue(m, u, JOB_START, false))
                job_pull_start_deps(m, u);
        tr_end(m);
}

/* What a start of u pulls in: requirements and wants start, conflicts stop. */
void job_pull_start_deps(Manager *m, MUnit *u) {
        for (size_t i = 0; i < munit_n_deps(u, UNIT_REQUIRES); i++)
                job_add_start(m, munit_deps(u, UNIT_REQUIRES)[i]);
        for (size_t i = 0; i < munit_n_deps(u, UNIT_BINDS_TO); i++)
                job_add_start(m, munit_deps(u, UNIT_BINDS_TO)[i]);
        /* Wants= of a unit that does not exist or is masked pulls in nothing, silently. */
        for (size_t i = 0; i < munit_n_deps(u, UNIT_WANTS); i++)
                if (loadable(munit_deps(u, UNIT_WANTS)[i]))
                        job_add_start(m, munit_deps(u, UNIT_WANTS)[i]);
        for (size_t i = 0; i < munit_n_deps(u, UNIT_UPHOLDS); i++)
                if (loadable(munit_deps(u, UNIT_UPHOLDS)[i]))
                        job_add_start(m, munit_deps(u, UNIT_UPHOLDS)[i]);
        /* Conflicts= works both ways. */
        for (size_t i = 0; i < munit_n_deps(u, UNIT_CONFLICTS); i++)
                job_add_stop(m, munit_deps(u, UNIT_CONFLICTS)[i]);
        for (size_t i = 0; i < munit_n_rdeps(u, UNIT_CONFLICTS); i++)
                job_add_stop(m, munit_rdeps(u, UNIT_CONFLICTS)[i]);
}

static void job_pull_stop_deps(Manager *m, MUnit *u);

void job_add_stop(Manager *m, MUnit *u) {
        tr_begin(m);
        if (job_enqueue(m, u, JOB_STOP, false))
                job_pull_stop_deps(m, u);
        else if (u->job == JOB_NONE && (u->active == STATE_INACTIVE || u->active == STATE_FAILED) && !m->shutting_down &&
                 tr_first(m, u, JOB_STOP))
                /* Nothing to stop here, but the stop still reaches what depends on this unit, as
                 * systemd's stop job of an inactive unit does (`systemctl stop` of a skipped or
                 * failed unit stops its PartOf= units); once per request, so cycles end. Not while
                 * shutting down: every unit gets its own stop job then. */
                job_pull_stop_deps(m, u);
        tr_end(m);
}

static void job_pull_stop_deps(Manager *m, MUnit *u) {
        /* Whoever requires us, is bound to us, is part of us or takes its stop from us stops too;
         * and what we propagate our stop to. */
        UnitSet s;

        unit_set_collect(&s, u, 0, DEP(UNIT_REQUIRES) | DEP(UNIT_BINDS_TO) | DEP(UNIT_PART_OF) | DEP(UNIT_REQUISITE) |
                                           DEP(UNIT_STOP_PROPAGATED_FROM));
        for (size_t i = 0; i < s.n; i++)
                job_add_stop(m, s.v[i]);
        unit_set_done(&s);
        for (size_t i = 0; i < munit_n_deps(u, UNIT_PROPAGATES_STOP_TO); i++)
                job_add_stop(m, munit_deps(u, UNIT_PROPAGATES_STOP_TO)[i]);
}

/* What a restart of u propagates to (systemd's PROPAGATE_RESTART): a try-restart of the units that
 * require it, are bound to it, are part of it or have it as a requisite. */
static void job_pull_restart_deps(Manager *m, MUnit *u) {
        UnitSet s;

        unit_set_collect(&s, u, 0, DEP(UNIT_REQUIRES) | DEP(UNIT_BINDS_TO) | DEP(UNIT_PART_OF) | DEP(UNIT_REQUISITE));
        for (size_t i = 0; i < s.n; i++)
                if (s.v[i] != u && job_enqueue(m, s.v[i], JOB_TRY_RESTART, false))
                        job_pull_restart_deps(m, s.v[i]);
        unit_set_done(&s);
}

/* A reload of u reloads what it propagates reloads to (PropagatesReloadTo=, and the units with
 * ReloadPropagatedFrom=u), when they are active (a try-reload). */
static void job_pull_reload_deps(Manager *m, MUnit *u) {
        UnitSet s;

        unit_set_collect(&s, u, DEP(UNIT_PROPAGATES_RELOAD_TO), DEP(UNIT_RELOAD_PROPAGATED_FROM));
        for (size_t i = 0; i < s.n; i++)
                if (s.v[i] != u && munit_can_reload(s.v[i]) && job_enqueue(m, s.v[i], JOB_TRY_RELOAD, false))
                        job_pull_reload_deps(m, s.v[i]);
        unit_set_done(&s);
}

int manager_start_unit(Manager *m, MUnit *u) {
        if (m->shutting_down)
                return -ESHUTDOWN; /* nothing starts once the container stops (activation included) */
        job_add_start(m, u);
        break_cycles(m);
        manager_dispatch_soon(m);
        return 0;
}

int manager_stop_unit(Manager *m, MUnit *u) {
        job_add_stop(m, u);
        manager_dispatch_soon(m);
        return 0;
}

int manager_add_job(Manager *m, MUnit *u, JobType type, bool ignore_deps) {
        /* Once shutdown has begun nothing starts (systemd: the transaction would stop the
         * irreversibly started shutdown.target); a stop is what happens anyway. */
        if (m->shutting_down && type != JOB_STOP)
                return -ESHUTDOWN;
        type = job_type_collapse(type, u->active);
        if (type == JOB_NOP)
                return 0;
        if (type != JOB_START && type != JOB_STOP && type != JOB_RELOAD && type != JOB_RESTART && type != JOB_VERIFY_ACTIVE)
                return -EINVAL;
        if (type == JOB_RELOAD && !munit_can_reload(u))
                return -EBADR;
        tr_begin(m);
        if (job_enqueue(m, u, type, true)) {
                if (ignore_deps) {
                        if (u->job != JOB_NONE)
                                u->job_ignore_deps = true;
                } else if (type == JOB_START)
                        job_pull_start_deps(m, u);
                else if (type == JOB_STOP)
                        job_pull_stop_deps(m, u);
                else if (type == JOB_RESTART)
                        job_pull_restart_deps(m, u); /* its start half pulls in what a start does */
                else if (type == JOB_RELOAD)
                        job_pull_reload_deps(m, u);
        }
        tr_end(m);
        if (type == JOB_START || type == JOB_RESTART)
                break_cycles(m);
        manager_dispatch_soon(m);
        return u->job != JOB_NONE ? (int) u->job_id : 0;
}

int manager_cancel_job(Manager *m, MUnit *u) {
        (void) m;
        if (u->job == JOB_NONE)
                return -ENOENT;
        if (u->job_running)
                return -EBUSY;
        job_uninstall(u, JOB_CANCELED);
        return 0;
}

/* ---- what may run ------------------------------------------------------------------------------ */

/* Whether a start needing x is refused for x's load state. systemd loads devices, mounts, swaps,
 * slices and scopes without a unit file (they describe the system), so only their mask counts. */
static bool blocks_start(MUnit *x) {

        if (!x->u)
                return true;
        if (x->u->load_state == UNIT_LOADED)
                return false;
        if (x->u->load_state != UNIT_NOT_FOUND)
                return true;
        return !munit_vtable(x)->loads_without_file;
}

static bool start_blocked(Manager *m, MUnit *u, MUnit **ret) {
        static const UnitDependency reqs[] = { UNIT_REQUIRES, UNIT_BINDS_TO, UNIT_REQUISITE };

        if (u->walk == m->walks)
                return false;
        u->walk = m->walks;
        for (size_t d = 0; d < sizeof(reqs) / sizeof(reqs[0]); d++)
                for (size_t i = 0; i < munit_n_deps(u, reqs[d]); i++) {
                        MUnit *x = munit_deps(u, reqs[d])[i];
                        if (blocks_start(x)) {
                                *ret = x;
                                return true;
                        }
                        if (reqs[d] != UNIT_REQUISITE && start_blocked(m, x, ret))
                                return true;
                }
        return false;
}

MUnit *manager_start_blocker(Manager *m, MUnit *u) {
        MUnit *b = NULL;

        m->walks++;
        return start_blocked(m, u, &b) ? b : NULL;
}

bool job_runnable(MUnit *u) {
        Manager *m = u->m;

        /* What the unit itself is doing first (systemd: -EAGAIN from unit_start/unit_reload):
         * a start, verify-active or reload waits while the unit goes down (a start after a stop
         * whose job was replaced), and a reload while one is in progress. */
        if ((u->job == JOB_START || u->job == JOB_RELOAD || u->job == JOB_VERIFY_ACTIVE) && u->active == STATE_DEACTIVATING)
                return false;
        if ((u->job == JOB_RELOAD && u->active == STATE_RELOADING) || (u->job == JOB_VERIFY_ACTIVE && u->active == STATE_ACTIVATING))
                return false;
        /* Ordering as systemd's job_compare(): a reload or verify-active orders like a start. */
        if (u->job == JOB_START || u->job == JOB_RELOAD || u->job == JOB_VERIFY_ACTIVE) {
                /* Wait for every job of a unit we are ordered after... */
                for (size_t i = 0; i < munit_n_before_me(u); i++)
                        if (munit_before_me(u)[i]->job != JOB_NONE)
                                return false;
                /* ...and for stop jobs of units ordered after us (stop before start). */
                for (size_t i = 0; i < munit_n_after_me(u); i++)
                        if (munit_after_me(u)[i]->job == JOB_STOP || munit_after_me(u)[i]->job == JOB_RESTART)
                                return false;
                return true;
        }
        if (u->job == JOB_STOP || u->job == JOB_RESTART) {
                /* Reverse order: units ordered after us stop first. */
                for (size_t i = 0; i < munit_n_after_me(u); i++)
                        if (munit_after_me(u)[i]->job == JOB_STOP || munit_after_me(u)[i]->job == JOB_RESTART)
                                return false;
                (void) m;
                return true;
        }
        return false;
}

/* ---- ordering cycles -------------------------------------------------------------------------- */

/* Depth-first search over "job waits for job" edges. Returns a unit on a cycle and fills path. */
static int cmp_position(const void *a, const void *b) {
        const MUnit *x = *(MUnit *const *) a, *y = *(MUnit *const *) b;
        return (x->index_in_manager > y->index_in_manager) - (x->index_in_manager < y->index_in_manager);
}

/* The units whose job u's job waits for (a start waits for the starts of what it is ordered
 * after, a stop for the stops of what is ordered after it), each once, in the manager's order:
 * the order a scan of every unit would visit them in, so the cycle found and its victim are the
 * same. Returns the count; *ret is malloc'ed (NULL when none, or out of memory). */
static size_t waits_for(MUnit *u, MUnit ***ret) {
        MUnit *const *e = u->job == JOB_START ? munit_before_me(u) : munit_after_me(u);
        size_t n = u->job == JOB_START ? munit_n_before_me(u) : u->job == JOB_STOP ? munit_n_after_me(u) : 0, k = 0;
        MUnit **v;

        *ret = NULL;
        if (n == 0 || !(v = malloc(n * sizeof(MUnit *))))
                return 0;
        for (size_t i = 0; i < n; i++)
                if (e[i] != u && e[i]->job == u->job)
                        v[k++] = e[i];
        qsort(v, k, sizeof(MUnit *), cmp_position);
        n = 0;
        for (size_t i = 0; i < k; i++)
                if (n == 0 || v[n - 1] != v[i])
                        v[n++] = v[i];
        *ret = v;
        return n;
}

/* Depth-first search over "job waits for job" edges. Returns a unit on a cycle and fills path. */
static MUnit *find_cycle(Manager *m, MUnit *u, uint8_t *color, MUnit **stack, size_t depth, size_t *ret_len) {
        MUnit **next, *found = NULL;
        size_t n = waits_for(u, &next);

        color[u->index_in_manager] = 1;
        stack[depth] = u;
        for (size_t i = 0; i < n && !found; i++) {
                MUnit *x = next[i];
                if (color[x->index_in_manager] == 1) {
                        /* Found: the cycle is stack[k..depth] where stack[k] == x. */
                        size_t k = depth;
                        while (k > 0 && stack[k] != x)
                                k--;
                        memmove(stack, stack + k, (depth - k + 1) * sizeof(MUnit *));
                        *ret_len = depth - k + 1;
                        found = x;
                } else if (color[x->index_in_manager] == 0)
                        found = find_cycle(m, x, color, stack, depth + 1, ret_len);
        }
        free(next);
        if (!found)
                color[u->index_in_manager] = 2;
        return found;
}

static bool job_required_by_others(MUnit *u) {
        UnitSet s;
        bool r = false;

        unit_set_collect(&s, u, 0, DEP(UNIT_REQUIRES) | DEP(UNIT_BINDS_TO) | DEP(UNIT_REQUISITE));
        for (size_t i = 0; i < s.n && !r; i++)
                r = s.v[i]->job == JOB_START;
        unit_set_done(&s);
        return r;
}

void break_cycles(Manager *m) {
        uint8_t *color = calloc(m->n_units, 1);
        MUnit **stack = calloc(m->n_units + 1, sizeof(MUnit *));

        if (!color || !stack)
                goto out;
        for (;;) {
                MUnit *found = NULL;
                size_t len = 0;

                memset(color, 0, m->n_units);
                for (size_t i = 0; i < m->n_units && !found; i++)
                        if (m->units[i]->job != JOB_NONE && !color[i])
                                found = find_cycle(m, m->units[i], color, stack, 0, &len);
                if (!found)
                        break;

                {
                        char line[4096];
                        size_t n = 0;
                        MUnit *victim = NULL;
                        n += (size_t) snprintf(line + n, sizeof(line) - n, "Found ordering cycle: ");
                        for (size_t i = 0; i < len && n < sizeof(line); i++)
                                n += (size_t) snprintf(line + n, sizeof(line) - n, "%s%s/%s", i ? " -> " : "",
                                                       stack[i]->id, stack[i]->job == JOB_START ? "start" : "stop");
                        if (n < sizeof(line))
                                snprintf(line + n, sizeof(line) - n, " -> %s", stack[0]->id);
                        manager_log(m, MLOG_ERR, "%s", line);
                        for (size_t i = 0; i < len && !victim; i++)
                                if (!job_required_by_others(stack[i]))
                                        victim = stack[i];
                        if (!victim)
                                victim = stack[len - 1];
                        manager_log(m, MLOG_ERR, "Job %s/%s deleted to break ordering cycle starting with %s/%s",
                                    victim->id, victim->job == JOB_START ? "start" : "stop", stack[0]->id,
                                    stack[0]->job == JOB_START ? "start" : "stop");
                        job_uninstall(victim, JOB_CANCELED);
                }
        }
out:
        free(color);
        free(stack);
}
