/* SPDX-License-Identifier: MIT */
#pragma once

/* The mount plan between its two halves: exec-mounts.c builds it in PID 1 (mount_plan_new:
 * allocation, sorting), exec-mounts-apply.c applies it in the child (mount_plan_apply: system calls
 * only). Internal to those two files. */

#include <stdbool.h>
#include <stddef.h>

#include "common/fileio.h"
#include "exec-ns-internal.h"

#define N(t) (sizeof(t) / sizeof((t)[0]))


/* In priority order: on one path the lower mode wins (systemd's MountMode order). */
typedef enum MountMode {
        M_INACCESSIBLE,
        M_BIND,
        M_BIND_REC,
        M_PRIVATE_TMP,
        M_PRIVATE_DEV,
        M_BIND_DEV,
        M_EMPTY_DIR,
        M_SYSFS,
        M_PROCFS,
        M_READONLY,
        M_READWRITE,
        M_NOEXEC,
        M_EXEC,
        M_TMPFS,
        M_RUN,
        M_MQUEUE,
        M_READWRITE_IMPLICIT,
} MountMode;

typedef struct MEntry {
        const char *path;      /* a table's literal, or our own copy (own_path) */
        char *source;
        char *options;
        unsigned long flags;
        MountMode mode;
        bool ignore, read_only, noexec, exec, has_prefix, own_path;
        bool user;             /* from a path setting (may name a symlink); the tables' are canonical */
        bool submounts;        /* something may be mounted at or below path when it is applied */
        bool absent;           /* (the child's copy) an optional path that is not there: later rounds skip it */
        bool nosuid_done;      /* (the child's copy) nosuid set with its other flags on all it covers */
        bool src_early;        /* the entries before it change what its source names: the child
                                * clones the source before the first mount (systemd binds every
                                * source from the tree as it was) */
        int src_fd;            /* (the child's copy) that clone, not attached yet (open_tree), or -1 */
        int src_err;           /* (the child's copy) why it could not be cloned, or 0 */
} MEntry;

struct MountPlan {
        MEntry *e;
        size_t n, cap;
        char *root;            /* RootDirectory=, or NULL */
        const char *proc_opts; /* hidepid=/subset= for a new /proc */
        char proc_buf[64];
        unsigned long propagation;
        bool nosuid, insists;
        bool own_userns;       /* the child enters a user namespace of its own first (PrivateUsers=) */
        bool dev_shared;       /* PrivateDevices='s /dev may be a copy of the one in Pid1Mounts.dev_ns */
};

#define TMPFS_LIMITS_EMPTY ",size=4m,nr_inodes=1k"
#define TMPFS_LIMITS_PRIVATE_DEV ",size=4m,nr_inodes=64k"
#define TMPFS_LIMITS_NESTED ",size=10%,nr_inodes=400k"


/* What the children of this PID 1 learnt about its mount table, in memory shared with them (one
 * page, mapped once before the first fork): dev_locked is the generation of PID 1's table (gen
 * below) in which a child found that none of the mounts at and below /dev can be unmounted (a user
 * namespace locks the mounts it inherits), 0 when none has. The word is written by children and
 * only compared with the current generation: a stale or torn value means "not known". */
typedef struct Pid1Learnt {
        unsigned long dev_locked;      /* (__atomic, relaxed: written by concurrent children) */
        /* The generation in which a child unmounted the top mounts at /dev (those a container
         * made: they could go) and found that none of PID 1's other mounts there could. */
        unsigned long dev_rest_locked; /* (the same) */
        /* The generation for which a child took on to make PID 1 its /dev namespace (dev_ns). */
        unsigned long dev_ns_claim;    /* (__atomic, compare-and-swap) */
} Pid1Learnt;

/* PID 1's mount points (NUL-terminated, one after the other) as exec-mounts.c last read them; the
 * child reads its inherited copy. escaped: a mount point with an escaped character (be
 * conservative); valid: read since the table last changed; gen: counts the reads (never 0 once
 * valid). mknod_denied: PID 1's mknod(2) of a device node was refused with EPERM (a user namespace:
 * its children's are too). learnt: NULL where the shared page could not be mapped.
 *
 * dev_ns: a mount namespace that is PID 1's as of generation dev_ns_gen with PrivateDevices='s /dev
 * in place of its /dev, made by the first child that needed one (after claiming it in
 * Pid1Learnt.dev_ns_claim) and sent to PID 1 over dev_ns_sock; -1 if none. A later child whose /dev
 * may be shared (MountPlan.dev_shared) enters it before it unshares its own: its namespace is then
 * a copy of that one, /dev already built, instead of building it again (a tmpfs, its nodes and
 * links, the old /dev unmounted: about half of such a start's mount work, and the tmpfs's teardown
 * at exit). */
typedef struct Pid1Mounts {
        int fd;
        char *mp;
        size_t len, cap;
        unsigned long gen;
        bool escaped, valid, mknod_denied;
        Pid1Learnt *learnt;
        int dev_ns;
        unsigned long dev_ns_gen;
        int dev_ns_sock[2]; /* (PID 1 receives on [0]; the children send on [1]) */
} Pid1Mounts;
const Pid1Mounts *pid1_mounts(void);
/* Whether path is a mount point in PID 1's table (valid and not escaped: the caller checks). */
bool pid1_mount_point(const char *path);

/* The mode only sets flags on what is mounted at its path (binds the path onto itself). */
bool mode_flags_only(MountMode m);
/* The entry leaves its path read-only / noexec. */
bool entry_ro(const MEntry *e);
bool entry_noexec(const MEntry *e);
/* Marks the entries something may be mounted at or below when they are applied. */
void mark_submounts(MountPlan *p);
