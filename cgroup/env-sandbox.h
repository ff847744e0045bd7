/* SPDX-License-Identifier: MIT */
#pragma once

/* What this container lets sdinit use for systemd.exec(5)'s sandbox: namespaces a service may
 * get, new procfs/tmpfs instances, mount attributes, seccomp. Probed once in a throw-away child
 * (unshare there changes nothing of the caller), cached. Used by `sdinit detect` and by the
 * service manager's degrade rules (service/exec-ns.c). */

enum {
        ENV_SANDBOX_MOUNT_NS = 1 << 0,  /* unshare(CLONE_NEWNS), then mounts in it */
        ENV_SANDBOX_NET_NS = 1 << 1,    /* unshare(CLONE_NEWNET) */
        ENV_SANDBOX_IPC_NS = 1 << 2,    /* unshare(CLONE_NEWIPC) */
        ENV_SANDBOX_UTS_NS = 1 << 3,    /* unshare(CLONE_NEWUTS) */
        ENV_SANDBOX_USER_NS = 1 << 4,   /* unshare(CLONE_NEWUSER) (PrivateUsers=) */
        ENV_SANDBOX_TMPFS = 1 << 5,     /* a new tmpfs (PrivateDevices=, TemporaryFileSystem=) */
        ENV_SANDBOX_PROCFS = 1 << 6,    /* a new procfs with hidepid= (ProtectProc=, ProcSubset=) */
        ENV_SANDBOX_SETATTR = 1 << 7,   /* mount_setattr(): read-only/noexec/nosuid on mounts */
        ENV_SANDBOX_SECCOMP = 1 << 8,   /* seccomp filters can be installed (prctl) */
        ENV_SANDBOX_SECCOMP_ON = 1 << 9,/* we already run under a seccomp filter (a runtime profile) */
        ENV_SANDBOX_NNP = 1 << 10,      /* no_new_privs already set on us */
        ENV_SANDBOX_PROBED = 1 << 15,
};

unsigned env_sandbox_probe(void);
