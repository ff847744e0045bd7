/* SPDX-License-Identifier: MIT */
/* Seccomp programs re-encoded for a cheaper load, with the same verdicts: see bpf-compact.h.
 *
 * Loading a program costs the kernel about 0.5 µs per instruction (checking it, translating it to
 * eBPF, compiling it, and running it for every system call number to fill its cache of calls
 * always allowed). libseccomp's programs compare the system call number against each listed call
 * in turn (or in a tree, one node per call): an allow list of 275 calls is ~280 comparisons, while
 * the calls form only 40 runs of consecutive numbers. Here a "chain" is a set of conditional jumps
 * comparing A against constants (JEQ/JGT/JGE K) that only lead to each other: A does not change
 * along it, so where it leads is a function of A alone, constant between its constants. That
 * function, as sorted intervals of values (neighbours with the same outcome merged), becomes a
 * binary search (JGE at the interval starts; where at most four lone values differ from the rest,
 * one JEQ each). libseccomp's "ld; and #0; jge #1" (an argument's upper half under a mask of 0)
 * always leads to one place and is skipped (canon_fill()). Every other instruction is copied; the
 * program is laid out from its end (all jumps go forward), with a BPF_JA trampoline where a
 * conditional jump's 8-bit offset does not reach. The result is used only when it is shorter and
 * bpf_compact_check() proves it. */
#include "service/bpf-compact.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PIECES 4096 /* intervals of one chain before merging: more, and it is left as it is */
#define FAR 253         /* a conditional jump's reach, less room for two trampolines after it */

static bool is_cmpk(const struct sock_filter *f) {
        uint16_t op = BPF_OP(f->code);

        return BPF_CLASS(f->code) == BPF_JMP && BPF_SRC(f->code) == BPF_K && (op == BPF_JEQ || op == BPF_JGT || op == BPF_JGE);
}

static bool is_ja(const struct sock_filter *f) {
        return f->code == (BPF_JMP | BPF_JA);
}

static bool cmpk_true(const struct sock_filter *f, uint32_t a) {
        switch (BPF_OP(f->code)) {
        case BPF_JEQ:
                return a == f->k;
        case BPF_JGT:
                return a > f->k;
        default:
                return a >= f->k;
        }
}

/* Where the chain from i leads for A = a: the first instruction that is neither a comparison nor
 * a BPF_JA (libseccomp's, where its tree's jump is too long). */
static size_t chain_exit(const struct sock_filter *p, size_t i, uint32_t a) {
        for (;;)
                if (is_ja(&p[i]))
                        i += 1 + p[i].k;
                else if (is_cmpk(&p[i]))
                        i += 1 + (cmpk_true(&p[i], a) ? p[i].jt : p[i].jf);
                else
                        return i;
}

/* An instruction that does not read A: A is dead there. */
static bool a_dead(const struct sock_filter *f) {
        return f->code == (BPF_LD | BPF_W | BPF_ABS) || f->code == (BPF_LD | BPF_IMM) || f->code == (BPF_LD | BPF_W | BPF_LEN) ||
               f->code == (BPF_RET | BPF_K);
}

/* libseccomp tests an argument's upper half under a mask of 0 as "ld; and #0; jge #1": A is 0
 * whatever the input, and the chain leads to one place. When that place does not read A (it loads
 * it again, or returns a constant), a jump to the load goes there instead: canon[i] is where i
 * leads that way (through several), or i. */
static void canon_fill(const struct sock_filter *p, size_t n, size_t *canon) {
        for (size_t i = n; i-- > 0;) {
                size_t y;
                canon[i] = i;
                if (p[i].code != (BPF_LD | BPF_W | BPF_ABS) || i + 2 >= n || p[i + 1].code != (BPF_ALU | BPF_AND | BPF_K) ||
                    p[i + 1].k != 0 || !(is_cmpk(&p[i + 2]) || is_ja(&p[i + 2])))
                        continue;
                y = chain_exit(p, i + 2, 0);
                if (a_dead(&p[y]))
                        canon[i] = canon[y];
        }
}

/* libseccomp tests single bits of one field for one outcome ("ld F; and #b; jeq #b", each going on
 * to the next when false: RestrictNamespaces='s flags of clone and unshare). Where neither outcome
 * reads A, that is "ld F; jset #bits". Returns the number of tests from i (< 2: not such a run),
 * with their bits and where they lead (t: some bit set, e: none). */
static size_t bit_run(const struct sock_filter *p, size_t n, size_t i, uint32_t *bits, size_t *t, size_t *e) {
        size_t k = 0;

        *bits = 0;
        *t = *e = i;
        for (size_t j = i; j + 2 < n; j += 3) {
                const struct sock_filter *f = &p[j];
                if (f[0].code != (BPF_LD | BPF_W | BPF_ABS) || f[0].k != p[i].k || f[1].code != (BPF_ALU | BPF_AND | BPF_K) ||
                    f[1].k == 0 || (f[1].k & (f[1].k - 1)) != 0 || f[2].code != (BPF_JMP | BPF_JEQ | BPF_K) ||
                    f[2].k != f[1].k || (k > 0 && j + 3 + f[2].jt != *t))
                        break;
                *bits |= f[1].k;
                *t = j + 3 + f[2].jt;
                *e = j + 3 + f[2].jf;
                k++;
                if (f[2].jf != 0)
                        break;
        }
        return k >= 2 && a_dead(&p[*t]) && a_dead(&p[*e]) ? k : 0;
}

typedef struct Piece {
        int64_t lo, hi; /* A in [lo, hi] */
        size_t at;      /* an instruction of the chain (while splitting), then its exit */
} Piece;

static int piece_cmp(const void *a, const void *b) {
        const Piece *x = a, *y = b;

        return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static int64_t max64(int64_t a, int64_t b) {
        return a > b ? a : b;
}

static int64_t min64(int64_t a, int64_t b) {
        return a < b ? a : b;
}

/* The chain from root as sorted intervals of A with their exits, neighbours with the same exit
 * merged. Returns their number, or -EOPNOTSUPP (too many). */
static int chain_pieces(const struct sock_filter *p, size_t root, const size_t *canon, Piece *out, Piece *stack) {
        size_t n_out = 0, n_stack = 0, m = 0;

        stack[n_stack++] = (Piece) { 0, UINT32_MAX, root };
        while (n_stack > 0) {
                Piece c = stack[--n_stack], add[3];
                const struct sock_filter *f = &p[c.at];
                int64_t k = f->k;
                size_t t = c.at + 1 + f->jt, e = c.at + 1 + f->jf;

                if (is_ja(f)) {
                        stack[n_stack++] = (Piece) { c.lo, c.hi, c.at + 1 + f->k };
                        continue;
                }
                if (!is_cmpk(f)) {
                        if (n_out == MAX_PIECES)
                                return -EOPNOTSUPP;
                        c.at = canon[c.at];
                        out[n_out++] = c;
                        continue;
                }
                /* where it jumps to t, and to e (one or two intervals) */
                switch (BPF_OP(f->code)) {
                case BPF_JEQ:
                        add[0] = (Piece) { k, k, t };
                        add[1] = (Piece) { c.lo, k - 1, e };
                        add[2] = (Piece) { k + 1, c.hi, e };
                        break;
                case BPF_JGT:
                        add[0] = (Piece) { k + 1, c.hi, t };
                        add[1] = (Piece) { c.lo, k, e };
                        add[2] = (Piece) { 1, 0, e };
                        break;
                default:
                        add[0] = (Piece) { k, c.hi, t };
                        add[1] = (Piece) { c.lo, k - 1, e };
                        add[2] = (Piece) { 1, 0, e };
                        break;
                }
                for (int a = 0; a < 3; a++) {
                        add[a].lo = max64(add[a].lo, c.lo);
                        add[a].hi = min64(add[a].hi, c.hi);
                        if (add[a].lo > add[a].hi)
                                continue;
                        if (n_stack == MAX_PIECES)
                                return -EOPNOTSUPP;
                        stack[n_stack++] = add[a];
                }
        }
        qsort(out, n_out, sizeof(*out), piece_cmp);
        for (size_t i = 0; i < n_out; i++) {
                if (m > 0 && out[m - 1].at == out[i].at && out[m - 1].hi + 1 == out[i].lo)
                        out[m - 1].hi = out[i].hi;
                else
                        out[m++] = out[i];
        }
        return (int) m;
}

/* ---- layout, from the end ---- */

typedef struct Emitter {
        struct sock_filter out[BPF_MAXINSNS];
        int top; /* out[top..] is placed */
} Emitter;

static int place(Emitter *e, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k) {
        if (e->top == 0)
                return -EOPNOTSUPP;
        e->out[--e->top] = (struct sock_filter) { code, jt, jf, k };
        return e->top;
}

static int place_ja(Emitter *e, int target) {
        return place(e, BPF_JMP | BPF_JA, 0, 0, (uint32_t) (target - e->top)); /* from top - 1 */
}

static int place_cond(Emitter *e, uint16_t code, uint32_t k, int tt, int tf) {
        if (tt - e->top > FAR && (tt = place_ja(e, tt)) < 0)
                return tt;
        if (tf - e->top > FAR && (tf = place_ja(e, tf)) < 0)
                return tf;
        return place(e, code, (uint8_t) (tt - e->top), (uint8_t) (tf - e->top), k);
}

/* Binary search over pieces [l, r]; returns the slot it starts at (a leaf: its exit's). Where all
 * the pieces but a few lone values lead to one place (a sparse list of calls), those values are
 * compared one after the other (JEQ; at most CHAIN, as libseccomp's tree leaves). */
#define CHAIN 4
static int emit_tree(Emitter *e, const Piece *pc, int l, int r, const int *pos) {
        size_t bg = pc[r].at;
        int mid, right, left, n_other = 0, cur;

        if (l == r)
                return pos[pc[l].at];
        for (int i = l; i <= r; i++)
                if (pc[i].lo != pc[i].hi) {
                        bg = pc[i].at;
                        break;
                }
        for (int i = l; i <= r && n_other <= CHAIN; i++)
                if (pc[i].at != bg)
                        n_other += pc[i].lo == pc[i].hi ? 1 : CHAIN + 1;
        if (n_other <= CHAIN) {
                cur = pos[bg];
                for (int i = r; i >= l && cur >= 0; i--)
                        if (pc[i].at != bg)
                                cur = place_cond(e, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t) pc[i].lo, pos[pc[i].at], cur);
                return cur;
        }
        mid = (l + r + 1) / 2;
        if ((right = emit_tree(e, pc, mid, r, pos)) < 0 || (left = emit_tree(e, pc, l, mid - 1, pos)) < 0)
                return right < 0 ? right : left;
        return place_cond(e, BPF_JMP | BPF_JGE | BPF_K, (uint32_t) pc[mid].lo, right, left);
}

/* Instruction i's copy, its jumps to the copies of its targets. */
static int emit_copy(Emitter *e, const struct sock_filter *p, size_t i, const size_t *canon, const int *pos) {
        const struct sock_filter *f = &p[i];

        if (BPF_CLASS(f->code) == BPF_RET)
                return place(e, f->code, f->jt, f->jf, f->k);
        if (BPF_CLASS(f->code) == BPF_JMP && BPF_OP(f->code) == BPF_JA)
                return place_ja(e, pos[canon[i + 1 + f->k]]);
        if (BPF_CLASS(f->code) == BPF_JMP)
                return place_cond(e, f->code, f->k, pos[canon[i + 1 + f->jt]], pos[canon[i + 1 + f->jf]]);
        if (pos[canon[i + 1]] != e->top && place_ja(e, pos[canon[i + 1]]) < 0)
                return -EOPNOTSUPP;
        return place(e, f->code, f->jt, f->jf, f->k);
}

static bool jumps_valid(const struct sock_filter *p, size_t n) {
        for (size_t i = 0; i < n; i++) {
                const struct sock_filter *f = &p[i];
                if (BPF_CLASS(f->code) == BPF_RET)
                        continue;
                if (BPF_CLASS(f->code) != BPF_JMP) {
                        if (i + 1 >= n)
                                return false;
                } else if (BPF_OP(f->code) == BPF_JA) {
                        if (f->k >= n - i - 1)
                                return false;
                } else if (i + 1 + f->jt >= n || i + 1 + f->jf >= n)
                        return false;
        }
        return BPF_CLASS(p[n - 1].code) == BPF_RET;
}

int bpf_compact(const struct sock_filter *p, size_t n, struct sock_filter **ret, int **ret_pos) {
        Emitter *e = NULL;
        Piece *pieces = NULL, *stack = NULL;
        bool *entry = NULL;
        int *pos = NULL, r = -ENOMEM;
        size_t m, *canon = NULL, t, x;
        uint32_t bits;

        if (n == 0 || n > BPF_MAXINSNS || !jumps_valid(p, n))
                return -EOPNOTSUPP;
        if (!(e = malloc(sizeof(*e))) || !(pieces = malloc(MAX_PIECES * sizeof(*pieces))) ||
            !(stack = malloc(MAX_PIECES * sizeof(*stack))) || !(entry = calloc(n, sizeof(*entry))) ||
            !(pos = malloc(n * sizeof(*pos))) || !(canon = malloc(n * sizeof(*canon))))
                goto out;
        canon_fill(p, n, canon);
        /* The instructions kept: the start, every chain's exits, every other instruction's targets
         * (a chain's inner comparisons are kept only when something else jumps to them). */
        entry[canon[0]] = true;
        for (size_t i = 0; i < n; i++) {
                const struct sock_filter *f = &p[i];
                pos[i] = -1;
                if (!entry[i] || BPF_CLASS(f->code) == BPF_RET)
                        continue;
                if (is_cmpk(f)) {
                        int np = chain_pieces(p, i, canon, pieces, stack);
                        if ((r = np) < 0)
                                goto out;
                        for (int k = 0; k < np; k++)
                                entry[pieces[k].at] = true;
                } else if (bit_run(p, n, i, &bits, &t, &x))
                        entry[canon[t]] = entry[canon[x]] = true;
                else if (BPF_CLASS(f->code) == BPF_JMP && BPF_OP(f->code) == BPF_JA)
                        entry[canon[i + 1 + f->k]] = true;
                else if (BPF_CLASS(f->code) == BPF_JMP)
                        entry[canon[i + 1 + f->jt]] = entry[canon[i + 1 + f->jf]] = true;
                else
                        entry[canon[i + 1]] = true;
        }
        e->top = BPF_MAXINSNS;
        for (size_t i = n; i-- > 0;) {
                if (!entry[i])
                        continue;
                if (is_cmpk(&p[i])) {
                        int np = chain_pieces(p, i, canon, pieces, stack), s;
                        if ((r = np) < 0 || (r = s = emit_tree(e, pieces, 0, np - 1, pos)) < 0)
                                goto out;
                        if (s != e->top && (r = place_ja(e, s)) < 0) /* one outcome, or a tree's leaf */
                                goto out;
                } else if (bit_run(p, n, i, &bits, &t, &x)) {
                        if ((r = place_cond(e, BPF_JMP | BPF_JSET | BPF_K, bits, pos[canon[t]], pos[canon[x]])) < 0 ||
                            (r = place(e, p[i].code, p[i].jt, p[i].jf, p[i].k)) < 0)
                                goto out;
                } else if ((r = emit_copy(e, p, i, canon, pos)) < 0)
                        goto out;
                pos[i] = e->top;
        }
        m = (size_t) (BPF_MAXINSNS - e->top);
        r = -EOPNOTSUPP;
        if (m >= n)
                goto out;
        for (size_t i = 0; i < n; i++)
                if (pos[i] >= 0)
                        pos[i] -= e->top;
        if ((r = bpf_compact_check(p, n, e->out + e->top, m, pos)) < 0)
                goto out;
        r = -ENOMEM;
        if (!(*ret = malloc(m * sizeof(**ret))))
                goto out;
        memcpy(*ret, e->out + e->top, m * sizeof(**ret));
        if (ret_pos) {
                *ret_pos = pos;
                pos = NULL;
        }
        r = (int) m;
out:
        free(e);
        free(pieces);
        free(stack);
        free(entry);
        free(pos);
        free(canon);
        return r;
}

/* ---- the proof ---- */

typedef struct Check {
        const struct sock_filter *p, *q;
        size_t n, m;
        const int *pos;
        size_t *canon;     /* canon_fill() */
        int *at;           /* new index -> the original instruction copied there, or -1 */
        uint32_t *vals;    /* the values of A tried on a chain */
        size_t n_vals;
        unsigned *seen_p, *seen_q, stamp;
} Check;

static void add_vals(Check *c, uint32_t k) {
        c->vals[c->n_vals++] = k - 1;
        c->vals[c->n_vals++] = k;
        c->vals[c->n_vals++] = k + 1;
}

/* The constants of the chain from i (original) or from the new slot j: their neighbourhoods. */
static void chain_vals(Check *c, const struct sock_filter *p, unsigned *seen, size_t i, bool is_new, size_t start) {
        if (seen[i] == c->stamp)
                return;
        seen[i] = c->stamp;
        if (is_new && i != start && c->at[i] >= 0)
                return;
        if (is_ja(&p[i])) {
                chain_vals(c, p, seen, i + 1 + p[i].k, is_new, start);
                return;
        }
        if (!is_cmpk(&p[i]))
                return;
        add_vals(c, p[i].k);
        chain_vals(c, p, seen, i + 1 + p[i].jt, is_new, start);
        chain_vals(c, p, seen, i + 1 + p[i].jf, is_new, start);
}

/* From slot j over trampolines (jumps that are not copies) to a copy; -1: somewhere else. */
static int resolve(const Check *c, size_t j) {
        while (j < c->m && c->at[j] < 0 && c->q[j].code == (BPF_JMP | BPF_JA))
                j += 1 + c->q[j].k;
        return j < c->m && c->at[j] >= 0 ? c->at[j] : -1;
}

/* The new chain from slot j for A = a: the copy it reaches, or -1. */
static int new_chain_exit(const Check *c, size_t j, uint32_t a) {
        for (bool first = true; j < c->m; first = false) {
                const struct sock_filter *f = &c->q[j];
                if (!first && c->at[j] >= 0)
                        return c->at[j];
                if (f->code == (BPF_JMP | BPF_JA))
                        j += 1 + f->k;
                else if (is_cmpk(f))
                        j += 1 + (cmpk_true(f, a) ? f->jt : f->jf);
                else
                        return -1;
        }
        return -1;
}

static int check_one(Check *c, size_t i) {
        const struct sock_filter *f = &c->p[i], *g = &c->q[c->pos[i]];
        size_t j = (size_t) c->pos[i], t, x;
        uint32_t bits;

        if (is_cmpk(f)) {
                c->stamp++;
                c->n_vals = 0;
                add_vals(c, 0);
                chain_vals(c, c->p, c->seen_p, i, false, i);
                chain_vals(c, c->q, c->seen_q, j, true, j);
                for (size_t v = 0; v < c->n_vals; v++)
                        if (new_chain_exit(c, j, c->vals[v]) != (int) c->canon[chain_exit(c->p, i, c->vals[v])])
                                return -EINVAL;
                return 0;
        }
        if (bit_run(c->p, c->n, i, &bits, &t, &x)) {
                const struct sock_filter *h = &c->q[j + 1];
                return memcmp(g, f, sizeof(*f)) == 0 && j + 1 < c->m && h->code == (BPF_JMP | BPF_JSET | BPF_K) && h->k == bits &&
                                       resolve(c, j + 2 + h->jt) == (int) c->canon[t] && resolve(c, j + 2 + h->jf) == (int) c->canon[x]
                               ? 0
                               : -EINVAL;
        }
        if (g->code != f->code)
                return -EINVAL;
        if (BPF_CLASS(f->code) == BPF_JMP && BPF_OP(f->code) == BPF_JA) /* (its offset changes) */
                return resolve(c, j + 1 + g->k) == (int) c->canon[i + 1 + f->k] ? 0 : -EINVAL;
        if (g->k != f->k)
                return -EINVAL;
        if (BPF_CLASS(f->code) == BPF_RET)
                return g->jt == f->jt && g->jf == f->jf ? 0 : -EINVAL;
        if (BPF_CLASS(f->code) != BPF_JMP)
                return g->jt == f->jt && g->jf == f->jf && resolve(c, j + 1) == (int) c->canon[i + 1] ? 0 : -EINVAL;
        return resolve(c, j + 1 + g->jt) == (int) c->canon[i + 1 + f->jt] && resolve(c, j + 1 + g->jf) == (int) c->canon[i + 1 + f->jf]
                       ? 0
                       : -EINVAL;
}

int bpf_compact_check(const struct sock_filter *p, size_t n, const struct sock_filter *q, size_t m, const int *pos) {
        Check c = { .p = p, .q = q, .n = n, .m = m, .pos = pos };
        int r = -ENOMEM;

        if (n == 0 || m == 0 || m > BPF_MAXINSNS || !jumps_valid(p, n) || !jumps_valid(q, m))
                return -EINVAL;
        if (!(c.at = malloc(m * sizeof(*c.at))) || !(c.vals = malloc((3 * (n + m) + 3) * sizeof(*c.vals))) ||
            !(c.seen_p = calloc(n, sizeof(*c.seen_p))) || !(c.seen_q = calloc(m, sizeof(*c.seen_q))) ||
            !(c.canon = malloc(n * sizeof(*c.canon))))
                goto out;
        canon_fill(p, n, c.canon);
        r = -EINVAL;
        for (size_t j = 0; j < m; j++)
                c.at[j] = -1;
        for (size_t i = 0; i < n; i++) {
                if (pos[i] < 0)
                        continue;
                if ((size_t) pos[i] >= m || c.at[pos[i]] >= 0)
                        goto out;
                c.at[pos[i]] = (int) i;
        }
        if (resolve(&c, 0) != (int) c.canon[0])
                goto out;
        for (size_t i = 0; i < n; i++)
                if (pos[i] >= 0 && check_one(&c, i) < 0)
                        goto out;
        r = 0;
out:
        free(c.at);
        free(c.vals);
        free(c.seen_p);
        free(c.seen_q);
        free(c.canon);
        return r;
}

/* ---- an interpreter ---- */

uint32_t bpf_run(const struct sock_filter *p, size_t n, const struct seccomp_data *d) {
        uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };

        for (size_t i = 0; i < n; i++) {
                const struct sock_filter *f = &p[i];
                uint32_t k = f->k, src = BPF_SRC(f->code) == BPF_X ? x : k;

                switch (BPF_CLASS(f->code)) {
                case BPF_LD:
                case BPF_LDX: {
                        uint32_t v;
                        switch (BPF_MODE(f->code)) {
                        case BPF_ABS:
                                if (BPF_SIZE(f->code) != BPF_W || k % 4 || k >= sizeof(*d))
                                        return SECCOMP_RET_KILL_PROCESS;
                                memcpy(&v, (const char *) d + k, sizeof(v));
                                break;
                        case BPF_LEN:
                                v = sizeof(*d);
                                break;
                        case BPF_IMM:
                                v = k;
                                break;
                        case BPF_MEM:
                                if (k >= BPF_MEMWORDS)
                                        return SECCOMP_RET_KILL_PROCESS;
                                v = mem[k];
                                break;
                        default:
                                return SECCOMP_RET_KILL_PROCESS;
                        }
                        if (BPF_CLASS(f->code) == BPF_LD)
                                a = v;
                        else
                                x = v;
                        break;
                }
                case BPF_ST:
                case BPF_STX:
                        if (k >= BPF_MEMWORDS)
                                return SECCOMP_RET_KILL_PROCESS;
                        mem[k] = BPF_CLASS(f->code) == BPF_ST ? a : x;
                        break;
                case BPF_ALU:
                        switch (BPF_OP(f->code)) {
                        case BPF_ADD: a += src; break;
                        case BPF_SUB: a -= src; break;
                        case BPF_MUL: a *= src; break;
                        case BPF_DIV: if (!src) return 0; a /= src; break;
                        case BPF_MOD: if (!src) return 0; a %= src; break;
                        case BPF_OR: a |= src; break;
                        case BPF_AND: a &= src; break;
                        case BPF_XOR: a ^= src; break;
                        case BPF_LSH: a = src < 32 ? a << src : 0; break;
                        case BPF_RSH: a = src < 32 ? a >> src : 0; break;
                        case BPF_NEG: a = -a; break;
                        default: return SECCOMP_RET_KILL_PROCESS;
                        }
                        break;
                case BPF_JMP: {
                        bool t;
                        switch (BPF_OP(f->code)) {
                        case BPF_JA:
                                if (k >= n - i - 1)
                                        return SECCOMP_RET_KILL_PROCESS;
                                i += k;
                                continue;
                        case BPF_JEQ: t = a == src; break;
                        case BPF_JGT: t = a > src; break;
                        case BPF_JGE: t = a >= src; break;
                        case BPF_JSET: t = (a & src) != 0; break;
                        default: return SECCOMP_RET_KILL_PROCESS;
                        }
                        i += t ? f->jt : f->jf;
                        break;
                }
                case BPF_RET:
                        return BPF_RVAL(f->code) == BPF_A ? a : k;
                case BPF_MISC:
                        if (BPF_MISCOP(f->code) == BPF_TAX)
                                x = a;
                        else
                                a = x;
                        break;
                default:
                        return SECCOMP_RET_KILL_PROCESS;
                }
        }
        return SECCOMP_RET_KILL_PROCESS;
}
