/* SPDX-License-Identifier: MIT */
#pragma once

/* PIDFile=: the file a forking daemon writes its main PID to. The daemon owns it, so it may be
 * empty, half-written, huge, binary, a FIFO or a device; reading it must never block or crash
 * PID 1. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Parses the first n bytes of buf (not NUL-terminated): optional leading whitespace, then a
 * decimal PID (what the manager always accepted: the number up to the first non-digit, "123\n",
 * "123\r\n", " 123 "). Returns 0 and *ret > 0, or -EBADMSG (no number, zero, negative, beyond
 * INT_MAX); *ret is untouched on failure. */
int pid_file_parse(const char *buf, size_t n, pid_t *ret);

/* What reading a PID file found out besides the PID: who owns the file, and whether the path
 * reached it through an unsafe transition (systemd's CHASE_SAFE: a component owned by another user
 * than its parent directory, unless that parent is root's). */
typedef struct PidFileInfo {
        uid_t owner;
        bool questionable;
} PidFileInfo;

/* Opens path without blocking (O_NONBLOCK; only a regular file is read), reads at most its first
 * 4 KiB and parses them. The path is walked one component at a time (symbolic links followed, 32
 * at most) to judge its safety. Returns 0, -errno, -EBADMSG, -ELOOP, or -EBADFD for something not a
 * regular file. info may be NULL. */
int pid_file_read(const char *path, pid_t *ret, PidFileInfo *info);
