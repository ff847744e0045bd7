/* SPDX-License-Identifier: MIT */
#pragma once

/* In the service's child, after its standard fds and before its namespaces: refuses RootImage=/MountImages=/
 * ExtensionImages= (226/NAMESPACE, see exec-userns.h), then acquires the credentials PID 1 does
 * not read itself (LoadCredential= from an AF_UNIX socket, LoadCredentialEncrypted=,
 * SetCredentialEncrypted=; see exec-creds-child.c) into the unit's /run/credentials directory,
 * owned by `uid`. Returns 0, or systemd's exit status (EXIT_NAMESPACE, EXIT_CREDENTIALS) with a
 * message in err. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "service/manager.h"

int exec_child_credentials_and_images(MUnit *u, const ExecCommand *cmd, uid_t uid, char *err, size_t errlen);

/* In the manager: whether the child acquires credential `id` (an AF_UNIX LoadCredential=, an
 * absolute LoadCredentialEncrypted=, a SetCredentialEncrypted=): exec-creds.c then skips its
 * SetCredential= fallback for it, since systemd uses SetCredential= only for an ID nothing loaded. */
bool exec_creds_child_provides(const Unit *u, const char *id);
