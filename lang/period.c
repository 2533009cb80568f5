/* Period validation and calendar arithmetic (proleptic Gregorian). */
#include "period.h"

#include <stdio.h>
#include <string.h>

const Calendar period_default_calendar = {.school_year_ends = 6, .fiscal_year_ends = 12};

bool period_is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int period_days_in_month(int y, int m) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && period_is_leap(y)) return 29;
  return days[m - 1];
}

static bool digits(const char *s, size_t n, int *out) {
  if (n > 4) return false;
  int v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return n > 0;
}

/* Reads the parts as plain ints; period_parse packs them into the Period.
 * On failure *err is a constant reason, or NULL when the day is outside its
 * month (period_parse writes that one, which names the month). */
static bool parse_parts(const char *s, size_t n, int *year, int *quarter, int *month, int *day, Period *p,
                        const char **err) {
  *p = (Period){.kind = PER_YEAR};
  *err = "a period is written 2027, 2027-Q2, 2027-06 or 2027-06-30";
  if (n < 4 || !digits(s, 4, year)) return false;
  if (n == 4) return true;
  if (s[4] != '-') return false;
  if (n > 5 && s[5] == 'Q') {
    p->kind = PER_QUARTER;
    if (n - 6 != 1 || !digits(s + 6, n - 6, quarter) || *quarter < 1 || *quarter > 4) {
      *err = "a quarter is Q1, Q2, Q3 or Q4";
      return false;
    }
    return true;
  }
  size_t dash = 5;
  while (dash < n && s[dash] != '-') dash++;
  if (dash - 5 != 2 || !digits(s + 5, 2, month)) {
    *err = "a month is written with two digits, as in 2027-06";
    return false;
  }
  p->kind = PER_MONTH;
  if (*month < 1 || *month > 12) {
    *err = "a month is 01 to 12";
    return false;
  }
  if (dash == n) return true;
  p->kind = PER_DAY;
  if (n - dash - 1 != 2 || !digits(s + dash + 1, 2, day)) {
    *err = "a day is written with two digits, as in 2027-06-30";
    return false;
  }
  if (*day < 1 || *day > period_days_in_month(*year, *month)) {
    *err = NULL;
    return false;
  }
  return true;
}

bool period_parse(const char *s, size_t n, Period *p, char why[PERIOD_WHY_MAX]) {
  int year = 0, quarter = 0, month = 0, day = 0;
  const char *err = NULL;
  bool ok = parse_parts(s, n, &year, &quarter, &month, &day, p, &err);
  p->year = (int16_t)year;
  p->quarter = (uint8_t)quarter;
  p->month = (uint8_t)month;
  p->day = (uint8_t)day;
  if (ok) return true;
  if (err) {
    snprintf(why, PERIOD_WHY_MAX, "%s", err);
  } else {
    static const char *const names[] = {"January", "February", "March",     "April",   "May",      "June",
                                        "July",    "August",   "September", "October", "November", "December"};
    int days = period_days_in_month(year, month);
    snprintf(why, PERIOD_WHY_MAX, "%s %d has %d days, so a day is 01 to %d", names[month - 1], year, days, days);
  }
  return false;
}

bool period_read_token(const char *s, size_t n, Period *p, Buf *why) {
  if (n > 5 && s[5] == 'q') { /* the scanner's period shape allows it, for this hint */
    buf_printf(why, "write the quarter with a capital Q, as in %.4s-Q%.*s", s, (int)(n - 6), s + 6);
    return false;
  }
  char w[PERIOD_WHY_MAX];
  if (period_parse(s, n, p, w)) return true;
  buf_puts(why, w);
  return false;
}

int32_t period_days_from_civil(int y, int m, int d) {
  /* Howard Hinnant's days_from_civil. */
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* The month a school or fiscal year ends in (its own, else the default). */
static int ends_month(Period p) {
  if (p.month >= 1 && p.month <= 12) return p.month;
  return p.kind == PER_SCHOOL_YEAR ? period_default_calendar.school_year_ends : period_default_calendar.fiscal_year_ends;
}

static void last_ymd(Period p, int *y, int *m, int *d) {
  *y = p.year;
  *m = 12;
  *d = 31;
  switch (p.kind) {
  case PER_YEAR: case PER_SPAN: *m = 12; *d = 31; break;
  case PER_HALF: *m = p.quarter == 1 ? 6 : 12; *d = *m == 6 ? 30 : 31; break;
  case PER_QUARTER: *m = p.quarter * 3; *d = period_days_in_month(p.year, *m); break;
  case PER_MONTH: *m = p.month; *d = period_days_in_month(p.year, p.month); break;
  case PER_DAY: *m = p.month; *d = p.day; break;
  case PER_SCHOOL_YEAR: *y = p.year + 1; *m = ends_month(p); *d = period_days_in_month(*y, *m); break;
  case PER_FISCAL_YEAR: *m = ends_month(p); *d = period_days_in_month(*y, *m); break;
  }
}

int32_t period_first_day(Period p) {
  switch (p.kind) {
  case PER_YEAR: return period_days_from_civil(p.year, 1, 1);
  case PER_SPAN: return period_days_from_civil(p.first, 1, 1);
  case PER_HALF: return period_days_from_civil(p.year, p.quarter == 1 ? 1 : 7, 1);
  case PER_QUARTER: return period_days_from_civil(p.year, p.quarter * 3 - 2, 1);
  case PER_MONTH: return period_days_from_civil(p.year, p.month, 1);
  case PER_DAY: return period_days_from_civil(p.year, p.month, p.day);
  case PER_SCHOOL_YEAR:
  case PER_FISCAL_YEAR: {
    int y, m, d;
    last_ymd(p, &y, &m, &d); /* the day after the same day a year before */
    return period_days_from_civil(y - 1, m, period_days_in_month(y - 1, m)) + 1;
  }
  }
  return period_last_day(p);
}

int32_t period_trend_day(Period p) {
  if (p.kind != PER_SPAN) return period_last_day(p);
  int32_t a = period_first_day(p), b = period_last_day(p);
  return a + (b - a) / 2;
}

void period_apply_calendar(Period *p, const Calendar *cal) {
  if (p->kind == PER_SCHOOL_YEAR) p->month = cal->school_year_ends;
  else if (p->kind == PER_FISCAL_YEAR) p->month = cal->fiscal_year_ends;
}

int32_t period_last_day(Period p) {
  int y, m, d;
  last_ymd(p, &y, &m, &d);
  return period_days_from_civil(y, m, d);
}

/* Without printf: import writes it for every row of a million. */
void period_last_day_text(Period p, char out[11]) {
  int y, m, d;
  last_ymd(p, &y, &m, &d);
  y %= 10000;
  const int digits[8] = {y / 1000, y / 100 % 10, y / 10 % 10, y % 10, m / 10 % 10, m % 10, d / 10 % 10, d % 10};
  static const int at[8] = {0, 1, 2, 3, 5, 6, 8, 9};
  for (int i = 0; i < 8; i++) out[at[i]] = (char)('0' + digits[i]);
  out[4] = out[7] = '-';
  out[10] = '\0';
}

void period_text(Period p, char out[16]) {
  int y = p.year % 10000;
  switch (p.kind) {
  case PER_YEAR: snprintf(out, 16, "%04d", y); break;
  case PER_HALF: snprintf(out, 16, "%04d-H%d", y, p.quarter % 10); break;
  case PER_QUARTER: snprintf(out, 16, "%04d-Q%d", y, p.quarter % 10); break;
  case PER_MONTH: snprintf(out, 16, "%04d-%02d", y, p.month % 100); break;
  case PER_DAY: snprintf(out, 16, "%04d-%02d-%02d", y, p.month % 100, p.day % 100); break;
  case PER_SCHOOL_YEAR: snprintf(out, 16, "SY%04d-%02d", y, (y + 1) % 100); break;
  case PER_FISCAL_YEAR: snprintf(out, 16, "FY%04d", y); break;
  case PER_SPAN: snprintf(out, 16, "%04d to %04d", p.first % 10000, y); break;
  default: snprintf(out, 16, "?"); break;
  }
}

int period_cmp(Period a, Period b) {
  int32_t x = period_last_day(a), y = period_last_day(b);
  return (x > y) - (x < y);
}
