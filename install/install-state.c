/* SPDX-License-Identifier: MIT */
/* Unit-file states (systemctl is-enabled), list-unit-files and the preset files, as systemd 252
 * computes them (see install.h).
 *
 * The state of a regular unit file: "alias" when asked under another name, "generated" or
 * "transient" by its directory, else the symlinks of the search path decide: a symlink in a
 * .wants/.requires directory named like the unit (or an instance of the template), or a symlink
 * elsewhere pointing to it, whose name is one that `enable` would create (the unit, its Alias=,
 * the DefaultInstance) makes it "enabled" when found in /etc/systemd/system and
 * "enabled-runtime" below /run; any other such symlink makes it "indirect"; a same-name link into
 * the config directory is "linked". Symlinks in directories of lower priority than the unit file
 * itself do not count, and vendor directories count only for instances ("static"). Without
 * symlinks: "disabled" with [Install] rules, "indirect" with only Also=, else "static". */
#include "install-internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sdu-util.h"
#include "unit-name.h"

static const char *const state_table[_INSTALL_STATE_MAX] = {
        [INSTALL_STATE_ENABLED] = "enabled",
        [INSTALL_STATE_ENABLED_RUNTIME] = "enabled-runtime",
        [INSTALL_STATE_LINKED] = "linked",
        [INSTALL_STATE_LINKED_RUNTIME] = "linked-runtime",
        [INSTALL_STATE_ALIAS] = "alias",
        [INSTALL_STATE_MASKED] = "masked",
        [INSTALL_STATE_MASKED_RUNTIME] = "masked-runtime",
        [INSTALL_STATE_STATIC] = "static",
        [INSTALL_STATE_DISABLED] = "disabled",
        [INSTALL_STATE_INDIRECT] = "indirect",
        [INSTALL_STATE_GENERATED] = "generated",
        [INSTALL_STATE_TRANSIENT] = "transient",
        [INSTALL_STATE_BAD] = "bad",
};

const char *install_state_to_string(InstallState s) {
        return s >= 0 && s < _INSTALL_STATE_MAX ? state_table[s] : NULL;
}

int install_state_from_string(const char *s) {
        for (int i = 0; i < _INSTALL_STATE_MAX; i++)
                if (sdu_streq(state_table[i], s))
                        return i;
        return -EINVAL;
}

bool install_state_is_enabled(InstallState s) {
        return s == INSTALL_STATE_ENABLED || s == INSTALL_STATE_ENABLED_RUNTIME || s == INSTALL_STATE_STATIC ||
               s == INSTALL_STATE_ALIAS || s == INSTALL_STATE_INDIRECT || s == INSTALL_STATE_GENERATED;
}

static bool path_below(const char *path, const char *dir) {
        size_t l = strlen(dir);

        while (l > 0 && dir[l - 1] == '/')
                l--;
        return strncmp(path, dir, l) == 0 && (path[l] == '/' || path[l] == 0);
}

static bool known_name(const Info *i, const char *name) {
        const char *di = info_default_instance(i);

        if (strcmp(name, i->name) == 0 || strv_contains(info_aliases(i), name))
                return true;
        if (di && unit_name_is_template(i->name)) {
                char *s = NULL;
                bool r = unit_name_replace_instance(i->name, di, &s) >= 0 && strcmp(s, name) == 0;

                free(s);
                return r;
        }
        return false;
}

static unsigned char entry_type(DIR *d, struct dirent *de) {
        struct stat st;

        if (de->d_type != DT_UNKNOWN)
                return de->d_type;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return DT_UNKNOWN;
        return S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
}

static int find_in_directory(DIR *dir, const char *dir_path, const Info *info, bool ignore_destination,
                             bool match_name, bool ignore_same_name, const char *config_path, bool *same_name_link) {
        struct dirent *de;

        while ((de = readdir(dir))) {
                bool found_path = false, found_dest = false, b = false;

                if (hidden_or_backup_file(de->d_name) || entry_type(dir, de) != DT_LNK)
                        continue;
                if (!ignore_destination) {
                        char buf[PATH_MAX];
                        ssize_t n = readlinkat(dirfd(dir), de->d_name, buf, sizeof(buf) - 1);

                        if (n < 0)
                                continue;
                        buf[n] = 0;
                        found_dest = strcmp(base_name(buf), info->name) == 0;
                }
                if (ignore_destination || !ignore_same_name)
                        found_path = strcmp(de->d_name, info->name) == 0;
                if (!found_path && ignore_destination && unit_name_is_valid(de->d_name, UNIT_NAME_INSTANCE)) {
                        char *t = NULL;

                        if (unit_name_template(de->d_name, &t) < 0)
                                return -ENOMEM;
                        found_dest = strcmp(t, info->name) == 0;
                        free(t);
                }
                if (found_path && found_dest) {
                        char *p = sdu_path_join(dir_path, de->d_name), *t = sdu_path_join(config_path, info->name);

                        b = p && t && strcmp(p, t) == 0;
                        free(p);
                        free(t);
                }
                if (b)
                        *same_name_link = true;
                else if (found_path || found_dest) {
                        if (!match_name || known_name(info, de->d_name))
                                return 1;
                }
        }
        return 0;
}

static int find_symlinks(const Info *info, bool match_name, bool ignore_same_name, const char *config_path,
                         bool *same_name_link) {
        DIR *config_dir = opendir(config_path);
        struct dirent *de;
        int r;

        if (!config_dir)
                return 0;
        while ((de = readdir(config_dir))) {
                const char *suffix = strrchr(de->d_name, '.');
                char *path;
                DIR *d;

                if (hidden_or_backup_file(de->d_name) || entry_type(config_dir, de) != DT_DIR)
                        continue;
                if (!suffix || (strcmp(suffix, ".wants") != 0 && strcmp(suffix, ".requires") != 0))
                        continue;
                path = sdu_path_join(config_path, de->d_name);
                if (!path) {
                        closedir(config_dir);
                        return -ENOMEM;
                }
                d = opendir(path);
                if (d) {
                        r = find_in_directory(d, path, info, true, match_name, ignore_same_name, config_path,
                                              same_name_link);
                        closedir(d);
                        if (r != 0) {
                                free(path);
                                closedir(config_dir);
                                return r;
                        }
                }
                free(path);
        }
        rewinddir(config_dir);
        r = find_in_directory(config_dir, config_path, info, false, match_name, ignore_same_name, config_path,
                              same_name_link);
        closedir(config_dir);
        return r;
}

static int find_symlinks_in_scope(const Lookup *lp, const Info *info, bool match_name, InstallState *state) {
        bool same_name_link_runtime = false, same_name_link_config = false;
        bool enabled_in_runtime = false, enabled_at_all = false, ignore_same_name = false;
        int r;

        for (size_t k = 0; lp->search[k]; k++) {
                const char *p = lp->search[k];
                bool same_name_link = false;

                r = find_symlinks(info, match_name, ignore_same_name, p, &same_name_link);
                if (r < 0)
                        return r;
                if (r > 0) {
                        if (strcmp(p, lp->persistent_config) == 0) {
                                *state = INSTALL_STATE_ENABLED;
                                return 1;
                        }
                        if (lookup_is_runtime(lp, p, false))
                                enabled_in_runtime = true;
                        else
                                enabled_at_all = true;
                } else if (same_name_link) {
                        if (strcmp(p, lp->persistent_config) == 0)
                                same_name_link_config = true;
                        else if (lookup_is_runtime(lp, p, false))
                                same_name_link_runtime = true;
                }
                if (!ignore_same_name && path_below(info->path, p))
                        ignore_same_name = true;
        }
        if (enabled_in_runtime) {
                *state = INSTALL_STATE_ENABLED_RUNTIME;
                return 1;
        }
        if (enabled_at_all && unit_name_is_instance(info->name)) {
                *state = INSTALL_STATE_STATIC;
                return 1;
        }
        if (same_name_link_config) {
                *state = INSTALL_STATE_LINKED;
                return 1;
        }
        if (same_name_link_runtime) {
                *state = INSTALL_STATE_LINKED_RUNTIME;
                return 1;
        }
        return 0;
}

int lookup_state(const Lookup *lp, const char *name, InstallState *ret) {
        InstallState state;
        Ctx ctx = {};
        Info *info;
        int r;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        r = info_discover(&ctx, lp, name, SEARCH_LOAD | SEARCH_FOLLOW_CONFIG_SYMLINKS, &info, NULL);
        if (r < 0 || !ret)
                goto finish;
        if (info->type == INFO_MASKED)
                state = lookup_is_runtime(lp, info->path, true) ? INSTALL_STATE_MASKED_RUNTIME : INSTALL_STATE_MASKED;
        else if (strcmp(name, base_name(info->path)) != 0 && !unit_name_is_instance(info->name))
                state = INSTALL_STATE_ALIAS;
        else if (lookup_is_generator(lp, info->path))
                state = INSTALL_STATE_GENERATED;
        else if (lookup_is_transient(lp, info->path))
                state = INSTALL_STATE_TRANSIENT;
        else {
                r = find_symlinks_in_scope(lp, info, true, &state);
                if (r == 0) {
                        r = find_symlinks_in_scope(lp, info, false, &state);
                        if (r > 0)
                                state = INSTALL_STATE_INDIRECT;
                        else if (r == 0) {
                                if (info_aliases(info) || info_wanted_by(info) || info_required_by(info))
                                        state = INSTALL_STATE_DISABLED;
                                else if (info_also(info))
                                        state = INSTALL_STATE_INDIRECT;
                                else
                                        state = INSTALL_STATE_STATIC;
                        }
                }
                if (r < 0)
                        goto finish;
        }
        *ret = state;
        r = 0;
finish:
        ctx_done(&ctx);
        return r;
}

int install_get_state(const char *root, const char *name, InstallState *ret) {
        Lookup lp;
        int r;

        r = lookup_init(&lp, root);
        if (r < 0)
                return r;
        r = lookup_state(&lp, name, ret);
        lookup_done(&lp);
        return r;
}

int install_unit_exists(const char *root, const char *name) {
        Lookup lp;
        int r;

        r = lookup_init(&lp, root);
        if (r < 0)
                return r;
        r = lookup_exists(&lp, name);
        lookup_done(&lp);
        return r;
}

/* ---- list-unit-files ---- */

void install_files_free(InstallFile *f, size_t n) {
        for (size_t i = 0; f && i < n; i++)
                free(f[i].path);
        free(f);
}

static bool fnmatch_any(char *const *patterns, const char *s) {
        if (!patterns || !patterns[0])
                return true;
        for (size_t i = 0; patterns[i]; i++)
                if (fnmatch(patterns[i], s, FNM_NOESCAPE) == 0)
                        return true;
        return false;
}

static int cmp_file(const void *a, const void *b) {
        const InstallFile *x = a, *y = b;
        const char *d1 = strrchr(x->path, '.'), *d2 = strrchr(y->path, '.');

        if (d1 && d2) {
                int r = strcasecmp(d1, d2);
                if (r != 0)
                        return r;
        }
        return strcasecmp(base_name(x->path), base_name(y->path));
}

int install_list(const char *root, char *const *states, char *const *patterns, InstallFile **ret, size_t *ret_n) {
        InstallFile *files = NULL;
        char **seen = NULL;
        size_t n = 0;
        Lookup lp;
        int r;

        r = lookup_init(&lp, root);
        if (r < 0)
                return r;
        for (size_t k = 0; lp.search[k] && r >= 0; k++) {
                DIR *d = opendir(lp.search[k]);
                struct dirent *de;

                if (!d)
                        continue;
                while (r >= 0 && (de = readdir(d))) {
                        unsigned char t;
                        InstallState st;
                        InstallFile *nf;
                        int q;

                        if (hidden_or_backup_file(de->d_name) || !unit_name_is_valid(de->d_name, UNIT_NAME_ANY))
                                continue;
                        if (!fnmatch_any(patterns, de->d_name) || strv_contains(seen, de->d_name))
                                continue;
                        t = entry_type(d, de);
                        if (t != DT_LNK && t != DT_REG)
                                continue;
                        q = lookup_state(&lp, de->d_name, &st);
                        if (q == -ENOMEM) {
                                r = q;
                                break;
                        }
                        if (q < 0)
                                st = INSTALL_STATE_BAD;
                        if (states && states[0] && !strv_contains(states, install_state_to_string(st)))
                                continue;
                        r = strv_extend(&seen, de->d_name);
                        if (r < 0)
                                break;
                        nf = realloc(files, (n + 1) * sizeof(*nf));
                        if (!nf) {
                                r = -ENOMEM;
                                break;
                        }
                        files = nf;
                        files[n].state = st;
                        files[n].path = sdu_path_join(lp.search[k], de->d_name);
                        if (!files[n++].path)
                                r = -ENOMEM;
                }
                closedir(d);
        }
        strv_free(seen);
        lookup_done(&lp);
        if (r < 0) {
                install_files_free(files, n);
                return r;
        }
        if (n > 0)
                qsort(files, n, sizeof(*files), cmp_file);
        *ret = files;
        *ret_n = n;
        return 0;
}

/* ---- presets ---- */

/* systemd 252's read_presets(): CONF_PATHS("systemd/system-preset") with split /usr, so /usr/lib
 * comes before /lib; files merged by name (first directory wins) and read in name order. */
static const char *const preset_dirs[] = {
        "/etc/systemd/system-preset", "/run/systemd/system-preset", "/usr/local/lib/systemd/system-preset",
        "/usr/lib/systemd/system-preset", "/lib/systemd/system-preset",
};

typedef struct PresetRule {
        char *pattern;     /* fnmatch() pattern; for a rule with instances, a template name */
        bool enable;
        char **instances;  /* "enable foo@.service a b": a, b */
} PresetRule;

struct InstallPresets {
        PresetRule *rules;
        size_t n, allocated;
};

void install_presets_free(InstallPresets *p) {
        if (!p)
                return;
        for (size_t i = 0; i < p->n; i++) {
                free(p->rules[i].pattern);
                strv_free(p->rules[i].instances);
        }
        free(p->rules);
        free(p);
}

/* systemd's first_word(): s starts with word, followed by the end or whitespace; returns what
 * follows the whitespace. */
static const char *first_word(const char *s, const char *word) {
        size_t wl = strlen(word);

        if (strncmp(s, word, wl) != 0)
                return NULL;
        s += wl;
        if (*s == 0)
                return s;
        if (!strchr(SDU_WHITESPACE, *s))
                return NULL;
        return s + strspn(s, SDU_WHITESPACE);
}

/* One stripped, non-comment line. 1: *rule filled, 0: not understood (the caller warns), -ENOMEM.
 * "enable PATTERN [INSTANCE...]" (instances only after a template name), "disable REST-OF-LINE"
 * (systemd 252 takes the whole rest as the pattern). A bare "enable" gives a rule that matches
 * nothing (systemd 252 crashes on it). */
static int preset_parse_line(const char *l, PresetRule *rule) {
        const char *arg;

        *rule = (PresetRule) {};
        if ((arg = first_word(l, "enable"))) {
                size_t wl = strcspn(arg, SDU_WHITESPACE);
                const char *rest = arg + wl + strspn(arg + wl, SDU_WHITESPACE);

                rule->enable = true;
                rule->pattern = sdu_strndup(arg, wl);
                if (!rule->pattern)
                        return -ENOMEM;
                if (*rest) {
                        if (!unit_name_is_valid(rule->pattern, UNIT_NAME_TEMPLATE)) {
                                free(rule->pattern);
                                rule->pattern = NULL;
                                return 0;
                        }
                        while (*rest) {
                                size_t n = strcspn(rest, SDU_WHITESPACE);

                                if (strv_push(&rule->instances, sdu_strndup(rest, n)) < 0) {
                                        free(rule->pattern);
                                        strv_free(rule->instances);
                                        return -ENOMEM;
                                }
                                rest += n;
                                rest += strspn(rest, SDU_WHITESPACE);
                        }
                }
                return 1;
        }
        if ((arg = first_word(l, "disable"))) {
                rule->pattern = strdup(arg);
                return rule->pattern ? 1 : -ENOMEM;
        }
        return 0;
}

static int presets_read_file(InstallPresets *p, const char *path) {
        char *text = NULL, *line, *next;
        struct stat st;
        unsigned n = 0;
        int r;

        /* PID 1 reads these too: a FIFO or device named *.preset must not block it */
        if (stat(path, &st) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (!S_ISREG(st.st_mode))
                return 0; /* also /dev/null: a masked file */
        r = read_full_file(path, &text, NULL);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        for (line = text; line; line = next) {
                char *copy, *l;
                PresetRule rule;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                else if (!*line)
                        break;
                n++;
                copy = strdup(line);
                if (!copy) {
                        r = -ENOMEM;
                        break;
                }
                l = sdu_strstrip(copy);
                if (!*l || strchr("#;", *l)) {
                        free(copy);
                        continue;
                }
                r = preset_parse_line(l, &rule);
                free(copy);
                if (r < 0)
                        break;
                if (r == 0) {
                        fprintf(stderr, "%s:%u: Couldn't parse line '%s'. Ignoring.\n", path, n, line);
                        continue;
                }
                if (p->n == p->allocated) {
                        size_t na = p->allocated ? p->allocated * 2 : 16;
                        PresetRule *nr = realloc(p->rules, na * sizeof(*nr));
                        if (!nr) {
                                free(rule.pattern);
                                strv_free(rule.instances);
                                r = -ENOMEM;
                                break;
                        }
                        p->rules = nr;
                        p->allocated = na;
                }
                p->rules[p->n++] = rule;
        }
        free(text);
        return r < 0 ? r : 0;
}

int presets_read_lookup(const Lookup *lp, InstallPresets **ret) {
        InstallPresets *p;
        char **dirs = NULL, **files = NULL;
        int r = 0;

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        for (size_t i = 0; i < SDU_ELEMENTSOF(preset_dirs) && r >= 0; i++)
                r = strv_push(&dirs, sdu_strjoin3(lp->root, preset_dirs[i], NULL));
        if (r >= 0)
                r = install_list_conf_files(dirs, ".preset", &files);
        for (size_t i = 0; r >= 0 && files && files[i]; i++)
                r = presets_read_file(p, files[i]);
        strv_free(dirs);
        strv_free(files);
        if (r < 0) {
                install_presets_free(p);
                return r;
        }
        *ret = p;
        return 0;
}

int install_presets_read(const char *root, InstallPresets **ret) {
        Lookup lp;
        int r = lookup_init(&lp, root);

        if (r < 0)
                return r;
        r = presets_read_lookup(&lp, ret);
        lookup_done(&lp);
        return r;
}

/* systemd's pattern_match_multiple_instances(): a rule with instances matches an instance of its
 * template whose instance is listed, and the template itself (*ret: the listed instances). */
static int rule_match_instances(const PresetRule *rule, const char *name, char ***ret) {
        char *template = NULL;
        int r;

        if (!ret || !rule->instances)
                return 0;
        if (unit_name_template(name, &template) < 0)
                return 0;
        r = strcmp(rule->pattern, template) == 0;
        free(template);
        if (!r)
                return 0;
        if (unit_name_is_template(name)) {
                char **l = NULL;

                for (size_t i = 0; rule->instances[i]; i++) {
                        char *n = NULL;

                        r = unit_name_replace_instance(name, rule->instances[i], &n);
                        if (r >= 0)
                                r = strv_push(&l, n);
                        if (r < 0) {
                                strv_free(l);
                                return r;
                        }
                }
                *ret = l;
                return 1;
        } else {
                char *inst = NULL;

                r = unit_name_to_instance(name, &inst);
                if (r < 0)
                        return r;
                r = strv_contains(rule->instances, inst);
                free(inst);
                return r;
        }
}

int install_presets_query(const InstallPresets *p, const char *name, char ***ret_instances) {
        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        for (size_t i = 0; p && i < p->n; i++) {
                const PresetRule *rule = p->rules + i;
                int r = rule_match_instances(rule, name, ret_instances);

                if (r < 0)
                        return r;
                if (r > 0 || (rule->pattern && fnmatch(rule->pattern, name, FNM_NOESCAPE) == 0))
                        return rule->enable;
        }
        return 1; /* no rule: enable */
}

int install_query_preset(const char *root, const char *name) {
        InstallPresets *p = NULL;
        int r;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        r = install_presets_read(root, &p);
        if (r < 0)
                return r;
        r = install_presets_query(p, name, NULL);
        install_presets_free(p);
        return r;
}

static const char *const preset_mode_table[_INSTALL_PRESET_MODE_MAX] = {
        [INSTALL_PRESET_FULL] = "full",
        [INSTALL_PRESET_ENABLE_ONLY] = "enable-only",
        [INSTALL_PRESET_DISABLE_ONLY] = "disable-only",
};

const char *install_preset_mode_to_string(InstallPresetMode m) {
        return m >= 0 && m < _INSTALL_PRESET_MODE_MAX ? preset_mode_table[m] : NULL;
}

int install_preset_mode_from_string(const char *s) {
        for (int i = 0; i < _INSTALL_PRESET_MODE_MAX; i++)
                if (sdu_streq(preset_mode_table[i], s))
                        return i;
        return -EINVAL;
}
