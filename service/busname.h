/* SPDX-License-Identifier: MIT */
#pragma once

#include "service/manager.h"

/* Start watching for u's BusName= on the system bus; service_bus_name_acquired() is called. */
void busname_wait(MUnit *u);
/* Disconnect (at exit). */
void busname_done(Manager *m);

/* service.c: the name is owned: a Type=dbus service is up. */
void service_bus_name_acquired(MUnit *u);
