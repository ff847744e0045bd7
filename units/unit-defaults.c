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

#include "common/defaults.h"
#include "common/fileio.h"
#include "sdu-util.h"
#include "unit-defaults-internal.h"
#include "unit-directives.h"
#include "unit-type-info.h"

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
        return unit_is_set(u, (UnitDirectiveId) i) ? 1 : 0;
}

/* Whether row i was assigned, directly or through an alias row (the legacy [Service]
 * StartLimitBurst= for [Unit] StartLimitBurst=, ...). */
bool udef_row_is_set(const Unit *u, size_t i) {
        const UnitDirective *d = unit_directive_table + i;

        if (row_count(u, i) > 0)
                return true;
        for (size_t j = 0; j < unit_directive_table_size; j++) {
                const UnitDirective *a = unit_directive_table + j;

                if (j != i && (a->flags & DIRECTIVE_NO_DUMP) && a->kind == d->kind && a->offset == d->offset &&
                    (a->flags & (DIRECTIVE_IN_CGROUP | DIRECTIVE_IN_EXEC)) == (d->flags & (DIRECTIVE_IN_CGROUP | DIRECTIVE_IN_EXEC)) &&
                    a->data == d->data && d->kind != KIND_RAW && unit_directive_applies(a, u->type) && row_count(u, j) > 0)
                        return true;
        }
        return false;
}

/* The row of a key: [Unit] keys by "Unit", everything else in the unit type's own section. */
int udef_row_of(const Unit *u, const char *section, const char *key) {
        const char *own = unit_type_section(u->type);

        if (!section)
                section = own;
        if (!section)
                return -ENOENT;
        return unit_directive_lookup(u->type, section, key);
}

/* The last value of a not-enforced (raw) setting, or NULL. */
const char *udef_raw_value(const Unit *u, const char *key) {
        int i = udef_row_of(u, NULL, key);
        char **raw;
        size_t n;

        if (i < 0 || !u->settings || u->settings[i].count == 0)
                return NULL;
        raw = u->settings[i].raw;
        n = strv_length(raw);
        return n > 0 ? raw[n - 1] : NULL;
}

char *udef_row_text(const Unit *u, const char *section, const char *key) {
        int i = udef_row_of(u, section, key);
        char *v = NULL;

        if (i < 0 || !udef_row_is_set(u, (size_t) i) || unit_directive_format(u, (size_t) i, &v) < 0)
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

int unit_effective_slice(const Unit *u, char **ret) {
        char *prefix = NULL, *escaped = NULL, *s = NULL;
        UnitSliceRule rule;
        int r;

        *ret = NULL;
        rule = unit_type_info(u->type)->slice;
        if (rule == SLICE_NONE)
                return 0;
        if (rule == SLICE_PARENT_BY_NAME) {
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
        if (unit_cgroup(u)->slice)
                s = strdup(unit_cgroup(u)->slice);
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
char *udef_same_name_service(const Unit *u) {
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
int udef_effective_stdio(const Unit *u, char **in, char **out, char **err) {
        bool fix = unit_type_info(u->type)->fix_stdio;
        char *i = udef_row_text(u, NULL, "StandardInput"), *o = udef_row_text(u, NULL, "StandardOutput"),
             *e = udef_row_text(u, NULL, "StandardError");

        if (!i || (sdu_streq(i, "null") && unit_exec(u)->standard_input_text)) {
                free(i);
                i = strdup(unit_exec(u)->standard_input_text && fix ? "data" : "null");
        }
        if (fix) {
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

struct UnitDepCtx {
        const Unit *u;
        UnitImplicitDeps *d;
};
typedef struct UnitDepCtx DepCtx;

static bool names_unit(const Unit *u, const char *name) {
        return sdu_streq(u->id, name) || strv_contains(u->names, name);
}

static int add(DepCtx *c, UnitDependency kind, const char *name) {
        if (!name || names_unit(c->u, name) || strv_contains(c->u->unit.deps[kind], name) ||
            strv_contains(c->d->deps[kind], name))
                return 0;
        return strv_extend(&c->d->deps[kind], name);
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

static int shutdown_deps(DepCtx *c) {
        return add2(c, UNIT_CONFLICTS, UNIT_BEFORE, "shutdown.target");
}

/* systemd.mount(5), "Default Dependencies". */
int udef_mount_default_deps(DepCtx *c, UnitLookupFn lookup, void *userdata) {
        const MountSettings *m = &c->u->mount;
        const char *where = m->where;
        bool network, nofail;
        int r;

        (void) lookup, (void) userdata;
        if (!where || sdu_streq(where, "/") || sdu_streq(where, "/usr") || path_is_under(where, "/run/initramfs") ||
            path_is_under(where, "/proc") || path_is_under(where, "/sys") || path_is_under(where, "/dev"))
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
        bool before = strv_contains(target->unit.deps[UNIT_BEFORE], name) ||
                      strv_contains(target_implicit->deps[UNIT_BEFORE], name);

        for (size_t i = 0; !before && target->names && target->names[i]; i++)
                before = strv_contains(other->unit.deps[UNIT_AFTER], target->names[i]);
        /* The other unit's own implicit After= (a service is After=basic.target, ...). Not
         * followed further for targets: systemd adds those in queue order. */
        if (!before && unit_implicit_deps(other, UNIT_IMPLICIT_ALL, NULL, NULL, &od) >= 0) {
                for (size_t i = 0; !before && target->names && target->names[i]; i++)
                        before = strv_contains(od.deps[UNIT_AFTER], target->names[i]);
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

/* systemd.service(5), "Default Dependencies". */
int udef_service_default_deps(DepCtx *c, UnitLookupFn lookup, void *userdata) {
        int r;

        (void) lookup, (void) userdata;
        if ((r = add2(c, UNIT_REQUIRES, UNIT_AFTER, "sysinit.target")) < 0 || (r = add(c, UNIT_AFTER, "basic.target")) < 0)
                return r;
        return shutdown_deps(c);
}

/* Sockets, timers and paths: Before= the target collecting the type (sockets.target, ...). */
static int trigger_unit_deps(DepCtx *c) {
        int r = add(c, UNIT_BEFORE, unit_type_info(c->u->type)->collect_target);

        return r < 0 ? r : add2(c, UNIT_REQUIRES, UNIT_AFTER, "sysinit.target");
}

int udef_trigger_default_deps(DepCtx *c, UnitLookupFn lookup, void *userdata) {
        int r = trigger_unit_deps(c);

        (void) lookup, (void) userdata;
        return r < 0 ? r : shutdown_deps(c);
}

/* systemd.timer(5): OnCalendar= timers wait for the clock. */
int udef_timer_default_deps(DepCtx *c, UnitLookupFn lookup, void *userdata) {
        int r = trigger_unit_deps(c);

        (void) lookup, (void) userdata;
        if (r >= 0 && c->u->timer.on_calendar &&
            ((r = add(c, UNIT_AFTER, "time-set.target")) < 0 || (r = add(c, UNIT_AFTER, "time-sync.target")) < 0))
                return r;
        return r < 0 ? r : shutdown_deps(c);
}

int udef_target_default_deps(DepCtx *c, UnitLookupFn lookup, void *userdata) {
        int r = target_after_deps(c, lookup, userdata);

        if (r < 0 || sdu_streq(c->u->id, "shutdown.target"))
                return r;
        return shutdown_deps(c);
}

int udef_slice_default_deps(DepCtx *c, UnitLookupFn lookup, void *userdata) {
        (void) lookup, (void) userdata;
        return shutdown_deps(c);
}

static int trigger_deps(DepCtx *c) {
        const Unit *u = c->u;
        const ServiceSettings *svc = unit_service(u);
        char *target = NULL;
        int r = 0;

        /* Sockets= (only services have it). */
        for (char **s = svc ? svc->sockets : NULL; s && *s && r >= 0; s++) {
                r = add2(c, UNIT_WANTS, UNIT_AFTER, *s);
                if (r >= 0 && !strv_contains(c->d->triggered_by, *s))
                        r = strv_extend(&c->d->triggered_by, *s);
        }
        /* An Accept=yes socket has an instance per connection: nothing fixed to trigger. */
        if (r >= 0)
                r = unit_trigger_target(u, NULL, &target);
        if (r >= 0 && target)
                r = add2(c, UNIT_BEFORE, UNIT_TRIGGERS, target);
        free(target);
        return r;
}

static int exec_deps(DepCtx *c) {
        const Unit *u = c->u;
        const UnitTypeInfo *info = unit_type_info(u->type);
        const ServiceSettings *svc = unit_service(u);
        char *in = NULL, *out = NULL, *err = NULL;
        bool has_exec = true;
        int r;

        /* Type=dbus (BusName= is only in [Service]). */
        if (svc && svc->bus_name && unit_effective_service_type(u) == SERVICE_DBUS &&
            (r = add2(c, UNIT_REQUIRES, UNIT_AFTER, "dbus.socket")) < 0)
                return r;
        if (!info->exec)
                return 0;
        if (info->exec_deps_need_commands) {
                has_exec = false;
                for (const UnitExecListInfo *l = info->exec_lists; l && l->key; l++)
                        has_exec = has_exec || ((const ExecCommandList *) ((const char *) u + l->offset))->n > 0;
        }
        if (!has_exec)
                return 0;
        if (unit_exec(u)->effective.private_tmp) {
                if ((r = add2(c, UNIT_AFTER, UNIT_WANTS, "tmp.mount")) < 0 ||
                    (r = add(c, UNIT_AFTER, "systemd-tmpfiles-setup.service")) < 0)
                        return r;
        }
        if ((unit_exec(u)->state_directory || unit_exec(u)->cache_directory || unit_exec(u)->logs_directory) &&
            (r = add(c, UNIT_AFTER, "systemd-remount-fs.service")) < 0)
                return r;
        /* LogNamespace= pulls in that namespace's journald instead (not computed). */
        if (udef_raw_value(u, "LogNamespace"))
                return 0;
        r = udef_effective_stdio(u, &in, &out, &err);
        if (r >= 0 && (output_is_logging(out) || output_is_logging(err)))
                r = add(c, UNIT_AFTER, "systemd-journald.socket");
        free(in);
        free(out);
        free(err);
        return r;
}

/* systemd.mount(5), "Implicit Dependencies": a block device backed mount needs its device. */
int udef_mount_device_deps(DepCtx *c) {
        const char *what = c->u->mount.what;
        char *esc = NULL, *dev, *blk;
        int r;

        if (!what || !path_is_under(what, "/dev") || sdu_streq(what, "/dev") ||
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
                strv_free(d->deps[i]);
        strv_free(d->triggered_by);
        *d = (UnitImplicitDeps) {};
}

int unit_implicit_deps(const Unit *u, unsigned which, UnitLookupFn lookup, void *userdata, UnitImplicitDeps *ret) {
        const UnitTypeInfo *info = unit_type_info(u->type);
        UnitImplicitDeps d = {};
        DepCtx c = { u, &d };
        int r = 0;

        /* In systemd's order: the type's own extras, then the slice, then the default ones. */
        if (which & UNIT_IMPLICIT_TRIGGER)
                r = trigger_deps(&c);
        if (r >= 0 && (which & UNIT_IMPLICIT_EXEC))
                r = exec_deps(&c);
        if (r >= 0 && (which & UNIT_IMPLICIT_DEVICE) && info->device_deps)
                r = info->device_deps(&c);
        if (r >= 0 && (which & UNIT_IMPLICIT_SLICE))
                r = slice_deps(&c);
        if (r >= 0 && (which & UNIT_IMPLICIT_DEFAULT) && u->unit.default_dependencies != 0 && info->default_deps)
                r = info->default_deps(&c, lookup, userdata);
        if (r < 0) {
                unit_implicit_deps_done(&d);
                return r;
        }
        *ret = d;
        return 0;
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
