/* SPDX-License-Identifier: MIT */
/* systemctl show (properties via org.freedesktop.DBus.Properties.GetAll, printed as systemd's
 * bus_print_property() prints them) and systemctl status (systemd 252's print_status_info() shape:
 * "● NAME - Description", Loaded:, Active:, Main PID:, Tasks:, Memory:, CPU:, CGroup:).
 * Exit codes of status: 0 active, 3 not active, 4 no such unit. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/signames.h"
#include "ctl/ctl.h"

#define DEST "org.freedesktop.systemd1"
#define MGR_PATH "/org/freedesktop/systemd1"

static void format_timestamp(uint64_t usec, char *buf, size_t n) {
        time_t t = (time_t) (usec / 1000000);
        struct tm tm;

        if (usec == 0 || usec == UINT64_MAX || !localtime_r(&t, &tm) || strftime(buf, n, "%a %Y-%m-%d %H:%M:%S %Z", &tm) == 0)
                buf[0] = 0;
}

static void format_timespan(uint64_t usec, char *buf, size_t n) {
        static const struct {
                const char *suffix;
                uint64_t usec;
        } table[] = {
                { "y", 31557600000000ULL }, { "month", 2629800000000ULL }, { "w", 604800000000ULL },
                { "d", 86400000000ULL },    { "h", 3600000000ULL },        { "min", 60000000ULL },
                { "s", 1000000ULL },        { "ms", 1000ULL },             { "us", 1ULL },
        };
        size_t l = 0;

        if (usec == UINT64_MAX) {
                snprintf(buf, n, "infinity");
                return;
        }
        if (usec == 0) {
                snprintf(buf, n, "0");
                return;
        }
        buf[0] = 0;
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]) && usec > 0 && l < n; i++) {
                uint64_t a;

                if (usec < table[i].usec)
                        continue;
                a = usec / table[i].usec;
                usec -= a * table[i].usec;
                l += (size_t) snprintf(buf + l, n - l, "%s%" PRIu64 "%s", l ? " " : "", a, table[i].suffix);
        }
}

static bool wanted(const Ctl *c, const char *name) {
        return !c->properties || strv_contains(c->properties, name);
}

static void print_value(const Ctl *c, const char *name, const char *value) {
        bool show_empty = c->all || (c->properties && strv_contains(c->properties, name));

        if (!show_empty && (!value || !*value))
                return;
        if (c->value)
                puts(value ? value : "");
        else
                printf("%s=%s\n", name, value ? value : "");
}

/* One property from a GetAll reply (positioned at the variant). Returns 0, or 1 if skipped. */
static int print_property(const Ctl *c, sd_bus_message *m, const char *name) {
        const char *contents;
        char type, buf[256];
        int r;

        r = sd_bus_message_peek_type(m, NULL, &contents);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(m, 'v', contents);
        if (r < 0)
                return r;
        type = contents[0];
        switch (type) {
        case 's':
        case 'o': {
                const char *s;
                sd_bus_message_read_basic(m, type, &s);
                if (wanted(c, name))
                        print_value(c, name, s);
                break;
        }
        case 'b': {
                int b;
                sd_bus_message_read_basic(m, 'b', &b);
                if (wanted(c, name))
                        print_value(c, name, b ? "yes" : "no");
                break;
        }
        case 'y': case 'q': case 'u': case 'n': case 'i': {
                union { uint8_t y; uint16_t q; uint32_t u; int16_t n; int32_t i; } v;
                sd_bus_message_read_basic(m, type, &v);
                if (type == 'y') snprintf(buf, sizeof(buf), "%u", v.y);
                else if (type == 'q') snprintf(buf, sizeof(buf), "%u", v.q);
                else if (type == 'u') snprintf(buf, sizeof(buf), "%" PRIu32, v.u);
                else if (type == 'n') snprintf(buf, sizeof(buf), "%d", v.n);
                else snprintf(buf, sizeof(buf), "%" PRIi32, v.i);
                if (wanted(c, name))
                        print_value(c, name, buf);
                break;
        }
        case 'x': case 't': {
                uint64_t u = 0;
                int64_t x = 0;
                if (type == 'x') {
                        sd_bus_message_read_basic(m, 'x', &x);
                        snprintf(buf, sizeof(buf), "%" PRIi64, x);
                } else {
                        size_t l = strlen(name);
                        sd_bus_message_read_basic(m, 't', &u);
                        if ((l >= 9 && strcmp(name + l - 9, "Timestamp") == 0) || strcmp(name, "NextElapseUSecRealtime") == 0 ||
                            strcmp(name, "LastTriggerUSec") == 0)
                                format_timestamp(u, buf, sizeof(buf));
                        else if (strstr(name, "USec"))
                                format_timespan(u, buf, sizeof(buf));
                        else if ((strcmp(name, "MemoryCurrent") == 0 || strcmp(name, "TasksCurrent") == 0 ||
                                  (l >= 4 && strcmp(name + l - 4, "NSec") == 0)) && u == UINT64_MAX)
                                snprintf(buf, sizeof(buf), "[not set]");
                        else if (u == UINT64_MAX && (strncmp(name, "Memory", 6) == 0 || strcmp(name, "TasksMax") == 0 ||
                                                     strncmp(name, "Limit", 5) == 0 || strncmp(name, "DefaultLimit", 12) == 0))
                                snprintf(buf, sizeof(buf), "infinity");
                        else if (u == UINT64_MAX && strncmp(name, "IP", 2) == 0)
                                snprintf(buf, sizeof(buf), "[no data]");
                        else
                                snprintf(buf, sizeof(buf), "%" PRIu64, u);
                }
                if (wanted(c, name))
                        print_value(c, name, buf);
                break;
        }
        case 'd': {
                double d;
                sd_bus_message_read_basic(m, 'd', &d);
                snprintf(buf, sizeof(buf), "%g", d);
                if (wanted(c, name))
                        print_value(c, name, buf);
                break;
        }
        case 'a':
                if (strcmp(contents, "as") == 0) {
                        char **l = NULL, *j = NULL;
                        size_t len = 0;
                        sd_bus_message_read_strv(m, &l);
                        for (size_t i = 0; l && l[i]; i++)
                                len += strlen(l[i]) + 1;
                        j = calloc(1, len + 1);
                        for (size_t i = 0; j && l && l[i]; i++) {
                                if (i)
                                        strcat(j, " ");
                                strcat(j, strpbrk(l[i], " \n") ? "[unprintable]" : l[i]);
                        }
                        if (wanted(c, name))
                                print_value(c, name, j);
                        free(j);
                        strv_free(l);
                        break;
                }
                if (strcmp(contents, "a(sasbttttuii)") == 0 || strcmp(contents, "a(sasasttttuii)") == 0) {
                        bool ex = contents[4] == 'a';
                        r = sd_bus_message_enter_container(m, 'a', contents + 1);
                        while (r > 0) {
                                const char *path;
                                char **argv = NULL;
                                int ign = 0;
                                uint64_t t1, t2, t3, t4;
                                uint32_t pid;
                                int32_t code, status;

                                r = sd_bus_message_enter_container(m, 'r', contents + 2 + 0 * 0);
                                if (r <= 0) {
                                        r = sd_bus_message_enter_container(m, 'r', ex ? "sasasttttuii" : "sasbttttuii");
                                        if (r <= 0)
                                                break;
                                }
                                sd_bus_message_read(m, "s", &path);
                                sd_bus_message_read_strv(m, &argv);
                                if (ex) {
                                        char **flags = NULL;
                                        sd_bus_message_read_strv(m, &flags);
                                        strv_free(flags);
                                } else
                                        sd_bus_message_read(m, "b", &ign);
                                sd_bus_message_read(m, "ttttuii", &t1, &t2, &t3, &t4, &pid, &code, &status);
                                sd_bus_message_exit_container(m);
                                if (wanted(c, name) && !c->value) {
                                        printf("%s={ path=%s ; argv[]=", name, path);
                                        for (size_t i = 0; argv && argv[i]; i++)
                                                printf("%s%s", i ? " " : "", argv[i]);
                                        printf(" ; ignore_errors=%s ; start_time=[n/a] ; stop_time=[n/a] ; pid=%" PRIu32
                                               " ; code=(null) ; status=%" PRIi32 "/%" PRIi32 " }\n",
                                               ign ? "yes" : "no", pid, status, status);
                                }
                                strv_free(argv);
                        }
                        sd_bus_message_exit_container(m);
                        break;
                }
                /* fall through */
        default:
                if (strcmp(name, "LoadError") == 0 && strcmp(contents, "(ss)") == 0) {
                        /* systemctl's form: `org.freedesktop.systemd1.NoSuchUnit "Unit x not found."` */
                        const char *a = NULL, *b = NULL;
                        char *v = NULL;
                        if ((r = sd_bus_message_read(m, "(ss)", &a, &b)) < 0)
                                return r;
                        if ((a && *a) || (b && *b)) {
                                if (asprintf(&v, "%s \"%s\"", a ? a : "", b ? b : "") < 0)
                                        return -ENOMEM;
                        }
                        if (wanted(c, name))
                                print_value(c, name, v);
                        free(v);
                        break;
                }
                sd_bus_message_skip(m, contents);
                if (c->all && !c->properties && !c->value)
                        printf("%s=[unprintable]\n", name);
                else if (c->properties && strv_contains(c->properties, name) && !c->value)
                        printf("%s=[unprintable]\n", name);
                break;
        }
        return sd_bus_message_exit_container(m);
}

static int show_one(Ctl *c, const char *path) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call_method(c->bus, DEST, path, "org.freedesktop.DBus.Properties", "GetAll", &e, &reply, "s", "");
        if (r < 0) {
                fprintf(stderr, "Failed to get properties: %s\n", e.message ? e.message : strerror(-r));
                sd_bus_error_free(&e);
                return r;
        }
        r = sd_bus_message_enter_container(reply, 'a', "{sv}");
        while (r > 0) {
                const char *name;

                r = sd_bus_message_enter_container(reply, 'e', "sv");
                if (r <= 0)
                        break;
                sd_bus_message_read(reply, "s", &name);
                r = print_property(c, reply, name);
                if (r < 0)
                        break;
                r = sd_bus_message_exit_container(reply);
        }
        sd_bus_message_unref(reply);
        return r < 0 ? r : 0;
}

int ctl_verb_show(Ctl *c) {
        char **names = NULL;
        int r = 0;

        if (c->n_args == 0)
                return show_one(c, MGR_PATH) < 0 ? 1 : 0;
        if (ctl_expand_patterns(c, c->args, &names) < 0)
                return 1;
        for (size_t i = 0; names && names[i]; i++) {
                char *path = NULL;

                if (i > 0 && !c->value)
                        puts("");
                if (ctl_unit_path(names[i], &path) < 0 || show_one(c, path) < 0)
                        r = 1;
                free(path);
        }
        strv_free(names);
        return r;
}

/* ---- status ---- */

typedef struct StatusInfo {
        char *id, *description, *load_state, *active_state, *sub_state, *fragment_path, *unit_file_state,
                *unit_file_preset, *control_group, *result, *load_error;
        char **documentation, **dropins, **triggered_by;
        uint64_t active_enter, inactive_exit, inactive_enter, active_exit, state_change, memory_current,
                tasks_current, tasks_max, cpu_usage;
        uint32_t main_pid, exec_main_pid;
        int32_t exec_main_code, exec_main_status;
        char *status_text;
        bool have_cpu;
} StatusInfo;

/* "1/FAILURE", as systemctl names exit statuses (the LSB ones; others as the number). */
static void format_exit(int code, int status, char *buf, size_t n) {
        static const char *const lsb[] = { "SUCCESS", "FAILURE", "INVALIDARGUMENT", "NOTIMPLEMENTED", "NOPERMISSION",
                                           "NOTINSTALLED", "NOTCONFIGURED", "NOTRUNNING" };
        char sig[32];

        if (code == 1) /* CLD_EXITED */
                snprintf(buf, n, "code=exited, status=%d%s%s", status, status >= 0 && status < 8 ? "/" : "",
                         status >= 0 && status < 8 ? lsb[status] : "");
        else
                snprintf(buf, n, "code=%s, signal=%s", code == 3 ? "dumped" : "killed", signal_to_string(status, sig, sizeof(sig)));
}

/* The CGroup: tree of systemctl status, from GetUnitProcesses (sdinit knows the processes even
 * without a cgroup of the unit's own). */
static void print_processes(Ctl *c, const char *unit) {
        sd_bus_message *reply = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        struct { uint32_t pid; char *cmd; } *v = NULL;
        size_t n = 0;
        const char *cg, *cmd;
        uint32_t pid;
        int r;

        r = sd_bus_call_method(c->bus, DEST, MGR_PATH, "org.freedesktop.systemd1.Manager", "GetUnitProcesses", &e, &reply, "s", unit);
        sd_bus_error_free(&e);
        if (r < 0)
                return;
        if (sd_bus_message_enter_container(reply, 'a', "(sus)") >= 0)
                while (sd_bus_message_read(reply, "(sus)", &cg, &pid, &cmd) > 0) {
                        void *nv = realloc(v, (n + 1) * sizeof(*v));
                        if (!nv)
                                break;
                        v = nv;
                        v[n].pid = pid;
                        v[n++].cmd = strdup(cmd);
                }
        for (size_t i = 0; i < n; i++) {
                const char *branch = i + 1 < n ? (c->utf8 ? "\xe2\x94\x9c\xe2\x94\x80" : "|-") : (c->utf8 ? "\xe2\x94\x94\xe2\x94\x80" : "`-");
                printf("             %s%" PRIu32 " %s\n", branch, v[i].pid, v[i].cmd ? v[i].cmd : "");
                free(v[i].cmd);
        }
        free(v);
        sd_bus_message_unref(reply);
}

static char *prop_s(Ctl *c, const char *path, const char *iface, const char *name) {
        char *s = NULL;
        (void) ctl_get_property_string(c, path, iface, name, &s);
        return s;
}

/* The message of LoadError (ss), NULL when empty. */
static char *prop_load_error(Ctl *c, const char *path) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        const char *msg = NULL;
        char *v = NULL;

        if (sd_bus_get_property(c->bus, DEST, path, "org.freedesktop.systemd1.Unit", "LoadError", &e, &reply, "(ss)") >= 0 &&
            sd_bus_message_read(reply, "(ss)", NULL, &msg) >= 0 && msg && *msg)
                v = strdup(msg);
        sd_bus_message_unref(reply);
        sd_bus_error_free(&e);
        return v;
}

static uint64_t prop_t(Ctl *c, const char *path, const char *iface, const char *name) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        uint64_t v = UINT64_MAX;

        if (sd_bus_get_property_trivial(c->bus, DEST, path, iface, name, &e, 't', &v) < 0)
                v = UINT64_MAX;
        sd_bus_error_free(&e);
        return v;
}

static char **prop_as(Ctl *c, const char *path, const char *iface, const char *name) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        char **l = NULL;

        (void) sd_bus_get_property_strv(c->bus, DEST, path, iface, name, &e, &l);
        sd_bus_error_free(&e);
        return l;
}

static void format_bytes(uint64_t b, char *buf, size_t n) {
        static const char *const suffix[] = { "B", "K", "M", "G", "T", "P" };
        double v = (double) b;
        size_t i = 0;

        while (v >= 1024 && i + 1 < sizeof(suffix) / sizeof(suffix[0]))
                v /= 1024, i++;
        if (i == 0)
                snprintf(buf, n, "%" PRIu64 "B", b);
        else
                snprintf(buf, n, "%.1f%s", v, suffix[i]);
}

static void format_ago(uint64_t usec, char *buf, size_t n) {
        struct timespec ts;
        uint64_t now;
        char span[64];

        clock_gettime(CLOCK_REALTIME, &ts);
        now = (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
        if (usec > now) {
                snprintf(buf, n, "in the future");
                return;
        }
        /* systemd rounds "ago" spans to two units */
        {
                uint64_t d = now - usec, acc = d >= 60000000ULL ? 1000000ULL : 1000ULL;
                format_timespan(d - d % acc, span, sizeof(span));
        }
        snprintf(buf, n, "%s ago", span);
}

int ctl_verb_status(Ctl *c) {
        char **names = NULL;
        int ret = 0;

        if (c->n_args == 0) {
                char *state = prop_s(c, MGR_PATH, "org.freedesktop.systemd1.Manager", "SystemState");
                char host[256] = "localhost";

                (void) gethostname(host, sizeof(host));
                printf("%s %s\n    State: %s\n", ctl_glyph_circle(c), host, state ? state : "unknown");
                free(state);
                return 0;
        }
        if (ctl_expand_patterns(c, c->args, &names) < 0)
                return 1;
        for (size_t i = 0; names && names[i]; i++) {
                const char *U = "org.freedesktop.systemd1.Unit", *S = "org.freedesktop.systemd1.Service";
                char *path = NULL, ts[128], ago[128];
                StatusInfo s = {};
                bool is_service;

                if (ctl_unit_path(names[i], &path) < 0)
                        break;
                {
                        sd_bus_error e = SD_BUS_ERROR_NULL;
                        int q = sd_bus_get_property_string(c->bus, DEST, path, U, "Id", &e, &s.id);
                        if (q < 0) {
                                /* PID 1's answer, as systemctl prints it (a template: "Unit name ... is neither ...") */
                                ctl_log_bus_error("Failed to get properties", &e, q);
                                sd_bus_error_free(&e);
                                ret = ret ? ret : 1;
                                goto next;
                        }
                }
                s.load_state = prop_s(c, path, U, "LoadState");
                s.active_state = prop_s(c, path, U, "ActiveState");
                if (!s.load_state || !s.active_state) {
                        fprintf(stderr, "Failed to get properties of %s.\n", names[i]);
                        ret = ret ? ret : 1;
                        goto next;
                }
                if (strcmp(s.load_state, "not-found") == 0 && strcmp(s.active_state, "inactive") == 0) {
                        fprintf(stderr, "Unit %s could not be found.\n", names[i]);
                        if (ret == 0)
                                ret = 4;
                        goto next;
                }
                if (i > 0)
                        puts("");
                s.description = prop_s(c, path, U, "Description");
                s.sub_state = prop_s(c, path, U, "SubState");
                s.fragment_path = prop_s(c, path, U, "FragmentPath");
                s.unit_file_state = prop_s(c, path, U, "UnitFileState");
                s.unit_file_preset = prop_s(c, path, U, "UnitFilePreset");
                s.load_error = prop_load_error(c, path);
                s.documentation = prop_as(c, path, U, "Documentation");
                s.dropins = prop_as(c, path, U, "DropInPaths");
                s.triggered_by = prop_as(c, path, U, "TriggeredBy");
                s.active_enter = prop_t(c, path, U, "ActiveEnterTimestamp");
                s.inactive_exit = prop_t(c, path, U, "InactiveExitTimestamp");
                s.inactive_enter = prop_t(c, path, U, "InactiveEnterTimestamp");
                s.active_exit = prop_t(c, path, U, "ActiveExitTimestamp");
                is_service = strstr(names[i], ".service") != NULL;
                if (is_service) {
                        sd_bus_error e = SD_BUS_ERROR_NULL;
                        if (sd_bus_get_property_trivial(c->bus, DEST, path, S, "MainPID", &e, 'u', &s.main_pid) < 0)
                                s.main_pid = 0;
                        sd_bus_error_free(&e);
                        s.control_group = prop_s(c, path, S, "ControlGroup");
                        s.memory_current = prop_t(c, path, S, "MemoryCurrent");
                        s.tasks_current = prop_t(c, path, S, "TasksCurrent");
                        s.tasks_max = prop_t(c, path, S, "TasksMax");
                        s.cpu_usage = prop_t(c, path, S, "CPUUsageNSec");
                        s.result = prop_s(c, path, S, "Result");
                        s.status_text = prop_s(c, path, S, "StatusText");
                        {
                                sd_bus_error e2 = SD_BUS_ERROR_NULL;
                                if (sd_bus_get_property_trivial(c->bus, DEST, path, S, "ExecMainPID", &e2, 'u', &s.exec_main_pid) < 0 ||
                                    sd_bus_get_property_trivial(c->bus, DEST, path, S, "ExecMainCode", &e2, 'i', &s.exec_main_code) < 0 ||
                                    sd_bus_get_property_trivial(c->bus, DEST, path, S, "ExecMainStatus", &e2, 'i', &s.exec_main_status) < 0)
                                        s.exec_main_pid = 0;
                                sd_bus_error_free(&e2);
                        }
                }
                {
                        /* by the active state alone, as systemd's unit_active_state_to_glyph() */
                        const char *a = s.active_state;
                        const char *circle = strcmp(a, "failed") == 0 ? (c->utf8 ? "\xc3\x97" : "x")
                                             : strcmp(a, "reloading") == 0 ? (c->utf8 ? "\xe2\x86\xbb" : "*")
                                             : strcmp(a, "active") == 0 || strcmp(a, "activating") == 0 ||
                                                               strcmp(a, "deactivating") == 0
                                                     ? ctl_glyph_circle(c)
                                                     : (c->utf8 ? "\xe2\x97\x8b" : "*");
                        printf("%s %s", circle, s.id ? s.id : names[i]);
                        if (s.description && *s.description && strcmp(s.description, s.id ? s.id : "") != 0)
                                printf(" - %s", s.description);
                        puts("");
                }
                printf("     Loaded: %s", s.load_state);
                if (s.load_error)
                        printf(" (Reason: %s)", s.load_error);
                else if (s.fragment_path && *s.fragment_path) {
                        const char *ufs = s.unit_file_state;
                        printf(" (%s", s.fragment_path);
                        if (ufs && *ufs)
                                printf("; %s", ufs);
                        /* systemctl's show_preset_for_state() */
                        if (ufs && *ufs && s.unit_file_preset && *s.unit_file_preset && strcmp(ufs, "alias") != 0 &&
                            strcmp(ufs, "static") != 0 && strcmp(ufs, "generated") != 0 && strcmp(ufs, "transient") != 0)
                                printf("; preset: %s", s.unit_file_preset);
                        printf(")");
                }
                puts("");
                for (size_t k = 0; s.dropins && s.dropins[k]; k++)
                        printf("%s %s\n", k == 0 ? "    Drop-In:" : "            ", s.dropins[k]);
                if (s.triggered_by && s.triggered_by[0]) {
                        printf("TriggeredBy:");
                        for (size_t k = 0; s.triggered_by[k]; k++)
                                printf(" %s %s\n%s", ctl_glyph_circle(c), s.triggered_by[k], s.triggered_by[k + 1] ? "            " : "");
                }
                printf("     Active: %s", s.active_state);
                if (s.sub_state && *s.sub_state && strcmp(s.sub_state, s.active_state) != 0)
                        printf(" (%s)", s.sub_state);
                if (s.result && strcmp(s.active_state, "failed") == 0 && strcmp(s.result, "success") != 0)
                        printf(" (Result: %s)", s.result);
                {
                        uint64_t t = strcmp(s.active_state, "active") == 0 || strcmp(s.active_state, "reloading") == 0 ? s.active_enter
                                     : strcmp(s.active_state, "inactive") == 0 || strcmp(s.active_state, "failed") == 0 ? s.inactive_enter
                                     : strcmp(s.active_state, "activating") == 0 ? s.inactive_exit
                                                                               : s.active_exit;
                        if (t != 0 && t != UINT64_MAX) {
                                format_timestamp(t, ts, sizeof(ts));
                                format_ago(t, ago, sizeof(ago));
                                printf(" %s %s; %s", strcmp(s.active_state, "inactive") == 0 || strcmp(s.active_state, "failed") == 0 ? "since" : "since", ts, ago);
                        }
                }
                puts("");
                for (size_t k = 0; s.documentation && s.documentation[k]; k++)
                        printf("%s %s\n", k == 0 ? "       Docs:" : "            ", s.documentation[k]);
                if (s.main_pid > 0) {
                        char comm_path[64], comm[64] = "";
                        FILE *f;

                        snprintf(comm_path, sizeof(comm_path), "/proc/%" PRIu32 "/comm", s.main_pid);
                        f = fopen(comm_path, "re");
                        if (f) {
                                if (fgets(comm, sizeof(comm), f))
                                        comm[strcspn(comm, "\n")] = 0;
                                fclose(f);
                        }
                        if (*comm)
                                printf("   Main PID: %" PRIu32 " (%s)\n", s.main_pid, comm);
                        else
                                printf("   Main PID: %" PRIu32 "\n", s.main_pid);
                } else if (s.exec_main_pid > 0 && s.exec_main_code > 0) {
                        char b[64];
                        format_exit(s.exec_main_code, s.exec_main_status, b, sizeof(b));
                        printf("   Main PID: %" PRIu32 " (%s)\n", s.exec_main_pid, b);
                }
                if (s.status_text && *s.status_text)
                        printf("     Status: \"%s\"\n", s.status_text);
                if (s.tasks_current != UINT64_MAX && is_service) {
                        printf("      Tasks: %" PRIu64, s.tasks_current);
                        if (s.tasks_max != UINT64_MAX)
                                printf(" (limit: %" PRIu64 ")", s.tasks_max);
                        puts("");
                }
                if (s.memory_current != UINT64_MAX && is_service) {
                        char b[32];
                        format_bytes(s.memory_current, b, sizeof(b));
                        printf("     Memory: %s\n", b);
                }
                if (s.cpu_usage != UINT64_MAX && is_service) {
                        char b[64];
                        format_timespan(s.cpu_usage / 1000, b, sizeof(b));
                        printf("        CPU: %s\n", b);
                }
                if (s.control_group && *s.control_group) {
                        printf("     CGroup: %s\n", s.control_group);
                        print_processes(c, s.id ? s.id : names[i]);
                }
                if (ret == 0 && strcmp(s.active_state, "active") != 0 && strcmp(s.active_state, "reloading") != 0)
                        ret = 3;
                /* the unit's last lines from the journal, since it last started (systemctl's -n) */
                {
                        uint64_t since = prop_t(c, path, U, "InactiveExitTimestampMonotonic");
                        fflush(stdout);
                        ctl_show_unit_journal(s.id ? s.id : names[i], since == UINT64_MAX ? 0 : since,
                                              c->lines < 0 ? 0 : (unsigned) c->lines);
                }
        next:
                free(path);
                free(s.id), free(s.description), free(s.load_state), free(s.active_state), free(s.sub_state);
                free(s.fragment_path), free(s.unit_file_state), free(s.unit_file_preset), free(s.control_group);
                free(s.result), free(s.load_error), free(s.status_text);
                strv_free(s.documentation), strv_free(s.dropins), strv_free(s.triggered_by);
        }
        strv_free(names);
        return ret;
}

/* Used by sdinit status. */
void ctl_format_bytes(uint64_t b, char *buf, size_t n);
void ctl_format_bytes(uint64_t b, char *buf, size_t n) {
        format_bytes(b, buf, n);
}
