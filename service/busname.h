/* SPDX-License-Identifier: MIT */
#pragma once

#include "service/manager.h"

/* Start watching for u's BusName= on the system bus; the unit's bus_name_acquired (its table's,
 * service/unit-vtable.h) is called once it is owned. */
void busname_wait(MUnit *u);
/* Disconnect (at exit). */
void busname_done(Manager *m);
