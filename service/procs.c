/* SPDX-License-Identifier: MIT */
#include "service/procs.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


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

/* The snapshot of this event-loop iteration (re-read at most once per iteration). */
size_t procs_snapshot(Manager *m, struct proc **ret) {
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

void procs_forget_pid(Manager *m, pid_t pid) {
        struct proc *v = m->procs;

        for (size_t i = 0; m->procs_valid && i < m->n_procs; i++)
                if (v[i].pid == pid) {
                        v[i] = v[--m->n_procs];
                        return;
                }
}

/* The unit whose main or control process pid is. */
MUnit *manager_unit_by_pid(Manager *m, pid_t pid) {
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                if (u->main_pid == pid || u->control_pid == pid)
                        return u;
        }
        return NULL;
}
