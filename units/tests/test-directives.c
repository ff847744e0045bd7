/* SPDX-License-Identifier: MIT */
/* Tests of the directive table: typed fields, accumulation and reset, systemd's "..., ignoring"
 * diagnostics, unknown keys, not-enforced directives and post-load refusals. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "tests/tap.h"
#include "check-text.h"
#include "unit.h"
#include "unit-directives.h"
#include "unit-sandbox.h"
#include "unit-type-info.h"

static SduBuf diags;

static void on_diag(const UnitDiag *d, void *userdata) {
        char *s = sdu_asprintf("%s:%u: %s\n", d->file, d->line, d->message);
        sdu_buf_puts(&diags, s);
        free(s);
}

static Unit *load(const char *name, const char *text, const UnitHostInfo *h) {
        Unit *u = NULL;

        sdu_buf_done(&diags);
        sdu_buf_puts(&diags, "");
        if (unit_new(name, h, &u) < 0)
                return NULL;
        unit_load_fragment_buffer(u, "/x/unit", text, strlen(text), false, &(UnitDiagSink) { on_diag, NULL });
        return u;
}

static void ne_collect(const char *key, const char *file, unsigned line, void *userdata) {
        char *s = sdu_asprintf("%s@%u ", key, line);
        sdu_buf_puts(userdata, s);
        free(s);
}

/* The lookup as a scan of the whole table (what unit_directive_lookup() did before its key index). */
static int lookup_by_scan(UnitType t, const char *section, const char *key) {
        const char *own = unit_type_section(t);
        bool own_section;

        if (!unit_section_is_known(t, section))
                return -ENXIO;
        own_section = own && strcmp(section, own) == 0;
        for (size_t i = 0; i < unit_directive_table_size; i++) {
                const UnitDirective *d = unit_directive_table + i;
                if (strcmp(d->key, key) != 0)
                        continue;
                if (strcmp(d->section, section) == 0 || (own_section && d->section[0] == '@' && unit_directive_applies(d, t)))
                        return (int) i;
        }
        return -ENOENT;
}

/* The key index (made at build time) answers as the scan, for every row's key and an unknown one,
 * in every section, for every unit type. */
static void test_lookup_index(void) {
        static const char *const sections[] = { "Unit", "Install", "Service", "Socket", "Timer", "Path", "Mount",
                                                "Automount", "Swap", "Slice", "Scope", "Target", "Device", "@exec",
                                                "X-Other" };
        size_t n = 0, bad = 0;

        for (int t = 0; t < _UNIT_TYPE_MAX; t++)
                for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++)
                        for (size_t i = 0; i <= unit_directive_table_size; i++) {
                                const char *key = i < unit_directive_table_size ? unit_directive_table[i].key : "Bogus";
                                n++;
                                bad += unit_directive_lookup((UnitType) t, sections[s], key) !=
                                       lookup_by_scan((UnitType) t, sections[s], key);
                        }
        CHECK(n > 50000 && bad == 0);
}

int main(void) {
        UnitHostInfo *h;
        Unit *u;

        test_lookup_index();
        unit_host_info_new_fixed(&h);

        u = load("web@blue.service",
                 "[Unit]\n"
                 "Description=Web %i on %H\n"
                 "Wants=a.service b.service\n"
                 "Wants=c.service a.service\n"
                 "After=x@%i.service\n"
                 "Requires=not/a/unit\n"
                 "ConditionPathExists=|!/etc/%I.conf\n"
                 "AssertVirtualization=!container\n"
                 "ConditionFirstBoot=maybe\n"
                 "X-Custom=ignored silently\n"
                 "Bogus=1\n"
                 "[Service]\n"
                 "Type=notify\n"
                 "Type=sometimes\n"
                 "Environment=\"A=b c\" D=e\n"
                 "Environment=D=f 1BAD=x\n"
                 "ExecStartPre=-/bin/prep %n\n"
                 "ExecStart=/usr/bin/web --id=%i $OPTS\n"
                 "ExecReload=/bin/kill -HUP $MAINPID\n"
                 "ExecReload=\n"
                 "ExecReload=/bin/true\n"
                 "TimeoutSec=1min 30s\n"
                 "RestartSec=soon\n"
                 "KillSignal=SIGRTMIN+3\n"
                 "LimitNOFILE=1024:4096\n"
                 "LimitCORE=infinity\n"
                 "CapabilityBoundingSet=CAP_NET_ADMIN CAP_CHOWN\n"
                 "CapabilityBoundingSet=~CAP_CHOWN\n"
                 "AmbientCapabilities=CAP_NOPE\n"
                 "MemoryMax=512M\n"
                 "MemoryHigh=50%\n"
                 "TasksMax=infinity\n"
                 "CPUQuota=150%\n"
                 "SuccessExitStatus=143 SIGTERM\n"
                 "Nice=-30\n"
                 "UMask=0027\n"
                 "ProtectSystem=strict\n"
                 "ProtectHome=sometimes\n"
                 "PrivateTmp=yes\n"
                 "ReadWritePaths=-/var/lib/%i /run\n"
                 "StandardOutput=file:/var/log/%i.log\n"
                 "StandardError=syslog\n",
                 h);
        CHECK(u != NULL);
        CHECK_INT(u->load_state, UNIT_LOADED);
        CHECK_TEXT(u->unit.description, "Web blue on sdinit-host");
        CHECK_INT(strv_length(u->unit.deps[UNIT_WANTS]), 3);
        CHECK_TEXT(u->unit.deps[UNIT_WANTS][2], "c.service");
        CHECK_TEXT(u->unit.deps[UNIT_AFTER][0], "x@blue.service");
        CHECK(u->unit.deps[UNIT_REQUIRES] == NULL);
        CHECK_INT(u->unit.conditions.n, 1);
        CHECK(u->unit.conditions.items[0].trigger && u->unit.conditions.items[0].negate);
        CHECK_TEXT(u->unit.conditions.items[0].parameter, "/etc/blue.conf");
        CHECK_INT(u->unit.asserts.n, 1);
        CHECK_TEXT(u->unit.asserts.items[0].type, "Virtualization");
        CHECK_INT(u->service.type, SERVICE_NOTIFY);
        CHECK_INT(strv_length(unit_exec(u)->environment), 2);
        CHECK_TEXT(unit_exec(u)->environment[0], "A=b c");
        CHECK_TEXT(unit_exec(u)->environment[1], "D=f");
        CHECK_INT(u->service.exec_start.n, 1);
        CHECK_TEXT(u->service.exec_start.items[0].argv[1], "--id=blue");
        CHECK_TEXT(u->service.exec_start.items[0].argv[2], "$OPTS");
        CHECK_TEXT(u->service.exec_start_pre.items[0].argv[1], "web@blue.service");
        CHECK(u->service.exec_start_pre.items[0].flags & EXEC_COMMAND_IGNORE_FAILURE);
        CHECK_INT(u->service.exec_reload.n, 1);
        CHECK_TEXT(u->service.exec_reload.items[0].path, "/bin/true");
        CHECK_INT(u->service.timeout_start_usec, 90000000);
        CHECK_INT(u->service.timeout_stop_usec, 90000000);
        CHECK(unit_is_set(u, UD_SERVICE_TIMEOUT_STOP_SEC));
        CHECK(unit_is_set(u, UD_SERVICE_TIMEOUT_START_SEC)); /* TimeoutSec= sets both */
        CHECK(!unit_is_set(u, UD_SERVICE_RESTART_SEC));
        CHECK_INT(u->service.restart_usec, 100000); /* RestartSec=soon ignored: systemd's default */
        CHECK_INT(u->kill.kill_signal, SIGRTMIN + 3);
        CHECK(unit_rlimit(unit_exec(u), RLIMIT_NOFILE)->set);
        CHECK_INT(unit_rlimit(unit_exec(u), RLIMIT_NOFILE)->soft, 1024);
        CHECK_INT(unit_rlimit(unit_exec(u), RLIMIT_NOFILE)->hard, 4096);
        CHECK(unit_rlimit(unit_exec(u), RLIMIT_CORE)->soft == SDU_SIZE_INFINITY);
        CHECK(unit_exec(u)->capability_bounding_set.set);
        CHECK(unit_exec(u)->capability_bounding_set.mask == (UINT64_C(1) << 12));
        CHECK(!unit_exec(u)->ambient_capabilities.set);
        CHECK_INT(unit_cgroup(u)->memory_max.value, 512 << 20);
        CHECK(unit_cgroup(u)->memory_high.is_relative && unit_cgroup(u)->memory_high.permyriad == 5000);
        CHECK(unit_cgroup(u)->tasks_max.value == SDU_SIZE_INFINITY);
        CHECK_INT(unit_cgroup(u)->cpu_quota.permyriad, 15000);
        CHECK(sdu_exit_status_set_test(u->service.success_exit_status, 143, false));
        CHECK(sdu_exit_status_set_test(u->service.success_exit_status, SIGTERM, true));
        CHECK(!unit_is_set(u, UD_EXEC_NICE));
        CHECK_INT(unit_exec(u)->umask, 027);
        CHECK_TEXT(unit_exec(u)->standard_output_file, "/var/log/blue.log");
        CHECK_INT(unit_exec(u)->standard_error, 3); /* journal */
        CHECK_TEXT(diags.data,
                  "/x/unit:6: Failed to add dependency on not/a/unit, ignoring: Invalid argument\n"
                  "/x/unit:9: Failed to parse boolean value in condition, ignoring: maybe\n"
                  "/x/unit:11: Unknown key name 'Bogus' in section 'Unit', ignoring.\n"
                  "/x/unit:14: Failed to parse Type= value, ignoring: sometimes\n"
                  "/x/unit:16: Invalid environment assignment, ignoring: 1BAD=x\n"
                  "/x/unit:23: Failed to parse RestartSec= time span, ignoring: soon\n"
                  "/x/unit:29: Failed to parse capability 'CAP_NOPE' in AmbientCapabilities=, ignoring: CAP_NOPE\n"
                  "/x/unit:35: Nice= value out of range, ignoring: -30\n"
                  "/x/unit:38: Failed to parse ProtectHome= value, ignoring: sometimes\n"
                  "/x/unit:42: Standard output type syslog is obsolete, automatically updating to journal.\n");
        CHECK_INT(u->n_warnings, 9);
        CHECK_INT(u->n_errors, 0);
        {
                SduBuf ne = {};
                sdu_buf_puts(&ne, "");
                /* The namespace directives are enforced (service/exec-ns*.c) from exec.sandbox. */
                CHECK_INT(unit_foreach_not_enforced(u, ne_collect, &ne), 0);
                sdu_buf_done(&ne);
        }
        CHECK_INT(unit_verify(u, NULL), 0);
        CHECK(unit_compact(u) == 0);
        {
                const ExecSandbox *s = unit_exec(u)->sandbox;
                CHECK(s && s->ns && s->protect_system == UNIT_PROTECT_SYSTEM_STRICT && s->private_tmp && s->protect_home == UNIT_PROTECT_HOME_NO);
                CHECK(s && s->rw && s->rw[0] && s->rw[1] && !s->rw[2] && !s->ro);
                CHECK_TEXT(s ? s->rw[0] : "", "-/var/lib/blue"); /* specifiers expanded */
                CHECK_TEXT(s ? s->rw[1] : "", "/run");
        }
        unit_free(u);

        /* exec.sandbox: an empty list assignment resets that key only, an empty boolean is not one
         * (systemd's config_parse_bool keeps PrivateTmp=yes), single values replace; filled by
         * unit_compact() (the manager compacts every unit it loads). */
        u = load("sb.service", "[Service]\nExecStart=/bin/true\nReadOnlyPaths=/a\nPrivateTmp=yes\nReadOnlyPaths=\n"
                               "ReadOnlyPaths=/b\nPrivateTmp=\nProtectSystem=yes\nProtectSystem=full\n", h);
        CHECK(unit_compact(u) == 0);
        CHECK(unit_exec(u)->sandbox && unit_exec(u)->sandbox->private_tmp && unit_exec(u)->sandbox->protect_system == UNIT_PROTECT_SYSTEM_FULL);
        CHECK(unit_exec(u)->sandbox && unit_exec(u)->sandbox->ro && !unit_exec(u)->sandbox->ro[1]);
        CHECK_TEXT(unit_exec(u)->sandbox ? unit_exec(u)->sandbox->ro[0] : "", "/b");
        unit_free(u);
        /* DynamicUser= alone: a mount namespace with what it implies (systemd's unit_patch_contexts():
         * PrivateTmp=, ProtectSystem=strict, ProtectHome=read-only); before, ns stayed false and
         * the service saw the container's /tmp */
        u = load("dyn.service", "[Service]\nExecStart=/bin/true\nDynamicUser=yes\n", h);
        CHECK(unit_compact(u) == 0);
        CHECK(unit_exec(u)->sandbox && unit_exec(u)->sandbox->ns && unit_exec(u)->sandbox->private_tmp && unit_exec(u)->sandbox->dynamic_user);
        CHECK(unit_exec(u)->sandbox && unit_exec(u)->sandbox->protect_system == UNIT_PROTECT_SYSTEM_STRICT &&
              unit_exec(u)->sandbox->protect_home == UNIT_PROTECT_HOME_READ_ONLY && unit_exec(u)->sandbox->restrict_suid_sgid);
        unit_free(u);
        /* no sandbox setting: nothing allocated; SecureBits=, CPUAffinity= and RestrictNamespaces= add up */
        u = load("nosb.service", "[Service]\nExecStart=/bin/true\nUser=nobody\n", h);
        CHECK(unit_compact(u) == 0 && unit_exec(u)->sandbox == NULL);
        unit_free(u);
        u = load("p.service", "[Service]\nExecStart=/bin/true\nSecureBits=noroot\nSecureBits=keep-caps\nCPUAffinity=1\n"
                              "CPUAffinity=3-4\nRestrictNamespaces=net\nRestrictNamespaces=ipc\nKeyringMode=shared\n", h);
        CHECK(unit_compact(u) == 0 && unit_exec(u)->sandbox && !unit_exec(u)->sandbox->ns && unit_exec(u)->sandbox->seccomp);
        CHECK(unit_exec(u)->sandbox && unit_exec(u)->sandbox->secure_bits == ((1 << 0) | (1 << 4))); /* SECURE_NOROOT, SECURE_KEEP_CAPS */
        CHECK(unit_exec(u)->sandbox && unit_exec(u)->sandbox->cpu_affinity_set && unit_exec(u)->sandbox->cpu_affinity[0] == 0x1a);
        CHECK(unit_exec(u)->sandbox && unit_exec(u)->sandbox->restrict_namespaces == (0x40000000L | 0x08000000L)); /* CLONE_NEWNET|NEWIPC */
        CHECK(unit_exec(u)->sandbox && unit_exec(u)->sandbox->keyring_mode == KEYRING_SHARED);
        unit_free(u);

        /* Sections that do not belong to the type warn; [Service] in a socket is unknown. */
        u = load("s.socket", "[Socket]\nListenStream=[::]:993\nListenStream=0.0.0.0:99999\nListenDatagram=@abstract\n"
                             "ListenFIFO=relative\nAccept=yes\nUser=nobody\n[Service]\nType=simple\n", h);
        CHECK_INT(u->socket.listen.n, 2);
        CHECK_TEXT(unit_exec(u)->user, "nobody");
        CHECK_TEXT(diags.data,
                  "/x/unit:3: Failed to parse address value in 'ListenStream', ignoring: 0.0.0.0:99999\n"
                  "/x/unit:5: Failed to parse address value in 'ListenFIFO', ignoring: relative\n"
                  "/x/unit:8: Unknown section 'Service'. Ignoring.\n");
        unit_free(u);

        /* Empty assignment resets conditions; unknown specifier ignores the value. */
        u = load("c.service", "[Unit]\nConditionPathExists=/a\nConditionPathExists=\nConditionPathExists=/b\n"
                              "Description=%Z\n[Service]\nExecStart=/bin/x %Q\nExecStart=/bin/y\n", h);
        CHECK_INT(u->unit.conditions.n, 1);
        CHECK_TEXT(u->unit.conditions.items[0].parameter, "/b");
        CHECK(u->unit.description == NULL);
        CHECK_INT(u->service.exec_start.n, 1);
        CHECK_INT(u->n_warnings, 2);
        unit_free(u);

        /* Post-load refusals, as systemd's service_verify(). */
        u = load("r.service", "[Service]\nExecStart=/bin/a\nExecStart=/bin/b\n", h);
        CHECK_INT(unit_verify(u, &(UnitDiagSink) { on_diag, NULL }), -ENOEXEC);
        CHECK_INT(u->load_state, UNIT_BAD_SETTING);
        unit_free(u);
        u = load("r.service", "[Service]\nType=oneshot\nExecStart=/bin/a\nExecStart=/bin/b\n", h);
        CHECK_INT(unit_verify(u, NULL), 0);
        unit_free(u);
        u = load("r.service", "[Unit]\nDescription=nothing\n", h);
        CHECK_INT(unit_verify(u, NULL), -ENOEXEC);
        unit_free(u);
        u = load("r.service", "[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStop=/bin/x\n", h);
        CHECK_INT(unit_verify(u, NULL), 0);
        unit_free(u);
        u = load("var-lib-x.mount", "[Mount]\nWhat=tmpfs\nWhere=/var/lib/y\n", h);
        CHECK_INT(unit_verify(u, NULL), -ENOEXEC);
        unit_free(u);
        u = load("var-lib-x.mount", "[Mount]\nWhat=tmpfs\nWhere=/var/lib/x\nType=tmpfs\n", h);
        CHECK_INT(unit_verify(u, NULL), 0);
        unit_free(u);
        u = load("t.timer", "[Timer]\nOnCalendar=daily\nOnCalendar=Mon *-*-* 00:00:00\nOnCalendar=@@@\n", h);
        CHECK_INT(strv_length(u->timer.on_calendar), 2);
        CHECK_INT(unit_verify(u, NULL), 0);
        unit_free(u);

        /* A fatal syntax error marks the unit bad-setting. */
        u = load("b.service", "[Service\nExecStart=/bin/x\n", h);
        CHECK_INT(u->load_state, UNIT_BAD_SETTING);
        CHECK_INT(u->n_errors, 1);
        unit_free(u);

        /* Dump of assigned settings. */
        u = load("d.service", "[Unit]\nDescription=D\nAfter=a.target\n[Service]\nExecStart=/bin/sh -c 'echo \"x y\"'\n"
                              "KillMode=mixed\nLimitNOFILE=8:16\nCapabilityBoundingSet=CAP_KILL\n", h);
        {
                char *out = NULL;
                size_t len = 0;
                FILE *f = open_memstream(&out, &len);
                CHECK_INT(unit_dump(u, f, false), 0);
                fclose(f);
                CHECK_TEXT(out, "Id=d.service\nNames=d.service\nLoadState=loaded\nFragmentPath=/x/unit\n"
                               "Description=D\nAfter=a.target\nExecStart=/bin/sh -c \"echo \\\"x y\\\"\"\n"
                               "LimitNOFILE=8:16\nCapabilityBoundingSet=CAP_KILL\nKillMode=mixed\n");
                free(out);
        }
        unit_free(u);

        /* Every id names its row (unit-directive-ids.h is written beside the table). */
        {
                static const struct {
                        const char *section, *key;
                } ids[] = {
#define ROW(id, section, key) [id] = { section, key },
                        UNIT_DIRECTIVE_IDS(ROW)
#undef ROW
                };
                size_t bad = 0;

                CHECK_INT(unit_directive_table_size, _UD_MAX);
                CHECK_INT(SDU_ELEMENTSOF(ids), _UD_MAX);
                for (size_t i = 0; i < _UD_MAX; i++)
                        if (!unit_directive_table[i].key || strcmp(unit_directive_table[i].section, ids[i].section) != 0 ||
                            strcmp(unit_directive_table[i].key, ids[i].key) != 0)
                                bad++;
                CHECK_INT(bad, 0);
        }

        /* Effective defaults are in the fields after loading, reset and drop-ins included. */
        u = load("o.service", "[Service]\nType=oneshot\nExecStart=/bin/true\nUMask=0077\n[Unit]\nStartLimitBurst=0\n", h);
        CHECK(u->service.timeout_start_usec == SDU_SIZE_INFINITY);
        CHECK_INT(u->service.timeout_stop_usec, 90000000);
        CHECK_INT(u->service.timeout_abort_usec, 90000000);
        CHECK_INT(u->service.restart_usec, 100000);
        CHECK_INT(u->unit.start_limit_interval_usec, 10000000);
        CHECK_INT(u->unit.start_limit_burst, 0);
        CHECK_INT(unit_exec(u)->umask, 0077);
        CHECK_INT(unit_exec(u)->runtime_directory_mode, 0755);
        CHECK_INT(unit_load_fragment_buffer(u, "/x/dropin.conf", "[Service]\nUMask=\nTimeoutStopSec=5\n", 34, true, NULL), 0);
        CHECK_INT(unit_exec(u)->umask, 0022);
        CHECK_INT(u->service.timeout_stop_usec, 5000000);
        CHECK_INT(u->service.timeout_abort_usec, 5000000);
        unit_free(u);
        u = load("s.socket", "[Socket]\nListenStream=/run/s\nAccept=yes\n", h);
        CHECK_INT(u->socket.socket_mode, 0666);
        CHECK_INT(u->socket.trigger_limit_burst, 200);
        CHECK_INT(u->socket.trigger_limit_interval_usec, 2000000);
        /* The union of type sections: a socket's [Socket] values do not leak into what code that
         * sees every type reads as [Service] settings. */
        CHECK(unit_service(u) == NULL && unit_socket(u) == &u->socket);
        unit_free(u);

        /* Sections and settings allocated on first use: none for a unit that sets none, and an
         * unset row reads as the initial value the table gives it. */
        u = load("plain.service", "[Service]\nExecStart=/bin/true\n", h);
        CHECK(u->cgroup == NULL && u->exec == NULL && unit_exec(u)->rlimits == NULL);
        CHECK(!unit_rlimit(unit_exec(u), RLIMIT_NOFILE)->set);
        CHECK(unit_service(u) == &u->service && unit_socket(u) == NULL);
        {
                size_t bad = 0;
                for (size_t i = 0; i < _UD_MAX; i++) {
                        const UnitDirective *d = unit_directive_table + i;
                        if (!(d->flags & (DIRECTIVE_IN_CGROUP | DIRECTIVE_IN_EXEC)))
                                continue;
                        /* The rows unit_directive_init_defaults() sets to -1 on a Unit. */
                        if ((d->kind == KIND_BOOL || d->kind == KIND_ENUM || d->kind == KIND_SIGNAL || d->kind == KIND_STDIO) &&
                            *(const int *) unit_directive_field_const(u, d) != -1)
                                bad++;
                }
                CHECK_INT(bad, 0);
        }
        {
                /* An exec row read from unit_exec_unset says what it says once u->exec is allocated
                 * (by another exec row) and systemd's defaults are written in (UMask=, modes). */
                Unit *v = load("user.service", "[Service]\nExecStart=/bin/true\nUser=nobody\n", h);
                size_t differ = 0;

                CHECK(v->exec != NULL);
                for (size_t i = 0; i < _UD_MAX; i++) {
                        const UnitDirective *d = unit_directive_table + i;
                        char *a = NULL, *b = NULL;

                        if (!(d->flags & DIRECTIVE_IN_EXEC) || i == UD_EXEC_USER)
                                continue;
                        CHECK_INT(unit_directive_format(u, i, &a), 0);
                        CHECK_INT(unit_directive_format(v, i, &b), 0);
                        if (!sdu_streq(a ? a : "", b ? b : ""))
                                differ++, fprintf(stderr, "# %s: '%s' vs '%s'\n", d->key, a ? a : "", b ? b : "");
                        free(a);
                        free(b);
                }
                CHECK_INT(differ, 0);
                unit_free(v);
        }
        CHECK_INT(unit_load_fragment_buffer(u, "/x/d.conf", "[Service]\nMemoryMax=1M\nLimitNOFILE=7\n", 37, true, NULL), 0);
        CHECK(u->cgroup != NULL && u->exec != NULL && unit_exec(u)->rlimits != NULL);
        CHECK_INT(unit_cgroup(u)->memory_max.value, 1 << 20);
        CHECK_INT(unit_cgroup(u)->cpu_accounting, -1);
        CHECK_INT(unit_rlimit(unit_exec(u), RLIMIT_NOFILE)->soft, 7);
        CHECK(!unit_rlimit(unit_exec(u), RLIMIT_CORE)->set);
        unit_free(u);

        unit_host_info_free(h);
        sdu_buf_done(&diags);
        return tap_done();
}
