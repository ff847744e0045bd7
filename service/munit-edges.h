/* SPDX-License-Identifier: MIT */
#pragma once

/* A unit's edges (MUnit.edges, service/manager.h): their kinds, the inline readers munit_deps()
 * & co., and what service/munit-edges.c does to them. service/manager.h includes this right
 * after MUnit. */

#include <stdbool.h>
#include <stdint.h>

#include "service/manager.h"

/* The kinds of edge a unit holds (MUnit.edges): 0.._UNIT_DEPENDENCY_MAX-1, its dependency d on
 * the units listed (its files' and the default dependencies); MUNIT_RDEPS + d, the units with a
 * dependency d on it, in the manager's order of units (manager-load.c builds them); MUNIT_AFTER_ME,
 * the units that are After= it or that it is Before=; MUNIT_BEFORE_ME, the units that it is After=
 * or that are Before= it. */
enum {
        MUNIT_RDEPS = _UNIT_DEPENDENCY_MAX,
        MUNIT_AFTER_ME = 2 * _UNIT_DEPENDENCY_MAX,
        MUNIT_BEFORE_ME,
        _MUNIT_EDGE_MAX,
};

/* A run's tag: (count << 8) | kind, stored as a pointer-sized integer in the array. */
static inline uintptr_t munit_edge_tag(MUnit *const *e) {
        return (uintptr_t) *e;
}

/* The units of one kind of edge, and their count in *ret_n (NULL and 0 when none). The pointer is
 * good until the unit's edges change (adding or dropping any edge of the unit). */
static inline MUnit *const *munit_edges(const MUnit *u, unsigned kind, uint32_t *ret_n) {
        for (uint32_t i = 0; i < u->n_edges;) {
                uintptr_t tag = munit_edge_tag(u->edges + i);
                uint32_t n = (uint32_t) (tag >> 8);
                if ((tag & 0xff) == kind) {
                        *ret_n = n;
                        return u->edges + i + 1;
                }
                i += 1 + n;
        }
        *ret_n = 0;
        return NULL;
}

static inline uint32_t munit_n_edges(const MUnit *u, unsigned kind) {
        uint32_t n;
        (void) munit_edges(u, kind, &n);
        return n;
}

static inline MUnit *const *munit_edge_list(const MUnit *u, unsigned kind) {
        uint32_t n;
        return munit_edges(u, kind, &n);
}

#define munit_n_deps(u, d) munit_n_edges((u), (unsigned) (d))
#define munit_deps(u, d) munit_edge_list((u), (unsigned) (d))
#define munit_n_rdeps(u, d) munit_n_edges((u), MUNIT_RDEPS + (unsigned) (d))
#define munit_rdeps(u, d) munit_edge_list((u), MUNIT_RDEPS + (unsigned) (d))
#define munit_n_after_me(u) munit_n_edges((u), MUNIT_AFTER_ME)
#define munit_after_me(u) munit_edge_list((u), MUNIT_AFTER_ME)
#define munit_n_before_me(u) munit_n_edges((u), MUNIT_BEFORE_ME)
#define munit_before_me(u) munit_edge_list((u), MUNIT_BEFORE_ME)

/* Appends x to u's edges of the kind (munit_edge_add: unless it is there). 0 or -ENOMEM/-E2BIG. */
int munit_edge_push(MUnit *u, unsigned kind, MUnit *x);
int munit_edge_add(MUnit *u, unsigned kind, MUnit *x);
/* Drops the edges of the kinds first..end-1; keeps those of the kinds first..end-1 for which
 * keep(x) holds (the rest untouched); gives back the array's spare room; frees them all. */
void munit_edges_drop(MUnit *u, unsigned first, unsigned end);
void munit_edges_filter(MUnit *u, unsigned first, unsigned end, bool (*keep)(const MUnit *x));
void munit_edges_trim(MUnit *u);
/* Makes room for exactly `more` entries (edges and tags) beyond those there. */
int munit_edges_size(MUnit *u, uint32_t more);
void munit_edges_free(MUnit *u);

/* (munit.c) The units u has a dependency of a kind in `fwd` on, and those with a dependency of a kind in
 * `rev` on u (bit masks of UnitDependency), each once, in the manager's order of units: what a
 * scan of every unit with has_dep() would find, at the cost of u's own edges. */
typedef struct UnitSet {
        MUnit **v;
        size_t n;
        MUnit *buf[16];
} UnitSet;
#define DEP(d) (1u << (d))
void unit_set_collect(UnitSet *s, const MUnit *u, unsigned fwd, unsigned rev);
void unit_set_done(UnitSet *s);
