/* SPDX-License-Identifier: MIT */
/* The directive table (the parsers are in unit-directive-parse.c, initial values and formatting in
 * unit-directive-format.c).
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

#include "common/signames.h"
#include "list-index.h"
#include "sdu-util.h"
#include "unit-directive-by-key.h"
#include "unit-type-info.h"

#define U(f) offsetof(Unit, f)
#define CG(f) offsetof(CGroupSettings, f) /* DIRECTIVE_IN_CGROUP rows */
#define EX(f) offsetof(ExecSettings, f)   /* DIRECTIVE_IN_EXEC rows */
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
const char *const directive_stdin_values[] = { "null", "tty", "tty-force", "tty-fail", "data", "file",
                                            "socket", "fd", NULL };
const char *const directive_stdout_values[] = { "inherit", "null", "tty", "journal", "kmsg", "journal+console",
                                             "kmsg+console", "file", "append", "truncate", "socket", "fd",
                                             NULL };
const char *const directive_preserve_values[] = { "no", "yes", "restart", NULL };
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

static const int limit_memory = LIMIT_MEMORY, limit_tasks = LIMIT_TASKS, limit_cpu = LIMIT_CPU_QUOTA;

/* ---- conditions ---- */


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
        { "@exec", "Limit" #name, KIND_RLIMIT, EX(rlimits), DIRECTIVE_IN_EXEC, (const void *) (uintptr_t) (res) },
#define DEP_ROW(key, dep) { "Unit", key, KIND_DEPS, U(unit.deps[dep]), 0, NULL },
#define RAW_ROW(sec, key, desc) { sec, key, KIND_RAW, 0, NE, &desc },
/* Validated and kept verbatim like RAW_ROW, and enforced by the service manager (service/exec-*.c)
 * from the typed Unit.exec.sandbox or, for the seccomp lists and credentials, unit_raw_values(). */
#define RAW_ROW_ENFORCED(sec, key, desc) { sec, key, KIND_RAW, 0, 0, &desc },
/* Validated as RAW_ROW, enforced by the service manager from Unit.exec.sandbox (service/exec-ns*.c). */
#define KEPT_ROW(sec, key, desc) { sec, key, KIND_RAW, 0, DIRECTIVE_KEEP_RAW, &desc },
#define STDIO_FILE(f) ((const void *) (uintptr_t) EX(f))

/* Indexed by UnitDirectiveId (unit-directive-ids.h): a row added here gets its id there, at the
 * same position. */
const UnitDirective unit_directive_table[_UD_MAX] = {
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
        { "@exec", "User", KIND_STRING, EX(user), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "Group", KIND_STRING, EX(group), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "SupplementaryGroups", KIND_STRV, EX(supplementary_groups), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "WorkingDirectory", KIND_STRING, EX(working_directory), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "RootDirectory", KIND_PATH, EX(root_directory), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "Environment", KIND_ENV, EX(environment), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "EnvironmentFile", KIND_ENV_FILES, EX(environment_files), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "PassEnvironment", KIND_STRV, EX(pass_environment), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "UnsetEnvironment", KIND_STRV, EX(unset_environment), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "UMask", KIND_MODE, EX(umask), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "Nice", KIND_INT, EX(nice), DIRECTIVE_IN_EXEC, &range_nice },
        { "@exec", "OOMScoreAdjust", KIND_INT, EX(oom_score_adjust), DIRECTIVE_IN_EXEC, &range_oom },
        { "@exec", "CPUSchedulingPolicy", KIND_ENUM, EX(cpu_scheduling_policy), DIRECTIVE_IN_EXEC, sched_policy_values },
        { "@exec", "CPUSchedulingPriority", KIND_INT, EX(cpu_scheduling_priority), DIRECTIVE_IN_EXEC, &range_prio },
        { "@exec", "IOSchedulingClass", KIND_ENUM, EX(io_scheduling_class), DIRECTIVE_IN_EXEC, io_class_values },
        { "@exec", "IOSchedulingPriority", KIND_INT, EX(io_scheduling_priority), DIRECTIVE_IN_EXEC, &range_ioprio },
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
        { "@exec", "CapabilityBoundingSet", KIND_CAPS, EX(capability_bounding_set), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "AmbientCapabilities", KIND_CAPS, EX(ambient_capabilities), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "NoNewPrivileges", KIND_BOOL, EX(no_new_privileges), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "IgnoreSIGPIPE", KIND_BOOL, EX(ignore_sigpipe), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "StandardInput", KIND_STDIO, EX(standard_input), DIRECTIVE_IN_EXEC, STDIO_FILE(standard_input_file) },
        { "@exec", "StandardOutput", KIND_STDIO, EX(standard_output), DIRECTIVE_IN_EXEC, STDIO_FILE(standard_output_file) },
        { "@exec", "StandardError", KIND_STDIO, EX(standard_error), DIRECTIVE_IN_EXEC, STDIO_FILE(standard_error_file) },
        { "@exec", "StandardInputText", KIND_STRING, EX(standard_input_text), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "SyslogIdentifier", KIND_STRING, EX(syslog_identifier), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "SyslogFacility", KIND_STRING, EX(syslog_facility), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "SyslogLevel", KIND_STRING, EX(syslog_level), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "SyslogLevelPrefix", KIND_BOOL, EX(syslog_level_prefix), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "LogLevelMax", KIND_STRING, EX(log_level_max), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "TTYPath", KIND_PATH, EX(tty_path), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "TTYReset", KIND_BOOL, EX(tty_reset), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "TTYVHangup", KIND_BOOL, EX(tty_vhangup), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "TTYVTDisallocate", KIND_BOOL, EX(tty_vt_disallocate), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "RuntimeDirectory", KIND_RELPATHS, EX(runtime_directory), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "StateDirectory", KIND_RELPATHS, EX(state_directory), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "CacheDirectory", KIND_RELPATHS, EX(cache_directory), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "LogsDirectory", KIND_RELPATHS, EX(logs_directory), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "ConfigurationDirectory", KIND_RELPATHS, EX(configuration_directory), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "RuntimeDirectoryMode", KIND_MODE, EX(runtime_directory_mode), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "StateDirectoryMode", KIND_MODE, EX(state_directory_mode), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "CacheDirectoryMode", KIND_MODE, EX(cache_directory_mode), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "LogsDirectoryMode", KIND_MODE, EX(logs_directory_mode), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "ConfigurationDirectoryMode", KIND_MODE, EX(configuration_directory_mode), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "RuntimeDirectoryPreserve", KIND_ENUM, EX(runtime_directory_preserve), DIRECTIVE_IN_EXEC, directive_preserve_values },
        { "@exec", "TimerSlackNSec", KIND_UINT64, EX(timer_slack_nsec), DIRECTIVE_IN_EXEC, &range_u64 },
        { "@exec", "Personality", KIND_STRING, EX(personality), DIRECTIVE_IN_EXEC, NULL },
        /* Sandboxing and friends: validated, not enforced. */
        RAW_ROW_ENFORCED("@exec", "DynamicUser", raw_bool)
        RAW_ROW("@exec", "PAMName", raw_any)
        KEPT_ROW("@exec", "ProtectSystem", raw_protect_system)
        KEPT_ROW("@exec", "ProtectHome", raw_protect_home)
        KEPT_ROW("@exec", "PrivateTmp", raw_bool)
        KEPT_ROW("@exec", "PrivateDevices", raw_bool)
        KEPT_ROW("@exec", "PrivateNetwork", raw_bool)
        RAW_ROW_ENFORCED("@exec", "PrivateUsers", raw_private_users)
        KEPT_ROW("@exec", "PrivateIPC", raw_bool)
        KEPT_ROW("@exec", "PrivateMounts", raw_bool)
        KEPT_ROW("@exec", "ProtectKernelTunables", raw_bool)
        KEPT_ROW("@exec", "ProtectKernelModules", raw_bool)
        KEPT_ROW("@exec", "ProtectKernelLogs", raw_bool)
        KEPT_ROW("@exec", "ProtectControlGroups", raw_cgroups)
        RAW_ROW_ENFORCED("@exec", "ProtectClock", raw_bool)
        KEPT_ROW("@exec", "ProtectHostname", raw_bool)
        KEPT_ROW("@exec", "ProtectProc", raw_protect_proc)
        KEPT_ROW("@exec", "ProcSubset", raw_proc_subset)
        RAW_ROW_ENFORCED("@exec", "RestrictAddressFamilies", raw_words)
        RAW_ROW_ENFORCED("@exec", "RestrictNamespaces", raw_words)
        RAW_ROW_ENFORCED("@exec", "RestrictRealtime", raw_bool)
        RAW_ROW_ENFORCED("@exec", "RestrictSUIDSGID", raw_bool)
        RAW_ROW("@exec", "RestrictFileSystems", raw_words)
        RAW_ROW_ENFORCED("@exec", "LockPersonality", raw_bool)
        RAW_ROW_ENFORCED("@exec", "MemoryDenyWriteExecute", raw_bool)
        RAW_ROW("@exec", "RemoveIPC", raw_bool)
        RAW_ROW_ENFORCED("@exec", "KeyringMode", raw_keyring_mode)
        RAW_ROW_ENFORCED("@exec", "SystemCallFilter", raw_words)
        RAW_ROW_ENFORCED("@exec", "SystemCallArchitectures", raw_words)
        RAW_ROW_ENFORCED("@exec", "SystemCallErrorNumber", raw_any)
        RAW_ROW_ENFORCED("@exec", "SystemCallLog", raw_words)
        KEPT_ROW("@exec", "ReadWritePaths", raw_paths)
        KEPT_ROW("@exec", "ReadOnlyPaths", raw_paths)
        KEPT_ROW("@exec", "InaccessiblePaths", raw_paths)
        KEPT_ROW("@exec", "ExecPaths", raw_paths)
        KEPT_ROW("@exec", "NoExecPaths", raw_paths)
        KEPT_ROW("@exec", "ReadWriteDirectories", raw_paths)
        KEPT_ROW("@exec", "ReadOnlyDirectories", raw_paths)
        KEPT_ROW("@exec", "InaccessibleDirectories", raw_paths)
        KEPT_ROW("@exec", "BindPaths", raw_words)
        KEPT_ROW("@exec", "BindReadOnlyPaths", raw_words)
        KEPT_ROW("@exec", "TemporaryFileSystem", raw_words)
        KEPT_ROW("@exec", "MountFlags", raw_mount_flags)
        KEPT_ROW("@exec", "MountAPIVFS", raw_bool)
        RAW_ROW("@exec", "RootImage", raw_any)
        RAW_ROW("@exec", "RootImageOptions", raw_any)
        RAW_ROW("@exec", "MountImages", raw_any)
        RAW_ROW("@exec", "ExtensionImages", raw_any)
        RAW_ROW("@exec", "ExtensionDirectories", raw_any)
        RAW_ROW("@exec", "SELinuxContext", raw_any)
        RAW_ROW("@exec", "AppArmorProfile", raw_any)
        RAW_ROW("@exec", "SmackProcessLabel", raw_any)
        RAW_ROW_ENFORCED("@exec", "CPUAffinity", raw_words)
        RAW_ROW_ENFORCED("@exec", "NUMAPolicy", raw_any)
        RAW_ROW_ENFORCED("@exec", "NUMAMask", raw_any)
        RAW_ROW("@exec", "CPUSchedulingResetOnFork", raw_bool)
        RAW_ROW_ENFORCED("@exec", "LoadCredential", raw_any)
        RAW_ROW_ENFORCED("@exec", "LoadCredentialEncrypted", raw_any)
        RAW_ROW_ENFORCED("@exec", "SetCredential", raw_any)
        RAW_ROW_ENFORCED("@exec", "SetCredentialEncrypted", raw_any)
        RAW_ROW_ENFORCED("@exec", "ImportCredential", raw_any)
        RAW_ROW("@exec", "LogNamespace", raw_any)
        { "@exec", "LogRateLimitIntervalSec", KIND_TIME, EX(log_ratelimit_interval_usec), DIRECTIVE_IN_EXEC, NULL },
        { "@exec", "LogRateLimitBurst", KIND_INT, EX(log_ratelimit_burst), DIRECTIVE_IN_EXEC, &range_nonneg },
        RAW_ROW("@exec", "LogExtraFields", raw_any)
        RAW_ROW("@exec", "UtmpIdentifier", raw_any)
        RAW_ROW("@exec", "UtmpMode", raw_utmp_mode)
        RAW_ROW_ENFORCED("@exec", "SecureBits", raw_words)
        RAW_ROW_ENFORCED("@exec", "CoredumpFilter", raw_words)
        KEPT_ROW("@exec", "NetworkNamespacePath", raw_any)
        KEPT_ROW("@exec", "IPCNamespacePath", raw_any)

        /* systemd.kill(5) */
        { "@kill", "KillMode", KIND_ENUM, U(kill.kill_mode), 0, kill_mode_values },
        { "@kill", "KillSignal", KIND_SIGNAL, U(kill.kill_signal), 0, NULL },
        { "@kill", "RestartKillSignal", KIND_SIGNAL, U(kill.restart_kill_signal), 0, NULL },
        { "@kill", "FinalKillSignal", KIND_SIGNAL, U(kill.final_kill_signal), 0, NULL },
        { "@kill", "WatchdogSignal", KIND_SIGNAL, U(kill.watchdog_signal), 0, NULL },
        { "@kill", "SendSIGKILL", KIND_BOOL, U(kill.send_sigkill), 0, NULL },
        { "@kill", "SendSIGHUP", KIND_BOOL, U(kill.send_sighup), 0, NULL },

        /* systemd.resource-control(5) */
        { "@cgroup", "Slice", KIND_UNIT_NAME, CG(slice), DIRECTIVE_IN_CGROUP, NULL },
        { "@cgroup", "CPUAccounting", KIND_BOOL, CG(cpu_accounting), DIRECTIVE_IN_CGROUP, NULL },
        { "@cgroup", "MemoryAccounting", KIND_BOOL, CG(memory_accounting), DIRECTIVE_IN_CGROUP, NULL },
        { "@cgroup", "IOAccounting", KIND_BOOL, CG(io_accounting), DIRECTIVE_IN_CGROUP, NULL },
        { "@cgroup", "TasksAccounting", KIND_BOOL, CG(tasks_accounting), DIRECTIVE_IN_CGROUP, NULL },
        { "@cgroup", "CPUWeight", KIND_UINT64, CG(cpu_weight), DIRECTIVE_IN_CGROUP, &range_weight },
        { "@cgroup", "StartupCPUWeight", KIND_UINT64, CG(startup_cpu_weight), DIRECTIVE_IN_CGROUP, &range_weight },
        { "@cgroup", "CPUShares", KIND_UINT64, CG(cpu_weight), DIRECTIVE_IN_CGROUP | DIRECTIVE_DEPRECATED | DIRECTIVE_NO_DUMP, &range_shares },
        { "@cgroup", "CPUQuota", KIND_LIMIT, CG(cpu_quota), DIRECTIVE_IN_CGROUP, &limit_cpu },
        { "@cgroup", "CPUQuotaPeriodSec", KIND_TIME, CG(cpu_quota_period_usec), DIRECTIVE_IN_CGROUP, NULL },
        { "@cgroup", "IOWeight", KIND_UINT64, CG(io_weight), DIRECTIVE_IN_CGROUP, &range_weight },
        { "@cgroup", "StartupIOWeight", KIND_UINT64, CG(startup_io_weight), DIRECTIVE_IN_CGROUP, &range_weight },
        { "@cgroup", "MemoryMin", KIND_LIMIT, CG(memory_min), DIRECTIVE_IN_CGROUP, &limit_memory },
        { "@cgroup", "MemoryLow", KIND_LIMIT, CG(memory_low), DIRECTIVE_IN_CGROUP, &limit_memory },
        { "@cgroup", "MemoryHigh", KIND_LIMIT, CG(memory_high), DIRECTIVE_IN_CGROUP, &limit_memory },
        { "@cgroup", "MemoryMax", KIND_LIMIT, CG(memory_max), DIRECTIVE_IN_CGROUP, &limit_memory },
        { "@cgroup", "MemorySwapMax", KIND_LIMIT, CG(memory_swap_max), DIRECTIVE_IN_CGROUP, &limit_memory },
        { "@cgroup", "MemoryLimit", KIND_LIMIT, CG(memory_limit), DIRECTIVE_IN_CGROUP | DIRECTIVE_DEPRECATED, &limit_memory },
        { "@cgroup", "TasksMax", KIND_LIMIT, CG(tasks_max), DIRECTIVE_IN_CGROUP, &limit_tasks },
        RAW_ROW_ENFORCED("@cgroup", "Delegate", raw_words)
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
        return unit_type_info(t)->section;
}

bool unit_section_is_known(UnitType t, const char *section) {
        const char *own = unit_type_section(t);

        if (sdu_streq(section, "Unit"))
                return true;
        if (sdu_streq(section, "Install"))
                return unit_type_info(t)->install;
        return own && sdu_streq(section, own);
}

void *unit_directive_field(Unit *u, const UnitDirective *d) {
        if (d->flags & DIRECTIVE_IN_CGROUP)
                return u->cgroup ? (char *) u->cgroup + d->offset : NULL;
        if (d->flags & DIRECTIVE_IN_EXEC)
                return u->exec ? (char *) u->exec + d->offset : NULL;
        return (char *) u + d->offset;
}

const void *unit_directive_field_const(const Unit *u, const UnitDirective *d) {
        if (d->flags & DIRECTIVE_IN_CGROUP)
                return (const char *) unit_cgroup(u) + d->offset;
        if (d->flags & DIRECTIVE_IN_EXEC)
                return (const char *) unit_exec(u) + d->offset;
        return (const char *) u + d->offset;
}

bool unit_directive_applies(const UnitDirective *d, UnitType t) {
        if (sdu_streq(d->section, "@exec"))
                return unit_type_info(t)->exec;
        if (sdu_streq(d->section, "@kill"))
                return unit_type_info(t)->kill;
        if (sdu_streq(d->section, "@cgroup"))
                return unit_type_info(t)->cgroup;
        return unit_section_is_known(t, d->section);
}

/* The rows ordered by key and then by row (unit_directive_by_key[], made at build time by
 * scripts/gen-directive-index.py from units/unit-directive-ids.h): a lookup is a binary search,
 * not a scan of the whole table for every line of every unit file (each of redis-server's 34
 * settings scanned ~500 rows). */
_Static_assert(UNIT_DIRECTIVE_BY_KEY_COUNT == _UD_MAX, "the key index covers every row");

int unit_directive_lookup(UnitType t, const char *section, const char *key) {
        const char *own = unit_type_section(t);
        bool own_section;
        size_t lo = 0, hi;

        if (!unit_section_is_known(t, section))
                return -ENXIO;
        own_section = own && sdu_streq(section, own);
        if (!key)
                return -ENOENT;
        /* the first row of the key, then its rows in table order (the first that applies wins) */
        hi = UNIT_DIRECTIVE_BY_KEY_COUNT;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (strcmp(unit_directive_table[unit_directive_by_key[mid]].key, key) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        for (size_t k = lo; k < UNIT_DIRECTIVE_BY_KEY_COUNT && strcmp(unit_directive_table[unit_directive_by_key[k]].key, key) == 0;
             k++) {
                const UnitDirective *d = unit_directive_table + unit_directive_by_key[k];
                if (sdu_streq(d->section, section) || (own_section && d->section[0] == '@' && unit_directive_applies(d, t)))
                        return (int) unit_directive_by_key[k];
        }
        return -ENOENT;
}

