/* Presentation of evaluations, for people: numbers (exact and short),
 * numbers with units, days, and the worst status of a set of indicators.
 * Shared by charter eval's output, the status overlay of render and the
 * HTML report. */
#ifndef CHARTER_PRESENT_H
#define CHARTER_PRESENT_H

#include <stdbool.h>
#include <stdint.h>

#include "eval.h"
#include "util.h"

/* v in the shortest digits that read back exactly: without an exponent
 * from 1e-5 up to 1e17 (60, 1000, 0.2), except below 1 where the exponent
 * form is shorter (1e-5, 5.0000000000061104e-5); 1e17 and up as 1e17. */
void present_num_text(double v, char out[40]);
/* v with at most two decimals, trailing zeros dropped (for people). */
void present_num_short(double v, char out[48]);
/* The flags shown with a value ("provisional", "estimated", "unstable"),
 * joined by sep; nothing for none. */
/* The flags shown beside a value (a break and a suppression are told
 * otherwise). */
#define PRESENT_SHOWN_FLAGS (OBS_PROVISIONAL | OBS_ESTIMATED | OBS_UNSTABLE)
void present_flags(Buf *b, unsigned flags, const char *sep);
/* The latest value for people: "46.5% in 2026-Q1", then its flags in
 * parentheses ("(provisional)"), then "; 2024 suppressed" when a later
 * report was withheld; "2024 suppressed" alone without a value, and
 * "2025 suppressed" for a latest value the disclosure policy withholds.
 * Nothing without either. */
void present_latest(Buf *b, const EvalIndicator *e, const char *unit);
/* The one word for a value withheld, by its source or by the disclosure
 * policy: never 0 or blank. */
#define PRESENT_WITHHELD "suppressed"
/* A group's cell: its value with its unit and " (unstable)" when marked, or
 * PRESENT_WITHHELD. */
void present_cell(Buf *b, const EvalCell *c, const char *unit);
/* A day as YYYY-MM-DD. */
void present_day_text(int32_t day, char out[11]);
/* "48.5%" or "48.5 people": v short, then its unit (none when unit is NULL
 * or empty; no space before "%"). */
void present_num_unit(Buf *b, double v, const char *unit);

/* The statuses a roll-up ranks, worst first. */
typedef enum PresentLevel {
  PRESENT_MISSED, PRESENT_OFF_TRACK,
  PRESENT_AT_BASELINE, /* no change measured yet: ranks below on track, which needs one */
  PRESENT_ON_TRACK, PRESENT_MET,
  PRESENT_NONE, /* no data, no target or no indicator */
  PRESENT_LEVELS
} PresentLevel;

/* The level of an indicator's status. */
PresentLevel present_level_of(EvalStatus s);
/* "missed", "off track", "at baseline", "on track", "met", "no status". */
const char *present_level_label(PresentLevel level);

/* The worst status of a goal's or outcome's indicators (of an indicator:
 * its own). */
typedef struct PresentRollup {
  PresentLevel worst; /* PRESENT_NONE when no indicator has a status */
  int unrated;        /* indicators without a status */
  int n;              /* indicators */
  bool any_data;      /* whether one of them has a value */
  int stale;          /* indicators whose data are stale */
} PresentRollup;

void present_rollup_init(PresentRollup *r);
/* Adds one indicator's evaluation (NULL: not evaluated). */
void present_rollup_add(PresentRollup *r, const EvalIndicator *e);

#endif
