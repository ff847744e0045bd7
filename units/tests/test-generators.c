/* SPDX-License-Identifier: MIT */
/* Generators in a temporary tree: lookup precedence and masking, the skip list, arguments and
 * environment, failures and a timeout that do not stop the others; then the SysV conversion of
 * LSB init scripts (facilities, Provides, rcN.d links, Default-Start fallback, native units and
 * masks winning) and that the registry finds the result. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/tap.h"
#include "unit-generators.h"
#include "unit-registry.h"

static char root[] = "/tmp/sdunits-gen-XXXXXX";

static char *at(const char *rel) {
        return sdu_path_join(root, rel);
}

static void mkdir_p(const char *rel) {
        char *p = at(rel);
        for (char *s = p + strlen(root) + 1; *s; s++)
                if (*s == '/') {
                        *s = 0;
                        mkdir(p, 0755);
                        *s = '/';
                }
        mkdir(p, 0755);
        free(p);
}

static void put_mode(const char *rel, const char *text, mode_t mode) {
        char *p = at(rel), *dir = strdup(rel);
        FILE *f;

        *strrchr(dir, '/') = 0;
        mkdir_p(dir);
        f = fopen(p, "we");
        fputs(text, f);
        fclose(f);
        chmod(p, mode);
        free(dir);
        free(p);
}

static void link_at(const char *target, const char *rel) {
        char *p = at(rel), *dir = strdup(rel);

        *strrchr(dir, '/') = 0;
        mkdir_p(dir);
        if (symlink(target, p) < 0)
                perror("symlink");
        free(dir);
        free(p);
}

static bool exists(const char *rel) {
        struct stat st;
        char *p = at(rel);
        bool r = lstat(p, &st) >= 0;
        free(p);
        return r;
}

static char *slurp(const char *rel) {
        char *p = at(rel), *buf = NULL;
        size_t len;

        if (read_full_file(p, &buf, &len) < 0)
                buf = NULL;
        free(p);
        return buf;
}

static bool contains_line(const char *text, const char *line) {
        size_t n = strlen(line);

        for (const char *p = text; p && (p = strstr(p, line)); p += n)
                if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
                        return true;
        return false;
}

static unsigned n_warnings;
static char last_warning[512];

static void count_diag(const UnitDiag *d, void *userdata) {
        (void) userdata;
        if (d->level >= UNIT_DIAG_WARNING) {
                n_warnings++;
                snprintf(last_warning, sizeof(last_warning), "%s: %s", d->file ? d->file : "", d->message);
        }
}

static void test_external(void) {
        char *gp[4], *out[3];
        char **list = NULL;
        UnitDiagSink sink = { count_diag, NULL };
        struct timespec t0, t1;
        double secs;
        char *args;

        gp[0] = at("etc/systemd/system-generators");
        gp[1] = at("usr/lib/systemd/system-generators");
        gp[2] = at("lib/systemd/system-generators");
        gp[3] = NULL;
        out[0] = at("out/normal");
        out[1] = at("out/early");
        out[2] = at("out/late");

        /* writes a unit and its arguments and environment */
        put_mode("usr/lib/systemd/system-generators/gen-ok",
                 "#!/bin/sh\nprintf '[Service]\\nExecStart=/bin/true\\n' > \"$1/fake.service\"\n"
                 "echo \"$# $1 $2 $3 $SYSTEMD_SCOPE $SYSTEMD_IN_INITRD\" > \"$3/args\"\n",
                 0755);
        put_mode("usr/lib/systemd/system-generators/gen-fail", "#!/bin/sh\nexit 3\n", 0755);
        put_mode("usr/lib/systemd/system-generators/gen-hang", "#!/bin/sh\nexec sleep 60\n", 0755);
        /* /etc hides /usr/lib of the same name; a /dev/null symlink masks */
        put_mode("usr/lib/systemd/system-generators/gen-dup", "#!/bin/sh\ntouch \"$1/dup-from-usr\"\n", 0755);
        put_mode("etc/systemd/system-generators/gen-dup", "#!/bin/sh\ntouch \"$1/dup-from-etc\"\n", 0755);
        put_mode("lib/systemd/system-generators/gen-masked", "#!/bin/sh\ntouch \"$1/masked-ran\"\n", 0755);
        link_at("/dev/null", "etc/systemd/system-generators/gen-masked");
        /* skipped by name; not executable */
        put_mode("lib/systemd/system-generators/systemd-getty-generator", "#!/bin/sh\ntouch \"$1/getty-ran\"\n", 0755);
        put_mode("lib/systemd/system-generators/not-exec", "#!/bin/sh\ntouch \"$1/not-exec-ran\"\n", 0644);
        /* stale output from an earlier run is removed */
        put_mode("out/normal/stale.service", "[Service]\nExecStart=/bin/true\n", 0644);

        CHECK(unit_generators_list(NULL, gp, &list) == 0);
        CHECK_INT(strv_length(list), 4); /* gen-dup gen-fail gen-hang gen-ok */
        CHECK(list && strstr(list[0], "etc/systemd/system-generators/gen-dup") != NULL);
        strv_free(list);

        clock_gettime(CLOCK_MONOTONIC, &t0);
        CHECK(unit_generators_run(&(UnitGeneratorOptions) {
                                          .normal_dir = out[0], .early_dir = out[1], .late_dir = out[2],
                                          .generator_path = gp, .timeout_usec = 1500000, .no_sysv = true },
                                  &sink) == 0);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
        CHECK(secs >= 1.4 && secs < 10); /* the hanging one was killed at the timeout */
        CHECK(exists("out/normal/fake.service"));
        CHECK(exists("out/normal/dup-from-etc"));
        CHECK(!exists("out/normal/dup-from-usr"));
        CHECK(!exists("out/normal/masked-ran"));
        CHECK(!exists("out/normal/getty-ran"));
        CHECK(!exists("out/normal/not-exec-ran"));
        CHECK(!exists("out/normal/stale.service"));
        CHECK_INT(n_warnings, 2); /* gen-fail's exit status, gen-hang's timeout */
        args = slurp("out/late/args");
        {
                char *want = sdu_asprintf("3 %s %s %s system 0", out[0], out[1], out[2]);
                CHECK_STR(args ? sdu_strstrip(args) : NULL, want);
                free(want);
        }
        free(args);
        for (size_t i = 0; i < 3; i++)
                free(gp[i]), free(out[i]);
}

static const char *const script_lsb =
        "#!/bin/sh\n"
        "### BEGIN INIT INFO\n"
        "# Provides:          legacyd legacy-compat $legacy\n"
        "# Required-Start:    $network $remote_fs $syslog $local_fs\n"
        "# Required-Stop:     $network\n"
        "# Should-Start:      $named $time $portmap other.sh\n"
        "# X-Start-Before:    nginx\n"
        "# Default-Start:     2 3 4 5\n"
        "# Default-Stop:      0 1 6\n"
        "# Short-Description: Legacy daemon\n"
        "# Description:       The long\n"
        "#                    description.\n"
        "### END INIT INFO\n"
        "case \"$1\" in\n"
        "  *) echo \"Usage: /etc/init.d/legacyd {start|stop|reload|force-reload|restart}\" ;;\n"
        "esac\n";

static void test_sysv(void) {
        UnitDiagSink sink = { count_diag, NULL };
        char *dest = at("run/systemd/generator.late"), *text;
        UnitRegistry *reg;
        Unit *u = NULL;
        int n;

        put_mode("etc/init.d/legacyd", script_lsb, 0755);
        /* enabled in runlevels 2-5 through rc links, with a start priority */
        link_at("../init.d/legacyd", "etc/rc2.d/S02legacyd");
        link_at("../init.d/legacyd", "etc/rc5.d/S02legacyd");
        link_at("../init.d/legacyd", "etc/rc0.d/K01legacyd");
        /* no rc links at all: Default-Start decides; a .sh suffix is dropped; no reload */
        put_mode("etc/init.d/fallback.sh",
                 "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: fallback\n# Default-Start: S 2 3\n"
                 "# Short-Description: Fallback\n### END INIT INFO\necho \"Usage: $0 {start|stop}\"\n",
                 0755);
        /* has rc links but only K ones: disabled */
        put_mode("etc/init.d/disabled", "#!/bin/sh\n### BEGIN INIT INFO\n# Default-Start: 2 3 4 5\n### END INIT INFO\n", 0755);
        link_at("../init.d/disabled", "etc/rc2.d/K01disabled");
        /* a native unit, or a mask, wins */
        put_mode("etc/init.d/native", "#!/bin/sh\n", 0755);
        put_mode("lib/systemd/system/native.service", "[Service]\nExecStart=/bin/true\n", 0644);
        put_mode("etc/init.d/masked", "#!/bin/sh\n", 0755);
        link_at("/dev/null", "etc/systemd/system/masked.service");
        /* not executable, backup files, hidden files: ignored */
        put_mode("etc/init.d/noexec", "#!/bin/sh\n", 0644);
        put_mode("etc/init.d/legacyd.dpkg-old", "#!/bin/sh\n", 0755);
        put_mode("etc/init.d/.hidden", "#!/bin/sh\n", 0755);
        /* chkconfig style, no LSB header */
        put_mode("etc/init.d/rhstyle",
                 "#!/bin/sh\n# chkconfig: 2345 20 80\n# description: Red Hat \\\n#    style daemon\n# pidfile: /run/rh.pid\n",
                 0755);

        n_warnings = 0;
        CHECK(unit_generators_run(&(UnitGeneratorOptions) { .root = root, .no_external = true }, &sink) == 0);
        CHECK_INT(n_warnings, 0);
        (void) n;

        text = slurp("run/systemd/generator.late/legacyd.service");
        CHECK(text != NULL);
        CHECK(contains_line(text, "SourcePath=/etc/init.d/legacyd"));
        CHECK(contains_line(text, "Description=LSB: Legacy daemon"));
        CHECK(contains_line(text, "Type=forking"));
        CHECK(contains_line(text, "ExecStart=/etc/init.d/legacyd start"));
        CHECK(contains_line(text, "ExecStop=/etc/init.d/legacyd stop"));
        CHECK(contains_line(text, "ExecReload=/etc/init.d/legacyd reload"));
        CHECK(contains_line(text, "RemainAfterExit=yes"));
        CHECK(contains_line(text, "TimeoutSec=5min"));
        CHECK(contains_line(text, "IgnoreSIGPIPE=no"));
        CHECK(contains_line(text, "KillMode=process"));
        CHECK(contains_line(text, "GuessMainPID=no"));
        CHECK(contains_line(text, "After=network-online.target"));
        CHECK(contains_line(text, "Wants=network-online.target"));
        CHECK(contains_line(text, "After=remote-fs.target"));
        CHECK(contains_line(text, "After=nss-lookup.target"));
        CHECK(contains_line(text, "After=time-sync.target"));
        CHECK(contains_line(text, "After=rpcbind.target"));
        CHECK(contains_line(text, "After=other.service"));
        CHECK(contains_line(text, "Before=nginx.service"));
        CHECK(contains_line(text, "Before=legacy.target"));      /* Provides: $legacy */
        CHECK(contains_line(text, "Wants=legacy.target"));
        CHECK(contains_line(text, "Before=multi-user.target"));
        CHECK(contains_line(text, "Before=graphical.target"));
        CHECK(!strstr(text, "syslog") && !strstr(text, "local-fs"));
        free(text);
        CHECK(exists("run/systemd/generator.late/multi-user.target.wants/legacyd.service"));
        CHECK(exists("run/systemd/generator.late/graphical.target.wants/legacyd.service"));
        CHECK(exists("run/systemd/generator.late/legacy-compat.service")); /* Provides alias */

        text = slurp("run/systemd/generator.late/fallback.service");
        CHECK(text != NULL);
        CHECK(text && contains_line(text, "ExecStart=/etc/init.d/fallback.sh start"));
        CHECK(text && !strstr(text, "ExecReload"));
        free(text);
        CHECK(exists("run/systemd/generator.late/multi-user.target.wants/fallback.service"));
        CHECK(!exists("run/systemd/generator.late/graphical.target.wants/fallback.service"));

        CHECK(exists("run/systemd/generator.late/disabled.service"));
        CHECK(!exists("run/systemd/generator.late/multi-user.target.wants/disabled.service"));
        CHECK(!exists("run/systemd/generator.late/native.service"));
        CHECK(!exists("run/systemd/generator.late/masked.service"));
        CHECK(!exists("run/systemd/generator.late/noexec.service"));
        CHECK(!exists("run/systemd/generator.late/legacyd.dpkg-old.service"));

        text = slurp("run/systemd/generator.late/rhstyle.service");
        CHECK(text && contains_line(text, "Description=SYSV: Red Hat style daemon"));
        CHECK(text && contains_line(text, "PIDFile=/run/rh.pid"));
        CHECK(text && contains_line(text, "RemainAfterExit=no"));
        free(text);

        /* The registry finds the generated units with the default search path, and loads them
         * with no diagnostics. */
        n_warnings = 0;
        CHECK(unit_registry_new(root, &sink, &reg) == 0);
        CHECK(unit_load(reg, "legacyd.service", &u) == 0);
        CHECK(u && u->load_state == UNIT_LOADED);
        CHECK(u && u->service.type == SERVICE_FORKING);
        CHECK(u && u->unit.source_path && strcmp(u->unit.source_path, "/etc/init.d/legacyd") == 0);
        unit_free(u);
        CHECK(unit_load(reg, "legacy-compat.service", &u) == 0);
        CHECK(u && u->load_state == UNIT_LOADED && strcmp(u->id, "legacyd.service") == 0);
        unit_free(u);
        CHECK(unit_load(reg, "multi-user.target", &u) == 0);
        CHECK(u && strv_contains(u->unit.deps[UNIT_WANTS], "legacyd.service"));
        CHECK(u && strv_contains(u->unit.deps[UNIT_WANTS], "fallback.service"));
        unit_free(u);
        CHECK_INT(n_warnings, 1); /* multi-user.target itself is not found in this tree */
        unit_registry_free(reg);
        free(dest);
}

int main(void) {
        char cmd[64];

        if (!mkdtemp(root)) {
                perror("mkdtemp");
                return 1;
        }
        test_external();
        test_sysv();
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
        if (system(cmd) != 0)
                fprintf(stderr, "could not remove %s\n", root);
        return tap_done();
}
