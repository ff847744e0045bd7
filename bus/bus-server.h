/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * systemd's D-Bus API, served by sdinit (issue 7): peer-to-peer connections on
 * /run/systemd/private, the socket systemctl uses when it runs as root, with the object paths,
 * interfaces, errors and signals of org.freedesktop.systemd1(5), so that Debian's own systemctl
 * (and sdinit's, ctl/) drive sdinit exactly as they drive systemd.
 *
 *   /org/freedesktop/systemd1              org.freedesktop.systemd1.Manager
 *   /org/freedesktop/systemd1/unit/<name>  .Unit, plus .Service / .Socket / .Target by type
 *                                          (<name> escaped as sd_bus_path_encode() does)
 *   /org/freedesktop/systemd1/job/<id>     .Job
 *
 * Every signal goes to every connection, as systemd does for its private connections (Subscribe
 * is accepted and changes nothing), with the sender set to org.freedesktop.systemd1 so that
 * clients' sender matches work on a direct connection. A peer whose uid is neither 0 nor ours
 * gets org.freedesktop.DBus.Error.AccessDenied for every call (the socket is 0600 as well).
 */

#include "service/manager.h"

typedef struct BusServer BusServer;

/* Listens on `path` (normally /run/systemd/private; its directory is created) and attaches to
 * the manager's event loop and hooks. Returns 0 or -errno; the manager runs fine without it. */
int bus_server_new(Manager *m, const char *path, BusServer **ret);
BusServer *bus_server_free(BusServer *s);

/* Sends what is queued on every connection (before the manager exits). */
void bus_server_flush(BusServer *s);
/* Waits (at most timeout_ms) for the clients that asked for the shutdown to hang up, so that
 * `systemctl poweroff` inside the container exits on its own before PID 1 does. */
void bus_server_linger(BusServer *s, int timeout_ms);
