/* SPDX-License-Identifier: MIT */
/* Parser for /proc/<pid>/mountinfo (proc(5)).
 *
 * Design: parse the whole file into a heap array of small records once; callers query it.  Path
 * fields are unescaped (\040 etc.).  "Visible" means not shadowed by a later mount on the same
 * path or on an ancestor path: a mount M is shadowed when some other mount N has a mount point equal
 * to or above M's, and N is not on M's parent chain (N was mounted over the place M lives in). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct mountinfo_entry {
        int id, parent_id;
        char *root;       /* root of the mount within its file system */
        char *mountpoint; /* relative to the reader's root */
        char *options;    /* per-mount options */
        char *fstype;
        char *source;
        char *super_options;
};

struct mountinfo {
        struct mountinfo_entry *entries;
        size_t n;
        size_t *by_id; /* indices of entries sorted by (id, index): parent lookups in O(log n) */
};

/* Parse text (NUL-terminated). Malformed lines are skipped. Returns 0 or -ENOMEM. */
int mountinfo_parse(const char *text, struct mountinfo *ret);
void mountinfo_free(struct mountinfo *mi);

/* O(n + depth log n): the parent chain of idx is walked once, then every mount compared with it. */
bool mountinfo_visible(const struct mountinfo *mi, size_t idx);

/* Index of the last visible mount whose mount point is exactly path, or -1. */
long mountinfo_find_visible(const struct mountinfo *mi, const char *path);

/* Whether the comma-separated option list opts contains option opt exactly. */
bool mount_option_has(const char *opts, const char *opt);
