/* SPDX-License-Identifier: MIT */
/* Internal: the directive table shared by the loader (unit-directives.c) and unit.c (dump, free,
 * defaults). One row per directive, like systemd's load-fragment-gperf table: {section, key, kind,
 * offset into Unit, flags, kind-specific data}. The kind selects the value parser and the dump
 * formatter; rows flagged NOT_ENFORCED are validated and kept as raw strings so `sdinit verify`
 * can list them. */
#pragma once

#include <stddef.h>

#include "unit.h"

typedef enum UnitValueKind {
        KIND_STRING,      /* char *, specifiers expanded */
        KIND_PATH,        /* char *, absolute normalized path */
        KIND_STRV,        /* char **, words accumulate, empty resets */
        KIND_PATHS,       /* char **, absolute paths, '-' prefix allowed where data says so */
        KIND_RELPATHS,    /* char **, relative paths (RuntimeDirectory= & co) */
        KIND_DEPS,        /* char **, unit names; empty assignment is a no-op as in systemd */
        KIND_UNIT_NAME,   /* char *, one unit name (Unit=, Slice=, Service=) */
        KIND_BOOL,        /* int, -1 unset */
        KIND_ENUM,        /* int index into data (const char *const *), -1 unset */
        KIND_INT,         /* int, range in data (const IntRange *) */
        KIND_UINT64,      /* uint64_t, range in data */
        KIND_TIME,        /* uint64_t usec */
        KIND_SIZE,        /* uint64_t bytes */
        KIND_MODE,        /* mode_t */
        KIND_SIGNAL,      /* int, -1 unset */
        KIND_EXIT_STATUS, /* SduExitStatusSet */
        KIND_RLIMIT,      /* RLimitSetting *, SDU_RLIMIT_MAX allocated on first use; resource in data */
        KIND_CAPS,        /* CapabilitySetting */
        KIND_ENV,         /* char ** of NAME=value */
        KIND_ENV_FILES,   /* char **, absolute paths with optional '-' */
        KIND_EXEC,        /* ExecCommandList */
        KIND_CONDITION,   /* ConditionList, condition type in data (const ConditionDesc *) */
        KIND_LIMIT,       /* LimitValue: bytes or % or infinity; data selects the flavour */
        KIND_LISTEN,      /* ListenList */
        KIND_PATHSPEC,    /* PathSpecList */
        KIND_TIMELIST,    /* TimeList */
        KIND_CALENDAR,    /* char **, OnCalendar= */
        KIND_STDIO,       /* int enum + file name (StandardInput=/Output=/Error=) */
        KIND_RAW,         /* not enforced: validated, stored in UnitSetting.raw */
        KIND_TIMEOUT_BOTH,/* TimeoutSec=: sets TimeoutStartSec= and TimeoutStopSec= */
        _KIND_MAX,
} UnitValueKind;

enum {
        DIRECTIVE_NOT_ENFORCED = 1 << 0,  /* parsed and validated, but sdinit does not apply it */
        DIRECTIVE_NO_SPECIFIERS = 1 << 1, /* value taken verbatim (Documentation=) */
        DIRECTIVE_NO_DUMP = 1 << 2,       /* alias rows whose effect is shown by another row */
        DIRECTIVE_DEPRECATED = 1 << 3,    /* accepted with a notice */
        DIRECTIVE_DASH_OK = 1 << 4,       /* paths may carry a '-' (ignore missing) prefix */
        DIRECTIVE_UNIT_NAMES = 1 << 5,    /* KIND_STRV words must be unit names (templates allowed) */
        DIRECTIVE_KEEP_RAW = 1 << 6,      /* KIND_RAW rows of the namespace sandbox the service manager
                                           * enforces (typed in Unit.exec.sandbox, unit-sandbox.h) */
        DIRECTIVE_IN_CGROUP = 1 << 7,     /* the field is in *Unit.cgroup: offset into CGroupSettings */
        DIRECTIVE_IN_EXEC = 1 << 8,       /* the field is in *Unit.exec: offset into ExecSettings (and a
                                           * KIND_STDIO row's file, data) */
};

typedef struct IntRange {
        long long min, max;
} IntRange;

/* Validation for KIND_RAW rows. */
typedef enum RawCheck {
        RAW_ANY,           /* any non-empty value after specifier expansion */
        RAW_BOOL,          /* boolean */
        RAW_BOOL_OR_ENUM,  /* boolean or one of values */
        RAW_ENUM,          /* one of values */
        RAW_PATHS,         /* space-separated absolute paths, each optionally prefixed by '-' and/or '+' */
        RAW_WORDS,         /* space-separated words, quoting checked */
} RawCheck;

typedef struct RawDesc {
        RawCheck check;
        const char *const *values;
} RawDesc;

typedef struct ConditionDesc {
        const char *type;   /* "PathExists" */
        int check;          /* 0 string, 1 absolute path, 2 boolean */
} ConditionDesc;

typedef struct UnitDirective {
        const char *section; /* "Unit", "Service", ...; "@exec", "@kill", "@cgroup" for shared contexts */
        const char *key;
        UnitValueKind kind;
        size_t offset;
        unsigned flags;
        const void *data;
} UnitDirective;

extern const UnitDirective unit_directive_table[_UD_MAX];

/* Shared by the table (unit-directives.c), the parsers (unit-directive-parse.c) and the
 * formatters (unit-directive-format.c). */
enum { LIMIT_MEMORY, LIMIT_TASKS, LIMIT_CPU_QUOTA }; /* KIND_LIMIT flavours (data) */
enum { COND_STRING, COND_PATH, COND_BOOL };          /* ConditionDesc.check */
extern const char *const directive_stdin_values[], *const directive_stdout_values[], *const directive_preserve_values[];
extern const size_t unit_directive_table_size;

/* The type-specific section name ("Service" for services, NULL for targets/devices). */
const char *unit_type_section(UnitType t);
/* Whether row applies to units of type t (used by dump and lookups). */
bool unit_directive_applies(const UnitDirective *d, UnitType t);
/* Finds the row index for section/key in a unit of type t, or -ENOENT. Section unknown for the
 * type: -ENXIO. */
int unit_directive_lookup(UnitType t, const char *section, const char *key);
bool unit_section_is_known(UnitType t, const char *section);

/* The field row d fills in u: u + offset, or for DIRECTIVE_IN_CGROUP rows u->cgroup + offset
 * (NULL while u->cgroup is; unit_directive_assign() allocates it), DIRECTIVE_IN_EXEC rows likewise
 * in u->exec. The const variant reads an unset cgroup or exec row from unit_cgroup_unset or
 * unit_exec_unset. */
void *unit_directive_field(Unit *u, const UnitDirective *d);
const void *unit_directive_field_const(const Unit *u, const UnitDirective *d);

/* Applies one assignment to u (used as the syntax callback). */
int unit_directive_assign(Unit *u, const UnitDiagSink *diag, const char *section, const char *key,
                          const char *value, const char *file, unsigned line);

/* Formats the value of row i for dump; *ret NULL when there is nothing to print. */
int unit_directive_format(const Unit *u, size_t i, char **ret);
/* Sets the initial "unset" values (-1 for tristates, ...). */
void unit_directive_init_defaults(Unit *u);
