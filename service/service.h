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

/* The longest a stop of this service can take (µs): TimeoutStopSec= for each phase that can time
 * out (ExecStop= if any, SIGTERM, SIGKILL, ExecStopPost= if any), as systemd applies it per
 * phase; SDU_SIZE_INFINITY when the timeout is off. 0 for other unit types. */
uint64_t service_stop_budget(MUnit *u);
/* Says, one line per process, that the unit's processes are being killed with `sig`. */
void service_log_kill_all(MUnit *u, int sig);

/* A process of this unit changed state (from waitid: CLD_EXITED, CLD_KILLED, CLD_DUMPED). */
void service_sigchld(MUnit *u, pid_t pid, int code, int status);

/* The BusName= of a Type=dbus service is owned: it is up (service/busname.c). */
void service_bus_name_acquired(MUnit *u);

/* A datagram from the notify socket, already authenticated (pid from SCM_CREDENTIALS). */
void service_notify(MUnit *u, pid_t sender, uid_t sender_uid, const struct notify_msg *msg);
