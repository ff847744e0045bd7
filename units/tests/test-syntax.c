/* SPDX-License-Identifier: MIT */
/* Tests of the systemd.syntax(7) reader: comments, continuations, sections, long lines and the
 * inih pitfalls (inline ';', indented lines, ':' separators). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tap.h"
#include "check-text.h"
#include "unit-syntax.h"

typedef struct Out {
        SduBuf events;
        SduBuf diags;
        int unknown_sections;
} Out;

static int on_section(void *userdata, const char *section, const char *file, unsigned line) {
        Out *o = userdata;

        if (strcmp(section, "Bogus") == 0) {
                o->unknown_sections++;
                return 0;
        }
        return 1;
}

static int on_assign(void *userdata, const char *section, const char *key, const char *value, const char *file,
                     unsigned line) {
        Out *o = userdata;
        char *s = sdu_asprintf("%s|%s|%s|%u\n", section, key, value, line);

        sdu_buf_puts(&o->events, s);
        free(s);
        return 0;
}

static void on_diag(const UnitDiag *d, void *userdata) {
        Out *o = userdata;
        char *s = sdu_asprintf("%s:%u:%s:%s\n", d->file, d->line, unit_diag_level_to_string(d->level), d->message);

        sdu_buf_puts(&o->diags, s);
        free(s);
}

static int parse_n(const char *text, size_t len, Out *o) {
        UnitSyntaxCallbacks cb = { .section = on_section, .assign = on_assign, .userdata = o };
        UnitDiagSink sink = { on_diag, o };

        sdu_buf_done(&o->events);
        sdu_buf_done(&o->diags);
        sdu_buf_puts(&o->events, "");
        sdu_buf_puts(&o->diags, "");
        return unit_syntax_parse_buffer("t.service", text, len, &sink, &cb);
}

static int parse(const char *text, Out *o) {
        return parse_n(text, strlen(text), o);
}

int main(void) {
        Out o = {};
        char *big;
        int r;

        /* Basic assignment with whitespace around '=' and the value. */
        CHECK_INT(parse("[Unit]\nDescription = hello world  \n", &o), 0);
        CHECK_TEXT(o.events.data, "Unit|Description|hello world|2\n");
        CHECK_TEXT(o.diags.data, "");

        /* Comments only at line start (after whitespace); inline ';' and '#' are part of values. */
        parse("# c1\n   ; c2\n[Service]\nExecStart=/bin/sh -c \"a ; b\" # not a comment\n", &o);
        CHECK_TEXT(o.events.data, "Service|ExecStart|/bin/sh -c \"a ; b\" # not a comment|4\n");

        /* Continuations: backslash becomes a space, comment lines inside are skipped, leading
         * whitespace of continued lines is kept; the line reported is the last one. */
        parse("[A]\nK=a \\\n# comment inside\n  b\\\n; another\nc\n", &o);
        CHECK_TEXT(o.events.data, "A|K|a    b c|6\n");

        /* An indented line is NOT a continuation (inih would say so). */
        parse("[A]\nK=v\n  L=w\n", &o);
        CHECK_TEXT(o.events.data, "A|K|v|2\nA|L|w|3\n");

        /* ':' is not a separator. */
        parse("[A]\nK: v\n", &o);
        CHECK_TEXT(o.events.data, "");
        CHECK_TEXT(o.diags.data, "t.service:2:warning:Missing '=', ignoring line.\n");

        /* An even number of trailing backslashes does not continue. */
        parse("[A]\nK=a\\\\\nL=b\n", &o);
        CHECK_TEXT(o.events.data, "A|K|a\\\\|2\nA|L|b|3\n");

        /* CRLF and a missing final newline; continuation pending at EOF is still parsed. */
        parse("[A]\r\nK=v\r\nL=x \\\n", &o);
        CHECK_TEXT(o.events.data, "A|K|v|2\nA|L|x|3\n");

        /* Repeated keys are all delivered (accumulation happens per directive). Empty values too. */
        parse("[A]\nK=1\nK=\nK=2\n", &o);
        CHECK_TEXT(o.events.data, "A|K|1|2\nA|K||3\nA|K|2|4\n");

        /* Unknown sections warn once, their keys are skipped silently; X- sections are silent. */
        parse("[Bogus]\nK=v\n[X-Vendor]\nK=v\n[A]\nK=v\n", &o);
        CHECK_TEXT(o.events.data, "A|K|v|6\n");
        CHECK_TEXT(o.diags.data, "t.service:1:warning:Unknown section 'Bogus'. Ignoring.\n");

        /* Assignment before any section. */
        parse("K=v\n[A]\n", &o);
        CHECK_TEXT(o.diags.data, "t.service:1:warning:Assignment outside of section. Ignoring.\n");

        /* Missing key. */
        parse("[A]\n=v\n", &o);
        CHECK_TEXT(o.diags.data, "t.service:2:warning:Missing key name before '=', ignoring line.\n");

        /* A broken section header fails the whole file, as in systemd. */
        r = parse("[A]\nK=v\n[Broken\nL=w\n", &o);
        CHECK_INT(r, -EBADMSG);
        CHECK_TEXT(o.events.data, "A|K|v|2\n");
        CHECK_TEXT(o.diags.data, "t.service:3:error:Invalid section header '[Broken'\n");
        CHECK_INT(parse("[A\"B]\n", &o), -EBADMSG);

        /* Long lines: 200 KiB value survives intact (inih caps at 200 bytes). */
        big = malloc(200 * 1024 + 32);
        strcpy(big, "[A]\nK=");
        memset(big + 6, 'x', 200 * 1024);
        strcpy(big + 6 + 200 * 1024, "\n");
        parse(big, &o);
        CHECK_INT(o.events.len, strlen("A|K||2\n") + 200 * 1024);
        free(big);

        /* Beyond systemd's 1 MiB LONG_LINE_MAX the file fails to load, like systemd. */
        big = malloc(1100 * 1024 + 32);
        strcpy(big, "[A]\nK=");
        memset(big + 6, 'y', 1100 * 1024);
        strcpy(big + 6 + 1100 * 1024, "\n");
        CHECK_INT(parse(big, &o), -ENOBUFS);
        free(big);

        /* A UTF-8 BOM is skipped; invalid UTF-8 lines are ignored with a warning. */
        parse("\xef\xbb\xbf[A]\nK=\xff\nL=ok\n", &o);
        CHECK_TEXT(o.events.data, "A|L|ok|3\n");
        CHECK_TEXT(o.diags.data, "t.service:2:warning:String is not UTF-8 clean, ignoring assignment.\n");

        /* NUL bytes end a line, like systemd's read_line(). */
        parse_n("[A]\nK=a\0L=b\n", 12, &o);
        CHECK_TEXT(o.events.data, "A|K|a|2\nA|L|b|3\n");

        /* Comment-only and empty files. */
        CHECK_INT(parse("", &o), 0);
        CHECK_INT(parse("# only\n", &o), 0);
        CHECK_TEXT(o.events.data, "");

        sdu_buf_done(&o.events);
        sdu_buf_done(&o.diags);
        return tap_done();
}
