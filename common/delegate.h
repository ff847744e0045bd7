/* SPDX-License-Identifier: MIT */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Delegate= as systemd 252 reads it (load-fragment.c config_parse_delegate(); the controller names
 * and their order are cgroup-util.c's table). Pure functions, no state.
 *
 * Each assignment, in order: a boolean yes turns delegation on with cgroup v2's controllers
 * (CGROUP_MASK_DELEGATE: cpu cpuset io memory pids), no turns it off and forgets the controllers,
 * a list of controller names turns it on and adds them (unknown names are ignored, as systemd
 * logs "Invalid controller name"), and an empty assignment ("" here: units/ keeps it so) turns it
 * on without any controller. */

enum {
        DELEGATE_CPU = 1u << 0,
        DELEGATE_CPUACCT = 1u << 1,
        DELEGATE_CPUSET = 1u << 2,
        DELEGATE_IO = 1u << 3,
        DELEGATE_BLKIO = 1u << 4,
        DELEGATE_MEMORY = 1u << 5,
        DELEGATE_DEVICES = 1u << 6,
        DELEGATE_PIDS = 1u << 7,
        /* bits 8..12: systemd's BPF pseudo-controllers (bpf-firewall ... bpf-restrict-network-interfaces) */
        DELEGATE_V2 = DELEGATE_CPU | DELEGATE_CPUSET | DELEGATE_IO | DELEGATE_MEMORY | DELEGATE_PIDS,
};

#define DELEGATE_CONTROLLERS 13

/* Folds the assignments (NULL-terminated; NULL: never assigned) into *ret_mask. Returns 1 if
 * delegation is on, 0 if off. ret_mask may be NULL. */
int delegate_parse(char *const *assignments, uint32_t *ret_mask);

/* systemd's name of controller bit i (0 <= i < DELEGATE_CONTROLLERS), NULL beyond. */
const char *delegate_controller_name(unsigned i);

/* The cgroup v2 controllers (kernel names, in cgroup.subtree_control's spelling) a mask
 * delegates, as systemd realizes it (CGROUP_MASK_EXTEND_JOINED: cpuacct means cpu; v1-only and BPF
 * names give none), space-separated into buf. Returns the length (truncated to size - 1). */
size_t delegate_v2_controllers(uint32_t mask, char *buf, size_t size);
