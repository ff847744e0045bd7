/* SPDX-License-Identifier: MIT */
#include "service/pid-file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

int pid_file_read(const char *path, pid_t *ret) {
        char buf[PID_FILE_READ_MAX];
        struct stat st;
        size_t n = 0;
        int fd, r;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
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
        return pid_file_parse(buf, n, ret);
}
