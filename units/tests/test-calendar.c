/* SPDX-License-Identifier: MIT */
/* Tests of the calendar-event library (calendar.h).
 *
 * 1. Fixed expectations (no external tool): parsing, errors, next elapses in UTC.
 * 2. The differential test: for every spec, time zone and base time below, the next N elapses
 *    must be the ones `systemd-analyze calendar --iterations=N --base-time=@EPOCH SPEC` prints
 *    (one call per time zone and base time, with every spec: 20 calls, not 700)
 *    (run with the same TZ; its "(in UTC)" lines, or its elapse lines when TZ is UTC). Skipped
 *    (one TAP "# SKIP" line) when systemd-analyze is not installed. Local-time cases include a
 *    DST gap (a time that does not exist that day is skipped, as systemd does); times repeated by
 *    a DST change are not compared: systemd's choice there depends on glibc's mktime() state. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "calendar.h"
#include "tests/tap.h"

#define ITER 5

static void fmt_utc(uint64_t usec, char *buf, size_t n) {
        time_t t = (time_t) (usec / 1000000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
}

/* Our next `iter` elapses after base as "YYYY-MM-DD HH:MM:SS" lines ("never" when none). */
static void ours(const char *spec, uint64_t base, int iter, char *out, size_t n) {
        CalendarSpec *c = NULL;
        char err[256];
        size_t len = 0;

        out[0] = '\0';
        if (calendar_spec_parse(spec, &c, err, sizeof(err)) < 0) {
                snprintf(out, n, "error: %s\n", err);
                return;
        }
        for (int i = 0; i < iter; i++) {
                uint64_t next;
                char b[64];
                if (calendar_spec_next(c, base, &next) < 0) {
                        if (i == 0)
                                snprintf(out + len, n - len, "never\n");
                        break;
                }
                fmt_utc(next, b, sizeof(b));
                len += (size_t) snprintf(out + len, n - len, "%s\n", b);
                base = next;
        }
        calendar_spec_free(c);
}

static const char *find_analyze(void) {
        static const char *const cands[] = { "/usr/bin/systemd-analyze", "/bin/systemd-analyze", NULL };
        for (size_t i = 0; cands[i]; i++)
                if (access(cands[i], X_OK) == 0)
                        return cands[i];
        return NULL;
}

/* One block of systemd-analyze's output (one expression), in the same shape as ours(). */
static void parse_block(const char *block, char *out, size_t n) {
        bool utc_lines = strstr(block, "(in UTC):") != NULL;
        size_t len = 0;

        out[0] = '\0';
        for (const char *l = block; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
                const char *p;
                char date[32], clock[32];

                if (strncmp(l, "    Next elapse: never", 22) == 0) {
                        snprintf(out, n, "never\n");
                        return;
                }
                if (utc_lines ? strncmp(l, "       (in UTC):", 16) != 0
                              : strncmp(l, "    Next elapse:", 16) != 0 && strncmp(l, "       Iter. #", 14) != 0)
                        continue;
                p = strchr(l, ':') + 1;
                /* " Wed 2024-01-31 12:15:00 UTC" */
                if (sscanf(p, " %*s %31s %31s", date, clock) == 2)
                        len += (size_t) snprintf(out + len, n - len, "%s %s\n", date, clock);
        }
}

/* systemd-analyze's answers for all specs in one call (it takes many expressions and prints one
 * block each, in order; a spec it cannot parse gets an empty one: "error"). */
static int theirs(const char *analyze, const char *tz, const char *const *specs, size_t n_specs, uint64_t base,
                  int iter, char (*out)[2048]) {
        static char all[1 << 17];
        char cmd[8192];
        size_t len, got = 0;
        FILE *f;

        len = (size_t) snprintf(cmd, sizeof(cmd), "TZ='%s' %s calendar --iterations=%d --base-time=@%llu", tz, analyze,
                                iter, (unsigned long long) (base / 1000000));
        for (size_t i = 0; i < n_specs && len < sizeof(cmd); i++)
                len += (size_t) snprintf(cmd + len, sizeof(cmd) - len, " '%s'", specs[i]);
        if (len + 16 >= sizeof(cmd))
                return -E2BIG;
        snprintf(cmd + len, sizeof(cmd) - len, " 2>/dev/null");
        f = popen(cmd, "r");
        if (!f)
                return -errno;
        while (got < sizeof(all) - 1) {
                size_t k = fread(all + got, 1, sizeof(all) - 1 - got, f);
                if (k == 0)
                        break;
                got += k;
        }
        all[got] = '\0';
        pclose(f);
        /* Block i, then "\n" before block i+1; a spec that does not parse prints an empty block
         * (its error goes to stderr). The "Original form:" line is left out when it equals the
         * normalized form, so blocks are matched by position. */
        for (size_t i = 0, at = 0; i < n_specs; i++) {
                const char *blk, *end;
                char *one;

                if (i > 0 && all[at] == '\n')
                        at++;
                blk = all + at;
                snprintf(out[i], sizeof(out[i]), "error\n");
                if (*blk == '\n' || *blk == '\0')
                        continue;
                end = strstr(blk, "\n\n");
                end = end ? end + 1 : blk + strlen(blk);
                one = strndup(blk, (size_t) (end - blk));
                if (!one)
                        return -ENOMEM;
                parse_block(one, out[i], sizeof(out[i]));
                free(one);
                at = (size_t) (end - all);
        }
        return 0;
}

static void check_fixed(const char *spec, const char *base, const char *want) {
        struct tm tm = { 0 };
        char got[1024];
        uint64_t b;

        strptime(base, "%Y-%m-%d %H:%M:%S", &tm);
        b = (uint64_t) timegm(&tm) * 1000000;
        ours(spec, b, 2, got, sizeof(got));
        printf("# %s after %s\n", spec, base);
        CHECK_STR(got, want);
}

static void check_error(const char *spec, int want_r, const char *want_msg) {
        CalendarSpec *c = NULL;
        char err[256] = "";
        int r = calendar_spec_parse(spec, &c, err, sizeof(err));
        printf("# error for '%s': %s\n", spec, err);
        CHECK_INT(r, want_r);
        CHECK(strstr(err, want_msg) != NULL);
        calendar_spec_free(c);
}

int main(void) {
        static const char *const specs[] = {
                "minutely", "hourly", "daily", "weekly", "monthly", "yearly", "annually", "quarterly",
                "semiannually", "*-*-* 04:00:00", "Mon..Fri 08:00", "*:0/15", "Sat,Sun", "*:*:0/2",
                "Fri *-*-13", "*-02-29 12:00", "12-25", "4:00", "mon,wed 1:2", "Mon..Fri 08:00 UTC",
                "00..2/2:00", "*-*-1/2", "*-1..3-1", "2025-*-* 00:00:00", "2020-*-*", "*-02-30", "24-06-01",
                "Tue,Thu..Sat *-*-* 9..17:30", "*-*-* *:5,35:10", "hourly UTC", "Sun *-*-* 02:30",
                "*-*-* 02:30:00", "*-03-31 2:00..3/1:00", "Wednesday 23:59:59", "*-12-31 23:59:59",
        };
        static const char *const zones[] = { "UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata" };
        static const char *const bases[] = {
                "2024-01-31 12:00:00", "2024-02-28 23:59:59", "2024-03-30 12:00:00", "2024-12-31 23:30:00",
                "2025-06-15 07:07:07",
        };
        const char *analyze;

        /* Fixed expectations, UTC. */
        setenv("TZ", "UTC", 1);
        tzset();
        check_fixed("daily", "2024-01-31 12:00:00", "2024-02-01 00:00:00\n2024-02-02 00:00:00\n");
        check_fixed("weekly", "2024-01-31 12:00:00", "2024-02-05 00:00:00\n2024-02-12 00:00:00\n");
        check_fixed("*:0/15", "2024-01-31 12:00:00", "2024-01-31 12:15:00\n2024-01-31 12:30:00\n");
        check_fixed("Mon..Fri 08:00", "2024-02-02 09:00:00", "2024-02-05 08:00:00\n2024-02-06 08:00:00\n");
        check_fixed("Sat,Sun", "2024-02-02 09:00:00", "2024-02-03 00:00:00\n2024-02-04 00:00:00\n");
        check_fixed("*-02-29 12:00", "2024-03-01 00:00:00", "2028-02-29 12:00:00\n2032-02-29 12:00:00\n");
        check_fixed("*:*:0/2", "2024-01-31 12:00:00", "2024-01-31 12:00:02\n2024-01-31 12:00:04\n");
        check_fixed("2020-*-*", "2024-01-31 12:00:00", "never\n");
        check_fixed("*-02-30", "2024-01-31 12:00:00", "never\n");
        check_fixed("*-*-* 23:59:59 UTC", "2024-12-31 23:59:59", "2025-01-01 23:59:59\n2025-01-02 23:59:59\n");
        check_error("*-*~1", -EOPNOTSUPP, "'~'");
        check_error("Mon *-*-* 00:00:00 Europe/Berlin", -EOPNOTSUPP, "time zone 'Europe/Berlin' is not supported");
        check_error("*:*:1.5", -EOPNOTSUPP, "fractional seconds");
        check_error("*-*-* 8:60", -EINVAL, "minute value out of range");
        check_error("Sat..Mon", -EINVAL, "backwards");
        check_error("fortnightly", -EINVAL, "unknown calendar event 'fortnightly'");
        check_error("*:*/15", -EINVAL, "START/N");
        check_error("", -EINVAL, "empty");
        check_error("bogus day", -EINVAL, "'day' is neither");

        analyze = find_analyze();
        if (!analyze) {
                printf("ok %d # SKIP systemd-analyze is not installed: no differential test\n", ++tap_n);
                return tap_done();
        }
        for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
                setenv("TZ", zones[z], 1);
                tzset();
                for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
                        struct tm tm = { 0 };
                        uint64_t base;
                        strptime(bases[b], "%Y-%m-%d %H:%M:%S", &tm);
                        base = (uint64_t) timegm(&tm) * 1000000;
                        static char w_all[sizeof(specs) / sizeof(specs[0])][2048];

                        if (theirs(analyze, zones[z], specs, sizeof(specs) / sizeof(specs[0]), base, ITER, w_all) < 0) {
                                CHECK(!"systemd-analyze calendar could not be run");
                                continue;
                        }
                        for (size_t s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
                                char a[2048], *w = w_all[s];
                                ours(specs[s], base, ITER, a, sizeof(a));
                                if (strncmp(a, "error", 5) == 0 && strcmp(w, "error\n") == 0)
                                        strcpy(a, w);
                                if (strcmp(a, w) != 0)
                                        printf("# TZ=%s base=%s UTC spec='%s'\n", zones[z], bases[b], specs[s]);
                                CHECK_STR(a, w);
                        }
                }
        }
        return tap_done();
}
