/* SPDX-License-Identifier: MIT */
/*
 * sdinit-manager: everything that is not drop-in mode. The static front-end (main.c) exec()s this
 * binary with its own argv, so it keeps PID 1 when it is one. It is the binary that may link the
 * heavier libraries (libsystemd's sd-event and sd-bus, libcap) as the service manager grows.
 *
 * It hands off to the image's systemd when that can run (handoff/), otherwise boots the unit
 * files itself (service/); it serves `sdinit detect`, `verify`, `cat` and `show`. `status`
 * (issue 7) says it is not implemented yet.
 */
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus/bus-server.h"
#include "cgroup/detect-cli.h"
#include "ctl/systemctl.h"
#include "common/strv.h"
#include "handoff/handoff.h"
#include "service/devlog.h"
#include "service/journal.h"
#include "service/shutdown.h"
#include "service/manager.h"
#include "units/verify-cli.h"

/* `sdinit [--unit NAME] [--show-status[=BOOL]] [--log-format=plain|json] [-v] [-- COMMAND...]`:
 * boot the image's units as PID 1 (or as a subreaper), optionally with a main program. */
static int boot(int argc, char **argv) {
        enum { ARG_UNIT = 0x100, ARG_SHOW_STATUS, ARG_LOG_FORMAT, ARG_SYSTEMD };
        static const struct option options[] = {
                { "unit", required_argument, NULL, ARG_UNIT },
                { "show-status", optional_argument, NULL, ARG_SHOW_STATUS },
                { "log-format", required_argument, NULL, ARG_LOG_FORMAT },
                { "systemd", required_argument, NULL, ARG_SYSTEMD },
                { "verbose", no_argument, NULL, 'v' },
                {},
        };
        const char *unit = "default.target";
        bool show_status = true;
        LogFormat format = LOG_FORMAT_PLAIN;
        int verbosity = MLOG_INFO, c, r;
        char **command = NULL;
        BusServer *bus = NULL;
        DevLog *devlog = NULL;
        Manager *m;

        /* Issue 6: hand off to the image's own systemd when it can run here (--systemd=, else
         * $SDINIT_SYSTEMD, else auto). Does not return when it exec()s systemd; returns an exit
         * status for --systemd=always failures, or HANDOFF_CONTINUE (-1): we run the units. */
        {
                r = handoff_boot(argc, argv);
                if (r >= 0)
                        return r;
        }

        /* systemd.unit= as the kernel command line would carry it (container managers pass it). */
        for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
                if (strncmp(argv[i], "systemd.unit=", 13) == 0)
                        unit = argv[i] + 13;

        optind = 0;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+v", options, NULL)) != -1)
                switch (c) {
                case ARG_UNIT:
                        unit = optarg;
                        break;
                case ARG_SHOW_STATUS:
                        show_status = !optarg || strcmp(optarg, "yes") == 0 || strcmp(optarg, "true") == 0 ||
                                      strcmp(optarg, "1") == 0 || strcmp(optarg, "auto") == 0;
                        break;
                case ARG_LOG_FORMAT:
                        if (strcmp(optarg, "json") == 0)
                                format = LOG_FORMAT_JSON;
                        else if (strcmp(optarg, "plain") != 0) {
                                fprintf(stderr, "sdinit: invalid --log-format '%s' (plain or json)\n", optarg);
                                return 2;
                        }
                        break;
                case ARG_SYSTEMD: /* decided by handoff_boot() above; only validated here */
                        if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "always") != 0 &&
                            strcmp(optarg, "never") != 0) {
                                fprintf(stderr, "sdinit: invalid --systemd '%s' (auto, always or never)\n", optarg);
                                return 2;
                        }
                        break;
                case 'v':
                        verbosity = MLOG_DEBUG;
                        break;
                default:
                        fprintf(stderr, "sdinit: unknown or incomplete option '%s'\nTry 'sdinit --help'.\n", argv[optind - 1]);
                        return 2;
                }
        for (int i = optind; i < argc; i++) {
                if (strncmp(argv[i], "systemd.", 8) == 0 && !command)
                        continue;
                if (strv_extend(&command, argv[i]) < 0)
                        return 1;
        }

        r = manager_new(NULL, &m);
        if (r < 0) {
                fprintf(stderr, "sdinit: cannot create the service manager: %s\n", strerror(-r));
                return 1;
        }
        m->show_status = show_status;
        m->log_format = format;
        m->verbosity = verbosity;
        m->command = command;
        manager_setup_cgroups(m);
        if (getpid() == 1 && manager_detect_first_boot(argv)) {
                manager_log(m, MLOG_INFO, "Detected first boot.");
                manager_set_first_boot(m, true);
        }
        /* systemd's D-Bus API for systemctl, as PID 1 only (the socket and /run/systemd/system
         * belong to the container's init). /run/systemd/system says "systemd-compatible manager
         * running" (sd_booted()); it is created only once the API answers there. */
        if (getpid() == 1 && !getenv("SDINIT_NO_BUS")) {
                r = bus_server_new(m, "/run/systemd/private", &bus);
                if (r < 0)
                        manager_log(m, MLOG_WARN, "cannot serve systemd's D-Bus API on /run/systemd/private: %s; systemctl will not work",
                                    strerror(-r));
                else if (mkdir("/run/systemd/system", 0755) < 0 && errno != EEXIST)
                        manager_log(m, MLOG_WARN, "cannot create /run/systemd/system: %s", strerror(errno));
        }
        r = manager_boot(m, unit);
        if (r < 0) {
                manager_log(m, MLOG_ERR, "cannot load %s: %s", unit, strerror(-r));
                bus_server_free(bus);
                manager_free(m);
                return 1;
        }
        /* Daemons that see /run/systemd/system expect systemd-journald's syslog socket (rsyslog
         * then reads only what the journal forwards): sdinit provides it, unless the boot runs the
         * image's own systemd-journald-dev-log.socket (service/journal.c). */
        if (bus && access("/dev/log", F_OK) < 0 && !journal_boot_provides_devlog(m) && (r = devlog_new(m, &devlog)) < 0)
                manager_log(m, MLOG_WARN, "cannot provide /dev/log: %s", strerror(-r));
        r = manager_run(m);
        bus_server_flush(bus);
        bus_server_linger(bus, 3000);
        bus_server_free(bus);
        devlog_free(devlog);
        shutdown_kill_leftovers(m); /* as PID 1: what no unit claims gets SIGTERM, then SIGKILL */
        /* Stopped while the main command ran: its status, once it has been reaped. */
        if (r < 0 && m->command_status >= 0)
                r = m->command_status;
        if (r < 0)
                r = 1;
        manager_free(m);
        return r;
}

int main(int argc, char **argv) {
        const char *verb = argc >= 2 ? argv[1] : NULL;
        const char *base = argv[0] ? strrchr(argv[0], '/') : NULL;

        /* Results on stdout, diagnostics on stderr, often into one pipe (`2>&1 | less`, CI and
         * container logs): both line-buffered, every line goes out whole and in the order
         * written, whatever the subcommand or personality (a fully buffered stdout cut a line
         * at 4 KiB around a diagnostic). */
        setvbuf(stdout, NULL, _IOLBF, 0);
        setvbuf(stderr, NULL, _IOLBF, 0);

        /* The systemctl personality: a symlink named systemctl to sdinit (or to this binary). */
        base = base ? base + 1 : argv[0];
        if (base && strcmp(base, "systemctl") == 0)
                return systemctl_main(argc, argv);

        if (verb && strcmp(verb, "detect") == 0)
                return sdinit_detect_main(argc - 1, argv + 1);

        if (verb && strcmp(verb, "verify") == 0)
                return sdinit_verify_main(argc - 1, argv + 1);
        if (verb && strcmp(verb, "cat") == 0)
                return sdinit_cat_main(argc - 1, argv + 1);
        if (verb && strcmp(verb, "show") == 0)
                return sdinit_show_main(argc - 1, argv + 1);

        if (verb && strcmp(verb, "status") == 0)
                return sdinit_status_main(argc - 1, argv + 1);

        return boot(argc, argv);
}
