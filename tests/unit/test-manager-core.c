/* SPDX-License-Identifier: MIT */
/*
 * The manager's core without root and without processes: jobs, ordering, requirements, the
 * service state machine, restart, start limits, conditions and shutdown, driven through the
 * system-call table (service/sys.h). spawn hands out made-up pids, kill records the signal (and,
 * for SIGTERM/SIGKILL, makes the process exit unless the test says it ignores SIGTERM), waitid
 * hands the exits to the manager's own SIGCHLD path (manager_reap). Unit files are written into a
 * temporary directory that is the whole search path ($SYSTEMD_UNIT_PATH).
 *
 * What is asserted is systemd's behaviour as the integration tests compare it with systemd 252
 * (tests/integration/test_jobs.py, test_job_oracle.py, test_deps_matrix.py, test_shutdown.py,
 * test_manager.py): these cases check the same rules in milliseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "service/manager-private.h"
#include "service/notify.h"
#include "service/spawn.h"
#include "service/sys.h"
#include "tests/tap.h"

#define PID_BASE 400000
#define MAX_EVENTS 512

/* ---- the fake system ------------------------------------------------------------------------- */

static struct {
        char unit[64], path[128];
        pid_t pid;
        bool is_main;
} spawned[MAX_EVENTS];
static size_t n_spawned;

static struct {
        pid_t pid;
        int sig;
} killed[MAX_EVENTS];
static size_t n_killed;

static bool alive[MAX_EVENTS], ignores_term[MAX_EVENTS];
static struct {
        pid_t pid;
        int code, status;
} exits[MAX_EVENTS];
static size_t exits_head, exits_tail;
static uint64_t clock_offset;

static bool ours(pid_t pid) {
        return pid >= PID_BASE && pid < PID_BASE + MAX_EVENTS;
}

static void queue_exit(pid_t pid, int code, int status) {
        if (!ours(pid) || !alive[pid - PID_BASE] || exits_tail >= MAX_EVENTS)
                return;
        alive[pid - PID_BASE] = false;
        exits[exits_tail].pid = pid;
        exits[exits_tail].code = code;
        exits[exits_tail].status = status;
        exits_tail++;
}

static int fake_spawn(MUnit *u, const ExecCommand *cmd, char *const *extra_env, bool is_main, pid_t *ret_pid) {
        size_t i = n_spawned;

        (void) extra_env;
        if (i >= MAX_EVENTS)
                return -ENOMEM;
        snprintf(spawned[i].unit, sizeof(spawned[i].unit), "%s", u->id);
        snprintf(spawned[i].path, sizeof(spawned[i].path), "%s", cmd->path ? cmd->path : "");
        spawned[i].pid = PID_BASE + (pid_t) i;
        spawned[i].is_main = is_main;
        alive[i] = true;
        n_spawned++;
        if (u->session <= 0 || is_main)
                u->session = spawned[i].pid;
        *ret_pid = spawned[i].pid;
        return 0;
}

static int fake_kill(pid_t pid, int sig) {
        if (!ours(pid) || !alive[pid - PID_BASE]) {
                errno = ESRCH;
                return -1;
        }
        if (sig == 0)
                return 0;
        if (n_killed < MAX_EVENTS) {
                killed[n_killed].pid = pid;
                killed[n_killed].sig = sig;
                n_killed++;
        }
        if (sig == SIGKILL || (sig == SIGTERM && !ignores_term[pid - PID_BASE]))
                queue_exit(pid, CLD_KILLED, sig);
        return 0;
}

static int fake_waitid(idtype_t type, id_t id, siginfo_t *info, int options) {
        memset(info, 0, sizeof(*info));
        if (exits_head == exits_tail)
                return 0; /* WNOHANG: nothing */
        if (type == P_PID && (pid_t) id != exits[exits_head].pid)
                return 0;
        info->si_pid = exits[exits_head].pid;
        info->si_code = exits[exits_head].code;
        info->si_status = exits[exits_head].status;
        if (!(options & WNOWAIT))
                exits_head++;
        return 0;
}

static uint64_t fake_now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000 + clock_offset;
}

static int fake_pidfd_open(pid_t pid) {
        (void) pid;
        errno = ENOSYS; /* the fake processes have no pidfd: the pid alone, as without pidfd_open() */
        return -1;
}

static const SysOps fake_sys = {
        .spawn = fake_spawn, .kill = fake_kill, .pidfd_open = fake_pidfd_open, .waitid = fake_waitid, .now = fake_now,
};

/* The real spawn_exec (everything PID 1 does before the child starts), with the last step, the
 * start of the child, recorded instead of run: which primitive was chosen. */
static SpawnHow started_how[MAX_EVENTS];

static int fake_start_child(MUnit *u, SpawnHow how, int (*fn)(void *), void *arg, pid_t *ret_pid) {
        size_t i = n_spawned;

        (void) fn, (void) arg;
        if (i >= MAX_EVENTS)
                return -ENOMEM;
        snprintf(spawned[i].unit, sizeof(spawned[i].unit), "%s", u->id);
        spawned[i].pid = PID_BASE + (pid_t) i;
        started_how[i] = how;
        alive[i] = true;
        n_spawned++;
        *ret_pid = spawned[i].pid;
        return 0;
}

static const SysOps spawn_sys = {
        .spawn = spawn_exec, .kill = fake_kill, .pidfd_open = fake_pidfd_open, .waitid = fake_waitid, .now = fake_now,
        .start_child = fake_start_child,
};

/* ---- observing jobs -------------------------------------------------------------------------- */

static struct {
        char unit[64];
        JobType type;
        JobResult result;
} removed[MAX_EVENTS];
static size_t n_removed;

static void on_job_removed(void *userdata, uint32_t id, MUnit *u, JobType type, JobResult result) {
        (void) userdata, (void) id;
        if (n_removed >= MAX_EVENTS)
                return;
        snprintf(removed[n_removed].unit, sizeof(removed[n_removed].unit), "%s", u->id);
        removed[n_removed].type = type;
        removed[n_removed].result = result;
        n_removed++;
}

static const ManagerHooks hooks = { .job_removed = on_job_removed };

/* The last result of a job of `unit`, -1 if none ended. */
static int job_result(const char *unit) {
        for (size_t i = n_removed; i-- > 0;)
                if (strcmp(removed[i].unit, unit) == 0)
                        return (int) removed[i].result;
        return -1;
}

/* The last result of a job of `unit` of type t, -1 if none ended. */
static int job_result_of(const char *unit, JobType t) {
        for (size_t i = n_removed; i-- > 0;)
                if (strcmp(removed[i].unit, unit) == 0 && removed[i].type == t)
                        return (int) removed[i].result;
        return -1;
}

static size_t spawns_of(const char *unit) {
        size_t k = 0;
        for (size_t i = 0; i < n_spawned; i++)
                k += strcmp(spawned[i].unit, unit) == 0;
        return k;
}

/* The position of unit's first spawn, SIZE_MAX if none. */
static size_t first_spawn(const char *unit) {
        for (size_t i = 0; i < n_spawned; i++)
                if (strcmp(spawned[i].unit, unit) == 0)
                        return i;
        return SIZE_MAX;
}

static size_t first_kill_of(const char *unit, int sig) {
        for (size_t i = 0; i < n_killed; i++)
                for (size_t j = 0; j < n_spawned; j++)
                        if (killed[i].pid == spawned[j].pid && killed[i].sig == sig && strcmp(spawned[j].unit, unit) == 0)
                                return i;
        return SIZE_MAX;
}

/* ---- a manager over a directory of units ----------------------------------------------------- */

static char dir[256];

static void write_unit(const char *name, const char *text) {
        char path[512];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", dir, name);
        f = fopen(path, "we");
        if (!f) {
                perror(path);
                exit(2);
        }
        fputs(text, f);
        fclose(f);
}

static void clean_dir(void) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
                fprintf(stderr, "# could not remove %s\n", dir);
}

static void fresh(void) {
        clean_dir();
        if (mkdir(dir, 0755) < 0) {
                perror(dir);
                exit(2);
        }
        n_spawned = n_killed = n_removed = 0;
        exits_head = exits_tail = 0;
        clock_offset = 0;
        memset(alive, 0, sizeof(alive));
        memset(ignores_term, 0, sizeof(ignores_term));
}

static Manager *start_manager(void) {
        Manager *m = NULL;

        if (manager_new(NULL, &m) < 0) {
                printf("Bail out! manager_new failed\n");
                exit(1);
        }
        m->sys = &fake_sys;
        m->verbosity = -1;
        m->show_status = false;
        m->hooks = &hooks;
        /* These tests look at units after they stopped: no garbage collection here (it unloads
         * every unit nothing references once it is down); test_gc() turns it back on. */
        m->defer_gc = sd_event_source_disable_unref(m->defer_gc);
        return m;
}

/* Runs what is due now: deferred dispatches, and the exits queued (the SIGCHLD path). */
static void settle(Manager *m) {
        for (int round = 0; round < 1000; round++) {
                bool any = exits_head != exits_tail;
                if (any)
                        manager_reap(m);
                if (sd_event_run(m->event, 0) <= 0 && !any)
                        return;
        }
}

/* Runs the loop for up to `ms` (timers: RestartSec=, timeouts), settling as it goes. */
static void run_for(Manager *m, unsigned ms) {
        uint64_t end = fake_now() - clock_offset + (uint64_t) ms * 1000;
        for (;;) {
                uint64_t now = fake_now() - clock_offset;
                settle(m);
                if (now >= end)
                        return;
                (void) sd_event_run(m->event, end - now);
        }
}

static uint64_t mono_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

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

static MUnit *load(Manager *m, const char *name) {
        MUnit *u = NULL;
        if (manager_load_unit(m, name, &u) < 0)
                return NULL;
        return u;
}

static MUnit *start(Manager *m, const char *name) {
        MUnit *u = load(m, name);
        if (u) {
                manager_start_unit(m, u);
                settle(m);
        }
        return u;
}

/* The unit's last process (a oneshot's ExecStart= runs as a control process, not a main one). */
static pid_t last_pid_of(const char *unit) {
        for (size_t i = n_spawned; i-- > 0;)
                if (strcmp(spawned[i].unit, unit) == 0)
                        return spawned[i].pid;
        return 0;
}

static void notify(MUnit *u, const char *text) {
        struct notify_msg msg;
        const char *err = NULL;
        if (notify_parse(text, strlen(text), &msg, &err) == 0)
                munit_vtable(u)->notify(u, u->main_pid, 0, &msg);
}

#define ACTIVE(u) ((u) && (u)->active == STATE_ACTIVE)

/* ---- the cases ------------------------------------------------------------------------------- */

static void test_simple_start(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK(ACTIVE(a));
        CHECK(a && a->sub == SUB_RUNNING);
        CHECK_INT(spawns_of("a.service"), 1);
        CHECK(strcmp(spawned[first_spawn("a.service")].path, "/bin/a") == 0);
        CHECK_INT(job_result("a.service"), JOB_DONE);
        manager_free(m);
}

static void test_start_merges(void) {
        Manager *m;
        MUnit *a;
        int id1, id2;

        fresh();
        write_unit("a.service", "[Service]\nType=notify\nExecStart=/bin/a\n");
        m = start_manager();
        a = load(m, "a.service");
        id1 = manager_add_job(m, a, JOB_START, false);
        id2 = manager_add_job(m, a, JOB_START, false);
        CHECK(id1 > 0 && id1 == id2); /* the second start merges into the first */
        settle(m);
        CHECK_INT(spawns_of("a.service"), 1);
        CHECK_INT(a->active, STATE_ACTIVATING); /* Type=notify: up at READY=1 */
        notify(a, "READY=1");
        settle(m);
        CHECK(ACTIVE(a));
        manager_free(m);
}

static void test_ordering_waits_for_ready(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nType=notify\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        write_unit("t.target", "[Unit]\nWants=a.service b.service\n");
        m = start_manager();
        start(m, "t.target");
        a = manager_get_unit(m, "a.service");
        CHECK_INT(spawns_of("b.service"), 0); /* b is ordered after a, which is not up yet */
        notify(a, "READY=1");
        settle(m);
        CHECK_INT(spawns_of("b.service"), 1);
        CHECK(first_spawn("a.service") < first_spawn("b.service"));
        manager_free(m);
}

static void test_requires_failure(void) {
        Manager *m;
        MUnit *b;

        fresh();
        write_unit("a.service", "[Service]\nType=oneshot\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nRequires=a.service\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        b = start(m, "b.service");
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 1);
        settle(m);
        CHECK_INT(manager_get_unit(m, "a.service")->active, STATE_FAILED);
        CHECK_INT(job_result("a.service"), JOB_FAILED);
        CHECK_INT(job_result("b.service"), JOB_DEPENDENCY);
        CHECK_INT(spawns_of("b.service"), 0);
        CHECK(b && b->active == STATE_INACTIVE);
        manager_free(m);
}

static void test_wants_failure_does_not_block(void) {
        Manager *m;
        MUnit *b;

        fresh();
        write_unit("a.service", "[Service]\nType=oneshot\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nWants=a.service\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        b = start(m, "b.service");
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 1);
        settle(m);
        CHECK_INT(manager_get_unit(m, "a.service")->active, STATE_FAILED);
        CHECK(ACTIVE(b));
        manager_free(m);
}

static void test_condition_skips(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Unit]\nConditionPathExists=/nonexistent/h13-test\n[Service]\nExecStart=/bin/a\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK_INT(spawns_of("a.service"), 0);
        CHECK(a && a->active == STATE_INACTIVE && !a->condition_result);
        CHECK_INT(job_result("a.service"), JOB_DONE); /* a skipped start is done, not failed */
        manager_free(m);
}

static void test_restart_on_failure(void) {
        Manager *m;
        MUnit *a;

        fresh();
        /* RestartSec= long enough that the state between the exit and the restart is seen even
         * on a loaded machine (the loop's timers are real). */
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nRestart=on-failure\nRestartSec=600ms\n");
        m = start_manager();
        a = start(m, "a.service");
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 3);
        settle(m);
        CHECK_INT(a->sub, SUB_AUTO_RESTART);
        CHECK_INT(spawns_of("a.service"), 1);
        RUN_UNTIL(m, spawns_of("a.service") == 2 && ACTIVE(a), 5000);
        CHECK_INT(spawns_of("a.service"), 2);
        CHECK(ACTIVE(a));
        CHECK_INT(a->n_restarts, 1);
        manager_free(m);
}

static void test_no_restart_on_success(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nRestart=on-failure\nRestartSec=10ms\n");
        m = start_manager();
        a = start(m, "a.service");
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 0);
        run_for(m, 40);
        CHECK_INT(spawns_of("a.service"), 1);
        CHECK_INT(a->active, STATE_INACTIVE);
        CHECK_INT(a->result, RESULT_SUCCESS);
        manager_free(m);
}

static void test_start_limit(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Unit]\nStartLimitBurst=3\nStartLimitIntervalSec=1h\n"
                                "[Service]\nExecStart=/bin/a\nRestart=always\nRestartSec=1ms\n");
        m = start_manager();
        a = start(m, "a.service");
        for (int i = 0; i < 6 && a->active != STATE_FAILED; i++) {
                size_t before = spawns_of("a.service");
                queue_exit(last_pid_of("a.service"), CLD_EXITED, 1);
                RUN_UNTIL(m, a->active == STATE_FAILED || (spawns_of("a.service") > before && ACTIVE(a)), 5000);
        }
        CHECK_INT(spawns_of("a.service"), 3); /* the fourth start within the interval is refused */
        CHECK_INT(a->active, STATE_FAILED);
        CHECK(a->start_limit_hit);
        /* reset-failed clears the limit: it starts again. */
        manager_reset_failed(m, a);
        CHECK_INT(a->active, STATE_INACTIVE);
        manager_start_unit(m, a);
        settle(m);
        CHECK_INT(spawns_of("a.service"), 4);
        manager_free(m);
}

static void test_start_limit_interval_passes(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Unit]\nStartLimitBurst=2\nStartLimitIntervalSec=10s\n"
                                "[Service]\nExecStart=/bin/a\nRestart=always\nRestartSec=1ms\n");
        m = start_manager();
        a = start(m, "a.service");
        for (int i = 0; i < 4; i++) {
                clock_offset += 20 * 1000000ULL; /* each exit 20 s after the last: never too quick */
                queue_exit(last_pid_of("a.service"), CLD_EXITED, 1);
                RUN_UNTIL(m, a->active == STATE_FAILED || (spawns_of("a.service") == (size_t) i + 2 && ACTIVE(a)), 5000);
        }
        CHECK_INT(spawns_of("a.service"), 5);
        CHECK(ACTIVE(a));
        manager_free(m);
}

static void test_oneshot_remain(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/a\n");
        write_unit("b.service", "[Service]\nType=oneshot\nExecStart=/bin/b\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK_INT(a->active, STATE_ACTIVATING); /* a oneshot is up when it has run */
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 0);
        settle(m);
        CHECK(ACTIVE(a) && a->sub == SUB_EXITED);
        b = start(m, "b.service");
        queue_exit(last_pid_of("b.service"), CLD_EXITED, 0);
        settle(m);
        CHECK(b->active == STATE_INACTIVE && b->sub == SUB_DEAD);
        CHECK_INT(job_result("b.service"), JOB_DONE);
        manager_free(m);
}

static void test_oneshot_failure_result(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nType=oneshot\nExecStart=/bin/a\n");
        m = start_manager();
        a = start(m, "a.service");
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 2);
        settle(m);
        CHECK_INT(a->active, STATE_FAILED);
        CHECK_INT(a->result, RESULT_EXIT_CODE);
        CHECK(strcmp(unit_result_to_string(a->result), "exit-code") == 0);
        manager_free(m);
}

static void test_start_pre_failure(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStartPre=/bin/pre\nExecStart=/bin/a\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK_INT(spawns_of("a.service"), 1);
        CHECK(strcmp(spawned[0].path, "/bin/pre") == 0 && !spawned[0].is_main);
        queue_exit(spawned[0].pid, CLD_EXITED, 1);
        settle(m);
        CHECK_INT(spawns_of("a.service"), 1); /* ExecStart= never runs */
        CHECK_INT(a->active, STATE_FAILED);
        CHECK_INT(job_result("a.service"), JOB_FAILED);
        manager_free(m);
}

static void test_stop_sigterm(void) {
        Manager *m;
        MUnit *a;
        pid_t pid;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        m = start_manager();
        a = start(m, "a.service");
        pid = a->main_pid;
        manager_stop_unit(m, a);
        settle(m);
        CHECK(n_killed > 0 && killed[0].pid == pid && killed[0].sig == SIGTERM);
        CHECK_INT(a->active, STATE_INACTIVE);
        CHECK_INT(a->result, RESULT_SUCCESS); /* SIGTERM at a stop is a clean exit */
        CHECK_INT(job_result("a.service"), JOB_DONE);
        manager_free(m);
}

static void test_stop_timeout_sigkill(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nTimeoutStopSec=30ms\n");
        m = start_manager();
        a = start(m, "a.service");
        ignores_term[a->main_pid - PID_BASE] = true;
        manager_stop_unit(m, a);
        settle(m);
        CHECK_INT(a->sub, SUB_STOP_SIGTERM);
        RUN_UNTIL(m, a->active == STATE_FAILED || a->active == STATE_INACTIVE, 5000);
        CHECK(first_kill_of("a.service", SIGKILL) != SIZE_MAX);
        CHECK(first_kill_of("a.service", SIGTERM) < first_kill_of("a.service", SIGKILL));
        CHECK_INT(a->active, STATE_FAILED); /* systemd: Result=timeout */
        CHECK_INT(a->result, RESULT_TIMEOUT);
        manager_free(m);
}

static void test_conflicts(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nConflicts=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK(ACTIVE(a));
        b = start(m, "b.service");
        CHECK(ACTIVE(b));
        CHECK_INT(a->active, STATE_INACTIVE);
        /* and the other way round: Conflicts= works both ways */
        start(m, "a.service");
        CHECK(ACTIVE(a));
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_binds_to(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nBindsTo=a.service\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        b = start(m, "b.service");
        a = manager_get_unit(m, "a.service");
        CHECK(ACTIVE(a) && ACTIVE(b));
        queue_exit(a->main_pid, CLD_EXITED, 0); /* a exits by itself: b, bound to it, stops */
        settle(m);
        CHECK_INT(a->active, STATE_INACTIVE);
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_part_of(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nPartOf=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK_INT(spawns_of("b.service"), 0); /* PartOf= does not pull in */
        b = start(m, "b.service");
        manager_stop_unit(m, a);
        settle(m);
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_on_failure(void) {
        Manager *m;
        MUnit *h;

        fresh();
        write_unit("a.service", "[Unit]\nOnFailure=h.service\n[Service]\nExecStart=/bin/a\n");
        write_unit("h.service", "[Service]\nExecStart=/bin/h\n");
        m = start_manager();
        start(m, "a.service");
        CHECK_INT(spawns_of("h.service"), 0);
        queue_exit(last_pid_of("a.service"), CLD_KILLED, SIGSEGV);
        settle(m);
        h = manager_get_unit(m, "h.service");
        CHECK(ACTIVE(h));
        CHECK_INT(manager_get_unit(m, "a.service")->result, RESULT_SIGNAL);
        manager_free(m);
}

static void test_shutdown_reverse_order(void) {
        Manager *m;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        write_unit("c.service", "[Unit]\nAfter=b.service\n[Service]\nExecStart=/bin/c\n");
        write_unit("t.target", "[Unit]\nWants=a.service b.service c.service\n");
        m = start_manager();
        start(m, "t.target");
        CHECK(first_spawn("a.service") < first_spawn("b.service") && first_spawn("b.service") < first_spawn("c.service"));
        manager_begin_shutdown(m, 0);
        settle(m);
        CHECK(first_kill_of("c.service", SIGTERM) < first_kill_of("b.service", SIGTERM));
        CHECK(first_kill_of("b.service", SIGTERM) < first_kill_of("a.service", SIGTERM));
        CHECK_INT(manager_get_unit(m, "a.service")->active, STATE_INACTIVE);
        CHECK(strcmp(manager_system_state(m), "stopping") == 0);
        manager_free(m);
}

static void test_nothing_starts_in_shutdown(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        m = start_manager();
        a = load(m, "a.service");
        manager_begin_shutdown(m, 0);
        CHECK_INT(manager_add_job(m, a, JOB_START, false), -ESHUTDOWN);
        CHECK_INT(manager_start_unit(m, a), -ESHUTDOWN);
        settle(m);
        CHECK_INT(spawns_of("a.service"), 0);
        manager_free(m);
}

static void test_shutdown_bound(void) {
        Manager *m;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nTimeoutStopSec=2s\n");
        write_unit("b.service", "[Unit]\nAfter=a.service\n[Service]\nExecStart=/bin/b\nTimeoutStopSec=3s\n");
        write_unit("t.target", "[Unit]\nWants=a.service b.service\n");
        m = start_manager();
        start(m, "t.target");
        for (size_t i = 0; i < n_spawned; i++)
                ignores_term[i] = true; /* nothing stops: the bound is what counts */
        manager_begin_shutdown(m, 0);
        /* b stops first, then a: (SIGTERM + SIGKILL) x 3 s + (SIGTERM + SIGKILL) x 2 s */
        CHECK_INT(m->shutdown_bound_usec, 10 * 1000000ULL);
        manager_free(m);
}

static void test_masked_requirement_refused(void) {
        Manager *m;
        MUnit *b;
        char path[512];

        fresh();
        write_unit("b.service", "[Unit]\nRequires=m.service\n[Service]\nExecStart=/bin/b\n");
        snprintf(path, sizeof(path), "%s/m.service", dir);
        CHECK(symlink("/dev/null", path) == 0);
        m = start_manager();
        b = load(m, "b.service");
        CHECK(b && manager_start_blocker(m, b) == manager_get_unit(m, "m.service"));
        manager_free(m);
}

static void test_reload(void) {
        Manager *m;
        MUnit *a, *b;
        int id;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Service]\nExecStart=/bin/b\nExecReload=/bin/reload-b\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK_INT(manager_add_job(m, a, JOB_RELOAD, false), -EBADR); /* no ExecReload= */
        b = start(m, "b.service");
        id = manager_add_job(m, b, JOB_RELOAD, false);
        CHECK(id > 0);
        settle(m);
        CHECK_INT(b->active, STATE_RELOADING);
        CHECK(strcmp(spawned[n_spawned - 1].path, "/bin/reload-b") == 0);
        queue_exit(spawned[n_spawned - 1].pid, CLD_EXITED, 0);
        settle(m);
        CHECK(ACTIVE(b));
        CHECK_INT(job_result("b.service"), JOB_DONE);
        manager_free(m);
}

static void test_restart_job(void) {
        Manager *m;
        MUnit *a;
        pid_t old;
        int id;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        m = start_manager();
        a = start(m, "a.service");
        old = a->main_pid;
        id = manager_add_job(m, a, JOB_RESTART, false);
        CHECK(id > 0);
        settle(m);
        CHECK(ACTIVE(a));
        CHECK(a->main_pid != old && a->main_pid > 0);
        CHECK_INT(spawns_of("a.service"), 2);
        CHECK_INT(removed[n_removed - 1].type, JOB_START); /* the restart ends as a start, one job */
        manager_free(m);
}

static void test_cancel(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Service]\nType=notify\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nAfter=a.service\nWants=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        b = start(m, "b.service");
        a = manager_get_unit(m, "a.service");
        CHECK_INT(manager_cancel_job(m, a), -EBUSY); /* a's start runs: it cannot be canceled */
        CHECK_INT(manager_cancel_job(m, b), 0);
        CHECK_INT(job_result("b.service"), JOB_CANCELED);
        notify(a, "READY=1");
        settle(m);
        CHECK_INT(spawns_of("b.service"), 0);
        manager_free(m);
}

static void test_ordering_cycle_broken(void) {
        Manager *m;

        fresh();
        write_unit("a.service", "[Unit]\nAfter=b.service\n[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        write_unit("t.target", "[Unit]\nWants=a.service b.service\n");
        m = start_manager();
        start(m, "t.target");
        /* one job of the cycle is dropped (canceled), the other runs */
        CHECK_INT(spawns_of("a.service") + spawns_of("b.service"), 1);
        CHECK(job_result("a.service") == JOB_CANCELED || job_result("b.service") == JOB_CANCELED);
        CHECK(ACTIVE(manager_get_unit(m, "t.target")));
        manager_free(m);
}

static void test_requisite(void) {
        Manager *m;
        MUnit *b;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nRequisite=a.service\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        b = start(m, "b.service");
        CHECK_INT(spawns_of("a.service"), 0); /* Requisite= does not start it */
        CHECK_INT(spawns_of("b.service"), 0);
        CHECK_INT(job_result("b.service"), JOB_DEPENDENCY);
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_degraded_state(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nType=oneshot\nExecStart=/bin/a\n");
        m = start_manager();
        CHECK(strcmp(manager_system_state(m), "starting") == 0);
        a = load(m, "a.service");
        m->boot_target = a;
        manager_start_unit(m, a);
        settle(m);
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 1);
        settle(m);
        CHECK(strcmp(manager_system_state(m), "degraded") == 0);
        manager_reset_failed(m, a);
        CHECK(strcmp(manager_system_state(m), "running") == 0);
        manager_free(m);
}

static void test_stop_propagates_from_inactive(void) {
        Manager *m;
        MUnit *b;

        fresh();
        write_unit("a.service", "[Unit]\nConditionPathExists=/nonexistent/h13-test\n[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nPartOf=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        start(m, "a.service");
        b = start(m, "b.service");
        CHECK(ACTIVE(b));
        /* a was skipped (inactive); its stop still reaches what is part of it */
        manager_stop_unit(m, manager_get_unit(m, "a.service"));
        settle(m);
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_sub_state_names(void) {
        Manager *m;
        MUnit *a, *t;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("t.target", "[Unit]\nWants=a.service\n");
        m = start_manager();
        t = start(m, "t.target");
        a = manager_get_unit(m, "a.service");
        CHECK(strcmp(munit_sub_state_string(a), "running") == 0);
        CHECK(strcmp(munit_sub_state_string(t), "active") == 0);
        manager_free(m);
}

static void test_stop_when_unneeded(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Unit]\nWants=b.service\n[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nStopWhenUnneeded=yes\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        a = start(m, "a.service");
        b = manager_get_unit(m, "b.service");
        CHECK(ACTIVE(b));
        manager_stop_unit(m, a);
        settle(m);
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_upholds(void) {
        Manager *m;
        MUnit *b;

        fresh();
        write_unit("a.service", "[Unit]\nUpholds=b.service\n[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        start(m, "a.service");
        b = manager_get_unit(m, "b.service");
        CHECK(ACTIVE(b));
        queue_exit(b->main_pid, CLD_EXITED, 0);
        settle(m);
        CHECK_INT(spawns_of("b.service"), 2); /* upheld: started again */
        CHECK(ACTIVE(b));
        manager_free(m);
}

static void test_on_success(void) {
        Manager *m;

        fresh();
        write_unit("a.service", "[Unit]\nOnSuccess=h.service\n[Service]\nType=oneshot\nExecStart=/bin/a\n");
        write_unit("h.service", "[Service]\nExecStart=/bin/h\n");
        m = start_manager();
        start(m, "a.service");
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 0);
        settle(m);
        CHECK(ACTIVE(manager_get_unit(m, "h.service")));
        manager_free(m);
}

static void test_restart_always_after_success(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nRestart=always\nRestartSec=5ms\n");
        m = start_manager();
        a = start(m, "a.service");
        queue_exit(a->main_pid, CLD_EXITED, 0);
        RUN_UNTIL(m, spawns_of("a.service") == 2 && ACTIVE(a), 5000);
        CHECK_INT(spawns_of("a.service"), 2);
        CHECK(ACTIVE(a));
        manager_free(m);
}

static void test_on_failure_clean_signal_no_restart(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nRestart=on-failure\nRestartSec=5ms\n");
        m = start_manager();
        a = start(m, "a.service");
        queue_exit(a->main_pid, CLD_KILLED, SIGTERM); /* SIGTERM from outside: a clean exit */
        run_for(m, 30);
        CHECK_INT(spawns_of("a.service"), 1);
        CHECK_INT(a->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_success_exit_status(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nRestart=on-failure\nRestartSec=5ms\nSuccessExitStatus=3\n");
        m = start_manager();
        a = start(m, "a.service");
        queue_exit(a->main_pid, CLD_EXITED, 3);
        run_for(m, 30);
        CHECK_INT(spawns_of("a.service"), 1);
        CHECK_INT(a->result, RESULT_SUCCESS);
        manager_free(m);
}

static void test_stop_replaces_waiting_start(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Service]\nType=notify\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nAfter=a.service\nWants=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        b = start(m, "b.service");
        a = manager_get_unit(m, "a.service");
        manager_stop_unit(m, b);
        settle(m);
        CHECK_INT(job_result_of("b.service", JOB_START), JOB_CANCELED); /* replaced by the stop */
        CHECK_INT(job_result_of("b.service", JOB_STOP), JOB_DONE);
        notify(a, "READY=1");
        settle(m);
        CHECK_INT(spawns_of("b.service"), 0);
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_verify_active_and_try_restart(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        m = start_manager();
        a = load(m, "a.service");
        CHECK_INT(manager_add_job(m, a, JOB_TRY_RESTART, false), 0); /* inactive: nothing to do */
        CHECK(manager_add_job(m, a, JOB_VERIFY_ACTIVE, false) > 0);
        settle(m);
        CHECK_INT(job_result("a.service"), JOB_SKIPPED);
        CHECK_INT(spawns_of("a.service"), 0);
        manager_free(m);
}

static void test_exec_stop_post(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nExecStopPost=/bin/post\n");
        m = start_manager();
        a = start(m, "a.service");
        manager_stop_unit(m, a);
        settle(m);
        CHECK(strcmp(spawned[n_spawned - 1].path, "/bin/post") == 0);
        CHECK_INT(a->sub, SUB_STOP_POST);
        queue_exit(spawned[n_spawned - 1].pid, CLD_EXITED, 0);
        settle(m);
        CHECK_INT(a->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_masked_start_fails(void) {
        Manager *m;
        MUnit *a;
        char path[512];

        fresh();
        snprintf(path, sizeof(path), "%s/a.service", dir);
        CHECK(symlink("/dev/null", path) == 0);
        m = start_manager();
        a = start(m, "a.service");
        CHECK(a && a->u->load_state == UNIT_MASKED);
        CHECK_INT(job_result("a.service"), JOB_FAILED);
        CHECK_INT(spawns_of("a.service"), 0);
        manager_free(m);
}

/* systemd's unit GC (manager-gc.c): a unit that is down and that nothing kept references goes at
 * the next idle moment; one referenced by a running unit (any dependency, After= too) stays; a
 * cycle of down units that only reference each other goes whole; a failed one stays until reset;
 * a unit that only a unit that goes referenced goes with it. */
static void test_gc(void) {
        Manager *m;
        MUnit *c;

        fresh();
        write_unit("x.service", "[Service]\nExecStart=/bin/x\n");
        write_unit("c.service", "[Unit]\nAfter=d.service\n[Service]\nExecStart=/bin/c\n");
        write_unit("d.service", "[Service]\nExecStart=/bin/d\n");
        write_unit("e.service", "[Unit]\nWants=f.service\n[Service]\nExecStart=/bin/e\n");
        write_unit("f.service", "[Unit]\nWants=e.service\n[Service]\nExecStart=/bin/f\n");
        write_unit("g.service", "[Service]\nType=oneshot\nExecStart=/bin/false\n");
        m = NULL;
        if (manager_new(NULL, &m) < 0)
                exit(1);
        m->sys = &fake_sys;
        m->verbosity = -1;
        m->show_status = false;
        m->hooks = &hooks;
        CHECK(load(m, "x.service") != NULL);
        CHECK(load(m, "e.service") != NULL);
        CHECK(load(m, "nosuch.service") != NULL);
        c = start(m, "c.service");
        CHECK(c && ACTIVE(c));
        CHECK(start(m, "g.service") != NULL);
        queue_exit(last_pid_of("g.service"), CLD_EXITED, 1);
        settle(m);
        CHECK(manager_get_unit(m, "x.service") == NULL);
        CHECK(manager_get_unit(m, "nosuch.service") == NULL);
        CHECK(manager_get_unit(m, "e.service") == NULL && manager_get_unit(m, "f.service") == NULL);
        CHECK(manager_get_unit(m, "c.service") == c);
        CHECK(manager_get_unit(m, "d.service") != NULL);
        CHECK(manager_get_unit(m, "g.service") && manager_get_unit(m, "g.service")->active == STATE_FAILED);
        manager_reset_failed(m, manager_get_unit(m, "g.service"));
        settle(m);
        CHECK(manager_get_unit(m, "g.service") == NULL);
        /* c stops and goes; d, looked at when it was loaded and kept then, lost its only
         * reference: it goes in the same pass (the queue takes what a unit that goes references). */
        manager_stop_unit(m, c);
        settle(m);
        CHECK(manager_get_unit(m, "c.service") == NULL);
        CHECK(manager_get_unit(m, "d.service") == NULL);
        manager_free(m);
}

static void test_start_timeout(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nType=notify\nExecStart=/bin/a\nTimeoutStartSec=20ms\n");
        m = start_manager();
        a = start(m, "a.service");
        RUN_UNTIL(m, a->active == STATE_FAILED || a->active == STATE_INACTIVE, 5000);
        CHECK(first_kill_of("a.service", SIGTERM) != SIZE_MAX);
        CHECK_INT(a->active, STATE_FAILED);
        CHECK_INT(a->result, RESULT_TIMEOUT);
        CHECK_INT(job_result("a.service"), JOB_FAILED);
        manager_free(m);
}

static void test_target_condition(void) {
        Manager *m;
        MUnit *t;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("t.target", "[Unit]\nWants=a.service\nConditionPathExists=/nonexistent/h13-test\n");
        m = start_manager();
        t = start(m, "t.target");
        CHECK_INT(t->active, STATE_INACTIVE); /* the target is skipped... */
        CHECK(ACTIVE(manager_get_unit(m, "a.service"))); /* ...what it pulled in starts anyway */
        manager_free(m);
}

/* A unit whose child needs nothing but system calls is started vfork-style (no copy of PID 1:
 * fork's cost grows with PID 1's heap, issue 13); one with a step that allocates in the child
 * (libcap, seccomp, terminals) is forked. */
static void test_spawn_primitive(void) {
        static const struct {
                const char *name, *text;
                SpawnHow how;
        } cases[] = {
                { "plain.service", "[Service]\nExecStart=/bin/plain\n", SPAWN_VFORK },
                { "user.service", "[Service]\nUser=root\nGroup=root\nUMask=0077\nNice=1\nLimitNOFILE=100\nOOMScoreAdjust=10\n"
                                  "Environment=A=b\nWorkingDirectory=/\nExecStart=/bin/user\n", SPAWN_VFORK },
                { "oneshot.service", "[Service]\nType=oneshot\nExecStartPre=/bin/pre\nExecStart=-/bin/one\n", SPAWN_VFORK },
                { "caps.service", "[Service]\nCapabilityBoundingSet=CAP_CHOWN\nExecStart=/bin/caps\n", SPAWN_FORK },
                { "ambient.service", "[Service]\nAmbientCapabilities=CAP_CHOWN\nExecStart=/bin/amb\n", SPAWN_FORK },
                { "nnp.service", "[Service]\nNoNewPrivileges=yes\nExecStart=/bin/nnp\n", SPAWN_FORK },
                { "seccomp.service", "[Service]\nSystemCallFilter=@system-service\nExecStart=/bin/sc\n", SPAWN_FORK },
                { "keyring.service", "[Service]\nKeyringMode=shared\nExecStart=/bin/kr\n", SPAWN_FORK },
                { "tty.service", "[Service]\nStandardInput=tty\nTTYPath=/dev/tty63\nExecStart=/bin/tty\n", SPAWN_FORK },
                /* Settings kept raw that only PID 1 reads (shown, not enforced): vfork-style; one the
                 * child reads itself (and refuses): forked. (No credentials here: PID 1 would mount
                 * their directories in this test's mount namespace, the machine's.) */
                { "shown.service", "[Service]\nPAMName=login\nRestartSteps=3\nExecStart=/bin/shown\n", SPAWN_VFORK },
                { "image.service", "[Service]\nRootImage=/var/lib/x.raw\nExecStart=/bin/img\n", SPAWN_FORK },
        };
        Manager *m;

        fresh();
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                write_unit(cases[i].name, cases[i].text);
        m = start_manager();
        m->sys = &spawn_sys;
        m->spawn_vfork_min_rss_kb = 0; /* whatever this test's size: the kinds of units */
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                MUnit *u = start(m, cases[i].name);
                size_t k = first_spawn(cases[i].name);
                CHECK(u != NULL && k != SIZE_MAX);
                if (k == SIZE_MAX)
                        continue;
                for (size_t j = k; j < n_spawned; j++)
                        if (strcmp(spawned[j].unit, cases[i].name) == 0 && started_how[j] != cases[i].how) {
                                printf("# %s: started with %s\n", cases[i].name, started_how[j] == SPAWN_FORK ? "fork" : "vfork");
                                k = SIZE_MAX;
                        }
                CHECK(k != SIZE_MAX);
        }
        manager_free(m);
}

/* ---- the pid index, the job counter, the dispatch slices ------------------------------------- */

/* What manager_unit_by_pid() answered before it had an index: the first unit in the manager's
 * order whose main or control process pid is. */
static MUnit *unit_by_pid_scan(Manager *m, pid_t pid) {
        for (size_t i = 0; i < m->n_units; i++)
                if (pid > 0 && (m->units[i]->main_pid == pid || m->units[i]->control_pid == pid))
                        return m->units[i];
        return NULL;
}

static size_t jobs_scan(Manager *m) {
        size_t n = 0;
        for (size_t i = 0; i < m->n_units; i++)
                n += m->units[i]->job != JOB_NONE;
        return n;
}

/* Every started service is found by its pid, an exited one no longer; then thousands of random
 * changes of main and control pids over a small range of pids (shared pids, collisions, removals
 * from the middle of probe runs) give the same answers as the scan. */
static void test_pid_index(void) {
        char name[300], text[1024];
        uint32_t seed = 12345;
        unsigned mismatches = 0, found = 0;
        Manager *m;
        MUnit *t, *x;

        fresh();
        for (int i = 0; i < 150; i++) {
                snprintf(name, sizeof(name), "p%d.service", i);
                snprintf(text, sizeof(text), "[Service]\nExecStart=/bin/p%d\n", i);
                write_unit(name, text);
        }
        write_unit("all.target", "[Unit]\nDescription=all\n");
        for (int i = 0; i < 150; i++) {
                snprintf(name, sizeof(name), "p%d.service", i);
                snprintf(text, sizeof(text), "%s/all.target.wants", dir);
                mkdir(text, 0755);
                snprintf(text, sizeof(text), "%s/all.target.wants/%s", dir, name);
                snprintf(name, sizeof(name), "%s/p%d.service", dir, i);
                if (symlink(name, text) < 0)
                        perror(text);
        }
        m = start_manager();
        t = start(m, "all.target");
        CHECK(ACTIVE(t));
        CHECK_INT(n_spawned, 150);
        for (size_t i = 0; i < n_spawned; i++) {
                MUnit *u = manager_unit_by_pid(m, spawned[i].pid);
                found += u && strcmp(u->id, spawned[i].unit) == 0 && u == unit_by_pid_scan(m, spawned[i].pid);
        }
        CHECK_INT(found, 150);
        x = load(m, "p7.service");
        CHECK(x != NULL);
        if (x) {
                pid_t pid = x->main_pid;
                queue_exit(pid, CLD_EXITED, 0);
                settle(m);
                CHECK(x->main_pid == 0);
                CHECK(manager_unit_by_pid(m, pid) == NULL);
        }
        for (int op = 0; op < 20000; op++) {
                MUnit *u;
                pid_t pid;
                seed = seed * 1103515245u + 12345u;
                u = m->units[(seed >> 8) % m->n_units];
                seed = seed * 1103515245u + 12345u;
                pid = (pid_t) ((seed >> 8) % 97); /* 0 clears */
                if (seed & 0x10000)
                        munit_set_main_pid(u, pid);
                else
                        munit_set_control_pid(u, pid);
                seed = seed * 1103515245u + 12345u;
                pid = (pid_t) ((seed >> 8) % 97);
                mismatches += manager_unit_by_pid(m, pid) != unit_by_pid_scan(m, pid);
        }
        for (pid_t pid = 0; pid < 97; pid++)
                mismatches += manager_unit_by_pid(m, pid) != unit_by_pid_scan(m, pid);
        CHECK_INT(mismatches, 0);
        for (size_t i = 0; i < m->n_units; i++) {
                munit_set_main_pid(m->units[i], 0);
                munit_set_control_pid(m->units[i], 0);
        }
        CHECK_INT(m->pid_used, 0);
        manager_free(m);
}

/* The job counter is the number of units with a job at every step: a chain waiting for READY=1
 * link by link, a stop replacing a waiting start, a restart, and an empty queue at the end. */
static void test_job_counter(void) {
        char name[300], text[1024];
        unsigned mismatches = 0;
        Manager *m;
        MUnit *last, *first;

        fresh();
        for (int i = 0; i < 20; i++) {
                snprintf(name, sizeof(name), "c%d.service", i);
                if (i)
                        snprintf(text, sizeof(text), "[Unit]\nAfter=c%d.service\nRequires=c%d.service\n[Service]\nType=notify\nExecStart=/bin/c\n",
                                 i - 1, i - 1);
                else
                        snprintf(text, sizeof(text), "[Service]\nType=notify\nExecStart=/bin/c\n");
                write_unit(name, text);
        }
        m = start_manager();
        CHECK(!manager_has_jobs(m));
        last = start(m, "c19.service");
        CHECK(last != NULL);
        CHECK_INT(m->n_jobs, 20);
        CHECK(manager_has_jobs(m));
        for (int i = 0; i < 10; i++) {
                snprintf(name, sizeof(name), "c%d.service", i);
                MUnit *u = load(m, name);
                if (u)
                        notify(u, "READY=1");
                settle(m);
                mismatches += m->n_jobs != jobs_scan(m);
        }
        CHECK_INT(m->n_jobs, 10);
        /* c15 is stopped while its start waits: the stop replaces the start (and its dependents' starts fail) */
        first = load(m, "c15.service");
        if (first)
                manager_stop_unit(m, first);
        settle(m);
        mismatches += m->n_jobs != jobs_scan(m);
        for (int i = 10; i < 20; i++) {
                snprintf(name, sizeof(name), "c%d.service", i);
                MUnit *u = load(m, name);
                if (u && u->active == STATE_ACTIVATING)
                        notify(u, "READY=1");
                settle(m);
                mismatches += m->n_jobs != jobs_scan(m);
        }
        first = load(m, "c0.service");
        if (first)
                manager_add_job(m, first, JOB_RESTART, false);
        mismatches += m->n_jobs != jobs_scan(m);
        /* the restart goes down the chain (Requires=): each link is ready in turn */
        for (int round = 0; round < 100 && jobs_scan(m) > 0; round++) {
                settle(m);
                for (size_t i = 0; i < m->n_units; i++)
                        if (m->units[i]->active == STATE_ACTIVATING && m->units[i]->main_pid > 0)
                                notify(m->units[i], "READY=1");
                settle(m);
                mismatches += m->n_jobs != jobs_scan(m);
        }
        CHECK_INT(mismatches, 0);
        CHECK_INT(m->n_jobs, 0);
        CHECK(!manager_has_jobs(m));
        manager_free(m);
}

/* A clock that moves 1 ms each time it is read: every job run "takes" a millisecond. */
static uint64_t slow_clock;
static uint64_t slow_now(void) {
        return slow_clock += 1000;
}

static const SysOps slow_sys = {
        .spawn = fake_spawn, .kill = fake_kill, .pidfd_open = fake_pidfd_open, .waitid = fake_waitid, .now = slow_now,
};

static size_t spawned_when_served = SIZE_MAX;

static int on_client(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        (void) fd, (void) revents, (void) userdata;
        spawned_when_served = n_spawned;
        return sd_event_source_set_enabled(s, SD_EVENT_OFF);
}

/* 100 runnable starts are not run in one pass of the dispatcher: it gives the event loop back
 * after a slice, and a source of the same priority that is ready (a systemctl connection here: a
 * pipe with a byte in it) is served before the rest of the starts, which run in the following
 * turns, each unit once. */
static void test_dispatch_slices(void) {
        char name[300], text[1024];
        size_t after_one, twice = 0;
        sd_event_source *client = NULL;
        int p[2] = { -1, -1 };
        Manager *m;
        MUnit *t;

        fresh();
        snprintf(text, sizeof(text), "%s/many.target.wants", dir);
        mkdir(text, 0755);
        for (int i = 0; i < 100; i++) {
                snprintf(name, sizeof(name), "s%d.service", i);
                write_unit(name, "[Service]\nExecStart=/bin/s\n");
                snprintf(text, sizeof(text), "%s/many.target.wants/%s", dir, name);
                snprintf(name, sizeof(name), "%s/s%d.service", dir, i);
                if (symlink(name, text) < 0)
                        perror(text);
        }
        write_unit("many.target", "[Unit]\nDescription=many\n");
        m = start_manager();
        m->sys = &slow_sys;
        t = load(m, "many.target");
        CHECK(t != NULL);
        if (!t) {
                manager_free(m);
                return;
        }
        if (pipe2(p, O_CLOEXEC) < 0 || write(p[1], "x", 1) != 1 ||
            sd_event_add_io(m->event, &client, p[0], EPOLLIN, on_client, NULL) < 0)
                printf("# cannot set up the client pipe\n");
        spawned_when_served = SIZE_MAX;
        manager_start_unit(m, t);
        manager_dispatch(m);
        after_one = n_spawned;
        CHECK(after_one > 0 && after_one < 100);
        CHECK(m->dispatch_pending);
        settle(m);
        CHECK_INT(n_spawned, 100);
        printf("# the client was served after %zu of 100 starts\n", spawned_when_served);
        CHECK(spawned_when_served < 50);
        sd_event_source_disable_unref(client);
        if (p[0] >= 0)
                close(p[0]), close(p[1]);
        for (size_t i = 0; i < n_spawned; i++)
                for (size_t j = i + 1; j < n_spawned; j++)
                        twice += strcmp(spawned[i].unit, spawned[j].unit) == 0;
        CHECK_INT(twice, 0);
        CHECK(ACTIVE(t));
        CHECK(!manager_has_jobs(m));
        manager_free(m);
}

int main(void) {
        snprintf(dir, sizeof(dir), "%s/sdinit-test-manager-core.%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/var/tmp",
                 (int) getpid());
        setenv("SYSTEMD_UNIT_PATH", dir, 1);

        test_simple_start();
        test_start_merges();
        test_ordering_waits_for_ready();
        test_requires_failure();
        test_wants_failure_does_not_block();
        test_condition_skips();
        test_restart_on_failure();
        test_no_restart_on_success();
        test_start_limit();
        test_start_limit_interval_passes();
        test_oneshot_remain();
        test_oneshot_failure_result();
        test_start_pre_failure();
        test_stop_sigterm();
        test_stop_timeout_sigkill();
        test_conflicts();
        test_binds_to();
        test_part_of();
        test_on_failure();
        test_shutdown_reverse_order();
        test_nothing_starts_in_shutdown();
        test_shutdown_bound();
        test_masked_requirement_refused();
        test_reload();
        test_restart_job();
        test_cancel();
        test_ordering_cycle_broken();
        test_requisite();
        test_degraded_state();
        test_stop_propagates_from_inactive();
        test_sub_state_names();
        test_stop_when_unneeded();
        test_upholds();
        test_on_success();
        test_restart_always_after_success();
        test_on_failure_clean_signal_no_restart();
        test_success_exit_status();
        test_stop_replaces_waiting_start();
        test_verify_active_and_try_restart();
        test_exec_stop_post();
        test_masked_start_fails();
        test_start_timeout();
        test_target_condition();
        test_gc();
        test_spawn_primitive();
        test_pid_index();
        test_job_counter();
        test_dispatch_slices();

        clean_dir();
        printf("1..%d\n", tap_n);
        return tap_failed ? 1 : 0;
}
