/* SPDX-License-Identifier: MIT */
/* Helpers shared by the env-*.c files of the detection library; not part of its API. */
#pragma once

#include <stddef.h>

/* Copy src into dst (size bytes), truncating, always NUL-terminated. */
void env_copy(char *dst, size_t size, const char *src);

/* snprintf for human messages, where truncation of long paths is accepted. */
__attribute__((format(printf, 3, 4)))
void env_format(char *dst, size_t size, const char *fmt, ...);
