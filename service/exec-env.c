/* SPDX-License-Identifier: MIT */
#include "service/exec-env.h"

#include <errno.h>
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

int env_file_parse(FILE *f, const char *path, char ***env,
                   void (*warn)(const char *file, unsigned line, const char *msg, void *userdata),
                   void *userdata) {
        struct buf line = {}, val = {};
        unsigned lineno = 0;
        int r;

        while ((r = read_logical_line(f, &line, &lineno)) > 0) {
                char *s = line.p, *eq, *key_end;

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
                if (r < 0 || (r = env_set_kv(env, s, val.p ? val.p : "")) < 0)
                        break;
        }
        free(line.p);
        free(val.p);
        return r < 0 ? r : 0;
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
