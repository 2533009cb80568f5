/* The disclosure policy end to end: the charter's `disclosure` block parsed
 * and read into the model (lang/model.c), `charter.disclosure` for rules,
 * and eval_run applying it (runtime/eval.c; docs/measurement.md, "Small
 * numbers: the disclosure policy"): each equity snapshot's cells, the
 * measures not shown, the whole population's latest value, and
 * eval_run_disclosure with the policy set aside. */
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

#include "eval_fixture.h"
#include "model.h"
#include "present.h"

/* One row with counts (a percentage computed from them), or suppressed. */
static void add_counts(Env *e, const char *ind, const char *dim, const char *grp, const char *period, double num,
                       double den, unsigned flags) {
  bool supp = flags & OBS_SUPPRESSED;
  add_row(e, ind, dim, grp, period, supp ? NAN : num / den * 100, supp ? NAN : num, supp ? NAN : den, flags);
}

#define POLICY(lines)                                                                          \
  "charter \"T\" {\n  vision \"v\"\n  disclosure {\n" lines "  }\n}\n"                         \
  "dimension race \"Race\" { groups \"Black\", \"Latino\", \"Native\", \"White\" }\n"          \
  "dimension sex \"Sex\" { groups \"Female\", \"Male\" }\n"                                    \
  "indicator absent \"Absent\" { unit \"%\"; direction down; target 5 by 2026; disaggregate race;" \
  " equity race gap 5 by 2026; equity race \"White\" 12 by 2026 }\n"                           \
  "indicator few \"Few\" { unit \"%\"; direction down; target 5 by 2026 }\n"                   \
  "indicator placed \"Placed\" { unit \"people\"; direction up; disaggregate sex; equity sex gap 50 by 2026 }\n"

#define FULL POLICY("    suppress below 11\n    unstable below 20\n    complementary\n")

/* The worked example of docs/measurement.md. */
static void example_rows(Env *e) {
  add_counts(e, "absent", NULL, NULL, "2025", 88, 1000, 0);
  add_counts(e, "absent", "race", "Black", "2025", 18, 400, 0);
  add_counts(e, "absent", "race", "Latino", "2025", 20, 150, 0);
  add_counts(e, "absent", "race", "Native", "2025", 5, 50, 0);
  add_counts(e, "absent", "race", "White", "2025", 45, 400, 0);
  add_counts(e, "few", NULL, NULL, "2024", 30, 200, 0);
  add_counts(e, "few", NULL, NULL, "2025", 7, 40, 0);
  add(e, "placed", "2025", 48);
  add_group(e, "placed", "sex", "Female", "2025", 8);
  add_group(e, "placed", "sex", "Male", "2025", 40);
}

static const EvalCell *cell(const EvalEquity *q, const char *group) {
  for (int k = 0; k < q->ncells; k++)
    if (!strcmp(q->cells[k].group, group)) return &q->cells[k];
  fail_msg("no cell %s", group);
  return NULL;
}

/* The block's lines land in the charter's view; absent lines are 0/false. */
static void test_policy_in_model(void **state) {
  (void)state;
  Program *p = re_load(POLICY("    suppress below 11\n    unknown counts shown\n"));
  assert_int_equal(p->diags.nerrors, 0);
  const DisclosurePolicy *d = program_disclosure(p);
  assert_true(d->present);
  assert_true(d->suppress_below == 11);
  assert_true(d->unstable_below == 0);
  assert_false(d->complementary);
  assert_true(d->unknown_counts_shown);
  program_free(p);
  p = re_load("charter \"T\" { vision \"v\" }\n");
  assert_false(program_disclosure(p)->present);
  program_free(p);
  p = re_load("charter \"T\" {\n  disclosure {}\n}\n");
  assert_true(program_disclosure(p)->present);
  assert_false(program_disclosure(p)->unknown_counts_shown); /* the default: withheld */
  program_free(p);
}

/* The worked example: Native small, Latino its complement, Black unstable;
 * the gap not shown, the White line computed. */
static void test_example(void **state) {
  (void)state;
  Env *e = env_new(FULL);
  example_rows(e);
  run_at(e, "2025");
  const EvalIndicator *x = ind_of(e, "absent");
  const EvalEquity *gap = &x->equity[0], *white = &x->equity[1];
  assert_int_equal(gap->ncells, 4);
  assert_int_equal(cell(gap, "Native")->state, DISC_WITHHELD_SMALL);
  assert_int_equal(cell(gap, "Latino")->state, DISC_WITHHELD_COMPLEMENTARY);
  assert_int_equal(cell(gap, "Black")->state, DISC_SHOWN);
  assert_true(cell(gap, "Black")->unstable);
  assert_false(cell(gap, "White")->unstable);
  assert_true(isnan(cell(gap, "Native")->value)); /* never 0 */
  assert_true(cell(gap, "White")->value == 11.25);
  assert_true(gap->not_shown);
  assert_true(isnan(gap->gap) && isnan(gap->ratio));
  assert_null(gap->best);
  assert_int_equal(gap->met, TRI_NULL);
  assert_int_equal(gap->status, EV_NO_DATA);
  assert_int_equal(gap->nwithheld, 2);
  assert_false(white->not_shown);
  assert_true(white->value == 11.25);
  assert_true(isnan(white->gap)); /* over the shown groups alone it would misstate */
  assert_int_equal(white->status, EV_MET);
  /* the whole population 88/1000 is shown, 88 events: not unstable */
  assert_int_equal(x->latest_state, DISC_SHOWN);
  assert_false(x->latest_flags & OBS_UNSTABLE);
  env_free(e);
}

/* The whole population's latest value on its own counts: 7 of 40 withheld,
 * no progress or variance, "2025 suppressed" for people. */
static void test_latest_withheld(void **state) {
  (void)state;
  Env *e = env_new(FULL);
  example_rows(e);
  run_at(e, "2025");
  const EvalIndicator *x = ind_of(e, "few");
  assert_true(x->has_latest);
  assert_int_equal(x->latest_state, DISC_WITHHELD_SMALL);
  assert_true(isnan(x->latest) && isnan(x->progress) && isnan(x->variance));
  Buf b = {0};
  present_latest(&b, x, "%");
  assert_string_equal(buf_str(&b), "2025 suppressed");
  buf_free(&b);
  env_free(e);
}

/* A count without counts: its value is its numerator (8 withheld, 40 its
 * complement against the whole 48). */
static void test_count_indicator(void **state) {
  (void)state;
  Env *e = env_new(FULL);
  example_rows(e);
  run_at(e, "2025");
  const EvalEquity *q = &ind_of(e, "placed")->equity[0];
  assert_int_equal(cell(q, "Female")->state, DISC_WITHHELD_SMALL);
  assert_int_equal(cell(q, "Male")->state, DISC_WITHHELD_COMPLEMENTARY);
  assert_true(q->not_shown);
  assert_int_equal(ind_of(e, "placed")->latest_state, DISC_SHOWN);
  env_free(e);
}

/* Values without counts: withheld by default, shown with `unknown counts
 * shown`. */
static void test_unknown_counts(void **state) {
  (void)state;
  const char *programs[] = {POLICY("    suppress below 11\n"), POLICY("    suppress below 11\n    unknown counts shown\n")};
  for (int i = 0; i < 2; i++) {
    Env *e = env_new(programs[i]);
    add_group(e, "absent", "race", "Black", "2025", 10.5);
    add_group(e, "absent", "race", "White", "2025", 9);
    run_at(e, "2025");
    const EvalEquity *q = &ind_of(e, "absent")->equity[0];
    assert_int_equal(cell(q, "Black")->state, i ? DISC_SHOWN : DISC_WITHHELD_UNKNOWN_COUNTS);
    assert_int_equal(q->not_shown, i == 0);
    if (i) assert_true(fabs(q->gap - 1.5) < 1e-12);
    env_free(e);
  }
}

/* Without a policy, or with it set aside, nothing is withheld: every cell
 * is made and shown (the report draws them), the measures are computed. */
static void test_no_policy_and_off(void **state) {
  (void)state;
  Env *e = env_new(FULL);
  example_rows(e);
  if (e->writing && e->db->m->commit(e->db) != STORE_OK) fail_msg("commit");
  e->writing = false;
  EvalResult r;
  assert_int_equal(eval_run_disclosure(e->p, e->db, day_of("2025"), true, &r), STORE_OK);
  assert_true(r.has_policy);
  assert_true(r.disclosure_off);
  assert_false(r.policy.present);
  const EvalIndicator *x = eval_find(&r, strmap_get(&e->p->ids, "absent"));
  assert_int_equal(x->equity[0].ncells, 4);
  for (int k = 0; k < 4; k++) assert_int_equal(x->equity[0].cells[k].state, DISC_SHOWN);
  assert_true(x->equity[0].has_whole);
  assert_int_equal(x->equity[0].whole.state, DISC_SHOWN);
  assert_false(x->equity[0].not_shown);
  assert_true(fabs(x->equity[0].gap - (20.0 / 150 * 100 - 4.5)) < 1e-9);
  const EvalIndicator *f = eval_find(&r, strmap_get(&e->p->ids, "few"));
  assert_int_equal(f->latest_state, DISC_SHOWN);
  assert_true(f->latest == 17.5);
  eval_free(&r);
  env_free(e);
  e = env_new("charter \"T\" { vision \"v\" }\n"
              "indicator few \"Few\" { unit \"%\"; direction down }\n");
  add_counts(e, "few", NULL, NULL, "2025", 7, 40, 0);
  run_at(e, "2025");
  assert_false(e->r.has_policy);
  assert_int_equal(ind_of(e, "few")->latest_state, DISC_SHOWN);
  assert_true(ind_of(e, "few")->latest == 17.5);
  env_free(e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_policy_in_model),
      cmocka_unit_test_teardown(test_example, env_teardown),
      cmocka_unit_test_teardown(test_latest_withheld, env_teardown),
      cmocka_unit_test_teardown(test_count_indicator, env_teardown),
      cmocka_unit_test_teardown(test_unknown_counts, env_teardown),
      cmocka_unit_test_teardown(test_no_policy_and_off, env_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
