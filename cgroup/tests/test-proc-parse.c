/* SPDX-License-Identifier: MIT */
/* The parsers of /proc files split out of their readers (fuzzed in fuzz/fuzz-proc.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cg-manager.h"
#include "cgroup/env-internal.h"
#include "cgroup/env.h"
#include "cgroup/mountinfo.h"
#include "tests/tap.h"

static int stat_ppid(const char *s) {
        char state = 0;
        pid_t ppid = -7, sid = -7;
        int r = proc_stat_parse(s, strlen(s), &state, &ppid, &sid);
        return r < 0 ? r : (int) ppid;
}

int main(void) {
        char state = 0;
        pid_t ppid = 0, sid = 0;

        /* comm holds ") (" and spaces: the fields start after the last ')'. */
        const char *st = "4242 (a) b) (c d) S 17 4242 99 0 -1 4194560 0 0";
        CHECK_INT(proc_stat_parse(st, strlen(st), &state, &ppid, &sid), 0);
        CHECK_INT(state, 'S');
        CHECK_INT(ppid, 17);
        CHECK_INT(sid, 99);
        CHECK_INT(stat_ppid("1 (init) S 0 1 1 0"), 0);
        CHECK_INT(stat_ppid("77 (z) Z 1 77 77"), 1);
        CHECK_INT(stat_ppid(""), -EBADMSG);
        CHECK_INT(stat_ppid("12 (x)"), -EBADMSG);        /* cut after comm */
        CHECK_INT(stat_ppid("12 (x) "), -EBADMSG);
        CHECK_INT(stat_ppid("12 (x) S"), -EBADMSG);       /* no ppid */
        CHECK_INT(stat_ppid("12 (x) S 99999999999 1 1"), -EBADMSG);
        CHECK_INT(stat_ppid("12 (x) S 5x 1 1"), -EBADMSG);
        CHECK_INT(stat_ppid(")"), -EBADMSG);              /* ')' last: nothing read past the end */
        /* Only n bytes are looked at. */
        CHECK_INT(proc_stat_parse("12 (x) S 34 1 1", 10, &state, &ppid, NULL), 0);
        CHECK_INT(ppid, 3);

        {
                struct env_id_extent map[ENV_MAP_MAX];
                size_t n = 99;
                CHECK_INT(env_parse_id_map("         0     100000      65536\n", map, &n), 0);
                CHECK_INT(n, 1);
                CHECK_INT(map[0].outside, 100000);
                CHECK_INT(map[0].count, 65536);
                CHECK_INT(env_parse_id_map("0 0 4294967295", map, &n), 0); /* unterminated */
                CHECK_INT(n, 1);
                CHECK_INT(map[0].count, 4294967295u);
                CHECK_INT(env_parse_id_map("", map, &n), 0);
                CHECK_INT(n, 0);
                CHECK_INT(env_parse_id_map("0 1\n", map, &n), 0); /* cut short */
                CHECK_INT(n, 0);
                char big[20 * 16 + 1] = "";
                for (int i = 0; i < 20; i++)
                        strcat(big, "1 2 3\n         ");
                CHECK_INT(env_parse_id_map(big, map, &n), 0);
                CHECK_INT(n, ENV_MAP_MAX); /* more extents than the kernel allows: the first kept */
        }
        {
                char own[16] = "unset", text[] = "12:cpu:/x\n0::/a/very/long/path/beyond/sixteen\n";
                env_parse_own_cgroup(text, own, sizeof(own));
                CHECK(strcmp(own, "/a/very/long/pa") == 0); /* truncated, terminated */
                char none[] = "\n\n1:name=systemd:/\n", own2[8] = "unset";
                env_parse_own_cgroup(none, own2, sizeof(own2));
                CHECK(strcmp(own2, "unset") == 0);
        }
        {
                struct env_info *info = calloc(1, sizeof(*info));
                char text[] = "Name:\tx\nUid:\t0\t1000\t0\t0\nPid:\t9\nNSpid:\t9\t1\nCapEff:\t00000000a80425fb\n";
                env_parse_status(text, info);
                CHECK_INT(info->euid, 1000);
                CHECK_INT(info->pid, 1);
                CHECK(info->pid1 == ENV_YES);
                free(info);
        }
        {
                /* Mounts stacked on /sys, each on the one before: the top one is the visible one. */
                struct mountinfo mi;
                char *text = NULL;
                size_t len = 0;
                FILE *f = open_memstream(&text, &len);
                for (int i = 1; i <= 3000; i++)
                        fprintf(f, "%d %d 0:1 / /sys rw - tmpfs t rw\n", i, i == 1 ? 1 : i - 1);
                fclose(f);
                CHECK_INT(mountinfo_parse(text, &mi), 0);
                CHECK_INT(mountinfo_find_visible(&mi, "/sys"), 2999);
                CHECK(!mountinfo_visible(&mi, 1500));
                mountinfo_free(&mi);
                free(text);
        }
        return tap_done();
}
