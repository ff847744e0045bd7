/* SPDX-License-Identifier: MIT */
/* A tiny streaming JSON writer for sdinit's machine-readable output.
 *
 * Design: the caller owns a struct json_writer on the stack; each call writes one value (with its
 * key when inside an object, key == NULL inside arrays) and the writer inserts the commas.  Output
 * is compact, one document per line.  Strings are escaped per RFC 8259: '"', '\\' and control
 * characters are escaped; bytes that are not valid UTF-8 are replaced by U+FFFD so the output is
 * always valid JSON even for odd path names.  Errors are sticky: json_writer_finish() reports
 * whether anything failed (too deep nesting, or a stdio error). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
        FILE *f;
        unsigned depth;
        bool need_comma[JSON_MAX_DEPTH];
        bool failed;
};

void json_writer_init(struct json_writer *w, FILE *f);
void json_begin_object(struct json_writer *w, const char *key);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w, const char *key);
void json_end_array(struct json_writer *w);
void json_string(struct json_writer *w, const char *key, const char *value); /* NULL value: null */
void json_bool(struct json_writer *w, const char *key, bool value);
void json_null(struct json_writer *w, const char *key);
void json_int(struct json_writer *w, const char *key, long long value);
void json_uint(struct json_writer *w, const char *key, unsigned long long value);
/* Write a NUL-terminated string with JSON escaping, including the quotes. */
void json_write_escaped(FILE *f, const char *s);
/* Ends the document with a newline; returns 0 or -EIO / -EINVAL (unbalanced or too deep). */
int json_writer_finish(struct json_writer *w);
