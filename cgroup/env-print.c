/* SPDX-License-Identifier: MIT */
/* Human and JSON renderings of struct env_info.
 *
 * Design: both printers only read the struct; the JSON keys are a stable interface documented in
 * cgroup/README.md (add keys, never rename or retype them; bump "schema_version" if that ever must
 * happen).  Unknown tri-states print as null in JSON and "unknown" for humans. */
#include "env.h"
#include "env-sandbox.h"
#include "json-writer.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

static const char *tri_str(enum env_tristate t) {
        return t == ENV_YES ? "yes" : t == ENV_NO ? "no" : "unknown";
}

static void json_tri(struct json_writer *w, const char *key, enum env_tristate t) {
        if (t == ENV_UNKNOWN)
                json_null(w, key);
        else
                json_bool(w, key, t == ENV_YES);
}

static void json_str_or_null(struct json_writer *w, const char *key, const char *s) {
        json_string(w, key, s && s[0] ? s : NULL);
}

/* Space separated list (as in cgroup.controllers) to a JSON array of strings. */
static void json_word_list(struct json_writer *w, const char *key, const char *list) {
        char word[ENV_LIST_LEN];

        json_begin_array(w, key);
        for (const char *p = list; *p; ) {
                size_t n;

                p += strspn(p, " \t\n");
                n = strcspn(p, " \t\n");
                if (n == 0)
                        break;
                memcpy(word, p, n);
                word[n] = 0;
                json_string(w, NULL, word);
                p += n;
        }
        json_end_array(w);
}

static void json_id_map(struct json_writer *w, const char *key, const struct env_id_extent *map, size_t n,
                        enum env_tristate known) {
        if (known == ENV_UNKNOWN) {
                json_null(w, key);
                return;
        }
        json_begin_array(w, key);
        for (size_t i = 0; i < n; i++) {
                json_begin_array(w, NULL);
                json_uint(w, NULL, map[i].inside);
                json_uint(w, NULL, map[i].outside);
                json_uint(w, NULL, map[i].count);
                json_end_array(w);
        }
        json_end_array(w);
}

static void json_mount(struct json_writer *w, const char *key, const struct env_mount *m) {
        json_begin_object(w, key);
        json_bool(w, "mounted", m->mounted);
        json_str_or_null(w, "fstype", m->fstype);
        json_bool(w, "read_only", m->read_only);
        json_end_object(w);
}

/* The sandbox bits as (JSON key, human label). */
static const struct {
        unsigned bit;
        const char *key, *label;
} sandbox_features[] = {
        { ENV_SANDBOX_MOUNT_NS, "mount_namespace", "mount namespace (PrivateTmp=, ProtectSystem=, ...)" },
        { ENV_SANDBOX_TMPFS, "tmpfs", "new tmpfs (PrivateDevices=, TemporaryFileSystem=)" },
        { ENV_SANDBOX_PROCFS, "procfs", "new procfs (ProtectProc=, ProcSubset=)" },
        { ENV_SANDBOX_SETATTR, "mount_setattr", "mount flags (read-only, noexec, nosuid)" },
        { ENV_SANDBOX_NET_NS, "network_namespace", "network namespace (PrivateNetwork=)" },
        { ENV_SANDBOX_IPC_NS, "ipc_namespace", "IPC namespace (PrivateIPC=)" },
        { ENV_SANDBOX_UTS_NS, "uts_namespace", "UTS namespace (ProtectHostname=)" },
        { ENV_SANDBOX_USER_NS, "user_namespace", "user namespace (PrivateUsers=)" },
        { ENV_SANDBOX_SECCOMP, "seccomp", "seccomp filters (SystemCallFilter=, ...)" },
        { ENV_SANDBOX_SECCOMP_ON, "seccomp_already_filtered", "already under a seccomp filter (runtime profile)" },
        { ENV_SANDBOX_NNP, "no_new_privs_already", "no_new_privs already set" },
};

int env_print_json(const struct env_info *info, FILE *f) {
        struct json_writer w;
        char hex[32];

        json_writer_init(&w, f);
        json_begin_object(&w, NULL);
        json_int(&w, "schema_version", 1);
        json_tri(&w, "pid1", info->pid1);
        json_tri(&w, "pid_namespace", info->pid_ns);
        if (info->pid > 0)
                json_int(&w, "pid", info->pid);
        else
                json_null(&w, "pid");
        json_uint(&w, "euid", info->euid);
        json_str_or_null(&w, "kernel_release", info->kernel_release);

        json_begin_object(&w, "user_namespace");
        json_tri(&w, "active", info->userns);
        json_id_map(&w, "uid_map", info->uid_map, info->n_uid_map, info->userns);
        json_id_map(&w, "gid_map", info->gid_map, info->n_gid_map, info->n_gid_map ? ENV_YES : ENV_UNKNOWN);
        json_tri(&w, "root_is_host_root", info->root_is_host_root);
        json_str_or_null(&w, "setgroups", info->setgroups);
        json_uint(&w, "overflow_uid", info->overflow_uid);
        json_end_object(&w);

        json_begin_object(&w, "cgroup");
        json_string(&w, "layout", env_layout_to_string(info->layout));
        json_str_or_null(&w, "unified_mount", info->unified_mount);
        json_str_or_null(&w, "unified_mount_root", info->unified_mount_root);
        json_uint(&w, "v1_hierarchies", info->n_v1_mounts);
        json_tri(&w, "v1_read_only", info->v1_read_only);
        json_str_or_null(&w, "own_path", info->own_path);
        json_str_or_null(&w, "own_dir", info->own_dir);
        json_tri(&w, "namespace", info->cgroup_ns);
        json_tri(&w, "read_only", info->read_only);
        json_tri(&w, "hierarchy_root", info->hierarchy_root);
        json_tri(&w, "writable", info->writable);
        json_tri(&w, "delegated", info->delegated);
        if (info->owner_uid >= 0) {
                json_int(&w, "owner_uid", info->owner_uid);
                json_bool(&w, "owner_is_nobody", info->owner_uid == (long long) info->overflow_uid);
        } else {
                json_null(&w, "owner_uid");
                json_null(&w, "owner_is_nobody");
        }
        json_str_or_null(&w, "delegation_problem", info->delegation_problem);
        json_word_list(&w, "controllers_available", info->controllers_available);
        json_word_list(&w, "controllers_enabled", info->controllers_enabled);
        json_tri(&w, "nsdelegate", info->nsdelegate);
        json_begin_object(&w, "features");
        json_tri(&w, "cgroup_kill", info->feat_cgroup_kill);
        json_tri(&w, "clone_into_cgroup", info->feat_clone_into_cgroup);
        json_tri(&w, "pidfd", info->feat_pidfd);
        json_end_object(&w);
        json_end_object(&w);

        json_begin_object(&w, "mounts");
        json_mount(&w, "proc", &info->m_proc);
        json_mount(&w, "sys", &info->m_sys);
        json_mount(&w, "dev", &info->m_dev);
        json_mount(&w, "dev_shm", &info->m_dev_shm);
        json_mount(&w, "run", &info->m_run);
        json_bool(&w, "dev_console", info->dev_console);
        json_end_object(&w);

        json_begin_object(&w, "systemd");
        json_str_or_null(&w, "binary", info->systemd_binary);
        json_tri(&w, "usable", info->systemd_usable);
        json_end_object(&w);

        json_str_or_null(&w, "container_manager", info->container_manager);
        json_str_or_null(&w, "container_manager_source", info->container_manager_source);
        json_bool(&w, "kubernetes", info->kubernetes);

        json_begin_object(&w, "capabilities");
        json_tri(&w, "sys_admin", info->cap_sys_admin);
        snprintf(hex, sizeof hex, "%016" PRIx64, info->cap_eff);
        json_string(&w, "effective", info->cap_sys_admin == ENV_UNKNOWN ? NULL : hex);
        json_end_object(&w);

        if (info->sandbox) {
                json_begin_object(&w, "sandbox");
                for (size_t i = 0; i < sizeof(sandbox_features) / sizeof(sandbox_features[0]); i++)
                        json_bool(&w, sandbox_features[i].key, info->sandbox & sandbox_features[i].bit);
                json_end_object(&w);
        } else
                json_null(&w, "sandbox");
        json_string(&w, "plan", env_plan_to_string(info->plan));
        json_begin_array(&w, "reasons");
        for (size_t i = 0; i < info->n_reasons; i++)
                json_string(&w, NULL, info->reasons[i]);
        json_end_array(&w);
        json_begin_array(&w, "notes");
        for (size_t i = 0; i < info->n_notes; i++)
                json_string(&w, NULL, info->notes[i]);
        json_end_array(&w);
        json_end_object(&w);
        return json_writer_finish(&w);
}

static const char *or_dash(const char *s) {
        return s && s[0] ? s : "-";
}

static void human_mount(FILE *f, const char *path, const struct env_mount *m) {
        if (m->mounted)
                fprintf(f, "  %-13s %s%s\n", path, m->fstype, m->read_only ? " (read-only)" : "");
        else
                fprintf(f, "  %-13s not a mount point\n", path);
}

static void human_map(FILE *f, const char *name, const struct env_id_extent *map, size_t n) {
        fprintf(f, "  %-13s", name);
        if (n == 0)
                fputs(" -", f);
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%s %" PRIu32 " %" PRIu32 " %" PRIu32, i ? "," : "", map[i].inside, map[i].outside,
                        map[i].count);
        fputc('\n', f);
}

int env_print_human(const struct env_info *info, FILE *f) {
        fprintf(f, "Plan: %s\n", env_plan_to_string(info->plan));
        for (size_t i = 0; i < info->n_reasons; i++)
                fprintf(f, "  because: %s\n", info->reasons[i]);
        for (size_t i = 0; i < info->n_notes; i++)
                fprintf(f, "  note: %s\n", info->notes[i]);

        fputs("\nProcess\n", f);
        fprintf(f, "  %-13s %s", "PID 1:", tri_str(info->pid1));
        if (info->pid > 0)
                fprintf(f, " (pid %d)", (int) info->pid);
        fprintf(f, "\n  %-13s %u\n", "euid:", (unsigned) info->euid);
        fprintf(f, "  %-13s %s\n", "CAP_SYS_ADMIN:", tri_str(info->cap_sys_admin));
        fprintf(f, "  %-13s %s\n", "kernel:", or_dash(info->kernel_release));
        fprintf(f, "  %-13s %s%s%s%s\n", "container:", or_dash(info->container_manager),
                info->container_manager_source[0] ? " (from " : "", info->container_manager_source,
                info->container_manager_source[0] ? ")" : "");
        fprintf(f, "  %-13s %s\n", "kubernetes:", info->kubernetes ? "yes" : "no");

        fputs("\nUser namespace\n", f);
        fprintf(f, "  %-13s %s\n", "active:", tri_str(info->userns));
        human_map(f, "uid_map:", info->uid_map, info->n_uid_map);
        human_map(f, "gid_map:", info->gid_map, info->n_gid_map);
        fprintf(f, "  %-13s %s\n", "root = host:", tri_str(info->root_is_host_root));
        fprintf(f, "  %-13s %s\n", "setgroups:", or_dash(info->setgroups));

        fputs("\nCgroup\n", f);
        fprintf(f, "  %-13s %s", "layout:", env_layout_to_string(info->layout));
        if (info->n_v1_mounts)
                fprintf(f, " (%u v1 hierarchies%s)", info->n_v1_mounts,
                        info->v1_read_only == ENV_YES ? ", read-only" : "");
        fprintf(f, "\n  %-13s %s", "cgroup2:", or_dash(info->unified_mount));
        if (info->unified_mount[0])
                fprintf(f, " (root %s%s%s)", info->unified_mount_root, info->read_only == ENV_YES ? ", read-only" : "",
                        info->nsdelegate == ENV_YES ? ", nsdelegate" : "");
        fprintf(f, "\n  %-13s %s -> %s\n", "own cgroup:", or_dash(info->own_path), or_dash(info->own_dir));
        fprintf(f, "  %-13s %s\n", "namespace:", tri_str(info->cgroup_ns));
        fprintf(f, "  %-13s %s", "delegated:", tri_str(info->delegated));
        if (info->owner_uid >= 0)
                fprintf(f, " (owner uid %lld%s, writable %s%s)", info->owner_uid,
                        info->owner_uid == (long long) info->overflow_uid ? " = nobody" : "", tri_str(info->writable),
                        info->hierarchy_root == ENV_YES ? ", hierarchy root" : "");
        fputc('\n', f);
        if (info->delegation_problem[0])
                fprintf(f, "  %-13s %s\n", "problem:", info->delegation_problem);
        fprintf(f, "  %-13s %s\n", "controllers:", or_dash(info->controllers_available));
        fprintf(f, "  %-13s %s\n", "enabled:", or_dash(info->controllers_enabled));
        fprintf(f, "  %-13s cgroup.kill %s, CLONE_INTO_CGROUP %s, pidfd %s\n", "features:",
                tri_str(info->feat_cgroup_kill), tri_str(info->feat_clone_into_cgroup), tri_str(info->feat_pidfd));

        fputs("\nMounts\n", f);
        human_mount(f, "/proc", &info->m_proc);
        human_mount(f, "/sys", &info->m_sys);
        human_mount(f, "/dev", &info->m_dev);
        human_mount(f, "/dev/shm", &info->m_dev_shm);
        human_mount(f, "/run", &info->m_run);
        fprintf(f, "  %-13s %s\n", "/dev/console", info->dev_console ? "present" : "missing");
        fprintf(f, "  %-13s %s%s\n", "systemd", info->systemd_binary[0] ? info->systemd_binary : "not installed",
                !info->systemd_binary[0] ? "" : info->systemd_usable == ENV_YES ? "" : " (cannot be executed)");

        if (info->sandbox) {
                fputs("\nSandbox (what services may get here)\n", f);
                for (size_t i = 0; i < sizeof(sandbox_features) / sizeof(sandbox_features[0]); i++)
                        fprintf(f, "  %-3s %s\n", info->sandbox & sandbox_features[i].bit ? "yes" : "no",
                                sandbox_features[i].label);
        }

        if (fflush(f) != 0 || ferror(f))
                return -EIO;
        return 0;
}
