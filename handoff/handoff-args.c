/* SPDX-License-Identifier: MIT */
/* systemd's command line and environment from sdinit's (pure). */
#include "handoff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"

static int push_concat(char ***v, const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        char *s = malloc(la + lb + 1);

        if (!s)
                return -ENOMEM;
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
        return strv_push(v, s);
}

/* "--name=value" or "--name value": returns the value (advancing *i for the second form), or
 * NULL when arg is not this option. *missing is set when the value is missing. */
static const char *option_value(const char *arg, const char *name, int argc, char *const *argv, int *i, bool *missing) {
        size_t n = strlen(name);

        *missing = false;
        if (strncmp(arg, name, n) != 0)
                return NULL;
        if (arg[n] == '=')
                return arg + n + 1;
        if (arg[n] != '\0')
                return NULL;
        if (*i + 1 >= argc) {
                *missing = true;
                return NULL;
        }
        return argv[++*i];
}

int handoff_args_parse(int argc, char *const *argv, const char *systemd_path, struct handoff_args *ret) {
        char **out = NULL, **kernel_style = NULL;
        bool options = true;

        memset(ret, 0, sizeof *ret);
        if (strv_extend(&out, systemd_path && systemd_path[0] ? systemd_path : "systemd") < 0)
                goto fail;

        /* The same rules as boot()'s getopt_long("+v"): options until the first other argument
         * or "--"; after that, systemd.* arguments are skipped until a main program starts. */
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i], *v;
                bool missing;

                if (options && strcmp(a, "--") == 0) {
                        options = false;
                        continue;
                }
                if (options && a[0] == '-' && a[1] != '\0') {
                        if ((v = option_value(a, "--unit", argc, argv, &i, &missing))) {
                                if (push_concat(&out, "--unit=", v) < 0)
                                        goto fail;
                        } else if (strcmp(a, "--show-status") == 0 || strncmp(a, "--show-status=", 14) == 0) {
                                if (strv_extend(&out, a) < 0)
                                        goto fail;
                        } else if ((v = option_value(a, "--systemd", argc, argv, &i, &missing))) {
                                ret->have_mode = true;
                                ret->bad_mode = handoff_mode_from_string(v, &ret->mode) < 0;
                        } else if (option_value(a, "--log-format", argc, argv, &i, &missing)) {
                                /* sdinit's own */
                        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
                                /* sdinit's own */
                        } else
                                ret->bad_option = true; /* unknown, or a value is missing */
                        if (missing)
                                ret->bad_option = true;
                        continue;
                }
                options = false;
                if (strncmp(a, "systemd.", 8) == 0) {
                        if (strv_extend(&kernel_style, a) < 0)
                                goto fail;
                        continue;
                }
                ret->has_command = true;
                break;
        }

        for (size_t k = 0; kernel_style && kernel_style[k]; k++)
                if (strv_extend(&out, kernel_style[k]) < 0)
                        goto fail;
        strv_free(kernel_style);
        ret->systemd_argv = out;
        return 0;

fail:
        strv_free(kernel_style);
        strv_free(out);
        return -ENOMEM;
}

void handoff_args_done(struct handoff_args *a) {
        a->systemd_argv = strv_free(a->systemd_argv);
}

static bool has_prefix(const char *s, const char *p) {
        return strncmp(s, p, strlen(p)) == 0;
}

/* Value of key in env (first occurrence), or NULL. */
static const char *lookup(char *const *env, const char *key) {
        size_t n = strlen(key);

        for (size_t i = 0; env && env[i]; i++)
                if (strncmp(env[i], key, n) == 0 && env[i][n] == '=')
                        return env[i] + n + 1;
        return NULL;
}

static bool listen_pid_is(char *const *env, int pid) {
        const char *v = lookup(env, "LISTEN_PID");
        char *end;
        long p;

        if (!v || !*v)
                return false;
        errno = 0;
        p = strtol(v, &end, 10);
        return errno == 0 && *end == '\0' && p == pid && p > 0;
}

unsigned handoff_listen_fds(char *const *env, int pid) {
        const char *v = lookup(env, "LISTEN_FDS");
        char *end;
        long n;

        if (!v || !listen_pid_is(env, pid))
                return 0;
        errno = 0;
        n = strtol(v, &end, 10);
        if (errno != 0 || *end != '\0' || n <= 0 || n > 65536)
                return 0;
        return (unsigned) n;
}

char **handoff_filter_env(char *const *env, int pid) {
        bool keep_listen = listen_pid_is(env, pid);
        char **out = NULL;

        /* An empty environment is a valid result: return an empty vector, not NULL. */
        out = calloc(1, sizeof *out);
        if (!out)
                return NULL;
        for (size_t i = 0; env && env[i]; i++) {
                const char *kv = env[i], *eq = strchr(kv, '=');
                size_t klen;
                bool dup = false;

                if (!eq || eq == kv)
                        continue; /* not an assignment: getenv() could not see it either */
                klen = (size_t) (eq - kv);
                if (has_prefix(kv, "SDINIT_"))
                        continue;
                if (!keep_listen && (has_prefix(kv, "LISTEN_FDS=") || has_prefix(kv, "LISTEN_PID=") ||
                                     has_prefix(kv, "LISTEN_FDNAMES=")))
                        continue;
                for (size_t j = 0; out[j]; j++)
                        if (strncmp(out[j], kv, klen + 1) == 0) {
                                dup = true;
                                break;
                        }
                if (!dup && strv_extend(&out, kv) < 0)
                        return strv_free(out);
        }
        return out;
}
