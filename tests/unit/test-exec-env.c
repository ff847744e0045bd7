/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "service/exec-env.h"
#include "tests/tap.h"

static unsigned warnings;
static void warn(const char *file, unsigned line, const char *msg, void *ud) {
        (void) file, (void) msg, (void) ud;
        printf("# warning at line %u\n", line);
        warnings++;
}

static char *joined(char **v) {
        static char out[1024];
        out[0] = '\0';
        for (size_t i = 0; v && v[i]; i++) {
                strcat(out, "[");
                strcat(out, v[i]);
                strcat(out, "]");
        }
        return out;
}

int main(void) {
        char **env = NULL, **out = NULL;
        const char *file =
                "# comment\n"
                "; another\n"
                "A=1\n"
                "  B = two words  \n"
                "C=\"quoted \\\"x\\\" $y\"\n"
                "D='single $z \\n'\n"
                "E=line\\\n"
                "continued\n"
                "export F=exported\n"
                "not an assignment\n"
                "1BAD=x\n"
                "G=value # trailing comment\n"
                "A=override\n";
        FILE *f = fmemopen((void *) file, strlen(file), "r");

        CHECK_INT(env_file_parse(f, "test.env", &env, warn, NULL), 0);
        fclose(f);
        CHECK_STR(env_get(env, "A"), "override");
        CHECK_STR(env_get(env, "B"), "two words");
        CHECK_STR(env_get(env, "C"), "quoted \"x\" $y");
        CHECK_STR(env_get(env, "D"), "single $z \\n");
        CHECK_STR(env_get(env, "E"), "linecontinued");
        CHECK_STR(env_get(env, "F"), "exported");
        CHECK_STR(env_get(env, "G"), "value");
        CHECK_INT(warnings, 2);

        env_unset(env, "G");
        CHECK(env_get(env, "G") == NULL);
        CHECK_INT(env_set(&env, "WORDS= one  two\tthree "), 0);
        CHECK_INT(env_set(&env, "EMPTY="), 0);

        {
                char *argv[] = { "/bin/echo", "$WORDS", "${WORDS}", "x${A}y", "$$HOME", "$UNSET", "${UNSET}", "$EMPTY", "$A-suffix", NULL };
                CHECK_INT(exec_expand_argv(argv, env, false, &out), 0);
                CHECK_STR(joined(out), "[/bin/echo][one][two][three][ one  two\tthree ][xoverridey][$HOME][][$A-suffix]");
                strv_free(out);
                CHECK_INT(exec_expand_argv(argv, env, true, &out), 0);
                CHECK_STR(out[1], "$WORDS");
                strv_free(out);
        }
        strv_free(env);

        /* Issue 11: Debian's /etc/default/krb5-kdc starts with an empty line; PID 1 died on it.
         * Files of the image that are empty, blank-only, unterminated, or binary parse without a
         * crash; only real assignments count. */
        {
                static const struct { const char *text; size_t len; const char *key, *want; } cases[] = {
                        { "\nKRB5KDC_ARGS=\n", 16, "KRB5KDC_ARGS", "" },
                        { "\n\n\n# only comments\n\n", 22, NULL, NULL },
                        { "", 0, NULL, NULL },
                        { "   \t \n \n", 9, NULL, NULL },
                        { "\\\nX=1", 6, "X", "1" },           /* a first line that is only a continuation */
                        { "Y=unterminated", 14, "Y", "unterminated" },
                        { "Z=\x01\xff\x80\0tail\n", 10, "Z", "\x01\xff\x80" },
                        { "\\", 1, NULL, NULL },
                };
                for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                        char **e = NULL;
                        FILE *g = fmemopen((void *) cases[i].text, cases[i].len ? cases[i].len : 1, "r");
                        if (cases[i].len == 0)
                                (void) fgetc(g); /* fmemopen refuses size 0: consume the one byte */
                        CHECK_INT(env_file_parse(g, "edge.env", &e, NULL, NULL), 0);
                        fclose(g);
                        if (cases[i].key)
                                CHECK_STR(env_get(e, cases[i].key), cases[i].want);
                        else
                                CHECK(e == NULL || e[0] == NULL);
                        strv_free(e);
                }
        }
        {
                /* The file's assignments merged into an environment that has some of the keys: a
                 * key keeps its place and takes the last value; new keys follow in the order of
                 * their first line (what applying the lines one by one gives). */
                const char *text = "C=1\nA=1\nD=1\nC=2\nA=2\nexport E=\nD=3\n";
                char **e = NULL;
                FILE *g = fmemopen((void *) text, strlen(text), "r");
                CHECK_INT(env_set(&e, "A=0"), 0);
                CHECK_INT(env_set(&e, "B=0"), 0);
                CHECK_INT(env_file_parse(g, "merge.env", &e, NULL, NULL), 0);
                fclose(g);
                CHECK_STR(joined(e), "[A=2][B=0][C=2][D=3][E=]");
                strv_free(e);
        }
        return tap_done();
}
