/* SPDX-License-Identifier: MIT */
/* Unit types without processes of their own: targets, slices and devices (up once their
 * conditions hold), mounts, automounts and swaps (up when already mounted: sdinit does not mount),
 * scopes (loaded and checked, not run), and units without a unit file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "service/unit-types.h"
#include "units/unit-name.h"

static void start_target_like(MUnit *u) {
        if (munit_conditions_met(u))
                munit_set_state(u, STATE_ACTIVE, SUB_RUNNING);
}

/* Mounts, automounts and swaps: the container runtime sets up the container's file systems, and
 * sdinit does not mount. Their conditions are checked as any unit's; a mount or automount whose
 * path is a mount point already is active ("mounted"), anything else stays inactive with one line
 * (a start that needs it goes on, as after a skipped condition). systemd 252 would try mount(8)
 * and, in a user namespace, fail for the kernel's own file systems (debugfs, tracefs, configfs). */
static void start_mount_like(MUnit *u, bool has_path) {
        char *where = NULL;
        struct stat a, b;
        bool mounted = false;

        if (!munit_conditions_met(u))
                return;
        if (has_path) {
                if (u->u->mount.where)
                        where = strdup(u->u->mount.where);
                else {
                        char *base = strndup(u->id, strcspn(u->id, "."));
                        if (base && unit_name_path_unescape(base, &where) < 0)
                                where = NULL;
                        free(base);
                }
        }
        if (where) {
                char parent[4200];
                snprintf(parent, sizeof(parent), "%s/..", where);
                mounted = stat(where, &a) == 0 &&
                          (strcmp(where, "/") == 0 || (stat(parent, &b) == 0 && (a.st_dev != b.st_dev || a.st_ino == b.st_ino)));
        }
        if (mounted)
                munit_set_state(u, STATE_ACTIVE, SUB_RUNNING);
        else {
                manager_log(u->m, MLOG_INFO, "%s: %s is not mounted and sdinit does not mount (the container runtime sets "
                            "up the file systems); left inactive", u->id, where ? where : "swap");
                manager_job_done(u, JOB_DONE);
        }
        free(where);
}

static void start_mount(MUnit *u) {
        start_mount_like(u, true);
}

static void start_swap(MUnit *u) {
        start_mount_like(u, false);
}

static const char *mount_sub_state(const MUnit *u) {
        return u->sub == SUB_RUNNING ? "mounted" : NULL;
}

static const char *device_sub_state(const MUnit *u) {
        return u->sub == SUB_RUNNING ? "plugged" : NULL;
}

/* A unit without a unit file (not even a built-in one) names its sub-states as a service does. */
static const char *raw_sub_state(const MUnit *u) {
        return sub_state_to_string(u->sub);
}

const UnitVTable target_vtable = {
        .start = start_target_like,
        .started_verb = "Reached target",
        .stopped_verb = "Stopped target",
};

const UnitVTable slice_vtable = {
        .start = start_target_like,
        .loads_without_file = true,
};

const UnitVTable device_vtable = {
        .start = start_target_like,
        .sub_state_string = device_sub_state,
        .loads_without_file = true,
};

const UnitVTable mount_vtable = {
        .start = start_mount,
        .sub_state_string = mount_sub_state,
        .loads_without_file = true,
};

const UnitVTable automount_vtable = {
        .start = start_mount,
};

const UnitVTable swap_vtable = {
        .start = start_swap,
        .loads_without_file = true,
};

/* Scopes: loaded and checked, not run (start NULL: treated as started, with one line). */
const UnitVTable scope_vtable = {
        .loads_without_file = true,
};

const UnitVTable unfiled_vtable = {
        .sub_state_string = raw_sub_state,
};
