/* Small numbers: primary and complementary suppression of one table
 * (runtime/disclose.h; docs/measurement.md, "Small numbers: the disclosure
 * policy"). */
#include "disclose.h"

#include <math.h>
#include <stddef.h>

static const char *const state_names[DISC_STATE_COUNT] = {"shown", "source", "small", "unknown_counts",
                                                          "complementary"};

bool disclose_withheld(DisclosureState s) { return s != DISC_SHOWN; }

const char *disclose_public_reason(DisclosureState s) {
  switch (s) {
  case DISC_SHOWN: return NULL;
  case DISC_WITHHELD_SOURCE: return "source";
  case DISC_WITHHELD_UNKNOWN_COUNTS: return "unknown_counts";
  default: return "small_numbers"; /* small and complementary read the same */
  }
}

const char *disclose_state_name(DisclosureState s) {
  return (unsigned)s < DISC_STATE_COUNT ? state_names[s] : "shown";
}

/* A count charter may not show: known, not 0, below the threshold. A
 * negative count (not a count at all) is withheld too, to be safe. */
static bool small_count(double c, double below) { return !isnan(c) && c != 0 && c < below; }

static DisclosureState primary(const DisclosurePolicy *p, const DisclosureCell *c, bool is_group) {
  if (c->suppressed_at_source || isnan(c->value)) return DISC_WITHHELD_SOURCE;
  if (c->member_small) return DISC_WITHHELD_SMALL;
  if (p->suppress_below > 0 && (small_count(c->numerator, p->suppress_below) ||
                                small_count(c->denominator, p->suppress_below)))
    return DISC_WITHHELD_SMALL;
  if (is_group && p->present && !p->unknown_counts_shown && isnan(c->numerator) && isnan(c->denominator))
    return DISC_WITHHELD_UNKNOWN_COUNTS;
  return DISC_SHOWN;
}

/* Whether a count is known to be 0 (such a cell hides nothing). */
static bool zero_count(const DisclosureCell *c) { return c->numerator == 0 || c->denominator == 0; }

/* Orders complement candidates: no zero count first, then the smaller
 * denominator, then numerator (unknown counts after every known one); a
 * tie keeps the earlier group. Is a better than b? */
static int cmp_count(double a, double b) {
  if (isnan(a) || isnan(b)) return isnan(a) - isnan(b);
  return (a > b) - (a < b);
}
static bool better_complement(const DisclosureCell *a, const DisclosureCell *b) {
  bool za = zero_count(a), zb = zero_count(b);
  if (za != zb) return zb;
  int d = cmp_count(a->denominator, b->denominator);
  if (d == 0) d = cmp_count(a->numerator, b->numerator);
  return d < 0;
}

/* A cell's count k: 0 the numerator, 1 the denominator. */
static double count_of(const DisclosureCell *c, int k) { return k ? c->denominator : c->numerator; }

/* What a reader knows of a withheld group's count k without any sum: a
 * value withheld as small has a count above 0 and below the threshold. For
 * a rate that is the numerator or the denominator, the reader cannot tell
 * which: the denominator is at least 1, and (events being among the people
 * counted) the numerator at most the threshold less one. A cell with one
 * count only has that count from 1 to the threshold less one. Any other
 * withheld cell: 0 or more. */
typedef struct Bounds {
  double lo, hi;
} Bounds;

static Bounds reader_bounds(const DisclosurePolicy *p, const DisclosureCell *c, int k) {
  Bounds b = {0, INFINITY};
  if (c->state != DISC_WITHHELD_SMALL) return b;
  double n = p->suppress_below;
  double top = n > 1 ? ceil(n) - 1 : n, bottom = n > 1 ? 1 : 0;
  if (isnan(count_of(c, !k))) return (Bounds){bottom, top};
  return k ? (Bounds){bottom, INFINITY} : (Bounds){0, top};
}

/* With the whole population shown, a reader has S = whole minus the shown
 * groups, the withheld groups' count k together. Is one of them left with
 * a single possible value by S and the others' bounds? One withheld group
 * always is (S itself: one subtraction); two small ones are when S is as
 * low or as high as their bounds allow (1 + 1 = 2 events). A cell whose
 * bounds alone pin it (suppress below 2 says "1") no other cell can
 * protect, and is passed over. Without the counts (the whole's, or a shown
 * group's), charter cannot tell beyond the one withheld group. */
static bool pinned(const DisclosurePolicy *p, const DisclosureCell *whole, const DisclosureCell *g, int n, int k) {
  double s = count_of(whole, k), lo_sum = 0, hi_sum = 0;
  int unbounded = 0, withheld = 0;
  if (disclose_withheld(whole->state)) return false;
  for (int i = 0; i < n; i++) {
    if (!disclose_withheld(g[i].state)) {
      s -= count_of(&g[i], k); /* NAN when charter lacks a count the reader may have */
      continue;
    }
    Bounds b = reader_bounds(p, &g[i], k);
    lo_sum += b.lo;
    if (isinf(b.hi)) unbounded++;
    else hi_sum += b.hi;
    withheld++;
  }
  if (withheld == 1) return true; /* whatever the counts */
  if (withheld == 0 || isnan(s)) return false;
  for (int i = 0; i < n; i++) {
    if (!disclose_withheld(g[i].state)) continue;
    Bounds b = reader_bounds(p, &g[i], k);
    if (b.lo >= b.hi) continue;
    int self_unbounded = isinf(b.hi) ? 1 : 0;
    double others_hi = unbounded - self_unbounded > 0 ? INFINITY : hi_sum - (self_unbounded ? 0 : b.hi);
    double lo = fmax(b.lo, s - others_hi), hi = fmin(b.hi, s - (lo_sum - b.lo));
    if (hi == lo) return true; /* hi < lo: the groups do not add up to the whole, which pins nothing */
  }
  return false;
}

/* Whether a withheld cell can be worked out: the whole withheld and every
 * group shown (one sum), or a withheld group pinned by the subtraction. */
static bool exposed(const DisclosurePolicy *p, const DisclosureCell *whole, const DisclosureCell *g, int n) {
  if (disclose_withheld(whole->state)) {
    for (int i = 0; i < n; i++)
      if (disclose_withheld(g[i].state)) return false;
    return true;
  }
  return pinned(p, whole, g, n, 0) || pinned(p, whole, g, n, 1);
}

/* The one equation whole = sum of groups: while a withheld cell can be
 * worked out from it, withhold one more (the best candidate). A candidate
 * with both counts known and above 0 ends it (it adds at least one to
 * every sum and is unbounded to the reader); zeros and unknown counts are
 * taken only when nothing else is left. */
static void complement(const DisclosurePolicy *p, DisclosureCell *whole, DisclosureCell *groups, int ngroups) {
  while (exposed(p, whole, groups, ngroups)) {
    DisclosureCell *pick = NULL;
    for (int i = 0; i < ngroups; i++)
      if (!disclose_withheld(groups[i].state) && (!pick || better_complement(&groups[i], pick))) pick = &groups[i];
    if (!pick && !disclose_withheld(whole->state)) pick = whole; /* every group withheld: the whole equals their sum */
    if (!pick) return;
    pick->state = DISC_WITHHELD_COMPLEMENTARY;
  }
}

/* A rate (both counts known) from fewer events than unstable_below. A
 * count alone is not a rate, and is not marked. */
static void mark_unstable(const DisclosurePolicy *p, DisclosureCell *c) {
  c->unstable = c->state == DISC_SHOWN && p->unstable_below > 0 && !isnan(c->numerator) &&
                !isnan(c->denominator) && c->numerator < p->unstable_below;
}

void disclose_table(const DisclosurePolicy *policy, DisclosureCell *whole, DisclosureCell *groups, int ngroups) {
  DisclosurePolicy none = {0};
  const DisclosurePolicy *p = policy && policy->present ? policy : &none;
  if (whole) whole->state = primary(p, whole, false);
  for (int i = 0; i < ngroups; i++) groups[i].state = primary(p, &groups[i], true);
  if (p->present && p->complementary && whole && ngroups > 0) complement(p, whole, groups, ngroups);
  if (whole) mark_unstable(p, whole);
  for (int i = 0; i < ngroups; i++) mark_unstable(p, &groups[i]);
}

bool disclose_equity_shown(const DisclosureCell *groups, int ngroups, int group) {
  if (group >= 0) return group < ngroups && !disclose_withheld(groups[group].state);
  for (int i = 0; i < ngroups; i++)
    if (disclose_withheld(groups[i].state)) return false;
  return true;
}
