/* SPDX-License-Identifier: MIT */
/* The operations of install.h (enable, disable, reenable, mask, unmask, link, set-default, preset) on top of install.c and install-symlinks.c. */
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


/* ---- operations ---- */

static const char *config_path_of(const Lookup *lp, InstallFlags flags) {
        return (flags & INSTALL_RUNTIME) ? lp->runtime_config : lp->persistent_config;
}

/* systemd's install_info_discover_and_check(): name queued in ctx, and allowed to be enabled.
 * *ret (may be NULL) is its Info. */
static int discover_and_check(Ctx *ctx, const Lookup *lp, const char *name, int search, Info **ret,
                              InstallChanges *changes) {
        Info *info;
        int r = info_discover(ctx, lp, name, search, &info, changes);

        if (r >= 0)
                r = info_may_process(info, lp, changes);
        if (r >= 0 && ret)
                *ret = info;
        return r;
}

/* Removes the symlinks to the units queued in ctx (systemd's install_context_mark_for_removal()
 * and remove_marked_symlinks()) below config_path. */
static int remove_queued(Ctx *ctx, const Lookup *lp, const char *config_path, InstallChanges *changes) {
        Marks m = {};
        int r = ctx_mark_for_removal(ctx, lp, &m, changes);

        if (r >= 0)
                r = remove_marked(&m, config_path, lp, changes);
        strv_free(m.names);
        return r;
}

int install_enable(const char *root, InstallFlags flags, char *const *names, InstallChanges *changes) {
        _cleanup_(lookup_done) Lookup lp = {};
        _cleanup_(ctx_done) Ctx ctx = {};
        int r;

        r = lookup_init(&lp, root);
        if (r < 0)
                return r;
        for (size_t k = 0; names && names[k]; k++) {
                r = discover_and_check(&ctx, &lp, names[k], SEARCH_LOAD, NULL, changes);
                if (r < 0)
                        return r;
        }
        return ctx_apply(&ctx, &lp, flags, config_path_of(&lp, flags), SEARCH_LOAD, changes);
}

int install_disable(const char *root, InstallFlags flags, char *const *names, InstallChanges *changes) {
        _cleanup_(lookup_done) Lookup lp = {};
        _cleanup_(ctx_done) Ctx ctx = {};
        int r;

        r = lookup_init(&lp, root);
        if (r < 0)
                return r;
        for (size_t k = 0; names && names[k]; k++) {
                if (!unit_name_is_valid(names[k], UNIT_NAME_ANY))
                        return -EINVAL;
                r = ctx_add(&ctx, names[k], NULL, false, NULL);
                if (r < 0)
                        return r;
        }
        return remove_queued(&ctx, &lp, config_path_of(&lp, flags), changes);
}

int install_reenable(const char *root, InstallFlags flags, char *const *names, InstallChanges *changes) {
        _cleanup_strv_free_ char **bases = NULL, **files = NULL;
        _cleanup_(lookup_done) Lookup lp = {};
        _cleanup_(ctx_done) Ctx ctx = {};
        int r;

        /* systemd 252 resolves the names first: disable by unit name, enable by unit file path (so
         * an instance re-enables its template, an alias the unit it points to). */
        r = lookup_init(&lp, root);
        if (r < 0)
                return r;
        for (size_t k = 0; names && names[k]; k++) {
                Info *info;
                const char *rp;

                r = discover_and_check(&ctx, &lp, names[k], SEARCH_LOAD, &info, changes);
                if (r < 0)
                        return r;
                rp = lookup_skip_root(&lp, info->path);
                r = strv_extend(&bases, info->name);
                if (r >= 0)
                        r = strv_extend(&files, rp ? rp : info->path);
                if (r < 0)
                        return r;
        }
        ctx_done(&ctx);
        r = install_disable(root, flags, bases, changes);
        return r < 0 ? r : install_enable(root, flags, files, changes);
}

int install_mask(const char *root, InstallFlags flags, char *const *names, InstallChanges *changes) {
        Lookup lp;
        int r, q;

        r = lookup_init(&lp, root);
        if (r < 0)
                return r;
        r = 0;
        for (size_t k = 0; names && names[k]; k++) {
                char *path;

                if (!unit_name_is_valid(names[k], UNIT_NAME_ANY)) {
                        if (r == 0)
                                r = -EINVAL;
                        continue;
                }
                path = sdu_path_join(config_path_of(&lp, flags), names[k]);
                if (!path) {
                        r = -ENOMEM;
                        break;
                }
                q = create_symlink(&lp, "/dev/null", path, flags & INSTALL_FORCE, changes);
                free(path);
                if (q < 0 && r >= 0)
                        r = q;
        }
        lookup_done(&lp);
        return r;
}

int install_unmask(const char *root, InstallFlags flags, char *const *names, InstallChanges *changes) {
        const char *config_path;
        char **todo = NULL;
        Marks m = {};
        Lookup lp;
        int r, q;

        r = lookup_init(&lp, root);
        if (r < 0)
                return r;
        config_path = config_path_of(&lp, flags);
        for (size_t k = 0; names && names[k]; k++) {
                struct stat st;
                char *path;

                if (!unit_name_is_valid(names[k], UNIT_NAME_ANY)) {
                        r = -EINVAL;
                        goto finish;
                }
                path = sdu_path_join(config_path, names[k]);
                if (!path) {
                        r = -ENOMEM;
                        goto finish;
                }
                if (stat(path, &st) >= 0 && stat_null_or_empty(&st) && !strv_contains(todo, names[k]) &&
                    strv_extend(&todo, names[k]) < 0) {
                        free(path);
                        r = -ENOMEM;
                        goto finish;
                }
                free(path);
        }
        r = 0;
        for (size_t k = 0; todo && todo[k]; k++) {
                char *path = sdu_path_join(config_path, todo[k]);
                const char *rp;

                if (!path) {
                        r = -ENOMEM;
                        goto finish;
                }
                if (unlink(path) < 0) {
                        if (errno != ENOENT) {
                                q = -errno;
                                if (r >= 0)
                                        r = q;
                                changes_add(changes, q, path, NULL);
                        }
                        free(path);
                        continue;
                }
                changes_add(changes, INSTALL_CHANGE_UNLINK, path, NULL);
                rp = lookup_skip_root(&lp, path);
                q = marks_add(&m, rp ? rp : path);
                free(path);
                if (q < 0) {
                        r = q;
                        goto finish;
                }
        }
        q = remove_marked(&m, config_path, &lp, changes);
        if (r >= 0)
                r = q;
finish:
        strv_free(todo);
        strv_free(m.names);
        lookup_done(&lp);
        return r;
}

/* ---- presets ---- */

/* systemd's preset_prepare_one(): queue name in plus (to enable) or minus (to disable). */
static int preset_prepare_one(Ctx *plus, Ctx *minus, const Lookup *lp, const char *name,
                              const InstallPresets *presets, InstallChanges *changes) {
        char **instances = NULL;
        Ctx tmp = {};
        Info *info;
        int r;

        if (ctx_find(plus, name) || ctx_find(minus, name))
                return 0;
        r = info_discover(&tmp, lp, name, SEARCH_FOLLOW_CONFIG_SYMLINKS, &info, changes);
        if (r < 0 || strcmp(name, info->name) != 0)
                goto finish; /* an alias: presets name the unit itself */
        r = install_presets_query(presets, name, &instances);
        if (r > 0 && instances)
                for (size_t i = 0; instances[i] && r >= 0; i++)
                        r = discover_and_check(plus, lp, instances[i], SEARCH_LOAD | SEARCH_FOLLOW_CONFIG_SYMLINKS, NULL, changes);
        else if (r > 0)
                r = discover_and_check(plus, lp, name, SEARCH_LOAD | SEARCH_FOLLOW_CONFIG_SYMLINKS, NULL, changes);
        else if (r == 0)
                r = info_discover(minus, lp, name, SEARCH_FOLLOW_CONFIG_SYMLINKS, &info, changes);
finish:
        ctx_done(&tmp);
        strv_free(instances);
        return r < 0 ? r : 0;
}

/* systemd's execute_preset(): disable minus (without their Also= units: they were not loaded),
 * then enable plus. */
static int execute_preset(Ctx *plus, Ctx *minus, const Lookup *lp, InstallFlags flags, InstallPresetMode mode,
                          InstallChanges *changes) {
        const char *config_path = config_path_of(lp, flags);
        int r = 0;

        if (mode != INSTALL_PRESET_ENABLE_ONLY) {
                r = remove_queued(minus, lp, config_path, changes);
                if (r < 0)
                        return r;
        }
        if (mode != INSTALL_PRESET_DISABLE_ONLY) {
                int q = ctx_apply(plus, lp, flags | INSTALL_PRESET_APPLY, config_path, SEARCH_LOAD, changes);

                r = q < 0 ? q : r + q;
        }
        return r;
}

int install_preset(const char *root, InstallFlags flags, InstallPresetMode mode, char *const *names,
                   InstallChanges *changes) {
        InstallPresets *presets = NULL;
        Ctx plus = {}, minus = {};
        Lookup lp;
        int r;

        if (mode < 0 || mode >= _INSTALL_PRESET_MODE_MAX)
                return -EINVAL;
        r = lookup_init(&lp, root);
        if (r < 0)
                return r;
        r = presets_read_lookup(&lp, &presets);
        for (size_t k = 0; r >= 0 && names && names[k]; k++)
                r = preset_prepare_one(&plus, &minus, &lp, names[k], presets, changes);
        if (r >= 0)
                r = execute_preset(&plus, &minus, &lp, flags, mode, changes);
        install_presets_free(presets);
        ctx_done(&plus);
        ctx_done(&minus);
        lookup_done(&lp);
        return r;
}

static unsigned char dirent_type(DIR *d, struct dirent *de) {
        struct stat st;

        if (de->d_type != DT_UNKNOWN)
                return de->d_type;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return DT_UNKNOWN;
        return S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
}

int install_preset_all(const char *root, InstallFlags flags, InstallPresetMode mode, InstallChanges *changes) {
        InstallPresets *presets = NULL;
        Ctx plus = {}, minus = {};
        Lookup lp;
        int r;

        if (mode < 0 || mode >= _INSTALL_PRESET_MODE_MAX)
                return -EINVAL;
        r = lookup_init(&lp, root);
        if (r < 0)
                return r;
        r = presets_read_lookup(&lp, &presets);
        for (size_t k = 0; r >= 0 && lp.search[k]; k++) {
                DIR *d = opendir(lp.search[k]);
                struct dirent *de = NULL;

                if (!d) {
                        if (errno != ENOENT)
                                r = -errno;
                        continue;
                }
                /* readdir order, as systemd: the messages come out in the same order */
                while (r >= 0 && (errno = 0, de = readdir(d))) {
                        unsigned char t;

                        if (hidden_or_backup_file(de->d_name) || !unit_name_is_valid(de->d_name, UNIT_NAME_ANY))
                                continue;
                        t = dirent_type(d, de);
                        if (t != DT_LNK && t != DT_REG)
                                continue;
                        r = preset_prepare_one(&plus, &minus, &lp, de->d_name, presets, changes);
                        /* missing, masked, generated, transient, invalid units: reported, skipped */
                        if (r == -EEXIST || r == -ERFKILL || r == -EADDRNOTAVAIL || r == -EBADSLT || r == -EIDRM ||
                            r == -EUCLEAN || r == -ELOOP || r == -ENOENT || r == -EUNATCH || r == -EXDEV)
                                r = 0;
                }
                if (r >= 0 && !de && errno != 0)
                        r = -errno;
                closedir(d);
        }
        if (r >= 0)
                r = execute_preset(&plus, &minus, &lp, flags, mode, changes);
        install_presets_free(presets);
        ctx_done(&plus);
        ctx_done(&minus);
        lookup_done(&lp);
        return r;
}

int install_get_default(const char *root, char **ret) {
        Lookup lp;
        Ctx ctx = {};
        Info *info;
        int r;

        r = lookup_init(&lp, root);
        if (r < 0)
                return r;
        r = info_discover(&ctx, &lp, "default.target", SEARCH_FOLLOW_CONFIG_SYMLINKS, &info, NULL);
        if (r >= 0)
                r = info_may_process(info, &lp, NULL);
        if (r >= 0) {
                *ret = strdup(info->name);
                r = *ret ? 0 : -ENOMEM;
        }
        ctx_done(&ctx);
        lookup_done(&lp);
        return r;
}

int install_set_default(const char *root, InstallFlags flags, const char *name, InstallChanges *changes) {
        Lookup lp;
        Ctx ctx = {};
        Info *info;
        char *new_path;
        int r;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY) || unit_name_to_type(name) != UNIT_TARGET ||
            strcmp(name, "default.target") == 0)
                return -EINVAL;
        r = lookup_init(&lp, root);
        if (r < 0)
                return r;
        r = info_discover(&ctx, &lp, name, 0, &info, changes);
        if (r >= 0)
                r = info_may_process(info, &lp, changes);
        if (r >= 0) {
                new_path = sdu_path_join(lp.persistent_config, "default.target");
                r = new_path ? create_symlink(&lp, info->path, new_path, flags & INSTALL_FORCE, changes) : -ENOMEM;
                free(new_path);
        }
        ctx_done(&ctx);
        lookup_done(&lp);
        return r;
}
