/* SPDX-License-Identifier: MIT */
/* The systemd.syntax(7) reader: turns a unit file (or drop-in) into a stream of
 * (section, key, value, line) assignments. It knows nothing about which sections or keys exist;
 * the caller's callbacks decide (see unit-directives.c). */
#pragma once

#include <stddef.h>

#include "unit-diag.h"

typedef struct UnitSyntaxCallbacks {
        /* Called on each section header. Return > 0 if the section is known, 0 if unknown (the
         * parser warns once and skips its assignments), < 0 to abort (-ENOMEM only). Sections
         * starting with "X-" are skipped silently without calling this. May be NULL: all
         * sections are known. */
        int (*section)(void *userdata, const char *section, const char *file, unsigned line);
        /* Called on each assignment in a known section. value has surrounding whitespace removed
         * and may be "" (an empty assignment, which resets lists). line is the last physical line
         * of the logical line, as systemd reports it. Return < 0 only to abort (-ENOMEM). */
        int (*assign)(void *userdata, const char *section, const char *key, const char *value,
                      const char *file, unsigned line);
        void *userdata;
} UnitSyntaxCallbacks;

/* Parse buf[0..len) (need not be NUL-terminated; NUL bytes inside are diagnosed). Returns 0, or
 * -ENOMEM / a negative value returned by a callback. Syntax problems are diagnostics, not
 * errors. */
int unit_syntax_parse_buffer(const char *file, const char *buf, size_t len, const UnitDiagSink *diag,
                             const UnitSyntaxCallbacks *cb);

/* Same, reading the file at path. Returns -errno when the file cannot be read. */
int unit_syntax_parse_file(const char *path, const UnitDiagSink *diag, const UnitSyntaxCallbacks *cb);
