/* SPDX-License-Identifier: MIT */
/* SIGCHLD: whose process it was, looked up before it is reaped (in the pid index, manager-index.c). */
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
