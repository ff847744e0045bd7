/* SPDX-License-Identifier: MIT */
/* What the Unit's storage (unit.h) needs besides its types: the names of its enums (load states,
 * dependency kinds), the exec and cgroup settings of a unit that sets none and the allocation of
 * its exec settings. The Unit's life cycle is unit-life.c. */
#include "unit.h"

#include <stdlib.h>

static const char *const load_state_table[_UNIT_LOAD_STATE_MAX] = {
        [UNIT_STUB] = "stub",           [UNIT_LOADED] = "loaded", [UNIT_NOT_FOUND] = "not-found",
        [UNIT_BAD_SETTING] = "bad-setting", [UNIT_ERROR] = "error", [UNIT_MASKED] = "masked",
};

const char *unit_load_state_to_string(UnitLoadState s) {
        return s < _UNIT_LOAD_STATE_MAX ? load_state_table[s] : NULL;
}

static const char *const dependency_table[_UNIT_DEPENDENCY_MAX] = {
        [UNIT_REQUIRES] = "Requires",
        [UNIT_REQUISITE] = "Requisite",
        [UNIT_WANTS] = "Wants",
        [UNIT_BINDS_TO] = "BindsTo",
        [UNIT_PART_OF] = "PartOf",
        [UNIT_UPHOLDS] = "Upholds",
        [UNIT_CONFLICTS] = "Conflicts",
        [UNIT_BEFORE] = "Before",
        [UNIT_AFTER] = "After",
        [UNIT_ON_FAILURE] = "OnFailure",
        [UNIT_ON_SUCCESS] = "OnSuccess",
        [UNIT_PROPAGATES_RELOAD_TO] = "PropagatesReloadTo",
        [UNIT_RELOAD_PROPAGATED_FROM] = "ReloadPropagatedFrom",
        [UNIT_PROPAGATES_STOP_TO] = "PropagatesStopTo",
        [UNIT_STOP_PROPAGATED_FROM] = "StopPropagatedFrom",
        [UNIT_JOINS_NAMESPACE_OF] = "JoinsNamespaceOf",
        [UNIT_TRIGGERS] = "Triggers",
};

const char *unit_dependency_to_string(UnitDependency d) {
        return d < _UNIT_DEPENDENCY_MAX ? dependency_table[d] : NULL;
}

const ExecSettings unit_exec_unset = {
        .umask = 0022,
        .cpu_scheduling_policy = -1, .io_scheduling_class = -1,
        .no_new_privileges = -1, .ignore_sigpipe = -1,
        .standard_input = -1, .standard_output = -1, .standard_error = -1,
        .syslog_level_prefix = -1, .tty_reset = -1, .tty_vhangup = -1, .tty_vt_disallocate = -1,
        .runtime_directory_mode = 0755, .state_directory_mode = 0755, .cache_directory_mode = 0755,
        .logs_directory_mode = 0755, .configuration_directory_mode = 0755,
        .runtime_directory_preserve = -1,
};

ExecSettings *unit_exec_alloc(Unit *u) {
        if (!u->exec) {
                u->exec = malloc(sizeof(ExecSettings));
                if (u->exec)
                        *u->exec = unit_exec_unset;
        }
        return u->exec;
}

const CGroupSettings unit_cgroup_unset = {
        .cpu_accounting = -1, .memory_accounting = -1, .io_accounting = -1, .tasks_accounting = -1,
};
