/* SPDX-License-Identifier: MIT */
#include "service/sys.h"

#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "service/spawn.h"

static int real_start_child(MUnit *u, SpawnHow how, int (*fn)(void *), void *arg, pid_t *ret_pid) {
        struct cg_spawn_result sr;
        int r = cg_spawn_into(&u->m->cg, u->cgroup, CG_SPAWN_NO_PIDFD | (how == SPAWN_VFORK ? CG_SPAWN_VFORK : 0u), fn,
                              arg, &sr);
        if (r < 0)
                return r;
        *ret_pid = sr.pid;
        return 0;
}

static uint64_t real_now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

static int real_pidfd_open(pid_t pid) {
        /* pidfd_open() gives a close-on-exec descriptor (O_CLOEXEC is implied). */
        return (int) syscall(SYS_pidfd_open, pid, 0);
}

static int real_waitid(idtype_t type, id_t id, siginfo_t *info, int options) {
        return waitid(type, id, info, options);
}

const SysOps sys_real = {
        .spawn = spawn_exec,
        .kill = kill,
        .pidfd_open = real_pidfd_open,
        .waitid = real_waitid,
        .now = real_now,
        .start_child = real_start_child,
};
