/* Typed views of the checked model: what an indicator, an activity, a
 * partner or an outcome means, read once from its checked values after the
 * built-in checks (program_load builds them), for the consumers that
 * interpret meaning (evaluation, drawing, rules, and later the report and
 * the export). fmt and generic walks of the schema keep reading the values
 * through decl_attr. A view describes what was written: it is built even
 * when the program has errors, from the values that checked. */
#ifndef CHARTER_MODEL_H
#define CHARTER_MODEL_H

#include "program.h"

typedef struct IndicatorView {
  const char *unit;                /* NULL: none */
  int dir;                         /* +1 up, -1 down, 0 no direction */
  bool has_frequency;              /* frequency given */
  Frequency frequency;             /* then: how often it is reported */
  Measures measures;               /* RBA: how_much, how_well, better_off… */
  bool has_measures;               /* …when given */
  bool has_baseline, has_target;   /* given */
  double baseline, target;         /* the values, with their periods: */
  Period baseline_per, target_by;
  const Value *milestones;         /* num by per, in the order written */
  int nmilestones;
  const Value *equity;             /* the equity lines (form, ref, str, num, per) */
  int nequity;
  const AttrVals *disaggregate;    /* the dimensions (refs) */
  const Expr *formula;             /* computed from others; NULL: measured */
  const Decl *rolls_up;            /* a network program's roll-up of this indicator
                                    * of its member coalitions; NULL: none */
  /* Scale and bounds (docs/measurement.md, "Values"): */
  double scale;                    /* a rate per how many: 100 for unit "%", N for
                                    * `per N`, else 1 (value = numerator /
                                    * denominator * scale) */
  bool has_scale;                  /* unit "%" or `per` given */
  double lo, hi;                   /* the values allowed: `range LOW to HIGH`, else
                                    * 0..100 for "%", 0.. for a `per` rate; open
                                    * ends are -INFINITY, INFINITY */
  bool has_range;                  /* the bounds come from `range` */
  const Value *benchmarks;         /* benchmark N (num), in order written */
  int nbenchmarks;
  const Value *compares;           /* compare N "label" (num, str) */
  int ncompares;
} IndicatorView;

/* A coalition's small-numbers policy: the charter block's `disclosure`
 * block (docs/measurement.md, "Small numbers: the disclosure policy");
 * runtime/disclose.h applies it. */
typedef struct DisclosurePolicy {
  bool present;              /* false: no policy, nothing withheld or marked */
  double suppress_below;     /* counts above 0 and below this withheld; 0: none */
  double unstable_below;     /* shown rates from fewer events marked; 0: none */
  bool complementary;        /* withhold more cells so none can be derived */
  bool unknown_counts_shown; /* groups without counts shown (default: withheld) */
} DisclosurePolicy;

/* The charter block's settings that the measurement needs. */
typedef struct CharterView {
  Calendar calendar;  /* school_year_ends, fiscal_year_ends (defaults June, December) */
  DisclosurePolicy disclosure; /* its disclosure block (present false: none) */
} CharterView;

typedef struct ActivityView {
  const AttrVals *owners, *community_owners, *metrics, *contributes_to; /* refs */
  bool has_status, has_start, has_end, has_budget;
  Status status;
  Period start, end;
  double budget;
  const char *currency; /* with the budget */
} ActivityView;

typedef struct PartnerView {
  unsigned sectors;   /* 1u << Sector for each sector given */
  unsigned roles;     /* 1u << Role for each role given */
  bool is_community;  /* sector community: a resident-led partner */
} PartnerView;

typedef struct OutcomeView {
  Horizon horizon;    /* short when absent (only after an error) */
  Change change;      /* individual when absent */
  bool has_change;    /* change given */
} OutcomeView;

/* An indicator's scale and bounds from its checked values (v's scale,
 * has_scale, lo, hi and has_range; nothing else): the one place they are
 * computed, for its view and for the built-in checks, which run before the
 * views are built. */
void model_indicator_bounds(const Decl *d, IndicatorView *v);

/* The languages charter writes in (charter report --lang; runtime/i18n.h
 * translates charter's own words). A program's own words are English; a
 * declaration gives Spanish ones in its `_es` attributes (title_es,
 * note_es, vision_es, problem_es, groups_es: docs/language.md,
 * "Translations"). */
typedef enum Lang { LANG_EN, LANG_ES, LANG_COUNT } Lang;

/* The texts of a declaration a page shows. */
typedef enum TextPart {
  TEXT_TITLE,   /* its title (title_es) */
  TEXT_NOTE,    /* note (note_es) */
  TEXT_VISION,  /* the charter's vision (vision_es) */
  TEXT_PROBLEM  /* the charter's problem (problem_es) */
} TextPart;

/* A text of d in lang: for LANG_ES its Spanish attribute when given, else
 * the English text. *in_lang (NULL allowed) says whether what is returned
 * is in lang (false: English, which a page marks lang="en"). NULL when d
 * has neither (a part d's kind does not have included). */
const char *model_text(const Decl *d, TextPart part, Lang lang, bool *in_lang);
/* d's internal_note (kept out of public pages), or NULL. */
const char *model_internal_note(const Decl *d);
/* The name in lang of group, one of dimension dim's groups as written in
 * `groups` (and in the store): the same place in groups_es for LANG_ES when
 * given, else group itself; *in_lang as for model_text. */
const char *model_group_name(const Decl *dim, const char *group, Lang lang, bool *in_lang);

/* Builds the views of every declaration of p (program_load calls it). */
void model_build(Program *p);

/* The view of d, which must be of the kind named. */
static inline const IndicatorView *indicator_view(const Decl *d) { return (const IndicatorView *)d->view; }
static inline const ActivityView *activity_view(const Decl *d) { return (const ActivityView *)d->view; }
static inline const PartnerView *partner_view(const Decl *d) { return (const PartnerView *)d->view; }
static inline const OutcomeView *outcome_view(const Decl *d) { return (const OutcomeView *)d->view; }
/* The program's calendar: its charter block's, or the default without one. */
const Calendar *program_calendar(const Program *p);
/* The member coalitions' keys of a network program (the charter block's
 * `coalitions`), in the order written; n 0 for a coalition's own program. */
const AttrVals *program_members(const Program *p);
/* The program's coalition key, which its rows in the store carry
 * (docs/network.md): the charter block's network_id when given, else ""
 * (a store's one unnamed coalition, as every store before networks). */
const char *program_coalition(const Program *p);
/* The program's disclosure policy (present false without one). */
const DisclosurePolicy *program_disclosure(const Program *p);
/* The disclosure block's lines read into *out (the checks have reported
 * the wrong ones, which are skipped). */
void model_disclosure(const Attr *block, DisclosurePolicy *out);

#endif
