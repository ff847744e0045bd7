/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <string.h>

#include "service/notify.h"
#include "tests/tap.h"

static int parse(const char *s, struct notify_msg *m) {
        const char *err = NULL;
        return notify_parse(s, strlen(s), m, &err);
}

int main(void) {
        struct notify_msg m;
        const char *err = NULL;

        CHECK_INT(parse("READY=1", &m), 0);
        CHECK(m.ready);
        CHECK_INT(parse("READY=1\nSTATUS=Listening on 0.0.0.0:80\nMAINPID=42\n", &m), 0);
        CHECK(m.ready && m.has_status && m.main_pid == 42);
        CHECK_STR(m.status, "Listening on 0.0.0.0:80");

        /* whole lines only */
        CHECK_INT(parse("XREADY=1\nREADY=10\nREADY=1x", &m), 0);
        CHECK(!m.ready);
        CHECK_INT(m.n_ignored, 3);
        CHECK_INT(parse("STOPPING=1\nRELOADING=1\nBARRIER=1\nWATCHDOG=1\nWATCHDOG=trigger", &m), 0);
        CHECK(m.stopping && m.reloading && m.barrier && m.watchdog_ping && m.watchdog_trigger);

        CHECK_INT(parse("ERRNO=2\nEXTEND_TIMEOUT_USEC=5000000\nWATCHDOG_USEC=3000000", &m), 0);
        CHECK(m.has_errno && m.errno_value == 2);
        CHECK(m.has_extend_timeout && m.extend_timeout_usec == 5000000);
        CHECK(m.has_watchdog_usec && m.watchdog_usec == 3000000);

        /* malformed values are ignored, the rest still counts */
        CHECK_INT(parse("MAINPID=-1\nMAINPID=abc\nMAINPID=0\nERRNO=x\nEXTEND_TIMEOUT_USEC=99999999999999999999999\nREADY=1", &m), 0);
        CHECK(m.ready && m.main_pid == 0 && !m.has_errno && !m.has_extend_timeout);
        CHECK_INT(m.n_ignored, 5);

        /* dropped whole */
        CHECK_INT(notify_parse("READY=1\0MAINPID=1", 17, &m, &err), -EBADMSG);
        CHECK(err && strstr(err, "NUL"));
        CHECK_INT(notify_parse("", 0, &m, &err), -EBADMSG);

        /* an oversized STATUS is truncated, not overflowing */
        {
                static char big[8000];
                memcpy(big, "STATUS=", 7);
                memset(big + 7, 'a', sizeof(big) - 8);
                CHECK_INT(notify_parse(big, sizeof(big) - 1, &m, &err), 0);
                CHECK_INT(strlen(m.status), NOTIFY_STATUS_MAX - 1);
        }
        return tap_done();
}
