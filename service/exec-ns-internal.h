/* SPDX-License-Identifier: MIT */
#pragma once

/* Shared between exec-ns.c (settings, runtime, other namespaces) and exec-mounts.c (the mount
 * table of the private mount namespace). */

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#include "units/unit.h"
#include "units/unit-sandbox.h"

/* The unit's namespace settings are its typed Unit.exec.sandbox (filled at load): unit_sandbox(). */

/* systemd's exec_needs_mount_namespace(). */
bool exec_ns_needs_mount_ns(const Unit *u, const ExecSandbox *c, bool private_tmp_dirs);

typedef struct MountPlan MountPlan;

/* PID 1's event loop, where a change of its mount table retires the namespace it holds for
 * PrivateDevices= (exec-mounts-plan.h: dev_ns). */
void mount_plan_set_event(sd_event *event);

/* Builds the mount table for one process (in PID 1, before fork), systemd's setup_namespace()
 * preparation: the entries of every setting, sorted, duplicates merged, entries below an
 * inaccessible path or made redundant by their parent dropped. sandbox=false for '+' commands.
 * tmp/var_tmp: the unit's private directories (the sticky "tmp" inside them is mounted), or NULL.
 * Returns NULL on ENOMEM. */
MountPlan *mount_plan_new(const Unit *u, const ExecSandbox *c, bool sandbox, const char *tmp, const char *var_tmp,
                          const char *unit_id);
void mount_plan_free(MountPlan *p);

/* systemd's insist_on_sandboxing(): the plan rearranges the file system (a failed namespace set-up
 * must fail the process instead of being ignored). */
bool mount_plan_insists(const MountPlan *p);

/* In the child: unshare the mount namespace and apply the plan. Returns 0; -ENOANO when the mount
 * namespace could not be created (the caller decides, see mount_plan_insists()); other -errno with
 * *error_path (static storage) naming the path that failed. */
int mount_plan_apply(const MountPlan *p, const char **error_path);

/* A namespace's fd over a datagram socket (SCM_RIGHTS, without blocking), with a word that tags it.
 * ns_fd_recv(): the fd (close-on-exec), -EAGAIN when none is queued, -EBADMSG for a malformed
 * message; *tag (may be NULL) gets the word. */
int ns_fd_send(int sock, int fd, unsigned long tag);
int ns_fd_recv(int sock, unsigned long *tag);

/* Creates /run/systemd/inaccessible/{dir,reg,fifo,sock,chr,blk} once (the sources that mask a path). */
void mount_make_inaccessible_nodes(bool in_userns); /* in_userns: Manager.in_userns (env_detect()) */
