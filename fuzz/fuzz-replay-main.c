/* SPDX-License-Identifier: MIT */
/* Runs a libFuzzer target without libFuzzer, as an ordinary TAP test:
 *   fuzz-X-replay FILE|DIR...   every file (directories walked one level, sorted) is passed to
 *                               LLVMFuzzerTestOneInput once; a crash, leak or UBSan report fails.
 *   fuzz-X-replay --linear      pathological inputs of each kind (blank, one huge line, binary,
 *                               NUL bytes, backslashes, deep continuations, many short lines...)
 *                               of 100 KB and 1 MB: the 1 MB one must not take 20 times longer
 *                               than the 100 KB one (10x is linear; a quadratic parser takes ~100x).
 *                               Relative, never absolute, so a loaded machine does not fail it
 *                               (only calls too fast to be compared, under 2 ms for 1 MB, pass).
 *                               Under ASan the inputs are parsed but the times not compared. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned n_tests, n_failed;

static void run_file(const char *path) {
        char *buf = NULL;
        size_t len = 0;

        if (read_full_file(path, &buf, &len) < 0) {
                printf("not ok %u - %s (unreadable)\n", ++n_tests, path);
                n_failed++;
                return;
        }
        /* An exact-size copy, so that ASan sees any read past the end. */
        uint8_t *exact = malloc(len ? len : 1);
        if (exact) {
                memcpy(exact, buf, len);
                LLVMFuzzerTestOneInput(exact, len);
                free(exact);
        }
        free(buf);
        printf("ok %u - %s\n", ++n_tests, path);
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

static void run_dir(const char *dir) {
        char **files = NULL;
        size_t n = 0;
        DIR *d = opendir(dir);
        struct dirent *de;

        while (d && (de = readdir(d))) {
                char **nf;
                if (de->d_name[0] == '.')
                        continue;
                nf = realloc(files, (n + 1) * sizeof(*files));
                if (!nf)
                        break;
                files = nf;
                if (asprintf(&files[n], "%s/%s", dir, de->d_name) < 0)
                        break;
                n++;
        }
        if (d)
                closedir(d);
        if (n)
                qsort(files, n, sizeof(*files), cmp_str);
        for (size_t i = 0; i < n; i++) {
                run_file(files[i]);
                free(files[i]);
        }
        free(files);
}

/* ---- --linear ---- */

typedef void (*gen_fn)(uint8_t *b, size_t n);

static void fill_pattern(uint8_t *b, size_t n, const char *pat) {
        size_t k = strlen(pat);
        for (size_t i = 0; i < n; i++)
                b[i] = (uint8_t) pat[i % k];
}

static void g_newlines(uint8_t *b, size_t n) { fill_pattern(b, n, "\n"); }
static void g_blank(uint8_t *b, size_t n) { fill_pattern(b, n, " \t \n\r\n"); }
static void g_spaces(uint8_t *b, size_t n) { fill_pattern(b, n, " "); }
static void g_long_line(uint8_t *b, size_t n) { fill_pattern(b, n, "a"); }
static void g_long_value(uint8_t *b, size_t n) { fill_pattern(b, n, "x"); memcpy(b, "ID=", 3); }
static void g_backslashes(uint8_t *b, size_t n) { fill_pattern(b, n, "\\"); }
static void g_continuations(uint8_t *b, size_t n) { fill_pattern(b, n, "\\\n"); memcpy(b, "A=", 2); }
static void g_nul(uint8_t *b, size_t n) { memset(b, 0, n); }
static void g_quotes(uint8_t *b, size_t n) { fill_pattern(b, n, "\"'"); memcpy(b, "A=", 2); }
static void g_crlf(uint8_t *b, size_t n) { fill_pattern(b, n, "A=1\r\n"); }
static void g_hashes(uint8_t *b, size_t n) { fill_pattern(b, n, "#"); }
static void g_slashes(uint8_t *b, size_t n) { fill_pattern(b, n, "/"); memcpy(b, "0::", 3); }
static void g_digits(uint8_t *b, size_t n) { fill_pattern(b, n, "1234567890"); }
static void g_fields(uint8_t *b, size_t n) { fill_pattern(b, n, "1 "); }
static void g_parens(uint8_t *b, size_t n) { fill_pattern(b, n, ") "); }

static void g_binary(uint8_t *b, size_t n) {
        uint64_t x = 0x9e3779b97f4a7c15ULL;
        for (size_t i = 0; i < n; i++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                b[i] = (uint8_t) x;
        }
}

/* Many short lines, each different: catches per-line work that grows with the lines seen so far
 * (an environment, a list scanned for duplicates, a chain of mounts). */
/* '@' in the template is the line number, '^' the one before. */
static void lines(uint8_t *b, size_t n, const char *tmpl) {
        size_t i = 0;
        for (unsigned k = 0; i < n; k++)
                for (const char *t = tmpl; *t && i < n; t++) {
                        char num[16];
                        if (*t != '@' && *t != '^') {
                                b[i++] = (uint8_t) *t;
                                continue;
                        }
                        snprintf(num, sizeof(num), "%u", *t == '@' || k == 0 ? k : k - 1);
                        for (const char *d = num; *d && i < n; d++)
                                b[i++] = (uint8_t) *d;
                }
}
static void g_env_lines(uint8_t *b, size_t n) { lines(b, n, "K@=v@\n"); }
static void g_status_lines(uint8_t *b, size_t n) { lines(b, n, "Key@:\t@ @\n"); }
static void g_notify_lines(uint8_t *b, size_t n) { lines(b, n, "X_@=@\nSTATUS=s@\nREADY=1\n"); }
static void g_lsb_lines(uint8_t *b, size_t n) {
        lines(b, n, "# Provides: p@\n# Required-Start: $r@ s@\n# Description: d@\n#  more\n");
        memcpy(b, "### BEGIN INIT INFO\n", 20);
}
static void g_lsb_description(uint8_t *b, size_t n) {
        lines(b, n, "#  continued description line @\n");
        static const char head[] = "### BEGIN INIT INFO\n# Description: x\n";
        memcpy(b, head, sizeof(head) - 1);
}
static void g_chkconfig_description(uint8_t *b, size_t n) {
        lines(b, n, "# more words @ \\\n");
        static const char head[] = "# description: x \\\n";
        memcpy(b, head, sizeof(head) - 1);
}
/* Many short NUL-separated entries, as /proc/self/environ. */
static void g_nul_separated(uint8_t *b, size_t n) {
        for (size_t i = 0; i < n; i++)
                b[i] = (uint8_t) "A=1"[i % 4]; /* the fourth byte is the string's NUL */
}
static void g_mountinfo_lines(uint8_t *b, size_t n) { lines(b, n, "@ @ 0:@ / /m/@ rw - tmpfs t rw\n"); }
/* Mounts stacked on /sys, each on the one before: finding the visible one walked the parent chain
 * from every mount with a linear search per step (cubic). Visibility of every cgroup mount is
 * O(mounts x cgroup mounts) by design (fuzz/README.md), so this chain is of tmpfs. */
static void g_mountinfo_chain(uint8_t *b, size_t n) { lines(b, n, "@ ^ 0:1 / /sys rw shared:1 - tmpfs t rw\n"); }

static const struct {
        const char *name;
        gen_fn fn;
} kinds[] = {
        { "newlines", g_newlines },         { "blank-only", g_blank },
        { "spaces", g_spaces },             { "one-line-unterminated", g_long_line },
        { "one-huge-value", g_long_value }, { "backslashes", g_backslashes },
        { "deep-continuations", g_continuations }, { "nul-bytes", g_nul },
        { "nul-separated", g_nul_separated },
        { "quotes", g_quotes },             { "crlf", g_crlf },
        { "hashes", g_hashes },             { "slashes", g_slashes },
        { "digits", g_digits },             { "fields", g_fields },
        { "parens", g_parens },             { "binary", g_binary },
        { "env-lines", g_env_lines },       { "status-lines", g_status_lines },
        { "notify-lines", g_notify_lines }, { "lsb-lines", g_lsb_lines },
        { "lsb-description", g_lsb_description }, { "chkconfig-description", g_chkconfig_description },
        { "mountinfo-lines", g_mountinfo_lines }, { "mountinfo-chain", g_mountinfo_chain },
};

static double now_s(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Seconds per call: calls repeated until 30 ms have passed. */
static double batch(const uint8_t *b, size_t n) {
        unsigned reps = 0;
        double t0 = now_s(), t;

        do {
                LLVMFuzzerTestOneInput(b, n);
                reps++;
                t = now_s() - t0;
        } while (t < 0.03);
        return t / reps;
}

/* Best of five rounds of each, the two sizes interleaved so that a neighbour taking the CPU or
 * the cache for a while slows both alike. */
static void time_both(const uint8_t *s, size_t ns, const uint8_t *b, size_t nb, double *ts, double *tb) {
        *ts = *tb = 1e30;
        for (int round = 0; round < 5; round++) {
                double x = batch(s, ns), y = batch(b, nb);
                if (x < *ts)
                        *ts = x;
                if (y < *tb)
                        *tb = y;
        }
}

#if defined(__SANITIZE_ADDRESS__)
static const bool under_asan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
static const bool under_asan = true;
#else
static const bool under_asan = false;
#endif
#else
static const bool under_asan = false;
#endif

static void run_linear(void) {
        const size_t small = 100 * 1024, big = 1024 * 1024;
        uint8_t *b = malloc(big);

        /* Without this, glibc serves each 1 MB allocation with a fresh mmap() and its page faults
         * (100 KB ones come from the reused heap): a per-call cost the parser does not have. */
        mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
        mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
        if (!b) {
                printf("not ok %u - out of memory\n", ++n_tests);
                n_failed++;
                return;
        }
        for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
                double ts = 0, tb = 0, ratio = 0;
                uint8_t *s = malloc(small);

                if (!s)
                        break;
                kinds[i].fn(s, small);
                kinds[i].fn(b, big);
                /* A 1 MB call under 2 ms is memory bandwidth (a 100 KB input fits in the cache, 1 MB
                 * does not, which alone gives ratios near 20), or the parser stopped early: nothing
                 * to compare. Anything quadratic in 1 MB takes seconds. A ratio at 20 or more is
                 * measured again (another process may have had the CPU), and must hold three times. */
                if (under_asan) {
                        /* Memory errors on huge inputs are what this build is for; times under
                         * ASan are not compared: its allocator maps every allocation above
                         * 128 KB afresh, a page-fault cost per byte that 100 KB inputs do not
                         * pay, and that alone gives ratios near 20. The plain build compares. */
                        LLVMFuzzerTestOneInput(s, small);
                        LLVMFuzzerTestOneInput(b, big);
                        free(s);
                        printf("ok %u - linear: %s # SKIP times not compared under ASan (inputs parsed)\n", ++n_tests,
                               kinds[i].name);
                        continue;
                }
                for (int attempt = 0; attempt < 3; attempt++) {
                        time_both(s, small, b, big, &ts, &tb);
                        ratio = tb > 2e-3 ? tb / ts : 0;
                        if (ratio < 20)
                                break;
                }
                free(s);
                if (ratio < 20)
                        printf("ok %u - linear: %s (100 KB %.3f ms, 1 MB %.3f ms, ratio %.1f)\n", ++n_tests,
                               kinds[i].name, ts * 1e3, tb * 1e3, ratio);
                else {
                        printf("not ok %u - linear: %s (100 KB %.3f ms, 1 MB %.3f ms, ratio %.1f >= 20)\n", ++n_tests,
                               kinds[i].name, ts * 1e3, tb * 1e3, ratio);
                        n_failed++;
                }
                fflush(stdout);
        }
        free(b);
}

int main(int argc, char **argv) {
        for (int i = 1; i < argc; i++) {
                struct stat st;

                if (strcmp(argv[i], "--linear") == 0)
                        run_linear();
                else if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
                        run_dir(argv[i]);
                else
                        run_file(argv[i]);
                fflush(stdout);
        }
        printf("1..%u\n", n_tests);
        return n_tests == 0 || n_failed > 0;
}
