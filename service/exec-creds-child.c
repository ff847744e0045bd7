/* SPDX-License-Identifier: MIT */
/* The credentials PID 1 must not read itself, acquired in the service's child (as systemd 252 does
 * all of them, in exec_child()), plus the refusal of disk images (exec-userns.h):
 *  - LoadCredential=ID:/PATH where PATH is an AF_UNIX socket: a SOCK_STREAM connection bound to
 *    the abstract address "@<random hex>/unit/UNIT/ID" (so that the server learns who asks), the
 *    write side shut down, read to EOF (systemd's read_full_file_full() with
 *    READ_FULL_FILE_CONNECT_SOCKET);
 *  - LoadCredentialEncrypted=ID:/PATH (a file or such a socket) and SetCredentialEncrypted=ID:DATA:
 *    decrypted by the image's own `systemd-creds decrypt --name=ID` (the host key
 *    /var/lib/systemd/credential.secret and/or the TPM2, systemd's own format and checks).
 * The files go into the unit's directory that the manager prepared (exec-creds.c), which is
 * remounted writable for the time of the writes. A credential that cannot be acquired fails the
 * start with 243/CREDENTIALS; one already present (an earlier process of this activation, or a
 * LoadCredential= the manager read) is kept. */
#include "service/exec-creds-child.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "service/exec-caps.h"
#include "service/exec-userns.h"
#include "service/spawn.h"
#include "units/unit-sandbox.h"

#define CRED_MAX (1024 * 1024)
#define CREDS_BASE "/run/credentials"

static const char *const creds_tools[] = { "/usr/bin/systemd-creds", "/bin/systemd-creds", NULL };

static ssize_t read_all(int fd, char *buf, size_t max) {
        size_t n = 0;

        for (;;) {
                ssize_t k = read(fd, buf + n, max + 1 - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                n += (size_t) k;
                if (n > max)
                        return -EFBIG;
        }
        return (ssize_t) n;
}

/* Into data (CRED_MAX + 1 bytes). */
static ssize_t read_socket(const char *unit, const char *id, const char *path, char *data) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX }, bsa = { .sun_family = AF_UNIX };
        uint64_t rnd = 0;
        int fd, n;
        ssize_t r;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        strcpy(sa.sun_path, path);
        if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
                rnd ^= (uint64_t) getpid() << 32 ^ (uint64_t) (uintptr_t) &rnd;
        /* abstract: a leading NUL, no trailing one */
        n = snprintf(bsa.sun_path + 1, sizeof(bsa.sun_path) - 1, "%" PRIx64 "/unit/%s/%s", rnd, unit, id);
        if (n < 0 || (size_t) n >= sizeof(bsa.sun_path) - 1)
                return -ENAMETOOLONG;
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (bind(fd, (struct sockaddr *) &bsa, (socklen_t) (offsetof(struct sockaddr_un, sun_path) + 1 + (size_t) n)) < 0 ||
            connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || shutdown(fd, SHUT_WR) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        r = read_all(fd, data, CRED_MAX);
        close(fd);
        return r;
}

/* `systemd-creds decrypt --name=ID FILE -`, FILE "-" with `in` on its stdin; the clear text in
 * data (CRED_MAX + 1 bytes). */
static ssize_t decrypt(const char *id, const char *file, const char *in, size_t in_len, char *data, char *err, size_t errlen) {
        char name[300];
        const char *tool = NULL;
        int out[2], inp[2] = { -1, -1 }, st;
        ssize_t r;
        pid_t pid;

        for (const char *const *t = creds_tools; *t && !tool; t++)
                if (access(*t, X_OK) == 0)
                        tool = *t;
        if (!tool) {
                snprintf(err, errlen, "Failed to decrypt credential '%s': systemd-creds is not in the image", id);
                return -ENOENT;
        }
        snprintf(name, sizeof(name), "--name=%s", id);
        if (pipe2(out, O_CLOEXEC) < 0 || (!file && pipe2(inp, O_CLOEXEC) < 0))
                return -errno;
        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                char *const argv[] = { (char *) tool, (char *) "decrypt", name, (char *) (file ? file : "-"), (char *) "-", NULL };
                char *const envp[] = { (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *) "SYSTEMD_LOG_LEVEL=err", NULL };
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);
                if (null < 0 || dup2(file ? null : inp[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(null, 2) < 0)
                        _exit(127);
                execve(tool, argv, envp);
                _exit(127);
        }
        close(out[1]);
        if (!file) {
                close(inp[0]);
                /* at most 1 MiB: the pipe drains as systemd-creds reads it */
                for (size_t n = 0; n < in_len;) {
                        ssize_t k = write(inp[1], in + n, in_len - n);
                        if (k < 0) {
                                if (errno == EINTR)
                                        continue;
                                break;
                        }
                        n += (size_t) k;
                }
                close(inp[1]);
        }
        r = read_all(out[0], data, CRED_MAX);
        close(out[0]);
        if (waitpid(pid, &st, 0) < 0)
                return -errno;
        if (r >= 0 && (!WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
                snprintf(err, errlen, "Failed to decrypt credential '%s' with %s: exit status %d", id, tool,
                         WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
                return -EBADMSG;
        }
        return r;
}

static int write_cred(int dfd, const char *id, const char *buf, size_t len, uid_t uid) {
        int fd = openat(dfd, id, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600), r = 0;

        if (fd < 0)
                return -errno;
        for (size_t n = 0; n < len && r == 0;) {
                ssize_t k = write(fd, buf + n, len - n);
                if (k < 0)
                        r = -errno;
                else
                        n += (size_t) k;
        }
        if (r == 0 && (fchmod(fd, 0400) < 0 || (uid != 0 && fchown(fd, uid, (gid_t) -1) < 0)))
                r = -errno;
        close(fd);
        if (r < 0)
                (void) unlinkat(dfd, id, 0);
        return r;
}

/* "ID:VALUE" -> id (bounded), value */
static const char *split(const char *line, char *id, size_t idsz) {
        const char *colon = strchr(line, ':');
        size_t n = colon ? (size_t) (colon - line) : strlen(line);

        if (n == 0 || n >= idsz || memchr(line, '/', n))
                return NULL;
        memcpy(id, line, n);
        id[n] = '\0';
        return colon ? colon + 1 : "";
}

static bool is_socket(const char *path) {
        struct stat st;
        return path[0] == '/' && stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* The credential rows read here, in systemd's order of precedence (an ID already present is kept). */
static const UnitDirectiveId keys[] = { UD_EXEC_LOAD_CREDENTIAL, UD_EXEC_LOAD_CREDENTIAL_ENCRYPTED,
                                        UD_EXEC_SET_CREDENTIAL_ENCRYPTED };

static bool wanted(const Unit *u) {
        char id[256];
        const char *p;

        if (unit_raw_values(u, UD_EXEC_LOAD_CREDENTIAL_ENCRYPTED) || unit_raw_values(u, UD_EXEC_SET_CREDENTIAL_ENCRYPTED))
                return true;
        for (char *const *l = unit_raw_values(u, UD_EXEC_LOAD_CREDENTIAL); l && *l; l++)
                if ((p = split(*l, id, sizeof(id))) && is_socket(p))
                        return true;
        return false;
}

bool exec_creds_child_provides(const Unit *u, const char *want) {
        char id[256];
        const char *v;

        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
                for (char *const *l = unit_raw_values(u, keys[k]); l && *l; l++)
                        if ((v = split(*l, id, sizeof(id))) && strcmp(id, want) == 0 &&
                            (k == 2 || (k == 1 && v[0] == '/') || is_socket(v)))
                                return true;
        return false;
}

#define FAIL(...)                                         \
        do {                                              \
                snprintf(err, errlen, __VA_ARGS__);       \
                r = EXIT_CREDENTIALS;                     \
                goto out;                                 \
        } while (0)

static int acquire(MUnit *mu, uid_t uid, char *err, size_t errlen) {
        const Unit *u = mu->u;
        char path[4096];
        bool remounted = false;
        int dfd, r = 0;
        char *data;

        if (!wanted(u))
                return 0;
        /* The credential's bytes, two buffers (what was read, and its clear text): mapped in the child
         * only when needed, unmapped before returning (the child may share the manager's memory until
         * exec). */
        data = mmap(NULL, 2 * (CRED_MAX + 1), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (data == MAP_FAILED) {
                snprintf(err, errlen, "Failed to set up credentials: %s", strerror(errno));
                return EXIT_CREDENTIALS;
        }
        if (snprintf(path, sizeof(path), CREDS_BASE "/%s", mu->id) >= (int) sizeof(path) ||
            (dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
                snprintf(err, errlen, "Failed to set up credentials: %s: %s", path, strerror(errno));
                munmap(data, 2 * (CRED_MAX + 1));
                return EXIT_CREDENTIALS;
        }
        /* systemd: for an ID given twice the later assignment counts; LoadCredential= before
         * LoadCredentialEncrypted= before SetCredentialEncrypted= (an ID already present is kept). */
        for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
                char *const *l = unit_raw_values(u, keys[k]);
                size_t n = 0;
                while (l && l[n])
                        n++;
                for (size_t i = n; i > 0; i--) {
                        char id[256];
                        const char *v = split(l[i - 1], id, sizeof(id));
                        bool enc = k > 0, sock;
                        ssize_t len;

                        if (!v || faccessat(dfd, id, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
                                continue;
                        sock = k < 2 && is_socket(v);
                        if (k == 0 && !sock)
                                continue; /* a file or PID 1's credential: the manager's (exec-creds.c) */
                        if (k == 1 && v[0] != '/')
                                continue; /* PID 1's own credential store: not looked up for encrypted ones */
                        err[0] = '\0';
                        if (sock) {
                                len = read_socket(mu->id, id, v, data);
                                if (len >= 0 && enc) {
                                        char *copy = data + CRED_MAX + 1;
                                        memcpy(copy, data, (size_t) len);
                                        len = decrypt(id, NULL, copy, (size_t) len, data, err, errlen);
                                }
                        } else if (k == 1)
                                len = decrypt(id, v, NULL, 0, data, err, errlen);
                        else
                                len = decrypt(id, NULL, v, strlen(v), data, err, errlen);
                        if (len < 0) {
                                if (!err[0])
                                        snprintf(err, errlen, "Failed to acquire credential '%s' from %s: %s", id,
                                                 k == 2 ? "SetCredentialEncrypted=" : v, strerror((int) -len));
                                r = EXIT_CREDENTIALS;
                                goto out;
                        }
                        if (!remounted) {
                                /* EINVAL: not a mount point (the manager could not mount): a plain directory */
                                if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_NODEV | MS_NOEXEC | MS_NOSUID, NULL) < 0 &&
                                    errno != EINVAL)
                                        FAIL("Failed to set up credentials: cannot make %s writable: %s", path, strerror(errno));
                                remounted = true;
                        }
                        if ((r = write_cred(dfd, id, data, (size_t) len, uid)) < 0 && r != -EEXIST)
                                FAIL("Failed to write credential '%s': %s", id, strerror(-r));
                        r = 0;
                }
        }
out:
        if (remounted)
                (void) mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NODEV | MS_NOEXEC | MS_NOSUID, NULL);
        close(dfd);
        munmap(data, 2 * (CRED_MAX + 1));
        return r;
}

int exec_child_credentials_and_images(MUnit *u, const ExecCommand *cmd, uid_t uid, char *err, size_t errlen) {
        int r;

        if (!(cmd->flags & EXEC_COMMAND_FULLY_PRIVILEGED) && (r = exec_images_refuse(u, err, errlen)))
                return r;
        return acquire(u, uid, err, errlen);
}
