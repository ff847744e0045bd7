/* SPDX-License-Identifier: MIT */
/* Replays fuzz inputs without libFuzzer: every file given (directories are walked one level)
 * is passed to LLVMFuzzerTestOneInput. Prints TAP so it runs as an ordinary meson test. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sdu-util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned n;

static void run(const char *path) {
        char *buf;
        size_t len;

        if (read_full_file(path, &buf, &len) < 0) {
                printf("not ok %u - %s (unreadable)\n", ++n, path);
                return;
        }
        LLVMFuzzerTestOneInput((const uint8_t *) buf, len);
        free(buf);
        printf("ok %u - %s\n", ++n, path);
}

int main(int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                struct stat st;
                char **files = NULL;
                DIR *d;
                struct dirent *de;

                if (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
                        run(argv[i]);
                        continue;
                }
                d = opendir(argv[i]);
                while (d && (de = readdir(d)))
                        if (de->d_name[0] != '.')
                                strv_push(&files, sdu_path_join(argv[i], de->d_name));
                if (d)
                        closedir(d);
                strv_sort(files);
                for (size_t j = 0; files && files[j]; j++)
                        run(files[j]);
                strv_free(files);
        }
        printf("1..%u\n", n);
        return n == 0;
}
