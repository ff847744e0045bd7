/* SPDX-License-Identifier: MIT */
/* Unit and job objects: org.freedesktop.systemd1.Unit, .Service, .Socket, .Timer, .Path, .Target and .Job, with
 * the properties systemctl status/show read (names and types of org.freedesktop.systemd1(5)). */
#include "bus/bus-internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "common/defaults.h"
#include "install/install.h"
#include "service/service.h"
#include "service/timer.h"
#include "service/trigger.h"
#include "service/unit-vtable.h"
#include "units/unit-directives.h"
#include "units/unit-name.h"

MUnit *bus_load_unit(BusServer *s, const char *name, sd_bus_error *error) {
        MUnit *u = manager_get_unit(s->m, name);
        int r;

        if (u)
                return u;
        if (!unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
                /* systemd's manager_load_unit_prepare() */
                sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                  unit_name_is_valid(name, UNIT_NAME_TEMPLATE) ? "Unit name %s is missing the instance name."
                                                                               : "Unit name %s is not valid.", name);
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

/* Read from the file system once per unit and daemon-reload, as systemd 252 does (it reads the
 * search path's directories, thousands of entries at thousands of units): a unit enabled, disabled
 * or masked without a reload keeps the state it had when it was last asked. An error (no file,
 * say) is not kept: asked again. */
const char *bus_unit_file_state(MUnit *u) {
        InstallState st;
        int r;

        if (u->u && u->u->fragment_path && strncmp(u->u->fragment_path, "sdinit-builtin:", 15) == 0)
                return "static"; /* a standard target sdinit provides: no file to enable */
        if (u->file_state_cache > 0)
                return install_state_to_string((InstallState) (u->file_state_cache - 1));
        r = install_get_state(NULL, u->id, &st);
        if (r < 0)
                return "";
        u->file_state_cache = (uint8_t) st + 1;
        return install_state_to_string(st);
}

/* UnitFilePreset: what the preset files say of the unit's file (systemd's unit_get_unit_file_preset(),
 * by the file's name), "" when there is no file or no answer. systemctl status shows it. Read once
 * per unit and daemon-reload, as systemd 252 keeps u->unit_file_preset: a preset file changed
 * without a reload is not seen. An error is not kept. */
const char *bus_unit_file_preset(MUnit *u) {
        static const char *const answer[] = { "disabled", "enabled" };
        const char *f = u->u ? u->u->fragment_path : NULL, *base;
        int r;

        if (!f || f[0] != '/')
                return "";
        if (u->file_preset_cache > 0)
                return answer[u->file_preset_cache - 1];
        base = strrchr(f, '/') + 1;
        r = install_query_preset(NULL, base);
        if (r < 0)
                return "";
        u->file_preset_cache = (uint8_t) (r > 0) + 1;
        return answer[r > 0];
}
/* ---- the Unit interface ------------------------------------------------------------------------
 * Two tables, as systemd splits its vtables by the struct they read: unit_vtable reads the
 * manager's runtime record (MUnit), unit_settings_vtable the parsed unit file (Unit, see
 * bus_find_settings()). */

/* A dependency list (munit_deps(u, dep)) and a reverse one (the units that have dep on this one). */
static int append_deps(sd_bus_message *reply, MUnit *u, UnitDependency dep) {
        int r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t i = 0; r >= 0 && i < munit_n_deps(u, dep); i++)
                r = sd_bus_message_append(reply, "s", munit_deps(u, dep)[i]->id);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* The reverse edges the manager keeps (munit_rdeps(): in the manager's order of units, each unit
 * once), not a scan of every unit: `systemctl show` of every unit stays linear in their number. */
static int append_rdeps(sd_bus_message *reply, MUnit *u, UnitDependency dep) {
        int r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t k = 0; r >= 0 && k < munit_n_rdeps(u, dep); k++)
                r = sd_bus_message_append(reply, "s", munit_rdeps(u, dep)[k]->id);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* A relation systemd 252 keeps both ways (its unit_add_dependency() adds the inverse to the other
 * unit: Before=/After= and the propagation pairs; not JoinsNamespaceOf=, its own inverse, which
 * it skips): u's own edges of the kind `fwd` and the units with an edge of the kind `rev` on u,
 * each once. */
static int append_both_ways(sd_bus_message *reply, MUnit *u, UnitDependency fwd, UnitDependency rev) {
        UnitSet s;
        int r = sd_bus_message_open_container(reply, 'a', "s");

        unit_set_collect(&s, u, DEP(fwd), DEP(rev));
        for (size_t k = 0; r >= 0 && k < s.n; k++)
                r = sd_bus_message_append(reply, "s", s.v[k]->id);
        unit_set_done(&s);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

#define DEP_GETTER(fn, dep) BUS_DEFINE_GETTER(fn, append_deps(reply, U(userdata), dep))
#define RDEP_GETTER(fn, dep) BUS_DEFINE_GETTER(fn, append_rdeps(reply, U(userdata), dep))
#define BOTH_GETTER(fn, fwd, rev) BUS_DEFINE_GETTER(fn, append_both_ways(reply, U(userdata), fwd, rev))
DEP_GETTER(get_requires, UNIT_REQUIRES)
DEP_GETTER(get_requisite, UNIT_REQUISITE)
DEP_GETTER(get_wants, UNIT_WANTS)
DEP_GETTER(get_binds_to, UNIT_BINDS_TO)
DEP_GETTER(get_part_of, UNIT_PART_OF)
DEP_GETTER(get_upholds, UNIT_UPHOLDS)
DEP_GETTER(get_conflicts, UNIT_CONFLICTS)
BOTH_GETTER(get_before, UNIT_BEFORE, UNIT_AFTER)
BOTH_GETTER(get_after, UNIT_AFTER, UNIT_BEFORE)
DEP_GETTER(get_on_failure, UNIT_ON_FAILURE)
DEP_GETTER(get_on_success, UNIT_ON_SUCCESS)
DEP_GETTER(get_triggers, UNIT_TRIGGERS)
BOTH_GETTER(get_propagates_reload_to, UNIT_PROPAGATES_RELOAD_TO, UNIT_RELOAD_PROPAGATED_FROM)
BOTH_GETTER(get_reload_propagated_from, UNIT_RELOAD_PROPAGATED_FROM, UNIT_PROPAGATES_RELOAD_TO)
BOTH_GETTER(get_propagates_stop_to, UNIT_PROPAGATES_STOP_TO, UNIT_STOP_PROPAGATED_FROM)
BOTH_GETTER(get_stop_propagated_from, UNIT_STOP_PROPAGATED_FROM, UNIT_PROPAGATES_STOP_TO)
DEP_GETTER(get_joins_namespace_of, UNIT_JOINS_NAMESPACE_OF)
RDEP_GETTER(get_required_by, UNIT_REQUIRES)
RDEP_GETTER(get_requisite_of, UNIT_REQUISITE)
RDEP_GETTER(get_wanted_by, UNIT_WANTS)
RDEP_GETTER(get_bound_by, UNIT_BINDS_TO)
RDEP_GETTER(get_consists_of, UNIT_PART_OF)
RDEP_GETTER(get_upheld_by, UNIT_UPHOLDS)
RDEP_GETTER(get_conflicted_by, UNIT_CONFLICTS)
RDEP_GETTER(get_on_failure_of, UNIT_ON_FAILURE)
RDEP_GETTER(get_on_success_of, UNIT_ON_SUCCESS)
RDEP_GETTER(get_triggered_by, UNIT_TRIGGERS)

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

const char *bus_enum_name(UnitDirectiveId id, int v, const char *dflt) {
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

static int get_names(BUS_GETTER_ARGS) {
        MUnit *u = U(userdata);

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        if (u->u && u->u->names)
                return bus_append_strv(reply, u->u->names);
        return sd_bus_message_append(reply, "as", 1, u->id);
}

static int get_job(BUS_GETTER_ARGS) {
        MUnit *u = U(userdata);
        char *jp = u->job != JOB_NONE ? bus_job_path(u->job_id) : NULL;
        int r;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        r = sd_bus_message_append(reply, "(uo)", u->job != JOB_NONE ? u->job_id : 0, jp ? jp : "/");
        free(jp);
        return r;
}

static int get_load_error(BUS_GETTER_ARGS) {
        MUnit *u = U(userdata);
        Unit *f = u->u;
        char msg[UNIT_NAME_MAX + 64];

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
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

static int get_invocation_id(BUS_GETTER_ARGS) {
        uint8_t id[16];
        bool set = munit_invocation_id_bytes(U(userdata), id);

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        return sd_bus_message_append_array(reply, 'y', id, set ? 16 : 0);
}

BUS_DEFINE_GETTER(get_description, sd_bus_message_append(reply, "s", U(userdata)->u && U(userdata)->u->unit.description
                                                                             ? U(userdata)->u->unit.description : U(userdata)->id))
BUS_DEFINE_GETTER(get_load_state, sd_bus_message_append(reply, "s", load_state(U(userdata))))
BUS_DEFINE_GETTER(get_active_state, sd_bus_message_append(reply, "s", active_state_to_string(U(userdata)->active)))
BUS_DEFINE_GETTER(get_sub_state, sd_bus_message_append(reply, "s", munit_sub_state_string(U(userdata))))
BUS_DEFINE_GETTER(get_running, sd_bus_message_append(reply, "s", "running"))
BUS_DEFINE_GETTER(get_inactive, sd_bus_message_append(reply, "s", "inactive"))
BUS_DEFINE_GETTER(get_fragment_path, sd_bus_message_append(reply, "s", U(userdata)->u && U(userdata)->u->fragment_path &&
                                                                               U(userdata)->u->fragment_path[0] == '/'
                                                                               ? U(userdata)->u->fragment_path : ""))
BUS_DEFINE_GETTER(get_unit_file_state, sd_bus_message_append(reply, "s", bus_unit_file_state(U(userdata))))
BUS_DEFINE_GETTER(get_unit_file_preset, sd_bus_message_append(reply, "s", bus_unit_file_preset(U(userdata))))
BUS_DEFINE_GETTER(get_can_start, sd_bus_message_append(reply, "b", (int) (U(userdata)->u && U(userdata)->u->load_state == UNIT_LOADED &&
                                                                          U(userdata)->u->unit.refuse_manual_start <= 0 &&
                                                                          munit_type(U(userdata)) != UNIT_DEVICE)))
BUS_DEFINE_GETTER(get_can_stop, sd_bus_message_append(reply, "b", (int) (U(userdata)->u && U(userdata)->u->unit.refuse_manual_stop <= 0)))
/* The type reloads (its table has reload), and this unit can (can_reload). */
static bool can_reload(MUnit *u) {
        const UnitVTable *vt = munit_vtable(u);

        return vt->reload && (!vt->can_reload || vt->can_reload(u));
}

BUS_DEFINE_GETTER(get_can_reload, sd_bus_message_append(reply, "b", (int) can_reload(U(userdata))))
BUS_DEFINE_GETTER(get_need_daemon_reload, sd_bus_message_append(reply, "b", (int) need_daemon_reload(U(userdata))))
BUS_DEFINE_GETTER(get_condition_result, sd_bus_message_append(reply, "b", (int) (U(userdata)->ts_condition.monotonic
                                                                                 ? U(userdata)->condition_result : true)))

static const sd_bus_vtable unit_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Id", "s", bus_get_string, MU(id), BUS_CONST),
        BUS_PROP("Names", "as", get_names),
        SD_BUS_PROPERTY("Following", "s", bus_get_empty, 0, BUS_CONST),
        BUS_PROP("Requires", "as", get_requires),
        BUS_PROP("Requisite", "as", get_requisite),
        BUS_PROP("Wants", "as", get_wants),
        BUS_PROP("BindsTo", "as", get_binds_to),
        BUS_PROP("PartOf", "as", get_part_of),
        BUS_PROP("Upholds", "as", get_upholds),
        BUS_PROP("RequiredBy", "as", get_required_by),
        BUS_PROP("RequisiteOf", "as", get_requisite_of),
        BUS_PROP("WantedBy", "as", get_wanted_by),
        BUS_PROP("BoundBy", "as", get_bound_by),
        BUS_PROP("UpheldBy", "as", get_upheld_by),
        BUS_PROP("ConsistsOf", "as", get_consists_of),
        BUS_PROP("Conflicts", "as", get_conflicts),
        BUS_PROP("ConflictedBy", "as", get_conflicted_by),
        BUS_PROP("Before", "as", get_before),
        BUS_PROP("After", "as", get_after),
        BUS_PROP("OnSuccess", "as", get_on_success),
        BUS_PROP("OnSuccessOf", "as", get_on_success_of),
        BUS_PROP("OnFailure", "as", get_on_failure),
        BUS_PROP("OnFailureOf", "as", get_on_failure_of),
        BUS_PROP("Triggers", "as", get_triggers),
        BUS_PROP("TriggeredBy", "as", get_triggered_by),
        BUS_PROP("PropagatesReloadTo", "as", get_propagates_reload_to),
        BUS_PROP("ReloadPropagatedFrom", "as", get_reload_propagated_from),
        BUS_PROP("PropagatesStopTo", "as", get_propagates_stop_to),
        BUS_PROP("StopPropagatedFrom", "as", get_stop_propagated_from),
        BUS_PROP("JoinsNamespaceOf", "as", get_joins_namespace_of),
        BUS_PROP("Description", "s", get_description),
        BUS_PROP("LoadState", "s", get_load_state),
        SD_BUS_PROPERTY("ActiveState", "s", get_active_state, 0, BUS_EMITS),
        BUS_PROP("FreezerState", "s", get_running),
        SD_BUS_PROPERTY("SubState", "s", get_sub_state, 0, BUS_EMITS),
        BUS_PROP("FragmentPath", "s", get_fragment_path),
        BUS_PROP("UnitFileState", "s", get_unit_file_state),
        BUS_PROP("UnitFilePreset", "s", get_unit_file_preset),
        TIMESTAMP_ROWS("StateChange", ts_state_change),
        TIMESTAMP_ROWS("InactiveExit", ts_inactive_exit),
        TIMESTAMP_ROWS("ActiveEnter", ts_active_enter),
        TIMESTAMP_ROWS("ActiveExit", ts_active_exit),
        TIMESTAMP_ROWS("InactiveEnter", ts_inactive_enter),
        BUS_PROP("CanStart", "b", get_can_start),
        BUS_PROP("CanStop", "b", get_can_stop),
        BUS_PROP("CanReload", "b", get_can_reload),
        BUS_PROP("CanClean", "b", bus_get_false),
        BUS_PROP("CanFreeze", "b", bus_get_false),
        BUS_PROP("Job", "(uo)", get_job),
        BUS_PROP("IgnoreOnIsolate", "b", bus_get_false),
        BUS_PROP("NeedDaemonReload", "b", get_need_daemon_reload),
        BUS_PROP("JobTimeoutUSec", "t", bus_get_u64_unset),
        BUS_PROP("JobRunningTimeoutUSec", "t", bus_get_u64_unset),
        BUS_PROP("ConditionResult", "b", get_condition_result),
        BUS_PROP("AssertResult", "b", get_condition_result),
        TIMESTAMP_ROWS("Condition", ts_condition),
        TIMESTAMP_ROWS("Assert", ts_condition),
        BUS_PROP("LoadError", "(ss)", get_load_error),
        BUS_PROP("Transient", "b", bus_get_false),
        BUS_PROP("Perpetual", "b", bus_get_false),
        BUS_PROP("InvocationID", "ay", get_invocation_id),
        BUS_PROP("CollectMode", "s", get_inactive),
        SD_BUS_VTABLE_END,
};

BUS_DEFINE_GETTER(get_can_isolate, sd_bus_message_append(reply, "b", (int) (F(userdata)->unit.allow_isolate > 0)))
BUS_DEFINE_GETTER(get_conditions, append_conditions(reply, &F(userdata)->unit.conditions, "Condition"))
BUS_DEFINE_GETTER(get_asserts, append_conditions(reply, &F(userdata)->unit.asserts, "Assert"))
BUS_ENUM_GETTER(get_failure_action, UD_UNIT_FAILURE_ACTION, "none")
BUS_ENUM_GETTER(get_success_action, UD_UNIT_SUCCESS_ACTION, "none")

static const sd_bus_vtable unit_settings_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_FIELD("Documentation", "as", bus_get_strv, UF(unit.documentation)),
        BUS_FIELD("SourcePath", "s", bus_get_string, UF(unit.source_path)),
        BUS_FIELD("DropInPaths", "as", bus_get_strv, UF(dropin_paths)),
        BUS_PROP("CanIsolate", "b", get_can_isolate),
        BUS_FIELD("StopWhenUnneeded", "b", bus_get_bool_positive, UF(unit.stop_when_unneeded)),
        BUS_FIELD("RefuseManualStart", "b", bus_get_bool_positive, UF(unit.refuse_manual_start)),
        BUS_FIELD("RefuseManualStop", "b", bus_get_bool_positive, UF(unit.refuse_manual_stop)),
        BUS_FIELD("AllowIsolate", "b", bus_get_bool_positive, UF(unit.allow_isolate)),
        BUS_FIELD("DefaultDependencies", "b", bus_get_bool_not_zero, UF(unit.default_dependencies)),
        BUS_PROP("Conditions", "a(sbbsi)", get_conditions),
        BUS_PROP("Asserts", "a(sbbsi)", get_asserts),
        /* unit_apply_defaults() has written systemd's defaults (10 s, 5) where the files set nothing. */
        BUS_FIELD("StartLimitIntervalUSec", "t", bus_get_u64, UF(unit.start_limit_interval_usec)),
        BUS_FIELD("StartLimitBurst", "u", bus_get_u32, UF(unit.start_limit_burst)),
        BUS_FIELD("FailureAction", "s", get_failure_action, UF(unit.failure_action)),
        BUS_FIELD("SuccessAction", "s", get_success_action, UF(unit.success_action)),
        SD_BUS_VTABLE_END,
};

static const sd_bus_vtable target_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_VTABLE_END,
};

/* ---- Mount / Automount: Result only (sdinit never mounts; systemd's other properties are not
 * served yet) ------------------------------------------------------------------------------------ */

static const sd_bus_vtable mount_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_FIELD("Result", "s", bus_get_unit_result, MU(result)),
        SD_BUS_VTABLE_END,
};

/* ---- jobs ------------------------------------------------------------------------------------- */

static int get_job_unit(BUS_GETTER_ARGS) {
        MUnit *u = U(userdata);
        char *up = bus_unit_path(u->id);
        int r;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        r = sd_bus_message_append(reply, "(so)", u->id, up ? up : "/");
        free(up);
        return r;
}

BUS_DEFINE_GETTER(get_job_type, sd_bus_message_append(reply, "s", job_type_to_string(U(userdata)->job)))
BUS_DEFINE_GETTER(get_job_state, sd_bus_message_append(reply, "s", U(userdata)->job_running ? "running" : "waiting"))

static int job_cancel(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        MUnit *u = userdata;
        int r = manager_cancel_job(u->m, u);

        if (r < 0)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_JOB, "Job %u cannot be canceled: %s", u->job_id, strerror(-r));
        return sd_bus_reply_method_return(msg, NULL);
}

static const sd_bus_vtable job_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_FIELD("Id", "u", bus_get_u32, MU(job_id)),
        BUS_PROP("Unit", "(so)", get_job_unit),
        BUS_PROP("JobType", "s", get_job_type),
        BUS_PROP("State", "s", get_job_state),
        SD_BUS_METHOD("Cancel", NULL, NULL, job_cancel, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

/* ---- object lookup ---------------------------------------------------------------------------- */

/* The object paths of units and jobs: made here (bus_unit_path(), bus_job_path()) and read back
 * below (bus_find_unit(), find_job()). */
char *bus_unit_path(const char *name) {
        char *p = NULL;
        return sd_bus_path_encode(BUS_UNIT_PREFIX, name, &p) < 0 ? NULL : p;
}

char *bus_job_path(uint32_t id) {
        char *p = NULL;
        return asprintf(&p, BUS_JOB_PREFIX "/%u", id) < 0 ? NULL : p;
}

int bus_find_unit(sd_bus *bus, const char *path, const char *iface, void *userdata, void **found, sd_bus_error *error) {
        BusServer *s = userdata;
        char *name = NULL;
        MUnit *u;
        UnitType t;
        int r;

        (void) bus;
        r = sd_bus_path_decode(path, BUS_UNIT_PREFIX, &name);
        if (r <= 0)
                return 0;
        /* A path that names no unit (a template, say): systemd's manager_load_unit_from_dbus_path()
         * answers with this error, which systemctl prints. */
        if (!unit_name_is_valid(name, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
                r = sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                      "Unit name %s is neither a valid invocation ID nor unit name.", name);
                free(name);
                return r;
        }
        u = bus_load_unit(s, name, NULL);
        free(name);
        if (!u)
                return 0;
        /* A type's own interface (org.freedesktop.systemd1.Service, ...: the type's name,
         * capitalised) only on units of that type. */
        t = munit_type(u);
        if (strncmp(iface, BUS_NAME ".", sizeof(BUS_NAME)) == 0)
                for (int k = 0; k < _UNIT_TYPE_MAX; k++)
                        if (k != (int) t && strcasecmp(iface + sizeof(BUS_NAME), unit_type_to_string((UnitType) k)) == 0)
                                return 0;
        *found = u;
        return 1;
}

int bus_find_settings(sd_bus *bus, const char *path, const char *iface, void *userdata, void **found, sd_bus_error *error) {
        BusServer *s = userdata;
        void *u;
        int r = bus_find_unit(bus, path, iface, userdata, &u, error);

        if (r <= 0)
                return r;
        *found = U(u)->u ? U(u)->u : s->defaults[munit_type(U(u)) >= 0 ? munit_type(U(u)) : UNIT_SERVICE];
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
        BusServer *s = userdata;
        char name[32];

        (void) error;
        snprintf(name, sizeof(name), ":1.%u", ++s->n_hello);
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


#define IFACE "org.freedesktop.systemd1."
/* Every table of a unit object, in the order GetAll and introspection list them. */
static const struct {
        const char *iface;
        const sd_bus_vtable *vtable;
        sd_bus_object_find_t find;
} unit_tables[] = {
        { IFACE "Unit", unit_vtable, bus_find_unit },
        { IFACE "Unit", unit_settings_vtable, bus_find_settings },
        { IFACE "Service", bus_service_vtable, bus_find_unit },
        { IFACE "Service", bus_service_settings_vtable, bus_find_settings },
        { IFACE "Service", bus_cgroup_vtable, bus_find_unit },
        { IFACE "Service", bus_exec_settings_vtable, bus_find_settings },
        { IFACE "Service", bus_exec_sandbox_vtable, bus_find_settings },
        { IFACE "Socket", bus_socket_vtable, bus_find_unit },
        { IFACE "Socket", bus_socket_settings_vtable, bus_find_settings },
        { IFACE "Socket", bus_cgroup_vtable, bus_find_unit },
        { IFACE "Socket", bus_exec_settings_vtable, bus_find_settings },
        { IFACE "Socket", bus_exec_sandbox_vtable, bus_find_settings },
        { IFACE "Target", target_vtable, bus_find_unit },
        { IFACE "Timer", bus_timer_vtable, bus_find_unit },
        { IFACE "Timer", bus_timer_settings_vtable, bus_find_settings },
        { IFACE "Path", bus_path_vtable, bus_find_unit },
        { IFACE "Path", bus_path_settings_vtable, bus_find_settings },
        { IFACE "Mount", mount_vtable, bus_find_unit },
        { IFACE "Mount", bus_delegate_vtable, bus_find_settings },
        { IFACE "Slice", bus_delegate_vtable, bus_find_settings },
        { IFACE "Automount", mount_vtable, bus_find_unit },
};

int bus_add_objects(BusConn *c) {
        BusServer *s = c->server;
        int r;

        if ((r = sd_bus_add_object_vtable(c->bus, NULL, BUS_PATH, BUS_MANAGER_IFACE, bus_manager_vtable, s)) < 0 ||
            (r = sd_bus_add_object_vtable(c->bus, NULL, "/org/freedesktop/DBus", "org.freedesktop.DBus", driver_vtable, s)) < 0)
                return r;
        for (size_t i = 0; i < sizeof(unit_tables) / sizeof(unit_tables[0]); i++)
                if ((r = sd_bus_add_fallback_vtable(c->bus, NULL, BUS_UNIT_PREFIX, unit_tables[i].iface, unit_tables[i].vtable,
                                                    unit_tables[i].find, s)) < 0)
                        return r;
        if ((r = sd_bus_add_fallback_vtable(c->bus, NULL, BUS_JOB_PREFIX, "org.freedesktop.systemd1.Job", job_vtable, find_job, s)) < 0)
                return r;
        if ((r = sd_bus_add_node_enumerator(c->bus, NULL, BUS_UNIT_PREFIX, enumerate_units, s)) < 0)
                return r;
        return 0;
}
