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
#include "service/exec-ns.h"
#include "service/service-private.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/signames.h"
#include "common/strv.h"
#include "service/busname.h"
#include "service/conditions.h"
#include "service/exec-caps.h"
#include "service/logrelay.h"
#include "service/shutdown.h"
#include "service/spawn.h"
#include "service/unit-types.h"

#define USEC_PER_SEC 1000000ULL
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

static void enter_stop(MUnit *u, UnitResult result);
static void enter_stop_sigterm(MUnit *u);
static void enter_stop_post(MUnit *u);
static void enter_dead(MUnit *u);
static void enter_running(MUnit *u);
static void enter_start_post(MUnit *u);
static void enter_start(MUnit *u);
static void describe_exit(MUnit *u, const char *what, pid_t pid, int code, int status);

/* The unit's settings with systemd's defaults already in them (units/ unit_apply_defaults()). */
static uint64_t timeout_start(MUnit *u) {
        return S(u)->timeout_start_usec;
}

static uint64_t timeout_stop(MUnit *u) {
        return S(u)->timeout_stop_usec;
}

uint64_t service_stop_budget(MUnit *u) {
        uint64_t t = timeout_stop(u);
        unsigned phases = 2; /* SIGTERM, then SIGKILL: each waits up to TimeoutStopSec= */

        if (t == 0 || t == SDU_SIZE_INFINITY)
                return SDU_SIZE_INFINITY;
        phases += S(u)->exec_stop.n > 0;
        phases += S(u)->exec_stop_post.n > 0;
        return t > SDU_SIZE_INFINITY / phases ? SDU_SIZE_INFINITY : t * phases;
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
        u->timeout_deadline = u->m->sys->now() + relative_usec;
        sd_event_add_time_relative(u->m->event, &u->timer, CLOCK_MONOTONIC, relative_usec, 1000, on_timer, u);
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
        u->result = RESULT_WATCHDOG;
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

static void oom_event(MUnit *u);

static void on_cg_event(MUnit *u) {
        if (cgroup_oom_killed(u)) {
                oom_event(u);
                if (!u->cgroup)
                        return; /* the unit is dead and its cgroup gone */
        }
        /* The cgroup emptied: a stop waiting for stray processes can go on at once. */
        if ((u->sub == SUB_STOP_SIGTERM || u->sub == SUB_STOP_SIGKILL) && u->main_pid <= 0 && u->control_pid <= 0 &&
            cg_read_populated(&u->m->cg, u->cgroup) == 0)
                enter_stop_post(u);
        else if (u->sub == SUB_FINAL_SIGKILL && cg_read_populated(&u->m->cg, u->cgroup) == 0)
                enter_dead(u);
}

/* The OOM killer killed a process of the unit (memory.events), as systemd's unit_check_oom() and
 * service_notify_cgroup_oom_event(): one line; with OOMPolicy=stop (systemd's DefaultOOMPolicy=)
 * or kill (the kernel's memory.oom.group has killed the rest already) a starting or running unit
 * is stopped with result oom-kill; one that is stopping keeps stopping, with that result. */
static void oom_event(MUnit *u) {
        /* unset: systemd's DefaultOOMPolicy=stop, or continue with Delegate= on */
        int policy = unit_is_set(u->u, UD_SERVICE_OOM_POLICY)                                 ? S(u)->oom_policy
                     : unit_cgroup(u->u)->delegate > 0 ? 0 /* continue */
                                                                                               : 1 /* stop */;

        manager_log(u->m, MLOG_WARN, "%s: A process of this unit has been killed by the OOM killer.", u->id);
        if (policy == 0 /* continue */)
                return;
        switch (u->sub) {
        case SUB_CONDITION:
        case SUB_START_PRE:
        case SUB_START:
        case SUB_START_POST:
        case SUB_RUNNING:
        case SUB_EXITED:
        case SUB_STOP:
                u->waiting_pid_file = false;
                enter_stop(u, RESULT_OOM_KILL);
                break;
        case SUB_STOP_SIGTERM:
        case SUB_STOP_SIGKILL:
        case SUB_STOP_POST:
        case SUB_FINAL_SIGTERM:
        case SUB_FINAL_SIGKILL:
                if (u->result == RESULT_SUCCESS)
                        u->result = RESULT_OOM_KILL;
                break;
        default:
                break;
        }
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
                env_set_kv(env, "SERVICE_RESULT", unit_result_to_string(u->result));
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
        if (u->cgroup && (phase == PHASE_START_POST || phase == PHASE_RELOAD || phase == PHASE_STOP || phase == PHASE_STOP_POST) &&
            unit_cgroup(u->u)->delegate > 0) {
                /* Delegate=: in "<cgroup>/.control", as systemd (the service may have made its
                 * cgroup an inner one); spawn_exec() still hands the unit's cgroup to User=. */
                char ctl[CG_PATH_MAX], *own = u->cgroup;
                r = cg_delegate_control(&u->m->cg, own, ctl, sizeof(ctl));
                if (r == 0)
                        u->cgroup = ctl;
                r = u->m->sys->spawn(u, &l->items[idx], env, false, &pid);
                u->cgroup = own;
        } else
                r = u->m->sys->spawn(u, &l->items[idx], env, false, &pid);
        strv_free(env);
        if (r != 0) {
                /* Set-up failed before a process existed: as if it had exited with that status. */
                if (r < 0)
                        manager_log(u->m, MLOG_ERR, "%s: failed to run '%s': %s", u->id, l->items[idx].path, strerror(-r));
                munit_set_control_pid(u, 0);
                service_sigchld(u, -1, CLD_EXITED, r > 0 ? r : EXIT_EXEC);
                return true;
        }
        munit_set_control_pid(u, pid);
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
        uint64_t interval = u->u->unit.start_limit_interval_usec, now = u->m->sys->now();
        unsigned burst = (unsigned) u->u->unit.start_limit_burst, recent = 0;

        if (interval == 0 || burst == 0)
                return false;
        if (u->n_start_times == 0) {
                u->first_start_time = now;
                u->n_start_times = 1;
                return false; /* one start is within any burst (burst >= 1) */
        }
        if (!u->start_times && !(u->start_times = calloc(16, sizeof(uint64_t)))) {
                manager_log(u->m, MLOG_WARN, "%s: out of memory, start rate not limited this time", u->id);
                return false;
        }
        if (u->n_start_times == 1)
                u->start_times[0] = u->first_start_time;
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
        r = unit_test_conditions(u, &u->u->unit.conditions, failed, sizeof(failed));
        dual_timestamp_now(&u->ts_condition);
        u->condition_result = r != 0;
        if (r == 0) {
                manager_log(u->m, MLOG_INFO, "%s: condition check (%s) failed, skipping", u->id, failed);
                manager_job_done(u, JOB_DONE);
                return;
        }
        u->start_limit_hit = start_limit_hit(u);
        if (u->start_limit_hit) {
                manager_log(u->m, MLOG_ERR, "%s: start request repeated too quickly (StartLimitBurst=)", u->id);
                /* The result of the run that failed is kept, as systemd's service_enter_dead()
                 * keeps it: only a unit that last succeeded shows "start-limit-hit". */
                if (u->result == RESULT_SUCCESS)
                        u->result = RESULT_START_LIMIT_HIT;
                munit_set_state(u, STATE_FAILED, SUB_FAILED);
                return;
        }
        r = unit_test_conditions(u, &u->u->unit.asserts, failed, sizeof(failed));
        if (r < 0) {
                manager_log(u->m, MLOG_ERR, "%s: assertion (%s) failed", u->id, failed);
                u->result = RESULT_ASSERT;
                munit_set_state(u, STATE_FAILED, SUB_FAILED);
                return;
        }

        {
                /* A random v4 UUID (systemd's sd_id128_randomize()): one getrandom() call; the
                 * kernel's own, /proc/sys/kernel/random/uuid (an open, a read through stdio, a
                 * close), only where getrandom() fails (it does not wait for entropy here). */
                static const char hex[] = "0123456789abcdef";
                uint8_t raw[16];
                FILE *f = NULL;
                char uuid[40] = "";
                size_t k = 0;
                if (getrandom(raw, sizeof(raw), GRND_NONBLOCK) == (ssize_t) sizeof(raw)) {
                        raw[6] = (uint8_t) ((raw[6] & 0x0F) | 0x40);
                        raw[8] = (uint8_t) ((raw[8] & 0x3F) | 0x80);
                        for (size_t i = 0; i < sizeof(raw); i++) {
                                uuid[2 * i] = hex[raw[i] >> 4];
                                uuid[2 * i + 1] = hex[raw[i] & 15];
                        }
                        uuid[32] = '\0';
                } else
                        f = fopen("/proc/sys/kernel/random/uuid", "re");
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
        u->result = RESULT_SUCCESS;
        munit_set_main_pid(u, 0);
        munit_set_control_pid(u, 0);
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

        cgroup_prepare(u, on_cg_event);
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
                u->result = RESULT_RESOURCES;
                enter_dead(u);
                return;
        }
        munit_set_state(u, STATE_ACTIVATING, SUB_START);

        if (s->type == SERVICE_ONESHOT || s->type == SERVICE_FORKING) {
                /* The ExecStart= processes of these types are waited for one by one. */
                run_control(u, PHASE_START, 0);
                return;
        }
        r = u->m->sys->spawn(u, &s->exec_start.items[0], NULL, true, &pid);
        if (r != 0) {
                if (r < 0)
                        manager_log(u->m, MLOG_ERR, "%s: failed to start '%s': %s", u->id, s->exec_start.items[0].path, strerror(-r));
                else
                        describe_exit(u, "Main", 0, CLD_EXITED, r);
                u->result = RESULT_EXIT_CODE;
                u->main_exit_code = CLD_EXITED;
                u->main_exit_status = r > 0 ? r : EXIT_EXEC;
                enter_stop_post(u);
                return;
        }
        munit_set_main_pid(u, pid);
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
                        enter_stop(u, RESULT_SUCCESS);
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

static void enter_stop(MUnit *u, UnitResult result) {
        u->waiting_bus_name = false;
        watchdog_disarm(u);
        if (result != RESULT_SUCCESS && u->result == RESULT_SUCCESS)
                u->result = result;
        disarm_timer(u);
        arm_timer(u, timeout_stop(u));
        /* ExecStop= runs only for a service that started successfully. */
        if ((u->sub == SUB_RUNNING || u->sub == SUB_EXITED || u->sub == SUB_RELOAD) &&
            enter_phase(u, PHASE_STOP, STATE_DEACTIVATING, SUB_STOP))
                return;
        enter_stop_sigterm(u);
}

static void send_kill(MUnit *u, int sig, bool final_kill) {
        int mode = kill_mode(u);

        if (mode == KILL_NONE && !final_kill)
                return;
        (void) main_kill(u, sig);
        if (u->control_pid > 0)
                u->m->sys->kill(u->control_pid, sig);
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
         * SIGTERM would reach nobody, so, as systemd's service_enter_signal(), the rest of the
         * unit gets SIGKILL at once (stop-sigkill), and the stop goes on when it has left (within
         * TimeoutStopSec=): a restart must not join a cgroup that still holds the dying workers
         * (apache2 after kill -9 of its master). */
        if (kill_mode(u) == KILL_MIXED && u->main_pid <= 0 && u->control_pid <= 0 && u->u->kill.send_sigkill != 0) {
                int sig = u->u->kill.final_kill_signal > 0 ? u->u->kill.final_kill_signal : SIGKILL;
                munit_set_state(u, STATE_DEACTIVATING, SUB_STOP_SIGKILL);
                service_log_kill_all(u, sig);
                send_kill(u, sig, true);
                u->timeout_deadline = t == 0 || t == SDU_SIZE_INFINITY ? UINT64_MAX : u->m->sys->now() + t;
                arm_poll(u);
                return;
        }
        if (kill_mode(u) == KILL_MIXED && u->main_pid <= 0 && u->control_pid <= 0) {
                enter_stop_post(u); /* SendSIGKILL=no: nothing to wait for */
                return;
        }
        munit_set_state(u, STATE_DEACTIVATING, SUB_STOP_SIGTERM);
        send_kill(u, kill_signal(u), false);
        u->timeout_deadline = t == 0 || t == SDU_SIZE_INFINITY ? 0 : u->m->sys->now() + t;
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
                /* Without one, the same wait, by looking (on_timer): what is born before the
                 * last of them is gone gets its SIGKILL there. */
                if (!u->cgroup && unit_signal_all(u, 0, 0) > 0) {
                        munit_set_state(u, STATE_DEACTIVATING, SUB_FINAL_SIGKILL);
                        arm_poll(u);
                        return;
                }
        }
        enter_dead(u);
}

static bool should_restart(MUnit *u) {
        const ServiceSettings *s = S(u);
        bool is_signal = u->main_exit_code == CLD_KILLED || u->main_exit_code == CLD_DUMPED;
        bool watchdog = u->result == RESULT_WATCHDOG;
        bool success = u->result == RESULT_SUCCESS;

        if (u->m->shutting_down || munit_job_stops(u))
                return false;
        if (u->start_limit_hit || u->result == RESULT_CONDITION)
                return false;
        if (u->main_exit_code &&
            sdu_exit_status_set_test(s->restart_prevent_exit_status, u->main_exit_status, is_signal))
                return false;
        if (u->main_exit_code &&
            sdu_exit_status_set_test(s->restart_force_exit_status, u->main_exit_status, is_signal))
                return true;
        /* By the unit's result, as systemd's service_shall_restart(): a main process whose
         * ExecStart= has the "-" prefix leaves "success" whatever killed it. */
        switch (s->restart) {
        case SERVICE_RESTART_ALWAYS:
                return true;
        case SERVICE_RESTART_ON_SUCCESS:
                return success;
        case SERVICE_RESTART_ON_FAILURE:
                return !success;
        case SERVICE_RESTART_ON_ABNORMAL:
                return !success && u->result != RESULT_EXIT_CODE;
        case SERVICE_RESTART_ON_ABORT:
                return u->result == RESULT_SIGNAL || u->result == RESULT_CORE_DUMP;
        case SERVICE_RESTART_ON_WATCHDOG:
                return watchdog;
        default:
                return false;
        }
}

static void enter_dead(MUnit *u) {
        bool ok = u->result == RESULT_SUCCESS;

        disarm_timer(u);
        watchdog_disarm(u);
        munit_set_main_pid(u, 0);
        munit_set_control_pid(u, 0);
        u->main_pid_known = false;
        main_pid_refresh(u); /* its pidfd goes */
        (void) strays_left(u, true);
        logrelay_drain(u->m->log, u);
        cgroup_release(u);
        {
                int preserve = unit_exec(u->u)->runtime_directory_preserve; /* no, yes, restart */
                if (preserve != 1 && !(preserve == 2 && should_restart(u)))
                        spawn_remove_runtime_directories(u);
        }
        exec_ns_release(u, false); /* PrivateTmp= directories, namespaces */
        spawn_tty_revert(u); /* TTYReset=/TTYVHangup= after the unit, terminal back to root:tty */
        exec_sandbox_unit_dead(u); /* DynamicUser= released, credentials removed */
        if (should_restart(u)) {
                uint64_t delay = S(u)->restart_usec;
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
                if (!u->timeout_deadline || u->m->sys->now() + 2000 < u->timeout_deadline) {
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
                u->result = RESULT_TIMEOUT;
                enter_stop_sigterm(u);
                break;
        case SUB_RUNNING:
                manager_log(u->m, MLOG_ERR, "%s: service reached its runtime limit, terminating", u->id);
                enter_stop(u, RESULT_TIMEOUT);
                break;
        case SUB_STOP:
                /* As systemd: the ExecStop= command is terminated with the rest of the unit
                 * (SIGTERM), SIGKILL follows after another TimeoutStopSec=. */
                manager_log(u->m, MLOG_ERR, "%s: Stopping timed out. Terminating.", u->id);
                u->result = RESULT_TIMEOUT;
                enter_stop_sigterm(u);
                break;
        case SUB_FINAL_SIGKILL:
                if (!u->cgroup) {
                        manager_reap(u->m);
                        if (u->sub != SUB_FINAL_SIGKILL)
                                break;
                        if (unit_signal_all(u, 0, 0) == 0) {
                                enter_dead(u);
                                break;
                        }
                        if (!u->timeout_deadline || u->m->sys->now() + 2000 < u->timeout_deadline) {
                                unit_signal_all(u, SIGKILL, 0); /* those born since the last look */
                                arm_poll(u);
                                break;
                        }
                }
                manager_log(u->m, MLOG_WARN, "%s: processes still %s after SIGKILL; going on", u->id,
                            u->cgroup ? "in its cgroup" : "there");
                enter_dead(u);
                break;
        case SUB_STOP_POST:
                manager_log(u->m, MLOG_ERR, "%s: ExecStopPost= timed out, killing", u->id);
                if (u->control_pid > 0) {
                        log_kill(u, u->control_pid, SIGKILL);
                        u->m->sys->kill(u->control_pid, SIGKILL);
                }
                u->result = RESULT_TIMEOUT;
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
                if (!u->timeout_deadline || u->m->sys->now() + 2000 < u->timeout_deadline) {
                        arm_poll(u); /* not yet: keep looking */
                        break;
                }
                if (u->u->kill.send_sigkill == 0) {
                        manager_log(u->m, MLOG_WARN, "%s: processes remain after the stop timeout; SendSIGKILL=no", u->id);
                        enter_stop_post(u);
                        break;
                }
                manager_log(u->m, MLOG_WARN, "%s: state 'stop-sigterm' timed out. Killing.", u->id);
                if (u->result == RESULT_SUCCESS)
                        u->result = RESULT_TIMEOUT;
                munit_set_state(u, STATE_DEACTIVATING, SUB_STOP_SIGKILL);
                service_log_kill_all(u, u->u->kill.final_kill_signal > 0 ? u->u->kill.final_kill_signal : SIGKILL);
                send_kill(u, u->u->kill.final_kill_signal > 0 ? u->u->kill.final_kill_signal : SIGKILL, true);
                u->timeout_deadline = u->m->sys->now() + (timeout_stop(u) ? timeout_stop(u) : DEFAULT_TIMEOUT_USEC);
                arm_poll(u);
                break;
        case SUB_STOP_SIGKILL:
                manager_reap(u->m);
                if (u->sub != SUB_STOP_SIGKILL)
                        break;
                if (!unit_has_processes(u) || u->m->sys->now() + 2000 >= u->timeout_deadline) {
                        enter_stop_post(u);
                        break;
                }
                /* Without a cgroup, a process born after the last signal's read of /proc (a fork
                 * that completed in between, see unit_signal_all_cont()) gets it now: SIGKILL
                 * again until none is left, as systemd's kill loop over a cgroup. */
                if (!u->cgroup && (u->u->kill.final_kill_signal <= 0 || u->u->kill.final_kill_signal == SIGKILL))
                        send_kill(u, SIGKILL, true);
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

/* A refusal of main PID `pid` is said once per start (a PID file is polled until it is good). */
static bool exit_is_success(MUnit *u, int code, int status) {
        if (code == CLD_EXITED)
                return status == 0 || sdu_exit_status_set_test(S(u)->success_exit_status, status, false);
        if (code == CLD_KILLED)
                return status == SIGHUP || status == SIGINT || status == SIGTERM || status == SIGPIPE ||
                       sdu_exit_status_set_test(S(u)->success_exit_status, status, true);
        return false;
}

static UnitResult failure_result(int code) {
        return code == CLD_EXITED ? RESULT_EXIT_CODE : code == CLD_DUMPED ? RESULT_CORE_DUMP : RESULT_SIGNAL;
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
                manager_job_done(u, JOB_INVALID_RESULT);
                return;
        }
        if (enter_phase(u, PHASE_RELOAD, u->active == STATE_ACTIVE ? STATE_RELOADING : -1, SUB_RELOAD))
                return;
        manager_job_done(u, JOB_DONE); /* no ExecReload=: nothing to run */
}

bool service_can_reload(MUnit *u) {
        return u->u && munit_vtable(u) == &service_vtable && S(u)->exec_reload.n > 0;
}

static void control_exited(MUnit *u, pid_t pid, int code, int status) {
        const ExecCommand *c = u->control_list ? &u->control_list->items[u->control_index] : NULL;
        bool ok = exit_is_success(u, code, status) || (c && (c->flags & EXEC_COMMAND_IGNORE_FAILURE));
        int phase = u->control_phase;

        describe_exit(u, "Control", pid, code, status);
        munit_set_control_pid(u, 0);

        /* A start-phase command that ends after a stop began does not resume the start, and an
         * ExecStop= command terminated because it timed out does not run the next one. If the
         * stop's signal killed it, the unit failed (systemd judges commands, unlike daemons, by
         * EXIT_CLEAN_COMMAND: any signal is a failure): `systemctl stop` during a long
         * ExecStartPre= leaves it "failed", Result=signal, as systemd 252 does. A oneshot's
         * ExecStart= is its main process for systemd, judged as a daemon. */
        if ((u->sub == SUB_STOP_SIGTERM || u->sub == SUB_STOP_SIGKILL) && phase != PHASE_STOP_POST) {
                bool command = phase != PHASE_START || S(u)->type == SERVICE_FORKING;
                bool clean = code == CLD_EXITED ? exit_is_success(u, code, status)
                             : command ? sdu_exit_status_set_test(S(u)->success_exit_status, status, true)
                                       : exit_is_success(u, code, status);
                if (!clean && !(c && (c->flags & EXEC_COMMAND_IGNORE_FAILURE)) && u->result == RESULT_SUCCESS)
                        u->result = failure_result(code);
                if (!unit_has_processes(u))
                        enter_stop_post(u);
                return;
        }

        if (phase == PHASE_CONDITION && !ok) {
                /* ExecCondition=: 1-254 skips the unit, 255 and signals fail it. */
                if (code == CLD_EXITED && status > 0 && status < 255) {
                        manager_log(u->m, MLOG_INFO, "%s: skipped because of an unmet condition check (ExecCondition=)", u->id);
                        u->result = RESULT_SUCCESS;
                        disarm_timer(u);
                        manager_job_done(u, JOB_DONE);
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
        if (!ok && (phase == PHASE_STOP || phase == PHASE_STOP_POST)) {
                /* A failed ExecStop=/ExecStopPost= command fails the unit (systemd sets the result
                 * from every control process but a reload's) and ends its phase. */
                if (u->result == RESULT_SUCCESS)
                        u->result = failure_result(code);
                if (phase == PHASE_STOP)
                        enter_stop_sigterm(u);
                else
                        enter_dead(u);
                return;
        }
        if (!ok && phase != PHASE_RELOAD) {
                u->result = failure_result(code);
                if (phase == PHASE_START && S(u)->type != SERVICE_FORKING) {
                        u->main_exit_code = code;
                        u->main_exit_status = status;
                }
                if (phase == PHASE_START_POST)
                        enter_stop(u, RESULT_SUCCESS);
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
        /* As systemd's service_sigchld_event(): a main process whose ExecStart= has the "-" prefix
         * (the forking start command's, for Type=forking: pg_ctlcluster's unit) ends as a success,
         * whatever its status. */
        const ServiceSettings *s = S(u);
        bool ok = exit_is_success(u, code, status) ||
                  (s->exec_start.n > 0 && (s->exec_start.items[0].flags & EXEC_COMMAND_IGNORE_FAILURE));

        describe_exit(u, "Main", pid, code, status);
        /* Processes of the session it led (a daemon's workers) are still the unit's. */
        u->main_session = pid;
        munit_set_main_pid(u, 0);
        main_pid_refresh(u); /* its pidfd goes */
        dual_timestamp_now(&u->ts_main_exit);
        u->main_exit_code = code;
        u->main_exit_status = status;
        if (!ok && u->result == RESULT_SUCCESS)
                u->result = failure_result(code);
        if (code == CLD_KILLED && status == SIGKILL) {
                if (cgroup_oom_killed(u))
                        manager_log(u->m, MLOG_WARN, "%s: A process of this unit has been killed by the OOM killer.",
                                    u->id);
                if (u->oom_killed)
                        u->result = RESULT_OOM_KILL;
        }

        switch (u->sub) {
        case SUB_START:
                /* notify service died before READY=1 (or exec failed for simple) */
                if (ok && S(u)->type != SERVICE_NOTIFY && S(u)->type != SERVICE_NOTIFY_RELOAD) {
                        enter_start_post(u);
                        return;
                }
                if (ok)
                        u->result = RESULT_PROTOCOL;
                enter_stop_sigterm(u);
                return;
        case SUB_START_POST:
                if (!ok)
                        enter_stop(u, RESULT_SUCCESS);
                return; /* the post commands finish; enter_running sees no main pid */
        case SUB_RUNNING:
        case SUB_RELOAD:
                /* systemd's service_enter_running(): a failed running service is terminated
                 * without its ExecStop= (which runs only after a successful main process). */
                if (u->sub == SUB_RUNNING && u->result != RESULT_SUCCESS) {
                        watchdog_disarm(u);
                        enter_stop_sigterm(u);
                        return;
                }
                if (ok && s->remain_after_exit > 0) {
                        munit_set_state(u, STATE_ACTIVE, SUB_EXITED);
                        return;
                }
                enter_stop(u, RESULT_SUCCESS);
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
                manager_job_done(u, JOB_DONE); /* nothing to stop */
                return;
        case SUB_STOP:
        case SUB_STOP_SIGTERM:
        case SUB_STOP_SIGKILL:
        case SUB_STOP_POST:
        case SUB_FINAL_SIGKILL:
                return; /* already on its way */
        case SUB_RELOAD:
                /* A reload command runs: as systemd, no ExecStop= beside it, straight to
                 * SIGTERM (a stop job that replaced the reload job). */
                watchdog_disarm(u);
                enter_stop_sigterm(u);
                return;
        default:
                enter_stop(u, RESULT_SUCCESS);
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
                        munit_set_main_pid(u, msg->main_pid);
                        u->main_pid_known = true;
                        main_pid_track(u);
                }
        }
        if (msg->has_errno)
                manager_log(u->m, MLOG_INFO, "%s: reported errno %d (%s)", u->id, msg->errno_value, strerror(msg->errno_value));
        if (msg->has_extend_timeout && u->timer && msg->extend_timeout_usec > 0) {
                uint64_t want = u->m->sys->now() + msg->extend_timeout_usec;
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

/* ---- the table -------------------------------------------------------------------------------- */

/* A stop runs by what runs, not by what the file says now (masked since, say). */
static void service_vt_stop(MUnit *u) {
        if (u->u->load_state == UNIT_LOADED || u->sub != SUB_DEAD)
                service_stop(u);
        else
                munit_set_state(u, STATE_INACTIVE, SUB_DEAD);
}

static void service_vt_reload(MUnit *u) {
        if (u->u->load_state != UNIT_LOADED) {
                manager_job_done(u, JOB_DONE);
                return;
        }
        manager_status(u->m, NULL, u, "Reloading");
        service_reload(u);
}

/* A service started by an Accept=yes socket holds its connection until it is down. */
static void service_state_changed(MUnit *u) {
        if (u->accept_fd >= 0 && (u->active == STATE_INACTIVE || u->active == STATE_FAILED)) {
                close(u->accept_fd);
                u->accept_fd = -1;
        }
}

static const char *service_sub_state(const MUnit *u) {
        return sub_state_to_string(u->sub);
}

const UnitVTable service_vtable = {
        .start = service_start,
        .stop = service_vt_stop,
        .reload = service_vt_reload,
        .can_reload = service_can_reload,
        .kill = service_kill,
        .pids = service_pids,
        .sigchld = service_sigchld,
        .log_kill_all = service_log_kill_all,
        .stop_budget = service_stop_budget,
        .notify = service_notify,
        .bus_name_acquired = service_bus_name_acquired,
        .state_changed = service_state_changed,
        .sub_state_string = service_sub_state,
};
