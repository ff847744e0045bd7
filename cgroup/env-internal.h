/* SPDX-License-Identifier: MIT */
/* Helpers shared by the env-*.c files of the detection library; not part of its API. */
#pragma once

#include <stddef.h>

/* Copy src into dst (size bytes), truncating, always NUL-terminated. */
void env_copy(char *dst, size_t size, const char *src);

/* snprintf for human messages, where truncation of long paths is accepted. */
__attribute__((format(printf, 3, 4)))
void env_format(char *dst, size_t size, const char *fmt, ...);

/* The parsers of /proc files, split from their reads so that they can be fuzzed (fuzz/). text is
 * NUL-terminated and may be modified. */
struct env_info;
struct env_id_extent;
/* /proc/self/status: Uid: (effective), NSpid: (innermost) or Pid:, CapEff:. */
void env_parse_status(char *text, struct env_info *info);
/* /proc/self/{uid,gid}_map: up to ENV_MAP_MAX extents into map, *n of them. */
int env_parse_id_map(const char *text, struct env_id_extent *map, size_t *n);
/* /proc/self/cgroup: the path of the "0::" line into out (size bytes), untouched if none. */
void env_parse_own_cgroup(char *text, char *out, size_t size);
/* /proc/self/environ (len bytes, NUL-separated): container=, KUBERNETES_SERVICE_HOST=,
 * SDINIT_SYSTEMD=never. */
void env_parse_environ(const char *env, size_t len, struct env_info *info);
