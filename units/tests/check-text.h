/* SPDX-License-Identifier: MIT */
/* CHECK_TEXT: like tap.h's CHECK_STR, for multi-line strings. tap.h prints the expected value in
 * the TAP line itself, which breaks TAP when the value contains newlines; this prints the values
 * as '#' comment blocks instead (only on failure). */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tests/tap.h"

static inline void tap_comment_block(const char *label, const char *s) {
        printf("# %s:\n", label);
        for (const char *p = s ? s : "(null)"; *p;) {
                const char *e = strchrnul(p, '\n');
                printf("#   |%.*s\n", (int) (e - p), p);
                p = *e ? e + 1 : e;
        }
}

#define CHECK_TEXT(a, b)                                                                           \
        do {                                                                                       \
                const char *_ta = (a), *_tb = (b);                                                 \
                bool text_equal = _ta && _tb && strcmp(_ta, _tb) == 0;                             \
                printf("# %s (%s:%d)\n", #a, __FILE__, __LINE__);                                  \
                CHECK(text_equal);                                                                 \
                if (!text_equal) {                                                                 \
                        tap_comment_block("got", _ta);                                             \
                        tap_comment_block("expected", _tb);                                        \
                }                                                                                  \
        } while (0)
