/* SPDX-License-Identifier: MIT */
#pragma once

/* DynamicUser=: a uid/gid from systemd's dynamic range (61184-65519), picked and locked as systemd
 * 252 does (src/core/dynamic-user.c): first the owner of the unit's existing private state, cache
 * or logs directory, then a hash of the user name, then random candidates; a lock file
 * /run/systemd/dynamic-uid/UID (flock, holding the name) and the direct:UID / direct:NAME symlinks
 * that nss-systemd's fallback and dbus-daemon read. Held while a unit using the name is active,
 * released (lock file removed) when the last one is dead. All in the manager, before fork. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "service/manager.h"

typedef struct DynUser DynUser;

#define DYNAMIC_UID_MIN 61184u
#define DYNAMIC_UID_MAX 65519u

/* SipHash-2-4 (Aumasson, Bernstein), which systemd hashes names with. */
uint64_t dynamic_user_siphash24(const void *in, size_t len, const uint8_t key[16]);

/* The user name systemd gives a DynamicUser= unit without User=: the unit name's prefix when it
 * is a valid user name, otherwise "_du" and 16 hex digits of its hash. */
int dynamic_user_name_for_unit(const char *unit_id, char *buf, size_t size);

/* The uid systemd tries first for a name (the hash phase of its pick_uid()). */
uid_t dynamic_user_hashed_uid(const char *name);

bool dynamic_user_enabled(const Unit *u);

/* Acquires (or reuses, for a unit holding it already) the unit's dynamic user. The name is
 * User= or the unit's default; a static user or group of that name is used as systemd does.
 * Returns 0, or systemd's exit status (EXIT_USER) after logging. */
int dynamic_user_acquire(MUnit *u, uid_t *ret_uid, gid_t *ret_gid, char **ret_name);

/* The dynamically allocated users the Manager (manager) holds now, for the userdb service: from
 * NULL, each call returns the next entry (name and uid; its group has the same name and number),
 * NULL at the end. */
const void *dynamic_user_next(void *manager, const void *cursor, const char **ret_name, uid_t *ret_uid);

/* The unit no longer needs its dynamic user (it is dead): the last holder removes the lock. */
void dynamic_user_release(MUnit *u);

/* With the Manager: its table of users (Manager.dyn_users) and userdb service are freed; the lock
 * files stay, as when PID 1 exits. */
void dynamic_user_free_all(Manager *m);

/* StateDirectory=/CacheDirectory=/LogsDirectory= (and RuntimeDirectory= with
 * RuntimeDirectoryPreserve=) of a DynamicUser= unit: BASE/private (0700 root) holds the directory,
 * BASE/REL is a symlink "private/REL"; the tree is chowned to uid:gid when its owner differs, with
 * set-user/group-ID bits cleared. Returns 0 or -errno. */
int dynamic_user_make_directory(const char *base, const char *rel, mode_t mode, uid_t uid, gid_t gid);

/* In the child, before the user switch: a private mount namespace in which BASE/private is a
 * tmpfs (0755) holding bind mounts of the unit's directories only, as systemd's namespace does, so
 * that the service reaches them through the 0700 boundary. Returns 0 or -errno. */
int dynamic_user_child_mounts(const Unit *u);
