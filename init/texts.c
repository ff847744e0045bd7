/* SPDX-License-Identifier: MIT */
#include "init/texts.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

const char texts_license[] =
        "The MIT License (MIT)\n"
        "\n"
        "Copyright (c) 2026 The sdinit authors\n"
        "\n"
        "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
        "of this software and associated documentation files (the \"Software\"), to deal\n"
        "in the Software without restriction, including without limitation the rights\n"
        "to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n"
        "copies of the Software, and to permit persons to whom the Software is\n"
        "furnished to do so, subject to the following conditions:\n"
        "\n"
        "The above copyright notice and this permission notice shall be included in all\n"
        "copies or substantial portions of the Software.\n"
        "\n"
        "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\n"
        "IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\n"
        "FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\n"
        "AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\n"
        "LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\n"
        "OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\n"
        "SOFTWARE.\n";

static const char *base_name(const char *p) {
        const char *s = p ? strrchr(p, '/') : NULL;
        return s ? s + 1 : (p ? p : "tini");
}

void texts_tini_usage(const char *argv0, FILE *f) {
        const char *name = base_name(argv0);

        fprintf(f,
                "%s (%s)\n"
                "Usage: %s [OPTIONS] PROGRAM -- [ARGS] | --version\n"
                "\n"
                "Execute a program under the supervision of a valid init process (%s)\n"
                "\n"
                "Command line options:\n"
                "\n"
                "  --version: Show version and exit.\n"
                "  -h: Show this help message and exit.\n"
                "  -s: Register as a process subreaper (requires Linux >= 3.4).\n"
                "  -p SIGNAL: Trigger SIGNAL when parent dies, e.g. \"-p SIGKILL\".\n"
                "  -v: Generate more verbose output. Repeat up to 3 times.\n"
                "  -w: Print a warning when processes are getting reaped.\n"
                "  -g: Send signals to the child's process group.\n"
                "  -e EXIT_CODE: Remap EXIT_CODE (from 0 to 255) to 0.\n"
                "  -l: Show license and exit.\n"
                "\n"
                "Environment variables:\n"
                "\n"
                "  TINI_SUBREAPER: Register as a process subreaper (requires Linux >= 3.4).\n"
                "  TINI_VERBOSITY: Set the verbosity level (default: 1).\n"
                "  TINI_KILL_PROCESS_GROUP: Send signals to the child's process group.\n"
                "\n"
                "This tini is sdinit %s running with the tini personality.\n"
                "\n",
                name, TINI_VERSION_STRING, name, name, SDINIT_VERSION);
}

void texts_tini_fatal(FILE *f, const char *fmt, ...) {
        va_list ap;

        fprintf(f, "[FATAL tini (%i)] ", (int) getpid());
        va_start(ap, fmt);
        vfprintf(f, fmt, ap);
        va_end(ap);
        fputc('\n', f);
}

void texts_dumb_init_help(const char *argv0, FILE *f) {
        fprintf(f,
                "%s\n"
                "Usage: %s [option] command [[arg] ...]\n"
                "\n"
                "dumb-init is a simple process supervisor that forwards signals to children.\n"
                "It is designed to run as PID1 in minimal container environments.\n"
                "\n"
                "Optional arguments:\n"
                "   -c, --single-child   Run in single-child mode.\n"
                "                        In this mode, signals are only proxied to the\n"
                "                        direct child and not any of its descendants.\n"
                "   -r, --rewrite s:r    Rewrite received signal s to new signal r before proxying.\n"
                "                        To ignore (not proxy) a signal, rewrite it to 0.\n"
                "                        This option can be specified multiple times.\n"
                "   -v, --verbose        Print debugging information to stderr.\n"
                "   -h, --help           Print this help message and exit.\n"
                "   -V, --version        Print the current version and exit.\n"
                "\n"
                "This dumb-init is sdinit %s running with the dumb-init personality; see sdinit(1).\n",
                DUMB_INIT_VERSION_STRING, argv0, SDINIT_VERSION);
}

void texts_dumb_init_rewrite_usage(FILE *f) {
        fprintf(f,
                "Usage: -r option takes <signum>:<signum>, where <signum> is between 1 and 31.\n"
                "This option can be specified multiple times.\n"
                "Use --help for full usage.\n");
}

void texts_sdinit_help(const char *argv0, FILE *f) {
        fprintf(f,
                "sdinit %s: a systemd-compatible PID 1 for containers.\n"
                "\n"
                "Usage:\n"
                "  %s [OPTIONS] [--] COMMAND [ARG...]   run COMMAND under a minimal init (drop-in mode)\n"
                "\n"
                "Drop-in mode reaps every zombie, forwards every catchable signal (real-time ones\n"
                "included, never SIGCHLD) and exits with COMMAND's status, or 128+N when COMMAND was\n"
                "killed by signal N. If COMMAND cannot be executed: 127 when it does not exist, 126\n"
                "when it is not executable. When sdinit is not PID 1 it registers as a child subreaper.\n"
                "COMMAND runs in its own process group, in the foreground of the terminal if there is\n"
                "one, with the signal mask and dispositions sdinit inherited.\n"
                "\n"
                "Options:\n"
                "  -g, --process-group      Forward signals to COMMAND's process group, not just COMMAND\n"
                "  -c, --single-child       Forward signals to COMMAND only (the default)\n"
                "      --setsid             Run COMMAND in a new session owning the terminal and signal\n"
                "                           its whole group (dumb-init's default mode)\n"
                "      --grace SECONDS      When COMMAND exits, or sdinit gets SIGTERM: send SIGTERM to\n"
                "                           every remaining process, wait up to SECONDS, then SIGKILL\n"
                "                           (default: off; remaining processes are killed at once)\n"
                "  -e, --remap-exit CODE    Exit 0 when COMMAND exits with CODE (repeatable)\n"
                "  -r, --rewrite FROM:TO    Forward signal FROM as TO; TO=0 drops it (repeatable;\n"
                "                           numbers or names: 15:3, TERM:QUIT, RTMIN+3:TERM)\n"
                "  -p, --pdeath-signal SIG  Get SIG when sdinit's parent dies\n"
                "  -s, --subreaper          Register as a child subreaper (automatic when not PID 1)\n"
                "  -w, --warn-reap          Warn about every orphan that gets reaped\n"
                "  -v, --verbose            More output on stderr (repeat: info, debug, trace)\n"
                "  -l, --license            Show the license and exit\n"
                "  -h, --help               Show this help and exit\n"
                "  -V, --version            Show the version and exit\n"
                "\n"
                "Environment (the peers' variables, honoured the same way):\n"
                "  TINI_SUBREAPER           (any value) same as -s\n"
                "  TINI_KILL_PROCESS_GROUP  (any value) same as -g\n"
                "  TINI_VERBOSITY=N         verbosity level (0 quiet, 1 warnings (default), 2 info, 3 debug)\n"
                "  DUMB_INIT_SETSID=1|0     1: same as --setsid; 0: COMMAND only (the default)\n"
                "  DUMB_INIT_DEBUG=1        same as -vv\n"
                "\n"
                "Personalities: invoked as 'tini' or 'dumb-init' (a symlink), sdinit follows that\n"
                "program's options, defaults, messages and exit codes; see sdinit(1).\n"
                "\n"
                "Manager mode (boot the image's unit files as PID 1):\n"
                "  %s [--unit NAME] [-- COMMAND...]   boot NAME (default.target); with COMMAND, run it\n"
                "                           once booted and exit with its status\n"
                "      --unit NAME          the unit to boot (also systemd.unit=NAME)\n"
                "      --systemd=auto|always|never  hand off to the image's systemd when it can run\n"
                "                           (default auto; also $SDINIT_SYSTEMD)\n"
                "      --show-status[=yes|no]  systemd-style boot progress (default yes)\n"
                "      --log-format=plain|json  service output on stdout with the unit name\n"
                "\n"
                "Subcommands:\n"
                "  detect [--json]          what this environment allows (cgroups, namespaces, hand-off)\n"
                "  verify [--root DIR] [--all] UNIT|PATH...   check unit files like systemd-analyze verify\n"
                "  cat UNIT                 the unit file and its drop-ins\n"
                "  show UNIT [-p KEY,...]   the unit's settings as Key=value, with systemd's defaults\n"
                "  status [--all]           the running boot's units: state, main PID, memory, tasks\n"
                "\n"
                "Invoked as systemctl (a link to sdinit), it is systemctl for PID 1's D-Bus API.\n",
                SDINIT_VERSION, argv0, argv0);
}
