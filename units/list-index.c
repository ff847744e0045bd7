/* SPDX-License-Identifier: MIT */
#include "list-index.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"
#include "sdu-util.h"

/* One indexed list. slots[] is an open-addressing table of positions + 1 (0: empty). */
typedef struct List {
        char ***field;
        char **seen;    /* *field as we left it */
        size_t n, cap;  /* entries; allocated pointers of *field (with the NULL) */
        size_t *slots;
        size_t mask;    /* table size - 1 */
        SduListKey key;
} List;

struct SduListIndex {
        List *lists;
        size_t n;
};

static size_t key_len(const List *l, const char *s) {
        return l->key == SDU_LIST_KEY_ENV_NAME ? strcspn(s, "=") : strlen(s);
}

static uint64_t hash(const char *s, size_t n) {
        uint64_t h = 1469598103934665603ULL; /* FNV-1a */
        for (size_t i = 0; i < n; i++)
                h = (h ^ (unsigned char) s[i]) * 1099511628211ULL;
        return h;
}

/* The slot holding the key of s, or the empty slot where it would go. */
static size_t *lookup(List *l, const char *s) {
        size_t n = key_len(l, s);
        size_t i = (size_t) hash(s, n) & l->mask;

        for (;; i = (i + 1) & l->mask) {
                size_t *slot = l->slots + i;
                const char *e;
                if (!*slot)
                        return slot;
                e = (*l->field)[*slot - 1];
                if (key_len(l, e) == n && memcmp(e, s, n) == 0)
                        return slot;
        }
}

/* Rehashes into a table of at least 2 * want slots. */
static int rehash(List *l, size_t want) {
        size_t size = 16, *old = l->slots;

        while (size < 2 * want)
                size *= 2;
        l->slots = calloc(size, sizeof(size_t));
        if (!l->slots) {
                l->slots = old;
                return -ENOMEM;
        }
        free(old);
        l->mask = size - 1;
        for (size_t i = 0; i < l->n; i++) {
                size_t *slot = lookup(l, (*l->field)[i]);
                if (!*slot) /* a list built elsewhere may hold duplicates: the first one counts */
                        *slot = i + 1;
        }
        return 0;
}

/* Takes the list as it is now: its length, room to grow by doubling, every entry indexed. */
static int resync(List *l) {
        size_t n = strv_length(*l->field), cap = 8;
        char **v;

        while (cap < n + 1)
                cap *= 2;
        v = realloc(*l->field, cap * sizeof(char *));
        if (!v)
                return -ENOMEM;
        v[n] = NULL;
        *l->field = v;
        l->seen = v;
        l->n = n;
        l->cap = cap;
        return rehash(l, n + 1);
}

static List *list_of(SduListIndex **idx, char ***field, SduListKey key) {
        SduListIndex *x = *idx;
        List *v;

        if (!x && !(x = *idx = calloc(1, sizeof(*x))))
                return NULL;
        for (size_t i = 0; i < x->n; i++)
                if (x->lists[i].field == field)
                        return x->lists + i;
        v = realloc(x->lists, (x->n + 1) * sizeof(List));
        if (!v)
                return NULL;
        x->lists = v;
        v[x->n] = (List) { .field = field, .key = key, .seen = (char **) -1 };
        return v + x->n++;
}

int sdu_list_index_add(SduListIndex **idx, char ***field, SduListKey key, char *s, bool replace) {
        List *l = list_of(idx, field, key);
        size_t *slot;
        int r;

        if (!l) {
                free(s);
                return -ENOMEM;
        }
        /* Moved or grown elsewhere (or never seen): index it again. Only a list still where we
         * left it, with its NULL where we put it, is trusted as is. */
        if (*field != l->seen || !*field || (*field)[l->n]) {
                r = resync(l);
                if (r < 0) {
                        free(s);
                        return r;
                }
        }
        slot = lookup(l, s);
        if (*slot) {
                if (!replace) {
                        free(s);
                        return 0;
                }
                free((*field)[*slot - 1]);
                (*field)[*slot - 1] = s;
                return 1;
        }
        if (l->n + 2 > l->cap) {
                char **v = realloc(*field, 2 * l->cap * sizeof(char *));
                if (!v) {
                        free(s);
                        return -ENOMEM;
                }
                *field = l->seen = v;
                l->cap *= 2;
        }
        (*field)[l->n] = s;
        (*field)[++l->n] = NULL;
        *slot = l->n;
        if (2 * l->n > l->mask + 1 && (r = rehash(l, l->n)) < 0) {
                l->seen = (char **) -1; /* s is in the list; the next call indexes it all again */
                return r;
        }
        return 1;
}

long sdu_list_index_find(SduListIndex **idx, char ***field, SduListKey key, const char *s) {
        List *l = list_of(idx, field, key);
        size_t *slot;

        if (!l)
                return -1;
        if ((*field != l->seen || !*field || (*field)[l->n]) && resync(l) < 0)
                return -1;
        slot = lookup(l, s);
        return *slot ? (long) *slot - 1 : -1;
}

void sdu_list_index_forget(SduListIndex *idx, char ***field) {
        for (size_t i = 0; idx && i < idx->n; i++)
                if (idx->lists[i].field == field) {
                        free(idx->lists[i].slots);
                        idx->lists[i] = idx->lists[--idx->n];
                        return;
                }
}

void sdu_list_index_trim(SduListIndex *idx) {
        for (size_t i = 0; idx && i < idx->n; i++) {
                char ***field = idx->lists[i].field;
                char **v;

                if (!*field)
                        continue;
                v = realloc(*field, (strv_length(*field) + 1) * sizeof(char *));
                if (v)
                        *field = v;
        }
}

SduListIndex *sdu_list_index_free(SduListIndex *idx) {
        if (!idx)
                return NULL;
        for (size_t i = 0; i < idx->n; i++)
                free(idx->lists[i].slots);
        free(idx->lists);
        free(idx);
        return NULL;
}
