/* The disclosure policy (runtime/disclose.c): primary suppression at and
 * under the threshold, zeros shown, the complementary cell chosen, two small
 * groups, the whole-population row, unknown counts, cells suppressed at
 * source, the unstable mark, equity figures; and a seeded property test
 * over 20,000 random tables that no withheld count can be recovered by one
 * subtraction or one sum, and that nothing is withheld beyond what the
 * rules require. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disclose.h"

/* ---- helpers ---- */

/* A rate cell with both counts. */
static DisclosureCell cell(double num, double den) {
  DisclosureCell c = {.value = den ? num / den : 0, .numerator = num, .denominator = den};
  return c;
}
/* A value without counts. */
static DisclosureCell nocounts(double value) {
  DisclosureCell c = {.value = value, .numerator = NAN, .denominator = NAN};
  return c;
}
/* A cell suppressed at source (its counts unknown). */
static DisclosureCell source(void) {
  DisclosureCell c = {.value = NAN, .numerator = NAN, .denominator = NAN, .suppressed_at_source = true};
  return c;
}

/* suppress below 11, unstable below 20, complementary, unknown counts withheld */
static const DisclosurePolicy STD = {
    .present = true, .suppress_below = 11, .unstable_below = 20, .complementary = true};

/* Asserts the states of the groups, as letters: . shown, S source, s small,
 * u unknown counts, c complementary. */
static void expect_states(const DisclosureCell *g, int n, const char *want) {
  static const char letters[DISC_STATE_COUNT] = {'.', 'S', 's', 'u', 'c'};
  char got[64];
  for (int i = 0; i < n; i++) got[i] = letters[g[i].state];
  got[n] = '\0';
  if (strcmp(got, want) != 0) fail_msg("states %s, expected %s", got, want);
}

/* ---- primary suppression ---- */

static void test_under_and_at_threshold(void **state) {
  (void)state;
  DisclosurePolicy p = STD;
  p.complementary = false;
  DisclosureCell g[] = {
      cell(10, 200), /* numerator 10 < 11: withheld */
      cell(11, 300), /* 11 is not below 11: shown */
      cell(30, 10),  /* denominator 10: withheld (a rate per person-year may exceed 1) */
      cell(0, 11),   /* 0 events out of 11: shown */
      cell(0, 0),    /* no one at all: shown */
      cell(1, 500),  /* one event: withheld */
      cell(10.5, 40) /* a weighted count under the threshold: withheld */
  };
  disclose_table(&p, NULL, g, 7);
  expect_states(g, 7, "s.s..ss");
  assert_false(disclose_withheld(g[1].state));
  assert_true(disclose_withheld(g[0].state));
}

static void test_no_policy_shows_everything(void **state) {
  (void)state;
  DisclosurePolicy none = {0};
  DisclosureCell whole = cell(3, 8);
  DisclosureCell g[] = {cell(1, 2), cell(2, 6), nocounts(0.5), source()};
  disclose_table(&none, &whole, g, 4);
  assert_int_equal(whole.state, DISC_SHOWN);
  expect_states(g, 4, "...S"); /* a value suppressed at source stays so */
  for (int i = 0; i < 4; i++) assert_false(g[i].unstable);
  disclose_table(NULL, &whole, g, 4); /* no policy at all reads the same */
  expect_states(g, 4, "...S");
  /* a policy without suppress below withholds no small count */
  DisclosurePolicy only_unstable = {.present = true, .unstable_below = 20, .unknown_counts_shown = true};
  disclose_table(&only_unstable, &whole, g, 4);
  expect_states(g, 4, "...S");
  assert_true(g[0].unstable);
}

/* ---- complementary suppression ---- */

static void test_complementary_cell_chosen(void **state) {
  (void)state;
  /* The whole shows 100 of 1,000; A alone is small. Without another cell
   * withheld, A = 100 - 30 - 20 - 45 events out of 1000 - 400 - 150 - 400.
   * C has the smallest denominator of the rest (150): it is withheld. */
  DisclosureCell whole = cell(100, 1000);
  DisclosureCell g[] = {cell(5, 50), cell(30, 400), cell(20, 150), cell(45, 400)};
  disclose_table(&STD, &whole, g, 4);
  assert_int_equal(whole.state, DISC_SHOWN);
  expect_states(g, 4, "s.c.");
  assert_int_equal(g[2].state, DISC_WITHHELD_COMPLEMENTARY);

  /* A tie on the denominator goes to the smaller numerator, then to the
   * first in order. */
  DisclosureCell tie[] = {cell(45, 400), cell(30, 400), cell(5, 50), cell(20, 400)};
  disclose_table(&STD, &whole, tie, 4);
  expect_states(tie, 4, "..sc");
  DisclosureCell same[] = {cell(5, 50), cell(30, 400), cell(30, 400), cell(35, 400)};
  disclose_table(&STD, &whole, same, 4);
  expect_states(same, 4, "sc..");

  /* A group with no events hides nothing (the two withheld cells would
   * add up to A's 5 events): the smallest with events is taken. */
  DisclosureCell zero[] = {cell(5, 50), cell(0, 30), cell(40, 300), cell(55, 620)};
  disclose_table(&STD, &whole, zero, 4);
  expect_states(zero, 4, "s.c.");
  /* ... unless every other group has a zero count */
  DisclosureCell zeros[] = {cell(5, 50), cell(0, 30), cell(0, 500)};
  disclose_table(&STD, &whole, zeros, 3);
  expect_states(zeros, 3, "sc.");
  /* groups of unknown counts (shown by the policy) come after known ones */
  DisclosurePolicy shown = STD;
  shown.unknown_counts_shown = true;
  DisclosureCell unk[] = {nocounts(0.1), cell(5, 50), cell(60, 700)};
  disclose_table(&shown, &whole, unk, 3);
  expect_states(unk, 3, ".sc");
}

/* The worked example of docs/measurement.md ("Small numbers"). */
static void test_worked_example(void **state) {
  (void)state;
  DisclosureCell whole = cell(88, 1000);
  DisclosureCell race[] = {cell(18, 400), cell(20, 150), cell(5, 50), cell(45, 400)}; /* Black, Latino, Native, White */
  disclose_table(&STD, &whole, race, 4);
  assert_int_equal(whole.state, DISC_SHOWN);
  assert_false(whole.unstable);
  expect_states(race, 4, ".cs.");
  assert_true(race[0].unstable);
  assert_false(race[3].unstable);
  assert_false(disclose_equity_shown(race, 4, -1));
  assert_true(disclose_equity_shown(race, 4, 0));
  assert_true(disclose_equity_shown(race, 4, 3));
}

static void test_complementary_off(void **state) {
  (void)state;
  DisclosurePolicy p = STD;
  p.complementary = false;
  DisclosureCell whole = cell(100, 1000);
  DisclosureCell g[] = {cell(5, 50), cell(30, 400), cell(20, 150), cell(45, 400)};
  disclose_table(&p, &whole, g, 4);
  expect_states(g, 4, "s...");
}

static void test_two_small_groups(void **state) {
  (void)state;
  /* Two withheld groups with the whole shown: the subtraction gives only
   * their sum (7 events of 100), not either one, so nothing more is needed. */
  DisclosureCell whole = cell(100, 1000);
  DisclosureCell g[] = {cell(3, 40), cell(93, 900), cell(4, 60)};
  disclose_table(&STD, &whole, g, 3);
  assert_int_equal(whole.state, DISC_SHOWN);
  expect_states(g, 3, "s.s");
}

static void test_pinned_small_groups(void **state) {
  (void)state;
  /* Two groups of a count (no denominator) withheld as small, 1 each: the
   * whole minus the rest leaves 2, and each is at least 1, so each is 1.
   * A third group is withheld. */
  DisclosureCell whole = {.value = 62, .numerator = 62, .denominator = NAN};
  DisclosureCell g[] = {{.value = 1, .numerator = 1, .denominator = NAN},
                        {.value = 40, .numerator = 40, .denominator = NAN},
                        {.value = 1, .numerator = 1, .denominator = NAN},
                        {.value = 20, .numerator = 20, .denominator = NAN}};
  disclose_table(&STD, &whole, g, 4);
  expect_states(g, 4, "s.sc");
  /* 10 and 10 leave 20, and each is at most 10: as pinned */
  g[0].numerator = g[2].numerator = 10;
  whole.numerator = 80;
  disclose_table(&STD, &whole, g, 4);
  expect_states(g, 4, "s.sc");
  /* 3 and 4 leave 7: 1 + 6, 2 + 5 ... nothing more is needed */
  g[0].numerator = 3;
  g[2].numerator = 4;
  whole.numerator = 67;
  disclose_table(&STD, &whole, g, 4);
  expect_states(g, 4, "s.s.");

  /* Two small classes with no one absent: 0 events between them says
   * "none of these 7 children", so a third group is withheld. */
  DisclosureCell w2 = cell(60, 707);
  DisclosureCell r[] = {cell(0, 3), cell(20, 300), cell(0, 4), cell(40, 400)};
  disclose_table(&STD, &w2, r, 4);
  expect_states(r, 4, "scs.");
  /* One absent between them: either could be the one. */
  r[0] = cell(1, 3);
  w2 = cell(61, 707);
  disclose_table(&STD, &w2, r, 4);
  expect_states(r, 4, "s.s.");

  /* Groups that overlap (people counted in two) add up to more than the
   * whole: the subtraction pins nothing, and nothing more is withheld. */
  DisclosureCell w4 = cell(100, 1000);
  DisclosureCell o[] = {cell(5, 50), cell(3, 40), cell(80, 800), cell(60, 600)};
  disclose_table(&STD, &w4, o, 4);
  expect_states(o, 4, "ss..");

  /* A shown group without counts: charter cannot work out what the
   * withheld ones add up to, and only the single withheld group is guarded. */
  DisclosurePolicy shown = STD;
  shown.unknown_counts_shown = true;
  DisclosureCell w3 = cell(60, 707);
  DisclosureCell u[] = {cell(0, 3), nocounts(0.05), cell(0, 4), cell(40, 400)};
  disclose_table(&shown, &w3, u, 4);
  expect_states(u, 4, "s.s.");
}

static void test_whole_population_row(void **state) {
  (void)state;
  /* Without a whole-population value at this period, one withheld group
   * cannot be recovered: the other groups do not add up to anything shown. */
  DisclosureCell g[] = {cell(5, 50), cell(30, 400), cell(65, 550)};
  disclose_table(&STD, NULL, g, 3);
  expect_states(g, 3, "s..");
  /* With it, 100 - 30 - 65 = 5 would give A away: B is withheld too. */
  DisclosureCell whole = cell(100, 1000);
  disclose_table(&STD, &whole, g, 3);
  expect_states(g, 3, "sc.");
  assert_int_equal(whole.state, DISC_SHOWN);

  /* The whole withheld and every group shown: their sum would give it
   * back, so the smallest group is withheld. */
  DisclosureCell w2 = source();
  DisclosureCell g2[] = {cell(30, 400), cell(20, 150), cell(50, 450)};
  disclose_table(&STD, &w2, g2, 3);
  assert_int_equal(w2.state, DISC_WITHHELD_SOURCE);
  expect_states(g2, 3, ".c.");

  /* A small whole: its small groups are withheld with it, and the
   * groups of 0 are shown (three withheld cells in the one sum). */
  DisclosureCell w3 = cell(7, 900);
  DisclosureCell g3[] = {cell(3, 300), cell(0, 200), cell(4, 400)};
  disclose_table(&STD, &w3, g3, 3);
  assert_int_equal(w3.state, DISC_WITHHELD_SMALL);
  expect_states(g3, 3, "s.s");

  /* One group only, withheld: it equals the whole, which is withheld. */
  DisclosureCell w4 = cell(5, 50);
  w4.numerator = 50; /* (its own counts are large; the group's are not) */
  w4.denominator = 500;
  DisclosureCell g4[] = {cell(5, 50)};
  disclose_table(&STD, &w4, g4, 1);
  expect_states(g4, 1, "s");
  assert_int_equal(w4.state, DISC_WITHHELD_COMPLEMENTARY);
}

static void test_unknown_counts(void **state) {
  (void)state;
  DisclosurePolicy p = STD;
  p.complementary = false;
  DisclosureCell whole = nocounts(0.4); /* the whole is never withheld for this */
  DisclosureCell g[] = {nocounts(0.3), cell(40, 100), nocounts(0.5)};
  disclose_table(&p, &whole, g, 3);
  assert_int_equal(whole.state, DISC_SHOWN);
  expect_states(g, 3, "u.u");
  assert_string_equal(disclose_state_name(g[0].state), "unknown_counts");

  p.unknown_counts_shown = true;
  disclose_table(&p, &whole, g, 3);
  expect_states(g, 3, "...");

  /* One count known is enough to judge the cell. */
  DisclosureCell half[] = {cell(NAN, 400), cell(4, NAN), cell(40, NAN)};
  half[0].value = 0.2;
  half[1].value = half[2].value = 0.1;
  p.unknown_counts_shown = false;
  disclose_table(&p, NULL, half, 3);
  expect_states(half, 3, ".s.");

  /* With the whole shown, a single group of unknown counts is withheld
   * and needs a complement like any other. */
  DisclosureCell w = cell(100, 1000);
  DisclosureCell g2[] = {nocounts(0.1), cell(40, 400), cell(50, 500)};
  disclose_table(&STD, &w, g2, 3);
  expect_states(g2, 3, "uc.");
}

static void test_source_counts_for_complementarity(void **state) {
  (void)state;
  DisclosureCell whole = cell(100, 1000);
  DisclosureCell g[] = {cell(30, 300), source(), cell(40, 500), cell(15, 120)};
  disclose_table(&STD, &whole, g, 4);
  expect_states(g, 4, ".S.c");
  assert_string_equal(disclose_state_name(g[1].state), "source");
  assert_string_equal(disclose_state_name(g[3].state), "complementary");

  /* A source cell whose value is NAN without the flag reads the same. */
  DisclosureCell g2[] = {cell(30, 300), cell(55, 580), cell(15, 120)};
  g2[1].value = NAN;
  disclose_table(&STD, &whole, g2, 3);
  expect_states(g2, 3, ".Sc");
}

static void test_unstable_mark(void **state) {
  (void)state;
  DisclosurePolicy p = STD;
  p.complementary = false;
  DisclosureCell whole = cell(19, 5000);
  DisclosureCell g[] = {cell(19, 2000), cell(20, 2000), cell(0, 900), cell(5, 100), nocounts(0.1)};
  p.unknown_counts_shown = true;
  disclose_table(&p, &whole, g, 5);
  assert_true(whole.unstable);
  expect_states(g, 5, "...s.");
  assert_true(g[0].unstable);  /* 19 < 20 */
  assert_false(g[1].unstable); /* 20 is not */
  assert_true(g[2].unstable);  /* a rate of 0 from 0 events is as unstable */
  assert_false(g[3].unstable); /* withheld: not shown, not marked */
  assert_false(g[4].unstable); /* no numerator: cannot be judged */
  DisclosureCell count = {.value = 12, .numerator = 12, .denominator = NAN};
  disclose_table(&p, NULL, &count, 1);
  assert_int_equal(count.state, DISC_SHOWN);
  assert_false(count.unstable); /* 12 people is a count, not a rate */
  /* WISQARS's "20 or fewer" is unstable below 21 */
  p.unstable_below = 21;
  disclose_table(&p, &whole, g, 5);
  assert_true(g[1].unstable);
  p.unstable_below = 0;
  disclose_table(&p, &whole, g, 5);
  assert_false(g[0].unstable);
}

static void test_equity_shown(void **state) {
  (void)state;
  DisclosureCell whole = cell(100, 1000);
  DisclosureCell g[] = {cell(5, 50), cell(30, 400), cell(20, 150), cell(45, 400)};
  disclose_table(&STD, &whole, g, 4);
  assert_false(disclose_equity_shown(g, 4, -1)); /* gap and ratio need A and C */
  assert_false(disclose_equity_shown(g, 4, 0));
  assert_true(disclose_equity_shown(g, 4, 1));
  assert_false(disclose_equity_shown(g, 4, 2));
  assert_true(disclose_equity_shown(g, 4, 3));
  assert_false(disclose_equity_shown(g, 4, 4)); /* no such group */
  DisclosureCell big[] = {cell(30, 400), cell(45, 400)};
  disclose_table(&STD, &whole, big, 2);
  assert_true(disclose_equity_shown(big, 2, -1));
  assert_string_equal(DISCLOSE_NOT_SHOWN, "not shown: small numbers");
  assert_string_equal(disclose_state_name(DISC_SHOWN), "shown");
  /* what output says: a small cell and its complement read the same */
  assert_null(disclose_public_reason(DISC_SHOWN));
  assert_string_equal(disclose_public_reason(DISC_WITHHELD_SMALL), "small_numbers");
  assert_string_equal(disclose_public_reason(DISC_WITHHELD_COMPLEMENTARY), "small_numbers");
  assert_string_equal(disclose_public_reason(DISC_WITHHELD_SOURCE), "source");
  assert_string_equal(disclose_public_reason(DISC_WITHHELD_UNKNOWN_COUNTS), "unknown_counts");
  assert_string_equal(disclose_state_name(DISC_WITHHELD_SMALL), "small");
}

/* ---- the property ---- */

static uint64_t rng_state;
static uint64_t rng(void) { /* splitmix64 */
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}
static int rnd(int n) { return (int)(rng() % (uint64_t)n); }

/* A count, often small: 0..12 a third of the time, else up to 2,000. */
static double rnd_count(void) { return rnd(3) == 0 ? rnd(13) : rnd(2001); }

enum { MAXG = 8 };

/* A table as the reader sees it: a cell's true counts are known to the
 * reader when it is shown (even when charter does not know them: they may
 * be published elsewhere); a withheld cell's are not. Can the reader work
 * out cell i's count k (0 numerator, 1 denominator) by one subtraction (the
 * whole minus every other group) or one sum (the groups, for the whole;
 * i == -1)? If so, *out is what the reader gets. */
static bool derivable(const DisclosureCell *whole, const double wtrue[2], const DisclosureCell *g,
                      double gtrue[][2], int n, int i, int k, double *out) {
  if (!whole || n == 0) return false;
  if (i < 0) { /* the whole: the sum of the groups, all shown */
    double s = 0;
    for (int j = 0; j < n; j++) {
      if (disclose_withheld(g[j].state)) return false;
      s += gtrue[j][k];
    }
    *out = s;
    return true;
  }
  if (disclose_withheld(whole->state)) return false;
  double s = wtrue[k];
  for (int j = 0; j < n; j++) {
    if (j == i) continue;
    if (disclose_withheld(g[j].state)) return false;
    s -= gtrue[j][k];
  }
  *out = s;
  return true;
}

/* The primary state, decided independently of the module. */
static DisclosureState expected_primary(const DisclosurePolicy *p, const DisclosureCell *c, bool group) {
  if (c->suppressed_at_source) return DISC_WITHHELD_SOURCE;
  double n = c->numerator, d = c->denominator, b = p->suppress_below;
  if (b > 0 && ((!isnan(n) && n >= 1 && n < b) || (!isnan(d) && d >= 1 && d < b))) return DISC_WITHHELD_SMALL;
  if (group && !p->unknown_counts_shown && isnan(n) && isnan(d)) return DISC_WITHHELD_UNKNOWN_COUNTS;
  return DISC_SHOWN;
}

/* Is a a better complement than b (no zero count, then the smaller
 * denominator, then numerator; unknown counts last)? Written apart from
 * the module's. */
static double key(double c) { return isnan(c) ? INFINITY : c; }
static bool has_zero(const DisclosureCell *c) { return c->numerator == 0 || c->denominator == 0; }
static bool better(const DisclosureCell *a, const DisclosureCell *b) {
  if (has_zero(a) != has_zero(b)) return !has_zero(a);
  if (key(a->denominator) != key(b->denominator)) return key(a->denominator) < key(b->denominator);
  return key(a->numerator) < key(b->numerator);
}

/* What a reader knows of a withheld group's count k before any sum
 * (docs/measurement.md): withheld as small, a count of one to the
 * threshold less one, and for a rate, whose reason the reader cannot
 * tell, a numerator of at most that and a denominator of at least 1;
 * otherwise 0 or more. */
static void reader_knows(const DisclosurePolicy *p, const DisclosureCell *c, int k, double *lo, double *hi) {
  *lo = 0;
  *hi = INFINITY;
  if (c->state != DISC_WITHHELD_SMALL) return;
  double top = ceil(p->suppress_below) - 1;
  if (isnan(c->numerator) || isnan(c->denominator)) {
    *lo = 1;
    *hi = top;
  } else if (k == 0) {
    *hi = top;
  } else {
    *lo = 1;
  }
}

/* With the whole shown, can a reader pin a withheld group's count k to one
 * value: the withheld groups add up to the whole minus the shown ones, and
 * each lies within what the reader knows of it? One withheld group always
 * can (one subtraction). Beyond that, only where charter knows the counts
 * subtracted. */
static bool reader_pins(const DisclosurePolicy *p, const DisclosureCell *whole, const DisclosureCell *g, int n,
                        int k) {
  if (!whole || n == 0 || disclose_withheld(whole->state)) return false;
  int m = 0;
  double rest = k ? whole->denominator : whole->numerator;
  for (int j = 0; j < n; j++) {
    if (disclose_withheld(g[j].state)) m++;
    else rest -= k ? g[j].denominator : g[j].numerator;
  }
  if (m == 1) return true;
  if (m == 0 || isnan(rest)) return false;
  for (int i = 0; i < n; i++) {
    if (!disclose_withheld(g[i].state)) continue;
    double lo, hi, others_lo = 0, others_hi = 0;
    for (int j = 0; j < n; j++) {
      if (j == i || !disclose_withheld(g[j].state)) continue;
      double l, h;
      reader_knows(p, &g[j], k, &l, &h);
      others_lo += l;
      others_hi += h;
    }
    reader_knows(p, &g[i], k, &lo, &hi);
    double least = fmax(lo, rest - others_hi), most = fmin(hi, rest - others_lo);
    if (most <= least) return true;
  }
  return false;
}

static void test_property_random_tables(void **state) {
  (void)state;
  rng_state = 20261207;
  static const double thresholds[] = {0, 5, 11, 21};
  int exact_needed = 0, pin_needed = 0, complemented = 0, twice = 0, exact_checks = 0;
  for (int t = 0; t < 20000; t++) {
    DisclosurePolicy p = {.present = true,
                          .suppress_below = thresholds[rnd(4)],
                          .unstable_below = rnd(2) ? 20 : 0,
                          .complementary = rnd(5) != 0,
                          .unknown_counts_shown = rnd(3) == 0};
    int n = 2 + rnd(MAXG - 1);
    DisclosureCell g[MAXG];
    double gtrue[MAXG][2];
    double wtrue[2] = {0, 0};
    for (int i = 0; i < n; i++) {
      double den = rnd_count(), num = den ? rnd((int)den + 1) : 0;
      double few = rnd(13);
      if (rnd(4) == 0 && few <= den) num = few; /* few events of many */
      if (rnd(8) == 0) num = 0;                 /* none at all */
      gtrue[i][0] = num;
      gtrue[i][1] = den;
      wtrue[0] += num;
      wtrue[1] += den;
      g[i] = cell(num, den);
      if (rnd(20) == 0) g[i] = nocounts(den ? num / den : 0);
      if (rnd(30) == 0) g[i] = source();
    }
    DisclosureCell wcell = cell(wtrue[0], wtrue[1]);
    if (rnd(20) == 0) wcell = source();
    DisclosureCell *whole = rnd(7) ? &wcell : NULL;

    DisclosureCell before[MAXG];
    memcpy(before, g, sizeof g);
    disclose_table(&p, whole, g, n);

    /* primary states exactly as the rules say; the rest only complementary */
    DisclosureCell prim[MAXG], wprim = whole ? *whole : wcell;
    int comp = 0, comp_group = -1;
    bool comp_ends = false; /* a complement with both counts known and above 0 */
    if (whole) {
      wprim.state = expected_primary(&p, whole, false);
      if (whole->state == DISC_WITHHELD_COMPLEMENTARY) comp++;
      else assert_int_equal(whole->state, wprim.state);
    }
    for (int i = 0; i < n; i++) {
      prim[i] = before[i];
      prim[i].state = expected_primary(&p, &before[i], true);
      if (g[i].state == DISC_WITHHELD_COMPLEMENTARY) {
        assert_int_equal(prim[i].state, DISC_SHOWN);
        comp++;
        comp_group = i;
        if (!has_zero(&g[i]) && !isnan(g[i].numerator) && !isnan(g[i].denominator)) comp_ends = true;
      } else {
        assert_int_equal(g[i].state, prim[i].state);
      }
      bool rate = !isnan(g[i].numerator) && !isnan(g[i].denominator);
      assert_int_equal(g[i].unstable,
                       g[i].state == DISC_SHOWN && p.unstable_below > 0 && rate && g[i].numerator < p.unstable_below);
    }

    /* No over-suppression. Complements are taken only when the primary
     * states leave a withheld cell exposed: the whole withheld and every
     * group shown (one sum), or a withheld group pinned by the subtraction
     * (one withheld group: one subtraction). And they stop at the first
     * with both counts known and above 0 (it adds at least 1 to every sum
     * and is unbounded to the reader), so two or more are taken only when
     * none of them is such a group. */
    bool all_shown = true;
    for (int i = 0; i < n; i++) all_shown &= !disclose_withheld(prim[i].state);
    bool exact = whole && disclose_withheld(wprim.state) && all_shown;
    bool pins = whole && (reader_pins(&p, &wprim, prim, n, 0) || reader_pins(&p, &wprim, prim, n, 1));
    bool needed = p.complementary && (exact || pins);
    assert_int_equal(comp > 0, needed);
    if (comp > 1 && comp_ends) fail_msg("table %d: %d complements, one of which would have ended it", t, comp);
    if (needed) {
      int m = 0;
      for (int i = 0; i < n; i++) m += disclose_withheld(prim[i].state);
      if (exact || m == 1) exact_needed++;
      else pin_needed++;
    }
    if (comp) complemented++;
    if (comp > 1) twice++;
    /* The complement is the best candidate among the groups left shown. */
    if (comp_group >= 0)
      for (int i = 0; i < n; i++)
        if (g[i].state == DISC_SHOWN && better(&g[i], &g[comp_group]))
          fail_msg("table %d: group %d would be a better complement than %d", t, i, comp_group);
    if (whole && whole->state == DISC_WITHHELD_COMPLEMENTARY) /* the whole, only when no group was left */
      for (int i = 0; i < n; i++) assert_true(disclose_withheld(g[i].state));

    if (!p.complementary) continue;
    /* No withheld count is one subtraction or one sum away, */
    for (int i = -1; i < n; i++) {
      const DisclosureCell *c = i < 0 ? whole : &g[i];
      if (!c || !disclose_withheld(c->state)) continue;
      for (int k = 0; k < 2; k++) {
        double got;
        if (derivable(whole, wtrue, g, gtrue, n, i, k, &got))
          fail_msg("table %d: cell %d's %s (%g) is derivable from the shown cells", t, i,
                   k ? "denominator" : "numerator", got);
      }
    }
    /* nor pinned by what the reader knows of withheld small values. */
    for (int k = 0; k < 2; k++)
      if (reader_pins(&p, whole, g, n, k))
        fail_msg("table %d: a withheld %s is pinned", t, k ? "denominator" : "numerator");

    /* The check above is not vacuous: before suppression, with one cell
     * withheld, the derivation gives back its true count exactly. */
    int only = -2, m = 0;
    if (whole && disclose_withheld(wprim.state)) only = -1, m++;
    for (int i = 0; i < n; i++)
      if (disclose_withheld(prim[i].state)) only = i, m++;
    if (whole && m == 1) {
      double got;
      assert_true(derivable(&wprim, wtrue, prim, gtrue, n, only, 0, &got));
      assert_true(got == (only < 0 ? wtrue[0] : gtrue[only][0]));
      exact_checks++;
    }
  }
  /* the random tables reach every case often enough to mean something */
  printf("disclose property: %d tables needed a complement for one withheld cell, %d for pinned ones; "
         "%d took two or more\n",
         exact_needed, pin_needed, twice);
  assert_true(exact_needed > 2000);
  assert_true(pin_needed > 20);
  assert_int_equal(complemented, exact_needed + pin_needed);
  assert_true(exact_checks >= exact_needed);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_under_and_at_threshold),
      cmocka_unit_test(test_no_policy_shows_everything),
      cmocka_unit_test(test_complementary_cell_chosen),
      cmocka_unit_test(test_worked_example),
      cmocka_unit_test(test_complementary_off),
      cmocka_unit_test(test_two_small_groups),
      cmocka_unit_test(test_pinned_small_groups),
      cmocka_unit_test(test_whole_population_row),
      cmocka_unit_test(test_unknown_counts),
      cmocka_unit_test(test_source_counts_for_complementarity),
      cmocka_unit_test(test_unstable_mark),
      cmocka_unit_test(test_equity_shown),
      cmocka_unit_test(test_property_random_tables),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
