/* Network roll-ups (docs/measurement.md, "Networks"): the member
 * coalitions' observations of one indicator at one (dimension, group,
 * period end) combined into the network's: counts summed, rates
 * recomputed from the summed counts (never an average of rates). eval
 * reads each member's series and calls rollup_combine at each key. */
#ifndef CHARTER_ROLLUP_H
#define CHARTER_ROLLUP_H

#include <stdbool.h>

/* One member's observation at a key (or its absence). */
typedef struct RollupObs {
  bool present;       /* the member has a row at this key */
  int kind;           /* its period's PeriodKind (month, school year…) */
  double value;       /* NAN when suppressed at its source */
  double numerator;   /* NAN when not given */
  double denominator; /* NAN when not given */
  unsigned flags;     /* ObsFlag mask */
} RollupObs;

/* What combining gave. */
typedef enum RollupRc {
  ROLLUP_OK,           /* *out holds the network's observation */
  ROLLUP_WITHHELD,     /* a member's value is suppressed at its source: *out
                        * is the network's observation, suppressed too */
  ROLLUP_MISSING,      /* a member has no row here: not rolled up */
  ROLLUP_MIXED_PERIODS, /* members' periods are of different kinds (a school
                        * year and a month both ending 30 June): not rolled up */
  ROLLUP_NO_COUNTS,    /* a rate whose member gave no numerator or denominator:
                        * not computed (an average of rates would misstate it) */
  ROLLUP_NO_DENOMINATOR /* a rate whose summed denominator is 0: not computed */
} RollupRc;

/* Combines the n members' observations in[0..n) of an indicator; rate:
 * it has a scale (unit "%" or per N), scale its value per that many. On
 * a refusal *member is the first member (an index into in) responsible,
 * -1 when none is. The flags provisional, estimated and break pass on
 * when any member's has them; unstable does not (the disclosure policy
 * decides it again on the summed counts). */
RollupRc rollup_combine(const RollupObs *in, int n, bool rate, double scale, RollupObs *out, int *member);
/* "a member has no value there"…: why a key was not rolled up, for notes
 * and documentation; NULL for ROLLUP_OK and ROLLUP_WITHHELD. */
const char *rollup_reason(RollupRc rc);

#endif
