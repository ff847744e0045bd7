/* SPDX-License-Identifier: MIT */
/* DynamicUser= (see dynamic-user.h). The rules are systemd 252's (src/core/dynamic-user.c,
 * src/core/unit.c user_from_unit_name(), src/core/execute.c setup_exec_directory()): the range, the
 * hash keys, the lock files and symlinks are facts of that interface, so that tools reading them
 * (nss-systemd, dbus-daemon) and a later hand-over see the same thing. */
#include "service/dynamic-user.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "service/dynamic-userdb.h"
#include "service/exec-caps.h"
#include "service/exec-seccomp.h"
#include "service/spawn.h"

#define DYN_DIR "/run/systemd/dynamic-uid"
#define ETC_PASSWD_LOCK "/etc/.pwd.lock"

/* ---- SipHash-2-4 ---- */

static uint64_t rotl(uint64_t x, int b) {
        return (x << b) | (x >> (64 - b));
}

static uint64_t le64(const uint8_t *p) {
        uint64_t v = 0;
        for (int i = 7; i >= 0; i--)
                v = (v << 8) | p[i];
        return v;
}

#define SIPROUND                                                                            \
        do {                                                                                \
                v0 += v1, v1 = rotl(v1, 13), v1 ^= v0, v0 = rotl(v0, 32);                   \
                v2 += v3, v3 = rotl(v3, 16), v3 ^= v2;                                      \
                v0 += v3, v3 = rotl(v3, 21), v3 ^= v0;                                      \
                v2 += v1, v1 = rotl(v1, 17), v1 ^= v2, v2 = rotl(v2, 32);                   \
        } while (0)

uint64_t dynamic_user_siphash24(const void *in, size_t len, const uint8_t key[16]) {
        const uint8_t *p = in;
        uint64_t k0 = le64(key), k1 = le64(key + 8);
        uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
        uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
        uint64_t b = (uint64_t) len << 56;
        size_t n = len & ~(size_t) 7;

        for (size_t i = 0; i < n; i += 8) {
                uint64_t m = le64(p + i);
                v3 ^= m;
                SIPROUND;
                SIPROUND;
                v0 ^= m;
        }
        for (size_t i = 0; i < (len & 7); i++)
                b |= (uint64_t) p[n + i] << (8 * i);
        v3 ^= b;
        SIPROUND;
        SIPROUND;
        v0 ^= b;
        v2 ^= 0xff;
        SIPROUND;
        SIPROUND;
        SIPROUND;
        SIPROUND;
        return v0 ^ v1 ^ v2 ^ v3;
}

/* ---- names ---- */

/* valid_user_group_name(n, 0): systemd's strict rules. */
static bool valid_user_name(const char *n, size_t len) {
        if (len == 0 || len > 31)
                return false;
        if (!((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z') || n[0] == '_'))
                return false;
        for (size_t i = 1; i < len; i++)
                if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= 'A' && n[i] <= 'Z') || (n[i] >= '0' && n[i] <= '9') ||
                      n[i] == '_' || n[i] == '-'))
                        return false;
        return true;
}

int dynamic_user_name_for_unit(const char *unit_id, char *buf, size_t size) {
        static const uint8_t key[16] = { 0x58, 0x1a, 0xaf, 0xe6, 0x28, 0x58, 0x4e, 0x96,
                                         0xb4, 0x4e, 0xf5, 0x3b, 0x8c, 0x92, 0x07, 0xec };
        const char *at = strchr(unit_id, '@'), *dot = strrchr(unit_id, '.');
        size_t len = at ? (size_t) (at - unit_id) : dot ? (size_t) (dot - unit_id) : strlen(unit_id);
        int n;

        if (valid_user_name(unit_id, len))
                n = snprintf(buf, size, "%.*s", (int) len, unit_id);
        else
                n = snprintf(buf, size, "_du%016llx", (unsigned long long) dynamic_user_siphash24(unit_id, len, key));
        return n < 0 || (size_t) n >= size ? -ENAMETOOLONG : 0;
}

bool dynamic_user_enabled(const Unit *u) {
        return unit_exec(u)->effective.dynamic_user;
}

/* ---- the held users: one entry per name, with the units holding it (the Manager's
 * dyn_users; the number of entries is bounded by the number of DynamicUser= units) ---- */

struct DynUser {
        struct DynUser *next;
        char *name;
        uid_t uid;
        int lock_fd;  /* -1: a static user of that name, nothing to release */
        MUnit **holders;
        size_t n_holders;
};

static void uid_symlinks(uid_t uid, const char *name, bool make) {
        char p1[128], p2[512], target[32];

        snprintf(p1, sizeof(p1), DYN_DIR "/direct:%u", (unsigned) uid);
        snprintf(p2, sizeof(p2), DYN_DIR "/direct:%s", name);
        snprintf(target, sizeof(target), "%u", (unsigned) uid);
        (void) unlink(p1);
        (void) unlink(p2);
        if (make) {
                (void) !symlink(name, p1);
                (void) !symlink(target, p2);
        }
}

static void unlink_lock(uid_t uid, const char *name) {
        char p[128];

        snprintf(p, sizeof(p), DYN_DIR "/%u", (unsigned) uid);
        (void) unlink(p);
        uid_symlinks(uid, name, false);
}

uid_t dynamic_user_hashed_uid(const char *name) {
        static const uint8_t key[16] = { 0x37, 0x53, 0x7e, 0x31, 0xcf, 0xce, 0x48, 0xf5,
                                         0x8a, 0xbb, 0x39, 0x57, 0x8d, 0xd9, 0xec, 0x59 };
        /* UID_CLAMP_INTO_RANGE(): truncated to uid_t first, then reduced */
        return (uid_t) dynamic_user_siphash24(name, strlen(name), key) % (DYNAMIC_UID_MAX - DYNAMIC_UID_MIN + 1) +
               DYNAMIC_UID_MIN;
}

/* pick_uid(): the owner of a suggested path, the hashed name, then random candidates; 100 tries.
 * Returns the locked fd or -errno. */
static int pick_uid(char *const *suggested, const char *name, uid_t *ret) {
        enum { SUGGESTED, HASHED, RANDOM } phase = SUGGESTED;
        size_t next_suggested = 0;

        (void) mkdir("/run/systemd", 0755);
        (void) mkdir(DYN_DIR, 0755);
        for (int tries = 1; tries < 100; tries++) {
                char path[128];
                uid_t cand;
                int fd;

                if (phase == SUGGESTED) {
                        struct stat st;
                        if (!suggested || !suggested[next_suggested]) {
                                phase = HASHED;
                                tries--;
                                continue;
                        }
                        if (stat(suggested[next_suggested++], &st) < 0)
                                continue;
                        cand = st.st_uid;
                } else if (phase == HASHED) {
                        cand = dynamic_user_hashed_uid(name);
                        phase = RANDOM;
                } else {
                        uint32_t rnd = 0;
                        if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
                                rnd = (uint32_t) rand();
                        cand = (uid_t) (rnd % (DYNAMIC_UID_MAX - DYNAMIC_UID_MIN + 1)) + DYNAMIC_UID_MIN;
                }
                if (cand < DYNAMIC_UID_MIN || cand > DYNAMIC_UID_MAX)
                        continue;
                snprintf(path, sizeof(path), DYN_DIR "/%u", (unsigned) cand);
                for (;;) {
                        struct stat st;
                        fd = open(path, O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
                        if (fd < 0)
                                return -errno;
                        if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
                                int e = errno;
                                close(fd);
                                if (e == EWOULDBLOCK || e == EBUSY) {
                                        fd = -1;
                                        break; /* in use */
                                }
                                return -e;
                        }
                        if (fstat(fd, &st) < 0) {
                                int e = errno;
                                close(fd);
                                return -e;
                        }
                        if (st.st_nlink > 0)
                                break;
                        close(fd); /* unlinked between open and lock: again */
                }
                if (fd < 0)
                        continue;
                if (getpwuid(cand) || getgrgid((gid_t) cand)) { /* a static user or group has it */
                        (void) unlink(path);
                        close(fd);
                        continue;
                }
                {
                        size_t l = strlen(name);
                        char *line = malloc(l + 2);
                        ssize_t w;
                        if (!line) {
                                (void) unlink(path);
                                close(fd);
                                return -ENOMEM;
                        }
                        memcpy(line, name, l);
                        line[l] = '\n';
                        w = pwrite(fd, line, l + 1, 0);
                        free(line);
                        if (w < 0) {
                                int e = errno;
                                (void) unlink(path);
                                close(fd);
                                return -e;
                        }
                        (void) !ftruncate(fd, w);
                }
                uid_symlinks(cand, name, true);
                *ret = cand;
                return fd;
        }
        return -EBUSY;
}

static DynUser *find_user(const Manager *m, const char *name) {
        for (DynUser *d = m->dyn_users; d; d = d->next)
                if (strcmp(d->name, name) == 0)
                        return d;
        return NULL;
}

static bool holds(const DynUser *d, const MUnit *u) {
        for (size_t i = 0; i < d->n_holders; i++)
                if (d->holders[i] == u)
                        return true;
        return false;
}

/* The private directories a previous run left, whose owner is the best candidate. */
static char **suggested_paths(const Unit *unit) {
        char **dirs[] = { unit_exec(unit)->state_directory, unit_exec(unit)->cache_directory, unit_exec(unit)->logs_directory };
        const char *bases[] = { "/var/lib/private", "/var/cache/private", "/var/log/private" };
        size_t n = 0, k = 0;
        char **l;

        for (size_t t = 0; t < 3; t++)
                for (size_t i = 0; dirs[t] && dirs[t][i]; i++)
                        n++;
        l = calloc(n + 1, sizeof(char *));
        if (!l)
                return NULL;
        for (size_t t = 0; t < 3; t++)
                for (size_t i = 0; dirs[t] && dirs[t][i]; i++)
                        if (asprintf(&l[k], "%s/%s", bases[t], dirs[t][i]) >= 0)
                                k++;
        return l;
}

/* One name (user or group) for unit u: an entry held by u. is_user: static users are looked up
 * by user name (a group of the name without the user is refused), otherwise by group name. */
/* The lock useradd & co. take (lckpwdf()), held while a new name is looked up and allocated, as
 * systemd 252's dynamic_user_realize() does: a read-only /etc is fine (no user can be added there),
 * any other error to create it fails the start (217/USER). systemd waits for the lock in the
 * service's child; PID 1 never waits: if another process holds it, the name is allocated without
 * it, with a warning. Returns the locked fd, -1 for "without", or -errno. */
static int take_passwd_lock(MUnit *u) {
        struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
        int fd = open(ETC_PASSWD_LOCK, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);

        if (fd < 0) {
                if (errno == EROFS)
                        return -1;
                return -errno;
        }
        if (fcntl(fd, F_SETLK, &fl) < 0) {
                int e = errno;
                close(fd);
                if (e != EAGAIN && e != EACCES)
                        return -e;
                manager_log(u->m, MLOG_WARN, "%s: %s is held by another process; allocating the dynamic user without it",
                            u->id, ETC_PASSWD_LOCK);
                return -1;
        }
        return fd;
}

static int acquire_name(MUnit *u, const char *name, bool is_user, uid_t *ret, gid_t *ret_gid) {
        DynUser *d = find_user(u->m, name);
        MUnit **h;

        if (!d) {
                uid_t num = (uid_t) -1;
                gid_t gid = (gid_t) -1;
                int fd = -1, r = 0;
                char *end;
                unsigned long v = strtoul(name, &end, 10);
                int lock = take_passwd_lock(u);

                if (lock < -1)
                        return lock;
                if (*name && !*end)
                        num = (uid_t) v;
                else if (is_user) {
                        struct passwd *pw = getpwnam(name);
                        if (pw) {
                                num = pw->pw_uid;
                                gid = pw->pw_gid;
                        } else if (getgrnam(name))
                                r = -EILSEQ;
                } else {
                        struct group *gr = getgrnam(name);
                        if (gr)
                                num = gr->gr_gid;
                        else if (getpwnam(name))
                                r = -EILSEQ;
                }
                if (r == 0 && num == (uid_t) -1) {
                        char **sug = suggested_paths(u->u);
                        fd = pick_uid(sug, name, &num);
                        for (size_t i = 0; sug && sug[i]; i++)
                                free(sug[i]);
                        free(sug);
                        if (fd < 0)
                                r = fd;
                }
                if (lock >= 0)
                        close(lock);
                if (r < 0)
                        return r;
                d = calloc(1, sizeof(*d));
                if (!d || !(d->name = strdup(name))) {
                        free(d);
                        if (fd >= 0) {
                                unlink_lock(num, name);
                                close(fd);
                        }
                        return -ENOMEM;
                }
                d->uid = num;
                d->lock_fd = fd;
                d->next = u->m->dyn_users;
                u->m->dyn_users = d;
                if (gid != (gid_t) -1 && ret_gid)
                        *ret_gid = gid;
        }
        if (!holds(d, u)) {
                h = realloc(d->holders, (d->n_holders + 1) * sizeof(*h));
                if (!h)
                        return -ENOMEM;
                d->holders = h;
                d->holders[d->n_holders++] = u;
        }
        *ret = d->uid;
        return 0;
}

const void *dynamic_user_next(void *manager, const void *cursor, const char **ret_name, uid_t *ret_uid) {
        const Manager *m = manager;
        const DynUser *d = cursor ? ((const DynUser *) cursor)->next : m->dyn_users;

        while (d && d->lock_fd < 0) /* a static user of that name: not ours to report */
                d = d->next;
        if (d) {
                *ret_name = d->name;
                *ret_uid = d->uid;
        }
        return d;
}

int dynamic_user_acquire(MUnit *u, uid_t *ret_uid, gid_t *ret_gid, char **ret_name) {
        const ExecSettings *e = unit_exec(u->u);
        char name[64];
        uid_t uid, g;
        gid_t gid = (gid_t) -1, static_gid = (gid_t) -1;
        int r;

        {
                int k = dynamic_userdb_start(&u->m->userdb, u->m->event, dynamic_user_next, u->m);
                if (k < 0) /* the names do not resolve in the image; the service runs all the same */
                        manager_log(u->m, MLOG_WARN, "%s: cannot serve dynamic users on " "/run/systemd/userdb: %s", u->id, strerror(-k));
        }
        if (e->user)
                snprintf(name, sizeof(name), "%s", e->user);
        else if (dynamic_user_name_for_unit(u->id, name, sizeof(name)) < 0)
                return EXIT_USER;
        r = acquire_name(u, name, true, &uid, &static_gid);
        if (r >= 0 && e->group && strcmp(e->group, name) != 0) {
                r = acquire_name(u, e->group, false, &g, NULL);
                gid = (gid_t) g;
        } else if (r >= 0) {
                struct passwd *pw = uid < DYNAMIC_UID_MIN || uid > DYNAMIC_UID_MAX ? getpwuid(uid) : NULL;
                gid = static_gid != (gid_t) -1 ? static_gid : pw ? pw->pw_gid : (gid_t) uid;
        }
        if (r < 0) {
                if (r == -EILSEQ)
                        manager_log(u->m, MLOG_ERR, "%s: Failed to update dynamic user credentials: User or group with specified name already exists.", u->id);
                else /* systemd's words; the lock file's errors name it */
                        manager_log(u->m, MLOG_ERR, "%s: Failed to update dynamic user credentials: %s%s", u->id, strerror(-r),
                                    r == -EACCES || r == -EPERM || r == -ENOENT ? " (" ETC_PASSWD_LOCK " or " DYN_DIR ")" : "");
                dynamic_user_release(u);
                return EXIT_USER;
        }
        *ret_uid = uid;
        *ret_gid = gid;
        if (ret_name)
                *ret_name = strdup(name);
        return 0;
}

void dynamic_user_release(MUnit *u) {
        for (DynUser **pp = &u->m->dyn_users; *pp;) {
                DynUser *d = *pp;
                for (size_t i = 0; i < d->n_holders; i++)
                        if (d->holders[i] == u) {
                                d->holders[i] = d->holders[--d->n_holders];
                                break;
                        }
                if (d->n_holders > 0) {
                        pp = &d->next;
                        continue;
                }
                *pp = d->next;
                if (d->lock_fd >= 0) {
                        unlink_lock(d->uid, d->name);
                        close(d->lock_fd);
                }
                free(d->holders);
                free(d->name);
                free(d);
        }
}

void dynamic_user_free_all(Manager *m) {
        m->userdb = dynamic_userdb_free(m->userdb);
        while (m->dyn_users) {
                DynUser *d = m->dyn_users;
                m->dyn_users = d->next;
                if (d->lock_fd >= 0)
                        close(d->lock_fd); /* (the lock file stays, as when PID 1 exits) */
                free(d->holders);
                free(d->name);
                free(d);
        }
}

/* ---- directories ---- */

static int mkdir_parents(const char *path, mode_t mode) {
        char buf[4096];

        if (snprintf(buf, sizeof(buf), "%s", path) >= (int) sizeof(buf))
                return -ENAMETOOLONG;
        for (char *p = buf + 1; *p; p++)
                if (*p == '/') {
                        *p = '\0';
                        if (mkdir(buf, mode) < 0 && errno != EEXIST)
                                return -errno;
                        *p = '/';
                }
        return 0;
}

/* One entry of the tree (not followed if a symlink): no set-user/group-ID files for a dynamic uid
 * (path_chown_recursive's mask 01777). */
static int chown_entry(int dfd, const char *name, const struct stat *st, uid_t uid, gid_t gid) {
        if (fchownat(dfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (!S_ISLNK(st->st_mode) && (st->st_mode & 06000) && fchmodat(dfd, name, st->st_mode & 01777, 0) < 0)
                return -errno;
        return 0;
}

/* What lies below the open directory fd (taken over), depth first, as systemd's
 * chown_recursive_internal() walks it: symlinks are not followed, an unreadable directory is
 * left as it is. Returns 0 or -errno. */
static int chown_below(int fd, uid_t uid, gid_t gid) {
        DIR *d = fdopendir(fd);
        struct dirent *de;
        int r = 0;

        if (!d) {
                r = -errno;
                close(fd);
                return r;
        }
        while (r == 0 && (de = readdir(d))) {
                struct stat st;
                int sub;

                if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        r = -errno;
                        break;
                }
                r = chown_entry(dirfd(d), de->d_name, &st, uid, gid);
                if (r < 0 || !S_ISDIR(st.st_mode))
                        continue;
                sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub < 0)
                        r = errno == EACCES ? 0 : -errno;
                else
                        r = chown_below(sub, uid, gid);
        }
        closedir(d);
        return r;
}

int dynamic_user_make_directory(const char *base, const char *rel, mode_t mode, uid_t uid, gid_t gid) {
        char priv[4096], pp[4096], p[4096], target[4096];
        struct stat st;
        size_t depth = 0, n = 0;
        int r;

        if (snprintf(priv, sizeof(priv), "%s/private", base) >= (int) sizeof(priv) ||
            snprintf(pp, sizeof(pp), "%s/%s", priv, rel) >= (int) sizeof(pp) ||
            snprintf(p, sizeof(p), "%s/%s", base, rel) >= (int) sizeof(p))
                return -ENAMETOOLONG;
        if ((r = mkdir_parents(p, 0755)) < 0)
                return r;
        if (mkdir(priv, 0700) < 0 && errno != EEXIST)
                return -errno;
        if ((r = mkdir_parents(pp, 0755)) < 0)
                return r;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && access(pp, F_OK) < 0 && errno == ENOENT) {
                /* the service had DynamicUser= off before: its directory moves into private/ */
                if (rename(p, pp) < 0)
                        return -errno;
        } else if (mkdir(pp, mode) < 0 && errno != EEXIST)
                return -errno;
        /* BASE/REL -> "private/REL", relative to REL's parent */
        for (const char *c = rel; *c; c++)
                depth += *c == '/';
        for (size_t i = 0; i < depth && n + 3 < sizeof(target); i++)
                n += (size_t) snprintf(target + n, sizeof(target) - n, "../");
        snprintf(target + n, sizeof(target) - n, "private/%s", rel);
        if (symlink(target, p) < 0) {
                char cur[4096];
                ssize_t l;
                if (errno != EEXIST)
                        return -errno;
                l = readlink(p, cur, sizeof(cur) - 1);
                if (l < 0)
                        return -EEXIST;
                cur[l] = '\0';
                if (strcmp(cur, target) != 0 && strcmp(cur, pp) != 0)
                        return -EEXIST;
        }
        if (chmod(pp, mode) < 0)
                return -errno;
        if (stat(pp, &st) < 0)
                return -errno;
        if (st.st_uid != uid || st.st_gid != gid) {
                int fd;
                if ((r = chown_entry(AT_FDCWD, pp, &st, uid, gid)) < 0)
                        return r;
                fd = open(pp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return errno == EACCES ? 0 : -errno;
                if ((r = chown_below(fd, uid, gid)) < 0)
                        return r;
        }
        return 0;
}

/* ---- the child's view ---- */

int dynamic_user_child_mounts(const Unit *u) {
        const ExecSettings *e = unit_exec(u);
        struct {
                char **dirs;
                const char *base;
        } kinds[] = {
                { e->state_directory, "/var/lib" },
                { e->cache_directory, "/var/cache" },
                { e->logs_directory, "/var/log" },
                { e->runtime_directory_preserve > 0 ? e->runtime_directory : NULL, "/run" },
        };
        bool any = false;

        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
                if (kinds[k].dirs && kinds[k].dirs[0])
                        any = true;
        if (!any)
                return 0;
        if (unshare(CLONE_NEWNS) < 0)
                return -errno;
        if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                return -errno;
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
                char priv[4096];
                int fds[64];
                size_t n = 0;

                if (!kinds[k].dirs || !kinds[k].dirs[0])
                        continue;
                snprintf(priv, sizeof(priv), "%s/private", kinds[k].base);
                for (size_t i = 0; kinds[k].dirs[i] && n < 64; i++) {
                        char path[8192];
                        snprintf(path, sizeof(path), "%s/%s", priv, kinds[k].dirs[i]);
                        if ((fds[n] = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                                return -errno;
                        n++;
                }
                if (mount("tmpfs", priv, "tmpfs", MS_NODEV | MS_NOSUID | MS_NOEXEC, "mode=0755") < 0)
                        return -errno;
                for (size_t i = 0; i < n; i++) {
                        char path[8192], src[64];
                        int r;
                        snprintf(path, sizeof(path), "%s/%s", priv, kinds[k].dirs[i]);
                        snprintf(src, sizeof(src), "/proc/self/fd/%d", fds[i]);
                        if ((r = mkdir_parents(path, 0755)) < 0)
                                return r;
                        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        if (mount(src, path, NULL, MS_BIND | MS_REC, NULL) < 0)
                                return -errno;
                        /* writable even below a read-only /var; no set-user-ID binaries */
                        (void) mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_NOSUID, NULL);
                        close(fds[i]);
                }
        }
        return 0;
}
