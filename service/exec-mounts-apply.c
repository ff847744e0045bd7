/* SPDX-License-Identifier: MIT */
/* A service's private mount table applied in the child, after systemd 252's src/core/namespace.c:
 * the entries mount_plan_new() (exec-mounts.c) built in PID 1, in three rounds (mount, then
 * read-only, then noexec/nosuid flags), with system calls only, on stack buffers. */
#include "exec-mounts-plan.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "units/unit-values.h"

/* ---- applying (the child, no allocation) ---- */

/* The child's reads of its own mount table, one per mount_plan_apply() (on the child's stack):
 * /proc/self/mountinfo kept open, and its text as last read. The text goes into memory mapped at
 * the first read, a system call and not the allocator (the child allocates nothing), unmapped at
 * the end of the apply; most applies never read it (PID 1's table stands in, pid1_view()). */
#define MI_BUF_SIZE (1 << 20)
typedef struct ChildTable {
        int fd;
        bool fresh; /* buf holds the current table (the read-only rounds change no mount point) */
        bool dev_done; /* the namespace is a copy of Pid1Mounts.dev_ns: /dev is built already */
        char *buf;  /* MI_BUF_SIZE bytes, or NULL */
} ChildTable;

/* /proc/self/mountinfo into t->buf (opened before /proc may be covered). */
static int mountinfo_read(ChildTable *t) {
        size_t n = 0;
        ssize_t k;

        if (t->fd < 0 && (t->fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
                return -ENOENT;
        if (!t->buf) {
                void *b = mmap(NULL, MI_BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (b == MAP_FAILED)
                        return -errno;
                t->buf = b;
        }
        if (lseek(t->fd, 0, SEEK_SET) < 0)
                return -errno;
        while ((k = read(t->fd, t->buf + n, MI_BUF_SIZE - 1 - n)) > 0)
                n += (size_t) k;
        if (k < 0)
                return -errno;
        t->buf[n] = '\0';
        return 0;
}

/* The next mount point of t->buf (unescaped into out), starting at *pos. */
static bool mountinfo_next(const ChildTable *t, size_t *pos, char *out, size_t outsz) {
        char *line = t->buf + *pos, *nl, *f;
        size_t o = 0;

        if (!*line)
                return false;
        nl = strchr(line, '\n');
        *pos = nl ? (size_t) (nl - t->buf) + 1 : strlen(t->buf);
        f = line;
        for (int i = 0; i < 4 && f; i++) { /* id parent maj:min root MOUNTPOINT */
                f = strchr(f, ' ');
                if (f)
                        f++;
        }
        if (!f)
                return mountinfo_next(t, pos, out, outsz);
        for (; *f && *f != ' ' && *f != '\n' && o + 1 < outsz; f++) {
                if (f[0] == '\\' && f[1] >= '0' && f[1] <= '3' && f[2] >= '0' && f[2] <= '7' && f[3] >= '0' && f[3] <= '7') {
                        out[o++] = (char) ((f[1] - '0') * 64 + (f[2] - '0') * 8 + (f[3] - '0'));
                        f += 3;
                } else
                        out[o++] = *f;
        }
        out[o] = '\0';
        return true;
}

static int is_mount_point(const char *path) {
        struct statx sx;

        if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) < 0)
                return -errno;
        if (!(sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
                return -ENOSYS;
        return !!(sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* Unmounts everything at and below path: one look at the table, then each mount found there, the
 * last mounted first (MNT_DETACH takes a mount's children along; those then fail, harmlessly). A
 * mount that cannot go (locked by the container's user namespace) stays; the others still go. */
static void umount_recursive(ChildTable *t, const char *path) {
        char mp[4096];
        size_t pos = 0, n = 0, starts[256];

        if (mountinfo_read(t) < 0)
                return;
        for (;;) {
                size_t here = pos;
                if (!mountinfo_next(t, &pos, mp, sizeof(mp)))
                        break;
                if (path_is_under(mp, path) && n < sizeof(starts) / sizeof(starts[0]))
                        starts[n++] = here;
        }
        while (n-- > 0) {
                size_t at = starts[n];
                if (mountinfo_next(t, &at, mp, sizeof(mp)))
                        (void) umount2(mp, MNT_DETACH | UMOUNT_NOFOLLOW);
        }
}

static int mount_setattr_one(const char *path, unsigned long set, unsigned long clr, bool recursive) {
        struct mount_attr a = { .attr_set = set, .attr_clr = clr };
        return syscall(SYS_mount_setattr, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | (recursive ? AT_RECURSIVE : 0), &a,
                       sizeof(a)) < 0 ? -errno : 0;
}

/* A mount point mp of the table, strictly below entry e and not at or below another entry: gets the
 * attributes (a path that now leads elsewhere, below a mount on top, fails harmlessly). */
static int setattr_below(const MountPlan *p, const MEntry *e, const char *mp, unsigned long set, unsigned long clr) {
        int r;

        if (!path_is_under(mp, e->path) || strcmp(mp, e->path) == 0)
                return 0;
        /* the entries below e follow it in the sorted table */
        for (size_t i = (size_t) (e - p->e) + 1; i < p->n && path_is_under(p->e[i].path, e->path); i++)
                if (path_is_under(mp, p->e[i].path))
                        return 0;
        r = mount_setattr_one(mp, set, clr, false);
        return r < 0 && r != -ENOENT && r != -EINVAL && r != -EACCES ? r : 0;
}

/* Whether the mounts below entry e in the child's table are PID 1's as read when the plan was made
 * (the namespace is a copy of it), apart from what the plan's own entries below e mounted: no
 * entry at or above e has brought a tree from elsewhere (a recursive bind of another path, the
 * private /dev), no RootDirectory=. Then PID 1's table stands in for a read of the child's. */
static bool pid1_view(const MountPlan *p, const MEntry *e) {
        if (p->root || !pid1_mounts()->valid || pid1_mounts()->escaped)
                return false;
        for (const MEntry *o = p->e; o <= e; o++)
                if ((o->mode == M_BIND_REC || o->mode == M_PRIVATE_DEV) && path_is_under(e->path, o->path))
                        return false;
        return true;
}

/* Whether e's path is a mount point in the child now, from PID 1's table: where no earlier entry at
 * or above it can have changed what is mounted there (one that binds a path onto itself keeps the
 * same mount points below it, and a /sys, /dev or /run already mounted is left alone). -1: not
 * known, the child looks. */
static int pid1_is_mount_point(const MountPlan *p, const MEntry *e) {
        if (p->root || !pid1_mounts()->valid || pid1_mounts()->escaped)
                return -1;
        for (const MEntry *o = p->e; o < e; o++) {
                if (!path_is_under(e->path, o->path))
                        continue;
                switch (o->mode) {
                case M_READONLY:
                case M_READWRITE:
                case M_READWRITE_IMPLICIT:
                case M_EXEC:
                case M_NOEXEC:
                case M_SYSFS:
                case M_BIND_DEV:
                        break;
                case M_RUN:
                        if (pid1_mount_point(o->path))
                                break;
                        return -1;
                default:
                        return -1;
                }
        }
        return pid1_mount_point(e->path);
}

/* Sets attributes on path and the mounts below it, except those at or below another entry of the
 * plan (they get their own flags). Mount by mount, by path, as systemd does: a mount below another
 * one stacked on top keeps its flags (a recursive mount_setattr(2) from an entry above both would
 * change those too, and /proc/PID/mountinfo would show it: the delegated cgroup2 over the host's
 * /sys/fs/cgroup). (One recursive call where PID 1's table seemed to show it reaches the same mounts
 * was tried: the table lists mounts in the order they were made, and a mount moved later over
 * others (mount --move) hides them while listed before them; telling needs the mount tree.) */
static int setattr_tree(const MountPlan *p, ChildTable *t, const MEntry *e, unsigned long set, unsigned long clr,
                        bool submounts) {
        char mp[4096];
        size_t pos = 0;
        int r;

        /* Below an entry without PID 1 mounts under it, whatever is mounted has its own entry (or
         * lies below one): nothing else to flip, no need to look. */
        if (!submounts || !e->submounts)
                return mount_setattr_one(e->path, set, clr, false);
        r = mount_setattr_one(e->path, set, clr, false);
        if (r < 0)
                return r;
        if (pid1_view(p, e)) {
                for (size_t o = 0; o < pid1_mounts()->len; o += strlen(pid1_mounts()->mp + o) + 1)
                        if ((r = setattr_below(p, e, pid1_mounts()->mp + o, set, clr)) < 0)
                                return r;
                return 0;
        }
        if (!t->fresh && mountinfo_read(t) < 0)
                return 0;
        t->fresh = true;
        while (mountinfo_next(t, &pos, mp, sizeof(mp)))
                if ((r = setattr_below(p, e, mp, set, clr)) < 0)
                        return r;
        return 0;
}

static int bind(const char *src, const char *dst, bool rec) {
        return mount(src, dst, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0 ? -errno : 0;
}

static void mkdir_p(const char *path, mode_t mode) {
        char b[4096];

        snprintf(b, sizeof(b), "%s", path);
        for (char *s = b + 1; *s; s++)
                if (*s == '/') {
                        *s = '\0';
                        mkdir(b, mode);
                        *s = '/';
                }
        mkdir(b, mode);
}

static int mount_tmpfs_at(ChildTable *t, const MEntry *e) {
        mkdir_p(e->path, 0755);
        if (e->submounts)
                umount_recursive(t, e->path);
        return mount("tmpfs", e->path, "tmpfs", e->flags, e->options) < 0 ? -errno : 0;
}

/* A copy of the tree at src (recursive or not), not yet attached anywhere: what a bind of src made
 * now would bring, whatever is mounted or unmounted there later. */
static int clone_tree(const char *src, bool rec) {
        int t = (int) syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
        return t < 0 ? -errno : t;
}

/* That copy attached at dst. */
static int bind_fd(int fd, const char *dst) {
        return syscall(SYS_move_mount, fd, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0 ? -errno : 0;
}

/* A bind target of the source's kind (directory or file) where the destination is missing; the
 * source as opened before the first mount where the entry says so (src_early). *missing: the source
 * is not there (-ENOENT). */
static int bind_make(const MEntry *e, const char *dst, bool rec, bool *missing) {
        const char *src = e->source;
        struct stat st;
        int r;

        if (e->src_early && e->src_fd < 0) {
                *missing = e->src_err == -ENOENT;
                return e->src_err ? e->src_err : -EBADF;
        }
        r = e->src_fd >= 0 ? bind_fd(e->src_fd, dst) : bind(src, dst, rec);
        if (r != -ENOENT)
                return r;
        if (e->src_fd >= 0 ? fstat(e->src_fd, &st) < 0 : stat(src, &st) < 0) {
                *missing = errno == ENOENT;
                return -errno;
        }
        {
                char parent[4096], *s;
                snprintf(parent, sizeof(parent), "%s", dst);
                s = strrchr(parent, '/');
                if (s && s != parent) {
                        *s = '\0';
                        mkdir_p(parent, 0755);
                }
        }
        if (S_ISDIR(st.st_mode))
                mkdir(dst, 0755);
        else {
                int fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOCTTY, 0755);
                if (fd >= 0)
                        close(fd);
        }
        return e->src_fd >= 0 ? bind_fd(e->src_fd, dst) : bind(src, dst, rec);
}

/* Whether the earlier entries have left what is mounted at and above e's path as PID 1 has it: an
 * entry above it that only sets flags on a path PID 1 has mounted (ProtectSystem=strict's "/")
 * mounted nothing in the first round. */
static bool above_untouched(const MountPlan *p, const MEntry *e) {
        for (const MEntry *o = p->e; o < e; o++) {
                if (path_is_under(e->path, o->path) && !(mode_flags_only(o->mode) && pid1_mount_point(o->path)))
                        return false;
        }
        return true;
}

/* Unmounts what PID 1 has mounted at and below path, from its table as read when the plan was
 * made (the child's namespace is a copy of it), the last mounted first: for PrivateDevices='s /dev,
 * where no earlier entry of the plan lies above path (nothing else can have been mounted there
 * yet), without reading the child's own table. Returns -1 when the child's table must be read
 * (PID 1's is unknown or has escaped characters), else the number of mounts found there; *locked:
 * none of them could go (EINVAL: a user namespace locks the mounts it inherits). */
static int umount_pid1_mounts(const MountPlan *p, const MEntry *e, bool *locked) {
        size_t starts[256], failed[257], n = 0, nf;
        bool rest_locked;
        int found, r = 0;

        *locked = true;
        if (p->root || !pid1_mounts()->valid || pid1_mounts()->escaped || !above_untouched(p, e))
                return -1;
        for (size_t o = 0; o < pid1_mounts()->len; o += strlen(pid1_mounts()->mp + o) + 1)
                if (path_is_under(pid1_mounts()->mp + o, e->path)) {
                        if (n == N(starts))
                                return -1;
                        starts[n++] = o;
                }
        found = (int) n;
        /* The top mount at path first, lazily: every mount below it goes along in one call, and
         * in one of the kernel's RCU grace periods instead of one per mount (a container's own
         * /dev and its ten binds: 60 us of CPU less per start here); again while another one that
         * can go lies below. */
        while (n > 0 && (r = umount2(e->path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 ? -errno : 0) == 0)
                *locked = false;
        /* A child of this table's generation found nothing else there that could go (Pid1Learnt):
         * the same calls on the same mounts fail the same way. */
        if (!*locked && r == -EINVAL && pid1_mounts()->learnt && __atomic_load_n(&pid1_mounts()->learnt->dev_rest_locked, __ATOMIC_RELAXED) == pid1_mounts()->gen &&
            !p->own_userns && strcmp(e->path, "/dev") == 0)
                return found;
        /* Then each of PID 1's mounts there, the last mounted first, for what was mounted below
         * them before (the others are gone already and fail, cheaply). A path where one failed
         * with EINVAL since the last mount went (locked, or nothing mounted there) is not tried
         * again: in the same table the same call fails the same way. */
        failed[0] = r == -EINVAL ? (size_t) -2 : (size_t) -1; /* (-2: path itself) */
        nf = n > 0 ? 1 : 0;
        rest_locked = !*locked && nf > 0 && r == -EINVAL;
        while (n-- > 0) {
                const char *mp = pid1_mounts()->mp + starts[n];
                bool again = false;
                for (size_t j = 0; j < nf && !again; j++)
                        again = failed[j] == (size_t) -2 ? strcmp(mp, e->path) == 0
                                                         : failed[j] != (size_t) -1 && strcmp(mp, pid1_mounts()->mp + failed[j]) == 0;
                if (again)
                        continue;
                if (umount2(mp, MNT_DETACH | UMOUNT_NOFOLLOW) == 0 || errno != EINVAL) {
                        *locked = rest_locked = false;
                        nf = 0; /* (a mount went: what failed may now be within reach) */
                } else
                        failed[nf++] = starts[n];
        }
        if (rest_locked && !p->own_userns && pid1_mounts()->learnt && strcmp(e->path, "/dev") == 0)
                __atomic_store_n(&pid1_mounts()->learnt->dev_rest_locked, pid1_mounts()->gen, __ATOMIC_RELAXED); /* (for the next children) */
        return found;
}

/* Whether a child of this PID 1 already found every mount at and below /dev locked, in PID 1's
 * table as it is now (Pid1Learnt): then systemd's dance (a tmpfs in a temporary directory, the old
 * /dev unmounted, the new one moved over it) ends as a tmpfs mounted right on top of the old /dev,
 * whose mounts all stay below it. */
static bool dev_known_locked(const MountPlan *p, const MEntry *e) {
        const Pid1Mounts *t = pid1_mounts();

        return !p->root && !p->own_userns && t->valid && !t->escaped && t->learnt && __atomic_load_n(&t->learnt->dev_locked, __ATOMIC_RELAXED) == t->gen &&
               strcmp(e->path, "/dev") == 0 && pid1_mount_point("/dev") && above_untouched(p, e);
}

/* systemd's clone_device_node(): the node src + name as dev/name, by mknod(2) or (refused, then not
 * tried again: *no_mknod) bound over an empty file, and its /dev/char/MAJ:MIN link as udev has it.
 * -ENXIO: the source is no device node. */
static int dev_clone_node(const char *dev, const char *src_dir, const char *name, const struct stat *known, bool *no_mknod,
                          bool *have_dir) {
        char b[128], src[64];
        struct stat st;
        int r;

        snprintf(src, sizeof(src), "%s%s", src_dir, name);
        if (known) /* (an lstat(2) of what is no symbolic link) */
                st = *known;
        else if (stat(src, &st) < 0)
                return errno == ENOENT ? -ENXIO : -errno;
        if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
                return -ENXIO;
        snprintf(b, sizeof(b), "%s/%s", dev, name);
        if (*no_mknod || mknod(b, st.st_mode, st.st_rdev) < 0) {
                if (!*no_mknod && errno != EPERM)
                        return -errno;
                *no_mknod = true;
                if (mknod(b, S_IFREG, 0) < 0 && errno != EEXIST)
                        return -errno;
                if ((r = bind(src, b, false)) < 0)
                        return r;
        }
        snprintf(b, sizeof(b), "%s/%s", dev, S_ISCHR(st.st_mode) ? "char" : "block");
        if (!have_dir[!S_ISCHR(st.st_mode)]) {
                mkdir(b, 0755);
                have_dir[!S_ISCHR(st.st_mode)] = true;
        }
        snprintf(b, sizeof(b), "%s/%s/%u:%u", dev, S_ISCHR(st.st_mode) ? "char" : "block", major(st.st_rdev),
                 minor(st.st_rdev));
        snprintf(src, sizeof(src), "../%s", name);
        (void) !symlink(src, b);
        return 0;
}

/* The contents of a private /dev in dev (a fresh tmpfs), in the order of systemd's
 * mount_private_dev() between its tmpfs and its move; the sources named src + name (src "/dev/";
 * or "" with the old /dev as the working directory, where the new one already covers it). */
static int dev_populate(const char *dev, const char *src_dir, bool no_mknod) {
        static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
        static const char *const dirs[] = { "pts", "shm", "mqueue", "hugepages" };
        static const char *const links[][2] = {
                { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
                { "/proc/self/fd/2", "stderr" },
        };
        char b[128], src[64];
        bool have_dir[2] = { false, false }; /* char/, block/ */
        struct stat st;
        int r;

        for (size_t i = 0; i < N(dirs); i++) {
                snprintf(b, sizeof(b), "%s/%s", dev, dirs[i]);
                snprintf(src, sizeof(src), "%s%s", src_dir, dirs[i]);
                mkdir(b, 0755);
                /* /dev/mqueue and /dev/hugepages are optional: an empty directory where missing */
                if ((r = bind(src, b, false)) < 0 && i < 2)
                        return r;
                if (i > 0)
                        continue;
                /* /dev/ptmx, after pts: a symbolic link to pts/ptmx (containers) or the node */
                snprintf(src, sizeof(src), "%sptmx", src_dir);
                if (lstat(src, &st) < 0)
                        return -errno;
                snprintf(b, sizeof(b), "%s/ptmx", dev);
                if (S_ISLNK(st.st_mode) ? (symlink("pts/ptmx", b) < 0 ? (r = -errno) : 0)
                                        : (r = dev_clone_node(dev, src_dir, "ptmx", &st, &no_mknod, have_dir)) < 0)
                        return r;
        }
        snprintf(b, sizeof(b), "%s/log", dev);
        (void) !symlink("/run/systemd/journal/dev-log", b);
        for (size_t i = 0; i < N(nodes); i++)
                if ((r = dev_clone_node(dev, src_dir, nodes[i], NULL, &no_mknod, have_dir)) < 0 && r != -ENXIO)
                        return r;
        for (size_t i = 0; i < N(links); i++) {
                snprintf(b, sizeof(b), "%s/%s", dev, links[i][1]);
                (void) !symlink(links[i][0], b);
        }
        return 0;
}

static int private_dev(const MountPlan *p, ChildTable *t, const MEntry *e) {
        char tmp[] = "/tmp/namespace-dev-XXXXXX", dev[64];
        bool locked;
        int r, found;

        if (t->dev_done)
                return 0;
        if (dev_known_locked(p, e)) {
                /* The old /dev (a mount point) as the working directory: the sources are one short
                 * lookup away once the new tmpfs covers it. */
                if (chdir("/dev") < 0)
                        return -errno;
                if (mount("tmpfs", "/dev", "tmpfs", e->flags, "mode=755" TMPFS_LIMITS_PRIVATE_DEV) < 0)
                        r = -errno;
                else if ((r = dev_populate("/dev", "", pid1_mounts()->mknod_denied)) < 0)
                        (void) umount2("/dev", MNT_DETACH | UMOUNT_NOFOLLOW);
                if (chdir("/") < 0 && r == 0)
                        r = -errno;
                return r;
        }
        if (!mkdtemp(tmp))
                return -errno;
        snprintf(dev, sizeof(dev), "%s/dev", tmp);
        mkdir(dev, 0755);
        if (mount("tmpfs", dev, "tmpfs", e->flags, "mode=755" TMPFS_LIMITS_PRIVATE_DEV) < 0) {
                r = -errno;
                goto fail;
        }
        /* (in it: the nodes' paths one short look-up each) */
        if (chdir(dev) < 0) {
                r = -errno;
                goto fail;
        }
        r = dev_populate(".", "/dev/", pid1_mounts()->mknod_denied);
        if (chdir("/") < 0 && r == 0)
                r = -errno;
        if (r < 0)
                goto fail;
        mkdir_p(e->path, 0755);
        found = umount_pid1_mounts(p, e, &locked);
        if (found < 0)
                umount_recursive(t, e->path);
        else if (found > 0 && locked && !p->own_userns && pid1_mounts()->learnt && strcmp(e->path, "/dev") == 0)
                __atomic_store_n(&pid1_mounts()->learnt->dev_locked, pid1_mounts()->gen, __ATOMIC_RELAXED); /* (for the next children) */
        if (mount(dev, e->path, NULL, MS_MOVE, NULL) < 0) {
                r = -errno;
                goto fail;
        }
        rmdir(dev);
        rmdir(tmp);
        return 0;
fail:
        umount_recursive(t, dev);
        rmdir(dev);
        rmdir(tmp);
        return r;
}

/* e got a fresh file system: nothing is below it but the entries that follow, and below those only
 * what they bring (mark_submounts(): the entries below one that binds a tree from elsewhere keep
 * their mark). The child's copy only. */
static void clear_submounts_below(const MountPlan *p, MEntry *e) {
        e->submounts = false;
        for (MEntry *j = e + 1; j < p->e + p->n && path_is_under(j->path, e->path); j++) {
                bool brought = false;
                for (const MEntry *k = e + 1; k < j && !brought; k++)
                        brought = path_is_under(j->path, k->path) && (k->mode == M_SYSFS || k->mode == M_BIND_DEV || k->mode == M_BIND_REC ||
                                                                    k->mode == M_PRIVATE_DEV || k->mode == M_PROCFS);
                if (!brought)
                        j->submounts = false;
        }
}

static int mount_proc(const MountPlan *p, MEntry *e) {
        int r;

        if (pid1_is_mount_point(p, e) <= 0)
                mkdir_p(e->path, 0755);
        /* A new instance (hidepid= is per instance); the old one stays below until it worked. */
        r = mount("proc", e->path, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, p->proc_opts) < 0 ? -errno : 0;
        if (r == -EINVAL && p->proc_opts)
                r = mount("proc", e->path, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) < 0 ? -errno : 0;
        if (r == -EPERM) {
                /* No new procfs here: keep (or bind) the one we have. */
                r = is_mount_point(e->path);
                if (r == 0)
                        return bind("/proc", e->path, true) < 0 ? -EPERM : 0;
                return 0;
        }
        /* A fresh instance has nothing below it but the entries of the plan that follow (what was
         * below the old one is out of reach): the later rounds need no look at the table for it. */
        if (r == 0)
                clear_submounts_below(p, e);
        return r;
}

/* An optional path that is not there: nothing mounted, no flags to set later (they would fail
 * with ENOENT, or EINVAL where a later entry made the directory: ignored either way). */
static int absent(MEntry *e) {
        e->absent = true;
        return 0;
}

static int apply_one(const MountPlan *p, ChildTable *t, MEntry *e) {
        struct stat st;
        int r;

        switch (e->mode) {
        case M_INACCESSIBLE: {
                const char *src;
                if (lstat(e->path, &st) < 0)
                        return errno == ENOENT && e->ignore ? absent(e) : -errno; /* (nothing mounted there either) */
                if (e->submounts) {
                        /* Nothing can be mounted below a file: only on it (a look at it, not at the
                         * whole mount table). */
                        if (S_ISDIR(st.st_mode))
                                umount_recursive(t, e->path);
                        else
                                while (is_mount_point(e->path) > 0 && umount2(e->path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
                                        ;
                        if (lstat(e->path, &st) < 0)
                                return errno == ENOENT && e->ignore ? absent(e) : -errno;
                }
                src = S_ISDIR(st.st_mode)    ? "/run/systemd/inaccessible/dir"
                      : S_ISREG(st.st_mode)  ? "/run/systemd/inaccessible/reg"
                      : S_ISFIFO(st.st_mode) ? "/run/systemd/inaccessible/fifo"
                      : S_ISSOCK(st.st_mode) ? "/run/systemd/inaccessible/sock"
                      : S_ISCHR(st.st_mode)  ? (access("/run/systemd/inaccessible/chr", F_OK) == 0 ? "/run/systemd/inaccessible/chr" : "/run/systemd/inaccessible/sock")
                      : S_ISBLK(st.st_mode)  ? (access("/run/systemd/inaccessible/blk", F_OK) == 0 ? "/run/systemd/inaccessible/blk" : "/run/systemd/inaccessible/sock")
                                             : NULL;
                if (!src)
                        return -ELOOP; /* a symlink */
                return bind(src, e->path, false);
        }
        case M_READONLY:
        case M_READWRITE:
        case M_READWRITE_IMPLICIT:
        case M_EXEC:
        case M_NOEXEC:
                /* Without a mount at or below it (mark_submounts()), it is no mount point: no look;
                 * nor where PID 1's table knows. */
                r = e->submounts ? pid1_is_mount_point(p, e) : 0;
                if (r < 0)
                        r = is_mount_point(e->path);
                if (r == 0)
                        r = bind(e->path, e->path, true);
                if (r == -ENOENT && e->ignore)
                        return absent(e);
                return r < 0 ? r : 0;
        case M_BIND:
        case M_BIND_REC:
        case M_PRIVATE_TMP: {
                /* (the kernel follows the symbolic links in the source: no realpath(3) first) */
                bool missing = false;
                r = bind_make(e, e->path, e->mode == M_BIND_REC, &missing);
                return missing && e->ignore ? absent(e) : r;
        }
        case M_EMPTY_DIR:
        case M_TMPFS:
                return mount_tmpfs_at(t, e);
        case M_PRIVATE_DEV:
                return private_dev(p, t, e);
        case M_BIND_DEV:
        case M_SYSFS:
                if (pid1_is_mount_point(p, e) > 0)
                        return 0; /* (there, and mounted) */
                mkdir_p(e->path, 0755);
                r = is_mount_point(e->path);
                if (r < 0)
                        return r;
                return r > 0 ? 0 : bind(e->mode == M_SYSFS ? "/sys" : "/dev", e->path, true);
        case M_PROCFS:
                return mount_proc(p, e);
        case M_RUN:
                r = pid1_is_mount_point(p, e);
                if (r < 0)
                        r = is_mount_point(e->path);
                if (r < 0 && r != -ENOENT)
                        return r;
                return r > 0 ? 0 : mount_tmpfs_at(t, e);
        case M_MQUEUE:
                mkdir_p(e->path, 0755);
                if (e->submounts)
                        umount_recursive(t, e->path);
                return mount("mqueue", e->path, "mqueue", e->flags, NULL) < 0 ? -errno : 0;
        }
        return 0;
}

/* Whether an entry covers /proc with something that has no /proc/self/mountinfo (a tmpfs, an
 * inaccessible node, a bind from elsewhere), or the root moves. A new procfs (ProtectProc=,
 * ProcSubset=) still shows this process's table, and the read-only binds of a path onto itself
 * change nothing there. */
static bool proc_may_go(const MountPlan *p) {
        if (p->root)
                return true;
        for (size_t i = 0; i < p->n; i++) {
                if (path_is_under("/proc", p->e[i].path) && p->e[i].mode != M_PROCFS && !mode_flags_only(p->e[i].mode))
                        return true;
        }
        return false;
}

/* The plan's PrivateDevices= entry when its /dev may come from (or go to) PID 1's dev_ns
 * (MountPlan.dev_shared: no bind source near /dev, no name made below it): /dev itself, nothing
 * mounted at or above it before, PID 1's table known. */
static MEntry *dev_shared_entry(const MountPlan *p) {
        const Pid1Mounts *t = pid1_mounts();

        if (!p->dev_shared || !t->valid || t->escaped) /* (never with RootDirectory= or PrivateUsers=) */
                return NULL;
        for (size_t i = 0; i < p->n; i++)
                if (p->e[i].mode == M_PRIVATE_DEV)
                        return strcmp(p->e[i].path, "/dev") == 0 && above_untouched(p, p->e + i) ? p->e + i : NULL;
        return NULL;
}

/* Whether setns(2) into our own namespace nsfd leaves our root where it is: it puts a process at
 * the namespace's root, which is not ours where PID 1 runs in a chroot (later children would leave
 * it). Ours again after the look. 1, 0, or -errno when the chroot could not be restored. */
static int setns_keeps_root(int nsfd) {
        struct stat before, after;
        int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), r = 0;
        bool same;

        if (root < 0)
                return 0;
        same = fstat(root, &before) == 0 && setns(nsfd, CLONE_NEWNS) == 0 && stat("/", &after) == 0 &&
               before.st_dev == after.st_dev && before.st_ino == after.st_ino;
        if (!same && (fchdir(root) < 0 || chroot(".") < 0))
                r = -errno;
        close(root);
        return r < 0 ? r : same;
}

/* This child makes dev_ns for PID 1, once per generation of PID 1's table (the first to claim it):
 * /dev built in the namespace just unshared, as for any start, that namespace sent to PID 1, and
 * then one of our own, a copy of it. */
static int dev_ns_make(const MountPlan *p, ChildTable *t, const MEntry *dev) {
        const Pid1Mounts *pm = pid1_mounts();
        unsigned long seen;
        int fd, r;

        if (!pm->learnt || pm->dev_ns_sock[1] < 0)
                return 0;
        seen = __atomic_load_n(&pm->learnt->dev_ns_claim, __ATOMIC_RELAXED);
        if (seen >= pm->gen || /* (claimed, or a later generation is: this child's plan is old) */
            !__atomic_compare_exchange_n(&pm->learnt->dev_ns_claim, &seen, pm->gen, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
                return 0;
        if ((r = private_dev(p, t, dev)) < 0)
                return r;
        t->dev_done = true;
        if (t->fd >= 0) { /* (it shows the namespace it was opened in) */
                close(t->fd);
                t->fd = -1;
        }
        t->fresh = false;
        /* Read-only from the start in every copy (each one's second round sets it again): nothing
         * can write to the one tmpfs through a copy before that. */
        if (mount_setattr_one("/dev", MOUNT_ATTR_RDONLY, 0, false) < 0 || (fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC)) < 0)
                return 0; /* (then this namespace is just ours) */
        if ((r = setns_keeps_root(fd)) <= 0) {
                close(fd);
                return r;
        }
        r = ns_fd_send(pm->dev_ns_sock[1], fd, pm->gen);
        close(fd);
        /* (never go on in the one PID 1 now holds: later children copy it) */
        if (r == 0 && unshare(CLONE_NEWNS) < 0)
                return -errno;
        return 0;
}

static int apply_plan(const MountPlan *p, ChildTable *t, const char **error_path) {
        const Pid1Mounts *pm = pid1_mounts();
        MEntry *dev = dev_shared_entry(p);
        int r;

        *error_path = NULL;
        /* Ours a copy of PID 1's namespace with this /dev in place already, where there is one. */
        if (dev && pm->dev_ns >= 0 && pm->dev_ns_gen == pm->gen && setns(pm->dev_ns, CLONE_NEWNS) == 0)
                t->dev_done = true;
        if (unshare(CLONE_NEWNS) < 0) {
                r = -errno;
                if (t->dev_done) /* (never to run in the one PID 1 holds) */
                        return r;
                return r == -EPERM || r == -EACCES || r == -EOPNOTSUPP || r == -ENOSYS ? -ENOANO : r;
        }
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return -errno;
        if (dev && !t->dev_done && (r = dev_ns_make(p, t, dev)) < 0) {
                *error_path = dev->path;
                return r;
        }
        if (p->root) {
                r = is_mount_point(p->root);
                if (r < 0 || (r == 0 && (r = bind(p->root, p->root, true)) < 0)) {
                        *error_path = p->root;
                        return r;
                }
        }
        /* The child's own table is mostly not read at all (PID 1's stands in): opened at the first
         * read, unless an entry may take /proc away before (then now). */
        if (proc_may_go(p))
                t->fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);

        /* The sources that lie below an earlier entry, as they are before the first mount. */
        for (size_t i = 0; i < p->n; i++) {
                MEntry *e = p->e + i;
                if (e->src_early && (e->src_fd = clone_tree(e->source, e->mode == M_BIND_REC)) < 0) {
                        e->src_err = e->src_fd;
                        e->src_fd = -1;
                        /* (before Linux 5.2, or a runtime's seccomp profile that does not know it:
                         * bound by path, in the tree as it is then) */
                        if (e->src_err == -ENOSYS || e->src_err == -EPERM)
                                e->src_early = false;
                }
        }
        /* Round one: every mount. */
        for (size_t i = 0; i < p->n; i++) {
                r = apply_one(p, t, p->e + i);
                if (r < 0) {
                        *error_path = p->e[i].path;
                        return r;
                }
        }
        /* Round two: read-only (recursively but for what has its own entry; not below tmpfs), noexec
         * and exec, one entry after the other: one mount_setattr(2) per mount point with all the flags
         * an entry sets where both apply to the same mounts (the flags of distinct entries touch
         * distinct mounts, and exec/noexec keep the entries' order). With NoNewPrivileges=, nosuid
         * goes along too (round three sets it on the same mounts anyway), and an entry with nothing
         * below it (tmpfs, an inaccessible node: its mounts were unmounted) needs no call there. */
        t->fresh = false;
        for (size_t i = 0; i < p->n; i++) {
                MEntry *e = p->e + i;
                bool ro = entry_ro(e) || e->mode == M_PRIVATE_DEV;
                bool ro_sub = entry_ro(e) && e->mode != M_TMPFS && e->mode != M_EMPTY_DIR && e->mode != M_INACCESSIBLE;
                bool sub = e->mode != M_TMPFS && e->mode != M_EMPTY_DIR && e->mode != M_INACCESSIBLE;
                unsigned long xset = entry_noexec(e) ? MOUNT_ATTR_NOEXEC : 0;
                unsigned long xclr = !xset && (e->exec || e->mode == M_EXEC) ? MOUNT_ATTR_NOEXEC : 0;
                unsigned long nosuid = p->nosuid ? MOUNT_ATTR_NOSUID : 0;
                if (e->absent)
                        continue;
                bool both = ro && (xset || xclr) && ro_sub == sub;
                e->nosuid_done = false;
                for (int k = 0; k < 2; k++) {
                        if (k == 0 ? !ro : (both || !(xset || xclr)))
                                continue;
                        r = k == 0 ? setattr_tree(p, t, e, MOUNT_ATTR_RDONLY | (both ? xset : 0) | nosuid, both ? xclr : 0, ro_sub)
                                   : setattr_tree(p, t, e, xset | nosuid, xclr, sub);
                        if (r == 0 && nosuid)
                                e->nosuid_done = true;
                        else if (r < 0 && !((r == -ENOENT || r == -EINVAL) && e->ignore)) {
                                *error_path = e->path;
                                return r;
                        }
                }
        }
        /* Round three: NoNewPrivileges= makes every entry nosuid, recursively (but tmpfs): an entry
         * below one done recursively (the table is sorted) has nothing left to change. */
        if (p->nosuid) {
                const char *covered = NULL;
                for (size_t i = 0; i < p->n; i++) {
                        const MEntry *e = p->e + i;
                        bool rec = e->mode != M_TMPFS && e->mode != M_EMPTY_DIR;
                        if ((covered && path_is_under(e->path, covered)) || e->absent)
                                continue;
                        /* Nothing below it but the mounts of the entries below it (no mount of
                         * PID 1's, no tree brought from elsewhere: !submounts), which come next. */
                        if (e->nosuid_done && (!rec || e->mode == M_INACCESSIBLE || !e->submounts)) {
                                covered = NULL; /* (the entries below it, mounted later, get their own) */
                                continue;
                        }
                        r = mount_setattr_one(e->path, MOUNT_ATTR_NOSUID, 0, rec);
                        if (r < 0 && !((r == -ENOENT || r == -EINVAL) && e->ignore)) {
                                *error_path = e->path;
                                return r;
                        }
                        covered = r == 0 && rec ? e->path : NULL;
                }
        }
        if (t->fd >= 0) {
                close(t->fd);
                t->fd = -1;
        }
        if (p->root) {
                if (chdir(p->root) < 0 || mount(p->root, "/", NULL, MS_MOVE, NULL) < 0 || chroot(".") < 0 || chdir("/") < 0) {
                        *error_path = p->root;
                        return -errno;
                }
        }
        if (mount(NULL, "/", NULL, p->propagation | MS_REC, NULL) < 0)
                return -errno;
        /* As systemd's setup_namespace() ends: /run/systemd/incoming a slave (so private, the only
         * one of its peer group here), where systemd's bind_mount_in_namespace() moves mounts. */
        if (mount(NULL, "/run/systemd/incoming", NULL, MS_SLAVE, NULL) < 0) {
                *error_path = "/run/systemd/incoming";
                return -errno;
        }
        return 0;
}

int mount_plan_apply(const MountPlan *p, const char **error_path) {
        ChildTable t = { .fd = -1 };
        int r = apply_plan(p, &t, error_path);

        if (t.fd >= 0)
                close(t.fd);
        if (t.buf)
                munmap(t.buf, MI_BUF_SIZE);
        return r;
}
