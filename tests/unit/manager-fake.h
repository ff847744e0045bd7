/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The fake system the manager's unit tests drive the core through (service/sys.h): spawn hands
 * out made-up pids, kill records the signal (and, for SIGTERM/SIGKILL, makes the process exit
 * unless the test says it ignores SIGTERM), waitid hands the exits to the manager's own SIGCHLD
 * path (manager_reap); what happened is recorded in the arrays below. A manager over a temporary
 * directory of units that is the whole search path ($SYSTEMD_UNIT_PATH). tests/unit/manager-fake.c.
 */
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "service/manager-private.h"
#include "service/spawn.h"
#include "service/sys.h"

#define PID_BASE 400000
#define MAX_EVENTS 512

/* ---- the fake system ------------------------------------------------------------------------- */

typedef struct {
        char unit[64], path[128];
        pid_t pid;
        bool is_main;
} FakeSpawn;
extern FakeSpawn spawned[MAX_EVENTS];
extern size_t n_spawned;

typedef struct {
        pid_t pid;
        int sig;
} FakeKill;
extern FakeKill killed[MAX_EVENTS];
extern size_t n_killed;

extern bool alive[MAX_EVENTS], ignores_term[MAX_EVENTS];
extern uint64_t clock_offset;
/* Which primitive spawn_exec chose for each spawn (spawn_sys). */
extern SpawnHow started_how[MAX_EVENTS];

/* The fake system calls: fake_sys replaces spawn; spawn_sys runs the real spawn_exec with only the
 * start of the child recorded instead of run. */
extern const SysOps fake_sys, spawn_sys;
bool ours(pid_t pid);
void queue_exit(pid_t pid, int code, int status);
int fake_spawn(MUnit *u, const ExecCommand *cmd, char *const *extra_env, bool is_main, pid_t *ret_pid);
int fake_kill(pid_t pid, int sig);
int fake_waitid(idtype_t type, id_t id, siginfo_t *info, int options);
uint64_t fake_now(void);
int fake_pidfd_open(pid_t pid);

/* ---- observing jobs -------------------------------------------------------------------------- */

typedef struct {
        char unit[64];
        JobType type;
        JobResult result;
} FakeJobEnd;
extern FakeJobEnd removed[MAX_EVENTS];
extern size_t n_removed;
extern const ManagerHooks hooks;

/* The last result of a job of `unit` (of type t), -1 if none ended. */
int job_result(const char *unit);
int job_result_of(const char *unit, JobType t);
size_t spawns_of(const char *unit);
/* The position of unit's first spawn / first kill with sig, SIZE_MAX if none. */
size_t first_spawn(const char *unit);
size_t first_kill_of(const char *unit, int sig);

/* ---- a manager over a directory of units ----------------------------------------------------- */

extern char dir[256];
/* Names the directory after the test and the pid and makes it the search path. */
void fake_setup(const char *test);
void write_unit(const char *name, const char *text);
void clean_dir(void);
/* An empty directory and a clean record. */
void fresh(void);
Manager *start_manager(void);
/* Runs what is due now: deferred dispatches, and the exits queued (the SIGCHLD path). */
void settle(Manager *m);
/* Runs the loop for up to `ms` (timers: RestartSec=, timeouts), settling as it goes. */
void run_for(Manager *m, unsigned ms);
uint64_t mono_usec(void);

/* Runs the loop until cond holds; the deadline only bounds a failure. */
#define RUN_UNTIL(m, cond, ms)                                                                     \
        do {                                                                                       \
                uint64_t _end = mono_usec() + (uint64_t) (ms) * 1000;                              \
                settle(m);                                                                         \
                while (!(cond) && mono_usec() < _end) {                                            \
                        (void) sd_event_run((m)->event, 5000);                                     \
                        settle(m);                                                                 \
                }                                                                                  \
        } while (0)

MUnit *load(Manager *m, const char *name);
MUnit *start(Manager *m, const char *name);
/* The unit's last process (a oneshot's ExecStart= runs as a control process, not a main one). */
pid_t last_pid_of(const char *unit);
void notify(MUnit *u, const char *text);

#define ACTIVE(u) ((u) && (u)->active == STATE_ACTIVE)
