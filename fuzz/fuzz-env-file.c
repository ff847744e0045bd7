/* SPDX-License-Identifier: MIT */
/* libFuzzer target: EnvironmentFile= (service/exec-env.c env_file_parse), read through a FILE as
 * the manager reads the real file, then the resulting environment used to expand a command line
 * with ${VAR} and $VAR words (exec_expand_argv), as the exec path does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/strv.h"
#include "service/exec-env.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void warn(const char *file, unsigned line, const char *msg, void *userdata) {
        (void) file, (void) line, (void) msg;
        (*(unsigned *) userdata)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char empty[1];
        char *argv[] = { "/bin/echo", "${K0}", "$K1", "x${A}y", "$A", "$$", "${", "$", NULL };
        char **env = NULL, **out = NULL;
        unsigned warnings = 0;
        FILE *f;

        if (size > 4 * 1024 * 1024)
                return 0;
        /* fmemopen() of zero bytes is refused by some libcs: an empty stream is any buffer read to 0. */
        f = size ? fmemopen((void *) data, size, "r") : fmemopen(empty, 1, "r");
        if (!f)
                return 0;
        if (!size)
                (void) fgetc(f);
        if (env_file_parse(f, "fuzz.env", &env, warn, &warnings) >= 0 &&
            exec_expand_argv(argv, env, false, &out) >= 0)
                strv_free(out);
        fclose(f);
        strv_free(env);
        return 0;
}
