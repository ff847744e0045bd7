/* SPDX-License-Identifier: MIT */
#include "service/pid-file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#define PID_FILE_READ_MAX 4096 /* a PID has 10 digits at most; the rest is never looked at */

int pid_file_parse(const char *buf, size_t n, pid_t *ret) {
        size_t i = 0;
        long long v = 0;
        bool any = false;

        while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\v' ||
                         buf[i] == '\f'))
                i++;
        if (i < n && buf[i] == '+')
                i++;
        for (; i < n && buf[i] >= '0' && buf[i] <= '9'; i++) {
                v = v * 10 + (buf[i] - '0');
                any = true;
                if (v > INT_MAX)
                        return -EBADMSG;
        }
        if (!any || v <= 0)
                return -EBADMSG;
        *ret = (pid_t) v;
        return 0;
}

/* systemd's unsafe_transition(): from a directory owned by root anything goes; otherwise the next
 * component must belong to the same user. */
static bool unsafe_transition(const struct stat *from, const struct stat *to) {
        return from->st_uid != 0 && from->st_uid != to->st_uid;
}

/* Walks path from "/" with O_PATH descriptors, following symbolic links, and returns an O_PATH
 * descriptor of the file it names; *questionable tells whether a transition was unsafe. */
static int walk(const char *path, bool *questionable) {
        char todo[PATH_MAX + 1], link[PATH_MAX + 1];
        struct stat prev, st;
        unsigned links = 0;
        size_t len = strlen(path);
        int fd, r;

        if (len == 0 || len > PATH_MAX || path[0] != '/')
                return -EINVAL;
        memcpy(todo, path, len + 1);
        fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &prev) < 0) {
                r = -errno;
                if (fd >= 0)
                        close(fd);
                return r;
        }
        for (char *p = todo;;) {
                char *name, *end;
                int nfd;

                p += strspn(p, "/");
                if (!*p)
                        return fd;
                end = p + strcspn(p, "/");
                name = p;
                p = *end ? end + 1 : end;
                *end = '\0';
                if (strcmp(name, ".") == 0)
                        continue;
                nfd = openat(fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
                if (nfd < 0 || fstat(nfd, &st) < 0) {
                        r = -errno;
                        if (nfd >= 0)
                                close(nfd);
                        close(fd);
                        return r;
                }
                /* As chase_symlinks(CHASE_SAFE): every step counts, "..", links and all. */
                if (unsafe_transition(&prev, &st))
                        *questionable = true;
                prev = st;
                if (S_ISLNK(st.st_mode)) {
                        ssize_t k = readlinkat(nfd, "", link, sizeof(link) - 1);
                        size_t rest = strlen(p);
                        close(nfd);
                        if (k <= 0 || ++links > 32 || (size_t) k + 1 + rest > PATH_MAX) {
                                close(fd);
                                return k <= 0 ? -EINVAL : -ELOOP;
                        }
                        /* The link's target, then what was left of the path. */
                        memmove(todo + k + 1, p, rest + 1);
                        memcpy(todo, link, (size_t) k);
                        todo[k] = '/';
                        p = todo;
                        if (link[0] == '/') {
                                close(fd);
                                fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
                                if (fd < 0 || fstat(fd, &st) < 0)
                                        return fd < 0 ? -errno : (close(fd), -errno);
                                if (unsafe_transition(&prev, &st))
                                        *questionable = true;
                                prev = st;
                        }
                        continue;
                }
                close(fd);
                fd = nfd;
        }
}

int pid_file_read(const char *path, pid_t *ret, PidFileInfo *info) {
        char buf[PID_FILE_READ_MAX], proc[64];
        PidFileInfo found = {};
        struct stat st;
        size_t n = 0;
        int fd, pfd, r;

        pfd = walk(path, &found.questionable);
        if (pfd < 0)
                return pfd;
        snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
        fd = open(proc, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        close(pfd);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        if (!S_ISREG(st.st_mode)) {
                close(fd);
                return -EBADFD;
        }
        found.owner = st.st_uid;
        while (n < sizeof(buf)) {
                ssize_t k = read(fd, buf + n, sizeof(buf) - n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0) {
                        r = -errno;
                        close(fd);
                        return r;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        close(fd);
        r = pid_file_parse(buf, n, ret);
        if (r >= 0 && info)
                *info = found;
        return r;
}
