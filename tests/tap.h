/* SPDX-License-Identifier: MIT */
/* Minimal TAP helpers for sdinit's C unit tests: one process per test binary, every CHECK is one
 * TAP line, the exit code is non-zero when any check failed. Header-only so each test stays one file. */
#pragma once

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define CHECK(cond)                                                                                \
        do {                                                                                       \
                tap_n++;                                                                           \
                if (cond)                                                                          \
                        printf("ok %d - %s\n", tap_n, #cond);                                      \
                else {                                                                             \
                        tap_failed++;                                                              \
                        printf("not ok %d - %s (%s:%d)\n", tap_n, #cond, __FILE__, __LINE__);      \
                }                                                                                  \
        } while (0)

#define CHECK_INT(a, b)                                                                            \
        do {                                                                                       \
                long long _a = (long long) (a), _b = (long long) (b);                              \
                tap_n++;                                                                           \
                if (_a == _b)                                                                      \
                        printf("ok %d - %s == %s\n", tap_n, #a, #b);                               \
                else {                                                                             \
                        tap_failed++;                                                              \
                        printf("not ok %d - %s == %s: %lld != %lld (%s:%d)\n", tap_n, #a, #b, _a,  \
                               _b, __FILE__, __LINE__);                                            \
                }                                                                                  \
        } while (0)

/* Values may hold newlines: they are printed only on failure, as "# " comment lines. */
static inline void tap_comment_value(const char *label, const char *v) {
        printf("#   %s: \"", label);
        for (const char *p = v ? v : "(null)"; *p; p++)
                if (*p == '\n')
                        printf("\\n");
                else
                        putchar(*p);
        printf("\"\n");
}

#define CHECK_STR(a, b)                                                                            \
        do {                                                                                       \
                const char *_a = (a), *_b = (b);                                                   \
                tap_n++;                                                                           \
                if (_a && _b && strcmp(_a, _b) == 0)                                               \
                        printf("ok %d - %s\n", tap_n, #a);                                         \
                else {                                                                             \
                        tap_failed++;                                                              \
                        printf("not ok %d - %s (%s:%d)\n", tap_n, #a, __FILE__, __LINE__);         \
                        tap_comment_value("got ", _a);                                             \
                        tap_comment_value("want", _b);                                             \
                }                                                                                  \
        } while (0)

static inline int tap_done(void) {
        printf("1..%d\n", tap_n);
        return tap_failed ? 1 : 0;
}
