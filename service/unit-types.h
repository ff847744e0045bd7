/* SPDX-License-Identifier: MIT */
#pragma once

#include "service/unit-vtable.h"

/* Every unit type's table, by UnitType, and at [_UNIT_TYPE_MAX] the table of a unit without a
 * unit file. The one place that names the types (service/unit-types.c). */
extern const UnitVTable *const unit_vtables[_UNIT_TYPE_MAX + 1];

extern const UnitVTable service_vtable, socket_vtable, timer_vtable, path_vtable;
extern const UnitVTable target_vtable, slice_vtable, device_vtable, mount_vtable, automount_vtable, swap_vtable,
        scope_vtable, unfiled_vtable;
