/* SPDX-License-Identifier: MIT */
#pragma once

/* Shared between exec-ns.c (settings, runtime, other namespaces) and exec-mounts.c (the mount
 * table of the private mount namespace). */

#include <stdbool.h>
#include <stddef.h>

#include "units/unit.h"

enum { PROTECT_SYSTEM_NO, PROTECT_SYSTEM_YES, PROTECT_SYSTEM_FULL, PROTECT_SYSTEM_STRICT };
enum { PROTECT_HOME_NO, PROTECT_HOME_YES, PROTECT_HOME_READ_ONLY, PROTECT_HOME_TMPFS };
enum { PROTECT_PROC_DEFAULT, PROTECT_PROC_NOACCESS, PROTECT_PROC_INVISIBLE, PROTECT_PROC_PTRACEABLE };

/* The unit's namespace settings, read from Unit.exec.sandbox ("Key=value", in assignment order). */
typedef struct ExecNsConfig {
        int protect_system, protect_home, protect_proc;
        bool proc_subset_pid;
        bool private_tmp, private_devices, private_network, private_ipc, private_mounts;
        bool protect_kernel_tunables, protect_kernel_modules, protect_kernel_logs, protect_control_groups;
        bool protect_hostname;
        int mount_apivfs;                                /* -1: not set */
        char **rw, **ro, **inaccessible, **exec, **noexec; /* words, with their '-'/'+' prefixes */
        char **bind, **bind_ro, **tmpfs;                 /* words: SRC[:DST[:OPTS]], PATH[:OPTS] */
        unsigned long mount_flags;                       /* MountFlags=: 0 unset, MS_SHARED/SLAVE/PRIVATE */
        char *netns_path, *ipcns_path;
} ExecNsConfig;

int exec_ns_config_parse(const Unit *u, ExecNsConfig *c);
void exec_ns_config_done(ExecNsConfig *c);

/* systemd's exec_needs_mount_namespace(). */
bool exec_ns_needs_mount_ns(const Unit *u, const ExecNsConfig *c, bool private_tmp_dirs);

typedef struct MountPlan MountPlan;

/* Builds the mount table for one process (in PID 1, before fork), systemd's setup_namespace()
 * preparation: the entries of every setting, sorted, duplicates merged, entries below an
 * inaccessible path or made redundant by their parent dropped. sandbox=false for '+' commands.
 * tmp/var_tmp: the unit's private directories (the sticky "tmp" inside them is mounted), or NULL.
 * Returns NULL on ENOMEM. */
MountPlan *mount_plan_new(const Unit *u, const ExecNsConfig *c, bool sandbox, const char *tmp, const char *var_tmp,
                          const char *unit_id);
void mount_plan_free(MountPlan *p);

/* systemd's insist_on_sandboxing(): the plan rearranges the file system (a failed namespace set-up
 * must fail the process instead of being ignored). */
bool mount_plan_insists(const MountPlan *p);

/* In the child: unshare the mount namespace and apply the plan. Returns 0; -ENOANO when the mount
 * namespace could not be created (the caller decides, see mount_plan_insists()); other -errno with
 * *error_path (static storage) naming the path that failed. */
int mount_plan_apply(const MountPlan *p, const char **error_path);

/* Creates /run/systemd/inaccessible/{dir,reg,fifo,sock,chr,blk} once (the sources that mask a path). */
void mount_make_inaccessible_nodes(void);
