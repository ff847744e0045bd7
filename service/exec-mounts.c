/* SPDX-License-Identifier: MIT */
/* The mount table of a service's private mount namespace, after systemd 252's src/core/namespace.c
 * (the rules: which settings add which entries, their priority when two meet on one path, which
 * entries are dropped, and the three rounds: mount, then read-only, then noexec/nosuid flags).
 *
 * The table is built in PID 1 before fork (mount_plan_new: allocation, sorting) and applied in the
 * child (mount_plan_apply: system calls only, on stack buffers). Paths are mounted directly on the
 * service's root (systemd first binds "/" elsewhere and moves it back; the visible table is the
 * same). */
#include "exec-mounts-plan.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "units/unit-values.h"
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
        *e = (MEntry) { .mode = mode, .path = path, .own_path = !literal, .src_fd = -1 };
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
                while (*a == '/')
                        a++;
                while (*b == '/')
                        b++;
                if (!*a || !*b)
                        return (*a != '\0') - (*b != '\0');
                /* one component of each, byte by byte (qsort's ~250 calls per plan: not two
                 * strcspn() and a strncmp() per component); the one that ends first sorts first */
                for (;; a++, b++) {
                        bool ea = !*a || *a == '/', eb = !*b || *b == '/';
                        if (ea || eb) {
                                if (ea != eb)
                                        return ea ? -1 : 1;
                                break;
                        }
                        if (*a != *b)
                                return (unsigned char) *a < (unsigned char) *b ? -1 : 1;
                }
        }
}

static int entry_cmp(const void *x, const void *y) {
        const MEntry *a = x, *b = y;
        int d = path_cmp(a->path, b->path);
        return d ? d : (int) a->mode - (int) b->mode;
}

bool mode_flags_only(MountMode m) {
        return m == M_READONLY || m == M_READWRITE || m == M_READWRITE_IMPLICIT || m == M_EXEC || m == M_NOEXEC;
}

bool entry_ro(const MEntry *e) {
        return e->read_only || e->mode == M_READONLY || e->mode == M_INACCESSIBLE;
}

bool entry_noexec(const MEntry *e) {
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
                        if (!path_is_under(p->e[f].path, p->root)) {
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
                if (clear && path_is_under(p->e[f].path, clear)) {
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
                        while (k > 0 && !path_is_under(p->e[f].path, p->e[k - 1].path))
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


static bool incoming_made;

static void dev_ns_refresh(void);

/* Whether entry o mounts nothing in the first round: it only sets flags, or is an API mount, on a
 * path where PID 1 has a mount already (then nothing is bound there). */
static bool mounts_nothing(const MountPlan *p, const MEntry *o) {
        return (mode_flags_only(o->mode) || o->mode == M_RUN || o->mode == M_BIND_DEV || o->mode == M_SYSFS) && !p->root &&
               pid1_mounts()->valid && !pid1_mounts()->escaped && pid1_mount_point(o->path);
}

/* Whether the tree at path (a bind source) differs, once the entries before e are applied, from
 * what it was: it lies at or below one that changes what is there, or (a recursive bind) one that
 * mounts something lies below it. */
static bool source_changed(const MountPlan *p, const MEntry *e, const char *path) {
        for (const MEntry *o = p->e; o < e; o++) {
                if (path_is_under(path, o->path) && !mode_flags_only(o->mode) && !mounts_nothing(p, o))
                        return true;
                if (e->mode == M_BIND_REC && path_is_under(o->path, path) && strcmp(o->path, path) != 0 && !mounts_nothing(p, o))
                        return true;
        }
        return false;
}

/* The sources of binds. systemd applies the table in a copy of the root (/run/systemd/unit-root) and
 * binds each source from the tree as it was; here the table is applied in place, so a source that
 * the entries before it change is marked: the child clones it before its first mount (src_early).
 * And what PrivateDevices='s shared /dev (dev_ns) cannot serve: a source at, below or above /dev
 * (the copy's /dev is not the one the source names), or an entry below /dev that would make a name
 * there (in the one tmpfs all those services share). */
static void mark_sources(MountPlan *p) {
        for (size_t i = 0; i < p->n; i++) {
                MEntry *e = p->e + i;
                char *rp = NULL;

                if (path_is_under(e->path, "/dev") && strcmp(e->path, "/dev") != 0 && !mode_flags_only(e->mode) &&
                    e->mode != M_INACCESSIBLE && e->mode != M_MQUEUE)
                        p->dev_shared = false;
                if (!e->source)
                        continue;
                /* (a path setting's source may be a symbolic link: where it is and where it leads
                 * both count) */
                if (e->user)
                        rp = realpath(e->source, NULL);
                /* With RootDirectory=, systemd binds from the live tree (no unit-root copy): as here. */
                e->src_early = !p->root && (source_changed(p, e, e->source) || (rp && source_changed(p, e, rp)));
                if (path_is_under(e->source, "/dev") || path_is_under("/dev", e->source) ||
                    (rp && (path_is_under(rp, "/dev") || path_is_under("/dev", rp))))
                        p->dev_shared = false;
                free(rp);
        }
}

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
        p->own_userns = c->private_users; /* (conservative for '+' commands too) */
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
                /* Read-only, and never writable again for a service that can never hold
                 * CAP_SYS_ADMIN (its bounding set): one tmpfs may serve all of those (dev_ns), with
                 * no service able to change what another one sees there. */
                p->dev_shared = !p->root && !p->own_userns && x->capability_bounding_set.set &&
                                !(x->capability_bounding_set.mask & (UINT64_C(1) << CAP_SYS_ADMIN));
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
        /* (one mkdir(2) when the unit's directory exists or only it is missing; the mount point
         * once, and again when /run/systemd/propagate was missing; a child that finds it missing
         * makes it, as for every bind target) */
        r = mkdir(path, 0600) == 0 ? 1 : errno == ENOENT ? -1 : 0;
        if (r < 0) {
                mkdir("/run/systemd", 0755);
                mkdir("/run/systemd/propagate", 0755);
                mkdir(path, 0600);
        }
        if (r < 0 || (r > 0 && !incoming_made)) {
                mkdir("/run/systemd/incoming", 0755);
                incoming_made = true;
        }
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
        mark_sources(p);
        if (p->dev_shared)
                dev_ns_refresh();
        return p;
fail:
        mount_plan_free(p);
        return NULL;
}

/* PID 1's mount points (NUL-terminated, one after the other), read from /proc/self/mountinfo again
 * only when the kernel says that the table has changed (POLLPRI on the open file): not at every
 * start. escaped: a mount point with an escaped character (spaces ...): be conservative. */
static Pid1Mounts pid1_table = { .fd = -1, .dev_ns = -1, .dev_ns_sock = { -1, -1 } };

const Pid1Mounts *pid1_mounts(void) {
        return &pid1_table;
}

bool pid1_mount_point(const char *path) {
        for (size_t o = 0; o < pid1_table.len; o += strlen(pid1_table.mp + o) + 1)
                if (strcmp(pid1_table.mp + o, path) == 0)
                        return true;
        return false;
}

static void dev_ns_close(void) {
        if (pid1_table.dev_ns >= 0) {
                close(pid1_table.dev_ns);
                pid1_table.dev_ns = -1;
        }
}

/* The table read again: its 24 KB of buffers in a frame of their own, not in the one of
 * pid1_table_refresh(), which runs at every sandboxed start (each stack page PID 1 writes after a
 * fork is a copy-on-write fault). */
static int __attribute__((noinline)) pid1_table_read(void) {
        char buf[16384], line[8192];
        size_t ln = 0;
        ssize_t k;

        pid1_table.valid = pid1_table.escaped = false;
        pid1_table.len = 0;
        pid1_table.gen++; /* (what the children learnt of the old table no longer holds) */
        dev_ns_close(); /* (nor the namespace made from it) */
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

/* Where PID 1's mounts do not propagate (a runtime's rprivate), the held namespace keeps what PID 1
 * unmounts alive, with no process in it: a change of PID 1's table closes it (a new generation)
 * right away, not at the next sandboxed start. Watched only while one is held. */
static sd_event *pid1_event;
static sd_event_source *pid1_table_watch, *dev_ns_sock_watch;
static int pid1_table_watch_fd = -1;

void mount_plan_set_event(sd_event *event) {
        pid1_event = event;
}

/* A change of PID 1's table while it holds dev_ns: closed now, and the table read again at the next
 * plan. (On a file of its own: the kernel clears a change for the open file that is polled, and
 * pid1_table_refresh() polls pid1_table.fd.) */
static int on_pid1_table_changed(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        (void) fd;
        (void) revents;
        (void) userdata;
        dev_ns_close();
        pid1_table.valid = false;
        (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
        return 0;
}

static void dev_ns_watch(void) {
        if (!pid1_event)
                return;
        if (pid1_table_watch) {
                (void) sd_event_source_set_enabled(pid1_table_watch, SD_EVENT_ON);
                return;
        }
        if ((pid1_table_watch_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
                return;
        if (sd_event_add_io(pid1_event, &pid1_table_watch, pid1_table_watch_fd, EPOLLPRI, on_pid1_table_changed, NULL) < 0) {
                pid1_table_watch = NULL;
                close(pid1_table_watch_fd);
                pid1_table_watch_fd = -1;
        }
}

/* What the children sent: the namespace of the table's current generation is kept (and watched),
 * the others are closed. Bounded: one claim per generation, and the socket's buffer. */
static void dev_ns_receive(void) {
        unsigned long g;
        int fd;

        while ((fd = ns_fd_recv(pid1_table.dev_ns_sock[0], &g)) >= 0 || fd == -EBADMSG) {
                if (fd < 0)
                        continue;
                if (pid1_table.valid && !pid1_table.escaped && g == pid1_table.gen && pid1_table.dev_ns < 0) {
                        pid1_table.dev_ns = fd;
                        pid1_table.dev_ns_gen = g;
                        dev_ns_watch();
                } else
                        close(fd);
        }
}

/* (at once, not at the next plan: a namespace left in the socket would keep what PID 1 unmounts
 * alive, unwatched) */
static int on_dev_ns_sent(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        (void) s;
        (void) fd;
        (void) revents;
        (void) userdata;
        dev_ns_receive();
        return 0;
}

/* PID 1's half of dev_ns, at a plan that may use it: the socket (once, watched), and what is in it. */
static void dev_ns_refresh(void) {
        if (!pid1_table.valid || pid1_table.escaped)
                return;
        if (pid1_table.dev_ns_sock[0] < 0) {
                if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pid1_table.dev_ns_sock) < 0) {
                        pid1_table.dev_ns_sock[0] = pid1_table.dev_ns_sock[1] = -1;
                        return;
                }
                if (pid1_event && sd_event_add_io(pid1_event, &dev_ns_sock_watch, pid1_table.dev_ns_sock[0], EPOLLIN,
                                                  on_dev_ns_sent, NULL) < 0)
                        dev_ns_sock_watch = NULL;
        }
        if (!dev_ns_sock_watch) /* (else the event loop receives) */
                dev_ns_receive();
}

static int pid1_table_refresh(void) {
        struct pollfd pfd;

        if (pid1_table.fd < 0 && (pid1_table.fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC)) < 0)
                return -errno;
        if (!pid1_table.learnt) {
                /* (once; without it the children only learn nothing) */
                void *m = mmap(NULL, sizeof(Pid1Learnt), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
                if (m != MAP_FAILED)
                        pid1_table.learnt = m;
        }
        pfd = (struct pollfd) { .fd = pid1_table.fd, .events = POLLPRI };
        if (poll(&pfd, 1, 0) < 0)
                return -errno;
        if (pid1_table.valid && !(pfd.revents & (POLLPRI | POLLERR)))
                return 0;
        return pid1_table_read();
}

/* Which entries need a look at the mount table when applied (to unmount what lies below them):
 * those with a mount of PID 1's at or below their path, or below an earlier entry that brings
 * mounts along (the table is sorted: nothing mounted later lies below an entry applied before).
 * One look at PID 1's table here saves one read per entry in the child. */
void mark_submounts(MountPlan *p) {
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
                        if (path_is_under(p->e[j].path, p->e[i].path))
                                p->e[j].submounts = true;
        }
}

bool mount_plan_insists(const MountPlan *p) {
        return p->insists;
}

void mount_make_inaccessible_nodes(bool in_userns) {
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
        /* Likely refused in a user namespace: a masked device node then gets the socket node. (A
         * character node 0:0 is a whiteout, which a user namespace may make.) */
        mknod("/run/systemd/inaccessible/chr", S_IFCHR, makedev(0, 0));
        if (mknod("/run/systemd/inaccessible/blk", S_IFBLK, makedev(0, 0)) < 0 && errno == EPERM && in_userns)
                /* No CAP_MKNOD in the initial user namespace, which no process here can get: the
                 * children's mknod(2) of a device node fails too (PrivateDevices= binds them
                 * without trying). In the initial one, a device cgroup may refuse some only. */
                pid1_table.mknod_denied = true;
        umask(old);
}
