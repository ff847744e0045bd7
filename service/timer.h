/* SPDX-License-Identifier: MIT */
#pragma once

/* .timer units (systemd.timer(5)): OnActiveSec=, OnBootSec= and OnStartupSec= (relative to PID 1's
 * start, the container's boot), OnUnitActiveSec=, OnUnitInactiveSec=, OnCalendar= (units/calendar.h),
 * RandomizedDelaySec= (FixedRandomDelay=), Persistent= (stamp files in
 * /var/lib/systemd/timers/stamp-NAME.timer, or $SDINIT_TIMERS_DIR), RemainAfterElapse=, Unit=.
 * AccuracySec= is ignored (timers fire on time), WakeSystem= too.
 *
 * States as systemd's: active "waiting" while armed, "running" while the unit it started runs
 * (re-armed when that unit is inactive again), "elapsed" when nothing is left to fire and it
 * remains (RemainAfterElapse=yes, or values relative to the unit's state); stopping disarms.
 * A (re)start counts from then (only Persistent= carries the last trigger over); a unit that is
 * not loaded (masked since a reload) or hits its start limit makes the timer fail once
 * ("resources", "unit-start-limit-hit"); daemon-reload gives an active timer its new values.
 * Jobs are only ever queued from the timer's own event sources, never from inside a state change. */

#include "service/manager.h"

typedef struct TimerValueInfo {
        const char *base;       /* "OnActiveUSec", ..., "OnCalendar" (systemd's D-Bus names) */
        uint64_t value;         /* monotonic: the offset in µs */
        const char *calendar;   /* OnCalendar: the spec as written */
        uint64_t next;          /* next elapse (µs, CLOCK_MONOTONIC or CLOCK_REALTIME); 0 = none */
} TimerValueInfo;

/* For the D-Bus API (bus/bus-unit.c). Next elapses are UINT64_MAX when none. */
uint64_t timer_next_elapse_realtime(const MUnit *u);
uint64_t timer_next_elapse_monotonic(const MUnit *u);
DualTimestamp timer_last_trigger(const MUnit *u);
/* The timer's values (configured ones, with their next elapse while it runs); returns how many
 * there are (may exceed max). calendar = false: monotonic ones, true: OnCalendar= ones. */
size_t timer_values(const MUnit *u, bool calendar, TimerValueInfo *out, size_t max);
