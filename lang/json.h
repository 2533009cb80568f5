/* Writing JSON text into a Buf: strings (escaped the one way charter has
 * always escaped them), numbers and null. The caller says what a NULL
 * string becomes: check's JSON and SARIF write "", eval's JSON writes null. */
#ifndef CHARTER_JSON_H
#define CHARTER_JSON_H

#include "util.h"

/* Appends s as the body of a JSON string (no quotes), as esc_json does:
 * " \ and control characters escaped (\n \r \t, else \u00xx; C1 and bidi
 * controls too), invalid UTF-8 bytes as U+FFFD, everything else as it is. */
void json_escape(Buf *b, const char *s);
/* s as a quoted JSON string; NULL writes "". */
void json_str_or_empty(Buf *b, const char *s);
/* s as a quoted JSON string; NULL writes null. */
void json_str_or_null(Buf *b, const char *s);
/* null. */
void json_put_null(Buf *b);
/* v written by text (which fills a 40-byte buffer, as eval_num_text does);
 * NaN and the infinities, which JSON cannot hold, write null. */
void json_number(Buf *b, double v, void (*text)(double v, char out[40]));

#endif
