/* SPDX-License-Identifier: MIT */
/*
 * bench-child: the program dropin-bench.py runs under each init (sdinit, tini, dumb-init, ...)
 * while that init is PID 1 of a fresh PID namespace. Not installed.
 *
 *   bench-child orphans N [TIMEOUT_S]
 *       Creates N processes whose parent exits, so that they are re-parented to PID 1 while still
 *       alive. Then releases them all at once (they exit on EOF of a pipe) and polls /proc until
 *       no process is left besides PID 1 and ourselves: every orphan has exited *and* PID 1 has
 *       reaped it (a zombie stays visible in /proc until it is reaped). Prints one line:
 *         orphans=N spawn_ms=X reap_ms=Y left=Z init_vmhwm_kb=W
 *       reap_ms runs from the release to the moment /proc is empty; left is the number of
 *       processes still there when TIMEOUT_S (default 120) ran out, 0 on success.
 *
 *   bench-child zombies N [TIMEOUT_S]
 *       The same, but the N processes exit first and are re-parented to PID 1 as zombies, all at
 *       once when the spawner exits: reap_ms is then PID 1's own reaping work, without the
 *       kernel's cost of N processes exiting together (which dominates, and is noisy, above).
 *
 *   bench-child sigecho
 *       Blocks SIGUSR1 and SIGTERM, writes "R" to stdout once ready, then one "U" per SIGUSR1
 *       collected with sigwaitinfo(). Exits 0 on SIGTERM. The benchmark sends SIGUSR1 to PID 1
 *       from outside and times the round trip: signal -> init -> forwarded -> this byte.
 *
 * Exit status: 0 on success, 1 on a setup error (with a message on stderr).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Sleep between two scans of /proc while waiting for the reaper: short, so the measurement is
 * not quantised much, but long enough that the scans do not steal the CPU PID 1 needs. */
#define POLL_INTERVAL_NS 200000L

static double now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int write_all(int fd, const void *buf, size_t len) {
        const char *p = buf;
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -1;
                p += n;
                len -= (size_t) n;
        }
        return 0;
}

static int read_all(int fd, void *buf, size_t len) {
        char *p = buf;
        while (len > 0) {
                ssize_t n = read(fd, p, len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -1;
                p += n;
                len -= (size_t) n;
        }
        return 0;
}

/* Number of processes in our PID namespace, counting only up to `limit + 1`: the caller only
 * wants to know whether more than `limit` are left. getdents64 with a small buffer, not readdir():
 * glibc's 32 kB buffer would make the kernel look up about a thousand pids per scan, stealing the
 * CPU that PID 1 needs to reap, while the few pids we need come first. */
static int count_processes(int limit) {
        char buf[4096];
        int n = 0, fd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return -1;
        while (n <= limit) {
                long len = syscall(SYS_getdents64, fd, buf, sizeof(buf));
                if (len <= 0)
                        break;
                for (long off = 0; off < len && n <= limit;) {
                        const struct linux_dirent64 {
                                uint64_t d_ino;
                                int64_t d_off;
                                unsigned short d_reclen;
                                unsigned char d_type;
                                char d_name[];
                        } *de = (const void *) (buf + off);
                        if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
                                n++;
                        off += de->d_reclen;
                }
        }
        close(fd);
        return n;
}

/* The "VmHWM:" line of /proc/PID/status, in kB, or -1. */
static long vmhwm_kb(const char *pid) {
        char path[64], line[256];
        long kb = -1;
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%s/status", pid);
        f = fopen(path, "re");
        if (!f)
                return -1;
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "VmHWM: %ld", &kb) == 1)
                        break;
        fclose(f);
        return kb;
}

/* The spawner: forks n processes, reports how many it made, and exits, so that they become
 * orphans and are re-parented to PID 1. With `zombies`, they exit at once and the spawner waits
 * (without reaping them) until all are zombies and for the release before exiting: PID 1 then
 * inherits n zombies in one go. Otherwise they block until the release pipe reaches EOF, and the
 * spawner exits right away: PID 1 inherits n live processes that all exit on the release. */
static void __attribute__((noreturn)) spawner(long n, bool zombies, int release_rd, int report_wr) {
        pid_t *pids = zombies ? calloc((size_t) n, sizeof(pid_t)) : NULL;
        long made = 0;
        char c;

        if (zombies && !pids)
                n = 0;
        for (; made < n; made++) {
                pid_t pid = fork();
                if (pid < 0) {
                        fprintf(stderr, "bench-child: fork failed after %ld processes: %s\n", made, strerror(errno));
                        break;
                }
                if (pid == 0) {
                        if (!zombies)
                                while (read(release_rd, &c, 1) < 0 && errno == EINTR)
                                        ;
                        _exit(0);
                }
                if (zombies)
                        pids[made] = pid;
        }
        for (long i = 0; zombies && i < made; i++) {
                siginfo_t si;
                while (waitid(P_PID, (id_t) pids[i], &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
                        ;
        }
        if (write_all(report_wr, &made, sizeof(made)) < 0)
                _exit(1);
        if (zombies)
                while (read(release_rd, &c, 1) < 0 && errno == EINTR)
                        ;
        _exit(0);
}

static int run_orphans(long n, bool zombies, long timeout_s) {
        int release[2], report[2], status, left;
        double t_spawn, t_release, t_done;
        long made = 0;
        pid_t pid;

        if (getppid() != 1) {
                fprintf(stderr, "bench-child: must run as the child of PID 1 in its own PID namespace\n");
                return 1;
        }
        if (pipe(release) < 0 || pipe(report) < 0) {
                perror("bench-child: pipe");
                return 1;
        }

        t_spawn = now_ms();
        pid = fork();
        if (pid < 0) {
                perror("bench-child: fork");
                return 1;
        }
        if (pid == 0) {
                /* Only we keep the write end of the release pipe: closing it releases everyone. */
                close(release[1]);
                close(report[0]);
                spawner(n, zombies, release[0], report[1]);
        }
        close(release[0]);
        close(report[1]);
        if (read_all(report[0], &made, sizeof(made)) < 0) {
                fprintf(stderr, "bench-child: the spawner failed\n");
                return 1;
        }
        close(report[0]);
        /* Live orphans: once the spawner is gone, they are PID 1's children, alive and blocked. */
        if (!zombies && waitpid(pid, &status, 0) != pid)
                return 1;

        t_release = now_ms();
        close(release[1]);
        /* Zombies: the spawner exits now, and PID 1 inherits them all at once. */
        if (zombies && waitpid(pid, &status, 0) != pid)
                return 1;
        for (;;) {
                left = count_processes(2) - 2; /* PID 1 and ourselves stay */
                if (left <= 0)
                        break;
                if (now_ms() - t_release > (double) timeout_s * 1e3) {
                        left = count_processes(1 << 30) - 2; /* the exact number, for the report */
                        break;
                }
                nanosleep(&(struct timespec) { .tv_nsec = POLL_INTERVAL_NS }, NULL);
        }
        t_done = now_ms();

        printf("orphans=%ld spawn_ms=%.3f reap_ms=%.3f left=%d init_vmhwm_kb=%ld\n", made,
               t_release - t_spawn, t_done - t_release, left < 0 ? 0 : left, vmhwm_kb("1"));
        return made == n && left <= 0 ? 0 : 1;
}

static int run_sigecho(void) {
        sigset_t set;

        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        sigaddset(&set, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &set, NULL) < 0) {
                perror("bench-child: sigprocmask");
                return 1;
        }
        if (write_all(STDOUT_FILENO, "R", 1) < 0)
                return 1;
        for (;;) {
                int sig = sigwaitinfo(&set, NULL);
                if (sig == SIGUSR1) {
                        if (write_all(STDOUT_FILENO, "U", 1) < 0)
                                return 1;
                } else if (sig == SIGTERM)
                        return 0;
                /* sig < 0: EINTR, try again */
        }
}

int main(int argc, char **argv) {
        bool zombies = argc >= 3 && strcmp(argv[1], "zombies") == 0;

        if (argc >= 3 && (zombies || strcmp(argv[1], "orphans") == 0)) {
                long n = strtol(argv[2], NULL, 10);
                long timeout_s = argc >= 4 ? strtol(argv[3], NULL, 10) : 120;
                if (n <= 0 || timeout_s <= 0) {
                        fprintf(stderr, "bench-child: bad number\n");
                        return 2;
                }
                return run_orphans(n, zombies, timeout_s);
        }
        if (argc == 2 && strcmp(argv[1], "sigecho") == 0)
                return run_sigecho();
        fprintf(stderr, "usage: bench-child orphans|zombies N [TIMEOUT_S] | bench-child sigecho\n");
        return 2;
}
