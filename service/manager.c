/* SPDX-License-Identifier: MIT */
/* The service manager's core: loading, the dependency graph, jobs, the event loop, SIGCHLD and
 * the notify socket. The per-type state machines live in service.c; see manager.h for the model. */
#include "service/manager.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/env.h"
#include "handoff/handoff.h"
#include "common/strv.h"
#include "service/logrelay.h"
#include "service/notify.h"
#include "service/service.h"
#include "service/shutdown.h"
#include "service/socket.h"
#include "service/path.h"
#include "service/timer.h"
#include "service/busname.h"
#include "units/unit-defaults.h"
#include "units/unit-directives.h"
#include "units/unit-generators.h"

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

const char *munit_sub_state_string(const MUnit *u) {
        UnitType t = u->u ? u->u->type : _UNIT_TYPE_INVALID;

        if (t == UNIT_SERVICE || t == _UNIT_TYPE_INVALID)
                return sub_state_to_string(u->sub);
        if (t == UNIT_SOCKET && u->sub == SUB_RUNNING) {
                /* systemd's SOCKET_RUNNING: an Accept=no socket whose service runs. */
                const MUnit *svc = u->u->socket.accept > 0 ? NULL : trigger_target(u);
                return svc && svc->u && svc->u->type == UNIT_SERVICE && svc->sub == SUB_RUNNING ? "running" : "listening";
        }
        if (t == UNIT_MOUNT && u->sub == SUB_RUNNING)
                return "mounted";
        if (t == UNIT_DEVICE && u->sub == SUB_RUNNING)
                return "plugged";
        if ((t == UNIT_TIMER || t == UNIT_PATH) && u->sub == SUB_RUNNING)
                return "waiting";
        if ((t == UNIT_TIMER || t == UNIT_PATH) && u->sub == SUB_START)
                return "running"; /* the unit it triggered runs */
        if (t == UNIT_TIMER && u->sub == SUB_EXITED)
                return "elapsed";
        if (u->sub == SUB_RUNNING || u->sub == SUB_EXITED)
                return "active";
        if (u->sub == SUB_DEAD || u->sub == SUB_FAILED)
                return u->sub == SUB_FAILED ? "failed" : "dead";
        return sub_state_to_string(u->sub);
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
        if (m->log)
                logrelay_own(m->log, line);
        else
                fprintf(stderr, "%s\n", line);
}

/* systemd's console status lines: "[  OK  ] Started nginx.service - nginx web server." */
void manager_status(Manager *m, const char *tag, MUnit *u, const char *what) {
        char line[1024];
        const char *desc = u->u && u->u->unit.description ? u->u->unit.description : NULL;

        if (!m->show_status)
                return;
        if (tag)
                snprintf(line, sizeof(line), "[%s] %s %s%s%s.", tag, what, u->id, desc ? " - " : "", desc ? desc : "");
        else
                snprintf(line, sizeof(line), "         %s %s%s%s...", what, u->id, desc ? " - " : "", desc ? desc : "");
        if (m->log)
                logrelay_own(m->log, line);
        else
                printf("%s\n", line);
}

/* ---- the unit index --------------------------------------------------------------------------- */

static size_t hash_name(const char *s) {
        size_t h = 1469598103934665603ULL;
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 1099511628211ULL;
        return h;
}

/* Each name (id and aliases) maps to one unit. The index stores (unit index + 1) and the name. */
struct name_slot {
        char *name;
        size_t unit;
};

typedef struct Index {
        struct name_slot *slots;
        size_t cap, used;
} Index;

static Index *manager_index(Manager *m) {
        return m->index;
}

static int index_grow(Index *ix) {
        size_t cap = ix->cap ? ix->cap * 2 : 256;
        struct name_slot *ns = calloc(cap, sizeof(*ns));
        if (!ns)
                return -ENOMEM;
        for (size_t i = 0; i < ix->cap; i++) {
                size_t h;
                if (!ix->slots[i].name)
                        continue;
                h = hash_name(ix->slots[i].name) & (cap - 1);
                while (ns[h].name)
                        h = (h + 1) & (cap - 1);
                ns[h] = ix->slots[i];
        }
        free(ix->slots);
        ix->slots = ns;
        ix->cap = cap;
        return 0;
}

static int index_put(Index *ix, const char *name, size_t unit) {
        size_t h;

        if ((ix->used + 1) * 2 > ix->cap && index_grow(ix) < 0)
                return -ENOMEM;
        h = hash_name(name) & (ix->cap - 1);
        while (ix->slots[h].name) {
                if (strcmp(ix->slots[h].name, name) == 0)
                        return 0; /* first owner wins (an alias claimed twice) */
                h = (h + 1) & (ix->cap - 1);
        }
        /* The index owns its names: a unit's strings go with it on daemon-reload. */
        ix->slots[h].name = strdup(name);
        if (!ix->slots[h].name)
                return -ENOMEM;
        ix->slots[h].unit = unit;
        ix->used++;
        return 0;
}

static MUnit *index_get(Manager *m, const char *name) {
        Index *ix = manager_index(m);
        size_t h;

        if (!ix->cap)
                return NULL;
        h = hash_name(name) & (ix->cap - 1);
        while (ix->slots[h].name) {
                if (strcmp(ix->slots[h].name, name) == 0)
                        return m->units[ix->slots[h].unit];
                h = (h + 1) & (ix->cap - 1);
        }
        return NULL;
}

MUnit *manager_get_unit(Manager *m, const char *name) {
        return index_get(m, name);
}

/* ---- built-in units --------------------------------------------------------------------------- */

/* The standard targets (systemd.special(7)) for images that do not ship systemd come from
 * unit_builtin_text() (units/unit-defaults.c), which `sdinit verify` uses too. */

/* Unit-file diagnostics go where sdinit's own messages go, as "file:line: message". "Not found"
 * is said by the job that needed the unit, if any. */
static void on_diag(const UnitDiag *d, void *userdata) {
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
        UnitDiagSink diag = { on_diag, m };
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

/* "x@y.service": an instance (a template's is "x@.service"). */
static bool unit_name_is_instance_of_template(const char *id) {
        const char *at = strchr(id, '@');
        return at && at[1] && at[1] != '.';
}

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
        mu->out_fd = mu->out_wfd = mu->cg_watch_fd = mu->accept_fd = -1;
        mu->main_pidfd = -1;
        mu->result = "success";
        {
                DualTimestamp now;
                dual_timestamp_now(&now);
                mu->load_realtime = now.realtime;
        }
        if (!mu->id) {
                free(mu);
                return -ENOMEM;
        }
        m->units[m->n_units++] = mu;
        index_put(manager_index(m), mu->id, m->n_units - 1);
        /* An instance loaded only to be looked at (systemctl status x@y, a query after its job)
         * goes again at the next idle moment unless something uses it (systemd's GC queue). */
        if (m->defer_gc && unit_name_is_instance_of_template(mu->id))
                sd_event_source_set_enabled(m->defer_gc, SD_EVENT_ONESHOT);
        if (m->hooks && m->hooks->unit_new)
                m->hooks->unit_new(m->hooks_userdata, mu);
        for (size_t i = 0; u && u->names && u->names[i]; i++)
                index_put(manager_index(m), u->names[i], m->n_units - 1);
        *ret = mu;
        return 0;
}

static int add_edge(MUnit ***v, size_t *n, MUnit *x) {
        MUnit **nv;

        for (size_t i = 0; i < *n; i++)
                if ((*v)[i] == x)
                        return 0;
        nv = realloc(*v, (*n + 1) * sizeof(MUnit *));
        if (!nv)
                return -ENOMEM;
        nv[(*n)++] = x;
        *v = nv;
        return 0;
}

static int munit_add_dep(MUnit *u, UnitDependency d, MUnit *other) {
        if (u == other)
                return 0;
        return add_edge(&u->deps[d], &u->n_deps[d], other);
}

static bool has_dep(MUnit *u, UnitDependency d, MUnit *other) {
        for (size_t i = 0; i < u->n_deps[d]; i++)
                if (u->deps[d][i] == other)
                        return true;
        return false;
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
                UnitDiagSink diag = { on_diag, m };
                unit_verify(u, &diag);
        }
        /* AllowedCPUs= is kept as validated words by the unit model: take it before the
         * book-keeping goes. */
        {
                int i = u->settings ? unit_directive_lookup(u->type, "Service", "AllowedCPUs") : -1;
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

static bool type_gets_shutdown_conflict(UnitType t) {
        return t == UNIT_SERVICE || t == UNIT_SOCKET || t == UNIT_TARGET || t == UNIT_TIMER || t == UNIT_PATH;
}

/* systemd.unit(5) "Default Dependencies" and the per-type implicit ones. */
static int add_default_dependencies(Manager *m, MUnit *u) {
        UnitType t;
        MUnit *x;
        int r;

        if (!u->u || u->u->load_state != UNIT_LOADED)
                return 0;
        t = u->u->type;
        if (u->u->unit.default_dependencies == 0)
                goto implicit;

        if (t == UNIT_SERVICE || t == UNIT_SOCKET || t == UNIT_TIMER || t == UNIT_PATH) {
                if ((r = load_one(m, "sysinit.target", &x)) < 0)
                        return r;
                munit_add_dep(u, UNIT_REQUIRES, x);
                munit_add_dep(u, UNIT_AFTER, x);
        }
        if (t == UNIT_SERVICE) {
                if ((r = load_one(m, "basic.target", &x)) < 0)
                        return r;
                munit_add_dep(u, UNIT_AFTER, x);
        }
        if (t == UNIT_SOCKET || t == UNIT_TIMER || t == UNIT_PATH) {
                const char *tgt = t == UNIT_SOCKET ? "sockets.target" : t == UNIT_TIMER ? "timers.target" : "paths.target";
                if ((r = load_one(m, tgt, &x)) < 0)
                        return r;
                munit_add_dep(u, UNIT_BEFORE, x);
        }
        if (t == UNIT_TARGET) {
                /* After= everything it pulls in, unless that unit opted out of default deps. */
                static const UnitDependency pulls[] = { UNIT_WANTS, UNIT_REQUIRES, UNIT_REQUISITE, UNIT_BINDS_TO };
                for (size_t k = 0; k < 4; k++)
                        for (size_t i = 0; i < u->n_deps[pulls[k]]; i++) {
                                MUnit *d = u->deps[pulls[k]][i];
                                if (d->u && d->u->unit.default_dependencies == 0)
                                        continue;
                                if (!has_dep(u, UNIT_BEFORE, d) && !has_dep(d, UNIT_AFTER, u))
                                        munit_add_dep(u, UNIT_AFTER, d);
                        }
        }
        if (type_gets_shutdown_conflict(t) && strcmp(u->id, "shutdown.target") != 0) {
                if ((r = load_one(m, "shutdown.target", &x)) < 0)
                        return r;
                munit_add_dep(u, UNIT_CONFLICTS, x);
                munit_add_dep(u, UNIT_BEFORE, x);
        }

implicit:
        /* A socket activates the service of the same name (or Service=) and is ordered before it. */
        if (t == UNIT_SOCKET) {
                char name[UNIT_NAME_MAX + 16];
                const char *svc = u->u->socket.service;
                if (!svc) {
                        const char *dot = strrchr(u->id, '.');
                        snprintf(name, sizeof(name), "%.*s%s.service", (int) (dot - u->id), u->id,
                                 u->u->socket.accept > 0 ? "@" : "");
                        svc = name;
                }
                if ((r = load_one(m, svc, &x)) < 0)
                        return r;
                munit_add_dep(u, UNIT_BEFORE, x);
                munit_add_dep(u, UNIT_TRIGGERS, x);
        }
        /* Timers and paths: Unit= or the service of the same name (timer.c, path.c). */
        if (t == UNIT_TIMER || t == UNIT_PATH) {
                char name[UNIT_NAME_MAX + 16];
                const char *tu = t == UNIT_TIMER ? u->u->timer.unit : u->u->path.unit;
                if (!tu) {
                        const char *dot = strrchr(u->id, '.');
                        snprintf(name, sizeof(name), "%.*s.service", (int) (dot - u->id), u->id);
                        tu = name;
                }
                if ((r = load_one(m, tu, &x)) < 0)
                        return r;
                munit_add_dep(u, UNIT_BEFORE, x);
                munit_add_dep(u, UNIT_TRIGGERS, x);
        }
        return 0;
}

static int link_units(Manager *m, size_t first_new);

/* Loads `name` and the closure of everything referenced, then links names into edges. */
int manager_load_unit(Manager *m, const char *name, MUnit **ret) {
        size_t first_new = m->n_units;
        MUnit *root;
        int r;

        r = load_one(m, name, &root);
        if (r < 0)
                return r;
        r = link_units(m, first_new);
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
                if (m->units[i]->u && m->units[i]->u->load_state == UNIT_LOADED && m->units[i]->n_deps[UNIT_CONFLICTS] == 0)
                        add_default_dependencies(m, m->units[i]);

        /* Reverse ordering and trigger edges for everyone (cheap, and keeps the job code and the
         * trigger units' hooks, called at every state change, free of scans of all units). */
        for (size_t i = 0; i < m->n_units; i++) {
                free(m->units[i]->after_me);
                m->units[i]->after_me = NULL;
                m->units[i]->n_after_me = 0;
                free(m->units[i]->triggered_by);
                m->units[i]->triggered_by = NULL;
                m->units[i]->n_triggered_by = 0;
                free(m->units[i]->bound_by);
                m->units[i]->bound_by = NULL;
                m->units[i]->n_bound_by = 0;
        }
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                for (size_t k = 0; k < u->n_deps[UNIT_AFTER]; k++)
                        add_edge(&u->deps[UNIT_AFTER][k]->after_me, &u->deps[UNIT_AFTER][k]->n_after_me, u);
                for (size_t k = 0; k < u->n_deps[UNIT_BEFORE]; k++)
                        add_edge(&u->after_me, &u->n_after_me, u->deps[UNIT_BEFORE][k]);
                for (size_t k = 0; k < u->n_deps[UNIT_TRIGGERS]; k++)
                        add_edge(&u->deps[UNIT_TRIGGERS][k]->triggered_by, &u->deps[UNIT_TRIGGERS][k]->n_triggered_by, u);
                for (size_t k = 0; k < u->n_deps[UNIT_BINDS_TO]; k++)
                        add_edge(&u->deps[UNIT_BINDS_TO][k]->bound_by, &u->deps[UNIT_BINDS_TO][k]->n_bound_by, u);
        }
        return 0;
}

static int registry_create(Manager *m, UnitRegistry **ret);

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
        UnitDiagSink diag = { on_diag, m };
        UnitRegistry *reg, *old_reg;
        size_t n = m->n_units;
        int r;

        if (m->hooks && m->hooks->reloading)
                m->hooks->reloading(m->hooks_userdata, true);
        /* Units an earlier reload replaced whose commands are done now go. */
        for (size_t i = 0; i < m->n_graveyard;)
                if (free_old_unit(m->graveyard[i].owner, m->graveyard[i].unit))
                        m->graveyard[i] = m->graveyard[--m->n_graveyard];
                else
                        i++;
        r = registry_create(m, &reg);
        if (r < 0)
                goto finish;
        /* A loaded unit needs its registry only while it is parsed: the old one goes below. */
        old_reg = m->registry;
        m->registry = reg;
        m->quiet_not_found = true;
        for (size_t i = 0; i < n; i++) {
                MUnit *mu = m->units[i];
                Unit *nu = NULL;
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
                for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++) {
                        free(mu->deps[d]);
                        mu->deps[d] = NULL;
                        mu->n_deps[d] = 0;
                }
        }
        r = link_units(m, 0);
        for (size_t i = 0; i < m->n_units; i++) {
                timer_reload(m->units[i]);
                path_reload(m->units[i]);
        }
finish:
        if (m->hooks && m->hooks->reloading)
                m->hooks->reloading(m->hooks_userdata, false);
        manager_dispatch_soon(m);
        return r;
}

/* ---- ordering helpers ------------------------------------------------------------------------- */

/* Calls fn for every unit that `u` is ordered after (u After= x, or x Before= u). */
#define FOREACH_BEFORE(u, x, body)                                                                 \
        do {                                                                                       \
                for (size_t _i = 0; _i < (u)->n_deps[UNIT_AFTER]; _i++) {                          \
                        MUnit *x = (u)->deps[UNIT_AFTER][_i];                                      \
                        body;                                                                      \
                }                                                                                  \
                for (size_t _j = 0; _j < (u)->m->n_units; _j++) {                                  \
                        MUnit *x = (u)->m->units[_j];                                              \
                        if (!has_dep(x, UNIT_BEFORE, (u)))                                         \
                                continue;                                                          \
                        body;                                                                      \
                }                                                                                  \
        } while (0)

static bool ordered_after(MUnit *u, MUnit *x) {
        return has_dep(u, UNIT_AFTER, x) || has_dep(x, UNIT_BEFORE, u);
}

/* ---- jobs ------------------------------------------------------------------------------------- */

static bool is_active_or_activating(MUnit *u) {
        return u->active == STATE_ACTIVE || u->active == STATE_ACTIVATING || u->active == STATE_RELOADING;
}

uint32_t manager_new_job_id(Manager *m) {
        if (++m->last_job_id == 0)
                m->last_job_id = 1;
        return m->last_job_id;
}

static void fail_inactive_start_dependents(MUnit *u);
static void deps_recheck(MUnit *u);
static void job_finish(MUnit *u, const char *result);

/* Every job change goes through these two, so that the observers see each job begin and end. */
static void job_install(MUnit *u, JobType t) {
        Manager *m = u->m;

        if (u->job != JOB_NONE && u->job != t)
                manager_job_done(u, "canceled"); /* replaced by a different job */
        if (u->job == JOB_NONE) {
                u->job_id = manager_new_job_id(m);
                u->job = t;
                u->job_running = false;
                u->job_ignore_deps = false;
                if (m->hooks && m->hooks->job_new)
                        m->hooks->job_new(m->hooks_userdata, u);
        }
}

void manager_job_done(MUnit *u, const char *result) {
        Manager *m = u->m;
        uint32_t id = u->job_id;
        JobType t = u->job;

        if (t == JOB_NONE)
                return;
        u->job = JOB_NONE;
        u->job_running = false;
        u->job_id = 0;
        if (m->hooks && m->hooks->job_removed)
                m->hooks->job_removed(m->hooks_userdata, id, u, t, result);
        if (m->defer_gc && (u->active == STATE_INACTIVE || u->active == STATE_FAILED) &&
            unit_name_is_instance_of_template(u->id))
                sd_event_source_set_enabled(m->defer_gc, SD_EVENT_ONESHOT);
        if (u == m->boot_target && t == JOB_START && !m->ts_finish.monotonic) {
                dual_timestamp_now(&m->ts_finish);
                if (m->hooks && m->hooks->startup_finished)
                        m->hooks->startup_finished(m->hooks_userdata);
        }
        /* A start that ended without a state change (refused, a failed dependency): timers and
         * paths waiting for this unit go back to waiting. */
        if (t == JOB_START || t == JOB_RESTART) {
                timer_unit_changed(m, u);
                path_unit_changed(m, u);
                socket_unit_changed(m, u);
        }
        if (strcmp(result, "canceled") != 0) {
                /* A start that ended "done" without the unit up (a condition skipped it, a oneshot
                 * exited): for what is bound to it or requires it to be up, that is a failure. */
                if ((t == JOB_START || t == JOB_RESTART) && strcmp(result, "done") == 0 &&
                    u->active != STATE_ACTIVE && u->active != STATE_RELOADING)
                        fail_inactive_start_dependents(u);
                deps_recheck(u);
        }
        manager_dispatch_soon(m);
}

void dual_timestamp_now(DualTimestamp *ts) {
        struct timespec a, b;

        clock_gettime(CLOCK_REALTIME, &a);
        clock_gettime(CLOCK_MONOTONIC, &b);
        ts->realtime = (uint64_t) a.tv_sec * 1000000 + (uint64_t) a.tv_nsec / 1000;
        ts->monotonic = (uint64_t) b.tv_sec * 1000000 + (uint64_t) b.tv_nsec / 1000;
}

static void job_add_stop(Manager *m, MUnit *u);

static bool loadable(MUnit *u) {
        return u->u && u->u->load_state != UNIT_NOT_FOUND && u->u->load_state != UNIT_MASKED;
}

static void job_pull_start_deps(Manager *m, MUnit *u);

/* Requests (systemd's transactions): every entry point that adds jobs runs inside one, so that
 * a unit's dependencies are pulled in once per job type and request, however they loop. */
static void tr_begin(Manager *m) {
        if (m->tr_depth++ == 0)
                m->tr_gen++;
}

static void tr_end(Manager *m) {
        m->tr_depth--;
}

/* True the first time (u, t) is seen in the current request. */
static bool tr_first(Manager *m, MUnit *u, JobType t) {
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

static void job_add_start(Manager *m, MUnit *u) {
        tr_begin(m);
        if (job_enqueue(m, u, JOB_START, false))
                job_pull_start_deps(m, u);
        tr_end(m);
}

/* What a start of u pulls in: requirements and wants start, conflicts stop. */
static void job_pull_start_deps(Manager *m, MUnit *u) {
        for (size_t i = 0; i < u->n_deps[UNIT_REQUIRES]; i++)
                job_add_start(m, u->deps[UNIT_REQUIRES][i]);
        for (size_t i = 0; i < u->n_deps[UNIT_BINDS_TO]; i++)
                job_add_start(m, u->deps[UNIT_BINDS_TO][i]);
        /* Wants= of a unit that does not exist or is masked pulls in nothing, silently. */
        for (size_t i = 0; i < u->n_deps[UNIT_WANTS]; i++)
                if (loadable(u->deps[UNIT_WANTS][i]))
                        job_add_start(m, u->deps[UNIT_WANTS][i]);
        for (size_t i = 0; i < u->n_deps[UNIT_UPHOLDS]; i++)
                if (loadable(u->deps[UNIT_UPHOLDS][i]))
                        job_add_start(m, u->deps[UNIT_UPHOLDS][i]);
        /* Conflicts= works both ways. */
        for (size_t i = 0; i < u->n_deps[UNIT_CONFLICTS]; i++)
                job_add_stop(m, u->deps[UNIT_CONFLICTS][i]);
        for (size_t i = 0; i < m->n_units; i++)
                if (has_dep(m->units[i], UNIT_CONFLICTS, u))
                        job_add_stop(m, m->units[i]);
}

static void job_pull_stop_deps(Manager *m, MUnit *u);

static void job_add_stop(Manager *m, MUnit *u) {
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
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *x = m->units[i];
                if (has_dep(x, UNIT_REQUIRES, u) || has_dep(x, UNIT_BINDS_TO, u) || has_dep(x, UNIT_PART_OF, u) ||
                    has_dep(x, UNIT_REQUISITE, u) || has_dep(x, UNIT_STOP_PROPAGATED_FROM, u))
                        job_add_stop(m, x);
        }
        for (size_t i = 0; i < u->n_deps[UNIT_PROPAGATES_STOP_TO]; i++)
                job_add_stop(m, u->deps[UNIT_PROPAGATES_STOP_TO][i]);
}

/* ---- dependency checks after a job or a state change ------------------------------------------ */

/* systemd's unit_active_or_pending(): up, coming up, or with a start queued. */
static bool active_or_pending(MUnit *x) {
        if (x->job == JOB_STOP)
                return false;
        return x->job == JOB_START || x->job == JOB_RESTART || x->job == JOB_RELOAD || is_active_or_activating(x);
}

/* A unit cannot stay up while a unit it is bound to is inactive and has no job (systemd's
 * unit_check_binds_to): a condition skipped it, it failed, it was stopped or never started. */
static void check_bound(MUnit *u) {
        Manager *m = u->m;

        if (u->job != JOB_NONE || !is_active_or_activating(u))
                return;
        for (size_t i = 0; i < u->n_deps[UNIT_BINDS_TO]; i++) {
                MUnit *x = u->deps[UNIT_BINDS_TO][i];
                if (x->job != JOB_NONE || (x->active != STATE_INACTIVE && x->active != STATE_FAILED))
                        continue;
                manager_log(m, MLOG_INFO, "%s: bound to inactive unit %s, stopping it too", u->id, x->id);
                job_add_stop(m, u);
                return;
        }
}

/* StopWhenUnneeded=: stopped once no unit that is up or starting requires, wants or is bound to it. */
static void check_unneeded(MUnit *u) {
        Manager *m = u->m;

        if (!u->u || u->u->unit.stop_when_unneeded <= 0 || u->job != JOB_NONE || !is_active_or_activating(u) ||
            m->shutting_down)
                return;
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *x = m->units[i];
                if (x != u && active_or_pending(x) &&
                    (has_dep(x, UNIT_REQUIRES, u) || has_dep(x, UNIT_REQUISITE, u) || has_dep(x, UNIT_WANTS, u) ||
                     has_dep(x, UNIT_BINDS_TO, u)))
                        return;
        }
        manager_log(m, MLOG_INFO, "%s: not needed anymore, stopping it", u->id);
        job_add_stop(m, u);
}

/* u's job ended or its state changed: u and what hangs on it are checked again. */
static void deps_recheck(MUnit *u) {
        static const UnitDependency pins[] = { UNIT_REQUIRES, UNIT_REQUISITE, UNIT_WANTS, UNIT_BINDS_TO };

        if (u->m->shutting_down)
                return;
        check_bound(u);
        check_unneeded(u);
        for (size_t i = 0; i < u->n_bound_by; i++)
                check_bound(u->bound_by[i]);
        for (size_t d = 0; d < sizeof(pins) / sizeof(pins[0]); d++)
                for (size_t i = 0; i < u->n_deps[pins[d]]; i++)
                        check_unneeded(u->deps[pins[d]][i]);
}

/* u's start job ended "done" but u is not up: pending starts of units bound to it or with
 * Requisite= on it fail with "dependency" (systemd's job_fail_dependencies() with the atom
 * UNIT_ATOM_PROPAGATE_INACTIVE_START_AS_FAILURE, which BoundBy= and RequisiteOf= carry). */
static void fail_inactive_start_dependents(MUnit *u) {
        Manager *m = u->m;

        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *x = m->units[i];
                if (x->job != JOB_START || x->job_running)
                        continue;
                if (has_dep(x, UNIT_BINDS_TO, u) || has_dep(x, UNIT_REQUISITE, u)) {
                        manager_status(m, "DEPEND", x, "Dependency failed for");
                        x->job_running = true;
                        job_finish(x, "dependency");
                }
        }
}

/* Whether a start needing x is refused for x's load state. systemd loads devices, mounts, swaps,
 * slices and scopes without a unit file (they describe the system), so only their mask counts. */
static bool blocks_start(MUnit *x) {
        UnitType t;

        if (!x->u)
                return true;
        if (x->u->load_state == UNIT_LOADED)
                return false;
        if (x->u->load_state != UNIT_NOT_FOUND)
                return true;
        t = x->u->type;
        return t != UNIT_DEVICE && t != UNIT_MOUNT && t != UNIT_SWAP && t != UNIT_SLICE && t != UNIT_SCOPE;
}

static bool start_blocked(Manager *m, MUnit *u, MUnit **ret) {
        static const UnitDependency reqs[] = { UNIT_REQUIRES, UNIT_BINDS_TO, UNIT_REQUISITE };

        if (u->walk == m->walks)
                return false;
        u->walk = m->walks;
        for (size_t d = 0; d < sizeof(reqs) / sizeof(reqs[0]); d++)
                for (size_t i = 0; i < u->n_deps[reqs[d]]; i++) {
                        MUnit *x = u->deps[reqs[d]][i];
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

static bool job_runnable(MUnit *u) {
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
                bool ok = true;
                /* Wait for every job of a unit we are ordered after... */
                FOREACH_BEFORE(u, x, if (x->job != JOB_NONE) ok = false);
                if (!ok)
                        return false;
                /* ...and for stop jobs of units ordered after us (stop before start). */
                for (size_t i = 0; i < u->n_after_me; i++)
                        if (u->after_me[i]->job == JOB_STOP || u->after_me[i]->job == JOB_RESTART)
                                return false;
                return true;
        }
        if (u->job == JOB_STOP || u->job == JOB_RESTART) {
                /* Reverse order: units ordered after us stop first. */
                for (size_t i = 0; i < u->n_after_me; i++)
                        if (u->after_me[i]->job == JOB_STOP || u->after_me[i]->job == JOB_RESTART)
                                return false;
                (void) m;
                return true;
        }
        return false;
}

/* ---- ordering cycles -------------------------------------------------------------------------- */

/* Depth-first search over "job waits for job" edges. Returns a unit on a cycle and fills path. */
static MUnit *find_cycle(Manager *m, MUnit *u, uint8_t *color, MUnit **stack, size_t depth, size_t *ret_len) {
        size_t idx = 0;

        for (size_t i = 0; i < m->n_units; i++)
                if (m->units[i] == u)
                        idx = i;
        color[idx] = 1;
        stack[depth] = u;

        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *x = m->units[i];
                if (x->job == JOB_NONE || x == u)
                        continue;
                if (!(u->job == JOB_START && x->job == JOB_START && ordered_after(u, x)) &&
                    !(u->job == JOB_STOP && x->job == JOB_STOP && ordered_after(x, u)))
                        continue;
                if (color[i] == 1) {
                        /* Found: the cycle is stack[k..depth] where stack[k] == x. */
                        size_t k = depth;
                        while (k > 0 && stack[k] != x)
                                k--;
                        memmove(stack, stack + k, (depth - k + 1) * sizeof(MUnit *));
                        *ret_len = depth - k + 1;
                        return x;
                }
                if (color[i] == 0) {
                        MUnit *c = find_cycle(m, x, color, stack, depth + 1, ret_len);
                        if (c)
                                return c;
                }
        }
        color[idx] = 2;
        return NULL;
}

static bool job_required_by_others(Manager *m, MUnit *u) {
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *x = m->units[i];
                if (x->job == JOB_START && (has_dep(x, UNIT_REQUIRES, u) || has_dep(x, UNIT_BINDS_TO, u) ||
                                            has_dep(x, UNIT_REQUISITE, u)))
                        return true;
        }
        return false;
}

static void break_cycles(Manager *m) {
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
                                if (!job_required_by_others(m, stack[i]))
                                        victim = stack[i];
                        if (!victim)
                                victim = stack[len - 1];
                        manager_log(m, MLOG_ERR, "Job %s/%s deleted to break ordering cycle starting with %s/%s",
                                    victim->id, victim->job == JOB_START ? "start" : "stop", stack[0]->id,
                                    stack[0]->job == JOB_START ? "start" : "stop");
                        manager_job_done(victim, "canceled");
                }
        }
out:
        free(color);
        free(stack);
}

/* ---- running jobs ----------------------------------------------------------------------------- */

static void job_finish(MUnit *u, const char *result);

/* Condition*= of a unit without processes: false (the job done, the unit skipped) when one fails. */
static bool conditions_met(MUnit *u) {
        char failed[512] = "";
        int r = unit_test_conditions(u->u, &u->u->unit.conditions, failed, sizeof(failed));

        dual_timestamp_now(&u->ts_condition);
        u->condition_result = r != 0;
        if (r == 0) {
                manager_log(u->m, MLOG_INFO, "%s: condition %s not met, skipping", u->id, failed);
                manager_job_done(u, "done");
                return false;
        }
        return true;
}

static void start_target_like(MUnit *u) {
        if (conditions_met(u))
                munit_set_state(u, STATE_ACTIVE, SUB_RUNNING);
}

/* Mounts, automounts and swaps: the container runtime sets up the container's file systems, and
 * sdinit does not mount. Their conditions are checked as any unit's; a mount or automount whose
 * path is a mount point already is active ("mounted"), anything else stays inactive with one line
 * (a start that needs it goes on, as after a skipped condition). systemd 252 would try mount(8)
 * and, in a user namespace, fail for the kernel's own file systems (debugfs, tracefs, configfs). */
static void start_mount_like(MUnit *u) {
        char *where = NULL;
        struct stat a, b;
        bool mounted = false;

        if (!conditions_met(u))
                return;
        if (u->u->type != UNIT_SWAP) {
                if (u->u->mount.where)
                        where = strdup(u->u->mount.where);
                else {
                        char *base = strndup(u->id, strcspn(u->id, "."));
                        if (base && unit_name_path_unescape(base, &where) < 0)
                                where = NULL;
                        free(base);
                }
        }
        if (where) {
                char parent[4200];
                snprintf(parent, sizeof(parent), "%s/..", where);
                mounted = stat(where, &a) == 0 &&
                          (strcmp(where, "/") == 0 || (stat(parent, &b) == 0 && (a.st_dev != b.st_dev || a.st_ino == b.st_ino)));
        }
        if (mounted)
                munit_set_state(u, STATE_ACTIVE, SUB_RUNNING);
        else {
                manager_log(u->m, MLOG_INFO, "%s: %s is not mounted and sdinit does not mount (the container runtime sets "
                            "up the file systems); left inactive", u->id, where ? where : "swap");
                manager_job_done(u, "done");
        }
        free(where);
}

/* The stop half of a restart is done: the same job goes on as a start, pulling in what a start
 * pulls in. */
static void restart_becomes_start(MUnit *u) {
        if (u->m->shutting_down) {
                manager_job_done(u, "canceled"); /* the container stops: no start after the stop */
                return;
        }
        u->job = JOB_START;
        u->job_running = false;
        u->job_failed_dependency = false;
        if (!u->job_ignore_deps) {
                tr_begin(u->m);
                (void) tr_first(u->m, u, JOB_START);
                job_pull_start_deps(u->m, u);
                tr_end(u->m);
        }
        break_cycles(u->m);
        manager_dispatch_soon(u->m);
}

static void run_job(MUnit *u) {
        Manager *m = u->m;

        u->job_running = true;
        if (u->job == JOB_START && (u->active == STATE_ACTIVE || u->active == STATE_RELOADING)) {
                manager_job_done(u, "done"); /* already up: never a second main process */
                return;
        }
        if (u->job == JOB_START && u->active == STATE_ACTIVATING)
                return; /* already starting (or about to restart): the job ends with the start */
        if (u->job == JOB_VERIFY_ACTIVE) {
                if (u->active == STATE_ACTIVE || u->active == STATE_RELOADING)
                        manager_job_done(u, "done");
                else {
                        manager_log(m, MLOG_INFO, "%s is inactive.", u->id);
                        job_finish(u, "skipped");
                }
                return;
        }
        if (u->job == JOB_START) {
                UnitType t;
                if (!u->u || u->u->load_state != UNIT_LOADED) {
                        const char *why = !u->u ? "not loaded" :
                                          u->u->load_state == UNIT_NOT_FOUND ? "not found" :
                                          u->u->load_state == UNIT_MASKED ? "masked" : "bad-setting";
                        manager_log(m, MLOG_ERR, "Failed to start %s: unit %s.", u->id, why);
                        u->result = "resources";
                        job_finish(u, "failed");
                        return;
                }
                for (size_t i = 0; i < u->n_deps[UNIT_REQUISITE]; i++)
                        if (u->deps[UNIT_REQUISITE][i]->active != STATE_ACTIVE) {
                                manager_status(m, "DEPEND", u, "Dependency failed for");
                                job_finish(u, "dependency");
                                return;
                        }
                t = u->u->type;
                {
                        /* systemd's own units that cannot work without systemd as PID 1 (journald,
                         * udevd, logind, gettys...): skipped with one line, never waited for. */
                        const char *why = NULL;
                        if (handoff_skip_systemd_unit(u->id, &why)) {
                                manager_log(m, MLOG_INFO, "%s: skipped: %s", u->id, why);
                                manager_job_done(u, "done");
                                return;
                        }
                }
                switch (t) {
                case UNIT_SERVICE:
                        service_start(u);
                        return;
                case UNIT_TARGET:
                case UNIT_SLICE:
                case UNIT_DEVICE:
                        start_target_like(u);
                        return;
                case UNIT_SOCKET:
                        socket_start(u);
                        return;
                case UNIT_TIMER:
                        timer_start(u);
                        return;
                case UNIT_PATH:
                        path_start(u);
                        return;
                case UNIT_MOUNT:
                case UNIT_AUTOMOUNT:
                case UNIT_SWAP:
                        start_mount_like(u);
                        return;
                default:
                        /* scopes: loaded and checked, not run. */
                        manager_log(m, MLOG_INFO, "%s: %s units are not run by sdinit; treating it as started",
                                    u->id, unit_type_to_string(t));
                        munit_set_state(u, STATE_ACTIVE, SUB_RUNNING);
                        return;
                }
        }
        if (u->job == JOB_RELOAD) {
                /* Only an active unit reloads (systemd's job result "invalid" otherwise). */
                if (u->active != STATE_ACTIVE) {
                        manager_job_done(u, "invalid");
                        return;
                }
                if (u->u && u->u->type == UNIT_SERVICE && u->u->load_state == UNIT_LOADED) {
                        manager_status(m, NULL, u, "Reloading");
                        service_reload(u);
                } else
                        manager_job_done(u, "done"); /* targets and the like: nothing to do */
                return;
        }
        if (u->job == JOB_RESTART && (u->active == STATE_INACTIVE || u->active == STATE_FAILED)) {
                restart_becomes_start(u);
                return;
        }
        if (u->job == JOB_STOP || u->job == JOB_RESTART) {
                /* By what runs, not by what the file says now (masked since, say). */
                if (u->u && u->u->type == UNIT_SERVICE && (u->u->load_state == UNIT_LOADED || u->sub != SUB_DEAD))
                        service_stop(u);
                else if (u->u && u->u->type == UNIT_SOCKET && u->n_sock)
                        socket_stop(u);
                else if (u->u && u->u->type == UNIT_TIMER)
                        timer_stop(u);
                else if (u->u && u->u->type == UNIT_PATH)
                        path_stop(u);
                else
                        munit_set_state(u, STATE_INACTIVE, SUB_DEAD);
        }
}

static void check_idle(Manager *m) {
        bool jobs = false, up = false;

        if (!m->shutting_down)
                return;
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                if (u->job != JOB_NONE)
                        jobs = true;
                else if (u->active != STATE_INACTIVE && u->active != STATE_FAILED)
                        up = true;
        }
        if (!jobs && up) {
                /* No job left, yet a unit is up (something brought it back after its stop): it is
                 * stopped again, once; past that, the shutdown deadline ends it. Units on their way
                 * down by themselves (deactivating) are bounded by their own timeouts. */
                for (size_t i = 0; i < m->n_units; i++) {
                        MUnit *u = m->units[i];
                        if (u->job != JOB_NONE || !is_active_or_activating(u) || u->shutdown_restopped)
                                continue;
                        manager_log(m, MLOG_WARN, "%s: still %s with no job during shutdown, stopping it again", u->id,
                                    active_state_to_string(u->active));
                        u->shutdown_restopped = true;
                        job_add_stop(m, u);
                        manager_dispatch_soon(m);
                }
                return;
        }
        if (jobs || up)
                return;
        if (m->command_pid > 0)
                return;
        if (!m->exit_requested) {
                m->exit_requested = true;
                sd_event_exit(m->event, m->exit_status);
        }
}

/* The main program of `sdinit -- COMMAND` in manager mode: started once the boot target's job is
 * done, in the foreground of the terminal like the drop-in child, with signals unblocked. */
static void start_command(Manager *m) {
        pid_t pid;

        m->command_started = true;
        pid = fork();
        if (pid < 0) {
                manager_log(m, MLOG_ERR, "cannot start %s: %s", m->command[0], strerror(errno));
                manager_begin_shutdown(m, 126);
                return;
        }
        if (pid == 0) {
                sigset_t ss;
                pid_t parent_pgrp = getpgrp();
                setpgid(0, 0);
                for (int fd = 0; fd < 3; fd++)
                        if (tcgetpgrp(fd) == parent_pgrp) {
                                tcsetpgrp(fd, getpgrp());
                                break;
                        }
                sigemptyset(&ss);
                sigprocmask(SIG_SETMASK, &ss, NULL);
                execvp(m->command[0], m->command);
                fprintf(stderr, "sdinit: cannot execute '%s': %s\n", m->command[0], strerror(errno));
                _exit(errno == ENOENT ? 127 : 126);
        }
        m->command_pid = pid;
        manager_log(m, MLOG_INFO, "boot done; started %s (pid %d)", m->command[0], (int) pid);
}

int manager_boot(Manager *m, const char *target) {
        MUnit *u;
        int r;

        /* The image's generators and its SysV scripts become units first, as with systemd. Only
         * as PID 1 (they write to /run/systemd) and not when $SYSTEMD_UNIT_PATH replaces the
         * search path (the generator directories are not in it then). */
        if (getpid() == 1 && !getenv("SYSTEMD_UNIT_PATH")) {
                UnitGeneratorOptions o = {};
                UnitDiagSink diag = { on_diag, m };
                r = unit_generators_run(&o, &diag);
                if (r < 0)
                        manager_log(m, MLOG_WARN, "cannot run the generators: %s", strerror(-r));
        }
        r = manager_load_unit(m, target, &u);

        if (r < 0)
                return r;
        m->boot_target = u;
        return manager_start_unit(m, u);
}

static void dispatch(Manager *m) {
        bool progress = true;

        m->dispatch_pending = false;
        while (progress) {
                progress = false;
                for (size_t i = 0; i < m->n_units; i++) {
                        MUnit *u = m->units[i];
                        if (u->job == JOB_NONE || u->job_running || !job_runnable(u))
                                continue;
                        run_job(u);
                        progress = true;
                }
        }
        if (m->command && !m->command_started && !m->shutting_down && m->boot_target && m->boot_target->job == JOB_NONE)
                start_command(m);
        check_idle(m);
}

static int on_defer(sd_event_source *s, void *userdata) {
        (void) s;
        dispatch(userdata);
        return 0;
}

void manager_dispatch_soon(Manager *m) {
        if (m->dispatch_pending)
                return;
        m->dispatch_pending = true;
        sd_event_source_set_enabled(m->defer_dispatch, SD_EVENT_ONESHOT);
}

/* A job ended: report it and propagate failure to the jobs that needed it. */
static void job_finish(MUnit *u, const char *result) {
        Manager *m = u->m;
        JobType type = u->job;
        bool ok = strcmp(result, "done") == 0;

        manager_job_done(u, result);
        if ((type == JOB_START || type == JOB_VERIFY_ACTIVE) && !ok) {
                if (u->u && u->u->load_state == UNIT_LOADED && u->active == STATE_FAILED)
                        manager_status(m, "FAILED", u, "Failed to start");
                for (size_t i = 0; i < m->n_units; i++) {
                        MUnit *x = m->units[i];
                        if (x->job != JOB_START || x->job_running)
                                continue;
                        if (has_dep(x, UNIT_REQUIRES, u) || has_dep(x, UNIT_BINDS_TO, u) || has_dep(x, UNIT_REQUISITE, u)) {
                                manager_status(m, "DEPEND", x, "Dependency failed for");
                                x->job_running = true;
                                job_finish(x, "dependency");
                        }
                }
        }
        manager_dispatch_soon(m);
}

/* FailureAction=/SuccessAction= (exit, poweroff, halt, reboot and their -force variants): the
 * container stops, with FailureActionExitStatus=/SuccessActionExitStatus=, else the main
 * process's status, as systemd propagates it to a container manager. */
static void emergency_action(MUnit *u, int action, const char *what, bool failure) {
        int status;

        if (action <= 0 || u->m->shutting_down)
                return;
        status = failure ? u->u->unit.failure_action_exit_status : u->u->unit.success_action_exit_status;
        if (status < 0 || !unit_setting_is_set(u->u, "Unit", failure ? "FailureActionExitStatus" : "SuccessActionExitStatus"))
                status = u->main_exit_code == CLD_EXITED ? u->main_exit_status
                         : u->main_exit_code ? 128 + u->main_exit_status : failure ? 1 : 0;
        manager_log(u->m, MLOG_WARN, "%s: %s= triggered: stopping the container with exit status %d", u->id, what, status);
        manager_begin_shutdown(u->m, status);
}

/* ---- unloading finished instances (systemd's unit GC, CollectMode=) --------------------------- */

static void munit_destroy(Manager *m, MUnit *u);

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
static void manager_gc(Manager *m) {
        Index *ix = manager_index(m);
        size_t n_doomed = 0, k = 0, *newpos;
        struct name_slot *old;
        size_t old_cap;

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
                drop_doomed(&x->triggered_by, &x->n_triggered_by);
                drop_doomed(&x->bound_by, &x->n_bound_by);
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
                        m->units[k++] = x;
                }
        }
        m->n_units = k;
        m->procs_valid = false;
        /* The index names array positions: rebuilt with the survivors' new ones. */
        old = ix->slots;
        old_cap = ix->cap;
        ix->slots = NULL;
        ix->cap = ix->used = 0;
        for (size_t i = 0; i < old_cap; i++) {
                if (!old[i].name)
                        continue;
                if (newpos[old[i].unit] != SIZE_MAX)
                        (void) index_put(ix, old[i].name, newpos[old[i].unit]);
                free(old[i].name);
        }
        free(old);
        free(newpos);
}

static int on_gc(sd_event_source *es, void *userdata) {
        (void) es;
        manager_gc(userdata);
        return 0;
}

void munit_set_state(MUnit *u, ActiveState a, SubState s) {
        Manager *m = u->m;
        ActiveState old = u->active;
        bool is_target = u->u && u->u->type == UNIT_TARGET;

        u->active = a;
        u->sub = s;
        if (m->hooks && m->hooks->unit_changed)
                m->hooks->unit_changed(m->hooks_userdata, u);
        if (old == a) {
                /* The state a running job waits for may be the one the unit is in already (a
                 * failed unit whose new start fails at once, a target started twice): the job
                 * still ends. */
                if (u->job_running && u->job == JOB_START && (a == STATE_ACTIVE || a == STATE_FAILED))
                        job_finish(u, a == STATE_ACTIVE ? "done" : "failed");
                else if (u->job_running && u->job == JOB_STOP && (a == STATE_INACTIVE || a == STATE_FAILED))
                        job_finish(u, "done");
                else if (u->job_running && u->job == JOB_RESTART && (a == STATE_INACTIVE || a == STATE_FAILED))
                        restart_becomes_start(u);
                return;
        }

        if (a == STATE_ACTIVATING && old != STATE_ACTIVATING && s != SUB_AUTO_RESTART)
                manager_status(m, NULL, u, "Starting");
        if (a == STATE_DEACTIVATING && old != STATE_DEACTIVATING && (u->job == JOB_STOP || u->job == JOB_RESTART))
                manager_status(m, NULL, u, "Stopping");

        {
                DualTimestamp now;
                dual_timestamp_now(&now);
                u->ts_state_change = now;
                if (old == STATE_INACTIVE || old == STATE_FAILED)
                        u->ts_inactive_exit = now;
                if (a == STATE_ACTIVE && old != STATE_RELOADING)
                        u->ts_active_enter = now;
                if ((old == STATE_ACTIVE || old == STATE_RELOADING) && a != STATE_ACTIVE && a != STATE_RELOADING)
                        u->ts_active_exit = now;
                if (a == STATE_INACTIVE || a == STATE_FAILED)
                        u->ts_inactive_enter = now;
        }
        /* A unit that is down gives back the write end of its log pipe: the read end ends (and
         * is closed by the relay) once the last process of the unit that held it is gone. A new
         * start makes a new pipe. Without this every instance ever started (Accept=yes
         * connections, templates) kept two descriptors in PID 1. */
        if ((a == STATE_INACTIVE || a == STATE_FAILED) && u->out_wfd >= 0) {
                close(u->out_wfd);
                u->out_wfd = -1;
        }
        if ((a == STATE_INACTIVE || a == STATE_FAILED) && m->defer_gc && unit_name_is_instance_of_template(u->id))
                sd_event_source_set_enabled(m->defer_gc, SD_EVENT_ONESHOT);

        if (u->job == JOB_START && u->job_running) {
                if (a == STATE_ACTIVE) {
                        manager_status(m, "  OK  ", u, is_target ? "Reached target" : "Started");
                        job_finish(u, "done");
                } else if (a == STATE_FAILED) {
                        job_finish(u, "failed");
                } else if (a == STATE_INACTIVE && old == STATE_ACTIVATING && s == SUB_DEAD) {
                        /* oneshot without RemainAfterExit=, or a condition that skipped it */
                        if (strcmp(u->result, "success") == 0)
                                manager_status(m, "  OK  ", u, "Finished");
                        job_finish(u, strcmp(u->result, "success") == 0 ? "done" : "failed");
                }
        } else if (u->job == JOB_RELOAD && u->job_running && old == STATE_RELOADING) {
                if (a == STATE_ACTIVE)
                        manager_status(m, u->reload_failed ? "FAILED" : "  OK  ", u,
                                       u->reload_failed ? "Reload failed for" : "Reloaded");
                job_finish(u, a == STATE_ACTIVE && !u->reload_failed ? "done" : "failed");
        } else if (u->job == JOB_RESTART && u->job_running && (a == STATE_INACTIVE || a == STATE_FAILED)) {
                manager_status(m, "  OK  ", u, is_target ? "Stopped target" : "Stopped");
                restart_becomes_start(u);
        } else if (u->job == JOB_STOP && u->job_running && (a == STATE_INACTIVE || a == STATE_FAILED)) {
                manager_status(m, "  OK  ", u, is_target ? "Stopped target" : "Stopped");
                job_finish(u, "done");
        } else if (a == STATE_FAILED && u->job == JOB_NONE)
                manager_status(m, "FAILED", u, "Failed unit");

        /* Units bound to us stop with us, whatever stopped us; a unit that came up bound to an
         * inactive unit stops again; StopWhenUnneeded= units we held may stop. */
        deps_recheck(u);
        socket_unit_changed(m, u);
        timer_unit_changed(m, u);
        path_unit_changed(m, u);
        /* Upholds=: a unit upheld by an active unit is started again whenever it stops. */
        if ((a == STATE_INACTIVE || a == STATE_FAILED) && !m->shutting_down && u->job == JOB_NONE)
                for (size_t i = 0; i < m->n_units; i++) {
                        MUnit *x = m->units[i];
                        if (x->active == STATE_ACTIVE && has_dep(x, UNIT_UPHOLDS, u)) {
                                manager_log(m, MLOG_INFO, "%s: upheld by %s, starting it again", u->id, x->id);
                                job_add_start(m, u);
                                break;
                        }
                }
        /* FailureAction= / SuccessAction=: in a container, every action ends the container. */
        if (a == STATE_FAILED && old != STATE_FAILED)
                emergency_action(u, u->u ? u->u->unit.failure_action : -1, "FailureAction", true);
        if (a == STATE_INACTIVE && old != STATE_INACTIVE && strcmp(u->result, "success") == 0)
                emergency_action(u, u->u ? u->u->unit.success_action : -1, "SuccessAction", false);
        /* OnFailure= / OnSuccess= */
        if (a == STATE_FAILED && !m->shutting_down)
                for (size_t i = 0; i < u->n_deps[UNIT_ON_FAILURE]; i++)
                        job_add_start(m, u->deps[UNIT_ON_FAILURE][i]);
        if (a == STATE_INACTIVE && old != STATE_INACTIVE && strcmp(u->result, "success") == 0 && !m->shutting_down &&
            u->n_deps[UNIT_ON_SUCCESS])
                for (size_t i = 0; i < u->n_deps[UNIT_ON_SUCCESS]; i++)
                        job_add_start(m, u->deps[UNIT_ON_SUCCESS][i]);
        manager_dispatch_soon(m);
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

/* What a restart of u propagates to (systemd's PROPAGATE_RESTART): a try-restart of the units that
 * require it, are bound to it, are part of it or have it as a requisite. */
static void job_pull_restart_deps(Manager *m, MUnit *u) {
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *x = m->units[i];
                if (x != u && (has_dep(x, UNIT_REQUIRES, u) || has_dep(x, UNIT_BINDS_TO, u) || has_dep(x, UNIT_PART_OF, u) ||
                               has_dep(x, UNIT_REQUISITE, u)) &&
                    job_enqueue(m, x, JOB_TRY_RESTART, false))
                        job_pull_restart_deps(m, x);
        }
}

/* A reload of u reloads what it propagates reloads to (PropagatesReloadTo=, and the units with
 * ReloadPropagatedFrom=u), when they are active (a try-reload). */
static void job_pull_reload_deps(Manager *m, MUnit *u) {
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *x = m->units[i];
                if (x != u && (has_dep(u, UNIT_PROPAGATES_RELOAD_TO, x) || has_dep(x, UNIT_RELOAD_PROPAGATED_FROM, u)) &&
                    (!x->u || x->u->type != UNIT_SERVICE || service_can_reload(x)) && job_enqueue(m, x, JOB_TRY_RELOAD, false))
                        job_pull_reload_deps(m, x);
        }
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
        if (type == JOB_RELOAD && u->u && u->u->type == UNIT_SERVICE && !service_can_reload(u))
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
        manager_job_done(u, "canceled");
        return 0;
}

void manager_reset_failed(Manager *m, MUnit *u) {
        (void) m;
        u->n_start_times = 0;
        u->start_limit_hit = false;
        if (u->active != STATE_FAILED)
                return;
        u->result = "success";
        munit_set_state(u, STATE_INACTIVE, SUB_DEAD);
}

const char *manager_system_state(Manager *m) {
        if (m->shutting_down)
                return "stopping";
        if (!m->ts_finish.monotonic)
                return "starting";
        for (size_t i = 0; i < m->n_units; i++)
                if (m->units[i]->active == STATE_FAILED)
                        return "degraded";
        return "running";
}

/* The shutdown deadline passed: whatever still runs is killed, each process named, and the loop
 * ends. */
static void shutdown_now(Manager *m, const char *why) {
        size_t n;

        manager_log(m, MLOG_WARN, "%s: killing what is left", why);
        n = shutdown_kill_units(m);
        manager_log(m, MLOG_WARN, "killed %zu process%s; exiting with status %d", n, n == 1 ? "" : "es", m->exit_status);
        if (!m->exit_requested) {
                m->exit_requested = true;
                sd_event_exit(m->event, m->exit_status);
        }
}

static int on_shutdown_deadline(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;
        char why[128];

        (void) s, (void) usec;
        snprintf(why, sizeof(why), "shutdown did not finish within its bound (%.1f s)",
                 (double) (m->shutdown_bound_usec + SHUTDOWN_MARGIN_USEC) / 1e6);
        shutdown_now(m, why);
        return 0;
}

void manager_begin_shutdown(Manager *m, int exit_status) {
        if (m->shutting_down)
                return;
        m->shutting_down = true;
        m->exit_status = exit_status;
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                if ((u->job == JOB_START || u->job == JOB_RELOAD) && !u->job_running)
                        manager_job_done(u, "canceled");
        }
        if (m->command_pid > 0)
                kill(m->command_pid, SIGTERM);
        for (size_t i = 0; i < m->n_units; i++)
                job_add_stop(m, m->units[i]);
        /* Bounded: the stop budgets along the longest ordering chain, then everything is killed. */
        m->shutdown_bound_usec = shutdown_bound_usec(m);
        {
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                m->shutdown_started_usec = (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
        }
        manager_log(m, MLOG_INFO, "stopping all units (bounded by %.1f s, the stop timeouts along the longest ordering chain)",
                    (double) m->shutdown_bound_usec / 1e6);
        if (sd_event_add_time_relative(m->event, &m->shutdown_timer, CLOCK_MONOTONIC,
                                       m->shutdown_bound_usec + SHUTDOWN_MARGIN_USEC, 10000, on_shutdown_deadline, m) < 0)
                manager_log(m, MLOG_ERR, "cannot arm the shutdown deadline: a unit that never stops would hold PID 1");
        manager_dispatch_soon(m);
}

/* ---- processes -------------------------------------------------------------------------------- */

MUnit *manager_unit_by_pid(Manager *m, pid_t pid) {
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                if (u->main_pid == pid || u->control_pid == pid)
                        return u;
        }
        return NULL;
}

static int on_sigchld(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        (void) s, (void) si;
        manager_reap(userdata);
        return 0;
}

void manager_reap(Manager *m) {
        for (;;) {
                siginfo_t info = {};
                MUnit *u;

                /* Look first (WNOWAIT), so the pid cannot be reused before we know whose it was. */
                if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 || info.si_pid <= 0)
                        break;
                u = manager_unit_by_pid(m, info.si_pid);
                {
                        siginfo_t reaped = {};
                        waitid(P_PID, (id_t) info.si_pid, &reaped, WEXITED);
                }
                service_forget_pid(m, info.si_pid);
                if (info.si_pid == m->command_pid) {
                        m->command_status = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
                        m->command_pid = 0;
                        manager_log(m, MLOG_INFO, "main command exited with status %d", m->command_status);
                        if (m->shutting_down && m->exit_status < 0)
                                m->exit_status = m->command_status; /* stopped while it ran: its status */
                        manager_begin_shutdown(m, m->command_status);
                        check_idle(m);
                } else if (u)
                        service_sigchld(u, info.si_pid, info.si_code, info.si_status);
        }
}

static int on_shutdown_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        (void) s;
        if (m->shutting_down) {
                /* As with systemd, where it queues the same irreversible job again: nothing more
                 * to do, but never silently. */
                manager_log(m, MLOG_INFO, "received signal %u", si->ssi_signo);
                shutdown_report_waiting(m);
                return 0;
        }
        manager_log(m, MLOG_INFO, "received signal %u, shutting down", si->ssi_signo);
        manager_begin_shutdown(m, m->command_pid > 0 || m->command_status >= 0 ? m->command_status : 0);
        return 0;
}

/* SIGRTMIN+13..16: systemd's halt, poweroff, reboot and kexec "now": units are not stopped (any
 * more); as systemd-shutdown does, every remaining process gets SIGTERM, then SIGKILL, each named
 * (shutdown_kill_leftovers(), once the loop is done). In a container all of them end it. */
static int on_force_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        (void) s;
        if (!m->shutting_down) {
                m->shutting_down = true;
                m->exit_status = m->command_pid > 0 || m->command_status >= 0 ? m->command_status : 0;
        }
        manager_log(m, MLOG_WARN, "received signal %u: exiting without stopping units (systemd's halt --force)", si->ssi_signo);
        if (!m->exit_requested) {
                m->exit_requested = true;
                sd_event_exit(m->event, m->exit_status);
        }
        return 0;
}

static int on_forward_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        (void) s;
        if (m->command_pid > 0)
                kill(m->command_pid, (int) si->ssi_signo);
        return 0;
}

/* ---- the notify socket ------------------------------------------------------------------------ */

/* Warnings about bad notifications are rate-limited: a flood of hostile datagrams must not turn
 * into a flood of log lines (at most 10 per 10 s; the next one says how many were suppressed). */
static void notify_warn(Manager *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void notify_warn(Manager *m, const char *fmt, ...) {
        struct timespec ts;
        uint64_t now;
        char line[1024];
        va_list ap;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        now = (uint64_t) ts.tv_sec;
        if (now >= m->notify_warn_window + 10) {
                if (m->notify_warn_suppressed)
                        manager_log(m, MLOG_WARN, "notify: %u more warnings suppressed", m->notify_warn_suppressed);
                m->notify_warn_window = now;
                m->notify_warn_count = 0;
                m->notify_warn_suppressed = 0;
        }
        if (m->notify_warn_count >= 10) {
                m->notify_warn_suppressed++;
                return;
        }
        m->notify_warn_count++;
        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        manager_log(m, MLOG_WARN, "%s", line);
}

static int on_notify(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Manager *m = userdata;
        char buf[NOTIFY_MESSAGE_MAX + 1];
        union {
                struct cmsghdr h;
                char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * 16)];
        } control;
        struct iovec iov = { buf, sizeof(buf) };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof(control) };
        struct ucred *cred = NULL;
        struct notify_msg nm;
        const char *err = NULL;
        ssize_t n;
        MUnit *u;

        (void) s, (void) revents;
        n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
        if (n < 0)
                return 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
                    c->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
                        cred = (struct ucred *) CMSG_DATA(c);
                else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        /* fd store is not supported: close every fd we were sent (BARRIER=1 too) */
                        int *fds = (int *) CMSG_DATA(c);
                        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        for (size_t i = 0; i < k; i++)
                                close(fds[i]);
                }
        }
        if ((size_t) n > NOTIFY_MESSAGE_MAX || (msg.msg_flags & MSG_TRUNC)) {
                notify_warn(m, "notify: datagram of %zd bytes is too large, dropped", n);
                return 0;
        }
        if (msg.msg_flags & MSG_CTRUNC)
                notify_warn(m, "notify: too many file descriptors or control data, dropped what did not fit");
        if (!cred || cred->pid <= 0) {
                notify_warn(m, "notify: datagram without credentials, dropped");
                return 0;
        }
        u = manager_unit_by_pid(m, cred->pid);
        if (!u) {
                /* A child of a service (NotifyAccess=all): attribute it by session. */
                pid_t sid = getsid(cred->pid);
                for (size_t i = 0; i < m->n_units && !u; i++)
                        if (m->units[i]->session > 0 && m->units[i]->session == sid)
                                u = m->units[i];
        }
        if (!u) {
                manager_log(m, MLOG_DEBUG, "notify: datagram from pid %d, which belongs to no unit, dropped", (int) cred->pid);
                return 0;
        }
        if (notify_parse(buf, (size_t) n, &nm, &err) < 0) {
                notify_warn(m, "%s: notify: %s, dropped", u->id, err);
                return 0;
        }
        service_notify(u, cred->pid, cred->uid, &nm);
        return 0;
}

static int setup_notify(Manager *m) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int one = 1, fd;
        socklen_t len;

        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));

        /* systemd's path when /run is ours; otherwise an abstract socket (per network namespace,
         * which the services share with us). */
        if (mkdir("/run/systemd", 0755) == 0 || errno == EEXIST) {
                snprintf(m->notify_path, sizeof(m->notify_path), "/run/systemd/notify");
                unlink(m->notify_path);
                memcpy(sa.sun_path, m->notify_path, strlen(m->notify_path) + 1); /* 20 bytes, fits */
                len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + strlen(sa.sun_path) + 1);
                if (bind(fd, (struct sockaddr *) &sa, len) == 0) {
                        /* Services of any user must be able to send; senders are told apart by
                         * their kernel-checked credentials, not by file permissions. */
                        chmod(m->notify_path, 0777);
                        goto bound;
                }
        }
        snprintf(m->notify_path, sizeof(m->notify_path), "@sdinit/notify/%d", (int) getpid());
        memset(sa.sun_path, 0, sizeof(sa.sun_path));
        memcpy(sa.sun_path + 1, m->notify_path + 1, strlen(m->notify_path) - 1);
        len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + strlen(m->notify_path));
        if (bind(fd, (struct sockaddr *) &sa, len) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
bound:
        m->notify_fd = fd;
        return sd_event_add_io(m->event, &m->notify_source, fd, EPOLLIN, on_notify, m);
}

/* ---- life cycle ------------------------------------------------------------------------------- */

static int registry_create(Manager *m, UnitRegistry **ret) {
        UnitDiagSink diag = { on_diag, m };
        UnitRegistry *reg;
        int r = unit_registry_new(m->root, &diag, &reg);

        if (r < 0)
                return r;
        {
                /* $SYSTEMD_UNIT_PATH, as systemd honours it: colon-separated; a trailing colon
                 * appends the default search path. */
                const char *up = getenv("SYSTEMD_UNIT_PATH");
                if (up && *up) {
                        char **dirs = NULL, *copy = strdup(up), *save = NULL;
                        bool append = up[strlen(up) - 1] == ':';
                        for (char *w = copy ? strtok_r(copy, ":", &save) : NULL; w; w = strtok_r(NULL, ":", &save))
                                strv_extend(&dirs, w);
                        for (size_t i = 0; append && unit_default_search_path[i]; i++)
                                strv_extend(&dirs, unit_default_search_path[i]);
                        if (dirs)
                                unit_registry_set_search_path(reg, dirs);
                        strv_free(dirs);
                        free(copy);
                }
        }
        *ret = reg;
        return 0;
}

int manager_new(const char *root, Manager **ret) {
        Manager *m = calloc(1, sizeof(*m));
        sigset_t ss;
        int r;

        if (!m)
                return -ENOMEM;
        m->notify_fd = -1;
        m->root = root;
        m->command_status = -1;
        m->show_status = true;
        m->verbosity = MLOG_INFO;
        m->index = calloc(1, sizeof(Index));
        if (!m->index) {
                free(m);
                return -ENOMEM;
        }
        m->exit_code_override = -1;
        dual_timestamp_now(&m->ts_startup);
        r = registry_create(m, &m->registry);
        if (r < 0)
                goto fail;
        r = sd_event_new(&m->event);
        if (r < 0)
                goto fail;

        sigemptyset(&ss);
        for (int sig = 1; sig < SIGRTMIN; sig++)
                if (sig != SIGKILL && sig != SIGSTOP && sig != SIGSEGV && sig != SIGBUS && sig != SIGILL &&
                    sig != SIGFPE && sig != SIGABRT && sig != SIGTRAP && sig != SIGSYS)
                        sigaddset(&ss, sig);
        for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
                sigaddset(&ss, sig);
        sigprocmask(SIG_BLOCK, &ss, NULL);

        if ((r = sd_event_add_signal(m->event, NULL, SIGCHLD, on_sigchld, m)) < 0)
                goto fail;
        {
                /* SIGTERM, SIGINT (ctrl-C), SIGRTMIN+3 (halt: systemd images' STOPSIGNAL),
                 * SIGRTMIN+4 (poweroff), SIGRTMIN+5 (reboot: a container just stops). */
                int stops[] = { SIGTERM, SIGINT, SIGRTMIN + 3, SIGRTMIN + 4, SIGRTMIN + 5, SIGPWR };
                for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
                        if ((r = sd_event_add_signal(m->event, NULL, stops[i], on_shutdown_signal, m)) < 0)
                                goto fail;
                for (int k = 13; k <= 16; k++)
                        if ((r = sd_event_add_signal(m->event, NULL, SIGRTMIN + k, on_force_signal, m)) < 0)
                                goto fail;
                int fwd[] = { SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP };
                for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
                        sd_event_add_signal(m->event, NULL, fwd[i], on_forward_signal, m);
        }
        r = sd_event_add_defer(m->event, &m->defer_dispatch, on_defer, m);
        if (r < 0)
                goto fail;
        sd_event_source_set_enabled(m->defer_dispatch, SD_EVENT_OFF);
        r = sd_event_add_defer(m->event, &m->defer_gc, on_gc, m);
        if (r < 0)
                goto fail;
        sd_event_source_set_enabled(m->defer_gc, SD_EVENT_OFF);
        sd_event_source_set_priority(m->defer_gc, SD_EVENT_PRIORITY_IDLE);
        /* Notifications before SIGCHLD, so READY=1 followed by exit is seen in that order. */
        r = setup_notify(m);
        if (r < 0)
                manager_log(m, MLOG_WARN, "cannot create the notify socket: %s; Type=notify services will time out", strerror(-r));
        else
                sd_event_source_set_priority(m->notify_source, SD_EVENT_PRIORITY_IMPORTANT);
        m->log = logrelay_new(m, STDOUT_FILENO);
        *ret = m;
        return 0;
fail:
        manager_free(m);
        return r;
}

/* Frees a unit's runtime side and its loaded unit; the caller has unlinked it. */
static void munit_destroy(Manager *m, MUnit *u) {
        logrelay_detach(m->log, u);
        socket_free(u);
        timer_free(u);
        path_free(u);
        if (u->accept_fd >= 0)
                close(u->accept_fd);
        if (u->out_wfd >= 0)
                close(u->out_wfd);
        sd_event_source_unref(u->timer);
        sd_event_source_unref(u->watchdog);
        sd_event_source_unref(u->cg_watch_source);
        if (u->cg_watch_fd >= 0)
                close(u->cg_watch_fd);
        if (u->main_pidfd >= 0)
                close(u->main_pidfd);
        for (unsigned i = 0; i < u->n_strays; i++)
                close(u->stray_pidfd[i]);
        free(u->cgroup);
        for (int d = 0; d < _UNIT_DEPENDENCY_MAX; d++)
                free(u->deps[d]);
        free(u->after_me);
        free(u->triggered_by);
        free(u->bound_by);
        free(u->status_text);
        free(u->linebuf);
        free(u->allowed_cpus);
        unit_free(u->u);
        free(u->id);
        free(u);
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        for (size_t i = 0; i < m->n_units; i++)
                munit_destroy(m, m->units[i]);
        busname_done(m);
        free(m->units);
        free(m->procs);
        if (m->index) {
                Index *ix = m->index;
                for (size_t i = 0; i < ix->cap; i++)
                        free(ix->slots[i].name);
                free(ix->slots);
                free(m->index);
        }
        m->log = logrelay_free(m->log);
        sd_event_source_unref(m->notify_source);
        sd_event_source_unref(m->defer_dispatch);
        sd_event_source_unref(m->defer_gc);
        sd_event_source_unref(m->shutdown_timer);
        if (m->notify_fd >= 0)
                close(m->notify_fd);
        if (m->notify_path[0] == '/')
                unlink(m->notify_path);
        sd_event_unref(m->event);
        for (size_t i = 0; i < m->n_graveyard; i++)
                unit_free(m->graveyard[i].unit);
        free(m->graveyard);
        unit_registry_free(m->registry);
        strv_free(m->command);
        free(m);
        return NULL;
}

static void on_cg_log(void *userdata, int level, const char *message) {
        Manager *m = userdata;
        manager_log(m, level <= 3 ? MLOG_ERR : level == 4 ? MLOG_WARN : level <= 6 ? MLOG_INFO : MLOG_DEBUG, "cgroup: %s", message);
}

void manager_setup_cgroups(Manager *m) {
        struct env_info *info = calloc(1, sizeof(*info));
        struct cg_takeover_result *res = calloc(1, sizeof(*res));
        char warning[CG_WARNING_MAX];
        int r;

        if (!info || !res)
                goto out;
        r = env_detect("/", info);
        if (r < 0) {
                manager_log(m, MLOG_WARN, "cannot detect the environment (%s): running without cgroups", strerror(-r));
                goto out;
        }
        cg_manager_init(&m->cg, info, on_cg_log, m);
        /* Only PID 1 owns its cgroup: anything else would move processes it does not own. */
        if ((m->cg.caps & CG_CAP_TREE) && getpid() == 1) {
                r = cg_manager_takeover(&m->cg, res);
                if (r >= 0) {
                        char list[512] = "";
                        size_t n = 0;
                        for (size_t i = 0; i < res->n_enabled && n < sizeof(list); i++)
                                n += (size_t) snprintf(list + n, sizeof(list) - n, "%s%s", i ? " " : "", res->enabled[i]);
                        m->cg_tree = true;
                        manager_log(m, MLOG_INFO, "cgroup v2 delegated: PID 1 moved to init.scope; controllers enabled: %s",
                                    n ? list : "(none)");
                }
        } else if (m->cg.caps & CG_CAP_TREE) {
                m->cg.caps &= ~(unsigned) (CG_CAP_TREE | CG_CAP_KILL | CG_CAP_FREEZE | CG_CAP_CLONE_INTO);
                snprintf(m->cg.why, sizeof(m->cg.why), "not PID 1: the cgroup is not ours to take over");
        }
        if (cg_manager_warning(&m->cg, warning, sizeof(warning)) > 0)
                manager_log(m, MLOG_WARN, "%s", warning);
out:
        free(info);
        free(res);
}

int manager_run(Manager *m) {
        int r = sd_event_loop(m->event);
        logrelay_finish(m->log);
        /* `systemctl exit N` / SetExitCode(): the container's exit status, as systemd gives it
         * to a container manager. */
        if (r >= 0 && m->exit_code_override >= 0)
                r = m->exit_code_override;
        return r;
}
