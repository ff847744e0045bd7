/* SPDX-License-Identifier: MIT */
#include "service/exec-env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"

/* A growing byte buffer; all helpers return -ENOMEM or 0. */
struct buf {
        char *p;
        size_t n, cap;
};

static int buf_put(struct buf *b, const char *s, size_t n) {
        if (b->n + n + 1 > b->cap) {
                size_t cap = (b->n + n + 1) * 2;
                char *p = realloc(b->p, cap);
                if (!p)
                        return -ENOMEM;
                b->p = p;
                b->cap = cap;
        }
        memcpy(b->p + b->n, s, n);
        b->n += n;
        b->p[b->n] = '\0';
        return 0;
}

static int buf_putc(struct buf *b, char c) {
        return buf_put(b, &c, 1);
}

/* ---- EnvironmentFile= -------------------------------------------------------------------------- */

/* Reads one logical line (joining backslash-newline continuations outside single quotes). */
static int read_logical_line(FILE *f, struct buf *b, unsigned *line) {
        int c, prev = 0;
        bool any = false;

        b->n = 0;
        /* Always a valid, terminated buffer: an empty first line has no character to put. */
        if (buf_put(b, "", 0) < 0)
                return -ENOMEM;
        while ((c = fgetc(f)) != EOF) {
                any = true;
                if (c == '\n') {
                        (*line)++;
                        if (prev == '\\') {
                                b->n--; /* drop the backslash, join */
                                b->p[b->n] = '\0';
                                prev = 0;
                                continue;
                        }
                        break;
                }
                if (buf_putc(b, (char) c) < 0)
                        return -ENOMEM;
                prev = prev == '\\' && c == '\\' ? 0 : c;
        }
        if (c == EOF && any)
                (*line)++;
        return any ? 1 : 0;
}

static int parse_value(const char *s, struct buf *out) {
        char q = 0;

        out->n = 0;
        if (buf_put(out, "", 0) < 0)
                return -ENOMEM;
        for (; *s; s++) {
                if (q == '\'') {
                        if (*s == '\'')
                                q = 0;
                        else if (buf_putc(out, *s) < 0)
                                return -ENOMEM;
                } else if (q == '"') {
                        if (*s == '"')
                                q = 0;
                        else if (*s == '\\' && s[1] && strchr("\"\\`$", s[1])) {
                                if (buf_putc(out, *++s) < 0)
                                        return -ENOMEM;
                        } else if (buf_putc(out, *s) < 0)
                                return -ENOMEM;
                } else if (*s == '\'' || *s == '"')
                        q = *s;
                else if (*s == '\\' && s[1]) {
                        if (buf_putc(out, *++s) < 0)
                                return -ENOMEM;
                } else if (*s == '#' && (s[-1] == ' ' || s[-1] == '\t'))
                        break; /* a comment after an unquoted value */
                else if (buf_putc(out, *s) < 0)
                        return -ENOMEM;
        }
        if (q)
                return -EINVAL;
        /* Unquoted trailing whitespace is not part of the value. */
        while (out->n > 0 && (out->p[out->n - 1] == ' ' || out->p[out->n - 1] == '\t'))
                out->p[--out->n] = '\0';
        return 0;
}

/* The assignments of one file are collected first and merged into the environment once, sorted
 * by key: one env_set() per line scans the whole environment each time, and a file of 100,000
 * distinct keys (1 MB) then kept PID 1 busy for seconds. The result is the same as applying the
 * lines in order: a key already set keeps its place and takes the file's last value; new keys are
 * appended in the order of their first line. */
struct env_ref {
        const char *kv; /* "KEY=VALUE" */
        size_t key_len, pos; /* pos: index in the environment, or its size + index in the file */
};

static int env_ref_cmp(const void *a, const void *b) {
        const struct env_ref *x = a, *y = b;
        int c = memcmp(x->kv, y->kv, x->key_len < y->key_len ? x->key_len : y->key_len);

        if (c != 0)
                return c;
        if (x->key_len != y->key_len)
                return x->key_len < y->key_len ? -1 : 1;
        return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Takes ownership of the n strings of add (also on failure). */
static int env_merge(char ***env, char **add, size_t n) {
        size_t m = strv_length(*env), n_new = 0;
        struct env_ref *refs;
        char **placed, **nv;

        if (n == 0)
                return 0;
        refs = calloc(m + n, sizeof(*refs));
        placed = calloc(n, sizeof(*placed));
        if (!refs || !placed) {
                free(refs);
                free(placed);
                for (size_t j = 0; j < n; j++)
                        free(add[j]);
                return -ENOMEM;
        }
        for (size_t i = 0; i < m + n; i++) {
                const char *kv = i < m ? (*env)[i] : add[i - m];
                const char *eq = strchr(kv, '=');
                refs[i] = (struct env_ref) { kv, eq ? (size_t) (eq - kv) : strlen(kv), i };
        }
        qsort(refs, m + n, sizeof(*refs), env_ref_cmp);
        for (size_t g = 0, e; g < m + n; g = e) {
                size_t last;

                for (e = g + 1; e < m + n && refs[e].key_len == refs[g].key_len &&
                                memcmp(refs[e].kv, refs[g].kv, refs[g].key_len) == 0; e++)
                        ;
                last = refs[e - 1].pos; /* the winner: the last line of the file that sets the key */
                if (last < m)
                        continue; /* the file does not set this key */
                for (size_t k = g; k < e - 1; k++)
                        if (refs[k].pos >= m) {
                                free(add[refs[k].pos - m]); /* overridden by a later line */
                                add[refs[k].pos - m] = NULL;
                        }
                if (refs[g].pos < m) {
                        free((*env)[refs[g].pos]);
                        (*env)[refs[g].pos] = add[last - m];
                } else {
                        placed[refs[g].pos - m] = add[last - m]; /* at the place of the first line */
                        n_new++;
                }
                add[last - m] = NULL;
        }
        free(refs);
        nv = n_new ? realloc(*env, (m + n_new + 1) * sizeof(char *)) : *env;
        if (!nv) {
                for (size_t j = 0; j < n; j++)
                        free(placed[j]);
                free(placed);
                return -ENOMEM;
        }
        for (size_t j = 0; j < n; j++)
                if (placed[j])
                        nv[m++] = placed[j];
        if (n_new)
                nv[m] = NULL;
        *env = nv;
        free(placed);
        return 0;
}

int env_file_parse(FILE *f, const char *path, char ***env,
                   void (*warn)(const char *file, unsigned line, const char *msg, void *userdata),
                   void *userdata) {
        struct buf line = {}, val = {};
        char **add = NULL;
        size_t n_add = 0, cap_add = 0;
        unsigned lineno = 0;
        int r;

        while ((r = read_logical_line(f, &line, &lineno)) > 0) {
                char *s = line.p, *eq, *key_end, *kv;

                while (*s == ' ' || *s == '\t')
                        s++;
                if (*s == '\0' || *s == '#' || *s == ';')
                        continue;
                if (strncmp(s, "export ", 7) == 0)
                        s += 7;
                eq = strchr(s, '=');
                key_end = eq;
                while (key_end && key_end > s && (key_end[-1] == ' ' || key_end[-1] == '\t'))
                        key_end--;
                if (!eq || !env_name_is_valid(s, (size_t) (key_end - s))) {
                        if (warn)
                                warn(path, lineno, "not a valid assignment, ignoring", userdata);
                        continue;
                }
                *key_end = '\0';
                eq++;
                while (*eq == ' ' || *eq == '\t')
                        eq++;
                r = parse_value(eq, &val);
                if (r == -EINVAL) {
                        if (warn)
                                warn(path, lineno, "unterminated quote, ignoring", userdata);
                        continue;
                }
                if (r < 0)
                        break;
                if (n_add == cap_add) {
                        char **na = realloc(add, (cap_add = cap_add ? cap_add * 2 : 16) * sizeof(char *));
                        if (!na) {
                                r = -ENOMEM;
                                break;
                        }
                        add = na;
                }
                if (asprintf(&kv, "%s=%s", s, val.p ? val.p : "") < 0) {
                        r = -ENOMEM;
                        break;
                }
                add[n_add++] = kv;
        }
        free(line.p);
        free(val.p);
        if (r < 0) {
                for (size_t j = 0; j < n_add; j++)
                        free(add[j]);
                free(add);
                return r;
        }
        r = env_merge(env, add, n_add);
        free(add);
        return r;
}

/* ---- $VAR expansion -------------------------------------------------------------------------- */

static int expand_word(const char *w, char *const *env, struct buf *out) {
        out->n = 0;
        if (buf_put(out, "", 0) < 0)
                return -ENOMEM;
        while (*w) {
                if (w[0] == '$' && w[1] == '$') {
                        if (buf_putc(out, '$') < 0)
                                return -ENOMEM;
                        w += 2;
                } else if (w[0] == '$' && w[1] == '{') {
                        const char *close = strchr(w + 2, '}');
                        if (!close || !env_name_is_valid(w + 2, (size_t) (close - w - 2))) {
                                if (buf_putc(out, *w++) < 0)
                                        return -ENOMEM;
                                continue;
                        }
                        {
                                char key[256];
                                size_t n = (size_t) (close - w - 2);
                                const char *v;
                                if (n >= sizeof(key))
                                        n = sizeof(key) - 1;
                                memcpy(key, w + 2, n);
                                key[n] = '\0';
                                v = env_get(env, key);
                                if (v && buf_put(out, v, strlen(v)) < 0)
                                        return -ENOMEM;
                        }
                        w = close + 1;
                } else if (buf_putc(out, *w++) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int exec_expand_argv(char *const *argv, char *const *env, bool no_expand, char ***ret) {
        struct buf b = {};
        char **out = NULL;
        int r = 0;

        for (size_t i = 0; argv && argv[i]; i++) {
                const char *w = argv[i];
                size_t n = strlen(w);

                if (no_expand) {
                        r = strv_extend(&out, w);
                } else if (n >= 2 && w[0] == '$' && w[1] != '{' && w[1] != '$' &&
                           env_name_is_valid(w + 1, n - 1)) {
                        /* A whole-word $VAR: split the value at whitespace. */
                        const char *v = env_get(env, w + 1), *p = v;
                        while (p && *p && r >= 0) {
                                size_t len;
                                p += strspn(p, " \t\n");
                                len = strcspn(p, " \t\n");
                                if (len > 0)
                                        r = strv_push(&out, strndup(p, len));
                                p += len;
                        }
                } else {
                        r = expand_word(w, env, &b);
                        if (r >= 0)
                                r = strv_extend(&out, b.p);
                }
                if (r < 0)
                        break;
        }
        free(b.p);
        if (r < 0) {
                strv_free(out);
                return r;
        }
        if (!out) {
                out = calloc(1, sizeof(char *));
                if (!out)
                        return -ENOMEM;
        }
        *ret = out;
        return 0;
}
