/* SPDX-License-Identifier: MIT */
/* The unit index: each name of a unit (its id and aliases) to the unit, open addressing. Moved
 * whole from manager-load.c, which fills it; below everything that looks a unit up by name. */
#include "service/manager-private.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t hash_name(const char *s) {
        size_t h = 1469598103934665603ULL;
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 1099511628211ULL;
        return h;
}

/* Each name (id and aliases) maps to one unit. The index stores (unit index + 1) and the name. */
struct name_slot {
        char *name;
        size_t unit;
};

typedef struct Index {
        struct name_slot *slots;
        size_t cap, used;
} Index;

Index *manager_index(Manager *m) {
        return m->index;
}

static int index_grow(Index *ix) {
        size_t cap = ix->cap ? ix->cap * 2 : 256;
        struct name_slot *ns = calloc(cap, sizeof(*ns));
        if (!ns)
                return -ENOMEM;
        for (size_t i = 0; i < ix->cap; i++) {
                size_t h;
                if (!ix->slots[i].name)
                        continue;
                h = hash_name(ix->slots[i].name) & (cap - 1);
                while (ns[h].name)
                        h = (h + 1) & (cap - 1);
                ns[h] = ix->slots[i];
        }
        free(ix->slots);
        ix->slots = ns;
        ix->cap = cap;
        return 0;
}

int index_put(Index *ix, const char *name, size_t unit) {
        size_t h;

        if ((ix->used + 1) * 2 > ix->cap && index_grow(ix) < 0)
                return -ENOMEM;
        h = hash_name(name) & (ix->cap - 1);
        while (ix->slots[h].name) {
                if (strcmp(ix->slots[h].name, name) == 0)
                        return 0; /* first owner wins (an alias claimed twice) */
                h = (h + 1) & (ix->cap - 1);
        }
        /* The index owns its names: a unit's strings go with it on daemon-reload. */
        ix->slots[h].name = strdup(name);
        if (!ix->slots[h].name)
                return -ENOMEM;
        ix->slots[h].unit = unit;
        ix->used++;
        return 0;
}

MUnit *index_get(Manager *m, const char *name) {
        Index *ix = manager_index(m);
        size_t h;

        if (!ix->cap)
                return NULL;
        h = hash_name(name) & (ix->cap - 1);
        while (ix->slots[h].name) {
                if (strcmp(ix->slots[h].name, name) == 0)
                        return m->units[ix->slots[h].unit];
                h = (h + 1) & (ix->cap - 1);
        }
        return NULL;
}

MUnit *manager_get_unit(Manager *m, const char *name) {
        return index_get(m, name);
}

void manager_index_renumber(Manager *m, const size_t *newpos) {
        Index *ix = manager_index(m);
        struct name_slot *old = ix->slots;
        size_t old_cap = ix->cap;

        ix->slots = NULL;
        ix->cap = ix->used = 0;
        for (size_t i = 0; i < old_cap; i++) {
                if (!old[i].name)
                        continue;
                if (newpos[old[i].unit] != SIZE_MAX)
                        (void) index_put(ix, old[i].name, newpos[old[i].unit]);
                free(old[i].name);
        }
        free(old);
}

void manager_index_free(Manager *m) {
        Index *ix = m->index;

        if (!ix)
                return;
        for (size_t i = 0; i < ix->cap; i++)
                free(ix->slots[i].name);
        free(ix->slots);
        free(ix);
        m->index = NULL;
}

int manager_index_new(Manager *m) {
        m->index = calloc(1, sizeof(Index));
        return m->index ? 0 : -ENOMEM;
}
