/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

#include "service/manager.h"

/* Conditions and asserts of any unit type (l: u->u's conditions or asserts): 1 met, 0 not met
 * (with `failed` naming the first condition that failed), for asserts -EBADR when one failed.
 * What the manager detected at start (u->m: the user namespace) is taken from it. */
int unit_test_conditions(const MUnit *u, const ConditionList *l, char *failed, size_t size);
