/* SPDX-License-Identifier: MIT */
/* Unit file lookup, see unit-registry.h. Follows systemd's rules:
 *
 *   - the first directory of the search path containing NAME wins;
 *   - a symlink to /dev/null, or an empty file, masks the unit;
 *   - a symlink whose target has a different (valid) unit name is an alias: the unit's id becomes
 *     the target name (instantiated when an instance links to a template) and resolution restarts
 *     from the top of the search path with that name; a symlink with the same name is a "linked"
 *     unit file and is read where it points (inside root);
 *   - "foo@bar.service" without its own file uses the template "foo@.service";
 *   - drop-in directories, for every search directory in order: NAME.d, the template's .d, the
 *     dash-prefix .d directories ("foo-bar-baz.service" -> "foo-bar-.service.d", "foo-.service.d"),
 *     then the same for each alias name, then the type-wide "service.d" for every directory. *.conf
 *     files are merged by file name, the first directory in that order winning (so /etc overrides
 *     /run overrides /lib), a /dev/null symlink or empty file masking that name, and applied
 *     in lexical order of file names;
 *   - NAME.wants/, NAME.requires/ and NAME.upholds/ of every search directory add Wants=,
 *     Requires=, Upholds= (also for the template's name and aliases).
 *
 * Alias= in [Install] only creates symlinks when a unit is enabled; at load time only symlinks
 * count, as in systemd. */
#include "unit-registry.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "list-index.h"
#include "sdu-util.h"
#include "unit-directives.h"

/* systemd 252's system search path (src/basic/path-lookup.c, lookup_paths_init(), system scope)
 * as Debian 12 builds it: split-usr, so SYSTEM_DATA_UNIT_DIR is /lib/systemd/system and comes
 * before /usr/lib/systemd/system (`systemd-analyze unit-paths` prints this list). The only copy:
 * the manager, sdinit verify/cat/show and systemctl enable/preset (install/) all take it from
 * unit_search_path_new(). */
const char *const unit_default_search_path[] = {
        "/etc/systemd/system.control",
        "/run/systemd/system.control",
        "/run/systemd/transient",
        "/run/systemd/generator.early",
        "/etc/systemd/system",
        "/etc/systemd/system.attached",
        "/run/systemd/system",
        "/run/systemd/system.attached",
        "/run/systemd/generator",
        "/usr/local/lib/systemd/system",
        "/lib/systemd/system",
        "/usr/lib/systemd/system",
        "/run/systemd/generator.late",
        NULL,
};

static int search_path_add(char ***l, const char *dir) {
        _cleanup_free_ char *abs = NULL;

        if (!*dir)
                return 0;
        if (dir[0] != '/') {
                /* as systemd's path_split_and_make_absolute(): relative to the working directory */
                char cwd[PATH_MAX];

                if (!getcwd(cwd, sizeof(cwd)))
                        return -errno;
                dir = abs = sdu_path_join(cwd, dir);
                if (!abs)
                        return -ENOMEM;
        }
        return strv_contains(*l, dir) ? 0 : strv_extend(l, dir);
}

int unit_search_path_new(char ***ret) {
        const char *env = getenv("SYSTEMD_UNIT_PATH");
        _cleanup_strv_free_ char **dirs = NULL;
        bool append = true;
        int k = 0;

        if (env && *env) {
                const char *p = env;

                append = env[strlen(env) - 1] == ':';
                while (k >= 0 && *p) {
                        size_t n = strcspn(p, ":");
                        _cleanup_free_ char *w = sdu_strndup(p, n);

                        k = w ? search_path_add(&dirs, w) : -ENOMEM;
                        p += n + (p[n] == ':');
                }
        }
        for (size_t i = 0; append && k >= 0 && unit_default_search_path[i]; i++)
                k = search_path_add(&dirs, unit_default_search_path[i]);
        if (k < 0)
                return k;
        if (!dirs && !(dirs = calloc(1, sizeof(char *))))
                return -ENOMEM;
        *ret = TAKE_PTR(dirs);
        return 0;
}

struct UnitRegistry {
        char *root;              /* "" for the host */
        char **search_path;      /* as seen inside root */
        UnitHostInfo *host;
        UnitDiagSink diag;
        char *generator_dirs[3]; /* host paths replacing the generator dirs, or NULL */
        /* Inside unit_registry_batch_begin()/_end(): the names in each search directory, read
         * once (DirNames); outside, nothing is kept and every candidate is stat()ed. */
        unsigned batch_depth;
        struct DirNames *dir_names;
        size_t n_dir_names;
};

/* The entries of one search directory (rooted), sorted; known false when it could not be read
 * for a reason other than its absence (then its candidates are stat()ed as outside a batch). */
typedef struct DirNames {
        char *dir;
        char **names;
        size_t n;
        bool known;
} DirNames;

static void dir_names_clear(UnitRegistry *r) {
        for (size_t i = 0; i < r->n_dir_names; i++) {
                free(r->dir_names[i].dir);
                strv_free(r->dir_names[i].names);
        }
        free(r->dir_names);
        r->dir_names = NULL;
        r->n_dir_names = 0;
}

static const char *const generator_dir_names[3] = {
        "/run/systemd/generator",
        "/run/systemd/generator.early",
        "/run/systemd/generator.late",
};

int unit_registry_new(const char *root, const UnitDiagSink *diag, UnitRegistry **ret) {
        UnitRegistry *r;
        int k;

        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        if (!root || sdu_streq(root, "/"))
                root = "";
        r->root = strdup(root);
        if (!r->root)
                goto oom;
        /* Strip trailing slashes of the root so joins are clean. */
        for (size_t n = strlen(r->root); n > 0 && r->root[n - 1] == '/'; n--)
                r->root[n - 1] = 0;
        if (diag)
                r->diag = *diag;
        k = unit_registry_set_search_path(r, (char *const *) unit_default_search_path);
        if (k < 0)
                goto oom;
        k = unit_host_info_new_from_system(*r->root ? r->root : NULL, &r->host);
        if (k < 0)
                goto oom;
        *ret = r;
        return 0;
oom:
        unit_registry_free(r);
        return -ENOMEM;
}

int unit_registry_new_from_env(const char *root, const UnitDiagSink *diag, UnitRegistry **ret) {
        _cleanup_strv_free_ char **dirs = NULL;
        UnitRegistry *r;
        int k;

        k = unit_search_path_new(&dirs);
        if (k < 0)
                return k;
        k = unit_registry_new(root, diag, &r);
        if (k < 0)
                return k;
        k = unit_registry_set_search_path(r, dirs);
        if (k < 0) {
                unit_registry_free(r);
                return k;
        }
        *ret = r;
        return 0;
}

const char *unit_registry_get_root(const UnitRegistry *r) {
        return r->root;
}

UnitRegistry *unit_registry_free(UnitRegistry *r) {
        if (!r)
                return NULL;
        free(r->root);
        for (size_t i = 0; i < 3; i++)
                free(r->generator_dirs[i]);
        dir_names_clear(r);
        strv_free(r->search_path);
        unit_host_info_free(r->host);
        free(r);
        return NULL;
}

int unit_registry_set_search_path(UnitRegistry *r, char *const *dirs) {
        char **copy = strv_copy(dirs);

        if (!copy)
                return -ENOMEM;
        strv_free(r->search_path);
        r->search_path = copy;
        dir_names_clear(r);
        return 0;
}

char *const *unit_registry_get_search_path(const UnitRegistry *r) {
        return r->search_path;
}

void unit_registry_set_host(UnitRegistry *r, UnitHostInfo *h) {
        unit_host_info_free(r->host);
        r->host = h;
}

const UnitHostInfo *unit_registry_get_host(const UnitRegistry *r) {
        return r->host;
}

int unit_registry_set_generator_dirs(UnitRegistry *r, const char *normal, const char *early, const char *late) {
        const char *dirs[3] = { normal, early, late };

        for (size_t i = 0; i < 3; i++) {
                char *c = NULL;

                if (dirs[i] && !(c = strdup(dirs[i])))
                        return -ENOMEM;
                free(r->generator_dirs[i]);
                r->generator_dirs[i] = c;
        }
        dir_names_clear(r);
        return 0;
}

void unit_registry_batch_begin(UnitRegistry *r) {
        r->batch_depth++;
}

void unit_registry_batch_end(UnitRegistry *r) {
        if (r->batch_depth > 0 && --r->batch_depth == 0)
                dir_names_clear(r);
}

static int cmp_name(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* entry compared with the concatenation name + suffix, as strcmp() would. */
static int cmp_joined(const char *entry, const char *name, const char *suffix) {
        size_t n = strlen(name);
        int c = strncmp(entry, name, n);

        return c ? c : strcmp(entry + n, suffix);
}

/* Whether dir (a rooted search directory) may hold name + suffix: false only inside a batch when
 * its listing, read once, lacks that name (systemd's unit_file_build_name_map() likewise reads
 * each directory once per load). The caller still stat()s a name that is there, so types, links
 * and masks are judged as before. An unreadable listing (not ENOENT) or no memory: true. */
static bool dir_may_have(UnitRegistry *r, const char *dir, const char *name, const char *suffix) {
        DirNames *e = NULL;

        if (r->batch_depth == 0)
                return true;
        for (size_t i = 0; i < r->n_dir_names; i++)
                if (sdu_streq(r->dir_names[i].dir, dir)) {
                        e = &r->dir_names[i];
                        break;
                }
        if (!e) {
                DirNames *v = realloc(r->dir_names, (r->n_dir_names + 1) * sizeof(*v));
                char *copy = strdup(dir);
                DIR *d;

                if (v)
                        r->dir_names = v;
                if (!v || !copy) {
                        free(copy);
                        return true;
                }
                e = &r->dir_names[r->n_dir_names++];
                *e = (DirNames) { .dir = copy };
                d = opendir(dir);
                if (!d)
                        e->known = errno == ENOENT || errno == ENOTDIR;
                else {
                        StrvBuf b = {};
                        struct dirent *de;
                        int k = 0;

                        while (k >= 0 && (de = readdir(d)))
                                if (!sdu_streq(de->d_name, ".") && !sdu_streq(de->d_name, ".."))
                                        k = strvbuf_extend(&b, de->d_name);
                        closedir(d);
                        if (k < 0)
                                strv_free(b.v);
                        else {
                                e->names = b.v;
                                e->n = strv_length(b.v);
                                if (e->n > 1)
                                        qsort(e->names, e->n, sizeof(char *), cmp_name);
                                e->known = true;
                        }
                }
        }
        if (!e->known)
                return true;
        for (size_t lo = 0, hi = e->n; lo < hi;) {
                size_t mid = lo + (hi - lo) / 2;
                int c = cmp_joined(e->names[mid], name, suffix);

                if (c == 0)
                        return true;
                if (c < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return false;
}

/* root + path */
static char *rooted(const UnitRegistry *r, const char *path) {
        for (size_t i = 0; i < 3; i++)
                if (r->generator_dirs[i] && sdu_streq(path, generator_dir_names[i]))
                        return strdup(r->generator_dirs[i]);
        return sdu_strjoin3(r->root, path[0] == '/' ? "" : "/", path);
}

static bool is_mask_target(const char *target) {
        return sdu_streq(target, "/dev/null");
}

typedef struct Resolution {
        char *id;         /* final name */
        char **aliases;   /* names passed through (excluding id) */
        char *fragment;   /* file to read (rooted), NULL if not found / masked */
        bool masked;
} Resolution;

static void resolution_done(Resolution *res) {
        free(res->id);
        strv_free(res->aliases);
        free(res->fragment);
        *res = (Resolution) {};
}

/* Look name up in one pass of the search path. Returns 1 found (file or symlink handled), 0 not
 * found. On an alias sets *ret_next to the new name. */
static int lookup_once(UnitRegistry *r, const char *name, Resolution *res, char **ret_next) {
        for (size_t i = 0; r->search_path[i]; i++) {
                char *dir = rooted(r, r->search_path[i]), *path, *target = NULL;
                struct stat st;
                int k;

                if (!dir)
                        return -ENOMEM;
                if (!dir_may_have(r, dir, name, "")) {
                        free(dir);
                        continue;
                }
                path = sdu_path_join(dir, name);
                if (!path) {
                        free(dir);
                        return -ENOMEM;
                }
                if (lstat(path, &st) < 0 || S_ISDIR(st.st_mode)) {
                        free(dir);
                        free(path);
                        continue;
                }
                if (!S_ISLNK(st.st_mode)) {
                        free(dir);
                        if (st.st_size == 0) {
                                res->masked = true;
                                free(path);
                        } else
                                res->fragment = path;
                        return 1;
                }
                k = read_link(path, &target);
                if (k < 0) {
                        free(dir);
                        free(path);
                        return k == -ENOMEM ? k : 0;
                }
                if (is_mask_target(target)) {
                        res->masked = true;
                        free(dir);
                        free(path);
                        free(target);
                        return 1;
                }
                {
                        const char *base = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;

                        if (!sdu_streq(base, name) && unit_name_is_valid(base, UNIT_NAME_ANY)) {
                                char *next;

                                /* Alias. An instance linking to a template keeps its instance. */
                                if (unit_name_is_template(base) && unit_name_is_instance(name)) {
                                        char *inst;
                                        k = unit_name_to_instance(name, &inst);
                                        if (k < 0) {
                                                free(dir), free(path), free(target);
                                                return k;
                                        }
                                        k = unit_name_replace_instance(base, inst, &next);
                                        free(inst);
                                } else {
                                        next = strdup(base);
                                        k = next ? 0 : -ENOMEM;
                                }
                                free(dir);
                                free(path);
                                free(target);
                                if (k < 0)
                                        return k;
                                *ret_next = next;
                                return 1;
                        }
                }
                /* Linked unit file: read it where it points (inside root). */
                free(path);
                path = target[0] == '/' ? rooted(r, target) : sdu_path_join(dir, target);
                free(dir);
                free(target);
                if (!path)
                        return -ENOMEM;
                if (stat(path, &st) < 0) {
                        free(path);
                        continue;
                }
                if (st.st_size == 0) {
                        res->masked = true;
                        free(path);
                } else
                        res->fragment = path;
                return 1;
        }
        return 0;
}

static int resolve_name(UnitRegistry *r, const char *name, Resolution *res) {
        char *cur = strdup(name);
        int k = 0;

        if (!cur)
                return -ENOMEM;
        for (unsigned hops = 0;; hops++) {
                char *next = NULL;

                if (hops > 32) {
                        unit_diag(&r->diag, UNIT_DIAG_ERROR, NULL, 0, "Too many levels of aliases for %s.", name);
                        k = -ELOOP;
                        break;
                }
                k = lookup_once(r, cur, res, &next);
                if (k < 0)
                        break;
                if (k > 0 && next) {
                        if (unit_name_to_type(next) != unit_name_to_type(cur)) {
                                unit_diag(&r->diag, UNIT_DIAG_ERROR, NULL, 0,
                                          "Alias %s points to %s of a different type, ignoring.", cur, next);
                                free(next);
                                k = 0;
                                break;
                        }
                        if (strv_contains(res->aliases, next) || sdu_streq(next, name)) {
                                free(next);
                                k = -ELOOP;
                                break;
                        }
                        k = strv_push(&res->aliases, cur);
                        if (k < 0) {
                                free(next);
                                cur = NULL; /* taken by strv_push() */
                                break;
                        }
                        cur = next;
                        continue;
                }
                if (k == 0 && unit_name_is_instance(cur)) {
                        /* No file for the instance: use the template, keep the instance name. */
                        char *tmpl;
                        Resolution t = {};

                        k = unit_name_template(cur, &tmpl);
                        if (k < 0)
                                break;
                        k = lookup_once(r, tmpl, &t, &next);
                        free(tmpl);
                        if (k > 0 && next) {
                                /* The template itself is an alias of another template. */
                                char *inst = NULL, *inst_name = NULL;

                                k = unit_name_to_instance(cur, &inst);
                                if (k >= 0)
                                        k = unit_name_replace_instance(next, inst, &inst_name);
                                free(inst);
                                free(next);
                                resolution_done(&t);
                                if (k < 0)
                                        break;
                                k = strv_push(&res->aliases, cur);
                                if (k < 0) {
                                        free(inst_name);
                                        cur = NULL; /* taken by strv_push() */
                                        break;
                                }
                                cur = inst_name;
                                continue;
                        }
                        res->fragment = t.fragment;
                        res->masked = t.masked;
                        t.fragment = NULL;
                        resolution_done(&t);
                }
                break;
        }
        if (k < 0) {
                free(cur);
                return k;
        }
        res->id = cur;
        return 0;
}

/* ---- drop-ins ---- */

static int add_dir_if_exists(char ***dirs, const char *path) {
        struct stat st;

        if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
                return 0;
        if (strv_contains(*dirs, path))
                return 0;
        return strv_extend(dirs, path);
}

/* NAME.d, then the template's, then the dash prefixes, in one search directory. */
static int find_dirs_for_name(UnitRegistry *r, const char *dir, const char *name, const char *suffix, char ***dirs) {
        char *path, *tmpl = NULL, *prefix = NULL, *dash;
        int k;

        path = sdu_strjoin3(dir, "/", name);
        if (!path)
                return -ENOMEM;
        {
                char *full = sdu_strjoin3(path, suffix, NULL);
                free(path);
                if (!full)
                        return -ENOMEM;
                k = dir_may_have(r, dir, name, suffix) ? add_dir_if_exists(dirs, full) : 0;
                free(full);
                if (k < 0)
                        return k;
        }
        if (unit_name_is_instance(name)) {
                k = unit_name_template(name, &tmpl);
                if (k < 0)
                        return k;
                k = find_dirs_for_name(r, dir, tmpl, suffix, dirs);
                free(tmpl);
                if (k < 0)
                        return k;
        }
        if (unit_type_from_string(name) >= 0) /* type-wide "service.d" has no prefixes */
                return 0;
        k = unit_name_to_prefix(name, &prefix);
        if (k < 0)
                return 0;
        /* "foo-bar-" (from "foo-bar-.service") continues with the dash before "bar". */
        if (*prefix && prefix[strlen(prefix) - 1] == '-')
                prefix[strlen(prefix) - 1] = 0;
        dash = strrchr(prefix, '-');
        if (dash && dash != prefix) {
                char *shorter = sdu_asprintf("%.*s-.%s", (int) (dash - prefix), prefix,
                                             unit_type_to_string(unit_name_to_type(name)));

                if (!shorter) {
                        free(prefix);
                        return -ENOMEM;
                }
                if (!sdu_streq(shorter, name) && unit_name_is_valid(shorter, UNIT_NAME_PLAIN))
                        k = find_dirs_for_name(r, dir, shorter, suffix, dirs);
                free(shorter);
        }
        free(prefix);
        return k < 0 ? k : 0;
}

static int collect_dropin_dirs(UnitRegistry *r, char *const *names, const char *suffix, char ***ret) {
        char **dirs = NULL;
        int k = 0;

        for (size_t n = 0; names[n] && k >= 0; n++)
                for (size_t i = 0; r->search_path[i] && k >= 0; i++) {
                        char *dir = rooted(r, r->search_path[i]);

                        if (!dir) {
                                k = -ENOMEM;
                                break;
                        }
                        k = find_dirs_for_name(r, dir, names[n], suffix, &dirs);
                        free(dir);
                }
        for (size_t i = 0; r->search_path[i] && k >= 0; i++) {
                char *dir = rooted(r, r->search_path[i]), *path;

                if (!dir) {
                        k = -ENOMEM;
                        break;
                }
                const char *type = unit_type_to_string(unit_name_to_type(names[0]));
                bool may = dir_may_have(r, dir, type, suffix);
                path = sdu_asprintf("%s/%s%s", dir, type, suffix);
                free(dir);
                if (!path) {
                        k = -ENOMEM;
                        break;
                }
                k = may ? add_dir_if_exists(&dirs, path) : 0;
                free(path);
        }
        if (k < 0) {
                strv_free(dirs);
                return k;
        }
        *ret = dirs;
        return 0;
}

static bool is_masked_file(const char *path) {
        struct stat st;
        char *target = NULL;
        bool masked;

        if (lstat(path, &st) < 0)
                return false;
        if (S_ISLNK(st.st_mode) && read_link(path, &target) >= 0) {
                masked = is_mask_target(target);
                free(target);
                if (masked)
                        return true;
        }
        return stat(path, &st) >= 0 && S_ISREG(st.st_mode) && st.st_size == 0;
}

/* Merges *.conf of dirs by file name (first dir wins, masks hide), sorted by file name. */
/* One *.conf file found in a drop-in directory. */
typedef struct DropinEntry {
        char *name, *path;
        size_t dir;  /* index in the search order: the first directory wins */
        bool masked; /* empty or a link to /dev/null: hides the name in later directories */
} DropinEntry;

static int cmp_dropin(const void *a, const void *b) {
        const DropinEntry *x = a, *y = b;
        int c = strcmp(x->name, y->name);

        return c ? c : (x->dir > y->dir) - (x->dir < y->dir);
}

/* The drop-in files of dirs (in priority order), ordered by file name; a name is taken from the
 * first directory that has it, a masked one hides it. Linear after one sort: a unit with 40,000
 * drop-ins loads in well under a second. */
static int list_dropin_files(char *const *dirs, char ***ret) {
        DropinEntry *v = NULL;
        size_t n = 0, cap = 0;
        StrvBuf result = {};
        int k = 0;

        for (size_t i = 0; dirs && dirs[i] && k >= 0; i++) {
                DIR *d = opendir(dirs[i]);
                struct dirent *de;

                if (!d)
                        continue;
                while (k >= 0 && (de = readdir(d))) {
                        DropinEntry e = { .dir = i };
                        struct stat st;

                        if (de->d_name[0] == '.' || !sdu_endswith(de->d_name, ".conf"))
                                continue;
                        e.path = sdu_path_join(dirs[i], de->d_name);
                        if (!e.path) {
                                k = -ENOMEM;
                                break;
                        }
                        /* One fstatat() relative to the open directory for the common case (a
                         * regular file: masked when empty); links are followed by path. */
                        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                                free(e.path);
                                continue;
                        }
                        if (S_ISREG(st.st_mode))
                                e.masked = st.st_size == 0;
                        else {
                                e.masked = is_masked_file(e.path);
                                if (!e.masked && (stat(e.path, &st) < 0 || !S_ISREG(st.st_mode))) {
                                        free(e.path);
                                        continue;
                                }
                        }
                        e.name = strrchr(e.path, '/') + 1;
                        if (n == cap) {
                                size_t c = cap ? cap * 2 : 16;
                                DropinEntry *w = realloc(v, c * sizeof(*v));
                                if (!w) {
                                        free(e.path);
                                        k = -ENOMEM;
                                        break;
                                }
                                v = w;
                                cap = c;
                        }
                        v[n++] = e;
                }
                closedir(d);
        }
        if (k >= 0 && n > 1)
                qsort(v, n, sizeof(*v), cmp_dropin);
        for (size_t i = 0; i < n && k >= 0; i++) {
                if (i > 0 && sdu_streq(v[i].name, v[i - 1].name))
                        continue; /* a later directory's file of the same name */
                if (!v[i].masked)
                        k = strvbuf_extend(&result, v[i].path);
        }
        for (size_t i = 0; i < n; i++)
                free(v[i].path);
        free(v);
        if (k < 0) {
                strv_free(result.v);
                return k;
        }
        *ret = result.v;
        return 0;
}

/* ---- .wants/.requires/.upholds ---- */

static int add_dependency_dir(Unit *u, const char *dir, UnitDependency dep) {
        DIR *d = opendir(dir);
        struct dirent *de;
        StrvBuf b = {};
        char **found;
        int k = 0;

        if (!d)
                return 0;
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' && unit_name_is_valid(de->d_name, UNIT_NAME_ANY) &&
                    (k = strvbuf_extend(&b, de->d_name)) < 0)
                        break;
        closedir(d);
        found = b.v;
        strv_sort(found);
        for (size_t i = 0; found && found[i] && k >= 0; i++) {
                char *name = NULL;

                if (unit_name_is_template(found[i])) {
                        /* A template in the .wants of an instance gets that instance. */
                        if (!u->instance)
                                continue;
                        k = unit_name_replace_instance(found[i], u->instance, &name);
                        if (k < 0) {
                                k = k == -ENOMEM ? k : 0;
                                continue;
                        }
                } else if (!(name = strdup(found[i]))) {
                        k = -ENOMEM;
                        break;
                }
                k = sdu_list_index_add(&u->load_index, &u->unit.deps[dep], SDU_LIST_KEY_WHOLE, name, false);
                if (k > 0)
                        k = 0;
        }
        strv_free(found);
        return k;
}

static int load_dependency_dirs(UnitRegistry *r, Unit *u, char *const *names) {
        static const struct {
                const char *suffix;
                UnitDependency dep;
        } kinds[] = {
                { ".wants", UNIT_WANTS },
                { ".requires", UNIT_REQUIRES },
                { ".upholds", UNIT_UPHOLDS },
        };

        for (size_t k = 0; k < SDU_ELEMENTSOF(kinds); k++) {
                char **dirs = NULL;
                int e;

                e = collect_dropin_dirs(r, names, kinds[k].suffix, &dirs);
                if (e < 0)
                        return e;
                for (size_t i = 0; dirs && dirs[i]; i++) {
                        e = add_dependency_dir(u, dirs[i], kinds[k].dep);
                        if (e < 0) {
                                strv_free(dirs);
                                return e;
                        }
                }
                strv_free(dirs);
        }
        return 0;
}

/* ---- loading ---- */

static int load_dropins_and_deps(UnitRegistry *r, Unit *u) {
        char **dirs = NULL, **files = NULL;
        int k;

        k = collect_dropin_dirs(r, u->names, ".d", &dirs);
        if (k >= 0)
                k = list_dropin_files(dirs, &files);
        strv_free(dirs);
        for (size_t i = 0; k >= 0 && files && files[i]; i++) {
                k = unit_load_fragment_file(u, files[i], true, &r->diag);
                if (k != -ENOMEM)
                        k = 0;
        }
        strv_free(files);
        if (k < 0)
                return k;
        return load_dependency_dirs(r, u, u->names);
}

int unit_load(UnitRegistry *r, const char *name, Unit **ret) {
        Resolution res = {};
        Unit *u = NULL;
        int k;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY)) {
                unit_diag(&r->diag, UNIT_DIAG_ERROR, NULL, 0, "Invalid unit name \"%s\".", name);
                return -EINVAL;
        }
        k = resolve_name(r, name, &res);
        if (k == -ENOMEM)
                return k;
        if (k < 0) {
                /* Alias loop: report as not found under the requested name. */
                res = (Resolution) { .id = strdup(name) };
                if (!res.id)
                        return -ENOMEM;
        }
        k = unit_new(res.id, r->host, &u);
        if (k < 0)
                goto finish;
        k = strv_extend_strv(&u->names, res.aliases, true);
        if (k < 0)
                goto finish;
        if (res.masked) {
                u->load_state = UNIT_MASKED;
                k = 0;
                goto finish;
        }
        if (res.fragment) {
                k = unit_load_fragment_file(u, res.fragment, false, &r->diag);
                if (k == -ENOMEM)
                        goto finish;
        }
        k = load_dropins_and_deps(r, u);
        if (k < 0)
                goto finish;
        if (!res.fragment) {
                u->load_state = UNIT_NOT_FOUND;
                u->n_errors++;
                unit_diag(&r->diag, UNIT_DIAG_ERROR, NULL, 0, "Unit %s not found.", name);
        } else {
                k = unit_verify(u, &r->diag);
                if (k == -ENOMEM)
                        goto finish;
        }
        k = 0;
finish:
        resolution_done(&res);
        if (k < 0) {
                unit_free(u);
                return k;
        }
        *ret = u;
        return 0;
}

int unit_load_path(UnitRegistry *r, const char *path, Unit **ret) {
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        Unit *u;
        int k;

        if (!unit_name_is_valid(base, UNIT_NAME_ANY)) {
                unit_diag(&r->diag, UNIT_DIAG_ERROR, path, 0, "Invalid unit name \"%s\".", base);
                return -EINVAL;
        }
        k = unit_new(base, r->host, &u);
        if (k < 0)
                return k;
        k = unit_load_fragment_file(u, path, false, &r->diag);
        if (k == -ENOMEM)
                goto fail;
        if (k >= 0) {
                k = load_dropins_and_deps(r, u);
                if (k < 0)
                        goto fail;
                k = unit_verify(u, &r->diag);
                if (k == -ENOMEM)
                        goto fail;
        }
        *ret = u;
        return 0;
fail:
        unit_free(u);
        return k;
}

int unit_registry_list(UnitRegistry *r, char ***ret) {
        char **names = NULL;
        int k = 0;

        for (size_t i = 0; r->search_path[i] && k >= 0; i++) {
                char *dir = rooted(r, r->search_path[i]);
                struct dirent *de;
                DIR *d;

                if (!dir)
                        return -ENOMEM;
                d = opendir(dir);
                free(dir);
                if (!d)
                        continue;
                while (k >= 0 && (de = readdir(d))) {
                        if (!unit_name_is_valid(de->d_name, UNIT_NAME_ANY) || strv_contains(names, de->d_name))
                                continue;
                        if (de->d_type == DT_DIR)
                                continue;
                        k = strv_extend(&names, de->d_name);
                }
                closedir(d);
        }
        if (k < 0) {
                strv_free(names);
                return k;
        }
        strv_sort(names);
        *ret = names;
        return 0;
}
