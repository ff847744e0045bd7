/* SPDX-License-Identifier: MIT */
#pragma once

/* The service state machine (systemd.service(5)): ExecCondition, ExecStartPre, ExecStart,
 * ExecStartPost, running, ExecReload, ExecStop, SIGTERM/SIGKILL, ExecStopPost; types simple, exec,
 * forking, oneshot, notify, dbus (as simple until the bus is watched), idle; Restart= with
 * RestartSec= and the start rate limit; TimeoutStartSec=/TimeoutStopSec=. */

#include "service/manager.h"
#include "service/notify.h"

/* Job entry points: begin starting or stopping. Completion is reported through munit_set_state. */
void service_start(MUnit *u);
void service_stop(MUnit *u);
/* A reload job: runs ExecReload= (RELOADING state) and returns to running. */
void service_reload(MUnit *u);
bool service_can_reload(MUnit *u);
/* systemctl kill: whom is "main", "control" or "all"; returns the number of processes signalled
 * or -errno (-ESRCH: none). */
int service_kill(MUnit *u, const char *whom, int sig);
/* The unit's processes; returns how many (the array is malloc'ed) or -errno. */
int service_pids(MUnit *u, pid_t **ret);

/* A process of this unit changed state (from waitid: CLD_EXITED, CLD_KILLED, CLD_DUMPED). */
void service_sigchld(MUnit *u, pid_t pid, int code, int status);

/* A process was reaped: forget it in the current /proc snapshot. */
void service_forget_pid(Manager *m, pid_t pid);

/* A datagram from the notify socket, already authenticated (pid from SCM_CREDENTIALS). */
void service_notify(MUnit *u, pid_t sender, uid_t sender_uid, const struct notify_msg *msg);

/* Conditions and asserts of any unit type: 1 met, 0 not met (with `failed` naming the first
 * condition that failed), for asserts -EBADR when one failed. */
int unit_test_conditions(const Unit *u, const ConditionList *l, char *failed, size_t size);
