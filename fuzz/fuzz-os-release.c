/* SPDX-License-Identifier: MIT */
/* libFuzzer target: /etc/os-release and /etc/machine-id (units/unit-specifier.c), the files behind
 * the %o %w %W %B %M %A and %m specifiers. The input is parsed as both; the values are then
 * expanded in a command line as the unit loader does. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit-specifier.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        UnitHostInfo *h = NULL;
        char *t, *id, *out = NULL;

        if (size > 4 * 1024 * 1024 || unit_host_info_new_fixed(&h) < 0)
                return 0;
        if ((t = malloc(size + 1))) {
                memcpy(t, data, size);
                t[size] = 0;
                (void) unit_host_info_apply_os_release(h, t);
                memcpy(t, data, size);
                t[size] = 0;
                if ((id = unit_first_line_dup(t))) {
                        (void) unit_host_info_set(h, 'm', id);
                        free(id);
                }
                free(t);
        }
        UnitSpecifierData d = { .name = "fuzz@inst.service", .fragment_path = "/etc/systemd/system/fuzz@.service", .host = h };
        if (unit_specifier_expand("/usr/bin/x %o-%w-%W-%B-%M-%A %m %b %%", &d, &out) >= 0)
                free(out);
        unit_host_info_free(h);
        return 0;
}
