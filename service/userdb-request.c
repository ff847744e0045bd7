/* SPDX-License-Identifier: MIT */
/* The userdb request reader (see userdb-request.h). */
#include "service/userdb-request.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *ws(const char *p, const char *end) {
        while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
                p++;
        return p;
}

/* A string at p (after the quote) into out (truncated; non-ASCII escapes become '?'). */
static const char *str(const char *p, const char *end, char *out, size_t size) {
        size_t n = 0;

        while (p < end && *p != '"') {
                char c = *p++;
                if (c == '\\' && p < end) {
                        c = *p++;
                        switch (c) {
                        case 'n': c = '\n'; break;
                        case 't': c = '\t'; break;
                        case 'r': c = '\r'; break;
                        case 'b': c = '\b'; break;
                        case 'f': c = '\f'; break;
                        case 'u':
                                if (end - p < 4)
                                        return NULL;
                                p += 4;
                                c = '?';
                                break;
                        default: break; /* \" \\ \/ */
                        }
                }
                if (out && n + 1 < size)
                        out[n++] = c;
        }
        if (out && size)
                out[n] = '\0';
        return p < end ? p + 1 : NULL;
}

static const char *skip_value(const char *p, const char *end, int depth) {
        p = ws(p, end);
        if (p >= end || depth > 16)
                return NULL;
        if (*p == '"')
                return str(p + 1, end, NULL, 0);
        if (*p == '{' || *p == '[') {
                char close = *p == '{' ? '}' : ']';
                p = ws(p + 1, end);
                if (p < end && *p == close)
                        return p + 1;
                for (;;) {
                        if (close == '}') {
                                p = ws(p, end);
                                if (p >= end || *p != '"' || !(p = str(p + 1, end, NULL, 0)))
                                        return NULL;
                                p = ws(p, end);
                                if (p >= end || *p++ != ':')
                                        return NULL;
                        }
                        if (!(p = skip_value(p, end, depth + 1)))
                                return NULL;
                        p = ws(p, end);
                        if (p < end && *p == ',') {
                                p++;
                                continue;
                        }
                        return p < end && *p == close ? p + 1 : NULL;
                }
        }
        while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r')
                p++;
        return p;
}

/* Iterates an object's members: calls fn(key, value start) for each. */
static const char *object(const char *p, const char *end, int depth,
                          void (*fn)(UserdbRequest *r, const char *key, const char *v, const char *end, int depth), UserdbRequest *r) {
        p = ws(p, end);
        if (p >= end || *p != '{')
                return NULL;
        p = ws(p + 1, end);
        if (p < end && *p == '}')
                return p + 1;
        for (;;) {
                char key[32];
                const char *v;
                p = ws(p, end);
                if (p >= end || *p != '"' || !(p = str(p + 1, end, key, sizeof(key))))
                        return NULL;
                p = ws(p, end);
                if (p >= end || *p++ != ':')
                        return NULL;
                v = ws(p, end);
                fn(r, key, v, end, depth);
                if (!(p = skip_value(v, end, depth + 1)))
                        return NULL;
                p = ws(p, end);
                if (p < end && *p == ',') {
                        p++;
                        continue;
                }
                return p < end && *p == '}' ? p + 1 : NULL;
        }
}

/* A JSON number of digits within [v, end): the request is not NUL-terminated, so no strtoll().
 * Anything over the uid_t range, or not a plain integer, is NO_SUCH_ID: it matches no user (-1 would
 * mean "not given", i.e. enumerate). */
#define NO_SUCH_ID ((long long) UINT32_MAX + 1)
static long long number(const char *v, const char *end) {
        long long n = 0;

        for (; v < end && *v >= '0' && *v <= '9'; v++) {
                n = n * 10 + (*v - '0');
                if (n > UINT32_MAX)
                        return NO_SUCH_ID;
        }
        if (v < end && (*v == '.' || *v == 'e' || *v == 'E'))
                return NO_SUCH_ID;
        return n;
}

static void on_param(UserdbRequest *r, const char *key, const char *v, const char *end, int depth) {
        (void) depth;
        if (v >= end)
                return;
        if (*v == '"') {
                if (strcmp(key, "userName") == 0)
                        str(v + 1, end, r->user, sizeof(r->user));
                else if (strcmp(key, "groupName") == 0)
                        str(v + 1, end, r->group, sizeof(r->group));
                else if (strcmp(key, "service") == 0) {
                        str(v + 1, end, r->service, sizeof(r->service));
                        r->has_service = true;
                }
        } else if (*v >= '0' && *v <= '9') {
                if (strcmp(key, "uid") == 0)
                        r->uid = number(v, end);
                else if (strcmp(key, "gid") == 0)
                        r->gid = number(v, end);
        }
}

static void on_top(UserdbRequest *r, const char *key, const char *v, const char *end, int depth) {
        if (v >= end)
                return;
        if (strcmp(key, "method") == 0 && *v == '"')
                str(v + 1, end, r->method, sizeof(r->method));
        else if (strcmp(key, "more") == 0)
                r->more = end - v >= 4 && memcmp(v, "true", 4) == 0;
        else if (strcmp(key, "parameters") == 0 && *v == '{')
                object(v, end, depth + 1, on_param, r);
}

int userdb_request_parse(const char *msg, size_t len, UserdbRequest *ret) {
        memset(ret, 0, sizeof(*ret));
        ret->uid = ret->gid = -1;
        return object(msg, msg + len, 0, on_top, ret) ? 0 : -EINVAL;
}
