/* SPDX-License-Identifier: MIT */
/* env_detect(): read-only detection of the environment a PID 1 finds itself in.
 *
 * Design: every input is a file below the root prefix (see env.h), read once, parsed by a small
 * static function that fills one part of struct env_info.  Order matters only where one part needs
 * another: identity first (euid is needed for delegation), then user namespace, mountinfo (layout,
 * cgroup2 mount, systemd's mounts), own cgroup, delegation, kernel features, and finally the plan
 * (env_compute_plan, in env-plan.c).  Nothing here writes anywhere or changes process state; the
 * only system calls with an effect are the two probes in probe_*(), which create no lasting state
 * (a pidfd that is closed at once, a clone3 call designed to fail with EBADF).
 *
 * Semantics worth knowing:
 *  - cgroup namespace: /proc/self/ns/cgroup of the initial cgroup namespace always has the inode
 *    number 0xEFFFFFFB (kernel include/linux/proc_ns.h, stable since 4.6).  Comparing with
 *    /proc/1/ns/cgroup is not reliable (PID 1 is ourselves in a pid namespace, and /proc/1 is often
 *    unreadable), so it is not used.
 *  - The root cgroup of a hierarchy has no cgroup.events (nor cgroup.type/kill/freeze); a cgroup
 *    namespace root that is a real subtree has it.  A hierarchy root is never "delegated".
 *  - Delegation (Documentation/admin-guide/cgroup-v2.rst, "Delegation"): the directory and its
 *    cgroup.procs and cgroup.subtree_control are chowned to the delegatee.  We require owner ==
 *    our euid and write access (faccessat AT_EACCESS) on all three, plus a read-write mount.  In a
 *    user namespace, files of unmapped owners show up as the overflow uid (65534, "nobody"). */
#include "env.h"
#include "env-internal.h"
#include "mountinfo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fileio.h"

#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#define ENV_CLONE_INTO_CGROUP 0x200000000ULL
#define ENV_CGROUP_NS_INIT_INO 0xEFFFFFFBULL
#define ENV_PID_NS_INIT_INO 0xEFFFFFFCULL /* PROC_PID_INIT_INO, the same header */
#define ENV_CAP_SYS_ADMIN 21

struct ctx {
        char prefix[ENV_PATH_MAX]; /* "" for "/", otherwise root without trailing slashes */
        bool live;                 /* prefix is the running system: syscall probes allowed */
};

static int ctx_path(const struct ctx *c, const char *path, char *buf, size_t size) {
        int n = snprintf(buf, size, "%s%s", c->prefix, path);

        if (n < 0 || (size_t) n >= size)
                return -ENAMETOOLONG;
        return 0;
}

/* Read a whole (possibly /proc, size 0) file below the prefix into a NUL-terminated heap buffer. */
static int read_text(const struct ctx *c, const char *path, char **ret) {
        char p[ENV_PATH_MAX];
        size_t len = 0, cap = 4096;
        char *buf;
        int fd, r;

        r = ctx_path(c, path, p, sizeof p);
        if (r < 0)
                return r;
        fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        buf = malloc(cap);
        if (!buf) {
                close(fd);
                return -ENOMEM;
        }
        for (;;) {
                ssize_t n;

                if (cap - len < 2) {
                        char *nb;

                        if (cap >= 16u * 1024 * 1024) {
                                r = -EFBIG;
                                break;
                        }
                        nb = realloc(buf, cap * 2);
                        if (!nb) {
                                r = -ENOMEM;
                                break;
                        }
                        buf = nb;
                        cap *= 2;
                }
                n = read(fd, buf + len, cap - len - 1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        r = -errno;
                        break;
                }
                if (n == 0) {
                        r = 0;
                        break;
                }
                len += (size_t) n;
        }
        close(fd);
        if (r < 0) {
                free(buf);
                return r;
        }
        buf[len] = 0;
        *ret = buf;
        return 0;
}

/* First line of a small file, without the newline. */
static int read_line(const struct ctx *c, const char *path, char *out, size_t size) {
        char *text;
        size_t n;
        int r;

        r = read_text(c, path, &text);
        if (r < 0)
                return r;
        n = strcspn(text, "\n");
        if (n >= size)
                n = size - 1;
        memcpy(out, text, n);
        out[n] = 0;
        free(text);
        return 0;
}

static bool exists_at(const struct ctx *c, const char *path) {
        char p[ENV_PATH_MAX];
        struct stat st;

        return ctx_path(c, path, p, sizeof p) == 0 && lstat(p, &st) == 0;
}

void env_format(char *dst, size_t size, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        (void) vsnprintf(dst, size, fmt, ap);
        va_end(ap);
}

void env_copy(char *dst, size_t size, const char *src) {
        size_t n = strlen(src);

        if (n >= size)
                n = size - 1;
        memcpy(dst, src, n);
        dst[n] = 0;
}

/* Join two absolute paths: "/a" + "/b" = "/a/b", "/a" + "/" = "/a", "/" + "/b" = "/b". */
static int path_join(char *out, size_t size, const char *a, const char *b) {
        int n;

        if (strcmp(b, "/") == 0 || b[0] == 0)
                n = snprintf(out, size, "%s", a);
        else if (strcmp(a, "/") == 0)
                n = snprintf(out, size, "%s", b);
        else
                n = snprintf(out, size, "%s%s%s", a, b[0] == '/' ? "" : "/", b);
        if (n < 0 || (size_t) n >= size)
                return -ENAMETOOLONG;
        return 0;
}

/* ---- identity: /proc/self/status ---- */

void env_parse_status(char *text, struct env_info *info) {
        char *save = NULL;
        bool have_nspid = false;

        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                if (strncmp(line, "Uid:", 4) == 0) {
                        unsigned long ruid, euid;

                        if (sscanf(line + 4, "%lu %lu", &ruid, &euid) == 2)
                                info->euid = (uid_t) euid;
                } else if (strncmp(line, "NSpid:", 6) == 0) {
                        /* Last value = pid in our own (innermost) pid namespace. */
                        const char *last = NULL;

                        for (char *p = line + 6; *p; p++)
                                if ((p == line + 6 || p[-1] == ' ' || p[-1] == '\t') && *p >= '0' && *p <= '9')
                                        last = p;
                        if (last) {
                                info->pid = (pid_t) strtol(last, NULL, 10);
                                have_nspid = true;
                        }
                } else if (strncmp(line, "Pid:", 4) == 0 && !have_nspid) {
                        info->pid = (pid_t) strtol(line + 4, NULL, 10);
                } else if (strncmp(line, "CapEff:", 7) == 0) {
                        uint64_t v;

                        if (sscanf(line + 7, "%" SCNx64, &v) == 1) {
                                info->cap_eff = v;
                                info->cap_sys_admin = (v >> ENV_CAP_SYS_ADMIN) & 1 ? ENV_YES : ENV_NO;
                        }
                }
        }
        if (info->pid > 0)
                info->pid1 = info->pid == 1 ? ENV_YES : ENV_NO;
}

static void detect_identity(const struct ctx *c, struct env_info *info) {
        char *text;

        info->euid = geteuid();
        if (read_text(c, "/proc/self/status", &text) < 0)
                return;
        env_parse_status(text, info);
        free(text);
}

/* ---- user namespace ---- */

/* One unsigned decimal after blanks; false at the end of the text or on anything else. sscanf()
 * is not used: glibc's measures the whole remaining string on every call, which made a long map
 * quadratic. */
static bool id_field(const char **p, unsigned long long *ret) {
        unsigned long long v = 0;
        const char *s = *p;
        bool any = false;

        s += strspn(s, " \t\n");
        for (; *s >= '0' && *s <= '9'; s++) {
                v = v > (ULLONG_MAX - 9) / 10 ? ULLONG_MAX : v * 10 + (unsigned long long) (*s - '0');
                any = true;
        }
        *p = s;
        *ret = v;
        return any;
}

int env_parse_id_map(const char *text, struct env_id_extent *map, size_t *n) {
        const char *p = text;

        *n = 0;
        while (*p) {
                unsigned long long in, out, count;

                if (!id_field(&p, &in) || !id_field(&p, &out) || !id_field(&p, &count))
                        break;
                if (*n < ENV_MAP_MAX)
                        map[(*n)++] = (struct env_id_extent) { (uint32_t) in, (uint32_t) out, (uint32_t) count };
                p += strspn(p, " \t\n");
        }
        return 0;
}

static void detect_userns(const struct ctx *c, struct env_info *info) {
        char *text;
        char line[64];

        if (read_text(c, "/proc/self/uid_map", &text) == 0) {
                env_parse_id_map(text, info->uid_map, &info->n_uid_map);
                free(text);
                if (info->n_uid_map == 1 && info->uid_map[0].inside == 0 && info->uid_map[0].outside == 0 &&
                    info->uid_map[0].count == UINT32_MAX)
                        info->userns = ENV_NO;
                else
                        info->userns = ENV_YES;
                info->root_is_host_root = ENV_NO;
                for (size_t i = 0; i < info->n_uid_map; i++)
                        if (info->uid_map[i].inside == 0 && info->uid_map[i].count > 0)
                                info->root_is_host_root = info->uid_map[i].outside == 0 ? ENV_YES : ENV_NO;
        }
        if (read_text(c, "/proc/self/gid_map", &text) == 0) {
                env_parse_id_map(text, info->gid_map, &info->n_gid_map);
                free(text);
        }
        if (read_line(c, "/proc/self/setgroups", line, sizeof line) == 0 &&
            (strcmp(line, "allow") == 0 || strcmp(line, "deny") == 0))
                env_copy(info->setgroups, sizeof info->setgroups, line);
        if (read_line(c, "/proc/sys/kernel/overflowuid", line, sizeof line) == 0)
                info->overflow_uid = (uid_t) strtoul(line, NULL, 10);
}

/* ---- environment: /proc/self/environ (what the runtime passed us at exec) ---- */

void env_parse_environ(const char *env, size_t len, struct env_info *info) {
        for (size_t i = 0; i < len; ) {
                const char *kv = env + i;
                size_t l = strnlen(kv, len - i);

                if (l > 10 && strncmp(kv, "container=", 10) == 0 && l - 10 < sizeof info->container_manager) {
                        memcpy(info->container_manager, kv + 10, l - 10);
                        info->container_manager[l - 10] = 0;
                        env_copy(info->container_manager_source, sizeof info->container_manager_source, "env");
                } else if (l > 24 && strncmp(kv, "KUBERNETES_SERVICE_HOST=", 24) == 0)
                        info->kubernetes = true;
                else if (l == 20 && strncmp(kv, "SDINIT_SYSTEMD=never", 20) == 0)
                        info->handoff_disabled = true;
                i += l + 1;
        }
}

static void detect_container_manager(const struct ctx *c, struct env_info *info) {
        char p[ENV_PATH_MAX];
        char *env = NULL;
        size_t len = 0;
        int fd;

        /* environ is NUL separated, so read it with its length instead of read_text. */
        if (ctx_path(c, "/proc/self/environ", p, sizeof p) == 0 && (fd = open(p, O_RDONLY | O_CLOEXEC)) >= 0) {
                size_t cap = 0;

                for (;;) {
                        ssize_t n;

                        if (cap - len < 1) {
                                char *nb = cap < 4u * 1024 * 1024 ? realloc(env, cap + 8192) : NULL;

                                if (!nb)
                                        break;
                                env = nb;
                                cap += 8192;
                        }
                        n = read(fd, env + len, cap - len);
                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n <= 0)
                                break;
                        len += (size_t) n;
                }
                close(fd);
        }
        env_parse_environ(env, len, info);
        free(env);

        if (info->container_manager[0])
                return;
        if (exists_at(c, "/run/.containerenv")) {
                env_copy(info->container_manager, sizeof info->container_manager, "podman");
                env_copy(info->container_manager_source, sizeof info->container_manager_source, "containerenv");
        } else if (exists_at(c, "/.dockerenv")) {
                env_copy(info->container_manager, sizeof info->container_manager, "docker");
                env_copy(info->container_manager_source, sizeof info->container_manager_source, "dockerenv");
        } else if (info->kubernetes) {
                env_copy(info->container_manager, sizeof info->container_manager, "kubernetes");
                env_copy(info->container_manager_source, sizeof info->container_manager_source, "kubernetes");
        }
}

/* ---- cgroup namespace ---- */

/* ENV_YES when /proc/self/ns/<kind> is not the initial namespace of that kind. */
static enum env_tristate own_namespace(const struct ctx *c, const char *kind, unsigned long long init_ino) {
        char rel[64], p[ENV_PATH_MAX], link[128];
        unsigned long long ino;
        size_t k = strlen(kind);
        ssize_t n;

        snprintf(rel, sizeof rel, "/proc/self/ns/%s", kind);
        if (ctx_path(c, rel, p, sizeof p) < 0)
                return ENV_UNKNOWN;
        n = readlink(p, link, sizeof link - 1);
        if (n < 0)
                return ENV_UNKNOWN;
        link[n] = 0;
        /* "<kind>:[<inode>]" */
        if (strncmp(link, kind, k) != 0 || strncmp(link + k, ":[", 2) != 0 || sscanf(link + k + 2, "%llu]", &ino) != 1)
                return ENV_UNKNOWN;
        return ino == init_ino ? ENV_NO : ENV_YES;
}

static void detect_cgroup_ns(const struct ctx *c, struct env_info *info) {
        info->cgroup_ns = own_namespace(c, "cgroup", ENV_CGROUP_NS_INIT_INO);
        info->pid_ns = own_namespace(c, "pid", ENV_PID_NS_INIT_INO);
}

/* ---- mounts ---- */

static void fill_mount(const struct mountinfo *mi, const char *path, struct env_mount *m) {
        long i = mountinfo_find_visible(mi, path);

        if (i < 0)
                return;
        m->mounted = true;
        env_copy(m->fstype, sizeof m->fstype, mi->entries[i].fstype);
        m->read_only = mount_option_has(mi->entries[i].options, "ro") ||
                       mount_option_has(mi->entries[i].super_options, "ro");
}

/* Which cgroup2 mount describes our cgroup: exactly /sys/fs/cgroup, then below it, then anywhere. */
static int cg2_rank(const char *mountpoint) {
        if (strcmp(mountpoint, "/sys/fs/cgroup") == 0)
                return 2;
        return path_is_under(mountpoint, "/sys/fs/cgroup") ? 1 : 0;
}

static int detect_mounts(const struct ctx *c, struct env_info *info) {
        struct mountinfo mi;
        char *text;
        long cg2 = -1;
        bool v1_all_ro = true;
        int r;

        r = read_text(c, "/proc/self/mountinfo", &text);
        if (r < 0)
                return r;
        r = mountinfo_parse(text, &mi);
        free(text);
        if (r < 0)
                return r;

        for (size_t i = 0; i < mi.n; i++) {
                const struct mountinfo_entry *e = &mi.entries[i];

                if (strcmp(e->fstype, "cgroup2") == 0) {
                        if (!mountinfo_visible(&mi, i))
                                continue;
                        if (cg2 < 0 || cg2_rank(e->mountpoint) > cg2_rank(mi.entries[cg2].mountpoint))
                                cg2 = (long) i;
                } else if (strcmp(e->fstype, "cgroup") == 0 && mountinfo_visible(&mi, i)) {
                        info->n_v1_mounts++;
                        if (!mount_option_has(e->options, "ro") && !mount_option_has(e->super_options, "ro"))
                                v1_all_ro = false;
                }
        }
        if (info->n_v1_mounts > 0)
                info->v1_read_only = v1_all_ro ? ENV_YES : ENV_NO;

        if (cg2 >= 0) {
                const struct mountinfo_entry *e = &mi.entries[cg2];

                env_copy(info->unified_mount, sizeof info->unified_mount, e->mountpoint);
                env_copy(info->unified_mount_root, sizeof info->unified_mount_root, e->root);
                info->read_only = mount_option_has(e->options, "ro") || mount_option_has(e->super_options, "ro")
                                          ? ENV_YES : ENV_NO;
                info->nsdelegate = mount_option_has(e->super_options, "nsdelegate") ? ENV_YES : ENV_NO;
        }
        if (cg2 >= 0 && info->n_v1_mounts == 0)
                info->layout = ENV_LAYOUT_V2;
        else if (cg2 >= 0)
                info->layout = ENV_LAYOUT_HYBRID;
        else if (info->n_v1_mounts > 0)
                info->layout = ENV_LAYOUT_V1;
        else
                info->layout = ENV_LAYOUT_NONE;

        fill_mount(&mi, "/proc", &info->m_proc);
        fill_mount(&mi, "/sys", &info->m_sys);
        fill_mount(&mi, "/dev", &info->m_dev);
        fill_mount(&mi, "/dev/shm", &info->m_dev_shm);
        fill_mount(&mi, "/run", &info->m_run);

        mountinfo_free(&mi);
        return 0;
}

/* ---- own cgroup ---- */

void env_parse_own_cgroup(char *text, char *out, size_t size) {
        char *save = NULL;

        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                if (strncmp(line, "0::", 3) == 0) {
                        env_copy(out, size, line + 3);
                        break;
                }
}

static void detect_own_cgroup(const struct ctx *c, struct env_info *info) {
        char *text;
        const char *rel;
        size_t lr;

        if (read_text(c, "/proc/self/cgroup", &text) < 0)
                return;
        env_parse_own_cgroup(text, info->own_path, sizeof info->own_path);
        free(text);

        if (!info->own_path[0] || !info->unified_mount[0])
                return;
        /* A cgroup outside our cgroup namespace root shows up as "/../..."; the mount shows only
         * the subtree at its root (mountinfo field 4). */
        if (strstr(info->own_path, "/..") || info->own_path[0] != '/')
                return;
        if (strcmp(info->unified_mount_root, "/") == 0)
                rel = info->own_path;
        else if (path_is_under(info->own_path, info->unified_mount_root)) {
                lr = strlen(info->unified_mount_root);
                rel = info->own_path[lr] ? info->own_path + lr : "/";
        } else
                return;
        if (path_join(info->own_dir, sizeof info->own_dir, info->unified_mount, rel) < 0)
                info->own_dir[0] = 0;
}

/* Check one path for ownership and write access; on failure describe it in info->delegation_problem. */
static bool check_delegated_file(const struct ctx *c, struct env_info *info, const char *file, bool *writable) {
        char rel[ENV_PATH_MAX], p[ENV_PATH_MAX];
        struct stat st;

        if (path_join(rel, sizeof rel, info->own_dir, file) < 0 || ctx_path(c, rel, p, sizeof p) < 0) {
                env_copy(info->delegation_problem, sizeof info->delegation_problem, "path too long");
                *writable = false;
                return false;
        }
        if (stat(p, &st) < 0) {
                env_format(info->delegation_problem, sizeof info->delegation_problem, "cannot access %s: %s", rel,
                         strerror(errno));
                *writable = false;
                return false;
        }
        if (faccessat(AT_FDCWD, p, W_OK, AT_EACCESS) < 0) {
                *writable = false;
                if (!info->delegation_problem[0])
                        env_format(info->delegation_problem, sizeof info->delegation_problem,
                                 "%s is not writable: %s", rel, strerror(errno));
        }
        if (st.st_uid != info->euid) {
                if (!info->delegation_problem[0]) {
                        bool nobody = st.st_uid == info->overflow_uid;

                        env_format(info->delegation_problem, sizeof info->delegation_problem,
                                 "%s is owned by uid %u%s, not by us (uid %u)", rel, (unsigned) st.st_uid,
                                 nobody ? " (nobody)" : "", (unsigned) info->euid);
                }
                return false;
        }
        return *writable;
}

static void detect_delegation(const struct ctx *c, struct env_info *info) {
        char p[ENV_PATH_MAX], rel[ENV_PATH_MAX];
        struct stat st;
        bool ok = true, writable = true;
        static const char *const files[] = { "/", "/cgroup.procs", "/cgroup.subtree_control" };

        if (!info->own_dir[0])
                return;
        if (ctx_path(c, info->own_dir, p, sizeof p) < 0 || stat(p, &st) < 0) {
                env_format(info->delegation_problem, sizeof info->delegation_problem, "cannot access %s: %s",
                         info->own_dir, strerror(errno));
                info->delegated = ENV_NO;
                info->writable = ENV_NO;
                return;
        }
        info->owner_uid = (long long) st.st_uid;
        if (path_join(rel, sizeof rel, info->own_dir, "/cgroup.events") == 0)
                info->hierarchy_root = exists_at(c, rel) ? ENV_NO : ENV_YES;

        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
                if (!check_delegated_file(c, info, files[i], &writable))
                        ok = false;
        if (info->read_only == ENV_YES) {
                writable = false;
                ok = false;
        }
        info->writable = writable ? ENV_YES : ENV_NO;
        if (info->hierarchy_root == ENV_YES)
                ok = false;
        info->delegated = ok ? ENV_YES : ENV_NO;

        if (path_join(rel, sizeof rel, info->own_dir, "/cgroup.controllers") == 0)
                (void) read_line(c, rel, info->controllers_available, sizeof info->controllers_available);
        if (path_join(rel, sizeof rel, info->own_dir, "/cgroup.subtree_control") == 0)
                (void) read_line(c, rel, info->controllers_enabled, sizeof info->controllers_enabled);
        if (info->hierarchy_root == ENV_NO && path_join(rel, sizeof rel, info->own_dir, "/cgroup.kill") == 0)
                info->feat_cgroup_kill = exists_at(c, rel) ? ENV_YES : ENV_NO;
}

/* ---- kernel features ---- */

static int kernel_version_at_least(const char *release, int major, int minor) {
        int ma, mi;

        if (sscanf(release, "%d.%d", &ma, &mi) != 2)
                return ENV_UNKNOWN;
        return ma > major || (ma == major && mi >= minor) ? ENV_YES : ENV_NO;
}

static enum env_tristate probe_pidfd(void) {
        long fd = syscall(__NR_pidfd_open, getpid(), 0);

        if (fd >= 0) {
                close((int) fd);
                return ENV_YES;
        }
        return errno == ENOSYS || errno == EPERM ? ENV_NO : ENV_UNKNOWN;
}

/* clone3 with CLONE_INTO_CGROUP and a cgroup fd that cannot be open (INT_MAX): a kernel that knows
 * the flag fails with EBADF when resolving the fd, an older one with EINVAL (unknown flag), a
 * kernel or seccomp filter without clone3 with ENOSYS/EPERM.  It can never create a process;
 * should it ever, the child exits at once and is reaped. */
static enum env_tristate probe_clone_into_cgroup(void) {
        uint64_t args[11] = {}; /* struct clone_args, CLONE_ARGS_SIZE_VER2 = 88 bytes */
        long pid;

        args[0] = ENV_CLONE_INTO_CGROUP;   /* flags */
        args[4] = SIGCHLD;                 /* exit_signal */
        args[10] = (uint64_t) INT_MAX;     /* cgroup */
        pid = syscall(__NR_clone3, args, sizeof args);
        if (pid == 0)
                _exit(0);
        if (pid > 0) {
                (void) waitpid((pid_t) pid, NULL, 0);
                return ENV_YES;
        }
        if (errno == EBADF)
                return ENV_YES;
        if (errno == EINVAL || errno == ENOSYS || errno == EPERM || errno == E2BIG)
                return ENV_NO;
        return ENV_UNKNOWN;
}

static void detect_features(const struct ctx *c, struct env_info *info) {
        if (read_line(c, "/proc/sys/kernel/osrelease", info->kernel_release, sizeof info->kernel_release) < 0 &&
            c->live) {
                struct utsname u;

                if (uname(&u) == 0)
                        env_copy(info->kernel_release, sizeof info->kernel_release, u.release);
        }
        /* cgroup.kill is not shown in a hierarchy's root cgroup: use the version (5.14) there. */
        if (info->feat_cgroup_kill == ENV_UNKNOWN)
                info->feat_cgroup_kill = kernel_version_at_least(info->kernel_release, 5, 14);
        if (c->live) {
                info->feat_pidfd = probe_pidfd();
                info->feat_clone_into_cgroup = probe_clone_into_cgroup();
        } else {
                info->feat_pidfd = kernel_version_at_least(info->kernel_release, 5, 3);
                info->feat_clone_into_cgroup = kernel_version_at_least(info->kernel_release, 5, 7);
        }
}

static void detect_dev_console(const struct ctx *c, struct env_info *info) {
        char p[ENV_PATH_MAX];
        struct stat st;

        info->dev_console = ctx_path(c, "/dev/console", p, sizeof p) == 0 && stat(p, &st) == 0 && S_ISCHR(st.st_mode);
}

static bool usable_executable(const char *p) {
        unsigned char magic[4] = {};
        int fd;
        ssize_t n;

        if (access(p, X_OK) < 0)
                return false;
        fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return false;
        n = read(fd, magic, sizeof magic);
        close(fd);
        return (n == 4 && memcmp(magic, "\177ELF", 4) == 0) || (n >= 2 && magic[0] == '#' && magic[1] == '!');
}

static void detect_systemd(const struct ctx *c, struct env_info *info) {
        static const char *const candidates[] = { "/usr/lib/systemd/systemd", "/lib/systemd/systemd" };
        char p[ENV_PATH_MAX], target[ENV_PATH_MAX];
        ssize_t n;

        info->systemd_binary[0] = '\0';
        info->systemd_usable = ENV_NO;
        for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++)
                if (ctx_path(c, candidates[i], p, sizeof p) == 0 && access(p, F_OK) == 0) {
                        snprintf(info->systemd_binary, sizeof info->systemd_binary, "%s", candidates[i]);
                        info->systemd_usable = usable_executable(p) ? ENV_YES : ENV_NO;
                        return;
                }
        /* /sbin/init -> a systemd somewhere else */
        if (ctx_path(c, "/sbin/init", p, sizeof p) < 0 || (n = readlink(p, target, sizeof target - 1)) <= 0)
                return;
        target[n] = '\0';
        if (!strstr(target, "systemd"))
                return;
        if (target[0] != '/') {
                char abs[ENV_PATH_MAX + 8];
                snprintf(abs, sizeof abs, "/sbin/%s", target);
                snprintf(target, sizeof target, "%.*s", (int) sizeof target - 1, abs);
        }
        snprintf(info->systemd_binary, sizeof info->systemd_binary, "%s", target);
        info->systemd_usable = ctx_path(c, target, p, sizeof p) == 0 && usable_executable(p) ? ENV_YES : ENV_NO;
}

int env_detect(const char *root, struct env_info *ret) {
        struct ctx c = {};
        struct env_info *info;
        struct stat st;
        size_t l;
        int r;

        if (!root || !root[0] || !ret)
                return -EINVAL;
        l = strlen(root);
        while (l > 1 && root[l - 1] == '/')
                l--;
        if (l >= sizeof c.prefix)
                return -EINVAL;
        if (!(l == 1 && root[0] == '/')) {
                memcpy(c.prefix, root, l);
                c.prefix[l] = 0;
        }
        if (stat(root, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return -ENOTDIR;
        if (!c.prefix[0])
                c.live = true;
        else {
                struct stat sr;

                c.live = stat("/", &sr) == 0 && sr.st_dev == st.st_dev && sr.st_ino == st.st_ino;
        }

        /* Work on a heap copy so *ret is untouched on failure. */
        info = calloc(1, sizeof *info);
        if (!info)
                return -ENOMEM;
        *info = (struct env_info) {
                .pid1 = ENV_UNKNOWN,
                .cap_sys_admin = ENV_UNKNOWN,
                .userns = ENV_UNKNOWN,
                .root_is_host_root = ENV_UNKNOWN,
                .overflow_uid = 65534,
                .cgroup_ns = ENV_UNKNOWN,
                .pid_ns = ENV_UNKNOWN,
                .v1_read_only = ENV_UNKNOWN,
                .read_only = ENV_UNKNOWN,
                .nsdelegate = ENV_UNKNOWN,
                .delegated = ENV_UNKNOWN,
                .writable = ENV_UNKNOWN,
                .hierarchy_root = ENV_UNKNOWN,
                .owner_uid = -1,
                .feat_cgroup_kill = ENV_UNKNOWN,
                .feat_clone_into_cgroup = ENV_UNKNOWN,
                .feat_pidfd = ENV_UNKNOWN,
        };

        detect_identity(&c, info);
        detect_userns(&c, info);
        detect_container_manager(&c, info);
        detect_cgroup_ns(&c, info);
        r = detect_mounts(&c, info);
        if (r < 0 && r != -ENOENT && r != -EACCES) {
                free(info);
                return r;
        }
        detect_own_cgroup(&c, info);
        detect_delegation(&c, info);
        detect_features(&c, info);
        detect_dev_console(&c, info);
        detect_systemd(&c, info);
        env_compute_plan(info);

        *ret = *info;
        free(info);
        return 0;
}

int cgroup_probe_writable(const char *cgroup_dir) {
        char p[ENV_PATH_MAX];
        int n;

        if (!cgroup_dir || !cgroup_dir[0])
                return -EINVAL;
        for (unsigned attempt = 0; attempt < 16; attempt++) {
                n = snprintf(p, sizeof p, "%s/sdinit-probe-%d-%u", cgroup_dir, (int) getpid(), attempt);
                if (n < 0 || (size_t) n >= sizeof p)
                        return -ENAMETOOLONG;
                if (mkdir(p, 0755) < 0) {
                        if (errno == EEXIST)
                                continue;
                        return -errno;
                }
                if (rmdir(p) < 0)
                        return -errno;
                return 0;
        }
        return -EEXIST;
}
