/* SPDX-License-Identifier: MIT */
#include "service/trigger.h"

#include "service/manager-private.h"

MUnit *trigger_target(const MUnit *u) {
        return munit_n_deps(u, UNIT_TRIGGERS) ? munit_deps(u, UNIT_TRIGGERS)[0] : NULL;
}

void trigger_notify_all(MUnit *u) {
        const UnitVTable *own = munit_vtable(u);

        for (size_t i = 0; i < munit_n_rdeps(u, UNIT_TRIGGERS); i++) {
                MUnit *x = munit_rdeps(u, UNIT_TRIGGERS)[i];
                const UnitVTable *vt = munit_vtable(x);
                if (x != u && vt->trigger_notify)
                        vt->trigger_notify(x, u);
        }
        if (own->state_changed)
                own->state_changed(u);
}

/* Walks the sockets that trigger the service (its reverse trigger edges), not every unit: a
 * service's start costs what its own sockets cost. */
size_t trigger_socket_fds(MUnit *svc, int *fds, const char **names, size_t max) {
        size_t n = 0;

        for (size_t i = 0; i < munit_n_rdeps(svc, UNIT_TRIGGERS); i++) {
                MUnit *s = munit_rdeps(svc, UNIT_TRIGGERS)[i];
                if (!s->n_sock || s->u->socket.accept > 0 || trigger_target(s) != svc)
                        continue;
                for (size_t k = 0; k < s->n_sock && n < max; k++) {
                        char **fdn = s->u->socket.file_descriptor_names;
                        fds[n] = s->sock_fds[k];
                        names[n] = fdn && fdn[0] ? fdn[0] : s->id;
                        n++;
                }
        }
        return n;
}
