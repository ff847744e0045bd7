/* SPDX-License-Identifier: MIT */
/* PrivateUsers= and the refusal of RootImage=/MountImages= (see exec-userns.h). Runs in the
 * service's child: no allocation, fixed buffers. */
#include "service/exec-userns.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "service/exec-seccomp.h"
#include "service/spawn.h"
#include "units/unit-sandbox.h"

static bool have_cap(unsigned cap) {
        struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
        struct __user_cap_data_struct d[2];

        if (syscall(SYS_capget, &h, d) < 0)
                return false;
        return d[cap / 32].effective & (1U << (cap % 32));
}

static int write_file(pid_t pid, const char *name, const char *text) {
        char path[64];
        size_t len = strlen(text);
        int fd, r = 0;

        snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, name);
        fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return errno == ENOENT && strcmp(name, "setgroups") == 0 ? 0 : -errno; /* an old kernel */
        if (write(fd, text, len) != (ssize_t) len)
                r = -errno;
        close(fd);
        return r;
}

/* The helper: stays in the original user namespace, waits until its parent unshared, writes the
 * parent's maps, reports a failure as -errno on the pipe. */
static void __attribute__((noreturn)) helper(int ready_fd, int err_fd, const char *uid_map, const char *gid_map) {
        pid_t parent = getppid();
        uint64_t c;
        int r;

        (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (getppid() != parent)
                _exit(EXIT_FAILURE);
        if (read(ready_fd, &c, sizeof(c)) != sizeof(c))
                r = -EIO;
        else if ((r = write_file(parent, "setgroups", "deny\n")) >= 0 && (r = write_file(parent, "gid_map", gid_map)) >= 0)
                r = write_file(parent, "uid_map", uid_map);
        if (r < 0) {
                (void) !write(err_fd, &r, sizeof(r));
                _exit(EXIT_FAILURE);
        }
        _exit(EXIT_SUCCESS);
}

static int setup_private_users(uid_t ouid, gid_t ogid, uid_t uid, gid_t gid, bool have_ids) {
        char uid_map[64], gid_map[64];
        int ready = -1, p[2] = { -1, -1 }, r = 0, st;
        uint64_t one = 1;
        ssize_t n;
        pid_t pid;

        if (have_ids && uid != ouid && have_cap(CAP_SETUID))
                snprintf(uid_map, sizeof(uid_map), "%u %u 1\n%u %u 1\n", (unsigned) ouid, (unsigned) ouid, (unsigned) uid, (unsigned) uid);
        else
                snprintf(uid_map, sizeof(uid_map), "%u %u 1\n", (unsigned) ouid, (unsigned) ouid);
        if (have_ids && gid != ogid && have_cap(CAP_SETGID))
                snprintf(gid_map, sizeof(gid_map), "%u %u 1\n%u %u 1\n", (unsigned) ogid, (unsigned) ogid, (unsigned) gid, (unsigned) gid);
        else
                snprintf(gid_map, sizeof(gid_map), "%u %u 1\n", (unsigned) ogid, (unsigned) ogid);

        if ((ready = eventfd(0, EFD_CLOEXEC)) < 0 || pipe2(p, O_CLOEXEC) < 0) {
                r = -errno;
                goto out;
        }
        /* A plain fork by the raw system call: the helper gets its own copy of the memory (an
         * address space shared with another process would make unshare(CLONE_NEWUSER) fail). */
        pid = (pid_t) syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
        if (pid < 0) {
                r = -errno;
                goto out;
        }
        if (pid == 0) {
                close(p[0]);
                helper(ready, p[1], uid_map, gid_map);
        }
        close(p[1]);
        p[1] = -1;
        if (unshare(CLONE_NEWUSER) < 0)
                r = -errno;
        else if (write(ready, &one, sizeof(one)) != sizeof(one))
                r = -errno;
        if (r < 0) {
                kill(pid, SIGKILL);
                (void) waitpid(pid, NULL, 0);
                goto out;
        }
        n = read(p[0], &r, sizeof(r));
        if (n < 0)
                r = -errno;
        else if (n == sizeof(r))
                r = r < 0 ? r : -EIO;
        else if (n != 0)
                r = -EIO;
        if (waitpid(pid, &st, 0) < 0 && r >= 0)
                r = -errno;
        else if (r >= 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0))
                r = -EIO;
out:
        if (ready >= 0)
                close(ready);
        if (p[0] >= 0)
                close(p[0]);
        if (p[1] >= 0)
                close(p[1]);
        return r;
}

int exec_userns_apply(MUnit *mu, const ExecIdentity *id, char *err, size_t errlen) {
        int r;

        if (!unit_sandbox(mu->u)->private_users)
                return 0;
        r = setup_private_users(id->manager_uid, id->manager_gid, id->uid, id->gid, id->set);
        if (r < 0) {
                snprintf(err, errlen, "Failed to set up user namespacing: %s", strerror(-r));
                return EXIT_USER;
        }
        return 0;
}

int exec_images_refuse(MUnit *mu, char *err, size_t errlen) {
        const Unit *u = mu->u;
        int fd;
        const char *what = unit_raw_values(u, UD_EXEC_ROOT_IMAGE) ? "RootImage="
                           : unit_raw_values(u, UD_EXEC_MOUNT_IMAGES) ? "MountImages="
                           : unit_raw_values(u, UD_EXEC_EXTENSION_IMAGES) ? "ExtensionImages=" : NULL;

        if (!what)
                return 0;
        /* What systemd's loop_device_make() meets first: the loop control device. */
        fd = open("/dev/loop-control", O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                snprintf(err, errlen, "Failed to set up mount namespacing: %s: cannot set up a loop device: %s", what,
                         strerror(errno));
        else {
                close(fd);
                snprintf(err, errlen, "Failed to set up mount namespacing: %s is not supported by sdinit", what);
        }
        return EXIT_NAMESPACE;
}
