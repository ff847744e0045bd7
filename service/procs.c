/* SPDX-License-Identifier: MIT */
#include "service/procs.h"

#include "service/manager-private.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int procs_read_stat(pid_t pid, char *ret_state, pid_t *ret_ppid, pid_t *ret_sid) {
        char path[64], buf[512];
        ssize_t k;
        int fd;

        snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        k = read(fd, buf, sizeof(buf) - 1);
        if (k < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        close(fd);
        if (k == 0)
                return -ESRCH; /* gone between open and read */
        return proc_stat_parse(buf, (size_t) k, ret_state, ret_ppid, ret_sid);
}

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
                char state;
                pid_t pid, ppid, sid;

                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue;
                pid = atoi(de->d_name);
                /* state ppid pgrp session; zombies are gone as far as a unit is concerned */
                if (procs_read_stat(pid, &state, &ppid, &sid) < 0 || state == 'Z')
                        continue;
                if (n == cap) {
                        size_t c = cap ? cap * 2 : 256;
                        struct proc *nv = realloc(v, c * sizeof(*v));
                        if (!nv)
                                break;
                        v = nv;
                        cap = c;
                }
                v[n++] = (struct proc) { pid, ppid, sid };
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
        pid_t *known = malloc((2 * m->n_units + 1) * sizeof(pid_t)), self = m->self_pid;
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
const char *stray_invocation(struct proc *p) {
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

/* ---- the snapshot ------------------------------------------------------------------------------ */

static int cmp_proc(const void *a, const void *b) {
        const struct proc *x = a, *y = b;
        return (x->pid > y->pid) - (x->pid < y->pid);
}

static struct proc *find(struct proc *v, size_t n, pid_t pid) {
        struct proc key = { .pid = pid };
        return n ? bsearch(&key, v, n, sizeof(*v), cmp_proc) : NULL;
}

static uint64_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

/* The last pid allocated in our pid namespace (the cursor of its allocator; any fork in it, or in
 * a namespace below it, moves it). -1 where it cannot be read (no CONFIG_CHECKPOINT_RESTORE). Read
 * at every stop's checks: through one descriptor kept open (pread: 4 us, where open, read and close
 * took 17). */
static long read_last_pid(Manager *m) {
        char buf[32];
        ssize_t k;
        int fd;

        if (m->ns_last_pid_fd == 0)
                m->ns_last_pid_fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC) + 1;
        fd = m->ns_last_pid_fd - 1;
        if (fd < 0)
                return -1;
        k = pread(fd, buf, sizeof(buf) - 1, 0);
        if (k <= 0)
                return -1;
        buf[k] = '\0';
        return strtol(buf, NULL, 10);
}

bool procs_born_since(Manager *m) {
        return !m->procs_valid || m->procs_last_pid < 0 || read_last_pid(m) != m->procs_last_pid;
}

void procs_invalidate(Manager *m) {
        m->procs_valid = false;
}

size_t procs_snapshot(Manager *m, uint64_t max_age_usec, struct proc **ret) {
        uint64_t it = 0, now = 0;

        sd_event_get_iteration(m->event, &it);
        if (m->procs_valid && m->procs_iteration != it)
                now = now_usec();
        if (!m->procs_valid || (m->procs_iteration != it && now - m->procs_read_usec >= max_age_usec)) {
                struct proc *v;
                free(m->procs);
                m->procs_last_pid = read_last_pid(m); /* before: whatever is born during the read moves it */
                m->n_procs = read_procs(&v);
                m->procs = v;
                if (m->n_procs)
                        qsort(v, m->n_procs, sizeof(*v), cmp_proc);
                m->procs_iteration = it;
                m->procs_read_usec = now ? now : now_usec();
                m->procs_valid = true;
                m->procs_version++;
                mark_strays(m, v, m->n_procs);
        }
        *ret = m->procs;
        return m->n_procs;
}

/* The reaped process is marked gone (the index stays valid: it is what a reap changes); its
 * children are PID 1's now, as the kernel made them, and keep the unit they had. */
void procs_forget_pid(Manager *m, pid_t pid) {
        struct proc *v = m->procs, *p;

        if (!m->procs_valid || !(p = find(v, m->n_procs, pid)) || p->dead)
                return;
        p->dead = true;
        for (size_t i = 0; i < m->n_procs; i++)
                if (v[i].ppid == pid)
                        v[i].ppid = m->self_pid;
}

struct proc *procs_find(Manager *m, pid_t pid) {
        struct proc *v, *p;
        size_t n = procs_snapshot(m, 0, &v);

        p = find(v, n, pid);
        return p && !p->dead ? p : NULL;
}

/* ---- which unit each process belongs to -------------------------------------------------------- */

/* A unit's keys: a process belongs to the unit whose main or control process it is, or that is in
 * one of the unit's sessions (its first process's, the one its exited main process led, or the one
 * its main process leads); else to the unit its parent belongs to. */
struct key {
        pid_t key;
        size_t unit;
};

static int cmp_key(const void *a, const void *b) {
        const struct key *x = a, *y = b;
        if (x->key != y->key)
                return (x->key > y->key) - (x->key < y->key);
        return (x->unit > y->unit) - (x->unit < y->unit);
}

/* The first unit (in the manager's order) with `key` in v, SIZE_MAX if none. */
static size_t lookup(const struct key *v, size_t n, pid_t key) {
        size_t lo = 0, hi = n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (v[mid].key < key)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < n && v[lo].key == key ? v[lo].unit : SIZE_MAX;
}

static void record_keys(MUnit *u) {
        u->procs_keys[0] = u->main_pid;
        u->procs_keys[1] = u->control_pid;
        u->procs_keys[2] = u->session;
        u->procs_keys[3] = u->main_session;
}

static bool keys_changed(const MUnit *u) {
        return u->procs_keys[0] != u->main_pid || u->procs_keys[1] != u->control_pid || u->procs_keys[2] != u->session ||
               u->procs_keys[3] != u->main_session;
}

/* Whether v[i] is u's by u's keys now, or its parent is (memo: 0 unknown, 1 on the walk, 2 yes,
 * 3 no). */
static bool belongs_now(const MUnit *u, struct proc *v, size_t n, size_t i, uint8_t *memo, unsigned depth) {
        struct proc *parent;
        bool r;

        if (memo && memo[i] >= 2)
                return memo[i] == 2;
        if ((memo && memo[i] == 1) || v[i].pid == u->m->self_pid)
                return false;
        if (memo)
                memo[i] = 1;
        r = (u->session > 0 && v[i].sid == u->session) || (u->main_session > 0 && v[i].sid == u->main_session) ||
            (u->main_pid > 0 && (v[i].pid == u->main_pid || v[i].sid == u->main_pid)) ||
            (u->control_pid > 0 && v[i].pid == u->control_pid) ||
            (depth <= 32 && v[i].ppid > 1 && (parent = find(v, n, v[i].ppid)) &&
             belongs_now(u, v, n, (size_t) (parent - v), memo, depth + 1));
        if (memo)
                memo[i] = r ? 2 : 3;
        return r;
}

/* The processes of a unit whose main or control process or sessions changed since the index was
 * built: one pass over the snapshot by its keys now (the index is left as it is). */
static size_t scan_unit(MUnit *u, struct proc ***ret) {
        Manager *m = u->m;
        size_t n = m->n_procs, k = 0;
        uint8_t *memo = calloc(n + 1, 1);
        struct proc **by = realloc(m->procs_scratch, (n + 1) * sizeof(*by));

        *ret = NULL;
        if (by)
                m->procs_scratch = by;
        if (!memo || !by) {
                free(memo);
                manager_log(m, MLOG_ERR, "out of memory looking for the processes of %s", u->id);
                return 0;
        }
        for (size_t i = 0; i < n; i++)
                if (!m->procs[i].dead && belongs_now(u, m->procs, n, i, memo, 0))
                        by[k++] = &m->procs[i];
        free(memo);
        *ret = by;
        return k;
}

/* owner[i] for v[i], following parents (memo: state 0 unknown, 1 on the walk, 2 known). */
static MUnit *owner_of(Manager *m, struct proc *v, size_t n, size_t i, const struct key *pk, size_t npk,
                       const struct key *sk, size_t nsk, uint8_t *state, unsigned depth) {
        size_t a, b, best;
        struct proc *parent;

        if (state[i] == 2)
                return v[i].owner;
        if (state[i] == 1 || v[i].pid == m->self_pid)
                return NULL; /* a loop in a snapshot taken while processes changed; PID 1 itself */
        state[i] = 1;
        a = lookup(pk, npk, v[i].pid);
        b = lookup(sk, nsk, v[i].sid);
        best = a < b ? a : b;
        if (best != SIZE_MAX)
                v[i].owner = m->units[best];
        else if (depth <= 32 && v[i].ppid > 1 && (parent = find(v, n, v[i].ppid)))
                v[i].owner = owner_of(m, v, n, (size_t) (parent - v), pk, npk, sk, nsk, state, depth + 1);
        else
                v[i].owner = NULL;
        state[i] = 2;
        return v[i].owner;
}

static int cmp_owner(const void *a, const void *b) {
        const struct proc *x = *(struct proc *const *) a, *y = *(struct proc *const *) b;
        size_t i = x->owner->index_in_manager, j = y->owner->index_in_manager;
        if (i != j)
                return (i > j) - (i < j);
        return (x->pid > y->pid) - (x->pid < y->pid);
}

/* Builds the index: every process's owner, and each unit's processes as one run of by_owner.
 * One pass over the units and one over the processes (with a sort of each), instead of a walk
 * from every process to the root for every unit that asks. */
static void index_build(Manager *m) {
        struct proc *v = m->procs;
        size_t n = m->n_procs, npk = 0, nsk = 0, k = 0;
        struct key *pk = malloc((2 * m->n_units + 1) * sizeof(*pk)), *sk = malloc((3 * m->n_units + 1) * sizeof(*sk));
        uint8_t *state = calloc(n + 1, 1);
        struct proc **by = realloc(m->procs_by_owner, (n + 1) * sizeof(*by));

        m->procs_index_version = 0;
        if (!pk || !sk || !state || !by) {
                manager_log(m, MLOG_ERR, "out of memory indexing processes");
                free(pk), free(sk), free(state);
                if (by)
                        m->procs_by_owner = by;
                return;
        }
        m->procs_by_owner = by;
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                record_keys(u);
                u->procs_at = u->procs_n = 0;
                if (u->main_pid > 0)
                        pk[npk++] = (struct key) { u->main_pid, i };
                if (u->control_pid > 0)
                        pk[npk++] = (struct key) { u->control_pid, i };
                if (u->session > 0)
                        sk[nsk++] = (struct key) { u->session, i };
                if (u->main_session > 0)
                        sk[nsk++] = (struct key) { u->main_session, i };
                if (u->main_pid > 0)
                        sk[nsk++] = (struct key) { u->main_pid, i };
        }
        qsort(pk, npk, sizeof(*pk), cmp_key);
        qsort(sk, nsk, sizeof(*sk), cmp_key);
        for (size_t i = 0; i < n; i++)
                if (owner_of(m, v, n, i, pk, npk, sk, nsk, state, 0) && !v[i].dead)
                        by[k++] = &v[i];
        qsort(by, k, sizeof(*by), cmp_owner);
        for (size_t i = 0; i < k; i++) {
                MUnit *u = by[i]->owner;
                if (u->procs_n == 0)
                        u->procs_at = i;
                u->procs_n++;
        }
        m->n_procs_by_owner = k;
        free(pk), free(sk), free(state);
        m->procs_index_version = m->procs_version;
        m->procs_index_units = m->n_units;
}

size_t procs_of(MUnit *u, uint64_t max_age_usec, struct proc ***ret) {
        Manager *m = u->m;
        struct proc *v;

        (void) procs_snapshot(m, max_age_usec, &v); /* may re-read, which makes a new version */
        if (m->procs_index_version != m->procs_version || m->procs_index_units != m->n_units)
                index_build(m);
        if (m->procs_index_version != m->procs_version) {
                *ret = NULL;
                return 0;
        }
        if (keys_changed(u))
                return scan_unit(u, ret);
        *ret = m->procs_by_owner + u->procs_at;
        return u->procs_n;
}

MUnit *procs_owner(Manager *m, struct proc *p) {
        if (m->procs_index_version != m->procs_version || m->procs_index_units != m->n_units)
                index_build(m);
        return m->procs_index_version == m->procs_version && !p->dead ? p->owner : NULL;
}

void procs_free(Manager *m) {
        free(m->procs);
        free(m->procs_by_owner);
        free(m->procs_scratch);
        m->procs_scratch = NULL;
        m->procs = NULL;
        m->procs_by_owner = NULL;
        m->n_procs = m->n_procs_by_owner = 0;
        m->procs_valid = false;
        if (m->ns_last_pid_fd > 0)
                close(m->ns_last_pid_fd - 1);
        m->ns_last_pid_fd = 0;
}

bool procs_belongs(MUnit *u, struct proc *p) {
        Manager *m = u->m;

        if (p->dead)
                return false;
        if (m->procs_index_version != m->procs_version || m->procs_index_units != m->n_units)
                index_build(m);
        if (m->procs_index_version == m->procs_version && !keys_changed(u))
                return p->owner == u;
        return belongs_now(u, m->procs, m->n_procs, (size_t) (p - m->procs), NULL, 0);
}
