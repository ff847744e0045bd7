/* SPDX-License-Identifier: MIT */
/* drop_clean_file_pages() (common/pagedrop.h): the clean pages of a read-only private file mapping
 * leave the page tables and read back the same; a private mapping with a written page (as RELRO
 * after the dynamic linker) keeps the written bytes; writable mappings are not touched. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/pagedrop.h"
#include "tests/tap.h"

#define LEN (256 * 1024)

/* Rss of the mapping at p, in kB (from /proc/self/smaps), or -1. */
static long rss_kb(const void *p) {
        char line[512], want[32];
        long v = -1;
        bool in = false;
        FILE *f = fopen("/proc/self/smaps", "re");

        if (!f)
                return -1;
        snprintf(want, sizeof(want), "%lx-", (unsigned long) p);
        while (fgets(line, sizeof(line), f)) {
                if (strncmp(line, want, strlen(want)) == 0)
                        in = true;
                else if (in && sscanf(line, "Rss: %ld kB", &v) == 1)
                        break;
        }
        fclose(f);
        return v;
}

static void touch_all(const volatile char *p, char *sum) {
        for (size_t i = 0; i < LEN; i += 4096)
                *sum ^= p[i];
}

int main(void) {
        char path[] = "/var/tmp/test-pagedrop-XXXXXX", *buf = malloc(LEN), s1 = 0, s2 = 0;
        int fd = mkstemp(path);

        CHECK(fd >= 0 && buf);
        if (fd < 0 || !buf)
                return 1;
        for (size_t i = 0; i < LEN; i++)
                buf[i] = (char) (i * 7 + i / 4096);
        CHECK_INT(write(fd, buf, LEN), LEN);
        unlink(path);

        char *ro = mmap(NULL, LEN, PROT_READ, MAP_PRIVATE, fd, 0);
        char *cow = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        char *rw = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
        CHECK(ro != MAP_FAILED && cow != MAP_FAILED && rw != MAP_FAILED);
        touch_all(ro, &s1);
        touch_all(rw, &s1);
        /* A private copy of one page, then read-only: RELRO after relocation. */
        touch_all(cow, &s1);
        cow[5 * 4096 + 1] = 'X';
        CHECK_INT(mprotect(cow, LEN, PROT_READ), 0);
        CHECK_INT(rss_kb(ro), LEN / 1024);

        long dropped = drop_clean_file_pages();
        CHECK(dropped >= LEN / 1024);
        CHECK_INT(rss_kb(ro), 0);               /* out of the page tables */
        CHECK_INT(rss_kb(rw), LEN / 1024);      /* writable: left alone */
        CHECK_INT(rss_kb(cow), LEN / 1024);     /* has a private copy: left alone */
        CHECK(cow[5 * 4096 + 1] == 'X');
        CHECK(memcmp(ro, buf, LEN) == 0);       /* reads back the file */
        touch_all(ro, &s2);
        CHECK(rss_kb(ro) > 0);
        /* The program still runs: its own text and libc's were dropped too. */
        CHECK(strlen(path) > 0 && snprintf(buf, 16, "%d", 42) == 2);

        munmap(ro, LEN);
        munmap(cow, LEN);
        munmap(rw, LEN);
        close(fd);
        free(buf);
        return tap_done();
}
