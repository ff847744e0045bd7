/* SPDX-License-Identifier: MIT */
/* The unit model: one Unit per loaded unit, with typed fields for every directive in the table of
 * unit-directives.c. The service manager builds its dependency graph from Unit.deps[] (names, not
 * pointers, so a Unit stands alone and can be loaded, dumped and freed without a manager).
 *
 * Ownership: a Unit owns all its strings. It is created by unit_load()/unit_load_path() (see
 * unit-registry.h) or unit_new() + unit_load_fragment_buffer() (tests, fuzzer), and freed with
 * unit_free().
 *
 * Scalars use "unset" sentinels (-1 for tristates and enums, UINT64_MAX for "infinity" where the
 * type allows it) and the per-directive UnitSetting tells whether, where and how often a directive
 * was assigned. After loading, unit_apply_defaults() has written systemd's default into the
 * numeric fields left unset (timeouts, start limits, modes, ...): the manager, its D-Bus
 * properties and `sdinit show` all read those fields. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "unit-diag.h"
#include "unit-directive-ids.h"
#include "unit-name.h"
#include "unit-specifier.h"
#include "unit-values.h"

typedef enum UnitLoadState {
        UNIT_STUB,
        UNIT_LOADED,
        UNIT_NOT_FOUND,
        UNIT_BAD_SETTING,
        UNIT_ERROR,
        UNIT_MASKED,
        _UNIT_LOAD_STATE_MAX,
} UnitLoadState;

const char *unit_load_state_to_string(UnitLoadState s);

typedef enum UnitDependency {
        UNIT_REQUIRES,
        UNIT_REQUISITE,
        UNIT_WANTS,
        UNIT_BINDS_TO,
        UNIT_PART_OF,
        UNIT_UPHOLDS,
        UNIT_CONFLICTS,
        UNIT_BEFORE,
        UNIT_AFTER,
        UNIT_ON_FAILURE,
        UNIT_ON_SUCCESS,
        UNIT_PROPAGATES_RELOAD_TO,
        UNIT_RELOAD_PROPAGATED_FROM,
        UNIT_PROPAGATES_STOP_TO,
        UNIT_STOP_PROPAGATED_FROM,
        UNIT_JOINS_NAMESPACE_OF,
        UNIT_TRIGGERS,          /* from Unit= of sockets/timers/paths (or the implicit one) */
        _UNIT_DEPENDENCY_MAX,
} UnitDependency;

const char *unit_dependency_to_string(UnitDependency d);

typedef struct Condition {
        char *type;          /* directive name without the Condition/Assert prefix: "PathExists" */
        char *parameter;
        bool trigger;        /* '|' */
        bool negate;         /* '!' */
} Condition;

typedef struct ConditionList {
        Condition *items;
        size_t n;
} ConditionList;

typedef struct RLimitSetting {
        uint64_t soft, hard; /* SDU_SIZE_INFINITY for infinity */
        bool set;
} RLimitSetting;

#define SDU_RLIMIT_MAX 16

typedef struct CapabilitySetting {
        uint64_t mask;
        bool set;
} CapabilitySetting;

/* MemoryMax= and friends, TasksMax=: bytes/count, or a share of the total. */
typedef struct LimitValue {
        uint64_t value;      /* SDU_SIZE_INFINITY for infinity */
        unsigned permyriad;  /* when is_relative */
        bool is_relative;
        bool set;
} LimitValue;

typedef struct ListenEntry {
        char *type;          /* directive name: "ListenStream", "ListenDatagram", ... */
        char *address;
} ListenEntry;

typedef struct ListenList {
        ListenEntry *items;
        size_t n;
} ListenList;

typedef struct PathSpec {
        char *type;          /* "PathExists", "PathChanged", ... */
        char *path;
} PathSpec;

typedef struct PathSpecList {
        PathSpec *items;
        size_t n;
} PathSpecList;

typedef struct TimeList {
        uint64_t *items;
        size_t n;
} TimeList;

typedef struct UnitUnitSection {
        char *description;
        char **documentation;
        char **deps[_UNIT_DEPENDENCY_MAX];
        char **requires_mounts_for;
        char **wants_mounts_for;
        int default_dependencies, stop_when_unneeded, refuse_manual_start, refuse_manual_stop;
        int allow_isolate, ignore_on_isolate, survive_final_kill_signal;
        int on_failure_job_mode, on_success_job_mode, collect_mode;
        int failure_action, success_action, job_timeout_action, start_limit_action;
        int failure_action_exit_status, success_action_exit_status;
        uint64_t job_timeout_usec, job_running_timeout_usec;
        uint64_t start_limit_interval_usec;
        int start_limit_burst;
        char *reboot_argument, *job_timeout_reboot_argument, *source_path;
        ConditionList conditions, asserts;
} UnitUnitSection;

typedef struct UnitInstallSection {
        char **alias, **wanted_by, **required_by, **upheld_by, **also;
        char *default_instance;
} UnitInstallSection;

/* ProtectSystem= and ProtectHome= (systemd.exec(5)), in the order of their values. */
typedef enum UnitProtectSystem {
        UNIT_PROTECT_SYSTEM_NO,
        UNIT_PROTECT_SYSTEM_YES,
        UNIT_PROTECT_SYSTEM_FULL,
        UNIT_PROTECT_SYSTEM_STRICT,
} UnitProtectSystem;

typedef enum UnitProtectHome {
        UNIT_PROTECT_HOME_NO,
        UNIT_PROTECT_HOME_YES,
        UNIT_PROTECT_HOME_READ_ONLY,
        UNIT_PROTECT_HOME_TMPFS,
} UnitProtectHome;

/* DynamicUser= and the sandbox it forces on (systemd's unit_patch_contexts(): PrivateTmp=,
 * RemoveIPC=, NoNewPrivileges=, RestrictSUIDSGID=, ProtectSystem=strict, at least
 * ProtectHome=read-only), as they take effect: computed by unit_apply_defaults() from the unit's
 * settings after each file, read by `sdinit show`, D-Bus and the sandbox. Booleans are 0 or 1. */
typedef struct ExecEffectiveSandbox {
        int dynamic_user, private_tmp, remove_ipc, no_new_privileges, restrict_suid_sgid;
        UnitProtectSystem protect_system;
        UnitProtectHome protect_home;
} ExecEffectiveSandbox;

typedef struct ExecSettings {
        char *user, *group, **supplementary_groups;
        char *working_directory, *root_directory, *root_image;
        char **environment, **environment_files, **pass_environment, **unset_environment;
        mode_t umask;
        int nice, oom_score_adjust, cpu_scheduling_policy, cpu_scheduling_priority, io_scheduling_class,
                io_scheduling_priority;
        RLimitSetting *rlimits; /* SDU_RLIMIT_MAX of them, allocated by the first Limit*= (most units set
                                 * none: 384 bytes less each); NULL: none set. Read with unit_rlimit(). */
        CapabilitySetting capability_bounding_set, ambient_capabilities;
        int no_new_privileges, dynamic_user, ignore_sigpipe, same_process_group, memory_ksm;
        int standard_input, standard_output, standard_error;
        char *standard_input_file, *standard_output_file, *standard_error_file; /* file:/append:/... */
        char *standard_input_text;
        char *syslog_identifier, *syslog_facility, *syslog_level, *log_level_max, *tty_path, *pam_name;
        int syslog_level_prefix, tty_reset, tty_vhangup, tty_vt_disallocate;
        uint64_t log_ratelimit_interval_usec; /* LogRateLimitIntervalSec= (unit_is_set() tells if set) */
        int log_ratelimit_burst;              /* LogRateLimitBurst= (likewise) */
        char **runtime_directory, **state_directory, **cache_directory, **logs_directory,
                **configuration_directory;
        mode_t runtime_directory_mode, state_directory_mode, cache_directory_mode, logs_directory_mode,
                configuration_directory_mode;
        int runtime_directory_preserve;
        uint64_t timer_slack_nsec;
        char *personality;
        struct ExecSandbox *sandbox; /* the enforced sandbox settings, typed (unit-sandbox.h): filled by
                                      * unit_compact(), NULL when the unit sets none */
        ExecEffectiveSandbox effective;
} ExecSettings;

typedef struct KillSettings {
        int kill_mode;
        int kill_signal, restart_kill_signal, final_kill_signal, watchdog_signal;
        int send_sigkill, send_sighup;
} KillSettings;

typedef struct CGroupSettings {
        char *slice;
        /* Delegate= folded at load (common/delegate.h; services only, as systemd): on (1) or
         * off (0), and its controllers (DELEGATE_*). */
        int delegate;
        uint32_t delegate_mask;
        int cpu_accounting, memory_accounting, io_accounting, tasks_accounting, ip_accounting;
        uint64_t cpu_weight, startup_cpu_weight, io_weight, startup_io_weight;
        LimitValue cpu_quota; /* permyriad per CPU */
        uint64_t cpu_quota_period_usec;
        LimitValue memory_min, memory_low, memory_high, memory_max, memory_swap_max, memory_limit;
        LimitValue tasks_max;
} CGroupSettings;

typedef struct ServiceSettings {
        int type, exit_type, restart, notify_access, oom_policy, timeout_start_failure_mode,
                timeout_stop_failure_mode;
        int remain_after_exit, guess_main_pid, permissions_start_only, root_directory_start_only, non_blocking;
        char *pid_file, *bus_name, *usb_function_descriptors, *usb_function_strings;
        ExecCommandList exec_condition, exec_start_pre, exec_start, exec_start_post, exec_reload,
                exec_stop, exec_stop_post;
        uint64_t restart_usec, timeout_start_usec, timeout_stop_usec, timeout_abort_usec,
                runtime_max_usec, runtime_randomized_extra_usec, watchdog_usec;
        /* Allocated by the first assignment (most services set none); NULL: empty. */
        SduExitStatusSet *success_exit_status, *restart_prevent_exit_status, *restart_force_exit_status;
        char **sockets;
        int file_descriptor_store_max;
} ServiceSettings;

typedef struct SocketSettings {
        ListenList listen;
        int accept, writable, keep_alive, no_delay, free_bind, transparent, broadcast, pass_credentials,
                pass_security, pass_packet_info, reuse_port, remove_on_stop, flush_pending, bind_ipv6_only;
        int backlog, max_connections, max_connections_per_source, priority, mark, ip_tos, ip_ttl;
        uint64_t receive_buffer, send_buffer, pipe_size;
        char *socket_user, *socket_group, *service, *bind_to_device, *tcp_congestion, *smack_label;
        char **file_descriptor_names, **symlinks;
        mode_t socket_mode, directory_mode;
        uint64_t timeout_usec, trigger_limit_interval_usec, keep_alive_time_usec, keep_alive_interval_usec,
                defer_accept_usec;
        int trigger_limit_burst, keep_alive_probes;
        ExecCommandList exec_start_pre, exec_start_post, exec_stop_pre, exec_stop_post;
} SocketSettings;

typedef struct TimerSettings {
        TimeList on_active, on_boot, on_startup, on_unit_active, on_unit_inactive;
        char **on_calendar;
        uint64_t accuracy_usec, randomized_delay_usec;
        int persistent, wake_system, remain_after_elapse, on_clock_change, on_timezone_change,
                fixed_random_delay;
        char *unit;
} TimerSettings;

typedef struct PathSettings {
        PathSpecList specs;
        char *unit;
        int make_directory, trigger_limit_burst;
        mode_t directory_mode;
        uint64_t trigger_limit_interval_usec;
} PathSettings;

typedef struct MountSettings {
        char *what, *where, *type, *options;
        int sloppy_options, lazy_unmount, read_write_only, force_unmount;
        mode_t directory_mode;
        uint64_t timeout_usec;
} MountSettings;

/* Book-keeping for one row of the directive table. */
typedef struct UnitSetting {
        const char *file;     /* points into Unit.fragment_path/dropin_paths */
        unsigned line;
        unsigned count;       /* assignments seen (0 = never set) */
        char **raw;           /* validated values of "not enforced" directives */
} UnitSetting;

/* A "not enforced" row's raw values, kept by unit_compact() (the sandbox directives the D-Bus
 * API reports and the service manager applies). */
typedef struct UnitRawValue {
        unsigned row;
        char **raw;
} UnitRawValue;

typedef struct Unit {
        char *id;             /* the name it was loaded as after alias resolution */
        char **names;         /* id plus aliases (symlink names); names[0] is the id's string itself */
        UnitType type;
        UnitLoadState load_state;
        char *fragment_path;  /* NULL for not-found/masked units */
        char **dropin_paths;  /* in application order */
        size_t n_dropin_paths;
        char *instance;       /* NULL unless an instance */
        const UnitHostInfo *host;

        UnitUnitSection unit;
        UnitInstallSection install;
        ExecSettings *exec;     /* systemd.exec(5) settings, allocated by the first one in the unit's files
                                 * (most units set none: 408 bytes less each); NULL: all unset, as
                                 * unit_exec_unset. Read with unit_exec(). */
        KillSettings kill;
        CGroupSettings *cgroup; /* allocated by the first cgroup setting (Slice=, MemoryMax=, ...) in the
                                 * unit's files: most set none (208 bytes less each); NULL: all unset.
                                 * Read with unit_cgroup(). */
        /* The type's own section: only the member of the unit's type is live (unit_type_info()'s
         * `own` says which; the others overlay it); all zero for types without one. Code that may
         * see units of several types reads it through unit_service()/unit_socket() (unit-type-info.h).
         * One union instead of five members: 560 bytes less per unit. */
        union {
                ServiceSettings service;
                SocketSettings socket;
                TimerSettings timer;
                PathSettings path;
                MountSettings mount;
        };

        UnitSetting *settings; /* one per directive table row; NULL after unit_compact() */
        uint8_t set[(_UD_MAX + 7) / 8]; /* one bit per row (UnitDirectiveId): assigned, not reset */
        UnitRawValue *raw_kept; /* after unit_compact(): the raw values of the rows that have one */
        size_t n_raw_kept;
        unsigned n_errors;     /* ERROR diagnostics while loading */
        unsigned n_warnings;   /* WARNING diagnostics while loading */
        struct SduListIndex *load_index; /* list-index.h: while loading; NULL after unit_compact() */
} Unit;

/* A fresh unit named name (must be a valid name; templates allowed for checking files). */
int unit_new(const char *name, const UnitHostInfo *host, Unit **ret);
Unit *unit_free(Unit *u);

/* Parse a fragment or drop-in from memory/disk into u, applying the directive table. file is
 * recorded in u (as fragment when is_dropin is false). Returns 0 or -errno (-ENOMEM, or -EBADMSG
 * for a fatal syntax error, after which u->load_state is UNIT_BAD_SETTING). Value errors are
 * diagnostics only. */
int unit_load_fragment_buffer(Unit *u, const char *file, const char *buf, size_t len, bool is_dropin,
                              const UnitDiagSink *diag);
int unit_load_fragment_file(Unit *u, const char *path, bool is_dropin, const UnitDiagSink *diag);

/* Post-load checks that make systemd refuse a unit (e.g. a service with no ExecStart=, several
 * ExecStart= for a non-oneshot service). Reports ERROR diagnostics and sets UNIT_BAD_SETTING.
 * Returns 0 if fine, -ENOEXEC otherwise. */
int unit_verify(Unit *u, const UnitDiagSink *diag);

/* The unit's directives as "Key=value" lines in directive-table order: identity lines first (Id=,
 * Names=, LoadState=, FragmentPath=, DropInPaths=), then every assigned directive (all=true:
 * every directive valid for the type). A debugging dump under the unit-file names; `sdinit show`
 * prints unit_properties() (unit-defaults.h) instead: systemctl show's names, with defaults. */
int unit_dump(const Unit *u, FILE *f, bool all);

/* Directives the unit sets that sdinit parses but does not enforce, as "Key" strings (strv),
 * with their file and line through the callback. */
typedef void (*unit_not_enforced_fn)(const char *key, const char *file, unsigned line, void *userdata);
int unit_foreach_not_enforced(const Unit *u, unit_not_enforced_fn fn, void *userdata);

/* Drops the per-directive book-keeping (file, line, raw values: what `show`, `verify` and
 * `cat` need) and keeps only which directives were assigned, as a bitmap: a loaded unit then
 * costs a few hundred bytes less than 12 kB. For the service manager, which holds every unit of
 * a boot. unit_dump() and unit_foreach_not_enforced() print less on a compacted unit. */
int unit_compact(Unit *u);

/* Whether the directive was assigned (and not reset) in this unit's files, e.g. UD_EXEC_NICE; O(1).
 * The manager rarely needs it: unit_apply_defaults() (unit-defaults.h) has written systemd's
 * default into every field the files leave unset. */
static inline bool unit_is_set(const Unit *u, UnitDirectiveId id) {
        return (u->set[id / 8] >> (id % 8)) & 1;
}


/* The cgroup settings of a unit that sets none: CPUAccounting= & co. unset (-1), the rest 0. */
extern const CGroupSettings unit_cgroup_unset;

static inline const CGroupSettings *unit_cgroup(const Unit *u) {
        return u->cgroup ? u->cgroup : &unit_cgroup_unset;
}

/* The exec settings of a unit that sets none: the tristates and enums unset (-1), UMask= 0022 and
 * the *DirectoryMode= 0755 (systemd's defaults, as unit_apply_defaults() writes them), the rest 0. */
extern const ExecSettings unit_exec_unset;

static inline const ExecSettings *unit_exec(const Unit *u) {
        return u->exec ? u->exec : &unit_exec_unset;
}

/* u->exec, allocated as unit_exec_unset if it was NULL; NULL when out of memory. */
ExecSettings *unit_exec_alloc(Unit *u);

/* LimitCPU= & co. (resource: RLIMIT_*): the unit's setting, an unset one (.set false) if none. */
static inline const RLimitSetting *unit_rlimit(const ExecSettings *e, int resource) {
        static const RLimitSetting unset = { 0, 0, false };
        return e->rlimits && resource >= 0 && resource < SDU_RLIMIT_MAX ? e->rlimits + resource : &unset;
}

/* Enum values (for the manager): */
typedef enum ServiceType {
        SERVICE_SIMPLE, SERVICE_EXEC, SERVICE_FORKING, SERVICE_ONESHOT, SERVICE_DBUS, SERVICE_NOTIFY,
        SERVICE_NOTIFY_RELOAD, SERVICE_IDLE, _SERVICE_TYPE_MAX,
} ServiceType;

typedef enum ServiceRestart {
        SERVICE_RESTART_NO, SERVICE_RESTART_ON_SUCCESS, SERVICE_RESTART_ON_FAILURE,
        SERVICE_RESTART_ON_ABNORMAL, SERVICE_RESTART_ON_WATCHDOG, SERVICE_RESTART_ON_ABORT,
        SERVICE_RESTART_ALWAYS, _SERVICE_RESTART_MAX,
} ServiceRestart;

typedef enum KillMode {
        KILL_CONTROL_GROUP, KILL_PROCESS, KILL_MIXED, KILL_NONE, _KILL_MODE_MAX,
} KillMode;

typedef enum NotifyAccess {
        NOTIFY_NONE, NOTIFY_MAIN, NOTIFY_EXEC, NOTIFY_ALL, _NOTIFY_ACCESS_MAX,
} NotifyAccess;

/* Strings of an enum-typed directive (UD_SERVICE_TYPE, UD_KILL_KILL_MODE, ...), in enum order
 * (NULL-terminated), or NULL for a directive that is not an enum. */
const char *const *unit_enum_values(UnitDirectiveId id);
