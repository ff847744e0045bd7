/* SPDX-License-Identifier: MIT */
/* Tests of unit lookup below a root: search path precedence, masks, aliases, templates, drop-ins
 * (precedence by directory, lexical order, dash prefixes, type-wide, masking) and .wants dirs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/tap.h"
#include "unit-registry.h"

static char root[] = "/tmp/sdunits-reg-XXXXXX";

static void mkdir_p(const char *rel) {
        char *p = sdu_path_join(root, rel);
        for (char *s = p + strlen(root) + 1; *s; s++)
                if (*s == '/') {
                        *s = 0;
                        mkdir(p, 0755);
                        *s = '/';
                }
        mkdir(p, 0755);
        free(p);
}

static void put(const char *rel, const char *text) {
        char *p = sdu_path_join(root, rel), *dir = strdup(rel);
        FILE *f;

        *strrchr(dir, '/') = 0;
        mkdir_p(dir);
        f = fopen(p, "we");
        fputs(text, f);
        fclose(f);
        free(dir);
        free(p);
}

static void link_(const char *rel, const char *target) {
        char *p = sdu_path_join(root, rel), *dir = strdup(rel);

        *strrchr(dir, '/') = 0;
        mkdir_p(dir);
        if (symlink(target, p) < 0)
                perror("symlink");
        free(dir);
        free(p);
}

static char *rel(const char *path) {
        static char buf[4][512];
        static int i;
        i = (i + 1) % 4;
        snprintf(buf[i], sizeof(buf[i]), "%s", path && strncmp(path, root, strlen(root)) == 0 ? path + strlen(root) : "(none)");
        return buf[i];
}

static char *dropins(const Unit *u) {
        static char buf[2048];
        size_t o = 0;
        buf[0] = 0;
        for (size_t i = 0; u->dropin_paths && u->dropin_paths[i]; i++)
                o += (size_t) snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? " " : "", rel(u->dropin_paths[i]));
        return buf;
}

static void checks(UnitRegistry *reg) {
        Unit *u;
        char **names = NULL;

        /* First match wins: /etc over /lib. */
        CHECK_INT(unit_load(reg, "a.service", &u), 0);
        CHECK_INT(u->load_state, UNIT_LOADED);
        CHECK_STR(rel(u->fragment_path), "/etc/systemd/system/a.service");
        CHECK_STR(u->service.exec_start.items[0].path, "/bin/etc");
        unit_free(u);

        /* Alias symlink: the id becomes the target name. */
        CHECK_INT(unit_load(reg, "bee.service", &u), 0);
        CHECK_STR(u->id, "b.service");
        CHECK_INT(strv_length(u->names), 2);
        CHECK_STR(u->names[1], "bee.service");
        CHECK_STR(rel(u->fragment_path), "/usr/lib/systemd/system/b.service");
        CHECK_STR(u->install.alias[0], "bee.service");
        unit_free(u);

        /* Masks: symlink to /dev/null in a higher directory, and an empty file. */
        CHECK_INT(unit_load(reg, "masked.service", &u), 0);
        CHECK_INT(u->load_state, UNIT_MASKED);
        CHECK(u->fragment_path == NULL);
        unit_free(u);
        CHECK_INT(unit_load(reg, "empty.service", &u), 0);
        CHECK_INT(u->load_state, UNIT_MASKED);
        unit_free(u);

        /* Not found. */
        CHECK_INT(unit_load(reg, "nope.service", &u), 0);
        CHECK_INT(u->load_state, UNIT_NOT_FOUND);
        CHECK_INT(u->n_errors, 1);
        unit_free(u);
        CHECK_INT(unit_load(reg, "bad name.service", &u), -EINVAL);

        /* Template instance with all drop-in kinds, merged and ordered by file name. */
        CHECK_INT(unit_load(reg, "foo-bar-baz@one.service", &u), 0);
        CHECK_INT(u->load_state, UNIT_LOADED);
        CHECK_STR(rel(u->fragment_path), "/lib/systemd/system/foo-bar-baz@.service");
        CHECK_STR(u->instance, "one");
        CHECK_STR(dropins(u),
                  "/lib/systemd/system/service.d/05-all.conf "
                  "/lib/systemd/system/foo-bar-baz@.service.d/10-lib.conf "
                  "/run/systemd/system/foo-bar-baz@one.service.d/20-inst.conf "
                  "/lib/systemd/system/foo-bar-.service.d/30-dash.conf "
                  "/lib/systemd/system/foo-.service.d/40-dash.conf "
                  "/etc/systemd/system/foo-bar-baz@.service.d/50-same.conf");
        CHECK_STR(u->unit.description, "from lib 10");
        CHECK_STR(u->service.exec_start.items[0].argv[1], "one");
        {
                char *env = strv_join(unit_exec(u)->environment, ",");
                CHECK_STR(env, "ALL=1,INST=one,DASH=2,DASH1=1,SRC=etc");
                free(env);
        }
        unit_free(u);

        /* A template alias keeps the instance. */
        CHECK_INT(unit_load(reg, "alias@two.service", &u), 0);
        CHECK_STR(u->id, "foo-bar-baz@two.service");
        CHECK_STR(u->unit.description, "from lib 10");
        unit_free(u);

        /* .wants/ and .requires/ directories. */
        CHECK_INT(unit_load(reg, "multi-user.target", &u), 0);
        CHECK_STR(u->unit.deps[UNIT_WANTS] ? u->unit.deps[UNIT_WANTS][0] : NULL, "a.service");
        CHECK_STR(u->unit.deps[UNIT_REQUIRES] ? u->unit.deps[UNIT_REQUIRES][0] : NULL, "b.service");
        unit_free(u);

        /* Listing. */
        CHECK_INT(unit_registry_list(reg, &names), 0);
        {
                char *all = strv_join(names, " ");
                CHECK_STR(all, "a.service alias@.service b.service bee.service empty.service foo-bar-baz@.service "
                               "masked.service multi-user.target");
                free(all);
        }
        strv_free(names);

        /* Loading a file by path still gets the drop-ins of its name. */
        {
                char *p = sdu_path_join(root, "/lib/systemd/system/a.service");
                CHECK_INT(unit_load_path(reg, p, &u), 0);
                CHECK_STR(u->service.exec_start.items[0].path, "/bin/lib");
                CHECK_STR(dropins(u), "/lib/systemd/system/service.d/05-all.conf");
                unit_free(u);
                free(p);
        }

}

int main(void) {
        UnitRegistry *reg;
        UnitHostInfo *h;
        Unit *u;

        if (!mkdtemp(root))
                return 1;
        put("/lib/systemd/system/a.service", "[Service]\nExecStart=/bin/lib\n");
        put("/etc/systemd/system/a.service", "[Service]\nExecStart=/bin/etc\n");
        put("/usr/lib/systemd/system/b.service", "[Service]\nExecStart=/bin/b\n[Install]\nAlias=bee.service\n");
        link_("/etc/systemd/system/bee.service", "/usr/lib/systemd/system/b.service");
        link_("/etc/systemd/system/masked.service", "/dev/null");
        put("/lib/systemd/system/masked.service", "[Service]\nExecStart=/bin/m\n");
        put("/run/systemd/system/empty.service", "");
        put("/lib/systemd/system/foo-bar-baz@.service", "[Unit]\nDescription=inst %i\n[Service]\nExecStart=/bin/x %I\n");
        /* Drop-ins: same name in /etc and /lib: /etc wins; order by file name across dirs. */
        put("/lib/systemd/system/foo-bar-baz@.service.d/10-lib.conf", "[Unit]\nDescription=from lib 10\n");
        put("/lib/systemd/system/foo-bar-baz@.service.d/50-same.conf", "[Service]\nEnvironment=SRC=lib\n");
        put("/etc/systemd/system/foo-bar-baz@.service.d/50-same.conf", "[Service]\nEnvironment=SRC=etc\n");
        put("/run/systemd/system/foo-bar-baz@one.service.d/20-inst.conf", "[Service]\nEnvironment=INST=%i\n");
        put("/lib/systemd/system/foo-bar-.service.d/30-dash.conf", "[Service]\nEnvironment=DASH=2\n");
        put("/lib/systemd/system/foo-.service.d/40-dash.conf", "[Service]\nEnvironment=DASH1=1\n");
        put("/lib/systemd/system/service.d/05-all.conf", "[Service]\nEnvironment=ALL=1\n");
        put("/lib/systemd/system/service.d/60-masked.conf", "[Service]\nEnvironment=MASKED=1\n");
        link_("/etc/systemd/system/service.d/60-masked.conf", "/dev/null");
        put("/lib/systemd/system/service.d/notconf.txt", "[Service]\nEnvironment=NO=1\n");
        link_("/etc/systemd/system/multi-user.target.wants/a.service", "/lib/systemd/system/a.service");
        put("/lib/systemd/system/multi-user.target", "[Unit]\nDescription=MU\n");
        mkdir_p("/lib/systemd/system/multi-user.target.requires");
        link_("/lib/systemd/system/multi-user.target.requires/b.service", "../b.service");
        link_("/etc/systemd/system/alias@.service", "/lib/systemd/system/foo-bar-baz@.service");

        CHECK_INT(unit_registry_new(root, NULL, &reg), 0);
        CHECK_INT(unit_host_info_new_fixed(&h), 0);
        unit_registry_set_host(reg, h);

        /* The same answers stat()ing every candidate, and inside a batch (nested) where each
         * search directory is read once and only the names it lists are stat()ed. */
        checks(reg);
        unit_registry_batch_begin(reg);
        unit_registry_batch_begin(reg);
        checks(reg);
        unit_registry_batch_end(reg);
        checks(reg);
        unit_registry_batch_end(reg);

        /* A batch keeps no listing: a drop-in directory and a unit file made after one ended
         * are found by the next. */
        unit_registry_batch_begin(reg);
        CHECK_INT(unit_load(reg, "late.service", &u), 0);
        CHECK_INT(u->load_state, UNIT_NOT_FOUND);
        unit_free(u);
        CHECK_INT(unit_load(reg, "a.service", &u), 0);
        CHECK_STR(dropins(u), "/lib/systemd/system/service.d/05-all.conf");
        unit_free(u);
        unit_registry_batch_end(reg);
        put("/run/systemd/system/late.service", "[Service]\nExecStart=/bin/late\n");
        put("/run/systemd/system/a.service.d/70-late.conf", "[Unit]\nDescription=late\n");
        put("/run/systemd/system/a.service.wants/.keep", "");
        link_("/run/systemd/system/a.service.wants/b.service", "/usr/lib/systemd/system/b.service");
        unit_registry_batch_begin(reg);
        CHECK_INT(unit_load(reg, "late.service", &u), 0);
        CHECK_INT(u->load_state, UNIT_LOADED);
        CHECK_STR(rel(u->fragment_path), "/run/systemd/system/late.service");
        unit_free(u);
        CHECK_INT(unit_load(reg, "a.service", &u), 0);
        CHECK_STR(dropins(u), "/lib/systemd/system/service.d/05-all.conf /run/systemd/system/a.service.d/70-late.conf");
        CHECK_STR(u->unit.description, "late");
        CHECK_STR(u->unit.deps[UNIT_WANTS] ? u->unit.deps[UNIT_WANTS][0] : NULL, "b.service");
        unit_free(u);
        unit_registry_batch_end(reg);

        unit_registry_free(reg);
        {
                char *cmd = sdu_asprintf("rm -rf '%s'", root);
                if (system(cmd) != 0)
                        fprintf(stderr, "cleanup failed\n");
                free(cmd);
        }
        return tap_done();
}
