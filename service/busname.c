/* SPDX-License-Identifier: MIT */
/*
 * Type=dbus: a service is started once its BusName= is owned on the system bus. The bus is the
 * image's own dbus-daemon (dbus.service, usually activated through dbus.socket), so PID 1 connects
 * lazily, as a client, the first time a Type=dbus service waits, and retries while the bus is not
 * there yet. Everything is asynchronous on PID 1's event loop: a stuck bus never blocks PID 1.
 */
#include "service/busname.h"

#include "service/unit-vtable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

#define RETRY_USEC (100 * 1000ULL)

static void check_all(Manager *m);

static void drop_bus(Manager *m) {
        m->bus = sd_bus_close_unref(m->bus); /* no flush: it would wait for dbus-daemon */
        m->bus_match = sd_bus_slot_unref(m->bus_match);
}

static void acquired(MUnit *u) {
        const UnitVTable *vt = munit_vtable(u);
        if (vt->bus_name_acquired)
                vt->bus_name_acquired(u);
}

static int on_owner_changed(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *name = NULL, *old = NULL, *new_owner = NULL;

        (void) error;
        if (sd_bus_message_read(msg, "sss", &name, &old, &new_owner) < 0 || !new_owner || !*new_owner)
                return 0;
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                if (u->waiting_bus_name && u->u->service.bus_name && strcmp(u->u->service.bus_name, name) == 0)
                        acquired(u);
        }
        return 0;
}

static int on_name_has_owner(sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        MUnit *u = userdata;
        int has = 0;

        (void) error;
        if (!sd_bus_message_is_method_error(reply, NULL) && sd_bus_message_read(reply, "b", &has) >= 0 && has &&
            u->waiting_bus_name)
                acquired(u);
        return 0;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;

        (void) s, (void) usec;
        m->bus_retry = sd_event_source_unref(m->bus_retry);
        check_all(m);
        return 0;
}

static int connect_bus(Manager *m) {
        sd_bus *bus = NULL;
        int r;

        if (m->bus && sd_bus_is_open(m->bus) > 0)
                return 0;
        drop_bus(m);
        r = sd_bus_new(&bus);
        if (r < 0)
                return r;
        r = sd_bus_set_address(bus, "unix:path=/run/dbus/system_bus_socket");
        if (r >= 0)
                r = sd_bus_set_bus_client(bus, 1);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r >= 0)
                r = sd_bus_attach_event(bus, m->event, SD_EVENT_PRIORITY_NORMAL);
        if (r >= 0)
                r = sd_bus_match_signal_async(bus, &m->bus_match, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                              "org.freedesktop.DBus", "NameOwnerChanged", on_owner_changed, NULL, m);
        if (r < 0) {
                sd_bus_unref(bus);
                return r;
        }
        m->bus = bus;
        return 0;
}

static void check_all(Manager *m) {
        bool waiting = false;

        for (size_t i = 0; i < m->n_units; i++)
                waiting = waiting || m->units[i]->waiting_bus_name;
        if (!waiting)
                return;
        if (connect_bus(m) < 0) {
                /* The bus is not up yet (dbus.service starting): try again shortly. */
                if (!m->bus_retry)
                        sd_event_add_time_relative(m->event, &m->bus_retry, CLOCK_MONOTONIC, RETRY_USEC, 10000, on_retry, m);
                return;
        }
        for (size_t i = 0; i < m->n_units; i++) {
                MUnit *u = m->units[i];
                if (u->waiting_bus_name)
                        sd_bus_call_method_async(m->bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                 "org.freedesktop.DBus", "NameHasOwner", on_name_has_owner, u, "s",
                                                 u->u->service.bus_name);
        }
        /* A name taken between the match and the call is caught by the signal; one that raced
         * a dropped connection by the next check. */
        if (!m->bus_retry)
                sd_event_add_time_relative(m->event, &m->bus_retry, CLOCK_MONOTONIC, 10 * RETRY_USEC, 10000, on_retry, m);
}

void busname_wait(MUnit *u) {
        u->waiting_bus_name = true;
        u->m->bus_done = busname_done; /* the manager closes the connection at exit */
        check_all(u->m);
}

void busname_done(Manager *m) {
        m->bus_retry = sd_event_source_disable_unref(m->bus_retry);
        drop_bus(m);
}
