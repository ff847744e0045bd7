/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the units library: NULL-terminated string vectors, a growable string
 * buffer, and path joining. Everything here is allocation-only (no global state); functions return
 * -errno (only -ENOMEM in practice) and leave their outputs untouched on failure. The sdu_ prefix
 * keeps these from clashing with helpers other parts of sdinit may define. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

size_t sdu_strv_length(char * const *l);
void sdu_strv_free(char **l);
char **sdu_strv_copy(char * const *l);
/* Appends a copy of s; *l may be NULL. */
int sdu_strv_extend(char ***l, const char *s);
/* Appends s itself (takes ownership on success only). */
/* A vector built word by word: appends are amortised O(1) (sdu_strv_consume() counts the
 * vector first). v stays NULL-terminated; take it when done. */
typedef struct SduStrvBuf {
        char **v;
        size_t n, cap;
} SduStrvBuf;
int sdu_strvbuf_consume(SduStrvBuf *b, char *s);  /* takes s, also on failure */
/* Appends s to *l whose length the caller keeps in *n: amortised O(1), the capacity being the
 * power of two that *n implies. Takes s, also on failure. */
int sdu_strv_consume_counted(char ***l, size_t *n, char *s);
int sdu_strvbuf_extend(SduStrvBuf *b, const char *s);
int sdu_strv_consume(char ***l, char *s);
int sdu_strv_extend_strv(char ***l, char * const *other, bool skip_dups);
bool sdu_strv_contains(char * const *l, const char *s);
void sdu_strv_sort(char **l);
char *sdu_strv_join(char * const *l, const char *sep);

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

/* Reads a whole file (any size) into a NUL-terminated buffer. */
int sdu_read_file(const char *path, char **ret, size_t *ret_len);
bool sdu_utf8_is_valid_n(const char *s, size_t n);
