/* SPDX-License-Identifier: MIT */
/* Generators (systemd.generator(7)) and the built-in SysV init script conversion
 * (systemd-sysv-generator(8)), run before units are loaded so that the registry's search path
 * (which already holds /run/systemd/generator.early, /run/systemd/generator and
 * /run/systemd/generator.late, see unit_default_search_path) sees their output.
 *
 *   UnitGeneratorOptions o = { .root = "/srv/image" };   // outputs: ROOT/run/systemd/generator*
 *   unit_generators_run(&o, &sink);
 *
 * The image's generators are executables in unit_generator_search_path (the first directory
 * holding a name wins; a /dev/null symlink or an empty file masks it). systemd's own generators
 * that have no business in a container (unit_generators_skipped) are not run; the SysV one is
 * replaced by unit_sysv_generate(). Failures and timeouts are diagnostics, never fatal. */
#pragma once

#include <stdio.h>

#include <stdbool.h>
#include <stdint.h>

#include "unit-diag.h"

extern const char *const unit_generator_search_path[];
/* File names of generators that are never run (see unit-generators.c for why, one by one). */
extern const char *const unit_generators_skipped[];


typedef struct UnitGeneratorOptions {
        const char *root;            /* NULL or "/" for the host */
        /* Output directories as seen inside root; NULL: /run/systemd/generator{,.early,.late}. */
        const char *normal_dir, *early_dir, *late_dir;
        /* The unit search path (inside root) used to decide whether an init script already has a
         * native unit; NULL: unit_default_search_path. The three output dirs are ignored in it. */
        char *const *search_path;
        /* Where generators are looked up (inside root); NULL: unit_generator_search_path. */
        char *const *generator_path;
        uint64_t timeout_usec;       /* for all external generators together; 0: the default */
        bool no_external;            /* do not run the image's generator executables */
        bool no_sysv;                /* do not convert /etc/init.d scripts */
        /* For a root other than "/": chroot() into it before exec'ing a generator (needs
         * CAP_SYS_CHROOT). Without it, external generators are not run for a foreign root, since
         * they would read the host's configuration instead of the image's. */
        bool chroot;
} UnitGeneratorOptions;

/* The generator executables to run (absolute paths inside root, sorted by file name, masked and
 * skipped ones left out), looked up in path (NULL: unit_generator_search_path). */
int unit_generators_list(const char *root, char *const *path, char ***ret);

/* Creates the output directories (emptied first, as systemd does on every run), runs the SysV
 * conversion into late_dir and the image's generators in parallel, waits for them up to the
 * timeout (then SIGKILL). Returns 0, or -ENOMEM / -errno when the output dirs cannot be set up;
 * the number of failed generators is reported through diag only. */
int unit_generators_run(const UnitGeneratorOptions *o, const UnitDiagSink *diag);

/* The SysV conversion alone: every executable /etc/init.d/NAME below root with no native unit
 * NAME.service (nor a masked one) in search_path becomes dest/NAME.service (dest is a host path),
 * with its LSB header translated as systemd-sysv-generator does, plus the .wants symlinks of the
 * runlevels it is enabled in and its Provides= aliases. Returns the number of units written. */
int unit_sysv_generate(const char *root, const char *dest, char *const *search_path, const UnitDiagSink *diag);

/* The conversion of one script without the file system (fuzz/fuzz-sysv.c): the len bytes of text
 * (text[len] is NUL; modified) are the script at path, the unit file it becomes is written to out,
 * as for a script with no rcN.d links. 0, -EINVAL (no valid unit name from path), -ENOMEM. */
int unit_sysv_convert(const char *path, char *text, size_t len, FILE *out, const UnitDiagSink *diag);
