/* Periods: 2027, 2027-H1, 2027-Q2, 2027-06, 2027-06-30, school years
 * SY2025-26, fiscal years FY2026 and spans of whole years (2013 to 2017 in
 * source, 2013/2017 in CSV). A period stands for its last day when compared,
 * ordered, judged for latest and staleness; a span stands at its midpoint
 * on a trend's time axis (period_trend_day). */
#ifndef CHARTER_PERIOD_H
#define CHARTER_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef enum PeriodKind {
  PER_YEAR, PER_QUARTER, PER_MONTH, PER_DAY,
  PER_HALF,        /* 2026-H1, 2026-H2 */
  PER_SCHOOL_YEAR, /* SY2025-26: ends in the charter's school_year_ends month of its second year */
  PER_FISCAL_YEAR, /* FY2026: ends in the charter's fiscal_year_ends month of 2026 */
  PER_SPAN         /* 2013 to 2017 (CSV 2013/2017): whole years, pooled */
} PeriodKind;

typedef struct Period {
  uint8_t kind;    /* a PeriodKind: how it was written */
  uint8_t quarter; /* 1–4 for PER_QUARTER, 1–2 for PER_HALF, else 0 */
  uint8_t month;   /* 1–12 for PER_MONTH and PER_DAY; for PER_SCHOOL_YEAR and
                    * PER_FISCAL_YEAR the month the year ends in (0 until a
                    * calendar is applied: June, December); else 0 */
  uint8_t day;     /* 1–31 for PER_DAY, else 0 */
  int16_t year;    /* 0000–9999; PER_SCHOOL_YEAR: its first year (2025 for
                    * SY2025-26); PER_SPAN: its last year */
  int16_t first;   /* PER_SPAN: its first year (< year); else 0 */
} Period;

/* The months that school and fiscal years end in (the charter block's
 * school_year_ends and fiscal_year_ends; 6 and 12 when not given). */
typedef struct Calendar {
  uint8_t school_year_ends, fiscal_year_ends; /* 1–12 */
} Calendar;

extern const Calendar period_default_calendar; /* June, December */

/* Room for the reason period_parse gives. */
enum { PERIOD_WHY_MAX = 96 };

/* Parses and validates text[0..n) as a CSV file and --as-of write it
 * (2013/2017 is a span). On failure returns false and writes into why a
 * message saying what is wrong and, for a look-alike, what to write, e.g.
 * "a school year is written SY2017-18". School and fiscal years leave
 * month 0: period_apply_calendar sets it. */
bool period_parse(const char *text, size_t n, Period *p, char why[PERIOD_WHY_MAX]);
/* What a period-shaped token of the language means (the scanner reads four
 * digits, a dash and the rest without deciding: 2027-06, 2027-06-30,
 * 2027-Q2, 2027-q2, 2027-H1, 2024-25, 2013-2017, 2024-7; and SY2025-26,
 * sy2025-26, FY2026, FY24). On failure returns false and appends the
 * reason to *why; the message around it is the scanner's. */
bool period_read_token(const char *text, size_t n, Period *p, Buf *why);
/* When text[0..n) looks like a period written another way (2017-18,
 * 2013-2017, Q3 2024, 2024Q3, 2024-7, FY24, fy2026, 3/31/2026, 2026/07),
 * writes into why the exact spelling to use and returns true. csv: the
 * spelling of a CSV file (a span 2013/2017) rather than of a program (a
 * span 2013 to 2017). */
bool period_lookalike(const char *text, size_t n, bool csv, char why[PERIOD_WHY_MAX]);
bool period_is_leap(int year);
int period_days_in_month(int year, int month);
/* Days from 1970-01-01 to the period's last day. */
int32_t period_last_day(Period p);
/* Days from 1970-01-01 to the period's first day. */
int32_t period_first_day(Period p);
/* Where the period stands on a trend's time axis: a span at its midpoint
 * (rounded down), any other period at its last day. */
int32_t period_trend_day(Period p);
/* Sets the end month of a school or fiscal year from cal (other kinds are
 * left as they are). */
void period_apply_calendar(Period *p, const Calendar *cal);
/* Days from 1970-01-01 to a calendar date. */
int32_t period_days_from_civil(int y, int m, int d);
/* The last day as YYYY-MM-DD into out (11 bytes). */
void period_last_day_text(Period p, char out[11]);
/* The period as written canonically (2027, 2027-H1, 2027-Q2, 2027-06,
 * 2027-06-30, SY2025-26, FY2026, 2013 to 2017). */
void period_text(Period p, char out[16]);
int period_cmp(Period a, Period b);

#endif
