/* SPDX-License-Identifier: MIT */
/* Unit-file installation state, as systemctl computes it client-side (`systemctl --root=DIR ...`)
 * and as PID 1 does for the D-Bus methods EnableUnitFiles, DisableUnitFiles, MaskUnitFiles,
 * UnmaskUnitFiles, PresetUnitFiles(WithMode), PresetAllUnitFiles, GetUnitFileState,
 * ListUnitFiles(ByPatterns), GetDefaultTarget and SetDefaultTarget. Semantics follow systemd 252 (Debian 12): the same symlinks are created and
 * removed, in the same order, and the same states are reported.
 *
 * No global state. Every call takes the root directory (NULL or "/" for the host; a relative root
 * is taken relative to the working directory) and reads $SYSTEMD_UNIT_PATH as systemd does.
 * Functions return -errno on failure. Syntax problems of the unit files read ("FILE:LINE:
 * Assignment outside of section. Ignoring.") are printed on stderr, as systemd logs them.
 *
 * Changes: operations append to an InstallChanges list what they did (symlink created, removed)
 * and what went wrong (type < 0: -errno about a path), in the order systemd reports them, so that
 * callers print systemctl's lines ("Created symlink X → Y.", "Removed \"X\".") or send them over
 * D-Bus (install_change_type_to_string() gives the D-Bus type strings). Paths are host paths (the
 * root prefixed); symlink sources are as written into the link (inside the root).
 *
 *   InstallChanges c = {};
 *   int r = install_enable("/srv/image", 0, (char *[]) { "nginx.service", NULL }, &c);
 *   ... c.items[i].type, .path, .source ...
 *   install_changes_done(&c);
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef enum InstallFlags {
        INSTALL_RUNTIME = 1 << 0, /* /run/systemd/system instead of /etc/systemd/system (--runtime) */
        INSTALL_FORCE = 1 << 1,   /* replace conflicting symlinks (--force) */
} InstallFlags;

typedef enum InstallChangeType {
        INSTALL_CHANGE_SYMLINK,                 /* path -> source created */
        INSTALL_CHANGE_UNLINK,                  /* path removed */
        INSTALL_CHANGE_IS_MASKED,               /* path: the unit is masked, ignored */
        INSTALL_CHANGE_IS_DANGLING,             /* path: an alias of a unit that is not present */
        INSTALL_CHANGE_DESTINATION_NOT_PRESENT, /* source is wanted by path, which does not exist */
        INSTALL_CHANGE_AUXILIARY_FAILED,        /* source (an Also= unit) could not be enabled */
        _INSTALL_CHANGE_TYPE_MAX,
} InstallChangeType;

typedef struct InstallChange {
        int type;     /* InstallChangeType, or -errno: an error about path (see ctl/ for the texts) */
        char *path;   /* may be NULL for INSTALL_CHANGE_AUXILIARY_FAILED */
        char *source; /* may be NULL */
} InstallChange;

typedef struct InstallChanges {
        InstallChange *items;
        size_t n;
} InstallChanges;

void install_changes_done(InstallChanges *c);
/* "symlink", "unlink", "masked", "dangling", "destination not present", "auxiliary unit failed"
 * (systemd's D-Bus strings), NULL for errors. */
const char *install_change_type_to_string(int type);
/* Whether any change has type < 0. */
bool install_changes_have_errors(const InstallChanges *c);

typedef enum InstallState {
        INSTALL_STATE_ENABLED,
        INSTALL_STATE_ENABLED_RUNTIME,
        INSTALL_STATE_LINKED,
        INSTALL_STATE_LINKED_RUNTIME,
        INSTALL_STATE_ALIAS,
        INSTALL_STATE_MASKED,
        INSTALL_STATE_MASKED_RUNTIME,
        INSTALL_STATE_STATIC,
        INSTALL_STATE_DISABLED,
        INSTALL_STATE_INDIRECT,
        INSTALL_STATE_GENERATED,
        INSTALL_STATE_TRANSIENT,
        INSTALL_STATE_BAD,
        _INSTALL_STATE_MAX,
} InstallState;

/* "enabled", "enabled-runtime", ... as systemd spells them. "not-found" is no InstallState: it is
 * install_get_state() returning -ENOENT (the D-Bus UnitFileState of a unit without a file). */
const char *install_state_to_string(InstallState s);
int install_state_from_string(const char *s);
/* The states `systemctl is-enabled` exits 0 for. */
bool install_state_is_enabled(InstallState s);

/* systemctl enable NAME|PATH...: Alias=, WantedBy=, RequiredBy= symlinks of the units and of their
 * Also= units; a PATH outside the search path is linked into the config directory first. Returns > 0
 * when install rules were carried out (0: the units have no [Install] rules, systemctl prints its
 * "no installation config" notice), or -errno (-ENOENT not found, -ERFKILL masked, -EADDRNOTAVAIL
 * generated/transient, -EIDRM template without instance, -EEXIST conflicting file...), with the
 * error also in changes. */
int install_enable(const char *root, InstallFlags flags, char *const *names, InstallChanges *changes);
/* systemctl disable NAME...: removes every symlink in the config directory (runtime or persistent)
 * that points to the units, their aliases or Also= units, or is named like them. Names only. */
int install_disable(const char *root, InstallFlags flags, char *const *names, InstallChanges *changes);
/* Resolves the names, disables the units by name, then enables them by unit file path. */
int install_reenable(const char *root, InstallFlags flags, char *const *names, InstallChanges *changes);
/* Symlinks NAME -> /dev/null in the config directory (INSTALL_FORCE replaces a symlink; a regular
 * file there is -EEXIST). Names only; -EINVAL for an invalid name (others still processed). */
int install_mask(const char *root, InstallFlags flags, char *const *names, InstallChanges *changes);
/* Removes the /dev/null symlinks (or empty files) of the config directory and links to them. */
int install_unmask(const char *root, InstallFlags flags, char *const *names, InstallChanges *changes);

/* systemctl is-enabled: -ENOENT when no unit file exists (D-Bus: "not-found"), -EINVAL for an
 * invalid name, -ELOOP for a unit file symlinked to itself, other -errno. */
int install_get_state(const char *root, const char *name, InstallState *ret);
/* 1 if the unit file (or a mask) exists, 0 if not, -errno. */
int install_unit_exists(const char *root, const char *name);

typedef struct InstallFile {
        char *path;   /* host path of the file or symlink found first in the search path */
        InstallState state;
} InstallFile;

/* systemctl list-unit-files: every unit file name in the search path (first directory wins),
 * filtered by fnmatch() patterns and state strings (NULL or empty: all), sorted as systemctl
 * sorts them (by type suffix, then name, case-insensitively). A unit whose state cannot be
 * determined is "bad". */
int install_list(const char *root, char *const *states, char *const *patterns, InstallFile **ret, size_t *ret_n);
void install_files_free(InstallFile *f, size_t n);

/* Preset policy (systemd.preset(5) as systemd 252 reads it): the *.preset files of
 * /etc, /run, /usr/local/lib, /usr/lib and /lib (in that order) systemd/system-preset/, merged by
 * file name (the first directory wins, a link to /dev/null or an empty file hides a name), read in
 * file-name order; the first rule that matches a unit decides, no match means enable. Lines that
 * are not understood are reported on stderr ("FILE:LINE: Couldn't parse line '...'. Ignoring."). */
typedef struct InstallPresets InstallPresets;
int install_presets_read(const char *root, InstallPresets **ret);
void install_presets_free(InstallPresets *p);
/* 1 enable, 0 disable, -EINVAL for an invalid name. With ret_instances, a template named by a rule
 * "enable foo@.service a b" gets the instances to enable (foo@a.service, foo@b.service) and an
 * instance matches when it is listed; without, only the patterns count (the PRESET column). */
int install_presets_query(const InstallPresets *p, const char *name, char ***ret_instances);
/* The PRESET column of one unit: 1 if the preset files enable name (also when no rule matches), 0
 * if they disable it, -errno. Reads the files on each call. */
int install_query_preset(const char *root, const char *name);

typedef enum InstallPresetMode {
        INSTALL_PRESET_FULL,         /* enable or disable as the policy says */
        INSTALL_PRESET_ENABLE_ONLY,  /* only enable */
        INSTALL_PRESET_DISABLE_ONLY, /* only disable */
        _INSTALL_PRESET_MODE_MAX,
} InstallPresetMode;

/* "full", "enable-only", "disable-only" (--preset-mode=, the D-Bus mode argument). */
const char *install_preset_mode_to_string(InstallPresetMode m);
int install_preset_mode_from_string(const char *s);

/* systemctl preset NAME...: enables (as install_enable) the units the policy enables, the listed
 * instances for a template named by an "enable T@.service a b" rule, and disables (as
 * install_disable, without their Also= units) the others, in the config directory of flags.
 * Aliases are skipped. A masked, generated or transient unit the policy enables is an error.
 * Returns >= 0 (the number of install rules carried out) or -errno, errors also in changes. */
int install_preset(const char *root, InstallFlags flags, InstallPresetMode mode, char *const *names,
                   InstallChanges *changes);
/* systemctl preset-all: install_preset() of every unit file name of the search path (directory
 * order). Units that are missing, masked, generated, transient or invalid are reported in changes
 * but do not fail the call. */
int install_preset_all(const char *root, InstallFlags flags, InstallPresetMode mode, InstallChanges *changes);

/* The unit default.target resolves to ("graphical.target"), malloc()ed; -ENOENT if none. */
int install_get_default(const char *root, char **ret);
/* Links /etc/systemd/system/default.target to name (a .target, not default.target: -EINVAL). */
int install_set_default(const char *root, InstallFlags flags, const char *name, InstallChanges *changes);
