/* "Did you mean" (lang/suggest.c): Levenshtein distance, the budget of
 * max(1, length / 3) edits, ties to the earlier candidate, and never the
 * word itself (docs/HACKING.md, Layout: suggest.*). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "program.h"
#include "suggest.h"

static void test_distance(void **state) {
  (void)state;
  assert_int_equal(suggest_distance("kitten", "sitting", 10), 3);
  assert_int_equal(suggest_distance("sitting", "kitten", 10), 3);
  assert_int_equal(suggest_distance("", "", 3), 0);
  assert_int_equal(suggest_distance("", "abc", 5), 3);
  assert_int_equal(suggest_distance("abc", "", 5), 3);
  assert_int_equal(suggest_distance("abc", "abc", 0), 0);
  assert_int_equal(suggest_distance("sector", "sectr", 5), 1);  /* deletion */
  assert_int_equal(suggest_distance("sectr", "sector", 5), 1);  /* insertion */
  assert_int_equal(suggest_distance("sector", "sextor", 5), 1); /* substitution */
  assert_int_equal(suggest_distance("ab", "ba", 5), 2);         /* a transposition is two edits */
  assert_int_equal(suggest_distance("flaw", "lawn", 5), 2);
  assert_int_equal(suggest_distance("Sector", "sector", 5), 1); /* case counts */
}

static void test_distance_limit(void **state) {
  (void)state;
  /* Past the limit the answer is limit + 1, whatever the true distance. */
  assert_int_equal(suggest_distance("abcdef", "uvwxyz", 2), 3);
  assert_int_equal(suggest_distance("abcdef", "uvwxyz", 6), 6);
  assert_int_equal(suggest_distance("abc", "abd", 0), 1);
  assert_int_equal(suggest_distance("kitten", "sitting", 3), 3);
  assert_int_equal(suggest_distance("kitten", "sitting", 2), 3);
  /* The lengths alone can exceed the limit. */
  assert_int_equal(suggest_distance("a", "abcdef", 2), 3);
  assert_int_equal(suggest_distance("abcdefgh", "", 1), 2);
}

static void test_distance_long_words(void **state) {
  (void)state;
  /* Words longer than the distance row kept on the stack. */
  char a[301], b[301];
  memset(a, 'x', 300);
  a[300] = '\0';
  memcpy(b, a, sizeof a);
  b[150] = 'y';
  assert_int_equal(suggest_distance(a, b, 100), 1);
  b[10] = 'y';
  b[290] = 'y';
  assert_int_equal(suggest_distance(a, b, 100), 3);
  assert_int_equal(suggest_distance(a, b, 2), 3);
  b[299] = '\0';
  assert_int_equal(suggest_distance(a, b, 100), 4);
}

static void test_limit(void **state) {
  (void)state;
  /* max(1, length / 3) */
  assert_int_equal(suggest_limit(""), 1);
  assert_int_equal(suggest_limit("a"), 1);
  assert_int_equal(suggest_limit("ab"), 1);
  assert_int_equal(suggest_limit("abc"), 1);
  assert_int_equal(suggest_limit("abcde"), 1);
  assert_int_equal(suggest_limit("abcdef"), 2);
  assert_int_equal(suggest_limit("abcdefgh"), 2);
  assert_int_equal(suggest_limit("abcdefghi"), 3);
  assert_int_equal(suggest_limit("vision_strategy"), 5);
}

static void test_best_within_limit(void **state) {
  (void)state;
  const char *const cands[] = {"sector", "role", "backbone_functions", "contact"};
  assert_string_equal(suggest_best("sectr", cands, 4), "sector");
  assert_string_equal(suggest_best("rol", cands, 4), "role");
  assert_string_equal(suggest_best("backbone_function", cands, 4), "backbone_functions");
  assert_null(suggest_best("website", cands, 4));
  assert_null(suggest_best("x", cands, 0));

  /* Length 6 allows 2 edits, not 3. */
  const char *const six[] = {"abcxyz"};
  assert_null(suggest_best("abcdef", six, 1));
  const char *const two_edits[] = {"abcdxy"};
  assert_string_equal(suggest_best("abcdef", two_edits, 1), "abcdxy");
  /* Length 5 allows only 1. */
  const char *const five[] = {"abcxy", "abcdy"};
  assert_string_equal(suggest_best("abcde", five, 2), "abcdy");
  const char *const five_far[] = {"abcxy"};
  assert_null(suggest_best("abcde", five_far, 1));
  /* Length 2 still allows 1. */
  const char *const short_cands[] = {"xy", "xb"};
  assert_string_equal(suggest_best("ab", short_cands, 2), "xb");
  assert_null(suggest_best("ab", short_cands, 1));
}

static void test_nearest_first_and_ties(void **state) {
  (void)state;
  /* A nearer candidate wins even when it comes later. */
  const char *const c1[] = {"abcxyf", "abcdeg"};
  assert_string_equal(suggest_best("abcdef", c1, 2), "abcdeg");
  /* Equal distances: the earlier one. */
  const char *const c2[] = {"bat", "cot"};
  assert_string_equal(suggest_best("cat", c2, 2), "bat");
  const char *const c3[] = {"cot", "bat"};
  assert_string_equal(suggest_best("cat", c3, 2), "cot");
  const char *const c4[] = {"far_away_name", "monthlx", "monthlz", "weekly"};
  assert_string_equal(suggest_best("monthly", c4, 4), "monthlx");
}

static void test_never_the_word_itself(void **state) {
  (void)state;
  const char *const only[] = {"sector"};
  assert_null(suggest_best("sector", only, 1));
  Suggest s;
  suggest_init(&s, "sector");
  suggest_offer(&s, "sector");
  assert_null(s.best);
  suggest_offer(&s, "sectors");
  assert_string_equal(s.best, "sectors");
}

static void test_word_among_candidates(void **state) {
  (void)state;
  /* Regression (fixed): suggest.h documents that suggest_best returns "NULL if none is
   * near enough or word itself is among them", but suggest_best("sector",
   * {"sectr", "sector"}) returns "sectr": suggest_offer only skips the
   * candidate equal to the word and keeps looking. */
  const char *const cands[] = {"sectr", "sector"};
  assert_null(suggest_best("sector", cands, 2));
  const char *const reversed[] = {"sector", "sectr"};
  assert_null(suggest_best("sector", reversed, 2));
}

static void test_incremental(void **state) {
  (void)state;
  Suggest s;
  suggest_init(&s, "indicatr");
  assert_string_equal(s.word, "indicatr");
  assert_int_equal(s.limit, 2);
  assert_null(s.best);
  suggest_offer(&s, "outcome");
  assert_null(s.best);
  suggest_offer(&s, "indicators"); /* 2 edits */
  assert_string_equal(s.best, "indicators");
  assert_int_equal(s.best_dist, 2);
  suggest_offer(&s, "indicatrix"); /* also 2: the earlier stays */
  assert_string_equal(s.best, "indicators");
  suggest_offer(&s, "indicator"); /* 1 */
  assert_string_equal(s.best, "indicator");
  assert_int_equal(s.best_dist, 1);
  suggest_offer(&s, "xndicatr"); /* 1 again: no change */
  assert_string_equal(s.best, "indicator");
}

/* Through the checker: the message carries the suggestion. */
static void test_in_messages(void **state) {
  (void)state;
  const char *text = "charter \"C\" {}\npartner p \"P\" { sector nonprofit; rle funder; role fundr, zzz }\n";
  Program *p = program_load_text("t.charter", text, strlen(text), NULL);
  int found = 0;
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    if (strstr(g->msg, "'rle'")) {
      assert_non_null(strstr(g->msg, "did you mean 'role'?"));
      found++;
    } else if (strstr(g->msg, "'fundr'")) {
      assert_non_null(strstr(g->msg, "did you mean 'funder'?"));
      found++;
    } else if (strstr(g->msg, "'zzz'")) {
      assert_null(strstr(g->msg, "did you mean"));
      found++;
    }
  }
  assert_int_equal(found, 3);
  program_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_distance),
      cmocka_unit_test(test_distance_limit),
      cmocka_unit_test(test_distance_long_words),
      cmocka_unit_test(test_limit),
      cmocka_unit_test(test_best_within_limit),
      cmocka_unit_test(test_nearest_first_and_ties),
      cmocka_unit_test(test_never_the_word_itself),
      cmocka_unit_test(test_word_among_candidates),
      cmocka_unit_test(test_incremental),
      cmocka_unit_test(test_in_messages),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
