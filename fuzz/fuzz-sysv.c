/* SPDX-License-Identifier: MIT */
/* libFuzzer target: SysV init scripts (units/unit-generators.c, the LSB header and chkconfig
 * lines) and the generator output they become: the input is converted as /etc/init.d/fuzz-script,
 * and the unit file written for it is loaded and verified by the unit parser as PID 1 loads it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit-generators.h"
#include "unit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        UnitHostInfo *h = NULL;
        Unit *u = NULL;
        char *t, *unit = NULL;
        size_t len = 0;
        FILE *out;

        if (size > 4 * 1024 * 1024 || !(t = malloc(size + 1)))
                return 0;
        memcpy(t, data, size);
        t[size] = 0;
        out = open_memstream(&unit, &len);
        if (out) {
                int r = unit_sysv_convert("/etc/init.d/fuzz-script", t, size, out, NULL);
                fclose(out);
                if (r >= 0 && unit_host_info_new_fixed(&h) >= 0) {
                        if (unit_new("fuzz-script.service", h, &u) >= 0) {
                                if (unit_load_fragment_buffer(u, "/run/systemd/generator.late/fuzz-script.service", unit, len,
                                                              false, NULL) < 0)
                                        abort(); /* what the generator writes always loads */
                                (void) unit_verify(u, NULL);
                                unit_free(u);
                        }
                        unit_host_info_free(h);
                }
        }
        free(unit);
        free(t);
        return 0;
}
