/* SPDX-License-Identifier: MIT */
/* The type-specific interfaces of unit objects: org.freedesktop.systemd1.Service, .Socket, .Timer
 * and .Path, as tables (names and types of org.freedesktop.systemd1(5)). Each interface has a
 * table of runtime state (userdata: the MUnit) and one of settings (userdata: the parsed Unit,
 * rows mostly offsets into it); services and sockets share the cgroup and exec/kill tables, as
 * systemd's exec, kill and cgroup contexts. */
#include "bus/bus-internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if HAVE_SECCOMP
#include <seccomp.h>
#endif

#include "common/defaults.h"
#include "common/delegate.h"
#include "common/syscall-sets.h"
#include "service/trigger.h"
#include "service/service.h"
#include "service/timer.h"
#include "units/unit-defaults.h"
#include "units/unit-directives.h"
#include "units/unit-type-info.h"
#include "units/unit-sandbox.h"
#include "units/unit-values.h"

/* ---- exec commands ---------------------------------------------------------------------------- */

static int get_exec_list(BUS_GETTER_ARGS) {
        const ExecCommandList *l = userdata;
        int r;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        r = sd_bus_message_open_container(reply, 'a', "(sasbttttuii)");
        for (size_t i = 0; r >= 0 && i < l->n; i++) {
                const ExecCommand *c = &l->items[i];
                r = sd_bus_message_open_container(reply, 'r', "sasbttttuii");
                if (r >= 0)
                        r = sd_bus_message_append(reply, "s", c->path);
                if (r >= 0)
                        r = bus_append_strv(reply, c->argv);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "bttttuii", (int) ((c->flags & EXEC_COMMAND_IGNORE_FAILURE) != 0),
                                                  (uint64_t) 0, (uint64_t) 0, (uint64_t) 0, (uint64_t) 0, (uint32_t) 0, 0, 0);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

#define EXEC_ROW(name, field) BUS_FIELD(name, "a(sasbttttuii)", get_exec_list, UF(field))

/* ---- cgroup runtime (services and sockets) ---------------------------------------------------- */

static struct cg_stats cgroup_stats(MUnit *u) {
        struct cg_stats st = { .memory_current = UNSET, .memory_peak = UNSET, .pids_current = UNSET, .cpu_usage_usec = UNSET };

        if (u->cgroup && cg_read_stats(&u->m->cg, u->cgroup, &st) < 0)
                st.memory_current = st.memory_peak = st.pids_current = st.cpu_usage_usec = UNSET;
        return st;
}

static int get_control_group(BUS_GETTER_ARGS) {
        MUnit *u = U(userdata);
        char buf[CG_PATH_MAX + 2] = "";

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        if (u->cgroup) {
                const char *own = u->m->cg.own_path;
                snprintf(buf, sizeof(buf), "%s/%s", strcmp(own, "/") == 0 ? "" : own, u->cgroup);
        }
        return sd_bus_message_append(reply, "s", buf);
}

static int get_slice(BUS_GETTER_ARGS) {
        MUnit *u = U(userdata);
        char buf[CG_PATH_MAX];

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        if (cg_unit_default_slice(u->id, buf, sizeof(buf)) < 0)
                buf[0] = '\0';
        return sd_bus_message_append(reply, "s", u->u && unit_cgroup(u->u)->slice ? unit_cgroup(u->u)->slice : buf);
}

BUS_DEFINE_GETTER(get_memory_current, sd_bus_message_append(reply, "t", cgroup_stats(U(userdata)).memory_current))
BUS_DEFINE_GETTER(get_memory_peak, sd_bus_message_append(reply, "t", cgroup_stats(U(userdata)).memory_peak))
BUS_DEFINE_GETTER(get_tasks_current, sd_bus_message_append(reply, "t", cgroup_stats(U(userdata)).pids_current))

static int get_cpu_usage(BUS_GETTER_ARGS) {
        uint64_t v = cgroup_stats(U(userdata)).cpu_usage_usec;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        return sd_bus_message_append(reply, "t", v == UNSET ? UNSET : v * 1000);
}

/* TasksMax as systemd's property gives it (cgroup_tasks_max_resolve()): a relative value, and
 * DefaultTasksMax=15% for a unit that sets none, as the number of cg_system_tasks_max() it is;
 * "infinity" only when that is what the unit says. */
static int get_tasks_max(BUS_GETTER_ARGS) {
        MUnit *u = U(userdata);
        const LimitValue *t = u->u ? &unit_cgroup(u->u)->tasks_max : NULL;
        uint64_t v;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        if (t && t->set && !t->is_relative)
                v = t->value;
        else
                v = cg_system_tasks_max(&u->m->cg) * (t && t->set ? t->permyriad : DEFAULT_TASKS_MAX_PERMYRIAD) / 10000;
        return sd_bus_message_append(reply, "t", v);
}

const sd_bus_vtable bus_cgroup_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_PROP("Slice", "s", get_slice),
        BUS_PROP("ControlGroup", "s", get_control_group),
        BUS_PROP("MemoryCurrent", "t", get_memory_current),
        BUS_PROP("MemoryPeak", "t", get_memory_peak),
        BUS_PROP("MemoryAvailable", "t", bus_get_u64_unset),
        BUS_PROP("CPUUsageNSec", "t", get_cpu_usage),
        BUS_PROP("TasksCurrent", "t", get_tasks_current),
        BUS_PROP("TasksMax", "t", get_tasks_max),
        BUS_PROP("IPIngressBytes", "t", bus_get_u64_unset),
        BUS_PROP("IPIngressPackets", "t", bus_get_u64_unset),
        BUS_PROP("IPEgressBytes", "t", bus_get_u64_unset),
        BUS_PROP("IPEgressPackets", "t", bus_get_u64_unset),
        BUS_PROP("IOReadBytes", "t", bus_get_u64_unset),
        BUS_PROP("IOReadOperations", "t", bus_get_u64_unset),
        BUS_PROP("IOWriteBytes", "t", bus_get_u64_unset),
        BUS_PROP("IOWriteOperations", "t", bus_get_u64_unset),
        SD_BUS_VTABLE_END,
};

/* ---- exec, kill and cgroup settings (services and sockets) ------------------------------------ */

BUS_ENUM_GETTER(get_kill_mode, UD_KILL_KILL_MODE, "control-group")

static bool dynamic_user(void *userdata) {
        return unit_exec(F(userdata))->effective.dynamic_user;
}

/* User= and Group=; with DynamicUser= and no User=, the name systemd derives from the unit's
 * (for a unit name that is no valid user name systemd hashes it, which sdinit does not: "_du"). */
static int append_user(sd_bus_message *reply, void *userdata, const char *v) {
        char *du = NULL;
        int r;

        if (!v && dynamic_user(userdata)) {
                du = unit_dynamic_user_name(F(userdata));
                v = du ? du : "_du";
        }
        r = sd_bus_message_append(reply, "s", v ? v : "");
        free(du);
        return r;
}

BUS_DEFINE_GETTER(get_user, append_user(reply, userdata, unit_exec(F(userdata))->user))
BUS_DEFINE_GETTER(get_group, append_user(reply, userdata, unit_exec(F(userdata))->group ? unit_exec(F(userdata))->group
                                                             : dynamic_user(userdata) ? unit_exec(F(userdata))->user : NULL))

/* A getter of field f of the unit's exec settings through field getter g: they are in Unit.exec,
 * NULL when the unit sets none (unit_exec() reads unit_exec_unset then), so no offset reaches them. */
#define EXEC_FIELD_GETTER(fn, g, f) \
        BUS_DEFINE_GETTER(fn, g(bus, path, interface, property, reply, (void *) &unit_exec(F(userdata))->f, error))

EXEC_FIELD_GETTER(get_working_directory, bus_get_string, working_directory)

const sd_bus_vtable bus_exec_settings_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_FIELD("KillMode", "s", get_kill_mode, UF(kill.kill_mode)),
        BUS_FIELD("KillSignal", "i", bus_get_int, UF(kill.kill_signal)),
        BUS_FIELD("SendSIGKILL", "b", bus_get_bool_not_zero, UF(kill.send_sigkill)),
        BUS_FIELD("SendSIGHUP", "b", bus_get_bool_positive, UF(kill.send_sighup)),
        BUS_PROP("User", "s", get_user),
        BUS_PROP("Group", "s", get_group),
        BUS_PROP("WorkingDirectory", "s", get_working_directory),
        SD_BUS_VTABLE_END,
};

/* ---- Service ---------------------------------------------------------------------------------- */

BUS_DEFINE_GETTER(get_watchdog, sd_bus_message_append(reply, "t", U(userdata)->watchdog_usec ? U(userdata)->watchdog_usec
                                                                  : U(userdata)->u ? U(userdata)->u->service.watchdog_usec : 0))
BUS_DEFINE_GETTER(get_reload_result, sd_bus_message_append(reply, "s", U(userdata)->reload_failed ? "exit-code" : "success"))
BUS_DEFINE_GETTER(get_success, sd_bus_message_append(reply, "s", "success"))

const sd_bus_vtable bus_service_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_PROP("WatchdogUSec", "t", get_watchdog),
        BUS_FIELD("MainPID", "u", bus_get_pid, MU(main_pid)),
        BUS_FIELD("ControlPID", "u", bus_get_pid, MU(control_pid)),
        BUS_FIELD("StatusText", "s", bus_get_string, MU(status_text)),
        BUS_PROP("StatusErrno", "i", bus_get_int_zero),
        BUS_FIELD("Result", "s", bus_get_unit_result, MU(result)),
        BUS_PROP("ReloadResult", "s", get_reload_result),
        BUS_PROP("CleanResult", "s", get_success),
        BUS_FIELD("NRestarts", "u", bus_get_u32, MU(n_restarts)),
        TIMESTAMP_ROWS("ExecMainStart", ts_main_start),
        TIMESTAMP_ROWS("ExecMainExit", ts_main_exit),
        BUS_FIELD("ExecMainPID", "u", bus_get_pid, MU(exec_main_pid)),
        BUS_FIELD("ExecMainCode", "i", bus_get_int, MU(main_exit_code)),
        BUS_FIELD("ExecMainStatus", "i", bus_get_int, MU(main_exit_status)),
        SD_BUS_VTABLE_END,
};

static int get_notify_access(BUS_GETTER_ARGS) {
        const ServiceSettings *s = &F(userdata)->service;
        int a = s->notify_access;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        if (a < 0)
                a = s->type == SERVICE_NOTIFY || s->type == SERVICE_NOTIFY_RELOAD ? NOTIFY_MAIN : NOTIFY_NONE;
        return sd_bus_message_append(reply, "s", bus_enum_name(UD_SERVICE_NOTIFY_ACCESS, a, "none"));
}

BUS_ENUM_GETTER(get_service_type, UD_SERVICE_TYPE, "simple")
BUS_ENUM_GETTER(get_restart, UD_SERVICE_RESTART, "no")
static int delegate_of(void *userdata, uint32_t *ret_mask);

/* OOMPolicy=: systemd's DefaultOOMPolicy=stop where unset, but continue for a service with
 * Delegate= on (service_add_extras()). */
static int get_oom_policy(BUS_GETTER_ARGS) {
        const Unit *f = F(userdata);
        uint32_t mask;
        int v = unit_is_set(f, UD_SERVICE_OOM_POLICY) ? f->service.oom_policy : delegate_of(userdata, &mask) > 0 ? 0 : 1;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        return sd_bus_message_append(reply, "s", bus_enum_name(UD_SERVICE_OOM_POLICY, v, "stop"));
}

const sd_bus_vtable bus_service_settings_vtable[] = {
        SD_BUS_VTABLE_START(0),
        /* unit_apply_defaults() has written systemd's defaults (Type=, RestartSec=100ms, the
         * timeouts: 90 s, none for oneshot) where the files set nothing. */
        BUS_FIELD("Type", "s", get_service_type, UF(service.type)),
        BUS_FIELD("Restart", "s", get_restart, UF(service.restart)),
        BUS_FIELD("PIDFile", "s", bus_get_string, UF(service.pid_file)),
        BUS_PROP("NotifyAccess", "s", get_notify_access),
        BUS_FIELD("RestartUSec", "t", bus_get_u64, UF(service.restart_usec)),
        BUS_FIELD("TimeoutStartUSec", "t", bus_get_u64, UF(service.timeout_start_usec)),
        BUS_FIELD("TimeoutStopUSec", "t", bus_get_u64, UF(service.timeout_stop_usec)),
        BUS_FIELD("RuntimeMaxUSec", "t", bus_get_u64, UF(service.runtime_max_usec)),
        BUS_FIELD("RemainAfterExit", "b", bus_get_bool_positive, UF(service.remain_after_exit)),
        BUS_FIELD("GuessMainPID", "b", bus_get_bool_not_zero, UF(service.guess_main_pid)),
        BUS_FIELD("BusName", "s", bus_get_string, UF(service.bus_name)),
        BUS_PROP("OOMPolicy", "s", get_oom_policy),
        EXEC_ROW("ExecCondition", service.exec_condition),
        EXEC_ROW("ExecStartPre", service.exec_start_pre),
        EXEC_ROW("ExecStart", service.exec_start),
        EXEC_ROW("ExecStartPost", service.exec_start_post),
        EXEC_ROW("ExecReload", service.exec_reload),
        EXEC_ROW("ExecStop", service.exec_stop),
        EXEC_ROW("ExecStopPost", service.exec_stop_post),
        SD_BUS_VTABLE_END,
};

/* ---- Socket ----------------------------------------------------------------------------------- */

const sd_bus_vtable bus_socket_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_FIELD("NAccepted", "u", bus_get_u32, MU(n_accepted)),
        BUS_PROP("NConnections", "u", bus_get_u32_zero),
        BUS_FIELD("NRefused", "u", bus_get_u32, MU(n_refused)),
        BUS_FIELD("Result", "s", bus_get_unit_result, MU(result)),
        BUS_FIELD("ControlPID", "u", bus_get_pid, MU(control_pid)),
        SD_BUS_VTABLE_END,
};

static int get_listen(BUS_GETTER_ARGS) {
        const ListenList *l = userdata;
        int r;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        r = sd_bus_message_open_container(reply, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && i < l->n; i++) {
                /* The directive name without "Listen": Stream, Datagram, SequentialPacket, FIFO, ... */
                const char *t = l->items[i].type;
                r = sd_bus_message_append(reply, "(ss)", t + (strncmp(t, "Listen", 6) == 0 ? 6 : 0), l->items[i].address);
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

const sd_bus_vtable bus_socket_settings_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_FIELD("Listen", "a(ss)", get_listen, UF(socket.listen)),
        BUS_FIELD("Accept", "b", bus_get_bool_positive, UF(socket.accept)),
        SD_BUS_VTABLE_END,
};

/* ---- Timer and Path (service/timer.c, service/path.c) ----------------------------------------- */

static int get_trigger_unit(BUS_GETTER_ARGS) {
        MUnit *x = trigger_target(U(userdata));

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        return sd_bus_message_append(reply, "s", x ? x->id : "");
}

static int append_timers(sd_bus_message *reply, MUnit *u, bool calendar) {
        TimerValueInfo v[64];
        size_t n = timer_values(u, calendar, v, 64);
        int r = sd_bus_message_open_container(reply, 'a', calendar ? "(sst)" : "(stt)");

        for (size_t i = 0; r >= 0 && i < n && i < 64; i++)
                r = calendar ? sd_bus_message_append(reply, "(sst)", v[i].base, v[i].calendar, v[i].next)
                             : sd_bus_message_append(reply, "(stt)", v[i].base, v[i].value, v[i].next);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

BUS_DEFINE_GETTER(get_timers_monotonic, append_timers(reply, U(userdata), false))
BUS_DEFINE_GETTER(get_timers_calendar, append_timers(reply, U(userdata), true))
BUS_DEFINE_GETTER(get_next_elapse_realtime, sd_bus_message_append(reply, "t", timer_next_elapse_realtime(U(userdata))))
BUS_DEFINE_GETTER(get_next_elapse_monotonic, sd_bus_message_append(reply, "t", timer_next_elapse_monotonic(U(userdata))))
BUS_DEFINE_GETTER(get_last_trigger, sd_bus_message_append(reply, "t", timer_last_trigger(U(userdata)).realtime))
BUS_DEFINE_GETTER(get_last_trigger_monotonic, sd_bus_message_append(reply, "t", timer_last_trigger(U(userdata)).monotonic))

const sd_bus_vtable bus_timer_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_PROP("Unit", "s", get_trigger_unit),
        BUS_PROP("TimersMonotonic", "a(stt)", get_timers_monotonic),
        BUS_PROP("TimersCalendar", "a(sst)", get_timers_calendar),
        BUS_PROP("NextElapseUSecRealtime", "t", get_next_elapse_realtime),
        BUS_PROP("NextElapseUSecMonotonic", "t", get_next_elapse_monotonic),
        BUS_PROP("LastTriggerUSec", "t", get_last_trigger),
        BUS_PROP("LastTriggerUSecMonotonic", "t", get_last_trigger_monotonic),
        BUS_FIELD("Result", "s", bus_get_unit_result, MU(result)),
        SD_BUS_VTABLE_END,
};

const sd_bus_vtable bus_timer_settings_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_FIELD("OnClockChange", "b", bus_get_bool_positive, UF(timer.on_clock_change)),
        BUS_FIELD("OnTimezoneChange", "b", bus_get_bool_positive, UF(timer.on_timezone_change)),
        BUS_FIELD("AccuracyUSec", "t", bus_get_u64, UF(timer.accuracy_usec)), /* 1 min unless set (unit_apply_defaults()) */
        BUS_FIELD("RandomizedDelayUSec", "t", bus_get_u64, UF(timer.randomized_delay_usec)),
        BUS_FIELD("FixedRandomDelay", "b", bus_get_bool_positive, UF(timer.fixed_random_delay)),
        BUS_FIELD("Persistent", "b", bus_get_bool_positive, UF(timer.persistent)),
        BUS_FIELD("WakeSystem", "b", bus_get_bool_positive, UF(timer.wake_system)),
        BUS_FIELD("RemainAfterElapse", "b", bus_get_bool_not_zero, UF(timer.remain_after_elapse)),
        SD_BUS_VTABLE_END,
};

const sd_bus_vtable bus_path_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_PROP("Unit", "s", get_trigger_unit),
        BUS_FIELD("Result", "s", bus_get_unit_result, MU(result)),
        SD_BUS_VTABLE_END,
};

static int get_paths(BUS_GETTER_ARGS) {
        const PathSpecList *l = userdata;
        int r;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        r = sd_bus_message_open_container(reply, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && i < l->n; i++)
                r = sd_bus_message_append(reply, "(ss)", l->items[i].type, l->items[i].path);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

const sd_bus_vtable bus_path_settings_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_FIELD("Paths", "a(ss)", get_paths, UF(path.specs)),
        BUS_FIELD("MakeDirectory", "b", bus_get_bool_positive, UF(path.make_directory)),
        /* unit_apply_defaults() has written systemd's defaults (0755, 2 s, 200) where unset. */
        BUS_FIELD("DirectoryMode", "u", bus_get_u32, UF(path.directory_mode)),
        BUS_FIELD("TriggerLimitIntervalUSec", "t", bus_get_u64, UF(path.trigger_limit_interval_usec)),
        BUS_FIELD("TriggerLimitBurst", "u", bus_get_u32, UF(path.trigger_limit_burst)),
        SD_BUS_VTABLE_END,
};

/* ---- sandbox settings (what `systemd-analyze security` reads) ----------------------------------
 * DynamicUser= and the settings it forces on are fields of the unit (exec.effective, written by
 * units/ unit_apply_defaults()). sdinit keeps the other directives as validated raw values
 * (units/: "not enforced" rows); the getters below give them systemd's D-Bus types, and the
 * adjustments systemd makes when it loads a unit (unit_patch_contexts(): the capabilities
 * PrivateDevices=, ProtectKernelModules=, ProtectKernelLogs= and ProtectClock= drop,
 * DevicePolicy=closed with PrivateDevices=, char-rtc for ProtectClock=). */

/* The raw values of a row, by its directive id (no lookup by name). */
static char *const *raw(void *userdata, UnitDirectiveId id) {
        return unit_raw_values(F(userdata), id);
}

/* The last assignment of a single-valued row. */
static const char *raw_last(void *userdata, UnitDirectiveId id) {
        return unit_raw_last(F(userdata), id);
}

static bool raw_true(void *userdata, UnitDirectiveId id) {
        const char *v = raw_last(userdata, id);
        return v && sdu_parse_boolean(v) > 0;
}

/* A boolean, or the string of a boolean-or-enum row (ProtectSystem=, ProtectHome=). */
static const char *raw_enum(void *userdata, UnitDirectiveId id, const char *dflt) {
        const char *v = raw_last(userdata, id);
        int b = v ? sdu_parse_boolean(v) : -1;

        return !v ? dflt : b > 0 ? "yes" : b == 0 ? "no" : v;
}

#define RAW_BOOL_GETTER(fn, key) BUS_DEFINE_GETTER(fn, sd_bus_message_append(reply, "b", (int) raw_true(userdata, key)))
#define RAW_STRING_GETTER(fn, key, dflt) BUS_DEFINE_GETTER(fn, sd_bus_message_append(reply, "s", raw_enum(userdata, key, dflt)))
RAW_BOOL_GETTER(get_private_devices, UD_EXEC_PRIVATE_DEVICES)
RAW_BOOL_GETTER(get_private_network, UD_EXEC_PRIVATE_NETWORK)
RAW_BOOL_GETTER(get_private_users, UD_EXEC_PRIVATE_USERS)
RAW_BOOL_GETTER(get_private_ipc, UD_EXEC_PRIVATE_IPC)
RAW_BOOL_GETTER(get_private_mounts, UD_EXEC_PRIVATE_MOUNTS)
RAW_BOOL_GETTER(get_protect_kernel_tunables, UD_EXEC_PROTECT_KERNEL_TUNABLES)
RAW_BOOL_GETTER(get_protect_kernel_modules, UD_EXEC_PROTECT_KERNEL_MODULES)
RAW_BOOL_GETTER(get_protect_kernel_logs, UD_EXEC_PROTECT_KERNEL_LOGS)
RAW_BOOL_GETTER(get_protect_control_groups, UD_EXEC_PROTECT_CONTROL_GROUPS)
RAW_BOOL_GETTER(get_protect_clock, UD_EXEC_PROTECT_CLOCK)
RAW_BOOL_GETTER(get_protect_hostname, UD_EXEC_PROTECT_HOSTNAME)
RAW_BOOL_GETTER(get_restrict_realtime, UD_EXEC_RESTRICT_REALTIME)
RAW_BOOL_GETTER(get_lock_personality, UD_EXEC_LOCK_PERSONALITY)
RAW_BOOL_GETTER(get_memory_deny_write_execute, UD_EXEC_MEMORY_DENY_WRITE_EXECUTE)
RAW_STRING_GETTER(get_protect_proc, UD_EXEC_PROTECT_PROC, "default")
RAW_STRING_GETTER(get_proc_subset, UD_EXEC_PROC_SUBSET, "all")
RAW_STRING_GETTER(get_root_image, UD_EXEC_ROOT_IMAGE, "")
BUS_DEFINE_GETTER(get_protect_system, sd_bus_message_append(reply, "s", unit_protect_system_to_string(unit_exec(F(userdata))->effective.protect_system)))
BUS_DEFINE_GETTER(get_protect_home, sd_bus_message_append(reply, "s", unit_protect_home_to_string(unit_exec(F(userdata))->effective.protect_home)))
BUS_DEFINE_GETTER(get_keyring_mode, sd_bus_message_append(reply, "s", raw_enum(userdata, UD_EXEC_KEYRING_MODE, unit_type_info(F(userdata)->type)->keyring_mode)))
BUS_DEFINE_GETTER(get_ambient_capabilities, sd_bus_message_append(reply, "t", unit_exec(F(userdata))->ambient_capabilities.set
                                                                                  ? unit_exec(F(userdata))->ambient_capabilities.mask : (uint64_t) 0))

static int get_capability_bounding_set(BUS_GETTER_ARGS) {
        const CapabilitySetting *c = &unit_exec(F(userdata))->capability_bounding_set;
        uint64_t mask = c->set ? c->mask : UINT64_MAX;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        if (raw_true(userdata, UD_EXEC_PRIVATE_DEVICES))
                mask &= ~(UINT64_C(1) << CAP_MKNOD | UINT64_C(1) << CAP_SYS_RAWIO);
        if (raw_true(userdata, UD_EXEC_PROTECT_KERNEL_MODULES))
                mask &= ~(UINT64_C(1) << CAP_SYS_MODULE);
        if (raw_true(userdata, UD_EXEC_PROTECT_KERNEL_LOGS))
                mask &= ~(UINT64_C(1) << CAP_SYSLOG);
        if (raw_true(userdata, UD_EXEC_PROTECT_CLOCK))
                mask &= ~(UINT64_C(1) << CAP_SYS_TIME | UINT64_C(1) << CAP_WAKE_ALARM);
        return sd_bus_message_append(reply, "t", mask);
}

static const char *device_policy(void *userdata) {
        const char *v = raw_last(userdata, UD_CGROUP_DEVICE_POLICY);

        if (v)
                return v;
        return raw_true(userdata, UD_EXEC_PRIVATE_DEVICES) ? "closed" : "auto";
}

BUS_DEFINE_GETTER(get_device_policy, sd_bus_message_append(reply, "s", device_policy(userdata)))

static int get_device_allow(BUS_GETTER_ARGS) {
        char *const *v = raw(userdata, UD_CGROUP_DEVICE_ALLOW);
        size_t n = 0;
        int r;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        while (v && v[n])
                n++;
        /* systemd puts each entry in front of the list (newest first); char-rtc for
         * ProtectClock= comes last, at load. Entries are "PATH [rwm]". */
        r = sd_bus_message_open_container(reply, 'a', "(ss)");
        if (r >= 0 && raw_true(userdata, UD_EXEC_PROTECT_CLOCK) && (n > 0 || strcmp(device_policy(userdata), "auto") != 0))
                r = sd_bus_message_append(reply, "(ss)", "char-rtc", "r");
        while (r >= 0 && n-- > 0) {
                char dev[PATH_MAX];
                size_t k = strcspn(v[n], " \t");
                const char *perm = v[n] + k + strspn(v[n] + k, " \t");
                snprintf(dev, sizeof(dev), "%.*s", (int) k, v[n]);
                r = sd_bus_message_append(reply, "(ss)", dev, *perm ? perm : "rwm");
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* Delegate= as systemd folds its assignments (common/delegate.h); only services delegate here
 * (systemd ignores Delegate= in a socket unit: can_delegate is false). */
static int delegate_of(void *userdata, uint32_t *ret_mask) {
        const CGroupSettings *c = unit_cgroup(F(userdata));
        *ret_mask = c->delegate > 0 ? c->delegate_mask : 0;
        return c->delegate > 0;
}

static int get_delegate(BUS_GETTER_ARGS) {
        uint32_t mask;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        return sd_bus_message_append(reply, "b", delegate_of(userdata, &mask) > 0);
}

/* The controllers in systemd's order; none when delegation is off (property_get_delegate_controllers()). */
static int get_delegate_controllers(BUS_GETTER_ARGS) {
        uint32_t mask;
        int r;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        if (delegate_of(userdata, &mask) <= 0)
                mask = 0;
        r = sd_bus_message_open_container(reply, 'a', "s");
        for (unsigned i = 0; r >= 0 && i < DELEGATE_CONTROLLERS; i++)
                if (mask & (1u << i))
                        r = sd_bus_message_append(reply, "s", delegate_controller_name(i));
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* Delegate= of the unit types with a cgroup that cannot delegate (slices, mounts): systemd
 * ignores the setting there ("not supported for this unit type") and shows no. */
const sd_bus_vtable bus_delegate_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_PROP("Delegate", "b", get_delegate),
        BUS_PROP("DelegateControllers", "as", get_delegate_controllers),
        SD_BUS_VTABLE_END,
};

/* IPAddressAllow=/IPAddressDeny=: addresses with prefix, and systemd's names for the usual sets. */
static int append_ip_prefix(sd_bus_message *reply, int family, const char *addr, unsigned prefix) {
        unsigned char buf[16];
        int r;

        if (inet_pton(family, addr, buf) != 1)
                return 0;
        r = sd_bus_message_open_container(reply, 'r', "iayu");
        if (r >= 0)
                r = sd_bus_message_append(reply, "i", family);
        if (r >= 0)
                r = sd_bus_message_append_array(reply, 'y', buf, family == AF_INET ? 4 : 16);
        if (r >= 0)
                r = sd_bus_message_append(reply, "u", (uint32_t) prefix);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int append_ip_word(sd_bus_message *reply, const char *w) {
        static const struct {
                const char *name, *v4, *v6;
                unsigned p4, p6;
        } named[] = {
                { "any", "0.0.0.0", "::", 0, 0 },
                { "localhost", "127.0.0.0", "::1", 8, 128 },
                { "link-local", "169.254.0.0", "fe80::", 16, 64 },
                { "multicast", "224.0.0.0", "ff00::", 4, 8 },
        };
        char addr[INET6_ADDRSTRLEN + 8];
        const char *slash = strchr(w, '/');
        size_t n = slash ? (size_t) (slash - w) : strlen(w);
        bool v6 = memchr(w, ':', n) != NULL;
        unsigned long prefix = v6 ? 128 : 32;
        int r;

        for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
                if (strcmp(w, named[i].name) == 0) {
                        r = append_ip_prefix(reply, AF_INET, named[i].v4, named[i].p4);
                        return r < 0 ? r : append_ip_prefix(reply, AF_INET6, named[i].v6, named[i].p6);
                }
        if (n >= sizeof(addr))
                return 0;
        snprintf(addr, sizeof(addr), "%.*s", (int) n, w);
        if (slash)
                prefix = strtoul(slash + 1, NULL, 10);
        return append_ip_prefix(reply, v6 ? AF_INET6 : AF_INET, addr, (unsigned) prefix);
}

static int append_ip_list(sd_bus_message *reply, void *userdata, UnitDirectiveId id) {
        char *const *v = raw(userdata, id);
        int r = sd_bus_message_open_container(reply, 'a', "(iayu)");

        for (size_t i = 0; r >= 0 && v && v[i]; i++)
                for (const char *p = v[i]; r >= 0 && *p;) {
                        char w[INET6_ADDRSTRLEN + 16];
                        size_t n = strcspn(p, " \t");
                        if (n > 0 && n < sizeof(w)) {
                                snprintf(w, sizeof(w), "%.*s", (int) n, p);
                                r = append_ip_word(reply, w);
                        }
                        p += n;
                        p += strspn(p, " \t");
                }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

BUS_DEFINE_GETTER(get_ip_address_allow, append_ip_list(reply, userdata, UD_CGROUP_IP_ADDRESS_ALLOW))
BUS_DEFINE_GETTER(get_ip_address_deny, append_ip_list(reply, userdata, UD_CGROUP_IP_ADDRESS_DENY))

/* Space-separated words of every assignment, in order, each once. */
static int append_words(sd_bus_message *reply, char *const *v, bool strip_tilde) {
        int r = sd_bus_message_open_container(reply, 'a', "s");

        for (size_t i = 0; r >= 0 && v && v[i]; i++) {
                const char *p = v[i] + (strip_tilde && v[i][0] == '~');
                while (r >= 0 && *p) {
                        size_t n = strcspn(p, " \t");
                        char w[256];
                        if (n > 0 && n < sizeof(w)) {
                                snprintf(w, sizeof(w), "%.*s", (int) n, p);
                                r = sd_bus_message_append(reply, "s", w);
                        }
                        p += n;
                        p += strspn(p, " \t");
                }
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

BUS_DEFINE_GETTER(get_ip_ingress_filter, append_words(reply, raw(userdata, UD_CGROUP_IP_INGRESS_FILTER_PATH), false))
BUS_DEFINE_GETTER(get_ip_egress_filter, append_words(reply, raw(userdata, UD_CGROUP_IP_EGRESS_FILTER_PATH), false))

static int get_syscall_archs(BUS_GETTER_ARGS) {
        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        return append_words(reply, raw(userdata, UD_EXEC_SYSTEM_CALL_ARCHITECTURES), false);
}

/* A word list with systemd's list semantics (RestrictAddressFamilies=, SystemCallFilter=): the
 * first assignment decides allow- or deny-list ('~'); later ones of the same kind add, of the
 * other kind remove; an empty assignment resets (units/ keeps what follows it); "none" for
 * address families is an empty allow-list. At most 512 words. */
typedef struct WordList {
        bool set, allow;
        size_t n;
        char words[512][64];
} WordList;

static void word_list_apply(WordList *l, const char *value, bool none_word) {
        bool invert = value[0] == '~';
        const char *p = value + invert;

        if (none_word && strcmp(value, "none") == 0) {
                l->set = l->allow = true;
                l->n = 0;
                return;
        }
        if (!l->set) {
                l->set = true;
                l->allow = !invert;
        }
        while (*p) {
                size_t n = strcspn(p, " \t"), k;
                char w[64];
                if (n > 0 && n < sizeof(w)) {
                        snprintf(w, sizeof(w), "%.*s", (int) n, p);
                        for (k = 0; k < l->n && strcmp(l->words[k], w) != 0; k++)
                                ;
                        if (invert != l->allow && k == l->n && l->n < sizeof(l->words) / sizeof(l->words[0]))
                                snprintf(l->words[l->n++], sizeof(l->words[0]), "%s", w);
                        else if (invert == l->allow && k < l->n)
                                memmove(l->words[k], l->words[k + 1], (--l->n - k) * sizeof(l->words[0]));
                }
                p += n;
                p += strspn(p, " \t");
        }
}

static int word_cmp(const void *a, const void *b) {
        return strcmp(a, b);
}

/* (bas), the words sorted as systemd sorts them. */
static int append_word_list(sd_bus_message *reply, WordList *l) {
        int r = sd_bus_message_open_container(reply, 'r', "bas");

        qsort(l->words, l->n, sizeof(l->words[0]), word_cmp);

        if (r >= 0)
                r = sd_bus_message_append(reply, "b", (int) l->allow);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t i = 0; r >= 0 && i < l->n; i++)
                r = sd_bus_message_append(reply, "s", l->words[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int get_restrict_address_families(BUS_GETTER_ARGS) {
        char *const *v = raw(userdata, UD_EXEC_RESTRICT_ADDRESS_FAMILIES);
        WordList *l;
        int r;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        if (!v) /* none set: (false, []) without the list (32 kB) */
                return sd_bus_message_append(reply, "(bas)", 0, 0);
        l = calloc(1, sizeof(WordList));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; v && v[i]; i++)
                word_list_apply(l, v[i], true);
        r = append_word_list(reply, l);
        free(l);
        return r;
}

/* RestrictNamespaces=: the namespace types still allowed, as CLONE_NEW* flags. */
#define NAMESPACES_ALL (uint64_t) (CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER | CLONE_NEWUTS)

static uint64_t namespace_flag(const char *w, size_t n) {
        static const struct {
                const char *name;
                uint64_t flag;
        } ns[] = {
                { "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET }, { "mnt", CLONE_NEWNS },
                { "pid", CLONE_NEWPID }, { "user", CLONE_NEWUSER }, { "uts", CLONE_NEWUTS },
        };
        for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
                if (strlen(ns[i].name) == n && strncmp(ns[i].name, w, n) == 0)
                        return ns[i].flag;
        return 0;
}

static int get_restrict_namespaces(BUS_GETTER_ARGS) {
        char *const *v = raw(userdata, UD_EXEC_RESTRICT_NAMESPACES);
        uint64_t allowed = UINT64_MAX; /* not set: systemd's "initial" value */

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        for (size_t i = 0; v && v[i]; i++) {
                int b = sdu_parse_boolean(v[i]);
                bool invert = v[i][0] == '~';
                uint64_t flags = 0;
                if (b >= 0) {
                        allowed = b ? 0 : NAMESPACES_ALL;
                        continue;
                }
                for (const char *p = v[i] + invert; *p;) {
                        size_t n = strcspn(p, " \t");
                        flags |= namespace_flag(p, n);
                        p += n;
                        p += strspn(p, " \t");
                }
                if (invert)
                        flags = ~flags & NAMESPACES_ALL;
                allowed = allowed == UINT64_MAX ? flags : invert ? allowed & flags : allowed | flags;
        }
        return sd_bus_message_append(reply, "t", allowed);
}

/* SystemCallFilter=: a set of system call names (at most SYSCALLS_MAX, open addressing), filled
 * as systemd does: an allow-list starts with @default; a name of the list's kind is added, one of
 * the other kind ('~' in an allow-list, none in a deny-list) removed; groups expand to their
 * members (common/syscall-sets.c); ":ERRNO" suffixes are dropped (in an allow-list such an entry
 * denies the call). */
#define SYSCALLS_MAX 2048
#define SYSCALL_NAME_MAX 40

typedef struct SyscallFilter {
        bool allow;
        size_t n;
        char slot[SYSCALLS_MAX][SYSCALL_NAME_MAX]; /* "" free, "\x01" removed */
} SyscallFilter;

static size_t syscall_hash(const char *s, size_t n) {
        size_t h = 5381;
        for (size_t i = 0; i < n; i++)
                h = h * 33 + (unsigned char) s[i];
        return h % SYSCALLS_MAX;
}

static void syscall_filter_put(SyscallFilter *f, const char *name, size_t n, bool add) {
        size_t h = syscall_hash(name, n), free_slot = SYSCALLS_MAX;

        if (n == 0 || n >= SYSCALL_NAME_MAX)
                return;
        for (size_t i = 0; i < SYSCALLS_MAX; i++, h = (h + 1) % SYSCALLS_MAX) {
                char *s = f->slot[h];
                if (s[0] == '\0')
                        break;
                if (s[0] == '\x01') {
                        if (free_slot == SYSCALLS_MAX)
                                free_slot = h;
                        continue;
                }
                if (strlen(s) == n && strncmp(s, name, n) == 0) {
                        if (!add) {
                                s[0] = '\x01';
                                s[1] = '\0';
                                f->n--;
                        }
                        return;
                }
        }
        if (!add)
                return;
        if (free_slot == SYSCALLS_MAX && f->slot[h][0] == '\0')
                free_slot = h;
        if (free_slot == SYSCALLS_MAX || f->n + 1 >= SYSCALLS_MAX / 2)
                return; /* full: more names than systemd knows */
        memcpy(f->slot[free_slot], name, n);
        f->slot[free_slot][n] = '\0';
        f->n++;
}

static void syscall_filter_word(SyscallFilter *f, const char *w, size_t n, bool add, unsigned depth) {
        size_t colon = 0;

        while (colon < n && w[colon] != ':')
                colon++;
        if (colon < n && f->allow)
                add = false;
        n = colon;
        if (n > 0 && w[0] == '@') {
                char name[SYSCALL_NAME_MAX];
                const SyscallSet *set;
                if (n >= sizeof(name) || depth > 8)
                        return;
                memcpy(name, w, n);
                name[n] = '\0';
                set = syscall_set_find(name);
                for (const char *p = set ? set->members : ""; *p;) {
                        size_t k = strcspn(p, " ");
                        syscall_filter_word(f, p, k, add, depth + 1);
                        p += k;
                        p += strspn(p, " ");
                }
                return;
        }
#if HAVE_SECCOMP
        {
                /* systemd lists only the calls libseccomp resolves to a number and back to a
                 * name of the native architecture. */
                char name[SYSCALL_NAME_MAX], *back;
                int nr;
                if (n >= sizeof(name))
                        return;
                memcpy(name, w, n);
                name[n] = '\0';
                nr = seccomp_syscall_resolve_name(name);
                if (nr == __NR_SCMP_ERROR || !(back = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr)))
                        return;
                /* systemd keys its filter by number: the name it shows is the number's. */
                syscall_filter_put(f, back, strlen(back), add);
                free(back);
                return;
        }
#else
        syscall_filter_put(f, w, n, add);
#endif
}

static int syscall_name_cmp(const void *a, const void *b) {
        return strcmp(*(const char *const *) a, *(const char *const *) b);
}

static int get_system_call_filter(BUS_GETTER_ARGS) {
        char *const *v = raw(userdata, UD_EXEC_SYSTEM_CALL_FILTER);
        SyscallFilter *f;
        const char **names = NULL;
        size_t k = 0;
        int r;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        if (!v) /* none set: (false, []) without the table (82 kB from the heap at each call) */
                return sd_bus_message_append(reply, "(bas)", 0, 0);
        f = calloc(1, sizeof(SyscallFilter));
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; v && v[i]; i++) {
                bool invert = v[i][0] == '~';
                if (i == 0) {
                        f->allow = !invert;
                        if (f->allow)
                                syscall_filter_word(f, "@default", 8, true, 0);
                }
                for (const char *p = v[i] + invert; *p;) {
                        size_t n = strcspn(p, " \t");
                        syscall_filter_word(f, p, n, invert != f->allow, 0);
                        p += n;
                        p += strspn(p, " \t");
                }
        }
        names = calloc(f->n + 1, sizeof(char *));
        if (!names) {
                free(f);
                return -ENOMEM;
        }
        for (size_t i = 0; i < SYSCALLS_MAX && k < f->n; i++)
                if (f->slot[i][0] != '\0' && f->slot[i][0] != '\x01')
                        names[k++] = f->slot[i];
        qsort(names, k, sizeof(char *), syscall_name_cmp);
        r = sd_bus_message_open_container(reply, 'r', "bas");
        if (r >= 0)
                r = sd_bus_message_append(reply, "b", (int) f->allow);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t i = 0; r >= 0 && i < k; i++)
                r = sd_bus_message_append(reply, "s", names[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        free(names);
        free(f);
        return r;
}

EXEC_FIELD_GETTER(get_supplementary_groups, bus_get_strv, supplementary_groups)
EXEC_FIELD_GETTER(get_root_directory, bus_get_string, root_directory)
EXEC_FIELD_GETTER(get_umask, bus_get_u32, umask)
EXEC_FIELD_GETTER(get_dynamic_user, bus_get_bool_positive, effective.dynamic_user)
EXEC_FIELD_GETTER(get_remove_ipc, bus_get_bool_positive, effective.remove_ipc)
EXEC_FIELD_GETTER(get_no_new_privileges, bus_get_bool_positive, effective.no_new_privileges)
EXEC_FIELD_GETTER(get_private_tmp, bus_get_bool_positive, effective.private_tmp)
EXEC_FIELD_GETTER(get_restrict_suid_sgid, bus_get_bool_positive, effective.restrict_suid_sgid)

const sd_bus_vtable bus_exec_sandbox_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_PROP("SupplementaryGroups", "as", get_supplementary_groups),
        BUS_PROP("RootDirectory", "s", get_root_directory),
        BUS_PROP("RootImage", "s", get_root_image),
        BUS_PROP("UMask", "u", get_umask), /* 0022 unless set (unit_apply_defaults()) */
        BUS_PROP("CapabilityBoundingSet", "t", get_capability_bounding_set),
        BUS_PROP("AmbientCapabilities", "t", get_ambient_capabilities),
        BUS_PROP("DynamicUser", "b", get_dynamic_user),
        BUS_PROP("RemoveIPC", "b", get_remove_ipc),
        BUS_PROP("NoNewPrivileges", "b", get_no_new_privileges),
        BUS_PROP("KeyringMode", "s", get_keyring_mode),
        BUS_PROP("ProtectProc", "s", get_protect_proc),
        BUS_PROP("ProcSubset", "s", get_proc_subset),
        BUS_PROP("ProtectSystem", "s", get_protect_system),
        BUS_PROP("ProtectHome", "s", get_protect_home),
        BUS_PROP("PrivateTmp", "b", get_private_tmp),
        BUS_PROP("PrivateDevices", "b", get_private_devices),
        BUS_PROP("PrivateNetwork", "b", get_private_network),
        BUS_PROP("PrivateUsers", "b", get_private_users),
        BUS_PROP("PrivateIPC", "b", get_private_ipc),
        BUS_PROP("PrivateMounts", "b", get_private_mounts),
        BUS_PROP("ProtectKernelTunables", "b", get_protect_kernel_tunables),
        BUS_PROP("ProtectKernelModules", "b", get_protect_kernel_modules),
        BUS_PROP("ProtectKernelLogs", "b", get_protect_kernel_logs),
        BUS_PROP("ProtectControlGroups", "b", get_protect_control_groups),
        BUS_PROP("ProtectClock", "b", get_protect_clock),
        BUS_PROP("ProtectHostname", "b", get_protect_hostname),
        BUS_PROP("RestrictRealtime", "b", get_restrict_realtime),
        BUS_PROP("RestrictSUIDSGID", "b", get_restrict_suid_sgid),
        BUS_PROP("RestrictNamespaces", "t", get_restrict_namespaces),
        BUS_PROP("RestrictAddressFamilies", "(bas)", get_restrict_address_families),
        BUS_PROP("LockPersonality", "b", get_lock_personality),
        BUS_PROP("MemoryDenyWriteExecute", "b", get_memory_deny_write_execute),
        BUS_PROP("SystemCallArchitectures", "as", get_syscall_archs),
        BUS_PROP("SystemCallFilter", "(bas)", get_system_call_filter),
        BUS_PROP("Delegate", "b", get_delegate),
        BUS_PROP("DelegateControllers", "as", get_delegate_controllers),
        BUS_PROP("DevicePolicy", "s", get_device_policy),
        BUS_PROP("DeviceAllow", "a(ss)", get_device_allow),
        BUS_PROP("IPAddressAllow", "a(iayu)", get_ip_address_allow),
        BUS_PROP("IPAddressDeny", "a(iayu)", get_ip_address_deny),
        BUS_PROP("IPIngressFilterPath", "as", get_ip_ingress_filter),
        BUS_PROP("IPEgressFilterPath", "as", get_ip_egress_filter),
        SD_BUS_VTABLE_END,
};
