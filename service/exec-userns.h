/* SPDX-License-Identifier: MIT */
#pragma once

/* PrivateUsers=yes: the service's own user namespace, as systemd 252's setup_private_users()
 * builds it: the manager's uid/gid (root) mapped to itself, the service's uid/gid to itself when it
 * differs (only with CAP_SETUID/CAP_SETGID), every other id unmapped (seen as nobody), and
 * setgroups() denied. The maps are written by a short-lived helper that stays in the original
 * namespace (writing them needs CAP_SETUID there, which the process loses by unsharing).
 * Called in the child after the supplementary groups are set and before the user and the
 * capability bounding set are applied (systemd's exec_child() order for a privileged manager). */

#include <stddef.h>

#include "service/exec-caps.h"

/* Returns 0 (nothing to do, or done), or EXIT_USER with a message in err. */
int exec_userns_apply(MUnit *u, const ExecIdentity *id, char *err, size_t errlen);

/* RootImage=, MountImages=, ExtensionImages=: sdinit does not dissect disk images. systemd 252 in a user namespace
 * fails such a unit with 226/NAMESPACE (the kernel refuses loop devices to a user namespace's
 * root); sdinit fails it the same way everywhere instead of running the service on the wrong root.
 * Called in the child before the namespaces are set up. Returns 0, or EXIT_NAMESPACE with a
 * message in err. */
int exec_images_refuse(MUnit *u, char *err, size_t errlen);
