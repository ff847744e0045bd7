/* SPDX-License-Identifier: MIT */
/* Run as a service's ExecStart=: prints what the kernel enforces on it, one "key=value" per line:
 * the identity and capability lines of /proc/self/status, then the verdict of probes, each tried in
 * a forked child (a seccomp kill only kills that child): "ok", an errno name, or "killed:SIGNAL". */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int p_af_packet(void) {
        return socket(AF_PACKET, SOCK_RAW, 0) < 0 ? errno : 0;
}
static int p_af_inet(void) {
        return socket(AF_INET, SOCK_STREAM, 0) < 0 ? errno : 0;
}
static int p_af_netlink(void) {
        return socket(AF_NETLINK, SOCK_RAW, 0) < 0 ? errno : 0;
}
static int p_swapoff(void) { /* @swap, @privileged */
        return syscall(SYS_swapoff, "/nonexistent-sdinit-probe") < 0 ? errno : 0;
}
static int p_ioperm(void) { /* @raw-io */
        return syscall(SYS_ioperm, 0UL, 0UL, 0) < 0 ? errno : 0;
}
static int p_init_module(void) { /* @module */
        return syscall(SYS_init_module, NULL, 0UL, "") < 0 ? errno : 0;
}
static int p_ptrace(void) { /* @debug */
        return syscall(SYS_ptrace, 0x4206 /* PTRACE_SEIZE */, 1, 0, 0) < 0 ? errno : 0;
}
static int p_mount(void) { /* @mount */
        return syscall(SYS_umount2, "/nonexistent-sdinit-probe", 0) < 0 ? errno : 0;
}
static int p_clock(void) { /* @clock: an invalid clock */
        struct timespec ts = { 0, 0 };
        return syscall(SYS_clock_settime, 0x7fff, &ts) < 0 ? errno : 0;
}
static int p_setuid(void) { /* @setuid: to ourselves */
        return syscall(SYS_setresuid, -1, -1, -1) < 0 ? errno : 0;
}
static int p_sched_fifo(void) {
        struct sched_param sp = { .sched_priority = 1 };
        return sched_setscheduler(0, SCHED_FIFO, &sp) < 0 ? errno : 0;
}
static int p_wx_mmap(void) {
        void *m = mmap(NULL, 4096, PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        return m == MAP_FAILED ? errno : 0;
}
static int p_unshare_uts(void) {
        return unshare(CLONE_NEWUTS) < 0 ? errno : 0;
}
static int p_unshare_net(void) {
        return unshare(CLONE_NEWNET) < 0 ? errno : 0;
}
static int p_personality(void) {
        return personality(PER_LINUX32) < 0 ? errno : 0;
}
static int p_suid(void) {
        char path[] = "/tmp/sdinit-probe-XXXXXX";
        int fd = mkstemp(path), r;
        if (fd < 0)
                return errno;
        r = fchmod(fd, 04755) < 0 ? errno : 0;
        close(fd);
        unlink(path);
        return r;
}
static int p_sgid_mkdir(void) {
        char path[] = "/tmp/sdinit-probe-dir-XXXXXX";
        int r;
        if (!mkdtemp(path))
                return errno;
        rmdir(path);
        r = mkdir(path, 02755) < 0 ? errno : 0;
        rmdir(path);
        return r;
}
/* A call through another system call architecture (SystemCallArchitectures=): getpid() as an
 * i386 program makes it (int $0x80, number 20), and as an x32 one (the x32 bit, number 39). */
static int p_i386_getpid(void) {
#if defined(__x86_64__)
        long r = 20;
        __asm__ volatile("int $0x80" : "+a"(r) : : "memory", "r8", "r9", "r10", "r11");
        return r < 0 ? (int) -r : 0;
#else
        return ENOSYS;
#endif
}
static int p_x32_getpid(void) {
#if defined(__x86_64__)
        return syscall(0x40000000L | 39) < 0 ? errno : 0;
#else
        return ENOSYS;
#endif
}
static int p_keyctl_join(void) { /* what KeyringMode= left: a session keyring can be joined */
        return syscall(SYS_keyctl, 1 /* KEYCTL_JOIN_SESSION_KEYRING */, 0) < 0 ? errno : 0;
}

static const struct {
        const char *name;
        int (*fn)(void);
} probes[] = {
        { "af_packet", p_af_packet },   { "af_inet", p_af_inet },       { "af_netlink", p_af_netlink },
        { "swapoff", p_swapoff },       { "ioperm", p_ioperm },         { "init_module", p_init_module },
        { "ptrace", p_ptrace },         { "umount2", p_mount },         { "clock_settime", p_clock },
        { "setresuid", p_setuid },      { "sched_fifo", p_sched_fifo }, { "wx_mmap", p_wx_mmap },
        { "unshare_uts", p_unshare_uts }, { "unshare_net", p_unshare_net }, { "personality32", p_personality },
        { "chmod_suid", p_suid },       { "mkdir_sgid", p_sgid_mkdir }, { "keyctl_join", p_keyctl_join },
        { "i386_getpid", p_i386_getpid }, { "x32_getpid", p_x32_getpid },
};

int main(int argc, char **argv) {
        static const char *const keys[] = { "Uid:", "Gid:", "Groups:", "NoNewPrivs:", "Seccomp:", "Seccomp_filters:",
                                            "CapInh:", "CapPrm:", "CapEff:", "CapBnd:", "CapAmb:", "Cpus_allowed_list:",
                                            "Mems_allowed_list:", NULL };
        char line[512];
        FILE *f = fopen("/proc/self/status", "re");
        const char *cd;

        while (f && fgets(line, sizeof(line), f))
                for (int i = 0; keys[i]; i++)
                        if (strncmp(line, keys[i], strlen(keys[i])) == 0) {
                                char *v = line + strlen(keys[i]);
                                v += strspn(v, " \t");
                                for (char *t = v; *t; t++)
                                        if (*t == '\t')
                                                *t = ' ';
                                printf("%.*s=%s", (int) strlen(keys[i]) - 1, keys[i], v);
                        }
        if (f)
                fclose(f);
        printf("umask=%04o\n", (unsigned) umask(0));
        printf("securebits=%d\n", prctl(PR_GET_SECUREBITS, 0, 0, 0, 0));
        if ((f = fopen("/proc/self/coredump_filter", "re"))) {
                if (fgets(line, sizeof(line), f))
                        printf("coredump_filter=%s", line);
                fclose(f);
        }
        {
                /* NUMAPolicy=: the memory policy mode (get_mempolicy) */
                int mode = -1;
                printf("mempolicy=%s\n", syscall(SYS_get_mempolicy, &mode, NULL, 0UL, NULL, 0UL) == 0 ? (char[]) { (char) ('0' + mode), 0 } : strerrorname_np(errno));
        }
        for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
                int st;
                pid_t pid;
                fflush(stdout);
                pid = fork();
                if (pid == 0)
                        _exit(probes[i].fn() & 0xff);
                if (pid < 0 || waitpid(pid, &st, 0) < 0)
                        printf("%s=fork-failed\n", probes[i].name);
                else if (WIFSIGNALED(st))
                        printf("%s=killed:%s\n", probes[i].name, sigabbrev_np(WTERMSIG(st)));
                else
                        printf("%s=%s\n", probes[i].name, WEXITSTATUS(st) ? strerrorname_np(WEXITSTATUS(st)) : "ok");
        }
        cd = getenv("CREDENTIALS_DIRECTORY");
        printf("creds_dir=%s\n", cd ? cd : "");
        if (cd) {
                struct stat st;
                DIR *d = opendir(cd);
                struct dirent *de;
                if (stat(cd, &st) == 0)
                        printf("creds_dir_stat=%04o %u\n", (unsigned) (st.st_mode & 07777), (unsigned) st.st_uid);
                while (d && (de = readdir(d))) {
                        char p[4096], data[256] = "";
                        int fd;
                        ssize_t n;
                        if (de->d_name[0] == '.')
                                continue;
                        snprintf(p, sizeof(p), "%s/%s", cd, de->d_name);
                        if (stat(p, &st) < 0)
                                continue;
                        fd = open(p, O_RDONLY | O_CLOEXEC);
                        n = fd >= 0 ? read(fd, data, sizeof(data) - 1) : -1;
                        if (fd >= 0)
                                close(fd);
                        data[n > 0 ? n : 0] = '\0';
                        for (char *t = data; *t; t++)
                                if (*t == '\n')
                                        *t = '|';
                        printf("cred:%s=%04o %u %s\n", de->d_name, (unsigned) (st.st_mode & 07777), (unsigned) st.st_uid, data);
                }
                if (d)
                        closedir(d);
                /* read-only: a new file cannot be created */
                snprintf(line, sizeof(line), "%s/new", cd);
                {
                        int fd = open(line, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
                        printf("creds_write=%s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
                        if (fd >= 0)
                                close(fd);
                }
        }
        {
                const char *sd = getenv("STATE_DIRECTORY");
                printf("state_dir=%s\n", sd ? sd : "");
                if (sd) {
                        struct stat st;
                        char p[4096];
                        int fd;
                        if (stat(sd, &st) == 0)
                                printf("state_dir_stat=%04o %u %u\n", (unsigned) (st.st_mode & 07777), (unsigned) st.st_uid,
                                       (unsigned) st.st_gid);
                        snprintf(p, sizeof(p), "%s/probe-file", sd);
                        printf("state_prev=%s\n", access(p, F_OK) == 0 ? "yes" : "no");
                        fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
                        printf("state_write=%s\n", fd >= 0 ? "ok" : strerrorname_np(errno));
                        if (fd >= 0)
                                close(fd);
                }
        }
        printf("user_env=%s home_env=%s\n", getenv("USER") ? getenv("USER") : "", getenv("HOME") ? getenv("HOME") : "");
        (void) argc, (void) argv;
        printf("probe-done\n");
        return 0;
}
