/* SPDX-License-Identifier: MIT */
/* The unit's credentials (see exec-creds.h), after systemd 252's src/core/execute.c
 * setup_credentials()/acquire_credentials(). In the manager: every file is opened non-blocking
 * and must be a regular file, every read is bounded. */
#include "service/exec-creds.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/strv.h"
#include "service/exec-caps.h"
#include "service/exec-creds-child.h"
#include "service/exec-seccomp.h"
#include "service/spawn.h"

#define CRED_MAX (1024 * 1024)
#define CREDS_BASE "/run/credentials"

static bool valid_cred_name(const char *n, size_t len) {
        if (len == 0 || len > 255 || (len == 1 && n[0] == '.') || (len == 2 && n[0] == '.' && n[1] == '.'))
                return false;
        for (size_t i = 0; i < len; i++)
                if (n[i] == '/' || n[i] == '\0')
                        return false;
        return true;
}

/* Reads a regular file of at most CRED_MAX bytes; -EFBIG beyond, -EINVAL for a non-file. */
static int read_cred_file(int dirfd, const char *path, char **ret, size_t *ret_len) {
        int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        struct stat st;
        char *buf;
        size_t n = 0;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        if (!S_ISREG(st.st_mode) || st.st_size > CRED_MAX) {
                close(fd);
                return S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
        }
        buf = malloc((size_t) st.st_size + 1);
        if (!buf) {
                close(fd);
                return -ENOMEM;
        }
        while (n < (size_t) st.st_size) {
                ssize_t k = read(fd, buf + n, (size_t) st.st_size - n);
                if (k < 0) {
                        int r = -errno;
                        free(buf);
                        close(fd);
                        return r;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
        }
        close(fd);
        *ret = buf;
        *ret_len = n;
        return 0;
}

/* C escapes of SetCredential= data (\n, \t, \\, \xNN, ...). */
static size_t unescape(const char *s, char *out) {
        size_t n = 0;

        while (*s) {
                if (*s != '\\' || !s[1]) {
                        out[n++] = *s++;
                        continue;
                }
                s++;
                switch (*s) {
                case 'n': out[n++] = '\n'; s++; break;
                case 't': out[n++] = '\t'; s++; break;
                case 'r': out[n++] = '\r'; s++; break;
                case 'a': out[n++] = '\a'; s++; break;
                case 'b': out[n++] = '\b'; s++; break;
                case 'f': out[n++] = '\f'; s++; break;
                case 'v': out[n++] = '\v'; s++; break;
                case 's': out[n++] = ' '; s++; break;
                case 'x': {
                        unsigned v;
                        if (sscanf(s + 1, "%2x", &v) == 1 && s[1] && s[2]) {
                                out[n++] = (char) v;
                                s += 3;
                        } else
                                out[n++] = *s++;
                        break;
                }
                default:
                        out[n++] = *s++;
                }
        }
        return n;
}

static int write_cred(int dfd, const char *id, const char *data, size_t len, uid_t uid, size_t *left) {
        int fd;

        if (len + strlen(id) > *left) /* the name counts too, as in systemd */
                return -E2BIG;
        fd = openat(dfd, id, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
        if (fd < 0)
                return -errno; /* EEXIST: an earlier setting provided it */
        for (size_t n = 0; n < len;) {
                ssize_t k = write(fd, data + n, len - n);
                if (k < 0) {
                        int r = -errno;
                        close(fd);
                        (void) unlinkat(dfd, id, 0);
                        return r;
                }
                n += (size_t) k;
        }
        if (fchmod(fd, 0400) < 0 || (uid != 0 && fchown(fd, uid, (gid_t) -1) < 0)) {
                int r = -errno;
                close(fd);
                (void) unlinkat(dfd, id, 0);
                return r;
        }
        close(fd);
        *left -= len + strlen(id);
        return 0;
}

static bool unit_has_credentials(const Unit *u) {
        return unit_raw_values(u, UD_EXEC_LOAD_CREDENTIAL) || unit_raw_values(u, UD_EXEC_SET_CREDENTIAL) ||
               unit_raw_values(u, UD_EXEC_IMPORT_CREDENTIAL) ||
               unit_raw_values(u, UD_EXEC_LOAD_CREDENTIAL_ENCRYPTED) || unit_raw_values(u, UD_EXEC_SET_CREDENTIAL_ENCRYPTED);
}

/* LoadCredential=ID:/DIR: every regular file below DIR, as ID_SUB_PATH ("/" becomes "_"), in
 * sorted order, a name already present skipped (systemd's load_cred_recurse_dir_cb()). */
static int load_dir(MUnit *mu, int dirfd, const char *prefix, int dfd, uid_t uid, size_t *left, int depth) {
        struct dirent **list = NULL;
        int n, r = 0;

        if (depth > 16)
                return -ELOOP;
        n = scandirat(dirfd, ".", &list, NULL, alphasort);
        if (n < 0)
                return -errno;
        for (int i = 0; i < n; i++) {
                const char *name = list[i]->d_name;
                char id[512], *data = NULL;
                struct stat st;
                size_t len = 0;

                if (r < 0 || name[0] == '.' || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (snprintf(id, sizeof(id), "%s_%s", prefix, name) >= (int) sizeof(id) || !valid_cred_name(id, strlen(id)))
                        continue;
                if (S_ISDIR(st.st_mode)) {
                        int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                        if (sub >= 0) {
                                r = load_dir(mu, sub, id, dfd, uid, left, depth + 1);
                                close(sub);
                        }
                        continue;
                }
                if (!S_ISREG(st.st_mode) || faccessat(dfd, id, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                        continue; /* (sockets are not read by PID 1, which must not block) */
                r = read_cred_file(dirfd, name, &data, &len);
                if (r >= 0)
                        r = write_cred(dfd, id, data, len, uid, left);
                free(data);
                if (r == -EEXIST)
                        r = 0;
        }
        for (int i = 0; i < n; i++)
                free(list[i]);
        free(list);
        (void) mu;
        return r;
}

static int fill(MUnit *mu, int dfd, uid_t uid) {
        const Unit *u = mu->u;
        const char *own = getenv("CREDENTIALS_DIRECTORY");
        int owndir = own && *own == '/' ? open(own, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
        size_t left = CRED_MAX;
        int r = 0;

        char *const *load = unit_raw_values(u, UD_EXEC_LOAD_CREDENTIAL), *const *set = unit_raw_values(u, UD_EXEC_SET_CREDENTIAL);

        /* From the last assignment to the first: for an ID given twice, the later one counts (as in
         * systemd, where it replaces the earlier one); an ID already written is skipped. */
        for (size_t i = strv_length(load); i > 0 && r >= 0; i--) {
                char *const *l = load + i - 1;
                const char *colon = strchr(*l, ':');
                size_t idlen = colon ? (size_t) (colon - *l) : strlen(*l);
                const char *path = colon ? colon + 1 : NULL;
                char id[256], *data = NULL;
                size_t len = 0;

                if (!valid_cred_name(*l, idlen)) {
                        manager_log(mu->m, MLOG_WARN, "%s: credential name '%.*s' is not valid, ignoring", mu->id, (int) idlen, *l);
                        continue;
                }
                memcpy(id, *l, idlen);
                id[idlen] = '\0';
                if (path && *path == '/') {
                        int sub = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (sub >= 0) {
                                r = load_dir(mu, sub, id, dfd, uid, &left, 0);
                                close(sub);
                                if (r < 0)
                                        manager_log(mu->m, MLOG_ERR, "%s: failed to load credentials from %s: %s", mu->id, path,
                                                    strerror(-r));
                                continue;
                        }
                        r = read_cred_file(AT_FDCWD, path, &data, &len);
                        if (r == -ENXIO) { /* an AF_UNIX socket: read by the child (exec-creds-child.c) */
                                r = 0;
                                continue;
                        }
                        if (r < 0) {
                                manager_log(mu->m, MLOG_ERR, "%s: failed to read credential '%s' from %s: %s", mu->id, id, path,
                                            strerror(-r));
                                break;
                        }
                } else {
                        /* a credential of PID 1 (the runtime's), by the given name or the ID */
                        const char *name = path && *path ? path : id;
                        if (owndir < 0 || strchr(name, '/') || read_cred_file(owndir, name, &data, &len) < 0) {
                                manager_log(mu->m, MLOG_DEBUG, "%s: credential '%s' not passed to the system manager, ignoring", mu->id, name);
                                continue;
                        }
                }
                r = write_cred(dfd, id, data, len, uid, &left);
                free(data);
                if (r == -EEXIST)
                        r = 0;
                else if (r < 0)
                        manager_log(mu->m, MLOG_ERR, "%s: failed to write credential '%s': %s", mu->id, id, strerror(-r));
        }
        for (char *const *l = unit_raw_values(u, UD_EXEC_IMPORT_CREDENTIAL); l && *l && r >= 0 && owndir >= 0; l++) {
                DIR *d = fdopendir(dup(owndir));
                struct dirent *de;
                if (!d)
                        continue;
                while (r >= 0 && (de = readdir(d))) {
                        char *data = NULL;
                        size_t len = 0;
                        if (de->d_name[0] == '.' || fnmatch(*l, de->d_name, FNM_PATHNAME) != 0)
                                continue;
                        if (read_cred_file(owndir, de->d_name, &data, &len) < 0)
                                continue;
                        r = write_cred(dfd, de->d_name, data, len, uid, &left);
                        free(data);
                        if (r == -EEXIST)
                                r = 0;
                }
                closedir(d);
        }
        for (size_t i = strv_length(set); i > 0 && r >= 0; i--) {
                char *const *l = set + i - 1;
                const char *colon = strchr(*l, ':');
                char id[256], *data;
                size_t idlen, len;

                if (!colon || !valid_cred_name(*l, (size_t) (colon - *l))) {
                        manager_log(mu->m, MLOG_WARN, "%s: SetCredential=%s is not valid, ignoring", mu->id, *l);
                        continue;
                }
                idlen = (size_t) (colon - *l);
                memcpy(id, *l, idlen);
                id[idlen] = '\0';
                if (exec_creds_child_provides(u, id)) /* a socket or encrypted source wins */
                        continue;
                data = malloc(strlen(colon + 1) + 1);
                if (!data) {
                        r = -ENOMEM;
                        break;
                }
                len = unescape(colon + 1, data);
                r = write_cred(dfd, id, data, len, uid, &left);
                free(data);
                if (r == -EEXIST) /* LoadCredential= wins */
                        r = 0;
                else if (r < 0)
                        manager_log(mu->m, MLOG_ERR, "%s: failed to write credential '%s': %s", mu->id, id, strerror(-r));
        }
        if (owndir >= 0)
                close(owndir);
        return r;
}

int exec_credentials_setup(MUnit *u, uid_t uid, char ***env) {
        char path[4096];
        bool mounted;
        int dfd, r;

        if (!unit_has_credentials(u->u))
                return 0;
        if (snprintf(path, sizeof(path), CREDS_BASE "/%s", u->id) >= (int) sizeof(path))
                return EXIT_CREDENTIALS;
        if (!strv_contains(u->m->creds_ready, u->id)) {
                exec_credentials_remove(u); /* a stale one from an earlier run */
                (void) mkdir(CREDS_BASE, 0755);
                if (mkdir(path, 0700) < 0 && errno != EEXIST) {
                        manager_log(u->m, MLOG_ERR, "%s: cannot create %s: %s", u->id, path, strerror(errno));
                        return EXIT_CREDENTIALS;
                }
                mounted = mount("tmpfs", path, "tmpfs", MS_NODEV | MS_NOEXEC | MS_NOSUID,
                                "mode=0700,nr_inodes=1024,size=1048576") == 0;
                dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                r = dfd < 0 ? -errno : fill(u, dfd, uid);
                if (r >= 0 && (fchmod(dfd, 0500) < 0 || (uid != 0 && fchown(dfd, uid, (gid_t) -1) < 0)))
                        r = -errno;
                if (dfd >= 0)
                        close(dfd);
                if (r >= 0 && mounted && mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NODEV | MS_NOEXEC | MS_NOSUID, NULL) < 0)
                        r = -errno;
                if (r < 0) {
                        manager_log(u->m, MLOG_ERR, "%s: failed to set up credentials: %s", u->id, strerror(-r));
                        exec_credentials_remove(u);
                        return EXIT_CREDENTIALS;
                }
                if (strv_extend(&u->m->creds_ready, u->id) < 0)
                        return EXIT_MEMORY;
        }
        return env_set_kv(env, "CREDENTIALS_DIRECTORY", path) < 0 ? EXIT_MEMORY : 0;
}

static int rm_at(int dfd) {
        DIR *d = fdopendir(dfd);
        struct dirent *de;

        if (!d) {
                close(dfd);
                return -errno;
        }
        while ((de = readdir(d)))
                if (de->d_name[0] != '.' || (de->d_name[1] && (de->d_name[1] != '.' || de->d_name[2])))
                        (void) unlinkat(dirfd(d), de->d_name, 0);
        closedir(d);
        return 0;
}

void exec_credentials_remove(MUnit *u) {
        char path[4096], **ready = u->m->creds_ready;
        int dfd;

        for (size_t i = 0, n = strv_length(ready); i < n; i++)
                if (strcmp(ready[i], u->id) == 0) {
                        free(ready[i]);
                        ready[i] = ready[n - 1];
                        ready[n - 1] = NULL;
                        break;
                }
        if (snprintf(path, sizeof(path), CREDS_BASE "/%s", u->id) >= (int) sizeof(path))
                return;
        while (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
                ;
        if ((dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) >= 0) {
                (void) fchmod(dfd, 0700);
                rm_at(dfd);
        }
        (void) rmdir(path);
}
