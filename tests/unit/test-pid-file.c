/* SPDX-License-Identifier: MIT */
/* PIDFile= reading: what a daemon may leave in the file, and files that must not block PID 1. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "service/pid-file.h"
#include "tests/tap.h"

static int parse(const char *s, size_t n) {
        pid_t p = -7;
        int r = pid_file_parse(s, n, &p);
        if (r < 0)
                return p == -7 ? r : -9999; /* failure must leave *ret alone */
        return (int) p;
}

int main(void) {
        static const struct {
                const char *text;
                size_t len;
                int want;
        } cases[] = {
                { "123\n", 4, 123 },
                { "123", 3, 123 },                   /* unterminated */
                { "\n\n \t 42 \r\n", 11, 42 },       /* blank lines first, CRLF */
                { "", 0, -EBADMSG },                 /* empty */
                { " \n\t\r\n", 5, -EBADMSG },        /* blank only */
                { "0\n", 2, -EBADMSG },
                { "-1\n", 3, -EBADMSG },
                { "+7", 2, 7 },
                { "2147483647", 10, 2147483647 },
                { "2147483648", 10, -EBADMSG },      /* beyond INT_MAX: fscanf("%d") was undefined here */
                { "99999999999999999999999", 23, -EBADMSG },
                { "12abc", 5, 12 },                  /* what fscanf("%d") took before */
                { "\0" "123", 4, -EBADMSG },         /* NUL first */
                { "\x7f\xff\x01", 3, -EBADMSG },     /* binary */
                { "45", 1, 4 },                      /* only n bytes are looked at */
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
                CHECK_INT(parse(cases[i].text, cases[i].len), cases[i].want);

        {
                char dir[] = "/var/tmp/test-pid-file.XXXXXX", path[128];
                pid_t p = 0;
                FILE *f;

                CHECK(mkdtemp(dir) != NULL);
                snprintf(path, sizeof(path), "%s/ok.pid", dir);
                f = fopen(path, "we");
                fputs("4242\n", f);
                fclose(f);
                CHECK_INT(pid_file_read(path, &p, NULL), 0);
                CHECK_INT(p, 4242);

                /* A huge file: only its start is read (digits beyond 4 KiB never parsed). */
                f = fopen(path, "we");
                fputs("77", f);
                for (int k = 0; k < 1024 * 1024; k++)
                        fputc(' ', f);
                fputs("99999", f);
                fclose(f);
                CHECK_INT(pid_file_read(path, &p, NULL), 0);
                CHECK_INT(p, 77);
                unlink(path);

                /* A FIFO with no writer: fopen() blocked PID 1 here forever. */
                snprintf(path, sizeof(path), "%s/fifo.pid", dir);
                CHECK_INT(mkfifo(path, 0600), 0);
                CHECK_INT(pid_file_read(path, &p, NULL), -EBADFD);
                unlink(path);

                CHECK_INT(pid_file_read("/dev/null", &p, NULL), -EBADFD);
                snprintf(path, sizeof(path), "%s/missing.pid", dir);
                CHECK_INT(pid_file_read(path, &p, NULL), -ENOENT);
                CHECK_INT(pid_file_read(dir, &p, NULL), -EBADFD); /* a directory */
                rmdir(dir);
        }

        /* Issue 12: the owner of the file and the safety of the path (systemd's CHASE_SAFE), which
         * decide whether a PID outside the unit may be believed. Needs root (chown). */
        if (geteuid() == 0) {
                char dir[] = "/var/tmp/test-pid-chain.XXXXXX", sub[160], path[200], link[200];
                PidFileInfo info;
                pid_t p = 0;
                FILE *f;

                CHECK(mkdtemp(dir) != NULL);
                snprintf(sub, sizeof(sub), "%s/user", dir); /* a directory of uid 65534, as RuntimeDirectory= */
                CHECK_INT(mkdir(sub, 0755), 0);
                CHECK_INT(chown(sub, 65534, 65534), 0);

                snprintf(path, sizeof(path), "%s/own.pid", sub); /* the user's own file: safe, owner 65534 */
                f = fopen(path, "we");
                fputs("1\n", f);
                fclose(f);
                CHECK_INT(chown(path, 65534, 65534), 0);
                CHECK_INT(pid_file_read(path, &p, &info), 0);
                CHECK(!info.questionable);
                CHECK_INT(info.owner, 65534);

                snprintf(path, sizeof(path), "%s/root.pid", sub); /* root's file in the user's directory */
                f = fopen(path, "we");
                fputs("2\n", f);
                fclose(f);
                CHECK_INT(pid_file_read(path, &p, &info), 0);
                CHECK(info.questionable);
                CHECK_INT(info.owner, 0);

                /* The user's symlink to a root-owned file elsewhere: questionable, owner root. */
                snprintf(link, sizeof(link), "%s/link.pid", sub);
                snprintf(path, sizeof(path), "%s/elsewhere.pid", dir);
                f = fopen(path, "we");
                fputs("3\n", f);
                fclose(f);
                CHECK_INT(symlink(path, link), 0);
                CHECK_INT(lchown(link, 65534, 65534), 0);
                CHECK_INT(pid_file_read(link, &p, &info), 0);
                CHECK_INT(p, 3);
                CHECK(info.questionable);

                /* Root's own chain (root directory, root file, relative link): safe. */
                snprintf(link, sizeof(link), "%s/rel.pid", dir);
                CHECK_INT(symlink("elsewhere.pid", link), 0);
                CHECK_INT(pid_file_read(link, &p, &info), 0);
                CHECK(!info.questionable && p == 3);

                /* A loop of links ends. */
                snprintf(link, sizeof(link), "%s/loop", dir);
                CHECK_INT(symlink("loop", link), 0);
                CHECK_INT(pid_file_read(link, &p, &info), -ELOOP);

                snprintf(path, sizeof(path), "rm -rf %s", dir);
                CHECK_INT(system(path), 0);
        }
        return tap_done();
}
