/* SPDX-License-Identifier: MIT */
/* Unit names: types, validation, templates/instances and systemd-escape compatible escaping.
 * A unit name is PREFIX[@INSTANCE].TYPE; "foo@.service" is a template, "foo@bar.service" an
 * instance of it. All functions are pure; returned strings are malloc()ed. */
#pragma once

#include <stdbool.h>

typedef enum UnitType {
        UNIT_SERVICE,
        UNIT_SOCKET,
        UNIT_TARGET,
        UNIT_DEVICE,
        UNIT_MOUNT,
        UNIT_AUTOMOUNT,
        UNIT_SWAP,
        UNIT_TIMER,
        UNIT_PATH,
        UNIT_SLICE,
        UNIT_SCOPE,
        _UNIT_TYPE_MAX,
        _UNIT_TYPE_INVALID = -22,
} UnitType;

typedef enum UnitNameFlags {
        UNIT_NAME_PLAIN = 1 << 0,    /* foo.service */
        UNIT_NAME_TEMPLATE = 1 << 1, /* foo@.service */
        UNIT_NAME_INSTANCE = 1 << 2, /* foo@bar.service */
        UNIT_NAME_ANY = UNIT_NAME_PLAIN | UNIT_NAME_TEMPLATE | UNIT_NAME_INSTANCE,
} UnitNameFlags;

#define UNIT_NAME_MAX 256

const char *unit_type_to_string(UnitType t);
UnitType unit_type_from_string(const char *s);
UnitType unit_name_to_type(const char *name);

bool unit_name_is_valid(const char *name, UnitNameFlags flags);
bool unit_name_is_template(const char *name);
bool unit_name_is_instance(const char *name);

/* "foo@bar.service" -> "foo"; "foo.service" -> "foo". */
int unit_name_to_prefix(const char *name, char **ret);
/* "foo@bar.service" -> "bar"; "foo@.service" -> ""; plain name -> -ENXIO. */
int unit_name_to_instance(const char *name, char **ret);
/* "foo@bar.service" -> "foo@.service". */
int unit_name_template(const char *name, char **ret);
/* "foo@.service" + "bar" -> "foo@bar.service". */
int unit_name_replace_instance(const char *name, const char *instance, char **ret);
/* Name without the type suffix: "foo@bar.service" -> "foo@bar". */
int unit_name_to_id_prefix(const char *name, char **ret);

/* systemd-escape: '/' -> '-', anything outside [A-Za-z0-9:_.] (and a leading '.') -> \xNN. */
int unit_name_escape(const char *s, char **ret);
/* systemd-escape --unescape: '-' -> '/', \xNN -> byte. -EINVAL on a malformed escape. */
int unit_name_unescape(const char *s, char **ret);
/* systemd-escape --path: normalises slashes, "/" becomes "-". */
int unit_name_path_escape(const char *path, char **ret);
/* systemd-escape --unescape --path: prefixes '/'; "-" alone is "/". */
int unit_name_path_unescape(const char *s, char **ret);
