/* Small numbers: which cells of one table a disclosure policy lets charter
 * show (docs/measurement.md, "Small numbers: the disclosure policy").
 *
 * A table is one indicator at one period: the whole-population cell, when
 * there is one, and the groups of ONE dimension. Charter assumes that a
 * dimension's groups partition the population, so that their counts add up
 * to the whole population's; when they do not (a group without a value at
 * that period, groups that overlap or leave people out), the cells are still
 * protected as if they did, which withholds at least as much.
 *
 * The module is pure: no allocation, no I/O, no store. The caller fills the
 * cells' inputs and reads back each cell's state and unstable mark. */
#ifndef CHARTER_DISCLOSE_H
#define CHARTER_DISCLOSE_H

#include <stdbool.h>

#include "model.h"

/* DisclosurePolicy, the charter block's `disclosure`, is lang/model.h's. */

/* What happens to a cell, the withheld states in order of precedence. */
typedef enum DisclosureState {
  DISC_SHOWN,
  DISC_WITHHELD_SOURCE,         /* suppressed at its source: no value to show */
  DISC_WITHHELD_SMALL,          /* a count above 0 and below suppress_below */
  DISC_WITHHELD_UNKNOWN_COUNTS, /* a group with neither count, and the policy withholds those */
  DISC_WITHHELD_COMPLEMENTARY,  /* withheld so that another cell cannot be derived */
  DISC_STATE_COUNT
} DisclosureState;

typedef struct DisclosureCell {
  /* in */
  double value;       /* NAN when suppressed at source */
  double numerator;   /* the count of events, NAN when unknown; for an
                       * indicator whose value is itself a count, the value */
  double denominator; /* the count at risk, NAN when unknown */
  bool suppressed_at_source;
  bool member_small;  /* a network's roll-up from which a reader could work
                       * out a member's small count (runtime/eval.c): withheld
                       * as small */
  /* out */
  DisclosureState state;
  bool unstable; /* a shown rate (both counts known), numerator below unstable_below */
} DisclosureCell;

/* Decides every cell of one table: whole is the whole-population cell (NULL
 * when the indicator has none at this period), groups the dimension's
 * groups that have a row at this period, in the dimension's order.
 *  1. Primary: a cell suppressed at source is withheld (SOURCE); a cell with
 *     a known count c, 0 < c < suppress_below, is withheld (SMALL; a count
 *     of 0 is shown, as CMS's rule of 1 to 10 allows); a group with neither
 *     count is withheld (UNKNOWN_COUNTS) unless unknown_counts_shown (the
 *     whole-population cell is never withheld for that).
 *  2. Complementary (with a whole-population cell): the whole equals the
 *     sum of the groups, for the numerator and the denominator alike. A
 *     withheld cell is exposed when a reader can work it out from that one
 *     equation: the whole withheld and every group shown (one sum); exactly
 *     one group withheld and the whole shown (one subtraction); or, with
 *     the whole shown, the withheld groups' counts adding up to so little
 *     or so much that one of them can take one value only, given what a
 *     reader knows of a value withheld as small (1 + 1 = 2 events in two
 *     such groups; see reader_bounds in disclose.c). While a cell is
 *     exposed, one more is withheld (COMPLEMENTARY): the shown group with
 *     the smallest denominator (then numerator, then the first in order;
 *     unknown counts last), preferring groups with no count of 0 (a zero
 *     adds nothing to the withheld cells' sum); the whole-population cell
 *     only when every group is withheld. A complement with both counts
 *     known and above 0 always ends it, so more than one is taken only
 *     when no such group is left.
 *  3. Every shown rate (both counts known) whose numerator is below
 *     unstable_below is marked unstable; a count alone is not a rate.
 * Limits: dimensions are protected one at a time, so two dimensions of the
 * same indicator and period (sex, and race) can together reveal a cell;
 * periods are protected one at a time, so a cell can be derived by
 * differencing a cumulative series; a shown group whose counts charter
 * lacks leaves charter unable to check sums beyond one withheld group; and
 * a reader is credited with knowing which withheld cells are small, but
 * not that a complementary one is not small (0, or at least the threshold):
 * show every withheld cell alike, and a reader knows less than assumed.
 * Without a policy (present false) every cell is SHOWN but those suppressed
 * at source, and none is marked unstable. */
void disclose_table(const DisclosurePolicy *policy, DisclosureCell *whole, DisclosureCell *groups, int ngroups);

/* Whether the state withholds the cell. */
bool disclose_withheld(DisclosureState s);

/* A word for the state, for JSON and CSV: "shown", "source", "small",
 * "unknown_counts", "complementary". */
const char *disclose_state_name(DisclosureState s);
/* Why a withheld value is withheld, as output says it: "source",
 * "unknown_counts" or "small_numbers" (a small count and its complement
 * read the same, so that a reader cannot tell which withheld cell is the
 * small one and bound the other by subtraction); NULL when shown. */
const char *disclose_public_reason(DisclosureState s);

/* What an equity figure shows instead of a value it may not compute. */
#define DISCLOSE_NOT_SHOWN "not shown: small numbers"

/* Whether an equity figure can be computed from shown cells only, after
 * disclose_table: group -1 for the gap, ratio, best and worst groups (they
 * need every group of the table: a gap over the shown ones alone would
 * misstate it, and one over all would reveal the withheld), or a group's
 * index for a line about that group alone. False means the figure says
 * DISCLOSE_NOT_SHOWN. */
bool disclose_equity_shown(const DisclosureCell *groups, int ngroups, int group);

#endif
