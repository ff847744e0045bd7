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
#include <sys/capability.h>
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
#include "units/unit-type-info.h"
#include "units/unit-values.h"

const char *exec_section(const Unit *u) {
        const UnitTypeInfo *info = unit_type_info(u->type);

        return info->exec && info->section ? info->section : "Service";
}

static bool have_effective_cap(cap_value_t c) {
        cap_t caps = cap_get_proc();
        cap_flag_value_t v = CAP_CLEAR;

        if (caps) {
                (void) cap_get_flag(caps, c, CAP_EFFECTIVE, &v);
                cap_free(caps);
        }
        return v == CAP_SET;
}

bool exec_no_new_privileges(const Unit *u, bool have_cap_sys_admin) {
        const char *s = exec_section(u);

        if (u->exec.no_new_privileges > 0 || exec_raw_bool(u, s, "DynamicUser") > 0)
                return true;
        if (have_cap_sys_admin) /* privileged: seccomp does not need it */
                return false;
        return exec_seccomp_wanted(u, s);
}

/* CPUAffinity=: "0-3 5,7"; assignments add up, an empty one resets (systemd: "numa" derives the
 * set from NUMAMask=, not supported here: ignored). Returns whether a set was given. */
static bool parse_cpu_set(char *const *lines, cpu_set_t *set) {
        bool any = false;

        CPU_ZERO(set);
        for (size_t i = 0; lines && lines[i]; i++)
                for (const char *p = lines[i]; *p;) {
                        char *end;
                        unsigned long a, b;
                        p += strspn(p, " \t,");
                        if (!*p)
                                break;
                        a = strtoul(p, &end, 10);
                        if (end == p) {
                                p += strcspn(p, " \t,");
                                continue;
                        }
                        b = a;
                        if (*end == '-')
                                b = strtoul(end + 1, &end, 10);
                        for (unsigned long c = a; c <= b && c < CPU_SETSIZE; c++)
                                CPU_SET(c, set);
                        any = true;
                        p = end;
                }
        return any;
}

/* CoredumpFilter=: names or a hexadecimal mask, OR-ed (systemd's coredump_filter_mask_from_string). */
static bool parse_coredump_filter(char *const *lines, unsigned long long *mask) {
        static const char *const names[] = { "private-anonymous", "shared-anonymous", "private-file-backed",
                                             "shared-file-backed", "elf-headers", "private-huge", "shared-huge",
                                             "private-dax", "shared-dax", NULL };
        bool any = false;

        *mask = 0;
        for (size_t i = 0; lines && lines[i]; i++) {
                const char *p = lines[i];
                for (;;) {
                        char *w = NULL, *end;
                        if (sdu_extract_word(&p, &w, 0) <= 0)
                                break;
                        any = true;
                        if (strcmp(w, "all") == 0)
                                *mask = 0xffffffffULL;
                        else if (strcmp(w, "default") == 0)
                                *mask |= 0x33; /* private-anonymous shared-anonymous elf-headers private-huge */
                        else {
                                bool found = false;
                                for (int k = 0; names[k]; k++)
                                        if (strcmp(names[k], w) == 0) {
                                                *mask |= 1ULL << k;
                                                found = true;
                                        }
                                if (!found) {
                                        unsigned long long v = strtoull(w, &end, 16);
                                        if (!*end)
                                                *mask |= v;
                                }
                        }
                        free(w);
                }
        }
        return any;
}

/* SecureBits=: keep-caps, keep-caps-locked, no-setuid-fixup, no-setuid-fixup-locked, noroot,
 * noroot-locked; assignments add up. */
static int parse_secure_bits(char *const *lines) {
        static const struct {
                const char *name;
                int bit;
        } bits[] = { { "keep-caps", SECURE_KEEP_CAPS },
                     { "keep-caps-locked", SECURE_KEEP_CAPS_LOCKED },
                     { "no-setuid-fixup", SECURE_NO_SETUID_FIXUP },
                     { "no-setuid-fixup-locked", SECURE_NO_SETUID_FIXUP_LOCKED },
                     { "noroot", SECURE_NOROOT },
                     { "noroot-locked", SECURE_NOROOT_LOCKED } };
        int v = 0;

        for (size_t i = 0; lines && lines[i]; i++) {
                const char *p = lines[i];
                for (;;) {
                        char *w = NULL;
                        if (sdu_extract_word(&p, &w, 0) <= 0)
                                break;
                        for (size_t k = 0; k < sizeof(bits) / sizeof(bits[0]); k++)
                                if (strcmp(bits[k].name, w) == 0)
                                        v |= 1 << bits[k].bit;
                        free(w);
                }
        }
        return v;
}

/* capability_gain_cap_setpcap(): CAP_SETPCAP into the effective set (PR_CAPBSET_DROP and
 * PR_SET_SECUREBITS need it). */
static int gain_setpcap(cap_t *ret_before) {
        cap_t caps = cap_get_proc();
        cap_flag_value_t v;
        cap_value_t c = CAP_SETPCAP;

        if (!caps)
                return -errno;
        if (cap_get_flag(caps, CAP_SETPCAP, CAP_EFFECTIVE, &v) == 0 && v != CAP_SET) {
                cap_t t = cap_dup(caps);
                if (!t || cap_set_flag(t, CAP_EFFECTIVE, 1, &c, CAP_SET) < 0 || cap_set_proc(t) < 0) {
                        int r = -errno;
                        cap_free(t);
                        cap_free(caps);
                        return r;
                }
                cap_free(caps);
                caps = t;
        }
        if (ret_before)
                *ret_before = caps;
        else
                cap_free(caps);
        return 0;
}

/* capability_bounding_set_drop(keep, false): out of the bounding and the inheritable set. */
static int bounding_set_drop(uint64_t keep) {
        cap_t before = NULL, after;
        int r = gain_setpcap(&before);

        if (r < 0)
                return r;
        after = cap_dup(before);
        if (!after) {
                cap_free(before);
                return -ENOMEM;
        }
        for (int i = 0; i <= CAP_LAST_CAP; i++) {
                cap_value_t v = i;
                if (keep & (1ULL << i))
                        continue;
                if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0 && prctl(PR_CAPBSET_READ, i, 0, 0, 0) != 0) {
                        r = -errno;
                        break;
                }
                cap_set_flag(after, CAP_INHERITABLE, 1, &v, CAP_CLEAR);
        }
        if (cap_set_proc(after) < 0 && cap_compare(before, after) != 0 && r == 0)
                r = -errno;
        cap_free(before);
        cap_free(after);
        return r;
}

/* capability_ambient_set_apply(set, also_inherit) */
static int ambient_apply(uint64_t set, bool also_inherit) {
        if (also_inherit) {
                cap_t caps = cap_get_proc();
                if (!caps)
                        return -errno;
                for (int i = 0; i <= CAP_LAST_CAP; i++) {
                        cap_value_t v = i;
                        if (set & (1ULL << i))
                                cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET);
                }
                if (cap_set_proc(caps) < 0) {
                        int r = -errno;
                        cap_free(caps);
                        return r;
                }
                cap_free(caps);
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
static int setup_keyring(MUnit *u, const ExecIdentity *id, char *err, size_t errlen) {
        const char *mode = exec_raw_last(u->u, exec_section(u->u), "KeyringMode");
        long k;

        if (mode && strcmp(mode, "inherit") == 0)
                return 0;
        k = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, 0, 0, 0, 0);
        if (k < 0) {
                if (errno == ENOSYS || errno == EOPNOTSUPP || errno == EPERM || errno == EACCES || errno == EDQUOT)
                        return 0;
                snprintf(err, errlen, "Failed to set up kernel keyring: %s", strerror(errno));
                return EXIT_KEYRING;
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
        if (mode && strcmp(mode, "shared") == 0)
                (void) syscall(SYS_keyctl, KEYCTL_LINK, KEY_SPEC_USER_KEYRING, KEY_SPEC_SESSION_KEYRING, 0, 0);
        return 0;
}

/* NUMAPolicy=/NUMAMask=: set_mempolicy(); EOPNOTSUPP/ENOSYS (no NUMA) ignored as systemd does. */
static int apply_numa(const Unit *unit, char *err, size_t errlen) {
        static const char *const policies[] = { "default", "preferred", "bind", "interleave", "local", NULL };
        const char *s = exec_section(unit), *pol = exec_raw_last(unit, s, "NUMAPolicy");
        unsigned long mask[16] = { 0 };
        cpu_set_t nodes;
        int mode = -1;

        if (!pol)
                return 0;
        for (int i = 0; policies[i]; i++)
                if (strcmp(policies[i], pol) == 0)
                        mode = i;
        if (mode < 0)
                return 0;
        if (parse_cpu_set(unit_setting_raw(unit, s, "NUMAMask"), &nodes))
                for (int n = 0; n < 1024; n++)
                        if (CPU_ISSET(n, &nodes))
                                mask[n / 64] |= 1UL << (n % 64);
        if (syscall(SYS_set_mempolicy, mode, mode == 0 || mode == 4 ? NULL : mask, mode == 0 || mode == 4 ? 0 : 1024) < 0 &&
            errno != EOPNOTSUPP && errno != ENOSYS) {
                snprintf(err, errlen, "Failed to set NUMA memory policy: %s", strerror(errno));
                return EXIT_NUMA_POLICY;
        }
        return 0;
}

#define FAIL(status, ...)                                   \
        do {                                                \
                snprintf(err, errlen, __VA_ARGS__);         \
                return status;                              \
        } while (0)

int exec_privileges_apply(MUnit *mu, const ExecCommand *cmd, const ExecIdentity *id, char *err, size_t errlen) {
        const Unit *u = mu->u;
        const ExecSettings *e = &u->exec;
        const char *s = exec_section(u);
        bool sandbox = !(cmd->flags & EXEC_COMMAND_FULLY_PRIVILEGED);
        bool setuid_needed = !(cmd->flags & (EXEC_COMMAND_FULLY_PRIVILEGED | EXEC_COMMAND_NO_SETUID));
        uint64_t ambient = e->ambient_capabilities.set ? e->ambient_capabilities.mask : 0;
        int secure_bits = parse_secure_bits(unit_setting_raw(u, s, "SecureBits")), r;
        unsigned long long cdf;
        cpu_set_t cpus;

        if (parse_coredump_filter(unit_setting_raw(u, s, "CoredumpFilter"), &cdf)) {
                int fd = open("/proc/self/coredump_filter", O_WRONLY | O_CLOEXEC);
                char b[32];
                int n = snprintf(b, sizeof(b), "0x%llx", cdf);
                if ((fd < 0 || write(fd, b, (size_t) n) != n) && errno != EPERM && errno != EACCES)
                        FAIL(EXIT_LIMITS, "Failed to adjust coredump_filter: %s", strerror(errno));
                if (fd >= 0)
                        close(fd);
        }
        if (parse_cpu_set(unit_setting_raw(u, s, "CPUAffinity"), &cpus) && sched_setaffinity(0, sizeof(cpus), &cpus) < 0)
                FAIL(EXIT_CPUAFFINITY, "Failed to set up CPU affinity: %s", strerror(errno));
        if ((r = apply_numa(u, err, errlen)))
                return r;
        if ((r = setup_keyring(mu, id, err, errlen)))
                return r;

        /* enforce_groups() */
        if (setuid_needed && id->set) {
                if (setgroups((size_t) id->n_groups, id->groups) < 0 && errno != EPERM)
                        FAIL(EXIT_GROUP, "Failed to set up supplementary groups: %s", strerror(errno));
                if (setresgid(id->gid, id->gid, id->gid) < 0)
                        FAIL(EXIT_GROUP, "Failed to change GID to %u: %s", (unsigned) id->gid, strerror(errno));
        }
        /* PrivateUsers= (exec-userns.h): after the groups, before capabilities and the user */
        if (sandbox && (r = exec_userns_apply(mu, id, err, errlen)))
                return r;

        if (sandbox) {
                if (exec_raw_bool(u, s, "RestrictRealtime") > 0 && !e->rlimits[RLIMIT_RTPRIO].set &&
                    setrlimit(RLIMIT_RTPRIO, &(struct rlimit) { 0, 0 }) < 0)
                        FAIL(EXIT_LIMITS, "Failed to adjust RLIMIT_RTPRIO resource limit: %s", strerror(errno));
                {
                        uint64_t all = CAP_LAST_CAP >= 63 ? ~0ULL : (1ULL << (CAP_LAST_CAP + 1)) - 1;
                        uint64_t bset = e->capability_bounding_set.set ? e->capability_bounding_set.mask : all;
                        /* unit_patch_contexts(): what the Protect*= settings take away */
                        if (exec_raw_bool(u, s, "PrivateDevices") > 0)
                                bset &= ~((1ULL << CAP_MKNOD) | (1ULL << CAP_SYS_RAWIO));
                        if (exec_raw_bool(u, s, "ProtectKernelModules") > 0)
                                bset &= ~(1ULL << CAP_SYS_MODULE);
                        if (exec_raw_bool(u, s, "ProtectKernelLogs") > 0)
                                bset &= ~(1ULL << CAP_SYSLOG);
                        if (exec_raw_bool(u, s, "ProtectClock") > 0)
                                bset &= ~((1ULL << CAP_SYS_TIME) | (1ULL << CAP_WAKE_ALARM));
                        if ((bset & all) != all && (r = bounding_set_drop(bset)) < 0)
                                FAIL(EXIT_CAPABILITIES, "Failed to drop capabilities: %s", strerror(-r));
                }
                if ((r = ambient_apply(ambient, true)) < 0)
                        FAIL(EXIT_CAPABILITIES, "Failed to apply ambient capabilities (before UID change): %s", strerror(-r));
        }

        /* enforce_user() */
        if (setuid_needed && id->set) {
                if ((ambient || secure_bits) && id->uid != 0) {
                        int cur = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
                        if (cur < 0 || ((cur & (1 << SECURE_KEEP_CAPS)) == 0 &&
                                        prctl(PR_SET_SECUREBITS, cur | (1 << SECURE_KEEP_CAPS), 0, 0, 0) < 0))
                                FAIL(EXIT_USER, "Failed to change UID to %u: %s", (unsigned) id->uid, strerror(errno));
                }
                if (setresuid(id->uid, id->uid, id->uid) < 0)
                        FAIL(EXIT_USER, "Failed to change UID to %u: %s", (unsigned) id->uid, strerror(errno));
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
        if (exec_no_new_privileges(u, have_effective_cap(CAP_SYS_ADMIN)) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                FAIL(EXIT_NO_NEW_PRIVILEGES, "Failed to disable new privileges: %s", strerror(errno));
        return exec_seccomp_apply(u, s, err, errlen);
}

void exec_privileges_prepare(MUnit *u) {
        exec_seccomp_prepare(u->u, exec_section(u->u));
}

void exec_sandbox_unit_dead(MUnit *u) {
        dynamic_user_release(u);
        exec_credentials_remove(u);
}
