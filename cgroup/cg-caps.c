/* SPDX-License-Identifier: MIT */
/* Degraded modes: what works here, from env_detect()'s facts, and the one warning line.
 *
 * Pure (no I/O). The rules:
 *  - CG_CAP_TREE: a cgroup2 directory of our own that is delegated to us (owned + writable, mount
 *    read-write, not the hierarchy root), or the hierarchy root itself for a PID 1 in the initial
 *    user namespace (a machine's real init). This is env-plan's "usable cgroup".
 *  - KILL / FREEZE / CLONE_INTO need the tree plus the kernel feature (cgroup.kill and clone3
 *    are probed by env_detect; cgroup.freeze is kernel >= 5.2, implied by cgroup.kill).
 *  - PIDFD does not depend on cgroups.
 * Without the tree, supervision falls back to process tracking (pidfd, process groups) and the
 * warning says so in one line; with the tree, the line lists missing controllers and kernel
 * features instead. */
#include <stdio.h>
#include <string.h>

#include "cg-internal.h"
#include "env.h"

static const struct {
        unsigned bit;
        const char *name;
        const char *what; /* the directives that need it */
} controllers[] = {
        { CG_CTRL_CPU, "cpu", "CPUWeight/CPUQuota" },
        { CG_CTRL_CPUSET, "cpuset", "AllowedCPUs" },
        { CG_CTRL_IO, "io", "IOWeight" },
        { CG_CTRL_MEMORY, "memory", "Memory*/OOMPolicy" },
        { CG_CTRL_PIDS, "pids", "TasksMax" },
        { CG_CTRL_HUGETLB, "hugetlb", NULL },
        { CG_CTRL_RDMA, "rdma", NULL },
        { CG_CTRL_MISC, "misc", NULL },
};

unsigned cg_controller_mask(const char *list) {
        unsigned mask = 0;
        const char *p = list;

        while (p && *p) {
                size_t n;
                p += strspn(p, " \t\n");
                n = strcspn(p, " \t\n");
                if (n == 0)
                        break;
                for (size_t i = 0; i < sizeof controllers / sizeof controllers[0]; i++)
                        if (strlen(controllers[i].name) == n && strncmp(controllers[i].name, p, n) == 0)
                                mask |= controllers[i].bit;
                p += n;
        }
        return mask;
}

const char *cg_controller_name(unsigned bit) {
        for (size_t i = 0; i < sizeof controllers / sizeof controllers[0]; i++)
                if (controllers[i].bit == bit)
                        return controllers[i].name;
        return NULL;
}

static int release_at_least(const char *release, int major, int minor) {
        int a = 0, b = 0;
        if (!release || sscanf(release, "%d.%d", &a, &b) != 2)
                return -1;
        return a > major || (a == major && b >= minor);
}

static void append(char *buf, size_t size, const char *sep, const char *s) {
        size_t len = strlen(buf);
        if (len >= size - 1)
                return;
        cg_format(buf + len, size - len, "%s%s", len && sep ? sep : "", s);
}

size_t cg_warning_line(unsigned caps, unsigned controllers_mask, const char *why, char *buf, size_t size) {
        char missing[128] = "", what[256] = "";

        if (!buf || size == 0)
                return 0;
        buf[0] = 0;
        if (!(caps & CG_CAP_TREE)) {
                cg_format(buf, size, "%s: no resource limits, no cgroup kill; processes are tracked by %s",
                         why && *why ? why : "no usable cgroup", caps & CG_CAP_PIDFD ? "pidfd and process group" : "process group");
                return strlen(buf);
        }
        for (size_t i = 0; i < sizeof controllers / sizeof controllers[0]; i++) {
                if (!(CG_CTRL_WANTED & controllers[i].bit) || (controllers_mask & controllers[i].bit))
                        continue;
                append(missing, sizeof missing, ", ", controllers[i].name);
                append(what, sizeof what, ", ", controllers[i].what);
        }
        if (missing[0]) {
                char item[512];
                cg_format(item, sizeof item, "cgroup controllers %s not available: no %s limits", missing, what);
                append(buf, size, "; ", item);
        }
        if (!(caps & CG_CAP_KILL))
                append(buf, size, "; ",
                       caps & CG_CAP_FREEZE ? "no cgroup.kill: cgroups are killed by freezing and killing each process"
                                            : "no cgroup.kill or cgroup.freeze: cgroups are killed process by process");
        if (!(caps & CG_CAP_CLONE_INTO))
                append(buf, size, "; ", "no clone3(CLONE_INTO_CGROUP): services join their cgroup before exec");
        if (!(caps & CG_CAP_PIDFD))
                append(buf, size, "; ", "no pidfd");
        return strlen(buf);
}

void cg_assess(const struct env_info *info, struct cg_assessment *ret) {
        bool usable = false;

        memset(ret, 0, sizeof *ret);
        if (!info) {
                cg_format(ret->why, sizeof ret->why, "cgroup environment unknown");
                cg_warning_line(0, 0, ret->why, ret->warning, sizeof ret->warning);
                return;
        }
        if (info->feat_pidfd == ENV_YES)
                ret->caps |= CG_CAP_PIDFD;

        if (info->layout == ENV_LAYOUT_NONE)
                cg_format(ret->why, sizeof ret->why, "no cgroup file system mounted");
        else if (info->layout == ENV_LAYOUT_V1 || !info->unified_mount[0])
                cg_format(ret->why, sizeof ret->why, "cgroup v1 only (no cgroup v2 mount)");
        else if (!info->own_dir[0])
                cg_format(ret->why, sizeof ret->why, "own cgroup %s not reachable in the cgroup v2 mount",
                         info->own_path[0] ? info->own_path : "(unknown)");
        else if (info->read_only == ENV_YES)
                cg_format(ret->why, sizeof ret->why, "cgroup v2 mounted read-only");
        else if (env_cgroup_is_hosts(info))
                cg_format(ret->why, sizeof ret->why, "cgroup v2 %s is the host's (no cgroup namespace): not taken over",
                          info->own_path[0] ? info->own_path : info->own_dir);
        else if (info->hierarchy_root == ENV_YES) {
                if (info->userns == ENV_NO && info->pid_ns == ENV_NO && info->writable == ENV_YES)
                        usable = true; /* a machine's own init owns the whole hierarchy */
                else
                        cg_format(ret->why, sizeof ret->why,
                                 "cgroup v2 is the host's hierarchy root (no cgroup namespace, nothing delegated)");
        } else if (info->delegated == ENV_YES)
                usable = true;
        else if (info->owner_uid >= 0 && (uid_t) info->owner_uid != info->euid)
                cg_format(ret->why, sizeof ret->why, "cgroup v2 not delegated (owner uid %lld)", info->owner_uid);
        else
                cg_format(ret->why, sizeof ret->why, "cgroup v2 not delegated (%s)",
                         info->delegation_problem[0] ? info->delegation_problem : "not writable");

        if (usable) {
                ret->caps |= CG_CAP_TREE;
                ret->controllers = cg_controller_mask(info->controllers_available);
                if (info->feat_cgroup_kill == ENV_YES)
                        ret->caps |= CG_CAP_KILL | CG_CAP_FREEZE;
                else if (release_at_least(info->kernel_release, 5, 2) == 1)
                        ret->caps |= CG_CAP_FREEZE;
                if (info->feat_clone_into_cgroup == ENV_YES)
                        ret->caps |= CG_CAP_CLONE_INTO;
        }
        cg_warning_line(ret->caps, ret->controllers, ret->why, ret->warning, sizeof ret->warning);
}
