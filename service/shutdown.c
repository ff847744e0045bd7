/* SPDX-License-Identifier: MIT */
#include "service/journal.h"
#include "service/shutdown.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "service/manager-private.h"
#include "service/procs.h"

void shutdown_proc_comm(pid_t pid, char *buf, size_t size) {
        char path[64];
        ssize_t n = -1;
        int fd;

        snprintf(path, sizeof(path), "/proc/%d/comm", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
                n = read(fd, buf, size - 1);
                close(fd);
        }
        if (n <= 0) {
                snprintf(buf, size, "n/a");
                return;
        }
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
}

static uint64_t add_sat(uint64_t a, uint64_t b) {
        return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static bool stops(const MUnit *u) {
        return u->job == JOB_STOP || u->job == JOB_RESTART;
}

/* The longest chain of stop budgets that ends with u's stop: a stop job waits for the stop jobs
 * of the units ordered after it. memo[i] is for m->units[i]: 0 = not computed yet, 1 = being
 * computed (an ordering cycle contributes nothing more), else budget + 2. Iterative, so a long
 * chain cannot exhaust PID 1's stack. */
static uint64_t chain_of(Manager *m, size_t start, uint64_t *memo, size_t *stack, size_t *next_edge) {
        size_t depth = 0;

        stack[depth] = start;
        next_edge[depth] = 0;
        memo[start] = 1;
        while (true) {
                size_t i = stack[depth];
                MUnit *u = m->units[i];

                if (next_edge[depth] < munit_n_after_me(u)) {
                        MUnit *x = munit_after_me(u)[next_edge[depth]++];
                        size_t j = (size_t) x->index_in_manager;
                        if (!stops(x) || j >= m->n_units || m->units[j] != x || memo[j] != 0)
                                continue;
                        memo[j] = 1;
                        stack[++depth] = j;
                        next_edge[depth] = 0;
                        continue;
                }
                {
                        uint64_t longest = 0;
                        uint64_t own = munit_vtable(u)->stop_budget ? munit_vtable(u)->stop_budget(u) : 0;
                        for (size_t k = 0; k < munit_n_after_me(u); k++) {
                                MUnit *x = munit_after_me(u)[k];
                                size_t j = (size_t) x->index_in_manager;
                                if (stops(x) && j < m->n_units && m->units[j] == x && memo[j] > 1 && memo[j] - 2 > longest)
                                        longest = memo[j] - 2;
                        }
                        if (own == UINT64_MAX)
                                own = SHUTDOWN_CAP_USEC;
                        memo[i] = add_sat(add_sat(own, longest), 2);
                }
                if (depth == 0)
                        return memo[start] - 2;
                depth--;
        }
}

uint64_t shutdown_bound_usec(Manager *m) {
        uint64_t *memo = calloc(m->n_units ? m->n_units : 1, sizeof(uint64_t));
        size_t *stack = calloc(m->n_units ? m->n_units : 1, sizeof(size_t));
        size_t *next_edge = calloc(m->n_units ? m->n_units : 1, sizeof(size_t));
        uint64_t bound = 0;

        if (!memo || !stack || !next_edge) {
                bound = SHUTDOWN_CAP_USEC; /* cannot compute it: the cap still bounds the shutdown */
                goto out;
        }
        for (size_t i = 0; i < m->n_units; i++)
                m->units[i]->index_in_manager = i;
        for (size_t i = 0; i < m->n_units; i++)
                if (stops(m->units[i]) && memo[i] == 0) {
                        uint64_t c = chain_of(m, i, memo, stack, next_edge);
                        if (c > bound)
                                bound = c;
                }
        if (m->command_pid > 0 && bound < SHUTDOWN_COMMAND_USEC)
                bound = SHUTDOWN_COMMAND_USEC;
        if (bound > SHUTDOWN_CAP_USEC)
                bound = SHUTDOWN_CAP_USEC;
out:
        free(memo);
        free(stack);
        free(next_edge);
        return bound;
}

size_t shutdown_kill_units(Manager *m) {
        size_t n = 0;

        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                const UnitVTable *vt = munit_vtable(u);
                pid_t *v = NULL;
                int k;
                if (!vt->pids || !vt->kill)
                        continue;
                k = vt->pids(u, &v);
                free(v);
                if (k <= 0 && u->main_pid <= 0 && u->control_pid <= 0)
                        continue;
                if (vt->log_kill_all)
                        vt->log_kill_all(u, SIGKILL);
                if (vt->kill(u, "all", SIGKILL) > 0)
                        n += k > 0 ? (size_t) k : 1;
        }
        if (m->command_pid > 0) {
                char comm[64];
                shutdown_proc_comm(m->command_pid, comm, sizeof(comm));
                manager_log(m, MLOG_WARN, "Killing main command process %d (%s) with signal SIGKILL.", (int) m->command_pid, comm);
                if (kill(m->command_pid, SIGKILL) == 0)
                        n++;
                if (m->exit_status < 0)
                        m->exit_status = 128 + SIGKILL; /* what it dies of, as a runtime reports it */
        }
        return n;
}

void shutdown_report_waiting(Manager *m) {
        char list[512] = "";
        size_t len = 0, running = 0, queued = 0;
        struct timespec ts;
        uint64_t now, left;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        now = (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
        /* The stops under way (what the rest waits for), with when each escalates. */
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                bool under_way = (u->job != JOB_NONE && u->job_running) || u->active == STATE_DEACTIVATING;
                int w;
                if (!under_way) {
                        queued += u->job != JOB_NONE;
                        continue;
                }
                if (running++ >= 8 || len >= sizeof(list))
                        continue;
                if (u->timeout_deadline > now)
                        w = snprintf(list + len, sizeof(list) - len, "%s%s (%s, next step in %.1f s)", len ? ", " : "", u->id,
                                     munit_sub_state_string(u), (double) (u->timeout_deadline - now) / 1e6);
                else
                        w = snprintf(list + len, sizeof(list) - len, "%s%s (%s)", len ? ", " : "", u->id, munit_sub_state_string(u));
                if (w > 0)
                        len += (size_t) w;
        }
        if (running > 8 && len < sizeof(list))
                snprintf(list + len, sizeof(list) - len, " and %zu more", running - 8);
        left = m->shutdown_started_usec + m->shutdown_bound_usec + SHUTDOWN_MARGIN_USEC;
        left = left > now ? left - now : 0;
        manager_log(m, MLOG_WARN, "shutdown already in progress: waiting for %s%s, %zu more stop job%s queued; "
                    "what is left is killed in %.1f s at the latest (SIGRTMIN+13: SIGTERM, then SIGKILL, to everything now)",
                    running ? list : "no stop under way", m->command_pid > 0 ? " and the main command" : "",
                    queued, queued == 1 ? "" : "s", (double) left / 1e6);
}

static bool has_sigkill(const char *mask_hex) {
        /* SIGKILL is signal 9: bit 8 of the hex mask, in its third digit from the right. */
        size_t n = strcspn(mask_hex, "\n");
        char c;
        int digit;

        if (n < 3)
                return false;
        c = mask_hex[n - 3];
        digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : 0;
        return digit & 1;
}

/* The processes of the pid namespace other than us, that are neither zombies nor dying already
 * (SIGKILL pending), nor kernel threads (no parent in our namespace). */
static size_t list_leftovers(pid_t *v, size_t max) {
        DIR *d = opendir("/proc");
        struct dirent *e;
        size_t n = 0;

        if (!d)
                return 0;
        while ((e = readdir(d)) && n < max) {
                char path[64], st[4096], *p;
                bool skip = false;
                ssize_t k;
                int fd;
                long pid = strtol(e->d_name, &p, 10);
                if (*p || pid <= 1 || pid == getpid())
                        continue;
                snprintf(path, sizeof(path), "/proc/%ld/status", pid);
                fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        continue;
                k = read(fd, st, sizeof(st) - 1);
                close(fd);
                if (k <= 0)
                        continue;
                st[k] = '\0';
                if ((p = strstr(st, "\nState:\t")) && (p[8] == 'Z' || p[8] == 'X'))
                        skip = true;
                if ((p = strstr(st, "\nPPid:\t")) && strtol(p + 7, NULL, 10) == 0)
                        skip = true;
                if ((p = strstr(st, "\nShdPnd:\t")) && has_sigkill(p + 9))
                        skip = true;
                if ((p = strstr(st, "\nSigPnd:\t")) && has_sigkill(p + 9))
                        skip = true;
                if (!skip)
                        v[n++] = (pid_t) pid;
        }
        closedir(d);
        return n;
}

/* Which unit each process belongs to: every unit's processes, read once and sorted by pid (then by
 * the unit's position, so that the first unit that claims a pid keeps it), so that naming the
 * leftovers costs one pass over the units, not one per process. */
struct owner {
        pid_t pid;
        size_t unit;
};

static int cmp_owner(const void *a, const void *b) {
        const struct owner *x = a, *y = b;
        if (x->pid != y->pid)
                return (x->pid > y->pid) - (x->pid < y->pid);
        return (x->unit > y->unit) - (x->unit < y->unit);
}

static size_t owners_build(Manager *m, struct owner **ret) {
        struct owner *o = NULL;
        size_t n = 0, cap = 0;

        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *x = m->units[i];
                const UnitVTable *vt = munit_vtable(x);
                pid_t *v = NULL;
                int k;
                if (!vt->pids || (x->active == STATE_INACTIVE && !x->cgroup && x->session <= 0))
                        continue;
                k = vt->pids(x, &v);
                for (int j = 0; j < k; j++) {
                        if (n == cap) {
                                size_t c = cap ? cap * 2 : 64;
                                struct owner *no = realloc(o, c * sizeof(*o));
                                if (!no)
                                        break;
                                o = no;
                                cap = c;
                        }
                        o[n++] = (struct owner) { v[j], i };
                }
                free(v);
        }
        if (n)
                qsort(o, n, sizeof(*o), cmp_owner);
        *ret = o;
        return n;
}

/* The unit a process belongs to (its main or control process, or one of its processes), if any. */
static MUnit *unit_of(Manager *m, const struct owner *o, size_t n, pid_t pid) {
        MUnit *u = manager_unit_by_pid(m, pid);
        size_t lo = 0, hi = n;

        if (u)
                return u;
        while (lo < hi) { /* the first entry with o[i].pid >= pid */
                size_t mid = lo + (hi - lo) / 2;
                if (o[mid].pid < pid)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < n && o[lo].pid == pid ? m->units[o[lo].unit] : NULL;
}

static void reap_all(Manager *m) {
        int st;
        pid_t pid;

        while ((pid = waitpid(-1, &st, WNOHANG)) > 0)
                if (pid == m->command_pid) {
                        m->command_status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
                        m->command_pid = 0;
                }
}

size_t shutdown_kill_leftovers(Manager *m) {
        enum { MAX = 4096 };
        pid_t *v = calloc(MAX, sizeof(pid_t));
        struct timespec ts;
        uint64_t end;
        struct owner *owners = NULL;
        size_t n, killed = 0, n_owners = 0;

        if (!v || getpid() != 1)
                goto out;
        reap_all(m);
        n = list_leftovers(v, MAX);
        if (n == 0)
                goto out;
        manager_log(m, MLOG_INFO, "Sending SIGTERM to %zu remaining process%s.", n, n == 1 ? "" : "es");
        n_owners = owners_build(m, &owners);
        for (size_t i = 0; i < n; i++) {
                if (i < 16) {
                        char comm[64];
                        MUnit *u = unit_of(m, owners, n_owners, v[i]);
                        shutdown_proc_comm(v[i], comm, sizeof(comm));
                        manager_log(m, MLOG_INFO, "Sending SIGTERM to PID %d (%s)%s%s.", (int) v[i], comm, u ? " of " : "", u ? u->id : "");
                }
                kill(v[i], SIGTERM);
                kill(v[i], SIGCONT);
        }
        clock_gettime(CLOCK_MONOTONIC, &ts);
        end = (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000 + SHUTDOWN_LEFTOVER_GRACE_USEC;
        /* Our event loop is done: poll (they may not be our children, so no SIGCHLD tells us). */
        for (;;) {
                struct timespec tick = { 0, 20 * 1000 * 1000 };
                reap_all(m);
                n = list_leftovers(v, MAX);
                clock_gettime(CLOCK_MONOTONIC, &ts);
                if (n == 0 || (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000 >= end)
                        break;
                nanosleep(&tick, NULL);
        }
        free(owners);
        owners = NULL;
        n_owners = n ? owners_build(m, &owners) : 0;
        for (size_t i = 0; i < n; i++) {
                char comm[64];
                MUnit *u = unit_of(m, owners, n_owners, v[i]);
                shutdown_proc_comm(v[i], comm, sizeof(comm));
                manager_log(m, MLOG_WARN, "Sending SIGKILL to PID %d (%s)%s%s.", (int) v[i], comm, u ? " of " : "", u ? u->id : "");
                if (kill(v[i], SIGKILL) == 0)
                        killed++;
        }
        /* The main command's status is the container's: wait (briefly) until it can be reaped. */
        for (int i = 0; i < 100 && m->command_pid > 0; i++) {
                struct timespec tick = { 0, 10 * 1000 * 1000 };
                reap_all(m);
                if (m->command_pid > 0)
                        nanosleep(&tick, NULL);
        }
        reap_all(m);
out:
        free(owners);
        free(v);
        return killed;
}

/* ---- beginning and ending the shutdown -------------------------------------------------------- */

void shutdown_check_idle(Manager *m) {
        bool jobs = false, up = false;

        if (!m->shutting_down)
                return;
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                if (u->job != JOB_NONE)
                        jobs = true;
                else if (u->active != STATE_INACTIVE && u->active != STATE_FAILED)
                        up = true;
        }
        if (!jobs && up) {
                bool others = false;
                for (size_t i = 0; i < m->n_units && !others; i++)
                        others = is_active_or_activating(m->units[i]) && !journal_runs_unit(m->units[i]->id);
                if (!others) {
                        /* Only systemd-journald's units are left: now they stop (see manager_begin_shutdown()). */
                        bool added = false;
                        for (size_t i = 0; i < m->n_units; i++)
                                if (m->units[i]->job == JOB_NONE && is_active_or_activating(m->units[i]) &&
                                    journal_runs_unit(m->units[i]->id) && !m->units[i]->shutdown_restopped) {
                                        m->units[i]->shutdown_restopped = true;
                                        job_add_stop(m, m->units[i]);
                                        added = true;
                                }
                        if (added) {
                                manager_dispatch_soon(m);
                                return;
                        }
                }
                /* No job left, yet a unit is up (something brought it back after its stop): it is
                 * stopped again, once; past that, the shutdown deadline ends it. Units on their way
                 * down by themselves (deactivating) are bounded by their own timeouts. */
                for (size_t i = 0; i < m->n_units; i++) {
                        MUnit *u = m->units[i];
                        if (u->job != JOB_NONE || !is_active_or_activating(u) || u->shutdown_restopped)
                                continue;
                        manager_log(m, MLOG_WARN, "%s: still %s with no job during shutdown, stopping it again", u->id,
                                    active_state_to_string(u->active));
                        u->shutdown_restopped = true;
                        job_add_stop(m, u);
                        manager_dispatch_soon(m);
                }
                return;
        }
        if (jobs || up)
                return;
        if (m->command_pid > 0)
                return;
        if (!m->exit_requested) {
                m->exit_requested = true;
                sd_event_exit(m->event, m->exit_status);
        }
}

/* The shutdown deadline passed: whatever still runs is killed, each process named, and the loop
 * ends. */
static void shutdown_now(Manager *m, const char *why) {
        size_t n;

        manager_log(m, MLOG_WARN, "%s: killing what is left", why);
        n = shutdown_kill_units(m);
        manager_log(m, MLOG_WARN, "killed %zu process%s; exiting with status %d", n, n == 1 ? "" : "es", m->exit_status);
        if (!m->exit_requested) {
                m->exit_requested = true;
                sd_event_exit(m->event, m->exit_status);
        }
}

static int on_shutdown_deadline(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;
        char why[128];

        (void) s, (void) usec;
        snprintf(why, sizeof(why), "shutdown did not finish within its bound (%.1f s)",
                 (double) (m->shutdown_bound_usec + SHUTDOWN_MARGIN_USEC) / 1e6);
        shutdown_now(m, why);
        return 0;
}

void manager_begin_shutdown(Manager *m, int exit_status) {
        if (m->shutting_down)
                return;
        m->shutting_down = true;
        m->exit_status = exit_status;
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                if ((u->job == JOB_START || u->job == JOB_RELOAD) && !u->job_running)
                        job_uninstall(u, JOB_CANCELED);
        }
        if (m->command_pid > 0)
                kill(m->command_pid, SIGTERM);
        /* systemd-journald and its sockets stay up until everything else is down (check_idle()),
         * as under systemd, where no stop job reaches them and the final kill ends them. */
        for (size_t i = 0; i < m->n_units; i++)
                if (!journal_runs_unit(m->units[i]->id))
                        job_add_stop(m, m->units[i]);
        /* Bounded: the stop budgets along the longest ordering chain, then everything is killed. */
        m->shutdown_bound_usec = shutdown_bound_usec(m);
        {
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                m->shutdown_started_usec = (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
        }
        manager_log(m, MLOG_INFO, "stopping all units (bounded by %.1f s, the stop timeouts along the longest ordering chain)",
                    (double) m->shutdown_bound_usec / 1e6);
        if (sd_event_add_time_relative(m->event, &m->shutdown_timer, CLOCK_MONOTONIC,
                                       m->shutdown_bound_usec + SHUTDOWN_MARGIN_USEC, 10000, on_shutdown_deadline, m) < 0)
                manager_log(m, MLOG_ERR, "cannot arm the shutdown deadline: a unit that never stops would hold PID 1");
        manager_dispatch_soon(m);
}
