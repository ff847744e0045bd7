/* SPDX-License-Identifier: MIT */
#pragma once

/* Service output to the container's stdout, one line at a time with the unit name, in plain text
 * or JSON. PID 1 never blocks on a slow reader: it writes through its own non-blocking file
 * description of stdout into a bounded buffer; when the buffer is full it stops reading from the
 * services (their pipes fill and they block, losing nothing) until the reader catches up. */

#include "service/manager.h"

LogRelay *logrelay_new(Manager *m, int out_fd);
LogRelay *logrelay_free(LogRelay *r);

/* A complete line from unit u (without the newline). */
void logrelay_line(LogRelay *r, const char *unit, const char *line, size_t len);
/* A line of sdinit's own (status, errors): same path, so ordering with service output holds. */
void logrelay_own(LogRelay *r, const char *line);
/* The same for text anyone may have written (syslog from /dev/log): control characters are
 * escaped in plain output, and kept out of JSON. Lines past a few MB of backlog are dropped and
 * counted, as sdinit's own are. */
void logrelay_untrusted(LogRelay *r, const char *line, size_t len);

/* Registers the output pipe of a unit: it is read while the relay has room. */
int logrelay_attach(LogRelay *r, MUnit *u, int fd);
void logrelay_detach(LogRelay *r, MUnit *u);
/* Reads what is left in a unit's pipe (at unit stop), without blocking. */
void logrelay_drain(LogRelay *r, MUnit *u);
/* Writes out everything buffered, blocking if needed (at exit). */
void logrelay_flush(LogRelay *r);
/* At exit: reads what the services left in their pipes, then flushes. */
void logrelay_finish(LogRelay *r);
