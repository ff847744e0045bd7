/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the units library: NULL-terminated string vectors, a growable string
 * buffer, and path joining (string vectors are common/strv.h's). Everything here is allocation-only (no global state); functions return
 * -errno (only -ENOMEM in practice) and leave their outputs untouched on failure. The sdu_ prefix
 * keeps these from clashing with helpers other parts of sdinit may define. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/fileio.h"
#include "common/strv.h"

#define SDU_ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define SDU_WHITESPACE " \t\n\r"

#if defined(__GNUC__)
#define SDU_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SDU_PRINTF(a, b)
#endif

static inline bool sdu_streq(const char *a, const char *b) {
        return a && b && __builtin_strcmp(a, b) == 0;
}

char *sdu_startswith(const char *s, const char *prefix);
char *sdu_endswith(const char *s, const char *suffix);
char *sdu_strstrip(char *s);
char *sdu_strndup(const char *s, size_t n);
char *sdu_strjoin3(const char *a, const char *b, const char *c);
char *sdu_path_join(const char *a, const char *b);
bool sdu_path_is_absolute(const char *p);
bool sdu_path_is_normalized(const char *p);
char *sdu_asprintf(const char *fmt, ...) SDU_PRINTF(1, 2);

/* String vectors (strv_*, StrvBuf) and the file reader are common/'s, one copy for all of sdinit. */

/* Growable string buffer. */
typedef struct SduBuf {
        char *data;
        size_t len, cap;
} SduBuf;

int sdu_buf_putn(SduBuf *b, const char *s, size_t n);
int sdu_buf_puts(SduBuf *b, const char *s);
int sdu_buf_putc(SduBuf *b, char c);
/* Returns the NUL-terminated string and resets the buffer (never NULL unless OOM). */
char *sdu_buf_steal(SduBuf *b);
void sdu_buf_done(SduBuf *b);

bool sdu_utf8_is_valid_n(const char *s, size_t n);
