/* SPDX-License-Identifier: MIT */
/* sdinit verify / cat / show, see verify-cli.h.
 *
 * verify follows `systemd-analyze verify` (systemd 252): a unit fails when it cannot be loaded
 * (not found, masked, bad setting), when loading it produced any warning (unknown key or section,
 * a value that was ignored: systemd 252 exits 1 on those too), or when the first command of one of
 * its Exec*= lists (unless prefixed with "-") is not an executable file inside the root. Problems
 * go to stderr as "file:line: message"; informational lines (directives sdinit does not enforce,
 * unit types it does not run yet: mounts) go to stdout. Referenced units are loaded too; with
 * --recursive-errors=yes (the default, as systemd) their problems and missing hard dependencies
 * (Requires=, Requisite=, BindsTo=) count, with "one" only those of direct dependencies, with
 * "no" only the named units'. The dependencies systemd adds (DefaultDependencies=, the slice, a
 * socket's service, ... see unit-defaults.h) are loaded like the file's; a standard target the
 * image lacks is sdinit's built-in one, as when sdinit boots. A template given by name or path is
 * checked as instance "i" (NAME@i.service), as systemd-analyze does.
 *
 * show prints unit_properties(): every property under systemctl show's name, set or defaulted,
 * with the implicit dependencies.
 *
 * Generators: by default the built-in SysV conversion runs (so /etc/init.d scripts without units
 * are checked as the units sdinit will boot); --generators=yes also runs the image's generator
 * executables (for a --root other than "/", chrooted, which needs root), --generators=no neither.
 * Their output goes to a scratch directory that is removed afterwards: the image is never
 * written to. Paths in that directory are shown as /run/systemd/generator*. */
#include "verify-cli.h"

#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "list-index.h"
#include "sdu-util.h"
#include "unit-defaults.h"
#include "unit-directives.h"
#include "unit-generators.h"
#include "unit-registry.h"
#include "unit-type-info.h"

enum { GEN_NO, GEN_SYSV, GEN_ALL };
enum { RECURSIVE_NO, RECURSIVE_ONE, RECURSIVE_YES };

typedef struct Visited {
        char *name;
        UnitLoadState state;
} Visited;

typedef struct Cli {
        const char *verb;
        const char *root;          /* NULL for the host */
        int generators;
        char *gen_tmp;             /* host path of the scratch dir, removed at the end */
        char *gen_dirs[3];         /* its normal/early/late subdirectories (host paths) */
        UnitRegistry *reg;

        /* diagnostics accounting for the unit being loaded */
        unsigned cur_problems;
        bool suppress_not_found;
        bool quiet;                /* drop diagnostics (used by cat/show for dependencies) */

        Visited *visited;
        size_t n_visited, cap_visited;
        char **visited_names;      /* the same names, indexed: found in O(1) however many */
        SduListIndex *visited_index;
        int recursive;
        unsigned failures;
} Cli;

static const char *const generator_dir_names[3] = {
        "/run/systemd/generator",
        "/run/systemd/generator.early",
        "/run/systemd/generator.late",
};

/* A path for humans: scratch generator paths are shown where systemd would have them. */
static char *display_path(const Cli *c, const char *path) {
        for (size_t i = 0; path && c->gen_tmp && i < 3; i++) {
                const char *rest = c->gen_dirs[i] ? sdu_startswith(path, c->gen_dirs[i]) : NULL;

                if (rest && (*rest == '/' || *rest == 0))
                        return sdu_strjoin3(generator_dir_names[i], rest, NULL);
        }
        return path ? strdup(path) : NULL;
}

/* Replaces every occurrence of the scratch dirs in a line of text. */
static char *display_text(const Cli *c, const char *text) {
        SduBuf b = {};
        const char *p = text;

        if (!c->gen_tmp)
                return strdup(text);
        while (*p) {
                bool hit = false;

                for (size_t i = 0; i < 3 && !hit; i++) {
                        size_t n = strlen(c->gen_dirs[i]);

                        if (strncmp(p, c->gen_dirs[i], n) == 0 && (p[n] == '/' || p[n] == 0 || p[n] == ' ' || p[n] == ':')) {
                                if (sdu_buf_puts(&b, generator_dir_names[i]) < 0)
                                        goto oom;
                                p += n;
                                hit = true;
                        }
                }
                if (!hit && sdu_buf_putc(&b, *p++) < 0)
                        goto oom;
        }
        return sdu_buf_steal(&b);
oom:
        sdu_buf_done(&b);
        return NULL;
}

static void on_diag(const UnitDiag *d, void *userdata) {
        Cli *c = userdata;
        char *file, *msg;

        if (c->suppress_not_found && d->level == UNIT_DIAG_ERROR && !d->file && sdu_startswith(d->message, "Unit ") &&
            sdu_endswith(d->message, " not found."))
                return;
        if (d->level >= UNIT_DIAG_WARNING)
                c->cur_problems++;
        if (c->quiet || d->level == UNIT_DIAG_DEBUG)
                return;
        file = display_path(c, d->file);
        msg = display_text(c, d->message);
        unit_diag_print(&(UnitDiag) { .file = file, .line = d->line, .level = d->level, .message = msg ? msg : d->message },
                        stderr);
        free(file);
        free(msg);
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        (void) st;
        (void) ftw;
        return (type == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT ? -1 : 0;
}

static void cli_done(Cli *c) {
        if (c->gen_tmp)
                (void) nftw(c->gen_tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
        free(c->gen_tmp);
        for (size_t i = 0; i < 3; i++)
                free(c->gen_dirs[i]);
        unit_registry_free(c->reg);
        for (size_t i = 0; i < c->n_visited; i++)
                free(c->visited[i].name);
        free(c->visited);
        free(c->visited_names);
        sdu_list_index_free(c->visited_index);
}

static int parse_generators(const char *v) {
        if (sdu_streq(v, "yes") || sdu_streq(v, "true") || sdu_streq(v, "1") || sdu_streq(v, "all"))
                return GEN_ALL;
        if (sdu_streq(v, "no") || sdu_streq(v, "false") || sdu_streq(v, "0"))
                return GEN_NO;
        if (sdu_streq(v, "sysv"))
                return GEN_SYSV;
        return -1;
}

/* Runs the generators into a scratch directory and points the registry's generator dirs at it. */
static int cli_run_generators(Cli *c) {
        const char *root = c->root && !sdu_streq(c->root, "/") ? c->root : NULL;
        bool external = c->generators == GEN_ALL;
        bool inside_root = false;
        char *tmpl = NULL;
        int k;

        if (c->generators == GEN_NO)
                return 0;
        /* External generators of a foreign root run chrooted: their output must be inside it. */
        if (external && root) {
                if (geteuid() != 0) {
                        fprintf(stderr, "sdinit %s: --generators=yes with --root needs root (chroot); running the SysV conversion only.\n",
                                c->verb);
                        external = false;
                } else {
                        tmpl = sdu_strjoin3(root, "/tmp/sdinit-generators.XXXXXX", NULL);
                        if (!tmpl)
                                return -ENOMEM;
                        if (mkdtemp(tmpl))
                                inside_root = true;
                        else {
                                fprintf(stderr, "sdinit %s: cannot create a scratch directory in %s/tmp (%s); running the SysV conversion only.\n",
                                        c->verb, root, strerror(errno));
                                free(tmpl);
                                tmpl = NULL;
                                external = false;
                        }
                }
        }
        if (!tmpl) {
                const char *t = getenv("TMPDIR");

                tmpl = sdu_strjoin3(t && *t ? t : "/tmp", "/sdinit-generators.XXXXXX", NULL);
                if (!tmpl)
                        return -ENOMEM;
                if (!mkdtemp(tmpl)) {
                        k = -errno;
                        fprintf(stderr, "sdinit %s: cannot create a scratch directory: %s\n", c->verb, strerror(errno));
                        free(tmpl);
                        return k;
                }
        }
        c->gen_tmp = tmpl;
        {
                static const char *const sub[3] = { "/normal", "/early", "/late" };
                for (size_t i = 0; i < 3; i++)
                        if (!(c->gen_dirs[i] = sdu_strjoin3(tmpl, sub[i], NULL)))
                                return -ENOMEM;
        }
        {
                UnitDiagSink sink = { on_diag, c };
                char *inside[3] = {};
                UnitGeneratorOptions o = {
                        .search_path = unit_registry_get_search_path(c->reg),
                        .no_external = !external,
                        .chroot = inside_root,
                };

                if (inside_root) {
                        /* As the chrooted generators see them. */
                        for (size_t i = 0; i < 3; i++)
                                inside[i] = strdup(c->gen_dirs[i] + strlen(root));
                        o.root = root;
                } else
                        for (size_t i = 0; i < 3; i++)
                                inside[i] = strdup(c->gen_dirs[i]);
                o.normal_dir = inside[0];
                o.early_dir = inside[1];
                o.late_dir = inside[2];
                if (!inside[0] || !inside[1] || !inside[2])
                        k = -ENOMEM;
                else if (inside_root || !root)
                        k = unit_generators_run(&o, &sink);
                else {
                        /* A foreign root without external generators: only the SysV conversion,
                         * reading below root and writing to the scratch dir on the host. */
                        char **search = NULL;
                        char *const *sp = unit_registry_get_search_path(c->reg);

                        k = 0;
                        for (size_t i = 0; i < 3 && k >= 0; i++)
                                k = mkdir(c->gen_dirs[i], 0755) < 0 ? -errno : 0;
                        for (size_t i = 0; sp && sp[i] && k >= 0; i++)
                                if (!sdu_startswith(sp[i], "/run/systemd/generator"))
                                        k = strv_extend(&search, sp[i]);
                        if (k >= 0)
                                k = unit_sysv_generate(root, c->gen_dirs[2], search, &sink);
                        strv_free(search);
                }
                for (size_t i = 0; i < 3; i++)
                        free(inside[i]);
                c->cur_problems = 0; /* generator trouble is reported, not held against a unit */
                if (k < 0)
                        return k;
        }
        return unit_registry_set_generator_dirs(c->reg, c->gen_dirs[0], c->gen_dirs[1], c->gen_dirs[2]);
}

static int cli_setup(Cli *c) {
        UnitDiagSink sink = { on_diag, c };
        int k;

        k = unit_registry_new_from_env(c->root, &sink, &c->reg);
        if (k < 0) {
                fprintf(stderr, "sdinit %s: %s\n", c->verb, strerror(-k));
                return k;
        }
        k = cli_run_generators(c);
        if (k < 0)
                fprintf(stderr, "sdinit %s: generators: %s\n", c->verb, strerror(-k));
        return k;
}

/* ---- loading ---- */

/* "x@.service" -> "x@i.service" (systemd-analyze verify checks templates as that instance). */
static char *instance_for_template(const char *name) {
        char *r = NULL;

        if (unit_name_is_template(name) && unit_name_replace_instance(name, "i", &r) >= 0)
                return r;
        return strdup(name);
}

static int load_arg(Cli *c, const char *arg, Unit **ret) {
        if (strchr(arg, '/')) {
                /* A file given by path. */
                const char *base = strrchr(arg, '/') + 1;
                struct stat st;

                if (stat(arg, &st) < 0) {
                        c->cur_problems++;
                        fprintf(stderr, "%s: %s\n", arg, strerror(errno));
                        return -errno;
                }
                if (!unit_name_is_valid(base, UNIT_NAME_ANY)) {
                        c->cur_problems++;
                        fprintf(stderr, "%s: invalid unit name \"%s\"\n", arg, base);
                        return -EINVAL;
                }
                return unit_load_path(c->reg, arg, ret);
        }
        if (!unit_name_is_valid(arg, UNIT_NAME_ANY)) {
                c->cur_problems++;
                fprintf(stderr, "Invalid unit name \"%s\".\n", arg);
                return -EINVAL;
        }
        {
                char *n = instance_for_template(arg);
                int k;

                if (!n)
                        return -ENOMEM;
                k = unit_load(c->reg, n, ret);
                free(n);
                return k;
        }
}

/* Loads a unit a dependency names. A standard target the image lacks (sysinit.target,
 * shutdown.target, ...) is the one sdinit supplies, as the service manager does: an image without
 * systemd boots under sdinit all the same. */
static int load_dependency(Cli *c, const char *name, Unit **ret) {
        const char *text;
        Unit *u = NULL, *b = NULL;
        int k;

        k = unit_load(c->reg, name, &u);
        if (k < 0 || u->load_state != UNIT_NOT_FOUND || !(text = unit_builtin_text(name))) {
                *ret = u;
                return k;
        }
        k = unit_new(name, unit_registry_get_host(c->reg), &b);
        if (k >= 0) {
                char *path = sdu_strjoin3("sdinit-builtin:", name, NULL);
                k = path ? unit_load_fragment_buffer(b, path, text, strlen(text), false, NULL) : -ENOMEM;
                free(path);
        }
        if (k < 0) {
                unit_free(b);
                *ret = u;
                return k == -ENOMEM ? k : 0;
        }
        unit_free(u);
        *ret = b;
        return 0;
}

/* ---- verify ---- */

static Visited *visited_find(Cli *c, const char *name) {
        long i = sdu_list_index_find(&c->visited_index, &c->visited_names, SDU_LIST_KEY_WHOLE, name);
        return i >= 0 ? c->visited + i : NULL;
}

static Visited *visited_add(Cli *c, const char *name, UnitLoadState state) {
        Visited *v;
        char *n;

        if (c->n_visited == c->cap_visited) {
                size_t cap = c->cap_visited ? 2 * c->cap_visited : 16;
                v = realloc(c->visited, cap * sizeof(*v));
                if (!v)
                        return NULL;
                c->visited = v;
                c->cap_visited = cap;
        }
        v = c->visited + c->n_visited;
        v->name = strdup(name);
        v->state = state;
        if (!v->name)
                return NULL;
        /* The index's list borrows the name (freed with visited[]). */
        n = v->name;
        if (sdu_list_index_add(&c->visited_index, &c->visited_names, SDU_LIST_KEY_WHOLE, n, false) < 0) {
                /* the index freed n */
                return NULL;
        }
        c->n_visited++;
        return v;
}

/* The file and line of the last assignment of section/key, for messages. */
static void setting_location(const Unit *u, const char *section, const char *key, const char **file, unsigned *line) {
        int i = unit_directive_lookup(u->type, section, key);

        *file = u->fragment_path;
        *line = 0;
        if (i >= 0 && u->settings[i].count > 0) {
                *file = u->settings[i].file;
                *line = u->settings[i].line;
        }
}

static bool is_executable_in_root(const Cli *c, const char *path, int *ret_errno) {
        static const char *const search[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin", NULL };
        const char *root = c->root && !sdu_streq(c->root, "/") ? c->root : "";
        int err = ENOENT;

        for (size_t i = 0; search[i] || path[0] == '/'; i++) {
                char *p = path[0] == '/' ? sdu_strjoin3(root, path, NULL) : sdu_asprintf("%s%s/%s", root, search[i], path);
                struct stat st;
                bool ok = false;

                if (!p) {
                        *ret_errno = ENOMEM;
                        return false;
                }
                if (stat(p, &st) < 0)
                        err = errno;
                else if (S_ISDIR(st.st_mode))
                        err = EISDIR;
                else if (access(p, X_OK) < 0)
                        err = errno;
                else
                        ok = true;
                free(p);
                if (ok)
                        return true;
                if (path[0] == '/')
                        break;
        }
        *ret_errno = err;
        return false;
}

static void check_exec_list(Cli *c, const Unit *u, const char *section, const char *key, const ExecCommandList *l) {
        const ExecCommand *cmd;
        int err;

        if (l->n == 0)
                return;
        cmd = l->items;
        if (cmd->flags & EXEC_COMMAND_IGNORE_FAILURE)
                return;
        if (!cmd->path || is_executable_in_root(c, cmd->path, &err))
                return;
        {
                const char *file;
                unsigned line;
                char *f;

                setting_location(u, section, key, &file, &line);
                f = display_path(c, file);
                c->cur_problems++;
                if (line > 0)
                        fprintf(stderr, "%s:%u: %s: Command %s is not executable: %s\n", f ? f : u->id, line, u->id, cmd->path,
                                strerror(err));
                else
                        fprintf(stderr, "%s: Command %s is not executable: %s\n", u->id, cmd->path, strerror(err));
                free(f);
        }
}

static void check_executables(Cli *c, const Unit *u) {
        const UnitTypeInfo *info = unit_type_info(u->type);

        for (const UnitExecListInfo *l = info->exec_lists; l && l->key; l++)
                check_exec_list(c, u, info->section, l->key, (const ExecCommandList *) ((const char *) u + l->offset));
}

typedef struct NotEnforcedCtx {
        Cli *c;
        const Unit *u;
} NotEnforcedCtx;

static void on_not_enforced(const char *key, const char *file, unsigned line, void *userdata) {
        NotEnforcedCtx *x = userdata;
        char *f = display_path(x->c, file);

        if (f && line > 0)
                printf("%s:%u: %s= is not enforced by sdinit\n", f, line, key);
        else
                printf("%s: %s= is not enforced by sdinit\n", x->u->id, key);
        free(f);
}

static void report_not_run(const Unit *u) {
        /* Services, sockets, timers, paths and targets run (service/); mounts do not yet. */
        const char *note = unit_type_info(u->type)->verify_note;

        if (note)
                printf("%s: %s\n", u->id, note);
}

static bool load_state_ok(Cli *c, const Unit *u, bool report) {
        switch (u->load_state) {
        case UNIT_LOADED:
                return true;
        case UNIT_MASKED:
                if (report)
                        fprintf(stderr, "Unit %s is masked.\n", u->id);
                return false;
        case UNIT_NOT_FOUND:
                return false; /* the registry said so */
        default:
                if (report)
                        fprintf(stderr, "Unit %s has a bad unit file setting.\n", u->id);
                return false;
        }
        (void) c;
}

static int verify_deps(Cli *c, const Unit *u, unsigned depth, bool count);

/* Loads a referenced unit (once). */
static int verify_dep(Cli *c, const Unit *from, const char *name, UnitDependency kind, unsigned depth, bool count) {
        Visited *v = visited_find(c, name);
        bool hard = kind == UNIT_REQUIRES || kind == UNIT_REQUISITE || kind == UNIT_BINDS_TO;
        unsigned saved = c->cur_problems;
        Unit *u = NULL;
        int k = 0;

        if (!v) {
                /* Templates are not loadable; device and scope units never come from files. */
                UnitType t = unit_name_to_type(name);

                if (unit_name_is_template(name) || (t >= 0 && !unit_type_info(t)->from_file))
                        return 0;
                c->cur_problems = 0;
                c->suppress_not_found = true;
                c->quiet = !count;
                k = load_dependency(c, name, &u);
                c->suppress_not_found = false;
                c->quiet = false;
                if (k < 0) {
                        c->cur_problems = saved;
                        return k == -ENOMEM ? k : 0;
                }
                if (count && c->cur_problems > 0)
                        c->failures++;
                v = visited_add(c, name, u->load_state);
                if (!v) {
                        unit_free(u);
                        return -ENOMEM;
                }
        }
        if (hard && count && v->state != UNIT_LOADED) {
                fprintf(stderr, "%s: Failed to create %s/start: Unit %s %s.\n", from->id, from->id, name,
                        v->state == UNIT_NOT_FOUND ? "not found"
                        : v->state == UNIT_MASKED  ? "is masked"
                                                   : "has a bad unit file setting");
                c->failures++;
        }
        if (u) {
                if (c->recursive == RECURSIVE_YES)
                        k = verify_deps(c, u, depth + 1, count);
                unit_free(u);
        }
        c->cur_problems = saved;
        return k;
}

/* The unit a socket, timer or path unit starts (NULL for other units): Unit=/Service= or the
 * same name; for an Accept=yes socket the template, as instance "internal" like systemd-analyze. */
static int triggered_unit(const Unit *u, char **ret) {
        return unit_trigger_target(u, "internal", ret);
}

/* The unit file's dependencies, then those systemd adds (unit-defaults.h): Requires=sysinit.target
 * of DefaultDependencies=yes is checked like a Requires= in the file (systemd-analyze verify fails
 * on a masked or broken one too); the slice is only loaded (a missing system.slice fails nothing
 * in systemd either). The unit a socket, timer or path starts is loaded with it, as systemd does,
 * so its problems count whatever --recursive-errors says. count: whether u's own problems count. */
static int verify_deps(Cli *c, const Unit *u, unsigned depth, bool count) {
        bool deps_count = count && (c->recursive == RECURSIVE_YES || (c->recursive == RECURSIVE_ONE && depth == 0));
        UnitImplicitDeps implicit = {}, slice = {};
        char *trigger = NULL;
        int k = 0;

        if (u->load_state == UNIT_LOADED) {
                k = unit_implicit_deps(u, UNIT_IMPLICIT_ALL & ~UNIT_IMPLICIT_SLICE, NULL, NULL, &implicit);
                if (k >= 0)
                        k = unit_implicit_deps(u, UNIT_IMPLICIT_SLICE, NULL, NULL, &slice);
                if (k >= 0)
                        k = triggered_unit(u, &trigger);
        }
        if (k >= 0 && trigger)
                k = verify_dep(c, u, trigger, UNIT_TRIGGERS, depth, count);
        for (int d = 0; d < _UNIT_DEPENDENCY_MAX && k >= 0; d++)
                for (size_t i = 0; u->unit.deps[d] && u->unit.deps[d][i] && k >= 0; i++)
                        k = verify_dep(c, u, u->unit.deps[d][i], d, depth, deps_count);
        for (int d = 0; d < _UNIT_DEPENDENCY_MAX && k >= 0; d++)
                for (size_t i = 0; d != UNIT_TRIGGERS && implicit.deps[d] && implicit.deps[d][i] && k >= 0; i++)
                        k = verify_dep(c, u, implicit.deps[d][i], d, depth, deps_count);
        for (size_t i = 0; slice.deps[UNIT_REQUIRES] && slice.deps[UNIT_REQUIRES][i] && k >= 0; i++)
                k = verify_dep(c, u, slice.deps[UNIT_REQUIRES][i], UNIT_AFTER, depth, deps_count);
        unit_implicit_deps_done(&implicit);
        unit_implicit_deps_done(&slice);
        free(trigger);
        return k;
}

/* systemd-analyze verify refuses a socket whose service cannot be loaded. */
static int check_socket_service(Cli *c, const Unit *u) {
        const Visited *v;
        char *svc = NULL;
        int k;

        if (!unit_type_info(u->type)->verify_triggered_loaded || u->load_state != UNIT_LOADED)
                return 0;
        k = triggered_unit(u, &svc);
        if (k < 0 || !svc)
                return k;
        v = visited_find(c, svc);
        if (!v || v->state != UNIT_LOADED) {
                fprintf(stderr, "%s: service %s not loaded, socket cannot be started.\n", u->id, svc);
                c->failures++;
        }
        free(svc);
        return 0;
}

static int verify_one(Cli *c, const char *arg, bool listed) {
        Unit *u = NULL;
        int k;

        if (listed) {
                /* --all: aliases are checked as the unit they name, masked units not at all. A
                 * quiet first load tells. */
                bool skip;

                c->quiet = true;
                k = load_arg(c, arg, &u);
                c->quiet = false;
                if (k == -ENOMEM)
                        return k;
                skip = k >= 0 && (u->load_state == UNIT_MASKED || (!unit_name_is_template(arg) && !sdu_streq(u->id, arg)));
                unit_free(u);
                u = NULL;
                if (skip)
                        return 0;
        }
        c->cur_problems = 0;
        k = load_arg(c, arg, &u);
        if (k < 0) {
                c->failures++;
                return k == -ENOMEM ? k : 0;
        }
        if (!visited_find(c, u->id) && !visited_add(c, u->id, u->load_state)) {
                unit_free(u);
                return -ENOMEM;
        }
        if (load_state_ok(c, u, true)) {
                NotEnforcedCtx x = { c, u };

                check_executables(c, u);
                unit_foreach_not_enforced(u, on_not_enforced, &x);
                report_not_run(u);
        } else
                c->cur_problems++;
        if (c->cur_problems > 0)
                c->failures++;
        c->cur_problems = 0;
        k = verify_deps(c, u, 0, true);
        if (k >= 0)
                k = check_socket_service(c, u);
        unit_free(u);
        return k;
}

static void usage(const char *verb) {
        if (sdu_streq(verb, "verify"))
                printf("sdinit verify [--root DIR] [--all] [--generators=yes|no|sysv] [--recursive-errors=yes|no|one] UNIT|PATH...\n\n"
                       "Loads unit files and the units they reference as sdinit will, prints problems as\n"
                       "\"file:line: message\" on stderr and the directives sdinit does not enforce on stdout.\n"
                       "Exits 1 when a unit cannot be loaded or has problems. --all checks every unit of the\n"
                       "search path. $SYSTEMD_UNIT_PATH replaces the search path.\n");
        else if (sdu_streq(verb, "cat"))
                printf("sdinit cat [--root DIR] [--generators=yes|no|sysv] UNIT...\n\n"
                       "Prints the unit file and its drop-ins, each preceded by \"# PATH\", like systemctl cat.\n");
        else
                printf("sdinit show [--root DIR] [--generators=yes|no|sysv] [-p KEY[,KEY...]] [-a] [--value] UNIT...\n\n"
                       "Prints the unit's effective settings as Key=value lines, like systemctl show.\n");
}

enum {
        ARG_ROOT = 0x100,
        ARG_ALL_UNITS,
        ARG_GENERATORS,
        ARG_RECURSIVE,
        ARG_MAN,
        ARG_VALUE,
        ARG_NO_PAGER,
};

/* Shared option parsing. Returns the first operand index, or -(exit status) on exit. */
static int parse_common(Cli *c, int argc, char **argv, bool *all, char ***props, bool *value) {
        static const struct option options[] = {
                { "root", required_argument, NULL, ARG_ROOT },
                { "all", no_argument, NULL, 'a' },
                { "generators", optional_argument, NULL, ARG_GENERATORS },
                { "recursive-errors", required_argument, NULL, ARG_RECURSIVE },
                { "man", optional_argument, NULL, ARG_MAN },
                { "property", required_argument, NULL, 'p' },
                { "value", no_argument, NULL, ARG_VALUE },
                { "no-pager", no_argument, NULL, ARG_NO_PAGER },
                { "system", no_argument, NULL, ARG_NO_PAGER },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        int opt;

        optind = 0;
        opterr = 0;
        while ((opt = getopt_long(argc, argv, "+ahp:", options, NULL)) != -1)
                switch (opt) {
                case ARG_ROOT:
                        c->root = optarg;
                        break;
                case 'a':
                        *all = true;
                        break;
                case ARG_GENERATORS:
                        c->generators = optarg ? parse_generators(optarg) : GEN_ALL;
                        if (c->generators < 0) {
                                fprintf(stderr, "sdinit %s: invalid --generators '%s' (yes, no or sysv)\n", c->verb, optarg);
                                return -2;
                        }
                        break;
                case ARG_RECURSIVE:
                        if (sdu_streq(optarg, "yes"))
                                c->recursive = RECURSIVE_YES;
                        else if (sdu_streq(optarg, "no"))
                                c->recursive = RECURSIVE_NO;
                        else if (sdu_streq(optarg, "one"))
                                c->recursive = RECURSIVE_ONE;
                        else {
                                fprintf(stderr, "sdinit %s: invalid --recursive-errors '%s' (yes, no or one)\n", c->verb, optarg);
                                return -2;
                        }
                        break;
                case ARG_MAN:
                case ARG_NO_PAGER:
                        break; /* accepted for systemd-analyze/systemctl compatibility; man pages are not checked */
                case 'p':
                        if (!props)
                                goto unknown;
                        {
                                char *copy = strdup(optarg), *save = NULL;
                                if (!copy)
                                        return -1;
                                for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save))
                                        if (strv_extend(props, w) < 0) {
                                                free(copy);
                                                return -1;
                                        }
                                free(copy);
                        }
                        break;
                case ARG_VALUE:
                        if (!value)
                                goto unknown;
                        *value = true;
                        break;
                case 'h':
                        usage(c->verb);
                        return 0;
                default:
                unknown:
                        fprintf(stderr, "sdinit %s: unknown or incomplete option '%s'\nTry 'sdinit %s --help'.\n", c->verb,
                                argv[optind - 1], c->verb);
                        return -2;
                }
        return optind;
}

/* stdout and stderr often go to one pipe (`sdinit verify 2>&1 | less`, CI logs): stdout is
 * line-buffered so that each line goes out whole, in order with the diagnostics on stderr. */
static void lines_whole(void) {
        setvbuf(stdout, NULL, _IOLBF, 0);
}

int sdinit_verify_main(int argc, char **argv) {
        Cli c = { .verb = "verify", .generators = GEN_SYSV, .recursive = RECURSIVE_YES };
        char **names = NULL;
        bool all = false;
        int first, k = 0;

        lines_whole();

        first = parse_common(&c, argc, argv, &all, NULL, NULL);
        if (first <= 0)
                return -first;
        if (first >= argc && !all) {
                fprintf(stderr, "sdinit verify: no units given (UNIT|PATH..., or --all)\n");
                return 2;
        }
        if (cli_setup(&c) < 0) {
                cli_done(&c);
                return 1;
        }
        if (all) {
                k = unit_registry_list(c.reg, &names);
                /* Every listed unit is checked on its own: do not load them again as dependencies. */
                for (size_t i = 0; k >= 0 && names && names[i]; i++) {
                        char *n = instance_for_template(names[i]);
                        if (!n || !visited_add(&c, n, UNIT_LOADED))
                                k = -ENOMEM;
                        free(n);
                }
                /* Aliases (symlinks) are checked through the unit they point to; masked units
                 * are skipped without complaint. */
                for (size_t i = 0; k >= 0 && names && names[i]; i++)
                        k = verify_one(&c, names[i], true);
        }
        for (int i = first; i < argc && k >= 0; i++)
                k = verify_one(&c, argv[i], false);
        strv_free(names);
        cli_done(&c);
        if (k < 0) {
                fprintf(stderr, "sdinit verify: %s\n", strerror(-k));
                return 1;
        }
        return c.failures > 0 ? 1 : 0;
}

/* ---- cat ---- */

static int cat_file(const Cli *c, const char *path, bool first) {
        char *buf = NULL, *shown;
        size_t len;
        int k;

        k = read_full_file(path, &buf, &len);
        if (k < 0) {
                fprintf(stderr, "sdinit cat: %s: %s\n", path, strerror(-k));
                return k;
        }
        shown = display_path(c, path);
        printf("%s# %s\n", first ? "" : "\n", shown ? shown : path);
        fwrite(buf, 1, len, stdout);
        if (len > 0 && buf[len - 1] != '\n')
                putchar('\n');
        free(shown);
        free(buf);
        return 0;
}

int sdinit_cat_main(int argc, char **argv) {
        Cli c = { .verb = "cat", .generators = GEN_SYSV, .quiet = true };
        bool all = false;
        int first, rc = 0;

        lines_whole();

        first = parse_common(&c, argc, argv, &all, NULL, NULL);
        if (first <= 0)
                return -first;
        if (first >= argc) {
                fprintf(stderr, "sdinit cat: no units given\n");
                return 2;
        }
        if (cli_setup(&c) < 0) {
                cli_done(&c);
                return 1;
        }
        for (int i = first; i < argc; i++) {
                Unit *u = NULL;
                int k;

                if (!unit_name_is_valid(argv[i], UNIT_NAME_ANY)) {
                        fprintf(stderr, "sdinit cat: invalid unit name \"%s\"\n", argv[i]);
                        rc = 1;
                        continue;
                }
                k = unit_load(c.reg, argv[i], &u);
                if (k < 0) {
                        fprintf(stderr, "sdinit cat: %s: %s\n", argv[i], strerror(-k));
                        rc = 1;
                        continue;
                }
                if (i > first)
                        putchar('\n');
                if (u->load_state == UNIT_MASKED) {
                        fprintf(stderr, "Unit %s is masked.\n", u->id);
                        rc = 1;
                } else if (!u->fragment_path) {
                        fprintf(stderr, "No files found for %s.\n", argv[i]);
                        rc = 1;
                } else {
                        bool firstfile = true;
                        if (u->fragment_path) {
                                if (cat_file(&c, u->fragment_path, true) < 0)
                                        rc = 1;
                                firstfile = false;
                        }
                        for (size_t j = 0; u->dropin_paths && u->dropin_paths[j]; j++) {
                                if (cat_file(&c, u->dropin_paths[j], firstfile) < 0)
                                        rc = 1;
                                firstfile = false;
                        }
                }
                unit_free(u);
        }
        fflush(stdout);
        cli_done(&c);
        return rc;
}

/* ---- show ---- */

/* The other units show needs (a target's After= depends on what it pulls in), loaded once. */
typedef struct ShowCache {
        Cli *c;
        char **names;
        Unit **units; /* NULL where the unit could not be loaded */
        size_t n;
        int r;
} ShowCache;

static const Unit *show_lookup(const char *name, void *userdata) {
        ShowCache *sc = userdata;
        Unit *u = NULL, **units;
        bool quiet = sc->c->quiet;

        for (size_t i = 0; i < sc->n; i++)
                if (sdu_streq(sc->names[i], name))
                        return sc->units[i];
        sc->c->quiet = true;
        if (load_dependency(sc->c, name, &u) == -ENOMEM)
                sc->r = -ENOMEM;
        sc->c->quiet = quiet;
        units = realloc(sc->units, (sc->n + 1) * sizeof(Unit *));
        if (!units || strv_extend(&sc->names, name) < 0) {
                if (units)
                        sc->units = units;
                unit_free(u);
                sc->r = -ENOMEM;
                return NULL;
        }
        sc->units = units;
        sc->units[sc->n++] = u;
        return u;
}

static void show_cache_done(ShowCache *sc) {
        for (size_t i = 0; i < sc->n; i++)
                unit_free(sc->units[i]);
        free(sc->units);
        strv_free(sc->names);
}

typedef struct ShowOut {
        const Cli *c;
        char **props;   /* -p: property names, or directive names (TimeoutStartSec for TimeoutStartUSec) */
        bool all;       /* -a or -p: also properties without a value, as "Name=" */
        bool value;     /* --value */
} ShowOut;

static void show_property(const char *name, const char *key, const char *value, void *userdata) {
        const ShowOut *o = userdata;
        char *line, *shown;

        if (o->props && !strv_contains(o->props, name) && !(key && strv_contains(o->props, key)))
                return;
        if (!value && !o->all)
                return;
        line = o->value ? strdup(value ? value : "") : sdu_strjoin3(name, "=", value ? value : "");
        shown = line ? display_text(o->c, line) : NULL;
        puts(shown ? shown : line ? line : "");
        free(shown);
        free(line);
}

int sdinit_show_main(int argc, char **argv) {
        Cli c = { .verb = "show", .generators = GEN_SYSV, .quiet = true };
        char **props = NULL;
        bool all = false, value = false;
        int first, rc = 0;

        lines_whole();

        first = parse_common(&c, argc, argv, &all, &props, &value);
        if (first <= 0) {
                strv_free(props);
                return -first;
        }
        if (first >= argc) {
                fprintf(stderr, "sdinit show: no units given\n");
                strv_free(props);
                return 2;
        }
        if (cli_setup(&c) < 0) {
                cli_done(&c);
                strv_free(props);
                return 1;
        }
        for (int i = first; i < argc; i++) {
                ShowCache sc = { .c = &c };
                ShowOut o = { .c = &c, .props = props, .all = all || props, .value = value };
                Unit *u = NULL;
                int k;

                if (!unit_name_is_valid(argv[i], UNIT_NAME_ANY)) {
                        fprintf(stderr, "sdinit show: invalid unit name \"%s\"\n", argv[i]);
                        rc = 1;
                        continue;
                }
                k = unit_load(c.reg, argv[i], &u);
                if (k < 0) {
                        fprintf(stderr, "sdinit show: %s: %s\n", argv[i], strerror(-k));
                        rc = 1;
                        continue;
                }
                if (i > first)
                        putchar('\n');
                k = unit_properties(u, show_lookup, &sc, show_property, &o);
                if (k >= 0)
                        k = sc.r;
                show_cache_done(&sc);
                unit_free(u);
                if (k < 0) {
                        fprintf(stderr, "sdinit show: %s\n", strerror(-k));
                        rc = 1;
                        break;
                }
        }
        fflush(stdout);
        strv_free(props);
        cli_done(&c);
        return rc;
}
