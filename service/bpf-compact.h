/* SPDX-License-Identifier: MIT */
#pragma once

/* Classic BPF seccomp programs made cheaper for the kernel to load, with the same verdicts
 * (bpf-compact.c): libseccomp's chains of comparisons of one loaded value (the system call number,
 * the architecture, an argument) against constants, re-encoded as a binary search over the
 * intervals of values with the same outcome; and a small interpreter for seccomp programs. */

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

/* Re-encodes prog (n instructions, a valid seccomp program: forward jumps only). Returns the
 * length of the new program in *ret (malloc'ed) when it is shorter and proven to give the same
 * verdict for every input (bpf_compact_check()); -EOPNOTSUPP when it cannot do better (a jump it
 * cannot encode, too many intervals, no gain), -EINVAL when the proof failed (a bug: the caller
 * loads the original), -ENOMEM. *ret is untouched on failure. ret_pos (tests; may be NULL): the
 * map of the proof below, malloc'ed. */
int bpf_compact(const struct sock_filter *prog, size_t n, struct sock_filter **ret, int **ret_pos);

/* The proof: new (m instructions) simulates prog, where pos[i] is the new index of the original
 * instruction i (-1: not kept, reached only inside a re-encoded chain). Copied instructions are
 * the same with their jumps leading to the copies of their targets (through BPF_JA trampolines);
 * a re-encoded chain leads, for every value of A at each boundary of its own and the original
 * chain's constants, to the copy of the instruction the original chain leads to. Returns 0 or
 * -EINVAL. */
int bpf_compact_check(const struct sock_filter *prog, size_t n, const struct sock_filter *new, size_t m, const int *pos);

/* The verdict of a seccomp program (SECCOMP_RET_*) for d; SECCOMP_RET_KILL_PROCESS for a program
 * the kernel would refuse (a jump out of it, a read outside seccomp_data, no return). */
uint32_t bpf_run(const struct sock_filter *prog, size_t n, const struct seccomp_data *d);
