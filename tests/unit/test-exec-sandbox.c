/* SPDX-License-Identifier: MIT */
/* The pure parts of the sandbox (service/dynamic-user.c, exec-caps.c, exec-seccomp.c): SipHash-2-4
 * against the reference vector of its paper, the dynamic user's name and first uid against what
 * Debian's systemd 252 chose (measured by tests/integration/test_sandbox_oracle.py: probe-dyn.service
 * ran as uid 63312), the raw values of sandbox settings after unit_compact(), and when
 * no_new_privs is implied (systemd 252 src/core/execute.c context_has_no_new_privileges()). */
#include <stdlib.h>
#include <string.h>

#include "service/dynamic-user.h"
#include "service/exec-caps.h"
#include "tests/tap.h"
#include "units/unit-sandbox.h"
#include "units/unit-specifier.h"

static Unit *load(const char *name, const char *text, const UnitHostInfo *h) {
        Unit *u = NULL;

        if (unit_new(name, h, &u) < 0)
                return NULL;
        unit_load_fragment_buffer(u, "/x/unit", text, strlen(text), false, NULL);
        if (unit_compact(u) < 0) /* as the manager loads every unit: the typed sandbox is filled */
                return unit_free(u);
        return u;
}

int main(void) {
        uint8_t key[16], msg[15];
        char name[64];
        UnitHostInfo *h;
        Unit *u;
        char *const *raw;

        for (int i = 0; i < 16; i++)
                key[i] = (uint8_t) i;
        for (int i = 0; i < 15; i++)
                msg[i] = (uint8_t) i;
        CHECK(dynamic_user_siphash24(msg, sizeof(msg), key) == 0xa129ca6149be45e5ULL);

        CHECK_INT(dynamic_user_name_for_unit("probe-dyn.service", name, sizeof(name)), 0);
        CHECK(strcmp(name, "probe-dyn") == 0);
        CHECK_INT(dynamic_user_name_for_unit("getty@tty1.service", name, sizeof(name)), 0);
        CHECK(strcmp(name, "getty") == 0);
        CHECK_INT(dynamic_user_name_for_unit("9lives.service", name, sizeof(name)), 0);
        CHECK(strncmp(name, "_du", 3) == 0 && strlen(name) == 19);
        CHECK_INT(dynamic_user_hashed_uid("probe-dyn"), 63312);

        unit_host_info_new_fixed(&h);
        u = load("a.service",
                 "[Service]\nExecStart=/bin/true\nSystemCallFilter=@system-service\nSystemCallFilter=~@privileged\n"
                 "DynamicUser=yes\nRestrictAddressFamilies=AF_UNIX\n", h);
        CHECK(u != NULL);
        raw = unit_setting_raw(u, "Service", "SystemCallFilter");
        CHECK(raw && raw[0] && raw[1] && !raw[2] && strcmp(raw[0], "@system-service") == 0 && strcmp(raw[1], "~@privileged") == 0);
        CHECK(dynamic_user_enabled(u));
        CHECK(exec_no_new_privileges(u, true)); /* DynamicUser= sets it */
        unit_free(u);

        u = load("b.service", "[Service]\nExecStart=/bin/true\nSystemCallFilter=~@mount\n", h);
        CHECK(!exec_no_new_privileges(u, true)); /* privileged: seccomp alone does not need it */
        CHECK(exec_no_new_privileges(u, false));
        CHECK(!dynamic_user_enabled(u));
        unit_free(u);

        u = load("c.service", "[Service]\nExecStart=/bin/true\nRestrictNamespaces=no\nCapabilityBoundingSet=CAP_CHOWN\n", h);
        CHECK(!exec_no_new_privileges(u, false)); /* no seccomp-based setting in effect */
        unit_free(u);
        u = load("d.service", "[Service]\nExecStart=/bin/true\nSystemCallFilter=~@mount\nSystemCallFilter=\n", h);
        CHECK(unit_setting_raw(u, "Service", "SystemCallFilter") == NULL); /* an empty assignment resets */
        CHECK(!exec_no_new_privileges(u, false));
        unit_free(u);
        unit_host_info_free(h);

        printf("1..%d\n", tap_n);
        return tap_failed ? 1 : 0;
}
