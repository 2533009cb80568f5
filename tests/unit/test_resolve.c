/* Loading and the built-in checks (lang/load.c, lang/check.c) on small
 * programs: resolution, duplicates, unresolved names, kinds, required
 * attributes, cycles, modules and imports through real files. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "program.h"
#include "diags.h"

static int count_rule(const Program *p, const char *rule) { return diags_count(&p->diags, rule); }

static const Diag *find_diag(const Program *p, const char *rule, const char *text) {
  return diags_find(&p->diags, rule, text);
}

/* ---- helpers ---- */

static Program *load_opt(const char *text, const LoadOptions *opt) {
  Program *p = program_load_text("t.charter", text, strlen(text), opt);
  assert_non_null(p);
  return p;
}

static Program *load(const char *text) { return load_opt(text, NULL); }

static void dump(const Program *p) {
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    int line = 0, col = 0;
    Src *s = src_get(&p->srcs, g->loc.file);
    if (s) src_linecol(s, g->loc.start, &line, &col);
    fprintf(stderr, "  %s:%d:%d [%s] %s\n", s ? s->path : "?", line, col, g->rule, g->msg);
  }
}



static void loc_is(const Program *p, Loc loc, int line, int col) {
  int l, c;
  src_linecol(src_get(&p->srcs, loc.file), loc.start, &l, &c);
  if (l != line || c != col) fail_msg("at %d:%d, expected %d:%d", l, c, line, col);
}

static const Diag *expect_diag(const Program *p, const char *rule, const char *text, int line, int col) {
  const Diag *g = find_diag(p, rule, text);
  if (!g) {
    dump(p);
    fail_msg("no [%s] diagnostic containing \"%s\"", rule, text);
  }
  loc_is(p, g->loc, line, col);
  return g;
}

static void expect_no_errors(const Program *p) {
  if (p->diags.nerrors) dump(p);
  assert_int_equal(p->diags.nerrors, 0);
}

static const Decl *decl(const Program *p, const char *id) {
  const Decl *d = strmap_get(&p->ids, id);
  if (!d) fail_msg("'%s' is not declared", id);
  return d;
}

/* ---- resolution ---- */

static const char EXAMPLE[] =
    "# Recovery at Work: a Hampton Roads coalition\n"
    "charter \"Recovery at Work\" {\n"
    "  vision \"Every resident in recovery has a path to meaningful work\"\n"
    "  problem \"\"\"\n"
    "    Substance use disorder pushes people out of work.\n"
    "    \"\"\"\n"
    "  region \"Norfolk, Virginia\"\n"
    "  period 2024 to 2030\n"
    "  champion city_norfolk\n"
    "}\n"
    "\n"
    "use collective_impact\n"
    "use equity\n"
    "use dimensions\n"
    "\n"
    "partner caretrek \"CareTrek Support Group\" {\n"
    "  sector nonprofit\n"
    "  role backbone\n"
    "  backbone_functions vision_strategy, aligned_activities, shared_measurement,\n"
    "                     public_will, policy, funding\n"
    "}\n"
    "partner city_norfolk \"City of Norfolk\" { sector government; role champion, funder }\n"
    "partner ebony_heights \"Ebony Heights Residents Council\" { sector community }\n"
    "council steering \"Steering Committee\" {\n"
    "  members caretrek, city_norfolk, ebony_heights\n"
    "  decides agenda, resources\n"
    "  meets monthly\n"
    "}\n"
    "goal employed \"Residents in recovery are employed\" {\n"
    "  indicator employment_rate\n"
    "}\n"
    "outcome job_ready \"Participants finish job-readiness training\" {\n"
    "  horizon short\n"
    "  leads_to hired\n"
    "  indicator completion_rate\n"
    "}\n"
    "outcome hired \"Employers hire people in recovery\" {\n"
    "  horizon intermediate\n"
    "  change systems\n"
    "  leads_to employed\n"
    "  assumption \"Employers adopt recovery-friendly hiring policies\"\n"
    "}\n"
    "indicator employment_rate \"Employment rate, residents in recovery\" {\n"
    "  unit \"%\"\n"
    "  direction up\n"
    "  baseline 41 in 2023\n"
    "  milestone 50 by 2026\n"
    "  target 60 by 2028\n"
    "  source \"Virginia Employment Commission\"\n"
    "  reported_by caretrek\n"
    "  frequency quarterly\n"
    "  disaggregate race_ethnicity\n"
    "  equity race_ethnicity gap 5 by 2028\n"
    "}\n"
    "indicator completion_rate \"Training completion rate\" {\n"
    "  unit \"%\"\n"
    "  direction up\n"
    "  baseline 52 in 2023\n"
    "  target 75 by 2027\n"
    "  source \"Tidewater Community College records\"\n"
    "}\n"
    "indicator people_coached \"People coached\" {\n"
    "  unit \"people\"\n"
    "  source \"CareTrek case records\"\n"
    "  measures how_much\n"
    "}\n"
    "activity coaching \"Workplace peer recovery coaching\" {\n"
    "  owner caretrek\n"
    "  community_owner ebony_heights\n"
    "  contributes_to job_ready\n"
    "  metric people_coached\n"
    "  start 2024-03\n"
    "  end 2027-12\n"
    "  budget 250000 USD\n"
    "  status active\n"
    "}\n";

static void test_language_example_resolves(void **state) {
  (void)state;
  Program *p = load(EXAMPLE);
  expect_no_errors(p);
  assert_non_null(p->charter);
  assert_int_equal(p->charter->kind, D_CHARTER);

  const Decl *coaching = decl(p, "coaching");
  const AttrVals *owner = decl_attr(coaching, AT_ACTIVITY_OWNER);
  assert_int_equal(owner->n, 1);
  assert_ptr_equal(owner->vals[0].ref, decl(p, "caretrek"));
  assert_ptr_equal(decl_attr(coaching, AT_ACTIVITY_COMMUNITY_OWNER)->vals[0].ref, decl(p, "ebony_heights"));
  assert_ptr_equal(decl_attr(coaching, AT_ACTIVITY_CONTRIBUTES_TO)->vals[0].ref, decl(p, "job_ready"));
  const AttrVals *budget = decl_attr(coaching, AT_ACTIVITY_BUDGET);
  assert_true(budget->vals[0].num == 250000.0);
  assert_string_equal(budget->vals[0].str, "USD");
  assert_string_equal(decl_attr(coaching, AT_ACTIVITY_STATUS)->vals[0].str, "active");
  assert_int_equal(decl_attr(coaching, AT_ACTIVITY_START)->vals[0].per.month, 3);

  /* leads_to reaches an outcome and a goal. */
  assert_ptr_equal(decl_attr(decl(p, "job_ready"), AT_OUTCOME_LEADS_TO)->vals[0].ref, decl(p, "hired"));
  assert_int_equal(decl_attr(decl(p, "hired"), AT_OUTCOME_LEADS_TO)->vals[0].ref->kind, D_GOAL);

  /* A list attribute spread over two lines. */
  const AttrVals *fn = decl_attr(decl(p, "caretrek"), AT_PARTNER_BACKBONE_FUNCTIONS);
  assert_int_equal(fn->n, 6);
  assert_string_equal(fn->vals[5].str, "funding");
  assert_int_equal(decl_attr(decl(p, "steering"), AT_COUNCIL_MEMBERS)->n, 3);
  assert_int_equal(decl_attr(decl(p, "city_norfolk"), AT_PARTNER_ROLE)->n, 2);

  /* The dimension comes from the standard library. */
  const Decl *race = decl(p, "race_ethnicity");
  assert_int_equal(race->kind, D_DIMENSION);
  assert_true(src_get(&p->srcs, race->id_loc.file)->is_stdlib);
  assert_string_equal(src_get(&p->srcs, race->id_loc.file)->path, "<stdlib>/dimensions.charter");
  assert_int_equal(decl_attr(race, AT_DIMENSION_GROUPS)->n, 7);
  const AttrVals *eq = decl_attr(decl(p, "employment_rate"), AT_INDICATOR_EQUITY);
  assert_int_equal(eq->n, 1);
  assert_int_equal(eq->vals[0].form, EQ_GAP);
  assert_true(eq->vals[0].num == 5.0);
  assert_ptr_equal(eq->vals[0].ref, race);
  assert_int_equal(eq->vals[0].per.year, 2028);

  /* The charter's range and its champion. */
  const AttrVals *period = decl_attr(p->charter, AT_CHARTER_PERIOD);
  assert_int_equal(period->vals[0].per.year, 2024);
  assert_int_equal(period->vals[0].per2.year, 2030);
  assert_ptr_equal(decl_attr(p->charter, AT_CHARTER_CHAMPION)->vals[0].ref, decl(p, "city_norfolk"));
  assert_string_equal(decl_attr(p->charter, AT_CHARTER_PROBLEM)->vals[0].str,
                      "Substance use disorder pushes people out of work.");
  program_free(p);
}

static void test_forward_references(void **state) {
  (void)state;
  Program *p = load("charter \"C\" { champion later }\n"
                    "activity a \"A\" { owner later; contributes_to g }\n"
                    "goal g \"G\" {}\n"
                    "partner later \"Later\" { sector media }\n");
  expect_no_errors(p);
  assert_ptr_equal(decl_attr(decl(p, "a"), AT_ACTIVITY_OWNER)->vals[0].ref, decl(p, "later"));
  program_free(p);
}

static void test_duplicate_with_note(void **state) {
  (void)state;
  Program *p = load("charter \"C\" {}\n"
                    "partner dup \"One\" { sector media }\n"
                    "goal other \"G\" {}\n"
                    "partner dup \"Two\" { sector media }\n");
  const Diag *g = expect_diag(p, "duplicate", "'dup' is already declared (as a partner)", 4, 9);
  assert_non_null(g->notes);
  assert_null(g->notes->next);
  assert_true(g->notes->has_loc);
  loc_is(p, g->notes->loc, 2, 9);
  assert_non_null(strstr(g->notes->msg, "'dup' is first declared here"));
  assert_int_equal(count_rule(p, "duplicate"), 1);
  /* The first declaration is the one the name means. */
  assert_string_equal(decl(p, "dup")->title, "One");
  program_free(p);

  /* Across kinds. */
  p = load("charter \"C\" {}\ngoal x \"G\" {}\noutcome x \"O\" { horizon short }\n");
  expect_diag(p, "duplicate", "(as a goal)", 3, 9);
  program_free(p);
}

static void test_unresolved_did_you_mean(void **state) {
  (void)state;
  Program *p = load("charter \"C\" {}\n"
                    "partner caretrek \"CareTrek\" { sector nonprofit }\n"
                    "activity a \"A\" {\n"
                    "  owner caretrk\n"
                    "  funded_by zzzzzz\n"
                    "}\n");
  expect_diag(p, "unresolved", "'caretrk' is not declared; did you mean 'caretrek'?", 4, 9);
  /* Nothing near: no suggestion, but what was expected. */
  const Diag *g = expect_diag(p, "unresolved", "'zzzzzz' is not declared", 5, 13);
  assert_null(strstr(g->msg, "did you mean"));
  assert_non_null(strstr(g->msg, "a partner"));
  assert_int_equal(count_rule(p, "unresolved"), 2);
  assert_int_equal(decl_attr(decl(p, "a"), AT_ACTIVITY_OWNER)->n, 0);
  program_free(p);
}

static void test_kind_errors(void **state) {
  (void)state;
  Program *p = load("charter \"C\" {}\n"
                    "partner pa \"P\" { sector media }\n"
                    "outcome ou \"O\" { horizon short; leads_to pa }\n"
                    "activity ac \"A\" { owner ou; metric pa }\n"
                    "indicator ind \"I\" { disaggregate pa }\n");
  const Diag *g = expect_diag(p, "kind", "'pa' is a partner, but leads_to needs a goal or an outcome", 3, 42);
  assert_non_null(g->notes);
  loc_is(p, g->notes->loc, 2, 9);
  g = expect_diag(p, "kind", "'ou' is an outcome, but owner needs a partner", 4, 25);
  loc_is(p, g->notes->loc, 3, 9);
  expect_diag(p, "kind", "'pa' is a partner, but metric needs an indicator", 4, 36);
  expect_diag(p, "kind", "but disaggregate needs a dimension", 5, 34);
  assert_int_equal(count_rule(p, "kind"), 4);
  assert_int_equal(count_rule(p, "unresolved"), 0);
  program_free(p);
}

static void test_required_attributes(void **state) {
  (void)state;
  Program *p = load("charter \"C\" {}\n"
                    "partner pa \"P\" { role funder }\n"
                    "council co \"C\" { meets monthly }\n"
                    "outcome ou \"O\" { change systems }\n"
                    "dimension di \"D\" { note \"n\" }\n"
                    "rule ru \"R\" { severity warning }\n"
                    "indicator ind \"I\" { target 5 by 2027 }\n"
                    "goal go \"G\" {}\n");
  expect_diag(p, "required", "partner 'pa' has no sector", 2, 9);
  expect_diag(p, "required", "council 'co' has no members", 3, 9);
  expect_diag(p, "required", "outcome 'ou' has no horizon", 4, 9);
  expect_diag(p, "required", "dimension 'di' has no groups", 5, 11);
  expect_diag(p, "required", "rule 'ru' has no require", 6, 6);
  expect_diag(p, "required", "indicator 'ind' has a target but no direction", 7, 11);
  assert_int_equal(count_rule(p, "required"), 6);
  program_free(p);

  /* A milestone or an equity line also needs a direction. */
  p = load("charter \"C\" {}\nuse dimensions\n"
           "indicator i \"I\" { milestone 5 by 2027 }\n"
           "indicator j \"J\" { disaggregate gender; equity gender gap 2 by 2027 }\n");
  expect_diag(p, "required", "'i' has a milestone but no direction", 3, 11);
  expect_diag(p, "required", "'j' has an equity target but no direction", 4, 11);
  program_free(p);

  /* A block with a syntax error is not also told what it lacks. */
  p = load("charter \"C\" {}\npartner pa \"P\" {\n  role funder )\n}\n");
  assert_int_equal(count_rule(p, "syntax"), 1);
  assert_int_equal(count_rule(p, "required"), 0);
  program_free(p);
}

static void test_attribute_errors(void **state) {
  (void)state;
  Program *p = load("charter \"C\" {}\n"
                    "partner pa \"P\" {\n"
                    "  sectr nonprofit\n"
                    "  sector nonprofitt, community\n"
                    "  role funder\n"
                    "  role data\n"
                    "  contact \"a@b.org\"\n"
                    "  contact \"c@d.org\"\n"
                    "}\n"
                    "council co \"Co\" { members pa; meets monthly, weekly }\n");
  expect_diag(p, "attribute", "has no attribute 'sectr'; did you mean 'sector'?", 3, 3);
  expect_diag(p, "attribute", "unknown sector 'nonprofitt'; did you mean 'nonprofit'?", 4, 10);
  /* A scalar given twice names both places. */
  const Diag *g = expect_diag(p, "attribute", "'contact' is given twice", 8, 3);
  assert_non_null(g->notes);
  assert_string_equal(g->notes->msg, "first given here");
  loc_is(p, g->notes->loc, 7, 3);
  expect_diag(p, "attribute", "'meets' takes one value", 10, 46);
  assert_int_equal(count_rule(p, "attribute"), 4);
  /* A list attribute written twice appends. */
  const AttrVals *role = decl_attr(decl(p, "pa"), AT_PARTNER_ROLE);
  assert_int_equal(role->n, 2);
  assert_string_equal(role->vals[0].str, "funder");
  assert_string_equal(role->vals[1].str, "data");
  /* The good symbol of a partly bad list is kept. */
  const AttrVals *sector = decl_attr(decl(p, "pa"), AT_PARTNER_SECTOR);
  assert_int_equal(sector->n, 1);
  assert_string_equal(sector->vals[0].str, "community");
  program_free(p);

  /* Forms: a phrase that does not match its attribute's form. */
  p = load("charter \"C\" { region Norfolk }\n"
           "indicator i \"I\" { direction up; baseline 41 by 2023; target 60 in 2028 }\n"
           "activity a \"A\" { budget 100 usd; start soon }\n");
  expect_diag(p, "attribute", "'region' takes a string in quotes", 1, 22);
  expect_diag(p, "attribute", "'baseline' takes a number, 'in' and a period", 2, 42);
  expect_diag(p, "attribute", "'target' takes a number, 'by' and a period", 2, 61);
  expect_diag(p, "attribute", "'usd' is not a currency code", 3, 29);
  expect_diag(p, "attribute", "'start' takes a period", 3, 40);
  program_free(p);
}

static void test_council_and_dimension_checks(void **state) {
  (void)state;
  Program *p = load("charter \"C\" {}\n"
                    "partner a \"A\" { sector community }\n"
                    "partner b \"B\" { sector media }\n"
                    "council co \"Co\" { members a; chairs a, b }\n"
                    "dimension one \"One\" { groups \"Only\" }\n"
                    "dimension two \"Two\" { groups \"X\", \"Y\", \"X\" }\n"
                    "indicator i \"I\" { direction up; disaggregate two; equity two gap -1 by 2027 }\n");
  expect_diag(p, "attribute", "chair 'b' is not a member of council 'co'", 4, 40);
  expect_diag(p, "attribute", "dimension 'one' needs at least two groups", 5, 23);
  const Diag *g = expect_diag(p, "attribute", "group \"X\" is listed twice", 6, 40);
  loc_is(p, g->notes->loc, 6, 30);
  expect_diag(p, "equity", "a gap limit cannot be negative", 7, 66);
  assert_int_equal(p->diags.nerrors, 4);
  program_free(p);
}

static void test_cycles(void **state) {
  (void)state;
  Program *p = load("charter \"C\" {}\n"
                    "outcome a \"A\" { horizon short; leads_to b }\n"
                    "outcome b \"B\" { horizon short; leads_to c }\n"
                    "outcome c \"C\" { horizon short; leads_to a, g }\n"
                    "goal g \"G\" {}\n");
  expect_diag(p, "cycle", "leads_to forms a cycle: a → b → c → a", 4, 41);
  assert_int_equal(count_rule(p, "cycle"), 1);
  program_free(p);

  /* A self-loop. */
  p = load("charter \"C\" {}\noutcome a \"A\" { horizon long; leads_to a }\n");
  expect_diag(p, "cycle", "a → a", 2, 40);
  program_free(p);

  /* A diamond is not a cycle. */
  p = load("charter \"C\" {}\n"
           "outcome a \"A\" { horizon short; leads_to b, c }\n"
           "outcome b \"B\" { horizon short; leads_to d }\n"
           "outcome c \"C\" { horizon short; leads_to d }\n"
           "goal d \"D\" {}\n");
  assert_int_equal(count_rule(p, "cycle"), 0);
  expect_no_errors(p);
  program_free(p);

  /* Formulas. */
  p = load("charter \"C\" {}\n"
           "indicator x \"X\" { formula y + 1 }\n"
           "indicator y \"Y\" { formula z * 2 }\n"
           "indicator z \"Z\" { formula (x - 1) / 2 }\n"
           "indicator w \"W\" { formula x + y }\n");
  expect_diag(p, "cycle", "formulas form a cycle: x → y → z → x", 4, 28);
  assert_int_equal(count_rule(p, "cycle"), 1);
  program_free(p);
}

/* A cycle of more than 20 links is listed by its first ten and last nine
 * outcomes, so that many long cycles cannot make the output quadratic; 20
 * links are listed whole. */
static void test_long_cycle_listing(void **state) {
  (void)state;
  Buf b = {0};
  buf_puts(&b, "charter \"C\" {}\n");
  for (int i = 0; i < 25; i++) buf_printf(&b, "outcome o%d \"O\" { horizon short; leads_to o%d }\n", i, (i + 1) % 25);
  Program *p = load(buf_str(&b));
  expect_diag(p, "cycle",
              "leads_to forms a cycle: o0 → o1 → o2 → o3 → o4 → o5 → o6 → o7 → o8 → o9 → … (6 more) → o16 → o17 → "
              "o18 → o19 → o20 → o21 → o22 → o23 → o24 → o0",
              26, 43);
  program_free(p);
  buf_free(&b);
  buf_puts(&b, "charter \"C\" {}\n");
  for (int i = 0; i < 20; i++) buf_printf(&b, "outcome o%d \"O\" { horizon short; leads_to o%d }\n", i, (i + 1) % 20);
  p = load(buf_str(&b));
  expect_diag(p, "cycle",
              "leads_to forms a cycle: o0 → o1 → o2 → o3 → o4 → o5 → o6 → o7 → o8 → o9 → o10 → o11 → o12 → o13 → "
              "o14 → o15 → o16 → o17 → o18 → o19 → o0",
              21, 43);
  program_free(p);
  buf_free(&b);
}

/* A formula of terms x + x + …: the chain nests as deep as it is long. */
static Program *load_formula_chain(int terms) {
  Buf b = {0};
  buf_puts(&b, "charter \"C\" {}\nindicator x \"X\" {}\nindicator t \"T\" { formula x");
  for (int i = 1; i < terms; i++) buf_puts(&b, " + x");
  buf_puts(&b, " }\n");
  Program *p = load(buf_str(&b));
  buf_free(&b);
  return p;
}

/* A formula is walked with a work list, however long: 2,000 terms check
 * clean, 5,000 are one error (too deep for eval), not a stack overflow. */
static void test_formula_depth(void **state) {
  (void)state;
  Program *p = load_formula_chain(2000);
  expect_no_errors(p);
  program_free(p);
  p = load_formula_chain(5000);
  expect_diag(p, "type",
              "this formula nests more than 2000 levels deep (each operand of a chain such as a + b + c counts as one)",
              3, 27);
  assert_int_equal(p->diags.nerrors, 1);
  program_free(p);
}

static void test_formula_names(void **state) {
  (void)state;
  Program *p = load("charter \"C\" {}\n"
                    "partner pa \"P\" { sector media }\n"
                    "indicator hired \"H\" {}\n"
                    "indicator rate \"R\" { formula hird / pa * 100 }\n"
                    "indicator bad \"B\" { formula hired > 1 }\n");
  expect_diag(p, "unresolved", "'hird' is not declared; did you mean 'hired'?", 4, 30);
  expect_diag(p, "kind", "'pa' is a partner, but a formula names indicators", 4, 37);
  expect_diag(p, "type", "a formula uses only", 5, 29);
  program_free(p);
}

static void test_use_dimensions_hint(void **state) {
  (void)state;
  Program *p = load("charter \"C\" {}\n"
                    "indicator i \"I\" { disaggregate race_ethnicity, gender }\n");
  expect_diag(p, "unresolved", "add `use dimensions`", 2, 32);
  const Diag *g = expect_diag(p, "unresolved", "'gender'", 2, 48);
  assert_non_null(strstr(g->msg, "add `use dimensions`"));
  program_free(p);

  p = load("use dimensions\ncharter \"C\" {}\nindicator i \"I\" { disaggregate race_ethnicity, gender }\n");
  expect_no_errors(p);
  assert_int_equal(decl_attr(decl(p, "i"), AT_INDICATOR_DISAGGREGATE)->n, 2);
  assert_int_equal(p->modules.len, 1);
  assert_string_equal(p->modules.items[0], "dimensions");
  program_free(p);

  /* A name no module declares gets no such hint. */
  p = load("charter \"C\" {}\nindicator i \"I\" { disaggregate race }\n");
  const Diag *h = expect_diag(p, "unresolved", "'race'", 2, 32);
  assert_null(strstr(h->msg, "use dimensions"));
  program_free(p);
}

static void test_modules(void **state) {
  (void)state;
  Program *p = load("charter \"C\" {}\nuse dimensoins\n");
  expect_diag(p, "import", "unknown module 'dimensoins'; did you mean 'dimensions'?", 2, 5);
  program_free(p);
  p = load("charter \"C\" {}\nuse zzzzzz\n");
  const Diag *g = expect_diag(p, "import", "unknown module 'zzzzzz'", 2, 5);
  assert_non_null(strstr(g->msg, "dimensions"));
  program_free(p);
  /* A module's declarations stand at its use line. */
  p = load("partner a \"A\" { sector media }\nuse dimensions\npartner b \"B\" { sector media }\ncharter \"C\" {}\n");
  expect_no_errors(p);
  assert_string_equal(((Decl *)p->decls.items[0])->id, "a");
  assert_int_equal(((Decl *)p->decls.items[1])->kind, D_DIMENSION);
  assert_true(src_get(&p->srcs, ((Decl *)p->decls.items[1])->id_loc.file)->is_stdlib);
  assert_int_equal(decl(p, "b")->index, p->decls.len - 2);
  program_free(p);
  /* A module used twice is loaded once. */
  p = load("charter \"C\" {}\nuse dimensions\nuse dimensions\n");
  expect_no_errors(p);
  assert_int_equal(count_rule(p, "duplicate"), 0);
  assert_int_equal(p->srcs.len, 2);
  program_free(p);
}

static void test_charter_count(void **state) {
  (void)state;
  Program *p = load("partner pa \"P\" { sector media }\n");
  expect_diag(p, "charter", "no charter block", 1, 1);
  assert_null(p->charter);
  program_free(p);

  p = load("charter \"One\" {}\ncharter \"Two\" {}\n");
  const Diag *g = expect_diag(p, "charter", "second one", 2, 1);
  assert_non_null(g->notes);
  loc_is(p, g->notes->loc, 1, 1);
  assert_string_equal(p->charter->title, "One");
  program_free(p);
}

static void test_community_equity_direction(void **state) {
  (void)state;
  Program *p = load("use dimensions\n"
                    "charter \"C\" {}\n"
                    "partner biz \"Biz\" { sector business }\n"
                    "activity a \"A\" { community_owner biz }\n"
                    "indicator i \"I\" {\n"
                    "  direction up\n"
                    "  baseline 50 in 2023\n"
                    "  target 40 by 2027\n"
                    "  disaggregate gender\n"
                    "  equity gender \"Women\" 45 by 2027\n"
                    "  equity race_ethnicity gap 5 by 2027\n"
                    "  equity gender ratio 0.5 by 2027\n"
                    "}\n");
  const Diag *g = expect_diag(p, "community", "community owner 'biz' is not a community partner", 4, 34);
  loc_is(p, g->notes->loc, 3, 9);
  expect_diag(p, "equity", "dimension 'gender' has no group \"Women\"; did you mean \"Woman\"?", 10, 10);
  expect_diag(p, "equity", "not disaggregated by 'race_ethnicity'", 11, 10);
  expect_diag(p, "equity", "a ratio limit is at least 1", 12, 23);
  g = expect_diag(p, "direction", "below the baseline", 8, 10);
  assert_int_equal(g->sev, SEV_WARNING);
  loc_is(p, g->notes->loc, 6, 13);
  program_free(p);
}

static void test_waivers(void **state) {
  (void)state;
  Program *p = load("charter \"C\" { waive unresolved \"no\" }\n"
                    "rule my_rule \"R\" { require true }\n"
                    "waive my_rul \"typo\"\n"
                    "waive my_rule \"fine\"\n"
                    "waive syntax \"no\"\n");
  expect_diag(p, "waiver", "'unresolved' is a built-in check and cannot be waived", 1, 21);
  const Diag *g = expect_diag(p, "waiver", "no rule is named 'my_rul'; did you mean 'my_rule'?", 3, 7);
  assert_int_equal(g->sev, SEV_WARNING);
  expect_diag(p, "waiver", "'syntax' is a built-in check", 5, 7);
  assert_int_equal(count_rule(p, "waiver"), 3);
  program_free(p);
}

static void test_messages_start_lower_case(void **state) {
  (void)state;
  /* docs/commands.md ("charter check"): charter's own messages start with a
   * lower-case letter. */
  static const char *const programs[] = {
      "partner p \"P\" { sectr x; sector nonprofitt; contact \"a\"; contact \"b\" }\n",
      "charter \"A\" {}\ncharter \"B\" {}\ngoal g \"G\" {}\ngoal g \"H\" {}\n",
      "charter \"A\" {}\nactivity a \"A\" { owner zz; start 2028; end 2027; budget -1 usd; status doing }\n",
      "charter \"A\" {}\noutcome o \"O\" { leads_to o; indicator o }\nuse nosuchmodule\nwaive syntax \"x\"\n",
      "charter \"A\" {}\nindicator i \"I\" { target 5 by 2027; baseline 9 in 2028; equity race_ethnicity gap 1 by 2027 }\n",
      "Partner p \"P\" {}\npartner q {}\ngoal g \"G\" { x = 1; y: 2 }\nrule r \"R\" { require (a\n}\n",
      "charter \"A\" { note \"\\q \\u{D800}\" }\npartner p \"P\" { note 12345678901234567 2023-13 1x }\n",
      "charter \"A\" {\n",
  };
  for (size_t i = 0; i < sizeof programs / sizeof *programs; i++) {
    Program *p = load(programs[i]);
    assert_true(p->diags.items.len > 0);
    for (int k = 0; k < p->diags.items.len; k++) {
      const Diag *g = p->diags.items.items[k];
      if (g->msg[0] >= 'A' && g->msg[0] <= 'Z') fail_msg("message starts upper-case: %s", g->msg);
      assert_true(g->msg[0] != '\0');
      for (const DiagNote *n = g->notes; n; n = n->next)
        if (n->msg[0] >= 'A' && n->msg[0] <= 'Z') fail_msg("note starts upper-case: %s", n->msg);
    }
    program_free(p);
  }
}

/* ---- imports through real files ---- */

typedef struct Tmp {
  char dir[PATH_MAX];
  char *made[64]; /* paths created, removed in reverse order */
  int n;
} Tmp;

static void tmp_init(Tmp *t) {
  snprintf(t->dir, sizeof t->dir, "%s/charter-unit-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  assert_non_null(mkdtemp(t->dir));
  t->n = 0;
}

static char *tmp_path(const Tmp *t, const char *rel) {
  size_t n = strlen(t->dir) + strlen(rel) + 2;
  char *s = malloc(n);
  snprintf(s, n, "%s/%s", t->dir, rel);
  return s;
}

static void tmp_mkdir(Tmp *t, const char *rel) {
  char *path = tmp_path(t, rel);
  assert_int_equal(mkdir(path, 0700), 0);
  t->made[t->n++] = path;
}

static void tmp_write(Tmp *t, const char *rel, const char *text) {
  char *path = tmp_path(t, rel);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
  t->made[t->n++] = path;
}

static void tmp_free(Tmp *t) {
  while (t->n > 0) {
    char *path = t->made[--t->n];
    remove(path);
    free(path);
  }
  rmdir(t->dir);
}

static void test_imports_depth_first(void **state) {
  (void)state;
  Tmp t;
  tmp_init(&t);
  tmp_mkdir(&t, "sub");
  tmp_write(&t, "main.charter",
            "charter \"C\" {}\n"
            "partner m1 \"M1\" { sector media }\n"
            "import \"sub/part.charter\"\n"
            "partner m2 \"M2\" { sector media }\n");
  tmp_write(&t, "sub/part.charter",
            "partner a1 \"A1\" { sector media }\n"
            "import \"../common.charter\"\n"
            "partner a2 \"A2\" { sector media }\n");
  tmp_write(&t, "common.charter", "partner c1 \"C1\" { sector media }\n");
  char *main_path = tmp_path(&t, "main.charter");
  Program *p = program_load(main_path, NULL);
  expect_no_errors(p);
  assert_false(p->entry_unreadable);
  assert_int_equal(p->srcs.len, 3);
  /* Paths: the entry as given, imports joined to it and folded. */
  assert_string_equal(p->srcs.files[0]->path, main_path);
  char *part = tmp_path(&t, "sub/part.charter");
  char *common = tmp_path(&t, "common.charter");
  assert_string_equal(p->srcs.files[1]->path, part);
  assert_string_equal(p->srcs.files[2]->path, common);
  /* Each file's declarations stand at its import line. */
  static const char *const order[] = {"m1", "a1", "c1", "a2", "m2"};
  assert_int_equal(p->decls.len, 6);
  assert_int_equal(((Decl *)p->decls.items[0])->kind, D_CHARTER);
  for (int i = 0; i < 5; i++) {
    const Decl *d = p->decls.items[i + 1];
    assert_string_equal(d->id, order[i]);
    assert_int_equal(d->index, i + 1);
  }
  assert_int_equal(decl(p, "c1")->id_loc.file, 2);
  program_free(p);
  free(main_path);
  free(part);
  free(common);
  tmp_free(&t);
}

static void test_imports_relative_to_cwd(void **state) {
  (void)state;
  Tmp t;
  tmp_init(&t);
  tmp_mkdir(&t, "sub");
  tmp_write(&t, "main.charter", "charter \"C\" {}\nimport \"sub/part.charter\"\n");
  tmp_write(&t, "sub/part.charter", "import \"../common.charter\"\npartner a \"A\" { sector x }\n");
  tmp_write(&t, "common.charter", "partner c \"C\" { sector media }\n");
  char cwd[PATH_MAX];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(t.dir), 0);
  Program *p = program_load("main.charter", NULL);
  assert_int_equal(chdir(cwd), 0);
  assert_int_equal(p->srcs.len, 3);
  assert_string_equal(p->srcs.files[0]->path, "main.charter");
  assert_string_equal(p->srcs.files[1]->path, "sub/part.charter");
  assert_string_equal(p->srcs.files[2]->path, "common.charter");
  /* A diagnostic in an imported file is located in that file. */
  const Diag *g = find_diag(p, "attribute", "unknown sector 'x'");
  assert_non_null(g);
  assert_string_equal(src_get(&p->srcs, g->loc.file)->path, "sub/part.charter");
  loc_is(p, g->loc, 2, 24);
  program_free(p);
  tmp_free(&t);
}

static void test_imports_load_once(void **state) {
  (void)state;
  Tmp t;
  tmp_init(&t);
  tmp_mkdir(&t, "sub");
  tmp_write(&t, "main.charter",
            "charter \"C\" {}\n"
            "import \"a.charter\"\n"
            "import \"sub/b.charter\"\n"
            "import \"./common.charter\"\n");
  tmp_write(&t, "a.charter", "import \"common.charter\"\npartner a \"A\" { sector media }\n");
  tmp_write(&t, "sub/b.charter", "import \"../sub/../common.charter\"\npartner b \"B\" { sector media }\n");
  tmp_write(&t, "common.charter", "partner shared \"Shared\" { sector media }\n");
  char *main_path = tmp_path(&t, "main.charter");
  Program *p = program_load(main_path, NULL);
  expect_no_errors(p);
  assert_int_equal(count_rule(p, "duplicate"), 0);
  assert_int_equal(p->srcs.len, 4);
  int n = 0;
  for (int i = 0; i < p->srcs.len; i++)
    if (strstr(p->srcs.files[i]->path, "common.charter")) n++;
  assert_int_equal(n, 1);
  /* common is loaded where a.charter first imports it. */
  assert_string_equal(((Decl *)p->decls.items[1])->id, "shared");
  assert_string_equal(((Decl *)p->decls.items[2])->id, "a");
  assert_string_equal(((Decl *)p->decls.items[3])->id, "b");
  program_free(p);
  free(main_path);
  tmp_free(&t);
}

static void test_import_cycles(void **state) {
  (void)state;
  Tmp t;
  tmp_init(&t);
  tmp_write(&t, "main.charter", "charter \"C\" {}\nimport \"a.charter\"\n");
  tmp_write(&t, "a.charter", "partner a \"A\" { sector media }\nimport \"b.charter\"\n");
  tmp_write(&t, "b.charter", "partner b \"B\" { sector media }\nimport \"a.charter\"\n");
  char *main_path = tmp_path(&t, "main.charter");
  char *a = tmp_path(&t, "a.charter");
  char *b = tmp_path(&t, "b.charter");
  Program *p = program_load(main_path, NULL);
  Buf want = {0};
  buf_printf(&want, "import cycle: %s → %s → %s", a, b, a);
  const Diag *g = expect_diag(p, "import", buf_str(&want), 2, 8);
  assert_string_equal(src_get(&p->srcs, g->loc.file)->path, b);
  assert_int_equal(count_rule(p, "import"), 1);
  /* Each file is still read once, its declarations once. */
  assert_int_equal(p->srcs.len, 3);
  assert_int_equal(count_rule(p, "duplicate"), 0);
  program_free(p);
  buf_free(&want);

  /* A cycle back to the entry file, and a file importing itself. */
  tmp_write(&t, "self.charter", "charter \"C\" {}\nimport \"self.charter\"\nimport \"back.charter\"\n");
  tmp_write(&t, "back.charter", "import \"self.charter\"\n");
  char *self = tmp_path(&t, "self.charter");
  char *back = tmp_path(&t, "back.charter");
  p = program_load(self, NULL);
  buf_printf(&want, "import cycle: %s → %s", self, self);
  expect_diag(p, "import", buf_str(&want), 2, 8);
  buf_free(&want);
  buf_printf(&want, "import cycle: %s → %s → %s", self, back, self);
  expect_diag(p, "import", buf_str(&want), 1, 8);
  assert_int_equal(count_rule(p, "import"), 2);
  program_free(p);
  buf_free(&want);
  free(self);
  free(back);
  free(main_path);
  free(a);
  free(b);
  tmp_free(&t);
}

static void test_import_errors(void **state) {
  (void)state;
  Tmp t;
  tmp_init(&t);
  tmp_mkdir(&t, "sub");
  tmp_write(&t, "main.charter",
            "charter \"C\" {}\n"
            "import \"nope.charter\"\n"
            "import \"sub\"\n"
            "import \"/etc/passwd\"\n"
            "import \"\"\n");
  char *main_path = tmp_path(&t, "main.charter");
  Program *p = program_load(main_path, NULL);
  char *nope = tmp_path(&t, "nope.charter");
  Buf want = {0};
  buf_printf(&want, "cannot import '%s': no such file", nope);
  expect_diag(p, "import", buf_str(&want), 2, 8);
  expect_diag(p, "import", "directory", 3, 8);
  expect_diag(p, "import", "'/etc/passwd' is absolute", 4, 8);
  expect_diag(p, "import", "the import path is empty", 5, 8);
  assert_int_equal(count_rule(p, "import"), 4);
  assert_false(p->entry_unreadable);
  program_free(p);
  buf_free(&want);
  free(nope);

  /* An entry file that cannot be read. */
  char *missing = tmp_path(&t, "missing.charter");
  p = program_load(missing, NULL);
  assert_true(p->entry_unreadable);
  /* no check's tag: nothing was imported */
  const Diag *g = find_diag(p, NULL, "cannot read");
  assert_non_null(g);
  assert_null(g->rule);
  assert_non_null(strstr(g->msg, "no such file"));
  assert_int_equal(p->diags.nerrors, 1);
  program_free(p);
  free(missing);
  free(main_path);
  tmp_free(&t);
}

static void test_program_load_text_imports(void **state) {
  (void)state;
  /* Text in memory, with a path: imports are relative to that path. */
  Tmp t;
  tmp_init(&t);
  tmp_write(&t, "lib.charter", "partner lib \"Lib\" { sector media }\n");
  char *main_path = tmp_path(&t, "main.charter");
  const char *text = "charter \"C\" { champion lib }\nimport \"lib.charter\"\n";
  Program *p = program_load_text(main_path, text, strlen(text), NULL);
  expect_no_errors(p);
  assert_int_equal(p->srcs.len, 2);
  assert_ptr_equal(decl_attr(p->charter, AT_CHARTER_CHAMPION)->vals[0].ref, decl(p, "lib"));
  program_free(p);
  free(main_path);
  tmp_free(&t);
}

static void test_duplicate_across_files(void **state) {
  (void)state;
  Tmp t;
  tmp_init(&t);
  tmp_write(&t, "main.charter", "charter \"C\" {}\nimport \"other.charter\"\ngoal shared \"Mine\" {}\n");
  tmp_write(&t, "other.charter", "\n\ngoal shared \"Theirs\" {}\n");
  char *main_path = tmp_path(&t, "main.charter");
  Program *p = program_load(main_path, NULL);
  /* other.charter's declaration comes first (at the import line). */
  const Diag *g = expect_diag(p, "duplicate", "'shared' is already declared", 3, 6);
  assert_int_equal(g->loc.file, 0);
  assert_int_equal(g->notes->loc.file, 1);
  loc_is(p, g->notes->loc, 3, 6);
  program_free(p);
  free(main_path);
  tmp_free(&t);
}

static void test_charter_path_modules(void **state) {
  (void)state;
  Tmp t;
  tmp_init(&t);
  tmp_mkdir(&t, "first");
  tmp_mkdir(&t, "second");
  tmp_write(&t, "second/mymod.charter", "dimension tenure \"Tenure\" { groups \"Renters\", \"Owners\" }\n");
  tmp_write(&t, "second/dimensions.charter", "dimension local \"Local\" { groups \"A\", \"B\" }\n");
  tmp_write(&t, "first/withcharter.charter", "charter \"Not allowed\" {}\n");
  Buf path = {0};
  buf_printf(&path, "%s/first::%s/second", t.dir, t.dir);
  LoadOptions opt = {buf_str(&path), NULL};
  Program *p = load_opt("charter \"C\" {}\nuse mymod\nindicator i \"I\" { disaggregate tenure }\n", &opt);
  expect_no_errors(p);
  assert_int_equal(decl(p, "tenure")->kind, D_DIMENSION);
  program_free(p);

  /* CHARTER_PATH comes before the standard library. */
  p = load_opt("charter \"C\" {}\nuse dimensions\nindicator i \"I\" { disaggregate local, gender }\n", &opt);
  assert_non_null(strmap_get(&p->ids, "local"));
  assert_null(strmap_get(&p->ids, "gender"));
  expect_diag(p, "unresolved", "'gender'", 3, 39);
  program_free(p);

  /* A module may not hold a charter block. */
  p = load_opt("charter \"C\" {}\nuse withcharter\n", &opt);
  expect_diag(p, "charter", "a module cannot hold a charter block", 1, 1);
  assert_string_equal(p->charter->title, "C");
  program_free(p);
  buf_free(&path);
  tmp_free(&t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_language_example_resolves),
      cmocka_unit_test(test_forward_references),
      cmocka_unit_test(test_duplicate_with_note),
      cmocka_unit_test(test_unresolved_did_you_mean),
      cmocka_unit_test(test_kind_errors),
      cmocka_unit_test(test_required_attributes),
      cmocka_unit_test(test_attribute_errors),
      cmocka_unit_test(test_council_and_dimension_checks),
      cmocka_unit_test(test_cycles),
      cmocka_unit_test(test_long_cycle_listing),
      cmocka_unit_test(test_formula_depth),
      cmocka_unit_test(test_formula_names),
      cmocka_unit_test(test_use_dimensions_hint),
      cmocka_unit_test(test_modules),
      cmocka_unit_test(test_charter_count),
      cmocka_unit_test(test_community_equity_direction),
      cmocka_unit_test(test_waivers),
      cmocka_unit_test(test_messages_start_lower_case),
      cmocka_unit_test(test_imports_depth_first),
      cmocka_unit_test(test_imports_relative_to_cwd),
      cmocka_unit_test(test_imports_load_once),
      cmocka_unit_test(test_import_cycles),
      cmocka_unit_test(test_import_errors),
      cmocka_unit_test(test_program_load_text_imports),
      cmocka_unit_test(test_duplicate_across_files),
      cmocka_unit_test(test_charter_path_modules),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
