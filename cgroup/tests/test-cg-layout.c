/* SPDX-License-Identifier: MIT */
/* Unit tests (TAP) for the pure parts of the cgroup mechanisms: systemd's cgroup layout and
 * escaping, CPUQuota conversion, limit formatting, capability assessment and the warning line. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/delegate.h"
#include "cg-internal.h"
#include "cg-manager.h"
#include "env.h"
#include "tests/tap.h"

static const char *upath(const char *unit, const char *slice) {
        static char buf[CG_PATH_MAX];
        int r = cg_unit_path(unit, slice, buf, sizeof buf);
        if (r < 0)
                snprintf(buf, sizeof buf, "error %d", r);
        return buf;
}

static void test_unit_path(void) {
        CHECK_STR(upath("foo.service", NULL), "system.slice/foo.service");
        CHECK_STR(upath("foo@bar.service", NULL), "system.slice/system-foo.slice/foo@bar.service");
        CHECK_STR(upath("postgresql@15-main.service", NULL),
                  "system.slice/system-postgresql.slice/postgresql@15-main.service");
        /* A '-' in the template prefix must not create a level: it is escaped. */
        CHECK_STR(upath("foo-bar@baz.service", NULL),
                  "system.slice/system-foo\\x2dbar.slice/foo-bar@baz.service");
        CHECK_STR(upath("getty@tty1.service", ""), "system.slice/system-getty.slice/getty@tty1.service");
        CHECK_STR(upath("ssh.socket", NULL), "system.slice/ssh.socket");
        CHECK_STR(upath("init.scope", NULL), "init.scope");

        /* Slice= */
        CHECK_STR(upath("x.service", "a-b-c.slice"), "a.slice/a-b.slice/a-b-c.slice/x.service");
        CHECK_STR(upath("x.service", "a-b.slice"), "a.slice/a-b.slice/x.service");
        CHECK_STR(upath("x.service", "system.slice"), "system.slice/x.service");
        CHECK_STR(upath("x.service", "-.slice"), "x.service");
        CHECK_STR(upath("foo@bar.service", "machine.slice"), "machine.slice/foo@bar.service");
        CHECK_STR(upath("x.service", "a.service"), "error -22");
        CHECK_STR(upath("x.service", "-a.slice"), "error -22");
        CHECK_STR(upath("x.service", "a-.slice"), "error -22");
        CHECK_STR(upath("x.service", "a--b.slice"), "error -22");
        CHECK_STR(upath("x.service", "a@b.slice"), "error -22");

        /* Slices are where their name says. */
        CHECK_STR(upath("a-b.slice", NULL), "a.slice/a-b.slice");
        CHECK_STR(upath("system.slice", NULL), "system.slice");
        CHECK_STR(upath("-.slice", NULL), "");

        /* Invalid unit names. */
        CHECK_STR(upath("foo@.service", NULL), "error -22");
        CHECK_STR(upath("foo", NULL), "error -22");
        CHECK_STR(upath("@x.service", NULL), "error -22");
        CHECK_STR(upath("a b.service", NULL), "error -22");
        CHECK_STR(upath("a/b.service", NULL), "error -22");
        CHECK_STR(upath("a@b@c.service", NULL), "error -22");
        CHECK_STR(upath(".service", NULL), "error -22");
        {
                char longname[300];
                memset(longname, 'a', sizeof longname);
                strcpy(longname + 250, ".service");
                CHECK_STR(upath(longname, NULL), "error -22");
        }
        {
                char small[10];
                CHECK_INT(cg_unit_path("foo.service", NULL, small, sizeof small), -ENAMETOOLONG);
                CHECK_STR(small, "");
        }

        /* cgroup escaping of kernel-looking names. */
        CHECK_STR(upath("cpu.service", NULL), "system.slice/_cpu.service");
        CHECK_STR(upath("memory.service", NULL), "system.slice/_memory.service");
        CHECK_STR(upath("cpux.service", NULL), "system.slice/cpux.service");
        CHECK_STR(upath("cgroup.service", NULL), "system.slice/_cgroup.service");
        CHECK_STR(upath("_x.service", NULL), "system.slice/__x.service");
        CHECK_STR(upath("x.service", "cpu.slice"), "_cpu.slice/x.service");
        CHECK_STR(upath("x.service", "io-a.slice"), "_io.slice/io-a.slice/x.service");
}

static void test_escape(void) {
        char buf[128];

        CHECK_INT(cg_unit_name_escape("a-b/c d", buf, sizeof buf), 13);
        CHECK_STR(buf, "a\\x2db-c\\x20d");
        cg_unit_name_escape(".hidden", buf, sizeof buf);
        CHECK_STR(buf, "\\x2ehidden");
        cg_unit_name_escape("a.b:c_d", buf, sizeof buf);
        CHECK_STR(buf, "a.b:c_d");
        cg_unit_name_escape("back\\slash", buf, sizeof buf);
        CHECK_STR(buf, "back\\x5cslash");
        CHECK_INT(cg_unit_name_escape("a-b", buf, 4), -ENAMETOOLONG);

        CHECK_INT(cg_escape_name("foo.service", buf, sizeof buf), 11);
        CHECK_STR(buf, "foo.service");
        cg_escape_name("pids.slice", buf, sizeof buf);
        CHECK_STR(buf, "_pids.slice");
        cg_escape_name("tasks", buf, sizeof buf);
        CHECK_STR(buf, "_tasks");
        cg_escape_name(".x", buf, sizeof buf);
        CHECK_STR(buf, "_.x");
        CHECK_INT(cg_escape_name("a/b", buf, sizeof buf), -EINVAL);
        CHECK_INT(cg_escape_name("..", buf, sizeof buf), -EINVAL);

        CHECK_INT(cg_slice_path("a-b-c.slice", buf, sizeof buf), (int) strlen("a.slice/a-b.slice/a-b-c.slice"));
        CHECK_STR(buf, "a.slice/a-b.slice/a-b-c.slice");
        CHECK_INT(cg_slice_path("-.slice", buf, sizeof buf), 0);
        CHECK_STR(buf, "");
        cg_unit_default_slice("foo@bar.service", buf, sizeof buf);
        CHECK_STR(buf, "system-foo.slice");
        cg_unit_default_slice("a-b.slice", buf, sizeof buf);
        CHECK_STR(buf, "-.slice");
}

static void test_rel_paths(void) {
        CHECK_INT(cg_check_rel(""), 0);
        CHECK_INT(cg_check_rel("system.slice/foo.service"), 0);
        CHECK_INT(cg_check_rel("/abs"), -EINVAL);
        CHECK_INT(cg_check_rel("a/../b"), -EINVAL);
        CHECK_INT(cg_check_rel(".."), -EINVAL);
        CHECK_INT(cg_check_rel("a//b"), -EINVAL);
        CHECK_INT(cg_check_rel("a/"), -EINVAL);
        CHECK_INT(cg_check_rel("./a"), -EINVAL);
        CHECK_INT(cg_check_rel("..a/b"), 0);
}

static const char *cpumax(uint64_t q, uint64_t p) {
        static char buf[64];
        int r = cg_cpu_max_format(q, p, buf, sizeof buf);
        if (r < 0)
                snprintf(buf, sizeof buf, "error %d", r);
        return buf;
}

static void test_cpu_quota(void) {
        CHECK_INT(cg_cpu_quota_from_percent(50), 500000);
        CHECK_STR(cpumax(cg_cpu_quota_from_percent(50), CG_UNSET), "50000 100000");
        CHECK_STR(cpumax(cg_cpu_quota_from_percent(200), CG_UNSET), "200000 100000");
        CHECK_STR(cpumax(cg_cpu_quota_from_percent(1), CG_UNSET), "1000 100000");
        CHECK_STR(cpumax(5000, CG_UNSET), "1000 100000"); /* 0.5%: the kernel's 1 ms minimum */
        CHECK_STR(cpumax(cg_cpu_quota_from_percent(50), 10000), "5000 10000");
        CHECK_STR(cpumax(cg_cpu_quota_from_percent(50), 2000000), "500000 1000000");
        CHECK_STR(cpumax(cg_cpu_quota_from_percent(50), 10), "1000 1000");
        CHECK_STR(cpumax(CG_INFINITY, CG_UNSET), "max 100000");
        CHECK_STR(cpumax(CG_INFINITY, 50000), "max 50000");
        CHECK_STR(cpumax(cg_cpu_quota_from_percent(100000), CG_UNSET), "100000000 100000");
        CHECK_STR(cpumax(CG_UNSET, CG_UNSET), "error -22");
}

static const char *item(const struct cg_limits_result *r, const char *file) {
        for (size_t i = 0; i < r->n; i++)
                if (strcmp(r->items[i].file, file) == 0)
                        return r->items[i].value;
        return "(absent)";
}

static void test_limits(void) {
        struct cg_limits l;
        struct cg_limits_result r;
        const struct cg_attr extra[] = { { "hugetlb.2MB.max", "4194304" } };

        cg_limits_init(&l);
        CHECK_INT(cg_limits_format(&l, 32768, &r), 0);

        l.memory_max = 1ULL << 30;
        l.memory_high = CG_INFINITY;
        l.memory_swap_max = 0;
        l.memory_low = 4096;
        l.memory_min = 8192;
        l.cpu_weight = 100;
        l.cpu_quota_usec = cg_cpu_quota_from_percent(50);
        l.allowed_cpus = "0-1";
        l.tasks_max_permyriad = 1500; /* 15% */
        l.io_weight = 200;
        l.oom_group = 1;
        l.extra = extra;
        l.n_extra = 1;
        CHECK_INT(cg_limits_format(&l, 32768, &r), 12);
        CHECK_STR(r.items[0].file, "memory.min"); /* protections first */
        CHECK_STR(item(&r, "memory.min"), "8192");
        CHECK_STR(item(&r, "memory.low"), "4096");
        CHECK_STR(item(&r, "memory.high"), "max");
        CHECK_STR(item(&r, "memory.max"), "1073741824");
        CHECK_STR(item(&r, "memory.swap.max"), "0");
        CHECK_STR(item(&r, "memory.oom.group"), "1");
        CHECK_STR(item(&r, "cpu.weight"), "100");
        CHECK_STR(item(&r, "cpu.max"), "50000 100000");
        CHECK_STR(item(&r, "cpuset.cpus"), "0-1");
        CHECK_STR(item(&r, "cpuset.mems"), "(absent)");
        CHECK_STR(item(&r, "pids.max"), "4915");
        CHECK_STR(item(&r, "io.weight"), "default 200");
        CHECK_STR(item(&r, "hugetlb.2MB.max"), "4194304");

        cg_limits_init(&l);
        l.tasks_max = 100;
        CHECK_INT(cg_limits_format(&l, 32768, &r), 1);
        CHECK_STR(item(&r, "pids.max"), "100");
        l.tasks_max = CG_INFINITY;
        cg_limits_format(&l, 32768, &r);
        CHECK_STR(item(&r, "pids.max"), "max");
        l.tasks_max_permyriad = 10000;
        cg_limits_format(&l, 4194304, &r);
        CHECK_STR(item(&r, "pids.max"), "4194304");
        l.tasks_max_permyriad = 10001;
        CHECK_INT(cg_limits_format(&l, 32768, &r), -EINVAL);

        cg_limits_init(&l);
        l.cpu_weight = 0;
        CHECK_INT(cg_limits_format(&l, 32768, &r), -EINVAL);
        l.cpu_weight = 10001;
        CHECK_INT(cg_limits_format(&l, 32768, &r), -EINVAL);
        cg_limits_init(&l);
        l.io_weight = 10000;
        CHECK_INT(cg_limits_format(&l, 32768, &r), 1);
        CHECK_STR(item(&r, "io.weight"), "default 10000");
        l.oom_group = 0;
        cg_limits_format(&l, 32768, &r);
        CHECK_STR(item(&r, "memory.oom.group"), "0");
        cg_limits_init(&l);
        const struct cg_attr bad[] = { { "../x", "1" } };
        l.extra = bad;
        l.n_extra = 1;
        CHECK_INT(cg_limits_format(&l, 32768, &r), -EINVAL);
}

static void fake_env(struct env_info *e) {
        memset(e, 0, sizeof *e);
        e->layout = ENV_LAYOUT_V2;
        e->euid = 0;
        e->userns = ENV_YES;
        snprintf(e->unified_mount, sizeof e->unified_mount, "/sys/fs/cgroup");
        snprintf(e->own_path, sizeof e->own_path, "/");
        snprintf(e->own_dir, sizeof e->own_dir, "/sys/fs/cgroup");
        e->read_only = ENV_NO;
        e->hierarchy_root = ENV_NO;
        e->writable = ENV_YES;
        e->delegated = ENV_YES;
        e->owner_uid = 0;
        snprintf(e->controllers_available, sizeof e->controllers_available, "cpuset cpu io memory hugetlb pids rdma misc");
        e->feat_cgroup_kill = ENV_YES;
        e->feat_clone_into_cgroup = ENV_YES;
        e->feat_pidfd = ENV_YES;
        snprintf(e->kernel_release, sizeof e->kernel_release, "6.1.0-13-amd64");
}

static void test_assess(void) {
        struct env_info e;
        struct cg_assessment a;

        CHECK_INT(cg_controller_mask("cpu io memory hugetlb bogus"),
                  CG_CTRL_CPU | CG_CTRL_IO | CG_CTRL_MEMORY | CG_CTRL_HUGETLB);
        CHECK_STR(cg_controller_name(CG_CTRL_PIDS), "pids");

        fake_env(&e);
        cg_assess(&e, &a);
        CHECK_INT(a.caps, CG_CAP_TREE | CG_CAP_KILL | CG_CAP_FREEZE | CG_CAP_CLONE_INTO | CG_CAP_PIDFD);
        CHECK_STR(a.warning, ""); /* everything there: nothing to warn about */
        CHECK_STR(a.why, "");

        /* This host: delegated cgroup2 with only hugetlb. */
        snprintf(e.controllers_available, sizeof e.controllers_available, "hugetlb");
        cg_assess(&e, &a);
        CHECK(a.caps & CG_CAP_TREE);
        CHECK_INT(a.controllers, CG_CTRL_HUGETLB);
        CHECK_STR(a.warning, "cgroup controllers cpu, cpuset, io, memory, pids not available: no "
                             "CPUWeight/CPUQuota, AllowedCPUs, IOWeight, Memory*/OOMPolicy, TasksMax limits");

        /* Not delegated: the line the issue asks for. */
        fake_env(&e);
        e.delegated = ENV_NO;
        e.writable = ENV_NO;
        e.owner_uid = 65534;
        cg_assess(&e, &a);
        CHECK_INT(a.caps, CG_CAP_PIDFD);
        CHECK_STR(a.warning, "cgroup v2 not delegated (owner uid 65534): no resource limits, no cgroup kill; "
                             "processes are tracked by pidfd and process group");
        e.feat_pidfd = ENV_NO;
        cg_assess(&e, &a);
        CHECK_STR(a.warning, "cgroup v2 not delegated (owner uid 65534): no resource limits, no cgroup kill; "
                             "processes are tracked by process group");

        fake_env(&e);
        e.read_only = ENV_YES;
        e.delegated = ENV_NO;
        cg_assess(&e, &a);
        CHECK(!(a.caps & CG_CAP_TREE));
        CHECK_STR(a.why, "cgroup v2 mounted read-only");

        fake_env(&e);
        e.layout = ENV_LAYOUT_V1;
        e.unified_mount[0] = 0;
        cg_assess(&e, &a);
        CHECK_STR(a.warning, "cgroup v1 only (no cgroup v2 mount): no resource limits, no cgroup kill; "
                             "processes are tracked by pidfd and process group");

        fake_env(&e);
        e.hierarchy_root = ENV_YES;
        e.delegated = ENV_NO;
        cg_assess(&e, &a);
        CHECK(!(a.caps & CG_CAP_TREE));
        CHECK(strstr(a.why, "hierarchy root") != NULL);
        e.userns = ENV_NO; /* a machine's own init */
        cg_assess(&e, &a);
        CHECK(a.caps & CG_CAP_TREE);

        /* Old kernel: no cgroup.kill, no clone3 into cgroup, freezer there. */
        fake_env(&e);
        e.feat_cgroup_kill = ENV_NO;
        e.feat_clone_into_cgroup = ENV_NO;
        snprintf(e.kernel_release, sizeof e.kernel_release, "5.4.0");
        cg_assess(&e, &a);
        CHECK_INT(a.caps, CG_CAP_TREE | CG_CAP_FREEZE | CG_CAP_PIDFD);
        CHECK_STR(a.warning, "no cgroup.kill: cgroups are killed by freezing and killing each process; "
                             "no clone3(CLONE_INTO_CGROUP): services join their cgroup before exec");

        cg_assess(NULL, &a);
        CHECK_INT(a.caps, 0);
}

static void test_explain(void) {
        CHECK(strstr(cg_explain(-EBUSY, CG_OP_ENABLE), "internal processes") != NULL);
        CHECK(strstr(cg_explain(ENOENT, CG_OP_ENABLE), "not available") != NULL);
        CHECK(strstr(cg_explain(EINVAL, CG_OP_ENABLE), "not available") != NULL);
        CHECK(strstr(cg_explain(EACCES, CG_OP_MKDIR), "not delegated") != NULL);
        CHECK(strstr(cg_explain(EROFS, CG_OP_MKDIR), "read-only") != NULL);
        CHECK_STR(cg_errno_name(-EROFS), "EROFS");
        CHECK_STR(cg_errno_name(EACCES), "EACCES");
}

static void test_keyed(void) {
        unsigned long long v = 0;
        CHECK_INT(cg_keyed_u64("populated 1\nfrozen 0\n", "frozen", &v), 0);
        CHECK_INT(v, 0);
        CHECK_INT(cg_keyed_u64("populated 1\nfrozen 0\n", "populated", &v), 0);
        CHECK_INT(v, 1);
        CHECK_INT(cg_keyed_u64("oom 2\noom_kill 3\n", "oom_kill", &v), 0);
        CHECK_INT(v, 3);
        CHECK_INT(cg_keyed_u64("oom_kill 3\n", "oom", &v), -ENOENT);
        pid_t *pids = NULL;
        CHECK_INT(cg_parse_pids("1\n23\n456\n", &pids), 3);
        CHECK(pids && pids[0] == 1 && pids[2] == 456);
        free(pids);
        CHECK_INT(cg_parse_pids("1\nx\n", &pids), -EBADMSG);
}

/* DefaultTasksMax='s base: the root cgroup's pids.max when it is the least, read once (a later
 * change is seen after tasks_max_base is reset, as a daemon-reload does), "max" and 0 left out. */
static void test_system_tasks_max(void) {
        char dir[] = "/var/tmp/sdinit-tasksmax-XXXXXX", file[sizeof(dir) + 16];
        struct cg_manager m;
        FILE *f;
        const char *made = mkdtemp(dir);

        CHECK(made != NULL);
        if (!made)
                return;
        memset(&m, 0, sizeof(m));
        snprintf(m.own_dir, sizeof(m.own_dir), "%s", dir);
        snprintf(file, sizeof(file), "%s/pids.max", dir);
#define WRITE(v) ((f = fopen(file, "we")) && fputs(v, f) >= 0 && fclose(f) == 0)
        CHECK(WRITE("77\n"));
        CHECK_INT((int) cg_system_tasks_max(&m), 77);
        CHECK(WRITE("55\n"));
        CHECK_INT((int) cg_system_tasks_max(&m), 77); /* kept: not read at every start */
        m.tasks_max_base = 0;
        CHECK_INT((int) cg_system_tasks_max(&m), 55);
        CHECK(WRITE("max\n"));
        m.tasks_max_base = 0;
        CHECK(cg_system_tasks_max(&m) > 55 && cg_system_tasks_max(&m) <= 4194303);
        CHECK(WRITE("0\n"));
        m.tasks_max_base = 0;
        CHECK(cg_system_tasks_max(&m) > 55);
#undef WRITE
        unlink(file);
        rmdir(dir);
}

/* Delegate= folded as systemd 252's config_parse_delegate() (the values measured with systemctl
 * show under systemd: tests/integration/test_delegate_oracle.py). */
static void test_delegate_parse(void) {
        char *yes[] = { "yes", NULL }, *no[] = { "yes", "no", NULL }, *list[] = { "pids memory", "cpuacct bogus", NULL };
        char *empty[] = { "cpu", "", NULL }, *after_no[] = { "no", "'io'", NULL }, *yes_list[] = { "on", "devices", NULL };
        char buf[64];
        uint32_t m = 1;

        CHECK_INT(delegate_parse(NULL, &m), 0);
        CHECK_INT((int) m, 0);
        CHECK_INT(delegate_parse(yes, &m), 1);
        CHECK_INT((int) m, DELEGATE_V2);
        CHECK_INT(delegate_parse(no, &m), 0);
        CHECK_INT((int) m, 0);
        CHECK_INT(delegate_parse(list, &m), 1);
        CHECK_INT((int) m, DELEGATE_PIDS | DELEGATE_MEMORY | DELEGATE_CPUACCT);
        delegate_v2_controllers(m, buf, sizeof buf);
        CHECK_STR(buf, "cpu memory pids"); /* cpuacct means cpu on cgroup v2 */
        CHECK_INT(delegate_parse(empty, &m), 1);
        CHECK_INT((int) m, 0);
        CHECK_INT(delegate_parse(after_no, &m), 1);
        CHECK_INT((int) m, DELEGATE_IO);
        CHECK_INT(delegate_parse(yes_list, &m), 1);
        CHECK_INT((int) m, DELEGATE_V2 | DELEGATE_DEVICES);
        delegate_v2_controllers(m, buf, sizeof buf);
        CHECK_STR(buf, "cpu cpuset io memory pids");
        CHECK_STR(delegate_controller_name(12), "bpf-restrict-network-interfaces");
        CHECK(delegate_controller_name(13) == NULL);
}

int main(void) {
        test_delegate_parse();
        test_unit_path();
        test_escape();
        test_rel_paths();
        test_cpu_quota();
        test_limits();
        test_assess();
        test_explain();
        test_keyed();
        test_system_tasks_max();
        return tap_done();
}
