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
        int n_user_groups;   /* the first ones: User='s own (initgroups()), applied even by "+" and "!" */
        /* The manager's ids, taken in the child before any of them changes (systemd's
         * saved_uid/saved_gid): PrivateUsers= maps them to themselves (exec-userns.h). */
        uid_t manager_uid;
        gid_t manager_gid;
} ExecIdentity;

/* In the manager, before fork: what can be computed once for the child (the seccomp programs,
 * compiled at the first start of a unit with those settings). The child then needs only the
 * prepared data and the unit's typed settings (Unit.exec.sandbox): it allocates nothing. */
void exec_privileges_prepare(MUnit *u);

/* What failed, recorded without formatting where a vfork-style child can get (spawn.c: it shares
 * PID 1's memory, and neither allocates nor formats; it passes this to the parent):
 * exec_failure_format() writes the line systemd logs for it. */
typedef enum ExecFailStep {
        EXEC_FAIL_TEXT,    /* the line is in msg (the steps only a forked child runs) */
        EXEC_FAIL_KEYRING,
        EXEC_FAIL_GROUPS,
        EXEC_FAIL_GID,     /* arg: the gid */
        EXEC_FAIL_AMBIENT, /* before the UID change */
        EXEC_FAIL_UID,     /* arg: the uid */
} ExecFailStep;

typedef struct ExecFailure {
        int status;   /* systemd's exit status of the step; 0: none failed */
        int err;      /* its errno */
        int step;     /* ExecFailStep */
        unsigned arg;
        char msg[256]; /* EXEC_FAIL_TEXT */
} ExecFailure;

/* In the child, forked or vfork-style (for a unit spawn.c's spawn_needs_fork() lets through, only
 * system calls on prepared data are made). Returns 0, or systemd's exit status for the failed step,
 * described in *f. */
int exec_privileges_apply(MUnit *u, const ExecCommand *cmd, const ExecIdentity *id, ExecFailure *f);

/* The line for the unit's log (in the forked child, or in the parent of a vfork-style one). */
void exec_failure_format(const ExecFailure *f, char *buf, size_t size);

/* The unit is dead (not restarting or restarting: systemd releases both at that point): its
 * dynamic user is released and its credentials removed. */
void exec_sandbox_unit_dead(MUnit *u);

/* Whether systemd would set no_new_privs for this unit (NoNewPrivileges=, DynamicUser=, or any
 * seccomp-based setting for a process without CAP_SYS_ADMIN). For tests and `show`. */
bool exec_no_new_privileges(const Unit *u, bool have_cap_sys_admin);
