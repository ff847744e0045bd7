/* SPDX-License-Identifier: MIT */
#pragma once

/* The trigger relation shared by sockets, timers and paths (systemd's UNIT_TRIGGERS): a trigger
 * unit starts the unit it triggers (Service=, Unit=, or the service of the same name), hears of
 * that unit's state changes (UnitVTable.trigger_notify), and a socket's listening fds go to it. */

#include "service/manager.h"

/* The unit a socket, timer or path triggers, NULL if none. */
MUnit *trigger_target(const MUnit *u);

/* The fds a service gets from the Accept=no sockets that trigger it (borrowed, not to be
 * closed), with their names for LISTEN_FDNAMES. Returns the count (0: none). */
size_t trigger_socket_fds(MUnit *service, int *fds, const char **names, size_t max);
