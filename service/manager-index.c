/* SPDX-License-Identifier: MIT */
/* The unit indexes, open addressing: each name of a unit (its id and aliases) to the unit, filled
 * by manager-load.c; each main and control pid to its unit. Moved whole from manager-load.c and
 * manager-procs.c; below everything that looks a unit up by name or pid. */
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

/* Each name (id and aliases) maps to one unit. The index stores the unit's position (times two)
 * and the name: a unit's id is its MUnit's (borrowed: the slot goes before the MUnit does, see
 * manager_index_renumber()), other names are the index's own copies (the low bit of `unit`). */
struct name_slot {
        char *name;
        size_t unit;
};

#define SLOT_OWNED ((size_t) 1)

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

static void slot_free(struct name_slot *s) {
        if (s->unit & SLOT_OWNED)
                free(s->name);
}

/* Maps name to the unit at position unit. borrowed: name is that unit's MUnit.id (kept as is),
 * else the index keeps a copy; take: name is a copy the index now owns. */
int index_put_slot(Index *ix, char *name, size_t unit, bool owned) {
        size_t h;

        if ((ix->used + 1) * 2 > ix->cap && index_grow(ix) < 0) {
                if (owned)
                        free(name);
                return -ENOMEM;
        }
        h = hash_name(name) & (ix->cap - 1);
        while (ix->slots[h].name) {
                if (strcmp(ix->slots[h].name, name) == 0) {
                        if (owned)
                                free(name);
                        return 0; /* first owner wins (an alias claimed twice) */
                }
                h = (h + 1) & (ix->cap - 1);
        }
        ix->slots[h].name = name;
        ix->slots[h].unit = unit << 1 | (owned ? SLOT_OWNED : 0);
        ix->used++;
        return 0;
}

/* The index owns its names other than the ids: a unit's strings go with it on daemon-reload. */
int index_put(Index *ix, const char *name, size_t unit) {
        char *c = strdup(name);
        return c ? index_put_slot(ix, c, unit, true) : -ENOMEM;
}

MUnit *index_get(Manager *m, const char *name) {
        Index *ix = manager_index(m);
        size_t h;

        if (!ix->cap)
                return NULL;
        h = hash_name(name) & (ix->cap - 1);
        while (ix->slots[h].name) {
                if (strcmp(ix->slots[h].name, name) == 0)
                        return m->units[ix->slots[h].unit >> 1];
                h = (h + 1) & (ix->cap - 1);
        }
        return NULL;
}

MUnit *manager_get_unit(Manager *m, const char *name) {
        return index_get(m, name);
}

/* After the GC: the slots of units that went are dropped without reading their names (a borrowed
 * id went with its MUnit), the others move with their names. */
void manager_index_renumber(Manager *m, const size_t *newpos) {
        Index *ix = manager_index(m);
        struct name_slot *old = ix->slots;
        size_t old_cap = ix->cap;

        ix->slots = NULL;
        ix->cap = ix->used = 0;
        for (size_t i = 0; i < old_cap; i++) {
                if (!old[i].name)
                        continue;
                if (newpos[old[i].unit >> 1] != SIZE_MAX)
                        (void) index_put_slot(ix, old[i].name, newpos[old[i].unit >> 1], old[i].unit & SLOT_OWNED);
                else
                        slot_free(&old[i]);
        }
        free(old);
}

void manager_index_free(Manager *m) {
        Index *ix = m->index;

        if (!ix)
                return;
        for (size_t i = 0; i < ix->cap; i++)
                slot_free(&ix->slots[i]);
        free(ix->slots);
        free(ix);
        m->index = NULL;
}

int manager_index_new(Manager *m) {
        m->index = calloc(1, sizeof(Index));
        return m->index ? 0 : -ENOMEM;
}

/* ---- pid -> unit ------------------------------------------------------------------------------ */

/* Open addressing with linear probing; pid 0 marks a free slot. A pid may be in several entries
 * (a unit whose main and control process are one, two units told the same MAINPID=): the look-up
 * returns the first unit in the manager's order, as the scan over the units it replaces did. */
struct PidSlot {
        pid_t pid;
        MUnit *u;
};

static size_t pid_hash(pid_t pid, size_t cap) {
        return ((uint32_t) pid * 2654435761u) & (cap - 1);
}

static void slot_put(struct PidSlot *v, size_t cap, pid_t pid, MUnit *u) {
        size_t i = pid_hash(pid, cap);
        while (v[i].pid != 0)
                i = (i + 1) & (cap - 1);
        v[i].pid = pid;
        v[i].u = u;
}

static void pid_index_add(Manager *m, pid_t pid, MUnit *u) {
        if (pid <= 0 || m->pid_index_broken)
                return;
        if ((m->pid_used + 1) * 2 > m->pid_cap) {
                size_t cap = m->pid_cap ? m->pid_cap * 2 : 64;
                struct PidSlot *v = calloc(cap, sizeof(*v));
                if (!v) {
                        /* Correct but slow from now on: the look-up scans the units. */
                        m->pid_index_broken = true;
                        free(m->pid_slots);
                        m->pid_slots = NULL;
                        m->pid_cap = m->pid_used = 0;
                        return;
                }
                for (size_t i = 0; i < m->pid_cap; i++)
                        if (m->pid_slots[i].pid != 0)
                                slot_put(v, cap, m->pid_slots[i].pid, m->pid_slots[i].u);
                free(m->pid_slots);
                m->pid_slots = v;
                m->pid_cap = cap;
        }
        slot_put(m->pid_slots, m->pid_cap, pid, u);
        m->pid_used++;
}

/* Removes one entry (pid, u), shifting the entries of the probe run back over the hole. */
static void pid_index_del(Manager *m, pid_t pid, MUnit *u) {
        size_t cap = m->pid_cap, i, j;

        if (pid <= 0 || cap == 0)
                return;
        for (i = pid_hash(pid, cap); m->pid_slots[i].pid != 0; i = (i + 1) & (cap - 1))
                if (m->pid_slots[i].pid == pid && m->pid_slots[i].u == u)
                        break;
        if (m->pid_slots[i].pid == 0)
                return;
        m->pid_used--;
        for (j = i;;) {
                size_t home;
                j = (j + 1) & (cap - 1);
                if (m->pid_slots[j].pid == 0)
                        break;
                home = pid_hash(m->pid_slots[j].pid, cap);
                /* The entry at j may fill the hole at i unless its home lies cyclically in (i, j]. */
                if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
                        m->pid_slots[i] = m->pid_slots[j];
                        i = j;
                }
        }
        m->pid_slots[i].pid = 0;
        m->pid_slots[i].u = NULL;
}

void munit_set_main_pid(MUnit *u, pid_t pid) {
        if (u->main_pid == pid)
                return;
        pid_index_del(u->m, u->main_pid, u);
        u->main_pid = pid;
        pid_index_add(u->m, pid, u);
}

void munit_set_control_pid(MUnit *u, pid_t pid) {
        if (u->control_pid == pid)
                return;
        pid_index_del(u->m, u->control_pid, u);
        u->control_pid = pid;
        pid_index_add(u->m, pid, u);
}

void manager_pid_index_forget(MUnit *u) {
        pid_index_del(u->m, u->main_pid, u);
        pid_index_del(u->m, u->control_pid, u);
}

MUnit *manager_unit_by_pid(Manager *m, pid_t pid) {
        MUnit *best = NULL;

        if (pid <= 0)
                return NULL;
        if (m->pid_index_broken) {
                for (size_t i = 0; i < m->n_units; i++)
                        if (m->units[i]->main_pid == pid || m->units[i]->control_pid == pid)
                                return m->units[i];
                return NULL;
        }
        if (m->pid_cap == 0)
                return NULL;
        for (size_t i = pid_hash(pid, m->pid_cap); m->pid_slots[i].pid != 0; i = (i + 1) & (m->pid_cap - 1)) {
                MUnit *u = m->pid_slots[i].u;
                if (m->pid_slots[i].pid == pid && (!best || u->index_in_manager < best->index_in_manager))
                        best = u;
        }
        return best;
}

void manager_pid_index_free(Manager *m) {
        free(m->pid_slots);
        m->pid_slots = NULL;
        m->pid_cap = m->pid_used = 0;
}
