/* SPDX-License-Identifier: MIT */
#pragma once

#include "init/options.h"

/* Runs cfg->argv as the main child under a minimal init: blocks every catchable signal and waits
 * for them synchronously (no handlers, no polling), forwards them, reaps every zombie, and returns
 * the exit status sdinit must exit with. It never returns early on an error once the child runs:
 * a PID 1 that dies takes the container down with it. */
int dropin_run(const struct dropin_config *cfg);
