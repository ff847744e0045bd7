/* SPDX-License-Identifier: MIT */
#include "common/signames.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {
        [SIGHUP] = "HUP",     [SIGINT] = "INT",       [SIGQUIT] = "QUIT",   [SIGILL] = "ILL",
        [SIGTRAP] = "TRAP",   [SIGABRT] = "ABRT",     [SIGBUS] = "BUS",     [SIGFPE] = "FPE",
        [SIGKILL] = "KILL",   [SIGUSR1] = "USR1",     [SIGSEGV] = "SEGV",   [SIGUSR2] = "USR2",
        [SIGPIPE] = "PIPE",   [SIGALRM] = "ALRM",     [SIGTERM] = "TERM",   [SIGSTKFLT] = "STKFLT",
        [SIGCHLD] = "CHLD",   [SIGCONT] = "CONT",     [SIGSTOP] = "STOP",   [SIGTSTP] = "TSTP",
        [SIGTTIN] = "TTIN",   [SIGTTOU] = "TTOU",     [SIGURG] = "URG",     [SIGXCPU] = "XCPU",
        [SIGXFSZ] = "XFSZ",   [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",   [SIGWINCH] = "WINCH",
        [SIGIO] = "IO",       [SIGPWR] = "PWR",       [SIGSYS] = "SYS",
};

static int parse_decimal(const char *s, int *ret) {
        char *end;
        long v;

        if (*s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || *end || v > 1024)
                return -EINVAL;
        *ret = (int) v;
        return 0;
}

static int parse_rt(const char *s) {
        int base, off = 0, sig;
        const char *rest;

        if (strncmp(s, "RTMIN", 5) == 0) {
                base = SIGRTMIN;
                rest = s + 5;
                if (*rest == '+' && parse_decimal(rest + 1, &off) < 0)
                        return -EINVAL;
                if (*rest && *rest != '+')
                        return -EINVAL;
                sig = base + off;
        } else if (strncmp(s, "RTMAX", 5) == 0) {
                base = SIGRTMAX;
                rest = s + 5;
                if (*rest == '-' && parse_decimal(rest + 1, &off) < 0)
                        return -EINVAL;
                if (*rest && *rest != '-')
                        return -EINVAL;
                sig = base - off;
        } else
                return -EINVAL;

        if (sig < SIGRTMIN || sig > SIGRTMAX)
                return -EINVAL;
        return sig;
}

int signal_from_sig_name(const char *s) {
        if (!s || strncmp(s, "SIG", 3) != 0)
                return -EINVAL;
        for (size_t i = 1; i < sizeof(names) / sizeof(names[0]); i++)
                if (names[i] && strcmp(s + 3, names[i]) == 0)
                        return (int) i;
        return -EINVAL;
}

int signal_from_string(const char *s) {
        int n;

        if (!s || !*s)
                return -EINVAL;
        if (parse_decimal(s, &n) == 0)
                return n >= 1 && n <= SIGRTMAX ? n : -EINVAL;
        if (strncmp(s, "SIG", 3) == 0)
                s += 3;
        for (size_t i = 1; i < sizeof(names) / sizeof(names[0]); i++)
                if (names[i] && strcmp(s, names[i]) == 0)
                        return (int) i;
        /* Aliases systemd and kill(1) accept. */
        if (strcmp(s, "IOT") == 0)
                return SIGABRT;
        if (strcmp(s, "POLL") == 0)
                return SIGIO;
        if (strcmp(s, "CLD") == 0)
                return SIGCHLD;
        return parse_rt(s);
}

const char *signal_to_string(int sig, char *buf, size_t size) {
        if (sig > 0 && (size_t) sig < sizeof(names) / sizeof(names[0]) && names[sig])
                snprintf(buf, size, "SIG%s", names[sig]);
        else if (sig >= SIGRTMIN && sig <= SIGRTMAX)
                snprintf(buf, size, sig == SIGRTMIN ? "SIGRTMIN" : "SIGRTMIN+%d", sig - SIGRTMIN);
        else
                snprintf(buf, size, "%d", sig);
        return buf;
}
