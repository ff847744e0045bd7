/* SPDX-License-Identifier: MIT */
/* Helpers shared by the cg-*.c files; not part of the API (see cg-manager.h). */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include "cg-manager.h"

/* Log through the manager's callback (no-op without one). */
__attribute__((format(printf, 3, 4)))
void cg_log(const struct cg_manager *m, int level, const char *fmt, ...);

/* snprintf for human messages, where truncating a long path is accepted. */
__attribute__((format(printf, 3, 4)))
void cg_format(char *dst, size_t size, const char *fmt, ...);

/* 0 if rel is a valid relative cgroup path ("" allowed), else -EINVAL. */
int cg_check_rel(const char *rel);
/* A cgroup path below our root that the tree may be changed at: -EINVAL (no manager, empty or not
 * a relative cgroup path, cg_check_rel()), -EOPNOTSUPP (no writable tree of our own), else 0. */
int cg_tree_path_check(const struct cg_manager *m, const char *path);

/* <own_dir>[/<rel>][/<file>] into buf. file may be NULL. -ENAMETOOLONG / -EINVAL / -ENODEV (no
 * cgroup directory). */
int cg_build(const struct cg_manager *m, const char *rel, const char *file, char *buf, size_t size);

/* Whole small file into buf (NUL-terminated, trailing newline kept). Length or -errno; -EFBIG if
 * it does not fit. */
int cg_read_small(const char *path, char *buf, size_t size);

/* Whole file, malloc'ed (caller frees). Length or -errno. */
int cg_read_alloc(const char *path, char **ret);

/* One write(2) of value to an existing file. 0 or -errno (-EIO on a short write). */
int cg_write_string(const char *path, const char *value);

/* Parse a list of pids (one per line, as cgroup.procs). Returns the count; *ret malloc'ed. */
int cg_parse_pids(const char *text, pid_t **ret);

/* "key value" line of a flat-keyed file (cgroup.events, memory.events, cpu.stat). 0 or -ENOENT. */
int cg_keyed_u64(const char *text, const char *key, unsigned long long *ret);

/* Wait (poll POLLPRI on cgroup.events, no sleeping) until "<key> <want>" shows. 0, -ETIMEDOUT,
 * -errno. */
int cg_wait_events_key(const char *events_path, const char *key, int want, int timeout_ms);
