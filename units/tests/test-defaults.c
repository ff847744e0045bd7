/* SPDX-License-Identifier: MIT */
/* Tests of unit-defaults.c: systemd's implicit and default dependencies, the effective values
 * `sdinit show` prints for unset settings, and systemctl's time span format. The expected values
 * are systemd 252's; tests/integration/test_verify.py compares the same against Debian's real
 * systemd where it is installed. Man page quotes are from Debian 12's systemd 252. */
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "check-text.h"
#include "unit-defaults.h"
#include "unit-type-info.h"

static UnitHostInfo *host;

static Unit *load(const char *name, const char *text) {
        Unit *u = NULL;

        if (unit_new(name, host, &u) < 0)
                return NULL;
        unit_load_fragment_buffer(u, "/x/unit", text, strlen(text), false, NULL);
        if (u->load_state == UNIT_STUB)
                u->load_state = UNIT_LOADED;
        return u;
}

/* "Kind=a b;Kind=c" for every non-empty list, in UnitDependency order. */
static char *deps_text(const UnitImplicitDeps *d) {
        SduBuf b = {};

        sdu_buf_puts(&b, "");
        for (int k = 0; k < _UNIT_DEPENDENCY_MAX; k++) {
                char *s;
                if (!d->deps[k])
                        continue;
                s = strv_join(d->deps[k], " ");
                sdu_buf_puts(&b, b.len ? ";" : "");
                sdu_buf_puts(&b, unit_dependency_to_string((UnitDependency) k));
                sdu_buf_puts(&b, "=");
                sdu_buf_puts(&b, s);
                free(s);
        }
        return sdu_buf_steal(&b);
}

static char *implicit(const Unit *u, unsigned which, UnitLookupFn lookup, void *userdata) {
        UnitImplicitDeps d = {};
        char *s;

        if (unit_implicit_deps(u, which, lookup, userdata, &d) < 0)
                return NULL;
        s = deps_text(&d);
        unit_implicit_deps_done(&d);
        return s;
}

/* Properties by name: the first value of each, "(none)" for a property without a value. */
typedef struct Props {
        char **names, **values;
} Props;

static void collect(const char *name, const char *key, const char *value, void *userdata) {
        Props *p = userdata;

        if (strv_contains(p->names, name))
                return;
        strv_extend(&p->names, name);
        strv_extend(&p->values, value ? value : "(none)");
}

static const char *prop(const Props *p, const char *name) {
        for (size_t i = 0; p->names && p->names[i]; i++)
                if (strcmp(p->names[i], name) == 0)
                        return p->values[i];
        return "(absent)";
}

static void props_done(Props *p) {
        strv_free(p->names);
        strv_free(p->values);
        *p = (Props) {};
}

static Props props_of(const Unit *u, UnitLookupFn lookup, void *userdata) {
        Props p = {};

        CHECK(unit_properties(u, lookup, userdata, collect, &p) == 0);
        return p;
}

/* A tiny "registry" for the target rule. */
static Unit *others[8];

static const Unit *lookup(const char *name, void *userdata) {
        for (size_t i = 0; i < 8 && others[i]; i++)
                if (strcmp(others[i]->id, name) == 0)
                        return others[i];
        return NULL;
}

static void timespans(void) {
        static const struct {
                uint64_t usec;
                const char *text;
        } t[] = {
                /* What `systemd-analyze timespan` prints as "Human:" (systemd 252). */
                { 0, "0" },
                { UINT64_MAX, "infinity" },
                { 90000000, "1min 30s" },
                { 100000, "100ms" },
                { 1500000, "1.500000s" },
                { 61500000, "1min 1.500000s" },
                { 60500000, "1min 500ms" },
                { 300, "300us" },
                { 1500, "1.500ms" },
                { 1000001, "1.000001s" },
                { 9000000000, "2h 30min" },
        };

        for (size_t i = 0; i < SDU_ELEMENTSOF(t); i++) {
                char *s = unit_format_timespan_show(t[i].usec);
                CHECK_STR(s, t[i].text);
                free(s);
        }
}

int main(void) {
        Unit *u;
        char *s;
        Props p;

        unit_host_info_new_fixed(&host);
        timespans();

        /* systemd.service(5), "Default Dependencies": "Service units will have dependencies of
         * type Requires= and After= on sysinit.target, a dependency of type After= on
         * basic.target as well as dependencies of type Conflicts= and Before= on
         * shutdown.target." The slice and, with output to the journal, the journal socket come
         * on top (systemd.exec(5), "Implicit Dependencies"). */
        u = load("a.service", "[Service]\nExecStart=/bin/true\n");
        s = implicit(u, UNIT_IMPLICIT_ALL, NULL, NULL);
        CHECK_STR(s, "Requires=system.slice sysinit.target;Conflicts=shutdown.target;Before=shutdown.target;"
                     "After=systemd-journald.socket system.slice sysinit.target basic.target");
        free(s);
        s = implicit(u, UNIT_IMPLICIT_DEFAULT, NULL, NULL);
        CHECK_STR(s, "Requires=sysinit.target;Conflicts=shutdown.target;Before=shutdown.target;After=sysinit.target basic.target");
        free(s);

        /* The documented defaults of an empty [Service], as systemctl show names them. */
        p = props_of(u, NULL, NULL);
        CHECK_STR(prop(&p, "Type"), "simple");                   /* systemd.service(5): "the default if ExecStart= is specified" */
        CHECK_STR(prop(&p, "Restart"), "no");                    /* "If set to no (the default)" */
        CHECK_STR(prop(&p, "RestartUSec"), "100ms");             /* RestartSec=: "Defaults to 100ms." */
        CHECK_STR(prop(&p, "TimeoutStartUSec"), "1min 30s");     /* DefaultTimeoutStartSec=90s */
        CHECK_STR(prop(&p, "TimeoutStopUSec"), "1min 30s");      /* DefaultTimeoutStopSec=90s */
        CHECK_STR(prop(&p, "TimeoutAbortUSec"), "1min 30s");     /* falls back to TimeoutStopSec= */
        CHECK_STR(prop(&p, "RemainAfterExit"), "no");            /* "Defaults to no." */
        CHECK_STR(prop(&p, "GuessMainPID"), "yes");              /* "Defaults to yes." */
        CHECK_STR(prop(&p, "NotifyAccess"), "none");             /* "none (the default)" */
        CHECK_STR(prop(&p, "OOMPolicy"), "stop");                /* DefaultOOMPolicy=stop */
        CHECK_STR(prop(&p, "KillMode"), "control-group");        /* systemd.kill(5): "Defaults to control-group." */
        CHECK_STR(prop(&p, "KillSignal"), "15");                 /* "Defaults to SIGTERM." */
        CHECK_STR(prop(&p, "RestartKillSignal"), "15");          /* "defaults to the value of KillSignal=" */
        CHECK_STR(prop(&p, "FinalKillSignal"), "9");             /* "Defaults to SIGKILL." */
        CHECK_STR(prop(&p, "WatchdogSignal"), "6");              /* "Defaults to SIGABRT." */
        CHECK_STR(prop(&p, "SendSIGKILL"), "yes");
        CHECK_STR(prop(&p, "SendSIGHUP"), "no");
        CHECK_STR(prop(&p, "UMask"), "0022");                    /* systemd.exec(5): "Defaults to 0022" */
        CHECK_STR(prop(&p, "StandardInput"), "null");
        CHECK_STR(prop(&p, "StandardOutput"), "journal");        /* DefaultStandardOutput=journal */
        CHECK_STR(prop(&p, "StandardError"), "inherit");
        CHECK_STR(prop(&p, "DefaultDependencies"), "yes");
        CHECK_STR(prop(&p, "StartLimitIntervalUSec"), "10s");    /* DefaultStartLimitIntervalSec=10s */
        CHECK_STR(prop(&p, "StartLimitBurst"), "5");             /* DefaultStartLimitBurst=5 */
        CHECK_STR(prop(&p, "LimitNOFILE"), "524288");            /* DefaultLimitNOFILE=1024:524288 */
        CHECK_STR(prop(&p, "LimitNOFILESoft"), "1024");
        CHECK_STR(prop(&p, "Slice"), "system.slice");
        CHECK_STR(prop(&p, "Description"), "a.service");
        CHECK_STR(prop(&p, "Requires"), "system.slice sysinit.target");
        /* Run-time values have none. */
        CHECK_STR(prop(&p, "Nice"), "(none)");
        CHECK_STR(prop(&p, "TasksMax"), "(none)");
        CHECK_STR(prop(&p, "LimitCORE"), "(none)");
        CHECK_STR(prop(&p, "CapabilityBoundingSet"), "(none)");
        props_done(&p);
        unit_free(u);

        /* Values that follow other settings. */
        u = load("o.service", "[Service]\nType=oneshot\nExecStart=/bin/true\nTimeoutStopSec=20\nKillSignal=SIGINT\n");
        p = props_of(u, NULL, NULL);
        CHECK_STR(prop(&p, "TimeoutStartUSec"), "infinity");     /* "except when Type=oneshot is used" */
        CHECK_STR(prop(&p, "TimeoutStopUSec"), "20s");
        CHECK_STR(prop(&p, "TimeoutAbortUSec"), "20s");
        CHECK_STR(prop(&p, "KillSignal"), "2");
        CHECK_STR(prop(&p, "RestartKillSignal"), "2");
        props_done(&p);
        unit_free(u);

        u = load("n.service", "[Service]\nType=notify\nNotifyAccess=none\nExecStart=/bin/true\nDelegate=yes\nStandardInput=tty\n");
        p = props_of(u, NULL, NULL);
        CHECK_STR(prop(&p, "NotifyAccess"), "main");             /* systemd 252 overrides none for notify services */
        CHECK_STR(prop(&p, "OOMPolicy"), "continue");            /* "except for units where Delegate= is turned on" */
        CHECK_STR(prop(&p, "StandardOutput"), "inherit");        /* a terminal is bidirectional */
        props_done(&p);
        s = implicit(u, UNIT_IMPLICIT_EXEC, NULL, NULL);
        CHECK_STR(s, ""); /* no journal, no journal socket */
        free(s);
        unit_free(u);

        u = load("web@blue-1.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\nBusName=org.x\n");
        s = implicit(u, UNIT_IMPLICIT_ALL, NULL, NULL);
        /* BusName= makes it Type=dbus; an instance lives in its template's slice. */
        CHECK_STR(s, "Requires=dbus.socket system-web.slice;After=dbus.socket systemd-journald.socket system-web.slice");
        free(s);
        unit_free(u);

        u = load("d.service", "[Service]\nExecStart=/bin/true\nDynamicUser=yes\nStateDirectory=d\nProtectHome=no\n");
        p = props_of(u, NULL, NULL);
        CHECK_STR(prop(&p, "User"), "d");
        CHECK_STR(prop(&p, "Group"), "d");
        CHECK_STR(prop(&p, "PrivateTmp"), "yes");
        CHECK_STR(prop(&p, "ProtectSystem"), "strict");
        CHECK_STR(prop(&p, "ProtectHome"), "read-only");
        CHECK_STR(prop(&p, "After"), "tmp.mount systemd-tmpfiles-setup.service systemd-remount-fs.service "
                                     "systemd-journald.socket system.slice sysinit.target basic.target");
        props_done(&p);
        unit_free(u);

        /* DynamicUser='s sandbox is computed once, by unit_apply_defaults(), into unit_exec(u)->effective:
         * from the last file (a drop-in turning DynamicUser= off takes it away again) and kept by
         * unit_compact(), so the manager reads what show prints. */
        {
                static const char frag[] = "[Service]\nExecStart=/bin/true\nDynamicUser=yes\nNoNewPrivileges=no\nProtectHome=tmpfs\n";
                static const char off[] = "[Service]\nDynamicUser=no\n";

                u = load("e.service", frag);
                CHECK(unit_exec(u)->effective.dynamic_user == 1 && unit_exec(u)->effective.private_tmp == 1 && unit_exec(u)->effective.remove_ipc == 1 &&
                      unit_exec(u)->effective.no_new_privileges == 1 && unit_exec(u)->effective.restrict_suid_sgid == 1);
                CHECK(unit_exec(u)->effective.protect_system == UNIT_PROTECT_SYSTEM_STRICT);
                CHECK(unit_exec(u)->effective.protect_home == UNIT_PROTECT_HOME_TMPFS); /* only "no" becomes read-only */
                CHECK(unit_compact(u) == 0);
                CHECK(unit_exec(u)->effective.dynamic_user == 1 && unit_exec(u)->effective.private_tmp == 1);
                s = implicit(u, UNIT_IMPLICIT_EXEC, NULL, NULL);
                CHECK_STR(s, "Wants=tmp.mount;After=tmp.mount systemd-tmpfiles-setup.service systemd-journald.socket");
                free(s);
                unit_free(u);

                u = load("e.service", frag);
                unit_load_fragment_buffer(u, "/x/unit.d/off.conf", off, strlen(off), true, NULL);
                CHECK(unit_exec(u)->effective.dynamic_user == 0 && unit_exec(u)->effective.private_tmp == 0 && unit_exec(u)->effective.no_new_privileges == 0);
                CHECK(unit_exec(u)->effective.protect_system == UNIT_PROTECT_SYSTEM_NO);
                p = props_of(u, NULL, NULL);
                CHECK_STR(prop(&p, "NoNewPrivileges"), "no");
                CHECK_STR(prop(&p, "ProtectHome"), "tmpfs");
                CHECK_STR(prop(&p, "RemoveIPC"), "no");
                props_done(&p);
                unit_free(u);
        }

        /* systemd.socket(5): "Socket units automatically gain a Before= dependency on the service
         * units they activate"; default: Before=sockets.target, Requires=/After=sysinit.target,
         * Conflicts=/Before=shutdown.target. */
        u = load("s.socket", "[Socket]\nListenStream=/run/s\n");
        s = implicit(u, UNIT_IMPLICIT_ALL, NULL, NULL);
        CHECK_STR(s, "Requires=system.slice sysinit.target;Conflicts=shutdown.target;"
                     "Before=s.service sockets.target shutdown.target;After=system.slice sysinit.target;Triggers=s.service");
        free(s);
        p = props_of(u, NULL, NULL);
        CHECK_STR(prop(&p, "TriggerLimitBurst"), "20");
        CHECK_STR(prop(&p, "TimeoutUSec"), "1min 30s");
        CHECK_STR(prop(&p, "KeyringMode"), "shared");
        CHECK_STR(prop(&p, "Triggers"), "s.service");
        props_done(&p);
        unit_free(u);

        /* systemd.timer(5): OnCalendar= timers are After=time-set.target time-sync.target. */
        u = load("t.timer", "[Timer]\nOnCalendar=daily\n");
        s = implicit(u, UNIT_IMPLICIT_ALL, NULL, NULL);
        CHECK_STR(s, "Requires=sysinit.target;Conflicts=shutdown.target;Before=t.service timers.target shutdown.target;"
                     "After=sysinit.target time-set.target time-sync.target;Triggers=t.service");
        free(s);
        unit_free(u);

        /* systemd.target(5): After= the units it Wants=/Requires= if they have
         * DefaultDependencies=yes (and are loaded, and not ordered after the target). */
        others[0] = load("yes.service", "[Service]\nExecStart=/bin/true\n");
        others[1] = load("no.service", "[Unit]\nDefaultDependencies=no\n[Service]\nExecStart=/bin/true\n");
        others[2] = load("later.service", "[Unit]\nAfter=m.target\n[Service]\nExecStart=/bin/true\n");
        others[3] = load("basic.target", "[Unit]\nWants=svc.service\n");
        others[4] = load("svc.service", "[Service]\nExecStart=/bin/true\n");
        u = load("m.target", "[Unit]\nWants=yes.service no.service later.service gone.service\nRequires=basic.target\n");
        s = implicit(u, UNIT_IMPLICIT_ALL, lookup, NULL);
        CHECK_STR(s, "Conflicts=shutdown.target;Before=shutdown.target;After=basic.target yes.service");
        free(s);
        unit_free(u);
        /* basic.target wants svc.service, which is After=basic.target by default: no loop. */
        s = implicit(others[3], UNIT_IMPLICIT_ALL, lookup, NULL);
        CHECK_STR(s, "Conflicts=shutdown.target;Before=shutdown.target");
        free(s);
        u = load("shutdown.target", "[Unit]\nDescription=x\n");
        s = implicit(u, UNIT_IMPLICIT_ALL, lookup, NULL);
        CHECK_STR(s, "");
        free(s);
        unit_free(u);
        for (size_t i = 0; i < 8; i++)
                others[i] = unit_free(others[i]);

        /* systemd.mount(5), "Default Dependencies". */
        u = load("srv-nfs.mount", "[Mount]\nWhat=host:/x\nWhere=/srv/nfs\nType=nfs\n");
        s = implicit(u, UNIT_IMPLICIT_DEFAULT, NULL, NULL);
        CHECK_STR(s, "Wants=network-online.target;Conflicts=umount.target;Before=remote-fs.target umount.target;"
                     "After=network.target network-online.target remote-fs-pre.target");
        free(s);
        unit_free(u);
        u = load("srv-d.mount", "[Mount]\nWhat=/dev/sdz1\nWhere=/srv/d\nOptions=nofail\n");
        s = implicit(u, UNIT_IMPLICIT_DEFAULT | UNIT_IMPLICIT_DEVICE, NULL, NULL);
        CHECK_STR(s, "Requires=dev-sdz1.device;Conflicts=umount.target;Before=umount.target;"
                     "After=dev-sdz1.device blockdev@dev-sdz1.target local-fs-pre.target");
        free(s);
        p = props_of(u, NULL, NULL);
        CHECK_STR(prop(&p, "Description"), "/srv/d");
        CHECK_STR(prop(&p, "IgnoreOnIsolate"), "yes");
        props_done(&p);
        unit_free(u);

        /* Slices: the parent by name, Conflicts=/Before=shutdown.target. */
        u = load("a-b.slice", "[Slice]\n");
        s = implicit(u, UNIT_IMPLICIT_ALL, NULL, NULL);
        CHECK_STR(s, "Requires=a.slice;Conflicts=shutdown.target;Before=shutdown.target;After=a.slice");
        free(s);
        p = props_of(u, NULL, NULL);
        CHECK_STR(prop(&p, "Description"), "Slice /a/b");
        props_done(&p);
        unit_free(u);

        /* unit_type_info(): the section of each type is its name, capitalised; an invalid type
         * has the empty row. unit_trigger_target(): Unit=/Service=, else the service of the same
         * name; an Accept=yes socket an instance of its template, or none. */
        for (int t = 0; t < _UNIT_TYPE_MAX; t++) {
                const char *sec = unit_type_info((UnitType) t)->section, *name = unit_type_to_string((UnitType) t);
                CHECK(!sec || (sec[0] == name[0] - 'a' + 'A' && strcmp(sec + 1, name + 1) == 0));
        }
        CHECK(!unit_type_info(_UNIT_TYPE_INVALID)->section && !unit_type_info(_UNIT_TYPE_INVALID)->exec);
        u = load("acc.socket", "[Socket]\nListenStream=/run/acc\nAccept=yes\nService=other.service\n");
        CHECK(unit_trigger_target(u, NULL, &s) == 0 && s == NULL);
        CHECK(unit_trigger_target(u, "internal", &s) == 0);
        CHECK_STR(s, "acc@internal.service");
        free(s);
        unit_free(u);
        u = load("tt.timer", "[Timer]\nOnActiveSec=1h\nUnit=x.service\n");
        CHECK(unit_trigger_target(u, NULL, &s) == 0);
        CHECK_STR(s, "x.service");
        free(s);
        unit_free(u);
        u = load("pp@i.path", "[Path]\nPathExists=/x\n");
        CHECK(unit_trigger_target(u, NULL, &s) == 0);
        CHECK_STR(s, "pp@i.service");
        free(s);
        unit_free(u);
        u = load("plain.service", "[Service]\nExecStart=/bin/true\n");
        CHECK(unit_trigger_target(u, "internal", &s) == 0 && s == NULL);
        unit_free(u);

        CHECK(unit_builtin_text("sysinit.target") != NULL);
        CHECK(unit_builtin_text("foo.target") == NULL);

        unit_host_info_free(host);
        return tap_done();
}
