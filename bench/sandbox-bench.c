/* SPDX-License-Identifier: MIT */
/* The sandbox's cost per service start (issue 14: at most 2 ms). Three kinds of start, interleaved
 * round-robin, each a fork of this process that runs the child's privilege step
 * (exec_privileges_apply(), service/exec-caps.h) and then execs /bin/true, timed from fork to reap:
 *   plain:    User=nobody only (the step as it was: groups and uid);
 *   redis:    the hardening of Debian's redis-server.service (capabilities, no_new_privs, 34 seccomp
 *             filters: @system-service allow list, ~@privileged @resources, address families, ...);
 *   dynamic:  DynamicUser=yes with a StateDirectory= (uid lock files, private/ directory, the
 *             child's mount namespace), acquired and released around each start;
 * plus the credentials of LoadCredential=/SetCredential= (set up and removed once per start, in the
 * manager). Prints medians and the cost over "plain"; never fails on a number. Runs in a private
 * mount namespace with its own /run and /var/lib (tmpfs): nothing of the machine is touched.
 * Needs root. Usage: sandbox-bench [ROUNDS] */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/strv.h"
#include "service/dynamic-user.h"
#include "service/exec-caps.h"
#include "service/exec-creds.h"
#include "units/unit-specifier.h"

static const char *const redis =
        "[Service]\nExecStart=/bin/true\nUser=nobody\nUMask=007\nCapabilityBoundingSet=\nLockPersonality=true\n"
        "MemoryDenyWriteExecute=true\nNoNewPrivileges=true\nProtectClock=true\nProtectHostname=true\n"
        "ProtectKernelLogs=true\nProtectKernelModules=true\nProtectKernelTunables=true\nPrivateDevices=true\n"
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\nRestrictNamespaces=true\nRestrictRealtime=true\n"
        "RestrictSUIDSGID=true\nSystemCallArchitectures=native\nSystemCallFilter=@system-service\n"
        "SystemCallFilter=~ @privileged @resources\n";
static const char *const plain = "[Service]\nExecStart=/bin/true\nUser=nobody\n";
static const char *const dynamic = "[Service]\nExecStart=/bin/true\nDynamicUser=yes\nStateDirectory=bench-dyn\n";
static const char *const creds = "[Service]\nExecStart=/bin/true\nUser=nobody\nSetCredential=a:hello\nSetCredential=b:world\n";

static long long clock_ns(clockid_t id) {
        struct timespec ts;
        clock_gettime(id, &ts);
        return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long tv_ns(struct timeval tv) {
        return tv.tv_sec * 1000000000LL + tv.tv_usec * 1000LL;
}

static int cmp_ll(const void *a, const void *b) {
        long long x = *(const long long *) a, y = *(const long long *) b;
        return x < y ? -1 : x > y;
}

static Unit *load(const char *name, const char *text, const UnitHostInfo *h) {
        Unit *u = NULL;
        if (unit_new(name, h, &u) < 0)
                return NULL;
        unit_load_fragment_buffer(u, "/bench/unit", text, strlen(text), false, NULL);
        unit_compact(u);
        return u;
}

static MUnit units[4];
static Manager manager; /* holds the dynamic users and the credentials state (no event loop) */
static long long prepared[4]; /* the CPU time of the first exec_privileges_prepare() */

/* One start: fork, privilege step, exec /bin/true, reap. Returns the wall time in ns from fork
 * until the execve() succeeded (or -1), and in *cpu the CPU time of the manager's part and of the
 * whole child (user + system, until it exited): on a shared machine the CPU time says more. */
static long long start_once(MUnit *mu, bool dyn, bool with_creds, long long *cpu) {
        ExecCommand cmd = { .path = (char *) "/bin/true", .argv = (char *[]) { (char *) "/bin/true", NULL } };
        ExecIdentity id = { true, 65534, 65534, (gid_t[]) { 65534 }, 1 };
        long long t0 = clock_ns(CLOCK_MONOTONIC), c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), t_exec;
        struct rusage ru;
        char **env = NULL;
        pid_t pid;
        int st = 0;

        if (dyn) {
                uid_t uid;
                gid_t gid;
                if (dynamic_user_acquire(mu, &uid, &gid, NULL) != 0 ||
                    dynamic_user_make_directory("/var/lib", "bench-dyn", 0755, uid, gid) < 0)
                        return -1;
                id.uid = uid;
                id.gid = gid;
        }
        if (with_creds && exec_credentials_setup(mu, id.uid, &env) != 0)
                return -1;
        {
                /* as spawn_exec() does: compiled at the first start only */
                long long p0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
                exec_privileges_prepare(mu);
                if (!prepared[mu - units]) {
                        prepared[mu - units] = clock_ns(CLOCK_THREAD_CPUTIME_ID) - p0;
                }
        }
        int p[2];
        char b;
        if (pipe2(p, O_CLOEXEC) < 0)
                return -1;
        pid = fork();
        if (pid == 0) {
                close(p[0]);
                char err[256];
                ExecFailure f;
                if (dyn && dynamic_user_child_mounts(mu->u) < 0)
                        _exit(100);
                if (exec_privileges_apply(mu, &cmd, &id, &f) != 0) {
                        exec_failure_format(&f, err, sizeof(err));
                        fprintf(stderr, "%s\n", err);
                        _exit(101);
                }
                execve("/bin/true", cmd.argv, (char *[]) { NULL });
                _exit(102);
        }
        close(p[1]);
        /* EOF when the child's execve() closed its end: the service is started */
        while (pid > 0 && read(p[0], &b, 1) < 0 && errno == EINTR)
                ;
        t_exec = clock_ns(CLOCK_MONOTONIC) - t0;
        close(p[0]);
        if (pid < 0 || wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
                fprintf(stderr, "start failed: status %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
                return -1;
        }
        if (dyn)
                dynamic_user_release(mu);
        if (with_creds)
                exec_credentials_remove(mu);
        strv_free(env);
        *cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0 + tv_ns(ru.ru_utime) + tv_ns(ru.ru_stime);
        return t_exec;
}

int main(int argc, char **argv) {
        int rounds = argc > 1 ? atoi(argv[1]) : 300;
        const char *names[] = { "plain", "redis", "dynamic", "credentials" };
        const char *texts[] = { plain, redis, dynamic, creds };
        MUnit *mu = units;
        UnitHostInfo *h;
        long long *t[4], *c[4];

        if (geteuid() != 0) {
                fprintf(stderr, "sandbox-bench: needs root\n");
                return 77;
        }
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) < 0 ||
            mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") < 0 || mount("tmpfs", "/var/lib", "tmpfs", 0, "mode=0755") < 0) {
                fprintf(stderr, "sandbox-bench: private /run and /var/lib: %s\n", strerror(errno));
                return 1;
        }
        unit_host_info_new_fixed(&h);
        for (int k = 0; k < 4; k++) {
                char id[64];
                snprintf(id, sizeof(id), "bench-%s.service", names[k]);
                memset(&mu[k], 0, sizeof(mu[k]));
                mu[k].m = &manager;
                mu[k].u = load(id, texts[k], h);
                mu[k].id = strdup(id);
                strcpy(mu[k].invocation_id, "0123456789abcdef0123456789abcdef");
                t[k] = calloc((size_t) rounds, sizeof(long long));
                c[k] = calloc((size_t) rounds, sizeof(long long));
                if (!mu[k].u || !t[k] || !c[k])
                        return 1;
        }
        for (int i = 0; i < rounds; i++)
                for (int k = 0; k < 4; k++)
                        if ((t[k][i] = start_once(&mu[k], k == 2, k == 3, &c[k][i])) < 0)
                                return 1;
        printf("# sandbox cost per service start, %d rounds interleaved (wall: fork until execve() of /bin/true; CPU: until reaped)\n", rounds);
        for (int k = 0; k < 4; k++) {
                qsort(t[k], (size_t) rounds, sizeof(long long), cmp_ll);
                qsort(c[k], (size_t) rounds, sizeof(long long), cmp_ll);
        }
        printf("%-12s %25s %40s\n", "", "wall to exec: median  p90  over plain", "CPU (manager + child): median  over plain");
        printf("# PID 1's one-off compilation of the seccomp programs (CPU): redis %.3f ms, dynamic %.3f ms\n",
               prepared[1] / 1e6, prepared[2] / 1e6);
        for (int k = 0; k < 4; k++)
                printf("%-12s %8.3f ms %8.3f ms %+8.3f ms %16.3f ms %+10.3f ms\n", names[k], t[k][rounds / 2] / 1e6,
                       t[k][rounds * 9 / 10] / 1e6, (t[k][rounds / 2] - t[0][rounds / 2]) / 1e6, c[k][rounds / 2] / 1e6,
                       (c[k][rounds / 2] - c[0][rounds / 2]) / 1e6);
        return 0;
}
