/* SPDX-License-Identifier: MIT */
/* The directive table and its value parsers.
 *
 * Each row of unit_directive_table maps (section, key) to a value kind and the offset of the field
 * in Unit it fills, in the spirit of systemd's load-fragment-gperf table. The value kind picks the
 * parser here and the formatter used by unit_dump(). Parsers never fail the load: an invalid value
 * is reported as "file:line: <what>, ignoring: <value>" (WARNING) and the setting keeps its
 * previous value, exactly like systemd. Only -ENOMEM is returned as an error.
 *
 * Sections "@exec", "@kill" and "@cgroup" stand for the settings of systemd.exec(5),
 * systemd.kill(5) and systemd.resource-control(5), which live in the type-specific section of
 * services, sockets, mounts and swaps ([Service], [Socket], ...), and for cgroup settings also of
 * slices and scopes.
 *
 * Rows flagged DIRECTIVE_NOT_ENFORCED (the sandboxing family and settings that need kernel
 * features sdinit does not drive) are validated like systemd would and kept verbatim, so that
 * `sdinit verify` can list them as "not enforced" instead of silently dropping them. */
#include "unit-directives.h"

#include "calendar.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "list-index.h"
#include "sdu-util.h"

#define U(f) offsetof(Unit, f)
#define NE DIRECTIVE_NOT_ENFORCED

/* ---- enum value tables ---- */

static const char *const service_type_values[] = { "simple", "exec", "forking", "oneshot", "dbus",
                                                   "notify", "notify-reload", "idle", NULL };
static const char *const restart_values[] = { "no", "on-success", "on-failure", "on-abnormal",
                                              "on-watchdog", "on-abort", "always", NULL };
static const char *const kill_mode_values[] = { "control-group", "process", "mixed", "none", NULL };
static const char *const notify_access_values[] = { "none", "main", "exec", "all", NULL };
static const char *const exit_type_values[] = { "main", "cgroup", NULL };
static const char *const oom_policy_values[] = { "continue", "stop", "kill", NULL };
static const char *const timeout_mode_values[] = { "terminate", "abort", "kill", NULL };
static const char *const job_mode_values[] = { "fail", "replace", "replace-irreversibly", "isolate", "flush",
                                               "ignore-dependencies", "ignore-requirements", "triggering",
                                               "restart-dependencies", NULL };
static const char *const collect_mode_values[] = { "inactive", "inactive-or-failed", NULL };
static const char *const emergency_action_values[] = {
        "none",   "exit",       "exit-force",  "soft-reboot",    "soft-reboot-force", "kexec",
        "kexec-force", "halt",  "halt-force",  "halt-immediate", "reboot",            "reboot-force",
        "reboot-immediate", "poweroff", "poweroff-force", "poweroff-immediate", NULL
};
static const char *const sched_policy_values[] = { "other", "batch", "idle", "fifo", "rr", NULL };
static const char *const io_class_values[] = { "none", "realtime", "best-effort", "idle", NULL };
static const char *const bind_ipv6_values[] = { "default", "both", "ipv6-only", NULL };
static const char *const stdin_values[] = { "null", "tty", "tty-force", "tty-fail", "data", "file",
                                            "socket", "fd", NULL };
static const char *const stdout_values[] = { "inherit", "null", "tty", "journal", "kmsg", "journal+console",
                                             "kmsg+console", "file", "append", "truncate", "socket", "fd",
                                             NULL };
static const char *const preserve_values[] = { "no", "yes", "restart", NULL };
static const char *const protect_system_values[] = { "full", "strict", NULL };
static const char *const protect_home_values[] = { "read-only", "tmpfs", NULL };
static const char *const protect_proc_values[] = { "noaccess", "invisible", "ptraceable", "default", NULL };
static const char *const proc_subset_values[] = { "all", "pid", NULL };
static const char *const device_policy_values[] = { "auto", "closed", "strict", NULL };
static const char *const private_users_values[] = { "self", "identity", NULL };
static const char *const keyring_mode_values[] = { "inherit", "private", "shared", NULL };
static const char *const cgroups_values[] = { "private", "strict", NULL };
static const char *const mount_flags_values[] = { "shared", "slave", "private", NULL };
static const char *const managed_oom_values[] = { "auto", "kill", NULL };
static const char *const utmp_mode_values[] = { "init", "login", "user", NULL };

static const RawDesc raw_any = { RAW_ANY, NULL };
static const RawDesc raw_bool = { RAW_BOOL, NULL };
static const RawDesc raw_paths = { RAW_PATHS, NULL };
static const RawDesc raw_words = { RAW_WORDS, NULL };
static const RawDesc raw_protect_system = { RAW_BOOL_OR_ENUM, protect_system_values };
static const RawDesc raw_protect_home = { RAW_BOOL_OR_ENUM, protect_home_values };
static const RawDesc raw_protect_proc = { RAW_ENUM, protect_proc_values };
static const RawDesc raw_proc_subset = { RAW_ENUM, proc_subset_values };
static const RawDesc raw_device_policy = { RAW_ENUM, device_policy_values };
static const RawDesc raw_private_users = { RAW_BOOL_OR_ENUM, private_users_values };
static const RawDesc raw_keyring_mode = { RAW_ENUM, keyring_mode_values };
static const RawDesc raw_cgroups = { RAW_BOOL_OR_ENUM, cgroups_values };
static const RawDesc raw_mount_flags = { RAW_ENUM, mount_flags_values };
static const RawDesc raw_managed_oom = { RAW_ENUM, managed_oom_values };
static const RawDesc raw_utmp_mode = { RAW_ENUM, utmp_mode_values };

static const IntRange range_nice = { -20, 19 };
static const IntRange range_oom = { -1000, 1000 };
static const IntRange range_prio = { 0, 99 };
static const IntRange range_ioprio = { 0, 7 };
static const IntRange range_exit = { 0, 255 };
static const IntRange range_nonneg = { 0, INT32_MAX };
static const IntRange range_any_int = { INT32_MIN, INT32_MAX };
static const IntRange range_weight = { 1, 10000 };
static const IntRange range_shares = { 2, 262144 };
static const IntRange range_u64 = { 0, INT64_MAX };

enum { LIMIT_MEMORY, LIMIT_TASKS, LIMIT_CPU_QUOTA };
static const int limit_memory = LIMIT_MEMORY, limit_tasks = LIMIT_TASKS, limit_cpu = LIMIT_CPU_QUOTA;

/* ---- conditions ---- */

enum { COND_STRING, COND_PATH, COND_BOOL };

#define CONDITIONS(X)                                                                                  \
        X(Architecture, COND_STRING) X(Firmware, COND_STRING) X(Virtualization, COND_STRING)           \
        X(Host, COND_STRING) X(KernelCommandLine, COND_STRING) X(KernelVersion, COND_STRING)           \
        X(Credential, COND_STRING) X(Environment, COND_STRING) X(Security, COND_STRING)                \
        X(Capability, COND_STRING) X(ACPower, COND_BOOL) X(NeedsUpdate, COND_PATH)                     \
        X(FirstBoot, COND_BOOL) X(PathExists, COND_PATH) X(PathExistsGlob, COND_PATH)                  \
        X(PathIsDirectory, COND_PATH) X(PathIsSymbolicLink, COND_PATH) X(PathIsMountPoint, COND_PATH)  \
        X(PathIsReadWrite, COND_PATH) X(PathIsEncrypted, COND_PATH) X(DirectoryNotEmpty, COND_PATH)    \
        X(FileNotEmpty, COND_PATH) X(FileIsExecutable, COND_PATH) X(User, COND_STRING)                 \
        X(Group, COND_STRING) X(ControlGroupController, COND_STRING) X(Memory, COND_STRING)            \
        X(CPUs, COND_STRING) X(CPUFeature, COND_STRING) X(OSRelease, COND_STRING)                      \
        X(MemoryPressure, COND_STRING) X(CPUPressure, COND_STRING) X(IOPressure, COND_STRING)

#define COND_DESC(t, c) static const ConditionDesc cond_##t = { #t, c };
CONDITIONS(COND_DESC)

#define COND_ROWS(t, c)                                                                                \
        { "Unit", "Condition" #t, KIND_CONDITION, U(unit.conditions), 0, &cond_##t },                  \
        { "Unit", "Assert" #t, KIND_CONDITION, U(unit.asserts), 0, &cond_##t },

/* ---- the table ---- */

#define RLIMIT_ROW(name, res) \
        { "@exec", "Limit" #name, KIND_RLIMIT, U(exec.rlimits), 0, (const void *) (uintptr_t) (res) },
#define DEP_ROW(key, dep) { "Unit", key, KIND_DEPS, U(unit.deps[dep]), 0, NULL },
#define RAW_ROW(sec, key, desc) { sec, key, KIND_RAW, 0, NE, &desc },
#define STDIO_FILE(f) ((const void *) (uintptr_t) U(f))

const UnitDirective unit_directive_table[] = {
        /* [Unit] */
        { "Unit", "Description", KIND_STRING, U(unit.description), 0, NULL },
        { "Unit", "Documentation", KIND_STRV, U(unit.documentation), 0, NULL },
        DEP_ROW("Requires", UNIT_REQUIRES)
        DEP_ROW("Requisite", UNIT_REQUISITE)
        DEP_ROW("Wants", UNIT_WANTS)
        DEP_ROW("BindsTo", UNIT_BINDS_TO)
        DEP_ROW("PartOf", UNIT_PART_OF)
        DEP_ROW("Upholds", UNIT_UPHOLDS)
        DEP_ROW("Conflicts", UNIT_CONFLICTS)
        DEP_ROW("Before", UNIT_BEFORE)
        DEP_ROW("After", UNIT_AFTER)
        DEP_ROW("OnFailure", UNIT_ON_FAILURE)
        DEP_ROW("OnSuccess", UNIT_ON_SUCCESS)
        DEP_ROW("PropagatesReloadTo", UNIT_PROPAGATES_RELOAD_TO)
        DEP_ROW("ReloadPropagatedFrom", UNIT_RELOAD_PROPAGATED_FROM)
        DEP_ROW("PropagatesStopTo", UNIT_PROPAGATES_STOP_TO)
        DEP_ROW("StopPropagatedFrom", UNIT_STOP_PROPAGATED_FROM)
        DEP_ROW("JoinsNamespaceOf", UNIT_JOINS_NAMESPACE_OF)
        { "Unit", "BindTo", KIND_DEPS, U(unit.deps[UNIT_BINDS_TO]), DIRECTIVE_NO_DUMP | DIRECTIVE_DEPRECATED, NULL },
        { "Unit", "PropagateReloadTo", KIND_DEPS, U(unit.deps[UNIT_PROPAGATES_RELOAD_TO]), DIRECTIVE_NO_DUMP, NULL },
        { "Unit", "PropagateReloadFrom", KIND_DEPS, U(unit.deps[UNIT_RELOAD_PROPAGATED_FROM]), DIRECTIVE_NO_DUMP, NULL },
        { "Unit", "RequiresMountsFor", KIND_PATHS, U(unit.requires_mounts_for), 0, NULL },
        { "Unit", "WantsMountsFor", KIND_PATHS, U(unit.wants_mounts_for), 0, NULL },
        { "Unit", "OnFailureJobMode", KIND_ENUM, U(unit.on_failure_job_mode), 0, job_mode_values },
        { "Unit", "OnSuccessJobMode", KIND_ENUM, U(unit.on_success_job_mode), 0, job_mode_values },
        { "Unit", "IgnoreOnIsolate", KIND_BOOL, U(unit.ignore_on_isolate), 0, NULL },
        { "Unit", "StopWhenUnneeded", KIND_BOOL, U(unit.stop_when_unneeded), 0, NULL },
        { "Unit", "RefuseManualStart", KIND_BOOL, U(unit.refuse_manual_start), 0, NULL },
        { "Unit", "RefuseManualStop", KIND_BOOL, U(unit.refuse_manual_stop), 0, NULL },
        { "Unit", "AllowIsolate", KIND_BOOL, U(unit.allow_isolate), 0, NULL },
        { "Unit", "DefaultDependencies", KIND_BOOL, U(unit.default_dependencies), 0, NULL },
        { "Unit", "SurviveFinalKillSignal", KIND_BOOL, U(unit.survive_final_kill_signal), 0, NULL },
        { "Unit", "CollectMode", KIND_ENUM, U(unit.collect_mode), 0, collect_mode_values },
        { "Unit", "FailureAction", KIND_ENUM, U(unit.failure_action), 0, emergency_action_values },
        { "Unit", "SuccessAction", KIND_ENUM, U(unit.success_action), 0, emergency_action_values },
        { "Unit", "FailureActionExitStatus", KIND_INT, U(unit.failure_action_exit_status), 0, &range_exit },
        { "Unit", "SuccessActionExitStatus", KIND_INT, U(unit.success_action_exit_status), 0, &range_exit },
        { "Unit", "JobTimeoutSec", KIND_TIME, U(unit.job_timeout_usec), 0, NULL },
        { "Unit", "JobRunningTimeoutSec", KIND_TIME, U(unit.job_running_timeout_usec), 0, NULL },
        { "Unit", "JobTimeoutAction", KIND_ENUM, U(unit.job_timeout_action), 0, emergency_action_values },
        { "Unit", "JobTimeoutRebootArgument", KIND_STRING, U(unit.job_timeout_reboot_argument), 0, NULL },
        { "Unit", "StartLimitIntervalSec", KIND_TIME, U(unit.start_limit_interval_usec), 0, NULL },
        { "Unit", "StartLimitBurst", KIND_INT, U(unit.start_limit_burst), 0, &range_nonneg },
        { "Unit", "StartLimitAction", KIND_ENUM, U(unit.start_limit_action), 0, emergency_action_values },
        { "Unit", "RebootArgument", KIND_STRING, U(unit.reboot_argument), 0, NULL },
        { "Unit", "SourcePath", KIND_PATH, U(unit.source_path), 0, NULL },
        CONDITIONS(COND_ROWS)

        /* [Install] */
        { "Install", "Alias", KIND_STRV, U(install.alias), DIRECTIVE_UNIT_NAMES, NULL },
        { "Install", "WantedBy", KIND_STRV, U(install.wanted_by), DIRECTIVE_UNIT_NAMES, NULL },
        { "Install", "RequiredBy", KIND_STRV, U(install.required_by), DIRECTIVE_UNIT_NAMES, NULL },
        { "Install", "UpheldBy", KIND_STRV, U(install.upheld_by), DIRECTIVE_UNIT_NAMES, NULL },
        { "Install", "Also", KIND_STRV, U(install.also), DIRECTIVE_UNIT_NAMES, NULL },
        { "Install", "DefaultInstance", KIND_STRING, U(install.default_instance), 0, NULL },

        /* [Service] */
        { "Service", "Type", KIND_ENUM, U(service.type), 0, service_type_values },
        { "Service", "ExitType", KIND_ENUM, U(service.exit_type), 0, exit_type_values },
        { "Service", "Restart", KIND_ENUM, U(service.restart), 0, restart_values },
        { "Service", "RestartSec", KIND_TIME, U(service.restart_usec), 0, NULL },
        { "Service", "TimeoutStartSec", KIND_TIME, U(service.timeout_start_usec), 0, NULL },
        { "Service", "TimeoutStopSec", KIND_TIME, U(service.timeout_stop_usec), 0, NULL },
        { "Service", "TimeoutAbortSec", KIND_TIME, U(service.timeout_abort_usec), 0, NULL },
        { "Service", "TimeoutSec", KIND_TIMEOUT_BOTH, 0, DIRECTIVE_NO_DUMP, NULL },
        { "Service", "TimeoutStartFailureMode", KIND_ENUM, U(service.timeout_start_failure_mode), 0, timeout_mode_values },
        { "Service", "TimeoutStopFailureMode", KIND_ENUM, U(service.timeout_stop_failure_mode), 0, timeout_mode_values },
        { "Service", "RuntimeMaxSec", KIND_TIME, U(service.runtime_max_usec), 0, NULL },
        { "Service", "RuntimeRandomizedExtraSec", KIND_TIME, U(service.runtime_randomized_extra_usec), 0, NULL },
        { "Service", "WatchdogSec", KIND_TIME, U(service.watchdog_usec), 0, NULL },
        { "Service", "RemainAfterExit", KIND_BOOL, U(service.remain_after_exit), 0, NULL },
        { "Service", "GuessMainPID", KIND_BOOL, U(service.guess_main_pid), 0, NULL },
        { "Service", "PermissionsStartOnly", KIND_BOOL, U(service.permissions_start_only), DIRECTIVE_DEPRECATED, NULL },
        { "Service", "NonBlocking", KIND_BOOL, U(service.non_blocking), 0, NULL },
        { "Service", "RootDirectoryStartOnly", KIND_BOOL, U(service.root_directory_start_only), 0, NULL },
        { "Service", "PIDFile", KIND_PATH, U(service.pid_file), 0, NULL },
        { "Service", "BusName", KIND_STRING, U(service.bus_name), 0, NULL },
        { "Service", "ExecCondition", KIND_EXEC, U(service.exec_condition), 0, NULL },
        { "Service", "ExecStartPre", KIND_EXEC, U(service.exec_start_pre), 0, NULL },
        { "Service", "ExecStart", KIND_EXEC, U(service.exec_start), 0, NULL },
        { "Service", "ExecStartPost", KIND_EXEC, U(service.exec_start_post), 0, NULL },
        { "Service", "ExecReload", KIND_EXEC, U(service.exec_reload), 0, NULL },
        { "Service", "ExecStop", KIND_EXEC, U(service.exec_stop), 0, NULL },
        { "Service", "ExecStopPost", KIND_EXEC, U(service.exec_stop_post), 0, NULL },
        { "Service", "SuccessExitStatus", KIND_EXIT_STATUS, U(service.success_exit_status), 0, NULL },
        { "Service", "RestartPreventExitStatus", KIND_EXIT_STATUS, U(service.restart_prevent_exit_status), 0, NULL },
        { "Service", "RestartForceExitStatus", KIND_EXIT_STATUS, U(service.restart_force_exit_status), 0, NULL },
        { "Service", "NotifyAccess", KIND_ENUM, U(service.notify_access), 0, notify_access_values },
        { "Service", "Sockets", KIND_DEPS, U(service.sockets), 0, NULL },
        { "Service", "FileDescriptorStoreMax", KIND_INT, U(service.file_descriptor_store_max), 0, &range_nonneg },
        { "Service", "OOMPolicy", KIND_ENUM, U(service.oom_policy), 0, oom_policy_values },
        { "Service", "USBFunctionDescriptors", KIND_PATH, U(service.usb_function_descriptors), 0, NULL },
        { "Service", "USBFunctionStrings", KIND_PATH, U(service.usb_function_strings), 0, NULL },
        /* Legacy spellings of [Unit] settings, still accepted in [Service]. */
        { "Service", "StartLimitInterval", KIND_TIME, U(unit.start_limit_interval_usec), DIRECTIVE_NO_DUMP, NULL },
        { "Service", "StartLimitBurst", KIND_INT, U(unit.start_limit_burst), DIRECTIVE_NO_DUMP, &range_nonneg },
        { "Service", "StartLimitAction", KIND_ENUM, U(unit.start_limit_action), DIRECTIVE_NO_DUMP, emergency_action_values },
        { "Service", "FailureAction", KIND_ENUM, U(unit.failure_action), DIRECTIVE_NO_DUMP, emergency_action_values },
        { "Service", "RebootArgument", KIND_STRING, U(unit.reboot_argument), DIRECTIVE_NO_DUMP, NULL },
        RAW_ROW("Service", "ReloadSignal", raw_any)
        RAW_ROW("Service", "RestartSteps", raw_any)
        RAW_ROW("Service", "RestartMaxDelaySec", raw_any)
        RAW_ROW("Service", "OpenFile", raw_any)
        RAW_ROW("Service", "FileDescriptorStorePreserve", raw_any)

        /* [Socket] */
        { "Socket", "ListenStream", KIND_LISTEN, U(socket.listen), 0, NULL },
        { "Socket", "ListenDatagram", KIND_LISTEN, U(socket.listen), 0, NULL },
        { "Socket", "ListenSequentialPacket", KIND_LISTEN, U(socket.listen), 0, NULL },
        { "Socket", "ListenFIFO", KIND_LISTEN, U(socket.listen), 0, NULL },
        { "Socket", "ListenNetlink", KIND_LISTEN, U(socket.listen), 0, NULL },
        { "Socket", "ListenSpecial", KIND_LISTEN, U(socket.listen), 0, NULL },
        { "Socket", "ListenMessageQueue", KIND_LISTEN, U(socket.listen), 0, NULL },
        { "Socket", "ListenUSBFunction", KIND_LISTEN, U(socket.listen), 0, NULL },
        { "Socket", "Accept", KIND_BOOL, U(socket.accept), 0, NULL },
        { "Socket", "Writable", KIND_BOOL, U(socket.writable), 0, NULL },
        { "Socket", "FlushPending", KIND_BOOL, U(socket.flush_pending), 0, NULL },
        { "Socket", "KeepAlive", KIND_BOOL, U(socket.keep_alive), 0, NULL },
        { "Socket", "NoDelay", KIND_BOOL, U(socket.no_delay), 0, NULL },
        { "Socket", "FreeBind", KIND_BOOL, U(socket.free_bind), 0, NULL },
        { "Socket", "Transparent", KIND_BOOL, U(socket.transparent), 0, NULL },
        { "Socket", "Broadcast", KIND_BOOL, U(socket.broadcast), 0, NULL },
        { "Socket", "PassCredentials", KIND_BOOL, U(socket.pass_credentials), 0, NULL },
        { "Socket", "PassSecurity", KIND_BOOL, U(socket.pass_security), 0, NULL },
        { "Socket", "PassPacketInfo", KIND_BOOL, U(socket.pass_packet_info), 0, NULL },
        { "Socket", "ReusePort", KIND_BOOL, U(socket.reuse_port), 0, NULL },
        { "Socket", "RemoveOnStop", KIND_BOOL, U(socket.remove_on_stop), 0, NULL },
        { "Socket", "BindIPv6Only", KIND_ENUM, U(socket.bind_ipv6_only), 0, bind_ipv6_values },
        { "Socket", "Backlog", KIND_INT, U(socket.backlog), 0, &range_nonneg },
        { "Socket", "MaxConnections", KIND_INT, U(socket.max_connections), 0, &range_nonneg },
        { "Socket", "MaxConnectionsPerSource", KIND_INT, U(socket.max_connections_per_source), 0, &range_nonneg },
        { "Socket", "Priority", KIND_INT, U(socket.priority), 0, &range_any_int },
        { "Socket", "Mark", KIND_INT, U(socket.mark), 0, &range_any_int },
        { "Socket", "IPTTL", KIND_INT, U(socket.ip_ttl), 0, &range_any_int },
        { "Socket", "IPTOS", KIND_INT, U(socket.ip_tos), 0, &range_any_int },
        { "Socket", "ReceiveBuffer", KIND_SIZE, U(socket.receive_buffer), 0, NULL },
        { "Socket", "SendBuffer", KIND_SIZE, U(socket.send_buffer), 0, NULL },
        { "Socket", "PipeSize", KIND_SIZE, U(socket.pipe_size), 0, NULL },
        { "Socket", "SocketUser", KIND_STRING, U(socket.socket_user), 0, NULL },
        { "Socket", "SocketGroup", KIND_STRING, U(socket.socket_group), 0, NULL },
        { "Socket", "SocketMode", KIND_MODE, U(socket.socket_mode), 0, NULL },
        { "Socket", "DirectoryMode", KIND_MODE, U(socket.directory_mode), 0, NULL },
        { "Socket", "Service", KIND_UNIT_NAME, U(socket.service), 0, NULL },
        { "Socket", "BindToDevice", KIND_STRING, U(socket.bind_to_device), 0, NULL },
        { "Socket", "TCPCongestion", KIND_STRING, U(socket.tcp_congestion), 0, NULL },
        { "Socket", "FileDescriptorName", KIND_STRV, U(socket.file_descriptor_names), 0, NULL },
        { "Socket", "Symlinks", KIND_PATHS, U(socket.symlinks), 0, NULL },
        { "Socket", "TimeoutSec", KIND_TIME, U(socket.timeout_usec), 0, NULL },
        { "Socket", "TriggerLimitIntervalSec", KIND_TIME, U(socket.trigger_limit_interval_usec), 0, NULL },
        { "Socket", "TriggerLimitBurst", KIND_INT, U(socket.trigger_limit_burst), 0, &range_nonneg },
        { "Socket", "KeepAliveTimeSec", KIND_TIME, U(socket.keep_alive_time_usec), 0, NULL },
        { "Socket", "KeepAliveIntervalSec", KIND_TIME, U(socket.keep_alive_interval_usec), 0, NULL },
        { "Socket", "KeepAliveProbes", KIND_INT, U(socket.keep_alive_probes), 0, &range_nonneg },
        { "Socket", "DeferAcceptSec", KIND_TIME, U(socket.defer_accept_usec), 0, NULL },
        { "Socket", "ExecStartPre", KIND_EXEC, U(socket.exec_start_pre), 0, NULL },
        { "Socket", "ExecStartPost", KIND_EXEC, U(socket.exec_start_post), 0, NULL },
        { "Socket", "ExecStopPre", KIND_EXEC, U(socket.exec_stop_pre), 0, NULL },
        { "Socket", "ExecStopPost", KIND_EXEC, U(socket.exec_stop_post), 0, NULL },
        RAW_ROW("Socket", "SocketProtocol", raw_any)
        RAW_ROW("Socket", "SmackLabel", raw_any)
        RAW_ROW("Socket", "SmackLabelIPIn", raw_any)
        RAW_ROW("Socket", "SmackLabelIPOut", raw_any)
        RAW_ROW("Socket", "SELinuxContextFromNet", raw_bool)
        RAW_ROW("Socket", "MessageQueueMaxMessages", raw_any)
        RAW_ROW("Socket", "MessageQueueMessageSize", raw_any)
        RAW_ROW("Socket", "Timestamping", raw_any)
        RAW_ROW("Socket", "PollLimitIntervalSec", raw_any)
        RAW_ROW("Socket", "PollLimitBurst", raw_any)

        /* [Timer] */
        { "Timer", "OnActiveSec", KIND_TIMELIST, U(timer.on_active), 0, NULL },
        { "Timer", "OnBootSec", KIND_TIMELIST, U(timer.on_boot), 0, NULL },
        { "Timer", "OnStartupSec", KIND_TIMELIST, U(timer.on_startup), 0, NULL },
        { "Timer", "OnUnitActiveSec", KIND_TIMELIST, U(timer.on_unit_active), 0, NULL },
        { "Timer", "OnUnitInactiveSec", KIND_TIMELIST, U(timer.on_unit_inactive), 0, NULL },
        { "Timer", "OnCalendar", KIND_CALENDAR, U(timer.on_calendar), 0, NULL },
        { "Timer", "AccuracySec", KIND_TIME, U(timer.accuracy_usec), 0, NULL },
        { "Timer", "RandomizedDelaySec", KIND_TIME, U(timer.randomized_delay_usec), 0, NULL },
        { "Timer", "FixedRandomDelay", KIND_BOOL, U(timer.fixed_random_delay), 0, NULL },
        { "Timer", "OnClockChange", KIND_BOOL, U(timer.on_clock_change), 0, NULL },
        { "Timer", "OnTimezoneChange", KIND_BOOL, U(timer.on_timezone_change), 0, NULL },
        { "Timer", "Persistent", KIND_BOOL, U(timer.persistent), 0, NULL },
        { "Timer", "WakeSystem", KIND_BOOL, U(timer.wake_system), 0, NULL },
        { "Timer", "RemainAfterElapse", KIND_BOOL, U(timer.remain_after_elapse), 0, NULL },
        { "Timer", "Unit", KIND_UNIT_NAME, U(timer.unit), 0, NULL },

        /* [Path] */
        { "Path", "PathExists", KIND_PATHSPEC, U(path.specs), 0, NULL },
        { "Path", "PathExistsGlob", KIND_PATHSPEC, U(path.specs), 0, NULL },
        { "Path", "PathChanged", KIND_PATHSPEC, U(path.specs), 0, NULL },
        { "Path", "PathModified", KIND_PATHSPEC, U(path.specs), 0, NULL },
        { "Path", "DirectoryNotEmpty", KIND_PATHSPEC, U(path.specs), 0, NULL },
        { "Path", "Unit", KIND_UNIT_NAME, U(path.unit), 0, NULL },
        { "Path", "MakeDirectory", KIND_BOOL, U(path.make_directory), 0, NULL },
        { "Path", "DirectoryMode", KIND_MODE, U(path.directory_mode), 0, NULL },
        { "Path", "TriggerLimitIntervalSec", KIND_TIME, U(path.trigger_limit_interval_usec), 0, NULL },
        { "Path", "TriggerLimitBurst", KIND_INT, U(path.trigger_limit_burst), 0, &range_nonneg },

        /* [Mount] */
        { "Mount", "What", KIND_STRING, U(mount.what), 0, NULL },
        { "Mount", "Where", KIND_PATH, U(mount.where), 0, NULL },
        { "Mount", "Type", KIND_STRING, U(mount.type), 0, NULL },
        { "Mount", "Options", KIND_STRING, U(mount.options), 0, NULL },
        { "Mount", "SloppyOptions", KIND_BOOL, U(mount.sloppy_options), 0, NULL },
        { "Mount", "LazyUnmount", KIND_BOOL, U(mount.lazy_unmount), 0, NULL },
        { "Mount", "ReadWriteOnly", KIND_BOOL, U(mount.read_write_only), 0, NULL },
        { "Mount", "ForceUnmount", KIND_BOOL, U(mount.force_unmount), 0, NULL },
        { "Mount", "DirectoryMode", KIND_MODE, U(mount.directory_mode), 0, NULL },
        { "Mount", "TimeoutSec", KIND_TIME, U(mount.timeout_usec), 0, NULL },

        /* [Automount], [Swap]: known, not driven by sdinit. */
        RAW_ROW("Automount", "Where", raw_any)
        RAW_ROW("Automount", "ExtraOptions", raw_any)
        RAW_ROW("Automount", "DirectoryMode", raw_any)
        RAW_ROW("Automount", "TimeoutIdleSec", raw_any)
        RAW_ROW("Swap", "What", raw_any)
        RAW_ROW("Swap", "Priority", raw_any)
        RAW_ROW("Swap", "Options", raw_any)
        RAW_ROW("Swap", "TimeoutSec", raw_any)

        /* systemd.exec(5) */
        { "@exec", "User", KIND_STRING, U(exec.user), 0, NULL },
        { "@exec", "Group", KIND_STRING, U(exec.group), 0, NULL },
        { "@exec", "SupplementaryGroups", KIND_STRV, U(exec.supplementary_groups), 0, NULL },
        { "@exec", "WorkingDirectory", KIND_STRING, U(exec.working_directory), 0, NULL },
        { "@exec", "RootDirectory", KIND_PATH, U(exec.root_directory), 0, NULL },
        { "@exec", "Environment", KIND_ENV, U(exec.environment), 0, NULL },
        { "@exec", "EnvironmentFile", KIND_ENV_FILES, U(exec.environment_files), 0, NULL },
        { "@exec", "PassEnvironment", KIND_STRV, U(exec.pass_environment), 0, NULL },
        { "@exec", "UnsetEnvironment", KIND_STRV, U(exec.unset_environment), 0, NULL },
        { "@exec", "UMask", KIND_MODE, U(exec.umask), 0, NULL },
        { "@exec", "Nice", KIND_INT, U(exec.nice), 0, &range_nice },
        { "@exec", "OOMScoreAdjust", KIND_INT, U(exec.oom_score_adjust), 0, &range_oom },
        { "@exec", "CPUSchedulingPolicy", KIND_ENUM, U(exec.cpu_scheduling_policy), 0, sched_policy_values },
        { "@exec", "CPUSchedulingPriority", KIND_INT, U(exec.cpu_scheduling_priority), 0, &range_prio },
        { "@exec", "IOSchedulingClass", KIND_ENUM, U(exec.io_scheduling_class), 0, io_class_values },
        { "@exec", "IOSchedulingPriority", KIND_INT, U(exec.io_scheduling_priority), 0, &range_ioprio },
        RLIMIT_ROW(CPU, RLIMIT_CPU)
        RLIMIT_ROW(FSIZE, RLIMIT_FSIZE)
        RLIMIT_ROW(DATA, RLIMIT_DATA)
        RLIMIT_ROW(STACK, RLIMIT_STACK)
        RLIMIT_ROW(CORE, RLIMIT_CORE)
        RLIMIT_ROW(RSS, RLIMIT_RSS)
        RLIMIT_ROW(NOFILE, RLIMIT_NOFILE)
        RLIMIT_ROW(AS, RLIMIT_AS)
        RLIMIT_ROW(NPROC, RLIMIT_NPROC)
        RLIMIT_ROW(MEMLOCK, RLIMIT_MEMLOCK)
        RLIMIT_ROW(LOCKS, RLIMIT_LOCKS)
        RLIMIT_ROW(SIGPENDING, RLIMIT_SIGPENDING)
        RLIMIT_ROW(MSGQUEUE, RLIMIT_MSGQUEUE)
        RLIMIT_ROW(NICE, RLIMIT_NICE)
        RLIMIT_ROW(RTPRIO, RLIMIT_RTPRIO)
        RLIMIT_ROW(RTTIME, RLIMIT_RTTIME)
        { "@exec", "CapabilityBoundingSet", KIND_CAPS, U(exec.capability_bounding_set), 0, NULL },
        { "@exec", "AmbientCapabilities", KIND_CAPS, U(exec.ambient_capabilities), 0, NULL },
        { "@exec", "NoNewPrivileges", KIND_BOOL, U(exec.no_new_privileges), 0, NULL },
        { "@exec", "IgnoreSIGPIPE", KIND_BOOL, U(exec.ignore_sigpipe), 0, NULL },
        { "@exec", "StandardInput", KIND_STDIO, U(exec.standard_input), 0, STDIO_FILE(exec.standard_input_file) },
        { "@exec", "StandardOutput", KIND_STDIO, U(exec.standard_output), 0, STDIO_FILE(exec.standard_output_file) },
        { "@exec", "StandardError", KIND_STDIO, U(exec.standard_error), 0, STDIO_FILE(exec.standard_error_file) },
        { "@exec", "StandardInputText", KIND_STRING, U(exec.standard_input_text), 0, NULL },
        { "@exec", "SyslogIdentifier", KIND_STRING, U(exec.syslog_identifier), 0, NULL },
        { "@exec", "SyslogFacility", KIND_STRING, U(exec.syslog_facility), 0, NULL },
        { "@exec", "SyslogLevel", KIND_STRING, U(exec.syslog_level), 0, NULL },
        { "@exec", "SyslogLevelPrefix", KIND_BOOL, U(exec.syslog_level_prefix), 0, NULL },
        { "@exec", "LogLevelMax", KIND_STRING, U(exec.log_level_max), 0, NULL },
        { "@exec", "TTYPath", KIND_PATH, U(exec.tty_path), 0, NULL },
        { "@exec", "TTYReset", KIND_BOOL, U(exec.tty_reset), 0, NULL },
        { "@exec", "TTYVHangup", KIND_BOOL, U(exec.tty_vhangup), 0, NULL },
        { "@exec", "TTYVTDisallocate", KIND_BOOL, U(exec.tty_vt_disallocate), 0, NULL },
        { "@exec", "RuntimeDirectory", KIND_RELPATHS, U(exec.runtime_directory), 0, NULL },
        { "@exec", "StateDirectory", KIND_RELPATHS, U(exec.state_directory), 0, NULL },
        { "@exec", "CacheDirectory", KIND_RELPATHS, U(exec.cache_directory), 0, NULL },
        { "@exec", "LogsDirectory", KIND_RELPATHS, U(exec.logs_directory), 0, NULL },
        { "@exec", "ConfigurationDirectory", KIND_RELPATHS, U(exec.configuration_directory), 0, NULL },
        { "@exec", "RuntimeDirectoryMode", KIND_MODE, U(exec.runtime_directory_mode), 0, NULL },
        { "@exec", "StateDirectoryMode", KIND_MODE, U(exec.state_directory_mode), 0, NULL },
        { "@exec", "CacheDirectoryMode", KIND_MODE, U(exec.cache_directory_mode), 0, NULL },
        { "@exec", "LogsDirectoryMode", KIND_MODE, U(exec.logs_directory_mode), 0, NULL },
        { "@exec", "ConfigurationDirectoryMode", KIND_MODE, U(exec.configuration_directory_mode), 0, NULL },
        { "@exec", "RuntimeDirectoryPreserve", KIND_ENUM, U(exec.runtime_directory_preserve), 0, preserve_values },
        { "@exec", "TimerSlackNSec", KIND_UINT64, U(exec.timer_slack_nsec), 0, &range_u64 },
        { "@exec", "Personality", KIND_STRING, U(exec.personality), 0, NULL },
        /* Sandboxing and friends: validated, not enforced. */
        RAW_ROW("@exec", "DynamicUser", raw_bool)
        RAW_ROW("@exec", "PAMName", raw_any)
        RAW_ROW("@exec", "ProtectSystem", raw_protect_system)
        RAW_ROW("@exec", "ProtectHome", raw_protect_home)
        RAW_ROW("@exec", "PrivateTmp", raw_bool)
        RAW_ROW("@exec", "PrivateDevices", raw_bool)
        RAW_ROW("@exec", "PrivateNetwork", raw_bool)
        RAW_ROW("@exec", "PrivateUsers", raw_private_users)
        RAW_ROW("@exec", "PrivateIPC", raw_bool)
        RAW_ROW("@exec", "PrivateMounts", raw_bool)
        RAW_ROW("@exec", "ProtectKernelTunables", raw_bool)
        RAW_ROW("@exec", "ProtectKernelModules", raw_bool)
        RAW_ROW("@exec", "ProtectKernelLogs", raw_bool)
        RAW_ROW("@exec", "ProtectControlGroups", raw_cgroups)
        RAW_ROW("@exec", "ProtectClock", raw_bool)
        RAW_ROW("@exec", "ProtectHostname", raw_bool)
        RAW_ROW("@exec", "ProtectProc", raw_protect_proc)
        RAW_ROW("@exec", "ProcSubset", raw_proc_subset)
        RAW_ROW("@exec", "RestrictAddressFamilies", raw_words)
        RAW_ROW("@exec", "RestrictNamespaces", raw_words)
        RAW_ROW("@exec", "RestrictRealtime", raw_bool)
        RAW_ROW("@exec", "RestrictSUIDSGID", raw_bool)
        RAW_ROW("@exec", "RestrictFileSystems", raw_words)
        RAW_ROW("@exec", "LockPersonality", raw_bool)
        RAW_ROW("@exec", "MemoryDenyWriteExecute", raw_bool)
        RAW_ROW("@exec", "RemoveIPC", raw_bool)
        RAW_ROW("@exec", "KeyringMode", raw_keyring_mode)
        RAW_ROW("@exec", "SystemCallFilter", raw_words)
        RAW_ROW("@exec", "SystemCallArchitectures", raw_words)
        RAW_ROW("@exec", "SystemCallErrorNumber", raw_any)
        RAW_ROW("@exec", "SystemCallLog", raw_words)
        RAW_ROW("@exec", "ReadWritePaths", raw_paths)
        RAW_ROW("@exec", "ReadOnlyPaths", raw_paths)
        RAW_ROW("@exec", "InaccessiblePaths", raw_paths)
        RAW_ROW("@exec", "ExecPaths", raw_paths)
        RAW_ROW("@exec", "NoExecPaths", raw_paths)
        RAW_ROW("@exec", "ReadWriteDirectories", raw_paths)
        RAW_ROW("@exec", "ReadOnlyDirectories", raw_paths)
        RAW_ROW("@exec", "InaccessibleDirectories", raw_paths)
        RAW_ROW("@exec", "BindPaths", raw_words)
        RAW_ROW("@exec", "BindReadOnlyPaths", raw_words)
        RAW_ROW("@exec", "TemporaryFileSystem", raw_words)
        RAW_ROW("@exec", "MountFlags", raw_mount_flags)
        RAW_ROW("@exec", "MountAPIVFS", raw_bool)
        RAW_ROW("@exec", "RootImage", raw_any)
        RAW_ROW("@exec", "RootImageOptions", raw_any)
        RAW_ROW("@exec", "MountImages", raw_any)
        RAW_ROW("@exec", "ExtensionImages", raw_any)
        RAW_ROW("@exec", "ExtensionDirectories", raw_any)
        RAW_ROW("@exec", "SELinuxContext", raw_any)
        RAW_ROW("@exec", "AppArmorProfile", raw_any)
        RAW_ROW("@exec", "SmackProcessLabel", raw_any)
        RAW_ROW("@exec", "CPUAffinity", raw_words)
        RAW_ROW("@exec", "NUMAPolicy", raw_any)
        RAW_ROW("@exec", "NUMAMask", raw_any)
        RAW_ROW("@exec", "CPUSchedulingResetOnFork", raw_bool)
        RAW_ROW("@exec", "LoadCredential", raw_any)
        RAW_ROW("@exec", "LoadCredentialEncrypted", raw_any)
        RAW_ROW("@exec", "SetCredential", raw_any)
        RAW_ROW("@exec", "SetCredentialEncrypted", raw_any)
        RAW_ROW("@exec", "ImportCredential", raw_any)
        RAW_ROW("@exec", "LogNamespace", raw_any)
        { "@exec", "LogRateLimitIntervalSec", KIND_TIME, U(exec.log_ratelimit_interval_usec), 0, NULL },
        { "@exec", "LogRateLimitBurst", KIND_INT, U(exec.log_ratelimit_burst), 0, &range_nonneg },
        RAW_ROW("@exec", "LogExtraFields", raw_any)
        RAW_ROW("@exec", "UtmpIdentifier", raw_any)
        RAW_ROW("@exec", "UtmpMode", raw_utmp_mode)
        RAW_ROW("@exec", "SecureBits", raw_words)
        RAW_ROW("@exec", "CoredumpFilter", raw_words)
        RAW_ROW("@exec", "NetworkNamespacePath", raw_any)
        RAW_ROW("@exec", "IPCNamespacePath", raw_any)

        /* systemd.kill(5) */
        { "@kill", "KillMode", KIND_ENUM, U(kill.kill_mode), 0, kill_mode_values },
        { "@kill", "KillSignal", KIND_SIGNAL, U(kill.kill_signal), 0, NULL },
        { "@kill", "RestartKillSignal", KIND_SIGNAL, U(kill.restart_kill_signal), 0, NULL },
        { "@kill", "FinalKillSignal", KIND_SIGNAL, U(kill.final_kill_signal), 0, NULL },
        { "@kill", "WatchdogSignal", KIND_SIGNAL, U(kill.watchdog_signal), 0, NULL },
        { "@kill", "SendSIGKILL", KIND_BOOL, U(kill.send_sigkill), 0, NULL },
        { "@kill", "SendSIGHUP", KIND_BOOL, U(kill.send_sighup), 0, NULL },

        /* systemd.resource-control(5) */
        { "@cgroup", "Slice", KIND_UNIT_NAME, U(cgroup.slice), 0, NULL },
        { "@cgroup", "CPUAccounting", KIND_BOOL, U(cgroup.cpu_accounting), 0, NULL },
        { "@cgroup", "MemoryAccounting", KIND_BOOL, U(cgroup.memory_accounting), 0, NULL },
        { "@cgroup", "IOAccounting", KIND_BOOL, U(cgroup.io_accounting), 0, NULL },
        { "@cgroup", "TasksAccounting", KIND_BOOL, U(cgroup.tasks_accounting), 0, NULL },
        { "@cgroup", "CPUWeight", KIND_UINT64, U(cgroup.cpu_weight), 0, &range_weight },
        { "@cgroup", "StartupCPUWeight", KIND_UINT64, U(cgroup.startup_cpu_weight), 0, &range_weight },
        { "@cgroup", "CPUShares", KIND_UINT64, U(cgroup.cpu_weight), DIRECTIVE_DEPRECATED | DIRECTIVE_NO_DUMP, &range_shares },
        { "@cgroup", "CPUQuota", KIND_LIMIT, U(cgroup.cpu_quota), 0, &limit_cpu },
        { "@cgroup", "CPUQuotaPeriodSec", KIND_TIME, U(cgroup.cpu_quota_period_usec), 0, NULL },
        { "@cgroup", "IOWeight", KIND_UINT64, U(cgroup.io_weight), 0, &range_weight },
        { "@cgroup", "StartupIOWeight", KIND_UINT64, U(cgroup.startup_io_weight), 0, &range_weight },
        { "@cgroup", "MemoryMin", KIND_LIMIT, U(cgroup.memory_min), 0, &limit_memory },
        { "@cgroup", "MemoryLow", KIND_LIMIT, U(cgroup.memory_low), 0, &limit_memory },
        { "@cgroup", "MemoryHigh", KIND_LIMIT, U(cgroup.memory_high), 0, &limit_memory },
        { "@cgroup", "MemoryMax", KIND_LIMIT, U(cgroup.memory_max), 0, &limit_memory },
        { "@cgroup", "MemorySwapMax", KIND_LIMIT, U(cgroup.memory_swap_max), 0, &limit_memory },
        { "@cgroup", "MemoryLimit", KIND_LIMIT, U(cgroup.memory_limit), DIRECTIVE_DEPRECATED, &limit_memory },
        { "@cgroup", "TasksMax", KIND_LIMIT, U(cgroup.tasks_max), 0, &limit_tasks },
        RAW_ROW("@cgroup", "Delegate", raw_words)
        RAW_ROW("@cgroup", "DeviceAllow", raw_words)
        RAW_ROW("@cgroup", "DevicePolicy", raw_device_policy)
        RAW_ROW("@cgroup", "IPAccounting", raw_bool)
        RAW_ROW("@cgroup", "IPAddressAllow", raw_words)
        RAW_ROW("@cgroup", "IPAddressDeny", raw_words)
        RAW_ROW("@cgroup", "IPIngressFilterPath", raw_paths)
        RAW_ROW("@cgroup", "IPEgressFilterPath", raw_paths)
        RAW_ROW("@cgroup", "AllowedCPUs", raw_words)
        RAW_ROW("@cgroup", "StartupAllowedCPUs", raw_words)
        RAW_ROW("@cgroup", "AllowedMemoryNodes", raw_words)
        RAW_ROW("@cgroup", "StartupAllowedMemoryNodes", raw_words)
        RAW_ROW("@cgroup", "IODeviceWeight", raw_words)
        RAW_ROW("@cgroup", "IOReadBandwidthMax", raw_words)
        RAW_ROW("@cgroup", "IOWriteBandwidthMax", raw_words)
        RAW_ROW("@cgroup", "IOReadIOPSMax", raw_words)
        RAW_ROW("@cgroup", "IOWriteIOPSMax", raw_words)
        RAW_ROW("@cgroup", "IODeviceLatencyTargetSec", raw_words)
        RAW_ROW("@cgroup", "BlockIOAccounting", raw_bool)
        RAW_ROW("@cgroup", "BlockIOWeight", raw_any)
        RAW_ROW("@cgroup", "StartupBlockIOWeight", raw_any)
        RAW_ROW("@cgroup", "BlockIODeviceWeight", raw_words)
        RAW_ROW("@cgroup", "BlockIOReadBandwidth", raw_words)
        RAW_ROW("@cgroup", "BlockIOWriteBandwidth", raw_words)
        RAW_ROW("@cgroup", "ManagedOOMSwap", raw_managed_oom)
        RAW_ROW("@cgroup", "ManagedOOMMemoryPressure", raw_managed_oom)
        RAW_ROW("@cgroup", "ManagedOOMMemoryPressureLimit", raw_any)
        RAW_ROW("@cgroup", "ManagedOOMPreference", raw_any)
        RAW_ROW("@cgroup", "BPFProgram", raw_any)
        RAW_ROW("@cgroup", "SocketBindAllow", raw_words)
        RAW_ROW("@cgroup", "SocketBindDeny", raw_words)
        RAW_ROW("@cgroup", "RestrictNetworkInterfaces", raw_words)
        RAW_ROW("@cgroup", "MemoryZSwapMax", raw_any)
        RAW_ROW("@cgroup", "MemoryPressureWatch", raw_any)
        RAW_ROW("@cgroup", "MemoryPressureThresholdSec", raw_any)
        RAW_ROW("@cgroup", "CoredumpReceive", raw_bool)
        RAW_ROW("@cgroup", "DelegateSubgroup", raw_any)
        RAW_ROW("@cgroup", "DisableControllers", raw_words)
        RAW_ROW("@cgroup", "StartupMemoryLow", raw_any)
        RAW_ROW("@cgroup", "StartupMemoryHigh", raw_any)
        RAW_ROW("@cgroup", "StartupMemoryMax", raw_any)
        RAW_ROW("@cgroup", "StartupMemorySwapMax", raw_any)
        RAW_ROW("@cgroup", "DefaultMemoryMin", raw_any)
        RAW_ROW("@cgroup", "DefaultMemoryLow", raw_any)
};

const size_t unit_directive_table_size = SDU_ELEMENTSOF(unit_directive_table);

/* ---- sections ---- */

const char *unit_type_section(UnitType t) {
        switch (t) {
        case UNIT_SERVICE:
                return "Service";
        case UNIT_SOCKET:
                return "Socket";
        case UNIT_TIMER:
                return "Timer";
        case UNIT_PATH:
                return "Path";
        case UNIT_MOUNT:
                return "Mount";
        case UNIT_AUTOMOUNT:
                return "Automount";
        case UNIT_SWAP:
                return "Swap";
        case UNIT_SLICE:
                return "Slice";
        case UNIT_SCOPE:
                return "Scope";
        default:
                return NULL;
        }
}

static bool type_has_exec(UnitType t) {
        return t == UNIT_SERVICE || t == UNIT_SOCKET || t == UNIT_MOUNT || t == UNIT_SWAP;
}

static bool type_has_kill(UnitType t) {
        return type_has_exec(t) || t == UNIT_SCOPE;
}

static bool type_has_cgroup(UnitType t) {
        return type_has_kill(t) || t == UNIT_SLICE;
}

bool unit_section_is_known(UnitType t, const char *section) {
        const char *own = unit_type_section(t);

        if (sdu_streq(section, "Unit"))
                return true;
        if (sdu_streq(section, "Install"))
                return t != UNIT_SCOPE;
        return own && sdu_streq(section, own);
}

bool unit_directive_applies(const UnitDirective *d, UnitType t) {
        if (sdu_streq(d->section, "@exec"))
                return type_has_exec(t);
        if (sdu_streq(d->section, "@kill"))
                return type_has_kill(t);
        if (sdu_streq(d->section, "@cgroup"))
                return type_has_cgroup(t);
        return unit_section_is_known(t, d->section);
}

int unit_directive_lookup(UnitType t, const char *section, const char *key) {
        const char *own = unit_type_section(t);
        bool own_section;

        if (!unit_section_is_known(t, section))
                return -ENXIO;
        own_section = own && sdu_streq(section, own);
        for (size_t i = 0; i < unit_directive_table_size; i++) {
                const UnitDirective *d = unit_directive_table + i;

                if (!sdu_streq(d->key, key))
                        continue;
                if (sdu_streq(d->section, section) || (own_section && d->section[0] == '@' && unit_directive_applies(d, t)))
                        return (int) i;
        }
        return -ENOENT;
}

/* ---- parsing context and helpers ---- */

typedef struct Ctx {
        Unit *u;
        const UnitDiagSink *diag;
        const char *file;
        unsigned line;
        const UnitDirective *d;
        size_t row;
        const char *section;
} Ctx;

static void ctx_log(Ctx *c, UnitDiagLevel level, const char *fmt, ...) SDU_PRINTF(3, 4);
static void ctx_log(Ctx *c, UnitDiagLevel level, const char *fmt, ...) {
        char *msg = NULL;
        va_list ap;
        int n;

        if (level == UNIT_DIAG_WARNING)
                c->u->n_warnings++;
        else if (level == UNIT_DIAG_ERROR)
                c->u->n_errors++;
        va_start(ap, fmt);
        n = vasprintf(&msg, fmt, ap);
        va_end(ap);
        unit_diag(c->diag, level, c->file, c->line, "%s", n < 0 ? "(out of memory)" : msg);
        if (n >= 0)
                free(msg);
}

#define FIELD(c, type) ((type *) ((char *) (c)->u + (c)->d->offset))

static void mark_set(Ctx *c) {
        UnitSetting *s = c->u->settings + c->row;

        s->file = c->file;
        s->line = c->line;
        s->count++;
}

static void mark_reset(Ctx *c) {
        UnitSetting *s = c->u->settings + c->row;

        s->file = c->file;
        s->line = c->line;
        s->count = 0;
}

/* Expands specifiers unless the row forbids it. Returns 1 with *ret, 0 if it warned, <0 on OOM. */
static int expand(Ctx *c, const char *in, char **ret) {
        UnitSpecifierData sd = { .name = c->u->id, .fragment_path = c->u->fragment_path, .host = c->u->host };
        char *out;
        int r;

        if (c->d->flags & DIRECTIVE_NO_SPECIFIERS) {
                out = strdup(in);
                if (!out)
                        return -ENOMEM;
                *ret = out;
                return 1;
        }
        r = unit_specifier_expand(in, &sd, &out);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to resolve unit specifiers in %s, ignoring: %s", in,
                        r == -EBADSLT ? "Invalid slot" : strerror(-r));
                return 0;
        }
        *ret = out;
        return 1;
}

static int word_expand_cb(char **word, void *userdata) {
        Ctx *c = userdata;
        UnitSpecifierData sd = { .name = c->u->id, .fragment_path = c->u->fragment_path, .host = c->u->host };
        char *out;
        int r;

        r = unit_specifier_expand(*word, &sd, &out);
        if (r < 0)
                return r;
        free(*word);
        *word = out;
        return 0;
}

static void invalid(Ctx *c, const char *what, const char *value) {
        ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s, ignoring: %s", what, value);
}

static bool path_ok(const char *p) {
        return sdu_path_is_absolute(p) && sdu_path_is_normalized(p);
}

/* ---- per-kind parsers; all return 0 or -ENOMEM ---- */

static int parse_string(Ctx *c, const char *v) {
        char **f = FIELD(c, char *), *x;
        int r;

        if (!*v) {
                free(*f);
                *f = NULL;
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        if (c->d->kind == KIND_PATH && !path_ok(x)) {
                ctx_log(c, UNIT_DIAG_WARNING, "%s= path is not absolute or not normalized, ignoring: %s",
                        c->d->key, x);
                free(x);
                return 0;
        }
        if (c->d->kind == KIND_UNIT_NAME && !unit_name_is_valid(x, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse unit name, ignoring: %s", x);
                free(x);
                return 0;
        }
        if (c->d->kind == KIND_UNIT_NAME && sdu_streq(c->d->key, "Slice") && unit_name_to_type(x) != UNIT_SLICE) {
                ctx_log(c, UNIT_DIAG_WARNING, "Slice= must name a .slice unit, ignoring: %s", x);
                free(x);
                return 0;
        }
        free(*f);
        *f = x;
        mark_set(c);
        return 0;
}

typedef enum WordCheck {
        WORD_ANY,
        WORD_ABS_PATH,      /* absolute, normalized; optional '-' when DIRECTIVE_DASH_OK */
        WORD_REL_PATH,      /* relative, normalized, no ".." */
        WORD_UNIT_NAME,
        WORD_INSTALL_NAME,  /* [Install] names: templates allowed, same type for Alias= */
} WordCheck;

static bool word_ok(Ctx *c, WordCheck check, const char *w) {
        switch (check) {
        case WORD_ANY:
                return true;
        case WORD_ABS_PATH:
                if ((c->d->flags & DIRECTIVE_DASH_OK) && *w == '-')
                        w++;
                return path_ok(w);
        case WORD_REL_PATH:
                return *w && !sdu_path_is_absolute(w) && sdu_path_is_normalized(w) && !sdu_endswith(w, "/");
        case WORD_UNIT_NAME:
                return unit_name_is_valid(w, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE);
        case WORD_INSTALL_NAME:
                if (!unit_name_is_valid(w, UNIT_NAME_ANY))
                        return false;
                return !sdu_streq(c->d->key, "Alias") || unit_name_to_type(w) == c->u->type;
        }
        return false;
}

/* Space-separated words, appended; empty assignment resets (except dependencies). */
static int parse_words(Ctx *c, const char *v, WordCheck check, bool empty_resets) {
        char ***f = FIELD(c, char **);
        const char *p = v;

        if (!*v) {
                if (empty_resets) {
                        sdu_list_index_forget(c->u->load_index, f);
                        sdu_strv_free(*f);
                        *f = NULL;
                        mark_reset(c);
                }
                return 0;
        }
        for (;;) {
                char *w, *x;
                int r;

                r = sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Invalid syntax, ignoring: %s", v);
                        return 0;
                }
                if (r == 0)
                        break;
                r = expand(c, w, &x);
                free(w);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                if (!word_ok(c, check, x)) {
                        if (check == WORD_UNIT_NAME)
                                ctx_log(c, UNIT_DIAG_WARNING, "Failed to add dependency on %s, ignoring: Invalid argument", x);
                        else if (check == WORD_INSTALL_NAME)
                                ctx_log(c, UNIT_DIAG_WARNING, "%s= is not a valid unit name%s, ignoring: %s", c->d->key,
                                        sdu_streq(c->d->key, "Alias") ? " of the same type" : "", x);
                        else
                                ctx_log(c, UNIT_DIAG_WARNING, "%s= path is not valid, ignoring: %s", c->d->key, x);
                        free(x);
                        continue;
                }
                /* A name already listed is not added again: through the unit's index, so that
                 * tens of thousands of names load in linear time. */
                if (check == WORD_UNIT_NAME)
                        r = sdu_list_index_add(&c->u->load_index, f, SDU_LIST_KEY_WHOLE, x, false);
                else if ((r = sdu_strv_consume(f, x)) < 0)
                        free(x);
                if (r < 0)
                        return r;
                mark_set(c);
        }
        return 0;
}

static int parse_bool(Ctx *c, const char *v) {
        int *f = FIELD(c, int), b;

        if (!*v) {
                *f = -1;
                mark_reset(c);
                return 0;
        }
        b = sdu_parse_boolean(v);
        if (b < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse boolean value%s%s, ignoring: %s",
                        c->d->key ? " of " : "", c->d->key, v);
                return 0;
        }
        *f = b;
        mark_set(c);
        return 0;
}

static int enum_index(const char *const *values, const char *v) {
        for (int i = 0; values && values[i]; i++)
                if (strcmp(values[i], v) == 0)
                        return i;
        return -1;
}

static int parse_enum(Ctx *c, const char *v) {
        const char *const *values = c->d->data;
        int *f = FIELD(c, int), i;

        if (!*v) {
                *f = -1;
                mark_reset(c);
                return 0;
        }
        i = enum_index(values, v);
        if (i < 0 && values == preserve_values) {
                int b = sdu_parse_boolean(v);
                if (b >= 0)
                        i = b;
        }
        if (i < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s= value, ignoring: %s", c->d->key, v);
                return 0;
        }
        *f = i;
        mark_set(c);
        return 0;
}

static int parse_int(Ctx *c, const char *v) {
        const IntRange *range = c->d->data;
        int *f = FIELD(c, int), n;

        if (!*v) {
                mark_reset(c);
                return 0;
        }
        if (sdu_safe_atoi(v, &n) < 0) {
                invalid(c, c->d->key, v);
                return 0;
        }
        if (range && (n < range->min || n > range->max)) {
                ctx_log(c, UNIT_DIAG_WARNING, "%s= value out of range, ignoring: %s", c->d->key, v);
                return 0;
        }
        *f = n;
        mark_set(c);
        return 0;
}

static int parse_uint64(Ctx *c, const char *v) {
        const IntRange *range = c->d->data;
        uint64_t *f = FIELD(c, uint64_t), n;

        if (!*v) {
                mark_reset(c);
                return 0;
        }
        if ((sdu_streq(c->d->key, "CPUWeight") || sdu_streq(c->d->key, "StartupCPUWeight")) && sdu_streq(v, "idle")) {
                *f = 0;
                mark_set(c);
                return 0;
        }
        if (sdu_safe_atou64(v, &n) < 0) {
                invalid(c, c->d->key, v);
                return 0;
        }
        if (range && ((long long) n < range->min || n > (uint64_t) range->max)) {
                ctx_log(c, UNIT_DIAG_WARNING, "%s= value out of range, ignoring: %s", c->d->key, v);
                return 0;
        }
        *f = n;
        mark_set(c);
        return 0;
}

static int parse_time(Ctx *c, const char *v) {
        uint64_t *f = FIELD(c, uint64_t), t;
        int r;

        if (!*v) {
                *f = 0;
                mark_reset(c);
                return 0;
        }
        r = sdu_parse_sec(v, &t);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s= time span, ignoring: %s", c->d->key, v);
                return 0;
        }
        *f = t;
        mark_set(c);
        return 0;
}

static int parse_timeout_both(Ctx *c, const char *v) {
        uint64_t t;
        int r, start, stop;

        r = sdu_parse_sec(v, &t);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || !*v) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s= time span, ignoring: %s", c->d->key, v);
                return 0;
        }
        /* TimeoutSec= is TimeoutStartSec= plus TimeoutStopSec=; record both rows. */
        start = unit_directive_lookup(UNIT_SERVICE, "Service", "TimeoutStartSec");
        stop = unit_directive_lookup(UNIT_SERVICE, "Service", "TimeoutStopSec");
        if (start < 0 || stop < 0)
                return 0;
        c->u->service.timeout_start_usec = c->u->service.timeout_stop_usec = t;
        for (int i = 0; i < 2; i++) {
                Ctx sub = *c;
                sub.row = (size_t) (i == 0 ? start : stop);
                sub.d = unit_directive_table + sub.row;
                mark_set(&sub);
        }
        return 0;
}

static int parse_size(Ctx *c, const char *v) {
        uint64_t *f = FIELD(c, uint64_t), n;
        int r;

        if (!*v) {
                mark_reset(c);
                return 0;
        }
        r = sdu_parse_size(v, &n);
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s= size, ignoring: %s", c->d->key, v);
                return 0;
        }
        *f = n;
        mark_set(c);
        return 0;
}

static int parse_mode(Ctx *c, const char *v) {
        mode_t *f = FIELD(c, mode_t), m;

        if (!*v) {
                mark_reset(c);
                return 0;
        }
        if (sdu_parse_mode(v, &m) < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse mode value, ignoring: %s", v);
                return 0;
        }
        *f = m;
        mark_set(c);
        return 0;
}

static int parse_signal(Ctx *c, const char *v) {
        int *f = FIELD(c, int), sig;

        if (!*v) {
                *f = -1;
                mark_reset(c);
                return 0;
        }
        sig = sdu_signal_from_string(v);
        if (sig <= 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse signal name, ignoring: %s", v);
                return 0;
        }
        *f = sig;
        mark_set(c);
        return 0;
}

static int parse_exit_status(Ctx *c, const char *v) {
        SduExitStatusSet *f = FIELD(c, SduExitStatusSet);
        char *bad = NULL;
        int r;

        if (!*v) {
                *f = (SduExitStatusSet) {};
                mark_reset(c);
                return 0;
        }
        r = sdu_exit_status_set_add(f, v, &bad);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse exit status '%s', ignoring: %s", bad ?: "", v);
                free(bad);
                return 0;
        }
        mark_set(c);
        return 0;
}

static int parse_rlimit(Ctx *c, const char *v) {
        int resource = (int) (uintptr_t) c->d->data;
        RLimitSetting *f = FIELD(c, RLimitSetting) + resource;
        uint64_t soft, hard;
        int r;

        if (resource < 0 || resource >= SDU_RLIMIT_MAX)
                return 0;
        if (!*v) {
                f->set = false;
                mark_reset(c);
                return 0;
        }
        r = sdu_parse_rlimit(resource, v, &soft, &hard);
        if (r == -ENOMEM)
                return r;
        if (r == -EILSEQ) {
                ctx_log(c, UNIT_DIAG_WARNING, "Soft resource limit chosen higher than hard limit, ignoring: %s", v);
                return 0;
        }
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse resource value, ignoring: %s", v);
                return 0;
        }
        *f = (RLimitSetting) { .soft = soft, .hard = hard, .set = true };
        mark_set(c);
        return 0;
}

static int parse_caps(Ctx *c, const char *v) {
        CapabilitySetting *f = FIELD(c, CapabilitySetting);
        char *bad = NULL;
        uint64_t mask;
        bool invert;
        int r;

        if (!*v) {
                /* An empty assignment resets to the empty set. */
                *f = (CapabilitySetting) { .mask = 0, .set = true };
                mark_set(c);
                return 0;
        }
        r = sdu_parse_capability_set(v, &mask, &invert, &bad);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse capability '%s' in %s=, ignoring: %s", bad ?: "",
                        c->d->key, v);
                free(bad);
                return 0;
        }
        /* The first assignment sets the value; later ones add to it, or remove from it when
         * inverted. */
        if (!f->set)
                f->mask = invert ? (~mask & SDU_CAP_ALL) : mask;
        else if (invert)
                f->mask &= ~mask;
        else
                f->mask |= mask;
        f->set = true;
        mark_set(c);
        return 0;
}

static int parse_env(Ctx *c, const char *v) {
        char ***f = FIELD(c, char **);
        const char *p = v;

        if (!*v) {
                sdu_list_index_forget(c->u->load_index, f);
                sdu_strv_free(*f);
                *f = NULL;
                mark_reset(c);
                return 0;
        }
        for (;;) {
                char *w, *x;
                int r;

                r = sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Invalid syntax, ignoring: %s", v);
                        return 0;
                }
                if (r == 0)
                        break;
                r = expand(c, w, &x);
                free(w);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                if (!sdu_env_assignment_is_valid(x)) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Invalid environment assignment, ignoring: %s", x);
                        free(x);
                        continue;
                }
                /* As sdu_env_replace(), through the unit's index: the last assignment of a name
                 * wins, in the first one's place, in linear time however many names. */
                r = sdu_list_index_add(&c->u->load_index, f, SDU_LIST_KEY_ENV_NAME, x, true);
                if (r < 0)
                        return r;
                mark_set(c);
        }
        return 0;
}

static int parse_env_files(Ctx *c, const char *v) {
        char ***f = FIELD(c, char **), *x;
        const char *path;
        int r;

        if (!*v) {
                sdu_strv_free(*f);
                *f = NULL;
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        path = x[0] == '-' ? x + 1 : x;
        if (!path_ok(path)) {
                ctx_log(c, UNIT_DIAG_WARNING, "Path '%s' is not absolute, ignoring.", x);
                free(x);
                return 0;
        }
        r = sdu_strv_consume(f, x);
        if (r < 0) {
                free(x);
                return r;
        }
        mark_set(c);
        return 0;
}

static int parse_exec(Ctx *c, const char *v) {
        ExecCommandList *f = FIELD(c, ExecCommandList);
        const char *err = NULL;
        bool relaxed = false;
        int r;

        if (!*v) {
                exec_command_list_done(f);
                mark_reset(c);
                return 0;
        }
        r = sdu_parse_exec_line(v, word_expand_cb, c, f, &err, &relaxed);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "%s, ignoring: %s", err ?: "Invalid command line", v);
                return 0;
        }
        if (relaxed)
                ctx_log(c, UNIT_DIAG_WARNING, "Ignoring unknown escape sequences: \"%s\"", v);
        mark_set(c);
        return 0;
}

static int parse_condition(Ctx *c, const char *v) {
        const ConditionDesc *desc = c->d->data;
        ConditionList *f = FIELD(c, ConditionList);
        Condition cond = {};
        Condition *n;
        const char *p = v;
        char *x;
        int r;

        if (!*v) {
                /* Resets all conditions (or asserts), as documented in systemd.unit(5). */
                for (size_t i = 0; i < f->n; i++) {
                        free(f->items[i].type);
                        free(f->items[i].parameter);
                }
                free(f->items);
                *f = (ConditionList) {};
                mark_reset(c);
                return 0;
        }
        if (*p == '|') {
                cond.trigger = true;
                p++;
                p += strspn(p, SDU_WHITESPACE);
        }
        if (*p == '!') {
                cond.negate = true;
                p++;
                p += strspn(p, SDU_WHITESPACE);
        }
        r = expand(c, p, &x);
        if (r <= 0)
                return r;
        if (desc->check == COND_PATH && !path_ok(x)) {
                ctx_log(c, UNIT_DIAG_WARNING, "Path in condition not absolute, ignoring: %s", x);
                free(x);
                return 0;
        }
        if (desc->check == COND_BOOL && sdu_parse_boolean(x) < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse boolean value in condition, ignoring: %s", x);
                free(x);
                return 0;
        }
        cond.parameter = x;
        cond.type = strdup(desc->type);
        n = cond.type ? realloc(f->items, (f->n + 1) * sizeof(Condition)) : NULL;
        if (!n) {
                free(cond.type);
                free(x);
                return -ENOMEM;
        }
        f->items = n;
        f->items[f->n++] = cond;
        mark_set(c);
        return 0;
}

static int parse_limit(Ctx *c, const char *v) {
        int flavour = *(const int *) c->d->data;
        LimitValue *f = FIELD(c, LimitValue);
        LimitValue nv = { .set = true };
        unsigned pm;
        int r;

        if (!*v) {
                *f = (LimitValue) {};
                mark_reset(c);
                return 0;
        }
        if (flavour == LIMIT_CPU_QUOTA) {
                /* "20%", "200%": percent of one CPU, may exceed 100%. */
                char *e = sdu_endswith(v, "%");
                uint64_t n;
                char *num;

                num = e ? sdu_strndup(v, (size_t) (e - v)) : NULL;
                if (e && !num)
                        return -ENOMEM;
                r = num ? sdu_safe_atou64(num, &n) : -EINVAL;
                free(num);
                if (r < 0 || n == 0 || n > UINT32_MAX / 100) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Invalid CPU quota '%s', ignoring.", v);
                        return 0;
                }
                nv.is_relative = true;
                nv.permyriad = (unsigned) (n * 100);
        } else if (sdu_streq(v, "infinity")) {
                nv.value = SDU_SIZE_INFINITY;
        } else if ((r = sdu_parse_permyriad(v, &pm)) >= 0) {
                nv.is_relative = true;
                nv.permyriad = pm;
        } else if (r == -ERANGE) {
                ctx_log(c, UNIT_DIAG_WARNING, "%s= value out of range, ignoring: %s", c->d->key, v);
                return 0;
        } else {
                r = flavour == LIMIT_TASKS ? sdu_safe_atou64(v, &nv.value) : sdu_parse_size(v, &nv.value);
                if (r < 0) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Invalid %s= value, ignoring: %s", c->d->key, v);
                        return 0;
                }
                if (flavour == LIMIT_TASKS && nv.value == 0) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Invalid %s= value, ignoring: %s", c->d->key, v);
                        return 0;
                }
        }
        if (c->d->flags & DIRECTIVE_DEPRECATED)
                ctx_log(c, UNIT_DIAG_NOTICE, "Unit uses %s=; please use MemoryMax= instead. Support for %s= will be removed soon.",
                        c->d->key, c->d->key);
        *f = nv;
        mark_set(c);
        return 0;
}

static bool socket_address_ok(const char *a) {
        const char *colon;
        uint64_t port;
        char *host;
        bool ok;

        if (*a == '/' || *a == '@')
                return a[1] != 0;
        if (sdu_startswith(a, "vsock:"))
                return true;
        if (sdu_safe_atou64(a, &port) >= 0)
                return port > 0 && port <= 65535;
        colon = strrchr(a, ':');
        if (!colon || sdu_safe_atou64(colon + 1, &port) < 0 || port == 0 || port > 65535)
                return false;
        if (*a == '[') {
                unsigned char buf[16];
                const char *close = strchr(a, ']');

                if (!close || close + 1 != colon)
                        return false;
                host = sdu_strndup(a + 1, (size_t) (close - a - 1));
                if (!host)
                        return false;
                /* Allow a %scope suffix. */
                host[strcspn(host, "%")] = 0;
                ok = inet_pton(AF_INET6, host, buf) == 1;
        } else {
                unsigned char buf[4];

                host = sdu_strndup(a, (size_t) (colon - a));
                if (!host)
                        return false;
                ok = inet_pton(AF_INET, host, buf) == 1;
        }
        free(host);
        return ok;
}

static int parse_listen(Ctx *c, const char *v) {
        ListenList *f = FIELD(c, ListenList);
        const char *k = c->d->key;
        ListenEntry *n;
        char *x, *type;
        bool ok;
        int r;

        if (!*v) {
                for (size_t i = 0; i < f->n; i++) {
                        free(f->items[i].type);
                        free(f->items[i].address);
                }
                free(f->items);
                *f = (ListenList) {};
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        if (sdu_streq(k, "ListenStream") || sdu_streq(k, "ListenDatagram") || sdu_streq(k, "ListenSequentialPacket"))
                ok = socket_address_ok(x);
        else if (sdu_streq(k, "ListenNetlink"))
                ok = isalpha((unsigned char) x[0]);
        else if (sdu_streq(k, "ListenMessageQueue"))
                ok = x[0] == '/' && !strchr(x + 1, '/');
        else
                ok = path_ok(x);
        if (!ok) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse address value in '%s', ignoring: %s", k, x);
                free(x);
                return 0;
        }
        type = strdup(k);
        n = type ? realloc(f->items, (f->n + 1) * sizeof(ListenEntry)) : NULL;
        if (!n) {
                free(type);
                free(x);
                return -ENOMEM;
        }
        f->items = n;
        f->items[f->n++] = (ListenEntry) { .type = type, .address = x };
        mark_set(c);
        return 0;
}

static int parse_pathspec(Ctx *c, const char *v) {
        PathSpecList *f = FIELD(c, PathSpecList);
        PathSpec *n;
        char *x, *type;
        int r;

        if (!*v) {
                for (size_t i = 0; i < f->n; i++) {
                        free(f->items[i].type);
                        free(f->items[i].path);
                }
                free(f->items);
                *f = (PathSpecList) {};
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        if (!path_ok(x)) {
                ctx_log(c, UNIT_DIAG_WARNING, "Path is not absolute, ignoring: %s", x);
                free(x);
                return 0;
        }
        type = strdup(c->d->key);
        n = type ? realloc(f->items, (f->n + 1) * sizeof(PathSpec)) : NULL;
        if (!n) {
                free(type);
                free(x);
                return -ENOMEM;
        }
        f->items = n;
        f->items[f->n++] = (PathSpec) { .type = type, .path = x };
        mark_set(c);
        return 0;
}

static int parse_timelist(Ctx *c, const char *v) {
        TimeList *f = FIELD(c, TimeList);
        uint64_t t, *n;
        char *x;
        int r;

        if (!*v) {
                free(f->items);
                *f = (TimeList) {};
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        r = sdu_parse_sec(x, &t);
        free(x);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse timer value, ignoring: %s", v);
                return 0;
        }
        n = realloc(f->items, (f->n + 1) * sizeof(uint64_t));
        if (!n)
                return -ENOMEM;
        f->items = n;
        f->items[f->n++] = t;
        mark_set(c);
        return 0;
}

static int parse_calendar(Ctx *c, const char *v) {
        char ***f = FIELD(c, char **), *x;
        int r;

        if (!*v) {
                sdu_strv_free(*f);
                *f = NULL;
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        /* OnCalendar=: the calendar engine (calendar.h) checks it fully. What systemd accepts but
         * sdinit cannot compute ("~", other time zones) is kept, with a notice: the timer skips it. */
        {
                CalendarSpec *spec = NULL;
                char why[256];
                r = calendar_spec_parse(x, &spec, why, sizeof(why));
                calendar_spec_free(spec);
                if (r == -ENOMEM) {
                        free(x);
                        return r;
                }
                if (r == -EOPNOTSUPP)
                        ctx_log(c, UNIT_DIAG_NOTICE, "OnCalendar=%s: %s by sdinit: this value will never elapse", x, why);
                else if (r < 0) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse calendar specification, ignoring: %s (%s)", x, why);
                        free(x);
                        return 0;
                }
        }
        r = sdu_strv_consume(f, x);
        if (r < 0) {
                free(x);
                return r;
        }
        mark_set(c);
        return 0;
}

static int parse_stdio(Ctx *c, const char *v) {
        bool is_input = sdu_streq(c->d->key, "StandardInput");
        const char *const *values = is_input ? stdin_values : stdout_values;
        char **file = (char **) ((char *) c->u + (uintptr_t) c->d->data);
        int *f = FIELD(c, int), i;
        const char *colon;
        char *name, *x = NULL;
        int r;

        if (!*v) {
                *f = -1;
                free(*file);
                *file = NULL;
                mark_reset(c);
                return 0;
        }
        if (!is_input && (sdu_streq(v, "syslog") || sdu_streq(v, "syslog+console"))) {
                ctx_log(c, UNIT_DIAG_NOTICE, "Standard output type %s is obsolete, automatically updating to %s.", v,
                        sdu_streq(v, "syslog") ? "journal" : "journal+console");
                v = sdu_streq(v, "syslog") ? "journal" : "journal+console";
        }
        colon = strchr(v, ':');
        name = colon ? sdu_strndup(v, (size_t) (colon - v)) : strdup(v);
        if (!name)
                return -ENOMEM;
        i = enum_index(values, name);
        free(name);
        if (i < 0 || (colon && !(sdu_streq(values[i], "file") || sdu_streq(values[i], "append") ||
                                 sdu_streq(values[i], "truncate") || sdu_streq(values[i], "fd"))) ||
            (!colon && (sdu_streq(values[i], "file") || sdu_streq(values[i], "append") ||
                        sdu_streq(values[i], "truncate")))) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s= specifier, ignoring: %s", c->d->key, v);
                return 0;
        }
        if (colon) {
                r = expand(c, colon + 1, &x);
                if (r <= 0)
                        return r;
                if (!sdu_streq(values[i], "fd") && !path_ok(x)) {
                        ctx_log(c, UNIT_DIAG_WARNING, "%s= path is not absolute, ignoring: %s", c->d->key, x);
                        free(x);
                        return 0;
                }
        }
        *f = i;
        free(*file);
        *file = x;
        mark_set(c);
        return 0;
}

static bool raw_ok(Ctx *c, const RawDesc *desc, const char *x) {
        const char *p = x;

        switch (desc->check) {
        case RAW_ANY:
                return true;
        case RAW_BOOL:
                return sdu_parse_boolean(x) >= 0;
        case RAW_BOOL_OR_ENUM:
                return sdu_parse_boolean(x) >= 0 || enum_index(desc->values, x) >= 0;
        case RAW_ENUM:
                return enum_index(desc->values, x) >= 0;
        case RAW_PATHS:
        case RAW_WORDS:
                for (;;) {
                        char *w;
                        int r = sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE);
                        const char *q;
                        bool ok = true;

                        if (r < 0)
                                return false;
                        if (r == 0)
                                return true;
                        if (desc->check == RAW_PATHS) {
                                q = w;
                                while (*q == '-' || *q == '+')
                                        q++;
                                ok = path_ok(q);
                        }
                        free(w);
                        if (!ok)
                                return false;
                }
        }
        (void) c;
        return false;
}

static int parse_raw(Ctx *c, const char *v) {
        const RawDesc *desc = c->d->data;
        UnitSetting *s = c->u->settings + c->row;
        bool list = desc->check == RAW_PATHS || desc->check == RAW_WORDS || desc->check == RAW_ANY;
        char *x;
        int r;

        if (!*v) {
                sdu_strv_free(s->raw);
                s->raw = NULL;
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        if (!raw_ok(c, desc, x)) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s= value, ignoring: %s", c->d->key, x);
                free(x);
                return 0;
        }
        if (!list) {
                /* Single-valued settings: the last assignment wins. */
                sdu_strv_free(s->raw);
                s->raw = NULL;
        }
        r = sdu_strv_consume(&s->raw, x);
        if (r < 0) {
                free(x);
                return r;
        }
        mark_set(c);
        return 0;
}

static int dispatch(Ctx *c, const char *v) {
        switch (c->d->kind) {
        case KIND_STRING:
        case KIND_PATH:
        case KIND_UNIT_NAME:
                return parse_string(c, v);
        case KIND_STRV:
                return parse_words(c, v, (c->d->flags & DIRECTIVE_UNIT_NAMES) ? WORD_INSTALL_NAME : WORD_ANY, true);
        case KIND_PATHS:
                return parse_words(c, v, WORD_ABS_PATH, true);
        case KIND_RELPATHS:
                return parse_words(c, v, WORD_REL_PATH, true);
        case KIND_DEPS:
                return parse_words(c, v, WORD_UNIT_NAME, false);
        case KIND_BOOL:
                return parse_bool(c, v);
        case KIND_ENUM:
                return parse_enum(c, v);
        case KIND_INT:
                return parse_int(c, v);
        case KIND_UINT64:
                return parse_uint64(c, v);
        case KIND_TIME:
                return parse_time(c, v);
        case KIND_TIMEOUT_BOTH:
                return parse_timeout_both(c, v);
        case KIND_SIZE:
                return parse_size(c, v);
        case KIND_MODE:
                return parse_mode(c, v);
        case KIND_SIGNAL:
                return parse_signal(c, v);
        case KIND_EXIT_STATUS:
                return parse_exit_status(c, v);
        case KIND_RLIMIT:
                return parse_rlimit(c, v);
        case KIND_CAPS:
                return parse_caps(c, v);
        case KIND_ENV:
                return parse_env(c, v);
        case KIND_ENV_FILES:
                return parse_env_files(c, v);
        case KIND_EXEC:
                return parse_exec(c, v);
        case KIND_CONDITION:
                return parse_condition(c, v);
        case KIND_LIMIT:
                return parse_limit(c, v);
        case KIND_LISTEN:
                return parse_listen(c, v);
        case KIND_PATHSPEC:
                return parse_pathspec(c, v);
        case KIND_TIMELIST:
                return parse_timelist(c, v);
        case KIND_CALENDAR:
                return parse_calendar(c, v);
        case KIND_STDIO:
                return parse_stdio(c, v);
        case KIND_RAW:
                return parse_raw(c, v);
        case _KIND_MAX:
                break;
        }
        return 0;
}

int unit_directive_assign(Unit *u, const UnitDiagSink *diag, const char *section, const char *key,
                          const char *value, const char *file, unsigned line) {
        Ctx c = { .u = u, .diag = diag, .file = file, .line = line, .section = section };
        int i;

        i = unit_directive_lookup(u->type, section, key);
        if (i < 0) {
                if (sdu_startswith(key, "X-"))
                        return 0;
                c.d = NULL;
                u->n_warnings++;
                unit_diag(diag, UNIT_DIAG_WARNING, file, line, "Unknown key name '%s' in section '%s', ignoring.", key,
                          section);
                return 0;
        }
        c.row = (size_t) i;
        c.d = unit_directive_table + i;
        if (c.d->flags & DIRECTIVE_DEPRECATED && c.d->kind != KIND_LIMIT)
                unit_diag(diag, UNIT_DIAG_NOTICE, file, line, "%s= is deprecated.", key);
        return dispatch(&c, value);
}

/* ---- defaults and formatting ---- */

void unit_directive_init_defaults(Unit *u) {
        for (size_t i = 0; i < unit_directive_table_size; i++) {
                const UnitDirective *d = unit_directive_table + i;

                switch (d->kind) {
                case KIND_BOOL:
                case KIND_ENUM:
                case KIND_SIGNAL:
                case KIND_STDIO:
                        *(int *) ((char *) u + d->offset) = -1;
                        break;
                default:
                        break;
                }
        }
}

static int push(char ***l, char *s) {
        int r;

        if (!s)
                return -ENOMEM;
        r = sdu_strv_consume(l, s);
        if (r < 0)
                free(s);
        return r;
}

static char *format_words(char **l, bool quote) {
        SduBuf b = {};
        int r = sdu_buf_puts(&b, "");

        for (size_t i = 0; r >= 0 && l && l[i]; i++) {
                char *q = quote ? sdu_quote_word(l[i]) : strdup(l[i]);

                if (!q) {
                        r = -ENOMEM;
                        break;
                }
                if (i > 0)
                        r = sdu_buf_putc(&b, ' ');
                if (r >= 0)
                        r = sdu_buf_puts(&b, q);
                free(q);
        }
        if (r < 0) {
                sdu_buf_done(&b);
                return NULL;
        }
        return sdu_buf_steal(&b);
}

static char *format_limit(const LimitValue *l, bool cpu) {
        if (l->is_relative) {
                if (cpu)
                        return sdu_asprintf("%u%%", l->permyriad / 100);
                if (l->permyriad % 100)
                        return sdu_asprintf("%u.%02u%%", l->permyriad / 100, l->permyriad % 100);
                return sdu_asprintf("%u%%", l->permyriad / 100);
        }
        if (l->value == SDU_SIZE_INFINITY)
                return strdup("infinity");
        return sdu_asprintf("%llu", (unsigned long long) l->value);
}

static char *format_rlimit_value(uint64_t v) {
        if (v == SDU_SIZE_INFINITY)
                return strdup("infinity");
        return sdu_asprintf("%llu", (unsigned long long) v);
}

static char *format_caps(uint64_t mask) {
        SduBuf b = {};
        int r = sdu_buf_puts(&b, "");

        for (int i = 0; i <= SDU_CAP_LAST && r >= 0; i++)
                if (mask & (UINT64_C(1) << i)) {
                        if (b.len)
                                r = sdu_buf_putc(&b, ' ');
                        for (const char *p = sdu_capability_to_name(i); r >= 0 && *p; p++)
                                r = sdu_buf_putc(&b, (char) toupper((unsigned char) *p));
                }
        if (r < 0) {
                sdu_buf_done(&b);
                return NULL;
        }
        return sdu_buf_steal(&b);
}

/* Returns the lines (values) to print for row i, or NULL list when unset. */
static int format_row(const Unit *u, size_t i, char ***ret) {
        const UnitDirective *d = unit_directive_table + i;
        const void *field = (const char *) u + d->offset;
        char **l = NULL;
        int r = 0;

        switch (d->kind) {
        case KIND_STRING:
        case KIND_PATH:
        case KIND_UNIT_NAME:
                if (*(char *const *) field)
                        r = push(&l, strdup(*(char *const *) field));
                break;
        case KIND_STRV:
        case KIND_PATHS:
        case KIND_RELPATHS:
        case KIND_DEPS:
        case KIND_ENV_FILES:
                if (*(char **const *) field)
                        r = push(&l, format_words(*(char **const *) field, false));
                break;
        case KIND_ENV:
                if (*(char **const *) field)
                        r = push(&l, format_words(*(char **const *) field, true));
                break;
        case KIND_CALENDAR:
                for (char **p = *(char **const *) field; p && *p && r >= 0; p++)
                        r = push(&l, strdup(*p));
                break;
        case KIND_BOOL:
                if (*(const int *) field >= 0)
                        r = push(&l, strdup(*(const int *) field ? "yes" : "no"));
                break;
        case KIND_ENUM: {
                int v = *(const int *) field;
                if (v >= 0)
                        r = push(&l, strdup(((const char *const *) d->data)[v]));
                break;
        }
        case KIND_INT:
                r = push(&l, sdu_asprintf("%d", *(const int *) field));
                break;
        case KIND_UINT64:
                r = push(&l, sdu_asprintf("%llu", (unsigned long long) *(const uint64_t *) field));
                break;
        case KIND_TIME:
                r = push(&l, sdu_format_timespan(*(const uint64_t *) field));
                break;
        case KIND_SIZE:
                r = push(&l, sdu_asprintf("%llu", (unsigned long long) *(const uint64_t *) field));
                break;
        case KIND_MODE:
                r = push(&l, sdu_asprintf("%04o", (unsigned) *(const mode_t *) field));
                break;
        case KIND_SIGNAL: {
                char buf[16];
                int sig = *(const int *) field;
                const char *n = sig > 0 ? sdu_signal_to_string(sig, buf) : NULL;
                if (n)
                        r = push(&l, sdu_asprintf("SIG%s", n));
                else if (sig > 0)
                        r = push(&l, sdu_asprintf("%d", sig));
                break;
        }
        case KIND_EXIT_STATUS:
                if (!sdu_exit_status_set_is_empty(field))
                        r = push(&l, sdu_exit_status_set_to_string(field));
                break;
        case KIND_RLIMIT: {
                const RLimitSetting *rl = (const RLimitSetting *) field + (uintptr_t) d->data;
                if (rl->set) {
                        char *a = format_rlimit_value(rl->soft), *b = format_rlimit_value(rl->hard);
                        if (a && b)
                                r = push(&l, rl->soft == rl->hard ? strdup(a) : sdu_asprintf("%s:%s", a, b));
                        else
                                r = -ENOMEM;
                        free(a);
                        free(b);
                }
                break;
        }
        case KIND_CAPS: {
                const CapabilitySetting *cs = field;
                if (cs->set)
                        r = push(&l, format_caps(cs->mask));
                break;
        }
        case KIND_EXEC: {
                const ExecCommandList *el = field;
                for (size_t k = 0; k < el->n && r >= 0; k++)
                        r = push(&l, exec_command_to_string(el->items + k));
                break;
        }
        case KIND_CONDITION: {
                const ConditionList *cl = field;
                const ConditionDesc *desc = d->data;
                for (size_t k = 0; k < cl->n && r >= 0; k++)
                        if (sdu_streq(cl->items[k].type, desc->type))
                                r = push(&l, sdu_asprintf("%s%s%s", cl->items[k].trigger ? "|" : "",
                                                          cl->items[k].negate ? "!" : "", cl->items[k].parameter));
                break;
        }
        case KIND_LIMIT: {
                const LimitValue *lv = field;
                if (lv->set)
                        r = push(&l, format_limit(lv, *(const int *) d->data == LIMIT_CPU_QUOTA));
                break;
        }
        case KIND_LISTEN: {
                const ListenList *ll = field;
                for (size_t k = 0; k < ll->n && r >= 0; k++)
                        if (sdu_streq(ll->items[k].type, d->key))
                                r = push(&l, strdup(ll->items[k].address));
                break;
        }
        case KIND_PATHSPEC: {
                const PathSpecList *pl = field;
                for (size_t k = 0; k < pl->n && r >= 0; k++)
                        if (sdu_streq(pl->items[k].type, d->key))
                                r = push(&l, strdup(pl->items[k].path));
                break;
        }
        case KIND_TIMELIST: {
                const TimeList *tl = field;
                for (size_t k = 0; k < tl->n && r >= 0; k++)
                        r = push(&l, sdu_format_timespan(tl->items[k]));
                break;
        }
        case KIND_STDIO: {
                int v = *(const int *) field;
                const char *const *values = sdu_streq(d->key, "StandardInput") ? stdin_values : stdout_values;
                const char *file = *(char *const *) ((const char *) u + (uintptr_t) d->data);
                if (v >= 0)
                        r = push(&l, file ? sdu_asprintf("%s:%s", values[v], file) : strdup(values[v]));
                break;
        }
        case KIND_RAW:
                for (char **p = u->settings ? u->settings[i].raw : NULL; p && *p && r >= 0; p++)
                        r = push(&l, strdup(*p));
                break;
        case KIND_TIMEOUT_BOTH:
        case _KIND_MAX:
                break;
        }
        if (r < 0) {
                sdu_strv_free(l);
                return r;
        }
        *ret = l;
        return 0;
}

int unit_directive_format(const Unit *u, size_t i, char **ret) {
        char **l = NULL, *s;
        int r;

        r = format_row(u, i, &l);
        if (r < 0)
                return r;
        if (!l) {
                *ret = NULL;
                return 0;
        }
        s = sdu_strv_join(l, "\n");
        sdu_strv_free(l);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

const char *const *unit_directive_enum_values(const char *section, const char *key) {
        for (size_t i = 0; i < unit_directive_table_size; i++) {
                const UnitDirective *d = unit_directive_table + i;

                if (d->kind == KIND_ENUM && sdu_streq(d->section, section) && sdu_streq(d->key, key))
                        return d->data;
        }
        return NULL;
}
