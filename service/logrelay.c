/* SPDX-License-Identifier: MIT */
#include "service/logrelay.h"

#include "service/journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

/* Above RELAY_BUFFER_MAX bytes waiting for the reader, PID 1 stops reading from services: their
 * pipes fill up and they block in write(), nothing is lost. The buffer grows past the mark only
 * by what one read of a pipe expands to, so it stays bounded without ever dropping a service line.
 * sdinit's own lines are dropped (and counted) only beyond RELAY_OWN_MAX. */
#define RELAY_BUFFER_MAX (256 * 1024)
#define RELAY_OWN_MAX (4 * 1024 * 1024)

struct LogRelay {
        Manager *m;
        int fd;                 /* our own description of stdout, O_NONBLOCK */
        char *buf;
        size_t len, cap;
        sd_event_source *writable;
        bool paused;
        unsigned long dropped_own;
        /* The units' pipes, in an epoll set of our own that is one source of the event loop:
         * an event source per unit costs ~300 bytes of PID 1's memory for every unit of a boot,
         * an epoll entry nothing in ours. Pausing is one switch. */
        int epfd;
        sd_event_source *units_source;
};

static int on_unit_output(sd_event_source *s, int fd, uint32_t revents, void *userdata);

static void set_reading(LogRelay *r, bool on) {
        Manager *m = r->m;

        r->paused = !on;
        if (r->units_source)
                sd_event_source_set_enabled(r->units_source, on ? SD_EVENT_ON : SD_EVENT_OFF);
        for (size_t i = 0; i < m->n_units; i++) /* units attached before the set existed */
                if (m->units[i]->out_source)
                        sd_event_source_set_enabled(m->units[i]->out_source, on ? SD_EVENT_ON : SD_EVENT_OFF);
}

/* The set has ready pipes: each gets one read, as each of its own sources would. */
static int on_units_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        struct epoll_event ev[64];
        int n;

        (void) s, (void) revents, (void) userdata;
        n = epoll_wait(fd, ev, 64, 0);
        for (int i = 0; i < n; i++) {
                MUnit *u = ev[i].data.ptr;
                if (u->out_fd >= 0) /* (its pipe may have gone earlier in this batch) */
                        on_unit_output(NULL, u->out_fd, ev[i].events, u);
        }
        return 0;
}

static void try_write(LogRelay *r) {
        while (r->len > 0) {
                ssize_t n = write(r->fd, r->buf, r->len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno != EAGAIN) /* the reader is gone: drop, never block or die */
                                r->len = 0;
                        break;
                }
                memmove(r->buf, r->buf + n, r->len - (size_t) n);
                r->len -= (size_t) n;
        }
        if (r->writable)
                sd_event_source_set_enabled(r->writable, r->len > 0 ? SD_EVENT_ON : SD_EVENT_OFF);
        if (r->paused && r->len < RELAY_BUFFER_MAX / 2)
                set_reading(r, true);
        else if (!r->paused && r->len >= RELAY_BUFFER_MAX)
                set_reading(r, false);
}

static int on_writable(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        (void) s, (void) fd, (void) revents;
        try_write(userdata);
        return 0;
}

LogRelay *logrelay_new(Manager *m, int out_fd) {
        LogRelay *r = calloc(1, sizeof(*r));
        char path[64];

        if (!r)
                return NULL;
        r->m = m;
        m->log_own = logrelay_own; /* manager_log()'s way here (it sits below the relay) */
        r->cap = RELAY_BUFFER_MAX + 65536;
        r->buf = malloc(r->cap);
        if (!r->buf) {
                free(r);
                return NULL;
        }
        /* A file description of our own: O_NONBLOCK on the shared one would surprise every other
         * process writing to the container's stdout. Reopening works for pipes, FIFOs, ttys and
         * files; sockets cannot be reopened, so fall back to a dup. */
        snprintf(path, sizeof(path), "/proc/self/fd/%d", out_fd);
        r->fd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK | O_APPEND);
        if (r->fd < 0) {
                r->fd = fcntl(out_fd, F_DUPFD_CLOEXEC, 3);
                if (r->fd >= 0)
                        fcntl(r->fd, F_SETFL, fcntl(r->fd, F_GETFL) | O_NONBLOCK);
        }
        if (r->fd >= 0 && sd_event_add_io(m->event, &r->writable, r->fd, EPOLLOUT, on_writable, r) >= 0)
                sd_event_source_set_enabled(r->writable, SD_EVENT_OFF);
        r->epfd = epoll_create1(EPOLL_CLOEXEC);
        if (r->epfd >= 0 && sd_event_add_io(m->event, &r->units_source, r->epfd, EPOLLIN, on_units_readable, r) < 0) {
                close(r->epfd); /* then each unit gets a source of its own */
                r->epfd = -1;
        }
        return r;
}

void logrelay_flush(LogRelay *r) {
        if (!r)
                return;
        while (r->len > 0) {
                struct pollfd p = { .fd = r->fd, .events = POLLOUT };
                size_t before = r->len;
                try_write(r);
                if (r->len == before && poll(&p, 1, 10000) <= 0)
                        break; /* a reader stuck for 10 s: give up rather than hang at exit */
        }
}

void logrelay_finish(LogRelay *r) {
        if (!r)
                return;
        r->paused = false;
        for (size_t i = 0; i < r->m->n_units; i++)
                logrelay_drain(r, r->m->units[i]);
        logrelay_flush(r);
}

LogRelay *logrelay_free(LogRelay *r) {
        if (!r)
                return NULL;
        logrelay_flush(r);
        sd_event_source_unref(r->writable);
        sd_event_source_unref(r->units_source);
        if (r->epfd >= 0)
                close(r->epfd);
        if (r->fd >= 0)
                close(r->fd);
        free(r->buf);
        free(r);
        return NULL;
}

static bool append(LogRelay *r, const char *s, size_t n) {
        if (r->len + n > r->cap) {
                size_t cap = (r->len + n) * 2;
                char *b = realloc(r->buf, cap);
                if (!b)
                        return false;
                r->buf = b;
                r->cap = cap;
        }
        memcpy(r->buf + r->len, s, n);
        r->len += n;
        return true;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when s starts an invalid one. Overlong
 * forms, surrogates and code points past U+10FFFF are invalid (RFC 3629). */
static size_t utf8_seq(const unsigned char *s, size_t n) {
        size_t k;
        uint32_t cp;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                k = 2, cp = s[0] & 0x1f;
        else if (s[0] >= 0xe0 && s[0] <= 0xef)
                k = 3, cp = s[0] & 0x0f;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                k = 4, cp = s[0] & 0x07;
        else
                return 0;
        if (n < k)
                return 0;
        for (size_t i = 1; i < k; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        if ((k == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)))
                return 0;
        return k;
}

static bool utf8_valid(const char *s, size_t n) {
        for (size_t i = 0; i < n;) {
                size_t k = utf8_seq((const unsigned char *) s + i, n - i);
                if (!k)
                        return false;
                i += k;
        }
        return true;
}

/* A JSON value for bytes from a service: a string when they are UTF-8; otherwise, as
 * `journalctl -o json` prints such a field, an array of the byte values. Either way the line is
 * valid JSON. */
static void append_json_string(LogRelay *r, const char *s, size_t n) {
        char esc[8];

        if (!utf8_valid(s, n)) {
                append(r, "[", 1);
                for (size_t i = 0; i < n; i++) {
                        int k = snprintf(esc, sizeof(esc), "%s%u", i ? "," : "", (unsigned char) s[i]);
                        append(r, esc, (size_t) k);
                }
                append(r, "]", 1);
                return;
        }
        append(r, "\"", 1);
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c == '"' || c == '\\') {
                        esc[0] = '\\';
                        esc[1] = (char) c;
                        append(r, esc, 2);
                } else if (c < 0x20 || c == 0x7f) {
                        snprintf(esc, sizeof(esc), "\\u%04x", c);
                        append(r, esc, 6);
                } else
                        append(r, (const char *) &s[i], 1);
        }
        append(r, "\"", 1);
}

/* Plain text from a source anyone can write to (/dev/log): control characters are written as
 * C escapes (\x1b, \r), so no user can move the cursor, clear the screen or forge a line of the
 * container's output. */
static void append_escaped(LogRelay *r, const char *s, size_t n) {
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c < 0x20 || c == 0x7f) {
                        char esc[8];
                        int k = snprintf(esc, sizeof(esc), "\\x%02x", c);
                        append(r, esc, (size_t) k);
                } else
                        append(r, (const char *) &s[i], 1);
        }
}

void logrelay_line(LogRelay *r, const char *unit, const char *line, size_t len) {
        if (!r)
                return;
        if (r->m->log_format == LOG_FORMAT_JSON) {
                append(r, "{\"unit\":", 8);
                append_json_string(r, unit, strlen(unit));
                append(r, ",\"message\":", 11);
                append_json_string(r, line, len);
                append(r, "}\n", 2);
        } else {
                append(r, unit, strlen(unit));
                append(r, ": ", 2);
                append(r, line, len);
                append(r, "\n", 1);
        }
        try_write(r);
}

void logrelay_own(LogRelay *r, const char *line) {
        logrelay_untrusted(r, line, strlen(line));
}

void logrelay_untrusted(LogRelay *r, const char *line, size_t len) {
        if (!r)
                return;
        if (r->len > RELAY_OWN_MAX) {
                r->dropped_own++;
                return;
        }
        if (r->dropped_own) {
                char note[96];
                snprintf(note, sizeof(note), "sdinit: %lu of its own log lines dropped (stdout not read)", r->dropped_own);
                r->dropped_own = 0;
                logrelay_own(r, note);
        }
        if (r->m->log_format == LOG_FORMAT_JSON) {
                append(r, "{\"unit\":\"sdinit\",\"message\":", 27);
                append_json_string(r, line, len);
                append(r, "}\n", 2);
        } else {
                append_escaped(r, line, len);
                append(r, "\n", 1);
        }
        try_write(r);
}

/* systemd's console status lines: "[  OK  ] Started nginx.service - nginx web server." */
void manager_status(Manager *m, const char *tag, MUnit *u, const char *what) {
        char line[1024];
        const char *desc = u->u && u->u->unit.description ? u->u->unit.description : NULL;

        /* the same words in the journal, about the unit (service/journal.c); not "Reloading",
         * which systemd does not log */
        snprintf(line, sizeof(line), "%s %s%s%s%s", what, u->id, desc ? " - " : "", desc ? desc : "", tag ? "." : "...");
        if (tag)
                journal_unit_message(u, strcmp(tag, "FAILED") == 0 || strcmp(tag, "DEPEND") == 0 ? 3 : 6, line);
        else if (strcmp(what, "Reloading") != 0)
                journal_unit_begin_message(u, line);
        if (!m->show_status)
                return;
        if (tag)
                snprintf(line, sizeof(line), "[%s] %s %s%s%s.", tag, what, u->id, desc ? " - " : "", desc ? desc : "");
        else
                snprintf(line, sizeof(line), "         %s %s%s%s...", what, u->id, desc ? " - " : "", desc ? desc : "");
        if (m->log)
                logrelay_own(m->log, line);
        else
                printf("%s\n", line);
}

/* journald's rate limit (journald.conf(5), journald-rate-limit.c), applied per unit to the lines
 * of its stdout/stderr: at most LogRateLimitBurst= lines (10,000 by default) in a window of
 * LogRateLimitIntervalSec= (30 s) that starts at the first line; later lines of the window are
 * dropped; the first line after the window is preceded by "Suppressed N messages from UNIT"
 * when any were. 0 for either setting turns the limit off. journald scales the burst with the free
 * space of the journal's file system (x1 up to 1 MB, x2 at 16 MB, x3 at 256 MB ...); sdinit keeps
 * no journal and applies the burst as set. All lines of a service count as journald's stdout
 * lines do: at one priority (SyslogLevel=info), so in one of its per-priority pools. A unit that
 * floods thus costs PID 1 a read and a count per line, and neither fills the relay's buffer nor
 * holds back the output of the others. */
#define RELAY_RATE_INTERVAL_USEC (30ULL * 1000000ULL)
#define RELAY_RATE_BURST 10000u

/* The event loop's time of this iteration (one clock read per iteration, not one per line); the
 * clock itself only when the loop has none (sd_event_now() fails after a fork). */
static uint64_t loop_now(Manager *m) {
        uint64_t t;
        struct timespec ts;

        if (m->event && sd_event_now(m->event, CLOCK_MONOTONIC, &t) >= 0)
                return t;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000u + (uint64_t) ts.tv_nsec / 1000u;
}

static bool rate_ok(LogRelay *r, MUnit *u, uint64_t now) {
        uint64_t interval = RELAY_RATE_INTERVAL_USEC;
        unsigned burst = RELAY_RATE_BURST;

        if (u->u && unit_is_set(u->u, UD_EXEC_LOG_RATE_LIMIT_INTERVAL_SEC))
                interval = unit_exec(u->u)->log_ratelimit_interval_usec;
        if (u->u && unit_is_set(u->u, UD_EXEC_LOG_RATE_LIMIT_BURST))
                burst = (unsigned) unit_exec(u->u)->log_ratelimit_burst;
        if (interval == 0 || burst == 0)
                return true;
        if (u->rl_num == 0 || u->rl_begin + interval < now) {
                if (u->rl_suppressed) {
                        char note[320];
                        snprintf(note, sizeof(note), "Suppressed %u messages from %s", u->rl_suppressed, u->id);
                        logrelay_own(r, note);
                }
                u->rl_begin = now;
                u->rl_num = 1;
                u->rl_suppressed = 0;
                return true;
        }
        if (u->rl_num < burst) {
                u->rl_num++;
                return true;
        }
        u->rl_suppressed++;
        return false;
}

static void relay_unit_line(LogRelay *r, MUnit *u, const char *line, size_t len, uint64_t now) {
        if (rate_ok(r, u, now))
                logrelay_line(r, u->id, line, len);
}

static void consume(LogRelay *r, MUnit *u, const char *data, size_t n, uint64_t now) {
        if (!u->linebuf && !(u->linebuf = malloc(LINEBUF_MAX)))
                return; /* out of memory: this output is lost, PID 1 goes on */
        for (size_t i = 0; i < n; i++) {
                char c = data[i];
                if (c == '\n' || u->linebuf_len == LINEBUF_MAX) {
                        /* Over-long lines are cut into pieces rather than lost. */
                        journal_stream_line(u, u->linebuf, u->linebuf_len);
                        relay_unit_line(r, u, u->linebuf, u->linebuf_len, now);
                        u->linebuf_len = 0;
                        if (c == '\n')
                                continue;
                }
                u->linebuf[u->linebuf_len++] = c;
        }
}

static int on_unit_output(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        MUnit *u = userdata;
        LogRelay *r = u->m->log;
        char data[8192];
        uint64_t now = loop_now(u->m);
        ssize_t n;

        (void) s, (void) revents;
        n = read(fd, data, sizeof(data));
        if (n > 0) {
                consume(r, u, data, (size_t) n, now);
                return 0;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        /* EOF: every writer is gone. */
        if (u->linebuf_len) {
                journal_stream_line(u, u->linebuf, u->linebuf_len);
                relay_unit_line(r, u, u->linebuf, u->linebuf_len, now);
                u->linebuf_len = 0;
        }
        logrelay_detach(r, u);
        return 0;
}

int logrelay_attach(LogRelay *r, MUnit *u, int fd) {
        int ret;

        logrelay_detach(r, u);
        u->out_fd = fd;
        if (r && r->epfd >= 0) {
                struct epoll_event ev = { .events = EPOLLIN, .data.ptr = u };
                return epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
        }
        ret = sd_event_add_io(u->m->event, &u->out_source, fd, EPOLLIN, on_unit_output, u);
        if (ret < 0)
                return ret;
        if (r && r->paused)
                sd_event_source_set_enabled(u->out_source, SD_EVENT_OFF);
        return 0;
}

void logrelay_drain(LogRelay *r, MUnit *u) {
        char data[8192];
        ssize_t n;

        /* While the reader is behind, what is in the pipe stays there: it is read later. */
        if (u->out_fd < 0 || !r || r->paused)
                return;
        uint64_t now = loop_now(u->m);
        while ((n = read(u->out_fd, data, sizeof(data))) > 0)
                consume(r, u, data, (size_t) n, now);
}

void logrelay_detach(LogRelay *r, MUnit *u) {
        journal_stream_close(u);
        /* Out of the set before the close: a forked child may still hold a copy of the pipe for a
         * moment, and the entry would outlive our fd (and maybe the unit). */
        if (!u->out_source && u->out_fd >= 0 && r && r->epfd >= 0)
                (void) epoll_ctl(r->epfd, EPOLL_CTL_DEL, u->out_fd, NULL);
        u->out_source = sd_event_source_disable_unref(u->out_source);
        if (u->out_fd >= 0)
                close(u->out_fd);
        u->out_fd = -1;
}
