/* SPDX-License-Identifier: MIT */
#pragma once

/*
 * Job types and how two jobs for the same unit combine, as systemd's src/core/job.c defines it
 * (systemd 252): the merge table, conflicts, supersets, the state-dependent types that collapse
 * into simpler ones, and the jobs a unit's state makes redundant. Pure functions of their
 * arguments (no manager, no I/O), so the table is unit-tested on its own (tests/unit/test-job-type.c).
 *
 * Types:
 *   start, stop, reload, restart     what systemctl asks for; a restart runs as a stop, then
 *                                    becomes a start with the same job id
 *   verify-active                    "is it active?" (Requisite=): done if active, skipped if not
 *   nop                              nothing to do (a try-restart of an inactive unit)
 *   try-restart, try-reload,         never installed: they collapse by the unit's state into
 *   reload-or-start                  restart/reload/start or nop (job_type_collapse)
 * Merging (job_type_lookup_merge) is defined among start, verify-active, stop, reload and
 * restart; a stop merges with nothing but itself, so a stop and a start for one unit conflict:
 * the newer one replaces the installed one (job mode "replace").
 */

#include <stdbool.h>

typedef enum ActiveState {
        STATE_INACTIVE,
        STATE_ACTIVATING,
        STATE_ACTIVE,
        STATE_RELOADING,
        STATE_DEACTIVATING,
        STATE_FAILED,
        _STATE_MAX,
} ActiveState;

typedef enum JobType {
        JOB_INVALID = -1,     /* "these two do not merge" */
        JOB_NONE = 0,         /* no job (MUnit.job) */
        JOB_START,
        JOB_STOP,
        JOB_RELOAD,
        JOB_RESTART,          /* runs as a stop, then becomes a start (same job id) */
        JOB_VERIFY_ACTIVE,
        JOB_NOP,
        JOB_TRY_RESTART,      /* collapses to restart (active or activating) or nop */
        JOB_TRY_RELOAD,       /* collapses to reload (active or reloading) or nop */
        JOB_RELOAD_OR_START,  /* collapses to reload (active or reloading) or start */
        _JOB_TYPE_MAX,
} JobType;

const char *job_type_to_string(JobType t);
JobType job_type_from_string(const char *s);

/* The merged type of a and b (order does not matter), JOB_INVALID if they do not merge. Defined
 * for start, verify-active, stop, reload and restart; anything else gives JOB_INVALID. */
JobType job_type_lookup_merge(JobType a, JobType b);
bool job_type_is_mergeable(JobType a, JobType b);
/* Two jobs conflict when neither is a nop and they do not merge. */
bool job_type_is_conflicting(JobType a, JobType b);
/* a does everything b does (b is a nop, or merging b into a gives a). */
bool job_type_is_superset(JobType a, JobType b);
/* A job of type t does nothing for a unit in state s (systemd 252: a restart never is). */
bool job_type_is_redundant(JobType t, ActiveState s);
/* try-restart, try-reload and reload-or-start become what they mean for a unit in state s;
 * other types are returned as they are. */
JobType job_type_collapse(JobType t, ActiveState s);
/* Merges b into *a and collapses the result; -EEXIST (and *a untouched) if they do not merge. */
int job_type_merge_and_collapse(JobType *a, JobType b, ActiveState s);
/* Whether a job of type t may merge into an installed job that already runs (a reload may not:
 * the daemon may have read its configuration already). */
bool job_type_allows_late_merge(JobType t);

/* What installing a new job of type t does to a unit that has job `installed` (JOB_NONE for
 * none), running or waiting, in state s (systemd's job_install()): */
typedef enum JobInstallAction {
        JOB_INSTALL_NEW,     /* no job yet: t is installed */
        JOB_INSTALL_REPLACE, /* the installed job conflicts: it is canceled, t is installed */
        JOB_INSTALL_MERGE,   /* t merges into the installed job (type becomes *ret_type) */
        JOB_INSTALL_RERUN,   /* merged into a running job that does not cover t: the merged job
                              * (*ret_type) goes back to waiting and runs again */
} JobInstallAction;
JobInstallAction job_install_action(JobType installed, bool running, JobType t, ActiveState s, JobType *ret_type);

/* How a job ended (systemd's JobResult); job_result_to_string() names it for D-Bus (JobRemoved)
 * and the log. */
typedef enum JobResult {
        JOB_DONE,
        JOB_CANCELED,
        JOB_TIMEOUT,
        JOB_FAILED,
        JOB_DEPENDENCY,
        JOB_SKIPPED,
        JOB_INVALID_RESULT, /* "invalid" (JOB_INVALID is the job type that does not merge) */
        _JOB_RESULT_MAX,
} JobResult;
const char *job_result_to_string(JobResult r);

/* How a unit's last run ended (systemd's Result= of services, sockets, timers and paths);
 * unit_result_to_string() names it at the edges (D-Bus, $SERVICE_RESULT, the log). */
typedef enum UnitResult {
        RESULT_SUCCESS,
        RESULT_RESOURCES,
        RESULT_TIMEOUT,
        RESULT_EXIT_CODE,
        RESULT_SIGNAL,
        RESULT_CORE_DUMP,
        RESULT_WATCHDOG,
        RESULT_START_LIMIT_HIT,
        RESULT_CONDITION,
        RESULT_ASSERT,
        RESULT_PROTOCOL,
        RESULT_OOM_KILL,
        RESULT_TRIGGER_LIMIT_HIT,
        RESULT_UNIT_START_LIMIT_HIT,
        RESULT_SERVICE_START_LIMIT_HIT,
        _RESULT_MAX,
} UnitResult;
const char *unit_result_to_string(UnitResult r);
