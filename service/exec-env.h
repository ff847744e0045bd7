/* SPDX-License-Identifier: MIT */
#pragma once

/* The environment of a service's processes and the expansion of $VAR in its command lines,
 * following systemd.exec(5) and systemd.service(5). Pure functions over strv blocks. */

#include <stdbool.h>
#include <stdio.h>

/* Parses an EnvironmentFile= (KEY=VALUE lines; '#'/';' comments; single and double quotes;
 * backslash escapes and continuations) and applies its assignments to *env. Lines that are not
 * assignments are reported through warn(file, line, message) and skipped. */
int env_file_parse(FILE *f, const char *path, char ***env,
                   void (*warn)(const char *file, unsigned line, const char *msg, void *userdata),
                   void *userdata);

/* Expands a command line: "${VAR}" anywhere in a word becomes VAR's value (one word); a word that
 * is exactly "$VAR" becomes VAR's value split at whitespace (zero or more words); "$$" is "$".
 * Unset variables expand to nothing. With no_expand (the ":" prefix), argv is copied unchanged. */
int exec_expand_argv(char *const *argv, char *const *env, bool no_expand, char ***ret);
