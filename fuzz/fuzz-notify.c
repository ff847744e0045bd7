/* SPDX-License-Identifier: MIT */
/* libFuzzer target: sd_notify datagrams (service/notify.c notify_parse). A service sends them, so
 * anything may arrive; the manager reads at most NOTIFY_MESSAGE_MAX bytes of one, but the parser
 * is given any length here. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "service/notify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct notify_msg m;
        const char *error = NULL;
        int r;

        memset(&m, 0xa5, sizeof(m)); /* the parser must initialise what it returns */
        r = notify_parse((const char *) data, size, &m, &error);
        if (r < 0 && !error)
                abort(); /* a dropped datagram always says why */
        if (r == 0 && (memchr(m.status, 0, sizeof(m.status)) == NULL || m.main_pid < 0))
                abort(); /* STATUS= always terminated within its buffer */
        return 0;
}
