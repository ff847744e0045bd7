/* SPDX-License-Identifier: MIT */
#pragma once

/* sd_notify(3) datagrams: parsing and validation, without any I/O (the socket lives in the
 * manager). A datagram is a list of newline-separated VAR=VALUE assignments; each line is
 * compared as a whole, never by substring ("READY=1" matches, "XREADY=1" and "READY=10" do not). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NOTIFY_MESSAGE_MAX 4096 /* systemd accepts datagrams up to its buffer (NOTIFY_BUFFER_MAX) */
#define NOTIFY_STATUS_MAX 1024

struct notify_msg {
        bool ready, reloading, stopping, barrier;
        bool watchdog_ping, watchdog_trigger;
        bool has_status, has_errno, has_extend_timeout, has_watchdog_usec;
        pid_t main_pid; /* 0 when absent */
        int errno_value;
        uint64_t extend_timeout_usec, watchdog_usec;
        char status[NOTIFY_STATUS_MAX];
        unsigned n_ignored; /* assignments we do not know or that were malformed */
};

/* Parses len bytes of buf. Returns 0, or -EBADMSG for a datagram that must be dropped whole
 * (embedded NUL, empty), with *ret_error saying why. Malformed single assignments are counted in
 * n_ignored and do not invalidate the rest, as with systemd. */
int notify_parse(const char *buf, size_t len, struct notify_msg *m, const char **ret_error);
