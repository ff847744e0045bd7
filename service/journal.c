/* SPDX-License-Identifier: MIT */
#include "service/journal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Bytes of a unit's lines waiting for journald before further lines are dropped for the journal
 * (journald's own RateLimitBurst= would drop a flood of that size anyway). */
#define JOURNAL_PENDING_MAX (1024 * 1024)
/* What one send() carries at most, and when a write is not deferred to the end of the pass. */
#define JOURNAL_SEND_CHUNK (64 * 1024)
/* systemd's SNDBUF_SIZE for the stream (connect_logger_as()). */
#define JOURNAL_SNDBUF (8 * 1024 * 1024)

struct JournalStream {
        Manager *m;
        MUnit *u;                  /* NULL once the unit's output is done: what is left still goes out */
        char *unit;
        int fd;
        char *buf;
        size_t len, cap;
        sd_event_source *defer;    /* a write at the end of this event-loop pass */
        sd_event_source *writable; /* journald's socket buffer was full: wait for room */
        pid_t pid;                 /* whose credentials the lines carry: the unit's process */
        unsigned long dropped;
        bool dead;
};

bool journal_image_has_journald(void) {
        return access("/lib/systemd/systemd-journald", X_OK) == 0 || access("/usr/lib/systemd/systemd-journald", X_OK) == 0;
}

bool journal_runs_unit(const char *id) {
        static const char *const units[] = {
                "systemd-journald.service", "systemd-journald.socket", "systemd-journald-dev-log.socket",
                "systemd-journal-flush.service",
        };
        for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
                if (strcmp(id, units[i]) == 0)
                        return journal_image_has_journald();
        return false;
}

bool journal_boot_provides_devlog(Manager *m) {
        MUnit *d = manager_get_unit(m, "systemd-journald-dev-log.socket");

        return d && journal_runs_unit(d->id) && (d->job == JOB_START || d->active == STATE_ACTIVE);
}

/* journald's own units and what runs before it must not write into it. */
static bool is_journald_itself(const char *id) {
        return strncmp(id, "systemd-journald", 16) == 0 || strcmp(id, "systemd-journal-flush.service") == 0;
}

static void stream_free(JournalStream *j) {
        if (!j)
                return;
        sd_event_source_disable_unref(j->defer);
        sd_event_source_disable_unref(j->writable);
        if (j->fd >= 0)
                close(j->fd);
        free(j->buf);
        free(j->unit);
        free(j);
}

/* The destroy callback of a finished unit's stream's writable source, which then owns it (also
 * when the event loop goes away first). */
static void orphan_destroyed(void *userdata) {
        JournalStream *j = userdata;

        j->writable = NULL;
        stream_free(j);
}

/* journald's numbers for SyslogFacility= and SyslogLevel= (syslog(3)); -1 unknown. */
static int lookup(const char *s, const char *const *names, size_t n) {
        for (size_t i = 0; s && i < n; i++)
                if (names[i] && strcmp(s, names[i]) == 0)
                        return (int) i;
        return -1;
}

static int syslog_priority(const ExecSettings *e) {
        static const char *const levels[] = { "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" };
        static const char *const facilities[] = { "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
                                                  "uucp", "cron", "authpriv", "ftp", NULL, NULL, NULL, NULL,
                                                  "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7" };
        int level = lookup(e->syslog_level, levels, 8), facility = lookup(e->syslog_facility, facilities, 24);

        /* systemd's default: LOG_DAEMON|LOG_INFO */
        return (facility < 0 ? 3 : facility) << 3 | (level < 0 ? 6 : level);
}

int journal_stream_prepare(MUnit *u, const char *ident) {
        const ExecSettings *e;
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        const char *slash = ident ? strrchr(ident, '/') : NULL;
        int size = JOURNAL_SNDBUF, n, r;
        char header[512];
        JournalStream *j;

        journal_stream_close(u);
        if (!u->u || u->u->type != UNIT_SERVICE || is_journald_itself(u->id) || access(JOURNAL_STDOUT_SOCKET, F_OK) < 0)
                return 0;
        e = unit_exec(u->u);
        /* identifier, unit id, priority, level prefix, forward to syslog, kmsg, console
         * (connect_logger_as() in systemd's execute.c) */
        n = snprintf(header, sizeof(header), "%s\n%s\n%d\n%d\n0\n0\n0\n",
                     e->syslog_identifier ? e->syslog_identifier : slash ? slash + 1 : ident ? ident : u->id, u->id,
                     syslog_priority(e), e->syslog_level_prefix != 0);
        if (n < 0 || (size_t) n >= sizeof(header))
                return -EINVAL;
        j = calloc(1, sizeof(*j));
        if (!j || !(j->unit = strdup(u->id))) {
                free(j);
                return -ENOMEM;
        }
        j->m = u->m;
        j->u = u;
        /* Never blocks: a journald that does not accept (4096 connections queued) means stdout only. */
        j->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        memcpy(sa.sun_path, JOURNAL_STDOUT_SOCKET, sizeof(JOURNAL_STDOUT_SOCKET));
        if (j->fd < 0 || connect(j->fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 ||
            send(j->fd, header, (size_t) n, MSG_DONTWAIT | MSG_NOSIGNAL) != n) {
                r = -errno;
                if (j->fd >= 0)
                        close(j->fd);
                free(j->unit);
                free(j);
                return r;
        }
        (void) shutdown(j->fd, SHUT_RD);
        (void) setsockopt(j->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
        u->journal = j;
        return 0;
}

static void flush(JournalStream *j);

static int on_defer(sd_event_source *s, void *userdata) {
        (void) s;
        flush(userdata);
        return 0;
}

static int on_writable(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        (void) s, (void) fd, (void) revents;
        flush(userdata);
        return 0;
}

static void report_dropped(JournalStream *j) {
        if (j->dropped)
                manager_log(j->m, MLOG_WARN, "%s: %lu lines not written to the journal (systemd-journald did not keep up)",
                            j->unit, j->dropped);
        j->dropped = 0;
}

/* journald files each write under the process in its SCM_CREDENTIALS (journald-stream.c reads
 * them per message): PID 1 writes on behalf of the unit's process, which it may name as root of
 * the pid namespace's user namespace (the kernel checks that the process exists, a zombie counts). */
static ssize_t send_as(JournalStream *j, const char *p, size_t n) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(struct ucred))];
        } control = {};
        struct iovec iov = { .iov_base = (void *) p, .iov_len = n };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
        struct ucred cred = { .pid = j->pid, .uid = getuid(), .gid = getgid() };

        if (j->pid > 0) {
                mh.msg_control = &control;
                mh.msg_controllen = sizeof(control);
                control.h.cmsg_level = SOL_SOCKET;
                control.h.cmsg_type = SCM_CREDENTIALS;
                control.h.cmsg_len = CMSG_LEN(sizeof(cred));
                memcpy(CMSG_DATA(&control.h), &cred, sizeof(cred));
        }
        return sendmsg(j->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* Writes what journald takes now; waits for room (EPOLLOUT) if it takes less. A finished unit's
 * stream is freed once it is empty (or journald is gone). */
static void flush(JournalStream *j) {
        size_t off = 0;

        while (!j->dead && off < j->len) {
                size_t want = j->len - off;
                ssize_t n = send_as(j, j->buf + off, want > JOURNAL_SEND_CHUNK ? JOURNAL_SEND_CHUNK : want);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == ESRCH && j->pid > 0) {
                                j->pid = 0; /* reaped: from now on as PID 1 (journald: init.scope) */
                                continue;
                        }
                        if (errno == EAGAIN)
                                break;
                        /* not connected (journald was not there) or gone: stdout only from now on */
                        j->dead = true;
                        break;
                }
                off += (size_t) n;
        }
        if (j->dead)
                off = j->len;
        if (off > 0 && off < j->len) /* j->buf is NULL while nothing was ever queued */
                memmove(j->buf, j->buf + off, j->len - off);
        j->len -= off;
        if (j->len == 0)
                report_dropped(j);
        if (!j->u && (j->len == 0 || !j->writable)) {
                if (j->len) {
                        j->dropped++; /* no way to wait for room: the tail is lost for the journal */
                        report_dropped(j);
                }
                if (j->writable) {
                        /* drops the event loop's reference, the only one: orphan_destroyed() frees j */
                        (void) sd_event_source_set_floating(j->writable, 0);
                } else
                        stream_free(j);
                return;
        }
        if (j->len > 0 && !j->writable)
                (void) sd_event_add_io(j->m->event, &j->writable, j->fd, EPOLLOUT, on_writable, j);
        if (j->writable)
                (void) sd_event_source_set_enabled(j->writable, j->len > 0 ? SD_EVENT_ON : SD_EVENT_OFF);
}

void journal_stream_line(MUnit *u, const char *line, size_t len) {
        JournalStream *j = u->journal;

        if (!j || j->dead)
                return;
        if (j->len + len + 1 > JOURNAL_PENDING_MAX) {
                j->dropped++;
                return;
        }
        if (j->len + len + 1 > j->cap) {
                size_t cap = j->cap ? j->cap : 16384;
                char *b;
                while (cap < j->len + len + 1)
                        cap *= 2;
                if (cap > JOURNAL_PENDING_MAX)
                        cap = JOURNAL_PENDING_MAX;
                b = realloc(j->buf, cap);
                if (!b) {
                        j->dropped++;
                        return;
                }
                j->buf = b;
                j->cap = cap;
        }
        if (u->main_pid > 0 || u->control_pid > 0) {
                pid_t pid = u->main_pid > 0 ? u->main_pid : u->control_pid;
                if (pid != j->pid && j->len > 0)
                        flush(j); /* what was read before goes out as the process it came from */
                if (j->len > 0 && pid != j->pid) {
                        j->dropped += 1; /* no room to switch: rare; counted */
                        return;
                }
                j->pid = pid;
        }
        memcpy(j->buf + j->len, line, len);
        j->buf[j->len + len] = '\n';
        j->len += len + 1;
        if (j->writable && sd_event_source_get_enabled(j->writable, NULL) > 0)
                return; /* waiting for room already */
        if (j->len >= JOURNAL_SEND_CHUNK) {
                flush(j);
                return;
        }
        /* Lines read in one pass go out in one write, at the end of the pass. */
        if (!j->defer)
                (void) sd_event_add_defer(j->m->event, &j->defer, on_defer, j);
        if (j->defer)
                (void) sd_event_source_set_enabled(j->defer, SD_EVENT_ONESHOT);
        else
                flush(j);
}

void journal_stream_flush_as(MUnit *u, pid_t pid) {
        JournalStream *j = u->journal;

        if (!j || j->dead)
                return;
        if (j->len > 0 && j->pid != pid)
                flush(j);
        if (j->len == 0)
                j->pid = pid;
        flush(j);
}

/* Only while journald runs, as systemd (manager_recheck_journal()): earlier lines would wait in
 * the socket for a journald that may never come. */
static bool journald_active(Manager *m) {
        MUnit *jd = manager_get_unit(m, "systemd-journald.service");

        return jd && jd->active == STATE_ACTIVE && journal_runs_unit(jd->id);
}

void journal_unit_message(MUnit *u, int priority, const char *text) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        char msg[2048];
        int fd, n;

        if (!journald_active(u->m) || strchr(text, '\n'))
                return;
        /* journald's native protocol (systemd.journal-fields(7)): KEY=value lines in one datagram */
        n = snprintf(msg, sizeof(msg), "MESSAGE=%s\nPRIORITY=%d\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=sdinit\nUNIT=%s\n",
                     text, priority, u->id);
        if (n < 0 || (size_t) n >= sizeof(msg))
                return;
        fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return;
        memcpy(sa.sun_path, JOURNAL_NATIVE_SOCKET, sizeof(JOURNAL_NATIVE_SOCKET));
        (void) sendto(fd, msg, (size_t) n, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *) &sa, sizeof(sa));
        close(fd);
}

struct pending_begin {
        Manager *m;
        char *id, *text;
        ActiveState state;
};

static void pending_begin_free(void *userdata) {
        struct pending_begin *b = userdata;

        free(b->id);
        free(b->text);
        free(b);
}

static int on_pending_begin(sd_event_source *s, void *userdata) {
        struct pending_begin *b = userdata;
        MUnit *u = manager_get_unit(b->m, b->id);

        if (u && u->active == b->state && u->job != JOB_NONE)
                journal_unit_message(u, 6, b->text);
        (void) sd_event_source_set_floating(s, 0); /* frees s, then b (pending_begin_free) */
        return 0;
}

void journal_unit_begin_message(MUnit *u, const char *text) {
        struct pending_begin *b;
        sd_event_source *s = NULL;

        if (!journald_active(u->m))
                return;
        b = calloc(1, sizeof(*b));
        if (!b || !(b->id = strdup(u->id)) || !(b->text = strdup(text)) ||
            sd_event_add_defer(u->m->event, &s, on_pending_begin, b) < 0) {
                if (b)
                        pending_begin_free(b);
                return;
        }
        b->m = u->m;
        b->state = u->active;
        (void) sd_event_source_set_destroy_callback(s, pending_begin_free);
        (void) sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        if (sd_event_source_set_floating(s, 1) >= 0)
                sd_event_source_unref(s); /* the event loop's now */
}

void journal_stream_close(MUnit *u) {
        JournalStream *j = u->journal;

        if (!j)
                return;
        u->journal = NULL;
        j->u = NULL;
        j->defer = sd_event_source_disable_unref(j->defer);
        if (j->len > 0 && !j->dead && !j->writable)
                (void) sd_event_add_io(j->m->event, &j->writable, j->fd, EPOLLOUT, on_writable, j);
        if (j->writable) {
                /* owned by the event loop from now on (freed with it at exit at the latest) */
                (void) sd_event_source_set_destroy_callback(j->writable, orphan_destroyed);
                if (sd_event_source_set_floating(j->writable, 1) >= 0)
                        sd_event_source_unref(j->writable); /* j->writable stays, as a borrowed pointer */
        }
        flush(j); /* frees j when nothing is left */
}
