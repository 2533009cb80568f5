/* Evaluation: every indicator of a checked program against the store, as of
 * a day, by the definitions of TOOL.md ("Evaluation"). A number that a
 * definition leaves undefined is NAN; a three-valued flag is TRI_NULL. */
#ifndef CHARTER_EVAL_H
#define CHARTER_EVAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "program.h"

typedef enum EvalStatus {
  EV_NO_TARGET, EV_NO_DATA, EV_MET, EV_MISSED, EV_ON_TRACK, EV_OFF_TRACK,
  EV_NOT_MET, /* equity lines only */
  EV_STATUS_COUNT
} EvalStatus;

typedef enum Tri { TRI_NULL = -1, TRI_FALSE = 0, TRI_TRUE = 1 } Tri;
typedef enum Trend { TREND_NULL, TREND_IMPROVING, TREND_WORSENING, TREND_FLAT } Trend;

/* One equity line of an indicator. */
typedef struct EvalEquity {
  const Value *line;         /* the equity value: ref (dimension), form, str (group), num (limit), per (by) */
  const char *period;        /* the snapshot as written, or NULL when D has no data */
  int32_t snapshot;          /* its last day (days from 1970-01-01) */
  double gap, ratio, value;  /* NAN when undefined */
  const char *best, *worst;  /* groups, or NULL */
  const char **missing;      /* D's groups with no value in the snapshot, in D's order */
  int nmissing;              /* how many (-1: no snapshot, so undefined) */
  Tri met;                   /* TRI_NULL without data */
  EvalStatus status;         /* met, missed, not_met or no_data */
} EvalEquity;

typedef struct EvalIndicator {
  const Decl *decl;          /* the indicator */
  int dir;                   /* +1 up, -1 down, 0 no direction */
  bool has_baseline, has_target, has_latest;
  double baseline, target;   /* with their periods: */
  Period baseline_per, target_per;
  double latest;             /* the latest whole-population observation */
  const char *latest_period; /* as written */
  int32_t latest_t;          /* its last day */
  int nobs;                  /* whole-population observations up to the as-of day */
  double progress, variance, projected; /* NAN when undefined */
  EvalStatus status;
  Tri stale, projected_met;
  Trend trend;
  EvalEquity *equity;        /* one per equity line, in order */
  int nequity;
} EvalIndicator;

typedef struct EvalResult {
  Arena arena;               /* owns everything below */
  int32_t as_of;             /* the day evaluated at */
  EvalIndicator *inds;       /* every indicator, in declaration order */
  int n;                     /* how many */
  int counts[EV_STATUS_COUNT]; /* indicators per status */
} EvalResult;

/* Evaluates every indicator of p. Returns an SQLite code (SQLITE_OK);
 * result is always initialised and must be freed. */
int eval_run(const Program *p, sqlite3 *db, int32_t as_of, EvalResult *result);
void eval_free(EvalResult *result);
/* "met", "on_track"…; the status for a name, or -1. */
const char *eval_status_name(EvalStatus s);
int eval_status_from_name(const char *name, size_t n);
const char *eval_trend_name(Trend t);
/* The indicator of decl, or NULL. */
const EvalIndicator *eval_find(const EvalResult *r, const Decl *decl);
/* Today's date in UTC, as days from 1970-01-01. */
int32_t eval_today(void);
/* v in the shortest digits that read back exactly: without an exponent
 * from 1e-5 up to 1e17 (60, 1000, 0.2), except below 1 where the exponent
 * form is shorter (1e-5, 5.0000000000061104e-5); 1e17 and up as 1e17. */
void eval_num_text(double v, char out[40]);
/* v with at most two decimals, trailing zeros dropped (for people). */
void eval_num_short(double v, char out[48]);
/* A day as YYYY-MM-DD. */
void eval_day_text(int32_t day, char out[11]);

#endif
