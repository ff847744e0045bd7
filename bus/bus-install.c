/* SPDX-License-Identifier: MIT */
/* The unit-file methods of org.freedesktop.systemd1.Manager (enable, disable, mask, unmask,
 * preset, preset-all, is-enabled, list-unit-files, default target) on top of install/, which computes the same
 * symlinks systemctl does offline. Changes are reported as systemd reports them: a(sss) of
 * (type, path, source); an error about a unit becomes the D-Bus error systemd would send. */
#include "bus/bus-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "install/install.h"

#define FLAG_RUNTIME (UINT64_C(1) << 0)
#define FLAG_FORCE (UINT64_C(1) << 1)

static int changes_error(const InstallChanges *c, int r, sd_bus_error *error) {
        for (size_t i = 0; i < c->n; i++) {
                const InstallChange *x = &c->items[i];
                const char *p = x->path ? x->path : x->source ? x->source : "";
                if (x->type >= 0)
                        continue;
                switch (-x->type) {
                case ENOENT:
                        return sd_bus_error_setf(error, BUS_ERROR_NO_SUCH_UNIT, "Unit file %s does not exist.", p);
                case ERFKILL:
                        return sd_bus_error_setf(error, BUS_ERROR_UNIT_MASKED, "Unit file %s is masked.", p);
                case EADDRNOTAVAIL:
                        return sd_bus_error_setf(error, BUS_ERROR_UNIT_GENERATED, "Unit %s is transient or generated.", p);
                case EEXIST:
                        if (x->path && x->source)
                                return sd_bus_error_setf(error, BUS_ERROR_UNIT_EXISTS, "File %s already exists and is a symlink to %s.",
                                                         x->path, x->source);
                        return sd_bus_error_setf(error, BUS_ERROR_UNIT_EXISTS, "File %s already exists.", p);
                /* The rest as systemd 252's install_error() (src/core/dbus-manager.c) words them. */
                case ETXTBSY:
                        return sd_bus_error_setf(error, "org.freedesktop.systemd1.UnitBadPath",
                                                 "File %s is under the systemd unit hierarchy already.", p);
                case EBADSLT:
                        return sd_bus_error_setf(error, BUS_ERROR_BAD_UNIT_SETTING, "Invalid specifier in %s.", p);
                case EIDRM:
                        return sd_bus_error_setf(error, BUS_ERROR_BAD_UNIT_SETTING, "Destination unit %s is a non-template unit.", p);
                case EUCLEAN:
                        return sd_bus_error_setf(error, BUS_ERROR_BAD_UNIT_SETTING, "\"%s\" is not a valid unit name.", p);
                case ELOOP:
                        return sd_bus_error_setf(error, BUS_ERROR_UNIT_LINKED, "Refusing to operate on alias name or linked unit file: %s", p);
                case EXDEV:
                        if (x->path && x->source)
                                return sd_bus_error_setf(error, BUS_ERROR_BAD_UNIT_SETTING, "Cannot alias %s as %s.", x->source, x->path);
                        return sd_bus_error_setf(error, BUS_ERROR_BAD_UNIT_SETTING, "Invalid unit reference %s.", p);
                case EUNATCH:
                        return sd_bus_error_setf(error, BUS_ERROR_BAD_UNIT_SETTING, "Cannot resolve specifiers in %s.", p);
                default:
                        return sd_bus_error_set_errnof(error, -x->type, "File %s: %s", p, strerror(-x->type));
                }
        }
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "%s", strerror(-r));
        return 0;
}

static int reply_changes(sd_bus_message *msg, const InstallChanges *c, int carries) {
        sd_bus_message *reply = NULL;
        int r = sd_bus_message_new_method_return(msg, &reply);

        if (r >= 0 && carries >= 0)
                r = sd_bus_message_append(reply, "b", carries);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sss)");
        for (size_t i = 0; r >= 0 && i < c->n; i++) {
                const char *t = install_change_type_to_string(c->items[i].type);
                if (!t)
                        continue;
                r = sd_bus_message_append(reply, "(sss)", t, c->items[i].path ? c->items[i].path : "",
                                          c->items[i].source ? c->items[i].source : "");
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

typedef int (*install_fn)(const char *root, InstallFlags flags, char *const *names, InstallChanges *changes);

/* args: "b" runtime [+ "b" force] or "t" flags. with_info: the reply starts with
 * carries_install_info. */
static int change_files(sd_bus_message *msg, void *userdata, sd_bus_error *error, install_fn fn, const char *args, bool with_info) {
        BusServer *s = userdata;
        InstallChanges c = {};
        InstallFlags flags = 0;
        char **names = NULL;
        int r, rr;

        if ((r = sd_bus_message_read_strv(msg, &names)) < 0)
                return r;
        if (strcmp(args, "t") == 0) {
                uint64_t f = 0;
                r = sd_bus_message_read(msg, "t", &f);
                flags = (f & FLAG_RUNTIME ? INSTALL_RUNTIME : 0) | (f & FLAG_FORCE ? INSTALL_FORCE : 0);
        } else {
                int runtime = 0, force = 0;
                r = sd_bus_message_read(msg, "b", &runtime);
                if (r >= 0 && strcmp(args, "bb") == 0)
                        r = sd_bus_message_read(msg, "b", &force);
                flags = (runtime ? INSTALL_RUNTIME : 0) | (force ? INSTALL_FORCE : 0);
        }
        if (r < 0) {
                strv_free(names);
                return r;
        }
        rr = fn(NULL, flags, names ? names : (char *[]) { NULL }, &c);
        strv_free(names);
        r = changes_error(&c, rr, error);
        if (r >= 0) {
                r = reply_changes(msg, &c, with_info ? rr > 0 : -1);
                bus_broadcast_signal(s, BUS_PATH, BUS_MANAGER_IFACE, "UnitFilesChanged", NULL);
        }
        install_changes_done(&c);
        return r;
}

int bus_enable(sd_bus_message *m, void *u, sd_bus_error *e) { return change_files(m, u, e, install_enable, "bb", true); }
int bus_enable_flags(sd_bus_message *m, void *u, sd_bus_error *e) { return change_files(m, u, e, install_enable, "t", true); }
int bus_reenable(sd_bus_message *m, void *u, sd_bus_error *e) { return change_files(m, u, e, install_reenable, "bb", true); }
int bus_disable(sd_bus_message *m, void *u, sd_bus_error *e) { return change_files(m, u, e, install_disable, "b", false); }
int bus_disable_flags(sd_bus_message *m, void *u, sd_bus_error *e) { return change_files(m, u, e, install_disable, "t", false); }
int bus_disable_flags_info(sd_bus_message *m, void *u, sd_bus_error *e) { return change_files(m, u, e, install_disable, "t", true); }
int bus_mask(sd_bus_message *m, void *u, sd_bus_error *e) { return change_files(m, u, e, install_mask, "bb", false); }
int bus_unmask(sd_bus_message *m, void *u, sd_bus_error *e) { return change_files(m, u, e, install_unmask, "b", false); }

/* systemd's reply_install_changes_and_free(): errors among the changes fail the call only when
 * nothing else was done (preset-all reports units it skipped and carries on). */
static int reply_preset(BusServer *s, sd_bus_message *msg, const InstallChanges *c, int rr, int carries, sd_bus_error *error) {
        bool good = false;
        int r;

        for (size_t i = 0; i < c->n; i++)
                if (c->items[i].type >= 0)
                        good = true;
        if (rr < 0 || (install_changes_have_errors(c) && !good))
                return changes_error(c, rr, error);
        r = reply_changes(msg, c, carries);
        if (r >= 0 && good)
                bus_broadcast_signal(s, BUS_PATH, BUS_MANAGER_IFACE, "UnitFilesChanged", NULL);
        return r;
}

/* PresetUnitFiles(as files, b runtime, b force) -> (b carries_install_info, a(sss) changes) and
 * PresetUnitFilesWithMode(as files, s mode, b runtime, b force) -> (b, a(sss)). An empty mode is
 * "full", an unknown one EINVAL (org.freedesktop.DBus.Error.InvalidArgs), as systemd. */
static int preset_files(sd_bus_message *msg, void *userdata, sd_bus_error *error, bool with_mode) {
        InstallChanges c = {};
        const char *mode = NULL;
        char **names = NULL;
        int runtime = 0, force = 0, m = INSTALL_PRESET_FULL, r, rr;

        r = sd_bus_message_read_strv(msg, &names);
        if (r >= 0 && with_mode)
                r = sd_bus_message_read(msg, "s", &mode);
        if (r >= 0)
                r = sd_bus_message_read(msg, "bb", &runtime, &force);
        if (r >= 0 && mode && *mode && (m = install_preset_mode_from_string(mode)) < 0)
                r = -EINVAL;
        if (r < 0) {
                strv_free(names);
                return r;
        }
        rr = install_preset(NULL, (runtime ? INSTALL_RUNTIME : 0) | (force ? INSTALL_FORCE : 0), m,
                            names ? names : (char *[]) { NULL }, &c);
        strv_free(names);
        r = reply_preset(userdata, msg, &c, rr, rr > 0, error);
        install_changes_done(&c);
        return r;
}

int bus_preset(sd_bus_message *m, void *u, sd_bus_error *e) { return preset_files(m, u, e, false); }
int bus_preset_with_mode(sd_bus_message *m, void *u, sd_bus_error *e) { return preset_files(m, u, e, true); }

/* PresetAllUnitFiles(s mode, b runtime, b force) -> a(sss) */
int bus_preset_all(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        InstallChanges c = {};
        const char *mode = NULL;
        int runtime = 0, force = 0, m = INSTALL_PRESET_FULL, r, rr;

        r = sd_bus_message_read(msg, "sbb", &mode, &runtime, &force);
        if (r < 0)
                return r;
        if (*mode && (m = install_preset_mode_from_string(mode)) < 0)
                return -EINVAL;
        rr = install_preset_all(NULL, (runtime ? INSTALL_RUNTIME : 0) | (force ? INSTALL_FORCE : 0), m, &c);
        r = reply_preset(userdata, msg, &c, rr, -1, error);
        install_changes_done(&c);
        return r;
}

static int list_files(sd_bus_message *msg, char **states, char **patterns) {
        sd_bus_message *reply = NULL;
        InstallFile *v = NULL;
        size_t n = 0;
        int r = install_list(NULL, states, patterns, &v, &n);

        if (r < 0)
                return r;
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(reply, "(ss)", v[i].path, install_state_to_string(v[i].state));
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        install_files_free(v, n);
        return r;
}

int bus_list_files(sd_bus_message *msg, void *ud, sd_bus_error *e) {
        (void) ud, (void) e;
        return list_files(msg, NULL, NULL);
}

int bus_list_files_by_patterns(sd_bus_message *msg, void *ud, sd_bus_error *e) {
        char **states = NULL, **patterns = NULL;
        int r;

        (void) ud, (void) e;
        if ((r = sd_bus_message_read_strv(msg, &states)) >= 0 && (r = sd_bus_message_read_strv(msg, &patterns)) >= 0)
                r = list_files(msg, states, patterns);
        strv_free(states);
        strv_free(patterns);
        return r;
}

int bus_get_state(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        InstallState st;
        const char *name;
        int r;

        (void) ud;
        if ((r = sd_bus_message_read(msg, "s", &name)) < 0)
                return r;
        r = install_get_state(NULL, name, &st);
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "%s", strerror(-r));
        return sd_bus_reply_method_return(msg, "s", install_state_to_string(st));
}

int bus_get_default(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        char *name = NULL;
        int r;

        (void) ud;
        r = install_get_default(NULL, &name);
        if (r < 0)
                return sd_bus_error_set_errnof(error, -r, "Failed to get default target: %s", strerror(-r));
        r = sd_bus_reply_method_return(msg, "s", name);
        free(name);
        return r;
}

int bus_set_default(sd_bus_message *msg, void *ud, sd_bus_error *error) {
        InstallChanges c = {};
        const char *name;
        int force = 0, r, rr;

        (void) ud;
        if ((r = sd_bus_message_read(msg, "sb", &name, &force)) < 0)
                return r;
        rr = install_set_default(NULL, force ? INSTALL_FORCE : 0, name, &c);
        r = changes_error(&c, rr, error);
        if (r >= 0)
                r = reply_changes(msg, &c, -1);
        install_changes_done(&c);
        return r;
}


