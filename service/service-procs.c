/* SPDX-License-Identifier: MIT */
/* A service's processes: with a delegated cgroup its cgroup.procs is the truth; without one, the
 * unit's sessions and the descendants of its main and control processes in this iteration's /proc
 * snapshot (service/procs.h), and a detached daemon by the INVOCATION_ID in its environment. */
#include "service/service-private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/defaults.h"
#include "common/signames.h"
#include "service/pid-file.h"
#include "service/procs.h"
#include "service/shutdown.h"
#include "service/unit-types.h"

/* One line per process PID 1 has to kill with SIGKILL (or FinalKillSignal=), as systemd says it. */
void log_kill(MUnit *u, pid_t pid, int sig) {
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
void main_pid_track(MUnit *u) {
        pid_t ppid = 0;

        if (u->main_pidfd >= 0)
                close(u->main_pidfd);
        u->main_pidfd = -1;
        u->main_pidfd_pid = u->main_pid;
        if (u->main_pid <= 0)
                return;
        /* Our own child (a daemon reparented to PID 1 included) is reaped by us: its pid cannot be
         * reused unseen, and it costs no descriptor. */
        if (procs_read_stat(u->main_pid, NULL, &ppid, NULL) >= 0 && ppid == u->m->self_pid)
                return;
        u->main_pidfd = u->m->sys->pidfd_open(u->main_pid);
}

/* Forgets a main pid whose process has exited without PID 1 reaping it; drops a pidfd that is
 * for another pid than the main one now. */
void main_pid_refresh(MUnit *u) {
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
                munit_set_main_pid(u, 0);
        }
}

/* A stray signalled by a stop is held until it has exited (readable pidfd), so that the stop waits
 * for it: its environment, by which it was found, is gone while it exits. */
void stray_hold(MUnit *u, pid_t pid) {
        StrayHold *h = u->strays;
        int fd;

        for (unsigned i = 0; h && i < h->n; i++)
                if (h->pid[i] == pid)
                        return;
        if (h && h->n >= sizeof(h->pid) / sizeof(h->pid[0]))
                return; /* beyond 16, found by their environment only, as before */
        if (!h && !(h = u->strays = calloc(1, sizeof(*h))))
                return; /* (likewise) */
        fd = u->m->sys->pidfd_open(pid); /* a pidfd is close-on-exec */
        if (fd < 0)
                return;
        h->pid[h->n] = pid;
        h->pidfd[h->n++] = fd;
}

/* How many held strays have not exited yet; those that have are let go. all: let go of all. */
unsigned strays_left(MUnit *u, bool all) {
        StrayHold *h = u->strays;
        unsigned left = 0;

        for (unsigned i = 0; h && i < h->n;) {
                struct pollfd p = { .fd = h->pidfd[i], .events = POLLIN };
                if (!all && poll(&p, 1, 0) == 0) {
                        left++;
                        i++;
                        continue;
                }
                close(h->pidfd[i]);
                h->pidfd[i] = h->pidfd[--h->n];
                h->pid[i] = h->pid[h->n];
        }
        if (h && h->n == 0) { /* most units never hold one: no memory for it then */
                free(h);
                u->strays = NULL;
        }
        return left;
}

/* kill(2) of the main process, through its pidfd when it has one. */
int main_kill(MUnit *u, int sig) {
        main_pid_refresh(u);
        if (u->main_pid <= 0)
                return -ESRCH;
        if (u->main_pidfd >= 0)
                return syscall(SYS_pidfd_send_signal, u->main_pidfd, sig, NULL, 0) < 0 ? -errno : 0;
        return u->m->sys->kill(u->main_pid, sig) < 0 ? -errno : 0;
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
        if (!main_seen && u->m->sys->kill(u->main_pid, 0) == 0)
                log_kill(u, u->main_pid, sig);
        if (!control_seen && u->m->sys->kill(u->control_pid, 0) == 0)
                log_kill(u, u->control_pid, sig);
        free(v);
}

/* Signals every process of the unit (except `except`; -1: except the main and control processes,
 * signalled already), followed by SIGCONT when `cont`;
 * returns how many exist. With a cgroup, its cgroup.procs is the truth; without one, the
 * session/descendant heuristic above over this iteration's /proc snapshot. */
static bool signal_one(MUnit *u, pid_t pid, int sig, pid_t except, bool cont) {
        if (pid == except || (except < 0 && (pid == u->main_pid || pid == u->control_pid)))
                return false;
        if (sig)
                u->m->sys->kill(pid, sig);
        if (cont)
                u->m->sys->kill(pid, SIGCONT);
        return true;
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

/* A stop signals what a read of /proc shows; a fork that completes after the read and before its
 * parent's signal leaves a child that no signal reaches (issue 12's fork bomb: the stop then waited
 * for TimeoutStopSec= with it). So, as systemd's cg_kill() loops over cgroup.procs until a pass
 * finds no process it has not signalled yet, /proc is read again while processes were born since
 * the last read, signalling only those not signalled in this call: a parent that got a fatal
 * signal cannot complete a fork after it (the kernel undoes one under way), so the passes end. At
 * most KILL_PASSES_MAX reads, and no third one after KILL_PASSES_USEC, in one call (the event loop
 * goes on; the SIGKILL phases signal again in later iterations). */
#define KILL_PASSES_MAX 8
#define KILL_PASSES_USEC (20 * 1000ULL)

/* Tests only: SDINIT_TEST_KILL_DELAY_USEC (at most 100 ms) holds the first pass between its read
 * of /proc and its signals, the window in which a fork goes unseen. */
static useconds_t test_kill_delay(void) {
        static long delay = -1;

        if (delay < 0) {
                const char *e = getenv("SDINIT_TEST_KILL_DELAY_USEC");
                delay = e ? strtol(e, NULL, 10) : 0;
                if (delay < 0 || delay > 100000)
                        delay = 0;
        }
        return (useconds_t) delay;
}

static int cmp_pid_t(const void *a, const void *b) {
        pid_t x = *(const pid_t *) a, y = *(const pid_t *) b;
        return (x > y) - (x < y);
}

/* Counts the unit's processes (0: none, by a read of /proc newer than any birth). */
static int count_processes(MUnit *u) {
        struct proc **own;
        int count = 0;
        size_t n = procs_of(u, PROCS_MAX_AGE_USEC, &own);

        for (size_t i = 0; i < n; i++)
                count += !own[i]->dead;
        /* the strays signalled by a stop count until they have exited */
        count += (int) strays_left(u, false);
        /* None in a snapshot up to 50 ms old, with reaps applied: a process that one of those
         * forked before it was reaped is not in it. Read again if anything was born since. */
        if (count == 0 && procs_born_since(u->m)) {
                procs_invalidate(u->m);
                n = procs_of(u, 0, &own);
                for (size_t i = 0; i < n; i++)
                        count += !own[i]->dead;
        }
        return count;
}

int unit_signal_all_cont(MUnit *u, int sig, pid_t except, bool cont) {
        Manager *m = u->m;
        pid_t *done = NULL;
        size_t n_done = 0, cap = 0;
        uint64_t start;
        int count = 0;
        unsigned pass;

        if (u->cgroup) {
                if (sig == 0)
                        return cg_read_populated(&m->cg, u->cgroup) > 0;
                if (sig == SIGKILL) {
                        struct cg_kill_result kr;
                        return cg_kill(&m->cg, u->cgroup, 0, &kr) < 0 ? 0 : 1;
                }
                return cg_signal(&m->cg, u->cgroup, sig, cont ? CG_SIGNAL_CONT : 0);
        }
        if (sig == 0)
                return count_processes(u);
        start = m->sys->now();
        for (pass = 0; pass < KILL_PASSES_MAX; pass++) {
                struct proc **own, *v;
                size_t n, k = n_done;
                int before = count;
                /* What is signalled is what runs now: read in this iteration, and again for every
                 * further pass. */
                if (pass > 0)
                        procs_invalidate(m);
                n = procs_of(u, 0, &own);
                if (pass == 0 && test_kill_delay())
                        usleep(test_kill_delay());
                for (size_t i = 0; i < n; i++) {
                        pid_t pid = own[i]->pid;
                        if (own[i]->dead || (n_done && bsearch(&pid, done, n_done, sizeof(pid_t), cmp_pid_t)))
                                continue;
                        if (signal_one(u, pid, sig, except, cont)) {
                                if (pass > 0 && sig == SIGKILL)
                                        log_kill(u, pid, sig);
                                count++;
                        }
                        if (!push_pid(&done, &k, &cap, pid))
                                break;
                }
                /* A stray carrying this start's INVOCATION_ID is ours too (a daemon that
                 * double-forked and called setsid() to leave its service): signalled with the
                 * rest, and held by pidfd until it has exited (its environment, by which it was
                 * found, goes while it exits). Looked at only when signalling. */
                n = u->invocation_id[0] ? procs_snapshot(m, 0, &v) : 0;
                for (size_t i = 0; i < n; i++) {
                        pid_t pid = v[i].pid;
                        if (!v[i].stray || v[i].dead || (n_done && bsearch(&pid, done, n_done, sizeof(pid_t), cmp_pid_t)) ||
                            procs_belongs(u, &v[i]) || strcmp(stray_invocation(&v[i]), u->invocation_id) != 0)
                                continue;
                        if (signal_one(u, pid, sig, except, cont)) {
                                stray_hold(u, pid);
                                count++;
                        }
                        if (!push_pid(&done, &k, &cap, pid))
                                break;
                }
                if (k == n_done) /* nothing this call had not signalled: no process left unseen */
                        break;
                if (count == before) /* only the main and control processes, signalled before the read */
                        break;
                n_done = k;
                qsort(done, n_done, sizeof(pid_t), cmp_pid_t);
                /* Nothing born since this pass's read: nobody it could have missed. The second
                 * read is always made when something was (it sees every child of a process the
                 * first one signalled); further ones within the time budget. */
                if (!procs_born_since(m) || (pass > 0 && m->sys->now() - start >= KILL_PASSES_USEC))
                        break;
        }
        if (pass == KILL_PASSES_MAX)
                manager_log(m, MLOG_DEBUG, "%s: still finding new processes after %u reads of /proc; looking again later",
                            u->id, pass);
        free(done);
        return count;
}

int unit_signal_all(MUnit *u, int sig, pid_t except) {
        return unit_signal_all_cont(u, sig, except, false);
}

int kill_signal(MUnit *u) {
        return u->u->kill.kill_signal > 0 ? u->u->kill.kill_signal : SIGTERM;
}

int kill_mode(MUnit *u) {
        return u->u->kill.kill_mode >= 0 ? u->u->kill.kill_mode : KILL_CONTROL_GROUP;
}

int service_kill(MUnit *u, const char *whom, int sig) {
        int n = 0;

        if (strcmp(whom, "main") == 0) {
                int r = main_kill(u, sig);
                return r < 0 ? r : 1;
        }
        if (strcmp(whom, "control") == 0) {
                if (u->control_pid <= 0)
                        return -ESRCH;
                return u->m->sys->kill(u->control_pid, sig) < 0 ? -errno : 1;
        }
        if (main_kill(u, sig) == 0)
                n++;
        if (u->control_pid > 0 && u->m->sys->kill(u->control_pid, sig) == 0)
                n++;
        n += unit_signal_all(u, sig, 0) > 0;
        return n > 0 ? n : -ESRCH;
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
                struct proc **own;
                size_t np = procs_of(u, 0, &own);
                for (size_t i = 0; i < np; i++)
                        if (!own[i]->dead && !push_pid(&v, &n, &cap, own[i]->pid))
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
void guess_main_pid(MUnit *u) {
        struct proc *v;
        size_t n = procs_snapshot(u->m, 0, &v);
        pid_t self = u->m->self_pid, cand = 0;
        unsigned found = 0;

        if (u->cgroup) {
                pid_t *pids = NULL;
                int k = service_pids(u, &pids);
                for (int j = 0; j < k; j++)
                        for (size_t i = 0; i < n; i++)
                                if (v[i].pid == pids[j] && !v[i].dead && v[i].ppid == self && v[i].pid != u->control_pid && v[i].pid != cand) {
                                        found++;
                                        cand = v[i].pid;
                                }
                free(pids);
        } else
                for (size_t i = 0; i < n; i++) {
                        if (v[i].dead || v[i].ppid != self || v[i].pid == u->control_pid)
                                continue;
                        /* The environment is read only for children of PID 1 that are no unit's
                         * main or control process (orphans): few. */
                        if (!procs_belongs(u, &v[i]) &&
                            (manager_unit_by_pid(u->m, v[i].pid) || !environ_has_invocation(v[i].pid, u->invocation_id)))
                                continue;
                        found++;
                        cand = v[i].pid;
                }
        if (found != 1) {
                manager_log(u->m, MLOG_DEBUG, "%s: cannot guess the main process (%u candidates)", u->id, found);
                return;
        }
        munit_set_main_pid(u, cand);
        u->main_pid_known = true;
        main_pid_track(u);
        manager_log(u->m, MLOG_DEBUG, "%s: main process guessed: %d", u->id, (int) cand);
}

bool unit_has_processes(MUnit *u) {
        /* A pid someone else reaped (it cannot be ours to wait for any more) does not count. */
        main_pid_refresh(u);
        if (u->main_pid > 0 && u->m->sys->kill(u->main_pid, 0) < 0 && errno == ESRCH)
                munit_set_main_pid(u, 0);
        if (u->control_pid > 0 && u->m->sys->kill(u->control_pid, 0) < 0 && errno == ESRCH)
                munit_set_control_pid(u, 0);
        if (u->main_pid > 0 || u->control_pid > 0)
                return true;
        /* KillMode=process/none: the rest of the unit is left alone, and not waited for. */
        if (kill_mode(u) == KILL_PROCESS || kill_mode(u) == KILL_NONE)
                return false;
        return unit_signal_all(u, 0, 0) > 0;
}

/* Without cgroups, a daemon that detached completely (setsid() in a child whose parent exited, as
 * pg_ctl starts postgres, which also overwrites its environment with its process title) is an
 * orphan that nothing ties to its unit. It is taken as the unit's when no other unit claims it (as
 * main or control process, or by its session and ancestry): a process of another service never
 * is. The limit of tracking without cgroups; with a delegated cgroup the cgroup decides. */
static bool unclaimed_orphan(MUnit *u, struct proc *p) {
        MUnit *o;

        if (p->ppid != u->m->self_pid)
                return false;
        o = manager_unit_by_pid(u->m, p->pid);
        if (!o)
                o = procs_owner(u->m, p);
        return !o || o == u || munit_vtable(o) != &service_vtable || o->active == STATE_INACTIVE;
}

/* Whether pid is one of the unit's processes: by its cgroup when the unit has one, otherwise by
 * the session/descendant tracking (this iteration's /proc snapshot). */
bool unit_owns_pid(MUnit *u, pid_t pid) {
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
                struct proc *p = procs_find(u->m, pid);
                if (p)
                        return procs_belongs(u, p) || environ_has_invocation(pid, u->invocation_id) ||
                               unclaimed_orphan(u, p);
        }
        return false;
}

/* ---- resource limits of the unit's cgroup ----------------------------------------------------- */

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


void service_apply_limits(MUnit *u) {
        const CGroupSettings *c = unit_cgroup(u->u);
        struct cg_limits l;
        struct cg_limits_result res;

        cg_limits_init(&l);
        l.memory_min = limit_bytes(&c->memory_min);
        l.memory_low = limit_bytes(&c->memory_low);
        l.memory_high = limit_bytes(&c->memory_high);
        l.memory_max = limit_bytes(c->memory_max.set ? &c->memory_max : &c->memory_limit);
        l.memory_swap_max = limit_bytes(&c->memory_swap_max);
        if (unit_is_set(u->u, UD_CGROUP_CPU_WEIGHT) || unit_is_set(u->u, UD_CGROUP_CPU_SHARES))
                l.cpu_weight = c->cpu_weight;
        if (c->cpu_quota.set)
                l.cpu_quota_usec = (uint64_t) c->cpu_quota.permyriad * 100;
        if (unit_is_set(u->u, UD_CGROUP_CPU_QUOTA_PERIOD_SEC))
                l.cpu_quota_period_usec = c->cpu_quota_period_usec;
        if (c->tasks_max.set) {
                if (c->tasks_max.is_relative)
                        l.tasks_max_permyriad = c->tasks_max.permyriad;
                else
                        l.tasks_max = c->tasks_max.value == SDU_SIZE_INFINITY ? CG_INFINITY : c->tasks_max.value;
        } else if (u->m->cg.controllers & CG_CTRL_PIDS)
                /* systemd's DefaultTasksMax=15% (of min(threads-max, pid_max - 1, the root
                 * cgroup's pids.max)): without it one fork bomb takes a container's whole pids
                 * budget and PID 1 can start nothing more. Only where the pids controller is
                 * ours: elsewhere a default is no setting to warn about. */
                l.tasks_max_permyriad = DEFAULT_TASKS_MAX_PERMYRIAD;
        if (unit_is_set(u->u, UD_CGROUP_IO_WEIGHT))
                l.io_weight = c->io_weight;
        l.allowed_cpus = u->allowed_cpus;
        if (S(u)->oom_policy == 2 /* kill */)
                l.oom_group = 1;
        cg_apply_limits(&u->m->cg, u->cgroup, &l, &res);
}

/* ---- the main pid from MAINPID= and PIDFile= ----------------------------------------------- */

bool refusal_new(MUnit *u, pid_t pid) {
        if (u->refused_main_pid == pid)
                return false;
        u->refused_main_pid = pid;
        return true;
}

/* systemd's service_is_suitable_main_pid(): < 0 never (PID 1, the control process, a process that
 * is gone), 1 certainly (one of the unit's own), 0 questionable (someone else's: believed only
 * from a trusted source). Each refusal is said once, at warning level. */
int main_pid_suitable(MUnit *u, pid_t pid) {
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
bool read_pid_file(MUnit *u) {
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
        munit_set_main_pid(u, p);
        u->main_pid_known = true;
        main_pid_track(u);
        return true;
}
