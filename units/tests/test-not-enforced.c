/* SPDX-License-Identifier: MIT */
/* The README's table of directives sdinit does not enforce (between the markers
 * "<!-- not-enforced:begin -->" and "<!-- not-enforced:end -->", one row per directive:
 * "| `Key=` | where | what sdinit does and why |") and the directive table's rows flagged
 * DIRECTIVE_NOT_ENFORCED (what `sdinit verify` reports as "is not enforced") name the same
 * directives: one list, checked both ways. "where" is the row's section, "exec"/"kill"/"cgroup" for
 * the shared contexts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "unit-directives.h"

#define MAX_ROWS 512

static char keys[MAX_ROWS][128];
static bool seen[MAX_ROWS];
static int n_keys;

static void where_of(const UnitDirective *d, char *buf, size_t n) {
        snprintf(buf, n, "%s", d->section[0] == '@' ? d->section + 1 : d->section);
}

int main(int argc, char **argv) {
        const char *path = argc > 1 ? argv[1] : SDINIT_README;
        FILE *f = fopen(path, "re");
        char line[4096];
        bool in = false, ended = false;
        int rows = 0;

        CHECK(f != NULL);
        if (!f)
                return tap_done();
        while (fgets(line, sizeof(line), f)) {
                char key[96], where[32];
                if (strstr(line, "<!-- not-enforced:begin -->")) {
                        in = true;
                        continue;
                }
                if (strstr(line, "<!-- not-enforced:end -->")) {
                        ended = in;
                        in = false;
                        continue;
                }
                if (!in || sscanf(line, "| `%95[^=`]=` | %31[^ |] |", key, where) != 2)
                        continue;
                if (n_keys < MAX_ROWS)
                        snprintf(keys[n_keys++], sizeof(keys[0]), "%s %s", where, key);
                rows++;
        }
        fclose(f);
        CHECK(ended);
        CHECK(rows > 0);
        /* every flagged row is in the README */
        for (size_t i = 0; i < _UD_MAX; i++) {
                const UnitDirective *d = &unit_directive_table[i];
                char want[128], where[32];
                bool found = false;
                if (!(d->flags & DIRECTIVE_NOT_ENFORCED))
                        continue;
                where_of(d, where, sizeof(where));
                snprintf(want, sizeof(want), "%s %s", where, d->key);
                for (int k = 0; k < n_keys; k++)
                        if (strcmp(keys[k], want) == 0) {
                                found = true;
                                seen[k] = true;
                        }
                if (!found)
                        tap_comment_value("not enforced, missing from the README's table", want);
                CHECK(found);
        }
        /* every README row is a flagged row (an enforced directive listed there is an error) */
        for (int k = 0; k < n_keys; k++) {
                if (!seen[k])
                        tap_comment_value("in the README's table, but enforced or unknown", keys[k]);
                CHECK(seen[k]);
        }
        return tap_done();
}
