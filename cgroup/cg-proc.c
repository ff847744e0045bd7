/* SPDX-License-Identifier: MIT */
/* Processes and cgroups: spawning into a cgroup, watching it empty, killing and signalling it,
 * and the no-cgroup fallback (proc_kill_tree).
 *
 * Spawning: clone3(CLONE_INTO_CGROUP) makes the child be born in its cgroup (no window in which
 * it runs elsewhere, no write to cgroup.procs). It is a raw system call in fork() mode (no stack):
 * glibc's atfork handlers do not run. glibc >= 2.34 takes the thread id from the kernel in raise()
 * so the child may still abort()/raise(). Where clone3 or the flag is missing (ENOSYS, E2BIG,
 * EINVAL) we fall back to fork() and the child writes "0" to the pre-opened cgroup.procs before
 * running the caller's function; a pipe tells the parent whether that worked, so on return the
 * child is in the cgroup either way.
 *
 * With CG_SPAWN_VFORK the child shares our memory and runs on a stack of its own until it execs
 * (posix_spawn's way: clone3(CLONE_VM|CLONE_VFORK[|CLONE_INTO_CGROUP]) through a small trampoline
 * on x86-64, glibc's clone() elsewhere): nothing of our address space is copied, so the cost of a
 * start does not grow with the caller's heap. Its stack is an array in our own frame (we are
 * suspended while it runs), so sanitizers see it on this thread's stack.
 *
 * Killing: cgroup.kill (5.14) kills the whole subtree atomically, forks included. Without it,
 * crun and systemd's approach: freeze the cgroup (nothing in it can fork any more), SIGKILL each
 * pid listed in every cgroup.procs of the subtree, thaw (SIGKILL reaches frozen tasks, they die
 * when thawed at the latest). Without a freezer we repeat "list, kill" until nothing is listed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cg-internal.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#define CG_CLONE_PIDFD 0x00001000ULL
#define CG_CLONE_INTO_CGROUP 0x200000000ULL
#define EXIT_CGROUP 219

/* struct clone_args, version 2 (with .cgroup), as in linux/sched.h. */
struct cg_clone_args {
        uint64_t flags;
        uint64_t pidfd;
        uint64_t child_tid;
        uint64_t parent_tid;
        uint64_t exit_signal;
        uint64_t stack;
        uint64_t stack_size;
        uint64_t tls;
        uint64_t set_tid;
        uint64_t set_tid_size;
        uint64_t cgroup;
};

#define CG_VFORK_STACK (64 * 1024)

/* AddressSanitizer keeps a shadow of every stack frame; the vfork child's frames on our array
 * leave theirs behind when it execs or exits, which would later read as overflows: the array is
 * made plain memory again before and after each child. */
#if defined(__SANITIZE_ADDRESS__)
#define CG_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CG_ASAN 1
#endif
#endif
#ifdef CG_ASAN
#include <sanitizer/asan_interface.h>
#define cg_stack_unpoison(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define cg_stack_unpoison(p, n) ((void) (p), (void) (n))
#endif

#if defined(__x86_64__)
#define CG_HAVE_CLONE3_VM 1
/* long cg_clone3_vm(struct cg_clone_args *args, size_t size, cg_child_fn fn, void *arg):
 * clone3(); in the parent it returns the pid or -errno. The child starts on args->stack (the
 * kernel points its stack pointer at the top), calls fn(arg) and exits with its return value.
 * r8/r9 survive the system call (only rcx and r11 are clobbered) and carry fn and arg over. */
long cg_clone3_vm(struct cg_clone_args *args, size_t size, cg_child_fn fn, void *arg);
__asm__(".text\n"
        ".p2align 4\n"
        ".type cg_clone3_vm,@function\n"
        "cg_clone3_vm:\n"
        "        endbr64\n"
        "        mov %rdx, %r8\n"
        "        mov %rcx, %r9\n"
        "        mov $435, %eax\n" /* SYS_clone3 */
        "        syscall\n"
        "        test %rax, %rax\n"
        "        jz 1f\n"
        "        ret\n"
        "1:      xor %ebp, %ebp\n" /* the child: outermost frame */
        "        and $-16, %rsp\n"
        "        mov %r9, %rdi\n"
        "        call *%r8\n"
        "        mov %eax, %edi\n"
        "        mov $60, %eax\n" /* SYS_exit */
        "        syscall\n"
        "        hlt\n"
        ".size cg_clone3_vm, .-cg_clone3_vm\n");
#else
#define CG_HAVE_CLONE3_VM 0
#endif

static int pidfd_open_(pid_t pid) {
        return (int) syscall(SYS_pidfd_open, pid, 0);
}

static __attribute__((noreturn)) void child_run(cg_child_fn fn, void *userdata) {
        _exit(fn ? fn(userdata) : 0);
}

static int spawn_clone3(struct cg_manager *m, int cgfd, unsigned flags, cg_child_fn fn, void *userdata,
                        struct cg_spawn_result *ret) {
        struct cg_clone_args args;
        int pidfd = -1;
        long pid;

        memset(&args, 0, sizeof args);
        args.flags = CG_CLONE_INTO_CGROUP;
        if ((m->caps & CG_CAP_PIDFD) && !(flags & CG_SPAWN_NO_PIDFD)) {
                args.flags |= CG_CLONE_PIDFD;
                args.pidfd = (uint64_t) (uintptr_t) &pidfd;
        }
        args.exit_signal = SIGCHLD;
        args.cgroup = (uint64_t) cgfd;

        pid = syscall(SYS_clone3, &args, sizeof args);
        if (pid < 0)
                return -errno;
        if (pid == 0)
                child_run(fn, userdata);
        ret->pid = (pid_t) pid;
        ret->pidfd = pidfd;
        ret->used_clone3 = true;
        return 0;
}

static int spawn_fork(struct cg_manager *m, int procs_fd, unsigned flags, cg_child_fn fn, void *userdata,
                      struct cg_spawn_result *ret) {
        int p[2], err = 0;
        ssize_t k;
        pid_t pid;

        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        pid = fork();
        if (pid < 0) {
                int e = errno;
                close(p[0]);
                close(p[1]);
                return -e;
        }
        if (pid == 0) {
                close(p[0]);
                if (procs_fd >= 0) {
                        if (write(procs_fd, "0", 1) != 1) {
                                int e = errno ? errno : EIO;
                                (void) !write(p[1], &e, sizeof e);
                                _exit(EXIT_CGROUP);
                        }
                        close(procs_fd);
                }
                close(p[1]);
                child_run(fn, userdata);
        }
        close(p[1]);
        do
                k = read(p[0], &err, sizeof err);
        while (k < 0 && errno == EINTR);
        close(p[0]);
        if (k == (ssize_t) sizeof err) {
                while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                        ;
                return -err;
        }
        ret->pid = pid;
        ret->pidfd = -1;
        ret->used_clone3 = false;
        if ((m->caps & CG_CAP_PIDFD) && !(flags & CG_SPAWN_NO_PIDFD))
                ret->pidfd = pidfd_open_(pid); /* our unreaped child: no pid reuse race */
        if (ret->pidfd < 0)
                ret->pidfd = -1;
        return 0;
}

struct vfork_child {
        cg_child_fn fn;
        void *userdata;
        int procs_fd; /* >= 0: join this cgroup.procs first */
        int err;      /* written by the child: why it could not join */
};

/* The vfork child's first steps: join the cgroup if asked to (the only shared write is err). */
static int vfork_entry(void *p) {
        struct vfork_child *c = p;

        if (c->procs_fd >= 0) {
                if (write(c->procs_fd, "0", 1) != 1) {
                        c->err = errno ? errno : EIO;
                        return EXIT_CGROUP;
                }
                close(c->procs_fd);
        }
        return c->fn ? c->fn(c->userdata) : 0;
}

/* cgfd >= 0: born in that cgroup (clone3 only: -ENOSYS where there is no trampoline). */
static int spawn_vfork(struct cg_manager *m, int cgfd, int procs_fd, unsigned flags, cg_child_fn fn, void *userdata,
                       struct cg_spawn_result *ret) {
        _Alignas(16) char stack[CG_VFORK_STACK];
        struct vfork_child c = { fn, userdata, procs_fd, 0 };
        sigset_t all, old;
        long pid = -ENOSYS;

        if (cgfd >= 0 && !CG_HAVE_CLONE3_VM)
                return -ENOSYS;
        /* No handler of ours may run in the child while it shares our memory: everything is
         * blocked until it has reset the dispositions (glibc's posix_spawn does the same). */
        sigfillset(&all);
        sigprocmask(SIG_BLOCK, &all, &old);
        cg_stack_unpoison(stack, sizeof stack);
#if CG_HAVE_CLONE3_VM
        {
                struct cg_clone_args args;
                memset(&args, 0, sizeof args);
                args.flags = CLONE_VM | CLONE_VFORK | (cgfd >= 0 ? CG_CLONE_INTO_CGROUP : 0);
                args.exit_signal = SIGCHLD;
                args.stack = (uint64_t) (uintptr_t) stack;
                args.stack_size = sizeof stack;
                args.cgroup = cgfd >= 0 ? (uint64_t) cgfd : 0;
                pid = cg_clone3_vm(&args, sizeof args, vfork_entry, &c);
        }
#endif
        if ((pid == -ENOSYS || pid == -E2BIG || pid == -EINVAL) && cgfd < 0) { /* no clone3 */
                pid = clone(vfork_entry, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &c);
                if (pid < 0)
                        pid = -errno;
        }
        cg_stack_unpoison(stack, sizeof stack);
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (pid < 0)
                return (int) pid;
        if (c.err) { /* it has exited already (we were suspended until then) */
                while (waitpid((pid_t) pid, NULL, 0) < 0 && errno == EINTR)
                        ;
                return -c.err;
        }
        ret->pid = (pid_t) pid;
        ret->pidfd = -1;
        ret->used_clone3 = cgfd >= 0;
        if ((m->caps & CG_CAP_PIDFD) && !(flags & CG_SPAWN_NO_PIDFD))
                ret->pidfd = pidfd_open_(ret->pid); /* our unreaped child: no pid reuse race */
        if (ret->pidfd < 0)
                ret->pidfd = -1;
        return 0;
}

int cg_spawn_into(struct cg_manager *m, const char *path, unsigned flags, cg_child_fn fn, void *userdata,
                  struct cg_spawn_result *ret) {
        char dir[CG_PATH_MAX], procs[CG_PATH_MAX];
        struct cg_spawn_result local;
        int r, cgfd, procs_fd;

        if (!m)
                return -EINVAL;
        if (!ret)
                ret = &local;
        ret->pid = 0;
        ret->pidfd = -1;
        ret->used_clone3 = false;

        if (!path || !(m->caps & CG_CAP_TREE))
                return (flags & CG_SPAWN_VFORK) ? spawn_vfork(m, -1, -1, flags, fn, userdata, ret)
                                                : spawn_fork(m, -1, flags, fn, userdata, ret);
        if (!*path)
                return -EINVAL;
        r = cg_build(m, path, NULL, dir, sizeof dir);
        if (r < 0)
                return r;

        if ((m->caps & CG_CAP_CLONE_INTO) && !(flags & CG_SPAWN_NO_CLONE3) &&
            (CG_HAVE_CLONE3_VM || !(flags & CG_SPAWN_VFORK))) {
                cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (cgfd < 0)
                        return -errno;
                r = (flags & CG_SPAWN_VFORK) ? spawn_vfork(m, cgfd, -1, flags, fn, userdata, ret)
                                             : spawn_clone3(m, cgfd, flags, fn, userdata, ret);
                close(cgfd);
                if (r == 0)
                        return 0;
                if (r != -ENOSYS && r != -E2BIG && r != -EINVAL) {
                        cg_log(m, LOG_ERR, "clone3 into %s: %s (%s: %s)", dir, strerror(-r), cg_errno_name(r),
                               cg_explain(r, CG_OP_ATTACH));
                        return r;
                }
                cg_log(m, LOG_INFO, "clone3(CLONE_INTO_CGROUP) unavailable (%s), joining cgroups before exec",
                       cg_errno_name(r));
                m->caps &= ~(unsigned) CG_CAP_CLONE_INTO;
        }

        r = cg_build(m, path, "cgroup.procs", procs, sizeof procs);
        if (r < 0)
                return r;
        procs_fd = open(procs, O_WRONLY | O_CLOEXEC);
        if (procs_fd < 0)
                return -errno;
        r = (flags & CG_SPAWN_VFORK) ? spawn_vfork(m, -1, procs_fd, flags, fn, userdata, ret)
                                     : spawn_fork(m, procs_fd, flags, fn, userdata, ret);
        close(procs_fd);
        if (r < 0)
                cg_log(m, LOG_ERR, "cannot start a process in %s: %s (%s: %s)", dir, strerror(-r), cg_errno_name(r),
                       cg_explain(r, CG_OP_ATTACH));
        return r;
}

int cg_watch_new(void) {
        int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

int cg_watch_add(struct cg_manager *m, int fd, const char *path, const char *file) {
        char abs[CG_PATH_MAX];
        int r, wd;

        r = cg_build(m, path, file, abs, sizeof abs);
        if (r < 0)
                return r;
        wd = inotify_add_watch(fd, abs, IN_MODIFY);
        return wd < 0 ? -errno : wd;
}

int cg_watch_read(int fd, void (*fn)(int wd, void *userdata), void *userdata) {
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        int n = 0;

        for (;;) {
                ssize_t k = read(fd, buf, sizeof buf);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return errno == EAGAIN ? n : -errno;
                }
                if (k == 0)
                        return n;
                for (char *p = buf; p < buf + k;) {
                        const struct inotify_event *e = (const struct inotify_event *) (void *) p;
                        if (!(e->mask & IN_IGNORED))
                                fn(e->wd, userdata);
                        n++;
                        p += sizeof(*e) + e->len;
                }
        }
}

int cg_read_oom_kills(struct cg_manager *m, const char *path, uint64_t *ret) {
        char buf[512];
        unsigned long long v;
        int r;

        r = cg_read_attr(m, path, "memory.events", buf, sizeof buf);
        if (r < 0)
                return r;
        r = cg_keyed_u64(buf, "oom_kill", &v);
        if (r < 0)
                return r;
        *ret = v;
        return 0;
}

static void ignore_wd(int wd, void *userdata) {
        (void) wd, (void) userdata;
}

int cg_watch_drain(int fd) {
        return cg_watch_read(fd, ignore_wd, NULL);
}

int cg_read_populated(struct cg_manager *m, const char *path) {
        char file[CG_PATH_MAX], buf[512];
        unsigned long long v;
        int r;

        r = cg_build(m, path, "cgroup.events", file, sizeof file);
        if (r < 0)
                return r;
        r = cg_read_small(file, buf, sizeof buf);
        if (r < 0)
                return r;
        r = cg_keyed_u64(buf, "populated", &v);
        if (r < 0)
                return r;
        return v ? 1 : 0;
}

int cg_wait_empty(struct cg_manager *m, const char *path, int timeout_ms) {
        struct timespec start, now;
        int fd, r;

        fd = cg_watch_new();
        if (fd < 0)
                return fd;
        r = cg_watch_add(m, fd, path, "cgroup.events");
        if (r < 0) {
                close(fd);
                return r;
        }
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
                struct pollfd pfd = { .fd = fd, .events = POLLIN };
                long long left;

                r = cg_read_populated(m, path);
                if (r <= 0)
                        break;
                clock_gettime(CLOCK_MONOTONIC, &now);
                left = timeout_ms - ((long long) (now.tv_sec - start.tv_sec) * 1000 +
                                     (now.tv_nsec - start.tv_nsec) / 1000000);
                if (left <= 0) {
                        r = -ETIMEDOUT;
                        break;
                }
                r = poll(&pfd, 1, (int) left);
                if (r < 0 && errno != EINTR) {
                        r = -errno;
                        break;
                }
                cg_watch_drain(fd);
        }
        close(fd);
        return r;
}

struct pidset {
        pid_t *v;
        size_t n, cap;
};

static bool pidset_has(const struct pidset *s, pid_t pid) {
        for (size_t i = 0; i < s->n; i++)
                if (s->v[i] == pid)
                        return true;
        return false;
}

static int pidset_add(struct pidset *s, pid_t pid) {
        if (s->n == s->cap) {
                size_t nc = s->cap ? s->cap * 2 : 64;
                pid_t *nv = realloc(s->v, nc * sizeof *nv);
                if (!nv)
                        return -ENOMEM;
                s->v = nv;
                s->cap = nc;
        }
        s->v[s->n++] = pid;
        return 0;
}

/* Signal each process of abs/cgroup.procs and, recursively, of its sub-cgroups. abs is a
 * CG_PATH_MAX buffer, restored on return. With seen, pids in it are skipped and the signalled
 * ones added. Returns the number signalled or -errno. */
static int signal_recursive(struct cg_manager *m, char *abs, size_t len, int sig, unsigned flags,
                            struct pidset *seen) {
        char *text = NULL;
        pid_t *pids = NULL, self = getpid();
        int n, r, count = 0;
        DIR *d;
        struct dirent *de;

        if (len + sizeof "/cgroup.procs" > CG_PATH_MAX)
                return -ENAMETOOLONG;
        memcpy(abs + len, "/cgroup.procs", sizeof "/cgroup.procs");
        r = cg_read_alloc(abs, &text);
        abs[len] = 0;
        if (r < 0)
                return r == -ENOENT ? 0 : r;
        n = cg_parse_pids(text, &pids);
        free(text);
        if (n < 0)
                return n;
        for (int i = 0; i < n; i++) {
                if (pids[i] == self || (seen && pidset_has(seen, pids[i])))
                        continue;
                if (kill(pids[i], sig) < 0) {
                        if (errno != ESRCH)
                                cg_log(m, LOG_WARNING, "cannot send signal %d to process %d in %s: %s", sig,
                                       (int) pids[i], abs, strerror(errno));
                        continue;
                }
                if ((flags & CG_SIGNAL_CONT) && sig != SIGKILL && sig != SIGCONT)
                        (void) kill(pids[i], SIGCONT);
                if (seen && pidset_add(seen, pids[i]) < 0) {
                        free(pids);
                        return -ENOMEM;
                }
                count++;
        }
        free(pids);

        d = opendir(abs);
        if (!d)
                return errno == ENOENT ? count : -errno;
        while ((de = readdir(d))) {
                size_t k;
                if (de->d_type != DT_DIR || de->d_name[0] == '.')
                        continue;
                k = strlen(de->d_name);
                if (len + 1 + k + 1 > CG_PATH_MAX)
                        continue;
                abs[len] = '/';
                memcpy(abs + len + 1, de->d_name, k + 1);
                r = signal_recursive(m, abs, len + 1 + k, sig, flags, seen);
                abs[len] = 0;
                if (r < 0) {
                        closedir(d);
                        return r;
                }
                count += r;
        }
        closedir(d);
        return count;
}

int cg_signal(struct cg_manager *m, const char *path, int sig, unsigned flags) {
        char abs[CG_PATH_MAX];
        int r;

        if (!m || !path)
                return -EINVAL;
        if (!(m->caps & CG_CAP_TREE))
                return -EOPNOTSUPP;
        r = cg_build(m, path, NULL, abs, sizeof abs);
        if (r < 0)
                return r;
        return signal_recursive(m, abs, strlen(abs), sig, flags, NULL);
}

#define KILL_MAX_ROUNDS 16

int cg_kill(struct cg_manager *m, const char *path, unsigned flags, struct cg_kill_result *ret) {
        char abs[CG_PATH_MAX], file[CG_PATH_MAX];
        struct cg_kill_result local;
        struct pidset killed = { NULL, 0, 0 };
        bool freeze;
        int r;

        if (!m || !path)
                return -EINVAL;
        if (!ret)
                ret = &local;
        memset(ret, 0, sizeof *ret);
        if (!(m->caps & CG_CAP_TREE))
                return -EOPNOTSUPP;
        if (!*path)
                return -EINVAL; /* our own cgroup holds us (init.scope) */
        r = cg_build(m, path, NULL, abs, sizeof abs);
        if (r < 0)
                return r;

        if ((m->caps & CG_CAP_KILL) && !(flags & CG_KILL_NO_CGROUP_KILL)) {
                r = cg_build(m, path, "cgroup.kill", file, sizeof file);
                if (r < 0)
                        return r;
                r = cg_write_string(file, "1");
                if (r == 0) {
                        ret->used_cgroup_kill = true;
                        cg_log(m, LOG_DEBUG, "killed %s through cgroup.kill", abs);
                        return 0;
                }
                if (r != -ENOENT) {
                        cg_log(m, LOG_WARNING, "cannot write %s: %s (%s: %s), falling back", file, strerror(-r),
                               cg_errno_name(r), cg_explain(r, CG_OP_WRITE));
                } else
                        m->caps &= ~(unsigned) CG_CAP_KILL;
        }

        freeze = (m->caps & CG_CAP_FREEZE) && !(flags & CG_KILL_NO_FREEZE);
        /* A process with SIGKILL pending cannot complete a fork(): once every listed pid has been
         * sent SIGKILL, only children forked before that can be left, and they show up as new
         * pids. So: repeat until a pass finds no pid not already killed. */
        for (ret->rounds = 1; ret->rounds <= KILL_MAX_ROUNDS; ret->rounds++) {
                bool frozen = false, round_froze = false;
                int n;

                if (freeze) {
                        r = cg_build(m, path, "cgroup.freeze", file, sizeof file);
                        if (r == 0)
                                r = cg_write_string(file, "1");
                        if (r == 0) {
                                char events[CG_PATH_MAX];
                                frozen = true;
                                if (cg_build(m, path, "cgroup.events", events, sizeof events) == 0 &&
                                    cg_wait_events_key(events, "frozen", 1, m->freeze_timeout_ms) == 0)
                                        ret->froze = round_froze = true;
                                else {
                                        cg_log(m, LOG_WARNING, "%s did not report frozen, killing anyway", abs);
                                        freeze = false; /* do not wait again in the next rounds */
                                }
                        } else {
                                cg_log(m, LOG_WARNING, "cannot freeze %s: %s (%s: %s)", abs, strerror(-r),
                                       cg_errno_name(r), cg_explain(r, CG_OP_WRITE));
                                if (r == -ENOENT)
                                        m->caps &= ~(unsigned) CG_CAP_FREEZE;
                                freeze = false;
                        }
                }
                n = signal_recursive(m, abs, strlen(abs), SIGKILL, 0, &killed);
                if (frozen) {
                        r = cg_write_string(file, "0");
                        if (r < 0)
                                cg_log(m, LOG_WARNING, "cannot thaw %s: %s", abs, strerror(-r));
                }
                if (n < 0) {
                        free(killed.v);
                        return n;
                }
                ret->signalled += (unsigned) n;
                /* Frozen while listing: nothing could fork, everything listed is killed. */
                if (n == 0 || round_froze)
                        break;
        }
        free(killed.v);
        cg_log(m, LOG_DEBUG, "killed %s: %u process(es), %u round(s)%s", abs, ret->signalled, ret->rounds,
               ret->froze ? ", frozen" : "");
        return 0;
}

/* ---- No cgroup: /proc walking, process groups, pidfd ---------------------------------------- */

struct pidpair {
        pid_t pid, ppid;
};

static int read_ppids(struct pidpair **ret, size_t *ret_n) {
        struct pidpair *v = NULL;
        size_t n = 0, cap = 0;
        DIR *d;
        struct dirent *de;

        d = opendir("/proc");
        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                char path[64], buf[512];
                long pid;
                pid_t ppid;
                int r;

                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue;
                pid = strtol(de->d_name, NULL, 10);
                snprintf(path, sizeof path, "/proc/%ld/stat", pid);
                r = cg_read_small(path, buf, sizeof buf);
                if (r < 0 && r != -EFBIG)
                        continue;
                if (proc_stat_parse(buf, strlen(buf), NULL, &ppid, NULL) < 0)
                        continue;
                if (n == cap) {
                        size_t nc = cap ? cap * 2 : 256;
                        struct pidpair *nv = realloc(v, nc * sizeof *nv);
                        if (!nv) {
                                free(v);
                                closedir(d);
                                return -ENOMEM;
                        }
                        v = nv;
                        cap = nc;
                }
                v[n].pid = (pid_t) pid;
                v[n].ppid = (pid_t) ppid;
                n++;
        }
        closedir(d);
        *ret = v;
        *ret_n = n;
        return 0;
}

static bool in_set(const pid_t *set, size_t n, pid_t pid) {
        for (size_t i = 0; i < n; i++)
                if (set[i] == pid)
                        return true;
        return false;
}

/* Add the descendants of the pids in *set (grows it). Returns the number added or -errno. */
static int add_descendants(pid_t **set, size_t *n, size_t *cap) {
        struct pidpair *pp;
        size_t npp, added = 0;
        bool grew = true;
        int r;

        r = read_ppids(&pp, &npp);
        if (r < 0)
                return r;
        while (grew) {
                grew = false;
                for (size_t i = 0; i < npp; i++) {
                        if (!in_set(*set, *n, pp[i].ppid) || in_set(*set, *n, pp[i].pid))
                                continue;
                        if (*n == *cap) {
                                size_t nc = *cap * 2;
                                pid_t *ns = realloc(*set, nc * sizeof *ns);
                                if (!ns) {
                                        free(pp);
                                        return -ENOMEM;
                                }
                                *set = ns;
                                *cap = nc;
                        }
                        (*set)[(*n)++] = pp[i].pid;
                        added++;
                        grew = true;
                }
        }
        free(pp);
        return (int) added;
}

static int send_one(pid_t pid, int pidfd, pid_t root, int sig) {
        if (pid == root && pidfd >= 0)
                return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
        return kill(pid, sig) < 0 ? -errno : 0;
}

int proc_kill_tree(pid_t pid, int pidfd, int sig, unsigned flags) {
        size_t n = 1, cap = 64, signalled_stop = 0;
        pid_t *set, pgid = -1, self = getpid();
        int r, count = 0;

        if (pid <= 1 || pid == self)
                return -EINVAL;
        set = malloc(cap * sizeof *set);
        if (!set)
                return -ENOMEM;
        set[0] = pid;
        if (flags & PROC_KILL_PGROUP) {
                pgid = getpgid(pid);
                if (pgid <= 1 || pgid == getpgrp())
                        pgid = -1;
        }

        r = send_one(pid, pidfd, pid, 0);
        if (r < 0) {
                free(set);
                return r;
        }

        if (sig == SIGKILL) {
                /* Stop the tree until it stops growing: stopped processes cannot fork. */
                for (int round = 0; round < 32; round++) {
                        for (; signalled_stop < n; signalled_stop++)
                                (void) send_one(set[signalled_stop], pidfd, pid, SIGSTOP);
                        if (pgid > 0)
                                (void) kill(-pgid, SIGSTOP);
                        r = add_descendants(&set, &n, &cap);
                        if (r <= 0)
                                break;
                }
        } else {
                r = add_descendants(&set, &n, &cap);
        }
        if (r < 0) {
                free(set);
                return r;
        }

        for (size_t i = 0; i < n; i++) {
                if (set[i] == self)
                        continue;
                if (send_one(set[i], pidfd, pid, sig) == 0) {
                        count++;
                        if ((flags & PROC_KILL_CONT) && sig != SIGKILL && sig != SIGCONT)
                                (void) send_one(set[i], pidfd, pid, SIGCONT);
                }
        }
        if (pgid > 0) {
                (void) kill(-pgid, sig);
                if ((flags & PROC_KILL_CONT) && sig != SIGKILL && sig != SIGCONT)
                        (void) kill(-pgid, SIGCONT);
        }
        free(set);
        return count;
}
