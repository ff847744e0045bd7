/* SPDX-License-Identifier: MIT */
/* First boot (systemd's m->first_boot): whether this is one, and /run/systemd/first-boot, which
 * ConditionFirstBoot= reads, while it lasts. Set at start (init/) and cleared once the boot's jobs
 * are done (transaction.c). */
#include "service/manager.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "units/unit-values.h"

bool manager_detect_first_boot(char *const *argv) {
        static const char key[] = "systemd.condition-first-boot";
        char buf[64];
        FILE *f;
        bool first;

        for (size_t i = 0; argv && argv[i]; i++) {
                if (strncmp(argv[i], key, sizeof(key) - 1) != 0)
                        continue;
                if (argv[i][sizeof(key) - 1] == '\0')
                        return true; /* a bare boolean option is true (proc_cmdline_get_bool()) */
                if (argv[i][sizeof(key) - 1] == '=') {
                        int b = sdu_parse_boolean(argv[i] + sizeof(key));
                        if (b >= 0)
                                return b;
                }
        }
        f = fopen("/etc/machine-id", "re");
        if (!f)
                return true;
        /* The first line, as read_one_line_file(): an empty file is an initialised system. */
        first = fgets(buf, sizeof(buf), f) ? strcmp(buf, "uninitialized\n") == 0 || strcmp(buf, "uninitialized") == 0
                                           : ferror(f) != 0;
        fclose(f);
        return first;
}

void manager_set_first_boot(Manager *m, bool b) {
        if (getpid() != 1 || m->first_boot == b)
                return;
        m->first_boot = b;
        if (b) {
                int fd = open("/run/systemd/first-boot", O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
                if (fd < 0 && (mkdir("/run/systemd", 0755) >= 0 || errno == EEXIST))
                        fd = open("/run/systemd/first-boot", O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
                if (fd < 0)
                        manager_log(m, MLOG_WARN, "cannot create /run/systemd/first-boot: %s", strerror(errno));
                else
                        close(fd);
        } else if (unlink("/run/systemd/first-boot") < 0 && errno != ENOENT)
                manager_log(m, MLOG_WARN, "cannot remove /run/systemd/first-boot: %s", strerror(errno));
}
