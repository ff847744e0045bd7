/* SPDX-License-Identifier: MIT */
/* The transport of sdinit's D-Bus API: the listening socket, one sd-bus server connection per
 * peer, the access check, and signals fanned out to every connection. See bus-server.h. */
#include "bus/bus-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-id128.h>

/* A client that does not read what it is sent (stopped, stuck in a pager) must not make PID 1
 * grow: past this many queued messages (signals) its connection is closed. Messages are queued in
 * PID 1 only once the kernel's socket buffer towards the peer is full. */
#define CONN_QUEUE_MAX 256
/* A client that sends a call while this many of our messages wait for it to read is not reading
 * its replies (systemctl and every sd-bus client wait for each reply): it is disconnected. This
 * bounds what replies can hold: a reply may be large (ListUnits), a signal is small. */
#define CONN_REPLY_BACKLOG_MAX 4
/* Connections held at once. PID 1's descriptors stay few (issue 12: 64 + 2 per active unit); when
 * all are taken, a new client still gets in: the connection that has been quiet the longest is
 * closed for it, so that no set of idle connections can lock systemctl out. */
#define CONNS_MAX 32
/* Besides that limit, connections that hold a place for nothing are closed: one that has not
 * completed authentication 10 s after it connected (sd-bus itself would wait 90 s), and one that
 * has sent nothing for 30 s and is not subscribed to signals (Subscribe: systemctl --wait) nor
 * waiting for a job it asked for while jobs run (systemctl start/stop wait with a match only). systemd has no idle timeout on its private socket; a client of it
 * never sits silent without waiting for a signal. Checked once a second while any are open. */
#define CONN_AUTH_TIMEOUT_USEC (10ULL * 1000000ULL)
#define CONN_IDLE_TIMEOUT_USEC (30ULL * 1000000ULL)
#define CONN_SWEEP_USEC 1000000ULL

static bool conn_usable(BusServer *s, BusConn *c) {
        uint64_t queued = 0;

        if (c->gone)
                return false;
        if (sd_bus_get_n_queued_write(c->bus, &queued) >= 0 && queued > CONN_QUEUE_MAX) {
                manager_log(s->m, MLOG_WARN, "D-Bus: a client does not read its messages (%" PRIu64 " queued); disconnecting it",
                            queued);
                c->gone = true; /* dropped from the loop, not from inside a send */
                sd_event_source_set_enabled(s->drop_defer, SD_EVENT_ONESHOT);
                return false;
        }
        return true;
}

void bus_broadcast_signal(BusServer *s, const char *path, const char *iface, const char *member, const char *types, ...) {
        for (size_t i = 0; i < s->n_conns; i++) {
                va_list ap;
                if (!conn_usable(s, s->conns[i]))
                        continue;
                va_start(ap, types);
                (void) sd_bus_emit_signalv(s->conns[i]->bus, path, iface, member, types, ap);
                va_end(ap);
        }
}

/* ---- manager hooks ---------------------------------------------------------------------------- */

static void on_job_new(void *userdata, MUnit *u) {
        BusServer *s = userdata;
        char *jp, *up;

        if (s->n_conns == 0)
                return;
        jp = bus_job_path(u->job_id);
        up = bus_unit_path(u->id);
        if (jp && up)
                bus_broadcast_signal(s, BUS_PATH, BUS_MANAGER_IFACE, "JobNew", "uos", u->job_id, jp, u->id);
        free(jp);
        free(up);
}

static void on_job_removed(void *userdata, uint32_t id, MUnit *u, JobType type, JobResult result) {
        BusServer *s = userdata;
        char *jp;

        (void) type;
        if (s->n_conns == 0)
                return;
        jp = bus_job_path(id);
        if (jp)
                bus_broadcast_signal(s, BUS_PATH, BUS_MANAGER_IFACE, "JobRemoved", "uoss", id, jp, u->id, job_result_to_string(result));
        free(jp);
}

static void on_unit_changed(void *userdata, MUnit *u) {
        BusServer *s = userdata;
        char *up;

        if (s->n_conns == 0)
                return;
        up = bus_unit_path(u->id);
        for (size_t i = 0; up && i < s->n_conns; i++)
                if (conn_usable(s, s->conns[i]))
                        (void) sd_bus_emit_properties_changed_strv(s->conns[i]->bus, up, "org.freedesktop.systemd1.Unit",
                                                                   NULL); /* the rows flagged BUS_EMITS */
        free(up);
}

/* UnitNew / UnitRemoved: the unit's name and object path to every connection. */
static void broadcast_unit(BusServer *s, const char *member, MUnit *u) {
        char *up;

        if (s->n_conns == 0)
                return;
        up = bus_unit_path(u->id);
        if (up)
                bus_broadcast_signal(s, BUS_PATH, BUS_MANAGER_IFACE, member, "so", u->id, up);
        free(up);
}

static void on_unit_new(void *userdata, MUnit *u) {
        broadcast_unit(userdata, "UnitNew", u);
}

static void on_unit_removed(void *userdata, MUnit *u) {
        broadcast_unit(userdata, "UnitRemoved", u);
}

static void on_startup_finished(void *userdata) {
        BusServer *s = userdata;
        Manager *m = s->m;
        uint64_t userspace = m->ts_finish.monotonic - m->ts_startup.monotonic;

        bus_broadcast_signal(s, BUS_PATH, BUS_MANAGER_IFACE, "StartupFinished", "tttttt", (uint64_t) 0, (uint64_t) 0,
                             (uint64_t) 0, (uint64_t) 0, userspace, userspace);
}

static void on_reloading(void *userdata, bool active) {
        bus_broadcast_signal(userdata, BUS_PATH, BUS_MANAGER_IFACE, "Reloading", "b", (int) active);
}

/* ---- jobs with nothing to do, and shutdown after the reply ------------------------------------ */

static int on_nop_defer(sd_event_source *es, void *userdata) {
        BusServer *s = userdata;
        NopJob *v = s->nops;
        size_t n = s->n_nops;

        (void) es;
        s->nops = NULL;
        s->n_nops = 0;
        for (size_t i = 0; i < n; i++) {
                char *jp = bus_job_path(v[i].id);
                if (jp)
                        bus_broadcast_signal(s, BUS_PATH, BUS_MANAGER_IFACE, "JobRemoved", "uoss", v[i].id, jp,
                                             v[i].unit, v[i].result);
                free(jp);
                free(v[i].unit);
        }
        free(v);
        return 0;
}

uint32_t bus_nop_job(BusServer *s, MUnit *u, const char *result) {
        uint32_t id = manager_new_job_id(s->m);
        NopJob *v = realloc(s->nops, (s->n_nops + 1) * sizeof(NopJob));

        if (!v)
                return id;
        s->nops = v;
        v[s->n_nops].id = id;
        v[s->n_nops].unit = strdup(u->id);
        v[s->n_nops].result = result;
        if (v[s->n_nops].unit)
                s->n_nops++;
        sd_event_source_set_enabled(s->nop_defer, SD_EVENT_ONESHOT);
        return id;
}

static int on_shutdown_defer(sd_event_source *es, void *userdata) {
        BusServer *s = userdata;

        (void) es;
        on_nop_defer(NULL, s); /* JobRemoved of the job that asked for it goes out first */
        manager_begin_shutdown(s->m, s->shutdown_status);
        return 0;
}

void bus_request_shutdown(BusServer *s, int status, sd_bus_message *msg) {
        sd_bus *bus = msg ? sd_bus_message_get_bus(msg) : NULL;

        /* The client that asked gets to read its reply and go before PID 1 exits (the end of the
         * pid namespace would kill it mid-exit): see bus_server_linger(). */
        for (size_t i = 0; i < s->n_conns; i++)
                if (s->conns[i]->bus == bus)
                        s->conns[i]->asked_shutdown = true;
        s->shutdown_status = status;
        sd_event_source_set_enabled(s->shutdown_defer, SD_EVENT_ONESHOT);
}

/* ---- connections ------------------------------------------------------------------------------ */

static void conn_drop(BusConn *c) {
        BusServer *s = c->server;

        for (size_t i = 0; i < s->n_conns; i++)
                if (s->conns[i] == c) {
                        memmove(s->conns + i, s->conns + i + 1, (s->n_conns - i - 1) * sizeof(BusConn *));
                        s->n_conns--;
                        break;
                }
        sd_bus_detach_event(c->bus);
        /* Never sd_bus_flush(): it blocks until the peer reads, and a peer may never read. */
        sd_bus_close_unref(c->bus);
        free(c);
}

static int on_drop_defer(sd_event_source *es, void *userdata) {
        BusServer *s = userdata;

        (void) es;
        for (size_t i = 0; i < s->n_conns;)
                if (s->conns[i]->gone)
                        conn_drop(s->conns[i]); /* shifts the array */
                else
                        i++;
        malloc_trim(0); /* what the queue held goes back to the system: PID 1 stays small */
        return 0;
}

static int on_listen_again(sd_event_source *es, uint64_t usec, void *userdata) {
        BusServer *s = userdata;

        (void) es, (void) usec;
        sd_event_source_set_enabled(s->listen_source, SD_EVENT_ON);
        return 0;
}

static int on_disconnected(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        BusConn *c = userdata;

        (void) msg, (void) error;
        c->gone = true;
        conn_drop(c);
        return 0;
}

static uint64_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

/* Every message from a peer passes here first. Peers that are neither root nor us get nothing: no
 * method runs for them. A peer that calls while it leaves our replies unread is dropped. */
/* A call that queues a job: systemctl start/stop/restart/reload/isolate wait for the job's
 * JobRemoved signal with a local match only (systemd 252's bus_wait_for_jobs_new(); Subscribe only
 * with --wait), so such a connection is silent while it waits, for as long as the job runs. */
static bool is_job_call(sd_bus_message *msg) {
        static const char *const prefixes[] = { "Start", "Stop", "Restart", "TryRestart", "Reload", "Isolate", "Enqueue" };
        const char *member = sd_bus_message_get_member(msg);

        for (size_t i = 0; member && i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
                if (strncmp(member, prefixes[i], strlen(prefixes[i])) == 0)
                        return true;
        return false;
}

static int on_filter(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        BusConn *c = userdata;
        BusServer *s = c->server;
        uint64_t queued = 0;
        uint8_t type = 0;

        (void) error;
        c->active_usec = now_usec();
        if (sd_bus_message_get_type(msg, &type) < 0 || type != SD_BUS_MESSAGE_METHOD_CALL)
                return 0;
        if (c->gone)
                return 1;
        if (is_job_call(msg))
                c->job_client = true;
        if (sd_bus_message_is_method_call(msg, BUS_MANAGER_IFACE, "Subscribe") > 0)
                c->subscribed = true;
        else if (sd_bus_message_is_method_call(msg, BUS_MANAGER_IFACE, "Unsubscribe") > 0)
                c->subscribed = false;
        if (sd_bus_get_n_queued_write(c->bus, &queued) >= 0 && queued >= CONN_REPLY_BACKLOG_MAX) {
                manager_log(s->m, MLOG_WARN, "D-Bus: pid %d calls without reading its replies (%" PRIu64 " queued); disconnecting it",
                            (int) c->pid, queued);
                c->gone = true;
                sd_event_source_set_enabled(s->drop_defer, SD_EVENT_ONESHOT);
                return 1;
        }
        if (c->privileged)
                return 0;
        sd_bus_reply_method_errorf(msg, SD_BUS_ERROR_ACCESS_DENIED, "Access denied");
        return 1;
}

/* All connections taken: the one quiet the longest makes room (it is marked gone and dropped from
 * the loop, as a connection that stopped reading is). */
static void evict_quietest(BusServer *s) {
        BusConn *victim = NULL;

        for (size_t i = 0; i < s->n_conns; i++)
                if (!s->conns[i]->gone && !s->conns[i]->asked_shutdown &&
                    (!victim || s->conns[i]->active_usec < victim->active_usec))
                        victim = s->conns[i];
        if (!victim)
                return;
        if (!s->warned_full) {
                manager_log(s->m, MLOG_WARN, "D-Bus: %d connections open; closing the quietest (pid %d) for a new one "
                            "(said once)", CONNS_MAX, (int) victim->pid);
                s->warned_full = true;
        }
        conn_drop(victim);
}

static int on_sweep(sd_event_source *es, uint64_t usec, void *userdata) {
        BusServer *s = userdata;
        uint64_t now = now_usec();
        unsigned n_auth = 0, n_idle = 0;
        int jobs = -1; /* whether the manager has a job: looked up once, when needed */

        (void) usec;
        for (size_t i = 0; i < s->n_conns; i++) {
                BusConn *c = s->conns[i];
                if (c->gone || c->asked_shutdown)
                        continue;
                if (sd_bus_is_ready(c->bus) <= 0) {
                        if (now - c->accept_usec >= CONN_AUTH_TIMEOUT_USEC) {
                                c->gone = true;
                                n_auth++;
                        }
                } else if (!c->subscribed && now - c->active_usec >= CONN_IDLE_TIMEOUT_USEC) {
                        if (c->job_client && jobs < 0)
                                jobs = manager_has_jobs(s->m);
                        if (c->job_client && jobs > 0)
                                continue; /* waits for its job's end */
                        c->gone = true;
                        n_idle++;
                }
        }
        if (n_auth || n_idle) {
                manager_log(s->m, MLOG_INFO, "D-Bus: closing %u connection(s) not authenticated within %llu s and %u idle "
                            "for %llu s", n_auth, CONN_AUTH_TIMEOUT_USEC / 1000000ULL, n_idle,
                            CONN_IDLE_TIMEOUT_USEC / 1000000ULL);
                on_drop_defer(NULL, s);
        }
        if (s->n_conns > 0) {
                (void) sd_event_source_set_time_relative(es, CONN_SWEEP_USEC);
                (void) sd_event_source_set_enabled(es, SD_EVENT_ONESHOT);
        }
        return 0;
}

static int on_connection(sd_event_source *es, int fd, uint32_t revents, void *userdata) {
        BusServer *s = userdata;
        struct ucred cred = {};
        socklen_t len = sizeof(cred);
        sd_id128_t id;
        BusConn *c, **v;
        int nfd, r;

        (void) es, (void) fd, (void) revents;
        nfd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (nfd < 0) {
                if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS) {
                        /* Out of descriptors: stop accepting for a second instead of spinning. */
                        manager_log(s->m, MLOG_WARN, "D-Bus: cannot accept a connection: %s; pausing for 1 s", strerror(errno));
                        sd_event_source_set_enabled(s->listen_source, SD_EVENT_OFF);
                        sd_event_add_time_relative(s->m->event, NULL, CLOCK_MONOTONIC, 1000000, 0, on_listen_again, s);
                }
                return 0;
        }
        if (s->n_conns >= CONNS_MAX) {
                on_drop_defer(NULL, s); /* those already gone first */
                if (s->n_conns >= CONNS_MAX)
                        evict_quietest(s);
                if (s->n_conns >= CONNS_MAX) {
                        close(nfd);
                        return 0;
                }
        }
        if (getsockopt(nfd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
                close(nfd);
                return 0;
        }
        c = calloc(1, sizeof(*c));
        v = realloc(s->conns, (s->n_conns + 1) * sizeof(BusConn *));
        if (v)
                s->conns = v;
        if (!c || !v) {
                free(c);
                close(nfd);
                return 0;
        }
        c->server = s;
        c->active_usec = c->accept_usec = now_usec();
        c->pid = cred.pid; /* 0 for a peer outside our pid namespace */
        c->privileged = cred.uid == 0 || cred.uid == geteuid();
        if (!c->privileged)
                manager_log(s->m, MLOG_WARN, "D-Bus: refusing calls from pid %d: uid %u is neither root nor ours",
                            (int) cred.pid, (unsigned) cred.uid);
        if ((r = sd_bus_new(&c->bus)) < 0)
                goto fail;
        sd_id128_randomize(&id);
        if ((r = sd_bus_set_fd(c->bus, nfd, nfd)) < 0)
                goto fail;
        nfd = -1;
        /* Note: sd-bus accepts EXTERNAL authentication only from a peer whose pid it can see:
         * clients must be in our pid namespace (docker/kubectl exec are; nsenter needs -p). */
        if ((r = sd_bus_set_server(c->bus, 1, id)) < 0 || (r = sd_bus_negotiate_fds(c->bus, 1)) < 0 ||
            (r = sd_bus_set_sender(c->bus, BUS_NAME)) < 0)
                goto fail;
        /* Reloads of many units may take a while; systemctl waits 25 s by default. */
        if ((r = sd_bus_add_filter(c->bus, NULL, on_filter, c)) < 0)
                goto fail;
        if ((r = sd_bus_match_signal(c->bus, NULL, "org.freedesktop.DBus.Local", "/org/freedesktop/DBus/Local",
                                     "org.freedesktop.DBus.Local", "Disconnected", on_disconnected, c)) < 0)
                goto fail;
        if ((r = bus_add_objects(c)) < 0)
                goto fail;
        if ((r = sd_bus_start(c->bus)) < 0)
                goto fail;
        if ((r = sd_bus_attach_event(c->bus, s->m->event, SD_EVENT_PRIORITY_NORMAL)) < 0)
                goto fail;
        /* Connections outlive the event loop: bus_server_linger() still talks to them. */
        (void) sd_bus_set_close_on_exit(c->bus, 0);
        s->conns[s->n_conns++] = c;
        if (s->sweep_timer) {
                int on = SD_EVENT_OFF;
                if (sd_event_source_get_enabled(s->sweep_timer, &on) >= 0 && on == SD_EVENT_OFF) {
                        (void) sd_event_source_set_time_relative(s->sweep_timer, CONN_SWEEP_USEC);
                        (void) sd_event_source_set_enabled(s->sweep_timer, SD_EVENT_ONESHOT);
                }
        }
        return 0;
fail:
        manager_log(s->m, MLOG_WARN, "D-Bus: cannot set up a connection: %s", strerror(-r));
        if (nfd >= 0)
                close(nfd);
        sd_bus_close_unref(c->bus);
        free(c);
        return 0;
}

int bus_server_new(Manager *m, const char *path, BusServer **ret) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        BusServer *s;
        char dir[108];
        char *slash;
        int r;

        if (strlen(path) >= sizeof(sa.sun_path))
                return -ENAMETOOLONG;
        s = calloc(1, sizeof(*s));
        if (!s)
                return -ENOMEM;
        s->m = m;
        s->listen_fd = -1;
        for (int t = 0; t < _UNIT_TYPE_MAX; t++) {
                char name[64];

                snprintf(name, sizeof(name), "sdinit-defaults.%s", unit_type_to_string((UnitType) t));
                r = unit_new(name, NULL, &s->defaults[t]);
                if (r < 0)
                        goto fail;
                (void) unit_compact(s->defaults[t]);
        }
        snprintf(s->path, sizeof(s->path), "%s", path);
        snprintf(dir, sizeof(dir), "%s", path);
        slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = '\0';
                if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                        r = -errno;
                        goto fail;
                }
        }
        s->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (s->listen_fd < 0) {
                r = -errno;
                goto fail;
        }
        memcpy(sa.sun_path, path, strlen(path) + 1);
        (void) unlink(path);
        {
                mode_t old = umask(0177); /* the socket is 0600 from the start */
                r = bind(s->listen_fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ? -errno : 0;
                umask(old);
        }
        if (r < 0)
                goto fail;
        if (listen(s->listen_fd, SOMAXCONN) < 0) {
                r = -errno;
                goto fail;
        }
        if ((r = sd_event_add_io(m->event, &s->listen_source, s->listen_fd, EPOLLIN, on_connection, s)) < 0)
                goto fail;
        if ((r = sd_event_add_defer(m->event, &s->nop_defer, on_nop_defer, s)) < 0)
                goto fail;
        sd_event_source_set_enabled(s->nop_defer, SD_EVENT_OFF);
        if ((r = sd_event_add_defer(m->event, &s->shutdown_defer, on_shutdown_defer, s)) < 0)
                goto fail;
        if ((r = sd_event_add_defer(m->event, &s->drop_defer, on_drop_defer, s)) < 0)
                goto fail;
        sd_event_source_set_enabled(s->drop_defer, SD_EVENT_OFF);
        sd_event_source_set_enabled(s->shutdown_defer, SD_EVENT_OFF);
        if ((r = sd_event_add_time_relative(m->event, &s->sweep_timer, CLOCK_MONOTONIC, CONN_SWEEP_USEC,
                                            CONN_SWEEP_USEC / 4, on_sweep, s)) < 0)
                goto fail;
        sd_event_source_set_enabled(s->sweep_timer, SD_EVENT_OFF);
        /* Replies and signals go out before jobs are dispatched in the same iteration. */
        sd_event_source_set_priority(s->nop_defer, SD_EVENT_PRIORITY_IDLE);
        sd_event_source_set_priority(s->shutdown_defer, SD_EVENT_PRIORITY_IDLE);

        s->hooks.job_new = on_job_new;
        s->hooks.job_removed = on_job_removed;
        s->hooks.unit_changed = on_unit_changed;
        s->hooks.unit_new = on_unit_new;
        s->hooks.unit_removed = on_unit_removed;
        s->hooks.startup_finished = on_startup_finished;
        s->hooks.reloading = on_reloading;
        m->hooks = &s->hooks;
        m->hooks_userdata = s;
        *ret = s;
        return 0;
fail:
        bus_server_free(s);
        return r;
}

void bus_server_linger(BusServer *s, int timeout_ms) {
        struct timespec start, now;
        int pidfds[64];
        size_t n_pidfds = 0;

        if (!s)
                return;
        if (s->n_nops)
                on_nop_defer(NULL, s);
        /* The clients that asked, by process: a client closes its socket a moment before it has
         * exited, and the end of PID 1 would kill it in that moment. */
        for (size_t i = 0; i < s->n_conns && n_pidfds < 64; i++)
                if (s->conns[i]->asked_shutdown && s->conns[i]->pid > 0) {
                        int fd = (int) syscall(SYS_pidfd_open, s->conns[i]->pid, 0);
                        if (fd >= 0)
                                pidfds[n_pidfds++] = fd;
                }
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (;;) {
                struct pollfd fds[128];
                nfds_t n = 0, waiting = 0;
                long left;

                /* Processing may drop a connection (its Disconnected callback frees it): start
                 * over after each one processed. */
                for (size_t i = 0; i < s->n_conns; i++) {
                        BusConn *c = s->conns[i];
                        if (!c->asked_shutdown || c->gone || c->lingered)
                                continue;
                        c->lingered = true;
                        {
                                /* c may be freed while its bus is processed (Disconnected). */
                                sd_bus *b = sd_bus_ref(c->bus);
                                while (sd_bus_process(b, NULL) > 0)
                                        ;
                                sd_bus_unref(b);
                        }
                        i = (size_t) -1; /* the array may have changed */
                }
                for (size_t i = 0; i < s->n_conns && n < 64; i++) {
                        BusConn *c = s->conns[i];
                        c->lingered = false;
                        if (!c->asked_shutdown || c->gone || sd_bus_is_open(c->bus) <= 0)
                                continue;
                        fds[n].fd = sd_bus_get_fd(c->bus);
                        fds[n].events = (short) sd_bus_get_events(c->bus);
                        n++;
                        waiting++;
                }
                for (size_t i = 0; i < n_pidfds; i++)
                        if (pidfds[i] >= 0) {
                                fds[n].fd = pidfds[i];
                                fds[n++].events = POLLIN; /* readable once the process has exited */
                                waiting++;
                        }
                clock_gettime(CLOCK_MONOTONIC, &now);
                left = timeout_ms - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
                if (waiting == 0 || left <= 0)
                        break;
                if (poll(fds, n, (int) left) < 0 && errno != EINTR)
                        break;
                for (nfds_t k = 0; k < n; k++)
                        if (fds[k].revents)
                                for (size_t i = 0; i < n_pidfds; i++)
                                        if (pidfds[i] == fds[k].fd) {
                                                close(pidfds[i]);
                                                pidfds[i] = -1;
                                        }
        }
        for (size_t i = 0; i < n_pidfds; i++)
                if (pidfds[i] >= 0)
                        close(pidfds[i]);
}

/* Writes what the sockets take now, without waiting for any peer. */
void bus_server_flush(BusServer *s) {
        size_t n = s ? s->n_conns : 0;
        sd_bus **v = n ? calloc(n, sizeof(sd_bus *)) : NULL;

        if (!v)
                return;
        for (size_t i = 0; i < n; i++)
                v[i] = s->conns[i]->gone ? NULL : sd_bus_ref(s->conns[i]->bus);
        for (size_t i = 0; i < n; i++) { /* a Disconnected callback may drop connections meanwhile */
                for (int k = 0; v[i] && k < 1000 && sd_bus_process(v[i], NULL) > 0; k++)
                        ;
                sd_bus_unref(v[i]);
        }
        free(v);
}

BusServer *bus_server_free(BusServer *s) {
        if (!s)
                return NULL;
        if (s->m && s->m->hooks == &s->hooks) {
                s->m->hooks = NULL;
                s->m->hooks_userdata = NULL;
        }
        while (s->n_conns)
                conn_drop(s->conns[s->n_conns - 1]);
        free(s->conns);
        for (size_t i = 0; i < s->n_nops; i++)
                free(s->nops[i].unit);
        free(s->nops);
        sd_event_source_unref(s->nop_defer);
        sd_event_source_unref(s->shutdown_defer);
        sd_event_source_unref(s->drop_defer);
        sd_event_source_unref(s->sweep_timer);
        sd_event_source_unref(s->listen_source);
        if (s->listen_fd >= 0) {
                close(s->listen_fd);
                unlink(s->path);
        }
        for (int t = 0; t < _UNIT_TYPE_MAX; t++)
                unit_free(s->defaults[t]);
        free(s);
        return NULL;
}
