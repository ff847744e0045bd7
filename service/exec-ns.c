/* SPDX-License-Identifier: MIT */
/* The namespaces of a service (see exec-ns.h): settings, the per-unit runtime kept by PID 1, the
 * network/IPC/UTS namespaces and the degrade rules of systemd 252's exec_child(). The mount table
 * itself is exec-mounts.c. */
#include "exec-ns.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec-ns-internal.h"
#include "cgroup/env-sandbox.h"
#include "service/dynamic-user.h"
#include "service/spawn.h"
#include "units/unit-values.h"

struct ExecNsRuntime {
        const ExecSandbox *cfg; /* the unit's settings (for the process being started) */
        MountPlan *plan;        /* for the process being started */
        char *tmp_dir, *var_tmp_dir; /* PrivateTmp=: /tmp/systemd-private-..., /var/tmp/systemd-private-... */
        bool owns_tmp;          /* created for this unit (not joined from a JoinsNamespaceOf= unit) */
        int netns_fd, ipcns_fd; /* NetworkNamespacePath=/IPCNamespacePath= opened, -1 if none */
        /* PrivateNetwork=, PrivateIPC=: systemd's storage sockets. The first process of the unit
         * run makes the namespace and leaves its fd in the socket, the next ones (and the
         * JoinsNamespaceOf= units, which share the socket) take it from there. -1 if none. */
        int net_store[2], ipc_store[2];
        bool needs_mount_ns, insists, mount_refused;
        bool said;              /* the degrade line was said (once per unit, kept across runs) */
};

/* ---- settings ---- */

/* The settings of the unit's current file (a daemon-reload may have replaced it since the runtime
 * was made). DynamicUser='s implied sandbox (PrivateTmp=yes, ProtectSystem=strict, at least
 * ProtectHome=read-only: systemd's unit_patch_contexts()) is in them since load (units/). */
static const ExecSandbox *settings(const MUnit *u) {
        return unit_sandbox(u->u);
}

bool exec_ns_needs_mount_ns(const Unit *u, const ExecSandbox *c, bool private_tmp_dirs) {
        if (c->rw || c->ro || c->inaccessible || c->exec || c->noexec || c->bind || c->bind_ro || c->tmpfs)
                return true;
        if (c->mount_flags && c->mount_flags != MS_SHARED)
                return true;
        if (c->private_tmp && private_tmp_dirs)
                return true;
        if (c->private_devices || c->private_mounts || c->protect_system || c->protect_home || c->protect_kernel_tunables ||
            c->protect_kernel_modules || c->protect_kernel_logs || c->protect_control_groups ||
            c->protect_proc != PROTECT_PROC_DEFAULT || c->proc_subset_pid || c->private_ipc || c->ipcns_path)
                return true;
        if (unit_exec(u)->root_directory && (c->mount_apivfs != 0 || unit_exec(u)->runtime_directory || unit_exec(u)->state_directory ||
                                       unit_exec(u)->cache_directory || unit_exec(u)->logs_directory || unit_exec(u)->configuration_directory))
                return true;
        return false;
}

/* ---- the runtime PID 1 keeps per unit ---- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        (void) st, (void) flag, (void) ftw;
        (void) remove(path);
        return 0;
}

/* A private /tmp pair made by make_private_tmp(): mostly left empty by the service, then two
 * rmdir(2) calls do it; a walk of the tree only when something is left in it. */
static void remove_private_tmp(const char *dir) {
        char inner[4200];

        if (!dir)
                return;
        snprintf(inner, sizeof(inner), "%s/tmp", dir);
        if ((rmdir(inner) == 0 || errno == ENOENT) && rmdir(dir) == 0)
                return;
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void rt_close_ns(ExecNsRuntime *rt) {
        if (rt->netns_fd >= 0)
                close(rt->netns_fd);
        if (rt->ipcns_fd >= 0)
                close(rt->ipcns_fd);
        rt->netns_fd = rt->ipcns_fd = -1;
        for (int i = 0; i < 2; i++) {
                if (rt->net_store[i] >= 0)
                        close(rt->net_store[i]);
                if (rt->ipc_store[i] >= 0)
                        close(rt->ipc_store[i]);
                rt->net_store[i] = rt->ipc_store[i] = -1;
        }
}

/* A JoinsNamespaceOf= unit's runtime that is up, or NULL. */
static ExecNsRuntime *joined(MUnit *u) {
        for (size_t i = 0; i < munit_n_deps(u, UNIT_JOINS_NAMESPACE_OF); i++) {
                MUnit *o = munit_deps(u, UNIT_JOINS_NAMESPACE_OF)[i];
                if (o != u && o->ns_rt)
                        return o->ns_rt;
        }
        return NULL;
}

/* systemd's setup_tmp_dirs(): /tmp/systemd-private-BOOTID-UNIT-XXXXXX (0700) holding tmp (1777). */
static char *make_private_tmp(const char *base, const char *unit) {
        static char boot[64]; /* the boot ID without dashes, read once */
        char *p;
        char inner[4200];
        mode_t old;

        if (!boot[0]) {
                FILE *f = fopen("/proc/sys/kernel/random/boot_id", "re");
                size_t k = 0;
                if (f) {
                        int ch;
                        while ((ch = fgetc(f)) != EOF && k + 1 < sizeof(boot))
                                if (ch != '-' && ch != '\n')
                                        boot[k++] = (char) ch;
                        boot[k] = '\0';
                        fclose(f);
                }
        }
        if (asprintf(&p, "%s/systemd-private-%s-%s-XXXXXX", base, boot, unit) < 0)
                return NULL;
        /* umask 0 for both (mkdtemp's mode is 0700 whatever the umask): two umask(2) calls, not three */
        old = umask(0);
        if (!mkdtemp(p)) {
                umask(old);
                free(p);
                return NULL;
        }
        snprintf(inner, sizeof(inner), "%s/tmp", p);
        if (mkdir(inner, 01777) < 0) {
                umask(old);
                rmdir(p);
                free(p);
                return NULL;
        }
        umask(old);
        return p;
}

/* The storage socket pair of a PrivateNetwork=/PrivateIPC= unit run (shared with the joined unit's). */
static int store_open(int store[2], const int *joined_store) {
        if (store[0] >= 0)
                return 0;
        if (joined_store && joined_store[0] >= 0) {
                store[0] = fcntl(joined_store[0], F_DUPFD_CLOEXEC, 3);
                store[1] = fcntl(joined_store[1], F_DUPFD_CLOEXEC, 3);
                return store[0] < 0 || store[1] < 0 ? -errno : 0;
        }
        return socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, store) < 0 ? -errno : 0;
}

static void say(MUnit *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(MUnit *u, const char *fmt, ...) {
        char msg[1024];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        manager_log(u->m, MLOG_WARN, "%s: %s", u->id, msg);
}

/* The mount-affecting settings the unit sets, as "A=, B=" for the degrade line. */
static void list_mount_settings(const ExecSandbox *c, const Unit *u, char *b, size_t n) {
        const struct {
                bool on;
                const char *name;
        } t[] = {
                { c->private_tmp, "PrivateTmp=" },
                { c->protect_system != 0, "ProtectSystem=" },
                { c->protect_home != 0, "ProtectHome=" },
                { c->private_devices, "PrivateDevices=" },
                { c->protect_kernel_tunables, "ProtectKernelTunables=" },
                { c->protect_kernel_modules, "ProtectKernelModules=" },
                { c->protect_kernel_logs, "ProtectKernelLogs=" },
                { c->protect_control_groups, "ProtectControlGroups=" },
                { c->protect_proc != 0, "ProtectProc=" },
                { c->proc_subset_pid, "ProcSubset=" },
                { c->rw != NULL, "ReadWritePaths=" },
                { c->ro != NULL, "ReadOnlyPaths=" },
                { c->inaccessible != NULL, "InaccessiblePaths=" },
                { c->exec != NULL, "ExecPaths=" },
                { c->noexec != NULL, "NoExecPaths=" },
                { c->bind != NULL, "BindPaths=" },
                { c->bind_ro != NULL, "BindReadOnlyPaths=" },
                { c->tmpfs != NULL, "TemporaryFileSystem=" },
                { c->private_mounts, "PrivateMounts=" },
                { c->private_ipc || c->ipcns_path, "PrivateIPC= (/dev/mqueue)" },
                { unit_exec(u)->root_directory != NULL, "RootDirectory=" },
        };
        size_t k = 0;

        b[0] = '\0';
        for (size_t i = 0; i < sizeof(t) / sizeof(t[0]) && k < n; i++)
                if (t[i].on)
                        k += (size_t) snprintf(b + k, n - k, "%s%s", k ? ", " : "", t[i].name);
}

static void note(char *b, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void note(char *b, size_t n, const char *fmt, ...) {
        size_t k = strlen(b);
        va_list ap;

        if (k + 3 >= n)
                return;
        if (k)
                k += (size_t) snprintf(b + k, n - k, ", ");
        va_start(ap, fmt);
        vsnprintf(b + k, n - k, fmt, ap);
        va_end(ap);
}

int exec_ns_prepare(MUnit *u, const ExecCommand *cmd) {
        ExecNsRuntime *rt = u->ns_rt, *j;
        bool sandbox = !(cmd->flags & EXEC_COMMAND_FULLY_PRIVILEGED);
        char ignored[2048], list[1024]; /* not zero-filled: 3 KB of stack written at every start */
        unsigned can;

        if (!settings(u)->ns && !unit_exec(u->u)->root_directory && !rt)
                return 0; /* the common case: nothing to do */
        ignored[0] = list[0] = '\0';
        if (!rt) {
                rt = calloc(1, sizeof(*rt));
                if (!rt)
                        return EXIT_MEMORY;
                rt->netns_fd = rt->ipcns_fd = -1;
                rt->net_store[0] = rt->net_store[1] = rt->ipc_store[0] = rt->ipc_store[1] = -1;
                u->ns_rt = rt;
        } else {
                mount_plan_free(rt->plan);
                rt->plan = NULL;
        }
        rt->cfg = settings(u);
        j = joined(u);
        can = env_sandbox_probe();

        /* PrivateTmp=: one pair of directories per unit while it runs (or its joined unit's). */
        if (rt->cfg->private_tmp && !rt->tmp_dir) {
                if (j && j->tmp_dir) {
                        rt->tmp_dir = strdup(j->tmp_dir);
                        rt->var_tmp_dir = j->var_tmp_dir ? strdup(j->var_tmp_dir) : NULL;
                        rt->owns_tmp = false;
                } else {
                        rt->tmp_dir = make_private_tmp("/tmp", u->id);
                        rt->var_tmp_dir = make_private_tmp("/var/tmp", u->id);
                        rt->owns_tmp = true;
                        if (!rt->tmp_dir || !rt->var_tmp_dir) {
                                manager_log(u->m, MLOG_ERR, "%s: cannot create the private /tmp or /var/tmp: %s", u->id,
                                            strerror(errno));
                                return EXIT_NAMESPACE;
                        }
                }
        }
        /* NetworkNamespacePath=, IPCNamespacePath=: opened by PID 1; PrivateNetwork=, PrivateIPC=:
         * made by the unit run's first process (storage sockets), shared with JoinsNamespaceOf= units. */
        if (sandbox && rt->cfg->netns_path && rt->netns_fd < 0) {
                rt->netns_fd = open(rt->cfg->netns_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (rt->netns_fd < 0) {
                        manager_log(u->m, MLOG_ERR, "%s: Failed to open network namespace path %s: %s", u->id,
                                    rt->cfg->netns_path, strerror(errno));
                        return EXIT_NETWORK;
                }
        } else if (sandbox && rt->cfg->private_network) {
                if (store_open(rt->net_store, j ? j->net_store : NULL) < 0) {
                        manager_log(u->m, MLOG_ERR, "%s: Failed to set up network namespacing: %s", u->id, strerror(errno));
                        return EXIT_NETWORK;
                }
                if (!(can & ENV_SANDBOX_NET_NS))
                        note(ignored, sizeof(ignored), "PrivateNetwork= (network namespace)");
        }
        if (sandbox && rt->cfg->ipcns_path && rt->ipcns_fd < 0) {
                rt->ipcns_fd = open(rt->cfg->ipcns_path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
                if (rt->ipcns_fd < 0) {
                        manager_log(u->m, MLOG_ERR, "%s: Failed to open IPC namespace path %s: %s", u->id,
                                    rt->cfg->ipcns_path, strerror(errno));
                        return EXIT_NAMESPACE;
                }
        } else if (sandbox && rt->cfg->private_ipc) {
                if (store_open(rt->ipc_store, j ? j->ipc_store : NULL) < 0) {
                        manager_log(u->m, MLOG_ERR, "%s: Failed to set up IPC namespacing: %s", u->id, strerror(errno));
                        return EXIT_NAMESPACE;
                }
                if (!(can & ENV_SANDBOX_IPC_NS))
                        note(ignored, sizeof(ignored), "PrivateIPC= (IPC namespace)");
        }
        if (sandbox && rt->cfg->protect_hostname && !(can & ENV_SANDBOX_UTS_NS))
                note(ignored, sizeof(ignored), "ProtectHostname= (UTS namespace)");

        rt->needs_mount_ns = exec_ns_needs_mount_ns(u->u, rt->cfg, rt->tmp_dir != NULL);
        if (rt->needs_mount_ns) {
                mount_make_inaccessible_nodes(u->m->in_userns);
                mount_plan_set_event(u->m->event);
                rt->plan = mount_plan_new(u->u, rt->cfg, sandbox, sandbox ? rt->tmp_dir : NULL, sandbox ? rt->var_tmp_dir : NULL,
                                          u->id);
                if (!rt->plan)
                        return EXIT_MEMORY;
                rt->insists = mount_plan_insists(rt->plan);
                rt->mount_refused = !(can & ENV_SANDBOX_MOUNT_NS);
                if (rt->mount_refused) {
                        list_mount_settings(rt->cfg, u->u, list, sizeof(list));
                        if (!rt->insists)
                                note(ignored, sizeof(ignored), "%s (mount namespace)", list);
                }
        }
        /* One line per unit (its first start) for all that the container does not allow. */
        if (!rt->said && (ignored[0] || (rt->mount_refused && rt->insists)))
                say(u, "the container refuses namespaces (no CAP_SYS_ADMIN, or unshare refused)%s%s%s%s%s",
                    ignored[0] ? ": not applied: " : "", ignored, ignored[0] ? " (ignored, as systemd does)" : "",
                    rt->mount_refused && rt->insists ? "; refusing to start (226/NAMESPACE), as systemd does, since these change the file system non-trivially: " : "",
                    rt->mount_refused && rt->insists ? list : "");
        rt->said = true;
        return 0;
}

/* A namespace's fd over a datagram socket, with a tag (what it belongs to). */
int ns_fd_send(int sock, int fd, unsigned long tag) {
        char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
        struct iovec iov = { .iov_base = &tag, .iov_len = sizeof(tag) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);

        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
        return sendmsg(sock, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int ns_fd_recv(int sock, unsigned long *tag) {
        char cbuf[CMSG_SPACE(sizeof(int))];
        unsigned long t = 0;
        struct iovec iov = { .iov_base = &t, .iov_len = sizeof(t) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
        struct cmsghdr *c;
        ssize_t n;
        int fd;

        if ((n = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC)) < 0)
                return -errno;
        c = CMSG_FIRSTHDR(&mh);
        if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
                return -EBADMSG;
        memcpy(&fd, CMSG_DATA(c), sizeof(int));
        if ((size_t) n != sizeof(t)) {
                close(fd);
                return -EBADMSG;
        }
        if (tag)
                *tag = t;
        return fd;
}

/* systemd's setup_shareable_ns(): join the unit run's namespace if one is stored, or make it
 * (loopback up for a network one) and store it. 0, 1 when the container refused it, or -errno. */
static int shareable_ns(const int store[2], int type) {
        int fd = ns_fd_recv(store[0], NULL), r;

        if (fd >= 0) {
                r = setns(fd, type) < 0 ? -errno : 0;
                (void) ns_fd_send(store[1], fd, 0); /* back for the next process */
                close(fd);
                return r;
        }
        if (fd != -EAGAIN)
                return fd;
        if (unshare(type) < 0)
                return errno == EPERM || errno == EACCES || errno == EINVAL || errno == ENOSYS ? 1 : -errno;
        if (type == CLONE_NEWNET) {
                int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
                struct ifreq ifr = { 0 };
                snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
                if (s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
                        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
                        (void) ioctl(s, SIOCSIFFLAGS, &ifr);
                }
                if (s >= 0)
                        close(s);
        }
        fd = open(type == CLONE_NEWNET ? "/proc/self/ns/net" : "/proc/self/ns/ipc", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = ns_fd_send(store[1], fd, 0);
        close(fd);
        return r;
}

int exec_ns_apply(MUnit *u, const ExecCommand *cmd) {
        ExecNsRuntime *rt = u->ns_rt;
        bool sandbox = !(cmd->flags & EXEC_COMMAND_FULLY_PRIVILEGED);

        if (!rt)
                return 0;
        /* Order of systemd's exec_child(): network, IPC, mount, then UTS. */
        if (sandbox && rt->net_store[0] >= 0) {
                int r = shareable_ns(rt->net_store, CLONE_NEWNET);
                if (r < 0) {
                        spawn_child_log(u, "Failed to set up network namespacing: %s", strerror(-r));
                        return EXIT_NETWORK;
                }
                if (r > 0 && (env_sandbox_probe() & ENV_SANDBOX_NET_NS)) /* (else PID 1 said it) */
                        spawn_child_log(u, "PrivateNetwork=yes is configured, but network namespace setup failed, ignoring.");
        }
        if (sandbox && rt->ipc_store[0] >= 0) {
                int r = shareable_ns(rt->ipc_store, CLONE_NEWIPC);
                if (r < 0) {
                        spawn_child_log(u, "Failed to set up IPC namespacing: %s", strerror(-r));
                        return EXIT_NAMESPACE;
                }
                if (r > 0 && (env_sandbox_probe() & ENV_SANDBOX_IPC_NS))
                        spawn_child_log(u, "PrivateIPC=yes is configured, but IPC namespace setup failed, ignoring.");
        }
        if (sandbox && rt->netns_fd >= 0 && setns(rt->netns_fd, CLONE_NEWNET) < 0) {
                if (errno != EPERM) {
                        spawn_child_log(u, "Failed to set up network namespacing: %s", strerror(errno));
                        return EXIT_NETWORK;
                }
                spawn_child_log(u, "PrivateNetwork=yes is configured, but network namespace setup failed, ignoring: %s", strerror(errno));
        }
        if (sandbox && rt->ipcns_fd >= 0 && setns(rt->ipcns_fd, CLONE_NEWIPC) < 0) {
                if (errno != EPERM) {
                        spawn_child_log(u, "Failed to set up IPC namespacing: %s", strerror(errno));
                        return EXIT_NAMESPACE;
                }
                spawn_child_log(u, "PrivateIPC=yes is configured, but IPC namespace setup failed, ignoring: %s", strerror(errno));
        }
        if (rt->needs_mount_ns && rt->plan) {
                const char *where = NULL;
                int r = mount_plan_apply(rt->plan, &where);
                if (r == -ENOANO) {
                        if (rt->insists) {
                                spawn_child_log(u, "Failed to set up mount namespacing: the settings alter the mount environment non-trivially, refusing");
                                return EXIT_NAMESPACE;
                        }
                        if (!rt->mount_refused) /* not foreseen (PID 1 said nothing): say it here */
                                spawn_child_log(u, "Failed to set up namespace, assuming containerized execution and ignoring.");
                } else if (r < 0) {
                        spawn_child_log(u, "Failed to set up mount namespacing%s%s: %s", where ? ": " : "", where ? where : "", strerror(-r));
                        return EXIT_NAMESPACE;
                }
        }
        if (sandbox && rt->cfg->protect_hostname && unshare(CLONE_NEWUTS) < 0 && errno != EPERM && errno != EINVAL &&
            errno != ENOSYS && errno != EOPNOTSUPP && errno != EACCES) {
                spawn_child_log(u, "Failed to set up UTS namespacing: %s", strerror(errno));
                return EXIT_NAMESPACE;
        }
        return 0;
}

void exec_ns_spawned(MUnit *u) {
        ExecNsRuntime *rt = u->ns_rt;

        if (!rt)
                return;
        mount_plan_free(rt->plan);
        rt->plan = NULL;
}

void exec_ns_release(MUnit *u, bool destroy) {
        ExecNsRuntime *rt = u->ns_rt;

        if (!rt)
                return;
        if (rt->owns_tmp) {
                /* A JoinsNamespaceOf= unit still running takes the directories over. */
                bool handed = false;
                for (size_t i = 0; i < munit_n_deps(u, UNIT_JOINS_NAMESPACE_OF) && !handed; i++) {
                        MUnit *o = munit_deps(u, UNIT_JOINS_NAMESPACE_OF)[i];
                        if (o != u && o->ns_rt && o->ns_rt->tmp_dir && rt->tmp_dir && strcmp(o->ns_rt->tmp_dir, rt->tmp_dir) == 0 &&
                            (o->main_pid > 0 || o->control_pid > 0)) {
                                o->ns_rt->owns_tmp = true;
                                handed = true;
                        }
                }
                if (!handed) {
                        remove_private_tmp(rt->tmp_dir);
                        remove_private_tmp(rt->var_tmp_dir);
                }
        }
        rt_close_ns(rt);
        mount_plan_free(rt->plan);
        rt->plan = NULL;
        free(rt->tmp_dir);
        free(rt->var_tmp_dir);
        rt->tmp_dir = rt->var_tmp_dir = NULL;
        rt->owns_tmp = false;
        if (destroy) {
                free(rt);
                u->ns_rt = NULL;
        }
}
