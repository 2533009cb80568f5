/* A program and a measurement store for tests of evaluation and of the
 * status overlay: the program is loaded from text (it must have no errors),
 * the store made with store_open(STORE_WRITE) in a scratch directory, one
 * import recorded, then measurement rows put through the store interface
 * (in one write transaction, committed before each evaluation). Evaluation
 * results are read through describe_ind / describe_equity, which print
 * every field in one line (numbers in their shortest exact form, "-" for
 * NAN or absent), so that a test compares whole lines written by hand.
 * Include after cmocka.h. */
#ifndef CHARTER_TEST_EVAL_FIXTURE_H
#define CHARTER_TEST_EVAL_FIXTURE_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eval.h"
#include "rules_eval.h"
#include "scratch.h"
#include "store.h"

typedef struct Env {
  Scratch s;
  Program *p;
  Store *db;
  bool writing; /* a write transaction is open */
  EvalResult r;
  bool has_r;
} Env;

/* The environments not yet freed: env_teardown frees them when a test
 * fails half-way (cmocka jumps out of it), so no scratch directory is left. */
enum { MAX_LIVE_ENVS = 8 };
static Env *live_envs[MAX_LIVE_ENVS];

/* Days from 1970-01-01 to the last day of a period (2025, 2025-Q2, 2025-06,
 * 2025-06-30). */
static inline int32_t day_of(const char *period) {
  Period p;
  char err[PERIOD_WHY_MAX] = "";
  if (!period_parse(period, strlen(period), &p, err)) fail_msg("bad period %s: %s", period, err);
  return period_last_day(p);
}

static inline Env *env_new(const char *text) {
  Env *e = calloc(1, sizeof *e);
  assert_non_null(e);
  int slot = 0;
  while (slot < MAX_LIVE_ENVS && live_envs[slot]) slot++;
  assert_true(slot < MAX_LIVE_ENVS);
  live_envs[slot] = e;
  e->p = re_load(text);
  if (e->p->diags.nerrors) {
    re_dump(e->p);
    fail_msg("the program has errors");
  }
  scratch_init(&e->s);
  char err[1024] = "";
  e->db = store_open(scratch_path(&e->s, "m.db"), STORE_WRITE, program_coalition(e->p), err, sizeof err);
  if (!e->db) fail_msg("store_open: %s", err);
  int64_t id = 0;
  if (e->db->m->begin(e->db, true) != STORE_OK || e->db->m->record_import(e->db, "data.csv", "2025-01-01T00:00:00Z", &id) != STORE_OK)
    fail_msg("record import: %s", e->db->m->last_error(e->db));
  assert_int_equal(id, 1);
  e->writing = true;
  return e;
}

/* One row with its counts (NAN: none) and flags: of a group of a
 * dimension, or (dim NULL) of the whole population. */
static inline void add_row(Env *e, const char *ind, const char *dim, const char *grp, const char *period, double v,
                           double num, double den, unsigned flags) {
  char end[11];
  Period per;
  char perr[PERIOD_WHY_MAX] = "";
  if (!period_parse(period, strlen(period), &per, perr)) fail_msg("bad period %s: %s", period, perr);
  period_last_day_text(per, end);
  if (!e->writing && e->db->m->begin(e->db, true) != STORE_OK) fail_msg("begin: %s", e->db->m->last_error(e->db));
  e->writing = true;
  StoreRow row = {.indicator = ind, .dimension = dim ? dim : "", .group = grp ? grp : "", .period = period,
                  .period_len = strlen(period), .period_end = end, .value = v, .numerator = num, .denominator = den,
                  .flags = flags, .source = "", .note = ""};
  StorePut put;
  StoreStored old;
  if (e->db->m->put(e->db, &row, 1, false, &put, &old) != STORE_OK) fail_msg("put %s %s: %s", ind, period, e->db->m->last_error(e->db));
  if (put != STORE_ADDED) fail_msg("put %s %s: the key is stored already", ind, period);
}

/* One row of a value alone. */
static inline void add_group(Env *e, const char *ind, const char *dim, const char *grp, const char *period, double v) {
  add_row(e, ind, dim, grp, period, v, NAN, NAN, 0);
}

static inline void add(Env *e, const char *ind, const char *period, double v) { add_group(e, ind, NULL, NULL, period, v); }

/* Evaluates as of the last day of a period (replacing the last result). */
static inline const EvalResult *run_at(Env *e, const char *as_of) {
  if (e->has_r) eval_free(&e->r);
  if (e->writing && e->db->m->commit(e->db) != STORE_OK) fail_msg("commit: %s", e->db->m->last_error(e->db));
  e->writing = false;
  StoreRc rc = eval_run(e->p, e->db, day_of(as_of), &e->r);
  e->has_r = true;
  if (rc != STORE_OK) fail_msg("eval_run: %s", e->db->m->last_error(e->db));
  return &e->r;
}

static inline void env_free(Env *e) {
  for (int i = 0; i < MAX_LIVE_ENVS; i++)
    if (live_envs[i] == e) live_envs[i] = NULL;
  if (e->has_r) eval_free(&e->r);
  if (e->db && e->writing) e->db->m->rollback(e->db);
  store_close(e->db);
  if (e->p) program_free(e->p);
  if (e->s.dir[0]) scratch_free(&e->s);
  free(e);
}

/* A cmocka teardown: frees what a failed test left. */
static inline int env_teardown(void **state) {
  (void)state;
  for (int i = 0; i < MAX_LIVE_ENVS; i++)
    if (live_envs[i]) env_free(live_envs[i]);
  return 0;
}

/* The evaluation of indicator id in the last result. */
static inline const EvalIndicator *ind_of(Env *e, const char *id) {
  assert_true(e->has_r);
  const Decl *d = strmap_get(&e->p->ids, id);
  if (!d) fail_msg("no declaration %s", id);
  const EvalIndicator *x = eval_find(&e->r, d);
  if (!x) fail_msg("no evaluation of %s", id);
  return x;
}

/* ---- describing results ---- */

/* A day as YYYY-MM-DD by the C library (independent of present_day_text). */
static inline void tday(int32_t day, char out[11]) {
  time_t t = (time_t)day * 86400;
  struct tm tm;
  gmtime_r(&t, &tm);
  char tmp[48];
  snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  memcpy(out, tmp, 10);
  out[10] = '\0';
}

/* The shortest digits that read back exactly, written as Python's repr
 * writes them (no exponent from 1e-4 to 1e16), "-" for NAN; independent of
 * present_num_text. */
static inline void tnum(double v, char out[40]) {
  if (isnan(v)) {
    strcpy(out, "-");
    return;
  }
  int prec = 1;
  for (; prec < 17; prec++) {
    snprintf(out, 40, "%.*e", prec - 1, v);
    if (strtod(out, NULL) == v) break;
  }
  snprintf(out, 40, "%.*e", prec - 1, v);
  int x = atoi(strchr(out, 'e') + 1);
  if (x >= -4 && x < 16) snprintf(out, 40, "%.*f", prec - 1 - x > 0 ? prec - 1 - x : 0, v);
  if (strcmp(out, "-0") == 0) strcpy(out, "-0.0");
}

static inline const char *tri_text(Tri t) { return t == TRI_TRUE ? "true" : t == TRI_FALSE ? "false" : t == TRI_NULL ? "null" : "?"; }

static inline const char *trend_text(Trend t) {
  switch (t) {
  case TREND_NULL: return "-";
  case TREND_IMPROVING: return "improving";
  case TREND_WORSENING: return "worsening";
  case TREND_FLAT: return "flat";
  }
  return "?";
}

static inline const char *status_text(EvalStatus s) {
  static const char *const names[] = {"no_target", "no_data", "met", "missed", "on_track", "off_track", "at_baseline", "not_met"};
  return (unsigned)s < EV_STATUS_COUNT ? names[s] : "?";
}

/* "40@2024", or "-" */
static inline void num_at(Buf *b, bool has, double v, Period per) {
  if (!has) {
    buf_puts(b, "-");
    return;
  }
  char n[40], pt[16];
  tnum(v, n);
  period_text(per, pt);
  buf_printf(b, "%s@%s", n, pt);
}

/* Every field of an indicator's evaluation but its equity lines:
 * "dir=up baseline=40@2024 target=60@2026 latest=60@2025/2025-12-31 nobs=2
 *  progress=1 variance=0 status=met stale=false projected=80
 *  projected_met=true trend=improving" (projected to 10 significant
 * digits: its last bits depend on the order of the sums). The caller frees
 * it. */
static inline char *describe_ind(const EvalIndicator *x) {
  Buf b = {0};
  char n[40];
  buf_printf(&b, "dir=%s baseline=", x->dir > 0 ? "up" : x->dir < 0 ? "down" : "none");
  num_at(&b, x->has_baseline, x->baseline, x->baseline_per);
  buf_puts(&b, " target=");
  num_at(&b, x->has_target, x->target, x->target_per);
  buf_puts(&b, " latest=");
  if (x->has_latest) {
    char day[11];
    tnum(x->latest, n);
    tday(x->latest_t, day);
    buf_printf(&b, "%s@%s/%s", n, x->latest_period ? x->latest_period : "(null)", day);
  } else {
    buf_puts(&b, "-");
    if (x->latest_period) buf_printf(&b, "(period %s)", x->latest_period);
  }
  buf_printf(&b, " nobs=%d", x->nobs);
  tnum(x->progress, n);
  buf_printf(&b, " progress=%s", n);
  tnum(x->variance, n);
  buf_printf(&b, " variance=%s", n);
  buf_printf(&b, " status=%s stale=%s", status_text(x->status), tri_text(x->stale));
  if (isnan(x->projected)) strcpy(n, "-");
  else snprintf(n, sizeof n, "%.10g", x->projected);
  buf_printf(&b, " projected=%s projected_met=%s trend=%s", n, tri_text(x->projected_met), trend_text(x->trend));
  if (x->nequity == 0 && x->equity) buf_puts(&b, " (equity without lines)");
  char *r = strdup(buf_str(&b));
  buf_free(&b);
  return r;
}

/* One equity line: "race gap 5 by 2026: period=2025-Q2/2025-06-30 gap=12
 * ratio=1.25 value=- best=Alpha worst=Beta missing=[Zeta,Mu] met=false
 * status=not_met" (period=- and missing=- without a snapshot). */
static inline char *describe_equity(const EvalEquity *q) {
  Buf b = {0};
  char n[40], pt[16];
  const Value *l = q->line;
  tnum(l->num, n);
  period_text(l->per, pt);
  buf_printf(&b, "%s ", l->ref ? l->ref->id : "?");
  if (l->form == EQ_GAP) buf_puts(&b, "gap");
  else if (l->form == EQ_RATIO) buf_puts(&b, "ratio");
  else buf_printf(&b, "\"%s\"", l->str);
  buf_printf(&b, " %s by %s: period=", n, pt);
  if (q->period) {
    char day[11];
    tday(q->snapshot, day);
    buf_printf(&b, "%s/%s", q->period, day);
  } else
    buf_puts(&b, "-");
  tnum(q->gap, n);
  buf_printf(&b, " gap=%s", n);
  tnum(q->ratio, n);
  buf_printf(&b, " ratio=%s", n);
  tnum(q->value, n);
  buf_printf(&b, " value=%s best=%s worst=%s missing=", n, q->best ? q->best : "-", q->worst ? q->worst : "-");
  if (q->nmissing < 0) buf_puts(&b, "-");
  else {
    buf_putc(&b, '[');
    for (int i = 0; i < q->nmissing; i++) buf_printf(&b, "%s%s", i ? "," : "", q->missing[i]);
    buf_putc(&b, ']');
  }
  buf_printf(&b, " met=%s status=%s", tri_text(q->met), status_text(q->status));
  char *r = strdup(buf_str(&b));
  buf_free(&b);
  return r;
}

/* "no_target=1 no_data=0 met=2 missed=0 on_track=0 off_track=0 not_met=0" */
static inline char *describe_counts(const EvalResult *r) {
  Buf b = {0};
  for (int s = 0; s < EV_STATUS_COUNT; s++) buf_printf(&b, "%s%s=%d", s ? " " : "", status_text((EvalStatus)s), r->counts[s]);
  char *out = strdup(buf_str(&b));
  buf_free(&b);
  return out;
}

static inline void expect_line(const char *what, char *got, const char *want) {
  bool same = strcmp(got, want) == 0;
  if (!same) print_error("%s\n  got      %s\n  expected %s\n", what, got, want);
  free(got);
  if (!same) fail();
}

/* Indicator id of the last result is described by want. */
#define EXPECT_IND(e, id, want) expect_line((id), describe_ind(ind_of((e), (id))), (want))
/* Its equity line k. */
#define EXPECT_EQ(e, id, k, want)                                                               \
  do {                                                                                          \
    const EvalIndicator *x_ = ind_of((e), (id));                                                \
    if ((k) >= x_->nequity) fail_msg("%s has %d equity lines, not %d", (id), x_->nequity, (k) + 1); \
    expect_line((id), describe_equity(&x_->equity[(k)]), (want));                               \
  } while (0)

#endif
