/* SPDX-License-Identifier: MIT */
/* The per-kind value parsers of the directive table (see unit-directives.c): each takes one assignment, reports an invalid value as systemd does ("..., ignoring") and returns 0 or -ENOMEM. */
#include "unit-directives.h"

#include "calendar.h"
#include "list-index.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "common/signames.h"
#include "sdu-util.h"

#define U(f) offsetof(Unit, f)
#define NE DIRECTIVE_NOT_ENFORCED

/* ---- parsing context and helpers ---- */

typedef struct Ctx {
        Unit *u;
        const UnitDiagSink *diag;
        const char *file;
        unsigned line;
        const UnitDirective *d;
        size_t row;
        const char *section;
} Ctx;

static void ctx_log(Ctx *c, UnitDiagLevel level, const char *fmt, ...) SDU_PRINTF(3, 4);
static void ctx_log(Ctx *c, UnitDiagLevel level, const char *fmt, ...) {
        char *msg = NULL;
        va_list ap;
        int n;

        if (level == UNIT_DIAG_WARNING)
                c->u->n_warnings++;
        else if (level == UNIT_DIAG_ERROR)
                c->u->n_errors++;
        va_start(ap, fmt);
        n = vasprintf(&msg, fmt, ap);
        va_end(ap);
        unit_diag(c->diag, level, c->file, c->line, "%s", n < 0 ? "(out of memory)" : msg);
        if (n >= 0)
                free(msg);
}

#define FIELD(c, type) ((type *) unit_directive_field((c)->u, (c)->d)) /* never NULL: see unit_directive_assign() */

static void mark_set(Ctx *c) {
        UnitSetting *s = c->u->settings + c->row;

        s->file = c->file;
        s->line = c->line;
        s->count++;
        c->u->set[c->row / 8] |= (uint8_t) (1u << (c->row % 8));
}

static void mark_reset(Ctx *c) {
        UnitSetting *s = c->u->settings + c->row;

        s->file = c->file;
        s->line = c->line;
        s->count = 0;
        c->u->set[c->row / 8] &= (uint8_t) ~(1u << (c->row % 8));
}

/* Expands specifiers unless the row forbids it. Returns 1 with *ret, 0 if it warned, <0 on OOM. */
static int expand(Ctx *c, const char *in, char **ret) {
        UnitSpecifierData sd = { .name = c->u->id, .fragment_path = c->u->fragment_path, .host = c->u->host };
        char *out;
        int r;

        if (c->d->flags & DIRECTIVE_NO_SPECIFIERS) {
                out = strdup(in);
                if (!out)
                        return -ENOMEM;
                *ret = out;
                return 1;
        }
        r = unit_specifier_expand(in, &sd, &out);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to resolve unit specifiers in %s, ignoring: %s", in,
                        r == -EBADSLT ? "Invalid slot" : strerror(-r));
                return 0;
        }
        *ret = out;
        return 1;
}

static int word_expand_cb(char **word, void *userdata) {
        Ctx *c = userdata;
        UnitSpecifierData sd = { .name = c->u->id, .fragment_path = c->u->fragment_path, .host = c->u->host };
        char *out;
        int r;

        r = unit_specifier_expand(*word, &sd, &out);
        if (r < 0)
                return r;
        free(*word);
        *word = out;
        return 0;
}

static void invalid(Ctx *c, const char *what, const char *value) {
        ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s, ignoring: %s", what, value);
}

static bool path_ok(const char *p) {
        return sdu_path_is_absolute(p) && sdu_path_is_normalized(p);
}

/* ---- per-kind parsers; all return 0 or -ENOMEM ---- */

static int parse_string(Ctx *c, const char *v) {
        char **f = FIELD(c, char *), *x;
        int r;

        if (!*v) {
                free(*f);
                *f = NULL;
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        if (c->d->kind == KIND_PATH && !path_ok(x)) {
                ctx_log(c, UNIT_DIAG_WARNING, "%s= path is not absolute or not normalized, ignoring: %s",
                        c->d->key, x);
                free(x);
                return 0;
        }
        if (c->d->kind == KIND_UNIT_NAME && !unit_name_is_valid(x, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE)) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse unit name, ignoring: %s", x);
                free(x);
                return 0;
        }
        if (c->d->kind == KIND_UNIT_NAME && sdu_streq(c->d->key, "Slice") && unit_name_to_type(x) != UNIT_SLICE) {
                ctx_log(c, UNIT_DIAG_WARNING, "Slice= must name a .slice unit, ignoring: %s", x);
                free(x);
                return 0;
        }
        free(*f);
        *f = x;
        mark_set(c);
        return 0;
}

typedef enum WordCheck {
        WORD_ANY,
        WORD_ABS_PATH,      /* absolute, normalized; optional '-' when DIRECTIVE_DASH_OK */
        WORD_REL_PATH,      /* relative, normalized, no ".." */
        WORD_UNIT_NAME,
        WORD_INSTALL_NAME,  /* [Install] names: templates allowed, same type for Alias= */
} WordCheck;

static bool word_ok(Ctx *c, WordCheck check, const char *w) {
        switch (check) {
        case WORD_ANY:
                return true;
        case WORD_ABS_PATH:
                if ((c->d->flags & DIRECTIVE_DASH_OK) && *w == '-')
                        w++;
                return path_ok(w);
        case WORD_REL_PATH:
                return *w && !sdu_path_is_absolute(w) && sdu_path_is_normalized(w) && !sdu_endswith(w, "/");
        case WORD_UNIT_NAME:
                return unit_name_is_valid(w, UNIT_NAME_PLAIN | UNIT_NAME_INSTANCE);
        case WORD_INSTALL_NAME:
                if (!unit_name_is_valid(w, UNIT_NAME_ANY))
                        return false;
                return !sdu_streq(c->d->key, "Alias") || unit_name_to_type(w) == c->u->type;
        }
        return false;
}

/* Space-separated words, appended; empty assignment resets (except dependencies). */
static int parse_words(Ctx *c, const char *v, WordCheck check, bool empty_resets) {
        char ***f = FIELD(c, char **);
        const char *p = v;

        if (!*v) {
                if (empty_resets) {
                        sdu_list_index_forget(c->u->load_index, f);
                        strv_free(*f);
                        *f = NULL;
                        mark_reset(c);
                }
                return 0;
        }
        for (;;) {
                char *w, *x;
                int r;

                r = sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Invalid syntax, ignoring: %s", v);
                        return 0;
                }
                if (r == 0)
                        break;
                r = expand(c, w, &x);
                free(w);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                if (!word_ok(c, check, x)) {
                        if (check == WORD_UNIT_NAME)
                                ctx_log(c, UNIT_DIAG_WARNING, "Failed to add dependency on %s, ignoring: Invalid argument", x);
                        else if (check == WORD_INSTALL_NAME)
                                ctx_log(c, UNIT_DIAG_WARNING, "%s= is not a valid unit name%s, ignoring: %s", c->d->key,
                                        sdu_streq(c->d->key, "Alias") ? " of the same type" : "", x);
                        else
                                ctx_log(c, UNIT_DIAG_WARNING, "%s= path is not valid, ignoring: %s", c->d->key, x);
                        free(x);
                        continue;
                }
                /* A name already listed is not added again: through the unit's index, so that
                 * tens of thousands of names load in linear time. */
                if (check == WORD_UNIT_NAME)
                        r = sdu_list_index_add(&c->u->load_index, f, SDU_LIST_KEY_WHOLE, x, false);
                else
                        r = strv_push(f, x); /* takes x, also on failure */
                if (r < 0)
                        return r;
                mark_set(c);
        }
        return 0;
}

static int parse_bool(Ctx *c, const char *v) {
        int *f = FIELD(c, int), b;

        if (!*v) {
                *f = -1;
                mark_reset(c);
                return 0;
        }
        b = sdu_parse_boolean(v);
        if (b < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse boolean value%s%s, ignoring: %s",
                        c->d->key ? " of " : "", c->d->key, v);
                return 0;
        }
        *f = b;
        mark_set(c);
        return 0;
}

static int enum_index(const char *const *values, const char *v) {
        for (int i = 0; values && values[i]; i++)
                if (strcmp(values[i], v) == 0)
                        return i;
        return -1;
}

static int parse_enum(Ctx *c, const char *v) {
        const char *const *values = c->d->data;
        int *f = FIELD(c, int), i;

        if (!*v) {
                *f = -1;
                mark_reset(c);
                return 0;
        }
        i = enum_index(values, v);
        if (i < 0 && values == directive_preserve_values) {
                int b = sdu_parse_boolean(v);
                if (b >= 0)
                        i = b;
        }
        if (i < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s= value, ignoring: %s", c->d->key, v);
                return 0;
        }
        *f = i;
        mark_set(c);
        return 0;
}

static int parse_int(Ctx *c, const char *v) {
        const IntRange *range = c->d->data;
        int *f = FIELD(c, int), n;

        if (!*v) {
                mark_reset(c);
                return 0;
        }
        if (sdu_safe_atoi(v, &n) < 0) {
                invalid(c, c->d->key, v);
                return 0;
        }
        if (range && (n < range->min || n > range->max)) {
                ctx_log(c, UNIT_DIAG_WARNING, "%s= value out of range, ignoring: %s", c->d->key, v);
                return 0;
        }
        *f = n;
        mark_set(c);
        return 0;
}

static int parse_uint64(Ctx *c, const char *v) {
        const IntRange *range = c->d->data;
        uint64_t *f = FIELD(c, uint64_t), n;

        if (!*v) {
                mark_reset(c);
                return 0;
        }
        if ((sdu_streq(c->d->key, "CPUWeight") || sdu_streq(c->d->key, "StartupCPUWeight")) && sdu_streq(v, "idle")) {
                *f = 0;
                mark_set(c);
                return 0;
        }
        if (sdu_safe_atou64(v, &n) < 0) {
                invalid(c, c->d->key, v);
                return 0;
        }
        if (range && ((long long) n < range->min || n > (uint64_t) range->max)) {
                ctx_log(c, UNIT_DIAG_WARNING, "%s= value out of range, ignoring: %s", c->d->key, v);
                return 0;
        }
        *f = n;
        mark_set(c);
        return 0;
}

static int parse_time(Ctx *c, const char *v) {
        uint64_t *f = FIELD(c, uint64_t), t;
        int r;

        if (!*v) {
                *f = 0;
                mark_reset(c);
                return 0;
        }
        r = sdu_parse_sec(v, &t);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s= time span, ignoring: %s", c->d->key, v);
                return 0;
        }
        *f = t;
        mark_set(c);
        return 0;
}

static int parse_timeout_both(Ctx *c, const char *v) {
        uint64_t t;
        int r;

        r = sdu_parse_sec(v, &t);
        if (r == -ENOMEM)
                return r;
        if (r < 0 || !*v) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s= time span, ignoring: %s", c->d->key, v);
                return 0;
        }
        /* TimeoutSec= is TimeoutStartSec= plus TimeoutStopSec=; record both rows. */
        c->u->service.timeout_start_usec = c->u->service.timeout_stop_usec = t;
        for (int i = 0; i < 2; i++) {
                Ctx sub = *c;
                sub.row = i == 0 ? UD_SERVICE_TIMEOUT_START_SEC : UD_SERVICE_TIMEOUT_STOP_SEC;
                sub.d = unit_directive_table + sub.row;
                mark_set(&sub);
        }
        return 0;
}

static int parse_size(Ctx *c, const char *v) {
        uint64_t *f = FIELD(c, uint64_t), n;
        int r;

        if (!*v) {
                mark_reset(c);
                return 0;
        }
        r = sdu_parse_size(v, &n);
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s= size, ignoring: %s", c->d->key, v);
                return 0;
        }
        *f = n;
        mark_set(c);
        return 0;
}

static int parse_mode(Ctx *c, const char *v) {
        mode_t *f = FIELD(c, mode_t), m;

        if (!*v) {
                mark_reset(c);
                return 0;
        }
        if (sdu_parse_mode(v, &m) < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse mode value, ignoring: %s", v);
                return 0;
        }
        *f = m;
        mark_set(c);
        return 0;
}

static int parse_signal(Ctx *c, const char *v) {
        int *f = FIELD(c, int), sig;

        if (!*v) {
                *f = -1;
                mark_reset(c);
                return 0;
        }
        sig = signal_from_string(v);
        if (sig <= 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse signal name, ignoring: %s", v);
                return 0;
        }
        *f = sig;
        mark_set(c);
        return 0;
}

static int parse_exit_status(Ctx *c, const char *v) {
        SduExitStatusSet **f = FIELD(c, SduExitStatusSet *);
        char *bad = NULL;
        int r;

        if (!*v) {
                if (*f)
                        **f = (SduExitStatusSet) {};
                mark_reset(c);
                return 0;
        }
        if (!*f && !(*f = calloc(1, sizeof(SduExitStatusSet))))
                return -ENOMEM;
        r = sdu_exit_status_set_add(*f, v, &bad);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse exit status '%s', ignoring: %s", bad ?: "", v);
                free(bad);
                return 0;
        }
        mark_set(c);
        return 0;
}

static int parse_rlimit(Ctx *c, const char *v) {
        int resource = (int) (uintptr_t) c->d->data;
        RLimitSetting **all = FIELD(c, RLimitSetting *);
        uint64_t soft, hard;
        int r;

        if (resource < 0 || resource >= SDU_RLIMIT_MAX)
                return 0;
        if (!*v) {
                if (*all)
                        (*all)[resource].set = false;
                mark_reset(c);
                return 0;
        }
        r = sdu_parse_rlimit(resource, v, &soft, &hard);
        if (r == -ENOMEM)
                return r;
        if (r == -EILSEQ) {
                ctx_log(c, UNIT_DIAG_WARNING, "Soft resource limit chosen higher than hard limit, ignoring: %s", v);
                return 0;
        }
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse resource value, ignoring: %s", v);
                return 0;
        }
        if (!*all && !(*all = calloc(SDU_RLIMIT_MAX, sizeof(RLimitSetting))))
                return -ENOMEM;
        (*all)[resource] = (RLimitSetting) { .soft = soft, .hard = hard, .set = true };
        mark_set(c);
        return 0;
}

static int parse_caps(Ctx *c, const char *v) {
        CapabilitySetting *f = FIELD(c, CapabilitySetting);
        char *bad = NULL;
        uint64_t mask;
        bool invert;
        int r;

        if (!*v) {
                /* An empty assignment resets to the empty set. */
                *f = (CapabilitySetting) { .mask = 0, .set = true };
                mark_set(c);
                return 0;
        }
        r = sdu_parse_capability_set(v, &mask, &invert, &bad);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse capability '%s' in %s=, ignoring: %s", bad ?: "",
                        c->d->key, v);
                free(bad);
                return 0;
        }
        /* The first assignment sets the value; later ones add to it, or remove from it when
         * inverted. */
        if (!f->set)
                f->mask = invert ? (~mask & SDU_CAP_ALL) : mask;
        else if (invert)
                f->mask &= ~mask;
        else
                f->mask |= mask;
        f->set = true;
        mark_set(c);
        return 0;
}

static int parse_env(Ctx *c, const char *v) {
        char ***f = FIELD(c, char **);
        const char *p = v;

        if (!*v) {
                sdu_list_index_forget(c->u->load_index, f);
                strv_free(*f);
                *f = NULL;
                mark_reset(c);
                return 0;
        }
        for (;;) {
                char *w, *x;
                int r;

                r = sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Invalid syntax, ignoring: %s", v);
                        return 0;
                }
                if (r == 0)
                        break;
                r = expand(c, w, &x);
                free(w);
                if (r < 0)
                        return r;
                if (r == 0)
                        continue;
                if (!sdu_env_assignment_is_valid(x)) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Invalid environment assignment, ignoring: %s", x);
                        free(x);
                        continue;
                }
                /* As env_set(), through the unit's index: the last assignment of a name wins, in
                 * the first one's place, in linear time however many names. */
                r = sdu_list_index_add(&c->u->load_index, f, SDU_LIST_KEY_ENV_NAME, x, true);
                if (r < 0)
                        return r;
                mark_set(c);
        }
        return 0;
}

static int parse_env_files(Ctx *c, const char *v) {
        char ***f = FIELD(c, char **), *x;
        const char *path;
        int r;

        if (!*v) {
                strv_free(*f);
                *f = NULL;
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        path = x[0] == '-' ? x + 1 : x;
        if (!path_ok(path)) {
                ctx_log(c, UNIT_DIAG_WARNING, "Path '%s' is not absolute, ignoring.", x);
                free(x);
                return 0;
        }
        r = strv_push(f, x);
        if (r < 0)
                return r;
        mark_set(c);
        return 0;
}

static int parse_exec(Ctx *c, const char *v) {
        ExecCommandList *f = FIELD(c, ExecCommandList);
        const char *err = NULL;
        bool relaxed = false;
        int r;

        if (!*v) {
                exec_command_list_done(f);
                mark_reset(c);
                return 0;
        }
        r = sdu_parse_exec_line(v, word_expand_cb, c, f, &err, &relaxed);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "%s, ignoring: %s", err ?: "Invalid command line", v);
                return 0;
        }
        if (relaxed)
                ctx_log(c, UNIT_DIAG_WARNING, "Ignoring unknown escape sequences: \"%s\"", v);
        mark_set(c);
        return 0;
}

static int parse_condition(Ctx *c, const char *v) {
        const ConditionDesc *desc = c->d->data;
        ConditionList *f = FIELD(c, ConditionList);
        Condition cond = {};
        Condition *n;
        const char *p = v;
        char *x;
        int r;

        if (!*v) {
                /* Resets all conditions (or asserts), as documented in systemd.unit(5). */
                for (size_t i = 0; i < f->n; i++) {
                        free(f->items[i].type);
                        free(f->items[i].parameter);
                }
                free(f->items);
                *f = (ConditionList) {};
                mark_reset(c);
                return 0;
        }
        if (*p == '|') {
                cond.trigger = true;
                p++;
                p += strspn(p, SDU_WHITESPACE);
        }
        if (*p == '!') {
                cond.negate = true;
                p++;
                p += strspn(p, SDU_WHITESPACE);
        }
        r = expand(c, p, &x);
        if (r <= 0)
                return r;
        if (desc->check == COND_PATH && !path_ok(x)) {
                ctx_log(c, UNIT_DIAG_WARNING, "Path in condition not absolute, ignoring: %s", x);
                free(x);
                return 0;
        }
        if (desc->check == COND_BOOL && sdu_parse_boolean(x) < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse boolean value in condition, ignoring: %s", x);
                free(x);
                return 0;
        }
        cond.parameter = x;
        cond.type = strdup(desc->type);
        n = cond.type ? realloc(f->items, (f->n + 1) * sizeof(Condition)) : NULL;
        if (!n) {
                free(cond.type);
                free(x);
                return -ENOMEM;
        }
        f->items = n;
        f->items[f->n++] = cond;
        mark_set(c);
        return 0;
}

static int parse_limit(Ctx *c, const char *v) {
        int flavour = *(const int *) c->d->data;
        LimitValue *f = FIELD(c, LimitValue);
        LimitValue nv = { .set = true };
        unsigned pm;
        int r;

        if (!*v) {
                *f = (LimitValue) {};
                mark_reset(c);
                return 0;
        }
        if (flavour == LIMIT_CPU_QUOTA) {
                /* "20%", "200%": percent of one CPU, may exceed 100%. */
                char *e = sdu_endswith(v, "%");
                uint64_t n;
                char *num;

                num = e ? sdu_strndup(v, (size_t) (e - v)) : NULL;
                if (e && !num)
                        return -ENOMEM;
                r = num ? sdu_safe_atou64(num, &n) : -EINVAL;
                free(num);
                if (r < 0 || n == 0 || n > UINT32_MAX / 100) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Invalid CPU quota '%s', ignoring.", v);
                        return 0;
                }
                nv.is_relative = true;
                nv.permyriad = (unsigned) (n * 100);
        } else if (sdu_streq(v, "infinity")) {
                nv.value = SDU_SIZE_INFINITY;
        } else if ((r = sdu_parse_permyriad(v, &pm)) >= 0) {
                nv.is_relative = true;
                nv.permyriad = pm;
        } else if (r == -ERANGE) {
                ctx_log(c, UNIT_DIAG_WARNING, "%s= value out of range, ignoring: %s", c->d->key, v);
                return 0;
        } else {
                r = flavour == LIMIT_TASKS ? sdu_safe_atou64(v, &nv.value) : sdu_parse_size(v, &nv.value);
                if (r < 0) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Invalid %s= value, ignoring: %s", c->d->key, v);
                        return 0;
                }
                if (flavour == LIMIT_TASKS && nv.value == 0) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Invalid %s= value, ignoring: %s", c->d->key, v);
                        return 0;
                }
        }
        if (c->d->flags & DIRECTIVE_DEPRECATED)
                ctx_log(c, UNIT_DIAG_NOTICE, "Unit uses %s=; please use MemoryMax= instead. Support for %s= will be removed soon.",
                        c->d->key, c->d->key);
        *f = nv;
        mark_set(c);
        return 0;
}

static bool socket_address_ok(const char *a) {
        const char *colon;
        uint64_t port;
        char *host;
        bool ok;

        if (*a == '/' || *a == '@')
                return a[1] != 0;
        if (sdu_startswith(a, "vsock:"))
                return true;
        if (sdu_safe_atou64(a, &port) >= 0)
                return port > 0 && port <= 65535;
        colon = strrchr(a, ':');
        if (!colon || sdu_safe_atou64(colon + 1, &port) < 0 || port == 0 || port > 65535)
                return false;
        if (*a == '[') {
                unsigned char buf[16];
                const char *close = strchr(a, ']');

                if (!close || close + 1 != colon)
                        return false;
                host = sdu_strndup(a + 1, (size_t) (close - a - 1));
                if (!host)
                        return false;
                /* Allow a %scope suffix. */
                host[strcspn(host, "%")] = 0;
                ok = inet_pton(AF_INET6, host, buf) == 1;
        } else {
                unsigned char buf[4];

                host = sdu_strndup(a, (size_t) (colon - a));
                if (!host)
                        return false;
                ok = inet_pton(AF_INET, host, buf) == 1;
        }
        free(host);
        return ok;
}

static int parse_listen(Ctx *c, const char *v) {
        ListenList *f = FIELD(c, ListenList);
        const char *k = c->d->key;
        ListenEntry *n;
        char *x, *type;
        bool ok;
        int r;

        if (!*v) {
                for (size_t i = 0; i < f->n; i++) {
                        free(f->items[i].type);
                        free(f->items[i].address);
                }
                free(f->items);
                *f = (ListenList) {};
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        if (sdu_streq(k, "ListenStream") || sdu_streq(k, "ListenDatagram") || sdu_streq(k, "ListenSequentialPacket"))
                ok = socket_address_ok(x);
        else if (sdu_streq(k, "ListenNetlink"))
                ok = isalpha((unsigned char) x[0]);
        else if (sdu_streq(k, "ListenMessageQueue"))
                ok = x[0] == '/' && !strchr(x + 1, '/');
        else
                ok = path_ok(x);
        if (!ok) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse address value in '%s', ignoring: %s", k, x);
                free(x);
                return 0;
        }
        type = strdup(k);
        n = type ? realloc(f->items, (f->n + 1) * sizeof(ListenEntry)) : NULL;
        if (!n) {
                free(type);
                free(x);
                return -ENOMEM;
        }
        f->items = n;
        f->items[f->n++] = (ListenEntry) { .type = type, .address = x };
        mark_set(c);
        return 0;
}

static int parse_pathspec(Ctx *c, const char *v) {
        PathSpecList *f = FIELD(c, PathSpecList);
        PathSpec *n;
        char *x, *type;
        int r;

        if (!*v) {
                for (size_t i = 0; i < f->n; i++) {
                        free(f->items[i].type);
                        free(f->items[i].path);
                }
                free(f->items);
                *f = (PathSpecList) {};
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        if (!path_ok(x)) {
                ctx_log(c, UNIT_DIAG_WARNING, "Path is not absolute, ignoring: %s", x);
                free(x);
                return 0;
        }
        type = strdup(c->d->key);
        n = type ? realloc(f->items, (f->n + 1) * sizeof(PathSpec)) : NULL;
        if (!n) {
                free(type);
                free(x);
                return -ENOMEM;
        }
        f->items = n;
        f->items[f->n++] = (PathSpec) { .type = type, .path = x };
        mark_set(c);
        return 0;
}

static int parse_timelist(Ctx *c, const char *v) {
        TimeList *f = FIELD(c, TimeList);
        uint64_t t, *n;
        char *x;
        int r;

        if (!*v) {
                free(f->items);
                *f = (TimeList) {};
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        r = sdu_parse_sec(x, &t);
        free(x);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse timer value, ignoring: %s", v);
                return 0;
        }
        n = realloc(f->items, (f->n + 1) * sizeof(uint64_t));
        if (!n)
                return -ENOMEM;
        f->items = n;
        f->items[f->n++] = t;
        mark_set(c);
        return 0;
}

static int parse_calendar(Ctx *c, const char *v) {
        char ***f = FIELD(c, char **), *x;
        int r;

        if (!*v) {
                strv_free(*f);
                *f = NULL;
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        /* OnCalendar=: the calendar engine (calendar.h) checks it fully. What systemd accepts but
         * sdinit cannot compute ("~", other time zones) is kept, with a notice: the timer skips it. */
        {
                CalendarSpec *spec = NULL;
                char why[256];
                r = calendar_spec_parse(x, &spec, why, sizeof(why));
                calendar_spec_free(spec);
                if (r == -ENOMEM) {
                        free(x);
                        return r;
                }
                if (r == -EOPNOTSUPP)
                        ctx_log(c, UNIT_DIAG_NOTICE, "OnCalendar=%s: %s by sdinit: this value will never elapse", x, why);
                else if (r < 0) {
                        ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse calendar specification, ignoring: %s (%s)", x, why);
                        free(x);
                        return 0;
                }
        }
        r = strv_push(f, x);
        if (r < 0)
                return r;
        mark_set(c);
        return 0;
}

static int parse_stdio(Ctx *c, const char *v) {
        bool is_input = sdu_streq(c->d->key, "StandardInput");
        const char *const *values = is_input ? directive_stdin_values : directive_stdout_values;
        char **file = (char **) ((char *) c->u->exec + (uintptr_t) c->d->data); /* allocated: DIRECTIVE_IN_EXEC */
        int *f = FIELD(c, int), i;
        const char *colon;
        char *name, *x = NULL;
        int r;

        if (!*v) {
                *f = -1;
                free(*file);
                *file = NULL;
                mark_reset(c);
                return 0;
        }
        if (!is_input && (sdu_streq(v, "syslog") || sdu_streq(v, "syslog+console"))) {
                ctx_log(c, UNIT_DIAG_NOTICE, "Standard output type %s is obsolete, automatically updating to %s.", v,
                        sdu_streq(v, "syslog") ? "journal" : "journal+console");
                v = sdu_streq(v, "syslog") ? "journal" : "journal+console";
        }
        colon = strchr(v, ':');
        name = colon ? sdu_strndup(v, (size_t) (colon - v)) : strdup(v);
        if (!name)
                return -ENOMEM;
        i = enum_index(values, name);
        free(name);
        if (i < 0 || (colon && !(sdu_streq(values[i], "file") || sdu_streq(values[i], "append") ||
                                 sdu_streq(values[i], "truncate") || sdu_streq(values[i], "fd"))) ||
            (!colon && (sdu_streq(values[i], "file") || sdu_streq(values[i], "append") ||
                        sdu_streq(values[i], "truncate")))) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s= specifier, ignoring: %s", c->d->key, v);
                return 0;
        }
        if (colon) {
                r = expand(c, colon + 1, &x);
                if (r <= 0)
                        return r;
                if (!sdu_streq(values[i], "fd") && !path_ok(x)) {
                        ctx_log(c, UNIT_DIAG_WARNING, "%s= path is not absolute, ignoring: %s", c->d->key, x);
                        free(x);
                        return 0;
                }
        }
        *f = i;
        free(*file);
        *file = x;
        mark_set(c);
        return 0;
}

static bool raw_ok(Ctx *c, const RawDesc *desc, const char *x) {
        const char *p = x;

        switch (desc->check) {
        case RAW_ANY:
                return true;
        case RAW_BOOL:
                return sdu_parse_boolean(x) >= 0;
        case RAW_BOOL_OR_ENUM:
                return sdu_parse_boolean(x) >= 0 || enum_index(desc->values, x) >= 0;
        case RAW_ENUM:
                return enum_index(desc->values, x) >= 0;
        case RAW_PATHS:
        case RAW_WORDS:
                for (;;) {
                        char *w;
                        int r = sdu_extract_word(&p, &w, SDU_EXTRACT_UNQUOTE | SDU_EXTRACT_CUNESCAPE);
                        const char *q;
                        bool ok = true;

                        if (r < 0)
                                return false;
                        if (r == 0)
                                return true;
                        if (desc->check == RAW_PATHS) {
                                q = w;
                                while (*q == '-' || *q == '+')
                                        q++;
                                ok = path_ok(q);
                        }
                        free(w);
                        if (!ok)
                                return false;
                }
        }
        (void) c;
        return false;
}

static int parse_raw(Ctx *c, const char *v) {
        const RawDesc *desc = c->d->data;
        UnitSetting *s = c->u->settings + c->row;
        bool list = desc->check == RAW_PATHS || desc->check == RAW_WORDS || desc->check == RAW_ANY;
        char *x;
        int r;

        if (!*v && (c->d->flags & DIRECTIVE_KEEP_RAW) && desc->check == RAW_BOOL) {
                /* systemd's config_parse_bool(): an empty value is not a boolean (PrivateTmp=
                 * after PrivateTmp=yes leaves it on, measured under systemd 252). */
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse boolean value of %s, ignoring: ", c->d->key);
                return 0;
        }
        if (!*v && sdu_streq(c->d->key, "Delegate")) {
                /* systemd's config_parse_delegate(): an empty Delegate= turns delegation on and
                 * forgets the controllers listed before: kept as an "" assignment
                 * (common/delegate.h reads it). */
                strv_free(s->raw);
                s->raw = NULL;
                x = strdup("");
                if (!x || strv_push(&s->raw, x) < 0) /* strv_push() frees x on failure */
                        return -ENOMEM;
                mark_set(c);
                return 0;
        }
        if (!*v) {
                strv_free(s->raw);
                s->raw = NULL;
                mark_reset(c);
                return 0;
        }
        r = expand(c, v, &x);
        if (r <= 0)
                return r;
        if (!raw_ok(c, desc, x)) {
                ctx_log(c, UNIT_DIAG_WARNING, "Failed to parse %s= value, ignoring: %s", c->d->key, x);
                free(x);
                return 0;
        }
        if (!list) {
                /* Single-valued settings: the last assignment wins. */
                strv_free(s->raw);
                s->raw = NULL;
        }
        r = strv_push(&s->raw, x);
        if (r < 0)
                return r;
        mark_set(c);
        return 0;
}

static int dispatch(Ctx *c, const char *v) {
        switch (c->d->kind) {
        case KIND_STRING:
        case KIND_PATH:
        case KIND_UNIT_NAME:
                return parse_string(c, v);
        case KIND_STRV:
                return parse_words(c, v, (c->d->flags & DIRECTIVE_UNIT_NAMES) ? WORD_INSTALL_NAME : WORD_ANY, true);
        case KIND_PATHS:
                return parse_words(c, v, WORD_ABS_PATH, true);
        case KIND_RELPATHS:
                return parse_words(c, v, WORD_REL_PATH, true);
        case KIND_DEPS:
                return parse_words(c, v, WORD_UNIT_NAME, false);
        case KIND_BOOL:
                return parse_bool(c, v);
        case KIND_ENUM:
                return parse_enum(c, v);
        case KIND_INT:
                return parse_int(c, v);
        case KIND_UINT64:
                return parse_uint64(c, v);
        case KIND_TIME:
                return parse_time(c, v);
        case KIND_TIMEOUT_BOTH:
                return parse_timeout_both(c, v);
        case KIND_SIZE:
                return parse_size(c, v);
        case KIND_MODE:
                return parse_mode(c, v);
        case KIND_SIGNAL:
                return parse_signal(c, v);
        case KIND_EXIT_STATUS:
                return parse_exit_status(c, v);
        case KIND_RLIMIT:
                return parse_rlimit(c, v);
        case KIND_CAPS:
                return parse_caps(c, v);
        case KIND_ENV:
                return parse_env(c, v);
        case KIND_ENV_FILES:
                return parse_env_files(c, v);
        case KIND_EXEC:
                return parse_exec(c, v);
        case KIND_CONDITION:
                return parse_condition(c, v);
        case KIND_LIMIT:
                return parse_limit(c, v);
        case KIND_LISTEN:
                return parse_listen(c, v);
        case KIND_PATHSPEC:
                return parse_pathspec(c, v);
        case KIND_TIMELIST:
                return parse_timelist(c, v);
        case KIND_CALENDAR:
                return parse_calendar(c, v);
        case KIND_STDIO:
                return parse_stdio(c, v);
        case KIND_RAW:
                return parse_raw(c, v);
        case _KIND_MAX:
                break;
        }
        return 0;
}

int unit_directive_assign(Unit *u, const UnitDiagSink *diag, const char *section, const char *key,
                          const char *value, const char *file, unsigned line) {
        Ctx c = { .u = u, .diag = diag, .file = file, .line = line, .section = section };
        int i;

        i = unit_directive_lookup(u->type, section, key);
        if (i < 0) {
                if (sdu_startswith(key, "X-"))
                        return 0;
                c.d = NULL;
                u->n_warnings++;
                unit_diag(diag, UNIT_DIAG_WARNING, file, line, "Unknown key name '%s' in section '%s', ignoring.", key,
                          section);
                return 0;
        }
        c.row = (size_t) i;
        c.d = unit_directive_table + i;
        if (c.d->flags & DIRECTIVE_DEPRECATED && c.d->kind != KIND_LIMIT)
                unit_diag(diag, UNIT_DIAG_NOTICE, file, line, "%s= is deprecated.", key);
        if ((c.d->flags & DIRECTIVE_IN_CGROUP) && !u->cgroup) {
                u->cgroup = malloc(sizeof(CGroupSettings));
                if (!u->cgroup)
                        return -ENOMEM;
                *u->cgroup = unit_cgroup_unset;
        }
        /* Every [Service]/[Socket]/... row of systemd.exec(5), the raw (sandbox) ones too: their
         * effect (DynamicUser='s sandbox, the typed ExecSandbox) is kept in u->exec. */
        if (!u->exec && ((c.d->flags & DIRECTIVE_IN_EXEC) || sdu_streq(c.d->section, "@exec")) && !unit_exec_alloc(u))
                return -ENOMEM;
        return dispatch(&c, value);
}
