/* SPDX-License-Identifier: MIT */
/* libFuzzer target: requests to PID 1's varlink service io.systemd.DynamicUser
 * (service/userdb-request.c). Any process of the container may connect and send anything. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "service/userdb-request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        UserdbRequest r;

        memset(&r, 0xa5, sizeof(r)); /* the parser must initialise what it returns */
        (void) userdb_request_parse((const char *) data, size, &r);
        if (!memchr(r.method, 0, sizeof(r.method)) || !memchr(r.user, 0, sizeof(r.user)) ||
            !memchr(r.group, 0, sizeof(r.group)) || !memchr(r.service, 0, sizeof(r.service)))
                abort(); /* strings always terminated within their buffers */
        return 0;
}
