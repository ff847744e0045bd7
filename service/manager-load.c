/* SPDX-License-Identifier: MIT */
/* Loading units: their names into the index (manager-index.c), built-in standard targets, the
 * closure of what a unit names, the default and implicit dependencies, reverse edges,
 * daemon-reload. */
#include "service/exec-ns.h"
#include "service/manager-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/strv.h"
#include "service/cg-watch.h"
#include "service/journal.h"
#include "service/logrelay.h"
#include "units/unit-defaults.h"
#include "units/unit-directives.h"
#include "units/unit-type-info.h"

/* ---- built-in units --------------------------------------------------------------------------- */

/* The standard targets (systemd.special(7)) for images that do not ship systemd come from
 * unit_builtin_text() (units/unit-defaults.c), which `sdinit verify` uses too. */

/* Unit-file diagnostics go where sdinit's own messages go, as "file:line: message". "Not found"
 * is said by the job that needed the unit, if any. */
void manager_on_diag(const UnitDiag *d, void *userdata) {
        Manager *m = userdata;

        if (m->quiet_not_found && d->level == UNIT_DIAG_ERROR && !d->file)
                return;
        if (d->file && d->line)
                manager_log(m, d->level == UNIT_DIAG_ERROR ? MLOG_ERR : MLOG_WARN, "%s:%u: %s", d->file, d->line, d->message);
        else if (d->file)
                manager_log(m, d->level == UNIT_DIAG_ERROR ? MLOG_ERR : MLOG_WARN, "%s: %s", d->file, d->message);
        else
                manager_log(m, d->level == UNIT_DIAG_ERROR ? MLOG_ERR : MLOG_WARN, "%s", d->message);
}

static int load_builtin(Manager *m, const char *name, Unit **ret) {
        UnitDiagSink diag = { manager_on_diag, m };
        const char *text = unit_builtin_text(name);
        char path[128];
        Unit *u;
        int r;

        if (!text)
                return 0;
        r = unit_new(name, unit_registry_get_host(m->registry), &u);
        if (r < 0)
                return r;
        snprintf(path, sizeof(path), "sdinit-builtin:%s", name);
        r = unit_load_fragment_buffer(u, path, text, strlen(text), false, &diag);
        if (r < 0) {
                unit_free(u);
                return r;
        }
        u->load_state = UNIT_LOADED;
        *ret = u;
        return 1;
}

/* ---- loading ---------------------------------------------------------------------------------- */

static int add_unit(Manager *m, Unit *u, const char *id, MUnit **ret) {
        MUnit *mu;

        if (m->n_units == m->cap_units) {
                size_t cap = m->cap_units ? m->cap_units * 2 : 64;
                MUnit **nu = realloc(m->units, cap * sizeof(*nu));
                if (!nu)
                        return -ENOMEM;
                m->units = nu;
                m->cap_units = cap;
        }
        mu = calloc(1, sizeof(*mu));
        if (!mu)
                return -ENOMEM;
        mu->m = m;
        mu->u = u;
        mu->id = strdup(id);
        mu->out_fd = mu->out_wfd = mu->cg_wd[0] = mu->cg_wd[1] = mu->accept_fd = -1;
        mu->main_pidfd = -1;
        mu->result = RESULT_SUCCESS;
        {
                DualTimestamp now;
                dual_timestamp_now(&now);
                mu->load_realtime = now.realtime;
        }
        if (!mu->id) {
                free(mu);
                return -ENOMEM;
        }
        mu->index_in_manager = m->n_units;
        m->units[m->n_units++] = mu;
        index_put_slot(manager_index(m), mu->id, m->n_units - 1, false);
        /* A unit loaded only to be looked at (systemctl status x, a query after its job) goes
         * again at the next idle moment unless something uses it (systemd's GC queue). */
        manager_gc_enqueue(m, mu);
        if (m->hooks && m->hooks->unit_new)
                m->hooks->unit_new(m->hooks_userdata, mu);
        for (size_t i = 0; u && u->names && u->names[i]; i++)
                index_put(manager_index(m), u->names[i], m->n_units - 1);
        *ret = mu;
        return 0;
}

static int munit_add_dep(MUnit *u, UnitDependency d, MUnit *other) {
        if (u == other)
                return 0;
        return munit_edge_add(u, (unsigned) d, other);
}

static int load_one(Manager *m, const char *name, MUnit **ret) {
        MUnit *mu = index_get(m, name);
        Unit *u = NULL;
        char *cpus = NULL;
        int r;

        if (mu) {
                *ret = mu;
                return 0;
        }
        /* A missing unit is reported when a job needs it, not when something merely names it
         * (After=tmp.mount in basic.target is fine without a tmp.mount). */
        m->quiet_not_found = true;
        r = unit_load(m->registry, name, &u);
        m->quiet_not_found = false;
        if (r < 0)
                return r;
        /* An alias (a symlink, Alias=) of a unit already loaded is that unit, never a second one. */
        if (u->id && strcmp(u->id, name) != 0 && (mu = index_get(m, u->id))) {
                for (size_t i = 0; i < m->n_units; i++)
                        if (m->units[i] == mu)
                                index_put(manager_index(m), name, i);
                unit_free(u);
                *ret = mu;
                return 0;
        }
        if (u->load_state == UNIT_NOT_FOUND) {
                Unit *b = NULL;
                if (strcmp(name, "default.target") == 0) {
                        /* No default.target: multi-user.target, as systemd's own default. */
                        MUnit *mut;
                        unit_free(u);
                        r = load_one(m, "multi-user.target", &mut);
                        if (r < 0)
                                return r;
                        for (size_t i = 0; i < m->n_units; i++)
                                if (m->units[i] == mut)
                                        index_put(manager_index(m), "default.target", i);
                        *ret = mut;
                        return 0;
                }
                r = load_builtin(m, name, &b);
                if (r < 0) {
                        unit_free(u);
                        return r;
                }
                if (r > 0) {
                        unit_free(u);
                        u = b;
                }
        } else if (u->load_state == UNIT_LOADED) {
                UnitDiagSink diag = { manager_on_diag, m };
                unit_verify(u, &diag);
        }
        /* AllowedCPUs= is kept as validated words by the unit model: take it before the
         * book-keeping goes (the service type applies it to its cgroup). */
        {
                int i = u->settings ? UD_CGROUP_ALLOWED_CPUS : -1;
                char *const *raw = i >= 0 ? u->settings[i].raw : NULL;
                if (raw && raw[0]) {
                        size_t len = 0;
                        for (size_t k = 0; raw[k]; k++)
                                len += strlen(raw[k]) + 1;
                        cpus = calloc(1, len + 1);
                        for (size_t k = 0; cpus && raw[k]; k++) {
                                if (k)
                                        strcat(cpus, ",");
                                strcat(cpus, raw[k]);
                        }
                }
        }
        /* The manager only asks "was it set?": drop the per-directive file:line book-keeping
         * (12 kB a unit, most of PID 1's memory on a large boot). */
        unit_compact(u);
        r = add_unit(m, u, u->id ? u->id : name, ret);
        if (r >= 0)
                (*ret)->allowed_cpus = cpus;
        else
                free(cpus);
        return r;
}

static const Unit *implicit_lookup(const char *name, void *userdata) {
        MUnit *x;

        return load_one(userdata, name, &x) >= 0 ? x->u : NULL;
}

/* systemd.unit(5) "Default Dependencies" and the trigger ones, as units/ computes them
 * (unit_implicit_deps(), the tested copy; `sdinit show` prints the same). */
static int add_default_dependencies(Manager *m, MUnit *u) {
        UnitImplicitDeps d = {};
        MUnit *x;
        int r;

        if (!u->u || u->u->load_state != UNIT_LOADED)
                return 0;
        r = unit_implicit_deps(u->u, UNIT_IMPLICIT_DEFAULT | UNIT_IMPLICIT_TRIGGER, implicit_lookup, m, &d);
        for (int k = 0; r >= 0 && k < _UNIT_DEPENDENCY_MAX; k++)
                for (char **n = d.deps[k]; r >= 0 && n && *n; n++)
                        if ((r = load_one(m, *n, &x)) >= 0)
                                r = munit_add_dep(u, (UnitDependency) k, x);
        unit_implicit_deps_done(&d);
        if (r < 0 || !unit_socket(u->u) || u->u->socket.accept <= 0)
                return r;
        /* Accept=yes (only sockets have it): no fixed unit to trigger (systemd shows none);
         * socket.c finds the template its instances are made of through this edge. */
        {
                char name[UNIT_NAME_MAX + 16];
                const char *svc = u->u->socket.service, *dot = strrchr(u->id, '.');

                if (!svc) {
                        snprintf(name, sizeof(name), "%.*s@.service", (int) (dot - u->id), u->id);
                        svc = name;
                }
                if ((r = load_one(m, svc, &x)) < 0)
                        return r;
                munit_add_dep(u, UNIT_BEFORE, x);
                return munit_add_dep(u, UNIT_TRIGGERS, x);
        }
}

static int link_units(Manager *m, size_t first_new);

/* Loads `name` and the closure of everything referenced, then links names into edges. */
int manager_load_unit(Manager *m, const char *name, MUnit **ret) {
        size_t first_new = m->n_units;
        MUnit *root;
        int r;

        /* One listing of each search directory for the whole closure (unit-registry.h). */
        unit_registry_batch_begin(m->registry);
        r = load_one(m, name, &root);
        if (r >= 0)
                r = link_units(m, first_new);
        unit_registry_batch_end(m->registry);
        if (r < 0)
                return r;
        *ret = root;
        return 0;
}

/* Edges of the units from first_new on (and of those they load), then the reverse edges. */
static int link_units(Manager *m, size_t first_new) {
        int r;

        /* Breadth-first over newly loaded units (the array grows while we walk it). */
        for (size_t i = first_new; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                if (!u->u)
                        continue;
                for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                        for (size_t k = 0; u->u->unit.deps[d] && u->u->unit.deps[d][k]; k++) {
                                MUnit *x;
                                r = load_one(m, u->u->unit.deps[d][k], &x);
                                if (r == -EINVAL) {
                                        manager_log(m, MLOG_WARN, "%s: invalid unit name '%s' in %s=, ignoring",
                                                    u->id, u->u->unit.deps[d][k], unit_dependency_to_string(d));
                                        continue;
                                }
                                if (r < 0)
                                        return r;
                                munit_add_dep(u, (UnitDependency) d, x);
                        }
        }
        for (size_t i = first_new; i < m->n_units; i++) {
                r = add_default_dependencies(m, m->units[i]);
                if (r < 0)
                        return r;
        }
        /* Units loaded by the default dependencies get theirs too (a short fixed point). */
        for (size_t i = first_new; i < m->n_units; i++)
                if (m->units[i]->u && m->units[i]->u->load_state == UNIT_LOADED && munit_n_deps(m->units[i], UNIT_CONFLICTS) == 0)
                        add_default_dependencies(m, m->units[i]);

        /* Reverse edges for everyone, in the manager's order of units: what the job code and the
         * trigger units' hooks, called at every state change, walk instead of scanning every
         * unit. Each forward edge is there once, so each reverse edge is too. */
        for (size_t i = 0; i < m->n_units; i++) {
                m->units[i]->index_in_manager = i;
                munit_edges_drop(m->units[i], MUNIT_RDEPS, _MUNIT_EDGE_MAX);
        }
        /* What each unit receives (edges, and a tag per kind), counted first: each unit's array
         * then grows once, to its size, not by steps that leave freed copies behind in the heap. */
        {
                uint32_t *need = calloc(m->n_units, sizeof(uint32_t));
                uint64_t *kinds = calloc(m->n_units, sizeof(uint64_t));

                for (size_t i = 0; need && kinds && i < m->n_units; i++) {
                        MUnit *u = m->units[i];
                        for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                                for (size_t k = 0; k < munit_n_deps(u, d); k++) {
                                        size_t j = munit_deps(u, d)[k]->index_in_manager;
                                        need[j]++;
                                        kinds[j] |= UINT64_C(1) << (MUNIT_RDEPS + d);
                                        if (d == UNIT_AFTER || d == UNIT_BEFORE) {
                                                /* an after_me and a before_me entry, one here, one there */
                                                need[j]++;
                                                kinds[j] |= UINT64_C(1) << (d == UNIT_AFTER ? MUNIT_AFTER_ME : MUNIT_BEFORE_ME);
                                                need[i]++;
                                                kinds[i] |= UINT64_C(1) << (d == UNIT_AFTER ? MUNIT_BEFORE_ME : MUNIT_AFTER_ME);
                                        }
                                }
                }
                for (size_t i = 0; need && kinds && i < m->n_units; i++)
                        if ((r = munit_edges_size(m->units[i], need[i] + (uint32_t) __builtin_popcountll(kinds[i]))) < 0) {
                                free(need);
                                free(kinds);
                                return r;
                        }
                free(need);
                free(kinds);
        }
        /* One kind at a time, so that every append goes to the last run of its unit's edges. */
        for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                for (size_t i = 0; i < m->n_units; i++) {
                        MUnit *u = m->units[i];
                        for (size_t k = 0; k < munit_n_deps(u, d); k++)
                                if ((r = munit_edge_push(munit_deps(u, d)[k], MUNIT_RDEPS + d, u)) < 0)
                                        return r;
                }
        /* u After= x: u is after x; u Before= x: x is after u. A pair given both ways is there
         * twice, which the walks over these do not mind. */
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                for (size_t k = 0; k < munit_n_deps(u, UNIT_AFTER); k++)
                        if ((r = munit_edge_push(munit_deps(u, UNIT_AFTER)[k], MUNIT_AFTER_ME, u)) < 0)
                                return r;
                for (size_t k = 0; k < munit_n_deps(u, UNIT_BEFORE); k++)
                        if ((r = munit_edge_push(u, MUNIT_AFTER_ME, munit_deps(u, UNIT_BEFORE)[k])) < 0)
                                return r;
        }
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                for (size_t k = 0; k < munit_n_deps(u, UNIT_AFTER); k++)
                        if ((r = munit_edge_push(u, MUNIT_BEFORE_ME, munit_deps(u, UNIT_AFTER)[k])) < 0)
                                return r;
                for (size_t k = 0; k < munit_n_deps(u, UNIT_BEFORE); k++)
                        if ((r = munit_edge_push(munit_deps(u, UNIT_BEFORE)[k], MUNIT_BEFORE_ME, u)) < 0)
                                return r;
        }
        for (size_t i = 0; i < m->n_units; i++)
                munit_edges_trim(m->units[i]);
        return 0;
}

/* ---- daemon-reload ---------------------------------------------------------------------------- */

int manager_registry_create(Manager *m, UnitRegistry **ret) {
        UnitDiagSink diag = { manager_on_diag, m };

        return unit_registry_new_from_env(m->root, &diag, ret);
}

/* Whether the unit's running control process uses a command list of `old`. */
/* Whether the unit's command list points into `old` (control_list is a member of a Unit). */
static bool uses_unit(const MUnit *mu, const Unit *old) {
        const char *p = (const char *) mu->control_list;

        return p && p >= (const char *) old && p < (const char *) (old + 1);
}

/* Frees old (a unit mu had before a reload) unless its running control process still uses it;
 * returns false when it was kept. */
static bool free_old_unit(MUnit *mu, Unit *old) {
        if (uses_unit(mu, old)) {
                if (mu->control_pid > 0)
                        return false;
                mu->control_list = NULL;
        }
        unit_free(old);
        return true;
}

/* Retires the unit mu had before a reload: freed now, or kept until its command is done. */
static void retire_unit(Manager *m, MUnit *mu, Unit *old) {
        struct Grave *g;

        if (!old || free_old_unit(mu, old))
                return;
        g = realloc(m->graveyard, (m->n_graveyard + 1) * sizeof(*g));
        if (!g)
                return; /* out of memory: keep it, unreferenced, rather than free what runs */
        m->graveyard = g;
        g[m->n_graveyard++] = (struct Grave) { mu, old };
}

int manager_reload(Manager *m) {
        UnitDiagSink diag = { manager_on_diag, m };
        UnitRegistry *reg, *old_reg;
        size_t n = m->n_units;
        int r;

        if (m->hooks && m->hooks->reloading)
                m->hooks->reloading(m->hooks_userdata, true);
        m->cg.tasks_max_base = 0; /* DefaultTasksMax='s base is read again at the next start */
        /* Units an earlier reload replaced whose commands are done now go. */
        for (size_t i = 0; i < m->n_graveyard;)
                if (free_old_unit(m->graveyard[i].owner, m->graveyard[i].unit))
                        m->graveyard[i] = m->graveyard[--m->n_graveyard];
                else
                        i++;
        r = manager_registry_create(m, &reg);
        if (r < 0)
                goto finish;
        /* A loaded unit needs its registry only while it is parsed: the old one goes below. */
        old_reg = m->registry;
        m->registry = reg;
        m->quiet_not_found = true;
        unit_registry_batch_begin(reg); /* one listing of each search directory (unit-registry.h) */
        for (size_t i = 0; i < n; i++) {
                MUnit *mu = m->units[i];
                Unit *nu = NULL;
                mu->file_state_cache = 0; /* systemd's units are new after a reload: asked again */
                mu->file_preset_cache = 0;
                if (mu->u && mu->u->fragment_path && strncmp(mu->u->fragment_path, "sdinit-builtin:", 15) == 0)
                        continue;
                if (unit_load(reg, mu->id, &nu) < 0)
                        continue;
                if (nu->load_state == UNIT_NOT_FOUND) {
                        Unit *b = NULL;
                        if (load_builtin(m, mu->id, &b) > 0) {
                                unit_free(nu);
                                nu = b;
                        }
                } else if (nu->load_state == UNIT_LOADED)
                        unit_verify(nu, &diag);
                /* A unit that runs keeps the definition it runs with when its file is gone or
                 * broken now, so that it can still be stopped as what it is (systemd keeps it
                 * loaded as well). */
                if (nu->load_state != UNIT_LOADED && nu->load_state != UNIT_MASKED && mu->u &&
                    mu->u->load_state == UNIT_LOADED && mu->active != STATE_INACTIVE && mu->active != STATE_FAILED) {
                        manager_log(m, MLOG_WARN, "%s: its unit file is gone or broken; it keeps running as loaded before", mu->id);
                        unit_free(nu);
                        continue;
                }
                unit_compact(nu);
                retire_unit(m, mu, mu->u);
                mu->u = nu;
                for (size_t k = 0; nu->names && nu->names[k]; k++)
                        index_put(manager_index(m), nu->names[k], i); /* aliases added since */
                {
                        DualTimestamp now;
                        dual_timestamp_now(&now);
                        mu->load_realtime = now.realtime;
                }
        }
        m->quiet_not_found = false;
        unit_registry_free(old_reg);
        for (size_t i = 0; i < n; i++) {
                MUnit *mu = m->units[i];
                munit_edges_free(mu);
        }
        r = link_units(m, 0);
        unit_registry_batch_end(reg);
        for (size_t i = 0; i < m->n_units; i++) {
                const UnitVTable *vt = munit_vtable(m->units[i]);
                if (vt->config_reloaded)
                        vt->config_reloaded(m->units[i]);
        }
        /* The edges are new (and old definitions went): any unit may have lost a reference. */
        manager_gc_enqueue_all(m);
finish:
        if (m->hooks && m->hooks->reloading)
                m->hooks->reloading(m->hooks_userdata, false);
        manager_dispatch_soon(m);
        return r;
}

/* ---- freeing ---------------------------------------------------------------------------------- */

/* Frees a unit's runtime side and its loaded unit; the caller has unlinked it. */
void munit_destroy(Manager *m, MUnit *u) {
        const UnitVTable *vt = munit_vtable(u);

        manager_runq_forget(m);
        manager_pid_index_forget(u);
        logrelay_detach(m->log, u);
        if (vt->done)
                vt->done(u);
        if (u->accept_fd >= 0)
                close(u->accept_fd);
        if (u->out_wfd >= 0)
                close(u->out_wfd);
        sd_event_source_unref(u->timer);
        sd_event_source_unref(u->watchdog);
        cg_unwatch_unit(u);
        if (u->main_pidfd >= 0)
                close(u->main_pidfd);
        if (u->strays) {
                for (unsigned i = 0; i < u->strays->n; i++)
                        close(u->strays->pidfd[i]);
                free(u->strays);
        }
        free(u->cgroup);
        munit_edges_free(u);
        free(u->start_times);
        free(u->status_text);
        free(u->linebuf);
        free(u->allowed_cpus);
        exec_ns_release(u, true);
        unit_free(u->u);
        free(u->id);
        free(u);
}
