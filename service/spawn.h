/* SPDX-License-Identifier: MIT */
#pragma once

/* Starting one process of a service: a child, then in it everything systemd.exec(5) asks for
 * before exec(): session, stdio, environment, limits, directories, user and group, capabilities.
 * A step that fails exits with systemd's status for it (200-243), so the parent can tell what went
 * wrong from the exit status alone.
 *
 * The child is started vfork-style (SysOps.start_child, SPAWN_VFORK: it shares PID 1's memory on a
 * stack of its own and PID 1 waits until it has exec'd, so nothing is copied and a start costs the
 * same at 5,000 units as at 100) unless one of its steps needs a copy of PID 1 because it allocates
 * or formats (terminals, namespaces, DynamicUser=, the sandbox and capability settings: see
 * spawn_needs_fork() in spawn.c); then it is forked. Everything the vfork child uses is prepared
 * by PID 1 before; a failure it cannot describe (no stdio there) is described by PID 1 after. */

#include "service/manager.h"

/* systemd's exit statuses for failures before exec (systemd.exec(5), "Process Exit Codes"). */
enum {
        EXIT_CHDIR = 200, EXIT_NICE, EXIT_FDS, EXIT_EXEC, EXIT_MEMORY, EXIT_LIMITS, EXIT_OOM_ADJUST,
        EXIT_SIGNAL_MASK, EXIT_STDIN, EXIT_STDOUT, EXIT_CHROOT, EXIT_IOPRIO, EXIT_TIMERSLACK,
        EXIT_SECUREBITS, EXIT_SETSCHEDULER, EXIT_CPUAFFINITY, EXIT_GROUP, EXIT_USER, EXIT_CAPABILITIES,
        EXIT_CGROUP, EXIT_SETSID, EXIT_CONFIRM, EXIT_STDERR, EXIT_PAM = 224, EXIT_NETWORK, EXIT_NAMESPACE,
        EXIT_NO_NEW_PRIVILEGES, EXIT_SECCOMP, EXIT_SELINUX_CONTEXT, EXIT_PERSONALITY, EXIT_APPARMOR_PROFILE,
        EXIT_ADDRESS_FAMILIES, EXIT_RUNTIME_DIRECTORY, EXIT_CHOWN = 235, EXIT_SMACK_PROCESS_LABEL,
        EXIT_KEYRING, EXIT_STATE_DIRECTORY, EXIT_CACHE_DIRECTORY, EXIT_LOGS_DIRECTORY,
        EXIT_CONFIGURATION_DIRECTORY, EXIT_NUMA_POLICY, EXIT_CREDENTIALS,
};

const char *exit_status_to_string(int status); /* "EXEC", "USER", ... or NULL */

/* RuntimeDirectory=: removed when the unit stops (unless RuntimeDirectoryPreserve=). */
void spawn_remove_runtime_directories(MUnit *u);

/* When a unit using a terminal has stopped: TTYVHangup=, TTYReset=, TTYVTDisallocate= again, and
 * the terminal back to root:tty 0620 (systemd's exec_context_revert_tty()). */
void spawn_tty_revert(MUnit *u);

/* Builds the environment of the unit's processes (systemd's variables, Environment=,
 * EnvironmentFile=, PassEnvironment=, UnsetEnvironment=) plus extra ("K=V" entries). */
int spawn_build_environment(MUnit *u, char *const *extra, char ***ret);

/* Starts cmd for unit u (vfork-style or forked, see above). extra_env: additional "K=V" (MAINPID, SERVICE_RESULT, ...).
 * Returns 0 with *ret_pid; a systemd exit status (200-243, > 0) when a step that runs in the
 * manager before fork failed (unknown User=, missing EnvironmentFile=, directories); or -errno. */
int spawn_exec(MUnit *u, const ExecCommand *cmd, char *const *extra_env, bool is_main, pid_t *ret_pid);
