/* SPDX-License-Identifier: MIT */
/* Command line for `sdinit detect [--json] [--root DIR]`.
 *
 * Design: parse options with getopt_long (optind reset so it can be called as a subcommand with
 * its own argv), run env_detect() once, print human or JSON output to stdout.  Errors go to stderr
 * with the errno explained; the exit status tells scripts whether the output can be trusted. */
#include "detect-cli.h"
#include "env.h"
#include "env-sandbox.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f, const char *prog) {
        fprintf(f,
                "Usage: %s [--json] [--root DIR]\n"
                "\n"
                "Detect the container environment (user and cgroup namespaces, cgroup layout and\n"
                "delegation, mounts, container manager, the sandbox features services may get) and print\n"
                "what sdinit will do.\n"
                "\n"
                "  -j, --json       print one JSON object (keys documented in cgroup/README.md)\n"
                "  -r, --root DIR   read /proc and /sys below DIR instead of / (for testing)\n"
                "  -h, --help       show this help\n",
                prog);
}

int sdinit_detect_main(int argc, char **argv) {
        static const struct option options[] = {
                { "json", no_argument, NULL, 'j' },
                { "root", required_argument, NULL, 'r' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        const char *prog = argc > 0 && argv[0] ? argv[0] : "detect";
        const char *root = "/";
        struct env_info info;
        int c, r;
        _Bool json = 0;

        optind = 0; /* full reinitialisation, also of GNU getopt's internal state */
        while ((c = getopt_long(argc, argv, "+jr:h", options, NULL)) >= 0)
                switch (c) {
                case 'j':
                        json = 1;
                        break;
                case 'r':
                        root = optarg;
                        break;
                case 'h':
                        usage(stdout, prog);
                        return 0;
                default:
                        usage(stderr, prog);
                        return 2;
                }
        if (optind < argc) {
                fprintf(stderr, "%s: unexpected argument '%s'\n", prog, argv[optind]);
                usage(stderr, prog);
                return 2;
        }

        r = env_detect(root, &info);
        if (r < 0) {
                fprintf(stderr, "%s: detection below %s failed: %s\n", prog, root, strerror(-r));
                return 1;
        }
        if (strcmp(root, "/") == 0)
                info.sandbox = env_sandbox_probe();
        r = json ? env_print_json(&info, stdout) : env_print_human(&info, stdout);
        if (r < 0) {
                fprintf(stderr, "%s: writing the result failed: %s\n", prog, strerror(-r));
                return 1;
        }
        return 0;
}
