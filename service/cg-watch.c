/* SPDX-License-Identifier: MIT */
#include "service/cg-watch.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup/cg-manager.h"
#include "service/manager-private.h"

/* Open addressing on the watch descriptor, linear probing; a removed slot keeps wd = WD_GONE so
 * that probes go on past it, and is reused by an insert. Rebuilt at half full (tombstones
 * counted), so every operation is O(1) on average and the table is bounded by the live watches. */
#define WD_FREE (-1)
#define WD_GONE (-2)

struct CgWatchSlot {
        int wd;
        MUnit *u;
};

static size_t slot_of(int wd, size_t cap) {
        return ((size_t) (unsigned) wd * 2654435761u) & (cap - 1);
}

static int table_put(Manager *m, int wd, MUnit *u);

static int table_grow(Manager *m) {
        struct CgWatchSlot *old = m->cg_watch_slots;
        size_t old_cap = m->cg_watch_cap, cap = old_cap ? old_cap * 2 : 64;

        /* Only live entries are kept: when mostly tombstones, the same size does. */
        if (old_cap && m->cg_watch_live * 4 < old_cap)
                cap = old_cap;
        m->cg_watch_slots = malloc(cap * sizeof(*old));
        if (!m->cg_watch_slots) {
                m->cg_watch_slots = old;
                return -ENOMEM;
        }
        for (size_t i = 0; i < cap; i++)
                m->cg_watch_slots[i] = (struct CgWatchSlot) { WD_FREE, NULL };
        m->cg_watch_cap = cap;
        m->cg_watch_used = m->cg_watch_live = 0;
        for (size_t i = 0; i < old_cap; i++)
                if (old[i].wd >= 0)
                        (void) table_put(m, old[i].wd, old[i].u);
        free(old);
        return 0;
}

static int table_put(Manager *m, int wd, MUnit *u) {
        size_t h;

        if ((m->cg_watch_used + 1) * 2 > m->cg_watch_cap && table_grow(m) < 0)
                return -ENOMEM;
        h = slot_of(wd, m->cg_watch_cap);
        while (m->cg_watch_slots[h].wd >= 0 && m->cg_watch_slots[h].wd != wd)
                h = (h + 1) & (m->cg_watch_cap - 1);
        if (m->cg_watch_slots[h].wd == WD_FREE)
                m->cg_watch_used++;
        if (m->cg_watch_slots[h].wd != wd)
                m->cg_watch_live++;
        m->cg_watch_slots[h] = (struct CgWatchSlot) { wd, u };
        return 0;
}

static struct CgWatchSlot *table_find(Manager *m, int wd) {
        size_t h;

        if (!m->cg_watch_cap || wd < 0)
                return NULL;
        h = slot_of(wd, m->cg_watch_cap);
        while (m->cg_watch_slots[h].wd != WD_FREE) {
                if (m->cg_watch_slots[h].wd == wd)
                        return &m->cg_watch_slots[h];
                h = (h + 1) & (m->cg_watch_cap - 1);
        }
        return NULL;
}

static void table_del(Manager *m, int wd) {
        struct CgWatchSlot *s = table_find(m, wd);

        if (s) {
                *s = (struct CgWatchSlot) { WD_GONE, NULL };
                m->cg_watch_live--;
        }
}

static void on_wd(int wd, void *userdata) {
        Manager *m = userdata;
        struct CgWatchSlot *s = table_find(m, wd);

        if (s && s->u && s->u->cgroup && m->cg_watch_fn)
                m->cg_watch_fn(s->u);
}

static int on_event(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        (void) s, (void) revents;
        (void) cg_watch_read(fd, on_wd, userdata);
        return 0;
}

static int ensure_fd(Manager *m) {
        int r;

        if (m->cg_watch_fd >= 0)
                return 0;
        m->cg_watch_fd = cg_watch_new();
        if (m->cg_watch_fd < 0)
                return m->cg_watch_fd;
        r = sd_event_add_io(m->event, &m->cg_watch_source, m->cg_watch_fd, EPOLLIN, on_event, m);
        if (r < 0) {
                close(m->cg_watch_fd);
                m->cg_watch_fd = -1;
        }
        return r;
}

int cg_watch_unit(MUnit *u, void (*fn)(MUnit *u)) {
        Manager *m = u->m;
        static const char *const files[2] = { "cgroup.events", "memory.events" };
        int r;

        cg_unwatch_unit(u);
        r = ensure_fd(m);
        if (r < 0)
                return r;
        m->cg_watch_fn = fn;
        for (int i = 0; i < 2; i++) {
                int wd;
                if (i == 1 && !(m->cg.controllers & CG_CTRL_MEMORY))
                        break; /* no memory controller of ours: no memory.events to watch */
                wd = cg_watch_add(&m->cg, m->cg_watch_fd, u->cgroup, files[i]);
                if (wd < 0) {
                        if (i == 0)
                                return wd;
                        continue; /* no memory controller: nothing to watch */
                }
                if (table_put(m, wd, u) < 0) {
                        (void) inotify_rm_watch(m->cg_watch_fd, wd);
                        return i == 0 ? -ENOMEM : 0;
                }
                u->cg_wd[i] = wd;
        }
        return 0;
}

void cg_unwatch_unit(MUnit *u) {
        Manager *m = u->m;

        for (int i = 0; i < 2; i++) {
                if (u->cg_wd[i] < 0)
                        continue;
                table_del(m, u->cg_wd[i]);
                if (m->cg_watch_fd >= 0)
                        (void) inotify_rm_watch(m->cg_watch_fd, u->cg_wd[i]); /* EINVAL: the cgroup went */
                u->cg_wd[i] = -1;
        }
}

bool cg_watch_has(const MUnit *u) {
        return u->cg_wd[0] >= 0 || u->cg_wd[1] >= 0;
}

void cg_watch_free(Manager *m) {
        m->cg_watch_source = sd_event_source_disable_unref(m->cg_watch_source);
        if (m->cg_watch_fd >= 0)
                close(m->cg_watch_fd);
        m->cg_watch_fd = -1;
        free(m->cg_watch_slots);
        m->cg_watch_slots = NULL;
        m->cg_watch_cap = m->cg_watch_used = m->cg_watch_live = 0;
}
