/* SPDX-License-Identifier: MIT */
#include "service/devlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "service/logrelay.h"

#define DEVLOG_PATH "/run/systemd/journal/dev-log"
#define SYSLOG_PATH "/run/systemd/journal/syslog"

/* journald's defaults (journald.conf(5)): RateLimitIntervalSec=30s, RateLimitBurst=10000 per
 * source. A source is the sender's session: sdinit starts every service in a session of its own,
 * so this is per service as journald's per-unit limit is. The table is bounded: the source quiet
 * the longest makes room. */
#define RATE_INTERVAL_USEC (30ULL * 1000000ULL)
#define RATE_BURST 10000u
#define RATE_SOURCES 64

typedef struct RateSource {
        pid_t sid;            /* 0: a free slot */
        uint64_t window_start, last;
        unsigned count;
        unsigned long suppressed;
} RateSource;

struct DevLog {
        Manager *m;
        int fd, out_fd;
        sd_event_source *source;
        bool made_link;
        RateSource sources[RATE_SOURCES];
};

static uint64_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

/* The unit whose main or control process leads the session, or the session itself. */
static void source_name(DevLog *d, pid_t sid, char *buf, size_t size) {
        MUnit *u = manager_unit_by_pid(d->m, sid);

        if (u)
                snprintf(buf, size, "%s", u->id);
        else
                snprintf(buf, size, "session %d", (int) sid);
}

static void say_suppressed(DevLog *d, RateSource *src) {
        char name[128], line[256];

        if (!src->suppressed || !d->m->log)
                return;
        source_name(d, src->sid, name, sizeof(name));
        snprintf(line, sizeof(line), "syslog: suppressed %lu messages from %s", src->suppressed, name);
        logrelay_own(d->m->log, line);
        src->suppressed = 0;
}

/* true: the message may pass. */
static bool rate_ok(DevLog *d, pid_t pid) {
        uint64_t now = now_usec();
        pid_t sid = pid > 0 ? getsid(pid) : -1;
        RateSource *src = NULL, *oldest = NULL;

        if (sid <= 0)
                sid = pid > 0 ? pid : 1; /* gone already, or no credentials: one shared source */
        for (size_t i = 0; i < RATE_SOURCES; i++) {
                RateSource *x = d->sources + i;
                if (x->sid == sid) {
                        src = x;
                        break;
                }
                if (!oldest || x->last < oldest->last)
                        oldest = x;
        }
        if (!src) {
                say_suppressed(d, oldest);
                *oldest = (RateSource) { .sid = sid, .window_start = now };
                src = oldest;
        }
        src->last = now;
        if (now - src->window_start >= RATE_INTERVAL_USEC) {
                say_suppressed(d, src);
                src->window_start = now;
                src->count = 0;
        }
        if (src->count >= RATE_BURST) {
                if (src->suppressed++ == 0 && d->m->log) {
                        char name[128], line[256];
                        source_name(d, sid, name, sizeof(name));
                        snprintf(line, sizeof(line), "syslog: %s sent %u messages in %llu s; dropping its messages until the "
                                 "interval ends", name, RATE_BURST, RATE_INTERVAL_USEC / 1000000ULL);
                        logrelay_own(d->m->log, line);
                }
                return false;
        }
        src->count++;
        return true;
}

static int on_message(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        DevLog *d = userdata;
        struct sockaddr_un to = { .sun_family = AF_UNIX, .sun_path = SYSLOG_PATH };
        char buf[8192 + 1];

        (void) s, (void) revents;
        for (int i = 0; i < 64; i++) {
                union {
                        struct cmsghdr h;
                        char b[CMSG_SPACE(sizeof(struct ucred))];
                } control = {};
                struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) - 1 };
                struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control, .msg_controllen = sizeof(control) };
                struct cmsghdr *cm;
                const char *msg = buf;
                pid_t pid = 0;
                ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);

                if (n < 0)
                        break;
                buf[n] = '\0';
                for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
                        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS &&
                            cm->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
                                struct ucred uc;
                                memcpy(&uc, CMSG_DATA(cm), sizeof(uc));
                                pid = uc.pid;
                        } else if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                                /* Descriptors have no business here: close them. */
                                int *fds = (int *) (void *) CMSG_DATA(cm);
                                size_t nfds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                                for (size_t k = 0; k < nfds; k++)
                                        close(fds[k]);
                        }
                }
                if (!rate_ok(d, pid))
                        continue;
                if (sendto(d->out_fd, buf, (size_t) n, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *) &to, sizeof(to)) == n)
                        continue;
                /* Nobody listens (or the reader is behind): the container's output gets it. */
                if (msg[0] == '<') {
                        const char *gt = strchr(msg, '>');
                        if (gt && gt - msg <= 4)
                                msg = gt + 1;
                }
                {
                        char line[8300];
                        size_t len = strlen(msg); /* up to an embedded NUL */
                        while (len > 0 && msg[len - 1] == '\n')
                                len--;
                        memcpy(line, "syslog: ", 8);
                        memcpy(line + 8, msg, len);
                        if (d->m->log)
                                logrelay_untrusted(d->m->log, line, len + 8);
                }
        }
        return 0;
}

int devlog_new(Manager *m, DevLog **ret) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = DEVLOG_PATH };
        DevLog *d;
        int r;

        d = calloc(1, sizeof(*d));
        if (!d)
                return -ENOMEM;
        d->m = m;
        d->fd = d->out_fd = -1;
        if ((mkdir("/run/systemd", 0755) < 0 && errno != EEXIST) ||
            (mkdir("/run/systemd/journal", 0755) < 0 && errno != EEXIST)) {
                r = -errno;
                goto fail;
        }
        d->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        d->out_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (d->fd < 0 || d->out_fd < 0) {
                r = -errno;
                goto fail;
        }
        {
                int one = 1;
                (void) setsockopt(d->fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
        }
        (void) unlink(DEVLOG_PATH);
        if (bind(d->fd, (struct sockaddr *) &sa, sizeof(sa)) < 0) {
                r = -errno;
                goto fail;
        }
        chmod(DEVLOG_PATH, 0666); /* every user may log, as with journald */
        /* /dev/log -> the socket, as systemd-journald-dev-log.socket's Symlinks= does; an
         * existing /dev/log (a bind mount from the host, say) is left alone. */
        if (symlink(DEVLOG_PATH, "/dev/log") == 0)
                d->made_link = true;
        if ((r = sd_event_add_io(m->event, &d->source, d->fd, EPOLLIN, on_message, d)) < 0)
                goto fail;
        *ret = d;
        return 0;
fail:
        devlog_free(d);
        return r;
}

DevLog *devlog_free(DevLog *d) {
        if (!d)
                return NULL;
        sd_event_source_unref(d->source);
        if (d->fd >= 0) {
                close(d->fd);
                unlink(DEVLOG_PATH);
        }
        if (d->out_fd >= 0)
                close(d->out_fd);
        if (d->made_link)
                unlink("/dev/log");
        free(d);
        return NULL;
}
