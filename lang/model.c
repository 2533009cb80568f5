/* The typed views of lang/model.h, read from the checked values once. */
#include "model.h"

#include <math.h>
#include <string.h>

static unsigned symbol_mask(const AttrVals *av) {
  unsigned m = 0;
  for (int i = 0; i < av->n; i++) m |= 1u << av->vals[i].form;
  return m;
}

void model_indicator_bounds(const Decl *d, IndicatorView *v) {
  const AttrVals *unit = decl_attr(d, AT_INDICATOR_UNIT), *per = decl_attr(d, AT_INDICATOR_PER);
  const AttrVals *range = decl_attr(d, AT_INDICATOR_RANGE);
  bool percent = unit->n && strcmp(unit->vals[0].str, "%") == 0;
  v->scale = 1;
  v->has_scale = v->has_range = false;
  v->lo = -INFINITY;
  v->hi = INFINITY;
  if (per->n) v->scale = per->vals[0].num, v->has_scale = true, v->lo = 0;
  if (percent) v->scale = 100, v->has_scale = true, v->lo = 0, v->hi = 100;
  if ((v->has_range = range->n > 0)) v->lo = range->vals[0].num, v->hi = range->vals[0].hi;
}

static IndicatorView *indicator(Arena *a, const Decl *d) {
  IndicatorView *v = arena_alloc(a, sizeof *v);
  const AttrVals *unit = decl_attr(d, AT_INDICATOR_UNIT), *dir = decl_attr(d, AT_INDICATOR_DIRECTION);
  const AttrVals *freq = decl_attr(d, AT_INDICATOR_FREQUENCY), *meas = decl_attr(d, AT_INDICATOR_MEASURES);
  const AttrVals *base = decl_attr(d, AT_INDICATOR_BASELINE), *target = decl_attr(d, AT_INDICATOR_TARGET);
  const AttrVals *ms = decl_attr(d, AT_INDICATOR_MILESTONE), *eq = decl_attr(d, AT_INDICATOR_EQUITY);
  const AttrVals *formula = decl_attr(d, AT_INDICATOR_FORMULA);
  v->unit = unit->n ? unit->vals[0].str : NULL;
  if (dir->n) v->dir = dir->vals[0].form == DIRECTION_DOWN ? -1 : 1;
  if ((v->has_frequency = freq->n > 0)) v->frequency = (Frequency)freq->vals[0].form;
  if ((v->has_measures = meas->n > 0)) v->measures = (Measures)meas->vals[0].form;
  if ((v->has_baseline = base->n > 0)) v->baseline = base->vals[0].num, v->baseline_per = base->vals[0].per;
  if ((v->has_target = target->n > 0)) v->target = target->vals[0].num, v->target_by = target->vals[0].per;
  v->milestones = ms->vals;
  v->nmilestones = ms->n;
  v->equity = eq->vals;
  v->nequity = eq->n;
  v->disaggregate = decl_attr(d, AT_INDICATOR_DISAGGREGATE);
  v->formula = formula->first ? formula->first->expr : NULL;
  const AttrVals *ru = decl_attr(d, AT_INDICATOR_ROLLS_UP);
  v->rolls_up = ru->n ? ru->vals[0].ref : NULL;
  model_indicator_bounds(d, v);
  const AttrVals *bench = decl_attr(d, AT_INDICATOR_BENCHMARK), *cmp = decl_attr(d, AT_INDICATOR_COMPARE);
  v->benchmarks = bench->vals;
  v->nbenchmarks = bench->n;
  v->compares = cmp->vals;
  v->ncompares = cmp->n;
  return v;
}

static ActivityView *activity(Arena *a, const Decl *d) {
  ActivityView *v = arena_alloc(a, sizeof *v);
  const AttrVals *st = decl_attr(d, AT_ACTIVITY_STATUS), *start = decl_attr(d, AT_ACTIVITY_START);
  const AttrVals *end = decl_attr(d, AT_ACTIVITY_END), *budget = decl_attr(d, AT_ACTIVITY_BUDGET);
  v->owners = decl_attr(d, AT_ACTIVITY_OWNER);
  v->community_owners = decl_attr(d, AT_ACTIVITY_COMMUNITY_OWNER);
  v->metrics = decl_attr(d, AT_ACTIVITY_METRIC);
  v->contributes_to = decl_attr(d, AT_ACTIVITY_CONTRIBUTES_TO);
  if ((v->has_status = st->n > 0)) v->status = (Status)st->vals[0].form;
  if ((v->has_start = start->n > 0)) v->start = start->vals[0].per;
  if ((v->has_end = end->n > 0)) v->end = end->vals[0].per;
  if ((v->has_budget = budget->n > 0)) v->budget = budget->vals[0].num, v->currency = budget->vals[0].str;
  return v;
}

static PartnerView *partner(Arena *a, const Decl *d) {
  PartnerView *v = arena_alloc(a, sizeof *v);
  v->sectors = symbol_mask(decl_attr(d, AT_PARTNER_SECTOR));
  v->roles = symbol_mask(decl_attr(d, AT_PARTNER_ROLE));
  v->is_community = (v->sectors >> SECTOR_COMMUNITY) & 1u;
  return v;
}

static OutcomeView *outcome(Arena *a, const Decl *d) {
  OutcomeView *v = arena_alloc(a, sizeof *v);
  const AttrVals *h = decl_attr(d, AT_OUTCOME_HORIZON), *ch = decl_attr(d, AT_OUTCOME_CHANGE);
  v->horizon = h->n ? (Horizon)h->vals[0].form : HORIZON_SHORT;
  v->has_change = ch->n > 0;
  v->change = ch->n ? (Change)ch->vals[0].form : CHANGE_INDIVIDUAL;
  return v;
}

static CharterView *charter(Arena *a, const Decl *d) {
  CharterView *v = arena_alloc(a, sizeof *v);
  const AttrVals *sy = decl_attr(d, AT_CHARTER_SCHOOL_YEAR_ENDS), *fy = decl_attr(d, AT_CHARTER_FISCAL_YEAR_ENDS);
  v->calendar = period_default_calendar;
  if (sy->n) v->calendar.school_year_ends = (uint8_t)sy->vals[0].form;
  if (fy->n) v->calendar.fiscal_year_ends = (uint8_t)fy->vals[0].form;
  for (int i = 0; i < d->nattrs; i++)
    if (d->attrs[i]->kind == ST_BLOCK && strcmp(d->attrs[i]->name, "disclosure") == 0 && !v->disclosure.present)
      model_disclosure(d->attrs[i], &v->disclosure);
  return v;
}

/* Whether atom k of the line's one phrase is the word w. */
static bool word_at(const Attr *a, int k, const char *w) {
  return a->nphrases == 1 && k < a->phrases[0].n && a->phrases[0].atoms[k].kind == ATOM_IDENT &&
         strcmp(a->phrases[0].atoms[k].text, w) == 0;
}

/* The N of "below N", when it is a positive whole number. */
static double below_n(const Attr *a) {
  if (a->nphrases != 1 || a->phrases[0].n != 2 || !word_at(a, 0, "below")) return 0;
  const Atom *n = &a->phrases[0].atoms[1];
  if (n->kind != ATOM_NUMBER || n->num < 1 || n->num != floor(n->num)) return 0;
  return n->num;
}

void model_disclosure(const Attr *block, DisclosurePolicy *out) {
  memset(out, 0, sizeof *out);
  out->present = true;
  for (int i = 0; i < block->nstmts; i++) {
    const Attr *a = block->stmts[i];
    if (a->kind != ST_ATTR) continue;
    if (strcmp(a->name, "suppress") == 0 && !out->suppress_below) out->suppress_below = below_n(a);
    else if (strcmp(a->name, "unstable") == 0 && !out->unstable_below) out->unstable_below = below_n(a);
    else if (strcmp(a->name, "complementary") == 0 && a->nphrases == 0) out->complementary = true;
    else if (strcmp(a->name, "unknown") == 0 && a->nphrases == 1 && a->phrases[0].n == 2 && word_at(a, 0, "counts"))
      out->unknown_counts_shown = word_at(a, 1, "shown");
  }
}

const AttrVals *program_members(const Program *p) {
  return p->charter ? decl_attr(p->charter, AT_CHARTER_COALITIONS) : &attr_absent;
}

const DisclosurePolicy *program_disclosure(const Program *p) {
  static const DisclosurePolicy none;
  if (p->charter && p->charter->view) return &((const CharterView *)p->charter->view)->disclosure;
  return &none;
}

/* ---- a declaration's texts in a language ---- */

/* The attributes of each text part by kind: the English one (AT_NONE_: the
 * declaration's title) and the Spanish one; es AT_NONE_ when the kind does
 * not have the part. */
typedef struct TextAttrs {
  AttrId en, es;
} TextAttrs;

#define NOTE_PAIR(K) {AT_##K##_NOTE, AT_##K##_NOTE_ES}
#define NO_PAIR {AT_NONE_, AT_NONE_}
static const TextAttrs text_attrs[D_KIND_COUNT][4] = {
    [D_CHARTER] = {{AT_NONE_, AT_CHARTER_TITLE_ES}, NOTE_PAIR(CHARTER), {AT_CHARTER_VISION, AT_CHARTER_VISION_ES},
                   {AT_CHARTER_PROBLEM, AT_CHARTER_PROBLEM_ES}},
    [D_PARTNER] = {{AT_NONE_, AT_PARTNER_TITLE_ES}, NOTE_PAIR(PARTNER), NO_PAIR, NO_PAIR},
    [D_COUNCIL] = {{AT_NONE_, AT_COUNCIL_TITLE_ES}, NOTE_PAIR(COUNCIL), NO_PAIR, NO_PAIR},
    [D_DIMENSION] = {{AT_NONE_, AT_DIMENSION_TITLE_ES}, NOTE_PAIR(DIMENSION), NO_PAIR, NO_PAIR},
    [D_GOAL] = {{AT_NONE_, AT_GOAL_TITLE_ES}, NOTE_PAIR(GOAL), NO_PAIR, NO_PAIR},
    [D_OUTCOME] = {{AT_NONE_, AT_OUTCOME_TITLE_ES}, NOTE_PAIR(OUTCOME), NO_PAIR, NO_PAIR},
    [D_INDICATOR] = {{AT_NONE_, AT_INDICATOR_TITLE_ES}, NOTE_PAIR(INDICATOR), NO_PAIR, NO_PAIR},
    [D_ACTIVITY] = {{AT_NONE_, AT_ACTIVITY_TITLE_ES}, NOTE_PAIR(ACTIVITY), NO_PAIR, NO_PAIR},
    [D_RULE] = {NO_PAIR, {AT_RULE_NOTE, AT_NONE_}, NO_PAIR, NO_PAIR},
    [D_VIEW] = {{AT_NONE_, AT_VIEW_TITLE_ES}, NOTE_PAIR(VIEW), NO_PAIR, NO_PAIR},
};
#undef NOTE_PAIR
#undef NO_PAIR

/* The first value of attribute id of d, or NULL (an empty text counts as
 * none: a translation left empty shows the English). */
static const char *text_of(const Decl *d, AttrId id, bool empty_ok) {
  const AttrVals *av = decl_attr(d, id);
  if (!av->n || !av->vals[0].str || (!empty_ok && !*av->vals[0].str)) return NULL;
  return av->vals[0].str;
}

const char *model_text(const Decl *d, TextPart part, Lang lang, bool *in_lang) {
  bool dummy;
  if (!in_lang) in_lang = &dummy;
  *in_lang = false;
  if (!d || (unsigned)part > TEXT_PROBLEM) return NULL;
  const TextAttrs *t = &text_attrs[d->kind][part];
  const char *en = NULL;
  if (part == TEXT_TITLE) en = d->title;
  else if (t->en != AT_NONE_) en = text_of(d, t->en, true);
  if (lang == LANG_ES && t->es != AT_NONE_) {
    const char *es = text_of(d, t->es, false);
    if (es) {
      *in_lang = true;
      return es;
    }
  }
  if (en && lang == LANG_EN) *in_lang = true;
  return en;
}

const char *model_internal_note(const Decl *d) {
  static const AttrId internal[D_KIND_COUNT] = {
      [D_CHARTER] = AT_CHARTER_INTERNAL_NOTE,     [D_PARTNER] = AT_PARTNER_INTERNAL_NOTE,
      [D_COUNCIL] = AT_COUNCIL_INTERNAL_NOTE,     [D_DIMENSION] = AT_DIMENSION_INTERNAL_NOTE,
      [D_GOAL] = AT_GOAL_INTERNAL_NOTE,           [D_OUTCOME] = AT_OUTCOME_INTERNAL_NOTE,
      [D_INDICATOR] = AT_INDICATOR_INTERNAL_NOTE, [D_ACTIVITY] = AT_ACTIVITY_INTERNAL_NOTE,
      [D_RULE] = AT_NONE_,                        [D_VIEW] = AT_VIEW_INTERNAL_NOTE};
  if (!d || internal[d->kind] == AT_NONE_) return NULL;
  return text_of(d, internal[d->kind], true);
}

const char *model_group_name(const Decl *dim, const char *group, Lang lang, bool *in_lang) {
  bool dummy;
  if (!in_lang) in_lang = &dummy;
  *in_lang = lang == LANG_EN;
  if (!dim || !group || lang != LANG_ES) return group;
  const AttrVals *groups = decl_attr(dim, AT_DIMENSION_GROUPS), *es = decl_attr(dim, AT_DIMENSION_GROUPS_ES);
  if (es->n != groups->n) return group; /* an error the checks reported: no name can be trusted */
  for (int i = 0; i < groups->n; i++)
    if (strcmp(groups->vals[i].str, group) == 0) {
      if (!*es->vals[i].str) return group;
      *in_lang = true;
      return es->vals[i].str;
    }
  return group;
}

/* Gives every school and fiscal year of every value its end month, before
 * the views copy the periods out. */
static void apply_calendar(Program *p, const Calendar *cal) {
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.items[i];
    if (!d->vals) continue;
    int nspecs;
    chk_specs(d->kind, &nspecs);
    for (int k = 0; k < nspecs; k++)
      for (int j = 0; j < d->vals[k].n; j++) {
        period_apply_calendar(&d->vals[k].vals[j].per, cal);
        period_apply_calendar(&d->vals[k].vals[j].per2, cal);
      }
  }
}

const Calendar *program_calendar(const Program *p) {
  if (p->charter && p->charter->view) return &((const CharterView *)p->charter->view)->calendar;
  return &period_default_calendar;
}

const char *program_coalition(const Program *p) {
  if (!p->charter) return "";
  const AttrVals *v = decl_attr(p->charter, AT_CHARTER_NETWORK_ID);
  if (v->n && v->vals[0].str && chk_coalition_key(v->vals[0].str)) return v->vals[0].str;
  return ""; /* the store's one unnamed coalition */
}

void model_build(Program *p) {
  if (p->charter) p->charter->view = charter(&p->arena, p->charter);
  apply_calendar(p, program_calendar(p));
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.items[i];
    switch (d->kind) {
    case D_INDICATOR: d->view = indicator(&p->arena, d); break;
    case D_ACTIVITY: d->view = activity(&p->arena, d); break;
    case D_PARTNER: d->view = partner(&p->arena, d); break;
    case D_OUTCOME: d->view = outcome(&p->arena, d); break;
    case D_CHARTER:
      if (!d->view) d->view = charter(&p->arena, d);
      break;
    default: break;
    }
  }
}
