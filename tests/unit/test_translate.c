/* A declaration's texts in a language (lang/model.c: model_text,
 * model_internal_note, model_group_name) and the translation check
 * (lang/check.c): the Spanish text when given, else the English marked as
 * not in the language; an empty translation shows the English; a group's
 * Spanish name by its place in groups. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "model.h"

static const char text[] =
    "charter \"Eastside Youth Partnership\" {\n"
    "  title_es \"Alianza Juvenil del Este\"\n"
    "  vision \"Every young person finishes school\"\n"
    "  vision_es \"Cada joven termina la escuela\"\n"
    "  problem \"Too many leave school early\"\n"
    "  note \"Founded in 2020\"\n"
    "  internal_note \"Board vote due in May\"\n"
    "}\n"
    "dimension ward \"Ward\" {\n"
    "  title_es \"Distrito\"\n"
    "  groups \"River Ward\", \"Hill Ward\"\n"
    "  groups_es \"Distrito del Río\", \"Distrito de la Colina\"\n"
    "}\n"
    "dimension tenure \"Tenure\" { groups \"Renters\", \"Owners\" }\n"
    "goal ready \"Ready for work\" {\n"
    "  note \"A long-term goal\"\n"
    "  note_es \"Una meta a largo plazo\"\n"
    "}\n"
    "goal plain \"Plain goal\" {}\n"
    "rule r \"Rule\" { require true\n note \"about rules\" }\n";

static Program *load(const char *src) {
  Program *p = program_load_text("t.charter", src, strlen(src), NULL);
  return p;
}

static Program *load_clean(void) {
  Program *p = load(text);
  for (int i = 0; i < p->diags.items.len; i++) print_message("%s\n", ((Diag *)p->diags.items.items[i])->msg);
  assert_int_equal(p->diags.nerrors + p->diags.nwarnings, 0);
  return p;
}

static const Decl *decl(Program *p, const char *id) {
  const Decl *d = strmap_get(&p->ids, id);
  assert_non_null(d);
  return d;
}

/* The first diagnostic of check whose message contains part, or NULL. */
static const Diag *find(const Program *p, const char *rule, const char *part) {
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    if (g->rule && strcmp(g->rule, rule) == 0 && strstr(g->msg, part)) return g;
  }
  return NULL;
}

static void test_spanish_when_given(void **state) {
  (void)state;
  Program *p = load_clean();
  bool in = false;
  assert_string_equal(model_text(p->charter, TEXT_TITLE, LANG_ES, &in), "Alianza Juvenil del Este");
  assert_true(in);
  assert_string_equal(model_text(p->charter, TEXT_VISION, LANG_ES, &in), "Cada joven termina la escuela");
  assert_true(in);
  assert_string_equal(model_text(decl(p, "ready"), TEXT_NOTE, LANG_ES, &in), "Una meta a largo plazo");
  assert_true(in);
  assert_string_equal(model_text(decl(p, "ward"), TEXT_TITLE, LANG_ES, NULL), "Distrito");
  program_free(p);
}

static void test_english_otherwise(void **state) {
  (void)state;
  Program *p = load_clean();
  bool in = true;
  /* No problem_es: the English, not in Spanish. */
  assert_string_equal(model_text(p->charter, TEXT_PROBLEM, LANG_ES, &in), "Too many leave school early");
  assert_false(in);
  in = true;
  assert_string_equal(model_text(p->charter, TEXT_NOTE, LANG_ES, &in), "Founded in 2020");
  assert_false(in);
  in = true;
  assert_string_equal(model_text(decl(p, "plain"), TEXT_TITLE, LANG_ES, &in), "Plain goal");
  assert_false(in);
  /* In English, the English, in the language asked for. */
  in = false;
  assert_string_equal(model_text(p->charter, TEXT_TITLE, LANG_EN, &in), "Eastside Youth Partnership");
  assert_true(in);
  in = false;
  assert_string_equal(model_text(decl(p, "ready"), TEXT_NOTE, LANG_EN, &in), "A long-term goal");
  assert_true(in);
  program_free(p);
}

static void test_absent_parts(void **state) {
  (void)state;
  Program *p = load_clean();
  bool in = true;
  /* A goal has no vision; a goal without a note has none in either language. */
  assert_null(model_text(decl(p, "ready"), TEXT_VISION, LANG_ES, &in));
  assert_false(in);
  assert_null(model_text(decl(p, "plain"), TEXT_NOTE, LANG_EN, &in));
  assert_null(model_text(decl(p, "plain"), TEXT_NOTE, LANG_ES, &in));
  assert_false(in);
  /* A rule's note reads in English; it has no Spanish one. */
  assert_string_equal(model_text(decl(p, "r"), TEXT_NOTE, LANG_ES, &in), "about rules");
  assert_false(in);
  program_free(p);
}

static void test_internal_note(void **state) {
  (void)state;
  Program *p = load_clean();
  assert_string_equal(model_internal_note(p->charter), "Board vote due in May");
  assert_null(model_internal_note(decl(p, "ready")));
  assert_null(model_internal_note(decl(p, "r")));
  /* Never one of the texts a page shows. */
  assert_string_equal(model_text(p->charter, TEXT_NOTE, LANG_EN, NULL), "Founded in 2020");
  program_free(p);
}

static void test_group_names(void **state) {
  (void)state;
  Program *p = load_clean();
  const Decl *ward = decl(p, "ward"), *tenure = decl(p, "tenure");
  bool in = false;
  assert_string_equal(model_group_name(ward, "Hill Ward", LANG_ES, &in), "Distrito de la Colina");
  assert_true(in);
  assert_string_equal(model_group_name(ward, "River Ward", LANG_ES, &in), "Distrito del Río");
  assert_true(in);
  in = false;
  assert_string_equal(model_group_name(ward, "Hill Ward", LANG_EN, &in), "Hill Ward");
  assert_true(in);
  /* No groups_es: the group as written, in English. */
  in = true;
  assert_string_equal(model_group_name(tenure, "Owners", LANG_ES, &in), "Owners");
  assert_false(in);
  /* A group the dimension does not have: itself. */
  in = true;
  assert_string_equal(model_group_name(ward, "Northgate", LANG_ES, &in), "Northgate");
  assert_false(in);
  program_free(p);
}

static void test_empty_translation_shows_english(void **state) {
  (void)state;
  static const char src[] = "charter \"C\" { vision \"v\"\n vision_es \"\" }\n"
                            "goal g \"Goal\" { title_es \"\" }\n";
  Program *p = load(src);
  assert_int_equal(p->diags.nerrors, 0);
  assert_int_equal(p->diags.nwarnings, 2);
  assert_non_null(find(p, "translation", "vision_es is empty, so the English vision is shown"));
  bool in = true;
  assert_string_equal(model_text(p->charter, TEXT_VISION, LANG_ES, &in), "v");
  assert_false(in);
  assert_string_equal(model_text(decl(p, "g"), TEXT_TITLE, LANG_ES, &in), "Goal");
  assert_false(in);
  program_free(p);
}

static void test_translation_without_english(void **state) {
  (void)state;
  static const char src[] = "charter \"C\" { problem_es \"p\" }\n"
                            "goal g \"\" { title_es \"Meta\"\n note_es \"n\" }\n"
                            "partner x \"X\" { sector nonprofit\n note \"\"\n note_es \"n\" }\n";
  Program *p = load(src);
  assert_int_equal(p->diags.nerrors, 0);
  assert_int_equal(p->diags.nwarnings, 4);
  assert_non_null(find(p, "translation", "problem_es translates the problem, but the charter has none: give the problem too"));
  assert_non_null(find(p, "translation", "title_es translates the title, but the title of goal 'g' is empty"));
  assert_non_null(find(p, "translation", "note_es translates the note, but goal 'g' has none: give the note too"));
  assert_non_null(find(p, "translation", "the note of partner 'x' is empty"));
  /* Spanish asked for: the Spanish; English asked for: nothing to show. */
  bool in = false;
  assert_string_equal(model_text(p->charter, TEXT_PROBLEM, LANG_ES, &in), "p");
  assert_true(in);
  assert_null(model_text(p->charter, TEXT_PROBLEM, LANG_EN, &in));
  program_free(p);
}

static void test_groups_es_count_and_repeats(void **state) {
  (void)state;
  static const char src[] = "charter \"C\" { vision \"v\" }\n"
                            "dimension a \"A\" { groups \"X\", \"Y\", \"Z\"\n groups_es \"Equis\", \"Ye\" }\n"
                            "dimension b \"B\" { groups \"X\", \"Y\"\n groups_es \"Uno\", \"Uno\" }\n"
                            "dimension c \"C\" { groups \"X\", \"Y\"\n groups_es \"Uno\"\n groups_es \"Dos\" }\n";
  Program *p = load(src);
  assert_int_equal(p->diags.nerrors, 2);
  const Diag *g = find(p, "translation", "groups_es names 2 groups, but groups names 3");
  assert_non_null(g);
  assert_int_equal(g->sev, SEV_ERROR);
  assert_non_null(find(p, "translation", "the Spanish name \"Uno\" is listed twice in groups_es"));
  /* A list written on two lines adds to it: c is whole. */
  bool in = false;
  assert_string_equal(model_group_name(decl(p, "c"), "Y", LANG_ES, &in), "Dos");
  assert_true(in);
  /* With the count wrong, no Spanish name is used. */
  assert_string_equal(model_group_name(decl(p, "a"), "X", LANG_ES, &in), "X");
  assert_false(in);
  program_free(p);
}

static void test_rules_read_the_fields(void **state) {
  (void)state;
  static const char src[] = "charter \"C\" { vision \"v\"\n title_es \"Ce\" }\n"
                            "dimension d \"D\" { groups \"X\", \"Y\"\n groups_es \"Equis\", \"Ye\" }\n"
                            "rule es \"Spanish\" { require charter.title_es == \"Ce\"\n message \"{charter.title_es}\" }\n"
                            "rule gs \"Groups\" { for x in dimensions\n require count(x.groups_es) == 3 }\n";
  Program *p = load(src);
  assert_int_equal(p->diags.nerrors + p->diags.nwarnings, 0);
  program_free(p);
  static const char bad[] = "charter \"C\" { vision \"v\" }\n"
                            "rule es \"Spanish\" { require charter.title_es == 3 }\n";
  p = load(bad);
  assert_non_null(find(p, "type", ""));
  program_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_spanish_when_given),
      cmocka_unit_test(test_english_otherwise),
      cmocka_unit_test(test_absent_parts),
      cmocka_unit_test(test_internal_note),
      cmocka_unit_test(test_group_names),
      cmocka_unit_test(test_empty_translation_shows_english),
      cmocka_unit_test(test_translation_without_english),
      cmocka_unit_test(test_groups_es_count_and_repeats),
      cmocka_unit_test(test_rules_read_the_fields),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
