/* SPDX-License-Identifier: MIT */
/* The sandbox probe (see env-sandbox.h). */
#include "env-sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/mount.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned probe_in_child(void) {
        unsigned b = 0;
        char d[] = "/tmp/.sdinit-sandbox-probe-XXXXXX";
        struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
        struct sock_fprog prog = { .len = 1, .filter = &allow };

        /* seccomp needs no_new_privs or CAP_SYS_ADMIN; this child exits right after. */
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0)
                b |= ENV_SANDBOX_SECCOMP;
        if (unshare(CLONE_NEWNET) == 0)
                b |= ENV_SANDBOX_NET_NS;
        if (unshare(CLONE_NEWIPC) == 0)
                b |= ENV_SANDBOX_IPC_NS;
        if (unshare(CLONE_NEWUTS) == 0)
                b |= ENV_SANDBOX_UTS_NS;
        if (unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) == 0) {
                b |= ENV_SANDBOX_MOUNT_NS;
                if (mkdtemp(d)) {
                        if (mount("tmpfs", d, "tmpfs", 0, "size=4k") == 0) {
                                struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
                                b |= ENV_SANDBOX_TMPFS;
                                if (syscall(SYS_mount_setattr, AT_FDCWD, d, 0, &a, sizeof(a)) == 0)
                                        b |= ENV_SANDBOX_SETATTR;
                                umount2(d, MNT_DETACH);
                        }
                        if (mount("proc", d, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=invisible") == 0) {
                                b |= ENV_SANDBOX_PROCFS;
                                umount2(d, MNT_DETACH);
                        }
                        rmdir(d);
                }
        }
        /* Last: a new user namespace takes our capabilities over the others away. */
        if (unshare(CLONE_NEWUSER) == 0)
                b |= ENV_SANDBOX_USER_NS;
        return b;
}

unsigned env_sandbox_probe(void) {
        static unsigned cached;
        unsigned bits = 0;
        int p[2];
        pid_t pid;

        if (cached)
                return cached;
        if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
                bits |= ENV_SANDBOX_NNP;
        if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) == 2) /* (mode 1, strict, would have killed us) */
                bits |= ENV_SANDBOX_SECCOMP_ON;
        if (pipe2(p, O_CLOEXEC) < 0)
                return bits | ENV_SANDBOX_PROBED;
        pid = fork();
        if (pid < 0) {
                close(p[0]);
                close(p[1]);
                return bits | ENV_SANDBOX_PROBED;
        }
        if (pid == 0) {
                unsigned b = probe_in_child();
                close(p[0]);
                (void) !write(p[1], &b, sizeof(b));
                _exit(0);
        }
        close(p[1]);
        {
                unsigned b = 0;
                if (read(p[0], &b, sizeof(b)) == (ssize_t) sizeof(b))
                        bits |= b;
        }
        close(p[0]);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        cached = bits | ENV_SANDBOX_PROBED;
        return cached;
}
