/* SPDX-License-Identifier: MIT */
#pragma once

/* Terminals for spawn.c (StandardInput=tty*, StandardOutput=tty, TTYPath=, TTYReset=,
 * TTYVHangup=, TTYVTDisallocate=), with systemd.exec(5)'s semantics: spawn-tty.c. */

#include <stdbool.h>

#include "service/spawn.h"

#define TTY_MODE 0620 /* what systemd gives a terminal it hands out or takes back */
#define TTY_GID 5     /* systemd's compiled-in "tty" group */

/* Indices of the StandardInput=/StandardOutput= value tables in units/unit-directives.c. */
enum { IN_NULL, IN_TTY, IN_TTY_FORCE, IN_TTY_FAIL, IN_DATA, IN_FILE, IN_SOCKET, IN_FD };
enum { OUT_INHERIT, OUT_NULL, OUT_TTY, OUT_JOURNAL, OUT_KMSG, OUT_JOURNAL_CONSOLE, OUT_KMSG_CONSOLE, OUT_FILE,
       OUT_APPEND, OUT_TRUNCATE, OUT_SOCKET, OUT_FD };

bool is_tty_input(int kind);
const char *exec_tty_path(const ExecSettings *e);
bool exec_touches_tty(const ExecSettings *e);
const char *term_for(const ExecSettings *e);
int open_terminal(const char *path, int flags, bool retry);
void tty_prepare(const ExecSettings *e, bool in_pid1);
int acquire_terminal(const char *path, int mode);
