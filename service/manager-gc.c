/* SPDX-License-Identifier: MIT */
/* Unloading units nothing uses any more (systemd's unit GC, CollectMode=). */
#include "service/manager-private.h"

#include <stdlib.h>

/* A unit that is down may be unloaded, as systemd's unit_may_gc() says: no job, inactive (failed
 * too with CollectMode=inactive-or-failed), no process, connection, output or timer of its own
 * left, no OnFailure=/OnSuccess= unit with a job (systemd's unit_success_failure_handler_has_jobs()).
 * Every kind of unit, not only instances: `systemctl status x` loads x, and systemd unloads it again
 * at its next idle moment, so a later `systemctl kill x` answers "Unit x not loaded.". Whether
 * another unit still references it is manager_gc()'s question. The boot target is sdinit's one
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
            u->cg_watch_source)
                return false;
        for (size_t i = 0; i < u->n_deps[UNIT_ON_FAILURE]; i++)
                if (u->deps[UNIT_ON_FAILURE][i]->job != JOB_NONE)
                        return false;
        for (size_t i = 0; i < u->n_deps[UNIT_ON_SUCCESS]; i++)
                if (u->deps[UNIT_ON_SUCCESS][i]->job != JOB_NONE)
                        return false;
        for (size_t i = 0; i < m->n_graveyard; i++)
                if (m->graveyard[i].owner == u)
                        return false;
        return true;
}

static void drop_doomed(MUnit ***v, uint32_t *n) {
        uint32_t k = 0;
        for (size_t i = 0; i < *n; i++)
                if (!(*v)[i]->gc_doomed)
                        (*v)[k++] = (*v)[i];
        *n = k;
}

/* Unloads what gc_candidate() allows and no kept unit references, directly or through other
 * candidates (systemd's unit_gc_sweep(): any dependency, ordering and trigger edges included, is a
 * reference; a cycle of candidates nothing else references goes whole). Linear: one walk over the
 * edges from the kept units, one compaction of the unit array, one rebuild of the name index. */
void manager_gc(Manager *m) {
        size_t n_doomed = 0, k = 0, n_stack = 0, *newpos;
        MUnit **stack;

        for (size_t i = 0; i < m->n_units; i++)
                if ((m->units[i]->gc_doomed = gc_candidate(m, m->units[i])))
                        n_doomed++;
        if (!n_doomed)
                return;
        stack = malloc(m->n_units * sizeof(MUnit *));
        if (!stack) {
                for (size_t i = 0; i < m->n_units; i++)
                        m->units[i]->gc_doomed = false;
                return;
        }
        /* What a kept unit references is kept, and so on: each unit enters the stack once. */
        for (size_t i = 0; i < m->n_units; i++)
                if (!m->units[i]->gc_doomed)
                        stack[n_stack++] = m->units[i];
        while (n_stack > 0 && n_doomed > 0) {
                MUnit *x = stack[--n_stack];
                for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                        for (size_t j = 0; j < x->n_deps[d]; j++) {
                                MUnit *y = x->deps[d][j];
                                if (y->gc_doomed) {
                                        y->gc_doomed = false;
                                        n_doomed--;
                                        stack[n_stack++] = y;
                                }
                        }
        }
        free(stack);
        if (!n_doomed)
                return;
        newpos = malloc(m->n_units * sizeof(size_t));
        if (!newpos) {
                for (size_t i = 0; i < m->n_units; i++)
                        m->units[i]->gc_doomed = false;
                return;
        }
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *x = m->units[i];
                drop_doomed(&x->after_me, &x->n_after_me);
                drop_doomed(&x->before_me, &x->n_before_me);
                for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                        drop_doomed(&x->rdeps[d], &x->n_rdeps[d]);
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
