/* SPDX-License-Identifier: MIT */
#pragma once

/* The seccomp-based settings of systemd.exec(5), applied in the child with systemd 252's verdicts
 * (its exec_child() loads one filter per setting and architecture, in this order:
 * RestrictAddressFamilies=, MemoryDenyWriteExecute=, RestrictRealtime=, RestrictSUIDSGID=,
 * RestrictNamespaces=, ProtectKernelTunables=, ProtectKernelModules=, ProtectKernelLogs=,
 * ProtectClock=, PrivateDevices= (their system call parts), SystemCallArchitectures=,
 * LockPersonality=, SystemCallLog=, SystemCallFilter= last). sdinit loads at most three programs:
 * all the settings that allow by default and SystemCallArchitectures= in one, then SystemCallLog=
 * and SystemCallFilter= (exec-seccomp.c, "fewer programs, the same verdicts"), each re-encoded
 * shorter with the same verdicts (service/bpf-compact.c). */

#include <stdbool.h>
#include <stddef.h>

#include "units/unit.h"
#include "units/unit-sandbox.h"

typedef struct ExecSyscallGroup {
        const char *name;    /* "@system-service" */
        const char *members; /* system call names and "@group"s, separated by spaces */
} ExecSyscallGroup;

extern const ExecSyscallGroup exec_syscall_groups[]; /* NULL-terminated */

/* Whether any of the settings above is in effect (systemd then implies NoNewPrivileges= for a
 * process without CAP_SYS_ADMIN): the typed Unit.exec.sandbox says it. */
bool exec_seccomp_wanted(const Unit *u);

/* In the manager, before fork: compiles the unit's filters once for all units with the same
 * settings (kept for the manager's lifetime), so that the child only loads them; remembers them for
 * the process about to be started. Optional. Returns the number of the new plan's programs whose
 * re-encoding (service/bpf-compact.c) failed its proof of the same verdicts: loaded as libseccomp
 * made them (a bug, for a debug line). */
int exec_seccomp_prepare(const Unit *u);

typedef struct ExecSeccompPlan ExecSeccompPlan;

/* Tests: called in exec_seccomp_prepare() with every new program of a plan: exported as libseccomp
 * made it, loaded as the child loads it (its re-encoding by service/bpf-compact.c, or the same). */
struct sock_fprog;
extern void (*exec_seccomp_program_hook)(const struct sock_fprog *exported, const struct sock_fprog *loaded);

/* Applies them all (the prepared programs when there are). Returns 0, or systemd's exit status
 * (EXIT_SECCOMP, EXIT_ADDRESS_FAMILIES) with a message in err. */
int exec_seccomp_apply(const Unit *u, char *err, size_t errlen);
