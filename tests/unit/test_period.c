/* Periods (lang/period.c): parsing and validation of every form, the
 * proleptic Gregorian calendar, and comparison by last day
 * (docs/language.md, Periods). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "period.h"
#include "program.h"
#include "diags.h"

static int count_rule(const Program *p, const char *rule) { return diags_count(&p->diags, rule); }

static const Diag *find_diag(const Program *p, const char *rule, const char *text) {
  return diags_find(&p->diags, rule, text);
}

static Period must_parse(const char *text) {
  Period p;
  char err[PERIOD_WHY_MAX] = "";
  if (!period_parse(text, strlen(text), &p, err)) fail_msg("'%s' rejected: %s", text, err);
  return p;
}

/* Asserts that text is rejected with a message containing want. */
static void must_reject(const char *text, const char *want) {
  Period p;
  char err[PERIOD_WHY_MAX] = "";
  if (period_parse(text, strlen(text), &p, err)) fail_msg("'%s' accepted", text);
  if (!strstr(err, want)) fail_msg("'%s': message \"%s\" lacks \"%s\"", text, err, want);
}

static void expect_last_day(const char *text, const char *last) {
  char out[11];
  period_last_day_text(must_parse(text), out);
  if (strcmp(out, last) != 0) fail_msg("%s ends on %s, not %s", text, out, last);
}

static void test_every_form(void **state) {
  (void)state;
  Period p = must_parse("2027");
  assert_int_equal(p.kind, PER_YEAR);
  assert_int_equal(p.year, 2027);
  assert_int_equal(p.quarter, 0);
  assert_int_equal(p.month, 0);
  assert_int_equal(p.day, 0);

  p = must_parse("2027-Q2");
  assert_int_equal(p.kind, PER_QUARTER);
  assert_int_equal(p.year, 2027);
  assert_int_equal(p.quarter, 2);
  assert_int_equal(p.month, 0);

  p = must_parse("2027-06");
  assert_int_equal(p.kind, PER_MONTH);
  assert_int_equal(p.year, 2027);
  assert_int_equal(p.month, 6);
  assert_int_equal(p.day, 0);

  p = must_parse("2027-06-30");
  assert_int_equal(p.kind, PER_DAY);
  assert_int_equal(p.year, 2027);
  assert_int_equal(p.month, 6);
  assert_int_equal(p.day, 30);

  /* Every quarter, every month, the ends of the year range. */
  for (int q = 1; q <= 4; q++) {
    char t[16];
    snprintf(t, sizeof t, "2030-Q%d", q);
    assert_int_equal(must_parse(t).quarter, q);
  }
  for (int m = 1; m <= 12; m++) {
    char t[32]; /* room for any int, which silences -Wformat-truncation */
    snprintf(t, sizeof t, "2030-%02d", m);
    assert_int_equal(must_parse(t).month, m);
  }
  assert_int_equal(must_parse("0000").year, 0);
  assert_int_equal(must_parse("9999-12-31").year, 9999);
}

static void test_canonical_text(void **state) {
  (void)state;
  static const char *const forms[] = {"2027", "2027-Q1", "2027-Q4", "2027-01", "2027-12", "2027-01-01",
                                      "2024-02-29", "0042", "0001-01-01", "9999-12-31"};
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
    char out[16];
    period_text(must_parse(forms[i]), out);
    assert_string_equal(out, forms[i]);
  }
}

static void test_leap_years(void **state) {
  (void)state;
  assert_false(period_is_leap(1900)); /* divisible by 100, not by 400 */
  assert_true(period_is_leap(2000));  /* divisible by 400 */
  assert_true(period_is_leap(2024));
  assert_false(period_is_leap(2023));
  assert_false(period_is_leap(2100));
  assert_true(period_is_leap(1600));
  assert_true(period_is_leap(2028));

  assert_int_equal(period_days_in_month(1900, 2), 28);
  assert_int_equal(period_days_in_month(2000, 2), 29);
  assert_int_equal(period_days_in_month(2024, 2), 29);
  assert_int_equal(period_days_in_month(2023, 2), 28);
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  for (int m = 1; m <= 12; m++) assert_int_equal(period_days_in_month(2023, m), days[m - 1]);

  must_parse("2000-02-29");
  must_parse("2024-02-29");
  must_parse("1600-02-29");
  must_reject("1900-02-29", "February 1900 has 28 days");
  must_reject("2023-02-29", "February 2023 has 28 days");
  must_reject("2100-02-29", "28 days");
  must_reject("2024-02-30", "February 2024 has 29 days");
}

static void test_bad_months_and_days(void **state) {
  (void)state;
  must_reject("2023-13", "month");
  must_reject("2023-00", "month");
  must_reject("2023-99", "month");
  must_reject("2023-13-01", "month");
  must_reject("2023-04-31", "April 2023 has 30 days");
  must_reject("2023-06-31", "June 2023 has 30 days");
  must_reject("2023-09-31", "30 days");
  must_reject("2023-11-31", "30 days");
  must_reject("2023-01-32", "January 2023 has 31 days");
  must_reject("2023-01-00", "31 days");
  must_parse("2023-01-31");
  must_parse("2023-12-31");
  must_parse("2023-04-30");
}

static void test_bad_quarters(void **state) {
  (void)state;
  must_reject("2027-Q0", "quarter");
  must_reject("2027-Q5", "quarter");
  must_reject("2027-Q9", "quarter");
  must_reject("2027-Q12", "quarter");
  must_reject("2027-Q", "quarter");
}

static void test_malformed_text(void **state) {
  (void)state;
  static const char *const bad[] = {"", "202", "20277", "20a7", "2027-", "2027/06", "2027-6", "2027-006",
                                    "2027-06-3", "2027-06-300", "2027-06-30x", "2027-06-", "2027-q2", "x027"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    Period p;
    char err[PERIOD_WHY_MAX] = "";
    if (period_parse(bad[i], strlen(bad[i]), &p, err)) fail_msg("'%s' accepted", bad[i]);
    assert_true(strlen(err) > 0);
  }
  /* The length is respected: the text need not be NUL-terminated. */
  Period p;
  char err[PERIOD_WHY_MAX];
  assert_true(period_parse("2027-06-30", 7, &p, err));
  assert_int_equal(p.kind, PER_MONTH);
  assert_true(period_parse("2027-Q3xyz", 7, &p, err));
  assert_int_equal(p.quarter, 3);
}

static void test_days_from_civil(void **state) {
  (void)state;
  assert_int_equal(period_days_from_civil(1970, 1, 1), 0);
  assert_int_equal(period_days_from_civil(1970, 1, 2), 1);
  assert_int_equal(period_days_from_civil(1969, 12, 31), -1);
  assert_int_equal(period_days_from_civil(1971, 1, 1), 365);
  assert_int_equal(period_days_from_civil(2000, 1, 1), 10957);
  assert_int_equal(period_days_from_civil(2000, 3, 1), 11017); /* 2000 is a leap year */
  assert_int_equal(period_days_from_civil(2024, 1, 1), 19723);
  /* 1900 is not a leap year: 28 Feb and 1 Mar are one day apart. */
  assert_int_equal(period_days_from_civil(1900, 3, 1) - period_days_from_civil(1900, 2, 28), 1);
  assert_int_equal(period_days_from_civil(2024, 3, 1) - period_days_from_civil(2024, 2, 28), 2);
  /* Consecutive days over several years are consecutive numbers. */
  int32_t prev = period_days_from_civil(1899, 12, 31);
  for (int y = 1900; y <= 2101; y++)
    for (int m = 1; m <= 12; m++)
      for (int d = 1; d <= period_days_in_month(y, m); d++) {
        int32_t n = period_days_from_civil(y, m, d);
        if (n != prev + 1) fail_msg("%04d-%02d-%02d is %d, after %d", y, m, d, n, prev);
        prev = n;
      }
}

static void test_last_day(void **state) {
  (void)state;
  expect_last_day("2027", "2027-12-31");
  expect_last_day("2027-Q1", "2027-03-31");
  expect_last_day("2027-Q2", "2027-06-30");
  expect_last_day("2027-Q3", "2027-09-30");
  expect_last_day("2027-Q4", "2027-12-31");
  expect_last_day("2024-Q1", "2024-03-31");
  expect_last_day("2027-06", "2027-06-30");
  expect_last_day("2027-01", "2027-01-31");
  expect_last_day("2024-02", "2024-02-29");
  expect_last_day("2023-02", "2023-02-28");
  expect_last_day("1900-02", "1900-02-28");
  expect_last_day("2000-02", "2000-02-29");
  expect_last_day("2027-06-15", "2027-06-15");
  expect_last_day("9999", "9999-12-31");
  expect_last_day("0001-01", "0001-01-31");
  expect_last_day("0000", "0000-12-31");
  /* every month of every year, written without printf, as printf writes it */
  for (int y = 0; y <= 9999; y++)
    for (int m = 1; m <= 12; m++) {
      char text[16], want[16], out[11];
      snprintf(text, sizeof text, "%04d-%02d", y, m);
      snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, period_days_in_month(y, m));
      period_last_day_text(must_parse(text), out);
      if (strcmp(out, want) != 0) fail_msg("%s ends on %s, not %s", text, out, want);
    }

  assert_int_equal(period_last_day(must_parse("1970-01-01")), 0);
  assert_int_equal(period_last_day(must_parse("1970")), 364);
  assert_int_equal(period_last_day(must_parse("2024-Q1")), period_days_from_civil(2024, 3, 31));
  assert_int_equal(period_last_day(must_parse("2027-06")), period_days_from_civil(2027, 6, 30));
  /* A leap year's last day is 366 days after the previous year's. */
  assert_int_equal(period_last_day(must_parse("2024")) - period_last_day(must_parse("2023")), 366);
  assert_int_equal(period_last_day(must_parse("2000")) - period_last_day(must_parse("1999")), 366);
  assert_int_equal(period_last_day(must_parse("1900")) - period_last_day(must_parse("1899")), 365);
}

static int cmp(const char *a, const char *b) { return period_cmp(must_parse(a), must_parse(b)); }

static void test_comparisons(void **state) {
  (void)state;
  /* Periods compare by their last day. */
  assert_int_equal(cmp("2027-12", "2027-12-31"), 0);
  assert_int_equal(cmp("2027", "2027-12-31"), 0);
  assert_int_equal(cmp("2027", "2027-Q4"), 0);
  assert_int_equal(cmp("2027", "2027-12"), 0);
  assert_int_equal(cmp("2027-Q2", "2027-06"), 0);
  assert_int_equal(cmp("2027-Q2", "2027-06-30"), 0);
  assert_int_equal(cmp("2024-Q1", "2024-03-31"), 0);
  assert_int_equal(cmp("2024-02", "2024-02-29"), 0);
  assert_true(cmp("2027-06-29", "2027-06") < 0);
  assert_true(cmp("2027-06", "2027-06-29") > 0);
  assert_true(cmp("2028-01-01", "2027") > 0);
  assert_true(cmp("2027-Q1", "2027-Q2") < 0);
  assert_true(cmp("2027-Q3", "2027-08") > 0);
  assert_true(cmp("2027-11", "2027") < 0);
  assert_true(cmp("2026", "2027-01-01") < 0);
  assert_true(cmp("2023-02", "2023-02-28") == 0);
  assert_true(cmp("2023-02-27", "2023-02") < 0);
  assert_true(cmp("1999", "2000-01-01") < 0);
  /* A period that starts earlier but ends later is later. */
  assert_true(cmp("2027", "2027-06-30") > 0);
}

/* The same comparisons as the checker makes them, from source text. */

static Program *load(const char *text) { return program_load_text("t.charter", text, strlen(text), NULL); }



static void test_periods_in_the_checker(void **state) {
  (void)state;
  /* An activity may end on the last day of the period it starts in:
   * 2027-12 ends on 2027-12-31. */
  Program *p = load("charter \"C\" { period 2024 to 2024-12-31 }\n"
                    "activity a \"A\" { start 2027-12-31; end 2027-12 }\n"
                    "activity b \"B\" { start 2027-Q4; end 2027 }\n");
  assert_int_equal(count_rule(p, "period"), 0);
  assert_int_equal(p->diags.nerrors, 0);
  /* A four-digit number is a year where a period is expected. */
  const Decl *b = strmap_get(&p->ids, "b");
  assert_non_null(b);
  const AttrVals *end = decl_attr(b, AT_ACTIVITY_END);
  assert_int_equal(end->n, 1);
  assert_int_equal(end->vals[0].per.kind, PER_YEAR);
  assert_int_equal(end->vals[0].per.year, 2027);
  program_free(p);

  /* Ends before its start: 2027 ends before 2028-01-01. */
  p = load("charter \"C\" {}\nactivity a \"A\" { start 2028-01-01; end 2027 }\n");
  assert_non_null(find_diag(p, "period", "ends before it starts"));
  program_free(p);

  /* A range that ends before it starts. */
  p = load("charter \"C\" { period 2030 to 2024-06 }\n");
  assert_non_null(find_diag(p, "period", "ends"));
  program_free(p);

  /* Milestones: 2026 and 2026-12 are the same period; a milestone must lie
   * strictly between baseline and target. */
  p = load("charter \"C\" {}\n"
           "indicator i \"I\" {\n"
           "  direction up\n"
           "  baseline 1 in 2023\n"
           "  milestone 2 by 2026\n"
           "  milestone 3 by 2026-12\n"
           "  milestone 4 by 2023-12-31\n"
           "  milestone 5 by 2028-Q4\n"
           "  target 9 by 2028\n"
           "}\n");
  assert_non_null(find_diag(p, "period", "same period"));
  assert_non_null(find_diag(p, "period", "not after the baseline"));
  assert_non_null(find_diag(p, "period", "not before the target"));
  assert_int_equal(count_rule(p, "period"), 3);
  program_free(p);

  /* A target in the baseline's own period is not after it. */
  p = load("charter \"C\" {}\nindicator i \"I\" { direction up; baseline 1 in 2023-Q4; target 2 by 2023 }\n");
  assert_non_null(find_diag(p, "period", "target's period must come after the baseline's"));
  program_free(p);

  /* An invalid period token is reported once, as a period error. */
  p = load("charter \"C\" {}\nactivity a \"A\" { start 2023-02-29 }\n");
  assert_int_equal(count_rule(p, "period"), 1);
  assert_non_null(find_diag(p, "period", "February 2023 has 28 days"));
  assert_int_equal(count_rule(p, "attribute"), 0);
  program_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_form),
      cmocka_unit_test(test_canonical_text),
      cmocka_unit_test(test_leap_years),
      cmocka_unit_test(test_bad_months_and_days),
      cmocka_unit_test(test_bad_quarters),
      cmocka_unit_test(test_malformed_text),
      cmocka_unit_test(test_days_from_civil),
      cmocka_unit_test(test_last_day),
      cmocka_unit_test(test_comparisons),
      cmocka_unit_test(test_periods_in_the_checker),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
