/* SPDX-License-Identifier: MIT */
/* The typed sandbox settings (see unit-sandbox.h), filled from the validated values of their rows.
 * The value rules are systemd 252's parsers' (src/core/load-fragment.c): booleans and
 * boolean-or-enum settings take their last assignment, lists add up, RestrictNamespaces= merges its
 * assignments as config_parse_restrict_namespaces() does, SecureBits=, CoredumpFilter= and
 * CPUAffinity= add up. */
#include "unit-sandbox.h"

#include <errno.h>
#include <linux/securebits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/strv.h"
#include "unit-directives.h"
#include "unit-values.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const ExecSandbox unit_sandbox_none = { .mount_apivfs = -1, .restrict_namespaces = -1, .numa_policy = -1,
                                         .keyring_mode = KEYRING_PRIVATE };

char *const *unit_raw_values(const Unit *u, UnitDirectiveId id) {
        if (u->settings)
                return u->settings[id].raw;
        for (size_t k = 0; k < u->n_raw_kept; k++)
                if (u->raw_kept[k].row == (unsigned) id)
                        return u->raw_kept[k].raw;
        return NULL;
}

const char *unit_raw_last(const Unit *u, UnitDirectiveId id) {
        char *const *l = unit_raw_values(u, id);
        size_t n = 0;

        while (l && l[n])
                n++;
        return n ? l[n - 1] : NULL;
}

char *const *unit_setting_raw(const Unit *u, const char *section, const char *key) {
        int i = unit_directive_lookup(u->type, section, key);

        return i < 0 ? NULL : unit_raw_values(u, (UnitDirectiveId) i);
}

/* A boolean row: 1, 0, or -1 when unset. */
static int raw_bool(const Unit *u, UnitDirectiveId id) {
        const char *v = unit_raw_last(u, id);
        return v ? sdu_parse_boolean(v) : -1;
}

static int enum_or_bool(const char *v, const char *const *names, int yes) {
        int b;

        if (!v)
                return 0;
        b = sdu_parse_boolean(v);
        if (b >= 0)
                return b ? yes : 0;
        for (int i = 0; names[i]; i++)
                if (strcmp(v, names[i]) == 0)
                        return i + 1;
        return 0;
}

/* The words of every assignment, unquoted and unescaped, appended to *l. */
static int push_words(char ***l, char *const *values) {
        for (size_t i = 0; values && values[i]; i++)
                for (const char *p = values[i];;) {
                        char *w;
                        int r = sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE);
                        if (r < 0)
                                return r;
                        if (r == 0)
                                break;
                        if ((r = strv_push(l, w)) < 0)
                                return r;
                }
        return 0;
}

const UnitNsType unit_ns_types[] = {
        { "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "net", CLONE_NEWNET }, { "mnt", CLONE_NEWNS },
        { "pid", CLONE_NEWPID },       { "user", CLONE_NEWUSER }, { "uts", CLONE_NEWUTS }, { "time", CLONE_NEWTIME },
};
const size_t unit_ns_types_n = sizeof(unit_ns_types) / sizeof(unit_ns_types[0]);

/* RestrictNamespaces=: the types to retain, or -1 when off/unset. A boolean, or a list of types
 * (allowed) or a "~" list (forbidden); the first list sets, later lists widen the allowed set, "~"
 * lists narrow it. */
static long parse_restrict_namespaces(char *const *lines) {
        long retain = -1;

        for (size_t i = 0; lines && lines[i]; i++) {
                const char *p = lines[i];
                int b = sdu_parse_boolean(p);
                bool invert = false;
                unsigned long flags = 0;

                if (b >= 0) {
                        retain = b ? 0 : -1;
                        continue;
                }
                if (*p == '~') {
                        invert = true;
                        p++;
                }
                for (;;) {
                        char *w = NULL;
                        if (sdu_extract_word(&p, &w, 0) <= 0)
                                break;
                        for (size_t k = 0; k < unit_ns_types_n; k++)
                                if (strcmp(unit_ns_types[k].name, w) == 0)
                                        flags |= unit_ns_types[k].flag;
                        free(w);
                }
                if (invert)
                        flags = UNIT_NS_ALL & ~flags;
                if (retain < 0)
                        retain = (long) flags;
                else if (invert)
                        retain &= (long) flags;
                else
                        retain |= (long) flags;
        }
        return retain == (long) UNIT_NS_ALL ? -1 : retain;
}

/* CPUAffinity=, NUMAMask=: "0-3 5,7"; assignments add up ("numa" is not supported: ignored).
 * Returns whether a set was given. */
static bool parse_cpu_set(char *const *lines, unsigned long *set, size_t bits) {
        const size_t w = 8 * sizeof(unsigned long);
        bool any = false;

        memset(set, 0, bits / 8);
        for (size_t i = 0; lines && lines[i]; i++)
                for (const char *p = lines[i]; *p;) {
                        char *end;
                        unsigned long a, b;
                        p += strspn(p, " \t,");
                        if (!*p)
                                break;
                        a = strtoul(p, &end, 10);
                        if (end == p) {
                                p += strcspn(p, " \t,");
                                continue;
                        }
                        b = a;
                        if (*end == '-')
                                b = strtoul(end + 1, &end, 10);
                        for (unsigned long c = a; c <= b && c < bits; c++)
                                set[c / w] |= 1UL << (c % w);
                        any = true;
                        p = end;
                }
        return any;
}

/* CoredumpFilter=: names or a hexadecimal mask, OR-ed (systemd's coredump_filter_mask_from_string). */
static bool parse_coredump_filter(char *const *lines, unsigned long long *mask) {
        static const char *const names[] = { "private-anonymous", "shared-anonymous", "private-file-backed",
                                             "shared-file-backed", "elf-headers", "private-huge", "shared-huge",
                                             "private-dax", "shared-dax", NULL };
        bool any = false;

        *mask = 0;
        for (size_t i = 0; lines && lines[i]; i++) {
                const char *p = lines[i];
                for (;;) {
                        char *w = NULL, *end;
                        if (sdu_extract_word(&p, &w, 0) <= 0)
                                break;
                        any = true;
                        if (strcmp(w, "all") == 0)
                                *mask = 0xffffffffULL;
                        else if (strcmp(w, "default") == 0)
                                *mask |= 0x33; /* private-anonymous shared-anonymous elf-headers private-huge */
                        else {
                                bool found = false;
                                for (int k = 0; names[k]; k++)
                                        if (strcmp(names[k], w) == 0) {
                                                *mask |= 1ULL << k;
                                                found = true;
                                        }
                                if (!found) {
                                        unsigned long long v = strtoull(w, &end, 16);
                                        if (!*end)
                                                *mask |= v;
                                }
                        }
                        free(w);
                }
        }
        return any;
}

/* SecureBits=: keep-caps, keep-caps-locked, no-setuid-fixup, no-setuid-fixup-locked, noroot,
 * noroot-locked; assignments add up. */
static int parse_secure_bits(char *const *lines) {
        static const struct {
                const char *name;
                int bit;
        } bits[] = { { "keep-caps", SECURE_KEEP_CAPS },
                     { "keep-caps-locked", SECURE_KEEP_CAPS_LOCKED },
                     { "no-setuid-fixup", SECURE_NO_SETUID_FIXUP },
                     { "no-setuid-fixup-locked", SECURE_NO_SETUID_FIXUP_LOCKED },
                     { "noroot", SECURE_NOROOT },
                     { "noroot-locked", SECURE_NOROOT_LOCKED } };
        int v = 0;

        for (size_t i = 0; lines && lines[i]; i++) {
                const char *p = lines[i];
                for (;;) {
                        char *w = NULL;
                        if (sdu_extract_word(&p, &w, 0) <= 0)
                                break;
                        for (size_t k = 0; k < sizeof(bits) / sizeof(bits[0]); k++)
                                if (strcmp(bits[k].name, w) == 0)
                                        v |= 1 << bits[k].bit;
                        free(w);
                }
        }
        return v;
}

void unit_sandbox_free(ExecSandbox *s) {
        if (!s)
                return;
        strv_free(s->rw);
        strv_free(s->ro);
        strv_free(s->inaccessible);
        strv_free(s->exec);
        strv_free(s->noexec);
        strv_free(s->bind);
        strv_free(s->bind_ro);
        strv_free(s->tmpfs);
        free(s->netns_path);
        free(s->ipcns_path);
        free(s);
}

/* The rows read here: when none is set, the unit has no sandbox. */
static const UnitDirectiveId rows[] = {
        UD_EXEC_DYNAMIC_USER, UD_EXEC_PROTECT_SYSTEM, UD_EXEC_PROTECT_HOME, UD_EXEC_PRIVATE_TMP, UD_EXEC_PRIVATE_DEVICES,
        UD_EXEC_PRIVATE_NETWORK, UD_EXEC_PRIVATE_IPC, UD_EXEC_PRIVATE_MOUNTS, UD_EXEC_PROTECT_KERNEL_TUNABLES,
        UD_EXEC_PROTECT_KERNEL_MODULES, UD_EXEC_PROTECT_KERNEL_LOGS, UD_EXEC_PROTECT_CONTROL_GROUPS, UD_EXEC_PROTECT_CLOCK, UD_EXEC_PRIVATE_USERS,
        UD_EXEC_PROTECT_HOSTNAME, UD_EXEC_PROTECT_PROC, UD_EXEC_PROC_SUBSET, UD_EXEC_RESTRICT_ADDRESS_FAMILIES,
        UD_EXEC_RESTRICT_NAMESPACES, UD_EXEC_RESTRICT_REALTIME, UD_EXEC_RESTRICT_SUIDSGID, UD_EXEC_LOCK_PERSONALITY,
        UD_EXEC_MEMORY_DENY_WRITE_EXECUTE, UD_EXEC_KEYRING_MODE, UD_EXEC_SYSTEM_CALL_FILTER,
        UD_EXEC_SYSTEM_CALL_ARCHITECTURES, UD_EXEC_SYSTEM_CALL_ERROR_NUMBER, UD_EXEC_SYSTEM_CALL_LOG,
        UD_EXEC_READ_WRITE_PATHS, UD_EXEC_READ_ONLY_PATHS, UD_EXEC_INACCESSIBLE_PATHS, UD_EXEC_EXEC_PATHS,
        UD_EXEC_NO_EXEC_PATHS, UD_EXEC_READ_WRITE_DIRECTORIES, UD_EXEC_READ_ONLY_DIRECTORIES,
        UD_EXEC_INACCESSIBLE_DIRECTORIES, UD_EXEC_BIND_PATHS, UD_EXEC_BIND_READ_ONLY_PATHS, UD_EXEC_TEMPORARY_FILE_SYSTEM,
        UD_EXEC_MOUNT_FLAGS, UD_EXEC_MOUNT_APIVFS, UD_EXEC_CPU_AFFINITY, UD_EXEC_NUMA_POLICY, UD_EXEC_NUMA_MASK,
        UD_EXEC_SECURE_BITS, UD_EXEC_COREDUMP_FILTER, UD_EXEC_NETWORK_NAMESPACE_PATH, UD_EXEC_IPC_NAMESPACE_PATH,
};

static int fill(const Unit *u, ExecSandbox *s) {
        static const char *const proc_names[] = { "noaccess", "invisible", "ptraceable", NULL };
        static const char *const numa_names[] = { "default", "preferred", "bind", "interleave", "local", NULL };
        const char *v;
        int r;

        for (size_t i = 0; i < SDU_ELEMENTSOF(rows); i++)
                if (unit_directive_table[rows[i]].flags & DIRECTIVE_KEEP_RAW && unit_raw_values(u, rows[i]))
                        s->ns = true;

        /* The namespaces: the last assignment of each single-valued setting. */
        /* ProtectSystem=, ProtectHome=, PrivateTmp=, DynamicUser=, RestrictSUIDSGID= with what
         * DynamicUser= implies: unit_apply_defaults() wrote them into unit_exec(u)->effective. */
        s->protect_system = (int8_t) unit_exec(u)->effective.protect_system;
        s->protect_home = (int8_t) unit_exec(u)->effective.protect_home;
        v = unit_raw_last(u, UD_EXEC_PROTECT_PROC);
        s->protect_proc = (int8_t) (v && strcmp(v, "default") == 0 ? 0 : enum_or_bool(v, proc_names, 0));
        v = unit_raw_last(u, UD_EXEC_PROC_SUBSET);
        s->proc_subset_pid = v && strcmp(v, "pid") == 0;
        s->private_tmp = unit_exec(u)->effective.private_tmp;
        s->private_devices = raw_bool(u, UD_EXEC_PRIVATE_DEVICES) > 0;
        s->private_network = raw_bool(u, UD_EXEC_PRIVATE_NETWORK) > 0;
        s->private_ipc = raw_bool(u, UD_EXEC_PRIVATE_IPC) > 0;
        s->private_mounts = raw_bool(u, UD_EXEC_PRIVATE_MOUNTS) > 0;
        s->protect_kernel_tunables = raw_bool(u, UD_EXEC_PROTECT_KERNEL_TUNABLES) > 0;
        s->protect_kernel_modules = raw_bool(u, UD_EXEC_PROTECT_KERNEL_MODULES) > 0;
        s->protect_kernel_logs = raw_bool(u, UD_EXEC_PROTECT_KERNEL_LOGS) > 0;
        v = unit_raw_last(u, UD_EXEC_PROTECT_CONTROL_GROUPS);
        s->protect_control_groups = v && sdu_parse_boolean(v) != 0; /* yes, private, strict */
        s->protect_hostname = raw_bool(u, UD_EXEC_PROTECT_HOSTNAME) > 0;
        v = unit_raw_last(u, UD_EXEC_MOUNT_APIVFS);
        s->mount_apivfs = (int8_t) (v ? sdu_parse_boolean(v) > 0 : -1);
        v = unit_raw_last(u, UD_EXEC_MOUNT_FLAGS);
        s->mount_flags = !v ? 0 : !strcmp(v, "shared") ? MS_SHARED : !strcmp(v, "slave") ? MS_SLAVE : MS_PRIVATE;
        if ((r = push_words(&s->rw, unit_raw_values(u, UD_EXEC_READ_WRITE_PATHS))) < 0 ||
            (r = push_words(&s->rw, unit_raw_values(u, UD_EXEC_READ_WRITE_DIRECTORIES))) < 0 ||
            (r = push_words(&s->ro, unit_raw_values(u, UD_EXEC_READ_ONLY_PATHS))) < 0 ||
            (r = push_words(&s->ro, unit_raw_values(u, UD_EXEC_READ_ONLY_DIRECTORIES))) < 0 ||
            (r = push_words(&s->inaccessible, unit_raw_values(u, UD_EXEC_INACCESSIBLE_PATHS))) < 0 ||
            (r = push_words(&s->inaccessible, unit_raw_values(u, UD_EXEC_INACCESSIBLE_DIRECTORIES))) < 0 ||
            (r = push_words(&s->exec, unit_raw_values(u, UD_EXEC_EXEC_PATHS))) < 0 ||
            (r = push_words(&s->noexec, unit_raw_values(u, UD_EXEC_NO_EXEC_PATHS))) < 0 ||
            (r = push_words(&s->bind, unit_raw_values(u, UD_EXEC_BIND_PATHS))) < 0 ||
            (r = push_words(&s->bind_ro, unit_raw_values(u, UD_EXEC_BIND_READ_ONLY_PATHS))) < 0 ||
            (r = push_words(&s->tmpfs, unit_raw_values(u, UD_EXEC_TEMPORARY_FILE_SYSTEM))) < 0)
                return r;
        if ((v = unit_raw_last(u, UD_EXEC_NETWORK_NAMESPACE_PATH)) && !(s->netns_path = strdup(v)))
                return -ENOMEM;
        if ((v = unit_raw_last(u, UD_EXEC_IPC_NAMESPACE_PATH)) && !(s->ipcns_path = strdup(v)))
                return -ENOMEM;

        /* The process. */
        s->dynamic_user = unit_exec(u)->effective.dynamic_user;
        /* DynamicUser= alone implies a mount namespace (its PrivateTmp=, ProtectSystem=strict,
         * ProtectHome=read-only), as systemd's unit_patch_contexts() */
        if (s->private_tmp || s->protect_system != UNIT_PROTECT_SYSTEM_NO || s->protect_home != UNIT_PROTECT_HOME_NO)
                s->ns = true;
        s->private_users = raw_bool(u, UD_EXEC_PRIVATE_USERS) > 0;
        s->protect_clock = raw_bool(u, UD_EXEC_PROTECT_CLOCK) > 0;
        s->restrict_realtime = raw_bool(u, UD_EXEC_RESTRICT_REALTIME) > 0;
        s->restrict_suid_sgid = unit_exec(u)->effective.restrict_suid_sgid;
        s->lock_personality = raw_bool(u, UD_EXEC_LOCK_PERSONALITY) > 0;
        s->memory_deny_write_execute = raw_bool(u, UD_EXEC_MEMORY_DENY_WRITE_EXECUTE) > 0;
        s->restrict_namespaces = parse_restrict_namespaces(unit_raw_values(u, UD_EXEC_RESTRICT_NAMESPACES));
        /* systemd's context_has_seccomp(): any of these, with DynamicUser='s RestrictSUIDSGID=yes */
        s->seccomp = s->lock_personality || s->memory_deny_write_execute || s->private_devices || s->protect_clock ||
                     s->protect_hostname || s->protect_kernel_tunables || s->protect_kernel_modules ||
                     s->protect_kernel_logs || s->restrict_realtime || s->restrict_suid_sgid || s->dynamic_user ||
                     s->restrict_namespaces >= 0 || unit_raw_values(u, UD_EXEC_RESTRICT_ADDRESS_FAMILIES) ||
                     unit_raw_values(u, UD_EXEC_SYSTEM_CALL_ARCHITECTURES) || unit_raw_values(u, UD_EXEC_SYSTEM_CALL_FILTER) ||
                     unit_raw_values(u, UD_EXEC_SYSTEM_CALL_LOG);
        v = unit_raw_last(u, UD_EXEC_KEYRING_MODE);
        s->keyring_mode = !v ? KEYRING_PRIVATE : !strcmp(v, "inherit") ? KEYRING_INHERIT : !strcmp(v, "shared") ? KEYRING_SHARED : KEYRING_PRIVATE;
        s->numa_policy = -1;
        if ((v = unit_raw_last(u, UD_EXEC_NUMA_POLICY)))
                for (int i = 0; numa_names[i]; i++)
                        if (strcmp(numa_names[i], v) == 0)
                                s->numa_policy = (int8_t) i;
        s->numa_mask_set = parse_cpu_set(unit_raw_values(u, UD_EXEC_NUMA_MASK), s->numa_mask, 1024);
        s->cpu_affinity_set = parse_cpu_set(unit_raw_values(u, UD_EXEC_CPU_AFFINITY), s->cpu_affinity, 1024);
        s->secure_bits = parse_secure_bits(unit_raw_values(u, UD_EXEC_SECURE_BITS));
        s->coredump_filter_set = parse_coredump_filter(unit_raw_values(u, UD_EXEC_COREDUMP_FILTER), &s->coredump_filter);
        return 0;
}

int unit_sandbox_fill(Unit *u) {
        ExecSandbox *s;
        bool any = false;
        int r;

        if (u->exec) {
                unit_sandbox_free(u->exec->sandbox);
                u->exec->sandbox = NULL;
        }
        for (size_t i = 0; i < SDU_ELEMENTSOF(rows) && !any; i++)
                any = unit_directive_applies(unit_directive_table + rows[i], u->type) && unit_raw_values(u, rows[i]);
        if (!any)
                return 0;
        if (!unit_exec_alloc(u) || !(s = calloc(1, sizeof(*s))))
                return -ENOMEM;
        r = fill(u, s);
        if (r < 0) {
                unit_sandbox_free(s);
                return r;
        }
        u->exec->sandbox = s;
        return 0;
}
