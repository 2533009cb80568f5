/* The evaluation's JSON pieces and CSV cells that charter eval and charter
 * export both write, into memory (no I/O): one writer, so the two say the
 * same thing the same way. Each function writes a value or members; the
 * caller writes the layout (object braces, line breaks) around them. */
#ifndef CHARTER_EVAL_JSON_H
#define CHARTER_EVAL_JSON_H

#include <stdbool.h>

#include "eval.h"
#include "util.h"

/* What --no-disclosure says (eval on standard error or in its JSON, the
 * export in its JSON). */
#define EVAL_NO_DISCLOSURE_NOTICE \
  "--no-disclosure: every value is shown, small numbers included; this output is not for publication"
/* The JSON's reason for a measure the disclosure policy withholds. */
#define EVAL_NOT_SHOWN_REASON "small numbers"

const char *eval_direction_name(int dir); /* "up", "down" or NULL */
const char *eval_form_name(int form);     /* "gap", "ratio" or "group" */

/* A number as present_num_text writes it. */
void eval_num_text(Buf *b, double v);

/* ---- JSON ---- */

void eval_json_num(Buf *b, double v); /* a number, or null when not finite */
void eval_json_tri(Buf *b, Tri t);    /* true, false or null */
/* A list of texts as a JSON array, or null when n < 0. */
void eval_json_list(Buf *b, const char *const *items, int n);
/* The flags shown with a value, as a JSON array of words. */
void eval_json_flags(Buf *b, unsigned flags);
/* {"value": V, "period": "P"}, or null when !has. */
void eval_json_value_period(Buf *b, bool has, double v, Period per);
/* An equity line's members from "dimension" to
 * "narrowed_reference_worsened"; brk goes before "gap" and "reference"
 * (", " or a line break and indent). */
void eval_json_equity(Buf *b, const EvalEquity *q, const char *brk);
/* brk "not_shown" (the reason when policy says so, else null) and
 * ", "groups": [...]" with every group's value, state and reason (a
 * withheld value as null). */
void eval_json_equity_groups(Buf *b, const EvalEquity *q, bool policy, const char *brk);
/* The policy's members "suppress_below" to "unknown_counts". */
void eval_json_policy(Buf *b, const DisclosurePolicy *dp);

/* ---- CSV cells ---- */

/* A text cell, neutralised against formula injection (escape.h). */
void eval_csv_str(Buf *b, const char *s);
/* A number cell (nothing when not finite); it stays a number. */
void eval_csv_num(Buf *b, double v);
void eval_csv_tri(Buf *b, Tri t); /* true, false or nothing */
/* "VALUE,PERIOD," or ",," */
void eval_csv_value_period(Buf *b, bool has, double v, Period per);
/* id,dimension,form,group,reference,limit,by,period of an equity line
 * (no comma after). */
void eval_csv_equity_line(Buf *b, const EvalIndicator *e, const EvalEquity *q);

#endif
