/* SPDX-License-Identifier: MIT */
#pragma once

/* The varlink service io.systemd.DynamicUser at /run/systemd/userdb/io.systemd.DynamicUser
 * (dynamic-userdb.c), which nss-systemd queries: started with the first dynamic user. It answers
 * from the users that `next` enumerates (dynamic_user_next(), service/dynamic-user.h): from NULL,
 * each call returns the next entry (name and uid; its group has the same name and number), NULL
 * at the end. The service's state (the listening socket, the connections) is its owner's (the
 * Manager's userdb): nothing is shared between two owners in one process. */

#include <sys/types.h>

typedef struct sd_event sd_event;
typedef struct DynamicUserdb DynamicUserdb;
typedef const void *(*DynamicUserNextFn)(void *userdata, const void *cursor, const char **ret_name, uid_t *ret_uid);

/* Starts the service into *db, unless it runs already (then only next/userdata are updated) or
 * there is no event loop. Returns 0 or -errno. */
int dynamic_userdb_start(DynamicUserdb **db, sd_event *event, DynamicUserNextFn next, void *userdata);

/* Closes the socket and every connection (the socket file stays, as when PID 1 exits). */
DynamicUserdb *dynamic_userdb_free(DynamicUserdb *db);
