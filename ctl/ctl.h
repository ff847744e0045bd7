/* SPDX-License-Identifier: MIT */
/* Internal to ctl/: sdinit's systemctl. One Ctl context per invocation (no global state). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <systemd/sd-bus.h>

#include "common/strv.h"

typedef struct Ctl {
        const char *verb;
        char **args;          /* verb arguments (not owned) */
        int n_args;
        const char *root;     /* --root */
        char **types, **states, **properties;
        const char *job_mode; /* --job-mode / --ignore-dependencies / --fail */
        const char *kill_whom;
        int signal;
        bool all, quiet, no_block, no_legend, no_pager, full, plain, value, force, runtime, now, wait;
        bool no_reload, show_types;
        int lines;
        int preset_mode;      /* --preset-mode= (InstallPresetMode) */
        bool utf8;
        bool offline;         /* install verbs: client-side */
        sd_bus *bus;
        const char *bus_address;
} Ctl;

/* Glyphs as systemd picks them: UTF-8 unless the locale says otherwise. */
const char *ctl_glyph_arrow(const Ctl *c);
const char *ctl_glyph_bullet(const Ctl *c);
const char *ctl_glyph_circle(const Ctl *c);

/* A simple table in systemd's format-table shape for a pipe: columns padded to the widest cell
 * and separated by one space, the last one not padded. */
typedef struct Table {
        size_t n_columns, n_cells;
        char **cells; /* row-major; row 0 is the header */
        bool header;
} Table;

Table *table_new(size_t n_columns, const char *const *headers);
int table_add(Table *t, const char *cell); /* copies; NULL and "" print as ersatz if set */
void table_print(const Table *t, FILE *f, const char *ersatz);
size_t table_rows(const Table *t); /* without the header */
void table_free(Table *t);

/* The escaped object path of a unit: /org/freedesktop/systemd1/unit/nginx_2eservice. */
int ctl_unit_path(const char *unit, char **ret);

/* Unit name mangling as systemctl does ("foo" -> "foo.service"; paths kept for enable). */
int ctl_mangle(const Ctl *c, const char *name, bool allow_glob, char **ret);

/* systemctl status: the unit's last how_many journal lines since not_before (monotonic µs, 0 = all
 * of this boot), after a blank line, as systemctl prints them (ctl-journal.c). */
void ctl_show_unit_journal(const char *unit, uint64_t not_before, unsigned how_many);

/* systemctl's lines for an install change list ("Created symlink X → Y.", errors). */
struct InstallChanges;
void ctl_dump_changes(const Ctl *c, int r, const char *verb, const struct InstallChanges *ch);

/* The PRESET column: the preset files are read at the first call (*cache, freed by the caller
 * with install_presets_free()). 1 enabled, 0 disabled, -errno. */
struct InstallPresets;
int ctl_query_preset(const char *root, struct InstallPresets **cache, const char *name);

/* Offline verbs (install/). */
int ctl_offline_enable(Ctl *c);
int ctl_offline_preset_all(Ctl *c);
int ctl_offline_is_enabled(Ctl *c);
int ctl_offline_list_unit_files(Ctl *c);
int ctl_offline_get_default(Ctl *c);
int ctl_offline_set_default(Ctl *c);

/* Online verbs (ctl-bus.c). */
int ctl_bus_connect(Ctl *c, bool quiet);
int ctl_verb_start(Ctl *c);
int ctl_verb_kill(Ctl *c);
int ctl_verb_reset_failed(Ctl *c);
int ctl_verb_is_active(Ctl *c);
int ctl_verb_is_enabled(Ctl *c);
int ctl_verb_enable(Ctl *c);
int ctl_verb_preset_all(Ctl *c);
int ctl_verb_list_units(Ctl *c);
int ctl_verb_list_unit_files(Ctl *c);
int ctl_verb_list_jobs(Ctl *c);
int ctl_verb_daemon_reload(Ctl *c);
int ctl_verb_is_system_running(Ctl *c);
int ctl_verb_power(Ctl *c);
int ctl_verb_exit(Ctl *c);
int ctl_verb_get_default(Ctl *c);
int ctl_verb_set_default(Ctl *c);
int ctl_verb_show(Ctl *c);
int ctl_verb_status(Ctl *c);
int ctl_verb_cat(Ctl *c);

/* Helpers shared by the online files. */
int ctl_get_unit_path(Ctl *c, const char *unit, char **ret_path, sd_bus_error *error);
int ctl_get_property_string(Ctl *c, const char *path, const char *iface, const char *prop, char **ret);
int ctl_expand_patterns(Ctl *c, char **patterns, char ***ret);
void ctl_log_bus_error(const char *prefix, const sd_bus_error *e, int r);
