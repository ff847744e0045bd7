/* SPDX-License-Identifier: MIT */
#pragma once

/* Scope-bound release, as systemd's and bubblewrap's: a variable declared with _cleanup_free_
 * is freed when it goes out of scope, on every return path; TAKE_PTR() hands it over (the
 * variable becomes NULL, so nothing is freed). Only for locals initialised at declaration. */

#include <stdlib.h>
#include <unistd.h>

#include "common/strv.h"

static inline void freep(void *p) {
        free(*(void **) p);
}

static inline void strv_freep(char ***p) {
        strv_free(*p);
}

static inline void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}

#define _cleanup_(f) __attribute__((cleanup(f))) /* f(&variable): a type's own *_done() */
#define _cleanup_free_ __attribute__((cleanup(freep)))
#define _cleanup_strv_free_ __attribute__((cleanup(strv_freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

#define TAKE_PTR(p)                        \
        ({                                 \
                __typeof__(p) _take_ = (p); \
                (p) = NULL;                \
                _take_;                    \
        })
