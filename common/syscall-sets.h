/* SPDX-License-Identifier: MIT */
#pragma once
/* systemd's system call groups for SystemCallFilter= (systemd.exec(5) "@system-service", ...):
 * data, generated from systemd 252 (scripts/gen-syscall-sets.py). */

#include <stddef.h>

typedef struct SyscallSet {
        const char *name;    /* "@system-service" */
        const char *members; /* space-separated, in systemd's order; "@name" is a nested group */
} SyscallSet;

extern const SyscallSet syscall_sets[];
extern const size_t syscall_sets_count;

/* The group called name ("@clock"), or NULL. */
const SyscallSet *syscall_set_find(const char *name);
