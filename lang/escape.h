/* One neutraliser per sink for text charter did not write: file names,
 * titles, units, periods, group names, echoed source lines, store text.
 * docs/security.md ("Text that reaches terminals, logs and files") states
 * the policy; every printer of such text goes through these. Plain
 * printable ASCII always comes out as it went in. */
#ifndef CHARTER_ESCAPE_H
#define CHARTER_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util.h"

/* What terminal text keeps as it is (otherwise shown escaped). */
enum {
  ESC_KEEP_NL = 1,   /* \n: a newline meant as one */
  ESC_KEEP_TAB = 2,  /* \t */
  ESC_KEEP_CRLF = 4, /* \r right before \n (a CRLF line end) */
};

/* Whether cp is a C1 control (U+0080..U+009F) or a bidi control
 * (U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069). */
bool esc_is_hidden(uint32_t cp);

/* Terminal text: appends s[0..n) to b with newline shown as \n, other C0
 * controls, DEL and each byte of invalid UTF-8 as \xHH, C1 and bidi
 * controls as \uHHHH (hex upper-case), except what keep names. */
void esc_term(Buf *b, const char *s, size_t n, unsigned keep);
/* The same for a NUL-terminated string; NULL appends nothing. */
void esc_term_str(Buf *b, const char *s);
/* esc_term_str of s written to out. */
void esc_term_put(FILE *out, const char *s);
/* One character of s[0..n) (n > 0): appends its shown form to b (b NULL:
 * only measures), sets *used to the bytes it took and returns the columns
 * (code points) it shows as. */
size_t esc_term_one(Buf *b, const char *s, size_t n, unsigned keep, size_t *used);

/* A GitHub workflow command's data (property false: % CR LF become %25
 * %0D %0A) or property value (also : and , as %3A %2C); a tab kept, every
 * other control as esc_term, so no raw ESC reaches the log. */
void esc_github(Buf *b, const char *s, bool property);

/* The body of a JSON string: " and \ escaped, \n \r \t, other C0 controls,
 * DEL, C1 and bidi controls as \u00xx / \u202e; each byte of invalid UTF-8
 * becomes U+FFFD, so the output is always valid UTF-8. */
void esc_json(Buf *b, const char *s);

/* XML or HTML text, or an attribute value in double or single quotes:
 * & < > " ' as entities, C0 controls as a space, DEL, C1 and bidi
 * controls dropped (no control reorders or hides the text around it),
 * invalid UTF-8 and noncharacters as U+FFFD, so the output is always
 * well-formed UTF-8 (the report's pages and charts). */
void esc_xml(Buf *b, const char *s, size_t n);
/* The same for a NUL-terminated string; NULL appends nothing. */
void esc_xml_str(Buf *b, const char *s);
/* Markdown text: neutralised as esc_xml (a line end becomes a space, so a
 * table cell stays one), and each character of markup written as \c
 * (slash) or as the character reference &#N; (a PR comment, where a
 * backslash is not enough for @ and :); NULL appends nothing. */
void esc_md(Buf *b, const char *s, const char *markup, bool slash);

/* A CSV text cell (RFC 4180): controls as esc_term except tab, LF and CRLF;
 * a cell beginning with = + - @ tab or CR gets a leading ' (OWASP's advice
 * against formula injection); quoted when it holds , " CR or LF. NULL
 * appends nothing. Numbers charter writes itself are not text cells. */
void esc_csv_text(Buf *b, const char *s);

#endif
