/* SPDX-License-Identifier: MIT */
/* Diagnostics of the units library. Nothing in units/ prints or aborts: every problem found in a
 * unit file is handed to the caller's sink as {file, line, level, message}, and the caller decides
 * how to show it (sdinit verify prints "file:line: message"). A NULL sink or NULL fn drops
 * everything, which is what the fuzzer wants.
 *
 * Levels follow systemd's use: ERROR means the unit (or file) cannot be loaded; WARNING is a
 * setting that was ignored (bad value, unknown key) while the unit still loads; NOTICE is
 * informational for verify (a directive sdinit parses but does not enforce). */
#pragma once

#include <stdio.h>

#include "sdu-util.h"

typedef enum UnitDiagLevel {
        UNIT_DIAG_DEBUG,
        UNIT_DIAG_NOTICE,
        UNIT_DIAG_WARNING,
        UNIT_DIAG_ERROR,
} UnitDiagLevel;

typedef struct UnitDiag {
        const char *file;      /* may be NULL when the problem is not tied to a file */
        unsigned line;         /* 0 when not tied to a line */
        UnitDiagLevel level;
        const char *message;   /* without file:line prefix and without trailing newline */
} UnitDiag;

typedef void (*unit_diag_fn)(const UnitDiag *d, void *userdata);

typedef struct UnitDiagSink {
        unit_diag_fn fn;
        void *userdata;
} UnitDiagSink;

void unit_diag(const UnitDiagSink *sink, UnitDiagLevel level, const char *file, unsigned line,
               const char *fmt, ...) SDU_PRINTF(5, 6);

const char *unit_diag_level_to_string(UnitDiagLevel l);

/* A ready-made sink function: prints "file:line: message" to the FILE* passed as userdata
 * (stderr when NULL). */
void unit_diag_print(const UnitDiag *d, void *userdata);
