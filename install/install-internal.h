/* SPDX-License-Identifier: MIT */
/* Shared between install.c (discovery, enable/disable/mask) and install-state.c (states, lists,
 * presets, default target). Not part of the API. */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

#include "install.h"
#include "unit.h"
#include "common/fileio.h"

/* The search path and the special directories, all with the root prefixed. */
typedef struct Lookup {
        char *root; /* "" for the host, else absolute, no trailing slash */
        char **search;
        char *persistent_config, *runtime_config, *transient, *generator, *generator_early,
                *generator_late, *persistent_control, *runtime_control;
        UnitHostInfo *host;
} Lookup;

int lookup_init(Lookup *lp, const char *root);
void lookup_done(Lookup *lp);
/* path without the root prefix (always starting with '/'), or NULL if path is not below root. */
const char *lookup_skip_root(const Lookup *lp, const char *path);
bool lookup_is_generator(const Lookup *lp, const char *path);
bool lookup_is_transient(const Lookup *lp, const char *path);
bool lookup_is_runtime(const Lookup *lp, const char *path, bool check_parent);
bool lookup_in_search_path(const Lookup *lp, const char *path);

/* Internal InstallFlags bit: enabling for a preset (systemd's UNIT_FILE_IGNORE_AUXILIARY_FAILURE):
 * a WantedBy=/RequiredBy= that cannot take the unit (a template without instance) is skipped. */
#define INSTALL_PRESET_APPLY (1 << 8)

typedef enum InfoType {
        INFO_INVALID = -1,
        INFO_REGULAR,
        INFO_MASKED,
        INFO_LINKED, /* symlink out of the search path: follow it, the file keeps this name */
        INFO_ALIAS,  /* symlink into the search path under another name */
} InfoType;

typedef struct Info {
        char *name;
        char *path;           /* host path of the file (after following links) */
        char *symlink_target; /* while LINKED/ALIAS */
        InfoType type;
        bool auxiliary;       /* from Also= */
        Unit *u;              /* [Install] settings once loaded (NULL for a file without any) */
} Info;

typedef struct Ctx {
        Info **will, **have;
        size_t n_will, n_have;
} Ctx;

enum {
        SEARCH_LOAD = 1 << 0,
        SEARCH_FOLLOW_CONFIG_SYMLINKS = 1 << 1,
        SEARCH_DROPIN = 1 << 2,
};

void ctx_done(Ctx *ctx);
int info_discover(Ctx *ctx, const Lookup *lp, const char *name_or_path, int flags, Info **ret, InstallChanges *changes);
int info_may_process(const Info *i, const Lookup *lp, InstallChanges *changes);
int changes_add(InstallChanges *c, int type, const char *path, const char *source);

/* [Install] accessors (empty when the unit file has none). */
char **info_aliases(const Info *i);
char **info_wanted_by(const Info *i);
char **info_required_by(const Info *i);
char **info_also(const Info *i);
const char *info_default_instance(const Info *i);

bool hidden_or_backup_file(const char *name);
bool stat_null_or_empty(const struct stat *st);
int lookup_exists(const Lookup *lp, const char *name);
int lookup_state(const Lookup *lp, const char *name, InstallState *ret);
/* conf_files_list(): files ending in suffix, merged by name (first directory wins), sorted by
 * name, masked ones (/dev/null, empty) dropped. */
int install_list_conf_files(char *const *dirs, const char *suffix, char ***ret);
/* The preset files of the root of lp (install_presets_read()). */
int presets_read_lookup(const Lookup *lp, InstallPresets **ret);

/* Shared by install.c (paths, discovery), install-symlinks.c (creating and removing symlinks) and
 * install-ops.c (the operations). */
const char *base_name(const char *p);
int validate_alias(const char *src_path, const char *dst_path);
int unit_file_search(Ctx *ctx, Info *info, const Lookup *lp, int flags);
const char *path_startswith(const char *path, const char *prefix);
char *path_normalize(const char *p);
bool path_equal(const char *a, const char *b);
UnitNameFlags name_classify(const char *n);
int info_traverse(Ctx *ctx, const Lookup *lp, Info *start, int flags, Info **ret);
char *dir_name(const char *p);
Info *ctx_take_first(Ctx *ctx);
Info *ctx_find(Ctx *ctx, const char *name);
int ctx_add(Ctx *ctx, const char *name, const char *path, bool auxiliary, Info **ret);

/* Names and paths marked for removal by disable/unmask. */
typedef struct Marks {
        char **names;
} Marks;
int remove_marked(Marks *m, const char *config_path, const Lookup *lp, InstallChanges *changes);
int marks_add(Marks *m, const char *p);
int ctx_mark_for_removal(Ctx *ctx, const Lookup *lp, Marks *m, InstallChanges *changes);
int ctx_apply(Ctx *ctx, const Lookup *lp, InstallFlags flags, const char *config_path, int sflags, InstallChanges *changes);
int create_symlink(const Lookup *lp, const char *old_path, const char *new_path, bool force, InstallChanges *changes);
