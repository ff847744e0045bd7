/* SPDX-License-Identifier: MIT */
/* A service's cgroup: made at its start (systemd's layout, Slice=, limits, Delegate=), watched,
 * removed at its end. Without a delegated cgroup v2 nothing is made (service-private.h). */
#include "service/service-private.h"

#include <stdlib.h>
#include <string.h>

#include "cgroup/cg-manager.h"
#include "common/delegate.h"
#include "service/cg-watch.h"

/* Creates the unit's cgroup (systemd's layout, Slice=), applies its limits, hands it over with
 * Delegate=, and watches it for emptiness and OOM kills (on_event). Without a delegated cgroup
 * this does nothing. */
void cgroup_prepare(MUnit *u, void (*on_event)(MUnit *u)) {
        char path[CG_PATH_MAX];
        uint32_t dmask;
        int r;

        if (u->cgroup)
                return;
        if (!u->m->cg_tree) {
                /* systemd cannot run at all without a writable cgroup v2; sdinit runs the service,
                 * with nothing to hand over. */
                if (unit_cgroup(u->u)->delegate > 0)
                        manager_log(u->m, MLOG_WARN, "%s: Delegate= ignored: no cgroup to delegate (%s)", u->id,
                                    u->m->cg.why[0] ? u->m->cg.why : "no writable cgroup v2 of our own");
                return;
        }
        r = cg_unit_create(&u->m->cg, u->id, unit_cgroup(u->u)->slice, path, sizeof(path));
        if (r < 0) {
                manager_log(u->m, MLOG_WARN, "%s: cannot create its cgroup (%s); tracking its processes without one",
                            u->id, strerror(-r));
                return;
        }
        u->cgroup = strdup(path);
        if (!u->cgroup)
                return;
        service_apply_limits(u);
        if (unit_cgroup(u->u)->delegate > 0) {
                dmask = unit_cgroup(u->u)->delegate_mask;
                /* The delegated controllers are enabled above the unit's cgroup; its own
                 * subtree_control is the service's (spawn_exec() chowns it to User=). */
                char ctl[64];
                delegate_v2_controllers(dmask, ctl, sizeof(ctl));
                cg_delegate_mark(&u->m->cg, u->cgroup);
                if (cg_delegate_enable(&u->m->cg, u->cgroup, ctl) != 0)
                        manager_log(u->m, MLOG_WARN, "%s: Delegate=: not every controller of \"%s\" could be enabled for it",
                                    u->id, ctl);
        }
        /* Emptiness, and the OOM killer acting on any process of the unit (not only its main
         * process), as systemd watches memory.events; no memory controller: nothing to watch. */
        r = cg_watch_unit(u, on_event);
        if (r < 0)
                manager_log(u->m, MLOG_WARN, "%s: cannot watch its cgroup (%s); its emptiness is seen at its processes' exits",
                            u->id, strerror(-r));
        /* memory.events' oom_kill only (the other statistics are not needed here), and only
         * where the memory controller is ours: else there is no such file. */
        if (!(u->m->cg.controllers & CG_CTRL_MEMORY) || cg_read_oom_kills(&u->m->cg, u->cgroup, &u->oom_kills) < 0)
                u->oom_kills = 0;
        u->oom_killed = false;
}

/* Stops watching the unit's cgroup and removes it (with the sub-cgroups a Delegate= service left). */
void cgroup_release(MUnit *u) {
        if (!u->cgroup)
                return;
        cg_unwatch_unit(u);
        cg_remove(&u->m->cg, u->cgroup, CG_REMOVE_PARENTS); /* EBUSY: processes left (KillMode=none) */
        free(u->cgroup);
        u->cgroup = NULL;
}

/* Did the kernel's OOM killer act in this unit since this was last asked (or it started)? Each
 * kill is reported once, by whichever comes first: the main process's SIGKILL or memory.events. */
bool cgroup_oom_killed(MUnit *u) {
        uint64_t n;

        if (!u->cgroup || cg_read_oom_kills(&u->m->cg, u->cgroup, &n) < 0 || n <= u->oom_kills)
                return false;
        u->oom_kills = n;
        u->oom_killed = true;
        return true;
}
