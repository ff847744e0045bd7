/* SPDX-License-Identifier: MIT */
/* Unloading finished instances (systemd's unit GC, CollectMode=). */
#include "service/manager-private.h"

#include <stdlib.h>

/* An instance that is done may be unloaded, as systemd's unit_may_gc() would: no job, down
 * (inactive; failed too with CollectMode=inactive-or-failed), no process, output, connection or
 * timer of its own left. Every Accept=yes connection and template start is such an instance;
 * kept, each would cost PID 1 memory for ever. Units other than instances stay loaded. */
static bool gc_candidate(Manager *m, MUnit *u) {
        if (!u->u || !unit_name_is_instance_of_template(u->id) || u == m->boot_target)
                return false;
        if (u->job != JOB_NONE || u->job_running || u->main_pid > 0 || u->control_pid > 0)
                return false;
        if (!(u->active == STATE_INACTIVE || (u->active == STATE_FAILED && u->u->unit.collect_mode == 1)))
                return false;
        if (u->out_fd >= 0 || u->out_wfd >= 0 || u->accept_fd >= 0 || u->timer || u->watchdog || u->n_sock ||
            u->timer_state || u->path_state || u->cg_watch_source)
                return false;
        for (size_t i = 0; i < m->n_graveyard; i++)
                if (m->graveyard[i].owner == u)
                        return false;
        return true;
}

static void drop_doomed(MUnit ***v, size_t *n) {
        size_t k = 0;
        for (size_t i = 0; i < *n; i++)
                if (!(*v)[i]->gc_doomed)
                        (*v)[k++] = (*v)[i];
        *n = k;
}

/* Unloads what gc_candidate() allows and no loaded unit depends on. One pass over every unit's
 * edges, one compaction of the unit array, one rebuild of the name index. */
void manager_gc(Manager *m) {
        size_t n_doomed = 0, k = 0, *newpos;

        for (size_t i = 0; i < m->n_units; i++)
                if ((m->units[i]->gc_doomed = gc_candidate(m, m->units[i])))
                        n_doomed++;
        if (!n_doomed)
                return;
        /* Referenced by another unit's dependency: it stays (systemd keeps referenced units). */
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *x = m->units[i];
                if (x->gc_doomed)
                        continue;
                for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                        for (size_t j = 0; j < x->n_deps[d]; j++)
                                if (x->deps[d][j]->gc_doomed) {
                                        x->deps[d][j]->gc_doomed = false;
                                        n_doomed--;
                                }
        }
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
