/* SPDX-License-Identifier: MIT */
/* Tests of unit names, templates and systemd-escape compatible escaping. */
#include <errno.h>
#include <stdlib.h>

#include "tests/tap.h"
#include "unit-name.h"

static char *s_(int r, char *v) {
        static char buf[512];
        if (r < 0) {
                snprintf(buf, sizeof(buf), "ERR%d", r);
                return buf;
        }
        snprintf(buf, sizeof(buf), "%s", v);
        free(v);
        return buf;
}
#define S(call) ({ char *_v = NULL; int _r = (call); s_(_r, _v); })

int main(void) {
        CHECK(unit_name_is_valid("foo.service", UNIT_NAME_PLAIN));
        CHECK(!unit_name_is_valid("foo.service", UNIT_NAME_TEMPLATE));
        CHECK(unit_name_is_valid("foo@.service", UNIT_NAME_TEMPLATE));
        CHECK(unit_name_is_valid("foo@bar.socket", UNIT_NAME_INSTANCE));
        CHECK(unit_name_is_valid("a-b_c:d\\x2d.target", UNIT_NAME_PLAIN));
        CHECK(!unit_name_is_valid("foo.bar", UNIT_NAME_ANY));
        CHECK(!unit_name_is_valid(".service", UNIT_NAME_ANY));
        CHECK(!unit_name_is_valid("@bar.service", UNIT_NAME_ANY));
        CHECK(!unit_name_is_valid("a@b@c.service", UNIT_NAME_ANY));
        CHECK(!unit_name_is_valid("sp ace.service", UNIT_NAME_ANY));
        CHECK(!unit_name_is_valid("", UNIT_NAME_ANY));
        CHECK_INT(unit_name_to_type("x.mount"), UNIT_MOUNT);
        CHECK_INT(unit_name_to_type("x.nope"), _UNIT_TYPE_INVALID);

        CHECK_STR(S(unit_name_to_prefix("foo@bar.service", &_v)), "foo");
        CHECK_STR(S(unit_name_to_prefix("foo-bar.service", &_v)), "foo-bar");
        CHECK_STR(S(unit_name_to_instance("foo@bar.service", &_v)), "bar");
        CHECK_STR(S(unit_name_to_instance("foo@.service", &_v)), "");
        CHECK_STR(S(unit_name_to_instance("foo.service", &_v)), "ERR-6");
        CHECK_STR(S(unit_name_template("foo@bar.service", &_v)), "foo@.service");
        CHECK_STR(S(unit_name_replace_instance("foo@.service", "x", &_v)), "foo@x.service");
        CHECK_STR(S(unit_name_replace_instance("foo@.service", "a b", &_v)), "ERR-22");
        CHECK_STR(S(unit_name_to_id_prefix("foo@bar.service", &_v)), "foo@bar");

        /* systemd-escape / --unescape / --path */
        CHECK_STR(S(unit_name_escape("/foo/bar baz", &_v)), "-foo-bar\\x20baz");
        CHECK_STR(S(unit_name_escape("a-b", &_v)), "a\\x2db");
        CHECK_STR(S(unit_name_escape(".hidden", &_v)), "\\x2ehidden");
        CHECK_STR(S(unit_name_escape("ü", &_v)), "\\xc3\\xbc");
        CHECK_STR(S(unit_name_unescape("-foo-bar\\x20baz", &_v)), "/foo/bar baz");
        CHECK_STR(S(unit_name_unescape("a\\x2db", &_v)), "a-b");
        CHECK_STR(S(unit_name_unescape("15-main", &_v)), "15/main");
        CHECK_STR(S(unit_name_unescape("bad\\x4", &_v)), "ERR-22");
        CHECK_STR(S(unit_name_unescape("bad\\y41", &_v)), "ERR-22");
        CHECK_STR(S(unit_name_path_escape("/var/lib/nfs/rpc_pipefs", &_v)), "var-lib-nfs-rpc_pipefs");
        CHECK_STR(S(unit_name_path_escape("//proc///fs/nfsd/", &_v)), "proc-fs-nfsd");
        CHECK_STR(S(unit_name_path_escape("/", &_v)), "-");
        CHECK_STR(S(unit_name_path_escape("/a/../b", &_v)), "ERR-22");
        CHECK_STR(S(unit_name_path_unescape("var-lib-foo", &_v)), "/var/lib/foo");
        CHECK_STR(S(unit_name_path_unescape("-", &_v)), "/");
        return tap_done();
}
