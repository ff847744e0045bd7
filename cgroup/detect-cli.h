/* SPDX-License-Identifier: MIT */
/* `sdinit detect`: print what env_detect() found and what sdinit will therefore do. */
#pragma once

/* argv[0] is the subcommand name ("detect" or the program name). Returns an exit status:
 * 0 on success, 1 when detection or output failed, 2 on usage errors. */
int sdinit_detect_main(int argc, char **argv);
