/* libFuzzer target for the report's writers (runtime/report.c,
 * runtime/chart.c), which put a program's texts and a store's numbers on a
 * page. The first byte chooses:
 *   even: the rest is a program; when it loads without errors, its rules run
 *         and its report is written as HTML and as markdown (no store), and
 *         no text of the program may open a tag on the page; then it is
 *         exported as JSON, Kumu and CSV, and no JSON may hold a raw
 *         control character but its own line ends; and its SQL for
 *         `charter store grant` is written, with no control character
 *         but line ends and every literal closed (a quote in a text of
 *         the program is doubled);
 *   odd:  the rest is read as the data of a turn-the-curve chart and an
 *         equity chart (values, flags, bounds, marks and texts taken from
 *         the bytes), which are drawn; the charts must balance their tags
 *         and never write "nan" or "inf".
 * Run with `make fuzz` (clang, ASan, UBSan). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "export.h"
#include "interp.h"
#include "model.h"
#include "program.h"
#include "report.h"
#include "store.h"
#include "store_grant.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts when s holds "<" + a letter that none of charter's own tags
 * starts (a tag of the program's would), or "nan"/"inf" as a number. */
static void no_foreign_tag(const char *s) {
  static const char *const ours[] = {
      "!DOCTYPE", "html", "head", "meta", "title", "style", "body", "header", "nav", "ul", "li", "a ", "a>",
      "main", "section", "h1", "h2", "h3", "p>", "p ", "div", "table", "caption", "thead", "tbody", "tr", "th",
      "td", "details", "summary", "strong", "span", "code", "article", "figure", "figcaption", "svg", "g>",
      "g ", "path", "text", "tspan", "rect", "circle", "line", "polyline", "polygon", "ellipse", "desc",
      "defs", "pattern", "footer", "br", "/", "?xml", "!--"};
  for (const char *p = strchr(s, '<'); p; p = strchr(p + 1, '<')) {
    bool known = false;
    for (size_t i = 0; i < sizeof ours / sizeof *ours && !known; i++)
      known = strncmp(p + 1, ours[i], strlen(ours[i])) == 0;
    if (!known) abort();
  }
}

static void report_program(const uint8_t *data, size_t size) {
  Program *p = program_load_text("fuzz.charter", (const char *)data, size, NULL);
  if (!p->diags.nerrors && !p->entry_unreadable) {
    rules_run_budget(p, 200000, NULL);
    for (int f = 0; f < 2; f++) {
      ReportOptions o = {.format = f ? REPORT_MD : REPORT_HTML, .internal = f, .ev = NULL, .chart_dir = "charts"};
      Report rep;
      report_build(p, &o, &rep);
      if (!f) no_foreign_tag(buf_str(&rep.text));
      report_free(&rep);
    }
    Buf j = {0}, k = {0};
    export_json(p, NULL, &j);
    export_kumu(p, NULL, &k);
    for (size_t i = 0; i < j.len; i++)
      if ((unsigned char)j.data[i] < 0x20 && j.data[i] != '\n') abort();
    for (size_t i = 0; i < k.len; i++)
      if ((unsigned char)k.data[i] < 0x20 && k.data[i] != '\n') abort();
    buf_free(&j);
    buf_free(&k);
    ExportTables t;
    export_csv(p, NULL, &t);
    export_tables_free(&t);
    Buf g = {0};
    char why[256];
    const char *key = program_coalition(p);
    if (grant_sql(p, *key ? key : "fuzz", "fuzz.charter", &g, why, sizeof why)) {
      /* outside literals a "--" comment runs to the line's end; every
       * literal ends ('' inside one is a quote, and toggles twice) */
      bool lit = false, comment = false;
      for (size_t i = 0; i < g.len; i++) {
        unsigned char c = (unsigned char)g.data[i];
        if (c < 0x20 && c != '\n') abort();
        if (comment) comment = c != '\n';
        else if (c == '\'') lit = !lit;
        else if (!lit && c == '-' && i + 1 < g.len && g.data[i + 1] == '-') comment = true;
      }
      if (lit) abort();
    }
    buf_free(&g);
  }
  program_free(p);
}

/* Bytes read in turn; zeros when they run out. */
typedef struct In {
  const uint8_t *d;
  size_t n, at;
} In;
static unsigned byte(In *in) { return in->at < in->n ? in->d[in->at++] : 0; }
static double num(In *in) {
  static const double special[] = {0, -0.0, 1e300, -1e300, 1e-300, NAN, INFINITY, -INFINITY, 100, 0.5};
  unsigned b = byte(in);
  if (b < 10) return special[b];
  return ((double)byte(in) * 256 + byte(in)) / (double)(1 + byte(in)) - 50;
}
static char *text(In *in) {
  unsigned n = byte(in) % 40;
  char *s = malloc(n + 1);
  for (unsigned i = 0; i < n; i++) {
    unsigned c = byte(in);
    /* no letters of "nan" or "inf", which the charts must never write as numbers */
    s[i] = (char)(!c || strchr("nafiNAFI", (int)c) ? 'x' : c);
  }
  s[n] = '\0';
  return s;
}

static void charts(const uint8_t *data, size_t size) {
  In in = {data, size, 0};
  int n = (int)(byte(&in) % 64);
  ChartPoint *pts = calloc((size_t)n + 1, sizeof *pts);
  char **periods = calloc((size_t)n + 1, sizeof *periods);
  for (int i = 0; i < n; i++) {
    periods[i] = text(&in);
    unsigned f = byte(&in);
    pts[i] = (ChartPoint){18000 + (double)i * (1 + byte(&in)), periods[i], num(&in), f & 31, (f & 32) != 0, (f & 64) != 0};
    if (pts[i].withheld) pts[i].value = NAN;
  }
  char *title = text(&in), *desc = text(&in), *unit = text(&in), *status = text(&in), *stale = text(&in);
  ChartMark ms[3];
  for (int i = 0; i < 3; i++) ms[i] = (ChartMark){18000 + num(&in), num(&in), periods[0] ? periods[0] : ""};
  TurnCurve c = {.id = title, .title = title, .desc = desc, .unit = unit, .lo = num(&in), .hi = num(&in),
                 .dir = (int)(byte(&in) % 3) - 1, .points = pts, .npoints = n, .has_baseline = byte(&in) & 1,
                 .baseline = ms[0], .milestones = ms, .nmilestones = (int)(byte(&in) % 4),
                 .has_target = byte(&in) & 1, .target = ms[1], .has_projection = byte(&in) & 1,
                 .projection = ms[2], .projection_clamped = byte(&in) & 1, .has_break = byte(&in) & 1,
                 .break_x = 18000 + num(&in), .stale = byte(&in) & 1 ? stale : NULL, .status = status,
                 .level = (int)(byte(&in) % 6)};
  Buf out = {0};
  chart_turn_curve(&out, &c);
  no_foreign_tag(buf_str(&out));
  if (strstr(buf_str(&out), "nan") || strstr(buf_str(&out), "inf")) abort();
  int nb = (int)(byte(&in) % 16);
  EquityBar *bars = calloc((size_t)nb + 1, sizeof *bars);
  char **names = calloc((size_t)nb + 1, sizeof *names);
  for (int i = 0; i < nb; i++) {
    names[i] = text(&in);
    unsigned f = byte(&in);
    bars[i] = (EquityBar){names[i], f & 1, num(&in), (f & 2) != 0, (f & 4) != 0, (f & 8) != 0, (f & 16) != 0, (f & 32) != 0};
    if (bars[i].withheld) bars[i].value = NAN;
  }
  const char *missing[2] = {title, unit};
  EquityChart e = {.id = desc, .title = title, .desc = desc, .unit = unit, .lo = c.lo, .hi = c.hi, .bars = bars,
                   .nbars = nb, .has_whole = byte(&in) & 1, .whole = num(&in), .measure = stale,
                   .missing = missing, .nmissing = (int)(byte(&in) % 3)};
  buf_free(&out);
  chart_equity(&out, &e);
  no_foreign_tag(buf_str(&out));
  buf_free(&out);
  for (int i = 0; i < nb; i++) free(names[i]);
  for (int i = 0; i < n; i++) free(periods[i]);
  free(names), free(bars), free(periods), free(pts);
  free(title), free(desc), free(unit), free(status), free(stale);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 65536) return 0;
  if (data[0] & 1) charts(data + 1, size - 1);
  else report_program(data + 1, size - 1);
  return 0;
}
