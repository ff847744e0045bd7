/* SPDX-License-Identifier: MIT */
/* Unloading units nothing uses any more (systemd's unit GC, CollectMode=). */
#include "service/manager-private.h"

#include <stdlib.h>

#include "service/cg-watch.h"

/* A unit that is down may be unloaded, as systemd's unit_may_gc() says: no job, inactive (failed
 * too with CollectMode=inactive-or-failed), no process, connection, output or timer of its own
 * left, no OnFailure=/OnSuccess= unit with a job (systemd's unit_success_failure_handler_has_jobs()).
 * Every kind of unit, not only instances: `systemctl status x` loads x, and systemd unloads it again
 * at its next idle moment, so a later `systemctl kill x` answers "Unit x not loaded.". Whether
 * another unit still references it is gc_walk()'s question. The boot target is sdinit's one
 * perpetual unit (systemd's -.slice and init.scope). */
static bool gc_candidate(Manager *m, MUnit *u) {
        if (!u->u || u == m->boot_target)
                return false;
        if (u->job != JOB_NONE || u->job_running || u->main_pid > 0 || u->control_pid > 0)
                return false;
        if (!(u->active == STATE_INACTIVE || (u->active == STATE_FAILED && u->u->unit.collect_mode == 1)))
                return false;
        /* A timer's or path unit's runtime state (timer.c, path.c) may stay after a stop: down, it
         * arms nothing, and unloading frees it (its done()), as systemd forgets a collected
         * timer's last trigger (Persistent= keeps its stamp on disk). */
        if (u->out_fd >= 0 || u->out_wfd >= 0 || u->accept_fd >= 0 || u->timer || u->watchdog || u->n_sock ||
            cg_watch_has(u))
                return false;
        for (size_t i = 0; i < munit_n_deps(u, UNIT_ON_FAILURE); i++)
                if (munit_deps(u, UNIT_ON_FAILURE)[i]->job != JOB_NONE)
                        return false;
        for (size_t i = 0; i < munit_n_deps(u, UNIT_ON_SUCCESS); i++)
                if (munit_deps(u, UNIT_ON_SUCCESS)[i]->job != JOB_NONE)
                        return false;
        for (size_t i = 0; i < m->n_graveyard; i++)
                if (m->graveyard[i].owner == u)
                        return false;
        return true;
}

static bool not_doomed(const MUnit *x) {
        return !x->gc_doomed;
}

/* Down, without a job, but still holding something gc_candidate() waits for (output, a process, a
 * timer, an old definition, an OnFailure= unit's job): looked at again at every pass until it holds
 * nothing. A unit with a job is looked at when its job ends, an active one when it goes down. */
static bool gc_waits(Manager *m, MUnit *u) {
        return u->u && u != m->boot_target && u->job == JOB_NONE && !u->job_running &&
               (u->active == STATE_INACTIVE || (u->active == STATE_FAILED && u->u->unit.collect_mode == 1));
}

/* Is candidate u referenced by a unit that stays, directly or through other candidates (systemd's
 * unit_gc_sweep(): any dependency, ordering and trigger edge is a reference)? A walk over the
 * reverse edges from u, each unit once: it stops at the first unit that is no candidate or was
 * found referenced earlier in this pass. If there is none, nothing that stays reaches any unit the
 * walk saw (each one's referrers were walked too): all of them go, cycles included. Returns the
 * number of units doomed, 0 if u is referenced. vis: room for every unit. */
static size_t gc_walk(Manager *m, MUnit *u, MUnit **vis) {
        uint64_t walk = ++m->gc_walk;
        size_t n = 0;

        u->gc_seen = walk;
        vis[n++] = u;
        for (size_t i = 0; i < n; i++) {
                MUnit *x = vis[i];
                for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                        for (size_t j = 0; j < munit_n_rdeps(x, d); j++) {
                                MUnit *y = munit_rdeps(x, d)[j];
                                if (y->gc_doomed || y->gc_seen == walk)
                                        continue;
                                if (y->gc_kept == m->gc_pass || !gc_candidate(m, y)) {
                                        u->gc_kept = m->gc_pass;
                                        return 0;
                                }
                                y->gc_seen = walk;
                                vis[n++] = y;
                        }
        }
        for (size_t i = 0; i < n; i++) {
                MUnit *x = vis[i];
                x->gc_doomed = true;
                /* What x references loses a reference: looked at in this pass. */
                for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                        for (size_t j = 0; j < munit_n_deps(x, d); j++)
                                gc_push(m, munit_deps(x, d)[j]);
        }
        return n;
}

/* Unloads the queued units that gc_candidate() allows and no staying unit references (see
 * gc_walk()). The cost is the queue's units and the reverse edges walked from them, not every unit
 * and edge: a state change of one unit among 5,000 looks at that unit and its referrers. Only when
 * something goes: one compaction of the unit array and one rebuild of the name index. */
void manager_gc(Manager *m) {
        size_t n_doomed = 0, k = 0, *newpos;
        MUnit **vis, *u, *waiting = NULL;

        if (!m->gc_queue && !m->gc_waiting)
                return;
        vis = malloc(m->n_units * sizeof(MUnit *));
        if (!vis)
                return; /* the queue stays for the next pass */
        m->gc_pass++;
        /* The units that were waiting for something are looked at again (as the full sweep did
         * at every pass); the pass itself arms no new one. */
        while ((u = m->gc_waiting)) {
                m->gc_waiting = u->gc_next;
                u->gc_waiting = false;
                gc_push(m, u);
        }
        while ((u = m->gc_queue)) {
                m->gc_queue = u->gc_next;
                u->in_gc_queue = false;
                if (u->gc_doomed || u->gc_kept == m->gc_pass)
                        continue;
                if (!gc_candidate(m, u)) {
                        if (gc_waits(m, u)) {
                                u->gc_waiting = true;
                                u->gc_next = waiting;
                                waiting = u;
                        }
                        continue;
                }
                n_doomed += gc_walk(m, u, vis);
        }
        m->gc_waiting = waiting;
        free(vis);
        if (!n_doomed)
                return;
        newpos = malloc(m->n_units * sizeof(size_t));
        if (!newpos) {
                /* Nothing goes: the doomed are looked at again at the next pass. */
                for (size_t i = 0; i < m->n_units; i++)
                        if (m->units[i]->gc_doomed) {
                                m->units[i]->gc_doomed = false;
                                gc_push(m, m->units[i]);
                        }
                return;
        }
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *x = m->units[i];
                munit_edges_filter(x, MUNIT_RDEPS, _MUNIT_EDGE_MAX, not_doomed);
        }
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *x = m->units[i];
                if (x->gc_doomed) {
                        newpos[i] = SIZE_MAX;
                        if (m->hooks && m->hooks->unit_removed)
                                m->hooks->unit_removed(m->hooks_userdata, x);
                        munit_destroy(m, x);
                } else {
                        newpos[i] = k;
                        x->index_in_manager = k;
                        m->units[k++] = x;
                }
        }
        m->n_units = k;
        m->procs_valid = false;
        m->procs_version++; /* the process index names units: none may point at a freed one */
        /* The index names array positions: renumbered with the survivors' new ones. */
        manager_index_renumber(m, newpos);
        free(newpos);
}
