/* SPDX-License-Identifier: MIT */
/* The per-type table of the unit model, see unit-type-info.h. The contexts and sections follow
 * systemd 252's unit vtables (src/core/service.c, socket.c, ...: exec_context_offset,
 * kill_context_offset, cgroup_context_offset, sections); the hooks are written beside the code
 * they belong to (unit-defaults.c, unit-properties.c, unit.c). */
#include "unit-type-info.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "sdu-util.h"
#include "unit-defaults-internal.h"

#define EXEC_LIST(key, field) { key, offsetof(Unit, field) }

static const UnitExecListInfo service_exec_lists[] = {
        EXEC_LIST("ExecCondition", service.exec_condition),
        EXEC_LIST("ExecStartPre", service.exec_start_pre),
        EXEC_LIST("ExecStart", service.exec_start),
        EXEC_LIST("ExecStartPost", service.exec_start_post),
        EXEC_LIST("ExecReload", service.exec_reload),
        EXEC_LIST("ExecStop", service.exec_stop),
        EXEC_LIST("ExecStopPost", service.exec_stop_post),
        {},
};

static const UnitExecListInfo socket_exec_lists[] = {
        EXEC_LIST("ExecStartPre", socket.exec_start_pre),
        EXEC_LIST("ExecStartPost", socket.exec_start_post),
        EXEC_LIST("ExecStopPre", socket.exec_stop_pre),
        EXEC_LIST("ExecStopPost", socket.exec_stop_post),
        {},
};

static const UnitTypeInfo unit_type_infos[_UNIT_TYPE_MAX] = {
        [UNIT_SERVICE] = {
                .may_alias = true, .may_template = true,
                .section = "Service", .own = UNIT_OWN_SERVICE,
                .exec = true, .kill = true, .cgroup = true, .install = true, .from_file = true,
                .fix_stdio = true,
                .slice = SLICE_FROM_SETTING,
                .keyring_mode = "private",
                .exec_lists = service_exec_lists,
                .default_deps = udef_service_default_deps,
                .apply_defaults = udef_service_apply_defaults,
                .verify = unit_verify_service,
        },
        [UNIT_SOCKET] = {
                .may_alias = true, .may_template = true,
                .section = "Socket", .own = UNIT_OWN_SOCKET,
                .exec = true, .kill = true, .cgroup = true, .install = true, .from_file = true,
                .exec_deps_need_commands = true,
                .verify_triggered_loaded = true,
                .slice = SLICE_FROM_SETTING,
                .keyring_mode = "shared",
                .trigger_setting = offsetof(Unit, socket.service),
                .collect_target = "sockets.target",
                .exec_lists = socket_exec_lists,
                .default_deps = udef_trigger_default_deps,
                .apply_defaults = udef_socket_apply_defaults,
                .verify = unit_verify_socket,
        },
        [UNIT_TARGET] = {
                .may_alias = true, .may_template = true,
                .install = true, .from_file = true,
                .default_deps = udef_target_default_deps,
        },
        [UNIT_DEVICE] = {
                .install = true,
        },
        [UNIT_MOUNT] = {
                .section = "Mount", .own = UNIT_OWN_MOUNT,
                .exec = true, .kill = true, .cgroup = true, .install = true, .from_file = true,
                .ignore_on_isolate = true,
                .slice = SLICE_FROM_SETTING,
                .keyring_mode = "shared",
                .verify_note = "mount units are not run by sdinit yet (the container's mounts are the runtime's)",
                .default_deps = udef_mount_default_deps,
                .device_deps = udef_mount_device_deps,
                .default_description = udef_mount_description,
                .verify = unit_verify_mount,
        },
        [UNIT_AUTOMOUNT] = {
                .section = "Automount",
                .install = true, .from_file = true,
                .ignore_on_isolate = true,
        },
        [UNIT_SWAP] = {
                .section = "Swap",
                .exec = true, .kill = true, .cgroup = true, .install = true, .from_file = true,
                .ignore_on_isolate = true,
                .slice = SLICE_FROM_SETTING,
                .keyring_mode = "shared",
        },
        [UNIT_TIMER] = {
                .may_alias = true, .may_template = true,
                .section = "Timer", .own = UNIT_OWN_TIMER,
                .install = true, .from_file = true,
                .trigger_setting = offsetof(Unit, timer.unit),
                .collect_target = "timers.target",
                .default_deps = udef_timer_default_deps,
                .verify = unit_verify_timer,
        },
        [UNIT_PATH] = {
                .may_alias = true, .may_template = true,
                .section = "Path", .own = UNIT_OWN_PATH,
                .install = true, .from_file = true,
                .trigger_setting = offsetof(Unit, path.unit),
                .collect_target = "paths.target",
                .default_deps = udef_trigger_default_deps,
                .verify = unit_verify_path,
        },
        [UNIT_SLICE] = {
                .section = "Slice",
                .cgroup = true, .install = true, .from_file = true,
                .ignore_on_isolate = true,
                .slice = SLICE_PARENT_BY_NAME,
                .default_deps = udef_slice_default_deps,
                .default_description = udef_slice_description,
        },
        [UNIT_SCOPE] = {
                .section = "Scope",
                .kill = true, .cgroup = true,
                .ignore_on_isolate = true,
        },
};

const UnitTypeInfo *unit_type_info(UnitType t) {
        static const UnitTypeInfo none = {};

        return t >= 0 && t < _UNIT_TYPE_MAX ? unit_type_infos + t : &none;
}

const ServiceSettings *unit_service(const Unit *u) {
        return unit_type_info(u->type)->own == UNIT_OWN_SERVICE ? &u->service : NULL;
}

const SocketSettings *unit_socket(const Unit *u) {
        return unit_type_info(u->type)->own == UNIT_OWN_SOCKET ? &u->socket : NULL;
}

int unit_trigger_target(const Unit *u, const char *accept_instance, char **ret) {
        size_t off = unit_type_info(u->type)->trigger_setting;
        const char *set = off ? *(char *const *) ((const char *) u + off) : NULL;
        const SocketSettings *sock = unit_socket(u);
        bool accept = sock && sock->accept > 0; /* only sockets have Accept= */
        char *prefix = NULL;
        int r;

        *ret = NULL;
        if (!off || (accept && !accept_instance))
                return 0;
        if (set && !accept)
                return (*ret = strdup(set)) ? 0 : -ENOMEM;
        r = unit_name_to_id_prefix(u->id, &prefix);
        if (r < 0)
                return r == -ENOMEM ? r : 0;
        *ret = accept ? sdu_asprintf("%s@%s.service", prefix, accept_instance) : sdu_strjoin3(prefix, ".service", NULL);
        free(prefix);
        return *ret ? 0 : -ENOMEM;
}
