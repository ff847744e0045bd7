/* SPDX-License-Identifier: MIT */
/* What systemd adds to a unit that the unit file does not say (systemd 252, the system manager):
 *
 *   - the implicit and default dependencies (systemd.unit(5) "Implicit Dependencies" and "Default
 *     Dependencies", and the same sections of systemd.service(5), .socket, .target, .timer,
 *     .path, .slice and .mount): unit_implicit_deps();
 *   - the effective value of every setting the unit leaves unset, under the property names and in
 *     the formats of `systemctl show` (TimeoutStartUSec=1min 30s, KillSignal=15, ...):
 *     unit_properties(), which `sdinit show` prints;
 *   - the standard targets sdinit supplies when an image ships none (systemd.special(7)):
 *     unit_builtin_text().
 *
 * Pure functions over Unit (no registry, no global state): other units are reached only through
 * a caller-supplied lookup. units/README.md lists the set of defaults and what is left out
 * because systemd computes it at run time. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "unit.h"

/* Which implicit dependencies unit_implicit_deps() adds. */
typedef enum UnitImplicitKind {
        /* DefaultDependencies=yes (the default): sysinit.target, basic.target, shutdown.target,
         * sockets/timers/paths.target, time-set/time-sync.target, umount.target, local-fs(-pre),
         * remote-fs(-pre), network(-online).target; a target's After= on what it pulls in. */
        UNIT_IMPLICIT_DEFAULT = 1 << 0,
        /* Sockets, timers and paths: Before=+Triggers= the unit they start; Sockets=: Wants=+After=
         * (and TriggeredBy=). Independent of DefaultDependencies=. */
        UNIT_IMPLICIT_TRIGGER = 1 << 1,
        /* Requires=+After= the slice (system.slice, system-PREFIX.slice for instances, the parent
         * slice of a slice). */
        UNIT_IMPLICIT_SLICE = 1 << 2,
        /* From exec settings: After=systemd-journald.socket when output goes to the journal or
         * kmsg, Requires=+After=dbus.socket for Type=dbus, PrivateTmp= (tmp.mount,
         * systemd-tmpfiles-setup.service), State/Cache/LogsDirectory= (systemd-remount-fs.service). */
        UNIT_IMPLICIT_EXEC = 1 << 3,
        /* Mounts of a device node (What=/dev/...): Requires=+After= its .device unit and
         * After=blockdev@DEVICE.target. */
        UNIT_IMPLICIT_DEVICE = 1 << 4,
        UNIT_IMPLICIT_ALL = 0x1f,
} UnitImplicitKind;

/* Another unit, for the rules that depend on it (a target is ordered After= the units it pulls
 * in only when they are loaded and have DefaultDependencies=yes). Returns NULL when the unit is
 * unknown or cannot be loaded. The Unit stays owned by the caller and must stay valid until
 * unit_implicit_deps()/unit_properties() returns. */
typedef const Unit *(*UnitLookupFn)(const char *name, void *userdata);

typedef struct UnitImplicitDeps {
        /* Names per dependency type, in the order systemd adds them, without the ones the unit
         * file already lists (u->unit.deps[]) and without the unit itself. */
        char **deps[_UNIT_DEPENDENCY_MAX];
        char **triggered_by; /* TriggeredBy= (from Sockets=) */
} UnitImplicitDeps;

/* Computes the dependencies systemd adds to u. which: UnitImplicitKind bits. lookup may be NULL
 * (then a target gets no After= on the units it pulls in). Works on compacted units too.
 * Returns 0 or -ENOMEM; *ret is filled on success and must be released with
 * unit_implicit_deps_done(). */
int unit_implicit_deps(const Unit *u, unsigned which, UnitLookupFn lookup, void *userdata, UnitImplicitDeps *ret);
void unit_implicit_deps_done(UnitImplicitDeps *d);

/* Writes systemd's default into every numeric field the unit's files leave unset (RestartSec=100ms,
 * TimeoutStartSec= 90 s or infinity for oneshot, TimeoutStopSec=, StartLimitIntervalSec=/Burst=,
 * socket and directory modes, UMask=, trigger limits, AccuracySec=, ...): the manager reads the
 * fields as they are and `sdinit show` prints them. Idempotent; called after each file is loaded
 * and by unit_compact(). */
void unit_apply_defaults(Unit *u);

/* ProtectSystem= and ProtectHome= values as systemd names them ("strict", "read-only", ...). */
const char *unit_protect_system_to_string(UnitProtectSystem v);
const char *unit_protect_home_to_string(UnitProtectHome v);

/* The effective Type= of a service (simple, dbus when BusName= is set, oneshot without
 * ExecStart=), as ServiceType. */
int unit_effective_service_type(const Unit *u);

/* DynamicUser= without User=: the user name systemd derives, the unit name's prefix (systemd
 * hashes names that are not valid user names: not computed, NULL). Caller frees. */
char *unit_dynamic_user_name(const Unit *u);

/* The slice a unit is placed in ("system.slice", "system-getty.slice", "foo.slice" for
 * "foo-bar.slice"), or NULL (-.slice itself, units without a cgroup). Caller frees. *ret NULL
 * is not an error. Returns 0 or -ENOMEM. */
int unit_effective_slice(const Unit *u, char **ret);

/* A time span as `systemctl show` prints it (systemd's format_timespan() with no rounding):
 * "1min 30s", "100ms", "1.500000s", "infinity", "0". Caller frees; NULL on OOM. */
char *unit_format_timespan_show(uint64_t usec);

/* One property: name as `systemctl show` calls it; key the directive it comes from (NULL for
 * Id=, Names=, LoadState=, FragmentPath=, DropInPaths=, LimitXSoft=, Triggers=, TriggeredBy=);
 * value NULL when it has none (not set and no default, or a default systemd only knows at run
 * time). Multi-valued settings (ExecStart=, conditions) come as several calls. */
typedef void (*UnitPropertyFn)(const char *name, const char *key, const char *value, void *userdata);

/* Every property of u in directive-table order (identity first), set or defaulted, with the
 * implicit dependencies merged into Requires=/Wants=/After=/Before=/Conflicts=. lookup as for
 * unit_implicit_deps(). Needs the per-directive book-keeping (not a compacted unit). Returns 0
 * or -ENOMEM. */
int unit_properties(const Unit *u, UnitLookupFn lookup, void *userdata, UnitPropertyFn fn, void *fn_userdata);

/* The unit file text of a standard target sdinit supplies when the image has none
 * (multi-user.target, sysinit.target, shutdown.target, ...), or NULL. */
const char *unit_builtin_text(const char *name);
