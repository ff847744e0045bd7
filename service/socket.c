/* SPDX-License-Identifier: MIT */
/* .socket units (systemd.socket(5)): listening sockets and FIFOs opened by PID 1 and handed to
 * services. Accept=no: the triggered service gets every listening fd (LISTEN_FDS, LISTEN_PID,
 * LISTEN_FDNAMES) and is started on the first connection, or at once when something already
 * asked for it; PID 1 stops watching while the service runs. Accept=yes: every connection starts
 * an instance of the template service with the connection as its socket (and stdin/stdout with
 * StandardInput=socket). */
#include "service/conditions.h"
#include "service/trigger.h"
#include "service/unit-types.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_LISTEN 64

static int parse_inet(const char *a, struct sockaddr_storage *ss, socklen_t *len) {
        char host[256];
        const char *colon;
        char *end;
        unsigned long port;

        memset(ss, 0, sizeof(*ss));
        /* "22": every address, IPv6 and IPv4 (the socket is dual-stack). */
        port = strtoul(a, &end, 10);
        if (*a && !*end) {
                struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) ss;
                if (port == 0 || port > 65535)
                        return -EINVAL;
                s6->sin6_family = AF_INET6;
                s6->sin6_port = htons((uint16_t) port);
                s6->sin6_addr = in6addr_any;
                *len = sizeof(*s6);
                return 0;
        }
        if (a[0] == '[') {
                const char *close = strchr(a, ']');
                struct sockaddr_in6 *s6 = (struct sockaddr_in6 *) ss;
                if (!close || close[1] != ':' || (size_t) (close - a - 1) >= sizeof(host))
                        return -EINVAL;
                snprintf(host, sizeof(host), "%.*s", (int) (close - a - 1), a + 1);
                port = strtoul(close + 2, &end, 10);
                if (*end || port == 0 || port > 65535 || inet_pton(AF_INET6, host, &s6->sin6_addr) != 1)
                        return -EINVAL;
                s6->sin6_family = AF_INET6;
                s6->sin6_port = htons((uint16_t) port);
                *len = sizeof(*s6);
                return 0;
        }
        colon = strrchr(a, ':');
        if (colon && (size_t) (colon - a) < sizeof(host)) {
                struct sockaddr_in *s4 = (struct sockaddr_in *) ss;
                snprintf(host, sizeof(host), "%.*s", (int) (colon - a), a);
                port = strtoul(colon + 1, &end, 10);
                if (*end || port == 0 || port > 65535 || inet_pton(AF_INET, host, &s4->sin_addr) != 1)
                        return -EINVAL;
                s4->sin_family = AF_INET;
                s4->sin_port = htons((uint16_t) port);
                *len = sizeof(*s4);
                return 0;
        }
        return -EINVAL;
}

static void chown_socket_file(MUnit *u, const char *path) {
        const SocketSettings *s = &u->u->socket;
        uid_t uid = (uid_t) -1;
        gid_t gid = (gid_t) -1;

        if (s->socket_user) {
                struct passwd *pw = getpwnam(s->socket_user);
                if (pw)
                        uid = pw->pw_uid;
        }
        if (s->socket_group) {
                struct group *gr = getgrnam(s->socket_group);
                if (gr)
                        gid = gr->gr_gid;
        }
        if ((uid != (uid_t) -1 || gid != (gid_t) -1) && chown(path, uid, gid) < 0)
                manager_log(u->m, MLOG_WARN, "%s: cannot chown %s: %s", u->id, path, strerror(errno));
}

static void mkdir_parents(const char *path, mode_t mode) {
        char p[sizeof(((struct sockaddr_un *) 0)->sun_path) + 1];

        snprintf(p, sizeof(p), "%s", path);
        for (char *c = p + 1; *c; c++)
                if (*c == '/') {
                        *c = '\0';
                        mkdir(p, mode);
                        *c = '/';
                }
}

/* Opens one Listen*= entry. Returns the fd or -errno (with *why set). */
static int open_listener(MUnit *u, const ListenEntry *e, const char **why) {
        const SocketSettings *s = &u->u->socket;
        mode_t mode = s->socket_mode, dmode = s->directory_mode; /* defaults written by units/ */
        int type, fd, one = 1;
        struct sockaddr_storage ss;
        socklen_t len;

        if (strcmp(e->type, "ListenFIFO") == 0) {
                mkdir_parents(e->address, dmode);
                if (mkfifo(e->address, mode) < 0 && errno != EEXIST) {
                        *why = "mkfifo";
                        return -errno;
                }
                chmod(e->address, mode);
                chown_socket_file(u, e->address);
                fd = open(e->address, O_RDWR | O_CLOEXEC | O_NONBLOCK);
                if (fd < 0)
                        *why = "open";
                return fd < 0 ? -errno : fd;
        }
        if (strcmp(e->type, "ListenStream") == 0)
                type = SOCK_STREAM;
        else if (strcmp(e->type, "ListenDatagram") == 0)
                type = SOCK_DGRAM;
        else if (strcmp(e->type, "ListenSequentialPacket") == 0)
                type = SOCK_SEQPACKET;
        else {
                *why = "this Listen type is not supported yet";
                return -EOPNOTSUPP;
        }

        if (e->address[0] == '/' || e->address[0] == '@') {
                struct sockaddr_un *sa = (struct sockaddr_un *) &ss;
                size_t n = strlen(e->address);
                memset(&ss, 0, sizeof(ss));
                if (n >= sizeof(sa->sun_path)) {
                        *why = "path too long";
                        return -ENAMETOOLONG;
                }
                sa->sun_family = AF_UNIX;
                memcpy(sa->sun_path, e->address, n);
                if (e->address[0] == '@')
                        sa->sun_path[0] = '\0';
                else {
                        mkdir_parents(e->address, dmode);
                        unlink(e->address); /* a stale socket from an earlier run */
                }
                len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + n + (e->address[0] == '/'));
        } else if (parse_inet(e->address, &ss, &len) < 0) {
                *why = "cannot parse the address";
                return -EINVAL;
        }

        fd = socket(ss.ss_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0 && ss.ss_family == AF_INET6 && errno == EAFNOSUPPORT) {
                /* No IPv6 here: "22" means every IPv4 address then. */
                struct sockaddr_in *s4 = (struct sockaddr_in *) &ss;
                uint16_t port = ((struct sockaddr_in6 *) &ss)->sin6_port;
                memset(&ss, 0, sizeof(ss));
                s4->sin_family = AF_INET;
                s4->sin_port = port;
                len = sizeof(*s4);
                fd = socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        }
        if (fd < 0) {
                *why = "socket";
                return -errno;
        }
        if (ss.ss_family != AF_UNIX) {
                setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
                if (s->reuse_port > 0)
                        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
                if (ss.ss_family == AF_INET6) {
                        int v6only = 0;
                        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
                }
        }
        if (s->pass_credentials > 0)
                setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));
        if (bind(fd, (struct sockaddr *) &ss, len) < 0) {
                int r = -errno;
                *why = "bind";
                close(fd);
                return r;
        }
        if (ss.ss_family == AF_UNIX && e->address[0] == '/') {
                chmod(e->address, mode);
                chown_socket_file(u, e->address);
                /* Symlinks= (systemd-journald-dev-log.socket: /dev/log) */
                for (char **l = s->symlinks; l && *l; l++) {
                        mkdir_parents(*l, dmode);
                        if (symlink(e->address, *l) < 0 && errno == EEXIST && unlink(*l) == 0)
                                (void) !symlink(e->address, *l);
                }
        }
        /* ReceiveBuffer=, SendBuffer= (journald's sockets ask for 8M): the FORCE variants need
         * CAP_NET_ADMIN of the initial namespace; the plain ones are capped at rmem_max/wmem_max. */
        if (unit_is_set(u->u, UD_SOCKET_RECEIVE_BUFFER) && s->receive_buffer <= INT32_MAX) {
                int v = (int) s->receive_buffer;
                if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
                        (void) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
        }
        if (unit_is_set(u->u, UD_SOCKET_SEND_BUFFER) && s->send_buffer <= INT32_MAX) {
                int v = (int) s->send_buffer;
                if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v)) < 0)
                        (void) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, sizeof(v));
        }
        if (type != SOCK_DGRAM && listen(fd, s->backlog > 0 ? s->backlog : SOMAXCONN) < 0) {
                int r = -errno;
                *why = "listen";
                close(fd);
                return r;
        }
        return fd;
}

/* The service a socket triggers (Service= or the same name). */
static void socket_free(MUnit *u);

static MUnit *triggered(MUnit *u) {
        return trigger_target(u);
}

static void set_watching(MUnit *u, bool on) {
        for (size_t i = 0; i < u->n_sock; i++)
                if (u->sock_sources[i])
                        sd_event_source_set_enabled(u->sock_sources[i], on ? SD_EVENT_ON : SD_EVENT_OFF);
}

static int start_accepted(MUnit *u, int conn) {
        Manager *m = u->m;
        MUnit *tmpl = triggered(u), *inst;
        char prefix[UNIT_NAME_MAX], name[UNIT_NAME_MAX + 64], peer[INET6_ADDRSTRLEN + 8] = "unix";
        struct sockaddr_storage ss;
        socklen_t sl = sizeof(ss);
        const char *at;
        int r;

        if (!tmpl)
                return -ENOENT;
        /* The triggered name of an Accept=yes socket is the template "foo@.service". */
        at = strchr(tmpl->id, '@');
        snprintf(prefix, sizeof(prefix), "%.*s", at ? (int) (at - tmpl->id) : (int) (strrchr(tmpl->id, '.') - tmpl->id), tmpl->id);
        if (getpeername(conn, (struct sockaddr *) &ss, &sl) == 0) {
                if (ss.ss_family == AF_INET)
                        inet_ntop(AF_INET, &((struct sockaddr_in *) &ss)->sin_addr, peer, sizeof(peer));
                else if (ss.ss_family == AF_INET6) {
                        const struct in6_addr *a6 = &((struct sockaddr_in6 *) &ss)->sin6_addr;
                        if (IN6_IS_ADDR_V4MAPPED(a6)) /* an IPv4 client of a dual-stack socket */
                                inet_ntop(AF_INET, a6->s6_addr + 12, peer, sizeof(peer));
                        else
                                inet_ntop(AF_INET6, a6, peer, sizeof(peer));
                }
        }
        snprintf(name, sizeof(name), "%s@%u-%s.service", prefix, u->n_accepted++, peer);
        for (char *c = strchr(name, '@'); c && *c; c++)
                if (*c == ':')
                        *c = '_'; /* keep the instance a valid unit name */
        r = manager_load_unit(m, name, &inst);
        if (r < 0)
                return r;
        if (inst->accept_fd >= 0)
                close(inst->accept_fd);
        inst->accept_fd = conn;
        return manager_start_unit(m, inst);
}

/* Traffic that must trigger nothing is taken off the socket, as systemd's flush_ports() does, so
 * that the socket does not stay readable and a client is not left waiting: connections are
 * accepted and closed (refused), datagrams and FIFO data read and dropped. At most a batch per
 * event: a flood cannot hold PID 1 here; the level-triggered source brings us back. */
static void flush_listener(int fd) {
        char buf[4096];
        int type = 0;
        socklen_t len = sizeof(type);
        bool is_socket = getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;

        for (int i = 0; i < 256; i++) {
                if (is_socket && (type == SOCK_STREAM || type == SOCK_SEQPACKET)) {
                        int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
                        if (conn < 0)
                                return;
                        close(conn);
                } else if ((is_socket ? recv(fd, buf, sizeof(buf), MSG_DONTWAIT) : read(fd, buf, sizeof(buf))) <= 0)
                        return;
        }
}

/* Whether traffic may start the service. Not once shutdown has begun, nor while the socket's own
 * stop is queued (systemd: "Suppressing connection request since unit stop is scheduled."): a
 * daemon that logs while it stops must not bring syslog back during shutdown. */
static bool activation_refused(MUnit *u) {
        return u->m->shutting_down || u->job == JOB_STOP;
}

/* TriggerLimitIntervalSec=/TriggerLimitBurst= (2 s; 200 activations with Accept=yes, 20
 * without): a socket whose service never takes its traffic (a condition skips it, say) fails
 * with "trigger-limit-hit" instead of waking PID 1 forever, as systemd's socket_dispatch_io(). */
static bool trigger_limit_hit(MUnit *u) {
        const SocketSettings *ss = &u->u->socket;
        uint64_t interval = ss->trigger_limit_interval_usec;
        unsigned burst = (unsigned) ss->trigger_limit_burst;
        struct timespec ts;
        uint64_t now;

        if (interval == 0 || burst == 0)
                return false;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        now = (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
        if (u->trigger_limit_start == 0 || now - u->trigger_limit_start > interval) {
                u->trigger_limit_start = now;
                u->trigger_limit_count = 0;
        }
        return ++u->trigger_limit_count > burst;
}

static int on_listen_event(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        MUnit *u = userdata;
        MUnit *svc = triggered(u);

        (void) s, (void) revents;
        if (activation_refused(u)) {
                if (!u->activation_suppressed)
                        manager_log(u->m, MLOG_INFO, "%s: %s, suppressing activation by incoming traffic", u->id,
                                    u->m->shutting_down ? "shutdown in progress" : "stop scheduled");
                u->activation_suppressed = true;
                if (u->u->socket.accept > 0)
                        u->n_refused++; /* NRefused= counts connections, as systemd's */
                flush_listener(fd);
                return 0;
        }
        if (trigger_limit_hit(u)) {
                manager_log(u->m, MLOG_ERR, "%s: trigger limit hit, refusing further activation.", u->id);
                socket_free(u);
                u->result = RESULT_TRIGGER_LIMIT_HIT;
                munit_set_state(u, STATE_FAILED, SUB_FAILED);
                return 0;
        }
        if (u->u->socket.accept > 0) {
                int conn = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
                if (conn < 0)
                        return 0;
                if (start_accepted(u, conn) < 0) {
                        manager_log(u->m, MLOG_WARN, "%s: cannot start a service for the connection", u->id);
                        close(conn);
                }
                return 0;
        }
        /* Accept=no: the service takes over the sockets; we look again once it is gone. */
        set_watching(u, false);
        if (svc && svc->active != STATE_ACTIVE && svc->active != STATE_ACTIVATING && svc->job == JOB_NONE) {
                manager_log(u->m, MLOG_INFO, "%s: incoming traffic, starting %s", u->id, svc->id);
                manager_start_unit(u->m, svc);
        }
        return 0;
}

static void socket_start(MUnit *u) {
        const ListenList *l = &u->u->socket.listen;
        char failed[512] = "";

        if (unit_test_conditions(u, &u->u->unit.conditions, failed, sizeof(failed)) == 0) {
                manager_log(u->m, MLOG_INFO, "%s: condition check (%s) failed, skipping", u->id, failed);
                manager_job_done(u, JOB_DONE);
                return;
        }
        {
                /* A socket whose service is masked or missing is not started (systemd's
                 * socket_start(): "Socket service ... not loaded, refusing."). Accept=yes
                 * sockets start instances of a template, which is checked per connection. */
                MUnit *svc = triggered(u);
                if (u->u->socket.accept <= 0 && svc && (!svc->u || svc->u->load_state != UNIT_LOADED)) {
                        manager_log(u->m, MLOG_ERR, "%s: socket service %s not loaded, refusing.", u->id, svc->id);
                        manager_job_done(u, JOB_FAILED);
                        return;
                }
        }
        socket_free(u);
        u->activation_suppressed = false;
        u->sock_fds = calloc(l->n ? l->n : 1, sizeof(int));
        u->sock_sources = calloc(l->n ? l->n : 1, sizeof(sd_event_source *));
        if (!u->sock_fds || !u->sock_sources) {
                u->result = RESULT_RESOURCES;
                munit_set_state(u, STATE_FAILED, SUB_FAILED);
                return;
        }
        for (size_t i = 0; i < l->n && i < MAX_LISTEN; i++) {
                const char *why = "";
                int fd = open_listener(u, &l->items[i], &why);
                if (fd < 0) {
                        manager_log(u->m, MLOG_ERR, "%s: failed to listen on %s=%s: %s: %s", u->id, l->items[i].type,
                                    l->items[i].address, why, strerror(-fd));
                        socket_free(u);
                        u->result = RESULT_RESOURCES;
                        munit_set_state(u, STATE_FAILED, SUB_FAILED);
                        return;
                }
                u->sock_fds[u->n_sock] = fd;
                sd_event_add_io(u->m->event, &u->sock_sources[u->n_sock], fd, EPOLLIN, on_listen_event, u);
                u->n_sock++;
        }
        munit_set_state(u, STATE_ACTIVE, SUB_RUNNING);
        /* A service that is already up (or starting) owns the sockets. */
        if (triggered(u) && u->u->socket.accept <= 0 &&
            (triggered(u)->active == STATE_ACTIVE || triggered(u)->job == JOB_START))
                set_watching(u, false);
}

static void socket_free(MUnit *u) {
        for (size_t i = 0; i < u->n_sock; i++) {
                sd_event_source_disable_unref(u->sock_sources[i]);
                close(u->sock_fds[i]);
        }
        free(u->sock_fds);
        free(u->sock_sources);
        u->sock_fds = NULL;
        u->sock_sources = NULL;
        u->n_sock = 0;
}

static void socket_stop(MUnit *u) {
        const ListenList *l = &u->u->socket.listen;

        socket_free(u);
        if (u->u->socket.remove_on_stop > 0)
                for (size_t i = 0; i < l->n; i++)
                        if (l->items[i].address[0] == '/')
                                unlink(l->items[i].address);
        munit_set_state(u, STATE_INACTIVE, SUB_DEAD);
}

/* The service this socket triggers changed state: listening again once it is down, or failed
 * when it hit its start limit (systemd's socket_trigger_notify()). */
static void socket_trigger_notify(MUnit *s, MUnit *u) {
        if (u->active != STATE_INACTIVE && u->active != STATE_FAILED)
                return;
        if (!s->n_sock || s->active != STATE_ACTIVE || s->u->socket.accept > 0 || triggered(s) != u ||
            munit_vtable(u) != &service_vtable)
                return;
        if (u->start_limit_hit) {
                /* Its service refuses to start (start rate limit): the socket stops listening and
                 * fails, instead of holding its clients' connections forever. */
                manager_log(s->m, MLOG_WARN, "%s: %s hit its start limit; the socket fails", s->id, u->id);
                socket_free(s);
                s->result = RESULT_SERVICE_START_LIMIT_HIT;
                munit_set_state(s, STATE_FAILED, SUB_FAILED);
        } else
                set_watching(s, true);
}

/* A socket without listening fds (never started, or failed) is down at once. */
static void socket_vt_stop(MUnit *u) {
        if (u->n_sock)
                socket_stop(u);
        else
                munit_set_state(u, STATE_INACTIVE, SUB_DEAD);
}

/* systemd's SOCKET_RUNNING: an Accept=no socket whose service runs; else "listening". */
static const char *socket_sub_state(const MUnit *u) {
        const MUnit *svc;

        if (u->sub != SUB_RUNNING)
                return NULL;
        svc = u->u->socket.accept > 0 ? NULL : trigger_target(u);
        return svc && munit_vtable(svc) == &service_vtable && svc->sub == SUB_RUNNING ? "running" : "listening";
}

const UnitVTable socket_vtable = {
        .start = socket_start,
        .stop = socket_vt_stop,
        .trigger_notify = socket_trigger_notify,
        .done = socket_free,
        .sub_state_string = socket_sub_state,
};
