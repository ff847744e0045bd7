/* SPDX-License-Identifier: MIT */
/* Resource control: unit values (already parsed by units/) to cgroup v2 files, and accounting.
 *
 * cg_limits_format() is pure (the unit tests check every conversion); cg_apply_limits() writes
 * the result one file at a time and reports each write. A file that does not exist means its
 * controller is not enabled for this cgroup ("controller X not available"): a warning, not a
 * failure, because degraded hosts (hybrid, controllers not delegated) are normal for us. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cg-internal.h"

#define USEC_PER_SEC 1000000ULL
#define USEC_PER_MSEC 1000ULL

void cg_limits_init(struct cg_limits *l) {
        memset(l, 0, sizeof *l);
        l->memory_min = l->memory_low = l->memory_high = l->memory_max = l->memory_swap_max = CG_UNSET;
        l->cpu_weight = CG_UNSET;
        l->cpu_quota_usec = CG_UNSET;
        l->cpu_quota_period_usec = CG_UNSET;
        l->tasks_max = CG_UNSET;
        l->tasks_max_permyriad = CG_UNSET;
        l->io_weight = CG_UNSET;
        l->oom_group = -1;
}

uint64_t cg_cpu_quota_from_percent(uint64_t percent) {
        if (percent > UINT64_MAX / 2 / (USEC_PER_SEC / 100))
                return CG_INFINITY;
        return percent * (USEC_PER_SEC / 100);
}

int cg_cpu_max_format(uint64_t quota, uint64_t period, char *buf, size_t size) {
        uint64_t q;
        int n;

        if (!buf || size == 0 || quota == CG_UNSET)
                return -EINVAL;
        if (period == CG_UNSET || period == 0)
                period = CG_CPU_QUOTA_PERIOD_DEFAULT;
        if (period < USEC_PER_MSEC) /* the kernel's range for the period is 1 ms .. 1 s */
                period = USEC_PER_MSEC;
        if (period > USEC_PER_SEC)
                period = USEC_PER_SEC;
        if (quota == CG_INFINITY)
                n = snprintf(buf, size, "max %" PRIu64, period);
        else {
                /* quota per second -> per period, without overflowing: period <= 1 s. */
                q = quota / USEC_PER_SEC * period + quota % USEC_PER_SEC * period / USEC_PER_SEC;
                if (q < USEC_PER_MSEC) /* the kernel refuses quotas below 1 ms */
                        q = USEC_PER_MSEC;
                n = snprintf(buf, size, "%" PRIu64 " %" PRIu64, q, period);
        }
        if (n < 0 || (size_t) n >= size)
                return -ENAMETOOLONG;
        return n;
}

static int add(struct cg_limits_result *r, const char *file, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static int add(struct cg_limits_result *r, const char *file, const char *fmt, ...) {
        struct cg_limit_item *it;
        va_list ap;
        int n;

        if (r->n >= CG_LIMITS_MAX)
                return -E2BIG;
        it = &r->items[r->n];
        memset(it, 0, sizeof *it);
        snprintf(it->file, sizeof it->file, "%s", file);
        va_start(ap, fmt);
        n = vsnprintf(it->value, sizeof it->value, fmt, ap);
        va_end(ap);
        if (n < 0 || (size_t) n >= sizeof it->value)
                return -E2BIG;
        r->n++;
        return 0;
}

static int add_bytes(struct cg_limits_result *r, const char *file, uint64_t v) {
        if (v == CG_UNSET)
                return 0;
        if (v == CG_INFINITY)
                return add(r, file, "max");
        return add(r, file, "%" PRIu64, v);
}

static int add_weight(struct cg_limits_result *r, const char *file, const char *prefix, uint64_t v) {
        if (v == CG_UNSET)
                return 0;
        if (v < 1 || v > 10000)
                return -EINVAL;
        return add(r, file, "%s%" PRIu64, prefix, v);
}

int cg_limits_format(const struct cg_limits *l, uint64_t pid_max, struct cg_limits_result *ret) {
        int r;

        if (!l || !ret)
                return -EINVAL;
        memset(ret, 0, sizeof *ret);

        /* Protections before limits, in systemd's order. */
        if ((r = add_bytes(ret, "memory.min", l->memory_min)) < 0 ||
            (r = add_bytes(ret, "memory.low", l->memory_low)) < 0 ||
            (r = add_bytes(ret, "memory.high", l->memory_high)) < 0 ||
            (r = add_bytes(ret, "memory.max", l->memory_max)) < 0 ||
            (r = add_bytes(ret, "memory.swap.max", l->memory_swap_max)) < 0)
                return r;
        if (l->oom_group >= 0 && (r = add(ret, "memory.oom.group", "%d", l->oom_group ? 1 : 0)) < 0)
                return r;

        if ((r = add_weight(ret, "cpu.weight", "", l->cpu_weight)) < 0)
                return r;
        if (l->cpu_quota_usec != CG_UNSET) {
                char v[64];
                r = cg_cpu_max_format(l->cpu_quota_usec, l->cpu_quota_period_usec, v, sizeof v);
                if (r < 0 || (r = add(ret, "cpu.max", "%s", v)) < 0)
                        return r;
        }
        if (l->allowed_cpus && (r = add(ret, "cpuset.cpus", "%s", l->allowed_cpus)) < 0)
                return r;
        if (l->allowed_memory_nodes && (r = add(ret, "cpuset.mems", "%s", l->allowed_memory_nodes)) < 0)
                return r;

        if (l->tasks_max_permyriad != CG_UNSET) {
                uint64_t t;
                if (l->tasks_max_permyriad > 10000 || pid_max == 0 || pid_max > UINT64_MAX / 10000)
                        return -EINVAL;
                t = pid_max * l->tasks_max_permyriad / 10000;
                if ((r = add(ret, "pids.max", "%" PRIu64, t)) < 0)
                        return r;
        } else if ((r = add_bytes(ret, "pids.max", l->tasks_max)) < 0)
                return r;

        if ((r = add_weight(ret, "io.weight", "default ", l->io_weight)) < 0)
                return r;

        for (size_t i = 0; i < l->n_extra; i++) {
                if (!l->extra[i].file || !l->extra[i].value || strchr(l->extra[i].file, '/'))
                        return -EINVAL;
                if ((r = add(ret, l->extra[i].file, "%s", l->extra[i].value)) < 0)
                        return r;
        }
        return (int) ret->n;
}

static uint64_t read_u64(const char *path, uint64_t dflt) {
        char buf[64];
        if (cg_read_small(path, buf, sizeof buf) < 0 || buf[0] < '0' || buf[0] > '9')
                return dflt; /* unreadable, or "max" */
        return strtoull(buf, NULL, 10);
}

/* systemd's system_tasks_max() (src/basic/limits-util.c): the least of kernel.threads-max,
 * kernel.pid_max minus one (pid 0 is not a pid), pids.max of our root cgroup (a container's pids
 * limit) and TASKS_MAX (4194303). Three files: read at the first start that needs it, not at
 * every one. */
uint64_t cg_system_tasks_max(struct cg_manager *m) {
        char abs[CG_PATH_MAX];
        uint64_t t, p;

        if (m->tasks_max_base)
                return m->tasks_max_base;
        t = 4194303; /* a source that says 0 is left out, as systemd does */
        p = read_u64("/proc/sys/kernel/threads-max", UINT64_MAX);
        if (p > 0 && p < t)
                t = p;
        p = read_u64("/proc/sys/kernel/pid_max", 32768); /* the kernel's default */
        if (p > 1 && p - 1 < t)
                t = p - 1;
        if (cg_build(m, "", "pids.max", abs, sizeof abs) == 0 && (p = read_u64(abs, UINT64_MAX)) > 0 && p < t)
                t = p;
        return m->tasks_max_base = t;
}

static void controller_of(const char *file, char *buf, size_t size) {
        snprintf(buf, size, "%.*s", (int) strcspn(file, "."), file);
}

int cg_write_attr(struct cg_manager *m, const char *path, const char *file, const char *value) {
        char abs[CG_PATH_MAX];
        int r;

        if (!m || !path || !file || !value || !*file || strchr(file, '/'))
                return -EINVAL;
        r = cg_build(m, path, file, abs, sizeof abs);
        if (r < 0)
                return r;
        return cg_write_string(abs, value);
}

int cg_read_attr(struct cg_manager *m, const char *path, const char *file, char *buf, size_t size) {
        char abs[CG_PATH_MAX];
        int r;

        if (!m || !path || !file || !*file || strchr(file, '/'))
                return -EINVAL;
        r = cg_build(m, path, file, abs, sizeof abs);
        if (r < 0)
                return r;
        r = cg_read_small(abs, buf, size);
        if (r > 0 && buf[r - 1] == '\n')
                buf[--r] = 0;
        return r;
}

int cg_apply_limits(struct cg_manager *m, const char *path, const struct cg_limits *l,
                    struct cg_limits_result *ret) {
        struct cg_limits_result local;
        uint64_t pid_max = 0;
        int r, first = 0;

        if (!m || !path || !l)
                return -EINVAL;
        if (!ret)
                ret = &local;
        if (!*path)
                return -EINVAL;
        if (l->tasks_max_permyriad != CG_UNSET)
                pid_max = cg_system_tasks_max(m);
        r = cg_limits_format(l, pid_max, ret);
        if (r < 0) {
                cg_log(m, LOG_ERR, "invalid resource limits for %s: %s", path, strerror(-r));
                return r;
        }
        if (!(m->caps & CG_CAP_TREE)) {
                for (size_t i = 0; i < ret->n; i++) {
                        ret->items[i].unavailable = true;
                        ret->items[i].error = EOPNOTSUPP;
                        ret->n_unavailable++;
                }
                if (ret->n)
                        cg_log(m, LOG_WARNING, "%s: %zu resource limit(s) not applied: %s", path, ret->n,
                               m->why[0] ? m->why : "no cgroup");
                return 0;
        }
        for (size_t i = 0; i < ret->n; i++) {
                struct cg_limit_item *it = &ret->items[i];
                char ctrl[CG_NAME_MAX];

                r = cg_write_attr(m, path, it->file, it->value);
                if (r == 0) {
                        ret->n_ok++;
                        cg_log(m, LOG_DEBUG, "%s: %s=%s", path, it->file, it->value);
                        continue;
                }
                it->error = -r;
                controller_of(it->file, ctrl, sizeof ctrl);
                if (r == -ENOENT) {
                        it->unavailable = true;
                        ret->n_unavailable++;
                        cg_log(m, LOG_WARNING, "%s: %s=%s not applied: controller %s not available", path, it->file,
                               it->value, ctrl);
                        continue;
                }
                ret->n_failed++;
                if (first == 0)
                        first = r;
                cg_log(m, LOG_ERR, "%s: cannot set %s=%s: %s (%s: %s)", path, it->file, it->value, strerror(-r),
                       cg_errno_name(r), cg_explain(r, CG_OP_WRITE));
        }
        return first;
}

static uint64_t keyed(const char *text, const char *key) {
        unsigned long long v;
        return cg_keyed_u64(text, key, &v) == 0 ? (uint64_t) v : CG_UNSET;
}

static uint64_t single(struct cg_manager *m, const char *path, const char *file) {
        char buf[64];
        if (cg_read_attr(m, path, file, buf, sizeof buf) <= 0)
                return CG_UNSET;
        if (strcmp(buf, "max") == 0)
                return CG_INFINITY;
        return strtoull(buf, NULL, 10);
}

int cg_read_stats(struct cg_manager *m, const char *path, struct cg_stats *ret) {
        char buf[2048];
        int r;

        if (!m || !path || !ret)
                return -EINVAL;
        ret->memory_current = ret->memory_peak = ret->pids_current = CG_UNSET;
        ret->cpu_usage_usec = ret->oom_events = ret->oom_kill = CG_UNSET;
        if (!(m->caps & CG_CAP_TREE))
                return -EOPNOTSUPP;
        r = cg_read_attr(m, path, "cgroup.events", buf, sizeof buf);
        if (r < 0)
                return r; /* not a (non-root) cgroup */
        ret->memory_current = single(m, path, "memory.current");
        ret->memory_peak = single(m, path, "memory.peak");
        ret->pids_current = single(m, path, "pids.current");
        if (cg_read_attr(m, path, "cpu.stat", buf, sizeof buf) > 0)
                ret->cpu_usage_usec = keyed(buf, "usage_usec");
        if (cg_read_attr(m, path, "memory.events", buf, sizeof buf) > 0) {
                ret->oom_events = keyed(buf, "oom");
                ret->oom_kill = keyed(buf, "oom_kill");
        }
        return 0;
}
