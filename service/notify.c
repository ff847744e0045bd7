/* SPDX-License-Identifier: MIT */
#include "service/notify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool parse_u64(const char *s, size_t n, uint64_t *ret) {
        uint64_t v = 0;

        if (n == 0 || n > 20)
                return false;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return false;
                if (v > (UINT64_MAX - (uint64_t) (s[i] - '0')) / 10)
                        return false;
                v = v * 10 + (uint64_t) (s[i] - '0');
        }
        *ret = v;
        return true;
}

/* line[0..n) equals "key=" followed by the value; returns the value or NULL. */
static const char *value_of(const char *line, size_t n, const char *key, size_t *ret_len) {
        size_t k = strlen(key);

        if (n <= k || memcmp(line, key, k) != 0 || line[k] != '=')
                return NULL;
        *ret_len = n - k - 1;
        return line + k + 1;
}

static bool is(const char *line, size_t n, const char *assignment) {
        return strlen(assignment) == n && memcmp(line, assignment, n) == 0;
}

int notify_parse(const char *buf, size_t len, struct notify_msg *m, const char **ret_error) {
        const char *p = buf, *end = buf + len;

        memset(m, 0, sizeof(*m));
        if (len == 0) {
                *ret_error = "empty notification";
                return -EBADMSG;
        }
        if (memchr(buf, '\0', len)) {
                *ret_error = "notification contains a NUL byte";
                return -EBADMSG;
        }

        while (p < end) {
                const char *nl = memchr(p, '\n', (size_t) (end - p));
                size_t n = (size_t) ((nl ? nl : end) - p), vl;
                const char *v;
                uint64_t u;

                if (n == 0) {
                        p += 1;
                        continue;
                }
                if (is(p, n, "READY=1"))
                        m->ready = true;
                else if (is(p, n, "RELOADING=1"))
                        m->reloading = true;
                else if (is(p, n, "STOPPING=1"))
                        m->stopping = true;
                else if (is(p, n, "BARRIER=1"))
                        m->barrier = true;
                else if (is(p, n, "WATCHDOG=1"))
                        m->watchdog_ping = true;
                else if (is(p, n, "WATCHDOG=trigger"))
                        m->watchdog_trigger = true;
                else if ((v = value_of(p, n, "STATUS", &vl))) {
                        if (vl >= sizeof(m->status))
                                vl = sizeof(m->status) - 1;
                        memcpy(m->status, v, vl);
                        m->status[vl] = '\0';
                        m->has_status = true;
                } else if ((v = value_of(p, n, "MAINPID", &vl))) {
                        if (parse_u64(v, vl, &u) && u > 0 && u <= INT32_MAX)
                                m->main_pid = (pid_t) u;
                        else
                                m->n_ignored++;
                } else if ((v = value_of(p, n, "ERRNO", &vl))) {
                        if (parse_u64(v, vl, &u) && u <= INT32_MAX) {
                                m->errno_value = (int) u;
                                m->has_errno = true;
                        } else
                                m->n_ignored++;
                } else if ((v = value_of(p, n, "EXTEND_TIMEOUT_USEC", &vl))) {
                        if (parse_u64(v, vl, &m->extend_timeout_usec))
                                m->has_extend_timeout = true;
                        else
                                m->n_ignored++;
                } else if ((v = value_of(p, n, "WATCHDOG_USEC", &vl))) {
                        if (parse_u64(v, vl, &m->watchdog_usec) && m->watchdog_usec > 0)
                                m->has_watchdog_usec = true;
                        else
                                m->n_ignored++;
                } else
                        m->n_ignored++; /* MONOTONIC_USEC=, FDSTORE=, unknown: not ours */
                p += n + 1;
        }
        return 0;
}
