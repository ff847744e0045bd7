/* SPDX-License-Identifier: MIT */
/* libFuzzer target: /proc/self/environ, what the container runtime passed PID 1, read twice: by
 * the environment detection (cgroup/env-detect.c env_parse_environ: container=,
 * KUBERNETES_SERVICE_HOST=, SDINIT_SYSTEMD=never) and by the hand-off to systemd
 * (handoff/handoff-exec.c handoff_environ_parse: the environment given on). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/env-internal.h"
#include "cgroup/env.h"
#include "common/strv.h"
#include "handoff/handoff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct env_info *info;
        char **v;

        if (size > 4 * 1024 * 1024)
                return 0;
        if ((info = calloc(1, sizeof(*info)))) {
                env_parse_environ((const char *) data, size, info);
                if (!memchr(info->container_manager, 0, sizeof(info->container_manager)))
                        abort();
                free(info);
        }
        if ((v = handoff_environ_parse((const char *) data, size))) {
                for (size_t i = 0; v[i]; i++)
                        if (!v[i][0])
                                abort(); /* empty entries are skipped */
                strv_free(v);
        }
        return 0;
}
