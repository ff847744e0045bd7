/* SPDX-License-Identifier: MIT */
/* Tests of '%' specifiers with a deterministic host (unit_host_info_new_fixed). */
#include <errno.h>
#include <stdlib.h>

#include "tests/tap.h"
#include "unit-specifier.h"

static const char *ex(const char *text, const char *name, const UnitHostInfo *h) {
        static char buf[1024];
        UnitSpecifierData d = { .name = name, .fragment_path = "/lib/systemd/system/foo-bar@.service", .host = h };
        char *out;
        int r = unit_specifier_expand(text, &d, &out);

        if (r < 0) {
                snprintf(buf, sizeof(buf), "ERR%d", r);
                return buf;
        }
        snprintf(buf, sizeof(buf), "%s", out);
        free(out);
        return buf;
}

int main(void) {
        const char *n = "foo-bar@a\\x2db-c.service";
        UnitHostInfo *h;

        CHECK_INT(unit_host_info_new_fixed(&h), 0);
        CHECK_STR(ex("%n", n, h), "foo-bar@a\\x2db-c.service");
        CHECK_STR(ex("%N", n, h), "foo-bar@a\\x2db-c");
        CHECK_STR(ex("%p", n, h), "foo-bar");
        CHECK_STR(ex("%P", n, h), "foo/bar");
        CHECK_STR(ex("%i", n, h), "a\\x2db-c");
        CHECK_STR(ex("%I", n, h), "a-b/c");
        CHECK_STR(ex("%f", n, h), "/a-b/c");
        CHECK_STR(ex("%f", "var-lib-x.mount", h), "/var/lib/x");
        CHECK_STR(ex("%j", n, h), "bar");
        CHECK_STR(ex("%J", "foo-b\\x2dr.service", h), "b-r");
        CHECK_STR(ex("%j", "plain.service", h), "plain");
        CHECK_STR(ex("%i|%I", "plain.service", h), "|");
        CHECK_STR(ex("%y %Y", n, h), "/lib/systemd/system/foo-bar@.service /lib/systemd/system");
        CHECK_STR(ex("%t %S %C %L %E %T %V", n, h), "/run /var/lib /var/cache /var/log /etc /tmp /var/tmp");
        CHECK_STR(ex("%u %U %g %G %h %s", n, h), "root 0 root 0 /root /bin/sh");
        CHECK_STR(ex("%H %l %m %b %v %a", n, h),
                  "sdinit-host sdinit-host 00000000000000000000000000000001 00000000000000000000000000000002 6.1.0-sdinit x86-64");
        CHECK_STR(ex("%o %w", n, h), "debian 12");
        CHECK_STR(ex("%d", n, h), "/run/credentials/foo-bar@a\\x2db-c.service");
        CHECK_STR(ex("100%%", n, h), "100%");
        CHECK_STR(ex("%%i", n, h), "%i");
        CHECK_STR(ex("no specifiers $VAR ${X}", n, h), "no specifiers $VAR ${X}");
        CHECK_STR(ex("%z", n, h), "ERR-57");
        CHECK_STR(ex("trailing %", n, h), "ERR-57");

        CHECK_INT(unit_host_info_set(h, 'H', "web1.example.com"), 0);
        CHECK_STR(ex("%H", n, h), "web1.example.com");
        CHECK_INT(unit_host_info_set(h, 'n', "x"), -EINVAL);
        unit_host_info_free(h);

        /* From the (real) system: values exist, no crash, machine id has 32 chars if present. */
        CHECK_INT(unit_host_info_new_from_system(NULL, &h), 0);
        CHECK(unit_host_info_get(h, 'v') && *unit_host_info_get(h, 'v'));
        unit_host_info_free(h);
        return tap_done();
}
