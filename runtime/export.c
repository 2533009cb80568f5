/* charter export: the checked model as JSON, a Kumu blueprint or CSV
 * tables (docs/export.md). Everything is written into memory in one pass
 * over the declarations, in a fixed order, so that two exports of the same
 * program are the same bytes and exports of two versions diff well. */
#define _POSIX_C_SOURCE 200809L
#include "export.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eval_json.h"
#include "json.h"
#include "model.h"
#include "present.h"

/* ---- shared ---- */

static const char *sev_name(Severity s) { return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "info"; }
/* The bytes [loc.start, loc.end) of a source file: an expression as written. */
static void loc_text(const Program *p, Loc loc, Buf *out) {
  const Src *s = src_get(&p->srcs, loc.file);
  if (!s || loc.end > s->len || loc.start > loc.end) return;
  buf_add(out, s->text + loc.start, loc.end - loc.start);
}

/* An expression statement as written: `for` with its variable (g in
 * goals), the others their expression. */
static void expr_text(const Program *p, const Attr *a, Buf *out) {
  if (!a->expr) return;
  Loc loc = a->expr->loc;
  if (a->kind == ST_FOR && a->var) loc.start = a->var_loc.start;
  loc_text(p, loc, out);
}

/* Who refers to each declaration, by attribute: edges sorted by target,
 * then attribute (schema order: kind, then slot), then source. */
typedef struct Edge {
  int to, from, attr;
} Edge;

typedef struct Reverse {
  Edge *e;
  int n;
  int *start; /* by declaration index: the first edge, decls.len + 1 of them */
} Reverse;

static int edge_cmp(const void *x, const void *y) {
  const Edge *a = x, *b = y;
  if (a->to != b->to) return a->to < b->to ? -1 : 1;
  if (a->attr != b->attr) return a->attr < b->attr ? -1 : 1;
  return a->from < b->from ? -1 : a->from > b->from;
}

static void reverse_build(const Program *p, Reverse *r) {
  int cap = 0;
  r->n = 0;
  r->e = NULL;
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    int ns;
    const AttrSpec *specs = chk_specs(d->kind, &ns);
    if (!d->vals) continue;
    for (int k = 0; k < ns; k++) {
      if (specs[k].form != F_REF) continue;
      const AttrVals *av = &d->vals[k];
      for (int j = 0; j < av->n; j++) {
        if (!av->vals[j].ref) continue;
        if (r->n == cap) {
          cap = cap ? cap * 2 : 256;
          r->e = xrealloc(r->e, (size_t)cap * sizeof *r->e);
        }
        r->e[r->n++] = (Edge){av->vals[j].ref->index, d->index, (int)((d->kind << 8) | k)};
      }
    }
  }
  if (r->n) qsort(r->e, (size_t)r->n, sizeof *r->e, edge_cmp);
  /* a declaration naming another twice counts once */
  int w = 0;
  for (int i = 0; i < r->n; i++)
    if (!w || edge_cmp(&r->e[w - 1], &r->e[i]) != 0) r->e[w++] = r->e[i];
  r->n = w;
  r->start = xcalloc((size_t)p->decls.len + 1, sizeof *r->start);
  for (int i = 0; i < r->n; i++) r->start[r->e[i].to + 1]++;
  for (int i = 0; i < p->decls.len; i++) r->start[i + 1] += r->start[i];
}

static void reverse_free(Reverse *r) {
  free(r->e);
  free(r->start);
}

static const AttrSpec *spec_of(int attr) {
  int ns;
  const AttrSpec *specs = chk_specs((DeclKind)(attr >> 8), &ns);
  return &specs[attr & 0xff];
}

/* The findings in the order check prints them. */
static void sort_diags(Program *p) { diag_sort(&p->diags); }

/* ---- JSON ---- */

static void jstr(Buf *b, const char *s) { json_str_or_null(b, s); }

static void jloc(Buf *b, Program *p, Loc loc) {
  Src *s = src_get(&p->srcs, loc.file);
  int line = 0, col = 0;
  if (s) src_linecol(s, loc.start, &line, &col);
  buf_puts(b, "{\"file\": ");
  jstr(b, s ? s->path : NULL);
  buf_puts(b, ", \"line\": ");
  eval_num_text(b, line);
  buf_puts(b, ", \"column\": ");
  eval_num_text(b, col);
  buf_putc(b, '}');
}

static void jperiod(Buf *b, Period per) {
  char t[16], s[11], e[11];
  period_text(per, t);
  present_day_text(period_first_day(per), s);
  period_last_day_text(per, e);
  buf_puts(b, "{\"period\": ");
  jstr(b, t);
  buf_puts(b, ", \"start\": \"");
  buf_add(b, s, 10);
  buf_puts(b, "\", \"end\": \"");
  buf_add(b, e, 10);
  buf_puts(b, "\"}");
}

/* One checked value in the JSON form of its attribute's form. */
static void jvalue(Buf *b, Program *p, const AttrSpec *s, const Value *v) {
  switch (s->form) {
  case F_TEXT:
  case F_STRING: jstr(b, v->str); break;
  case F_SYMBOL: jstr(b, s->symbols ? s->symbols[v->form] : v->str); break;
  case F_REF: jstr(b, v->ref ? v->ref->id : v->str); break;
  case F_PERIOD: jperiod(b, v->per); break;
  case F_RANGE:
    buf_puts(b, "{\"from\": ");
    jperiod(b, v->per);
    buf_puts(b, ", \"to\": ");
    jperiod(b, v->per2);
    buf_putc(b, '}');
    break;
  case F_NUM_IN:
  case F_NUM_BY:
    buf_puts(b, "{\"value\": ");
    eval_json_num(b, v->num);
    buf_puts(b, s->form == F_NUM_IN ? ", \"in\": " : ", \"by\": ");
    jperiod(b, v->per);
    buf_putc(b, '}');
    break;
  case F_EQUITY:
    buf_puts(b, "{\"dimension\": ");
    jstr(b, v->ref ? v->ref->id : NULL);
    buf_puts(b, ", \"form\": ");
    jstr(b, eval_form_name(v->form));
    buf_puts(b, ", \"group\": ");
    jstr(b, v->form == EQ_GROUP ? v->str : NULL);
    buf_puts(b, ", \"reference\": ");
    jstr(b, v->form != EQ_GROUP ? v->reference : NULL);
    buf_puts(b, v->form == EQ_GROUP ? ", \"value\": " : ", \"limit\": ");
    eval_json_num(b, v->num);
    buf_puts(b, ", \"by\": ");
    jperiod(b, v->per);
    buf_putc(b, '}');
    break;
  case F_BUDGET:
    buf_puts(b, "{\"amount\": ");
    eval_json_num(b, v->num);
    buf_puts(b, ", \"currency\": ");
    jstr(b, v->str);
    buf_putc(b, '}');
    break;
  case F_MONTH: buf_printf(b, "%d", (int)v->num); break;
  case F_WAIVE:
    buf_puts(b, "{\"rule\": ");
    jstr(b, v->str);
    buf_puts(b, ", \"reason\": ");
    jstr(b, v->reason);
    buf_putc(b, '}');
    break;
  case F_EXPR: break; /* written from the statement (jattrs) */
  case F_NUMBER:
  case F_SCALE: eval_json_num(b, v->num); break;
  case F_BOUNDS:
    buf_puts(b, "{\"low\": ");
    eval_json_num(b, v->num);
    buf_puts(b, ", \"high\": ");
    eval_json_num(b, v->hi);
    buf_putc(b, '}');
    break;
  case F_COMPARE:
    buf_puts(b, "{\"value\": ");
    eval_json_num(b, v->num);
    buf_puts(b, ", \"label\": ");
    jstr(b, v->str);
    buf_putc(b, '}');
    break;
  }
  (void)p;
}

/* "attributes": every attribute given, in the schema's order, one a line. */
static void jattrs(Buf *b, Program *p, const Decl *d, const char *ind) {
  int ns;
  const AttrSpec *specs = chk_specs(d->kind, &ns);
  buf_puts(b, "\"attributes\": {");
  bool first = true;
  Buf t = {0};
  for (int k = 0; d->vals && k < ns; k++) {
    const AttrVals *av = &d->vals[k];
    if (!av->first) continue;
    const AttrSpec *s = &specs[k];
    buf_puts(b, first ? "\n" : ",\n");
    buf_puts(b, ind);
    buf_puts(b, "  \"");
    buf_puts(b, s->name);
    buf_puts(b, "\": ");
    first = false;
    if (s->form == F_EXPR) {
      t.len = 0;
      expr_text(p, av->first, &t);
      jstr(b, buf_str(&t));
      continue;
    }
    bool list = s->flags & (A_LIST | A_REPEAT);
    if (list) buf_putc(b, '[');
    for (int j = 0; j < av->n; j++) {
      if (j) buf_puts(b, ", ");
      jvalue(b, p, s, &av->vals[j]);
      if (!list) break;
    }
    if (list) buf_putc(b, ']');
    else if (!av->n) buf_puts(b, "null");
  }
  buf_free(&t);
  buf_puts(b, first ? "}" : "\n");
  if (!first) buf_printf(b, "%s}", ind);
}

static void jhead(Buf *b, Program *p, const Decl *d) {
  const Src *s = src_get(&p->srcs, d->loc.file);
  buf_puts(b, "\"kind\": ");
  jstr(b, ast_kind_name(d->kind));
  buf_puts(b, ", \"id\": ");
  jstr(b, d->id);
  buf_puts(b, ", \"title\": ");
  jstr(b, d->title);
  buf_puts(b, ", \"location\": ");
  jloc(b, p, d->id_loc);
  buf_puts(b, ", \"module\": ");
  jstr(b, s ? s->module : NULL);
}

static void jreferenced(Buf *b, const Program *p, const Reverse *r, const Decl *d) {
  buf_puts(b, "\"referenced_by\": {");
  int attr = -1;
  for (int i = r->start[d->index]; i < r->start[d->index + 1]; i++) {
    const Edge *e = &r->e[i];
    const Decl *from = p->decls.items[e->from];
    if (e->attr != attr) {
      buf_printf(b, "%s\"%s.%s\": [", attr < 0 ? "" : "], ", ast_kind_name((DeclKind)(e->attr >> 8)),
                 spec_of(e->attr)->name);
      attr = e->attr;
    } else
      buf_puts(b, ", ");
    jstr(b, from->id);
  }
  buf_puts(b, attr < 0 ? "}" : "]}");
}

static void jdisclosure_block(Buf *b, Program *p, const Decl *c) {
  const Attr *block = NULL;
  for (int i = 0; i < c->nattrs; i++)
    if (c->attrs[i]->kind == ST_BLOCK) block = c->attrs[i];
  if (!block) {
    buf_puts(b, "null");
    return;
  }
  buf_putc(b, '{');
  eval_json_policy(b, program_disclosure(p));
  buf_puts(b, ", \"location\": ");
  jloc(b, p, block->name_loc);
  buf_putc(b, '}');
}

static void jequity(Buf *b, const EvalEquity *q, bool policy) {
  buf_putc(b, '{');
  eval_json_equity(b, q, ", ");
  eval_json_equity_groups(b, q, policy, ", ");
  buf_putc(b, '}');
}

static void jevaluation(Buf *b, const EvalResult *r) {
  char day[11];
  present_day_text(r->as_of, day);
  bool policy = r->has_policy && !r->disclosure_off;
  buf_printf(b, "{\n    \"as_of\": \"%s\",\n    \"disclosure\": ", day);
  if (r->disclosure_off) {
    buf_puts(b, "{\"applied\": false, \"for_publication\": false, \"notice\": ");
    jstr(b, EVAL_NO_DISCLOSURE_NOTICE);
    buf_putc(b, '}');
  } else if (r->has_policy)
    buf_puts(b, "{\"applied\": true, \"for_publication\": true, \"notice\": null}");
  else
    buf_puts(b, "null");
  buf_puts(b, ",\n    \"indicators\": [");
  for (int i = 0; i < r->n; i++) {
    const EvalIndicator *e = &r->inds[i];
    buf_puts(b, i ? ",\n      {\"id\": " : "\n      {\"id\": ");
    jstr(b, e->decl->id);
    buf_puts(b, ", \"direction\": ");
    jstr(b, eval_direction_name(e->dir));
    buf_puts(b, ", \"baseline\": ");
    eval_json_value_period(b, e->has_baseline, e->baseline, e->baseline_per);
    buf_puts(b, ", \"target\": ");
    eval_json_value_period(b, e->has_target, e->target, e->target_per);
    buf_puts(b, ", \"latest\": ");
    if (e->has_latest) {
      bool withheld = disclose_withheld(e->latest_state);
      buf_puts(b, "{\"value\": ");
      eval_json_num(b, withheld ? NAN : e->latest);
      buf_puts(b, ", \"period\": ");
      jstr(b, e->latest_period);
      buf_puts(b, ", \"flags\": ");
      eval_json_flags(b, e->latest_flags);
      buf_printf(b, ", \"state\": \"%s\", \"reason\": ", withheld ? "withheld" : "shown");
      jstr(b, withheld ? disclose_public_reason(e->latest_state) : NULL);
      buf_putc(b, '}');
    } else
      buf_puts(b, "null");
    buf_puts(b, ", \"withheld\": ");
    jstr(b, e->withheld);
    bool hide = disclose_withheld(e->latest_state);
    buf_puts(b, ", \"progress\": ");
    eval_json_num(b, hide ? NAN : e->progress);
    buf_puts(b, ", \"variance\": ");
    eval_json_num(b, hide ? NAN : e->variance);
    buf_puts(b, ", \"status\": ");
    jstr(b, eval_status_name(e->status));
    buf_puts(b, ", \"stale\": ");
    eval_json_tri(b, e->stale);
    buf_puts(b, ", \"projected\": ");
    eval_json_num(b, e->projected);
    buf_printf(b, ", \"projected_clamped\": %s, \"projected_met\": ", e->projected_clamped ? "true" : "false");
    eval_json_tri(b, e->projected_met);
    buf_puts(b, ", \"trend\": ");
    jstr(b, eval_trend_name(e->trend));
    buf_puts(b, ", \"break\": ");
    jstr(b, e->break_period);
    buf_printf(b, ", \"observations\": %d", e->nobs);
    buf_puts(b, ", \"equity\": [");
    for (int k = 0; k < e->nequity; k++) {
      buf_puts(b, k ? ",\n        " : "\n        ");
      jequity(b, &e->equity[k], policy);
    }
    buf_puts(b, e->nequity ? "\n      ]}" : "]}");
  }
  buf_puts(b, r->n ? "\n    ],\n    \"summary\": {" : "],\n    \"summary\": {");
  for (int s = 0; s < EV_NOT_MET; s++) buf_printf(b, "%s\"%s\": %d", s ? ", " : "", eval_status_name(s), r->counts[s]);
  buf_puts(b, "}\n  }");
}

static void jfinding(Buf *b, Program *p, const Diag *g) {
  buf_puts(b, "{\"rule\": ");
  jstr(b, g->rule);
  buf_printf(b, ", \"severity\": \"%s\", \"message\": ", sev_name(g->sev));
  jstr(b, g->msg);
  buf_puts(b, ", \"location\": ");
  jloc(b, p, g->loc);
  buf_puts(b, ", \"help\": ");
  jstr(b, g->help);
  buf_puts(b, ", \"notes\": [");
  for (const DiagNote *n = g->notes; n; n = n->next) {
    buf_puts(b, n == g->notes ? "{\"message\": " : ", {\"message\": ");
    jstr(b, n->msg);
    buf_puts(b, ", \"location\": ");
    if (n->has_loc) jloc(b, p, n->loc);
    else buf_puts(b, "null");
    buf_putc(b, '}');
  }
  buf_puts(b, "]}");
}

void export_json(Program *p, const EvalResult *ev, Buf *b) {
  sort_diags(p);
  Reverse rev;
  reverse_build(p, &rev);
  const Src *entry = src_get(&p->srcs, p->entry);
  buf_printf(b, "{\n  \"schema_version\": %d,\n  \"entry\": ", EXPORT_SCHEMA_VERSION);
  jstr(b, entry ? entry->path : NULL);
  buf_puts(b, ",\n  \"files\": [");
  for (int i = 0; i < p->srcs.len; i++) {
    const Src *s = p->srcs.files[i];
    buf_puts(b, i ? ",\n    {\"path\": " : "\n    {\"path\": ");
    jstr(b, s->path);
    buf_puts(b, ", \"module\": ");
    jstr(b, s->module);
    buf_printf(b, ", \"standard\": %s}", s->is_stdlib ? "true" : "false");
  }
  buf_puts(b, p->srcs.len ? "\n  ],\n  \"modules\": [" : "],\n  \"modules\": [");
  for (int i = 0; i < p->modules.len; i++) {
    if (i) buf_puts(b, ", ");
    jstr(b, p->modules.items[i]);
  }
  buf_puts(b, "],\n  \"charter\": ");
  if (p->charter) {
    buf_puts(b, "{");
    jhead(b, p, p->charter);
    buf_puts(b, ",\n    ");
    jattrs(b, p, p->charter, "    ");
    buf_puts(b, ",\n    \"disclosure\": ");
    jdisclosure_block(b, p, p->charter);
    buf_puts(b, "}");
  } else
    buf_puts(b, "null");
  buf_puts(b, ",\n  \"declarations\": [");
  bool first = true;
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind == D_CHARTER) continue;
    buf_puts(b, first ? "\n    {" : ",\n    {");
    first = false;
    jhead(b, p, d);
    buf_puts(b, ",\n     ");
    jattrs(b, p, d, "     ");
    buf_puts(b, ",\n     ");
    jreferenced(b, p, &rev, d);
    buf_putc(b, '}');
  }
  buf_puts(b, first ? "],\n  \"waivers\": [" : "\n  ],\n  \"waivers\": [");
  for (int i = 0; i < p->waivers.len; i++) {
    const Item *w = p->waivers.items[i];
    buf_puts(b, i ? ",\n    {\"rule\": " : "\n    {\"rule\": ");
    jstr(b, w->name);
    buf_puts(b, ", \"reason\": ");
    jstr(b, w->reason);
    buf_puts(b, ", \"location\": ");
    jloc(b, p, w->loc);
    buf_putc(b, '}');
  }
  buf_puts(b, p->waivers.len ? "\n  ],\n  \"findings\": [" : "],\n  \"findings\": [");
  for (int i = 0; i < p->diags.items.len; i++) {
    buf_puts(b, i ? ",\n    " : "\n    ");
    jfinding(b, p, p->diags.items.items[i]);
  }
  buf_puts(b, p->diags.items.len ? "\n  ],\n  \"evaluation\": " : "],\n  \"evaluation\": ");
  if (ev) jevaluation(b, ev);
  else buf_puts(b, "null");
  buf_puts(b, "\n}\n");
  reverse_free(&rev);
}

/* ---- Kumu ---- */

/* The kinds a system map shows, and Kumu's type for each. */
static const char *kumu_type(DeclKind k) {
  switch (k) {
  case D_PARTNER: return "Partner";
  case D_COUNCIL: return "Council";
  case D_GOAL: return "Goal";
  case D_OUTCOME: return "Outcome";
  case D_INDICATOR: return "Indicator";
  case D_ACTIVITY: return "Activity";
  default: return NULL;
  }
}

/* A connection a reference attribute makes: from the declaration holding it
 * to the one it names, or reversed (the partner owns the activity). */
typedef struct KumuLink {
  AttrId attr;
  const char *type;
  bool reversed;
} KumuLink;

static const KumuLink kumu_links[] = {
    {AT_COUNCIL_MEMBERS, "member of", true},
    {AT_COUNCIL_CHAIRS, "chairs", true},
    {AT_GOAL_INDICATOR, "measures", true},
    {AT_OUTCOME_LEADS_TO, "leads to", false},
    {AT_OUTCOME_INDICATOR, "measures", true},
    {AT_INDICATOR_REPORTED_BY, "reports", true},
    {AT_ACTIVITY_OWNER, "owns", true},
    {AT_ACTIVITY_COMMUNITY_OWNER, "community owns", true},
    {AT_ACTIVITY_CONTRIBUTES_TO, "contributes to", false},
    {AT_ACTIVITY_METRIC, "measures", true},
    {AT_ACTIVITY_FUNDED_BY, "funds", true},
};

/* A custom field: "Name": "text" (NULL or empty: left out). */
static void kfield(Buf *b, const char *name, const char *text) {
  if (!text || !*text) return;
  buf_printf(b, ", \"%s\": ", name);
  jstr(b, text);
}

/* The word of a one-valued symbol attribute into t (empty when not given). */
static void words(Buf *t, const Decl *d, AttrId id) {
  const AttrVals *av = decl_attr(d, id);
  int ns;
  const AttrSpec *s = &chk_specs(d->kind, &ns)[ATTR_SLOT(id)];
  t->len = 0;
  if (t->data) t->data[0] = '\0';
  if (av->n) buf_puts(t, s->symbols[av->vals[0].form]);
}

/* A multi-valued field: "Name": ["word", ...], each word once, as Kumu
 * keeps the values of a field that takes several (left out when empty). */
static void kfield_list(Buf *b, const char *name, const Decl *d, AttrId id) {
  const AttrVals *av = decl_attr(d, id);
  int ns;
  const AttrSpec *s = &chk_specs(d->kind, &ns)[ATTR_SLOT(id)];
  if (!av->n) return;
  buf_printf(b, ", \"%s\": [", name);
  for (int i = 0, n = 0; i < av->n; i++) {
    bool seen = false;
    for (int k = 0; k < i; k++) seen |= av->vals[k].form == av->vals[i].form;
    if (seen) continue;
    buf_puts(b, n++ ? ", " : "");
    jstr(b, s->symbols[av->vals[i].form]);
  }
  buf_putc(b, ']');
}

static void ktags(Buf *b, const Decl *d) {
  static const AttrId tagged[] = {AT_PARTNER_SECTOR, AT_PARTNER_ROLE, AT_OUTCOME_HORIZON, AT_OUTCOME_CHANGE,
                                  AT_INDICATOR_MEASURES, AT_ACTIVITY_STATUS, AT_COUNCIL_DECIDES};
  int ns, n = 0;
  StrMap seen;
  strmap_init(&seen);
  buf_puts(b, ", \"tags\": [");
  for (size_t t = 0; t < sizeof tagged / sizeof *tagged; t++) {
    const AttrVals *av = decl_attr(d, tagged[t]);
    const AttrSpec *s = &chk_specs(d->kind, &ns)[ATTR_SLOT(tagged[t])];
    for (int i = 0; i < av->n; i++) {
      const char *w = s->symbols[av->vals[i].form];
      if (strmap_get(&seen, w)) continue; /* a word once, whichever attribute gives it */
      strmap_put(&seen, w, (void *)w);
      buf_puts(b, n++ ? ", " : "");
      jstr(b, w);
    }
  }
  buf_putc(b, ']');
  strmap_free(&seen);
}

void export_kumu(Program *p, const EvalResult *ev, Buf *b) {
  Buf t = {0};
  buf_puts(b, "{\n  \"elements\": [");
  int n = 0;
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    const char *type = kumu_type(d->kind);
    if (!type) continue;
    buf_puts(b, n++ ? ",\n    {\"id\": " : "\n    {\"id\": ");
    jstr(b, d->id);
    buf_puts(b, ", \"label\": ");
    jstr(b, d->title && *d->title ? d->title : d->id);
    buf_printf(b, ", \"type\": \"%s\"", type);
    const AttrVals *note = NULL;
    int ns;
    const AttrSpec *specs = chk_specs(d->kind, &ns);
    for (int k = 0; d->vals && k < ns; k++)
      if (!strcmp(specs[k].name, "note") && d->vals[k].n) note = &d->vals[k];
    buf_puts(b, ", \"description\": ");
    if (ev && ev->disclosure_off && d->kind == D_INDICATOR) {
      /* a --no-disclosure map says so where Kumu shows an element */
      t.len = 0;
      buf_printf(&t, "%s%s%s", EXPORT_NOT_FOR_PUBLICATION_NOTICE, note ? "\n\n" : "", note ? note->vals[0].str : "");
      jstr(b, buf_str(&t));
    } else
      jstr(b, note ? note->vals[0].str : "");
    ktags(b, d);
    kfield(b, "Charter id", d->id);
    switch (d->kind) {
    case D_PARTNER:
      kfield_list(b, "Sector", d, AT_PARTNER_SECTOR);
      kfield_list(b, "Role", d, AT_PARTNER_ROLE);
      kfield(b, "Community", partner_view(d)->is_community ? "yes" : "no");
      break;
    case D_OUTCOME:
      words(&t, d, AT_OUTCOME_HORIZON), kfield(b, "Horizon", buf_str(&t));
      words(&t, d, AT_OUTCOME_CHANGE), kfield(b, "Change", buf_str(&t));
      break;
    case D_ACTIVITY: {
      const ActivityView *v = activity_view(d);
      words(&t, d, AT_ACTIVITY_STATUS), kfield(b, "Status", buf_str(&t));
      if (v->has_budget) {
        t.len = 0;
        eval_num_text(&t, v->budget);
        buf_printf(&t, " %s", v->currency ? v->currency : "");
        kfield(b, "Budget", buf_str(&t));
      }
      break;
    }
    case D_INDICATOR: {
      const IndicatorView *v = indicator_view(d);
      char pt[16];
      kfield(b, "Unit", v->unit);
      kfield(b, "Direction", eval_direction_name(v->dir));
      if (v->has_baseline) {
        t.len = 0;
        eval_num_text(&t, v->baseline);
        period_text(v->baseline_per, pt);
        buf_printf(&t, " in %s", pt);
        kfield(b, "Baseline", buf_str(&t));
      }
      if (v->has_target) {
        t.len = 0;
        eval_num_text(&t, v->target);
        period_text(v->target_by, pt);
        buf_printf(&t, " by %s", pt);
        kfield(b, "Target", buf_str(&t));
      }
      const EvalIndicator *e = ev ? eval_find(ev, d) : NULL;
      if (e) {
        if (ev->disclosure_off) kfield(b, "Publication", EXPORT_NOT_FOR_PUBLICATION);
        kfield(b, "Status", eval_status_name(e->status));
        kfield(b, "Trend", eval_trend_name(e->trend));
        if (e->has_latest && !disclose_withheld(e->latest_state)) {
          t.len = 0;
          eval_num_text(&t, e->latest);
          buf_printf(&t, " in %s", e->latest_period ? e->latest_period : "");
          kfield(b, "Latest", buf_str(&t));
        } else if (e->has_latest) {
          t.len = 0;
          buf_printf(&t, "withheld (%s) in %s", disclose_public_reason(e->latest_state),
                     e->latest_period ? e->latest_period : "");
          kfield(b, "Latest", buf_str(&t));
        }
      }
      break;
    }
    default: break;
    }
    buf_putc(b, '}');
  }
  buf_puts(b, n ? "\n  ],\n  \"connections\": [" : "],\n  \"connections\": [");
  n = 0;
  /* Kumu needs every id unique: a list naming an element twice (chairs
   * fit_office, fit_office) makes one connection */
  StrMap made;
  strmap_init(&made);
  Vec ids = {0};
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    for (size_t l = 0; l < sizeof kumu_links / sizeof *kumu_links; l++) {
      const KumuLink *k = &kumu_links[l];
      if (ATTR_KIND(k->attr) != d->kind) continue;
      const AttrVals *av = decl_attr(d, k->attr);
      for (int j = 0; j < av->n; j++) {
        const Decl *o = av->vals[j].ref;
        if (!o || !kumu_type(o->kind)) continue;
        const char *from = k->reversed ? o->id : d->id, *to = k->reversed ? d->id : o->id;
        t.len = 0;
        buf_printf(&t, "%s>%s>%s", from, k->type, to);
        if (strmap_get(&made, buf_str(&t))) continue;
        char *id = xstrdup(buf_str(&t));
        vec_push(&ids, id);
        strmap_put(&made, id, id);
        buf_puts(b, n++ ? ",\n    {\"id\": " : "\n    {\"id\": ");
        jstr(b, buf_str(&t));
        buf_puts(b, ", \"from\": ");
        jstr(b, from);
        buf_puts(b, ", \"to\": ");
        jstr(b, to);
        buf_printf(b, ", \"type\": \"%s\", \"direction\": \"directed\"}", k->type);
      }
    }
  }
  buf_puts(b, n ? "\n  ]\n}\n" : "]\n}\n");
  for (int i = 0; i < ids.len; i++) free(ids.items[i]);
  vec_free(&ids);
  strmap_free(&made);
  buf_free(&t);
}

/* ---- CSV ---- */

const char *export_table_name(DeclKind k) {
  static const char *const names[D_KIND_COUNT] = {"charter.csv",  "partners.csv",   "councils.csv",
                                                  "dimensions.csv", "goals.csv",    "outcomes.csv",
                                                  "indicators.csv", "activities.csv", "rules.csv",
                                                  "views.csv"};
  return (unsigned)k < D_KIND_COUNT ? names[k] : NULL;
}

/* A value as the language writes it (a list's items are joined by "; "). */
static void value_text(Buf *t, const AttrSpec *s, const Value *v) {
  char a[16], c[16];
  switch (s->form) {
  case F_TEXT:
  case F_STRING: buf_puts(t, v->str ? v->str : ""); break;
  case F_SYMBOL: buf_puts(t, s->symbols ? s->symbols[v->form] : ""); break;
  case F_REF: buf_puts(t, v->ref ? v->ref->id : v->str ? v->str : ""); break;
  case F_PERIOD: period_text(v->per, a), buf_puts(t, a); break;
  case F_RANGE:
    period_text(v->per, a), period_text(v->per2, c);
    buf_printf(t, "%s to %s", a, c);
    break;
  case F_NUM_IN:
  case F_NUM_BY:
    eval_num_text(t, v->num);
    period_text(v->per, a);
    buf_printf(t, " %s %s", s->form == F_NUM_IN ? "in" : "by", a);
    break;
  case F_EQUITY:
    period_text(v->per, a);
    buf_printf(t, "%s ", v->ref ? v->ref->id : "");
    if (v->form == EQ_GROUP) buf_printf(t, "\"%s\" ", v->str ? v->str : "");
    else buf_printf(t, "%s ", eval_form_name(v->form));
    eval_num_text(t, v->num);
    if (v->form != EQ_GROUP && v->reference) buf_printf(t, " to \"%s\"", v->reference);
    buf_printf(t, " by %s", a);
    break;
  case F_BUDGET:
    eval_num_text(t, v->num);
    buf_printf(t, " %s", v->str ? v->str : "");
    break;
  case F_MONTH: buf_printf(t, "%d", (int)v->num); break;
  case F_WAIVE: buf_printf(t, "%s \"%s\"", v->str ? v->str : "", v->reason ? v->reason : ""); break;
  case F_EXPR: break;
  case F_NUMBER:
  case F_SCALE: eval_num_text(t, v->num); break;
  case F_BOUNDS:
    eval_num_text(t, v->num);
    buf_puts(t, " to ");
    eval_num_text(t, v->hi);
    break;
  case F_COMPARE:
    eval_num_text(t, v->num);
    buf_printf(t, " \"%s\"", v->str ? v->str : "");
    break;
  }
}

static ExportTable *table_add(ExportTables *out, const char *name) {
  out->t = xrealloc(out->t, (size_t)(out->n + 1) * sizeof *out->t);
  ExportTable *t = &out->t[out->n++];
  t->name = name;
  t->data = (Buf){0};
  return t;
}

/* file,line,column of loc as three cells. */
static void cloc(Buf *b, Program *p, Loc loc) {
  Src *s = src_get(&p->srcs, loc.file);
  int line = 0, col = 0;
  if (s) src_linecol(s, loc.start, &line, &col);
  eval_csv_str(b, s ? s->path : "");
  buf_printf(b, ",%d,%d", line, col);
}

/* The header line of a kind's table. */
static void kind_header(Buf *b, DeclKind kind) {
  int ns;
  const AttrSpec *specs = chk_specs(kind, &ns);
  buf_puts(b, kind == D_CHARTER ? "title,file,line,column,module" : "id,title,file,line,column,module");
  for (int k = 0; k < ns; k++) buf_printf(b, ",%s", specs[k].name);
  if (kind == D_CHARTER) buf_puts(b, ",disclosure");
  buf_puts(b, "\r\n");
}

static void kind_table(Program *p, DeclKind kind, ExportTables *out) {
  int ns;
  const AttrSpec *specs = chk_specs(kind, &ns);
  ExportTable *tab = NULL;
  Buf t = {0};
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind != kind) continue;
    if (!tab) {
      tab = table_add(out, export_table_name(kind));
      kind_header(&tab->data, kind);
    }
    Buf *b = &tab->data;
    if (kind != D_CHARTER) {
      eval_csv_str(b, d->id);
      buf_putc(b, ',');
    }
    eval_csv_str(b, d->title);
    buf_putc(b, ',');
    cloc(b, p, d->id_loc);
    const Src *s = src_get(&p->srcs, d->loc.file);
    buf_putc(b, ',');
    eval_csv_str(b, s ? s->module : NULL);
    for (int k = 0; k < ns; k++) {
      buf_putc(b, ',');
      const AttrVals *av = d->vals ? &d->vals[k] : &attr_absent;
      if (!av->first) continue;
      t.len = 0;
      if (t.data) t.data[0] = '\0';
      if (specs[k].form == F_EXPR) {
        expr_text(p, av->first, &t);
      } else {
        for (int j = 0; j < av->n; j++) {
          if (j) buf_puts(&t, "; ");
          value_text(&t, &specs[k], &av->vals[j]);
        }
      }
      eval_csv_str(b, buf_str(&t));
    }
    if (kind == D_CHARTER) {
      buf_putc(b, ',');
      const DisclosurePolicy *dp = program_disclosure(p);
      t.len = 0;
      if (t.data) t.data[0] = '\0';
      if (dp->present) {
        if (dp->suppress_below > 0) buf_puts(&t, "suppress below "), eval_num_text(&t, dp->suppress_below);
        if (dp->unstable_below > 0)
          buf_puts(&t, t.len ? "; unstable below " : "unstable below "), eval_num_text(&t, dp->unstable_below);
        if (dp->complementary) buf_puts(&t, t.len ? "; complementary" : "complementary");
        buf_printf(&t, "%sunknown counts %s", t.len ? "; " : "", dp->unknown_counts_shown ? "shown" : "withheld");
      }
      eval_csv_str(b, buf_str(&t));
    }
    buf_puts(b, "\r\n");
  }
  buf_free(&t);
}

/* The evaluation's tables begin with the column publication: empty, or
 * "not for publication" on every row of a --no-disclosure export, so that
 * whoever opens the sheet sees it. */
#define EVALUATION_HEADER                                                                                        \
  "publication,id,title,unit,as_of,status,latest,latest_period,latest_state,reason,baseline,baseline_period,"   \
  "target,target_period,progress,trend,stale,projected,observations\r\n"
#define EQUITY_HEADER                                                                                            \
  "publication,id,dimension,form,group,reference,limit,by,period,status,gap,ratio,value,best_group,worst_group," \
  "not_shown\r\n"

static void eval_tables(const EvalResult *r, ExportTables *out) {
  ExportTable *tab = table_add(out, "evaluation.csv");
  Buf *b = &tab->data;
  char day[11];
  present_day_text(r->as_of, day);
  const char *mark = r->disclosure_off ? EXPORT_NOT_FOR_PUBLICATION : "";
  buf_puts(b, EVALUATION_HEADER);
  for (int i = 0; i < r->n; i++) {
    const EvalIndicator *e = &r->inds[i];
    const IndicatorView *v = indicator_view(e->decl);
    bool withheld = e->has_latest && disclose_withheld(e->latest_state);
    buf_printf(b, "%s,", mark);
    eval_csv_str(b, e->decl->id);
    buf_putc(b, ',');
    eval_csv_str(b, e->decl->title);
    buf_putc(b, ',');
    eval_csv_str(b, v ? v->unit : NULL);
    buf_printf(b, ",%s,%s,", day, eval_status_name(e->status));
    if (e->has_latest && !withheld) eval_csv_num(b, e->latest);
    buf_putc(b, ',');
    eval_csv_str(b, e->has_latest ? e->latest_period : NULL);
    buf_printf(b, ",%s,", !e->has_latest ? "" : withheld ? "withheld" : "shown");
    eval_csv_str(b, withheld ? disclose_public_reason(e->latest_state) : NULL);
    buf_putc(b, ',');
    eval_csv_value_period(b, e->has_baseline, e->baseline, e->baseline_per);
    eval_csv_value_period(b, e->has_target, e->target, e->target_per);
    if (!withheld) eval_csv_num(b, e->progress);
    buf_putc(b, ',');
    eval_csv_str(b, eval_trend_name(e->trend));
    buf_putc(b, ',');
    eval_csv_tri(b, e->stale);
    buf_putc(b, ',');
    eval_csv_num(b, e->projected);
    buf_printf(b, ",%d\r\n", e->nobs);
  }
  bool policy = r->has_policy && !r->disclosure_off;
  tab = table_add(out, "equity.csv");
  b = &tab->data;
  buf_puts(b, EQUITY_HEADER);
  for (int i = 0; i < r->n; i++) {
    const EvalIndicator *e = &r->inds[i];
    for (int k = 0; k < e->nequity; k++) {
      const EvalEquity *q = &e->equity[k];
      buf_printf(b, "%s,", mark);
      eval_csv_equity_line(b, e, q);
      buf_printf(b, ",%s,", eval_status_name(q->status));
      eval_csv_num(b, q->gap);
      buf_putc(b, ',');
      eval_csv_num(b, q->ratio);
      buf_putc(b, ',');
      eval_csv_num(b, q->value);
      buf_putc(b, ',');
      eval_csv_str(b, q->best);
      buf_putc(b, ',');
      eval_csv_str(b, q->worst);
      buf_putc(b, ',');
      eval_csv_str(b, policy && q->not_shown ? "small_numbers" : NULL); /* the reason's word, as in the JSON */
      buf_puts(b, "\r\n");
    }
  }
}

void export_csv(Program *p, const EvalResult *ev, ExportTables *out) {
  *out = (ExportTables){0};
  sort_diags(p);
  for (int k = 0; k < D_KIND_COUNT; k++) kind_table(p, (DeclKind)k, out);
  ExportTable *tab = table_add(out, "waivers.csv");
  buf_puts(&tab->data, "rule,reason,file,line,column\r\n");
  for (int i = 0; i < p->waivers.len; i++) {
    const Item *w = p->waivers.items[i];
    eval_csv_str(&tab->data, w->name);
    buf_putc(&tab->data, ',');
    eval_csv_str(&tab->data, w->reason);
    buf_putc(&tab->data, ',');
    cloc(&tab->data, p, w->loc);
    buf_puts(&tab->data, "\r\n");
  }
  tab = table_add(out, "findings.csv");
  buf_puts(&tab->data, "severity,rule,message,file,line,column,help\r\n");
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    buf_printf(&tab->data, "%s,", sev_name(g->sev));
    eval_csv_str(&tab->data, g->rule);
    buf_putc(&tab->data, ',');
    eval_csv_str(&tab->data, g->msg);
    buf_putc(&tab->data, ',');
    cloc(&tab->data, p, g->loc);
    buf_putc(&tab->data, ',');
    eval_csv_str(&tab->data, g->help);
    buf_puts(&tab->data, "\r\n");
  }
  if (ev) eval_tables(ev, out);
  if (ev && ev->disclosure_off)
    buf_puts(&table_add(out, EXPORT_NOT_FOR_PUBLICATION_FILE)->data, EXPORT_NOT_FOR_PUBLICATION_NOTICE "\n");
}

void export_csv_headers(ExportTables *out) {
  *out = (ExportTables){0};
  for (int k = 0; k < D_KIND_COUNT; k++) kind_header(&table_add(out, export_table_name((DeclKind)k))->data, (DeclKind)k);
  buf_puts(&table_add(out, "waivers.csv")->data, "rule,reason,file,line,column\r\n");
  buf_puts(&table_add(out, "findings.csv")->data, "severity,rule,message,file,line,column,help\r\n");
  buf_puts(&table_add(out, "evaluation.csv")->data, EVALUATION_HEADER);
  buf_puts(&table_add(out, "equity.csv")->data, EQUITY_HEADER);
  buf_puts(&table_add(out, EXPORT_NOT_FOR_PUBLICATION_FILE)->data, EXPORT_NOT_FOR_PUBLICATION_NOTICE "\n");
}

void export_tables_free(ExportTables *t) {
  for (int i = 0; i < t->n; i++) buf_free(&t->t[i].data);
  free(t->t);
  *t = (ExportTables){0};
}
