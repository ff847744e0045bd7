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

/* Environment blocks. A key is valid if it is a shell-like name ([A-Za-z_][A-Za-z0-9_]*). */
bool env_name_is_valid(const char *s, size_t n);
const char *env_get(char *const *env, const char *key);       /* value or NULL */
int env_set(char ***env, const char *assignment);              /* "K=V", replaces K */
int env_set_kv(char ***env, const char *key, const char *value);
void env_unset(char **env, const char *key);                    /* also accepts "K=V" */
