/* SPDX-License-Identifier: MIT */
#pragma once

/* .path units (systemd.path(5)): PathExists=, PathExistsGlob=, PathChanged=, PathModified=,
 * DirectoryNotEmpty=, Unit=, MakeDirectory=, DirectoryMode=, TriggerLimitIntervalSec=/Burst=.
 * One inotify fd per active path unit in the manager's sd-event loop (PID 1 never blocks): every
 * path is watched with its parent directories, so that a path created later is seen.
 *
 * States as systemd's: active "waiting" while watching, "running" while the unit it started runs
 * (not watching then); when that unit is inactive again the conditions are checked again, so
 * PathExists= starts it again as long as the path exists (bounded by the trigger limit: the path
 * unit then fails with result "trigger-limit-hit"; a service that hits its own start limit fails it
 * with "unit-start-limit-hit"). Only the deepest existing ancestor of a path is watched for
 * creations; daemon-reload gives an active path unit its new paths. */

#include "service/manager.h"

void path_start(MUnit *u);
void path_stop(MUnit *u);
void path_free(MUnit *u);
/* After daemon-reload: an active path unit watches what its unit file says now. */
void path_reload(MUnit *u);

/* A unit changed state: path units that started it watch again once it is inactive. */
void path_unit_changed(Manager *m, MUnit *u);
