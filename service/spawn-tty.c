/* SPDX-License-Identifier: MIT */
/* A service's terminal for spawn.c (service/spawn-tty.h). */
#include "service/spawn-tty.h"

#include "service/exec-ns.h"
#include "service/spawn.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "common/delegate.h"
#include "common/strv.h"
#include "units/unit-type-info.h"
#include "service/dynamic-user.h"
#include "service/exec-caps.h"
#include "service/exec-creds-child.h"
#include "service/exec-creds.h"
#include "service/exec-env.h"
#include "service/journal.h"
#include "service/logrelay.h"
#include "service/sys.h"
#include "service/trigger.h"
#include "units/unit-sandbox.h"

/* ---- terminals (StandardInput=tty*, StandardOutput=tty, TTYPath=, TTYReset=, TTYVHangup=,
 * TTYVTDisallocate=), with systemd.exec(5)'s semantics ---------------------------------------- */


bool is_tty_input(int kind) {
        return kind == IN_TTY || kind == IN_TTY_FORCE || kind == IN_TTY_FAIL;
}

const char *exec_tty_path(const ExecSettings *e) {
        return e->tty_path ? e->tty_path : "/dev/console";
}

/* Whether the unit uses a terminal at all (then $TERM is set, and the terminal is given back to
 * root:tty 0620 when the unit stops). */
bool exec_touches_tty(const ExecSettings *e) {
        return e->tty_reset > 0 || e->tty_vhangup > 0 || e->tty_vt_disallocate > 0 || is_tty_input(e->standard_input) ||
               e->standard_output == OUT_TTY || e->standard_error == OUT_TTY;
}

/* "tty" followed by a number from 1 to 63: a virtual console. */
static bool tty_is_vc(const char *path) {
        const char *n = strncmp(path, "/dev/", 5) == 0 ? path + 5 : path;
        char *end;
        unsigned long v;

        if (strncmp(n, "tty", 3) != 0 || !isdigit((unsigned char) n[3]))
                return false;
        v = strtoul(n + 3, &end, 10);
        return !*end && v >= 1 && v <= 63;
}

/* The last word of /sys/class/tty/<name>/active ("tty1" for /dev/console on a VT). */
static bool console_is_vc(void) {
        char name[64] = "console";

        for (int depth = 0; depth < 2; depth++) {
                char path[128], buf[256], *w;
                FILE *f;
                size_t n;

                snprintf(path, sizeof(path), "/sys/class/tty/%s/active", name);
                if (!(f = fopen(path, "re")))
                        return false;
                n = fread(buf, 1, sizeof(buf) - 1, f);
                fclose(f);
                buf[n] = '\0';
                buf[strcspn(buf, "\n")] = '\0';
                w = strrchr(buf, ' ');
                w = w ? w + 1 : buf;
                if (!*w || strlen(w) >= sizeof(name))
                        return false;
                memcpy(name, w, strlen(w) + 1); /* fits: checked above */
                if (strcmp(name, "tty0") != 0) /* tty0 is "the current VT": one level further */
                        break;
        }
        return tty_is_vc(name);
}

/* $TERM for a unit on a terminal: PID 1's own for the console (what the container manager
 * passed), "linux" on a virtual console, "vt220" otherwise. */
const char *term_for(const ExecSettings *e) {
        const char *path = exec_tty_path(e), *t;

        if (strcmp(path, "/dev/console") == 0) {
                if ((t = getenv("TERM")) && *t)
                        return t;
                return console_is_vc() ? "linux" : "vt220";
        }
        return tty_is_vc(path) ? "linux" : "vt220";
}

/* open() of a terminal, retried on EIO for up to a second when `retry` (a terminal still being
 * hung up answers EIO for a moment); then it must be a tty. The fd is >= 3. */
int open_terminal(const char *path, int flags, bool retry) {
        int fd;

        for (int tries = 0;; tries++) {
                fd = open(path, flags | O_CLOEXEC);
                if (fd >= 0)
                        break;
                if (errno != EIO || !retry || tries >= 20)
                        return -errno;
                nanosleep(&(struct timespec) { .tv_nsec = 50 * 1000 * 1000 }, NULL);
        }
        if (!isatty(fd)) {
                close(fd);
                return -ENOTTY;
        }
        if (fd < 3) {
                int high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
                int saved = errno;
                close(fd);
                if (high < 0)
                        return -saved;
                fd = high;
        }
        return fd;
}

/* TTYReset=: sane settings for what software cares about (line discipline, control characters);
 * the hardware side (speed, parity) is left alone. Errors are ignored, as in systemd. */
static void reset_terminal_fd(int fd) {
        struct termios t;

        (void) ioctl(fd, TIOCNXCL);          /* no exclusive mode */
        (void) ioctl(fd, KDSETMODE, KD_TEXT); /* a VT in graphics mode back to text */
        {
                /* The VT keyboard back to the kernel's default (Unicode unless vt.default_utf8=0). */
                FILE *f = fopen("/sys/module/vt/parameters/default_utf8", "re");
                int c = f ? fgetc(f) : EOF;
                if (f)
                        fclose(f);
                (void) ioctl(fd, KDSKBMODE, c == '0' ? K_XLATE : K_UNICODE);
        }
        if (tcgetattr(fd, &t) == 0) {
                t.c_iflag &= ~(tcflag_t) (IGNBRK | BRKINT | ISTRIP | INLCR | IGNCR | IUCLC);
                t.c_iflag |= ICRNL | IMAXBEL | IUTF8;
                t.c_oflag |= ONLCR;
                t.c_cflag |= CREAD;
                t.c_lflag = ISIG | ICANON | IEXTEN | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE;
                t.c_cc[VINTR] = 003;    /* ^C */
                t.c_cc[VQUIT] = 034;    /* ^\ */
                t.c_cc[VERASE] = 0177;  /* DEL */
                t.c_cc[VKILL] = 025;    /* ^U */
                t.c_cc[VEOF] = 004;     /* ^D */
                t.c_cc[VSTART] = 021;   /* ^Q */
                t.c_cc[VSTOP] = 023;    /* ^S */
                t.c_cc[VSUSP] = 032;    /* ^Z */
                t.c_cc[VLNEXT] = 026;   /* ^V */
                t.c_cc[VWERASE] = 027;  /* ^W */
                t.c_cc[VREPRINT] = 022; /* ^R */
                t.c_cc[VEOL] = 0;
                t.c_cc[VEOL2] = 0;
                t.c_cc[VTIME] = 0;
                t.c_cc[VMIN] = 1;
                (void) tcsetattr(fd, TCSANOW, &t);
        }
        (void) tcflush(fd, TCIOFLUSH); /* whatever the previous user left in the queues */
}

/* TTYVTDisallocate=: a virtual console is deallocated (its scrollback goes with it); one in use,
 * or any other terminal, is cleared instead, scrollback included. */
static void vt_disallocate(const char *path, bool in_pid1) {
        int fd;

        if (tty_is_vc(path)) {
                unsigned long n = strtoul(strrchr(path, 'y') + 1, NULL, 10);
                fd = open_terminal("/dev/tty0", O_RDWR | O_NOCTTY | O_NONBLOCK, !in_pid1);
                if (fd >= 0) {
                        int r = ioctl(fd, VT_DISALLOCATE, n);
                        close(fd);
                        if (r == 0)
                                return;
                }
        }
        fd = open_terminal(path, O_RDWR | O_NOCTTY | (in_pid1 ? O_NONBLOCK : 0), !in_pid1);
        if (fd < 0)
                return;
        /* reset the scrolling region, cursor home, erase the screen and the scrollback */
        (void) !write(fd, "\033[r\033[H\033[3J", 10);
        close(fd);
}

/* TTYVHangup=, TTYReset=, TTYVTDisallocate= on the unit's terminal: before a process of the unit
 * acquires it (in the child, after setsid()), and again when the unit has stopped (in PID 1, where
 * nothing may block: non-blocking opens, no retries). Best effort: hanging a terminal up needs
 * CAP_SYS_ADMIN in the initial user namespace, which a rootless container lacks. */
void tty_prepare(const ExecSettings *e, bool in_pid1) {
        const char *path = exec_tty_path(e);
        int fd;

        if (e->tty_vhangup > 0 && (fd = open_terminal(path, O_RDWR | O_NOCTTY | (in_pid1 ? O_NONBLOCK : 0), !in_pid1)) >= 0) {
                (void) ioctl(fd, TIOCVHANGUP);
                close(fd);
        }
        if (e->tty_reset > 0 && (fd = open_terminal(path, O_RDWR | O_NOCTTY | O_NONBLOCK, !in_pid1)) >= 0) {
                reset_terminal_fd(fd);
                close(fd);
        }
        if (e->tty_vt_disallocate > 0)
                vt_disallocate(path, in_pid1);
}

void spawn_tty_revert(MUnit *u) {
        const ExecSettings *e = unit_exec(u->u);
        const char *path = exec_tty_path(e);
        struct stat st;

        if (!exec_touches_tty(e))
                return;
        tty_prepare(e, true);
        /* Back to root:tty 0620 (a User= service had it chowned), as systemd does. */
        if (stat(path, &st) < 0) {
                if (errno != ENOENT)
                        manager_log(u->m, MLOG_WARN, "%s: cannot reset TTY ownership/access mode of %s, ignoring: %s",
                                    u->id, path, strerror(errno));
                return;
        }
        if (!S_ISCHR(st.st_mode))
                return;
        if (((st.st_uid != 0 || st.st_gid != TTY_GID) && chown(path, 0, TTY_GID) < 0) ||
            ((st.st_mode & 07777) != TTY_MODE && chmod(path, TTY_MODE) < 0))
                manager_log(u->m, MLOG_WARN, "%s: failed to reset TTY ownership/access mode of %s to 0:%d, ignoring: %s",
                            u->id, path, TTY_GID, strerror(errno));
}

/* StandardInput=tty*: the (session leader) child makes the terminal its controlling terminal.
 * tty-force steals it from another session (TIOCSCTTY 1, which needs CAP_SYS_ADMIN in the initial
 * user namespace); tty-fail fails with EPERM when another session has it; tty waits until a
 * process closes the terminal (inotify IN_CLOSE), then tries again. Returns the fd or -errno. */
int acquire_terminal(const char *path, int mode) {
        int ino = -1, fd = -1, r;

        if (mode == IN_TTY) {
                /* Watched before the first attempt, so that a release in between is not missed. */
                ino = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
                if (ino < 0)
                        return -errno;
                if (inotify_add_watch(ino, path, IN_CLOSE) < 0) {
                        r = -errno;
                        close(ino);
                        return r;
                }
        }
        for (;;) {
                struct sigaction ign = { .sa_handler = SIG_IGN }, old;
                char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

                /* Events from before this attempt (our own close of the last fd among them) say
                 * nothing about the terminal now. */
                while (ino >= 0 && read(ino, buf, sizeof(buf)) > 0)
                        ;
                fd = open_terminal(path, O_RDWR | O_NOCTTY, true);
                if (fd < 0) {
                        r = fd;
                        break;
                }
                /* SIGHUP ignored around TIOCSCTTY, as systemd does (stealing, or a terminal we
                 * already own, must not kill us). */
                sigaction(SIGHUP, &ign, &old);
                r = ioctl(fd, TIOCSCTTY, mode == IN_TTY_FORCE ? 1 : 0) < 0 ? -errno : 0;
                sigaction(SIGHUP, &old, NULL);
                if (r != -EPERM || mode != IN_TTY)
                        break;
                /* Another session controls it: sleep until some process closes the terminal. */
                {
                        struct pollfd p = { .fd = ino, .events = POLLIN };
                        if (poll(&p, 1, -1) < 0 && errno != EINTR) {
                                r = -errno;
                                break;
                        }
                }
                close(fd); /* after the wait: had the other session ended, this fd would be dead */
                fd = -1;
        }
        if (ino >= 0)
                close(ino);
        if (r < 0 && fd >= 0) {
                close(fd);
                return r;
        }
        return r < 0 ? r : fd;
}
