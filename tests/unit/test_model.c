/* The schema table (lang/schema.def) and the typed views (lang/model.c):
 * every attribute id names the slot of its own attribute in its kind's
 * specs; symbol enumerators follow the words; decl_attr of another kind's
 * attribute reads as absent; and each view reads what was written. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "model.h"

/* Every AttrId, with the kind and name it must stand for. */
static const struct {
  AttrId id;
  DeclKind kind;
  const char *name;
} ids[] = {
#define ATTR(K, ID, NAME, FORM, FLAGS, SYMS, REFS, EX, FIELD, FTYPE, FDEF) {AT_##K##_##ID, D_##K, NAME},
#include "schema.def"
};

static void test_ids_name_their_slots(void **state) {
  (void)state;
  int total = 0;
  for (int k = 0; k < D_KIND_COUNT; k++) {
    int n;
    chk_specs((DeclKind)k, &n);
    total += n;
  }
  assert_int_equal((int)(sizeof ids / sizeof *ids), total);
  for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
    int n;
    const AttrSpec *s = chk_specs(ids[i].kind, &n);
    assert_int_equal(ATTR_KIND(ids[i].id), ids[i].kind);
    assert_true(ATTR_SLOT(ids[i].id) < n);
    assert_string_equal(s[ATTR_SLOT(ids[i].id)].name, ids[i].name);
    assert_int_equal(chk_spec_index(ids[i].kind, ids[i].name), ATTR_SLOT(ids[i].id));
  }
  assert_string_equal(chk_specs(D_INDICATOR, &(int){0})[ATTR_SLOT(AT_INDICATOR_TARGET)].example, "target 60 by 2028");
}

static void test_symbol_words(void **state) {
  (void)state;
  assert_string_equal(schema_DIRECTIONS[DIRECTION_UP], "up");
  assert_string_equal(schema_DIRECTIONS[DIRECTION_DOWN], "down");
  assert_null(schema_DIRECTIONS[2]);
  assert_string_equal(schema_SECTORS[SECTOR_COMMUNITY], "community");
  assert_string_equal(schema_FREQUENCIES[FREQUENCY_QUARTERLY], "quarterly");
  assert_string_equal(schema_HORIZONS[HORIZON_LONG], "long");
  assert_string_equal(schema_DIAGRAMS[DG_ACCOUNTABILITY], "accountability");
  int n;
  const AttrSpec *s = chk_specs(D_OUTCOME, &n);
  assert_ptr_equal(s[ATTR_SLOT(AT_OUTCOME_CHANGE)].symbols, schema_CHANGES);
}

static const char text[] =
    "charter \"C\" { vision \"v\"\n waive ci_funder \"a funder joins in 2026\" }\n"
    "partner lantern \"L\" { sector nonprofit, community\n role funder, backbone }\n"
    "partner city \"City\" { sector government }\n"
    "dimension race \"Race\" { groups \"A\", \"B\" }\n"
    "outcome ready \"R\" { horizon intermediate\n change systems }\n"
    "outcome hired \"H\" { horizon long }\n"
    "indicator rate \"Rate\" { unit \"%\"\n direction down\n baseline 41 in 2023\n target 30 by 2028\n"
    "  milestone 38 by 2025\n milestone 34 by 2026\n frequency monthly\n measures better_off\n"
    "  disaggregate race\n equity race gap 5 by 2028 }\n"
    "indicator count \"Count\" { }\n"
    "indicator share \"Share\" { formula rate / 2 }\n"
    "activity coach \"Coach\" { owner city\n community_owner lantern\n contributes_to ready\n metric rate\n"
    "  start 2024-03\n end 2027\n budget 2500.5 USD\n status paused }\n"
    "activity plain \"Plain\" { owner city }\n";

static Program *load(void) {
  Program *p = program_load_text("t.charter", text, strlen(text), NULL);
  if (p->diags.nerrors)
    for (int i = 0; i < p->diags.items.len; i++) print_message("%s\n", ((Diag *)p->diags.items.items[i])->msg);
  assert_int_equal(p->diags.nerrors, 0);
  return p;
}

static const Decl *decl(Program *p, const char *id) {
  const Decl *d = strmap_get(&p->ids, id);
  assert_non_null(d);
  return d;
}

static void test_other_kind_reads_absent(void **state) {
  (void)state;
  Program *p = load();
  const AttrVals *a = decl_attr(decl(p, "coach"), AT_INDICATOR_UNIT);
  assert_int_equal(a->n, 0);
  assert_null(a->first);
  assert_int_equal(decl_attr(decl(p, "rate"), AT_INDICATOR_UNIT)->n, 1);
  assert_int_equal(decl_waivers(p->charter)->n, 1);
  assert_string_equal(decl_waivers(p->charter)->vals[0].str, "ci_funder");
  assert_int_equal(decl_waivers(decl(p, "coach"))->n, 0);
  program_free(p);
}

static void test_indicator_view(void **state) {
  (void)state;
  Program *p = load();
  const IndicatorView *v = indicator_view(decl(p, "rate"));
  assert_string_equal(v->unit, "%");
  assert_int_equal(v->dir, -1);
  assert_true(v->has_baseline && v->has_target);
  assert_true(v->baseline == 41 && v->target == 30);
  assert_int_equal(v->baseline_per.year, 2023);
  assert_int_equal(v->target_by.year, 2028);
  assert_int_equal(v->nmilestones, 2);
  assert_true(v->milestones[1].num == 34);
  assert_true(v->has_frequency);
  assert_int_equal(v->frequency, FREQUENCY_MONTHLY);
  assert_true(v->has_measures);
  assert_int_equal(v->measures, MEASURES_BETTER_OFF);
  assert_int_equal(v->disaggregate->n, 1);
  assert_int_equal(v->nequity, 1);
  assert_int_equal(v->equity[0].form, EQ_GAP);
  assert_null(v->formula);
  const IndicatorView *c = indicator_view(decl(p, "count"));
  assert_null(c->unit);
  assert_int_equal(c->dir, 0);
  assert_false(c->has_baseline || c->has_target || c->has_frequency || c->has_measures);
  assert_int_equal(c->nmilestones + c->nequity + c->disaggregate->n, 0);
  const IndicatorView *s = indicator_view(decl(p, "share"));
  assert_non_null(s->formula);
  assert_int_equal(s->formula->kind, E_BINARY);
  program_free(p);
}

static void test_activity_partner_outcome_views(void **state) {
  (void)state;
  Program *p = load();
  const ActivityView *a = activity_view(decl(p, "coach"));
  assert_ptr_equal(a->owners->vals[0].ref, decl(p, "city"));
  assert_ptr_equal(a->community_owners->vals[0].ref, decl(p, "lantern"));
  assert_ptr_equal(a->metrics->vals[0].ref, decl(p, "rate"));
  assert_ptr_equal(a->contributes_to->vals[0].ref, decl(p, "ready"));
  assert_true(a->has_status && a->status == STATUS_PAUSED);
  assert_true(a->has_start && a->start.month == 3);
  assert_true(a->has_end && a->end.year == 2027);
  assert_true(a->has_budget && fabs(a->budget - 2500.5) < 1e-9);
  assert_string_equal(a->currency, "USD");
  const ActivityView *b = activity_view(decl(p, "plain"));
  assert_false(b->has_status || b->has_start || b->has_end || b->has_budget);
  assert_int_equal(b->community_owners->n, 0);
  const PartnerView *l = partner_view(decl(p, "lantern")), *c = partner_view(decl(p, "city"));
  assert_true(l->is_community);
  assert_int_equal(l->sectors, (1u << SECTOR_NONPROFIT) | (1u << SECTOR_COMMUNITY));
  assert_int_equal(l->roles, (1u << ROLE_FUNDER) | (1u << ROLE_BACKBONE));
  assert_false(c->is_community);
  assert_int_equal(c->roles, 0);
  const OutcomeView *r = outcome_view(decl(p, "ready")), *h = outcome_view(decl(p, "hired"));
  assert_int_equal(r->horizon, HORIZON_INTERMEDIATE);
  assert_true(r->has_change);
  assert_int_equal(r->change, CHANGE_SYSTEMS);
  assert_int_equal(h->horizon, HORIZON_LONG);
  assert_false(h->has_change);
  assert_int_equal(h->change, CHANGE_INDIVIDUAL);
  assert_null(decl(p, "race")->view);
  program_free(p);
}

/* Scale and bounds: "%" implies per 100 and 0..100, `per N` a scale N and
 * 0.., `range` replaces the bounds; benchmarks, compare values and an equity
 * line's reference group are carried as written. */
static const char rates_text[] =
    "charter \"C\" { vision \"v\" }\n"
    "dimension race \"Race\" { groups \"A\", \"B\", \"White\" }\n"
    "indicator pct \"Pct\" { unit \"%\" }\n"
    "indicator pct_wide \"Pct\" { unit \"%\"\n per 100\n range 0 to 200 }\n"
    "indicator imr \"IMR\" { per 1000\n direction down\n benchmark 5.4\n benchmark 4\n"
    "  compare 5.6 \"national rate\"\n disaggregate race\n equity race ratio 1.5 to \"White\" by 2030\n"
    "  equity race gap 2 by 2030\n equity race \"A\" 4 by 2030 }\n"
    "indicator rate_range \"R\" { per 100_000\n range -5 to 50.5 }\n"
    "indicator plain \"Plain\" { unit \"families\" }\n";

static void test_indicator_scale_bounds(void **state) {
  (void)state;
  Program *p = program_load_text("t.charter", rates_text, strlen(rates_text), NULL);
  assert_int_equal(p->diags.nerrors + p->diags.nwarnings, 0);
  const IndicatorView *v = indicator_view(decl(p, "pct"));
  assert_true(v->has_scale && v->scale == 100);
  assert_true(v->lo == 0 && v->hi == 100);
  assert_false(v->has_range);
  v = indicator_view(decl(p, "pct_wide"));
  assert_true(v->has_scale && v->scale == 100);
  assert_true(v->has_range && v->lo == 0 && v->hi == 200);
  v = indicator_view(decl(p, "imr"));
  assert_true(v->has_scale && v->scale == 1000);
  assert_true(v->lo == 0 && isinf(v->hi) && v->hi > 0);
  assert_false(v->has_range);
  assert_int_equal(v->nbenchmarks, 2);
  assert_true(v->benchmarks[0].num == 5.4 && v->benchmarks[1].num == 4);
  assert_int_equal(v->ncompares, 1);
  assert_true(v->compares[0].num == 5.6);
  assert_string_equal(v->compares[0].str, "national rate");
  assert_int_equal(v->nequity, 3);
  assert_int_equal(v->equity[0].form, EQ_RATIO);
  assert_true(v->equity[0].num == 1.5);
  assert_string_equal(v->equity[0].reference, "White");
  assert_int_equal(v->equity[0].per.year, 2030);
  assert_int_equal(v->equity[1].form, EQ_GAP);
  assert_null(v->equity[1].reference);
  assert_int_equal(v->equity[2].form, EQ_GROUP);
  assert_null(v->equity[2].reference);
  v = indicator_view(decl(p, "rate_range"));
  assert_true(v->has_scale && v->scale == 100000);
  assert_true(v->has_range && v->lo == -5 && v->hi == 50.5);
  v = indicator_view(decl(p, "plain"));
  assert_false(v->has_scale || v->has_range);
  assert_true(v->scale == 1);
  assert_true(isinf(v->lo) && v->lo < 0 && isinf(v->hi) && v->hi > 0);
  assert_int_equal(v->nbenchmarks + v->ncompares, 0);
  program_free(p);
}

/* A `per` or `range` that failed its check is left out of the view. */
static void test_indicator_bad_scale_left_out(void **state) {
  (void)state;
  static const char bad[] = "charter \"C\" { vision \"v\" }\n"
                            "indicator r \"R\" { per 250\n range 5 to 1 }\n";
  Program *p = program_load_text("t.charter", bad, sizeof bad - 1, NULL);
  assert_int_equal(p->diags.nerrors, 2);
  const IndicatorView *v = indicator_view(decl(p, "r"));
  assert_false(v->has_scale || v->has_range);
  assert_true(v->scale == 1 && isinf(v->lo) && isinf(v->hi));
  program_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ids_name_their_slots),
      cmocka_unit_test(test_symbol_words),
      cmocka_unit_test(test_other_kind_reads_absent),
      cmocka_unit_test(test_indicator_view),
      cmocka_unit_test(test_activity_partner_outcome_views),
      cmocka_unit_test(test_indicator_scale_bounds),
      cmocka_unit_test(test_indicator_bad_scale_left_out),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
