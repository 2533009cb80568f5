/* Network roll-ups (runtime/rollup.c): counts summed, rates recomputed
 * from summed counts (not the average of the members' rates), a member's
 * suppression withholding the sum, flags passed on, and the keys that are
 * not rolled up (a member missing, periods of different kinds, a rate
 * without counts, a zero denominator). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "period.h"
#include "rollup.h"
#include "store.h"

static RollupObs rate(double num, double den) {
  return (RollupObs){true, PER_YEAR, num / den * 100, num, den, 0};
}
static RollupObs count(double v) { return (RollupObs){true, PER_YEAR, v, NAN, NAN, 0}; }

/* 30/40 (75%), 45/100 (45%), 120/200 (60%): 195/340 = 57.35%, not the
 * average of the rates (60%). */
static void rate_from_summed_counts(void **state) {
  (void)state;
  RollupObs in[3] = {rate(30, 40), rate(45, 100), rate(120, 200)}, out;
  int who;
  assert_int_equal(rollup_combine(in, 3, true, 100, &out, &who), ROLLUP_OK);
  assert_int_equal(who, -1);
  assert_true(out.present);
  assert_float_equal(out.numerator, 195, 1e-9);
  assert_float_equal(out.denominator, 340, 1e-9);
  assert_float_equal(out.value, 195.0 / 340 * 100, 1e-9);
  assert_true(fabs(out.value - 60) > 2); /* the average of rates would be 60 */
}

/* per 1000: 3/1500 and 9/4500 = 12/6000 = 2 per 1000 */
static void rate_per_thousand(void **state) {
  (void)state;
  RollupObs in[2] = {{true, PER_YEAR, 2, 3, 1500, 0}, {true, PER_YEAR, 2, 9, 4500, 0}}, out;
  int who;
  assert_int_equal(rollup_combine(in, 2, true, 1000, &out, &who), ROLLUP_OK);
  assert_float_equal(out.value, 2, 1e-9);
}

static void counts_summed(void **state) {
  (void)state;
  RollupObs in[3] = {count(7), count(9), count(4)}, out;
  int who;
  assert_int_equal(rollup_combine(in, 3, false, 1, &out, &who), ROLLUP_OK);
  assert_float_equal(out.value, 20, 1e-9);
  assert_true(isnan(out.numerator)); /* no member gave counts */
  in[0].numerator = 7, in[1].numerator = 9, in[2].numerator = 4;
  assert_int_equal(rollup_combine(in, 3, false, 1, &out, &who), ROLLUP_OK);
  assert_float_equal(out.numerator, 20, 1e-9);
}

static void member_missing(void **state) {
  (void)state;
  RollupObs in[3] = {count(1), count(2), {0}}, out;
  int who;
  assert_int_equal(rollup_combine(in, 3, false, 1, &out, &who), ROLLUP_MISSING);
  assert_int_equal(who, 2);
  assert_false(out.present);
  assert_non_null(rollup_reason(ROLLUP_MISSING));
  assert_int_equal(rollup_combine(in, 0, false, 1, &out, &who), ROLLUP_MISSING);
}

static void mixed_period_kinds(void **state) {
  (void)state;
  RollupObs in[2] = {rate(1, 2), rate(1, 2)}, out;
  in[1].kind = PER_SCHOOL_YEAR;
  int who;
  assert_int_equal(rollup_combine(in, 2, true, 100, &out, &who), ROLLUP_MIXED_PERIODS);
  assert_int_equal(who, 1);
  assert_false(out.present);
}

static void suppressed_member_withholds(void **state) {
  (void)state;
  RollupObs in[3] = {rate(30, 40), rate(45, 100), {true, PER_YEAR, NAN, NAN, NAN, OBS_SUPPRESSED}}, out;
  int who;
  assert_int_equal(rollup_combine(in, 3, true, 100, &out, &who), ROLLUP_WITHHELD);
  assert_int_equal(who, 2);
  assert_true(out.present);
  assert_true(out.flags & OBS_SUPPRESSED);
  assert_true(isnan(out.value));
}

static void rate_without_counts(void **state) {
  (void)state;
  RollupObs in[2] = {rate(30, 40), {true, PER_YEAR, 50, NAN, NAN, 0}}, out;
  int who;
  assert_int_equal(rollup_combine(in, 2, true, 100, &out, &who), ROLLUP_NO_COUNTS);
  assert_int_equal(who, 1);
  assert_false(out.present);
  RollupObs z[2] = {{true, PER_YEAR, 0, 0, 0, 0}, {true, PER_YEAR, 0, 0, 0, 0}};
  assert_int_equal(rollup_combine(z, 2, true, 100, &out, &who), ROLLUP_NO_DENOMINATOR);
}

static void flags_combined(void **state) {
  (void)state;
  RollupObs in[3] = {rate(1, 20), rate(2, 20), rate(3, 20)}, out;
  in[0].flags = OBS_PROVISIONAL;
  in[1].flags = OBS_ESTIMATED | OBS_UNSTABLE;
  in[2].flags = OBS_BREAK;
  int who;
  assert_int_equal(rollup_combine(in, 3, true, 100, &out, &who), ROLLUP_OK);
  assert_int_equal(out.flags, OBS_PROVISIONAL | OBS_ESTIMATED | OBS_BREAK); /* unstable: decided again */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rate_from_summed_counts), cmocka_unit_test(rate_per_thousand),
      cmocka_unit_test(counts_summed),           cmocka_unit_test(member_missing),
      cmocka_unit_test(mixed_period_kinds),      cmocka_unit_test(suppressed_member_withholds),
      cmocka_unit_test(rate_without_counts),     cmocka_unit_test(flags_combined),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
