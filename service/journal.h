/* SPDX-License-Identifier: MIT */
#pragma once

/* systemd-journald, where the image has it (issue 15): sdinit runs it from its own units
 * (systemd-journald.socket, systemd-journald-dev-log.socket, systemd-journald.service) and tees
 * each service's output into it through journald's stdout stream protocol (journald-stream.c),
 * while the container's stdout keeps every line through the log relay as before.
 *
 * PID 1 connects one stream per start of a unit, with systemd's header (connect_logger_as()), and
 * writes the lines it relays into it without ever blocking, each write carrying the unit's process
 * in SCM_CREDENTIALS (journald reads the sender per message): journald files the lines under that
 * process's cgroup, _SYSTEMD_UNIT= of the unit, or the header's unit id when it has no cgroup of
 * its own. A process's last lines are written before PID 1 reaps it (manager_reap()). A unit's
 * lines that journald does not take in time (beyond 1 MB waiting) are dropped for the journal
 * only, counted and reported; stdout still gets them. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "service/manager.h"

#define JOURNAL_STDOUT_SOCKET "/run/systemd/journal/stdout"
#define JOURNAL_NATIVE_SOCKET "/run/systemd/journal/socket"

typedef struct JournalStream JournalStream;

/* The image has systemd-journald (/lib/systemd/systemd-journald or /usr/lib/...). */
bool journal_image_has_journald(void);
/* One of journald's units sdinit runs when the image has journald (instead of skipping it). */
bool journal_runs_unit(const char *id);

/* After manager_boot(): the boot starts the image's systemd-journald-dev-log.socket (/dev/log). */
bool journal_boot_provides_devlog(Manager *m);
/* PID 1, before the first process of a start is forked: the unit's stream to journald, connected,
 * with its header (identifier: SyslogIdentifier= or ident's last part). 0 (also when journald's
 * socket is not there), or -errno: the unit's lines then go to stdout only. */
int journal_stream_prepare(MUnit *u, const char *ident);
/* PID 1: one line the relay read from the unit (without newline). Never blocks. */
void journal_stream_line(MUnit *u, const char *line, size_t len);
/* PID 1: process pid of u has exited and is not reaped yet; what the relay has read from the unit
 * goes out now, in its name (call after logrelay_drain()). */
void journal_stream_flush_as(MUnit *u, pid_t pid);
/* PID 1's own line about unit u ("Started u - description."), to journald's native socket with
 * UNIT=u, as systemd logs its job messages (journalctl -u and systemctl status show them). Never
 * blocks; nothing without the image's journald. */
void journal_unit_message(MUnit *u, int priority, const char *text);
/* "Starting u..." / "Stopping u...": to the journal only if u is still activating (deactivating)
 * with its job at the end of this event-loop pass, as systemd's job_perform_on_unit() logs them
 * only for units that do not reach their state at once. */
void journal_unit_begin_message(MUnit *u, const char *text);
/* PID 1: the unit's output is done (EOF, unit unloaded): what can be written is, then closed. */
void journal_stream_close(MUnit *u);
