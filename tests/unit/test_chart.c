/* The report's charts (runtime/chart.c): the contrast of every ink on
 * white (WCAG 2.1: 4.5:1 for text, 3:1 for chart parts), well-formed
 * output for fixed charts and for the edge cases (no points, one point,
 * everything withheld, open, NaN and equal bounds, huge and tiny values,
 * 500 points, long and right-to-left titles, hostile text), never "nan" or
 * "inf", a withheld value never drawn as a value, labels that never
 * overlap, determinism and speed.
 *
 * With arguments `--write DIR` it writes the fixed charts and the edge
 * cases into DIR (NAME.html, one <figure> each, and page.html with all of
 * them) for tests/chart.sh, which compares them with tests/golden/chart/
 * and parses them with xmllint. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "present.h"
#include "store.h"

/* ---- contrast (WCAG 2.1 relative luminance) ---- */

static double channel(unsigned v) {
  double c = v / 255.0;
  return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(const char *hex) {
  assert_int_equal(strlen(hex), 7);
  assert_true(hex[0] == '#');
  unsigned v = (unsigned)strtoul(hex + 1, NULL, 16);
  return 0.2126 * channel(v >> 16 & 255) + 0.7152 * channel(v >> 8 & 255) + 0.0722 * channel(v & 255);
}

static double contrast_on_white(const char *hex) { return 1.05 / (luminance(hex) + 0.05); }

static void test_inks(void **state) {
  (void)state;
  assert_true(chart_ninks >= 8);
  for (int i = 0; i < chart_ninks; i++) {
    double c = contrast_on_white(chart_inks[i].rgb);
    double need = chart_inks[i].text ? 4.5 : 3.0;
    if (c < need) fail_msg("ink %s (%s): contrast %.2f on white, needs %.1f", chart_inks[i].name, chart_inks[i].rgb, c, need);
  }
  /* the formula itself: black on white is 21:1, #767676 about 4.54:1 */
  assert_true(fabs(contrast_on_white("#000000") - 21) < 1e-9);
  assert_true(fabs(contrast_on_white("#767676") - 4.54) < 0.01);
}

/* ---- fixtures ---- */

/* The middle of a year, in days from 1970-01-01. */
static double year_x(int y) { return (y - 1970) * 365.2425 + 182; }

static ChartPoint kr_points[10];
static const char *const kr_periods[10] = {"2016", "2017", "2018", "2019", "2020", "2021", "2022", "2023", "2024", "2025"};
static const ChartMark kr_milestones[1] = {{0, 48, "2027"}};

static TurnCurve kindergarten(void) {
  static const double v[10] = {42.0, 43.5, 44.1, 38.2, NAN, 39.5, 41.0, 42.7, 44.1, 45.2};
  static const unsigned f[10] = {0, 0, OBS_PROVISIONAL, OBS_BREAK, OBS_SUPPRESSED, OBS_ESTIMATED, 0, 0, 0, OBS_PROVISIONAL};
  for (int i = 0; i < 10; i++)
    kr_points[i] = (ChartPoint){year_x(2016 + i), kr_periods[i], v[i], f[i], isnan(v[i]), i == 7};
  static ChartMark ms[1];
  ms[0] = kr_milestones[0];
  ms[0].x = year_x(2027);
  TurnCurve c = {
      .id = "kr",
      .title = "Children ready for kindergarten",
      .desc = "45.2% of children were ready for kindergarten in 2025 (provisional), up from a baseline of 38.2% "
              "in 2019; the target is 55% by 2030.",
      .unit = "%",
      .lo = 0,
      .hi = 100,
      .dir = 1,
      .points = kr_points,
      .npoints = 10,
      .has_baseline = true,
      .baseline = {year_x(2019), 38.2, "2019"},
      .milestones = ms,
      .nmilestones = 1,
      .has_target = true,
      .target = {year_x(2030), 55, "2030"},
      .has_projection = true,
      .projection = {year_x(2030), 51.3, "2030"},
      .has_break = true,
      .break_x = year_x(2019),
      .status = "off track",
      .level = PRESENT_OFF_TRACK,
  };
  return c;
}

static const EquityBar kr_bars[] = {
    {"Asian", true, 58.1, false, false, false, false, true},
    {"Black", true, 36.4, false, false, false, true, false},
    {"Hispanic or Latino", true, 40.2, false, true, false, false, false},
    {"American Indian or Alaska Native", true, NAN, true, false, false, false, false},
    {"White", true, 52.3, false, false, true, false, false},
    {"Two or more races", true, 47.0, false, false, false, false, false},
};
static const char *const kr_missing[] = {"Native Hawaiian or Pacific Islander", "Middle Eastern or North African"};

static EquityChart kindergarten_equity(void) {
  EquityChart c = {
      .id = "kr-race",
      .title = "Kindergarten readiness by race and ethnicity, 2025",
      .desc = "Readiness ranges from 36.4% (Black children) to 58.1% (Asian children); the whole population is at 46.5%.",
      .unit = "%",
      .lo = 0,
      .hi = 100,
      .bars = kr_bars,
      .nbars = 6,
      .has_whole = true,
      .whole = 46.5,
      .measure = "Gap 21.7 points between Asian and Black children; the target is a gap of 10 points or less by 2030.",
      .missing = kr_missing,
      .nmissing = 2,
  };
  return c;
}

/* Counts in people, falling: a stale series with a break and no target. */
static ChartPoint ed_points[24];
static TurnCurve er_visits(void) {
  for (int i = 0; i < 24; i++) {
    static char periods[24][16];
    snprintf(periods[i], sizeof periods[i], "%d-Q%d", 2020 + i / 4, i % 4 + 1);
    double v = 1480 - i * 21.5 + (i % 3) * 35;
    ed_points[i] = (ChartPoint){year_x(2020 + i / 4) - 137 + (i % 4) * 91.3, periods[i], v, 0, false, false};
  }
  ed_points[9].withheld = true;
  ed_points[9].value = NAN;
  ed_points[10].withheld = true;
  ed_points[10].value = NAN;
  ed_points[23].flags = OBS_PROVISIONAL | OBS_ESTIMATED;
  TurnCurve c = {
      .id = "er",
      .title = "Emergency visits for asthma",
      .unit = "visits",
      .lo = 0,
      .hi = INFINITY,
      .dir = -1,
      .points = ed_points,
      .npoints = 24,
      .has_baseline = true,
      .baseline = {ed_points[0].x, ed_points[0].value, "2020-Q1"},
      .has_target = true,
      .target = {year_x(2026), 900, "2026"},
      .has_projection = true,
      .projection = {year_x(2026), 1010, "2026"},
      .projection_clamped = true,
      .stale = "The latest value is from 2025-Q4; values older than 12 months are stale.",
      .status = "met",
      .level = PRESENT_MET,
  };
  return c;
}

/* ---- the edge cases ---- */

#define NBIG 500
static ChartPoint big[NBIG];
static char big_periods[NBIG][16];
static ChartPoint one[1], withheld3[3], extreme[4], tiny[4];

static const char *long_title =
    "A very long indicator title that goes on and on about the share of children in the county's public and "
    "charter schools who arrive at kindergarten ready to learn in all five domains of the assessment, as measured "
    "every autumn by the teachers who know them";
static const char *hostile = "<script>alert(\"x\")</script> & 'q' \x1b[31m\xe2\x80\xae bidi \xff\xfe stray";
static const char *rtl = "\xd7\x99\xd7\x9c\xd7\x93\xd7\x99\xd7\x9d \xd7\x9e\xd7\x95\xd7\x9b\xd7\xa0\xd7\x99\xd7\x9d "
                         "\xd9\x84\xd9\x84\xd8\xb1\xd9\x88\xd8\xb6\xd8\xa9 \xe5\xad\xa6\xe5\x89\x8d "
                         "\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x92\xbb e\xcc\x81";

typedef struct Case {
  const char *name;
  bool equity;
  TurnCurve t;
  EquityChart e;
} Case;

static EquityBar eq_long[3], eq_neg[3], eq_none[2], eq_null[1];
static ChartPoint nulls[3];
static const char *const null_missing[] = {NULL, "B"};
static const char *const many_missing[] = {"A", "B", "C <&>", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M",
                                           "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"};

static int edge_cases(Case *cs) {
  int n = 0;
  cs[n++] = (Case){"turn-empty", false, {.id = "e0", .title = "No data yet", .lo = 0, .hi = 100, .unit = "%", .level = PRESENT_NONE}, {0}};
  one[0] = (ChartPoint){year_x(2024), "2024", 12, 0, false, false};
  cs[n++] = (Case){"turn-one", false,
                   {.id = "e1", .title = "One value", .lo = -INFINITY, .hi = INFINITY, .points = one, .npoints = 1, .level = PRESENT_NONE},
                   {0}};
  for (int i = 0; i < 3; i++)
    withheld3[i] = (ChartPoint){year_x(2021 + i), kr_periods[5 + i], NAN, OBS_SUPPRESSED, true, false};
  cs[n++] = (Case){"turn-withheld",
                   false,
                   {.id = "e2", .title = "Every value suppressed", .lo = 0, .hi = INFINITY, .points = withheld3, .npoints = 3,
                    .has_target = true, .target = {year_x(2026), 10, "2026"}, .status = "no status", .level = PRESENT_NONE},
                   {0}};
  cs[n++] = (Case){"turn-nan-bounds",
                   false,
                   {.id = "e3", .title = "Bounds that are not numbers", .lo = NAN, .hi = NAN, .points = one, .npoints = 1, .has_target = true,
                    .target = {NAN, INFINITY, "2030"}, .has_baseline = true, .baseline = {INFINITY, NAN, NULL},
                    .has_projection = true, .projection = {NAN, NAN, NULL}, .level = PRESENT_MISSED, .status = "missed"},
                   {0}};
  cs[n++] = (Case){"turn-equal-bounds",
                   false,
                   {.id = "e4", .title = "lo equals hi", .lo = 5, .hi = 5, .points = one, .npoints = 1, .has_break = true,
                    .break_x = NAN, .level = PRESENT_AT_BASELINE, .status = "at baseline"},
                   {0}};
  static const double ev[4] = {1e300, -1e300, 1.7e308, -1.7e308};
  for (int i = 0; i < 4; i++) extreme[i] = (ChartPoint){year_x(2020 + i), kr_periods[4 + i], ev[i], 0, false, false};
  cs[n++] = (Case){"turn-huge", false,
                   {.id = "e5", .title = "Huge values", .unit = "dollars", .lo = -INFINITY, .hi = INFINITY, .points = extreme,
                    .npoints = 4, .has_target = true, .target = {year_x(2026), 1e308, "2026"}, .level = PRESENT_ON_TRACK,
                    .status = "on track"},
                   {0}};
  static const double tv[4] = {1e-9, 2e-9, 1.5e-9, 3e-9};
  for (int i = 0; i < 4; i++) tiny[i] = (ChartPoint){year_x(2020 + i), kr_periods[4 + i], tv[i], 0, false, false};
  cs[n++] = (Case){"turn-tiny", false,
                   {.id = "e6", .title = "Tiny values", .unit = "%", .lo = 0, .hi = 100, .points = tiny, .npoints = 4,
                    .level = PRESENT_ON_TRACK, .status = "on track"},
                   {0}};
  for (int i = 0; i < NBIG; i++) {
    snprintf(big_periods[i], sizeof big_periods[i], "%d-%02d", 1985 + i / 12, i % 12 + 1);
    double v = 50 + 20 * sin(i / 30.0) + (i % 7);
    big[i] = (ChartPoint){(1985 - 1970) * 365.2425 + i * 30.44 + 15, big_periods[i], v,
                          i % 50 == 3 ? OBS_PROVISIONAL : 0, i % 97 == 5, i % 61 == 7};
    if (big[i].withheld) big[i].value = NAN;
  }
  cs[n++] = (Case){"turn-500", false,
                   {.id = "e7", .title = "Five hundred months", .unit = "%", .lo = 0, .hi = 100, .points = big, .npoints = NBIG,
                    .has_break = true, .break_x = big[250].x, .level = PRESENT_ON_TRACK, .status = "on track"},
                   {0}};
  cs[n++] = (Case){"turn-long", false,
                   {.id = "e8", .title = long_title, .desc = long_title, .unit = "children per 1,000 residents aged 0 to 5",
                    .lo = 0, .hi = INFINITY, .points = kr_points, .npoints = 10, .stale = long_title,
                    .status = "a status word far longer than any status should ever be written", .level = PRESENT_OFF_TRACK},
                   {0}};
  cs[n++] = (Case){"turn-hostile", false,
                   {.id = "e9 \"<x>", .title = hostile, .desc = hostile, .unit = hostile, .lo = 0, .hi = 100, .points = one,
                    .npoints = 1, .stale = hostile, .status = hostile, .level = 99},
                   {0}};
  cs[n++] = (Case){"turn-rtl", false,
                   {.id = "e10", .title = rtl, .desc = rtl, .unit = rtl, .lo = 0, .hi = 100, .points = kr_points, .npoints = 10,
                    .status = rtl, .level = PRESENT_MET},
                   {0}};
  eq_long[0] = (EquityBar){long_title, true, 12, false, false, true, false, false};
  eq_long[1] = (EquityBar){rtl, false, 30, false, true, false, true, true};
  eq_long[2] = (EquityBar){hostile, true, NAN, true, false, false, false, false};
  cs[n++] = (Case){"equity-long", true, {0},
                   {.id = "q1", .title = long_title, .desc = rtl, .unit = "%", .lo = 0, .hi = 100, .bars = eq_long, .nbars = 3,
                    .has_whole = true, .whole = 20, .measure = long_title, .missing = many_missing, .nmissing = 26}};
  eq_neg[0] = (EquityBar){"Falling", true, -12.5, false, false, false, true, false};
  eq_neg[1] = (EquityBar){"Rising", true, 8, false, true, true, false, false};
  eq_neg[2] = (EquityBar){"Huge", true, 1e300, false, false, false, false, true};
  cs[n++] = (Case){"equity-negative", true, {0},
                   {.id = "q2", .title = "Change since the baseline", .unit = "points", .lo = -INFINITY, .hi = INFINITY,
                    .bars = eq_neg, .nbars = 3, .has_whole = true, .whole = NAN}};
  eq_none[0] = (EquityBar){"A", true, NAN, true, false, true, false, false};
  eq_none[1] = (EquityBar){"B", true, INFINITY, true, true, false, false, false};
  cs[n++] = (Case){"equity-withheld", true, {0},
                   {.id = "q3", .title = "All suppressed", .lo = 5, .hi = 5, .bars = eq_none, .nbars = 2, .has_whole = true,
                    .whole = 4}};
  nulls[0] = (ChartPoint){NAN, NULL, 3, 0, false, false};
  nulls[1] = (ChartPoint){year_x(2020), NULL, 4, OBS_BREAK, false, false};
  nulls[2] = (ChartPoint){year_x(2021), NULL, NAN, 0, false, false}; /* NaN yet not withheld: a gap */
  cs[n++] = (Case){"turn-nulls", false,
                   {.lo = 0, .hi = 10, .points = nulls, .npoints = 3, .has_projection = true, .projection = {year_x(2022), 5, NULL},
                    .milestones = NULL, .nmilestones = 3, .level = PRESENT_ON_TRACK},
                   {0}};
  eq_null[0] = (EquityBar){NULL, false, 3, false, false, false, false, false};
  cs[n++] = (Case){"equity-nulls", true, {0},
                   {.lo = 0, .hi = 10, .bars = eq_null, .nbars = 1, .missing = null_missing, .nmissing = 2}};
  cs[n++] = (Case){"equity-empty", true, {0}, {.id = "q4", .title = "No groups", .lo = NAN, .hi = -INFINITY}};
  return n;
}

/* ---- checks of the output ---- */

/* Tags balance, entities are known ones, attribute values hold no '<'.
 * Returns NULL or what is wrong. */
static const char *well_formed(const char *s) {
  static char why[400];
  const char *stack[64];
  size_t lens[64];
  int depth = 0;
  for (const char *p = s; *p; p++) {
    if (*p == '&') {
      static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
      bool ok = false;
      for (size_t i = 0; i < sizeof ents / sizeof *ents; i++) ok |= strncmp(p, ents[i], strlen(ents[i])) == 0;
      if (!ok) {
        snprintf(why, sizeof why, "a bare & at %.30s", p);
        return why;
      }
      continue;
    }
    if (*p == '>') {
      snprintf(why, sizeof why, "a bare > at %.30s", p);
      return why;
    }
    if (*p != '<') continue;
    if (p[1] == '/') {
      const char *n = p + 2;
      size_t len = strcspn(n, ">");
      if (depth == 0 || lens[depth - 1] != len || strncmp(stack[depth - 1], n, len) != 0) {
        snprintf(why, sizeof why, "</%.*s> closes %.*s", (int)len, n, depth ? (int)lens[depth - 1] : 4,
                 depth ? stack[depth - 1] : "none");
        return why;
      }
      depth--;
      p = n + len;
      continue;
    }
    const char *n = p + 1;
    size_t len = strcspn(n, " >/\n");
    if (len == 0 || !isalpha((unsigned char)*n)) {
      snprintf(why, sizeof why, "a bare < at %.30s", p);
      return why;
    }
    const char *q = n + len;
    char quote = 0;
    for (; *q && (quote || *q != '>'); q++) {
      if (quote && *q == '<') {
        snprintf(why, sizeof why, "< in an attribute of %.*s", (int)len, n);
        return why;
      }
      if (*q == '"' || *q == '\'') quote = quote == *q ? 0 : quote ? quote : *q;
    }
    if (!*q) return "an unterminated tag";
    if (q[-1] != '/') {
      if (depth == 64) return "too deep";
      stack[depth] = n;
      lens[depth++] = len;
    }
    p = q;
  }
  if (depth) {
    snprintf(why, sizeof why, "<%.*s> is never closed", (int)lens[depth - 1], stack[depth - 1]);
    return why;
  }
  return NULL;
}

/* "nan" or "inf" as a word of its own (any case). */
static bool has_nonfinite(const char *s) {
  for (const char *p = s; *p; p++) {
    if (isalpha((unsigned char)*p) && (p == s || !isalpha((unsigned char)p[-1]))) {
      size_t n = 0;
      while (isalpha((unsigned char)p[n])) n++;
      if ((n == 3 && (strncasecmp(p, "nan", 3) == 0 || strncasecmp(p, "inf", 3) == 0)) ||
          (n == 8 && strncasecmp(p, "infinity", 8) == 0))
        return true;
      p += n - 1;
    }
  }
  return false;
}

static void check_output(const char *name, const char *s) {
  const char *why = well_formed(s);
  if (why) fail_msg("%s: not well-formed: %s", name, why);
  if (has_nonfinite(s)) fail_msg("%s: writes nan or inf", name);
  assert_non_null(strstr(s, "role=\"img\""));
  assert_non_null(strstr(s, "<figcaption>"));
  /* the figure, a box that may scroll, takes the chart's title as its
   * name; the SVG's aria-labelledby names the ids of the title and the desc */
  assert_non_null(strstr(s, "<figure class=\"chart "));
  assert_non_null(strstr(s, "tabindex=\"0\" aria-labelledby=\""));
  const char *a = strstr(strstr(s, "role=\"img\""), "aria-labelledby=\"");
  assert_non_null(a);
  a += strlen("aria-labelledby=\"");
  char ids[2][80];
  assert_int_equal(sscanf(a, "%79s %79[^\"]", ids[0], ids[1]), 2);
  for (int i = 0; i < 2; i++) {
    char want[200];
    snprintf(want, sizeof want, "<%s id=\"%s\">", i ? "desc" : "title", ids[i]);
    if (!strstr(s, want)) fail_msg("%s: no %s", name, want);
  }
  /* no raw ESC, C1 or bidi control reaches the page */
  assert_null(strchr(s, '\x1b'));
  assert_null(strstr(s, "\xe2\x80\xae"));
  /* every font size at least 12 */
  for (const char *p = strstr(s, "font-size=\""); p; p = strstr(p + 1, "font-size=\"")) {
    double fs = atof(p + strlen("font-size=\""));
    if (fs < 12) fail_msg("%s: font-size %g", name, fs);
  }
}

static void render_case(Buf *b, const Case *c) {
  if (c->equity) chart_equity(b, &c->e);
  else chart_turn_curve(b, &c->t);
}

static void test_fixtures(void **state) {
  (void)state;
  TurnCurve t = kindergarten();
  Buf b = {0};
  chart_turn_curve(&b, &t);
  check_output("kindergarten", buf_str(&b));
  const char *s = buf_str(&b);
  /* what the chart draws is in its legend, and words say each flag */
  static const char *const words[] = {"series break", "suppressed", "provisional", "estimated", "unstable",
                                      "baseline", "milestone", "target", "trajectory to the target", "projection",
                                      "Target 55% (2030)", "Projected 51.3%", "off track"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    if (!strstr(s, words[i])) fail_msg("kindergarten: no \"%s\"", words[i]);
  buf_free(&b);

  TurnCurve er = er_visits();
  chart_turn_curve(&b, &er);
  check_output("er", buf_str(&b));
  assert_non_null(strstr(buf_str(&b), "(clamped)"));
  assert_non_null(strstr(buf_str(&b), "stale"));
  /* nothing drawn, nothing in the legend */
  assert_null(strstr(buf_str(&b), "series break"));
  assert_null(strstr(buf_str(&b), "milestone"));
  buf_free(&b);

  EquityChart e = kindergarten_equity();
  chart_equity(&b, &e);
  s = buf_str(&b);
  check_output("equity", s);
  static const char *const ewords[] = {"(reference)", "(furthest behind)", "(furthest ahead)", "(unstable)", "suppressed",
                                       "Whole population 46.5%", "No data: Native Hawaiian or Pacific Islander, Middle Eastern or North African",
                                       "Gap 21.7 points"};
  for (size_t i = 0; i < sizeof ewords / sizeof *ewords; i++)
    if (!strstr(s, ewords[i])) fail_msg("equity: no \"%s\"", ewords[i]);
  /* a withheld group has no bar: five bars for six groups */
  int bars = 0;
  for (const char *p = strstr(s, "class=\"bar\""); p; p = strstr(p + 1, "class=\"bar\"")) bars++;
  assert_int_equal(bars, 5);
  assert_non_null(strstr(s, "url(#kr-race-hatch)"));
  buf_free(&b);
}

static void test_edges(void **state) {
  (void)state;
  Case cs[32];
  int n = edge_cases(cs);
  for (int i = 0; i < n; i++) {
    Buf b = {0};
    render_case(&b, &cs[i]);
    check_output(cs[i].name, buf_str(&b));
    /* huge and tiny values in three digits, not a double's seventeen */
    if (strcmp(cs[i].name, "equity-negative") == 0) {
      assert_non_null(strstr(buf_str(&b), ">1e300 points"));
      assert_null(strstr(buf_str(&b), "99999"));
    }
    if (strcmp(cs[i].name, "turn-huge") == 0) assert_null(strstr(buf_str(&b), "99999"));
    if (strcmp(cs[i].name, "turn-tiny") == 0) assert_non_null(strstr(buf_str(&b), ">3e-9%<"));
    buf_free(&b);
  }
}

static void test_escaping(void **state) {
  (void)state;
  Case cs[32];
  int n = edge_cases(cs);
  for (int i = 0; i < n; i++) {
    if (strcmp(cs[i].name, "turn-hostile") != 0) continue;
    Buf b = {0};
    render_case(&b, &cs[i]);
    const char *s = buf_str(&b);
    assert_null(strstr(s, "<script"));
    assert_non_null(strstr(s, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"));
    assert_non_null(strstr(s, "\xef\xbf\xbd")); /* the stray bytes */
    assert_non_null(strstr(s, "aria-labelledby=\"e9___x_-title e9___x_-desc\""));
    buf_free(&b);
  }
  /* the long title is cut on the chart and whole in its <title> */
  for (int i = 0; i < n; i++) {
    if (strcmp(cs[i].name, "turn-long") != 0) continue;
    Buf b = {0};
    render_case(&b, &cs[i]);
    const char *s = buf_str(&b);
    assert_non_null(strstr(s, "\xe2\x80\xa6"));
    char want[600];
    snprintf(want, sizeof want, "<title id=\"e8-title\">%s</title>", long_title);
    /* the title holds an apostrophe, escaped */
    char *q = strstr(want, "county's");
    assert_non_null(q);
    memmove(q + strlen("county&#39;"), q + strlen("county'"), strlen(q + strlen("county'")) + 1);
    memcpy(q, "county&#39;", strlen("county&#39;"));
    assert_non_null(strstr(s, want));
    buf_free(&b);
  }
}

/* The y of the axis's 0 (its tick label's baseline less 4.5). */
static bool zero_y(const char *s, char *out, size_t n) {
  const char *p = strstr(s, "fill=\"#57606a\">0</text>");
  if (!p) return false;
  const char *y = p;
  while (y > s && strncmp(y, " y=\"", 4) != 0) y--;
  double v = atof(y + 4) - 4.5;
  snprintf(out, n, "cy=\"%g\"", round(v * 10) / 10);
  return true;
}

static void test_withheld_not_zero(void **state) {
  (void)state;
  ChartPoint p[3] = {{year_x(2020), "2020", 2, 0, false, false},
                     {year_x(2021), "2021", NAN, OBS_SUPPRESSED, true, false},
                     {year_x(2022), "2022", 12, 0, false, false}};
  TurnCurve t = {.id = "w", .title = "Withheld", .lo = 0, .hi = INFINITY, .points = p, .npoints = 3, .level = PRESENT_NONE};
  Buf b = {0};
  chart_turn_curve(&b, &t);
  const char *s = buf_str(&b);
  char zy[40];
  assert_true(zero_y(s, zy, sizeof zy)); /* the axis starts at 0 */
  assert_null(strstr(s, zy));            /* and no mark sits on it */
  int marks = 0;
  for (const char *q = strstr(s, "class=\"v\""); q; q = strstr(q + 1, "class=\"v\"")) marks++;
  assert_int_equal(marks, 2);
  const char *w = strstr(s, "<g class=\"withheld\">");
  assert_non_null(w);
  const char *end = strstr(w, "</g>");
  assert_null(memmem(w, (size_t)(end - w), "<circle", 7));
  assert_non_null(memmem(w, (size_t)(end - w), ">suppressed<", 12));
  buf_free(&b);
}

/* The period labels of 500 points: thinned, none overlapping. */
static void test_thinning(void **state) {
  (void)state;
  Case cs[32];
  int n = edge_cases(cs);
  for (int i = 0; i < n; i++) {
    if (strcmp(cs[i].name, "turn-500") != 0 && strcmp(cs[i].name, "turn-long") != 0) continue;
    Buf b = {0};
    render_case(&b, &cs[i]);
    const char *s = buf_str(&b);
    double xs[600];
    int nl = 0;
    const char *p = s;
    while ((p = strstr(p, "class=\"xl\""))) {
      const char *x = p;
      while (strncmp(x, "<text x=\"", 9) != 0) x--;
      assert_true(nl < 600);
      xs[nl++] = atof(x + 9);
      p++;
    }
    assert_true(nl >= 2);
    assert_true(nl <= 40);
    for (int k = 1; k < nl; k++)
      if (xs[k] - xs[k - 1] < 7 * 12 * 0.6) fail_msg("%s: labels at %g and %g overlap", cs[i].name, xs[k - 1], xs[k]);
    buf_free(&b);
  }
}

static void test_deterministic(void **state) {
  (void)state;
  TurnCurve t = kindergarten();
  Buf a = {0}, b = {0};
  chart_turn_curve(&a, &t);
  chart_turn_curve(&b, &t);
  assert_string_equal(buf_str(&a), buf_str(&b));
  buf_free(&a);
  buf_free(&b);
}

/* 1,000 charts of 120 points each: well under a second (about 0.1 s; the
 * bound is generous for busy machines, and more so under the sanitizers). */
#if defined(__SANITIZE_ADDRESS__)
#define SPEED_BOUND 20.0
#else
#define SPEED_BOUND 2.0
#endif
static void test_speed(void **state) {
  (void)state;
  static ChartPoint p[120];
  static char per[120][16];
  for (int i = 0; i < 120; i++) {
    snprintf(per[i], sizeof per[i], "%d-%02d", 2015 + i / 12, i % 12 + 1);
    p[i] = (ChartPoint){(2015 - 1970) * 365.2425 + i * 30.44, per[i], 40 + (i % 17) * 0.7, i % 11 == 0 ? OBS_PROVISIONAL : 0,
                        i % 23 == 4, i % 19 == 3};
    if (p[i].withheld) p[i].value = NAN;
  }
  TurnCurve t = kindergarten();
  t.points = p;
  t.npoints = 120;
  t.has_break = false;
  struct timespec a, z;
  clock_gettime(CLOCK_MONOTONIC, &a);
  size_t total = 0;
  for (int i = 0; i < 1000; i++) {
    Buf b = {0};
    chart_turn_curve(&b, &t);
    total += b.len;
    buf_free(&b);
  }
  clock_gettime(CLOCK_MONOTONIC, &z);
  double secs = (z.tv_sec - a.tv_sec) + (z.tv_nsec - a.tv_nsec) / 1e9;
  print_message("1000 charts of 120 points: %.3f s, %zu bytes\n", secs, total);
  assert_true(secs < SPEED_BOUND);
}

/* ---- --write DIR ---- */

static int write_file(const char *dir, const char *name, const char *s) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f || fputs(s, f) == EOF || fclose(f) != 0) {
    fprintf(stderr, "test_chart: cannot write %s\n", path);
    return 1;
  }
  return 0;
}

static int write_all(const char *dir) {
  Buf page = {0};
  buf_puts(&page, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>charts</title>"
                  "<style>body{font-family:system-ui,sans-serif;max-width:760px;margin:1em auto;color:#1f2328}"
                  "figure{margin:0 0 2em}figcaption{font-size:14px;margin-top:.4em}</style></head><body>\n");
  int rc = 0;
  Case fixed[3];
  fixed[0] = (Case){"turn", false, kindergarten(), {0}};
  fixed[1] = (Case){"turn-counts", false, er_visits(), {0}};
  fixed[2] = (Case){"equity", true, {0}, kindergarten_equity()};
  Case cs[32];
  int n = edge_cases(cs);
  for (int i = 0; i < 3 + n; i++) {
    const Case *c = i < 3 ? &fixed[i] : &cs[i - 3];
    Buf b = {0};
    render_case(&b, c);
    char name[64];
    snprintf(name, sizeof name, "%s.html", c->name);
    rc |= write_file(dir, name, buf_str(&b));
    buf_printf(&page, "<h2>%s</h2>\n", c->name);
    buf_puts(&page, buf_str(&b));
    buf_free(&b);
  }
  buf_puts(&page, "</body></html>\n");
  rc |= write_file(dir, "page.html", buf_str(&page));
  buf_free(&page);
  return rc;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--write") == 0) return write_all(argv[2]);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_inks),       cmocka_unit_test(test_fixtures),
      cmocka_unit_test(test_edges),      cmocka_unit_test(test_escaping),
      cmocka_unit_test(test_withheld_not_zero), cmocka_unit_test(test_thinning),
      cmocka_unit_test(test_deterministic), cmocka_unit_test(test_speed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
