/* charter store grant's SQL (runtime/store_grant.c): role names within
 * PostgreSQL's 63 bytes, one per partner and the same every time; keys
 * checked; every name from the program quoted; each partner writes the
 * indicators whose reported_by names it, and nothing else. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "store_grant.h"

static Program *load(const char *text) {
  LoadOptions lo = {NULL, NULL};
  Program *p = program_load_text("grant.charter", text, strlen(text), &lo);
  assert_int_equal(p->diags.nerrors, 0);
  return p;
}

static void test_role_names(void **state) {
  (void)state;
  char a[GRANT_NAME_MAX + 1], b[GRANT_NAME_MAX + 1], c[GRANT_NAME_MAX + 1];
  grant_role_name("east-side", "lantern", a);
  assert_string_equal(a, "charter:east-side:lantern");
  /* exactly 63 bytes: kept whole */
  grant_role_name("k", "p2345678901234567890123456789012345678901234567890123", a);
  assert_int_equal(strlen(a), 63);
  assert_non_null(strstr(a, ":p2345"));
  assert_null(strchr(a, '~'));
  /* longer: cut, with a hash of the whole name; two partners that share
   * the first 46 bytes get two names; the same name every time */
  const char *long1 = "a_partner_id_that_is_long_enough_to_need_a_hash_1";
  const char *long2 = "a_partner_id_that_is_long_enough_to_need_a_hash_2";
  grant_role_name("east-side", long1, a);
  grant_role_name("east-side", long2, b);
  grant_role_name("east-side", long1, c);
  assert_int_equal(strlen(a), 63);
  assert_int_equal(strlen(b), 63);
  assert_int_equal(a[46], '~');
  assert_string_not_equal(a, b);
  assert_string_equal(a, c);
  assert_int_equal(strncmp(a, "charter:east-side:a_partner", 27), 0);
}

static void test_keys(void **state) {
  (void)state;
  assert_null(grant_key_problem("east-side_2"));
  assert_non_null(grant_key_problem(""));
  assert_non_null(grant_key_problem("east side"));
  assert_non_null(grant_key_problem("x'; DROP TABLE measurement; --"));
  assert_non_null(grant_key_problem("a:b"));
  char k[70];
  memset(k, 'a', 64), k[64] = '\0';
  assert_non_null(grant_key_problem(k));
  k[63] = '\0';
  assert_null(grant_key_problem(k));
}

static const char two[] =
    "charter \"Two\" {\n  network_id \"east-side\"\n}\n\n"
    "partner alpha \"It's \\\"Alpha\\\"\\n; DROP ROLE x; --\" {\n  sector nonprofit\n}\n\n"
    "partner beta \"Beta\" {\n  sector community\n}\n\n"
    "indicator a_rate \"A\" {\n  reported_by alpha\n}\n\n"
    "indicator shared \"Both\" {\n  reported_by alpha, beta\n}\n\n"
    "indicator unreported \"Nobody\" {\n}\n";

static void test_script(void **state) {
  (void)state;
  Program *p = load(two);
  Buf b = {0};
  char err[512] = "";
  assert_true(grant_sql(p, "east-side", "two.charter", &b, err, sizeof err));
  const char *s = buf_str(&b);
  /* one transaction */
  assert_non_null(strstr(s, "\nBEGIN;\n"));
  assert_int_equal(strcmp(s + strlen(s) - 8, "COMMIT;\n"), 0);
  /* who writes what */
  assert_non_null(strstr(s, "('charter:east-side:alpha', 'east-side', 'a_rate')"));
  assert_non_null(strstr(s, "('charter:east-side:alpha', 'east-side', 'shared')"));
  assert_non_null(strstr(s, "('charter:east-side:beta', 'east-side', 'shared')"));
  assert_null(strstr(s, "'beta', 'east-side', 'a_rate'"));
  assert_null(strstr(s, "'unreported')"));
  /* the title only as a literal: its quote doubled, its line break a space */
  assert_non_null(strstr(s, "IS 'partner alpha of coalition east-side: It''s \"Alpha\" ; DROP ROLE x; --';\n"));
  /* no DELETE on measurement, no FORCE; UPDATE of columns only */
  assert_null(strstr(s, "DELETE ON measurement"));
  assert_null(strstr(s, "UPDATE ON measurement"));
  assert_null(strstr(s, "UPDATE, DELETE ON import"));
  /* an import's record is finished by the store's function, not by UPDATE */
  assert_null(strstr(s, "UPDATE (rows) ON import"));
  assert_non_null(strstr(s, "GRANT EXECUTE ON FUNCTION charter_finish_import(bigint, bigint) TO "));
  assert_null(strstr(s, "LOCK TABLE"));
  assert_null(strstr(s, "FORCE ROW LEVEL"));
  buf_free(&b);
  /* no key: refused, nothing written */
  assert_false(grant_sql(p, "", "two.charter", &b, err, sizeof err));
  assert_non_null(strstr(err, "network_id"));
  assert_string_equal(buf_str(&b), "");
  assert_false(grant_sql(p, "x'y", "two.charter", &b, err, sizeof err));
  assert_string_equal(buf_str(&b), "");
  program_free(p);
}

static void test_share_and_reads(void **state) {
  (void)state;
  Program *p = load("charter \"M\" {\n  network_id \"east-side\"\n  shared_with \"tri-county\", \"state\"\n}\n\n"
                    "partner district \"D\" {\n  sector education\n}\n");
  Buf b = {0};
  char err[512] = "";
  assert_true(grant_sql(p, "east-side", "m.charter", &b, err, sizeof err));
  assert_non_null(strstr(buf_str(&b), "DELETE FROM charter_share WHERE coalition = 'east-side';\n"
                                      "INSERT INTO charter_share (coalition, network) VALUES\n"
                                      "  ('east-side', 'tri-county'),\n  ('east-side', 'state');\n"));
  assert_non_null(strstr(buf_str(&b), "--   charter:east-side:district reads: east-side\n"));
  buf_free(&b);
  program_free(p);
  const char *net[] = {"east-side", "tri-county", "riverside"};
  grant_reads(&b, "tri-county", net, 3);
  assert_string_equal(buf_str(&b), "tri-county, and east-side, riverside where each shares with tri-county");
  buf_free(&b);
  grant_reads(&b, "east-side", NULL, 0);
  assert_string_equal(buf_str(&b), "east-side");
  buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_role_names),
      cmocka_unit_test(test_keys),
      cmocka_unit_test(test_script),
      cmocka_unit_test(test_share_and_reads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
