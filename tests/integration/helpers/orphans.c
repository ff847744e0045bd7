/* SPDX-License-Identifier: MIT */
/* Test child: makes N processes that become orphans of PID 1 (or of the nearest subreaper) and exit
 * at once, then waits until none of them is left as a zombie. Prints "zombies-left K" and exits 0
 * when K is 0, 1 when the deadline (argv[2] seconds, default 30) passes with zombies left. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int count_zombies(void) {
        DIR *d = opendir("/proc");
        struct dirent *de;
        int n = 0;

        if (!d)
                return -1;
        while ((de = readdir(d))) {
                char path[300], buf[512], *p;
                int fd;
                ssize_t r;

                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue;
                snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
                fd = open(path, O_RDONLY);
                if (fd < 0)
                        continue;
                r = read(fd, buf, sizeof(buf) - 1);
                close(fd);
                if (r <= 0)
                        continue;
                buf[r] = 0;
                p = strrchr(buf, ')');
                if (p && p[1] == ' ' && p[2] == 'Z')
                        n++;
        }
        closedir(d);
        return n;
}

int main(int argc, char **argv) {
        int n = argc > 1 ? atoi(argv[1]) : 5000;
        double limit = argc > 2 ? atof(argv[2]) : 30;
        struct timespec start, now;
        pid_t mid;
        int left;

        mid = fork();
        if (mid == 0) {
                for (int i = 0; i < n; i++) {
                        pid_t p = fork();
                        if (p == 0)
                                _exit(0);
                        if (p < 0) {
                                perror("fork");
                                _exit(1);
                        }
                }
                _exit(0); /* without waiting: the zombies go to PID 1 */
        }
        waitpid(mid, NULL, 0);

        clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
                left = count_zombies();
                clock_gettime(CLOCK_MONOTONIC, &now);
                if (left == 0)
                        break;
                if ((double) (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 > limit)
                        break;
                usleep(1000); /* a bounded condition wait, not synchronisation */
        }
        printf("zombies-left %d after %.3f s\n", left,
               (double) (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9);
        return left == 0 ? 0 : 1;
}
