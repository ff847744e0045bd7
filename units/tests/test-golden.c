/* SPDX-License-Identifier: MIT */
/* Golden tests: every unit file in tests/data/golden is loaded through a registry whose search
 * path is that directory (templates as the instance "golden"), and its diagnostics followed by
 * unit_dump() are compared with NAME.expected. Set UNITS_GOLDEN_UPDATE=1 to rewrite the expected
 * files after an intended change (then review the diff). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "check-text.h"
#include "unit-registry.h"

#ifndef UNITS_TEST_DATA
#error "UNITS_TEST_DATA must point at units/tests/data"
#endif

static void on_diag(const UnitDiag *d, void *userdata) {
        const char *base = d->file && strrchr(d->file, '/') ? strrchr(d->file, '/') + 1 : d->file;

        fprintf(userdata, "# %s:%u: %s\n", base ?: "-", d->line, d->message);
}

static char *render(UnitRegistry *reg, const char *name, FILE *f) {
        Unit *u = NULL;
        char *load = NULL;

        if (unit_name_is_template(name))
                unit_name_replace_instance(name, "golden", &load);
        else
                load = strdup(name);
        if (unit_load(reg, load, &u) >= 0) {
                /* Paths vary with the checkout; print the fragment by file name only. */
                free(u->fragment_path);
                u->fragment_path = strdup(strrchr(name, '/') ? strrchr(name, '/') + 1 : name);
                unit_dump(u, f, false);
                unit_free(u);
        }
        free(load);
        return NULL;
}

int main(void) {
        const char *dir = UNITS_TEST_DATA "/golden";
        char *const search[] = { (char *) dir, NULL };
        bool update = getenv("UNITS_GOLDEN_UPDATE") != NULL;
        char **names = NULL;
        UnitRegistry *reg;
        UnitHostInfo *h;
        DIR *d;
        struct dirent *de;

        d = opendir(dir);
        CHECK(d != NULL);
        if (!d)
                return tap_done();
        while ((de = readdir(d)))
                if (unit_name_is_valid(de->d_name, UNIT_NAME_ANY))
                        strv_extend(&names, de->d_name);
        closedir(d);
        strv_sort(names);
        CHECK(strv_length(names) >= 5);

        for (size_t i = 0; names && names[i]; i++) {
                char *out = NULL, *exp = NULL, *exp_path;
                size_t len = 0;
                FILE *f = open_memstream(&out, &len);

                unit_registry_new(NULL, &(UnitDiagSink) { on_diag, f }, &reg);
                unit_registry_set_search_path(reg, search);
                unit_host_info_new_fixed(&h);
                unit_registry_set_host(reg, h);
                render(reg, names[i], f);
                unit_registry_free(reg);
                fclose(f);

                exp_path = sdu_asprintf("%s/%s.expected", dir, names[i]);
                if (update) {
                        FILE *w = fopen(exp_path, "we");
                        if (w) {
                                fputs(out, w);
                                fclose(w);
                        }
                }
                if (read_full_file(exp_path, &exp, NULL) < 0)
                        exp = NULL;
                printf("# golden %s\n", names[i]);
                CHECK_TEXT(out, exp ?: "(missing .expected file)");
                free(exp);
                free(exp_path);
                free(out);
        }
        strv_free(names);
        return tap_done();
}
