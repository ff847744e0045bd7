/* SPDX-License-Identifier: MIT */
/* An index of the string lists a unit builds while it loads (Environment= by variable name, the
 * dependency lists by unit name): finding a duplicate and appending are O(1) amortised, so a unit
 * with tens of thousands of distinct keys or names loads in linear time. The index belongs to the
 * Unit (Unit.load_index) and is dropped by unit_compact()/unit_free(); the lists themselves stay
 * plain NULL-terminated vectors. A list changed behind the index's back (its pointer moved) is
 * indexed again from scratch; one freed behind its back must be forgotten first
 * (sdu_list_index_forget()). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

typedef struct SduListIndex SduListIndex;

typedef enum SduListKey {
        SDU_LIST_KEY_WHOLE,     /* the whole string is the key (unit names) */
        SDU_LIST_KEY_ENV_NAME,  /* "NAME=value": NAME is the key */
} SduListKey;

/* Adds s (taken, also on failure) to the list *field, indexed in *idx (created on first use).
 * If an entry with the same key exists: replace=true puts s in its place (Environment=: the last
 * assignment wins, at the first one's position), replace=false drops s. Returns 1 if s was added
 * or replaced an entry, 0 if dropped as a duplicate, -ENOMEM. */
int sdu_list_index_add(SduListIndex **idx, char ***field, SduListKey key, char *s, bool replace);

/* The position in *field of the entry whose key is that of s, or -1 (also when out of memory:
 * then found as absent). */
long sdu_list_index_find(SduListIndex **idx, char ***field, SduListKey key, const char *s);

/* The list at field was freed or reset: its index entries are dropped. */
void sdu_list_index_forget(SduListIndex *idx, char ***field);

/* Once the lists stop growing (unit_compact()): each gives back its room to grow. */
void sdu_list_index_trim(SduListIndex *idx);

SduListIndex *sdu_list_index_free(SduListIndex *idx);
