/* SPDX-License-Identifier: MIT */
/* systemd.time(7) calendar events, see calendar.h.
 *
 * The next elapse is searched in civil time (year, month, day, hour, minute, second), field by
 * field from the largest, carrying into the next larger field when a field has no match left; the
 * civil result is then converted with timegm arithmetic (UTC) or mktime() (local time). A local
 * civil time that does not exist (skipped by a DST change) is not an elapse: the search goes on
 * after it, as systemd does. */
#include "calendar.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#define YEAR_MIN 1970
#define YEAR_MAX 2199
#define ITEMS_MAX 64

typedef struct Item {
        int start, end;   /* end < 0: no range */
        int step;         /* 0: no repetition */
} Item;

typedef struct Component {
        Item items[ITEMS_MAX];
        size_t n;         /* 0: "*" */
} Component;

struct CalendarSpec {
        unsigned weekdays; /* bit 0 = Sunday ... bit 6 = Saturday (struct tm's tm_wday) */
        Component year, month, day, hour, minute, second;
        bool utc;
};

typedef struct Civil {
        int year, mon, day, hour, min, sec;
} Civil;

static int fail(char *err, size_t errlen, int r, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errlen, int r, const char *fmt, ...) {
        va_list ap;

        if (err && errlen) {
                va_start(ap, fmt);
                vsnprintf(err, errlen, fmt, ap);
                va_end(ap);
        }
        return r;
}

static int parse_number(const char **p, int *ret) {
        const char *s = *p;
        long v = 0;

        if (!isdigit((unsigned char) *s))
                return -EINVAL;
        for (; isdigit((unsigned char) *s); s++) {
                v = v * 10 + (*s - '0');
                if (v > 100000)
                        return -EINVAL;
        }
        *ret = (int) v;
        *p = s;
        return 0;
}

/* One component ("*", "5", "1,3", "1..5", "0/15", "0..20/5", lists of these) up to a char of
 * `stop` or the end. */
static int parse_component(const char **p, const char *stop, Component *c, int min, int max, bool year,
                           char *err, size_t errlen, const char *what) {
        const char *s = *p;

        memset(c, 0, sizeof(*c));
        if (*s == '*') {
                s++;
                if (*s == '/')
                        return fail(err, errlen, -EINVAL, "'*/N' is not valid in the %s (use START/N)", what);
                if (*s && !strchr(stop, *s))
                        return fail(err, errlen, -EINVAL, "unexpected '%c' in the %s", *s, what);
                *p = s;
                return 0;
        }
        for (;;) {
                Item it = { .end = -1 };
                if (c->n >= ITEMS_MAX)
                        return fail(err, errlen, -EINVAL, "too many values in the %s", what);
                if (parse_number(&s, &it.start) < 0)
                        return fail(err, errlen, -EINVAL, "expected a number in the %s", what);
                if (s[0] == '.' && s[1] == '.') {
                        s += 2;
                        if (parse_number(&s, &it.end) < 0)
                                return fail(err, errlen, -EINVAL, "expected a number after '..' in the %s", what);
                }
                if (*s == '.' && isdigit((unsigned char) s[1]))
                        return fail(err, errlen, -EOPNOTSUPP, "fractional seconds are not supported");
                if (*s == '/') {
                        s++;
                        if (parse_number(&s, &it.step) < 0 || it.step == 0)
                                return fail(err, errlen, -EINVAL, "expected a positive repetition after '/' in the %s", what);
                }
                if (year) {
                        /* Two-digit years, as systemd: 00-69 are 2000-2069, 70-99 1970-1999. */
                        if (it.start < 70)
                                it.start += 2000;
                        else if (it.start < 100)
                                it.start += 1900;
                        if (it.end >= 0 && it.end < 70)
                                it.end += 2000;
                        else if (it.end >= 70 && it.end < 100)
                                it.end += 1900;
                }
                if (it.start < min || it.start > max || (it.end >= 0 && (it.end < it.start || it.end > max)))
                        return fail(err, errlen, -EINVAL, "%s value out of range (%d..%d)", what, min, max);
                c->items[c->n++] = it;
                if (*s == ',') {
                        s++;
                        continue;
                }
                if (*s && !strchr(stop, *s))
                        return fail(err, errlen, -EINVAL, "unexpected '%c' in the %s", *s, what);
                break;
        }
        *p = s;
        return 0;
}

static const char *const weekday_names[7] = {
        "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
};

static int parse_weekday_name(const char **p) {
        const char *s = *p;
        size_t n = 0;

        while (isalpha((unsigned char) s[n]))
                n++;
        for (int i = 0; i < 7; i++)
                if ((n == 3 || n == strlen(weekday_names[i])) && strncasecmp(s, weekday_names[i], n) == 0) {
                        *p = s + n;
                        return i;
                }
        return -1;
}

/* "Mon", "Mon,Wed", "Mon..Fri", "Sat,Sun". Monday is the first day of the week (ranges). */
static int parse_weekdays(const char *s, unsigned *mask, char *err, size_t errlen) {
        *mask = 0;
        for (;;) {
                int a = parse_weekday_name(&s), b;
                if (a < 0)
                        return fail(err, errlen, -EINVAL, "unknown weekday");
                b = a;
                if (s[0] == '.' && s[1] == '.') {
                        s += 2;
                        b = parse_weekday_name(&s);
                        if (b < 0)
                                return fail(err, errlen, -EINVAL, "unknown weekday after '..'");
                }
                /* Ranges run Monday (1) .. Sunday (0 -> 7). */
                int ma = a == 0 ? 7 : a, mb = b == 0 ? 7 : b;
                if (mb < ma)
                        return fail(err, errlen, -EINVAL, "weekday range runs backwards (the week starts on Monday)");
                for (int d = ma; d <= mb; d++)
                        *mask |= 1u << (d % 7);
                if (*s == ',') {
                        s++;
                        continue;
                }
                if (*s)
                        return fail(err, errlen, -EINVAL, "unexpected '%c' in the weekdays", *s);
                return 0;
        }
}

static void set_value(Component *c, int v) {
        memset(c, 0, sizeof(*c));
        c->items[0] = (Item) { .start = v, .end = -1 };
        c->n = 1;
}

static int parse_date(const char *s, CalendarSpec *c, char *err, size_t errlen) {
        const char *dash1 = strchr(s, '-'), *dash2 = dash1 ? strchr(dash1 + 1, '-') : NULL;
        int r;

        if (dash2) {
                if ((r = parse_component(&s, "-", &c->year, YEAR_MIN, YEAR_MAX, true, err, errlen, "year")) < 0)
                        return r;
                s++;
        }
        if ((r = parse_component(&s, "-", &c->month, 1, 12, false, err, errlen, "month")) < 0)
                return r;
        if (*s != '-')
                return fail(err, errlen, -EINVAL, "expected '-' after the month");
        s++;
        if ((r = parse_component(&s, "", &c->day, 1, 31, false, err, errlen, "day")) < 0)
                return r;
        return 0;
}

static int parse_time(const char *s, CalendarSpec *c, char *err, size_t errlen) {
        int r;

        if ((r = parse_component(&s, ":", &c->hour, 0, 23, false, err, errlen, "hour")) < 0)
                return r;
        if (*s != ':')
                return fail(err, errlen, -EINVAL, "expected ':' after the hour");
        s++;
        if ((r = parse_component(&s, ":", &c->minute, 0, 59, false, err, errlen, "minute")) < 0)
                return r;
        if (*s == ':') {
                s++;
                if ((r = parse_component(&s, "", &c->second, 0, 59, false, err, errlen, "second")) < 0)
                        return r;
        } else
                set_value(&c->second, 0);
        return 0;
}

/* A name of the time zone database ("Europe/Berlin", "EST5EDT"), as systemd accepts them. */
static bool is_time_zone(const char *s) {
        char path[512];
        struct stat st;

        if (!*s || s[0] == '/' || strstr(s, "..") || strlen(s) > 200)
                return false;
        for (const char *p = s; *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr("/_+-", *p))
                        return false;
        snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", s);
        return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static const struct {
        const char *name, *expansion;
} shortcuts[] = {
        { "minutely", "*-*-* *:*:00" },
        { "hourly", "*-*-* *:00:00" },
        { "daily", "*-*-* 00:00:00" },
        { "monthly", "*-*-01 00:00:00" },
        { "weekly", "Mon *-*-* 00:00:00" },
        { "yearly", "*-01-01 00:00:00" },
        { "annually", "*-01-01 00:00:00" },
        { "quarterly", "*-01,04,07,10-01 00:00:00" },
        { "semiannually", "*-01,07-01 00:00:00" },
};

int calendar_spec_parse(const char *spec, CalendarSpec **ret, char *err, size_t errlen) {
        char buf[512], *tok[8], *save = NULL;
        size_t n = 0, i = 0;
        CalendarSpec *c;
        bool have_date = false, have_time = false;
        int r;

        if (err && errlen)
                err[0] = '\0';
        if (strchr(spec, '~'))
                return fail(err, errlen, -EOPNOTSUPP, "'~' (days counted from the end of the month) is not supported");
        if (strlen(spec) >= sizeof(buf) - 64)
                return fail(err, errlen, -EINVAL, "too long");
        snprintf(buf, sizeof(buf), "%s", spec);
        for (char *t = strtok_r(buf, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
                if (n == 8)
                        return fail(err, errlen, -EINVAL, "too many words");
                tok[n++] = t;
        }
        if (n == 0)
                return fail(err, errlen, -EINVAL, "empty");

        c = calloc(1, sizeof(*c));
        if (!c)
                return -ENOMEM;
        c->weekdays = 0x7f;

        /* A trailing time zone: UTC only. */
        if (n > 1 && isalpha((unsigned char) tok[n - 1][0]) && parse_weekday_name(&(const char *) { tok[n - 1] }) < 0) {
                if (strcasecmp(tok[n - 1], "UTC") == 0 || strcasecmp(tok[n - 1], "GMT") == 0 ||
                    strcmp(tok[n - 1], "Z") == 0)
                        c->utc = true;
                else if (is_time_zone(tok[n - 1])) {
                        r = fail(err, errlen, -EOPNOTSUPP, "time zone '%s' is not supported (only UTC and local time)", tok[n - 1]);
                        goto bad;
                } else {
                        r = fail(err, errlen, -EINVAL, "'%s' is neither a weekday, a date, a time nor a time zone", tok[n - 1]);
                        goto bad;
                }
                n--;
        }
        if (n == 1)
                for (size_t k = 0; k < sizeof(shortcuts) / sizeof(shortcuts[0]); k++)
                        if (strcmp(tok[0], shortcuts[k].name) == 0) {
                                bool utc = c->utc;
                                free(c);
                                r = calendar_spec_parse(shortcuts[k].expansion, &c, err, errlen);
                                if (r < 0)
                                        return r;
                                c->utc = utc;
                                *ret = c;
                                return 0;
                        }

        if (i < n && isalpha((unsigned char) tok[i][0])) {
                if ((r = parse_weekdays(tok[i], &c->weekdays, err, errlen)) < 0) {
                        if (n == 1 && !strpbrk(tok[i], ",."))
                                r = fail(err, errlen, -EINVAL, "unknown calendar event '%s'", tok[i]);
                        goto bad;
                }
                i++;
        }
        if (i < n && !strchr(tok[i], ':')) {
                if ((r = parse_date(tok[i], c, err, errlen)) < 0)
                        goto bad;
                have_date = true;
                i++;
        }
        if (i < n) {
                if ((r = parse_time(tok[i], c, err, errlen)) < 0)
                        goto bad;
                have_time = true;
                i++;
        }
        if (i < n) {
                r = fail(err, errlen, -EINVAL, "unexpected '%s'", tok[i]);
                goto bad;
        }
        if (!have_date && !have_time && c->weekdays == 0x7f) {
                r = fail(err, errlen, -EINVAL, "no date or time");
                goto bad;
        }
        if (!have_time) {
                set_value(&c->hour, 0);
                set_value(&c->minute, 0);
                set_value(&c->second, 0);
        }
        *ret = c;
        return 0;
bad:
        free(c);
        return r;
}

CalendarSpec *calendar_spec_free(CalendarSpec *c) {
        free(c);
        return NULL;
}

bool calendar_spec_is_utc(const CalendarSpec *c) {
        return c->utc;
}

/* ---- the search ------------------------------------------------------------------------------- */

static bool item_matches(const Item *it, int v) {
        if (it->end >= 0) {
                if (v < it->start || v > it->end)
                        return false;
        } else if (it->step == 0)
                return v == it->start;
        else if (v < it->start)
                return false;
        return it->step == 0 || (v - it->start) % it->step == 0;
}

/* The smallest v' >= v, v' <= max that matches, or -1. */
static int next_match(const Component *c, int v, int max) {
        if (c->n == 0)
                return v <= max ? v : -1;
        for (; v <= max; v++)
                for (size_t i = 0; i < c->n; i++)
                        if (item_matches(&c->items[i], v))
                                return v;
        return -1;
}

static bool is_leap(int y) {
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m) {
        static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int y, int m, int d) {
        int64_t era, yoe, doy, doe;

        y -= m <= 2;
        era = (y >= 0 ? y : y - 399) / 400;
        yoe = y - era * 400;
        doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
}

static int weekday(const Civil *c) {
        int64_t d = days_from_civil(c->year, c->mon, c->day);
        return (int) (((d % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
}

static void zero_time(Civil *c) {
        c->hour = c->min = c->sec = 0;
}

static void next_month(Civil *c) {
        if (++c->mon > 12) {
                c->mon = 1;
                c->year++;
        }
        c->day = 1;
        zero_time(c);
}

static void next_day(Civil *c) {
        if (++c->day > days_in_month(c->year, c->mon))
                next_month(c);
        else
                zero_time(c);
}

static void next_hour(Civil *c) {
        if (++c->hour > 23)
                next_day(c);
        else
                c->min = c->sec = 0;
}

static void next_minute(Civil *c) {
        if (++c->min > 59)
                next_hour(c);
        else
                c->sec = 0;
}

static void next_second(Civil *c) {
        if (++c->sec > 59)
                next_minute(c);
}

/* Moves c to the first matching civil time >= c. */
static bool find_civil(const CalendarSpec *s, Civil *c) {
        for (;;) {
                int v;
                if (c->year > YEAR_MAX)
                        return false;
                v = next_match(&s->year, c->year, YEAR_MAX);
                if (v < 0)
                        return false;
                if (v != c->year) {
                        c->year = v;
                        c->mon = c->day = 1;
                        zero_time(c);
                }
                v = next_match(&s->month, c->mon, 12);
                if (v < 0) {
                        c->year++;
                        c->mon = c->day = 1;
                        zero_time(c);
                        continue;
                }
                if (v != c->mon) {
                        c->mon = v;
                        c->day = 1;
                        zero_time(c);
                }
                v = next_match(&s->day, c->day, days_in_month(c->year, c->mon));
                if (v < 0) {
                        next_month(c);
                        continue;
                }
                if (v != c->day) {
                        c->day = v;
                        zero_time(c);
                }
                if (s->weekdays != 0x7f && !(s->weekdays & (1u << weekday(c)))) {
                        next_day(c);
                        continue;
                }
                v = next_match(&s->hour, c->hour, 23);
                if (v < 0) {
                        next_day(c);
                        continue;
                }
                if (v != c->hour) {
                        c->hour = v;
                        c->min = c->sec = 0;
                }
                v = next_match(&s->minute, c->min, 59);
                if (v < 0) {
                        next_hour(c);
                        continue;
                }
                if (v != c->min) {
                        c->min = v;
                        c->sec = 0;
                }
                v = next_match(&s->second, c->sec, 59);
                if (v < 0) {
                        next_minute(c);
                        continue;
                }
                c->sec = v;
                return true;
        }
}

static void civil_from_tm(Civil *c, const struct tm *tm) {
        *c = (Civil) { tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec };
        if (c->sec > 59)
                c->sec = 59; /* leap second */
}

int calendar_spec_next(const CalendarSpec *s, uint64_t after, uint64_t *ret) {
        time_t t0 = (time_t) (after / 1000000) + 1;
        struct tm tm;
        Civil c;

        if (s->utc) {
                if (!gmtime_r(&t0, &tm))
                        return -EINVAL;
                civil_from_tm(&c, &tm);
                if (!find_civil(s, &c))
                        return -ENOENT;
                *ret = (uint64_t) ((days_from_civil(c.year, c.mon, c.day) * 86400 + c.hour * 3600 + c.min * 60 + c.sec)) * 1000000;
                return 0;
        }
        if (!localtime_r(&t0, &tm))
                return -EINVAL;
        civil_from_tm(&c, &tm);
        for (int guard = 0; guard < 100000; guard++) {
                struct tm want, back;
                time_t t;
                Civil got;

                if (!find_civil(s, &c))
                        return -ENOENT;
                want = (struct tm) { .tm_year = c.year - 1900, .tm_mon = c.mon - 1, .tm_mday = c.day,
                                     .tm_hour = c.hour, .tm_min = c.min, .tm_sec = c.sec, .tm_isdst = -1 };
                t = mktime(&want);
                if (t != (time_t) -1 && t < t0) {
                        /* Repeated by a DST change: the earlier instance is past, try the later one. */
                        want = (struct tm) { .tm_year = c.year - 1900, .tm_mon = c.mon - 1, .tm_mday = c.day,
                                             .tm_hour = c.hour, .tm_min = c.min, .tm_sec = c.sec, .tm_isdst = 0 };
                        t = mktime(&want);
                }
                if (t != (time_t) -1 && t >= t0 && localtime_r(&t, &back)) {
                        civil_from_tm(&got, &back);
                        if (memcmp(&got, &c, sizeof(c)) == 0) {
                                *ret = (uint64_t) t * 1000000;
                                return 0;
                        }
                }
                /* Skipped by a DST change (or already past): go on after it. */
                next_second(&c);
        }
        return -ENOENT;
}
