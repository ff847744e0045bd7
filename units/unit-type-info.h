/* SPDX-License-Identifier: MIT */
/* What the unit model knows per unit type, in one table (unit-type-info.c), as systemd's
 * UnitVTable (src/core/unit.h) says per type which contexts it has, its section name and its
 * hooks: units/ code reads the row of a unit's type instead of asking which type it is. Every
 * hook may be NULL (the type has nothing to do there). The manager's own per-type table (start,
 * stop, ...) is service/unit-vtable.h. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "unit-defaults.h"
#include "unit.h"

/* Where a unit's cgroup goes (unit_effective_slice()). */
typedef enum UnitSliceRule {
        SLICE_NONE,     /* no cgroup, or one placed by whoever made it (scopes) */
        SLICE_FROM_SETTING,  /* Slice=, else system.slice (system-PREFIX.slice for instances) */
        SLICE_PARENT_BY_NAME,   /* slices: the parent named by the prefix (a-b.slice in a.slice) */
} UnitSliceRule;

/* One list of commands of a type: its key in the type's section and its field. */
typedef struct UnitExecListInfo {
        const char *key;
        size_t offset; /* offsetof(Unit, ...) of an ExecCommandList */
} UnitExecListInfo;

/* unit-defaults.c's state while it collects implicit dependencies. */
typedef struct UnitDepCtx UnitDepCtx;

/* Which member of Unit's union of type sections (unit.h) a type fills. */
typedef enum UnitOwnSettings {
        UNIT_OWN_NONE,
        UNIT_OWN_SERVICE,
        UNIT_OWN_SOCKET,
        UNIT_OWN_TIMER,
        UNIT_OWN_PATH,
        UNIT_OWN_MOUNT,
} UnitOwnSettings;

typedef struct UnitTypeInfo {
        /* The type's own section ("Service"), NULL when it has none (target, device). */
        const char *section;
        /* Its settings in Unit's union (its rows of the directive table write there). */
        UnitOwnSettings own;
        /* systemd's exec, kill and cgroup contexts: the @exec, @kill and @cgroup rows apply. */
        bool exec, kill, cgroup;
        /* [Install] is known (scopes are made at run time and cannot be enabled). */
        bool install;
        /* Loaded from unit files (devices and scopes are made by the manager). */
        bool from_file;
        /* systemctl enable may link it under another name (Alias=), or as a template instance
         * (systemd's unit_type_may_alias() and unit_type_may_template()). */
        bool may_alias, may_template;
        /* IgnoreOnIsolate= default. */
        bool ignore_on_isolate;
        /* systemd's service_fix_stdio(): StandardInputText= reads as "data", an inherited stdout
         * goes to the journal unless stdin is bidirectional. */
        bool fix_stdio;
        /* The exec dependencies (journald, tmp.mount, ...) only when the unit has commands
         * (sockets: ExecStartPre= and friends are optional). */
        bool exec_deps_need_commands;
        /* systemd-analyze verify refuses the unit when the unit it starts cannot be loaded. */
        bool verify_triggered_loaded;
        UnitSliceRule slice;
        /* KeyringMode= default ("private" for services, systemd.exec(5)). */
        const char *keyring_mode;
        /* Trigger units: offsetof(Unit, ...) of the Unit=/Service= naming the unit started, and
         * the target collecting units of the type (Before= it by default); 0/NULL otherwise. */
        size_t trigger_setting;
        const char *collect_target;
        /* The lists of commands, in systemd's order; NULL key ends it. NULL: none. */
        const UnitExecListInfo *exec_lists;
        /* A line `sdinit verify` prints for every unit of the type (what sdinit does not run). */
        const char *verify_note;

        /* DefaultDependencies=yes: the dependencies it adds (unit-defaults.c). */
        int (*default_deps)(UnitDepCtx *c, UnitLookupFn lookup, void *userdata);
        /* The dependencies on the device a unit uses (mounts of /dev/...). */
        int (*device_deps)(UnitDepCtx *c);
        /* The type's defaults that depend on other settings, after the table's (unit-properties.c). */
        void (*apply_defaults)(Unit *u);
        /* Description= when unset; NULL: the unit's name. Caller frees. */
        char *(*default_description)(const Unit *u);
        /* unit_verify()'s checks of a loaded unit (unit.c). */
        int (*verify)(Unit *u, const UnitDiagSink *diag);
} UnitTypeInfo;

/* The row of type t; an empty row (all false/NULL) for an invalid type. */
const UnitTypeInfo *unit_type_info(UnitType t);

/* A unit's [Service] or [Socket] settings, NULL for a unit of another type (whose union member
 * the same bytes are). */
const ServiceSettings *unit_service(const Unit *u);
const SocketSettings *unit_socket(const Unit *u);

/* The unit a trigger unit (socket, timer, path) starts: its Unit=/Service=, else the service of
 * the same name. An Accept=yes socket starts an instance per connection: the instance
 * accept_instance of its template ("x@internal.service"), or nothing when accept_instance is
 * NULL. *ret NULL for other units. Returns 0 or -ENOMEM. */
int unit_trigger_target(const Unit *u, const char *accept_instance, char **ret);
