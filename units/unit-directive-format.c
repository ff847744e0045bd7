/* SPDX-License-Identifier: MIT */
/* Initial values and the formatting of directive table rows for unit_dump() and show (see unit-directives.c). */
#include "unit-directives.h"

#include "calendar.h"

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

/* ---- defaults and formatting ---- */

void unit_directive_init_defaults(Unit *u) {
        for (size_t i = 0; i < unit_directive_table_size; i++) {
                const UnitDirective *d = unit_directive_table + i;

                /* Another type's section shares the bytes of this one's (Unit's union); the
                 * cgroup and exec rows start as unit_cgroup_unset and unit_exec_unset when
                 * allocated. */
                if (!unit_directive_applies(d, u->type) || (d->flags & (DIRECTIVE_IN_CGROUP | DIRECTIVE_IN_EXEC)))
                        continue;
                switch (d->kind) {
                case KIND_BOOL:
                case KIND_ENUM:
                case KIND_SIGNAL:
                case KIND_STDIO:
                        *(int *) ((char *) u + d->offset) = -1;
                        break;
                default:
                        break;
                }
        }
}

static int push(char ***l, char *s) {
        return strv_push(l, s); /* -ENOMEM for a NULL s */
}

static char *format_words(char **l, bool quote) {
        SduBuf b = {};
        int r = sdu_buf_puts(&b, "");

        for (size_t i = 0; r >= 0 && l && l[i]; i++) {
                char *q = quote ? sdu_quote_word(l[i]) : strdup(l[i]);

                if (!q) {
                        r = -ENOMEM;
                        break;
                }
                if (i > 0)
                        r = sdu_buf_putc(&b, ' ');
                if (r >= 0)
                        r = sdu_buf_puts(&b, q);
                free(q);
        }
        if (r < 0) {
                sdu_buf_done(&b);
                return NULL;
        }
        return sdu_buf_steal(&b);
}

static char *format_limit(const LimitValue *l, bool cpu) {
        if (l->is_relative) {
                if (cpu)
                        return sdu_asprintf("%u%%", l->permyriad / 100);
                if (l->permyriad % 100)
                        return sdu_asprintf("%u.%02u%%", l->permyriad / 100, l->permyriad % 100);
                return sdu_asprintf("%u%%", l->permyriad / 100);
        }
        if (l->value == SDU_SIZE_INFINITY)
                return strdup("infinity");
        return sdu_asprintf("%llu", (unsigned long long) l->value);
}

static char *format_rlimit_value(uint64_t v) {
        if (v == SDU_SIZE_INFINITY)
                return strdup("infinity");
        return sdu_asprintf("%llu", (unsigned long long) v);
}

static char *format_caps(uint64_t mask) {
        SduBuf b = {};
        int r = sdu_buf_puts(&b, "");

        for (int i = 0; i <= SDU_CAP_LAST && r >= 0; i++)
                if (mask & (UINT64_C(1) << i)) {
                        if (b.len)
                                r = sdu_buf_putc(&b, ' ');
                        for (const char *p = sdu_capability_to_name(i); r >= 0 && *p; p++)
                                r = sdu_buf_putc(&b, (char) toupper((unsigned char) *p));
                }
        if (r < 0) {
                sdu_buf_done(&b);
                return NULL;
        }
        return sdu_buf_steal(&b);
}

/* Returns the lines (values) to print for row i, or NULL list when unset. */
static int format_row(const Unit *u, size_t i, char ***ret) {
        const UnitDirective *d = unit_directive_table + i;
        const void *field = unit_directive_field_const(u, d);
        char **l = NULL;
        int r = 0;

        switch (d->kind) {
        case KIND_STRING:
        case KIND_PATH:
        case KIND_UNIT_NAME:
                if (*(char *const *) field)
                        r = push(&l, strdup(*(char *const *) field));
                break;
        case KIND_STRV:
        case KIND_PATHS:
        case KIND_RELPATHS:
        case KIND_DEPS:
        case KIND_ENV_FILES:
                if (*(char **const *) field)
                        r = push(&l, format_words(*(char **const *) field, false));
                break;
        case KIND_ENV:
                if (*(char **const *) field)
                        r = push(&l, format_words(*(char **const *) field, true));
                break;
        case KIND_CALENDAR:
                for (char **p = *(char **const *) field; p && *p && r >= 0; p++)
                        r = push(&l, strdup(*p));
                break;
        case KIND_BOOL:
                if (*(const int *) field >= 0)
                        r = push(&l, strdup(*(const int *) field ? "yes" : "no"));
                break;
        case KIND_ENUM: {
                int v = *(const int *) field;
                if (v >= 0)
                        r = push(&l, strdup(((const char *const *) d->data)[v]));
                break;
        }
        case KIND_INT:
                r = push(&l, sdu_asprintf("%d", *(const int *) field));
                break;
        case KIND_UINT64:
                r = push(&l, sdu_asprintf("%llu", (unsigned long long) *(const uint64_t *) field));
                break;
        case KIND_TIME:
                r = push(&l, sdu_format_timespan(*(const uint64_t *) field));
                break;
        case KIND_SIZE:
                r = push(&l, sdu_asprintf("%llu", (unsigned long long) *(const uint64_t *) field));
                break;
        case KIND_MODE:
                r = push(&l, sdu_asprintf("%04o", (unsigned) *(const mode_t *) field));
                break;
        case KIND_SIGNAL: {
                char buf[16];
                int sig = *(const int *) field;
                if (sig > 0)
                        r = push(&l, strdup(signal_to_string(sig, buf, sizeof(buf))));
                break;
        }
        case KIND_EXIT_STATUS:
                if (!sdu_exit_status_set_is_empty(*(SduExitStatusSet *const *) field))
                        r = push(&l, sdu_exit_status_set_to_string(*(SduExitStatusSet *const *) field));
                break;
        case KIND_RLIMIT: {
                const RLimitSetting *rl = unit_rlimit(unit_exec(u), (int) (uintptr_t) d->data);
                if (rl->set) {
                        char *a = format_rlimit_value(rl->soft), *b = format_rlimit_value(rl->hard);
                        if (a && b)
                                r = push(&l, rl->soft == rl->hard ? strdup(a) : sdu_asprintf("%s:%s", a, b));
                        else
                                r = -ENOMEM;
                        free(a);
                        free(b);
                }
                break;
        }
        case KIND_CAPS: {
                const CapabilitySetting *cs = field;
                if (cs->set)
                        r = push(&l, format_caps(cs->mask));
                break;
        }
        case KIND_EXEC: {
                const ExecCommandList *el = field;
                for (size_t k = 0; k < el->n && r >= 0; k++)
                        r = push(&l, exec_command_to_string(el->items + k));
                break;
        }
        case KIND_CONDITION: {
                const ConditionList *cl = field;
                const ConditionDesc *desc = d->data;
                for (size_t k = 0; k < cl->n && r >= 0; k++)
                        if (sdu_streq(cl->items[k].type, desc->type))
                                r = push(&l, sdu_asprintf("%s%s%s", cl->items[k].trigger ? "|" : "",
                                                          cl->items[k].negate ? "!" : "", cl->items[k].parameter));
                break;
        }
        case KIND_LIMIT: {
                const LimitValue *lv = field;
                if (lv->set)
                        r = push(&l, format_limit(lv, *(const int *) d->data == LIMIT_CPU_QUOTA));
                break;
        }
        case KIND_LISTEN: {
                const ListenList *ll = field;
                for (size_t k = 0; k < ll->n && r >= 0; k++)
                        if (sdu_streq(ll->items[k].type, d->key))
                                r = push(&l, strdup(ll->items[k].address));
                break;
        }
        case KIND_PATHSPEC: {
                const PathSpecList *pl = field;
                for (size_t k = 0; k < pl->n && r >= 0; k++)
                        if (sdu_streq(pl->items[k].type, d->key))
                                r = push(&l, strdup(pl->items[k].path));
                break;
        }
        case KIND_TIMELIST: {
                const TimeList *tl = field;
                for (size_t k = 0; k < tl->n && r >= 0; k++)
                        r = push(&l, sdu_format_timespan(tl->items[k]));
                break;
        }
        case KIND_STDIO: {
                int v = *(const int *) field;
                const char *const *values = sdu_streq(d->key, "StandardInput") ? directive_stdin_values : directive_stdout_values;
                const char *file = *(char *const *) ((const char *) unit_exec(u) + (uintptr_t) d->data);
                if (v >= 0)
                        r = push(&l, file ? sdu_asprintf("%s:%s", values[v], file) : strdup(values[v]));
                break;
        }
        case KIND_RAW:
                for (char **p = u->settings ? u->settings[i].raw : NULL; p && *p && r >= 0; p++)
                        r = push(&l, strdup(*p));
                break;
        case KIND_TIMEOUT_BOTH:
        case _KIND_MAX:
                break;
        }
        if (r < 0) {
                strv_free(l);
                return r;
        }
        *ret = l;
        return 0;
}

int unit_directive_format(const Unit *u, size_t i, char **ret) {
        char **l = NULL, *s;
        int r;

        r = format_row(u, i, &l);
        if (r < 0)
                return r;
        if (!l) {
                *ret = NULL;
                return 0;
        }
        s = strv_join(l, "\n");
        strv_free(l);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

const char *const *unit_enum_values(UnitDirectiveId id) {
        const UnitDirective *d = unit_directive_table + id;

        return d->kind == KIND_ENUM ? d->data : NULL;
}
