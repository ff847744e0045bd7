/* SPDX-License-Identifier: MIT */
/* Tests of the value parsers: time spans, booleans, sizes, percentages, signals, rlimits,
 * capabilities, exit statuses, word splitting, command lines and environment assignments. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "tests/tap.h"
#include "common/signames.h"
#include "sdu-util.h"
#include "unit-values.h"

#define SEC UINT64_C(1000000)

static uint64_t t(const char *s) {
        uint64_t v = 12345;
        return sdu_parse_sec(s, &v) < 0 ? UINT64_C(999) : v;
}

static char *fmt(uint64_t v) {
        static char buf[64];
        char *s = sdu_format_timespan(v);
        snprintf(buf, sizeof(buf), "%s", s);
        free(s);
        return buf;
}

static uint64_t sz(const char *s) {
        uint64_t v;
        return sdu_parse_size(s, &v) < 0 ? UINT64_C(999) : v;
}

/* Splits a command line and renders it back, or returns the error text. */
static char *exec_str(const char *s) {
        static char out[1024];
        ExecCommandList l = {};
        const char *err;
        bool relaxed = false;
        size_t o = 0;

        if (sdu_parse_exec_line(s, NULL, NULL, &l, &err, &relaxed) < 0) {
                snprintf(out, sizeof(out), "ERR:%s", err ?: "?");
                return out;
        }
        out[0] = 0;
        for (size_t i = 0; i < l.n; i++) {
                char *c = exec_command_to_string(l.items + i);
                o += (size_t) snprintf(out + o, sizeof(out) - o, "%s%s", i ? " | " : "", c);
                free(c);
        }
        if (relaxed)
                snprintf(out + o, sizeof(out) - o, " (relaxed)");
        exec_command_list_done(&l);
        return out;
}

int main(void) {
        uint64_t soft, hard, mask;
        unsigned pm;
        bool inv;
        char *w, *bad = NULL;
        const char *p;

        /* Time spans (systemd.time(7)). */
        CHECK_INT(t("5s"), 5 * SEC);
        CHECK_INT(t("5"), 5 * SEC);
        CHECK_INT(t("1min 30s"), 90 * SEC);
        CHECK_INT(t("1min30s"), 90 * SEC);
        CHECK_INT(t("100ms"), 100000);
        CHECK_INT(t("1.5h"), 5400 * SEC);
        CHECK_INT(t("2 h"), 7200 * SEC);
        CHECK_INT(t("1m"), 60 * SEC);              /* m is minutes ... */
        CHECK_INT(t("1M"), 2629800 * SEC);         /* ... M is months */
        CHECK_INT(t("1y"), 31557600 * SEC);
        CHECK_INT(t("1w 1d"), 8 * 86400 * SEC);
        CHECK_INT(t("10us"), 10);
        CHECK_INT(t("3 seconds"), 3 * SEC);
        CHECK_INT(t("0"), 0);
        CHECK(t("infinity") == SDU_USEC_INFINITY);
        CHECK_INT(t(""), 999);
        CHECK_INT(t("-5s"), 999);
        CHECK_INT(t("5x"), 999);
        CHECK_INT(t("s"), 999);
        CHECK_INT(t("99999999999999999999"), 999);
        CHECK_STR(fmt(90 * SEC), "1min 30s");
        CHECK_STR(fmt(100000), "100ms");
        CHECK_STR(fmt(SDU_USEC_INFINITY), "infinity");
        CHECK_STR(fmt(0), "0");

        /* Booleans. */
        CHECK_INT(sdu_parse_boolean("yes"), 1);
        CHECK_INT(sdu_parse_boolean("On"), 1);
        CHECK_INT(sdu_parse_boolean("1"), 1);
        CHECK_INT(sdu_parse_boolean("true"), 1);
        CHECK_INT(sdu_parse_boolean("off"), 0);
        CHECK_INT(sdu_parse_boolean("FALSE"), 0);
        CHECK_INT(sdu_parse_boolean("no"), 0);
        CHECK_INT(sdu_parse_boolean("2"), -EINVAL);
        CHECK_INT(sdu_parse_boolean(""), -EINVAL);

        /* Sizes, base 1024. */
        CHECK_INT(sz("512M"), 512ULL << 20);
        CHECK_INT(sz("1G"), 1ULL << 30);
        CHECK_INT(sz("1.5K"), 1536);
        CHECK_INT(sz("524288"), 524288);
        CHECK_INT(sz("1G 512M"), (1ULL << 30) + (512ULL << 20));
        CHECK_INT(sz("12Q"), 999);
        CHECK_INT(sz("-1K"), 999);
        CHECK_INT(sdu_parse_permyriad("50%", &pm), 0);
        CHECK_INT(pm, 5000);
        CHECK_INT(sdu_parse_permyriad("12.5%", &pm), 0);
        CHECK_INT(pm, 1250);
        CHECK_INT(sdu_parse_permyriad("99%", &pm), 0);
        CHECK_INT(pm, 9900);
        CHECK_INT(sdu_parse_permyriad("101%", &pm), -ERANGE);
        CHECK_INT(sdu_parse_permyriad("5", &pm), -EINVAL);

        /* Signals. */
        CHECK_INT(signal_from_string("SIGTERM"), SIGTERM);
        CHECK_INT(signal_from_string("TERM"), SIGTERM);
        CHECK_INT(signal_from_string("9"), SIGKILL);
        CHECK_INT(signal_from_string("SIGRTMIN+3"), SIGRTMIN + 3);
        CHECK_INT(signal_from_string("RTMAX-1"), SIGRTMAX - 1);
        CHECK_INT(signal_from_string("SIGFOO"), -EINVAL);
        CHECK_INT(signal_from_string("0"), -EINVAL);
        CHECK_INT(signal_from_string("RTMIN+999"), -EINVAL);
        CHECK_INT(signal_from_string("sigterm"), -EINVAL);

        /* rlimits. */
        CHECK_INT(sdu_parse_rlimit(RLIMIT_NOFILE, "1024:4096", &soft, &hard), 0);
        CHECK_INT(soft, 1024);
        CHECK_INT(hard, 4096);
        CHECK_INT(sdu_parse_rlimit(RLIMIT_CORE, "infinity", &soft, &hard), 0);
        CHECK(soft == SDU_SIZE_INFINITY && hard == SDU_SIZE_INFINITY);
        CHECK_INT(sdu_parse_rlimit(RLIMIT_MEMLOCK, "64K:infinity", &soft, &hard), 0);
        CHECK_INT(soft, 65536);
        CHECK_INT(sdu_parse_rlimit(RLIMIT_CPU, "1min", &soft, &hard), 0);
        CHECK_INT(soft, 60);
        CHECK_INT(sdu_parse_rlimit(RLIMIT_NICE, "-5", &soft, &hard), 0);
        CHECK_INT(soft, 25);
        CHECK_INT(sdu_parse_rlimit(RLIMIT_NOFILE, "4096:1024", &soft, &hard), -EILSEQ);
        CHECK_INT(sdu_parse_rlimit(RLIMIT_NOFILE, "lots", &soft, &hard), -EINVAL);
        CHECK_INT(sdu_rlimit_from_directive("LimitNOFILE"), RLIMIT_NOFILE);

        /* Capabilities. */
        CHECK_INT(sdu_parse_capability_set("CAP_NET_ADMIN cap_chown", &mask, &inv, NULL), 0);
        CHECK(mask == ((UINT64_C(1) << 12) | 1) && !inv);
        CHECK_INT(sdu_parse_capability_set("~CAP_SYS_ADMIN", &mask, &inv, NULL), 0);
        CHECK(mask == (UINT64_C(1) << 21) && inv);
        CHECK_INT(sdu_parse_capability_set("CAP_NET_ADMIN CAP_BOGUS", &mask, &inv, &bad), -EINVAL);
        CHECK_STR(bad, "CAP_BOGUS");
        free(bad);
        bad = NULL;
        CHECK_INT(sdu_capability_from_name("CAP_CHECKPOINT_RESTORE"), 40);

        /* Exit statuses. */
        {
                SduExitStatusSet s = {};
                char *str;

                CHECK_INT(sdu_exit_status_set_add(&s, "0 143 SIGKILL TERM NOTINSTALLED", NULL), 0);
                CHECK(sdu_exit_status_set_test(&s, 143, false));
                CHECK(sdu_exit_status_set_test(&s, 5, false));
                CHECK(sdu_exit_status_set_test(&s, SIGKILL, true));
                CHECK(!sdu_exit_status_set_test(&s, 1, false));
                str = sdu_exit_status_set_to_string(&s);
                CHECK_STR(str, "0 5 143 SIGKILL SIGTERM");
                free(str);
                CHECK_INT(sdu_exit_status_set_add(&s, "256", &bad), -ERANGE);
                free(bad);
                bad = NULL;
                CHECK_INT(sdu_exit_status_set_add(&s, "SIGBOGUS", &bad), -EINVAL);
                CHECK_STR(bad, "SIGBOGUS");
                free(bad);
        }

        /* Word extraction with quotes anywhere and C escapes. */
        p = "  a\"b c\"d 'e f' \\x41\\n \"\"";
        CHECK_INT(sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE), 1);
        CHECK_STR(w, "ab cd");
        free(w);
        CHECK_INT(sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE), 1);
        CHECK_STR(w, "e f");
        free(w);
        CHECK_INT(sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE), 1);
        CHECK(strcmp(w, "A\n") == 0);
        free(w);
        CHECK_INT(sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE), 1);
        CHECK_STR(w, "");
        free(w);
        CHECK_INT(sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE), 0);
        p = "\"unterminated";
        CHECK_INT(sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE), -EINVAL);
        p = "\\q";
        CHECK_INT(sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE), -EINVAL);
        p = "\\q";
        CHECK_INT(sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE | SDU_EXTRACT_UNESCAPE_RELAX), 1);
        CHECK_STR(w, "\\q");
        free(w);

        /* Command lines: prefixes, quoting, ';' separators, $VAR kept verbatim. */
        CHECK_STR(exec_str("/bin/echo a b"), "/bin/echo a b");
        CHECK_STR(exec_str("-/bin/false"), "-/bin/false");
        CHECK_STR(exec_str("@/bin/sh mysh -c x"), "@/bin/sh mysh -c x");
        CHECK_STR(exec_str("-@:+/bin/true mytrue"), "-@:+/bin/true mytrue");
        CHECK_STR(exec_str("!/usr/sbin/chronyd $DAEMON_OPTS"), "!/usr/sbin/chronyd $DAEMON_OPTS");
        CHECK_STR(exec_str("!!/bin/x ${VAR} $$"), "!!/bin/x ${VAR} $$");
        CHECK_STR(exec_str("/bin/sh -c \"a ; b\""), "/bin/sh -c \"a ; b\"");
        CHECK_STR(exec_str("/bin/a 1 ; /bin/b 2"), "/bin/a 1 | /bin/b 2");
        CHECK_STR(exec_str("/bin/a \\; x"), "/bin/a \";\" x");
        CHECK_STR(exec_str("/bin/a x;y"), "/bin/a \"x;y\"");
        CHECK_STR(exec_str("true arg"), "true arg");
        CHECK_STR(exec_str("/bin/echo \\x41 '\\t'"), "/bin/echo A \"\\t\"");
        CHECK_STR(exec_str("/bin/echo \\q"), "/bin/echo \"\\\\q\" (relaxed)");
        CHECK_STR(exec_str("bin/echo"), "ERR:Neither a valid executable name nor an absolute path");
        CHECK_STR(exec_str("/usr//bin/x"), "ERR:Executable path is not normalized");
        CHECK_STR(exec_str("/usr/bin/"), "ERR:Executable path specifies a directory");
        CHECK_STR(exec_str("-"), "ERR:Empty path in command line");
        CHECK_STR(exec_str("@/bin/sh"), "ERR:Empty executable name or zeroeth argument");
        CHECK_STR(exec_str("/bin/echo \"open"), "ERR:Unbalanced quoting");
        CHECK_STR(exec_str("+!/bin/x"), "ERR:Neither a valid executable name nor an absolute path");

        /* Environment assignments. */
        CHECK(sdu_env_assignment_is_valid("A=b c"));
        CHECK(sdu_env_assignment_is_valid("_X1="));
        CHECK(!sdu_env_assignment_is_valid("1A=b"));
        CHECK(!sdu_env_assignment_is_valid("A-B=c"));
        CHECK(!sdu_env_assignment_is_valid("NOEQUALS"));
        CHECK(!sdu_env_assignment_is_valid("A=\001"));
        {
                char **env = NULL;
                CHECK_INT(env_set(&env, "A=1"), 0);
                CHECK_INT(env_set(&env, "B=2"), 0);
                CHECK_INT(env_set(&env, "A=3"), 0);
                CHECK_INT(strv_length(env), 2);
                CHECK_STR(env[0], "A=3");
                strv_free(env);
        }

        /* Modes. */
        {
                mode_t m;
                CHECK_INT(sdu_parse_mode("0755", &m), 0);
                CHECK_INT(m, 0755);
                CHECK_INT(sdu_parse_mode("777", &m), 0);
                CHECK_INT(m, 0777);
                CHECK(sdu_parse_mode("0800", &m) < 0);
                CHECK(sdu_parse_mode("17777", &m) < 0);
        }
        return tap_done();
}
