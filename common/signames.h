/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>

/* Signal names and numbers, shared by the drop-in front-end (-p, -r, logs) and the unit parser
 * (KillSignal=, RestartPreventExitStatus=). Pure functions, no state. */

/* Parses "SIGTERM", "TERM", "15", "SIGRTMIN+3", "RTMAX-2" (case-sensitive, as systemd and kill(1)).
 * Returns the signal number, or -EINVAL. */
int signal_from_string(const char *s);

/* Parses only the exact "SIGXXX" names of the classic signals 1..31 (tini's -p accepts these and
 * nothing else). Returns the number or -EINVAL. */
int signal_from_sig_name(const char *s);

/* "SIGTERM", "SIGRTMIN+3"; for numbers without a name, the decimal number. buf needs 16 bytes. */
const char *signal_to_string(int sig, char *buf, size_t size);
