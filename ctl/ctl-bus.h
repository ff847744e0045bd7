/* SPDX-License-Identifier: MIT */
/* Internal: shared by the D-Bus verbs in ctl-bus.c and ctl-unit-files.c. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ctl/ctl.h"

#define DEST "org.freedesktop.systemd1"
#define MGR_PATH "/org/freedesktop/systemd1"
#define MGR_IFACE "org.freedesktop.systemd1.Manager"
#define UNIT_IFACE "org.freedesktop.systemd1.Unit"

#define ERR_NO_SUCH_UNIT "org.freedesktop.systemd1.NoSuchUnit"
#define ERR_UNIT_MASKED "org.freedesktop.systemd1.UnitMasked"
#define ERR_JOB_TYPE_NOT_APPLICABLE "org.freedesktop.systemd1.JobTypeNotApplicable"
#define ERR_LOAD_FAILED "org.freedesktop.systemd1.LoadFailed"
#define ERR_ONLY_BY_DEPENDENCY "org.freedesktop.systemd1.OnlyByDependency"
#define ERR_NO_ISOLATION "org.freedesktop.systemd1.NoIsolation"
#define ERR_TRANSACTION_IS_DESTRUCTIVE "org.freedesktop.systemd1.TransactionIsDestructive"

typedef struct UnitInfo {
        const char *id, *description, *load_state, *active_state, *sub_state, *following, *unit_path;
        uint32_t job_id;
        const char *job_type, *job_path;
} UnitInfo;

const char *ctl_bus_error_message(const sd_bus_error *e, int r);
int ctl_call(Ctl *c, const char *path, const char *iface, const char *member, sd_bus_error *e, sd_bus_message **reply, const char *types, ...);
int ctl_get_property_strv(Ctl *c, const char *path, const char *iface, const char *prop, char ***ret);
int ctl_list_units(Ctl *c, char **states, char **patterns, sd_bus_message **reply, UnitInfo **ret, size_t *ret_n);
