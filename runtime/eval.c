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
  double v;
} Obs;

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
} Ctx;

static const char *const status_names[EV_STATUS_COUNT] = {"no_target", "no_data",   "met",    "missed",
                                                          "on_track",  "off_track", "not_met"};

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
  operands(c->p, e, ops, &n, max);
  for (int i = 0; i < n; i++) tabs[i] = table_of(c, ops[i]);
  size_t cap = n ? tabs[0]->n : 0;
  out->o = cap ? arena_alloc(c->arena, cap * sizeof *out->o) : NULL;
  for (size_t k = 0; k < cap; k++) {
    const Obs *o = &tabs[0]->o[k];
    bool ok = true;
    vals[0] = o->v;
    for (int i = 1; i < n && ok; i++) {
      const Obs *q = table_find(tabs[i], o->dim, o->grp, o->t);
      if (q) vals[i] = q->v;
      else ok = false;
    }
    double v;
    if (ok && formula_value(e, ops, vals, n, &v)) out->o[out->n++] = (Obs){o->dim, o->grp, o->period, o->t, v};
  }
  free(ops);
  free(tabs);
  free(vals);
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
  tb->o[tb->n++] = (Obs){f->dim, f->grp, arena_strdup(f->c->arena, so->period), t, so->value};
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
  TableFill f = {c, tb, 0, "", ""};
  fail(c, c->store->m->series(c->store, d->id, false, c->as_of, table_add, &f));
  return tb;
}

/* ---- reading what a definition needs ---- */

/* Whole-population observations being read (a series callback). */
typedef struct WholeFill {
  Obs *o;                /* the observations (malloc'd) */
  int n, cap;            /* used, allocated */
  char last_period[64];  /* only the latest's period is kept */
} WholeFill;

static void whole_add(void *ctx, const StoreObs *so) {
  WholeFill *f = ctx;
  int32_t t = so->day; /* the store checked it */
  if (f->n == f->cap) {
    f->cap = f->cap ? f->cap * 2 : 32;
    f->o = xrealloc(f->o, (size_t)f->cap * sizeof *f->o);
  }
  f->o[f->n++] = (Obs){"", "", NULL, t, so->value};
  /* a copy per row: memcpy, not snprintf, which took a fifth of eval's time */
  size_t n = strnlen(so->period, sizeof f->last_period - 1);
  memcpy(f->last_period, so->period, n);
  f->last_period[n] = '\0';
}

/* The whole-population observations of d, oldest first. */
static Obs *whole_population(Ctx *c, const Decl *d, int *n) {
  *n = 0;
  if (is_formula(d)) {
    const Table *tb = table_of(c, d);
    size_t k = 0;
    while (k < tb->n && !*tb->o[k].dim && !*tb->o[k].grp) k++;
    *n = (int)k;
    return tb->o;
  }
  WholeFill f = {.o = NULL};
  fail(c, c->store->m->series(c->store, d->id, true, c->as_of, whole_add, &f));
  *n = f.n;
  Obs *copy = NULL;
  if (*n) {
    copy = arena_alloc(c->arena, (size_t)*n * sizeof *copy);
    memcpy(copy, f.o, (size_t)*n * sizeof *copy);
    copy[*n - 1].period = arena_strdup(c->arena, f.last_period);
  }
  free(f.o);
  return copy;
}

/* The latest observation of one group of dimension dim; false if none. */
static bool group_latest(Ctx *c, const Decl *d, const char *dim, const char *grp, Obs *out) {
  if (is_formula(d)) {
    const Table *tb = table_of(c, d);
    const Obs *found = NULL;
    for (size_t k = 0; k < tb->n; k++) /* sorted: the last match is the latest */
      if (strcmp(tb->o[k].dim, dim) == 0 && strcmp(tb->o[k].grp, grp) == 0) found = &tb->o[k];
    if (found) *out = *found;
    return found != NULL;
  }
  StoreObs so;
  bool found = false;
  fail(c, c->store->m->latest(c->store, d->id, dim, grp, c->as_of, &so, &found));
  if (!found) return false;
  out->t = so.day;
  out->dim = dim;
  out->grp = grp;
  out->period = arena_strdup(c->arena, so.period);
  out->v = so.value;
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

/* Ordinary least squares of v against t (t centred on its mean), at t0. */
static double projection(const Obs *o, int n, int32_t t0) {
  double tm = 0, vm = 0, sxy = 0, sxx = 0;
  for (int i = 0; i < n; i++) {
    tm += o[i].t;
    vm += o[i].v;
  }
  tm /= n;
  vm /= n;
  for (int i = 0; i < n; i++) {
    double dt = o[i].t - tm;
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

static void eval_equity(Ctx *c, const Decl *d, EvalIndicator *e, const Value *line, EvalEquity *q, int32_t as_of) {
  const Decl *dim = line->ref;
  const AttrVals *groups = decl_attr(dim, AT_DIMENSION_GROUPS);
  *q = (EvalEquity){.line = line, .gap = NAN, .ratio = NAN, .value = NAN, .nmissing = -1, .met = TRI_NULL};
  Obs *latest = xmalloc(((size_t)groups->n + 1) * sizeof *latest);
  bool *has = xcalloc((size_t)groups->n + 1, sizeof *has);
  bool any = false;
  for (int g = 0; g < groups->n; g++) {
    has[g] = group_latest(c, d, dim->id, groups->vals[g].str, &latest[g]);
    if (has[g] && (!any || latest[g].t > q->snapshot)) q->snapshot = latest[g].t;
    any |= has[g];
  }
  if (any) {
    q->missing = arena_alloc(c->arena, (size_t)groups->n * sizeof *q->missing);
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
      double v = latest[g].v;
      if (!observed || v < lo) lo = v, lo_g = name;
      if (!observed || v > hi) hi = v, hi_g = name;
      observed++;
      if (line->form == EQ_GROUP && strcmp(line->str, name) == 0) q->value = v;
    }
    if (observed >= 2) {
      q->gap = hi - lo;
      if (lo > 0) q->ratio = hi / lo;
      q->best = e->dir < 0 ? lo_g : hi_g;
      q->worst = e->dir < 0 ? hi_g : lo_g;
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
  if (n) {
    e->has_latest = true;
    e->latest = o[n - 1].v;
    e->latest_period = o[n - 1].period;
    e->latest_t = o[n - 1].t;
  }
  if (e->has_latest && e->has_baseline && e->has_target && e->target != e->baseline)
    e->progress = (e->latest - e->baseline) / (e->target - e->baseline);
  if (e->has_latest && e->has_target && e->target != 0) e->variance = (e->latest - e->target) / fabs(e->target);
  e->status = indicator_status(d, e, as_of);
  if (!v->has_frequency) e->stale = TRI_FALSE;
  else if (e->has_latest) e->stale = (int64_t)as_of - e->latest_t > 2 * (int64_t)frequency_days(v->frequency) ? TRI_TRUE : TRI_FALSE;
  if (n >= 2 && e->has_target) {
    e->projected = projection(o, n, period_last_day(e->target_per));
    if (!isfinite(e->projected)) e->projected = NAN;
    if (!isnan(e->projected)) e->projected_met = meets(e->projected, e->target, e->dir) ? TRI_TRUE : TRI_FALSE;
  }
  if (n >= 2) {
    double last = o[n - 1].v, prev = o[n - 2].v;
    if (last == prev) e->trend = TREND_FLAT;
    else if (e->dir) e->trend = (last - prev) * e->dir > 0 ? TREND_IMPROVING : TREND_WORSENING;
  }
  if (v->nequity) {
    e->equity = arena_alloc(c->arena, (size_t)v->nequity * sizeof *e->equity);
    e->nequity = v->nequity;
    for (int i = 0; i < v->nequity; i++) eval_equity(c, d, e, &v->equity[i], &e->equity[i], as_of);
  }
}

StoreRc eval_run(const Program *p, Store *store, int32_t as_of, EvalResult *r) {
  memset(r, 0, sizeof *r);
  arena_init(&r->arena);
  r->as_of = as_of;
  Ctx c = {.p = p, .store = store, .arena = &r->arena};
  present_day_text(as_of, c.as_of);
  StoreRc rc = store->m->begin(store, false); /* one snapshot for every read */
  if (rc != STORE_OK) return rc;
  int n = 0;
  for (int i = 0; i < p->decls.len; i++) n += ((const Decl *)p->decls.items[i])->kind == D_INDICATOR;
  r->inds = arena_alloc(&r->arena, ((size_t)n + 1) * sizeof *r->inds);
  c.tables = xcalloc((size_t)p->decls.len + 1, sizeof *c.tables);
  for (int i = 0; i < p->decls.len && c.rc == STORE_OK; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind != D_INDICATOR) continue;
    EvalIndicator *e = &r->inds[r->n++];
    eval_indicator(&c, d, e, as_of);
    r->counts[e->status]++;
  }
  free(c.tables);
  /* the commit says whether what was read was one snapshot */
  StoreRc done = store->m->commit(store);
  return c.rc != STORE_OK ? c.rc : done;
}

bool eval_open_and_run(const Program *p, const char *db_path, int32_t as_of, EvalResult *r, char *err, size_t errlen) {
  memset(r, 0, sizeof *r);
  Store *store = store_open(db_path, STORE_READ, err, errlen);
  if (!store) return false;
  StoreRc rc = eval_run(p, store, as_of, r);
  r->corrupt = rc == STORE_CORRUPT;
  bool ok = rc == STORE_OK;
  if (!ok) snprintf(err, errlen, "cannot read '%s': %s", db_path, store->m->last_error(store));
  store_close(store);
  return ok;
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
