/* SPDX-License-Identifier: MIT */
#include "delegate.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

static const char *const names[DELEGATE_CONTROLLERS] = {
        "cpu", "cpuacct", "cpuset", "io", "blkio", "memory", "devices", "pids", "bpf-firewall", "bpf-devices",
        "bpf-foreign", "bpf-socket-bind", "bpf-restrict-network-interfaces",
};

const char *delegate_controller_name(unsigned i) {
        return i < DELEGATE_CONTROLLERS ? names[i] : NULL;
}

/* systemd's parse_boolean(): 1, 0, or -1 when the word is no boolean. */
static int boolean_of(const char *s) {
        static const char *const yes[] = { "1", "yes", "y", "true", "t", "on" };
        static const char *const no[] = { "0", "no", "n", "false", "f", "off" };

        for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
                if (strcasecmp(s, yes[i]) == 0)
                        return 1;
                if (strcasecmp(s, no[i]) == 0)
                        return 0;
        }
        return -1;
}

/* The controllers named in a white-space separated list (quotes around a word are dropped). */
static uint32_t list_mask(const char *s) {
        uint32_t mask = 0;

        while (*s) {
                size_t n;

                s += strspn(s, " \t\n");
                n = strcspn(s, " \t\n");
                if (n == 0)
                        break;
                const char *w = s;
                size_t k = n;
                if (k >= 2 && (w[0] == '"' || w[0] == '\'') && w[k - 1] == w[0]) {
                        w++;
                        k -= 2;
                }
                for (unsigned i = 0; i < DELEGATE_CONTROLLERS; i++)
                        if (strlen(names[i]) == k && strncmp(names[i], w, k) == 0)
                                mask |= 1u << i;
                s += n;
        }
        return mask;
}

int delegate_parse(char *const *assignments, uint32_t *ret_mask) {
        bool on = false;
        uint32_t mask = 0;

        for (size_t i = 0; assignments && assignments[i]; i++) {
                const char *v = assignments[i];
                int b = *v ? boolean_of(v) : -1;

                if (!*v) {
                        on = true;
                        mask = 0;
                } else if (b > 0) {
                        on = true;
                        mask = DELEGATE_V2;
                } else if (b == 0) {
                        on = false;
                        mask = 0;
                } else {
                        on = true;
                        mask |= list_mask(v);
                }
        }
        if (ret_mask)
                *ret_mask = mask;
        return on;
}

size_t delegate_v2_controllers(uint32_t mask, char *buf, size_t size) {
        static const struct {
                uint32_t bits;
                const char *name;
        } v2[] = {
                { DELEGATE_CPU | DELEGATE_CPUACCT, "cpu" }, { DELEGATE_CPUSET, "cpuset" }, { DELEGATE_IO, "io" },
                { DELEGATE_MEMORY, "memory" },              { DELEGATE_PIDS, "pids" },
        };
        size_t len = 0;

        if (!buf || size == 0)
                return 0;
        buf[0] = 0;
        for (size_t i = 0; i < sizeof v2 / sizeof v2[0]; i++) {
                size_t n = strlen(v2[i].name);
                if (!(mask & v2[i].bits) || len + (len > 0) + n >= size)
                        continue;
                if (len > 0)
                        buf[len++] = ' ';
                memcpy(buf + len, v2[i].name, n + 1);
                len += n;
        }
        return len;
}
