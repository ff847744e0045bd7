/* SPDX-License-Identifier: MIT */
#include "common/strv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t strv_length(char *const *v) {
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

char **strv_free(char **v) {
        for (size_t i = 0; v && v[i]; i++)
                free(v[i]);
        free(v);
        return NULL;
}

int strv_push(char ***v, char *s) {
        size_t n = strv_length(*v);
        char **nv;

        if (!s)
                return -ENOMEM;
        nv = realloc(*v, (n + 2) * sizeof(char *));
        if (!nv) {
                free(s);
                return -ENOMEM;
        }
        nv[n] = s;
        nv[n + 1] = NULL;
        *v = nv;
        return 0;
}

int strv_extend(char ***v, const char *s) {
        return strv_push(v, strdup(s));
}

char **strv_copy(char *const *v) {
        char **c = calloc(strv_length(v) + 1, sizeof(char *));
        if (!c)
                return NULL;
        for (size_t i = 0; v && v[i]; i++)
                if (!(c[i] = strdup(v[i])))
                        return strv_free(c);
        return c;
}

bool strv_contains(char *const *v, const char *s) {
        for (size_t i = 0; v && v[i]; i++)
                if (strcmp(v[i], s) == 0)
                        return true;
        return false;
}

int strv_extend_strv(char ***v, char *const *other, bool skip_dups) {
        for (size_t i = 0; other && other[i]; i++) {
                int r;

                if (skip_dups && strv_contains(*v, other[i]))
                        continue;
                r = strv_extend(v, other[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

void strv_sort(char **v) {
        size_t n = strv_length(v);

        if (n > 1)
                qsort(v, n, sizeof(char *), cmp_str);
}

char *strv_join(char *const *v, const char *sep) {
        size_t len = 1, seplen = strlen(sep), at = 0;
        char *r;

        for (size_t i = 0; v && v[i]; i++)
                len += strlen(v[i]) + (i ? seplen : 0);
        r = malloc(len);
        if (!r)
                return NULL;
        for (size_t i = 0; v && v[i]; i++) {
                size_t n = strlen(v[i]);

                if (i) {
                        memcpy(r + at, sep, seplen);
                        at += seplen;
                }
                memcpy(r + at, v[i], n);
                at += n;
        }
        r[at] = 0;
        return r;
}

static size_t pow2_at_least(size_t n) {
        size_t c = 8;

        while (c < n)
                c *= 2;
        return c;
}

int strv_push_counted(char ***v, size_t *n, char *s) {
        /* The array holds *n + 1 pointers (with the NULL) in pow2_at_least(*n + 1) slots. */
        if (!s)
                return -ENOMEM;
        if (!*v || pow2_at_least(*n + 2) != pow2_at_least(*n + 1)) {
                char **nv = realloc(*v, pow2_at_least(*n + 2) * sizeof(char *));

                if (!nv) {
                        free(s);
                        return -ENOMEM;
                }
                *v = nv;
        }
        (*v)[(*n)++] = s;
        (*v)[*n] = NULL;
        return 0;
}

int strvbuf_push(StrvBuf *b, char *s) {
        if (!s)
                return -ENOMEM;
        if (b->n + 2 > b->cap) {
                size_t cap = b->cap ? b->cap * 2 : 4; /* most hold a command and an argument or two */
                char **nv = realloc(b->v, cap * sizeof(char *));

                if (!nv) {
                        free(s);
                        return -ENOMEM;
                }
                b->v = nv;
                b->cap = cap;
        }
        b->v[b->n++] = s;
        b->v[b->n] = NULL;
        return 0;
}

int strvbuf_extend(StrvBuf *b, const char *s) {
        return strvbuf_push(b, strdup(s));
}

bool env_name_is_valid(const char *s, size_t n) {
        if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
                        return false;
        return true;
}

static size_t key_len(const char *s) {
        const char *eq = strchr(s, '=');
        return eq ? (size_t) (eq - s) : strlen(s);
}

static ssize_t env_find(char *const *env, const char *key, size_t n) {
        for (size_t i = 0; env && env[i]; i++)
                if (strncmp(env[i], key, n) == 0 && env[i][n] == '=')
                        return (ssize_t) i;
        return -1;
}

const char *env_get(char *const *env, const char *key) {
        ssize_t i = env_find(env, key, strlen(key));
        return i < 0 ? NULL : env[i] + strlen(key) + 1;
}

int env_set(char ***env, const char *assignment) {
        size_t n = key_len(assignment);
        ssize_t i;
        char *copy;

        if (assignment[n] != '=')
                return -EINVAL;
        copy = strdup(assignment);
        if (!copy)
                return -ENOMEM;
        i = env_find(*env, assignment, n);
        if (i >= 0) {
                free((*env)[i]);
                (*env)[i] = copy;
                return 0;
        }
        return strv_push(env, copy);
}

int env_set_kv(char ***env, const char *key, const char *value) {
        char *a;
        int r;

        if (asprintf(&a, "%s=%s", key, value) < 0)
                return -ENOMEM;
        r = env_set(env, a);
        free(a);
        return r;
}

void env_unset(char **env, const char *key) {
        size_t n = key_len(key);
        ssize_t i = env_find(env, key, n);

        if (i < 0)
                return;
        if (key[n] == '=' && strcmp(env[i], key) != 0)
                return; /* "VAR=VALUE": only that exact assignment (UnsetEnvironment=) */
        free(env[i]);
        memmove(env + i, env + i + 1, (strv_length(env) - (size_t) i) * sizeof(char *));
}
