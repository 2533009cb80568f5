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

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static const char *const month_names[] = {"January", "February", "March",     "April",   "May",      "June",
                                          "July",    "August",   "September", "October", "November", "December"};

static bool valid_date(int y, int m, int d) { return m >= 1 && m <= 12 && d >= 1 && d <= period_days_in_month(y, m); }

/* Reads the parts as plain ints; period_parse packs them into the Period.
 * On failure *err is a constant reason, or NULL when the day is outside its
 * month (period_parse writes that one, which names the month). */
static bool parse_parts(const char *s, size_t n, int *year, int *quarter, int *month, int *day, Period *p,
                        const char **err) {
  *p = (Period){.kind = PER_YEAR};
  *err = "a period is written 2027, 2027-H1, 2027-Q2, 2027-06, 2027-06-30, SY2026-27 or FY2027";
  if (n < 4 || !digits(s, 4, year)) return false;
  if (n == 4) return true;
  if (s[4] != '-') return false;
  if (n > 5 && (s[5] == 'Q' || s[5] == 'H')) {
    bool half = s[5] == 'H';
    int most = half ? 2 : 4;
    p->kind = half ? PER_HALF : PER_QUARTER;
    if (n - 6 != 1 || !digits(s + 6, n - 6, quarter) || *quarter < 1 || *quarter > most) {
      *err = half ? "a half is H1 or H2" : "a quarter is Q1, Q2, Q3 or Q4";
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

/* SY2025-26, FY2026 and (in CSV, csv true) 2013/2017: true when s[0..n)
 * is one of these shapes, with *ok whether it is valid (else why says
 * why). */
static bool parse_named(const char *s, size_t n, bool csv, Period *p, bool *ok, char why[PERIOD_WHY_MAX]) {
  int y = 0, y2 = 0;
  *ok = false;
  if (n >= 2 && s[0] == 'S' && s[1] == 'Y') {
    if (n != 9 || !digits(s + 2, 4, &y) || s[6] != '-' || !digits(s + 7, 2, &y2))
      snprintf(why, PERIOD_WHY_MAX, "a school year is written with its two years, as in SY2025-26");
    else if (y2 != (y + 1) % 100)
      snprintf(why, PERIOD_WHY_MAX, "a school year's second part is the next year, as in SY%04d-%02d", y, (y + 1) % 100);
    else
      *p = (Period){.kind = PER_SCHOOL_YEAR, .year = (int16_t)y}, *ok = true;
    return true;
  }
  if (n >= 2 && s[0] == 'F' && s[1] == 'Y') {
    if (n != 6 || !digits(s + 2, 4, &y))
      snprintf(why, PERIOD_WHY_MAX, "a fiscal year is written with four digits, as in FY2026");
    else
      *p = (Period){.kind = PER_FISCAL_YEAR, .year = (int16_t)y}, *ok = true;
    return true;
  }
  if (!csv || n < 5 || s[4] != '/' || !digits(s, 4, &y)) return false;
  if (n != 9 || !digits(s + 5, 4, &y2))
    snprintf(why, PERIOD_WHY_MAX, "a span is of whole years, as in 2013/2017");
  else if (y2 == y)
    snprintf(why, PERIOD_WHY_MAX, "a span covers two years or more: write %04d for one year", y);
  else if (y2 < y)
    snprintf(why, PERIOD_WHY_MAX, "a span runs from its first year to its last, as in %04d/%04d", y2, y);
  else
    *p = (Period){.kind = PER_SPAN, .first = (int16_t)y, .year = (int16_t)y2}, *ok = true;
  return true;
}

/* ---- look-alikes: text that means a period but is not written as one ---- */

/* The runs of a text: up to four numbers (with their lengths), its letters
 * (upper-cased) and its other characters, in order. */
typedef struct Runs {
  int num[4], len[4], nnum;
  char letters[8], seps[8];
  int nletters, nseps;
  bool lower; /* a letter was lower case */
} Runs;

static bool runs_of(const char *s, size_t n, Runs *r) {
  *r = (Runs){0};
  for (size_t i = 0; i < n;) {
    char c = s[i];
    if (is_digit(c)) {
      size_t j = i;
      while (j < n && is_digit(s[j])) j++;
      if (r->nnum == 4 || j - i > 4) return false;
      digits(s + i, j - i, &r->num[r->nnum]);
      r->len[r->nnum++] = (int)(j - i);
      i = j;
      continue;
    }
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      if (r->nletters == 7) return false;
      if (c >= 'a') r->lower = true, c = (char)(c - 'a' + 'A');
      r->letters[r->nletters++] = c;
    } else {
      if (r->nseps == 7 || !strchr(" -/._", c)) return false;
      r->seps[r->nseps++] = c;
    }
    i++;
  }
  return true;
}

static bool seps_are(const Runs *r, const char *any) {
  for (int i = 0; i < r->nseps; i++)
    if (!strchr(any, r->seps[i])) return false;
  return true;
}

/* 3/31/2026, 31/3/2026, 4/5/2026: month and day in either order. */
static bool date_hint(const Runs *r, char why[PERIOD_WHY_MAX]) {
  int a = r->num[0], b = r->num[1], y = r->num[2];
  bool md = valid_date(y, a, b), dm = valid_date(y, b, a);
  if (md && dm && a != b)
    snprintf(why, PERIOD_WHY_MAX, "write %04d-%02d-%02d (%s %d) or %04d-%02d-%02d (%d %s)", y, a, b, month_names[a - 1], b,
             y, b, a, a, month_names[b - 1]);
  else if (md || dm)
    snprintf(why, PERIOD_WHY_MAX, "write %04d-%02d-%02d", y, md ? a : b, md ? b : a);
  else
    return false;
  return true;
}

/* Numbers alone: 2013-2017, 2017-18, 2024-7, 2026/07, 2024-7-4, 3/31/2026. */
static bool numbers_hint(const Runs *r, bool csv, char why[PERIOD_WHY_MAX]) {
  const int *v = r->num, *l = r->len;
  if (r->nnum == 2 && l[0] == 4 && l[1] == 4 && seps_are(r, "-") && r->nseps == 1) {
    if (csv)
      snprintf(why, PERIOD_WHY_MAX, "a span of years is written %04d/%04d in a CSV file (%04d to %04d in a program)", v[0],
               v[1], v[0], v[1]);
    else
      snprintf(why, PERIOD_WHY_MAX, "a span of years is written %04d to %04d (%04d/%04d in a CSV file)", v[0], v[1], v[0],
               v[1]);
    return true;
  }
  if (r->nnum == 2 && l[0] == 4 && l[1] == 4 && r->nseps == 1 && r->seps[0] == '/' && !csv) {
    snprintf(why, PERIOD_WHY_MAX, "a span of years is written %04d to %04d (%04d/%04d in a CSV file)", v[0], v[1], v[0],
             v[1]);
    return true;
  }
  if (r->nnum == 2 && l[0] == 4 && l[1] == 2 && r->nseps == 1 && r->seps[0] == '-' && v[1] == (v[0] + 1) % 100) {
    snprintf(why, PERIOD_WHY_MAX, "a school year is written SY%04d-%02d", v[0], v[1]);
    return true;
  }
  if (r->nnum == 2 && l[0] == 4 && l[1] <= 2 && r->nseps == 1 && v[1] >= 1 && v[1] <= 12) {
    snprintf(why, PERIOD_WHY_MAX, "write %04d-%02d", v[0], v[1]);
    return true;
  }
  if (r->nnum == 2 && l[0] <= 2 && l[1] == 4 && r->nseps == 1 && r->seps[0] != '-' && v[0] >= 1 && v[0] <= 12) {
    snprintf(why, PERIOD_WHY_MAX, "write %04d-%02d", v[1], v[0]);
    return true;
  }
  if (r->nnum == 3 && l[0] == 4 && l[1] <= 2 && l[2] <= 2 && r->nseps == 2 && r->seps[0] == r->seps[1] &&
      valid_date(v[0], v[1], v[2])) {
    snprintf(why, PERIOD_WHY_MAX, "write %04d-%02d-%02d", v[0], v[1], v[2]);
    return true;
  }
  if (r->nnum == 3 && l[0] <= 2 && l[1] <= 2 && l[2] == 4 && r->nseps == 2 && r->seps[0] == r->seps[1])
    return date_hint(r, why);
  if (r->nnum >= 3 && l[0] == 4 && l[r->nnum - 1] == 4 && strchr(r->seps, '/')) { /* 2013-06/2017-12 */
    snprintf(why, PERIOD_WHY_MAX, "a span is of whole years, as in %04d/%04d", v[0], v[r->nnum - 1]);
    return true;
  }
  return false;
}

/* With letters: Q3 2024, 2024Q3, H1 2026, FY24, fy2026, FY2024-25,
 * sy2025-26, SY2025-2026, SY25-26. */
static bool letters_hint(const Runs *r, char why[PERIOD_WHY_MAX]) {
  const int *v = r->num, *l = r->len;
  const char *w = r->letters;
  if (r->nletters == 1 && (w[0] == 'Q' || w[0] == 'H') && r->nnum == 2 && seps_are(r, " -/_")) {
    int year = l[0] == 4 ? v[0] : v[1], part = l[0] == 4 ? v[1] : v[0], plen = l[0] == 4 ? l[1] : l[0];
    if ((l[0] == 4) == (l[1] == 4) || plen != 1) return false;
    if (w[0] == 'Q' && (part < 1 || part > 4)) snprintf(why, PERIOD_WHY_MAX, "a quarter is Q1, Q2, Q3 or Q4");
    else if (w[0] == 'H' && (part < 1 || part > 2)) snprintf(why, PERIOD_WHY_MAX, "a half is H1 or H2");
    else snprintf(why, PERIOD_WHY_MAX, "write %04d-%c%d", year, w[0], part);
    return true;
  }
  if (r->nletters != 2 || w[1] != 'Y' || (w[0] != 'F' && w[0] != 'S')) return false;
  const char *caps = r->lower ? " with capital letters" : "";
  if (w[0] == 'F') {
    if (r->nnum == 1 && (l[0] == 4 || l[0] == 2))
      snprintf(why, PERIOD_WHY_MAX, "write FY%04d%s", l[0] == 2 ? 2000 + v[0] : v[0], caps);
    else if (r->nnum == 2 && l[0] == 4 && (l[1] == 2 || l[1] == 4) && v[1] % 100 == (v[0] + 1) % 100)
      snprintf(why, PERIOD_WHY_MAX, "write FY%04d: a fiscal year is named by the year it ends in", v[0] + 1);
    else
      return false;
    return true;
  }
  int y = r->nnum >= 1 ? (l[0] == 2 ? 2000 + v[0] : v[0]) : 0;
  if (r->nnum == 2 && (l[0] == 4 || l[0] == 2) && (l[1] == 2 || l[1] == 4) && v[1] % 100 == (y + 1) % 100)
    snprintf(why, PERIOD_WHY_MAX, "write SY%04d-%02d%s", y, (y + 1) % 100, caps);
  else if (r->nnum == 1 && l[0] == 4)
    snprintf(why, PERIOD_WHY_MAX, "a school year is written with its two years, as in SY%04d-%02d", y, (y + 1) % 100);
  else
    return false;
  return true;
}

/* 46112: a day as a spreadsheet counts it (days since 1899-12-30), as a
 * date column saved without its format writes it; 20000 (1954) to 73000
 * (2099) only, so that other numbers are not taken for dates. */
static bool serial_hint(const char *s, size_t n, char why[PERIOD_WHY_MAX]) {
  int v = 0;
  if (n != 5) return false;
  for (size_t i = 0; i < 5; i++) {
    if (!is_digit(s[i])) return false;
    v = v * 10 + (s[i] - '0');
  }
  if (v < 20000 || v > 73000) return false;
  /* Howard Hinnant's civil_from_days, from 1970-01-01 */
  int z = v - 25569 + 719468, era = z / 146097, doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  int y = yoe + era * 400 + (m <= 2);
  snprintf(why, PERIOD_WHY_MAX, "a spreadsheet's day number: write %04d-%02d-%02d (format the dates as yyyy-mm-dd)", y, m,
           d);
  return true;
}

bool period_lookalike(const char *s, size_t n, bool csv, char why[PERIOD_WHY_MAX]) {
  Runs r;
  if (csv && serial_hint(s, n, why)) return true;
  if (n == 0 || n > 32 || !runs_of(s, n, &r) || r.nnum == 0) return false;
  if (r.nletters == 0) return numbers_hint(&r, csv, why);
  return letters_hint(&r, why);
}

/* Parses s[0..n) as a CSV file (csv) or the scanner (not) reads it. */
static bool parse_any(const char *s, size_t n, bool csv, Period *p, char why[PERIOD_WHY_MAX]) {
  bool ok;
  if (parse_named(s, n, csv, p, &ok, why)) {
    if (!ok) period_lookalike(s, n, csv, why);
    return ok;
  }
  int year = 0, quarter = 0, month = 0, day = 0;
  const char *err = NULL;
  ok = parse_parts(s, n, &year, &quarter, &month, &day, p, &err);
  p->year = (int16_t)year;
  p->quarter = (uint8_t)quarter;
  p->month = (uint8_t)month;
  p->day = (uint8_t)day;
  if (ok) return true;
  if (err) {
    snprintf(why, PERIOD_WHY_MAX, "%s", err);
  } else {
    int days = period_days_in_month(year, month);
    snprintf(why, PERIOD_WHY_MAX, "%s %d has %d days, so a day is 01 to %d", month_names[month - 1], year, days, days);
    return false;
  }
  if (n > 5 && is_digit(s[0]) && s[4] == '-' && (s[5] == 'q' || s[5] == 'h')) {
    snprintf(why, PERIOD_WHY_MAX, "write the %s with a capital %c, as in %.4s-%c%.*s", s[5] == 'q' ? "quarter" : "half",
             s[5] - 'a' + 'A', s, s[5] - 'a' + 'A', (int)(n - 6 > 4 ? 4 : n - 6), s + 6);
    return false;
  }
  period_lookalike(s, n, csv, why);
  return false;
}

bool period_parse(const char *s, size_t n, Period *p, char why[PERIOD_WHY_MAX]) {
  return parse_any(s, n, true, p, why);
}

bool period_read_token(const char *s, size_t n, Period *p, Buf *why) {
  char w[PERIOD_WHY_MAX];
  if (parse_any(s, n, false, p, w)) return true;
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
