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
        return tap_done();
}
