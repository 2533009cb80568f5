/* Which declarations a view draws (docs/language.md, Views; docs/render.md),
 * and finding a view by name. Relations are walked once: no stage is
 * quadratic. */
#include <stdlib.h>
#include <string.h>

#include "refs.h"
#include "render.h"

typedef struct Sel {
  const Program *p;
  const View *v;
  int n;             /* declarations */
  unsigned char *in; /* in[d->index]: drawn (2 while selecting: an activity the focus reaches) */
} Sel;

Decl *decl_at(const Program *p, int i) { return p->decls.items[i]; }

/* What a diagram can draw at all. */
static bool drawable(Diagram g, DeclKind k) {
  switch (g) {
  case DG_LOGIC: return k == D_PARTNER || k == D_ACTIVITY || k == D_INDICATOR || k == D_OUTCOME || k == D_GOAL;
  case DG_PATHWAY: return k == D_OUTCOME || k == D_GOAL;
  case DG_ACCOUNTABILITY: return k == D_PARTNER || k == D_ACTIVITY;
  }
  return false;
}

static void mark_refs(Sel *c, const Decl *d, AttrId name) {
  const AttrVals *a = decl_attr(d, name);
  for (int i = 0; i < a->n; i++)
    if (a->vals[i].ref) c->in[a->vals[i].ref->index] = 1;
}

bool render_refers_in(const unsigned char *in, const Decl *d, AttrId name) {
  const AttrVals *a = decl_attr(d, name);
  for (int i = 0; i < a->n; i++)
    if (a->vals[i].ref && in[a->vals[i].ref->index]) return true;
  return false;
}

/* Focus: the focus nodes and every outcome or goal with a leads_to path to
 * one of them, found by walking leads_to backwards from the focus. */
static void select_focus(Sel *c, const AttrVals *focus) {
  const Program *p = c->p;
  int n = c->n;
  /* Who leads to each declaration. */
  RefIndex led;
  refs_build(&led, p, AT_OUTCOME_LEADS_TO, AT_NONE_);
  int *stack = xmalloc(((size_t)n + 1) * sizeof *stack);
  int top = 0;
  for (int k = 0; k < focus->n; k++) {
    const Decl *f = focus->vals[k].ref;
    if (f && !c->in[f->index]) {
      c->in[f->index] = 1;
      stack[top++] = f->index;
    }
  }
  while (top > 0) {
    int t = stack[--top];
    for (int k = led.start[t]; k < led.start[t + 1]; k++)
      if (!c->in[led.from[k]->index]) {
        c->in[led.from[k]->index] = 1;
        stack[top++] = led.from[k]->index;
      }
  }
  free(stack);
  refs_free(&led);
  /* The activities contributing to any of them, then their people and
   * metrics. */
  for (int i = 0; i < n; i++) {
    const Decl *d = decl_at(p, i);
    if (d->kind == D_ACTIVITY && render_refers_in(c->in, d, AT_ACTIVITY_CONTRIBUTES_TO)) c->in[i] = 2;
  }
  for (int i = 0; i < n; i++) {
    const Decl *d = decl_at(p, i);
    if (d->kind != D_ACTIVITY || c->in[i] != 2) continue;
    mark_refs(c, d, AT_ACTIVITY_OWNER);
    mark_refs(c, d, AT_ACTIVITY_COMMUNITY_OWNER);
    mark_refs(c, d, AT_ACTIVITY_METRIC);
  }
}

static void select_nodes(Sel *c) {
  const Program *p = c->p;
  const Decl *vd = c->v->decl;
  const AttrVals *focus = vd ? decl_attr(vd, AT_VIEW_FOCUS) : NULL;
  if (focus && focus->n > 0) {
    select_focus(c, focus);
  } else {
    for (int i = 0; i < c->n; i++) {
      const Decl *d = decl_at(p, i);
      if (d->kind == D_INDICATOR) continue;
      c->in[i] = 1;
      if (d->kind == D_ACTIVITY) mark_refs(c, d, AT_ACTIVITY_METRIC);
    }
  }
  for (int i = 0; i < c->n; i++)
    if (c->in[i] && !drawable(c->v->diagram, decl_at(p, i)->kind)) c->in[i] = 0;
  if (vd) {
    const AttrVals *ex = decl_attr(vd, AT_VIEW_EXCLUDE);
    for (int k = 0; k < ex->n; k++)
      if (ex->vals[k].ref) c->in[ex->vals[k].ref->index] = 0;
  }
}

unsigned char *render_select(const Program *p, const View *v) {
  Sel c = {p, v, p->decls.len, xcalloc((size_t)p->decls.len + 1, 1)};
  select_nodes(&c);
  return c.in;
}

/* ---- finding views ---- */

static const char *const BUILTIN[] = {"logic", "pathway", "accountability"};

static Diagram diagram_of(const Decl *d) {
  const AttrVals *g = decl_attr(d, AT_VIEW_DIAGRAM);
  return g->n ? (Diagram)g->vals[0].form : DG_LOGIC;
}

bool render_find_view(const Program *p, const char *name, View *out) {
  const Decl *d = strmap_get(&p->ids, name);
  if (d && d->kind == D_VIEW) {
    *out = (View){d->id, d, diagram_of(d), 0, 0, NULL};
    return true;
  }
  for (int i = 0; i < 3; i++)
    if (strcmp(name, BUILTIN[i]) == 0) {
      *out = (View){BUILTIN[i], NULL, (Diagram)i, 0, 0, NULL};
      return true;
    }
  return false;
}

int render_view_names(const Program *p, const char **names) {
  int n = 0;
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = decl_at(p, i);
    if (d->kind == D_VIEW) names[n++] = d->id;
  }
  for (int i = 0; i < 3; i++) {
    const Decl *d = strmap_get(&p->ids, BUILTIN[i]);
    if (!d || d->kind != D_VIEW) names[n++] = BUILTIN[i];
  }
  return n;
}
