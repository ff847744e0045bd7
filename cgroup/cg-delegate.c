/* SPDX-License-Identifier: MIT */
/* Delegate=: handing a unit's cgroup over to its service, as systemd 252 does.
 *
 * - The controllers delegated are enabled in every ancestor's cgroup.subtree_control (systemd puts
 *   the delegate mask into the unit's own mask, which its slices enable), so the service finds them
 *   in its cgroup.controllers and can enable them below itself. The unit's own
 *   cgroup.subtree_control is the service's to write: nothing is enabled there.
 * - With User=, the cgroup's directory and cgroup.procs, cgroup.subtree_control and cgroup.threads
 *   are chowned to the user (cg_set_access(): 0755 and 0644, the first two fatal); nothing else of
 *   /sys/kernel/cgroup/delegate (memory.oom.group stays the manager's).
 * - Inside the delegated cgroup the manager creates nothing, moves nothing and enables nothing;
 *   killing (cgroup.kill, or cg_signal()'s walk) and removal (cg_remove(): deepest first) cover
 *   the sub-cgroups the service made. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <syslog.h>
#include <unistd.h>

#include "cg-internal.h"

/* Is the word (n bytes) one of the white-space separated words of list? */
static bool has_word(const char *list, const char *w, size_t n) {
        for (const char *p = list; *p;) {
                size_t k;
                p += strspn(p, " \t\n");
                k = strcspn(p, " \t\n");
                if (k == 0)
                        break;
                if (k == n && strncmp(p, w, n) == 0)
                        return true;
                p += k;
        }
        return false;
}

/* Enable in rel's cgroup.subtree_control each controller of want that rel offers and has not yet
 * enabled. Returns the number of failures (logged). */
static int enable_in(struct cg_manager *m, const char *rel, const char *want) {
        char path[CG_PATH_MAX], offered[512], enabled[512];
        int failed = 0;

        if (cg_build(m, rel, "cgroup.controllers", path, sizeof path) < 0 || cg_read_small(path, offered, sizeof offered) < 0)
                return 1;
        if (cg_build(m, rel, "cgroup.subtree_control", path, sizeof path) < 0 ||
            cg_read_small(path, enabled, sizeof enabled) < 0)
                return 1;
        for (const char *p = want; *p;) {
                char cmd[CG_NAME_MAX + 2];
                size_t n;
                int r;

                p += strspn(p, " \t\n");
                n = strcspn(p, " \t\n");
                if (n == 0)
                        break;
                if (n < CG_NAME_MAX && has_word(offered, p, n) && !has_word(enabled, p, n)) {
                        cg_format(cmd, sizeof cmd, "+%.*s", (int) n, p);
                        r = cg_write_string(path, cmd);
                        if (r < 0) {
                                failed++;
                                cg_log(m, LOG_WARNING, "cannot enable controller %.*s in %s: %s (%s: %s)", (int) n, p, path,
                                       strerror(-r), cg_errno_name(r), cg_explain(r, CG_OP_ENABLE));
                        }
                }
                p += n;
        }
        return failed;
}

int cg_delegate_enable(struct cg_manager *m, const char *path, const char *controllers) {
        char rel[CG_PATH_MAX];
        int failed, r;

        if (!controllers)
                return -EINVAL;
        r = cg_tree_path_check(m, path);
        if (r < 0)
                return r;
        if (!*controllers)
                return 0;
        if (strlen(path) >= sizeof rel)
                return -ENAMETOOLONG;
        strcpy(rel, path);
        /* Top down: our root, then each slice; the unit's own cgroup is not written. */
        failed = enable_in(m, "", controllers);
        for (char *slash = strchr(rel, '/'); slash; slash = strchr(slash + 1, '/')) {
                *slash = 0;
                failed += enable_in(m, rel, controllers);
                *slash = '/';
        }
        return failed;
}

static int set_access(struct cg_manager *m, int dfd, const char *dir, const char *name, mode_t mode, uid_t uid,
                      gid_t gid) {
        int r;

        if (*name ? fchmodat(dfd, name, mode, 0) == 0 && fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) == 0
                  : fchmod(dfd, mode) == 0 && fchown(dfd, uid, gid) == 0)
                return 0;
        r = -errno;
        cg_log(m, LOG_ERR, "cannot chown %s%s%s to %u:%u: %s (%s: %s)", dir, *name ? "/" : "", name, (unsigned) uid,
               (unsigned) gid, strerror(-r), cg_errno_name(r), cg_explain(r, CG_OP_CHOWN));
        return r;
}

int cg_delegate(struct cg_manager *m, const char *path, uid_t uid, gid_t gid) {
        static const struct {
                const char *name;
                bool fatal;
        } files[] = {
                { "cgroup.procs", true },
                { "cgroup.subtree_control", true },
                { "cgroup.threads", false },
        };
        char dir[CG_PATH_MAX];
        int dfd, r;

        if (!m || !path || !*path)
                return -EINVAL;
        if (!(m->caps & CG_CAP_TREE))
                return -EOPNOTSUPP;
        r = cg_build(m, path, NULL, dir, sizeof dir);
        if (r < 0)
                return r;
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return -errno;
        r = set_access(m, dfd, dir, "", 0755, uid, gid);
        for (size_t i = 0; r >= 0 && i < sizeof files / sizeof files[0]; i++) {
                int k = set_access(m, dfd, dir, files[i].name, 0644, uid, gid);
                if (k < 0 && files[i].fatal)
                        r = k;
        }
        close(dfd);
        if (r >= 0)
                cg_log(m, LOG_DEBUG, "delegated %s to %u:%u", dir, (unsigned) uid, (unsigned) gid);
        return r;
}

int cg_delegate_control(struct cg_manager *m, const char *path, char *ret, size_t size) {
        char dir[CG_PATH_MAX];
        int r;

        if (!m || !path || !*path || !ret)
                return -EINVAL;
        if (!(m->caps & CG_CAP_TREE))
                return -EOPNOTSUPP;
        if ((size_t) snprintf(ret, size, "%s/.control", path) >= size)
                return -ENAMETOOLONG;
        r = cg_build(m, ret, NULL, dir, sizeof dir);
        if (r < 0)
                return r;
        if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                r = -errno;
                cg_log(m, LOG_ERR, "cannot create cgroup %s: %s (%s: %s)", dir, strerror(-r), cg_errno_name(r),
                       cg_explain(r, CG_OP_MKDIR));
                return r;
        }
        return 0;
}

void cg_delegate_mark(struct cg_manager *m, const char *path) {
        static const char *const names[] = { "trusted.delegate", "user.delegate" };
        char dir[CG_PATH_MAX];

        if (!m || !path || !*path || !(m->caps & CG_CAP_TREE) || cg_build(m, path, NULL, dir, sizeof dir) < 0)
                return;
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
                if (setxattr(dir, names[i], "1", 1, 0) < 0)
                        cg_log(m, LOG_DEBUG, "cannot set %s on %s, ignoring: %s", names[i], dir, strerror(errno));
}
