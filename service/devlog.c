/* SPDX-License-Identifier: MIT */
#include "service/devlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "service/logrelay.h"

#define DEVLOG_PATH "/run/systemd/journal/dev-log"
#define SYSLOG_PATH "/run/systemd/journal/syslog"

struct DevLog {
        Manager *m;
        int fd, out_fd;
        sd_event_source *source;
        bool made_link;
};

/* During shutdown, once the syslog daemon has stopped, syslog.socket still listens until it
 * stops in turn but starts nothing and drops what it gets: the messages of the daemons still
 * stopping then go to the container's output instead of being lost. */
static bool syslog_gone(DevLog *d) {
        MUnit *svc;

        if (!d->m->shutting_down)
                return false;
        svc = manager_get_unit(d->m, "syslog.service");
        return !svc || (svc->active != STATE_ACTIVE && svc->active != STATE_RELOADING && svc->active != STATE_DEACTIVATING);
}

static int on_message(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        DevLog *d = userdata;
        struct sockaddr_un to = { .sun_family = AF_UNIX, .sun_path = SYSLOG_PATH };
        char buf[8192 + 1];
        bool direct = syslog_gone(d);

        (void) s, (void) revents;
        for (int i = 0; i < 64; i++) {
                ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
                const char *msg = buf;
                if (n < 0)
                        break;
                buf[n] = '\0';
                if (!direct &&
                    sendto(d->out_fd, buf, (size_t) n, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *) &to, sizeof(to)) == n)
                        continue;
                /* Nobody listens (or the reader is behind): the container's output gets it. */
                if (msg[0] == '<') {
                        const char *gt = strchr(msg, '>');
                        if (gt && gt - msg <= 4)
                                msg = gt + 1;
                }
                buf[strcspn(buf, "\n")] = '\0';
                {
                        char line[8300];
                        snprintf(line, sizeof(line), "syslog: %s", msg);
                        if (d->m->log)
                                logrelay_own(d->m->log, line);
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
