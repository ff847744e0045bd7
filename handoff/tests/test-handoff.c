/* SPDX-License-Identifier: MIT */
/* Unit tests for the hand-off's pure parts: checks and decision, mode, version parsing, argument
 * translation, environment filtering, the skip list, and the binary search in a fake tree. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup/env.h"
#include "common/strv.h"
#include "handoff/handoff.h"
#include "tests/tap.h"

#define BIT(c) (1u << (c))

static void good_env(struct env_info *i) {
        memset(i, 0, sizeof *i);
        i->pid1 = ENV_YES;
        i->pid = 1;
        i->euid = 0;
        i->cap_sys_admin = ENV_YES;
        i->userns = ENV_YES;
        i->overflow_uid = 65534;
        i->layout = ENV_LAYOUT_V2;
        i->cgroup_ns = ENV_YES;
        strcpy(i->unified_mount, "/sys/fs/cgroup");
        strcpy(i->unified_mount_root, "/");
        strcpy(i->own_path, "/");
        strcpy(i->own_dir, "/sys/fs/cgroup");
        i->read_only = ENV_NO;
        i->hierarchy_root = ENV_NO;
        i->writable = ENV_YES;
        i->delegated = ENV_YES;
        i->owner_uid = 0;
        i->m_proc = (struct env_mount) { .mounted = true, .fstype = "proc" };
        i->m_sys = (struct env_mount) { .mounted = true, .fstype = "sysfs", .read_only = true };
        i->m_dev = (struct env_mount) { .mounted = true, .fstype = "tmpfs" };
        i->m_dev_shm = (struct env_mount) { .mounted = true, .fstype = "tmpfs" };
        i->m_run = (struct env_mount) { .mounted = true, .fstype = "tmpfs" };
        i->dev_console = true;
}

static void good_facts(struct handoff_facts *f) {
        handoff_facts_init(f);
        strcpy(f->systemd_path, "/usr/lib/systemd/systemd");
        f->version_error = 0;
        f->version = 252;
        f->probe_error = 0;
        strcpy(f->probe_dir, "/sys/fs/cgroup/init.scope");
}

static void test_mode(void) {
        enum handoff_mode m = HANDOFF_MODE_NEVER;

        CHECK_INT(handoff_mode_from_string("auto", &m), 0);
        CHECK_INT(m, HANDOFF_MODE_AUTO);
        CHECK_INT(handoff_mode_from_string("always", &m), 0);
        CHECK_INT(m, HANDOFF_MODE_ALWAYS);
        CHECK_INT(handoff_mode_from_string("never", &m), 0);
        CHECK_INT(m, HANDOFF_MODE_NEVER);
        CHECK_INT(handoff_mode_from_string("yes", &m), -EINVAL);
        CHECK_INT(handoff_mode_from_string(NULL, &m), -EINVAL);
        CHECK_STR(handoff_mode_to_string(HANDOFF_MODE_ALWAYS), "always");
}

static void test_version(void) {
        CHECK_INT(handoff_parse_version("systemd 252 (252.39-1~deb12u2)\n+PAM +AUDIT\n"), 252);
        CHECK_INT(handoff_parse_version("systemd 219\n"), 219);
        CHECK_INT(handoff_parse_version("systemd 257-13.el10-g833aa52 running"), 257);
        CHECK_INT(handoff_parse_version("warning: something\nsystemd 245 (245.4-4ubuntu3)\n"), 245);
        CHECK_INT(handoff_parse_version("hello\n"), -EPROTO);
        CHECK_INT(handoff_parse_version("systemd x\n"), -EPROTO);
        CHECK_INT(handoff_parse_version(""), -EPROTO);
}

static void test_decide(void) {
        struct env_info i;
        struct handoff_facts f;
        struct handoff_result r;

        /* Everything passes: exec. */
        good_env(&i);
        good_facts(&f);
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.decision, HANDOFF_EXEC);
        CHECK_INT(r.failed, 0);
        CHECK_INT(r.pending, 0);
        handoff_evaluate(&i, HANDOFF_MODE_NEVER, &f, &r);
        CHECK_INT(r.decision, HANDOFF_RUN_UNITS);

        /* Before the version and the probe ran: pending, version first, then the probe. */
        handoff_facts_init(&f);
        strcpy(f.systemd_path, "/usr/lib/systemd/systemd");
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.decision, HANDOFF_PENDING);
        CHECK_INT(r.pending, BIT(HANDOFF_CHECK_VERSION) | BIT(HANDOFF_CHECK_INIT_SCOPE));
        CHECK(handoff_want_version(HANDOFF_MODE_AUTO, &f, &r));
        CHECK(!handoff_want_probe(HANDOFF_MODE_AUTO, &f, &r));
        f.version_error = 0;
        f.version = 252;
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK(!handoff_want_version(HANDOFF_MODE_AUTO, &f, &r));
        CHECK(handoff_want_probe(HANDOFF_MODE_AUTO, &f, &r));
        CHECK(!handoff_want_probe(HANDOFF_MODE_NEVER, &f, &r));

        /* Read-only cgroup (freeipa-container #400/#520): no probe, runs the units; always fails. */
        good_env(&i);
        i.read_only = ENV_YES;
        i.writable = ENV_NO;
        i.delegated = ENV_NO;
        handoff_facts_init(&f);
        strcpy(f.systemd_path, "/usr/lib/systemd/systemd");
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.failed, BIT(HANDOFF_CHECK_CGROUP_WRITABLE));
        CHECK_INT(r.decision, HANDOFF_RUN_UNITS);
        CHECK(strstr(r.reason[HANDOFF_CHECK_CGROUP_WRITABLE], "read-only") != NULL);
        CHECK(!handoff_want_version(HANDOFF_MODE_AUTO, &f, &r)); /* auto: do not spawn it for nothing */
        CHECK(handoff_want_version(HANDOFF_MODE_ALWAYS, &f, &r)); /* always: list every failure */
        CHECK(!(r.pending & BIT(HANDOFF_CHECK_INIT_SCOPE)));
        handoff_evaluate(&i, HANDOFF_MODE_ALWAYS, &f, &r);
        CHECK_INT(r.decision, HANDOFF_FAIL);

        /* Not delegated (cri-o #9768: rw but owned by an unmapped uid). */
        good_env(&i);
        i.delegated = ENV_NO;
        i.writable = ENV_NO;
        i.owner_uid = 65534;
        good_facts(&f);
        f.probe_error = HANDOFF_NOT_RUN;
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.failed, BIT(HANDOFF_CHECK_CGROUP_WRITABLE));
        CHECK(strstr(r.reason[HANDOFF_CHECK_CGROUP_WRITABLE], "nobody") != NULL);
        CHECK_INT(r.decision, HANDOFF_RUN_UNITS);
        i.owner_uid = 1000;
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK(strstr(r.reason[HANDOFF_CHECK_CGROUP_WRITABLE], "uid 1000") != NULL);

        /* The probe failed although the access checks passed. */
        good_env(&i);
        good_facts(&f);
        f.probe_error = -EACCES;
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.failed, BIT(HANDOFF_CHECK_INIT_SCOPE));
        CHECK(strstr(r.reason[HANDOFF_CHECK_INIT_SCOPE], "/sys/fs/cgroup/init.scope") != NULL);

        /* Hybrid and v1 layouts, cgroup2 elsewhere. */
        good_env(&i);
        i.layout = ENV_LAYOUT_HYBRID;
        strcpy(i.unified_mount, "/sys/fs/cgroup/unified");
        good_facts(&f);
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK(r.failed & BIT(HANDOFF_CHECK_CGROUP2));
        CHECK(strstr(r.reason[HANDOFF_CHECK_CGROUP2], "hybrid") != NULL);
        good_env(&i);
        i.layout = ENV_LAYOUT_V1;
        i.unified_mount[0] = '\0';
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK(r.failed & BIT(HANDOFF_CHECK_CGROUP2));
        good_env(&i);
        i.layout = ENV_LAYOUT_NONE;
        i.unified_mount[0] = '\0';
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.failed, BIT(HANDOFF_CHECK_CGROUP2));

        /* Hierarchy root: only for the machine's own init. */
        good_env(&i);
        i.hierarchy_root = ENV_YES;
        i.delegated = ENV_NO;
        i.userns = ENV_NO;
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.failed, 0);
        i.userns = ENV_YES;
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.failed, BIT(HANDOFF_CHECK_CGROUP_WRITABLE));

        /* Not PID 1: no probe (it would move us), one reason. */
        good_env(&i);
        i.pid1 = ENV_NO;
        i.pid = 42;
        handoff_facts_init(&f);
        strcpy(f.systemd_path, "/usr/lib/systemd/systemd");
        f.version_error = 0;
        f.version = 252;
        handoff_evaluate(&i, HANDOFF_MODE_ALWAYS, &f, &r);
        CHECK_INT(r.failed, BIT(HANDOFF_CHECK_PID1));
        CHECK(!(r.pending & BIT(HANDOFF_CHECK_INIT_SCOPE)));
        CHECK(strstr(r.reason[HANDOFF_CHECK_PID1], "pid 42") != NULL);
        CHECK_INT(r.decision, HANDOFF_FAIL);

        /* Mounts: missing without CAP_SYS_ADMIN fail, with it they are fine (/run gets mounted). */
        good_env(&i);
        good_facts(&f);
        i.m_run = (struct env_mount) { 0 };
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.failed, 0);
        i.cap_sys_admin = ENV_NO;
        i.m_dev_shm = (struct env_mount) { 0 };
        i.m_proc = (struct env_mount) { .mounted = true, .fstype = "tmpfs" };
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.failed, BIT(HANDOFF_CHECK_RUN) | BIT(HANDOFF_CHECK_DEV_SHM) | BIT(HANDOFF_CHECK_PROC));
        CHECK_INT(r.n_failed, 3);
        CHECK(strstr(r.reason[HANDOFF_CHECK_RUN], "/run is not a mount point") != NULL);
        CHECK(strstr(r.reason[HANDOFF_CHECK_PROC], "not proc") != NULL);
        good_env(&i);
        i.dev_console = false;
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.failed, BIT(HANDOFF_CHECK_CONSOLE));

        /* The binary: missing, broken, too old; a main program. */
        good_env(&i);
        good_facts(&f);
        f.systemd_path[0] = '\0';
        handoff_evaluate(&i, HANDOFF_MODE_ALWAYS, &f, &r);
        CHECK_INT(r.failed, BIT(HANDOFF_CHECK_BINARY));
        CHECK(!handoff_want_version(HANDOFF_MODE_ALWAYS, &f, &r));
        good_facts(&f);
        f.version_error = -ENOEXEC;
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.failed, BIT(HANDOFF_CHECK_VERSION));
        CHECK(strstr(r.reason[HANDOFF_CHECK_VERSION], "cannot execute /usr/lib/systemd/systemd") != NULL);
        CHECK(strstr(r.reason[HANDOFF_CHECK_VERSION], strerror(ENOEXEC)) != NULL);
        f.version_error = -EPROTO;
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK(strstr(r.reason[HANDOFF_CHECK_VERSION], "systemd N") != NULL);
        f.version_error = 0;
        f.version = 219;
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK(strstr(r.reason[HANDOFF_CHECK_VERSION], "systemd 219, older than") != NULL);
        good_facts(&f);
        f.has_command = true;
        handoff_evaluate(&i, HANDOFF_MODE_AUTO, &f, &r);
        CHECK_INT(r.failed, BIT(HANDOFF_CHECK_COMMAND));

        /* Every check has a name. */
        for (int c = 0; c < _HANDOFF_CHECK_MAX; c++)
                CHECK(strcmp(handoff_check_to_string((enum handoff_check) c), "?") != 0);
}

static char *joined(char **v) {
        static char buf[1024];
        buf[0] = '\0';
        for (size_t i = 0; v && v[i]; i++) {
                if (i)
                        strcat(buf, " ");
                strcat(buf, v[i]);
        }
        return buf;
}

static void test_args(void) {
        struct handoff_args a;

        {
                char *argv[] = { "sdinit", "--systemd=auto", "--unit", "x.target", "--show-status=no", "-v",
                                 "--log-format=json", "systemd.log_level=debug", NULL };
                CHECK_INT(handoff_args_parse(8, argv, "/usr/lib/systemd/systemd", &a), 0);
                CHECK_STR(joined(a.systemd_argv),
                          "/usr/lib/systemd/systemd --unit=x.target --show-status=no systemd.log_level=debug");
                CHECK(a.have_mode && !a.bad_mode && a.mode == HANDOFF_MODE_AUTO);
                CHECK(!a.bad_option);
                CHECK(!a.has_command);
                handoff_args_done(&a);
        }
        {
                char *argv[] = { "sdinit", "--unit=a.target", "--systemd", "always", "--show-status",
                                 "systemd.unit=b.target", NULL };
                CHECK_INT(handoff_args_parse(6, argv, "/lib/systemd/systemd", &a), 0);
                CHECK_STR(joined(a.systemd_argv), "/lib/systemd/systemd --unit=a.target --show-status systemd.unit=b.target");
                CHECK(a.have_mode && a.mode == HANDOFF_MODE_ALWAYS);
                handoff_args_done(&a);
        }
        {
                char *argv[] = { "sdinit", "--systemd=bogus", "--", "sleep", "1", NULL };
                CHECK_INT(handoff_args_parse(5, argv, NULL, &a), 0);
                CHECK(a.have_mode && a.bad_mode);
                CHECK(a.has_command);
                CHECK_STR(a.systemd_argv[0], "systemd");
                CHECK_INT(strv_length(a.systemd_argv), 1);
                handoff_args_done(&a);
        }
        {
                /* systemd.* before the main program are skipped as boot() does; then a command. */
                char *argv[] = { "sdinit", "systemd.unit=c.target", "nginx", "systemd.x=y", NULL };
                CHECK_INT(handoff_args_parse(4, argv, "/s", &a), 0);
                CHECK(a.has_command);
                CHECK_STR(joined(a.systemd_argv), "/s systemd.unit=c.target");
                CHECK(!a.have_mode);
                handoff_args_done(&a);
        }
        {
                /* Unknown options are not passed on; a missing --unit value is left to boot(). */
                char *argv[] = { "sdinit", "--frobnicate", "--unit", NULL };
                CHECK_INT(handoff_args_parse(3, argv, "/s", &a), 0);
                CHECK_STR(joined(a.systemd_argv), "/s");
                CHECK(!a.has_command);
                CHECK(a.bad_option);
                handoff_args_done(&a);
        }
}

static void test_env(void) {
        char *env[] = { "PATH=/usr/bin:/bin", "container=podman", "SDINIT_SYSTEMD=auto", "SDINIT_FOO=1",
                        "NOTIFY_SOCKET=/run/notify", "container_uuid=abc", "TERM=xterm", "LISTEN_FDS=2",
                        "LISTEN_PID=1", "LISTEN_FDNAMES=a:b", "PATH=/second", "garbage", "=x", "HOME=/root", NULL };
        char **out;

        out = handoff_filter_env(env, 1);
        CHECK(out != NULL);
        CHECK_STR(joined(out), "PATH=/usr/bin:/bin container=podman NOTIFY_SOCKET=/run/notify container_uuid=abc "
                               "TERM=xterm LISTEN_FDS=2 LISTEN_PID=1 LISTEN_FDNAMES=a:b HOME=/root");
        strv_free(out);
        CHECK_INT(handoff_listen_fds(env, 1), 2);

        /* LISTEN_* for another process are stale: dropped, and their fds not kept. */
        out = handoff_filter_env(env, 7);
        CHECK_STR(joined(out), "PATH=/usr/bin:/bin container=podman NOTIFY_SOCKET=/run/notify container_uuid=abc "
                               "TERM=xterm HOME=/root");
        strv_free(out);
        CHECK_INT(handoff_listen_fds(env, 7), 0);

        {
                char *empty[] = { NULL };
                out = handoff_filter_env(empty, 1);
                CHECK(out != NULL && out[0] == NULL);
                strv_free(out);
        }
        {
                char *bad[] = { "LISTEN_FDS=x", "LISTEN_PID=1", NULL };
                CHECK_INT(handoff_listen_fds(bad, 1), 0);
        }
}

static void test_skip(void) {
        const char *why = NULL, *name;
        size_t n = 0;
        bool all_reasons = true;

        CHECK(handoff_skip_systemd_unit("systemd-journald.service", &why));
        CHECK(why && strstr(why, "sdinit relays") != NULL);
        CHECK(handoff_skip_systemd_unit("getty@tty1.service", &why));
        CHECK(handoff_skip_systemd_unit("serial-getty@ttyS0.service", NULL));
        CHECK(handoff_skip_systemd_unit("container-getty@1.service", NULL));
        CHECK(handoff_skip_systemd_unit("systemd-logind.service", NULL));
        CHECK(handoff_skip_systemd_unit("systemd-update-utmp.service", NULL));
        CHECK(handoff_skip_systemd_unit("user@1000.service", NULL));
        CHECK(handoff_skip_systemd_unit("systemd-networkd-wait-online@eth0.100.service", NULL));
        CHECK(handoff_skip_systemd_unit("systemd-udevd.service", NULL));
        CHECK(handoff_skip_systemd_unit("console-getty.service", NULL));
        /* What works standalone or skips itself through its Conditions stays runnable. */
        CHECK(!handoff_skip_systemd_unit("systemd-tmpfiles-setup.service", &why));
        CHECK(why == NULL);
        CHECK(!handoff_skip_systemd_unit("systemd-tmpfiles-setup-dev.service", NULL));
        CHECK(!handoff_skip_systemd_unit("systemd-sysctl.service", NULL));
        CHECK(!handoff_skip_systemd_unit("systemd-random-seed.service", NULL));
        CHECK(!handoff_skip_systemd_unit("systemd-user-sessions.service", NULL));
        CHECK(!handoff_skip_systemd_unit("nginx.service", NULL));
        CHECK(!handoff_skip_systemd_unit("getty@.service.d", NULL));
        CHECK(!handoff_skip_systemd_unit("getty.target", NULL));
        CHECK(!handoff_skip_systemd_unit("getty@tty1.socket", NULL));
        CHECK(!handoff_skip_systemd_unit("user-1000.slice", NULL));
        CHECK(!handoff_skip_systemd_unit(NULL, NULL));
        while ((name = handoff_skip_unit_name(n, &why))) {
                if (!why || strlen(why) < 10)
                        all_reasons = false;
                n++;
        }
        CHECK(n > 40);
        CHECK(all_reasons);
}

static void make_file(const char *p, mode_t mode) {
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
        if (fd >= 0)
                close(fd);
}

static void test_find(void) {
        char root[] = "/tmp/test-handoff-XXXXXX", p[512], out[512];

        if (!mkdtemp(root)) {
                CHECK(!"mkdtemp");
                return;
        }
        snprintf(p, sizeof p, "%s/sbin", root);
        mkdir(p, 0755);
        snprintf(p, sizeof p, "%s/usr", root);
        mkdir(p, 0755);
        snprintf(p, sizeof p, "%s/usr/lib", root);
        mkdir(p, 0755);
        snprintf(p, sizeof p, "%s/usr/lib/systemd", root);
        mkdir(p, 0755);
        snprintf(p, sizeof p, "%s/bin", root);
        mkdir(p, 0755);

        CHECK_INT(handoff_find_systemd(root, NULL, out, sizeof out), -ENOENT);
        CHECK_STR(out, "");

        /* /sbin/init -> sdinit: not a systemd. */
        snprintf(p, sizeof p, "%s/bin/sdinit", root);
        make_file(p, 0755);
        snprintf(p, sizeof p, "%s/sbin/init", root);
        CHECK_INT(symlink("/bin/sdinit", p), 0);
        CHECK_INT(handoff_find_systemd(root, NULL, out, sizeof out), -ENOENT);
        unlink(p);

        /* /sbin/init -> ../usr/lib/systemd/systemd (relative), resolved inside the root. */
        snprintf(p, sizeof p, "%s/usr/lib/systemd/systemd", root);
        make_file(p, 0755);
        snprintf(p, sizeof p, "%s/sbin/init", root);
        CHECK_INT(symlink("../opt/systemd", p), 0);
        CHECK_INT(handoff_find_systemd(root, NULL, out, sizeof out), 0);
        CHECK_STR(out, "/usr/lib/systemd/systemd"); /* the standard path comes first */

        /* Only /sbin/init -> /opt/systemd (absolute, inside the root). */
        snprintf(p, sizeof p, "%s/usr/lib/systemd/systemd", root);
        unlink(p);
        snprintf(p, sizeof p, "%s/opt", root);
        mkdir(p, 0755);
        snprintf(p, sizeof p, "%s/opt/systemd", root);
        make_file(p, 0755);
        snprintf(p, sizeof p, "%s/sbin/init", root);
        unlink(p);
        CHECK_INT(symlink("/opt/systemd", p), 0);
        CHECK_INT(handoff_find_systemd(root, NULL, out, sizeof out), 0);
        CHECK_STR(out, "/opt/systemd");

        /* Never ourselves. */
        snprintf(p, sizeof p, "%s/opt/systemd", root);
        CHECK_INT(handoff_find_systemd(root, p, out, sizeof out), -ENOENT);

        /* Clean up. */
        snprintf(p, sizeof p, "rm -rf '%s'", root);
        CHECK_INT(system(p), 0);
}

static void test_version_run(void) {
        struct handoff_facts f;
        char dir[] = "/tmp/test-handoff-v-XXXXXX", p[512];
        FILE *fp;

        if (!mkdtemp(dir)) {
                CHECK(!"mkdtemp");
                return;
        }
        /* Not executable: EACCES. */
        snprintf(p, sizeof p, "%s/noexec", dir);
        make_file(p, 0644);
        handoff_facts_init(&f);
        handoff_check_version(p, 5000, &f);
        CHECK_INT(f.version_error, -EACCES);

        /* Neither ELF nor script: ENOEXEC. */
        snprintf(p, sizeof p, "%s/garbage", dir);
        fp = fopen(p, "w");
        if (fp) {
                fputs("\x01\x02 not a program\n", fp);
                fclose(fp);
        }
        chmod(p, 0755);
        handoff_check_version(p, 5000, &f);
        CHECK_INT(f.version_error, -ENOEXEC);

        /* A fake systemd. */
        snprintf(p, sizeof p, "%s/fake", dir);
        fp = fopen(p, "w");
        if (fp) {
                fputs("#!/bin/sh\necho 'systemd 254 (254.5-1)'\necho '+PAM +AUDIT'\n", fp);
                fclose(fp);
        }
        chmod(p, 0755);
        handoff_check_version(p, 5000, &f);
        CHECK_INT(f.version_error, 0);
        CHECK_INT(f.version, 254);

        /* Prints something else, or fails. */
        fp = fopen(p, "w");
        if (fp) {
                fputs("#!/bin/sh\necho hello\n", fp);
                fclose(fp);
        }
        handoff_check_version(p, 5000, &f);
        CHECK_INT(f.version_error, -EPROTO);
        fp = fopen(p, "w");
        if (fp) {
                fputs("#!/bin/sh\nexit 3\n", fp);
                fclose(fp);
        }
        handoff_check_version(p, 5000, &f);
        CHECK_INT(f.version_error, -ECHILD);
        /* Hangs: killed after the timeout. */
        fp = fopen(p, "w");
        if (fp) {
                fputs("#!/bin/sh\nexec sleep 30\n", fp);
                fclose(fp);
        }
        handoff_check_version(p, 200, &f);
        CHECK_INT(f.version_error, -ETIMEDOUT);

        snprintf(p, sizeof p, "rm -rf '%s'", dir);
        CHECK_INT(system(p), 0);
}

static void test_probe(void) {
        struct handoff_facts f;
        char dir[] = "/tmp/test-handoff-p-XXXXXX", p[512];
        struct stat st;

        /* A plain directory stands in for a cgroup: mkdir works, cgroup.procs cannot be opened
         * (ENOENT); the directory the probe created is removed again. */
        if (!mkdtemp(dir)) {
                CHECK(!"mkdtemp");
                return;
        }
        handoff_facts_init(&f);
        CHECK_INT(handoff_probe_init_scope(dir, &f), -ENOENT);
        snprintf(p, sizeof p, "%s/init.scope", dir);
        CHECK_STR(f.probe_dir, p);
        CHECK(stat(p, &st) < 0 && errno == ENOENT);
        /* Already in init.scope: the probe works on its parent. */
        snprintf(p, sizeof p, "%s/init.scope/", dir);
        CHECK_INT(handoff_probe_init_scope(p, &f), -ENOENT);
        snprintf(p, sizeof p, "%s/init.scope", dir);
        CHECK_STR(f.probe_dir, p);
        CHECK_INT(handoff_probe_init_scope("", &f), -EINVAL);
        rmdir(dir);
}

int main(void) {
        test_mode();
        test_version();
        test_decide();
        test_args();
        test_env();
        test_skip();
        test_find();
        test_version_run();
        test_probe();
        return tap_done();
}
