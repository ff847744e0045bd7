/* SPDX-License-Identifier: MIT */
#include "bus/bus-props.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "service/job-type.h"

_Static_assert(sizeof(unsigned) == sizeof(uint32_t), "bus_get_u32 reads unsigned fields too");

int bus_append_strv(sd_bus_message *reply, char *const *v) {
        int r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t i = 0; r >= 0 && v && v[i]; i++)
                r = sd_bus_message_append(reply, "s", v[i]);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

BUS_DEFINE_GETTER_(, bus_get_bool_positive, sd_bus_message_append(reply, "b", (int) (*(const int *) userdata > 0)))
BUS_DEFINE_GETTER_(, bus_get_bool_not_zero, sd_bus_message_append(reply, "b", (int) (*(const int *) userdata != 0)))
BUS_DEFINE_GETTER_(, bus_get_bool, sd_bus_message_append(reply, "b", (int) *(const bool *) userdata))
BUS_DEFINE_GETTER_(, bus_get_string, sd_bus_message_append(reply, "s", *(char *const *) userdata ? *(char *const *) userdata : ""))
BUS_DEFINE_GETTER_(, bus_get_strv, bus_append_strv(reply, *(char **const *) userdata))
BUS_DEFINE_GETTER_(, bus_get_u64, sd_bus_message_append(reply, "t", *(const uint64_t *) userdata))
BUS_DEFINE_GETTER_(, bus_get_u32, sd_bus_message_append(reply, "u", *(const uint32_t *) userdata))
BUS_DEFINE_GETTER_(, bus_get_int, sd_bus_message_append(reply, "i", *(const int *) userdata))
BUS_DEFINE_GETTER_(, bus_get_pid, sd_bus_message_append(reply, "u", (uint32_t) (*(const pid_t *) userdata > 0 ? *(const pid_t *) userdata : 0)))
BUS_DEFINE_GETTER_(, bus_get_unit_result, sd_bus_message_append(reply, "s", unit_result_to_string(*(const UnitResult *) userdata)))
BUS_DEFINE_GETTER_(, bus_get_false, sd_bus_message_append(reply, "b", 0))
BUS_DEFINE_GETTER_(, bus_get_empty, sd_bus_message_append(reply, "s", ""))
BUS_DEFINE_GETTER_(, bus_get_empty_strv, bus_append_strv(reply, NULL))
BUS_DEFINE_GETTER_(, bus_get_u64_unset, sd_bus_message_append(reply, "t", UINT64_MAX))
BUS_DEFINE_GETTER_(, bus_get_u64_zero, sd_bus_message_append(reply, "t", (uint64_t) 0))
BUS_DEFINE_GETTER_(, bus_get_u32_zero, sd_bus_message_append(reply, "u", (uint32_t) 0))
BUS_DEFINE_GETTER_(, bus_get_int_zero, sd_bus_message_append(reply, "i", 0))

