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
#include "model.h"
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

/* ---- halves, school and fiscal years, spans ---- */

static void test_new_forms(void **state) {
  (void)state;
  Period p = must_parse("2026-H1");
  assert_int_equal(p.kind, PER_HALF);
  assert_int_equal(p.year, 2026);
  assert_int_equal(p.quarter, 1);
  assert_int_equal(must_parse("2026-H2").quarter, 2);

  p = must_parse("SY2025-26");
  assert_int_equal(p.kind, PER_SCHOOL_YEAR);
  assert_int_equal(p.year, 2025);
  assert_int_equal(p.month, 0); /* the calendar is applied after */
  p = must_parse("SY1999-00"); /* the century turns */
  assert_int_equal(p.year, 1999);

  p = must_parse("FY2026");
  assert_int_equal(p.kind, PER_FISCAL_YEAR);
  assert_int_equal(p.year, 2026);
  assert_int_equal(p.month, 0);

  p = must_parse("2013/2017");
  assert_int_equal(p.kind, PER_SPAN);
  assert_int_equal(p.first, 2013);
  assert_int_equal(p.year, 2017);

  static const char *const forms[][2] = {{"2026-H1", "2026-H1"},     {"2026-H2", "2026-H2"},
                                         {"SY2025-26", "SY2025-26"}, {"SY1999-00", "SY1999-00"},
                                         {"FY2026", "FY2026"},       {"2013/2017", "2013 to 2017"}};
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
    char out[16];
    period_text(must_parse(forms[i][0]), out);
    assert_string_equal(out, forms[i][1]);
  }
}

static void test_new_forms_rejected(void **state) {
  (void)state;
  must_reject("SY2025-27", "a school year's second part is the next year, as in SY2025-26");
  must_reject("SY2025-25", "as in SY2025-26");
  must_reject("SY2025-2026", "write SY2025-26");
  must_reject("SY25-26", "write SY2025-26");
  must_reject("SY2025", "a school year is written with its two years, as in SY2025-26");
  must_reject("FY202", "four digits");
  must_reject("FY20266", "four digits");
  must_reject("2024-H3", "a half is H1 or H2");
  must_reject("2024-H0", "a half is H1 or H2");
  must_reject("2024-H", "a half is H1 or H2");
  must_reject("2017/2013", "a span runs from its first year to its last, as in 2013/2017");
  must_reject("2017/2017", "a span covers two years or more: write 2017 for one year");
  must_reject("2013/17", "a span is of whole years, as in 2013/2017");
  must_reject("2013-06/2017", "a span is of whole years, as in 2013/2017");
}

/* Every look-alike names the spelling to use, in a CSV file (period_parse)
 * and in a program (period_read_token, and period_lookalike for the text
 * the scanner splits). */
static void test_lookalikes(void **state) {
  (void)state;
  static const char *const csv[][2] = {
      {"2017-18", "a school year is written SY2017-18"},
      {"2013-2017", "a span of years is written 2013/2017 in a CSV file (2013 to 2017 in a program)"},
      {"2025-2030", "a span of years is written 2025/2030 in a CSV file"},
      {"Q3 2024", "write 2024-Q3"},
      {"Q3-2024", "write 2024-Q3"},
      {"2024Q3", "write 2024-Q3"},
      {"2024 Q3", "write 2024-Q3"},
      {"q3 2024", "write 2024-Q3"},
      {"Q5 2024", "a quarter is Q1, Q2, Q3 or Q4"},
      {"H2 2026", "write 2026-H2"},
      {"2024-7", "write 2024-07"},
      {"2024-7-4", "write 2024-07-04"},
      {"2027-06-3", "write 2027-06-03"},
      {"FY24", "write FY2024"},
      {"fy2026", "write FY2026 with capital letters"},
      {"Fy2026", "write FY2026 with capital letters"},
      {"FY2024-25", "write FY2025: a fiscal year is named by the year it ends in"},
      {"sy2025-26", "write SY2025-26 with capital letters"},
      {"3/31/2026", "write 2026-03-31"},
      {"12/31/2025", "write 2025-12-31"},
      {"31/12/2025", "write 2025-12-31"},
      {"4/5/2026", "write 2026-04-05 (April 5) or 2026-05-04 (4 May)"},
      {"5/5/2026", "write 2026-05-05"},
      {"2026/07", "write 2026-07"},
      {"7/2026", "write 2026-07"},
      {"2026/3/31", "write 2026-03-31"},
      {"2024-h1", "write the half with a capital H, as in 2024-H1"},
      {"2024-q2", "write the quarter with a capital Q, as in 2024-Q2"},
  };
  for (size_t i = 0; i < sizeof csv / sizeof *csv; i++) must_reject(csv[i][0], csv[i][1]);
  /* Still plain mistakes, not look-alikes. */
  must_reject("2025-13", "a month is 01 to 12");
  must_reject("2/30/2026", "a period is written 2027, 2027-H1, 2027-Q2, 2027-06, 2027-06-30, SY2026-27 or FY2027");
  /* 2011-12 is December 2011, never a school year. */
  assert_int_equal(must_parse("2011-12").kind, PER_MONTH);

  static const char *const source[][2] = {
      {"2017-18", "a school year is written SY2017-18"},
      {"2013-2017", "a span of years is written 2013 to 2017 (2013/2017 in a CSV file)"},
      {"2024-7", "write 2024-07"},
      {"FY24", "write FY2024"},
      {"sy2025-26", "write SY2025-26 with capital letters"},
      {"SY2025-27", "a school year's second part is the next year, as in SY2025-26"},
      {"2024-H3", "a half is H1 or H2"},
      {"2024-q2", "write the quarter with a capital Q, as in 2024-Q2"},
  };
  for (size_t i = 0; i < sizeof source / sizeof *source; i++) {
    Period p;
    Buf why = {0};
    if (period_read_token(source[i][0], strlen(source[i][0]), &p, &why)) fail_msg("'%s' accepted", source[i][0]);
    if (!strstr(buf_str(&why), source[i][1])) fail_msg("'%s': \"%s\" lacks \"%s\"", source[i][0], buf_str(&why), source[i][1]);
    buf_free(&why);
  }
  /* The scanner does not read a span as a period; a program writes 2013 to 2017. */
  char why[PERIOD_WHY_MAX];
  assert_true(period_lookalike("2013/2017", 9, false, why));
  assert_string_equal(why, "a span of years is written 2013 to 2017 (2013/2017 in a CSV file)");
  assert_false(period_lookalike("2013/2017", 9, true, why)); /* a CSV span */
  assert_true(period_lookalike("fy2026", 6, false, why));
  assert_false(period_lookalike("fy_budget", 9, false, why));
  assert_false(period_lookalike("Q3", 2, false, why));
  assert_false(period_lookalike("", 0, false, why));
  assert_false(period_lookalike("hello world", 11, false, why));
}

static void expect_days(Period p, const char *first, const char *last) {
  int y, m, d;
  int32_t f = period_first_day(p), l = period_last_day(p);
  assert_int_equal(sscanf(first, "%d-%d-%d", &y, &m, &d), 3);
  if (f != period_days_from_civil(y, m, d)) fail_msg("first day is not %s", first);
  assert_int_equal(sscanf(last, "%d-%d-%d", &y, &m, &d), 3);
  if (l != period_days_from_civil(y, m, d)) fail_msg("last day is not %s", last);
  char out[11];
  period_last_day_text(p, out);
  assert_string_equal(out, last);
}

static Period with_calendar(const char *text, int school, int fiscal) {
  Period p = must_parse(text);
  Calendar cal = {.school_year_ends = (uint8_t)school, .fiscal_year_ends = (uint8_t)fiscal};
  period_apply_calendar(&p, &cal);
  return p;
}

static void test_calendar_days(void **state) {
  (void)state;
  expect_days(must_parse("2026-H1"), "2026-01-01", "2026-06-30");
  expect_days(must_parse("2026-H2"), "2026-07-01", "2026-12-31");
  /* School years end in June and fiscal years in December by default. */
  expect_days(must_parse("SY2025-26"), "2025-07-01", "2026-06-30");
  expect_days(must_parse("FY2026"), "2026-01-01", "2026-12-31");
  expect_days(with_calendar("SY2025-26", 6, 12), "2025-07-01", "2026-06-30");
  /* school_year_ends 8, fiscal_year_ends 9 */
  Period sy = with_calendar("SY2025-26", 8, 9);
  assert_int_equal(sy.month, 8);
  expect_days(sy, "2025-09-01", "2026-08-31");
  Period fy = with_calendar("FY2026", 8, 9);
  assert_int_equal(fy.month, 9);
  expect_days(fy, "2025-10-01", "2026-09-30");
  /* Other kinds keep their month. */
  assert_int_equal(with_calendar("2026-07", 8, 9).month, 7);
  assert_int_equal(with_calendar("2026", 8, 9).month, 0);
  /* Leap years: a year ending in February ends on the 29th in a leap year. */
  expect_days(with_calendar("FY2024", 6, 2), "2023-03-01", "2024-02-29");
  expect_days(with_calendar("FY2025", 6, 2), "2024-03-01", "2025-02-28");
  expect_days(with_calendar("SY2023-24", 2, 12), "2023-03-01", "2024-02-29");
  expect_days(with_calendar("FY2100", 6, 2), "2099-03-01", "2100-02-28"); /* 2100 is not a leap year */
  expect_days(with_calendar("FY2026", 6, 1), "2025-02-01", "2026-01-31");
  /* A span runs from the first day of its first year to the last of its last. */
  Period span = must_parse("2013/2017");
  expect_days(span, "2013-01-01", "2017-12-31");
  assert_int_equal(period_trend_day(span), period_days_from_civil(2015, 7, 2)); /* 1825 days: the midpoint, rounded down */
  assert_int_equal(period_trend_day(must_parse("2016/2017")), period_days_from_civil(2016, 12, 31));
  assert_int_equal(period_trend_day(must_parse("2019/2020")), period_days_from_civil(2020, 1, 1)); /* 731 days: 2020 is leap */
  /* Every other period stands at its last day on a trend's axis. */
  assert_int_equal(period_trend_day(must_parse("2026-H1")), period_last_day(must_parse("2026-H1")));
  assert_int_equal(period_trend_day(sy), period_last_day(sy));
  /* Comparison by last day. */
  assert_int_equal(cmp("SY2025-26", "2026-06"), 0);
  assert_int_equal(period_cmp(sy, must_parse("2026-08-31")), 0);
  assert_true(cmp("2013/2017", "2017") == 0);
  assert_true(cmp("2026-H1", "2026-Q2") == 0);
  assert_true(cmp("2026-H2", "2026") == 0);
  assert_true(cmp("FY2026", "SY2025-26") > 0);
}



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


static void test_spans_and_calendars_in_the_checker(void **state) {
  (void)state;
  Program *p = load("charter \"C\" {\n  period 2024 to 2030\n  school_year_ends 8\n  fiscal_year_ends 9\n}\n"
                    "indicator i \"I\" {\n  direction down\n  baseline 7.1 in 2013 to 2017\n"
                    "  milestone 6.5 by 2021 to 2025\n  target 6 by 2026 to 2030\n}\n"
                    "indicator s \"S\" { direction up; baseline 1 in SY2022-23; milestone 2 by 2024-H2; target 3 by FY2027 }\n"
                    "indicator fy_budget \"A name, not a period\" { frequency biennially }\n"
                    "indicator FY2026x \"Also a name\" { frequency semiannually }\n"
                    "indicator t \"T\" { frequency triennially }\n");
  assert_int_equal(p->diags.nerrors, 0);
  const Decl *i = strmap_get(&p->ids, "i");
  const AttrVals *base = decl_attr(i, AT_INDICATOR_BASELINE);
  assert_int_equal(base->vals[0].per.kind, PER_SPAN);
  assert_int_equal(base->vals[0].per.first, 2013);
  assert_int_equal(base->vals[0].per.year, 2017);
  assert_int_equal(decl_attr(i, AT_INDICATOR_TARGET)->vals[0].per.first, 2026);
  assert_int_equal(decl_attr(i, AT_INDICATOR_MILESTONE)->vals[0].per.year, 2025);
  /* The charter's calendar reaches every value and the views. */
  assert_int_equal(program_calendar(p)->school_year_ends, 8);
  assert_int_equal(program_calendar(p)->fiscal_year_ends, 9);
  const Decl *s = strmap_get(&p->ids, "s");
  assert_int_equal(decl_attr(s, AT_INDICATOR_BASELINE)->vals[0].per.month, 8);
  assert_int_equal(decl_attr(s, AT_INDICATOR_TARGET)->vals[0].per.month, 9);
  const IndicatorView *v = s->view;
  assert_int_equal(v->baseline_per.month, 8);
  assert_int_equal(v->target_by.month, 9);
  assert_non_null(strmap_get(&p->ids, "fy_budget"));
  assert_non_null(strmap_get(&p->ids, "FY2026x"));
  assert_int_equal(((const IndicatorView *)((const Decl *)strmap_get(&p->ids, "t"))->view)->frequency, FREQUENCY_TRIENNIALLY);
  program_free(p);

  /* Without the attributes: June and December. */
  p = load("charter \"C\" {}\nindicator s \"S\" { direction up; baseline 1 in SY2022-23; target 3 by FY2027 }\n");
  assert_int_equal(p->diags.nerrors, 0);
  s = strmap_get(&p->ids, "s");
  assert_int_equal(((const IndicatorView *)s->view)->baseline_per.month, 6);
  assert_int_equal(((const IndicatorView *)s->view)->target_by.month, 12);
  program_free(p);
  p = load("indicator s \"S\" { direction up; baseline 1 in SY2022-23; target 3 by FY2027 }\n");
  assert_int_equal(program_calendar(p)->school_year_ends, 6);
  program_free(p);

  /* Spans of whole years only, in order; months 1 to 12. */
  p = load("charter \"C\" { school_year_ends 13; fiscal_year_ends 2.5 }\n"
           "indicator a \"A\" { direction up; baseline 1 in 2017 to 2013; target 2 by 2030 }\n"
           "indicator b \"B\" { direction up; baseline 1 in 2017 to 2017; target 2 by 2030 }\n"
           "indicator c \"C\" { direction up; baseline 1 in 2017-Q1 to 2019; target 2 by 2030 }\n");
  assert_non_null(find_diag(p, "period", "a span runs from its first year to its last: write 2013 to 2017"));
  assert_non_null(find_diag(p, "period", "a span covers two years or more: write 2017 for one year"));
  assert_non_null(find_diag(p, "period", "only whole calendar years can be spanned, as in 2017 to 2019"));
  assert_non_null(find_diag(p, "attribute", "'school_year_ends' takes the number of the month the year ends in, 1 to 12"));
  assert_non_null(find_diag(p, "attribute", "'fiscal_year_ends' takes the number of the month the year ends in, 1 to 12"));
  assert_int_equal(p->diags.nerrors, 5);
  program_free(p);

  /* Look-alikes in a program: one message each, naming the spelling. */
  p = load("charter \"C\" { period 2025-2030 }\n"
           "indicator a \"A\" { direction up; baseline 1 in 2013-2017; target 2 by 2017-18 }\n"
           "indicator b \"B\" { direction up; baseline 1 in Q3 2024; target 2 by 2024Q4 }\n"
           "indicator c \"C\" { direction up; baseline 1 in fy2024; target 2 by FY26 }\n"
           "indicator d \"D\" { direction up; baseline 1 in 2024 Q3; target 2 by 2026/07 }\n");
  assert_non_null(find_diag(p, "period", "the charter's period is written period 2025 to 2030"));
  assert_non_null(find_diag(p, "period", "a span of years is written 2013 to 2017 (2013/2017 in a CSV file)"));
  assert_non_null(find_diag(p, "period", "a school year is written SY2017-18"));
  assert_non_null(find_diag(p, "period", "'Q3 2024' is not a valid period: write 2024-Q3"));
  assert_non_null(find_diag(p, "period", "'2024Q4' is not a valid period: write 2024-Q4"));
  assert_non_null(find_diag(p, "period", "write FY2024 with capital letters"));
  assert_non_null(find_diag(p, "period", "write FY2026"));
  assert_non_null(find_diag(p, "period", "'2024 Q3' is not a valid period: write 2024-Q3"));
  assert_non_null(find_diag(p, "syntax", "'2026/07' is not a valid period: write 2026-07"));
  assert_int_equal(p->diags.nerrors, 9);
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
      cmocka_unit_test(test_new_forms),
      cmocka_unit_test(test_new_forms_rejected),
      cmocka_unit_test(test_lookalikes),
      cmocka_unit_test(test_calendar_days),
      cmocka_unit_test(test_spans_and_calendars_in_the_checker),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
