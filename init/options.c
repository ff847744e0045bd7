/* SPDX-License-Identifier: MIT */
/* Argument parsing for the three personalities. The peers' exact behaviours were learnt from their
 * documentation and by running Debian's tini 0.19 and dumb-init 1.2.5 side by side (see
 * tests/integration/test_personalities.py, which keeps comparing them). */
#include "init/options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "common/signames.h"
#include "init/texts.h"

enum personality personality_from_argv0(const char *argv0) {
        const char *base;

        if (!argv0)
                return PERSONALITY_SDINIT;
        base = strrchr(argv0, '/');
        base = base ? base + 1 : argv0;
        /* Accept versioned/static variants such as tini-static and dumb-init.real. */
        if (strncmp(base, "tini", 4) == 0 && (base[4] == '\0' || base[4] == '-' || base[4] == '.'))
                return PERSONALITY_TINI;
        if (strncmp(base, "dumb-init", 9) == 0 && (base[9] == '\0' || base[9] == '-' || base[9] == '.'))
                return PERSONALITY_DUMB_INIT;
        if (strcmp(base, "systemctl") == 0)
                return PERSONALITY_SYSTEMCTL;
        return PERSONALITY_SDINIT;
}

static void config_defaults(enum personality p, struct dropin_config *cfg) {
        memset(cfg, 0, sizeof(*cfg));
        cfg->personality = p;
        cfg->grace_ms = -1;
        for (int i = 0; i <= DROPIN_MAXSIG; i++)
                cfg->rewrite[i] = -1;

        switch (p) {
        case PERSONALITY_SDINIT:
                cfg->verbosity = 1;
                cfg->child_setpgid = true;
                cfg->auto_subreaper = true;
                break;
        case PERSONALITY_TINI:
                cfg->verbosity = 1;
                cfg->child_setpgid = true;
                cfg->ignore_ttin_ttou = true;
                break;
        case PERSONALITY_DUMB_INIT:
                cfg->verbosity = 1;
                cfg->child_setsid = true;
                cfg->signal_group = true;
                cfg->stop_self_on_tty_sig = true;
                cfg->term_after_exit = true;
                cfg->chdir_root = true;
                break;
        case PERSONALITY_SYSTEMCTL:
                break;
        }
}

static int parse_exit_code(const char *s) {
        char *end;
        long v;

        if (!s || !*s)
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno || *end || v < 0 || v > 255)
                return -EINVAL;
        return (int) v;
}

static void remap_exit_add(struct dropin_config *cfg, int code) {
        cfg->remap_exit[code / 32] |= 1u << (code % 32);
}

/* dumb-init's "s:r" with s in 1..31 and r in 0..31 (0 drops the signal). sdinit's native form also
 * takes names and real-time signals: "TERM:QUIT", "SIGRTMIN+3:TERM". */
static int parse_rewrite(const char *arg, bool names_allowed, int *ret_from, int *ret_to) {
        char buf[64], *colon;
        int from, to;

        if (!arg || strlen(arg) >= sizeof(buf))
                return -EINVAL;
        strcpy(buf, arg);
        colon = strchr(buf, ':');
        if (!colon)
                return -EINVAL;
        *colon = '\0';

        if (names_allowed) {
                from = signal_from_string(buf);
                to = strcmp(colon + 1, "0") == 0 ? 0 : signal_from_string(colon + 1);
                if (from < 1 || to < 0)
                        return -EINVAL;
        } else {
                char *end;
                long f, t;

                errno = 0;
                f = strtol(buf, &end, 10);
                if (errno || end == buf || *end)
                        return -EINVAL;
                t = strtol(colon + 1, &end, 10);
                if (errno || end == colon + 1)
                        return -EINVAL;
                if (f < 1 || f > 31 || t < 0 || t > 31)
                        return -EINVAL;
                from = (int) f;
                to = (int) t;
        }
        *ret_from = from;
        *ret_to = to;
        return 0;
}

/* "10", "2.5", "500ms", "1min" would be nice, but tini/dumb-init users think in seconds: accept a
 * non-negative decimal number of seconds, fractions allowed. */
static int parse_grace(const char *s, int *ret_ms) {
        char *end;
        double v;

        if (!s || !*s)
                return -EINVAL;
        errno = 0;
        v = strtod(s, &end);
        if (errno || *end || !(v >= 0) || v > INT_MAX / 1000.0)
                return -EINVAL;
        *ret_ms = (int) (v * 1000.0 + 0.5);
        return 0;
}

/* tini's environment, honoured by the tini personality and by sdinit itself. */
static void apply_tini_environment(struct dropin_config *cfg, char *(*getenv_fn)(const char *)) {
        const char *env;

        if (getenv_fn("TINI_SUBREAPER"))
                cfg->subreaper = true;
        if (getenv_fn("TINI_KILL_PROCESS_GROUP"))
                cfg->signal_group = true;
        env = getenv_fn("TINI_VERBOSITY");
        if (env)
                cfg->verbosity = atoi(env);
}

/* dumb-init's default mode: the child leads a new session that owns the terminal, and signals go
 * to its whole process group. */
static void set_session_mode(struct dropin_config *cfg) {
        cfg->child_setsid = true;
        cfg->child_setpgid = false;
        cfg->signal_group = true;
}

/* ---- tini ------------------------------------------------------------------------------------ */

static enum options_action parse_tini(int argc, char **argv, char *(*getenv_fn)(const char *),
                                      FILE *out, FILE *err, struct dropin_config *cfg, int *ret_exit) {
        int c;

        /* tini handles --version only when it is the only argument. */
        if (argc == 2 && strcmp(argv[1], "--version") == 0) {
                fprintf(out, "%s\n", TINI_VERSION_STRING);
                *ret_exit = 0;
                return OPTIONS_EXIT;
        }

        /* Like tini, no '+': glibc permutes, so options after the program name are still ours
         * unless "--" ends them. */
        optind = 0;
        opterr = 1;
        while ((c = getopt(argc, argv, "p:hvwgle:s")) != -1) {
                switch (c) {
                case 'h':
                        texts_tini_usage(argv[0], out);
                        *ret_exit = 0;
                        return OPTIONS_EXIT;
                case 's':
                        cfg->subreaper = true;
                        break;
                case 'p':
                        cfg->pdeath_signal = signal_from_sig_name(optarg);
                        if (cfg->pdeath_signal < 0) {
                                texts_tini_fatal(err, "Not a valid option for -p: %s", optarg);
                                *ret_exit = 1;
                                return OPTIONS_EXIT;
                        }
                        break;
                case 'v':
                        cfg->verbosity++;
                        break;
                case 'w':
                        cfg->warn_reap = true;
                        break;
                case 'g':
                        cfg->signal_group = true;
                        break;
                case 'e': {
                        int code = parse_exit_code(optarg);
                        if (code < 0) {
                                texts_tini_fatal(err, "Not a valid option for -e: %s", optarg);
                                *ret_exit = 1;
                                return OPTIONS_EXIT;
                        }
                        remap_exit_add(cfg, code);
                        break;
                }
                case 'l':
                        fputs(texts_license, out);
                        *ret_exit = 0;
                        return OPTIONS_EXIT;
                default:
                        texts_tini_usage(argv[0], err);
                        *ret_exit = 1;
                        return OPTIONS_EXIT;
                }
        }

        if (optind >= argc) {
                texts_tini_usage(argv[0], err);
                *ret_exit = 1;
                return OPTIONS_EXIT;
        }

        apply_tini_environment(cfg, getenv_fn);
        cfg->argv = argv + optind;
        return OPTIONS_RUN;
}

/* ---- dumb-init ------------------------------------------------------------------------------- */

static const struct option dumb_init_long[] = {
        { "help", no_argument, NULL, 'h' },
        { "single-child", no_argument, NULL, 'c' },
        { "rewrite", required_argument, NULL, 'r' },
        { "verbose", no_argument, NULL, 'v' },
        { "version", no_argument, NULL, 'V' },
        {},
};

static void set_rewrite_if_unset(struct dropin_config *cfg, int sig, int to) {
        if (cfg->rewrite[sig] == -1)
                cfg->rewrite[sig] = to;
}

static enum options_action parse_dumb_init(int argc, char **argv, char *(*getenv_fn)(const char *),
                                           FILE *out, FILE *err, struct dropin_config *cfg,
                                           int *ret_exit) {
        const char *env;
        int c, from, to;

        (void) out; /* dumb-init prints even its help and version on stderr */
        optind = 0;
        opterr = 1;
        while ((c = getopt_long(argc, argv, "+hvVcr:", dumb_init_long, NULL)) != -1) {
                switch (c) {
                case 'h':
                        texts_dumb_init_help(argv[0], err);
                        *ret_exit = 0;
                        return OPTIONS_EXIT;
                case 'v':
                        cfg->verbosity = 3;
                        break;
                case 'V':
                        fprintf(err, "%s\n", DUMB_INIT_VERSION_STRING);
                        *ret_exit = 0;
                        return OPTIONS_EXIT;
                case 'c':
                        cfg->child_setsid = false;
                        cfg->signal_group = false;
                        break;
                case 'r':
                        if (parse_rewrite(optarg, false, &from, &to) < 0) {
                                texts_dumb_init_rewrite_usage(err);
                                *ret_exit = 1;
                                return OPTIONS_EXIT;
                        }
                        cfg->rewrite[from] = to;
                        break;
                default:
                        *ret_exit = 1;
                        return OPTIONS_EXIT;
                }
        }

        if (optind >= argc) {
                fprintf(err, "Usage: %s [option] program [args]\nTry %s --help for full usage.\n",
                        argv[0], argv[0]);
                *ret_exit = 1;
                return OPTIONS_EXIT;
        }

        env = getenv_fn("DUMB_INIT_DEBUG");
        if (env && strcmp(env, "1") == 0) {
                cfg->verbosity = 3;
                fputs("[dumb-init] Running in debug mode.\n", err);
        }
        env = getenv_fn("DUMB_INIT_SETSID");
        if (env && strcmp(env, "0") == 0) {
                cfg->child_setsid = false;
                cfg->signal_group = false;
                if (cfg->verbosity >= 3)
                        fputs("[dumb-init] Not running in setsid mode.\n", err);
        }

        if (cfg->child_setsid) {
                set_rewrite_if_unset(cfg, SIGTSTP, SIGSTOP);
                set_rewrite_if_unset(cfg, SIGTTOU, SIGSTOP);
                set_rewrite_if_unset(cfg, SIGTTIN, SIGSTOP);
        }

        cfg->argv = argv + optind;
        return OPTIONS_RUN;
}

/* ---- sdinit ---------------------------------------------------------------------------------- */

enum {
        ARG_VERSION = 0x100,
        ARG_GRACE,
        ARG_SETSID,
        ARG_MANAGER, /* an option only the service manager understands */
};

static const struct option sdinit_long[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, ARG_VERSION },
        { "verbose", no_argument, NULL, 'v' },
        { "subreaper", no_argument, NULL, 's' },
        { "process-group", no_argument, NULL, 'g' },
        { "single-child", no_argument, NULL, 'c' },
        { "setsid", no_argument, NULL, ARG_SETSID },
        { "remap-exit", required_argument, NULL, 'e' },
        { "pdeath-signal", required_argument, NULL, 'p' },
        { "rewrite", required_argument, NULL, 'r' },
        { "warn-reap", no_argument, NULL, 'w' },
        { "license", no_argument, NULL, 'l' },
        { "grace", required_argument, NULL, ARG_GRACE },
        /* Service-manager options: their presence sends the whole command line to the manager. */
        { "unit", required_argument, NULL, ARG_MANAGER },
        { "systemd", required_argument, NULL, ARG_MANAGER },
        { "show-status", optional_argument, NULL, ARG_MANAGER },
        { "log-format", required_argument, NULL, ARG_MANAGER },
        { "root", required_argument, NULL, ARG_MANAGER },
        {},
};

static bool is_manager_subcommand(const char *s) {
        static const char *const verbs[] = { "verify", "detect", "status", "cat", "show", NULL };
        for (size_t i = 0; verbs[i]; i++)
                if (strcmp(s, verbs[i]) == 0)
                        return true;
        return false;
}

static enum options_action parse_sdinit(int argc, char **argv, char *(*getenv_fn)(const char *),
                                        FILE *out, FILE *err, struct dropin_config *cfg,
                                        int *ret_exit) {
        const char *env;
        bool manager = false;
        int c, from, to;

        /* `sdinit verify ...`, `sdinit detect`, ...: subcommands live in the manager binary. */
        if (argc >= 2 && is_manager_subcommand(argv[1]))
                return OPTIONS_MANAGER;

        /* systemd.unit= on the kernel-style command line, as container managers pass it. */
        for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
                if (strncmp(argv[i], "systemd.", 8) == 0)
                        return OPTIONS_MANAGER;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+:hvVsgcwe:p:r:l", sdinit_long, NULL)) != -1) {
                switch (c) {
                case 'h':
                        texts_sdinit_help(argv[0], out);
                        *ret_exit = 0;
                        return OPTIONS_EXIT;
                case 'V':
                case ARG_VERSION:
                        fprintf(out, "sdinit %s\n", SDINIT_VERSION);
                        *ret_exit = 0;
                        return OPTIONS_EXIT;
                case 'l':
                        fputs(texts_license, out);
                        *ret_exit = 0;
                        return OPTIONS_EXIT;
                case 'v':
                        cfg->verbosity++;
                        break;
                case 's':
                        cfg->subreaper = true;
                        break;
                case 'g':
                        cfg->signal_group = true;
                        break;
                case 'c':
                        cfg->signal_group = false;
                        cfg->child_setsid = false;
                        cfg->child_setpgid = true;
                        break;
                case ARG_SETSID:
                        set_session_mode(cfg);
                        break;
                case 'w':
                        cfg->warn_reap = true;
                        break;
                case 'e': {
                        int code = parse_exit_code(optarg);
                        if (code < 0) {
                                fprintf(err, "sdinit: invalid exit code for -e: '%s' (expected 0-255)\n", optarg);
                                *ret_exit = 2;
                                return OPTIONS_EXIT;
                        }
                        remap_exit_add(cfg, code);
                        break;
                }
                case 'p':
                        cfg->pdeath_signal = signal_from_string(optarg);
                        if (cfg->pdeath_signal < 0) {
                                fprintf(err, "sdinit: invalid signal for -p: '%s'\n", optarg);
                                *ret_exit = 2;
                                return OPTIONS_EXIT;
                        }
                        break;
                case 'r':
                        if (parse_rewrite(optarg, true, &from, &to) < 0) {
                                fprintf(err, "sdinit: invalid rewrite '%s' (expected FROM:TO, e.g. 15:3 or TERM:QUIT; TO 0 drops)\n", optarg);
                                *ret_exit = 2;
                                return OPTIONS_EXIT;
                        }
                        cfg->rewrite[from] = to;
                        break;
                case ARG_GRACE:
                        if (parse_grace(optarg, &cfg->grace_ms) < 0) {
                                fprintf(err, "sdinit: invalid value for --grace: '%s' (expected seconds, e.g. 10 or 2.5)\n", optarg);
                                *ret_exit = 2;
                                return OPTIONS_EXIT;
                        }
                        break;
                case ARG_MANAGER:
                        manager = true;
                        break;
                case ':':
                        fprintf(err, "sdinit: option '%s' needs a value\nTry 'sdinit --help'.\n", argv[optind - 1]);
                        *ret_exit = 2;
                        return OPTIONS_EXIT;
                default:
                        if (optopt)
                                fprintf(err, "sdinit: unknown option '-%c'\nTry 'sdinit --help'.\n", optopt);
                        else
                                fprintf(err, "sdinit: unknown option '%s'\nTry 'sdinit --help'.\n", argv[optind - 1]);
                        *ret_exit = 2;
                        return OPTIONS_EXIT;
                }
        }

        /* No command, or a manager option: this is a boot of unit files, not a drop-in run. */
        if (manager || optind >= argc)
                return OPTIONS_MANAGER;

        apply_tini_environment(cfg, getenv_fn);
        env = getenv_fn("DUMB_INIT_DEBUG");
        if (env && strcmp(env, "1") == 0)
                cfg->verbosity = 3;
        env = getenv_fn("DUMB_INIT_SETSID");
        if (env && strcmp(env, "1") == 0)
                set_session_mode(cfg);

        cfg->argv = argv + optind;
        return OPTIONS_RUN;
}

enum options_action options_parse(enum personality p, int argc, char **argv,
                                  char *(*getenv_fn)(const char *), FILE *out, FILE *err,
                                  struct dropin_config *cfg, int *ret_exit) {
        config_defaults(p, cfg);
        *ret_exit = 0;

        switch (p) {
        case PERSONALITY_TINI:
                return parse_tini(argc, argv, getenv_fn, out, err, cfg, ret_exit);
        case PERSONALITY_DUMB_INIT:
                return parse_dumb_init(argc, argv, getenv_fn, out, err, cfg, ret_exit);
        case PERSONALITY_SYSTEMCTL:
                return OPTIONS_MANAGER; /* argv goes to sdinit-manager unchanged, argv[0] included */
        default:
                return parse_sdinit(argc, argv, getenv_fn, out, err, cfg, ret_exit);
        }
}
