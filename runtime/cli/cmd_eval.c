/* charter eval: every indicator against its target, milestones and equity
 * targets, as a table for people or JSON or CSV for machines. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "eval.h"
#include "eval_json.h"
#include "model.h"
#include "json.h"
#include "present.h"
#include "suggest.h"

/* ---- numbers ---- */

static void num_short(Buf *b, double v) {
  char s[48];
  present_num_short(v, s);
  buf_puts(b, s);
}

/* ---- json ---- */

static const char *unit_of(const Decl *d) { return indicator_view(d)->unit; }

static const char *reference_change_name(const EvalEquity *q) {
  return q->nimproved < 0 ? NULL : q->reference_change == TREND_NULL ? NULL : eval_trend_name(q->reference_change);
}

/* One equity line as a JSON object's members and closing brace. */
static void json_equity(Buf *b, const EvalEquity *q, bool has_policy) {
  eval_json_equity(b, q, ",\n        ");
  if (has_policy) eval_json_equity_groups(b, q, true, ",\n        ");
  buf_putc(b, '}');
}

/* The top-level "disclosure" member: the policy and whether it was applied
 * (absent without a policy and without --no-disclosure). */
static void json_disclosure(Buf *b, const EvalResult *r) {
  if (!r->has_policy && !r->disclosure_off) return;
  buf_printf(b, "  \"disclosure\": {\"applied\": %s, \"for_publication\": %s",
             r->disclosure_off ? "false" : "true", r->disclosure_off ? "false" : "true");
  if (r->disclosure_off) {
    buf_puts(b, ", \"notice\": ");
    json_str_or_null(b, EVAL_NO_DISCLOSURE_NOTICE);
  } else {
    buf_puts(b, ", ");
    eval_json_policy(b, &r->policy);
  }
  buf_puts(b, "},\n");
}

static void print_json(Buf *b, const EvalResult *r) {
  char day[11];
  present_day_text(r->as_of, day);
  buf_printf(b, "{\n  \"as_of\": \"%s\",\n", day);
  json_disclosure(b, r);
  buf_puts(b, "  \"indicators\": [");
  for (int i = 0; i < r->n; i++) {
    const EvalIndicator *e = &r->inds[i];
    buf_puts(b, i ? ",\n    {" : "\n    {");
    buf_puts(b, "\"id\": ");
    json_str_or_null(b, e->decl->id);
    buf_puts(b, ", \"title\": ");
    json_str_or_null(b, e->decl->title);
    buf_puts(b, ", \"unit\": ");
    json_str_or_null(b, unit_of(e->decl));
    buf_puts(b, ", \"direction\": ");
    json_str_or_null(b, eval_direction_name(e->dir));
    buf_puts(b, ",\n     \"baseline\": ");
    eval_json_value_period(b, e->has_baseline, e->baseline, e->baseline_per);
    buf_puts(b, ", \"target\": ");
    eval_json_value_period(b, e->has_target, e->target, e->target_per);
    buf_puts(b, ", \"latest\": ");
    if (e->has_latest) {
      buf_puts(b, "{\"value\": ");
      eval_json_num(b, e->latest);
      buf_puts(b, ", \"period\": ");
      json_str_or_null(b, e->latest_period);
      buf_puts(b, ", \"flags\": ");
      eval_json_flags(b, e->latest_flags);
      if (r->has_policy && !r->disclosure_off) {
        bool withheld = disclose_withheld(e->latest_state);
        buf_printf(b, ", \"state\": \"%s\", \"reason\": ", withheld ? "withheld" : "shown");
        json_str_or_null(b, withheld ? disclose_public_reason(e->latest_state) : NULL);
      }
      buf_putc(b, '}');
    } else
      buf_puts(b, "null");
    buf_puts(b, ", \"withheld\": ");
    json_str_or_null(b, e->withheld);
    buf_puts(b, ",\n     \"progress\": ");
    eval_json_num(b, e->progress);
    buf_puts(b, ", \"variance\": ");
    eval_json_num(b, e->variance);
    buf_puts(b, ", \"status\": ");
    json_str_or_null(b, eval_status_name(e->status));
    buf_puts(b, ", \"stale\": ");
    eval_json_tri(b, e->stale);
    buf_puts(b, ", \"projected\": ");
    eval_json_num(b, e->projected);
    buf_puts(b, ", \"projected_clamped\": ");
    buf_puts(b, e->projected_clamped ? "true" : "false");
    buf_puts(b, ", \"projected_met\": ");
    eval_json_tri(b, e->projected_met);
    buf_puts(b, ", \"trend\": ");
    json_str_or_null(b, eval_trend_name(e->trend));
    buf_puts(b, ", \"break\": ");
    json_str_or_null(b, e->break_period);
    const IndicatorView *v = indicator_view(e->decl);
    buf_puts(b, ",\n     \"benchmarks\": [");
    for (int k = 0; k < v->nbenchmarks; k++) {
      if (k) buf_puts(b, ", ");
      eval_json_num(b, v->benchmarks[k].num);
    }
    buf_puts(b, "], \"compares\": [");
    for (int k = 0; k < v->ncompares; k++) {
      buf_puts(b, k ? ", {\"value\": " : "{\"value\": ");
      eval_json_num(b, v->compares[k].num);
      buf_puts(b, ", \"label\": ");
      json_str_or_null(b, v->compares[k].str);
      buf_putc(b, '}');
    }
    buf_puts(b, "],\n     \"equity\": [");
    for (int k = 0; k < e->nequity; k++) {
      buf_puts(b, k ? ",\n       {" : "\n       {");
      json_equity(b, &e->equity[k], r->has_policy && !r->disclosure_off);
    }
    buf_puts(b, e->nequity ? "\n     ]}" : "]}");
  }
  buf_puts(b, r->n ? "\n  ],\n  \"summary\": {" : "],\n  \"summary\": {");
  for (int s = 0; s < EV_NOT_MET; s++) buf_printf(b, "%s\"%s\": %d", s ? ", " : "", eval_status_name(s), r->counts[s]);
  buf_puts(b, "}\n}\n");
}

/* ---- csv ---- */

/* Texts joined by ';' in one cell (nothing when n <= 0). */
static void clist(Buf *b, const char *const *items, int n) {
  Buf joined = {0};
  for (int m = 0; m < n; m++) buf_printf(&joined, "%s%s", m ? ";" : "", items[m]);
  eval_csv_str(b, buf_str(&joined));
  buf_free(&joined);
}

/* The benchmarks (60;75) and the compares (national rate=33;state=41). */
static void cbenchmarks(Buf *b, const IndicatorView *v) {
  Buf t = {0};
  char num[40];
  for (int k = 0; k < v->nbenchmarks; k++) {
    present_num_text(v->benchmarks[k].num, num);
    buf_printf(&t, "%s%s", k ? ";" : "", num);
  }
  eval_csv_str(b, buf_str(&t));
  buf_putc(b, ',');
  t.len = 0;
  if (t.data) t.data[0] = '\0';
  for (int k = 0; k < v->ncompares; k++) {
    present_num_text(v->compares[k].num, num);
    buf_printf(&t, "%s%s=%s", k ? ";" : "", v->compares[k].str ? v->compares[k].str : "", num);
  }
  eval_csv_str(b, buf_str(&t));
  buf_free(&t);
}

/* --equity: one row per equity line, in the order of eval's json. */
static void print_csv_equity(Buf *b, const EvalResult *r) {
  buf_puts(b, "id,dimension,form,group,reference,limit,by,period,gap,ratio,value,best_group,worst_group,"
              "missing_groups,withheld_groups,met,status,previous_period,improved_groups,worsened_groups,"
              "reference_change,change,narrowed_reference_worsened\r\n");
  for (int i = 0; i < r->n; i++) {
    const EvalIndicator *e = &r->inds[i];
    for (int k = 0; k < e->nequity; k++) {
      const EvalEquity *q = &e->equity[k];
      eval_csv_equity_line(b, e, q);
      buf_putc(b, ',');
      /* a measure the policy withholds says so in its own column */
      if (q->not_shown && q->line->form == EQ_GAP) buf_puts(b, DISCLOSE_NOT_SHOWN);
      else eval_csv_num(b, q->gap);
      buf_putc(b, ',');
      if (q->not_shown && q->line->form == EQ_RATIO) buf_puts(b, DISCLOSE_NOT_SHOWN);
      else eval_csv_num(b, q->ratio);
      buf_putc(b, ',');
      if (q->not_shown && q->line->form == EQ_GROUP) buf_puts(b, DISCLOSE_NOT_SHOWN);
      else eval_csv_num(b, q->value);
      buf_putc(b, ',');
      eval_csv_str(b, q->best);
      buf_putc(b, ',');
      eval_csv_str(b, q->worst);
      buf_putc(b, ',');
      clist(b, q->missing, q->nmissing);
      buf_putc(b, ',');
      clist(b, q->withheld, q->nwithheld);
      buf_putc(b, ',');
      eval_csv_tri(b, q->met);
      buf_printf(b, ",%s,", eval_status_name(q->status));
      eval_csv_str(b, q->prev_period);
      buf_putc(b, ',');
      clist(b, q->improved, q->nimproved);
      buf_putc(b, ',');
      clist(b, q->worsened, q->nworsened);
      buf_putc(b, ',');
      eval_csv_str(b, reference_change_name(q));
      buf_putc(b, ',');
      eval_csv_str(b, eval_change_name(q->change));
      buf_putc(b, ',');
      if (q->change != EQC_NULL && q->reference_change != TREND_NULL) buf_puts(b, q->reference_worsened ? "true" : "false");
      buf_puts(b, "\r\n");
    }
  }
}

static void print_csv(Buf *b, const EvalResult *r) {
  buf_puts(b, "id,title,unit,direction,baseline,baseline_period,target,target_period,latest,latest_period,"
              "progress,variance,status,stale,projected,projected_met,trend,"
              "latest_flags,withheld,projected_clamped,break,benchmarks,compares\r\n");
  for (int i = 0; i < r->n; i++) {
    const EvalIndicator *e = &r->inds[i];
    eval_csv_str(b, e->decl->id);
    buf_putc(b, ',');
    eval_csv_str(b, e->decl->title);
    buf_putc(b, ',');
    eval_csv_str(b, unit_of(e->decl));
    buf_putc(b, ',');
    eval_csv_str(b, eval_direction_name(e->dir));
    buf_putc(b, ',');
    eval_csv_value_period(b, e->has_baseline, e->baseline, e->baseline_per);
    eval_csv_value_period(b, e->has_target, e->target, e->target_per);
    if (e->has_latest) {
      if (disclose_withheld(e->latest_state)) buf_puts(b, PRESENT_WITHHELD);
      else eval_csv_num(b, e->latest);
      buf_putc(b, ',');
      eval_csv_str(b, e->latest_period);
    } else
      buf_putc(b, ',');
    buf_putc(b, ',');
    eval_csv_num(b, e->progress);
    buf_putc(b, ',');
    eval_csv_num(b, e->variance);
    buf_printf(b, ",%s,", eval_status_name(e->status));
    eval_csv_tri(b, e->stale);
    buf_putc(b, ',');
    eval_csv_num(b, e->projected);
    buf_putc(b, ',');
    eval_csv_tri(b, e->projected_met);
    buf_putc(b, ',');
    eval_csv_str(b, eval_trend_name(e->trend));
    buf_putc(b, ',');
    Buf flags = {0};
    present_flags(&flags, e->latest_flags, ";");
    eval_csv_str(b, buf_str(&flags));
    buf_free(&flags);
    buf_putc(b, ',');
    eval_csv_str(b, e->withheld);
    buf_puts(b, e->projected_clamped ? ",true," : ",false,");
    eval_csv_str(b, e->break_period);
    buf_putc(b, ',');
    cbenchmarks(b, indicator_view(e->decl));
    buf_puts(b, "\r\n");
  }
}

/* ---- the table ---- */

typedef struct Table {
  int ncols;
  Vec cells; /* char *, row by row */
} Table;

static void cell(Table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cell(Table *t, const char *fmt, ...) {
  Buf b = {0};
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(&b, fmt, ap);
  va_end(ap);
  /* terminal text (escape.h): a line end, tab or escape sequence inside a
   * title, period or group would break the columns or the terminal */
  Buf shown = {0};
  esc_term(&shown, buf_str(&b), b.len, 0);
  buf_free(&b);
  vec_push(&t->cells, shown.data ? shown.data : xstrdup(""));
}

static const char *status_color(const char *word) {
  if (!strcmp(word, "met") || !strcmp(word, "on_track")) return "\033[32m";
  if (!strcmp(word, "missed") || !strcmp(word, "off_track") || !strcmp(word, "not_met")) return "\033[31m";
  if (!strcmp(word, "no_data") || !strcmp(word, "at_baseline")) return "\033[33m"; /* nothing measured yet */
  return NULL;
}

/* Prints t aligned; column status_col's words are coloured when asked. */
static void table_print(Buf *b, Table *t, int status_col, bool color) {
  int nrows = t->cells.len / t->ncols;
  size_t *w = xcalloc((size_t)t->ncols, sizeof *w);
  for (int i = 0; i < t->cells.len; i++) {
    const char *s = t->cells.items[i];
    size_t n = utf8_count(s, strlen(s));
    if (n > w[i % t->ncols]) w[i % t->ncols] = n;
  }
  for (int r = 0; r < nrows; r++) {
    Buf line = {0};
    for (int c = 0; c < t->ncols; c++) {
      const char *s = t->cells.items[r * t->ncols + c];
      size_t n = utf8_count(s, strlen(s));
      /* the status word is coloured, not what follows it ("(stale)") */
      size_t word = strcspn(s, " ");
      char first[16] = "";
      if (word < sizeof first) memcpy(first, s, word), first[word] = '\0';
      const char *col = color && r > 0 && c == status_col ? status_color(first) : NULL;
      if (col) buf_printf(&line, "%s%.*s\033[0m%s", col, (int)word, s, s + word);
      else buf_puts(&line, s);
      if (c + 1 < t->ncols)
        for (size_t k = n; k < w[c] + 2; k++) buf_putc(&line, ' ');
    }
    while (line.len && line.data[line.len - 1] == ' ') line.data[--line.len] = '\0';
    buf_printf(b, "%s\n", buf_str(&line));
    buf_free(&line);
  }
  for (int i = 0; i < t->cells.len; i++) free(t->cells.items[i]);
  vec_free(&t->cells);
  free(w);
}

static void buf_clear(Buf *b) {
  b->len = 0;
  if (b->data) b->data[0] = '\0';
}

/* The equity table's rows of one indicator. */
static void equity_rows(Table *q, const EvalIndicator *e, bool has_policy) {
  for (int k = 0; k < e->nequity; k++) {
    const EvalEquity *x = &e->equity[k];
    char by[16];
    Buf s = {0};
    period_text(x->line->per, by);
    cell(q, "%s", k ? "" : e->decl->id);
    if (x->line->form == EQ_GROUP) {
      buf_printf(&s, "%s \"%s\" ", x->line->ref->id, x->line->str);
      present_num_unit(&s, x->line->num, unit_of(e->decl));
    } else {
      buf_printf(&s, "%s %s <= ", x->line->ref->id, eval_form_name(x->line->form));
      num_short(&s, x->line->num);
      if (x->reference) buf_printf(&s, " to \"%s\"", x->reference);
    }
    buf_printf(&s, " by %s", by);
    cell(q, "%s", buf_str(&s));
    cell(q, "%s", eval_status_name(x->status));
    cell(q, "%s", x->period ? x->period : "");
    buf_clear(&s);
    if (x->not_shown) buf_puts(&s, DISCLOSE_NOT_SHOWN);
    else if (x->line->form == EQ_GROUP && isfinite(x->value)) present_num_unit(&s, x->value, unit_of(e->decl));
    else if (x->line->form == EQ_GAP && isfinite(x->gap)) buf_puts(&s, "gap "), num_short(&s, x->gap);
    else if (x->line->form == EQ_RATIO && isfinite(x->ratio)) buf_puts(&s, "ratio "), num_short(&s, x->ratio);
    else if (x->line->form == EQ_RATIO && x->best) buf_puts(&s, "no ratio (a group at or below 0)");
    if (x->reference && x->worst)
      buf_printf(&s, "%sworst %s against %s", s.len ? "; " : "", x->worst, x->reference);
    else if (x->best && x->worst)
      buf_printf(&s, "%sbest %s, worst %s", s.len ? "; " : "", x->best, x->worst);
    if (x->change != EQC_NULL)
      buf_printf(&s, "; %s%s since %s", eval_change_name(x->change), x->reference_worsened ? ": reference worsened" : "",
                 x->prev_period);
    if (x->nimproved > 0) {
      buf_puts(&s, "; improved ");
      for (int m = 0; m < x->nimproved; m++) buf_printf(&s, "%s%s", m ? ", " : "", x->improved[m]);
    }
    if (x->nworsened > 0) {
      buf_puts(&s, "; worsened ");
      for (int m = 0; m < x->nworsened; m++) buf_printf(&s, "%s%s", m ? ", " : "", x->worsened[m]);
    }
    if (has_policy && x->ncells > 0) {
      /* every group at the snapshot, withheld ones as such */
      buf_printf(&s, "%sgroups ", s.len ? "; " : "");
      for (int m = 0; m < x->ncells; m++) {
        buf_printf(&s, "%s%s ", m ? ", " : "", x->cells[m].group);
        present_cell(&s, &x->cells[m], unit_of(e->decl));
      }
    } else if (x->nwithheld > 0) {
      buf_printf(&s, "%ssuppressed for ", s.len ? "; " : "");
      for (int m = 0; m < x->nwithheld; m++) buf_printf(&s, "%s%s", m ? ", " : "", x->withheld[m]);
    }
    if (x->nmissing > 0) {
      buf_printf(&s, "%sno data for ", s.len ? "; " : "");
      for (int m = 0; m < x->nmissing; m++) buf_printf(&s, "%s%s", m ? ", " : "", x->missing[m]);
    }
    if (x->nmissing < 0) buf_puts(&s, "no data");
    cell(q, "%s", buf_str(&s));
    buf_free(&s);
  }
}

static void print_table(Buf *b, const EvalResult *r, bool color) {
  char day[11];
  present_day_text(r->as_of, day);
  buf_printf(b, "as of %s\n\n", day);
  /* the benchmarks' column, beside the status, only when some indicator has one */
  bool compared = false;
  for (int i = 0; i < r->n; i++) {
    const IndicatorView *v = indicator_view(r->inds[i].decl);
    compared |= v->nbenchmarks > 0 || v->ncompares > 0;
  }
  Table t = {.ncols = compared ? 8 : 7};
  const char *head[] = {"indicator", "status", "compared", "latest", "target", "progress", "trend", "projected"};
  for (int c = 0; c < 8; c++)
    if (c != 2 || compared) cell(&t, "%s", head[c]);
  int nequity = 0;
  for (int i = 0; i < r->n; i++) {
    const EvalIndicator *e = &r->inds[i];
    const IndicatorView *v = indicator_view(e->decl);
    const char *unit = unit_of(e->decl);
    Buf s = {0};
    nequity += e->nequity;
    cell(&t, "%s", e->decl->id);
    cell(&t, "%s%s", eval_status_name(e->status), e->stale == TRI_TRUE ? " (stale)" : "");
    if (compared) {
      for (int k = 0; k < v->nbenchmarks; k++) {
        buf_puts(&s, k ? "; benchmark " : "benchmark ");
        present_num_unit(&s, v->benchmarks[k].num, unit);
      }
      for (int k = 0; k < v->ncompares; k++) {
        buf_printf(&s, "%s%s ", s.len ? "; " : "", v->compares[k].str ? v->compares[k].str : "");
        present_num_unit(&s, v->compares[k].num, unit);
      }
      cell(&t, "%s", buf_str(&s));
      buf_clear(&s);
    }
    present_latest(&s, e, unit);
    cell(&t, "%s", buf_str(&s));
    buf_clear(&s);
    if (e->has_target) {
      char pt[16];
      period_text(e->target_per, pt);
      present_num_unit(&s, e->target, unit);
      buf_printf(&s, " by %s", pt);
    }
    cell(&t, "%s", buf_str(&s));
    buf_clear(&s);
    if (isfinite(e->progress)) {
      num_short(&s, e->progress * 100);
      buf_putc(&s, '%');
    }
    cell(&t, "%s", buf_str(&s));
    buf_clear(&s);
    if (e->trend) buf_puts(&s, eval_trend_name(e->trend));
    if (e->break_period && (e->trend || isfinite(e->projected)))
      buf_printf(&s, "%ssince %s break", s.len ? " " : "", e->break_period);
    cell(&t, "%s", buf_str(&s));
    buf_clear(&s);
    if (isfinite(e->projected)) {
      present_num_unit(&s, e->projected, unit);
      buf_puts(&s, e->projected_clamped ? " (clamped, " : " (");
      buf_puts(&s, e->projected_met == TRI_TRUE ? "meets)" : "falls short)");
    }
    cell(&t, "%s", buf_str(&s));
    buf_free(&s);
  }
  table_print(b, &t, 1, color);
  if (nequity) {
    buf_puts(b, "\nequity\n\n");
    Table q = {.ncols = 5};
    const char *qhead[] = {"indicator", "target", "status", "in", "measured"};
    for (int c = 0; c < 5; c++) cell(&q, "%s", qhead[c]);
    for (int i = 0; i < r->n; i++) {
      const EvalIndicator *e = &r->inds[i];
      equity_rows(&q, e, r->has_policy && !r->disclosure_off);
    }
    table_print(b, &q, 2, color);
  }
  buf_printf(b, "\n%d indicator%s:", r->n, r->n == 1 ? "" : "s");
  bool first = true;
  for (int s = 0; s < EV_NOT_MET; s++) {
    if (!r->counts[s]) continue;
    buf_printf(b, "%s %d %s", first ? "" : ",", r->counts[s], eval_status_name(s));
    first = false;
  }
  buf_puts(b, first ? " none\n" : "\n");
}

/* ---- the command ---- */

/* Parses --fail-on's list into want[]; 0 or a usage error's status. The
 * names are the indicators' statuses and not_met; each names equity lines'
 * statuses as well. */
static int parse_fail_on(const char *list, bool want[EV_STATUS_COUNT]) {
  const char *s = list;
  for (;;) {
    size_t n = strcspn(s, ",");
    int st = eval_status_from_name(s, n);
    if (st < 0) {
      char *word = xmalloc(n + 1);
      memcpy(word, s, n);
      word[n] = '\0';
      const char *names[EV_STATUS_COUNT];
      for (int i = 0; i < EV_STATUS_COUNT; i++) names[i] = eval_status_name(i);
      const char *best = suggest_best(word, names, EV_STATUS_COUNT);
      int rc = n == 0 ? usage_error("eval", "--fail-on has an empty status: list statuses separated by commas, as in --fail-on missed,off_track")
               : best ? usage_error("eval", "--fail-on: unknown status '%s'; did you mean '%s'?", word, best)
                      : usage_error("eval", "--fail-on: unknown status '%s': the statuses are no_target, no_data, met, missed, on_track, off_track, at_baseline and not_met", word);
      free(word);
      return rc;
    }
    want[st] = true;
    if (!s[n]) return EXIT_OK;
    s += n + 1;
  }
}

int cmd_eval(int argc, char **argv) {
  static const struct option opts[] = {
      {"db", required_argument, NULL, 'd'},
      {"as-of", required_argument, NULL, 'a'},
      {"format", required_argument, NULL, 'f'},
      {"fail-on", required_argument, NULL, 'F'},
      {"root", required_argument, NULL, 'R'},
      {"equity", no_argument, NULL, 'E'},
      {"no-disclosure", no_argument, NULL, 'N'},
      {NULL, 0, NULL, 0},
  };
  bool equity = false, no_disclosure = false;
  const char *dbpath = NULL, *as_of_text = NULL, *format = "table";
  bool fail_on[EV_STATUS_COUNT] = {0};
  LoadOptions lo = {getenv("CHARTER_PATH"), NULL};
  optind = 1;
  opterr = 0;
  int ch, rc;
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 'd': dbpath = optarg; break;
    case 'E': equity = true; break;
    case 'N': no_disclosure = true; break;
    case 'a': as_of_text = optarg; break;
    case 'f': format = optarg; break;
    case 'F':
      if ((rc = parse_fail_on(optarg, fail_on)) != EXIT_OK) return rc;
      break;
    case 'R':
      if ((rc = root_option("eval", optarg, &lo)) != EXIT_OK) return rc;
      break;
    default: return option_error("eval", ch, argv);
    }
  }
  if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "csv"))
    return usage_error("eval", "unknown format '%s': use table, json or csv", format);
  if (equity && strcmp(format, "csv"))
    return usage_error("eval", "--equity is for --format csv (table and json have the equity lines already): add --format csv");
  dbpath = store_default(dbpath);
  if (!dbpath) return usage_error("eval", "eval needs --db, the database charter import filled, as in --db coalition.db");
  int32_t as_of;
  int bad = parse_as_of("eval", as_of_text, &as_of);
  if (bad) return bad;
  if (optind >= argc)
    return usage_error("eval", "which program? Give the entry file, as in: charter eval --db coalition.db coalition.charter");
  if (argc - optind > 1) return usage_error("eval", "eval takes one entry file; imported files are read with it");

  Program *p = program_load(argv[optind], &lo);
  EvalResult r = {0};
  Buf out = {0};
  int status = program_refused(p, "evaluated");
  if (status != EXIT_OK) goto cleanup;
  char err[1024];
  if (!eval_open_and_run_disclosure(p, dbpath, as_of, no_disclosure, &r, err, sizeof err)) {
    fputs("charter: ", stderr);
    esc_term_put(stderr, err);
    fputc('\n', stderr);
    status = r.corrupt ? EXIT_FINDINGS : EXIT_USAGE;
    goto cleanup;
  }
  eval_warn_network(stderr, &r);
  /* table and csv say it on standard error, json in its "disclosure" member */
  if (no_disclosure && strcmp(format, "json")) fprintf(stderr, "charter: %s\n", EVAL_NO_DISCLOSURE_NOTICE);
  if (!strcmp(format, "json")) print_json(&out, &r);
  else if (!strcmp(format, "csv")) {
    if (equity) print_csv_equity(&out, &r);
    else print_csv(&out, &r);
  }
  else print_table(&out, &r, color_wanted_on("auto", STDOUT_FILENO));
  if (fwrite(buf_str(&out), 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
    fprintf(stderr, "charter: cannot write to standard output: %s\n", strerror(errno));
    status = EXIT_USAGE;
    goto cleanup;
  }
  for (int i = 0; i < r.n; i++) {
    if (fail_on[r.inds[i].status]) status = EXIT_FINDINGS;
    for (int k = 0; k < r.inds[i].nequity; k++)
      if (fail_on[r.inds[i].equity[k].status]) status = EXIT_FINDINGS;
  }
cleanup:
  buf_free(&out);
  eval_free(&r);
  program_free(p);
  return status;
}
