/* SPDX-License-Identifier: MIT */
#pragma once

/* NULL-terminated string vectors, and environment blocks ("KEY=value" vectors) built on them.
 * Functions that can fail return -ENOMEM and leave the vector valid. */

#include <stdbool.h>
#include <stddef.h>

size_t strv_length(char *const *v);
char **strv_free(char **v);
int strv_push(char ***v, char *s);           /* takes ownership of s, also on failure */
int strv_extend(char ***v, const char *s);   /* copies s */
char **strv_copy(char *const *v);            /* NULL on ENOMEM */
bool strv_contains(char *const *v, const char *s);
/* Appends copies of other's strings (skip_dups: those not already in *v). */
int strv_extend_strv(char ***v, char *const *other, bool skip_dups);
void strv_sort(char **v);                    /* strcmp order */
char *strv_join(char *const *v, const char *sep); /* NULL on ENOMEM */
/* Appends s to *v whose length the caller keeps in *n: amortised O(1), the capacity being the
 * power of two that *n implies. Takes s, also on failure. */
int strv_push_counted(char ***v, size_t *n, char *s);

/* A vector built word by word: appends are amortised O(1). v stays NULL-terminated; take it
 * when done. */
typedef struct StrvBuf {
        char **v;
        size_t n, cap;
} StrvBuf;
int strvbuf_push(StrvBuf *b, char *s);       /* takes s, also on failure */
int strvbuf_extend(StrvBuf *b, const char *s);

/* Environment blocks. A key is valid if it is a shell-like name ([A-Za-z_][A-Za-z0-9_]*). */
bool env_name_is_valid(const char *s, size_t n);
const char *env_get(char *const *env, const char *key);       /* value or NULL */
int env_set(char ***env, const char *assignment);              /* "K=V", replaces K */
int env_set_kv(char ***env, const char *key, const char *value);
void env_unset(char **env, const char *key);                    /* also accepts "K=V" */
