/* SPDX-License-Identifier: MIT */
/* Internal: the readers of a unit shared by unit-defaults.c (implicit dependencies, standard
 * targets) and unit-properties.c (show's properties, unit_apply_defaults()). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "unit.h"

int udef_row_of(const Unit *u, const char *section, const char *key);
bool udef_row_is_set(const Unit *u, size_t i);
const char *udef_raw_value(const Unit *u, const char *key);
bool udef_dynamic_user(const Unit *u);
char *udef_row_text(const Unit *u, const char *section, const char *key);
int udef_effective_stdio(const Unit *u, char **in, char **out, char **err);
char *udef_same_name_service(const Unit *u);
