/* Evaluation by the definitions of docs/measurement.md ("What eval
 * computes"). Stored indicators are read through the primary key's index
 * (whole-population series, and each group's latest value for the equity
 * snapshots), so eval reads only the rows it needs; formula indicators are
 * computed point by point from the full tables of the indicators they
 * name. */
#define _POSIX_C_SOURCE 200809L
#include "eval.h"
#include "model.h"
#include "present.h"
#include "rollup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One observation. */
typedef struct Obs {
  const char *dim, *grp; /* "" for the whole population */
  const char *period;    /* as written */
  int32_t t;             /* its last day */
  int32_t tt;            /* where it stands on a trend's axis: a span's midpoint, else t */
  double v;              /* NAN when suppressed */
  double num, den;       /* its counts, NAN when absent */
  unsigned flags;        /* ObsFlag mask */
} Obs;

/* Where a period stands on a trend's time axis, t being its last day. Only
 * a span (2013/2017 in CSV, 2013 to 2017 in source) stands elsewhere, so
 * the text is parsed only when it could be one: a row costs one strpbrk. */
static int32_t trend_day(const char *period, int32_t t) {
  if (!strpbrk(period, "/ ")) return t;
  Period p;
  char why[PERIOD_WHY_MAX];
  if (!period_parse(period, strlen(period), &p, why) || p.kind != PER_SPAN) return t;
  return period_trend_day(p);
}

/* The value an observation gives where groups are compared or a formula
 * reads it: the rate recomputed from its counts when both are present (the
 * published value may be rounded), else its value; NAN when suppressed. */
static double obs_rate(const Obs *o, double scale) {
  if (o->flags & OBS_SUPPRESSED) return NAN;
  if (isfinite(o->num) && isfinite(o->den) && o->den > 0) return o->num / o->den * scale;
  return o->v;
}

static double scale_of(const Decl *d) {
  double s = indicator_view(d)->scale;
  return s > 0 ? s : 1;
}

/* Every observation of an indicator up to the as-of day, sorted by
 * (dimension, group, t): for formulas and the indicators they name. */
typedef struct Table {
  Obs *o;
  size_t n;
  bool done;
} Table;

typedef struct Ctx {
  const Program *p;
  Store *store;                /* read in one read transaction */
  Arena *arena;
  char as_of[11];              /* YYYY-MM-DD */
  Table *tables;               /* by Decl.index */
  StoreRc rc;                  /* the first failure */
  const DisclosurePolicy *policy; /* the disclosure policy applied (present false: none) */
  bool history;                /* keep each indicator's history */
  bool *member_seen;           /* by place in `coalitions`: a row of a rolled-up indicator read */
  bool rolled;                 /* a roll-up was computed (from rows or none) */
  EvalResult *r;               /* the result, for its notes */
} Ctx;

static const char *const status_names[EV_STATUS_COUNT] = {"no_target", "no_data",   "met",         "missed",
                                                          "on_track",  "off_track", "at_baseline", "not_met"};

const char *eval_status_name(EvalStatus s) { return (unsigned)s < EV_STATUS_COUNT ? status_names[s] : "?"; }

int eval_status_from_name(const char *name, size_t n) {
  for (int i = 0; i < EV_STATUS_COUNT; i++)
    if (strlen(status_names[i]) == n && memcmp(status_names[i], name, n) == 0) return i;
  return -1;
}

const char *eval_trend_name(Trend t) {
  static const char *const names[] = {NULL, "improving", "worsening", "flat"};
  return names[t];
}

const char *eval_change_name(EqChange ch) {
  static const char *const names[] = {NULL, "narrowed", "widened", "unchanged"};
  return names[ch];
}

int32_t eval_today(void) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  return period_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static void fail(Ctx *c, StoreRc rc) {
  if (c->rc == STORE_OK) c->rc = rc;
}

static bool is_formula(const Decl *d) { return indicator_view(d)->formula != NULL; }
/* Computed rather than read from its own rows: a formula or a roll-up. */
static bool is_computed(const Decl *d) { return is_formula(d) || indicator_view(d)->rolls_up != NULL; }

static const Table *table_of(Ctx *c, const Decl *d);

/* ---- formulas ---- */

/* The distinct indicators a formula names, in order of first use. */
static void operands(const Program *p, const Expr *e, const Decl **ops, int *n, int max) {
  if (!e) return;
  if (e->kind == E_NAME) {
    const Decl *d = strmap_get(&p->ids, e->text);
    if (!d || d->kind != D_INDICATOR) return;
    for (int i = 0; i < *n; i++)
      if (ops[i] == d) return;
    if (*n < max) ops[(*n)++] = d;
    return;
  }
  operands(p, e->a, ops, n, max);
  operands(p, e->b, ops, n, max);
  for (int i = 0; i < e->nitems; i++) operands(p, e->items[i], ops, n, max);
}

/* The formula at one point; false on a division by zero. */
static bool formula_value(const Expr *e, const Decl *const *ops, const double *vals, int n, double *out) {
  double a, b;
  switch (e->kind) {
  case E_NUMBER: *out = e->num; return true;
  case E_PAREN: return formula_value(e->a, ops, vals, n, out);
  case E_NAME:
    for (int i = 0; i < n; i++)
      if (strcmp(ops[i]->id, e->text) == 0) {
        *out = vals[i];
        return true;
      }
    return false;
  case E_UNARY:
    if (!formula_value(e->a, ops, vals, n, &a)) return false;
    *out = -a;
    return true;
  case E_BINARY:
    if (!formula_value(e->a, ops, vals, n, &a) || !formula_value(e->b, ops, vals, n, &b)) return false;
    switch (e->op) {
    case OP_ADD: *out = a + b; break;
    case OP_SUB: *out = a - b; break;
    case OP_MUL: *out = a * b; break;
    case OP_DIV:
      if (b == 0) return false;
      *out = a / b;
      break;
    default: return false;
    }
    return isfinite(*out);
  default: return false;
  }
}

static int obs_cmp(const char *dim, const char *grp, int32_t t, const Obs *o) {
  int k = strcmp(dim, o->dim);
  if (!k) k = strcmp(grp, o->grp);
  if (!k) k = t < o->t ? -1 : t > o->t;
  return k;
}

/* The observation of table at (dim, grp, t), or NULL. */
static const Obs *table_find(const Table *tb, const char *dim, const char *grp, int32_t t) {
  size_t lo = 0, hi = tb->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int k = obs_cmp(dim, grp, t, &tb->o[mid]);
    if (!k) return &tb->o[mid];
    if (k < 0) hi = mid;
    else lo = mid + 1;
  }
  return NULL;
}

static int count_names(const Expr *e) {
  if (!e) return 0;
  int n = e->kind == E_NAME;
  n += count_names(e->a) + count_names(e->b);
  for (int i = 0; i < e->nitems; i++) n += count_names(e->items[i]);
  return n;
}

static void compute_formula(Ctx *c, const Decl *d, Table *out) {
  const Expr *e = indicator_view(d)->formula;
  int max = count_names(e), n = 0;
  if (max == 0) return;
  const Decl **ops = xmalloc((size_t)max * sizeof *ops);
  const Table **tabs = xmalloc((size_t)max * sizeof *tabs);
  double *vals = xmalloc((size_t)max * sizeof *vals);
  double *scales = xmalloc((size_t)max * sizeof *scales);
  operands(c->p, e, ops, &n, max);
  for (int i = 0; i < n; i++) tabs[i] = table_of(c, ops[i]), scales[i] = scale_of(ops[i]);
  size_t cap = n ? tabs[0]->n : 0;
  out->o = cap ? arena_alloc(c->arena, cap * sizeof *out->o) : NULL;
  for (size_t k = 0; k < cap; k++) {
    const Obs *o = &tabs[0]->o[k];
    bool ok = true;
    /* an operand's value is its rate from counts when it has them; a point
     * takes its operands' flags, and is withheld when one of them is */
    unsigned flags = o->flags;
    vals[0] = obs_rate(o, scales[0]);
    for (int i = 1; i < n && ok; i++) {
      const Obs *q = table_find(tabs[i], o->dim, o->grp, o->t);
      if (q) vals[i] = obs_rate(q, scales[i]), flags |= q->flags;
      else ok = false;
    }
    if (!ok) continue;
    double v;
    if (flags & OBS_SUPPRESSED) v = NAN;
    else if (!formula_value(e, ops, vals, n, &v)) continue;
    out->o[out->n++] = (Obs){o->dim, o->grp, o->period, o->t, o->tt, v, NAN, NAN, flags};
  }
  free(ops);
  free(tabs);
  free(vals);
  free(scales);
}

/* A table being read: the store's series callback appends to it. */
typedef struct TableFill {
  Ctx *c;               /* the evaluation */
  Table *tb;            /* the table */
  size_t cap;           /* observations allocated */
  const char *dim, *grp; /* the last dimension and group, copied once each */
} TableFill;

static void table_add(void *ctx, const StoreObs *so) {
  TableFill *f = ctx;
  Table *tb = f->tb;
  int32_t t = so->day; /* the store checked it */
  if (tb->n == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 64;
    Obs *o = arena_alloc(f->c->arena, f->cap * sizeof *o);
    if (tb->n) memcpy(o, tb->o, tb->n * sizeof *o);
    tb->o = o;
  }
  if (strcmp(so->dimension, f->dim) != 0) {
    f->dim = arena_strdup(f->c->arena, so->dimension);
    f->grp = arena_strdup(f->c->arena, so->group);
  } else if (strcmp(so->group, f->grp) != 0)
    f->grp = arena_strdup(f->c->arena, so->group);
  tb->o[tb->n++] = (Obs){f->dim, f->grp, arena_strdup(f->c->arena, so->period), t, trend_day(so->period, t), so->value,
                         so->numerator, so->denominator, so->flags};
}

/* ---- network roll-ups (docs/measurement.md, "Networks") ---- */

/* An Obs flag of eval's own, never stored nor written out: a roll-up from
 * which a reader could work out a member's small count (member_small). */
#define OBS_MEMBER_SMALL (1u << 16)

/* A member's counts at a key as the disclosure policy sees them: its
 * numerator, or for a count of people (disc_cell's rule) its value. */
static double policy_numerator(const Decl *d, double v, double num, double den);

/* Whether the policy would withhold a member's cell on its own counts
 * (the policy's own primary rule); *num, *den: those counts. */
static bool member_is_small(const Decl *d, const DisclosurePolicy *pol, const RollupObs *m, double *num, double *den) {
  *num = policy_numerator(d, m->value, m->numerator, m->denominator), *den = m->denominator;
  DisclosureCell cell = {.value = m->value, .numerator = *num, .denominator = *den};
  disclose_table(pol, &cell, NULL, 0);
  return cell.state == DISC_WITHHELD_SMALL;
}

/* Whether the network's cell would let a reader work out a member's small
 * count. The members the policy would withhold on their own (0 < count <
 * suppress_below, the network's policy standing for theirs) hide counts;
 * every other member's value may be public, so the network's total minus
 * them gives the hidden sum away: small, it is one member's or a few
 * members' small count (8 of X beside 30 of Y: 38 - 30 = 8). And a hidden
 * member knows its own count: the hidden sum minus it gives the others'
 * away (6 and 7 hidden: 13 - 6 = 7). So the cell is withheld when the
 * hidden sum, or the hidden sum less any one hidden member's, is above 0
 * and below the threshold, for the events or for the population alike.
 * Hidden counts of 8, 9 and 7 (24; less one member's, 15 to 17) reveal
 * none. */
static bool reveals_member(const Decl *d, const DisclosurePolicy *pol, const RollupObs *in, int n) {
  if (!pol || !pol->present || pol->suppress_below <= 0) return false;
  double below = pol->suppress_below, hn = 0, hd = 0;
  bool any = false;
  for (int i = 0; i < n; i++) {
    double num, den;
    if (!member_is_small(d, pol, &in[i], &num, &den)) continue;
    any = true;
    if (!isnan(num)) hn += num;
    if (!isnan(den)) hd += den;
  }
  if (!any) return false;
  if ((hn > 0 && hn < below) || (hd > 0 && hd < below)) return true;
  for (int i = 0; i < n; i++) {
    double num, den;
    if (!member_is_small(d, pol, &in[i], &num, &den)) continue;
    double rn = hn - (isnan(num) ? 0 : num), rd = hd - (isnan(den) ? 0 : den);
    if ((rn > 0 && rn < below) || (rd > 0 && rd < below)) return true;
  }
  return false;
}

/* The series of indicator id of one member coalition. */
static StoreRc member_series(Ctx *c, const char *coalition, const char *id, StoreEach each, void *ctx) {
  return c->store->m->series(c->store, coalition, id, false, c->as_of, each, ctx);
}

static int period_kind(const char *text) {
  Period p;
  char why[PERIOD_WHY_MAX];
  return period_parse(text, strlen(text), &p, why) ? p.kind : -1;
}

/* A rolls_up indicator's table: its target's series read for each member
 * coalition, combined at each (dimension, group, period end) that every
 * member has (rollup_combine); the combined counts go through the
 * evaluation as the network's own, so the disclosure policy applies to
 * the sums. A key some member lacks, or where the periods' kinds differ
 * or a rate comes without counts, is not rolled up. */
/* A member's observation at a key as rollup_combine takes it (q NULL: none). */
static RollupObs rollup_in(const Obs *q) {
  return q ? (RollupObs){true, period_kind(q->period), q->v, q->num, q->den, q->flags} : (RollupObs){0};
}

/* Adds a note to the result. */
/* Appends s to the list *list of *n texts in arena a (a few per
 * evaluation: grown one at a time). */
static void push_text(Arena *a, const char ***list, int *n, const char *s) {
  const char **grown = arena_alloc(a, ((size_t)*n + 1) * sizeof *grown);
  if (*n) memcpy(grown, *list, (size_t)*n * sizeof *grown);
  grown[(*n)++] = s;
  *list = grown;
}

static void add_note(Ctx *c, const char *text) {
  push_text(&c->r->arena, &c->r->notes, &c->r->nnotes, arena_strdup(&c->r->arena, text));
}

/* When a member has a whole-population value later than the network's
 * latest roll-up, says why that period was not rolled up: the network's
 * latest value is then older than some members', and a reader must know. */
static void note_unrolled(Ctx *c, const Decl *d, const Table *mt, int n, const Table *out) {
  const Obs *last = NULL;
  for (int i = 0; i < n; i++)
    for (size_t k = 0; k < mt[i].n; k++)
      if (!*mt[i].o[k].dim && (!last || mt[i].o[k].t > last->t)) last = &mt[i].o[k];
  int32_t done = INT32_MIN;
  for (size_t k = 0; k < out->n; k++)
    if (!*out->o[k].dim && out->o[k].t > done) done = out->o[k].t;
  if (!last || last->t <= done) return;
  const AttrVals *members = program_members(c->p);
  RollupObs *in = xmalloc((size_t)n * sizeof *in);
  for (int i = 0; i < n; i++) {
    const Obs *q = table_find(&mt[i], "", "", last->t);
    in[i] = rollup_in(q);
  }
  RollupObs r;
  int who = -1;
  RollupRc rc = rollup_combine(in, n, indicator_view(d)->has_scale, scale_of(d), &r, &who);
  free(in);
  const char *why = rollup_reason(rc);
  if (!why) return;
  Buf b = {0};
  buf_printf(&b, "%s: %s is not rolled up: %s", d->id, last->period, why);
  if (who >= 0 && who < members->n) buf_printf(&b, " ('%s')", members->vals[who].str);
  buf_puts(&b, done == INT32_MIN ? "; no period is rolled up yet" : "; the network's latest value is older");
  add_note(c, buf_str(&b));
  buf_free(&b);
}

static void compute_rollup(Ctx *c, const Decl *d, Table *out) {
  const AttrVals *members = program_members(c->p);
  const Decl *target = indicator_view(d)->rolls_up;
  int n = members->n;
  if (n == 0) return;
  Table *mt = xcalloc((size_t)n, sizeof *mt);
  RollupObs *in = xmalloc((size_t)n * sizeof *in);
  for (int i = 0; i < n; i++) {
    TableFill f = {c, &mt[i], 0, "", ""};
    fail(c, member_series(c, members->vals[i].str, target->id, table_add, &f));
    if (mt[i].n && c->member_seen) c->member_seen[i] = true;
  }
  c->rolled = true;
  const IndicatorView *v = indicator_view(d);
  out->o = mt[0].n ? arena_alloc(c->arena, mt[0].n * sizeof *out->o) : NULL;
  for (size_t k = 0; k < mt[0].n; k++) {
    const Obs *o = &mt[0].o[k];
    for (int i = 0; i < n; i++) {
      const Obs *q = i ? table_find(&mt[i], o->dim, o->grp, o->t) : o;
      in[i] = rollup_in(q);
    }
    RollupObs r;
    int who;
    RollupRc rc = rollup_combine(in, n, v->has_scale, scale_of(d), &r, &who);
    if (rc != ROLLUP_OK && rc != ROLLUP_WITHHELD) continue;
    unsigned flags = r.flags | (reveals_member(target, c->policy, in, n) ? OBS_MEMBER_SMALL : 0);
    out->o[out->n++] = (Obs){o->dim, o->grp, o->period, o->t, o->tt, r.value, r.numerator, r.denominator, flags};
  }
  note_unrolled(c, d, mt, n, out);
  free(in);
  free(mt);
}

/* Every observation of d up to the as-of day, read or computed once. */
static const Table *table_of(Ctx *c, const Decl *d) {
  Table *tb = &c->tables[d->index];
  if (tb->done) return tb;
  tb->done = true;
  if (is_formula(d)) {
    compute_formula(c, d, tb);
    return tb;
  }
  if (indicator_view(d)->rolls_up) {
    compute_rollup(c, d, tb);
    return tb;
  }
  TableFill f = {c, tb, 0, "", ""};
  fail(c, c->store->m->series(c->store, NULL, d->id, false, c->as_of, table_add, &f));
  return tb;
}

/* ---- reading what a definition needs ---- */

/* Whole-population observations being read (a series callback). Periods
 * are kept only where eval shows them: the latest value's, the latest
 * suppressed report's and the last break's. */
typedef struct WholeFill {
  Arena *keep;           /* every period is kept here (a history), or NULL */
  Obs *o;                /* the observations (malloc'd) */
  int n, cap;            /* used, allocated */
  char value_period[64]; /* the latest row with a value */
  char supp_period[64];  /* the latest suppressed row */
  char break_period[64]; /* the latest row flagged break */
} WholeFill;

/* a copy per row: memcpy, not snprintf, which took a fifth of eval's time */
static void keep_period(char out[64], const char *period) {
  size_t n = strnlen(period, 63);
  memcpy(out, period, n);
  out[n] = '\0';
}

static void whole_add(void *ctx, const StoreObs *so) {
  WholeFill *f = ctx;
  int32_t t = so->day; /* the store checked it */
  if (f->n == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 32;
    f->o = xrealloc(f->o, (size_t)f->cap * sizeof *f->o);
  }
  unsigned flags = so->flags;
  f->o[f->n++] = (Obs){"", "", f->keep ? arena_strdup(f->keep, so->period) : NULL, t, trend_day(so->period, t),
                       so->value, so->numerator, so->denominator, flags};
  keep_period(flags & OBS_SUPPRESSED ? f->supp_period : f->value_period, so->period);
  if (flags & OBS_BREAK) keep_period(f->break_period, so->period);
}

/* The whole-population observations of d, oldest first. */
static Obs *whole_population(Ctx *c, const Decl *d, int *n) {
  *n = 0;
  if (is_computed(d)) {
    const Table *tb = table_of(c, d);
    size_t k = 0;
    while (k < tb->n && !*tb->o[k].dim && !*tb->o[k].grp) k++;
    *n = (int)k;
    return tb->o;
  }
  WholeFill f = {.keep = c->history ? c->arena : NULL};
  fail(c, c->store->m->series(c->store, NULL, d->id, true, c->as_of, whole_add, &f));
  *n = f.n;
  Obs *copy = NULL;
  if (*n) {
    copy = arena_alloc(c->arena, (size_t)*n * sizeof *copy);
    memcpy(copy, f.o, (size_t)*n * sizeof *copy);
    /* the periods kept go to the last row of their kind */
    bool value = false, supp = false, brk = false;
    for (int i = *n - 1; i >= 0 && !(value && supp && brk); i--) {
      Obs *o = &copy[i];
      bool s = o->flags & OBS_SUPPRESSED;
      if (s && !supp) o->period = arena_strdup(c->arena, f.supp_period), supp = true;
      if (!s && !value) o->period = arena_strdup(c->arena, f.value_period), value = true;
      if ((o->flags & OBS_BREAK) && !brk) {
        if (!o->period) o->period = arena_strdup(c->arena, f.break_period);
        brk = true;
      }
    }
  }
  free(f.o);
  return copy;
}

/* The observations of one group in a table: [*begin, *end). */
static void table_group(const Table *tb, const char *dim, const char *grp, size_t *begin, size_t *end) {
  size_t lo = 0, hi = tb->n;
  while (lo < hi) { /* the first at or after (dim, grp, the earliest day) */
    size_t mid = lo + (hi - lo) / 2;
    if (obs_cmp(dim, grp, INT32_MIN, &tb->o[mid]) <= 0) hi = mid;
    else lo = mid + 1;
  }
  *begin = *end = lo;
  while (*end < tb->n && !strcmp(tb->o[*end].dim, dim) && !strcmp(tb->o[*end].grp, grp)) ++*end;
}

/* The latest observation of one group of dimension dim; false if none.
 * From the table when d has one (a formula, or an indicator whose equity
 * lines compare with a reference group), else by the store's key. */
static bool group_latest(Ctx *c, const Decl *d, const char *dim, const char *grp, bool whole_table, Obs *out) {
  if (is_computed(d) || whole_table) {
    const Table *tb = table_of(c, d);
    size_t b, e;
    table_group(tb, dim, grp, &b, &e);
    if (b == e) return false;
    *out = tb->o[e - 1]; /* sorted: the last is the latest */
    return true;
  }
  StoreObs so;
  bool found = false;
  fail(c, c->store->m->latest(c->store, NULL, d->id, dim, grp, c->as_of, &so, &found));
  if (!found) return false;
  *out = (Obs){dim, grp, arena_strdup(c->arena, so.period), so.day, so.day, so.value, so.numerator, so.denominator,
               so.flags};
  return true;
}

/* ---- the definitions ---- */

static bool meets(double v, double goal, int dir) { return dir < 0 ? v <= goal : v >= goal; }

typedef struct Knot {
  int32_t t;
  double v;
} Knot;

static int knot_cmp(const void *a, const void *b) {
  const Knot *x = a, *y = b;
  return x->t < y->t ? -1 : x->t > y->t;
}

/* The expected value at t: linear through the knots, flat before the first
 * and after the last. */
static double expected_at(const Knot *k, int n, int32_t t) {
  if (t <= k[0].t) return k[0].v;
  for (int i = 1; i < n; i++)
    if (t <= k[i].t) return k[i - 1].v + (k[i].v - k[i - 1].v) * (double)(t - k[i - 1].t) / (double)(k[i].t - k[i - 1].t);
  return k[n - 1].v;
}

static EvalStatus indicator_status(const Decl *d, EvalIndicator *e, int32_t as_of) {
  if (!e->has_target) return EV_NO_TARGET;
  if (!e->has_latest) return EV_NO_DATA;
  if (meets(e->latest, e->target, e->dir)) return EV_MET;
  if (as_of > period_last_day(e->target_per)) return EV_MISSED;
  /* nothing measured since the baseline: no change to be on track with;
   * without a baseline, a lone value is where the series starts */
  if (e->has_baseline && e->latest_t <= period_last_day(e->baseline_per)) return EV_AT_BASELINE;
  if (!e->has_baseline && e->nvalues_all < 2) return EV_AT_BASELINE;
  const IndicatorView *v = indicator_view(d);
  Knot *k = xmalloc(((size_t)v->nmilestones + 2) * sizeof *k);
  int n = 0;
  if (e->has_baseline) k[n++] = (Knot){period_last_day(e->baseline_per), e->baseline};
  for (int i = 0; i < v->nmilestones; i++) k[n++] = (Knot){period_last_day(v->milestones[i].per), v->milestones[i].num};
  k[n++] = (Knot){period_last_day(e->target_per), e->target};
  qsort(k, (size_t)n, sizeof *k, knot_cmp);
  double want = expected_at(k, n, e->latest_t);
  free(k);
  return meets(e->latest, want, e->dir) ? EV_ON_TRACK : EV_OFF_TRACK;
}

/* Ordinary least squares of the values of o (suppressed ones skipped)
 * against their place on the trend axis (centred on its mean), at t0. */
static double projection(const Obs *o, int n, int32_t t0) {
  double tm = 0, vm = 0, sxy = 0, sxx = 0;
  int m = 0;
  for (int i = 0; i < n; i++) {
    if (isnan(o[i].v)) continue;
    tm += o[i].tt;
    vm += o[i].v;
    m++;
  }
  if (!m) return NAN;
  tm /= m;
  vm /= m;
  for (int i = 0; i < n; i++) {
    if (isnan(o[i].v)) continue;
    double dt = o[i].tt - tm;
    sxy += dt * (o[i].v - vm);
    sxx += dt * dt;
  }
  if (sxx == 0) return NAN;
  return vm + sxy / sxx * ((double)t0 - tm);
}

static int32_t frequency_days(Frequency f) {
  switch (f) {
  case FREQUENCY_WEEKLY: return 7;
  case FREQUENCY_MONTHLY: return 31;
  case FREQUENCY_QUARTERLY: return 92;
  case FREQUENCY_SEMIANNUALLY: return 183;
  case FREQUENCY_BIENNIALLY: return 731;
  case FREQUENCY_TRIENNIALLY: return 1096;
  default: return 366;
  }
}

/* A group's value in a snapshot. */
typedef struct GroupVal {
  bool has;      /* it has a value there */
  bool withheld; /* it reported there, suppressed */
  double v;      /* the value (its rate from counts when it has them) */
} GroupVal;

/* The worst group against the reference r (group index ref) among vals:
 * for direction down a group's gap is v - r and its ratio v / r (the
 * highest is the worst); for up r - v and r / v (the lowest is the worst);
 * without a direction |v - r| and the larger over the smaller. A ratio
 * needs both values above 0 (down: the reference). *best and *worst are
 * indexes of groups other than the reference, or -1. */
static void against_reference(const GroupVal *vals, int ngroups, int ref, int dir, int form, double *gap,
                              double *ratio, int *best, int *worst) {
  *gap = *ratio = NAN;
  *best = *worst = -1;
  if (ref < 0 || !vals[ref].has) return;
  double r = vals[ref].v, lo = 0, hi = 0;
  bool ratio_ok = true;
  for (int g = 0; g < ngroups; g++) {
    if (g == ref || !vals[g].has) continue;
    double v = vals[g].v, gp, rt;
    if (dir < 0) gp = v - r, rt = r > 0 ? v / r : NAN;
    else if (dir > 0) gp = r - v, rt = r > 0 && v > 0 ? r / v : NAN;
    else gp = fabs(v - r), rt = r > 0 && v > 0 ? fmax(v / r, r / v) : NAN;
    if (isnan(rt)) ratio_ok = false;
    double bad = form == EQ_RATIO ? rt : gp;
    if (*worst < 0) {
      *gap = gp, *ratio = rt, *worst = *best = g, lo = hi = bad;
      continue;
    }
    if (gp > *gap) *gap = gp;
    if (!isnan(rt) && (isnan(*ratio) || rt > *ratio)) *ratio = rt;
    if (!isnan(bad) && (isnan(hi) || bad > hi)) hi = bad, *worst = g;
    if (!isnan(bad) && (isnan(lo) || bad < lo)) lo = bad, *best = g;
  }
  if (!ratio_ok) *ratio = NAN;
}

/* How a group moved from p to v in direction dir. */
static Trend moved(double p, double v, int dir) {
  if (v == p) return TREND_FLAT;
  if (!dir) return TREND_NULL;
  return (v - p) * dir > 0 ? TREND_IMPROVING : TREND_WORSENING;
}

static DisclosureCell disc_cell(const Decl *d, const Obs *o, double v);

/* Whether the disclosure policy shows every group's cell at the day prev
 * (the groups of one table, without the whole population: a cell withheld
 * there on its own counts, or as another's complement among the groups). */
static bool previous_shown(Ctx *c, const Decl *d, const Table *tb, const char *dim, const AttrVals *groups,
                           int32_t prev) {
  DisclosureCell *dc = xcalloc((size_t)groups->n + 1, sizeof *dc);
  int n = 0;
  double scale = scale_of(d);
  for (int g = 0; g < groups->n; g++) {
    const Obs *o = table_find(tb, dim, groups->vals[g].str, prev);
    if (o) dc[n++] = disc_cell(d, o, obs_rate(o, scale));
  }
  disclose_table(c->policy, NULL, dc, n);
  bool shown = true;
  for (int k = 0; k < n; k++) shown &= !disclose_withheld(dc[k].state);
  free(dc);
  return shown;
}

/* The previous snapshot of a reference line: the latest day before the
 * snapshot at which a group has a value, each group's value there, the
 * line's measure then, and which groups moved which way since. */
static void since_previous(Ctx *c, const Decl *d, const EvalIndicator *e, EvalEquity *q, const AttrVals *groups,
                           const GroupVal *now, int ref) {
  const Table *tb = table_of(c, d);
  const char *dim = q->line->ref->id;
  int32_t prev = INT32_MIN;
  const char *prev_period = NULL;
  for (int g = 0; g < groups->n; g++) {
    size_t b, end;
    table_group(tb, dim, groups->vals[g].str, &b, &end);
    for (size_t k = end; k-- > b;)
      if (tb->o[k].t < q->snapshot) {
        if (tb->o[k].t > prev) prev = tb->o[k].t, prev_period = tb->o[k].period;
        break;
      }
  }
  if (!prev_period) return;
  /* a movement would tell about a value the policy withholds there: the
   * line then has no previous snapshot */
  if (c->policy->present && !previous_shown(c, d, tb, dim, groups, prev)) return;
  q->prev_period = prev_period;
  GroupVal *then = xcalloc((size_t)groups->n, sizeof *then);
  double scale = scale_of(d);
  q->improved = arena_alloc(c->arena, (size_t)groups->n * sizeof *q->improved);
  q->worsened = arena_alloc(c->arena, (size_t)groups->n * sizeof *q->worsened);
  q->nimproved = q->nworsened = 0;
  for (int g = 0; g < groups->n; g++) {
    const Obs *o = table_find(tb, dim, groups->vals[g].str, prev);
    if (!o) continue;
    double v = obs_rate(o, scale);
    then[g] = (GroupVal){!isnan(v), isnan(v), v};
    if (!then[g].has || !now[g].has) continue;
    Trend m = moved(then[g].v, now[g].v, e->dir);
    if (m == TREND_IMPROVING) q->improved[q->nimproved++] = groups->vals[g].str;
    if (m == TREND_WORSENING) q->worsened[q->nworsened++] = groups->vals[g].str;
    if (g == ref) q->reference_change = m;
  }
  double gap, ratio;
  int best, worst;
  against_reference(then, groups->n, ref, e->dir, q->line->form, &gap, &ratio, &best, &worst);
  double before = q->line->form == EQ_RATIO ? ratio : gap, after = q->line->form == EQ_RATIO ? q->ratio : q->gap;
  if (!isnan(before) && !isnan(after))
    q->change = after < before ? EQC_NARROWED : after > before ? EQC_WIDENED : EQC_UNCHANGED;
  q->reference_worsened = q->change == EQC_NARROWED && q->reference_change == TREND_WORSENING;
  free(then);
}

/* A cell of the disclosure policy's table for an observation with value v:
 * its counts, or, for a count of people (an indicator broken down by group,
 * without "%" or per) whose row has none, its value as the numerator when
 * it is a whole number; anything else without counts has unknown counts. */
static double policy_numerator(const Decl *d, double v, double num, double den) {
  const IndicatorView *iv = indicator_view(d);
  bool people = !iv->has_scale && iv->disaggregate && iv->disaggregate->n > 0;
  return isnan(num) && isnan(den) && people && isfinite(v) && v >= 0 && v == floor(v) ? v : num;
}

static DisclosureCell disc_cell(const Decl *d, const Obs *o, double v) {
  return (DisclosureCell){.value = v, .numerator = policy_numerator(d, v, o->num, o->den), .denominator = o->den,
                          .suppressed_at_source = (o->flags & OBS_SUPPRESSED) != 0,
                          .member_small = (o->flags & OBS_MEMBER_SMALL) != 0};
}

/* Applies the disclosure policy to a snapshot: the cells of the groups with
 * a row there (has[g] and at the snapshot), and the whole population's
 * observation at the same last day (whole, or NULL). Withheld groups lose
 * their values in now[] (and are listed in q->withheld); the cells go to
 * q->cells. Returns the whole-population cell's state. */
static DisclosureState disclose_snapshot(Ctx *c, const Decl *d, EvalEquity *q, const AttrVals *groups,
                                         const Obs *latest, const bool *has, const Obs *whole) {
  double scale = scale_of(d);
  DisclosureCell *dc = xcalloc((size_t)groups->n + 1, sizeof *dc);
  int *at = xcalloc((size_t)groups->n + 1, sizeof *at);
  int n = 0;
  for (int g = 0; g < groups->n; g++) {
    if (!has[g] || latest[g].t != q->snapshot) continue;
    at[n] = g;
    dc[n++] = disc_cell(d, &latest[g], obs_rate(&latest[g], scale));
  }
  DisclosureCell wc;
  if (whole) wc = disc_cell(d, whole, whole->v);
  disclose_table(c->policy, whole ? &wc : NULL, dc, n);
  q->cells = arena_alloc(c->arena, (size_t)(n ? n : 1) * sizeof *q->cells);
  q->ncells = n;
  for (int k = 0; k < n; k++) {
    bool withheld = disclose_withheld(dc[k].state);
    q->cells[k] = (EvalCell){groups->vals[at[k]].str, withheld ? NAN : dc[k].value, dc[k].state, dc[k].unstable};
  }
  if (whole) {
    q->has_whole = true;
    q->whole = (EvalCell){NULL, disclose_withheld(wc.state) ? NAN : wc.value, wc.state, wc.unstable};
  }
  free(dc);
  free(at);
  return whole ? wc.state : DISC_SHOWN;
}

/* The cell of group name in q->cells, or NULL. */
static const EvalCell *cell_of(const EvalEquity *q, const char *name) {
  for (int k = 0; k < q->ncells; k++)
    if (!strcmp(q->cells[k].group, name)) return &q->cells[k];
  return NULL;
}

/* disclose_equity_shown over the snapshot's cells: every group shown (at
 * -1), or the one at index at. */
static bool cells_shown(const EvalEquity *q, int at) {
  if (at >= 0) return !disclose_withheld(q->cells[at].state);
  for (int k = 0; k < q->ncells; k++)
    if (disclose_withheld(q->cells[k].state)) return false;
  return true;
}

/* Keeps in list only the groups the policy shows. */
static void drop_withheld(const EvalEquity *q, const char **list, int *n) {
  int m = 0;
  for (int k = 0; k < *n; k++) {
    const EvalCell *x = cell_of(q, list[k]);
    if (!x || !disclose_withheld(x->state)) list[m++] = list[k];
  }
  *n = m;
}

static void eval_equity(Ctx *c, const Decl *d, EvalIndicator *e, const Value *line, EvalEquity *q, int32_t as_of,
                        const Obs *whole_obs, int nwhole) {
  const Decl *dim = line->ref;
  const AttrVals *groups = decl_attr(dim, AT_DIMENSION_GROUPS);
  const char *reference = line->form != EQ_GROUP ? line->reference : NULL;
  *q = (EvalEquity){.line = line, .gap = NAN, .ratio = NAN, .value = NAN, .nmissing = -1, .met = TRI_NULL,
                    .reference = reference, .nimproved = -1, .nworsened = -1};
  Obs *latest = xmalloc(((size_t)groups->n + 1) * sizeof *latest);
  bool *has = xcalloc((size_t)groups->n + 1, sizeof *has);
  GroupVal *now = xcalloc((size_t)groups->n + 1, sizeof *now);
  bool any = false;
  int ref = -1;
  for (int g = 0; g < groups->n; g++) {
    has[g] = group_latest(c, d, dim->id, groups->vals[g].str, reference != NULL, &latest[g]);
    if (has[g] && (!any || latest[g].t > q->snapshot)) q->snapshot = latest[g].t;
    any |= has[g];
    if (reference && !strcmp(groups->vals[g].str, reference)) ref = g;
  }
  bool policy = c->policy->present;
  if (any) { /* without a policy every cell is shown but those suppressed at source */
    const Obs *whole = NULL; /* the whole population at the snapshot's last day */
    for (int k = nwhole; k-- > 0;)
      if (whole_obs[k].t == q->snapshot) {
        whole = &whole_obs[k];
        break;
      } else if (whole_obs[k].t < q->snapshot) break;
    if (disclose_snapshot(c, d, q, groups, latest, has, whole) == DISC_WITHHELD_COMPLEMENTARY &&
        q->snapshot == e->latest_t && e->has_latest)
      e->latest_state = DISC_WITHHELD_COMPLEMENTARY;
  }
  if (any) {
    double scale = scale_of(d);
    q->missing = arena_alloc(c->arena, (size_t)groups->n * sizeof *q->missing);
    q->withheld = arena_alloc(c->arena, (size_t)groups->n * sizeof *q->withheld);
    q->nmissing = 0;
    int observed = 0;
    double lo = 0, hi = 0;
    const char *lo_g = NULL, *hi_g = NULL;
    for (int g = 0; g < groups->n; g++) {
      const char *name = groups->vals[g].str;
      if (!has[g] || latest[g].t != q->snapshot) {
        q->missing[q->nmissing++] = name;
        continue;
      }
      if (!q->period) q->period = latest[g].period;
      double v = obs_rate(&latest[g], scale);
      if (policy && disclose_withheld(cell_of(q, name)->state)) v = NAN; /* withheld by the policy */
      if (isnan(v)) { /* suppressed: reported, but no value */
        now[g].withheld = true;
        q->withheld[q->nwithheld++] = name;
        continue;
      }
      now[g] = (GroupVal){true, false, v};
      if (!observed || v < lo) lo = v, lo_g = name;
      if (!observed || v > hi) hi = v, hi_g = name;
      observed++;
      if (line->form == EQ_GROUP && strcmp(line->str, name) == 0) q->value = v;
    }
    if (reference) {
      int best, worst;
      against_reference(now, groups->n, ref, e->dir, line->form, &q->gap, &q->ratio, &best, &worst);
      if (worst >= 0) q->best = groups->vals[best].str, q->worst = groups->vals[worst].str;
      since_previous(c, d, e, q, groups, now, ref);
    } else if (observed >= 2) {
      q->gap = hi - lo;
      if (lo > 0) q->ratio = hi / lo;
      q->best = e->dir < 0 ? lo_g : hi_g;
      q->worst = e->dir < 0 ? hi_g : lo_g;
    }
    if (policy) {
      /* a measure over the groups needs every one of them; a group's line its own */
      int at = -1;
      if (line->form == EQ_GROUP)
        for (int k = 0; k < q->ncells; k++)
          if (!strcmp(q->cells[k].group, line->str)) at = k;
      q->not_shown = line->form == EQ_GROUP ? at >= 0 && !cells_shown(q, at) : !cells_shown(q, -1);
      if (!cells_shown(q, -1)) { /* over the shown groups alone they would misstate */
        q->gap = q->ratio = NAN;
        q->best = q->worst = NULL;
      }
      if (q->not_shown) {
        q->value = NAN;
        q->change = EQC_NULL;
        q->reference_change = TREND_NULL;
        q->reference_worsened = false;
      }
      if (q->nimproved > 0) drop_withheld(q, q->improved, &q->nimproved);
      if (q->nworsened > 0) drop_withheld(q, q->worsened, &q->nworsened);
    }
    double measured = line->form == EQ_GAP ? q->gap : line->form == EQ_RATIO ? q->ratio : q->value;
    if (!isnan(measured)) {
      bool ok = line->form == EQ_GROUP ? meets(measured, line->num, e->dir) : measured <= line->num;
      q->met = ok ? TRI_TRUE : TRI_FALSE;
    }
  }
  if (q->met == TRI_NULL) q->status = EV_NO_DATA;
  else if (q->met == TRI_TRUE) q->status = EV_MET;
  else q->status = as_of > period_last_day(line->per) ? EV_MISSED : EV_NOT_MET;
  free(latest);
  free(has);
  free(now);
}

/* e's history from its whole-population observations o[0..n): each value
 * under the policy on its own counts, and at an equity snapshot as that
 * table decided (a complement withheld there stays withheld here). */
static void keep_history(Ctx *c, const Decl *d, EvalIndicator *e, const Obs *o, int n) {
  e->history = n ? arena_alloc(c->arena, (size_t)n * sizeof *e->history) : NULL;
  for (int i = 0; i < n; i++) {
    EvalPoint *pt = &e->history[i];
    *pt = (EvalPoint){o[i].period, o[i].t, o[i].tt, o[i].v, o[i].flags, DISC_SHOWN};
    if (o[i].flags & OBS_SUPPRESSED) {
      pt->state = DISC_WITHHELD_SOURCE;
    } else if (c->policy->present) {
      DisclosureCell wc = disc_cell(d, &o[i], o[i].v);
      disclose_table(c->policy, &wc, NULL, 0);
      pt->state = wc.state;
      if (wc.unstable) pt->flags |= OBS_UNSTABLE;
    }
    for (int k = 0; k < e->nequity; k++) {
      const EvalEquity *q = &e->equity[k];
      if (q->has_whole && q->snapshot == o[i].t && disclose_withheld(q->whole.state) && !disclose_withheld(pt->state))
        pt->state = q->whole.state;
    }
    if (disclose_withheld(pt->state)) pt->value = NAN;
  }
}

static void eval_indicator(Ctx *c, const Decl *d, EvalIndicator *e, int32_t as_of) {
  memset(e, 0, sizeof *e);
  e->decl = d;
  e->progress = e->variance = e->projected = NAN;
  e->stale = e->projected_met = TRI_NULL;
  const IndicatorView *v = indicator_view(d);
  e->dir = v->dir;
  e->has_baseline = v->has_baseline, e->baseline = v->baseline, e->baseline_per = v->baseline_per;
  e->has_target = v->has_target, e->target = v->target, e->target_per = v->target_by;
  int n = 0;
  Obs *o = whole_population(c, d, &n);
  e->nobs = n;
  /* the latest value is the latest report that is not suppressed; a later
   * suppressed report is shown as withheld and counts for staleness */
  int li = n - 1;
  while (li >= 0 && isnan(o[li].v)) li--;
  if (li >= 0) {
    e->has_latest = true;
    e->latest = o[li].v;
    e->latest_period = o[li].period;
    e->latest_t = o[li].t;
    e->latest_flags = o[li].flags & ~(unsigned)OBS_BREAK;
  }
  if (n && li < n - 1) e->withheld = o[n - 1].period;
  if (e->has_latest && c->policy->present) {
    /* the whole population's latest value, on its own counts */
    DisclosureCell wc = disc_cell(d, &o[li], o[li].v);
    disclose_table(c->policy, &wc, NULL, 0);
    e->latest_state = wc.state;
    if (wc.unstable) e->latest_flags |= OBS_UNSTABLE;
  }
  if (e->has_latest && e->has_baseline && e->has_target && e->target != e->baseline)
    e->progress = (e->latest - e->baseline) / (e->target - e->baseline);
  if (e->has_latest && e->has_target && e->target != 0) e->variance = (e->latest - e->target) / fabs(e->target);
  for (int i = 0; i < n; i++) e->nvalues_all += !isnan(o[i].v);
  e->status = indicator_status(d, e, as_of);
  if (!v->has_frequency) e->stale = TRI_FALSE;
  else if (n) e->stale = (int64_t)as_of - o[n - 1].t > 2 * (int64_t)frequency_days(v->frequency) ? TRI_TRUE : TRI_FALSE;
  /* trend and projection read only the values from the last break on */
  int from = n;
  while (from > 0 && !(o[from - 1].flags & OBS_BREAK)) from--;
  if (from > 0) e->break_period = o[--from].period;
  /* and never a value the policy withholds: which way the line goes,
   * and where it points, would narrow it down (10, then a withheld 8:
   * "improving" says below 10; a fitted line can be solved for it) */
  Obs *seen = o;
  if (c->policy->present && n > 0) {
    seen = xmalloc((size_t)n * sizeof *seen);
    memcpy(seen, o, (size_t)n * sizeof *seen);
    for (int i = from; i < n; i++) {
      if (isnan(seen[i].v)) continue;
      DisclosureCell wc = disc_cell(d, &seen[i], seen[i].v);
      disclose_table(c->policy, &wc, NULL, 0);
      if (disclose_withheld(wc.state)) seen[i].v = NAN;
    }
  }
  int last = -1, prev = -1;
  for (int i = from; i < n; i++)
    if (!isnan(seen[i].v)) e->nvalues++, prev = last, last = i;
  if (e->nvalues >= 3 && e->has_target) {
    /* to where the target stands on the trend axis: a span's midpoint */
    e->projected = projection(seen + from, n - from, period_trend_day(e->target_per));
    if (!isfinite(e->projected)) e->projected = NAN;
    if (e->projected < v->lo) e->projected = v->lo, e->projected_clamped = true;
    if (e->projected > v->hi) e->projected = v->hi, e->projected_clamped = true;
    if (!isnan(e->projected)) e->projected_met = meets(e->projected, e->target, e->dir) ? TRI_TRUE : TRI_FALSE;
  }
  if (e->nvalues >= 2) {
    double lastv = seen[last].v, prevv = seen[prev].v;
    if (lastv == prevv) e->trend = TREND_FLAT;
    else if (e->dir) e->trend = (lastv - prevv) * e->dir > 0 ? TREND_IMPROVING : TREND_WORSENING;
  }
  if (seen != o) free(seen);
  if (v->nequity) {
    e->equity = arena_alloc(c->arena, (size_t)v->nequity * sizeof *e->equity);
    e->nequity = v->nequity;
    for (int i = 0; i < v->nequity; i++) eval_equity(c, d, e, &v->equity[i], &e->equity[i], as_of, o, n);
  }
  if (c->history) keep_history(c, d, e, o, n);
  if (disclose_withheld(e->latest_state)) {
    e->latest = e->progress = e->variance = NAN;
    /* which way a withheld value moved, and where its line points, would
     * narrow it down (10 then a withheld 8: "improving" says below 10) */
    e->trend = TREND_NULL;
    e->projected = NAN;
    e->projected_met = TRI_NULL;
    e->projected_clamped = false;
  }
}
StoreRc eval_run(const Program *p, Store *store, int32_t as_of, EvalResult *r) {
  return eval_run_disclosure(p, store, as_of, false, r);
}

StoreRc eval_run_disclosure(const Program *p, Store *store, int32_t as_of, bool off, EvalResult *r) {
  EvalOptions o = {.no_disclosure = off};
  return eval_run_opts(p, store, as_of, &o, r);
}

StoreRc eval_run_opts(const Program *p, Store *store, int32_t as_of, const EvalOptions *opts, EvalResult *r) {
  bool off = opts->no_disclosure;
  memset(r, 0, sizeof *r);
  arena_init(&r->arena);
  r->as_of = as_of;
  r->has_policy = program_disclosure(p)->present;
  r->disclosure_off = off;
  if (!off) r->policy = *program_disclosure(p);
  Ctx c = {.p = p, .store = store, .arena = &r->arena, .policy = &r->policy, .history = opts->history, .r = r};
  present_day_text(as_of, c.as_of);
  StoreRc rc = store->m->begin(store, false); /* one snapshot for every read */
  if (rc != STORE_OK) return rc;
  int n = 0;
  for (int i = 0; i < p->decls.len; i++) n += ((const Decl *)p->decls.items[i])->kind == D_INDICATOR;
  r->inds = arena_alloc(&r->arena, ((size_t)n + 1) * sizeof *r->inds);
  c.tables = xcalloc((size_t)p->decls.len + 1, sizeof *c.tables);
  const AttrVals *members = program_members(p);
  c.member_seen = xcalloc((size_t)members->n + 1, sizeof *c.member_seen);
  for (int i = 0; i < p->decls.len && c.rc == STORE_OK; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind != D_INDICATOR) continue;
    EvalIndicator *e = &r->inds[r->n++];
    eval_indicator(&c, d, e, as_of);
    r->counts[e->status]++;
  }
  free(c.tables);
  /* members of which no rolled-up row was read: every roll-up leaves them
   * out, so none is computed; eval and report say which */
  if (c.rolled)
    for (int i = 0; i < members->n; i++)
      if (!c.member_seen[i]) push_text(&r->arena, &r->silent, &r->nsilent, members->vals[i].str);
  free(c.member_seen);
  /* the commit says whether what was read was one snapshot */
  StoreRc done = store->m->commit(store);
  return c.rc != STORE_OK ? c.rc : done;
}

bool eval_open_and_run(const Program *p, const char *db_path, int32_t as_of, EvalResult *r, char *err, size_t errlen) {
  return eval_open_and_run_disclosure(p, db_path, as_of, false, r, err, errlen);
}

bool eval_open_and_run_disclosure(const Program *p, const char *db_path, int32_t as_of, bool off, EvalResult *r,
                                  char *err, size_t errlen) {
  EvalOptions o = {.no_disclosure = off};
  return eval_open_and_run_opts(p, db_path, as_of, &o, r, err, errlen);
}

bool eval_open_and_run_opts(const Program *p, const char *db_path, int32_t as_of, const EvalOptions *o, EvalResult *r,
                            char *err, size_t errlen) {
  memset(r, 0, sizeof *r);
  Store *store = store_open(db_path, STORE_READ, program_coalition(p), err, errlen);
  if (!store) return false;
  StoreRc rc = eval_run_opts(p, store, as_of, o, r);
  r->corrupt = rc == STORE_CORRUPT;
  bool ok = rc == STORE_OK;
  if (!ok) snprintf(err, errlen, "cannot read '%s': %s", db_path, store->m->last_error(store));
  store_close(store);
  return ok;
}

void eval_warn_network(FILE *out, const EvalResult *r) {
  for (int i = 0; i < r->nsilent; i++)
    fprintf(out,
            "charter: warning: coalition '%s' (listed in the charter block's coalitions) has no rows of the rolled-up "
            "indicators in this store up to the as-of day, or this login may not read them: no roll-up can be made "
            "without it; check its key and that it has imported\n",
            r->silent[i]);
  for (int i = 0; i < r->nnotes; i++) fprintf(out, "charter: warning: %s\n", r->notes[i]);
}

void eval_free(EvalResult *r) {
  arena_free(&r->arena);
  memset(r, 0, sizeof *r);
}

const EvalIndicator *eval_find(const EvalResult *r, const Decl *decl) {
  for (int i = 0; i < r->n; i++)
    if (r->inds[i].decl == decl) return &r->inds[i];
  return NULL;
}
