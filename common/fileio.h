/* SPDX-License-Identifier: MIT */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Reads the whole file at path into a NUL-terminated buffer (*ret_len: its length, without the
 * NUL; may be NULL). Retries EINTR; reads until EOF, so also pseudo-files whose size is 0.
 * Returns 0, -errno from open/read, -ENOMEM; *ret untouched on failure. The one file reader. */
int read_full_file(const char *path, char **ret, size_t *ret_len);

/* The target of the symbolic link at path, allocated in *ret. Returns 0, -errno from readlink,
 * -ENOMEM. */
int read_link(const char *path, char **ret);

/* Whether path is dir or below it, by their text (no file system access): "/a/b" is under "/a"
 * and "/a/", not under "/ab"; everything absolute is under "/". The one such helper. */
bool path_is_under(const char *path, const char *dir);
