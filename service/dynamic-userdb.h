/* SPDX-License-Identifier: MIT */
#pragma once

/* The varlink service io.systemd.DynamicUser at /run/systemd/userdb/io.systemd.DynamicUser
 * (dynamic-userdb.c), which nss-systemd queries: started with the first dynamic user. It answers
 * from the users that `next` enumerates (dynamic_user_next(), service/dynamic-user.h): from NULL,
 * each call returns the next entry (name and uid; its group has the same name and number), NULL
 * at the end. */

#include <sys/types.h>

typedef struct sd_event sd_event;
typedef const void *(*DynamicUserNextFn)(const void *cursor, const char **ret_name, uid_t *ret_uid);

int dynamic_userdb_start(sd_event *event, DynamicUserNextFn next);
