/* SPDX-License-Identifier: MIT */
/* cgroup mechanisms for the service manager (issue 5, parts 2-5).
 *
 * Design
 * ------
 * Everything goes through one caller-owned `struct cg_manager` (no global state): the cgroup2 mount
 * as we see it, our own cgroup directory (the top of everything we manage), a capability mask of
 * what works here, and an optional log callback.  The library never logs otherwise, never aborts,
 * and returns 0 / a count on success and -errno on failure.
 *
 * Paths given to the functions below are relative to our own cgroup ("" = our cgroup itself,
 * "system.slice/foo.service"); absolute paths and "." / ".." components are refused (-EINVAL).
 *
 * Life cycle, as the service manager uses it:
 *   env_detect()  ->  cg_manager_init()  ->  cg_manager_takeover()
 *                     (on failure: degraded; cg_manager_warning() gives the one warning line)
 *   per unit:  cg_unit_create() -> cg_apply_limits() -> cg_spawn_into() -> cg_watch_add()
 *              stop: cg_signal(SIGTERM) ... cg_kill() ... cg_read_populated()==0 -> cg_remove()
 *   degraded:  cg_spawn_into(path NULL) + proc_kill_tree() (pidfd, process group, /proc walk)
 *
 * The pure parts (unit -> cgroup path layout, escaping, CPUQuota and limit formatting) do no I/O
 * and are unit tested directly. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct env_info;

#define CG_PATH_MAX 4096
#define CG_NAME_MAX 64
#define CG_MAX_CONTROLLERS 32
#define CG_WHY_MAX 256
#define CG_WARNING_MAX 512

/* What works here (struct cg_manager.caps). */
enum {
        CG_CAP_TREE = 1u << 0,       /* a writable cgroup2 subtree of our own: per-service cgroups */
        CG_CAP_KILL = 1u << 1,       /* cgroup.kill (kernel >= 5.14) */
        CG_CAP_FREEZE = 1u << 2,     /* cgroup.freeze (kernel >= 5.2) */
        CG_CAP_CLONE_INTO = 1u << 3, /* clone3(CLONE_INTO_CGROUP) (kernel >= 5.7) */
        CG_CAP_PIDFD = 1u << 4,      /* pidfd_open/CLONE_PIDFD: independent of cgroups */
};

/* Controllers sdinit knows (struct cg_manager.controllers); others are still enabled by name. */
enum {
        CG_CTRL_CPU = 1u << 0,
        CG_CTRL_CPUSET = 1u << 1,
        CG_CTRL_IO = 1u << 2,
        CG_CTRL_MEMORY = 1u << 3,
        CG_CTRL_PIDS = 1u << 4,
        CG_CTRL_HUGETLB = 1u << 5,
        CG_CTRL_RDMA = 1u << 6,
        CG_CTRL_MISC = 1u << 7,
        /* What resource control (CPU*, AllowedCPUs, IOWeight, Memory*, TasksMax) needs. */
        CG_CTRL_WANTED = CG_CTRL_CPU | CG_CTRL_CPUSET | CG_CTRL_IO | CG_CTRL_MEMORY | CG_CTRL_PIDS,
};

/* Log callback; level is a syslog level (LOG_ERR ... LOG_DEBUG). message has no newline. */
typedef void (*cg_log_fn)(void *userdata, int level, const char *message);

struct cg_manager {
        char mount_dir[CG_PATH_MAX]; /* cgroup2 mount point as seen by us, "" if none */
        char own_path[CG_PATH_MAX];  /* our cgroup as /proc/self/cgroup names it ("/" in a cgroupns) */
        char own_dir[CG_PATH_MAX];   /* its directory: the top of everything we manage */
        unsigned caps;               /* CG_CAP_* */
        unsigned controllers;        /* CG_CTRL_* available to our children (cgroup.controllers,
                                      * then what the take-over really enabled) */
        char why[CG_WHY_MAX];        /* why CG_CAP_TREE is missing, "" if present */
        int freeze_timeout_ms;       /* cg_kill fallback: wait for "frozen 1" (default 5000) */
        uint64_t tasks_max_base;     /* cg_system_tasks_max(), read once; 0: read it (again) */
        /* The last slice cg_create() enabled controllers in (relative path, "" if none or too long
         * to keep): found existing again, it is not read again at every unit's start. cg_remove()
         * forgets it when it removes a slice. */
        char ready_slice[256];
        cg_log_fn log;
        void *log_userdata;
};

/* ---- Degraded modes (cg-caps.c) ------------------------------------------------------------- */

struct cg_assessment {
        unsigned caps;
        unsigned controllers;        /* CG_CTRL_* in our cgroup.controllers */
        char why[CG_WHY_MAX];        /* why there is no usable cgroup tree, "" if there is */
        char warning[CG_WARNING_MAX]; /* ONE human line of what is unavailable, "" if nothing */
};

/* Pure: capability mask and warning line from env_detect()'s result. */
void cg_assess(const struct env_info *info, struct cg_assessment *ret);

/* Pure: the warning line for a mask (what cg_assess() puts in .warning). Returns its length,
 * 0 when nothing is unavailable. */
size_t cg_warning_line(unsigned caps, unsigned controllers, const char *why, char *buf, size_t size);

/* Controller name list ("cpu io memory") <-> CG_CTRL_* mask; unknown names are ignored. */
unsigned cg_controller_mask(const char *list);
const char *cg_controller_name(unsigned bit);

/* ---- Manager and take-over (cg-takeover.c) -------------------------------------------------- */

/* Fill *m from env_detect()'s result (no I/O, no side effects). log may be NULL.
 * Returns 0 (also when degraded: see m->caps and cg_manager_warning()), -EINVAL on bad args. */
int cg_manager_init(struct cg_manager *m, const struct env_info *info, cg_log_fn log, void *userdata);

/* What a relative TasksMax= (and DefaultTasksMax=) is a fraction of, as systemd's
 * system_tasks_max(): the least of kernel.threads-max, kernel.pid_max - 1, pids.max of our root
 * cgroup and 4194303. Read once and kept in m->tasks_max_base (set it to 0 to read again: a
 * daemon-reload does). */
uint64_t cg_system_tasks_max(struct cg_manager *m);

/* The one warning line for the manager's current state. Returns its length (0: nothing missing). */
size_t cg_manager_warning(const struct cg_manager *m, char *buf, size_t size);

struct cg_ctrl_error {
        char name[CG_NAME_MAX];
        int error; /* positive errno */
};

struct cg_takeover_result {
        unsigned moved;  /* processes moved into init.scope */
        unsigned rounds; /* passes over cgroup.procs until it was empty */
        char enabled[CG_MAX_CONTROLLERS][CG_NAME_MAX];
        size_t n_enabled;
        struct cg_ctrl_error failed[CG_MAX_CONTROLLERS];
        size_t n_failed;
};

/* Create init.scope in our cgroup, move every process of our cgroup (PID 1 included) into it
 * until cgroup.procs stays empty, then enable each controller of cgroup.controllers with one write
 * each to cgroup.subtree_control. Controller failures are reported in *ret and logged, not fatal.
 * Returns 0, or -errno when init.scope cannot be created or the processes cannot be moved; then
 * the manager is degraded (caps lose CG_CAP_TREE/KILL/FREEZE/CLONE_INTO, why is set). */
int cg_manager_takeover(struct cg_manager *m, struct cg_takeover_result *ret);

/* The same in two halves. _begin() creates init.scope and starts a helper there (clone3
 * CLONE_INTO_CGROUP) that moves our processes into it; the caller goes on meanwhile (a move waits
 * for an RCU grace period of the kernel's) and must not fork into our own cgroup until _finish()
 * has waited for the helper, moved what is left and enabled the controllers. Without
 * CLONE_INTO_CGROUP (or when the helper cannot start) _finish() does it all. _begin() fails only
 * as cg_manager_takeover() does when init.scope cannot be created (p then holds nothing). */
struct cg_takeover_pending {
        pid_t pid;   /* the helper, 0: none */
        int pidfd;   /* its pidfd, or -1 */
        int fd;      /* the read end of its result pipe, or -1 */
};
int cg_manager_takeover_begin(struct cg_manager *m, struct cg_takeover_pending *p);
int cg_manager_takeover_finish(struct cg_manager *m, struct cg_takeover_pending *p, struct cg_takeover_result *ret);

/* Enable every controller of <path>/cgroup.controllers in <path>/cgroup.subtree_control, one
 * write each; already enabled ones are skipped. Returns the number of failures (logged). */
int cg_enable_controllers(struct cg_manager *m, const char *path, struct cg_takeover_result *ret);

/* ---- Layout (cg-layout.c, pure) ------------------------------------------------------------- */

/* systemd's unit_name_escape(): '/' -> '-', '-', '\' and chars outside [A-Za-z0-9:_.] -> \xNN,
 * a leading '.' -> \x2e. Returns the length or -ENAMETOOLONG/-EINVAL. */
int cg_unit_name_escape(const char *s, char *buf, size_t size);

/* systemd's cg_escape(): prefix '_' to names that could clash with kernel files ("cgroup.*",
 * "<controller>.*", a leading '_' or '.'). Returns the length or -ENAMETOOLONG/-EINVAL. */
int cg_escape_name(const char *name, char *buf, size_t size);

/* "a-b-c.slice" -> "a.slice/a-b.slice/a-b-c.slice", "-.slice" -> "" (our root). -EINVAL for
 * invalid slice names (not *.slice, leading/trailing/double dashes). Returns the length. */
int cg_slice_path(const char *slice, char *buf, size_t size);

/* The slice systemd puts a unit into by default: "system.slice", or
 * "system-<escaped template>.slice" for instances; "-.slice" for init.scope and for slices
 * themselves (their parent is then implied by their name). Returns the length or -EINVAL. */
int cg_unit_default_slice(const char *unit, char *buf, size_t size);

/* The cgroup of a unit relative to our root: "system.slice/foo.service",
 * "system.slice/system-foo.slice/foo@bar.service", with slice_override (Slice=, may be NULL)
 * "a.slice/a-b.slice/foo.service"; Slice=-.slice puts the unit at our root. A slice unit's own
 * path comes from its name. Returns the length, -EINVAL (bad name, template without instance),
 * -ENAMETOOLONG. */
int cg_unit_path(const char *unit, const char *slice_override, char *buf, size_t size);

/* ---- Tree (cg-tree.c) ----------------------------------------------------------------------- */

enum {
        CG_CREATE_SLICE = 1u << 0, /* the last component is a slice too: enable controllers in it */
};

/* mkdir -p below our root; every intermediate component (and the last with CG_CREATE_SLICE)
 * gets the controllers its parent gives it enabled in its cgroup.subtree_control (failures
 * logged, not fatal). Returns 0 or -errno of the failing mkdir. */
int cg_create(struct cg_manager *m, const char *path, unsigned flags);

/* cg_unit_path() + cg_create(); the path is returned in ret_path (may be NULL). */
int cg_unit_create(struct cg_manager *m, const char *unit, const char *slice_override, char *ret_path,
                   size_t size);

enum {
        CG_REMOVE_PARENTS = 1u << 0, /* then rmdir the now empty ancestors (stops at our root) */
};

/* Remove the cgroup and its sub-cgroups, deepest first. -EBUSY if processes remain. ENOENT is
 * success. Our own root ("") is never removed. */
int cg_remove(struct cg_manager *m, const char *path, unsigned flags);

/* ---- Delegation (cg-delegate.c) -------------------------------------------------------------- */

/* Delegate= with User=: chown the cgroup directory (mode 0755) and its cgroup.procs,
 * cgroup.subtree_control and cgroup.threads (0644) to uid/gid, as systemd's cg_set_access();
 * nothing is created inside. Returns 0 or -errno of the directory or of the first two files
 * (failures are logged; cgroup.threads is not fatal). */
int cg_delegate(struct cg_manager *m, const char *path, uid_t uid, gid_t gid);

/* Delegate=: enable the controllers (kernel names, white-space separated) in the
 * cgroup.subtree_control of our root and of every ancestor of path, where the parent offers them;
 * path's own cgroup.subtree_control is not written. Returns the number of controllers that could
 * not be enabled (logged), or -errno. */
int cg_delegate_enable(struct cg_manager *m, const char *path, const char *controllers);

/* Delegate=: the cgroup for the control processes that run once the main process is there
 * (ExecStartPost=, ExecReload=, ExecStop=, ExecStopPost=): "<path>/.control", created (no controller
 * enabled, nothing else touched), as systemd's exec_parameters_get_cgroup_path(): the service may
 * have made its own cgroup an inner one. Its relative path goes to ret. Returns 0 or -errno. */
int cg_delegate_control(struct cg_manager *m, const char *path, char *ret, size_t size);

/* Delegate=: mark the cgroup as delegated for its users, as systemd's cgroup_xattr_apply():
 * trusted.delegate and user.delegate set to "1", best effort (the manager never reads them; a
 * user namespace cannot set trusted.*). */
void cg_delegate_mark(struct cg_manager *m, const char *path);

/* ---- Processes (cg-proc.c) ------------------------------------------------------------------ */

/* Runs in the child; its return value is the exit status (normally it exec()s). After the raw
 * clone3() the child is a fork() without atfork handlers: in a multi-threaded caller only
 * async-signal-safe calls are allowed before exec. */
typedef int (*cg_child_fn)(void *userdata);

enum {
        CG_SPAWN_NO_CLONE3 = 1u << 0, /* force fork + join cgroup.procs in the child */
        CG_SPAWN_NO_PIDFD = 1u << 1,
        /* posix_spawn-style: the child shares our memory (CLONE_VM|CLONE_VFORK) and runs on a stack
         * of its own; we are suspended until it execs or exits, so nothing of our address space is
         * copied (fork's cost grows with the caller's heap). All signals are blocked in the caller
         * around the clone; fn starts with everything blocked and must reset the dispositions of
         * caught signals before it unblocks any. fn may only do async-signal-safe work on data
         * prepared before (no malloc, no stdio, no locks) and write nothing shared but what its
         * caller set aside for it. */
        CG_SPAWN_VFORK = 1u << 2,
};

struct cg_spawn_result {
        pid_t pid;
        int pidfd;        /* -1 if not available; the caller closes it */
        bool used_clone3; /* born in the cgroup by clone3(CLONE_INTO_CGROUP) */
};

/* Start fn in the cgroup path ("" not allowed: our root has controllers enabled). With path
 * NULL, or without CG_CAP_TREE, the child is started where we are (degraded mode). When this
 * returns 0 the child is already in the cgroup. If the child cannot join, it exits with 219
 * (systemd's EXIT_CGROUP), is reaped, and -errno is returned. */
int cg_spawn_into(struct cg_manager *m, const char *path, unsigned flags, cg_child_fn fn, void *userdata,
                  struct cg_spawn_result *ret);

/* One inotify fd (non-blocking, close-on-exec) for the watches of every unit's cgroup: closing an
 * inotify instance waits for an SRCU grace period (about 0.7 ms here), which a fd per unit paid at
 * every unit's stop. Returns the fd or -errno. */
int cg_watch_new(void);

/* Watches <path>/<file> (cgroup.events: populated; memory.events: the OOM killer acted) on fd:
 * returns the watch descriptor or -errno (-ENOENT: the controller is not enabled there). Set it
 * up, then read the file: changes in between are not lost. inotify_rm_watch() ends it. */
int cg_watch_add(struct cg_manager *m, int fd, const char *path, const char *file);

/* Reads the pending events of fd and calls fn with each event's watch descriptor (not for
 * IN_IGNORED). Returns the number of events or -errno. */
int cg_watch_read(int fd, void (*fn)(int wd, void *userdata), void *userdata);

/* memory.events' oom_kill of the cgroup: 0 and *ret, or -errno (-ENOENT: no memory controller). */
int cg_read_oom_kills(struct cg_manager *m, const char *path, uint64_t *ret);

/* Consume pending inotify events. Returns the number of events or -errno. */
int cg_watch_drain(int fd);

/* 1 if populated, 0 if empty, -errno. */
int cg_read_populated(struct cg_manager *m, const char *path);

/* Block until the cgroup is empty (inotify + poll, no sleeping). 0, -ETIMEDOUT, -errno. */
int cg_wait_empty(struct cg_manager *m, const char *path, int timeout_ms);

enum {
        CG_KILL_NO_CGROUP_KILL = 1u << 0, /* force the freeze / kill each pid / thaw fallback */
        CG_KILL_NO_FREEZE = 1u << 1,      /* fallback without freezing (kill until empty) */
};

struct cg_kill_result {
        bool used_cgroup_kill;
        bool froze;         /* the fallback froze the cgroup and saw "frozen 1" */
        unsigned signalled; /* processes sent SIGKILL by the fallback */
        unsigned rounds;
};

/* SIGKILL everything in the cgroup and below: cgroup.kill when present, else freeze, SIGKILL
 * each pid of every cgroup.procs (recursively), thaw. Does not wait for the processes to be gone:
 * use cg_watch_add()/cg_wait_empty(). Returns 0 or -errno. */
int cg_kill(struct cg_manager *m, const char *path, unsigned flags, struct cg_kill_result *ret);

enum {
        CG_SIGNAL_CONT = 1u << 0, /* follow with SIGCONT (so stopped processes see a SIGTERM) */
};

/* Send sig to every process of the cgroup and its sub-cgroups (KillMode=control-group).
 * Returns the number of processes signalled, or -errno. Our own process is skipped. */
int cg_signal(struct cg_manager *m, const char *path, int sig, unsigned flags);

enum {
        PROC_KILL_PGROUP = 1u << 0, /* also signal pid's process group (if it is not ours) */
        PROC_KILL_CONT = 1u << 1,   /* follow with SIGCONT */
};

/* Degraded fallback without cgroups: signal pid (through pidfd when >= 0), its descendants
 * found by walking /proc (PPid), and with PROC_KILL_PGROUP its process group. For SIGKILL the
 * tree is stopped first (SIGSTOP until no new descendant appears) so forking cannot escape.
 * Processes already re-parented away (double fork) are out of reach: only a cgroup finds them.
 * Returns the number of processes signalled or -errno (-ESRCH if pid is gone). */
int proc_kill_tree(pid_t pid, int pidfd, int sig, unsigned flags);

/* Parses the start of /proc/<pid>/stat (n bytes of buf, not necessarily NUL-terminated, possibly
 * cut short): "pid (comm) state ppid pgrp session ...", where comm may hold anything, ')' and
 * spaces included, so the fields are found after the last ')'. 0 or -EBADMSG; any ret_ may be NULL. */
int proc_stat_parse(const char *buf, size_t n, char *ret_state, pid_t *ret_ppid, pid_t *ret_session);

/* ---- Resource control (cg-limits.c) --------------------------------------------------------- */

#define CG_UNSET UINT64_MAX              /* not configured: the file is not written */
#define CG_INFINITY (UINT64_MAX - 1)     /* "infinity": written as "max" */
#define CG_CPU_QUOTA_PERIOD_DEFAULT 100000ULL

struct cg_attr {
        const char *file;
        const char *value;
};

struct cg_limits {
        uint64_t memory_min, memory_low, memory_high, memory_max, memory_swap_max; /* bytes */
        uint64_t cpu_weight;            /* CPUWeight= 1..10000 */
        uint64_t cpu_quota_usec;        /* CPUQuota= as CPU time per second: 50% -> 500000 */
        uint64_t cpu_quota_period_usec; /* CPUQuotaPeriodSec=, CG_UNSET = 100 ms */
        const char *allowed_cpus;       /* AllowedCPUs= for cpuset.cpus, NULL = unset */
        const char *allowed_memory_nodes; /* AllowedMemoryNodes= for cpuset.mems */
        uint64_t tasks_max;             /* TasksMax= absolute, or CG_INFINITY */
        uint64_t tasks_max_permyriad;   /* TasksMax=N% as N*100 of pid_max; wins over tasks_max */
        uint64_t io_weight;             /* IOWeight= 1..10000 -> io.weight "default N" */
        int oom_group;                  /* -1 unset; 1 = OOMPolicy=kill (memory.oom.group) */
        const struct cg_attr *extra;    /* raw extra settings (e.g. hugetlb.2MB.max) */
        size_t n_extra;
};

/* All fields unset. */
void cg_limits_init(struct cg_limits *l);

/* CPUQuota=percent -> cpu_quota_usec. */
uint64_t cg_cpu_quota_from_percent(uint64_t percent);

/* cpu.max value: "max 100000" for CG_INFINITY, else "<quota*period/1s> <period>" with the
 * kernel's 1 ms minimum; the period is clamped to 1 ms..1 s. Returns the length or -errno. */
int cg_cpu_max_format(uint64_t quota_usec_per_sec, uint64_t period_usec, char *buf, size_t size);

#define CG_LIMITS_MAX 32
#define CG_VALUE_MAX 256

struct cg_limit_item {
        char file[CG_NAME_MAX];
        char value[CG_VALUE_MAX];
        int error;        /* 0, or positive errno of the write */
        bool unavailable; /* the file does not exist: controller not available (not fatal) */
};

struct cg_limits_result {
        struct cg_limit_item items[CG_LIMITS_MAX];
        size_t n;
        unsigned n_ok, n_failed, n_unavailable;
};

/* Pure: the (file, value) pairs to write, in order. pid_max resolves TasksMax=%. Returns the
 * number of items or -EINVAL (value out of range) / -E2BIG. Sets only file/value. */
int cg_limits_format(const struct cg_limits *l, uint64_t pid_max, struct cg_limits_result *ret);

/* Write every configured limit to <path>; each write is reported in *ret and logged separately.
 * A missing file is "controller X not available" (not fatal). Returns 0 if nothing failed
 * otherwise, else the -errno of the first failure. */
int cg_apply_limits(struct cg_manager *m, const char *path, const struct cg_limits *l,
                    struct cg_limits_result *ret);

/* Write one attribute file of <path> (e.g. "hugetlb.2MB.max"). Returns 0 or -errno. */
int cg_write_attr(struct cg_manager *m, const char *path, const char *file, const char *value);

/* Read one attribute file into buf, without the trailing newline. Returns the length or -errno. */
int cg_read_attr(struct cg_manager *m, const char *path, const char *file, char *buf, size_t size);

struct cg_stats {                /* CG_UNSET where not available */
        uint64_t memory_current;
        uint64_t memory_peak;
        uint64_t pids_current;
        uint64_t cpu_usage_usec; /* cpu.stat usage_usec (present without the cpu controller) */
        uint64_t oom_events;     /* memory.events oom */
        uint64_t oom_kill;       /* memory.events oom_kill: an OOM kill happened in the unit */
};

/* Returns 0 (fields that cannot be read stay CG_UNSET) or -errno if path is not a cgroup. */
int cg_read_stats(struct cg_manager *m, const char *path, struct cg_stats *ret);

/* ---- errno in words (cg-util.c) ------------------------------------------------------------- */

enum cg_op {
        CG_OP_MKDIR,  /* creating a cgroup */
        CG_OP_ATTACH, /* writing cgroup.procs */
        CG_OP_ENABLE, /* writing cgroup.subtree_control */
        CG_OP_WRITE,  /* writing another attribute file */
        CG_OP_RMDIR,
        CG_OP_CHOWN,
};

/* "EACCES" ... (for the numbers cgroups return; "errno N" buffer-less fallback "E?"). */
const char *cg_errno_name(int error);

/* What an errno means for this operation on cgroups, e.g. (EBUSY, CG_OP_ENABLE) -> "the cgroup
 * has processes of its own (no internal processes rule)". error may be negative. */
const char *cg_explain(int error, enum cg_op op);
