/* SPDX-License-Identifier: MIT */
/* Unit tests for env_detect() and its printers, with fake trees below a temporary directory.
 *
 * Design: each scenario builds a small tree (proc/self/{mountinfo,cgroup,uid_map,gid_map,status,
 * environ,setgroups,ns/cgroup}, proc/sys/kernel/..., sys/fs/cgroup/...) with write_file(), runs
 * env_detect() on it and checks the fields, the plan and the reasons.  Ownership as the kernel
 * would show it in a user namespace (65534) needs chown, so that case runs as root only; a generic
 * "owned by someone else" variant runs everywhere (the fake status names a different euid).
 * Every tree is removed at the end (nftw, depth first). */
#include "tests/tap.h"
#include "env.h"
#include "json-writer.h"
#include "mountinfo.h"
#include "cg-manager.h"

#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdir_p(char *path) {
        for (char *p = path + 1; *p; p++)
                if (*p == '/') {
                        *p = 0;
                        if (mkdir(path, 0755) < 0 && errno != EEXIST) {
                                *p = '/';
                                return -errno;
                        }
                        *p = '/';
                }
        return 0;
}

__attribute__((format(printf, 3, 4)))
static void write_file(const char *root, const char *rel, const char *fmt, ...) {
        char path[4096];
        va_list ap;
        FILE *f;

        snprintf(path, sizeof path, "%s%s", root, rel);
        if (mkdir_p(path) < 0 || !(f = fopen(path, "we"))) {
                printf("Bail out! cannot create %s: %s\n", path, strerror(errno));
                exit(1);
        }
        va_start(ap, fmt);
        vfprintf(f, fmt, ap);
        va_end(ap);
        fclose(f);
}

static void make_link(const char *root, const char *rel, const char *target) {
        char path[4096];

        snprintf(path, sizeof path, "%s%s", root, rel);
        if (mkdir_p(path) < 0 || symlink(target, path) < 0) {
                printf("Bail out! cannot symlink %s: %s\n", path, strerror(errno));
                exit(1);
        }
}

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        return remove(path) < 0 ? -1 : 0;
}

static void rm_rf(const char *root) {
        if (nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
                printf("# warning: cleanup of %s failed: %s\n", root, strerror(errno));
}

static char *new_tree(const char *name) {
        char tmpl[256];
        const char *tmp = getenv("TMPDIR");
        char *d;

        snprintf(tmpl, sizeof tmpl, "%s/sdinit-envtest-%s-XXXXXX", tmp && tmp[0] ? tmp : "/tmp", name);
        d = mkdtemp(tmpl);
        if (!d) {
                printf("Bail out! mkdtemp: %s\n", strerror(errno));
                exit(1);
        }
        return strdup(d);
}

/* Common parts: identity, maps, kernel, systemd's mounts, console. */
struct fake {
        const char *uid_map;   /* NULL: identity */
        const char *setgroups;
        unsigned long euid;
        const char *nspid;     /* "4711 1" */
        const char *capeff;
        bool cgroup_ns;
        const char *environ;   /* with \0 separators, length given */
        size_t environ_len;
};

static void write_common(const char *root, const struct fake *fk) {
        write_file(root, "/proc/self/uid_map", "%s\n", fk->uid_map ? fk->uid_map : "         0          0 4294967295");
        write_file(root, "/proc/self/gid_map", "%s\n", fk->uid_map ? fk->uid_map : "         0          0 4294967295");
        write_file(root, "/proc/self/setgroups", "%s\n", fk->setgroups ? fk->setgroups : "allow");
        write_file(root, "/proc/self/status",
                   "Name:\tsdinit\nPid:\t4711\nPPid:\t0\nUid:\t%lu\t%lu\t%lu\t%lu\nNSpid:\t%s\nCapEff:\t%s\n", fk->euid,
                   fk->euid, fk->euid, fk->euid, fk->nspid ? fk->nspid : "4711 1",
                   fk->capeff ? fk->capeff : "000001ffffffffff");
        write_file(root, "/proc/sys/kernel/osrelease", "6.1.0-test\n");
        write_file(root, "/proc/sys/kernel/overflowuid", "65534\n");
        make_link(root, "/proc/self/ns/cgroup", fk->cgroup_ns ? "cgroup:[4026532451]" : "cgroup:[4026531835]");
        /* More than one NSpid level: a pid namespace of its own (4026531836 is the initial one). */
        make_link(root, "/proc/self/ns/pid",
                  strchr(fk->nspid ? fk->nspid : "4711 1", ' ') ? "pid:[4026532452]" : "pid:[4026531836]");
        make_link(root, "/dev/console", "/dev/null");
        /* A systemd to hand off to (an ELF header is all detection looks at). */
        write_file(root, "/usr/lib/systemd/systemd", "%s", "\177ELF");
        {
                char path[4096];
                snprintf(path, sizeof path, "%s/usr/lib/systemd/systemd", root);
                chmod(path, 0755);
        }
        if (fk->environ) {
                char path[4096];
                FILE *f;

                snprintf(path, sizeof path, "%s/proc/self/environ", root);
                f = fopen(path, "we");
                if (f) {
                        fwrite(fk->environ, 1, fk->environ_len, f);
                        fclose(f);
                }
        }
}

#define MI_BASE                                                                                     \
        "21 1 0:20 / / rw,relatime - overlay overlay rw\n"                                          \
        "22 21 0:21 / /proc rw,nosuid - proc proc rw\n"                                              \
        "23 21 0:22 / /sys rw,nosuid - sysfs sysfs rw\n"                                             \
        "24 21 0:6 / /dev rw,nosuid - tmpfs tmpfs rw,mode=755\n"                                     \
        "25 24 0:23 / /dev/shm rw,nosuid - tmpfs shm rw\n"                                           \
        "26 21 0:24 / /run rw,nosuid - tmpfs tmpfs rw\n"

static void write_cgroup_dir(const char *root, const char *dir, const char *controllers, const char *enabled,
                             bool non_root) {
        char rel[512];

        snprintf(rel, sizeof rel, "%s/cgroup.procs", dir);
        write_file(root, rel, "%s", "");
        snprintf(rel, sizeof rel, "%s/cgroup.subtree_control", dir);
        write_file(root, rel, "%s\n", enabled);
        snprintf(rel, sizeof rel, "%s/cgroup.controllers", dir);
        write_file(root, rel, "%s\n", controllers);
        if (non_root) {
                snprintf(rel, sizeof rel, "%s/cgroup.events", dir);
                write_file(root, rel, "populated 1\nfrozen 0\n");
                snprintf(rel, sizeof rel, "%s/cgroup.kill", dir);
                write_file(root, rel, "%s", "");
        }
}

static char *json_of(const struct env_info *info) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);

        if (!f)
                return NULL;
        if (env_print_json(info, f) < 0) {
                fclose(f);
                free(buf);
                return NULL;
        }
        fclose(f);
        return buf;
}

static bool has_reason(const struct env_info *info, const char *needle) {
        for (size_t i = 0; i < info->n_reasons; i++)
                if (strstr(info->reasons[i], needle))
                        return true;
        printf("# no reason contains \"%s\"; reasons:\n", needle);
        for (size_t i = 0; i < info->n_reasons; i++)
                printf("#   %s\n", info->reasons[i]);
        return false;
}

static bool contains(const char *hay, const char *needle) {
        if (hay && strstr(hay, needle))
                return true;
        printf("# \"%s\" not found in %s\n", needle, hay ? hay : "(null)");
        return false;
}

static void test_v2_delegated(void) {
        static const char env[] = "PATH=/bin\0container=oci\0KUBERNETES_SERVICE_HOST=10.0.0.1\0";
        char *root = new_tree("v2");
        struct fake fk = { .uid_map = "         0     100000      65536", .setgroups = "deny", .euid = geteuid(),
                           .cgroup_ns = true, .environ = env, .environ_len = sizeof env - 1 };
        struct env_info info;
        char *json;

        printf("# pure cgroup v2, delegated, user namespace\n");
        write_common(root, &fk);
        write_file(root, "/proc/self/mountinfo",
                   MI_BASE "30 23 0:25 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 "
                           "rw,nsdelegate,memory_recursiveprot\n");
        write_file(root, "/proc/self/cgroup", "0::/\n");
        write_cgroup_dir(root, "/sys/fs/cgroup", "cpuset cpu io memory hugetlb pids", "", true);

        CHECK_INT(env_detect(root, &info), 0);
        CHECK_INT(info.layout, ENV_LAYOUT_V2);
        CHECK_STR(info.unified_mount, "/sys/fs/cgroup");
        CHECK_STR(info.own_path, "/");
        CHECK_STR(info.own_dir, "/sys/fs/cgroup");
        CHECK_INT(info.userns, ENV_YES);
        CHECK_INT(info.n_uid_map, 1);
        CHECK_INT(info.uid_map[0].outside, 100000);
        CHECK_INT(info.root_is_host_root, ENV_NO);
        CHECK_STR(info.setgroups, "deny");
        CHECK_INT(info.cgroup_ns, ENV_YES);
        CHECK_INT(info.read_only, ENV_NO);
        CHECK_INT(info.nsdelegate, ENV_YES);
        CHECK_INT(info.hierarchy_root, ENV_NO);
        CHECK_INT(info.writable, ENV_YES);
        CHECK_INT(info.delegated, ENV_YES);
        CHECK_INT(info.owner_uid, geteuid());
        CHECK_STR(info.controllers_available, "cpuset cpu io memory hugetlb pids");
        CHECK_INT(info.feat_cgroup_kill, ENV_YES);
        CHECK_INT(info.feat_clone_into_cgroup, ENV_YES);
        CHECK_INT(info.feat_pidfd, ENV_YES);
        CHECK_INT(info.pid1, ENV_YES);
        CHECK_INT(info.cap_sys_admin, ENV_YES);
        CHECK(info.m_run.mounted);
        CHECK_STR(info.m_run.fstype, "tmpfs");
        CHECK(info.dev_console);
        CHECK_STR(info.container_manager, "oci");
        CHECK_STR(info.container_manager_source, "env");
        CHECK(info.kubernetes);
        CHECK_INT(info.plan, ENV_PLAN_HANDOFF_POSSIBLE);
        CHECK_INT(info.n_reasons, 0);
        CHECK_STR(info.systemd_binary, "/usr/lib/systemd/systemd");
        CHECK_INT(info.systemd_usable, ENV_YES);
        {
                /* A systemd that is not a program (a broken image): no hand-off. */
                char path[4096];
                struct env_info broken;
                snprintf(path, sizeof path, "%s/usr/lib/systemd/systemd", root);
                write_file(root, "/usr/lib/systemd/systemd", "%s", "not a program\n");
                chmod(path, 0755);
                CHECK_INT(env_detect(root, &broken), 0);
                CHECK_INT(broken.systemd_usable, ENV_NO);
                CHECK_INT(broken.plan, ENV_PLAN_MANAGE_DELEGATED);
                unlink(path);
                CHECK_INT(env_detect(root, &broken), 0);
                CHECK_STR(broken.systemd_binary, "");
                CHECK_INT(broken.plan, ENV_PLAN_MANAGE_DELEGATED);
                write_file(root, "/usr/lib/systemd/systemd", "%s", "\177ELF");
                chmod(path, 0755);
        }

        json = json_of(&info);
        CHECK(contains(json, "\"plan\":\"handoff-possible\""));
        CHECK(contains(json, "\"uid_map\":[[0,100000,65536]]"));
        CHECK(contains(json, "\"user_namespace\":{\"active\":true,"));
        CHECK(contains(json, "\"controllers_available\":[\"cpuset\",\"cpu\",\"io\",\"memory\",\"hugetlb\",\"pids\"]"));
        CHECK(contains(json, "\"controllers_enabled\":[]"));
        CHECK(contains(json, "\"delegated\":true"));
        CHECK(contains(json, "\"reasons\":[]"));
        CHECK(contains(json, "\"features\":{\"cgroup_kill\":true,\"clone_into_cgroup\":true,\"pidfd\":true}"));
        free(json);

        /* The same tree, but not PID 1 and without CAP_SYS_ADMIN and /run: manage, don't hand off. */
        rm_rf(root);
        free(root);
        root = new_tree("v2b");
        fk.nspid = "4711 17";
        fk.capeff = "0000000000000000";
        write_common(root, &fk);
        write_file(root, "/proc/self/mountinfo",
                   "21 1 0:20 / / rw - overlay overlay rw\n22 21 0:21 / /proc rw - proc proc rw\n"
                   "23 21 0:22 / /sys rw - sysfs sysfs rw\n24 21 0:6 / /dev rw - tmpfs tmpfs rw\n"
                   "25 24 0:23 / /dev/shm rw - tmpfs shm rw\n"
                   "30 23 0:25 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        write_file(root, "/proc/self/cgroup", "0::/\n");
        write_cgroup_dir(root, "/sys/fs/cgroup", "pids", "pids", true);
        CHECK_INT(env_detect(root, &info), 0);
        CHECK_INT(info.pid1, ENV_NO);
        CHECK_INT(info.pid, 17);
        CHECK_INT(info.cap_sys_admin, ENV_NO);
        CHECK(!info.m_run.mounted);
        CHECK_INT(info.plan, ENV_PLAN_MANAGE_DELEGATED);
        CHECK(has_reason(&info, "not PID 1 (pid 17"));
        CHECK(has_reason(&info, "/run is not a mount point and CAP_SYS_ADMIN is missing"));
        CHECK_INT(info.nsdelegate, ENV_NO);
        rm_rf(root);
        free(root);
}

static void test_hybrid(void) {
        char *root = new_tree("hybrid");
        struct fake fk = { .euid = geteuid(), .nspid = "4711" };
        struct env_info info;
        char *json;

        printf("# hybrid host, no namespaces: the hierarchy root is never delegated\n");
        write_common(root, &fk);
        write_file(root, "/.dockerenv", "%s", "");
        write_file(root, "/proc/self/mountinfo",
                   MI_BASE "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
                           "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
                           "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
                           "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
                           "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n");
        write_file(root, "/proc/self/cgroup", "4:memory:/\n1:cpu:/\n0::/\n");
        write_cgroup_dir(root, "/sys/fs/cgroup/unified", "hugetlb", "", false);

        CHECK_INT(env_detect(root, &info), 0);
        CHECK_INT(info.layout, ENV_LAYOUT_HYBRID);
        CHECK_STR(info.unified_mount, "/sys/fs/cgroup/unified");
        CHECK_INT(info.n_v1_mounts, 3);
        CHECK_INT(info.v1_read_only, ENV_NO);
        CHECK_INT(info.userns, ENV_NO);
        CHECK_INT(info.root_is_host_root, ENV_YES);
        CHECK_INT(info.cgroup_ns, ENV_NO);
        CHECK_INT(info.hierarchy_root, ENV_YES);
        CHECK_INT(info.delegated, ENV_NO);
        CHECK_STR(info.controllers_available, "hugetlb");
        /* No cgroup.kill in a root cgroup: derived from the kernel version instead. */
        CHECK_INT(info.feat_cgroup_kill, ENV_YES);
        CHECK_STR(info.container_manager, "docker");
        CHECK_INT(info.plan, ENV_PLAN_MANAGE_DEGRADED);
        CHECK(has_reason(&info, "is the root of the cgroup2 hierarchy (no cgroup namespace)"));
        CHECK(has_reason(&info, "hybrid cgroup layout: cgroup2 is at /sys/fs/cgroup/unified"));
        json = json_of(&info);
        CHECK(contains(json, "\"layout\":\"hybrid\",\"unified_mount\":\"/sys/fs/cgroup/unified\""));
        CHECK(contains(json, "\"user_namespace\":{\"active\":false,\"uid_map\":[[0,0,4294967295]]"));
        CHECK(contains(json, "\"container_manager\":\"docker\""));
        free(json);
        rm_rf(root);
        free(root);

        /* The same host seen by a machine's own PID 1 (no user namespace): it owns the root. */
        root = new_tree("hybrid-pid1");
        fk.nspid = "1";
        write_common(root, &fk);
        write_file(root, "/proc/self/mountinfo",
                   MI_BASE "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
                           "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
                           "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
        write_file(root, "/proc/self/cgroup", "1:cpu:/\n0::/\n");
        write_cgroup_dir(root, "/sys/fs/cgroup/unified", "hugetlb", "", false);
        CHECK_INT(env_detect(root, &info), 0);
        CHECK_INT(info.pid1, ENV_YES);
        CHECK_INT(info.hierarchy_root, ENV_YES);
        CHECK_INT(info.delegated, ENV_NO);
        CHECK_INT(info.plan, ENV_PLAN_MANAGE_DELEGATED);
        rm_rf(root);
        free(root);

        /* Issue 12: real root started as PID 1 of a new pid namespace without a cgroup namespace
         * (a privileged container sharing the host's cgroups, `unshare --pid --mount` on a host).
         * Its cgroup (the host's root, or a host session scope that root owns) is the host's: the
         * plan and the cgroup manager both refuse it, whoever owns the files. */
        for (int scope = 0; scope < 2; scope++) {
                struct cg_assessment a;
                const char *own = scope ? "/user.slice/session-3.scope" : "/";
                char line[256];

                root = new_tree(scope ? "host-scope-pidns" : "host-root-pidns");
                fk.nspid = "4711 1";
                write_common(root, &fk);
                write_file(root, "/proc/self/mountinfo",
                           MI_BASE "41 23 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
                snprintf(line, sizeof line, "0::%s\n", own);
                write_file(root, "/proc/self/cgroup", "%s", line);
                write_cgroup_dir(root, "/sys/fs/cgroup", "cpu memory pids", "cpu memory pids", false);
                if (scope)
                        write_cgroup_dir(root, "/sys/fs/cgroup/user.slice/session-3.scope", "cpu memory pids", "", true);
                CHECK_INT(env_detect(root, &info), 0);
                CHECK_INT(info.pid1, ENV_YES);
                CHECK_INT(info.pid_ns, ENV_YES);
                CHECK_INT(info.cgroup_ns, ENV_NO);
                CHECK_INT(info.userns, ENV_NO);
                CHECK(env_cgroup_is_hosts(&info));
                CHECK_INT(info.plan, ENV_PLAN_MANAGE_DEGRADED);
                CHECK(has_reason(&info, "is the host's (no cgroup namespace, no user namespace, not the machine's init)"));
                cg_assess(&info, &a);
                CHECK(!(a.caps & CG_CAP_TREE));
                CHECK(strstr(a.why, "is the host's") != NULL);
                rm_rf(root);
                free(root);
        }

        /* Hybrid, but in a cgroup namespace with a delegated cgroup2 subtree: sdinit can manage it. */
        root = new_tree("hybrid-ns");
        fk.cgroup_ns = true;
        fk.uid_map = "0 100000 65536";
        write_common(root, &fk);
        write_file(root, "/proc/self/mountinfo",
                   MI_BASE "31 23 0:28 / /sys/fs/cgroup ro - tmpfs tmpfs ro\n"
                           "32 31 0:29 /test /sys/fs/cgroup/cpu ro - cgroup cgroup ro,cpu\n"
                           "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
        write_file(root, "/proc/self/cgroup", "1:cpu:/\n0::/\n");
        write_cgroup_dir(root, "/sys/fs/cgroup/unified", "hugetlb", "", true);
        CHECK_INT(env_detect(root, &info), 0);
        CHECK_INT(info.layout, ENV_LAYOUT_HYBRID);
        CHECK_INT(info.v1_read_only, ENV_YES);
        CHECK_INT(info.delegated, ENV_YES);
        CHECK_INT(info.plan, ENV_PLAN_MANAGE_DELEGATED);
        CHECK(has_reason(&info, "hybrid cgroup layout"));
        rm_rf(root);
        free(root);
}

static void test_v1_only(void) {
        char *root = new_tree("v1");
        struct fake fk = { .uid_map = "0 100000 65536", .euid = 0, .cgroup_ns = true };
        struct env_info info;

        printf("# v1 only, read-only (runc with a user namespace on a hybrid host)\n");
        write_common(root, &fk);
        write_file(root, "/proc/self/mountinfo",
                   MI_BASE "31 23 0:28 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
                           "32 31 0:29 / /sys/fs/cgroup/cpu ro,nosuid - cgroup cgroup rw,cpu\n"
                           "33 31 0:30 / /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n"
                           "34 31 0:31 / /sys/fs/cgroup/pids ro,nosuid - cgroup cgroup rw,pids\n");
        write_file(root, "/proc/self/cgroup", "3:pids:/\n2:memory:/\n1:cpu:/\n0::/\n");

        CHECK_INT(env_detect(root, &info), 0);
        CHECK_INT(info.layout, ENV_LAYOUT_V1);
        CHECK_INT(info.n_v1_mounts, 3);
        CHECK_INT(info.v1_read_only, ENV_YES);
        CHECK_STR(info.unified_mount, "");
        CHECK_STR(info.own_path, "/");
        CHECK_STR(info.own_dir, "");
        CHECK_INT(info.delegated, ENV_UNKNOWN);
        CHECK_INT(info.plan, ENV_PLAN_MANAGE_DEGRADED);
        CHECK(has_reason(&info, "only cgroup v1 is mounted (3 hierarchies, read-only)"));
        rm_rf(root);
        free(root);

        printf("# no cgroup file system at all\n");
        root = new_tree("none");
        write_common(root, &fk);
        write_file(root, "/proc/self/mountinfo", MI_BASE);
        write_file(root, "/proc/self/cgroup", "0::/\n");
        CHECK_INT(env_detect(root, &info), 0);
        CHECK_INT(info.layout, ENV_LAYOUT_NONE);
        CHECK(has_reason(&info, "no cgroup file system is mounted"));
        CHECK_INT(info.plan, ENV_PLAN_MANAGE_DEGRADED);
        rm_rf(root);
        free(root);
}

static void test_read_only(void) {
        char *root = new_tree("ro");
        struct fake fk = { .uid_map = "0 100000 65536", .euid = geteuid(), .cgroup_ns = true };
        struct env_info info;
        char *json;

        printf("# cgroup2 mounted read-only\n");
        write_common(root, &fk);
        write_file(root, "/proc/self/mountinfo",
                   MI_BASE "30 23 0:25 / /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw\n");
        write_file(root, "/proc/self/cgroup", "0::/\n");
        write_cgroup_dir(root, "/sys/fs/cgroup", "hugetlb", "", true);

        CHECK_INT(env_detect(root, &info), 0);
        CHECK_INT(info.layout, ENV_LAYOUT_V2);
        CHECK_INT(info.read_only, ENV_YES);
        CHECK_INT(info.writable, ENV_NO);
        CHECK_INT(info.delegated, ENV_NO);
        CHECK_INT(info.plan, ENV_PLAN_MANAGE_DEGRADED);
        CHECK(has_reason(&info, "cgroup2 is mounted read-only at /sys/fs/cgroup"));
        json = json_of(&info);
        CHECK(contains(json, "\"read_only\":true"));
        CHECK(contains(json, "\"plan\":\"manage-degraded\""));
        CHECK(contains(json, "\"reasons\":[\"cgroup2 is mounted read-only at /sys/fs/cgroup\""));
        free(json);
        rm_rf(root);
        free(root);
}

static void test_not_delegated(void) {
        char *root = new_tree("nodeleg");
        struct fake fk = { .uid_map = "0 100000 65536", .euid = geteuid(), .cgroup_ns = true };
        struct env_info info;
        char path[4096];
        char *json;

        printf("# cgroup2 not delegated: owned by nobody (65534)\n");
        if (geteuid() != 0) {
                /* Without chown, simulate "someone else" by claiming a different euid. */
                printf("# not root: checking the generic owner mismatch instead of 65534\n");
                fk.euid = geteuid() + 1;
        }
        write_common(root, &fk);
        write_file(root, "/proc/self/mountinfo", MI_BASE "30 23 0:25 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        write_file(root, "/proc/self/cgroup", "0::/\n");
        write_cgroup_dir(root, "/sys/fs/cgroup", "hugetlb", "", true);
        if (geteuid() == 0) {
                static const char *const files[] = { "", "/cgroup.procs", "/cgroup.subtree_control",
                                                     "/cgroup.controllers", "/cgroup.events", "/cgroup.kill" };

                for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
                        snprintf(path, sizeof path, "%s/sys/fs/cgroup%s", root, files[i]);
                        CHECK_INT(chown(path, 65534, 65534), 0);
                }
        }

        CHECK_INT(env_detect(root, &info), 0);
        CHECK_INT(info.delegated, ENV_NO);
        CHECK_INT(info.plan, ENV_PLAN_MANAGE_DEGRADED);
        if (geteuid() == 0) {
                CHECK_INT(info.owner_uid, 65534);
                CHECK(has_reason(&info, "cgroup / is owned by uid 65534 (nobody): not delegated"));
                json = json_of(&info);
                CHECK(contains(json, "\"owner_uid\":65534,\"owner_is_nobody\":true"));
                free(json);
        } else {
                CHECK_INT(info.owner_uid, geteuid());
                CHECK(has_reason(&info, "not by us"));
        }
        rm_rf(root);
        free(root);
}

static void test_shadowed_and_subpath(void) {
        char *root = new_tree("shadow");
        struct fake fk = { .uid_map = "0 100000 65536", .euid = geteuid(), .cgroup_ns = true };
        struct env_info info;

        printf("# cgroup2 mounted over a hybrid /sys/fs/cgroup: the v1 mounts below are hidden\n");
        write_common(root, &fk);
        write_file(root, "/proc/self/mountinfo",
                   MI_BASE "31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
                           "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
                           "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
                           "50 31 0:38 / /sys/fs/cgroup rw,relatime - cgroup2 none rw\n");
        write_file(root, "/proc/self/cgroup", "0::/\n");
        write_cgroup_dir(root, "/sys/fs/cgroup", "hugetlb", "", true);
        CHECK_INT(env_detect(root, &info), 0);
        CHECK_INT(info.layout, ENV_LAYOUT_V2);
        CHECK_INT(info.n_v1_mounts, 0);
        CHECK_STR(info.unified_mount, "/sys/fs/cgroup");
        CHECK_INT(info.delegated, ENV_YES);
        rm_rf(root);
        free(root);

        printf("# cgroup2 mount root is a subtree (no cgroup namespace, bind-mounted cgroup)\n");
        root = new_tree("subpath");
        fk.cgroup_ns = false;
        write_common(root, &fk);
        write_file(root, "/proc/self/mountinfo",
                   MI_BASE "30 23 0:25 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        write_file(root, "/proc/self/cgroup", "0::/kubepods/pod1/ctr\n");
        write_cgroup_dir(root, "/sys/fs/cgroup/ctr", "memory", "", true);
        CHECK_INT(env_detect(root, &info), 0);
        CHECK_STR(info.own_path, "/kubepods/pod1/ctr");
        CHECK_STR(info.own_dir, "/sys/fs/cgroup/ctr");
        CHECK_INT(info.cgroup_ns, ENV_NO);
        CHECK_STR(info.controllers_available, "memory");
        CHECK_INT(info.delegated, ENV_YES);
        rm_rf(root);
        free(root);

        printf("# own cgroup outside the cgroup namespace root\n");
        root = new_tree("outside");
        fk.cgroup_ns = true;
        write_common(root, &fk);
        write_file(root, "/proc/self/mountinfo", MI_BASE "30 23 0:25 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        write_file(root, "/proc/self/cgroup", "0::/../../elsewhere\n");
        CHECK_INT(env_detect(root, &info), 0);
        CHECK_STR(info.own_dir, "");
        CHECK_INT(info.plan, ENV_PLAN_MANAGE_DEGRADED);
        CHECK(has_reason(&info, "is not visible in the cgroup2 mount"));
        rm_rf(root);
        free(root);
}

static void test_container_files(void) {
        char *root = new_tree("podman");
        struct fake fk = { .euid = geteuid() };
        struct env_info info;

        printf("# podman's /run/.containerenv wins over /.dockerenv; missing /proc files are unknown\n");
        write_file(root, "/run/.containerenv", "engine=\"podman-4.3\"\n");
        write_file(root, "/.dockerenv", "%s", "");
        write_file(root, "/proc/sys/kernel/osrelease", "5.4.0\n");
        CHECK_INT(env_detect(root, &info), 0);
        CHECK_STR(info.container_manager, "podman");
        CHECK_STR(info.container_manager_source, "containerenv");
        CHECK_INT(info.userns, ENV_UNKNOWN);
        CHECK_INT(info.pid1, ENV_UNKNOWN);
        CHECK_INT(info.cgroup_ns, ENV_UNKNOWN);
        CHECK_INT(info.layout, ENV_LAYOUT_NONE);
        CHECK_INT(info.feat_clone_into_cgroup, ENV_NO); /* 5.4 < 5.7 */
        CHECK_INT(info.feat_pidfd, ENV_YES);            /* 5.4 >= 5.3 */
        CHECK_INT(info.feat_cgroup_kill, ENV_NO);       /* 5.4 < 5.14 */
        CHECK(!info.dev_console);
        CHECK(has_reason(&info, "/dev/console is missing"));
        CHECK(has_reason(&info, "cannot tell whether we are PID 1"));
        (void) fk;
        rm_rf(root);
        free(root);
}

static void test_mountinfo(void) {
        struct mountinfo mi;

        printf("# mountinfo parsing: escapes, optional fields, malformed lines\n");
        CHECK_INT(mountinfo_parse("36 35 98:0 /mnt\\0401 /a\\040b rw,noatime master:1 shared:2 - ext3 /dev/root "
                                  "rw,errors=continue\ngarbage line\n37 36 0:5 / /a\\040b/c ro - tmpfs x ro\n",
                                  &mi),
                  0);
        CHECK_INT(mi.n, 2);
        if (mi.n == 2) {
                CHECK_STR(mi.entries[0].mountpoint, "/a b");
                CHECK_STR(mi.entries[0].root, "/mnt 1");
                CHECK_STR(mi.entries[0].fstype, "ext3");
                CHECK_STR(mi.entries[0].super_options, "rw,errors=continue");
                CHECK_INT(mi.entries[1].parent_id, 36);
                CHECK(mountinfo_visible(&mi, 0));
                CHECK(mountinfo_visible(&mi, 1));
                CHECK_INT(mountinfo_find_visible(&mi, "/a b/c"), 1);
        }
        mountinfo_free(&mi);
        CHECK(mount_option_has("rw,nsdelegate,memory_recursiveprot", "nsdelegate"));
        CHECK(!mount_option_has("rw,nsdelegatex", "nsdelegate"));
        CHECK(mount_option_has("ro", "ro"));
        CHECK(!mount_option_has("", "ro"));
}

static void test_json_escaping(void) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        struct json_writer w;

        printf("# JSON string escaping and structure\n");
        if (!f) {
                CHECK(f != NULL);
                return;
        }
        json_writer_init(&w, f);
        json_begin_object(&w, NULL);
        json_string(&w, "s", "a\"b\\c\n\x01\xc3\xa9\xff/");
        json_begin_array(&w, "l");
        json_int(&w, NULL, -3);
        json_bool(&w, NULL, false);
        json_null(&w, NULL);
        json_end_array(&w);
        json_end_object(&w);
        CHECK_INT(json_writer_finish(&w), 0);
        fclose(f);
        CHECK_STR(buf, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\\ufffd/\",\"l\":[-3,false,null]}\n");
        free(buf);

        f = open_memstream(&buf, &len);
        if (!f)
                return;
        json_writer_init(&w, f);
        json_begin_object(&w, NULL);
        CHECK_INT(json_writer_finish(&w), -EINVAL); /* unbalanced */
        fclose(f);
        free(buf);
}

static void test_errors_and_probe(void) {
        char *root = new_tree("probe");
        char path[4096];
        struct env_info info;
        struct stat st;

        printf("# argument errors and cgroup_probe_writable on a plain directory\n");
        CHECK_INT(env_detect(NULL, &info), -EINVAL);
        CHECK_INT(env_detect("", &info), -EINVAL);
        CHECK_INT(env_detect("/nonexistent/sdinit-test", &info), -ENOENT);
        write_file(root, "/file", "x");
        snprintf(path, sizeof path, "%s/file", root);
        CHECK_INT(env_detect(path, &info), -ENOTDIR);

        CHECK_INT(cgroup_probe_writable(root), 0);
        snprintf(path, sizeof path, "%s/sdinit-probe-%d-0", root, (int) getpid());
        CHECK(stat(path, &st) < 0 && errno == ENOENT); /* removed again */
        snprintf(path, sizeof path, "%s/missing", root);
        CHECK_INT(cgroup_probe_writable(path), -ENOENT);
        CHECK_INT(cgroup_probe_writable(""), -EINVAL);
        rm_rf(root);
        free(root);
}

int main(void) {
        test_v2_delegated();
        test_hybrid();
        test_v1_only();
        test_read_only();
        test_not_delegated();
        test_shadowed_and_subpath();
        test_container_files();
        test_mountinfo();
        test_json_escaping();
        test_errors_and_probe();
        return tap_done();
}
