/* SPDX-License-Identifier: MIT */
/* Unit loading benchmark (issue 3, part 8): generates 1,000 units in a temporary tree below
 * /etc/systemd/system and /lib/systemd/system -- 600 plain services each with two drop-ins (one in
 * /etc overriding one in /lib), 50 templates instantiated 8 times (400 instances) with a template
 * drop-in, a type-wide service.d drop-in, aliases and .wants directories -- then loads and
 * resolves every one of them through the registry (lookup, aliases, template, drop-in merge,
 * specifiers, the directive table, unit_verify) and prints the time per unit and the peak RSS.
 *
 *   units-bench [--units N] [--rounds R] [--keep]
 *
 * A benchmark, not a test: it fails only if a unit does not load cleanly. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unit-registry.h"

static char root[] = "/tmp/sdinit-units-bench-XXXXXX";

static void mkdir_p(const char *path) {
        char *p = strdup(path);
        for (char *s = p + 1; *s; s++)
                if (*s == '/') {
                        *s = 0;
                        mkdir(p, 0755);
                        *s = '/';
                }
        mkdir(p, 0755);
        free(p);
}

static void put(const char *rel, const char *text) {
        char path[4096], dir[4096];
        FILE *f;

        snprintf(path, sizeof(path), "%s/%s", root, rel);
        snprintf(dir, sizeof(dir), "%s", path);
        *strrchr(dir, '/') = 0;
        mkdir_p(dir);
        f = fopen(path, "we");
        if (!f) {
                perror(path);
                exit(1);
        }
        fputs(text, f);
        fclose(f);
}

static void link_rel(const char *target, const char *rel) {
        char path[4096], dir[4096];

        snprintf(path, sizeof(path), "%s/%s", root, rel);
        snprintf(dir, sizeof(dir), "%s", path);
        *strrchr(dir, '/') = 0;
        mkdir_p(dir);
        if (symlink(target, path) < 0 && errno != EEXIST)
                perror(path);
}

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static unsigned n_diags;
static void count_diag(const UnitDiag *d, void *userdata) {
        (void) userdata;
        if (d->level >= UNIT_DIAG_WARNING && n_diags++ < 5)
                fprintf(stderr, "%s:%u: %s\n", d->file ? d->file : "", d->line, d->message);
}

int main(int argc, char **argv) {
        unsigned n_units = 1000, rounds = 3;
        bool keep = false;
        char **names = NULL;
        size_t n_names = 0;
        double best = 1e9;
        struct rusage ru;
        UnitRegistry *reg;
        char rel[512], text[2048];

        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--units") == 0 && i + 1 < argc)
                        n_units = (unsigned) atoi(argv[++i]);
                else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
                        rounds = (unsigned) atoi(argv[++i]);
                else if (strcmp(argv[i], "--keep") == 0)
                        keep = true;
                else {
                        fprintf(stderr, "usage: units-bench [--units N] [--rounds R] [--keep]\n");
                        return 2;
                }
        }
        if (!mkdtemp(root)) {
                perror("mkdtemp");
                return 1;
        }

        /* 60% plain services, 40% template instances (8 per template). */
        unsigned n_templates = (n_units * 2 / 5 + 7) / 8, n_plain = n_units - n_templates * 8;
        names = calloc(n_units + 1, sizeof(char *));
        put("lib/systemd/system/service.d/50-global.conf", "[Service]\nLimitNOFILE=65536\n");
        put("lib/systemd/system/multi-user.target", "[Unit]\nDescription=Multi-User System\n");
        for (unsigned i = 0; i < n_plain; i++) {
                snprintf(rel, sizeof(rel), "lib/systemd/system/app-%04u.service", i);
                snprintf(text, sizeof(text),
                         "[Unit]\nDescription=Application %u\nDocumentation=man:app(8)\nAfter=network.target app-%04u.service\n"
                         "Wants=app-%04u.service\n\n[Service]\nType=notify\nExecStartPre=/bin/mkdir -p /run/app-%u\n"
                         "ExecStart=/usr/bin/app --id %%n --config \"/etc/app/%u.conf\" $OPTS\n"
                         "ExecReload=/bin/kill -HUP $MAINPID\nEnvironment=\"OPTS=-v -x\" LANG=C.UTF-8\n"
                         "Restart=on-failure\nRestartSec=1min 30s\nTimeoutStopSec=20\nUser=app\nGroup=app\n"
                         "MemoryMax=512M\nTasksMax=20%%\nProtectSystem=strict\nPrivateTmp=yes\nLimitCORE=0:infinity\n"
                         "SuccessExitStatus=3 SIGUSR1\n\n[Install]\nWantedBy=multi-user.target\nAlias=app-alias-%04u.service\n",
                         i, i ? i - 1 : 0, (i + 1) % n_plain, i, i, i);
                put(rel, text);
                snprintf(rel, sizeof(rel), "lib/systemd/system/app-%04u.service.d/10-defaults.conf", i);
                put(rel, "[Service]\nNice=5\nEnvironment=FROM=lib\n");
                snprintf(rel, sizeof(rel), "etc/systemd/system/app-%04u.service.d/10-defaults.conf", i);
                put(rel, "[Service]\nNice=10\nEnvironment=FROM=etc\n");
                snprintf(rel, sizeof(rel), "etc/systemd/system/app-%04u.service.d/20-local.conf", i);
                put(rel, "[Unit]\nStartLimitBurst=10\n[Service]\nExecStart=\nExecStart=/usr/bin/app --local %n\n");
                snprintf(rel, sizeof(rel), "etc/systemd/system/multi-user.target.wants/app-%04u.service", i);
                snprintf(text, sizeof(text), "/lib/systemd/system/app-%04u.service", i);
                link_rel(text, rel);
                snprintf(rel, sizeof(rel), "etc/systemd/system/app-alias-%04u.service", i);
                link_rel(text, rel);
                /* load half of the plain ones through their alias */
                if (asprintf(&names[n_names++], i % 2 ? "app-alias-%04u.service" : "app-%04u.service", i) < 0)
                        return 1;
        }
        for (unsigned t = 0; t < n_templates; t++) {
                snprintf(rel, sizeof(rel), "lib/systemd/system/worker%u@.service", t);
                snprintf(text, sizeof(text),
                         "[Unit]\nDescription=Worker %u for %%I\nPartOf=worker%u.target\n\n[Service]\n"
                         "ExecStart=/usr/bin/worker --queue %%i --unit %%n --host %%H\nWorkingDirectory=/var/lib/worker/%%i\n"
                         "RuntimeDirectory=worker-%%i\nKillSignal=SIGINT\nCPUQuota=50%%\n",
                         t, t);
                put(rel, text);
                snprintf(rel, sizeof(rel), "etc/systemd/system/worker%u@.service.d/override.conf", t);
                put(rel, "[Service]\nRestart=always\nEnvironment=QUEUE=%i\n");
                for (unsigned k = 0; k < 8 && n_names < n_units; k++)
                        if (asprintf(&names[n_names++], "worker%u@queue\\x2d%u.service", t, k) < 0)
                                return 1;
        }

        for (unsigned r = 0; r < rounds; r++) {
                double t0 = now(), dt;
                unsigned loaded = 0;

                n_diags = 0;
                if (unit_registry_new(root, &(UnitDiagSink) { count_diag, NULL }, &reg) < 0)
                        return 1;
                for (size_t i = 0; i < n_names; i++) {
                        Unit *u;

                        if (unit_load(reg, names[i], &u) < 0)
                                return 1;
                        if (u->load_state == UNIT_LOADED)
                                loaded++;
                        unit_free(u);
                }
                /* and the target that pulls in all the plain ones */
                {
                        Unit *u;
                        if (unit_load(reg, "multi-user.target", &u) < 0)
                                return 1;
                        if (strv_length(u->unit.deps[UNIT_WANTS]) != n_plain) {
                                fprintf(stderr, "multi-user.target wants %zu units, expected %u\n",
                                        strv_length(u->unit.deps[UNIT_WANTS]), n_plain);
                                return 1;
                        }
                        unit_free(u);
                }
                unit_registry_free(reg);
                dt = now() - t0;
                if (dt < best)
                        best = dt;
                printf("round %u: %zu units (%u plain with 2-3 drop-ins, %zu template instances), %u loaded cleanly, "
                       "%.1f ms, %.1f us/unit\n",
                       r + 1, n_names, n_plain, n_names - n_plain, loaded, dt * 1e3, dt * 1e6 / (double) n_names);
                if (loaded != n_names || n_diags) {
                        fprintf(stderr, "FAIL: %zu units not loaded cleanly, %u diagnostics\n", n_names - loaded, n_diags);
                        return 1;
                }
        }
        getrusage(RUSAGE_SELF, &ru);
        printf("best: %.1f us per unit (load + resolve, cold caches only in round 1); peak RSS %ld KiB\n",
               best * 1e6 / (double) n_names, ru.ru_maxrss);
        for (size_t i = 0; i < n_names; i++)
                free(names[i]);
        free(names);
        if (!keep) {
                char cmd[128];
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
                if (system(cmd) != 0)
                        fprintf(stderr, "could not remove %s\n", root);
        } else
                printf("tree kept in %s\n", root);
        return 0;
}
