/* SPDX-License-Identifier: MIT */
#include "service/exec-ns.h"
#include "service/spawn.h"
#include "service/spawn-tty.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/delegate.h"
#include "common/strv.h"
#include "units/unit-type-info.h"
#include "service/dynamic-user.h"
#include "service/exec-caps.h"
#include "service/exec-creds-child.h"
#include "service/exec-creds.h"
#include "service/exec-env.h"
#include "service/journal.h"
#include "service/logrelay.h"
#include "service/sys.h"
#include "service/trigger.h"
#include "units/unit-sandbox.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static const char *const exit_names[] = {
        [EXIT_CHDIR - 200] = "CHDIR", [EXIT_NICE - 200] = "NICE", [EXIT_FDS - 200] = "FDS",
        [EXIT_EXEC - 200] = "EXEC", [EXIT_MEMORY - 200] = "MEMORY", [EXIT_LIMITS - 200] = "LIMITS",
        [EXIT_OOM_ADJUST - 200] = "OOM_ADJUST", [EXIT_SIGNAL_MASK - 200] = "SIGNAL_MASK",
        [EXIT_STDIN - 200] = "STDIN", [EXIT_STDOUT - 200] = "STDOUT", [EXIT_CHROOT - 200] = "CHROOT",
        [EXIT_IOPRIO - 200] = "IOPRIO", [EXIT_TIMERSLACK - 200] = "TIMERSLACK", [EXIT_SECUREBITS - 200] = "SECUREBITS",
        [EXIT_SETSCHEDULER - 200] = "SETSCHEDULER", [EXIT_CPUAFFINITY - 200] = "CPUAFFINITY",
        [EXIT_GROUP - 200] = "GROUP", [EXIT_USER - 200] = "USER", [EXIT_CAPABILITIES - 200] = "CAPABILITIES",
        [EXIT_CGROUP - 200] = "CGROUP", [EXIT_SETSID - 200] = "SETSID", [EXIT_CONFIRM - 200] = "CONFIRM",
        [EXIT_STDERR - 200] = "STDERR", [EXIT_PAM - 200] = "PAM", [EXIT_NETWORK - 200] = "NETWORK",
        [EXIT_NAMESPACE - 200] = "NAMESPACE", [EXIT_NO_NEW_PRIVILEGES - 200] = "NO_NEW_PRIVILEGES",
        [EXIT_SECCOMP - 200] = "SECCOMP", [EXIT_SELINUX_CONTEXT - 200] = "SELINUX_CONTEXT",
        [EXIT_PERSONALITY - 200] = "PERSONALITY", [EXIT_APPARMOR_PROFILE - 200] = "APPARMOR",
        [EXIT_ADDRESS_FAMILIES - 200] = "ADDRESS_FAMILIES", [EXIT_RUNTIME_DIRECTORY - 200] = "RUNTIME_DIRECTORY",
        [EXIT_CHOWN - 200] = "CHOWN", [EXIT_SMACK_PROCESS_LABEL - 200] = "SMACK_PROCESS_LABEL",
        [EXIT_KEYRING - 200] = "KEYRING", [EXIT_STATE_DIRECTORY - 200] = "STATE_DIRECTORY",
        [EXIT_CACHE_DIRECTORY - 200] = "CACHE_DIRECTORY", [EXIT_LOGS_DIRECTORY - 200] = "LOGS_DIRECTORY",
        [EXIT_CONFIGURATION_DIRECTORY - 200] = "CONFIGURATION_DIRECTORY", [EXIT_NUMA_POLICY - 200] = "NUMA_POLICY",
        [EXIT_CREDENTIALS - 200] = "CREDENTIALS",
};

const char *exit_status_to_string(int status) {
        if (status < 200 || status > EXIT_CREDENTIALS)
                return NULL;
        return exit_names[status - 200];
}

struct ids {
        bool set, dynamic;
        uid_t uid;
        gid_t gid;
        gid_t *groups;
        int n_groups;
        int n_user_groups; /* groups[0..n_user_groups): the user's own, as initgroups() sets them */
        char *home, *shell, *name;
};

static void ids_done(struct ids *ids) {
        free(ids->groups);
        free(ids->home);
        free(ids->shell);
        free(ids->name);
}

/* Delegate=: the unit's cgroup to the user; a control process of a delegated unit starts in its
 * "/.control" sub-cgroup (service.c run_control()), the cgroup handed over is the unit's. */
static int __attribute__((noinline)) cg_delegate_unit(MUnit *u, const struct ids *ids) {
        char path[CG_PATH_MAX];
        size_t n = strlen(u->cgroup);

        if (n >= sizeof(path))
                return -ENAMETOOLONG;
        memcpy(path, u->cgroup, n + 1);
        if (n > 9 && strcmp(path + n - 9, "/.control") == 0)
                path[n - 9] = 0;
        return cg_delegate(&u->m->cg, path, ids->uid, ids->gid);
}

/* User=/Group=/SupplementaryGroups= resolved in the manager before fork (NSS is not something
 * to run in a forked child). Returns the systemd exit status for the failure, or 0. */
static int resolve_ids(MUnit *u, struct ids *ids) {
        const ExecSettings *e = unit_exec(u->u);
        struct passwd *pw = NULL;
        struct group *gr;
        int ng = 64;

        memset(ids, 0, sizeof(*ids));
        if (dynamic_user_enabled(u->u)) {
                /* DynamicUser=: never root; no home or shell (systemd sets neither) */
                int status = dynamic_user_acquire(u, &ids->uid, &ids->gid, &ids->name);
                if (status)
                        return status;
                ids->set = ids->dynamic = true;
                /* its own group and SupplementaryGroups=, as under systemd */
                ids->groups = calloc(1 + strv_length(e->supplementary_groups), sizeof(gid_t));
                if (!ids->groups)
                        return EXIT_MEMORY;
                ids->groups[ids->n_groups++] = ids->gid;
                ids->n_user_groups = ids->gid != 0;
                for (size_t i = 0; e->supplementary_groups && e->supplementary_groups[i]; i++) {
                        gr = getgrnam(e->supplementary_groups[i]);
                        if (!gr) {
                                manager_log(u->m, MLOG_ERR, "%s: supplementary group '%s' not found", u->id, e->supplementary_groups[i]);
                                return EXIT_GROUP;
                        }
                        ids->groups[ids->n_groups++] = gr->gr_gid;
                }
                return 0;
        }
        if (!e->user && !e->group && !e->supplementary_groups)
                return 0;
        ids->set = true;
        ids->uid = getuid();
        ids->gid = getgid();
        if (e->user) {
                char *end;
                unsigned long v = strtoul(e->user, &end, 10);
                pw = *end ? getpwnam(e->user) : getpwuid((uid_t) v);
                if (!pw) {
                        manager_log(u->m, MLOG_ERR, "%s: failed to determine user credentials: user '%s' not found", u->id, e->user);
                        return EXIT_USER;
                }
                ids->uid = pw->pw_uid;
                ids->gid = pw->pw_gid;
                ids->home = strdup(pw->pw_dir);
                ids->shell = strdup(pw->pw_shell);
                ids->name = strdup(pw->pw_name);
        }
        if (e->group) {
                char *end;
                unsigned long v = strtoul(e->group, &end, 10);
                gr = *end ? getgrnam(e->group) : getgrgid((gid_t) v);
                if (!gr) {
                        manager_log(u->m, MLOG_ERR, "%s: failed to determine group credentials: group '%s' not found", u->id, e->group);
                        return EXIT_GROUP;
                }
                ids->gid = gr->gr_gid;
        }
        ids->groups = calloc((size_t) ng + strv_length(e->supplementary_groups), sizeof(gid_t));
        if (!ids->groups)
                return EXIT_MEMORY;
        if (pw && getgrouplist(pw->pw_name, ids->gid, ids->groups, &ng) < 0)
                ng = 0;
        if (!pw)
                ng = 0;
        /* systemd's get_supplementary_groups(): initgroups() of a User= whose group is not 0 */
        ids->n_user_groups = ids->gid != 0 ? ng : 0;
        for (size_t i = 0; e->supplementary_groups && e->supplementary_groups[i]; i++) {
                gr = getgrnam(e->supplementary_groups[i]);
                if (!gr) {
                        manager_log(u->m, MLOG_ERR, "%s: supplementary group '%s' not found", u->id, e->supplementary_groups[i]);
                        return EXIT_GROUP;
                }
                ids->groups[ng++] = gr->gr_gid;
        }
        ids->n_groups = ng;
        return 0;
}

static void warn_env_file(const char *file, unsigned line, const char *msg, void *userdata) {
        MUnit *u = userdata;
        manager_log(u->m, MLOG_WARN, "%s: %s:%u: %s", u->id, file, line, msg);
}

static int set_directory_env(MUnit *u, char ***env, const char *var, char **dirs, const char *base) {
        char buf[8192]; /* not zero-filled: 8 KB of stack written at every start */
        size_t n = 0;

        if (!dirs || !dirs[0])
                return 0;
        buf[0] = '\0';
        for (size_t i = 0; dirs[i] && n < sizeof(buf); i++)
                n += (size_t) snprintf(buf + n, sizeof(buf) - n, "%s%s/%s", i ? ":" : "", base, dirs[i]);
        (void) u;
        return env_set_kv(env, var, buf);
}

int spawn_build_environment(MUnit *u, char *const *extra, char ***ret) {
        const ExecSettings *e = unit_exec(u->u);
        const ServiceSettings *svc = unit_service(u->u); /* NULL: a socket's or mount's commands */
        Manager *m = u->m;
        char **env = NULL;
        int r = 0;

        r |= env_set(&env, "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        if (u->invocation_id[0])
                r |= env_set_kv(&env, "INVOCATION_ID", u->invocation_id);
        {
                const char *c = getenv("container");
                if (c)
                        r |= env_set_kv(&env, "container", c);
        }
        /* $TERM for a unit on a terminal (before Environment=, which may override it). */
        if (exec_touches_tty(e) || e->tty_path)
                r |= env_set_kv(&env, "TERM", term_for(e));
        if (m->notify_fd >= 0 && svc && (svc->type == SERVICE_NOTIFY || svc->type == SERVICE_NOTIFY_RELOAD ||
                                         svc->notify_access > 0))
                r |= env_set_kv(&env, "NOTIFY_SOCKET", m->notify_path);
        if (svc && svc->watchdog_usec && svc->watchdog_usec != SDU_SIZE_INFINITY) {
                char b[32];
                snprintf(b, sizeof(b), "%llu", (unsigned long long) svc->watchdog_usec);
                r |= env_set_kv(&env, "WATCHDOG_USEC", b);
        }
        r |= set_directory_env(u, &env, "RUNTIME_DIRECTORY", e->runtime_directory, "/run");
        r |= set_directory_env(u, &env, "STATE_DIRECTORY", e->state_directory, "/var/lib");
        r |= set_directory_env(u, &env, "CACHE_DIRECTORY", e->cache_directory, "/var/cache");
        r |= set_directory_env(u, &env, "LOGS_DIRECTORY", e->logs_directory, "/var/log");
        r |= set_directory_env(u, &env, "CONFIGURATION_DIRECTORY", e->configuration_directory, "/etc");

        for (size_t i = 0; e->pass_environment && e->pass_environment[i]; i++) {
                const char *v = getenv(e->pass_environment[i]);
                if (v)
                        r |= env_set_kv(&env, e->pass_environment[i], v);
        }
        for (size_t i = 0; e->environment && e->environment[i]; i++)
                r |= env_set(&env, e->environment[i]);
        for (size_t i = 0; e->environment_files && e->environment_files[i]; i++) {
                const char *path = e->environment_files[i];
                bool optional = path[0] == '-';
                FILE *f = fopen(optional ? path + 1 : path, "re");
                if (!f) {
                        if (!optional) {
                                manager_log(m, MLOG_ERR, "%s: failed to load environment file %s: %s", u->id, path, strerror(errno));
                                strv_free(env);
                                return -ENOENT;
                        }
                        continue;
                }
                r |= env_file_parse(f, optional ? path + 1 : path, &env, warn_env_file, u);
                fclose(f);
        }
        for (size_t i = 0; e->unset_environment && e->unset_environment[i]; i++)
                env_unset(env, e->unset_environment[i]);
        for (size_t i = 0; extra && extra[i]; i++)
                r |= env_set(&env, extra[i]);
        if (r < 0) {
                strv_free(env);
                return -ENOMEM;
        }
        *ret = env;
        return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st, (void) flag, (void) ftw;
        return remove(path) < 0 ? 0 : 0; /* best effort: keep going */
}

void spawn_remove_runtime_directories(MUnit *u) {
        char **dirs = unit_exec(u->u)->runtime_directory;

        for (size_t i = 0; dirs && dirs[i]; i++) {
                char path[4096];
                snprintf(path, sizeof(path), "/run/%s", dirs[i]);
                nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        }
}

/* RuntimeDirectory= and friends: created (mode, owner) before the first process starts. */
static int __attribute__((noinline)) make_directories(MUnit *u, const struct ids *ids) {
        const ExecSettings *e = unit_exec(u->u);
        const struct {
                char **dirs;
                const char *base;
                mode_t mode;
                const char *key;
                int status;
        } kinds[] = {
                { e->runtime_directory, "/run", e->runtime_directory_mode, "RuntimeDirectoryMode", EXIT_RUNTIME_DIRECTORY },
                { e->state_directory, "/var/lib", e->state_directory_mode, "StateDirectoryMode", EXIT_STATE_DIRECTORY },
                { e->cache_directory, "/var/cache", e->cache_directory_mode, "CacheDirectoryMode", EXIT_CACHE_DIRECTORY },
                { e->logs_directory, "/var/log", e->logs_directory_mode, "LogsDirectoryMode", EXIT_LOGS_DIRECTORY },
                { e->configuration_directory, "/etc", e->configuration_directory_mode, "ConfigurationDirectoryMode", EXIT_CONFIGURATION_DIRECTORY },
        };

        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
                for (size_t i = 0; kinds[k].dirs && kinds[k].dirs[i]; i++) {
                        char path[4096];
                        mode_t mode = kinds[k].mode; /* 0755 when unset: units/ wrote the default */
                        snprintf(path, sizeof(path), "%s/%s", kinds[k].base, kinds[k].dirs[i]);
                        /* mkdir -p; the first that cannot be made is the one named (a full /run:
                         * ENOSPC on the parent, not ENOENT on the child) */
                        int failed = 0;
                        for (char *p = path + 1; *p && !failed; p++)
                                if (*p == '/') {
                                        *p = '\0';
                                        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                                                failed = errno;
                                        else
                                                *p = '/';
                                }
                        if (failed) {
                                manager_log(u->m, MLOG_ERR, "%s: cannot create %s: %s", u->id, path, strerror(failed));
                                return kinds[k].status;
                        }
                        if (ids->dynamic && ((k >= 1 && k <= 3) || (k == 0 && e->runtime_directory_preserve > 0))) {
                                /* DynamicUser=: systemd's private/ layout (not ConfigurationDirectory=,
                                 * RuntimeDirectory= only when preserved) */
                                int r = dynamic_user_make_directory(kinds[k].base, kinds[k].dirs[i], mode, ids->uid, ids->gid);
                                if (r < 0) {
                                        manager_log(u->m, MLOG_ERR, "%s: cannot set up %s: %s", u->id, path, strerror(-r));
                                        return kinds[k].status;
                                }
                                continue;
                        }
                        if (mkdir(path, mode) < 0 && errno != EEXIST) {
                                manager_log(u->m, MLOG_ERR, "%s: cannot create %s: %s", u->id, path, strerror(errno));
                                return kinds[k].status;
                        }
                        chmod(path, mode);
                        if (ids->set && chown(path, ids->uid, ids->gid) < 0) {
                                manager_log(u->m, MLOG_ERR, "%s: cannot chown %s: %s", u->id, path, strerror(errno));
                                return kinds[k].status;
                        }
                }
        return 0;
}

static int open_output(MUnit *u, int kind, const char *file, int in_fd) {
        switch (kind) {
        case OUT_NULL:
                return open("/dev/null", O_WRONLY | O_CLOEXEC);
        case OUT_INHERIT:
                /* systemd.exec(5): "inherit" duplicates standard input (stderr's inherit means
                 * "as stdout" and is handled by the caller). */
                return fcntl(in_fd, F_DUPFD_CLOEXEC, 3);
        case OUT_FILE:
                return open(file, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
        case OUT_APPEND:
                return open(file, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);
        case OUT_TRUNCATE:
                return open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644);
        case OUT_SOCKET:
                if (u->accept_fd >= 0)
                        return fcntl(u->accept_fd, F_DUPFD_CLOEXEC, 3);
                return fcntl(u->out_wfd, F_DUPFD_CLOEXEC, 3);
        default:
                /* journal, kmsg, +console: our relay */
                return fcntl(u->out_wfd, F_DUPFD_CLOEXEC, 3);
        }
}

/* stdio set up in the child (see child()): values no failed open() or fcntl() returns (-1) */
enum { FD_TTY = -1000, FD_AS_STDOUT = -1001 };

/* ---- starting the child: vfork-style when nothing in it needs a copy of PID 1 -------------- */

/* The lines a child started with SPAWN_VFORK may have to write. It shares PID 1's memory, so it
 * neither allocates nor formats (no stdio, no strerror): it leaves what failed here and exits, and
 * the parent, resumed once the child has exited or exec'd, writes the line a forked child writes. */
enum {
        CHILD_MSG_NONE,
        CHILD_MSG_EXEC,        /* on the child's stderr (exec_failed_line) */
        CHILD_MSG_TTY_OWNER,   /* the others on the unit's log (spawn_child_log) */
        CHILD_MSG_PRIVILEGES,  /* exec_privileges_apply(): step and arg of its ExecFailure */
};

struct vfork_report {
        bool vfork;   /* the child shares our memory (SPAWN_VFORK) */
        int status;   /* what the child exited with before exec, 0 if it exec'd */
        int err;      /* errno of the step that failed */
        int msg;      /* CHILD_MSG_* */
        int step;     /* CHILD_MSG_PRIVILEGES: ExecFailStep */
        unsigned arg; /* the uid or gid the line names */
        int listen_pid_index;                   /* env[] entry to replace with "LISTEN_PID=<pid>", -1 if none */
};

static void __attribute__((noreturn)) vfork_fail(struct vfork_report *vf, int status, int err, int msg, unsigned arg) {
        vf->status = status;
        vf->err = err;
        vf->msg = msg;
        vf->arg = arg;
        _exit(status);
}

/* What a failed execve() leaves on the service's stderr (fork and vfork alike). */
static int exec_failed_line(char *buf, size_t size, MUnit *u, const ExecCommand *cmd, int err) {
        int n = snprintf(buf, size, "sdinit: %s: failed to execute %s: %s\n", u->id, cmd->path, strerror(err));
        return n < 0 ? 0 : (size_t) n >= size ? (int) size - 1 : n;
}

/* The parent's half of a vfork child's failure: the line the child could not format. */
static void __attribute__((noinline)) vfork_report_write(MUnit *u, const ExecCommand *cmd, const struct vfork_report *vf, int err_fd) {
        char line[512];
        int n;

        switch (vf->msg) {
        case CHILD_MSG_EXEC:
                n = exec_failed_line(line, sizeof(line), u, cmd, vf->err);
                if (err_fd >= 0)
                        (void) !write(err_fd, line, (size_t) n);
                break;
        case CHILD_MSG_TTY_OWNER:
                spawn_child_log(u, "Failed to change ownership of terminal: %s", strerror(vf->err));
                break;
        case CHILD_MSG_PRIVILEGES: {
                ExecFailure f = { .status = vf->status, .err = vf->err, .step = vf->step, .arg = vf->arg };
                exec_failure_format(&f, line, sizeof(line));
                spawn_child_log(u, "%s", line);
                break;
        }
        default:
                break;
        }
}

/* Decimal digits of v into buf (at least 12 bytes), async-signal-safe; returns the length. */
static size_t fmt_int(char *buf, long v) {
        char tmp[24];
        size_t n = 0, k = 0;
        unsigned long a = v < 0 ? 0UL - (unsigned long) v : (unsigned long) v;

        do
                tmp[n++] = (char) ('0' + a % 10);
        while ((a /= 10) > 0);
        if (v < 0)
                buf[k++] = '-';
        while (n > 0)
                buf[k++] = tmp[--n];
        buf[k] = '\0';
        return k;
}

/* Whether this start needs a forked child (a copy of PID 1 in which it may allocate), or can be
 * started vfork-style. A step the vfork child cannot run (it would allocate or format): terminals
 * (TTYReset= reads sysfs with stdio), namespaces and mounts, DynamicUser=, the steps of
 * exec_privileges_apply() that only a forked child runs (any sandbox setting: Unit.exec.sandbox;
 * CapabilityBoundingSet=, AmbientCapabilities=, NoNewPrivileges=, secure bits inherited from
 * PID 1), and the raw settings the child reads itself (child_reads_raw()). */
/* Whether a vfork-style start pays off. fork() copies PID 1's page tables and descriptor table, a
 * cost that grows with the units loaded (copy_page_range and unmap_page_range were a third of PID
 * 1's samples at 5,000 units); a vfork-style start costs a fixed wait instead, as PID 1 is
 * suspended until the child execs, where a forked child execs in parallel. Measured in one
 * interleaved run (bench/manager-compare.py, quiet 2-core machine): vfork-style for every start,
 * the boot to all active took 0.50 s instead of 0.24 s at 100 units and 3.85 s instead of 1.52 s
 * at 1,000 (delegated cgroup), 2.17 s instead of 1.50 s at 1,000 without one; at 5,000 it took a
 * third of fork's CPU. So: fork while PID 1 is small, vfork-style once its peak RSS is large. */
static bool spawn_prefers_vfork(const Manager *m) {
        struct rusage ru;

        if (m->spawn_vfork_min_rss_kb == 0)
                return true;
        return getrusage(RUSAGE_SELF, &ru) == 0 && (uint64_t) ru.ru_maxrss >= m->spawn_vfork_min_rss_kb;
}

/* The raw settings a child reads without a sandbox setting (the others, SetCredential=,
 * ImportCredential= and the settings PID 1 only shows or validates, stay in PID 1): the images it
 * refuses with a message, the credentials it may acquire itself (exec-creds-child.h). */
static bool child_reads_raw(const Unit *u) {
        static const UnitDirectiveId ids[] = {
                UD_EXEC_ROOT_IMAGE, UD_EXEC_MOUNT_IMAGES, UD_EXEC_EXTENSION_IMAGES,
                UD_EXEC_LOAD_CREDENTIAL, UD_EXEC_LOAD_CREDENTIAL_ENCRYPTED, UD_EXEC_SET_CREDENTIAL_ENCRYPTED,
        };

        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
                if (unit_raw_values(u, ids[i]))
                        return true;
        return false;
}

/* The signals whose disposition in PID 1 is not SIG_DFL (ignored, or a handler), asked once: a
 * child inherits PID 1's dispositions, so resetting only these leaves it where resetting all 64
 * did (systemd's reset_all_signal_handlers()), without 60 rt_sigaction() calls per start. glibc
 * refuses its reserved signals (EINVAL), here and in the child alike. */
static uint64_t spawn_signals_to_reset(Manager *m) {
        if (!m->spawn_sig_reset_known) {
                uint64_t mask = 0;
                for (int sig = 1; sig < _NSIG && sig <= 64; sig++) {
                        struct sigaction sa;
                        if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, NULL, &sa) == 0 &&
                            ((sa.sa_flags & SA_SIGINFO) || sa.sa_handler != SIG_DFL))
                                mask |= UINT64_C(1) << (sig - 1);
                }
                m->spawn_sig_reset = mask;
                m->spawn_sig_reset_known = true;
        }
        return m->spawn_sig_reset;
}

static bool spawn_needs_fork(MUnit *u, const struct ids *ids, char *const *env, size_t n_fds) {
        const Unit *unit = u->u;
        const ExecSettings *e = unit_exec(unit);

        return ids->dynamic || exec_touches_tty(e) || e->tty_path || u->ns_rt || e->sandbox || e->root_directory ||
               unit->settings /* not compacted: its raw values are not counted */ || child_reads_raw(unit) ||
               e->capability_bounding_set.set || e->ambient_capabilities.set || e->no_new_privileges > 0 ||
               prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != 0 ||
               (n_fds > 0 && strv_length(env) > 1024) /* LISTEN_PID= is set in a copy on the child's stack */;
}

static void __attribute__((noreturn)) child(MUnit *u, const ExecCommand *cmd, char **argv, char **env,
                                            const struct ids *ids, int in_fd, int out_fd, int err_fd,
                                            const int *fds, size_t n_fds, struct vfork_report *vf) {
        const ExecSettings *e = unit_exec(u->u);
        bool privileged = cmd->flags & (EXEC_COMMAND_FULLY_PRIVILEGED | EXEC_COMMAND_NO_SETUID);
        sigset_t ss;
        int status;

        /* Signals: everything back to default, nothing blocked; SIGPIPE ignored (IgnoreSIGPIPE=).
         * Only the signals not at SIG_DFL in PID 1 need a call (spawn_signals_to_reset()). */
        for (int sig = 1; sig < _NSIG && sig <= 64; sig++)
                if (u->m->spawn_sig_reset & (UINT64_C(1) << (sig - 1)))
                        signal(sig, SIG_DFL);
        if (e->ignore_sigpipe != 0)
                signal(SIGPIPE, SIG_IGN);
        sigemptyset(&ss);
        if (sigprocmask(SIG_SETMASK, &ss, NULL) < 0)
                _exit(EXIT_SIGNAL_MASK);

        if (setsid() < 0)
                _exit(EXIT_SETSID);

        /* Terminals are opened here, in the new session, never in PID 1 (an open without
         * O_NOCTTY could make one PID 1's controlling terminal, and waiting for one must not block
         * the manager). FD_TTY: the unit's terminal; FD_AS_STDOUT: stderr follows stdout. */
        tty_prepare(e, false);
        if (in_fd == FD_TTY) {
                in_fd = acquire_terminal(exec_tty_path(e), e->standard_input);
                if (in_fd < 0) {
                        spawn_child_log(u, "Failed to set up standard input: %s", strerror(-in_fd));
                        _exit(EXIT_STDIN);
                }
        }
        if (out_fd == FD_TTY) {
                out_fd = is_tty_input(e->standard_input) ? in_fd : open_terminal(exec_tty_path(e), O_WRONLY | O_NOCTTY, true);
                if (out_fd < 0) {
                        spawn_child_log(u, "Failed to set up standard output: %s", strerror(-out_fd));
                        _exit(EXIT_STDOUT);
                }
        }
        if (err_fd == FD_AS_STDOUT)
                err_fd = out_fd;
        else if (err_fd == FD_TTY) {
                err_fd = is_tty_input(e->standard_input) ? in_fd : open_terminal(exec_tty_path(e), O_WRONLY | O_NOCTTY, true);
                if (err_fd < 0) {
                        spawn_child_log(u, "Failed to set up standard error: %s", strerror(-err_fd));
                        _exit(EXIT_STDERR);
                }
        }

        if (dup2(in_fd, 0) < 0)
                _exit(EXIT_STDIN);
        if (dup2(out_fd, 1) < 0)
                _exit(EXIT_STDOUT);
        if (dup2(err_fd, 2) < 0)
                _exit(EXIT_STDERR);
        {
                /* RootImage=/MountImages= refused, credentials PID 1 does not read (exec-creds-child.h) */
                char msg[256];
                if ((status = exec_child_credentials_and_images(u, cmd, ids->set ? ids->uid : 0, msg, sizeof(msg)))) {
                        spawn_child_log(u, "%s", msg);
                        _exit(status);
                }
        }
        /* Namespaces and the private mount table: before groups, user and capabilities (systemd's
         * exec_child() order), and while the unit's namespace fds and log pipe are still open. */
        if ((status = exec_ns_apply(u, cmd)) != 0)
                _exit(status);

        /* Socket activation: the listening fds become 3, 4, ... (sd_listen_fds(3)). They are
         * first moved above every fd number they could collide with. LISTEN_FDS= is in env
         * already; LISTEN_PID= (our pid, known only here) goes into a copy of env on our stack. */
        size_t n_env = n_fds > 0 ? strv_length(env) : 0;
        char *env_copy[n_env + 1], listen_pid[32] = "LISTEN_PID=";
        /* A forked child keeps the unit's log open up to its exec (close-on-exec, above the fds
         * the service gets), so that the steps below can still say what failed; a vfork-style
         * child leaves its failure in vf for PID 1 to write, and must not change u. */
        int log_fd = -1;
        if (!vf->vfork && u->out_wfd >= 0) {
                log_fd = fcntl(u->out_wfd, F_DUPFD_CLOEXEC, 3 + (int) n_fds);
                u->out_wfd = log_fd; /* our copy of PID 1's memory */
        }
        if (n_fds > 0) {
                int high[64];
                for (size_t i = 0; i < n_fds; i++)
                        if ((high[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 3 + (int) n_fds + 64)) < 0)
                                _exit(EXIT_FDS);
                for (size_t i = 0; i < n_fds; i++)
                        if (dup2(high[i], 3 + (int) i) < 0) /* dup2 clears FD_CLOEXEC */
                                _exit(EXIT_FDS);
                fmt_int(listen_pid + strlen("LISTEN_PID="), (long) getpid());
                memcpy(env_copy, env, (n_env + 1) * sizeof(char *));
                if (vf->listen_pid_index >= 0 && (size_t) vf->listen_pid_index < n_env)
                        env_copy[vf->listen_pid_index] = listen_pid;
                env = env_copy;
        }
        /* Only 0-2 and the socket-activation fds reach the service: the others are marked
         * close-on-exec (CLOSE_RANGE_CLOEXEC, kernel 5.11), so the exec closes them, after a
         * vfork-style parent has gone on: closing PID 1's thousands of pipes here (a flush each)
         * kept it waiting about 10 ms per start at 5,000 units. log_fd (above them, close-on-exec
         * too) stays usable until the exec; an older kernel closes all the others here. */
        if (syscall(SYS_close_range, 3U + (unsigned) n_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
                if (log_fd < 0) {
                        if (syscall(SYS_close_range, 3U + (unsigned) n_fds, ~0U, 0U) < 0)
                                for (int fd = 3 + (int) n_fds; fd < 1024; fd++)
                                        close(fd);
                } else {
                        if (log_fd > 3 + (int) n_fds && syscall(SYS_close_range, 3U + (unsigned) n_fds, (unsigned) log_fd - 1, 0U) < 0)
                                for (int fd = 3 + (int) n_fds; fd < log_fd; fd++)
                                        close(fd);
                        if (syscall(SYS_close_range, (unsigned) log_fd + 1, ~0U, 0U) < 0)
                                for (int fd = log_fd + 1; fd < 1024; fd++)
                                        close(fd);
                }
        }

        umask(e->umask);
        if (unit_is_set(u->u, UD_EXEC_NICE) && setpriority(PRIO_PROCESS, 0, e->nice) < 0)
                _exit(EXIT_NICE);
        if (unit_is_set(u->u, UD_EXEC_OOM_SCORE_ADJUST)) {
                int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
                char b[24];
                int n = (int) fmt_int(b, e->oom_score_adjust);
                /* As systemd: a privilege error means we run in a container; carry on. */
                if ((fd < 0 || write(fd, b, (size_t) n) != n) && errno != EPERM && errno != EACCES)
                        _exit(EXIT_OOM_ADJUST);
                if (fd >= 0)
                        close(fd);
        }
        for (int i = 0; e->rlimits && i < SDU_RLIMIT_MAX; i++)
                if (e->rlimits[i].set) {
                        struct rlimit rl = {
                                .rlim_cur = e->rlimits[i].soft == SDU_SIZE_INFINITY ? RLIM_INFINITY : e->rlimits[i].soft,
                                .rlim_max = e->rlimits[i].hard == SDU_SIZE_INFINITY ? RLIM_INFINITY : e->rlimits[i].hard,
                        };
                        if (setrlimit((__rlimit_resource_t) i, &rl) < 0) { /* indexed by RLIMIT_* */
                                /* Without CAP_SYS_RESOURCE (containers) the hard limit cannot
                                 * rise: get as close as allowed, as systemd does. */
                                struct rlimit cur;
                                if (errno != EPERM || getrlimit((__rlimit_resource_t) i, &cur) < 0)
                                        _exit(EXIT_LIMITS);
                                if (rl.rlim_max > cur.rlim_max)
                                        rl.rlim_max = cur.rlim_max;
                                if (rl.rlim_cur > rl.rlim_max)
                                        rl.rlim_cur = rl.rlim_max;
                                if (setrlimit((__rlimit_resource_t) i, &rl) < 0)
                                        _exit(EXIT_LIMITS);
                        }
                }

        /* A service running as User= owns its terminal (mode 0620), as under systemd. */
        if (ids->set && e->user && !privileged && isatty(0)) {
                struct stat st;
                if (fstat(0, &st) < 0)
                        _exit(EXIT_STDIN);
                if (st.st_uid != ids->uid && (fchown(0, ids->uid, (gid_t) -1) < 0 || fchmod(0, TTY_MODE) < 0)) {
                        if (vf->vfork)
                                vfork_fail(vf, EXIT_STDIN, errno, CHILD_MSG_TTY_OWNER, 0);
                        spawn_child_log(u, "Failed to change ownership of terminal: %s", strerror(errno));
                        _exit(EXIT_STDIN);
                }
        }

        {
                /* Groups, capabilities, the user, secure bits, no_new_privs, seccomp (exec-caps.h);
                 * a vfork-style child only the steps of a unit spawn_needs_fork() let through. */
                ExecIdentity id = { ids->set, ids->uid, ids->gid, ids->groups, ids->n_groups, ids->n_user_groups, getuid(), getgid() };
                ExecFailure f;
                int r = ids->dynamic && !(cmd->flags & EXEC_COMMAND_FULLY_PRIVILEGED) ? dynamic_user_child_mounts(u->u) : 0;
                if (r < 0) {
                        spawn_child_log(u, "Failed to set up mount namespacing: %s", strerror(-r));
                        _exit(EXIT_NAMESPACE);
                }
                status = exec_privileges_apply(u, cmd, &id, &f);
                if (status) {
                        char msg[256];
                        if (vf->vfork) {
                                vf->step = f.step;
                                vfork_fail(vf, status, f.err, CHILD_MSG_PRIVILEGES, f.arg);
                        }
                        exec_failure_format(&f, msg, sizeof(msg));
                        spawn_child_log(u, "%s", msg);
                        _exit(status);
                }
        }

        if (e->working_directory) {
                const char *wd = e->working_directory;
                bool optional = wd[0] == '-';
                if (optional)
                        wd++;
                if (strcmp(wd, "~") == 0)
                        wd = ids->home ? ids->home : "/root";
                if (chdir(wd) < 0 && (!optional || chdir("/") < 0))
                        _exit(EXIT_CHDIR);
        } else if (chdir("/") < 0)
                _exit(EXIT_CHDIR);

        if (strchr(cmd->path, '/'))
                execve(cmd->path, argv, env);
        else {
                /* A bare name: look it up in the service's PATH, as systemd >= 239 does. */
                const char *path = env_get(env, "PATH");
                size_t len = strlen(cmd->path);
                char buf[4096];
                for (const char *p = path; p && *p;) {
                        size_t n = strcspn(p, ":");
                        if (n + 1 + len < sizeof(buf)) {
                                memcpy(buf, p, n);
                                buf[n] = '/';
                                memcpy(buf + n + 1, cmd->path, len + 1);
                                execve(buf, argv, env);
                        } else
                                errno = ENAMETOOLONG;
                        p += n + (p[n] == ':');
                }
        }
        status = EXIT_EXEC;
        if (vf->vfork)
                vfork_fail(vf, status, errno, CHILD_MSG_EXEC, 0);
        {
                char msg[512];
                int n = exec_failed_line(msg, sizeof(msg), u, cmd, errno);
                (void) !write(STDERR_FILENO, msg, (size_t) n);
        }
        _exit(status);
}

struct child_args {
        MUnit *u;
        const ExecCommand *cmd;
        char **argv, **env;
        const struct ids *ids;
        int in_fd, out_fd, err_fd;
        const int *fds;
        size_t n_fds;
        struct vfork_report *vf;
};

static int run_child(void *userdata) {
        struct child_args *a = userdata;
        child(a->u, a->cmd, a->argv, a->env, a->ids, a->in_fd, a->out_fd, a->err_fd, a->fds, a->n_fds, a->vf);
}

/* LISTEN_FDNAMES=: its 4 KB buffer in a frame of its own, not in spawn_exec()'s, under which every
 * start runs (each stack page PID 1 writes after a fork is a copy-on-write fault). */
static void __attribute__((noinline)) set_fd_names(char ***env, const char *const *fd_names, size_t n_fds) {
        char names[4096];
        size_t k = 0;

        names[0] = '\0';
        for (size_t i = 0; i < n_fds && k < sizeof(names); i++)
                k += (size_t) snprintf(names + k, sizeof(names) - k, "%s%s", i ? ":" : "", fd_names[i]);
        env_set_kv(env, "LISTEN_FDNAMES", names);
}

int spawn_exec(MUnit *u, const ExecCommand *cmd, char *const *extra_env, bool is_main, pid_t *ret_pid) {
        const ExecSettings *e = unit_exec(u->u);
        struct ids ids;
        char **env = NULL, **argv = NULL;
        int in_fd = -1, out_fd = -1, err_fd = -1, status, r;
        int fds[64];
        const char *fd_names[64];
        size_t n_fds = 0;
        bool tty_in;
        pid_t pid;
        struct vfork_report vf = { .listen_pid_index = -1 };

        status = resolve_ids(u, &ids);
        if (!status && u->cgroup && ids.set && (e->user || ids.dynamic) && unit_cgroup(u->u)->delegate > 0 &&
            cg_delegate_unit(u, &ids) < 0) {
                /* Delegate= with User=: the cgroup is the user's before the command runs, as
                 * systemd's exec_child() calls cg_set_access() (cgroup/cg-delegate.c). */
                manager_log(u->m, MLOG_ERR, "%s: Failed to adjust control group access", u->id);
                status = EXIT_CGROUP;
        }
        if (status) {
                ids_done(&ids);
                return status;
        }
        r = spawn_build_environment(u, extra_env, &env);
        if (r == -ENOENT) {
                r = EXIT_EXEC; /* a missing EnvironmentFile= (systemd reports it the same way) */
                goto out;
        }
        if (r < 0)
                goto out;
        if (ids.set && ids.name && !(cmd->flags & EXEC_COMMAND_FULLY_PRIVILEGED)) {
                env_set_kv(&env, "USER", ids.name);
                env_set_kv(&env, "LOGNAME", ids.name);
                if (!ids.dynamic) {
                        env_set_kv(&env, "HOME", ids.home ? ids.home : "/");
                        env_set_kv(&env, "SHELL", ids.shell ? ids.shell : "/bin/sh");
                }
        }
        r = exec_expand_argv(cmd->argv, env, cmd->flags & EXEC_COMMAND_NO_ENV_EXPAND, &argv);
        if (r < 0)
                goto out;
        if (!argv[0]) {
                r = -EINVAL;
                goto out;
        }
        status = make_directories(u, &ids);
        if (!status)
                status = exec_credentials_setup(u, ids.set ? ids.uid : 0, &env);
        if (!status && !(cmd->flags & EXEC_COMMAND_FULLY_PRIVILEGED))
                exec_privileges_prepare(u); /* the seccomp programs, compiled once */
        if (status) {
                r = status;
                goto out;
        }
        status = exec_ns_prepare(u, cmd);
        if (status) {
                r = status;
                goto out;
        }

        if (u->out_wfd < 0) {
                int p[2];
                if (pipe2(p, O_CLOEXEC) < 0) {
                        r = -errno;
                        goto out;
                }
                fcntl(p[0], F_SETFL, O_NONBLOCK);
                u->out_wfd = p[1];
                r = logrelay_attach(u->m->log, u, p[0]);
                if (r < 0)
                        goto out;
                /* a copy for systemd-journald when it runs (service/journal.c) */
                if ((r = journal_stream_prepare(u, argv[0])) < 0)
                        manager_log(u->m, MLOG_WARN, "%s: output not copied to the journal: %s", u->id, strerror(-r));
        }

        /* Sockets: the listening fds of Accept=no sockets, or our connection (Accept=yes). */
        if (u->accept_fd >= 0) {
                fds[0] = u->accept_fd;
                n_fds = 1;
        } else {
                n_fds = trigger_socket_fds(u, fds, fd_names, sizeof(fds) / sizeof(fds[0]));
                if (n_fds > 0)
                        set_fd_names(&env, fd_names, n_fds);
        }
        if (n_fds > 0) {
                /* LISTEN_PID= is the child's pid: a placeholder here, replaced in the child */
                char b[32];
                snprintf(b, sizeof(b), "%zu", n_fds);
                if (env_set_kv(&env, "LISTEN_FDS", b) < 0 || env_set_kv(&env, "LISTEN_PID", "0") < 0) {
                        r = -ENOMEM;
                        goto out;
                }
                for (size_t i = 0; env[i]; i++)
                        if (strncmp(env[i], "LISTEN_PID=", strlen("LISTEN_PID=")) == 0)
                                vf.listen_pid_index = (int) i;
        }
        tty_in = is_tty_input(e->standard_input);
        in_fd = e->standard_input == IN_SOCKET && u->accept_fd >= 0 ? fcntl(u->accept_fd, F_DUPFD_CLOEXEC, 3)
                : e->standard_input == IN_FILE && e->standard_input_file
                        ? open(e->standard_input_file, O_RDONLY | O_CLOEXEC | O_NOCTTY)
                : tty_in ? FD_TTY /* acquired by the child */
                        : open("/dev/null", O_RDWR | O_CLOEXEC); /* read-write: "inherit" output dups it */
        int io_errno = in_fd < 0 && !tty_in ? errno : 0; /* of the first that failed: later calls change errno */
        {
                /* Unset, StandardOutput= inherits a terminal on stdin (systemd's service_fix_stdio). */
                int outk = e->standard_output >= 0 ? e->standard_output
                           : tty_in ? OUT_INHERIT : e->standard_input == IN_SOCKET ? OUT_SOCKET : OUT_JOURNAL;
                int errk = e->standard_error >= 0 ? e->standard_error : OUT_INHERIT;
                bool out_tty = outk == OUT_TTY || (outk == OUT_INHERIT && tty_in);
                out_fd = out_tty ? FD_TTY : open_output(u, outk, e->standard_output_file, in_fd);
                if (!io_errno && out_fd < 0 && out_fd != FD_TTY)
                        io_errno = errno;
                /* StandardError= "inherit" means: same as StandardOutput= (so does tty after tty). */
                err_fd = out_tty && (errk == OUT_INHERIT || errk == OUT_TTY) ? FD_AS_STDOUT
                         : errk == OUT_INHERIT ? fcntl(out_fd, F_DUPFD_CLOEXEC, 3)
                         : errk == OUT_TTY ? FD_TTY
                                           : open_output(u, errk, e->standard_error_file, in_fd);
        }
        if ((in_fd < 0 && !tty_in) || (out_fd < 0 && out_fd != FD_TTY) || (err_fd < 0 && err_fd != FD_TTY && err_fd != FD_AS_STDOUT)) {
                /* systemd's words (its child says them), plus the file that could not be opened */
                int err = io_errno ? io_errno : errno;
                const char *file;
                r = in_fd < 0 && !tty_in ? EXIT_STDIN : out_fd < 0 && out_fd != FD_TTY ? EXIT_STDOUT : EXIT_STDERR;
                file = r == EXIT_STDIN ? e->standard_input_file : r == EXIT_STDOUT ? e->standard_output_file : e->standard_error_file;
                manager_log(u->m, MLOG_ERR, "%s: Failed to set up standard %s: %s%s%s%s", u->id,
                            r == EXIT_STDIN ? "input" : r == EXIT_STDOUT ? "output" : "error output", strerror(err),
                            file ? " (" : "", file ? file : "", file ? ")" : "");
                goto out;
        }

        {
                /* Born in the unit's cgroup (clone3 CLONE_INTO_CGROUP, or join before exec) when
                 * there is one; a plain fork otherwise. */
                struct child_args a = { u, cmd, argv, env, &ids, in_fd, out_fd, err_fd, fds, n_fds, &vf };
                (void) spawn_signals_to_reset(u->m);
                vf.vfork = spawn_prefers_vfork(u->m) && !spawn_needs_fork(u, &ids, env, n_fds);
                r = u->m->sys->start_child(u, vf.vfork ? SPAWN_VFORK : SPAWN_FORK, run_child, &a, &pid);
                if (r < 0) {
                        if (r == -EIO || r == -EACCES || r == -ENOENT) {
                                r = EXIT_CGROUP;
                                goto out;
                        }
                        goto out;
                }
                if (vf.status)
                        vfork_report_write(u, cmd, &vf, err_fd == FD_AS_STDOUT ? out_fd : err_fd);
        }
        if (u->session <= 0 || is_main)
                u->session = pid; /* setsid() in the child: its pid is its session */
        *ret_pid = pid;
        r = 0;
out:
        exec_ns_spawned(u);
        if (in_fd >= 0)
                close(in_fd);
        if (out_fd >= 0)
                close(out_fd);
        if (err_fd >= 0)
                close(err_fd);
        strv_free(env);
        strv_free(argv);
        ids_done(&ids);
        return r;
}
