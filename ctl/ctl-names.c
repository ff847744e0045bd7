/* SPDX-License-Identifier: MIT */
/* Unit names as systemctl handles them (ctl.h): the escaped object path of a unit, and the
 * mangling of what the user typed ("foo" -> "foo.service"), after systemd 252's
 * unit_dbus_path_from_name() and unit_name_mangle_with_suffix(). Shared by the offline verbs
 * (systemctl.c) and the online ones (ctl-bus.c, ctl-unit-files.c, ctl-show.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"
#include "units/unit-name.h"

int ctl_unit_path(const char *unit, char **ret) {
        static const char prefix[] = "/org/freedesktop/systemd1/unit/";
        size_t n = strlen(unit);
        char *p = malloc(sizeof(prefix) + 3 * n + 1), *o;

        if (!p)
                return -ENOMEM;
        o = stpcpy(p, prefix);
        if (n == 0)
                *o++ = '_';
        for (const unsigned char *s = (const unsigned char *) unit; *s; s++)
                if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9' && s != (const unsigned char *) unit))
                        *o++ = (char) *s;
                else
                        o += sprintf(o, "_%02x", *s);
        *o = 0;
        *ret = p;
        return 0;
}

static bool string_is_glob(const char *s) {
        return strpbrk(s, "*?[") != NULL;
}

int ctl_mangle(const Ctl *c, const char *name, bool allow_glob, char **ret) {
        static const char valid[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_.\\@";
        bool mangled = false, glob_warned = false;
        char *s, *t;

        if (!*name)
                return -EINVAL;
        if (unit_name_is_valid(name, UNIT_NAME_ANY)) {
                *ret = strdup(name);
                return *ret ? 0 : -ENOMEM;
        }
        if (string_is_glob(name) && strspn(name, valid) + strspn(name + strspn(name, valid), "*?[]!-") > 0) {
                bool ok = true;

                for (const char *p = name; *p; p++)
                        if (!strchr(valid, *p) && !strchr("*?[]!-", *p))
                                ok = false;
                if (ok && allow_glob) {
                        *ret = strdup(name);
                        return *ret ? 0 : -ENOMEM;
                }
                if (ok && !c->quiet) {
                        fprintf(stderr, "Glob pattern passed to %s, but globs are not supported for this.\n", c->verb);
                        glob_warned = true;
                }
        }
        s = malloc(strlen(name) * 4 + 16);
        if (!s)
                return -ENOMEM;
        t = s;
        for (const char *f = name; *f; f++)
                if (*f == '/') {
                        *t++ = '-';
                        mangled = true;
                } else if (!strchr(valid, *f)) {
                        t += sprintf(t, "\\x%02x", (unsigned char) *f);
                        mangled = true;
                } else
                        *t++ = *f;
        *t = 0;
        if (mangled && !c->quiet) {
                if (glob_warned)
                        fprintf(stderr, "Invalid unit name \"%s\" escaped as \"%s\".\n", name, s);
                else
                        fprintf(stderr, "Invalid unit name \"%s\" escaped as \"%s\" (maybe you should use systemd-escape?).\n",
                                name, s);
        }
        if (unit_name_to_type(s) < 0)
                strcat(s, ".service");
        if (!unit_name_is_valid(s, UNIT_NAME_ANY)) {
                free(s);
                return -EINVAL;
        }
        *ret = s;
        return 0;
}
