/* SPDX-License-Identifier: MIT */
/* Running and ending jobs, state changes and what they propagate (requirements, BindsTo=,
 * StopWhenUnneeded=, Upholds=, OnFailure=/OnSuccess=, FailureAction=/SuccessAction=). */
#include "service/journal.h"
#include "service/manager-private.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "handoff/handoff.h"
#include "service/sys.h"
#include "service/conditions.h"
#include "units/unit-directives.h"

/* ---- ending jobs ------------------------------------------------------------------------------ */

static void job_finish(MUnit *u, JobResult result);
static void deps_recheck(MUnit *u);
static void fail_inactive_start_dependents(MUnit *u);
static void runq_push_neighbours(Manager *m, MUnit *u);

void manager_job_done(MUnit *u, JobResult result) {
        JobType t = u->job;

        if (t == JOB_NONE)
                return;
        job_uninstall(u, result);
        /* What waited for this job may run now: into the queue a yield kept (manager_dispatch()). */
        if (u->m->runq_valid)
                runq_push_neighbours(u->m, u);
        if (result != JOB_CANCELED) {
                /* A start that ended "done" without the unit up (a condition skipped it, a oneshot
                 * exited): for what is bound to it or requires it to be up, that is a failure. */
                if ((t == JOB_START || t == JOB_RESTART) && result == JOB_DONE &&
                    u->active != STATE_ACTIVE && u->active != STATE_RELOADING)
                        fail_inactive_start_dependents(u);
                deps_recheck(u);
        }
}

/* A job ended: report it and propagate failure to the jobs that needed it. */
static void job_finish(MUnit *u, JobResult result) {
        Manager *m = u->m;
        JobType type = u->job;
        bool ok = result == JOB_DONE;

        manager_job_done(u, result);
        if ((type == JOB_START || type == JOB_VERIFY_ACTIVE) && !ok) {
                if (u->u && u->u->load_state == UNIT_LOADED && u->active == STATE_FAILED)
                        manager_status(m, "FAILED", u, "Failed to start");
                UnitSet s;
                unit_set_collect(&s, u, 0, DEP(UNIT_REQUIRES) | DEP(UNIT_BINDS_TO) | DEP(UNIT_REQUISITE));
                for (size_t i = 0; i < s.n; i++) {
                        MUnit *x = s.v[i];
                        if (x->job != JOB_START || x->job_running)
                                continue;
                        manager_status(m, "DEPEND", x, "Dependency failed for");
                        x->job_running = true;
                        job_finish(x, JOB_DEPENDENCY);
                }
                unit_set_done(&s);
        }
        manager_dispatch_soon(m);
}

/* ---- dependency checks after a job or a state change ------------------------------------------ */

/* systemd's unit_active_or_pending(): up, coming up, or with a start queued. */
static bool active_or_pending(MUnit *x) {
        if (x->job == JOB_STOP)
                return false;
        return x->job == JOB_START || x->job == JOB_RESTART || x->job == JOB_RELOAD || is_active_or_activating(x);
}

/* A unit cannot stay up while a unit it is bound to is inactive and has no job (systemd's
 * unit_check_binds_to): a condition skipped it, it failed, it was stopped or never started. */
static void check_bound(MUnit *u) {
        Manager *m = u->m;

        if (u->job != JOB_NONE || !is_active_or_activating(u))
                return;
        for (size_t i = 0; i < munit_n_deps(u, UNIT_BINDS_TO); i++) {
                MUnit *x = munit_deps(u, UNIT_BINDS_TO)[i];
                if (x->job != JOB_NONE || (x->active != STATE_INACTIVE && x->active != STATE_FAILED))
                        continue;
                manager_log(m, MLOG_INFO, "%s: bound to inactive unit %s, stopping it too", u->id, x->id);
                job_add_stop(m, u);
                return;
        }
}

/* StopWhenUnneeded=: stopped once no unit that is up or starting requires, wants or is bound to it. */
static void check_unneeded(MUnit *u) {
        UnitSet s;
        bool needed = false;
        Manager *m = u->m;

        if (!u->u || u->u->unit.stop_when_unneeded <= 0 || u->job != JOB_NONE || !is_active_or_activating(u) ||
            m->shutting_down)
                return;
        unit_set_collect(&s, u, 0, DEP(UNIT_REQUIRES) | DEP(UNIT_REQUISITE) | DEP(UNIT_WANTS) | DEP(UNIT_BINDS_TO));
        for (size_t i = 0; i < s.n && !needed; i++)
                needed = s.v[i] != u && active_or_pending(s.v[i]);
        unit_set_done(&s);
        if (needed)
                return;
        manager_log(m, MLOG_INFO, "%s: not needed anymore, stopping it", u->id);
        job_add_stop(m, u);
}

/* u's job ended or its state changed: u and what hangs on it are checked again. */
static void deps_recheck(MUnit *u) {
        static const UnitDependency pins[] = { UNIT_REQUIRES, UNIT_REQUISITE, UNIT_WANTS, UNIT_BINDS_TO };

        if (u->m->shutting_down)
                return;
        check_bound(u);
        check_unneeded(u);
        for (size_t i = 0; i < munit_n_rdeps(u, UNIT_BINDS_TO); i++)
                check_bound(munit_rdeps(u, UNIT_BINDS_TO)[i]);
        for (size_t d = 0; d < sizeof(pins) / sizeof(pins[0]); d++)
                for (size_t i = 0; i < munit_n_deps(u, pins[d]); i++)
                        check_unneeded(munit_deps(u, pins[d])[i]);
}

/* u's start job ended "done" but u is not up: pending starts of units bound to it or with
 * Requisite= on it fail with "dependency" (systemd's job_fail_dependencies() with the atom
 * UNIT_ATOM_PROPAGATE_INACTIVE_START_AS_FAILURE, which BoundBy= and RequisiteOf= carry). */
static void fail_inactive_start_dependents(MUnit *u) {
        Manager *m = u->m;
        UnitSet s;

        unit_set_collect(&s, u, 0, DEP(UNIT_BINDS_TO) | DEP(UNIT_REQUISITE));
        for (size_t i = 0; i < s.n; i++) {
                MUnit *x = s.v[i];
                if (x->job != JOB_START || x->job_running)
                        continue;
                manager_status(m, "DEPEND", x, "Dependency failed for");
                x->job_running = true;
                job_finish(x, JOB_DEPENDENCY);
        }
        unit_set_done(&s);
}

/* ---- running jobs ----------------------------------------------------------------------------- */

/* Condition*= of a unit without processes: false (the job done, the unit skipped) when one fails. */
bool munit_conditions_met(MUnit *u) {
        char failed[512] = "";
        int r = unit_test_conditions(u, &u->u->unit.conditions, failed, sizeof(failed));

        dual_timestamp_now(&u->ts_condition);
        u->condition_result = r != 0;
        if (r == 0) {
                manager_log(u->m, MLOG_INFO, "%s: condition %s not met, skipping", u->id, failed);
                manager_job_done(u, JOB_DONE);
                return false;
        }
        return true;
}

/* The stop half of a restart is done: the same job goes on as a start, pulling in what a start
 * pulls in. */
static void restart_becomes_start(MUnit *u) {
        if (u->m->shutting_down) {
                manager_job_done(u, JOB_CANCELED); /* the container stops: no start after the stop */
                return;
        }
        u->job = JOB_START;
        u->job_running = false;
        u->job_failed_dependency = false;
        if (!u->job_ignore_deps) {
                tr_begin(u->m);
                (void) tr_first(u->m, u, JOB_START);
                job_pull_start_deps(u->m, u);
                tr_end(u->m);
        }
        break_cycles(u->m);
        manager_dispatch_soon(u->m);
}

static void run_job(MUnit *u) {
        Manager *m = u->m;
        const UnitVTable *vt = munit_vtable(u);

        u->job_running = true;
        if (u->job == JOB_START && (u->active == STATE_ACTIVE || u->active == STATE_RELOADING)) {
                manager_job_done(u, JOB_DONE); /* already up: never a second main process */
                return;
        }
        if (u->job == JOB_START && u->active == STATE_ACTIVATING)
                return; /* already starting (or about to restart): the job ends with the start */
        if (u->job == JOB_VERIFY_ACTIVE) {
                if (u->active == STATE_ACTIVE || u->active == STATE_RELOADING)
                        manager_job_done(u, JOB_DONE);
                else {
                        manager_log(m, MLOG_INFO, "%s is inactive.", u->id);
                        job_finish(u, JOB_SKIPPED);
                }
                return;
        }
        if (u->job == JOB_START) {
                if (!u->u || u->u->load_state != UNIT_LOADED) {
                        const char *why = !u->u ? "not loaded" :
                                          u->u->load_state == UNIT_NOT_FOUND ? "not found" :
                                          u->u->load_state == UNIT_MASKED ? "masked" : "bad-setting";
                        manager_log(m, MLOG_ERR, "Failed to start %s: unit %s.", u->id, why);
                        u->result = RESULT_RESOURCES;
                        job_finish(u, JOB_FAILED);
                        return;
                }
                for (size_t i = 0; i < munit_n_deps(u, UNIT_REQUISITE); i++)
                        if (munit_deps(u, UNIT_REQUISITE)[i]->active != STATE_ACTIVE) {
                                manager_status(m, "DEPEND", u, "Dependency failed for");
                                job_finish(u, JOB_DEPENDENCY);
                                return;
                        }
                {
                        /* systemd's own units that cannot work without systemd as PID 1 (journald,
                         * udevd, logind, gettys...): skipped with one line, never waited for. */
                        const char *why = NULL;
                        if (handoff_skip_systemd_unit(u->id, &why) && !journal_runs_unit(u->id)) {
                                manager_log(m, MLOG_INFO, "%s: skipped: %s", u->id, why);
                                manager_job_done(u, JOB_DONE);
                                return;
                        }
                }
                if (vt->start)
                        vt->start(u);
                else {
                        manager_log(m, MLOG_INFO, "%s: %s units are not run by sdinit; treating it as started", u->id,
                                    unit_type_to_string(u->u->type));
                        munit_set_state(u, STATE_ACTIVE, SUB_RUNNING);
                }
                return;
        }
        if (u->job == JOB_RELOAD) {
                /* Only an active unit reloads (systemd's job result "invalid" otherwise). */
                if (u->active != STATE_ACTIVE) {
                        manager_job_done(u, JOB_INVALID_RESULT);
                        return;
                }
                if (vt->reload)
                        vt->reload(u);
                else
                        manager_job_done(u, JOB_DONE); /* targets and the like: nothing to do */
                return;
        }
        if (u->job == JOB_RESTART && (u->active == STATE_INACTIVE || u->active == STATE_FAILED)) {
                restart_becomes_start(u);
                return;
        }
        if (u->job == JOB_STOP || u->job == JOB_RESTART) {
                if (vt->stop)
                        vt->stop(u);
                else
                        munit_set_state(u, STATE_INACTIVE, SUB_DEAD);
        }
}

/* The main program of `sdinit -- COMMAND` in manager mode: started once the boot target's job is
 * done, in the foreground of the terminal like the drop-in child, with signals unblocked. */
static void start_command(Manager *m) {
        pid_t pid;

        m->command_started = true;
        pid = fork();
        if (pid < 0) {
                manager_log(m, MLOG_ERR, "cannot start %s: %s", m->command[0], strerror(errno));
                manager_begin_shutdown(m, 126);
                return;
        }
        if (pid == 0) {
                sigset_t ss;
                pid_t parent_pgrp = getpgrp();
                setpgid(0, 0);
                for (int fd = 0; fd < 3; fd++)
                        if (tcgetpgrp(fd) == parent_pgrp) {
                                tcsetpgrp(fd, getpgrp());
                                break;
                        }
                sigemptyset(&ss);
                sigprocmask(SIG_SETMASK, &ss, NULL);
                execvp(m->command[0], m->command);
                fprintf(stderr, "sdinit: cannot execute '%s': %s\n", m->command[0], strerror(errno));
                _exit(errno == ENOENT ? 127 : 126);
        }
        m->command_pid = pid;
        manager_log(m, MLOG_INFO, "boot done; started %s (pid %d)", m->command[0], (int) pid);
}

static int on_dispatch_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        (void) s, (void) usec;
        manager_dispatch(userdata);
        return 0;
}

/* The rest of the jobs once the event loop has served what waits: a defer source stays pending
 * from its creation on, so a re-enabled one sorts before every source of its priority that became
 * pending later (sd-event dispatches one priority oldest first) and would run again before a
 * waiting systemctl; a timer that is due now becomes pending in the next iteration, with the
 * sources that became ready meanwhile. Until it runs, manager_dispatch_soon() adds nothing. */
void manager_dispatch_yield(Manager *m) {
        int r;

        if (m->dispatch_timer)
                r = sd_event_source_set_time_relative(m->dispatch_timer, 0);
        else
                r = sd_event_add_time_relative(m->event, &m->dispatch_timer, CLOCK_MONOTONIC, 0, 0, on_dispatch_timer, m);
        if (r >= 0)
                r = sd_event_source_set_enabled(m->dispatch_timer, SD_EVENT_ONESHOT);
        if (r < 0) {
                m->dispatch_pending = false;
                manager_dispatch_soon(m); /* at once, as before */
                return;
        }
        m->dispatch_pending = true;
}

/* ---- the run queue --------------------------------------------------------------------------- */

/* systemd's order of runnable jobs (its run queue, a priority queue by unit_compare_priority()):
 * unit types in the reverse order of systemd's UnitType (scopes, slices, paths, timers, ...,
 * targets, sockets, ..., services last), then the higher CPU weight (StartupCPUWeight= while the
 * boot runs or the container stops, if set, else CPUWeight=, else 100), then the lower Nice=, then
 * the unit name (strcmp). A chain's head ("a-0.service") thus starts before a fan-out of fifty
 * ("f-*.service") that sorts after it, and each link as soon as the one before it is up, as with
 * systemd, instead of in load order. Checked against systemd 252 by test_dispatch_order_oracle. */
static int type_rank(const MUnit *u) {
        static const signed char rank[_UNIT_TYPE_MAX] = {
                [UNIT_SERVICE] = 0, [UNIT_MOUNT] = 1,     [UNIT_SWAP] = 2,  [UNIT_SOCKET] = 3,
                [UNIT_TARGET] = 4,  [UNIT_DEVICE] = 5,    [UNIT_AUTOMOUNT] = 6, [UNIT_TIMER] = 7,
                [UNIT_PATH] = 8,    [UNIT_SLICE] = 9,     [UNIT_SCOPE] = 10,
        };
        UnitType t = u->u ? u->u->type : unit_name_to_type(u->id);

        return t >= 0 && t < _UNIT_TYPE_MAX ? rank[t] : -1;
}

static uint64_t cpu_weight(const MUnit *u) {
        const Manager *m = u->m;
        const CGroupSettings *c;

        if (!u->u)
                return 100;
        c = unit_cgroup(u->u);
        if ((!m->ts_finish.monotonic || m->shutting_down) && c->startup_cpu_weight > 0)
                return c->startup_cpu_weight;
        return c->cpu_weight > 0 ? c->cpu_weight : 100;
}

/* < 0: a's job runs first. */
static int job_priority_cmp(const MUnit *a, const MUnit *b) {
        int ra = type_rank(a), rb = type_rank(b);
        uint64_t wa, wb;
        int na, nb;

        if (ra != rb)
                return ra > rb ? -1 : 1;
        wa = cpu_weight(a), wb = cpu_weight(b);
        if (wa != wb)
                return wa > wb ? -1 : 1;
        na = a->u ? unit_exec(a->u)->nice : 0, nb = b->u ? unit_exec(b->u)->nice : 0;
        if (na != nb)
                return na < nb ? -1 : 1;
        return strcmp(a->id, b->id);
}

/* A binary heap of units with a job that may run, in Manager.runq: valid during one
 * manager_dispatch() call only (a unit may be in it twice; the second pop finds its job running
 * or gone). */
static bool runq_push(Manager *m, MUnit *u) {
        size_t i;

        if (m->n_runq == m->cap_runq) {
                size_t cap = m->cap_runq ? m->cap_runq * 2 : 64;
                MUnit **v = realloc(m->runq, cap * sizeof(*v));
                if (!v)
                        return false;
                m->runq = v;
                m->cap_runq = cap;
        }
        i = m->n_runq++;
        while (i > 0 && job_priority_cmp(u, m->runq[(i - 1) / 2]) < 0) {
                m->runq[i] = m->runq[(i - 1) / 2];
                i = (i - 1) / 2;
        }
        m->runq[i] = u;
        return true;
}

/* Moves `x` down from slot i to its place among the first n. */
static void runq_sift_down(Manager *m, size_t i, size_t n, MUnit *x) {
        while (2 * i + 1 < n) {
                size_t c = 2 * i + 1;
                if (c + 1 < n && job_priority_cmp(m->runq[c + 1], m->runq[c]) < 0)
                        c++;
                if (job_priority_cmp(m->runq[c], x) >= 0)
                        break;
                m->runq[i] = m->runq[c];
                i = c;
        }
        m->runq[i] = x;
}

static MUnit *runq_pop(Manager *m) {
        MUnit *top;

        if (m->n_runq == 0)
                return NULL;
        top = m->runq[0];
        if (--m->n_runq > 0)
                runq_sift_down(m, 0, m->n_runq, m->runq[m->n_runq]);
        return top;
}

static bool may_run(MUnit *u) {
        return u->job != JOB_NONE && !u->job_running && job_runnable(u);
}

/* Every unit whose job may run now, into the queue (appended, then made a heap bottom-up: linear,
 * where one push each would cost log n compares a unit on every call while thousands are
 * runnable): false if there is none. */
static bool runq_fill(Manager *m) {
        m->n_runq = 0;
        m->runq_job_id = m->last_job_id;
        m->runq_valid = true; /* live: jobs that end push what waited for them (manager_job_done()) */
        for (size_t i = 0; i < m->n_units; i++) {
                if (!may_run(m->units[i]))
                        continue;
                if (m->n_runq == m->cap_runq) {
                        size_t cap = m->cap_runq ? m->cap_runq * 2 : 64;
                        MUnit **v = realloc(m->runq, cap * sizeof(*v));
                        if (!v)
                                break;
                        m->runq = v;
                        m->cap_runq = cap;
                }
                m->runq[m->n_runq++] = m->units[i];
        }
        for (size_t i = m->n_runq / 2; i-- > 0;)
                runq_sift_down(m, i, m->n_runq, m->runq[i]);
        return m->n_runq > 0;
}

/* The jobs u's job waited for or that wait for it: what running or ending it may have made
 * runnable. A unit ordered around more than RUNQ_PUSH_MAX_EDGES others (default.target after every
 * service) is left to the next whole scan: checking it after each of thousands of jobs would
 * cost the number of units each time (0.6 s of CPU in a boot of 5,000). */
#define RUNQ_PUSH_MAX_EDGES 128

static void runq_push_one(Manager *m, MUnit *x) {
        if (x->job != JOB_NONE && !x->job_running &&
            munit_n_before_me(x) + munit_n_after_me(x) <= RUNQ_PUSH_MAX_EDGES && job_runnable(x))
                (void) runq_push(m, x);
}

static void runq_push_neighbours(Manager *m, MUnit *u) {
        for (size_t i = 0; i < munit_n_after_me(u); i++)
                runq_push_one(m, munit_after_me(u)[i]);
        for (size_t i = 0; i < munit_n_before_me(u); i++)
                runq_push_one(m, munit_before_me(u)[i]);
}

/* Runs the runnable jobs in systemd's order (above), until a whole scan of the units finds none
 * (a job run can make others runnable: the units ordered around it go into the queue at once,
 * anything else is found by the next scan). A call runs jobs for DISPATCH_SLICE_USEC, or four
 * times what its first job took if that is longer (the first job of an event-loop iteration pays
 * for what is read once per iteration, the /proc snapshot of a stop without cgroups: at least 4/5
 * of a slice is then jobs); then the event loop runs once before the next call, so that a boot of
 * thousands of units (a fork each) does not keep systemctl, SIGCHLD and READY=1 waiting for
 * seconds. The queue is kept across that yield (the jobs that end meanwhile push what waited for
 * them, manager_job_done()) unless a job was installed since it was filled: a scan of every unit
 * per call cost 1.4 s of CPU in a boot of 5,000. */
#define DISPATCH_SLICE_USEC 5000

void manager_dispatch(Manager *m) {
        uint64_t start = m->sys->now(), slice = 0;
        bool scan = !m->runq_valid || m->runq_job_id != m->last_job_id;

        /* What the jobs run here make runnable is found by this call: no other call meanwhile. */
        m->dispatch_pending = true;
        while (scan ? runq_fill(m) : m->n_runq > 0) {
                MUnit *u;
                scan = true; /* once this queue is empty, a whole scan */
                while ((u = runq_pop(m))) {
                        if (!may_run(u))
                                continue;
                        run_job(u);
                        runq_push_neighbours(m, u);
                        uint64_t spent = m->sys->now() - start;
                        if (slice == 0)
                                slice = spent * 4 > DISPATCH_SLICE_USEC ? spent * 4 : DISPATCH_SLICE_USEC;
                        if (spent >= slice) {
                                manager_dispatch_yield(m); /* the rest after one turn of the event loop */
                                return;
                        }
                }
        }
        m->n_runq = 0;
        m->runq_valid = false;
        m->dispatch_pending = false;
        if (m->command && !m->command_started && !m->shutting_down && m->boot_target && m->boot_target->job == JOB_NONE)
                start_command(m);
        shutdown_check_idle(m);
}

/* A unit is freed (manager-load.c): the kept queue may point at it. */
void manager_runq_forget(Manager *m) {
        m->n_runq = 0;
        m->runq_valid = false;
}

/* ---- state changes ---------------------------------------------------------------------------- */

/* FailureAction=/SuccessAction= (exit, poweroff, halt, reboot and their -force variants): the
 * container stops, with FailureActionExitStatus=/SuccessActionExitStatus=, else the main
 * process's status, as systemd propagates it to a container manager. */
static void emergency_action(MUnit *u, int action, const char *what, bool failure) {
        int status;

        if (action <= 0 || u->m->shutting_down)
                return;
        status = failure ? u->u->unit.failure_action_exit_status : u->u->unit.success_action_exit_status;
        if (status < 0 || !unit_is_set(u->u, failure ? UD_UNIT_FAILURE_ACTION_EXIT_STATUS : UD_UNIT_SUCCESS_ACTION_EXIT_STATUS))
                status = u->main_exit_code == CLD_EXITED ? u->main_exit_status
                         : u->main_exit_code ? 128 + u->main_exit_status : failure ? 1 : 0;
        manager_log(u->m, MLOG_WARN, "%s: %s= triggered: stopping the container with exit status %d", u->id, what, status);
        manager_begin_shutdown(u->m, status);
}

void munit_set_state(MUnit *u, ActiveState a, SubState s) {
        Manager *m = u->m;
        ActiveState old = u->active;
        const UnitVTable *vt = munit_vtable(u);
        const char *started = vt->started_verb ? vt->started_verb : "Started";
        const char *stopped = vt->stopped_verb ? vt->stopped_verb : "Stopped";

        u->active = a;
        u->sub = s;
        if (m->hooks && m->hooks->unit_changed)
                m->hooks->unit_changed(m->hooks_userdata, u);
        if (old == a) {
                /* The state a running job waits for may be the one the unit is in already (a
                 * failed unit whose new start fails at once, a target started twice): the job
                 * still ends. */
                if (u->job_running && u->job == JOB_START && (a == STATE_ACTIVE || a == STATE_FAILED))
                        job_finish(u, a == STATE_ACTIVE ? JOB_DONE : JOB_FAILED);
                else if (u->job_running && u->job == JOB_STOP && (a == STATE_INACTIVE || a == STATE_FAILED))
                        job_finish(u, JOB_DONE);
                else if (u->job_running && u->job == JOB_RESTART && (a == STATE_INACTIVE || a == STATE_FAILED))
                        restart_becomes_start(u);
                return;
        }

        if (a == STATE_ACTIVATING && old != STATE_ACTIVATING && s != SUB_AUTO_RESTART)
                manager_status(m, NULL, u, "Starting");
        if (a == STATE_DEACTIVATING && old != STATE_DEACTIVATING && (u->job == JOB_STOP || u->job == JOB_RESTART))
                manager_status(m, NULL, u, "Stopping");

        {
                DualTimestamp now;
                dual_timestamp_now(&now);
                u->ts_state_change = now;
                if (old == STATE_INACTIVE || old == STATE_FAILED)
                        u->ts_inactive_exit = now;
                if (a == STATE_ACTIVE && old != STATE_RELOADING)
                        u->ts_active_enter = now;
                if ((old == STATE_ACTIVE || old == STATE_RELOADING) && a != STATE_ACTIVE && a != STATE_RELOADING)
                        u->ts_active_exit = now;
                if (a == STATE_INACTIVE || a == STATE_FAILED)
                        u->ts_inactive_enter = now;
        }
        /* A unit that is down gives back the write end of its log pipe: the read end ends (and
         * is closed by the relay) once the last process of the unit that held it is gone. A new
         * start makes a new pipe. Without this every instance ever started (Accept=yes
         * connections, templates) kept two descriptors in PID 1. */
        if ((a == STATE_INACTIVE || a == STATE_FAILED) && u->out_wfd >= 0) {
                close(u->out_wfd);
                u->out_wfd = -1;
        }
        if (a == STATE_INACTIVE || a == STATE_FAILED)
                manager_gc_enqueue(m, u);

        if (u->job == JOB_START && u->job_running) {
                if (a == STATE_ACTIVE) {
                        manager_status(m, "  OK  ", u, started);
                        job_finish(u, JOB_DONE);
                } else if (a == STATE_FAILED) {
                        job_finish(u, JOB_FAILED);
                } else if (a == STATE_INACTIVE && old == STATE_ACTIVATING && s == SUB_DEAD) {
                        /* oneshot without RemainAfterExit=, or a condition that skipped it */
                        if (u->result == RESULT_SUCCESS)
                                manager_status(m, "  OK  ", u, "Finished");
                        job_finish(u, u->result == RESULT_SUCCESS ? JOB_DONE : JOB_FAILED);
                }
        } else if (u->job == JOB_RELOAD && u->job_running && old == STATE_RELOADING) {
                if (a == STATE_ACTIVE)
                        manager_status(m, u->reload_failed ? "FAILED" : "  OK  ", u,
                                       u->reload_failed ? "Reload failed for" : "Reloaded");
                job_finish(u, a == STATE_ACTIVE && !u->reload_failed ? JOB_DONE : JOB_FAILED);
        } else if (u->job == JOB_RESTART && u->job_running && (a == STATE_INACTIVE || a == STATE_FAILED)) {
                manager_status(m, "  OK  ", u, stopped);
                restart_becomes_start(u);
        } else if (u->job == JOB_STOP && u->job_running && (a == STATE_INACTIVE || a == STATE_FAILED)) {
                manager_status(m, "  OK  ", u, stopped);
                job_finish(u, JOB_DONE);
        } else if (a == STATE_FAILED && u->job == JOB_NONE)
                manager_status(m, "FAILED", u, "Failed unit");

        /* Units bound to us stop with us, whatever stopped us; a unit that came up bound to an
         * inactive unit stops again; StopWhenUnneeded= units we held may stop. */
        deps_recheck(u);
        trigger_notify_all(u);
        /* Upholds=: a unit upheld by an active unit is started again whenever it stops. */
        if ((a == STATE_INACTIVE || a == STATE_FAILED) && !m->shutting_down && u->job == JOB_NONE)
                for (size_t i = 0; i < munit_n_rdeps(u, UNIT_UPHOLDS); i++) {
                        MUnit *x = munit_rdeps(u, UNIT_UPHOLDS)[i];
                        if (x->active == STATE_ACTIVE) {
                                manager_log(m, MLOG_INFO, "%s: upheld by %s, starting it again", u->id, x->id);
                                job_add_start(m, u);
                                break;
                        }
                }
        /* FailureAction= / SuccessAction=: in a container, every action ends the container. */
        if (a == STATE_FAILED && old != STATE_FAILED)
                emergency_action(u, u->u ? u->u->unit.failure_action : -1, "FailureAction", true);
        if (a == STATE_INACTIVE && old != STATE_INACTIVE && u->result == RESULT_SUCCESS)
                emergency_action(u, u->u ? u->u->unit.success_action : -1, "SuccessAction", false);
        /* OnFailure= / OnSuccess= */
        if (a == STATE_FAILED && !m->shutting_down)
                for (size_t i = 0; i < munit_n_deps(u, UNIT_ON_FAILURE); i++)
                        job_add_start(m, munit_deps(u, UNIT_ON_FAILURE)[i]);
        if (a == STATE_INACTIVE && old != STATE_INACTIVE && u->result == RESULT_SUCCESS && !m->shutting_down &&
            munit_n_deps(u, UNIT_ON_SUCCESS))
                for (size_t i = 0; i < munit_n_deps(u, UNIT_ON_SUCCESS); i++)
                        job_add_start(m, munit_deps(u, UNIT_ON_SUCCESS)[i]);
        manager_dispatch_soon(m);
}

void manager_reset_failed(Manager *m, MUnit *u) {
        (void) m;
        u->n_start_times = 0;
        u->start_limit_hit = false;
        if (u->active != STATE_FAILED)
                return;
        u->result = RESULT_SUCCESS;
        munit_set_state(u, STATE_INACTIVE, SUB_DEAD);
}

const char *manager_system_state(Manager *m) {
        if (m->shutting_down)
                return "stopping";
        if (!m->ts_finish.monotonic)
                return "starting";
        for (size_t i = 0; i < m->n_units; i++)
                if (m->units[i]->active == STATE_FAILED)
                        return "degraded";
        return "running";
}
