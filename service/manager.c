/* SPDX-License-Identifier: MIT */
/* The service manager: life cycle, signals, the notify socket and the event loop. Everything else
 * is in the files service/manager-private.h lists; the unit types are reached only through their
 * tables (service/unit-types.h). */
#include "service/manager-private.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/env.h"
#include "common/strv.h"
#include "install/install.h"
#include "service/cg-watch.h"
#include "service/dynamic-user.h"
#include "service/logrelay.h"
#include "service/notify.h"
#include "service/procs.h"
#include "service/shutdown.h"
#include "service/sys.h"
#include "service/unit-types.h"
#include "units/unit-generators.h"
#include "units/unit-values.h"

/* ---- signals ---------------------------------------------------------------------------------- */

static int on_sigchld(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        (void) s, (void) si;
        manager_reap(userdata);
        return 0;
}

static int on_shutdown_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        (void) s;
        if (m->shutting_down) {
                /* As with systemd, where it queues the same irreversible job again: nothing more
                 * to do, but never silently. */
                manager_log(m, MLOG_INFO, "received signal %u", si->ssi_signo);
                shutdown_report_waiting(m);
                return 0;
        }
        manager_log(m, MLOG_INFO, "received signal %u, shutting down", si->ssi_signo);
        manager_begin_shutdown(m, m->command_pid > 0 || m->command_status >= 0 ? m->command_status : 0);
        return 0;
}

/* SIGRTMIN+13..16: systemd's halt, poweroff, reboot and kexec "now": units are not stopped (any
 * more); as systemd-shutdown does, every remaining process gets SIGTERM, then SIGKILL, each named
 * (shutdown_kill_leftovers(), once the loop is done). In a container all of them end it. */
static int on_force_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        (void) s;
        if (!m->shutting_down) {
                m->shutting_down = true;
                m->exit_status = m->command_pid > 0 || m->command_status >= 0 ? m->command_status : 0;
        }
        manager_log(m, MLOG_WARN, "received signal %u: exiting without stopping units (systemd's halt --force)", si->ssi_signo);
        if (!m->exit_requested) {
                m->exit_requested = true;
                sd_event_exit(m->event, m->exit_status);
        }
        return 0;
}

static int on_forward_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Manager *m = userdata;

        (void) s;
        if (m->command_pid > 0)
                kill(m->command_pid, (int) si->ssi_signo);
        return 0;
}

/* ---- the notify socket ------------------------------------------------------------------------ */

static void notify_warn(Manager *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void notify_warn(Manager *m, const char *fmt, ...) {
        struct timespec ts;
        uint64_t now;
        char line[1024];
        va_list ap;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        now = (uint64_t) ts.tv_sec;
        if (now >= m->notify_warn_window + 10) {
                if (m->notify_warn_suppressed)
                        manager_log(m, MLOG_WARN, "notify: %u more warnings suppressed", m->notify_warn_suppressed);
                m->notify_warn_window = now;
                m->notify_warn_count = 0;
                m->notify_warn_suppressed = 0;
        }
        if (m->notify_warn_count >= 10) {
                m->notify_warn_suppressed++;
                return;
        }
        m->notify_warn_count++;
        va_start(ap, fmt);
        vsnprintf(line, sizeof(line), fmt, ap);
        va_end(ap);
        manager_log(m, MLOG_WARN, "%s", line);
}

static int on_notify(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Manager *m = userdata;
        char buf[NOTIFY_MESSAGE_MAX + 1];
        union {
                struct cmsghdr h;
                char b[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(int) * 16)];
        } control;
        struct iovec iov = { buf, sizeof(buf) };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof(control) };
        struct ucred *cred = NULL;
        struct notify_msg nm;
        const char *err = NULL;
        ssize_t n;
        MUnit *u;

        (void) s, (void) revents;
        n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC | MSG_TRUNC);
        if (n < 0)
                return 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
                if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
                    c->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
                        cred = (struct ucred *) CMSG_DATA(c);
                else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                        /* fd store is not supported: close every fd we were sent (BARRIER=1 too) */
                        int *fds = (int *) CMSG_DATA(c);
                        size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                        for (size_t i = 0; i < k; i++)
                                close(fds[i]);
                }
        }
        if ((size_t) n > NOTIFY_MESSAGE_MAX || (msg.msg_flags & MSG_TRUNC)) {
                notify_warn(m, "notify: datagram of %zd bytes is too large, dropped", n);
                return 0;
        }
        if (msg.msg_flags & MSG_CTRUNC)
                notify_warn(m, "notify: too many file descriptors or control data, dropped what did not fit");
        if (!cred || cred->pid <= 0) {
                notify_warn(m, "notify: datagram without credentials, dropped");
                return 0;
        }
        u = manager_unit_by_pid(m, cred->pid);
        if (!u) {
                /* A child of a service (NotifyAccess=all): attribute it by session. */
                pid_t sid = getsid(cred->pid);
                for (size_t i = 0; i < m->n_units && !u; i++)
                        if (m->units[i]->session > 0 && m->units[i]->session == sid)
                                u = m->units[i];
        }
        if (!u) {
                manager_log(m, MLOG_DEBUG, "notify: datagram from pid %d, which belongs to no unit, dropped", (int) cred->pid);
                return 0;
        }
        if (notify_parse(buf, (size_t) n, &nm, &err) < 0) {
                notify_warn(m, "%s: notify: %s, dropped", u->id, err);
                return 0;
        }
        if (munit_vtable(u)->notify)
                munit_vtable(u)->notify(u, cred->pid, cred->uid, &nm);
        return 0;
}

static int setup_notify(Manager *m) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int one = 1, fd;
        socklen_t len;

        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));

        /* systemd's path when /run is ours; otherwise an abstract socket (per network namespace,
         * which the services share with us). */
        if (mkdir("/run/systemd", 0755) == 0 || errno == EEXIST) {
                snprintf(m->notify_path, sizeof(m->notify_path), "/run/systemd/notify");
                unlink(m->notify_path);
                memcpy(sa.sun_path, m->notify_path, strlen(m->notify_path) + 1); /* 20 bytes, fits */
                len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + strlen(sa.sun_path) + 1);
                if (bind(fd, (struct sockaddr *) &sa, len) == 0) {
                        /* Services of any user must be able to send; senders are told apart by
                         * their kernel-checked credentials, not by file permissions. */
                        chmod(m->notify_path, 0777);
                        goto bound;
                }
        }
        snprintf(m->notify_path, sizeof(m->notify_path), "@sdinit/notify/%d", (int) getpid());
        memset(sa.sun_path, 0, sizeof(sa.sun_path));
        memcpy(sa.sun_path + 1, m->notify_path + 1, strlen(m->notify_path) - 1);
        len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + strlen(m->notify_path));
        if (bind(fd, (struct sockaddr *) &sa, len) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
bound:
        m->notify_fd = fd;
        return sd_event_add_io(m->event, &m->notify_source, fd, EPOLLIN, on_notify, m);
}

/* ---- life cycle ------------------------------------------------------------------------------- */

static int on_defer(sd_event_source *s, void *userdata) {
        (void) s;
        manager_dispatch(userdata);
        return 0;
}

static int on_gc(sd_event_source *es, void *userdata) {
        (void) es;
        manager_gc(userdata);
        return 0;
}

/* systemd's manager_preset_all(): Debian builds systemd 252 without first-boot-full-preset, so
 * the policy only enables; nothing is disabled. Failures are logged and the boot goes on. */
static void preset_all(Manager *m) {
        InstallChanges ch = {};
        int r;

        r = install_preset_all(NULL, 0, INSTALL_PRESET_ENABLE_ONLY, &ch);
        if (r < 0)
                manager_log(m, r == -EEXIST ? MLOG_INFO : MLOG_WARN,
                            "Failed to populate /etc with preset unit settings, ignoring: %s", strerror(-r));
        else
                manager_log(m, MLOG_INFO, "Populated /etc with preset unit settings.");
        install_changes_done(&ch);
}

int manager_boot(Manager *m, const char *target) {
        MUnit *u;
        int r;

        /* The image's generators and its SysV scripts become units first, as with systemd. Only
         * as PID 1 (they write to /run/systemd) and not when $SYSTEMD_UNIT_PATH replaces the
         * search path (the generator directories are not in it then). */
        if (getpid() == 1 && !getenv("SYSTEMD_UNIT_PATH")) {
                UnitGeneratorOptions o = {};
                UnitDiagSink diag = { manager_on_diag, m };
                r = unit_generators_run(&o, &diag);
                if (r < 0)
                        manager_log(m, MLOG_WARN, "cannot run the generators: %s", strerror(-r));
        }
        if (m->first_boot)
                preset_all(m);
        r = manager_load_unit(m, target, &u);
        /* Loaded while the kernel moved PID 1 into init.scope; nothing is started before. */
        manager_finish_cgroups(m);

        if (r < 0)
                return r;
        m->boot_target = u;
        return manager_start_unit(m, u);
}

int manager_new(const char *root, Manager **ret) {
        Manager *m = calloc(1, sizeof(*m));
        sigset_t ss;
        int r;

        if (!m)
                return -ENOMEM;
        m->notify_fd = -1;
        m->cg_watch_fd = -1;
        m->root = root;
        m->command_status = -1;
        m->show_status = true;
        m->verbosity = MLOG_INFO;
        m->vtables = unit_vtables;
        m->self_pid = getpid();
        m->sys = &sys_real;
        m->spawn_vfork_min_rss_kb = SPAWN_VFORK_MIN_RSS_KB;
        {
                /* A tuning knob (and the tests' way to take the vfork-style path at any size). */
                const char *v = getenv("SDINIT_SPAWN_VFORK_MIN_RSS_KB");
                char *end = NULL;
                unsigned long long kb;

                errno = 0;
                kb = v && *v ? strtoull(v, &end, 10) : 0;
                if (v && *v && errno == 0 && end && *end == '\0' && v[0] != '-')
                        m->spawn_vfork_min_rss_kb = kb;
                else if (v)
                        manager_log(m, MLOG_WARN, "SDINIT_SPAWN_VFORK_MIN_RSS_KB=%s is not a number of kB, ignoring", v);
        }
        if (manager_index_new(m) < 0) {
                free(m);
                return -ENOMEM;
        }
        m->exit_code_override = -1;
        dual_timestamp_now(&m->ts_startup);
        r = manager_registry_create(m, &m->registry);
        if (r < 0)
                goto fail;
        r = sd_event_new(&m->event);
        if (r < 0)
                goto fail;

        sigemptyset(&ss);
        for (int sig = 1; sig < SIGRTMIN; sig++)
                if (sig != SIGKILL && sig != SIGSTOP && sig != SIGSEGV && sig != SIGBUS && sig != SIGILL &&
                    sig != SIGFPE && sig != SIGABRT && sig != SIGTRAP && sig != SIGSYS)
                        sigaddset(&ss, sig);
        for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
                sigaddset(&ss, sig);
        sigprocmask(SIG_BLOCK, &ss, NULL);

        if ((r = sd_event_add_signal(m->event, NULL, SIGCHLD, on_sigchld, m)) < 0)
                goto fail;
        {
                /* SIGTERM, SIGINT (ctrl-C), SIGRTMIN+3 (halt: systemd images' STOPSIGNAL),
                 * SIGRTMIN+4 (poweroff), SIGRTMIN+5 (reboot: a container just stops). */
                int stops[] = { SIGTERM, SIGINT, SIGRTMIN + 3, SIGRTMIN + 4, SIGRTMIN + 5, SIGPWR };
                for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
                        if ((r = sd_event_add_signal(m->event, NULL, stops[i], on_shutdown_signal, m)) < 0)
                                goto fail;
                for (int k = 13; k <= 16; k++)
                        if ((r = sd_event_add_signal(m->event, NULL, SIGRTMIN + k, on_force_signal, m)) < 0)
                                goto fail;
                int fwd[] = { SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGTSTP };
                for (size_t i = 0; i < sizeof(fwd) / sizeof(fwd[0]); i++)
                        sd_event_add_signal(m->event, NULL, fwd[i], on_forward_signal, m);
        }
        r = sd_event_add_defer(m->event, &m->defer_dispatch, on_defer, m);
        if (r < 0)
                goto fail;
        sd_event_source_set_enabled(m->defer_dispatch, SD_EVENT_OFF);
        r = sd_event_add_defer(m->event, &m->defer_gc, on_gc, m);
        if (r < 0)
                goto fail;
        sd_event_source_set_enabled(m->defer_gc, SD_EVENT_OFF);
        sd_event_source_set_priority(m->defer_gc, SD_EVENT_PRIORITY_IDLE);
        /* Notifications before SIGCHLD, so READY=1 followed by exit is seen in that order. */
        r = setup_notify(m);
        if (r < 0)
                manager_log(m, MLOG_WARN, "cannot create the notify socket: %s; Type=notify services will time out", strerror(-r));
        else
                sd_event_source_set_priority(m->notify_source, SD_EVENT_PRIORITY_IMPORTANT);
        m->log = logrelay_new(m, STDOUT_FILENO);
        *ret = m;
        return 0;
fail:
        manager_free(m);
        return r;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        for (size_t i = 0; i < m->n_units; i++)
                munit_destroy(m, m->units[i]);
        if (m->bus_done)
                m->bus_done(m);
        free(m->units);
        free(m->runq);
        manager_pid_index_free(m);
        cg_watch_free(m);
        procs_free(m);
        manager_index_free(m);
        m->log = logrelay_free(m->log);
        dynamic_user_free_all(m);
        strv_free(m->creds_ready);
        sd_event_source_unref(m->notify_source);
        sd_event_source_unref(m->defer_dispatch);
        sd_event_source_unref(m->dispatch_timer);
        sd_event_source_unref(m->defer_gc);
        sd_event_source_unref(m->shutdown_timer);
        if (m->notify_fd >= 0)
                close(m->notify_fd);
        if (m->notify_path[0] == '/')
                unlink(m->notify_path);
        sd_event_unref(m->event);
        for (size_t i = 0; i < m->n_graveyard; i++)
                unit_free(m->graveyard[i].unit);
        free(m->graveyard);
        unit_registry_free(m->registry);
        strv_free(m->command);
        free(m);
        return NULL;
}

static void on_cg_log(void *userdata, int level, const char *message) {
        Manager *m = userdata;
        manager_log(m, level <= 3 ? MLOG_ERR : level == 4 ? MLOG_WARN : level <= 6 ? MLOG_INFO : MLOG_DEBUG, "cgroup: %s", message);
}

void manager_setup_cgroups(Manager *m) {
        struct env_info *info = calloc(1, sizeof(*info));
        char warning[CG_WARNING_MAX];
        int r;

        if (!info)
                goto out;
        r = env_detect("/", info);
        /* unreadable maps count as a user namespace, as in systemd */
        m->in_userns = info->userns != ENV_NO || strcmp(info->setgroups, "deny") == 0 ||
                       !(info->n_gid_map == 1 && info->gid_map[0].inside == 0 && info->gid_map[0].outside == 0 &&
                         info->gid_map[0].count == UINT32_MAX);
        if (r < 0) {
                manager_log(m, MLOG_WARN, "cannot detect the environment (%s): running without cgroups", strerror(-r));
                goto out;
        }
        cg_manager_init(&m->cg, info, on_cg_log, m);
        /* Only PID 1 owns its cgroup: anything else would move processes it does not own. */
        if ((m->cg.caps & CG_CAP_TREE) && getpid() == 1) {
                /* The move into init.scope goes on while the units load: manager_finish_cgroups(). */
                if (cg_manager_takeover_begin(&m->cg, &m->cg_pending) >= 0) {
                        m->cg_takeover_pending = true;
                        goto out;
                }
        } else if (m->cg.caps & CG_CAP_TREE) {
                m->cg.caps &= ~(unsigned) (CG_CAP_TREE | CG_CAP_KILL | CG_CAP_FREEZE | CG_CAP_CLONE_INTO);
                snprintf(m->cg.why, sizeof(m->cg.why), "not PID 1: the cgroup is not ours to take over");
        }
        if (cg_manager_warning(&m->cg, warning, sizeof(warning)) > 0)
                manager_log(m, MLOG_WARN, "%s", warning);
out:
        free(info);
}

void manager_finish_cgroups(Manager *m) {
        struct cg_takeover_result *res;
        char warning[CG_WARNING_MAX];
        int r;

        if (!m->cg_takeover_pending)
                return;
        m->cg_takeover_pending = false;
        res = calloc(1, sizeof(*res));
        r = cg_manager_takeover_finish(&m->cg, &m->cg_pending, res);
        if (r >= 0) {
                char list[512] = "";
                size_t n = 0;
                for (size_t i = 0; res && i < res->n_enabled && n < sizeof(list); i++)
                        n += (size_t) snprintf(list + n, sizeof(list) - n, "%s%s", i ? " " : "", res->enabled[i]);
                m->cg_tree = true;
                manager_log(m, MLOG_INFO, "cgroup v2 delegated: PID 1 moved to init.scope; controllers enabled: %s",
                            n ? list : "(none)");
        }
        if (cg_manager_warning(&m->cg, warning, sizeof(warning)) > 0)
                manager_log(m, MLOG_WARN, "%s", warning);
        free(res);
}

int manager_run(Manager *m) {
        int r = sd_event_loop(m->event);
        logrelay_finish(m->log);
        /* `systemctl exit N` / SetExitCode(): the container's exit status, as systemd gives it
         * to a container manager. */
        if (r >= 0 && m->exit_code_override >= 0)
                r = m->exit_code_override;
        return r;
}
