/* SPDX-License-Identifier: MIT */
/*
 * The service state machine. Phases run in this order; each phase's processes are "control"
 * processes except the service's main process:
 *
 *   condition -> start-pre -> start -> start-post -> running -> stop -> stop-sigterm
 *             -> stop-sigkill -> stop-post -> final-sigterm -> final-sigkill -> dead | failed
 *                                                                        -> auto-restart -> start...
 *
 * Events: a control process exits (next command, next phase, or failure), the main process exits,
 * READY=1/MAINPID=/STOPPING=1 arrive, a timer fires (start/stop timeout, restart delay, or the poll
 * that notices the last stray process of a unit has gone when there is no cgroup to tell us).
 *
 * Process tracking without cgroups: every process of a service starts in a new session (setsid,
 * as systemd does); the unit's processes are its session plus the main process and its
 * descendants. Daemons that start a session of their own are found through their main pid.
 */
#include "service/service.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pwd.h>

#include "common/signames.h"
#include "common/strv.h"
#include "service/busname.h"
#include "service/logrelay.h"
#include "service/pid-file.h"
#include "service/shutdown.h"
#include "service/spawn.h"

#define USEC_PER_SEC 1000000ULL
#define DEFAULT_TIMEOUT_USEC (90 * USEC_PER_SEC)
#define DEFAULT_RESTART_USEC (100 * 1000ULL)
#define DEFAULT_START_LIMIT_INTERVAL (10 * USEC_PER_SEC)
#define DEFAULT_START_LIMIT_BURST 5
#define STRAY_POLL_USEC (50 * 1000ULL)

enum {
        PHASE_NONE,
        PHASE_CONDITION,
        PHASE_START_PRE,
        PHASE_START,
        PHASE_START_POST,
        PHASE_RELOAD,
        PHASE_STOP,
        PHASE_STOP_POST,
};

static void enter_stop(MUnit *u, const char *result);
static void enter_stop_sigterm(MUnit *u);
static void enter_stop_post(MUnit *u);
static void enter_dead(MUnit *u);
static void enter_running(MUnit *u);
static void enter_start_post(MUnit *u);
static void enter_start(MUnit *u);
static void describe_exit(MUnit *u, const char *what, pid_t pid, int code, int status);
static bool read_pid_file(MUnit *u);

static uint64_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * USEC_PER_SEC + (uint64_t) ts.tv_nsec / 1000;
}

static const ServiceSettings *S(MUnit *u) {
        return &u->u->service;
}

static bool set(MUnit *u, const char *key) {
        return unit_setting_is_set(u->u, "Service", key);
}

static uint64_t timeout_start(MUnit *u) {
        if (set(u, "TimeoutStartSec") || set(u, "TimeoutSec"))
                return S(u)->timeout_start_usec;
        return S(u)->type == SERVICE_ONESHOT ? SDU_SIZE_INFINITY : DEFAULT_TIMEOUT_USEC;
}

static uint64_t timeout_stop(MUnit *u) {
        if (set(u, "TimeoutStopSec") || set(u, "TimeoutSec"))
                return S(u)->timeout_stop_usec;
        return DEFAULT_TIMEOUT_USEC;
}

uint64_t service_stop_budget(MUnit *u) {
        uint64_t t = timeout_stop(u);
        unsigned phases = 2; /* SIGTERM, then SIGKILL: each waits up to TimeoutStopSec= */

        if (!u->u || u->u->type != UNIT_SERVICE)
                return 0;
        if (t == 0 || t == SDU_SIZE_INFINITY)
                return SDU_SIZE_INFINITY;
        phases += S(u)->exec_stop.n > 0;
        phases += S(u)->exec_stop_post.n > 0;
        return t > SDU_SIZE_INFINITY / phases ? SDU_SIZE_INFINITY : t * phases;
}

/* One line per process PID 1 has to kill with SIGKILL (or FinalKillSignal=), as systemd says it. */
static void log_kill(MUnit *u, pid_t pid, int sig) {
        char comm[64], name[32];

        shutdown_proc_comm(pid, comm, sizeof(comm));
        manager_log(u->m, MLOG_WARN, "%s: Killing process %d (%s) with signal %s.", u->id, (int) pid, comm,
                    signal_to_string(sig, name, sizeof(name)));
}

/* ---- a main process that is not our child ------------------------------------------------------ */

/* Holds the main process by pidfd (after MAINPID=, PIDFile= or a guess): the pid may belong to a
 * process whose parent is not PID 1, which reaps it unseen, after which the pid can be given to
 * another unit's process. systemd 252 signals such a pid anyway; later systemd holds a pidfd
 * (PidRef), as this does. Without pidfd_open() (ENOSYS), the pid alone as before. */
static void main_pid_track(MUnit *u) {
        char path[64], buf[1024];
        pid_t ppid = 0;
        char state;
        int fd;

        if (u->main_pidfd >= 0)
                close(u->main_pidfd);
        u->main_pidfd = -1;
        u->main_pidfd_pid = u->main_pid;
        if (u->main_pid <= 0)
                return;
        /* Our own child (a daemon reparented to PID 1 included) is reaped by us: its pid cannot be
         * reused unseen, and it costs no descriptor. */
        snprintf(path, sizeof(path), "/proc/%d/stat", (int) u->main_pid);
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
                ssize_t k = read(fd, buf, sizeof(buf));
                close(fd);
                if (k > 0 && proc_stat_parse(buf, (size_t) k, &state, &ppid, NULL) >= 0 && ppid == getpid())
                        return;
        }
        u->main_pidfd = (int) syscall(SYS_pidfd_open, u->main_pid, 0);
        if (u->main_pidfd >= 0)
                (void) fcntl(u->main_pidfd, F_SETFD, FD_CLOEXEC);
}

/* Forgets a main pid whose process has exited without PID 1 reaping it; drops a pidfd that is
 * for another pid than the main one now. */
static void main_pid_refresh(MUnit *u) {
        struct pollfd p;

        if (u->main_pidfd < 0)
                return;
        if (u->main_pidfd_pid != u->main_pid || u->main_pid <= 0) {
                close(u->main_pidfd);
                u->main_pidfd = -1;
                return;
        }
        p = (struct pollfd) { .fd = u->main_pidfd, .events = POLLIN };
        if (poll(&p, 1, 0) > 0) { /* readable: the process has exited */
                manager_log(u->m, MLOG_INFO, "%s: main process %d exited and was reaped by its own parent", u->id,
                            (int) u->main_pid);
                close(u->main_pidfd);
                u->main_pidfd = -1;
                u->main_pid = 0;
        }
}

/* A stray signalled by a stop is held until it has exited (readable pidfd), so that the stop waits
 * for it: its environment, by which it was found, is gone while it exits. */
static void stray_hold(MUnit *u, pid_t pid) {
        int fd;

        for (unsigned i = 0; i < u->n_strays; i++)
                if (u->stray_pid[i] == pid)
                        return;
        if (u->n_strays >= sizeof(u->stray_pid) / sizeof(u->stray_pid[0]))
                return; /* beyond 16, found by their environment only, as before */
        fd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (fd < 0)
                return;
        (void) fcntl(fd, F_SETFD, FD_CLOEXEC);
        u->stray_pid[u->n_strays] = pid;
        u->stray_pidfd[u->n_strays++] = fd;
}

/* How many held strays have not exited yet; those that have are let go. all: let go of all. */
static unsigned strays_left(MUnit *u, bool all) {
        unsigned left = 0;

        for (unsigned i = 0; i < u->n_strays;) {
                struct pollfd p = { .fd = u->stray_pidfd[i], .events = POLLIN };
                if (!all && poll(&p, 1, 0) == 0) {
                        left++;
                        i++;
                        continue;
                }
                close(u->stray_pidfd[i]);
                u->stray_pidfd[i] = u->stray_pidfd[--u->n_strays];
                u->stray_pid[i] = u->stray_pid[u->n_strays];
        }
        return left;
}

/* kill(2) of the main process, through its pidfd when it has one. */
static int main_kill(MUnit *u, int sig) {
        main_pid_refresh(u);
        if (u->main_pid <= 0)
                return -ESRCH;
        if (u->main_pidfd >= 0)
                return syscall(SYS_pidfd_send_signal, u->main_pidfd, sig, NULL, 0) < 0 ? -errno : 0;
        return kill(u->main_pid, sig) < 0 ? -errno : 0;
}

void service_log_kill_all(MUnit *u, int sig) {
        pid_t *v = NULL;
        int n;

        main_pid_refresh(u);
        n = service_pids(u, &v);
        bool main_seen = u->main_pid <= 0, control_seen = u->control_pid <= 0;

        for (int i = 0; i < n; i++) {
                log_kill(u, v[i], sig);
                main_seen |= v[i] == u->main_pid;
                control_seen |= v[i] == u->control_pid;
        }
        if (!main_seen && kill(u->main_pid, 0) == 0)
                log_kill(u, u->main_pid, sig);
        if (!control_seen && kill(u->control_pid, 0) == 0)
                log_kill(u, u->control_pid, sig);
        free(v);
}

/* ---- timers ----------------------------------------------------------------------------------- */

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata);

/* Arms the unit's one timer. For timeouts, 0 and infinity both mean "none" (systemd: "0
 * disables"); callers that want "as soon as possible" pass 1. */
static void arm_timer(MUnit *u, uint64_t relative_usec) {
        u->timer = sd_event_source_disable_unref(u->timer);
        u->timeout_deadline = 0;
        if (relative_usec == SDU_SIZE_INFINITY || relative_usec == 0)
                return;
        u->timeout_deadline = now_usec() + relative_usec;
        sd_event_add_time(u->m->event, &u->timer, CLOCK_MONOTONIC, u->timeout_deadline, 1000, on_timer, u);
}

static void disarm_timer(MUnit *u) {
        u->timer = sd_event_source_disable_unref(u->timer);
        u->timeout_deadline = 0;
}

/* ---- WatchdogSec= ----------------------------------------------------------------------------- */

static int on_watchdog(sd_event_source *s, uint64_t usec, void *userdata) {
        MUnit *u = userdata;
        int sig = u->u->kill.watchdog_signal > 0 ? u->u->kill.watchdog_signal : SIGABRT;

        (void) s, (void) usec;
        u->watchdog = sd_event_source_unref(u->watchdog);
        if (u->sub != SUB_RUNNING || u->main_pid <= 0)
                return 0;
        manager_log(u->m, MLOG_ERR, "%s: Watchdog timeout (limit %llu ms)! Killing the main process.", u->id,
                    (unsigned long long) (u->watchdog_usec / 1000));
        u->result = "watchdog";
        (void) main_kill(u, sig); /* its exit runs the stop, then Restart= decides */
        return 0;
}

static void watchdog_disarm(MUnit *u) {
        u->watchdog = sd_event_source_disable_unref(u->watchdog);
}

static void watchdog_arm(MUnit *u) {
        watchdog_disarm(u);
        if (!u->watchdog_usec || u->watchdog_usec == SDU_SIZE_INFINITY)
                return;
        sd_event_add_time_relative(u->m->event, &u->watchdog, CLOCK_MONOTONIC, u->watchdog_usec, 1000, on_watchdog, u);
}

/* ---- the unit's cgroup ------------------------------------------------------------------------ */

static uint64_t mem_total_bytes(void) {
        FILE *f = fopen("/proc/meminfo", "re");
        unsigned long long kb = 0;
        char line[256];

        while (f && fgets(line, sizeof(line), f))
                if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
                        break;
        if (f)
                fclose(f);
        return (uint64_t) kb * 1024;
}

static uint64_t limit_bytes(const LimitValue *v) {
        if (!v->set)
                return CG_UNSET;
        if (v->value == SDU_SIZE_INFINITY && !v->is_relative)
                return CG_INFINITY;
        if (v->is_relative)
                return mem_total_bytes() / 10000 * v->permyriad;
        return v->value;
}

static void apply_limits(MUnit *u) {
        const CGroupSettings *c = &u->u->cgroup;
        struct cg_limits l;
        struct cg_limits_result res;

        cg_limits_init(&l);
        l.memory_min = limit_bytes(&c->memory_min);
        l.memory_low = limit_bytes(&c->memory_low);
        l.memory_high = limit_bytes(&c->memory_high);
        l.memory_max = limit_bytes(c->memory_max.set ? &c->memory_max : &c->memory_limit);
        l.memory_swap_max = limit_bytes(&c->memory_swap_max);
        if (unit_setting_is_set(u->u, "Service", "CPUWeight") || unit_setting_is_set(u->u, "Service", "CPUShares"))
                l.cpu_weight = c->cpu_weight;
        if (c->cpu_quota.set)
                l.cpu_quota_usec = (uint64_t) c->cpu_quota.permyriad * 100;
        if (unit_setting_is_set(u->u, "Service", "CPUQuotaPeriodSec"))
                l.cpu_quota_period_usec = c->cpu_quota_period_usec;
        if (c->tasks_max.set) {
                if (c->tasks_max.is_relative)
                        l.tasks_max_permyriad = c->tasks_max.permyriad;
                else
                        l.tasks_max = c->tasks_max.value == SDU_SIZE_INFINITY ? CG_INFINITY : c->tasks_max.value;
        }
        if (unit_setting_is_set(u->u, "Service", "IOWeight"))
                l.io_weight = c->io_weight;
        l.allowed_cpus = u->allowed_cpus;
        if (S(u)->oom_policy == 2 /* kill */)
                l.oom_group = 1;
        cg_apply_limits(&u->m->cg, u->cgroup, &l, &res);
}

static int on_cg_event(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        MUnit *u = userdata;

        (void) s, (void) revents;
        cg_watch_drain(fd);
        /* The cgroup emptied: a stop waiting for stray processes can go on at once. */
        if ((u->sub == SUB_STOP_SIGTERM || u->sub == SUB_STOP_SIGKILL) && u->main_pid <= 0 && u->control_pid <= 0 &&
            cg_read_populated(&u->m->cg, u->cgroup) == 0)
                enter_stop_post(u);
        else if (u->sub == SUB_FINAL_SIGKILL && cg_read_populated(&u->m->cg, u->cgroup) == 0)
                enter_dead(u);
        return 0;
}

/* Creates the unit's cgroup (systemd's layout, Slice=), applies its limits, hands it over with
 * Delegate=, and watches it for emptiness. Without a delegated cgroup this does nothing. */
static void cgroup_prepare(MUnit *u) {
        char path[CG_PATH_MAX];
        struct cg_stats st;
        int r;

        if (!u->m->cg_tree || u->cgroup)
                return;
        r = cg_unit_create(&u->m->cg, u->id, u->u->cgroup.slice, path, sizeof(path));
        if (r < 0) {
                manager_log(u->m, MLOG_WARN, "%s: cannot create its cgroup (%s); tracking its processes without one",
                            u->id, strerror(-r));
                return;
        }
        u->cgroup = strdup(path);
        if (!u->cgroup)
                return;
        apply_limits(u);
        if (u->u->cgroup.delegate > 0) {
                struct passwd *pw = u->u->exec.user ? getpwnam(u->u->exec.user) : NULL;
                cg_delegate(&u->m->cg, u->cgroup, pw ? pw->pw_uid : 0, pw ? pw->pw_gid : 0);
        }
        u->cg_watch_fd = cg_watch_empty(&u->m->cg, u->cgroup);
        if (u->cg_watch_fd >= 0)
                sd_event_add_io(u->m->event, &u->cg_watch_source, u->cg_watch_fd, EPOLLIN, on_cg_event, u);
        u->oom_kills = cg_read_stats(&u->m->cg, u->cgroup, &st) >= 0 && st.oom_kill != CG_UNSET ? st.oom_kill : 0;
}

static void cgroup_release(MUnit *u) {
        if (!u->cgroup)
                return;
        u->cg_watch_source = sd_event_source_disable_unref(u->cg_watch_source);
        if (u->cg_watch_fd >= 0)
                close(u->cg_watch_fd);
        u->cg_watch_fd = -1;
        cg_remove(&u->m->cg, u->cgroup, CG_REMOVE_PARENTS); /* EBUSY: processes left (KillMode=none) */
        free(u->cgroup);
        u->cgroup = NULL;
}

/* Did the kernel's OOM killer act in this unit since it started? */
static bool cgroup_oom_killed(MUnit *u) {
        struct cg_stats st;

        return u->cgroup && cg_read_stats(&u->m->cg, u->cgroup, &st) >= 0 && st.oom_kill != CG_UNSET &&
               st.oom_kill > u->oom_kills;
}

/* ---- processes of a unit ---------------------------------------------------------------------- */

struct proc {
        pid_t pid, ppid, sid;
        bool stray;           /* a child of PID 1 that is no unit's main or control process */
        bool inv_read;        /* inv holds its INVOCATION_ID (read once per snapshot, strays only) */
        char inv[33];
};

static size_t read_procs(struct proc **ret) {
        DIR *d = opendir("/proc");
        struct dirent *de;
        struct proc *v = NULL;
        size_t n = 0, cap = 0;

        if (!d) {
                *ret = NULL;
                return 0;
        }
        while ((de = readdir(d))) {
                char path[300], buf[512], state;
                pid_t ppid, sid;
                int fd;
                ssize_t k;

                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue;
                snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        continue;
                k = read(fd, buf, sizeof(buf) - 1);
                close(fd);
                if (k <= 0)
                        continue;
                /* state ppid pgrp session; zombies are gone as far as a unit is concerned */
                if (proc_stat_parse(buf, (size_t) k, &state, &ppid, &sid) < 0 || state == 'Z')
                        continue;
                if (n == cap) {
                        size_t c = cap ? cap * 2 : 256;
                        struct proc *nv = realloc(v, c * sizeof(*v));
                        if (!nv)
                                break;
                        v = nv;
                        cap = c;
                }
                v[n++] = (struct proc) { atoi(de->d_name), ppid, sid };
        }
        closedir(d);
        *ret = v;
        return n;
}

static int cmp_pid(const void *a, const void *b) {
        pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
        return (x > y) - (x < y);
}

/* Marks the strays of a fresh snapshot: children of PID 1 that no unit has as main or control
 * process (daemons that detached, escapees). One sort of the units' pids, one search per child. */
static void mark_strays(Manager *m, struct proc *v, size_t n) {
        pid_t *known = malloc((2 * m->n_units + 1) * sizeof(pid_t)), self = getpid();
        size_t k = 0;

        if (!known)
                return;
        for (size_t i = 0; i < m->n_units; i++) {
                if (m->units[i]->main_pid > 0)
                        known[k++] = m->units[i]->main_pid;
                if (m->units[i]->control_pid > 0)
                        known[k++] = m->units[i]->control_pid;
        }
        qsort(known, k, sizeof(pid_t), cmp_pid);
        for (size_t i = 0; i < n; i++)
                v[i].stray = v[i].ppid == self && v[i].pid != m->command_pid &&
                             !bsearch(&v[i].pid, known, k, sizeof(pid_t), cmp_pid);
        free(known);
}

/* The INVOCATION_ID= in a stray's environment ("" if none or unreadable), read once. */
static const char *stray_invocation(struct proc *p) {
        if (!p->inv_read) {
                char path[64], buf[8192];
                ssize_t k;
                int fd;

                p->inv_read = true;
                p->inv[0] = '\0';
                snprintf(path, sizeof(path), "/proc/%d/environ", (int) p->pid);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                k = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
                if (fd >= 0)
                        close(fd);
                for (ssize_t i = 0; k > 0 && i < k; i += (ssize_t) strlen(buf + i) + 1) {
                        buf[k] = '\0';
                        if (strncmp(buf + i, "INVOCATION_ID=", 14) == 0 && strlen(buf + i + 14) == 32) {
                                memcpy(p->inv, buf + i + 14, 33);
                                break;
                        }
                }
        }
        return p->inv;
}

/* The snapshot of this event-loop iteration (re-read at most once per iteration). */
static size_t procs_snapshot(Manager *m, struct proc **ret) {
        uint64_t it = 0;

        sd_event_get_iteration(m->event, &it);
        if (!m->procs_valid || m->procs_iteration != it) {
                struct proc *v;
                free(m->procs);
                m->n_procs = read_procs(&v);
                m->procs = v;
                m->procs_iteration = it;
                m->procs_valid = true;
                mark_strays(m, v, m->n_procs);
        }
        *ret = m->procs;
        return m->n_procs;
}

void service_forget_pid(Manager *m, pid_t pid) {
        struct proc *v = m->procs;

        for (size_t i = 0; m->procs_valid && i < m->n_procs; i++)
                if (v[i].pid == pid) {
                        v[i] = v[--m->n_procs];
                        return;
                }
}

static bool belongs(MUnit *u, const struct proc *v, size_t n, size_t i, unsigned depth) {
        if (v[i].pid == getpid())
                return false;
        if (u->session > 0 && v[i].sid == u->session)
                return true;
        if (u->main_session > 0 && v[i].sid == u->main_session)
                return true;
        if (u->main_pid > 0 && (v[i].pid == u->main_pid || v[i].sid == u->main_pid))
                return true;
        if (u->control_pid > 0 && v[i].pid == u->control_pid)
                return true;
        if (depth > 32 || v[i].ppid <= 1)
                return false;
        for (size_t j = 0; j < n; j++)
                if (v[j].pid == v[i].ppid)
                        return belongs(u, v, n, j, depth + 1);
        return false;
}

/* Signals every process of the unit (except `except`; -1: except the main and control processes,
 * signalled already), followed by SIGCONT when `cont`;
 * returns how many exist. With a cgroup, its cgroup.procs is the truth; without one, the
 * session/descendant heuristic above over this iteration's /proc snapshot. */
static int unit_signal_all_cont(MUnit *u, int sig, pid_t except, bool cont) {
        struct proc *v;
        size_t n;
        int count = 0;

        if (u->cgroup) {
                if (sig == 0)
                        return cg_read_populated(&u->m->cg, u->cgroup) > 0;
                if (sig == SIGKILL) {
                        struct cg_kill_result kr;
                        return cg_kill(&u->m->cg, u->cgroup, 0, &kr) < 0 ? 0 : 1;
                }
                return cg_signal(&u->m->cg, u->cgroup, sig, cont ? CG_SIGNAL_CONT : 0);
        }
        n = procs_snapshot(u->m, &v);
        for (size_t i = 0; i < n; i++) {
                /* A stray carrying this start's INVOCATION_ID is ours too (a daemon that double-forked
                 * and called setsid() to leave its service): signalled with the rest. Looked at only
                 * when signalling, not for the "any processes left?" checks, which count instead
                 * the strays signalled until they have exited. */
                bool stray = false;
                if ((belongs(u, v, n, i, 0) ||
                     (stray = sig != 0 && v[i].stray && u->invocation_id[0] &&
                              strcmp(stray_invocation(&v[i]), u->invocation_id) == 0)) &&
                    v[i].pid != except && !(except < 0 && (v[i].pid == u->main_pid || v[i].pid == u->control_pid))) {
                        count++;
                        if (stray)
                                stray_hold(u, v[i].pid);
                        if (sig)
                                kill(v[i].pid, sig);
                        if (cont)
                                kill(v[i].pid, SIGCONT);
                }
        }
        if (sig == 0)
                count += (int) strays_left(u, false);
        return count;
}

static int unit_signal_all(MUnit *u, int sig, pid_t except) {
        return unit_signal_all_cont(u, sig, except, false);
}

static int kill_mode(MUnit *u);

int service_kill(MUnit *u, const char *whom, int sig) {
        int n = 0;

        if (strcmp(whom, "main") == 0 || strcmp(whom, "control") == 0) {
                pid_t pid;
                if (strcmp(whom, "main") == 0) {
                        int r = main_kill(u, sig);
                        return r < 0 ? r : 1;
                }
                pid = u->control_pid;
                if (pid <= 0)
                        return -ESRCH;
                return kill(pid, sig) < 0 ? -errno : 1;
        }
        if (main_kill(u, sig) == 0)
                n++;
        if (u->control_pid > 0 && kill(u->control_pid, sig) == 0)
                n++;
        n += unit_signal_all(u, sig, 0) > 0;
        return n > 0 ? n : -ESRCH;
}

static bool push_pid(pid_t **v, size_t *n, size_t *cap, pid_t pid) {
        if (*n == *cap) {
                pid_t *nv = realloc(*v, (*cap = *cap ? *cap * 2 : 16) * sizeof(pid_t));
                if (!nv)
                        return false;
                *v = nv;
        }
        (*v)[(*n)++] = pid;
        return true;
}

/* The processes of the unit (cgroup.procs of its cgroup tree, or the /proc heuristic). */
int service_pids(MUnit *u, pid_t **ret) {
        pid_t *v = NULL;
        size_t n = 0, cap = 0;

        if (u->cgroup) {
                char path[CG_PATH_MAX * 2];
                FILE *f;
                int pid;
                snprintf(path, sizeof(path), "%s/%s/cgroup.procs", u->m->cg.own_dir, u->cgroup);
                f = fopen(path, "re");
                while (f && fscanf(f, "%d", &pid) == 1 && push_pid(&v, &n, &cap, pid))
                        ;
                if (f)
                        fclose(f);
        } else {
                struct proc *p;
                size_t np = procs_snapshot(u->m, &p);
                for (size_t i = 0; i < np; i++)
                        if (belongs(u, p, np, i, 0) && !push_pid(&v, &n, &cap, p[i].pid))
                                break;
        }
        *ret = v;
        return (int) n;
}

/* Whether pid's environment holds INVOCATION_ID=<id> (what every process of a unit gets, and a
 * daemon inherits through its forks). Reads at most 1 MiB of /proc/PID/environ. */
static bool environ_has_invocation(pid_t pid, const char *id) {
        char path[64], want[64], buf[4096];
        size_t wlen, have = 0, total = 0;
        bool at_start = true, found = false;
        int fd;

        if (!id || !*id)
                return false;
        wlen = (size_t) snprintf(want, sizeof(want), "INVOCATION_ID=%s", id) + 1; /* with its NUL */
        snprintf(path, sizeof(path), "/proc/%d/environ", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        /* Compare each entry's start with want, entry by entry, across reads. */
        for (;;) {
                ssize_t k = read(fd, buf, sizeof(buf));
                if (k <= 0 || (total += (size_t) k) > (1u << 20))
                        break;
                for (ssize_t i = 0; i < k && !found; i++) {
                        if (at_start)
                                have = 0, at_start = false;
                        if (have < wlen && have != SIZE_MAX) {
                                if (buf[i] == want[have]) {
                                        if (++have == wlen)
                                                found = true;
                                } else
                                        have = SIZE_MAX; /* this entry does not match */
                        }
                        if (buf[i] == '\0')
                                at_start = true;
                }
                if (found)
                        break;
        }
        close(fd);
        return found;
}

/* GuessMainPID= (systemd's unit_search_main_pid()): once the start command of a forking service
 * without PIDFile= has exited, the main process is the one process of the unit whose parent is
 * PID 1 (the daemon that detached; it was re-parented to us); with more than one, it is unknown.
 * The unit's processes are its cgroup.procs with a cgroup. Without one, a daemon that called
 * setsid() in a child whose parent then exited (apachectl -> apache2) is in none of the unit's
 * sessions and has no ancestor left in the unit: a child of PID 1 that no other unit claims is
 * then the unit's when its environment holds this start's INVOCATION_ID. */
static void guess_main_pid(MUnit *u) {
        struct proc *v;
        size_t n = procs_snapshot(u->m, &v);
        pid_t self = getpid(), cand = 0;
        unsigned found = 0;

        if (u->cgroup) {
                pid_t *pids = NULL;
                int k = service_pids(u, &pids);
                for (int j = 0; j < k; j++)
                        for (size_t i = 0; i < n; i++)
                                if (v[i].pid == pids[j] && v[i].ppid == self && v[i].pid != u->control_pid && v[i].pid != cand) {
                                        found++;
                                        cand = v[i].pid;
                                }
                free(pids);
        } else
                for (size_t i = 0; i < n; i++) {
                        if (v[i].ppid != self || v[i].pid == u->control_pid)
                                continue;
                        /* The environment is read only for children of PID 1 that are no unit's
                         * main or control process (orphans): few. */
                        if (!belongs(u, v, n, i, 0) &&
                            (manager_unit_by_pid(u->m, v[i].pid) || !environ_has_invocation(v[i].pid, u->invocation_id)))
                                continue;
                        found++;
                        cand = v[i].pid;
                }
        if (found != 1) {
                manager_log(u->m, MLOG_DEBUG, "%s: cannot guess the main process (%u candidates)", u->id, found);
                return;
        }
        u->main_pid = cand;
        u->main_pid_known = true;
        main_pid_track(u);
        manager_log(u->m, MLOG_DEBUG, "%s: main process guessed: %d", u->id, (int) cand);
}

static bool unit_has_processes(MUnit *u) {
        /* A pid someone else reaped (it cannot be ours to wait for any more) does not count. */
        main_pid_refresh(u);
        if (u->main_pid > 0 && kill(u->main_pid, 0) < 0 && errno == ESRCH)
                u->main_pid = 0;
        if (u->control_pid > 0 && kill(u->control_pid, 0) < 0 && errno == ESRCH)
                u->control_pid = 0;
        if (u->main_pid > 0 || u->control_pid > 0)
                return true;
        /* KillMode=process/none: the rest of the unit is left alone, and not waited for. */
        if (kill_mode(u) == KILL_PROCESS || kill_mode(u) == KILL_NONE)
                return false;
        return unit_signal_all(u, 0, 0) > 0;
}

/* ---- running commands ------------------------------------------------------------------------- */

static const ExecCommandList *phase_list(MUnit *u, int phase) {
        switch (phase) {
        case PHASE_CONDITION:
                return &S(u)->exec_condition;
        case PHASE_START_PRE:
                return &S(u)->exec_start_pre;
        case PHASE_START:
                return &S(u)->exec_start;
        case PHASE_START_POST:
                return &S(u)->exec_start_post;
        case PHASE_RELOAD:
                return &S(u)->exec_reload;
        case PHASE_STOP:
                return &S(u)->exec_stop;
        case PHASE_STOP_POST:
                return &S(u)->exec_stop_post;
        default:
                return NULL;
        }
}

static void extra_env(MUnit *u, int phase, char ***env) {
        char b[64];

        if (u->main_pid > 0 && (phase == PHASE_START_POST || phase == PHASE_RELOAD || phase == PHASE_STOP)) {
                snprintf(b, sizeof(b), "MAINPID=%d", (int) u->main_pid);
                env_set(env, b);
        }
        if (phase == PHASE_STOP || phase == PHASE_STOP_POST) {
                env_set_kv(env, "SERVICE_RESULT", u->result);
                if (u->main_exit_code) {
                        env_set_kv(env, "EXIT_CODE", u->main_exit_code == CLD_EXITED ? "exited" :
                                                     u->main_exit_code == CLD_DUMPED ? "dumped" : "killed");
                        if (u->main_exit_code == CLD_EXITED)
                                snprintf(b, sizeof(b), "%d", u->main_exit_status);
                        else
                                signal_to_string(u->main_exit_status, b, sizeof(b));
                        env_set_kv(env, "EXIT_STATUS", u->main_exit_code == CLD_EXITED ? b : b + 3);
                }
        }
}

/* Runs command `idx` of the phase as a control process. Returns false when there is none. */
static bool run_control(MUnit *u, int phase, size_t idx) {
        const ExecCommandList *l = phase_list(u, phase);
        char **env = NULL;
        pid_t pid;
        int r;

        if (!l || idx >= l->n)
                return false;
        u->control_phase = phase;
        u->control_list = l;
        u->control_index = idx;
        extra_env(u, phase, &env);
        r = spawn_exec(u, &l->items[idx], env, false, &pid);
        strv_free(env);
        if (r != 0) {
                /* Set-up failed before a process existed: as if it had exited with that status. */
                if (r < 0)
                        manager_log(u->m, MLOG_ERR, "%s: failed to run '%s': %s", u->id, l->items[idx].path, strerror(-r));
                u->control_pid = 0;
                service_sigchld(u, -1, CLD_EXITED, r > 0 ? r : EXIT_EXEC);
                return true;
        }
        u->control_pid = pid;
        return true;
}

/* Enters a state whose commands run as control processes: the state first, then the first
 * command, because a command that cannot even be started is handled at once (as if it had
 * exited) and moves the state machine on by itself. Returns false when the phase has no command
 * (nothing changed). a < 0: keep the active state and sub-state. */
static bool enter_phase(MUnit *u, int phase, int a, SubState sub) {
        const ExecCommandList *l = phase_list(u, phase);

        if (!l || l->n == 0)
                return false;
        if (a >= 0)
                munit_set_state(u, (ActiveState) a, sub);
        run_control(u, phase, 0);
        return true;
}

/* ---- entering states -------------------------------------------------------------------------- */

static bool start_limit_hit(MUnit *u) {
        uint64_t interval = DEFAULT_START_LIMIT_INTERVAL, now = now_usec();
        unsigned burst = DEFAULT_START_LIMIT_BURST, recent = 0;

        if (unit_setting_is_set(u->u, "Unit", "StartLimitIntervalSec") || unit_setting_is_set(u->u, "Service", "StartLimitInterval"))
                interval = u->u->unit.start_limit_interval_usec;
        if (unit_setting_is_set(u->u, "Unit", "StartLimitBurst") || unit_setting_is_set(u->u, "Service", "StartLimitBurst"))
                burst = (unsigned) u->u->unit.start_limit_burst;
        if (interval == 0 || burst == 0)
                return false;
        u->start_times[u->n_start_times++ % 16] = now;
        for (unsigned i = 0; i < 16 && i < u->n_start_times; i++)
                if (now - u->start_times[i] <= interval)
                        recent++;
        return recent > burst;
}

void service_start(MUnit *u) {
        char failed[512] = "";
        int r;

        disarm_timer(u);
        /* Conditions first: a skipped start does not count against the start limit (systemd 252:
         * a socket whose service a condition skips ends with trigger-limit-hit, not the service
         * with start-limit-hit). */
        r = unit_test_conditions(u->u, &u->u->unit.conditions, failed, sizeof(failed));
        dual_timestamp_now(&u->ts_condition);
        u->condition_result = r != 0;
        if (r == 0) {
                manager_log(u->m, MLOG_INFO, "%s: condition check (%s) failed, skipping", u->id, failed);
                manager_job_done(u, "done");
                return;
        }
        u->start_limit_hit = start_limit_hit(u);
        if (u->start_limit_hit) {
                manager_log(u->m, MLOG_ERR, "%s: start request repeated too quickly (StartLimitBurst=)", u->id);
                /* The result of the run that failed is kept, as systemd's service_enter_dead()
                 * keeps it: only a unit that last succeeded shows "start-limit-hit". */
                if (strcmp(u->result, "success") == 0)
                        u->result = "start-limit-hit";
                munit_set_state(u, STATE_FAILED, SUB_FAILED);
                return;
        }
        r = unit_test_conditions(u->u, &u->u->unit.asserts, failed, sizeof(failed));
        if (r < 0) {
                manager_log(u->m, MLOG_ERR, "%s: assertion (%s) failed", u->id, failed);
                u->result = "assert";
                munit_set_state(u, STATE_FAILED, SUB_FAILED);
                return;
        }

        {
                static const char hex[] = "0123456789abcdef";
                FILE *f = fopen("/proc/sys/kernel/random/uuid", "re");
                char uuid[40] = "";
                size_t k = 0;
                if (f) {
                        if (!fgets(uuid, sizeof(uuid), f))
                                uuid[0] = '\0';
                        fclose(f);
                }
                for (size_t i = 0; uuid[i] && k < 32; i++)
                        if (strchr(hex, uuid[i]))
                                u->invocation_id[k++] = uuid[i];
                u->invocation_id[k] = '\0';
        }
        u->result = "success";
        u->main_pid = u->control_pid = 0;
        u->main_exit_code = u->main_exit_status = 0;
        u->ready = false;
        u->waiting_pid_file = false;
        u->waiting_bus_name = false;
        u->watchdog_usec = S(u)->watchdog_usec;
        u->session = 0;
        u->refused_main_pid = 0;
        u->main_session = 0;
        free(u->status_text);
        u->status_text = NULL;

        cgroup_prepare(u);
        arm_timer(u, timeout_start(u));
        if (enter_phase(u, PHASE_CONDITION, STATE_ACTIVATING, SUB_CONDITION))
                return;
        if (enter_phase(u, PHASE_START_PRE, STATE_ACTIVATING, SUB_START_PRE))
                return;
        enter_start(u);
}

static void enter_start(MUnit *u) {
        const ServiceSettings *s = S(u);
        pid_t pid;
        int r;

        if (s->exec_start.n == 0) {
                /* Type=oneshot without ExecStart= is fine (only ExecStartPre/Post, RemainAfterExit). */
                if (s->type == SERVICE_ONESHOT) {
                        enter_start_post(u);
                        return;
                }
                manager_log(u->m, MLOG_ERR, "%s: no ExecStart= to run", u->id);
                u->result = "resources";
                enter_dead(u);
                return;
        }
        munit_set_state(u, STATE_ACTIVATING, SUB_START);

        if (s->type == SERVICE_ONESHOT || s->type == SERVICE_FORKING) {
                /* The ExecStart= processes of these types are waited for one by one. */
                run_control(u, PHASE_START, 0);
                return;
        }
        r = spawn_exec(u, &s->exec_start.items[0], NULL, true, &pid);
        if (r != 0) {
                if (r < 0)
                        manager_log(u->m, MLOG_ERR, "%s: failed to start '%s': %s", u->id, s->exec_start.items[0].path, strerror(-r));
                else
                        describe_exit(u, "Main", 0, CLD_EXITED, r);
                u->result = "exit-code";
                u->main_exit_code = CLD_EXITED;
                u->main_exit_status = r > 0 ? r : EXIT_EXEC;
                enter_stop_post(u);
                return;
        }
        u->main_pid = pid;
        u->main_pid_known = true;
        u->exec_main_pid = pid;
        dual_timestamp_now(&u->ts_main_start);
        if (s->type == SERVICE_NOTIFY || s->type == SERVICE_NOTIFY_RELOAD)
                return; /* wait for READY=1 */
        if (s->type == SERVICE_DBUS && s->bus_name) {
                busname_wait(u); /* active once BusName= is owned on the system bus */
                return;
        }
        enter_start_post(u);
}

static void enter_start_post(MUnit *u) {
        if (enter_phase(u, PHASE_START_POST, STATE_ACTIVATING, SUB_START_POST))
                return;
        enter_running(u);
}

static void enter_running(MUnit *u) {
        const ServiceSettings *s = S(u);

        disarm_timer(u);
        if (u->main_pid > 0 || s->type == SERVICE_FORKING) {
                if (s->runtime_max_usec && s->runtime_max_usec != SDU_SIZE_INFINITY)
                        arm_timer(u, s->runtime_max_usec);
                munit_set_state(u, STATE_ACTIVE, SUB_RUNNING);
                watchdog_arm(u);
        } else if (s->remain_after_exit > 0)
                munit_set_state(u, STATE_ACTIVE, SUB_EXITED);
        else {
                /* oneshot done (or a main process that already exited successfully) */
                if (s->type != SERVICE_ONESHOT && u->main_pid_known) {
                        enter_stop(u, "success");
                        return;
                }
                enter_dead(u);
        }
}

/* The main process exited while the service was up, or a stop was requested. */
void service_bus_name_acquired(MUnit *u) {
        u->waiting_bus_name = false;
        if (u->sub == SUB_START)
                enter_start_post(u);
}

static void enter_stop(MUnit *u, const char *result) {
        u->waiting_bus_name = false;
        watchdog_disarm(u);
        if (result && strcmp(u->result, "success") == 0)
                u->result = result;
        disarm_timer(u);
        arm_timer(u, timeout_stop(u));
        /* ExecStop= runs only for a service that started successfully. */
        if ((u->sub == SUB_RUNNING || u->sub == SUB_EXITED || u->sub == SUB_RELOAD) &&
            enter_phase(u, PHASE_STOP, STATE_DEACTIVATING, SUB_STOP))
                return;
        enter_stop_sigterm(u);
}

static int kill_signal(MUnit *u) {
        return u->u->kill.kill_signal > 0 ? u->u->kill.kill_signal : SIGTERM;
}

static int kill_mode(MUnit *u) {
        return u->u->kill.kill_mode >= 0 ? u->u->kill.kill_mode : KILL_CONTROL_GROUP;
}

static void send_kill(MUnit *u, int sig, bool final_kill) {
        int mode = kill_mode(u);

        if (mode == KILL_NONE && !final_kill)
                return;
        (void) main_kill(u, sig);
        if (u->control_pid > 0)
                kill(u->control_pid, sig);
        /* Stopped processes would never see the signal: SIGCONT follows (in the same pass). */
        /* The rest of the unit; the main and control processes got theirs just above: each
         * process is signalled once, as systemd does. */
        if (mode == KILL_CONTROL_GROUP || (mode == KILL_MIXED && sig == SIGKILL))
                unit_signal_all_cont(u, sig, -1, sig != SIGKILL && sig != SIGCONT);
        if (sig != SIGKILL && u->u->kill.send_sighup > 0) {
                (void) main_kill(u, SIGHUP);
                if (mode == KILL_CONTROL_GROUP)
                        unit_signal_all(u, SIGHUP, 0);
        }
        if (sig != SIGKILL && sig != SIGCONT)
                (void) main_kill(u, SIGCONT);
}

/* In the kill phases the timer ticks every STRAY_POLL_USEC: processes that are not our children
 * (a daemon's workers) give no SIGCHLD when they exit, so we look; timeout_deadline (0: none)
 * says when to escalate. */
static void arm_poll(MUnit *u) {
        u->timer = sd_event_source_disable_unref(u->timer);
        sd_event_add_time_relative(u->m->event, &u->timer, CLOCK_MONOTONIC, STRAY_POLL_USEC, 1000, on_timer, u);
}

static void enter_stop_sigterm(MUnit *u) {
        uint64_t t = timeout_stop(u);

        if (!unit_has_processes(u)) {
                enter_stop_post(u);
                return;
        }
        /* KillMode=mixed without a main or control process left (the main process died): the
         * SIGTERM would reach nobody, so, as systemd, nothing is waited for and the rest of the
         * unit gets the final SIGKILL (enter_stop_post's sweep) at once. */
        if (kill_mode(u) == KILL_MIXED && u->main_pid <= 0 && u->control_pid <= 0) {
                enter_stop_post(u);
                return;
        }
        munit_set_state(u, STATE_DEACTIVATING, SUB_STOP_SIGTERM);
        send_kill(u, kill_signal(u), false);
        u->timeout_deadline = t == 0 || t == SDU_SIZE_INFINITY ? 0 : now_usec() + t;
        arm_poll(u);
}

static void enter_stop_post(MUnit *u) {
        disarm_timer(u);
        arm_timer(u, timeout_stop(u));
        if (enter_phase(u, PHASE_STOP_POST, STATE_DEACTIVATING, SUB_STOP_POST))
                return;
        /* Final sweep: whatever is left of the unit goes (KillMode= permitting). */
        if ((kill_mode(u) == KILL_CONTROL_GROUP || kill_mode(u) == KILL_MIXED) && u->u->kill.send_sigkill != 0 &&
            unit_signal_all(u, 0, 0) > 0) {
                service_log_kill_all(u, SIGKILL);
                unit_signal_all(u, SIGKILL, 0);
                /* As systemd's final-sigkill: with a cgroup, dead (and a restart) waits until the
                 * killed processes have left it, or the new start would join their cgroup while
                 * they die. Bounded by TimeoutStopSec= (on_timer). */
                if (u->cgroup && cg_read_populated(&u->m->cg, u->cgroup) > 0) {
                        munit_set_state(u, STATE_DEACTIVATING, SUB_FINAL_SIGKILL);
                        return;
                }
        }
        enter_dead(u);
}

static bool should_restart(MUnit *u) {
        const ServiceSettings *s = S(u);
        bool clean_exit = u->main_exit_code == CLD_EXITED && (u->main_exit_status == 0 ||
                          sdu_exit_status_set_test(&s->success_exit_status, u->main_exit_status, false));
        bool clean_signal = u->main_exit_code == CLD_KILLED &&
                            (u->main_exit_status == SIGHUP || u->main_exit_status == SIGINT ||
                             u->main_exit_status == SIGTERM || u->main_exit_status == SIGPIPE ||
                             sdu_exit_status_set_test(&s->success_exit_status, u->main_exit_status, true));
        bool is_signal = u->main_exit_code == CLD_KILLED || u->main_exit_code == CLD_DUMPED;
        bool timeout = strcmp(u->result, "timeout") == 0, watchdog = strcmp(u->result, "watchdog") == 0;
        bool success = strcmp(u->result, "success") == 0;

        if (u->m->shutting_down || munit_job_stops(u))
                return false;
        if (u->start_limit_hit || strcmp(u->result, "condition") == 0)
                return false;
        if (u->main_exit_code &&
            sdu_exit_status_set_test(&s->restart_prevent_exit_status, u->main_exit_status, is_signal))
                return false;
        if (u->main_exit_code &&
            sdu_exit_status_set_test(&s->restart_force_exit_status, u->main_exit_status, is_signal))
                return true;
        switch (s->restart) {
        case SERVICE_RESTART_ALWAYS:
                return true;
        case SERVICE_RESTART_ON_SUCCESS:
                return success && (clean_exit || clean_signal || !u->main_exit_code);
        case SERVICE_RESTART_ON_FAILURE:
                return !success;
        case SERVICE_RESTART_ON_ABNORMAL:
                return (is_signal && !clean_signal) || timeout || watchdog;
        case SERVICE_RESTART_ON_ABORT:
                return is_signal && !clean_signal;
        case SERVICE_RESTART_ON_WATCHDOG:
                return watchdog;
        default:
                return false;
        }
}

static void enter_dead(MUnit *u) {
        bool ok = strcmp(u->result, "success") == 0;

        disarm_timer(u);
        watchdog_disarm(u);
        u->main_pid = u->control_pid = 0;
        u->main_pid_known = false;
        main_pid_refresh(u); /* its pidfd goes */
        (void) strays_left(u, true);
        logrelay_drain(u->m->log, u);
        cgroup_release(u);
        {
                int preserve = u->u->exec.runtime_directory_preserve; /* no, yes, restart */
                if (preserve != 1 && !(preserve == 2 && should_restart(u)))
                        spawn_remove_runtime_directories(u);
        }
        spawn_tty_revert(u); /* TTYReset=/TTYVHangup= after the unit, terminal back to root:tty */
        if (should_restart(u)) {
                uint64_t delay = set(u, "RestartSec") ? S(u)->restart_usec : DEFAULT_RESTART_USEC;
                manager_log(u->m, MLOG_INFO, "%s: %s; scheduling restart (restart counter %u)", u->id,
                            ok ? "exited" : "failed", u->n_restarts + 1);
                munit_set_state(u, STATE_ACTIVATING, SUB_AUTO_RESTART);
                arm_timer(u, delay ? delay : 1);
                return;
        }
        munit_set_state(u, ok ? STATE_INACTIVE : STATE_FAILED, ok ? SUB_DEAD : SUB_FAILED);
}

/* ---- events ----------------------------------------------------------------------------------- */

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        MUnit *u = userdata;

        (void) s, (void) usec;
        u->timer = sd_event_source_unref(u->timer);
        if (u->sub == SUB_START && u->waiting_pid_file) {
                if (read_pid_file(u)) {
                        u->waiting_pid_file = false;
                        enter_start_post(u);
                        return 0;
                }
                if (!u->timeout_deadline || now_usec() + 2000 < u->timeout_deadline) {
                        arm_poll(u);
                        return 0;
                }
                u->waiting_pid_file = false;
        }
        switch (u->sub) {
        case SUB_CONDITION:
        case SUB_START_PRE:
        case SUB_START:
        case SUB_START_POST:
                manager_log(u->m, MLOG_ERR, "%s: start operation timed out, terminating", u->id);
                u->result = "timeout";
                enter_stop_sigterm(u);
                break;
        case SUB_RUNNING:
                manager_log(u->m, MLOG_ERR, "%s: service reached its runtime limit, terminating", u->id);
                enter_stop(u, "timeout");
                break;
        case SUB_STOP:
                /* As systemd: the ExecStop= command is terminated with the rest of the unit
                 * (SIGTERM), SIGKILL follows after another TimeoutStopSec=. */
                manager_log(u->m, MLOG_ERR, "%s: Stopping timed out. Terminating.", u->id);
                u->result = "timeout";
                enter_stop_sigterm(u);
                break;
        case SUB_FINAL_SIGKILL:
                manager_log(u->m, MLOG_WARN, "%s: processes still in its cgroup after SIGKILL; going on", u->id);
                enter_dead(u);
                break;
        case SUB_STOP_POST:
                manager_log(u->m, MLOG_ERR, "%s: ExecStopPost= timed out, killing", u->id);
                if (u->control_pid > 0) {
                        log_kill(u, u->control_pid, SIGKILL);
                        kill(u->control_pid, SIGKILL);
                }
                u->result = "timeout";
                enter_dead(u);
                break;
        case SUB_STOP_SIGTERM:
                manager_reap(u->m); /* a SIGCHLD we did not see must not hold up a stop */
                if (u->sub != SUB_STOP_SIGTERM)
                        break;
                if (!unit_has_processes(u)) {
                        enter_stop_post(u);
                        break;
                }
                if (!u->timeout_deadline || now_usec() + 2000 < u->timeout_deadline) {
                        arm_poll(u); /* not yet: keep looking */
                        break;
                }
                if (u->u->kill.send_sigkill == 0) {
                        manager_log(u->m, MLOG_WARN, "%s: processes remain after the stop timeout; SendSIGKILL=no", u->id);
                        enter_stop_post(u);
                        break;
                }
                manager_log(u->m, MLOG_WARN, "%s: state 'stop-sigterm' timed out. Killing.", u->id);
                if (strcmp(u->result, "success") == 0)
                        u->result = "timeout";
                munit_set_state(u, STATE_DEACTIVATING, SUB_STOP_SIGKILL);
                service_log_kill_all(u, u->u->kill.final_kill_signal > 0 ? u->u->kill.final_kill_signal : SIGKILL);
                send_kill(u, u->u->kill.final_kill_signal > 0 ? u->u->kill.final_kill_signal : SIGKILL, true);
                u->timeout_deadline = now_usec() + (timeout_stop(u) ? timeout_stop(u) : DEFAULT_TIMEOUT_USEC);
                arm_poll(u);
                break;
        case SUB_STOP_SIGKILL:
                if (!unit_has_processes(u) || now_usec() + 2000 >= u->timeout_deadline) {
                        enter_stop_post(u);
                        break;
                }
                arm_poll(u);
                break;
        case SUB_AUTO_RESTART:
                u->n_restarts++;
                manager_log(u->m, MLOG_INFO, "%s: restarting (restart counter is at %u)", u->id, u->n_restarts);
                /* A job-less start, as systemd's restart job. */
                service_start(u);
                break;
        default:
                break;
        }
        return 0;
}

/* Without cgroups, a daemon that detached completely (setsid() in a child whose parent exited, as
 * pg_ctl starts postgres, which also overwrites its environment with its process title) is an
 * orphan that nothing ties to its unit. It is taken as the unit's when no other unit claims it (as
 * main or control process, or by its session and ancestry): a process of another service never
 * is. The limit of tracking without cgroups; with a delegated cgroup the cgroup decides. */
static bool unclaimed_orphan(MUnit *u, const struct proc *v, size_t n, size_t i) {
        Manager *m = u->m;

        if (v[i].ppid != getpid())
                return false;
        for (size_t k = 0; k < m->n_units; k++) {
                MUnit *o = m->units[k];
                if (o == u || !o->u || o->u->type != UNIT_SERVICE || o->active == STATE_INACTIVE)
                        continue;
                if (o->main_pid == v[i].pid || o->control_pid == v[i].pid || belongs(o, v, n, i, 0))
                        return false;
        }
        return true;
}

/* Whether pid is one of the unit's processes: by its cgroup when the unit has one, otherwise by
 * the session/descendant tracking (this iteration's /proc snapshot). */
static bool unit_owns_pid(MUnit *u, pid_t pid) {
        if (u->cgroup) {
                char path[64], line[4096];
                size_t k = strlen(u->cgroup);
                bool own = false;
                FILE *f;

                snprintf(path, sizeof(path), "/proc/%d/cgroup", (int) pid);
                f = fopen(path, "re");
                if (!f)
                        return false;
                while (!own && fgets(line, sizeof(line), f))
                        own = strncmp(line, "0::/", 4) == 0 && strncmp(line + 4, u->cgroup, k) == 0 &&
                              (line[4 + k] == '\n' || line[4 + k] == '/' || line[4 + k] == '\0');
                fclose(f);
                return own;
        }
        {
                /* Without a cgroup: the session/descendant tracking, or this start's INVOCATION_ID
                 * in the process's environment (a daemon that detached with setsid() and whose
                 * parent exited, as pg_ctlcluster's postgres; no process can put another unit's
                 * invocation id into a process it does not own). */
                struct proc *v;
                size_t n = procs_snapshot(u->m, &v);
                for (size_t i = 0; i < n; i++)
                        if (v[i].pid == pid)
                                return belongs(u, v, n, i, 0) || environ_has_invocation(pid, u->invocation_id) ||
                                       unclaimed_orphan(u, v, n, i);
        }
        return false;
}

/* A refusal of main PID `pid` is said once per start (a PID file is polled until it is good). */
static bool refusal_new(MUnit *u, pid_t pid) {
        if (u->refused_main_pid == pid)
                return false;
        u->refused_main_pid = pid;
        return true;
}

/* systemd's service_is_suitable_main_pid(): < 0 never (PID 1, the control process, a process that
 * is gone), 1 certainly (one of the unit's own), 0 questionable (someone else's: believed only
 * from a trusted source). Each refusal is said once, at warning level. */
static int main_pid_suitable(MUnit *u, pid_t pid) {
        char st[64], line[256];
        bool zombie = false;
        FILE *f;

        if (pid == 1 || pid == getpid()) {
                if (refusal_new(u, pid))
                        manager_log(u->m, MLOG_WARN, "%s: New main PID %d is the manager, refusing.", u->id, (int) pid);
                return -EPERM;
        }
        if (pid == u->control_pid) {
                if (refusal_new(u, pid))
                        manager_log(u->m, MLOG_WARN, "%s: New main PID %d is the control process, refusing.", u->id, (int) pid);
                return -EPERM;
        }
        snprintf(st, sizeof(st), "/proc/%d/status", (int) pid);
        f = fopen(st, "re");
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "State:", 6) == 0) {
                        zombie = strchr(line, 'Z') != NULL;
                        break;
                }
        if (!f || zombie) {
                if (f)
                        fclose(f);
                if (refusal_new(u, pid))
                        manager_log(u->m, MLOG_WARN, "%s: New main PID %d does not exist or is a zombie.", u->id, (int) pid);
                return -ESRCH;
        }
        fclose(f);
        return unit_owns_pid(u, pid) ? 1 : 0;
}

/* PIDFile=: a PID outside the unit is believed only from a file owned by root reached through a
 * safe path, as systemd's service_load_pid_file(). */
static bool read_pid_file(MUnit *u) {
        PidFileInfo info;
        pid_t p = 0;
        int r;

        if (pid_file_read(S(u)->pid_file, &p, &info) < 0)
                return false;
        if (u->main_pid_known && p == u->main_pid)
                return true;
        r = main_pid_suitable(u, p);
        if (r < 0)
                return false;
        if (r == 0) {
                if (info.questionable) {
                        if (refusal_new(u, p))
                                manager_log(u->m, MLOG_ERR, "%s: Refusing to accept PID outside of service control group, acquired "
                                    "through unsafe symlink chain: %s", u->id, S(u)->pid_file);
                        return false;
                }
                if (info.owner != 0) {
                        if (refusal_new(u, p))
                                manager_log(u->m, MLOG_ERR, "%s: New main PID %d does not belong to service, and PID file is not "
                                    "owned by root. Refusing.", u->id, (int) p);
                        return false;
                }
        }
        u->main_pid = p;
        u->main_pid_known = true;
        main_pid_track(u);
        return true;
}

static bool exit_is_success(MUnit *u, int code, int status) {
        if (code == CLD_EXITED)
                return status == 0 || sdu_exit_status_set_test(&S(u)->success_exit_status, status, false);
        if (code == CLD_KILLED)
                return status == SIGHUP || status == SIGINT || status == SIGTERM || status == SIGPIPE ||
                       sdu_exit_status_set_test(&S(u)->success_exit_status, status, true);
        return false;
}

static const char *failure_result(int code) {
        return code == CLD_EXITED ? "exit-code" : code == CLD_DUMPED ? "core-dump" : "signal";
}

/* systemd's wording: "nginx.service: Main process exited, code=exited, status=1/FAILURE". */
static void describe_exit(MUnit *u, const char *what, pid_t pid, int code, int status) {
        static const char *const lsb[] = { "SUCCESS", "FAILURE", "INVALIDARGUMENT", "NOTIMPLEMENTED",
                                           "NOPERMISSION", "NOTINSTALLED", "NOTCONFIGURED", "NOTRUNNING" };
        char sb[16];

        if (code == CLD_EXITED) {
                const char *name = status >= 0 && status < 8 ? lsb[status] : exit_status_to_string(status);
                char num[16] = "";
                if (pid > 0)
                        snprintf(num, sizeof(num), " %d", (int) pid);
                manager_log(u->m, status ? MLOG_WARN : MLOG_DEBUG, "%s: %s process%s exited, code=exited, status=%d/%s",
                            u->id, what, num, status, name ? name : "n/a");
        } else
                manager_log(u->m, MLOG_WARN, "%s: %s process %d %s, status=%d/%s", u->id, what, (int) pid,
                            code == CLD_DUMPED ? "dumped core" : "code=killed", status,
                            signal_to_string(status, sb, sizeof(sb)) + (status < 32 ? 3 : 0));
}

/* After a reload: running, or exited for a oneshot service that remains after exit. */
static SubState reload_done_sub(MUnit *u) {
        return u->main_pid > 0 || S(u)->type != SERVICE_ONESHOT ? SUB_RUNNING : SUB_EXITED;
}

void service_reload(MUnit *u) {
        u->reload_failed = false;
        if (u->sub != SUB_RUNNING && u->sub != SUB_EXITED) {
                manager_job_done(u, "invalid");
                return;
        }
        if (enter_phase(u, PHASE_RELOAD, u->active == STATE_ACTIVE ? STATE_RELOADING : -1, SUB_RELOAD))
                return;
        manager_job_done(u, "done"); /* no ExecReload=: nothing to run */
}

bool service_can_reload(MUnit *u) {
        return u->u && u->u->type == UNIT_SERVICE && S(u)->exec_reload.n > 0;
}

static void control_exited(MUnit *u, pid_t pid, int code, int status) {
        const ExecCommand *c = u->control_list ? &u->control_list->items[u->control_index] : NULL;
        bool ok = exit_is_success(u, code, status) || (c && (c->flags & EXEC_COMMAND_IGNORE_FAILURE));
        int phase = u->control_phase;

        describe_exit(u, "Control", pid, code, status);
        u->control_pid = 0;

        /* A start-phase command that ends after a stop began does not resume the start, and an
         * ExecStop= command terminated because it timed out does not run the next one. If the
         * stop's signal killed it, the unit failed (systemd judges commands, unlike daemons, by
         * EXIT_CLEAN_COMMAND: any signal is a failure): `systemctl stop` during a long
         * ExecStartPre= leaves it "failed", Result=signal, as systemd 252 does. A oneshot's
         * ExecStart= is its main process for systemd, judged as a daemon. */
        if ((u->sub == SUB_STOP_SIGTERM || u->sub == SUB_STOP_SIGKILL) && phase != PHASE_STOP_POST) {
                bool command = phase != PHASE_START || S(u)->type == SERVICE_FORKING;
                bool clean = code == CLD_EXITED ? exit_is_success(u, code, status)
                             : command ? sdu_exit_status_set_test(&S(u)->success_exit_status, status, true)
                                       : exit_is_success(u, code, status);
                if (!clean && !(c && (c->flags & EXEC_COMMAND_IGNORE_FAILURE)) && strcmp(u->result, "success") == 0)
                        u->result = failure_result(code);
                if (!unit_has_processes(u))
                        enter_stop_post(u);
                return;
        }

        if (phase == PHASE_CONDITION && !ok) {
                /* ExecCondition=: 1-254 skips the unit, 255 and signals fail it. */
                if (code == CLD_EXITED && status > 0 && status < 255) {
                        manager_log(u->m, MLOG_INFO, "%s: skipped because of an unmet condition check (ExecCondition=)", u->id);
                        u->result = "success";
                        disarm_timer(u);
                        manager_job_done(u, "done");
                        munit_set_state(u, STATE_INACTIVE, SUB_DEAD);
                        return;
                }
        }
        if (!ok && phase == PHASE_RELOAD) {
                /* A failed reload command ends the reload; the service keeps running. */
                manager_log(u->m, MLOG_WARN, "%s: reload failed", u->id);
                u->reload_failed = true;
                munit_set_state(u, STATE_ACTIVE, reload_done_sub(u));
                return;
        }
        if (!ok && phase != PHASE_STOP && phase != PHASE_STOP_POST && phase != PHASE_RELOAD) {
                u->result = failure_result(code);
                if (phase == PHASE_START && S(u)->type != SERVICE_FORKING) {
                        u->main_exit_code = code;
                        u->main_exit_status = status;
                }
                if (phase == PHASE_START_POST)
                        enter_stop(u, NULL);
                else
                        enter_stop_sigterm(u);
                return;
        }
        if (run_control(u, phase, u->control_index + 1))
                return; /* the next command of the same phase */

        switch (phase) {
        case PHASE_CONDITION:
                if (enter_phase(u, PHASE_START_PRE, STATE_ACTIVATING, SUB_START_PRE))
                        return;
                enter_start(u);
                return;
        case PHASE_START_PRE:
                enter_start(u);
                return;
        case PHASE_START:
                if (S(u)->type == SERVICE_FORKING) {
                        /* The daemon forked: find its main process. A PID file that is not there
                         * yet is waited for (within TimeoutStartSec=), as systemd does. */
                        if (S(u)->pid_file && !read_pid_file(u)) {
                                manager_log(u->m, MLOG_INFO, "%s: PID file %s not readable (yet?) after start", u->id, S(u)->pid_file);
                                u->waiting_pid_file = true;
                                arm_poll(u);
                                return;
                        }
                        if (u->main_pid <= 0 && S(u)->guess_main_pid != 0)
                                guess_main_pid(u);
                }
                enter_start_post(u);
                return;
        case PHASE_START_POST:
                enter_running(u);
                return;
        case PHASE_RELOAD:
                munit_set_state(u, STATE_ACTIVE, reload_done_sub(u));
                return;
        case PHASE_STOP:
                enter_stop_sigterm(u);
                return;
        case PHASE_STOP_POST:
                enter_dead(u);
                return;
        default:
                return;
        }
}

static void main_exited(MUnit *u, pid_t pid, int code, int status) {
        bool ok = exit_is_success(u, code, status);

        describe_exit(u, "Main", pid, code, status);
        /* Processes of the session it led (a daemon's workers) are still the unit's. */
        u->main_session = pid;
        u->main_pid = 0;
        main_pid_refresh(u); /* its pidfd goes */
        dual_timestamp_now(&u->ts_main_exit);
        u->main_exit_code = code;
        u->main_exit_status = status;
        if (!ok && strcmp(u->result, "success") == 0)
                u->result = failure_result(code);
        if (code == CLD_KILLED && status == SIGKILL && cgroup_oom_killed(u)) {
                manager_log(u->m, MLOG_WARN, "%s: A process of this unit has been killed by the OOM killer.", u->id);
                u->result = "oom-kill";
        }

        switch (u->sub) {
        case SUB_START:
                /* notify service died before READY=1 (or exec failed for simple) */
                if (ok && S(u)->type != SERVICE_NOTIFY && S(u)->type != SERVICE_NOTIFY_RELOAD) {
                        enter_start_post(u);
                        return;
                }
                if (ok)
                        u->result = "protocol";
                enter_stop_sigterm(u);
                return;
        case SUB_START_POST:
                if (!ok)
                        enter_stop(u, NULL);
                return; /* the post commands finish; enter_running sees no main pid */
        case SUB_RUNNING:
        case SUB_RELOAD:
                if (ok && S(u)->remain_after_exit > 0) {
                        munit_set_state(u, STATE_ACTIVE, SUB_EXITED);
                        return;
                }
                enter_stop(u, NULL);
                return;
        case SUB_STOP_SIGTERM:
        case SUB_STOP_SIGKILL:
                if (!unit_has_processes(u))
                        enter_stop_post(u);
                return;
        default:
                return;
        }
}

void service_sigchld(MUnit *u, pid_t pid, int code, int status) {
        if (pid == -1 || (u->control_pid > 0 && pid == u->control_pid))
                control_exited(u, pid, code, status);
        else if (pid == u->main_pid)
                main_exited(u, pid, code, status);
}

void service_stop(MUnit *u) {
        switch (u->sub) {
        case SUB_AUTO_RESTART:
                disarm_timer(u);
                munit_set_state(u, STATE_INACTIVE, SUB_DEAD);
                return;
        case SUB_DEAD:
        case SUB_FAILED:
                if (u->job == JOB_RESTART) { /* nothing to stop: go on with the start */
                        munit_set_state(u, STATE_INACTIVE, SUB_DEAD);
                        return;
                }
                manager_job_done(u, "done"); /* nothing to stop */
                return;
        case SUB_STOP:
        case SUB_STOP_SIGTERM:
        case SUB_STOP_SIGKILL:
        case SUB_STOP_POST:
                return; /* already on its way */
        case SUB_RELOAD:
                /* A reload command runs: as systemd, no ExecStop= beside it, straight to
                 * SIGTERM (a stop job that replaced the reload job). */
                watchdog_disarm(u);
                enter_stop_sigterm(u);
                return;
        default:
                enter_stop(u, NULL);
        }
}

void service_notify(MUnit *u, pid_t sender, uid_t sender_uid, const struct notify_msg *msg) {
        int access = S(u)->notify_access;
        bool notify_type = S(u)->type == SERVICE_NOTIFY || S(u)->type == SERVICE_NOTIFY_RELOAD;

        if (access < 0)
                access = notify_type ? NOTIFY_MAIN : NOTIFY_NONE;
        if (access == NOTIFY_NONE ||
            (access == NOTIFY_MAIN && sender != u->main_pid) ||
            (access == NOTIFY_EXEC && sender != u->main_pid && sender != u->control_pid)) {
                manager_log(u->m, MLOG_DEBUG, "%s: notification from pid %d refused (NotifyAccess=)", u->id, (int) sender);
                return;
        }
        if (msg->has_status) {
                free(u->status_text);
                u->status_text = strdup(msg->status);
        }
        /* MAINPID=, while starting, running or reloading (systemd's states for it). */
        if (msg->main_pid > 0 && (!u->main_pid_known || msg->main_pid != u->main_pid) &&
            (u->sub == SUB_START || u->sub == SUB_START_POST || u->sub == SUB_RUNNING || u->sub == SUB_RELOAD)) {
                int r = main_pid_suitable(u, msg->main_pid);
                if (r == 0 && sender_uid != 0) {
                        if (refusal_new(u, msg->main_pid))
                                manager_log(u->m, MLOG_WARN, "%s: New main PID %d does not belong to service, refusing.", u->id,
                                            (int) msg->main_pid);
                } else if (r >= 0) {
                        u->main_pid = msg->main_pid;
                        u->main_pid_known = true;
                        main_pid_track(u);
                }
        }
        if (msg->has_errno)
                manager_log(u->m, MLOG_INFO, "%s: reported errno %d (%s)", u->id, msg->errno_value, strerror(msg->errno_value));
        if (msg->has_extend_timeout && u->timer && msg->extend_timeout_usec > 0) {
                uint64_t want = now_usec() + msg->extend_timeout_usec;
                if (want > u->timeout_deadline) {
                        u->timeout_deadline = want;
                        sd_event_source_set_time(u->timer, want);
                }
        }
        if (msg->has_watchdog_usec) {
                u->watchdog_usec = msg->watchdog_usec;
                if (u->sub == SUB_RUNNING)
                        watchdog_arm(u);
        }
        if (msg->watchdog_ping && u->sub == SUB_RUNNING)
                watchdog_arm(u);
        if (msg->watchdog_trigger && u->sub == SUB_RUNNING) {
                watchdog_disarm(u);
                on_watchdog(NULL, 0, u);
        }
        if (msg->ready && !u->ready) {
                u->ready = true;
                if (u->sub == SUB_START && notify_type)
                        enter_start_post(u);
                else if (u->sub == SUB_RELOAD)
                        munit_set_state(u, STATE_ACTIVE, SUB_RUNNING);
        }
        if (msg->reloading && u->sub == SUB_RUNNING) {
                u->ready = false;
                munit_set_state(u, STATE_RELOADING, SUB_RELOAD);
        }
        if (msg->stopping && (u->sub == SUB_RUNNING || u->sub == SUB_RELOAD))
                munit_set_state(u, STATE_DEACTIVATING, SUB_STOP_SIGTERM);
}
