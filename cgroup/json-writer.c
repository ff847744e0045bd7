/* SPDX-License-Identifier: MIT */
/* Streaming JSON writer; see json-writer.h for the design. */
#include "json-writer.h"

#include <errno.h>
#include <string.h>

void json_writer_init(struct json_writer *w, FILE *f) {
        *w = (struct json_writer) { .f = f };
}

/* Length of the valid UTF-8 sequence at s, or 0 if it is not valid (overlong, surrogate, > U+10FFFF,
 * truncated). */
static size_t utf8_valid_len(const unsigned char *s) {
        unsigned c = s[0];
        size_t n;
        uint32_t cp;

        if (c < 0x80)
                return 1;
        if (c >= 0xC2 && c <= 0xDF) {
                n = 2;
                cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
                n = 3;
                cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
                n = 4;
                cp = c & 0x07;
        } else
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xC0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3F);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return 0;
        return n;
}

void json_write_escaped(FILE *f, const char *s) {
        const unsigned char *p = (const unsigned char *) s;

        fputc('"', f);
        while (*p) {
                size_t n;

                switch (*p) {
                case '"':
                        fputs("\\\"", f);
                        p++;
                        continue;
                case '\\':
                        fputs("\\\\", f);
                        p++;
                        continue;
                case '\n':
                        fputs("\\n", f);
                        p++;
                        continue;
                case '\t':
                        fputs("\\t", f);
                        p++;
                        continue;
                case '\r':
                        fputs("\\r", f);
                        p++;
                        continue;
                case '\b':
                        fputs("\\b", f);
                        p++;
                        continue;
                case '\f':
                        fputs("\\f", f);
                        p++;
                        continue;
                default:
                        break;
                }
                if (*p < 0x20) {
                        fprintf(f, "\\u%04x", *p);
                        p++;
                        continue;
                }
                n = utf8_valid_len(p);
                if (n == 0) {
                        fputs("\\ufffd", f);
                        p++;
                        continue;
                }
                fwrite(p, 1, n, f);
                p += n;
        }
        fputc('"', f);
}

static void prefix(struct json_writer *w, const char *key) {
        if (w->depth > 0) {
                if (w->need_comma[w->depth - 1])
                        fputc(',', w->f);
                w->need_comma[w->depth - 1] = true;
        }
        if (key) {
                json_write_escaped(w->f, key);
                fputc(':', w->f);
        }
}

static void open_container(struct json_writer *w, const char *key, char c) {
        prefix(w, key);
        if (w->depth >= JSON_MAX_DEPTH) {
                w->failed = true;
                return;
        }
        fputc(c, w->f);
        w->need_comma[w->depth++] = false;
}

static void close_container(struct json_writer *w, char c) {
        if (w->depth == 0) {
                w->failed = true;
                return;
        }
        w->depth--;
        fputc(c, w->f);
}

void json_begin_object(struct json_writer *w, const char *key) {
        open_container(w, key, '{');
}

void json_end_object(struct json_writer *w) {
        close_container(w, '}');
}

void json_begin_array(struct json_writer *w, const char *key) {
        open_container(w, key, '[');
}

void json_end_array(struct json_writer *w) {
        close_container(w, ']');
}

void json_string(struct json_writer *w, const char *key, const char *value) {
        prefix(w, key);
        if (value)
                json_write_escaped(w->f, value);
        else
                fputs("null", w->f);
}

void json_bool(struct json_writer *w, const char *key, bool value) {
        prefix(w, key);
        fputs(value ? "true" : "false", w->f);
}

void json_null(struct json_writer *w, const char *key) {
        prefix(w, key);
        fputs("null", w->f);
}

void json_int(struct json_writer *w, const char *key, long long value) {
        prefix(w, key);
        fprintf(w->f, "%lld", value);
}

void json_uint(struct json_writer *w, const char *key, unsigned long long value) {
        prefix(w, key);
        fprintf(w->f, "%llu", value);
}

int json_writer_finish(struct json_writer *w) {
        fputc('\n', w->f);
        if (w->failed || w->depth != 0)
                return -EINVAL;
        if (fflush(w->f) != 0 || ferror(w->f))
                return -EIO;
        return 0;
}
