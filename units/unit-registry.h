/* SPDX-License-Identifier: MIT */
/* Where units come from: systemd's unit search path below a root directory, aliases (symlinks),
 * masks, templates, drop-ins and .wants/.requires/.upholds directories.
 *
 * A UnitRegistry is a context object (no global state): the root, the search path, the host
 * values used for specifiers and the diagnostics sink. unit_load() returns a fresh Unit owned by
 * the caller; the registry does not cache units, so the service manager decides what to keep.
 *
 *   UnitRegistry *reg;
 *   unit_registry_new("/srv/image", &(UnitDiagSink) { unit_diag_print, stderr }, &reg);
 *   Unit *u;
 *   unit_load(reg, "nginx.service", &u);   // u->load_state, u->fragment_path, u->dropin_paths
 *   unit_dump(u, stdout, false);
 *   unit_free(u);
 *   unit_registry_free(reg);
 */
#pragma once

#include "unit.h"

typedef struct UnitRegistry UnitRegistry;

/* root: NULL or "/" for the host, else an image tree. diag may be NULL (silent). The diag struct
 * is copied. Host values for specifiers are read from root (see unit_host_info_new_from_system). */
int unit_registry_new(const char *root, const UnitDiagSink *diag, UnitRegistry **ret);
UnitRegistry *unit_registry_free(UnitRegistry *r);

/* unit_registry_new(), then $SYSTEMD_UNIT_PATH as systemd honours it: colon-separated directories
 * (as seen inside root) replace the search path; a trailing colon appends the default path. */
int unit_registry_new_from_env(const char *root, const UnitDiagSink *diag, UnitRegistry **ret);

/* Reads the three generator output directories of the search path (/run/systemd/generator,
 * .early, .late) from these host directories instead of from below root (sdinit verify runs the
 * generators into a scratch directory so that an image tree is never written to). NULLs restore
 * the default. Returns -ENOMEM. */
int unit_registry_set_generator_dirs(UnitRegistry *r, const char *normal, const char *early, const char *late);

/* The root the registry reads below ("" for the host). */
const char *unit_registry_get_root(const UnitRegistry *r);

/* Replace the search path (directories as seen inside root, highest priority first). */
int unit_registry_set_search_path(UnitRegistry *r, char *const *dirs);
char *const *unit_registry_get_search_path(const UnitRegistry *r);
/* Takes ownership of h (replaces the host values read from the system). */
void unit_registry_set_host(UnitRegistry *r, UnitHostInfo *h);
const UnitHostInfo *unit_registry_get_host(const UnitRegistry *r);

/* The default system search path, in systemd's order (systemd.unit(5), "Unit File Load Path"). */
extern const char *const unit_default_search_path[];

/* The search path in effect: $SYSTEMD_UNIT_PATH (colon-separated, relative entries made absolute,
 * duplicates dropped; a trailing colon appends the default), else unit_default_search_path. The
 * one place every user (manager, verify, install) gets it from. Returns -ENOMEM, -errno. */
int unit_search_path_new(char ***ret);

/* Between these, the registry reads each search directory once (at its first use) and stat()s only
 * the candidate files and drop-in/.wants directories that are in it; the listings are dropped at
 * the outermost _end() and whenever the search path changes. For a caller that loads many units
 * at once and knows the directories do not change meanwhile (the manager's load and reload);
 * nested pairs are allowed. Outside a batch every candidate is stat()ed, nothing is kept. */
void unit_registry_batch_begin(UnitRegistry *r);
void unit_registry_batch_end(UnitRegistry *r);

/* Loads name (plain, instance, or template for checking). Always returns a Unit on success (0):
 * check u->load_state (UNIT_NOT_FOUND and UNIT_BAD_SETTING come with ERROR diagnostics,
 * UNIT_MASKED does not). Returns -EINVAL for an invalid name, -ENOMEM. */
int unit_load(UnitRegistry *r, const char *name, Unit **ret);

/* Loads the unit file at path (outside root, as given) under its file name, with the drop-ins and
 * .wants directories the search path has for that name. */
int unit_load_path(UnitRegistry *r, const char *path, Unit **ret);

/* All unit names present in the search path (files and symlinks, templates included), sorted
 * and unique. */
int unit_registry_list(UnitRegistry *r, char ***ret);
