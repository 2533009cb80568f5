/* Evaluation of what a row says beyond its value (runtime/eval.c;
 * docs/measurement.md "What eval computes"): at_baseline, the break and
 * suppressed flags, flags shown with the latest value, spans on the trend
 * axis, projections that need three values and are clamped to the
 * indicator's bounds, equity lines against a reference group, and rates
 * recomputed from counts. Rows come from an in-memory engine (FakeStore, a
 * StoreMethods table of its own) so that counts and flags can be served
 * before the SQLite engine stores them. Then the status overlay's
 * at_baseline and staleness, on a real store (eval_fixture.h).
 *
 * Equity lines with a reference group are written without one and given
 * it after program_load, through a cast of the view's const Value (the
 * language's `... to "White"` is parsed elsewhere); benchmarks are set the
 * same way. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dot_lines.h"
#include "eval_fixture.h"
#include "model.h"
#include "present.h"
#include "render.h"

#define C0 "charter \"T\" { vision \"v\" }\n"

/* ---- an engine in memory ---- */

typedef struct FakeRow {
  const char *ind, *dim, *grp, *period;
  char end[11];
  int32_t day;
  double v, num, den;
  unsigned flags;
} FakeRow;

typedef struct FakeStore {
  Store base;
  FakeRow rows[64];
  int n;
} FakeStore;

static StoreRc fake_ok(Store *s) {
  (void)s;
  return STORE_OK;
}
static StoreRc fake_begin(Store *s, bool write) {
  (void)s, (void)write;
  return STORE_OK;
}
static const char *fake_error(const Store *s) {
  (void)s;
  return "no error";
}

static int row_cmp(const void *a, const void *b) {
  const FakeRow *x = *(const FakeRow *const *)a, *y = *(const FakeRow *const *)b;
  int k = strcmp(x->dim, y->dim);
  if (!k) k = strcmp(x->grp, y->grp);
  if (!k) k = x->day < y->day ? -1 : x->day > y->day;
  return k;
}

static StoreObs obs_of(const FakeRow *r) {
  return (StoreObs){r->dim, r->grp, r->period, r->end, r->v, r->num, r->den, r->flags, r->day};
}

static StoreRc fake_series(Store *s, const char *coalition, const char *indicator, bool whole, const char *as_of, StoreEach each, void *ctx) {
  FakeStore *f = (FakeStore *)s;
  (void)coalition;
  const FakeRow *sel[64];
  int n = 0;
  for (int i = 0; i < f->n; i++) {
    const FakeRow *r = &f->rows[i];
    if (strcmp(r->ind, indicator) || strcmp(r->end, as_of) > 0) continue;
    if (whole && (*r->dim || *r->grp)) continue;
    sel[n++] = r;
  }
  qsort(sel, (size_t)n, sizeof *sel, row_cmp);
  for (int i = 0; i < n; i++) {
    StoreObs o = obs_of(sel[i]);
    each(ctx, &o);
  }
  return STORE_OK;
}

static StoreRc fake_latest(Store *s, const char *coalition, const char *indicator, const char *dimension, const char *group, const char *as_of,
                           StoreObs *out, bool *found) {
  FakeStore *f = (FakeStore *)s;
  (void)coalition;
  const FakeRow *best = NULL;
  for (int i = 0; i < f->n; i++) {
    const FakeRow *r = &f->rows[i];
    if (strcmp(r->ind, indicator) || strcmp(r->dim, dimension) || strcmp(r->grp, group) || strcmp(r->end, as_of) > 0)
      continue;
    if (!best || r->day > best->day) best = r;
  }
  *found = best != NULL;
  if (best) *out = obs_of(best);
  return STORE_OK;
}

static const StoreMethods fake_methods = {.name = "fake", .begin = fake_begin, .commit = fake_ok, .rollback = fake_ok,
                                          .series = fake_series, .latest = fake_latest, .last_error = fake_error};

/* A row; a span "2013/2017" ends on its last year's last day. */
static void put(FakeStore *f, const char *ind, const char *dim, const char *grp, const char *period, double v, double num,
                double den, unsigned flags) {
  assert_true(f->n < 64);
  FakeRow *r = &f->rows[f->n++];
  const char *slash = strchr(period, '/');
  int32_t day = day_of(slash ? slash + 1 : period);
  *r = (FakeRow){ind, dim ? dim : "", grp ? grp : "", period, "", day, v, num, den, flags};
  present_day_text(day, r->end);
}

static void val(FakeStore *f, const char *ind, const char *period, double v) { put(f, ind, NULL, NULL, period, v, NAN, NAN, 0); }

typedef struct Run {
  Program *p;
  FakeStore fs;
  EvalResult r;
} Run;

static Run *run_new(const char *text) {
  Run *x = calloc(1, sizeof *x);
  x->p = re_load(text);
  if (x->p->diags.nerrors) {
    re_dump(x->p);
    fail_msg("the program has errors");
  }
  x->fs.base.m = &fake_methods;
  return x;
}

static const EvalIndicator *run_eval(Run *x, const char *as_of, const char *id) {
  eval_free(&x->r);
  assert_int_equal(eval_run(x->p, &x->fs.base, day_of(as_of), &x->r), STORE_OK);
  const Decl *d = strmap_get(&x->p->ids, id);
  assert_non_null(d);
  const EvalIndicator *e = eval_find(&x->r, d);
  assert_non_null(e);
  return e;
}

static void run_free(Run *x) {
  eval_free(&x->r);
  program_free(x->p);
  free(x);
}

/* The view of id, writable: the attributes other parts parse are set here. */
static IndicatorView *view_rw(Run *x, const char *id) {
  const Decl *d = strmap_get(&x->p->ids, id);
  assert_non_null(d);
  return (IndicatorView *)indicator_view(d); /* a test's cast: see the head comment */
}

static char *latest_text(const EvalIndicator *e, const char *unit) {
  Buf b = {0};
  present_latest(&b, e, unit);
  char *s = strdup(buf_str(&b));
  buf_free(&b);
  return s;
}

#define EXPECT_LATEST(e, unit, want)          \
  do {                                         \
    char *s_ = latest_text(e, unit);           \
    assert_string_equal(s_, want);             \
    free(s_);                                  \
  } while (0)

/* ---- at_baseline ---- */

/* A target and data, but no value after the baseline's period: at_baseline,
 * never on_track; met and missed still come first. */
static void test_at_baseline(void **state) {
  (void)state;
  Run *x = run_new(C0 "indicator imr \"Infant mortality\" { direction down; baseline 6.9 in 2023; target 6 by 2030 }\n"
                      "indicator early \"Met at the baseline\" { direction down; baseline 5 in 2023; target 6 by 2030 }\n"
                      "indicator late \"Past the target\" { direction up; baseline 5 in 2023; target 6 by 2024 }\n"
                      "indicator before \"A value before the baseline\" { direction up; baseline 5 in 2023; target 9 by 2030 }\n");
  val(&x->fs, "imr", "2023", 6.9);
  val(&x->fs, "early", "2023", 5);
  val(&x->fs, "late", "2023", 5);
  val(&x->fs, "before", "2022", 7);
  const EvalIndicator *e = run_eval(x, "2024-06-30", "imr");
  assert_int_equal(e->status, EV_AT_BASELINE);
  assert_true(e->progress == 0);
  assert_int_equal(run_eval(x, "2024-06-30", "early")->status, EV_MET);
  assert_int_equal(run_eval(x, "2025", "late")->status, EV_MISSED);
  /* 7 lies above the line, but was measured before the baseline */
  assert_int_equal(run_eval(x, "2024-06-30", "before")->status, EV_AT_BASELINE);
  assert_int_equal(x->r.counts[EV_AT_BASELINE], 3); /* imr, before and late (not yet due) */
  /* a value after the baseline: read against the trajectory again (6.5 in
   * 2024 is below the line's 6.77, direction down: on_track) */
  val(&x->fs, "imr", "2024", 6.5);
  assert_int_equal(run_eval(x, "2025", "imr")->status, EV_ON_TRACK);
  assert_string_equal(eval_status_name(EV_AT_BASELINE), "at_baseline");
  assert_int_equal(eval_status_from_name("at_baseline", 11), EV_AT_BASELINE);
  assert_int_equal(present_level_of(EV_AT_BASELINE), PRESENT_AT_BASELINE);
  assert_string_equal(present_level_label(PRESENT_AT_BASELINE), "at baseline");
  run_free(x);
}

/* ---- trend and projection: minimums, breaks, bounds ---- */

static void test_trend_two_projection_three(void **state) {
  (void)state;
  Run *x = run_new(C0 "indicator t \"T\" { direction up; target 100 by 2030 }\n");
  val(&x->fs, "t", "2020", 10);
  val(&x->fs, "t", "2021", 12);
  const EvalIndicator *e = run_eval(x, "2021", "t");
  assert_int_equal(e->nvalues, 2);
  assert_int_equal(e->trend, TREND_IMPROVING);
  assert_true(isnan(e->projected));
  assert_int_equal(e->projected_met, TRI_NULL);
  val(&x->fs, "t", "2022", 14);
  e = run_eval(x, "2022", "t");
  /* three points two days a year apart: 2 a year, 8 more years from 2022 */
  assert_int_equal(e->nvalues, 3);
  assert_true(fabs(e->projected - 30) < 0.05);
  assert_false(e->projected_clamped);
  assert_int_equal(e->projected_met, TRI_FALSE);
  run_free(x);
}

/* A break: trend and projection read only the values from it on; the
 * status reads the latest value as always. */
static void test_break(void **state) {
  (void)state;
  Run *x = run_new(C0 "indicator b \"B\" { direction up; baseline 10 in 2019; target 100 by 2030 }\n");
  val(&x->fs, "b", "2019", 10);
  val(&x->fs, "b", "2020", 50);
  val(&x->fs, "b", "2021", 60);
  put(&x->fs, "b", NULL, NULL, "2022", 30, NAN, NAN, OBS_BREAK);
  const EvalIndicator *e = run_eval(x, "2022", "b");
  /* 60 -> 30 would be worsening; after the break there is one value */
  assert_string_equal(e->break_period, "2022");
  assert_int_equal(e->nvalues, 1);
  assert_int_equal(e->trend, TREND_NULL);
  assert_true(isnan(e->projected));
  assert_true(e->latest == 30);
  assert_int_equal(e->latest_flags, 0); /* break is not shown as a flag of the value */
  val(&x->fs, "b", "2023", 32);
  e = run_eval(x, "2023", "b");
  assert_int_equal(e->trend, TREND_IMPROVING);
  assert_true(isnan(e->projected)); /* two values after the break */
  val(&x->fs, "b", "2024", 34);
  e = run_eval(x, "2024", "b");
  /* 30, 32, 34 at a year apart (2024 is a leap year: 366 days), to 2030:
   * about 2 a year, 6 years on from 2024: about 46; the values before the
   * break (50, 60) would have pulled the line up */
  assert_int_equal(e->nvalues, 3);
  assert_true(fabs(e->projected - 46) < 0.1);
  /* a break on a suppressed row starts the values after it */
  put(&x->fs, "b", NULL, NULL, "2025", NAN, NAN, NAN, OBS_BREAK | OBS_SUPPRESSED);
  val(&x->fs, "b", "2026", 40);
  e = run_eval(x, "2026", "b");
  assert_string_equal(e->break_period, "2025");
  assert_int_equal(e->nvalues, 1);
  assert_int_equal(e->trend, TREND_NULL);
  run_free(x);
}

/* Projections are clamped to the indicator's bounds (0..100 for "%") and
 * marked; one without bounds is not. */
static void test_clamped(void **state) {
  (void)state;
  Run *x = run_new(C0 "indicator pct \"Percent\" { unit \"%\"; direction up; target 99 by 2030 }\n"
                      "indicator low \"Percent down\" { unit \"%\"; direction down; target 1 by 2030 }\n"
                      "indicator free \"Unbounded\" { direction up; target 99 by 2030 }\n"
                      "indicator ranged \"Range\" { direction up; target 10 by 2030 }\n");
  static const char *const years[] = {"2020", "2021", "2022"};
  static const double up[] = {60, 70, 80}, down[] = {40, 30, 20};
  for (int i = 0; i < 3; i++) {
    val(&x->fs, "pct", years[i], up[i]);
    val(&x->fs, "low", years[i], down[i]);
    val(&x->fs, "free", years[i], up[i]);
    val(&x->fs, "ranged", years[i], up[i] / 10);
  }
  IndicatorView *rv = view_rw(x, "ranged");
  rv->lo = 0, rv->hi = 9, rv->has_range = true;
  const EvalIndicator *e = run_eval(x, "2022", "pct");
  assert_true(e->projected == 100);
  assert_true(e->projected_clamped);
  assert_int_equal(e->projected_met, TRI_TRUE);
  e = run_eval(x, "2022", "low");
  assert_true(e->projected == 0);
  assert_true(e->projected_clamped);
  e = run_eval(x, "2022", "free");
  assert_true(e->projected > 150);
  assert_false(e->projected_clamped);
  e = run_eval(x, "2022", "ranged");
  assert_true(e->projected == 9);
  assert_true(e->projected_clamped);
  assert_int_equal(e->projected_met, TRI_FALSE); /* 9 < 10 */
  run_free(x);
}

/* ---- flags ---- */

/* A suppressed report counts for staleness but gives no value: status,
 * trend and projection use the latest values that are not suppressed. */
static void test_suppressed(void **state) {
  (void)state;
  Run *x = run_new(C0 "indicator imr \"IMR\" { unit \"per 1,000\"; direction down; baseline 8 in 2021; target 6 by 2030; "
                      "frequency annually }\n"
                      "indicator hidden \"Only suppressed\" { direction down; target 6 by 2030; frequency annually }\n");
  val(&x->fs, "imr", "2022", 7.2);
  val(&x->fs, "imr", "2023", 6.9);
  put(&x->fs, "imr", NULL, NULL, "2024", NAN, NAN, NAN, OBS_SUPPRESSED);
  put(&x->fs, "hidden", NULL, NULL, "2024", NAN, NAN, NAN, OBS_SUPPRESSED);
  const EvalIndicator *e = run_eval(x, "2026-06-30", "imr");
  assert_true(e->has_latest);
  assert_true(e->latest == 6.9);
  assert_string_equal(e->latest_period, "2023");
  assert_string_equal(e->withheld, "2024");
  assert_int_equal(e->nobs, 3);
  assert_int_equal(e->nvalues, 2);
  assert_int_equal(e->trend, TREND_IMPROVING);
  /* 2024-12-31 to 2026-06-30 is 546 days, within 2 x 366: reported, so
   * not stale; from 2023 alone it would be (912 days) */
  assert_int_equal(e->stale, TRI_FALSE);
  EXPECT_LATEST(e, "per 1,000", "6.9 per 1,000 in 2023; 2024 suppressed");
  e = run_eval(x, "2026-06-30", "hidden");
  assert_false(e->has_latest);
  assert_int_equal(e->status, EV_NO_DATA);
  assert_string_equal(e->withheld, "2024");
  assert_int_equal(e->stale, TRI_FALSE);
  EXPECT_LATEST(e, NULL, "2024 suppressed");
  run_free(x);
}

/* Provisional, estimated and unstable go with the latest value. */
static void test_flags_shown(void **state) {
  (void)state;
  Run *x = run_new(C0 "indicator f \"F\" { unit \"%\"; direction up; target 90 by 2030 }\n");
  val(&x->fs, "f", "2023", 40);
  put(&x->fs, "f", NULL, NULL, "2024", 41.5, NAN, NAN, OBS_PROVISIONAL | OBS_UNSTABLE);
  const EvalIndicator *e = run_eval(x, "2024", "f");
  assert_int_equal(e->latest_flags, OBS_PROVISIONAL | OBS_UNSTABLE);
  EXPECT_LATEST(e, "%", "41.5% in 2024 (provisional, unstable)");
  Buf b = {0};
  present_flags(&b, OBS_ESTIMATED | OBS_SUPPRESSED | OBS_BREAK | OBS_PROVISIONAL, ";");
  assert_string_equal(buf_str(&b), "provisional;estimated");
  buf_free(&b);
  e = run_eval(x, "2023", "f");
  EXPECT_LATEST(e, "%", "40% in 2023");
  run_free(x);
}

/* ---- spans ---- */

/* A span stands at its midpoint on the trend axis and at its last day for
 * latest and staleness. */
static void test_span(void **state) {
  (void)state;
  Period p;
  char why[PERIOD_WHY_MAX];
  if (!period_parse("2013/2017", 9, &p, why)) skip(); /* until CSV spans parse */
  Run *x = run_new(C0 "indicator pov \"Poverty\" { unit \"%\"; direction down; target 10 by 2030 }\n");
  val(&x->fs, "pov", "2013/2017", 20);
  val(&x->fs, "pov", "2018/2022", 18);
  val(&x->fs, "pov", "2023", 16.8);
  const EvalIndicator *e = run_eval(x, "2024", "pov");
  assert_string_equal(e->latest_period, "2023");
  /* on the trend axis at the spans' midpoints (2015-07-02, 2020-07-02)
   * and 2023-12-31, least squares reads 14.107 at 2030-12-31; at the
   * spans' last days it would read 13.689 */
  assert_true(fabs(e->projected - 14.107) < 0.001);
  x->fs.n = 0;
  val(&x->fs, "pov", "2013/2017", 20);
  e = run_eval(x, "2018", "pov");
  assert_int_equal(e->latest_t, day_of("2017"));
  run_free(x);
}

/* ---- equity against a reference group; counts ---- */

#define RACE_PROGRAM                                                                                 \
  C0 "dimension race \"Race\" { groups \"White\", \"Black\", \"Asian\", \"Hispanic\" }\n"           \
     "indicator imr \"Infant mortality\" { unit \"per 1,000\"; direction down; disaggregate race;\n" \
     "  equity race ratio 1.5 by 2030; equity race gap 5 by 2030; equity race ratio 3 by 2030 }\n"  \
     "indicator kinder \"Kindergarten ready\" { unit \"%\"; direction up; disaggregate race;\n"      \
     "  equity race ratio 1.2 by 2030 }\n"

static void set_reference(Run *x, const char *id, int line, const char *group) {
  IndicatorView *v = view_rw(x, id);
  ((Value *)&v->equity[line])->reference = group; /* a test's cast: see the head comment */
}

static void grp(FakeStore *f, const char *ind, const char *g, const char *period, double v) {
  put(f, ind, "race", g, period, v, NAN, NAN, 0);
}

static void test_reference_down(void **state) {
  (void)state;
  Run *x = run_new(RACE_PROGRAM);
  set_reference(x, "imr", 0, "White");
  set_reference(x, "imr", 1, "White");
  /* the third line keeps largest over smallest */
  grp(&x->fs, "imr", "White", "2020", 4);
  grp(&x->fs, "imr", "Black", "2020", 11);
  grp(&x->fs, "imr", "Asian", "2020", 4);
  grp(&x->fs, "imr", "Hispanic", "2020", 7);
  grp(&x->fs, "imr", "White", "2021", 5);
  grp(&x->fs, "imr", "Black", "2021", 12);
  grp(&x->fs, "imr", "Asian", "2021", 4);
  grp(&x->fs, "imr", "Hispanic", "2021", 6);
  const EvalIndicator *e = run_eval(x, "2022", "imr");
  const EvalEquity *q = &e->equity[0];
  /* direction down: group / White, the highest is the worst: Black 12/5 */
  assert_string_equal(q->reference, "White");
  assert_true(q->ratio == 12.0 / 5);
  assert_string_equal(q->worst, "Black");
  assert_string_equal(q->best, "Asian");
  assert_int_equal(q->status, EV_NOT_MET);
  /* in 2020 Black / White was 11/4 = 2.75: narrowed, but White worsened */
  assert_string_equal(q->prev_period, "2020");
  assert_int_equal(q->change, EQC_NARROWED);
  assert_int_equal(q->reference_change, TREND_WORSENING);
  assert_true(q->reference_worsened);
  assert_int_equal(q->nimproved, 1);
  assert_string_equal(q->improved[0], "Hispanic");
  assert_int_equal(q->nworsened, 2);
  assert_string_equal(q->worsened[0], "White");
  assert_string_equal(q->worsened[1], "Black");
  /* gap: Black - White, 7 then and now */
  q = &e->equity[1];
  assert_true(q->gap == 7);
  assert_int_equal(q->change, EQC_UNCHANGED);
  assert_false(q->reference_worsened);
  /* without a reference: largest over smallest, Black over Asian */
  q = &e->equity[2];
  assert_null(q->reference);
  assert_true(q->ratio == 3);
  assert_int_equal(q->nimproved, -1);
  assert_int_equal(q->change, EQC_NULL);
  /* the reference absent from the snapshot: no data */
  grp(&x->fs, "imr", "Black", "2022", 12);
  e = run_eval(x, "2022", "imr");
  assert_int_equal(e->equity[0].status, EV_NO_DATA);
  assert_null(e->equity[0].worst);
  run_free(x);
}

static void test_reference_up_and_counts(void **state) {
  (void)state;
  Run *x = run_new(RACE_PROGRAM);
  set_reference(x, "kinder", 0, "White");
  /* direction up: White / group, the lowest group is the worst. Counts
   * recompute each group's rate: Black 33 was 1 of 3 (33.33…%) */
  put(&x->fs, "kinder", "race", "White", "2021", 60, 3, 5, 0);
  put(&x->fs, "kinder", "race", "Black", "2021", 33, 1, 3, 0);
  put(&x->fs, "kinder", "race", "Asian", "2021", 70, NAN, NAN, 0);
  put(&x->fs, "kinder", "race", "Hispanic", "2021", NAN, NAN, NAN, OBS_SUPPRESSED);
  const EvalIndicator *e = run_eval(x, "2021", "kinder");
  const EvalEquity *q = &e->equity[0];
  assert_string_equal(q->worst, "Black");
  assert_string_equal(q->best, "Asian");
  assert_true(fabs(q->ratio - 60 / (100.0 / 3)) < 1e-12);
  assert_true(q->ratio != 60.0 / 33);
  assert_int_equal(q->nwithheld, 1);
  assert_string_equal(q->withheld[0], "Hispanic");
  assert_int_equal(q->nmissing, 0);
  assert_int_equal(q->nimproved, -1); /* no previous snapshot */
  assert_null(q->prev_period);
  run_free(x);
}

/* Gaps without a reference use the rates from counts too; a formula reads
 * its operands' rates. */
static void test_counts(void **state) {
  (void)state;
  Run *x = run_new(C0 "dimension place \"Place\" { groups \"North\", \"South\" }\n"
                      "indicator pr \"Proficient\" { unit \"%\"; direction up; disaggregate place;\n"
                      "  equity place gap 5 by 2030 }\n"
                      "indicator twice \"Twice\" { formula pr * 2 }\n");
  put(&x->fs, "pr", "place", "North", "2024", 67, 2, 3, 0);
  put(&x->fs, "pr", "place", "South", "2024", 50, NAN, NAN, 0);
  put(&x->fs, "pr", NULL, NULL, "2024", 57, 4, 7, OBS_PROVISIONAL);
  const EvalIndicator *e = run_eval(x, "2024", "pr");
  assert_true(e->latest == 57); /* the published value is shown */
  assert_true(fabs(e->equity[0].gap - (200.0 / 3 - 50)) < 1e-12);
  e = run_eval(x, "2024", "twice");
  assert_true(fabs(e->latest - 400.0 / 7 * 2) < 1e-12);
  assert_int_equal(e->latest_flags, OBS_PROVISIONAL); /* a point takes its operands' flags */
  run_free(x);
}

/* Benchmarks never change a status. */
static void test_benchmarks_leave_status(void **state) {
  (void)state;
  Run *x = run_new(C0 "indicator k \"K\" { direction up; baseline 1 in 2020; target 10 by 2030 }\n");
  val(&x->fs, "k", "2021", 2);
  EvalStatus before = run_eval(x, "2021", "k")->status;
  static Value marks[2];
  marks[0].num = 1;
  marks[1].num = 100;
  marks[1].str = "national";
  IndicatorView *v = view_rw(x, "k");
  v->benchmarks = &marks[0], v->nbenchmarks = 1, v->compares = &marks[1], v->ncompares = 1;
  assert_int_equal(run_eval(x, "2021", "k")->status, before);
  run_free(x);
}

/* ---- the overlay: at_baseline and stale ---- */

static void test_overlay_at_baseline_and_stale(void **state) {
  (void)state;
  Env *e = env_new(C0 "partner pa \"PA\" { sector nonprofit }\n"
                      "activity act \"Act\" { owner pa; contributes_to o1; metric base, old }\n"
                      "outcome o1 \"O1\" { horizon short; leads_to g1; indicator base }\n"
                      "goal g1 \"G1\" { indicator base, old }\n"
                      "indicator base \"At the baseline\" { direction down; baseline 6.9 in 2023; target 6 by 2030 }\n"
                      "indicator old \"Old data\" { direction up; baseline 1 in 2020; target 10 by 2030; frequency annually }\n");
  add(e, "base", "2023", 6.9);
  add(e, "old", "2021", 5);
  run_at(e, "2025-06-30");
  View v;
  assert_true(render_find_view(e->p, "logic", &v));
  Buf b = {0};
  render_dot_status(e->p, &v, &e->r, &b);
  const char *dot = buf_str(&b);
  char *base = node_line(dot, "base"), *old = node_line(dot, "old"), *g1 = node_line(dot, "g1");
  assert_non_null(base);
  assert_non_null(old);
  assert_non_null(g1);
  assert_non_null(strstr(base, "at baseline"));
  assert_non_null(strstr(base, "fillcolor=\"#7DD3FC\", color=\"#0369A1\""));
  assert_null(strstr(base, "dashed"));
  /* 2021 is more than twice a year before 2025-06-30 */
  assert_non_null(strstr(old, "stale"));
  assert_non_null(strstr(old, "style=\"filled,dashed\""));
  /* the goal takes the worst, at baseline here (on track is better), and
   * says one of its indicators is stale */
  assert_non_null(strstr(g1, "at baseline"));
  assert_non_null(strstr(g1, "stale data for 1 of 2 indicators"));
  assert_non_null(strstr(g1, "rounded,filled,dashed"));
  /* the legend: at baseline and stale */
  assert_non_null(strstr(dot, ">at baseline</FONT>"));
  assert_non_null(strstr(dot, "STYLE=\"dashed\""));
  assert_non_null(strstr(dot, ">stale</FONT>"));
  free(base), free(old), free(g1);
  buf_free(&b);
  env_free(e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_at_baseline),
      cmocka_unit_test(test_trend_two_projection_three),
      cmocka_unit_test(test_break),
      cmocka_unit_test(test_clamped),
      cmocka_unit_test(test_suppressed),
      cmocka_unit_test(test_flags_shown),
      cmocka_unit_test(test_span),
      cmocka_unit_test(test_reference_down),
      cmocka_unit_test(test_reference_up_and_counts),
      cmocka_unit_test(test_counts),
      cmocka_unit_test(test_benchmarks_leave_status),
      cmocka_unit_test_teardown(test_overlay_at_baseline_and_stale, env_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
