/* SPDX-License-Identifier: MIT */
/* Environment detection for sdinit (issue 5, part 1).
 *
 * Design: env_detect() fills one plain struct env_info by reading files below a filesystem prefix
 * ("/" normally, a fake tree in unit tests): /proc/self/{mountinfo,cgroup,uid_map,gid_map,
 * setgroups,status,environ,ns/cgroup}, /proc/sys/kernel/{osrelease,overflowuid} and the cgroup
 * directories named by mountinfo.  It has no side effects on the system (no mkdir, no writes) and
 * no global state; the struct has fixed-size buffers so it can live on the stack and needs no
 * free.  Identity (euid, pid in own namespace, capabilities) and the environment ($container,
 * KUBERNETES_SERVICE_HOST) are read from /proc/self/status and /proc/self/environ below the prefix
 * too, so a fake tree describes a whole situation.  The only things not taken from the tree are the
 * kernel syscall probes (clone3 CLONE_INTO_CGROUP, pidfd_open): they run only when the prefix is
 * "/"; for any other prefix the kernel features are derived from <root>/proc/sys/kernel/osrelease.
 *
 * Tri-state values use enum env_tristate (unknown = could not be determined; printed as null).
 * The resulting plan and its human reasons are computed last from the other fields
 * (env_compute_plan), so callers may also adjust fields and recompute. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define ENV_PATH_MAX 4096
#define ENV_MAP_MAX 16
#define ENV_REASON_MAX 16
#define ENV_REASON_LEN 256
#define ENV_LIST_LEN 512
#define ENV_NAME_LEN 64

enum env_tristate {
        ENV_UNKNOWN = -1,
        ENV_NO = 0,
        ENV_YES = 1,
};

enum env_layout {
        ENV_LAYOUT_NONE,   /* no cgroup file system mounted (visible) at all */
        ENV_LAYOUT_V1,     /* only cgroup v1 hierarchies */
        ENV_LAYOUT_HYBRID, /* v1 hierarchies plus cgroup2 somewhere else (e.g. /sys/fs/cgroup/unified) */
        ENV_LAYOUT_V2,     /* cgroup2 only (normally mounted at /sys/fs/cgroup) */
};

enum env_plan {
        ENV_PLAN_HANDOFF_POSSIBLE, /* delegated writable cgroup2 at /sys/fs/cgroup and mounts OK */
        ENV_PLAN_MANAGE_DELEGATED, /* sdinit manages its delegated cgroup2 subtree itself */
        ENV_PLAN_MANAGE_DEGRADED,  /* no usable cgroup: process tracking only */
};

struct env_id_extent {
        uint32_t inside, outside, count;
};

struct env_mount {
        bool mounted;               /* a visible mount point exactly at this path */
        char fstype[ENV_NAME_LEN];  /* "" when not mounted */
        bool read_only;
};

struct env_info {
        /* Identity, from /proc/self/status. */
        enum env_tristate pid1; /* pid in our own pid namespace == 1 */
        pid_t pid;              /* pid in our own pid namespace, 0 if unknown */
        uid_t euid;
        enum env_tristate cap_sys_admin; /* CapEff bit 21, in our user namespace */
        uint64_t cap_eff;

        /* User namespace. */
        enum env_tristate userns;            /* ENV_NO: identity map (initial namespace) */
        struct env_id_extent uid_map[ENV_MAP_MAX];
        size_t n_uid_map;
        struct env_id_extent gid_map[ENV_MAP_MAX];
        size_t n_gid_map;
        enum env_tristate root_is_host_root; /* uid 0 maps to uid 0 of the parent namespace */
        char setgroups[ENV_NAME_LEN];        /* "allow", "deny" or "" (unknown) */
        uid_t overflow_uid;                  /* /proc/sys/kernel/overflowuid, default 65534 */

        /* cgroup. */
        enum env_layout layout;
        enum env_tristate cgroup_ns;        /* from /proc/self/ns/cgroup vs the initial inode */
        enum env_tristate pid_ns;           /* own pid namespace (/proc/self/ns/pid vs the initial) */
        char unified_mount[ENV_PATH_MAX];   /* visible cgroup2 mount point, "" if none */
        char unified_mount_root[ENV_PATH_MAX]; /* mountinfo field 4 of that mount */
        unsigned n_v1_mounts;               /* visible cgroup (v1) hierarchies */
        enum env_tristate v1_read_only;     /* all visible v1 hierarchies read-only */
        char own_path[ENV_PATH_MAX];        /* "0::" line of /proc/self/cgroup, "" if none */
        char own_dir[ENV_PATH_MAX];         /* own cgroup directory as seen in our mount ns
                                             * (without the root prefix), "" if unreachable */
        enum env_tristate read_only;        /* cgroup2 mount read-only */
        enum env_tristate nsdelegate;
        enum env_tristate hierarchy_root;   /* own dir is the root cgroup of the hierarchy */
        enum env_tristate writable;         /* own dir, cgroup.procs, cgroup.subtree_control
                                             * writable by us (access check) and mount rw */
        enum env_tristate delegated;        /* own dir + cgroup.procs + cgroup.subtree_control
                                             * owned by euid and writable, mount rw, and
                                             * not the hierarchy root */
        long long owner_uid;                /* st_uid of own dir, -1 if unknown */
        char delegation_problem[ENV_REASON_LEN]; /* first failing check, "" if none */
        char controllers_available[ENV_LIST_LEN]; /* space separated, as the kernel prints */
        char controllers_enabled[ENV_LIST_LEN];
        enum env_tristate feat_cgroup_kill;
        enum env_tristate feat_clone_into_cgroup;
        enum env_tristate feat_pidfd;
        char kernel_release[ENV_NAME_LEN];

        /* Mounts systemd needs. */
        struct env_mount m_proc, m_sys, m_dev, m_dev_shm, m_run;
        bool dev_console;

        /* A systemd to hand off to: the first of /usr/lib/systemd/systemd, /lib/systemd/systemd,
         * or where /sbin/init points when that is a systemd. usable: executable, and an ELF
         * binary or a script (what execve() would accept). */
        char systemd_binary[ENV_PATH_MAX];  /* "" if none */
        enum env_tristate systemd_usable;
        bool handoff_disabled;              /* SDINIT_SYSTEMD=never in our environment */

        /* Container manager. */
        char container_manager[ENV_NAME_LEN]; /* "" if none detected */
        char container_manager_source[ENV_NAME_LEN]; /* "env", "containerenv", "dockerenv", "kubernetes" */
        bool kubernetes;

        /* The sandbox features services may get (env-sandbox.h bits), 0 when not probed
         * (env_detect() has no side effects; `sdinit detect` probes on the live system). */
        unsigned sandbox;

        /* Result. */
        enum env_plan plan;
        char reasons[ENV_REASON_MAX][ENV_REASON_LEN]; /* why the plan is not better */
        size_t n_reasons;
        char notes[ENV_REASON_MAX][ENV_REASON_LEN];   /* informational, do not lower the plan */
        size_t n_notes;
};

/* Fill *ret from the tree below root ("/" for the running system). Returns 0, or -errno when root
 * itself is unusable (-EINVAL for NULL/empty/too long, -ENOENT/-ENOTDIR if it is not a
 * directory); individual files that cannot be read only make their fields unknown. */
int env_detect(const char *root, struct env_info *ret);

/* True when our cgroup is the host's, not ours to manage, whoever owns its files: no cgroup
 * namespace and no user namespace (real root), yet not the machine's own init (a pid namespace of
 * its own). A privileged container sharing the host's cgroups, or `unshare --pid --mount` on a
 * host, is this case: PID 1 there must not create init.scope or move processes. The one rule
 * both the plan and the cgroup manager use. */
bool env_cgroup_is_hosts(const struct env_info *info);

/* (Re)compute plan, reasons and notes from the other fields. Called by env_detect(). */
void env_compute_plan(struct env_info *info);

/* Create and remove a test child cgroup in cgroup_dir (has side effects; not part of
 * env_detect). Returns 0 if both worked, otherwise -errno of the failing step. */
int cgroup_probe_writable(const char *cgroup_dir);

const char *env_layout_to_string(enum env_layout l);
const char *env_plan_to_string(enum env_plan p);

/* Both return 0, or -EIO if writing to f failed. */
int env_print_human(const struct env_info *info, FILE *f);
int env_print_json(const struct env_info *info, FILE *f);
