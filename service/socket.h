/* SPDX-License-Identifier: MIT */
#pragma once

/* .socket units (systemd.socket(5)): listening sockets and FIFOs opened by PID 1 and handed to
 * services. Accept=no: the triggered service gets every listening fd (LISTEN_FDS, LISTEN_PID,
 * LISTEN_FDNAMES) and is started on the first connection, or at once when something already
 * asked for it; PID 1 stops watching while the service runs. Accept=yes: every connection starts
 * an instance of the template service with the connection as its socket (and stdin/stdout with
 * StandardInput=socket). */

#include "service/manager.h"

void socket_start(MUnit *u);
void socket_stop(MUnit *u);
void socket_free(MUnit *u);

/* A unit changed state: sockets that trigger it resume listening when it is inactive again. */
void socket_unit_changed(Manager *m, MUnit *u);

/* The fds a service gets from the Accept=no sockets that trigger it (borrowed, not to be
 * closed), with their names for LISTEN_FDNAMES. Returns the count (0: none). */
size_t socket_fds_for(MUnit *service, int *fds, const char **names, size_t max);
