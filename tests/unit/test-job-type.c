/* SPDX-License-Identifier: MIT */
/* The job merge rules (service/job-type.c) against systemd 252's src/core/job.c: its
 * job_merging_table[] (the lower triangle of a symmetric matrix over start, verify-active, stop,
 * reload, restart; -1 = "does not merge"), job_type_is_redundant() and job_type_collapse(), and the
 * four outcomes of job_install(). The expected values below are transcribed from that file, row by
 * row, not computed from sdinit's code. */
#include <errno.h>

#include "service/job-type.h"
#include "tests/tap.h"

#define X JOB_INVALID

static const JobType merging[5] = { JOB_START, JOB_VERIFY_ACTIVE, JOB_STOP, JOB_RELOAD, JOB_RESTART };

/* systemd's table, in systemd's order: row "what", column "with"; the upper triangle mirrors the
 * lower one and the diagonal is the type itself. */
static const JobType systemd_table[5][5] = {
        /*                  start                verify-active     stop       reload       restart */
        /* start    */ { JOB_START,           JOB_START,         X,         JOB_RELOAD_OR_START, JOB_RESTART },
        /* verify   */ { JOB_START,           JOB_VERIFY_ACTIVE, X,         JOB_RELOAD,          JOB_RESTART },
        /* stop     */ { X,                   X,                 JOB_STOP,  X,                   X },
        /* reload   */ { JOB_RELOAD_OR_START, JOB_RELOAD,        X,         JOB_RELOAD,          JOB_RESTART },
        /* restart  */ { JOB_RESTART,         JOB_RESTART,       X,         JOB_RESTART,         JOB_RESTART },
};

int main(void) {
        static const ActiveState states[] = { STATE_INACTIVE, STATE_ACTIVATING, STATE_ACTIVE,
                                              STATE_RELOADING, STATE_DEACTIVATING, STATE_FAILED };
        JobType t;

        /* Every pair, both orders. */
        for (int i = 0; i < 5; i++)
                for (int j = 0; j < 5; j++) {
                        JobType got = job_type_lookup_merge(merging[i], merging[j]);
                        tap_n++;
                        if (got == systemd_table[i][j])
                                printf("ok %d - merge(%s, %s) = %s\n", tap_n, job_type_to_string(merging[i]),
                                       job_type_to_string(merging[j]), job_type_to_string(got));
                        else {
                                tap_failed++;
                                printf("not ok %d - merge(%s, %s) = %s, systemd: %s\n", tap_n,
                                       job_type_to_string(merging[i]), job_type_to_string(merging[j]),
                                       job_type_to_string(got), job_type_to_string(systemd_table[i][j]));
                        }
                }

        /* The table's properties job.c states: commutative (above), associative and transitive
         * once collapsed, and "if a merged with b does not merge with c, a or b does not either". */
        for (size_t si = 0; si < sizeof(states) / sizeof(states[0]); si++)
                for (int a = 0; a < 5; a++)
                        for (int b = 0; b < 5; b++)
                                for (int c = 0; c < 5; c++) {
                                        JobType ab = merging[a], bc = merging[b];
                                        int r1 = job_type_merge_and_collapse(&ab, merging[b], states[si]);
                                        int r2 = job_type_merge_and_collapse(&bc, merging[c], states[si]);
                                        if (r1 == 0 && r2 == 0) {
                                                JobType x = ab, y = merging[a];
                                                int r3 = job_type_merge_and_collapse(&x, merging[c], states[si]);
                                                int r4 = job_type_merge_and_collapse(&y, bc, states[si]);
                                                if (r3 != r4 || (r3 == 0 && x != y)) {
                                                        tap_n++, tap_failed++;
                                                        printf("not ok %d - associativity %d %d %d\n", tap_n, a, b, c);
                                                }
                                        }
                                        if (r1 == 0 && !job_type_is_mergeable(ab, merging[c]) &&
                                            job_type_is_mergeable(merging[a], merging[c]) &&
                                            job_type_is_mergeable(merging[b], merging[c])) {
                                                tap_n++, tap_failed++;
                                                printf("not ok %d - merged pair mergeability %d %d %d\n", tap_n, a, b, c);
                                        }
                                }
        CHECK(tap_failed == 0);

        /* Conflicts and supersets follow from the table; a nop conflicts with nothing. */
        CHECK(job_type_is_conflicting(JOB_STOP, JOB_START));
        CHECK(job_type_is_conflicting(JOB_START, JOB_STOP));
        CHECK(job_type_is_conflicting(JOB_STOP, JOB_RESTART));
        CHECK(job_type_is_conflicting(JOB_STOP, JOB_RELOAD));
        CHECK(job_type_is_conflicting(JOB_VERIFY_ACTIVE, JOB_STOP));
        CHECK(!job_type_is_conflicting(JOB_START, JOB_RELOAD));
        CHECK(!job_type_is_conflicting(JOB_NOP, JOB_STOP));
        CHECK(!job_type_is_conflicting(JOB_STOP, JOB_NOP));
        CHECK(job_type_is_superset(JOB_RESTART, JOB_START));
        CHECK(job_type_is_superset(JOB_RESTART, JOB_RELOAD));
        CHECK(job_type_is_superset(JOB_START, JOB_VERIFY_ACTIVE));
        CHECK(job_type_is_superset(JOB_RELOAD, JOB_VERIFY_ACTIVE));
        CHECK(!job_type_is_superset(JOB_START, JOB_RELOAD));
        CHECK(!job_type_is_superset(JOB_START, JOB_RESTART));
        CHECK(job_type_is_superset(JOB_STOP, JOB_NOP));
        CHECK(!job_type_is_superset(JOB_NOP, JOB_STOP));
        CHECK(job_type_is_superset(JOB_NOP, JOB_NOP));
        /* Types outside the merge domain never merge (they are collapsed first). */
        CHECK_INT(job_type_lookup_merge(JOB_TRY_RESTART, JOB_START), JOB_INVALID);
        CHECK_INT(job_type_lookup_merge(JOB_NOP, JOB_START), JOB_INVALID);
        t = JOB_START;
        CHECK_INT(job_type_merge_and_collapse(&t, JOB_STOP, STATE_ACTIVE), -EEXIST);
        CHECK_INT(t, JOB_START);

        /* job_type_collapse() (systemd 252: try-restart restarts an activating unit too). */
        CHECK_INT(job_type_collapse(JOB_TRY_RESTART, STATE_ACTIVE), JOB_RESTART);
        CHECK_INT(job_type_collapse(JOB_TRY_RESTART, STATE_RELOADING), JOB_RESTART);
        CHECK_INT(job_type_collapse(JOB_TRY_RESTART, STATE_ACTIVATING), JOB_RESTART);
        CHECK_INT(job_type_collapse(JOB_TRY_RESTART, STATE_INACTIVE), JOB_NOP);
        CHECK_INT(job_type_collapse(JOB_TRY_RESTART, STATE_DEACTIVATING), JOB_NOP);
        CHECK_INT(job_type_collapse(JOB_TRY_RESTART, STATE_FAILED), JOB_NOP);
        CHECK_INT(job_type_collapse(JOB_TRY_RELOAD, STATE_ACTIVE), JOB_RELOAD);
        CHECK_INT(job_type_collapse(JOB_TRY_RELOAD, STATE_RELOADING), JOB_RELOAD);
        CHECK_INT(job_type_collapse(JOB_TRY_RELOAD, STATE_ACTIVATING), JOB_NOP);
        CHECK_INT(job_type_collapse(JOB_TRY_RELOAD, STATE_INACTIVE), JOB_NOP);
        CHECK_INT(job_type_collapse(JOB_RELOAD_OR_START, STATE_ACTIVE), JOB_RELOAD);
        CHECK_INT(job_type_collapse(JOB_RELOAD_OR_START, STATE_RELOADING), JOB_RELOAD);
        CHECK_INT(job_type_collapse(JOB_RELOAD_OR_START, STATE_ACTIVATING), JOB_START);
        CHECK_INT(job_type_collapse(JOB_RELOAD_OR_START, STATE_INACTIVE), JOB_START);
        CHECK_INT(job_type_collapse(JOB_RELOAD_OR_START, STATE_DEACTIVATING), JOB_START);
        CHECK_INT(job_type_collapse(JOB_STOP, STATE_ACTIVE), JOB_STOP);
        /* start + reload merges into reload-or-start, which collapses at once. */
        t = JOB_START;
        CHECK_INT(job_type_merge_and_collapse(&t, JOB_RELOAD, STATE_ACTIVE), 0);
        CHECK_INT(t, JOB_RELOAD);
        t = JOB_RELOAD;
        CHECK_INT(job_type_merge_and_collapse(&t, JOB_START, STATE_INACTIVE), 0);
        CHECK_INT(t, JOB_START);

        /* job_type_is_redundant() (systemd 252). */
        CHECK(job_type_is_redundant(JOB_START, STATE_ACTIVE));
        CHECK(job_type_is_redundant(JOB_START, STATE_RELOADING));
        CHECK(!job_type_is_redundant(JOB_START, STATE_ACTIVATING));
        CHECK(!job_type_is_redundant(JOB_START, STATE_DEACTIVATING));
        CHECK(!job_type_is_redundant(JOB_START, STATE_INACTIVE));
        CHECK(job_type_is_redundant(JOB_STOP, STATE_INACTIVE));
        CHECK(job_type_is_redundant(JOB_STOP, STATE_FAILED));
        CHECK(!job_type_is_redundant(JOB_STOP, STATE_DEACTIVATING));
        CHECK(!job_type_is_redundant(JOB_STOP, STATE_ACTIVE));
        CHECK(job_type_is_redundant(JOB_VERIFY_ACTIVE, STATE_ACTIVE));
        CHECK(!job_type_is_redundant(JOB_VERIFY_ACTIVE, STATE_INACTIVE));
        CHECK(job_type_is_redundant(JOB_RELOAD, STATE_RELOADING));
        CHECK(!job_type_is_redundant(JOB_RELOAD, STATE_ACTIVE));
        for (size_t si = 0; si < sizeof(states) / sizeof(states[0]); si++) {
                CHECK(!job_type_is_redundant(JOB_RESTART, states[si]));
                CHECK(job_type_is_redundant(JOB_NOP, states[si]));
        }

        /* job_install(): the back-to-back cases. */
        /* A start while the unit's stop job runs (systemctl stop x; systemctl start x): the stop
         * job is canceled and a new start job installed (defect 4 of issue 11). */
        CHECK_INT(job_install_action(JOB_STOP, true, JOB_START, STATE_DEACTIVATING, &t), JOB_INSTALL_REPLACE);
        CHECK_INT(t, JOB_START);
        CHECK_INT(job_install_action(JOB_STOP, false, JOB_START, STATE_ACTIVE, &t), JOB_INSTALL_REPLACE);
        CHECK_INT(job_install_action(JOB_START, true, JOB_STOP, STATE_ACTIVATING, &t), JOB_INSTALL_REPLACE);
        CHECK_INT(t, JOB_STOP);
        CHECK_INT(job_install_action(JOB_RESTART, true, JOB_STOP, STATE_DEACTIVATING, &t), JOB_INSTALL_REPLACE);
        CHECK_INT(job_install_action(JOB_STOP, true, JOB_RESTART, STATE_DEACTIVATING, &t), JOB_INSTALL_REPLACE);
        CHECK_INT(t, JOB_RESTART);
        CHECK_INT(job_install_action(JOB_RELOAD, true, JOB_STOP, STATE_RELOADING, &t), JOB_INSTALL_REPLACE);
        /* Same type: merged, even while running (a stop is a superset of itself). */
        CHECK_INT(job_install_action(JOB_STOP, true, JOB_STOP, STATE_DEACTIVATING, &t), JOB_INSTALL_MERGE);
        CHECK_INT(t, JOB_STOP);
        CHECK_INT(job_install_action(JOB_START, true, JOB_START, STATE_ACTIVATING, &t), JOB_INSTALL_MERGE);
        /* A start into a running restart: the restart does it. */
        CHECK_INT(job_install_action(JOB_RESTART, true, JOB_START, STATE_DEACTIVATING, &t), JOB_INSTALL_MERGE);
        CHECK_INT(t, JOB_RESTART);
        /* A restart into a running start: not covered, the merged restart runs again. */
        CHECK_INT(job_install_action(JOB_START, true, JOB_RESTART, STATE_ACTIVATING, &t), JOB_INSTALL_RERUN);
        CHECK_INT(t, JOB_RESTART);
        /* ...into a waiting start: merged in place. */
        CHECK_INT(job_install_action(JOB_START, false, JOB_RESTART, STATE_INACTIVE, &t), JOB_INSTALL_MERGE);
        CHECK_INT(t, JOB_RESTART);
        /* A reload never merges late: a second reload while one runs runs again afterwards. */
        CHECK_INT(job_install_action(JOB_RELOAD, true, JOB_RELOAD, STATE_RELOADING, &t), JOB_INSTALL_RERUN);
        CHECK_INT(t, JOB_RELOAD);
        CHECK_INT(job_install_action(JOB_RELOAD, false, JOB_RELOAD, STATE_ACTIVE, &t), JOB_INSTALL_MERGE);
        /* A reload into a running start: reload-or-start collapses to start (activating). */
        CHECK_INT(job_install_action(JOB_START, true, JOB_RELOAD, STATE_ACTIVATING, &t), JOB_INSTALL_RERUN);
        CHECK_INT(t, JOB_START);
        /* A start into a running reload: reload-or-start collapses to reload, run again. */
        CHECK_INT(job_install_action(JOB_RELOAD, true, JOB_START, STATE_RELOADING, &t), JOB_INSTALL_RERUN);
        CHECK_INT(t, JOB_RELOAD);
        /* A reload into a waiting restart: covered. */
        CHECK_INT(job_install_action(JOB_RESTART, false, JOB_RELOAD, STATE_ACTIVE, &t), JOB_INSTALL_MERGE);
        CHECK_INT(t, JOB_RESTART);
        CHECK_INT(job_install_action(JOB_NONE, false, JOB_RELOAD, STATE_ACTIVE, &t), JOB_INSTALL_NEW);
        CHECK_INT(t, JOB_RELOAD);
        /* verify-active merges into a start, and a start into a verify-active. */
        CHECK_INT(job_install_action(JOB_VERIFY_ACTIVE, false, JOB_START, STATE_INACTIVE, &t), JOB_INSTALL_MERGE);
        CHECK_INT(t, JOB_START);
        CHECK_INT(job_install_action(JOB_START, true, JOB_VERIFY_ACTIVE, STATE_ACTIVATING, &t), JOB_INSTALL_MERGE);
        CHECK_INT(t, JOB_START);

        CHECK_STR(job_type_to_string(JOB_RELOAD_OR_START), "reload-or-start");
        CHECK_INT(job_type_from_string("verify-active"), JOB_VERIFY_ACTIVE);
        CHECK_INT(job_type_from_string("bogus"), JOB_INVALID);
        return tap_done();
}
