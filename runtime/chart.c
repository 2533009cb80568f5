/* Charts of the report as inline SVG (runtime/chart.h): the turn-the-curve
 * chart of an indicator and the equity chart of an equity line.
 *
 * Output is deterministic and locale-free: coordinates are written from
 * integers (tenths of a pixel), values through present.h. Text charter did
 * not write (titles, units, periods, group names) is escaped for XML and
 * HTML alike: markup characters as entities, controls, C1 and bidi
 * controls dropped, invalid UTF-8 and noncharacters as U+FFFD. Widths of
 * text are estimated per code point (the drawing has no font metrics), so
 * labels are thinned and truncated generously. */
#define _POSIX_C_SOURCE 200809L
#include "chart.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "i18n.h"
#include "present.h"
#include "store.h"

/* ---- inks ---- */

enum {
  INK_TEXT, INK_MUTED, INK_AXIS, INK_SERIES, INK_SERIES_OLD, INK_TARGET, INK_MILESTONE,
  INK_GOOD, INK_WARN, INK_BAD, INK_COUNT
};

const ChartInk chart_inks[] = {
    [INK_TEXT] = {"text, rules, the reference group's bar", "#1f2328", true},
    [INK_MUTED] = {"secondary text, baseline, suppressed", "#57606a", true},
    [INK_AXIS] = {"axes", "#6e7781", false},
    [INK_SERIES] = {"values", "#0b5cad", true},
    [INK_SERIES_OLD] = {"values before a series break", "#6a8fc4", false},
    [INK_TARGET] = {"target and trajectory", "#8a4b00", true},
    [INK_MILESTONE] = {"milestones", "#6f42c1", true},
    [INK_GOOD] = {"met, on track", "#1a7f37", true},
    [INK_WARN] = {"off track", "#9a6700", true},
    [INK_BAD] = {"missed", "#cf222e", true},
};
const int chart_ninks = INK_COUNT;

#define INK(i) (chart_inks[i].rgb)

/* ---- text ---- */

#define W 720.0          /* the viewBox's width */
#define FS 13.0          /* labels */
#define FS_SMALL 12.0    /* the smallest text */
#define FS_TITLE 15.0
#define EM_W 0.57
/* A white outline under a label, so a line behind it never crosses it. */
#define HALO "stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\""        /* an estimate of a column's width, in ems */

/* One code point at s[0..n): its length, *c (U+FFFD for a stray byte). */
static int next_cp(const char *s, size_t n, uint32_t *c) {
  int k = utf8_decode((const unsigned char *)s, n, c);
  if (k == 0) {
    *c = 0xFFFD;
    k = 1;
  }
  return k;
}

static void put_esc(Buf *b, const char *s) { esc_xml_str(b, s); }

/* Columns a code point takes (an estimate for fitting text). */
static int cp_cols(uint32_t c) {
  if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) || (c >= 0xFE00 && c <= 0xFE0F) ||
      (c >= 0x0591 && c <= 0x05C7) || (c >= 0x064B && c <= 0x065F) || esc_is_hidden(c))
    return 0;
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0x1F300 && c <= 0x1FAFF) ||
      (c >= 0x20000 && c <= 0x3FFFD))
    return 2;
  return 1;
}

static int cols_n(const char *s, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n;) {
    uint32_t c;
    i += (size_t)next_cp(s + i, n - i, &c);
    w += cp_cols(c);
  }
  return w;
}

static int cols(const char *s) { return s ? cols_n(s, strlen(s)) : 0; }

/* The width in pixels of text of size fs. */
static double text_w(const char *s, double fs) { return cols(s) * fs * EM_W; }

/* The bytes of s that fit in max columns (all of it when it fits). */
static size_t fit_bytes(const char *s, size_t n, int max, bool *cut) {
  int w = 0;
  *cut = false;
  if (cols_n(s, n) <= max) return n;
  *cut = true;
  size_t i = 0;
  while (i < n) {
    uint32_t c;
    int k = next_cp(s + i, n - i, &c);
    if (w + cp_cols(c) > max - 1) break; /* room for the ellipsis */
    w += cp_cols(c);
    i += (size_t)k;
  }
  return i;
}

/* ---- a small printf for SVG ----
 * %g a coordinate (tenths of a pixel, written from integers), %s a string
 * as is, %e a string escaped, %d an int. */

static void put_coord(Buf *b, double v) {
  if (!isfinite(v)) v = 0;
  if (v > 1e6) v = 1e6;
  if (v < -1e6) v = -1e6;
  long r = lround(v * 10);
  if (r < 0) {
    buf_putc(b, '-');
    r = -r;
  }
  char d[24], *e = d + sizeof d, *q = e;
  if (r % 10) {
    *--q = (char)('0' + r % 10);
    *--q = '.';
  }
  r /= 10;
  do *--q = (char)('0' + r % 10);
  while (r /= 10);
  buf_add(b, q, (size_t)(e - q));
}

static void svg(Buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      const char *q = strchr(p, '%');
      size_t n = q ? (size_t)(q - p) : strlen(p);
      buf_add(b, p, n);
      p += n - 1;
      continue;
    }
    switch (*++p) {
    case 'g': put_coord(b, va_arg(ap, double)); break;
    case 's': buf_puts(b, va_arg(ap, const char *)); break;
    case 'e': put_esc(b, va_arg(ap, const char *)); break;
    case 'd': buf_printf(b, "%d", va_arg(ap, int)); break;
    case '%': buf_putc(b, '%'); break;
    default: buf_putc(b, *p); break;
    }
  }
  va_end(ap);
}

/* A <text>: s truncated to max_w pixels (0: no limit), full (s when NULL)
 * in a <title> when cut. attrs is markup charter wrote. */
static void text_fit_full(Buf *b, double x, double y, const char *attrs, const char *s, double fs, double max_w,
                          const char *full) {
  size_t n = s ? strlen(s) : 0;
  bool cut = false;
  size_t keep = n;
  if (max_w > 0) {
    int max = (int)(max_w / (fs * EM_W));
    if (max < 2) max = 2;
    keep = fit_bytes(s, n, max, &cut);
  }
  svg(b, "<text x=\"%g\" y=\"%g\"%s%s>", x, y, attrs && *attrs ? " " : "", attrs ? attrs : "");
  if (cut) svg(b, "<title>%e</title>", full ? full : s);
  esc_xml(b, s, keep);
  if (cut) buf_puts(b, "\xE2\x80\xA6");
  buf_puts(b, "</text>\n");
}

static void text_fit(Buf *b, double x, double y, const char *attrs, const char *s, double fs, double max_w) {
  text_fit_full(b, x, y, attrs, s, fs, max_w, NULL);
}

/* Lines of s wrapped at max columns (at most maxl; the last cut with an
 * ellipsis when more remain). Returns the lines; each is starts[i],
 * lens[i]. */
static int wrap(const char *s, int max, int maxl, size_t *starts, size_t *lens, bool *cut_last) {
  size_t n = strlen(s);
  int nl = 0;
  size_t i = 0;
  *cut_last = false;
  while (i < n && nl < maxl) {
    while (i < n && s[i] == ' ') i++;
    if (i >= n) break;
    size_t line = i, end = i, j = i;
    int w = 0;
    while (j < n) {
      size_t k = j;
      while (k < n && s[k] != ' ') k++;
      int ww = cols_n(s + j, k - j);
      if (end > line && w + 1 + ww > max) break;
      w += (end > line ? 1 : 0) + ww;
      end = k;
      j = k;
      while (j < n && s[j] == ' ') j++;
    }
    starts[nl] = line;
    lens[nl] = end - line;
    nl++;
    i = end;
  }
  while (i < n && s[i] == ' ') i++;
  if (i < n && nl > 0) {
    *cut_last = true;
    lens[nl - 1] = n - starts[nl - 1]; /* cut where it no longer fits */
  }
  return nl;
}

/* Wrapped text under a chart: lines of at most max_w pixels, at most maxl.
 * Returns the y after it. */
static double text_wrapped(Buf *b, double x, double y, const char *attrs, const char *s, double fs, double max_w,
                           int maxl) {
  if (!s || !*s) return y;
  size_t starts[8], lens[8];
  bool cut;
  if (maxl > 8) maxl = 8;
  int nl = wrap(s, (int)(max_w / (fs * EM_W)), maxl, starts, lens, &cut);
  for (int i = 0; i < nl; i++) {
    Buf line = {0};
    buf_add(&line, s + starts[i], lens[i]);
    if (i == nl - 1 && cut) { /* the whole sentence in its <title> */
      text_fit_full(b, x, y, attrs, buf_str(&line), fs, max_w, s);
    } else {
      text_fit(b, x, y, attrs, buf_str(&line), fs, 0);
    }
    buf_free(&line);
    y += fs * 1.35;
  }
  return y;
}

/* ---- numbers ---- */

/* v in sig significant digits (1..15), trailing zeros dropped, written
 * from integers (no locale): 1230, 0.00123, 1.23e-9, 1.8e308. */
static void sig_text(double v, int sig, char out[48]) {
  if (v == 0 || !isfinite(v)) {
    strcpy(out, "0");
    return;
  }
  char *o = out;
  if (v < 0) *o++ = '-';
  double a = fabs(v);
  int e = (int)floor(log10(a));
  double m = a / pow(10, e); /* 1 <= m < 10, give or take rounding */
  if (!isfinite(m) || m <= 0) m = 1;
  long long scale = 1;
  for (int i = 1; i < sig; i++) scale *= 10;
  long long d = llround(m * (double)scale);
  if (d >= scale * 10) {
    d /= 10;
    e++;
  }
  if (d < scale) d = scale;
  char digits[20];
  int nd = snprintf(digits, sizeof digits, "%lld", d);
  while (nd > 1 && digits[nd - 1] == '0') digits[--nd] = '\0';
  if (e >= -5 && e < 15) {
    if (e < 0) {
      o += sprintf(o, "0.");
      for (int i = -1; i > e; i--) *o++ = '0';
      o += sprintf(o, "%s", digits);
    } else {
      for (int i = 0; i <= e || i < nd; i++) {
        if (i == e + 1) *o++ = '.';
        *o++ = i < nd ? digits[i] : '0';
      }
      *o = '\0';
    }
  } else {
    *o++ = digits[0];
    if (nd > 1) {
      *o++ = '.';
      o += sprintf(o, "%s", digits + 1);
    }
    sprintf(o, "e%d", e);
  }
}

/* A value for people with its unit: present_num_unit, except that very
 * large and very small values keep three significant digits. */
static void num_unit(Buf *b, double v, const char *unit) {
  double a = fabs(v);
  if (a >= 1e15 || (a > 0 && a < 0.005)) {
    char s[48];
    sig_text(v, 3, s);
    buf_puts(b, s);
    if (unit && *unit) {
      if (strcmp(unit, "%") != 0) buf_putc(b, ' ');
      buf_puts(b, unit);
    }
  } else {
    present_num_unit(b, v, unit);
  }
}

/* A tick's value: as many digits as its step needs. */
static void tick_text(Buf *b, double v, double step, bool pct) {
  if (isfinite(step) && fabs(v) < step * 1e-6) v = 0;
  if (isfinite(step) && step >= 0.01 && fabs(v) < 1e9) {
    present_num_unit(b, v, pct ? "%" : NULL);
    return;
  }
  int sig = 3;
  if (isfinite(step) && step > 0 && v != 0) {
    sig = (int)floor(log10(fabs(v))) - (int)floor(log10(step)) + 1;
    if (sig < 1) sig = 1;
    if (sig > 15) sig = 15;
  }
  char s[48];
  sig_text(v, sig, s);
  buf_puts(b, s);
  if (pct) buf_putc(b, '%');
}

/* ---- scales ---- */

/* A linear map from [d0, d1] (d0 < d1, both finite) onto [r0, r1]. Halves
 * keep the arithmetic finite for any finite domain. */
typedef struct Scale {
  double d0, d1, r0, r1;
  double step; /* the ticks' step, NAN for the two ends only */
} Scale;

static double sc(const Scale *s, double v) {
  double t = (v * 0.5 - s->d0 * 0.5) / (s->d1 * 0.5 - s->d0 * 0.5);
  if (!isfinite(t)) t = 0;
  if (t < -0.05) t = -0.05;
  if (t > 1.05) t = 1.05;
  return s->r0 + t * (s->r1 - s->r0);
}

static bool usable_bounds(double *lo, double *hi) {
  if (isnan(*lo)) *lo = -INFINITY;
  if (isnan(*hi)) *hi = INFINITY;
  if (!(*lo < *hi)) { /* lo == hi or reversed: no range to stay in */
    *lo = -INFINITY;
    *hi = INFINITY;
    return false;
  }
  return true;
}

static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

/* The domain of a value axis: mn..mx padded, with 0 when zero asks, on a
 * nice step, never outside lo..hi. mn > mx: no values. */
static void value_scale(Scale *s, double mn, double mx, double lo, double hi, bool zero, double pad_frac) {
  usable_bounds(&lo, &hi);
  if (!(mn <= mx)) {
    if (isfinite(lo) && isfinite(hi)) {
      mn = lo;
      mx = hi;
    } else {
      mn = isfinite(lo) ? lo : isfinite(hi) ? hi - 1 : 0;
      mx = mn + 1;
    }
  }
  bool pin_lo = false, pin_hi = false;
  if (zero && mn >= 0) {
    mn = 0;
    pin_lo = true;
  } else if (zero && mx <= 0) {
    mx = 0;
    pin_hi = true;
  }
  if (mx * 0.5 - mn * 0.5 <= 0) {
    double pad = fabs(mn) * 0.1;
    if (!(pad >= 1e-300) || !isfinite(pad)) pad = 1;
    if (!pin_lo) mn = mn - pad;
    if (!pin_hi) mx = mx + pad;
    if (!(mx * 0.5 - mn * 0.5 > 0)) {
      mn = mn - 1;
      mx = mx + 1;
    }
  }
  double half = mx * 0.5 - mn * 0.5;
  if (!pin_lo) mn -= half * 2 * pad_frac;
  if (!pin_hi) mx += half * 2 * pad_frac;
  if (!isfinite(mn)) mn = -DBL_MAX;
  if (!isfinite(mx)) mx = DBL_MAX;
  double raw = (mx * 0.5 - mn * 0.5) / 2.5;
  double step = NAN;
  if (isfinite(raw) && raw > 1e-300) {
    double mag = pow(10, floor(log10(raw)));
    double norm = raw / mag;
    step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
    double a = floor(mn / step) * step, z = ceil(mx / step) * step;
    if (isfinite(a) && isfinite(z) && a < z && (z - a) / step <= 12) {
      mn = a;
      mx = z;
    } else {
      step = NAN;
    }
  }
  mn = clampd(mn, lo, hi);
  mx = clampd(mx, lo, hi);
  if (!(mx * 0.5 - mn * 0.5 > 0)) { /* clamped flat: open the side away from the bound */
    if (mx < hi) mx = fmin(hi, mn + 1);
    else mn = fmax(lo, mx - 1);
  }
  s->d0 = mn;
  s->d1 = mx;
  s->step = step;
}

/* The ticks of s: at most 13 values into t. */
static int ticks(const Scale *s, double *t) {
  int n = 0;
  if (isfinite(s->step) && s->step > 0) {
    double k0 = ceil(s->d0 / s->step - 1e-9);
    for (double k = k0; n < 13; k++) {
      double v = k * s->step;
      if (v > s->d1 + s->step * 1e-9) break;
      t[n++] = v;
    }
  }
  if (n < 2) {
    t[0] = s->d0;
    t[1] = s->d1;
    n = 2;
  }
  return n;
}

/* ---- shared parts ---- */

/* The id prefix: letters, digits, - and _ only (others become _). */
static void put_id(Buf *b, const char *id) {
  if (!id || !*id) id = "chart";
  for (const char *p = id; *p; p++) {
    char c = *p;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    buf_putc(b, ok ? c : '_');
  }
}

/* The figure around a chart: a box that scrolls on a narrow screen, which
 * the keyboard reaches and which takes the chart's title as its name. */
static void figure_open(Buf *b, const char *kind, const char *id) {
  buf_printf(b, "<figure class=\"chart chart-%s\" tabindex=\"0\" aria-labelledby=\"", kind);
  put_id(b, id);
  buf_puts(b, "-title\">\n");
}

static void svg_open(Buf *b, const char *id, double h, const char *title, const char *desc) {
  Buf pid = {0};
  put_id(&pid, id);
  const char *p = buf_str(&pid);
  svg(b,
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %g %g\" width=\"100%%\" "
      "class=\"chart-svg\" role=\"img\" aria-labelledby=\"%s-title %s-desc\" "
      "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif\" font-size=\"%g\" "
      "fill=\"%s\">\n",
      W, h, p, p, FS, INK(INK_TEXT));
  svg(b, "<title id=\"%s-title\">%e</title>\n", p, title ? title : "");
  svg(b, "<desc id=\"%s-desc\">%e</desc>\n", p, desc ? desc : "");
  svg(b, "<rect width=\"%g\" height=\"%g\" fill=\"#ffffff\"/>\n", W, h);
  buf_free(&pid);
}

/* The status's shape at (x, y) (its centre), 16 px across. */
static void status_shape(Buf *b, double x, double y, int level) {
  switch (level) {
  case PRESENT_MET:
    svg(b, "<circle cx=\"%g\" cy=\"%g\" r=\"8\" fill=\"%s\"/>", x, y, INK(INK_GOOD));
    svg(b, "<path d=\"M%g %gl3 3l5-6\" fill=\"none\" stroke=\"#ffffff\" stroke-width=\"2\"/>\n", x - 4, y);
    break;
  case PRESENT_ON_TRACK:
    svg(b, "<circle cx=\"%g\" cy=\"%g\" r=\"7\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>", x, y,
        INK(INK_GOOD));
    svg(b, "<path d=\"M%g %gl3 3l5-6\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", x - 4, y,
        INK(INK_GOOD));
    break;
  case PRESENT_AT_BASELINE:
    svg(b, "<circle cx=\"%g\" cy=\"%g\" r=\"7\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>", x, y,
        INK(INK_MUTED));
    svg(b, "<path d=\"M%g %gh8\" stroke=\"%s\" stroke-width=\"2\"/>\n", x - 4, y, INK(INK_MUTED));
    break;
  case PRESENT_OFF_TRACK:
    svg(b, "<path d=\"M%g %gl8 14h-16z\" fill=\"%s\"/>", x, y - 8, INK(INK_WARN));
    svg(b, "<path d=\"M%g %gv4m0 2v2\" stroke=\"#ffffff\" stroke-width=\"2\"/>\n", x, y - 3);
    break;
  case PRESENT_MISSED:
    svg(b, "<rect x=\"%g\" y=\"%g\" width=\"15\" height=\"15\" fill=\"%s\"/>", x - 7.5, y - 7.5, INK(INK_BAD));
    svg(b, "<path d=\"M%g %gl7 7m0-7l-7 7\" stroke=\"#ffffff\" stroke-width=\"2\"/>\n", x - 3.5, y - 3.5);
    break;
  default:
    svg(b, "<circle cx=\"%g\" cy=\"%g\" r=\"7\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
           "stroke-dasharray=\"3 2\"/>\n",
        x, y, INK(INK_MUTED));
    break;
  }
}

/* The chart's title on the left and its status on the right. */
static void heading(Buf *b, const char *title, const char *status, int level, bool has_status) {
  double right = W - 8;
  if (has_status) {
    const char *word = status && *status ? status : _(present_level_label((PresentLevel)level));
    double tw = text_w(word, FS) * 1.1; /* bold */
    if (tw > 200) tw = 200;
    text_fit(b, right, 25, "text-anchor=\"end\" font-weight=\"600\"", word, FS, 200);
    status_shape(b, right - tw - 16, 20, level);
    right = right - tw - 34;
  }
  text_fit(b, 8, 25, "font-size=\"15\" font-weight=\"600\"", title ? title : "", FS_TITLE, right - 8);
}

/* Legend keys (inline SVG in the figcaption, hidden from screen readers:
 * the word beside says it). */
enum {
  KEY_LINE, KEY_OLD, KEY_PROVISIONAL, KEY_ESTIMATED, KEY_UNSTABLE, KEY_SUPPRESSED, KEY_BREAK, KEY_BASELINE,
  KEY_MILESTONE, KEY_TARGET, KEY_TRAJECTORY, KEY_PROJECTION, KEY_BAR, KEY_BAR_REF, KEY_BAR_UNSTABLE, KEY_WHOLE
};

static void key(Buf *b, int k, const char *word) {
  buf_puts(b, "<span class=\"chart-key\">"
              "<svg width=\"28\" height=\"14\" viewBox=\"0 0 28 14\" aria-hidden=\"true\" "
              "class=\"chart-key-mark\">");
  const char *s = INK(INK_SERIES);
  switch (k) {
  case KEY_LINE: svg(b, "<path d=\"M2 10L26 4\" stroke=\"%s\" stroke-width=\"2\"/><circle cx=\"14\" cy=\"7\" r=\"3.5\" fill=\"%s\"/>", s, s); break;
  case KEY_OLD:
    svg(b, "<path d=\"M2 10L26 4\" stroke=\"%s\" stroke-width=\"1.5\"/><circle cx=\"14\" cy=\"7\" r=\"3\" fill=\"%s\"/>",
        INK(INK_SERIES_OLD), INK(INK_SERIES_OLD));
    break;
  case KEY_PROVISIONAL: svg(b, "<circle cx=\"14\" cy=\"7\" r=\"4\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"2\"/>", s); break;
  case KEY_ESTIMATED: svg(b, "<rect x=\"10\" y=\"3\" width=\"8\" height=\"8\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"2\"/>", s); break;
  case KEY_UNSTABLE:
    svg(b, "<circle cx=\"14\" cy=\"7\" r=\"3.5\" fill=\"%s\"/><circle cx=\"14\" cy=\"7\" r=\"6.5\" fill=\"none\" stroke=\"%s\" "
           "stroke-width=\"1.2\" stroke-dasharray=\"2 1.5\"/>",
        s, s);
    break;
  case KEY_SUPPRESSED: svg(b, "<path d=\"M10 3l8 8m0-8l-8 8\" stroke=\"%s\" stroke-width=\"2\"/>", INK(INK_MUTED)); break;
  case KEY_BREAK: svg(b, "<path d=\"M14 0v14\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"/>", INK(INK_TEXT)); break;
  case KEY_BASELINE:
    svg(b, "<path d=\"M2 7h24\" stroke=\"%s\" stroke-width=\"1\"/><circle cx=\"14\" cy=\"7\" r=\"4\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"2\"/>",
        INK(INK_MUTED), INK(INK_MUTED));
    break;
  case KEY_MILESTONE: svg(b, "<path d=\"M14 1l6 6-6 6-6-6z\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"2\"/>", INK(INK_MILESTONE)); break;
  case KEY_TARGET:
    svg(b, "<circle cx=\"14\" cy=\"7\" r=\"6\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"2\"/><circle cx=\"14\" cy=\"7\" r=\"2\" fill=\"%s\"/>",
        INK(INK_TARGET), INK(INK_TARGET));
    break;
  case KEY_TRAJECTORY: svg(b, "<path d=\"M2 11L26 3\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>", INK(INK_TARGET)); break;
  case KEY_PROJECTION: svg(b, "<path d=\"M2 10L26 4\" stroke=\"%s\" stroke-width=\"2\" stroke-dasharray=\"1 3\" stroke-linecap=\"round\"/>", s); break;
  case KEY_BAR: svg(b, "<rect x=\"2\" y=\"3\" width=\"24\" height=\"8\" fill=\"%s\"/>", s); break;
  case KEY_BAR_REF: svg(b, "<rect x=\"2\" y=\"3\" width=\"24\" height=\"8\" fill=\"%s\"/>", INK(INK_TEXT)); break;
  case KEY_BAR_UNSTABLE:
    svg(b, "<rect x=\"2.5\" y=\"3.5\" width=\"23\" height=\"7\" fill=\"#ffffff\" stroke=\"%s\"/>"
           "<path d=\"M4 11l6-8M10 11l6-8M16 11l6-8M22 11l4-5.3\" stroke=\"%s\" stroke-width=\"1.5\"/>",
        s, s);
    break;
  case KEY_WHOLE: svg(b, "<path d=\"M14 0v14\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>", INK(INK_TEXT)); break;
  default: break;
  }
  buf_puts(b, "</svg>");
  put_esc(b, word);
  buf_puts(b, "</span>\n");
}

/* ---- the turn-the-curve chart ---- */

typedef struct Label {
  double x, w; /* centre and width */
  const char *text;
  bool must;
} Label;

static bool overlaps(const Label *a, const Label *b) {
  return fabs(a->x - b->x) < (a->w + b->w) / 2 + 8;
}

static bool pt_unstable(const ChartPoint *p) { return p->unstable || (p->flags & OBS_UNSTABLE); }
static bool pt_value(const ChartPoint *p) { return !p->withheld && isfinite(p->value); }

/* Label positions for period labels that never overlap: the must-keep ones
 * first, then the rest left to right. Returns the kept count (in keep). */
static int thin_labels(Label *ls, int n, bool *keep) {
  int kept = 0;
  for (int pass = 0; pass < 2; pass++) {
    int last = -1; /* the nearest kept label on the left, in this pass */
    for (int i = 0; i < n; i++) {
      if ((pass == 0) != ls[i].must) continue;
      if (pass == 0) {
        bool ok = true;
        for (int j = 0; j < n && ok; j++)
          if (keep[j] && overlaps(&ls[i], &ls[j])) ok = false;
        if (ok) {
          keep[i] = true;
          kept++;
        }
        continue;
      }
      bool ok = !(last >= 0 && overlaps(&ls[i], &ls[last]));
      for (int j = i + 1; j < n && ok; j++) { /* a must-keep label to the right */
        if (ls[j].x - ls[i].x > (ls[i].w + 600) / 2 + 8) break;
        if (keep[j] && overlaps(&ls[i], &ls[j])) ok = false;
      }
      for (int j = i - 1; j >= 0 && ok && j > last; j--)
        if (keep[j] && overlaps(&ls[i], &ls[j])) ok = false;
      if (ok) {
        keep[i] = true;
        kept++;
        last = i;
      }
    }
  }
  return kept;
}

/* A y pixel inside the plot. */
static double yclamp(double y, double top, double bottom) { return clampd(y, top, bottom); }

/* A point's mark: hollow for provisional, a square for estimated, a dashed
 * ring for unstable. */
static void point_mark(Buf *b, double x, double y, const ChartPoint *p, const char *ink, double r) {
  bool hollow = p->flags & OBS_PROVISIONAL, square = p->flags & OBS_ESTIMATED;
  if (square)
    svg(b, "<rect class=\"v\" x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"/>",
        x - r, y - r, 2 * r, 2 * r, "#ffffff", ink);
  else if (hollow)
    svg(b, "<circle class=\"v\" cx=\"%g\" cy=\"%g\" r=\"%g\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"2\"/>", x, y, r, ink);
  else svg(b, "<circle class=\"v\" cx=\"%g\" cy=\"%g\" r=\"%g\" fill=\"%s\"/>", x, y, r, ink);
  if (pt_unstable(p))
    svg(b, "<circle cx=\"%g\" cy=\"%g\" r=\"%g\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\" stroke-dasharray=\"2.5 2\"/>",
        x, y, r + 4, ink);
}

/* "Target: 60% (2030)" */
static void mark_text(Buf *t, const char *what, const ChartMark *m, const char *unit) {
  if (what && *what) {
    buf_puts(t, what);
    buf_puts(t, " ");
  }
  num_unit(t, m->value, unit);
  if (m->period && *m->period) {
    buf_puts(t, " (");
    buf_puts(t, m->period);
    buf_puts(t, ")");
  }
}

/* A label beside a mark on the right: a word over a value. */
typedef struct Side {
  double y, ax, ay; /* the label's first baseline, its mark */
  const char *head;
  Buf text;
  const char *ink;
} Side;

void chart_turn_curve(Buf *out, const TurnCurve *c) {
  const char *unit = c->unit && *c->unit ? c->unit : NULL;
  bool pct = unit && strcmp(unit, "%") == 0;
  int np = c->npoints > 0 && c->points ? c->npoints : 0;
  int nm = c->nmilestones > 0 && c->milestones ? c->nmilestones : 0;

  /* the break: the chart's, else the last flagged one */
  bool has_break = c->has_break && isfinite(c->break_x);
  double break_x = c->break_x;
  for (int i = 0; i < np; i++)
    if ((c->points[i].flags & OBS_BREAK) && isfinite(c->points[i].x) && i > 0 && !c->has_break) {
      has_break = true;
      break_x = c->points[i].x;
    }

  /* the domains */
  double lo = c->lo, hi = c->hi;
  usable_bounds(&lo, &hi);
  double vmin = INFINITY, vmax = -INFINITY, xmin = INFINITY, xmax = -INFINITY;
#define SEE_V(v) do { double v_ = (v); if (isfinite(v_)) { v_ = clampd(v_, lo, hi); if (v_ < vmin) vmin = v_; if (v_ > vmax) vmax = v_; } } while (0)
#define SEE_X(v) do { double x_ = (v); if (isfinite(x_)) { if (x_ < xmin) xmin = x_; if (x_ > xmax) xmax = x_; } } while (0)
  int nvalues = 0, nwithheld = 0, last = -1;
  bool any_prov = false, any_est = false, any_unst = false, any_old = false, any_new = false;
  for (int i = 0; i < np; i++) {
    const ChartPoint *p = &c->points[i];
    if (!isfinite(p->x)) continue;
    SEE_X(p->x);
    if (pt_value(p)) {
      SEE_V(p->value);
      nvalues++;
      last = i;
      any_prov |= (p->flags & (OBS_PROVISIONAL | OBS_ESTIMATED)) == OBS_PROVISIONAL;
      any_est |= (p->flags & OBS_ESTIMATED) != 0;
      any_unst |= pt_unstable(p);
      if (has_break && p->x < break_x) any_old = true;
      else any_new = true;
    } else {
      nwithheld++;
    }
  }
  bool baseline = c->has_baseline && isfinite(c->baseline.x) && isfinite(c->baseline.value);
  bool target = c->has_target && isfinite(c->target.x) && isfinite(c->target.value);
  bool projection = c->has_projection && last >= 0 && isfinite(c->projection.x) && isfinite(c->projection.value);
  if (baseline) {
    SEE_V(c->baseline.value);
    SEE_X(c->baseline.x);
  }
  if (target) {
    SEE_V(c->target.value);
    SEE_X(c->target.x);
  }
  if (projection) {
    SEE_V(c->projection.value);
    SEE_X(c->projection.x);
  }
  int nmil = 0;
  for (int i = 0; i < nm; i++)
    if (isfinite(c->milestones[i].x) && isfinite(c->milestones[i].value)) {
      SEE_V(c->milestones[i].value);
      SEE_X(c->milestones[i].x);
      nmil++;
    }
  if (has_break) SEE_X(break_x);
#undef SEE_V
#undef SEE_X

  /* 0 on the axis when the values come near it anyway, or (a count, not a
   * percentage) the bounds start there and the values are not far above */
  bool zero = vmin <= vmax && vmin >= 0 && (vmin <= vmax * 0.5 || (!pct && lo == 0 && vmin <= vmax * 0.7));
  Scale ys;
  value_scale(&ys, vmin, vmax, lo, hi, zero, 0.08);
  double tv[13];
  int nt = ticks(&ys, tv);
  /* the y axis's labels decide the left margin */
  Buf tl[13];
  double tlw = 0;
  for (int i = 0; i < nt; i++) {
    tl[i] = (Buf){0};
    tick_text(&tl[i], tv[i], ys.step, pct);
    double w = text_w(buf_str(&tl[i]), FS);
    if (w > tlw) tlw = w;
  }
  if (tlw > 150) tlw = 150;
  const double L = 16 + tlw, R = W - 175, T = 64, B = T + 230;
  ys.r0 = B;
  ys.r1 = T;

  Scale xs = {0};
  if (!(xmin <= xmax)) {
    xmin = 0;
    xmax = 1;
  }
  {
    double span = xmax - xmin;
    double pad = span > 0 ? span * 0.04 : 180;
    xs.d0 = xmin - pad;
    xs.d1 = xmax + pad;
    if (!(xs.d1 * 0.5 - xs.d0 * 0.5 > 0)) {
      xs.d0 = xmin - 1;
      xs.d1 = xmin + 1;
    }
    xs.r0 = L + 10;
    xs.r1 = R - 10;
    xs.step = NAN;
  }

  /* the stale sentence's lines decide the height */
  double h = B + 40;
  double stale_y = h + 4;
  if (c->stale && *c->stale) h += 2 * FS * 1.35 + 12;

  figure_open(out, "turn", c->id);
  const char *desc = c->desc;
  Buf gen = {0};
  if (!desc || !*desc) {
    if (nvalues == 0) buf_puts(&gen, _("No values to show."));
    else {
      buf_printf(&gen, P_("%d value", "%d values", (unsigned long)nvalues), nvalues);
      buf_puts(&gen, "; ");
      buf_puts(&gen, _("latest:"));
      buf_puts(&gen, " ");
      num_unit(&gen, c->points[last].value, unit);
      if (c->points[last].period) {
        buf_puts(&gen, " (");
        buf_puts(&gen, c->points[last].period);
        buf_puts(&gen, ")");
      }
      buf_puts(&gen, ".");
    }
    desc = buf_str(&gen);
  }
  svg_open(out, c->id, h, c->title, desc);
  heading(out, c->title, c->status, c->level, c->status || c->level != PRESENT_NONE);

  /* grid, y axis */
  for (int i = 0; i < nt; i++) {
    double y = sc(&ys, tv[i]);
    svg(out, "<path d=\"M%g %gH%g\" stroke=\"%s\" stroke-opacity=\".25\"/>", L, y, R, INK(INK_AXIS));
    svg(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"end\" fill=\"%s\">%e</text>\n", L - 6, y + 4.5,
        INK(INK_MUTED), buf_str(&tl[i]));
    buf_free(&tl[i]);
  }
  if (unit && !pct) text_fit(out, 8, T - 12, "font-size=\"12\"", unit, FS_SMALL, R - 8);
  svg(out, "<path d=\"M%g %gV%gH%g\" fill=\"none\" stroke=\"%s\"/>\n", L, T, B, R, INK(INK_AXIS));

  /* x labels: the periods as written, thinned */
  Label *ls = xmalloc(sizeof *ls * (size_t)(np + 3));
  bool *keep = xmalloc(sizeof *keep * (size_t)(np + 3));
  int nl = 0;
  for (int i = 0; i < np; i++) {
    const ChartPoint *p = &c->points[i];
    if (!isfinite(p->x) || !p->period || !*p->period) continue;
    if (nl > 0 && fabs(sc(&xs, p->x) - ls[nl - 1].x) < 0.5) continue;
    ls[nl++] = (Label){sc(&xs, p->x), fmin(text_w(p->period, FS_SMALL), 120), p->period, i == np - 1 || i == 0};
  }
  if (target && c->target.period && *c->target.period) {
    bool dup = false;
    for (int i = 0; i < nl; i++) dup |= fabs(ls[i].x - sc(&xs, c->target.x)) < 0.5;
    if (!dup) ls[nl++] = (Label){sc(&xs, c->target.x), fmin(text_w(c->target.period, FS_SMALL), 120), c->target.period, true};
  }
  memset(keep, 0, sizeof *keep * (size_t)(nl > 0 ? nl : 1));
  /* the labels must be in x order for thinning */
  for (int i = 1; i < nl; i++)
    for (int j = i; j > 0 && ls[j].x < ls[j - 1].x; j--) {
      Label t = ls[j];
      ls[j] = ls[j - 1];
      ls[j - 1] = t;
    }
  thin_labels(ls, nl, keep);
  for (int i = 0; i < nl; i++) {
    if (!keep[i]) continue;
    double x = clampd(ls[i].x, ls[i].w / 2 + 2, W - ls[i].w / 2 - 2);
    svg(out, "<path d=\"M%g %gv5\" stroke=\"%s\"/>", ls[i].x, B, INK(INK_AXIS));
    text_fit(out, x, B + 19, "class=\"xl\" text-anchor=\"middle\" font-size=\"12\"", ls[i].text, FS_SMALL, 120);
  }
  free(ls);
  free(keep);

  /* the break */
  if (has_break) {
    double x = sc(&xs, break_x);
    svg(out, "<path d=\"M%g %gV%g\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>\n", x, T - 4, B,
        INK(INK_TEXT));
    const char *w = _("series break");
    bool left = x + 4 + text_w(w, FS_SMALL) > R + 150;
    svg(out, "<text x=\"%g\" y=\"%g\" font-size=\"12\" " HALO "%s>%e</text>\n", left ? x - 4 : x + 4, T + 8,
        left ? " text-anchor=\"end\"" : "", w);
  }

  /* the baseline: a rule and a point */
  if (baseline) {
    double x = sc(&xs, c->baseline.x), y = yclamp(sc(&ys, c->baseline.value), T, B);
    svg(out, "<path d=\"M%g %gH%g\" stroke=\"%s\" stroke-width=\"1\"/>\n", L, y, R, INK(INK_MUTED));
    Buf t = {0};
    mark_text(&t, _("Baseline"), &c->baseline, unit);
    svg(out, "<circle cx=\"%g\" cy=\"%g\" r=\"5\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"2\"><title>%e</title></circle>\n",
        x, y, INK(INK_MUTED), buf_str(&t));
    /* at the rule's right end, on the side the values move away from
     * when they do well (above it when lower is better) */
    bool above = c->dir < 0 ? y - 18 >= T : y + 18 > B;
    text_fit(out, R - 4, above ? y - 6 : y + 15, "text-anchor=\"end\" font-size=\"12\" fill=\"#57606a\" " HALO, buf_str(&t),
             FS_SMALL, R - L - 12);
    buf_free(&t);
  }

  /* the trajectory from baseline to target */
  if (baseline && target) {
    svg(out, "<path d=\"M%g %gL%g %g\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\" fill=\"none\"/>\n",
        sc(&xs, c->baseline.x), yclamp(sc(&ys, c->baseline.value), T, B), sc(&xs, c->target.x),
        yclamp(sc(&ys, c->target.value), T, B), INK(INK_TARGET));
  }

  /* the values: lines joined within runs (a gap at a withheld value or a
   * break), lighter before the break */
  {
    int run_start = -1;
    Buf path = {0};
    bool prev_old = false;
    for (int i = 0; i <= np; i++) {
      const ChartPoint *p = i < np ? &c->points[i] : NULL;
      bool valid = p && isfinite(p->x) && pt_value(p);
      bool old = valid && has_break && p->x < break_x;
      bool flush = !valid || (run_start >= 0 && old != prev_old) || (valid && (p->flags & OBS_BREAK) && run_start >= 0);
      if (flush && path.len) {
        svg(out, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" stroke-linejoin=\"round\"/>\n",
            buf_str(&path), prev_old ? INK(INK_SERIES_OLD) : INK(INK_SERIES), prev_old ? "1.5" : "2.5");
        path.len = 0;
        run_start = -1;
      }
      if (!valid) continue;
      svg(&path, "%s%g %g", path.len ? "L" : "M", sc(&xs, p->x), yclamp(sc(&ys, p->value), T, B));
      if (run_start < 0) run_start = i;
      prev_old = old;
    }
    buf_free(&path);
  }

  /* the projection: dotted from the latest value */
  Side side[2];
  int nside = 0;
  if (projection) {
    const ChartPoint *p = &c->points[last];
    double x0 = sc(&xs, p->x), y0 = yclamp(sc(&ys, p->value), T, B);
    double x1 = sc(&xs, c->projection.x), y1 = yclamp(sc(&ys, c->projection.value), T, B);
    svg(out, "<path d=\"M%g %gL%g %g\" stroke=\"%s\" stroke-width=\"2.5\" stroke-dasharray=\"0.1 5\" stroke-linecap=\"round\" fill=\"none\"/>\n",
        x0, y0, x1, y1, INK(INK_SERIES));
    Buf t = {0};
    num_unit(&t, c->projection.value, unit);
    if (c->projection_clamped) {
      buf_puts(&t, " ");
      buf_puts(&t, _("(clamped)"));
    }
    svg(out, "<path d=\"M%g %gl-7 -4.5v9z\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"1.5\"><title>%e %e</title></path>\n",
        x1 + 3, y1, INK(INK_SERIES), _("Projected"), buf_str(&t));
    side[nside++] = (Side){y1 - 3, x1, y1, _("Projected"), t, INK(INK_SERIES)};
  }

  /* milestones */
  for (int i = 0; i < nm; i++) {
    const ChartMark *m = &c->milestones[i];
    if (!isfinite(m->x) || !isfinite(m->value)) continue;
    double x = sc(&xs, m->x), y = yclamp(sc(&ys, m->value), T, B);
    Buf t = {0};
    mark_text(&t, _("Milestone"), m, unit);
    svg(out, "<path d=\"M%g %gl6 6-6 6-6-6z\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"2\"><title>%e</title></path>\n",
        x, y - 6, INK(INK_MILESTONE), buf_str(&t));
    if (nmil <= 6) {
      Buf v = {0};
      num_unit(&v, m->value, unit);
      svg(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\" font-size=\"12\" " HALO " fill=\"%s\">%e</text>\n", x,
          y - 10 < T + 4 ? y + 20 : y - 10, INK(INK_MILESTONE), buf_str(&v));
      buf_free(&v);
    }
    buf_free(&t);
  }

  /* the target */
  if (target) {
    double x = sc(&xs, c->target.x), y = yclamp(sc(&ys, c->target.value), T, B);
    Buf t = {0};
    mark_text(&t, "", &c->target, unit);
    svg(out, "<g><title>%e %e</title><circle cx=\"%g\" cy=\"%g\" r=\"7\" fill=\"#ffffff\" stroke=\"%s\" stroke-width=\"2\"/>"
             "<circle cx=\"%g\" cy=\"%g\" r=\"2.5\" fill=\"%s\"/></g>\n",
        _("Target"), buf_str(&t), x, y, INK(INK_TARGET), x, y, INK(INK_TARGET));
    side[nside++] = (Side){y - 3, x, y, _("Target"), t, INK(INK_TARGET)};
  }

  /* the points, over the lines */
  double r = np > 150 ? 2.5 : np > 60 ? 3 : 4;
  double last_word = -1e9;
  for (int i = 0; i < np; i++) {
    const ChartPoint *p = &c->points[i];
    if (!isfinite(p->x)) continue;
    double x = sc(&xs, p->x);
    Buf t = {0};
    if (p->period) {
      buf_puts(&t, p->period);
      buf_puts(&t, ": ");
    }
    if (!pt_value(p)) {
      buf_puts(&t, _(PRESENT_WITHHELD));
      /* a gap marked at the foot of the plot: an x, never a value */
      svg(out, "<g class=\"withheld\"><title>%e</title><path d=\"M%g %gl7 7m0-7l-7 7\" stroke=\"%s\" stroke-width=\"2\"/>",
          buf_str(&t), x - 3.5, B - 14, INK(INK_MUTED));
      if (x - last_word >= 18 && np <= 200) {
        svg(out, "<text transform=\"translate(%g %g) rotate(-90)\" font-size=\"12\" " HALO " fill=\"%s\">%e</text>", x + 4,
            B - 19, INK(INK_MUTED), _(PRESENT_WITHHELD));
        last_word = x;
      }
      buf_puts(out, "</g>\n");
      buf_free(&t);
      continue;
    }
    num_unit(&t, p->value, unit);
    if (p->flags & PRESENT_SHOWN_FLAGS || p->unstable) {
      unsigned f = p->flags | (p->unstable ? OBS_UNSTABLE : 0);
      buf_puts(&t, " (");
      /* the flag words (present_flags's), through the catalog */
      bool first = true;
      for (int k = 0; k < OBS_FLAG_COUNT; k++)
        if (f & PRESENT_SHOWN_FLAGS & (1u << k)) {
          buf_printf(&t, "%s%s", first ? "" : ", ", _(obs_flag_names[k]));
          first = false;
        }
      buf_puts(&t, ")");
    }
    bool old = has_break && p->x < break_x;
    double y = yclamp(sc(&ys, p->value), T, B);
    svg(out, "<g><title>%e</title>", buf_str(&t));
    point_mark(out, x, y, p, old ? INK(INK_SERIES_OLD) : INK(INK_SERIES), old ? r - 0.5 : r);
    buf_puts(out, "</g>\n");
    buf_free(&t);
  }

  /* the latest value, written by its point */
  if (last >= 0) {
    const ChartPoint *p = &c->points[last];
    double x = sc(&xs, p->x), y = yclamp(sc(&ys, p->value), T, B);
    Buf t = {0};
    /* a long unit is written over the y axis already */
    num_unit(&t, p->value, unit && cols(unit) <= 12 ? unit : NULL);
    double tw = text_w(buf_str(&t), FS) * 1.1;
    /* right of the point when nothing else is written there, else above */
    bool free_right = !projection && x + 8 + tw < W - 4;
    for (int i = 0; i < nside && free_right; i++)
      if (fabs(side[i].y + 8 - y) < 30 && side[i].ax > x) free_right = false;
    if (free_right)
      svg(out, "<text x=\"%g\" y=\"%g\" font-weight=\"600\" " HALO " fill=\"%s\">%e</text>\n", x + 8 + r, y + 4.5,
          INK(INK_SERIES), buf_str(&t));
    else
      svg(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\" font-weight=\"600\" " HALO " fill=\"%s\">%e</text>\n",
          clampd(x, L + tw / 2, W - 4 - tw / 2), y - 12 < T + 2 ? y + 22 : y - 12, INK(INK_SERIES), buf_str(&t));
    buf_free(&t);
  }

  /* labels of the target and projection beside their marks (a word over
   * the value), kept apart */
  if (nside == 2 && fabs(side[0].y - side[1].y) < 34) {
    int up = side[0].ay < side[1].ay || (side[0].ay == side[1].ay && side[0].ay > (T + B) / 2) ? 0 : 1;
    double mid = (side[0].y + side[1].y) / 2;
    side[up].y = mid - 17;
    side[1 - up].y = mid + 17;
  }
  for (int i = 0; i < nside; i++) {
    Side *s = &side[i];
    double room = W - 4 - (s->ax + 12);
    double y = clampd(s->y, 44, h - 22);
    double need = fmax(text_w(s->head, FS), text_w(buf_str(&s->text), FS));
    char attrs[200];
    bool right = room >= 110 || room >= need;
    snprintf(attrs, sizeof attrs, "%sfont-weight=\"600\" " HALO " fill=\"%s\"", right ? "" : "text-anchor=\"end\" ", s->ink);
    double x = right ? s->ax + 12 : s->ax - 12, w = right ? room : s->ax - 12 - L;
    text_fit(out, x, y, attrs, s->head, FS, w);
    text_fit(out, x, y + 16, attrs, buf_str(&s->text), FS, w);
    buf_free(&s->text);
  }

  if (np == 0 || nvalues == 0) {
    const char *w = np == 0 ? _("No values yet") : _("Every value is suppressed");
    svg(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\" fill=\"%s\">%e</text>\n", (L + R) / 2, (T + B) / 2,
        INK(INK_MUTED), w);
  }
  if (c->stale && *c->stale)
    text_wrapped(out, 8, stale_y + 12, "fill=\"#57606a\"", c->stale, FS, W - 16, 2);
  buf_puts(out, "</svg>\n");

  /* the legend: what the chart draws */
  buf_puts(out, "<figcaption>");
  if (nvalues) key(out, KEY_LINE, any_old && any_new ? _("values since the break") : _("values"));
  if (any_old && any_new) key(out, KEY_OLD, _("values before the break"));
  if (any_prov) key(out, KEY_PROVISIONAL, _("provisional"));
  if (any_est) key(out, KEY_ESTIMATED, _("estimated"));
  if (any_unst) key(out, KEY_UNSTABLE, _("unstable"));
  if (nwithheld) key(out, KEY_SUPPRESSED, _(PRESENT_WITHHELD));
  if (has_break) key(out, KEY_BREAK, _("series break"));
  if (baseline) key(out, KEY_BASELINE, _("baseline"));
  if (nmil) key(out, KEY_MILESTONE, P_("milestone", "milestones", (unsigned long)nmil));
  if (target) key(out, KEY_TARGET, _("target"));
  if (baseline && target) key(out, KEY_TRAJECTORY, _("trajectory to the target"));
  if (projection) key(out, KEY_PROJECTION, _("projection"));
  buf_puts(out, "</figcaption>\n</figure>\n");
  buf_free(&gen);
}

/* ---- the equity chart ---- */

void chart_equity(Buf *out, const EquityChart *c) {
  const char *unit = c->unit && *c->unit ? c->unit : NULL;
  bool pct = unit && strcmp(unit, "%") == 0;
  int nb = c->nbars > 0 && c->bars ? c->nbars : 0;
  int nmiss = c->nmissing > 0 && c->missing ? c->nmissing : 0;
  double lo = c->lo, hi = c->hi;
  usable_bounds(&lo, &hi);
  double vmin = INFINITY, vmax = -INFINITY;
  bool any_unst = false, any_ref = false, any_bar = false;
  for (int i = 0; i < nb; i++) {
    const EquityBar *e = &c->bars[i];
    if (e->withheld || !isfinite(e->value)) {

      continue;
    }
    double v = clampd(e->value, lo, hi);
    vmin = fmin(vmin, v);
    vmax = fmax(vmax, v);
    any_bar = true;
    any_unst |= e->unstable;
    any_ref |= e->reference;
  }
  bool whole = c->has_whole && isfinite(c->whole);
  if (whole) {
    double v = clampd(c->whole, lo, hi);
    vmin = fmin(vmin, v);
    vmax = fmax(vmax, v);
  }
  Scale xs;
  value_scale(&xs, vmin, vmax, lo, hi, true, 0.04);
  const double NX = 250, X0 = 260, X1 = W - 180, T = whole ? 76 : 56, RH = 30;
  xs.r0 = X0;
  xs.r1 = X1;
  double base = clampd(0, xs.d0, xs.d1);

  double rows_h = (nb > 0 ? nb : 1) * RH;
  double B = T + rows_h;
  /* the lines under the chart */
  double h = B + 40;
  int measure_lines = c->measure && *c->measure ? 2 : 0;
  int miss_lines = nmiss ? 2 : 0;
  h += (measure_lines + miss_lines) * FS * 1.35 + 8;

  Buf pid = {0};
  put_id(&pid, c->id);
  figure_open(out, "equity", c->id);
  svg_open(out, c->id, h, c->title, c->desc);
  heading(out, c->title, NULL, PRESENT_NONE, false);
  if (any_unst) {
    svg(out, "<defs><pattern id=\"%s-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
             "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
             "<path d=\"M0 0V6\" stroke=\"%s\" stroke-width=\"3\"/></pattern></defs>\n",
        buf_str(&pid), INK(INK_SERIES));
  }

  /* grid and axis */
  double tv[13];
  int nt = ticks(&xs, tv);
  double last_tx = -1e9;
  for (int i = 0; i < nt; i++) {
    double x = sc(&xs, tv[i]);
    svg(out, "<path d=\"M%g %gV%g\" stroke=\"%s\" stroke-opacity=\".25\"/>", x, T - 4, B, INK(INK_AXIS));
    Buf t = {0};
    tick_text(&t, tv[i], xs.step, pct);
    double w = text_w(buf_str(&t), FS_SMALL);
    if (x - w / 2 > last_tx + 6) {
      svg(out, "<path d=\"M%g %gv5\" stroke=\"%s\"/><text x=\"%g\" y=\"%g\" text-anchor=\"middle\" font-size=\"12\" fill=\"%s\">%e</text>\n",
          x, B, INK(INK_AXIS), x, B + 19, INK(INK_MUTED), buf_str(&t));
      last_tx = x + w / 2;
    }
    buf_free(&t);
  }
  if (unit && !pct) text_fit(out, X1 + 8, B + 19, "font-size=\"12\" fill=\"#57606a\"", unit, FS_SMALL, W - X1 - 12);
  svg(out, "<path d=\"M%g %gV%gH%g\" fill=\"none\" stroke=\"%s\"/>\n", sc(&xs, base), T - 4, B, X1, INK(INK_AXIS));

  /* the bars */
  for (int i = 0; i < nb; i++) {
    const EquityBar *e = &c->bars[i];
    double y = T + i * RH, cy = y + RH / 2;
    bool has = !e->withheld && isfinite(e->value);
    Buf t = {0}, words = {0};
    if (has) num_unit(&t, e->value, unit);
    else buf_puts(&t, _(PRESENT_WITHHELD));
    const char *w[4];
    int nw = 0;
    if (e->reference) w[nw++] = _("reference");
    if (has && e->unstable) w[nw++] = _("unstable");
    if (e->worst) w[nw++] = _("furthest behind");
    if (e->best) w[nw++] = _("furthest ahead");
    if (nw) {
      buf_puts(&words, "(");
      for (int k = 0; k < nw; k++) buf_printf(&words, "%s%s", k ? ", " : "", w[k]);
      buf_puts(&words, ")");
    }
    svg(out, "<g><title>%e: %e%s%e</title>\n", e->group ? e->group : "", buf_str(&t), nw ? " " : "", buf_str(&words));
    char attrs[96];
    snprintf(attrs, sizeof attrs, "text-anchor=\"end\"%s%s", e->reference ? " font-weight=\"600\"" : "",
             e->group_in_lang ? "" : " lang=\"en\"");
    text_fit(out, NX, cy + 4.5, attrs, e->group ? e->group : "", FS, NX - 8);
    double end = base;
    if (has) {
      double v = clampd(e->value, xs.d0, xs.d1);
      double x0 = sc(&xs, fmin(base, v)), x1 = sc(&xs, fmax(base, v));
      end = v;
      if (x1 - x0 < 1) x1 = x0 + 1;
      if (e->unstable)
        svg(out, "<rect class=\"bar\" x=\"%g\" y=\"%g\" width=\"%g\" height=\"18\" fill=\"url(#%s-hatch)\" stroke=\"%s\" stroke-width=\"1.5\"/>\n",
            x0, cy - 9, x1 - x0, buf_str(&pid), INK(INK_SERIES));
      else
        svg(out, "<rect class=\"bar\" x=\"%g\" y=\"%g\" width=\"%g\" height=\"18\" fill=\"%s\"/>\n", x0, cy - 9, x1 - x0,
            e->reference ? INK(INK_TEXT) : INK(INK_SERIES));
    }
    /* the value (or "suppressed") and the words at the bar's end */
    bool neg = has && end < base;
    double lx = has ? sc(&xs, end) + (neg ? -6 : 6) : sc(&xs, base) + 6;
    Buf lab = {0};
    buf_puts(&lab, buf_str(&t));
    if (nw) {
      buf_puts(&lab, " ");
      buf_puts(&lab, buf_str(&words));
    }
    if (neg && text_w(buf_str(&lab), FS) > lx - NX - 8) { /* no room on the left: right of the base */
      neg = false;
      lx = sc(&xs, base) + 6;
    }
    if (neg) {
      /* left of a negative bar; the room is what the names leave */
      char a[160];
      snprintf(a, sizeof a, "text-anchor=\"end\" font-weight=\"600\" " HALO);
      text_fit(out, lx, cy + 4.5, a, buf_str(&lab), FS, fmax(40, lx - NX - 8));
    } else {
      text_fit(out, lx, cy + 4.5, has ? "font-weight=\"600\" " HALO : "font-style=\"italic\" fill=\"#57606a\" " HALO, buf_str(&lab),
               FS, W - 4 - lx);
    }
    buf_puts(out, "</g>\n");
    buf_free(&lab);
    buf_free(&t);
    buf_free(&words);
  }
  if (nb == 0)
    svg(out, "<text x=\"%g\" y=\"%g\" fill=\"%s\">%e</text>\n", X0 + 6, T + RH / 2 + 4.5, INK(INK_MUTED), _("No groups to show"));

  /* the whole population */
  if (whole) {
    double x = sc(&xs, clampd(c->whole, xs.d0, xs.d1));
    svg(out, "<path d=\"M%g %gV%g\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>\n", x, T - 12, B + 2,
        INK(INK_TEXT));
    Buf t = {0};
    buf_puts(&t, _("Whole population"));
    buf_puts(&t, " ");
    num_unit(&t, c->whole, unit);
    double w = text_w(buf_str(&t), FS_SMALL);
    double tx = clampd(x, w / 2 + 4, W - w / 2 - 4);
    svg(out, "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\" font-size=\"12\">%e</text>\n", tx, T - 16, buf_str(&t));
    buf_free(&t);
  }

  double y = B + 44;
  if (measure_lines) y = text_wrapped(out, 8, y, "", c->measure, FS, W - 16, 2);
  if (nmiss) {
    Buf t = {0};
    buf_puts(&t, _("No data:"));
    for (int i = 0; i < nmiss; i++) buf_printf(&t, "%s%s", i ? ", " : " ", c->missing[i] ? c->missing[i] : "");
    text_wrapped(out, 8, y, "fill=\"#57606a\"", buf_str(&t), FS, W - 16, 2);
    buf_free(&t);
  }
  buf_puts(out, "</svg>\n<figcaption>");
  if (any_bar) {
    bool plain = false;
    for (int i = 0; i < nb; i++)
      plain |= !c->bars[i].withheld && isfinite(c->bars[i].value) && !c->bars[i].unstable && !c->bars[i].reference;
    if (plain) key(out, KEY_BAR, _("group's value"));
  }
  if (any_ref) {
    bool ref_plain = false;
    for (int i = 0; i < nb; i++) ref_plain |= c->bars[i].reference && !c->bars[i].unstable && !c->bars[i].withheld;
    if (ref_plain) key(out, KEY_BAR_REF, _("reference group"));
  }
  if (any_unst) key(out, KEY_BAR_UNSTABLE, _("unstable"));
  if (whole) key(out, KEY_WHOLE, _("whole population"));
  buf_puts(out, "</figcaption>\n</figure>\n");
  buf_free(&pid);
}
