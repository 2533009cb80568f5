/* The evaluation's JSON pieces and CSV cells, for eval and export
 * (eval_json.h). */
#define _POSIX_C_SOURCE 200809L
#include "eval_json.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "json.h"
#include "present.h"

const char *eval_direction_name(int dir) { return dir > 0 ? "up" : dir < 0 ? "down" : NULL; }
const char *eval_form_name(int form) { return form == EQ_GAP ? "gap" : form == EQ_RATIO ? "ratio" : "group"; }

/* n in decimal digits, without printf (most values are whole). */
static void put_int(Buf *b, int64_t n) {
  char s[24];
  int i = (int)sizeof s;
  uint64_t u = n < 0 ? (uint64_t)0 - (uint64_t)n : (uint64_t)n;
  do s[--i] = (char)('0' + u % 10);
  while (u /= 10);
  if (n < 0) s[--i] = '-';
  buf_add(b, s + i, sizeof s - (size_t)i);
}

/* A whole number below 10^15 is written by put_int, which gives
 * present_num_text's digits. */
void eval_num_text(Buf *b, double v) {
  if (fabs(v) < 1e15 && v == (double)(int64_t)v) {
    put_int(b, (int64_t)v);
    return;
  }
  char s[40];
  present_num_text(v, s);
  buf_puts(b, s);
}

/* ---- JSON ---- */

void eval_json_num(Buf *b, double v) {
  if (isfinite(v)) eval_num_text(b, v);
  else json_put_null(b);
}

void eval_json_tri(Buf *b, Tri t) { buf_puts(b, t == TRI_NULL ? "null" : t == TRI_TRUE ? "true" : "false"); }

void eval_json_list(Buf *b, const char *const *items, int n) {
  if (n < 0) {
    buf_puts(b, "null");
    return;
  }
  buf_putc(b, '[');
  for (int m = 0; m < n; m++) {
    if (m) buf_puts(b, ", ");
    json_str_or_null(b, items[m]);
  }
  buf_putc(b, ']');
}

void eval_json_flags(Buf *b, unsigned flags) {
  Buf words = {0};
  present_flags(&words, flags, ",");
  buf_putc(b, '[');
  const char *s = buf_str(&words);
  for (bool first = true; *s; first = false) {
    size_t n = strcspn(s, ",");
    buf_printf(b, "%s\"%.*s\"", first ? "" : ", ", (int)n, s);
    s += n + (s[n] == ',');
  }
  buf_putc(b, ']');
  buf_free(&words);
}

void eval_json_value_period(Buf *b, bool has, double v, Period per) {
  if (!has) {
    buf_puts(b, "null");
    return;
  }
  char pt[16];
  period_text(per, pt);
  buf_puts(b, "{\"value\": ");
  eval_json_num(b, v);
  buf_puts(b, ", \"period\": ");
  json_str_or_null(b, pt);
  buf_putc(b, '}');
}

void eval_json_equity(Buf *b, const EvalEquity *q, const char *brk) {
  char by[16];
  period_text(q->line->per, by);
  buf_puts(b, "\"dimension\": ");
  json_str_or_null(b, q->line->ref ? q->line->ref->id : NULL);
  buf_puts(b, ", \"form\": ");
  json_str_or_null(b, eval_form_name(q->line->form));
  buf_puts(b, ", \"group\": ");
  json_str_or_null(b, q->line->form == EQ_GROUP ? q->line->str : NULL);
  buf_puts(b, ", \"limit\": ");
  eval_json_num(b, q->line->num);
  buf_puts(b, ", \"by\": ");
  json_str_or_null(b, by);
  buf_puts(b, ", \"period\": ");
  json_str_or_null(b, q->period);
  buf_puts(b, brk);
  buf_puts(b, "\"gap\": ");
  eval_json_num(b, q->gap);
  buf_puts(b, ", \"ratio\": ");
  eval_json_num(b, q->ratio);
  buf_puts(b, ", \"value\": ");
  eval_json_num(b, q->value);
  buf_puts(b, ", \"best_group\": ");
  json_str_or_null(b, q->best);
  buf_puts(b, ", \"worst_group\": ");
  json_str_or_null(b, q->worst);
  buf_puts(b, ", \"missing_groups\": ");
  eval_json_list(b, q->missing, q->nmissing);
  buf_puts(b, ", \"withheld_groups\": ");
  eval_json_list(b, q->withheld, q->nmissing < 0 ? -1 : q->nwithheld);
  buf_puts(b, ", \"met\": ");
  eval_json_tri(b, q->met);
  buf_puts(b, ", \"status\": ");
  json_str_or_null(b, eval_status_name(q->status));
  buf_puts(b, brk);
  buf_puts(b, "\"reference\": ");
  json_str_or_null(b, q->reference);
  buf_puts(b, ", \"previous_period\": ");
  json_str_or_null(b, q->prev_period);
  buf_puts(b, ", \"improved_groups\": ");
  eval_json_list(b, q->improved, q->nimproved);
  buf_puts(b, ", \"worsened_groups\": ");
  eval_json_list(b, q->worsened, q->nworsened);
  buf_puts(b, ", \"reference_change\": ");
  json_str_or_null(b, q->nimproved < 0 || q->reference_change == TREND_NULL ? NULL
                                                                            : eval_trend_name(q->reference_change));
  buf_puts(b, ", \"change\": ");
  json_str_or_null(b, eval_change_name(q->change));
  buf_puts(b, ", \"narrowed_reference_worsened\": ");
  bool known = q->change != EQC_NULL && q->reference_change != TREND_NULL;
  buf_puts(b, !known ? "null" : q->reference_worsened ? "true" : "false");
}

void eval_json_equity_groups(Buf *b, const EvalEquity *q, bool policy, const char *brk) {
  buf_puts(b, brk);
  buf_puts(b, "\"not_shown\": ");
  json_str_or_null(b, policy && q->not_shown ? EVAL_NOT_SHOWN_REASON : NULL);
  buf_puts(b, ", \"groups\": [");
  for (int k = 0; k < q->ncells; k++) {
    const EvalCell *c = &q->cells[k];
    bool withheld = disclose_withheld(c->state);
    buf_puts(b, k ? ", {\"group\": " : "{\"group\": ");
    json_str_or_null(b, c->group);
    buf_puts(b, ", \"value\": ");
    eval_json_num(b, withheld ? NAN : c->value);
    buf_printf(b, ", \"state\": \"%s\", \"reason\": ", withheld ? "withheld" : "shown");
    json_str_or_null(b, withheld ? disclose_public_reason(c->state) : NULL);
    buf_printf(b, ", \"unstable\": %s}", c->unstable ? "true" : "false");
  }
  buf_putc(b, ']');
}

void eval_json_policy(Buf *b, const DisclosurePolicy *dp) {
  buf_puts(b, "\"suppress_below\": ");
  eval_json_num(b, dp->suppress_below > 0 ? dp->suppress_below : NAN);
  buf_puts(b, ", \"unstable_below\": ");
  eval_json_num(b, dp->unstable_below > 0 ? dp->unstable_below : NAN);
  buf_printf(b, ", \"complementary\": %s, \"unknown_counts\": \"%s\"", dp->complementary ? "true" : "false",
             dp->unknown_counts_shown ? "shown" : "withheld");
}

/* ---- CSV cells ---- */

void eval_csv_str(Buf *b, const char *s) { esc_csv_text(b, s); }

void eval_csv_num(Buf *b, double v) {
  if (isfinite(v)) eval_num_text(b, v);
}

void eval_csv_tri(Buf *b, Tri t) {
  if (t != TRI_NULL) buf_puts(b, t == TRI_TRUE ? "true" : "false");
}

void eval_csv_value_period(Buf *b, bool has, double v, Period per) {
  char pt[16] = "";
  if (has) {
    eval_csv_num(b, v);
    period_text(per, pt);
  }
  buf_putc(b, ',');
  eval_csv_str(b, pt);
  buf_putc(b, ',');
}

void eval_csv_equity_line(Buf *b, const EvalIndicator *e, const EvalEquity *q) {
  char by[16];
  period_text(q->line->per, by);
  eval_csv_str(b, e->decl->id);
  buf_putc(b, ',');
  eval_csv_str(b, q->line->ref ? q->line->ref->id : NULL);
  buf_printf(b, ",%s,", eval_form_name(q->line->form));
  eval_csv_str(b, q->line->form == EQ_GROUP ? q->line->str : NULL);
  buf_putc(b, ',');
  eval_csv_str(b, q->reference);
  buf_putc(b, ',');
  eval_csv_num(b, q->line->num);
  buf_putc(b, ',');
  eval_csv_str(b, by);
  buf_putc(b, ',');
  eval_csv_str(b, q->period);
}
