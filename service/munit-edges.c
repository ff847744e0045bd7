/* SPDX-License-Identifier: MIT */
/* A unit's edges in one array (MUnit.edges, service/manager.h): for each kind present, a tag
 * ((count << 8) | kind, a pointer-sized integer) followed by the units. Looking a kind up walks the
 * tags (at most _MUNIT_EDGE_MAX of them); appending to the last run is amortised O(1); appending
 * to an earlier run moves the runs after it, as the duplicate check of munit_edge_add() already
 * walks the run. manager-load.c builds the reverse kinds one kind at a time, so each of those
 * appends goes to the last run. */
#include "service/munit-edges.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static MUnit *make_tag(uint32_t n, unsigned kind) {
        return (MUnit *) (((uintptr_t) n << 8) | kind);
}

static int reserve(MUnit *u, uint32_t more) {
        uint32_t cap;
        MUnit **v;

        if (u->n_edges + more <= u->cap_edges)
                return 0;
        if (u->n_edges > UINT32_MAX / 2)
                return -E2BIG;
        cap = u->cap_edges ? u->cap_edges + u->cap_edges / 2 : 4;
        if (cap < u->n_edges + more)
                cap = u->n_edges + more;
        v = realloc(u->edges, (size_t) cap * sizeof(MUnit *));
        if (!v)
                return -ENOMEM;
        u->edges = v;
        u->cap_edges = cap;
        return 0;
}

/* The index of kind's tag, or n_edges. */
static uint32_t find_run(const MUnit *u, unsigned kind) {
        uint32_t i = 0;
        while (i < u->n_edges) {
                uintptr_t tag = munit_edge_tag(u->edges + i);
                if ((tag & 0xff) == kind)
                        return i;
                i += 1 + (uint32_t) (tag >> 8);
        }
        return i;
}

int munit_edge_push(MUnit *u, unsigned kind, MUnit *x) {
        uint32_t i = find_run(u, kind), n, end;
        int r;

        if (i == u->n_edges) {
                r = reserve(u, 2);
                if (r < 0)
                        return r;
                u->edges[u->n_edges++] = make_tag(1, kind);
                u->edges[u->n_edges++] = x;
                return 0;
        }
        n = (uint32_t) (munit_edge_tag(u->edges + i) >> 8);
        if (n >= (UINT32_MAX >> 8))
                return -E2BIG;
        r = reserve(u, 1);
        if (r < 0)
                return r;
        end = i + 1 + n;
        memmove(u->edges + end + 1, u->edges + end, (size_t) (u->n_edges - end) * sizeof(MUnit *));
        u->edges[end] = x;
        u->edges[i] = make_tag(n + 1, kind);
        u->n_edges++;
        return 0;
}

int munit_edge_add(MUnit *u, unsigned kind, MUnit *x) {
        uint32_t n;
        MUnit *const *v = munit_edges(u, kind, &n);

        for (uint32_t i = 0; i < n; i++)
                if (v[i] == x)
                        return 0;
        return munit_edge_push(u, kind, x);
}

static bool keep_none(const MUnit *x) {
        return false;
}

void munit_edges_filter(MUnit *u, unsigned first, unsigned end, bool (*keep)(const MUnit *x)) {
        uint32_t i = 0, k = 0;

        while (i < u->n_edges) {
                uintptr_t tag = munit_edge_tag(u->edges + i);
                unsigned kind = (unsigned) (tag & 0xff);
                uint32_t n = (uint32_t) (tag >> 8), kept = 0, at = k;

                if (kind < first || kind >= end) {
                        memmove(u->edges + k, u->edges + i, (size_t) (1 + n) * sizeof(MUnit *));
                        k += 1 + n;
                        i += 1 + n;
                        continue;
                }
                k++; /* room for the tag */
                for (uint32_t j = 0; j < n; j++)
                        if (keep(u->edges[i + 1 + j])) {
                                u->edges[k++] = u->edges[i + 1 + j];
                                kept++;
                        }
                if (kept)
                        u->edges[at] = make_tag(kept, kind);
                else
                        k = at;
                i += 1 + n;
        }
        u->n_edges = k;
}

void munit_edges_drop(MUnit *u, unsigned first, unsigned end) {
        munit_edges_filter(u, first, end, keep_none);
}

int munit_edges_size(MUnit *u, uint32_t more) {
        MUnit **v;

        if (more > UINT32_MAX - u->n_edges)
                return -E2BIG;
        if (u->n_edges + more == u->cap_edges)
                return 0;
        if (u->n_edges + more == 0) {
                munit_edges_free(u);
                return 0;
        }
        v = realloc(u->edges, (size_t) (u->n_edges + more) * sizeof(MUnit *));
        if (!v)
                return -ENOMEM;
        u->edges = v;
        u->cap_edges = u->n_edges + more;
        return 0;
}

void munit_edges_trim(MUnit *u) {
        MUnit **v;

        if (u->cap_edges == u->n_edges)
                return;
        if (u->n_edges == 0) {
                munit_edges_free(u);
                return;
        }
        v = realloc(u->edges, (size_t) u->n_edges * sizeof(MUnit *));
        if (!v)
                return;
        u->edges = v;
        u->cap_edges = u->n_edges;
}

void munit_edges_free(MUnit *u) {
        free(u->edges);
        u->edges = NULL;
        u->n_edges = u->cap_edges = 0;
}
