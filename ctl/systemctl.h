/* SPDX-License-Identifier: MIT */
/* sdinit's systemctl (issue 7): sdinit invoked as `systemctl` execs sdinit-manager, which calls
 * systemctl_main() with the same argv. `sdinit status` is sdinit_status_main(). Both return the
 * process exit status. */
#pragma once

int systemctl_main(int argc, char **argv);
int sdinit_status_main(int argc, char **argv);
