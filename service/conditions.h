/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

#include "units/unit.h"

/* Conditions and asserts of any unit type: 1 met, 0 not met (with `failed` naming the first
 * condition that failed), for asserts -EBADR when one failed. */
int unit_test_conditions(const Unit *u, const ConditionList *l, char *failed, size_t size);
