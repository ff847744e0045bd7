/* SPDX-License-Identifier: MIT */
/* Creating and removing cgroups below our own (delegating them: cg-delegate.c).
 *
 * Slices are created on demand, and each one gets, in its cgroup.subtree_control, every
 * controller its parent gives it (its cgroup.controllers), so that limits set on a service deep
 * in a.slice/a-b.slice/ have their files. Leaves (service cgroups) never enable anything: they
 * hold processes. Removal is deepest first, and only succeeds once a cgroup is empty. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "cg-internal.h"

static int mkdir_one(struct cg_manager *m, const char *rel) {
        char dir[CG_PATH_MAX];
        int r;

        r = cg_build(m, rel, NULL, dir, sizeof dir);
        if (r < 0)
                return r;
        if (mkdir(dir, 0755) == 0) {
                cg_log(m, LOG_DEBUG, "created cgroup %s", dir);
                return 1;
        }
        if (errno == EEXIST)
                return 0;
        r = -errno;
        cg_log(m, LOG_ERR, "cannot create cgroup %s: %s (%s: %s)", dir, strerror(-r), cg_errno_name(r),
               cg_explain(r, CG_OP_MKDIR));
        return r;
}

int cg_create(struct cg_manager *m, const char *path, unsigned flags) {
        char rel[CG_PATH_MAX];
        size_t len;
        int r;

        r = cg_tree_path_check(m, path);
        if (r < 0)
                return r;
        len = strlen(path);
        if (len >= sizeof rel)
                return -ENAMETOOLONG;
        memcpy(rel, path, len + 1);

        /* Walk the components: "a.slice", "a.slice/a-b.slice", ... */
        for (char *slash = strchr(rel, '/');; slash = strchr(slash + 1, '/')) {
                bool last = slash == NULL;
                if (slash)
                        *slash = 0;
                r = mkdir_one(m, rel);
                if (r < 0)
                        return r;
                if ((!last || (flags & CG_CREATE_SLICE)) && !(r == 0 && strcmp(rel, m->ready_slice) == 0)) {
                        cg_enable_controllers(m, rel, NULL);
                        if (strlen(rel) < sizeof m->ready_slice)
                                strcpy(m->ready_slice, rel);
                }
                if (last)
                        break;
                *slash = '/';
        }
        return 0;
}

int cg_unit_create(struct cg_manager *m, const char *unit, const char *slice_override, char *ret_path,
                   size_t size) {
        char path[CG_PATH_MAX];
        size_t len;
        int r;

        r = cg_unit_path(unit, slice_override, path, sizeof path);
        if (r < 0)
                return r;
        if (r == 0)
                return -EINVAL; /* "-.slice" is our root: nothing to create */
        len = strlen(unit);
        r = cg_create(m, path, len > 6 && strcmp(unit + len - 6, ".slice") == 0 ? CG_CREATE_SLICE : 0);
        if (r < 0)
                return r;
        if (ret_path) {
                if (strlen(path) >= size)
                        return -ENAMETOOLONG;
                strcpy(ret_path, path);
        }
        return 0;
}

/* rmdir the children of abs (a buffer of CG_PATH_MAX bytes, restored on return), then abs. */
static int remove_recursive(struct cg_manager *m, char *abs, size_t len) {
        DIR *d;
        struct dirent *de;
        int r = 0;

        d = opendir(abs);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                size_t n;
                int k;

                if (de->d_type != DT_DIR || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                n = strlen(de->d_name);
                if (len + 1 + n + 1 > CG_PATH_MAX) {
                        r = r ? r : -ENAMETOOLONG;
                        continue;
                }
                abs[len] = '/';
                memcpy(abs + len + 1, de->d_name, n + 1);
                k = remove_recursive(m, abs, len + 1 + n);
                abs[len] = 0;
                if (k < 0 && r == 0)
                        r = k;
        }
        closedir(d);
        if (r < 0)
                return r;
        if (rmdir(abs) < 0 && errno != ENOENT) {
                r = -errno;
                cg_log(m, LOG_WARNING, "cannot remove cgroup %s: %s (%s: %s)", abs, strerror(-r), cg_errno_name(r),
                       cg_explain(r, CG_OP_RMDIR));
                return r;
        }
        cg_log(m, LOG_DEBUG, "removed cgroup %s", abs);
        return 0;
}

int cg_remove(struct cg_manager *m, const char *path, unsigned flags) {
        char abs[CG_PATH_MAX], rel[CG_PATH_MAX];
        size_t len;
        int r;

        if (!m || !path || !*path)
                return -EINVAL;
        r = cg_build(m, path, NULL, abs, sizeof abs);
        if (r < 0)
                return r;
        r = remove_recursive(m, abs, strlen(abs));
        len = strlen(path);
        if (len >= 6 && strcmp(path + len - 6, ".slice") == 0)
                m->ready_slice[0] = 0; /* a slice (and the slices below it) may be gone */
        if (r < 0 || !(flags & CG_REMOVE_PARENTS))
                return r;

        snprintf(rel, sizeof rel, "%s", path);
        for (char *slash = strrchr(rel, '/'); slash; slash = strrchr(rel, '/')) {
                *slash = 0;
                if (cg_build(m, rel, NULL, abs, sizeof abs) < 0 || rmdir(abs) < 0)
                        break; /* EBUSY/ENOTEMPTY: still in use by a sibling: fine */
                m->ready_slice[0] = 0;
                cg_log(m, LOG_DEBUG, "removed cgroup %s", abs);
        }
        return 0;
}
