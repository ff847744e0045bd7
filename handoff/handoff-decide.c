/* SPDX-License-Identifier: MIT */
/* handoff_evaluate(): which hand-off checks fail, why, and what sdinit does (pure).
 *
 * The checks mirror cgroup/env-plan.c's hand-off checks (so that `sdinit detect`'s plan
 * "handoff-possible" and this agree on the environment) and add what only the hand-off knows:
 * the systemd binary and its version, the init.scope probe and the main program. */
#include "handoff.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/env.h"

int handoff_mode_from_string(const char *s, enum handoff_mode *ret) {
        if (!s)
                return -EINVAL;
        if (strcmp(s, "auto") == 0)
                *ret = HANDOFF_MODE_AUTO;
        else if (strcmp(s, "always") == 0)
                *ret = HANDOFF_MODE_ALWAYS;
        else if (strcmp(s, "never") == 0)
                *ret = HANDOFF_MODE_NEVER;
        else
                return -EINVAL;
        return 0;
}

const char *handoff_mode_to_string(enum handoff_mode m) {
        switch (m) {
        case HANDOFF_MODE_AUTO:
                return "auto";
        case HANDOFF_MODE_ALWAYS:
                return "always";
        case HANDOFF_MODE_NEVER:
                return "never";
        }
        return "auto";
}

const char *handoff_check_to_string(enum handoff_check c) {
        static const char *const names[_HANDOFF_CHECK_MAX] = {
                [HANDOFF_CHECK_BINARY] = "binary",
                [HANDOFF_CHECK_VERSION] = "version",
                [HANDOFF_CHECK_COMMAND] = "command",
                [HANDOFF_CHECK_PID1] = "pid1",
                [HANDOFF_CHECK_CGROUP2] = "cgroup2",
                [HANDOFF_CHECK_CGROUP_WRITABLE] = "cgroup-writable",
                [HANDOFF_CHECK_INIT_SCOPE] = "init-scope",
                [HANDOFF_CHECK_PROC] = "proc",
                [HANDOFF_CHECK_SYS] = "sys",
                [HANDOFF_CHECK_DEV] = "dev",
                [HANDOFF_CHECK_DEV_SHM] = "dev-shm",
                [HANDOFF_CHECK_RUN] = "run",
                [HANDOFF_CHECK_CONSOLE] = "console",
        };
        return (unsigned) c < _HANDOFF_CHECK_MAX ? names[c] : "?";
}

void handoff_facts_init(struct handoff_facts *f) {
        memset(f, 0, sizeof *f);
        f->version_error = HANDOFF_NOT_RUN;
        f->probe_error = HANDOFF_NOT_RUN;
}

__attribute__((format(printf, 3, 4)))
static void fail(struct handoff_result *r, enum handoff_check c, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(r->reason[c], sizeof r->reason[c], fmt, ap);
        va_end(ap);
        if (!(r->failed & (1u << c)))
                r->n_failed++;
        r->failed |= 1u << c;
}

static void pending(struct handoff_result *r, enum handoff_check c) {
        r->pending |= 1u << c;
}

static const char *errno_text(int error) {
        return strerror(error < 0 ? -error : error);
}

static void check_version(const struct handoff_facts *f, struct handoff_result *r) {
        const char *p = f->systemd_path;

        if (!p[0])
                return; /* the binary check says it */
        switch (f->version_error) {
        case HANDOFF_NOT_RUN:
                pending(r, HANDOFF_CHECK_VERSION);
                return;
        case 0:
                break;
        case -EPROTO:
                fail(r, HANDOFF_CHECK_VERSION, "%s --version did not print a \"systemd N\" line", p);
                return;
        case -ECHILD:
                fail(r, HANDOFF_CHECK_VERSION, "%s --version failed (non-zero exit or killed)", p);
                return;
        case -ETIMEDOUT:
                fail(r, HANDOFF_CHECK_VERSION, "%s --version did not finish in time", p);
                return;
        default:
                fail(r, HANDOFF_CHECK_VERSION, "cannot execute %s: %s", p, errno_text(f->version_error));
                return;
        }
        if (f->version < HANDOFF_MIN_SYSTEMD_VERSION)
                fail(r, HANDOFF_CHECK_VERSION, "%s is systemd %d, older than %d", p, f->version,
                     HANDOFF_MIN_SYSTEMD_VERSION);
}

/* Returns true if systemd finds a cgroup2 at /sys/fs/cgroup. */
static bool check_cgroup2(const struct env_info *info, struct handoff_result *r) {
        switch (info->layout) {
        case ENV_LAYOUT_NONE:
                fail(r, HANDOFF_CHECK_CGROUP2, "no cgroup file system is mounted");
                return false;
        case ENV_LAYOUT_V1:
                fail(r, HANDOFF_CHECK_CGROUP2, "only cgroup v1 is mounted: systemd in a container needs cgroup2 at "
                     "/sys/fs/cgroup");
                return false;
        case ENV_LAYOUT_HYBRID:
                fail(r, HANDOFF_CHECK_CGROUP2, "hybrid cgroup layout (cgroup2 at %s, v1 hierarchies at "
                     "/sys/fs/cgroup/*): systemd in a container needs cgroup2 at /sys/fs/cgroup",
                     info->unified_mount);
                return false;
        case ENV_LAYOUT_V2:
                break;
        }
        if (strcmp(info->unified_mount, "/sys/fs/cgroup") != 0) {
                fail(r, HANDOFF_CHECK_CGROUP2, "cgroup2 is mounted at %s, not at /sys/fs/cgroup", info->unified_mount);
                return false;
        }
        return true;
}

static bool check_cgroup_writable(const struct env_info *info, struct handoff_result *r) {
        const char *what = info->own_path[0] ? info->own_path : info->own_dir;

        if (info->read_only == ENV_YES) {
                fail(r, HANDOFF_CHECK_CGROUP_WRITABLE, "cgroup2 is mounted read-only at %s: systemd fails with "
                     "\"Failed to create /init.scope control group: Read-only file system\"", info->unified_mount);
                return false;
        }
        if (!info->own_path[0] || !info->own_dir[0]) {
                fail(r, HANDOFF_CHECK_CGROUP_WRITABLE, "our cgroup %s is not visible below %s", what,
                     info->unified_mount);
                return false;
        }
        if (info->hierarchy_root == ENV_YES) {
                /* The machine's own init may manage the whole hierarchy; nobody else. */
                if (info->pid1 == ENV_YES && info->userns == ENV_NO && info->writable == ENV_YES)
                        return true;
                fail(r, HANDOFF_CHECK_CGROUP_WRITABLE, "our cgroup %s is the root of the cgroup2 hierarchy, not a "
                     "delegated subtree", what);
                return false;
        }
        if (info->delegated == ENV_YES)
                return true;
        if (info->owner_uid >= 0 && info->owner_uid != (long long) info->euid) {
                if (info->owner_uid == (long long) info->overflow_uid)
                        fail(r, HANDOFF_CHECK_CGROUP_WRITABLE, "our cgroup %s is owned by nobody (an unmapped uid), "
                             "not delegated: systemd fails with \"Failed to create /init.scope control group: "
                             "Permission denied\"", what);
                else
                        fail(r, HANDOFF_CHECK_CGROUP_WRITABLE, "our cgroup %s is owned by uid %lld, not by us "
                             "(uid %u): not delegated", what, info->owner_uid, (unsigned) info->euid);
        } else if (info->delegation_problem[0])
                fail(r, HANDOFF_CHECK_CGROUP_WRITABLE, "our cgroup %s is not delegated: %s", what,
                     info->delegation_problem);
        else
                fail(r, HANDOFF_CHECK_CGROUP_WRITABLE, "our cgroup %s: delegation could not be determined", what);
        return false;
}

/* As env-plan.c: a mount point (of want_fstype when given), or CAP_SYS_ADMIN to mount one. */
static void check_mount(const struct env_info *info, struct handoff_result *r, enum handoff_check c, const char *path,
                        const struct env_mount *m, const char *want_fstype) {
        if (info->cap_sys_admin == ENV_YES)
                return;
        if (!m->mounted)
                fail(r, c, "%s is not a mount point and CAP_SYS_ADMIN is missing to mount it", path);
        else if (want_fstype && strcmp(m->fstype, want_fstype) != 0)
                fail(r, c, "%s is %s, not %s, and CAP_SYS_ADMIN is missing to mount one", path, m->fstype, want_fstype);
}

void handoff_evaluate(const struct env_info *info, enum handoff_mode mode, const struct handoff_facts *f,
                      struct handoff_result *r) {
        bool cgroup_ok;

        memset(r, 0, sizeof *r);

        if (!f->systemd_path[0])
                fail(r, HANDOFF_CHECK_BINARY, "no systemd binary is installed (/usr/lib/systemd/systemd, "
                     "/lib/systemd/systemd, /sbin/init)");
        check_version(f, r);
        if (f->has_command)
                fail(r, HANDOFF_CHECK_COMMAND, "a main program was given (-- COMMAND): systemd has no main program");

        if (info->pid1 != ENV_YES) {
                if (info->pid > 0)
                        fail(r, HANDOFF_CHECK_PID1, "not PID 1 (pid %d in our pid namespace): systemd runs as the "
                             "system manager only as PID 1", (int) info->pid);
                else
                        fail(r, HANDOFF_CHECK_PID1, "cannot tell whether we are PID 1");
        }

        cgroup_ok = check_cgroup2(info, r);
        cgroup_ok = (info->unified_mount[0] ? check_cgroup_writable(info, r) : false) && cgroup_ok;
        if (cgroup_ok && info->pid1 == ENV_YES) {
                if (f->probe_error == HANDOFF_NOT_RUN)
                        pending(r, HANDOFF_CHECK_INIT_SCOPE);
                else if (f->probe_error < 0)
                        fail(r, HANDOFF_CHECK_INIT_SCOPE, "cannot create %s or move PID 1 into it: %s",
                             f->probe_dir[0] ? f->probe_dir : "init.scope", errno_text(f->probe_error));
        }

        check_mount(info, r, HANDOFF_CHECK_PROC, "/proc", &info->m_proc, "proc");
        check_mount(info, r, HANDOFF_CHECK_SYS, "/sys", &info->m_sys, NULL);
        check_mount(info, r, HANDOFF_CHECK_DEV, "/dev", &info->m_dev, NULL);
        check_mount(info, r, HANDOFF_CHECK_DEV_SHM, "/dev/shm", &info->m_dev_shm, NULL);
        check_mount(info, r, HANDOFF_CHECK_RUN, "/run", &info->m_run, "tmpfs");
        if (!info->dev_console)
                fail(r, HANDOFF_CHECK_CONSOLE, "/dev/console is missing (systemd's console output and getty)");

        if (mode == HANDOFF_MODE_NEVER)
                r->decision = HANDOFF_RUN_UNITS;
        else if (r->failed)
                r->decision = mode == HANDOFF_MODE_ALWAYS ? HANDOFF_FAIL : HANDOFF_RUN_UNITS;
        else if (r->pending)
                r->decision = HANDOFF_PENDING;
        else
                r->decision = HANDOFF_EXEC;
}

bool handoff_want_version(enum handoff_mode mode, const struct handoff_facts *f, const struct handoff_result *r) {
        if (mode == HANDOFF_MODE_NEVER || !f->systemd_path[0] || !(r->pending & (1u << HANDOFF_CHECK_VERSION)))
                return false;
        return mode == HANDOFF_MODE_ALWAYS || r->failed == 0;
}

bool handoff_want_probe(enum handoff_mode mode, const struct handoff_facts *f, const struct handoff_result *r) {
        (void) f;
        if (mode == HANDOFF_MODE_NEVER || !(r->pending & (1u << HANDOFF_CHECK_INIT_SCOPE)))
                return false;
        /* The probe moves PID 1: only when it can still matter (and never before the version). */
        if (r->pending & (1u << HANDOFF_CHECK_VERSION))
                return false;
        return mode == HANDOFF_MODE_ALWAYS || r->failed == 0;
}

int handoff_parse_version(const char *s) {
        for (const char *line = s; line && *line;) {
                if (strncmp(line, "systemd ", 8) == 0) {
                        char *end;
                        long v = strtol(line + 8, &end, 10);
                        if (end != line + 8 && v > 0 && v < 100000 && (*end == ' ' || *end == '\n' || *end == '\0' ||
                                                                       *end == '.' || *end == '~' || *end == '-'))
                                return (int) v;
                }
                line = strchr(line, '\n');
                if (line)
                        line++;
        }
        return -EPROTO;
}
