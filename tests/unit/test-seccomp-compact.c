/* SPDX-License-Identifier: MIT */
/* The seccomp programs' re-encoding (service/bpf-compact.c) gives libseccomp's verdicts: the plans
 * of many settings (every @group of exec-seccomp-groups.c as an allow and a deny list, with and
 * without SystemCallArchitectures=, SystemCallErrorNumber=, SystemCallLog=, the settings of the
 * shared program) are compiled as PID 1 compiles them, and every program as loaded is run by an
 * interpreter against libseccomp's own on every system call number 0..1023, x32's numbers, -1 and
 * huge numbers, on each architecture the program names and an unknown one, with the argument
 * values its argument checks compare against (+-1); every call the kernel caches as always allowed
 * for libseccomp's program (seccomp_is_const_allow()) is cached for the loaded one too. And the
 * proof (bpf_compact_check()) rejects every altered re-encoding that changes a verdict. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>

#include "service/bpf-compact.h"
#include "service/exec-seccomp.h"
#include "tests/tap.h"
#include "units/unit-sandbox.h"
#include "units/unit-specifier.h"

static int n_programs, n_shorter, n_diffs;
static bool quiet; /* (the alterations below: differences expected) */
static const char *current;
static size_t len_before, len_after;

typedef struct Values {
        uint32_t *v;
        size_t n, cap;
} Values;

static void vals_add(Values *s, uint32_t x) {
        for (size_t i = 0; i < s->n; i++)
                if (s->v[i] == x)
                        return;
        if (s->n == s->cap) {
                s->cap = s->cap ? 2 * s->cap : 64;
                s->v = realloc(s->v, s->cap * sizeof(*s->v));
        }
        s->v[s->n++] = x;
}

static void vals_add3(Values *s, uint32_t x) {
        vals_add(s, x - 1);
        vals_add(s, x);
        vals_add(s, x + 1);
}

/* The constants a program compares the architecture, the number and the arguments against (by the
 * last field loaded before them), with their neighbours (the numbers' neighbours are all tried
 * anyway, with arguments all 0 and all 1 bits). */
static void program_values(const struct sock_filter *p, size_t n, Values *arch, Values *nr, Values *arg) {
        int field = -1;

        for (size_t i = 0; i < n; i++) {
                const struct sock_filter *f = &p[i];
                if (f->code == (BPF_LD | BPF_W | BPF_ABS))
                        field = (int) f->k;
                else if ((BPF_CLASS(f->code) == BPF_JMP && BPF_OP(f->code) != BPF_JA) || BPF_CLASS(f->code) == BPF_ALU)
                        (field == 0 && (f->k < 1024 || f->k - 0x40000000u < 1024) ? vals_add : vals_add3)(
                                field == 4 ? arch : field == 0 ? nr : arg, f->k);
        }
}

typedef struct Prog {
        const struct sock_filter *p;
        size_t n;
} Prog;

/* a's verdict against b's */
static int compare_at(Prog a, Prog b, const struct seccomp_data *d) {
        uint32_t x = bpf_run(a.p, a.n, d), y = bpf_run(b.p, b.n, d);

        if (x == y)
                return 0;
        if (++n_diffs <= 5 && !quiet)
                printf("# arch %#x nr %d args %#llx %#llx: %#x != %#x\n", d->arch, d->nr, (unsigned long long) d->args[0],
                       (unsigned long long) d->args[1], x, y);
        return 1;
}

/* How many inputs the two programs disagree on. */
static int compare2(Prog a, Prog b) {
        Values arch = { 0 }, nr = { 0 }, arg = { 0 };
        int bad = 0;

        program_values(a.p, a.n, &arch, &nr, &arg);
        program_values(b.p, b.n, &arch, &nr, &arg);
        vals_add(&arch, AUDIT_ARCH_X86_64);
        vals_add(&arch, AUDIT_ARCH_I386);
        vals_add(&arch, AUDIT_ARCH_AARCH64);
        vals_add(&arch, 0x1234); /* unknown */
        vals_add(&arg, 0);
        vals_add(&arg, UINT32_MAX);
        for (size_t ai = 0; ai < arch.n; ai++) {
                struct seccomp_data d = { .arch = arch.v[ai] };
                /* every number, x32's, -1, huge ones; arguments all 0 and all 1 bits */
                for (int64_t x = -1; x < 1024 + 1024 + 4; x++) {
                        uint32_t v = x < 1024 ? (uint32_t) x : x < 2048 ? 0x40000000u + (uint32_t) (x - 1024) :
                                     (uint32_t[]) { 0x7fffffff, 0x80000000, 0xfffffffe, 0x4fffffff }[x - 2048];
                        d.nr = (int) v;
                        memset(d.args, 0, sizeof(d.args));
                        bad += compare_at(a, b, &d);
                        memset(d.args, 0xff, sizeof(d.args));
                        bad += compare_at(a, b, &d);
                }
                /* the numbers the programs name, with each argument value they compare against: in
                 * one argument, in all, in the upper halves */
                for (size_t ni = 0; ni < nr.n && (!quiet || d.arch == AUDIT_ARCH_X86_64); ni++)
                        for (size_t vi = 0; vi < arg.n; vi++) {
                                uint64_t v = arg.v[vi];
                                d.nr = (int) nr.v[ni];
                                for (int i = 0; i < 6; i++)
                                        d.args[i] = v;
                                bad += compare_at(a, b, &d);
                                if (quiet) /* (the alterations: fewer inputs) */
                                        continue;
                                for (int i = 0; i < 6; i++)
                                        d.args[i] = v << 32;
                                bad += compare_at(a, b, &d);
                                for (int i = 0; i < 6; i++) {
                                        memset(d.args, 0, sizeof(d.args));
                                        d.args[i] = v;
                                        bad += compare_at(a, b, &d);
                                }
                        }
        }
        free(arch.v);
        free(nr.v);
        free(arg.v);
        return bad;
}

static int compare(const struct sock_filter *a, size_t na, const struct sock_filter *b, size_t nb) {
        return compare2((Prog) { a, na }, (Prog) { b, nb });
}

/* The kernel's test of a call always allowed (kernel/seccomp.c seccomp_is_const_allow(), filling
 * each filter's cache when it is loaded): the program run with only the number and the
 * architecture known, through the instructions it emulates; anything else (an argument, X, the
 * scratch memory, an ALU operation but "and") makes the call not cacheable. A re-encoding must
 * keep every cached call cached, or each of them runs the filter at every call of the service. */
static bool const_allow(const struct sock_filter *p, size_t n, uint32_t arch, uint32_t nr) {
        uint32_t a = 0;

        for (size_t pc = 0; pc < n; pc++) {
                const struct sock_filter *f = &p[pc];
                switch (f->code) {
                case BPF_LD | BPF_W | BPF_ABS:
                        if (f->k == offsetof(struct seccomp_data, nr))
                                a = nr;
                        else if (f->k == offsetof(struct seccomp_data, arch))
                                a = arch;
                        else
                                return false;
                        break;
                case BPF_RET | BPF_K:
                        return f->k == SECCOMP_RET_ALLOW;
                case BPF_JMP | BPF_JA:
                        pc += f->k;
                        break;
                case BPF_JMP | BPF_JEQ | BPF_K:
                        pc += a == f->k ? f->jt : f->jf;
                        break;
                case BPF_JMP | BPF_JGE | BPF_K:
                        pc += a >= f->k ? f->jt : f->jf;
                        break;
                case BPF_JMP | BPF_JGT | BPF_K:
                        pc += a > f->k ? f->jt : f->jf;
                        break;
                case BPF_JMP | BPF_JSET | BPF_K:
                        pc += (a & f->k) ? f->jt : f->jf;
                        break;
                case BPF_ALU | BPF_AND | BPF_K:
                        a &= f->k;
                        break;
                default:
                        return false;
                }
        }
        return false;
}

static int n_cache_lost;

/* The calls (native and compat architecture, numbers 0..1023) the kernel caches as always allowed
 * for libseccomp's program must be cached for the loaded one too. */
static void compare_cache(const struct sock_fprog *orig, const struct sock_fprog *loaded) {
        static const uint32_t archs[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 };

        for (size_t ai = 0; ai < 2; ai++)
                for (uint32_t nr = 0; nr < 1024; nr++) {
                        bool before = const_allow(orig->filter, orig->len, archs[ai], nr);
                        if (before && !const_allow(loaded->filter, loaded->len, archs[ai], nr) && ++n_cache_lost <= 5)
                                printf("# arch %#x nr %u: always allowed before, not cacheable after: %s\n", archs[ai], nr, current);
                }
}

static void hook(const struct sock_fprog *orig, const struct sock_fprog *loaded) {
        compare_cache(orig, loaded);
        n_programs++;
        len_before += orig->len;
        len_after += loaded->len;
        if (loaded->len < orig->len)
                n_shorter++;
        else if (getenv("TEST_VERBOSE"))
                printf("# not shorter: %u instructions: %s\n", orig->len, current);
        (void) compare(orig->filter, orig->len, loaded->filter, loaded->len);
}

static int prepare(const UnitHostInfo *h, const char *settings) {
        char text[2048];
        Unit *u = NULL;
        int r;

        snprintf(text, sizeof(text), "[Service]\nExecStart=/bin/true\n%s", settings);
        current = settings;
        if (unit_new("a.service", h, &u) < 0)
                return -1;
        unit_load_fragment_buffer(u, "/x/unit", text, strlen(text), false, NULL);
        if (unit_compact(u) < 0) {
                unit_free(u);
                return -1;
        }
        r = exec_seccomp_prepare(u);
        unit_free(u);
        return r;
}

#define REDIS                                                                                               \
        "LockPersonality=true\nMemoryDenyWriteExecute=true\nProtectClock=true\nProtectHostname=true\n"     \
        "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\nRestrictNamespaces=true\nRestrictRealtime=true\n" \
        "RestrictSUIDSGID=true\nPrivateDevices=yes\nProtectKernelTunables=yes\nProtectKernelModules=yes\n"  \
        "ProtectKernelLogs=yes\n"

/* Alter each comparison of a re-encoded program (its constant, its jumps): whenever that changes a
 * verdict, the proof must reject it. Returns the number of alterations it rejected, -1 when it
 * accepted one that changes a verdict. */
static int mutations_rejected(const struct sock_filter *p, size_t n) {
        struct sock_filter *q = NULL;
        int *pos = NULL, m, rejected = 0;

        if ((m = bpf_compact(p, n, &q, &pos)) <= 0)
                return -1;
        quiet = true;
        for (int j = 0; j < m; j++)
                for (int kind = 0; kind < 3; kind++) {
                        struct sock_filter saved = q[j];
                        int bad, proof;
                        if (BPF_CLASS(q[j].code) != BPF_JMP || BPF_OP(q[j].code) == BPF_JA)
                                break;
                        if (kind == 0)
                                q[j].k++;
                        else if (kind == 1)
                                q[j].code = (uint16_t) ((q[j].code & ~0xf0) | (BPF_OP(q[j].code) == BPF_JEQ ? BPF_JGE : BPF_JEQ));
                        else {
                                q[j].jt = saved.jf;
                                q[j].jf = saved.jt;
                        }
                        n_diffs = 0;
                        bad = compare(p, n, q, (size_t) m);
                        proof = bpf_compact_check(p, n, q, (size_t) m, pos);
                        q[j] = saved;
                        if (bad && proof == 0) {
                                printf("# instruction %d, alteration %d: accepted, %d different verdicts\n", j, kind, bad);
                                rejected = -1;
                                goto out;
                        }
                        if (proof < 0)
                                rejected++;
                }
out:
        free(q);
        free(pos);
        n_diffs = 0;
        quiet = false;
        return rejected;
}

static const struct sock_filter *redis_filter;
static size_t redis_filter_len;
static void keep_hook(const struct sock_fprog *orig, const struct sock_fprog *loaded) {
        hook(orig, loaded);
        free((void *) redis_filter);
        redis_filter_len = orig->len;
        redis_filter = memcpy(malloc(orig->len * sizeof(*orig->filter)), orig->filter, orig->len * sizeof(*orig->filter));
}

int main(void) {
        static const char *const archs[] = { "", "SystemCallArchitectures=native\n", "SystemCallArchitectures=x86\n",
                                             "SystemCallArchitectures=x32\n" };
        static const char *const extras[] = {
                "",
                "SystemCallErrorNumber=EPERM\n",
                "SystemCallLog=@file-system\n",
                "SystemCallLog=~@basic-io\n",
                REDIS,
                "RestrictAddressFamilies=~AF_INET AF_PACKET\nRestrictNamespaces=~user net\nLockPersonality=yes\n",
                "RestrictNamespaces=cgroup ipc\nMemoryDenyWriteExecute=yes\nSystemCallFilter=~mkdir:EACCES\n",
        };
        UnitHostInfo *h;
        char settings[1024];
        int unproven = 0, failed_units = 0, r;

        unit_host_info_new_fixed(&h);
        exec_seccomp_program_hook = hook;
        for (const ExecSyscallGroup *g = exec_syscall_groups; g->name; g++)
                for (int inv = 0; inv < 2; inv++)
                        for (size_t a = 0; a < sizeof(archs) / sizeof(archs[0]); a++) {
                                size_t x = (size_t) (g - exec_syscall_groups + inv + a) % (sizeof(extras) / sizeof(extras[0]));
                                snprintf(settings, sizeof(settings), "SystemCallFilter=%s%s\n%s%s", inv ? "~" : "", g->name, archs[a], extras[x]);
                                if ((r = prepare(h, settings)) < 0)
                                        failed_units++;
                                else
                                        unproven += r;
                        }
        for (size_t a = 0; a < sizeof(archs) / sizeof(archs[0]); a++)
                for (size_t x = 1; x < sizeof(extras) / sizeof(extras[0]); x++) {
                        snprintf(settings, sizeof(settings), "%s%s", archs[a], extras[x]);
                        if ((r = prepare(h, settings)) < 0)
                                failed_units++;
                        else
                                unproven += r;
                }
        /* ties: the same action from both programs (EPERM from ProtectClock=, EACCES from
         * SystemCallFilter=): the later's value */
        if ((r = prepare(h, "ProtectClock=yes\nSystemCallFilter=~@clock @mount\nSystemCallErrorNumber=EACCES\n")) < 0)
                failed_units++;
        else
                unproven += r;
        if ((r = prepare(h, "PrivateDevices=yes\nSystemCallFilter=~@raw-io:EIO\nSystemCallArchitectures=native\n")) < 0)
                failed_units++;
        else
                unproven += r;
        /* redis-server's: its SystemCallFilter= program kept for the proof's test below */
        exec_seccomp_program_hook = keep_hook;
        r = prepare(h, REDIS "SystemCallArchitectures=native\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged @resources\n");
        CHECK_INT(r, 0);
        exec_seccomp_program_hook = NULL;

        printf("# %d programs, %d shorter, %zu instructions -> %zu\n", n_programs, n_shorter, len_before, len_after);
        CHECK_INT(failed_units, 0);
        CHECK_INT(unproven, 0);
        CHECK(n_programs > 200);
        CHECK(n_shorter > n_programs / 2);
        CHECK_INT(n_diffs, 0);
        CHECK_INT(n_cache_lost, 0);
        CHECK(redis_filter && redis_filter_len > 300);
        if (redis_filter) {
                struct sock_filter *q = NULL;
                int m = bpf_compact(redis_filter, redis_filter_len, &q, NULL);
                CHECK(m > 0 && m < 100); /* 275 allowed calls in 40 runs */
                free(q);
                CHECK(mutations_rejected(redis_filter, redis_filter_len) > 50);
        }
        free((void *) redis_filter);
        unit_host_info_free(h);
        printf("1..%d\n", tap_n);
        return tap_failed ? 1 : 0;
}
