/* SPDX-License-Identifier: MIT */
/* Small I/O helpers for the cgroup mechanisms, and errno in words. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cg-internal.h"
#include "common/fileio.h"

void cg_log(const struct cg_manager *m, int level, const char *fmt, ...) {
        char msg[1024];
        va_list ap;

        if (!m || !m->log)
                return;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        m->log(m->log_userdata, level, msg);
}

void cg_format(char *dst, size_t size, const char *fmt, ...) {
        va_list ap;

        if (!dst || size == 0)
                return;
        va_start(ap, fmt);
        vsnprintf(dst, size, fmt, ap);
        va_end(ap);
}

int cg_check_rel(const char *rel) {
        const char *p = rel;

        if (!rel)
                return -EINVAL;
        if (rel[0] == '/')
                return -EINVAL;
        while (*p) {
                size_t n = strcspn(p, "/");
                if (n == 0)
                        return -EINVAL; /* "a//b" or trailing slash */
                if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
                        return -EINVAL;
                if (n > NAME_MAX)
                        return -ENAMETOOLONG;
                p += n;
                if (*p == '/') {
                        p++;
                        if (!*p)
                                return -EINVAL;
                }
        }
        return 0;
}

int cg_tree_path_check(const struct cg_manager *m, const char *path) {
        int r;

        if (!m || !path || !*path)
                return -EINVAL;
        r = cg_check_rel(path);
        if (r < 0)
                return r;
        return m->caps & CG_CAP_TREE ? 0 : -EOPNOTSUPP;
}

int cg_build(const struct cg_manager *m, const char *rel, const char *file, char *buf, size_t size) {
        int r, n;

        if (!m || !buf)
                return -EINVAL;
        if (!m->own_dir[0])
                return -ENODEV;
        r = cg_check_rel(rel ? rel : "");
        if (r < 0)
                return r;
        n = snprintf(buf, size, "%s%s%s%s%s", m->own_dir, rel && *rel ? "/" : "", rel ? rel : "",
                     file ? "/" : "", file ? file : "");
        if (n < 0 || (size_t) n >= size)
                return -ENAMETOOLONG;
        return 0;
}

int cg_read_small(const char *path, char *buf, size_t size) {
        size_t len = 0;
        int fd;

        if (size == 0)
                return -EINVAL;
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        for (;;) {
                ssize_t k;
                if (len + 1 >= size) {
                        char extra;
                        k = read(fd, &extra, 1);
                        close(fd);
                        buf[len] = 0;
                        return k == 0 ? (int) len : -EFBIG;
                }
                k = read(fd, buf + len, size - 1 - len);
                if (k < 0) {
                        int e = errno;
                        if (e == EINTR)
                                continue;
                        close(fd);
                        return -e;
                }
                if (k == 0)
                        break;
                len += (size_t) k;
        }
        close(fd);
        buf[len] = 0;
        return (int) len;
}

int cg_read_alloc(const char *path, char **ret) {
        size_t len;
        char *buf;
        int r = read_full_file(path, &buf, &len);

        if (r < 0)
                return r;
        if (len > INT_MAX) {
                free(buf);
                return -EFBIG;
        }
        *ret = buf;
        return (int) len;
}

int cg_write_string(const char *path, const char *value) {
        size_t len = strlen(value);
        ssize_t k;
        int fd;

        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        do
                k = write(fd, value, len);
        while (k < 0 && errno == EINTR);
        if (k < 0) {
                int e = errno;
                close(fd);
                return -e;
        }
        if (close(fd) < 0 && errno != EINTR)
                return -errno;
        return (size_t) k == len ? 0 : -EIO;
}

int cg_parse_pids(const char *text, pid_t **ret) {
        size_t n = 0, cap = 0;
        pid_t *pids = NULL;
        const char *p = text;

        while (*p) {
                char *end;
                long v;

                while (*p == '\n' || *p == ' ')
                        p++;
                if (!*p)
                        break;
                errno = 0;
                v = strtol(p, &end, 10);
                if (errno || end == p || v <= 0 || v > INT_MAX) {
                        free(pids);
                        return -EBADMSG;
                }
                p = end;
                if (n == cap) {
                        size_t nc = cap ? cap * 2 : 16;
                        pid_t *np = realloc(pids, nc * sizeof *np);
                        if (!np) {
                                free(pids);
                                return -ENOMEM;
                        }
                        pids = np;
                        cap = nc;
                }
                pids[n++] = (pid_t) v;
        }
        if (n > INT_MAX) {
                free(pids);
                return -E2BIG;
        }
        *ret = pids;
        return (int) n;
}

/* One decimal field after spaces; -1 when absent or out of range. */
static long long stat_field(const char *buf, size_t n, size_t *i) {
        long long v = 0;
        bool neg = false, any = false;

        while (*i < n && buf[*i] == ' ')
                (*i)++;
        if (*i < n && buf[*i] == '-') {
                neg = true;
                (*i)++;
        }
        for (; *i < n && buf[*i] >= '0' && buf[*i] <= '9'; (*i)++) {
                any = true;
                if ((v = v * 10 + (buf[*i] - '0')) > INT_MAX)
                        return -1;
        }
        if (!any || (*i < n && buf[*i] != ' ' && buf[*i] != '\n'))
                return -1;
        return neg ? -v : v;
}

int proc_stat_parse(const char *buf, size_t n, char *ret_state, pid_t *ret_ppid, pid_t *ret_session) {
        size_t i, close_paren = SIZE_MAX;
        long long ppid, pgrp, session;
        char state;

        for (i = 0; i < n; i++)
                if (buf[i] == ')')
                        close_paren = i;
        if (close_paren == SIZE_MAX || close_paren + 3 > n || buf[close_paren + 1] != ' ')
                return -EBADMSG;
        state = buf[close_paren + 2];
        if (state < 'A' || state > 'z')
                return -EBADMSG;
        i = close_paren + 3;
        ppid = stat_field(buf, n, &i);
        pgrp = stat_field(buf, n, &i);
        session = stat_field(buf, n, &i);
        if (ppid < 0 || (ret_session && (pgrp < 0 || session < 0)))
                return -EBADMSG;
        if (ret_state)
                *ret_state = state;
        if (ret_ppid)
                *ret_ppid = (pid_t) ppid;
        if (ret_session)
                *ret_session = (pid_t) session;
        return 0;
}

int cg_keyed_u64(const char *text, const char *key, unsigned long long *ret) {
        size_t kl = strlen(key);
        const char *p = text;

        while (p && *p) {
                if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
                        char *end;
                        errno = 0;
                        unsigned long long v = strtoull(p + kl + 1, &end, 10);
                        if (errno || end == p + kl + 1)
                                return -EBADMSG;
                        *ret = v;
                        return 0;
                }
                p = strchr(p, '\n');
                if (p)
                        p++;
        }
        return -ENOENT;
}

static long long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cg_wait_events_key(const char *events_path, const char *key, int want, int timeout_ms) {
        long long deadline = now_ms() + timeout_ms;
        int fd, r;

        fd = open(events_path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        for (;;) {
                char buf[512];
                unsigned long long v;
                ssize_t k;
                struct pollfd pfd = { .fd = fd, .events = POLLPRI };
                long long left;

                if (lseek(fd, 0, SEEK_SET) < 0) {
                        r = -errno;
                        break;
                }
                k = read(fd, buf, sizeof buf - 1);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        break;
                }
                buf[k] = 0;
                if (cg_keyed_u64(buf, key, &v) < 0) {
                        r = -ENOENT;
                        break;
                }
                if (v == (unsigned long long) want) {
                        r = 0;
                        break;
                }
                left = deadline - now_ms();
                if (left <= 0) {
                        r = -ETIMEDOUT;
                        break;
                }
                /* The kernel signals changes of cgroup.events with POLLPRI (and inotify). */
                if (poll(&pfd, 1, (int) left) < 0 && errno != EINTR) {
                        r = -errno;
                        break;
                }
        }
        close(fd);
        return r;
}

const char *cg_errno_name(int error) {
        if (error < 0)
                error = -error;
        switch (error) {
        case 0: return "OK";
        case EPERM: return "EPERM";
        case ENOENT: return "ENOENT";
        case ESRCH: return "ESRCH";
        case EINTR: return "EINTR";
        case EIO: return "EIO";
        case ENXIO: return "ENXIO";
        case E2BIG: return "E2BIG";
        case EBADF: return "EBADF";
        case EAGAIN: return "EAGAIN";
        case ENOMEM: return "ENOMEM";
        case EACCES: return "EACCES";
        case EBUSY: return "EBUSY";
        case EEXIST: return "EEXIST";
        case ENODEV: return "ENODEV";
        case ENOTDIR: return "ENOTDIR";
        case EISDIR: return "EISDIR";
        case EINVAL: return "EINVAL";
        case EFBIG: return "EFBIG";
        case ENOSPC: return "ENOSPC";
        case EROFS: return "EROFS";
        case ERANGE: return "ERANGE";
        case ENAMETOOLONG: return "ENAMETOOLONG";
        case ENOSYS: return "ENOSYS";
        case ENOTEMPTY: return "ENOTEMPTY";
        case EOPNOTSUPP: return "EOPNOTSUPP";
        case ETIMEDOUT: return "ETIMEDOUT";
        case EBADMSG: return "EBADMSG";
        default: return "E?";
        }
}

const char *cg_explain(int error, enum cg_op op) {
        if (error < 0)
                error = -error;
        switch (error) {
        case EACCES:
        case EPERM:
                if (op == CG_OP_ATTACH)
                        return "no write access to the target's cgroup.procs or to the common ancestor";
                return "cgroup not delegated to us (no write access)";
        case EROFS:
                return "the cgroup file system is mounted read-only";
        case EBUSY:
                if (op == CG_OP_ENABLE)
                        return "the cgroup has processes of its own (no internal processes rule)";
                if (op == CG_OP_ATTACH)
                        return "the target cgroup has controllers enabled for children (not a leaf)";
                if (op == CG_OP_RMDIR)
                        return "the cgroup still has processes";
                return "resource busy";
        case ENOENT:
                if (op == CG_OP_ENABLE)
                        return "controller not available (not in the parent's cgroup.subtree_control)";
                if (op == CG_OP_WRITE)
                        return "controller not available (no such attribute file)";
                return "no such cgroup";
        case EINVAL:
                if (op == CG_OP_ENABLE)
                        return "controller not available (unknown to this kernel or hierarchy)";
                if (op == CG_OP_WRITE)
                        return "value refused by the kernel";
                return "invalid argument";
        case EAGAIN:
                if (op == CG_OP_MKDIR)
                        return "cgroup.max.descendants or cgroup.max.depth reached";
                return "try again";
        case ENOTEMPTY:
                return "the cgroup has sub-cgroups";
        case EOPNOTSUPP:
                return "not supported here (threaded cgroup or domain invalid)";
        case ESRCH:
                return "the process is gone";
        case ENODEV:
                return "no cgroup2 directory of our own";
        case ENOSPC:
                return "no space (cgroup limits reached)";
        default:
                return strerror(error);
        }
}
