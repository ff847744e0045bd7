/* SPDX-License-Identifier: MIT */
/* Generators and the SysV conversion, see unit-generators.h.
 *
 * External generators: systemd.generator(7) lists /run, /etc, /usr/local/lib and /usr/lib
 * .../systemd/system-generators; Debian 12's systemd (split /usr) uses /lib instead of /usr/lib, so
 * both are searched, /usr/lib first. A name found in an earlier directory hides later ones; a
 * symlink to /dev/null or an empty file masks it. They run in parallel (as systemd does), each
 * with the three output directories as arguments and systemd's environment ($SYSTEMD_SCOPE,
 * $SYSTEMD_IN_INITRD, $SYSTEMD_VIRTUALIZATION, $SYSTEMD_ARCHITECTURE), stdin on /dev/null and
 * stdout on stderr, in their own process group, killed after the timeout.
 *
 * The SysV conversion follows systemd-sysv-generator (systemd 252) rule by rule: see
 * sysv_load() and friends below. It writes to the late directory, as systemd does, so that any
 * native unit of the same name wins. */
#include "unit-generators.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/defaults.h"
#include "sdu-util.h"
#include "unit-name.h"
#include "unit-registry.h"

const char *const unit_generator_search_path[] = {
        "/run/systemd/system-generators",
        "/etc/systemd/system-generators",
        "/usr/local/lib/systemd/system-generators",
        "/usr/lib/systemd/system-generators",
        "/lib/systemd/system-generators",
        NULL,
};

/* systemd's own generators that make no sense for sdinit in a container. Each would either do
 * nothing useful, act on the host's kernel command line or block devices, or produce units sdinit
 * must not run:
 *   systemd-sysv-generator            replaced by the built-in unit_sysv_generate() (same rules);
 *   systemd-fstab-generator           /etc/fstab and root= of the kernel command line -> .mount and
 *                                     .swap units and fsck; the container runtime does the mounts;
 *   systemd-getty-generator           serial/console gettys; a container has no login consoles;
 *   systemd-gpt-auto-generator        discovers partitions of the boot disk;
 *   systemd-cryptsetup-generator      /etc/crypttab, LUKS devices;
 *   systemd-veritysetup-generator, systemd-integritysetup-generator   dm-verity / dm-integrity;
 *   systemd-hibernate-resume-generator, systemd-hibernate-resume     resume= from swap;
 *   systemd-bless-boot-generator, systemd-boot-check-no-failures     boot counting (EFI);
 *   systemd-efi-boot-generator        EFI System Partition mounts;
 *   systemd-debug-generator           systemd.mask=/systemd.wants=/debug shell from /proc/cmdline,
 *                                     which in a container is the host's command line;
 *   systemd-run-generator             systemd.run= from the kernel command line (same reason);
 *   systemd-system-update-generator   offline updates redirect default.target to system-update.target;
 *   systemd-import-generator, systemd-tpm2-generator, systemd-factory-reset-generator,
 *   systemd-ssh-generator, systemd-storagetm-generator   kernel command line, TPM, sshd on vsock;
 *   systemd-xdg-autostart-generator, systemd-user-generators   user-session only.
 * Kept: systemd-rc-local-generator (/etc/rc.local), systemd-environment-d-generator and
 * every generator a package ships (postgresql-common, postfix, nfs-utils, openvpn, ...). */
const char *const unit_generators_skipped[] = {
        "systemd-sysv-generator",
        "systemd-fstab-generator",
        "systemd-getty-generator",
        "systemd-gpt-auto-generator",
        "systemd-cryptsetup-generator",
        "systemd-veritysetup-generator",
        "systemd-integritysetup-generator",
        "systemd-hibernate-resume-generator",
        "systemd-bless-boot-generator",
        "systemd-efi-boot-generator",
        "systemd-debug-generator",
        "systemd-run-generator",
        "systemd-system-update-generator",
        "systemd-import-generator",
        "systemd-tpm2-generator",
        "systemd-factory-reset-generator",
        "systemd-ssh-generator",
        "systemd-storagetm-generator",
        "systemd-xdg-autostart-generator",
        NULL,
};

static const char *norm_root(const char *root) {
        return !root || sdu_streq(root, "/") ? "" : root;
}

static char *rooted(const char *root, const char *path) {
        return sdu_strjoin3(norm_root(root), path[0] == '/' ? "" : "/", path);
}

static bool is_masked_entry(int dfd, const char *name) {
        char target[PATH_MAX];
        struct stat st;
        ssize_t n;

        if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return false;
        if (S_ISLNK(st.st_mode)) {
                n = readlinkat(dfd, name, target, sizeof(target) - 1);
                if (n > 0) {
                        target[n] = 0;
                        if (sdu_streq(target, "/dev/null"))
                                return true;
                }
                if (fstatat(dfd, name, &st, 0) < 0)
                        return false;
        }
        return S_ISREG(st.st_mode) && st.st_size == 0;
}

int unit_generators_list(const char *root, char *const *path, char ***ret) {
        char **seen = NULL, **paths = NULL, **result = NULL;
        int k = 0;

        if (!path)
                path = (char *const *) unit_generator_search_path;
        for (size_t i = 0; path[i] && k >= 0; i++) {
                char *dir = rooted(root, path[i]);
                struct dirent *de;
                DIR *d;

                if (!dir) {
                        k = -ENOMEM;
                        break;
                }
                d = opendir(dir);
                free(dir);
                if (!d)
                        continue;
                while (k >= 0 && (de = readdir(d))) {
                        struct stat st;
                        char *p;

                        if (de->d_name[0] == '.' || strv_contains(seen, de->d_name))
                                continue;
                        k = strv_extend(&seen, de->d_name);
                        if (k < 0)
                                break;
                        if (is_masked_entry(dirfd(d), de->d_name) ||
                            strv_contains((char *const *) unit_generators_skipped, de->d_name))
                                continue;
                        if (fstatat(dirfd(d), de->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode) ||
                            !(st.st_mode & 0111))
                                continue;
                        p = sdu_path_join(path[i], de->d_name);
                        k = strv_push(&paths, p);
                }
                closedir(d);
        }
        /* Sorted by file name (the order is irrelevant when they run in parallel, but stable
         * output makes logs comparable). */
        if (k >= 0 && seen) {
                strv_sort(seen);
                for (size_t i = 0; seen[i] && k >= 0; i++)
                        for (size_t j = 0; paths && paths[j]; j++)
                                if (sdu_streq(strrchr(paths[j], '/') + 1, seen[i])) {
                                        k = strv_extend(&result, paths[j]);
                                        break;
                                }
        }
        strv_free(seen);
        strv_free(paths);
        if (k < 0) {
                strv_free(result);
                return k;
        }
        *ret = result;
        return 0;
}

/* ---- output directories ---- */

static int rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        (void) st;
        (void) ftw;
        if (type == FTW_DP)
                return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
        return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

static int mkdir_p(const char *path, mode_t mode) {
        char *p = strdup(path);

        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++)
                if (*s == '/') {
                        *s = 0;
                        (void) mkdir(p, mode);
                        *s = '/';
                }
        free(p);
        if (mkdir(path, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

/* Empties (or creates) dir: generator output never survives a run. */
static int reset_dir(const char *dir) {
        struct stat st;

        if (lstat(dir, &st) >= 0 && nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
                return -errno;
        return mkdir_p(dir, 0755);
}

/* ---- running external generators ---- */

/* systemd's name of the machine's architecture; u (the caller's) holds the kernel's name, which is
 * returned where systemd has no other. */
static const char *systemd_architecture(struct utsname *u) {
        static const struct {
                const char *machine, *arch;
        } table[] = {
                { "x86_64", "x86-64" }, { "i686", "x86" },   { "i586", "x86" },     { "i386", "x86" },
                { "aarch64", "arm64" }, { "armv7l", "arm" }, { "armv6l", "arm" },   { "ppc64le", "ppc64-le" },
                { "ppc64", "ppc64" },   { "s390x", "s390x" }, { "riscv64", "riscv64" }, { "mips64", "mips64" },
                { "loongarch64", "loongarch64" },
        };

        if (uname(u) < 0)
                return NULL;
        for (size_t i = 0; i < SDU_ELEMENTSOF(table); i++)
                if (sdu_streq(u->machine, table[i].machine))
                        return table[i].arch;
        return u->machine;
}

typedef struct Child {
        pid_t pid;
        int pidfd;
        const char *path;
        bool done;
} Child;

static int pidfd_open_compat(pid_t pid) {
#ifdef SYS_pidfd_open
        return (int) syscall(SYS_pidfd_open, pid, 0);
#else
        (void) pid;
        errno = ENOSYS;
        return -1;
#endif
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

static void report_status(const UnitDiagSink *diag, const Child *c, int status, unsigned *failed) {
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return;
        (*failed)++;
        if (WIFEXITED(status))
                unit_diag(diag, UNIT_DIAG_WARNING, c->path, 0, "Generator failed with exit status %d, ignoring.",
                          WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
                unit_diag(diag, UNIT_DIAG_WARNING, c->path, 0, "Generator terminated by signal %s, ignoring.",
                          strsignal(WTERMSIG(status)));
}

static pid_t spawn_generator(const char *root, bool do_chroot, const char *exe, char *const argv[],
                             char *const envp[]) {
        pid_t pid = fork();

        if (pid != 0)
                return pid;
        /* Child: a clean signal state, its own process group (killed as a whole on timeout). */
        {
                sigset_t ss;
                struct sigaction sa = { .sa_handler = SIG_DFL };

                for (int sig = 1; sig < NSIG; sig++)
                        (void) sigaction(sig, &sa, NULL);
                sigemptyset(&ss);
                sigprocmask(SIG_SETMASK, &ss, NULL);
        }
        (void) setpgid(0, 0);
        {
                int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
                if (null >= 0) {
                        dup2(null, STDIN_FILENO);
                        if (null != STDIN_FILENO)
                                close(null);
                }
                dup2(STDERR_FILENO, STDOUT_FILENO);
        }
        if (do_chroot && (chroot(root) < 0 || chdir("/") < 0))
                _exit(126);
        if (!do_chroot && chdir("/") < 0)
                _exit(126);
        execve(exe, argv, envp);
        _exit(errno == ENOENT ? 127 : 126);
}

static int run_external(const UnitGeneratorOptions *o, const char *dirs[3], const UnitDiagSink *diag) {
        const char *root = norm_root(o->root);
        bool do_chroot = *root && o->chroot;
        char **gens = NULL, **envp = NULL;
        Child *children = NULL;
        size_t n = 0, running = 0;
        struct utsname un;
        const char *arch;
        uint64_t deadline;
        unsigned failed = 0;
        int k;

        k = unit_generators_list(root, o->generator_path, &gens);
        if (k < 0)
                return k;
        if (!gens)
                return 0;
        if (*root && !o->chroot) {
                unit_diag(diag, UNIT_DIAG_NOTICE, NULL, 0,
                          "Not running %zu generator(s) of %s without chroot (they would read the host's configuration).",
                          strv_length(gens), root);
                strv_free(gens);
                return 0;
        }
        /* The environment systemd gives generators (systemd.generator(7), since 251), on top of ours. */
        for (char **e = environ; e && *e && k >= 0; e++)
                if (!sdu_startswith(*e, "SYSTEMD_SCOPE=") && !sdu_startswith(*e, "SYSTEMD_IN_INITRD=") &&
                    !sdu_startswith(*e, "SYSTEMD_VIRTUALIZATION=") && !sdu_startswith(*e, "SYSTEMD_ARCHITECTURE="))
                        k = strv_extend(&envp, *e);
        if (k >= 0)
                k = strv_extend(&envp, "SYSTEMD_SCOPE=system");
        if (k >= 0)
                k = strv_extend(&envp, "SYSTEMD_IN_INITRD=0");
        if (k >= 0 && getenv("container") && *getenv("container")) {
                char *v = sdu_asprintf("SYSTEMD_VIRTUALIZATION=container:%s", getenv("container"));
                k = strv_push(&envp, v);
        }
        if (k >= 0 && (arch = systemd_architecture(&un))) {
                char *v = sdu_asprintf("SYSTEMD_ARCHITECTURE=%s", arch);
                k = strv_push(&envp, v);
        }
        children = calloc(strv_length(gens), sizeof(Child));
        if (k < 0 || !children) {
                k = -ENOMEM;
                goto finish;
        }
        fflush(NULL);
        for (size_t i = 0; gens[i]; i++) {
                /* Paths the generator sees: inside root when chrooted, else rooted host paths. */
                char *exe = do_chroot ? strdup(gens[i]) : rooted(root, gens[i]);
                char *argv[5] = { exe, NULL, NULL, NULL, NULL };
                Child *c = children + n;

                for (size_t j = 0; j < 3; j++)
                        argv[j + 1] = do_chroot ? strdup(dirs[j]) : rooted(root, dirs[j]);
                if (exe && argv[1] && argv[2] && argv[3]) {
                        c->path = gens[i];
                        c->pid = spawn_generator(root, do_chroot, do_chroot ? gens[i] : exe, argv, envp);
                        if (c->pid < 0)
                                unit_diag(diag, UNIT_DIAG_WARNING, gens[i], 0, "Failed to fork generator: %s", strerror(errno));
                        else {
                                c->pidfd = pidfd_open_compat(c->pid);
                                n++;
                                running++;
                        }
                } else
                        k = -ENOMEM;
                for (size_t j = 0; j < 4; j++)
                        free(argv[j]);
                if (k < 0)
                        break;
        }
        deadline = now_usec() + (o->timeout_usec ? o->timeout_usec : DEFAULT_TIMEOUT_USEC);
        while (running > 0) {
                uint64_t now = now_usec();
                struct pollfd *pfds = NULL;
                size_t np = 0;
                bool all_pidfd = true;

                for (size_t i = 0; i < n; i++) {
                        int status;

                        if (children[i].done)
                                continue;
                        if (waitpid(children[i].pid, &status, WNOHANG) == children[i].pid) {
                                children[i].done = true;
                                running--;
                                report_status(diag, children + i, status, &failed);
                                if (children[i].pidfd >= 0)
                                        close(children[i].pidfd);
                        } else if (children[i].pidfd < 0)
                                all_pidfd = false;
                }
                if (running == 0)
                        break;
                if (now >= deadline) {
                        for (size_t i = 0; i < n; i++) {
                                int status;

                                if (children[i].done)
                                        continue;
                                unit_diag(diag, UNIT_DIAG_WARNING, children[i].path, 0,
                                          "Generator timed out after %llus, killing it.",
                                          (unsigned long long) ((o->timeout_usec ? o->timeout_usec
                                                                                 : DEFAULT_TIMEOUT_USEC) / 1000000));
                                kill(-children[i].pid, SIGKILL);
                                kill(children[i].pid, SIGKILL);
                                (void) waitpid(children[i].pid, &status, 0);
                                if (children[i].pidfd >= 0)
                                        close(children[i].pidfd);
                                children[i].done = true;
                                failed++;
                        }
                        running = 0;
                        break;
                }
                /* Wait for any child to exit: on their pidfds, or in 10 ms steps without pidfd. */
                if (all_pidfd)
                        pfds = calloc(running, sizeof(*pfds));
                if (pfds) {
                        for (size_t i = 0; i < n; i++)
                                if (!children[i].done)
                                        pfds[np++] = (struct pollfd) { .fd = children[i].pidfd, .events = POLLIN };
                        uint64_t left_ms = (deadline - now + 999) / 1000;
                        (void) poll(pfds, np, left_ms > INT_MAX ? INT_MAX : (int) left_ms);
                        free(pfds);
                } else
                        nanosleep(&(struct timespec) { .tv_nsec = 10 * 1000 * 1000 }, NULL);
        }
        if (failed)
                unit_diag(diag, UNIT_DIAG_NOTICE, NULL, 0, "%u of %zu generator(s) failed.", failed, n);
finish:
        free(children);
        strv_free(envp);
        strv_free(gens);
        return k < 0 ? k : 0;
}

int unit_generators_run(const UnitGeneratorOptions *o, const UnitDiagSink *diag) {
        const char *dirs[3] = {
                o->normal_dir ? o->normal_dir : "/run/systemd/generator",
                o->early_dir ? o->early_dir : "/run/systemd/generator.early",
                o->late_dir ? o->late_dir : "/run/systemd/generator.late",
        };
        char **search = NULL;
        int k = 0;

        for (size_t i = 0; i < 3; i++) {
                char *host = rooted(o->root, dirs[i]);

                if (!host)
                        return -ENOMEM;
                k = reset_dir(host);
                if (k < 0)
                        unit_diag(diag, UNIT_DIAG_ERROR, host, 0, "Cannot set up generator output directory: %s",
                                  strerror(-k));
                free(host);
                if (k < 0)
                        return k;
        }
        if (!o->no_sysv) {
                char *const *sp = o->search_path ? o->search_path : (char *const *) unit_default_search_path;
                char *late = rooted(o->root, dirs[2]);

                /* The SysV conversion must not mistake the generators' own output for native units. */
                for (size_t i = 0; sp[i] && k >= 0; i++)
                        if (!sdu_streq(sp[i], dirs[0]) && !sdu_streq(sp[i], dirs[1]) && !sdu_streq(sp[i], dirs[2]))
                                k = strv_extend(&search, sp[i]);
                if (k >= 0 && late)
                        k = unit_sysv_generate(o->root, late, search, diag);
                else
                        k = -ENOMEM;
                free(late);
                strv_free(search);
                if (k == -ENOMEM)
                        return k;
        }
        if (!o->no_external)
                return run_external(o, dirs, diag);
        return 0;
}

/* ---- SysV init scripts (systemd-sysv-generator) ---- */

typedef struct SysvStub {
        char *name;           /* NAME.service */
        char *path;           /* /etc/init.d/NAME as seen inside root */
        char *host_path;      /* the same below root */
        char *description;
        char *pid_file;
        char **before, **after, **wants, **wanted_by, **aliases;
        char **default_start; /* runlevels of Default-Start: */
        int start_priority;   /* highest S## of the runlevel 2-5 links, -1 if none */
        bool has_lsb, reload, in_rc_dirs;
} SysvStub;

static void stub_free(SysvStub *s) {
        free(s->name);
        free(s->path);
        free(s->host_path);
        free(s->description);
        free(s->pid_file);
        strv_free(s->before);
        strv_free(s->after);
        strv_free(s->wants);
        strv_free(s->wanted_by);
        strv_free(s->aliases);
        strv_free(s->default_start);
}

static bool hidden_or_backup(const char *n) {
        static const char *const suffixes[] = {
                "~",         ".rpmnew",     ".rpmsave",     ".rpmorig",   ".dpkg-old", ".dpkg-new", ".dpkg-tmp",
                ".dpkg-dist", ".dpkg-bak",  ".dpkg-backup", ".dpkg-remove", ".ucf-new", ".ucf-old",  ".ucf-dist",
                ".swp",      ".bak",        ".old",         ".new",       NULL,
        };

        if (n[0] == '.')
                return true;
        for (size_t i = 0; suffixes[i]; i++)
                if (sdu_endswith(n, suffixes[i]))
                        return true;
        return false;
}

/* "foo.sh" -> "foo.service"; NULL if no valid unit name results. */
static char *sysv_translate_name(const char *name) {
        size_t n = strlen(name);
        char *r;

        if (sdu_endswith(name, ".sh"))
                n -= 3;
        r = sdu_asprintf("%.*s.service", (int) n, name);
        if (r && !unit_name_is_valid(r, UNIT_NAME_PLAIN)) {
                free(r);
                return NULL;
        }
        return r;
}

/* The LSB facilities systemd maps (NULL: dropped, the ordering is implicit in systemd's boot). */
static const struct {
        const char *facility, *unit;
} facility_table[] = {
        { "local_fs", NULL },
        { "network", "network-online.target" },
        { "named", "nss-lookup.target" },
        { "portmap", "rpcbind.target" },
        { "remote_fs", "remote-fs.target" },
        { "syslog", NULL },
        { "time", "time-sync.target" },
};

/* 1 and *ret set, 0 to ignore, -ENOMEM. */
static int sysv_translate_facility(const char *word, const char *script, char **ret) {
        const char *n = word[0] == '$' ? word + 1 : word;
        size_t sl = strlen(script);
        char *m;

        for (size_t i = 0; i < SDU_ELEMENTSOF(facility_table); i++)
                if (sdu_streq(facility_table[i].facility, n)) {
                        if (!facility_table[i].unit)
                                return 0;
                        *ret = strdup(facility_table[i].unit);
                        return *ret ? 1 : -ENOMEM;
                }
        if (word[0] == '$') {
                /* Unknown facilities are taken to be targets ($all -> all.target, as systemd). */
                m = sdu_strjoin3(n, ".target", NULL);
                if (!m)
                        return -ENOMEM;
                if (!unit_name_is_valid(m, UNIT_NAME_PLAIN)) {
                        free(m);
                        return 0;
                }
                *ret = m;
                return 1;
        }
        if (sdu_endswith(script, ".sh"))
                sl -= 3;
        if (strlen(n) == sl && strncmp(n, script, sl) == 0)
                return 0; /* naming the script itself is redundant */
        m = sysv_translate_name(n);
        if (!m)
                return 0;
        *ret = m;
        return 1;
}

/* Bounds for what one init script can make the generator (and then the unit loader) hold: a real
 * LSB header names a handful of facilities in a line or two. Beyond them the rest is dropped, so
 * that the duplicate checks and joins stay linear in the script's size (a 1 MB script of distinct
 * names took seconds of PID 1's time). */
#define SYSV_LIST_MAX 256
#define SYSV_DESCRIPTION_MAX 4096

static int strv_add_unique(char ***l, const char *s) {
        if (strv_length(*l) >= SYSV_LIST_MAX || strv_contains(*l, s))
                return 0;
        return strv_extend(l, s);
}

static bool startswith_no_case(const char *s, const char *prefix) {
        return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Splits text into whitespace-separated words and hands each translated name to add(). */
static int for_each_facility(SysvStub *s, const char *text, bool provides, bool is_before) {
        const char *script = strrchr(s->path, '/') + 1;
        char *copy = strdup(text), *save = NULL;
        int k = 0;

        if (!copy)
                return -ENOMEM;
        for (char *w = strtok_r(copy, SDU_WHITESPACE, &save); w && k >= 0; w = strtok_r(NULL, SDU_WHITESPACE, &save)) {
                char *m = NULL;

                k = sysv_translate_facility(w, script, &m);
                if (k <= 0)
                        continue;
                if (provides) {
                        if (sdu_endswith(m, ".service"))
                                k = strv_add_unique(&s->aliases, m);
                        else if (sdu_endswith(m, ".target")) {
                                /* Targets a service provides are pulled in by it, strictly one-way. */
                                k = strv_add_unique(&s->before, m);
                                if (k >= 0)
                                        k = strv_add_unique(&s->wants, m);
                                if (k >= 0 && sdu_streq(m, "network-online.target"))
                                        k = strv_add_unique(&s->before, "network.target");
                        }
                } else if (sdu_streq(m, "network-online.target") && !is_before) {
                        /* network-online.target must be pulled in actively. */
                        k = strv_add_unique(&s->after, m);
                        if (k >= 0)
                                k = strv_add_unique(&s->wants, m);
                } else
                        k = strv_add_unique(is_before ? &s->before : &s->after, m);
                free(m);
        }
        free(copy);
        return k < 0 ? k : 0;
}

static bool usage_contains_reload(const char *line) {
        static const char *const pats[] = { "{reload|", "{reload}", "{reload\"", "|reload|", "|reload}", "|reload\"" };

        for (size_t i = 0; i < SDU_ELEMENTSOF(pats); i++)
                if (strcasestr(line, pats[i]))
                        return true;
        return false;
}

static int set_description(char **dst, const char *v) {
        char *c = NULL;

        if (v && *v && !(c = strdup(v)))
                return -ENOMEM;
        free(*dst);
        *dst = c;
        return 0;
}

static int append_description(char **dst, const char *v) {
        char *c;

        if (!*v || (*dst && strlen(*dst) >= SYSV_DESCRIPTION_MAX))
                return 0;
        c = *dst ? sdu_strjoin3(*dst, " ", v) : strdup(v);
        if (!c)
                return -ENOMEM;
        free(*dst);
        *dst = c;
        return 0;
}

/* The script's text (buf, modified) into s: its LSB header, chkconfig lines and usage. */
/* The script's len bytes (buf[len] is NUL). Lines end at "\n", "\r\n", "\r" or NUL, as for
 * systemd's read_line() and sdinit's unit parser: a lone CR kept inside a line went into the
 * Description= of the generated unit, where the unit parser ends the line, and a following "["
 * made the generated unit fail to load (found by fuzz/fuzz-sysv.c). */
static int sysv_parse(SysvStub *s, char *buf, size_t len, const UnitDiagSink *diag) {
        enum { NORMAL, DESCRIPTION, LSB, LSB_DESCRIPTION, USAGE_CONTINUATION } state = NORMAL;
        char *short_d = NULL, *long_d = NULL, *chk_d = NULL, *save = NULL;
        unsigned lineno = 0;
        int k = 0;

        /* strtok_r would merge empty lines; walk lines by hand to keep numbers right. */
        for (size_t pos = 0, e; pos < len && k >= 0; ) {
                char *t, *l = buf + pos, *raw = l;

                for (e = pos; e < len && buf[e] != '\n' && buf[e] != '\r' && buf[e] != 0; e++)
                        ;
                pos = e < len && buf[e] == '\r' && e + 1 < len && buf[e + 1] == '\n' ? e + 2 : e + 1;
                buf[e] = 0;
                lineno++;
                t = sdu_strstrip(l);
                if (*t != '#') {
                        /* Does the script support reload? Look at its "Usage" lines. */
                        if (state == USAGE_CONTINUATION || (state == NORMAL && strcasestr(t, "usage"))) {
                                if (usage_contains_reload(t)) {
                                        s->reload = true;
                                        state = NORMAL;
                                } else if (*t && t[strlen(t) - 1] == '\\')
                                        state = USAGE_CONTINUATION;
                                else
                                        state = NORMAL;
                        }
                        continue;
                }
                if (state == NORMAL && sdu_streq(t, "### BEGIN INIT INFO")) {
                        state = LSB;
                        s->has_lsb = true;
                        continue;
                }
                if ((state == LSB_DESCRIPTION || state == LSB) && sdu_streq(t, "### END INIT INFO")) {
                        state = NORMAL;
                        continue;
                }
                t++;
                t += strspn(t, SDU_WHITESPACE);
                if (state == NORMAL) {
                        /* Red Hat chkconfig style */
                        if (startswith_no_case(t, "description:")) {
                                size_t n = strlen(t);
                                if (n > 0 && t[n - 1] == '\\') {
                                        state = DESCRIPTION;
                                        t[n - 1] = 0;
                                }
                                k = set_description(&chk_d, sdu_strstrip(t + 12));
                        } else if (startswith_no_case(t, "pidfile:")) {
                                char *fn = sdu_strstrip(t + 8);
                                if (fn[0] != '/')
                                        unit_diag(diag, UNIT_DIAG_WARNING, s->host_path, lineno,
                                                  "PID file not absolute. Ignoring.");
                                else
                                        k = set_description(&s->pid_file, fn);
                        }
                } else if (state == DESCRIPTION) {
                        size_t n = strlen(t);
                        if (n > 0 && t[n - 1] == '\\')
                                t[n - 1] = 0;
                        else
                                state = NORMAL;
                        k = append_description(&chk_d, sdu_strstrip(t));
                } else {
                        if (startswith_no_case(t, "Provides:")) {
                                state = LSB;
                                k = for_each_facility(s, t + 9, true, false);
                        } else if (startswith_no_case(t, "Required-Start:") || startswith_no_case(t, "Should-Start:") ||
                                   startswith_no_case(t, "X-Start-Before:") || startswith_no_case(t, "X-Start-After:")) {
                                state = LSB;
                                k = for_each_facility(s, strchr(t, ':') + 1, false, startswith_no_case(t, "X-Start-Before:"));
                        } else if (startswith_no_case(t, "Default-Start:")) {
                                /* Not read by systemd (it looks at the rcN.d links); our fallback when
                                 * the script has no links at all. */
                                char *save2 = NULL, *copy = strdup(t + 14);
                                state = LSB;
                                if (!copy)
                                        k = -ENOMEM;
                                for (char *w = copy ? strtok_r(copy, SDU_WHITESPACE, &save2) : NULL; w && k >= 0;
                                     w = strtok_r(NULL, SDU_WHITESPACE, &save2))
                                        k = strv_add_unique(&s->default_start, w);
                                free(copy);
                        } else if (startswith_no_case(t, "Description:")) {
                                state = LSB_DESCRIPTION;
                                k = set_description(&long_d, sdu_strstrip(t + 12));
                        } else if (startswith_no_case(t, "Short-Description:")) {
                                state = LSB;
                                k = set_description(&short_d, sdu_strstrip(t + 18));
                        } else if (state == LSB_DESCRIPTION) {
                                if (sdu_startswith(raw, "#\t") || sdu_startswith(raw, "#  "))
                                        k = append_description(&long_d, sdu_strstrip(t));
                                else
                                        state = LSB;
                        }
                }
        }
        (void) save;
        if (k >= 0) {
                const char *d = short_d ? short_d : chk_d ? chk_d : long_d;
                if (d && !(s->description = sdu_strjoin3(s->has_lsb ? "LSB: " : "SYSV: ", d, NULL)))
                        k = -ENOMEM;
        }
        free(short_d);
        free(long_d);
        free(chk_d);
        return k;
}

static int sysv_load(SysvStub *s, const UnitDiagSink *diag) {
        char *buf = NULL;
        size_t len = 0;
        int k;

        k = read_full_file(s->host_path, &buf, &len);
        if (k < 0) {
                unit_diag(diag, UNIT_DIAG_WARNING, s->host_path, 0, "Failed to read init script, ignoring: %s", strerror(-k));
                return 0;
        }
        k = sysv_parse(s, buf, len, diag);
        free(buf);
        return k;
}

/* The runlevels systemd maps; 0, 1 and 6 are not (shutdown is handled by Conflicts=). */
static const struct {
        char runlevel;
        const char *target;
} rcnd_table[] = {
        { '2', "multi-user.target" },
        { '3', "multi-user.target" },
        { '4', "multi-user.target" },
        { '5', "graphical.target" },
};

static SysvStub *find_stub(SysvStub *stubs, size_t n, const char *name) {
        for (size_t i = 0; i < n; i++)
                if (sdu_streq(stubs[i].name, name))
                        return stubs + i;
        return NULL;
}

/* /etc/rcN.d/S##NAME (Debian) and /etc/rc.d/rcN.d (Red Hat). */
static int sysv_scan_rc_dirs(const char *root, SysvStub *stubs, size_t n) {
        static const char *const bases[] = { "/etc", "/etc/rc.d" };
        static const char levels[] = "0123456S";

        for (size_t b = 0; b < SDU_ELEMENTSOF(bases); b++)
                for (size_t l = 0; levels[l]; l++) {
                        char *dir = sdu_asprintf("%s%s/rc%c.d", norm_root(root), bases[b], levels[l]);
                        struct dirent *de;
                        DIR *d;

                        if (!dir)
                                return -ENOMEM;
                        d = opendir(dir);
                        free(dir);
                        if (!d)
                                continue;
                        while ((de = readdir(d))) {
                                char *name;
                                SysvStub *s;
                                int a, c;

                                if ((de->d_name[0] != 'S' && de->d_name[0] != 'K') || strlen(de->d_name) < 4)
                                        continue;
                                a = de->d_name[1] - '0';
                                c = de->d_name[2] - '0';
                                if (a < 0 || a > 9 || c < 0 || c > 9)
                                        continue;
                                name = sysv_translate_name(de->d_name + 3);
                                if (!name)
                                        continue;
                                s = find_stub(stubs, n, name);
                                free(name);
                                if (!s)
                                        continue;
                                s->in_rc_dirs = true;
                                if (de->d_name[0] != 'S')
                                        continue;
                                for (size_t i = 0; i < SDU_ELEMENTSOF(rcnd_table); i++)
                                        if (rcnd_table[i].runlevel == levels[l]) {
                                                if (a * 10 + c > s->start_priority)
                                                        s->start_priority = a * 10 + c;
                                                if (strv_add_unique(&s->before, rcnd_table[i].target) < 0 ||
                                                    strv_add_unique(&s->wanted_by, rcnd_table[i].target) < 0) {
                                                        closedir(d);
                                                        return -ENOMEM;
                                                }
                                        }
                        }
                        closedir(d);
                }
        return 0;
}

static bool native_unit_exists(const char *root, char *const *search_path, const char *name) {
        for (size_t i = 0; search_path && search_path[i]; i++) {
                char *dir = rooted(root, search_path[i]), *p;
                struct stat st;
                bool found;

                if (!dir)
                        return false;
                p = sdu_path_join(dir, name);
                free(dir);
                found = p && lstat(p, &st) >= 0;
                free(p);
                if (found)
                        return true;
        }
        return false;
}

static int write_strv(FILE *f, const char *key, char *const *l) {
        for (size_t i = 0; l && l[i]; i++)
                fprintf(f, "%s=%s\n", key, l[i]);
        return 0;
}

static void sysv_write_unit(const SysvStub *s, FILE *f) {
        fprintf(f,
                "# Automatically generated by sdinit from a SysV init script (as systemd-sysv-generator does)\n\n"
                "[Unit]\n"
                "Documentation=man:systemd-sysv-generator(8)\n"
                "SourcePath=%s\n",
                s->path);
        if (s->description)
                fprintf(f, "Description=%s\n", s->description);
        write_strv(f, "Before", s->before);
        write_strv(f, "After", s->after);
        write_strv(f, "Wants", s->wants);
        fprintf(f,
                "\n[Service]\n"
                "Type=forking\n"
                "Restart=no\n"
                "TimeoutSec=5min\n"
                "IgnoreSIGPIPE=no\n"
                "KillMode=process\n"
                "GuessMainPID=no\n"
                "RemainAfterExit=%s\n"
                "SuccessExitStatus=5 6\n",
                s->pid_file ? "no" : "yes");
        if (s->pid_file)
                fprintf(f, "PIDFile=%s\n", s->pid_file);
        fprintf(f, "ExecStart=%s start\nExecStop=%s stop\n", s->path, s->path);
        if (s->reload)
                fprintf(f, "ExecReload=%s reload\n", s->path);
}

static int sysv_write(const SysvStub *s, const char *dest, const UnitDiagSink *diag) {
        char *unit = sdu_path_join(dest, s->name);
        struct stat st;
        FILE *f;
        int fd;

        if (!unit)
                return -ENOMEM;
        /* A Provides: alias of another script may have taken the name; real scripts win. */
        if (lstat(unit, &st) >= 0 && S_ISLNK(st.st_mode))
                (void) unlink(unit);
        fd = open(unit, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        f = fd >= 0 ? fdopen(fd, "we") : NULL;
        if (!f) {
                unit_diag(diag, UNIT_DIAG_WARNING, unit, 0, "Failed to create unit file: %s", strerror(errno));
                if (fd >= 0)
                        close(fd);
                free(unit);
                return 0;
        }
        sysv_write_unit(s, f);
        if (fclose(f) != 0)
                unit_diag(diag, UNIT_DIAG_WARNING, unit, 0, "Failed to write unit file: %s", strerror(errno));
        free(unit);

        for (size_t i = 0; s->wanted_by && s->wanted_by[i]; i++) {
                char *dir = sdu_asprintf("%s/%s.wants", dest, s->wanted_by[i]), *link, *target;

                if (!dir)
                        return -ENOMEM;
                (void) mkdir(dir, 0755);
                link = sdu_path_join(dir, s->name);
                target = sdu_path_join("..", s->name);
                if (link && target && symlink(target, link) < 0 && errno != EEXIST)
                        unit_diag(diag, UNIT_DIAG_WARNING, link, 0, "Failed to create 'Wants' symlink, ignoring: %s",
                                  strerror(errno));
                free(dir);
                free(link);
                free(target);
                if (!link || !target)
                        return -ENOMEM;
        }
        return 1;
}

/* The runlevels of Default-Start: for a script without rcN.d links. */
static int sysv_default_start(SysvStub *s) {
        int k = 0;

        for (size_t j = 0; j < SDU_ELEMENTSOF(rcnd_table) && k >= 0; j++) {
                char lvl[2] = { rcnd_table[j].runlevel, 0 };

                if (!strv_contains(s->default_start, lvl))
                        continue;
                k = strv_add_unique(&s->before, rcnd_table[j].target);
                if (k >= 0)
                        k = strv_add_unique(&s->wanted_by, rcnd_table[j].target);
        }
        return k;
}

int unit_sysv_convert(const char *path, char *text, size_t len, FILE *out, const UnitDiagSink *diag) {
        const char *base = strrchr(path, '/');
        SysvStub s = { .start_priority = -1 };
        int k = -ENOMEM;

        base = base ? base + 1 : path;
        s.name = sysv_translate_name(base);
        if (!s.name)
                return -EINVAL;
        s.path = strdup(path);
        s.host_path = strdup(path);
        if (s.path && s.host_path)
                k = sysv_parse(&s, text, len, diag);
        if (k >= 0)
                k = sysv_default_start(&s);
        if (k >= 0)
                sysv_write_unit(&s, out);
        stub_free(&s);
        return k;
}

int unit_sysv_generate(const char *root, const char *dest, char *const *search_path, const UnitDiagSink *diag) {
        static const char *const initd_dirs[] = { "/etc/init.d", NULL };
        SysvStub *stubs = NULL;
        size_t n = 0;
        int k = 0, written = 0;

        if (!search_path)
                search_path = (char *const *) unit_default_search_path;
        for (size_t i = 0; initd_dirs[i] && k >= 0; i++) {
                char *dir = rooted(root, initd_dirs[i]);
                struct dirent *de;
                DIR *d;

                if (!dir)
                        return -ENOMEM;
                d = opendir(dir);
                free(dir);
                if (!d)
                        continue;
                while (k >= 0 && (de = readdir(d))) {
                        struct stat st;
                        char *name;
                        SysvStub *grown;

                        if (hidden_or_backup(de->d_name))
                                continue;
                        if (fstatat(dirfd(d), de->d_name, &st, 0) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR))
                                continue;
                        name = sysv_translate_name(de->d_name);
                        if (!name)
                                continue;
                        /* A native unit (or a mask) of that name wins. */
                        if (find_stub(stubs, n, name) || native_unit_exists(root, search_path, name)) {
                                free(name);
                                continue;
                        }
                        grown = realloc(stubs, (n + 1) * sizeof(*stubs));
                        if (!grown) {
                                free(name);
                                k = -ENOMEM;
                                break;
                        }
                        stubs = grown;
                        stubs[n] = (SysvStub) { .name = name, .start_priority = -1 };
                        stubs[n].path = sdu_path_join(initd_dirs[i], de->d_name);
                        stubs[n].host_path = rooted(root, stubs[n].path);
                        n++;
                        if (!stubs[n - 1].path || !stubs[n - 1].host_path)
                                k = -ENOMEM;
                }
                closedir(d);
        }
        for (size_t i = 0; i < n && k >= 0; i++)
                k = sysv_load(stubs + i, diag);
        if (k >= 0)
                k = sysv_scan_rc_dirs(root, stubs, n);
        /* Fallback (not in systemd): a script that has no rcN.d link at all, as when the package's
         * postinst never ran update-rc.d, is enabled for the runlevels of its Default-Start:. */
        for (size_t i = 0; i < n && k >= 0; i++)
                if (!stubs[i].in_rc_dirs)
                        k = sysv_default_start(stubs + i);
        /* Start priorities order scripts only where one of the two lacks an LSB header. */
        for (size_t i = 0; i < n && k >= 0; i++)
                for (size_t j = 0; j < n && k >= 0; j++) {
                        SysvStub *s = stubs + i, *o = stubs + j;

                        if (i == j || s->start_priority < 0 || o->start_priority < 0 || (s->has_lsb && o->has_lsb))
                                continue;
                        if (o->start_priority < s->start_priority)
                                k = strv_add_unique(&s->after, o->name);
                        else if (o->start_priority > s->start_priority)
                                k = strv_add_unique(&s->before, o->name);
                }
        for (size_t i = 0; i < n && k >= 0; i++) {
                k = sysv_write(stubs + i, dest, diag);
                if (k > 0)
                        written++;
        }
        /* Provides: aliases, unless a unit of that name exists already. */
        for (size_t i = 0; i < n && k >= 0; i++)
                for (size_t j = 0; stubs[i].aliases && stubs[i].aliases[j]; j++) {
                        const char *alias = stubs[i].aliases[j];
                        char *link;

                        if (native_unit_exists(root, search_path, alias))
                                continue;
                        link = sdu_path_join(dest, alias);
                        if (!link) {
                                k = -ENOMEM;
                                break;
                        }
                        if (symlink(stubs[i].name, link) < 0 && errno != EEXIST)
                                unit_diag(diag, UNIT_DIAG_WARNING, stubs[i].host_path, 0,
                                          "Failed to add LSB Provides name %s, ignoring: %s", alias, strerror(errno));
                        free(link);
                }
        for (size_t i = 0; i < n; i++)
                stub_free(stubs + i);
        free(stubs);
        return k < 0 ? k : written;
}
