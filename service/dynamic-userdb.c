/* SPDX-License-Identifier: MIT */
/* The varlink service io.systemd.DynamicUser (/run/systemd/userdb/io.systemd.DynamicUser) that
 * nss-systemd and userdbctl query, answering as systemd 252 does (measured against Debian's
 * systemd as PID 1: the records, the errors NoRecordFound and BadService, enumeration with
 * "more"): see dynamic-userdb.h. Varlink: one JSON object per message, each terminated by a NUL.
 * Bounded: 32 connections (a new one beyond is refused), 16 KiB per request, 64 KiB of pending
 * replies per connection (a client that does not read is disconnected). Never blocks. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "service/dynamic-userdb.h"
#include "service/userdb-request.h"

#define USERDB_DIR "/run/systemd/userdb"
#define USERDB_SOCKET USERDB_DIR "/io.systemd.DynamicUser"
#define SERVICE "io.systemd.DynamicUser"
#define MAX_CONNS 32
#define MAX_IN 16384
#define MAX_OUT 65536

typedef struct Conn {
        DynamicUserdb *db;
        int fd;
        sd_event_source *src;
        char in[MAX_IN];
        size_t n_in;
        char *out;
        size_t n_out;
} Conn;

struct DynamicUserdb {
        sd_event_source *listen_src;
        Conn *conns[MAX_CONNS];
        DynamicUserNextFn users_next; /* dynamic_user_next(), given by dynamic_userdb_start() */
        void *users_userdata;
};

static void conn_close(Conn *c) {
        for (int i = 0; i < MAX_CONNS; i++)
                if (c->db->conns[i] == c)
                        c->db->conns[i] = NULL;
        sd_event_source_disable_unref(c->src);
        close(c->fd);
        free(c->out);
        free(c);
}

/* ---- replies ---- */

static bool reply(Conn *c, const char *text) {
        size_t len = strlen(text) + 1; /* with the NUL */
        char *o;

        if (c->n_out + len > MAX_OUT)
                return false;
        if (!(o = realloc(c->out, c->n_out + len)))
                return false;
        memcpy(o + c->n_out, text, len);
        c->out = o;
        c->n_out += len;
        return true;
}

static bool error_reply(Conn *c, const char *error) {
        char b[160];
        snprintf(b, sizeof(b), "{\"error\":\"io.systemd.UserDatabase.%s\",\"parameters\":{}}", error);
        return reply(c, b);
}

static void record(char *b, size_t size, bool user, const char *name, uid_t uid, bool continues) {
        if (user)
                snprintf(b, size,
                         "{\"parameters\":{\"record\":{\"userName\":\"%s\",\"uid\":%u,\"gid\":%u,\"realName\":\"Dynamic User\","
                         "\"homeDirectory\":\"/\",\"shell\":\"/usr/sbin/nologin\",\"locked\":true,\"service\":\"" SERVICE
                         "\",\"disposition\":\"dynamic\"}}%s}",
                         name, (unsigned) uid, (unsigned) uid, continues ? ",\"continues\":true" : "");
        else
                snprintf(b, size,
                         "{\"parameters\":{\"record\":{\"groupName\":\"%s\",\"description\":\"Dynamic Group\",\"gid\":%u,"
                         "\"service\":\"" SERVICE "\",\"disposition\":\"dynamic\"}}%s}",
                         name, (unsigned) uid, continues ? ",\"continues\":true" : "");
}

static bool handle(Conn *c, const char *msg, size_t len) {
        UserdbRequest r;
        bool user;
        char b[512];

        if (userdb_request_parse(msg, len, &r) < 0)
                return false; /* not JSON: the connection goes */
        user = strcmp(r.method, "io.systemd.UserDatabase.GetUserRecord") == 0;
        if (!user && strcmp(r.method, "io.systemd.UserDatabase.GetGroupRecord") != 0 &&
            strcmp(r.method, "io.systemd.UserDatabase.GetMemberships") != 0) {
                snprintf(b, sizeof(b), "{\"error\":\"org.varlink.service.MethodNotFound\",\"parameters\":{\"method\":\"%s\"}}",
                         r.method);
                return reply(c, b);
        }
        if (!r.has_service || strcmp(r.service, SERVICE) != 0)
                return error_reply(c, "BadService");
        if (strcmp(r.method, "io.systemd.UserDatabase.GetMemberships") == 0)
                return error_reply(c, "NoRecordFound"); /* dynamic users belong to no other group */
        {
                const char *want_name = user ? r.user : r.group;
                long long want_id = user ? r.uid : r.gid;
                size_t found = 0, matches = 0;
                const void *it = NULL;
                const char *name;
                uid_t uid;
                /* the matching entries; with "more" all of them, each but the last "continues" */
                while ((it = c->db->users_next(c->db->users_userdata, it, &name, &uid)))
                        if ((!*want_name || strcmp(name, want_name) == 0) && (want_id < 0 || (long long) uid == want_id))
                                matches++;
                if (matches == 0 || (!r.more && !*want_name && want_id < 0))
                        return error_reply(c, "NoRecordFound");
                while ((it = c->db->users_next(c->db->users_userdata, it, &name, &uid))) {
                        if ((*want_name && strcmp(name, want_name) != 0) || (want_id >= 0 && (long long) uid != want_id))
                                continue;
                        found++;
                        record(b, sizeof(b), user, name, uid, r.more && found < matches);
                        if (!reply(c, b))
                                return false;
                        if (!r.more)
                                break;
                }
        }
        return true;
}

static int flush_out(Conn *c) {
        while (c->n_out > 0) {
                ssize_t k = send(c->fd, c->out, c->n_out, MSG_DONTWAIT | MSG_NOSIGNAL);
                if (k < 0)
                        return errno == EAGAIN || errno == EINTR ? 0 : -errno;
                memmove(c->out, c->out + k, c->n_out - (size_t) k);
                c->n_out -= (size_t) k;
        }
        return 0;
}

static int on_conn(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Conn *c = userdata;
        (void) s;

        if (revents & EPOLLIN) {
                ssize_t k = recv(fd, c->in + c->n_in, sizeof(c->in) - c->n_in, MSG_DONTWAIT);
                if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR)) {
                        conn_close(c);
                        return 0;
                }
                if (k > 0) {
                        size_t start = 0;
                        c->n_in += (size_t) k;
                        for (size_t i = c->n_in - (size_t) k; i < c->n_in; i++)
                                if (c->in[i] == '\0') {
                                        if (!handle(c, c->in + start, i - start)) {
                                                conn_close(c);
                                                return 0;
                                        }
                                        start = i + 1;
                                }
                        memmove(c->in, c->in + start, c->n_in - start);
                        c->n_in -= start;
                        if (c->n_in == sizeof(c->in)) { /* a request larger than we take */
                                conn_close(c);
                                return 0;
                        }
                }
        } else if (revents & (EPOLLHUP | EPOLLERR)) {
                conn_close(c);
                return 0;
        }
        if (flush_out(c) < 0) {
                conn_close(c);
                return 0;
        }
        (void) sd_event_source_set_io_events(c->src, EPOLLIN | (c->n_out ? EPOLLOUT : 0));
        return 0;
}

static int on_listen(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        DynamicUserdb *db = userdata;
        int cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        Conn *c;
        int slot = -1;

        (void) revents;
        if (cfd < 0)
                return 0;
        for (int i = 0; i < MAX_CONNS && slot < 0; i++)
                if (!db->conns[i])
                        slot = i;
        if (slot < 0 || !(c = calloc(1, sizeof(*c)))) {
                close(cfd);
                return 0;
        }
        c->db = db;
        c->fd = cfd;
        if (sd_event_add_io(sd_event_source_get_event(s), &c->src, cfd, EPOLLIN, on_conn, c) < 0) {
                close(cfd);
                free(c);
                return 0;
        }
        db->conns[slot] = c;
        return 0;
}

DynamicUserdb *dynamic_userdb_free(DynamicUserdb *db) {
        if (!db)
                return NULL;
        for (int i = 0; i < MAX_CONNS; i++)
                if (db->conns[i])
                        conn_close(db->conns[i]);
        sd_event_source_disable_unref(db->listen_src); /* (it owns the socket) */
        free(db);
        return NULL;
}

int dynamic_userdb_start(DynamicUserdb **dbp, sd_event *event, DynamicUserNextFn next, void *userdata) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX, .sun_path = USERDB_SOCKET };
        DynamicUserdb *db = *dbp;
        int fd, r;

        if (db) {
                db->users_next = next;
                db->users_userdata = userdata;
        }
        if (db || !event)
                return 0;
        /* PID 1's own NSS lookups (getpwnam() for User=, the checks of pick_uid()) must not ask
         * nss-systemd, which would ask this socket, which only PID 1 answers: a deadlock. systemd
         * blocks nss-systemd in PID 1 the same way; services do not inherit PID 1's environment. */
        if (setenv("SYSTEMD_BYPASS_USERDB", SERVICE, 1) < 0)
                return -errno;
        (void) mkdir("/run/systemd", 0755);
        (void) mkdir(USERDB_DIR, 0755);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        (void) unlink(USERDB_SOCKET);
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || chmod(USERDB_SOCKET, 0666) < 0 || listen(fd, 16) < 0) {
                r = -errno;
                close(fd);
                return r;
        }
        db = calloc(1, sizeof(*db));
        if (!db) {
                close(fd);
                return -ENOMEM;
        }
        db->users_next = next;
        db->users_userdata = userdata;
        r = sd_event_add_io(event, &db->listen_src, fd, EPOLLIN, on_listen, db);
        if (r < 0) {
                close(fd);
                free(db);
                return r;
        }
        (void) sd_event_source_set_io_fd_own(db->listen_src, true);
        *dbp = db;
        return 0;
}
