/* SPDX-License-Identifier: MIT */
/* mountinfo parsing; see mountinfo.h for the design. Line format (proc(5)):
 *   id parent major:minor root mountpoint options [optional fields...] - fstype source superoptions */
#include "mountinfo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Unescape the kernel's octal escapes (\040 space, \011 tab, \012 newline, \134 backslash) in place. */
static void unescape_octal(char *s) {
        char *w = s;

        for (const char *r = s; *r; ) {
                if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
                    r[3] >= '0' && r[3] <= '7') {
                        *w++ = (char) (((r[1] - '0') << 6) | ((r[2] - '0') << 3) | (r[3] - '0'));
                        r += 4;
                } else
                        *w++ = *r++;
        }
        *w = 0;
}

static void entry_free(struct mountinfo_entry *e) {
        free(e->root);
        free(e->mountpoint);
        free(e->options);
        free(e->fstype);
        free(e->source);
        free(e->super_options);
}

/* Split line (modified in place) into fields; returns the number of fields stored (at most max). */
static size_t split_fields(char *line, char **fields, size_t max) {
        size_t n = 0;
        char *save = NULL;

        for (char *tok = strtok_r(line, " ", &save); tok && n < max; tok = strtok_r(NULL, " ", &save))
                fields[n++] = tok;
        return n;
}

static int parse_line(char *line, struct mountinfo_entry *ret) {
        char *f[64];
        size_t n, sep;
        char *end;
        long id, parent;

        n = split_fields(line, f, sizeof f / sizeof f[0]);
        if (n < 9)
                return -EINVAL;
        for (sep = 6; sep < n && strcmp(f[sep], "-") != 0; sep++)
                ;
        if (sep + 2 >= n)
                return -EINVAL;

        errno = 0;
        id = strtol(f[0], &end, 10);
        if (errno || *end || id < 0)
                return -EINVAL;
        parent = strtol(f[1], &end, 10);
        if (errno || *end || parent < 0)
                return -EINVAL;

        *ret = (struct mountinfo_entry) {
                .id = (int) id,
                .parent_id = (int) parent,
                .root = strdup(f[3]),
                .mountpoint = strdup(f[4]),
                .options = strdup(f[5]),
                .fstype = strdup(f[sep + 1]),
                .source = strdup(f[sep + 2]),
                .super_options = strdup(sep + 3 < n ? f[sep + 3] : ""),
        };
        if (!ret->root || !ret->mountpoint || !ret->options || !ret->fstype || !ret->source ||
            !ret->super_options) {
                entry_free(ret);
                return -ENOMEM;
        }
        unescape_octal(ret->root);
        unescape_octal(ret->mountpoint);
        unescape_octal(ret->source);
        return 0;
}

static int by_id_cmp(const void *a, const void *b, void *userdata) {
        const struct mountinfo *mi = userdata;
        size_t x = *(const size_t *) a, y = *(const size_t *) b;
        int ix = mi->entries[x].id, iy = mi->entries[y].id;

        if (ix != iy)
                return ix < iy ? -1 : 1;
        return x < y ? -1 : x > y;
}

int mountinfo_parse(const char *text, struct mountinfo *ret) {
        struct mountinfo mi = {};
        size_t cap = 0;
        char *copy, *save = NULL;
        int r = 0;

        copy = strdup(text);
        if (!copy)
                return -ENOMEM;

        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                struct mountinfo_entry e;

                r = parse_line(line, &e);
                if (r == -EINVAL) {
                        r = 0;
                        continue;
                }
                if (r < 0)
                        break;
                if (mi.n == cap) {
                        size_t ncap = cap ? cap * 2 : 32;
                        struct mountinfo_entry *ne = realloc(mi.entries, ncap * sizeof *ne);

                        if (!ne) {
                                entry_free(&e);
                                r = -ENOMEM;
                                break;
                        }
                        mi.entries = ne;
                        cap = ncap;
                }
                mi.entries[mi.n++] = e;
        }
        free(copy);
        if (r >= 0 && mi.n > 0) {
                mi.by_id = malloc(mi.n * sizeof(*mi.by_id));
                if (!mi.by_id)
                        r = -ENOMEM;
                else {
                        for (size_t i = 0; i < mi.n; i++)
                                mi.by_id[i] = i;
                        qsort_r(mi.by_id, mi.n, sizeof(*mi.by_id), by_id_cmp, &mi);
                }
        }
        if (r < 0) {
                mountinfo_free(&mi);
                return r;
        }
        *ret = mi;
        return 0;
}

void mountinfo_free(struct mountinfo *mi) {
        for (size_t i = 0; i < mi->n; i++)
                entry_free(&mi->entries[i]);
        free(mi->entries);
        free(mi->by_id);
        mi->entries = NULL;
        mi->by_id = NULL;
        mi->n = 0;
}

/* Is path a equal to or an ancestor directory of path b? */
static bool path_is_prefix(const char *a, const char *b) {
        size_t la = strlen(a);

        if (strcmp(a, "/") == 0)
                return b[0] == '/';
        if (strncmp(a, b, la) != 0)
                return false;
        return b[la] == 0 || b[la] == '/';
}

/* The first entry with this id (binary search in by_id; a linear scan without it). */
static long find_by_id(const struct mountinfo *mi, int id) {
        size_t lo = 0, hi = mi->n;

        if (!mi->by_id) {
                for (size_t i = 0; i < mi->n; i++)
                        if (mi->entries[i].id == id)
                                return (long) i;
                return -1;
        }
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (mi->entries[mi->by_id[mid]].id < id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo < mi->n && mi->entries[mi->by_id[lo]].id == id ? (long) mi->by_id[lo] : -1;
}

/* Is the mount at index anc on the parent chain of the mount at index idx (or idx itself)? */
static bool on_parent_chain(const struct mountinfo *mi, size_t idx, size_t anc) {
        long cur = (long) idx;

        /* Bounded walk: a malformed (cyclic) parent chain cannot loop forever. */
        for (size_t steps = 0; cur >= 0 && steps <= mi->n; steps++) {
                if ((size_t) cur == anc)
                        return true;
                if (mi->entries[cur].parent_id == mi->entries[cur].id)
                        return false;
                cur = find_by_id(mi, mi->entries[cur].parent_id);
        }
        return false;
}

bool mountinfo_visible(const struct mountinfo *mi, size_t idx) {
        const char *mp = mi->entries[idx].mountpoint;
        bool *chain = calloc(mi->n, sizeof(bool));

        if (chain) {
                /* Mark idx's parent chain once (the walk of on_parent_chain), then compare. */
                long cur = (long) idx;
                bool visible = true;

                for (size_t steps = 0; cur >= 0 && steps <= mi->n && !chain[cur]; steps++) {
                        chain[cur] = true;
                        if (mi->entries[cur].parent_id == mi->entries[cur].id)
                                break;
                        cur = find_by_id(mi, mi->entries[cur].parent_id);
                }
                for (size_t j = 0; j < mi->n && visible; j++)
                        if (j != idx && !chain[j] && path_is_prefix(mi->entries[j].mountpoint, mp))
                                visible = false;
                free(chain);
                return visible;
        }
        /* Out of memory: the same answer, more slowly. */
        for (size_t j = 0; j < mi->n; j++) {
                if (j == idx)
                        continue;
                if (!path_is_prefix(mi->entries[j].mountpoint, mp))
                        continue;
                if (!on_parent_chain(mi, idx, j))
                        return false;
        }
        return true;
}

long mountinfo_find_visible(const struct mountinfo *mi, const char *path) {
        for (size_t i = mi->n; i > 0; i--)
                if (strcmp(mi->entries[i - 1].mountpoint, path) == 0 && mountinfo_visible(mi, i - 1))
                        return (long) (i - 1);
        return -1;
}

bool mount_option_has(const char *opts, const char *opt) {
        size_t l = strlen(opt);

        for (const char *p = opts; p && *p; ) {
                const char *comma = strchr(p, ',');
                size_t n = comma ? (size_t) (comma - p) : strlen(p);

                if (n == l && strncmp(p, opt, l) == 0)
                        return true;
                p = comma ? comma + 1 : NULL;
        }
        return false;
}
