/* SPDX-License-Identifier: MIT */
/* The unit-file, list, manager and cat verbs of sdinit's systemctl over D-Bus (the unit verbs are in ctl-bus.c). */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ctl/ctl-bus.h"
#include "ctl/ctl.h"
#include "common/cleanup.h"
#include "install/install.h"
#include "units/unit-name.h"

/* ---- unit files ---- */

static int mangle_list(Ctl *c, char ***ret) {
        char **l = NULL;

        for (int i = 0; i < c->n_args; i++) {
                char *m = NULL;

                if (strchr(c->args[i], '/'))
                        m = strdup(c->args[i]);
                else if (ctl_mangle(c, c->args[i], false, &m) < 0) {
                        strv_free(l);
                        return -EINVAL;
                }
                if (!m || strv_push(&l, m) < 0) {
                        strv_free(l);
                        return -ENOMEM;
                }
        }
        *ret = l;
        return 0;
}

int ctl_verb_is_enabled(Ctl *c) {
        char **names = NULL;
        bool enabled = false;

        if (mangle_list(c, &names) < 0)
                return 1;
        for (size_t i = 0; names && names[i]; i++) {
                sd_bus_error e = SD_BUS_ERROR_NULL;
                sd_bus_message *reply = NULL;
                const char *s;
                int r, st;

                r = ctl_call(c, MGR_PATH, MGR_IFACE, "GetUnitFileState", &e, &reply, "s", names[i]);
                if (r < 0) {
                        fprintf(stderr, "Failed to get unit file state for %s: %s\n", names[i], ctl_bus_error_message(&e, r));
                        sd_bus_error_free(&e);
                        strv_free(names);
                        return 1;
                }
                if (sd_bus_message_read(reply, "s", &s) > 0) {
                        st = install_state_from_string(s);
                        if (st >= 0 && install_state_is_enabled(st))
                                enabled = true;
                        if (!c->quiet)
                                puts(s);
                }
                sd_bus_message_unref(reply);
        }
        strv_free(names);
        return enabled ? 0 : 1;
}

static int dump_bus_changes(Ctl *c, sd_bus_message *reply) {
        static const char *const types[] = { "symlink", "unlink", "masked", "dangling", "destination not present",
                                             "auxiliary unit failed" };
        InstallChanges ch = {};
        const char *type, *path, *source;
        int r;

        r = sd_bus_message_enter_container(reply, 'a', "(sss)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(sss)", &type, &path, &source)) > 0) {
                InstallChange *n;

                for (int t = 0; t < (int) (sizeof(types) / sizeof(types[0])); t++)
                        if (strcmp(types[t], type) == 0) {
                                n = realloc(ch.items, (ch.n + 1) * sizeof(*n));
                                if (!n)
                                        break;
                                ch.items = n;
                                ch.items[ch.n++] = (InstallChange) { t, strdup(path), *source ? strdup(source) : NULL };
                        }
        }
        ctl_dump_changes(c, 0, NULL, &ch);
        install_changes_done(&ch);
        return r < 0 ? r : 0;
}

static int daemon_reload(Ctl *c) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r = ctl_call(c, MGR_PATH, MGR_IFACE, "Reload", &e, NULL, NULL);

        if (r < 0)
                ctl_log_bus_error("Failed to reload daemon", &e, r);
        sd_bus_error_free(&e);
        return r;
}

/* As systemctl asks it before mask/unmask: the manager's view, not the files' (a unit counts as
 * existing unless it is not-found and inactive). 1, 0, or -errno. */
static int unit_exists(Ctl *c, const char *name) {
        char *path = NULL, *load = NULL, *active = NULL;
        int r;

        /* A template is looked for in the client's own search path (systemctl's unit_exists()). */
        if (unit_name_is_valid(name, UNIT_NAME_TEMPLATE))
                return install_unit_exists(c->root, name);
        r = ctl_unit_path(name, &path);

        if (r >= 0)
                r = ctl_get_property_string(c, path, UNIT_IFACE, "LoadState", &load);
        if (r >= 0)
                r = ctl_get_property_string(c, path, UNIT_IFACE, "ActiveState", &active);
        if (r >= 0)
                r = !(strcmp(load, "not-found") == 0 && strcmp(active, "inactive") == 0);
        free(path);
        free(load);
        free(active);
        return r;
}

int ctl_verb_enable(Ctl *c) {
        const char *verb = c->verb, *method;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL, *reply = NULL;
        bool send_force = true, send_mode = false, carries = strcmp(verb, "enable") == 0 || strcmp(verb, "reenable") == 0;
        int carries_install_info = -1;
        char **names = NULL;
        int r;

        if (mangle_list(c, &names) < 0)
                return 1;
        if (strcmp(verb, "mask") == 0 || strcmp(verb, "unmask") == 0)
                for (size_t i = 0; names && names[i]; i++)
                        if (unit_exists(c, names[i]) == 0)
                                fprintf(stderr, "Unit %s does not exist, proceeding anyway.\n", names[i]);
        if (strcmp(verb, "enable") == 0)
                method = "EnableUnitFiles";
        else if (strcmp(verb, "disable") == 0)
                method = "DisableUnitFiles", send_force = false;
        else if (strcmp(verb, "reenable") == 0)
                method = "ReenableUnitFiles";
        else if (strcmp(verb, "mask") == 0)
                method = "MaskUnitFiles";
        else if (strcmp(verb, "preset") == 0) {
                /* systemctl 252 sends the mode only when it is not "full" */
                method = c->preset_mode != INSTALL_PRESET_FULL ? "PresetUnitFilesWithMode" : "PresetUnitFiles";
                send_mode = c->preset_mode != INSTALL_PRESET_FULL;
                carries = true; /* read, but no notice for preset */
        } else
                method = "UnmaskUnitFiles", send_force = false;
        r = sd_bus_message_new_method_call(c->bus, &m, DEST, MGR_PATH, MGR_IFACE, method);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, names);
        if (r >= 0 && send_mode)
                r = sd_bus_message_append(m, "s", install_preset_mode_to_string(c->preset_mode));
        if (r >= 0)
                r = sd_bus_message_append(m, "b", (int) c->runtime);
        if (r >= 0 && send_force)
                r = sd_bus_message_append(m, "b", (int) c->force);
        if (r >= 0)
                r = sd_bus_call(c->bus, m, 0, &e, &reply);
        sd_bus_message_unref(m);
        strv_free(names);
        if (r < 0) {
                fprintf(stderr, "Failed to %s unit: %s\n", verb, ctl_bus_error_message(&e, r));
                sd_bus_error_free(&e);
                return 1;
        }
        if (carries)
                sd_bus_message_read(reply, "b", &carries_install_info);
        r = dump_bus_changes(c, reply);
        sd_bus_message_unref(reply);
        if (r < 0)
                return 1;
        if (!c->no_reload && daemon_reload(c) < 0)
                return 1;
        if (carries_install_info == 0 && !c->quiet && strcmp(verb, "preset") != 0) {
                /* the same notice as offline */
                Ctl tmp = *c;
                tmp.verb = "enable";
                (void) tmp;
                fprintf(stderr, "The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n"
                                "Alias= settings in the [Install] section, and DefaultInstance= for template\n"
                                "units). This means they are not meant to be enabled using systemctl.\n"
                                " \n"
                                "Possible reasons for having this kind of units are:\n"
                                "%1$s A unit may be statically enabled by being symlinked from another unit's\n"
                                "  .wants/ or .requires/ directory.\n"
                                "%1$s A unit's purpose may be to act as a helper for some other unit which has\n"
                                "  a requirement dependency on it.\n"
                                "%1$s A unit may be started when needed via activation (socket, path, timer,\n"
                                "  D-Bus, udev, scripted systemctl call, ...).\n"
                                "%1$s In case of template units, the unit is meant to be enabled with some\n"
                                "  instance name specified.\n",
                        ctl_glyph_bullet(c));
        }
        if (c->now && strcmp(verb, "preset") != 0) {
                const char *sv = strcmp(verb, "enable") == 0 || strcmp(verb, "unmask") == 0 ? "start"
                                 : strcmp(verb, "reenable") == 0                             ? "try-restart"
                                                                                             : "stop";
                Ctl s = *c;
                s.verb = sv;
                return ctl_verb_start(&s);
        }
        return 0;
}

int ctl_verb_preset_all(Ctl *c) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        int r;

        r = ctl_call(c, MGR_PATH, MGR_IFACE, "PresetAllUnitFiles", &e, &reply, "sbb",
                 install_preset_mode_to_string(c->preset_mode), (int) c->runtime, (int) c->force);
        if (r < 0) {
                fprintf(stderr, "Failed to preset all units: %s\n", ctl_bus_error_message(&e, r));
                sd_bus_error_free(&e);
                return 1;
        }
        r = dump_bus_changes(c, reply);
        sd_bus_message_unref(reply);
        if (r < 0)
                return 1;
        if (!c->no_reload && daemon_reload(c) < 0)
                return 1;
        return 0;
}

int ctl_verb_get_default(Ctl *c) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        const char *name;
        int r;

        r = ctl_call(c, MGR_PATH, MGR_IFACE, "GetDefaultTarget", &e, &reply, NULL);
        if (r < 0) {
                ctl_log_bus_error("Failed to get default target", &e, r);
                sd_bus_error_free(&e);
                return 1;
        }
        if (sd_bus_message_read(reply, "s", &name) > 0)
                puts(name);
        sd_bus_message_unref(reply);
        return 0;
}

int ctl_verb_set_default(Ctl *c) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        char *name = NULL;
        int r;

        if (ctl_mangle(c, c->args[0], false, &name) < 0)
                return 1;
        if (!strchr(c->args[0], '.')) {
                char *dot = strrchr(name, '.'), *t;
                *dot = 0;
                t = malloc(strlen(name) + 8);
                if (t)
                        sprintf(t, "%s.target", name);
                free(name);
                name = t;
                if (!name)
                        return 1;
        }
        r = ctl_call(c, MGR_PATH, MGR_IFACE, "SetDefaultTarget", &e, &reply, "sb", name, 1);
        free(name);
        if (r < 0) {
                ctl_log_bus_error("Failed to set default target", &e, r);
                sd_bus_error_free(&e);
                return 1;
        }
        r = dump_bus_changes(c, reply);
        sd_bus_message_unref(reply);
        if (!c->no_reload && daemon_reload(c) < 0)
                return 1;
        return r < 0 ? 1 : 0;
}

/* ---- lists ---- */

static const char *type_suffix(const char *id) {
        const char *d = strrchr(id, '.');
        return d ? d + 1 : "";
}

static int cmp_unit_info(const void *a, const void *b) {
        const UnitInfo *x = a, *y = b;
        int r = strcasecmp(type_suffix(x->id), type_suffix(y->id));

        return r != 0 ? r : strcasecmp(x->id, y->id);
}

int ctl_verb_list_units(Ctl *c) {
        static const char *const headers[] = { "", "UNIT", "LOAD", "ACTIVE", "SUB", "JOB", "DESCRIPTION" };
        sd_bus_message *reply = NULL;
        UnitInfo *u = NULL;
        size_t n = 0, shown = 0, jobs = 0;
        Table *t;
        int r;

        r = ctl_list_units(c, c->states, c->args, &reply, &u, &n);
        if (r < 0)
                return 1;
        if (n > 1)
                qsort(u, n, sizeof(*u), cmp_unit_info);
        for (size_t i = 0; i < n; i++)
                if (u[i].job_id)
                        jobs++;
        t = table_new(7, headers);
        if (!t)
                return 1;
        t->header = !c->no_legend;
        jobs = 0;
        for (size_t i = 0; i < n; i++) {
                const UnitInfo *x = u + i;
                bool circle;

                if (c->args && c->n_args > 0) {
                        bool match = false;
                        for (int k = 0; k < c->n_args; k++)
                                if (fnmatch(c->args[k], x->id, FNM_NOESCAPE) == 0)
                                        match = true;
                        if (!match)
                                continue;
                }
                if (c->types && !strv_contains(c->types, type_suffix(x->id)))
                        continue;
                if (!c->all) {
                        if (*x->following)
                                continue;
                        if (!c->states && !x->job_id && strcmp(x->active_state, "inactive") == 0)
                                continue;
                }
                circle = !c->plain && (strcmp(x->load_state, "error") == 0 || strcmp(x->load_state, "not-found") == 0 ||
                                       strcmp(x->load_state, "bad-setting") == 0 || strcmp(x->load_state, "masked") == 0 ||
                                       strcmp(x->active_state, "failed") == 0);
                table_add(t, circle ? ctl_glyph_circle(c) : " ");
                table_add(t, x->id);
                table_add(t, x->load_state);
                table_add(t, x->active_state);
                table_add(t, x->sub_state);
                table_add(t, x->job_id ? x->job_type : "");
                table_add(t, x->description);
                if (x->job_id)
                        jobs++;
                shown++;
        }
        /* Hide the glyph column with --plain and the JOB column when no unit has a job. */
        {
                Table *v;
                size_t keep[7], nk = 0;
                const char *hs[7];

                for (size_t col = 0; col < 7; col++)
                        if (!(col == 0 && c->plain) && !(col == 5 && jobs == 0))
                                keep[nk++] = col;
                for (size_t k = 0; k < nk; k++)
                        hs[k] = headers[keep[k]];
                v = table_new(nk, hs);
                if (!v)
                        return 1;
                v->header = t->header;
                for (size_t row = 1; row < t->n_cells / 7; row++)
                        for (size_t k = 0; k < nk; k++)
                                table_add(v, t->cells[row * 7 + keep[k]]);
                table_print(v, stdout, "-");
                table_free(v);
        }
        if (!c->no_legend) {
                if (shown > 0) {
                        puts("\nLOAD   = Reflects whether the unit definition was properly loaded.\n"
                             "ACTIVE = The high-level unit activation state, i.e. generalization of SUB.\n"
                             "SUB    = The low-level unit activation state, values depend on unit type.");
                        if (jobs > 0)
                                puts("JOB    = Pending job for the unit.\n");
                }
                if (c->all || strv_contains(c->states, "inactive"))
                        printf("%zu loaded units listed.\nTo show all installed unit files use 'systemctl list-unit-files'.\n",
                               shown);
                else if (!c->states)
                        printf("%zu loaded units listed. Pass --all to see loaded but inactive units, too.\n"
                               "To show all installed unit files use 'systemctl list-unit-files'.\n",
                               shown);
                else
                        printf("%zu loaded units listed.\n", shown);
        }
        table_free(t);
        free(u);
        sd_bus_message_unref(reply);
        return 0;
}

typedef struct FileEntry {
        const char *path, *state;
} FileEntry;

static int cmp_file_entry(const void *a, const void *b) {
        const FileEntry *x = a, *y = b;
        const char *d1 = strrchr(x->path, '.'), *d2 = strrchr(y->path, '.');
        const char *b1 = strrchr(x->path, '/'), *b2 = strrchr(y->path, '/');

        if (d1 && d2) {
                int r = strcasecmp(d1, d2);
                if (r != 0)
                        return r;
        }
        return strcasecmp(b1 ? b1 + 1 : x->path, b2 ? b2 + 1 : y->path);
}

int ctl_verb_list_unit_files(Ctl *c) {
        static const char *const headers[] = { "UNIT FILE", "STATE", "PRESET" };
        InstallPresets *presets = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL, *reply = NULL;
        FileEntry *l = NULL;
        size_t n = 0;
        char **patterns = NULL;
        Table *t;
        int r;

        for (int i = 0; i < c->n_args; i++)
                strv_extend(&patterns, c->args[i]);
        r = sd_bus_message_new_method_call(c->bus, &m, DEST, MGR_PATH, MGR_IFACE, "ListUnitFilesByPatterns");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, c->states);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, patterns);
        if (r >= 0)
                r = sd_bus_call(c->bus, m, 0, &e, &reply);
        sd_bus_message_unref(m);
        strv_free(patterns);
        if (r < 0) {
                ctl_log_bus_error("Failed to list unit files", &e, r);
                sd_bus_error_free(&e);
                return 1;
        }
        r = sd_bus_message_enter_container(reply, 'a', "(ss)");
        while (r >= 0) {
                FileEntry f, *nl;
                const char *dot;

                r = sd_bus_message_read(reply, "(ss)", &f.path, &f.state);
                if (r <= 0)
                        break;
                dot = strrchr(f.path, '.');
                if (c->types && !(dot && strv_contains(c->types, dot + 1)))
                        continue;
                nl = realloc(l, (n + 1) * sizeof(*nl));
                if (!nl)
                        break;
                l = nl;
                l[n++] = f;
        }
        if (n > 0)
                qsort(l, n, sizeof(*l), cmp_file_entry);
        t = table_new(3, headers);
        if (!t)
                return 1;
        t->header = !c->no_legend;
        for (size_t i = 0; i < n; i++) {
                const char *id = strrchr(l[i].path, '/') ? strrchr(l[i].path, '/') + 1 : l[i].path;

                table_add(t, id);
                table_add(t, l[i].state);
                if (strcmp(l[i].state, "alias") == 0 || strcmp(l[i].state, "static") == 0 ||
                    strcmp(l[i].state, "generated") == 0 || strcmp(l[i].state, "transient") == 0)
                        table_add(t, "");
                else {
                        int p = ctl_query_preset(NULL, &presets, id);
                        table_add(t, p < 0 ? "n/a" : p ? "enabled" : "disabled");
                }
        }
        table_print(t, stdout, "-");
        if (!c->no_legend)
                printf("\n%zu unit files listed.\n", n);
        table_free(t);
        install_presets_free(presets);
        free(l);
        sd_bus_message_unref(reply);
        return n == 0 ? 1 : 0;
}

int ctl_verb_list_jobs(Ctl *c) {
        static const char *const headers[] = { "JOB", "UNIT", "TYPE", "STATE" };
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        size_t n = 0;
        Table *t;
        int r;

        r = ctl_call(c, MGR_PATH, MGR_IFACE, "ListJobs", &e, &reply, NULL);
        if (r < 0) {
                ctl_log_bus_error("Failed to list jobs", &e, r);
                sd_bus_error_free(&e);
                return 1;
        }
        t = table_new(4, headers);
        if (!t)
                return 1;
        t->header = !c->no_legend;
        r = sd_bus_message_enter_container(reply, 'a', "(usssoo)");
        while (r >= 0) {
                const char *unit, *type, *state, *jp, *up;
                uint32_t id;
                char buf[16];
                bool match = c->n_args == 0;

                r = sd_bus_message_read(reply, "(usssoo)", &id, &unit, &type, &state, &jp, &up);
                if (r <= 0)
                        break;
                for (int k = 0; k < c->n_args; k++)
                        if (fnmatch(c->args[k], unit, FNM_NOESCAPE) == 0)
                                match = true;
                if (!match)
                        continue;
                snprintf(buf, sizeof(buf), "%" PRIu32, id);
                table_add(t, buf);
                table_add(t, unit);
                table_add(t, type);
                table_add(t, state);
                n++;
        }
        if (n == 0) {
                if (!c->no_legend)
                        printf("No jobs %s.\n", c->n_args > 0 ? "listed" : "running");
        } else {
                table_print(t, stdout, "-");
                if (!c->no_legend)
                        printf("\n%zu jobs listed.\n", n);
        }
        table_free(t);
        sd_bus_message_unref(reply);
        return 0;
}

/* ---- manager ---- */

int ctl_verb_daemon_reload(Ctl *c) {
        return daemon_reload(c) < 0 ? 1 : 0;
}

static int match_startup_finished(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        *(bool *) userdata = true;
        return 0;
}

int ctl_verb_is_system_running(Ctl *c) {
        sd_bus_slot *slot = NULL;
        bool finished = false;
        char *state = NULL;
        int r;

        if (c->wait &&
            sd_bus_match_signal(c->bus, &slot, NULL, MGR_PATH, MGR_IFACE, "StartupFinished", match_startup_finished, &finished) < 0)
                c->wait = false;
        r = ctl_get_property_string(c, MGR_PATH, MGR_IFACE, "SystemState", &state);
        if (r < 0) {
                fprintf(stderr, "Failed to query system state: %s\n", strerror(-r));
                if (!c->quiet)
                        puts("unknown");
                sd_bus_slot_unref(slot);
                return 1;
        }
        while (c->wait && (strcmp(state, "initializing") == 0 || strcmp(state, "starting") == 0)) {
                while (!finished) {
                        r = sd_bus_process(c->bus, NULL);
                        if (r == 0)
                                r = sd_bus_wait(c->bus, UINT64_MAX);
                        if (r < 0)
                                break;
                }
                if (r < 0) {
                        fprintf(stderr, "Failed to get property from event loop: %s\n", strerror(-r));
                        if (!c->quiet)
                                puts("unknown");
                        free(state);
                        sd_bus_slot_unref(slot);
                        return 1;
                }
                free(state);
                state = NULL;
                r = ctl_get_property_string(c, MGR_PATH, MGR_IFACE, "SystemState", &state);
                if (r < 0) {
                        if (!c->quiet)
                                puts("unknown");
                        sd_bus_slot_unref(slot);
                        return 1;
                }
                break;
        }
        sd_bus_slot_unref(slot);
        if (!c->quiet)
                puts(state);
        r = strcmp(state, "running") == 0 ? 0 : 1;
        free(state);
        return r;
}

/* ---- cat ---- */

static int cat_file(const char *path, bool newline_before) {
        FILE *f = fopen(path, "re");
        char buf[4096];
        size_t n;
        int last = '\n';

        if (!f) {
                fprintf(stderr, "Failed to open \"%s\": %s\n", path, strerror(errno));
                return -errno;
        }
        printf("%s# %s\n", newline_before ? "\n" : "", path);
        fflush(stdout);
        while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
                fwrite(buf, 1, n, stdout);
                last = buf[n - 1];
        }
        if (last != '\n')
                putchar('\n');
        fclose(f);
        return 0;
}

int ctl_verb_cat(Ctl *c) {
        _cleanup_strv_free_ char **names = NULL;
        bool first = true;
        int rc = 0;

        if (ctl_expand_patterns(c, c->args, &names) < 0)
                return 1;
        for (size_t i = 0; names && names[i]; i++) {
                _cleanup_free_ char *path = NULL, *fragment = NULL, *load = NULL;
                _cleanup_strv_free_ char **dropins = NULL;

                if (ctl_unit_path(names[i], &path) < 0)
                        break;
                (void) ctl_get_property_string(c, path, UNIT_IFACE, "LoadState", &load);
                (void) ctl_get_property_string(c, path, UNIT_IFACE, "FragmentPath", &fragment);
                (void) ctl_get_property_strv(c, path, UNIT_IFACE, "DropInPaths", &dropins);
                if (load && strcmp(load, "masked") == 0) {
                        printf("# Unit %s is masked.\n", names[i]);
                } else if ((!fragment || !*fragment) && !dropins) {
                        fprintf(stderr, "No files found for %s.\n", names[i]);
                        rc = 1;
                } else {
                        if (!first)
                                puts("");
                        first = false;
                        if (fragment && *fragment && cat_file(fragment, false) < 0)
                                rc = 1;
                        for (size_t k = 0; dropins && dropins[k]; k++)
                                if (cat_file(dropins[k], true) < 0)
                                        rc = 1;
                }
        }
        return rc;
}
