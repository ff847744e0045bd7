/* SPDX-License-Identifier: MIT */
/* Corpus test: loads every unit file below the given directory trees the way systemd would find
 * them and fails on any WARNING or ERROR diagnostic (unknown key, invalid value, refused unit).
 *
 * Every directory that holds unit files is used as a one-directory search path (so aliases,
 * drop-ins and .wants directories next to the units are honoured). Templates are loaded as the
 * instance "corpus" (so %i/%I expand), instance drop-in directories (mariadb@bootstrap.service.d)
 * as that instance, and drop-in directories without any fragment (slapd.service.d, whose unit
 * comes from a SysV script) are parsed as drop-ins of an otherwise empty unit. Files that are not
 * unit names (README, *.in templates with @VAR@ placeholders) and the contents of .wants/,
 * .requires/ directories are skipped. Output is TAP, one line per unit.
 *
 * The shared corpus was exported from a git store, where a symlink is a small file holding the
 * link target ("mariadb.service", "/dev/null"). Before loading, each tree is copied to a scratch
 * directory in which such stub files become real symlinks again, so aliases and masks are
 * exercised through the library's real symlink handling. Trees extracted with dpkg-deb already
 * have real symlinks and are copied unchanged. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sdu-util.h"
#include "unit-registry.h"

typedef struct Stats {
        unsigned n, failed, not_enforced;
        unsigned bad;    /* diagnostics >= WARNING for the current unit */
        const char *copy_prefix, *orig_prefix; /* scratch copy -> original, for messages */
} Stats;

static void print_path(const Stats *s, const char *path) {
        size_t n = s->copy_prefix ? strlen(s->copy_prefix) : 0;

        if (n && strncmp(path, s->copy_prefix, n) == 0)
                printf("%s%s", s->orig_prefix, path + n);
        else
                printf("%s", path);
}

static void on_diag(const UnitDiag *d, void *userdata) {
        Stats *s = userdata;

        if (d->level < UNIT_DIAG_WARNING)
                return;
        s->bad++;
        printf("# ");
        print_path(s, d->file ?: "-");
        printf(":%u: %s\n", d->line, d->message);
}

static void count_ne(const char *key, const char *file, unsigned line, void *userdata) {
        ((Stats *) userdata)->not_enforced++;
}

static void report(Stats *s, const char *what, const Unit *u) {
        bool ok = s->bad == 0 && u && (u->load_state == UNIT_LOADED || u->load_state == UNIT_MASKED);

        s->n++;
        if (u)
                unit_foreach_not_enforced(u, count_ne, s);
        printf("%sok %u - ", ok ? "" : "not ", s->n);
        print_path(s, what);
        if (ok)
                printf("\n");
        else {
                s->failed++;
                printf(" (load state %s, %u problems)\n", u ? unit_load_state_to_string(u->load_state) : "none",
                       s->bad);
        }
        s->bad = 0;
}

static bool has_fragment_for(const char *dir, const char *name) {
        char *path = sdu_path_join(dir, name), *tmpl = NULL;
        struct stat st;
        bool found;

        found = path && lstat(path, &st) >= 0;
        free(path);
        if (!found && unit_name_is_instance(name) && unit_name_template(name, &tmpl) >= 0) {
                path = sdu_path_join(dir, tmpl);
                found = path && lstat(path, &st) >= 0;
                free(path);
                free(tmpl);
        }
        return found;
}

static int check_dropin_only(UnitRegistry *reg, const char *dir, const char *name, Stats *s) {
        char *d = sdu_strjoin3(dir, "/", name), *dd;
        DIR *dh;
        struct dirent *de;
        Unit *u = NULL;
        int r;

        dd = d ? sdu_strjoin3(d, ".d", NULL) : NULL;
        free(d);
        if (!dd)
                return -ENOMEM;
        r = unit_new(name, unit_registry_get_host(reg), &u);
        if (r < 0) {
                free(dd);
                return r;
        }
        dh = opendir(dd);
        while (dh && (de = readdir(dh))) {
                char *p;

                if (!sdu_endswith(de->d_name, ".conf"))
                        continue;
                p = sdu_path_join(dd, de->d_name);
                if (!p)
                        break;
                (void) unit_load_fragment_file(u, p, true, &(UnitDiagSink) { on_diag, s });
                free(p);
        }
        if (dh)
                closedir(dh);
        report(s, dd, u);
        free(dd);
        unit_free(u);
        return 0;
}

static int check_dir(const char *dir, Stats *s) {
        char *const search[] = { (char *) dir, NULL };
        UnitRegistry *reg = NULL;
        struct dirent *de;
        char **entries = NULL;
        DIR *dh;
        int r;

        dh = opendir(dir);
        if (!dh)
                return -errno;
        while ((de = readdir(dh)))
                if (de->d_name[0] != '.' && strv_extend(&entries, de->d_name) < 0) {
                        closedir(dh);
                        return -ENOMEM;
                }
        closedir(dh);
        strv_sort(entries);

        r = unit_registry_new(NULL, &(UnitDiagSink) { on_diag, s }, &reg);
        if (r >= 0)
                r = unit_registry_set_search_path(reg, search);
        if (r >= 0) {
                UnitHostInfo *h;
                r = unit_host_info_new_fixed(&h);
                if (r >= 0)
                        unit_registry_set_host(reg, h);
        }
        for (size_t i = 0; r >= 0 && entries && entries[i]; i++) {
                const char *e = entries[i];
                char *path = sdu_path_join(dir, e), *name = NULL, *dotd;
                struct stat st;

                if (!path) {
                        r = -ENOMEM;
                        break;
                }
                if (stat(path, &st) < 0) {
                        free(path);
                        continue;
                }
                if (S_ISDIR(st.st_mode)) {
                        dotd = sdu_endswith(e, ".d");
                        if (!dotd || sdu_endswith(e, ".wants") || sdu_endswith(e, ".requires")) {
                                /* A nested tree (package/system, package/user): recurse. */
                                if (!dotd && !sdu_endswith(e, ".wants") && !sdu_endswith(e, ".requires") &&
                                    !sdu_endswith(e, ".upholds"))
                                        r = check_dir(path, s);
                                free(path);
                                continue;
                        }
                        name = sdu_strndup(e, (size_t) (dotd - e));
                        if (!name) {
                                r = -ENOMEM;
                        } else if (unit_name_is_valid(name, UNIT_NAME_ANY)) {
                                if (!has_fragment_for(dir, name))
                                        r = check_dropin_only(reg, dir, name, s);
                                else if (unit_name_is_instance(name)) {
                                        Unit *u = NULL;
                                        r = unit_load(reg, name, &u);
                                        if (r >= 0)
                                                report(s, path, u);
                                        unit_free(u);
                                }
                                /* Template or plain drop-in dirs are covered by their unit. */
                        }
                        free(name);
                        free(path);
                        continue;
                }
                if (!unit_name_is_valid(e, UNIT_NAME_ANY)) {
                        free(path);
                        continue;
                }
                {
                        Unit *u = NULL;
                        char *load = NULL;

                        if (unit_name_is_template(e))
                                r = unit_name_replace_instance(e, "corpus", &load);
                        else
                                load = strdup(e);
                        if (!load)
                                r = -ENOMEM;
                        if (r >= 0)
                                r = unit_load(reg, load, &u);
                        if (r >= 0)
                                report(s, path, u);
                        unit_free(u);
                        free(load);
                }
                free(path);
        }
        unit_registry_free(reg);
        strv_free(entries);
        return r;
}

/* A git-exported symlink: one line, no newline, no '=' or '[', naming /dev/null or a unit. */
static char *symlink_stub_target(const char *path, const struct stat *st) {
        char *buf = NULL, *base;
        size_t len;

        if (!S_ISREG(st->st_mode) || st->st_size == 0 || st->st_size > 4096)
                return NULL;
        if (read_full_file(path, &buf, &len) < 0)
                return NULL;
        if (strpbrk(buf, "\n=[ ") || len != strlen(buf)) {
                free(buf);
                return NULL;
        }
        base = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
        if (sdu_streq(buf, "/dev/null") || unit_name_is_valid(base, UNIT_NAME_ANY))
                return buf;
        free(buf);
        return NULL;
}

static int copy_file(const char *from, const char *to) {
        char *buf;
        size_t len;
        FILE *f;
        int r;

        r = read_full_file(from, &buf, &len);
        if (r < 0)
                return r;
        f = fopen(to, "we");
        if (!f) {
                free(buf);
                return -errno;
        }
        r = fwrite(buf, 1, len, f) == len ? 0 : -EIO;
        if (fclose(f) != 0 && r >= 0)
                r = -errno;
        free(buf);
        return r;
}

static int materialize(const char *from, const char *to) {
        struct dirent *de;
        DIR *d;
        int r = 0;

        if (mkdir(to, 0755) < 0 && errno != EEXIST)
                return -errno;
        d = opendir(from);
        if (!d)
                return -errno;
        while (r >= 0 && (de = readdir(d))) {
                char *src, *dst, *target;
                struct stat st;

                if (sdu_streq(de->d_name, ".") || sdu_streq(de->d_name, ".."))
                        continue;
                src = sdu_path_join(from, de->d_name);
                dst = sdu_path_join(to, de->d_name);
                if (!src || !dst)
                        r = -ENOMEM;
                else if (lstat(src, &st) < 0)
                        r = -errno;
                else if (S_ISDIR(st.st_mode))
                        r = materialize(src, dst);
                else if (S_ISLNK(st.st_mode)) {
                        char buf[4096];
                        ssize_t n = readlink(src, buf, sizeof(buf) - 1);
                        if (n < 0)
                                r = -errno;
                        else {
                                buf[n] = 0;
                                r = symlink(buf, dst) < 0 ? -errno : 0;
                        }
                } else if ((target = symlink_stub_target(src, &st))) {
                        r = symlink(target, dst) < 0 ? -errno : 0;
                        free(target);
                } else
                        r = copy_file(src, dst);
                free(src);
                free(dst);
        }
        closedir(d);
        return r;
}

static int remove_tree(const char *path) {
        struct dirent *de;
        struct stat st;
        DIR *d;

        if (lstat(path, &st) < 0)
                return -errno;
        if (!S_ISDIR(st.st_mode))
                return unlink(path) < 0 ? -errno : 0;
        d = opendir(path);
        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                char *p;

                if (sdu_streq(de->d_name, ".") || sdu_streq(de->d_name, ".."))
                        continue;
                p = sdu_path_join(path, de->d_name);
                if (p)
                        (void) remove_tree(p);
                free(p);
        }
        closedir(d);
        return rmdir(path) < 0 ? -errno : 0;
}

int main(int argc, char **argv) {
        Stats s = {};

        if (argc < 2) {
                fprintf(stderr, "usage: %s DIR...\n", argv[0]);
                return 2;
        }
        for (int i = 1; i < argc; i++) {
                char tmpl[] = "/tmp/sdinit-corpus-XXXXXX", *copy;
                int r;

                if (!mkdtemp(tmpl)) {
                        printf("Bail out! mkdtemp: %s\n", strerror(errno));
                        return 1;
                }
                copy = sdu_path_join(tmpl, "tree");
                r = copy ? materialize(argv[i], copy) : -ENOMEM;
                s.copy_prefix = copy;
                s.orig_prefix = argv[i];
                if (r >= 0)
                        r = check_dir(copy, &s);
                (void) remove_tree(tmpl);
                s.copy_prefix = s.orig_prefix = NULL;
                free(copy);
                if (r < 0) {
                        printf("Bail out! %s: %s\n", argv[i], strerror(-r));
                        return 1;
                }
        }
        if (s.n == 0) {
                printf("Bail out! no unit files found\n");
                return 1;
        }
        printf("# %u units, %u failed, %u not-enforced directives in use\n", s.n, s.failed, s.not_enforced);
        printf("1..%u\n", s.n);
        return s.failed ? 1 : 0;
}
