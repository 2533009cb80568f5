/* Charts of the report as inline SVG (docs/report.md, "Charts"): the
 * turn-the-curve chart of one indicator and the equity chart of one
 * equity line. Pure: the caller gathers the data (runtime/report.c), a
 * chart only draws it. Every chart is accessible on its own: role="img",
 * a <title> and a <desc> made from the data, status and flags told by
 * shape, dash and words as well as colour (readable in greyscale), text
 * at a contrast of 4.5:1 and chart parts at 3:1 on white. Words charter
 * writes go through _() (runtime/i18n.h). */
#ifndef CHARTER_CHART_H
#define CHARTER_CHART_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* One observation of the whole population, in time order. */
typedef struct ChartPoint {
  double x;           /* position on the time axis, in days from 1970-01-01
                       * (period_trend_day: a span's midpoint) */
  const char *period; /* as written, for labels */
  double value;       /* NAN when withheld */
  unsigned flags;     /* ObsFlag mask (store.h): provisional, estimated,
                       * unstable, break */
  bool withheld;      /* suppressed at its source or by the disclosure
                       * policy: drawn as a gap marked "suppressed" on the
                       * axis, never as 0 */
  bool unstable;      /* the disclosure policy marks it unstable */
} ChartPoint;

/* A value at a time: baseline, milestone, target, projection. */
typedef struct ChartMark {
  double x;           /* days, as ChartPoint.x */
  double value;
  const char *period; /* as written */
} ChartMark;

/* The turn-the-curve chart of one indicator: its history, the baseline,
 * the milestones, the target, the straight trajectory from baseline to
 * target, and the projection (a dotted line from the latest value to the
 * projected value at the target's period, marked "clamped" when brought
 * into the bounds). A series break is a vertical dashed rule labelled
 * "series break"; values before it are drawn lighter and are not joined
 * to those after. */
typedef struct TurnCurve {
  const char *id;          /* unique in the page: prefixes the SVG's ids */
  const char *title;       /* the indicator's title (the <title>) */
  const char *desc;        /* the sentence(s) above the chart (the <desc>) */
  const char *unit;        /* NULL or "" for none; "%" follows the number */
  double lo, hi;           /* the indicator's bounds (-INFINITY/INFINITY: open);
                            * the y axis stays inside them */
  int dir;                 /* +1 up is better, -1 down, 0 no direction */
  const ChartPoint *points;
  int npoints;
  bool has_baseline;
  ChartMark baseline;
  const ChartMark *milestones;
  int nmilestones;
  bool has_target;
  ChartMark target;
  bool has_projection;
  ChartMark projection;    /* from the latest point to this */
  bool projection_clamped;
  bool has_break;
  double break_x;          /* days: where the series breaks (the first value after) */
  const char *stale;       /* NULL, or a sentence saying the data are stale
                            * (drawn under the plot) */
  const char *status;      /* the status in words ("on track"), written in
                            * the chart's corner beside its shape */
  int level;               /* a PresentLevel (present.h) for the status shape */
} TurnCurve;

/* Appends the chart: <figure> with the <svg> (viewBox, width 100%, max
 * width 720 px; it scales with the page and never overflows it) and a
 * <figcaption> with the legend of what the chart draws. */
void chart_turn_curve(Buf *out, const TurnCurve *c);

/* One bar of an equity chart: a group's latest value in the snapshot. */
typedef struct EquityBar {
  const char *group;  /* the group's name (already in the page's language) */
  bool group_in_lang; /* false: the name is English in a page of another
                       * language (the chart marks it lang="en") */
  double value;       /* NAN when withheld */
  bool withheld;      /* by its source or the disclosure policy:
                       * "suppressed", never a bar of 0 */
  bool unstable;      /* marked unstable: hatched, and the word */
  bool reference;     /* the line's reference group */
  bool worst, best;   /* the groups the gap or ratio is measured between */
} EquityBar;

/* The equity chart of one equity line at its snapshot: a horizontal bar
 * per group in the dimension's order, the whole population as a rule
 * across them when shown, and the gap or ratio against its limit in words
 * under the chart. Groups with no data are named under it. */
typedef struct EquityChart {
  const char *id;          /* unique in the page */
  const char *title;       /* "Kindergarten readiness by race and ethnicity" */
  const char *desc;        /* the sentence(s) for the <desc> */
  const char *unit;
  double lo, hi;           /* the indicator's bounds */
  const EquityBar *bars;
  int nbars;
  bool has_whole;
  double whole;            /* the whole population's value at the snapshot */
  const char *measure;     /* the gap or ratio against its limit, in words
                            * ("gap 12.1 points; the target is 10 or less") */
  const char *const *missing; /* groups with no data at the snapshot (in the page's language) */
  int nmissing;
} EquityChart;

void chart_equity(Buf *out, const EquityChart *c);

/* The chart's colours (tests/unit/test_chart.c holds their contrast on
 * white: 4.5:1 for text, 3:1 for lines and marks). */
typedef struct ChartInk {
  const char *name, *rgb; /* "#RRGGBB" */
  bool text;              /* used for text */
} ChartInk;
extern const ChartInk chart_inks[];
extern const int chart_ninks;

#endif
