/* SPDX-License-Identifier: MIT */
/* The manager's vocabulary: state and result names, logging, timestamps, small predicates. */
#include "service/manager-private.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- names ------------------------------------------------------------------------------------ */

static const char *const active_names[_STATE_MAX] = {
        "inactive", "activating", "active", "reloading", "deactivating", "failed",
};

static const char *const sub_names[_SUB_MAX] = {
        "dead", "condition", "start-pre", "start", "start-post", "running", "exited", "reload", "stop",
        "stop-sigterm", "stop-sigkill", "stop-post", "final-sigterm", "final-sigkill", "auto-restart", "failed",
};

const char *active_state_to_string(ActiveState s) {
        return s >= 0 && s < _STATE_MAX ? active_names[s] : "?";
}

const char *sub_state_to_string(SubState s) {
        return s >= 0 && s < _SUB_MAX ? sub_names[s] : "?";
}

const char *unit_sub_state_generic(const MUnit *u) {
        if (u->sub == SUB_RUNNING || u->sub == SUB_EXITED)
                return "active";
        if (u->sub == SUB_DEAD || u->sub == SUB_FAILED)
                return u->sub == SUB_FAILED ? "failed" : "dead";
        return sub_state_to_string(u->sub);
}

const char *munit_sub_state_string(const MUnit *u) {
        const UnitVTable *vt = munit_vtable(u);
        const char *s = vt->sub_state_string ? vt->sub_state_string(u) : NULL;

        return s ? s : unit_sub_state_generic(u);
}

/* ---- logging ---------------------------------------------------------------------------------- */

void manager_log(Manager *m, int level, const char *fmt, ...) {
        char line[2048];
        va_list ap;
        int n;

        if (level > m->verbosity)
                return;
        n = snprintf(line, sizeof(line), "sdinit: ");
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof(line) - (size_t) n, fmt, ap);
        va_end(ap);
        if (m->log && m->log_own)
                m->log_own(m->log, line);
        else
                fprintf(stderr, "%s\n", line);
}

void spawn_child_log(MUnit *u, const char *fmt, ...) {
        char msg[512];
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(msg, sizeof(msg) - 1, fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        if ((size_t) n > sizeof(msg) - 2)
                n = (int) sizeof(msg) - 2;
        msg[n++] = '\n';
        (void) !write(u->out_wfd, msg, (size_t) n);
}

/* ---- small helpers ---------------------------------------------------------------------------- */

static int hex_value(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

bool munit_invocation_id_bytes(const MUnit *u, uint8_t ret[16]) {
        for (size_t i = 0; i < 16; i++) {
                int hi = hex_value(u->invocation_id[2 * i]), lo = hi >= 0 ? hex_value(u->invocation_id[2 * i + 1]) : -1;

                ret[i] = hi >= 0 && lo >= 0 ? (uint8_t) (hi << 4 | lo) : 0;
        }
        return u->invocation_id[0] != '\0';
}

void dual_timestamp_now(DualTimestamp *ts) {
        struct timespec a, b;

        clock_gettime(CLOCK_REALTIME, &a);
        clock_gettime(CLOCK_MONOTONIC, &b);
        ts->realtime = (uint64_t) a.tv_sec * 1000000 + (uint64_t) a.tv_nsec / 1000;
        ts->monotonic = (uint64_t) b.tv_sec * 1000000 + (uint64_t) b.tv_nsec / 1000;
}

/* "x@y.service": an instance (a template's is "x@.service"). */
bool unit_name_is_instance_of_template(const char *id) {
        const char *at = strchr(id, '@');
        return at && at[1] && at[1] != '.';
}

bool is_active_or_activating(const MUnit *u) {
        return u->active == STATE_ACTIVE || u->active == STATE_ACTIVATING || u->active == STATE_RELOADING;
}

void manager_dispatch_soon(Manager *m) {
        if (m->dispatch_pending)
                return;
        m->dispatch_pending = true;
        sd_event_source_set_enabled(m->defer_dispatch, SD_EVENT_ONESHOT);
}

/* Into the queue once (each unit holds one link); a waiting unit is looked at anyway. */
void gc_push(Manager *m, MUnit *u) {
        if (u->gc_doomed || u->in_gc_queue || u->gc_waiting)
                return;
        u->in_gc_queue = true;
        u->gc_next = m->gc_queue;
        m->gc_queue = u;
}

void manager_gc_enqueue(Manager *m, MUnit *u) {
        gc_push(m, u);
        if (m->defer_gc)
                sd_event_source_set_enabled(m->defer_gc, SD_EVENT_ONESHOT);
}

void manager_gc_enqueue_all(Manager *m) {
        for (size_t i = 0; i < m->n_units; i++)
                manager_gc_enqueue(m, m->units[i]);
}

bool has_dep(const MUnit *u, UnitDependency d, const MUnit *other) {
        for (size_t i = 0; i < munit_n_deps(u, d); i++)
                if (munit_deps(u, d)[i] == other)
                        return true;
        return false;
}

static int cmp_position(const void *a, const void *b) {
        const MUnit *x = *(MUnit *const *) a, *y = *(MUnit *const *) b;
        return (x->index_in_manager > y->index_in_manager) - (x->index_in_manager < y->index_in_manager);
}

void unit_set_collect(UnitSet *s, const MUnit *u, unsigned fwd, unsigned rev) {
        size_t total = 0, k = 0;

        s->v = s->buf;
        s->n = 0;
        for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                total += ((fwd >> d) & 1 ? munit_n_deps(u, d) : 0) + ((rev >> d) & 1 ? munit_n_rdeps(u, d) : 0);
        if (total > sizeof(s->buf) / sizeof(s->buf[0])) {
                s->v = malloc(total * sizeof(MUnit *));
                if (!s->v) {
                        manager_log(u->m, MLOG_ERR, "%s: out of memory walking its dependencies", u->id);
                        s->v = s->buf;
                        return;
                }
        }
        for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++) {
                for (size_t i = 0; (fwd >> d) & 1 && i < munit_n_deps(u, d); i++)
                        s->v[k++] = munit_deps(u, d)[i];
                for (size_t i = 0; (rev >> d) & 1 && i < munit_n_rdeps(u, d); i++)
                        s->v[k++] = munit_rdeps(u, d)[i];
        }
        qsort(s->v, k, sizeof(MUnit *), cmp_position);
        for (size_t i = 0; i < k; i++)
                if (s->n == 0 || s->v[s->n - 1] != s->v[i])
                        s->v[s->n++] = s->v[i];
}

void unit_set_done(UnitSet *s) {
        if (s->v != s->buf)
                free(s->v);
        s->v = NULL;
        s->n = 0;
}
