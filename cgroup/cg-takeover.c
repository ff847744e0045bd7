/* SPDX-License-Identifier: MIT */
/* The manager context and the take-over of a delegated cgroup2 subtree.
 *
 * cgroup v2's "no internal processes" rule: a cgroup that enables controllers for its children
 * (cgroup.subtree_control) may not hold processes itself. So PID 1 first creates init.scope,
 * moves every process of its cgroup there (itself included; new children may be forked while we
 * do it, hence the loop until cgroup.procs reads empty), and only then enables the controllers,
 * one write per controller: one bad token fails a whole write, and a per-controller result is
 * what the warning needs.
 *
 * Moving a process between cgroups takes the kernel's cgroup_threadgroup_rwsem for writing, which
 * waits for an RCU grace period when it was not taken recently: 15-20 ms of PID 1's start on the
 * test machines, in which it did nothing. cg_manager_takeover_begin() has a helper born in
 * init.scope do the move (and enable the controllers) while PID 1 goes on (reads its unit
 * files); _finish() waits for it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "cg-internal.h"
#include "env.h"

#define TAKEOVER_MAX_ROUNDS 64

static void copy(char *dst, size_t size, const char *src) {
        cg_format(dst, size, "%s", src ? src : "");
}

int cg_manager_init(struct cg_manager *m, const struct env_info *info, cg_log_fn log, void *userdata) {
        struct cg_assessment a;

        if (!m || !info)
                return -EINVAL;
        memset(m, 0, sizeof *m);
        m->log = log;
        m->log_userdata = userdata;
        m->freeze_timeout_ms = 5000;
        cg_assess(info, &a);
        m->caps = a.caps;
        m->controllers = a.controllers;
        copy(m->why, sizeof m->why, a.why);
        if (info->unified_mount[0] && info->own_dir[0]) {
                copy(m->mount_dir, sizeof m->mount_dir, info->unified_mount);
                copy(m->own_path, sizeof m->own_path, info->own_path);
                copy(m->own_dir, sizeof m->own_dir, info->own_dir);
        }
        return 0;
}

size_t cg_manager_warning(const struct cg_manager *m, char *buf, size_t size) {
        if (!m)
                return 0;
        return cg_warning_line(m->caps, m->controllers, m->why, buf, size);
}

static void degrade(struct cg_manager *m, const char *what, int error, enum cg_op op) {
        m->caps &= ~(unsigned) (CG_CAP_TREE | CG_CAP_KILL | CG_CAP_FREEZE | CG_CAP_CLONE_INTO);
        m->controllers = 0;
        if (m->why[0])
                return; /* detection already said why (e.g. not delegated): keep that */
        cg_format(m->why, sizeof m->why, "cgroup v2 take-over failed (%s: %s, %s)", what, cg_errno_name(error),
                 cg_explain(error, op));
}

static bool list_has(const char *list, const char *name) {
        size_t n = strlen(name);
        for (const char *p = list; p && *p;) {
                size_t k;
                p += strspn(p, " \n");
                k = strcspn(p, " \n");
                if (k == n && strncmp(p, name, n) == 0)
                        return true;
                p += k;
        }
        return false;
}

int cg_enable_controllers(struct cg_manager *m, const char *path, struct cg_takeover_result *ret) {
        char file[CG_PATH_MAX], avail[1024], enabled[1024];
        int r, failures = 0;

        r = cg_build(m, path, "cgroup.controllers", file, sizeof file);
        if (r < 0)
                return r;
        r = cg_read_small(file, avail, sizeof avail);
        if (r < 0) {
                cg_log(m, LOG_WARNING, "cannot read %s: %s", file, strerror(-r));
                return r;
        }
        r = cg_build(m, path, "cgroup.subtree_control", file, sizeof file);
        if (r < 0)
                return r;
        if (cg_read_small(file, enabled, sizeof enabled) < 0)
                enabled[0] = 0;

        for (const char *p = avail; *p;) {
                char name[CG_NAME_MAX], tok[CG_NAME_MAX + 2];
                size_t n;

                p += strspn(p, " \n");
                n = strcspn(p, " \n");
                if (n == 0)
                        break;
                if (n >= sizeof name) {
                        p += n;
                        continue;
                }
                memcpy(name, p, n);
                name[n] = 0;
                p += n;

                if (list_has(enabled, name))
                        r = 1; /* already enabled */
                else {
                        snprintf(tok, sizeof tok, "+%s", name);
                        r = cg_write_string(file, tok);
                }
                if (r >= 0) {
                        if (ret && ret->n_enabled < CG_MAX_CONTROLLERS)
                                copy(ret->enabled[ret->n_enabled++], CG_NAME_MAX, name);
                        if (r == 0)
                                cg_log(m, LOG_DEBUG, "enabled controller %s in %s", name, file);
                } else {
                        failures++;
                        if (ret && ret->n_failed < CG_MAX_CONTROLLERS) {
                                copy(ret->failed[ret->n_failed].name, CG_NAME_MAX, name);
                                ret->failed[ret->n_failed++].error = -r;
                        }
                        cg_log(m, LOG_WARNING, "cannot enable controller %s in %s: %s (%s: %s)", name, file,
                               strerror(-r), cg_errno_name(r), cg_explain(r, CG_OP_ENABLE));
                }
        }
        return failures;
}

/* One pass: move every pid of our cgroup.procs into init.scope. Returns the number listed. */
static int move_pass(struct cg_manager *m, const char *from, const char *to, unsigned *moved) {
        char *text = NULL;
        pid_t *pids = NULL;
        int n, r;

        r = cg_read_alloc(from, &text);
        if (r < 0) {
                cg_log(m, LOG_ERR, "cannot read %s: %s", from, strerror(-r));
                return r;
        }
        n = cg_parse_pids(text, &pids);
        free(text);
        if (n < 0)
                return n;
        for (int i = 0; i < n; i++) {
                char s[32];
                snprintf(s, sizeof s, "%d", (int) pids[i]);
                r = cg_write_string(to, s);
                if (r == -ESRCH)
                        continue; /* exited meanwhile */
                if (r < 0) {
                        cg_log(m, LOG_ERR, "cannot move process %d into %s: %s (%s: %s)", (int) pids[i], to,
                               strerror(-r), cg_errno_name(r), cg_explain(r, CG_OP_ATTACH));
                        free(pids);
                        return r;
                }
                (*moved)++;
        }
        free(pids);
        return n;
}

/* What the helper of cg_manager_takeover_begin() tells over its pipe. */
struct takeover_msg {
        int n;          /* the last pass's count (0: our cgroup is empty), or -errno */
        unsigned moved, rounds;
};

struct takeover_child {
        struct cg_manager *m;
        const char *from, *to;
        int fd;
};

/* The helper, born in init.scope (clone3 CLONE_INTO_CGROUP): moves every process of our cgroup,
 * PID 1 first of all, into init.scope and exits. A copy of PID 1 (not sharing its memory), so it
 * may allocate; it logs nothing (the log belongs to PID 1: a failure is met again, and said, by
 * the passes of cg_manager_takeover_finish()). */
static int takeover_child_run(void *userdata) {
        struct takeover_child *c = userdata;
        struct takeover_msg msg = { 0, 0, 0 };

        c->m->log = NULL;
        for (msg.rounds = 0; msg.rounds < TAKEOVER_MAX_ROUNDS; msg.rounds++) {
                msg.n = move_pass(c->m, c->from, c->to, &msg.moved);
                if (msg.n <= 0)
                        break;
        }
        /* The controllers too, right after the move: a change of cgroup.subtree_control takes the
         * same lock, and within a grace period of the move it does not wait for another one.
         * _finish() enables them again, which then finds them enabled and reports them. */
        if (msg.n == 0)
                (void) cg_enable_controllers(c->m, "", NULL);
        return write(c->fd, &msg, sizeof msg) == (ssize_t) sizeof msg ? 0 : 1;
}

static void pending_init(struct cg_takeover_pending *p) {
        p->pid = 0;
        p->pidfd = -1;
        p->fd = -1;
}

int cg_manager_takeover_begin(struct cg_manager *m, struct cg_takeover_pending *p) {
        char dir[CG_PATH_MAX], from[CG_PATH_MAX], to[CG_PATH_MAX];
        struct takeover_child c;
        struct cg_spawn_result sr;
        int r, pipefd[2];

        if (!m || !p)
                return -EINVAL;
        pending_init(p);
        if (!m->own_dir[0]) {
                cg_log(m, LOG_WARNING, "no cgroup v2 directory of our own: %s", m->why[0] ? m->why : "none");
                return -ENODEV;
        }

        r = cg_build(m, "init.scope", NULL, dir, sizeof dir);
        if (r < 0)
                return r;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                r = -errno;
                cg_log(m, LOG_ERR, "cannot create %s: %s (%s: %s)", dir, strerror(-r), cg_errno_name(r),
                       cg_explain(r, CG_OP_MKDIR));
                degrade(m, "mkdir init.scope", -r, CG_OP_MKDIR);
                return r;
        }
        /* Without clone3(CLONE_INTO_CGROUP) a helper would itself have to be moved: then the
         * passes of cg_manager_takeover_finish() do it all. */
        if (!(m->caps & CG_CAP_CLONE_INTO))
                return 0;
        if (cg_build(m, "", "cgroup.procs", from, sizeof from) < 0 ||
            cg_build(m, "init.scope", "cgroup.procs", to, sizeof to) < 0 || pipe2(pipefd, O_CLOEXEC) < 0)
                return 0;
        c = (struct takeover_child) { m, from, to, pipefd[1] };
        r = cg_spawn_into(m, "init.scope", 0, takeover_child_run, &c, &sr);
        close(pipefd[1]);
        if (r < 0) {
                close(pipefd[0]);
                return 0;
        }
        p->pid = sr.pid;
        p->pidfd = sr.pidfd;
        p->fd = pipefd[0];
        return 0;
}

int cg_manager_takeover_finish(struct cg_manager *m, struct cg_takeover_pending *p, struct cg_takeover_result *ret) {
        char from[CG_PATH_MAX], to[CG_PATH_MAX], dir[CG_PATH_MAX];
        struct cg_takeover_result local;
        struct takeover_msg msg = { -1, 0, 0 };
        int r, n = 0;

        if (!m || !p)
                return -EINVAL;
        if (!ret)
                ret = &local;
        memset(ret, 0, sizeof *ret);
        if (p->pid > 0) {
                siginfo_t si;
                ssize_t k;

                /* Blocks until the helper is done: one RCU grace period of the kernel's, most of
                 * it spent while the caller did other work. */
                do
                        k = read(p->fd, &msg, sizeof msg);
                while (k < 0 && errno == EINTR);
                if (k == (ssize_t) sizeof msg && msg.n >= 0)
                        ret->moved = msg.moved;
                while (waitid(P_PID, (id_t) p->pid, &si, WEXITED) < 0 && errno == EINTR)
                        ;
        }
        if (p->fd >= 0)
                close(p->fd);
        if (p->pidfd >= 0)
                close(p->pidfd);
        pending_init(p);

        r = cg_build(m, "init.scope", NULL, dir, sizeof dir);
        if (r >= 0)
                r = cg_build(m, "", "cgroup.procs", from, sizeof from);
        if (r >= 0)
                r = cg_build(m, "init.scope", "cgroup.procs", to, sizeof to);
        if (r < 0)
                return r;
        /* What the helper left (nothing, normally: one pass reads an empty cgroup.procs), or all
         * of it without a helper. */
        for (ret->rounds = 0; ret->rounds < TAKEOVER_MAX_ROUNDS; ret->rounds++) {
                n = move_pass(m, from, to, &ret->moved);
                if (n <= 0)
                        break;
        }
        if (n < 0 || n > 0) {
                r = n < 0 ? n : -EBUSY;
                if (n > 0)
                        cg_log(m, LOG_ERR, "%s is still not empty after %u passes", from, ret->rounds);
                degrade(m, "moving processes into init.scope", -r, CG_OP_ATTACH);
                /* Leave init.scope (possibly holding some of our processes) in place: harmless. */
                return r;
        }
        cg_log(m, LOG_INFO, "moved %u process(es) into %s", ret->moved, dir);

        cg_enable_controllers(m, "", ret);
        m->controllers = 0;
        for (size_t i = 0; i < ret->n_enabled; i++)
                m->controllers |= cg_controller_mask(ret->enabled[i]);
        return 0;
}

int cg_manager_takeover(struct cg_manager *m, struct cg_takeover_result *ret) {
        struct cg_takeover_pending p;
        int r;

        if (!m)
                return -EINVAL;
        if (ret)
                memset(ret, 0, sizeof *ret);
        r = cg_manager_takeover_begin(m, &p);
        if (r < 0)
                return r;
        return cg_manager_takeover_finish(m, &p, ret);
}
