/* Periods (points in time): 2027, 2027-Q2, 2027-06, 2027-06-30. A period
 * stands for its last day when compared, ordered or placed on a time axis. */
#ifndef CHARTER_PERIOD_H
#define CHARTER_PERIOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef enum PeriodKind { PER_YEAR, PER_QUARTER, PER_MONTH, PER_DAY } PeriodKind;

typedef struct Period {
  uint8_t kind;    /* a PeriodKind: how it was written */
  uint8_t quarter; /* 1–4 for PER_QUARTER, else 0 */
  uint8_t month;   /* 1–12 for PER_MONTH and PER_DAY, else 0 */
  uint8_t day;     /* 1–31 for PER_DAY, else 0 */
  int16_t year;    /* 0000–9999 */
} Period;

/* Room for the reason period_parse gives. */
enum { PERIOD_WHY_MAX = 96 };

/* Parses and validates text[0..n). On failure returns false and writes into
 * why a message saying what is wrong, e.g. "a month is 01 to 12". */
bool period_parse(const char *text, size_t n, Period *p, char why[PERIOD_WHY_MAX]);
/* What a period-shaped token of the language means (the scanner reads four
 * digits, a dash and the rest without deciding: 2027-06, 2027-06-30,
 * 2027-Q2, 2027-q2, 2024-25). On failure returns false and appends the
 * reason to *why; the message around it is the scanner's. */
bool period_read_token(const char *text, size_t n, Period *p, Buf *why);
bool period_is_leap(int year);
int period_days_in_month(int year, int month);
/* Days from 1970-01-01 to the period's last day. */
int32_t period_last_day(Period p);
/* Days from 1970-01-01 to a calendar date. */
int32_t period_days_from_civil(int y, int m, int d);
/* The last day as YYYY-MM-DD into out (11 bytes). */
void period_last_day_text(Period p, char out[11]);
/* The period as written canonically (2027, 2027-Q2, 2027-06, 2027-06-30). */
void period_text(Period p, char out[16]);
int period_cmp(Period a, Period b);

#endif
