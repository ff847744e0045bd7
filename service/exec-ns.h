/* SPDX-License-Identifier: MIT */
#pragma once

/* The service sandbox of systemd.exec(5) that lives in namespaces: a private mount namespace per
 * process (PrivateTmp=, ProtectSystem=, ProtectHome=, ReadWritePaths= and the other path lists,
 * BindPaths=, TemporaryFileSystem=, PrivateDevices=, ProtectKernel*=, ProtectControlGroups=,
 * ProtectProc=, ProcSubset=, MountAPIVFS=, RootDirectory=, MountFlags=) and the network, IPC and UTS
 * namespaces (PrivateNetwork=, NetworkNamespacePath=, PrivateIPC=, IPCNamespacePath=,
 * ProtectHostname=), in the order of systemd 252's exec_child().
 *
 * The manager side (exec_ns_prepare) runs in PID 1 before each fork: it reads the unit's settings,
 * keeps per unit what outlives one process (the private /tmp and /var/tmp directories, the network
 * and IPC namespaces, shared with JoinsNamespaceOf= units) and says once per unit, in one line, what
 * the container does not let it apply. The child side (exec_ns_apply) runs between fork and exec,
 * before users, credentials and capabilities. exec_ns_release drops the unit's runtime when it
 * stops.
 *
 * Degrading follows systemd: a mount namespace that cannot be created (EPERM, EACCES, ENOSYS,
 * EOPNOTSUPP from unshare) is ignored when the options only make things read-only or invisible, and
 * fails the process with 226/NAMESPACE when they rearrange the file system (TemporaryFileSystem=,
 * RootDirectory=, BindPaths= with a different target). A network, IPC or UTS namespace refused with
 * a privilege error is ignored (with a warning), as systemd does. */

#include <stdbool.h>

#include "service/manager.h"

typedef struct ExecNsRuntime ExecNsRuntime;

/* Manager side, before fork. Returns 0, or a systemd exit status (> 0) when the process must not
 * start (a refused namespace a setting insists on). */
int exec_ns_prepare(MUnit *u, const ExecCommand *cmd);

/* Child side, after fork (called from spawn.c's child()). Returns 0, or the systemd exit status to
 * exit with (EXIT_NAMESPACE, EXIT_NETWORK), having said why on the unit's log. */
int exec_ns_apply(MUnit *u, const ExecCommand *cmd);
/* PID 1, once the child is started (it has its own copy, or has exec'd): the start's mount table
 * is not needed any more (the next start builds its own). A PID 1 that keeps less memory is
 * quicker to fork for every later start. */
void exec_ns_spawned(MUnit *u);

/* The unit has stopped: its private /tmp and /var/tmp are removed (unless a JoinsNamespaceOf= unit
 * still uses them) and its namespaces closed; destroy: the unit itself goes away. */
void exec_ns_release(MUnit *u, bool destroy);
