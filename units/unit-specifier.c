/* SPDX-License-Identifier: MIT */
/* Specifier expansion, see unit-specifier.h. Meanings follow systemd.unit(5) "Specifiers". */
#include "unit-specifier.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sdu-util.h"
#include "unit-name.h"

struct UnitHostInfo {
        char *values[128];
};

static const char host_letters[] = "HlqmbvaowWBMAuUgGhstSCLETV";

static bool is_host_letter(char c) {
        return c && strchr(host_letters, c);
}

int unit_host_info_set(UnitHostInfo *h, char c, const char *value) {
        char *v;

        if (!is_host_letter(c))
                return -EINVAL;
        v = strdup(value ?: "");
        if (!v)
                return -ENOMEM;
        free(h->values[(unsigned char) c]);
        h->values[(unsigned char) c] = v;
        return 0;
}

const char *unit_host_info_get(const UnitHostInfo *h, char c) {
        if (!h || !is_host_letter(c))
                return NULL;
        return h->values[(unsigned char) c];
}

UnitHostInfo *unit_host_info_free(UnitHostInfo *h) {
        if (!h)
                return NULL;
        for (size_t i = 0; i < SDU_ELEMENTSOF(h->values); i++)
                free(h->values[i]);
        free(h);
        return NULL;
}

int unit_host_info_new_fixed(UnitHostInfo **ret) {
        static const struct {
                char c;
                const char *v;
        } defaults[] = {
                { 'H', "sdinit-host" },
                { 'l', "sdinit-host" },
                { 'q', "sdinit-host" },
                { 'm', "00000000000000000000000000000001" },
                { 'b', "00000000000000000000000000000002" },
                { 'v', "6.1.0-sdinit" },
                { 'a', "x86-64" },
                { 'o', "debian" },
                { 'w', "12" },
                { 'W', "" },
                { 'B', "" },
                { 'M', "" },
                { 'A', "" },
                { 'u', "root" },
                { 'U', "0" },
                { 'g', "root" },
                { 'G', "0" },
                { 'h', "/root" },
                { 's', "/bin/sh" },
                { 't', "/run" },
                { 'S', "/var/lib" },
                { 'C', "/var/cache" },
                { 'L', "/var/log" },
                { 'E', "/etc" },
                { 'T', "/tmp" },
                { 'V', "/var/tmp" },
        };
        UnitHostInfo *h = calloc(1, sizeof(*h));

        if (!h)
                return -ENOMEM;
        for (size_t i = 0; i < SDU_ELEMENTSOF(defaults); i++)
                if (unit_host_info_set(h, defaults[i].c, defaults[i].v) < 0) {
                        unit_host_info_free(h);
                        return -ENOMEM;
                }
        *ret = h;
        return 0;
}

char *unit_first_line_dup(char *text) {
        text[strcspn(text, "\n")] = 0;
        return strdup(sdu_strstrip(text));
}

static char *read_first_line(const char *root, const char *path) {
        char *full, *buf = NULL, *r;

        full = sdu_path_join(root ?: "/", path);
        if (!full)
                return NULL;
        if (read_full_file(full, &buf, NULL) < 0) {
                free(full);
                return NULL;
        }
        free(full);
        r = unit_first_line_dup(buf);
        free(buf);
        return r;
}

int unit_host_info_apply_os_release(UnitHostInfo *h, char *text) {
        static const struct {
                const char *key;
                char c;
        } map[] = {
                { "ID", 'o' },        { "VERSION_ID", 'w' }, { "VARIANT_ID", 'W' },
                { "BUILD_ID", 'B' },  { "IMAGE_ID", 'M' },   { "IMAGE_VERSION", 'A' },
        };
        char *save = NULL;

        for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *eq = strchr(line, '='), *v;
                size_t n;

                if (!eq)
                        continue;
                *eq = 0;
                v = eq + 1;
                n = strlen(v);
                if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
                        v[n - 1] = 0;
                        v++;
                }
                for (size_t j = 0; j < SDU_ELEMENTSOF(map); j++)
                        if (sdu_streq(line, map[j].key) && unit_host_info_set(h, map[j].c, v) < 0)
                                return -ENOMEM;
        }
        return 0;
}

/* Reads KEY=value (optionally quoted) from an os-release file. */
static int os_release_apply(UnitHostInfo *h, const char *root) {
        const char *paths[] = { "/etc/os-release", "/usr/lib/os-release" };
        char *buf = NULL;
        int r;

        for (size_t i = 0; i < SDU_ELEMENTSOF(paths) && !buf; i++) {
                char *full = sdu_path_join(root ?: "/", paths[i]);

                if (!full)
                        return -ENOMEM;
                if (read_full_file(full, &buf, NULL) < 0)
                        buf = NULL;
                free(full);
        }
        if (!buf)
                return 0;
        r = unit_host_info_apply_os_release(h, buf);
        free(buf);
        return r;
}

static const char *architecture_from_uname(const char *m) {
        static const struct {
                const char *machine, *arch;
        } map[] = {
                { "x86_64", "x86-64" }, { "aarch64", "arm64" }, { "i686", "x86" },    { "i386", "x86" },
                { "armv7l", "arm" },    { "ppc64le", "ppc64-le" }, { "s390x", "s390x" }, { "riscv64", "riscv64" },
        };
        for (size_t i = 0; i < SDU_ELEMENTSOF(map); i++)
                if (sdu_streq(map[i].machine, m))
                        return map[i].arch;
        return m;
}

int unit_host_info_new_from_system(const char *root, UnitHostInfo **ret) {
        UnitHostInfo *h;
        struct utsname u;
        char hn[256] = "";
        char *s;
        int r;

        r = unit_host_info_new_fixed(&h);
        if (r < 0)
                return r;
        if (uname(&u) >= 0) {
                r = unit_host_info_set(h, 'v', u.release);
                if (r >= 0)
                        r = unit_host_info_set(h, 'a', architecture_from_uname(u.machine));
        }
        if (r >= 0 && gethostname(hn, sizeof(hn) - 1) >= 0 && hn[0]) {
                r = unit_host_info_set(h, 'H', hn);
                if (r >= 0)
                        r = unit_host_info_set(h, 'q', hn);
                hn[strcspn(hn, ".")] = 0;
                if (r >= 0)
                        r = unit_host_info_set(h, 'l', hn);
        }
        if (r >= 0 && (s = read_first_line(root, "/etc/machine-id"))) {
                r = unit_host_info_set(h, 'm', s);
                free(s);
        }
        if (r >= 0 && (s = read_first_line("/", "/proc/sys/kernel/random/boot_id"))) {
                /* boot_id has dashes; %b prints it without, like the machine id. */
                char *t = s;
                for (char *f = s; *f; f++)
                        if (*f != '-')
                                *t++ = *f;
                *t = 0;
                r = unit_host_info_set(h, 'b', s);
                free(s);
        }
        if (r >= 0)
                r = os_release_apply(h, root);
        if (r < 0) {
                unit_host_info_free(h);
                return r;
        }
        *ret = h;
        return 0;
}

static int dup_to(const char *s, char **ret) {
        char *r = strdup(s);

        if (!r)
                return -ENOMEM;
        *ret = r;
        return 0;
}

/* The prefix's last dash-separated component (%j). */
static int prefix_last_component(const char *name, char **ret) {
        char *p, *dash;
        int r;

        r = unit_name_to_prefix(name, &p);
        if (r < 0)
                return r;
        dash = strrchr(p, '-');
        if (dash) {
                r = dup_to(dash + 1, ret);
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

static int unescape_result(int r, char *raw, char **ret) {
        if (r < 0)
                return r;
        r = unit_name_unescape(raw, ret);
        free(raw);
        return r;
}

int unit_specifier_value(char c, const UnitSpecifierData *d, char **ret) {
        char *tmp = NULL;
        int r;

        switch (c) {
        case '%':
                return dup_to("%", ret);
        case 'n':
                return dup_to(d->name, ret);
        case 'N':
                return unit_name_to_id_prefix(d->name, ret);
        case 'p':
                return unit_name_to_prefix(d->name, ret);
        case 'P':
                r = unit_name_to_prefix(d->name, &tmp);
                return unescape_result(r, tmp, ret);
        case 'i':
                r = unit_name_to_instance(d->name, ret);
                return r == -ENXIO ? dup_to("", ret) : r;
        case 'I':
                r = unit_name_to_instance(d->name, &tmp);
                if (r == -ENXIO)
                        return dup_to("", ret);
                return unescape_result(r, tmp, ret);
        case 'f':
                r = unit_name_to_instance(d->name, &tmp);
                if (r == -ENXIO || (r >= 0 && !*tmp)) {
                        free(tmp);
                        r = unit_name_to_prefix(d->name, &tmp);
                }
                if (r < 0)
                        return r;
                r = unit_name_path_unescape(tmp, ret);
                free(tmp);
                return r;
        case 'j':
                return prefix_last_component(d->name, ret);
        case 'J':
                r = prefix_last_component(d->name, &tmp);
                return unescape_result(r, tmp, ret);
        case 'y':
                return dup_to(d->fragment_path ?: "", ret);
        case 'Y': {
                const char *p = d->fragment_path ?: "";
                const char *slash = strrchr(p, '/');

                if (!slash)
                        return dup_to("", ret);
                tmp = sdu_strndup(p, slash == p ? 1 : (size_t) (slash - p));
                if (!tmp)
                        return -ENOMEM;
                *ret = tmp;
                return 0;
        }
        case 'd':
                tmp = sdu_strjoin3("/run/credentials/", d->name, NULL);
                if (!tmp)
                        return -ENOMEM;
                *ret = tmp;
                return 0;
        default:
                if (is_host_letter(c)) {
                        const char *v = unit_host_info_get(d->host, c);
                        return dup_to(v ?: "", ret);
                }
                return -EBADSLT;
        }
}

int unit_specifier_expand(const char *text, const UnitSpecifierData *d, char **ret) {
        SduBuf b = {};
        int r = sdu_buf_puts(&b, "");

        for (const char *p = text; r >= 0 && *p; p++) {
                char *v;

                if (*p != '%') {
                        r = sdu_buf_putc(&b, *p);
                        continue;
                }
                if (!p[1]) {
                        r = -EBADSLT;
                        break;
                }
                p++;
                r = unit_specifier_value(*p, d, &v);
                if (r < 0)
                        break;
                r = sdu_buf_puts(&b, v);
                free(v);
        }
        if (r < 0) {
                sdu_buf_done(&b);
                return r;
        }
        *ret = sdu_buf_steal(&b);
        return 0;
}
