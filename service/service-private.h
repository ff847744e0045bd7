/* SPDX-License-Identifier: MIT */
#pragma once

/* Between service.c (the state machine), service-procs.c (a service's processes) and
 * service-cgroup.c (its cgroup). */

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
/* The main process held by pidfd when it is not PID 1's child (its pid could be reused unseen). */
void main_pid_track(MUnit *u);
/* Forgets a main pid whose process exited unseen; drops a pidfd of an older main pid. */
void main_pid_refresh(MUnit *u);
/* kill(2) of the main process, through its pidfd when it has one; -ESRCH without one. */
int main_kill(MUnit *u, int sig);
/* A stray signalled by a stop, held by pidfd until it has exited (at most 16 per unit). */
void stray_hold(MUnit *u, pid_t pid);
/* How many held strays have not exited yet; those that have are let go (all: every one). */
unsigned strays_left(MUnit *u, bool all);
/* Whether pid is one of the unit's processes (its cgroup, or the /proc tracking). */
bool unit_owns_pid(MUnit *u, pid_t pid);
/* One line: the process is about to be killed with `sig`. */
void log_kill(MUnit *u, pid_t pid, int sig);
/* MemoryMax= and the other limits, written into the unit's cgroup. */
void service_apply_limits(MUnit *u);
/* A refusal of pid as the main pid not said yet (each is said once). */
bool refusal_new(MUnit *u, pid_t pid);
/* systemd's service_is_suitable_main_pid(): < 0 never, 1 certainly, 0 questionable. */
int main_pid_suitable(MUnit *u, pid_t pid);
/* PIDFile=: the main pid from the file, when it is to be believed; true if it was taken. */
bool read_pid_file(MUnit *u);

/* service-cgroup.c: the unit's cgroup made at its start (on_event: it emptied or the OOM killer
 * acted), removed at its end; whether the OOM killer acted since last asked. */
void cgroup_prepare(MUnit *u, void (*on_event)(MUnit *u));
void cgroup_release(MUnit *u);
bool cgroup_oom_killed(MUnit *u);
