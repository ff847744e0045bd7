/* SPDX-License-Identifier: MIT */
/* The log lines under `systemctl status UNIT`, read from the local journal as systemd 252's
 * show_journal_by_unit() reads them (src/shared/logs-show.c): the unit's entries of this boot
 * (add_matches_for_unit()'s four matches), the last `how_many` since the unit last left the
 * inactive state, in journalctl's "short" format, after a blank line; and systemd's notice when the
 * journal begins after that moment. Nothing is printed when there is no journal. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>

#include "ctl/ctl.h"

/* The value of FIELD= in the current entry, or NULL (valid until the next sd_journal call). */
static const char *field(sd_journal *j, const char *name, size_t *len) {
        const void *d;
        size_t l, n = strlen(name);

        if (sd_journal_get_data(j, name, &d, &l) < 0 || l <= n)
                return NULL;
        *len = l - n - 1;
        return (const char *) d + n + 1;
}

static bool printable(const char *s, size_t n) {
        for (size_t i = 0; i < n; i++)
                if ((unsigned char) s[i] < ' ' && s[i] != '\t' && s[i] != '\n')
                        return false;
        return true;
}

static void print_entry(sd_journal *j) {
        char *host = NULL, *ident = NULL, *pid = NULL, ts[64] = "";
        const char *v;
        size_t n;
        uint64_t usec;
        time_t t;
        struct tm tm;

        v = field(j, "MESSAGE", &n);
        if (!v)
                return; /* systemd skips entries without MESSAGE= */
        if (sd_journal_get_realtime_usec(j, &usec) >= 0) {
                t = (time_t) (usec / 1000000);
                if (localtime_r(&t, &tm))
                        strftime(ts, sizeof(ts), "%b %d %H:%M:%S", &tm);
        }
        printf("%s", ts);
        /* each field copied: sd_journal_get_data() reuses its buffer */
        if ((v = field(j, "_HOSTNAME", &n)))
                host = strndup(v, n);
        if ((v = field(j, "SYSLOG_IDENTIFIER", &n)) || (v = field(j, "_COMM", &n)))
                ident = strndup(v, n);
        if ((v = field(j, "_PID", &n)) || (v = field(j, "SYSLOG_PID", &n)))
                pid = strndup(v, n);
        if (host)
                printf(" %s", host);
        printf(" %s", ident ? ident : "unknown");
        if (pid)
                printf("[%s]", pid);
        fputs(": ", stdout);
        v = field(j, "MESSAGE", &n);
        if (v && printable(v, n))
                printf("%.*s\n", (int) n, v);
        else
                printf("[%zu B blob data]\n", v ? n : 0);
        free(host), free(ident), free(pid);
}

void ctl_show_unit_journal(const char *unit, uint64_t not_before, unsigned how_many) {
        static const char *const key[] = { "_SYSTEMD_UNIT=", "COREDUMP_UNIT=", "UNIT=", "OBJECT_SYSTEMD_UNIT=" };
        char m[4][512], boot[64];
        sd_journal *j = NULL;
        sd_id128_t id;
        unsigned lines = 0;
        uint64_t cutoff = 0;
        int r;

        if (how_many == 0 || sd_id128_get_boot(&id) < 0)
                return;
        for (size_t i = 0; i < 4; i++)
                if ((size_t) snprintf(m[i], sizeof(m[i]), "%s%s", key[i], unit) >= sizeof(m[i]))
                        return;
        snprintf(boot, sizeof(boot), "_BOOT_ID=" SD_ID128_FORMAT_STR, SD_ID128_FORMAT_VAL(id));
        if (sd_journal_open_namespace(&j, NULL, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_INCLUDE_DEFAULT_NAMESPACE) < 0)
                return;
        /* the service itself; its core dumps; PID 1 about it; authorized daemons about it */
        r = sd_journal_add_match(j, m[0], 0);
        if (r >= 0 && (r = sd_journal_add_disjunction(j)) >= 0 &&
            (r = sd_journal_add_match(j, "MESSAGE_ID=fc2e22bc6ee647b6b90729ab34a250b1", 0)) >= 0 &&
            (r = sd_journal_add_match(j, "_UID=0", 0)) >= 0)
                r = sd_journal_add_match(j, m[1], 0);
        if (r >= 0 && (r = sd_journal_add_disjunction(j)) >= 0 && (r = sd_journal_add_match(j, "_PID=1", 0)) >= 0)
                r = sd_journal_add_match(j, m[2], 0);
        if (r >= 0 && (r = sd_journal_add_disjunction(j)) >= 0 && (r = sd_journal_add_match(j, "_UID=0", 0)) >= 0)
                r = sd_journal_add_match(j, m[3], 0);
        if (r >= 0 && (r = sd_journal_add_conjunction(j)) >= 0)
                r = sd_journal_add_match(j, boot, 0);
        if (r < 0 || sd_journal_seek_tail(j) < 0) {
                sd_journal_close(j);
                return;
        }
        /* previous_skip() leaves the cursor on the first entry to show (r > 0) */
        for (r = sd_journal_previous_skip(j, how_many); r > 0; r = sd_journal_next(j)) {
                uint64_t mono;
                if (sd_journal_get_monotonic_usec(j, &mono, NULL) < 0)
                        continue; /* -ESTALE: another boot; or no entry at all */
                if (not_before > 0 && mono < not_before)
                        continue;
                if (lines++ == 0)
                        puts("");
                print_entry(j);
        }
        if (lines < how_many && not_before > 0 && sd_journal_get_cutoff_monotonic_usec(j, id, &cutoff, NULL) > 0 &&
            not_before < cutoff) {
                if (lines == 0)
                        puts("");
                puts("Notice: journal has been rotated since unit was started, output may be incomplete.");
        }
        sd_journal_close(j);
}
