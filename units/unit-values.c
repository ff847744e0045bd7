/* SPDX-License-Identifier: MIT */
/* Value parsers, see unit-values.h. Every parser validates the complete string and leaves its
 * outputs untouched on failure. */
#include "unit-values.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>

#include "common/signames.h"
#include "sdu-util.h"

int sdu_parse_boolean(const char *v) {
        static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
        static const char *const no[] = { "0", "no", "n", "false", "f", "off" };

        if (!v)
                return -EINVAL;
        for (size_t i = 0; i < SDU_ELEMENTSOF(yes); i++)
                if (strcasecmp(v, yes[i]) == 0)
                        return 1;
        for (size_t i = 0; i < SDU_ELEMENTSOF(no); i++)
                if (strcasecmp(v, no[i]) == 0)
                        return 0;
        return -EINVAL;
}

int sdu_safe_atou64(const char *s, uint64_t *ret) {
        unsigned long long v;
        char *e;

        s += strspn(s, SDU_WHITESPACE);
        if (!isdigit((unsigned char) *s))
                return -EINVAL;
        errno = 0;
        v = strtoull(s, &e, 10);
        if (errno == ERANGE)
                return -ERANGE;
        if (*e)
                return -EINVAL;
        *ret = v;
        return 0;
}

int sdu_safe_atoi(const char *s, int *ret) {
        long v;
        char *e;

        s += strspn(s, SDU_WHITESPACE);
        if (!*s || !(isdigit((unsigned char) *s) || ((*s == '-' || *s == '+') && isdigit((unsigned char) s[1]))))
                return -EINVAL;
        errno = 0;
        v = strtol(s, &e, 10);
        if (errno == ERANGE || v < INT_MIN || v > INT_MAX)
                return -ERANGE;
        if (*e)
                return -EINVAL;
        *ret = (int) v;
        return 0;
}

int sdu_parse_mode(const char *s, mode_t *ret) {
        unsigned long v;
        char *e;

        s += strspn(s, SDU_WHITESPACE);
        if (!*s || !(*s >= '0' && *s <= '7'))
                return -EINVAL;
        errno = 0;
        v = strtoul(s, &e, 8);
        if (errno == ERANGE || v > 07777)
                return -ERANGE;
        if (*e)
                return -EINVAL;
        *ret = (mode_t) v;
        return 0;
}

/* ---- numbers with unit suffixes ---- */

typedef struct Multiplier {
        const char *suffix;
        uint64_t factor;
} Multiplier;

/* Parses "123", "1.5" into an integer part and a fraction (numerator/denominator). */
static int parse_decimal(const char **p, uint64_t *ret_int, uint64_t *ret_frac, uint64_t *ret_frac_div) {
        const char *s = *p;
        uint64_t v = 0, frac = 0, div = 1;
        bool digits = false;

        while (isdigit((unsigned char) *s)) {
                if (v > (UINT64_MAX - 9) / 10)
                        return -ERANGE;
                v = v * 10 + (uint64_t) (*s - '0');
                s++;
                digits = true;
        }
        if (*s == '.') {
                s++;
                while (isdigit((unsigned char) *s)) {
                        /* Keep up to 18 fractional digits, ignore the rest. */
                        if (div < UINT64_C(1000000000000000000)) {
                                frac = frac * 10 + (uint64_t) (*s - '0');
                                div *= 10;
                        }
                        s++;
                        digits = true;
                }
        }
        if (!digits)
                return -EINVAL;
        *p = s;
        *ret_int = v;
        *ret_frac = frac;
        *ret_frac_div = div;
        return 0;
}

static const Multiplier *match_multiplier(const char *p, const Multiplier *table, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (sdu_startswith(p, table[i].suffix))
                        return table + i;
        return NULL;
}

/* Shared loop of time and size parsing: "N[unit] N[unit] ...". */
static int parse_with_units(const char *s, uint64_t default_factor, const Multiplier *table, size_t n,
                            uint64_t *ret) {
        uint64_t sum = 0;
        bool something = false;
        const char *p = s;

        for (;;) {
                uint64_t iv, frac, div, factor, part;
                const Multiplier *m;
                int r;

                p += strspn(p, SDU_WHITESPACE);
                if (!*p) {
                        if (!something)
                                return -EINVAL;
                        break;
                }
                if (*p == '-')
                        return -ERANGE;
                r = parse_decimal(&p, &iv, &frac, &div);
                if (r < 0)
                        return r;
                p += strspn(p, SDU_WHITESPACE);
                m = match_multiplier(p, table, n);
                if (m) {
                        factor = m->factor;
                        p += strlen(m->suffix);
                } else
                        factor = default_factor;
                if (iv > 0 && factor > UINT64_MAX / iv)
                        return -ERANGE;
                part = iv * factor;
                /* Fractional part: frac/div * factor, computed without overflow for sane inputs. */
                if (frac > 0) {
                        long double f = (long double) frac / (long double) div * (long double) factor;
                        if (f >= (long double) (UINT64_MAX - part))
                                return -ERANGE;
                        part += (uint64_t) f;
                }
                if (part > UINT64_MAX - sum)
                        return -ERANGE;
                sum += part;
                something = true;
        }
        *ret = sum;
        return 0;
}

#define USEC_PER_MSEC UINT64_C(1000)
#define USEC_PER_MINUTE (UINT64_C(60) * SDU_USEC_PER_SEC)
#define USEC_PER_HOUR (UINT64_C(60) * USEC_PER_MINUTE)
#define USEC_PER_DAY (UINT64_C(24) * USEC_PER_HOUR)
#define USEC_PER_WEEK (UINT64_C(7) * USEC_PER_DAY)
#define USEC_PER_MONTH (UINT64_C(2629800) * SDU_USEC_PER_SEC)
#define USEC_PER_YEAR (UINT64_C(31557600) * SDU_USEC_PER_SEC)

/* Order matters: the first prefix match wins, so longer spellings come first. */
static const Multiplier time_units[] = {
        { "seconds", SDU_USEC_PER_SEC }, { "second", SDU_USEC_PER_SEC }, { "sec", SDU_USEC_PER_SEC },
        { "s", SDU_USEC_PER_SEC },       { "minutes", USEC_PER_MINUTE }, { "minute", USEC_PER_MINUTE },
        { "min", USEC_PER_MINUTE },      { "months", USEC_PER_MONTH },   { "month", USEC_PER_MONTH },
        { "M", USEC_PER_MONTH },         { "msec", USEC_PER_MSEC },      { "ms", USEC_PER_MSEC },
        { "m", USEC_PER_MINUTE },        { "hours", USEC_PER_HOUR },     { "hour", USEC_PER_HOUR },
        { "hr", USEC_PER_HOUR },         { "h", USEC_PER_HOUR },         { "days", USEC_PER_DAY },
        { "day", USEC_PER_DAY },         { "d", USEC_PER_DAY },          { "weeks", USEC_PER_WEEK },
        { "week", USEC_PER_WEEK },       { "w", USEC_PER_WEEK },         { "years", USEC_PER_YEAR },
        { "year", USEC_PER_YEAR },       { "y", USEC_PER_YEAR },         { "usec", 1 },
        { "us", 1 },                     { "\xce\xbcs", 1 },             { "\xc2\xb5s", 1 },
};

int sdu_parse_time(const char *s, uint64_t default_unit, uint64_t *ret) {
        const char *p = s + strspn(s, SDU_WHITESPACE);
        char *tmp;
        int r;

        tmp = strdup(p);
        if (!tmp)
                return -ENOMEM;
        if (sdu_streq(sdu_strstrip(tmp), "infinity")) {
                free(tmp);
                *ret = SDU_USEC_INFINITY;
                return 0;
        }
        free(tmp);
        r = parse_with_units(p, default_unit, time_units, SDU_ELEMENTSOF(time_units), ret);
        if (r >= 0 && *ret == SDU_USEC_INFINITY)
                return -ERANGE;
        return r;
}

int sdu_parse_sec(const char *s, uint64_t *ret) {
        return sdu_parse_time(s, SDU_USEC_PER_SEC, ret);
}

char *sdu_format_timespan(uint64_t t) {
        static const struct {
                const char *suffix;
                uint64_t usec;
        } table[] = {
                { "y", USEC_PER_YEAR }, { "month", USEC_PER_MONTH }, { "w", USEC_PER_WEEK },
                { "d", USEC_PER_DAY },  { "h", USEC_PER_HOUR },      { "min", USEC_PER_MINUTE },
                { "s", SDU_USEC_PER_SEC }, { "ms", USEC_PER_MSEC }, { "us", 1 },
        };
        SduBuf b = {};

        if (t == SDU_USEC_INFINITY)
                return strdup("infinity");
        if (t == 0)
                return strdup("0");
        for (size_t i = 0; i < SDU_ELEMENTSOF(table) && t > 0; i++) {
                char part[48];
                uint64_t n;

                if (t < table[i].usec)
                        continue;
                n = t / table[i].usec;
                t -= n * table[i].usec;
                snprintf(part, sizeof(part), "%s%llu%s", b.len > 0 ? " " : "", (unsigned long long) n,
                         table[i].suffix);
                if (sdu_buf_puts(&b, part) < 0) {
                        sdu_buf_done(&b);
                        return NULL;
                }
        }
        return sdu_buf_steal(&b);
}

static const Multiplier size_units[] = {
        { "E", UINT64_C(1) << 60 }, { "P", UINT64_C(1) << 50 }, { "T", UINT64_C(1) << 40 },
        { "G", UINT64_C(1) << 30 }, { "M", UINT64_C(1) << 20 }, { "K", UINT64_C(1) << 10 },
        { "B", 1 },
};

int sdu_parse_size(const char *s, uint64_t *ret) {
        return parse_with_units(s, 1, size_units, SDU_ELEMENTSOF(size_units), ret);
}

int sdu_parse_permyriad(const char *s, unsigned *ret) {
        static const struct {
                const char *suffix;
                uint64_t factor;
                uint64_t max_div; /* allowed fractional precision */
        } kinds[] = {
                { "%", 100, 100 },
                { "\xe2\x80\xb0", 10, 10 },  /* ‰ */
                { "\xe2\x80\xb1", 1, 1 },    /* ‱ */
        };
        const char *p = s + strspn(s, SDU_WHITESPACE);

        for (size_t i = 0; i < SDU_ELEMENTSOF(kinds); i++) {
                char *num, *e = sdu_endswith(p, kinds[i].suffix);
                const char *q;
                uint64_t iv, frac, div, v;
                int r;

                if (!e)
                        continue;
                num = sdu_strndup(p, (size_t) (e - p));
                if (!num)
                        return -ENOMEM;
                q = num;
                r = parse_decimal(&q, &iv, &frac, &div);
                if (r >= 0 && *q)
                        r = -EINVAL;
                free(num);
                if (r < 0)
                        return r;
                if (div > kinds[i].max_div)
                        return -EINVAL;
                if (iv > 10000)
                        return -ERANGE;
                v = iv * kinds[i].factor + frac * (kinds[i].factor / div);
                if (v > 10000)
                        return -ERANGE;
                *ret = (unsigned) v;
                return 0;
        }
        return -EINVAL;
}

/* Signal names: common/signames.c, the one table. */

/* ---- rlimits ---- */

static const struct {
        const char *key;
        int resource;
} rlimit_table[] = {
        { "LimitCPU", RLIMIT_CPU },         { "LimitFSIZE", RLIMIT_FSIZE },
        { "LimitDATA", RLIMIT_DATA },       { "LimitSTACK", RLIMIT_STACK },
        { "LimitCORE", RLIMIT_CORE },       { "LimitRSS", RLIMIT_RSS },
        { "LimitNOFILE", RLIMIT_NOFILE },   { "LimitAS", RLIMIT_AS },
        { "LimitNPROC", RLIMIT_NPROC },     { "LimitMEMLOCK", RLIMIT_MEMLOCK },
        { "LimitLOCKS", RLIMIT_LOCKS },     { "LimitSIGPENDING", RLIMIT_SIGPENDING },
        { "LimitMSGQUEUE", RLIMIT_MSGQUEUE }, { "LimitNICE", RLIMIT_NICE },
        { "LimitRTPRIO", RLIMIT_RTPRIO },   { "LimitRTTIME", RLIMIT_RTTIME },
};

int sdu_rlimit_from_directive(const char *key) {
        for (size_t i = 0; i < SDU_ELEMENTSOF(rlimit_table); i++)
                if (sdu_streq(rlimit_table[i].key, key))
                        return rlimit_table[i].resource;
        return -EINVAL;
}

const char *sdu_rlimit_to_directive(int resource) {
        for (size_t i = 0; i < SDU_ELEMENTSOF(rlimit_table); i++)
                if (rlimit_table[i].resource == resource)
                        return rlimit_table[i].key;
        return NULL;
}

static int rlimit_parse_one(int resource, const char *s, uint64_t *ret) {
        uint64_t v;
        int r;

        if (sdu_streq(s, "infinity")) {
                *ret = SDU_SIZE_INFINITY;
                return 0;
        }
        switch (resource) {
        case RLIMIT_FSIZE:
        case RLIMIT_DATA:
        case RLIMIT_STACK:
        case RLIMIT_CORE:
        case RLIMIT_RSS:
        case RLIMIT_AS:
        case RLIMIT_MEMLOCK:
        case RLIMIT_MSGQUEUE:
                r = sdu_parse_size(s, &v);
                break;
        case RLIMIT_CPU:
                r = sdu_parse_sec(s, &v);
                if (r >= 0 && v != SDU_USEC_INFINITY)
                        v = (v + SDU_USEC_PER_SEC - 1) / SDU_USEC_PER_SEC;
                break;
        case RLIMIT_RTTIME:
                r = sdu_parse_time(s, 1, &v);
                break;
        case RLIMIT_NICE: {
                int n;

                /* "+N"/"-N" is a nice level, a bare number the raw 0..40 rlimit value. */
                if (*s == '+' || *s == '-') {
                        r = sdu_safe_atoi(s, &n);
                        if (r >= 0 && (n < -20 || n > 19))
                                r = -ERANGE;
                        v = (uint64_t) (20 - n);
                } else {
                        r = sdu_safe_atou64(s, &v);
                        if (r >= 0 && v > 40)
                                r = -ERANGE;
                }
                break;
        }
        default:
                r = sdu_safe_atou64(s, &v);
        }
        if (r < 0)
                return r;
        *ret = v;
        return 0;
}

int sdu_parse_rlimit(int resource, const char *s, uint64_t *ret_soft, uint64_t *ret_hard) {
        const char *colon = strchr(s, ':');
        uint64_t soft, hard;
        int r;

        if (!colon) {
                r = rlimit_parse_one(resource, s, &soft);
                hard = soft;
        } else {
                char *a = sdu_strndup(s, (size_t) (colon - s));

                if (!a)
                        return -ENOMEM;
                r = rlimit_parse_one(resource, a, &soft);
                free(a);
                if (r >= 0)
                        r = rlimit_parse_one(resource, colon + 1, &hard);
                if (r >= 0 && soft > hard)
                        r = -EILSEQ;
        }
        if (r < 0)
                return r;
        *ret_soft = soft;
        *ret_hard = hard;
        return 0;
}

/* ---- capabilities ---- */

static const char *const cap_names[SDU_CAP_LAST + 1] = {
        "cap_chown",           "cap_dac_override",   "cap_dac_read_search", "cap_fowner",
        "cap_fsetid",          "cap_kill",           "cap_setgid",          "cap_setuid",
        "cap_setpcap",         "cap_linux_immutable", "cap_net_bind_service", "cap_net_broadcast",
        "cap_net_admin",       "cap_net_raw",        "cap_ipc_lock",        "cap_ipc_owner",
        "cap_sys_module",      "cap_sys_rawio",      "cap_sys_chroot",      "cap_sys_ptrace",
        "cap_sys_pacct",       "cap_sys_admin",      "cap_sys_boot",        "cap_sys_nice",
        "cap_sys_resource",    "cap_sys_time",       "cap_sys_tty_config",  "cap_mknod",
        "cap_lease",           "cap_audit_write",    "cap_audit_control",   "cap_setfcap",
        "cap_mac_override",    "cap_mac_admin",      "cap_syslog",          "cap_wake_alarm",
        "cap_block_suspend",   "cap_audit_read",     "cap_perfmon",         "cap_bpf",
        "cap_checkpoint_restore",
};

int sdu_capability_from_name(const char *name) {
        uint64_t n;

        if (sdu_safe_atou64(name, &n) >= 0)
                return n <= SDU_CAP_LAST ? (int) n : -EINVAL;
        for (int i = 0; i <= SDU_CAP_LAST; i++)
                if (strcasecmp(cap_names[i], name) == 0)
                        return i;
        return -EINVAL;
}

const char *sdu_capability_to_name(int cap) {
        if (cap < 0 || cap > SDU_CAP_LAST)
                return NULL;
        return cap_names[cap];
}

int sdu_parse_capability_set(const char *s, uint64_t *ret_mask, bool *ret_invert, char **ret_bad) {
        const char *p = s + strspn(s, SDU_WHITESPACE);
        bool invert = false;
        uint64_t mask = 0;

        if (*p == '~') {
                invert = true;
                p++;
        }
        for (;;) {
                char *w;
                int r, cap;

                r = sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                cap = sdu_capability_from_name(w);
                if (cap < 0) {
                        if (ret_bad)
                                *ret_bad = w;
                        else
                                free(w);
                        return -EINVAL;
                }
                free(w);
                mask |= UINT64_C(1) << cap;
        }
        *ret_mask = mask;
        *ret_invert = invert;
        return 0;
}

/* ---- words ---- */

static int unhex_digit(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static int put_utf8(SduBuf *b, uint32_t cp) {
        char out[4];
        size_t n;

        if (cp < 0x80) {
                out[0] = (char) cp;
                n = 1;
        } else if (cp < 0x800) {
                out[0] = (char) (0xc0 | (cp >> 6));
                out[1] = (char) (0x80 | (cp & 0x3f));
                n = 2;
        } else if (cp < 0x10000) {
                out[0] = (char) (0xe0 | (cp >> 12));
                out[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
                out[2] = (char) (0x80 | (cp & 0x3f));
                n = 3;
        } else {
                out[0] = (char) (0xf0 | (cp >> 18));
                out[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
                out[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
                out[3] = (char) (0x80 | (cp & 0x3f));
                n = 4;
        }
        return sdu_buf_putn(b, out, n);
}

/* Decodes one C escape starting after the backslash. Returns the number of characters consumed
 * (>= 1) or -EINVAL for an unknown/invalid escape. */
static int cunescape_one(const char *p, SduBuf *b) {
        static const char simple_from[] = "abfnrtvs\\\"'";
        static const char simple_to[] = "\a\b\f\n\r\t\v \\\"'";
        const char *c = *p ? strchr(simple_from, *p) : NULL;
        int r;

        if (c) {
                r = sdu_buf_putc(b, simple_to[c - simple_from]);
                return r < 0 ? r : 1;
        }
        if (*p == 'x') {
                int a = unhex_digit(p[1]), d = a >= 0 ? unhex_digit(p[2]) : -1;

                if (a < 0 || d < 0 || (a == 0 && d == 0))
                        return -EINVAL;
                r = sdu_buf_putc(b, (char) ((a << 4) | d));
                return r < 0 ? r : 3;
        }
        if (*p == 'u' || *p == 'U') {
                int len = *p == 'u' ? 4 : 8;
                uint32_t cp = 0;

                for (int i = 1; i <= len; i++) {
                        int d = unhex_digit(p[i]);

                        if (d < 0)
                                return -EINVAL;
                        cp = (cp << 4) | (uint32_t) d;
                }
                if (cp == 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                        return -EINVAL;
                r = put_utf8(b, cp);
                return r < 0 ? r : len + 1;
        }
        if (*p >= '0' && *p <= '7') {
                int v = 0;

                for (int i = 0; i < 3; i++) {
                        if (p[i] < '0' || p[i] > '7')
                                return -EINVAL;
                        v = v * 8 + (p[i] - '0');
                }
                if (v == 0 || v > 255)
                        return -EINVAL;
                r = sdu_buf_putc(b, (char) v);
                return r < 0 ? r : 3;
        }
        return -EINVAL;
}

int sdu_extract_word(const char **p, char **ret, SduExtractFlags flags) {
        const char *s = *p;
        SduBuf b = {};
        char quote = 0;
        int r = 0;

        s += strspn(s, SDU_WHITESPACE);
        if (!*s) {
                *p = s;
                return 0;
        }
        r = sdu_buf_puts(&b, "");
        for (; r >= 0; s++) {
                if (!*s) {
                        if (quote) {
                                r = -EINVAL;
                                break;
                        }
                        break;
                }
                if (*s == '\\') {
                        if (!s[1]) {
                                if (flags & SDU_EXTRACT_UNESCAPE_RELAX)
                                        r = sdu_buf_putc(&b, '\\');
                                else
                                        r = -EINVAL;
                                continue;
                        }
                        if (flags & SDU_EXTRACT_CUNESCAPE) {
                                int n = cunescape_one(s + 1, &b);

                                if (n == -ENOMEM) {
                                        r = n;
                                        break;
                                }
                                if (n < 0) {
                                        if (!(flags & SDU_EXTRACT_UNESCAPE_RELAX)) {
                                                r = -EINVAL;
                                                break;
                                        }
                                        r = sdu_buf_putc(&b, '\\');
                                        continue;
                                }
                                s += n;
                        } else {
                                r = sdu_buf_putc(&b, s[1]);
                                s++;
                        }
                        continue;
                }
                if (quote) {
                        if (*s == quote)
                                quote = 0;
                        else
                                r = sdu_buf_putc(&b, *s);
                        continue;
                }
                if ((flags & SDU_EXTRACT_UNQUOTE) && (*s == '"' || *s == '\'')) {
                        quote = *s;
                        continue;
                }
                if (strchr(SDU_WHITESPACE, *s))
                        break;
                r = sdu_buf_putc(&b, *s);
        }
        if (r < 0) {
                sdu_buf_done(&b);
                return r;
        }
        s += strspn(s, SDU_WHITESPACE);
        *p = s;
        *ret = sdu_buf_steal(&b);
        return *ret ? 1 : -ENOMEM;
}

char *sdu_quote_word(const char *s) {
        SduBuf b = {};
        bool needs = !*s;

        for (const char *c = s; *c && !needs; c++)
                needs = (unsigned char) *c <= ' ' || strchr("\"'\\;", *c) || *c == 127;
        if (!needs)
                return strdup(s);
        if (sdu_buf_putc(&b, '"') < 0)
                goto oom;
        for (const char *c = s; *c; c++) {
                int r;

                if (*c == '"' || *c == '\\')
                        r = sdu_buf_putc(&b, '\\') < 0 ? -ENOMEM : sdu_buf_putc(&b, *c);
                else if (*c == '\n')
                        r = sdu_buf_puts(&b, "\\n");
                else if (*c == '\t')
                        r = sdu_buf_puts(&b, "\\t");
                else if ((unsigned char) *c < ' ' || *c == 127) {
                        char hex[5];
                        snprintf(hex, sizeof(hex), "\\x%02x", (unsigned char) *c);
                        r = sdu_buf_puts(&b, hex);
                } else
                        r = sdu_buf_putc(&b, *c);
                if (r < 0)
                        goto oom;
        }
        if (sdu_buf_putc(&b, '"') < 0)
                goto oom;
        return sdu_buf_steal(&b);
oom:
        sdu_buf_done(&b);
        return NULL;
}

/* ---- environment ---- */

bool sdu_env_assignment_is_valid(const char *s) {
        const char *eq = strchr(s, '=');

        if (!eq || !env_name_is_valid(s, (size_t) (eq - s)) || !sdu_utf8_is_valid_n(eq + 1, strlen(eq + 1)))
                return false;
        /* Values may contain newlines and tabs but no other control characters. */
        for (const char *c = eq + 1; *c; c++)
                if (((unsigned char) *c < ' ' && *c != '\n' && *c != '\t') || *c == 127)
                        return false;
        return true;
}

/* ---- exit statuses ---- */

static const struct {
        int code;
        const char *name;
} exit_status_names[] = {
        { 0, "SUCCESS" },          { 1, "FAILURE" },           { 2, "INVALIDARGUMENT" },
        { 3, "NOTIMPLEMENTED" },   { 4, "NOPERMISSION" },      { 5, "NOTINSTALLED" },
        { 6, "NOTCONFIGURED" },    { 7, "NOTRUNNING" },        { 200, "CHDIR" },
        { 201, "NICE" },           { 202, "FDS" },             { 203, "EXEC" },
        { 204, "MEMORY" },         { 205, "LIMITS" },          { 206, "OOM_ADJUST" },
        { 207, "SIGNAL_MASK" },    { 208, "STDIN" },           { 209, "STDOUT" },
        { 210, "CHROOT" },         { 211, "IOPRIO" },          { 212, "TIMERSLACK" },
        { 213, "SECUREBITS" },     { 214, "SETSCHEDULER" },    { 215, "CPUAFFINITY" },
        { 216, "GROUP" },          { 217, "USER" },            { 218, "CAPABILITIES" },
        { 219, "CGROUP" },         { 220, "SETSID" },          { 221, "CONFIRM" },
        { 222, "STDERR" },         { 224, "PAM" },             { 225, "NETWORK" },
        { 226, "NAMESPACE" },      { 227, "NO_NEW_PRIVILEGES" }, { 228, "SECCOMP" },
        { 229, "SELINUX_CONTEXT" }, { 230, "PERSONALITY" },    { 231, "APPARMOR_PROFILE" },
        { 232, "ADDRESS_FAMILIES" }, { 233, "RUNTIME_DIRECTORY" }, { 235, "CHOWN" },
        { 236, "SMACK_PROCESS_LABEL" }, { 237, "KEYRING" },    { 238, "STATE_DIRECTORY" },
        { 239, "CACHE_DIRECTORY" }, { 240, "LOGS_DIRECTORY" }, { 241, "CONFIGURATION_DIRECTORY" },
        { 242, "NUMA_POLICY" },    { 243, "CREDENTIALS" },     { 245, "BPF" },
        /* BSD sysexits.h names, which systemd accepts too (systemd-tmpfiles-setup.service uses them). */
        { 64, "USAGE" },           { 65, "DATAERR" },          { 66, "NOINPUT" },
        { 67, "NOUSER" },          { 68, "NOHOST" },           { 69, "UNAVAILABLE" },
        { 70, "SOFTWARE" },        { 71, "OSERR" },            { 72, "OSFILE" },
        { 73, "CANTCREAT" },       { 74, "IOERR" },            { 75, "TEMPFAIL" },
        { 76, "PROTOCOL" },        { 77, "NOPERM" },           { 78, "CONFIG" },
};

int sdu_exit_status_set_add(SduExitStatusSet *set, const char *s, char **ret_bad) {
        SduExitStatusSet tmp = *set;
        const char *p = s;

        for (;;) {
                uint64_t n;
                char *w;
                int r, code = -1;

                r = sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (sdu_safe_atou64(w, &n) >= 0) {
                        if (n > 255) {
                                if (ret_bad)
                                        *ret_bad = w;
                                else
                                        free(w);
                                return -ERANGE;
                        }
                        tmp.status[n / 8] |= (uint8_t) (1u << (n % 8));
                        free(w);
                        continue;
                }
                for (size_t i = 0; i < SDU_ELEMENTSOF(exit_status_names); i++)
                        if (sdu_streq(exit_status_names[i].name, w))
                                code = exit_status_names[i].code;
                if (code >= 0) {
                        tmp.status[code / 8] |= (uint8_t) (1u << (code % 8));
                        free(w);
                        continue;
                }
                code = signal_from_string(w);
                if (code <= 0 || code >= 64) {
                        if (ret_bad)
                                *ret_bad = w;
                        else
                                free(w);
                        return -EINVAL;
                }
                tmp.signal[code / 8] |= (uint8_t) (1u << (code % 8));
                free(w);
        }
        *set = tmp;
        return 0;
}

bool sdu_exit_status_set_is_empty(const SduExitStatusSet *set) {
        static const SduExitStatusSet empty = {};

        return !set || memcmp(set, &empty, sizeof(empty)) == 0;
}

bool sdu_exit_status_set_test(const SduExitStatusSet *set, int code, bool is_signal) {
        if (!set)
                return false;
        if (is_signal)
                return code > 0 && code < 64 && (set->signal[code / 8] & (1u << (code % 8)));
        return code >= 0 && code < 256 && (set->status[code / 8] & (1u << (code % 8)));
}

char *sdu_exit_status_set_to_string(const SduExitStatusSet *set) {
        SduBuf b = {};
        int r = sdu_buf_puts(&b, "");

        for (int i = 0; i < 256 && r >= 0; i++)
                if (sdu_exit_status_set_test(set, i, false)) {
                        char num[8];
                        snprintf(num, sizeof(num), "%s%d", b.len ? " " : "", i);
                        r = sdu_buf_puts(&b, num);
                }
        for (int i = 1; i < 64 && r >= 0; i++)
                if (sdu_exit_status_set_test(set, i, true)) {
                        char buf[16];
                        if (b.len)
                                r = sdu_buf_putc(&b, ' ');
                        if (r >= 0)
                                r = sdu_buf_puts(&b, signal_to_string(i, buf, sizeof(buf)));
                }
        if (r < 0) {
                sdu_buf_done(&b);
                return NULL;
        }
        return sdu_buf_steal(&b);
}

/* ---- command lines ---- */

static void exec_command_done(ExecCommand *c) {
        if (!c->argv || c->path != c->argv[0])
                free(c->path);
        strv_free(c->argv);
}

void exec_command_list_done(ExecCommandList *l) {
        for (size_t i = 0; i < l->n; i++)
                exec_command_done(&l->items[i]);
        free(l->items);
        *l = (ExecCommandList) {};
}

char *exec_command_to_string(const ExecCommand *c) {
        SduBuf b = {};
        int r = 0;

        if (c->flags & EXEC_COMMAND_IGNORE_FAILURE)
                r = sdu_buf_putc(&b, '-');
        if (r >= 0 && (c->flags & EXEC_COMMAND_SEPARATE_ARGV0))
                r = sdu_buf_putc(&b, '@');
        if (r >= 0 && (c->flags & EXEC_COMMAND_NO_ENV_EXPAND))
                r = sdu_buf_putc(&b, ':');
        if (r >= 0 && (c->flags & EXEC_COMMAND_FULLY_PRIVILEGED))
                r = sdu_buf_putc(&b, '+');
        if (r >= 0 && (c->flags & EXEC_COMMAND_NO_SETUID))
                r = sdu_buf_putc(&b, '!');
        if (r >= 0 && (c->flags & EXEC_COMMAND_AMBIENT_MAGIC))
                r = sdu_buf_puts(&b, "!!");
        /* The path, then argv[0] only when "@" made it differ, then the arguments. */
        for (size_t i = 0; r >= 0; i++) {
                size_t a = (c->flags & EXEC_COMMAND_SEPARATE_ARGV0) ? i - 1 : i;
                const char *w;
                char *q;

                if (i == 0)
                        w = c->path;
                else if (a >= strv_length(c->argv))
                        break;
                else
                        w = c->argv[a];
                q = sdu_quote_word(w);
                if (!q) {
                        r = -ENOMEM;
                        break;
                }
                if (i > 0)
                        r = sdu_buf_putc(&b, ' ');
                if (r >= 0)
                        r = sdu_buf_puts(&b, q);
                free(q);
        }
        if (r < 0) {
                sdu_buf_done(&b);
                return NULL;
        }
        return sdu_buf_steal(&b);
}

static bool string_is_safe(const char *s) {
        for (; *s; s++)
                if ((unsigned char) *s < ' ' || *s == 127 || strchr("\"'\\", *s))
                        return false;
        return true;
}

/* extract_first_word_and_warn(): on a bad escape retry keeping it verbatim, and report that. */
static int extract_exec_word(const char **p, char **ret, bool *relaxed) {
        const char *save = *p;
        int r;

        r = sdu_extract_word(p, ret, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE);
        if (r != -EINVAL)
                return r;
        *p = save;
        r = sdu_extract_word(p, ret, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE | SDU_EXTRACT_UNESCAPE_RELAX);
        if (r >= 0)
                *relaxed = true;
        return r;
}

static ExecCommandFlags parse_exec_prefixes(const char **f) {
        ExecCommandFlags flags = 0;
        const char *p = *f;
        const ExecCommandFlags privs = EXEC_COMMAND_FULLY_PRIVILEGED | EXEC_COMMAND_NO_SETUID | EXEC_COMMAND_AMBIENT_MAGIC;

        for (;; p++) {
                if (*p == '-' && !(flags & EXEC_COMMAND_IGNORE_FAILURE))
                        flags |= EXEC_COMMAND_IGNORE_FAILURE;
                else if (*p == '@' && !(flags & EXEC_COMMAND_SEPARATE_ARGV0))
                        flags |= EXEC_COMMAND_SEPARATE_ARGV0;
                else if (*p == ':' && !(flags & EXEC_COMMAND_NO_ENV_EXPAND))
                        flags |= EXEC_COMMAND_NO_ENV_EXPAND;
                else if (*p == '+' && !(flags & privs))
                        flags |= EXEC_COMMAND_FULLY_PRIVILEGED;
                else if (*p == '!' && !(flags & privs))
                        flags |= EXEC_COMMAND_NO_SETUID;
                else if (*p == '!' && (flags & EXEC_COMMAND_NO_SETUID) && !(flags & EXEC_COMMAND_AMBIENT_MAGIC)) {
                        flags &= ~EXEC_COMMAND_NO_SETUID;
                        flags |= EXEC_COMMAND_AMBIENT_MAGIC;
                } else
                        break;
        }
        *f = p;
        return flags;
}

static int apply_word_fn(sdu_word_fn fn, void *userdata, char **w) {
        return fn ? fn(w, userdata) : 0;
}

/* Parses one command (up to a ";" separator or the end). Returns 1 with a command, 0 at the end. */
static int parse_one_command(const char **p, sdu_word_fn fn, void *userdata, ExecCommand *ret,
                             const char **ret_error, bool *relaxed) {
        ExecCommand c = {};
        StrvBuf argv = {};
        char *first = NULL, *path = NULL;
        const char *f;
        int r;

        r = extract_exec_word(p, &first, relaxed);
        if (r <= 0) {
                if (r < 0)
                        *ret_error = "Unbalanced quoting";
                return r;
        }
        f = first;
        c.flags = parse_exec_prefixes(&f);
        path = strdup(f);
        free(first);
        if (!path)
                return -ENOMEM;
        r = apply_word_fn(fn, userdata, &path);
        if (r < 0) {
                *ret_error = "Failed to resolve unit specifiers";
                goto fail;
        }
        if (!*path) {
                *ret_error = "Empty path in command line";
                r = -EINVAL;
                goto fail;
        }
        if (!string_is_safe(path)) {
                *ret_error = "Executable name contains special characters";
                r = -EINVAL;
                goto fail;
        }
        if (sdu_endswith(path, "/")) {
                *ret_error = "Executable path specifies a directory";
                r = -EINVAL;
                goto fail;
        }
        if (sdu_path_is_absolute(path) ? !sdu_path_is_normalized(path) : (strchr(path, '/') != NULL)) {
                *ret_error = sdu_path_is_absolute(path) ? "Executable path is not normalized"
                                                        : "Neither a valid executable name nor an absolute path";
                r = -EINVAL;
                goto fail;
        }
        if (!(c.flags & EXEC_COMMAND_SEPARATE_ARGV0)) {
                r = strvbuf_extend(&argv, path);
                if (r < 0)
                        goto fail;
        }
        for (;;) {
                char *w;

                *p += strspn(*p, SDU_WHITESPACE);
                if ((*p)[0] == ';' && (!(*p)[1] || strchr(SDU_WHITESPACE, (*p)[1]))) {
                        (*p)++;
                        break;
                }
                if ((*p)[0] == '\\' && (*p)[1] == ';' && (!(*p)[2] || strchr(SDU_WHITESPACE, (*p)[2]))) {
                        *p += 2;
                        r = strvbuf_extend(&argv, ";");
                        if (r < 0)
                                goto fail;
                        continue;
                }
                r = extract_exec_word(p, &w, relaxed);
                if (r < 0) {
                        *ret_error = "Unbalanced quoting";
                        goto fail;
                }
                if (r == 0)
                        break;
                r = apply_word_fn(fn, userdata, &w);
                if (r < 0) {
                        free(w);
                        *ret_error = "Failed to resolve unit specifiers";
                        goto fail;
                }
                r = strvbuf_push(&argv, w);
                if (r < 0)
                        goto fail;
        }
        c.argv = argv.v;
        argv.v = NULL;
        if (!c.argv || !c.argv[0] || !*c.argv[0]) {
                *ret_error = "Empty executable name or zeroeth argument";
                r = -EINVAL;
                goto fail;
        }
        c.path = path;
        if (!(c.flags & EXEC_COMMAND_SEPARATE_ARGV0)) { /* argv[0] is the path: one string for both */
                free(path);
                c.path = c.argv[0];
        }
        *ret = c;
        return 1;
fail:
        free(path);
        strv_free(argv.v);
        strv_free(c.argv);
        return r;
}

int sdu_parse_exec_line(const char *s, sdu_word_fn fn, void *userdata, ExecCommandList *l,
                        const char **ret_error, bool *ret_relaxed) {
        ExecCommandList tmp = {};
        const char *p = s;
        bool relaxed = false;
        int r;

        *ret_error = NULL;
        for (;;) {
                ExecCommand c;
                ExecCommand *n;

                p += strspn(p, SDU_WHITESPACE);
                if (!*p)
                        break;
                r = parse_one_command(&p, fn, userdata, &c, ret_error, &relaxed);
                if (r < 0)
                        goto fail;
                if (r == 0)
                        break;
                n = realloc(tmp.items, (tmp.n + 1) * sizeof(ExecCommand));
                if (!n) {
                        exec_command_done(&c);
                        r = -ENOMEM;
                        goto fail;
                }
                tmp.items = n;
                tmp.items[tmp.n++] = c;
        }
        if (tmp.n == 0) {
                *ret_error = "Empty command line";
                r = -EINVAL;
                goto fail;
        }
        {
                ExecCommand *n = realloc(l->items, (l->n + tmp.n) * sizeof(ExecCommand));

                if (!n) {
                        r = -ENOMEM;
                        goto fail;
                }
                memcpy(n + l->n, tmp.items, tmp.n * sizeof(ExecCommand));
                l->items = n;
                l->n += tmp.n;
                free(tmp.items);
        }
        if (ret_relaxed)
                *ret_relaxed = relaxed;
        return 0;
fail:
        exec_command_list_done(&tmp);
        if (r == -ENOMEM)
                *ret_error = NULL;
        return r;
}
