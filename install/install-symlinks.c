/* SPDX-License-Identifier: MIT */
/* Creating and removing the symlinks of enable, disable, mask and link (see install.c for the algorithm). */
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

#include "sdu-util.h"
#include "unit-name.h"
#include "unit-registry.h"


/* ---- symlinks ---- */

static void mkdir_parents(const char *path) {
        char *p = strdup(path);

        if (!p)
                return;
        for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
                *s = 0;
                (void) mkdir(p, 0755);
                *s = '/';
        }
        free(p);
}

static bool files_same(const char *a, const char *b) {
        struct stat x, y;

        if (path_equal(a, b))
                return true;
        return stat(a, &x) >= 0 && stat(b, &y) >= 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

static int symlink_atomic(const char *from, const char *to) {
        char *tmp = sdu_asprintf("%s.#sdinit%ld", to, (long) getpid());
        int r = 0;

        if (!tmp)
                return -ENOMEM;
        (void) unlink(tmp);
        if (symlink(from, tmp) < 0)
                r = -errno;
        else if (rename(tmp, to) < 0) {
                r = -errno;
                (void) unlink(tmp);
        }
        free(tmp);
        return r;
}

/* Creates new_path -> old_path (old_path a host path: written without the root). 1 if created or
 * already there, -errno. */
int create_symlink(const Lookup *lp, const char *old_path, const char *new_path, bool force,
                          InstallChanges *changes) {
        const char *rp = lookup_skip_root(lp, old_path);
        char *dest = NULL, *dir, *a, *b;
        bool same;
        int r;

        if (rp)
                old_path = rp;
        mkdir_parents(new_path);
        if (symlink(old_path, new_path) >= 0) {
                changes_add(changes, INSTALL_CHANGE_SYMLINK, new_path, old_path);
                return 1;
        }
        if (errno != EEXIST) {
                r = -errno;
                changes_add(changes, r, new_path, NULL);
                return r;
        }
        r = read_link(new_path, &dest);
        if (r < 0) {
                if (r == -EINVAL)
                        r = -EEXIST;
                changes_add(changes, r, new_path, NULL);
                return r;
        }
        dir = dir_name(new_path);
        a = sdu_asprintf("%s/%s", dest[0] == '/' ? (*lp->root ? lp->root : "/") : dir, dest);
        b = sdu_asprintf("%s/%s", old_path[0] == '/' ? (*lp->root ? lp->root : "/") : dir, old_path);
        same = a && b && files_same(a, b);
        free(dir);
        free(a);
        free(b);
        if (same) {
                free(dest);
                return 1;
        }
        if (!force) {
                changes_add(changes, -EEXIST, new_path, dest);
                free(dest);
                return -EEXIST;
        }
        free(dest);
        r = symlink_atomic(old_path, new_path);
        if (r < 0) {
                changes_add(changes, r, new_path, NULL);
                return r;
        }
        changes_add(changes, INSTALL_CHANGE_UNLINK, new_path, NULL);
        changes_add(changes, INSTALL_CHANGE_SYMLINK, new_path, old_path);
        return 1;
}

static int verify_alias(const Info *info, const char *dst, char **ret_dst, InstallChanges *changes) {
        char *updated = NULL;
        int r;

        if (strchr(dst, '/')) {
                /* Legacy Alias=foo.target.wants/x.service */
                char *dir = dir_name(dst), *p;
                const char *alias = base_name(dst);
                bool ok;

                if (!dir)
                        return -ENOMEM;
                p = sdu_endswith(dir, ".wants");
                if (!p)
                        p = sdu_endswith(dir, ".requires");
                if (p)
                        *p = 0;
                ok = p && name_classify(dir) != 0;
                if (ok) {
                        if (name_classify(dir) == UNIT_NAME_TEMPLATE && unit_name_is_instance(info->name)) {
                                char *t = NULL;
                                ok = unit_name_template(info->name, &t) >= 0 && strcmp(t, alias) == 0;
                                free(t);
                                ok = ok || strcmp(alias, info->name) == 0;
                        } else
                                ok = strcmp(alias, info->name) == 0;
                }
                free(dir);
                if (!ok) {
                        changes_add(changes, -EXDEV, dst, NULL);
                        return -EXDEV;
                }
                *ret_dst = NULL;
                return 0;
        }
        if (unit_name_is_instance(info->name) && unit_name_is_template(dst)) {
                char *inst = NULL;

                r = unit_name_to_instance(info->name, &inst);
                if (r >= 0)
                        r = unit_name_replace_instance(dst, inst, &updated);
                free(inst);
                if (r < 0)
                        return r;
        }
        r = validate_alias(updated ? updated : dst, info->name);
        if (r == -ELOOP) {
                free(updated);
                return r;
        }
        if (r < 0) {
                changes_add(changes, r == -EINVAL ? -EXDEV : r, updated ? updated : dst, info->name);
                free(updated);
                return r;
        }
        *ret_dst = updated;
        return 0;
}

static int symlink_alias(const Lookup *lp, const Info *info, const char *config_path, bool force,
                         InstallChanges *changes) {
        char **aliases = info_aliases(info);
        int r = 0, q;

        for (size_t k = 0; aliases && aliases[k]; k++) {
                char *updated = NULL, *alias_path;
                struct stat st;
                bool broken;

                q = verify_alias(info, aliases[k], &updated, changes);
                if (q == -ENOMEM)
                        return q;
                if (q == -ELOOP)
                        continue;
                if (q < 0) {
                        r = r < 0 ? r : q;
                        continue;
                }
                alias_path = sdu_path_join(config_path, updated ? updated : aliases[k]);
                free(updated);
                if (!alias_path)
                        return -ENOMEM;
                /* An existing symlink whose target is gone is replaced without --force. */
                broken = lstat(alias_path, &st) >= 0 && S_ISLNK(st.st_mode) && stat(alias_path, &st) < 0;
                q = create_symlink(lp, info->path, alias_path, force || broken, changes);
                r = r < 0 ? r : q;
                free(alias_path);
        }
        return r;
}

/* systemd's unit_file_exists(): discovery without loading. 1, 0, -errno. */
int lookup_exists(const Lookup *lp, const char *name) {
        Ctx ctx = {};
        int r;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        r = info_discover(&ctx, lp, name, 0, NULL, NULL);
        ctx_done(&ctx);
        if (r == -ENOENT)
                return 0;
        return r < 0 ? r : 1;
}

static int symlink_wants(const Lookup *lp, const Info *info, const char *config_path, char **list,
                         const char *suffix, bool preset, InstallChanges *changes) {
        UnitNameFlags valid = UNIT_NAME_ANY;
        char *buf = NULL;
        const char *n;
        int r = 0, q;

        if (!list || !list[0])
                return 0;
        if (unit_name_is_valid(info->name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE))
                n = info->name;
        else if (info_default_instance(info)) {
                Info inst = { .type = INFO_INVALID };

                r = unit_name_replace_instance(info->name, info_default_instance(info), &buf);
                if (r < 0)
                        return r;
                inst.name = buf;
                r = unit_file_search(NULL, &inst, lp, SEARCH_FOLLOW_CONFIG_SYMLINKS);
                if (r < 0) {
                        free(inst.path);
                        free(inst.symlink_target);
                        free(buf);
                        return r;
                }
                if (inst.type == INFO_MASKED) {
                        changes_add(changes, -ERFKILL, inst.path, NULL);
                        free(inst.path);
                        free(inst.symlink_target);
                        free(buf);
                        return -ERFKILL;
                }
                free(inst.path);
                free(inst.symlink_target);
                n = buf;
        } else {
                valid = UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE;
                n = info->name;
        }
        r = 0;
        for (size_t k = 0; list[k]; k++) {
                const char *dst = list[k];
                char *path;

                if (!unit_name_is_valid(dst, valid)) {
                        /* presets skip what cannot be done ("preset getty@.service" without
                         * DefaultInstance=), as systemd 252 does */
                        if (preset)
                                continue;
                        if (unit_name_is_valid(dst, UNIT_NAME_ANY)) {
                                changes_add(changes, -EIDRM, dst, n);
                                r = -EIDRM;
                        } else {
                                changes_add(changes, -EUCLEAN, dst, NULL);
                                r = -EUCLEAN;
                        }
                        continue;
                }
                path = sdu_asprintf("%s/%s%s%s", config_path, dst, suffix, n);
                if (!path) {
                        free(buf);
                        return -ENOMEM;
                }
                q = create_symlink(lp, info->path, path, true, changes);
                free(path);
                if (r == 0)
                        r = q;
                if (lookup_exists(lp, dst) == 0)
                        changes_add(changes, INSTALL_CHANGE_DESTINATION_NOT_PRESENT, dst, info->path);
        }
        free(buf);
        return r;
}

static int symlink_link(const Lookup *lp, const Info *info, const char *config_path, bool force,
                        InstallChanges *changes) {
        char *path;
        int r;

        if (lookup_in_search_path(lp, info->path))
                return 0;
        path = sdu_path_join(config_path, info->name);
        if (!path)
                return -ENOMEM;
        r = create_symlink(lp, info->path, path, force, changes);
        free(path);
        return r;
}

static int info_apply(const Lookup *lp, InstallFlags flags, const Info *info, const char *config_path,
                      InstallChanges *changes) {
        bool force = flags & INSTALL_FORCE;
        int r, q;

        if (info->type != INFO_REGULAR)
                return 0;
        r = symlink_link(lp, info, config_path, force, changes);
        if (r > 0)
                r = 0; /* links to the unit file do not count as install rules */
        q = symlink_alias(lp, info, config_path, force, changes);
        if (q != 0 && r >= 0)
                r = q;
        q = symlink_wants(lp, info, config_path, info_wanted_by(info), ".wants/", flags & INSTALL_PRESET_APPLY, changes);
        if (q != 0 && r >= 0)
                r = q;
        q = symlink_wants(lp, info, config_path, info_required_by(info), ".requires/", flags & INSTALL_PRESET_APPLY,
                          changes);
        if (q != 0 && r >= 0)
                r = q;
        return r;
}

int ctx_apply(Ctx *ctx, const Lookup *lp, InstallFlags flags, const char *config_path, int sflags,
                     InstallChanges *changes) {
        Info *i;
        int r = 0;

        while ((i = ctx_take_first(ctx))) {
                int q = info_traverse(ctx, lp, i, sflags, NULL);

                if (q < 0) {
                        if (i->auxiliary) {
                                if (changes_add(changes, INSTALL_CHANGE_AUXILIARY_FAILED, NULL, i->name) < 0)
                                        return -ENOMEM;
                                continue;
                        }
                        changes_add(changes, q, i->name, NULL);
                        return q;
                }
                if (i->type == INFO_MASKED) {
                        changes_add(changes, INSTALL_CHANGE_IS_MASKED, i->path, NULL);
                        if (r >= 0)
                                r++;
                        continue;
                }
                if (i->type != INFO_REGULAR)
                        continue;
                q = info_apply(lp, flags, i, config_path, changes);
                if (r >= 0) {
                        if (q < 0)
                                r = q;
                        else
                                r += q;
                }
        }
        return ctx->n_will > 0 ? -ENOMEM : r;
}

/* ---- removal ---- */

int marks_add(Marks *m, const char *p) {
        char *n = p[0] == '/' ? path_normalize(p) : strdup(p);

        if (!n)
                return -ENOMEM;
        if (strv_contains(m->names, n)) {
                free(n);
                return 0;
        }
        if (strv_push(&m->names, n) < 0)
                return -ENOMEM;
        return 1;
}

/* Where a symlink finally points, resolved on the host (systemd 252 chases without the root). */
static char *chase_host(const char *p) {
        char *cur = realpath(p, NULL);

        if (cur)
                return cur;
        cur = strdup(p);
        for (unsigned hops = 0; cur && hops < 32; hops++) {
                char *t = NULL, *next;
                struct stat st;

                if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode) || read_link(cur, &t) < 0)
                        break;
                if (t[0] == '/')
                        next = path_normalize(t);
                else {
                        char *d = dir_name(cur), *j = d ? sdu_asprintf("%s/%s", d, t) : NULL;
                        next = j ? path_normalize(j) : NULL;
                        free(d);
                        free(j);
                }
                free(t);
                free(cur);
                cur = next;
        }
        return cur;
}

static void rmdir_parents(const char *path, const char *stop) {
        char *p = strdup(path);

        while (p) {
                char *s = strrchr(p, '/');

                if (!s || s == p)
                        break;
                *s = 0;
                if (path_equal(p, stop) || !path_startswith(p, stop))
                        break;
                if (rmdir(p) < 0)
                        break;
        }
        free(p);
}

static int remove_marked_in(Marks *m, const char *path, const char *config_path, const Lookup *lp, bool *restart,
                            InstallChanges *changes) {
        DIR *d = opendir(path);
        struct dirent *de;
        int r = 0;

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                unsigned char type = de->d_type;
                char *p;

                if (hidden_or_backup_file(de->d_name))
                        continue;
                p = sdu_path_join(path, de->d_name);
                if (!p) {
                        closedir(d);
                        return -ENOMEM;
                }
                if (type == DT_UNKNOWN) {
                        struct stat st;
                        type = lstat(p, &st) < 0 ? DT_UNKNOWN : S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
                }
                if (type == DT_DIR) {
                        int q = remove_marked_in(m, p, config_path, lp, restart, changes);
                        if (q == -ENOMEM) {
                                free(p);
                                closedir(d);
                                return q;
                        }
                        if (q < 0 && r == 0)
                                r = q;
                } else if (type == DT_LNK && unit_name_is_valid(de->d_name, UNIT_NAME_ANY)) {
                        char *dest = chase_host(p);
                        bool found;
                        int q;

                        if (!dest) {
                                free(p);
                                closedir(d);
                                return -ENOMEM;
                        }
                        found = strv_contains(m->names, dest) || strv_contains(m->names, base_name(dest)) ||
                                strv_contains(m->names, de->d_name);
                        free(dest);
                        if (found) {
                                const char *rp;

                                if (unlink(p) < 0 && errno != ENOENT) {
                                        q = -errno;
                                        if (r == 0)
                                                r = q;
                                        changes_add(changes, q, p, NULL);
                                        free(p);
                                        continue;
                                }
                                rmdir_parents(p, config_path);
                                changes_add(changes, INSTALL_CHANGE_UNLINK, p, NULL);
                                rp = lookup_skip_root(lp, p);
                                q = marks_add(m, rp ? rp : p);
                                if (q < 0) {
                                        free(p);
                                        closedir(d);
                                        return q;
                                }
                                if (q > 0)
                                        *restart = true;
                        }
                }
                free(p);
        }
        closedir(d);
        return r;
}

int remove_marked(Marks *m, const char *config_path, const Lookup *lp, InstallChanges *changes) {
        bool restart;
        int r = 0;

        if (!m->names)
                return 0;
        do {
                int q;

                restart = false;
                q = remove_marked_in(m, config_path, config_path, lp, &restart, changes);
                if (q == -ENOMEM)
                        return q;
                if (r == 0)
                        r = q;
        } while (restart);
        return r;
}

int ctx_mark_for_removal(Ctx *ctx, const Lookup *lp, Marks *m, InstallChanges *changes) {
        Info *i;
        int r;

        while ((i = ctx_take_first(ctx))) {
                r = info_traverse(ctx, lp, i, SEARCH_LOAD | SEARCH_FOLLOW_CONFIG_SYMLINKS, NULL);
                if (r == -ENOLINK)
                        changes_add(changes, INSTALL_CHANGE_IS_DANGLING, i->path ? i->path : i->name, NULL);
                else if (r == -ENOENT) {
                        if (!i->auxiliary)
                                changes_add(changes, r, i->path ? i->path : i->name, NULL);
                } else if (r == -ENOMEM)
                        return r;
                else if (r < 0)
                        changes_add(changes, r, i->path ? i->path : i->name, NULL);
                else if (i->type == INFO_MASKED) {
                        changes_add(changes, INSTALL_CHANGE_IS_MASKED, i->path ? i->path : i->name, NULL);
                        continue;
                } else if (i->type != INFO_REGULAR)
                        continue;
                r = marks_add(m, i->name);
                if (r < 0)
                        return r;
        }
        return ctx->n_will > 0 ? -ENOMEM : 0;
}
