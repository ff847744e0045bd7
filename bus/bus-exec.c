/* SPDX-License-Identifier: MIT */
/* The type-specific interfaces of unit objects: org.freedesktop.systemd1.Service, .Socket, .Timer
 * and .Path, as tables (names and types of org.freedesktop.systemd1(5)). Each interface has a
 * table of runtime state (userdata: the MUnit) and one of settings (userdata: the parsed Unit,
 * rows mostly offsets into it); services and sockets share the cgroup and exec/kill tables, as
 * systemd's exec, kill and cgroup contexts. */
#include "bus/bus-internal.h"

#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/service.h"
#include "service/timer.h"
#include "units/unit-directives.h"

#define UNSET UINT64_MAX
#define MU(field) offsetof(MUnit, field)
#define UF(field) offsetof(Unit, field)

static MUnit *U(void *userdata) {
        return userdata;
}

static Unit *F(void *userdata) {
        return userdata;
}

static bool set(void *userdata, const char *section, const char *key) {
        return unit_setting_is_set(F(userdata), section, key);
}

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
        return sd_bus_message_append(reply, "s", u->u && u->u->cgroup.slice ? u->u->cgroup.slice : buf);
}

BUS_DEFINE_GETTER(get_memory_current, sd_bus_message_append(reply, "t", cgroup_stats(U(userdata)).memory_current))
BUS_DEFINE_GETTER(get_memory_peak, sd_bus_message_append(reply, "t", cgroup_stats(U(userdata)).memory_peak))
BUS_DEFINE_GETTER(get_tasks_current, sd_bus_message_append(reply, "t", cgroup_stats(U(userdata)).pids_current))

static int get_cpu_usage(BUS_GETTER_ARGS) {
        uint64_t v = cgroup_stats(U(userdata)).cpu_usage_usec;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        return sd_bus_message_append(reply, "t", v == UNSET ? UNSET : v * 1000);
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

BUS_DEFINE_GETTER(get_tasks_max, sd_bus_message_append(reply, "t", F(userdata)->cgroup.tasks_max.set && !F(userdata)->cgroup.tasks_max.is_relative
                                                                           ? F(userdata)->cgroup.tasks_max.value : UNSET))
BUS_DEFINE_GETTER(get_kill_mode, sd_bus_message_append(reply, "s", bus_enum_name("Service", "KillMode", F(userdata)->kill.kill_mode, "control-group")))
BUS_DEFINE_GETTER(get_kill_signal, sd_bus_message_append(reply, "i", F(userdata)->kill.kill_signal > 0 ? F(userdata)->kill.kill_signal : SIGTERM))

const sd_bus_vtable bus_exec_settings_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_PROP("TasksMax", "t", get_tasks_max),
        BUS_PROP("KillMode", "s", get_kill_mode),
        BUS_PROP("KillSignal", "i", get_kill_signal),
        BUS_FIELD("SendSIGKILL", "b", bus_get_bool_not_zero, UF(kill.send_sigkill)),
        BUS_FIELD("SendSIGHUP", "b", bus_get_bool_positive, UF(kill.send_sighup)),
        BUS_FIELD("User", "s", bus_get_string, UF(exec.user)),
        BUS_FIELD("Group", "s", bus_get_string, UF(exec.group)),
        BUS_FIELD("WorkingDirectory", "s", bus_get_string, UF(exec.working_directory)),
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
        BUS_FIELD("Result", "s", bus_get_string, MU(result)),
        BUS_PROP("ReloadResult", "s", get_reload_result),
        BUS_PROP("CleanResult", "s", get_success),
        BUS_FIELD("NRestarts", "u", bus_get_u32, MU(n_restarts)),
        BUS_FIELD("ExecMainStartTimestamp", "t", bus_get_u64, MU(ts_main_start.realtime)),
        BUS_FIELD("ExecMainStartTimestampMonotonic", "t", bus_get_u64, MU(ts_main_start.monotonic)),
        BUS_FIELD("ExecMainExitTimestamp", "t", bus_get_u64, MU(ts_main_exit.realtime)),
        BUS_FIELD("ExecMainExitTimestampMonotonic", "t", bus_get_u64, MU(ts_main_exit.monotonic)),
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
        return sd_bus_message_append(reply, "s", bus_enum_name("Service", "NotifyAccess", a, "none"));
}

static int get_timeout_start(BUS_GETTER_ARGS) {
        const ServiceSettings *s = &F(userdata)->service;

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        return sd_bus_message_append(reply, "t", set(userdata, "Service", "TimeoutStartSec") || set(userdata, "Service", "TimeoutSec")
                                                         ? s->timeout_start_usec
                                                 : s->type == SERVICE_ONESHOT ? UNSET : (uint64_t) 90000000);
}

BUS_DEFINE_GETTER(get_service_type, sd_bus_message_append(reply, "s", bus_enum_name("Service", "Type", F(userdata)->service.type, "simple")))
BUS_DEFINE_GETTER(get_restart, sd_bus_message_append(reply, "s", bus_enum_name("Service", "Restart", F(userdata)->service.restart, "no")))
BUS_DEFINE_GETTER(get_oom_policy, sd_bus_message_append(reply, "s", bus_enum_name("Service", "OOMPolicy", F(userdata)->service.oom_policy, "stop")))
BUS_DEFINE_GETTER(get_restart_usec, sd_bus_message_append(reply, "t", set(userdata, "Service", "RestartSec") ? F(userdata)->service.restart_usec
                                                                                                              : (uint64_t) 100000))
BUS_DEFINE_GETTER(get_timeout_stop, sd_bus_message_append(reply, "t", set(userdata, "Service", "TimeoutStopSec") || set(userdata, "Service", "TimeoutSec")
                                                                              ? F(userdata)->service.timeout_stop_usec : (uint64_t) 90000000))
BUS_DEFINE_GETTER(get_runtime_max, sd_bus_message_append(reply, "t", set(userdata, "Service", "RuntimeMaxSec") ? F(userdata)->service.runtime_max_usec
                                                                                                                : UNSET))

const sd_bus_vtable bus_service_settings_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_PROP("Type", "s", get_service_type),
        BUS_PROP("Restart", "s", get_restart),
        BUS_FIELD("PIDFile", "s", bus_get_string, UF(service.pid_file)),
        BUS_PROP("NotifyAccess", "s", get_notify_access),
        BUS_PROP("RestartUSec", "t", get_restart_usec),
        BUS_PROP("TimeoutStartUSec", "t", get_timeout_start),
        BUS_PROP("TimeoutStopUSec", "t", get_timeout_stop),
        BUS_PROP("RuntimeMaxUSec", "t", get_runtime_max),
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
        BUS_FIELD("Result", "s", bus_get_string, MU(result)),
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
        BUS_FIELD("Result", "s", bus_get_string, MU(result)),
        SD_BUS_VTABLE_END,
};

BUS_DEFINE_GETTER(get_accuracy, sd_bus_message_append(reply, "t", set(userdata, "Timer", "AccuracySec") ? F(userdata)->timer.accuracy_usec
                                                                                                         : (uint64_t) 60000000))

const sd_bus_vtable bus_timer_settings_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_FIELD("OnClockChange", "b", bus_get_bool_positive, UF(timer.on_clock_change)),
        BUS_FIELD("OnTimezoneChange", "b", bus_get_bool_positive, UF(timer.on_timezone_change)),
        BUS_PROP("AccuracyUSec", "t", get_accuracy),
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
        BUS_FIELD("Result", "s", bus_get_string, MU(result)),
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

BUS_DEFINE_GETTER(get_directory_mode, sd_bus_message_append(reply, "u", (uint32_t) (set(userdata, "Path", "DirectoryMode")
                                                                                            ? F(userdata)->path.directory_mode : 0755)))
BUS_DEFINE_GETTER(get_trigger_limit_interval, sd_bus_message_append(reply, "t", set(userdata, "Path", "TriggerLimitIntervalSec")
                                                                                        ? F(userdata)->path.trigger_limit_interval_usec
                                                                                        : (uint64_t) 2000000))
BUS_DEFINE_GETTER(get_trigger_limit_burst, sd_bus_message_append(reply, "u", (uint32_t) (set(userdata, "Path", "TriggerLimitBurst")
                                                                                                 ? F(userdata)->path.trigger_limit_burst : 200)))

const sd_bus_vtable bus_path_settings_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_FIELD("Paths", "a(ss)", get_paths, UF(path.specs)),
        BUS_FIELD("MakeDirectory", "b", bus_get_bool_positive, UF(path.make_directory)),
        BUS_PROP("DirectoryMode", "u", get_directory_mode),
        BUS_PROP("TriggerLimitIntervalUSec", "t", get_trigger_limit_interval),
        BUS_PROP("TriggerLimitBurst", "u", get_trigger_limit_burst),
        SD_BUS_VTABLE_END,
};
