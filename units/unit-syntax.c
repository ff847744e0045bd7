/* SPDX-License-Identifier: MIT */
/* A hand-written reader for systemd.syntax(7).
 *
 * Why not inih: inih with its defaults reads a different language. It cuts values at an inline
 * ';' (ExecStart=/bin/sh -c "a ; b" loses "; b"), treats indented lines as continuations of the
 * previous value, accepts ':' as a key/value separator, and caps lines at 200 bytes. systemd
 * instead allows comments only at the start of a line (after whitespace), joins lines that end
 * in an unescaped backslash (skipping comment lines inside the continuation), never splits on
 * ':' and reads long lines. Some of that can be switched off at inih compile time, but
 * continuation joining would still need a custom reader in front of ini_parse_stream, and the
 * resulting line numbers and diagnostics would no longer be systemd's. The grammar is ~150 lines
 * by hand, so we parse by hand and follow systemd's conf-parser behaviour:
 *
 *   - a physical line ends at "\n", "\r\n", "\r" or a NUL byte; a UTF-8 BOM at file start is skipped;
 *   - a line whose first non-blank character is '#' or ';' is a comment, also inside a
 *     continuation (it is skipped and the continuation goes on);
 *   - a line ending in an odd number of backslashes continues: the backslash becomes a space and
 *     the next line is appended verbatim (leading whitespace kept);
 *   - the logical line is stripped; "[Name]" opens a section (the header must end in ']' and
 *     contain no quotes, backslashes or control characters, else the file fails to load);
 *     "Key=Value" splits at the first '='; the key and value are stripped;
 *   - a logical line may be up to 1 MiB (systemd's LONG_LINE_MAX); beyond that the file fails to
 *     load, exactly as systemd does. There is no other cap.
 */
#include "unit-syntax.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define UNIT_SYNTAX_LINE_MAX (1024U * 1024U)

typedef struct SyntaxState {
        const char *file;
        const UnitDiagSink *diag;
        const UnitSyntaxCallbacks *cb;
        char *section;          /* current known section, NULL if none or ignored */
        int section_ignored;    /* an unknown/X- section is open: skip silently */
} SyntaxState;

static int section_name_is_safe(const char *s) {
        for (; *s; s++)
                if ((unsigned char) *s < ' ' || *s == 127 || strchr("\"'\\", *s))
                        return 0;
        return 1;
}

static int handle_section(SyntaxState *st, char *l, unsigned line) {
        size_t k = strlen(l);
        char *name;
        int r = 1;

        if (l[k - 1] != ']') {
                unit_diag(st->diag, UNIT_DIAG_ERROR, st->file, line, "Invalid section header '%s'", l);
                return -EBADMSG;
        }
        name = sdu_strndup(l + 1, k - 2);
        if (!name)
                return -ENOMEM;
        if (!section_name_is_safe(name)) {
                unit_diag(st->diag, UNIT_DIAG_ERROR, st->file, line, "Bad characters in section header '%s'", l);
                free(name);
                return -EBADMSG;
        }

        free(st->section);
        st->section = NULL;
        st->section_ignored = 0;

        if (sdu_startswith(name, "X-"))
                r = 0;
        else if (st->cb->section) {
                r = st->cb->section(st->cb->userdata, name, st->file, line);
                if (r < 0) {
                        free(name);
                        return r;
                }
                if (r == 0)
                        unit_diag(st->diag, UNIT_DIAG_WARNING, st->file, line, "Unknown section '%s'. Ignoring.", name);
        }
        if (r == 0) {
                st->section_ignored = 1;
                free(name);
        } else
                st->section = name;
        return 0;
}

static int handle_logical_line(SyntaxState *st, char *raw, unsigned line) {
        char *l = sdu_strstrip(raw), *e;

        if (!*l || strchr("#;", *l))
                return 0;
        if (!sdu_utf8_is_valid_n(l, strlen(l))) {
                unit_diag(st->diag, UNIT_DIAG_WARNING, st->file, line,
                          "String is not UTF-8 clean, ignoring assignment.");
                return 0;
        }
        if (sdu_startswith(l, ".include ")) {
                unit_diag(st->diag, UNIT_DIAG_ERROR, st->file, line,
                          ".include directives are not supported anymore. Please use drop-ins instead.");
                return -EBADMSG;
        }
        if (*l == '[')
                return handle_section(st, l, line);

        if (!st->section) {
                if (!st->section_ignored)
                        unit_diag(st->diag, UNIT_DIAG_WARNING, st->file, line, "Assignment outside of section. Ignoring.");
                return 0;
        }
        e = strchr(l, '=');
        if (!e) {
                unit_diag(st->diag, UNIT_DIAG_WARNING, st->file, line, "Missing '=', ignoring line.");
                return 0;
        }
        if (e == l) {
                unit_diag(st->diag, UNIT_DIAG_WARNING, st->file, line, "Missing key name before '=', ignoring line.");
                return 0;
        }
        *e = 0;
        return st->cb->assign(st->cb->userdata, st->section, sdu_strstrip(l), sdu_strstrip(e + 1), st->file, line);
}

/* Returns 1 if the text ends with an unescaped backslash. */
static int ends_in_continuation(const char *s, size_t n) {
        int escaped = 0;

        for (size_t i = 0; i < n; i++)
                escaped = escaped ? 0 : s[i] == '\\';
        return escaped;
}

static int is_comment_line(const char *s, size_t n) {
        size_t i = 0;

        while (i < n && strchr(" \t", s[i]) && s[i])
                i++;
        return i < n && (s[i] == '#' || s[i] == ';');
}

int unit_syntax_parse_buffer(const char *file, const char *buf, size_t len, const UnitDiagSink *diag,
                             const UnitSyntaxCallbacks *cb) {
        SyntaxState st = { .file = file, .diag = diag, .cb = cb };
        SduBuf cont = {};
        int in_cont = 0, r = 0;
        unsigned line = 0;
        size_t pos = 0;

        if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
                pos = 3;

        while (pos < len) {
                size_t start = pos, n;

                while (pos < len && buf[pos] != '\n' && buf[pos] != '\r' && buf[pos] != 0)
                        pos++;
                n = pos - start;
                if (pos < len) {
                        if (buf[pos] == '\r' && pos + 1 < len && buf[pos + 1] == '\n')
                                pos++;
                        pos++;
                }
                line++;

                if (is_comment_line(buf + start, n))
                        continue;

                if (cont.len + n > UNIT_SYNTAX_LINE_MAX) {
                        unit_diag(diag, UNIT_DIAG_ERROR, file, line, "Line too long");
                        r = -ENOBUFS;
                        break;
                }
                r = sdu_buf_putn(&cont, buf + start, n);
                if (r < 0)
                        break;
                if (ends_in_continuation(buf + start, n)) {
                        cont.data[cont.len - 1] = ' ';
                        in_cont = 1;
                        continue;
                }
                r = handle_logical_line(&st, cont.data, line);
                cont.len = 0;
                in_cont = 0;
                if (r < 0)
                        break;
        }
        /* A file ending inside a continuation: systemd parses what was collected. */
        if (r >= 0 && in_cont && cont.data)
                r = handle_logical_line(&st, cont.data, line);

        sdu_buf_done(&cont);
        free(st.section);
        return r < 0 ? r : 0;
}

int unit_syntax_parse_file(const char *path, const UnitDiagSink *diag, const UnitSyntaxCallbacks *cb) {
        size_t len;
        char *buf;
        int r;

        r = read_full_file(path, &buf, &len);
        if (r < 0)
                return r;
        r = unit_syntax_parse_buffer(path, buf, len, diag, cb);
        free(buf);
        return r;
}
