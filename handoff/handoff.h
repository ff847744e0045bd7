/* SPDX-License-Identifier: MIT */
/* Hand-off to a real systemd (issue 6).
 *
 * When an image ships systemd and the environment lets it run (PID 1, a delegated writable
 * cgroup2 at /sys/fs/cgroup, the API mounts or CAP_SYS_ADMIN to create them, /dev/console), the
 * best PID 1 is systemd itself: sdinit prepares the process (fds, signals, environment, /run) and
 * execv()s it, keeping PID 1.  Otherwise sdinit runs the image's units itself.
 *
 * Design
 * ------
 * The decision is pure: handoff_evaluate() takes env_detect()'s facts, the facts only the hand-off
 * needs (the systemd binary, its version, the init.scope probe, whether a main program was
 * given) and the mode, and says which checks failed, why, and what happens.  The side effects
 * (finding the binary, running `systemd --version`, the init.scope probe, preparing and exec'ing)
 * are in handoff-exec.c, driven by handoff_boot(), the one call sdinit-manager's boot() makes.
 * The expensive or side-effecting checks (version, probe) run only when they can still change the
 * outcome: always in mode `always` (so every failure is listed), in mode `auto` only while nothing
 * else has failed.
 *
 * Argument translation and environment filtering are pure too (handoff-args.c), and the list of
 * systemd's own units that cannot work without systemd as PID 1 is a table (handoff-units.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct env_info;

/* The oldest systemd we hand off to. */
#define HANDOFF_MIN_SYSTEMD_VERSION 230

#define HANDOFF_PATH_MAX 4096
#define HANDOFF_REASON_LEN 320

/* The environment variable an image sets instead of --systemd= (the option wins). */
#define HANDOFF_ENV_MODE "SDINIT_SYSTEMD"

enum handoff_mode {
        HANDOFF_MODE_AUTO,   /* hand off when systemd is installed and every check passes */
        HANDOFF_MODE_ALWAYS, /* hand off or exit 1, listing every failed check */
        HANDOFF_MODE_NEVER,  /* sdinit always runs the units itself */
};

/* "auto", "always", "never" -> mode. Returns 0 or -EINVAL. */
int handoff_mode_from_string(const char *s, enum handoff_mode *ret);
const char *handoff_mode_to_string(enum handoff_mode m);

enum handoff_check {
        HANDOFF_CHECK_BINARY,          /* a systemd binary is installed */
        HANDOFF_CHECK_VERSION,         /* `systemd --version` runs and is >= the minimum */
        HANDOFF_CHECK_COMMAND,         /* no main program (`-- COMMAND`): systemd has no such thing */
        HANDOFF_CHECK_PID1,
        HANDOFF_CHECK_CGROUP2,         /* cgroup2 (only) at /sys/fs/cgroup */
        HANDOFF_CHECK_CGROUP_WRITABLE, /* read-write mount, our cgroup delegated to us */
        HANDOFF_CHECK_INIT_SCOPE,      /* probe: create init.scope and move ourselves into it */
        HANDOFF_CHECK_PROC,
        HANDOFF_CHECK_SYS,
        HANDOFF_CHECK_DEV,
        HANDOFF_CHECK_DEV_SHM,
        HANDOFF_CHECK_RUN,
        HANDOFF_CHECK_CONSOLE,
        _HANDOFF_CHECK_MAX,
};

/* Short stable name of a check ("pid1", "init-scope", ...), for logs and tests. */
const char *handoff_check_to_string(enum handoff_check c);

/* A check whose side-effecting or expensive step has not been run (yet). */
#define HANDOFF_NOT_RUN 1

/* What the hand-off needs beyond env_detect(). */
struct handoff_facts {
        char systemd_path[HANDOFF_PATH_MAX]; /* "" when no systemd binary was found */
        bool has_command;                    /* `-- COMMAND` or another main program was given */
        int version_error;  /* HANDOFF_NOT_RUN, 0 (ran), or -errno: could not execute it (-ENOEXEC,
                             * -EACCES...), -EPROTO: no "systemd N" line, -ECHILD: it failed,
                             * -ETIMEDOUT */
        int version;        /* the N of "systemd N (...)", 0 if unknown */
        int probe_error;    /* HANDOFF_NOT_RUN, 0 (init.scope created and joined), or -errno */
        char probe_dir[HANDOFF_PATH_MAX]; /* where the probe ran (…/init.scope) */
};

/* All fields "not run", nothing found. */
void handoff_facts_init(struct handoff_facts *f);

enum handoff_decision {
        HANDOFF_EXEC,      /* every check passed: prepare and exec systemd */
        HANDOFF_RUN_UNITS, /* sdinit runs the units itself (mode never, auto with a failed check) */
        HANDOFF_FAIL,      /* mode always and a check failed: exit 1 */
        HANDOFF_PENDING,   /* nothing failed yet, but the version or the probe has not run */
};

struct handoff_result {
        enum handoff_decision decision;
        uint32_t failed;  /* bit (1u << enum handoff_check) per failed check */
        uint32_t pending; /* checks that need a step that has not run */
        size_t n_failed;
        char reason[_HANDOFF_CHECK_MAX][HANDOFF_REASON_LEN]; /* why, for each failed check */
};

/* Pure: evaluate every check from info and facts for mode. */
void handoff_evaluate(const struct env_info *info, enum handoff_mode mode, const struct handoff_facts *facts,
                      struct handoff_result *ret);

/* Pure: whether the next step should run now, given the last evaluation (see the design note). */
bool handoff_want_version(enum handoff_mode mode, const struct handoff_facts *facts, const struct handoff_result *r);
bool handoff_want_probe(enum handoff_mode mode, const struct handoff_facts *facts, const struct handoff_result *r);

/* Pure: "systemd 252 (252.39-1~deb12u2)\n+PAM ..." -> 252. Returns the version or -EPROTO. */
int handoff_parse_version(const char *output);

/* ---- Arguments and environment (handoff-args.c, pure) ------------------------------------- */

struct handoff_args {
        bool have_mode;             /* --systemd= was given */
        enum handoff_mode mode;     /* its value (valid only with have_mode and !bad_mode) */
        bool bad_mode;              /* --systemd= with an invalid value (boot() reports it) */
        bool bad_option;            /* an unknown option or a missing value (boot() reports it) */
        bool has_command;           /* a main program: `-- COMMAND` or a non-systemd.* argument */
        char **systemd_argv;        /* argv for systemd (argv[0] = path), NULL-terminated */
};

/* Translate sdinit's command line into systemd's: --unit=NAME / --unit NAME -> --unit=NAME,
 * --show-status[=V] -> --show-status[=V], systemd.* arguments (systemd reads them from PID 1's
 * command line in a container) are passed as they are; sdinit's own options (--systemd=,
 * --log-format=, -v) are dropped. Unknown options and missing values set bad_option: then there
 * is no hand-off and boot()'s parser reports them. Returns 0 or -ENOMEM; free with handoff_args_done(). */
int handoff_args_parse(int argc, char *const *argv, const char *systemd_path, struct handoff_args *ret);
void handoff_args_done(struct handoff_args *a);

/* The environment systemd gets, from the one the runtime gave us (env, "K=V" strings): every
 * variable kept (container, container_uuid, NOTIFY_SOCKET, TERM, PATH...) in order, without
 * duplicates (the first wins, as getenv() does), without sdinit's own SDINIT_* variables, and
 * without LISTEN_FDS / LISTEN_PID / LISTEN_FDNAMES unless LISTEN_PID is our pid (exec keeps it).
 * Returns a new vector (free with strv_free()) or NULL on ENOMEM. */
char **handoff_filter_env(char *const *env, int pid);

/* Number of LISTEN_FDS passed to pid (0 if none or not for pid). */
unsigned handoff_listen_fds(char *const *env, int pid);

/* ---- systemd's own units in the fallback path (handoff-units.c) --------------------------- */

/* True if sdinit must skip this unit when it runs an image's units itself: it cannot work
 * without systemd as PID 1. *ret_reason (may be NULL) gets one line saying why. Instances match
 * their template ("getty@tty1.service" -> "getty@.service"). */
bool handoff_skip_systemd_unit(const char *name, const char **ret_reason);

/* The table, for documentation and tests: entry i (NULL name past the end). */
const char *handoff_skip_unit_name(size_t i, const char **ret_reason);

/* ---- The hand-off itself (handoff-exec.c) ------------------------------------------------- */

/* boot() returns this to mean "go on: sdinit runs the units itself". */
#define HANDOFF_CONTINUE (-1)

/* Decide and, when every check passes, prepare and execv() systemd (does not return then).
 * Mode: --systemd= in argv, else $SDINIT_SYSTEMD, else auto. Returns HANDOFF_CONTINUE when sdinit
 * runs the units itself (each failed check was logged on stderr), or an exit status for boot():
 * 1 when mode always could not hand off. */
int handoff_boot(int argc, char **argv);

/* Search the systemd binary below root ("/" normally): /usr/lib/systemd/systemd,
 * /lib/systemd/systemd, then what /sbin/init resolves to if its name is "systemd"; never
 * sdinit itself (self_exe, may be NULL). Writes the path (without the root prefix) into buf.
 * Returns 0, or -ENOENT. */
int handoff_find_systemd(const char *root, const char *self_exe, char *buf, size_t size);

/* Run `path --version` (timeout in ms); fills facts->version(_error). */
void handoff_check_version(const char *path, int timeout_ms, struct handoff_facts *facts);

/* The init.scope probe in our cgroup directory (own_dir; a trailing "/init.scope" is ours
 * already): mkdir init.scope, write our pid into its cgroup.procs. systemd finds itself there
 * and uses it (it strips /init.scope from its cgroup path); if the move fails, a directory we
 * created is removed again. Returns 0 or -errno (also stored in facts). */
int handoff_probe_init_scope(const char *own_dir, struct handoff_facts *facts);

struct handoff_prepare_opts {
        bool mount_run;        /* mount a tmpfs on /run (not a mount point, CAP_SYS_ADMIN) */
        int pid;               /* our pid, for LISTEN_PID */
};

/* Make every fd above 2 close-on-exec (except LISTEN_FDS passed to us), empty the signal mask,
 * reset every disposition, mount /run if asked. Returns 0 or -errno of the /run mount (logged
 * by the caller; not fatal: systemd mounts it itself when it can). */
int handoff_prepare(const struct handoff_prepare_opts *o, char *const *env);

/* The environment the runtime gave us at exec (/proc/self/environ), or a copy of environ if that
 * is unreadable. NULL on ENOMEM. */
char **handoff_initial_environ(void);
/* Its parser: len bytes of NUL-separated entries (the last may be unterminated), empty ones
 * skipped. NULL on ENOMEM. */
char **handoff_environ_parse(const char *buf, size_t len);
