/* SPDX-License-Identifier: MIT */
#pragma once
/* Shared between the transport (bus-server.c) and the objects (bus-manager.c, bus-unit.c). */

#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "bus/bus-props.h"
#include "bus/bus-server.h"

#define BUS_NAME "org.freedesktop.systemd1"
#define BUS_PATH "/org/freedesktop/systemd1"
#define BUS_MANAGER_IFACE "org.freedesktop.systemd1.Manager"
#define BUS_UNIT_PREFIX "/org/freedesktop/systemd1/unit"
#define BUS_JOB_PREFIX "/org/freedesktop/systemd1/job"

/* systemd's error names (src/libsystemd/sd-bus/bus-common-errors.h), which systemctl maps to
 * its messages and exit codes. */
#define BUS_ERROR_NO_SUCH_UNIT "org.freedesktop.systemd1.NoSuchUnit"
#define BUS_ERROR_NO_UNIT_FOR_PID "org.freedesktop.systemd1.NoUnitForPID"
#define BUS_ERROR_UNIT_EXISTS "org.freedesktop.systemd1.UnitExists"
#define BUS_ERROR_LOAD_FAILED "org.freedesktop.systemd1.LoadFailed"
#define BUS_ERROR_BAD_UNIT_SETTING "org.freedesktop.systemd1.BadUnitSetting"
#define BUS_ERROR_JOB_FAILED "org.freedesktop.systemd1.JobFailed"
#define BUS_ERROR_NO_SUCH_JOB "org.freedesktop.systemd1.NoSuchJob"
#define BUS_ERROR_NOT_SUBSCRIBED "org.freedesktop.systemd1.NotSubscribed"
#define BUS_ERROR_TRANSACTION_IS_DESTRUCTIVE "org.freedesktop.systemd1.TransactionIsDestructive"
#define BUS_ERROR_JOB_TYPE_NOT_APPLICABLE "org.freedesktop.systemd1.JobTypeNotApplicable"
#define BUS_ERROR_ONLY_BY_DEPENDENCY "org.freedesktop.systemd1.OnlyByDependency"
#define BUS_ERROR_SHUTTING_DOWN "org.freedesktop.systemd1.ShuttingDown"
#define BUS_ERROR_NO_SUCH_PROCESS "org.freedesktop.systemd1.NoSuchProcess"
#define BUS_ERROR_UNIT_MASKED "org.freedesktop.systemd1.UnitMasked"
#define BUS_ERROR_UNIT_GENERATED "org.freedesktop.systemd1.UnitGenerated"
#define BUS_ERROR_UNIT_LINKED "org.freedesktop.systemd1.UnitLinked"
#define BUS_ERROR_UNIT_INACTIVE "org.freedesktop.systemd1.UnitInactive"

typedef struct BusConn {
        BusServer *server;
        sd_bus *bus;
        pid_t pid;            /* the peer's, from SO_PEERCRED when it connected */
        bool privileged;
        bool gone;
        bool asked_shutdown;
        bool lingered;        /* bus_server_linger(): processed in this round */
        uint64_t active_usec; /* CLOCK_MONOTONIC of the last message from the peer (or accept) */
        uint64_t accept_usec; /* CLOCK_MONOTONIC of accept() */
        bool subscribed;      /* called Subscribe (and not Unsubscribe): waits for signals */
        bool job_client;      /* asked for a job (StartUnit, StopUnit, ...): systemctl then waits for
                               * JobRemoved without Subscribe (a match on a direct connection) */
} BusConn;

typedef struct NopJob {
        uint32_t id;
        char *unit;
        const char *result;
} NopJob;

struct BusServer {
        Manager *m;
        int listen_fd;
        sd_event_source *listen_source;
        char path[108];
        BusConn **conns;
        size_t n_conns;
        /* Jobs that had nothing to do: reported as removed on the next loop iteration, after
         * the reply that named them. */
        NopJob *nops;
        size_t n_nops;
        sd_event_source *nop_defer;
        /* A shutdown asked for over the bus begins after the reply went out. */
        sd_event_source *shutdown_defer;
        /* Connections marked gone (a client that does not read) are closed from here. */
        sd_event_source *drop_defer;
        /* Connections that never authenticate, or sit idle, are closed from here (bus-server.c). */
        sd_event_source *sweep_timer;
        int shutdown_status;
        bool warned_full;     /* the "all connections taken" warning was logged */
        unsigned n_hello;     /* the unique names Hello gave so far (bus-unit.c) */
        ManagerHooks hooks;
        /* A unit of each type with no settings, systemd's defaults written in (unit_compact()):
         * what the settings tables read for a unit with no file. */
        Unit *defaults[_UNIT_TYPE_MAX];
};

/* The unit-file methods (bus-install.c) and the UnitFileState lookup they provide. */
int bus_enable(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_enable_flags(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_reenable(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_disable(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_disable_flags(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_disable_flags_info(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_mask(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_unmask(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_preset(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_preset_with_mode(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_preset_all(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_list_files(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_list_files_by_patterns(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_get_state(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_get_default(sd_bus_message *m, void *u, sd_bus_error *e);
int bus_set_default(sd_bus_message *m, void *u, sd_bus_error *e);

/* Object registration on one connection. */
int bus_add_objects(BusConn *c);

/* The object paths of a unit name and of a job (malloc'ed), and the unit for a bus request: loads
 * it (LoadUnit semantics); NULL with the error set (bus-unit.c, which reads the paths back). */
char *bus_unit_path(const char *name);
char *bus_job_path(uint32_t id);
MUnit *bus_load_unit(BusServer *s, const char *name, sd_bus_error *error);

/* A job with nothing to do: a fresh id, JobRemoved "done" (or result) soon. */
uint32_t bus_nop_job(BusServer *s, MUnit *u, const char *result);

/* Signals to every connection. */
void bus_broadcast_signal(BusServer *s, const char *path, const char *iface, const char *member, const char *types, ...);
void bus_request_shutdown(BusServer *s, int status, sd_bus_message *msg);

/* The unit's UnitFileState (bus-unit.c). */
const char *bus_unit_file_preset(MUnit *u);
const char *bus_unit_file_state(MUnit *u);

/* Object lookup for the fallback tables below /org/freedesktop/systemd1/unit: the MUnit of the
 * path (tables of runtime state), or its parsed Unit (tables of settings; a unit with no file
 * reads BusServer.defaults of its type), when the unit has the interface. */
int bus_find_unit(sd_bus *bus, const char *path, const char *iface, void *userdata, void **found, sd_bus_error *error);
int bus_find_settings(sd_bus *bus, const char *path, const char *iface, void *userdata, void **found, sd_bus_error *error);

/* The name of enum value v of the directive id (its table row), or dflt. */
const char *bus_enum_name(UnitDirectiveId id, int v, const char *dflt);

/* The two objects the unit tables read (the userdata of their getters), and the offsets of
 * their rows: MUnit (runtime state, tables found by bus_find_unit()) and Unit (the parsed
 * settings with systemd's defaults written in, found by bus_find_settings()). */
static inline MUnit *U(void *userdata) {
        return userdata;
}

static inline Unit *F(void *userdata) {
        return userdata;
}

#define MU(field) offsetof(MUnit, field)
#define UF(field) offsetof(Unit, field)
#define UNSET UINT64_MAX

/* An enum setting (an int field, -1 unset) under its directive's value names: one getter per
 * directive id, the field comes from the row's offset. */
#define BUS_ENUM_GETTER(fn, id, dflt) BUS_DEFINE_GETTER(fn, sd_bus_message_append(reply, "s", bus_enum_name(id, *(const int *) userdata, dflt)))

/* A DualTimestamp field of MUnit as systemd's NameTimestamp and NameTimestampMonotonic. */
#define TIMESTAMP_ROWS(name, field)                                                                        \
        BUS_FIELD(name "Timestamp", "t", bus_get_u64, MU(field.realtime)),                                 \
        BUS_FIELD(name "TimestampMonotonic", "t", bus_get_u64, MU(field.monotonic))

/* The per-type tables (bus-exec.c): runtime and settings for each interface, and the tables
 * shared by the interfaces of units that run processes (systemd's exec, kill and cgroup
 * contexts). */
extern const sd_bus_vtable bus_service_vtable[], bus_service_settings_vtable[];
extern const sd_bus_vtable bus_socket_vtable[], bus_socket_settings_vtable[];
extern const sd_bus_vtable bus_timer_vtable[], bus_timer_settings_vtable[];
extern const sd_bus_vtable bus_path_vtable[], bus_path_settings_vtable[];
extern const sd_bus_vtable bus_cgroup_vtable[], bus_exec_settings_vtable[], bus_exec_sandbox_vtable[];
extern const sd_bus_vtable bus_delegate_vtable[]; /* Delegate=no of slices and mounts */
