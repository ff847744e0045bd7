/* SPDX-License-Identifier: MIT */
/* sdinit's systemctl: argument parsing, verb dispatch, the offline (client-side) verbs on top of
 * install/, and small output helpers. Verbs, options, messages and exit codes follow systemd 252's
 * systemctl (src/systemctl/); the online verbs speak systemd's D-Bus API to PID 1 (ctl-bus.c).
 *
 * Install verbs (enable, disable, reenable, mask, unmask, is-enabled, list-unit-files,
 * get-default, set-default) run client-side with --root=, with SYSTEMD_OFFLINE=1, or when PID 1
 * is not reachable on /run/systemd/private (an image build): the files are edited directly, the
 * way `systemctl --root=/` would. */
#include "ctl/systemctl.h"

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/signames.h"
#include "ctl/ctl.h"
#include "install/install.h"
#include "units/unit-name.h"

/* ---- glyphs ---- */

static bool locale_is_utf8(void) {
        const char *set;

        if (!setlocale(LC_CTYPE, ""))
                return true;
        set = nl_langinfo(CODESET);
        if (!set || strcmp(set, "UTF-8") == 0)
                return true;
        set = setlocale(LC_CTYPE, NULL);
        if (!set)
                return true;
        /* "C" without any locale variable set counts as UTF-8 (systemd's is_locale_utf8()). */
        return (strcmp(set, "C") == 0 || strcmp(set, "POSIX") == 0) && !getenv("LC_ALL") && !getenv("LC_CTYPE") &&
               !getenv("LANG");
}

const char *ctl_glyph_arrow(const Ctl *c) {
        return c->utf8 ? "\xe2\x86\x92" : "->";
}
const char *ctl_glyph_bullet(const Ctl *c) {
        return c->utf8 ? "\xe2\x80\xa2" : "*";
}
const char *ctl_glyph_circle(const Ctl *c) {
        return c->utf8 ? "\xe2\x97\x8f" : "*";
}

/* ---- tables ---- */

Table *table_new(size_t n_columns, const char *const *headers) {
        Table *t = calloc(1, sizeof(*t));

        if (!t)
                return NULL;
        t->n_columns = n_columns;
        t->header = true;
        for (size_t i = 0; i < n_columns; i++)
                if (table_add(t, headers[i]) < 0) {
                        table_free(t);
                        return NULL;
                }
        return t;
}

int table_add(Table *t, const char *cell) {
        char **n = realloc(t->cells, (t->n_cells + 1) * sizeof(char *));

        if (!n)
                return -ENOMEM;
        t->cells = n;
        t->cells[t->n_cells] = strdup(cell ? cell : "");
        if (!t->cells[t->n_cells])
                return -ENOMEM;
        t->n_cells++;
        return 0;
}

size_t table_rows(const Table *t) {
        return t->n_cells / t->n_columns - 1;
}

/* Display width of a UTF-8 string (one column per code point; enough for our glyphs). */
static size_t utf8_width(const char *s) {
        size_t w = 0;

        for (; *s; s++)
                if (((unsigned char) *s & 0xc0) != 0x80)
                        w++;
        return w;
}

void table_print(const Table *t, FILE *f, const char *ersatz) {
        size_t rows = t->n_cells / t->n_columns, *width = calloc(t->n_columns, sizeof(size_t));

        if (!width)
                return;
        for (size_t r = t->header ? 0 : 1; r < rows; r++)
                for (size_t c = 0; c < t->n_columns; c++) {
                        const char *s = t->cells[r * t->n_columns + c];
                        size_t w = utf8_width(*s || !ersatz ? s : ersatz);
                        if (w > width[c])
                                width[c] = w;
                }
        for (size_t r = t->header ? 0 : 1; r < rows; r++) {
                /* Trailing empty columns are not padded (format-table strips trailing spaces). */
                size_t last = t->n_columns;

                while (last > 1 && !*t->cells[r * t->n_columns + last - 1] && !ersatz)
                        last--;
                for (size_t c = 0; c < last; c++) {
                        const char *s = t->cells[r * t->n_columns + c];

                        if (!*s && ersatz && r > 0)
                                s = ersatz;
                        if (c + 1 < last)
                                fprintf(f, "%s%*s ", s, (int) (width[c] - utf8_width(s)), "");
                        else
                                fputs(s, f);
                }
                fputc('\n', f);
        }
        free(width);
}

void table_free(Table *t) {
        if (!t)
                return;
        for (size_t i = 0; i < t->n_cells; i++)
                free(t->cells[i]);
        free(t->cells);
        free(t);
}

/* ---- names ---- */

static char *sdu_path_join_simple(const char *a, const char *b) {
        char *p = malloc(strlen(a) + strlen(b) + 2);

        if (p)
                sprintf(p, "%s/%s", a, b);
        return p;
}

/* The verb's arguments mangled ("foo" -> "foo.service"); paths are kept (made absolute). */
static int mangle_args(Ctl *c, bool allow_paths, char ***ret) {
        char **l = NULL;

        for (int i = 0; i < c->n_args; i++) {
                char *m = NULL;
                int r;

                if (allow_paths && strchr(c->args[i], '/')) {
                        if (c->args[i][0] == '/')
                                m = strdup(c->args[i]);
                        else {
                                char cwd[PATH_MAX];
                                m = getcwd(cwd, sizeof(cwd)) ? sdu_path_join_simple(cwd, c->args[i]) : NULL;
                        }
                        r = m ? 0 : -ENOMEM;
                } else
                        r = ctl_mangle(c, c->args[i], false, &m);
                if (r < 0) {
                        fprintf(stderr, "Failed to mangle unit name: %s\n", strerror(-r));
                        strv_free(l);
                        return r;
                }
                if (strv_push(&l, m) < 0) {
                        strv_free(l);
                        return -ENOMEM;
                }
        }
        *ret = l;
        return 0;
}

/* ---- change lists ---- */

void ctl_dump_changes(const Ctl *c, int r, const char *verb, const InstallChanges *ch) {
        bool logged = false;

        for (size_t i = 0; i < ch->n; i++) {
                const InstallChange *x = ch->items + i;
                const char *p = x->path ? x->path : "", *s = x->source ? x->source : "";

                switch (x->type) {
                case INSTALL_CHANGE_SYMLINK:
                        if (!c->quiet)
                                fprintf(stderr, "Created symlink %s %s %s.\n", p, ctl_glyph_arrow(c), s);
                        break;
                case INSTALL_CHANGE_UNLINK:
                        if (!c->quiet)
                                fprintf(stderr, "Removed \"%s\".\n", p);
                        break;
                case INSTALL_CHANGE_IS_MASKED:
                        if (!c->quiet)
                                fprintf(stderr, "Unit %s is masked, ignoring.\n", p);
                        break;
                case INSTALL_CHANGE_IS_DANGLING:
                        if (!c->quiet)
                                fprintf(stderr, "Unit %s is an alias to a unit that is not present, ignoring.\n", p);
                        break;
                case INSTALL_CHANGE_DESTINATION_NOT_PRESENT:
                        if (!c->quiet)
                                fprintf(stderr, "Unit %s is added as a dependency to a non-existent unit %s.\n", s, p);
                        break;
                case INSTALL_CHANGE_AUXILIARY_FAILED:
                        if (!c->quiet)
                                fprintf(stderr, "Failed to enable auxiliary unit %s, ignoring.\n", s);
                        break;
                case -EEXIST:
                        if (x->source)
                                fprintf(stderr, "Failed to %s unit, file \"%s\" already exists and is a symlink to \"%s\".\n",
                                        verb, p, s);
                        else
                                fprintf(stderr, "Failed to %s unit, file \"%s\" already exists.\n", verb, p);
                        logged = true;
                        break;
                case -ERFKILL:
                        fprintf(stderr, "Failed to %s unit, unit %s is masked.\n", verb, p);
                        logged = true;
                        break;
                case -EADDRNOTAVAIL:
                        fprintf(stderr, "Failed to %s unit, unit %s is transient or generated.\n", verb, p);
                        logged = true;
                        break;
                case -EIDRM:
                        fprintf(stderr, "Failed to %s %s, destination unit %s is a non-template unit.\n", verb, s, p);
                        logged = true;
                        break;
                case -EUCLEAN:
                        fprintf(stderr, "Failed to %s unit, \"%s\" is not a valid unit name.\n", verb, p);
                        logged = true;
                        break;
                case -ELOOP:
                        fprintf(stderr, "Failed to %s unit, refusing to operate on linked unit file %s.\n", verb, p);
                        logged = true;
                        break;
                case -EXDEV:
                        if (x->source)
                                fprintf(stderr, "Failed to %s unit, cannot alias %s as %s.\n", verb, s, p);
                        else
                                fprintf(stderr, "Failed to %s unit, invalid unit reference \"%s\".\n", verb, p);
                        logged = true;
                        break;
                case -ENOENT:
                        fprintf(stderr, "Failed to %s unit, unit %s does not exist.\n", verb, p);
                        logged = true;
                        break;
                default:
                        fprintf(stderr, "Failed to %s unit, file \"%s\": %s\n", verb, p, strerror(-x->type));
                        logged = true;
                }
        }
        if (r < 0 && !logged)
                fprintf(stderr, "Failed to %s: %s.\n", verb, strerror(-r));
}

static void print_no_install_notice(const Ctl *c) {
        const char *b = ctl_glyph_bullet(c);

        fprintf(stderr,
                "The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n"
                "Alias= settings in the [Install] section, and DefaultInstance= for template\n"
                "units). This means they are not meant to be enabled using systemctl.\n"
                " \n"
                "Possible reasons for having this kind of units are:\n"
                "%s A unit may be statically enabled by being symlinked from another unit's\n"
                "  .wants/ or .requires/ directory.\n"
                "%s A unit's purpose may be to act as a helper for some other unit which has\n"
                "  a requirement dependency on it.\n"
                "%s A unit may be started when needed via activation (socket, path, timer,\n"
                "  D-Bus, udev, scripted systemctl call, ...).\n"
                "%s In case of template units, the unit is meant to be enabled with some\n"
                "  instance name specified.\n",
                b, b, b, b);
}

/* ---- SysV compatibility (systemctl's enable_sysv_units()) ---- */

#define SYSV_INSTALL "/lib/systemd/systemd-sysv-install"

/* For enable, disable and is-enabled of NAME.service: a unit file that cannot be looked up is an
 * error; an /etc/init.d/NAME script is handed to systemd-sysv-install (when this system has it),
 * and a script without a native unit is taken out of names. Returns <0 (error printed), or the
 * number of is-enabled scripts found enabled. */
static int sysv_units(Ctl *c, char **names) {
        const char *verb = c->verb;
        int enabled = 0;

        if (strcmp(verb, "enable") != 0 && strcmp(verb, "disable") != 0 && strcmp(verb, "is-enabled") != 0)
                return 0;
        if (getenv("SYSTEMCTL_SKIP_SYSV") && strcmp(getenv("SYSTEMCTL_SKIP_SYSV"), "1") == 0)
                return 0;
        for (size_t i = 0; names && names[i];) {
                const char *name = names[i];
                size_t len = strlen(name);
                char script[PATH_MAX];
                bool native;
                int r;

                if (len < 8 || strcmp(name + len - 8, ".service") != 0 || name[0] == '/') {
                        i++;
                        continue;
                }
                r = install_unit_exists(c->root, name);
                if (r < 0 && r != -ELOOP && r != -ERFKILL && r != -EADDRNOTAVAIL) {
                        fprintf(stderr, "Failed to look up unit file state: %s\n", strerror(-r));
                        return r;
                }
                native = r != 0;
                snprintf(script, sizeof(script), "%s/etc/init.d/%.*s", c->root ? c->root : "", (int) (len - 8), name);
                if ((native && strcmp(verb, "is-enabled") == 0) || access(script, F_OK) < 0 || access(SYSV_INSTALL, X_OK) < 0) {
                        i++;
                        continue;
                }
                if (!c->quiet) {
                        if (native)
                                fprintf(stderr, "Synchronizing state of %s with SysV service script with %s.\n", name, SYSV_INSTALL);
                        else
                                fprintf(stderr, "%s is not a native service, redirecting to systemd-sysv-install.\n", name);
                }
                {
                        char rootarg[PATH_MAX + 8], base[256];
                        const char *argv[6];
                        int n = 0, status = 0;
                        pid_t pid;

                        snprintf(base, sizeof(base), "%.*s", (int) (len - 8), name);
                        argv[n++] = SYSV_INSTALL;
                        if (c->root) {
                                snprintf(rootarg, sizeof(rootarg), "--root=%s", c->root);
                                argv[n++] = rootarg;
                        }
                        argv[n++] = verb;
                        argv[n++] = base;
                        argv[n] = NULL;
                        if (!c->quiet) {
                                fprintf(stderr, "Executing:");
                                for (int k = 0; k < n; k++)
                                        fprintf(stderr, " %s", argv[k]);
                                fprintf(stderr, "\n");
                        }
                        fflush(stdout);
                        pid = fork();
                        if (pid == 0) {
                                execv(argv[0], (char **) argv);
                                _exit(1);
                        }
                        if (pid < 0 || waitpid(pid, &status, 0) < 0)
                                return -errno;
                        if (strcmp(verb, "is-enabled") == 0) {
                                bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
                                if (!c->quiet)
                                        puts(ok ? "enabled" : "disabled");
                                enabled += ok;
                        } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
                                return -EINVAL;
                }
                if (native) {
                        i++;
                        continue;
                }
                free(names[i]);
                memmove(names + i, names + i + 1, (strv_length(names + i + 1) + 1) * sizeof(char *));
        }
        return enabled;
}

/* ---- offline verbs ---- */

int ctl_offline_enable(Ctl *c) {
        InstallChanges ch = {};
        InstallFlags flags = (c->runtime ? INSTALL_RUNTIME : 0) | (c->force ? INSTALL_FORCE : 0);
        const char *verb = c->verb;
        char **names = NULL;
        bool was_path = false;
        int r;

        if (c->n_args == 0)
                return 0;
        r = mangle_args(c, true, &names);
        if (r < 0)
                return 1;
        r = sysv_units(c, names);
        if (r < 0) {
                strv_free(names);
                return 1;
        }
        if (!names || !names[0]) {
                strv_free(names);
                return 0;
        }
        if (strcmp(verb, "disable") == 0)
                for (size_t i = 0; names[i]; i++)
                        if (strchr(names[i], '/')) {
                                char *b = strdup(strrchr(names[i], '/') + 1);
                                if (!b) {
                                        strv_free(names);
                                        return 1;
                                }
                                free(names[i]);
                                names[i] = b;
                                was_path = true;
                        }
        if (was_path)
                fprintf(stderr, "Warning: Can't execute disable on the unit file path. Proceeding with the unit name.\n");

        if (strcmp(verb, "enable") == 0)
                r = install_enable(c->root, flags, names, &ch);
        else if (strcmp(verb, "disable") == 0)
                r = install_disable(c->root, flags, names, &ch);
        else if (strcmp(verb, "reenable") == 0)
                r = install_reenable(c->root, flags, names, &ch);
        else if (strcmp(verb, "mask") == 0)
                r = install_mask(c->root, flags, names, &ch);
        else if (strcmp(verb, "preset") == 0)
                r = install_preset(c->root, flags, c->preset_mode, names, &ch);
        else
                r = install_unmask(c->root, flags, names, &ch);
        ctl_dump_changes(c, r, verb, &ch);
        install_changes_done(&ch);
        strv_free(names);
        if (r < 0)
                return 1;
        if (r == 0 && (strcmp(verb, "enable") == 0 || strcmp(verb, "reenable") == 0) && !c->quiet)
                print_no_install_notice(c);
        if (c->now && strcmp(verb, "preset") != 0) { /* systemctl 252 ignores --now for preset */
                fprintf(stderr, "--now cannot be used when systemd is not running or in conjunction with --root=/--global, refusing.\n");
                return 1;
        }
        return 0;
}

int ctl_offline_preset_all(Ctl *c) {
        InstallChanges ch = {};
        InstallFlags flags = (c->runtime ? INSTALL_RUNTIME : 0) | (c->force ? INSTALL_FORCE : 0);
        int r = install_preset_all(c->root, flags, c->preset_mode, &ch);

        ctl_dump_changes(c, r, "preset", &ch);
        install_changes_done(&ch);
        return r < 0 ? 1 : 0;
}

int ctl_offline_is_enabled(Ctl *c) {
        char **names = NULL;
        bool enabled = false;
        int r;

        r = mangle_args(c, false, &names);
        if (r < 0)
                return 1;
        r = sysv_units(c, names);
        if (r < 0) {
                strv_free(names);
                return 1;
        }
        if (r > 0)
                enabled = true;
        for (size_t i = 0; names && names[i]; i++) {
                InstallState st;

                r = install_get_state(c->root, names[i], &st);
                if (r < 0) {
                        fprintf(stderr, "Failed to get unit file state for %s: %s\n", names[i], strerror(-r));
                        strv_free(names);
                        return 1;
                }
                if (install_state_is_enabled(st))
                        enabled = true;
                if (!c->quiet)
                        puts(install_state_to_string(st));
        }
        strv_free(names);
        return enabled ? 0 : 1;
}

int ctl_query_preset(const char *root, InstallPresets **cache, const char *name) {
        if (!*cache) {
                int r = install_presets_read(root, cache);
                if (r < 0)
                        return r;
        }
        return install_presets_query(*cache, name, NULL);
}

int ctl_offline_list_unit_files(Ctl *c) {
        static const char *const headers[] = { "UNIT FILE", "STATE", "PRESET" };
        InstallPresets *presets = NULL;
        InstallFile *files = NULL;
        size_t n = 0, shown = 0;
        Table *t;
        int r;

        r = install_list(c->root, c->states, c->args, &files, &n);
        if (r < 0) {
                fprintf(stderr, "Failed to get unit file list: %s\n", strerror(-r));
                return 1;
        }
        t = table_new(3, headers);
        if (!t) {
                install_files_free(files, n);
                return 1;
        }
        t->header = !c->no_legend;
        for (size_t i = 0; i < n; i++) {
                const char *id = strrchr(files[i].path, '/') + 1, *dot = strrchr(id, '.');
                InstallState s = files[i].state;

                if (c->types && !(dot && strv_contains(c->types, dot + 1)))
                        continue;
                shown++;
                table_add(t, id);
                table_add(t, install_state_to_string(s));
                if (s == INSTALL_STATE_ALIAS || s == INSTALL_STATE_STATIC || s == INSTALL_STATE_GENERATED ||
                    s == INSTALL_STATE_TRANSIENT)
                        table_add(t, "");
                else {
                        int p = ctl_query_preset(c->root, &presets, id);
                        table_add(t, p < 0 ? "n/a" : p ? "enabled" : "disabled");
                }
        }
        table_print(t, stdout, "-");
        if (!c->no_legend)
                printf("\n%zu unit files listed.\n", shown);
        table_free(t);
        install_presets_free(presets);
        install_files_free(files, n);
        return shown == 0 ? 1 : 0;
}

int ctl_offline_get_default(Ctl *c) {
        char *name = NULL;
        int r = install_get_default(c->root, &name);

        if (r < 0) {
                fprintf(stderr, "Failed to get default target: %s\n", strerror(-r));
                return 1;
        }
        puts(name);
        free(name);
        return 0;
}

int ctl_offline_set_default(Ctl *c) {
        InstallChanges ch = {};
        char *name = NULL;
        int r;

        r = ctl_mangle(c, c->args[0], false, &name);
        if (r >= 0 && unit_name_to_type(name) < 0) {
                free(name);
                r = -EINVAL;
        }
        if (r >= 0 && !strchr(c->args[0], '.')) {
                /* set-default mangles with the .target suffix */
                char *t = NULL;
                char *dot = strrchr(name, '.');
                *dot = 0;
                t = malloc(strlen(name) + 8);
                if (t)
                        sprintf(t, "%s.target", name);
                free(name);
                name = t;
                r = name ? 0 : -ENOMEM;
        }
        if (r < 0) {
                fprintf(stderr, "Failed to mangle unit name: %s\n", strerror(-r));
                return 1;
        }
        r = install_set_default(c->root, INSTALL_FORCE, name, &ch);
        ctl_dump_changes(c, r, "set default", &ch);
        install_changes_done(&ch);
        free(name);
        return r < 0 ? 1 : 0;
}

/* ---- options and verbs ---- */

typedef struct Verb {
        const char *name;
        int min_args, max_args; /* -1: any */
        bool install;           /* runs client-side when offline */
        int (*online)(Ctl *c);
        int (*offline)(Ctl *c);
} Verb;

static const Verb verbs[] = {
        { "list-units", 0, -1, false, ctl_verb_list_units, NULL },
        { "list-unit-files", 0, -1, true, ctl_verb_list_unit_files, ctl_offline_list_unit_files },
        { "list-jobs", 0, -1, false, ctl_verb_list_jobs, NULL },
        { "start", 1, -1, false, ctl_verb_start, NULL },
        { "stop", 1, -1, false, ctl_verb_start, NULL },
        { "reload", 1, -1, false, ctl_verb_start, NULL },
        { "restart", 1, -1, false, ctl_verb_start, NULL },
        { "try-restart", 1, -1, false, ctl_verb_start, NULL },
        { "reload-or-restart", 1, -1, false, ctl_verb_start, NULL },
        { "try-reload-or-restart", 1, -1, false, ctl_verb_start, NULL },
        { "reload-or-try-restart", 1, -1, false, ctl_verb_start, NULL },
        { "condrestart", 1, -1, false, ctl_verb_start, NULL },
        { "force-reload", 1, -1, false, ctl_verb_start, NULL },
        { "isolate", 1, 1, false, ctl_verb_start, NULL },
        { "kill", 1, -1, false, ctl_verb_kill, NULL },
        { "reset-failed", 0, -1, false, ctl_verb_reset_failed, NULL },
        { "is-active", 1, -1, false, ctl_verb_is_active, NULL },
        { "is-failed", 0, -1, false, ctl_verb_is_active, NULL },
        { "status", 0, -1, false, ctl_verb_status, NULL },
        { "show", 0, -1, false, ctl_verb_show, NULL },
        { "cat", 1, -1, false, ctl_verb_cat, NULL },
        { "daemon-reload", 1, 1, false, ctl_verb_daemon_reload, NULL },
        { "is-system-running", 1, 1, false, ctl_verb_is_system_running, NULL },
        { "poweroff", 1, 1, false, ctl_verb_power, NULL },
        { "halt", 1, 1, false, ctl_verb_power, NULL },
        { "reboot", 1, 1, false, ctl_verb_power, NULL },
        { "exit", 1, 2, false, ctl_verb_exit, NULL },
        { "enable", 2, -1, true, ctl_verb_enable, ctl_offline_enable },
        { "disable", 2, -1, true, ctl_verb_enable, ctl_offline_enable },
        { "reenable", 2, -1, true, ctl_verb_enable, ctl_offline_enable },
        { "mask", 2, -1, true, ctl_verb_enable, ctl_offline_enable },
        { "unmask", 2, -1, true, ctl_verb_enable, ctl_offline_enable },
        { "preset", 2, -1, true, ctl_verb_enable, ctl_offline_enable },
        { "preset-all", 1, 1, true, ctl_verb_preset_all, ctl_offline_preset_all },
        { "is-enabled", 2, -1, true, ctl_verb_is_enabled, ctl_offline_is_enabled },
        { "get-default", 1, 1, true, ctl_verb_get_default, ctl_offline_get_default },
        { "set-default", 2, 2, true, ctl_verb_set_default, ctl_offline_set_default },
};

static void help(void) {
        printf("systemctl [OPTIONS...] COMMAND ...\n\n"
               "Query or send control commands to the system manager (sdinit %s).\n\n"
               "Unit Commands:\n"
               "  list-units [PATTERN...]             List units currently in memory\n"
               "  list-unit-files [PATTERN...]        List installed unit files\n"
               "  list-jobs [PATTERN...]              List jobs\n"
               "  is-active PATTERN...                Check whether units are active\n"
               "  is-failed PATTERN...                Check whether units are failed\n"
               "  status [PATTERN...]                 Show runtime status of one or more units\n"
               "  show [PATTERN...]                   Show properties of one or more units\n"
               "  cat PATTERN...                      Show files and drop-ins of specified units\n"
               "  start|stop|reload|restart|try-restart|reload-or-restart UNIT...\n"
               "  kill UNIT...                        Send signal to processes of a unit\n"
               "  reset-failed [PATTERN...]           Reset failed state for all, one, or more units\n\n"
               "Unit File Commands:\n"
               "  enable|disable|reenable|mask|unmask UNIT...\n"
               "  preset UNIT...                      Enable/disable unit files as the presets say\n"
               "  preset-all                          Enable/disable all unit files as the presets say\n"
               "  is-enabled UNIT...                  Check whether unit files are enabled\n"
               "  get-default                         Get the name of the default target\n"
               "  set-default TARGET                  Set the default target\n\n"
               "Manager State Commands:\n"
               "  daemon-reload                       Reload systemd manager configuration\n"
               "  is-system-running                   Check whether system is fully running\n"
               "  poweroff|halt|reboot                Shut down the container\n"
               "  exit [EXIT_CODE]                    Request container exit\n\n"
               "Options: -t --type= --state= -p --property= -P -a --all -q --quiet --no-block\n"
               "  --no-legend --no-pager --plain -l --full --value -s --signal= --kill-whom=\n"
               "  --job-mode= --ignore-dependencies --root= --runtime -f --force --now --wait\n"
               "  --preset-mode=full|enable-only|disable-only\n",
               SDINIT_VERSION);
}

static int split_append(char ***l, const char *arg) {
        char *copy = strdup(arg), *save = NULL;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
                /* --type=help etc. are not supported; load states given as types move to --state= */
                if (strv_extend(l, w) < 0) {
                        free(copy);
                        return -ENOMEM;
                }
        }
        free(copy);
        return 0;
}

static int parse_argv(Ctl *c, int argc, char **argv, int *ret_exit) {
        enum {
                ARG_STATE = 0x100, ARG_ROOT, ARG_NO_BLOCK, ARG_NO_LEGEND, ARG_NO_PAGER, ARG_PLAIN, ARG_VALUE,
                ARG_RUNTIME, ARG_NOW, ARG_JOB_MODE, ARG_IGNORE_DEPS, ARG_KILL_WHOM, ARG_VERSION, ARG_SYSTEM,
                ARG_USER, ARG_WAIT, ARG_NO_WALL, ARG_NO_RELOAD, ARG_NO_ASK, ARG_FAIL, ARG_SHOW_TYPES, ARG_IRREVERSIBLE,
                ARG_PRESET_MODE,
        };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "type", required_argument, NULL, 't' },
                { "property", required_argument, NULL, 'p' },
                { "all", no_argument, NULL, 'a' },
                { "state", required_argument, NULL, ARG_STATE },
                { "root", required_argument, NULL, ARG_ROOT },
                { "quiet", no_argument, NULL, 'q' },
                { "no-block", no_argument, NULL, ARG_NO_BLOCK },
                { "no-legend", no_argument, NULL, ARG_NO_LEGEND },
                { "no-pager", no_argument, NULL, ARG_NO_PAGER },
                { "plain", no_argument, NULL, ARG_PLAIN },
                { "full", no_argument, NULL, 'l' },
                { "value", no_argument, NULL, ARG_VALUE },
                { "force", no_argument, NULL, 'f' },
                { "runtime", no_argument, NULL, ARG_RUNTIME },
                { "now", no_argument, NULL, ARG_NOW },
                { "preset-mode", required_argument, NULL, ARG_PRESET_MODE },
                { "job-mode", required_argument, NULL, ARG_JOB_MODE },
                { "ignore-dependencies", no_argument, NULL, ARG_IGNORE_DEPS },
                { "fail", no_argument, NULL, ARG_FAIL },
                { "irreversible", no_argument, NULL, ARG_IRREVERSIBLE },
                { "signal", required_argument, NULL, 's' },
                { "kill-whom", required_argument, NULL, ARG_KILL_WHOM },
                { "system", no_argument, NULL, ARG_SYSTEM },
                { "user", no_argument, NULL, ARG_USER },
                { "wait", no_argument, NULL, ARG_WAIT },
                { "no-wall", no_argument, NULL, ARG_NO_WALL },
                { "no-reload", no_argument, NULL, ARG_NO_RELOAD },
                { "no-ask-password", no_argument, NULL, ARG_NO_ASK },
                { "show-types", no_argument, NULL, ARG_SHOW_TYPES },
                { "lines", required_argument, NULL, 'n' },
                { "output", required_argument, NULL, 'o' },
                {},
        };
        int opt;

        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "ht:p:P:aqs:fln:o:i", options, NULL)) >= 0) {
                switch (opt) {
                case 'h':
                        help();
                        *ret_exit = 0;
                        return 0;
                case ARG_VERSION:
                        printf("sdinit %s (systemctl personality)\n", SDINIT_VERSION);
                        *ret_exit = 0;
                        return 0;
                case 't': {
                        char **l = NULL;

                        if (split_append(&l, optarg) < 0)
                                return -ENOMEM;
                        for (size_t i = 0; l && l[i]; i++) {
                                if (unit_type_from_string(l[i]) >= 0)
                                        strv_extend(&c->types, l[i]);
                                else if (strcmp(l[i], "loaded") == 0 || strcmp(l[i], "not-found") == 0 ||
                                         strcmp(l[i], "masked") == 0 || strcmp(l[i], "error") == 0 ||
                                         strcmp(l[i], "bad-setting") == 0) {
                                        strv_extend(&c->states, l[i]);
                                } else {
                                        fprintf(stderr, "Unknown unit type or load state '%s'.\n", l[i]);
                                        fprintf(stderr, "Use -t help to see a list of allowed values.\n");
                                        strv_free(l);
                                        return -EINVAL;
                                }
                        }
                        strv_free(l);
                        break;
                }
                case 'P':
                        c->value = true;
                        /* fall through */
                case 'p':
                        if (split_append(&c->properties, optarg) < 0)
                                return -ENOMEM;
                        /* -p with no property means "all" in systemd when empty; keep it simple */
                        if (!c->properties)
                                c->all = true;
                        break;
                case 'a':
                        c->all = true;
                        break;
                case ARG_STATE:
                        if (split_append(&c->states, optarg) < 0)
                                return -ENOMEM;
                        break;
                case ARG_ROOT:
                        c->root = optarg;
                        break;
                case 'q':
                        c->quiet = true;
                        break;
                case ARG_NO_BLOCK:
                        c->no_block = true;
                        break;
                case ARG_NO_LEGEND:
                        c->no_legend = true;
                        break;
                case ARG_NO_PAGER:
                        c->no_pager = true;
                        break;
                case ARG_PLAIN:
                        c->plain = true;
                        break;
                case 'l':
                        c->full = true;
                        break;
                case ARG_VALUE:
                        c->value = true;
                        break;
                case 'f':
                        c->force = true;
                        break;
                case ARG_RUNTIME:
                        c->runtime = true;
                        break;
                case ARG_NOW:
                        c->now = true;
                        break;
                case ARG_JOB_MODE:
                        c->job_mode = optarg;
                        break;
                case ARG_IGNORE_DEPS:
                        c->job_mode = "ignore-dependencies";
                        break;
                case ARG_FAIL:
                        c->job_mode = "fail";
                        break;
                case ARG_IRREVERSIBLE:
                        c->job_mode = "replace-irreversibly";
                        break;
                case 'i':
                        break;
                case 's': {
                        int sig = signal_from_string(optarg);

                        if (sig <= 0) {
                                fprintf(stderr, "Failed to parse signal string %s.\n", optarg);
                                return -EINVAL;
                        }
                        c->signal = sig;
                        break;
                }
                case ARG_KILL_WHOM:
                        c->kill_whom = optarg;
                        break;
                case ARG_SYSTEM:
                        break;
                case ARG_USER:
                        fprintf(stderr, "sdinit's systemctl has no user manager (--user is not supported).\n");
                        return -EOPNOTSUPP;
                case ARG_WAIT:
                        c->wait = true;
                        break;
                case ARG_NO_RELOAD:
                        c->no_reload = true;
                        break;
                case ARG_SHOW_TYPES:
                        c->show_types = true;
                        break;
                case ARG_PRESET_MODE:
                        if (strcmp(optarg, "help") == 0) {
                                for (int m = 0; m < _INSTALL_PRESET_MODE_MAX; m++)
                                        puts(install_preset_mode_to_string(m));
                                *ret_exit = 0;
                                return 0;
                        }
                        c->preset_mode = install_preset_mode_from_string(optarg);
                        if (c->preset_mode < 0) {
                                fprintf(stderr, "Failed to parse preset mode: %s.\n", optarg);
                                return -EINVAL;
                        }
                        break;
                case 'n':
                        c->lines = atoi(optarg);
                        break;
                case ARG_NO_WALL:
                case ARG_NO_ASK:
                case 'o':
                        break;
                case '?':
                default:
                        if (optopt && optopt < 0x100 && optopt != '?')
                                fprintf(stderr, "%s: invalid option -- '%c'\n", "systemctl", optopt);
                        else
                                fprintf(stderr, "%s: unrecognized option '%s'\n", "systemctl", argv[optind - 1]);
                        return -EINVAL;
                }
        }
        *ret_exit = -1;
        return optind;
}

static bool env_true(const char *name) {
        const char *v = getenv(name);
        return v && (strcmp(v, "1") == 0 || strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 || strcmp(v, "on") == 0);
}

static bool env_false(const char *name) {
        const char *v = getenv(name);
        return v && (strcmp(v, "0") == 0 || strcmp(v, "no") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
}

int systemctl_main(int argc, char **argv) {
        Ctl c = { .signal = 15, .lines = 10 };
        const Verb *v = NULL;
        int r, ex = 1, first;

        c.utf8 = locale_is_utf8();
        first = parse_argv(&c, argc, argv, &ex);
        if (first < 0) {
                ex = 1;
                goto finish;
        }
        if (ex >= 0)
                goto finish;
        ex = 1;
        c.verb = first < argc ? argv[first] : "list-units";
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                if (strcmp(verbs[i].name, c.verb) == 0)
                        v = verbs + i;
        if (!v) {
                fprintf(stderr, "Unknown command verb %s.\n", c.verb);
                goto finish;
        }
        c.args = first < argc ? argv + first + 1 : argv + argc;
        c.n_args = first < argc ? argc - first - 1 : 0;
        if (c.n_args + 1 < v->min_args) {
                fprintf(stderr, "Too few arguments.\n");
                goto finish;
        }
        if (v->max_args >= 0 && c.n_args + 1 > v->max_args) {
                fprintf(stderr, "Too many arguments.\n");
                goto finish;
        }
        if (c.root && !v->offline) {
                fprintf(stderr, "Verb '%s' cannot be used with --root= or --image=.\n", c.verb);
                goto finish;
        }
        if (v->install && (c.root || env_true("SYSTEMD_OFFLINE")))
                c.offline = true;
        else if (v->install && !env_false("SYSTEMD_OFFLINE") && ctl_bus_connect(&c, true) < 0)
                c.offline = true; /* no PID 1 to ask: edit the files as `systemctl --root=/` would */
        if (c.offline) {
                ex = v->offline(&c);
                goto finish;
        }
        if (!c.bus) {
                r = ctl_bus_connect(&c, false);
                if (r < 0)
                        goto finish;
        }
        ex = v->online(&c);
finish:
        if (c.bus)
                sd_bus_flush_close_unref(c.bus);
        strv_free(c.types);
        strv_free(c.states);
        strv_free(c.properties);
        return ex;
}
