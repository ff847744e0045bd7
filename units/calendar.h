/* SPDX-License-Identifier: MIT */
#pragma once

/* Calendar events as systemd.time(7) defines them ("OnCalendar=" of timer units): parsing and
 * the next elapse after a given time. Pure (no global state besides the C library's time zone,
 * which local-time specs use through localtime_r()/mktime(): set TZ and call tzset() first).
 *
 * Supported: the shortcuts (minutely, hourly, daily, weekly, monthly, yearly/annually, quarterly,
 * semiannually), "[WEEKDAYS] [[YEAR-]MONTH-DAY] [HOUR:MINUTE[:SECOND]] [UTC]" with "*", values,
 * lists (","), ranges ("..") and repetitions ("/") in every component, two-digit years
 * (00-69 = 20xx, 70-99 = 19xx) and weekday lists and ranges ("Mon..Fri", "Sat,Sun").
 * Not supported, with a clear message: "~" (days from the end of the month), time zones other than
 * UTC, fractional seconds. Times are whole seconds. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct CalendarSpec CalendarSpec;

/* Parses `spec`. Returns 0, -ENOMEM, -EINVAL (malformed) or -EOPNOTSUPP (valid for systemd but
 * not supported here); on errors writes a one-line reason to `err` (may be NULL). */
int calendar_spec_parse(const char *spec, CalendarSpec **ret, char *err, size_t errlen);
CalendarSpec *calendar_spec_free(CalendarSpec *c);

/* Whether the spec ends in "UTC" (otherwise it is in local time). */
bool calendar_spec_is_utc(const CalendarSpec *c);

/* The first time strictly after `after` (µs since the epoch, CLOCK_REALTIME) that matches, in µs.
 * Returns 0, or -ENOENT when nothing matches any more (e.g. "2020-*-*" in 2024, "*-02-30"). */
int calendar_spec_next(const CalendarSpec *c, uint64_t after, uint64_t *ret);
