/* SPDX-License-Identifier: MIT */
/*
 * sdinit's front-end: the binary containers start as PID 1.
 *
 * It is linked statically against libc only, so `sdinit -- COMMAND` (drop-in mode, the tini and
 * dumb-init replacement) pays for nothing it does not use: no dynamic loader, no libsystemd, no
 * libcap. Anything else (booting unit files, `verify`, `detect`, `status`, the systemctl
 * personality) is the service manager's job: the front-end exec()s `sdinit-manager` with the same
 * argv, so the manager keeps PID 1. Linking libsystemd costs about 1.3 ms per exec on our test
 * machines (../shared/TESTING.md): a cost only the manager should pay.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "init/dropin.h"
#include "init/options.h"

#ifndef SDINIT_LIBEXECDIR
#define SDINIT_LIBEXECDIR "/usr/libexec/sdinit"
#endif

/* The manager sits next to the front-end in a build tree, and in libexecdir once installed. */
static int exec_manager(char **argv) {
        char self[PATH_MAX], path[PATH_MAX + 32];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

        if (n > 0) {
                char *slash;
                self[n] = '\0';
                slash = strrchr(self, '/');
                if (slash) {
                        *slash = '\0';
                        snprintf(path, sizeof(path), "%s/sdinit-manager", self);
                        execv(path, argv);
                }
        }
        execv(SDINIT_LIBEXECDIR "/sdinit-manager", argv);
        return -errno;
}

int main(int argc, char **argv) {
        struct dropin_config cfg;
        enum personality p = personality_from_argv0(argv[0]);
        int ret;

        /* Whole lines in order when stdout and stderr share a pipe (tini's personality logs on
         * both), as sdinit-manager does. */
        setvbuf(stdout, NULL, _IOLBF, 0);
        setvbuf(stderr, NULL, _IOLBF, 0);

        switch (options_parse(p, argc, argv, getenv, stdout, stderr, &cfg, &ret)) {
        case OPTIONS_EXIT:
                return ret;
        case OPTIONS_MANAGER:
                ret = exec_manager(argv);
                fprintf(stderr,
                        "sdinit: this needs the service manager (sdinit-manager), which could not be started: %s\n"
                        "sdinit: to run a single program, use: sdinit [OPTIONS] -- COMMAND [ARG...]\n",
                        strerror(-ret));
                return 1;
        case OPTIONS_RUN:
        default:
                return dropin_run(&cfg);
        }
}
