/* SPDX-License-Identifier: MIT */
/* systemd's implicit dependencies and effective defaults, see unit-defaults.h.
 *
 * The rules follow systemd 252 (Debian 12) as the system manager, checked against the unit dump
 * of Debian's own systemd (`systemd --test --system`, see tests/integration/test_verify.py) and
 * documented in systemd.unit(5), systemd.service(5), systemd.exec(5), systemd.kill(5),
 * systemd.socket(5), systemd.timer(5), systemd.path(5), systemd.target(5), systemd.mount(5),
 * systemd.resource-control(5) and the compile-time defaults of systemd-system.conf(5)
 * (DefaultTimeoutStartSec=90s, DefaultRestartSec=100ms, DefaultStartLimitIntervalSec=10s,
 * DefaultStartLimitBurst=5, DefaultStandardOutput=journal, DefaultLimitNOFILE=1024:524288,
 * DefaultLimitMEMLOCK=8M, ...). Values systemd takes from the running system (the manager's own
 * nice level, OOM score, scheduling, rlimits it inherited, the capability set of the kernel,
 * TasksMax= as a share of the kernel's limit, CPUAccounting= by kernel version) are not
 * guessed: they have no value here. */
#include "unit-defaults.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "sdu-util.h"
#include "unit-directives.h"

/* ---- time spans ---- */

char *unit_format_timespan_show(uint64_t t) {
        static const struct {
                const char *suffix;
                uint64_t usec;
        } table[] = {
                { "y", UINT64_C(31557600) * SDU_USEC_PER_SEC },
                { "month", UINT64_C(2629800) * SDU_USEC_PER_SEC },
                { "w", UINT64_C(604800) * SDU_USEC_PER_SEC },
                { "d", UINT64_C(86400) * SDU_USEC_PER_SEC },
                { "h", UINT64_C(3600) * SDU_USEC_PER_SEC },
                { "min", UINT64_C(60) * SDU_USEC_PER_SEC },
                { "s", SDU_USEC_PER_SEC },
                { "ms", UINT64_C(1000) },
                { "us", 1 },
        };
        SduBuf b = {};
        int r = 0;

        if (t == SDU_USEC_INFINITY)
                return strdup("infinity");
        if (t == 0)
                return strdup("0");
        for (size_t i = 0; i < SDU_ELEMENTSOF(table) && t > 0 && r >= 0; i++) {
                uint64_t a, rest;
                int digits = 0;
                char part[96];

                if (t < table[i].usec)
                        continue;
                a = t / table[i].usec;
                rest = t % table[i].usec;
                /* Below a minute a remainder is written as decimals of this unit ("1.500000s"),
                 * with as many digits as the unit has microseconds. */
                if (t < table[5].usec && rest > 0) { /* table[5]: a minute */
                        for (uint64_t cc = table[i].usec; cc > 1; cc /= 10)
                                digits++;
                        if (digits > 0) {
                                snprintf(part, sizeof(part), "%s%llu.%0*llu%s", b.len ? " " : "", (unsigned long long) a,
                                         digits & 7 /* at most 6; bounded for the compiler */, (unsigned long long) rest,
                                         table[i].suffix);
                                r = sdu_buf_puts(&b, part);
                                break;
                        }
                }
                snprintf(part, sizeof(part), "%s%llu%s", b.len ? " " : "", (unsigned long long) a, table[i].suffix);
                r = sdu_buf_puts(&b, part);
                t = rest;
        }
        if (r < 0) {
                sdu_buf_done(&b);
                return NULL;
        }
        return sdu_buf_steal(&b);
}

/* ---- reading the unit ---- */

static unsigned row_count(const Unit *u, size_t i) {
        if (u->settings)
                return u->settings[i].count;
        return u->settings_set && ((u->settings_set[i / 8] >> (i % 8)) & 1) ? 1 : 0;
}

/* Whether row i was assigned, directly or through an alias row (the legacy [Service]
 * StartLimitBurst= for [Unit] StartLimitBurst=, ...). */
static bool row_is_set(const Unit *u, size_t i) {
        const UnitDirective *d = unit_directive_table + i;

        if (row_count(u, i) > 0)
                return true;
        for (size_t j = 0; j < unit_directive_table_size; j++) {
                const UnitDirective *a = unit_directive_table + j;

                if (j != i && (a->flags & DIRECTIVE_NO_DUMP) && a->kind == d->kind && a->offset == d->offset &&
                    a->data == d->data && d->kind != KIND_RAW && unit_directive_applies(a, u->type) && row_count(u, j) > 0)
                        return true;
        }
        return false;
}

/* The row of a key: [Unit] keys by "Unit", everything else in the unit type's own section. */
static int row_of(const Unit *u, const char *section, const char *key) {
        const char *own = unit_type_section(u->type);

        if (!section)
                section = own;
        if (!section)
                return -ENOENT;
        return unit_directive_lookup(u->type, section, key);
}

static bool is_set(const Unit *u, const char *section, const char *key) {
        int i = row_of(u, section, key);

        return i >= 0 && row_is_set(u, (size_t) i);
}

/* The last value of a not-enforced (raw) setting, or NULL. */
static const char *raw_value(const Unit *u, const char *key) {
        int i = row_of(u, NULL, key);
        char **raw;
        size_t n;

        if (i < 0 || !u->settings || u->settings[i].count == 0)
                return NULL;
        raw = u->settings[i].raw;
        n = sdu_strv_length(raw);
        return n > 0 ? raw[n - 1] : NULL;
}

static int raw_bool(const Unit *u, const char *key) {
        const char *v = raw_value(u, key);

        return v ? sdu_parse_boolean(v) : -1;
}

static bool dynamic_user(const Unit *u) {
        return raw_bool(u, "DynamicUser") > 0;
}

/* Delegate= on: a boolean yes, or a list of controllers. */
static bool delegate_on(const Unit *u) {
        const char *v = raw_value(u, "Delegate");

        return v && sdu_parse_boolean(v) != 0;
}

static char *row_text(const Unit *u, const char *section, const char *key) {
        int i = row_of(u, section, key);
        char *v = NULL;

        if (i < 0 || !row_is_set(u, (size_t) i) || unit_directive_format(u, (size_t) i, &v) < 0)
                return NULL;
        return v;
}

int unit_effective_service_type(const Unit *u) {
        if (u->service.type >= 0)
                return u->service.type;
        if (u->service.bus_name)
                return SERVICE_DBUS;
        return u->service.exec_start.n > 0 ? SERVICE_SIMPLE : SERVICE_ONESHOT;
}

static bool type_has_exec(UnitType t) {
        return t == UNIT_SERVICE || t == UNIT_SOCKET || t == UNIT_MOUNT || t == UNIT_SWAP;
}

static bool type_has_cgroup(UnitType t) {
        return type_has_exec(t) || t == UNIT_SLICE || t == UNIT_SCOPE;
}

int unit_effective_slice(const Unit *u, char **ret) {
        char *prefix = NULL, *escaped = NULL, *s = NULL;
        int r;

        *ret = NULL;
        if (!type_has_cgroup(u->type) || u->type == UNIT_SCOPE)
                return 0;
        if (u->type == UNIT_SLICE) {
                /* The parent is encoded in the name: a-b-c.slice lives in a-b.slice. */
                const char *dash;

                if (sdu_streq(u->id, "-.slice"))
                        return 0;
                r = unit_name_to_prefix(u->id, &prefix);
                if (r < 0)
                        return r == -ENOMEM ? r : 0;
                dash = strrchr(prefix, '-');
                s = dash ? sdu_asprintf("%.*s.slice", (int) (dash - prefix), prefix) : strdup("-.slice");
                free(prefix);
                if (!s)
                        return -ENOMEM;
                *ret = s;
                return 0;
        }
        if (u->cgroup.slice)
                s = strdup(u->cgroup.slice);
        else if (u->instance) {
                /* Instances get a slice per template, the prefix escaped once more ("-" has a
                 * meaning in slice names). */
                r = unit_name_to_prefix(u->id, &prefix);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0) {
                        r = unit_name_escape(prefix, &escaped);
                        if (r == -ENOMEM) {
                                free(prefix);
                                return r;
                        }
                }
                s = escaped ? sdu_strjoin3("system-", escaped, ".slice") : strdup("system.slice");
                free(prefix);
                free(escaped);
        } else
                s = strdup("system.slice");
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

/* "x.socket" -> "x.service" (instances keep their instance). */
static char *same_name_service(const Unit *u) {
        char *p = NULL, *s;

        if (unit_name_to_id_prefix(u->id, &p) < 0)
                return NULL;
        s = sdu_strjoin3(p, ".service", NULL);
        free(p);
        return s;
}

/* ---- standard output ---- */

static bool output_is_logging(const char *v) {
        return v && (sdu_streq(v, "journal") || sdu_streq(v, "journal+console") || sdu_streq(v, "kmsg") ||
                     sdu_streq(v, "kmsg+console"));
}

/* The effective StandardInput=/Output=/Error= (each malloc()ed). Services: stdin "data" when
 * StandardInputText= is set; stdout "inherit" (explicit or not) becomes the manager's default
 * (journal) unless stdin is a terminal, a socket or an fd, which are bidirectional (systemd's
 * service_fix_stdio()). */
static int effective_stdio(const Unit *u, char **in, char **out, char **err) {
        char *i = row_text(u, NULL, "StandardInput"), *o = row_text(u, NULL, "StandardOutput"),
             *e = row_text(u, NULL, "StandardError");

        if (!i || (sdu_streq(i, "null") && u->exec.standard_input_text)) {
                free(i);
                i = strdup(u->exec.standard_input_text && u->type == UNIT_SERVICE ? "data" : "null");
        }
        if (u->type == UNIT_SERVICE) {
                bool bidir = i && (sdu_startswith(i, "tty") || sdu_streq(i, "socket") || sdu_startswith(i, "fd"));

                if (!bidir && (!o || sdu_streq(o, "inherit"))) {
                        free(o);
                        o = strdup("journal");
                } else if (!o)
                        o = strdup("inherit");
        } else if (!o)
                o = strdup("journal");
        if (!e)
                e = strdup("inherit");
        if (!i || !o || !e) {
                free(i);
                free(o);
                free(e);
                return -ENOMEM;
        }
        *in = i;
        *out = o;
        *err = e;
        return 0;
}

/* ---- implicit dependencies ---- */

typedef struct DepCtx {
        const Unit *u;
        UnitImplicitDeps *d;
} DepCtx;

static bool names_unit(const Unit *u, const char *name) {
        return sdu_streq(u->id, name) || sdu_strv_contains(u->names, name);
}

static int add(DepCtx *c, UnitDependency kind, const char *name) {
        if (!name || names_unit(c->u, name) || sdu_strv_contains(c->u->unit.deps[kind], name) ||
            sdu_strv_contains(c->d->deps[kind], name))
                return 0;
        return sdu_strv_extend(&c->d->deps[kind], name);
}

static int add2(DepCtx *c, UnitDependency a, UnitDependency b, const char *name) {
        int r = add(c, a, name);

        return r < 0 ? r : add(c, b, name);
}

static bool fstype_is_network(const char *t) {
        static const char *const net[] = { "afs",    "ceph",   "cifs",  "gfs",     "gfs2",   "ncp",   "ncpfs",
                                           "nfs",    "nfs4",   "ocfs2", "orangefs", "pvfs2", "smb3",  "smbfs",
                                           "davfs",  "glusterfs", "lustre", "sshfs", NULL };
        const char *f;

        if (!t)
                return false;
        f = sdu_startswith(t, "fuse.");
        if (f)
                t = f;
        for (size_t i = 0; net[i]; i++)
                if (sdu_streq(net[i], t))
                        return true;
        return false;
}

/* Whether a comma-separated mount option list has option (no value). */
static bool has_mount_option(const char *opts, const char *option) {
        size_t n = strlen(option);

        for (const char *p = opts; p && *p;) {
                const char *e = strchrnul(p, ',');

                if ((size_t) (e - p) == n && strncmp(p, option, n) == 0)
                        return true;
                p = *e ? e + 1 : e;
        }
        return false;
}

static bool path_under(const char *p, const char *prefix) {
        const char *rest = sdu_startswith(p, prefix);

        return rest && (*rest == 0 || *rest == '/');
}

/* systemd.mount(5), "Default Dependencies". */
static int mount_default_deps(DepCtx *c) {
        const MountSettings *m = &c->u->mount;
        const char *where = m->where;
        bool network, nofail;
        int r;

        if (!where || sdu_streq(where, "/") || sdu_streq(where, "/usr") || path_under(where, "/run/initramfs") ||
            path_under(where, "/proc") || path_under(where, "/sys") || path_under(where, "/dev"))
                return 0;
        network = has_mount_option(m->options, "_netdev") || fstype_is_network(m->type);
        nofail = has_mount_option(m->options, "nofail");
        if (network) {
                if ((r = add(c, UNIT_AFTER, "network.target")) < 0 ||
                    (r = add2(c, UNIT_WANTS, UNIT_AFTER, "network-online.target")) < 0)
                        return r;
        }
        if (!nofail && (r = add(c, UNIT_BEFORE, network ? "remote-fs.target" : "local-fs.target")) < 0)
                return r;
        if ((r = add(c, UNIT_AFTER, network ? "remote-fs-pre.target" : "local-fs-pre.target")) < 0 ||
            (r = add2(c, UNIT_BEFORE, UNIT_CONFLICTS, "umount.target")) < 0)
                return r;
        /* A tmpfs is unmounted before swap goes away. */
        if (sdu_streq(m->type, "tmpfs"))
                return add(c, UNIT_AFTER, "swap.target");
        return 0;
}

/* Whether `target` is ordered before `other` (so that After= other would make a loop). */
static bool ordered_before(const Unit *target, const UnitImplicitDeps *target_implicit, const Unit *other, const char *name) {
        UnitImplicitDeps od = {};
        bool before = sdu_strv_contains(target->unit.deps[UNIT_BEFORE], name) ||
                      sdu_strv_contains(target_implicit->deps[UNIT_BEFORE], name);

        for (size_t i = 0; !before && target->names && target->names[i]; i++)
                before = sdu_strv_contains(other->unit.deps[UNIT_AFTER], target->names[i]);
        /* The other unit's own implicit After= (a service is After=basic.target, ...). Not
         * followed further for targets: systemd adds those in queue order. */
        if (!before && unit_implicit_deps(other, UNIT_IMPLICIT_ALL, NULL, NULL, &od) >= 0) {
                for (size_t i = 0; !before && target->names && target->names[i]; i++)
                        before = sdu_strv_contains(od.deps[UNIT_AFTER], target->names[i]);
                unit_implicit_deps_done(&od);
        }
        return before;
}

/* systemd.target(5): a target is After= the units it Requires=/Requisite=/Wants=/BindsTo=/Upholds=
 * when both are loaded, both have DefaultDependencies=yes and the other unit is not ordered
 * after the target already. */
static int target_after_deps(DepCtx *c, UnitLookupFn lookup, void *userdata) {
        static const UnitDependency pulls[] = { UNIT_REQUIRES, UNIT_REQUISITE, UNIT_WANTS, UNIT_BINDS_TO, UNIT_UPHOLDS };

        if (!lookup || c->u->load_state != UNIT_LOADED)
                return 0;
        for (size_t k = 0; k < SDU_ELEMENTSOF(pulls); k++)
                for (char **n = c->u->unit.deps[pulls[k]]; n && *n; n++) {
                        const Unit *o = lookup(*n, userdata);
                        int r;

                        if (!o || o->load_state != UNIT_LOADED || o->unit.default_dependencies == 0 ||
                            ordered_before(c->u, c->d, o, *n))
                                continue;
                        r = add(c, UNIT_AFTER, *n);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int default_deps(DepCtx *c, UnitLookupFn lookup, void *userdata) {
        const Unit *u = c->u;
        int r = 0;

        switch (u->type) {
        case UNIT_SERVICE:
                if ((r = add2(c, UNIT_REQUIRES, UNIT_AFTER, "sysinit.target")) < 0 ||
                    (r = add(c, UNIT_AFTER, "basic.target")) < 0)
                        return r;
                break;
        case UNIT_SOCKET:
        case UNIT_TIMER:
        case UNIT_PATH:
                r = add(c, UNIT_BEFORE,
                        u->type == UNIT_SOCKET ? "sockets.target" : u->type == UNIT_TIMER ? "timers.target" : "paths.target");
                if (r < 0 || (r = add2(c, UNIT_REQUIRES, UNIT_AFTER, "sysinit.target")) < 0)
                        return r;
                /* systemd.timer(5): OnCalendar= timers wait for the clock. */
                if (u->type == UNIT_TIMER && u->timer.on_calendar &&
                    ((r = add(c, UNIT_AFTER, "time-set.target")) < 0 || (r = add(c, UNIT_AFTER, "time-sync.target")) < 0))
                        return r;
                break;
        case UNIT_TARGET:
                if ((r = target_after_deps(c, lookup, userdata)) < 0)
                        return r;
                if (sdu_streq(u->id, "shutdown.target"))
                        return 0;
                break;
        case UNIT_SLICE:
                break;
        case UNIT_MOUNT:
                return mount_default_deps(c);
        default:
                return 0; /* swap, automount, scope, device: not computed */
        }
        return add2(c, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
}

static int trigger_deps(DepCtx *c) {
        const Unit *u = c->u;
        char *own = NULL;
        const char *target = NULL;
        int r = 0;

        switch (u->type) {
        case UNIT_SERVICE:
                for (char **s = u->service.sockets; s && *s && r >= 0; s++) {
                        r = add2(c, UNIT_WANTS, UNIT_AFTER, *s);
                        if (r >= 0 && !sdu_strv_contains(c->d->triggered_by, *s))
                                r = sdu_strv_extend(&c->d->triggered_by, *s);
                }
                return r;
        case UNIT_SOCKET:
                if (u->socket.accept > 0)
                        return 0; /* an instance per connection: nothing fixed to trigger */
                target = u->socket.service;
                break;
        case UNIT_TIMER:
                target = u->timer.unit;
                break;
        case UNIT_PATH:
                target = u->path.unit;
                break;
        default:
                return 0;
        }
        if (!target) {
                own = same_name_service(u);
                if (!own)
                        return -ENOMEM;
                target = own;
        }
        r = add2(c, UNIT_BEFORE, UNIT_TRIGGERS, target);
        free(own);
        return r;
}

static int exec_deps(DepCtx *c) {
        const Unit *u = c->u;
        char *in = NULL, *out = NULL, *err = NULL;
        bool has_exec = true;
        int r;

        if (u->type == UNIT_SERVICE && unit_effective_service_type(u) == SERVICE_DBUS &&
            (r = add2(c, UNIT_REQUIRES, UNIT_AFTER, "dbus.socket")) < 0)
                return r;
        if (!type_has_exec(u->type))
                return 0;
        if (u->type == UNIT_SOCKET) {
                const SocketSettings *s = &u->socket;
                has_exec = s->exec_start_pre.n || s->exec_start_post.n || s->exec_stop_pre.n || s->exec_stop_post.n;
        }
        if (!has_exec)
                return 0;
        if (raw_bool(u, "PrivateTmp") > 0 || dynamic_user(u)) {
                if ((r = add2(c, UNIT_AFTER, UNIT_WANTS, "tmp.mount")) < 0 ||
                    (r = add(c, UNIT_AFTER, "systemd-tmpfiles-setup.service")) < 0)
                        return r;
        }
        if ((u->exec.state_directory || u->exec.cache_directory || u->exec.logs_directory) &&
            (r = add(c, UNIT_AFTER, "systemd-remount-fs.service")) < 0)
                return r;
        /* LogNamespace= pulls in that namespace's journald instead (not computed). */
        if (raw_value(u, "LogNamespace"))
                return 0;
        r = effective_stdio(u, &in, &out, &err);
        if (r >= 0 && (output_is_logging(out) || output_is_logging(err)))
                r = add(c, UNIT_AFTER, "systemd-journald.socket");
        free(in);
        free(out);
        free(err);
        return r;
}

/* systemd.mount(5), "Implicit Dependencies": a block device backed mount needs its device. */
static int device_deps(DepCtx *c) {
        const char *what = c->u->mount.what;
        char *esc = NULL, *dev, *blk;
        int r;

        if (c->u->type != UNIT_MOUNT || !what || !path_under(what, "/dev") || sdu_streq(what, "/dev") ||
            sdu_streq(what, "/dev/root"))
                return 0;
        r = unit_name_path_escape(what, &esc);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        dev = sdu_strjoin3(esc, ".device", NULL);
        blk = sdu_strjoin3("blockdev@", esc, ".target");
        r = dev && blk ? add2(c, UNIT_REQUIRES, UNIT_AFTER, dev) : -ENOMEM;
        if (r >= 0)
                r = add(c, UNIT_AFTER, blk);
        free(esc);
        free(dev);
        free(blk);
        return r;
}

static int slice_deps(DepCtx *c) {
        char *s = NULL;
        int r;

        r = unit_effective_slice(c->u, &s);
        if (r >= 0 && s)
                r = add2(c, UNIT_REQUIRES, UNIT_AFTER, s);
        free(s);
        return r;
}

void unit_implicit_deps_done(UnitImplicitDeps *d) {
        for (int i = 0; i < _UNIT_DEPENDENCY_MAX; i++)
                sdu_strv_free(d->deps[i]);
        sdu_strv_free(d->triggered_by);
        *d = (UnitImplicitDeps) {};
}

int unit_implicit_deps(const Unit *u, unsigned which, UnitLookupFn lookup, void *userdata, UnitImplicitDeps *ret) {
        UnitImplicitDeps d = {};
        DepCtx c = { u, &d };
        int r = 0;

        /* In systemd's order: the type's own extras, then the slice, then the default ones. */
        if (which & UNIT_IMPLICIT_TRIGGER)
                r = trigger_deps(&c);
        if (r >= 0 && (which & UNIT_IMPLICIT_EXEC))
                r = exec_deps(&c);
        if (r >= 0 && (which & UNIT_IMPLICIT_DEVICE))
                r = device_deps(&c);
        if (r >= 0 && (which & UNIT_IMPLICIT_SLICE))
                r = slice_deps(&c);
        if (r >= 0 && (which & UNIT_IMPLICIT_DEFAULT) && u->unit.default_dependencies != 0)
                r = default_deps(&c, lookup, userdata);
        if (r < 0) {
                unit_implicit_deps_done(&d);
                return r;
        }
        *ret = d;
        return 0;
}

/* ---- properties ---- */

/* Values that do not depend on anything else, by section and directive (the property is named
 * after the directive, see property_name()). */
static const struct {
        const char *section, *key, *value;
} constant_defaults[] = {
        /* systemd.unit(5); OnSuccessJobMode= is "fail" in systemd 252 (the man page says
         * "replace"; the unit dump and D-Bus say fail). Start limits: systemd-system.conf(5). */
        { "Unit", "OnFailureJobMode", "replace" },
        { "Unit", "OnSuccessJobMode", "fail" },
        { "Unit", "StopWhenUnneeded", "no" },
        { "Unit", "RefuseManualStart", "no" },
        { "Unit", "RefuseManualStop", "no" },
        { "Unit", "AllowIsolate", "no" },
        { "Unit", "DefaultDependencies", "yes" },
        { "Unit", "SurviveFinalKillSignal", "no" },
        { "Unit", "CollectMode", "inactive" },
        { "Unit", "FailureAction", "none" },
        { "Unit", "SuccessAction", "none" },
        { "Unit", "FailureActionExitStatus", "-1" },
        { "Unit", "SuccessActionExitStatus", "-1" },
        { "Unit", "JobTimeoutSec", "infinity" },
        { "Unit", "JobRunningTimeoutSec", "infinity" },
        { "Unit", "JobTimeoutAction", "none" },
        { "Unit", "StartLimitIntervalSec", "10s" },
        { "Unit", "StartLimitBurst", "5" },
        { "Unit", "StartLimitAction", "none" },
        /* systemd.service(5) */
        { "Service", "ExitType", "main" },
        { "Service", "Restart", "no" },
        { "Service", "RestartSec", "100ms" },
        { "Service", "TimeoutStopSec", "1min 30s" },
        { "Service", "TimeoutStartFailureMode", "terminate" },
        { "Service", "TimeoutStopFailureMode", "terminate" },
        { "Service", "RuntimeMaxSec", "infinity" },
        { "Service", "RuntimeRandomizedExtraSec", "0" },
        { "Service", "WatchdogSec", "0" },
        { "Service", "RemainAfterExit", "no" },
        { "Service", "GuessMainPID", "yes" },
        { "Service", "PermissionsStartOnly", "no" },
        { "Service", "NonBlocking", "no" },
        { "Service", "RootDirectoryStartOnly", "no" },
        { "Service", "FileDescriptorStoreMax", "0" },
        /* systemd.socket(5) */
        { "Socket", "Accept", "no" },
        { "Socket", "Writable", "no" },
        { "Socket", "FlushPending", "no" },
        { "Socket", "KeepAlive", "no" },
        { "Socket", "NoDelay", "no" },
        { "Socket", "FreeBind", "no" },
        { "Socket", "Transparent", "no" },
        { "Socket", "Broadcast", "no" },
        { "Socket", "PassCredentials", "no" },
        { "Socket", "PassSecurity", "no" },
        { "Socket", "PassPacketInfo", "no" },
        { "Socket", "ReusePort", "no" },
        { "Socket", "RemoveOnStop", "no" },
        { "Socket", "BindIPv6Only", "default" },
        { "Socket", "Backlog", "2147483647" }, /* INT_MAX in 252; the man page says 4294967295 */
        { "Socket", "MaxConnections", "64" },
        { "Socket", "SocketMode", "0666" },
        { "Socket", "DirectoryMode", "0755" },
        { "Socket", "TimeoutSec", "1min 30s" },
        { "Socket", "TriggerLimitIntervalSec", "2s" },
        /* systemd.timer(5) */
        { "Timer", "AccuracySec", "1min" },
        { "Timer", "RandomizedDelaySec", "0" },
        { "Timer", "FixedRandomDelay", "no" },
        { "Timer", "OnClockChange", "no" },
        { "Timer", "OnTimezoneChange", "no" },
        { "Timer", "Persistent", "no" },
        { "Timer", "WakeSystem", "no" },
        { "Timer", "RemainAfterElapse", "yes" },
        /* systemd.path(5) */
        { "Path", "MakeDirectory", "no" },
        { "Path", "DirectoryMode", "0755" },
        { "Path", "TriggerLimitIntervalSec", "2s" },
        { "Path", "TriggerLimitBurst", "200" },
        /* systemd.mount(5) */
        { "Mount", "SloppyOptions", "no" },
        { "Mount", "LazyUnmount", "no" },
        { "Mount", "ReadWriteOnly", "no" },
        { "Mount", "ForceUnmount", "no" },
        { "Mount", "DirectoryMode", "0755" },
        { "Mount", "TimeoutSec", "1min 30s" },
        /* systemd.exec(5); SyslogFacility=daemon and SyslogLevel=info as systemctl prints them
         * (numbers), LogLevelMax= unset is -1. */
        { "@exec", "UMask", "0022" },
        { "@exec", "IgnoreSIGPIPE", "yes" },
        { "@exec", "SyslogFacility", "3" },
        { "@exec", "SyslogLevel", "6" },
        { "@exec", "SyslogLevelPrefix", "yes" },
        { "@exec", "LogLevelMax", "-1" },
        { "@exec", "TTYReset", "no" },
        { "@exec", "TTYVHangup", "no" },
        { "@exec", "TTYVTDisallocate", "no" },
        { "@exec", "RuntimeDirectoryMode", "0755" },
        { "@exec", "StateDirectoryMode", "0755" },
        { "@exec", "CacheDirectoryMode", "0755" },
        { "@exec", "LogsDirectoryMode", "0755" },
        { "@exec", "ConfigurationDirectoryMode", "0755" },
        { "@exec", "RuntimeDirectoryPreserve", "no" },
        { "@exec", "DynamicUser", "no" },
        { "@exec", "PrivateDevices", "no" },
        { "@exec", "PrivateNetwork", "no" },
        { "@exec", "PrivateUsers", "no" },
        { "@exec", "PrivateIPC", "no" },
        { "@exec", "PrivateMounts", "no" },
        { "@exec", "ProtectKernelTunables", "no" },
        { "@exec", "ProtectKernelModules", "no" },
        { "@exec", "ProtectKernelLogs", "no" },
        { "@exec", "ProtectControlGroups", "no" },
        { "@exec", "ProtectClock", "no" },
        { "@exec", "ProtectHostname", "no" },
        { "@exec", "ProtectProc", "default" },
        { "@exec", "ProcSubset", "all" },
        { "@exec", "RestrictRealtime", "no" },
        { "@exec", "RestrictNamespaces", "no" },
        { "@exec", "LockPersonality", "no" },
        { "@exec", "MemoryDenyWriteExecute", "no" },
        { "@exec", "CPUSchedulingResetOnFork", "no" },
        { "@exec", "UtmpMode", "init" },
        /* systemd.kill(5), as numbers like systemctl prints signals */
        { "@kill", "KillMode", "control-group" },
        { "@kill", "KillSignal", "15" },
        { "@kill", "FinalKillSignal", "9" },
        { "@kill", "WatchdogSignal", "6" },
        { "@kill", "SendSIGKILL", "yes" },
        { "@kill", "SendSIGHUP", "no" },
        /* systemd.resource-control(5), systemd-system.conf(5) Default*Accounting= */
        { "@cgroup", "MemoryAccounting", "yes" },
        { "@cgroup", "IOAccounting", "no" },
        { "@cgroup", "TasksAccounting", "yes" },
        { "@cgroup", "IPAccounting", "no" },
        { "@cgroup", "CPUWeight", "[not set]" },
        { "@cgroup", "StartupCPUWeight", "[not set]" },
        { "@cgroup", "IOWeight", "[not set]" },
        { "@cgroup", "StartupIOWeight", "[not set]" },
        { "@cgroup", "CPUQuota", "infinity" },
        { "@cgroup", "CPUQuotaPeriodSec", "infinity" },
        { "@cgroup", "MemoryMin", "0" },
        { "@cgroup", "MemoryLow", "0" },
        { "@cgroup", "MemoryHigh", "infinity" },
        { "@cgroup", "MemoryMax", "infinity" },
        { "@cgroup", "MemorySwapMax", "infinity" },
        { "@cgroup", "MemoryLimit", "infinity" },
        { "@cgroup", "DefaultMemoryMin", "0" },
        { "@cgroup", "DefaultMemoryLow", "0" },
        { "@cgroup", "Delegate", "no" },
        { "@cgroup", "DevicePolicy", "auto" },
        { "@cgroup", "ManagedOOMSwap", "auto" },
        { "@cgroup", "ManagedOOMMemoryPressure", "auto" },
        { "@cgroup", "ManagedOOMPreference", "none" },
};

/* systemctl's name for a directive: time spans are exported in microseconds as ...USec. */
static char *property_name(const UnitDirective *d) {
        if (sdu_streq(d->key, "CPUQuota"))
                return strdup("CPUQuotaPerSecUSec");
        if (d->kind == KIND_TIME && sdu_endswith(d->key, "Sec"))
                return sdu_asprintf("%.*sUSec", (int) (strlen(d->key) - 3), d->key);
        return strdup(d->key);
}

static bool valid_user_name(const char *s) {
        size_t n = s ? strlen(s) : 0;

        if (n == 0 || n > 31 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
                      s[i] == '_' || s[i] == '-'))
                        return false;
        return true;
}

char *unit_dynamic_user_name(const Unit *u) {
        char *p = NULL;

        if (unit_name_to_prefix(u->id, &p) < 0)
                return NULL;
        if (!valid_user_name(p)) {
                free(p);
                return NULL;
        }
        return p;
}

static int level_number(const char *v, bool facility) {
        static const char *const levels[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", NULL };
        static const char *const facilities[] = { "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
                                                  "uucp", "cron", "authpriv", "ftp", NULL };
        const char *const *t = facility ? facilities : levels;

        for (int i = 0; t[i]; i++)
                if (sdu_streq(t[i], v))
                        return i;
        if (facility && sdu_startswith(v, "local") && v[5] >= '0' && v[5] <= '7' && !v[6])
                return 16 + (v[5] - '0');
        return -1;
}

static char *enum_number(const char *key, const char *v) {
        static const char *const sched[] = { "other", "fifo", "rr", "batch", "4", "idle", NULL };
        static const char *const ioclass[] = { "none", "realtime", "best-effort", "idle", NULL };
        const char *const *t = sdu_streq(key, "CPUSchedulingPolicy") ? sched : ioclass;

        for (int i = 0; t[i]; i++)
                if (sdu_streq(t[i], v))
                        return sdu_asprintf("%d", i);
        return strdup(v);
}

static char *caps_lower(const char *v) {
        char *s = strdup(v);

        for (char *p = s; p && *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                        *p = (char) (*p - 'A' + 'a');
        return s;
}

static char *rlimit_text(uint64_t v) {
        return v == SDU_SIZE_INFINITY ? strdup("infinity") : sdu_asprintf("%llu", (unsigned long long) v);
}

typedef struct PropCtx {
        const Unit *u;
        UnitPropertyFn fn;
        void *userdata;
        UnitImplicitDeps deps;
        int r;
} PropCtx;

static void emit(PropCtx *c, const char *name, const char *key, const char *value) {
        c->fn(name, key, value, c->userdata);
}

/* Emits each line of a "\n"-joined value (a NULL value once, as NULL). */
static void emit_lines(PropCtx *c, const char *name, const char *key, const char *value) {
        char *copy, *save = NULL;
        bool any = false;

        if (!value || !*value) {
                emit(c, name, key, value);
                return;
        }
        copy = strdup(value);
        if (!copy) {
                c->r = -ENOMEM;
                return;
        }
        for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                emit(c, name, key, l);
                any = true;
        }
        if (!any)
                emit(c, name, key, "");
        free(copy);
}

static void emit_owned(PropCtx *c, const char *name, const char *key, char *value) {
        emit_lines(c, name, key, value);
        free(value);
}

static const char *constant_default(const UnitDirective *d) {
        for (size_t i = 0; i < SDU_ELEMENTSOF(constant_defaults); i++)
                if (sdu_streq(constant_defaults[i].section, d->section) && sdu_streq(constant_defaults[i].key, d->key))
                        return constant_defaults[i].value;
        return NULL;
}

static uint64_t time_field(const Unit *u, const char *section, const char *key, uint64_t dflt) {
        int i = row_of(u, section, key);

        if (i < 0 || !row_is_set(u, (size_t) i))
                return dflt;
        return *(const uint64_t *) ((const char *) u + unit_directive_table[i].offset);
}

#define USEC_90S (UINT64_C(90) * SDU_USEC_PER_SEC)

/* The default of an unset row, computed from the unit; NULL when there is none (or it is only
 * known at run time). May also return a constant from constant_defaults. */
static char *computed_default(const Unit *u, const UnitDirective *d) {
        const char *k = d->key, *cst;
        bool service = u->type == UNIT_SERVICE;

        if (sdu_streq(d->section, "Unit")) {
                if (sdu_streq(k, "Description")) {
                        if (u->type == UNIT_SLICE) {
                                char *p = NULL, *path = NULL, *s;
                                if (sdu_streq(u->id, "-.slice"))
                                        return strdup("Root Slice");
                                if (unit_name_to_prefix(u->id, &p) < 0 || unit_name_path_unescape(p, &path) < 0) {
                                        free(p);
                                        return strdup(u->id);
                                }
                                s = sdu_strjoin3("Slice ", path, NULL);
                                free(p);
                                free(path);
                                return s;
                        }
                        if (u->type == UNIT_MOUNT && u->mount.where)
                                return strdup(u->mount.where);
                        return strdup(u->id);
                }
                if (sdu_streq(k, "IgnoreOnIsolate"))
                        return strdup(u->type == UNIT_SLICE || u->type == UNIT_MOUNT || u->type == UNIT_SWAP ||
                                                      u->type == UNIT_AUTOMOUNT || u->type == UNIT_SCOPE
                                              ? "yes"
                                              : "no");
        }
        if (service && sdu_streq(d->section, "Service")) {
                if (sdu_streq(k, "Type")) {
                        const char *const *v = unit_directive_enum_values("Service", "Type");
                        return v ? strdup(v[unit_effective_service_type(u)]) : NULL;
                }
                if (sdu_streq(k, "TimeoutStartSec"))
                        return strdup(unit_effective_service_type(u) == SERVICE_ONESHOT ? "infinity" : "1min 30s");
                if (sdu_streq(k, "TimeoutAbortSec"))
                        return unit_format_timespan_show(time_field(u, "Service", "TimeoutStopSec", USEC_90S));
                if (sdu_streq(k, "NotifyAccess")) {
                        int t = unit_effective_service_type(u);
                        bool wd = is_set(u, "Service", "WatchdogSec") && u->service.watchdog_usec > 0;
                        return strdup(t == SERVICE_NOTIFY || t == SERVICE_NOTIFY_RELOAD || wd ||
                                                      u->service.file_descriptor_store_max > 0
                                              ? "main"
                                              : "none");
                }
                if (sdu_streq(k, "OOMPolicy"))
                        return strdup(delegate_on(u) ? "continue" : "stop");
        }
        if (sdu_streq(d->section, "Socket") && sdu_streq(k, "FileDescriptorName"))
                return strdup(u->id);
        if (sdu_streq(d->section, "Socket") && sdu_streq(k, "TriggerLimitBurst"))
                return strdup(u->socket.accept > 0 ? "200" : "20"); /* systemd.socket(5) */
        if ((sdu_streq(d->section, "Timer") || sdu_streq(d->section, "Path")) && sdu_streq(k, "Unit"))
                return same_name_service(u);
        if (sdu_streq(d->section, "@exec")) {
                bool du = dynamic_user(u);

                if (du && sdu_streq(k, "User"))
                        return unit_dynamic_user_name(u);
                if (du && sdu_streq(k, "Group")) {
                        char *user = row_text(u, NULL, "User");
                        return user ? user : unit_dynamic_user_name(u);
                }
                if (sdu_streq(k, "PrivateTmp") || sdu_streq(k, "RemoveIPC") || sdu_streq(k, "NoNewPrivileges") ||
                    sdu_streq(k, "RestrictSUIDSGID"))
                        return strdup(du ? "yes" : "no");
                if (sdu_streq(k, "ProtectSystem"))
                        return strdup(du ? "strict" : "no");
                if (sdu_streq(k, "ProtectHome"))
                        return strdup(du ? "read-only" : "no");
                if (sdu_streq(k, "KeyringMode"))
                        return strdup(service ? "private" : "shared");
                if (sdu_streq(k, "MountAPIVFS"))
                        return strdup(u->exec.root_directory || raw_value(u, "RootImage") ? "yes" : "no");
                if (sdu_streq(k, "StandardInput") || sdu_streq(k, "StandardOutput") || sdu_streq(k, "StandardError")) {
                        char *in, *out, *err;
                        if (effective_stdio(u, &in, &out, &err) < 0)
                                return NULL;
                        char *keep = k[8] == 'I' ? in : k[8] == 'O' ? out : err;
                        if (keep != in)
                                free(in);
                        if (keep != out)
                                free(out);
                        if (keep != err)
                                free(err);
                        return keep;
                }
        }
        if (sdu_streq(d->section, "@kill") && sdu_streq(k, "RestartKillSignal"))
                return sdu_asprintf("%d", is_set(u, NULL, "KillSignal") && u->kill.kill_signal > 0 ? u->kill.kill_signal : 15);
        if (sdu_streq(d->section, "@cgroup") && sdu_streq(k, "Slice")) {
                char *s = NULL;
                (void) unit_effective_slice(u, &s);
                return s;
        }
        cst = constant_default(d);
        return cst ? strdup(cst) : NULL;
}

/* The value of a set row, as systemctl prints it. */
static char *set_value(const Unit *u, size_t i) {
        const UnitDirective *d = unit_directive_table + i;
        const void *field = (const char *) u + d->offset;
        char *v = NULL;

        switch (d->kind) {
        case KIND_TIME:
                return unit_format_timespan_show(*(const uint64_t *) field);
        case KIND_SIGNAL:
                return *(const int *) field > 0 ? sdu_asprintf("%d", *(const int *) field) : strdup("");
        case KIND_LIMIT:
                if (sdu_streq(d->key, "CPUQuota")) {
                        const LimitValue *l = field;
                        if (!l->set)
                                return strdup("infinity");
                        return unit_format_timespan_show((uint64_t) l->permyriad * 100);
                }
                break;
        case KIND_RAW: {
                const RawDesc *rd = d->data;
                const char *raw = raw_value(u, d->key);
                if (raw && (rd->check == RAW_BOOL || rd->check == RAW_BOOL_OR_ENUM) && sdu_parse_boolean(raw) >= 0)
                        return strdup(sdu_parse_boolean(raw) ? "yes" : "no");
                break;
        }
        default:
                break;
        }
        if (unit_directive_format(u, i, &v) < 0)
                return NULL;
        if (!v)
                return strdup("");
        if (d->kind == KIND_CAPS) {
                char *l = caps_lower(v);
                free(v);
                return l;
        }
        if (d->kind == KIND_ENUM && (sdu_streq(d->key, "CPUSchedulingPolicy") || sdu_streq(d->key, "IOSchedulingClass"))) {
                char *n = enum_number(d->key, v);
                free(v);
                return n;
        }
        if (sdu_streq(d->section, "@exec") &&
            (sdu_streq(d->key, "SyslogLevel") || sdu_streq(d->key, "LogLevelMax") || sdu_streq(d->key, "SyslogFacility"))) {
                int n = level_number(v, sdu_streq(d->key, "SyslogFacility"));
                if (n >= 0) {
                        free(v);
                        return sdu_asprintf("%d", n);
                }
        }
        return v;
}

/* The effective value of row i: what the unit sets, with the adjustments systemd makes
 * (NotifyAccess=main for notify services, the stdio fix-ups, DynamicUser='s sandbox), else the
 * default. *ret NULL: no value. */
static int row_value(const Unit *u, size_t i, char **ret) {
        const UnitDirective *d = unit_directive_table + i;
        const char *k = d->key;
        char *v = NULL;

        if (row_is_set(u, i)) {
                v = set_value(u, i);
                if (!v)
                        return -ENOMEM;
        }
        if (sdu_streq(d->section, "Service") && sdu_streq(k, "NotifyAccess") && v && sdu_streq(v, "none")) {
                free(v);
                v = NULL;
        } else if (sdu_streq(d->section, "@exec") &&
                   (sdu_streq(k, "StandardInput") || sdu_streq(k, "StandardOutput") || sdu_streq(k, "StandardError"))) {
                free(v);
                v = NULL;
        } else if (sdu_streq(d->section, "@exec") && dynamic_user(u)) {
                /* DynamicUser= forces its sandbox on, whatever the unit says. */
                if (sdu_streq(k, "PrivateTmp") || sdu_streq(k, "RemoveIPC") || sdu_streq(k, "NoNewPrivileges") ||
                    sdu_streq(k, "RestrictSUIDSGID") || sdu_streq(k, "ProtectSystem") ||
                    (sdu_streq(k, "ProtectHome") && v && sdu_streq(v, "no"))) {
                        free(v);
                        v = NULL;
                }
        }
        if (!v) {
                v = computed_default(u, d);
                /* computed_default() returns NULL both for "no default" and on OOM; the
                 * difference does not matter enough to thread it through. */
        }
        *ret = v;
        return 0;
}

static void emit_rlimit(PropCtx *c, size_t i) {
        const UnitDirective *d = unit_directive_table + i;
        int res = (int) (uintptr_t) d->data;
        const RLimitSetting *rl = c->u->exec.rlimits + res;
        char *soft_name = sdu_strjoin3(d->key, "Soft", NULL);
        char *hard = NULL, *soft = NULL;

        if (!soft_name) {
                c->r = -ENOMEM;
                return;
        }
        if (rl->set && row_is_set(c->u, i)) {
                hard = rlimit_text(rl->hard);
                soft = rlimit_text(rl->soft);
        } else if (res == RLIMIT_NOFILE) {
                /* systemd-system.conf(5): DefaultLimitNOFILE=1024:524288 */
                hard = strdup("524288");
                soft = strdup("1024");
        } else if (res == RLIMIT_MEMLOCK) {
                /* DefaultLimitMEMLOCK=8M */
                hard = strdup("8388608");
                soft = strdup("8388608");
        }
        /* Every other limit is inherited from PID 1 (the kernel's or the container's): run time. */
        emit(c, d->key, d->key, hard);
        emit(c, soft_name, NULL, soft);
        free(soft_name);
        free(hard);
        free(soft);
}

static void emit_deps(PropCtx *c, size_t i) {
        const UnitDirective *d = unit_directive_table + i;
        char **file = *(char **const *) ((const char *) c->u + d->offset), **all = NULL, *v;
        int kind = -1;

        for (int k = 0; k < _UNIT_DEPENDENCY_MAX; k++)
                if (unit_directive_table[i].offset == offsetof(Unit, unit.deps) + (size_t) k * sizeof(char **))
                        kind = k;
        if (sdu_strv_extend_strv(&all, file, true) < 0 ||
            (kind >= 0 && sdu_strv_extend_strv(&all, c->deps.deps[kind], true) < 0)) {
                sdu_strv_free(all);
                c->r = -ENOMEM;
                return;
        }
        v = all ? sdu_strv_join(all, " ") : NULL;
        if (all && !v)
                c->r = -ENOMEM;
        emit(c, d->key, d->key, v);
        free(v);
        sdu_strv_free(all);
}

static void emit_list(PropCtx *c, const char *name, char **l) {
        char *v = l ? sdu_strv_join(l, " ") : NULL;

        if (l && !v)
                c->r = -ENOMEM;
        emit(c, name, NULL, v);
        free(v);
}

int unit_properties(const Unit *u, UnitLookupFn lookup, void *userdata, UnitPropertyFn fn, void *fn_userdata) {
        PropCtx c = { .u = u, .fn = fn, .userdata = fn_userdata };
        bool deps_done = false;
        char *s;
        int r;

        r = unit_implicit_deps(u, UNIT_IMPLICIT_ALL, lookup, userdata, &c.deps);
        if (r < 0)
                return r;

        emit(&c, "Id", NULL, u->id);
        s = sdu_strv_join(u->names, " ");
        if (!s) {
                unit_implicit_deps_done(&c.deps);
                return -ENOMEM;
        }
        emit(&c, "Names", NULL, s);
        free(s);
        emit(&c, "LoadState", NULL, unit_load_state_to_string(u->load_state));
        emit(&c, "FragmentPath", NULL, u->fragment_path);
        s = u->dropin_paths ? sdu_strv_join(u->dropin_paths, " ") : NULL;
        if (u->dropin_paths && !s)
                c.r = -ENOMEM;
        emit(&c, "DropInPaths", NULL, s);
        free(s);

        for (size_t i = 0; i < unit_directive_table_size && c.r >= 0; i++) {
                const UnitDirective *d = unit_directive_table + i;
                char *name;

                if (!unit_directive_applies(d, u->type) || (d->flags & DIRECTIVE_NO_DUMP))
                        continue;
                if (d->kind != KIND_DEPS && !deps_done && sdu_streq(d->section, "Unit") && i > 0 &&
                    unit_directive_table[i - 1].kind == KIND_DEPS) {
                        /* After the dependency rows: the trigger relations systemctl shows. */
                        emit_list(&c, "Triggers", c.deps.deps[UNIT_TRIGGERS]);
                        emit_list(&c, "TriggeredBy", c.deps.triggered_by);
                        deps_done = true;
                }
                if (d->kind == KIND_DEPS && sdu_streq(d->section, "Unit")) {
                        emit_deps(&c, i);
                        continue;
                }
                if (d->kind == KIND_RLIMIT) {
                        emit_rlimit(&c, i);
                        continue;
                }
                name = property_name(d);
                if (!name) {
                        c.r = -ENOMEM;
                        break;
                }
                {
                        char *v = NULL;
                        int k = row_value(u, i, &v);
                        if (k < 0)
                                c.r = k;
                        else
                                emit_owned(&c, name, d->key, v);
                }
                free(name);
        }
        unit_implicit_deps_done(&c.deps);
        return c.r;
}

/* ---- the standard targets ---- */

/* systemd.special(7): the same dependencies as systemd's own unit files, so that images without
 * systemd boot (and verify) like images with it. */
static const struct {
        const char *name, *text;
} builtin_units[] = {
        { "multi-user.target", "[Unit]\nDescription=Multi-User System\nRequires=basic.target\nConflicts=rescue.service rescue.target\nAfter=basic.target rescue.service rescue.target\nAllowIsolate=yes\n" },
        { "graphical.target", "[Unit]\nDescription=Graphical Interface\nRequires=multi-user.target\nWants=display-manager.service\nConflicts=rescue.service rescue.target\nAfter=multi-user.target rescue.service rescue.target display-manager.service\nAllowIsolate=yes\n" },
        { "basic.target", "[Unit]\nDescription=Basic System\nRequires=sysinit.target\nWants=sockets.target timers.target paths.target slices.target\nAfter=sysinit.target sockets.target paths.target slices.target tmp.mount\n" },
        { "sysinit.target", "[Unit]\nDescription=System Initialization\nDefaultDependencies=no\nWants=local-fs.target swap.target\nConflicts=emergency.service emergency.target\nAfter=local-fs.target swap.target emergency.service emergency.target\n" },
        { "sockets.target", "[Unit]\nDescription=Socket Units\n" },
        { "timers.target", "[Unit]\nDescription=Timer Units\nDefaultDependencies=no\nConflicts=shutdown.target\nBefore=shutdown.target\n" },
        { "paths.target", "[Unit]\nDescription=Path Units\n" },
        { "slices.target", "[Unit]\nDescription=Slice Units\n" },
        { "local-fs.target", "[Unit]\nDescription=Local File Systems\nDefaultDependencies=no\nConflicts=shutdown.target\nAfter=local-fs-pre.target\nBefore=shutdown.target\n" },
        { "local-fs-pre.target", "[Unit]\nDescription=Preparation for Local File Systems\nDefaultDependencies=no\nRefuseManualStart=yes\n" },
        { "remote-fs.target", "[Unit]\nDescription=Remote File Systems\nAfter=remote-fs-pre.target\n" },
        { "remote-fs-pre.target", "[Unit]\nDescription=Preparation for Remote File Systems\nRefuseManualStart=yes\n" },
        { "swap.target", "[Unit]\nDescription=Swaps\n" },
        { "network.target", "[Unit]\nDescription=Network\nAfter=network-pre.target\nRefuseManualStart=yes\n" },
        { "network-pre.target", "[Unit]\nDescription=Preparation for Network\nRefuseManualStart=yes\n" },
        { "network-online.target", "[Unit]\nDescription=Network is Online\nAfter=network.target\n" },
        { "nss-lookup.target", "[Unit]\nDescription=Host and Network Name Lookups\nRefuseManualStart=yes\n" },
        { "nss-user-lookup.target", "[Unit]\nDescription=User and Group Name Lookups\nRefuseManualStart=yes\n" },
        { "time-set.target", "[Unit]\nDescription=System Time Set\nRefuseManualStart=yes\n" },
        { "time-sync.target", "[Unit]\nDescription=System Time Synchronized\nAfter=time-set.target\nWants=time-set.target\nRefuseManualStart=yes\n" },
        { "getty.target", "[Unit]\nDescription=Login Prompts\n" },
        { "rpcbind.target", "[Unit]\nDescription=RPC Port Mapper\n" },
        { "cryptsetup.target", "[Unit]\nDescription=Local Encrypted Volumes\n" },
        { "shutdown.target", "[Unit]\nDescription=System Shutdown\nDefaultDependencies=no\nRefuseManualStart=yes\n" },
        { "rescue.target", "[Unit]\nDescription=Rescue Mode\nRequires=sysinit.target\nAfter=sysinit.target\nAllowIsolate=yes\n" },
        { "emergency.target", "[Unit]\nDescription=Emergency Mode\nAllowIsolate=yes\n" },
};

const char *unit_builtin_text(const char *name) {
        for (size_t i = 0; i < SDU_ELEMENTSOF(builtin_units); i++)
                if (sdu_streq(builtin_units[i].name, name))
                        return builtin_units[i].text;
        return NULL;
}
