/* SPDX-License-Identifier: MIT */
#pragma once

/* User-visible texts of the front-end: help, version and license strings, and the peers' message
 * shapes (tini's "[FATAL tini (pid)] ...", dumb-init's "[dumb-init] ..."), kept in one place. */

#include <stdio.h>

#define TINI_VERSION_STRING "tini version " SDINIT_VERSION " - sdinit"
#define DUMB_INIT_VERSION_STRING "dumb-init v" SDINIT_VERSION " (sdinit)"

extern const char texts_license[];

void texts_tini_usage(const char *argv0, FILE *f);
void texts_tini_fatal(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void texts_dumb_init_help(const char *argv0, FILE *f);
void texts_dumb_init_rewrite_usage(FILE *f);
void texts_sdinit_help(const char *argv0, FILE *f);
