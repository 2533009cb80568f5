/* Combining member coalitions' observations (rollup.h). */
#include "rollup.h"

#include "store.h"

#include <math.h>
#include <stddef.h>

RollupRc rollup_combine(const RollupObs *in, int n, bool rate, double scale, RollupObs *out, int *member) {
  *out = (RollupObs){.present = false, .value = NAN, .numerator = NAN, .denominator = NAN};
  *member = -1;
  if (n <= 0) return ROLLUP_MISSING;
  for (int i = 0; i < n; i++)
    if (!in[i].present) {
      *member = i;
      return ROLLUP_MISSING;
    }
  for (int i = 1; i < n; i++)
    if (in[i].kind != in[0].kind) {
      *member = i;
      return ROLLUP_MIXED_PERIODS;
    }
  unsigned pass = OBS_PROVISIONAL | OBS_ESTIMATED | OBS_BREAK, flags = 0;
  int suppressed = -1;
  for (int i = 0; i < n; i++) {
    flags |= in[i].flags & pass;
    if ((in[i].flags & OBS_SUPPRESSED) && suppressed < 0) suppressed = i;
  }
  out->present = true;
  out->kind = in[0].kind;
  if (suppressed >= 0) {
    out->flags = flags | OBS_SUPPRESSED;
    *member = suppressed;
    return ROLLUP_WITHHELD;
  }
  double num = 0, den = 0, sum = 0;
  bool all_num = true, all_den = true;
  for (int i = 0; i < n; i++) {
    if (isfinite(in[i].numerator)) num += in[i].numerator;
    else if (all_num) all_num = false, *member = *member < 0 ? i : *member;
    if (isfinite(in[i].denominator)) den += in[i].denominator;
    else if (all_den) all_den = false, *member = *member < 0 ? i : *member;
    sum += in[i].value;
  }
  if (rate) {
    if (!all_num || !all_den) {
      out->present = false;
      return ROLLUP_NO_COUNTS;
    }
    *member = -1;
    if (!(den > 0)) {
      out->present = false;
      return ROLLUP_NO_DENOMINATOR;
    }
    out->value = num / den * scale;
    out->numerator = num, out->denominator = den;
  } else {
    *member = -1;
    out->value = sum;
    if (all_num) out->numerator = num;
    if (all_den) out->denominator = den;
  }
  out->flags = flags;
  return ROLLUP_OK;
}

const char *rollup_reason(RollupRc rc) {
  switch (rc) {
  case ROLLUP_MISSING: return "a member coalition has no value there";
  case ROLLUP_MIXED_PERIODS: return "the members' periods are of different kinds";
  case ROLLUP_NO_COUNTS: return "a member gave the rate without its numerator and denominator";
  case ROLLUP_NO_DENOMINATOR: return "the members' denominators sum to 0";
  default: return NULL;
  }
}
