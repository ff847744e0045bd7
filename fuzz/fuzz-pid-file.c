/* SPDX-License-Identifier: MIT */
/* libFuzzer target: PIDFile= (service/pid-file.c). The input is parsed as a buffer, then written
 * to a file in /dev/shm and read back through pid_file_read(), the path the manager takes. */
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <fcntl.h>
#include <unistd.h>

#include "service/pid-file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static int fd = -1;
        static char path[64];
        pid_t a = -1, b = -1;
        int ra, rb;

        if (fd < 0) {
                /* A real path: pid_file_read() walks it component by component. */
                snprintf(path, sizeof(path), "/dev/shm/fuzz-pid-file.%d", (int) getpid());
                fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                if (fd < 0)
                        abort();
        }
        ra = pid_file_parse((const char *) data, size, &a);
        if ((ra == 0) != (a > 0))
                abort(); /* success always gives a PID; failure leaves *ret alone */
        if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t) size)
                abort();
        rb = pid_file_read(path, &b, NULL);
        /* The file is read up to 4 KiB: for shorter inputs both paths must agree. */
        if (size < 4096 && (ra != rb || a != b))
                abort();
        return 0;
}
