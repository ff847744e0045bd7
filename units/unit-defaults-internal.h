/* SPDX-License-Identifier: MIT */
/* Internal: the readers of a unit shared by unit-defaults.c (implicit dependencies, standard
 * targets) and unit-properties.c (show's properties, unit_apply_defaults()). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "unit-defaults.h"
#include "unit.h"

int udef_row_of(const Unit *u, const char *section, const char *key);
bool udef_row_is_set(const Unit *u, size_t i);
const char *udef_raw_value(const Unit *u, const char *key);
char *udef_row_text(const Unit *u, const char *section, const char *key);
int udef_effective_stdio(const Unit *u, char **in, char **out, char **err);
char *udef_same_name_service(const Unit *u);

/* The per-type hooks of unit-type-info.c's table, where they are written. */
struct UnitDepCtx;
int udef_service_default_deps(struct UnitDepCtx *c, UnitLookupFn lookup, void *userdata);
int udef_trigger_default_deps(struct UnitDepCtx *c, UnitLookupFn lookup, void *userdata);
int udef_timer_default_deps(struct UnitDepCtx *c, UnitLookupFn lookup, void *userdata);
int udef_target_default_deps(struct UnitDepCtx *c, UnitLookupFn lookup, void *userdata);
int udef_slice_default_deps(struct UnitDepCtx *c, UnitLookupFn lookup, void *userdata);
int udef_mount_default_deps(struct UnitDepCtx *c, UnitLookupFn lookup, void *userdata);
int udef_mount_device_deps(struct UnitDepCtx *c);
void udef_service_apply_defaults(Unit *u);
void udef_socket_apply_defaults(Unit *u);
char *udef_slice_description(const Unit *u);
char *udef_mount_description(const Unit *u);
int unit_verify_service(Unit *u, const UnitDiagSink *diag);
int unit_verify_socket(Unit *u, const UnitDiagSink *diag);
int unit_verify_timer(Unit *u, const UnitDiagSink *diag);
int unit_verify_path(Unit *u, const UnitDiagSink *diag);
int unit_verify_mount(Unit *u, const UnitDiagSink *diag);
