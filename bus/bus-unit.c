/* SPDX-License-Identifier: MIT */
/* Unit and job objects: org.freedesktop.systemd1.Unit, .Service, .Socket, .Timer, .Path, .Target and .Job, with
 * the properties systemctl status/show read (names and types of org.freedesktop.systemd1(5)). */
#include "bus/bus-internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common/defaults.h"
#include "install/install.h"
#include "service/service.h"
#include "service/timer.h"
#include "units/unit-directives.h"
#include "units/unit-name.h"

#define UNSET UINT64_MAX

MUnit *bus_load_unit(BusServer *s, const char *name, sd_bus_error *error) {
        MUnit *u = manager_get_unit(s->m, name);
        int r;

        if (u)
                return u;
        if (!unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
                sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Unit name %s is not valid.", name);
                return NULL;
        }
        r = manager_load_unit(s->m, name, &u);
        if (r < 0) {
                sd_bus_error_setf(error, BUS_ERROR_LOAD_FAILED, "Unit %s failed to load: %s", name, strerror(-r));
                return NULL;
        }
        return u;
}

static UnitType munit_type(MUnit *u) {
        return u->u ? u->u->type : unit_name_to_type(u->id);
}

static const char *load_state(MUnit *u) {
        if (!u->u)
                return "not-found";
        return unit_load_state_to_string(u->u->load_state);
}

/* ---- unit file state -------------------------------------------------------------------------- */

const char *bus_unit_file_state(MUnit *u) {
        InstallState st;

        if (u->u && u->u->fragment_path && strncmp(u->u->fragment_path, "sdinit-builtin:", 15) == 0)
                return "static"; /* a standard target sdinit provides: no file to enable */
        return install_get_state(NULL, u->id, &st) < 0 ? "" : install_state_to_string(st);
}
/* ---- property helpers ------------------------------------------------------------------------- */

#define PROP(name, sig, fn) SD_BUS_PROPERTY(name, sig, fn, 0, SD_BUS_VTABLE_PROPERTY_CONST)
#define PROP_CHANGE(name, sig, fn) SD_BUS_PROPERTY(name, sig, fn, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE)
#define PROP_DYN(name, sig, fn) SD_BUS_PROPERTY(name, sig, fn, 0, 0)

static int append_strv(sd_bus_message *reply, char *const *v) {
        int r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t i = 0; r >= 0 && v && v[i]; i++)
                r = sd_bus_message_append(reply, "s", v[i]);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int append_units(sd_bus_message *reply, MUnit **v, size_t n) {
        int r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(reply, "s", v[i]->id);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

static const struct {
        const char *name;
        UnitDependency dep;
} dep_props[] = {
        { "Requires", UNIT_REQUIRES }, { "Requisite", UNIT_REQUISITE }, { "Wants", UNIT_WANTS },
        { "BindsTo", UNIT_BINDS_TO }, { "PartOf", UNIT_PART_OF }, { "Upholds", UNIT_UPHOLDS },
        { "Conflicts", UNIT_CONFLICTS }, { "Before", UNIT_BEFORE }, { "After", UNIT_AFTER },
        { "OnFailure", UNIT_ON_FAILURE }, { "OnSuccess", UNIT_ON_SUCCESS }, { "Triggers", UNIT_TRIGGERS },
        { "PropagatesReloadTo", UNIT_PROPAGATES_RELOAD_TO }, { "ReloadPropagatedFrom", UNIT_RELOAD_PROPAGATED_FROM },
        { "PropagatesStopTo", UNIT_PROPAGATES_STOP_TO }, { "StopPropagatedFrom", UNIT_STOP_PROPAGATED_FROM },
        { "JoinsNamespaceOf", UNIT_JOINS_NAMESPACE_OF },
};

/* Reverse edges systemctl shows: RequiredBy=, WantedBy=, ... */
static const struct {
        const char *name;
        UnitDependency dep;
} rdep_props[] = {
        { "RequiredBy", UNIT_REQUIRES }, { "RequisiteOf", UNIT_REQUISITE }, { "WantedBy", UNIT_WANTS },
        { "BoundBy", UNIT_BINDS_TO }, { "ConsistsOf", UNIT_PART_OF }, { "UpheldBy", UNIT_UPHOLDS },
        { "ConflictedBy", UNIT_CONFLICTS }, { "OnFailureOf", UNIT_ON_FAILURE }, { "OnSuccessOf", UNIT_ON_SUCCESS },
        { "TriggeredBy", UNIT_TRIGGERS },
};

static bool need_daemon_reload(MUnit *u) {
        struct stat st;

        if (!u->u || !u->u->fragment_path || u->u->fragment_path[0] != '/')
                return false;
        if (stat(u->u->fragment_path, &st) == 0 &&
            (uint64_t) st.st_mtim.tv_sec * 1000000 + (uint64_t) st.st_mtim.tv_nsec / 1000 > u->load_realtime)
                return true;
        for (size_t i = 0; u->u->dropin_paths && u->u->dropin_paths[i]; i++)
                if (stat(u->u->dropin_paths[i], &st) < 0 ||
                    (uint64_t) st.st_mtim.tv_sec * 1000000 + (uint64_t) st.st_mtim.tv_nsec / 1000 > u->load_realtime)
                        return true;
        return false;
}


static const char *enum_name(UnitDirectiveId id, int v, const char *dflt) {
        const char *const *names = unit_enum_values(id);
        if (v < 0 || !names)
                return dflt;
        for (int i = 0; names[i]; i++)
                if (i == v)
                        return names[i];
        return dflt;
}

static int append_conditions(sd_bus_message *reply, const ConditionList *l, const char *prefix) {
        int r = sd_bus_message_open_container(reply, 'a', "(sbbsi)");
        for (size_t i = 0; r >= 0 && l && i < l->n; i++) {
                char type[128];
                snprintf(type, sizeof(type), "%s%s", prefix, l->items[i].type);
                r = sd_bus_message_append(reply, "(sbbsi)", type, (int) l->items[i].trigger, (int) l->items[i].negate,
                                          l->items[i].parameter ? l->items[i].parameter : "", 0);
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int unit_property(sd_bus *bus, const char *path, const char *iface, const char *p, sd_bus_message *reply,
                         void *userdata, sd_bus_error *error) {
        MUnit *u = userdata;
        Unit *f = u->u;

        (void) bus, (void) path, (void) iface, (void) error;
        for (size_t i = 0; i < sizeof(dep_props) / sizeof(dep_props[0]); i++)
                if (strcmp(p, dep_props[i].name) == 0)
                        return append_units(reply, u->deps[dep_props[i].dep], u->n_deps[dep_props[i].dep]);
        for (size_t i = 0; i < sizeof(rdep_props) / sizeof(rdep_props[0]); i++)
                if (strcmp(p, rdep_props[i].name) == 0) {
                        int r = sd_bus_message_open_container(reply, 'a', "s");
                        for (size_t k = 0; r >= 0 && k < u->m->n_units; k++) {
                                MUnit *x = u->m->units[k];
                                for (size_t j = 0; j < x->n_deps[rdep_props[i].dep]; j++)
                                        if (x->deps[rdep_props[i].dep][j] == u) {
                                                r = sd_bus_message_append(reply, "s", x->id);
                                                break;
                                        }
                        }
                        return r < 0 ? r : sd_bus_message_close_container(reply);
                }
        if (strcmp(p, "Id") == 0)
                return sd_bus_message_append(reply, "s", u->id);
        if (strcmp(p, "Names") == 0) {
                if (f && f->names)
                        return append_strv(reply, f->names);
                return sd_bus_message_append(reply, "as", 1, u->id);
        }
        if (strcmp(p, "Following") == 0)
                return sd_bus_message_append(reply, "s", "");
        if (strcmp(p, "Description") == 0)
                return sd_bus_message_append(reply, "s", f && f->unit.description ? f->unit.description : u->id);
        if (strcmp(p, "Documentation") == 0)
                return append_strv(reply, f ? f->unit.documentation : NULL);
        if (strcmp(p, "LoadState") == 0)
                return sd_bus_message_append(reply, "s", load_state(u));
        if (strcmp(p, "ActiveState") == 0)
                return sd_bus_message_append(reply, "s", active_state_to_string(u->active));
        if (strcmp(p, "FreezerState") == 0)
                return sd_bus_message_append(reply, "s", "running");
        if (strcmp(p, "SubState") == 0)
                return sd_bus_message_append(reply, "s", munit_sub_state_string(u));
        if (strcmp(p, "FragmentPath") == 0)
                return sd_bus_message_append(reply, "s", f && f->fragment_path && f->fragment_path[0] == '/' ? f->fragment_path : "");
        if (strcmp(p, "SourcePath") == 0)
                return sd_bus_message_append(reply, "s", f && f->unit.source_path ? f->unit.source_path : "");
        if (strcmp(p, "DropInPaths") == 0)
                return append_strv(reply, f ? f->dropin_paths : NULL);
        if (strcmp(p, "UnitFileState") == 0)
                return sd_bus_message_append(reply, "s", bus_unit_file_state(u));
        if (strcmp(p, "UnitFilePreset") == 0)
                return sd_bus_message_append(reply, "s", "");
#define TS(prop, field)                                                                                     \
        if (strcmp(p, prop "Timestamp") == 0)                                                               \
                return sd_bus_message_append(reply, "t", u->field.realtime);                                \
        if (strcmp(p, prop "TimestampMonotonic") == 0)                                                      \
                return sd_bus_message_append(reply, "t", u->field.monotonic);
        TS("StateChange", ts_state_change)
        TS("InactiveExit", ts_inactive_exit)
        TS("ActiveEnter", ts_active_enter)
        TS("ActiveExit", ts_active_exit)
        TS("InactiveEnter", ts_inactive_enter)
        TS("Condition", ts_condition)
        TS("Assert", ts_condition)
#undef TS
        if (strcmp(p, "CanStart") == 0)
                return sd_bus_message_append(reply, "b", (int) (f && f->load_state == UNIT_LOADED && f->unit.refuse_manual_start <= 0 &&
                                                                munit_type(u) != UNIT_DEVICE));
        if (strcmp(p, "CanStop") == 0)
                return sd_bus_message_append(reply, "b", (int) (f && f->unit.refuse_manual_stop <= 0));
        if (strcmp(p, "CanReload") == 0)
                return sd_bus_message_append(reply, "b", (int) (munit_type(u) == UNIT_SERVICE ? service_can_reload(u) : false));
        if (strcmp(p, "CanIsolate") == 0)
                return sd_bus_message_append(reply, "b", (int) (f && f->unit.allow_isolate > 0));
        if (strcmp(p, "CanFreeze") == 0 || strcmp(p, "CanClean") == 0 || strcmp(p, "Transient") == 0 ||
            strcmp(p, "Perpetual") == 0 || strcmp(p, "IgnoreOnIsolate") == 0)
                return sd_bus_message_append(reply, "b", 0);
        if (strcmp(p, "Job") == 0) {
                char *jp = u->job != JOB_NONE ? bus_job_path(u->job_id) : NULL;
                int r = sd_bus_message_append(reply, "(uo)", u->job != JOB_NONE ? u->job_id : 0, jp ? jp : "/");
                free(jp);
                return r;
        }
        if (strcmp(p, "StopWhenUnneeded") == 0)
                return sd_bus_message_append(reply, "b", (int) (f && f->unit.stop_when_unneeded > 0));
        if (strcmp(p, "RefuseManualStart") == 0)
                return sd_bus_message_append(reply, "b", (int) (f && f->unit.refuse_manual_start > 0));
        if (strcmp(p, "RefuseManualStop") == 0)
                return sd_bus_message_append(reply, "b", (int) (f && f->unit.refuse_manual_stop > 0));
        if (strcmp(p, "AllowIsolate") == 0)
                return sd_bus_message_append(reply, "b", (int) (f && f->unit.allow_isolate > 0));
        if (strcmp(p, "DefaultDependencies") == 0)
                return sd_bus_message_append(reply, "b", (int) (!f || f->unit.default_dependencies != 0));
        if (strcmp(p, "NeedDaemonReload") == 0)
                return sd_bus_message_append(reply, "b", (int) need_daemon_reload(u));
        if (strcmp(p, "JobTimeoutUSec") == 0 || strcmp(p, "JobRunningTimeoutUSec") == 0)
                return sd_bus_message_append(reply, "t", UNSET);
        if (strcmp(p, "ConditionResult") == 0 || strcmp(p, "AssertResult") == 0)
                return sd_bus_message_append(reply, "b", (int) (u->ts_condition.monotonic ? u->condition_result : true));
        if (strcmp(p, "Conditions") == 0)
                return append_conditions(reply, f ? &f->unit.conditions : NULL, "Condition");
        if (strcmp(p, "Asserts") == 0)
                return append_conditions(reply, f ? &f->unit.asserts : NULL, "Assert");
        if (strcmp(p, "LoadError") == 0) {
                char msg[UNIT_NAME_MAX + 64];
                if (!f || f->load_state == UNIT_NOT_FOUND) {
                        snprintf(msg, sizeof(msg), "Unit %s not found.", u->id);
                        return sd_bus_message_append(reply, "(ss)", BUS_ERROR_NO_SUCH_UNIT, msg);
                }
                if (f->load_state == UNIT_MASKED) {
                        snprintf(msg, sizeof(msg), "Unit %s is masked.", u->id);
                        return sd_bus_message_append(reply, "(ss)", BUS_ERROR_UNIT_MASKED, msg);
                }
                if (f->load_state == UNIT_BAD_SETTING) {
                        snprintf(msg, sizeof(msg), "Unit %s has a bad unit file setting.", u->id);
                        return sd_bus_message_append(reply, "(ss)", BUS_ERROR_BAD_UNIT_SETTING, msg);
                }
                return sd_bus_message_append(reply, "(ss)", "", "");
        }
        if (strcmp(p, "InvocationID") == 0) {
                uint8_t id[16] = {};
                for (size_t i = 0; i < 16 && u->invocation_id[2 * i] && u->invocation_id[2 * i + 1]; i++) {
                        unsigned v;
                        if (sscanf(u->invocation_id + 2 * i, "%2x", &v) == 1)
                                id[i] = (uint8_t) v;
                }
                return sd_bus_message_append_array(reply, 'y', id, u->invocation_id[0] ? 16 : 0);
        }
        if (strcmp(p, "CollectMode") == 0)
                return sd_bus_message_append(reply, "s", "inactive");
        if (strcmp(p, "FailureAction") == 0)
                return sd_bus_message_append(reply, "s", enum_name(UD_UNIT_FAILURE_ACTION, f ? f->unit.failure_action : 0, "none"));
        if (strcmp(p, "SuccessAction") == 0)
                return sd_bus_message_append(reply, "s", enum_name(UD_UNIT_SUCCESS_ACTION, f ? f->unit.success_action : 0, "none"));
        if (strcmp(p, "StartLimitIntervalUSec") == 0)
                return sd_bus_message_append(reply, "t", f ? f->unit.start_limit_interval_usec : (uint64_t) 10000000);
        if (strcmp(p, "StartLimitBurst") == 0)
                return sd_bus_message_append(reply, "u", (uint32_t) (f ? f->unit.start_limit_burst : 5));
        return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s", p);
}

static const sd_bus_vtable unit_vtable[] = {
        SD_BUS_VTABLE_START(0),
        PROP("Id", "s", unit_property),
        PROP_DYN("Names", "as", unit_property),
        PROP("Following", "s", unit_property),
        PROP_DYN("Requires", "as", unit_property),
        PROP_DYN("Requisite", "as", unit_property),
        PROP_DYN("Wants", "as", unit_property),
        PROP_DYN("BindsTo", "as", unit_property),
        PROP_DYN("PartOf", "as", unit_property),
        PROP_DYN("Upholds", "as", unit_property),
        PROP_DYN("RequiredBy", "as", unit_property),
        PROP_DYN("RequisiteOf", "as", unit_property),
        PROP_DYN("WantedBy", "as", unit_property),
        PROP_DYN("BoundBy", "as", unit_property),
        PROP_DYN("UpheldBy", "as", unit_property),
        PROP_DYN("ConsistsOf", "as", unit_property),
        PROP_DYN("Conflicts", "as", unit_property),
        PROP_DYN("ConflictedBy", "as", unit_property),
        PROP_DYN("Before", "as", unit_property),
        PROP_DYN("After", "as", unit_property),
        PROP_DYN("OnSuccess", "as", unit_property),
        PROP_DYN("OnSuccessOf", "as", unit_property),
        PROP_DYN("OnFailure", "as", unit_property),
        PROP_DYN("OnFailureOf", "as", unit_property),
        PROP_DYN("Triggers", "as", unit_property),
        PROP_DYN("TriggeredBy", "as", unit_property),
        PROP_DYN("PropagatesReloadTo", "as", unit_property),
        PROP_DYN("ReloadPropagatedFrom", "as", unit_property),
        PROP_DYN("PropagatesStopTo", "as", unit_property),
        PROP_DYN("StopPropagatedFrom", "as", unit_property),
        PROP_DYN("JoinsNamespaceOf", "as", unit_property),
        PROP_DYN("Documentation", "as", unit_property),
        PROP_DYN("Description", "s", unit_property),
        PROP_DYN("LoadState", "s", unit_property),
        PROP_CHANGE("ActiveState", "s", unit_property),
        PROP_DYN("FreezerState", "s", unit_property),
        PROP_CHANGE("SubState", "s", unit_property),
        PROP_DYN("FragmentPath", "s", unit_property),
        PROP_DYN("SourcePath", "s", unit_property),
        PROP_DYN("DropInPaths", "as", unit_property),
        PROP_DYN("UnitFileState", "s", unit_property),
        PROP_DYN("UnitFilePreset", "s", unit_property),
        PROP_DYN("StateChangeTimestamp", "t", unit_property),
        PROP_DYN("StateChangeTimestampMonotonic", "t", unit_property),
        PROP_DYN("InactiveExitTimestamp", "t", unit_property),
        PROP_DYN("InactiveExitTimestampMonotonic", "t", unit_property),
        PROP_DYN("ActiveEnterTimestamp", "t", unit_property),
        PROP_DYN("ActiveEnterTimestampMonotonic", "t", unit_property),
        PROP_DYN("ActiveExitTimestamp", "t", unit_property),
        PROP_DYN("ActiveExitTimestampMonotonic", "t", unit_property),
        PROP_DYN("InactiveEnterTimestamp", "t", unit_property),
        PROP_DYN("InactiveEnterTimestampMonotonic", "t", unit_property),
        PROP_DYN("CanStart", "b", unit_property),
        PROP_DYN("CanStop", "b", unit_property),
        PROP_DYN("CanReload", "b", unit_property),
        PROP_DYN("CanIsolate", "b", unit_property),
        PROP_DYN("CanClean", "b", unit_property),
        PROP_DYN("CanFreeze", "b", unit_property),
        PROP_DYN("Job", "(uo)", unit_property),
        PROP_DYN("StopWhenUnneeded", "b", unit_property),
        PROP_DYN("RefuseManualStart", "b", unit_property),
        PROP_DYN("RefuseManualStop", "b", unit_property),
        PROP_DYN("AllowIsolate", "b", unit_property),
        PROP_DYN("DefaultDependencies", "b", unit_property),
        PROP_DYN("IgnoreOnIsolate", "b", unit_property),
        PROP_DYN("NeedDaemonReload", "b", unit_property),
        PROP_DYN("JobTimeoutUSec", "t", unit_property),
        PROP_DYN("JobRunningTimeoutUSec", "t", unit_property),
        PROP_DYN("ConditionResult", "b", unit_property),
        PROP_DYN("AssertResult", "b", unit_property),
        PROP_DYN("ConditionTimestamp", "t", unit_property),
        PROP_DYN("ConditionTimestampMonotonic", "t", unit_property),
        PROP_DYN("AssertTimestamp", "t", unit_property),
        PROP_DYN("AssertTimestampMonotonic", "t", unit_property),
        PROP_DYN("Conditions", "a(sbbsi)", unit_property),
        PROP_DYN("Asserts", "a(sbbsi)", unit_property),
        PROP_DYN("LoadError", "(ss)", unit_property),
        PROP_DYN("Transient", "b", unit_property),
        PROP_DYN("Perpetual", "b", unit_property),
        PROP_DYN("StartLimitIntervalUSec", "t", unit_property),
        PROP_DYN("StartLimitBurst", "u", unit_property),
        PROP_DYN("FailureAction", "s", unit_property),
        PROP_DYN("SuccessAction", "s", unit_property),
        PROP_DYN("InvocationID", "ay", unit_property),
        PROP_DYN("CollectMode", "s", unit_property),
        SD_BUS_VTABLE_END,
};

/* ---- Service / Socket / Target ---------------------------------------------------------------- */

static int append_exec(sd_bus_message *reply, const ExecCommandList *l) {
        int r = sd_bus_message_open_container(reply, 'a', "(sasbttttuii)");
        for (size_t i = 0; r >= 0 && l && i < l->n; i++) {
                const ExecCommand *c = &l->items[i];
                r = sd_bus_message_open_container(reply, 'r', "sasbttttuii");
                if (r >= 0)
                        r = sd_bus_message_append(reply, "s", c->path);
                if (r >= 0)
                        r = append_strv(reply, c->argv);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "bttttuii", (int) ((c->flags & EXEC_COMMAND_IGNORE_FAILURE) != 0),
                                                  (uint64_t) 0, (uint64_t) 0, (uint64_t) 0, (uint64_t) 0, (uint32_t) 0, 0, 0);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}



static void cgroup_stats(MUnit *u, struct cg_stats *st) {
        st->memory_current = st->memory_peak = st->pids_current = st->cpu_usage_usec = UNSET;
        if (u->cgroup && cg_read_stats(&u->m->cg, u->cgroup, st) < 0)
                st->memory_current = st->memory_peak = st->pids_current = st->cpu_usage_usec = UNSET;
}

static int exec_property(MUnit *u, const char *p, sd_bus_message *reply, bool *handled) {
        Unit *f = u->u;
        struct cg_stats st;

        *handled = true;
        if (strcmp(p, "ControlGroup") == 0) {
                char buf[CG_PATH_MAX + 2] = "";
                if (u->cgroup) {
                        const char *own = u->m->cg.own_path;
                        snprintf(buf, sizeof(buf), "%s/%s", strcmp(own, "/") == 0 ? "" : own, u->cgroup);
                }
                return sd_bus_message_append(reply, "s", buf);
        }
        if (strcmp(p, "Slice") == 0) {
                char buf[CG_PATH_MAX];
                if (cg_unit_default_slice(u->id, buf, sizeof(buf)) < 0)
                        buf[0] = '\0';
                return sd_bus_message_append(reply, "s", f && f->cgroup.slice ? f->cgroup.slice : buf);
        }
        if (strcmp(p, "MemoryCurrent") == 0 || strcmp(p, "TasksCurrent") == 0 || strcmp(p, "CPUUsageNSec") == 0 ||
            strcmp(p, "MemoryPeak") == 0) {
                cgroup_stats(u, &st);
                if (strcmp(p, "MemoryCurrent") == 0)
                        return sd_bus_message_append(reply, "t", st.memory_current);
                if (strcmp(p, "MemoryPeak") == 0)
                        return sd_bus_message_append(reply, "t", st.memory_peak);
                if (strcmp(p, "TasksCurrent") == 0)
                        return sd_bus_message_append(reply, "t", st.pids_current);
                return sd_bus_message_append(reply, "t", st.cpu_usage_usec == UNSET ? UNSET : st.cpu_usage_usec * 1000);
        }
        if (strcmp(p, "MemoryAvailable") == 0 || strcmp(p, "IPIngressBytes") == 0 || strcmp(p, "IPEgressBytes") == 0 ||
            strcmp(p, "IPIngressPackets") == 0 || strcmp(p, "IPEgressPackets") == 0 || strcmp(p, "IOReadBytes") == 0 ||
            strcmp(p, "IOWriteBytes") == 0 || strcmp(p, "IOReadOperations") == 0 || strcmp(p, "IOWriteOperations") == 0)
                return sd_bus_message_append(reply, "t", UNSET);
        if (strcmp(p, "TasksMax") == 0)
                return sd_bus_message_append(reply, "t", f && f->cgroup.tasks_max.set && !f->cgroup.tasks_max.is_relative
                                                                 ? f->cgroup.tasks_max.value : UNSET);
        if (strcmp(p, "KillMode") == 0)
                return sd_bus_message_append(reply, "s", enum_name(UD_KILL_KILL_MODE, f ? f->kill.kill_mode : -1, "control-group"));
        if (strcmp(p, "KillSignal") == 0)
                return sd_bus_message_append(reply, "i", f && f->kill.kill_signal > 0 ? f->kill.kill_signal : SIGTERM);
        if (strcmp(p, "SendSIGKILL") == 0)
                return sd_bus_message_append(reply, "b", (int) (!f || f->kill.send_sigkill != 0));
        if (strcmp(p, "SendSIGHUP") == 0)
                return sd_bus_message_append(reply, "b", (int) (f && f->kill.send_sighup > 0));
        if (strcmp(p, "User") == 0)
                return sd_bus_message_append(reply, "s", f && f->exec.user ? f->exec.user : "");
        if (strcmp(p, "Group") == 0)
                return sd_bus_message_append(reply, "s", f && f->exec.group ? f->exec.group : "");
        if (strcmp(p, "WorkingDirectory") == 0)
                return sd_bus_message_append(reply, "s", f && f->exec.working_directory ? f->exec.working_directory : "");
        *handled = false;
        return 0;
}

static int service_property(sd_bus *bus, const char *path, const char *iface, const char *p, sd_bus_message *reply,
                            void *userdata, sd_bus_error *error) {
        MUnit *u = userdata;
        Unit *f = u->u;
        const ServiceSettings *s = f ? &f->service : NULL;
        bool handled;
        int r;

        (void) bus, (void) path, (void) iface;
        r = exec_property(u, p, reply, &handled);
        if (handled)
                return r;
        if (strcmp(p, "Type") == 0)
                return sd_bus_message_append(reply, "s", enum_name(UD_SERVICE_TYPE, s ? s->type : -1, "simple"));
        if (strcmp(p, "Restart") == 0)
                return sd_bus_message_append(reply, "s", enum_name(UD_SERVICE_RESTART, s ? s->restart : -1, "no"));
        if (strcmp(p, "NotifyAccess") == 0) {
                int a = s ? s->notify_access : -1;
                if (a < 0 && s)
                        a = s->type == SERVICE_NOTIFY || s->type == SERVICE_NOTIFY_RELOAD ? NOTIFY_MAIN : NOTIFY_NONE;
                return sd_bus_message_append(reply, "s", enum_name(UD_SERVICE_NOTIFY_ACCESS, a, "none"));
        }
        if (strcmp(p, "PIDFile") == 0)
                return sd_bus_message_append(reply, "s", s && s->pid_file ? s->pid_file : "");
        if (strcmp(p, "BusName") == 0)
                return sd_bus_message_append(reply, "s", s && s->bus_name ? s->bus_name : "");
        if (strcmp(p, "RestartUSec") == 0)
                return sd_bus_message_append(reply, "t", s ? s->restart_usec : DEFAULT_RESTART_USEC);
        if (strcmp(p, "TimeoutStartUSec") == 0)
                return sd_bus_message_append(reply, "t", s ? s->timeout_start_usec : DEFAULT_TIMEOUT_USEC);
        if (strcmp(p, "TimeoutStopUSec") == 0)
                return sd_bus_message_append(reply, "t", s ? s->timeout_stop_usec : DEFAULT_TIMEOUT_USEC);
        if (strcmp(p, "WatchdogUSec") == 0)
                return sd_bus_message_append(reply, "t", u->watchdog_usec ? u->watchdog_usec : s ? s->watchdog_usec : 0);
        if (strcmp(p, "RuntimeMaxUSec") == 0)
                return sd_bus_message_append(reply, "t", s ? s->runtime_max_usec : UNSET);
        if (strcmp(p, "RemainAfterExit") == 0)
                return sd_bus_message_append(reply, "b", (int) (s && s->remain_after_exit > 0));
        if (strcmp(p, "GuessMainPID") == 0)
                return sd_bus_message_append(reply, "b", (int) (!s || s->guess_main_pid != 0));
        if (strcmp(p, "MainPID") == 0)
                return sd_bus_message_append(reply, "u", (uint32_t) (u->main_pid > 0 ? u->main_pid : 0));
        if (strcmp(p, "ControlPID") == 0)
                return sd_bus_message_append(reply, "u", (uint32_t) (u->control_pid > 0 ? u->control_pid : 0));
        if (strcmp(p, "StatusText") == 0)
                return sd_bus_message_append(reply, "s", u->status_text ? u->status_text : "");
        if (strcmp(p, "StatusErrno") == 0)
                return sd_bus_message_append(reply, "i", 0);
        if (strcmp(p, "Result") == 0)
                return sd_bus_message_append(reply, "s", u->result);
        if (strcmp(p, "ReloadResult") == 0)
                return sd_bus_message_append(reply, "s", u->reload_failed ? "exit-code" : "success");
        if (strcmp(p, "CleanResult") == 0)
                return sd_bus_message_append(reply, "s", "success");
        if (strcmp(p, "NRestarts") == 0)
                return sd_bus_message_append(reply, "u", (uint32_t) u->n_restarts);
        if (strcmp(p, "OOMPolicy") == 0)
                return sd_bus_message_append(reply, "s", enum_name(UD_SERVICE_OOM_POLICY, s ? s->oom_policy : -1, "stop"));
        if (strcmp(p, "ExecMainStartTimestamp") == 0)
                return sd_bus_message_append(reply, "t", u->ts_main_start.realtime);
        if (strcmp(p, "ExecMainStartTimestampMonotonic") == 0)
                return sd_bus_message_append(reply, "t", u->ts_main_start.monotonic);
        if (strcmp(p, "ExecMainExitTimestamp") == 0)
                return sd_bus_message_append(reply, "t", u->ts_main_exit.realtime);
        if (strcmp(p, "ExecMainExitTimestampMonotonic") == 0)
                return sd_bus_message_append(reply, "t", u->ts_main_exit.monotonic);
        if (strcmp(p, "ExecMainPID") == 0)
                return sd_bus_message_append(reply, "u", (uint32_t) (u->exec_main_pid > 0 ? u->exec_main_pid : 0));
        if (strcmp(p, "ExecMainCode") == 0)
                return sd_bus_message_append(reply, "i", u->main_exit_code);
        if (strcmp(p, "ExecMainStatus") == 0)
                return sd_bus_message_append(reply, "i", u->main_exit_status);
#define EXEC(prop, field)                                                                                   \
        if (strcmp(p, prop) == 0)                                                                           \
                return append_exec(reply, s ? &s->field : NULL);
        EXEC("ExecCondition", exec_condition)
        EXEC("ExecStartPre", exec_start_pre)
        EXEC("ExecStart", exec_start)
        EXEC("ExecStartPost", exec_start_post)
        EXEC("ExecReload", exec_reload)
        EXEC("ExecStop", exec_stop)
        EXEC("ExecStopPost", exec_stop_post)
#undef EXEC
        return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s", p);
}

#define EXEC_CGROUP_PROPS(fn)                                                                               \
        PROP_DYN("Slice", "s", fn), PROP_DYN("ControlGroup", "s", fn), PROP_DYN("MemoryCurrent", "t", fn),  \
        PROP_DYN("MemoryPeak", "t", fn), PROP_DYN("MemoryAvailable", "t", fn), PROP_DYN("CPUUsageNSec", "t", fn), \
        PROP_DYN("TasksCurrent", "t", fn), PROP_DYN("TasksMax", "t", fn), PROP_DYN("IPIngressBytes", "t", fn), \
        PROP_DYN("IPIngressPackets", "t", fn), PROP_DYN("IPEgressBytes", "t", fn),                          \
        PROP_DYN("IPEgressPackets", "t", fn), PROP_DYN("IOReadBytes", "t", fn), PROP_DYN("IOReadOperations", "t", fn), \
        PROP_DYN("IOWriteBytes", "t", fn), PROP_DYN("IOWriteOperations", "t", fn), PROP_DYN("KillMode", "s", fn), \
        PROP_DYN("KillSignal", "i", fn), PROP_DYN("SendSIGKILL", "b", fn), PROP_DYN("SendSIGHUP", "b", fn), \
        PROP_DYN("User", "s", fn), PROP_DYN("Group", "s", fn), PROP_DYN("WorkingDirectory", "s", fn)

static const sd_bus_vtable service_vtable[] = {
        SD_BUS_VTABLE_START(0),
        PROP_DYN("Type", "s", service_property),
        PROP_DYN("Restart", "s", service_property),
        PROP_DYN("PIDFile", "s", service_property),
        PROP_DYN("NotifyAccess", "s", service_property),
        PROP_DYN("RestartUSec", "t", service_property),
        PROP_DYN("TimeoutStartUSec", "t", service_property),
        PROP_DYN("TimeoutStopUSec", "t", service_property),
        PROP_DYN("RuntimeMaxUSec", "t", service_property),
        PROP_DYN("WatchdogUSec", "t", service_property),
        PROP_DYN("RemainAfterExit", "b", service_property),
        PROP_DYN("GuessMainPID", "b", service_property),
        PROP_DYN("MainPID", "u", service_property),
        PROP_DYN("ControlPID", "u", service_property),
        PROP_DYN("BusName", "s", service_property),
        PROP_DYN("StatusText", "s", service_property),
        PROP_DYN("StatusErrno", "i", service_property),
        PROP_DYN("Result", "s", service_property),
        PROP_DYN("ReloadResult", "s", service_property),
        PROP_DYN("CleanResult", "s", service_property),
        PROP_DYN("NRestarts", "u", service_property),
        PROP_DYN("OOMPolicy", "s", service_property),
        PROP_DYN("ExecMainStartTimestamp", "t", service_property),
        PROP_DYN("ExecMainStartTimestampMonotonic", "t", service_property),
        PROP_DYN("ExecMainExitTimestamp", "t", service_property),
        PROP_DYN("ExecMainExitTimestampMonotonic", "t", service_property),
        PROP_DYN("ExecMainPID", "u", service_property),
        PROP_DYN("ExecMainCode", "i", service_property),
        PROP_DYN("ExecMainStatus", "i", service_property),
        PROP_DYN("ExecCondition", "a(sasbttttuii)", service_property),
        PROP_DYN("ExecStartPre", "a(sasbttttuii)", service_property),
        PROP_DYN("ExecStart", "a(sasbttttuii)", service_property),
        PROP_DYN("ExecStartPost", "a(sasbttttuii)", service_property),
        PROP_DYN("ExecReload", "a(sasbttttuii)", service_property),
        PROP_DYN("ExecStop", "a(sasbttttuii)", service_property),
        PROP_DYN("ExecStopPost", "a(sasbttttuii)", service_property),
        EXEC_CGROUP_PROPS(service_property),
        SD_BUS_VTABLE_END,
};

static int socket_property(sd_bus *bus, const char *path, const char *iface, const char *p, sd_bus_message *reply,
                           void *userdata, sd_bus_error *error) {
        MUnit *u = userdata;
        Unit *f = u->u;
        bool handled;
        int r;

        (void) bus, (void) path, (void) iface;
        r = exec_property(u, p, reply, &handled);
        if (handled)
                return r;
        if (strcmp(p, "Listen") == 0) {
                r = sd_bus_message_open_container(reply, 'a', "(ss)");
                for (size_t i = 0; r >= 0 && f && i < f->socket.listen.n; i++) {
                        const char *t = f->socket.listen.items[i].type;
                        const char *kind = strcmp(t, "ListenStream") == 0 ? "Stream" : strcmp(t, "ListenDatagram") == 0 ? "Datagram"
                                           : strcmp(t, "ListenSequentialPacket") == 0 ? "SequentialPacket"
                                           : strcmp(t, "ListenFIFO") == 0 ? "FIFO" : t + (strncmp(t, "Listen", 6) == 0 ? 6 : 0);
                        r = sd_bus_message_append(reply, "(ss)", kind, f->socket.listen.items[i].address);
                }
                return r < 0 ? r : sd_bus_message_close_container(reply);
        }
        if (strcmp(p, "Accept") == 0)
                return sd_bus_message_append(reply, "b", (int) (f && f->socket.accept > 0));
        if (strcmp(p, "NAccepted") == 0)
                return sd_bus_message_append(reply, "u", (uint32_t) u->n_accepted);
        if (strcmp(p, "NRefused") == 0)
                return sd_bus_message_append(reply, "u", (uint32_t) u->n_refused);
        if (strcmp(p, "NConnections") == 0)
                return sd_bus_message_append(reply, "u", (uint32_t) 0);
        if (strcmp(p, "Result") == 0)
                return sd_bus_message_append(reply, "s", u->result);
        if (strcmp(p, "ControlPID") == 0)
                return sd_bus_message_append(reply, "u", (uint32_t) (u->control_pid > 0 ? u->control_pid : 0));
        return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s", p);
}

static const sd_bus_vtable socket_vtable[] = {
        SD_BUS_VTABLE_START(0),
        PROP_DYN("Listen", "a(ss)", socket_property),
        PROP_DYN("Accept", "b", socket_property),
        PROP_DYN("NAccepted", "u", socket_property),
        PROP_DYN("NConnections", "u", socket_property),
        PROP_DYN("NRefused", "u", socket_property),
        PROP_DYN("Result", "s", socket_property),
        PROP_DYN("ControlPID", "u", socket_property),
        EXEC_CGROUP_PROPS(socket_property),
        SD_BUS_VTABLE_END,
};

/* ---- Timer / Path (service/timer.c, service/path.c) -------------------------------------------- */

static int append_trigger_unit(MUnit *u, sd_bus_message *reply) {
        MUnit *x = trigger_target(u);
        return sd_bus_message_append(reply, "s", x ? x->id : "");
}

static int timer_property(sd_bus *bus, const char *path, const char *iface, const char *p, sd_bus_message *reply,
                          void *userdata, sd_bus_error *error) {
        MUnit *u = userdata;
        const TimerSettings *t = u->u ? &u->u->timer : NULL;
        TimerValueInfo v[64];
        size_t n;
        int r;

        (void) bus, (void) path, (void) iface;
        if (strcmp(p, "Unit") == 0)
                return append_trigger_unit(u, reply);
        if (strcmp(p, "TimersMonotonic") == 0 || strcmp(p, "TimersCalendar") == 0) {
                bool cal = strcmp(p, "TimersCalendar") == 0;
                n = timer_values(u, cal, v, 64);
                r = sd_bus_message_open_container(reply, 'a', cal ? "(sst)" : "(stt)");
                for (size_t i = 0; r >= 0 && i < n && i < 64; i++)
                        r = cal ? sd_bus_message_append(reply, "(sst)", v[i].base, v[i].calendar, v[i].next)
                                : sd_bus_message_append(reply, "(stt)", v[i].base, v[i].value, v[i].next);
                return r < 0 ? r : sd_bus_message_close_container(reply);
        }
        if (strcmp(p, "OnClockChange") == 0)
                return sd_bus_message_append(reply, "b", (int) (t && t->on_clock_change > 0));
        if (strcmp(p, "OnTimezoneChange") == 0)
                return sd_bus_message_append(reply, "b", (int) (t && t->on_timezone_change > 0));
        if (strcmp(p, "NextElapseUSecRealtime") == 0)
                return sd_bus_message_append(reply, "t", timer_next_elapse_realtime(u));
        if (strcmp(p, "NextElapseUSecMonotonic") == 0)
                return sd_bus_message_append(reply, "t", timer_next_elapse_monotonic(u));
        if (strcmp(p, "LastTriggerUSec") == 0)
                return sd_bus_message_append(reply, "t", timer_last_trigger(u).realtime);
        if (strcmp(p, "LastTriggerUSecMonotonic") == 0)
                return sd_bus_message_append(reply, "t", timer_last_trigger(u).monotonic);
        if (strcmp(p, "Result") == 0)
                return sd_bus_message_append(reply, "s", u->result);
        if (strcmp(p, "AccuracyUSec") == 0)
                return sd_bus_message_append(reply, "t", t ? t->accuracy_usec : (uint64_t) 60000000);
        if (strcmp(p, "RandomizedDelayUSec") == 0)
                return sd_bus_message_append(reply, "t", t ? t->randomized_delay_usec : (uint64_t) 0);
        if (strcmp(p, "FixedRandomDelay") == 0)
                return sd_bus_message_append(reply, "b", (int) (t && t->fixed_random_delay > 0));
        if (strcmp(p, "Persistent") == 0)
                return sd_bus_message_append(reply, "b", (int) (t && t->persistent > 0));
        if (strcmp(p, "WakeSystem") == 0)
                return sd_bus_message_append(reply, "b", (int) (t && t->wake_system > 0));
        if (strcmp(p, "RemainAfterElapse") == 0)
                return sd_bus_message_append(reply, "b", (int) (!t || t->remain_after_elapse != 0));
        return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s", p);
}

static const sd_bus_vtable timer_vtable[] = {
        SD_BUS_VTABLE_START(0),
        PROP_DYN("Unit", "s", timer_property),
        PROP_DYN("TimersMonotonic", "a(stt)", timer_property),
        PROP_DYN("TimersCalendar", "a(sst)", timer_property),
        PROP_DYN("OnClockChange", "b", timer_property),
        PROP_DYN("OnTimezoneChange", "b", timer_property),
        PROP_DYN("NextElapseUSecRealtime", "t", timer_property),
        PROP_DYN("NextElapseUSecMonotonic", "t", timer_property),
        PROP_DYN("LastTriggerUSec", "t", timer_property),
        PROP_DYN("LastTriggerUSecMonotonic", "t", timer_property),
        PROP_DYN("Result", "s", timer_property),
        PROP_DYN("AccuracyUSec", "t", timer_property),
        PROP_DYN("RandomizedDelayUSec", "t", timer_property),
        PROP_DYN("FixedRandomDelay", "b", timer_property),
        PROP_DYN("Persistent", "b", timer_property),
        PROP_DYN("WakeSystem", "b", timer_property),
        PROP_DYN("RemainAfterElapse", "b", timer_property),
        SD_BUS_VTABLE_END,
};

static int path_property(sd_bus *bus, const char *path, const char *iface, const char *p, sd_bus_message *reply,
                         void *userdata, sd_bus_error *error) {
        MUnit *u = userdata;
        const PathSettings *ps = u->u ? &u->u->path : NULL;
        int r;

        (void) bus, (void) path, (void) iface;
        if (strcmp(p, "Unit") == 0)
                return append_trigger_unit(u, reply);
        if (strcmp(p, "Paths") == 0) {
                r = sd_bus_message_open_container(reply, 'a', "(ss)");
                for (size_t i = 0; r >= 0 && ps && i < ps->specs.n; i++)
                        r = sd_bus_message_append(reply, "(ss)", ps->specs.items[i].type, ps->specs.items[i].path);
                return r < 0 ? r : sd_bus_message_close_container(reply);
        }
        if (strcmp(p, "MakeDirectory") == 0)
                return sd_bus_message_append(reply, "b", (int) (ps && ps->make_directory > 0));
        if (strcmp(p, "DirectoryMode") == 0)
                return sd_bus_message_append(reply, "u", (uint32_t) (ps ? ps->directory_mode : 0755));
        if (strcmp(p, "Result") == 0)
                return sd_bus_message_append(reply, "s", u->result);
        if (strcmp(p, "TriggerLimitIntervalUSec") == 0)
                return sd_bus_message_append(reply, "t", ps ? ps->trigger_limit_interval_usec : (uint64_t) 2000000);
        if (strcmp(p, "TriggerLimitBurst") == 0)
                return sd_bus_message_append(reply, "u", (uint32_t) (ps ? ps->trigger_limit_burst : 200));
        return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s", p);
}

static const sd_bus_vtable path_vtable[] = {
        SD_BUS_VTABLE_START(0),
        PROP_DYN("Unit", "s", path_property),
        PROP_DYN("Paths", "a(ss)", path_property),
        PROP_DYN("MakeDirectory", "b", path_property),
        PROP_DYN("DirectoryMode", "u", path_property),
        PROP_DYN("Result", "s", path_property),
        PROP_DYN("TriggerLimitIntervalUSec", "t", path_property),
        PROP_DYN("TriggerLimitBurst", "u", path_property),
        SD_BUS_VTABLE_END,
};

static const sd_bus_vtable target_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_VTABLE_END,
};

/* ---- jobs ------------------------------------------------------------------------------------- */

static int job_property(sd_bus *bus, const char *path, const char *iface, const char *p, sd_bus_message *reply,
                        void *userdata, sd_bus_error *error) {
        MUnit *u = userdata;

        (void) bus, (void) path, (void) iface;
        if (strcmp(p, "Id") == 0)
                return sd_bus_message_append(reply, "u", u->job_id);
        if (strcmp(p, "Unit") == 0) {
                char *up = bus_unit_path(u->id);
                int r = sd_bus_message_append(reply, "(so)", u->id, up ? up : "/");
                free(up);
                return r;
        }
        if (strcmp(p, "JobType") == 0)
                return sd_bus_message_append(reply, "s", job_type_to_string(u->job));
        if (strcmp(p, "State") == 0)
                return sd_bus_message_append(reply, "s", u->job_running ? "running" : "waiting");
        return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "Unknown property %s", p);
}

static int job_cancel(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        MUnit *u = userdata;
        int r = manager_cancel_job(u->m, u);

        if (r < 0)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_JOB, "Job %u cannot be canceled: %s", u->job_id, strerror(-r));
        return sd_bus_reply_method_return(msg, NULL);
}

static const sd_bus_vtable job_vtable[] = {
        SD_BUS_VTABLE_START(0),
        PROP_DYN("Id", "u", job_property),
        PROP_DYN("Unit", "(so)", job_property),
        PROP_DYN("JobType", "s", job_property),
        PROP_DYN("State", "s", job_property),
        SD_BUS_METHOD("Cancel", NULL, NULL, job_cancel, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

/* ---- object lookup ---------------------------------------------------------------------------- */

static int find_unit(sd_bus *bus, const char *path, const char *iface, void *userdata, void **found, sd_bus_error *error) {
        BusServer *s = userdata;
        char *name = NULL;
        MUnit *u;
        UnitType t;
        int r;

        (void) bus, (void) error;
        r = sd_bus_path_decode(path, BUS_UNIT_PREFIX, &name);
        if (r <= 0)
                return 0;
        u = bus_load_unit(s, name, NULL);
        free(name);
        if (!u)
                return 0;
        t = munit_type(u);
        if ((strcmp(iface, "org.freedesktop.systemd1.Service") == 0 && t != UNIT_SERVICE) ||
            (strcmp(iface, "org.freedesktop.systemd1.Socket") == 0 && t != UNIT_SOCKET) ||
            (strcmp(iface, "org.freedesktop.systemd1.Target") == 0 && t != UNIT_TARGET) ||
            (strcmp(iface, "org.freedesktop.systemd1.Timer") == 0 && t != UNIT_TIMER) ||
            (strcmp(iface, "org.freedesktop.systemd1.Path") == 0 && t != UNIT_PATH))
                return 0;
        *found = u;
        return 1;
}

static int find_job(sd_bus *bus, const char *path, const char *iface, void *userdata, void **found, sd_bus_error *error) {
        BusServer *s = userdata;
        char *id = NULL;
        unsigned long v;
        int r;

        (void) bus, (void) iface, (void) error;
        r = sd_bus_path_decode(path, BUS_JOB_PREFIX, &id);
        if (r <= 0)
                return 0;
        v = strtoul(id, NULL, 10);
        free(id);
        for (size_t i = 0; i < s->m->n_units; i++)
                if (s->m->units[i]->job != JOB_NONE && s->m->units[i]->job_id == v) {
                        *found = s->m->units[i];
                        return 1;
                }
        return 0;
}

static int enumerate_units(sd_bus *bus, const char *prefix, void *userdata, char ***ret, sd_bus_error *error) {
        BusServer *s = userdata;
        char **v = calloc(s->m->n_units + 1, sizeof(char *));

        (void) bus, (void) prefix, (void) error;
        if (!v)
                return -ENOMEM;
        for (size_t i = 0, k = 0; i < s->m->n_units; i++)
                if ((v[k] = bus_unit_path(s->m->units[i]->id)))
                        k++;
        *ret = v;
        return 0;
}

/* ---- the bus driver's few methods ------------------------------------------------------------ */

/* A client in bus mode (busctl --address=, sd_bus_open_system() pointed at this socket) first
 * says Hello to org.freedesktop.DBus and registers matches there. This is no bus: Hello names the
 * peer, matches are accepted (every signal goes to every connection anyway). */

static int driver_hello(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        static unsigned counter;
        char name[32];

        (void) userdata, (void) error;
        snprintf(name, sizeof(name), ":1.%u", ++counter);
        return sd_bus_reply_method_return(msg, "s", name);
}

static int driver_ok(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        (void) userdata, (void) error;
        return sd_bus_reply_method_return(msg, NULL);
}

static int driver_get_name_owner(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        const char *name;
        int r = sd_bus_message_read(msg, "s", &name);

        (void) userdata;
        if (r < 0)
                return r;
        if (strcmp(name, BUS_NAME) != 0)
                return sd_bus_error_setf(error, "org.freedesktop.DBus.Error.NameHasNoOwner", "Could not get owner of name '%s'", name);
        return sd_bus_reply_method_return(msg, "s", BUS_NAME);
}

static const sd_bus_vtable driver_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Hello", NULL, "s", driver_hello, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("AddMatch", "s", NULL, driver_ok, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("RemoveMatch", "s", NULL, driver_ok, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("GetNameOwner", "s", "s", driver_get_name_owner, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

extern const sd_bus_vtable bus_manager_vtable[];


int bus_add_objects(BusConn *c) {
        BusServer *s = c->server;
        int r;

        if ((r = sd_bus_add_object_vtable(c->bus, NULL, BUS_PATH, BUS_MANAGER_IFACE, bus_manager_vtable, s)) < 0 ||
            (r = sd_bus_add_object_vtable(c->bus, NULL, "/org/freedesktop/DBus", "org.freedesktop.DBus", driver_vtable, s)) < 0)
                return r;
        if ((r = sd_bus_add_fallback_vtable(c->bus, NULL, BUS_UNIT_PREFIX, "org.freedesktop.systemd1.Unit", unit_vtable, find_unit, s)) < 0 ||
            (r = sd_bus_add_fallback_vtable(c->bus, NULL, BUS_UNIT_PREFIX, "org.freedesktop.systemd1.Service", service_vtable, find_unit, s)) < 0 ||
            (r = sd_bus_add_fallback_vtable(c->bus, NULL, BUS_UNIT_PREFIX, "org.freedesktop.systemd1.Socket", socket_vtable, find_unit, s)) < 0 ||
            (r = sd_bus_add_fallback_vtable(c->bus, NULL, BUS_UNIT_PREFIX, "org.freedesktop.systemd1.Target", target_vtable, find_unit, s)) < 0 ||
            (r = sd_bus_add_fallback_vtable(c->bus, NULL, BUS_UNIT_PREFIX, "org.freedesktop.systemd1.Timer", timer_vtable, find_unit, s)) < 0 ||
            (r = sd_bus_add_fallback_vtable(c->bus, NULL, BUS_UNIT_PREFIX, "org.freedesktop.systemd1.Path", path_vtable, find_unit, s)) < 0 ||
            (r = sd_bus_add_fallback_vtable(c->bus, NULL, BUS_JOB_PREFIX, "org.freedesktop.systemd1.Job", job_vtable, find_job, s)) < 0)
                return r;
        if ((r = sd_bus_add_node_enumerator(c->bus, NULL, BUS_UNIT_PREFIX, enumerate_units, s)) < 0)
                return r;
        return 0;
}
