/* SPDX-License-Identifier: MIT */
/* cg-test-driver MODE: runs as PID 1 inside the namespaces test_cg_ns.py sets up and exercises
 * the cgroup library for real. MODE:
 *   deleg    delegated cgroup2 (cgroup namespace root owned by the mapped root)
 *   nodeleg  the same cgroup owned by host root (we see nobody)
 *   ro       delegated but mounted read-only
 * Output: one "ok - ..." / "not ok - ..." line per check, "# ..." comments (library log lines
 * included), "warning: <the degraded warning line>", and in deleg mode one "checkpoint" line
 * after which it waits for a line on stdin while the host inspects the tree. Exit 0 if every
 * check passed. Synchronisation is by pipes and cgroup.events notifications only. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "cg-manager.h"
#include "env.h"

static int n_checks, n_failed;
static char logbuf[16384]; /* everything the library logged since the last log_reset() */

static void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void check(bool ok, const char *fmt, ...) {
        va_list ap;
        n_checks++;
        if (!ok)
                n_failed++;
        printf("%s - ", ok ? "ok" : "not ok");
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
        printf("\n");
}

static void log_cb(void *userdata, int level, const char *msg) {
        size_t len = strlen(logbuf);
        printf("# log<%d>: %s\n", level, msg);
        snprintf(logbuf + len, sizeof logbuf - len, "%s\n", msg);
}

static void log_reset(void) {
        logbuf[0] = 0;
}

static bool logged(const char *needle) {
        return strstr(logbuf, needle) != NULL;
}

static int read_file(const char *path, char *buf, size_t size) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        ssize_t k, len = 0;
        if (fd < 0)
                return -errno;
        while ((k = read(fd, buf + len, size - 1 - (size_t) len)) > 0)
                len += k;
        close(fd);
        buf[len] = 0;
        return (int) len;
}

static bool file_has_word(const char *path, const char *word) {
        char buf[4096];
        size_t n = strlen(word);
        if (read_file(path, buf, sizeof buf) < 0)
                return false;
        for (char *p = buf; (p = strstr(p, word)); p += n)
                if ((p == buf || p[-1] == ' ' || p[-1] == '\n') && (p[n] == 0 || p[n] == ' ' || p[n] == '\n'))
                        return true;
        return false;
}

static bool is_dir(const char *path) {
        struct stat st;
        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The "0::" (cgroup v2) line of /proc/<pid>/cgroup; v1 lines come first on a hybrid host. */
static const char *proc_cgroup(pid_t pid) {
        static char buf[2048];
        char path[64], *p;
        snprintf(path, sizeof path, "/proc/%d/cgroup", (int) pid);
        if (read_file(path, buf, sizeof buf) < 0)
                return "(unreadable)";
        p = strncmp(buf, "0::", 3) == 0 ? buf : strstr(buf, "\n0::");
        if (!p)
                return "(no 0:: line)";
        if (*p == '\n')
                p++;
        p[strcspn(p, "\n")] = 0;
        return p;
}

/* Reap every child that has exited, without blocking. */
static void reap_some(void) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
}

/* ---- child programs -------------------------------------------------------------------------- */

struct forker {
        int ready_fd;     /* write end: "r" once `keep` long-lived descendants exist */
        int keep;         /* double-forked grandchildren that stay (re-parented to PID 1) */
};

/* Keeps forking until killed: first `keep` double-forked sleepers that escape the process tree,
 * then short-lived children forever. */
static int forker_main(void *userdata) {
        const struct forker *f = userdata;
        for (int i = 0;; i++) {
                pid_t p = fork();
                if (p == 0) {
                        if (i < f->keep) {
                                if (fork() == 0) {
                                        close(f->ready_fd);
                                        for (;;)
                                                pause();
                                }
                        }
                        _exit(0);
                }
                if (p > 0)
                        while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
                                ;
                if (i == f->keep) {
                        (void) !write(f->ready_fd, "r", 1);
                        close(f->ready_fd);
                }
        }
}

static int pause_main(void *userdata) {
        int fd = (int) (long) userdata;
        if (fd >= 0)
                close(fd);
        for (;;)
                pause();
        return 0;
}

/* For CG_SPAWN_VFORK: a vfork child must exec (or exit) before its parent goes on, and it starts
 * with every signal blocked (this driver catches none: unblocking is all there is to reset). */
static int exec_sleep_main(void *userdata) {
        sigset_t none;
        (void) userdata;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execl("/bin/sleep", "sleep", "1000", (char *) NULL);
        return 127;
}

/* A small tree in its own process group: child -> grandchild -> great-grandchild. The deepest
 * one reports {its parent, itself} on the pipe once all three exist. */
static int tree_main(void *userdata) {
        int fd = (int) (long) userdata;
        setpgid(0, 0);
        if (fork() == 0) {
                if (fork() == 0) {
                        pid_t ids[2] = { getppid(), getpid() };
                        (void) !write(fd, ids, sizeof ids);
                        close(fd);
                        for (;;)
                                pause();
                }
                close(fd);
                for (;;)
                        pause();
        }
        close(fd);
        for (;;)
                pause();
        return 0;
}

static bool wait_byte(int fd) {
        char c;
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (poll(&pfd, 1, 20000) <= 0)
                return false;
        return read(fd, &c, 1) == 1;
}

/* Spawn a forker into path; returns its pid once it is ready, -1 on failure. */
static pid_t spawn_forker(struct cg_manager *m, const char *path, unsigned flags, int keep,
                          struct cg_spawn_result *sr) {
        int p[2];
        struct forker f;
        int r;

        if (pipe2(p, O_CLOEXEC) < 0)
                return -1;
        f.ready_fd = p[1];
        f.keep = keep;
        fflush(stdout);
        r = cg_spawn_into(m, path, flags, forker_main, &f, sr);
        close(p[1]);
        if (r < 0) {
                printf("# spawn into %s: %s\n", path, strerror(-r));
                close(p[0]);
                return -1;
        }
        bool ok = wait_byte(p[0]);
        close(p[0]);
        return ok ? sr->pid : -1;
}

static int count_pids(struct cg_manager *m, const char *path) {
        char buf[8192];
        int n = 0;
        if (cg_read_attr(m, path, "cgroup.procs", buf, sizeof buf) < 0)
                return -1;
        for (char *p = buf; *p; p++)
                if (*p == '\n')
                        n++;
        return buf[0] ? n + 1 : 0;
}

static void kill_and_check(struct cg_manager *m, const char *path, unsigned flags, unsigned at_least,
                           const char *what) {
        struct cg_kill_result kr;
        int r;

        r = cg_kill(m, path, flags, &kr);
        check(r == 0, "%s: cg_kill(%s) = %d", what, path, r);
        if (flags & CG_KILL_NO_CGROUP_KILL) {
                check(!kr.used_cgroup_kill, "%s: fallback used (no cgroup.kill)", what);
                if (!(flags & CG_KILL_NO_FREEZE))
                        check(kr.froze, "%s: cgroup was frozen before killing", what);
                check(kr.signalled >= at_least, "%s: SIGKILLed %u process(es) in %u round(s) (at least %u)", what,
                      kr.signalled, kr.rounds, at_least);
        } else
                check(kr.used_cgroup_kill == ((m->caps & CG_CAP_KILL) != 0), "%s: cgroup.kill used", what);
        r = cg_wait_empty(m, path, 20000);
        check(r == 0, "%s: became empty (cgroup.events notification) = %d", what, r);
        check(cg_read_populated(m, path) == 0, "%s: populated 0", what);
        if ((flags & CG_KILL_NO_CGROUP_KILL) && !(flags & CG_KILL_NO_FREEZE)) {
                char fz[16];
                check(cg_read_attr(m, path, "cgroup.freeze", fz, sizeof fz) > 0 && strcmp(fz, "0") == 0,
                      "%s: thawed again (cgroup.freeze 0)", what);
        }
        reap_some();
}

/* ---- degraded fallback: proc_kill_tree ------------------------------------------------------- */

static void test_proc_kill_tree(struct cg_manager *m, int sig) {
        struct cg_spawn_result sr;
        struct pollfd pfd[3];
        pid_t ids[2];
        int p[2], r, n, gone = 0;

        if (pipe2(p, O_CLOEXEC) < 0)
                return;
        fflush(stdout);
        /* path NULL: no cgroup, as in degraded mode. */
        r = cg_spawn_into(m, NULL, 0, tree_main, (void *) (long) p[1], &sr);
        close(p[1]);
        check(r == 0 && sr.pidfd >= 0, "tree(%d): spawned without a cgroup, with a pidfd", sig);
        if (r < 0 || sr.pidfd < 0) {
                close(p[0]);
                return;
        }
        pfd[0].fd = sr.pidfd;
        pfd[1].fd = pfd[2].fd = -1;
        n = read(p[0], ids, sizeof ids) == (ssize_t) sizeof ids;
        close(p[0]);
        check(n, "tree(%d): three generations running", sig);
        if (n) {
                pfd[1].fd = (int) syscall(SYS_pidfd_open, ids[0], 0);
                pfd[2].fd = (int) syscall(SYS_pidfd_open, ids[1], 0);
        }
        n = proc_kill_tree(sr.pid, sr.pidfd, sig, PROC_KILL_PGROUP | PROC_KILL_CONT);
        check(n == 3, "tree(%d): proc_kill_tree signalled %d process(es) (want 3)", sig, n);
        /* A pidfd becomes readable when its process exits: wait for all three, no sleeping. */
        for (int i = 0; i < 3; i++)
                pfd[i].events = POLLIN;
        while (gone < 3) {
                r = poll(pfd, 3, 20000);
                if (r <= 0)
                        break;
                for (int i = 0; i < 3; i++)
                        if (pfd[i].fd >= 0 && pfd[i].revents) {
                                close(pfd[i].fd);
                                pfd[i].fd = -1;
                                gone++;
                        }
        }
        check(gone == 3, "tree(%d): all 3 processes exited (%d)", sig, gone);
        for (int i = 0; i < 3; i++)
                if (pfd[i].fd >= 0)
                        close(pfd[i].fd);
        while (waitpid(sr.pid, NULL, 0) < 0 && errno == EINTR)
                ;
        reap_some();
}

/* ---- scenarios ------------------------------------------------------------------------------- */

static int wait_continue(void) {
        char c;
        ssize_t k;
        while ((k = read(STDIN_FILENO, &c, 1)) == 1)
                if (c == '\n')
                        return 0;
        return -1;
}

static void scenario_deleg(struct cg_manager *m) {
        struct cg_takeover_result tr;
        struct cg_spawn_result sa, sb, sc;
        char path[CG_PATH_MAX], buf[4096];
        pid_t rootforker, a, b, c;
        struct forker f;
        int r, p[2];

        check(m->caps & CG_CAP_TREE, "deleg: CG_CAP_TREE (caps 0x%x)", m->caps);

        /* A process that keeps forking in the root cgroup while we take over. */
        if (pipe2(p, O_CLOEXEC) < 0)
                return;
        f.ready_fd = p[1];
        f.keep = 0;
        fflush(stdout);
        rootforker = fork();
        if (rootforker == 0)
                forker_main(&f);
        close(p[1]);
        check(wait_byte(p[0]), "deleg: forking process running in the root cgroup");
        close(p[0]);

        log_reset();
        r = cg_manager_takeover(m, &tr);
        check(r == 0, "takeover = %d (moved %u in %u round(s))", r, tr.moved, tr.rounds);
        check(tr.moved >= 2, "takeover: moved PID 1 and the forker (%u)", tr.moved);
        check(read_file("/sys/fs/cgroup/cgroup.procs", buf, sizeof buf) == 0, "takeover: root cgroup.procs empty");
        check(file_has_word("/sys/fs/cgroup/init.scope/cgroup.procs", "1"), "takeover: init.scope holds PID 1");
        check(strcmp(proc_cgroup(1), "0::/init.scope") == 0, "takeover: /proc/1/cgroup = %s", proc_cgroup(1));
        check(strcmp(proc_cgroup(rootforker), "0::/init.scope") == 0, "takeover: forker in init.scope");
        check(file_has_word("/sys/fs/cgroup/cgroup.subtree_control", "hugetlb"), "takeover: +hugetlb in subtree_control");
        check(tr.n_enabled == 1 && strcmp(tr.enabled[0], "hugetlb") == 0, "takeover: enabled list = hugetlb");
        check(tr.n_failed == 0, "takeover: no controller failed");
        check(m->controllers == CG_CTRL_HUGETLB, "takeover: controller mask hugetlb");
        kill(rootforker, SIGKILL);
        while (waitpid(rootforker, NULL, 0) < 0 && errno == EINTR)
                ;
        reap_some();

        /* Layout. */
        r = cg_unit_create(m, "plain.service", NULL, path, sizeof path);
        check(r == 0 && strcmp(path, "system.slice/plain.service") == 0, "unit plain.service -> %s", path);
        r = cg_unit_create(m, "foo@bar.service", NULL, path, sizeof path);
        check(r == 0 && strcmp(path, "system.slice/system-foo.slice/foo@bar.service") == 0,
              "unit foo@bar.service -> %s", path);
        r = cg_unit_create(m, "sliced.service", "a-b.slice", path, sizeof path);
        check(r == 0 && strcmp(path, "a.slice/a-b.slice/sliced.service") == 0, "unit sliced.service Slice=a-b.slice -> %s",
              path);
        r = cg_unit_create(m, "forky@fb.service", NULL, path, sizeof path);
        check(r == 0, "unit forky@fb.service");
        r = cg_create(m, "system.slice/system-forky.slice/forky@fb.service/payload", 0);
        check(r == 0, "nested cgroup forky@fb.service/payload");
        r = cg_unit_create(m, "deleg.service", NULL, path, sizeof path);
        check(r == 0, "unit deleg.service");
        check(file_has_word("/sys/fs/cgroup/system.slice/cgroup.subtree_control", "hugetlb"),
              "system.slice: +hugetlb enabled downward");
        check(file_has_word("/sys/fs/cgroup/system.slice/system-foo.slice/cgroup.subtree_control", "hugetlb"),
              "system-foo.slice: +hugetlb enabled downward");
        check(file_has_word("/sys/fs/cgroup/a.slice/cgroup.subtree_control", "hugetlb") &&
              file_has_word("/sys/fs/cgroup/a.slice/a-b.slice/cgroup.subtree_control", "hugetlb"),
              "a.slice, a-b.slice: +hugetlb enabled downward");
        check(read_file("/sys/fs/cgroup/system.slice/plain.service/cgroup.subtree_control", buf, sizeof buf) == 1 ||
              read_file("/sys/fs/cgroup/system.slice/plain.service/cgroup.subtree_control", buf, sizeof buf) == 0,
              "plain.service (a leaf) enables nothing");
        check(access("/sys/fs/cgroup/system.slice/plain.service/hugetlb.2MB.max", F_OK) == 0,
              "plain.service has hugetlb.2MB.max");

        /* Delegate=yes */
        r = cg_delegate(m, "system.slice/deleg.service", 1000, 1000);
        check(r == 0, "cg_delegate(deleg.service, 1000:1000) = %d", r);
        {
                struct stat st;
                const char *files[] = { "", "/cgroup.procs", "/cgroup.subtree_control", "/cgroup.threads" };
                for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
                        snprintf(buf, sizeof buf, "/sys/fs/cgroup/system.slice/deleg.service%s", files[i]);
                        check(stat(buf, &st) == 0 && st.st_uid == 1000 && st.st_gid == 1000, "delegated: %s owned by 1000",
                              buf);
                }
                check(stat("/sys/fs/cgroup/system.slice/deleg.service/hugetlb.2MB.max", &st) == 0 && st.st_uid == 0,
                      "delegated: hugetlb.2MB.max (not a delegation file) still owned by root");
                DIR *d = opendir("/sys/fs/cgroup/system.slice/deleg.service");
                struct dirent *de;
                int subdirs = 0;
                while (d && (de = readdir(d)))
                        if (de->d_type == DT_DIR && de->d_name[0] != '.')
                                subdirs++;
                if (d)
                        closedir(d);
                check(subdirs == 0, "delegated: nothing created inside");
                check(stat("/sys/fs/cgroup/system.slice/deleg.service", &st) == 0 && (st.st_mode & 07777) == 0755 &&
                              stat("/sys/fs/cgroup/system.slice/deleg.service/cgroup.procs", &st) == 0 &&
                              (st.st_mode & 07777) == 0644,
                      "delegated: directory 0755, cgroup.procs 0644 (systemd's cg_set_access())");
        }

        /* Delegate=hugetlb: enabled again in the slice above the unit, never in the unit itself. */
        r = cg_create(m, "dtest.slice/dtest.service", 0);
        check(r == 0, "cg_create(dtest.slice/dtest.service) = %d", r);
        {
                int fd = open("/sys/fs/cgroup/dtest.slice/cgroup.subtree_control", O_WRONLY | O_CLOEXEC);
                check(fd >= 0 && write(fd, "-hugetlb", 8) == 8, "hugetlb disabled in dtest.slice for the test");
                if (fd >= 0)
                        close(fd);
        }
        r = cg_delegate_enable(m, "dtest.slice/dtest.service", "hugetlb cpu");
        check(r == 0, "cg_delegate_enable(dtest.service, hugetlb cpu) = %d (cpu is not offered: skipped)", r);
        check(read_file("/sys/fs/cgroup/dtest.slice/cgroup.subtree_control", buf, sizeof buf) > 0 &&
                      strstr(buf, "hugetlb") != NULL,
              "delegated controller enabled again in dtest.slice: '%s'", buf);
        check(read_file("/sys/fs/cgroup/dtest.slice/dtest.service/cgroup.subtree_control", buf, sizeof buf) >= 0 &&
                      strstr(buf, "hugetlb") == NULL,
              "nothing enabled in the delegated cgroup itself: '%s'", buf);
        r = cg_remove(m, "dtest.slice/dtest.service", CG_REMOVE_PARENTS);
        check(r == 0, "cg_remove(dtest.slice/dtest.service) = %d", r);

        /* Spawn: clone3 into plain.service, fork+join into foo@bar.service, nested payload. */
        a = spawn_forker(m, "system.slice/plain.service", 0, 20, &sa);
        check(a > 0, "spawned a forking service into plain.service (clone3: %s, pidfd %d)",
              sa.used_clone3 ? "yes" : "no", sa.pidfd);
        check(sa.used_clone3 == ((m->caps & CG_CAP_CLONE_INTO) != 0), "plain.service: clone3(CLONE_INTO_CGROUP) used");
        check(sa.pidfd >= 0, "plain.service: pidfd returned");
        check(a > 0 && strcmp(proc_cgroup(a), "0::/system.slice/plain.service") == 0, "plain.service: /proc/%d/cgroup = %s",
              (int) a, a > 0 ? proc_cgroup(a) : "");
        b = spawn_forker(m, "system.slice/system-foo.slice/foo@bar.service", CG_SPAWN_NO_CLONE3, 20, &sb);
        check(b > 0 && !sb.used_clone3, "spawned into foo@bar.service with fork + cgroup.procs");
        check(sb.pidfd >= 0, "foo@bar.service: pidfd from pidfd_open");
        check(b > 0 && strcmp(proc_cgroup(b), "0::/system.slice/system-foo.slice/foo@bar.service") == 0,
              "foo@bar.service: /proc/%d/cgroup = %s", (int) b, b > 0 ? proc_cgroup(b) : "");
        c = spawn_forker(m, "system.slice/system-forky.slice/forky@fb.service/payload", 0, 20, &sc);
        check(c > 0, "spawned into forky@fb.service/payload");
        r = cg_spawn_into(m, "system.slice/system-forky.slice/forky@fb.service", 0, pause_main, (void *) -1L, NULL);
        check(r == -EBUSY, "spawn into a cgroup with controllers enabled for children fails: %d (%s)", r,
              cg_explain(r, CG_OP_ATTACH));
        check(count_pids(m, "system.slice/plain.service") > 20, "plain.service has %d processes (double forks stay)",
              count_pids(m, "system.slice/plain.service"));

        printf("checkpoint plain_pids=%d\n", count_pids(m, "system.slice/plain.service"));
        fflush(stdout);
        if (wait_continue() < 0)
                check(false, "host answered the checkpoint");

        /* Kill: cgroup.kill, the freeze fallback, and the fallback without freezer (recursive). */
        if (m->caps & CG_CAP_KILL)
                kill_and_check(m, "system.slice/plain.service", 0, 0, "kill plain.service (cgroup.kill)");
        else
                check(false, "cgroup.kill available here");
        /* 21 = the forker and its 20 double-forked sleepers; short-lived children come on top. */
        kill_and_check(m, "system.slice/system-foo.slice/foo@bar.service", CG_KILL_NO_CGROUP_KILL, 21,
                       "kill foo@bar.service (freeze/kill/thaw)");
        kill_and_check(m, "system.slice/system-forky.slice/forky@fb.service", CG_KILL_NO_CGROUP_KILL | CG_KILL_NO_FREEZE,
                       21, "kill forky@fb.service recursively (no freezer)");
        if (sa.pidfd >= 0)
                close(sa.pidfd);
        if (sb.pidfd >= 0)
                close(sb.pidfd);
        if (sc.pidfd >= 0)
                close(sc.pidfd);

        /* KillMode=control-group: SIGTERM to every process. */
        for (int i = 0; i < 3; i++) {
                r = cg_spawn_into(m, "a.slice/a-b.slice/sliced.service", 0, pause_main, (void *) -1L, NULL);
                check(r == 0, "spawned pauser %d into sliced.service", i);
        }
        r = cg_signal(m, "a.slice/a-b.slice/sliced.service", SIGTERM, CG_SIGNAL_CONT);
        check(r == 3, "cg_signal(SIGTERM) reached %d process(es)", r);
        check(cg_wait_empty(m, "a.slice/a-b.slice/sliced.service", 20000) == 0, "sliced.service empty after SIGTERM");
        reap_some();

        /* CG_SPAWN_VFORK (the child shares our memory until it execs): born in the cgroup by clone3,
         * or joining cgroup.procs before its exec; in it either way when cg_spawn_into returns. */
        {
                struct cg_spawn_result sv;
                const char *want = "0::/a.slice/a-b.slice/sliced.service";
                r = cg_spawn_into(m, "a.slice/a-b.slice/sliced.service", CG_SPAWN_VFORK, exec_sleep_main, NULL, &sv);
                check(r == 0 && sv.used_clone3 == ((m->caps & CG_CAP_CLONE_INTO) != 0),
                      "vfork-style into sliced.service = %d (clone3: %s)", r, r == 0 && sv.used_clone3 ? "yes" : "no");
                check(r == 0 && strcmp(proc_cgroup(sv.pid), want) == 0, "vfork-style: /proc/%d/cgroup = %s", (int) sv.pid,
                      r == 0 ? proc_cgroup(sv.pid) : "");
                r = cg_spawn_into(m, "a.slice/a-b.slice/sliced.service", CG_SPAWN_VFORK | CG_SPAWN_NO_CLONE3, exec_sleep_main,
                                  NULL, &sv);
                check(r == 0 && !sv.used_clone3 && strcmp(proc_cgroup(sv.pid), want) == 0,
                      "vfork-style joining cgroup.procs: /proc/%d/cgroup = %s", (int) sv.pid, r == 0 ? proc_cgroup(sv.pid) : "");
                r = cg_signal(m, "a.slice/a-b.slice/sliced.service", SIGTERM, CG_SIGNAL_CONT);
                check(r == 2, "cg_signal(SIGTERM) reached the %d vfork-started process(es)", r);
                check(cg_wait_empty(m, "a.slice/a-b.slice/sliced.service", 20000) == 0, "sliced.service empty again");
                reap_some();
        }

        /* Limits: hugetlb is real here; memory, cpu, pids, io are not available. */
        {
                struct cg_limits l;
                struct cg_limits_result lr;
                const struct cg_attr extra[] = { { "hugetlb.2MB.max", "4194304" } };
                cg_limits_init(&l);
                l.memory_max = 64ULL << 20;
                l.cpu_quota_usec = cg_cpu_quota_from_percent(50);
                l.cpu_weight = 100;
                l.tasks_max = 100;
                l.io_weight = 100;
                l.extra = extra;
                l.n_extra = 1;
                log_reset();
                r = cg_apply_limits(m, "system.slice/plain.service", &l, &lr);
                check(r == 0, "cg_apply_limits = %d (ok %u, unavailable %u, failed %u)", r, lr.n_ok, lr.n_unavailable,
                      lr.n_failed);
                check(lr.n == 6 && lr.n_ok == 1 && lr.n_unavailable == 5, "limits: 1 written, 5 not available");
                check(cg_read_attr(m, "system.slice/plain.service", "hugetlb.2MB.max", buf, sizeof buf) > 0 &&
                      strcmp(buf, "4194304") == 0, "limits: hugetlb.2MB.max = %s", buf);
                check(logged("memory.max=67108864 not applied: controller memory not available"),
                      "limits: 'controller memory not available' reported");
                check(logged("cpu.max=50000 100000 not applied: controller cpu not available"),
                      "limits: 'controller cpu not available' reported (cpu.max 50000 100000)");
                check(logged("pids.max=100 not applied: controller pids not available"),
                      "limits: 'controller pids not available' reported");
                check(logged("io.weight=default 100 not applied: controller io not available"),
                      "limits: 'controller io not available' reported");

                const struct cg_attr bad[] = { { "hugetlb.2MB.max", "lots" } };
                cg_limits_init(&l);
                l.extra = bad;
                l.n_extra = 1;
                log_reset();
                r = cg_apply_limits(m, "system.slice/plain.service", &l, &lr);
                check(r == -EINVAL && lr.n_failed == 1 && lr.items[0].error == EINVAL,
                      "limits: a refused value is a reported failure (%d)", r);
                check(logged("cannot set hugetlb.2MB.max=lots"), "limits: failure logged with file and value");
        }
        {
                struct cg_stats st;
                r = cg_read_stats(m, "system.slice/plain.service", &st);
                check(r == 0, "cg_read_stats = %d", r);
                check(st.cpu_usage_usec != CG_UNSET && st.cpu_usage_usec > 0, "stats: cpu usage_usec %llu",
                      (unsigned long long) st.cpu_usage_usec);
                check(st.memory_current == CG_UNSET && st.pids_current == CG_UNSET && st.oom_kill == CG_UNSET,
                      "stats: memory/pids/oom not available here");
        }

        /* Cleanup, deepest first, ancestors pruned. */
        const char *units[] = { "system.slice/plain.service", "system.slice/system-foo.slice/foo@bar.service",
                                "a.slice/a-b.slice/sliced.service", "system.slice/system-forky.slice/forky@fb.service",
                                "system.slice/deleg.service" };
        for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
                r = cg_remove(m, units[i], CG_REMOVE_PARENTS);
                check(r == 0, "cg_remove(%s) = %d", units[i], r);
        }
        check(!is_dir("/sys/fs/cgroup/system.slice") && !is_dir("/sys/fs/cgroup/a.slice"), "all slices removed");
        check(cg_remove(m, "", 0) == -EINVAL, "our own root is never removed");
}

static void scenario_degraded(struct cg_manager *m, const char *mode) {
        struct cg_takeover_result tr;
        struct cg_limits l;
        struct cg_limits_result lr;
        struct cg_spawn_result sr;
        char w[CG_WARNING_MAX];
        bool ro = strcmp(mode, "ro") == 0;
        int r, want = ro ? -EROFS : -EACCES;

        check(!(m->caps & CG_CAP_TREE), "%s: no CG_CAP_TREE (caps 0x%x)", mode, m->caps);
        log_reset();
        r = cg_manager_takeover(m, &tr);
        check(r == want, "%s: takeover fails with %d (want %d)", mode, r, want);
        check(logged(ro ? "EROFS: the cgroup file system is mounted read-only" : "EACCES: cgroup not delegated to us"),
              "%s: failure explained in the log", mode);
        check(access("/sys/fs/cgroup/init.scope", F_OK) < 0, "%s: nothing created", mode);
        cg_manager_warning(m, w, sizeof w);
        printf("# after takeover: %s\n", w);
        check(strstr(w, "no resource limits, no cgroup kill; processes are tracked by pidfd and process group") != NULL,
              "%s: warning still names what is unavailable", mode);
        check(cg_unit_create(m, "x.service", NULL, NULL, 0) == -EOPNOTSUPP, "%s: no unit cgroups", mode);
        check(cg_kill(m, "system.slice/x.service", 0, NULL) == -EOPNOTSUPP, "%s: no cgroup kill", mode);

        fflush(stdout);
        r = cg_spawn_into(m, "system.slice/x.service", 0, pause_main, (void *) -1L, &sr);
        check(r == 0 && !sr.used_clone3, "%s: cg_spawn_into still starts the process (no cgroup)", mode);
        if (r == 0) {
                check(strcmp(proc_cgroup(sr.pid), "0::/") == 0, "%s: child stays in our cgroup", mode);
                check(proc_kill_tree(sr.pid, sr.pidfd, SIGKILL, 0) == 1, "%s: proc_kill_tree on a single process", mode);
                while (waitpid(sr.pid, NULL, 0) < 0 && errno == EINTR)
                        ;
                if (sr.pidfd >= 0)
                        close(sr.pidfd);
        }
        cg_limits_init(&l);
        l.memory_max = 1 << 20;
        r = cg_apply_limits(m, "system.slice/x.service", &l, &lr);
        check(r == 0 && lr.n_unavailable == 1, "%s: limits reported unavailable, not fatal", mode);
}

int main(int argc, char **argv) {
        struct env_info info;
        struct cg_assessment a;
        struct cg_manager m;
        const char *mode = argc > 1 ? argv[1] : "";
        int r;

        setvbuf(stdout, NULL, _IOLBF, 0);
        if (strcmp(mode, "deleg") && strcmp(mode, "nodeleg") && strcmp(mode, "ro")) {
                fprintf(stderr, "usage: %s deleg|nodeleg|ro\n", argv[0]);
                return 2;
        }
        check(getpid() == 1, "running as PID 1");
        r = env_detect("/", &info);
        check(r == 0, "env_detect = %d", r);
        cg_assess(&info, &a);
        printf("warning: %s\n", a.warning);
        printf("# caps 0x%x controllers 0x%x why '%s'\n", a.caps, a.controllers, a.why);
        if (strcmp(mode, "deleg") == 0)
                check(strstr(a.warning, "cgroup controllers cpu, cpuset, io, memory, pids not available") != NULL,
                      "deleg: warning names the missing controllers");
        else if (strcmp(mode, "nodeleg") == 0)
                check(strcmp(a.warning, "cgroup v2 not delegated (owner uid 65534): no resource limits, no cgroup kill; "
                                        "processes are tracked by pidfd and process group") == 0,
                      "nodeleg: warning line");
        else
                check(strcmp(a.warning, "cgroup v2 mounted read-only: no resource limits, no cgroup kill; "
                                        "processes are tracked by pidfd and process group") == 0,
                      "ro: warning line");

        r = cg_manager_init(&m, &info, log_cb, NULL);
        check(r == 0 && m.caps == a.caps, "cg_manager_init");
        if (strcmp(mode, "deleg") == 0)
                scenario_deleg(&m);
        else
                scenario_degraded(&m, mode);

        /* The degraded fallback works everywhere. */
        test_proc_kill_tree(&m, SIGKILL);
        test_proc_kill_tree(&m, SIGTERM);

        printf("# %d checks, %d failed\n", n_checks, n_failed);
        return n_failed ? 1 : 0;
}
