/* SPDX-License-Identifier: MIT */
#pragma once
/* Property getters shared by the object tables (bus-manager.c, bus-unit.c, bus-exec.c), in the
 * form of sd-bus vtables: a row is SD_BUS_PROPERTY(name, signature, getter, offset, flags) and the
 * getter receives the object's userdata plus offset, so a row that reads one field of a struct
 * needs no code of its own. Each property name appears once: in its row. */

#include <systemd/sd-bus.h>

/* Flags of a row (systemd's: a property that never changes, one whose changes are signalled). */
#define BUS_CONST SD_BUS_VTABLE_PROPERTY_CONST
#define BUS_EMITS SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE

/* A row reading the field at offset off of the object through getter g. */
#define BUS_FIELD(name, sig, g, off) SD_BUS_PROPERTY(name, sig, g, off, 0)
/* A row computed by getter g from the object itself. */
#define BUS_PROP(name, sig, g) SD_BUS_PROPERTY(name, sig, g, 0, 0)

#define BUS_GETTER_ARGS                                                                                    \
        sd_bus *bus, const char *path, const char *interface, const char *property, sd_bus_message *reply, \
                void *userdata, sd_bus_error *error

/* Defines getter fn, whose body is `return EXPR;` with `reply` and `userdata` in scope. */
#define BUS_DEFINE_GETTER_(storage, fn, expr)                                                              \
        storage int fn(BUS_GETTER_ARGS) {                                                                  \
                (void) bus, (void) path, (void) interface, (void) property, (void) userdata, (void) error;  \
                return (expr);                                                                             \
        }
#define BUS_DEFINE_GETTER(fn, expr) BUS_DEFINE_GETTER_(static, fn, expr)

/* Field getters (userdata points at the field): */
int bus_get_bool_positive(BUS_GETTER_ARGS);  /* int tristate (-1 unset): "b", true only when > 0 */
int bus_get_bool_not_zero(BUS_GETTER_ARGS);  /* int tristate (-1 unset): "b", true unless 0 */
int bus_get_bool(BUS_GETTER_ARGS);           /* bool: "b" */
int bus_get_string(BUS_GETTER_ARGS);         /* char * (NULL: ""): "s" */
int bus_get_strv(BUS_GETTER_ARGS);           /* char ** (NULL: empty): "as" */
int bus_get_u64(BUS_GETTER_ARGS);            /* uint64_t: "t" */
int bus_get_u32(BUS_GETTER_ARGS);            /* uint32_t or unsigned: "u" */
int bus_get_int(BUS_GETTER_ARGS);            /* int: "i" */
int bus_get_pid(BUS_GETTER_ARGS);            /* pid_t (<= 0: 0): "u" */
int bus_get_unit_result(BUS_GETTER_ARGS);    /* UnitResult: "s", its systemd name */

/* Constant getters (for what sdinit does not have: systemd's value when nothing is configured): */
int bus_get_false(BUS_GETTER_ARGS);          /* "b" false */
int bus_get_empty(BUS_GETTER_ARGS);          /* "s" "" */
int bus_get_empty_strv(BUS_GETTER_ARGS);     /* "as" empty */
int bus_get_u64_unset(BUS_GETTER_ARGS);      /* "t" UINT64_MAX ([not set]) */
int bus_get_u64_zero(BUS_GETTER_ARGS);       /* "t" 0 */
int bus_get_u32_zero(BUS_GETTER_ARGS);       /* "u" 0 */
int bus_get_int_zero(BUS_GETTER_ARGS);       /* "i" 0 */

/* Appends a strv as "as". */
int bus_append_strv(sd_bus_message *reply, char *const *v);
