/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the parsers of kernel files in cgroup/ and service/. Every input goes through
 * all of them (no selector byte): each parser gets every execution of the run, and an input that
 * finds new coverage in one is kept for all. The kernel writes these files, but a runtime or a
 * test can hand PID 1 another /proc, and a /proc file of another kernel version may differ.
 *   /proc/self/mountinfo      mountinfo_parse, mountinfo_visible, mountinfo_find_visible
 *   /proc/self/status         env_parse_status
 *   /proc/self/{uid,gid}_map  env_parse_id_map
 *   /proc/self/cgroup         env_parse_own_cgroup
 *   /proc/<pid>/stat          proc_stat_parse
 *   cgroup.procs              cg_parse_pids
 *   cgroup.events, memory.events, cpu.stat   cg_keyed_u64 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup/cg-internal.h"
#include "cgroup/env-internal.h"
#include "cgroup/env.h"
#include "cgroup/mountinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated, writable copy (the file readers give the parsers one). */
static char *text_of(const uint8_t *data, size_t size) {
        char *t = malloc(size + 1);
        if (t) {
                memcpy(t, data, size);
                t[size] = 0;
        }
        return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static const char *const keys[] = { "populated", "frozen", "oom_kill", "oom", "max", "usage_usec" };
        static const char *const paths[] = { "/proc", "/sys", "/dev", "/dev/shm", "/run", "/sys/fs/cgroup" };
        struct env_info *info;
        struct mountinfo mi;
        char *t, state;
        pid_t *pids = NULL, ppid, sid;
        unsigned long long v;

        if (size > 4 * 1024 * 1024)
                return 0;

        if ((t = text_of(data, size)) && mountinfo_parse(t, &mi) == 0) {
                for (size_t i = 0; i < mi.n; i++)
                        if (strcmp(mi.entries[i].fstype, "cgroup2") == 0 || strcmp(mi.entries[i].fstype, "cgroup") == 0) {
                                (void) mountinfo_visible(&mi, i);
                                (void) mount_option_has(mi.entries[i].options, "ro");
                                (void) mount_option_has(mi.entries[i].super_options, "nsdelegate");
                        }
                for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
                        (void) mountinfo_find_visible(&mi, paths[i]);
                mountinfo_free(&mi);
        }
        free(t);

        info = calloc(1, sizeof(*info));
        if (info) {
                if ((t = text_of(data, size)))
                        env_parse_status(t, info);
                free(t);
                if ((t = text_of(data, size))) {
                        (void) env_parse_id_map(t, info->uid_map, &info->n_uid_map);
                        if (info->n_uid_map > ENV_MAP_MAX)
                                abort();
                }
                free(t);
                if ((t = text_of(data, size))) {
                        env_parse_own_cgroup(t, info->own_path, sizeof(info->own_path));
                        if (!memchr(info->own_path, 0, sizeof(info->own_path)))
                                abort();
                }
                free(t);
                free(info);
        }

        if (proc_stat_parse((const char *) data, size, &state, &ppid, &sid) == 0 && (ppid < 0 || sid < 0))
                abort();

        if ((t = text_of(data, size))) {
                int n = cg_parse_pids(t, &pids);
                for (int i = 0; i < n; i++)
                        if (pids[i] <= 0)
                                abort();
                if (n >= 0)
                        free(pids);
                for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                        (void) cg_keyed_u64(t, keys[i], &v);
        }
        free(t);
        return 0;
}
