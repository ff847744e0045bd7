/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * The service manager: units loaded from unit files (units/), jobs that start and stop them in
 * dependency order, and the state machines that run services. Everything hangs off one Manager;
 * there is no global state, so a test can create several.
 *
 * Model (as systemd's, reduced to what containers use):
 *   - A MUnit is the runtime side of a loaded Unit: its active state (inactive, activating,
 *     active, deactivating, failed), a sub-state per type, and at most one job. A new job for a
 *     unit that has one merges into it, re-runs it or replaces it as systemd's job_install()
 *     says (service/job-type.h): a start while a stop job runs replaces it and waits for the
 *     unit to be down; what each request pulls in is pulled once per unit and job type.
 *   - A job is runnable when no unit it is ordered after (After=/Before=) still has a job; a stop
 *     job waits for the stop jobs of units ordered after it (reverse order), and any stop job
 *     runs before a start job it is ordered against, in either direction.
 *   - Requirement dependencies (Requires=, BindsTo=, Requisite=) fail pending start jobs when the
 *     required unit fails, and stop active dependents when it stops; Wants= only pulls in. A start
 *     of a unit whose required units (transitively) are masked or missing is refused whole.
 *   - BindsTo= (and Requisite=) also fail pending start jobs when the unit's start ended without
 *     it being active (a condition skipped it, a oneshot exited), and a unit bound to a unit that
 *     is inactive with no job is stopped whenever either settles (systemd's unit_check_binds_to).
 *   - A stop propagates to units that require, are bound to, are part of (PartOf=) or take their
 *     stop from (PropagatesStopTo=/StopPropagatedFrom=) the stopped unit, even when it was inactive
 *     already; StopWhenUnneeded= units stop once no active or starting unit wants them.
 *   - Ordering cycles among jobs are found before anything runs, printed with every unit in the
 *     cycle, and broken by dropping the job of a unit that nothing requires (systemd's rule).
 *   - Processes: SIGCHLD is handled with waitid(P_ALL, WNOWAIT) so a pid is attributed to its
 *     unit before it is reaped; orphans re-parented to PID 1 are reaped too.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "cgroup/cg-manager.h"
#include "service/job-type.h"
#include "units/unit-registry.h"

typedef enum SubState {
        SUB_DEAD,
        SUB_CONDITION,
        SUB_START_PRE,
        SUB_START,
        SUB_START_POST,
        SUB_RUNNING,
        SUB_EXITED,
        SUB_RELOAD,
        SUB_STOP,
        SUB_STOP_SIGTERM,
        SUB_STOP_SIGKILL,
        SUB_STOP_POST,
        SUB_FINAL_SIGTERM,
        SUB_FINAL_SIGKILL,
        SUB_AUTO_RESTART,
        SUB_FAILED,
        _SUB_MAX,
} SubState;

/* A point in time as systemd's D-Bus API reports it: CLOCK_REALTIME and CLOCK_MONOTONIC in µs
 * (0 = never). */
typedef struct DualTimestamp {
        uint64_t realtime, monotonic;
} DualTimestamp;

typedef enum LogFormat {
        LOG_FORMAT_PLAIN,
        LOG_FORMAT_JSON,
} LogFormat;

#define LINEBUF_MAX 4096

typedef struct Manager Manager;
typedef struct MUnit MUnit;
typedef struct LogRelay LogRelay;
struct proc;
typedef struct JournalStream JournalStream; /* service/journal.c */
typedef struct TimerState TimerState; /* service/timer.c */
typedef struct PathState PathState;   /* service/path.c */

/* Strays of a start (detached, found by INVOCATION_ID) signalled by a stop, held by pidfd until
 * they have exited (service-procs.c). */
typedef struct StrayHold {
        int pidfd[16];
        pid_t pid[16];
        unsigned n;
} StrayHold;

struct MUnit {
        Manager *m;
        char *id;
        Unit *u;
        ActiveState active;
        SubState sub;
        UnitResult result;    /* as systemd's Result= (unit_result_to_string() names it) */

        JobType job;
        uint32_t job_id;      /* the job's number (D-Bus: /org/freedesktop/systemd1/job/N), 0 = none */
        bool job_running;
        bool job_failed_dependency;
        bool job_ignore_deps; /* mode ignore-dependencies: nothing else is pulled in or stopped */
        bool reload_failed;   /* an ExecReload= command failed during the running reload job */
        uint64_t tr_gen;      /* the request (transaction) that last pulled in this unit's dependencies */
        unsigned tr_pulled;   /* for which job types (bit per JobType) in that request */
        pid_t exec_main_pid;  /* the main process of the last start, kept after it exited */

        /* When the unit last changed state (systemd's Unit timestamps), for the D-Bus API. */
        DualTimestamp ts_state_change, ts_inactive_exit, ts_active_enter, ts_active_exit, ts_inactive_enter;
        DualTimestamp ts_condition, ts_main_start, ts_main_exit;
        uint64_t load_realtime; /* when the unit file was read (NeedDaemonReload=) */

        /* Every edge of the unit in one array (service/munit-edges.c): runs, one per kind present
         * (MUnitEdgeKind: dependencies both ways, the ordering both ways), each a tag (kind,
         * count) followed by its units. Read with munit_deps() & co.; 17 kinds both ways as fixed
         * arrays cost 408 bytes per unit before any edge, this costs one entry per kind present. */
        MUnit **edges;
        uint32_t n_edges, cap_edges;
        uint64_t walk;        /* the last dependency walk that passed here (manager.c) */
        bool start_limit_hit; /* the last start was refused by StartLimitBurst= (service.c) */
        bool condition_result; /* of the check at ts_condition */
        bool oom_killed;      /* the OOM killer acted in the unit's cgroup since it started (service.c) */
        /* UnitFileState= as last computed (bus-unit.c), + 1: 0 = not yet. Kept until the next
         * daemon-reload, as systemd 252's u->unit_file_state (unit_get_unit_file_state()). */
        uint8_t file_state_cache;
        uint8_t file_preset_cache; /* UnitFilePreset= the same way: 1 disabled, 2 enabled, 0 not yet */

        /* Service runtime */
        pid_t main_pid, control_pid;
        /* A main process that is not PID 1's child (MAINPID=, PIDFile=, guessed) is held by a
         * pidfd (service.c): if its own parent reaps it, PID 1 learns it died, and never signals
         * a process that later gets the same pid. main_pidfd_pid: the pid it was opened for. */
        int main_pidfd;
        pid_t main_pidfd_pid;
        /* Strays of this start (detached, found by INVOCATION_ID) signalled by a stop, held by
         * pidfd until they have exited: the stop waits for them as for the rest (service.c). */
        StrayHold *strays;    /* allocated by the first stray held, freed when none is left */
        int main_exit_code, main_exit_status; /* CLD_EXITED/CLD_KILLED/..., status or signal */
        const ExecCommandList *control_list;
        size_t control_index;
        int control_phase;    /* which Exec*= list runs (service.c) */
        bool main_pid_known, ready, waiting_pid_file, waiting_bus_name;
        pid_t refused_main_pid; /* the last main PID refused in this start (said once) */
        unsigned n_restarts;
        sd_event_source *timer;
        sd_event_source *watchdog;
        uint64_t watchdog_usec;   /* WatchdogSec=, or what WATCHDOG_USEC= changed it to */
        uint64_t timeout_deadline;
        /* Start times for StartLimitBurst= (service.c): the first inline, the last 16 in a ring
         * allocated at the second start (most units start once: 112 bytes less each). */
        uint64_t first_start_time;
        uint64_t *start_times;
        unsigned n_start_times;
        char *status_text;
        char invocation_id[33];
        pid_t session;        /* process tracking without cgroups: the session of our first process */
        pid_t main_session;   /* ...and the session a main process that exited led (its workers) */
        int accept_fd;        /* a service of an Accept=yes socket: its connection (here for the layout) */
        size_t procs_at, procs_n; /* my processes in Manager.procs_by_owner (service/procs.c) */
        pid_t procs_keys[4];  /* main, control, session, main session when that index was built */

        /* With a delegated cgroup: the unit's cgroup (relative to ours) and its emptiness watch. */
        char *cgroup;
        int cg_wd[2];         /* its cgroup.events and memory.events watches (cg-watch.h), -1: none */
        uint64_t oom_kills;   /* memory.events oom_kill when the unit started, then when last seen */
        char *allowed_cpus;   /* AllowedCPUs= (cpuset.cpus), NULL if unset */
        struct ExecNsRuntime *ns_rt; /* PrivateTmp= dirs, network/IPC namespaces (exec-ns.c) */

        /* Socket units: listening fds and their event sources; services started by an
         * Accept=yes socket: their connection. */
        int *sock_fds;
        sd_event_source **sock_sources;
        size_t n_sock;
        unsigned n_accepted;
        unsigned n_refused;   /* connections refused because the socket was stopping (NRefused=) */
        unsigned trigger_limit_count;
        bool activation_suppressed; /* said once that traffic triggers nothing now */
        bool shutdown_restopped;    /* found active without a job during shutdown: stopped again */
        size_t index_in_manager;    /* my position in Manager.units (kept by manager-load.c and manager-gc.c) */
        uint64_t trigger_limit_start; /* TriggerLimitIntervalSec= window (CLOCK_MONOTONIC µs) */

        /* Timer and path units: their runtime state (timer.c, path.c), NULL until first started. */
        TimerState *timer_state;
        PathState *path_state;

        /* Output of the unit's processes (stdout and stderr through one pipe). */
        int out_fd, out_wfd;  /* read end (ours), write end (given to each process) */
        sd_event_source *out_source;
        JournalStream *journal; /* the copy of the output for systemd-journald (service/journal.c) */
        char *linebuf;        /* LINEBUF_MAX bytes, allocated at the first output */
        size_t linebuf_len;
        uint64_t rl_begin;    /* journald's rate limit of this output (logrelay.c): window start, */
        unsigned rl_num, rl_suppressed; /* lines let through in it and lines dropped */
        MUnit *next_blocked;
        /* The GC (manager-gc.c): the queue of units to look at, or the list of units that are down
         * but still hold something (a pipe, a process, an old definition); the last walk that
         * visited me, the last pass that found me referenced; unloaded in this pass. */
        MUnit *gc_next;
        uint64_t gc_seen, gc_kept;
        bool in_gc_queue, gc_waiting, gc_doomed;
};

/* MUnit.edges: munit_deps() & co. (the edge kinds, the readers and munit-edges.c). */
#include "service/munit-edges.h"

struct UnitVTable;
struct SysOps;

struct Manager {
        sd_event *event;
        /* What each unit type does (service/unit-vtable.h), by UnitType; the last entry is for
         * units without a unit file. Set by manager_new() from service/unit-types.c. */
        const struct UnitVTable *const *vtables;
        /* The system calls of the state machines (service/sys.h): sys_real, or a test's. */
        const struct SysOps *sys;
        /* The units' cgroup watches: one inotify fd, a table from watch descriptor to unit
         * (service/cg-watch.c). */
        int cg_watch_fd;
        sd_event_source *cg_watch_source;
        struct CgWatchSlot *cg_watch_slots;
        size_t cg_watch_cap, cg_watch_used, cg_watch_live;
        void (*cg_watch_fn)(MUnit *u);
        /* Children start vfork-style (spawn.c) once PID 1's peak RSS reaches this many kB: below it
         * fork() is cheap and lets PID 1 go on while the child execs (0: always vfork-style). */
        uint64_t spawn_vfork_min_rss_kb;
        /* The signals PID 1 ignores or has a handler for (bit sig - 1), read once at the first
         * start (spawn.c): a child resets only these to SIG_DFL. PID 1 itself never changes a
         * disposition once running (its signals arrive through signalfd). */
        uint64_t spawn_sig_reset;
        bool spawn_sig_reset_known;
        UnitRegistry *registry;
        const char *root;
        MUnit **units;
        size_t n_units, cap_units;
        void *index;          /* name -> unit (ids and aliases), open addressing (manager.c) */

        sd_event_source *defer_dispatch;
        sd_event_source *defer_gc;    /* unloads units nothing uses (manager_gc) */
        MUnit *gc_queue, *gc_waiting; /* manager-gc.c: candidates, and down units still holding something */
        uint64_t gc_pass, gc_walk;
        bool dispatch_pending;
        MUnit **runq;                 /* manager_dispatch()'s run queue, a heap (job.c) */
        size_t n_runq, cap_runq;
        bool runq_valid;              /* live (kept across a yield); filled when last_job_id was runq_job_id */
        uint32_t runq_job_id;
        sd_event_source *dispatch_timer; /* manager_dispatch_yield() */

        int notify_fd;
        uint64_t notify_warn_window;
        unsigned notify_warn_count, notify_warn_suppressed;
        char notify_path[108];
        sd_event_source *notify_source;

        LogRelay *log;
        /* How manager_log() hands m->log a line: logrelay_own(), set by logrelay_new(). A pointer,
         * as the relay sits above the log (its units' output goes to the journal, which logs). */
        void (*log_own)(LogRelay *r, const char *line);
        LogFormat log_format;
        bool show_status;
        FILE *status_out;

        bool shutting_down;
        int exit_status;
        bool exit_requested;
        /* Shutdown is bounded (shutdown.h): when this passes, everything left is killed. */
        uint64_t shutdown_bound_usec, shutdown_started_usec; /* CLOCK_MONOTONIC */
        sd_event_source *shutdown_timer;

        /* `sdinit [--unit X] -- COMMAND`: the main program, started after boot. */
        char **command;
        bool command_started;
        MUnit *boot_target;
        pid_t command_pid;
        int command_status; /* -1 while it runs */

        bool quiet_not_found;
        /* First boot (systemd's m->first_boot): preset-all before the boot target loads,
         * /run/systemd/first-boot (ConditionFirstBoot=) until the boot is done. */
        bool first_boot;

        /* Type=dbus: a client connection to the image's system bus (busname.c). */
        struct sd_bus *bus;
        struct sd_bus_slot *bus_match;
        sd_event_source *bus_retry;
        void (*bus_done)(Manager *m); /* set by busname.c once it watches: closes the connection */

        /* One /proc snapshot per event-loop iteration for process tracking without cgroups
         * (service.c): a stop of 1,000 units must not read /proc a million times. */
        struct proc *procs;   /* sorted by pid (service/procs.h) */
        size_t n_procs;
        uint64_t procs_iteration, procs_read_usec;
        long procs_last_pid;          /* ns_last_pid just before the snapshot was read (-1: unknown) */
        int ns_last_pid_fd;           /* /proc/sys/kernel/ns_last_pid, kept open: fd + 1 (0: not tried yet, -1 + 1: cannot) */
        bool procs_valid;
        uint64_t procs_version;       /* bumped whenever the snapshot changes */
        uint64_t procs_index_version; /* the snapshot the owner index was built for (0: none) */
        size_t procs_index_units;
        struct proc **procs_by_owner; /* each unit's processes as one run (MUnit.procs_at/_n) */
        size_t n_procs_by_owner;
        struct proc **procs_scratch;  /* the processes of a unit whose keys changed since (procs_of) */
        pid_t self_pid;       /* getpid(), once */

        /* Main and control processes by pid (manager-procs.c): open addressing, one entry per
         * (pid, unit, role), kept by munit_set_main_pid()/munit_set_control_pid(); a failed
         * allocation makes manager_unit_by_pid() scan the units again (pid_index_broken). */
        struct PidSlot *pid_slots;
        size_t pid_cap, pid_used;
        bool pid_index_broken;
        /* Units with a job (JOB_NONE -> a job and back: transaction.c's job_install/_uninstall). */
        size_t n_jobs;

        /* Jobs are numbered for the D-Bus API; observers (bus/) hear about jobs and state changes. */
        uint32_t last_job_id;
        uint64_t walks;       /* numbers walks of manager_start_blocker() (their cycle guard) */
        uint64_t tr_gen;      /* requests so far; each pulls a unit's dependencies once per job type */
        unsigned tr_depth;
        const struct ManagerHooks *hooks;
        void *hooks_userdata;
        int exit_code_override; /* SetExitCode() / `systemctl exit N`; -1 = none */
        DualTimestamp ts_startup, ts_finish;
        /* Units replaced by daemon-reload while a control process of theirs still runs (its
         * command list is theirs): freed at the next reload once it is done, or with the manager. */
        struct Grave { MUnit *owner; Unit *unit; } *graveyard;
        size_t n_graveyard;
        /* DynamicUser=: the users held now (service/dynamic-user.c) and the varlink service that
         * answers for them (service/dynamic-userdb.c), started with the first one. */
        struct DynUser *dyn_users;
        struct DynamicUserdb *userdb;
        /* The ids of the units whose credentials directory is in place for their current
         * activation (service/exec-creds.c). */
        char **creds_ready;

        /* cgroups: what env_detect() found and what the take-over achieved (cgroup/). */
        struct cg_manager cg;
        bool cg_tree;         /* per-unit cgroups in use */
        /* The take-over begun by manager_setup_cgroups(), ended by manager_finish_cgroups(). */
        struct cg_takeover_pending cg_pending;
        bool cg_takeover_pending;
        /* systemd's running_in_userns() (a uid or gid map other than the identity, or setgroups
         * "deny"), from env_detect() at start: ConditionVirtualization=private-users. */
        bool in_userns;
        int verbosity;
};

/* What an observer (the D-Bus server) is told. Every callback may be NULL. */
typedef struct ManagerHooks {
        void (*job_new)(void *userdata, MUnit *u);
        void (*job_removed)(void *userdata, uint32_t id, MUnit *u, JobType type, JobResult result);
        void (*unit_changed)(void *userdata, MUnit *u);
        void (*unit_new)(void *userdata, MUnit *u);
        /* u is about to be unloaded (garbage-collected): the last moment it may be looked at. */
        void (*unit_removed)(void *userdata, MUnit *u);
        void (*startup_finished)(void *userdata);
        void (*reloading)(void *userdata, bool active);
} ManagerHooks;

int manager_new(const char *root, Manager **ret);
Manager *manager_free(Manager *m);

/* Loads a unit and everything it references; built-in standard targets fill gaps. */
int manager_load_unit(Manager *m, const char *name, MUnit **ret);
MUnit *manager_get_unit(Manager *m, const char *name);

/* Adds a start (or stop) job for the unit and what its dependencies pull in; breaks ordering
 * cycles; the event loop then runs the jobs. */
int manager_start_unit(Manager *m, MUnit *u);
int manager_stop_unit(Manager *m, MUnit *u);

/* A job requested from outside (systemctl): start, stop, reload or restart `u`, with its
 * dependencies unless ignore_deps. Returns the id of the unit's job (a new one, or the one it
 * already has that does the same), 0 when nothing needs doing (the caller reports a job that is
 * done at once), or -errno: -EBADR the unit cannot do it (reload without ExecReload=),
 * -ESHUTDOWN the manager is stopping (every job but a stop). */
int manager_add_job(Manager *m, MUnit *u, JobType type, bool ignore_deps);
/* The first unit that a start of `u` requires (Requires=, BindsTo=, Requisite=, transitively)
 * and that is masked or cannot be loaded, NULL if none: systemd refuses such a start whole. */
MUnit *manager_start_blocker(Manager *m, MUnit *u);
uint32_t manager_new_job_id(Manager *m);
/* Cancels the unit's job if it has not started running; -EBUSY if it runs. */
int manager_cancel_job(Manager *m, MUnit *u);
/* A failed unit becomes inactive again and its start rate limit is reset. */
void manager_reset_failed(Manager *m, MUnit *u);
/* Re-reads every loaded unit's files (daemon-reload); running processes are untouched. */
int manager_reload(Manager *m);
/* "starting", "running", "degraded", "stopping" (systemd's SystemState). */
const char *manager_system_state(Manager *m);
/* Ends the unit's job with a result, telling the observers. */
void manager_job_done(MUnit *u, JobResult result);
static inline bool munit_job_stops(const MUnit *u) {
        return u->job == JOB_STOP || (u->job == JOB_RESTART && u->job_running);
}
void dual_timestamp_now(DualTimestamp *ts);

/* The unit's invocation id (MUnit.invocation_id, 32 hex digits) as its 16 bytes, for D-Bus and
 * the kernel keyring. false (ret zeroed) when the unit has none. No allocation: also used in the
 * child before exec. */
bool munit_invocation_id_bytes(const MUnit *u, uint8_t ret[16]);
/* A line on the unit's log, written by the child between fork and exec (systemd logs these to the
 * journal). */
void spawn_child_log(MUnit *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Stops everything (reverse order) and makes the loop exit when done. */
void manager_begin_shutdown(Manager *m, int exit_status);

/* systemd 252's first-boot rule (src/core/main.c): systemd.condition-first-boot=BOOL among
 * PID 1's arguments (a container's kernel command line) decides; otherwise it is the first boot
 * when /etc/machine-id is missing, unreadable or says "uninitialized" (an empty one does not). */
bool manager_detect_first_boot(char *const *argv);
/* Sets m->first_boot, creating or removing /run/systemd/first-boot (systemd's
 * manager_set_first_boot()); as PID 1 only. */
void manager_set_first_boot(Manager *m, bool b);

/* Boots `target` (and, once its job is done, runs m->command as the main program). On a first
 * boot the preset policy is applied to every unit file first (preset-all, enable only), after the
 * generators and before the target loads, as systemd's manager_startup(). */
int manager_boot(Manager *m, const char *target);

int manager_run(Manager *m);

/* Detects the environment and, as PID 1 with a delegated cgroup v2, takes it over (init.scope,
 * controllers); otherwise says in one line what is unavailable. Never fatal. */
void manager_setup_cgroups(Manager *m);
/* Waits for the move into init.scope that manager_setup_cgroups() began (the units were loaded
 * meanwhile), enables the controllers and says what it did; manager_boot() calls it before it
 * starts anything. Does nothing when no take-over is under way. */
void manager_finish_cgroups(Manager *m);

/* For the unit types (service.c, socket.c, timer.c, path.c, unit-passive.c). */
void munit_set_state(MUnit *u, ActiveState a, SubState s);
void manager_dispatch_soon(Manager *m);
const char *active_state_to_string(ActiveState s);
const char *sub_state_to_string(SubState s);
/* The sub-state as systemd names it for the unit's type ("active" for a target, "listening"
 * for a socket, "running" for a service...). */
const char *munit_sub_state_string(const MUnit *u);
void manager_log(Manager *m, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void manager_status(Manager *m, const char *tag, MUnit *u, const char *what);
/* The unit whose main or control process pid is (the first in the manager's order of units when
 * several name it), or NULL: a look-up in the pid index, not a scan of the units. */
MUnit *manager_unit_by_pid(Manager *m, pid_t pid);
/* Every change of a unit's main or control pid goes through these, so the index stays true. */
void munit_set_main_pid(MUnit *u, pid_t pid);
void munit_set_control_pid(MUnit *u, pid_t pid);
/* Drops u's entries from the pid index (the unit is being freed). */
void manager_pid_index_forget(MUnit *u);
/* Whether any unit has a job (a counter, not a walk over the units: transaction.c keeps it). */
bool manager_has_jobs(const Manager *m);
/* Reaps every zombie child, dispatching those of units (the SIGCHLD handler; also called from
 * the stop polls so that a missed notification cannot hold a stop up). */
void manager_reap(Manager *m);
/* Condition*= of a unit: true when met; false when one failed (said in one line, the unit's job
 * is done and it stays as it is: systemd's "skipped"). */
bool munit_conditions_met(MUnit *u);

enum { MLOG_ERR, MLOG_WARN, MLOG_INFO, MLOG_DEBUG };
