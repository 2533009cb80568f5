/* Small numbers: primary and complementary suppression of one table
 * (runtime/disclose.h; docs/measurement.md, "Small numbers: the disclosure
 * policy"). */
#include "disclose.h"

#include <math.h>
#include <stddef.h>

static const char *const state_names[DISC_STATE_COUNT] = {"shown", "source", "small", "unknown_counts",
                                                          "complementary"};

bool disclose_withheld(DisclosureState s) { return s != DISC_SHOWN; }

const char *disclose_state_name(DisclosureState s) {
  return (unsigned)s < DISC_STATE_COUNT ? state_names[s] : "shown";
}

/* A count charter may not show: known, not 0, below the threshold. A
 * negative count (not a count at all) is withheld too, to be safe. */
static bool small_count(double c, double below) { return !isnan(c) && c != 0 && c < below; }

static DisclosureState primary(const DisclosurePolicy *p, const DisclosureCell *c, bool is_group) {
  if (c->suppressed_at_source || isnan(c->value)) return DISC_WITHHELD_SOURCE;
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

/* The one equation whole = sum of groups: while exactly one of its cells
 * is withheld, that cell is one subtraction or one sum away, so withhold
 * another. With one equation a second withheld cell always suffices; the
 * loop says what the rule is rather than counting on it. */
static void complement(DisclosureCell *whole, DisclosureCell *groups, int ngroups) {
  for (;;) {
    int withheld = disclose_withheld(whole->state);
    for (int i = 0; i < ngroups; i++) withheld += disclose_withheld(groups[i].state);
    if (withheld != 1) return;
    DisclosureCell *pick = NULL;
    for (int i = 0; i < ngroups; i++)
      if (!disclose_withheld(groups[i].state) && (!pick || better_complement(&groups[i], pick))) pick = &groups[i];
    if (!pick) pick = whole; /* the withheld cell is the only group */
    pick->state = DISC_WITHHELD_COMPLEMENTARY;
  }
}

static void mark_unstable(const DisclosurePolicy *p, DisclosureCell *c) {
  c->unstable = c->state == DISC_SHOWN && p->unstable_below > 0 && !isnan(c->numerator) &&
                c->numerator < p->unstable_below;
}

void disclose_table(const DisclosurePolicy *policy, DisclosureCell *whole, DisclosureCell *groups, int ngroups) {
  DisclosurePolicy none = {0};
  const DisclosurePolicy *p = policy && policy->present ? policy : &none;
  if (whole) whole->state = primary(p, whole, false);
  for (int i = 0; i < ngroups; i++) groups[i].state = primary(p, &groups[i], true);
  if (p->present && p->complementary && whole && ngroups > 0) complement(whole, groups, ngroups);
  if (whole) mark_unstable(p, whole);
  for (int i = 0; i < ngroups; i++) mark_unstable(p, &groups[i]);
}

bool disclose_equity_shown(const DisclosureCell *groups, int ngroups, int group) {
  if (group >= 0) return group < ngroups && !disclose_withheld(groups[group].state);
  for (int i = 0; i < ngroups; i++)
    if (disclose_withheld(groups[i].state)) return false;
  return true;
}
