/* SPDX-License-Identifier: MIT */
/* libFuzzer target for the unit file parser: the input is parsed as a fragment of a unit whose
 * type is picked by the first byte (so [Socket], [Timer], [Path], [Mount] tables are reached too),
 * then as a drop-in on top, then verified and dumped. Nothing may crash, leak or trip UBSan, and
 * the library must never abort on bad input. Built with -fsanitize=fuzzer for real fuzzing, and
 * with fuzz-replay-main.c as an ordinary test that replays units/fuzz/corpus. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "unit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const names[] = { "fuzz@inst-a\\x2db.service", "fuzz.socket", "fuzz.timer",
                                             "fuzz.path", "var-lib-fuzz.mount", "fuzz.target", "fuzz.service" };
        UnitHostInfo *h = NULL;
        Unit *u = NULL;
        FILE *f;

        if (size > 256 * 1024)
                return 0;
        if (unit_host_info_new_fixed(&h) < 0)
                return 0;
        if (unit_new(names[size ? data[0] % (sizeof(names) / sizeof(names[0])) : 0], h, &u) >= 0) {
                (void) unit_load_fragment_buffer(u, "fuzz", (const char *) data, size, false, NULL);
                (void) unit_load_fragment_buffer(u, "fuzz.d/override.conf", (const char *) data, size, true, NULL);
                (void) unit_verify(u, NULL);
                f = fopen("/dev/null", "we");
                if (f) {
                        (void) unit_dump(u, f, true);
                        fclose(f);
                }
                unit_free(u);
        }
        unit_host_info_free(h);
        return 0;
}
