/* SPDX-License-Identifier: MIT */
/* Pure: where systemd puts a unit in the cgroup tree.
 *
 * Semantics (systemd.slice(5), systemd's unit_set_default_slice() and cg_slice_to_path()):
 *  - services, sockets, scopes ... go to system.slice; an instance "foo@bar.service" goes to
 *    "system-<foo escaped>.slice", the template prefix escaped with unit-name escaping so that a
 *    '-' in it cannot create another level ("a-b@x.service" -> "system-a\x2db.slice");
 *  - a slice name is its path: "a-b-c.slice" lives in "a.slice/a-b.slice/a-b-c.slice"; "-.slice"
 *    is the root slice (our own cgroup); init.scope lives in the root slice;
 *  - each path component is cgroup-escaped: '_' is prefixed to names that could clash with the
 *    kernel's files ("cgroup.*", "<controller>.*", names starting with '_' or '.').
 * No I/O here; everything is unit tested in tests/test-cg-layout.c. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cg-manager.h"

#define UNIT_NAME_MAX 256

static bool unit_char_ok(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               strchr(":-_.\\", c) != NULL;
}

/* Validate a unit name; on success *at = position of '@' (or NULL), *dot = the suffix dot. */
static int unit_name_split(const char *unit, const char **at, const char **dot) {
        size_t len;
        const char *p, *d, *a;

        if (!unit)
                return -EINVAL;
        len = strlen(unit);
        if (len == 0 || len >= UNIT_NAME_MAX)
                return -EINVAL;
        d = strrchr(unit, '.');
        if (!d || d == unit || d[1] == 0)
                return -EINVAL;
        for (p = d + 1; *p; p++)
                if (!((*p >= 'a' && *p <= 'z')))
                        return -EINVAL;
        a = NULL;
        for (p = unit; p < d; p++) {
                if (*p == '@') {
                        if (a)
                                return -EINVAL; /* at most one '@' */
                        a = p;
                } else if (!unit_char_ok(*p))
                        return -EINVAL;
        }
        if (a == unit)
                return -EINVAL; /* empty prefix */
        *at = a;
        *dot = d;
        return 0;
}

static int put(char *buf, size_t size, size_t *len, const char *s, size_t n) {
        if (*len + n >= size)
                return -ENAMETOOLONG;
        memcpy(buf + *len, s, n);
        *len += n;
        buf[*len] = 0;
        return 0;
}

int cg_unit_name_escape(const char *s, char *buf, size_t size) {
        static const char hex[] = "0123456789abcdef";
        size_t len = 0;
        int r;

        if (!s || !buf || size == 0)
                return -EINVAL;
        buf[0] = 0;
        for (const char *p = s; *p; p++) {
                unsigned char c = (unsigned char) *p;
                if (c == '/')
                        r = put(buf, size, &len, "-", 1);
                else if (c == '-' || c == '\\' || !unit_char_ok((char) c) || (p == s && c == '.')) {
                        char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
                        r = put(buf, size, &len, e, 4);
                } else
                        r = put(buf, size, &len, p, 1);
                if (r < 0)
                        return r;
        }
        return (int) len;
}

/* The controller names systemd treats as reserved prefixes ("<name>." is escaped). */
static const char *const reserved_prefixes[] = {
        "cpu", "cpuacct", "cpuset", "io", "blkio", "memory", "devices", "pids",
        "bpf-firewall", "bpf-devices", "bpf-foreign", "bpf-socket-bind",
        "bpf-restrict-network-interfaces",
};

static bool cg_needs_escape(const char *p) {
        if (p[0] == '_' || p[0] == '.')
                return true;
        if (strncmp(p, "cgroup.", 7) == 0)
                return true;
        if (strcmp(p, "notify_on_release") == 0 || strcmp(p, "release_agent") == 0 || strcmp(p, "tasks") == 0)
                return true;
        for (size_t i = 0; i < sizeof reserved_prefixes / sizeof reserved_prefixes[0]; i++) {
                size_t n = strlen(reserved_prefixes[i]);
                if (strncmp(p, reserved_prefixes[i], n) == 0 && p[n] == '.')
                        return true;
        }
        return false;
}

int cg_escape_name(const char *name, char *buf, size_t size) {
        size_t len = 0;
        int r;

        if (!name || !buf || size == 0 || !name[0] || strchr(name, '/') || strcmp(name, ".") == 0 ||
            strcmp(name, "..") == 0)
                return -EINVAL;
        buf[0] = 0;
        if (cg_needs_escape(name)) {
                r = put(buf, size, &len, "_", 1);
                if (r < 0)
                        return r;
        }
        r = put(buf, size, &len, name, strlen(name));
        if (r < 0)
                return r;
        if (len > 255) /* NAME_MAX */
                return -ENAMETOOLONG;
        return (int) len;
}

static bool ends_with(const char *s, const char *suffix) {
        size_t a = strlen(s), b = strlen(suffix);
        return a >= b && strcmp(s + a - b, suffix) == 0;
}

int cg_slice_path(const char *slice, char *buf, size_t size) {
        const char *at, *dot, *dash;
        char comp[UNIT_NAME_MAX + 8], esc[UNIT_NAME_MAX + 8];
        size_t len = 0, plen;
        int r;

        if (!slice || !buf || size == 0)
                return -EINVAL;
        buf[0] = 0;
        if (strcmp(slice, "-.slice") == 0)
                return 0;
        if (!ends_with(slice, ".slice"))
                return -EINVAL;
        r = unit_name_split(slice, &at, &dot);
        if (r < 0)
                return r;
        if (at)
                return -EINVAL; /* slices cannot be templated */
        plen = (size_t) (dot - slice);
        if (slice[0] == '-' || slice[plen - 1] == '-')
                return -EINVAL;
        for (dash = strchr(slice, '-'); dash && dash < dot; dash = strchr(dash + 1, '-')) {
                if (dash[1] == '-')
                        return -EINVAL;
                snprintf(comp, sizeof comp, "%.*s.slice", (int) (dash - slice), slice);
                r = cg_escape_name(comp, esc, sizeof esc);
                if (r < 0)
                        return r;
                r = put(buf, size, &len, esc, (size_t) r);
                if (r < 0)
                        return r;
                r = put(buf, size, &len, "/", 1);
                if (r < 0)
                        return r;
        }
        r = cg_escape_name(slice, esc, sizeof esc);
        if (r < 0)
                return r;
        r = put(buf, size, &len, esc, (size_t) r);
        if (r < 0)
                return r;
        return (int) len;
}

int cg_unit_default_slice(const char *unit, char *buf, size_t size) {
        const char *at, *dot;
        char prefix[UNIT_NAME_MAX], escaped[UNIT_NAME_MAX * 4];
        int r, n;

        if (!buf || size == 0)
                return -EINVAL;
        r = unit_name_split(unit, &at, &dot);
        if (r < 0)
                return r;
        if (strcmp(unit, "init.scope") == 0 || ends_with(unit, ".slice"))
                n = snprintf(buf, size, "-.slice");
        else if (at) {
                if (at + 1 == dot)
                        return -EINVAL; /* a template ("foo@.service") has no cgroup */
                snprintf(prefix, sizeof prefix, "%.*s", (int) (at - unit), unit);
                r = cg_unit_name_escape(prefix, escaped, sizeof escaped);
                if (r < 0)
                        return r;
                n = snprintf(buf, size, "system-%s.slice", escaped);
        } else
                n = snprintf(buf, size, "system.slice");
        if (n < 0 || (size_t) n >= size)
                return -ENAMETOOLONG;
        return n;
}

int cg_unit_path(const char *unit, const char *slice_override, char *buf, size_t size) {
        char slice[UNIT_NAME_MAX * 4], spath[CG_PATH_MAX], esc[UNIT_NAME_MAX + 8];
        const char *at, *dot;
        int r, n;

        if (!buf || size == 0)
                return -EINVAL;
        buf[0] = 0;
        r = unit_name_split(unit, &at, &dot);
        if (r < 0)
                return r;
        if (at && at + 1 == dot)
                return -EINVAL;
        if (ends_with(unit, ".slice")) /* a slice is where its name says */
                return cg_slice_path(unit, buf, size);

        if (slice_override && *slice_override) {
                if (!ends_with(slice_override, ".slice"))
                        return -EINVAL;
                if (strlen(slice_override) >= sizeof slice)
                        return -ENAMETOOLONG;
                strcpy(slice, slice_override);
        } else {
                r = cg_unit_default_slice(unit, slice, sizeof slice);
                if (r < 0)
                        return r;
        }
        r = cg_slice_path(slice, spath, sizeof spath);
        if (r < 0)
                return r;
        r = cg_escape_name(unit, esc, sizeof esc);
        if (r < 0)
                return r;
        n = snprintf(buf, size, "%s%s%s", spath, spath[0] ? "/" : "", esc);
        if (n < 0 || (size_t) n >= size) {
                buf[0] = 0;
                return -ENAMETOOLONG;
        }
        return n;
}
