/* SPDX-License-Identifier: MIT */
/* Unit-file installation (see install.h): lookup paths, discovery of a unit file through aliases
 * and linked files, and enable, disable, reenable, mask, unmask, set-default.
 *
 * The algorithm is systemd 252's (src/shared/install.c), re-implemented on top of units/ for the
 * [Install] parsing:
 *   - discovery searches NAME (then its template) in the search path; a symlink into the search
 *     path under another name is an alias (restart with the target name), a symlink elsewhere is a
 *     "linked" unit file (read the target), a symlink to /dev/null or an empty file is a mask;
 *   - enable processes the named units, then the Also= units they pull in (in order), each
 *     creating: a link to a unit file outside the search path, Alias= symlinks, WantedBy=/
 *     RequiredBy= symlinks in NAME.wants/ and NAME.requires/ of the config directory;
 *   - disable marks the unit names (and Also= units), then walks the config directory recursively
 *     (readdir order, like systemd, so the "Removed" lines come out in the same order) removing
 *     every symlink named like a marked name, or pointing to one, restarting while removals mark
 *     new paths. */
#include "install-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "sdu-util.h"
#include "unit-name.h"
#include "unit-registry.h"
#include "unit-type-info.h"

/* ---- small helpers ---- */

const char *base_name(const char *p) {
        const char *s = strrchr(p, '/');
        return s ? s + 1 : p;
}

char *dir_name(const char *p) {
        const char *s = strrchr(p, '/');

        if (!s)
                return strdup(".");
        if (s == p)
                return strdup("/");
        return sdu_strndup(p, (size_t) (s - p));
}

/* Lexical normalisation of an absolute path: no "//", ".", "..", trailing slash. */
char *path_normalize(const char *p) {
        char *out = malloc(strlen(p) + 2);
        size_t n = 0;

        if (!out)
                return NULL;
        while (*p) {
                const char *e;
                size_t len;

                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                e = strchrnul(p, '/');
                len = (size_t) (e - p);
                if (len == 1 && p[0] == '.') {
                        /* skip */
                } else if (len == 2 && p[0] == '.' && p[1] == '.') {
                        while (n > 0 && out[n - 1] != '/')
                                n--;
                        if (n > 0)
                                n--;
                } else {
                        out[n++] = '/';
                        memcpy(out + n, p, len);
                        n += len;
                }
                p = e;
        }
        if (n == 0)
                out[n++] = '/';
        out[n] = 0;
        return out;
}

/* "a" equals "b" or is below it: returns the rest ("" when equal), else NULL. */
const char *path_startswith(const char *path, const char *prefix) {
        size_t l = strlen(prefix);

        while (l > 0 && prefix[l - 1] == '/')
                l--;
        if (strncmp(path, prefix, l) != 0)
                return NULL;
        if (path[l] == 0)
                return path + l;
        if (path[l] != '/')
                return NULL;
        while (path[l] == '/')
                l++;
        return path + l;
}

bool path_equal(const char *a, const char *b) {
        char *x, *y;
        bool r;

        if (!a || !b)
                return false;
        x = path_normalize(a);
        y = path_normalize(b);
        r = x && y && strcmp(x, y) == 0;
        free(x);
        free(y);
        return r;
}

bool stat_null_or_empty(const struct stat *st) {
        if (S_ISREG(st->st_mode))
                return st->st_size <= 0;
        if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode))
                return S_ISCHR(st->st_mode) && st->st_rdev == makedev(1, 3);
        return false;
}

bool hidden_or_backup_file(const char *name) {
        static const char *const suffixes[] = {
                "~", ".rpmnew", ".rpmsave", ".rpmorig", ".dpkg-old", ".dpkg-new", ".dpkg-tmp", ".dpkg-dist",
                ".dpkg-bak", ".dpkg-backup", ".dpkg-remove", ".ucf-new", ".ucf-old", ".ucf-dist", ".swp",
                ".bak", ".old", ".new",
        };

        if (name[0] == '.')
                return true;
        for (size_t i = 0; i < SDU_ELEMENTSOF(suffixes); i++)
                if (sdu_endswith(name, suffixes[i]))
                        return true;
        return false;
}

static bool unit_type_may_alias(UnitType t) {
        return unit_type_info(t)->may_alias;
}

static bool unit_type_may_template(UnitType t) {
        return unit_type_info(t)->may_template;
}

UnitNameFlags name_classify(const char *n) {
        if (unit_name_is_valid(n, UNIT_NAME_PLAIN))
                return UNIT_NAME_PLAIN;
        if (unit_name_is_valid(n, UNIT_NAME_TEMPLATE))
                return UNIT_NAME_TEMPLATE;
        if (unit_name_is_valid(n, UNIT_NAME_INSTANCE))
                return UNIT_NAME_INSTANCE;
        return 0;
}

/* systemd's unit_validate_alias_symlink_or_warn(): -EINVAL bad source, -EXDEV bad target,
 * -ELOOP self-alias. */
int validate_alias(const char *src_path, const char *dst_path) {
        const char *src = base_name(src_path), *dst = base_name(dst_path);
        UnitNameFlags st = name_classify(src), dt;
        UnitType t;

        if (!st)
                return -EINVAL;
        t = unit_name_to_type(src);
        if (!unit_type_may_alias(t))
                return -EINVAL;
        if (st != UNIT_NAME_PLAIN && !unit_type_may_template(t))
                return -EINVAL;
        if (strcmp(src, dst) == 0)
                return -ELOOP;
        dt = name_classify(dst);
        if (!dt)
                return -EXDEV;
        if (!(dt == st || (st == UNIT_NAME_INSTANCE && dt == UNIT_NAME_TEMPLATE)))
                return -EXDEV;
        if (dt == UNIT_NAME_INSTANCE) {
                char *a = NULL, *b = NULL;
                bool same;

                if (unit_name_to_instance(src, &a) < 0 || unit_name_to_instance(dst, &b) < 0) {
                        free(a);
                        return -ENOMEM;
                }
                same = strcmp(a, b) == 0;
                free(a);
                free(b);
                if (!same)
                        return -EXDEV;
        }
        if (unit_name_to_type(dst) != t)
                return -EXDEV;
        return 0;
}

/* ---- changes ---- */

int changes_add(InstallChanges *c, int type, const char *path, const char *source) {
        InstallChange *n;
        char *p = NULL, *s = NULL;

        if (!c)
                return 0;
        if (path && !(p = path[0] == '/' ? path_normalize(path) : strdup(path)))
                return -ENOMEM;
        if (source && !(s = source[0] == '/' ? path_normalize(source) : strdup(source))) {
                free(p);
                return -ENOMEM;
        }
        n = realloc(c->items, (c->n + 1) * sizeof(*n));
        if (!n) {
                free(p);
                free(s);
                return -ENOMEM;
        }
        c->items = n;
        c->items[c->n++] = (InstallChange) { .type = type, .path = p, .source = s };
        return 0;
}

void install_changes_done(InstallChanges *c) {
        if (!c)
                return;
        for (size_t i = 0; i < c->n; i++) {
                free(c->items[i].path);
                free(c->items[i].source);
        }
        free(c->items);
        *c = (InstallChanges) {};
}

const char *install_change_type_to_string(int type) {
        static const char *const t[_INSTALL_CHANGE_TYPE_MAX] = {
                [INSTALL_CHANGE_SYMLINK] = "symlink",
                [INSTALL_CHANGE_UNLINK] = "unlink",
                [INSTALL_CHANGE_IS_MASKED] = "masked",
                [INSTALL_CHANGE_IS_DANGLING] = "dangling",
                [INSTALL_CHANGE_DESTINATION_NOT_PRESENT] = "destination not present",
                [INSTALL_CHANGE_AUXILIARY_FAILED] = "auxiliary unit failed",
        };
        return type >= 0 && type < _INSTALL_CHANGE_TYPE_MAX ? t[type] : NULL;
}

bool install_changes_have_errors(const InstallChanges *c) {
        for (size_t i = 0; c && i < c->n; i++)
                if (c->items[i].type < 0)
                        return true;
        return false;
}

/* ---- lookup paths ---- */

static int add_rooted(Lookup *lp, char ***l, const char *dir) {
        _cleanup_free_ char *p = sdu_strjoin3(lp->root, "", dir), *n = p ? path_normalize(p) : NULL;

        if (!n)
                return -ENOMEM;
        return strv_contains(*l, n) ? 0 : strv_push(l, TAKE_PTR(n));
}

int lookup_init(Lookup *lp, const char *root) {
        _cleanup_strv_free_ char **dirs = NULL;
        struct {
                char **field;
                const char *dir;
        } special[] = {
                { &lp->persistent_config, "/etc/systemd/system" },
                { &lp->runtime_config, "/run/systemd/system" },
                { &lp->transient, "/run/systemd/transient" },
                { &lp->generator, "/run/systemd/generator" },
                { &lp->generator_early, "/run/systemd/generator.early" },
                { &lp->generator_late, "/run/systemd/generator.late" },
                { &lp->persistent_control, "/etc/systemd/system.control" },
                { &lp->runtime_control, "/run/systemd/system.control" },
        };
        int r;

        *lp = (Lookup) {};
        if (!root || !*root || path_equal(root, "/"))
                lp->root = strdup("");
        else if (root[0] == '/')
                lp->root = path_normalize(root);
        else {
                char cwd[PATH_MAX], *j;

                if (!getcwd(cwd, sizeof(cwd)))
                        return -errno;
                j = sdu_path_join(cwd, root);
                lp->root = j ? path_normalize(j) : NULL;
                free(j);
        }
        if (!lp->root)
                goto oom;
        if (sdu_streq(lp->root, "/"))
                lp->root[0] = 0;

        r = unit_search_path_new(&dirs);
        if (r < 0) {
                lookup_done(lp);
                return r;
        }
        for (size_t i = 0; dirs[i]; i++)
                if (add_rooted(lp, &lp->search, dirs[i]) < 0)
                        goto oom;
        if (!lp->search && !(lp->search = calloc(1, sizeof(char *))))
                goto oom;
        for (size_t i = 0; i < SDU_ELEMENTSOF(special); i++) {
                char *p = sdu_strjoin3(lp->root, special[i].dir, NULL);
                if (!p)
                        goto oom;
                *special[i].field = p;
        }
        r = unit_host_info_new_from_system(*lp->root ? lp->root : NULL, &lp->host);
        if (r < 0)
                goto oom;
        return 0;
oom:
        lookup_done(lp);
        return -ENOMEM;
}

void lookup_done(Lookup *lp) {
        free(lp->root);
        strv_free(lp->search);
        free(lp->persistent_config);
        free(lp->runtime_config);
        free(lp->transient);
        free(lp->generator);
        free(lp->generator_early);
        free(lp->generator_late);
        free(lp->persistent_control);
        free(lp->runtime_control);
        unit_host_info_free(lp->host);
        *lp = (Lookup) {};
}

const char *lookup_skip_root(const Lookup *lp, const char *path) {
        const char *e;

        if (!*lp->root)
                return path;
        e = path_startswith(path, lp->root);
        if (!e)
                return NULL;
        if (e[0] != '/') {
                if (e == path || e[-1] != '/')
                        return NULL;
                e--;
        }
        return e;
}

static bool parent_is(const char *path, const char *const *dirs, size_t n) {
        char *parent = dir_name(path);
        bool r = false;

        for (size_t i = 0; parent && i < n && !r; i++)
                r = dirs[i] && path_equal(parent, dirs[i]);
        free(parent);
        return r;
}

bool lookup_is_generator(const Lookup *lp, const char *path) {
        const char *d[] = { lp->generator, lp->generator_early, lp->generator_late };
        return path && parent_is(path, d, 3);
}

bool lookup_is_transient(const Lookup *lp, const char *path) {
        const char *d[] = { lp->transient };
        return path && parent_is(path, d, 1);
}

static bool lookup_is_config(const Lookup *lp, const char *path) {
        const char *d[] = { lp->persistent_config, lp->runtime_config };
        return path && parent_is(path, d, 2);
}

bool lookup_is_runtime(const Lookup *lp, const char *path, bool check_parent) {
        const char *d[] = { lp->runtime_config, lp->generator, lp->generator_early, lp->generator_late,
                            lp->transient, lp->runtime_control };
        const char *rp = lookup_skip_root(lp, path);

        if (rp && path_startswith(rp, "/run"))
                return true;
        if (check_parent)
                return parent_is(path, d, SDU_ELEMENTSOF(d));
        for (size_t i = 0; i < SDU_ELEMENTSOF(d); i++)
                if (path_equal(path, d[i]))
                        return true;
        return false;
}

bool lookup_in_search_path(const Lookup *lp, const char *path) {
        return parent_is(path, (const char *const *) lp->search, strv_length(lp->search));
}

/* ---- install context ---- */

static Info *info_free(Info *i) {
        if (!i)
                return NULL;
        free(i->name);
        free(i->path);
        free(i->symlink_target);
        unit_free(i->u);
        free(i);
        return NULL;
}

void ctx_done(Ctx *ctx) {
        for (size_t i = 0; i < ctx->n_will; i++)
                info_free(ctx->will[i]);
        for (size_t i = 0; i < ctx->n_have; i++)
                info_free(ctx->have[i]);
        free(ctx->will);
        free(ctx->have);
        *ctx = (Ctx) {};
}

Info *ctx_find(Ctx *ctx, const char *name) {
        for (size_t i = 0; i < ctx->n_have; i++)
                if (strcmp(ctx->have[i]->name, name) == 0)
                        return ctx->have[i];
        for (size_t i = 0; i < ctx->n_will; i++)
                if (strcmp(ctx->will[i]->name, name) == 0)
                        return ctx->will[i];
        return NULL;
}

int ctx_add(Ctx *ctx, const char *name, const char *path, bool auxiliary, Info **ret) {
        Info *i, **n;

        if (!name)
                name = base_name(path);
        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        i = ctx_find(ctx, name);
        if (i) {
                i->auxiliary = i->auxiliary && auxiliary;
                if (ret)
                        *ret = i;
                return 0;
        }
        i = calloc(1, sizeof(*i));
        if (!i)
                return -ENOMEM;
        i->type = INFO_INVALID;
        i->auxiliary = auxiliary;
        i->name = strdup(name);
        if (!i->name || (path && !(i->path = strdup(path))))
                return info_free(i), -ENOMEM;
        n = realloc(ctx->will, (ctx->n_will + 1) * sizeof(*n));
        if (!n)
                return info_free(i), -ENOMEM;
        ctx->will = n;
        ctx->will[ctx->n_will++] = i;
        if (ret)
                *ret = i;
        return 1;
}

/* Moves the first of will_process to have_processed and returns it. */
Info *ctx_take_first(Ctx *ctx) {
        Info *i, **n;

        if (ctx->n_will == 0)
                return NULL;
        n = realloc(ctx->have, (ctx->n_have + 1) * sizeof(*n));
        if (!n)
                return NULL;
        ctx->have = n;
        i = ctx->will[0];
        memmove(ctx->will, ctx->will + 1, (ctx->n_will - 1) * sizeof(*ctx->will));
        ctx->n_will--;
        ctx->have[ctx->n_have++] = i;
        return i;
}

char **info_aliases(const Info *i) {
        return i->u ? i->u->install.alias : NULL;
}
char **info_wanted_by(const Info *i) {
        return i->u ? i->u->install.wanted_by : NULL;
}
char **info_required_by(const Info *i) {
        return i->u ? i->u->install.required_by : NULL;
}
char **info_also(const Info *i) {
        return i->u ? i->u->install.also : NULL;
}
const char *info_default_instance(const Info *i) {
        return i->u ? i->u->install.default_instance : NULL;
}

/* ---- loading ---- */

/* systemd's [Install] parser reports syntax problems of the files it reads (at warning level, so
 * systemctl prints them); value problems of other sections are not its business. */
static void syntax_diag(const UnitDiag *d, void *userdata) {
        static const char *const syntax[] = {
                "Assignment outside of section", "Missing '='", "Missing key name", "Invalid section header",
                "Bad characters in section header", "Unknown section", "Line too long",
        };

        for (size_t i = 0; i < SDU_ELEMENTSOF(syntax); i++)
                if (sdu_startswith(d->message, syntax[i])) {
                        if (d->file && d->line)
                                fprintf(stderr, "%s:%u: %s\n", d->file, d->line, d->message);
                        else
                                fprintf(stderr, "%s\n", d->message);
                        return;
                }
}

static int file_load(Ctx *ctx, Info *info, const char *path, const Lookup *lp, int flags) {
        bool dropin = flags & SEARCH_DROPIN;
        struct stat st;
        size_t n_also;
        int fd, r;

        if (!dropin) {
                UnitType t = unit_name_to_type(info->name);

                if (t < 0)
                        return -EINVAL;
                if (!unit_name_is_valid(info->name, UNIT_NAME_PLAIN) && !unit_type_may_template(t))
                        return -EINVAL;
                if (!(flags & SEARCH_LOAD)) {
                        if (lstat(path, &st) < 0)
                                return -errno;
                        if (stat_null_or_empty(&st))
                                info->type = INFO_MASKED;
                        else if (S_ISREG(st.st_mode))
                                info->type = INFO_REGULAR;
                        else if (S_ISLNK(st.st_mode))
                                return -ELOOP;
                        else if (S_ISDIR(st.st_mode))
                                return -EISDIR;
                        else
                                return -ENOTTY;
                        return 0;
                }
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK);
        } else {
                if (!(flags & SEARCH_LOAD))
                        return 0;
                fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        }
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        close(fd);
        if (stat_null_or_empty(&st)) {
                if (!dropin)
                        info->type = INFO_MASKED;
                return 0;
        }
        if (S_ISDIR(st.st_mode))
                return -EISDIR;
        if (!S_ISREG(st.st_mode))
                return -EBADFD;

        if (!info->u) {
                r = unit_new(info->name, lp->host, &info->u);
                if (r < 0)
                        return r;
        }
        n_also = strv_length(info->u->install.also);
        r = unit_load_fragment_file(info->u, path, dropin, &(UnitDiagSink) { syntax_diag, NULL });
        if (r == -ENOMEM)
                return r;
        if (r < 0 && r != -EBADMSG)
                return r;
        /* Also= units are queued as they are read, as systemd's parser does. */
        for (size_t k = n_also; ctx && k < strv_length(info->u->install.also); k++) {
                r = ctx_add(ctx, info->u->install.also[k], NULL, true, NULL);
                if (r < 0 && r != -EINVAL)
                        return r;
        }
        if (!dropin)
                info->type = INFO_REGULAR;
        return 0;
}

/* Reads a symlink of the search path: *ret the target (host path), returns 1 for a linked unit
 * file (target outside the search path), 0 for an alias, -errno. */
static int resolve_symlink(const Lookup *lp, const char *path, char **ret) {
        char *target = NULL, *abs, *simplified;
        const char *tail = NULL;
        int r;

        r = read_link(path, &target);
        if (r < 0)
                return r;
        if (target[0] == '/')
                abs = sdu_strjoin3(lp->root, "/", target);
        else {
                char *dir = dir_name(path);
                const char *rdir = dir ? lookup_skip_root(lp, dir) : NULL;

                abs = dir ? sdu_asprintf("%s/%s/%s", lp->root, rdir ? rdir : dir, target) : NULL;
                free(dir);
        }
        free(target);
        if (!abs)
                return -ENOMEM;
        /* Normalise the part inside the root, so ".." cannot leave it. */
        {
                const char *in = lookup_skip_root(lp, abs);
                char *n = path_normalize(in ? in : abs);

                simplified = n ? sdu_strjoin3(lp->root, "", sdu_streq(n, "/") && *lp->root ? "" : n) : NULL;
                free(n);
        }
        free(abs);
        if (!simplified)
                return -ENOMEM;
        for (size_t i = 0; lp->search[i] && !tail; i++) {
                tail = path_startswith(simplified, lp->search[i]);
                if (tail && !*tail)
                        tail = NULL;
        }
        if (tail) {
                r = validate_alias(path, simplified);
                if (r < 0) {
                        free(simplified);
                        return r;
                }
        }
        *ret = simplified;
        return !tail;
}

static bool is_dev_null(const Lookup *lp, const char *p) {
        const char *rp = lookup_skip_root(lp, p);
        return rp && sdu_streq(rp, "/dev/null");
}

static int load_or_readlink(Ctx *ctx, Info *info, const char *path, const Lookup *lp, int flags) {
        char *resolved = NULL;
        struct stat st;
        int r;

        r = file_load(ctx, info, path, lp, flags);
        if (r != -ELOOP || (flags & SEARCH_DROPIN))
                return r;
        r = resolve_symlink(lp, path, &resolved);
        if (r < 0)
                return r;
        if (is_dev_null(lp, resolved) || (stat(resolved, &st) >= 0 && stat_null_or_empty(&st))) {
                free(resolved);
                info->type = INFO_MASKED;
                return 0;
        }
        free(info->symlink_target);
        info->symlink_target = resolved;
        info->type = r > 0 ? INFO_LINKED : INFO_ALIAS;
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* conf_files_list: *.conf of dirs, merged by file name (first directory wins), sorted by name. */
int install_list_conf_files(char *const *dirs, const char *suffix, char ***ret) {
        char **names = NULL, **paths = NULL, **result = NULL;
        int r = 0;

        for (size_t i = 0; dirs && dirs[i] && r >= 0; i++) {
                DIR *d = opendir(dirs[i]);
                struct dirent *de;

                if (!d)
                        continue;
                while (r >= 0 && (de = readdir(d))) {
                        if (hidden_or_backup_file(de->d_name) || !sdu_endswith(de->d_name, suffix) ||
                            strv_contains(names, de->d_name))
                                continue;
                        r = strv_extend(&names, de->d_name);
                        if (r >= 0)
                                r = strv_push(&paths, sdu_path_join(dirs[i], de->d_name));
                }
                closedir(d);
        }
        if (r >= 0 && names) {
                size_t n = strv_length(names);
                char **sorted = strv_copy(names);

                if (!sorted)
                        r = -ENOMEM;
                else
                        qsort(sorted, n, sizeof(char *), cmp_str);
                for (size_t i = 0; r >= 0 && i < n; i++)
                        for (size_t j = 0; j < n; j++)
                                if (strcmp(names[j], sorted[i]) == 0) {
                                        struct stat st;

                                        /* masked (/dev/null or empty): dropped */
                                        if (stat(paths[j], &st) >= 0 && stat_null_or_empty(&st))
                                                break;
                                        r = strv_extend(&result, paths[j]);
                                        break;
                                }
                strv_free(sorted);
        }
        strv_free(names);
        strv_free(paths);
        if (r < 0) {
                strv_free(result);
                return r;
        }
        *ret = result;
        return 0;
}

int unit_file_search(Ctx *ctx, Info *info, const Lookup *lp, int flags) {
        char *template = NULL, **dirs = NULL, **files = NULL;
        bool found = false;
        int r = 0;

        if (info->type == INFO_REGULAR || info->type == INFO_MASKED)
                return 0; /* already loaded by an earlier traversal */
        if (info->path)
                return load_or_readlink(ctx, info, info->path, lp, flags);
        if (unit_name_is_instance(info->name) && unit_name_template(info->name, &template) < 0)
                return -ENOMEM;
        for (int pass = 0; pass < 2 && !found; pass++) {
                const char *n = pass == 0 ? info->name : template;

                if (!n)
                        break;
                for (size_t i = 0; lp->search[i]; i++) {
                        char *path = sdu_path_join(lp->search[i], n);

                        if (!path) {
                                free(template);
                                return -ENOMEM;
                        }
                        r = load_or_readlink(ctx, info, path, lp, flags);
                        if (r >= 0) {
                                free(info->path);
                                info->path = path;
                                found = true;
                                break;
                        }
                        free(path);
                        if (r != -ENOENT && r != -ENOTDIR && r != -EACCES) {
                                free(template);
                                return r;
                        }
                }
        }
        if (!found) {
                free(template);
                return -ENOENT;
        }
        if (info->type == INFO_MASKED) {
                free(template);
                return 0;
        }
        /* Drop-ins: NAME.d and the template's .d in every search directory. */
        for (int pass = 0; pass < 2; pass++) {
                const char *n = pass == 0 ? info->name : template;

                if (!n)
                        break;
                for (size_t i = 0; lp->search[i]; i++) {
                        char *d = sdu_asprintf("%s/%s.d", lp->search[i], n);

                        if (strv_push(&dirs, d) < 0) {
                                r = -ENOMEM;
                                goto finish;
                        }
                }
        }
        r = install_list_conf_files(dirs, ".conf", &files);
        for (size_t i = 0; r >= 0 && files && files[i]; i++)
                r = load_or_readlink(ctx, info, files[i], lp, flags | SEARCH_DROPIN);
finish:
        free(template);
        strv_free(dirs);
        strv_free(files);
        return r < 0 ? r : 0;
}

static int info_follow(Ctx *ctx, Info *i, const Lookup *lp, int flags, bool ignore_different_name) {
        if (i->type != INFO_LINKED && i->type != INFO_ALIAS)
                return -EINVAL;
        if (!i->symlink_target)
                return -EINVAL;
        if (!ignore_different_name && strcmp(base_name(i->symlink_target), i->name) != 0)
                return -EXDEV;
        free(i->path);
        i->path = i->symlink_target;
        i->symlink_target = NULL;
        i->type = INFO_INVALID;
        return load_or_readlink(ctx, i, i->path, lp, flags);
}

int info_traverse(Ctx *ctx, const Lookup *lp, Info *start, int flags, Info **ret) {
        Info *i = start;
        unsigned k = 0;
        int r;

        r = unit_file_search(ctx, start, lp, flags);
        if (r < 0)
                return r;
        while (i->type == INFO_LINKED || i->type == INFO_ALIAS) {
                if (++k > 64)
                        return -ELOOP;
                if (!(flags & SEARCH_FOLLOW_CONFIG_SYMLINKS) && lookup_is_config(lp, i->path))
                        return -ELOOP;
                r = info_follow(ctx, i, lp, flags, i->type == INFO_LINKED);
                if (r == -EXDEV) {
                        const char *bn = base_name(i->symlink_target);
                        char *buffer = NULL;

                        if (unit_name_is_instance(i->name) && unit_name_is_template(bn)) {
                                char *inst = NULL;

                                r = unit_name_to_instance(i->name, &inst);
                                if (r >= 0)
                                        r = unit_name_replace_instance(bn, inst, &buffer);
                                free(inst);
                                if (r < 0)
                                        return r;
                                if (strcmp(buffer, i->name) == 0) {
                                        free(buffer);
                                        r = info_follow(ctx, i, lp, flags, true);
                                        if (r < 0)
                                                return r;
                                        continue;
                                }
                                bn = buffer;
                        }
                        r = ctx_add(ctx, bn, NULL, false, &i);
                        free(buffer);
                        if (r < 0)
                                return r;
                        r = unit_file_search(ctx, i, lp, flags);
                        if (r == -ENOENT)
                                return -ENOLINK;
                }
                if (r < 0)
                        return r;
        }
        if (ret)
                *ret = i;
        return 0;
}

int info_discover(Ctx *ctx, const Lookup *lp, const char *name_or_path, int flags, Info **ret, InstallChanges *changes) {
        Info *i = NULL;
        int r;

        if (strchr(name_or_path, '/')) {
                char *j = sdu_strjoin3(lp->root, "/", name_or_path), *p = j ? path_normalize(j) : NULL;

                free(j);
                if (!p)
                        return -ENOMEM;
                r = ctx_add(ctx, NULL, p, false, &i);
                free(p);
        } else
                r = ctx_add(ctx, name_or_path, NULL, false, &i);
        if (r >= 0)
                r = info_traverse(ctx, lp, i, flags, ret);
        if (r < 0) {
                int k = changes_add(changes, r, name_or_path, NULL);
                if (k < 0)
                        return k;
        }
        return r;
}

int info_may_process(const Info *i, const Lookup *lp, InstallChanges *changes) {
        if (i->type == INFO_MASKED) {
                changes_add(changes, -ERFKILL, i->path, NULL);
                return -ERFKILL;
        }
        if (lookup_is_generator(lp, i->path) || lookup_is_transient(lp, i->path)) {
                changes_add(changes, -EADDRNOTAVAIL, i->path, NULL);
                return -EADDRNOTAVAIL;
        }
        return 0;
}
