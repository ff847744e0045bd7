/* SPDX-License-Identifier: MIT */
/* Value parsers for unit file settings, independent of any unit: booleans, time spans, sizes,
 * percentages, signals, exit statuses, rlimits, capabilities, file modes, words with quoting and C
 * escapes, command lines (ExecStart=) and environment assignments. They return -errno (-EINVAL,
 * -ERANGE, -ENOMEM, ...) and never log; unit-directives.c turns failures into
 * "file:line: ..., ignoring" diagnostics. Semantics follow systemd.syntax(7), systemd.time(7),
 * systemd.exec(5), systemd.service(5) and systemd.resource-control(5). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SDU_USEC_INFINITY UINT64_MAX
#define SDU_USEC_PER_SEC UINT64_C(1000000)
#define SDU_SIZE_INFINITY UINT64_MAX

/* 1/yes/y/true/t/on and 0/no/n/false/f/off, case-insensitive. Returns 1, 0 or -EINVAL. */
int sdu_parse_boolean(const char *v);

/* "1min 30s", "5s", "100ms", "1.5h", "infinity"; a bare number uses default_unit (in usec,
 * SDU_USEC_PER_SEC for seconds). Units: us usec µs μs, ms msec, s sec second seconds, m min minute
 * minutes, h hr hour hours, d day days, w week weeks, M month months (30.44d), y year years
 * (365.25d). */
int sdu_parse_time(const char *s, uint64_t default_unit, uint64_t *ret);
int sdu_parse_sec(const char *s, uint64_t *ret);
/* Formats like systemd's format_timespan ("1min 30s", "100ms", "infinity"). */
char *sdu_format_timespan(uint64_t usec);

/* "512", "512K", "1.5G", base 1024 (K M G T P E, optional trailing B is not accepted, as in
 * systemd). "infinity" is not handled here. */
int sdu_parse_size(const char *s, uint64_t *ret);
/* "50%", "12.5%", "5‰", "1‱" -> permyriad (0..10000). -EINVAL if not a percentage at all. */
int sdu_parse_permyriad(const char *s, unsigned *ret);

int sdu_safe_atou64(const char *s, uint64_t *ret);
int sdu_safe_atoi(const char *s, int *ret);
/* Octal mode 0..07777. */
int sdu_parse_mode(const char *s, mode_t *ret);

/* Signal names: common/signames.h (signal_from_string(), signal_to_string()). */

/* Resource limits: index is RLIMIT_*; name is the directive ("LimitNOFILE"). */
int sdu_rlimit_from_directive(const char *key);
const char *sdu_rlimit_to_directive(int resource);
/* "value" or "soft:hard", each "infinity" or a number in the unit the limit uses (sizes for
 * AS/CORE/DATA/FSIZE/MEMLOCK/RSS/STACK/MSGQUEUE, seconds for CPU, usec for RTTIME, nice values
 * for NICE). */
int sdu_parse_rlimit(int resource, const char *s, uint64_t *ret_soft, uint64_t *ret_hard);

/* Capabilities: built-in table of Linux capability names (CAP_CHOWN .. CAP_CHECKPOINT_RESTORE). */
#define SDU_CAP_LAST 40
#define SDU_CAP_ALL ((UINT64_C(1) << (SDU_CAP_LAST + 1)) - 1)
int sdu_capability_from_name(const char *name);
const char *sdu_capability_to_name(int cap);
/* Space-separated names, optional leading '~' (inverts, sets *ret_invert). Unknown names make it
 * fail with -EINVAL and *ret_bad set to the first unknown name (malloc()ed) if ret_bad given. */
int sdu_parse_capability_set(const char *s, uint64_t *ret_mask, bool *ret_invert, char **ret_bad);

/* Word extraction as systemd's extract_first_word(): whitespace separated, with "..."/'...'
 * quoting anywhere in a word (SDU_EXTRACT_UNQUOTE) and C escapes (SDU_EXTRACT_CUNESCAPE: \a \b \f
 * \n \r \t \v \s \\ \" \' \xNN \NNN \uNNNN \UNNNNNNNN). With SDU_EXTRACT_UNESCAPE_RELAX unknown
 * escapes are kept verbatim. Returns 1 with a word, 0 at the end, -EINVAL on unbalanced quotes
 * or (without RELAX) a bad escape. */
typedef enum SduExtractFlags {
        SDU_EXTRACT_UNQUOTE = 1 << 0,
        SDU_EXTRACT_CUNESCAPE = 1 << 1,
        SDU_EXTRACT_UNESCAPE_RELAX = 1 << 2,
} SduExtractFlags;
int sdu_extract_word(const char **p, char **ret, SduExtractFlags flags);
/* Quotes a word for output if it needs it (spaces, quotes, backslashes, control chars). */
char *sdu_quote_word(const char *s);

/* Environment: "NAME=value" with a valid name, UTF-8 and no control characters but \n and \t.
 * Names and NAME=value vectors: common/strv.h (env_name_is_valid(), env_set(), ...). */
bool sdu_env_assignment_is_valid(const char *s);

/* Exit statuses (SuccessExitStatus= etc.): numbers 0..255 and signal names. */
typedef struct SduExitStatusSet {
        uint8_t status[256 / 8];
        uint8_t signal[64 / 8];
} SduExitStatusSet;
/* Parses s and adds to *set. On failure *ret_bad points to a malloc()ed copy of the bad word. */
int sdu_exit_status_set_add(SduExitStatusSet *set, const char *s, char **ret_bad);
bool sdu_exit_status_set_is_empty(const SduExitStatusSet *set); /* NULL: empty */
bool sdu_exit_status_set_test(const SduExitStatusSet *set, int code, bool is_signal);
char *sdu_exit_status_set_to_string(const SduExitStatusSet *set);

/* A command line of ExecStart= and friends. */
typedef enum ExecCommandFlags {
        EXEC_COMMAND_IGNORE_FAILURE = 1 << 0,  /* "-" */
        EXEC_COMMAND_SEPARATE_ARGV0 = 1 << 1,  /* "@" */
        EXEC_COMMAND_NO_ENV_EXPAND = 1 << 2,   /* ":" */
        EXEC_COMMAND_FULLY_PRIVILEGED = 1 << 3, /* "+" */
        EXEC_COMMAND_NO_SETUID = 1 << 4,       /* "!" */
        EXEC_COMMAND_AMBIENT_MAGIC = 1 << 5,   /* "!!" */
} ExecCommandFlags;

typedef struct ExecCommand {
        char *path;       /* absolute path or a bare executable name to look up; without "@", the
                           * string argv[0] is (one allocation: exec_command_done()) */
        char **argv;      /* argv[0] is path unless "@" was given */
        ExecCommandFlags flags;
} ExecCommand;

typedef struct ExecCommandList {
        ExecCommand *items;
        size_t n;
} ExecCommandList;

void exec_command_list_done(ExecCommandList *l);
/* Renders one command as it would appear in a unit file (prefixes, quoted words). */
char *exec_command_to_string(const ExecCommand *c);

/* Callback applied to each word after splitting (e.g. specifier expansion). May replace *word. */
typedef int (*sdu_word_fn)(char **word, void *userdata);

/* Parses one ExecStart= value (possibly several commands separated by ";") and appends the
 * commands to *l only if all of them are valid. On failure returns -EINVAL/-EBADSLT etc. and
 * *ret_error describes the problem (static string). *ret_relaxed is set if unknown escape
 * sequences were kept verbatim (systemd warns about that but accepts the line). */
int sdu_parse_exec_line(const char *s, sdu_word_fn word_fn, void *userdata, ExecCommandList *l,
                        const char **ret_error, bool *ret_relaxed);
