/* SPDX-License-Identifier: MIT */
#include "pagedrop.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* One VMA of /proc/self/smaps: its header line, then "Key: value kB" lines; "Anonymous:" comes
 * after "Rss:". A VMA is dropped at its "Anonymous:" line when that says 0. */
long drop_clean_file_pages(void) {
        unsigned long lo = 0, hi = 0, rss = 0;
        bool candidate = false;
        long dropped = 0;
        char line[512];
        FILE *f = fopen("/proc/self/smaps", "re");

        if (!f)
                return -errno;
        while (fgets(line, sizeof(line), f)) {
                unsigned long a, b, ino, kb;
                char perms[5];

                /* A header: "lo-hi perms offset dev inode [path]". Key lines never parse as one:
                 * their first word is not "hex-hex". */
                if (sscanf(line, "%lx-%lx %4s %*x %*x:%*x %lu", &a, &b, perms, &ino) == 4) {
                        lo = a, hi = b, rss = 0;
                        /* Private, not writable, backed by a file (not the vdso, heap, stack). */
                        candidate = ino != 0 && perms[1] == '-' && perms[3] == 'p';
                        continue;
                }
                if (!candidate)
                        continue;
                if (sscanf(line, "Rss: %lu kB", &kb) == 1)
                        rss = kb;
                else if (sscanf(line, "Anonymous: %lu kB", &kb) == 1) {
                        if (kb == 0 && rss > 0 && madvise((void *) lo, hi - lo, MADV_DONTNEED) == 0)
                                dropped += (long) rss;
                        candidate = false;
                }
        }
        fclose(f);
        return dropped;
}
