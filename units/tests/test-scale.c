/* SPDX-License-Identifier: MIT */
/* Loading is linear in the number of distinct Environment= names and dependency names (issue 12):
 * 50,000 of each, on one line and on as many lines, parse within a second of CPU time (the old
 * duplicate scans took 10 to 25 s), and the lists mean what systemd makes of them: the last
 * assignment of a name wins at the first one's place, a dependency is listed once, an empty
 * assignment resets. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tests/tap.h"
#include "unit.h"

#define N 50000

/* The bound, in CPU seconds: ASan and UBSan make the loader a few times slower. */
#if defined(__SANITIZE_ADDRESS__)
#define BOUND 3.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BOUND 3.0
#endif
#endif
#ifndef BOUND
#define BOUND 1.0
#endif

static double cpu_now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Loads text as name; the CPU time it took in *secs. */
static Unit *load(const UnitHostInfo *h, const char *name, const char *text, double *secs) {
        Unit *u = NULL;
        double t;

        if (unit_new(name, h, &u) < 0)
                return NULL;
        t = cpu_now();
        unit_load_fragment_buffer(u, "/x/unit", text, strlen(text), false, NULL);
        *secs = cpu_now() - t;
        return u;
}

/* prefix<i>suffix for i < N after section, each after key or all on one line after it. */
static char *text(bool one_line, const char *section, const char *key, const char *prefix, const char *suffix, const char *tail) {
        SduBuf b = {};

        sdu_buf_puts(&b, section);
        for (int i = 0; i < N; i++) {
                char w[64];
                if (!one_line || i == 0)
                        sdu_buf_puts(&b, key);
                snprintf(w, sizeof(w), "%s%d%s", prefix, i, suffix);
                sdu_buf_puts(&b, w);
                sdu_buf_puts(&b, one_line && i < N - 1 ? " " : "\n");
        }
        sdu_buf_puts(&b, tail);
        return sdu_buf_steal(&b);
}

int main(void) {
        UnitHostInfo *h;

        unit_host_info_new_fixed(&h);
        for (int one = 0; one <= 1; one++) {
                const char *how = one ? "one line" : "one per line";
                char *t;
                double secs;
                Unit *u;

                /* 50,000 names, then each assigned again: same order, last value. */
                t = text(one, "[Service]\nExecStart=/bin/true\n", "Environment=", "K", "=first", "Environment=K7=again K49999=end\n");
                u = load(h, "env.service", t, &secs);
                CHECK(u != NULL);
                CHECK_INT(strv_length(unit_exec(u)->environment), N);
                CHECK_STR(unit_exec(u)->environment[0], "K0=first");
                CHECK_STR(unit_exec(u)->environment[7], "K7=again");
                CHECK_STR(unit_exec(u)->environment[N - 1], "K49999=end");
                printf("# %d Environment= names (%s): %.3f s CPU\n", N, how, secs);
                CHECK(secs < BOUND);
                unit_free(u);
                free(t);

                t = text(one, "[Unit]\n", "Wants=", "w", ".service", "Wants=w3.service w49999.service new.service\n[Service]\nExecStart=/bin/true\n");
                u = load(h, "deps.service", t, &secs);
                CHECK(u != NULL);
                CHECK_INT(strv_length(u->unit.deps[UNIT_WANTS]), N + 1);
                CHECK_STR(u->unit.deps[UNIT_WANTS][3], "w3.service");
                CHECK_STR(u->unit.deps[UNIT_WANTS][N], "new.service");
                printf("# %d Wants= names (%s): %.3f s CPU\n", N, how, secs);
                CHECK(secs < BOUND);
                unit_free(u);
                free(t);
        }

        /* Resets, and assignments after them, are indexed anew. */
        {
                double secs;
                const char *t = "[Service]\nExecStart=/bin/true\nEnvironment=A=1 B=2\nEnvironment=\nEnvironment=B=3 A=4 B=5\n";
                Unit *u = load(h, "reset.service", t, &secs);
                CHECK_INT(strv_length(unit_exec(u)->environment), 2);
                CHECK_STR(unit_exec(u)->environment[0], "B=5");
                CHECK_STR(unit_exec(u)->environment[1], "A=4");
                unit_free(u);
                t = "[Unit]\nAfter=a.service b.service\nAfter=\nAfter=b.service c.service b.service\n[Service]\nExecStart=/bin/true\n";
                u = load(h, "reset.service", t, &secs);
                /* (An empty dependency assignment resets nothing, as in systemd.) */
                CHECK_INT(strv_length(u->unit.deps[UNIT_AFTER]), 3);
                CHECK_STR(u->unit.deps[UNIT_AFTER][0], "a.service");
                CHECK_STR(u->unit.deps[UNIT_AFTER][2], "c.service");
                unit_free(u);
        }
        unit_host_info_free(h);
        return tap_done();
}
