/* Evaluation: every indicator of a checked program against the store, as of
 * a day, by the definitions of docs/measurement.md ("What eval computes").
 * A number that a definition leaves undefined is NAN; a three-valued flag
 * is TRI_NULL. */
#ifndef CHARTER_EVAL_H
#define CHARTER_EVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "disclose.h"
#include "program.h"
#include "store.h"

typedef enum Tri { TRI_NULL = -1, TRI_FALSE = 0, TRI_TRUE = 1 } Tri;
typedef enum Trend { TREND_NULL, TREND_IMPROVING, TREND_WORSENING, TREND_FLAT } Trend;

/* The statuses of an indicator, then the one that only equity lines have;
 * json's summary lists the indicators' in this order (at_baseline came
 * last, so the earlier ones kept their places). */
typedef enum EvalStatus {
  EV_NO_TARGET, EV_NO_DATA, EV_MET, EV_MISSED, EV_ON_TRACK, EV_OFF_TRACK,
  EV_AT_BASELINE, /* a target and data, but no value after the baseline's period */
  EV_NOT_MET, /* equity lines only */
  EV_STATUS_COUNT
} EvalStatus;

/* How an equity line's measure moved since the previous snapshot. */
typedef enum EqChange { EQC_NULL, EQC_NARROWED, EQC_WIDENED, EQC_UNCHANGED } EqChange;


/* One cell of an equity snapshot under the disclosure policy: the whole
 * population or a group with a row at the snapshot. */
typedef struct EvalCell {
  const char *group;       /* NULL: the whole population */
  double value;            /* NAN when withheld (by its source or the policy) */
  DisclosureState state;   /* DISC_SHOWN, or why it is withheld */
  bool unstable;           /* a shown rate from fewer events than unstable below */
} EvalCell;

/* One equity line of an indicator. */
typedef struct EvalEquity {
  const Value *line;         /* the equity value: ref (dimension), form, str (group), num (limit), per (by) */
  const char *period;        /* the snapshot as written, or NULL when D has no data */
  int32_t snapshot;          /* its last day (days from 1970-01-01) */
  double gap, ratio, value;  /* NAN when undefined */
  const char *best, *worst;  /* groups, or NULL */
  const char **missing;      /* D's groups with no value in the snapshot, in D's order */
  int nmissing;              /* how many (-1: no snapshot, so undefined) */
  const char **withheld;     /* groups whose value in the snapshot is suppressed */
  int nwithheld;
  Tri met;                   /* TRI_NULL without data */
  EvalStatus status;         /* met, missed, not_met or no_data */
  /* With a reference group (line->reference): gap and ratio are the worst
   * group's against it; then, against the previous snapshot: */
  const char *reference;     /* the reference group, or NULL */
  const char *prev_period;   /* the previous snapshot as written, or NULL */
  const char **improved, **worsened; /* groups (the reference included) that moved, in D's order */
  int nimproved, nworsened;  /* -1: no previous snapshot */
  Trend reference_change;    /* how the reference group moved (TREND_NULL: unknown) */
  EqChange change;           /* how the line's measure moved */
  bool reference_worsened;   /* it narrowed while the reference group worsened */
  /* Each group's cell under the disclosure policy (EvalResult.policy): */
  EvalCell *cells;           /* the groups with a row at the snapshot, in D's order
                              * (also without a policy: then all shown but those
                              * suppressed at source) */
  int ncells;
  bool has_whole;            /* the whole population has a row at the snapshot: */
  EvalCell whole;            /* its cell (group NULL), as the table decided */
  bool not_shown;            /* the line's measure needs a withheld value:
                              * gap, ratio, value, best and worst are withheld
                              * (DISCLOSE_NOT_SHOWN), met is TRI_NULL */
} EvalEquity;

/* One whole-population observation up to the as-of day, as a chart shows
 * it (EvalOptions.history). */
typedef struct EvalPoint {
  const char *period;      /* as written */
  int32_t t;               /* its last day */
  int32_t tt;              /* where it stands on a trend's axis (a span's midpoint) */
  double value;            /* NAN when withheld */
  unsigned flags;          /* its ObsFlag mask (OBS_UNSTABLE also when the policy marks it) */
  DisclosureState state;   /* DISC_SHOWN, or why it is withheld: at its source,
                            * or by the policy on its own counts (and, at an
                            * equity snapshot, as that table decided) */
} EvalPoint;

typedef struct EvalIndicator {
  const Decl *decl;          /* the indicator */
  int dir;                   /* +1 up, -1 down, 0 no direction */
  bool has_baseline, has_target, has_latest;
  double baseline, target;   /* with their periods: */
  Period baseline_per, target_per;
  double latest;             /* the latest whole-population value (not suppressed) */
  const char *latest_period; /* as written */
  int32_t latest_t;          /* its last day */
  unsigned latest_flags;     /* its ObsFlag mask (OBS_UNSTABLE also when the
                              * disclosure policy marks it) */
  DisclosureState latest_state; /* DISC_SHOWN, or withheld by the disclosure
                              * policy: latest, progress and variance are then
                              * NAN (has_latest stays true) */
  const char *withheld;      /* the latest report's period when it is suppressed
                              * (after the latest value), else NULL */
  int nobs;                  /* whole-population observations up to the as-of day,
                              * suppressed ones included */
  int nvalues_all;           /* of them, those with a value (not suppressed) */
  const char *break_period;  /* the last observation flagged break, or NULL */
  int nvalues;               /* values from the last break on (trend, projection) */
  double progress, variance, projected; /* NAN when undefined */
  bool projected_clamped;    /* projected was brought into the indicator's bounds */
  EvalStatus status;
  Tri stale, projected_met;
  Trend trend;
  EvalEquity *equity;        /* one per equity line, in order */
  int nequity;
  EvalPoint *history;        /* with EvalOptions.history: every whole-population
                              * observation, oldest first (nobs of them) */
} EvalIndicator;

typedef struct EvalResult {
  Arena arena;               /* owns everything below */
  int32_t as_of;             /* the day evaluated at */
  EvalIndicator *inds;       /* every indicator, in declaration order */
  int n;                     /* how many */
  int counts[EV_STATUS_COUNT]; /* indicators per status */
  bool corrupt;              /* eval_open_and_run failed on a stored row
                              * that is not one charter stores */
  DisclosurePolicy policy;   /* the policy applied (present false: none) */
  bool has_policy;           /* the program has a disclosure block */
  bool disclosure_off;       /* --no-disclosure: nothing withheld, not for publication */
  const char **silent;       /* a network program's member coalitions (its
                              * `coalitions`) of which no row of any rolled-up
                              * indicator was read up to the as-of day */
  int nsilent;               /* how many */
  const char **notes;        /* what a network's roll-ups left out that a
                              * reader must know ("X: SY2025-26 is not rolled
                              * up: ..."), in declaration order */
  int nnotes;                /* how many */
} EvalResult;
/* Writes to out a warning for each of r's silent members and notes
 * (nothing when none), each line starting "charter: warning: ". */
void eval_warn_network(FILE *out, const EvalResult *r);

/* Evaluates every indicator of p against store, in one read transaction.
 * Returns STORE_OK, or the first failure (store's last_error says why);
 * result is always initialised and must be freed. */
StoreRc eval_run(const Program *p, Store *store, int32_t as_of, EvalResult *result);
/* The same, with the program's disclosure policy set aside when off is
 * true (eval --no-disclosure). */
StoreRc eval_run_disclosure(const Program *p, Store *store, int32_t as_of, bool off, EvalResult *result);
/* What an evaluation keeps besides the statuses. */
typedef struct EvalOptions {
  bool no_disclosure; /* set the program's disclosure policy aside */
  bool history;       /* keep each indicator's history (the report's charts) */
} EvalOptions;
StoreRc eval_run_opts(const Program *p, Store *store, int32_t as_of, const EvalOptions *o, EvalResult *result);
bool eval_open_and_run_opts(const Program *p, const char *db_path, int32_t as_of, const EvalOptions *o,
                            EvalResult *result, char *err, size_t errlen);
/* Opens the store at db_path for reading, evaluates p as of a day, closes
 * it: the one entry of eval and render --db. On failure returns false with
 * the message (without "charter: ") in err[0..errlen); result is always
 * initialised and must be freed. */
bool eval_open_and_run(const Program *p, const char *db_path, int32_t as_of, EvalResult *result, char *err,
                       size_t errlen);
bool eval_open_and_run_disclosure(const Program *p, const char *db_path, int32_t as_of, bool off, EvalResult *result,
                                  char *err, size_t errlen);
/* Frees what a result owns. */
void eval_free(EvalResult *result);
/* "met", "on_track"…; the status for a name, or -1. */
const char *eval_status_name(EvalStatus s);
int eval_status_from_name(const char *name, size_t n);
const char *eval_trend_name(Trend t);
/* "narrowed", "widened", "unchanged", or NULL. */
const char *eval_change_name(EqChange c);
/* The indicator of decl, or NULL. */
const EvalIndicator *eval_find(const EvalResult *r, const Decl *decl);
/* Today's date in UTC, as days from 1970-01-01. */
int32_t eval_today(void);

#endif
