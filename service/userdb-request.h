/* SPDX-License-Identifier: MIT */
#pragma once

/* A varlink request to the userdb service (dynamic-userdb.c): the top-level "method" and "more",
 * and the "parameters" members uid, gid, userName, groupName and service. A minimal JSON reader:
 * linear in its input, nesting bounded (16), strings truncated to the fields' sizes. Fuzzed
 * (fuzz/fuzz-userdb-request.c). */

#include <stdbool.h>
#include <stddef.h>

typedef struct UserdbRequest {
        char method[96], user[64], group[64], service[64];
        long long uid, gid; /* -1: not given */
        bool more, has_service;
} UserdbRequest;

/* 0, or -EINVAL when msg (len bytes, no NUL needed) is not a JSON object. */
int userdb_request_parse(const char *msg, size_t len, UserdbRequest *ret);
