/* SPDX-License-Identifier: MIT */
/* unit_properties() (what sdinit show prints, under systemctl show's names) and unit_apply_defaults() (systemd's defaults written into the unit at load); see unit-defaults.h. */
#include "unit-defaults.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "common/defaults.h"
#include "common/delegate.h"
#include "sdu-util.h"
#include "unit-defaults-internal.h"
#include "unit-directives.h"
#include "unit-sandbox.h"
#include "unit-type-info.h"

static bool is_set(const Unit *u, const char *section, const char *key) {
        int i = udef_row_of(u, section, key);

        return i >= 0 && udef_row_is_set(u, (size_t) i);
}

/* Delegate= on (common/delegate.h): services only, as systemd ignores it elsewhere (scopes,
 * which can delegate too, are not unit files). */
static bool delegate_on(const Unit *u) {
        return unit_cgroup(u)->delegate > 0;
}

/* ---- properties ---- */

/* Values that do not depend on anything else, by section and directive (the property is named
 * after the directive, see property_name()). */
static const struct {
        const char *section, *key, *value;
} constant_defaults[] = {
        /* systemd.unit(5); OnSuccessJobMode= is "fail" in systemd 252 (the man page says
         * "replace"; the unit dump and D-Bus say fail). Start limits: systemd-system.conf(5). */
        { "Unit", "OnFailureJobMode", "replace" },
        { "Unit", "OnSuccessJobMode", "fail" },
        { "Unit", "StopWhenUnneeded", "no" },
        { "Unit", "RefuseManualStart", "no" },
        { "Unit", "RefuseManualStop", "no" },
        { "Unit", "AllowIsolate", "no" },
        { "Unit", "DefaultDependencies", "yes" },
        { "Unit", "SurviveFinalKillSignal", "no" },
        { "Unit", "CollectMode", "inactive" },
        { "Unit", "FailureAction", "none" },
        { "Unit", "SuccessAction", "none" },
        { "Unit", "FailureActionExitStatus", "-1" },
        { "Unit", "SuccessActionExitStatus", "-1" },
        { "Unit", "JobTimeoutSec", "infinity" },
        { "Unit", "JobRunningTimeoutSec", "infinity" },
        { "Unit", "JobTimeoutAction", "none" },
        { "Unit", "StartLimitAction", "none" },
        /* systemd.service(5) */
        { "Service", "ExitType", "main" },
        { "Service", "Restart", "no" },
        { "Service", "TimeoutStartFailureMode", "terminate" },
        { "Service", "TimeoutStopFailureMode", "terminate" },
        { "Service", "RuntimeRandomizedExtraSec", "0" },
        { "Service", "WatchdogSec", "0" },
        { "Service", "RemainAfterExit", "no" },
        { "Service", "GuessMainPID", "yes" },
        { "Service", "PermissionsStartOnly", "no" },
        { "Service", "NonBlocking", "no" },
        { "Service", "RootDirectoryStartOnly", "no" },
        { "Service", "FileDescriptorStoreMax", "0" },
        /* systemd.socket(5) */
        { "Socket", "Accept", "no" },
        { "Socket", "Writable", "no" },
        { "Socket", "FlushPending", "no" },
        { "Socket", "KeepAlive", "no" },
        { "Socket", "NoDelay", "no" },
        { "Socket", "FreeBind", "no" },
        { "Socket", "Transparent", "no" },
        { "Socket", "Broadcast", "no" },
        { "Socket", "PassCredentials", "no" },
        { "Socket", "PassSecurity", "no" },
        { "Socket", "PassPacketInfo", "no" },
        { "Socket", "ReusePort", "no" },
        { "Socket", "RemoveOnStop", "no" },
        { "Socket", "BindIPv6Only", "default" },
        { "Socket", "Backlog", "2147483647" }, /* INT_MAX in 252; the man page says 4294967295 */
        { "Socket", "MaxConnections", "64" },
        /* systemd.timer(5) */
        { "Timer", "RandomizedDelaySec", "0" },
        { "Timer", "FixedRandomDelay", "no" },
        { "Timer", "OnClockChange", "no" },
        { "Timer", "OnTimezoneChange", "no" },
        { "Timer", "Persistent", "no" },
        { "Timer", "WakeSystem", "no" },
        { "Timer", "RemainAfterElapse", "yes" },
        /* systemd.path(5) */
        { "Path", "MakeDirectory", "no" },
        /* systemd.mount(5) */
        { "Mount", "SloppyOptions", "no" },
        { "Mount", "LazyUnmount", "no" },
        { "Mount", "ReadWriteOnly", "no" },
        { "Mount", "ForceUnmount", "no" },
        { "Mount", "TimeoutSec", "1min 30s" },
        /* systemd.exec(5); SyslogFacility=daemon and SyslogLevel=info as systemctl prints them
         * (numbers), LogLevelMax= unset is -1. */
        { "@exec", "IgnoreSIGPIPE", "yes" },
        { "@exec", "SyslogFacility", "3" },
        { "@exec", "SyslogLevel", "6" },
        { "@exec", "SyslogLevelPrefix", "yes" },
        { "@exec", "LogLevelMax", "-1" },
        { "@exec", "TTYReset", "no" },
        { "@exec", "TTYVHangup", "no" },
        { "@exec", "TTYVTDisallocate", "no" },
        { "@exec", "RuntimeDirectoryPreserve", "no" },
        { "@exec", "PrivateDevices", "no" },
        { "@exec", "PrivateNetwork", "no" },
        { "@exec", "PrivateUsers", "no" },
        { "@exec", "PrivateIPC", "no" },
        { "@exec", "PrivateMounts", "no" },
        { "@exec", "ProtectKernelTunables", "no" },
        { "@exec", "ProtectKernelModules", "no" },
        { "@exec", "ProtectKernelLogs", "no" },
        { "@exec", "ProtectControlGroups", "no" },
        { "@exec", "ProtectClock", "no" },
        { "@exec", "ProtectHostname", "no" },
        { "@exec", "ProtectProc", "default" },
        { "@exec", "ProcSubset", "all" },
        { "@exec", "RestrictRealtime", "no" },
        { "@exec", "RestrictNamespaces", "no" },
        { "@exec", "LockPersonality", "no" },
        { "@exec", "MemoryDenyWriteExecute", "no" },
        { "@exec", "CPUSchedulingResetOnFork", "no" },
        { "@exec", "UtmpMode", "init" },
        /* systemd.kill(5), as numbers like systemctl prints signals */
        { "@kill", "KillMode", "control-group" },
        { "@kill", "SendSIGKILL", "yes" },
        { "@kill", "SendSIGHUP", "no" },
        /* systemd.resource-control(5), systemd-system.conf(5) Default*Accounting= */
        { "@cgroup", "MemoryAccounting", "yes" },
        { "@cgroup", "IOAccounting", "no" },
        { "@cgroup", "TasksAccounting", "yes" },
        { "@cgroup", "IPAccounting", "no" },
        { "@cgroup", "CPUWeight", "[not set]" },
        { "@cgroup", "StartupCPUWeight", "[not set]" },
        { "@cgroup", "IOWeight", "[not set]" },
        { "@cgroup", "StartupIOWeight", "[not set]" },
        { "@cgroup", "CPUQuota", "infinity" },
        { "@cgroup", "CPUQuotaPeriodSec", "infinity" },
        { "@cgroup", "MemoryMin", "0" },
        { "@cgroup", "MemoryLow", "0" },
        { "@cgroup", "MemoryHigh", "infinity" },
        { "@cgroup", "MemoryMax", "infinity" },
        { "@cgroup", "MemorySwapMax", "infinity" },
        { "@cgroup", "MemoryLimit", "infinity" },
        { "@cgroup", "DefaultMemoryMin", "0" },
        { "@cgroup", "DefaultMemoryLow", "0" },
        { "@cgroup", "Delegate", "no" },
        { "@cgroup", "DevicePolicy", "auto" },
        { "@cgroup", "ManagedOOMSwap", "auto" },
        { "@cgroup", "ManagedOOMMemoryPressure", "auto" },
        { "@cgroup", "ManagedOOMPreference", "none" },
};

/* systemctl's name for a directive: time spans are exported in microseconds as ...USec. */
static char *property_name(const UnitDirective *d) {
        if (sdu_streq(d->key, "CPUQuota"))
                return strdup("CPUQuotaPerSecUSec");
        if (d->kind == KIND_TIME && sdu_endswith(d->key, "Sec"))
                return sdu_asprintf("%.*sUSec", (int) (strlen(d->key) - 3), d->key);
        return strdup(d->key);
}

static bool valid_user_name(const char *s) {
        size_t n = s ? strlen(s) : 0;

        if (n == 0 || n > 31 || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
                      s[i] == '_' || s[i] == '-'))
                        return false;
        return true;
}

char *unit_dynamic_user_name(const Unit *u) {
        char *p = NULL;

        if (unit_name_to_prefix(u->id, &p) < 0)
                return NULL;
        if (!valid_user_name(p)) {
                free(p);
                return NULL;
        }
        return p;
}

static int level_number(const char *v, bool facility) {
        static const char *const levels[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", NULL };
        static const char *const facilities[] = { "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
                                                  "uucp", "cron", "authpriv", "ftp", NULL };
        const char *const *t = facility ? facilities : levels;

        for (int i = 0; t[i]; i++)
                if (sdu_streq(t[i], v))
                        return i;
        if (facility && sdu_startswith(v, "local") && v[5] >= '0' && v[5] <= '7' && !v[6])
                return 16 + (v[5] - '0');
        return -1;
}

static char *enum_number(const char *key, const char *v) {
        static const char *const sched[] = { "other", "fifo", "rr", "batch", "4", "idle", NULL };
        static const char *const ioclass[] = { "none", "realtime", "best-effort", "idle", NULL };
        const char *const *t = sdu_streq(key, "CPUSchedulingPolicy") ? sched : ioclass;

        for (int i = 0; t[i]; i++)
                if (sdu_streq(t[i], v))
                        return sdu_asprintf("%d", i);
        return strdup(v);
}

static char *caps_lower(const char *v) {
        char *s = strdup(v);

        for (char *p = s; p && *p; p++)
                if (*p >= 'A' && *p <= 'Z')
                        *p = (char) (*p - 'A' + 'a');
        return s;
}

static char *rlimit_text(uint64_t v) {
        return v == SDU_SIZE_INFINITY ? strdup("infinity") : sdu_asprintf("%llu", (unsigned long long) v);
}

typedef struct PropCtx {
        const Unit *u;
        UnitPropertyFn fn;
        void *userdata;
        UnitImplicitDeps deps;
        int r;
} PropCtx;

static void emit(PropCtx *c, const char *name, const char *key, const char *value) {
        c->fn(name, key, value, c->userdata);
}

/* Emits each line of a "\n"-joined value (a NULL value once, as NULL). */
static void emit_lines(PropCtx *c, const char *name, const char *key, const char *value) {
        char *copy, *save = NULL;
        bool any = false;

        if (!value || !*value) {
                emit(c, name, key, value);
                return;
        }
        copy = strdup(value);
        if (!copy) {
                c->r = -ENOMEM;
                return;
        }
        for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
                emit(c, name, key, l);
                any = true;
        }
        if (!any)
                emit(c, name, key, "");
        free(copy);
}

static void emit_owned(PropCtx *c, const char *name, const char *key, char *value) {
        emit_lines(c, name, key, value);
        free(value);
}

static const char *constant_default(const UnitDirective *d) {
        for (size_t i = 0; i < SDU_ELEMENTSOF(constant_defaults); i++)
                if (sdu_streq(constant_defaults[i].section, d->section) && sdu_streq(constant_defaults[i].key, d->key))
                        return constant_defaults[i].value;
        return NULL;
}

/* ---- effective defaults, written into the unit ---- */

#define USEC_S(n) ((uint64_t) (n) * SDU_USEC_PER_SEC)

/* systemd 252's defaults for the settings the manager reads as numbers: written into every unit
 * that leaves them unset (unit_apply_defaults()), and printed by `sdinit show` from the same field,
 * so what show says is what the manager runs. alias: a legacy row writing the same field. value:
 * for KIND_TIME rows in usec, KIND_MODE a mode, KIND_INT and KIND_SIGNAL a number. Sources: systemd.unit(5),
 * .service, .socket, .timer, .path, .exec, systemd-system.conf(5). */
static const struct {
        UnitDirectiveId id, alias;
        uint64_t value;
} field_defaults[] = {
        { UD_UNIT_START_LIMIT_INTERVAL_SEC, UD_SERVICE_START_LIMIT_INTERVAL, USEC_S(10) },
        { UD_UNIT_START_LIMIT_BURST, UD_SERVICE_START_LIMIT_BURST, 5 },
        { UD_SERVICE_RESTART_SEC, UD_SERVICE_RESTART_SEC, DEFAULT_RESTART_USEC },
        { UD_SERVICE_TIMEOUT_STOP_SEC, UD_SERVICE_TIMEOUT_STOP_SEC, DEFAULT_TIMEOUT_USEC },
        { UD_SERVICE_RUNTIME_MAX_SEC, UD_SERVICE_RUNTIME_MAX_SEC, SDU_SIZE_INFINITY },
        { UD_SOCKET_SOCKET_MODE, UD_SOCKET_SOCKET_MODE, 0666 },
        { UD_SOCKET_DIRECTORY_MODE, UD_SOCKET_DIRECTORY_MODE, 0755 },
        { UD_SOCKET_TIMEOUT_SEC, UD_SOCKET_TIMEOUT_SEC, DEFAULT_TIMEOUT_USEC },
        { UD_SOCKET_TRIGGER_LIMIT_INTERVAL_SEC, UD_SOCKET_TRIGGER_LIMIT_INTERVAL_SEC, USEC_S(2) },
        { UD_TIMER_ACCURACY_SEC, UD_TIMER_ACCURACY_SEC, USEC_S(60) },
        { UD_PATH_DIRECTORY_MODE, UD_PATH_DIRECTORY_MODE, 0755 },
        { UD_PATH_TRIGGER_LIMIT_INTERVAL_SEC, UD_PATH_TRIGGER_LIMIT_INTERVAL_SEC, USEC_S(2) },
        { UD_PATH_TRIGGER_LIMIT_BURST, UD_PATH_TRIGGER_LIMIT_BURST, 200 },
        { UD_MOUNT_DIRECTORY_MODE, UD_MOUNT_DIRECTORY_MODE, 0755 },
        { UD_EXEC_UMASK, UD_EXEC_UMASK, 0022 },
        { UD_EXEC_RUNTIME_DIRECTORY_MODE, UD_EXEC_RUNTIME_DIRECTORY_MODE, 0755 },
        { UD_EXEC_STATE_DIRECTORY_MODE, UD_EXEC_STATE_DIRECTORY_MODE, 0755 },
        { UD_EXEC_CACHE_DIRECTORY_MODE, UD_EXEC_CACHE_DIRECTORY_MODE, 0755 },
        { UD_EXEC_LOGS_DIRECTORY_MODE, UD_EXEC_LOGS_DIRECTORY_MODE, 0755 },
        { UD_EXEC_CONFIGURATION_DIRECTORY_MODE, UD_EXEC_CONFIGURATION_DIRECTORY_MODE, 0755 },
        /* systemd.kill(5): SIGTERM, SIGKILL, SIGABRT (as numbers, like systemctl prints signals) */
        { UD_KILL_KILL_SIGNAL, UD_KILL_KILL_SIGNAL, SIGTERM },
        { UD_KILL_FINAL_KILL_SIGNAL, UD_KILL_FINAL_KILL_SIGNAL, SIGKILL },
        { UD_KILL_WATCHDOG_SIGNAL, UD_KILL_WATCHDOG_SIGNAL, SIGABRT },
};

static void write_field(Unit *u, UnitDirectiveId id, uint64_t value) {
        const UnitDirective *d = unit_directive_table + id;
        void *field = unit_directive_field(u, d);

        if (!field) /* an unallocated cgroup row (none has a default written here) */
                return;
        switch (d->kind) {
        case KIND_TIME:
                *(uint64_t *) field = value;
                break;
        case KIND_MODE:
                *(mode_t *) field = (mode_t) value;
                break;
        case KIND_INT:
        case KIND_SIGNAL:
                *(int *) field = (int) value;
                break;
        default:
                break;
        }
}

/* Rows whose unset value unit_apply_defaults() computes (so show formats the field). */
static bool row_has_applied_default(size_t i) {
        if (i == UD_SERVICE_TIMEOUT_START_SEC || i == UD_SERVICE_TIMEOUT_ABORT_SEC || i == UD_SOCKET_TRIGGER_LIMIT_BURST)
                return true;
        for (size_t k = 0; k < SDU_ELEMENTSOF(field_defaults); k++)
                if (field_defaults[k].id == i)
                        return true;
        return false;
}

void udef_service_apply_defaults(Unit *u) {
        /* Type= unset: dbus with BusName=, oneshot without ExecStart=, else simple
         * (systemd.service(5)). Recomputed after every file, as a drop-in may add
         * ExecStart= or BusName=. */
        if (!unit_is_set(u, UD_SERVICE_TYPE))
                u->service.type = -1;
        u->service.type = unit_effective_service_type(u);
        /* systemd's service_add_extras(): a oneshot service has no start timeout. */
        if (!unit_is_set(u, UD_SERVICE_TIMEOUT_START_SEC))
                u->service.timeout_start_usec =
                        unit_effective_service_type(u) == SERVICE_ONESHOT ? SDU_SIZE_INFINITY : DEFAULT_TIMEOUT_USEC;
        if (!unit_is_set(u, UD_SERVICE_TIMEOUT_ABORT_SEC))
                u->service.timeout_abort_usec = u->service.timeout_stop_usec;
        /* Delegate= into typed fields once, so that nothing reads its text at run time. The
         * cgroup block exists when the unit sets any cgroup directive; Delegate= alone makes one
         * (out of memory: the unit runs undelegated). */
        {
                uint32_t mask = 0;
                int on = delegate_parse(unit_setting_raw(u, "Service", "Delegate"), &mask);
                if (on > 0 && !u->cgroup && (u->cgroup = malloc(sizeof(CGroupSettings))))
                        *u->cgroup = unit_cgroup_unset;
                if (u->cgroup) {
                        u->cgroup->delegate = on > 0;
                        u->cgroup->delegate_mask = on > 0 ? mask : 0;
                }
        }
}

void udef_socket_apply_defaults(Unit *u) {
        if (!unit_is_set(u, UD_SOCKET_TRIGGER_LIMIT_BURST))
                u->socket.trigger_limit_burst = u->socket.accept > 0 ? 200 : 20;
}

static const char *const protect_system_names[] = { "no", "yes", "full", "strict" };
static const char *const protect_home_names[] = { "no", "yes", "read-only", "tmpfs" };

const char *unit_protect_system_to_string(UnitProtectSystem v) {
        return v >= 0 && (size_t) v < SDU_ELEMENTSOF(protect_system_names) ? protect_system_names[v] : "no";
}

const char *unit_protect_home_to_string(UnitProtectHome v) {
        return v >= 0 && (size_t) v < SDU_ELEMENTSOF(protect_home_names) ? protect_home_names[v] : "no";
}

/* The last value of a raw exec row, NULL when unset (before and after unit_compact()); by
 * directive id: this runs after every file of a unit (40,000 drop-ins: no lookup by name). */
static const char *exec_raw_last(const Unit *u, UnitDirectiveId id) {
        char *const *v = unit_raw_values(u, id);
        size_t n = 0;

        while (v && v[n])
                n++;
        return n > 0 ? v[n - 1] : NULL;
}

static int exec_raw_true(const Unit *u, UnitDirectiveId id) {
        const char *v = exec_raw_last(u, id);

        return v && sdu_parse_boolean(v) > 0;
}

/* A boolean-or-word row (ProtectSystem=, ProtectHome=): no/yes as 0/1, the other words by index. */
static int exec_raw_word(const Unit *u, UnitDirectiveId id, const char *const *names, size_t n) {
        const char *v = exec_raw_last(u, id);
        int b = v ? sdu_parse_boolean(v) : 0;

        if (b >= 0)
                return b > 0;
        for (size_t i = 2; i < n; i++)
                if (sdu_streq(names[i], v))
                        return (int) i;
        return 0;
}

/* systemd's unit_patch_contexts(): a dynamic user must leave nothing of its own behind (no files
 * outside its directories, no IPC objects, no SUID/SGID binaries), so DynamicUser= forces this
 * sandbox on whatever the unit says. Computed from the settings each time (idempotent: a drop-in
 * may turn DynamicUser= off again). */
static void apply_effective_sandbox(Unit *u) {
        ExecEffectiveSandbox *e;
        int du;

        /* Without u->exec the unit sets no exec row, raw ones included (unit_directive_assign()):
         * nothing is forced, as unit_exec_unset says. */
        if (!u->exec)
                return;
        e = &u->exec->effective;
        *e = (ExecEffectiveSandbox) {};
        if (!unit_type_info(u->type)->exec)
                return;
        du = exec_raw_true(u, UD_EXEC_DYNAMIC_USER);
        e->dynamic_user = du;
        e->private_tmp = du || exec_raw_true(u, UD_EXEC_PRIVATE_TMP);
        e->remove_ipc = du || exec_raw_true(u, UD_EXEC_REMOVE_IPC);
        e->no_new_privileges = du || u->exec->no_new_privileges > 0;
        e->restrict_suid_sgid = du || exec_raw_true(u, UD_EXEC_RESTRICT_SUIDSGID);
        e->protect_system = du ? UNIT_PROTECT_SYSTEM_STRICT
                               : (UnitProtectSystem) exec_raw_word(u, UD_EXEC_PROTECT_SYSTEM, protect_system_names,
                                                                   SDU_ELEMENTSOF(protect_system_names));
        e->protect_home = (UnitProtectHome) exec_raw_word(u, UD_EXEC_PROTECT_HOME, protect_home_names, SDU_ELEMENTSOF(protect_home_names));
        if (du && e->protect_home == UNIT_PROTECT_HOME_NO)
                e->protect_home = UNIT_PROTECT_HOME_READ_ONLY;
}

void unit_apply_defaults(Unit *u) {
        const UnitTypeInfo *info = unit_type_info(u->type);

        for (size_t k = 0; k < SDU_ELEMENTSOF(field_defaults); k++) {
                UnitDirectiveId id = field_defaults[k].id;

                if (unit_directive_applies(unit_directive_table + id, u->type) && !unit_is_set(u, id) &&
                    !unit_is_set(u, field_defaults[k].alias))
                        write_field(u, id, field_defaults[k].value);
        }
        if (info->apply_defaults)
                info->apply_defaults(u);
        apply_effective_sandbox(u);
}

/* Description= of a slice: "Slice /a/b" for a-b.slice, "Root Slice" for -.slice. */
char *udef_slice_description(const Unit *u) {
        char *p = NULL, *path = NULL, *s;

        if (sdu_streq(u->id, "-.slice"))
                return strdup("Root Slice");
        if (unit_name_to_prefix(u->id, &p) < 0 || unit_name_path_unescape(p, &path) < 0) {
                free(p);
                return strdup(u->id);
        }
        s = sdu_strjoin3("Slice ", path, NULL);
        free(p);
        free(path);
        return s;
}

/* Description= of a mount: its Where=. */
char *udef_mount_description(const Unit *u) {
        return strdup(u->mount.where ? u->mount.where : u->id);
}

/* The default of an unset row, computed from the unit; NULL when there is none (or it is only
 * known at run time). May also return a constant from constant_defaults. */
static char *computed_default(const Unit *u, const UnitDirective *d) {
        const UnitTypeInfo *info = unit_type_info(u->type);
        const char *k = d->key, *cst;

        if (sdu_streq(d->section, "Unit")) {
                if (sdu_streq(k, "Description"))
                        return info->default_description ? info->default_description(u) : strdup(u->id);
                if (sdu_streq(k, "IgnoreOnIsolate"))
                        return strdup(info->ignore_on_isolate ? "yes" : "no");
        }
        /* Only services have the [Service] rows (unit_directive_applies()). */
        if (sdu_streq(d->section, "Service")) {
                if (sdu_streq(k, "Type")) {
                        const char *const *v = unit_enum_values(UD_SERVICE_TYPE);
                        return v ? strdup(v[unit_effective_service_type(u)]) : NULL;
                }
                if (sdu_streq(k, "NotifyAccess")) {
                        int t = unit_effective_service_type(u);
                        bool wd = is_set(u, "Service", "WatchdogSec") && u->service.watchdog_usec > 0;
                        return strdup(t == SERVICE_NOTIFY || t == SERVICE_NOTIFY_RELOAD || wd ||
                                                      u->service.file_descriptor_store_max > 0
                                              ? "main"
                                              : "none");
                }
                if (sdu_streq(k, "OOMPolicy"))
                        return strdup(delegate_on(u) ? "continue" : "stop");
        }
        if (sdu_streq(d->section, "Socket") && sdu_streq(k, "FileDescriptorName"))
                return strdup(u->id);
        if ((sdu_streq(d->section, "Timer") || sdu_streq(d->section, "Path")) && sdu_streq(k, "Unit"))
                return udef_same_name_service(u);
        if (sdu_streq(d->section, "@exec")) {
                bool du = unit_exec(u)->effective.dynamic_user;

                if (du && sdu_streq(k, "User"))
                        return unit_dynamic_user_name(u);
                if (du && sdu_streq(k, "Group")) {
                        char *user = udef_row_text(u, NULL, "User");
                        return user ? user : unit_dynamic_user_name(u);
                }
                if (sdu_streq(k, "KeyringMode"))
                        return strdup(info->keyring_mode ? info->keyring_mode : "shared");
                if (sdu_streq(k, "MountAPIVFS"))
                        return strdup(unit_exec(u)->root_directory || udef_raw_value(u, "RootImage") ? "yes" : "no");
                if (sdu_streq(k, "StandardInput") || sdu_streq(k, "StandardOutput") || sdu_streq(k, "StandardError")) {
                        char *in, *out, *err;
                        if (udef_effective_stdio(u, &in, &out, &err) < 0)
                                return NULL;
                        char *keep = k[8] == 'I' ? in : k[8] == 'O' ? out : err;
                        if (keep != in)
                                free(in);
                        if (keep != out)
                                free(out);
                        if (keep != err)
                                free(err);
                        return keep;
                }
        }
        if (sdu_streq(d->section, "@kill") && sdu_streq(k, "RestartKillSignal"))
                return sdu_asprintf("%d", u->kill.kill_signal); /* KillSignal=, SIGTERM unless set */
        if (sdu_streq(d->section, "@cgroup") && sdu_streq(k, "Slice")) {
                char *s = NULL;
                (void) unit_effective_slice(u, &s);
                return s;
        }
        cst = constant_default(d);
        return cst ? strdup(cst) : NULL;
}

/* The value of a set row, as systemctl prints it. */
static char *set_value(const Unit *u, size_t i) {
        const UnitDirective *d = unit_directive_table + i;
        const void *field = unit_directive_field_const(u, d);
        char *v = NULL;

        switch (d->kind) {
        case KIND_TIME:
                return unit_format_timespan_show(*(const uint64_t *) field);
        case KIND_SIGNAL:
                return *(const int *) field > 0 ? sdu_asprintf("%d", *(const int *) field) : strdup("");
        case KIND_LIMIT:
                if (sdu_streq(d->key, "CPUQuota")) {
                        const LimitValue *l = field;
                        if (!l->set)
                                return strdup("infinity");
                        return unit_format_timespan_show((uint64_t) l->permyriad * 100);
                }
                break;
        case KIND_RAW: {
                const RawDesc *rd = d->data;
                const char *raw = udef_raw_value(u, d->key);
                if (sdu_streq(d->key, "Delegate"))
                        return strdup(delegate_on(u) ? "yes" : "no");
                if (raw && (rd->check == RAW_BOOL || rd->check == RAW_BOOL_OR_ENUM) && sdu_parse_boolean(raw) >= 0)
                        return strdup(sdu_parse_boolean(raw) ? "yes" : "no");
                break;
        }
        default:
                break;
        }
        if (unit_directive_format(u, i, &v) < 0)
                return NULL;
        if (!v)
                return strdup("");
        if (d->kind == KIND_CAPS) {
                char *l = caps_lower(v);
                free(v);
                return l;
        }
        if (d->kind == KIND_ENUM && (sdu_streq(d->key, "CPUSchedulingPolicy") || sdu_streq(d->key, "IOSchedulingClass"))) {
                char *n = enum_number(d->key, v);
                free(v);
                return n;
        }
        if (sdu_streq(d->section, "@exec") &&
            (sdu_streq(d->key, "SyslogLevel") || sdu_streq(d->key, "LogLevelMax") || sdu_streq(d->key, "SyslogFacility"))) {
                int n = level_number(v, sdu_streq(d->key, "SyslogFacility"));
                if (n >= 0) {
                        free(v);
                        return sdu_asprintf("%d", n);
                }
        }
        return v;
}

/* DynamicUser= and the rows it forces, as they take effect (unit_exec(u)->effective, written by
 * unit_apply_defaults()). false: row i is not one of them. */
static bool effective_sandbox_row(const Unit *u, size_t i, char **ret) {
        const ExecEffectiveSandbox *e = &unit_exec(u)->effective;
        int b;

        switch (i) {
        case UD_EXEC_DYNAMIC_USER:
                b = e->dynamic_user;
                break;
        case UD_EXEC_PRIVATE_TMP:
                b = e->private_tmp;
                break;
        case UD_EXEC_REMOVE_IPC:
                b = e->remove_ipc;
                break;
        case UD_EXEC_NO_NEW_PRIVILEGES:
                b = e->no_new_privileges;
                break;
        case UD_EXEC_RESTRICT_SUIDSGID:
                b = e->restrict_suid_sgid;
                break;
        case UD_EXEC_PROTECT_SYSTEM:
                *ret = strdup(unit_protect_system_to_string(e->protect_system));
                return true;
        case UD_EXEC_PROTECT_HOME:
                *ret = strdup(unit_protect_home_to_string(e->protect_home));
                return true;
        default:
                return false;
        }
        *ret = strdup(b ? "yes" : "no");
        return true;
}

/* The effective value of row i: what the unit sets, with the adjustments systemd makes
 * (NotifyAccess=main for notify services, the stdio fix-ups, DynamicUser='s sandbox: unit_exec(u)->effective), else the
 * default. *ret NULL: no value. */
static int row_value(const Unit *u, size_t i, char **ret) {
        const UnitDirective *d = unit_directive_table + i;
        const char *k = d->key;
        char *v = NULL;

        if (effective_sandbox_row(u, i, &v)) {
                *ret = v;
                return v ? 0 : -ENOMEM;
        }
        if (udef_row_is_set(u, i) || row_has_applied_default(i)) {
                /* set, or written by unit_apply_defaults(): the field is what the manager runs */
                v = set_value(u, i);
                if (!v)
                        return -ENOMEM;
        }
        if (sdu_streq(d->section, "Service") && sdu_streq(k, "NotifyAccess") && v && sdu_streq(v, "none")) {
                free(v);
                v = NULL;
        } else if (sdu_streq(d->section, "@exec") &&
                   (sdu_streq(k, "StandardInput") || sdu_streq(k, "StandardOutput") || sdu_streq(k, "StandardError"))) {
                free(v);
                v = NULL;
        }
        if (!v) {
                v = computed_default(u, d);
                /* computed_default() returns NULL both for "no default" and on OOM; the
                 * difference does not matter enough to thread it through. */
        }
        *ret = v;
        return 0;
}

static void emit_rlimit(PropCtx *c, size_t i) {
        const UnitDirective *d = unit_directive_table + i;
        int res = (int) (uintptr_t) d->data;
        const RLimitSetting *rl = unit_rlimit(unit_exec(c->u), res);
        char *soft_name = sdu_strjoin3(d->key, "Soft", NULL);
        char *hard = NULL, *soft = NULL;

        if (!soft_name) {
                c->r = -ENOMEM;
                return;
        }
        if (rl->set && udef_row_is_set(c->u, i)) {
                hard = rlimit_text(rl->hard);
                soft = rlimit_text(rl->soft);
        } else if (res == RLIMIT_NOFILE) {
                /* systemd-system.conf(5): DefaultLimitNOFILE=1024:524288 */
                hard = strdup("524288");
                soft = strdup("1024");
        } else if (res == RLIMIT_MEMLOCK) {
                /* DefaultLimitMEMLOCK=8M */
                hard = strdup("8388608");
                soft = strdup("8388608");
        }
        /* Every other limit is inherited from PID 1 (the kernel's or the container's): run time. */
        emit(c, d->key, d->key, hard);
        emit(c, soft_name, NULL, soft);
        free(soft_name);
        free(hard);
        free(soft);
}

static void emit_deps(PropCtx *c, size_t i) {
        const UnitDirective *d = unit_directive_table + i;
        char **file = *(char **const *) unit_directive_field_const(c->u, d), **all = NULL, *v;
        int kind = -1;

        for (int k = 0; k < _UNIT_DEPENDENCY_MAX; k++)
                if (unit_directive_table[i].offset == offsetof(Unit, unit.deps) + (size_t) k * sizeof(char **))
                        kind = k;
        if (strv_extend_strv(&all, file, true) < 0 ||
            (kind >= 0 && strv_extend_strv(&all, c->deps.deps[kind], true) < 0)) {
                strv_free(all);
                c->r = -ENOMEM;
                return;
        }
        v = all ? strv_join(all, " ") : NULL;
        if (all && !v)
                c->r = -ENOMEM;
        emit(c, d->key, d->key, v);
        free(v);
        strv_free(all);
}

static void emit_list(PropCtx *c, const char *name, char **l) {
        char *v = l ? strv_join(l, " ") : NULL;

        if (l && !v)
                c->r = -ENOMEM;
        emit(c, name, NULL, v);
        free(v);
}

int unit_properties(const Unit *u, UnitLookupFn lookup, void *userdata, UnitPropertyFn fn, void *fn_userdata) {
        PropCtx c = { .u = u, .fn = fn, .userdata = fn_userdata };
        bool deps_done = false;
        char *s;
        int r;

        r = unit_implicit_deps(u, UNIT_IMPLICIT_ALL, lookup, userdata, &c.deps);
        if (r < 0)
                return r;

        emit(&c, "Id", NULL, u->id);
        s = strv_join(u->names, " ");
        if (!s) {
                unit_implicit_deps_done(&c.deps);
                return -ENOMEM;
        }
        emit(&c, "Names", NULL, s);
        free(s);
        emit(&c, "LoadState", NULL, unit_load_state_to_string(u->load_state));
        emit(&c, "FragmentPath", NULL, u->fragment_path);
        s = u->dropin_paths ? strv_join(u->dropin_paths, " ") : NULL;
        if (u->dropin_paths && !s)
                c.r = -ENOMEM;
        emit(&c, "DropInPaths", NULL, s);
        free(s);

        for (size_t i = 0; i < unit_directive_table_size && c.r >= 0; i++) {
                const UnitDirective *d = unit_directive_table + i;
                char *name;

                if (!unit_directive_applies(d, u->type) || (d->flags & DIRECTIVE_NO_DUMP))
                        continue;
                if (d->kind != KIND_DEPS && !deps_done && sdu_streq(d->section, "Unit") && i > 0 &&
                    unit_directive_table[i - 1].kind == KIND_DEPS) {
                        /* After the dependency rows: the trigger relations systemctl shows. */
                        emit_list(&c, "Triggers", c.deps.deps[UNIT_TRIGGERS]);
                        emit_list(&c, "TriggeredBy", c.deps.triggered_by);
                        deps_done = true;
                }
                if (d->kind == KIND_DEPS && sdu_streq(d->section, "Unit")) {
                        emit_deps(&c, i);
                        continue;
                }
                if (d->kind == KIND_RLIMIT) {
                        emit_rlimit(&c, i);
                        continue;
                }
                name = property_name(d);
                if (!name) {
                        c.r = -ENOMEM;
                        break;
                }
                {
                        char *v = NULL;
                        int k = row_value(u, i, &v);
                        if (k < 0)
                                c.r = k;
                        else
                                emit_owned(&c, name, d->key, v);
                }
                free(name);
        }
        unit_implicit_deps_done(&c.deps);
        return c.r;
}
