/* SPDX-License-Identifier: MIT */
/*
 * The drop-in supervisor (what tini and dumb-init do), written for a PID 1 that must not die.
 *
 * Model: every catchable signal is blocked and collected with sigwaitinfo()/sigtimedwait(), so the
 * process sleeps until something happens: no handlers, no polling interval, no self-pipe. Events:
 *
 *   event \ phase     RUNNING                          GRACE (after child exit or SIGTERM)
 *   SIGCHLD           reap all; main child gone ->     reap all; no children left -> exit
 *                     exit, or enter GRACE (--grace)
 *   SIGTERM           forward; with --grace -> GRACE   (already stopping) ignore
 *   other signal      forward (rewritten, to child     ignore (nobody to forward to)
 *                     or group), never SIGCHLD
 *   deadline          -                                SIGKILL everyone, keep reaping
 *
 * The child gets back the signal mask and dispositions we inherited: we only ever change the mask
 * (and, for the tini personality, SIGTTIN/SIGTTOU as tini does), so restoring those is enough.
 *
 * This file is linked into the static front-end: it uses only libc, keeps the start-up path to a
 * handful of system calls, and touches /proc only when --grace has to find stray processes.
 */
#include "init/dropin.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/signames.h"

enum { L_FATAL, L_WARN, L_INFO, L_DEBUG, L_TRACE };

struct dropin {
        const struct dropin_config *cfg;
        pid_t child;
        int status; /* -1 while the main child runs */
        pid_t self_pid;
        sigset_t waitset, old_mask;
        struct sigaction old_ttin, old_ttou;
        bool ignore_next[DROPIN_MAXSIG + 1]; /* dumb-init's one-shot SIGHUP/SIGCONT after TIOCNOTTY */
        bool grace;                          /* GRACE phase entered */
        bool killed;                         /* SIGKILL phase entered */
        struct timespec deadline;
};

/* One formatted line, one write(2): lines from PID 1 and its children never interleave mid-line. */
static void say_(const struct dropin *d, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say_(const struct dropin *d, int level, const char *fmt, ...) {
        char buf[1024];
        int n = 0, fd = STDERR_FILENO;
        va_list ap;

        if (level != L_FATAL && level > d->cfg->verbosity)
                return;

        switch (d->cfg->personality) {
        case PERSONALITY_TINI: {
                static const char *const tags[] = { "FATAL", "WARN ", "INFO ", "DEBUG", "TRACE" };
                n = snprintf(buf, sizeof(buf), "[%s tini (%i)] ", tags[level], (int) getpid());
                if (level >= L_INFO)
                        fd = STDOUT_FILENO; /* tini prints info and debug on stdout */
                break;
        }
        case PERSONALITY_DUMB_INIT:
                n = snprintf(buf, sizeof(buf), "[dumb-init] ");
                break;
        default:
                n = snprintf(buf, sizeof(buf), "sdinit: ");
                break;
        }

        va_start(ap, fmt);
        n += vsnprintf(buf + n, sizeof(buf) - (size_t) n - 1, fmt, ap);
        va_end(ap);
        if (n > (int) sizeof(buf) - 2)
                n = (int) sizeof(buf) - 2;
        buf[n++] = '\n';
        (void) !write(fd, buf, (size_t) n);
}

/* Checks the level before the arguments are evaluated: formatting a signal name at trace level on
 * every forwarded signal would page in printf's machinery (and raise PID 1's RSS) for nothing. */
#define SAY(d, level, ...)                                                                         \
        do {                                                                                       \
                if ((level) == L_FATAL || (level) <= (d)->cfg->verbosity)                          \
                        say_((d), (level), __VA_ARGS__);                                           \
        } while (0)

static const char *signame(int sig, char *buf, size_t size) {
        return signal_to_string(sig, buf, size);
}

/* ---- the child ------------------------------------------------------------------------------- */

/* Hand the terminal's foreground to the child's new process group, but only if we were in the
 * foreground: stealing the terminal from an interactive shell that ran us in the background would
 * be wrong (the case tini leaves as a TODO). SIGTTOU is blocked, so tcsetpgrp() cannot stop us. */
static void child_take_foreground(const struct dropin *d, pid_t parent_pgrp) {
        int fds = d->cfg->personality == PERSONALITY_TINI ? 1 : 3;

        for (int fd = 0; fd < fds; fd++) {
                pid_t fg = tcgetpgrp(fd);
                if (fg < 0)
                        continue; /* not a terminal, or not our controlling terminal */
                if (d->cfg->personality != PERSONALITY_TINI && fg != parent_pgrp)
                        return;
                if (tcsetpgrp(fd, getpgrp()) < 0) {
                        if (d->cfg->personality == PERSONALITY_TINI && errno != ENOTTY && errno != ENXIO) {
                                SAY(d, L_FATAL, "tcsetpgrp failed: %s", strerror(errno));
                                _exit(1);
                        }
                        SAY(d, L_DEBUG, "tcsetpgrp failed: %s (ok to proceed)", strerror(errno));
                }
                return;
        }
}

static int exec_failure_status(const struct dropin *d, int err) {
        switch (d->cfg->personality) {
        case PERSONALITY_TINI:
                return err == ENOENT ? 127 : err == EACCES ? 126 : 1;
        case PERSONALITY_DUMB_INIT:
                return 2;
        default:
                return err == ENOENT ? 127 : 126;
        }
}

static void __attribute__((noreturn)) child_exec(struct dropin *d) {
        const struct dropin_config *cfg = d->cfg;
        pid_t parent_pgrp = getpgrp();
        int err;

        if (cfg->child_setsid) {
                if (setsid() < 0) {
                        err = errno;
                        SAY(d, L_FATAL, "Unable to setsid (errno=%d %s). Exiting.", err, strerror(err));
                        _exit(1);
                }
                if (ioctl(STDIN_FILENO, TIOCSCTTY, 0) < 0)
                        SAY(d, L_DEBUG, "Unable to attach to controlling tty (errno=%d %s).", errno, strerror(errno));
                SAY(d, L_DEBUG, "setsid complete.");
        } else if (cfg->child_setpgid) {
                if (setpgid(0, 0) < 0) {
                        SAY(d, L_FATAL, "setpgid failed: %s", strerror(errno));
                        _exit(1);
                }
                child_take_foreground(d, parent_pgrp);
        }

        if (cfg->ignore_ttin_ttou) {
                sigaction(SIGTTIN, &d->old_ttin, NULL);
                sigaction(SIGTTOU, &d->old_ttou, NULL);
        }
        sigprocmask(SIG_SETMASK, &d->old_mask, NULL);

        execvp(cfg->argv[0], cfg->argv);

        err = errno;
        switch (cfg->personality) {
        case PERSONALITY_TINI:
                SAY(d, L_FATAL, "exec %s failed: %s", cfg->argv[0], strerror(err));
                break;
        case PERSONALITY_DUMB_INIT:
                SAY(d, L_FATAL, "%s: %s", cfg->argv[0], strerror(err));
                break;
        default:
                SAY(d, L_FATAL, "cannot execute '%s': %s", cfg->argv[0], strerror(err));
                break;
        }
        _exit(exec_failure_status(d, err));
}

/* ---- finding and signalling everyone else (for --grace) ---------------------------------------- */

struct proc_entry {
        pid_t pid, ppid;
};

static int read_ppid(int dirfd, const char *name, pid_t *ret) {
        char path[64], buf[512], *p;
        ssize_t n;
        int fd;

        snprintf(path, sizeof(path), "%s/stat", name);
        fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
                return -EIO;
        buf[n] = '\0';
        /* "pid (comm) S ppid ...": comm may hold spaces and parentheses, so look for the last ')'. */
        p = strrchr(buf, ')');
        if (!p || sscanf(p + 1, " %*c %d", ret) != 1)
                return -EIO;
        return 0;
}

static int cmp_pid(const void *a, const void *b) {
        const struct proc_entry *x = a, *y = b;
        return (x->pid > y->pid) - (x->pid < y->pid);
}

/* 1: descendant of `me`, 0: not. Walks up the parent chain with binary searches in the sorted
 * table, caching results in state[] (0 unknown, 1 yes, 2 no): O(n log n) for the whole table. */
static int is_descendant(const struct proc_entry *v, size_t n, uint8_t *state, size_t i, pid_t me) {
        size_t path[64], depth = 0;
        int verdict = 2;

        for (size_t k = i;;) {
                struct proc_entry key = { .pid = v[k].ppid };
                const struct proc_entry *parent;

                if (state[k]) {
                        verdict = state[k];
                        break;
                }
                if (depth == sizeof(path) / sizeof(path[0])) {
                        verdict = 2; /* absurdly deep: be conservative, do not signal */
                        break;
                }
                path[depth++] = k;
                if (v[k].ppid == me) {
                        verdict = 1;
                        break;
                }
                parent = bsearch(&key, v, n, sizeof(*v), cmp_pid);
                if (!parent)
                        break;
                k = (size_t) (parent - v);
        }
        while (depth > 0)
                state[path[--depth]] = (uint8_t) verdict;
        return verdict == 1;
}

/* Signals every descendant of ours except `skip`. PIDs are taken from /proc; our own number there
 * comes from /proc/self, so a /proc of another PID namespace (a runtime that did not remount it)
 * cannot make us signal strangers: we refuse with -EXDEV instead. Returns how many processes were
 * signalled, or -errno. */
static int signal_descendants(const struct dropin *d, int sig, pid_t skip) {
        struct proc_entry *v = NULL;
        size_t n = 0, cap = 0;
        uint8_t *state;
        char self[32];
        ssize_t len;
        int count = 0;
        DIR *dir;
        struct dirent *de;

        len = readlink("/proc/self", self, sizeof(self) - 1);
        if (len <= 0)
                return -errno;
        self[len] = '\0';
        if ((pid_t) atoi(self) != d->self_pid)
                return -EXDEV;

        dir = opendir("/proc");
        if (!dir)
                return -errno;
        while ((de = readdir(dir))) {
                pid_t pid, ppid;
                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue;
                pid = (pid_t) atoi(de->d_name);
                if (pid == d->self_pid || read_ppid(dirfd(dir), de->d_name, &ppid) < 0)
                        continue;
                if (n == cap) {
                        size_t ncap = cap ? cap * 2 : 256;
                        struct proc_entry *nv = realloc(v, ncap * sizeof(*v));
                        if (!nv)
                                break;
                        v = nv;
                        cap = ncap;
                }
                v[n++] = (struct proc_entry) { pid, ppid };
        }
        closedir(dir);

        state = calloc(n ? n : 1, 1);
        if (!state) {
                free(v);
                return -ENOMEM;
        }
        if (n)
                qsort(v, n, sizeof(*v), cmp_pid);
        for (size_t i = 0; i < n; i++)
                if (v[i].pid != skip && is_descendant(v, n, state, i, d->self_pid) && kill(v[i].pid, sig) == 0)
                        count++;
        free(state);
        free(v);
        return count;
}

static void signal_everyone(struct dropin *d, int sig, pid_t skip) {
        char sb[16];
        int r = signal_descendants(d, sig, skip);

        if (r < 0 && d->self_pid == 1) {
                /* As PID 1, kill(-1) reaches exactly our namespace (minus ourselves). */
                if (kill(-1, sig) == 0)
                        SAY(d, L_INFO, "sent %s to all processes", signame(sig, sb, sizeof(sb)));
                return;
        }
        if (r < 0) {
                SAY(d, L_WARN, "cannot list remaining processes (/proc: %s); only direct children will be signalled", strerror(-r));
                return;
        }
        if (r > 0)
                SAY(d, L_INFO, "sent %s to %d remaining process%s", signame(sig, sb, sizeof(sb)), r, r == 1 ? "" : "es");
}

static void deadline_in(struct timespec *ts, int ms) {
        clock_gettime(CLOCK_MONOTONIC, ts);
        ts->tv_sec += ms / 1000;
        ts->tv_nsec += (long) (ms % 1000) * 1000000L;
        if (ts->tv_nsec >= 1000000000L) {
                ts->tv_sec++;
                ts->tv_nsec -= 1000000000L;
        }
}

static void enter_grace(struct dropin *d, pid_t skip) {
        if (d->grace)
                return;
        d->grace = true;
        SAY(d, L_INFO, "stopping: SIGTERM to every remaining process, SIGKILL in %d.%03d s",
            d->cfg->grace_ms / 1000, d->cfg->grace_ms % 1000);
        signal_everyone(d, SIGTERM, skip);
        deadline_in(&d->deadline, d->cfg->grace_ms);
}

static void enter_kill(struct dropin *d) {
        d->killed = true;
        signal_everyone(d, SIGKILL, 0);
        /* Processes forked between our scan and the kill would escape: look again shortly. */
        deadline_in(&d->deadline, 100);
}

/* ---- signals and reaping --------------------------------------------------------------------- */

static void forward(struct dropin *d, int sig) {
        const struct dropin_config *cfg = d->cfg;
        int to = sig;
        char sb[16], tb[16];

        if (sig <= DROPIN_MAXSIG && cfg->rewrite[sig] != -1) {
                to = cfg->rewrite[sig];
                if (cfg->personality == PERSONALITY_DUMB_INIT)
                        SAY(d, L_DEBUG, "Translating signal %d to %d.", sig, to);
                else
                        SAY(d, L_DEBUG, "rewriting %s to %s", signame(sig, sb, sizeof(sb)),
                            to ? signame(to, tb, sizeof(tb)) : "nothing");
        }
        if (to == 0) {
                if (cfg->personality == PERSONALITY_DUMB_INIT)
                        SAY(d, L_DEBUG, "Not forwarding signal %d to children (ignored).", to);
                return;
        }

        if (kill(cfg->signal_group ? -d->child : d->child, to) < 0 && cfg->personality != PERSONALITY_DUMB_INIT) {
                /* (dumb-init reports every forward as done, whatever kill() said) */
                if (cfg->personality == PERSONALITY_TINI) {
                        if (errno == ESRCH)
                                SAY(d, L_WARN, "Child was dead when forwarding signal");
                        else
                                SAY(d, L_FATAL, "Unexpected error when forwarding signal: '%s'", strerror(errno));
                } else if (cfg->personality == PERSONALITY_SDINIT)
                        SAY(d, errno == ESRCH ? L_DEBUG : L_WARN, "cannot forward %s to %s %d: %s",
                            signame(to, sb, sizeof(sb)), cfg->signal_group ? "process group" : "pid",
                            d->child, strerror(errno));
                return;
        }

        switch (cfg->personality) {
        case PERSONALITY_TINI:
                SAY(d, L_DEBUG, "Passing signal: '%s'", strsignal(to));
                break;
        case PERSONALITY_DUMB_INIT:
                SAY(d, L_DEBUG, "Forwarded signal %d to children.", to);
                break;
        default:
                SAY(d, L_DEBUG, "forwarded %s to %s %d", signame(to, sb, sizeof(sb)),
                    cfg->signal_group ? "process group" : "pid", d->child);
        }
}

static void on_child_status(struct dropin *d, pid_t pid, int wstatus) {
        const struct dropin_config *cfg = d->cfg;
        char sb[16];
        int code;

        if (WIFEXITED(wstatus))
                code = WEXITSTATUS(wstatus);
        else
                code = 128 + WTERMSIG(wstatus);

        if (cfg->personality == PERSONALITY_DUMB_INIT) {
                if (WIFEXITED(wstatus))
                        SAY(d, L_DEBUG, "A child with PID %d exited with exit status %d.", pid, code);
                else
                        SAY(d, L_DEBUG, "A child with PID %d was terminated by signal %d.", pid, code - 128);
        } else if (cfg->personality == PERSONALITY_TINI)
                SAY(d, L_DEBUG, "Reaped child with pid: '%i'", pid);

        if (pid != d->child) {
                if (cfg->warn_reap)
                        SAY(d, L_WARN, cfg->personality == PERSONALITY_TINI ? "Reaped zombie process with pid=%i"
                                                                            : "reaped orphan process %i", pid);
                else if (cfg->personality == PERSONALITY_SDINIT)
                        SAY(d, L_TRACE, "reaped orphan process %i", pid);
                return;
        }

        if (cfg->personality == PERSONALITY_TINI) {
                if (WIFEXITED(wstatus))
                        SAY(d, L_INFO, "Main child exited normally (with status '%i')", code);
                else
                        SAY(d, L_INFO, "Main child exited with signal (with signal '%s')", strsignal(WTERMSIG(wstatus)));
        } else if (cfg->personality == PERSONALITY_SDINIT) {
                if (WIFEXITED(wstatus))
                        SAY(d, L_INFO, "%s (pid %d) exited with status %d", cfg->argv[0], pid, code);
                else
                        SAY(d, L_INFO, "%s (pid %d) was killed by %s", cfg->argv[0], pid,
                            signame(WTERMSIG(wstatus), sb, sizeof(sb)));
        }

        code %= 256;
        if (dropin_exit_remapped(cfg, code))
                code = 0;
        d->status = code;
}

/* Reaps every zombie. Returns true when we have no children left at all. */
static bool reap(struct dropin *d) {
        for (;;) {
                int wstatus;
                pid_t pid = waitpid(-1, &wstatus, WNOHANG);
                if (pid > 0) {
                        on_child_status(d, pid, wstatus);
                        continue;
                }
                if (pid < 0 && errno == EINTR)
                        continue;
                return pid < 0 && errno == ECHILD;
        }
}

static void on_signal(struct dropin *d, const siginfo_t *si) {
        const struct dropin_config *cfg = d->cfg;
        int sig = si->si_signo;
        char sb[16];

        if (cfg->personality == PERSONALITY_DUMB_INIT)
                SAY(d, L_DEBUG, "Received signal %d.", sig);
        else if (cfg->personality == PERSONALITY_SDINIT)
                SAY(d, L_TRACE, "received %s from pid %d", signame(sig, sb, sizeof(sb)), (int) si->si_pid);

        if (sig <= DROPIN_MAXSIG && d->ignore_next[sig]) {
                d->ignore_next[sig] = false;
                SAY(d, L_DEBUG, "Ignoring tty hand-off signal %d.", sig);
                return;
        }

        if (d->grace || d->status >= 0)
                return; /* stopping: the main child is gone or being stopped with everyone else */

        forward(d, sig);

        if (cfg->stop_self_on_tty_sig && (sig == SIGTSTP || sig == SIGTTOU || sig == SIGTTIN)) {
                SAY(d, L_DEBUG, "Suspending self due to TTY signal.");
                kill(getpid(), SIGSTOP);
        }

        if (sig == SIGTERM && cfg->grace_ms >= 0)
                enter_grace(d, d->child); /* the child got SIGTERM (or its rewrite) above */
}

static int wait_signal(struct dropin *d, siginfo_t *si) {
        struct timespec now, left;

        if (!d->grace)
                return sigwaitinfo(&d->waitset, si);

        clock_gettime(CLOCK_MONOTONIC, &now);
        left.tv_sec = d->deadline.tv_sec - now.tv_sec;
        left.tv_nsec = d->deadline.tv_nsec - now.tv_nsec;
        if (left.tv_nsec < 0) {
                left.tv_sec--;
                left.tv_nsec += 1000000000L;
        }
        if (left.tv_sec < 0) {
                errno = EAGAIN;
                return -1;
        }
        return sigtimedwait(&d->waitset, si, &left);
}

/* ---- set-up ---------------------------------------------------------------------------------- */

static int setup(struct dropin *d) {
        const struct dropin_config *cfg = d->cfg;
        int bit = 0;

        sigfillset(&d->waitset);
        if (cfg->personality == PERSONALITY_TINI) {
                /* tini leaves the synchronous fault signals and SIGTTIN/SIGTTOU alone. */
                static const int left_alone[] = { SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS, SIGTTIN, SIGTTOU };
                for (size_t i = 0; i < sizeof(left_alone) / sizeof(left_alone[0]); i++)
                        sigdelset(&d->waitset, left_alone[i]);
        }
        if (sigprocmask(SIG_SETMASK, &d->waitset, &d->old_mask) < 0)
                return -errno;

        if (cfg->ignore_ttin_ttou) {
                struct sigaction ign = { .sa_handler = SIG_IGN };
                sigaction(SIGTTIN, &ign, &d->old_ttin);
                sigaction(SIGTTOU, &ign, &d->old_ttou);
        }

        if (cfg->pdeath_signal > 0 && prctl(PR_SET_PDEATHSIG, cfg->pdeath_signal) < 0) {
                SAY(d, L_FATAL, cfg->personality == PERSONALITY_TINI ? "Failed to set up parent death signal"
                                                                     : "cannot set the parent-death signal: %m");
                return -errno;
        }

        if (d->self_pid != 1 && (cfg->subreaper || cfg->auto_subreaper)) {
                if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
                        SAY(d, cfg->subreaper ? L_FATAL : L_WARN, "Failed to register as child subreaper: %s", strerror(errno));
                        if (cfg->subreaper)
                                return -errno;
                } else if (cfg->personality == PERSONALITY_TINI)
                        SAY(d, L_TRACE, "Registered as child subreaper");
                else
                        SAY(d, L_INFO, "not PID 1 (pid %d): registered as a child subreaper, so orphaned "
                                       "processes are re-parented to sdinit and reaped", (int) d->self_pid);
        }

        if (cfg->personality == PERSONALITY_TINI && d->self_pid != 1 &&
            (prctl(PR_GET_CHILD_SUBREAPER, &bit) < 0 || bit != 1))
                SAY(d, L_WARN,
                    "Tini is not running as PID 1 and isn't registered as a child subreaper.\n"
                    "Zombie processes will not be re-parented to Tini, so zombie reaping won't work.\n"
                    "To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER "
                    "to register Tini as a child subreaper, or run Tini as PID 1.");

        if (cfg->child_setsid) {
                /* Give the terminal up so the child's new session can make it its controlling
                 * terminal. If we led the session, the kernel sends us SIGHUP and SIGCONT for it:
                 * those two are not for the child. */
                if (ioctl(STDIN_FILENO, TIOCNOTTY) < 0)
                        SAY(d, L_DEBUG, "Unable to detach from controlling tty (errno=%d %s).", errno, strerror(errno));
                else if (getsid(0) == d->self_pid) {
                        SAY(d, L_DEBUG, "Detached from controlling tty, ignoring the first SIGHUP and SIGCONT we receive.");
                        d->ignore_next[SIGHUP] = true;
                        d->ignore_next[SIGCONT] = true;
                } else
                        SAY(d, L_DEBUG, "Detached from controlling tty, but was not session leader.");
        }
        return 0;
}

int dropin_run(const struct dropin_config *cfg) {
        struct dropin d = { .cfg = cfg, .status = -1, .self_pid = getpid() };
        char sb[16];

        if (setup(&d) < 0)
                return 1;

        d.child = fork();
        if (d.child < 0) {
                SAY(&d, L_FATAL, cfg->personality == PERSONALITY_DUMB_INIT ? "Unable to fork. Exiting."
                                                                           : "fork failed: %m");
                return 1;
        }
        if (d.child == 0)
                child_exec(&d);

        switch (cfg->personality) {
        case PERSONALITY_TINI:
                SAY(&d, L_INFO, "Spawned child process '%s' with pid '%i'", cfg->argv[0], d.child);
                break;
        case PERSONALITY_DUMB_INIT:
                SAY(&d, L_DEBUG, "Child spawned with PID %d.", d.child);
                break;
        default:
                SAY(&d, L_INFO, "started %s (pid %d)", cfg->argv[0], d.child);
        }
        if (cfg->chdir_root && chdir("/") < 0)
                SAY(&d, L_DEBUG, "Unable to chdir(\"/\") (errno=%d %s)", errno, strerror(errno));

        for (;;) {
                siginfo_t si;
                bool no_children = false;

                if (wait_signal(&d, &si) < 0) {
                        if (errno == EAGAIN) { /* the grace deadline */
                                if (!d.killed)
                                        SAY(&d, L_WARN, "grace period of %d.%03d s is over: sending SIGKILL",
                                            cfg->grace_ms / 1000, cfg->grace_ms % 1000);
                                enter_kill(&d);
                        }
                        no_children = reap(&d);
                } else if (si.si_signo == SIGCHLD) {
                        if (cfg->personality == PERSONALITY_TINI)
                                SAY(&d, L_DEBUG, "Received SIGCHLD");
                        else if (cfg->personality == PERSONALITY_DUMB_INIT)
                                SAY(&d, L_DEBUG, "Received signal %d.", SIGCHLD);
                        no_children = reap(&d);
                } else
                        on_signal(&d, &si);

                if (d.status < 0)
                        continue;

                /* The main child is gone. */
                if (cfg->term_after_exit) {
                        forward(&d, SIGTERM); /* dumb-init: SIGTERM to whatever is left of the group */
                        SAY(&d, L_DEBUG, "Child exited with status %d. Goodbye.", d.status);
                        return d.status;
                }
                if (cfg->grace_ms < 0 || no_children)
                        break;
                enter_grace(&d, 0);
        }

        if (cfg->personality == PERSONALITY_TINI)
                SAY(&d, L_TRACE, "Exiting: child has exited");
        else
                SAY(&d, L_DEBUG, "exiting with status %d%s", d.status,
                    d.killed ? " (stragglers were killed with SIGKILL)" : "");
        (void) sb;
        return d.status;
}
