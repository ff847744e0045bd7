/* SPDX-License-Identifier: MIT */
/* SIGCHLD: whose process it was, looked up before it is reaped; the pid -> unit index that says it. */
#include "service/logrelay.h"
#include "service/journal.h"
#include "service/manager-private.h"
#include "service/sys.h"

#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "service/procs.h"
#include "service/shutdown.h"

void manager_reap(Manager *m) {
        for (;;) {
                siginfo_t info = {};
                MUnit *u;

                /* Look first (WNOWAIT), so the pid cannot be reused before we know whose it was. */
                if (m->sys->waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) < 0 || info.si_pid <= 0)
                        break;
                u = manager_unit_by_pid(m, info.si_pid);
                /* What it wrote before it exited comes before its exit (a child that failed
                 * before exec has written why), and its last output to the journal while its
                 * pid still names it (service/journal.c). */
                if (u)
                        logrelay_drain(m->log, u);
                if (u && u->journal)
                        journal_stream_flush_as(u, info.si_pid);
                {
                        siginfo_t reaped = {};
                        m->sys->waitid(P_PID, (id_t) info.si_pid, &reaped, WEXITED);
                }
                procs_forget_pid(m, info.si_pid);
                if (info.si_pid == m->command_pid) {
                        m->command_status = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
                        m->command_pid = 0;
                        manager_log(m, MLOG_INFO, "main command exited with status %d", m->command_status);
                        if (m->shutting_down && m->exit_status < 0)
                                m->exit_status = m->command_status; /* stopped while it ran: its status */
                        manager_begin_shutdown(m, m->command_status);
                        shutdown_check_idle(m);
                } else if (u && munit_vtable(u)->sigchld)
                        munit_vtable(u)->sigchld(u, info.si_pid, info.si_code, info.si_status);
        }
}

/* ---- pid -> unit ------------------------------------------------------------------------------ */

/* Open addressing with linear probing; pid 0 marks a free slot. A pid may be in several entries
 * (a unit whose main and control process are one, two units told the same MAINPID=): the look-up
 * returns the first unit in the manager's order, as the scan over the units it replaces did. */
struct PidSlot {
        pid_t pid;
        MUnit *u;
};

static size_t pid_hash(pid_t pid, size_t cap) {
        return ((uint32_t) pid * 2654435761u) & (cap - 1);
}

static void slot_put(struct PidSlot *v, size_t cap, pid_t pid, MUnit *u) {
        size_t i = pid_hash(pid, cap);
        while (v[i].pid != 0)
                i = (i + 1) & (cap - 1);
        v[i].pid = pid;
        v[i].u = u;
}

static void pid_index_add(Manager *m, pid_t pid, MUnit *u) {
        if (pid <= 0 || m->pid_index_broken)
                return;
        if ((m->pid_used + 1) * 2 > m->pid_cap) {
                size_t cap = m->pid_cap ? m->pid_cap * 2 : 64;
                struct PidSlot *v = calloc(cap, sizeof(*v));
                if (!v) {
                        /* Correct but slow from now on: the look-up scans the units. */
                        m->pid_index_broken = true;
                        free(m->pid_slots);
                        m->pid_slots = NULL;
                        m->pid_cap = m->pid_used = 0;
                        return;
                }
                for (size_t i = 0; i < m->pid_cap; i++)
                        if (m->pid_slots[i].pid != 0)
                                slot_put(v, cap, m->pid_slots[i].pid, m->pid_slots[i].u);
                free(m->pid_slots);
                m->pid_slots = v;
                m->pid_cap = cap;
        }
        slot_put(m->pid_slots, m->pid_cap, pid, u);
        m->pid_used++;
}

/* Removes one entry (pid, u), shifting the entries of the probe run back over the hole. */
static void pid_index_del(Manager *m, pid_t pid, MUnit *u) {
        size_t cap = m->pid_cap, i, j;

        if (pid <= 0 || cap == 0)
                return;
        for (i = pid_hash(pid, cap); m->pid_slots[i].pid != 0; i = (i + 1) & (cap - 1))
                if (m->pid_slots[i].pid == pid && m->pid_slots[i].u == u)
                        break;
        if (m->pid_slots[i].pid == 0)
                return;
        m->pid_used--;
        for (j = i;;) {
                size_t home;
                j = (j + 1) & (cap - 1);
                if (m->pid_slots[j].pid == 0)
                        break;
                home = pid_hash(m->pid_slots[j].pid, cap);
                /* The entry at j may fill the hole at i unless its home lies cyclically in (i, j]. */
                if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
                        m->pid_slots[i] = m->pid_slots[j];
                        i = j;
                }
        }
        m->pid_slots[i].pid = 0;
        m->pid_slots[i].u = NULL;
}

void munit_set_main_pid(MUnit *u, pid_t pid) {
        if (u->main_pid == pid)
                return;
        pid_index_del(u->m, u->main_pid, u);
        u->main_pid = pid;
        pid_index_add(u->m, pid, u);
}

void munit_set_control_pid(MUnit *u, pid_t pid) {
        if (u->control_pid == pid)
                return;
        pid_index_del(u->m, u->control_pid, u);
        u->control_pid = pid;
        pid_index_add(u->m, pid, u);
}

void manager_pid_index_forget(MUnit *u) {
        pid_index_del(u->m, u->main_pid, u);
        pid_index_del(u->m, u->control_pid, u);
}

MUnit *manager_unit_by_pid(Manager *m, pid_t pid) {
        MUnit *best = NULL;

        if (pid <= 0)
                return NULL;
        if (m->pid_index_broken) {
                for (size_t i = 0; i < m->n_units; i++)
                        if (m->units[i]->main_pid == pid || m->units[i]->control_pid == pid)
                                return m->units[i];
                return NULL;
        }
        if (m->pid_cap == 0)
                return NULL;
        for (size_t i = pid_hash(pid, m->pid_cap); m->pid_slots[i].pid != 0; i = (i + 1) & (m->pid_cap - 1)) {
                MUnit *u = m->pid_slots[i].u;
                if (m->pid_slots[i].pid == pid && (!best || u->index_in_manager < best->index_in_manager))
                        best = u;
        }
        return best;
}

void manager_pid_index_free(Manager *m) {
        free(m->pid_slots);
        m->pid_slots = NULL;
        m->pid_cap = m->pid_used = 0;
}
