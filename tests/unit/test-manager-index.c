/* SPDX-License-Identifier: MIT */
/*
 * The manager's own machinery without root and without processes (tests/unit/manager-fake.h): the
 * spawn primitive chosen per unit, the pid index against a scan of every unit, the job counter
 * against a count of the jobs, and the dispatcher's 5 ms slices that let waiting event sources go
 * first during a large start.
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

static void test_spawn_primitive(void) {
        static const struct {
                const char *name, *text;
                SpawnHow how;
        } cases[] = {
                { "plain.service", "[Service]\nExecStart=/bin/plain\n", SPAWN_VFORK },
                { "user.service", "[Service]\nUser=root\nGroup=root\nUMask=0077\nNice=1\nLimitNOFILE=100\nOOMScoreAdjust=10\n"
                                  "Environment=A=b\nWorkingDirectory=/\nExecStart=/bin/user\n", SPAWN_VFORK },
                { "oneshot.service", "[Service]\nType=oneshot\nExecStartPre=/bin/pre\nExecStart=-/bin/one\n", SPAWN_VFORK },
                { "caps.service", "[Service]\nCapabilityBoundingSet=CAP_CHOWN\nExecStart=/bin/caps\n", SPAWN_FORK },
                { "ambient.service", "[Service]\nAmbientCapabilities=CAP_CHOWN\nExecStart=/bin/amb\n", SPAWN_FORK },
                { "nnp.service", "[Service]\nNoNewPrivileges=yes\nExecStart=/bin/nnp\n", SPAWN_FORK },
                { "seccomp.service", "[Service]\nSystemCallFilter=@system-service\nExecStart=/bin/sc\n", SPAWN_FORK },
                { "keyring.service", "[Service]\nKeyringMode=shared\nExecStart=/bin/kr\n", SPAWN_FORK },
                { "tty.service", "[Service]\nStandardInput=tty\nTTYPath=/dev/tty63\nExecStart=/bin/tty\n", SPAWN_FORK },
                /* Settings kept raw that only PID 1 reads (shown, not enforced): vfork-style; one the
                 * child reads itself (and refuses): forked. (No credentials here: PID 1 would mount
                 * their directories in this test's mount namespace, the machine's.) */
                { "shown.service", "[Service]\nPAMName=login\nRestartSteps=3\nExecStart=/bin/shown\n", SPAWN_VFORK },
                { "image.service", "[Service]\nRootImage=/var/lib/x.raw\nExecStart=/bin/img\n", SPAWN_FORK },
        };
        Manager *m;

        fresh();
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
                write_unit(cases[i].name, cases[i].text);
        m = start_manager();
        m->sys = &spawn_sys;
        m->spawn_vfork_min_rss_kb = 0; /* whatever this test's size: the kinds of units */
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                MUnit *u = start(m, cases[i].name);
                size_t k = first_spawn(cases[i].name);
                CHECK(u != NULL && k != SIZE_MAX);
                if (k == SIZE_MAX)
                        continue;
                for (size_t j = k; j < n_spawned; j++)
                        if (strcmp(spawned[j].unit, cases[i].name) == 0 && started_how[j] != cases[i].how) {
                                printf("# %s: started with %s\n", cases[i].name, started_how[j] == SPAWN_FORK ? "fork" : "vfork");
                                k = SIZE_MAX;
                        }
                CHECK(k != SIZE_MAX);
        }
        manager_free(m);
}

/* ---- the pid index, the job counter, the dispatch slices ------------------------------------- */

/* What manager_unit_by_pid() answered before it had an index: the first unit in the manager's
 * order whose main or control process pid is. */
static MUnit *unit_by_pid_scan(Manager *m, pid_t pid) {
        for (size_t i = 0; i < m->n_units; i++)
                if (pid > 0 && (m->units[i]->main_pid == pid || m->units[i]->control_pid == pid))
                        return m->units[i];
        return NULL;
}

static size_t jobs_scan(Manager *m) {
        size_t n = 0;
        for (size_t i = 0; i < m->n_units; i++)
                n += m->units[i]->job != JOB_NONE;
        return n;
}

/* Every started service is found by its pid, an exited one no longer; then thousands of random
 * changes of main and control pids over a small range of pids (shared pids, collisions, removals
 * from the middle of probe runs) give the same answers as the scan. */
static void test_pid_index(void) {
        char name[300], text[1024];
        uint32_t seed = 12345;
        unsigned mismatches = 0, found = 0;
        Manager *m;
        MUnit *t, *x;

        fresh();
        for (int i = 0; i < 150; i++) {
                snprintf(name, sizeof(name), "p%d.service", i);
                snprintf(text, sizeof(text), "[Service]\nExecStart=/bin/p%d\n", i);
                write_unit(name, text);
        }
        write_unit("all.target", "[Unit]\nDescription=all\n");
        for (int i = 0; i < 150; i++) {
                snprintf(name, sizeof(name), "p%d.service", i);
                snprintf(text, sizeof(text), "%s/all.target.wants", dir);
                mkdir(text, 0755);
                snprintf(text, sizeof(text), "%s/all.target.wants/%s", dir, name);
                snprintf(name, sizeof(name), "%s/p%d.service", dir, i);
                if (symlink(name, text) < 0)
                        perror(text);
        }
        m = start_manager();
        t = start(m, "all.target");
        CHECK(ACTIVE(t));
        CHECK_INT(n_spawned, 150);
        for (size_t i = 0; i < n_spawned; i++) {
                MUnit *u = manager_unit_by_pid(m, spawned[i].pid);
                found += u && strcmp(u->id, spawned[i].unit) == 0 && u == unit_by_pid_scan(m, spawned[i].pid);
        }
        CHECK_INT(found, 150);
        x = load(m, "p7.service");
        CHECK(x != NULL);
        if (x) {
                pid_t pid = x->main_pid;
                queue_exit(pid, CLD_EXITED, 0);
                settle(m);
                CHECK(x->main_pid == 0);
                CHECK(manager_unit_by_pid(m, pid) == NULL);
        }
        for (int op = 0; op < 20000; op++) {
                MUnit *u;
                pid_t pid;
                seed = seed * 1103515245u + 12345u;
                u = m->units[(seed >> 8) % m->n_units];
                seed = seed * 1103515245u + 12345u;
                pid = (pid_t) ((seed >> 8) % 97); /* 0 clears */
                if (seed & 0x10000)
                        munit_set_main_pid(u, pid);
                else
                        munit_set_control_pid(u, pid);
                seed = seed * 1103515245u + 12345u;
                pid = (pid_t) ((seed >> 8) % 97);
                mismatches += manager_unit_by_pid(m, pid) != unit_by_pid_scan(m, pid);
        }
        for (pid_t pid = 0; pid < 97; pid++)
                mismatches += manager_unit_by_pid(m, pid) != unit_by_pid_scan(m, pid);
        CHECK_INT(mismatches, 0);
        for (size_t i = 0; i < m->n_units; i++) {
                munit_set_main_pid(m->units[i], 0);
                munit_set_control_pid(m->units[i], 0);
        }
        CHECK_INT(m->pid_used, 0);
        manager_free(m);
}

/* The job counter is the number of units with a job at every step: a chain waiting for READY=1
 * link by link, a stop replacing a waiting start, a restart, and an empty queue at the end. */
static void test_job_counter(void) {
        char name[300], text[1024];
        unsigned mismatches = 0;
        Manager *m;
        MUnit *last, *first;

        fresh();
        for (int i = 0; i < 20; i++) {
                snprintf(name, sizeof(name), "c%d.service", i);
                if (i)
                        snprintf(text, sizeof(text), "[Unit]\nAfter=c%d.service\nRequires=c%d.service\n[Service]\nType=notify\nExecStart=/bin/c\n",
                                 i - 1, i - 1);
                else
                        snprintf(text, sizeof(text), "[Service]\nType=notify\nExecStart=/bin/c\n");
                write_unit(name, text);
        }
        m = start_manager();
        CHECK(!manager_has_jobs(m));
        last = start(m, "c19.service");
        CHECK(last != NULL);
        CHECK_INT(m->n_jobs, 20);
        CHECK(manager_has_jobs(m));
        for (int i = 0; i < 10; i++) {
                snprintf(name, sizeof(name), "c%d.service", i);
                MUnit *u = load(m, name);
                if (u)
                        notify(u, "READY=1");
                settle(m);
                mismatches += m->n_jobs != jobs_scan(m);
        }
        CHECK_INT(m->n_jobs, 10);
        /* c15 is stopped while its start waits: the stop replaces the start (and its dependents' starts fail) */
        first = load(m, "c15.service");
        if (first)
                manager_stop_unit(m, first);
        settle(m);
        mismatches += m->n_jobs != jobs_scan(m);
        for (int i = 10; i < 20; i++) {
                snprintf(name, sizeof(name), "c%d.service", i);
                MUnit *u = load(m, name);
                if (u && u->active == STATE_ACTIVATING)
                        notify(u, "READY=1");
                settle(m);
                mismatches += m->n_jobs != jobs_scan(m);
        }
        first = load(m, "c0.service");
        if (first)
                manager_add_job(m, first, JOB_RESTART, false);
        mismatches += m->n_jobs != jobs_scan(m);
        /* the restart goes down the chain (Requires=): each link is ready in turn */
        for (int round = 0; round < 100 && jobs_scan(m) > 0; round++) {
                settle(m);
                for (size_t i = 0; i < m->n_units; i++)
                        if (m->units[i]->active == STATE_ACTIVATING && m->units[i]->main_pid > 0)
                                notify(m->units[i], "READY=1");
                settle(m);
                mismatches += m->n_jobs != jobs_scan(m);
        }
        CHECK_INT(mismatches, 0);
        CHECK_INT(m->n_jobs, 0);
        CHECK(!manager_has_jobs(m));
        manager_free(m);
}

/* A clock that moves 1 ms each time it is read: every job run "takes" a millisecond. */
static uint64_t slow_clock;
static uint64_t slow_now(void) {
        return slow_clock += 1000;
}

static const SysOps slow_sys = {
        .spawn = fake_spawn, .kill = fake_kill, .pidfd_open = fake_pidfd_open, .waitid = fake_waitid, .now = slow_now,
};

static size_t spawned_when_served = SIZE_MAX;

static int on_client(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        (void) fd, (void) revents, (void) userdata;
        spawned_when_served = n_spawned;
        return sd_event_source_set_enabled(s, SD_EVENT_OFF);
}

/* 100 runnable starts are not run in one pass of the dispatcher: it gives the event loop back
 * after a slice, and a source of the same priority that is ready (a systemctl connection here: a
 * pipe with a byte in it) is served before the rest of the starts, which run in the following
 * turns, each unit once. */
static void test_dispatch_slices(void) {
        char name[300], text[1024];
        size_t after_one, twice = 0;
        sd_event_source *client = NULL;
        int p[2] = { -1, -1 };
        Manager *m;
        MUnit *t;

        fresh();
        snprintf(text, sizeof(text), "%s/many.target.wants", dir);
        mkdir(text, 0755);
        for (int i = 0; i < 100; i++) {
                snprintf(name, sizeof(name), "s%d.service", i);
                write_unit(name, "[Service]\nExecStart=/bin/s\n");
                snprintf(text, sizeof(text), "%s/many.target.wants/%s", dir, name);
                snprintf(name, sizeof(name), "%s/s%d.service", dir, i);
                if (symlink(name, text) < 0)
                        perror(text);
        }
        write_unit("many.target", "[Unit]\nDescription=many\n");
        m = start_manager();
        m->sys = &slow_sys;
        t = load(m, "many.target");
        CHECK(t != NULL);
        if (!t) {
                manager_free(m);
                return;
        }
        if (pipe2(p, O_CLOEXEC) < 0 || write(p[1], "x", 1) != 1 ||
            sd_event_add_io(m->event, &client, p[0], EPOLLIN, on_client, NULL) < 0)
                printf("# cannot set up the client pipe\n");
        spawned_when_served = SIZE_MAX;
        manager_start_unit(m, t);
        manager_dispatch(m);
        after_one = n_spawned;
        CHECK(after_one > 0 && after_one < 100);
        CHECK(m->dispatch_pending);
        settle(m);
        CHECK_INT(n_spawned, 100);
        printf("# the client was served after %zu of 100 starts\n", spawned_when_served);
        CHECK(spawned_when_served < 50);
        sd_event_source_disable_unref(client);
        if (p[0] >= 0)
                close(p[0]), close(p[1]);
        for (size_t i = 0; i < n_spawned; i++)
                for (size_t j = i + 1; j < n_spawned; j++)
                        twice += strcmp(spawned[i].unit, spawned[j].unit) == 0;
        CHECK_INT(twice, 0);
        CHECK(ACTIVE(t));
        CHECK(!manager_has_jobs(m));
        manager_free(m);
}

int main(void) {
        fake_setup("test-manager-index");

        test_spawn_primitive();
        test_pid_index();
        test_job_counter();
        test_dispatch_slices();

        clean_dir();
        printf("1..%d\n", tap_n);
        return tap_failed ? 1 : 0;
}
