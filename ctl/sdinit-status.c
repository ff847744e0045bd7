/* SPDX-License-Identifier: MIT */
/* `sdinit status`: the boot's units for humans, over the same D-Bus API as systemctl: one table
 * of every loaded unit with its load, active and sub state, main PID, restarts, memory and tasks
 * (from the unit's cgroup where sdinit has one; "-" otherwise), then the system state.
 * Exit status: 0 when the system is "running", 1 otherwise (as systemctl is-system-running). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctl/ctl.h"
#include "ctl/systemctl.h"

#define DEST "org.freedesktop.systemd1"
#define MGR_PATH "/org/freedesktop/systemd1"
#define SVC "org.freedesktop.systemd1.Service"

void ctl_format_bytes(uint64_t b, char *buf, size_t n);

typedef struct Row {
        char *id, *load, *active, *sub;
} Row;

static int cmp_row(const void *a, const void *b) {
        const Row *x = a, *y = b;
        const char *d1 = strrchr(x->id, '.'), *d2 = strrchr(y->id, '.');
        int r = strcasecmp(d1 ? d1 : "", d2 ? d2 : "");

        return r ? r : strcasecmp(x->id, y->id);
}

static uint64_t get_t(sd_bus *bus, const char *path, const char *prop) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        uint64_t v = UINT64_MAX;

        if (sd_bus_get_property_trivial(bus, DEST, path, SVC, prop, &e, 't', &v) < 0)
                v = UINT64_MAX;
        sd_bus_error_free(&e);
        return v;
}

static uint32_t get_u(sd_bus *bus, const char *path, const char *prop, bool *ok) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        uint32_t v = 0;

        *ok = sd_bus_get_property_trivial(bus, DEST, path, SVC, prop, &e, 'u', &v) >= 0;
        sd_bus_error_free(&e);
        return v;
}

int sdinit_status_main(int argc, char **argv) {
        static const char *const headers[] = { "UNIT", "LOAD", "ACTIVE", "SUB", "PID", "RESTARTS", "MEMORY", "TASKS" };
        static const struct option options[] = { { "all", no_argument, NULL, 'a' }, { "help", no_argument, NULL, 'h' }, {} };
        Ctl c = { .verb = "status" };
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *reply = NULL;
        Row *rows = NULL;
        size_t n = 0;
        char *state = NULL;
        Table *t;
        int r, opt;

        optind = 0;
        while ((opt = getopt_long(argc, argv, "ah", options, NULL)) >= 0)
                switch (opt) {
                case 'a':
                        c.all = true;
                        break;
                case 'h':
                        printf("sdinit status [--all]\n\nThe units of this boot with their state, main PID, restarts, memory and tasks.\n"
                               "--all also lists inactive units.\n");
                        return 0;
                default:
                        return 2;
                }
        if (ctl_bus_connect(&c, false) < 0) {
                fprintf(stderr, "sdinit status: is sdinit running as PID 1 with its D-Bus API (/run/systemd/private)?\n");
                return 1;
        }
        r = sd_bus_call_method(c.bus, DEST, MGR_PATH, "org.freedesktop.systemd1.Manager", "ListUnits", &e, &reply, NULL);
        if (r < 0) {
                fprintf(stderr, "Failed to list units: %s\n", e.message ? e.message : strerror(-r));
                sd_bus_error_free(&e);
                sd_bus_flush_close_unref(c.bus);
                return 1;
        }
        r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
        while (r > 0) {
                const char *id, *desc, *load, *active, *sub, *following, *up, *jt, *jp;
                uint32_t jid;
                Row *nr;

                r = sd_bus_message_read(reply, "(ssssssouso)", &id, &desc, &load, &active, &sub, &following, &up, &jid, &jt, &jp);
                if (r <= 0)
                        break;
                if (!c.all && strcmp(active, "inactive") == 0 && jid == 0)
                        continue;
                nr = realloc(rows, (n + 1) * sizeof(*nr));
                if (!nr)
                        break;
                rows = nr;
                rows[n++] = (Row) { strdup(id), strdup(load), strdup(active), strdup(sub) };
        }
        sd_bus_message_unref(reply);
        if (n > 0)
                qsort(rows, n, sizeof(*rows), cmp_row);
        t = table_new(8, headers);
        for (size_t i = 0; t && i < n; i++) {
                char *path = NULL, pid[16] = "", restarts[16] = "", mem[32] = "", tasks[32] = "";
                bool is_service = strstr(rows[i].id, ".service") != NULL, ok;

                if (is_service && ctl_unit_path(rows[i].id, &path) >= 0) {
                        uint32_t p = get_u(c.bus, path, "MainPID", &ok), nr = get_u(c.bus, path, "NRestarts", &ok);
                        uint64_t m = get_t(c.bus, path, "MemoryCurrent"), tc = get_t(c.bus, path, "TasksCurrent");

                        if (p)
                                snprintf(pid, sizeof(pid), "%" PRIu32, p);
                        if (ok)
                                snprintf(restarts, sizeof(restarts), "%" PRIu32, nr);
                        if (m != UINT64_MAX)
                                ctl_format_bytes(m, mem, sizeof(mem));
                        if (tc != UINT64_MAX)
                                snprintf(tasks, sizeof(tasks), "%" PRIu64, tc);
                }
                free(path);
                table_add(t, rows[i].id);
                table_add(t, rows[i].load);
                table_add(t, rows[i].active);
                table_add(t, rows[i].sub);
                table_add(t, pid);
                table_add(t, restarts);
                table_add(t, mem);
                table_add(t, tasks);
        }
        if (t)
                table_print(t, stdout, "-");
        table_free(t);
        (void) ctl_get_property_string(&c, MGR_PATH, "org.freedesktop.systemd1.Manager", "SystemState", &state);
        printf("\n%zu units listed. System state: %s\n", n, state ? state : "unknown");
        r = state && strcmp(state, "running") == 0 ? 0 : 1;
        for (size_t i = 0; i < n; i++)
                free(rows[i].id), free(rows[i].load), free(rows[i].active), free(rows[i].sub);
        free(rows);
        free(state);
        sd_bus_flush_close_unref(c.bus);
        return r;
}
