/* SPDX-License-Identifier: MIT */
/* Condition*= and Assert*= (systemd.unit(5)): each is tested as systemd does; '|' conditions are
 * OR'ed among themselves, all others AND'ed, '!' negates. */
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "service/conditions.h"
#include "units/unit-values.h"

/* The first line of a small file, "" when missing. */
static void first_line(const char *path, char *buf, size_t n) {
        FILE *f = fopen(path, "re");

        buf[0] = '\0';
        if (!f)
                return;
        if (!fgets(buf, (int) n, f))
                buf[0] = '\0';
        fclose(f);
        buf[strcspn(buf, "\n")] = '\0';
}

/* Which container manager we run under, as systemd 252's detect_container() (src/basic/virt.c)
 * decides it for its PID 1 ("" when none): /run/host/container-manager, then our $container (set
 * but empty: none), then /run/.containerenv and /.dockerenv, then a cgroup namespace of our own
 * ("container-other"). $container=oci counts as the files say, else container-other. */
static const char *container_name(char *buf, size_t n) {
        const char *c;
        char ns[64] = "";
        ssize_t k;

        first_line("/run/host/container-manager", buf, n);
        if (buf[0])
                return buf;
        c = getenv("container");
        if (c && !*c)
                return "";
        if (c && strcmp(c, "oci") != 0) {
                snprintf(buf, n, "%s", c);
                return buf;
        }
        if (access("/run/.containerenv", F_OK) == 0)
                return "podman";
        if (access("/.dockerenv", F_OK) == 0)
                return "docker";
        if (c)
                return "container-other"; /* container=oci without a known file */
        k = readlink("/proc/self/ns/cgroup", ns, sizeof(ns) - 1);
        if (k > 0) {
                ns[k] = '\0';
                if (strcmp(ns, "cgroup:[4026531835]") != 0) /* not the initial cgroup namespace */
                        return "container-other";
        }
        return "";
}

/* private-users: the manager's Manager.in_userns (systemd's running_in_userns(), from
 * env_detect() at start). */
static int test_virtualization(const char *p, bool in_userns) {
        char buf[128];
        const char *c = container_name(buf, sizeof(buf));
        bool in = *c != '\0';

        if (strcmp(p, "private-users") == 0)
                return in_userns;
        if (strcmp(p, "container") == 0 || strcmp(p, "yes") == 0 || strcmp(p, "true") == 0 || strcmp(p, "1") == 0)
                return in;
        if (strcmp(p, "no") == 0 || strcmp(p, "false") == 0 || strcmp(p, "0") == 0)
                return !in;
        if (strcmp(p, "vm") == 0)
                return 0;
        return strcmp(p, c) == 0;
}

/* The name as systemd's capability_from_name() reads it (a number or a name, any case): the
 * table in units/, as for CapabilityBoundingSet= (no libcap mapped into PID 1 for this). */
static int test_capability(const char *p) {
        int cap = sdu_capability_from_name(p);
        FILE *f;
        char line[256];
        unsigned long long bnd = 0;

        if (cap < 0)
                return 0;
        f = fopen("/proc/self/status", "re");
        if (!f)
                return 0;
        while (fgets(line, sizeof(line), f))
                if (sscanf(line, "CapBnd: %llx", &bnd) == 1)
                        break;
        fclose(f);
        return (bnd >> cap) & 1;
}

static int test_kernel_cmdline(const char *p) {
        FILE *f = fopen("/proc/cmdline", "re");
        char buf[4096], *w, *save = NULL;
        size_t n;

        if (!f)
                return 0;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        for (w = strtok_r(buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
                if (strcmp(w, p) == 0)
                        return 1;
                if (!strchr(p, '=') && strncmp(w, p, strlen(p)) == 0 && w[strlen(p)] == '=')
                        return 1;
        }
        return 0;
}

static int test_dir_not_empty(const char *p) {
        glob_t g;
        char pat[4096];
        int r;

        snprintf(pat, sizeof(pat), "%s/*", p);
        r = glob(pat, GLOB_NOSORT | GLOB_PERIOD, NULL, &g);
        if (r != 0)
                return 0;
        r = 0;
        for (size_t i = 0; i < g.gl_pathc; i++) {
                const char *b = strrchr(g.gl_pathv[i], '/');
                b = b ? b + 1 : g.gl_pathv[i];
                if (strcmp(b, ".") && strcmp(b, ".."))
                        r = 1;
        }
        globfree(&g);
        return r;
}

static int test_mount_point(const char *p) {
        struct stat a, b;
        char parent[4096];

        if (stat(p, &a) < 0)
                return 0;
        if (strcmp(p, "/") == 0)
                return 1;
        snprintf(parent, sizeof(parent), "%s/..", p);
        if (stat(parent, &b) < 0)
                return 0;
        return a.st_dev != b.st_dev || a.st_ino == b.st_ino;
}

static int test_one(const Condition *c, bool in_userns, bool *ret_unknown) {
        const char *t = c->type, *p = c->parameter ? c->parameter : "";
        struct stat st;

        *ret_unknown = false;
        if (strcmp(t, "PathExists") == 0)
                return access(p, F_OK) == 0;
        if (strcmp(t, "PathExistsGlob") == 0) {
                glob_t g;
                int r = glob(p, GLOB_NOSORT, NULL, &g) == 0 && g.gl_pathc > 0;
                globfree(&g);
                return r;
        }
        if (strcmp(t, "PathIsDirectory") == 0)
                return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
        if (strcmp(t, "PathIsSymbolicLink") == 0)
                return lstat(p, &st) == 0 && S_ISLNK(st.st_mode);
        if (strcmp(t, "PathIsMountPoint") == 0)
                return test_mount_point(p);
        if (strcmp(t, "PathIsReadWrite") == 0) {
                /* systemd: the path exists on a file system not mounted read-only (not a check
                 * of our own permissions: /proc/sys is read-only in a container though root may
                 * write to its files' modes). */
                struct statvfs sv;
                if (statvfs(p, &sv) < 0)
                        return errno != ENOENT; /* systemd 252: only a missing path is false */
                return !(sv.f_flag & ST_RDONLY) && !(access(p, W_OK) < 0 && errno == EROFS);
        }
        if (strcmp(t, "PathIsEncrypted") == 0)
                return 0;
        if (strcmp(t, "DirectoryNotEmpty") == 0)
                return test_dir_not_empty(p);
        if (strcmp(t, "FileNotEmpty") == 0)
                return stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
        if (strcmp(t, "FileIsExecutable") == 0)
                return stat(p, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
        if (strcmp(t, "Virtualization") == 0)
                return test_virtualization(p, in_userns);
        if (strcmp(t, "Capability") == 0)
                return test_capability(p);
        if (strcmp(t, "KernelCommandLine") == 0)
                return test_kernel_cmdline(p);
        if (strcmp(t, "Host") == 0) {
                char h[256] = "";
                gethostname(h, sizeof(h) - 1);
                return fnmatch(p, h, FNM_CASEFOLD) == 0;
        }
        if (strcmp(t, "User") == 0) {
                struct passwd *pw = getpwuid(getuid());
                if (strcmp(p, "@system") == 0)
                        return getuid() < 1000;
                return (pw && strcmp(pw->pw_name, p) == 0) || (unsigned) atoi(p) == getuid();
        }
        if (strcmp(t, "Group") == 0) {
                struct group *gr = getgrgid(getgid());
                return (gr && strcmp(gr->gr_name, p) == 0) || (unsigned) atoi(p) == getgid();
        }
        if (strcmp(t, "Environment") == 0) {
                const char *eq = strchr(p, '=');
                if (!eq)
                        return getenv(p) != NULL;
                {
                        char key[256];
                        const char *v;
                        snprintf(key, sizeof(key), "%.*s", (int) (eq - p), p);
                        v = getenv(key);
                        return v && strcmp(v, eq + 1) == 0;
                }
        }
        if (strcmp(t, "KernelVersion") == 0) {
                struct utsname u;
                /* Only the plain "release matches a glob" form; comparisons are treated as met. */
                if (uname(&u) < 0)
                        return 0;
                if (strpbrk(p, "<>=!"))
                        return 1;
                return fnmatch(p, u.release, 0) == 0;
        }
        if (strcmp(t, "Architecture") == 0) {
                struct utsname u;
                if (uname(&u) < 0)
                        return 0;
                return strcmp(p, "native") == 0 || strcmp(p, u.machine) == 0 ||
                       (strcmp(p, "x86-64") == 0 && strcmp(u.machine, "x86_64") == 0);
        }
        /* systemd's condition_test_first_boot(): /run/systemd/first-boot, which PID 1 creates on a
         * first boot (manager_set_first_boot()), against the boolean. */
        if (strcmp(t, "FirstBoot") == 0) {
                int b = sdu_parse_boolean(p);
                if (b < 0)
                        return 0;
                return (access("/run/systemd/first-boot", F_OK) >= 0) == b;
        }
        /* A container has nothing to update, no security modules of its own and runs on mains
         * power. */
        if (strcmp(t, "NeedsUpdate") == 0 || strcmp(t, "Security") == 0)
                return 0;
        if (strcmp(t, "ACPower") == 0)
                return 1;
        *ret_unknown = true;
        return 1;
}

int unit_test_conditions(const MUnit *u, const ConditionList *l, char *failed, size_t size) {
        bool any_trigger = false, trigger_met = false;
        bool is_assert = l == &u->u->unit.asserts;

        for (size_t i = 0; i < l->n; i++) {
                const Condition *c = &l->items[i];
                bool unknown;
                int r = test_one(c, u->m->in_userns, &unknown);

                if (c->negate)
                        r = !r;
                if (c->trigger) {
                        any_trigger = true;
                        if (r)
                                trigger_met = true;
                        continue;
                }
                if (!r) {
                        snprintf(failed, size, "%s%s=%s%s", is_assert ? "Assert" : "Condition", c->type,
                                 c->negate ? "!" : "", c->parameter ? c->parameter : "");
                        return is_assert ? -EBADR : 0;
                }
        }
        if (any_trigger && !trigger_met) {
                snprintf(failed, size, "none of the triggering (|) %s", is_assert ? "assertions" : "conditions");
                return is_assert ? -EBADR : 0;
        }
        return 1;
}
