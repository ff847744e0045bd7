/* SPDX-License-Identifier: MIT */
/* Seccomp filters for a service's process, with systemd 252's semantics (src/core/execute.c
 * apply_*(), src/shared/seccomp-util.c): see exec-seccomp.h. Runs in the forked child only. */
#include "service/exec-seccomp.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "service/bpf-compact.h"
#include "service/spawn.h"
#include "units/unit-sandbox.h"
#include "units/unit-values.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The values of a seccomp list setting, by its directive id. */
static char *const *raw(const Unit *u, UnitDirectiveId id) {
        return unit_raw_values(u, id);
}

static const char *raw_last(const Unit *u, UnitDirectiveId id) {
        char *const *l = unit_raw_values(u, id);
        size_t n = 0;

        while (l && l[n])
                n++;
        return n ? l[n - 1] : NULL;
}

/* ---- the machine's architectures (systemd's seccomp_local_archs[], native last) ---- */

static uint32_t local_archs[] = {
#if defined(__x86_64__) && !defined(__ILP32__)
        SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_X86_64,
#elif defined(__aarch64__)
        SCMP_ARCH_ARM, SCMP_ARCH_AARCH64,
#else
        SCMP_ARCH_NATIVE,
#endif
};
#define N_ARCHS (sizeof(local_archs) / sizeof(local_archs[0]))
static bool arch_blocked[N_ARCHS]; /* by SystemCallArchitectures=: later filters skip them */

/* ---- loading, or compiling for the manager's cache ----
 * PID 1 compiles a unit's filters once (libseccomp is the costly part: tens of milliseconds for a
 * unit like redis-server's) and keeps the BPF programs, shared between units with the same
 * settings; the forked child finds them in its copy of that cache and only hands them to the
 * kernel. Without a cached plan the child compiles and loads them itself. */

struct ExecSeccompPlan {
        int status;     /* 0, or the exit status the child fails with (compilation failed) */
        char msg[160];
        size_t n;
        struct {
                const struct sock_fprog *prog;
                int status; /* EXIT_SECCOMP or EXIT_ADDRESS_FAMILIES when the kernel refuses it */
        } *items;
};

void (*exec_seccomp_program_hook)(const struct sock_fprog *exported, const struct sock_fprog *loaded);

static ExecSeccompPlan *collecting;   /* compiling into this plan instead of loading */
static int unproven;                  /* programs whose re-encoding failed its proof (a bug) */
static int emit_status = EXIT_SECCOMP; /* the exit status of the filters being emitted */

/* Programs are kept once (deduplicated by content) for the manager's lifetime: their number is
 * bounded by the distinct settings of the loaded units. */
static struct sock_fprog **uniq_progs;
static size_t n_uniq_progs;

static const struct sock_fprog *intern_program(const void *insns, size_t bytes) {
        struct sock_fprog *p, **l;

        for (size_t i = 0; i < n_uniq_progs; i++)
                if ((size_t) uniq_progs[i]->len * sizeof(struct sock_filter) == bytes && memcmp(uniq_progs[i]->filter, insns, bytes) == 0)
                        return uniq_progs[i];
        p = malloc(sizeof(*p));
        l = realloc(uniq_progs, (n_uniq_progs + 1) * sizeof(*l));
        if (l)
                uniq_progs = l;
        if (!p || !l || !(p->filter = malloc(bytes))) {
                free(p);
                return NULL;
        }
        memcpy(p->filter, insns, bytes);
        p->len = (unsigned short) (bytes / sizeof(struct sock_filter));
        uniq_progs[n_uniq_progs++] = p;
        return p;
}

/* The filter is loaded, or (compiling) exported and added to the plan. */
static int emit(scmp_filter_ctx c) {
        const struct sock_fprog *prog;
        void *buf, *items;
        off_t size;
        int fd, r;

        if (!collecting)
                return seccomp_load(c);
        fd = memfd_create("sdinit-seccomp", MFD_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = seccomp_export_bpf(c, fd);
        size = r >= 0 ? lseek(fd, 0, SEEK_END) : -1;
        if (r >= 0 && (size <= 0 || size > BPF_MAXINSNS * (off_t) sizeof(struct sock_filter)))
                r = -E2BIG;
        buf = r >= 0 ? malloc((size_t) size) : NULL;
        if (r >= 0 && (!buf || pread(fd, buf, (size_t) size, 0) != size))
                r = -EIO;
        close(fd);
        if (r >= 0) {
                /* re-encoded (bpf-compact.c) when shorter and proven to give the same verdicts */
                struct sock_filter *cp = NULL;
                int m = bpf_compact(buf, (size_t) size / sizeof(*cp), &cp, NULL);
                if (m == -EINVAL)
                        unproven++;
                prog = m > 0 ? intern_program(cp, (size_t) m * sizeof(*cp)) : intern_program(buf, (size_t) size);
                if (prog && exec_seccomp_program_hook)
                        exec_seccomp_program_hook(&(struct sock_fprog) { (unsigned short) (size / sizeof(*cp)), buf }, prog);
                free(cp);
        }
        free(buf);
        if (r < 0)
                return r;
        items = prog ? realloc(collecting->items, (collecting->n + 1) * sizeof(*collecting->items)) : NULL;
        if (!items)
                return -ENOMEM;
        collecting->items = items;
        collecting->items[collecting->n].prog = prog;
        collecting->items[collecting->n++].status = emit_status;
        return 0;
}

/* The system calls of a program in a binary tree instead of one after the other (libseccomp's
 * optimization level 2; the same verdicts). It matters when the kernel loads the program: it runs
 * it for every system call number to fill its cache of calls always allowed, under a spin lock,
 * and that run walked half of a 400-call allow list (SystemCallFilter=@system-service) for each
 * of them; in a tree, a few comparisons. Older libseccomp: the default layout. */
static void optimize(scmp_filter_ctx c) {
        (void) seccomp_attr_set(c, SCMP_FLTATR_CTL_OPTIMIZE, 2);
}

/* A filter for one architecture that lets other architectures through (seccomp_init_for_arch). */
static scmp_filter_ctx init_for_arch(uint32_t arch, uint32_t default_action) {
        scmp_filter_ctx c = seccomp_init(default_action);

        if (!c)
                return NULL;
        if (arch != SCMP_ARCH_NATIVE && arch != seccomp_arch_native() &&
            (seccomp_arch_remove(c, seccomp_arch_native()) < 0 || seccomp_arch_add(c, arch) < 0))
                goto fail;
        if (seccomp_attr_set(c, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW) < 0 ||
            seccomp_attr_set(c, SCMP_FLTATR_CTL_NNP, 0) < 0)
                goto fail;
        optimize(c);
        return c;
fail:
        seccomp_release(c);
        return NULL;
}

/* ---- system call sets: native syscall number -> errno (-1: the filter's action) ---- */

#define SET_SIZE 1536
#define ABSENT INT_MIN

typedef struct SyscallSet {
        int act[SET_SIZE];
} SyscallSet;

static int slot(int nr) {
        if (nr >= 0 && nr < 1024)
                return nr;
        if (nr <= -10000 && nr > -10000 - (SET_SIZE - 1024))
                return 1024 + (-10000 - nr); /* libseccomp's pseudo numbers (__PNR_*) */
        return -1;
}

static int slot_nr(int s) {
        return s < 1024 ? s : -10000 - (s - 1024);
}

static const char *group_members(const char *name) {
        for (const ExecSyscallGroup *g = exec_syscall_groups; g->name; g++)
                if (strcmp(g->name, name) == 0)
                        return g->members;
        return NULL;
}

enum { P_INVERT = 1, P_ALLOW_LIST = 2 };

static void set_put(SyscallSet *s, int nr, int err, int flags) {
        int i = slot(nr);

        if (i < 0)
                return;
        /* seccomp_parse_syscall_filter(): entries are added when the assignment's sense matches the
         * list's, or for "~name:errno" in an allow list; removed otherwise. */
        if (!(flags & P_INVERT) == !!(flags & P_ALLOW_LIST) || ((flags & P_INVERT) && (flags & P_ALLOW_LIST) && err >= 0))
                s->act[i] = err;
        else
                s->act[i] = ABSENT;
}

/* One name (or @group, recursively) into the set; unknown names are ignored, as systemd does. */
static void set_parse(SyscallSet *s, const char *name, size_t len, int err, int flags, int depth) {
        char buf[64];

        if (len == 0 || len >= sizeof(buf) || depth > 4)
                return;
        memcpy(buf, name, len);
        buf[len] = '\0';
        if (buf[0] == '@') {
                const char *m = group_members(buf);
                if (strcmp(buf, "@known") == 0) {
                        for (int nr = 0; nr < 1024; nr++) {
                                char *n = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
                                if (n)
                                        set_put(s, nr, err, flags);
                                free(n);
                        }
                        return;
                }
                while (m && *m) {
                        size_t k = strcspn(m, " ");
                        set_parse(s, m, k, err, flags, depth + 1);
                        m += k + (m[k] == ' ');
                }
                return;
        }
        {
                int nr = seccomp_syscall_resolve_name(buf);
                if (nr != __NR_SCMP_ERROR)
                        set_put(s, nr, err, flags);
        }
}

/* "EPERM", "13" -> errno; -1 when invalid. */
static int parse_errno(const char *v) {
        char *end;
        long n;

        if (!v || !*v)
                return -1;
        n = strtol(v, &end, 10);
        if (!*end)
                return n >= 0 && n <= 4095 ? (int) n : -1;
        for (int e = 1; e < 4096; e++) {
                const char *name = strerrorname_np(e);
                if (name && strcmp(name, v) == 0)
                        return e;
        }
        return -1;
}

/* SystemCallFilter= / SystemCallLog=: the assignments in order; the first decides whether the
 * list is an allow list (not "~") or a deny list. Returns whether any assignment was seen. */
static bool parse_filter_list(char *const *lines, bool add_default, SyscallSet *s, bool *allow_list) {
        bool seen = false;

        for (int i = 0; i < SET_SIZE; i++)
                s->act[i] = ABSENT;
        *allow_list = false;
        for (size_t i = 0; lines && lines[i]; i++) {
                const char *p = lines[i];
                bool invert = false;
                int flags;

                if (*p == '~') {
                        invert = true;
                        p++;
                }
                if (!seen) {
                        seen = true;
                        *allow_list = !invert;
                        if (*allow_list && add_default)
                                set_parse(s, "@default", 8, -1, P_ALLOW_LIST, 0);
                }
                flags = (invert ? P_INVERT : 0) | (*allow_list ? P_ALLOW_LIST : 0);
                for (;;) {
                        char *w = NULL, *colon;
                        int err = -1;
                        if (sdu_extract_word(&p, &w, 0) <= 0)
                                break;
                        if ((colon = strchr(w, ':'))) {
                                *colon = '\0';
                                err = parse_errno(colon + 1);
                                /* "name:errno" only in "~" assignments (systemd ignores it elsewhere) */
                                if (err < 0 || !invert) {
                                        free(w);
                                        continue;
                                }
                        }
                        set_parse(s, w, strlen(w), err, flags, 0);
                        free(w);
                }
        }
        return seen;
}

/* ---- fewer programs, the same verdicts ----
 * systemd 252 loads one program per setting and architecture (34 for redis-server's unit); each
 * costs the kernel about 30 µs to check, translate and compile, and every later system call runs
 * through all of them. sdinit loads:
 *   - one program for all the settings that allow by default and answer a few calls
 *     (RestrictAddressFamilies=, MemoryDenyWriteExecute=, RestrictRealtime=, RestrictSUIDSGID=,
 *     RestrictNamespaces=, ProtectKernelTunables=/Modules=/Logs=, ProtectClock=, PrivateDevices=,
 *     ProtectHostname=, LockPersonality=): their system calls are disjoint (socket; mmap, mmap2,
 *     mprotect, pkey_mprotect, shmat; sched_setscheduler; chmod, mkdir, mknod, open, creat and
 *     their *at forms, openat2; clone, clone3, unshare, setns; _sysctl; @module; syslog; @clock;
 *     @raw-io; sethostname, setdomainname; personality), so in one program each call gets the
 *     answer of the one setting that names it;
 *     With SystemCallArchitectures=, the same program has only the allowed architectures and kills
 *     the calls of any other, as systemd's program for that setting does (a kill is the strictest
 *     answer: what the other programs said for such a call never counted);
 *   - SystemCallLog= and SystemCallFilter=, one program each for all architectures, last.
 * A setting whose rules an architecture cannot take adds nothing for it, as systemd loads no filter
 * for it there. The kernel takes the strictest answer of all programs (of equal ones, the last
 * loaded): the verdicts are systemd's; /proc/PID/status's Seccomp_filters is smaller.
 * Then, in PID 1 once per plan (emit()): every exported program is re-encoded by
 * service/bpf-compact.c (libseccomp's comparison chains as binary searches over intervals, proven
 * to give the same verdicts; redis-server's SystemCallFilter= program, 355 -> 72 instructions,
 * the shared one 205 -> 101). Any rewrite whose proof fails is not used (a debug line). The two
 * programs are not folded into one, though that loads ~25 us faster: carrying the first one's
 * answer into the second needs the X register, which the kernel's cache of calls always allowed
 * (seccomp_is_const_allow(), filled at load) cannot follow, so every call of the service would
 * run the program (+50 ns per call measured here); the re-encoded programs keep that cache
 * (test-seccomp-compact checks it). */

static scmp_filter_ctx group[N_ARCHS]; /* the settings that allow by default, per architecture */
static bool archs_restricted;          /* SystemCallArchitectures= blocked some: folded into it */
static int group_status;               /* the exit status when the kernel refuses it: the first setting's */

static scmp_filter_ctx group_ctx(size_t a) {
        if (!group[a]) {
                group[a] = init_for_arch(local_archs[a], SCMP_ACT_ALLOW);
                if (!group_status)
                        group_status = emit_status;
        }
        return group[a];
}

static void group_drop(void) {
        for (size_t a = 0; a < N_ARCHS; a++)
                if (group[a]) {
                        seccomp_release(group[a]);
                        group[a] = NULL;
                }
        group_status = 0;
        archs_restricted = false;
}

/* Builds an architecture's context of one setting (NULL and *r = 0: none for it). */
typedef scmp_filter_ctx (*build_fn)(size_t a, const void *userdata, int *r);

/* Emits the contexts of all architectures (consumed) as one program; when libseccomp cannot merge
 * them or the program is too long for the kernel (BPF_MAXINSNS), one per architecture, built again
 * by rebuild (the setting's own, as systemd loads them). */
static int emit_archs(scmp_filter_ctx ctx[N_ARCHS], build_fn rebuild, const void *userdata) {
        scmp_filter_ctx merged = NULL;
        int r = 0;

        for (size_t a = 0; a < N_ARCHS; a++) {
                if (!ctx[a])
                        continue;
                if (!merged)
                        merged = ctx[a];
                else if (r >= 0 && seccomp_merge(merged, ctx[a]) < 0) { /* the source is freed on success */
                        seccomp_release(ctx[a]);
                        r = -EOPNOTSUPP;
                } else if (r < 0)
                        seccomp_release(ctx[a]);
                ctx[a] = NULL;
        }
        if (!merged)
                return 0;
        if (r >= 0)
                r = emit(merged);
        seccomp_release(merged);
        if (!(r == -EOPNOTSUPP || r == -E2BIG || r == -EINVAL) || !rebuild)
                return r;
        for (size_t a = 0; a < N_ARCHS; a++) {
                scmp_filter_ctx c;
                if (arch_blocked[a])
                        continue;
                r = 0;
                if (!(c = rebuild(a, userdata, &r))) {
                        if (r < 0)
                                return r;
                        continue;
                }
                r = emit(c);
                seccomp_release(c);
                if (r < 0)
                        return r;
        }
        return 0;
}

typedef struct SetSpec {
        uint32_t default_action, action;
        const struct SyscallSet *set;
} SetSpec;

/* default_action for everything, `action` (or ERRNO(e) for "name:e") for the set's members. A call
 * the architecture lacks is skipped, as in systemd: libseccomp refuses its rule. On the native
 * architecture's own context that is every pseudo number (slot >= 1024: the calls it lacks), which
 * is not even tried: each refusal cost libseccomp a copy of the whole filter (the rolled-back
 * transaction), 0.25 ms per call at 370 rules, most of PID 1's compile time for
 * SystemCallFilter=@system-service (its calls x86-64 lacks). Another architecture's context
 * translates them (i386 has _llseek). */
static void add_set_rules(scmp_filter_ctx c, uint32_t arch, const SyscallSet *s, uint32_t action) {
        int end = arch == SCMP_ARCH_NATIVE || arch == seccomp_arch_native() ? 1024 : SET_SIZE;

        for (int i = 0; i < end; i++)
                if (s->act[i] != ABSENT)
                        (void) seccomp_rule_add_exact(c, s->act[i] >= 0 ? SCMP_ACT_ERRNO((uint32_t) s->act[i]) : action,
                                                      slot_nr(i), 0);
}

static scmp_filter_ctx build_set(size_t a, const void *userdata, int *r) {
        const SetSpec *sp = userdata;
        scmp_filter_ctx c = init_for_arch(local_archs[a], sp->default_action);

        if (!c) {
                *r = -ENOMEM;
                return NULL;
        }
        add_set_rules(c, local_archs[a], sp->set, sp->action);
        return c;
}

/* seccomp_load_syscall_filter_set_raw() (SystemCallLog=, SystemCallFilter=): one program. */
static int load_set(uint32_t default_action, const SyscallSet *s, uint32_t action) {
        SetSpec sp = { default_action, action, s };
        scmp_filter_ctx ctx[N_ARCHS] = { NULL };
        int r = 0;

        for (size_t a = 0; a < N_ARCHS && r >= 0; a++)
                if (!arch_blocked[a])
                        ctx[a] = build_set(a, &sp, &r);
        if (r < 0) {
                for (size_t a = 0; a < N_ARCHS; a++)
                        if (ctx[a])
                                seccomp_release(ctx[a]);
                return r;
        }
        return emit_archs(ctx, build_set, &sp);
}

/* A group of calls denied with err (ProtectKernelModules=, ProtectClock=, PrivateDevices=): into
 * the shared program. */
static int load_group(const char *group_name, int err) {
        SyscallSet *s = malloc(sizeof(*s));

        if (!s)
                return -ENOMEM;
        for (int i = 0; i < SET_SIZE; i++)
                s->act[i] = ABSENT;
        set_parse(s, group_name, strlen(group_name), -1, P_INVERT, 0); /* a deny list of the group's members */
        for (size_t a = 0; a < N_ARCHS; a++) {
                scmp_filter_ctx c;
                if (arch_blocked[a])
                        continue;
                if (!(c = group_ctx(a))) {
                        free(s);
                        return -ENOMEM;
                }
                add_set_rules(c, local_archs[a], s, SCMP_ACT_ERRNO((uint32_t) err));
        }
        free(s);
        return 0;
}

/* Rules built by fn (allow by default), per architecture, into the shared program. */
typedef int (*rules_fn)(scmp_filter_ctx c, uint32_t arch, const void *userdata);

static int load_rules(rules_fn fn, const void *userdata, bool skip_socketcall_archs) {
        for (size_t a = 0; a < N_ARCHS; a++) {
                scmp_filter_ctx c;
                int r;

                if (arch_blocked[a])
                        continue;
                if (skip_socketcall_archs && local_archs[a] == SCMP_ARCH_X86)
                        continue; /* socket() is multiplexed through socketcall() there */
                /* A rule the architecture cannot take: nothing for it, as systemd loads no filter
                 * for it ("continue"). Tried on a context of its own first, so that a setting
                 * adds all its rules to the shared program or none. */
                if (!(c = init_for_arch(local_archs[a], SCMP_ACT_ALLOW)))
                        return -ENOMEM;
                r = fn(c, local_archs[a], userdata);
                if (r >= 0 && !group[a]) {
                        group[a] = c;
                        if (!group_status)
                                group_status = emit_status;
                        continue;
                }
                seccomp_release(c);
                if (r < 0)
                        continue;
                if (!(c = group_ctx(a)))
                        return -ENOMEM;
                if ((r = fn(c, local_archs[a], userdata)) < 0)
                        return r;
        }
        return 0;
}

/* The shared program, once all its settings are in: without the architectures that
 * SystemCallArchitectures= blocked. */
static int flush_group(void) {
        int r, saved = emit_status;

        for (size_t a = 0; a < N_ARCHS; a++)
                if (group[a] && arch_blocked[a]) {
                        seccomp_release(group[a]);
                        group[a] = NULL;
                }
        /* SystemCallArchitectures=: systemd's own filter for it (a seccomp_init() context with the
         * allowed architectures, which kills the calls of any other one: libseccomp's default
         * action for a "bad" architecture) is folded in: every allowed architecture is in the
         * program, and any other is killed by it. */
        if (archs_restricted) {
                uint32_t badarch = SCMP_ACT_KILL;
                scmp_filter_ctx d = seccomp_init(SCMP_ACT_ALLOW);

                if (!d)
                        return -ENOMEM;
                (void) seccomp_attr_get(d, SCMP_FLTATR_ACT_BADARCH, &badarch);
                seccomp_release(d);
                for (size_t a = 0; a < N_ARCHS; a++) {
                        if (arch_blocked[a])
                                continue;
                        if (!group_ctx(a) || seccomp_attr_set(group[a], SCMP_FLTATR_ACT_BADARCH, badarch) < 0)
                                return -ENOMEM;
                }
        }
        emit_status = group_status ? group_status : EXIT_SECCOMP;
        r = emit_archs(group, NULL, NULL);
        emit_status = saved;
        group_status = 0;
        archs_restricted = false;
        return r;
}

/* A system call by name, in native numbering: libseccomp translates native numbers (and its
 * pseudo numbers for calls the native architecture lacks) for each architecture of a filter, which
 * is how systemd adds its rules (SCMP_SYS()). */
static int sys(uint32_t arch, const char *name) {
        (void) arch;
        return seccomp_syscall_resolve_name(name);
}

/* ---- RestrictAddressFamilies= ---- */

static const char *const af_names[] = {
        [1] = "AF_UNIX", [2] = "AF_INET", [3] = "AF_AX25", [4] = "AF_IPX", [5] = "AF_APPLETALK",
        [6] = "AF_NETROM", [7] = "AF_BRIDGE", [8] = "AF_ATMPVC", [9] = "AF_X25", [10] = "AF_INET6",
        [11] = "AF_ROSE", [12] = "AF_DECnet", [13] = "AF_NETBEUI", [14] = "AF_SECURITY", [15] = "AF_KEY",
        [16] = "AF_NETLINK", [17] = "AF_PACKET", [18] = "AF_ASH", [19] = "AF_ECONET", [20] = "AF_ATMSVC",
        [21] = "AF_RDS", [22] = "AF_SNA", [23] = "AF_IRDA", [24] = "AF_PPPOX", [25] = "AF_WANPIPE",
        [26] = "AF_LLC", [27] = "AF_IB", [28] = "AF_MPLS", [29] = "AF_CAN", [30] = "AF_TIPC",
        [31] = "AF_BLUETOOTH", [32] = "AF_IUCV", [33] = "AF_RXRPC", [34] = "AF_ISDN", [35] = "AF_PHONET",
        [36] = "AF_IEEE802154", [37] = "AF_CAIF", [38] = "AF_ALG", [39] = "AF_NFC", [40] = "AF_VSOCK",
        [41] = "AF_KCM", [42] = "AF_QIPCRTR", [43] = "AF_SMC", [44] = "AF_XDP", [45] = "AF_MCTP",
};
#define N_AF ((int) (sizeof(af_names) / sizeof(af_names[0])))

static int af_from_name(const char *n) {
        if (strcmp(n, "AF_LOCAL") == 0)
                return 1;
        for (int i = 1; i < N_AF; i++)
                if (af_names[i] && strcmp(af_names[i], n) == 0)
                        return i;
        return -1;
}

typedef struct AfSpec {
        bool set, allow_list;
        bool in[N_AF];
} AfSpec;

/* config_parse_address_families(): "none" = an empty allow list; the first assignment decides
 * allow ("AF_INET ...") or deny ("~AF_PACKET"); later ones of the other sense remove. */
static void parse_address_families(char *const *lines, AfSpec *spec) {
        memset(spec, 0, sizeof(*spec));
        for (size_t i = 0; lines && lines[i]; i++) {
                const char *p = lines[i];
                bool invert = false;

                if (strcmp(p, "none") == 0) {
                        memset(spec, 0, sizeof(*spec));
                        spec->set = spec->allow_list = true;
                        continue;
                }
                if (*p == '~') {
                        invert = true;
                        p++;
                }
                if (!spec->set) {
                        spec->set = true;
                        spec->allow_list = !invert;
                }
                for (;;) {
                        char *w = NULL;
                        int af;
                        if (sdu_extract_word(&p, &w, 0) <= 0)
                                break;
                        af = af_from_name(w);
                        free(w);
                        if (af < 0)
                                continue;
                        spec->in[af] = spec->allow_list != invert;
                }
        }
}

static int rules_address_families(scmp_filter_ctx c, uint32_t arch, const void *userdata) {
        const AfSpec *spec = userdata;
        int nr = sys(arch, "socket"), first = 0, last = 0, r = 0;
        uint32_t eaf = SCMP_ACT_ERRNO(EAFNOSUPPORT);

        if (nr == __NR_SCMP_ERROR)
                return 0;
        if (!spec->allow_list) {
                for (int af = 1; af < N_AF && r >= 0; af++)
                        if (spec->in[af])
                                r = seccomp_rule_add_exact(c, eaf, nr, 1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t) af));
                return r;
        }
        for (int af = 1; af < N_AF && af < AF_MAX; af++)
                if (spec->in[af]) {
                        if (!first)
                                first = af;
                        last = af;
                }
        if (!first)
                return seccomp_rule_add_exact(c, eaf, nr, 0);
        r = seccomp_rule_add_exact(c, eaf, nr, 1, SCMP_A0(SCMP_CMP_LT, (scmp_datum_t) first));
        if (r >= 0)
                r = seccomp_rule_add_exact(c, eaf, nr, 1, SCMP_A0(SCMP_CMP_GT, (scmp_datum_t) last));
        for (int af = 1; af < AF_MAX && r >= 0; af++)
                if (!(af < N_AF && spec->in[af]))
                        r = seccomp_rule_add_exact(c, eaf, nr, 1, SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t) af));
        return r;
}

/* ---- MemoryDenyWriteExecute= ---- */

static int rules_mdwe(scmp_filter_ctx c, uint32_t arch, const void *userdata) {
        uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
        const char *filter = arch == SCMP_ARCH_X86 ? "mmap2" : "mmap";
        int r;

        (void) userdata;
        r = seccomp_rule_add_exact(c, eperm, sys(arch, filter), 1,
                                   SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC | PROT_WRITE, PROT_EXEC | PROT_WRITE));
        if (r >= 0 && arch == SCMP_ARCH_X86)
                r = seccomp_rule_add_exact(c, eperm, sys(arch, "mmap"), 0);
        if (r >= 0)
                r = seccomp_rule_add_exact(c, eperm, sys(arch, "mprotect"), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
        if (r >= 0)
                r = seccomp_rule_add_exact(c, eperm, sys(arch, "pkey_mprotect"), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC));
        if (r >= 0 && arch != SCMP_ARCH_X86)
                r = seccomp_rule_add_exact(c, eperm, sys(arch, "shmat"), 1, SCMP_A2(SCMP_CMP_MASKED_EQ, SHM_EXEC, SHM_EXEC));
        return r;
}

/* ---- RestrictRealtime=: sched_setscheduler() only to OTHER, BATCH, IDLE ---- */

static int rules_realtime(scmp_filter_ctx c, uint32_t arch, const void *userdata) {
        int nr = sys(arch, "sched_setscheduler"), r = 0;

        (void) userdata;
        for (int p = 0; p < SCHED_IDLE && r >= 0; p++)
                if (p != SCHED_OTHER && p != SCHED_BATCH)
                        r = seccomp_rule_add_exact(c, SCMP_ACT_ERRNO(EPERM), nr, 1, SCMP_A1(SCMP_CMP_EQ, (scmp_datum_t) p));
        if (r >= 0)
                r = seccomp_rule_add_exact(c, SCMP_ACT_ERRNO(EPERM), nr, 1, SCMP_A1(SCMP_CMP_GT, (scmp_datum_t) SCHED_IDLE));
        return r;
}

/* ---- RestrictSUIDSGID=: no file gets the set-user/group-ID bit ---- */

static void sxid(scmp_filter_ctx c, uint32_t arch, scmp_datum_t m) {
        uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
        const struct {
                const char *name;
                unsigned arg;
        } mode_arg[] = { { "chmod", 1 }, { "fchmod", 1 }, { "fchmodat", 2 }, { "fchmodat2", 2 }, { "mkdir", 1 },
                         { "mkdirat", 2 }, { "mknod", 1 }, { "mknodat", 2 }, { "creat", 1 } };

        for (size_t i = 0; i < sizeof(mode_arg) / sizeof(mode_arg[0]); i++) {
                int nr = sys(arch, mode_arg[i].name);
                struct scmp_arg_cmp cmp = { mode_arg[i].arg, SCMP_CMP_MASKED_EQ, m, m };
                if (nr != __NR_SCMP_ERROR)
                        (void) seccomp_rule_add_exact_array(c, eperm, nr, 1, &cmp);
        }
        (void) seccomp_rule_add_exact(c, eperm, sys(arch, "open"), 2, SCMP_A1(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT),
                                      SCMP_A2(SCMP_CMP_MASKED_EQ, m, m));
        (void) seccomp_rule_add_exact(c, eperm, sys(arch, "openat"), 2, SCMP_A2(SCMP_CMP_MASKED_EQ, O_CREAT, O_CREAT),
                                      SCMP_A3(SCMP_CMP_MASKED_EQ, m, m));
        /* openat2() keeps its flags in a struct that seccomp cannot read: ENOSYS makes callers fall
         * back to openat() */
        if (sys(arch, "openat2") != __NR_SCMP_ERROR)
                (void) seccomp_rule_add_exact(c, SCMP_ACT_ERRNO(ENOSYS), sys(arch, "openat2"), 0);
}

static int rules_suid_sgid(scmp_filter_ctx c, uint32_t arch, const void *userdata) {
        (void) userdata;
        sxid(c, arch, S_ISUID);
        sxid(c, arch, S_ISGID);
        return 0;
}

/* ---- RestrictNamespaces= ---- */


static int rules_namespaces(scmp_filter_ctx c, uint32_t arch, const void *userdata) {
        unsigned long retain = *(const unsigned long *) userdata;
        uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
        int r;

        /* clone3() passes its flags in a struct: ENOSYS makes callers use clone(). */
        r = seccomp_rule_add_exact(c, SCMP_ACT_ERRNO(ENOSYS), sys(arch, "clone3"), 0);
        if (r < 0)
                return r;
        if ((retain & UNIT_NS_ALL) == 0)
                r = seccomp_rule_add_exact(c, eperm, sys(arch, "setns"), 0);
        else
                r = seccomp_rule_add_exact(c, eperm, sys(arch, "setns"), 1, SCMP_A1(SCMP_CMP_EQ, 0));
        for (size_t k = 0; k < unit_ns_types_n && r >= 0; k++) {
                scmp_datum_t f = unit_ns_types[k].flag;
                if (retain & f)
                        continue;
                r = seccomp_rule_add_exact(c, eperm, sys(arch, "unshare"), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
                if (r >= 0)
                        r = seccomp_rule_add_exact(c, eperm, sys(arch, "clone"), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, f, f));
                if (r >= 0 && (retain & UNIT_NS_ALL))
                        r = seccomp_rule_add_exact(c, eperm, sys(arch, "setns"), 1, SCMP_A1(SCMP_CMP_MASKED_EQ, f, f));
        }
        return r;
}

/* ---- single system calls (ProtectKernelTunables= _sysctl, ProtectKernelLogs= syslog,
 * ProtectHostname= sethostname/setdomainname), LockPersonality= ---- */

static int rules_eperm_names(scmp_filter_ctx c, uint32_t arch, const void *userdata) {
        for (const char *const *n = userdata; *n; n++) {
                /* an architecture without the call (x32 has no _sysctl) gets no filter */
                int r = seccomp_rule_add_exact(c, SCMP_ACT_ERRNO(EPERM), sys(arch, *n), 0);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int rules_personality(scmp_filter_ctx c, uint32_t arch, const void *userdata) {
        return seccomp_rule_add_exact(c, SCMP_ACT_ERRNO(EPERM), sys(arch, "personality"), 1,
                                      SCMP_A0(SCMP_CMP_NE, *(const scmp_datum_t *) userdata));
}

/* SystemCallArchitectures=: only the listed architectures (the native one always); the others are
 * marked, so that later filters skip them, and the shared program (flush_group()) kills their calls
 * as systemd's own filter for this setting does. */
static int restrict_archs(char *const *lines) {
        bool allowed[N_ARCHS] = { false };
        bool any = false;

        for (size_t i = 0; lines && lines[i]; i++) {
                const char *p = lines[i];
                for (;;) {
                        char *w = NULL;
                        uint32_t a;
                        if (sdu_extract_word(&p, &w, 0) <= 0)
                                break;
                        any = true;
                        if (strcmp(w, "native") == 0)
                                a = seccomp_arch_native();
                        else {
                                for (char *q = w; *q; q++)
                                        if (*q == '-')
                                                *q = '_';
                                a = seccomp_arch_resolve_name(w);
                        }
                        free(w);
                        for (size_t k = 0; k < N_ARCHS; k++)
                                if (local_archs[k] == a)
                                        allowed[k] = true;
                }
        }
        if (!any)
                return 0;
        for (size_t k = 0; k < N_ARCHS; k++) {
                if (local_archs[k] == seccomp_arch_native() || local_archs[k] == SCMP_ARCH_NATIVE || arch_blocked[k] || allowed[k])
                        continue;
                arch_blocked[k] = true;
                archs_restricted = true;
        }
        return 0;
}

/* ---- the whole sequence ---- */

/* (The kernel's answer does not change: asked once, not at every start.) */
static bool seccomp_available(void) {
        static int available = -1;

        if (available < 0)
                available = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
        return available;
}

bool exec_seccomp_wanted(const Unit *u) {
        return unit_exec(u)->sandbox && unit_exec(u)->sandbox->seccomp;
}

#define FAIL(status, what)                                                                       \
        do {                                                                                     \
                snprintf(err, errlen, "Failed to %s: %s", what, strerror(r < 0 ? -r : r));       \
                return status;                                                                   \
        } while (0)

static int apply_steps(const Unit *u, char *err, size_t errlen) {
        const ExecSandbox *sb = unit_exec(u)->sandbox;
        SyscallSet *set = NULL;
        bool allow_list;
        long retain;
        int r, gs;

        memset(arch_blocked, 0, sizeof(arch_blocked));
        if (!sb)
                return 0;
        /* SystemCallArchitectures= first (systemd applies it after the settings below): the shared
         * program drops the blocked architectures' rules anyway (flush_group()), so they are not
         * built at all; the same programs, a third of the compile work on x86-64. */
        if ((r = restrict_archs(raw(u, UD_EXEC_SYSTEM_CALL_ARCHITECTURES))) < 0)
                FAIL(EXIT_SECCOMP, "apply syscall architecture restrictions");
        if (raw(u, UD_EXEC_RESTRICT_ADDRESS_FAMILIES)) {
                AfSpec spec;
                parse_address_families(raw(u, UD_EXEC_RESTRICT_ADDRESS_FAMILIES), &spec);
                emit_status = EXIT_ADDRESS_FAMILIES;
                r = spec.set && (spec.allow_list || memchr(spec.in, true, sizeof(spec.in))) ? load_rules(rules_address_families, &spec, true) : 0;
                emit_status = EXIT_SECCOMP;
                if (r < 0)
                        FAIL(EXIT_ADDRESS_FAMILIES, "restrict address families");
        }
        if (sb->memory_deny_write_execute && (r = load_rules(rules_mdwe, NULL, false)) < 0)
                FAIL(EXIT_SECCOMP, "disable writing to executable memory");
        if (sb->restrict_realtime && (r = load_rules(rules_realtime, NULL, false)) < 0)
                FAIL(EXIT_SECCOMP, "apply realtime restrictions");
        if ((sb->restrict_suid_sgid || sb->dynamic_user) &&
            (r = load_rules(rules_suid_sgid, NULL, false)) < 0)
                FAIL(EXIT_SECCOMP, "apply SUID/SGID restrictions");
        retain = sb->restrict_namespaces;
        if (retain >= 0) {
                unsigned long ur = (unsigned long) retain;
                if ((r = load_rules(rules_namespaces, &ur, false)) < 0)
                        FAIL(EXIT_SECCOMP, "apply namespace restrictions");
        }
        if (sb->protect_kernel_tunables) {
                static const char *const n[] = { "_sysctl", NULL };
                if ((r = load_rules(rules_eperm_names, n, false)) < 0)
                        FAIL(EXIT_SECCOMP, "apply sysctl restrictions");
        }
        if (sb->protect_kernel_modules && (r = load_group("@module", EPERM)) < 0)
                FAIL(EXIT_SECCOMP, "apply module loading restrictions");
        if (sb->protect_kernel_logs) {
                static const char *const n[] = { "syslog", NULL };
                if ((r = load_rules(rules_eperm_names, n, false)) < 0)
                        FAIL(EXIT_SECCOMP, "apply kernel log restrictions");
        }
        if (sb->protect_clock && (r = load_group("@clock", EPERM)) < 0)
                FAIL(EXIT_SECCOMP, "apply clock restrictions");
        if (sb->private_devices && (r = load_group("@raw-io", EPERM)) < 0)
                FAIL(EXIT_SECCOMP, "set up private devices");
        if (sb->protect_hostname) {
                static const char *const n[] = { "sethostname", "setdomainname", NULL };
                if ((r = load_rules(rules_eperm_names, n, false)) < 0)
                        FAIL(EXIT_SECCOMP, "apply hostname restrictions");
        }
        if (sb->lock_personality) {
                const char *pers = unit_exec(u)->personality;
                scmp_datum_t p;
                if (pers)
                        p = strcmp(pers, "x86") == 0 ? PER_LINUX32 : PER_LINUX;
                else
                        p = (personality(0xffffffff) & 0xff) == PER_LINUX32 ? PER_LINUX32 : PER_LINUX;
                if ((r = load_rules(rules_personality, &p, false)) < 0)
                        FAIL(EXIT_SECCOMP, "lock personalities");
        }
        gs = group_status;
        if ((r = flush_group()) < 0) {
                if (gs == EXIT_ADDRESS_FAMILIES)
                        FAIL(EXIT_ADDRESS_FAMILIES, "restrict address families");
                FAIL(EXIT_SECCOMP, "apply system call filters");
        }

        if (!(set = malloc(sizeof(*set)))) {
                r = ENOMEM;
                FAIL(EXIT_SECCOMP, "apply system call filters");
        }
        if (parse_filter_list(raw(u, UD_EXEC_SYSTEM_CALL_LOG), false, set, &allow_list)) {
                /* allow list: log only those listed; deny list: log all but those */
                r = allow_list ? load_set(SCMP_ACT_ALLOW, set, SCMP_ACT_LOG) : load_set(SCMP_ACT_LOG, set, SCMP_ACT_ALLOW);
                if (r < 0) {
                        free(set);
                        FAIL(EXIT_SECCOMP, "apply system call log filters");
                }
        }
        /* Last, so that our own code runs unfiltered as long as possible. */
        if (parse_filter_list(raw(u, UD_EXEC_SYSTEM_CALL_FILTER), true, set, &allow_list)) {
                const char *e = raw_last(u, UD_EXEC_SYSTEM_CALL_ERROR_NUMBER);
                uint32_t negative = SCMP_ACT_KILL_PROCESS;
                if (e && strcmp(e, "kill") != 0 && parse_errno(e) >= 0)
                        negative = SCMP_ACT_ERRNO((uint32_t) parse_errno(e));
                r = allow_list ? load_set(negative, set, SCMP_ACT_ALLOW) : load_set(SCMP_ACT_ALLOW, set, negative);
                if (r < 0) {
                        free(set);
                        FAIL(EXIT_SECCOMP, "apply system call filters");
                }
        }
        free(set);
        return 0;
}

static int apply_all(const Unit *u, char *err, size_t errlen) {
        int r = apply_steps(u, err, errlen);

        group_drop();
        return r;
}

/* The settings the filters depend on, as one string: the cache key. */
static char *plan_key(const Unit *u) {
        static const UnitDirectiveId ids[] = {
                UD_EXEC_RESTRICT_ADDRESS_FAMILIES, UD_EXEC_MEMORY_DENY_WRITE_EXECUTE, UD_EXEC_RESTRICT_REALTIME,
                UD_EXEC_RESTRICT_SUIDSGID, UD_EXEC_DYNAMIC_USER, UD_EXEC_RESTRICT_NAMESPACES, UD_EXEC_PROTECT_KERNEL_TUNABLES,
                UD_EXEC_PROTECT_KERNEL_MODULES, UD_EXEC_PROTECT_KERNEL_LOGS, UD_EXEC_PROTECT_CLOCK, UD_EXEC_PRIVATE_DEVICES,
                UD_EXEC_PROTECT_HOSTNAME, UD_EXEC_SYSTEM_CALL_ARCHITECTURES, UD_EXEC_LOCK_PERSONALITY, UD_EXEC_SYSTEM_CALL_LOG,
                UD_EXEC_SYSTEM_CALL_FILTER, UD_EXEC_SYSTEM_CALL_ERROR_NUMBER,
        };
        size_t n = 1;
        char *key, *p;

        for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++)
                for (char *const *l = raw(u, ids[k]); l && *l; l++)
                        n += 12 + strlen(*l) + 2;
        n += unit_exec(u)->personality ? strlen(unit_exec(u)->personality) + 1 : 1;
        if (!(p = key = malloc(n)))
                return NULL;
        /* (built at every start: copies, no printf) */
        for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++)
                for (char *const *l = raw(u, ids[k]); l && *l; l++) {
                        size_t len = strlen(*l);
                        for (unsigned v = (unsigned) ids[k];; v /= 10) { /* the id, digits reversed: unique all the same */
                                *p++ = (char) ('0' + v % 10);
                                if (v < 10)
                                        break;
                        }
                        *p++ = '=';
                        memcpy(p, *l, len);
                        p += len;
                        *p++ = '\n';
                }
        if (unit_exec(u)->personality) {
                size_t len = strlen(unit_exec(u)->personality);
                memcpy(p, unit_exec(u)->personality, len);
                p += len;
        }
        *p = '\0';
        return key;
}

static struct {
        char *key;
        ExecSeccompPlan *plan;
} *plans;
static size_t n_plans;

/* The plan exec_seccomp_prepare() found for the unit about to be started: the child (a copy of
 * PID 1's memory, or sharing it) takes it from here without building the key again. */
static const Unit *prepared_unit;
static const ExecSeccompPlan *prepared_plan;

static const ExecSeccompPlan *plan_find(const char *key) {
        for (size_t i = 0; i < n_plans; i++)
                if (strcmp(plans[i].key, key) == 0)
                        return plans[i].plan;
        return NULL;
}

int exec_seccomp_prepare(const Unit *u) {
        ExecSeccompPlan *plan;
        const ExecSeccompPlan *found;
        char *key;
        void *l;
        int n_unproven;

        prepared_unit = NULL;
        prepared_plan = NULL;
        if (!exec_seccomp_wanted(u) || !seccomp_available() || !(key = plan_key(u)))
                return 0;
        if ((found = plan_find(key))) {
                free(key);
                prepared_unit = u;
                prepared_plan = found;
                return 0;
        }
        if (!(plan = calloc(1, sizeof(*plan)))) {
                free(key);
                return 0;
        }
        collecting = plan;
        unproven = 0;
        plan->status = apply_all(u, plan->msg, sizeof(plan->msg));
        collecting = NULL;
        n_unproven = unproven;
        memset(arch_blocked, 0, sizeof(arch_blocked));
        l = realloc(plans, (n_plans + 1) * sizeof(*plans));
        if (!l) {
                free(plan->items);
                free(plan);
                free(key);
                return n_unproven;
        }
        plans = l;
        plans[n_plans].key = key;
        plans[n_plans++].plan = plan;
        prepared_unit = u;
        prepared_plan = plan;
        /* libseccomp's compilation (thousands of small blocks, redis-server's settings: ~7,000)
         * leaves ~200 KB of free heap pages behind: back to the system, or every later fork
         * copies their page table entries and PID 1 writes fault on them. Once per new plan. */
        malloc_trim(0);
        return n_unproven;
}

int exec_seccomp_apply(const Unit *u, char *err, size_t errlen) {
        const ExecSeccompPlan *plan = NULL;

        if (!exec_seccomp_wanted(u) || !seccomp_available())
                return 0;
        if (prepared_unit == u)
                plan = prepared_plan;
        else {
                /* Not prepared (a caller without exec_privileges_prepare()): look it up. */
                char *key = plan_key(u);
                plan = key ? plan_find(key) : NULL;
                free(key);
        }
        if (!plan)
                return apply_all(u, err, errlen);
        if (plan->status) {
                snprintf(err, errlen, "%s", plan->msg);
                return plan->status;
        }
        for (size_t i = 0; i < plan->n; i++)
                if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, plan->items[i].prog) < 0) {
                        snprintf(err, errlen, "Failed to apply system call filters: %s", strerror(errno));
                        return plan->items[i].status;
                }
        return 0;
}
