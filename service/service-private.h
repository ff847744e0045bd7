/* SPDX-License-Identifier: MIT */
#pragma once

/* Between service.c (the state machine) and service-procs.c (a service's processes). */

#include "service/manager-private.h"
#include "service/sys.h"
#include "service/service.h"

static inline const ServiceSettings *S(MUnit *u) {
        return &u->u->service;
}

int kill_signal(MUnit *u);
int kill_mode(MUnit *u);
/* Signals every process of the unit (except `except`; -1: except the main and control
 * processes, signalled already), followed by SIGCONT when `cont`; returns how many exist. */
int unit_signal_all_cont(MUnit *u, int sig, pid_t except, bool cont);
int unit_signal_all(MUnit *u, int sig, pid_t except);
/* GuessMainPID=: the one process of the unit whose parent is PID 1, if there is one. */
void guess_main_pid(MUnit *u);
bool unit_has_processes(MUnit *u);
/* Whether pid is one of the unit's processes (its cgroup, or the /proc tracking). */
bool unit_owns_pid(MUnit *u, pid_t pid);
/* One line: the process is about to be killed with `sig`. */
void log_kill(MUnit *u, pid_t pid, int sig);
/* MemoryMax= and the other limits, written into the unit's cgroup. */
void service_apply_limits(MUnit *u);
