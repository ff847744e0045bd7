/* SPDX-License-Identifier: MIT */
/* The watches of the units' cgroups (cgroup.events, memory.events) on one inotify fd of the
 * manager, as systemd's cgroup_inotify_fd: a table from watch descriptor to unit says whose file
 * changed. */
#pragma once

#include "service/manager.h"

/* Watches u->cgroup's cgroup.events and memory.events (if the memory controller is there); on a
 * change, calls fn(u). 0 or -errno. */
int cg_watch_unit(MUnit *u, void (*fn)(MUnit *u));

/* Ends u's watches (nothing when it has none). */
void cg_unwatch_unit(MUnit *u);

/* Whether u has watches. */
bool cg_watch_has(const MUnit *u);

/* Frees the manager's watch fd and table. */
void cg_watch_free(Manager *m);
