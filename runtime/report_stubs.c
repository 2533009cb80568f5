/* TEMPORARY: until the chart and translation branches land. */
#include <stdio.h>
#include <string.h>
#include "chart.h"
#include "model.h"
const ChartInk chart_inks[] = {{"text", "#1a1a1a", true}};
const int chart_ninks = 1;
void chart_turn_curve(Buf *out, const TurnCurve *c) {
  buf_printf(out, "<figure><svg viewBox=\"0 0 720 300\" role=\"img\" aria-labelledby=\"%s-t\"><title id=\"%s-t\">chart</title></svg></figure>\n", c->id, c->id);
}
void chart_equity(Buf *out, const EquityChart *c) {
  buf_printf(out, "<figure><svg viewBox=\"0 0 720 300\" role=\"img\" aria-labelledby=\"%s-t\"><title id=\"%s-t\">chart</title></svg></figure>\n", c->id, c->id);
}
const char *model_text(const Decl *d, TextPart part, Lang lang, bool *in_lang) {
  (void)lang;
  if (in_lang) *in_lang = lang == LANG_EN;
  switch (part) {
  case TEXT_TITLE: return d->title;
  case TEXT_NOTE: {
    for (int i = 0; i < d->nattrs; i++) ;
    const AttrVals *v = NULL;
    if (d->kind == D_INDICATOR) v = decl_attr(d, AT_INDICATOR_NOTE);
    else if (d->kind == D_ACTIVITY) v = decl_attr(d, AT_ACTIVITY_NOTE);
    else if (d->kind == D_GOAL) v = decl_attr(d, AT_GOAL_NOTE);
    return v && v->n ? v->vals[0].str : NULL;
  }
  case TEXT_VISION: return d->kind == D_CHARTER && decl_attr(d, AT_CHARTER_VISION)->n ? decl_attr(d, AT_CHARTER_VISION)->vals[0].str : NULL;
  case TEXT_PROBLEM: return d->kind == D_CHARTER && decl_attr(d, AT_CHARTER_PROBLEM)->n ? decl_attr(d, AT_CHARTER_PROBLEM)->vals[0].str : NULL;
  }
  return NULL;
}
const char *model_internal_note(const Decl *d) { (void)d; return NULL; }
const char *model_group_name(const Decl *dim, const char *group, Lang lang, bool *in_lang) {
  (void)dim;
  if (in_lang) *in_lang = lang == LANG_EN;
  return group;
}
