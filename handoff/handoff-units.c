/* SPDX-License-Identifier: MIT */
/* systemd's own units that cannot work without systemd as PID 1 (issue 6, part 5).
 *
 * When sdinit runs the units of an image that has systemd installed, sysinit.target,
 * sockets.target and multi-user.target pull in systemd's own services. Most of them either work
 * standalone (systemd-tmpfiles, systemd-sysctl, systemd-sysusers, systemd-user-sessions ...) or
 * skip themselves in a container through their Conditions (ConditionVirtualization=!container,
 * ConditionCapability=, ConditionPathIsReadWrite=, ConditionNeedsUpdate= ...), which the service
 * manager evaluates. The units below are different: they talk to PID 1 (its D-Bus or private API,
 * `systemctl`), need sockets that only PID 1's socket activation provides, need udev or logind,
 * or would wait forever for something that never comes under sdinit. They are skipped with the
 * one line given here, so that the boot completes and never hangs on them.
 *
 * The list is documented in handoff/README.md; keep both in sync (the unit test checks that
 * every entry has a reason). Names ending in "@.<type>" match every instance of the template. */
#include "handoff.h"

#include <string.h>

struct skip_entry {
        const char *name;
        const char *reason;
};

#define PID1_API "it asks PID 1 (systemctl / the org.freedesktop.systemd1 API)"

static const struct skip_entry skip_table[] = {
        /* Logging: sdinit relays each service's output itself. */
        { "systemd-journald.service",
          "needs the sockets PID 1 passes it (systemd-journald*.socket); sdinit relays service output itself" },
        { "systemd-journald@.service", "a journal namespace instance, socket-activated by PID 1" },
        { "systemd-journald.socket", "socket of systemd-journald, which sdinit does not run" },
        { "systemd-journald-dev-log.socket", "socket of systemd-journald, which sdinit does not run" },
        { "systemd-journald-audit.socket", "socket of systemd-journald, which sdinit does not run" },
        { "systemd-journald-varlink@.socket", "socket of systemd-journald, which sdinit does not run" },
        { "systemd-journald@.socket", "socket of systemd-journald, which sdinit does not run" },
        { "systemd-journal-flush.service", "runs journalctl --flush against systemd-journald, which sdinit does not run" },

        /* udev: devices belong to the container runtime. */
        { "systemd-udevd.service", "udev does not work in a container: /dev is the runtime's" },
        { "systemd-udevd-control.socket", "socket of systemd-udevd, which sdinit does not run" },
        { "systemd-udevd-kernel.socket", "socket of systemd-udevd, which sdinit does not run" },
        { "systemd-udev-trigger.service", "replays kernel device events for systemd-udevd, which sdinit does not run" },
        { "systemd-udev-settle.service", "waits for systemd-udevd, which sdinit does not run: it would only time out" },
        { "systemd-rfkill.service", "socket-activated through udev rules, which sdinit does not run" },
        { "systemd-rfkill.socket", "listens for udev-triggered rfkill events; no udev under sdinit" },
        { "systemd-backlight@.service", "started by udev rules for backlight devices; no udev under sdinit" },

        /* Sessions and logins: logind registers scopes with PID 1. */
        { "systemd-logind.service", "creates session scopes through PID 1's D-Bus API; needs systemd as PID 1" },
        { "user@.service", "the per-user systemd instance is started by logind and managed by PID 1" },
        { "user-runtime-dir@.service", "started for logind's sessions, which need systemd as PID 1" },
        { "systemd-update-utmp.service",
          "systemd-update-utmp asks PID 1 over D-Bus for the boot time and fails without it" },
        { "systemd-update-utmp-runlevel.service",
          "systemd-update-utmp asks PID 1 over D-Bus for the runlevel and fails without it" },
        { "systemd-initctl.service", "the /dev/initctl compatibility daemon forwards requests to PID 1" },
        { "systemd-initctl.socket", "socket of systemd-initctl, which forwards to PID 1" },

        /* Consoles: sdinit's own output is on the container's console. */
        { "getty@.service", "a login prompt on a virtual terminal: a container has none (use podman/kubectl exec)" },
        { "serial-getty@.service", "a login prompt on a serial line: a container has none" },
        { "console-getty.service", "a login prompt on /dev/console would take it over from sdinit's output" },
        { "container-getty@.service", "a login prompt on a pty the container manager allocated for systemd" },
        { "getty-static.service", PID1_API " to start gettys" },
        { "systemd-ask-password-console.path", "a path unit of PID 1's password agent machinery" },
        { "systemd-ask-password-console.service", "the console password agent answers PID 1's password queries" },
        { "systemd-ask-password-wall.path", "a path unit of PID 1's password agent machinery" },
        { "systemd-ask-password-wall.service", "the wall password agent answers PID 1's password queries" },
        { "emergency.service", "sulogin, then " PID1_API "; in a container it would wait for a password forever" },
        { "rescue.service", "sulogin, then " PID1_API "; in a container it would wait for a password forever" },
        { "debug-shell.service", "a root shell on tty9 for debugging PID 1" },

        /* Shutdown: sdinit stops on SIGRTMIN+3 (or SIGTERM) itself. */
        { "systemd-halt.service", PID1_API " to halt; sdinit stops on SIGRTMIN+3 itself" },
        { "systemd-poweroff.service", PID1_API " to power off; sdinit stops on SIGRTMIN+3 itself" },
        { "systemd-reboot.service", PID1_API " to reboot; sdinit stops on SIGRTMIN+3 itself" },
        { "systemd-kexec.service", PID1_API " to kexec; sdinit stops on SIGRTMIN+3 itself" },
        { "systemd-exit.service", PID1_API " to exit; sdinit stops on SIGRTMIN+3 itself" },
        { "systemd-soft-reboot.service", PID1_API " to soft-reboot" },

        /* Network and time: the runtime configures them, and the waits would never end. */
        { "systemd-networkd.service",
          "the container's network is configured by its runtime; networkd is socket-activated by PID 1" },
        { "systemd-networkd.socket", "netlink socket of systemd-networkd, which sdinit does not run" },
        { "systemd-networkd-wait-online.service", "waits for systemd-networkd, which sdinit does not run: it would hang" },
        { "systemd-networkd-wait-online@.service", "waits for systemd-networkd, which sdinit does not run: it would hang" },
        { "systemd-resolved.service", "registers with PID 1 and D-Bus; name resolution is the runtime's (resolv.conf)" },
        { "systemd-timesyncd.service", "the clock belongs to the host; timesyncd cannot set it from a container" },
        { "systemd-time-wait-sync.service", "waits for systemd-timesyncd, which sdinit does not run: it would hang" },

        /* D-Bus-activated daemons of systemd: D-Bus asks PID 1 to start them (SystemdService=). */
        { "systemd-hostnamed.service", "bus-activated through PID 1 and reads PID 1's state" },
        { "systemd-localed.service", "bus-activated through PID 1" },
        { "systemd-timedated.service", "bus-activated through PID 1, and manages systemd-timesyncd through it" },
        { "systemd-machined.service", "registers machines as scopes through PID 1's D-Bus API" },
        { "systemd-oomd.service", "acts on cgroups PID 1 manages and talks to it over D-Bus" },
        { "systemd-oomd.socket", "socket of systemd-oomd, which sdinit does not run" },
        { "systemd-homed.service", "activates home directories through logind and PID 1" },
        { "systemd-userdbd.service", "socket-activated by PID 1 (varlink)" },
        { "systemd-userdbd.socket", "socket of systemd-userdbd, which sdinit does not run" },
        { "systemd-coredump.socket", "per-connection socket activation by PID 1" },
        { "systemd-coredump@.service", "per-connection socket activation by PID 1" },
        { "systemd-fsckd.service", "socket-activated by PID 1 for fsck progress" },
        { "systemd-fsckd.socket", "socket of systemd-fsckd, for systemd-fsck started by PID 1's generators" },
};

#define N_SKIP (sizeof skip_table / sizeof skip_table[0])

/* "getty@tty1.service" matches "getty@.service". */
static bool matches(const char *pattern, const char *name) {
        const char *at = strchr(pattern, '@'), *nat, *dot, *ndot;

        if (!at || at[1] != '.')
                return strcmp(pattern, name) == 0;
        nat = strchr(name, '@');
        if (!nat || (size_t) (nat - name) != (size_t) (at - pattern) || strncmp(pattern, name, (size_t) (at - pattern)) != 0)
                return false;
        dot = at + 1;            /* ".service" */
        ndot = strrchr(nat, '.'); /* the instance may contain dots */
        return ndot && strcmp(dot, ndot) == 0;
}

bool handoff_skip_systemd_unit(const char *name, const char **ret_reason) {
        if (ret_reason)
                *ret_reason = NULL;
        if (!name)
                return false;
        for (size_t i = 0; i < N_SKIP; i++)
                if (matches(skip_table[i].name, name)) {
                        if (ret_reason)
                                *ret_reason = skip_table[i].reason;
                        return true;
                }
        return false;
}

const char *handoff_skip_unit_name(size_t i, const char **ret_reason) {
        if (i >= N_SKIP) {
                if (ret_reason)
                        *ret_reason = NULL;
                return NULL;
        }
        if (ret_reason)
                *ret_reason = skip_table[i].reason;
        return skip_table[i].name;
}
