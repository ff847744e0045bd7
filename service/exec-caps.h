/* SPDX-License-Identifier: MIT */
#pragma once

/* The privilege step of a service's child, between the namespace set-up and execve(), in the order
 * of systemd 252's exec_child(): CoredumpFilter=, CPUAffinity=, NUMAPolicy=, KeyringMode=, groups,
 * RestrictRealtime='s RLIMIT_RTPRIO, CapabilityBoundingSet=, AmbientCapabilities= (inheritable),
 * the user (keep-caps when needed), AmbientCapabilities= (raised), SecureBits=,
 * NoNewPrivileges= (also implied as systemd implies it), the seccomp filters (exec-seccomp.h). */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "service/manager.h"

typedef struct ExecIdentity {
        bool set;            /* User=/Group=/SupplementaryGroups=/DynamicUser= given */
        uid_t uid;
        gid_t gid;
        const gid_t *groups;
        int n_groups;
} ExecIdentity;

/* In the manager, before fork: what can be computed once for the child (the seccomp programs,
 * compiled at the first start of a unit with those settings). The child then needs only the
 * prepared data and the unit's typed settings (Unit.exec.sandbox): it allocates nothing. */
void exec_privileges_prepare(MUnit *u);

/* In the child. Returns 0, or systemd's exit status for the failed step (with a message in err,
 * for the unit's log). */
int exec_privileges_apply(MUnit *u, const ExecCommand *cmd, const ExecIdentity *id, char *err, size_t errlen);

/* The unit is dead (not restarting or restarting: systemd releases both at that point): its
 * dynamic user is released and its credentials removed. */
void exec_sandbox_unit_dead(MUnit *u);

/* Whether systemd would set no_new_privs for this unit (NoNewPrivileges=, DynamicUser=, or any
 * seccomp-based setting for a process without CAP_SYS_ADMIN). For tests and `show`. */
bool exec_no_new_privileges(const Unit *u, bool have_cap_sys_admin);
