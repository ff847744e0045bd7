/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <signal.h>

#include "common/signames.h"
#include "tests/tap.h"

int main(void) {
        char buf[16];

        CHECK_INT(signal_from_string("SIGTERM"), SIGTERM);
        CHECK_INT(signal_from_string("TERM"), SIGTERM);
        CHECK_INT(signal_from_string("15"), 15);
        CHECK_INT(signal_from_string("SIGRTMIN"), SIGRTMIN);
        CHECK_INT(signal_from_string("SIGRTMIN+3"), SIGRTMIN + 3);
        CHECK_INT(signal_from_string("RTMIN+3"), SIGRTMIN + 3);
        CHECK_INT(signal_from_string("SIGRTMAX-1"), SIGRTMAX - 1);
        CHECK_INT(signal_from_string("SIGRTMAX"), SIGRTMAX);
        CHECK_INT(signal_from_string("SIGIOT"), SIGABRT);
        CHECK_INT(signal_from_string("SIGRTMIN+99"), -EINVAL);
        CHECK_INT(signal_from_string("SIGRTMIN3"), -EINVAL);
        CHECK_INT(signal_from_string("0"), -EINVAL);
        CHECK_INT(signal_from_string("65"), -EINVAL);
        CHECK_INT(signal_from_string("sigterm"), -EINVAL);
        CHECK_INT(signal_from_string(""), -EINVAL);
        CHECK_INT(signal_from_string("15x"), -EINVAL);

        CHECK_INT(signal_from_sig_name("SIGKILL"), SIGKILL);
        CHECK_INT(signal_from_sig_name("KILL"), -EINVAL);
        CHECK_INT(signal_from_sig_name("9"), -EINVAL);

        CHECK_STR(signal_to_string(SIGTERM, buf, sizeof(buf)), "SIGTERM");
        CHECK_STR(signal_to_string(SIGRTMIN + 3, buf, sizeof(buf)), "SIGRTMIN+3");
        CHECK_STR(signal_to_string(SIGRTMIN, buf, sizeof(buf)), "SIGRTMIN");
        CHECK_STR(signal_to_string(32, buf, sizeof(buf)), "32");

        /* Round trip over every signal. */
        for (int s = 1; s <= SIGRTMAX; s++) {
                if (s == 32 || s == 33)
                        continue;
                CHECK_INT(signal_from_string(signal_to_string(s, buf, sizeof(buf))), s);
        }
        return tap_done();
}
