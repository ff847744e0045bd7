/* SPDX-License-Identifier: MIT */
/* '%' specifiers of systemd.unit(5) for the system manager.
 *
 * Specifiers fall in two groups. Unit-dependent ones (%n %N %p %P %i %I %f %j %J %y %Y %d) are
 * computed from the unit name and fragment path. Host-dependent ones (%H %l %q %m %b %v %a %o %w
 * %W %B %M %A %u %U %g %G %h %s %t %S %C %L %E %T %V) come from a UnitHostInfo, a small table
 * indexed by the specifier letter, so that tests are deterministic (unit_host_info_new_fixed())
 * and `--root DIR` reads the image's os-release and machine-id (unit_host_info_new_from_system()).
 * For the system manager %u/%U/%g/%G/%h/%s describe the manager's user (root), not User=. */
#pragma once

#include <stddef.h>

typedef struct UnitHostInfo UnitHostInfo;

/* Deterministic values: hostname "sdinit-host", machine id of all '0'..., paths as systemd's
 * defaults for the system manager. */
int unit_host_info_new_fixed(UnitHostInfo **ret);
/* Values of the running system, os-release and machine-id read below root (NULL or "/" for the
 * host). Anything unreadable falls back to the fixed value (or "" where systemd would fail). */
int unit_host_info_new_from_system(const char *root, UnitHostInfo **ret);
UnitHostInfo *unit_host_info_free(UnitHostInfo *h);
/* The parsers behind unit_host_info_new_from_system(), without the reads (fuzz/fuzz-os-release.c).
 * text is NUL-terminated and modified. os-release: KEY=value lines, one pair of outer quotes
 * removed; ID, VERSION_ID, VARIANT_ID, BUILD_ID, IMAGE_ID, IMAGE_VERSION set %o %w %W %B %M %A.
 * 0 or -ENOMEM. */
int unit_host_info_apply_os_release(UnitHostInfo *h, char *text);
/* machine-id and boot_id: the first line, stripped, malloc()ed (NULL on ENOMEM). */
char *unit_first_line_dup(char *text);
/* Override one host-dependent specifier (e.g. 'H'). -EINVAL for a unit-dependent letter. */
int unit_host_info_set(UnitHostInfo *h, char specifier, const char *value);
const char *unit_host_info_get(const UnitHostInfo *h, char specifier);

typedef struct UnitSpecifierData {
        const char *name;          /* full unit name (instance name when instantiated) */
        const char *fragment_path; /* may be NULL */
        const UnitHostInfo *host;
} UnitSpecifierData;

/* Expands all specifiers in text. Returns -EBADSLT for an unknown specifier (and a lone trailing
 * '%'), -ENOMEM; the caller reports "..., ignoring". */
int unit_specifier_expand(const char *text, const UnitSpecifierData *d, char **ret);

/* Value of a single specifier, malloc()ed. */
int unit_specifier_value(char c, const UnitSpecifierData *d, char **ret);
