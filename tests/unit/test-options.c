/* SPDX-License-Identifier: MIT */
/* The personalities' argument and environment semantics, without forking anything. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "init/options.h"
#include "tests/tap.h"

static const char *fake_env[16];

static char *fake_getenv(const char *name) {
        size_t l = strlen(name);
        for (size_t i = 0; fake_env[i]; i++)
                if (strncmp(fake_env[i], name, l) == 0 && fake_env[i][l] == '=')
                        return (char *) fake_env[i] + l + 1;
        return NULL;
}

struct run {
        enum options_action action;
        int exit;
        char out[8192], err[8192];
        struct dropin_config cfg;
};

static void parse(struct run *r, enum personality p, const char *const *args, const char *const *env) {
        static char *argv[32]; /* cfg.argv points into it after we return */
        int argc = 0;
        FILE *out, *err;

        memset(fake_env, 0, sizeof(fake_env));
        for (size_t i = 0; env && env[i]; i++)
                fake_env[i] = env[i];
        for (; args[argc]; argc++)
                argv[argc] = (char *) args[argc];
        argv[argc] = NULL;

        memset(r, 0, sizeof(*r));
        out = fmemopen(r->out, sizeof(r->out) - 1, "w");
        err = fmemopen(r->err, sizeof(r->err) - 1, "w");
        /* getopt prints its own diagnostics on the real stderr: those are fine in a TAP log. */
        r->action = options_parse(p, argc, argv, fake_getenv, out, err, &r->cfg, &r->exit);
        fclose(out);
        fclose(err);
}

#define ARGS(...) ((const char *const[]) { __VA_ARGS__, NULL })

int main(void) {
        static struct run r;

        CHECK_INT(personality_from_argv0("/usr/bin/tini"), PERSONALITY_TINI);
        CHECK_INT(personality_from_argv0("tini-static"), PERSONALITY_TINI);
        CHECK_INT(personality_from_argv0("/sbin/dumb-init"), PERSONALITY_DUMB_INIT);
        CHECK_INT(personality_from_argv0("sdinit"), PERSONALITY_SDINIT);
        CHECK_INT(personality_from_argv0("tinyinit"), PERSONALITY_SDINIT);
        CHECK_INT(personality_from_argv0(NULL), PERSONALITY_SDINIT);

        /* sdinit: defaults */
        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "--", "true"), NULL);
        CHECK_INT(r.action, OPTIONS_RUN);
        CHECK_STR(r.cfg.argv[0], "true");
        CHECK(r.cfg.auto_subreaper);
        CHECK(r.cfg.child_setpgid);
        CHECK(!r.cfg.signal_group);
        CHECK_INT(r.cfg.grace_ms, -1);
        CHECK_INT(r.cfg.verbosity, 1);

        /* sdinit: options stop at the command, -- optional */
        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "-g", "ls", "-l"), NULL);
        CHECK_INT(r.action, OPTIONS_RUN);
        CHECK(r.cfg.signal_group);
        CHECK_STR(r.cfg.argv[0], "ls");
        CHECK_STR(r.cfg.argv[1], "-l");

        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "--grace", "2.5", "-e", "143", "-e", "0", "--", "x"), NULL);
        CHECK_INT(r.cfg.grace_ms, 2500);
        CHECK(dropin_exit_remapped(&r.cfg, 143));
        CHECK(!dropin_exit_remapped(&r.cfg, 142));

        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "--grace", "-1", "--", "x"), NULL);
        CHECK_INT(r.action, OPTIONS_EXIT);
        CHECK_INT(r.exit, 2);
        CHECK(strstr(r.err, "--grace") != NULL);

        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "--grace", "soon", "--", "x"), NULL);
        CHECK_INT(r.action, OPTIONS_EXIT);

        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "-r", "TERM:QUIT", "-r", "SIGRTMIN+3:15", "-r", "2:0", "--", "x"), NULL);
        CHECK_INT(r.action, OPTIONS_RUN);
        CHECK_INT(r.cfg.rewrite[SIGTERM], SIGQUIT);
        CHECK_INT(r.cfg.rewrite[SIGRTMIN + 3], SIGTERM);
        CHECK_INT(r.cfg.rewrite[SIGINT], 0);
        CHECK_INT(r.cfg.rewrite[SIGHUP], -1);

        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "-r", "TERM", "--", "x"), NULL);
        CHECK_INT(r.action, OPTIONS_EXIT);
        CHECK(strstr(r.err, "'TERM'") != NULL);

        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "-e", "256", "--", "x"), NULL);
        CHECK_INT(r.action, OPTIONS_EXIT);
        CHECK(strstr(r.err, "'256'") != NULL);

        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "-p", "SIGRTMIN+2", "--", "x"), NULL);
        CHECK_INT(r.cfg.pdeath_signal, SIGRTMIN + 2);

        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "--bogus", "--", "x"), NULL);
        CHECK_INT(r.action, OPTIONS_EXIT);
        CHECK(strstr(r.err, "--bogus") != NULL);

        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "-Z", "--", "x"), NULL);
        CHECK(strstr(r.err, "-Z") != NULL);

        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "--help"), NULL);
        CHECK_INT(r.action, OPTIONS_EXIT);
        CHECK_INT(r.exit, 0);
        CHECK(strstr(r.out, "--grace SECONDS") != NULL);
        CHECK(strstr(r.out, "TINI_KILL_PROCESS_GROUP") != NULL);
        CHECK(strstr(r.out, "DUMB_INIT_SETSID") != NULL);

        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "--version"), NULL);
        CHECK(strncmp(r.out, "sdinit ", 7) == 0);

        /* sdinit: manager mode and subcommands go to the manager */
        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit"), NULL);
        CHECK_INT(r.action, OPTIONS_MANAGER);
        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "--unit", "multi-user.target", "--", "sh"), NULL);
        CHECK_INT(r.action, OPTIONS_MANAGER);
        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "verify", "--all"), NULL);
        CHECK_INT(r.action, OPTIONS_MANAGER);
        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "systemd.unit=rescue.target"), NULL);
        CHECK_INT(r.action, OPTIONS_MANAGER);
        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "--", "verify"), NULL);
        CHECK_INT(r.action, OPTIONS_RUN);

        /* sdinit: the peers' environment variables */
        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "--", "x"),
              ARGS("TINI_KILL_PROCESS_GROUP=", "TINI_VERBOSITY=3", "TINI_SUBREAPER="));
        CHECK(r.cfg.signal_group);
        CHECK(r.cfg.subreaper);
        CHECK_INT(r.cfg.verbosity, 3);
        parse(&r, PERSONALITY_SDINIT, ARGS("sdinit", "--", "x"), ARGS("DUMB_INIT_SETSID=1", "DUMB_INIT_DEBUG=1"));
        CHECK(r.cfg.child_setsid);
        CHECK(r.cfg.signal_group);
        CHECK_INT(r.cfg.verbosity, 3);

        /* tini */
        parse(&r, PERSONALITY_TINI, ARGS("tini", "--", "true"), NULL);
        CHECK_INT(r.action, OPTIONS_RUN);
        CHECK(!r.cfg.auto_subreaper);
        CHECK(!r.cfg.subreaper);
        CHECK(r.cfg.ignore_ttin_ttou);
        CHECK(!r.cfg.signal_group);
        CHECK_INT(r.cfg.grace_ms, -1);

        parse(&r, PERSONALITY_TINI, ARGS("tini", "--version"), NULL);
        CHECK_INT(r.action, OPTIONS_EXIT);
        CHECK(strncmp(r.out, "tini version ", 13) == 0);

        /* tini lets glibc permute: an option after the program is still tini's */
        parse(&r, PERSONALITY_TINI, ARGS("tini", "echo", "-l"), NULL);
        CHECK_INT(r.action, OPTIONS_EXIT);
        CHECK(strstr(r.out, "MIT License") != NULL);

        parse(&r, PERSONALITY_TINI, ARGS("tini", "-e", "300", "true"), NULL);
        CHECK_INT(r.action, OPTIONS_EXIT);
        CHECK_INT(r.exit, 1);
        CHECK(strstr(r.err, "] Not a valid option for -e: 300") != NULL);

        parse(&r, PERSONALITY_TINI, ARGS("tini", "-p", "TERM", "true"), NULL);
        CHECK_INT(r.exit, 1);
        CHECK(strstr(r.err, "Not a valid option for -p: TERM") != NULL);

        parse(&r, PERSONALITY_TINI, ARGS("tini", "-s", "-g", "-w", "-vv", "-p", "SIGKILL", "-e", "3", "--", "sh"), NULL);
        CHECK_INT(r.action, OPTIONS_RUN);
        CHECK(r.cfg.subreaper && r.cfg.signal_group && r.cfg.warn_reap);
        CHECK_INT(r.cfg.verbosity, 3);
        CHECK_INT(r.cfg.pdeath_signal, SIGKILL);
        CHECK(dropin_exit_remapped(&r.cfg, 3));

        parse(&r, PERSONALITY_TINI, ARGS("tini"), NULL);
        CHECK_INT(r.action, OPTIONS_EXIT);
        CHECK_INT(r.exit, 1);
        CHECK(strstr(r.err, "Usage: tini [OPTIONS] PROGRAM -- [ARGS] | --version") != NULL);

        parse(&r, PERSONALITY_TINI, ARGS("tini", "-h"), NULL);
        CHECK_INT(r.exit, 0);
        CHECK(strstr(r.out, "TINI_VERBOSITY: Set the verbosity level (default: 1).") != NULL);

        parse(&r, PERSONALITY_TINI, ARGS("tini", "true"), ARGS("TINI_VERBOSITY=0", "TINI_SUBREAPER=1"));
        CHECK_INT(r.cfg.verbosity, 0);
        CHECK(r.cfg.subreaper);

        /* tini ignores the dumb-init variables and vice versa */
        parse(&r, PERSONALITY_TINI, ARGS("tini", "true"), ARGS("DUMB_INIT_SETSID=1"));
        CHECK(!r.cfg.child_setsid);

        /* dumb-init */
        parse(&r, PERSONALITY_DUMB_INIT, ARGS("dumb-init", "sh", "-c", "x"), NULL);
        CHECK_INT(r.action, OPTIONS_RUN);
        CHECK(r.cfg.child_setsid && r.cfg.signal_group && r.cfg.term_after_exit);
        CHECK_INT(r.cfg.rewrite[SIGTSTP], SIGSTOP);
        CHECK_INT(r.cfg.rewrite[SIGTTIN], SIGSTOP);
        CHECK_INT(r.cfg.rewrite[SIGTTOU], SIGSTOP);
        CHECK_STR(r.cfg.argv[1], "-c");

        parse(&r, PERSONALITY_DUMB_INIT, ARGS("dumb-init", "-c", "-r", "15:3", "-r", "20:0", "sh"), NULL);
        CHECK(!r.cfg.child_setsid && !r.cfg.signal_group);
        CHECK_INT(r.cfg.rewrite[SIGTERM], SIGQUIT);
        CHECK_INT(r.cfg.rewrite[SIGTSTP], 0);
        CHECK_INT(r.cfg.rewrite[SIGTTIN], -1);
        CHECK(r.cfg.stop_self_on_tty_sig);

        parse(&r, PERSONALITY_DUMB_INIT, ARGS("dumb-init", "-r", "40:1", "true"), NULL);
        CHECK_INT(r.action, OPTIONS_EXIT);
        CHECK_INT(r.exit, 1);
        CHECK(strstr(r.err, "between 1 and 31") != NULL);

        parse(&r, PERSONALITY_DUMB_INIT, ARGS("dumb-init", "--rewrite", "TERM:3", "true"), NULL);
        CHECK_INT(r.action, OPTIONS_EXIT);

        parse(&r, PERSONALITY_DUMB_INIT, ARGS("dumb-init", "sh"), ARGS("DUMB_INIT_SETSID=0", "DUMB_INIT_DEBUG=1"));
        CHECK(!r.cfg.child_setsid && !r.cfg.signal_group);
        CHECK_INT(r.cfg.verbosity, 3);
        CHECK_INT(r.cfg.rewrite[SIGTSTP], -1);

        parse(&r, PERSONALITY_DUMB_INIT, ARGS("dumb-init", "sh"), ARGS("DUMB_INIT_DEBUG=yes"));
        CHECK_INT(r.cfg.verbosity, 1);

        parse(&r, PERSONALITY_DUMB_INIT, ARGS("dumb-init"), NULL);
        CHECK_INT(r.exit, 1);
        CHECK(strstr(r.err, "Usage: dumb-init [option] program [args]\nTry dumb-init --help for full usage.\n") != NULL);

        parse(&r, PERSONALITY_DUMB_INIT, ARGS("dumb-init", "--version"), NULL);
        CHECK_INT(r.exit, 0);
        CHECK(strncmp(r.err, "dumb-init v", 11) == 0);
        CHECK(r.out[0] == '\0');

        parse(&r, PERSONALITY_DUMB_INIT, ARGS("dumb-init", "-h"), NULL);
        CHECK(strstr(r.err, "-c, --single-child") != NULL);

        return tap_done();
}
