/* SPDX-License-Identifier: MIT */
#pragma once

/* The sandbox settings of systemd.exec(5) that the service manager enforces (service/exec-ns.c,
 * exec-mounts.c, exec-caps.c, exec-seccomp.c, dynamic-user.c), typed: filled once at load by
 * unit_sandbox_fill() (unit_compact() calls it) from the validated values of their rows, with the
 * same rules the parsers of systemd 252 apply (last assignment of a single-valued setting wins, an
 * empty assignment resets a list). The manager reads these fields and never looks a setting up by
 * its name while starting a process. Unit.exec.sandbox is NULL when the unit sets none of them.
 *
 * The seccomp lists (SystemCallFilter=, SystemCallLog=, SystemCallArchitectures=,
 * RestrictAddressFamilies=, SystemCallErrorNumber=) are compiled into BPF programs by PID 1 once per
 * distinct setting (exec-seccomp.c), from unit_raw_values() by directive id; credentials likewise. */

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "unit.h"

enum { PROTECT_PROC_DEFAULT, PROTECT_PROC_NOACCESS, PROTECT_PROC_INVISIBLE, PROTECT_PROC_PTRACEABLE };
enum { KEYRING_INHERIT, KEYRING_PRIVATE, KEYRING_SHARED };

typedef struct ExecSandbox {
        /* The namespaces and the mount table. ns: a row of those was set (DIRECTIVE_KEEP_RAW). */
        bool ns;
        int8_t protect_system, protect_home, protect_proc;
        int8_t mount_apivfs; /* -1: not set */
        bool proc_subset_pid, private_tmp, private_devices, private_network, private_ipc, private_mounts;
        bool protect_kernel_tunables, protect_kernel_modules, protect_kernel_logs, protect_control_groups;
        bool protect_hostname;
        unsigned long mount_flags;                       /* MountFlags=: 0 unset, MS_SHARED/SLAVE/PRIVATE */
        char **rw, **ro, **inaccessible, **exec, **noexec; /* words, with their '-'/'+' prefixes */
        char **bind, **bind_ro, **tmpfs;                 /* words: SRC[:DST[:OPTS]], PATH[:OPTS] */
        char *netns_path, *ipcns_path;

        /* The process: users, capabilities, seccomp. */
        bool dynamic_user, private_users, protect_clock, restrict_realtime, restrict_suid_sgid, lock_personality,
                memory_deny_write_execute;
        bool seccomp;             /* some seccomp-based setting is in effect (exec_seccomp_wanted()) */
        long restrict_namespaces; /* the namespace types (CLONE_NEW*) to retain, -1: no restriction */
        int8_t keyring_mode;      /* KEYRING_*, KEYRING_PRIVATE when unset (systemd's default for system units) */
        int8_t numa_policy;       /* -1: not set; 0 default, 1 preferred, 2 bind, 3 interleave, 4 local */
        int secure_bits;          /* SecureBits=: 1 << SECURE_* */
        bool coredump_filter_set, cpu_affinity_set, numa_mask_set;
        unsigned long long coredump_filter;
        unsigned long cpu_affinity[1024 / (8 * sizeof(unsigned long))]; /* a CPU set, 1024 CPUs */
        unsigned long numa_mask[1024 / (8 * sizeof(unsigned long))];    /* NUMAMask=, 1024 nodes */
} ExecSandbox;

/* The namespace types by their RestrictNamespaces= names (read at load here, turned into seccomp
 * rules by service/exec-seccomp.c). */
typedef struct UnitNsType {
        const char *name;
        unsigned long flag;
} UnitNsType;
extern const UnitNsType unit_ns_types[];
extern const size_t unit_ns_types_n;
#define UNIT_NS_ALL (CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUSER | CLONE_NEWUTS | CLONE_NEWTIME)

/* The settings of a unit that sets none of them (systemd's defaults). */
extern const ExecSandbox unit_sandbox_none;

static inline const ExecSandbox *unit_sandbox(const Unit *u) {
        return unit_exec(u)->sandbox ? unit_exec(u)->sandbox : &unit_sandbox_none;
}

/* Fills (or refills) u->exec.sandbox from the unit's rows; NULL when none is set. -ENOMEM or 0. */
int unit_sandbox_fill(Unit *u);
void unit_sandbox_free(ExecSandbox *s);

/* The validated values of a "not enforced"/raw row by its id (UD_EXEC_SYSTEM_CALL_FILTER ...), in
 * assignment order, before and after unit_compact(); NULL when not assigned (or reset). */
char *const *unit_raw_values(const Unit *u, UnitDirectiveId id);
/* The last of them (a single-valued row), NULL when unset. */
const char *unit_raw_last(const Unit *u, UnitDirectiveId id);
/* The same values by section and key (the row unit_directive_lookup() finds): NULL for a key the
 * unit's type does not have, too. */
char *const *unit_setting_raw(const Unit *u, const char *section, const char *key);
