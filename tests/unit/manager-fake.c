/* SPDX-License-Identifier: MIT */
/* The fake system and the manager over a directory of units (tests/unit/manager-fake.h). */
#include "tests/unit/manager-fake.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "service/notify.h"

/* ---- the fake system ------------------------------------------------------------------------- */

FakeSpawn spawned[MAX_EVENTS];
size_t n_spawned;

FakeKill killed[MAX_EVENTS];
size_t n_killed;

bool alive[MAX_EVENTS], ignores_term[MAX_EVENTS];
static struct {
        pid_t pid;
        int code, status;
} exits[MAX_EVENTS];
static size_t exits_head, exits_tail;
uint64_t clock_offset;

bool ours(pid_t pid) {
        return pid >= PID_BASE && pid < PID_BASE + MAX_EVENTS;
}

void queue_exit(pid_t pid, int code, int status) {
        if (!ours(pid) || !alive[pid - PID_BASE] || exits_tail >= MAX_EVENTS)
                return;
        alive[pid - PID_BASE] = false;
        exits[exits_tail].pid = pid;
        exits[exits_tail].code = code;
        exits[exits_tail].status = status;
        exits_tail++;
}

int fake_spawn(MUnit *u, const ExecCommand *cmd, char *const *extra_env, bool is_main, pid_t *ret_pid) {
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

int fake_kill(pid_t pid, int sig) {
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

int fake_waitid(idtype_t type, id_t id, siginfo_t *info, int options) {
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

uint64_t fake_now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000 + clock_offset;
}

int fake_pidfd_open(pid_t pid) {
        (void) pid;
        errno = ENOSYS; /* the fake processes have no pidfd: the pid alone, as without pidfd_open() */
        return -1;
}

const SysOps fake_sys = {
        .spawn = fake_spawn, .kill = fake_kill, .pidfd_open = fake_pidfd_open, .waitid = fake_waitid, .now = fake_now,
};

/* The real spawn_exec (everything PID 1 does before the child starts), with the last step, the
 * start of the child, recorded instead of run: which primitive was chosen. */
SpawnHow started_how[MAX_EVENTS];

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

const SysOps spawn_sys = {
        .spawn = spawn_exec, .kill = fake_kill, .pidfd_open = fake_pidfd_open, .waitid = fake_waitid, .now = fake_now,
        .start_child = fake_start_child,
};

/* ---- observing jobs -------------------------------------------------------------------------- */

FakeJobEnd removed[MAX_EVENTS];
size_t n_removed;

static void on_job_removed(void *userdata, uint32_t id, MUnit *u, JobType type, JobResult result) {
        (void) userdata, (void) id;
        if (n_removed >= MAX_EVENTS)
                return;
        snprintf(removed[n_removed].unit, sizeof(removed[n_removed].unit), "%s", u->id);
        removed[n_removed].type = type;
        removed[n_removed].result = result;
        n_removed++;
}

const ManagerHooks hooks = { .job_removed = on_job_removed };

/* The last result of a job of `unit`, -1 if none ended. */
int job_result(const char *unit) {
        for (size_t i = n_removed; i-- > 0;)
                if (strcmp(removed[i].unit, unit) == 0)
                        return (int) removed[i].result;
        return -1;
}

/* The last result of a job of `unit` of type t, -1 if none ended. */
int job_result_of(const char *unit, JobType t) {
        for (size_t i = n_removed; i-- > 0;)
                if (strcmp(removed[i].unit, unit) == 0 && removed[i].type == t)
                        return (int) removed[i].result;
        return -1;
}

size_t spawns_of(const char *unit) {
        size_t k = 0;
        for (size_t i = 0; i < n_spawned; i++)
                k += strcmp(spawned[i].unit, unit) == 0;
        return k;
}

/* The position of unit's first spawn, SIZE_MAX if none. */
size_t first_spawn(const char *unit) {
        for (size_t i = 0; i < n_spawned; i++)
                if (strcmp(spawned[i].unit, unit) == 0)
                        return i;
        return SIZE_MAX;
}

size_t first_kill_of(const char *unit, int sig) {
        for (size_t i = 0; i < n_killed; i++)
                for (size_t j = 0; j < n_spawned; j++)
                        if (killed[i].pid == spawned[j].pid && killed[i].sig == sig && strcmp(spawned[j].unit, unit) == 0)
                                return i;
        return SIZE_MAX;
}

/* ---- a manager over a directory of units ----------------------------------------------------- */

char dir[256];

void fake_setup(const char *test) {
        snprintf(dir, sizeof(dir), "%s/sdinit-%s.%d", getenv("TMPDIR") ? getenv("TMPDIR") : "/var/tmp", test,
                 (int) getpid());
        setenv("SYSTEMD_UNIT_PATH", dir, 1);
}

void write_unit(const char *name, const char *text) {
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

void clean_dir(void) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
                fprintf(stderr, "# could not remove %s\n", dir);
}

void fresh(void) {
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

Manager *start_manager(void) {
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
void settle(Manager *m) {
        for (int round = 0; round < 1000; round++) {
                bool any = exits_head != exits_tail;
                if (any)
                        manager_reap(m);
                if (sd_event_run(m->event, 0) <= 0 && !any)
                        return;
        }
}

/* Runs the loop for up to `ms` (timers: RestartSec=, timeouts), settling as it goes. */
void run_for(Manager *m, unsigned ms) {
        uint64_t end = fake_now() - clock_offset + (uint64_t) ms * 1000;
        for (;;) {
                uint64_t now = fake_now() - clock_offset;
                settle(m);
                if (now >= end)
                        return;
                (void) sd_event_run(m->event, end - now);
        }
}

uint64_t mono_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}


MUnit *load(Manager *m, const char *name) {
        MUnit *u = NULL;
        if (manager_load_unit(m, name, &u) < 0)
                return NULL;
        return u;
}

MUnit *start(Manager *m, const char *name) {
        MUnit *u = load(m, name);
        if (u) {
                manager_start_unit(m, u);
                settle(m);
        }
        return u;
}

/* The unit's last process (a oneshot's ExecStart= runs as a control process, not a main one). */
pid_t last_pid_of(const char *unit) {
        for (size_t i = n_spawned; i-- > 0;)
                if (strcmp(spawned[i].unit, unit) == 0)
                        return spawned[i].pid;
        return 0;
}

void notify(MUnit *u, const char *text) {
        struct notify_msg msg;
        const char *err = NULL;
        if (notify_parse(text, strlen(text), &msg, &err) == 0)
                munit_vtable(u)->notify(u, u->main_pid, 0, &msg);
}
