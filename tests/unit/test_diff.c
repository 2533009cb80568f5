/* charter diff's engine (runtime/diff.c; docs/diff.md): each
 * classification and its near miss, renames, the store's answer for
 * baselines, on programs in memory. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "program.h"

#define HEAD                                                   \
  "charter \"T\" { vision \"v\" }\n"                           \
  "partner hub \"Hub\" { sector nonprofit }\n"                 \
  "partner tu \"Tenants\" { sector community }\n"              \
  "dimension race \"Race\" { groups \"A\", \"B\" }\n"

static Program *load(const char *text) {
  LoadOptions lo = {NULL, NULL};
  Program *p = program_load_text("t.charter", text, strlen(text), &lo);
  if (p->diags.nerrors) {
    diag_print_text(stderr, &p->diags, &p->srcs, (DiagStyle){false, 50, NULL});
    fail_msg("the program has errors");
  }
  return p;
}

typedef struct Run {
  Program *o, *n;
  Diff d;
} Run;

static bool yes(void *ctx, const char *id) {
  (void)ctx;
  return strcmp(id, "rate") == 0;
}
static bool no(void *ctx, const char *id) {
  (void)ctx, (void)id;
  return false;
}

static void run_with(Run *r, const char *old, const char *new_, bool (*has)(void *, const char *)) {
  r->o = load(old);
  r->n = load(new_);
  DiffOptions o = {has, NULL};
  diff_programs(r->o, r->n, &o, &r->d);
}
static void run(Run *r, const char *old, const char *new_) { run_with(r, old, new_, NULL); }
static void done(Run *r) {
  diff_free(&r->d);
  program_free(r->o);
  program_free(r->n);
}

/* The findings' classes, in order, as "a,b,…". */
static const char *classes(const Run *r) {
  static char out[512];
  out[0] = '\0';
  for (int i = 0; i < r->d.nfindings; i++) {
    if (i) strcat(out, ",");
    strcat(out, diff_class_name(r->d.findings[i].cls));
  }
  return out;
}

static void expect(const char *old_body, const char *new_body, const char *want) {
  Run r;
  char *o = malloc(4096), *n = malloc(4096);
  snprintf(o, 4096, HEAD "indicator rate \"Rate\" {\n unit \"%%\"\n direction up\n disaggregate race\n %s\n}\n", old_body);
  snprintf(n, 4096, HEAD "indicator rate \"Rate\" {\n unit \"%%\"\n direction up\n disaggregate race\n %s\n}\n", new_body);
  run(&r, o, n);
  if (strcmp(classes(&r), want) != 0) fail_msg("'%s' -> '%s': found '%s', want '%s'", old_body, new_body, classes(&r), want);
  done(&r);
  free(o);
  free(n);
}

static void test_targets(void **state) {
  (void)state;
  expect("target 60 by 2028", "target 55 by 2028", "target_weakened");
  expect("target 60 by 2028", "target 60 by 2029", "target_weakened");
  expect("target 60 by 2028", "baseline 40 in 2023", "target_weakened"); /* removed */
  expect("target 60 by 2028", "target 65 by 2028", "");                  /* near miss: better */
  expect("target 60 by 2028", "target 60 by 2027", "");                  /* near miss: earlier */
  expect("milestone 50 by 2026", "milestone 45 by 2026", "target_weakened");
  expect("milestone 50 by 2026\n milestone 55 by 2027", "milestone 50 by 2026", "target_weakened");
  expect("milestone 50 by 2026", "milestone 50 by 2026\n milestone 55 by 2027", ""); /* added */
}

static void test_equity(void **state) {
  (void)state;
  expect("equity race gap 5 by 2028", "equity race gap 8 by 2028", "equity_weakened");
  expect("equity race gap 5 by 2028", "equity race gap 3 by 2028", ""); /* tightened */
  expect("equity race gap 5 by 2028", "equity race gap 5 by 2030", "equity_weakened");
  expect("equity race ratio 1.5 by 2028", "equity race ratio 2 by 2028", "equity_weakened");
  expect("equity race \"A\" 60 by 2028", "equity race \"A\" 50 by 2028", "equity_weakened");
  expect("equity race \"A\" 60 by 2028", "equity race \"A\" 70 by 2028", "");
  expect("equity race gap 5 by 2028", "target 60 by 2028", "equity_weakened"); /* removed */
}

static void test_direction_down(void **state) {
  (void)state;
  Run r;
  const char *o = HEAD "indicator rate \"R\" { direction down\n target 10 by 2030 }\n";
  run(&r, o, HEAD "indicator rate \"R\" { direction down\n target 12 by 2030 }\n");
  assert_string_equal(classes(&r), "target_weakened");
  done(&r);
  run(&r, o, HEAD "indicator rate \"R\" { direction down\n target 8 by 2030 }\n");
  assert_string_equal(classes(&r), "");
  done(&r);
}

static void test_baseline(void **state) {
  (void)state;
  const char *o = HEAD "indicator rate \"R\" { direction up\n baseline 40 in 2023 }\n";
  const char *n = HEAD "indicator rate \"R\" { direction up\n baseline 38 in 2023 }\n";
  Run r;
  run(&r, o, n); /* no store: reported, not judged */
  assert_int_equal(r.d.nfindings, 1);
  assert_false(r.d.findings[0].judged);
  assert_int_equal(r.d.nfound[DC_BASELINE_CHANGED], 0);
  assert_int_equal(r.d.unjudged, 1);
  done(&r);
  run_with(&r, o, n, yes); /* data for it */
  assert_int_equal(r.d.nfound[DC_BASELINE_CHANGED], 1);
  assert_true(r.d.findings[0].judged);
  done(&r);
  run_with(&r, o, n, no); /* no data: a plain change */
  assert_int_equal(r.d.nfindings, 0);
  assert_int_equal(r.d.nfound[DC_CHANGED], 1);
  done(&r);
}

static void test_activity(void **state) {
  (void)state;
  const char *ind = "indicator a \"A\" { unit \"people\" }\nindicator b \"B\" { unit \"people\" }\n";
  char o[2048], n[2048];
  snprintf(o, sizeof o, HEAD "%sactivity act \"Act\" { owner hub\n community_owner tu\n metric a, b }\n", ind);
  snprintf(n, sizeof n, HEAD "%sactivity act \"Act\" { owner hub\n metric a }\n", ind);
  Run r;
  run(&r, o, n);
  assert_string_equal(classes(&r), "community_owner_removed,metric_removed");
  done(&r);
  snprintf(n, sizeof n, HEAD "%spartner res \"Res\" { sector community }\nactivity act \"Act\" { owner hub\n community_owner tu, res\n metric b, a }\n", ind);
  run(&r, o, n); /* near miss: an owner added, the order changed */
  assert_string_equal(classes(&r), "");
  done(&r);
}

static void test_council(void **state) {
  (void)state;
  const char *o = HEAD "council c \"C\" { members hub, tu\n decides agenda }\n";
  Run r;
  run(&r, o, HEAD "partner biz \"Biz\" { sector business }\ncouncil c \"C\" { members hub, tu, biz\n decides agenda }\n");
  assert_string_equal(classes(&r), "council_power_reduced");
  done(&r);
  /* near miss: a community seat added */
  run(&r, o, HEAD "partner res \"Res\" { sector community }\ncouncil c \"C\" { members hub, tu, res\n decides agenda }\n");
  assert_string_equal(classes(&r), "");
  done(&r);
  /* near miss: a council that decides nothing */
  run(&r, HEAD "council c \"C\" { members hub, tu }\n",
      HEAD "partner biz \"Biz\" { sector business }\ncouncil c \"C\" { members hub, tu, biz }\n");
  assert_string_equal(classes(&r), "");
  done(&r);
}

static void test_items(void **state) {
  (void)state;
  Run r;
  run(&r, HEAD "use equity\nwaive ci_funder \"r\"\n", HEAD "waive ci_funder \"r\"\nwaive ci_backbone \"r\"\n");
  assert_string_equal(classes(&r), "rule_waived,module_dropped");
  done(&r);
  /* a waiver inside a declaration */
  run(&r, HEAD "goal g \"G\" { }\n", HEAD "goal g \"G\" { waive ci_goal_measured \"later\" }\n");
  assert_string_equal(classes(&r), "rule_waived");
  done(&r);
  /* an indicator removed */
  run(&r, HEAD "indicator x \"X\" { unit \"people\" }\n", HEAD);
  assert_string_equal(classes(&r), "indicator_removed");
  assert_int_equal(r.d.nfound[DC_REMOVED], 1);
  done(&r);
}

static void test_rename(void **state) {
  (void)state;
  Run r;
  /* renamed, and the reference to it updated: one change */
  run(&r, HEAD "indicator x \"X\" { unit \"people\" }\nactivity a \"A\" { owner hub\n metric x }\n",
      HEAD "indicator y \"X\" { unit \"people\" }\nactivity a \"A\" { owner hub\n metric y }\n");
  assert_int_equal(r.d.nchanges, 1);
  assert_int_equal(r.d.changes[0].kind, DC_RENAMED);
  assert_string_equal(r.d.changes[0].id, "y");
  assert_string_equal(r.d.changes[0].old_id, "x");
  assert_string_equal(classes(&r), "");
  done(&r);
  /* ambiguous: two the same, so no rename */
  run(&r, HEAD "goal a \"Same\" { }\ngoal b \"Same\" { }\n", HEAD "goal c \"Same\" { }\ngoal d \"Same\" { }\n");
  assert_int_equal(r.d.nfound[DC_RENAMED], 0);
  assert_int_equal(r.d.nfound[DC_ADDED], 2);
  assert_int_equal(r.d.nfound[DC_REMOVED], 2);
  done(&r);
  /* a renamed indicator is no indicator_removed */
  run(&r, HEAD "indicator x \"X\" { unit \"people\" }\n", HEAD "indicator z \"X\" { unit \"people\" }\n");
  assert_string_equal(classes(&r), "");
  done(&r);
}

/* A rename that also changed the content: paired by kind and title, and
 * classified like any changed declaration. */
static void test_rename_changed(void **state) {
  (void)state;
  Run r;
  run(&r, HEAD "indicator hires \"Hires\" { unit \"people\"\n direction up\n target 120 by 2028 }\nactivity a \"A\" { owner hub\n metric hires }\n",
      HEAD "indicator hires_total \"Hires\" { unit \"people\"\n direction up\n target 80 by 2028 }\nactivity a \"A\" { owner hub\n metric hires_total }\n");
  assert_string_equal(classes(&r), "target_weakened");
  assert_int_equal(r.d.nchanges, 1);
  assert_int_equal(r.d.changes[0].kind, DC_RENAMED);
  assert_string_equal(r.d.changes[0].old_id, "hires");
  assert_int_equal(r.d.changes[0].nattrs, 1);
  assert_string_equal(r.d.changes[0].attrs[0].old_text, "120 by 2028");
  done(&r);
  /* near miss: raised while renamed */
  run(&r, HEAD "indicator hires \"Hires\" { unit \"people\"\n direction up\n target 120 by 2028 }\n",
      HEAD "indicator hires_total \"Hires\" { unit \"people\"\n direction up\n target 130 by 2028 }\n");
  assert_string_equal(classes(&r), "");
  assert_int_equal(r.d.nfound[DC_RENAMED], 1);
  done(&r);
  /* an activity renamed that lost its community owner */
  run(&r, HEAD "activity a \"A\" { owner hub\n community_owner tu }\n", HEAD "activity b \"A\" { owner hub }\n");
  assert_string_equal(classes(&r), "community_owner_removed");
  done(&r);
  /* two of the same title: ambiguous, no pairing (removed and added) */
  run(&r, HEAD "goal a \"Same\" { note \"1\" }\ngoal b \"Same\" { note \"2\" }\n",
      HEAD "goal c \"Same\" { note \"3\" }\ngoal d \"Same\" { note \"4\" }\n");
  assert_int_equal(r.d.nfound[DC_RENAMED], 0);
  assert_int_equal(r.d.nfound[DC_REMOVED], 2);
  done(&r);
  /* another kind of the same title: no pairing */
  run(&r, HEAD "goal a \"Same\" { }\n", HEAD "partner b \"Same\" { sector nonprofit }\n");
  assert_int_equal(r.d.nfound[DC_RENAMED], 0);
  done(&r);
}

/* What a removed declaration takes with it. */
static void test_removed(void **state) {
  (void)state;
  Run r;
  const char *ind = "indicator m \"M\" { unit \"people\" }\n";
  char o[2048], n[2048];
  snprintf(o, sizeof o, HEAD "%sactivity act \"Act\" { owner hub\n community_owner tu\n metric m }\n", ind);
  snprintf(n, sizeof n, HEAD "%s", ind);
  run(&r, o, n);
  assert_string_equal(classes(&r), "community_owner_removed,metric_removed");
  done(&r);
  snprintf(o, sizeof o, HEAD "%sactivity act \"Act\" { owner hub }\n", ind);
  run(&r, o, n); /* near miss: nothing of the community, no metric */
  assert_string_equal(classes(&r), "");
  done(&r);
  run(&r, HEAD "council c \"C\" { members hub, tu\n decides agenda }\n", HEAD);
  assert_string_equal(classes(&r), "council_power_reduced");
  done(&r);
  run(&r, HEAD "council c \"C\" { members hub, tu }\n", HEAD); /* near miss: decided nothing */
  assert_string_equal(classes(&r), "");
  done(&r);
  run(&r, HEAD "council c \"C\" { members hub\n decides agenda }\n", HEAD); /* near miss: no community seat */
  assert_string_equal(classes(&r), "");
  done(&r);
}

/* A council's share computed on both sides, whatever changed. */
static void test_council_sector(void **state) {
  (void)state;
  Run r;
  const char *c = "council c \"C\" { members hub, tu\n decides agenda }\n";
  char o[2048], n[2048];
  snprintf(o, sizeof o, "charter \"T\" { vision \"v\" }\npartner hub \"Hub\" { sector nonprofit }\npartner tu \"Tenants\" { sector community }\n%s", c);
  snprintf(n, sizeof n, "charter \"T\" { vision \"v\" }\npartner hub \"Hub\" { sector nonprofit }\npartner tu \"Tenants\" { sector business }\n%s", c);
  run(&r, o, n);
  assert_string_equal(classes(&r), "council_power_reduced");
  done(&r);
  run(&r, n, o); /* near miss: the share grew */
  assert_string_equal(classes(&r), "");
  done(&r);
}

/* Equity lines paired by period, then date, each used once. */
static void test_equity_pairing(void **state) {
  (void)state;
  /* two lines of the same group, reordered, the earlier tightened: nothing weakened */
  expect("equity race gap 8 by 2026\n equity race gap 5 by 2028", "equity race gap 5 by 2028\n equity race gap 7 by 2026", "");
  /* two lines, both dates moved: paired in date order */
  expect("equity race gap 8 by 2026\n equity race gap 5 by 2028", "equity race gap 5 by 2027\n equity race gap 8 by 2025", "");
  /* the later one loosened: found once, on the right line */
  expect("equity race gap 8 by 2026\n equity race gap 5 by 2028", "equity race gap 8 by 2026\n equity race gap 6 by 2028", "equity_weakened");
  /* one of two removed */
  expect("equity race gap 8 by 2026\n equity race gap 5 by 2028", "equity race gap 5 by 2028", "equity_weakened");
}

/* The direction reversed under a target. */
static void test_direction_flip(void **state) {
  (void)state;
  Run r;
  run(&r, HEAD "indicator rate \"R\" { direction up\n target 60 by 2028 }\n",
      HEAD "indicator rate \"R\" { direction down\n target 60 by 2028 }\n");
  assert_string_equal(classes(&r), "target_weakened");
  done(&r);
  run(&r, HEAD "indicator rate \"R\" { direction up\n milestone 50 by 2026 }\n",
      HEAD "indicator rate \"R\" { direction down\n milestone 50 by 2026 }\n");
  assert_string_equal(classes(&r), "target_weakened");
  done(&r);
  /* near misses: a direction added; flipped with no target */
  run(&r, HEAD "indicator rate \"R\" { unit \"%\" }\n", HEAD "indicator rate \"R\" { unit \"%\"\n direction up }\n");
  assert_string_equal(classes(&r), "");
  done(&r);
  run(&r, HEAD "indicator rate \"R\" { direction up }\n", HEAD "indicator rate \"R\" { direction down }\n");
  assert_string_equal(classes(&r), "");
  done(&r);
}

/* A renamed indicator whose old id the store holds data for: a note. */
static void test_rename_note(void **state) {
  (void)state;
  Run r;
  const char *o = HEAD "indicator rate \"R\" { unit \"%\" }\n", *n = HEAD "indicator rate2 \"R\" { unit \"%\" }\n";
  run_with(&r, o, n, yes);
  assert_int_equal(r.d.nchanges, 1);
  assert_non_null(r.d.changes[0].note);
  assert_non_null(strstr(r.d.changes[0].note, "under the id rate:"));
  done(&r);
  run_with(&r, o, n, no); /* near miss: nothing stored */
  assert_null(r.d.changes[0].note);
  done(&r);
  run(&r, o, n); /* no store */
  assert_null(r.d.changes[0].note);
  done(&r);
}

static void test_names(void **state) {
  (void)state;
  for (int c = 0; c < DC_COUNT; c++) {
    const char *n = diff_class_name(c);
    assert_int_equal(diff_class_from_name(n, strlen(n)), c);
  }
  assert_int_equal(diff_class_from_name("target", 6), -1);
  assert_string_equal(diff_class_words(DC_TARGET_WEAKENED, 2), "targets weakened");
}

static void test_same(void **state) {
  (void)state;
  Run r;
  /* laid out differently: no change */
  run(&r, HEAD "goal g \"G\" { note \"a  b\" }\n", HEAD "\n\ngoal g \"G\" {\n  note   \"a  b\"\n}\n");
  assert_int_equal(r.d.nchanges, 0);
  done(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_targets),  cmocka_unit_test(test_equity), cmocka_unit_test(test_direction_down),
      cmocka_unit_test(test_baseline), cmocka_unit_test(test_activity), cmocka_unit_test(test_council),
      cmocka_unit_test(test_items),    cmocka_unit_test(test_rename), cmocka_unit_test(test_names),
      cmocka_unit_test(test_same),     cmocka_unit_test(test_rename_changed), cmocka_unit_test(test_removed),
      cmocka_unit_test(test_council_sector), cmocka_unit_test(test_equity_pairing),
      cmocka_unit_test(test_direction_flip), cmocka_unit_test(test_rename_note),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
