/* SPDX-License-Identifier: MIT */
/*
 * The manager's core without root and without processes: jobs, ordering, requirements, the
 * service state machine, restart, start limits, conditions and shutdown, driven through the
 * system-call table (service/sys.h). spawn hands out made-up pids, kill records the signal (and,
 * for SIGTERM/SIGKILL, makes the process exit unless the test says it ignores SIGTERM), waitid
 * hands the exits to the manager's own SIGCHLD path (manager_reap). Unit files are written into a
 * temporary directory that is the whole search path ($SYSTEMD_UNIT_PATH).
 *
 * What is asserted is systemd's behaviour as the integration tests compare it with systemd 252
 * (tests/integration/test_jobs.py, test_job_oracle.py, test_deps_matrix.py, test_shutdown.py,
 * test_manager.py): these cases check the same rules in milliseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "service/notify.h"
#include "tests/tap.h"
#include "tests/unit/manager-fake.h"

/* ---- the cases ------------------------------------------------------------------------------- */

static void test_simple_start(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK(ACTIVE(a));
        CHECK(a && a->sub == SUB_RUNNING);
        CHECK_INT(spawns_of("a.service"), 1);
        CHECK(strcmp(spawned[first_spawn("a.service")].path, "/bin/a") == 0);
        CHECK_INT(job_result("a.service"), JOB_DONE);
        manager_free(m);
}

static void test_start_merges(void) {
        Manager *m;
        MUnit *a;
        int id1, id2;

        fresh();
        write_unit("a.service", "[Service]\nType=notify\nExecStart=/bin/a\n");
        m = start_manager();
        a = load(m, "a.service");
        id1 = manager_add_job(m, a, JOB_START, false);
        id2 = manager_add_job(m, a, JOB_START, false);
        CHECK(id1 > 0 && id1 == id2); /* the second start merges into the first */
        settle(m);
        CHECK_INT(spawns_of("a.service"), 1);
        CHECK_INT(a->active, STATE_ACTIVATING); /* Type=notify: up at READY=1 */
        notify(a, "READY=1");
        settle(m);
        CHECK(ACTIVE(a));
        manager_free(m);
}

static void test_ordering_waits_for_ready(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nType=notify\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        write_unit("t.target", "[Unit]\nWants=a.service b.service\n");
        m = start_manager();
        start(m, "t.target");
        a = manager_get_unit(m, "a.service");
        CHECK_INT(spawns_of("b.service"), 0); /* b is ordered after a, which is not up yet */
        notify(a, "READY=1");
        settle(m);
        CHECK_INT(spawns_of("b.service"), 1);
        CHECK(first_spawn("a.service") < first_spawn("b.service"));
        manager_free(m);
}

static void test_requires_failure(void) {
        Manager *m;
        MUnit *b;

        fresh();
        write_unit("a.service", "[Service]\nType=oneshot\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nRequires=a.service\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        b = start(m, "b.service");
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 1);
        settle(m);
        CHECK_INT(manager_get_unit(m, "a.service")->active, STATE_FAILED);
        CHECK_INT(job_result("a.service"), JOB_FAILED);
        CHECK_INT(job_result("b.service"), JOB_DEPENDENCY);
        CHECK_INT(spawns_of("b.service"), 0);
        CHECK(b && b->active == STATE_INACTIVE);
        manager_free(m);
}

static void test_wants_failure_does_not_block(void) {
        Manager *m;
        MUnit *b;

        fresh();
        write_unit("a.service", "[Service]\nType=oneshot\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nWants=a.service\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        b = start(m, "b.service");
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 1);
        settle(m);
        CHECK_INT(manager_get_unit(m, "a.service")->active, STATE_FAILED);
        CHECK(ACTIVE(b));
        manager_free(m);
}

static void test_condition_skips(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Unit]\nConditionPathExists=/nonexistent/h13-test\n[Service]\nExecStart=/bin/a\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK_INT(spawns_of("a.service"), 0);
        CHECK(a && a->active == STATE_INACTIVE && !a->condition_result);
        CHECK_INT(job_result("a.service"), JOB_DONE); /* a skipped start is done, not failed */
        manager_free(m);
}

static void test_restart_on_failure(void) {
        Manager *m;
        MUnit *a;

        fresh();
        /* RestartSec= long enough that the state between the exit and the restart is seen even
         * on a loaded machine (the loop's timers are real). */
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nRestart=on-failure\nRestartSec=600ms\n");
        m = start_manager();
        a = start(m, "a.service");
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 3);
        settle(m);
        CHECK_INT(a->sub, SUB_AUTO_RESTART);
        CHECK_INT(spawns_of("a.service"), 1);
        RUN_UNTIL(m, spawns_of("a.service") == 2 && ACTIVE(a), 5000);
        CHECK_INT(spawns_of("a.service"), 2);
        CHECK(ACTIVE(a));
        CHECK_INT(a->n_restarts, 1);
        manager_free(m);
}

static void test_no_restart_on_success(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nRestart=on-failure\nRestartSec=10ms\n");
        m = start_manager();
        a = start(m, "a.service");
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 0);
        run_for(m, 40);
        CHECK_INT(spawns_of("a.service"), 1);
        CHECK_INT(a->active, STATE_INACTIVE);
        CHECK_INT(a->result, RESULT_SUCCESS);
        manager_free(m);
}

static void test_start_limit(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Unit]\nStartLimitBurst=3\nStartLimitIntervalSec=1h\n"
                                "[Service]\nExecStart=/bin/a\nRestart=always\nRestartSec=1ms\n");
        m = start_manager();
        a = start(m, "a.service");
        for (int i = 0; i < 6 && a->active != STATE_FAILED; i++) {
                size_t before = spawns_of("a.service");
                queue_exit(last_pid_of("a.service"), CLD_EXITED, 1);
                RUN_UNTIL(m, a->active == STATE_FAILED || (spawns_of("a.service") > before && ACTIVE(a)), 5000);
        }
        CHECK_INT(spawns_of("a.service"), 3); /* the fourth start within the interval is refused */
        CHECK_INT(a->active, STATE_FAILED);
        CHECK(a->start_limit_hit);
        /* reset-failed clears the limit: it starts again. */
        manager_reset_failed(m, a);
        CHECK_INT(a->active, STATE_INACTIVE);
        manager_start_unit(m, a);
        settle(m);
        CHECK_INT(spawns_of("a.service"), 4);
        manager_free(m);
}

static void test_start_limit_interval_passes(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Unit]\nStartLimitBurst=2\nStartLimitIntervalSec=10s\n"
                                "[Service]\nExecStart=/bin/a\nRestart=always\nRestartSec=1ms\n");
        m = start_manager();
        a = start(m, "a.service");
        for (int i = 0; i < 4; i++) {
                clock_offset += 20 * 1000000ULL; /* each exit 20 s after the last: never too quick */
                queue_exit(last_pid_of("a.service"), CLD_EXITED, 1);
                RUN_UNTIL(m, a->active == STATE_FAILED || (spawns_of("a.service") == (size_t) i + 2 && ACTIVE(a)), 5000);
        }
        CHECK_INT(spawns_of("a.service"), 5);
        CHECK(ACTIVE(a));
        manager_free(m);
}

static void test_oneshot_remain(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart=/bin/a\n");
        write_unit("b.service", "[Service]\nType=oneshot\nExecStart=/bin/b\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK_INT(a->active, STATE_ACTIVATING); /* a oneshot is up when it has run */
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 0);
        settle(m);
        CHECK(ACTIVE(a) && a->sub == SUB_EXITED);
        b = start(m, "b.service");
        queue_exit(last_pid_of("b.service"), CLD_EXITED, 0);
        settle(m);
        CHECK(b->active == STATE_INACTIVE && b->sub == SUB_DEAD);
        CHECK_INT(job_result("b.service"), JOB_DONE);
        manager_free(m);
}

static void test_oneshot_failure_result(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nType=oneshot\nExecStart=/bin/a\n");
        m = start_manager();
        a = start(m, "a.service");
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 2);
        settle(m);
        CHECK_INT(a->active, STATE_FAILED);
        CHECK_INT(a->result, RESULT_EXIT_CODE);
        CHECK(strcmp(unit_result_to_string(a->result), "exit-code") == 0);
        manager_free(m);
}

static void test_start_pre_failure(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStartPre=/bin/pre\nExecStart=/bin/a\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK_INT(spawns_of("a.service"), 1);
        CHECK(strcmp(spawned[0].path, "/bin/pre") == 0 && !spawned[0].is_main);
        queue_exit(spawned[0].pid, CLD_EXITED, 1);
        settle(m);
        CHECK_INT(spawns_of("a.service"), 1); /* ExecStart= never runs */
        CHECK_INT(a->active, STATE_FAILED);
        CHECK_INT(job_result("a.service"), JOB_FAILED);
        manager_free(m);
}

static void test_stop_sigterm(void) {
        Manager *m;
        MUnit *a;
        pid_t pid;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        m = start_manager();
        a = start(m, "a.service");
        pid = a->main_pid;
        manager_stop_unit(m, a);
        settle(m);
        CHECK(n_killed > 0 && killed[0].pid == pid && killed[0].sig == SIGTERM);
        CHECK_INT(a->active, STATE_INACTIVE);
        CHECK_INT(a->result, RESULT_SUCCESS); /* SIGTERM at a stop is a clean exit */
        CHECK_INT(job_result("a.service"), JOB_DONE);
        manager_free(m);
}

static void test_stop_timeout_sigkill(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nTimeoutStopSec=30ms\n");
        m = start_manager();
        a = start(m, "a.service");
        ignores_term[a->main_pid - PID_BASE] = true;
        manager_stop_unit(m, a);
        settle(m);
        CHECK_INT(a->sub, SUB_STOP_SIGTERM);
        RUN_UNTIL(m, a->active == STATE_FAILED || a->active == STATE_INACTIVE, 5000);
        CHECK(first_kill_of("a.service", SIGKILL) != SIZE_MAX);
        CHECK(first_kill_of("a.service", SIGTERM) < first_kill_of("a.service", SIGKILL));
        CHECK_INT(a->active, STATE_FAILED); /* systemd: Result=timeout */
        CHECK_INT(a->result, RESULT_TIMEOUT);
        manager_free(m);
}

static void test_conflicts(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nConflicts=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK(ACTIVE(a));
        b = start(m, "b.service");
        CHECK(ACTIVE(b));
        CHECK_INT(a->active, STATE_INACTIVE);
        /* and the other way round: Conflicts= works both ways */
        start(m, "a.service");
        CHECK(ACTIVE(a));
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_binds_to(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nBindsTo=a.service\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        b = start(m, "b.service");
        a = manager_get_unit(m, "a.service");
        CHECK(ACTIVE(a) && ACTIVE(b));
        queue_exit(a->main_pid, CLD_EXITED, 0); /* a exits by itself: b, bound to it, stops */
        settle(m);
        CHECK_INT(a->active, STATE_INACTIVE);
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_part_of(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nPartOf=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK_INT(spawns_of("b.service"), 0); /* PartOf= does not pull in */
        b = start(m, "b.service");
        manager_stop_unit(m, a);
        settle(m);
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_on_failure(void) {
        Manager *m;
        MUnit *h;

        fresh();
        write_unit("a.service", "[Unit]\nOnFailure=h.service\n[Service]\nExecStart=/bin/a\n");
        write_unit("h.service", "[Service]\nExecStart=/bin/h\n");
        m = start_manager();
        start(m, "a.service");
        CHECK_INT(spawns_of("h.service"), 0);
        queue_exit(last_pid_of("a.service"), CLD_KILLED, SIGSEGV);
        settle(m);
        h = manager_get_unit(m, "h.service");
        CHECK(ACTIVE(h));
        CHECK_INT(manager_get_unit(m, "a.service")->result, RESULT_SIGNAL);
        manager_free(m);
}

static void test_shutdown_reverse_order(void) {
        Manager *m;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        write_unit("c.service", "[Unit]\nAfter=b.service\n[Service]\nExecStart=/bin/c\n");
        write_unit("t.target", "[Unit]\nWants=a.service b.service c.service\n");
        m = start_manager();
        start(m, "t.target");
        CHECK(first_spawn("a.service") < first_spawn("b.service") && first_spawn("b.service") < first_spawn("c.service"));
        manager_begin_shutdown(m, 0);
        settle(m);
        CHECK(first_kill_of("c.service", SIGTERM) < first_kill_of("b.service", SIGTERM));
        CHECK(first_kill_of("b.service", SIGTERM) < first_kill_of("a.service", SIGTERM));
        CHECK_INT(manager_get_unit(m, "a.service")->active, STATE_INACTIVE);
        CHECK(strcmp(manager_system_state(m), "stopping") == 0);
        manager_free(m);
}

static void test_nothing_starts_in_shutdown(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        m = start_manager();
        a = load(m, "a.service");
        manager_begin_shutdown(m, 0);
        CHECK_INT(manager_add_job(m, a, JOB_START, false), -ESHUTDOWN);
        CHECK_INT(manager_start_unit(m, a), -ESHUTDOWN);
        settle(m);
        CHECK_INT(spawns_of("a.service"), 0);
        manager_free(m);
}

static void test_shutdown_bound(void) {
        Manager *m;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nTimeoutStopSec=2s\n");
        write_unit("b.service", "[Unit]\nAfter=a.service\n[Service]\nExecStart=/bin/b\nTimeoutStopSec=3s\n");
        write_unit("t.target", "[Unit]\nWants=a.service b.service\n");
        m = start_manager();
        start(m, "t.target");
        for (size_t i = 0; i < n_spawned; i++)
                ignores_term[i] = true; /* nothing stops: the bound is what counts */
        manager_begin_shutdown(m, 0);
        /* b stops first, then a: (SIGTERM + SIGKILL) x 3 s + (SIGTERM + SIGKILL) x 2 s */
        CHECK_INT(m->shutdown_bound_usec, 10 * 1000000ULL);
        manager_free(m);
}

static void test_masked_requirement_refused(void) {
        Manager *m;
        MUnit *b;
        char path[512];

        fresh();
        write_unit("b.service", "[Unit]\nRequires=m.service\n[Service]\nExecStart=/bin/b\n");
        snprintf(path, sizeof(path), "%s/m.service", dir);
        CHECK(symlink("/dev/null", path) == 0);
        m = start_manager();
        b = load(m, "b.service");
        CHECK(b && manager_start_blocker(m, b) == manager_get_unit(m, "m.service"));
        manager_free(m);
}

static void test_reload(void) {
        Manager *m;
        MUnit *a, *b;
        int id;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Service]\nExecStart=/bin/b\nExecReload=/bin/reload-b\n");
        m = start_manager();
        a = start(m, "a.service");
        CHECK_INT(manager_add_job(m, a, JOB_RELOAD, false), -EBADR); /* no ExecReload= */
        b = start(m, "b.service");
        id = manager_add_job(m, b, JOB_RELOAD, false);
        CHECK(id > 0);
        settle(m);
        CHECK_INT(b->active, STATE_RELOADING);
        CHECK(strcmp(spawned[n_spawned - 1].path, "/bin/reload-b") == 0);
        queue_exit(spawned[n_spawned - 1].pid, CLD_EXITED, 0);
        settle(m);
        CHECK(ACTIVE(b));
        CHECK_INT(job_result("b.service"), JOB_DONE);
        manager_free(m);
}

static void test_restart_job(void) {
        Manager *m;
        MUnit *a;
        pid_t old;
        int id;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        m = start_manager();
        a = start(m, "a.service");
        old = a->main_pid;
        id = manager_add_job(m, a, JOB_RESTART, false);
        CHECK(id > 0);
        settle(m);
        CHECK(ACTIVE(a));
        CHECK(a->main_pid != old && a->main_pid > 0);
        CHECK_INT(spawns_of("a.service"), 2);
        CHECK_INT(removed[n_removed - 1].type, JOB_START); /* the restart ends as a start, one job */
        manager_free(m);
}

static void test_cancel(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Service]\nType=notify\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nAfter=a.service\nWants=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        b = start(m, "b.service");
        a = manager_get_unit(m, "a.service");
        CHECK_INT(manager_cancel_job(m, a), -EBUSY); /* a's start runs: it cannot be canceled */
        CHECK_INT(manager_cancel_job(m, b), 0);
        CHECK_INT(job_result("b.service"), JOB_CANCELED);
        notify(a, "READY=1");
        settle(m);
        CHECK_INT(spawns_of("b.service"), 0);
        manager_free(m);
}

static void test_ordering_cycle_broken(void) {
        Manager *m;

        fresh();
        write_unit("a.service", "[Unit]\nAfter=b.service\n[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        write_unit("t.target", "[Unit]\nWants=a.service b.service\n");
        m = start_manager();
        start(m, "t.target");
        /* one job of the cycle is dropped (canceled), the other runs */
        CHECK_INT(spawns_of("a.service") + spawns_of("b.service"), 1);
        CHECK(job_result("a.service") == JOB_CANCELED || job_result("b.service") == JOB_CANCELED);
        CHECK(ACTIVE(manager_get_unit(m, "t.target")));
        manager_free(m);
}

static void test_requisite(void) {
        Manager *m;
        MUnit *b;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nRequisite=a.service\nAfter=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        b = start(m, "b.service");
        CHECK_INT(spawns_of("a.service"), 0); /* Requisite= does not start it */
        CHECK_INT(spawns_of("b.service"), 0);
        CHECK_INT(job_result("b.service"), JOB_DEPENDENCY);
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_degraded_state(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nType=oneshot\nExecStart=/bin/a\n");
        m = start_manager();
        CHECK(strcmp(manager_system_state(m), "starting") == 0);
        a = load(m, "a.service");
        m->boot_target = a;
        manager_start_unit(m, a);
        settle(m);
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 1);
        settle(m);
        CHECK(strcmp(manager_system_state(m), "degraded") == 0);
        manager_reset_failed(m, a);
        CHECK(strcmp(manager_system_state(m), "running") == 0);
        manager_free(m);
}

static void test_stop_propagates_from_inactive(void) {
        Manager *m;
        MUnit *b;

        fresh();
        write_unit("a.service", "[Unit]\nConditionPathExists=/nonexistent/h13-test\n[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nPartOf=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        start(m, "a.service");
        b = start(m, "b.service");
        CHECK(ACTIVE(b));
        /* a was skipped (inactive); its stop still reaches what is part of it */
        manager_stop_unit(m, manager_get_unit(m, "a.service"));
        settle(m);
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_sub_state_names(void) {
        Manager *m;
        MUnit *a, *t;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("t.target", "[Unit]\nWants=a.service\n");
        m = start_manager();
        t = start(m, "t.target");
        a = manager_get_unit(m, "a.service");
        CHECK(strcmp(munit_sub_state_string(a), "running") == 0);
        CHECK(strcmp(munit_sub_state_string(t), "active") == 0);
        manager_free(m);
}

static void test_stop_when_unneeded(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Unit]\nWants=b.service\n[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nStopWhenUnneeded=yes\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        a = start(m, "a.service");
        b = manager_get_unit(m, "b.service");
        CHECK(ACTIVE(b));
        manager_stop_unit(m, a);
        settle(m);
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_upholds(void) {
        Manager *m;
        MUnit *b;

        fresh();
        write_unit("a.service", "[Unit]\nUpholds=b.service\n[Service]\nExecStart=/bin/a\n");
        write_unit("b.service", "[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        start(m, "a.service");
        b = manager_get_unit(m, "b.service");
        CHECK(ACTIVE(b));
        queue_exit(b->main_pid, CLD_EXITED, 0);
        settle(m);
        CHECK_INT(spawns_of("b.service"), 2); /* upheld: started again */
        CHECK(ACTIVE(b));
        manager_free(m);
}

static void test_on_success(void) {
        Manager *m;

        fresh();
        write_unit("a.service", "[Unit]\nOnSuccess=h.service\n[Service]\nType=oneshot\nExecStart=/bin/a\n");
        write_unit("h.service", "[Service]\nExecStart=/bin/h\n");
        m = start_manager();
        start(m, "a.service");
        queue_exit(last_pid_of("a.service"), CLD_EXITED, 0);
        settle(m);
        CHECK(ACTIVE(manager_get_unit(m, "h.service")));
        manager_free(m);
}

static void test_restart_always_after_success(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nRestart=always\nRestartSec=5ms\n");
        m = start_manager();
        a = start(m, "a.service");
        queue_exit(a->main_pid, CLD_EXITED, 0);
        RUN_UNTIL(m, spawns_of("a.service") == 2 && ACTIVE(a), 5000);
        CHECK_INT(spawns_of("a.service"), 2);
        CHECK(ACTIVE(a));
        manager_free(m);
}

static void test_on_failure_clean_signal_no_restart(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nRestart=on-failure\nRestartSec=5ms\n");
        m = start_manager();
        a = start(m, "a.service");
        queue_exit(a->main_pid, CLD_KILLED, SIGTERM); /* SIGTERM from outside: a clean exit */
        run_for(m, 30);
        CHECK_INT(spawns_of("a.service"), 1);
        CHECK_INT(a->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_success_exit_status(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nRestart=on-failure\nRestartSec=5ms\nSuccessExitStatus=3\n");
        m = start_manager();
        a = start(m, "a.service");
        queue_exit(a->main_pid, CLD_EXITED, 3);
        run_for(m, 30);
        CHECK_INT(spawns_of("a.service"), 1);
        CHECK_INT(a->result, RESULT_SUCCESS);
        manager_free(m);
}

static void test_stop_replaces_waiting_start(void) {
        Manager *m;
        MUnit *a, *b;

        fresh();
        write_unit("a.service", "[Service]\nType=notify\nExecStart=/bin/a\n");
        write_unit("b.service", "[Unit]\nAfter=a.service\nWants=a.service\n[Service]\nExecStart=/bin/b\n");
        m = start_manager();
        b = start(m, "b.service");
        a = manager_get_unit(m, "a.service");
        manager_stop_unit(m, b);
        settle(m);
        CHECK_INT(job_result_of("b.service", JOB_START), JOB_CANCELED); /* replaced by the stop */
        CHECK_INT(job_result_of("b.service", JOB_STOP), JOB_DONE);
        notify(a, "READY=1");
        settle(m);
        CHECK_INT(spawns_of("b.service"), 0);
        CHECK_INT(b->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_verify_active_and_try_restart(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        m = start_manager();
        a = load(m, "a.service");
        CHECK_INT(manager_add_job(m, a, JOB_TRY_RESTART, false), 0); /* inactive: nothing to do */
        CHECK(manager_add_job(m, a, JOB_VERIFY_ACTIVE, false) > 0);
        settle(m);
        CHECK_INT(job_result("a.service"), JOB_SKIPPED);
        CHECK_INT(spawns_of("a.service"), 0);
        manager_free(m);
}

static void test_exec_stop_post(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\nExecStopPost=/bin/post\n");
        m = start_manager();
        a = start(m, "a.service");
        manager_stop_unit(m, a);
        settle(m);
        CHECK(strcmp(spawned[n_spawned - 1].path, "/bin/post") == 0);
        CHECK_INT(a->sub, SUB_STOP_POST);
        queue_exit(spawned[n_spawned - 1].pid, CLD_EXITED, 0);
        settle(m);
        CHECK_INT(a->active, STATE_INACTIVE);
        manager_free(m);
}

static void test_masked_start_fails(void) {
        Manager *m;
        MUnit *a;
        char path[512];

        fresh();
        snprintf(path, sizeof(path), "%s/a.service", dir);
        CHECK(symlink("/dev/null", path) == 0);
        m = start_manager();
        a = start(m, "a.service");
        CHECK(a && a->u->load_state == UNIT_MASKED);
        CHECK_INT(job_result("a.service"), JOB_FAILED);
        CHECK_INT(spawns_of("a.service"), 0);
        manager_free(m);
}

/* systemd's unit GC (manager-gc.c): a unit that is down and that nothing kept references goes at
 * the next idle moment; one referenced by a running unit (any dependency, After= too) stays; a
 * cycle of down units that only reference each other goes whole; a failed one stays until reset;
 * a unit that only a unit that goes referenced goes with it. */
static void test_gc(void) {
        Manager *m;
        MUnit *c;

        fresh();
        write_unit("x.service", "[Service]\nExecStart=/bin/x\n");
        write_unit("c.service", "[Unit]\nAfter=d.service\n[Service]\nExecStart=/bin/c\n");
        write_unit("d.service", "[Service]\nExecStart=/bin/d\n");
        write_unit("e.service", "[Unit]\nWants=f.service\n[Service]\nExecStart=/bin/e\n");
        write_unit("f.service", "[Unit]\nWants=e.service\n[Service]\nExecStart=/bin/f\n");
        write_unit("g.service", "[Service]\nType=oneshot\nExecStart=/bin/false\n");
        m = NULL;
        if (manager_new(NULL, &m) < 0)
                exit(1);
        m->sys = &fake_sys;
        m->verbosity = -1;
        m->show_status = false;
        m->hooks = &hooks;
        CHECK(load(m, "x.service") != NULL);
        CHECK(load(m, "e.service") != NULL);
        CHECK(load(m, "nosuch.service") != NULL);
        c = start(m, "c.service");
        CHECK(c && ACTIVE(c));
        CHECK(start(m, "g.service") != NULL);
        queue_exit(last_pid_of("g.service"), CLD_EXITED, 1);
        settle(m);
        CHECK(manager_get_unit(m, "x.service") == NULL);
        CHECK(manager_get_unit(m, "nosuch.service") == NULL);
        CHECK(manager_get_unit(m, "e.service") == NULL && manager_get_unit(m, "f.service") == NULL);
        CHECK(manager_get_unit(m, "c.service") == c);
        CHECK(manager_get_unit(m, "d.service") != NULL);
        CHECK(manager_get_unit(m, "g.service") && manager_get_unit(m, "g.service")->active == STATE_FAILED);
        manager_reset_failed(m, manager_get_unit(m, "g.service"));
        settle(m);
        CHECK(manager_get_unit(m, "g.service") == NULL);
        /* c stops and goes; d, looked at when it was loaded and kept then, lost its only
         * reference: it goes in the same pass (the queue takes what a unit that goes references). */
        manager_stop_unit(m, c);
        settle(m);
        CHECK(manager_get_unit(m, "c.service") == NULL);
        CHECK(manager_get_unit(m, "d.service") == NULL);
        manager_free(m);
}

static void test_start_timeout(void) {
        Manager *m;
        MUnit *a;

        fresh();
        write_unit("a.service", "[Service]\nType=notify\nExecStart=/bin/a\nTimeoutStartSec=20ms\n");
        m = start_manager();
        a = start(m, "a.service");
        RUN_UNTIL(m, a->active == STATE_FAILED || a->active == STATE_INACTIVE, 5000);
        CHECK(first_kill_of("a.service", SIGTERM) != SIZE_MAX);
        CHECK_INT(a->active, STATE_FAILED);
        CHECK_INT(a->result, RESULT_TIMEOUT);
        CHECK_INT(job_result("a.service"), JOB_FAILED);
        manager_free(m);
}

static void test_target_condition(void) {
        Manager *m;
        MUnit *t;

        fresh();
        write_unit("a.service", "[Service]\nExecStart=/bin/a\n");
        write_unit("t.target", "[Unit]\nWants=a.service\nConditionPathExists=/nonexistent/h13-test\n");
        m = start_manager();
        t = start(m, "t.target");
        CHECK_INT(t->active, STATE_INACTIVE); /* the target is skipped... */
        CHECK(ACTIVE(manager_get_unit(m, "a.service"))); /* ...what it pulled in starts anyway */
        manager_free(m);
}

/* A unit whose child needs nothing but system calls is started vfork-style (no copy of PID 1:
 * fork's cost grows with PID 1's heap, issue 13); one with a step that allocates in the child
 * (libcap, seccomp, terminals) is forked. */
int main(void) {
        fake_setup("test-manager-core");

        test_simple_start();
        test_start_merges();
        test_ordering_waits_for_ready();
        test_requires_failure();
        test_wants_failure_does_not_block();
        test_condition_skips();
        test_restart_on_failure();
        test_no_restart_on_success();
        test_start_limit();
        test_start_limit_interval_passes();
        test_oneshot_remain();
        test_oneshot_failure_result();
        test_start_pre_failure();
        test_stop_sigterm();
        test_stop_timeout_sigkill();
        test_conflicts();
        test_binds_to();
        test_part_of();
        test_on_failure();
        test_shutdown_reverse_order();
        test_nothing_starts_in_shutdown();
        test_shutdown_bound();
        test_masked_requirement_refused();
        test_reload();
        test_restart_job();
        test_cancel();
        test_ordering_cycle_broken();
        test_requisite();
        test_degraded_state();
        test_stop_propagates_from_inactive();
        test_sub_state_names();
        test_stop_when_unneeded();
        test_upholds();
        test_on_success();
        test_restart_always_after_success();
        test_on_failure_clean_signal_no_restart();
        test_success_exit_status();
        test_stop_replaces_waiting_start();
        test_verify_active_and_try_restart();
        test_exec_stop_post();
        test_masked_start_fails();
        test_start_timeout();
        test_target_condition();
        test_gc();

        clean_dir();
        printf("1..%d\n", tap_n);
        return tap_failed ? 1 : 0;
}
