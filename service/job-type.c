/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "service/job-type.h"

static const char *const job_type_names[_JOB_TYPE_MAX] = {
        [JOB_NONE] = "none",
        [JOB_START] = "start",
        [JOB_STOP] = "stop",
        [JOB_RELOAD] = "reload",
        [JOB_RESTART] = "restart",
        [JOB_VERIFY_ACTIVE] = "verify-active",
        [JOB_NOP] = "nop",
        [JOB_TRY_RESTART] = "try-restart",
        [JOB_TRY_RELOAD] = "try-reload",
        [JOB_RELOAD_OR_START] = "reload-or-start",
};

const char *job_type_to_string(JobType t) {
        return t >= 0 && t < _JOB_TYPE_MAX ? job_type_names[t] : "?";
}

JobType job_type_from_string(const char *s) {
        for (int t = JOB_START; t < _JOB_TYPE_MAX; t++)
                if (s && strcmp(s, job_type_names[t]) == 0)
                        return (JobType) t;
        return JOB_INVALID;
}

static bool merging_type(JobType t) {
        return t == JOB_START || t == JOB_VERIFY_ACTIVE || t == JOB_STOP || t == JOB_RELOAD || t == JOB_RESTART;
}

JobType job_type_lookup_merge(JobType a, JobType b) {
        if (!merging_type(a) || !merging_type(b))
                return JOB_INVALID;
        if (a == b)
                return a;
        /* A stop goes with nothing else. */
        if (a == JOB_STOP || b == JOB_STOP)
                return JOB_INVALID;
        /* A restart covers start, verify-active and reload. */
        if (a == JOB_RESTART || b == JOB_RESTART)
                return JOB_RESTART;
        /* What remains: pairs among start, verify-active and reload. */
        if (a == JOB_RELOAD || b == JOB_RELOAD)
                return (a == JOB_START || b == JOB_START) ? JOB_RELOAD_OR_START : JOB_RELOAD;
        return JOB_START; /* start + verify-active */
}

bool job_type_is_mergeable(JobType a, JobType b) {
        return job_type_lookup_merge(a, b) != JOB_INVALID;
}

bool job_type_is_conflicting(JobType a, JobType b) {
        return a != JOB_NOP && b != JOB_NOP && !job_type_is_mergeable(a, b);
}

bool job_type_is_superset(JobType a, JobType b) {
        if (b == JOB_NOP)
                return true;
        if (a == JOB_NOP)
                return false;
        return job_type_lookup_merge(a, b) == a;
}

static bool active_or_reloading(ActiveState s) {
        return s == STATE_ACTIVE || s == STATE_RELOADING;
}

bool job_type_is_redundant(JobType t, ActiveState s) {
        switch (t) {
        case JOB_START:
        case JOB_VERIFY_ACTIVE:
                return active_or_reloading(s);
        case JOB_STOP:
                return s == STATE_INACTIVE || s == STATE_FAILED;
        case JOB_RELOAD:
                return s == STATE_RELOADING;
        case JOB_NOP:
                return true;
        default:
                return false; /* restart: always kept (an activating unit may hold stale state) */
        }
}

JobType job_type_collapse(JobType t, ActiveState s) {
        switch (t) {
        case JOB_TRY_RESTART:
                return active_or_reloading(s) || s == STATE_ACTIVATING ? JOB_RESTART : JOB_NOP;
        case JOB_TRY_RELOAD:
                return active_or_reloading(s) ? JOB_RELOAD : JOB_NOP;
        case JOB_RELOAD_OR_START:
                return active_or_reloading(s) ? JOB_RELOAD : JOB_START;
        default:
                return t;
        }
}

int job_type_merge_and_collapse(JobType *a, JobType b, ActiveState s) {
        JobType t = job_type_lookup_merge(*a, b);

        if (t == JOB_INVALID)
                return -EEXIST;
        *a = job_type_collapse(t, s);
        return 0;
}

bool job_type_allows_late_merge(JobType t) {
        return t != JOB_RELOAD;
}

JobInstallAction job_install_action(JobType installed, bool running, JobType t, ActiveState s, JobType *ret_type) {
        JobType merged = installed;

        if (installed == JOB_NONE) {
                *ret_type = t;
                return JOB_INSTALL_NEW;
        }
        if (job_type_is_conflicting(installed, t)) {
                *ret_type = t;
                return JOB_INSTALL_REPLACE;
        }
        if (t != JOB_NOP && installed != JOB_NOP)
                (void) job_type_merge_and_collapse(&merged, t, s);
        *ret_type = merged;
        if (!running || (job_type_allows_late_merge(t) && job_type_is_superset(installed, t)))
                return JOB_INSTALL_MERGE;
        return JOB_INSTALL_RERUN;
}

static const char *const job_result_names[_JOB_RESULT_MAX] = {
        [JOB_DONE] = "done",
        [JOB_CANCELED] = "canceled",
        [JOB_TIMEOUT] = "timeout",
        [JOB_FAILED] = "failed",
        [JOB_DEPENDENCY] = "dependency",
        [JOB_SKIPPED] = "skipped",
        [JOB_INVALID_RESULT] = "invalid",
};

const char *job_result_to_string(JobResult r) {
        return r >= 0 && r < _JOB_RESULT_MAX ? job_result_names[r] : "?";
}

static const char *const unit_result_names[_RESULT_MAX] = {
        [RESULT_SUCCESS] = "success",
        [RESULT_RESOURCES] = "resources",
        [RESULT_TIMEOUT] = "timeout",
        [RESULT_EXIT_CODE] = "exit-code",
        [RESULT_SIGNAL] = "signal",
        [RESULT_CORE_DUMP] = "core-dump",
        [RESULT_WATCHDOG] = "watchdog",
        [RESULT_START_LIMIT_HIT] = "start-limit-hit",
        [RESULT_CONDITION] = "condition",
        [RESULT_ASSERT] = "assert",
        [RESULT_PROTOCOL] = "protocol",
        [RESULT_OOM_KILL] = "oom-kill",
        [RESULT_TRIGGER_LIMIT_HIT] = "trigger-limit-hit",
        [RESULT_UNIT_START_LIMIT_HIT] = "unit-start-limit-hit",
        [RESULT_SERVICE_START_LIMIT_HIT] = "service-start-limit-hit",
};

const char *unit_result_to_string(UnitResult r) {
        return r >= 0 && r < _RESULT_MAX ? unit_result_names[r] : "?";
}
