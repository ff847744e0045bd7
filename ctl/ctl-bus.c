/* SPDX-License-Identifier: MIT */
/* The online verbs of sdinit's systemctl: systemd's D-Bus API (org.freedesktop.systemd1(5)) on
 * the private peer-to-peer socket of PID 1, /run/systemd/private, as systemctl 252 uses it as root.
 * Messages, exit codes and the job waiting follow src/systemctl/ and src/shared/bus-wait-for-jobs.c:
 * the JobRemoved match is installed before the first call, each call's job path is recorded, and
 * the loop runs until every recorded job has been removed, reporting failed results. */
#include <errno.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ctl/ctl-bus.h"
#include "ctl/ctl.h"
#include "install/install.h"
#include "units/unit-name.h"

const char *ctl_bus_error_message(const sd_bus_error *e, int r) {
        if (e && sd_bus_error_is_set(e) && e->message)
                return e->message;
        return strerror(r < 0 ? -r : r);
}

void ctl_log_bus_error(const char *prefix, const sd_bus_error *e, int r) {
        fprintf(stderr, "%s: %s\n", prefix, ctl_bus_error_message(e, r));
}

int ctl_bus_connect(Ctl *c, bool quiet) {
        const char *address = getenv("SDINIT_SYSTEMCTL_ADDRESS");
        sd_bus *bus = NULL;
        int r;

        if (!address)
                address = "unix:path=/run/systemd/private";
        r = sd_bus_new(&bus);
        if (r >= 0)
                r = sd_bus_set_address(bus, address);
        if (r >= 0)
                r = sd_bus_start(bus);
        if (r < 0) {
                if (!quiet)
                        fprintf(stderr, "Failed to connect to bus: %s\n", strerror(-r));
                sd_bus_unref(bus);
                return r;
        }
        c->bus = bus;
        return 0;
}

int ctl_call(Ctl *c, const char *path, const char *iface, const char *member, sd_bus_error *e,
                sd_bus_message **reply, const char *types, ...) {
        sd_bus_message *m = NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_method_call(c->bus, &m, DEST, path, iface, member);
        if (r < 0)
                return r;
        if (types) {
                va_start(ap, types);
                r = sd_bus_message_appendv(m, types, ap);
                va_end(ap);
                if (r < 0) {
                        sd_bus_message_unref(m);
                        return r;
                }
        }
        r = sd_bus_call(c->bus, m, 0, e, reply);
        sd_bus_message_unref(m);
        return r;
}

int ctl_get_property_string(Ctl *c, const char *path, const char *iface, const char *prop, char **ret) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r = sd_bus_get_property_string(c->bus, DEST, path, iface, prop, &e, ret);

        sd_bus_error_free(&e);
        return r;
}

int ctl_get_property_strv(Ctl *c, const char *path, const char *iface, const char *prop, char ***ret) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r = sd_bus_get_property_strv(c->bus, DEST, path, iface, prop, &e, ret);

        sd_bus_error_free(&e);
        return r;
}

/* ---- unit lists ---- */

/* ListUnitsByPatterns(states, patterns). The strings point into *reply. */
int ctl_list_units(Ctl *c, char **states, char **patterns, sd_bus_message **reply, UnitInfo **ret, size_t *ret_n) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL;
        UnitInfo *l = NULL;
        size_t n = 0;
        int r;

        r = sd_bus_message_new_method_call(c->bus, &m, DEST, MGR_PATH, MGR_IFACE, "ListUnitsByPatterns");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, states);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, patterns);
        if (r >= 0)
                r = sd_bus_call(c->bus, m, 0, &e, reply);
        sd_bus_message_unref(m);
        if (r < 0) {
                ctl_log_bus_error("Failed to list units", &e, r);
                sd_bus_error_free(&e);
                return r;
        }
        r = sd_bus_message_enter_container(*reply, 'a', "(ssssssouso)");
        while (r >= 0) {
                UnitInfo u = {}, *nl;

                r = sd_bus_message_read(*reply, "(ssssssouso)", &u.id, &u.description, &u.load_state, &u.active_state,
                                        &u.sub_state, &u.following, &u.unit_path, &u.job_id, &u.job_type, &u.job_path);
                if (r <= 0)
                        break;
                nl = realloc(l, (n + 1) * sizeof(*nl));
                if (!nl) {
                        r = -ENOMEM;
                        break;
                }
                l = nl;
                l[n++] = u;
        }
        if (r < 0) {
                fprintf(stderr, "Failed to parse bus message: %s\n", strerror(-r));
                free(l);
                return r;
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

static bool is_glob(const char *s) {
        return strpbrk(s, "*?[") != NULL;
}

int ctl_expand_patterns(Ctl *c, char **args, char ***ret) {
        char **names = NULL, **globs = NULL;
        int r = 0;

        for (size_t i = 0; args && args[i]; i++) {
                char *m = NULL;

                r = ctl_mangle(c, args[i], true, &m);
                if (r < 0) {
                        fprintf(stderr, "Failed to mangle name: %s\n", strerror(-r));
                        goto fail;
                }
                r = strv_push(is_glob(m) ? &globs : &names, m);
                if (r < 0)
                        goto fail;
        }
        if (globs) {
                sd_bus_message *reply = NULL;
                UnitInfo *u = NULL;
                size_t n = 0;

                r = ctl_list_units(c, NULL, globs, &reply, &u, &n);
                for (size_t i = 0; r >= 0 && i < n; i++)
                        r = strv_extend(&names, u[i].id);
                free(u);
                sd_bus_message_unref(reply);
                if (r < 0)
                        goto fail;
        }
        strv_free(globs);
        *ret = names;
        return 0;
fail:
        strv_free(names);
        strv_free(globs);
        return r;
}

/* ---- jobs ---- */

typedef struct JobWait {
        char **paths;     /* pending job paths */
        char **failed;    /* "unit\0result" pairs as "unit result" */
        int r;
        bool quiet;
        Ctl *c;
        sd_bus_slot *slot;
} JobWait;

static const char *const service_explanations[][2] = {
        { "resources", "of unavailable resources or another system error" },
        { "protocol", "the service did not take the steps required by its unit configuration" },
        { "timeout", "a timeout was exceeded" },
        { "exit-code", "the control process exited with error code" },
        { "signal", "a fatal signal was delivered to the control process" },
        { "core-dump", "a fatal signal was delivered causing the control process to dump core" },
        { "watchdog", "the service failed to send watchdog ping" },
        { "start-limit-hit", "start of the service was attempted too often" },
        { "oom-kill", "of an out-of-memory (OOM) siutation" }, /* sic: systemd 252's wording */
};

static void log_job_error_with_service_result(Ctl *c, const char *unit) {
        char *path = NULL, *result = NULL;
        const char *expl = NULL;

        if (ctl_unit_path(unit, &path) >= 0)
                (void) ctl_get_property_string(c, path, "org.freedesktop.systemd1.Service", "Result", &result);
        for (size_t i = 0; result && i < sizeof(service_explanations) / sizeof(service_explanations[0]); i++)
                if (strcmp(result, service_explanations[i][0]) == 0)
                        expl = service_explanations[i][1];
        if (expl)
                fprintf(stderr, "Job for %s failed because %s.\nSee \"systemctl status %s\" and \"journalctl -xeu %s\" for details.\n",
                        unit, expl, unit, unit);
        else
                fprintf(stderr, "Job for %s failed.\nSee \"systemctl status %s\" and \"journalctl -xeu %s\" for details.\n", unit,
                        unit, unit);
        if (result && strcmp(result, "start-limit-hit") == 0)
                fprintf(stderr, "To force a start use \"systemctl reset-failed %s\"\nfollowed by \"systemctl start %s\" again.\n",
                        unit, unit);
        free(path);
        free(result);
}

static int check_wait_response(JobWait *w, const char *unit, const char *result) {
        if (strcmp(result, "done") == 0 || strcmp(result, "skipped") == 0)
                return 0;
        if (!w->quiet) {
                if (strcmp(result, "canceled") == 0)
                        fprintf(stderr, "Job for %s canceled.\n", unit);
                else if (strcmp(result, "timeout") == 0)
                        fprintf(stderr, "Job for %s timed out.\n", unit);
                else if (strcmp(result, "dependency") == 0)
                        fprintf(stderr, "A dependency job for %s failed. See 'journalctl -xe' for details.\n", unit);
                else if (strcmp(result, "invalid") == 0)
                        fprintf(stderr, "%s is not active, cannot reload.\n", unit);
                else if (strcmp(result, "assert") == 0)
                        fprintf(stderr, "Assertion failed on job for %s.\n", unit);
                else if (strcmp(result, "unsupported") == 0)
                        fprintf(stderr, "Operation on or unit type of %s not supported on this system.\n", unit);
                else if (strcmp(result, "collected") == 0)
                        fprintf(stderr, "Queued job for %s was garbage collected.\n", unit);
                else if (strcmp(result, "once") == 0)
                        fprintf(stderr, "Unit %s was started already once and can't be started again.\n", unit);
                else {
                        const char *dot = strrchr(unit, '.');

                        if (dot && strcmp(dot, ".service") == 0)
                                log_job_error_with_service_result(w->c, unit);
                        else
                                fprintf(stderr, "Job failed. See \"journalctl -xe\" for details.\n");
                }
        }
        if (strcmp(result, "canceled") == 0 || strcmp(result, "collected") == 0)
                return -ECANCELED;
        if (strcmp(result, "timeout") == 0)
                return -ETIME;
        if (strcmp(result, "invalid") == 0)
                return -ENOEXEC;
        if (strcmp(result, "assert") == 0)
                return -EPROTO;
        if (strcmp(result, "unsupported") == 0)
                return -EOPNOTSUPP;
        if (strcmp(result, "once") == 0)
                return -ESTALE;
        return -EIO;
}

static int match_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        JobWait *w = userdata;
        const char *path, *unit, *result;
        uint32_t id;
        size_t i;

        if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0)
                return 0;
        for (i = 0; w->paths && w->paths[i]; i++)
                if (strcmp(w->paths[i], path) == 0)
                        break;
        if (!w->paths || !w->paths[i])
                return 0;
        free(w->paths[i]);
        memmove(w->paths + i, w->paths + i + 1, (strv_length(w->paths + i + 1) + 1) * sizeof(char *));
        /* The result is checked after the loop, as systemd does, when the unit name is known. */
        strv_extend(&w->failed, unit);
        strv_extend(&w->failed, result);
        return 0;
}

static int job_wait_new(Ctl *c, JobWait *w) {
        *w = (JobWait) { .c = c, .quiet = c->quiet };
        return sd_bus_match_signal(c->bus, &w->slot, NULL, MGR_PATH, MGR_IFACE, "JobRemoved", match_job_removed, w);
}

static int job_wait_run(JobWait *w) {
        int r = 0;

        while (w->paths && w->paths[0]) {
                int q = sd_bus_process(w->c->bus, NULL);

                if (q < 0) {
                        fprintf(stderr, "Failed to wait for response: %s\n", strerror(-q));
                        return q;
                }
                if (q > 0)
                        continue;
                q = sd_bus_wait(w->c->bus, UINT64_MAX);
                if (q < 0) {
                        fprintf(stderr, "Failed to wait for response: %s\n", strerror(-q));
                        return q;
                }
        }
        for (size_t i = 0; w->failed && w->failed[i] && w->failed[i + 1]; i += 2) {
                int q = check_wait_response(w, w->failed[i], w->failed[i + 1]);
                if (q < 0 && r == 0)
                        r = q;
        }
        return r;
}

static void job_wait_done(JobWait *w) {
        sd_bus_slot_unref(w->slot);
        strv_free(w->paths);
        strv_free(w->failed);
}

/* ---- start & co ---- */

static const struct {
        const char *verb, *method;
} unit_actions[] = {
        { "start", "StartUnit" },
        { "stop", "StopUnit" },
        { "reload", "ReloadUnit" },
        { "restart", "RestartUnit" },
        { "try-restart", "TryRestartUnit" },
        { "condrestart", "TryRestartUnit" },
        { "reload-or-restart", "ReloadOrRestartUnit" },
        { "reload-or-try-restart", "ReloadOrTryRestartUnit" }, /* first: systemctl names the job type in errors */
        { "try-reload-or-restart", "ReloadOrTryRestartUnit" },
        { "force-reload", "ReloadOrTryRestartUnit" },
        { "isolate", "StartUnit" },
};

static const char *method_to_verb(const char *method) {
        for (size_t i = 0; i < sizeof(unit_actions) / sizeof(unit_actions[0]); i++)
                if (strcmp(unit_actions[i].method, method) == 0)
                        return unit_actions[i].verb;
        return "n/a";
}

static int exit_status_from_bus_error(int r, const sd_bus_error *e) {
        if (!sd_bus_error_is_set(e))
                return 1;
        if (sd_bus_error_has_name(e, SD_BUS_ERROR_ACCESS_DENIED) || sd_bus_error_has_name(e, ERR_ONLY_BY_DEPENDENCY) ||
            sd_bus_error_has_name(e, ERR_NO_ISOLATION) || sd_bus_error_has_name(e, ERR_TRANSACTION_IS_DESTRUCTIVE))
                return 4;
        if (sd_bus_error_has_name(e, ERR_NO_SUCH_UNIT))
                return 5;
        if (sd_bus_error_has_name(e, ERR_JOB_TYPE_NOT_APPLICABLE) || sd_bus_error_has_name(e, SD_BUS_ERROR_NOT_SUPPORTED))
                return 3;
        if (sd_bus_error_has_name(e, ERR_LOAD_FAILED))
                return 6;
        return 1;
}

static void warn_triggering_units(Ctl *c, const char *unit) {
        char *path = NULL, **by = NULL, **active = NULL;

        if (ctl_unit_path(unit, &path) < 0)
                return;
        if (ctl_get_property_strv(c, path, UNIT_IFACE, "TriggeredBy", &by) >= 0)
                for (size_t i = 0; by && by[i]; i++) {
                        char *p = NULL, *state = NULL;

                        if (ctl_unit_path(by[i], &p) >= 0 && ctl_get_property_string(c, p, UNIT_IFACE, "ActiveState", &state) >= 0 &&
                            (strcmp(state, "active") == 0 || strcmp(state, "reloading") == 0))
                                strv_extend(&active, by[i]);
                        free(p);
                        free(state);
                }
        if (active) {
                fprintf(stderr, "Warning: Stopping %s, but it can still be activated by:\n", unit);
                for (size_t i = 0; active[i]; i++)
                        fprintf(stderr, "  %s\n", active[i]);
        }
        strv_free(by);
        strv_free(active);
        free(path);
}

/* Enqueues method(name, mode) for every name and waits for the jobs unless --no-block. */
static int start_units(Ctl *c, const char *method, char **names, const char *mode) {
        JobWait w = {};
        int ret = 0, r;

        if (!c->no_block) {
                r = job_wait_new(c, &w);
                if (r < 0) {
                        fprintf(stderr, "Could not watch jobs: %s\n", strerror(-r));
                        return 1;
                }
        }
        for (size_t i = 0; names && names[i]; i++) {
                sd_bus_error e = SD_BUS_ERROR_NULL;
                sd_bus_message *reply = NULL;
                const char *path;

                r = ctl_call(c, MGR_PATH, MGR_IFACE, method, &e, &reply, "ss", names[i], mode);
                /* try-restart and reload-or-try-restart ignore a masked unit, as systemctl does */
                if (r < 0 && sd_bus_error_has_name(&e, ERR_UNIT_MASKED) &&
                    (strcmp(method, "TryRestartUnit") == 0 || strcmp(method, "ReloadOrTryRestartUnit") == 0)) {
                        sd_bus_error_free(&e);
                        continue;
                }
                if (r < 0) {
                        fprintf(stderr, "Failed to %s %s: %s\n", method_to_verb(method), names[i], ctl_bus_error_message(&e, r));
                        if (!sd_bus_error_has_name(&e, ERR_NO_SUCH_UNIT) && !sd_bus_error_has_name(&e, ERR_UNIT_MASKED) &&
                            !sd_bus_error_has_name(&e, ERR_JOB_TYPE_NOT_APPLICABLE))
                                fprintf(stderr, "See system logs and 'systemctl status%s %s' for details.\n",
                                        names[i][0] == '-' ? " --" : "", names[i]);
                        if (ret == 0)
                                ret = exit_status_from_bus_error(r, &e);
                        sd_bus_error_free(&e);
                        continue;
                }
                if (sd_bus_message_read(reply, "o", &path) > 0 && !c->no_block)
                        strv_extend(&w.paths, path);
                sd_bus_message_unref(reply);
        }
        if (!c->no_block) {
                r = job_wait_run(&w);
                job_wait_done(&w);
                if (r < 0)
                        return 1;
                if (strcmp(method, "StopUnit") == 0 && !c->quiet)
                        for (size_t i = 0; names && names[i]; i++)
                                warn_triggering_units(c, names[i]);
        }
        return ret;
}

int ctl_verb_start(Ctl *c) {
        const char *method = "StartUnit", *mode = c->job_mode ? c->job_mode : "replace";
        char **names = NULL;
        int r;

        for (size_t i = 0; i < sizeof(unit_actions) / sizeof(unit_actions[0]); i++)
                if (strcmp(unit_actions[i].verb, c->verb) == 0)
                        method = unit_actions[i].method;
        if (strcmp(c->verb, "isolate") == 0) {
                char *n = NULL;

                mode = "isolate";
                if (ctl_mangle(c, c->args[0], false, &n) < 0)
                        return 1;
                if (!strrchr(n, '.') || strcmp(strrchr(n, '.'), ".service") == 0) {
                        /* isolate mangles with the .target suffix */
                        char *dot = strrchr(n, '.');
                        if (dot && !strchr(c->args[0], '.')) {
                                *dot = 0;
                                char *t = malloc(strlen(n) + 8);
                                if (t)
                                        sprintf(t, "%s.target", n);
                                free(n);
                                n = t;
                        }
                }
                if (!n || strv_push(&names, n) < 0)
                        return 1;
        } else {
                r = ctl_expand_patterns(c, c->args, &names);
                if (r < 0)
                        return 1;
        }
        r = start_units(c, method, names, mode);
        strv_free(names);
        return r;
}

int ctl_verb_power(Ctl *c) {
        const char *target = strcmp(c->verb, "poweroff") == 0 ? "poweroff.target"
                             : strcmp(c->verb, "halt") == 0   ? "halt.target"
                                                              : "reboot.target";
        char *names[] = { (char *) target, NULL };

        return start_units(c, "StartUnit", names, "replace-irreversibly");
}

int ctl_verb_exit(Ctl *c) {
        char *names[] = { (char *) "exit.target", NULL };

        if (c->n_args > 0) {
                sd_bus_error e = SD_BUS_ERROR_NULL;
                char *end = NULL;
                unsigned long code;
                int r;

                errno = 0;
                code = strtoul(c->args[0], &end, 10);
                if (errno || !end || *end || end == c->args[0] || code > 255 || c->args[0][0] == '-') {
                        fprintf(stderr, "Invalid exit code.\n");
                        return 1;
                }
                r = ctl_call(c, MGR_PATH, MGR_IFACE, "SetExitCode", &e, NULL, "y", (uint8_t) code);
                if (r < 0) {
                        ctl_log_bus_error("Failed to set exit code", &e, r);
                        sd_bus_error_free(&e);
                        return 1;
                }
        }
        return start_units(c, "StartUnit", names, "replace-irreversibly");
}

int ctl_verb_kill(Ctl *c) {
        char whom[64], **names = NULL;
        int r = 0;

        snprintf(whom, sizeof(whom), "%s%s", c->kill_whom ? c->kill_whom : "all",
                 c->job_mode && strcmp(c->job_mode, "fail") == 0 ? "-fail" : "");
        if (ctl_expand_patterns(c, c->args, &names) < 0)
                return 1;
        for (size_t i = 0; names && names[i]; i++) {
                sd_bus_error e = SD_BUS_ERROR_NULL;
                int q = ctl_call(c, MGR_PATH, MGR_IFACE, "KillUnit", &e, NULL, "ssi", names[i], whom, (int32_t) c->signal);

                if (q < 0) {
                        fprintf(stderr, "Failed to kill unit %s: %s\n", names[i], ctl_bus_error_message(&e, q));
                        r = 1;
                }
                sd_bus_error_free(&e);
        }
        strv_free(names);
        return r;
}

int ctl_verb_reset_failed(Ctl *c) {
        char **names = NULL;
        int r = 0;

        if (c->n_args == 0) {
                sd_bus_error e = SD_BUS_ERROR_NULL;
                int q = ctl_call(c, MGR_PATH, MGR_IFACE, "ResetFailed", &e, NULL, NULL);

                if (q < 0) {
                        fprintf(stderr, "Failed to reset failed state: %s\n", ctl_bus_error_message(&e, q));
                        r = 1;
                }
                sd_bus_error_free(&e);
                return r;
        }
        if (ctl_expand_patterns(c, c->args, &names) < 0)
                return 1;
        for (size_t i = 0; names && names[i]; i++) {
                sd_bus_error e = SD_BUS_ERROR_NULL;
                int q = ctl_call(c, MGR_PATH, MGR_IFACE, "ResetFailedUnit", &e, NULL, "s", names[i]);

                if (q < 0) {
                        fprintf(stderr, "Failed to reset failed state of unit %s: %s\n", names[i], ctl_bus_error_message(&e, q));
                        r = 1;
                }
                sd_bus_error_free(&e);
        }
        strv_free(names);
        return r;
}

int ctl_verb_is_active(Ctl *c) {
        bool failed_verb = strcmp(c->verb, "is-failed") == 0, found = false;
        char **names = NULL;

        if (ctl_expand_patterns(c, c->args, &names) < 0)
                return 1;
        for (size_t i = 0; names && names[i]; i++) {
                sd_bus_error e = SD_BUS_ERROR_NULL;
                char *path = NULL, *state = NULL;
                int r;

                if (ctl_unit_path(names[i], &path) < 0)
                        return 1;
                r = sd_bus_get_property_string(c->bus, DEST, path, UNIT_IFACE, "ActiveState", &e, &state);
                free(path);
                if (r < 0) {
                        /* PID 1's answer, as systemctl prints it (a template: "Unit name ... is neither ...") */
                        fprintf(stderr, "Failed to retrieve unit state: %s\n", ctl_bus_error_message(&e, r));
                        sd_bus_error_free(&e);
                        strv_free(names);
                        return 1;
                }
                if (!c->quiet)
                        puts(state);
                if (failed_verb ? strcmp(state, "failed") == 0
                                : (strcmp(state, "active") == 0 || strcmp(state, "reloading") == 0))
                        found = true;
                free(state);
        }
        strv_free(names);
        return found ? 0 : failed_verb ? 1 : 3;
}
