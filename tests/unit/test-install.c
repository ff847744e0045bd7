/* SPDX-License-Identifier: MIT */
/* install/: enable, disable, mask, unmask, states, list, default target in a temporary root. The
 * differential test against Debian's systemctl is tests/integration/test_systemctl_offline.py;
 * this one checks the API (return values, change lists) without needing systemctl. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "install/install.h"
#include "tests/tap.h"

static char root[PATH_MAX];

static void put(const char *rel, const char *text) {
        char p[PATH_MAX * 2], cmd[PATH_MAX * 3];
        FILE *f;

        snprintf(p, sizeof(p), "%s/%s", root, rel);
        snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", p);
        if (system(cmd) != 0)
                abort();
        if (strncmp(text, "->", 2) == 0) {
                if (symlink(text + 2, p) < 0)
                        abort();
                return;
        }
        f = fopen(p, "we");
        if (!f)
                abort();
        fputs(text, f);
        fclose(f);
}

static char *link_of(const char *rel) {
        static char buf[PATH_MAX];
        char p[PATH_MAX * 2];
        ssize_t n;

        snprintf(p, sizeof(p), "%s/%s", root, rel);
        n = readlink(p, buf, sizeof(buf) - 1);
        if (n < 0)
                return NULL;
        buf[n] = 0;
        return buf;
}

static const char *state(const char *name) {
        InstallState s;
        int r = install_get_state(root, name, &s);

        if (r == -ENOENT)
                return "not-found";
        return r < 0 ? "error" : install_state_to_string(s);
}

int main(void) {
        InstallChanges ch = {};
        char *def = NULL;
        int r;

        snprintf(root, sizeof(root), "/tmp/sdinit-test-install-XXXXXX");
        if (!mkdtemp(root))
                return 1;
        put("lib/systemd/system/a.service",
            "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nAlias=aa.service\nAlso=b.service\n");
        put("lib/systemd/system/b.service", "[Service]\nExecStart=/bin/true\n[Install]\nRequiredBy=a.service\n");
        put("lib/systemd/system/s.service", "[Service]\nExecStart=/bin/true\n");
        put("lib/systemd/system/t@.service",
            "[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\nDefaultInstance=x\n");
        put("lib/systemd/system/multi-user.target", "[Unit]\nDescription=M\n");
        put("lib/systemd/system/graphical.target", "[Unit]\nDescription=G\n");
        put("run/systemd/generator/g.service", "[Service]\nExecStart=/bin/true\n");

        CHECK_STR(state("a.service"), "disabled");
        CHECK_STR(state("s.service"), "static");
        CHECK_STR(state("g.service"), "generated");
        CHECK_STR(state("nope.service"), "not-found");

        r = install_enable(root, 0, (char *[]) { (char *) "a.service", NULL }, &ch);
        CHECK(r > 0); /* alias, wants, requires (b via Also=) */
        CHECK_INT(ch.n, 3);
        CHECK(ch.n == 3 && ch.items[0].type == INSTALL_CHANGE_SYMLINK && strstr(ch.items[0].path, "/etc/systemd/system/aa.service"));
        CHECK_STR(ch.n ? ch.items[0].source : NULL, "/lib/systemd/system/a.service");
        CHECK_STR(link_of("etc/systemd/system/multi-user.target.wants/a.service"), "/lib/systemd/system/a.service");
        CHECK_STR(link_of("etc/systemd/system/a.service.requires/b.service"), "/lib/systemd/system/b.service");
        CHECK_STR(install_change_type_to_string(INSTALL_CHANGE_SYMLINK), "symlink");
        install_changes_done(&ch);
        CHECK_STR(state("a.service"), "enabled");
        CHECK_STR(state("aa.service"), "alias");
        CHECK_STR(state("b.service"), "enabled");

        /* Enabling again changes nothing and still counts the rules. */
        r = install_enable(root, 0, (char *[]) { (char *) "a.service", NULL }, &ch);
        CHECK(r > 0);
        CHECK_INT(ch.n, 0);
        install_changes_done(&ch);

        r = install_enable(root, 0, (char *[]) { (char *) "s.service", NULL }, &ch);
        CHECK_INT(r, 0); /* no [Install]: systemctl prints its notice */
        install_changes_done(&ch);

        r = install_enable(root, 0, (char *[]) { (char *) "nope.service", NULL }, &ch);
        CHECK_INT(r, -ENOENT);
        CHECK(ch.n == 1 && ch.items[0].type == -ENOENT);
        install_changes_done(&ch);

        r = install_enable(root, 0, (char *[]) { (char *) "g.service", NULL }, &ch);
        CHECK_INT(r, -EADDRNOTAVAIL);
        install_changes_done(&ch);

        r = install_enable(root, 0, (char *[]) { (char *) "t@.service", NULL }, &ch);
        CHECK(r > 0);
        CHECK_STR(link_of("etc/systemd/system/multi-user.target.wants/t@x.service"), "/lib/systemd/system/t@.service");
        install_changes_done(&ch);
        CHECK_STR(state("t@x.service"), "enabled");
        CHECK_STR(state("t@y.service"), "disabled");

        r = install_disable(root, 0, (char *[]) { (char *) "a.service", NULL }, &ch);
        CHECK_INT(r, 0);
        CHECK_INT(ch.n, 3);
        CHECK(ch.n > 0 && ch.items[0].type == INSTALL_CHANGE_UNLINK);
        CHECK(link_of("etc/systemd/system/aa.service") == NULL);
        CHECK(link_of("etc/systemd/system/a.service.requires/b.service") == NULL);
        install_changes_done(&ch);
        CHECK_STR(state("a.service"), "disabled");

        r = install_mask(root, 0, (char *[]) { (char *) "s.service", NULL }, &ch);
        CHECK_INT(r, 0);
        CHECK_STR(link_of("etc/systemd/system/s.service"), "/dev/null");
        install_changes_done(&ch);
        CHECK_STR(state("s.service"), "masked");
        r = install_enable(root, 0, (char *[]) { (char *) "s.service", NULL }, &ch);
        CHECK_INT(r, -ERFKILL);
        install_changes_done(&ch);
        r = install_unmask(root, 0, (char *[]) { (char *) "s.service", NULL }, &ch);
        CHECK_INT(r, 0);
        CHECK_INT(ch.n, 1);
        install_changes_done(&ch);
        CHECK_STR(state("s.service"), "static");

        r = install_mask(root, INSTALL_RUNTIME, (char *[]) { (char *) "b.service", NULL }, &ch);
        CHECK_INT(r, 0);
        install_changes_done(&ch);
        CHECK_STR(state("b.service"), "masked-runtime");

        CHECK_INT(install_get_default(root, &def), -ENOENT);
        CHECK_INT(install_set_default(root, INSTALL_FORCE, "graphical.target", &ch), 1);
        install_changes_done(&ch);
        CHECK_INT(install_get_default(root, &def), 0);
        CHECK_STR(def, "graphical.target");
        free(def);
        CHECK_INT(install_set_default(root, 0, "default.target", &ch), -EINVAL);
        CHECK_INT(install_set_default(root, 0, "a.service", &ch), -EINVAL);
        install_changes_done(&ch);

        {
                InstallFile *files = NULL;
                size_t n = 0;

                r = install_list(root, NULL, (char *[]) { (char *) "*.service", NULL }, &files, &n);
                CHECK_INT(r, 0);
                /* a, aa? (no: removed), b (masked in /run), g, s, t@ — sorted by name */
                CHECK(n >= 4);
                CHECK(n > 0 && strstr(files[0].path, "/a.service"));
                install_files_free(files, n);
                r = install_list(root, (char *[]) { (char *) "masked-runtime", NULL }, NULL, &files, &n);
                CHECK_INT(r, 0);
                CHECK_INT(n, 1);
                CHECK(n == 1 && strstr(files[0].path, "/run/systemd/system/b.service") && files[0].state == INSTALL_STATE_MASKED_RUNTIME);
                install_files_free(files, n);
        }
        CHECK_INT(install_query_preset(root, "a.service"), 1);
        put("lib/systemd/system-preset/90-x.preset", "enable a.*\ndisable *\n");
        CHECK_INT(install_query_preset(root, "a.service"), 1);
        CHECK_INT(install_query_preset(root, "s.service"), 0);
        CHECK_INT(install_unit_exists(root, "s.service"), 1);
        CHECK_INT(install_unit_exists(root, "zzz.service"), 0);
        CHECK_INT(install_state_from_string("indirect"), INSTALL_STATE_INDIRECT);

        {
                char cmd[PATH_MAX + 16];
                snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
                if (system(cmd) != 0)
                        return 1;
        }
        return tap_done();
}
