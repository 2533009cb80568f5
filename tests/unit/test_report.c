/* The report (runtime/report.c; docs/report.md) and the histories eval
 * keeps for it (EvalOptions.history): what a page says, and what it must
 * not say, on small programs and stores made here. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_fixture.h"
#include "i18n.h"
#include "interp.h"
#include "report.h"

/* Evaluates with histories as of a period into e->r. */
static const EvalResult *run_history(Env *e, const char *as_of) {
  if (e->has_r) eval_free(&e->r);
  if (e->writing && e->db->m->commit(e->db) != STORE_OK) fail_msg("commit: %s", e->db->m->last_error(e->db));
  e->writing = false;
  EvalOptions o = {.history = true};
  StoreRc rc = eval_run_opts(e->p, e->db, day_of(as_of), &o, &e->r);
  e->has_r = true;
  if (rc != STORE_OK) fail_msg("eval_run_opts: %s", e->db->m->last_error(e->db));
  return &e->r;
}

/* The report of e's program and evaluation (NULL: none) in format. */
static char *report_of(Env *e, const EvalResult *ev, ReportFormat format, bool internal) {
  rules_run(e->p, NULL);
  ReportOptions o = {.format = format, .internal = internal, .ev = ev, .chart_dir = "charts"};
  Report rep;
  report_build(e->p, &o, &rep);
  char *text = strdup(buf_str(&rep.text));
  report_free(&rep);
  return text;
}

static int count_of(const char *hay, const char *needle) {
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
  return n;
}

#define SMALL_PROGRAM                                                                             \
  "charter \"Small\" { vision \"v\"\n disclosure { suppress below 11 } }\n"                        \
  "indicator rate \"Rate\" { unit \"%\"; direction down; baseline 20 in 2020; target 10 by 2030 }\n" \
  "indicator seen \"Seen\" { unit \"%\"; direction up; baseline 40 in 2020; target 60 by 2030;\n"  \
  "  note \"Public words.\"; internal_note \"Staff words.\" }\n"

/* Every whole-population observation is kept, in order, with its flags; a
 * value withheld by the policy on its own counts is NAN with its state,
 * one suppressed at its source too; without history none is kept. */
static void test_history(void **state) {
  (void)state;
  Env *e = env_new(SMALL_PROGRAM);
  add_row(e, "rate", NULL, NULL, "2021", 30, 30, 100, 0);
  add_row(e, "rate", NULL, NULL, "2022", 5, 5, 100, OBS_PROVISIONAL);
  add_row(e, "rate", NULL, NULL, "2023", NAN, NAN, NAN, OBS_SUPPRESSED);
  add_row(e, "rate", NULL, NULL, "2024", 12, 12, 100, OBS_BREAK);
  const EvalResult *r = run_history(e, "2025");
  const EvalIndicator *i = &r->inds[0];
  assert_int_equal(i->nobs, 4);
  assert_non_null(i->history);
  assert_string_equal(i->history[0].period, "2021");
  assert_true(i->history[0].value == 30);
  assert_int_equal(i->history[0].state, DISC_SHOWN);
  assert_string_equal(i->history[1].period, "2022");
  assert_true(isnan(i->history[1].value));
  assert_int_equal(i->history[1].state, DISC_WITHHELD_SMALL);
  assert_true(i->history[1].flags & OBS_PROVISIONAL);
  assert_int_equal(i->history[2].state, DISC_WITHHELD_SOURCE);
  assert_true(isnan(i->history[2].value));
  assert_true(i->history[3].value == 12);
  assert_true(i->history[3].flags & OBS_BREAK);
  run_at(e, "2025");
  assert_null(e->r.inds[0].history);
  env_free(e);
}

/* A measure whose latest value the policy withholds shows no status, no
 * trend and no projection anywhere on the page; its value is "not shown";
 * the summary counts it as not shown. */
static void test_withheld_latest_says_nothing(void **state) {
  (void)state;
  Env *e = env_new(SMALL_PROGRAM);
  add_row(e, "rate", NULL, NULL, "2021", 30, 30, 100, 0);
  add_row(e, "rate", NULL, NULL, "2022", 25, 25, 100, 0);
  add_row(e, "rate", NULL, NULL, "2023", 5, 5, 100, 0);
  const EvalResult *r = run_history(e, "2024");
  assert_int_not_equal(r->inds[0].status, EV_NO_DATA); /* eval computes one */
  char *page = report_of(e, r, REPORT_HTML, false);
  assert_non_null(strstr(page, "The latest figure for Rate (2023) is not shown"));
  assert_null(strstr(page, "At this pace"));
  assert_non_null(strstr(page, "1 not shown"));
  /* the summary's row: no status word but "not shown", no trend */
  const char *row = strstr(page, "<a href=\"#m-0\">Rate</a>");
  assert_non_null(row);
  const char *end = strstr(row, "</tr>");
  char *cells = strndup(row, (size_t)(end - row));
  assert_non_null(strstr(cells, "not shown"));
  assert_null(strstr(cells, "on track"));
  assert_null(strstr(cells, "off track"));
  assert_null(strstr(cells, "improving"));
  assert_null(strstr(cells, "worsening"));
  free(cells);
  free(page);
  env_free(e);
}

/* The sentences: the baseline compared with the latest value, the pace
 * toward the target from three values on, and nothing compared across a
 * series break. */
static void test_sentences(void **state) {
  (void)state;
  Env *e = env_new(SMALL_PROGRAM);
  add(e, "seen", "2021", 42);
  add(e, "seen", "2022", 44);
  add(e, "seen", "2023", 46);
  char *page = report_of(e, run_history(e, "2023"), REPORT_HTML, false);
  assert_non_null(strstr(page, "Seen rose from 40% in 2020 to 46% in 2023."));
  assert_non_null(strstr(page, "At this pace it reaches"));
  free(page);
  add_row(e, "seen", NULL, NULL, "2024", 30, NAN, NAN, OBS_BREAK);
  page = report_of(e, run_history(e, "2024"), REPORT_HTML, false);
  assert_null(strstr(page, "Seen rose from"));
  assert_null(strstr(page, "Seen fell from"));
  assert_non_null(strstr(page, "Seen was 30% in 2024."));
  assert_non_null(strstr(page, "measured differently since 2024"));
  free(page);
  env_free(e);
}

/* The public page shows the note but no id and no internal note; the
 * internal page shows both. */
static void test_audience(void **state) {
  (void)state;
  Env *e = env_new(SMALL_PROGRAM);
  add(e, "seen", "2021", 42);
  const EvalResult *r = run_history(e, "2021");
  char *pub = report_of(e, r, REPORT_HTML, false);
  assert_non_null(strstr(pub, "Public words."));
  assert_null(strstr(pub, "Staff words."));
  assert_null(strstr(pub, "<code>seen</code>"));
  char *in = report_of(e, r, REPORT_HTML, true);
  assert_non_null(strstr(in, "Staff words."));
  assert_non_null(strstr(in, "<code>seen</code>"));
  free(pub);
  free(in);
  env_free(e);
}

/* Markdown: the same sections, tables with a header row, the program's
 * markup characters escaped, and no HTML of charter's. */
static void test_markdown(void **state) {
  (void)state;
  Env *e = env_new("charter \"A *bold* [claim](x) | pipe\" { vision \"v <b>\" }\n"
                   "indicator seen \"Seen\" { unit \"%\"; direction up; baseline 40 in 2020; target 60 by 2030 }\n");
  add(e, "seen", "2021", 42);
  char *md = report_of(e, run_history(e, "2021"), REPORT_MD, false);
  assert_non_null(strstr(md, "# A \\*bold\\* \\[claim\\](x) \\| pipe: plan and results\n"));
  assert_non_null(strstr(md, "v \\<b\\>"));
  assert_non_null(strstr(md, "## Results at a glance\n"));
  assert_non_null(strstr(md, "| --- |"));
  assert_non_null(strstr(md, "![Chart: Seen](charts/measure-1.svg)"));
  assert_null(strstr(md, "<p>"));
  assert_null(strstr(md, "<table"));
  free(md);
  env_free(e);
}

/* Without a store: the plan, and a sentence that no results are
 * connected; no measures or equity section. */
static void test_no_store(void **state) {
  (void)state;
  Env *e = env_new(SMALL_PROGRAM);
  char *page = report_of(e, NULL, REPORT_HTML, false);
  assert_non_null(strstr(page, "No measurements are connected to this report yet"));
  assert_null(strstr(page, "id=\"measures\""));
  assert_int_equal(count_of(page, "<h1>"), 1);
  free(page);
  env_free(e);
}


/* A whole-population value withheld as the complement of its groups (10
 * and 10 below 11, the whole 20 would give both away) is withheld on the
 * chart, in its <title> and in the numbers behind it, not only in the
 * sentences. */
static void test_whole_complement(void **state) {
  (void)state;
  Env *e = env_new("charter \"C\" { vision \"v\"\n disclosure { suppress below 11\n complementary } }\n"
                   "dimension sex \"Sex\" { groups \"Female\", \"Male\" }\n"
                   "indicator placed \"Placed\" { unit \"people\"; direction up; disaggregate sex;\n"
                   "  equity sex gap 5 by 2030 }\n");
  add_row(e, "placed", NULL, NULL, "2025", 20, NAN, NAN, 0);
  add_row(e, "placed", "sex", "Female", "2025", 10, NAN, NAN, 0);
  add_row(e, "placed", "sex", "Male", "2025", 10, NAN, NAN, 0);
  char *page = report_of(e, run_history(e, "2025"), REPORT_HTML, false);
  assert_null(strstr(page, "20 people"));
  assert_null(strstr(page, ">20<"));
  assert_null(strstr(page, "10 people"));
  free(page);
  env_free(e);
}

/* A trend and a projection that read a value the policy withholds (an
 * older one, on its own counts) are not shown: they would tell about it. */
static void test_pace_over_withheld(void **state) {
  (void)state;
  Env *e = env_new(SMALL_PROGRAM);
  add_row(e, "rate", NULL, NULL, "2022", 40, 40, 100, 0);
  add_row(e, "rate", NULL, NULL, "2023", 4, 4, 100, 0);
  add_row(e, "rate", NULL, NULL, "2024", 36, 36, 100, 0);
  const EvalResult *r = run_history(e, "2024");
  /* eval leaves the withheld 4 out: two values are left, too few for a
   * projection; the trend reads 40 -> 36 */
  assert_true(isnan(r->inds[0].projected));
  char *page = report_of(e, r, REPORT_HTML, false);
  assert_null(strstr(page, "At this pace"));
  assert_non_null(strstr(page, "Where it is heading is not shown"));
  const char *row = strstr(page, "<a href=\"#m-0\">Rate</a>");
  assert_non_null(row);
  char *cells = strndup(row, (size_t)(strstr(row, "</tr>") - row));
  assert_null(strstr(cells, "improving"));
  assert_null(strstr(cells, "worsening"));
  free(cells);
  free(page);
  env_free(e);
}

/* Without a disclosure policy the equity chart still has its bars and the
 * whole population's rule. */
static void test_equity_without_policy(void **state) {
  (void)state;
  Env *e = env_new("charter \"C\" { vision \"v\" }\n"
                   "dimension sex \"Sex\" { groups \"Female\", \"Male\" }\n"
                   "indicator r \"R\" { unit \"%\"; direction up; disaggregate sex; equity sex gap 5 by 2030 }\n");
  add(e, "r", "2025", 50);
  add_group(e, "r", "sex", "Female", "2025", 45);
  add_group(e, "r", "sex", "Male", "2025", 55);
  char *page = report_of(e, run_history(e, "2025"), REPORT_HTML, false);
  const char *eq = strstr(page, "id=\"equity\"");
  assert_non_null(eq);
  assert_non_null(strstr(eq, "Female</th><td>45%"));
  assert_non_null(strstr(eq, "Everyone</th><td>50%"));
  assert_null(strstr(eq, "No groups to show"));
  free(page);
  env_free(e);
}

/* A blank title: "(untitled)" on a public page, in the text and in the
 * logic model, never the id; the internal page gives the id. */
static void test_untitled(void **state) {
  (void)state;
  Env *e = env_new("charter \"C\" { vision \"v\" }\n"
                   "goal secret_cohort \" \" {}\n"
                   "partner pa \"P\" { sector community }\n"
                   "activity act \"Act\" { owner pa; community_owner pa; contributes_to secret_cohort }\n");
  char *page = report_of(e, NULL, REPORT_HTML, false);
  assert_null(strstr(page, "secret_cohort"));
  assert_null(strstr(page, "secret cohort"));
  assert_non_null(strstr(page, "(untitled)"));
  char *in = report_of(e, NULL, REPORT_HTML, true);
  assert_non_null(strstr(in, "<code>secret_cohort</code>"));
  free(page);
  free(in);
  env_free(e);
}

int main(void) {
  char err[256];
  assert_true(i18n_use(LANG_EN, err, sizeof err));
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(test_history, env_teardown),
      cmocka_unit_test_teardown(test_withheld_latest_says_nothing, env_teardown),
      cmocka_unit_test_teardown(test_sentences, env_teardown),
      cmocka_unit_test_teardown(test_audience, env_teardown),
      cmocka_unit_test_teardown(test_markdown, env_teardown),
      cmocka_unit_test_teardown(test_no_store, env_teardown),
      cmocka_unit_test_teardown(test_whole_complement, env_teardown),
      cmocka_unit_test_teardown(test_pace_over_withheld, env_teardown),
      cmocka_unit_test_teardown(test_equity_without_policy, env_teardown),
      cmocka_unit_test_teardown(test_untitled, env_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
