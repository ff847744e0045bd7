/* SPDX-License-Identifier: MIT */
/* Formatting and delivery of diagnostics, see unit-diag.h. */
#include "unit-diag.h"

#include <stdarg.h>
#include <stdlib.h>

void unit_diag(const UnitDiagSink *sink, UnitDiagLevel level, const char *file, unsigned line,
               const char *fmt, ...) {
        char *msg = NULL;
        va_list ap;
        int n;

        if (!sink || !sink->fn)
                return;
        va_start(ap, fmt);
        n = vasprintf(&msg, fmt, ap);
        va_end(ap);
        sink->fn(&(UnitDiag) {
                         .file = file,
                         .line = line,
                         .level = level,
                         .message = n < 0 ? "(out of memory formatting message)" : msg,
                 },
                 sink->userdata);
        if (n >= 0)
                free(msg);
}

const char *unit_diag_level_to_string(UnitDiagLevel l) {
        switch (l) {
        case UNIT_DIAG_DEBUG:
                return "debug";
        case UNIT_DIAG_NOTICE:
                return "notice";
        case UNIT_DIAG_WARNING:
                return "warning";
        case UNIT_DIAG_ERROR:
                return "error";
        }
        return "unknown";
}

void unit_diag_print(const UnitDiag *d, void *userdata) {
        FILE *f = userdata ? userdata : stderr;

        if (d->file && d->line > 0)
                fprintf(f, "%s:%u: %s\n", d->file, d->line, d->message);
        else if (d->file)
                fprintf(f, "%s: %s\n", d->file, d->message);
        else
                fprintf(f, "%s\n", d->message);
}
