/* SPDX-License-Identifier: MIT */
#include "service/sys.h"

#include <time.h>

#include "service/spawn.h"

static uint64_t real_now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

static int real_waitid(idtype_t type, id_t id, siginfo_t *info, int options) {
        return waitid(type, id, info, options);
}

const SysOps sys_real = {
        .spawn = spawn_exec,
        .kill = kill,
        .waitid = real_waitid,
        .now = real_now,
};
