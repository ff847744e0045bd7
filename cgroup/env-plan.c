/* SPDX-License-Identifier: MIT */
/* env_compute_plan(): turn detected facts into what sdinit will do, with human reasons.
 *
 * Design: a list of checks, each either passes or appends one reason (a full sentence a user can
 * act on).  Checks come in two groups:
 *   - cgroup checks decide whether sdinit can manage a cgroup at all ("usable cgroup");
 *   - hand-off checks (cgroup2 exactly at /sys/fs/cgroup with no v1 hierarchies, PID 1, the mounts
 *     systemd needs or CAP_SYS_ADMIN to create them, /dev/console) decide whether systemd could run.
 * plan = handoff-possible if no check failed, manage-delegated if only hand-off checks failed,
 * manage-degraded otherwise.  Notes are facts worth telling that do not change the plan.
 *
 * A hierarchy's root cgroup is "usable" only for a PID 1 in the initial user namespace (the
 * machine's own init); anything else must not take over the host's root cgroup. */
#include "env.h"
#include "env-internal.h"

#include <stdarg.h>
#include <string.h>

__attribute__((format(printf, 3, 4)))
static void add_line(char (*list)[ENV_REASON_LEN], size_t *n, const char *fmt, ...) {
        va_list ap;

        if (*n >= ENV_REASON_MAX)
                return;
        va_start(ap, fmt);
        vsnprintf(list[*n], ENV_REASON_LEN, fmt, ap);
        va_end(ap);
        (*n)++;
}

#define REASON(info, ...) add_line((info)->reasons, &(info)->n_reasons, __VA_ARGS__)
#define NOTE(info, ...) add_line((info)->notes, &(info)->n_notes, __VA_ARGS__)

static const char *own_path_or_dir(const struct env_info *info) {
        return info->own_path[0] ? info->own_path : info->own_dir;
}

bool env_cgroup_is_hosts(const struct env_info *info) {
        return info->cgroup_ns == ENV_NO && info->userns == ENV_NO && info->pid_ns != ENV_NO;
}

/* Returns true if sdinit can manage its cgroup; appends reasons otherwise. */
static bool check_cgroup(struct env_info *info) {
        switch (info->layout) {
        case ENV_LAYOUT_NONE:
                REASON(info, "no cgroup file system is mounted");
                return false;
        case ENV_LAYOUT_V1:
                REASON(info, "only cgroup v1 is mounted (%u hierarchies%s): sdinit needs cgroup2", info->n_v1_mounts,
                       info->v1_read_only == ENV_YES ? ", read-only" : "");
                return false;
        case ENV_LAYOUT_HYBRID:
        case ENV_LAYOUT_V2:
                break;
        }
        if (info->read_only == ENV_YES) {
                REASON(info, "cgroup2 is mounted read-only at %s", info->unified_mount);
                return false;
        }
        if (!info->own_path[0]) {
                REASON(info, "own cgroup is unknown (no 0:: line in /proc/self/cgroup)");
                return false;
        }
        if (!info->own_dir[0]) {
                REASON(info, "own cgroup %s is not visible in the cgroup2 mount at %s (mount root %s)",
                       info->own_path, info->unified_mount, info->unified_mount_root);
                return false;
        }
        if (env_cgroup_is_hosts(info)) {
                REASON(info, "cgroup %s is the host's (no cgroup namespace, no user namespace, not the machine's init): "
                       "not a delegated subtree", own_path_or_dir(info));
                return false;
        }
        if (info->hierarchy_root == ENV_YES) {
                if (info->pid1 == ENV_YES && info->userns == ENV_NO && info->pid_ns == ENV_NO && info->writable == ENV_YES)
                        return true;
                REASON(info, "cgroup %s (%s) is the root of the cgroup2 hierarchy%s: not a delegated subtree",
                       own_path_or_dir(info), info->own_dir,
                       info->cgroup_ns == ENV_NO ? " (no cgroup namespace)" : "");
                return false;
        }
        if (info->delegated == ENV_YES)
                return true;
        if (info->owner_uid >= 0 && info->owner_uid != (long long) info->euid) {
                if (info->owner_uid == (long long) info->overflow_uid)
                        REASON(info, "cgroup %s is owned by uid %lld (nobody): not delegated", own_path_or_dir(info),
                               info->owner_uid);
                else
                        REASON(info, "cgroup %s is owned by uid %lld, not by us (uid %u): not delegated",
                               own_path_or_dir(info), info->owner_uid, (unsigned) info->euid);
        } else if (info->delegation_problem[0])
                REASON(info, "cgroup %s is not delegated: %s", own_path_or_dir(info), info->delegation_problem);
        else
                REASON(info, "cgroup %s: delegation could not be determined", own_path_or_dir(info));
        return false;
}

static void check_mount(struct env_info *info, const char *path, const struct env_mount *m, const char *want_fstype,
                        bool *ok) {
        bool can_mount = info->cap_sys_admin == ENV_YES;

        if (!m->mounted) {
                if (can_mount)
                        NOTE(info, "%s is not a mount point; it can be mounted (CAP_SYS_ADMIN)", path);
                else {
                        REASON(info, "%s is not a mount point and CAP_SYS_ADMIN is missing to mount it", path);
                        *ok = false;
                }
                return;
        }
        if (want_fstype && strcmp(m->fstype, want_fstype) != 0) {
                if (can_mount)
                        NOTE(info, "%s is %s, not %s; a %s can be mounted over it (CAP_SYS_ADMIN)", path, m->fstype,
                             want_fstype, want_fstype);
                else {
                        REASON(info, "%s is %s, not %s, and CAP_SYS_ADMIN is missing to mount one", path, m->fstype,
                               want_fstype);
                        *ok = false;
                }
        }
}

static bool check_handoff(struct env_info *info) {
        bool ok = true;

        if (info->layout == ENV_LAYOUT_HYBRID) {
                REASON(info, "hybrid cgroup layout: cgroup2 is at %s, v1 hierarchies at /sys/fs/cgroup/*; systemd in a "
                       "container needs cgroup2 at /sys/fs/cgroup", info->unified_mount);
                ok = false;
        } else if (info->layout == ENV_LAYOUT_V2 && strcmp(info->unified_mount, "/sys/fs/cgroup") != 0) {
                REASON(info, "cgroup2 is mounted at %s, not at /sys/fs/cgroup", info->unified_mount);
                ok = false;
        }
        if (info->pid1 != ENV_YES) {
                if (info->pid > 0)
                        REASON(info, "not PID 1 (pid %d in our pid namespace)", (int) info->pid);
                else
                        REASON(info, "cannot tell whether we are PID 1");
                ok = false;
        }
        check_mount(info, "/proc", &info->m_proc, "proc", &ok);
        check_mount(info, "/sys", &info->m_sys, NULL, &ok);
        check_mount(info, "/dev", &info->m_dev, NULL, &ok);
        check_mount(info, "/dev/shm", &info->m_dev_shm, NULL, &ok);
        check_mount(info, "/run", &info->m_run, "tmpfs", &ok);
        if (!info->dev_console) {
                REASON(info, "/dev/console is missing");
                ok = false;
        }
        if (info->handoff_disabled) {
                REASON(info, "SDINIT_SYSTEMD=never: the image asks sdinit to run its units itself");
                ok = false;
        }
        if (!info->systemd_binary[0]) {
                REASON(info, "no systemd binary (/usr/lib/systemd/systemd, /lib/systemd/systemd, /sbin/init): nothing to hand off to");
                ok = false;
        } else if (info->systemd_usable != ENV_YES) {
                REASON(info, "%s cannot be executed (not an executable ELF binary or script)", info->systemd_binary);
                ok = false;
        }
        return ok;
}

void env_compute_plan(struct env_info *info) {
        bool cg_ok, handoff_ok;

        info->n_reasons = 0;
        info->n_notes = 0;

        cg_ok = check_cgroup(info);
        handoff_ok = check_handoff(info);

        if (cg_ok && handoff_ok)
                info->plan = ENV_PLAN_HANDOFF_POSSIBLE;
        else if (cg_ok)
                info->plan = ENV_PLAN_MANAGE_DELEGATED;
        else
                info->plan = ENV_PLAN_MANAGE_DEGRADED;

        if (info->unified_mount[0] && info->cgroup_ns == ENV_NO)
                NOTE(info, "no cgroup namespace: the cgroup paths are the host's");
        if (cg_ok && !info->controllers_available[0])
                NOTE(info, "no controllers are available in %s: no resource limits", info->own_dir);
        if (info->feat_cgroup_kill == ENV_NO)
                NOTE(info, "the kernel has no cgroup.kill (5.14): killing a service falls back to freeze and kill each pid");
        if (info->feat_clone_into_cgroup == ENV_NO)
                NOTE(info, "clone3 with CLONE_INTO_CGROUP is unavailable: services join their cgroup before exec");
        if (info->feat_pidfd == ENV_NO)
                NOTE(info, "pidfd_open is unavailable: processes are tracked with SIGCHLD only");
        if (info->plan == ENV_PLAN_MANAGE_DEGRADED)
                NOTE(info, "no usable cgroup: supervision uses process tracking only (no limits, no cgroup kill)");
}

const char *env_layout_to_string(enum env_layout l) {
        switch (l) {
        case ENV_LAYOUT_NONE:
                return "none";
        case ENV_LAYOUT_V1:
                return "v1";
        case ENV_LAYOUT_HYBRID:
                return "hybrid";
        case ENV_LAYOUT_V2:
                return "v2";
        }
        return "none";
}

const char *env_plan_to_string(enum env_plan p) {
        switch (p) {
        case ENV_PLAN_HANDOFF_POSSIBLE:
                return "handoff-possible";
        case ENV_PLAN_MANAGE_DELEGATED:
                return "manage-delegated";
        case ENV_PLAN_MANAGE_DEGRADED:
                return "manage-degraded";
        }
        return "manage-degraded";
}
