/* SPDX-License-Identifier: MIT */
/* The side effects of the hand-off: find systemd, run `systemd --version`, probe init.scope,
 * prepare the process and execv() systemd (keeping PID 1); handoff_boot() drives them. */
#include "handoff.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup/env.h"
#include "common/fileio.h"
#include "common/strv.h"

extern char **environ;

#define VERSION_TIMEOUT_MS 20000 /* systemd --version under emulation (TCG) takes a while */

static const char *const systemd_paths[] = { "/usr/lib/systemd/systemd", "/lib/systemd/systemd" };

static int join(char *buf, size_t size, const char *root, const char *path) {
        int n;

        if (!root || strcmp(root, "/") == 0)
                root = "";
        n = snprintf(buf, size, "%s%s", root, path);
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

static bool is_regular(const char *p) {
        struct stat st;
        return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool same_file(const char *a, const char *b) {
        struct stat sa, sb;
        return a && b && stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Resolve the symlink chain of path (inside root) without leaving root; result without root. */
static int resolve_in_root(const char *root, const char *path, char *out, size_t size) {
        char cur[HANDOFF_PATH_MAX], full[HANDOFF_PATH_MAX], target[HANDOFF_PATH_MAX];

        if (snprintf(cur, sizeof cur, "%s", path) >= (int) sizeof cur)
                return -ENAMETOOLONG;
        for (int depth = 0; depth < 16; depth++) {
                ssize_t n;

                if (join(full, sizeof full, root, cur) < 0)
                        return -ENAMETOOLONG;
                n = readlink(full, target, sizeof target - 1);
                if (n < 0) {
                        if (errno != EINVAL)
                                return -errno;
                        if (snprintf(out, size, "%s", cur) >= (int) size)
                                return -ENAMETOOLONG;
                        return 0;
                }
                target[n] = '\0';
                if (target[0] == '/') {
                        if (snprintf(cur, sizeof cur, "%s", target) >= (int) sizeof cur)
                                return -ENAMETOOLONG;
                } else {
                        char dir[HANDOFF_PATH_MAX], *slash;
                        snprintf(dir, sizeof dir, "%s", cur);
                        slash = strrchr(dir, '/');
                        if (slash)
                                slash[1] = '\0';
                        else
                                dir[0] = '\0';
                        if (snprintf(cur, sizeof cur, "%s%s", dir, target) >= (int) sizeof cur)
                                return -ENAMETOOLONG;
                }
        }
        return -ELOOP;
}

int handoff_find_systemd(const char *root, const char *self_exe, char *buf, size_t size) {
        char full[HANDOFF_PATH_MAX], resolved[HANDOFF_PATH_MAX];
        const char *base;

        for (size_t i = 0; i < sizeof systemd_paths / sizeof systemd_paths[0]; i++) {
                if (join(full, sizeof full, root, systemd_paths[i]) < 0 || !is_regular(full))
                        continue;
                if (same_file(full, self_exe))
                        continue;
                if (snprintf(buf, size, "%s", systemd_paths[i]) >= (int) size)
                        return -ENAMETOOLONG;
                return 0;
        }
        /* /sbin/init, if it is a systemd (and not sdinit itself). */
        if (resolve_in_root(root, "/sbin/init", resolved, sizeof resolved) == 0) {
                base = strrchr(resolved, '/');
                base = base ? base + 1 : resolved;
                if (strcmp(base, "systemd") == 0 && join(full, sizeof full, root, resolved) == 0 && is_regular(full) &&
                    !same_file(full, self_exe)) {
                        if (snprintf(buf, size, "%s", resolved) >= (int) size)
                                return -ENAMETOOLONG;
                        return 0;
                }
        }
        if (size)
                buf[0] = '\0';
        return -ENOENT;
}

static long long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void handoff_check_version(const char *path, int timeout_ms, struct handoff_facts *f) {
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        sigset_t none, all;
        char out[4096];
        size_t len = 0;
        int pipefd[2], r, status;
        char *argv[] = { (char *) path, (char *) "--version", NULL };
        long long deadline = now_ms() + timeout_ms;
        bool timed_out = false;
        pid_t pid;

        f->version = 0;
        if (pipe2(pipefd, O_CLOEXEC) < 0) {
                f->version_error = -errno;
                return;
        }
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
        posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
        posix_spawnattr_init(&attr);
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
        r = posix_spawn(&pid, path, &fa, &attr, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        close(pipefd[1]);
        if (r != 0) {
                close(pipefd[0]);
                f->version_error = -r; /* glibc reports the exec's errno: ENOEXEC, EACCES, ENOENT ... */
                return;
        }

        for (;;) {
                struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
                long long left = deadline - now_ms();
                ssize_t n;

                if (left <= 0) {
                        timed_out = true;
                        break;
                }
                r = poll(&p, 1, (int) (left > INT_MAX ? INT_MAX : left));
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0) {
                        timed_out = r == 0;
                        break;
                }
                n = read(pipefd[0], out + len, sizeof out - 1 - len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                len += (size_t) n;
                if (len >= sizeof out - 1)
                        break; /* enough: the version is on the first line */
        }
        close(pipefd[0]);
        out[len] = '\0';
        if (timed_out)
                kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (timed_out) {
                f->version_error = -ETIMEDOUT;
                return;
        }
        r = handoff_parse_version(out);
        if (r < 0) {
                f->version_error = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? -EPROTO : -ECHILD;
                return;
        }
        f->version = r;
        f->version_error = 0;
}

int handoff_probe_init_scope(const char *own_dir, struct handoff_facts *f) {
        char base[HANDOFF_PATH_MAX], procs[HANDOFF_PATH_MAX + 32], pid[32];
        size_t n;
        bool created = false;
        int fd, r = 0;

        if (!own_dir || !own_dir[0]) {
                f->probe_error = -EINVAL;
                return f->probe_error;
        }
        snprintf(base, sizeof base, "%s", own_dir);
        n = strlen(base);
        while (n > 1 && base[n - 1] == '/')
                base[--n] = '\0';
        /* Already in init.scope (a previous init put us there): systemd strips it too. */
        if (n >= 11 && strcmp(base + n - 11, "/init.scope") == 0)
                base[n - 11] = '\0';
        if (snprintf(f->probe_dir, sizeof f->probe_dir, "%s/init.scope", base) >= (int) sizeof f->probe_dir) {
                f->probe_error = -ENAMETOOLONG;
                return f->probe_error;
        }
        if (mkdir(f->probe_dir, 0755) == 0)
                created = true;
        else if (errno != EEXIST) {
                f->probe_error = -errno;
                return f->probe_error;
        }
        snprintf(procs, sizeof procs, "%s/cgroup.procs", f->probe_dir);
        snprintf(pid, sizeof pid, "%d\n", (int) getpid());
        fd = open(procs, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                r = -errno;
        else {
                if (write(fd, pid, strlen(pid)) < 0)
                        r = -errno;
                if (close(fd) < 0 && r == 0)
                        r = -errno;
        }
        if (r < 0 && created)
                (void) rmdir(f->probe_dir); /* leave the tree as we found it */
        f->probe_error = r;
        return r;
}

static int cloexec_from(unsigned first) {
#ifdef SYS_close_range
        /* CLOSE_RANGE_CLOEXEC (kernel 5.11). */
        if (syscall(SYS_close_range, first, ~0U, 1u << 2) == 0)
                return 0;
#endif
        DIR *d = opendir("/proc/self/fd");
        struct dirent *de;

        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                char *end;
                long fd = strtol(de->d_name, &end, 10);
                int flags;

                if (*end || end == de->d_name || fd < (long) first || fd == dirfd(d))
                        continue;
                flags = fcntl((int) fd, F_GETFD);
                if (flags >= 0 && !(flags & FD_CLOEXEC))
                        (void) fcntl((int) fd, F_SETFD, flags | FD_CLOEXEC);
        }
        closedir(d);
        return 0;
}

int handoff_prepare(const struct handoff_prepare_opts *o, char *const *env) {
        unsigned n_listen = handoff_listen_fds(env, o->pid);
        struct sigaction sa = { .sa_handler = SIG_DFL };
        sigset_t none;

        if (o->mount_run &&
            mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=0755,size=20%") < 0)
                return -errno;

        (void) cloexec_from(3 + n_listen);
        for (unsigned fd = 3; fd < 3 + n_listen; fd++) {
                int flags = fcntl((int) fd, F_GETFD);
                if (flags >= 0 && (flags & FD_CLOEXEC))
                        (void) fcntl((int) fd, F_SETFD, flags & ~FD_CLOEXEC);
        }

        sigemptyset(&sa.sa_mask);
        for (int sig = 1; sig < _NSIG; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        (void) sigaction(sig, &sa, NULL); /* EINVAL for glibc's reserved ones */
        sigemptyset(&none);
        (void) sigprocmask(SIG_SETMASK, &none, NULL);
        return 0;
}

char **handoff_initial_environ(void) {
        char *buf = NULL, **v;
        size_t len = 0;

        if (read_full_file("/proc/self/environ", &buf, &len) < 0 || len == 0) {
                free(buf);
                v = strv_copy(environ);
                return v ? v : calloc(1, sizeof(char *));
        }
        v = handoff_environ_parse(buf, len);
        free(buf);
        return v;
}

char **handoff_environ_parse(const char *buf, size_t len) {
        size_t n = 0, k = 0;
        char **v;

        /* Counted first and allocated once: one strv_extend() per entry measured the vector
         * each time, quadratic in the number of variables. */
        for (size_t i = 0; i < len; i++)
                if (buf[i] && (i == 0 || !buf[i - 1]))
                        n++;
        v = calloc(n + 1, sizeof(*v));
        for (size_t i = 0; v && i < len;) {
                size_t l = strnlen(buf + i, len - i); /* the last one may be unterminated */
                if (l > 0 && !(v[k++] = strndup(buf + i, l)))
                        v = strv_free(v);
                i += l + 1;
        }
        return v;
}

/* ---- the driver -------------------------------------------------------------------------- */

static void report(const struct handoff_result *r, enum handoff_mode mode) {
        for (int c = 0; c < _HANDOFF_CHECK_MAX; c++) {
                if (!(r->failed & (1u << c)))
                        continue;
                if (mode == HANDOFF_MODE_ALWAYS)
                        fprintf(stderr, "sdinit: --systemd=always: cannot hand off to systemd (%s): %s\n",
                                handoff_check_to_string((enum handoff_check) c), r->reason[c]);
                else
                        fprintf(stderr, "sdinit: not handing off to systemd (%s): %s; sdinit runs the units itself "
                                "instead\n", handoff_check_to_string((enum handoff_check) c), r->reason[c]);
        }
}

static enum handoff_mode mode_from_env(void) {
        const char *v = getenv(HANDOFF_ENV_MODE);
        enum handoff_mode m = HANDOFF_MODE_AUTO;

        if (v && *v && handoff_mode_from_string(v, &m) < 0)
                fprintf(stderr, "sdinit: ignoring %s='%s' (auto, always or never); using auto\n", HANDOFF_ENV_MODE, v);
        return m;
}

int handoff_boot(int argc, char **argv) {
        struct handoff_facts facts;
        struct handoff_result res;
        struct handoff_args args;
        struct env_info *info = NULL;
        enum handoff_mode mode;
        char self[HANDOFF_PATH_MAX], **env = NULL, **sysenv = NULL;
        ssize_t n;
        int r = 0, ret = HANDOFF_CONTINUE;

        if (handoff_args_parse(argc, argv, NULL, &args) < 0) {
                fprintf(stderr, "sdinit: out of memory; sdinit runs the units itself\n");
                return HANDOFF_CONTINUE;
        }
        if (args.bad_mode || args.bad_option)
                goto out; /* a usage error: boot() reports it */
        mode = args.have_mode ? args.mode : mode_from_env();
        if (mode == HANDOFF_MODE_NEVER)
                goto out;

        handoff_facts_init(&facts);
        facts.has_command = args.has_command;
        n = readlink("/proc/self/exe", self, sizeof self - 1);
        self[n > 0 ? n : 0] = '\0';
        if (handoff_find_systemd("/", n > 0 ? self : NULL, facts.systemd_path, sizeof facts.systemd_path) < 0 &&
            mode == HANDOFF_MODE_AUTO)
                goto out; /* no systemd installed: nothing to hand off to, nothing to say */

        info = calloc(1, sizeof *info);
        if (!info || (r = env_detect("/", info)) < 0) {
                r = info ? r : -ENOMEM;
                fprintf(stderr, "sdinit: %scannot detect the environment for a hand-off to systemd: %s%s\n",
                        mode == HANDOFF_MODE_ALWAYS ? "--systemd=always: " : "", strerror(-r),
                        mode == HANDOFF_MODE_ALWAYS ? "" : "; sdinit runs the units itself instead");
                ret = mode == HANDOFF_MODE_ALWAYS ? 1 : HANDOFF_CONTINUE;
                goto out;
        }

        handoff_evaluate(info, mode, &facts, &res);
        if (handoff_want_version(mode, &facts, &res)) {
                handoff_check_version(facts.systemd_path, VERSION_TIMEOUT_MS, &facts);
                handoff_evaluate(info, mode, &facts, &res);
        }
        if (handoff_want_probe(mode, &facts, &res)) {
                handoff_probe_init_scope(info->own_dir, &facts);
                handoff_evaluate(info, mode, &facts, &res);
        }

        switch (res.decision) {
        case HANDOFF_EXEC:
                break;
        case HANDOFF_FAIL:
                report(&res, mode);
                fprintf(stderr, "sdinit: --systemd=always: %zu check%s failed; exiting\n", res.n_failed,
                        res.n_failed == 1 ? "" : "s");
                ret = 1;
                goto out;
        case HANDOFF_PENDING: /* cannot happen after both steps; be safe */
        case HANDOFF_RUN_UNITS:
        default:
                report(&res, mode);
                goto out;
        }

        /* Every check passed: systemd's argv and environment, then the process itself. */
        handoff_args_done(&args);
        if (handoff_args_parse(argc, argv, facts.systemd_path, &args) < 0 || !(env = handoff_initial_environ()) ||
            !(sysenv = handoff_filter_env(env, (int) getpid()))) {
                fprintf(stderr, "sdinit: out of memory preparing the hand-off to systemd%s\n",
                        mode == HANDOFF_MODE_ALWAYS ? "" : "; sdinit runs the units itself instead");
                ret = mode == HANDOFF_MODE_ALWAYS ? 1 : HANDOFF_CONTINUE;
                goto out;
        }
        /* The Container Interface asks managers to set $container; when the runtime left it out
         * but identified itself otherwise (/run/.containerenv, /.dockerenv), tell systemd. */
        if (!env_get(sysenv, "container") && info->container_manager[0] &&
            strcmp(info->container_manager_source, "env") != 0)
                (void) env_set_kv(&sysenv, "container", info->container_manager);

        {
                struct handoff_prepare_opts o = {
                        .mount_run = !info->m_run.mounted && info->cap_sys_admin == ENV_YES,
                        .pid = (int) getpid(),
                };
                r = handoff_prepare(&o, env);
                if (r < 0) {
                        if (mode == HANDOFF_MODE_ALWAYS)
                                fprintf(stderr, "sdinit: --systemd=always: cannot hand off to systemd (run): cannot "
                                        "mount a tmpfs on /run: %s\n", strerror(-r));
                        else
                                fprintf(stderr, "sdinit: not handing off to systemd (run): cannot mount a tmpfs on "
                                        "/run: %s; sdinit runs the units itself instead\n", strerror(-r));
                        ret = mode == HANDOFF_MODE_ALWAYS ? 1 : HANDOFF_CONTINUE;
                        goto out;
                }
        }

        fprintf(stderr, "sdinit: handing off to systemd %d (%s)\n", facts.version, facts.systemd_path);
        fflush(NULL);
        execve(facts.systemd_path, args.systemd_argv, sysenv);
        r = -errno;
        if (mode == HANDOFF_MODE_ALWAYS) {
                fprintf(stderr, "sdinit: --systemd=always: cannot execute %s: %s\n", facts.systemd_path, strerror(-r));
                ret = 1;
        } else
                fprintf(stderr, "sdinit: cannot execute %s: %s; sdinit runs the units itself instead\n",
                        facts.systemd_path, strerror(-r));

out:
        strv_free(sysenv);
        strv_free(env);
        free(info);
        handoff_args_done(&args);
        return ret;
}
