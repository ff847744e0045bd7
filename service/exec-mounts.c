/* SPDX-License-Identifier: MIT */
/* The mount table of a service's private mount namespace, after systemd 252's src/core/namespace.c
 * (the rules: which settings add which entries, their priority when two meet on one path, which
 * entries are dropped, and the three rounds: mount, then read-only, then noexec/nosuid flags).
 *
 * The table is built in PID 1 before fork (mount_plan_new: allocation, sorting) and applied in the
 * child (mount_plan_apply: system calls only, on stack buffers). Paths are mounted directly on the
 * service's root (systemd first binds "/" elsewhere and moves it back; the visible table is the
 * same). */
#include "exec-ns-internal.h"

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

/* In priority order: on one path the lower mode wins (systemd's MountMode order). */
typedef enum MountMode {
        M_INACCESSIBLE,
        M_BIND,
        M_BIND_REC,
        M_PRIVATE_TMP,
        M_PRIVATE_DEV,
        M_BIND_DEV,
        M_EMPTY_DIR,
        M_SYSFS,
        M_PROCFS,
        M_READONLY,
        M_READWRITE,
        M_NOEXEC,
        M_EXEC,
        M_TMPFS,
        M_RUN,
        M_MQUEUE,
        M_READWRITE_IMPLICIT,
} MountMode;

typedef struct MEntry {
        const char *path;      /* a table's literal, or our own copy (own_path) */
        char *source;
        char *options;
        unsigned long flags;
        MountMode mode;
        bool ignore, read_only, noexec, exec, has_prefix, own_path;
        bool user;             /* from a path setting (may name a symlink); the tables' are canonical */
        bool submounts;        /* something may be mounted at or below path when it is applied */
        bool absent;           /* (the child's copy) an optional path that is not there: later rounds skip it */
        bool nosuid_done;      /* (the child's copy) nosuid set with its other flags on all it covers */
} MEntry;

struct MountPlan {
        MEntry *e;
        size_t n, cap;
        char *root;            /* RootDirectory=, or NULL */
        const char *proc_opts; /* hidepid=/subset= for a new /proc */
        char proc_buf[64];
        unsigned long propagation;
        bool nosuid, insists;
};

#define TMPFS_LIMITS_EMPTY ",size=4m,nr_inodes=1k"
#define TMPFS_LIMITS_PRIVATE_DEV ",size=4m,nr_inodes=64k"
#define TMPFS_LIMITS_NESTED ",size=10%,nr_inodes=400k"

/* ---- building (PID 1) ---- */

typedef struct StaticEntry {
        const char *path;
        MountMode mode;
        bool ignore;
} StaticEntry;

static const StaticEntry apivfs_table[] = {
        { "/proc", M_PROCFS, false },
        { "/dev", M_BIND_DEV, false },
        { "/sys", M_SYSFS, false },
        { "/run", M_RUN, false },
};
static const StaticEntry kernel_tunables_proc[] = {
        { "/proc/acpi", M_READONLY, true },      { "/proc/apm", M_READONLY, true },
        { "/proc/asound", M_READONLY, true },    { "/proc/bus", M_READONLY, true },
        { "/proc/fs", M_READONLY, true },        { "/proc/irq", M_READONLY, true },
        { "/proc/kallsyms", M_INACCESSIBLE, true }, { "/proc/kcore", M_INACCESSIBLE, true },
        { "/proc/latency_stats", M_READONLY, true }, { "/proc/mtrr", M_READONLY, true },
        { "/proc/scsi", M_READONLY, true },      { "/proc/sys", M_READONLY, true },
        { "/proc/sysrq-trigger", M_READONLY, true }, { "/proc/timer_stats", M_READONLY, true },
};
static const StaticEntry kernel_tunables_sys[] = {
        { "/sys", M_READONLY, false },
        { "/sys/fs/bpf", M_READONLY, true },
        { "/sys/fs/cgroup", M_READWRITE_IMPLICIT, false },
        { "/sys/fs/selinux", M_READWRITE_IMPLICIT, true },
        { "/sys/kernel/debug", M_READONLY, true },
        { "/sys/kernel/tracing", M_READONLY, true },
};
static const StaticEntry kernel_modules[] = { { "/usr/lib/modules", M_INACCESSIBLE, true } };
static const StaticEntry kernel_logs_proc[] = { { "/proc/kmsg", M_INACCESSIBLE, true } };
static const StaticEntry kernel_logs_dev[] = { { "/dev/kmsg", M_INACCESSIBLE, true } };
static const StaticEntry home_read_only[] = {
        { "/home", M_READONLY, true }, { "/run/user", M_READONLY, true }, { "/root", M_READONLY, true },
};
static const StaticEntry home_yes[] = {
        { "/home", M_INACCESSIBLE, true }, { "/run/user", M_INACCESSIBLE, true }, { "/root", M_INACCESSIBLE, true },
};
static const StaticEntry system_yes[] = {
        { "/usr", M_READONLY, false }, { "/boot", M_READONLY, true }, { "/efi", M_READONLY, true },
};
static const StaticEntry system_full[] = {
        { "/usr", M_READONLY, false }, { "/boot", M_READONLY, true }, { "/efi", M_READONLY, true },
        { "/etc", M_READONLY, false },
};
static const StaticEntry system_strict[] = {
        { "/", M_READONLY, false },
        { "/proc", M_READWRITE_IMPLICIT, false },
        { "/sys", M_READWRITE_IMPLICIT, false },
        { "/dev", M_READWRITE_IMPLICIT, false },
        { "/home", M_READWRITE_IMPLICIT, true },
        { "/run/user", M_READWRITE_IMPLICIT, true },
        { "/root", M_READWRITE_IMPLICIT, true },
};

#define N(t) (sizeof(t) / sizeof((t)[0]))

/* One more entry on path: a literal (static storage) is kept as it is, other paths are copied. */
static MEntry *add_entry(MountPlan *p, const char *path, MountMode mode, bool literal) {
        MEntry *e;

        if (p->n == p->cap) {
                size_t cap = p->cap ? p->cap * 2 : 64; /* (redis-server's settings: 43 entries) */
                MEntry *n = realloc(p->e, cap * sizeof(*n));
                if (!n)
                        return NULL;
                p->e = n;
                p->cap = cap;
        }
        e = p->e + p->n;
        *e = (MEntry) { .mode = mode, .path = path, .own_path = !literal };
        if (!literal && !(e->path = strdup(path)))
                return NULL;
        p->n++;
        return e;
}

static MEntry *add(MountPlan *p, const char *path, MountMode mode) {
        return add_entry(p, path, mode, false);
}

/* A path of the tables below or a string literal: no copy (most entries of a hardened unit). */
static MEntry *add_literal(MountPlan *p, const char *path, MountMode mode) {
        return add_entry(p, path, mode, true);
}

static int add_static(MountPlan *p, const StaticEntry *t, size_t n, bool ignore) {
        for (size_t i = 0; i < n; i++) {
                MEntry *e = add_literal(p, t[i].path, t[i].mode);
                if (!e)
                        return -ENOMEM;
                e->ignore = t[i].ignore || ignore;
        }
        return 0;
}

/* ReadWritePaths= and friends: words with '-' (ignore a missing path) and '+' (relative to
 * RootDirectory=) prefixes. */
static int add_access(MountPlan *p, char **words, MountMode mode) {
        for (size_t i = 0; words && words[i]; i++) {
                const char *w = words[i];
                bool ignore = false, plus = false;
                MEntry *e;

                if (*w == '-') {
                        ignore = true;
                        w++;
                }
                if (*w == '+') {
                        plus = true;
                        w++;
                }
                if (*w != '/')
                        continue; /* validated at load time */
                e = add(p, w, mode);
                if (!e)
                        return -ENOMEM;
                e->ignore = ignore;
                e->user = true;
                /* Without RootDirectory= nothing is prefixed; with it, only '+' paths are. */
                e->has_prefix = !plus;
        }
        return 0;
}

/* BindPaths=/BindReadOnlyPaths=: "[-]SRC[:DST[:rbind|norbind]]". */
static int add_binds(MountPlan *p, char **words, bool ro) {
        for (size_t i = 0; words && words[i]; i++) {
                char buf[8192], *src = buf, *dst, *opt;
                bool ignore = false, rec = true;
                MEntry *e;

                snprintf(buf, sizeof(buf), "%s", words[i]);
                if (*src == '-') {
                        ignore = true;
                        src++;
                }
                dst = strchr(src, ':');
                if (dst) {
                        *dst++ = '\0';
                        opt = strchr(dst, ':');
                        if (opt) {
                                *opt++ = '\0';
                                if (strcmp(opt, "norbind") == 0)
                                        rec = false;
                        }
                } else
                        dst = src;
                if (*src != '/' || *dst != '/')
                        continue;
                if (strcmp(src, dst) != 0)
                        p->insists = true;
                e = add(p, dst, rec ? M_BIND_REC : M_BIND);
                if (!e || !(e->source = strdup(src)))
                        return -ENOMEM;
                e->read_only = ro;
                e->ignore = ignore;
                e->user = true;
        }
        return 0;
}

/* TemporaryFileSystem=: "PATH[:OPTIONS]", mode=0755 and systemd's size limits first. */
static int add_tmpfs(MountPlan *p, char **words) {
        for (size_t i = 0; words && words[i]; i++) {
                char path[4096], opts[4096] = "mode=0755" TMPFS_LIMITS_NESTED;
                const char *colon = strchr(words[i], ':');
                unsigned long flags = MS_NODEV | MS_STRICTATIME;
                bool ro = false;
                MEntry *e;

                snprintf(path, sizeof(path), "%.*s", colon ? (int) (colon - words[i]) : (int) strlen(words[i]), words[i]);
                if (path[0] != '/')
                        continue;
                /* The flag options become mount flags, the rest tmpfs options. */
                for (const char *o = colon ? colon + 1 : ""; *o;) {
                        size_t k = strcspn(o, ",");
                        char w[256];
                        snprintf(w, sizeof(w), "%.*s", (int) k, o);
                        if (strcmp(w, "ro") == 0)
                                ro = true;
                        else if (strcmp(w, "rw") == 0)
                                ro = false;
                        else if (strcmp(w, "nosuid") == 0)
                                flags |= MS_NOSUID;
                        else if (strcmp(w, "suid") == 0)
                                flags &= ~(unsigned long) MS_NOSUID;
                        else if (strcmp(w, "noexec") == 0)
                                flags |= MS_NOEXEC;
                        else if (strcmp(w, "exec") == 0)
                                flags &= ~(unsigned long) MS_NOEXEC;
                        else if (strcmp(w, "nodev") == 0)
                                flags |= MS_NODEV;
                        else if (strcmp(w, "dev") == 0)
                                flags &= ~(unsigned long) MS_NODEV;
                        else if (*w) {
                                size_t l = strlen(opts);
                                snprintf(opts + l, sizeof(opts) - l, ",%s", w);
                        }
                        o += k + (o[k] == ',');
                }
                e = add(p, path, M_TMPFS);
                if (!e || !(e->options = strdup(opts)))
                        return -ENOMEM;
                e->flags = flags;
                e->read_only = ro;
                e->user = true;
                p->insists = true;
        }
        return 0;
}

/* Component-wise path order: a prefix sorts before what lies below it ("/a" < "/a/b" < "/a-b"). */
static int path_cmp(const char *a, const char *b) {
        for (;;) {
                size_t ka, kb;
                int d;

                while (*a == '/')
                        a++;
                while (*b == '/')
                        b++;
                if (!*a || !*b)
                        return (*a != '\0') - (*b != '\0');
                ka = strcspn(a, "/");
                kb = strcspn(b, "/");
                d = strncmp(a, b, ka < kb ? ka : kb);
                if (d)
                        return d;
                if (ka != kb)
                        return ka < kb ? -1 : 1;
                a += ka;
                b += kb;
        }
}

/* b lies at or below a. */
static bool path_under(const char *b, const char *a) {
        size_t n = strlen(a);

        while (n > 1 && a[n - 1] == '/')
                n--;
        if (n == 1 && a[0] == '/')
                return b[0] == '/';
        return strncmp(b, a, n) == 0 && (b[n] == '\0' || b[n] == '/');
}

static int entry_cmp(const void *x, const void *y) {
        const MEntry *a = x, *b = y;
        int d = path_cmp(a->path, b->path);
        return d ? d : (int) a->mode - (int) b->mode;
}

static bool entry_ro(const MEntry *e) {
        return e->read_only || e->mode == M_READONLY || e->mode == M_INACCESSIBLE;
}

static bool entry_noexec(const MEntry *e) {
        return e->noexec || e->mode == M_NOEXEC || e->mode == M_INACCESSIBLE || e->mode == M_SYSFS || e->mode == M_PROCFS;
}

static void entry_done(MEntry *e) {
        if (e->own_path)
                free((char *) e->path);
        free(e->source);
        free(e->options);
}

static void normalize(MountPlan *p) {
        size_t t = 0;
        const char *clear = NULL;

        qsort(p->e, p->n, sizeof(MEntry), entry_cmp);
        /* Duplicates: the first (most restrictive) wins and takes the others' flags. */
        for (size_t f = 0; f < p->n; f++) {
                if (t > 0 && path_cmp(p->e[f].path, p->e[t - 1].path) == 0) {
                        MEntry *prev = p->e + t - 1;
                        prev->read_only = prev->read_only || entry_ro(p->e + f);
                        prev->noexec = prev->noexec || entry_noexec(p->e + f);
                        prev->exec = prev->exec || p->e[f].exec || p->e[f].mode == M_EXEC;
                        entry_done(p->e + f);
                        continue;
                }
                p->e[t++] = p->e[f];
        }
        p->n = t;
        /* Outside RootDirectory=. */
        if (p->root) {
                t = 0;
                for (size_t f = 0; f < p->n; f++) {
                        if (!path_under(p->e[f].path, p->root)) {
                                entry_done(p->e + f);
                                continue;
                        }
                        p->e[t++] = p->e[f];
                }
                p->n = t;
        }
        /* Below an inaccessible path. */
        t = 0;
        for (size_t f = 0; f < p->n; f++) {
                if (clear && path_under(p->e[f].path, clear)) {
                        entry_done(p->e + f);
                        continue;
                }
                p->e[t] = p->e[f];
                clear = p->e[t].mode == M_INACCESSIBLE ? p->e[t].path : NULL;
                t++;
        }
        p->n = t;
        /* Redundant: read-only/read-write below the nearest parent entry of the same mode. */
        t = 0;
        for (size_t f = 0; f < p->n; f++) {
                MountMode m = p->e[f].mode;
                if (m == M_READONLY || m == M_READWRITE || m == M_READWRITE_IMPLICIT) {
                        size_t k = t;
                        while (k > 0 && !path_under(p->e[f].path, p->e[k - 1].path))
                                k--;
                        if (k > 0 && p->e[k - 1].mode == m) {
                                entry_done(p->e + f);
                                continue;
                        }
                }
                p->e[t++] = p->e[f];
        }
        p->n = t;
}

static int prefix_paths(MountPlan *p) {
        if (!p->root)
                return 0;
        for (size_t i = 0; i < p->n; i++) {
                char *s;
                if (p->e[i].has_prefix)
                        continue;
                if (asprintf(&s, "%s%s", p->root, strcmp(p->e[i].path, "/") == 0 ? "" : p->e[i].path) < 0)
                        return -ENOMEM;
                if (p->e[i].own_path)
                        free((char *) p->e[i].path);
                p->e[i].path = s;
                p->e[i].own_path = true;
                p->e[i].has_prefix = true;
        }
        return 0;
}

void mount_plan_free(MountPlan *p) {
        if (!p)
                return;
        for (size_t i = 0; i < p->n; i++)
                entry_done(p->e + i);
        free(p->e);
        free(p->root);
        free(p);
}

static void mark_submounts(MountPlan *p);

MountPlan *mount_plan_new(const Unit *u, const ExecSandbox *c, bool sandbox, const char *tmp, const char *var_tmp,
                          const char *unit_id) {
        const ExecSettings *x = unit_exec(u);
        MountPlan *p = calloc(1, sizeof(*p));
        bool apivfs = c->mount_apivfs >= 0 ? c->mount_apivfs > 0 : x->root_directory != NULL;
        bool ignore_proc = c->proc_subset_pid;
        char path[4096];
        MEntry *e;
        int r = 0;

        if (!p)
                return NULL;
        p->propagation = c->mount_flags ? c->mount_flags : MS_SHARED;
        if (x->root_directory && strcmp(x->root_directory, "/") != 0) {
                p->root = strdup(x->root_directory);
                if (!p->root)
                        goto fail;
                p->insists = true;
        }
        if (!sandbox) {
                /* '+' commands: only what rearranges the file system, no protection. */
                if (add_access(p, c->rw, M_READWRITE) < 0 || add_binds(p, c->bind, false) < 0 ||
                    add_binds(p, c->bind_ro, true) < 0 || add_tmpfs(p, c->tmpfs) < 0)
                        goto fail;
                goto common;
        }
        p->nosuid = x->no_new_privileges > 0;
        if (add_access(p, c->rw, M_READWRITE) < 0 || add_access(p, c->ro, M_READONLY) < 0 ||
            add_access(p, c->inaccessible, M_INACCESSIBLE) < 0 || add_access(p, c->exec, M_EXEC) < 0 ||
            add_access(p, c->noexec, M_NOEXEC) < 0 || add_binds(p, c->bind, false) < 0 ||
            add_binds(p, c->bind_ro, true) < 0 || add_tmpfs(p, c->tmpfs) < 0)
                goto fail;
        if (tmp) {
                snprintf(path, sizeof(path), "%s/tmp", tmp);
                if (!(e = add_literal(p, "/tmp", M_PRIVATE_TMP)) || !(e->source = strdup(path)))
                        goto fail;
        }
        if (var_tmp) {
                snprintf(path, sizeof(path), "%s/tmp", var_tmp);
                if (!(e = add_literal(p, "/var/tmp", M_PRIVATE_TMP)) || !(e->source = strdup(path)))
                        goto fail;
        }
        if (c->private_devices) {
                if (!(e = add_literal(p, "/dev", M_PRIVATE_DEV)))
                        goto fail;
                e->flags = MS_NOSUID | MS_STRICTATIME | MS_NOEXEC;
        }
        if (c->protect_kernel_tunables)
                r |= add_static(p, kernel_tunables_proc, N(kernel_tunables_proc), ignore_proc) |
                     add_static(p, kernel_tunables_sys, N(kernel_tunables_sys), false);
        if (c->protect_kernel_modules)
                r |= add_static(p, kernel_modules, N(kernel_modules), false);
        if (c->protect_kernel_logs)
                r |= add_static(p, kernel_logs_proc, N(kernel_logs_proc), ignore_proc) |
                     add_static(p, kernel_logs_dev, N(kernel_logs_dev), false);
        if (c->protect_control_groups && !add_literal(p, "/sys/fs/cgroup", M_READONLY))
                goto fail;
        if (r < 0)
                goto fail;
        switch (c->protect_home) {
        case UNIT_PROTECT_HOME_YES:
                r = add_static(p, home_yes, N(home_yes), false);
                break;
        case UNIT_PROTECT_HOME_READ_ONLY:
                r = add_static(p, home_read_only, N(home_read_only), false);
                break;
        case UNIT_PROTECT_HOME_TMPFS: {
                /* systemd 252's table says read-only, mode=0755/0700 and nodev, but its
                 * append_static_mounts() copies path, mode and ignore only: what it mounts (the
                 * oracle) is a plain read-write tmpfs. Same here. */
                static const StaticEntry home_tmpfs[] = {
                        { "/home", M_TMPFS, true }, { "/run/user", M_TMPFS, true }, { "/root", M_TMPFS, true },
                };
                r = add_static(p, home_tmpfs, N(home_tmpfs), false);
                break;
        }
        }
        if (r < 0)
                goto fail;
        switch (c->protect_system) {
        case UNIT_PROTECT_SYSTEM_YES:
                r = add_static(p, system_yes, N(system_yes), false);
                break;
        case UNIT_PROTECT_SYSTEM_FULL:
                r = add_static(p, system_full, N(system_full), false);
                break;
        case UNIT_PROTECT_SYSTEM_STRICT:
                r = add_static(p, system_strict, N(system_strict), false);
                break;
        }
        if (r < 0)
                goto fail;
        /* ProtectControlGroups=, ProtectKernelTunables=, ProtectProc=, ProcSubset= imply MountAPIVFS=. */
        if (apivfs || c->protect_control_groups || c->protect_kernel_tunables || c->protect_proc != PROTECT_PROC_DEFAULT ||
            c->proc_subset_pid) {
                /* (/run: a plain tmpfs where none is mounted; systemd 252 drops the table's
                 * options the same way as for ProtectHome=tmpfs.) */
                if (add_static(p, apivfs_table, N(apivfs_table), false) < 0)
                        goto fail;
        }
        if (c->protect_hostname) {
                if (!(e = add_literal(p, "/proc/sys/kernel/hostname", M_READONLY)))
                        goto fail;
                e->ignore = ignore_proc;
                if (!(e = add_literal(p, "/proc/sys/kernel/domainname", M_READONLY)))
                        goto fail;
                e->ignore = ignore_proc;
        }
        if (c->private_ipc || c->ipcns_path) {
                if (!(e = add_literal(p, "/dev/mqueue", M_MQUEUE)))
                        goto fail;
                e->flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME;
        }
common:
        /* The credentials tree: the unit's own directory read-only on an empty tmpfs, or nothing. */
        snprintf(path, sizeof(path), "/run/credentials/%s", unit_id);
        if (access(path, F_OK) == 0) {
                if (!(e = add_literal(p, "/run/credentials", M_TMPFS)) || !(e->options = strdup("mode=0755" TMPFS_LIMITS_EMPTY)))
                        goto fail;
                e->read_only = true;
                e->flags = MS_NODEV | MS_STRICTATIME | MS_NOSUID | MS_NOEXEC;
                if (!(e = add(p, path, M_BIND)) || !(e->source = strdup(path)))
                        goto fail;
                e->read_only = true;
        } else {
                if (!(e = add_literal(p, "/run/credentials", M_INACCESSIBLE)))
                        goto fail;
                e->ignore = true;
        }
        /* systemd's /run/systemd/incoming: where it propagates mounts into the service later. */
        snprintf(path, sizeof(path), "/run/systemd/propagate/%s", unit_id);
        if (!(e = add_literal(p, "/run/systemd/incoming", M_BIND)) || !(e->source = strdup(path)))
                goto fail;
        e->read_only = true;
        /* (one mkdir(2) when the unit's directory exists or only it is missing) */
        r = mkdir(path, 0600) == 0 ? 1 : errno == ENOENT ? -1 : 0;
        if (r < 0) {
                mkdir("/run/systemd", 0755);
                mkdir("/run/systemd/propagate", 0755);
                mkdir(path, 0600);
        }
        if (r != 0)
                mkdir("/run/systemd/incoming", 0755);
        r = 0;

        if (sandbox && (c->protect_proc != PROTECT_PROC_DEFAULT || c->proc_subset_pid)) {
                static const char *const hp[] = { "off", "noaccess", "invisible", "ptraceable" };
                snprintf(p->proc_buf, sizeof(p->proc_buf), "hidepid=%s%s", hp[c->protect_proc],
                         c->proc_subset_pid ? ",subset=pid" : "");
                p->proc_opts = p->proc_buf;
        }
        if (prefix_paths(p) < 0)
                goto fail;
        /* Symlinks in a path are resolved first (/lib is /usr/lib on Debian 12): the entry then
         * sorts and merges where it really lies, as systemd's follow_symlink() has it. */
        if (!p->root)
                for (size_t i = 0; i < p->n; i++) {
                        char *rp = p->e[i].user ? realpath(p->e[i].path, NULL) : NULL;
                        if (rp && strcmp(rp, p->e[i].path) != 0) {
                                if (p->e[i].own_path)
                                        free((char *) p->e[i].path);
                                p->e[i].path = rp;
                                p->e[i].own_path = true;
                        } else
                                free(rp);
                }
        normalize(p);
        mark_submounts(p);
        return p;
fail:
        mount_plan_free(p);
        return NULL;
}

/* PID 1's mount points (NUL-terminated, one after the other), read from /proc/self/mountinfo again
 * only when the kernel says that the table has changed (POLLPRI on the open file): not at every
 * start. escaped: a mount point with an escaped character (spaces ...): be conservative. */
static struct {
        int fd;
        char *mp;
        size_t len, cap;
        bool escaped, valid;
} pid1_table = { .fd = -1 };

static int pid1_table_refresh(void) {
        struct pollfd pfd;
        char buf[16384], line[8192];
        size_t ln = 0;
        ssize_t k;

        if (pid1_table.fd < 0 && (pid1_table.fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
                return -errno;
        pfd = (struct pollfd) { .fd = pid1_table.fd, .events = POLLPRI };
        if (poll(&pfd, 1, 0) < 0)
                return -errno;
        if (pid1_table.valid && !(pfd.revents & (POLLPRI | POLLERR)))
                return 0;
        pid1_table.valid = pid1_table.escaped = false;
        pid1_table.len = 0;
        if (lseek(pid1_table.fd, 0, SEEK_SET) < 0)
                return -errno;
        /* line by line: "id parent maj:min root MOUNTPOINT ..." */
        while ((k = read(pid1_table.fd, buf, sizeof(buf))) > 0)
                for (ssize_t i = 0; i < k; i++) {
                        char *mp = line, *end;
                        size_t n;
                        if (buf[i] != '\n') {
                                if (ln + 1 < sizeof(line))
                                        line[ln++] = buf[i];
                                continue;
                        }
                        line[ln] = '\0';
                        ln = 0;
                        for (int f = 0; f < 4 && mp; f++)
                                mp = strchr(mp, ' ') ? strchr(mp, ' ') + 1 : NULL;
                        if (!mp || !(end = strchr(mp, ' ')))
                                continue;
                        *end = '\0';
                        if (strchr(mp, '\\'))
                                pid1_table.escaped = true;
                        n = strlen(mp) + 1;
                        if (pid1_table.len + n > pid1_table.cap) {
                                size_t cap = (pid1_table.len + n) * 2;
                                char *m = realloc(pid1_table.mp, cap);
                                if (!m)
                                        return -ENOMEM;
                                pid1_table.mp = m;
                                pid1_table.cap = cap;
                        }
                        memcpy(pid1_table.mp + pid1_table.len, mp, n);
                        pid1_table.len += n;
                }
        if (k < 0)
                return -errno;
        pid1_table.valid = true;
        return 0;
}

/* Which entries need a look at the mount table when applied (to unmount what lies below them):
 * those with a mount of PID 1's at or below their path, or below an earlier entry that brings
 * mounts along (the table is sorted: nothing mounted later lies below an entry applied before).
 * One look at PID 1's table here saves one read per entry in the child. */
static void mark_submounts(MountPlan *p) {
        if (pid1_table_refresh() < 0 || pid1_table.escaped) {
                for (size_t i = 0; i < p->n; i++)
                        p->e[i].submounts = true;
                return;
        }
        /* Entry by entry (its path's length taken once), up to the first mount at or below it. */
        for (size_t i = 0; i < p->n; i++) {
                const char *a = p->e[i].path;
                size_t n = strlen(a);

                while (n > 1 && a[n - 1] == '/')
                        n--;
                if (n == 1 && a[0] == '/') {
                        p->e[i].submounts = pid1_table.len > 0;
                        continue;
                }
                for (size_t o = 0; o < pid1_table.len && !p->e[i].submounts;) {
                        const char *b = pid1_table.mp + o;
                        size_t k = strlen(b);
                        if (k >= n && memcmp(b, a, n) == 0 && (b[n] == '\0' || b[n] == '/'))
                                p->e[i].submounts = true;
                        o += k + 1;
                }
        }
        for (size_t i = 0; i < p->n; i++) {
                MountMode m = p->e[i].mode;
                /* Recursive binds from elsewhere bring their source's mounts along (a procfs too,
                 * where a new one is refused and /proc is bound). The other modes bring nothing
                 * below their path: a fresh tmpfs or mqueue, a non-recursive bind, the read-only
                 * and read-write binds of a path onto itself (the same mounts, already counted). */
                if (!(m == M_SYSFS || m == M_BIND_DEV || m == M_BIND_REC || m == M_PRIVATE_DEV || m == M_PROCFS))
                        continue;
                p->e[i].submounts = true;
                for (size_t j = i + 1; j < p->n; j++)
                        if (path_under(p->e[j].path, p->e[i].path))
                                p->e[j].submounts = true;
        }
}

bool mount_plan_insists(const MountPlan *p) {
        return p->insists;
}

void mount_make_inaccessible_nodes(void) {
        static bool done;
        mode_t old;

        if (done)
                return;
        done = true;
        old = umask(0);
        mkdir("/run/systemd", 0755);
        mkdir("/run/systemd/inaccessible", 0755);
        mkdir("/run/credentials", 0755); /* as systemd's PID 1 has it (the sandbox masks it) */
        mkdir("/run/systemd/inaccessible/dir", 0);
        mknod("/run/systemd/inaccessible/reg", S_IFREG, 0);
        mknod("/run/systemd/inaccessible/fifo", S_IFIFO, 0);
        mknod("/run/systemd/inaccessible/sock", S_IFSOCK, 0);
        /* Likely refused in a user namespace: a masked device node then gets the socket node. */
        mknod("/run/systemd/inaccessible/chr", S_IFCHR, makedev(0, 0));
        mknod("/run/systemd/inaccessible/blk", S_IFBLK, makedev(0, 0));
        umask(old);
}

/* ---- applying (the child, no allocation) ---- */

/* The child's reads of its own mount table, one per mount_plan_apply() (on the child's stack):
 * /proc/self/mountinfo kept open, and its text as last read. The text goes into memory mapped at
 * the first read, a system call and not the allocator (the child allocates nothing), unmapped at
 * the end of the apply; most applies never read it (PID 1's table stands in, pid1_view()). */
#define MI_BUF_SIZE (1 << 20)
typedef struct ChildTable {
        int fd;
        bool fresh; /* buf holds the current table (the read-only rounds change no mount point) */
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
                if (path_under(mp, path) && n < sizeof(starts) / sizeof(starts[0]))
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

        if (!path_under(mp, e->path) || strcmp(mp, e->path) == 0)
                return 0;
        /* the entries below e follow it in the sorted table */
        for (size_t i = (size_t) (e - p->e) + 1; i < p->n && path_under(p->e[i].path, e->path); i++)
                if (path_under(mp, p->e[i].path))
                        return 0;
        r = mount_setattr_one(mp, set, clr, false);
        return r < 0 && r != -ENOENT && r != -EINVAL && r != -EACCES ? r : 0;
}

/* Whether the mounts below entry e in the child's table are PID 1's as read when the plan was made
 * (the namespace is a copy of it), apart from what the plan's own entries below e mounted: no
 * entry at or above e has brought a tree from elsewhere (a recursive bind of another path, the
 * private /dev), no RootDirectory=. Then PID 1's table stands in for a read of the child's. */
static bool pid1_view(const MountPlan *p, const MEntry *e) {
        if (p->root || !pid1_table.valid || pid1_table.escaped)
                return false;
        for (const MEntry *o = p->e; o <= e; o++)
                if ((o->mode == M_BIND_REC || o->mode == M_PRIVATE_DEV) && path_under(e->path, o->path))
                        return false;
        return true;
}

/* Sets attributes on path and the mounts below it, except those at or below another entry of the
 * plan (they get their own flags). Mount by mount, by path, as systemd does: a mount below another
 * one stacked on top keeps its flags (one recursive mount_setattr(2) would change those too, and
 * /proc/PID/mountinfo would show it: the delegated cgroup2 over the host's /sys/fs/cgroup). */
static int setattr_tree(const MountPlan *p, ChildTable *t, const MEntry *e, unsigned long set, unsigned long clr,
                        bool submounts) {
        char mp[4096];
        size_t pos = 0;
        int r;

        r = mount_setattr_one(e->path, set, clr, false);
        if (r < 0)
                return r;
        /* Below an entry without PID 1 mounts under it, whatever is mounted has its own entry (or
         * lies below one): nothing else to flip, no need to look. */
        if (!submounts || !e->submounts)
                return 0;
        if (pid1_view(p, e)) {
                for (size_t o = 0; o < pid1_table.len; o += strlen(pid1_table.mp + o) + 1)
                        if ((r = setattr_below(p, e, pid1_table.mp + o, set, clr)) < 0)
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

/* A bind target of the source's kind (directory or file) where the destination is missing. */
static int bind_make(const char *src, const char *dst, bool rec) {
        struct stat st;
        int r = bind(src, dst, rec);

        if (r != -ENOENT || stat(src, &st) < 0)
                return r;
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
        return bind(src, dst, rec);
}

/* Unmounts what PID 1 has mounted at and below path, from its table as read when the plan was
 * made (the child's namespace is a copy of it), the last mounted first: for PrivateDevices='s /dev,
 * where no earlier entry of the plan lies above path (nothing else can have been mounted there
 * yet), without reading the child's own table. Returns false when the child's table must be read:
 * PID 1's is unknown or has escaped characters. */
static bool umount_pid1_mounts(const MountPlan *p, const MEntry *e) {
        size_t starts[256], n = 0;

        if (p->root || !pid1_table.valid || pid1_table.escaped)
                return false;
        for (const MEntry *o = p->e; o < e; o++)
                if (path_under(e->path, o->path))
                        return false;
        for (size_t o = 0; o < pid1_table.len; o += strlen(pid1_table.mp + o) + 1)
                if (path_under(pid1_table.mp + o, e->path)) {
                        if (n == N(starts))
                                return false;
                        starts[n++] = o;
                }
        while (n-- > 0)
                (void) umount2(pid1_table.mp + starts[n], MNT_DETACH | UMOUNT_NOFOLLOW);
        return true;
}

static int private_dev(const MountPlan *p, ChildTable *t, const MEntry *e) {
        static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
        static const char *const links[][2] = {
                { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" }, { "/proc/self/fd/1", "stdout" },
                { "/proc/self/fd/2", "stderr" },
        };
        char tmp[] = "/tmp/namespace-dev-XXXXXX", dev[64], b[128], src[64];
        bool no_mknod = false, have_char = false, have_block = false;
        struct stat st;
        int r;

        if (!mkdtemp(tmp))
                return -errno;
        snprintf(dev, sizeof(dev), "%s/dev", tmp);
        mkdir(dev, 0755);
        if (mount("tmpfs", dev, "tmpfs", e->flags, "mode=755" TMPFS_LIMITS_PRIVATE_DEV) < 0) {
                r = -errno;
                goto fail;
        }
        snprintf(b, sizeof(b), "%s/pts", dev);
        mkdir(b, 0755);
        if ((r = bind("/dev/pts", b, false)) < 0)
                goto fail;
        snprintf(b, sizeof(b), "%s/ptmx", dev);
        if (lstat("/dev/ptmx", &st) == 0 && S_ISLNK(st.st_mode))
                r = symlink("pts/ptmx", b) < 0 ? -errno : 0;
        else if (mknod(b, S_IFCHR | 0666, makedev(5, 2)) < 0) {
                int fd = open(b, O_CREAT | O_WRONLY | O_CLOEXEC, 0);
                if (fd >= 0)
                        close(fd);
                r = bind("/dev/ptmx", b, false);
        }
        if (r < 0)
                goto fail;
        snprintf(b, sizeof(b), "%s/shm", dev);
        mkdir(b, 0755);
        if ((r = bind("/dev/shm", b, false)) < 0)
                goto fail;
        snprintf(b, sizeof(b), "%s/mqueue", dev);
        mkdir(b, 0755);
        (void) bind("/dev/mqueue", b, false);
        snprintf(b, sizeof(b), "%s/hugepages", dev);
        mkdir(b, 0755);
        (void) bind("/dev/hugepages", b, false);
        snprintf(b, sizeof(b), "%s/log", dev);
        (void) !symlink("/run/systemd/journal/dev-log", b);
        for (size_t i = 0; i < N(nodes); i++) {
                snprintf(src, sizeof(src), "/dev/%s", nodes[i]);
                if (stat(src, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
                        continue;
                snprintf(b, sizeof(b), "%s/%s", dev, nodes[i]);
                if (no_mknod || mknod(b, st.st_mode, st.st_rdev) < 0) {
                        /* No CAP_MKNOD (a user namespace): bind the node over an empty file (and
                         * no more device nodes are tried). */
                        no_mknod = no_mknod || errno == EPERM;
                        if (mknod(b, S_IFREG, 0) < 0 && errno != EEXIST) {
                                r = -errno;
                                goto fail;
                        }
                        if ((r = bind(src, b, false)) < 0)
                                goto fail;
                }
                /* /dev/char/MAJ:MIN -> ../NAME, as udev would have it. */
                snprintf(b, sizeof(b), "%s/%s", dev, S_ISCHR(st.st_mode) ? "char" : "block");
                if (!(S_ISCHR(st.st_mode) ? have_char : have_block)) {
                        mkdir(b, 0755);
                        *(S_ISCHR(st.st_mode) ? &have_char : &have_block) = true;
                }
                snprintf(b, sizeof(b), "%s/%s/%u:%u", dev, S_ISCHR(st.st_mode) ? "char" : "block", major(st.st_rdev),
                         minor(st.st_rdev));
                snprintf(src, sizeof(src), "../%s", nodes[i]);
                (void) !symlink(src, b);
        }
        for (size_t i = 0; i < N(links); i++) {
                snprintf(b, sizeof(b), "%s/%s", dev, links[i][1]);
                (void) !symlink(links[i][0], b);
        }
        mkdir_p(e->path, 0755);
        if (!umount_pid1_mounts(p, e))
                umount_recursive(t, e->path);
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
        for (MEntry *j = e + 1; j < p->e + p->n && path_under(j->path, e->path); j++) {
                bool brought = false;
                for (const MEntry *k = e + 1; k < j && !brought; k++)
                        brought = path_under(j->path, k->path) && (k->mode == M_SYSFS || k->mode == M_BIND_DEV || k->mode == M_BIND_REC ||
                                                                    k->mode == M_PRIVATE_DEV || k->mode == M_PROCFS);
                if (!brought)
                        j->submounts = false;
        }
}

static int mount_proc(const MountPlan *p, MEntry *e) {
        int r;

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
                /* Without a mount at or below it (mark_submounts()), it is no mount point: no look. */
                r = e->submounts ? is_mount_point(e->path) : 0;
                if (r == 0)
                        r = bind(e->path, e->path, true);
                if (r == -ENOENT && e->ignore)
                        return absent(e);
                return r < 0 ? r : 0;
        case M_BIND:
        case M_BIND_REC:
        case M_PRIVATE_TMP: {
                char src[4096];
                if (!realpath(e->source, src))
                        return errno == ENOENT && e->ignore ? absent(e) : -errno;
                return bind_make(src, e->path, e->mode == M_BIND_REC);
        }
        case M_EMPTY_DIR:
        case M_TMPFS:
                return mount_tmpfs_at(t, e);
        case M_PRIVATE_DEV:
                return private_dev(p, t, e);
        case M_BIND_DEV:
        case M_SYSFS:
                mkdir_p(e->path, 0755);
                r = is_mount_point(e->path);
                if (r < 0)
                        return r;
                return r > 0 ? 0 : bind(e->mode == M_SYSFS ? "/sys" : "/dev", e->path, true);
        case M_PROCFS:
                return mount_proc(p, e);
        case M_RUN:
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
                MountMode m = p->e[i].mode;
                if (path_under("/proc", p->e[i].path) &&
                    !(m == M_PROCFS || m == M_READONLY || m == M_READWRITE || m == M_READWRITE_IMPLICIT || m == M_EXEC ||
                      m == M_NOEXEC))
                        return true;
        }
        return false;
}

static int apply_plan(const MountPlan *p, ChildTable *t, const char **error_path) {
        int r;

        *error_path = NULL;
        if (unshare(CLONE_NEWNS) < 0) {
                r = -errno;
                return r == -EPERM || r == -EACCES || r == -EOPNOTSUPP || r == -ENOSYS ? -ENOANO : r;
        }
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return -errno;
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
                        if ((covered && path_under(e->path, covered)) || e->absent)
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
