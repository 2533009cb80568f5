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
#include "model.h"
#include "json.h"
#include "present.h"
#include "suggest.h"

/* ---- numbers ---- */

static void num_exact(Buf *b, double v) {
  char s[40];
  present_num_text(v, s);
  buf_puts(b, s);
}

static void num_short(Buf *b, double v) {
  char s[48];
  present_num_short(v, s);
  buf_puts(b, s);
}

/* ---- json ---- */

static void jtri(Buf *b, Tri t) { buf_puts(b, t == TRI_NULL ? "null" : t == TRI_TRUE ? "true" : "false"); }

static void jvalue_period(Buf *b, bool has, double v, Period per) {
  if (!has) {
    buf_puts(b, "null");
    return;
  }
  char pt[16];
  period_text(per, pt);
  buf_puts(b, "{\"value\": ");
  json_number(b, v, present_num_text);
  buf_puts(b, ", \"period\": ");
  json_str_or_null(b, pt);
  buf_putc(b, '}');
}

static const char *direction_name(int dir) { return dir > 0 ? "up" : dir < 0 ? "down" : NULL; }
static const char *form_name(int form) { return form == EQ_GAP ? "gap" : form == EQ_RATIO ? "ratio" : "group"; }

static const char *unit_of(const Decl *d) { return indicator_view(d)->unit; }

/* One equity line as a JSON object's members and closing brace. */
static void json_equity(Buf *b, const EvalEquity *q) {
  char by[16];
  period_text(q->line->per, by);
  buf_puts(b, "\"dimension\": ");
  json_str_or_null(b, q->line->ref->id);
  buf_puts(b, ", \"form\": ");
  json_str_or_null(b, form_name(q->line->form));
  buf_puts(b, ", \"group\": ");
  json_str_or_null(b, q->line->form == EQ_GROUP ? q->line->str : NULL);
  buf_puts(b, ", \"limit\": ");
  json_number(b, q->line->num, present_num_text);
  buf_puts(b, ", \"by\": ");
  json_str_or_null(b, by);
  buf_puts(b, ", \"period\": ");
  json_str_or_null(b, q->period);
  buf_puts(b, ",\n        \"gap\": ");
  json_number(b, q->gap, present_num_text);
  buf_puts(b, ", \"ratio\": ");
  json_number(b, q->ratio, present_num_text);
  buf_puts(b, ", \"value\": ");
  json_number(b, q->value, present_num_text);
  buf_puts(b, ", \"best_group\": ");
  json_str_or_null(b, q->best);
  buf_puts(b, ", \"worst_group\": ");
  json_str_or_null(b, q->worst);
  buf_puts(b, ", \"missing_groups\": ");
  if (q->nmissing < 0)
    buf_puts(b, "null");
  else {
    buf_putc(b, '[');
    for (int m = 0; m < q->nmissing; m++) {
      if (m) buf_puts(b, ", ");
      json_str_or_null(b, q->missing[m]);
    }
    buf_putc(b, ']');
  }
  buf_puts(b, ", \"met\": ");
  jtri(b, q->met);
  buf_puts(b, ", \"status\": ");
  json_str_or_null(b, eval_status_name(q->status));
  buf_putc(b, '}');
}

static void print_json(Buf *b, const EvalResult *r) {
  char day[11];
  present_day_text(r->as_of, day);
  buf_printf(b, "{\n  \"as_of\": \"%s\",\n  \"indicators\": [", day);
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
    json_str_or_null(b, direction_name(e->dir));
    buf_puts(b, ",\n     \"baseline\": ");
    jvalue_period(b, e->has_baseline, e->baseline, e->baseline_per);
    buf_puts(b, ", \"target\": ");
    jvalue_period(b, e->has_target, e->target, e->target_per);
    buf_puts(b, ", \"latest\": ");
    if (e->has_latest) {
      buf_puts(b, "{\"value\": ");
      json_number(b, e->latest, present_num_text);
      buf_puts(b, ", \"period\": ");
      json_str_or_null(b, e->latest_period);
      buf_putc(b, '}');
    } else
      buf_puts(b, "null");
    buf_puts(b, ",\n     \"progress\": ");
    json_number(b, e->progress, present_num_text);
    buf_puts(b, ", \"variance\": ");
    json_number(b, e->variance, present_num_text);
    buf_puts(b, ", \"status\": ");
    json_str_or_null(b, eval_status_name(e->status));
    buf_puts(b, ", \"stale\": ");
    jtri(b, e->stale);
    buf_puts(b, ", \"projected\": ");
    json_number(b, e->projected, present_num_text);
    buf_puts(b, ", \"projected_met\": ");
    jtri(b, e->projected_met);
    buf_puts(b, ", \"trend\": ");
    json_str_or_null(b, eval_trend_name(e->trend));
    buf_puts(b, ",\n     \"equity\": [");
    for (int k = 0; k < e->nequity; k++) {
      buf_puts(b, k ? ",\n       {" : "\n       {");
      json_equity(b, &e->equity[k]);
    }
    buf_puts(b, e->nequity ? "\n     ]}" : "]}");
  }
  buf_puts(b, r->n ? "\n  ],\n  \"summary\": {" : "],\n  \"summary\": {");
  for (int s = 0; s < EV_NOT_MET; s++) buf_printf(b, "%s\"%s\": %d", s ? ", " : "", eval_status_name(s), r->counts[s]);
  buf_puts(b, "}\n}\n");
}

/* ---- csv ---- */

/* A text cell: neutralised against formula injection (escape.h); numbers
 * are written by cnum and stay numbers, a negative one included. */
static void cstr(Buf *b, const char *s) { esc_csv_text(b, s); }

static void cnum(Buf *b, double v) {
  if (isfinite(v)) num_exact(b, v);
}

static void ctri(Buf *b, Tri t) {
  if (t != TRI_NULL) buf_puts(b, t == TRI_TRUE ? "true" : "false");
}

/* "VALUE,PERIOD," or ",," */
static void cvalue_period(Buf *b, bool has, double v, Period per) {
  char pt[16] = "";
  if (has) {
    cnum(b, v);
    period_text(per, pt);
  }
  buf_putc(b, ',');
  cstr(b, pt);
  buf_putc(b, ',');
}

static void print_csv(Buf *b, const EvalResult *r) {
  buf_puts(b, "id,title,unit,direction,baseline,baseline_period,target,target_period,latest,latest_period,"
              "progress,variance,status,stale,projected,projected_met,trend\r\n");
  for (int i = 0; i < r->n; i++) {
    const EvalIndicator *e = &r->inds[i];
    cstr(b, e->decl->id);
    buf_putc(b, ',');
    cstr(b, e->decl->title);
    buf_putc(b, ',');
    cstr(b, unit_of(e->decl));
    buf_putc(b, ',');
    cstr(b, direction_name(e->dir));
    buf_putc(b, ',');
    cvalue_period(b, e->has_baseline, e->baseline, e->baseline_per);
    cvalue_period(b, e->has_target, e->target, e->target_per);
    if (e->has_latest) {
      cnum(b, e->latest);
      buf_putc(b, ',');
      cstr(b, e->latest_period);
    } else
      buf_putc(b, ',');
    buf_putc(b, ',');
    cnum(b, e->progress);
    buf_putc(b, ',');
    cnum(b, e->variance);
    buf_printf(b, ",%s,", eval_status_name(e->status));
    ctri(b, e->stale);
    buf_putc(b, ',');
    cnum(b, e->projected);
    buf_putc(b, ',');
    ctri(b, e->projected_met);
    buf_putc(b, ',');
    cstr(b, eval_trend_name(e->trend));
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
  if (!strcmp(word, "no_data")) return "\033[33m";
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
static void equity_rows(Table *q, const EvalIndicator *e) {
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
      buf_printf(&s, "%s %s <= ", x->line->ref->id, form_name(x->line->form));
      num_short(&s, x->line->num);
    }
    buf_printf(&s, " by %s", by);
    cell(q, "%s", buf_str(&s));
    cell(q, "%s", eval_status_name(x->status));
    cell(q, "%s", x->period ? x->period : "");
    buf_clear(&s);
    if (x->line->form == EQ_GROUP && isfinite(x->value)) present_num_unit(&s, x->value, unit_of(e->decl));
    else if (x->line->form == EQ_GAP && isfinite(x->gap)) buf_puts(&s, "gap "), num_short(&s, x->gap);
    else if (x->line->form == EQ_RATIO && isfinite(x->ratio)) buf_puts(&s, "ratio "), num_short(&s, x->ratio);
    else if (x->line->form == EQ_RATIO && x->best) buf_puts(&s, "no ratio (a group at or below 0)");
    if (x->best && x->worst) buf_printf(&s, "%sbest %s, worst %s", s.len ? "; " : "", x->best, x->worst);
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
  Table t = {.ncols = 7};
  const char *head[] = {"indicator", "status", "latest", "target", "progress", "trend", "projected"};
  for (int c = 0; c < 7; c++) cell(&t, "%s", head[c]);
  int nequity = 0;
  for (int i = 0; i < r->n; i++) {
    const EvalIndicator *e = &r->inds[i];
    const char *unit = unit_of(e->decl);
    Buf s = {0};
    nequity += e->nequity;
    cell(&t, "%s", e->decl->id);
    cell(&t, "%s%s", eval_status_name(e->status), e->stale == TRI_TRUE ? " (stale)" : "");
    if (e->has_latest) {
      present_num_unit(&s, e->latest, unit);
      buf_printf(&s, " in %s", e->latest_period);
    }
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
    cell(&t, "%s", e->trend ? eval_trend_name(e->trend) : "");
    buf_clear(&s);
    if (isfinite(e->projected)) {
      present_num_unit(&s, e->projected, unit);
      buf_puts(&s, e->projected_met == TRI_TRUE ? " (meets)" : " (falls short)");
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
      equity_rows(&q, e);
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

/* Parses --fail-on's list into want[]; 0 or a usage error's status. */
static int parse_fail_on(const char *list, bool want[EV_STATUS_COUNT]) {
  const char *s = list;
  for (;;) {
    size_t n = strcspn(s, ",");
    int st = eval_status_from_name(s, n);
    if (st < 0 || st == EV_NOT_MET) {
      char *word = xmalloc(n + 1);
      memcpy(word, s, n);
      word[n] = '\0';
      const char *names[EV_NOT_MET];
      for (int i = 0; i < EV_NOT_MET; i++) names[i] = eval_status_name(i);
      const char *best = suggest_best(word, names, EV_NOT_MET);
      int rc = n == 0 ? usage_error("eval", "--fail-on has an empty status: list statuses separated by commas, as in --fail-on missed,off_track")
               : best ? usage_error("eval", "--fail-on: unknown status '%s'; did you mean '%s'?", word, best)
                      : usage_error("eval", "--fail-on: unknown status '%s': the statuses are no_target, no_data, met, missed, on_track and off_track", word);
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
      {NULL, 0, NULL, 0},
  };
  const char *dbpath = NULL, *as_of_text = NULL, *format = "table";
  bool fail_on[EV_STATUS_COUNT] = {0};
  LoadOptions lo = {getenv("CHARTER_PATH"), NULL};
  optind = 1;
  opterr = 0;
  int ch, rc;
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 'd': dbpath = optarg; break;
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
  if (!eval_open_and_run(p, dbpath, as_of, &r, err, sizeof err)) {
    fputs("charter: ", stderr);
    esc_term_put(stderr, err);
    fputc('\n', stderr);
    status = r.corrupt ? EXIT_FINDINGS : EXIT_USAGE;
    goto cleanup;
  }
  if (!strcmp(format, "json")) print_json(&out, &r);
  else if (!strcmp(format, "csv")) print_csv(&out, &r);
  else print_table(&out, &r, color_wanted_on("auto", STDOUT_FILENO));
  if (fwrite(buf_str(&out), 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
    fprintf(stderr, "charter: cannot write to standard output: %s\n", strerror(errno));
    status = EXIT_USAGE;
    goto cleanup;
  }
  for (int i = 0; i < r.n; i++)
    if (fail_on[r.inds[i].status]) status = EXIT_FINDINGS;
cleanup:
  buf_free(&out);
  eval_free(&r);
  program_free(p);
  return status;
}
