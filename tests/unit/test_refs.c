/* Reverse reference indexes (lang/refs.c): who leads to each outcome or
 * goal, in declaration order, each referrer once however often it names
 * the target; and two attributes over two kinds at once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "refs.h"

static const char text[] =
    "charter \"C\" { vision \"v\" }\n"
    "partner p \"P\" { sector community }\n"
    "partner q \"Q\" { sector community }\n"
    "goal g \"G\" { }\n"
    "outcome a \"A\" { horizon short\n leads_to g, c, g }\n"
    "outcome b \"B\" { horizon short\n leads_to c }\n"
    "outcome c \"C\" { horizon short\n leads_to g }\n"
    "activity x \"X\" { owner p\n community_owner p, q\n contributes_to a }\n";

/* The ids referring to id, space-separated, into out (64 bytes). */
static const char *ids(const RefIndex *x, const Program *p, const char *id, char *out) {
  const Decl *d = strmap_get((StrMap *)&p->ids, id);
  assert_non_null(d);
  out[0] = '\0';
  for (int k = x->start[d->index]; k < x->start[d->index + 1]; k++) {
    strcat(out, k > x->start[d->index] ? " " : "");
    strcat(out, x->from[k]->id);
  }
  return out;
}

static void test_leads_to(void **state) {
  (void)state;
  Program *p = program_load_text("t.charter", text, strlen(text), NULL);
  assert_int_equal(p->diags.nerrors, 0);
  RefIndex x;
  char out[64];
  refs_build(&x, p, AT_OUTCOME_LEADS_TO, AT_NONE_);
  assert_string_equal(ids(&x, p, "g", out), "a c");
  assert_string_equal(ids(&x, p, "c", out), "a b");
  assert_string_equal(ids(&x, p, "a", out), "");
  refs_free(&x);
  refs_build(&x, p, AT_ACTIVITY_OWNER, AT_ACTIVITY_COMMUNITY_OWNER);
  assert_string_equal(ids(&x, p, "p", out), "x");
  assert_string_equal(ids(&x, p, "q", out), "x");
  refs_free(&x);
  program_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_leads_to),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
