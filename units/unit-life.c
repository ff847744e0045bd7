/* SPDX-License-Identifier: MIT */
/* Unit life cycle (new/free), fragment loading through the syntax reader and the directive table,
 * systemd's post-load refusals (unit_verify) and the Key=value dump. Above the directive table,
 * which reads the Unit's fields (unit.h, unit.c). */
#include "unit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "list-index.h"
#include "sdu-util.h"
#include "unit-defaults.h"
#include "unit-defaults-internal.h"
#include "unit-directives.h"
#include "unit-sandbox.h"
#include "unit-syntax.h"
#include "unit-type-info.h"

int unit_new(const char *name, const UnitHostInfo *host, Unit **ret) {
        Unit *u;
        char *inst = NULL;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        u = calloc(1, sizeof(*u));
        if (!u)
                return -ENOMEM;
        u->settings = calloc(unit_directive_table_size, sizeof(UnitSetting));
        u->id = strdup(name);
        u->names = calloc(2, sizeof(char *));
        if (!u->settings || !u->id || !u->names)
                goto oom;
        u->names[0] = u->id; /* one string for both (unit_free() knows) */
        if (unit_name_is_instance(name) && unit_name_to_instance(name, &inst) < 0)
                goto oom;
        u->instance = inst;
        u->type = unit_name_to_type(name);
        u->host = host;
        u->load_state = UNIT_STUB;
        unit_directive_init_defaults(u);
        *ret = u;
        return 0;
oom:
        unit_free(u);
        return -ENOMEM;
}

static void condition_list_done(ConditionList *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->items[i].type);
                free(l->items[i].parameter);
        }
        free(l->items);
        *l = (ConditionList) {};
}

static void free_unit_section(UnitUnitSection *s) {
        free(s->description);
        strv_free(s->documentation);
        for (int i = 0; i < _UNIT_DEPENDENCY_MAX; i++)
                strv_free(s->deps[i]);
        strv_free(s->requires_mounts_for);
        strv_free(s->wants_mounts_for);
        free(s->reboot_argument);
        free(s->job_timeout_reboot_argument);
        free(s->source_path);
        condition_list_done(&s->conditions);
        condition_list_done(&s->asserts);
}

static void free_install(UnitInstallSection *s) {
        strv_free(s->alias);
        strv_free(s->wanted_by);
        strv_free(s->required_by);
        strv_free(s->upheld_by);
        strv_free(s->also);
        free(s->default_instance);
}

static void free_exec(ExecSettings *e) {
        if (!e)
                return;
        char *strings[] = { e->user, e->group, e->working_directory, e->root_directory, e->root_image,
                            e->standard_input_file, e->standard_output_file, e->standard_error_file,
                            e->standard_input_text, e->syslog_identifier, e->syslog_facility, e->syslog_level,
                            e->log_level_max, e->tty_path, e->pam_name, e->personality };
        char **lists[] = { e->supplementary_groups, e->environment, e->environment_files, e->pass_environment,
                           e->unset_environment, e->runtime_directory, e->state_directory, e->cache_directory,
                           e->logs_directory, e->configuration_directory };

        for (size_t i = 0; i < SDU_ELEMENTSOF(strings); i++)
                free(strings[i]);
        for (size_t i = 0; i < SDU_ELEMENTSOF(lists); i++)
                strv_free(lists[i]);
        free(e->rlimits);
        unit_sandbox_free(e->sandbox);
        free(e);
}

static void free_service(ServiceSettings *s) {
        ExecCommandList *lists[] = { &s->exec_condition, &s->exec_start_pre, &s->exec_start, &s->exec_start_post,
                                     &s->exec_reload, &s->exec_stop, &s->exec_stop_post };

        for (size_t i = 0; i < SDU_ELEMENTSOF(lists); i++)
                exec_command_list_done(lists[i]);
        free(s->pid_file);
        free(s->bus_name);
        free(s->usb_function_descriptors);
        free(s->usb_function_strings);
        strv_free(s->sockets);
        free(s->success_exit_status);
        free(s->restart_prevent_exit_status);
        free(s->restart_force_exit_status);
}

static void free_socket(SocketSettings *s) {
        for (size_t i = 0; i < s->listen.n; i++) {
                free(s->listen.items[i].type);
                free(s->listen.items[i].address);
        }
        free(s->listen.items);
        free(s->socket_user);
        free(s->socket_group);
        free(s->service);
        free(s->bind_to_device);
        free(s->tcp_congestion);
        free(s->smack_label);
        strv_free(s->file_descriptor_names);
        strv_free(s->symlinks);
        exec_command_list_done(&s->exec_start_pre);
        exec_command_list_done(&s->exec_start_post);
        exec_command_list_done(&s->exec_stop_pre);
        exec_command_list_done(&s->exec_stop_post);
}

static void free_timer(TimerSettings *t) {
        TimeList *lists[] = { &t->on_active, &t->on_boot, &t->on_startup, &t->on_unit_active, &t->on_unit_inactive };

        for (size_t i = 0; i < SDU_ELEMENTSOF(lists); i++)
                free(lists[i]->items);
        strv_free(t->on_calendar);
        free(t->unit);
}

static void free_path(PathSettings *p) {
        for (size_t i = 0; i < p->specs.n; i++) {
                free(p->specs.items[i].type);
                free(p->specs.items[i].path);
        }
        free(p->specs.items);
        free(p->unit);
}

static void free_mount(MountSettings *m) {
        free(m->what);
        free(m->where);
        free(m->type);
        free(m->options);
}

Unit *unit_free(Unit *u) {
        if (!u)
                return NULL;
        free_unit_section(&u->unit);
        free_install(&u->install);
        free_exec(u->exec);
        if (u->cgroup) {
                free(u->cgroup->slice);
                free(u->cgroup);
        }
        switch (unit_type_info(u->type)->own) { /* the live member of the union */
        case UNIT_OWN_SERVICE:
                free_service(&u->service);
                break;
        case UNIT_OWN_SOCKET:
                free_socket(&u->socket);
                break;
        case UNIT_OWN_TIMER:
                free_timer(&u->timer);
                break;
        case UNIT_OWN_PATH:
                free_path(&u->path);
                break;
        case UNIT_OWN_MOUNT:
                free_mount(&u->mount);
                break;
        case UNIT_OWN_NONE:
                break;
        }
        for (size_t i = 0; u->settings && i < unit_directive_table_size; i++)
                strv_free(u->settings[i].raw);
        free(u->settings);
        for (size_t i = 0; i < u->n_raw_kept; i++)
                strv_free(u->raw_kept[i].raw);
        free(u->raw_kept);
        sdu_list_index_free(u->load_index);
        for (size_t i = 0; u->names && u->names[i]; i++)
                if (u->names[i] != u->id)
                        free(u->names[i]);
        free(u->names);
        free(u->id);
        free(u->fragment_path);
        strv_free(u->dropin_paths);
        free(u->instance);
        free(u);
        return NULL;
}

typedef struct LoadCtx {
        Unit *u;
        const UnitDiagSink *diag;
} LoadCtx;

static int on_section(void *userdata, const char *section, const char *file, unsigned line) {
        LoadCtx *c = userdata;
        bool known = unit_section_is_known(c->u->type, section);

        if (!known)
                c->u->n_warnings++;
        return known ? 1 : 0;
}

static int on_assign(void *userdata, const char *section, const char *key, const char *value, const char *file,
                     unsigned line) {
        LoadCtx *c = userdata;

        return unit_directive_assign(c->u, c->diag, section, key, value, file, line);
}

/* Records the file name in u and returns the stable copy used in diagnostics. */
static const char *remember_file(Unit *u, const char *file, bool is_dropin) {
        if (is_dropin) {
                char *c = strdup(file);
                if (!c || strv_push_counted(&u->dropin_paths, &u->n_dropin_paths, c) < 0)
                        return NULL;
                return u->dropin_paths[u->n_dropin_paths - 1];
        }
        if (!u->fragment_path && !(u->fragment_path = strdup(file)))
                return NULL;
        return u->fragment_path;
}

/* Wraps the caller's sink to count diagnostics the syntax layer emits. */
typedef struct CountingSink {
        const UnitDiagSink *inner;
        Unit *u;
} CountingSink;

static void counting_fn(const UnitDiag *d, void *userdata) {
        CountingSink *cs = userdata;

        if (d->level == UNIT_DIAG_ERROR)
                cs->u->n_errors++;
        if (cs->inner && cs->inner->fn)
                cs->inner->fn(d, cs->inner->userdata);
}

int unit_load_fragment_buffer(Unit *u, const char *file, const char *buf, size_t len, bool is_dropin,
                              const UnitDiagSink *diag) {
        CountingSink cs = { .inner = diag, .u = u };
        UnitDiagSink sink = { .fn = counting_fn, .userdata = &cs };
        LoadCtx c = { .u = u, .diag = diag };
        UnitSyntaxCallbacks cb = { .section = on_section, .assign = on_assign, .userdata = &c };
        const char *stable;
        int r;

        stable = remember_file(u, file, is_dropin);
        if (!stable)
                return -ENOMEM;
        r = unit_syntax_parse_buffer(stable, buf, len, &sink, &cb);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                u->load_state = UNIT_BAD_SETTING;
                return r;
        }
        if (u->load_state == UNIT_STUB)
                u->load_state = UNIT_LOADED;
        /* after every file (fragment, then each drop-in), so the last one leaves the defaults of
         * what is unset in the end (a drop-in may set Type=oneshot or reset a setting) */
        unit_apply_defaults(u);
        return 0;
}

int unit_load_fragment_file(Unit *u, const char *path, bool is_dropin, const UnitDiagSink *diag) {
        size_t len;
        char *buf;
        int r;

        r = read_full_file(path, &buf, &len);
        if (r < 0) {
                u->n_errors++;
                unit_diag(diag, UNIT_DIAG_ERROR, path, 0, "Failed to read unit file: %s", strerror(-r));
                if (u->load_state == UNIT_STUB || u->load_state == UNIT_LOADED)
                        u->load_state = UNIT_ERROR;
                return r;
        }
        r = unit_load_fragment_buffer(u, path, buf, len, is_dropin, diag);
        free(buf);
        return r;
}

int unit_compact(Unit *u) {
        size_t n_raw = 0;

        unit_apply_defaults(u);
        if (!u->settings)
                return 0;
        if (unit_sandbox_fill(u) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < unit_directive_table_size; i++)
                n_raw += u->settings[i].raw != NULL;
        if (n_raw > 0 && !(u->raw_kept = calloc(n_raw, sizeof(UnitRawValue))))
                return -ENOMEM;
        for (size_t i = 0; i < unit_directive_table_size; i++)
                if (u->settings[i].raw)
                        u->raw_kept[u->n_raw_kept++] = (UnitRawValue) { .row = (unsigned) i, .raw = u->settings[i].raw };
        free(u->settings);
        u->settings = NULL;
        sdu_list_index_trim(u->load_index);
        u->load_index = sdu_list_index_free(u->load_index);
        return 0;
}

static int refuse(Unit *u, const UnitDiagSink *diag, const char *msg) {
        u->n_errors++;
        unit_diag(diag, UNIT_DIAG_ERROR, u->fragment_path ?: u->id, 0, "%s", msg);
        u->load_state = UNIT_BAD_SETTING;
        return -ENOEXEC;
}

int unit_verify_service(Unit *u, const UnitDiagSink *diag) {
        const ServiceSettings *s = &u->service;
        bool has_start = s->exec_start.n > 0, has_stop = s->exec_stop.n > 0;
        bool success_action = u->unit.success_action > 0;
        int type = s->type;

        if (type < 0)
                type = s->bus_name ? SERVICE_DBUS : has_start ? SERVICE_SIMPLE : SERVICE_ONESHOT;
        if (!has_start && !has_stop && !success_action)
                return refuse(u, diag, "Service has no ExecStart=, ExecStop=, or SuccessAction=. Refusing.");
        if (type != SERVICE_ONESHOT && !has_start)
                return refuse(u, diag, "Service has no ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.");
        if (!has_start && s->remain_after_exit != 1 && !success_action)
                return refuse(u, diag, "Service has no ExecStart= and no SuccessAction= settings and does not have RemainAfterExit=yes set. Refusing.");
        if (type != SERVICE_ONESHOT && s->exec_start.n > 1)
                return refuse(u, diag, "Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services. Refusing.");
        if (type == SERVICE_ONESHOT && (s->restart == SERVICE_RESTART_ALWAYS || s->restart == SERVICE_RESTART_ON_SUCCESS))
                return refuse(u, diag, "Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services. Refusing.");
        if (type == SERVICE_DBUS && !s->bus_name)
                return refuse(u, diag, "Service is of type D-Bus but no D-Bus service name has been specified. Refusing.");
        return 0;
}

int unit_verify_mount(Unit *u, const UnitDiagSink *diag) {
        char *expected = NULL, *name;
        int r;

        if (!u->mount.where)
                return refuse(u, diag, "Where= setting is missing. Refusing.");
        r = unit_name_path_escape(u->mount.where, &expected);
        if (r == -ENOMEM)
                return r;
        name = r >= 0 ? sdu_strjoin3(expected, ".mount", NULL) : NULL;
        free(expected);
        if (r >= 0 && !name)
                return -ENOMEM;
        r = name && sdu_streq(name, u->id) ? 0 : -1;
        free(name);
        if (r < 0)
                return refuse(u, diag, "Where= setting doesn't match unit name. Refusing.");
        if (!u->mount.what)
                return refuse(u, diag, "What= setting is missing. Refusing.");
        return 0;
}

int unit_verify_socket(Unit *u, const UnitDiagSink *diag) {
        if (u->socket.listen.n == 0)
                return refuse(u, diag, "Unit has no Listen setting (ListenStream=, ListenDatagram=, ListenFIFO=, ...). Refusing.");
        return 0;
}

int unit_verify_timer(Unit *u, const UnitDiagSink *diag) {
        const TimerSettings *t = &u->timer;

        if (!t->on_calendar && !t->on_active.n && !t->on_boot.n && !t->on_startup.n && !t->on_unit_active.n &&
            !t->on_unit_inactive.n)
                return refuse(u, diag, "Timer unit lacks value setting. Refusing.");
        return 0;
}

int unit_verify_path(Unit *u, const UnitDiagSink *diag) {
        if (u->path.specs.n == 0)
                return refuse(u, diag, "Path unit lacks path setting. Refusing.");
        return 0;
}

int unit_verify(Unit *u, const UnitDiagSink *diag) {
        int (*verify)(Unit *u, const UnitDiagSink *diag);

        if (u->load_state != UNIT_LOADED)
                return 0;
        if (unit_name_is_template(u->id))
                return 0; /* templates are checked through their instances */
        verify = unit_type_info(u->type)->verify;
        return verify ? verify(u, diag) : 0;
}

int unit_dump(const Unit *u, FILE *f, bool all) {
        char *s;

        fprintf(f, "Id=%s\n", u->id);
        s = strv_join(u->names, " ");
        if (!s)
                return -ENOMEM;
        fprintf(f, "Names=%s\n", s);
        free(s);
        fprintf(f, "LoadState=%s\n", unit_load_state_to_string(u->load_state));
        if (u->fragment_path)
                fprintf(f, "FragmentPath=%s\n", u->fragment_path);
        if (u->dropin_paths) {
                s = strv_join(u->dropin_paths, " ");
                if (!s)
                        return -ENOMEM;
                fprintf(f, "DropInPaths=%s\n", s);
                free(s);
        }
        for (size_t i = 0; i < unit_directive_table_size; i++) {
                const UnitDirective *d = unit_directive_table + i;
                char *v, *line, *save = NULL;
                int r;

                if (!unit_directive_applies(d, u->type) || (d->flags & DIRECTIVE_NO_DUMP))
                        continue;
                if (!all && (!u->settings || u->settings[i].count == 0))
                        continue;
                r = unit_directive_format(u, i, &v);
                if (r < 0)
                        return r;
                if (!v) {
                        if (all)
                                fprintf(f, "%s=\n", d->key);
                        continue;
                }
                for (line = strtok_r(v, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                        fprintf(f, "%s=%s\n", d->key, line);
                if (!*v)
                        fprintf(f, "%s=\n", d->key);
                free(v);
        }
        return 0;
}

int unit_foreach_not_enforced(const Unit *u, unit_not_enforced_fn fn, void *userdata) {
        int n = 0;

        for (size_t i = 0; i < unit_directive_table_size; i++) {
                const UnitDirective *d = unit_directive_table + i;

                if (!u->settings || !(d->flags & DIRECTIVE_NOT_ENFORCED) || u->settings[i].count == 0 ||
                    !unit_directive_applies(d, u->type))
                        continue;
                fn(d->key, u->settings[i].file, u->settings[i].line, userdata);
                n++;
        }
        return n;
}
