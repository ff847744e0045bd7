/* SPDX-License-Identifier: MIT */
#pragma once

/* LoadCredential=, SetCredential=, ImportCredential=: the unit's credentials in
 * /run/credentials/UNIT, as systemd 252's setup_credentials() lays them out: /run/credentials
 * 0755, the unit's directory a small private tmpfs (a plain directory where mounting is refused),
 * each credential a file of mode 0400 owned by the service's user, the directory 0500 owned by it,
 * then remounted read-only; $CREDENTIALS_DIRECTORY names it. LoadCredential=ID:PATH reads a regular
 * file (absolute PATH; a directory: every file below it, as ID_SUB_PATH), or a credential PID 1
 * itself was given ($CREDENTIALS_DIRECTORY of sdinit, e.g. from the container runtime) for a
 * relative or missing PATH; for an ID given twice the later assignment counts; SetCredential= is the fallback
 * for an ID no LoadCredential= provided; ImportCredential=GLOB copies PID 1's matching ones. Each
 * credential at most 1 MiB, 1 MiB in total (systemd's limits). In the manager, before fork; once
 * per activation (processes of a running unit keep theirs). */

#include <sys/types.h>

#include "service/manager.h"

/* Returns 0 (with CREDENTIALS_DIRECTORY added to *env when the unit has credentials), or
 * EXIT_CREDENTIALS after logging. */
int exec_credentials_setup(MUnit *u, uid_t uid, char ***env);

/* The unit is dead: its credentials go away (unmounted, removed). */
void exec_credentials_remove(MUnit *u);
