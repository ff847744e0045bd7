/* SPDX-License-Identifier: MIT */
/* Unit name handling, see unit-name.h. Rules follow systemd.unit(5) "Description" and
 * systemd-escape(1): valid name characters are ASCII letters, digits, ":-_.\" plus one '@'
 * separating prefix and instance; the whole name is at most 255 bytes. */
#include "unit-name.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sdu-util.h"

static const char *const unit_type_table[_UNIT_TYPE_MAX] = {
        [UNIT_SERVICE] = "service", [UNIT_SOCKET] = "socket",     [UNIT_TARGET] = "target",
        [UNIT_DEVICE] = "device",   [UNIT_MOUNT] = "mount",       [UNIT_AUTOMOUNT] = "automount",
        [UNIT_SWAP] = "swap",       [UNIT_TIMER] = "timer",       [UNIT_PATH] = "path",
        [UNIT_SLICE] = "slice",     [UNIT_SCOPE] = "scope",
};

const char *unit_type_to_string(UnitType t) {
        if (t < 0 || t >= _UNIT_TYPE_MAX)
                return NULL;
        return unit_type_table[t];
}

UnitType unit_type_from_string(const char *s) {
        for (int i = 0; i < _UNIT_TYPE_MAX; i++)
                if (sdu_streq(unit_type_table[i], s))
                        return (UnitType) i;
        return _UNIT_TYPE_INVALID;
}

UnitType unit_name_to_type(const char *name) {
        const char *dot = strrchr(name, '.');

        return dot ? unit_type_from_string(dot + 1) : _UNIT_TYPE_INVALID;
}

static bool char_is_valid_in_name(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               strchr(":-_.\\", c);
}

bool unit_name_is_valid(const char *name, UnitNameFlags flags) {
        const char *dot, *at = NULL;

        if (!name || !*name || strlen(name) >= UNIT_NAME_MAX)
                return false;
        dot = strrchr(name, '.');
        if (!dot || dot == name || unit_type_from_string(dot + 1) < 0)
                return false;
        for (const char *c = name; c < dot; c++) {
                if (*c == '@') {
                        if (at)
                                return false;
                        at = c;
                        continue;
                }
                if (!char_is_valid_in_name(*c))
                        return false;
        }
        if (!at)
                return flags & UNIT_NAME_PLAIN;
        if (at == name)
                return false;
        if (at + 1 == dot)
                return flags & UNIT_NAME_TEMPLATE;
        return flags & UNIT_NAME_INSTANCE;
}

bool unit_name_is_template(const char *name) {
        return unit_name_is_valid(name, UNIT_NAME_TEMPLATE);
}

bool unit_name_is_instance(const char *name) {
        return unit_name_is_valid(name, UNIT_NAME_INSTANCE);
}

static int dup_or_enomem(const char *s, size_t n, char **ret) {
        char *r = sdu_strndup(s, n);

        if (!r)
                return -ENOMEM;
        *ret = r;
        return 0;
}

int unit_name_to_prefix(const char *name, char **ret) {
        const char *e;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        e = strchr(name, '@');
        if (!e)
                e = strrchr(name, '.');
        return dup_or_enomem(name, (size_t) (e - name), ret);
}

int unit_name_to_instance(const char *name, char **ret) {
        const char *at, *dot;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        at = strchr(name, '@');
        if (!at)
                return -ENXIO;
        dot = strrchr(name, '.');
        return dup_or_enomem(at + 1, (size_t) (dot - at - 1), ret);
}

int unit_name_template(const char *name, char **ret) {
        const char *at, *dot;
        char *r;

        if (!unit_name_is_valid(name, UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE))
                return -EINVAL;
        at = strchr(name, '@');
        dot = strrchr(name, '.');
        r = sdu_asprintf("%.*s%s", (int) (at - name + 1), name, dot);
        if (!r)
                return -ENOMEM;
        *ret = r;
        return 0;
}

int unit_name_replace_instance(const char *name, const char *instance, char **ret) {
        const char *at, *dot;
        char *r;

        if (!unit_name_is_valid(name, UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE))
                return -EINVAL;
        at = strchr(name, '@');
        dot = strrchr(name, '.');
        r = sdu_asprintf("%.*s%s%s", (int) (at - name + 1), name, instance, dot);
        if (!r)
                return -ENOMEM;
        if (!unit_name_is_valid(r, UNIT_NAME_INSTANCE | UNIT_NAME_TEMPLATE)) {
                free(r);
                return -EINVAL;
        }
        *ret = r;
        return 0;
}

int unit_name_to_id_prefix(const char *name, char **ret) {
        const char *dot;

        if (!unit_name_is_valid(name, UNIT_NAME_ANY))
                return -EINVAL;
        dot = strrchr(name, '.');
        return dup_or_enomem(name, (size_t) (dot - name), ret);
}

static bool char_needs_no_escape(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
               c == '_' || c == '.';
}

int unit_name_escape(const char *s, char **ret) {
        SduBuf b = {};
        int r = 0;

        /* Make sure an empty string still yields a string. */
        r = sdu_buf_puts(&b, "");
        for (const char *c = s; r >= 0 && *c; c++) {
                if (*c == '/')
                        r = sdu_buf_putc(&b, '-');
                else if ((c == s && *c == '.') || !char_needs_no_escape(*c)) {
                        char hex[5];

                        hex[0] = '\\';
                        hex[1] = 'x';
                        hex[2] = "0123456789abcdef"[((unsigned char) *c) >> 4];
                        hex[3] = "0123456789abcdef"[((unsigned char) *c) & 15];
                        hex[4] = 0;
                        r = sdu_buf_puts(&b, hex);
                } else
                        r = sdu_buf_putc(&b, *c);
        }
        if (r < 0) {
                sdu_buf_done(&b);
                return r;
        }
        *ret = sdu_buf_steal(&b);
        return 0;
}

static int unhex(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -EINVAL;
}

int unit_name_unescape(const char *s, char **ret) {
        size_t n = strlen(s);
        char *r = malloc(n + 1), *t = r;

        if (!r)
                return -ENOMEM;
        for (const char *f = s; *f; f++) {
                if (*f == '-')
                        *t++ = '/';
                else if (*f == '\\') {
                        int a, b;

                        if (f[1] != 'x' || (a = unhex(f[2])) < 0 || (b = unhex(f[3])) < 0) {
                                free(r);
                                return -EINVAL;
                        }
                        *t++ = (char) ((a << 4) | b);
                        f += 3;
                } else
                        *t++ = *f;
        }
        *t = 0;
        *ret = r;
        return 0;
}

int unit_name_path_escape(const char *path, char **ret) {
        SduBuf b = {};
        char *e;
        int r;

        /* Collapse duplicate slashes and drop leading/trailing ones. */
        for (const char *c = path; *c;) {
                const char *end;

                c += strspn(c, "/");
                if (!*c)
                        break;
                end = strchrnul(c, '/');
                if ((end - c == 1 && c[0] == '.') || (end - c == 2 && c[0] == '.' && c[1] == '.')) {
                        sdu_buf_done(&b);
                        return -EINVAL;
                }
                if ((b.len > 0 && sdu_buf_putc(&b, '/') < 0) || sdu_buf_putn(&b, c, (size_t) (end - c)) < 0) {
                        sdu_buf_done(&b);
                        return -ENOMEM;
                }
                c = end;
        }
        if (b.len == 0) {
                sdu_buf_done(&b);
                e = strdup("-");
                if (!e)
                        return -ENOMEM;
                *ret = e;
                return 0;
        }
        r = unit_name_escape(b.data, ret);
        sdu_buf_done(&b);
        return r;
}

int unit_name_path_unescape(const char *s, char **ret) {
        char *u, *p;
        int r;

        if (!*s)
                return -EINVAL;
        if (sdu_streq(s, "-")) {
                p = strdup("/");
                if (!p)
                        return -ENOMEM;
                *ret = p;
                return 0;
        }
        r = unit_name_unescape(s, &u);
        if (r < 0)
                return r;
        p = sdu_strjoin3("/", u, NULL);
        free(u);
        if (!p)
                return -ENOMEM;
        *ret = p;
        return 0;
}
