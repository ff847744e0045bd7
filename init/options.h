/* SPDX-License-Identifier: MIT */
#pragma once

/* Command-line and environment parsing for the drop-in front-end.
 *
 * One binary, three personalities chosen by argv[0]: `sdinit` (native), `tini` and `dumb-init`.
 * Each personality fills the same `struct dropin_config`: the supervisor loop in dropin.c knows
 * nothing about personalities, it only follows the flags below. That keeps the peers' semantics in
 * one readable place (this parser) and makes it unit-testable without forking anything. */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum personality {
        PERSONALITY_SDINIT,
        PERSONALITY_TINI,
        PERSONALITY_DUMB_INIT,
        PERSONALITY_SYSTEMCTL, /* a D-Bus client of PID 1: the manager binary serves it */
};

#define DROPIN_MAXSIG 64 /* _NSIG - 1 on Linux */

struct dropin_config {
        enum personality personality;
        int verbosity;             /* 0 errors only, 1 warnings, 2 info, 3 debug, 4 trace */
        bool signal_group;         /* forward to the child's process group instead of the child */
        bool child_setpgid;        /* child in its own process group + foreground of the tty */
        bool child_setsid;         /* child in a new session, tty made its controlling tty */
        bool subreaper;            /* PR_SET_CHILD_SUBREAPER explicitly requested */
        bool auto_subreaper;       /* become a subreaper on our own when not PID 1 */
        bool warn_reap;            /* log every reaped orphan at warning level */
        bool ignore_ttin_ttou;     /* tini: SIG_IGN SIGTTIN/SIGTTOU in the init (not the child) */
        bool stop_self_on_tty_sig; /* dumb-init: SIGSTOP ourselves after forwarding TSTP/TTIN/TTOU */
        bool term_after_exit;      /* dumb-init: forward SIGTERM once the child has exited */
        bool chdir_root;           /* dumb-init: the init process leaves the working directory */
        int pdeath_signal;         /* 0: none */
        int grace_ms;              /* -1: off; otherwise TERM everyone, wait, then KILL */
        int rewrite[DROPIN_MAXSIG + 1]; /* -1: unchanged; 0: drop; else the new signal */
        uint32_t remap_exit[8];    /* bit set: that exit status becomes 0 */
        char **argv;               /* the command to run; NULL-terminated */
};

enum options_action {
        OPTIONS_RUN,         /* run cfg->argv under the drop-in supervisor */
        OPTIONS_EXIT,        /* exit with *ret_exit (help, version, usage error) */
        OPTIONS_MANAGER,     /* not a drop-in invocation: hand argv to the service manager */
};

enum personality personality_from_argv0(const char *argv0);

/* Parses argv for the given personality. Reads the environment through `getenv_fn` (pass getenv; tests
 * pass a fake). Help, version and errors are written to out/err. Never exits the process. */
enum options_action options_parse(enum personality p, int argc, char **argv,
                                  char *(*getenv_fn)(const char *), FILE *out, FILE *err,
                                  struct dropin_config *cfg, int *ret_exit);

static inline bool dropin_exit_remapped(const struct dropin_config *cfg, int status) {
        return status >= 0 && status < 256 && (cfg->remap_exit[status / 32] >> (status % 32)) & 1u;
}
