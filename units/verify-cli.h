/* SPDX-License-Identifier: MIT */
/* `sdinit verify`, `sdinit cat` and `sdinit show` (issue 3, part 6). argv[0] is the verb, as
 * sdinit-manager hands it over; each returns the process exit status.
 *
 *   sdinit verify [--root DIR] [--all] [--generators=yes|no|sysv] [--recursive-errors=yes|no|one]
 *                 [--man=BOOL] UNIT|PATH...
 *   sdinit cat [--root DIR] [--generators=...] UNIT...
 *   sdinit show [--root DIR] [--generators=...] [-p KEY[,KEY...]]... [-a] [--value] UNIT...
 *
 * show prints properties as `systemctl show` names and formats them (TimeoutStartUSec=1min 30s),
 * systemd's defaults for what the unit leaves unset and the implicit dependencies included (see
 * unit-defaults.h); -p takes property or directive names.
 *
 * $SYSTEMD_UNIT_PATH replaces the search path (directories as seen inside the root), as systemd
 * honours it. */
#pragma once

int sdinit_verify_main(int argc, char **argv);
int sdinit_cat_main(int argc, char **argv);
int sdinit_show_main(int argc, char **argv);
