/* SPDX-License-Identifier: MIT */
/* Implementation of the small string/vector/path helpers, see sdu-util.h. */
#include "sdu-util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *sdu_startswith(const char *s, const char *prefix) {
        size_t n = strlen(prefix);

        if (strncmp(s, prefix, n) != 0)
                return NULL;
        return (char *) s + n;
}

char *sdu_endswith(const char *s, const char *suffix) {
        size_t a = strlen(s), b = strlen(suffix);

        if (b > a || strcmp(s + a - b, suffix) != 0)
                return NULL;
        return (char *) s + a - b;
}

char *sdu_strstrip(char *s) {
        char *e;

        s += strspn(s, SDU_WHITESPACE);
        e = s + strlen(s);
        while (e > s && strchr(SDU_WHITESPACE, e[-1]))
                e--;
        *e = 0;
        return s;
}

char *sdu_strndup(const char *s, size_t n) {
        char *r = malloc(n + 1);

        if (!r)
                return NULL;
        memcpy(r, s, n);
        r[n] = 0;
        return r;
}

char *sdu_strjoin3(const char *a, const char *b, const char *c) {
        size_t la = a ? strlen(a) : 0, lb = b ? strlen(b) : 0, lc = c ? strlen(c) : 0;
        char *r = malloc(la + lb + lc + 1);

        if (!r)
                return NULL;
        memcpy(r, a ?: "", la);
        memcpy(r + la, b ?: "", lb);
        memcpy(r + la + lb, c ?: "", lc);
        r[la + lb + lc] = 0;
        return r;
}

char *sdu_path_join(const char *a, const char *b) {
        size_t la = strlen(a);

        while (la > 0 && a[la - 1] == '/')
                la--;
        while (*b == '/')
                b++;
        return sdu_asprintf("%.*s/%s", (int) la, a, b);
}

bool sdu_path_is_absolute(const char *p) {
        return p && p[0] == '/';
}

bool sdu_path_is_normalized(const char *p) {
        /* No "." or ".." components and no "//". */
        if (strstr(p, "//"))
                return false;
        for (const char *c = p; c && *c;) {
                const char *e = strchrnul(c, '/');
                size_t n = (size_t) (e - c);

                if ((n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
                        return false;
                c = *e ? e + 1 : e;
        }
        return true;
}

char *sdu_asprintf(const char *fmt, ...) {
        va_list ap;
        char *r;
        int n;

        va_start(ap, fmt);
        n = vasprintf(&r, fmt, ap);
        va_end(ap);
        return n < 0 ? NULL : r;
}

int sdu_buf_putn(SduBuf *b, const char *s, size_t n) {
        if (b->len + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 64;
                char *d;

                while (cap < b->len + n + 1)
                        cap *= 2;
                d = realloc(b->data, cap);
                if (!d)
                        return -ENOMEM;
                b->data = d;
                b->cap = cap;
        }
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = 0;
        return 0;
}

int sdu_buf_puts(SduBuf *b, const char *s) {
        return sdu_buf_putn(b, s, strlen(s));
}

int sdu_buf_putc(SduBuf *b, char c) {
        return sdu_buf_putn(b, &c, 1);
}

char *sdu_buf_steal(SduBuf *b) {
        char *r;

        if (!b->data && sdu_buf_putn(b, "", 0) < 0)
                return NULL;
        r = b->data;
        /* The buffer grew by doubling from 64 bytes; what it becomes is often kept for the unit's
         * life (expanded values: Description=, ExecStart= words): give the rest back. */
        if (b->cap - b->len > 16) {
                char *s = realloc(r, b->len + 1);
                if (s)
                        r = s;
        }
        *b = (SduBuf) {};
        return r;
}

void sdu_buf_done(SduBuf *b) {
        free(b->data);
        *b = (SduBuf) {};
}

bool sdu_utf8_is_valid_n(const char *str, size_t n) {
        const unsigned char *s = (const unsigned char *) str;
        size_t i = 0;

        while (i < n) {
                unsigned c = s[i];
                size_t len;
                uint32_t cp;

                if (c < 0x80) {
                        i++;
                        continue;
                }
                if ((c & 0xe0) == 0xc0)
                        len = 2, cp = c & 0x1f;
                else if ((c & 0xf0) == 0xe0)
                        len = 3, cp = c & 0x0f;
                else if ((c & 0xf8) == 0xf0)
                        len = 4, cp = c & 0x07;
                else
                        return false;
                if (i + len > n)
                        return false;
                for (size_t j = 1; j < len; j++) {
                        if ((s[i + j] & 0xc0) != 0x80)
                                return false;
                        cp = (cp << 6) | (s[i + j] & 0x3f);
                }
                /* Reject overlong forms, surrogates and values beyond Unicode. */
                if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
                    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
                        return false;
                i += len;
        }
        return true;
}
