/* SPDX-License-Identifier: MIT */
/*
 * manager-notify-child: the long-running service manager-bench.py generates units for. Not
 * installed. Cheaper than python or `sh -c 'systemd-notify --ready; exec sleep infinity'`: one
 * exec, one datagram, then it sleeps until a signal ends it (SIGTERM's default action).
 *
 *   manager-notify-child notify   sends READY=1 to $NOTIFY_SOCKET, then pauses (Type=notify)
 *   manager-notify-child simple   only pauses (Type=simple)
 *   manager-notify-child fd3      writes a newline to fd 3, closes it, then pauses (s6's
 *                                 notification-fd; manager-compare.py)
 *
 * Arguments after the first are ignored: s6's `run` is a "#!manager-notify-child MODE" line, and the
 * kernel appends the script's path.
 *
 * Exit status: 1 if the notification cannot be sent (with a message on stderr).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int notify_ready(void) {
        const char *path = getenv("NOTIFY_SOCKET");
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        static const char msg[] = "READY=1";
        socklen_t len;
        size_t n;
        int fd;

        if (!path || !*path || (path[0] != '/' && path[0] != '@')) {
                fprintf(stderr, "manager-notify-child: no usable $NOTIFY_SOCKET\n");
                return -1;
        }
        n = strlen(path);
        if (n >= sizeof(sa.sun_path)) {
                fprintf(stderr, "manager-notify-child: $NOTIFY_SOCKET too long\n");
                return -1;
        }
        memcpy(sa.sun_path, path, n);
        if (sa.sun_path[0] == '@')
                sa.sun_path[0] = '\0'; /* abstract namespace */
        len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '/'));
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0 || sendto(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL, (struct sockaddr *) &sa, len) < 0) {
                perror("manager-notify-child: READY=1");
                return -1;
        }
        close(fd);
        return 0;
}

int main(int argc, char **argv) {
        if (argc < 2 || (strcmp(argv[1], "notify") != 0 && strcmp(argv[1], "simple") != 0 &&
                         strcmp(argv[1], "fd3") != 0)) {
                fprintf(stderr, "usage: manager-notify-child notify|simple|fd3\n");
                return 2;
        }
        if (strcmp(argv[1], "notify") == 0 && notify_ready() < 0)
                return 1;
        if (strcmp(argv[1], "fd3") == 0) {
                if (write(3, "\n", 1) != 1) {
                        perror("manager-notify-child: fd 3");
                        return 1;
                }
                close(3);
        }
        for (;;)
                pause();
}
