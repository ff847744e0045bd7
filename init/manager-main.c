/* SPDX-License-Identifier: MIT */
/*
 * sdinit-manager: everything that is not drop-in mode. The static front-end (main.c) exec()s this
 * binary with its own argv, so it keeps PID 1 when it is one. It is the binary that may link the
 * heavier libraries (libsystemd's sd-event and sd-bus, libcap) as the service manager grows.
 *
 * Today it serves `sdinit detect`; booting unit files (issue 4), `verify`/`cat`/`show` (issue 3)
 * and `status` (issue 7) arrive with their issues and say so until then.
 */
#include <stdio.h>
#include <string.h>

#include "cgroup/detect-cli.h"

int main(int argc, char **argv) {
        const char *verb = argc >= 2 ? argv[1] : NULL;

        if (verb && strcmp(verb, "detect") == 0)
                return sdinit_detect_main(argc - 1, argv + 1);

        if (verb && (strcmp(verb, "verify") == 0 || strcmp(verb, "cat") == 0 || strcmp(verb, "show") == 0 ||
                     strcmp(verb, "status") == 0)) {
                fprintf(stderr, "sdinit %s: not implemented yet in sdinit %s\n", verb, SDINIT_VERSION);
                return 1;
        }

        fprintf(stderr,
                "sdinit: booting unit files (manager mode) is not implemented yet in sdinit %s.\n"
                "sdinit: to run a program under sdinit as PID 1, use: sdinit [OPTIONS] -- COMMAND [ARG...]\n",
                SDINIT_VERSION);
        return 1;
}
