/* SPDX-License-Identifier: MIT */
/* org.freedesktop.systemd1.Manager at /org/freedesktop/systemd1: jobs, unit queries, listing,
 * reload, exit codes and shutdown. Semantics and error names follow org.freedesktop.systemd1(5)
 * and what systemctl expects of them. */
#include "bus/bus-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/defaults.h"
#include "service/service.h"
#include "service/unit-vtable.h"
#include "units/unit-name.h"

#define SHUTDOWN_TARGETS "poweroff.target", "halt.target", "reboot.target", "kexec.target", "exit.target", "ctrl-alt-del.target"

static BusServer *S(void *userdata) {
        return userdata;
}

static int reply_unit(sd_bus_message *msg, MUnit *u) {
        char *up = bus_unit_path(u->id);
        int r;

        if (!up)
                return -ENOMEM;
        r = sd_bus_reply_method_return(msg, "o", up);
        free(up);
        return r;
}

static int reply_job(sd_bus_message *msg, uint32_t id) {
        char *jp = bus_job_path(id);
        int r;

        if (!jp)
                return -ENOMEM;
        r = sd_bus_reply_method_return(msg, "o", jp);
        free(jp);
        return r;
}

static bool is_shutdown_target(const char *name) {
        static const char *const v[] = { SHUTDOWN_TARGETS };
        for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
                if (strcmp(name, v[i]) == 0)
                        return true;
        return false;
}

/* The load state checks systemd makes before it queues a job for a unit. */
static int check_loadable(MUnit *u, JobType type, sd_bus_error *error) {
        /* A stop of an inactive unit without a unit file (bus_unit_queue_job()). */
        if (type == JOB_STOP && u->active == STATE_INACTIVE &&
            (!u->u || u->u->load_state == UNIT_NOT_FOUND || u->u->load_state == UNIT_BAD_SETTING ||
             u->u->load_state == UNIT_ERROR))
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.", u->id);
        if (type == JOB_STOP)
                return 0;
        if (!u->u || u->u->load_state == UNIT_NOT_FOUND)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not found.", u->id);
        if (u->u->load_state == UNIT_MASKED)
                return sd_bus_error_setf(error, BUS_ERROR_UNIT_MASKED, "Unit %s is masked.", u->id);
        if (u->u->load_state == UNIT_BAD_SETTING)
                return sd_bus_error_setf(error, BUS_ERROR_BAD_UNIT_SETTING, "Unit %s has a bad unit file setting.", u->id);
        if (u->u->load_state != UNIT_LOADED)
                return sd_bus_error_setf(error, BUS_ERROR_LOAD_FAILED, "Unit %s failed to load properly.", u->id);
        return 0;
}

typedef enum { VERB_START, VERB_STOP, VERB_RELOAD, VERB_RESTART, VERB_TRY_RESTART, VERB_RELOAD_OR_RESTART,
               VERB_RELOAD_OR_TRY_RESTART } Verb;

static int do_job(sd_bus_message *msg, BusServer *s, Verb verb, sd_bus_error *error) {
        const char *name, *mode;
        bool ignore_deps;
        JobType type;
        MUnit *u;
        int r;

        r = sd_bus_message_read(msg, "ss", &name, &mode);
        if (r < 0)
                return r;
        if (strcmp(mode, "replace") != 0 && strcmp(mode, "fail") != 0 && strcmp(mode, "isolate") != 0 &&
            strcmp(mode, "ignore-dependencies") != 0 && strcmp(mode, "ignore-requirements") != 0 &&
            strcmp(mode, "replace-irreversibly") != 0 && strcmp(mode, "flush") != 0 &&
            strcmp(mode, "triggering") != 0 && strcmp(mode, "restart-dependencies") != 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Job mode %s invalid.", mode);
        ignore_deps = strcmp(mode, "ignore-dependencies") == 0;
        u = bus_load_unit(s, name, error);
        if (!u)
                return -EINVAL;

        /* Resolve the conditional verbs against the unit's state now, as systemd does. */
        switch (verb) {
        case VERB_START: type = JOB_START; break;
        case VERB_STOP: type = JOB_STOP; break;
        case VERB_RELOAD: type = JOB_RELOAD; break;
        case VERB_RESTART: type = JOB_RESTART; break;
        case VERB_TRY_RESTART:
                type = job_type_collapse(JOB_TRY_RESTART, u->active);
                break;
        case VERB_RELOAD_OR_RESTART:
                type = service_can_reload(u) ? job_type_collapse(JOB_RELOAD_OR_START, u->active) : JOB_RESTART;
                break;
        case VERB_RELOAD_OR_TRY_RESTART:
                type = job_type_collapse(service_can_reload(u) ? JOB_TRY_RELOAD : JOB_TRY_RESTART, u->active);
                break;
        default:
                return -EINVAL;
        }
        /* systemd collapses try-restart of an inactive unit to a no-op only after its transaction
         * checked the load state (transaction_add_job_and_dependencies()): a missing unit still
         * gets "not found", a masked one "is masked" (which systemctl ignores for try-*). */
        if (type == JOB_NOP && (r = check_loadable(u, JOB_START, error)) < 0)
                return r;
        if (type == JOB_NOP)
                return reply_job(msg, bus_nop_job(s, u, "done"));
        /* poweroff/halt/reboot/exit.target: in a container, all of them end the container. The
         * job is reported done; the stop of everything begins once the reply is out. */
        if ((type == JOB_START || type == JOB_RESTART) && is_shutdown_target(u->id)) {
                /* Already stopping (`systemctl exit N` from a unit's ExecStop=, say): the exit
                 * code SetExitCode() just set still counts. */
                if (s->m->shutting_down)
                        return reply_job(msg, bus_nop_job(s, u, "done"));
                manager_log(s->m, MLOG_INFO, "%s requested over D-Bus: stopping the container", u->id);
                r = reply_job(msg, bus_nop_job(s, u, "done"));
                bus_request_shutdown(s, s->m->exit_code_override >= 0 ? s->m->exit_code_override : 0, msg);
                return r;
        }
        if ((r = check_loadable(u, type, error)) < 0)
                return r;
        /* A start that needs a masked or missing unit is refused whole, as systemd's transaction. */
        if ((type == JOB_START || type == JOB_RESTART) && !ignore_deps) {
                MUnit *b = manager_start_blocker(s->m, u);
                if (b && (r = check_loadable(b, type, error)) < 0)
                        return r;
        }
        if (u->u && ((type != JOB_STOP && u->u->unit.refuse_manual_start > 0) || (type == JOB_STOP && u->u->unit.refuse_manual_stop > 0)))
                return sd_bus_error_setf(error, BUS_ERROR_ONLY_BY_DEPENDENCY,
                                         "Operation refused, unit %s may be requested by dependency only (it is configured to refuse manual start/stop).",
                                         u->id);
        if (type == JOB_RELOAD && munit_vtable(u)->can_reload && !munit_vtable(u)->can_reload(u))
                return sd_bus_error_setf(error, BUS_ERROR_JOB_TYPE_NOT_APPLICABLE, "Job type reload is not applicable for unit %s.", u->id);

        /* --job-mode=fail: a job that would replace the unit's queued or running one is refused
         * (systemd's transaction_is_destructive(); only for the job asked for, not yet for the
         * jobs it pulls in). */
        if (strcmp(mode, "fail") == 0 && u->job != JOB_NONE &&
            job_type_is_conflicting(u->job, job_type_collapse(type, u->active)))
                return sd_bus_error_setf(error, BUS_ERROR_TRANSACTION_IS_DESTRUCTIVE,
                                         "Transaction for %s/%s is destructive (%s has '%s' job queued, but '%s' is included in transaction).",
                                         u->id, job_type_to_string(type), u->id, job_type_to_string(u->job), job_type_to_string(type));
        r = manager_add_job(s->m, u, type, ignore_deps);
        if (r == -ESHUTDOWN) {
                /* systemd 252's answer (the new job would undo the irreversible shutdown jobs). */
                if (type == JOB_RELOAD && munit_job_stops(u))
                        return sd_bus_error_setf(error, BUS_ERROR_TRANSACTION_IS_DESTRUCTIVE,
                                                 "Transaction for %s/reload is destructive (%s has 'stop' job queued, but 'reload' is included in transaction).",
                                                 u->id, u->id);
                return sd_bus_error_setf(error, BUS_ERROR_TRANSACTION_IS_DESTRUCTIVE,
                                         "Transaction for %s/%s is destructive (shutdown.target has 'start' job queued, but 'stop' is included in transaction).",
                                         u->id, job_type_to_string(type));
        }
        if (r == -EBADR)
                return sd_bus_error_setf(error, BUS_ERROR_JOB_TYPE_NOT_APPLICABLE, "Job type %s is not applicable for unit %s.",
                                         job_type_to_string(type), u->id);
        if (r == -EBUSY)
                return sd_bus_error_setf(error, BUS_ERROR_TRANSACTION_IS_DESTRUCTIVE,
                                         "Transaction for %s/%s is destructive (a conflicting job is running).", u->id,
                                         job_type_to_string(type));
        if (r < 0)
                return r;
        return reply_job(msg, r > 0 ? (uint32_t) r : bus_nop_job(s, u, "done"));
}

static int m_start(sd_bus_message *msg, void *ud, sd_bus_error *e) { return do_job(msg, S(ud), VERB_START, e); }
static int m_stop(sd_bus_message *msg, void *ud, sd_bus_error *e) { return do_job(msg, S(ud), VERB_STOP, e); }
static int m_reload(sd_bus_message *msg, void *ud, sd_bus_error *e) { return do_job(msg, S(ud), VERB_RELOAD, e); }
static int m_restart(sd_bus_message *msg, void *ud, sd_bus_error *e) { return do_job(msg, S(ud), VERB_RESTART, e); }
static int m_try_restart(sd_bus_message *msg, void *ud, sd_bus_error *e) { return do_job(msg, S(ud), VERB_TRY_RESTART, e); }
static int m_reload_or_restart(sd_bus_message *msg, void *ud, sd_bus_error *e) { return do_job(msg, S(ud), VERB_RELOAD_OR_RESTART, e); }
static int m_reload_or_try_restart(sd_bus_message *msg, void *ud, sd_bus_error *e) { return do_job(msg, S(ud), VERB_RELOAD_OR_TRY_RESTART, e); }

static int m_kill(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        BusServer *s = ud;
        const char *name, *whom;
        int sig, r;
        char base[16];
        bool must;
        MUnit *u;

        if ((r = sd_bus_message_read(msg, "ssi", &name, &whom, &sig)) < 0)
                return r;
        if (sig <= 0 || sig >= _NSIG)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Signal number out of range.");
        if (!*whom)
                whom = "all";
        /* "main-fail" etc.: fail when there was nothing to signal. */
        snprintf(base, sizeof(base), "%s", whom);
        must = strlen(base) > 5 && strcmp(base + strlen(base) - 5, "-fail") == 0;
        if (must)
                base[strlen(base) - 5] = '\0';
        if (strcmp(base, "all") != 0 && strcmp(base, "main") != 0 && strcmp(base, "control") != 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid who argument %s", whom);
        /* Not loaded: systemd does not load a unit to kill it (method_kill_unit()); nor does it keep
         * an inactive unit nothing refers to (that difference is the manager's, see the README). */
        u = manager_get_unit(s->m, name);
        if (!u)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.", name);
        r = munit_vtable(u)->kill ? munit_vtable(u)->kill(u, base, sig) : -ESRCH;
        if (r == -ESRCH && (must || strcmp(base, "all") != 0))
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_PROCESS, strcmp(base, "control") == 0 ? "No control process to kill"
                                         : strcmp(base, "main") == 0 ? "No main process to kill" : "No matching processes to kill");
        return sd_bus_reply_method_return(msg, NULL);
}

static int m_reset_failed_unit(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        BusServer *s = ud;
        const char *name;
        MUnit *u;
        int r;

        if ((r = sd_bus_message_read(msg, "s", &name)) < 0)
                return r;
        u = manager_get_unit(s->m, name);
        if (!u)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.", name);
        manager_reset_failed(s->m, u);
        return sd_bus_reply_method_return(msg, NULL);
}

static int m_reset_failed(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        BusServer *s = ud;

        (void) error;
        for (size_t i = 0; i < s->m->n_units; i++)
                manager_reset_failed(s->m, s->m->units[i]);
        return sd_bus_reply_method_return(msg, NULL);
}

static int m_get_unit(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        BusServer *s = ud;
        const char *name;
        MUnit *u;
        int r;

        if ((r = sd_bus_message_read(msg, "s", &name)) < 0)
                return r;
        u = manager_get_unit(s->m, name);
        if (!u)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.", name);
        return reply_unit(msg, u);
}

static int m_load_unit(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        BusServer *s = ud;
        const char *name;
        MUnit *u;
        int r;

        if ((r = sd_bus_message_read(msg, "s", &name)) < 0)
                return r;
        u = bus_load_unit(s, name, error);
        if (!u)
                return -EINVAL;
        return reply_unit(msg, u);
}

/* The unit a process belongs to: a main or control process, else by its cgroup's name. */
static MUnit *unit_by_pid(BusServer *s, pid_t pid) {
        MUnit *u = manager_unit_by_pid(s->m, pid);
        char path[64], line[4096];
        FILE *f;

        if (u)
                return u;
        snprintf(path, sizeof(path), "/proc/%d/cgroup", (int) pid);
        f = fopen(path, "re");
        if (!f)
                return NULL;
        while (!u && fgets(line, sizeof(line), f)) {
                char *slash;
                if (strncmp(line, "0::", 3) != 0)
                        continue;
                line[strcspn(line, "\n")] = '\0';
                while ((slash = strrchr(line, '/')) && !u) {
                        if (slash[1])
                                u = manager_get_unit(s->m, slash + 1);
                        *slash = '\0';
                }
        }
        fclose(f);
        if (!u)
                for (size_t i = 0; i < s->m->n_units; i++) {
                        pid_t *v = NULL;
                        const UnitVTable *vt = munit_vtable(s->m->units[i]);
                        int n = vt->pids && s->m->units[i]->active != STATE_INACTIVE ? vt->pids(s->m->units[i], &v) : 0;
                        for (int k = 0; k < n && !u; k++)
                                if (v[k] == pid)
                                        u = s->m->units[i];
                        free(v);
                        if (u)
                                break;
                }
        return u;
}

static int m_get_unit_by_pid(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        BusServer *s = ud;
        uint32_t pid;
        MUnit *u;
        int r;

        if ((r = sd_bus_message_read(msg, "u", &pid)) < 0)
                return r;
        if (pid == 0) {
                sd_bus_creds *c = NULL;
                pid_t p = 0;
                if (sd_bus_query_sender_creds(msg, SD_BUS_CREDS_PID, &c) >= 0)
                        sd_bus_creds_get_pid(c, &p);
                sd_bus_creds_unref(c);
                pid = (uint32_t) p;
        }
        u = unit_by_pid(s, (pid_t) pid);
        if (!u)
                return sd_bus_error_setf(error, BUS_ERROR_NO_UNIT_FOR_PID, "PID %u does not belong to any loaded unit.", pid);
        return reply_unit(msg, u);
}

/* Command line of a process, words joined by spaces ("" if unreadable: a kernel thread). */
static void read_cmdline(pid_t pid, char *cmd, size_t size) {
        char path[64];
        size_t len = 0;
        FILE *f;

        snprintf(path, sizeof(path), "/proc/%d/cmdline", (int) pid);
        f = fopen(path, "re");
        if (f) {
                len = fread(cmd, 1, size - 1, f);
                fclose(f);
        }
        while (len > 0 && cmd[len - 1] == '\0')
                len--;
        for (size_t k = 0; k < len; k++)
                if (cmd[k] == '\0')
                        cmd[k] = ' ';
        cmd[len] = '\0';
}

/* Every process of the container with its cgroup (the root slice's processes). */
static int reply_all_processes(sd_bus_message *msg) {
        sd_bus_message *reply = NULL;
        struct dirent *de;
        DIR *d = opendir("/proc");
        int r;

        if (!d)
                return -errno;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sus)");
        while (r >= 0 && (de = readdir(d))) {
                char path[64], line[4096] = "", cmd[2048];
                const char *cg = "/";
                pid_t pid = (pid_t) atoi(de->d_name);
                FILE *f;

                if (pid <= 0)
                        continue;
                read_cmdline(pid, cmd, sizeof(cmd));
                if (!*cmd)
                        continue;
                snprintf(path, sizeof(path), "/proc/%d/cgroup", (int) pid);
                f = fopen(path, "re");
                while (f && fgets(line, sizeof(line), f))
                        if (strncmp(line, "0::", 3) == 0) {
                                line[strcspn(line, "\n")] = '\0';
                                cg = line + 3;
                                break;
                        }
                if (f)
                        fclose(f);
                r = sd_bus_message_append(reply, "(sus)", cg, (uint32_t) pid, cmd);
        }
        closedir(d);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

static int m_get_unit_processes(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        BusServer *s = ud;
        sd_bus_message *reply = NULL;
        const char *name;
        char cg[CG_PATH_MAX + 2] = "";
        pid_t *v = NULL;
        int n = 0, r;
        MUnit *u;

        if ((r = sd_bus_message_read(msg, "s", &name)) < 0)
                return r;
        if (strcmp(name, "-.slice") == 0 && !manager_get_unit(s->m, name))
                return reply_all_processes(msg); /* `systemctl status` without a unit: the whole container */
        u = manager_get_unit(s->m, name);
        if (!u)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_UNIT, "Unit %s not loaded.", name);
        if (u->cgroup)
                snprintf(cg, sizeof(cg), "%s/%s", strcmp(s->m->cg.own_path, "/") == 0 ? "" : s->m->cg.own_path, u->cgroup);
        if (munit_vtable(u)->pids && u->active != STATE_INACTIVE)
                n = munit_vtable(u)->pids(u, &v); /* services (sockets run no processes) */
        if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0)
                goto out;
        if ((r = sd_bus_message_open_container(reply, 'a', "(sus)")) < 0)
                goto out;
        for (int i = 0; i < n; i++) {
                char cmd[2048];
                read_cmdline(v[i], cmd, sizeof(cmd));
                if ((r = sd_bus_message_append(reply, "(sus)", cg, (uint32_t) v[i], cmd)) < 0)
                        goto out;
        }
        if ((r = sd_bus_message_close_container(reply)) < 0)
                goto out;
        r = sd_bus_send(NULL, reply, NULL);
out:
        free(v);
        sd_bus_message_unref(reply);
        return r;
}

/* ---- listing ---------------------------------------------------------------------------------- */

static bool match_any(char **patterns, const char *s) {
        if (!patterns || !patterns[0])
                return true;
        for (size_t i = 0; patterns[i]; i++)
                if (fnmatch(patterns[i], s, FNM_NOESCAPE) == 0)
                        return true;
        return false;
}

static bool unit_matches(MUnit *u, char **states, char **patterns, char **names) {
        const char *load = !u->u ? "not-found" : unit_load_state_to_string(u->u->load_state);

        if (names) {
                for (size_t i = 0; names[i]; i++)
                        if (strcmp(names[i], u->id) == 0)
                                return true;
                return false;
        }
        if (states && states[0]) {
                bool ok = false;
                for (size_t i = 0; states[i] && !ok; i++)
                        ok = strcmp(states[i], load) == 0 || strcmp(states[i], active_state_to_string(u->active)) == 0 ||
                             strcmp(states[i], munit_sub_state_string(u)) == 0;
                if (!ok)
                        return false;
        }
        return match_any(patterns, u->id);
}

static int append_unit_entry(sd_bus_message *reply, MUnit *u) {
        char *up = bus_unit_path(u->id), *jp = u->job != JOB_NONE ? bus_job_path(u->job_id) : NULL;
        int r = sd_bus_message_append(reply, "(ssssssouso)", u->id,
                                      u->u && u->u->unit.description ? u->u->unit.description : u->id,
                                      !u->u ? "not-found" : unit_load_state_to_string(u->u->load_state),
                                      active_state_to_string(u->active), munit_sub_state_string(u), "", up ? up : "/",
                                      u->job != JOB_NONE ? u->job_id : 0, u->job != JOB_NONE ? job_type_to_string(u->job) : "",
                                      jp ? jp : "/");
        free(up);
        free(jp);
        return r;
}

static int list_units(sd_bus_message *msg, BusServer *s, char **states, char **patterns, char **names) {
        sd_bus_message *reply = NULL;
        int r;

        if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(ssssssouso)");
        if (names) {
                /* ListUnitsByNames loads what is not loaded yet, as systemd does. */
                for (size_t i = 0; r >= 0 && names[i]; i++) {
                        MUnit *u = bus_load_unit(s, names[i], NULL);
                        if (u)
                                r = append_unit_entry(reply, u);
                }
        } else
                for (size_t i = 0; r >= 0 && i < s->m->n_units; i++) {
                        MUnit *u = s->m->units[i];
                        /* An alias registered under another name is listed once, by its id. */
                        if (unit_matches(u, states, patterns, NULL))
                                r = append_unit_entry(reply, u);
                }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

static int m_list_units(sd_bus_message *msg, void *ud, sd_bus_error *e) {
        (void) e;
        return list_units(msg, ud, NULL, NULL, NULL);
}

static int m_list_units_filtered(sd_bus_message *msg, void *ud, sd_bus_error *e) {
        char **states = NULL;
        int r;

        (void) e;
        if ((r = sd_bus_message_read_strv(msg, &states)) < 0)
                return r;
        r = list_units(msg, ud, states, NULL, NULL);
        strv_free(states);
        return r;
}

static int m_list_units_by_patterns(sd_bus_message *msg, void *ud, sd_bus_error *e) {
        char **states = NULL, **patterns = NULL;
        int r;

        (void) e;
        if ((r = sd_bus_message_read_strv(msg, &states)) >= 0 && (r = sd_bus_message_read_strv(msg, &patterns)) >= 0)
                r = list_units(msg, ud, states, patterns, NULL);
        strv_free(states);
        strv_free(patterns);
        return r;
}

static int m_list_units_by_names(sd_bus_message *msg, void *ud, sd_bus_error *e) {
        char **names = NULL;
        int r;

        (void) e;
        if ((r = sd_bus_message_read_strv(msg, &names)) < 0)
                return r;
        r = list_units(msg, ud, NULL, NULL, names ? names : (char *[]) { NULL });
        strv_free(names);
        return r;
}

static int m_list_jobs(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        BusServer *s = ud;
        sd_bus_message *reply = NULL;
        int r;

        (void) error;
        if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(usssoo)");
        for (size_t i = 0; r >= 0 && i < s->m->n_units; i++) {
                MUnit *u = s->m->units[i];
                char *jp, *up;
                if (u->job == JOB_NONE)
                        continue;
                jp = bus_job_path(u->job_id);
                up = bus_unit_path(u->id);
                r = sd_bus_message_append(reply, "(usssoo)", u->job_id, u->id, job_type_to_string(u->job),
                                          u->job_running ? "running" : "waiting", jp ? jp : "/", up ? up : "/");
                free(jp);
                free(up);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

static MUnit *unit_by_job(BusServer *s, uint32_t id) {
        for (size_t i = 0; i < s->m->n_units; i++)
                if (s->m->units[i]->job != JOB_NONE && s->m->units[i]->job_id == id)
                        return s->m->units[i];
        return NULL;
}

static int m_get_job(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        uint32_t id;
        int r;

        if ((r = sd_bus_message_read(msg, "u", &id)) < 0)
                return r;
        if (!unit_by_job(ud, id))
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_JOB, "Job %u does not exist.", id);
        return reply_job(msg, id);
}

static int m_cancel_job(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        BusServer *s = ud;
        uint32_t id;
        MUnit *u;
        int r;

        if ((r = sd_bus_message_read(msg, "u", &id)) < 0)
                return r;
        u = unit_by_job(s, id);
        if (!u)
                return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_JOB, "Job %u does not exist.", id);
        if (manager_cancel_job(s->m, u) < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Job %u is running and cannot be canceled.", id);
        return sd_bus_reply_method_return(msg, NULL);
}

/* ---- manager life cycle ----------------------------------------------------------------------- */

static int m_noop(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        (void) ud, (void) error;
        return sd_bus_reply_method_return(msg, NULL);
}

static int m_daemon_reload(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        BusServer *s = ud;
        int r;

        manager_log(s->m, MLOG_INFO, "Reloading unit files (requested over D-Bus).");
        r = manager_reload(s->m);
        if (r < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Reload failed: %s", strerror(-r));
        return sd_bus_reply_method_return(msg, NULL);
}

static int m_set_exit_code(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        BusServer *s = ud;
        uint8_t code;
        int r;

        (void) error;
        if ((r = sd_bus_message_read(msg, "y", &code)) < 0)
                return r;
        s->m->exit_code_override = code;
        return sd_bus_reply_method_return(msg, NULL);
}

static int m_exit(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        BusServer *s = ud;
        int r;

        (void) error;
        manager_log(s->m, MLOG_INFO, "%s requested over D-Bus: stopping the container", sd_bus_message_get_member(msg));
        r = sd_bus_reply_method_return(msg, NULL);
        bus_request_shutdown(s, s->m->exit_code_override >= 0 ? s->m->exit_code_override : 0, msg);
        return r;
}

/* ---- properties ------------------------------------------------------------------------------- */

static Manager *MGR(void *userdata) {
        return S(userdata)->m;
}

#if defined(__x86_64__)
#define ARCHITECTURE "x86-64"
#elif defined(__aarch64__)
#define ARCHITECTURE "arm64"
#else
#define ARCHITECTURE ""
#endif

static uint32_t count_units(Manager *m, bool failed) {
        uint32_t n = 0;
        for (size_t i = 0; i < m->n_units; i++)
                n += failed ? m->units[i]->active == STATE_FAILED : m->units[i]->job != JOB_NONE;
        return n;
}

static int get_environment(BUS_GETTER_ARGS) {
        extern char **environ;
        int r = sd_bus_message_open_container(reply, 'a', "s");

        (void) bus, (void) path, (void) interface, (void) property, (void) userdata, (void) error;
        for (size_t i = 0; r >= 0 && environ[i]; i++)
                if (strncmp(environ[i], "NOTIFY_SOCKET=", 14) != 0)
                        r = sd_bus_message_append(reply, "s", environ[i]);
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int get_progress(BUS_GETTER_ARGS) {
        Manager *m = MGR(userdata);
        uint32_t jobs = count_units(m, false);

        (void) bus, (void) path, (void) interface, (void) property, (void) error;
        return sd_bus_message_append(reply, "d", m->last_job_id ? 1.0 - (double) jobs / (double) m->last_job_id : 1.0);
}

BUS_DEFINE_GETTER(get_version, sd_bus_message_append(reply, "s", "sdinit-" SDINIT_VERSION))
BUS_DEFINE_GETTER(get_features, sd_bus_message_append(reply, "s", "-PAM -AUDIT -SELINUX -APPARMOR -SMACK +SYSVINIT"))
BUS_DEFINE_GETTER(get_virtualization, sd_bus_message_append(reply, "s", "container-other"))
BUS_DEFINE_GETTER(get_architecture, sd_bus_message_append(reply, "s", ARCHITECTURE))
BUS_DEFINE_GETTER(get_system_state, sd_bus_message_append(reply, "s", manager_system_state(MGR(userdata))))
BUS_DEFINE_GETTER(get_n_names, sd_bus_message_append(reply, "u", (uint32_t) MGR(userdata)->n_units))
BUS_DEFINE_GETTER(get_n_failed, sd_bus_message_append(reply, "u", count_units(MGR(userdata), true)))
BUS_DEFINE_GETTER(get_n_jobs, sd_bus_message_append(reply, "u", count_units(MGR(userdata), false)))
BUS_DEFINE_GETTER(get_n_installed_jobs, sd_bus_message_append(reply, "u", MGR(userdata)->last_job_id))
BUS_DEFINE_GETTER(get_control_group, sd_bus_message_append(reply, "s", MGR(userdata)->cg_tree ? MGR(userdata)->cg.own_path : ""))
BUS_DEFINE_GETTER(get_show_status, sd_bus_message_append(reply, "b", (int) MGR(userdata)->show_status))
BUS_DEFINE_GETTER(get_exit_code, sd_bus_message_append(reply, "y", (uint8_t) (MGR(userdata)->exit_code_override >= 0
                                                                                      ? MGR(userdata)->exit_code_override : 0)))
BUS_DEFINE_GETTER(get_inherit, sd_bus_message_append(reply, "s", "inherit"))
BUS_DEFINE_GETTER(get_default_timeout, sd_bus_message_append(reply, "t", (uint64_t) DEFAULT_TIMEOUT_USEC))
BUS_DEFINE_GETTER(get_default_restart, sd_bus_message_append(reply, "t", (uint64_t) DEFAULT_RESTART_USEC))
BUS_DEFINE_GETTER(get_startup_realtime, sd_bus_message_append(reply, "t", MGR(userdata)->ts_startup.realtime))
BUS_DEFINE_GETTER(get_startup_monotonic, sd_bus_message_append(reply, "t", MGR(userdata)->ts_startup.monotonic))
BUS_DEFINE_GETTER(get_finish_realtime, sd_bus_message_append(reply, "t", MGR(userdata)->ts_finish.realtime))
BUS_DEFINE_GETTER(get_finish_monotonic, sd_bus_message_append(reply, "t", MGR(userdata)->ts_finish.monotonic))

#define M(name, in, out, fn) SD_BUS_METHOD(name, in, out, fn, SD_BUS_VTABLE_UNPRIVILEGED)

const sd_bus_vtable bus_manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        BUS_PROP("Version", "s", get_version),
        BUS_PROP("Features", "s", get_features),
        BUS_PROP("Virtualization", "s", get_virtualization),
        BUS_PROP("Architecture", "s", get_architecture),
        BUS_PROP("Tainted", "s", bus_get_empty),
        BUS_PROP("FirmwareTimestamp", "t", bus_get_u64_zero),
        BUS_PROP("FirmwareTimestampMonotonic", "t", bus_get_u64_zero),
        BUS_PROP("LoaderTimestamp", "t", bus_get_u64_zero),
        BUS_PROP("LoaderTimestampMonotonic", "t", bus_get_u64_zero),
        BUS_PROP("KernelTimestamp", "t", bus_get_u64_zero),
        BUS_PROP("KernelTimestampMonotonic", "t", bus_get_u64_zero),
        BUS_PROP("InitRDTimestamp", "t", bus_get_u64_zero),
        BUS_PROP("InitRDTimestampMonotonic", "t", bus_get_u64_zero),
        BUS_PROP("UserspaceTimestamp", "t", get_startup_realtime),
        BUS_PROP("UserspaceTimestampMonotonic", "t", get_startup_monotonic),
        BUS_PROP("FinishTimestamp", "t", get_finish_realtime),
        BUS_PROP("FinishTimestampMonotonic", "t", get_finish_monotonic),
        BUS_PROP("NNames", "u", get_n_names),
        BUS_PROP("NFailedUnits", "u", get_n_failed),
        BUS_PROP("NJobs", "u", get_n_jobs),
        BUS_PROP("NInstalledJobs", "u", get_n_installed_jobs),
        BUS_PROP("Progress", "d", get_progress),
        BUS_PROP("Environment", "as", get_environment),
        BUS_PROP("ControlGroup", "s", get_control_group),
        BUS_PROP("SystemState", "s", get_system_state),
        BUS_PROP("ShowStatus", "b", get_show_status),
        BUS_PROP("ExitCode", "y", get_exit_code),
        BUS_PROP("DefaultStandardOutput", "s", get_inherit),
        BUS_PROP("DefaultStandardError", "s", get_inherit),
        BUS_PROP("DefaultTimeoutStartUSec", "t", get_default_timeout),
        BUS_PROP("DefaultTimeoutStopUSec", "t", get_default_timeout),
        BUS_PROP("DefaultRestartUSec", "t", get_default_restart),
        M("GetUnit", "s", "o", m_get_unit),
        M("GetUnitByPID", "u", "o", m_get_unit_by_pid),
        M("LoadUnit", "s", "o", m_load_unit),
        M("StartUnit", "ss", "o", m_start),
        M("StopUnit", "ss", "o", m_stop),
        M("ReloadUnit", "ss", "o", m_reload),
        M("RestartUnit", "ss", "o", m_restart),
        M("TryRestartUnit", "ss", "o", m_try_restart),
        M("ReloadOrRestartUnit", "ss", "o", m_reload_or_restart),
        M("ReloadOrTryRestartUnit", "ss", "o", m_reload_or_try_restart),
        M("KillUnit", "ssi", NULL, m_kill),
        M("ResetFailedUnit", "s", NULL, m_reset_failed_unit),
        M("ResetFailed", NULL, NULL, m_reset_failed),
        M("GetUnitProcesses", "s", "a(sus)", m_get_unit_processes),
        M("ListUnits", NULL, "a(ssssssouso)", m_list_units),
        M("ListUnitsFiltered", "as", "a(ssssssouso)", m_list_units_filtered),
        M("ListUnitsByPatterns", "asas", "a(ssssssouso)", m_list_units_by_patterns),
        M("ListUnitsByNames", "as", "a(ssssssouso)", m_list_units_by_names),
        M("ListJobs", NULL, "a(usssoo)", m_list_jobs),
        M("GetJob", "u", "o", m_get_job),
        M("CancelJob", "u", NULL, m_cancel_job),
        M("Subscribe", NULL, NULL, m_noop),
        M("Unsubscribe", NULL, NULL, m_noop),
        M("Reload", NULL, NULL, m_daemon_reload),
        M("Reexecute", NULL, NULL, m_daemon_reload),
        M("SetExitCode", "y", NULL, m_set_exit_code),
        M("Exit", NULL, NULL, m_exit),
        M("PowerOff", NULL, NULL, m_exit),
        M("Halt", NULL, NULL, m_exit),
        M("Reboot", NULL, NULL, m_exit),
        M("KExec", NULL, NULL, m_exit),
        M("EnableUnitFiles", "asbb", "ba(sss)", bus_enable),
        M("EnableUnitFilesWithFlags", "ast", "ba(sss)", bus_enable_flags),
        M("ReenableUnitFiles", "asbb", "ba(sss)", bus_reenable),
        M("DisableUnitFiles", "asb", "a(sss)", bus_disable),
        M("DisableUnitFilesWithFlags", "ast", "a(sss)", bus_disable_flags),
        M("DisableUnitFilesWithFlagsAndInstallInfo", "ast", "ba(sss)", bus_disable_flags_info),
        M("MaskUnitFiles", "asbb", "a(sss)", bus_mask),
        M("UnmaskUnitFiles", "asb", "a(sss)", bus_unmask),
        M("PresetUnitFiles", "asbb", "ba(sss)", bus_preset),
        M("PresetUnitFilesWithMode", "assbb", "ba(sss)", bus_preset_with_mode),
        M("PresetAllUnitFiles", "sbb", "a(sss)", bus_preset_all),
        M("ListUnitFiles", NULL, "a(ss)", bus_list_files),
        M("ListUnitFilesByPatterns", "asas", "a(ss)", bus_list_files_by_patterns),
        M("GetUnitFileState", "s", "s", bus_get_state),
        M("GetDefaultTarget", NULL, "s", bus_get_default),
        M("SetDefaultTarget", "sb", "a(sss)", bus_set_default),
        SD_BUS_SIGNAL("UnitNew", "so", 0),
        SD_BUS_SIGNAL("UnitRemoved", "so", 0),
        SD_BUS_SIGNAL("JobNew", "uos", 0),
        SD_BUS_SIGNAL("JobRemoved", "uoss", 0),
        SD_BUS_SIGNAL("StartupFinished", "tttttt", 0),
        SD_BUS_SIGNAL("UnitFilesChanged", NULL, 0),
        SD_BUS_SIGNAL("Reloading", "b", 0),
        SD_BUS_VTABLE_END,
};
