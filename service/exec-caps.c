/* SPDX-License-Identifier: MIT */
/* The privilege step of a service's child (see exec-caps.h), after systemd 252's exec_child() in
 * src/core/execute.c and src/basic/capability-util.c. Runs in the forked child only. */
#include "service/exec-caps.h"

#include <errno.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <fcntl.h>
#include <linux/securebits.h>

#include "service/dynamic-user.h"
#include "service/exec-creds.h"
#include "service/exec-seccomp.h"
#include "service/exec-userns.h"
#include "service/spawn.h"
#include "units/unit-values.h"

/* The capability sets of this process, read and written with capget()/capset() on the stack (the
 * child allocates nothing between fork and exec). */
typedef struct Caps {
        struct __user_cap_header_struct h;
        struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
} Caps;

static int caps_get(Caps *c) {
        memset(c, 0, sizeof(*c));
        c->h.version = _LINUX_CAPABILITY_VERSION_3;
        return syscall(SYS_capget, &c->h, c->d) < 0 ? -errno : 0;
}

static int caps_set(Caps *c) {
        c->h.version = _LINUX_CAPABILITY_VERSION_3;
        c->h.pid = 0;
        return syscall(SYS_capset, &c->h, c->d) < 0 ? -errno : 0;
}

#define CAP_WORD(c) ((unsigned) (c) >> 5)
#define CAP_MASK(c) (1U << ((unsigned) (c) & 31))

static bool have_effective_cap(int c) {
        Caps caps;
        return caps_get(&caps) == 0 && (caps.d[CAP_WORD(c)].effective & CAP_MASK(c));
}

bool exec_no_new_privileges(const Unit *u, bool have_cap_sys_admin) {
        const ExecSandbox *s = unit_exec(u)->sandbox;

        if (unit_exec(u)->no_new_privileges > 0 || (s && s->dynamic_user))
                return true;
        if (have_cap_sys_admin) /* privileged: seccomp does not need it */
                return false;
        return exec_seccomp_wanted(u);
}

/* capability_gain_cap_setpcap(): CAP_SETPCAP into the effective set (PR_CAPBSET_DROP and
 * PR_SET_SECUREBITS need it); *ret_now: the sets afterwards. */
static int gain_setpcap(Caps *ret_now) {
        Caps caps;
        int r = caps_get(&caps);

        if (r < 0)
                return r;
        if (!(caps.d[CAP_WORD(CAP_SETPCAP)].effective & CAP_MASK(CAP_SETPCAP))) {
                caps.d[CAP_WORD(CAP_SETPCAP)].effective |= CAP_MASK(CAP_SETPCAP);
                if ((r = caps_set(&caps)) < 0)
                        return r;
        }
        if (ret_now)
                *ret_now = caps;
        return 0;
}

/* capability_bounding_set_drop(keep, false): out of the bounding and the inheritable set. */
static int bounding_set_drop(uint64_t keep) {
        Caps before, after;
        int r = gain_setpcap(&before);

        if (r < 0)
                return r;
        after = before;
        for (int i = 0; i <= CAP_LAST_CAP; i++) {
                if (keep & (1ULL << i))
                        continue;
                if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 && prctl(PR_CAPBSET_READ, i, 0, 0, 0) != 0) {
                        r = -errno;
                        break;
                }
                after.d[CAP_WORD(i)].inheritable &= ~CAP_MASK(i);
        }
        {
                int k = caps_set(&after);
                if (k < 0 && memcmp(before.d, after.d, sizeof(after.d)) != 0 && r == 0)
                        r = k;
        }
        return r;
}

/* capability_ambient_set_apply(set, also_inherit). An empty set (the common case: every start of
 * a unit without AmbientCapabilities=) is one call that lowers them all (kernels without ambient
 * capabilities, EINVAL: nothing to lower). */
static int ambient_apply(uint64_t set, bool also_inherit) {
        if (set == 0)
                return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL ? -errno : 0;
        if (also_inherit) {
                Caps caps;
                int r = caps_get(&caps);
                if (r < 0)
                        return r;
                for (int i = 0; i <= CAP_LAST_CAP; i++)
                        if (set & (1ULL << i))
                                caps.d[CAP_WORD(i)].inheritable |= CAP_MASK(i);
                if ((r = caps_set(&caps)) < 0)
                        return r;
        }
        for (int i = 0; i <= CAP_LAST_CAP; i++) {
                if (set & (1ULL << i)) {
                        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
                                return -errno;
                } else if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, i, 0, 0) > 0 &&
                           prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_LOWER, i, 0, 0) < 0)
                        return -errno;
        }
        return 0;
}

/* KeyringMode= (default "private" for system services): a fresh session keyring owned by the
 * service's user, with the invocation ID in it; "shared" also links the user keyring. Where the
 * kernel or a container forbids keyrings, skipped, as systemd does. */
static int setup_keyring(MUnit *u, const ExecSandbox *s, const ExecIdentity *id) {
        long k;

        if (s->keyring_mode == KEYRING_INHERIT)
                return 0;
        k = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0);
        if (k < 0) {
                if (errno == ENOSYS || errno == EOPNOTSUPP || errno == EPERM || errno == EACCES || errno == EDQUOT)
                        return 0;
                return -errno;
        }
        uint8_t raw[16];
        if (munit_invocation_id_bytes(u, raw)) {
                k = syscall(SYS_add_key, "user", "invocation_id", raw, sizeof(raw), KEY_SPEC_SESSION_KEYRING);
                if (k >= 0)
                        /* possessor and user: view, read, search (systemd's mask) */
                        (void) syscall(SYS_keyctl, KEYCTL_SETPERM, k, 0x0b000000 | 0x000b0000, 0, 0);
        }
        if (id->set && (id->uid != 0 || id->gid != 0))
                (void) syscall(SYS_keyctl, KEYCTL_CHOWN, KEY_SPEC_SESSION_KEYRING, id->uid, id->gid, 0);
        if (s->keyring_mode == KEYRING_SHARED)
                (void) syscall(SYS_keyctl, KEYCTL_LINK, KEY_SPEC_USER_KEYRING, KEY_SPEC_SESSION_KEYRING, 0, 0);
        return 0;
}

/* NUMAPolicy=/NUMAMask=: set_mempolicy(); EOPNOTSUPP/ENOSYS (no NUMA) ignored as systemd does. */
static int apply_numa(const ExecSandbox *s, char *err, size_t errlen) {
        int mode = s->numa_policy;
        bool no_mask = mode == 0 || mode == 4; /* default, local */

        if (mode < 0)
                return 0;
        if (syscall(SYS_set_mempolicy, mode, no_mask ? NULL : s->numa_mask, no_mask ? 0 : 1024) < 0 && errno != EOPNOTSUPP &&
            errno != ENOSYS) {
                snprintf(err, errlen, "Failed to set NUMA memory policy: %s", strerror(errno));
                return EXIT_NUMA_POLICY;
        }
        return 0;
}

/* A step that wrote its line into f->msg itself. */
#define FAIL_TEXT(st)                                                  \
        do {                                                           \
                f->status = (st);                                      \
                f->step = EXEC_FAIL_TEXT;                              \
                return (st);                                           \
        } while (0)

/* A step only a forked child runs: the line now. */
#define FAIL(st, ...)                                                  \
        do {                                                           \
                f->status = (st);                                      \
                f->step = EXEC_FAIL_TEXT;                              \
                snprintf(f->msg, sizeof(f->msg), __VA_ARGS__);         \
                return (st);                                           \
        } while (0)

/* A step a vfork-style child runs too: recorded, formatted later. */
#define FAIL_STEP(st, which, e, a)                                     \
        do {                                                           \
                f->status = (st);                                      \
                f->step = (which);                                     \
                f->err = (e);                                          \
                f->arg = (a);                                          \
                return (st);                                           \
        } while (0)

void exec_failure_format(const ExecFailure *f, char *buf, size_t size) {
        const char *e = strerror(f->err);

        switch (f->step) {
        case EXEC_FAIL_KEYRING:
                snprintf(buf, size, "Failed to set up kernel keyring: %s", e);
                break;
        case EXEC_FAIL_GROUPS:
                snprintf(buf, size, "Failed to set up supplementary groups: %s", e);
                break;
        case EXEC_FAIL_GID:
                snprintf(buf, size, "Failed to change GID to %u: %s", f->arg, e);
                break;
        case EXEC_FAIL_AMBIENT:
                snprintf(buf, size, "Failed to apply ambient capabilities (before UID change): %s", e);
                break;
        case EXEC_FAIL_UID:
                snprintf(buf, size, "Failed to change UID to %u: %s", f->arg, e);
                break;
        default:
                snprintf(buf, size, "%s", f->msg);
                break;
        }
}

int exec_privileges_apply(MUnit *mu, const ExecCommand *cmd, const ExecIdentity *id, ExecFailure *f) {
        const Unit *u = mu->u;
        const ExecSettings *e = unit_exec(u);
        const ExecSandbox *s = unit_sandbox(u);
        bool sandbox = !(cmd->flags & EXEC_COMMAND_FULLY_PRIVILEGED);
        bool setuid_needed = !(cmd->flags & (EXEC_COMMAND_FULLY_PRIVILEGED | EXEC_COMMAND_NO_SETUID));
        uint64_t ambient = e->ambient_capabilities.set ? e->ambient_capabilities.mask : 0;
        int secure_bits = s->secure_bits, r;
        unsigned long long cdf = s->coredump_filter;

        if (s->coredump_filter_set) {
                int fd = open("/proc/self/coredump_filter", O_WRONLY | O_CLOEXEC);
                char b[32];
                int n = snprintf(b, sizeof(b), "0x%llx", cdf);
                if ((fd < 0 || write(fd, b, (size_t) n) != n) && errno != EPERM && errno != EACCES)
                        FAIL(EXIT_LIMITS, "Failed to adjust coredump_filter: %s", strerror(errno));
                if (fd >= 0)
                        close(fd);
        }
        if (s->cpu_affinity_set) {
                cpu_set_t cpus;
                _Static_assert(sizeof(cpus) == sizeof(s->cpu_affinity), "a CPU set of 1024 CPUs");
                memcpy(&cpus, s->cpu_affinity, sizeof(cpus));
                if (sched_setaffinity(0, sizeof(cpus), &cpus) < 0)
                        FAIL(EXIT_CPUAFFINITY, "Failed to set up CPU affinity: %s", strerror(errno));
        }
        f->status = 0;
        if ((r = apply_numa(s, f->msg, sizeof(f->msg))))
                FAIL_TEXT(r);
        if ((r = setup_keyring(mu, s, id)) < 0)
                FAIL_STEP(EXIT_KEYRING, EXEC_FAIL_KEYRING, -r, 0);

        /* enforce_groups() */
        if (setuid_needed && id->set) {
                if (setgroups((size_t) id->n_groups, id->groups) < 0 && errno != EPERM)
                        FAIL_STEP(EXIT_GROUP, EXEC_FAIL_GROUPS, errno, 0);
                if (setresgid(id->gid, id->gid, id->gid) < 0)
                        FAIL_STEP(EXIT_GROUP, EXEC_FAIL_GID, errno, (unsigned) id->gid);
        } else if (id->set && id->n_user_groups > 0) {
                /* "+" and "!" keep root's ids, but systemd 252 has already run initgroups() for
                 * User= (get_supplementary_groups(), before it looks at the prefix): its groups */
                if (setgroups((size_t) id->n_user_groups, id->groups) < 0 && errno != EPERM)
                        FAIL_STEP(EXIT_GROUP, EXEC_FAIL_GROUPS, errno, 0);
        }
        /* PrivateUsers= (exec-userns.h): after the groups, before capabilities and the user */
        if (sandbox && (r = exec_userns_apply(mu, id, f->msg, sizeof(f->msg))))
                FAIL_TEXT(r);

        if (sandbox) {
                if (s->restrict_realtime && !unit_rlimit(e, RLIMIT_RTPRIO)->set &&
                    setrlimit(RLIMIT_RTPRIO, &(struct rlimit) { 0, 0 }) < 0)
                        FAIL(EXIT_LIMITS, "Failed to adjust RLIMIT_RTPRIO resource limit: %s", strerror(errno));
                {
                        uint64_t all = CAP_LAST_CAP >= 63 ? ~0ULL : (1ULL << (CAP_LAST_CAP + 1)) - 1;
                        uint64_t bset = e->capability_bounding_set.set ? e->capability_bounding_set.mask : all;
                        /* unit_patch_contexts(): what the Protect*= settings take away */
                        if (s->private_devices)
                                bset &= ~((1ULL << CAP_MKNOD) | (1ULL << CAP_SYS_RAWIO));
                        if (s->protect_kernel_modules)
                                bset &= ~(1ULL << CAP_SYS_MODULE);
                        if (s->protect_kernel_logs)
                                bset &= ~(1ULL << CAP_SYSLOG);
                        if (s->protect_clock)
                                bset &= ~((1ULL << CAP_SYS_TIME) | (1ULL << CAP_WAKE_ALARM));
                        if ((bset & all) != all && (r = bounding_set_drop(bset)) < 0)
                                FAIL(EXIT_CAPABILITIES, "Failed to drop capabilities: %s", strerror(-r));
                }
                if ((r = ambient_apply(ambient, true)) < 0)
                        FAIL_STEP(EXIT_CAPABILITIES, EXEC_FAIL_AMBIENT, -r, 0);
        }

        /* enforce_user() */
        if (setuid_needed && id->set) {
                if ((ambient || secure_bits) && id->uid != 0) {
                        int cur = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
                        if (cur < 0 || ((cur & (1 << SECURE_KEEP_CAPS)) == 0 &&
                                        prctl(PR_SET_SECUREBITS, cur | (1 << SECURE_KEEP_CAPS), 0, 0, 0) < 0))
                                FAIL_STEP(EXIT_USER, EXEC_FAIL_UID, errno, (unsigned) id->uid);
                }
                if (setresuid(id->uid, id->uid, id->uid) < 0)
                        FAIL_STEP(EXIT_USER, EXEC_FAIL_UID, errno, (unsigned) id->uid);
                if (ambient && (r = ambient_apply(ambient, false)) < 0)
                        FAIL(EXIT_CAPABILITIES, "Failed to apply ambient capabilities (after UID change): %s", strerror(-r));
        }

        if (!sandbox)
                return 0;
        if (prctl(PR_GET_SECUREBITS, 0, 0, 0, 0) != secure_bits) {
                if ((r = gain_setpcap(NULL)) < 0)
                        FAIL(EXIT_CAPABILITIES, "Failed to gain CAP_SETPCAP for setting secure bits: %s", strerror(-r));
                if (prctl(PR_SET_SECUREBITS, secure_bits, 0, 0, 0) < 0)
                        FAIL(EXIT_SECUREBITS, "Failed to set process secure bits: %s", strerror(errno));
        }
        /* (the capability looked at only where it decides) */
        if ((exec_no_new_privileges(u, true) || (exec_seccomp_wanted(u) && !have_effective_cap(CAP_SYS_ADMIN))) &&
            prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                FAIL(EXIT_NO_NEW_PRIVILEGES, "Failed to disable new privileges: %s", strerror(errno));
        if ((r = exec_seccomp_apply(u, f->msg, sizeof(f->msg))))
                FAIL_TEXT(r);
        return 0;
}

void exec_privileges_prepare(MUnit *u) {
        int n = exec_seccomp_prepare(u->u);

        if (n > 0)
                manager_log(u->m, MLOG_DEBUG, "%s: %d seccomp program(s) not re-encoded (the proof of the same verdicts failed), loading libseccomp's", u->id, n);
}

void exec_sandbox_unit_dead(MUnit *u) {
        dynamic_user_release(u);
        exec_credentials_remove(u);
}
