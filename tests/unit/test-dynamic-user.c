/* SPDX-License-Identifier: MIT */
/* Two Managers in one process keep their own DynamicUser= state (service/dynamic-user.c,
 * dynamic-userdb.c): the users each holds, the userdb service answering for them. The same unit
 * name in both gets two uids (the first one's lock file is held by the other Manager's table, not
 * shared), each enumeration lists only its own, the userdb service answers from its owner's
 * table, and a release in one leaves the other's lock file in place. And the state directory of
 * a dynamic user: an existing tree is given to the user (entries below, symlinks themselves and not
 * their targets), set-user/group-ID bits cleared, as systemd's path_chown_recursive() does.
 *
 * As root in a private mount namespace: /run is a tmpfs (the lock files, the userdb socket and the
 * unit files live there) and /etc is read-only (/etc/.pwd.lock is not taken); skipped otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "service/dynamic-user.h"
#include "tests/tap.h"

static bool private_root(void) {
        return geteuid() == 0 && unshare(CLONE_NEWNS) == 0 && mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) == 0 &&
               mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") == 0 && mount("/etc", "/etc", NULL, MS_BIND, NULL) == 0 &&
               mount(NULL, "/etc", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) == 0;
}

static size_t count_users(Manager *m, const char **ret_name, uid_t *ret_uid) {
        const void *it = NULL;
        size_t n = 0;

        while ((it = dynamic_user_next(m, it, ret_name, ret_uid)))
                n++;
        return n;
}

static bool lock_file_exists(uid_t uid) {
        char p[64];

        snprintf(p, sizeof(p), "/run/systemd/dynamic-uid/%u", (unsigned) uid);
        return access(p, F_OK) == 0;
}

/* Asks the userdb socket for user "a" while m's event loop runs; the reply, or "" on failure. */
static void ask_userdb(Manager *m, char *reply, size_t size) {
        static const char req[] = "{\"method\":\"io.systemd.UserDatabase.GetUserRecord\",\"parameters\":"
                                   "{\"userName\":\"a\",\"service\":\"io.systemd.DynamicUser\"}}";
        struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = "/run/systemd/userdb/io.systemd.DynamicUser" };
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ssize_t k = -1;

        reply[0] = '\0';
        if (fd < 0 || connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || send(fd, req, sizeof(req), MSG_NOSIGNAL) < 0) {
                if (fd >= 0)
                        close(fd);
                return;
        }
        /* accept, then read and answer: a few iterations, each bounded by a second */
        for (int i = 0; i < 10; i++) {
                struct pollfd p = { .fd = fd, .events = POLLIN };
                if (poll(&p, 1, 0) == 1) {
                        k = recv(fd, reply, size - 1, 0);
                        break;
                }
                if (sd_event_run(m->event, 1000000) < 0)
                        break;
        }
        reply[k > 0 ? k : 0] = '\0';
        close(fd);
}

static bool owned(const char *path, uid_t uid, gid_t gid, mode_t mode) {
        struct stat st;
        return lstat(path, &st) == 0 && st.st_uid == uid && st.st_gid == gid && (mode == (mode_t) -1 || (st.st_mode & 07777) == mode);
}

/* A tree left by an earlier run under BASE/private/x (root's), made the dynamic user's. */
static void check_state_directory(uid_t uid, gid_t gid) {
        const char *base = "/run/dyn-base";
        int fd;

        CHECK(mkdir(base, 0755) == 0 && mkdir("/run/dyn-base/private", 0700) == 0 && mkdir("/run/dyn-base/private/x", 0755) == 0 &&
              mkdir("/run/dyn-base/private/x/sub", 0750) == 0 && mkdir("/run/dyn-base/private/x/sub/deeper", 0700) == 0);
        fd = open("/run/dyn-base/private/x/sub/tool", O_CREAT | O_WRONLY | O_CLOEXEC, 0755);
        CHECK(fd >= 0 && fchmod(fd, 06755) == 0);
        if (fd >= 0)
                close(fd);
        fd = open("/run/outside", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd >= 0)
                close(fd);
        CHECK(symlink("/run/outside", "/run/dyn-base/private/x/sub/deeper/link") == 0);

        CHECK_INT(dynamic_user_make_directory(base, "x", 0755, uid, gid), 0);
        CHECK(owned("/run/dyn-base/private/x", uid, gid, 0755));
        CHECK(owned("/run/dyn-base/private/x/sub", uid, gid, 0750));
        CHECK(owned("/run/dyn-base/private/x/sub/deeper", uid, gid, 0700));
        CHECK(owned("/run/dyn-base/private/x/sub/tool", uid, gid, 0755)); /* set-user/group-ID bits gone */
        CHECK(owned("/run/dyn-base/private/x/sub/deeper/link", uid, gid, (mode_t) -1));
        CHECK(owned("/run/outside", 0, 0, 0644)); /* the link's target is not followed */
        CHECK(owned("/run/dyn-base/private", 0, 0, 0700));
}

int main(void) {
        static const char unit[] = "[Service]\nExecStart=/bin/true\nDynamicUser=yes\n";
        Manager *m1 = NULL, *m2 = NULL;
        MUnit *a1 = NULL, *a2 = NULL;
        uid_t uid1 = 0, uid2 = 0, uid = 0;
        gid_t gid1 = 0, gid2 = 0;
        const char *name = NULL;
        char reply[1024], want[64];
        FILE *f;

        if (!private_root()) {
                printf("1..0 # SKIP needs root and a private mount namespace\n");
                return 0;
        }
        if (mkdir("/run/units", 0755) < 0 || !(f = fopen("/run/units/a.service", "we"))) {
                printf("Bail out! cannot write the unit file: %s\n", strerror(errno));
                return 1;
        }
        fputs(unit, f);
        fclose(f);
        setenv("SYSTEMD_UNIT_PATH", "/run/units", 1);

        CHECK_INT(manager_new(NULL, &m1), 0);
        CHECK_INT(manager_new(NULL, &m2), 0);
        if (!m1 || !m2) {
                printf("Bail out! manager_new failed\n");
                return 1;
        }
        CHECK_INT(manager_load_unit(m1, "a.service", &a1), 0);
        CHECK_INT(manager_load_unit(m2, "a.service", &a2), 0);
        if (!a1 || !a2) {
                printf("Bail out! a.service did not load\n");
                return 1;
        }

        CHECK_INT(dynamic_user_acquire(a1, &uid1, &gid1, NULL), 0);
        CHECK(uid1 >= DYNAMIC_UID_MIN && uid1 <= DYNAMIC_UID_MAX && gid1 == (gid_t) uid1);
        CHECK_INT(count_users(m1, &name, &uid), 1);
        CHECK(name && strcmp(name, "a") == 0 && uid == uid1);
        CHECK_INT(count_users(m2, &name, &uid), 0); /* m1's user is not m2's */

        /* The same name in m2: its own entry, so a uid of its own (uid1's lock is held by m1) */
        CHECK_INT(dynamic_user_acquire(a2, &uid2, &gid2, NULL), 0);
        CHECK(uid2 >= DYNAMIC_UID_MIN && uid2 <= DYNAMIC_UID_MAX && uid2 != uid1);
        CHECK_INT(count_users(m2, &name, &uid), 1);
        CHECK(uid == uid2);
        CHECK(lock_file_exists(uid1) && lock_file_exists(uid2));

        /* Each has its own userdb service; the socket path is m2's (bound last): it answers uid2 */
        CHECK(m1->userdb && m2->userdb && m1->userdb != m2->userdb);
        ask_userdb(m2, reply, sizeof(reply));
        snprintf(want, sizeof(want), "\"uid\":%u,", (unsigned) uid2);
        CHECK(strstr(reply, "\"userName\":\"a\"") && strstr(reply, want));
        if (!strstr(reply, want))
                tap_comment_value("reply", reply);

        check_state_directory(uid2, gid2);

        /* A release in m1 removes its lock only */
        dynamic_user_release(a1);
        CHECK_INT(count_users(m1, &name, &uid), 0);
        CHECK_INT(count_users(m2, &name, &uid), 1);
        CHECK(!lock_file_exists(uid1) && lock_file_exists(uid2));

        manager_free(m1);
        manager_free(m2);
        printf("1..%d\n", tap_n);
        return tap_failed ? 1 : 0;
}
