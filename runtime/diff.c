/* charter diff's engine (docs/diff.md): the declarations of two checked
 * programs matched by id (and by content, for renames), compared attribute
 * by attribute, and classified. */
#define _POSIX_C_SOURCE 200809L
#include "diff.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

static const struct {
  const char *name, *one, *many;
} classes[DC_COUNT] = {
    {"target_weakened", "target weakened", "targets weakened"},
    {"equity_weakened", "equity target weakened", "equity targets weakened"},
    {"community_owner_removed", "community owner removed", "community owners removed"},
    {"metric_removed", "metric removed", "metrics removed"},
    {"indicator_removed", "indicator removed", "indicators removed"},
    {"baseline_changed", "baseline changed", "baselines changed"},
    {"rule_waived", "waiver added", "waivers added"},
    {"module_dropped", "module dropped", "modules dropped"},
    {"council_power_reduced", "council's community seats reduced", "councils' community seats reduced"},
    {"added", "added", "added"},
    {"removed", "removed", "removed"},
    {"renamed", "renamed", "renamed"},
    {"changed", "changed", "changed"},
};

const char *diff_class_name(DiffClass c) { return classes[c].name; }
const char *diff_class_words(DiffClass c, int n) { return n == 1 ? classes[c].one : classes[c].many; }

int diff_class_from_name(const char *s, size_t n) {
  for (int c = 0; c < DC_COUNT; c++)
    if (strlen(classes[c].name) == n && strncmp(classes[c].name, s, n) == 0) return c;
  return -1;
}

/* ---- the state of one comparison ---- */

typedef struct Side {
  const Program *p;
  StrMap ids;          /* id -> Decl * of the program's own files */
  const char *dir;     /* the entry's folder, as its real path starts ("/x/") */
} Side;

typedef struct Cx {
  Side o, n;
  StrMap old_to_new;   /* renamed: old id -> new id */
  StrMap new_to_old;   /* renamed: new id -> old id */
  const DiffOptions *opt;
  Diff *d;
  int cap_changes, cap_findings;
} Cx;

/* An old id under its new name when the declaration was renamed, else as it is. */
static const char *mapped(const Cx *x, const char *id) {
  const char *r = id ? strmap_get(&x->old_to_new, id) : NULL;
  return r && *r ? r : id;
}

static bool own_file(const Program *p, uint32_t file) {
  const Src *s = src_get(&p->srcs, file);
  return !s->is_module && !s->is_stdlib;
}

static const char *key_of(const Decl *d) { return d->id ? d->id : "charter"; }

/* The text of loc with every run of white space made one space. */
static char *loc_text(Arena *a, const Program *p, Loc loc) {
  const Src *s = src_get(&p->srcs, loc.file);
  Buf b = {0};
  bool space = false;
  for (uint32_t i = loc.start; i < loc.end && i < s->len; i++) {
    char c = s->text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && b.len) buf_putc(&b, ' ');
    space = false;
    buf_putc(&b, c);
  }
  char *r = arena_strdup(a, buf_str(&b));
  buf_free(&b);
  return r;
}

/* The real path of file relative to the entry's folder. */
static const char *rel_path(const Side *s, uint32_t file) {
  const Src *src = src_get(&s->p->srcs, file);
  const char *path = src->real ? src->real : src->path;
  size_t n = strlen(s->dir);
  return strncmp(path, s->dir, n) == 0 ? path + n : path;
}

static void side_init(Side *s, const Program *p, Arena *a) {
  s->p = p;
  strmap_init(&s->ids);
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.items[i];
    if (own_file(p, d->loc.file)) strmap_put(&s->ids, key_of(d), d);
  }
  const Src *e = src_get(&p->srcs, p->entry);
  const char *entry = e->real ? e->real : e->path;
  const char *slash = strrchr(entry, '/');
  s->dir = slash ? arena_strndup(a, entry, (size_t)(slash - entry + 1)) : "";
}

/* ---- values as written and as compared ---- */

/* One value: as written, and its key (references to renamed declarations
 * of the old side under their new id). */
typedef struct Val {
  const char *shown, *key;
} Val;

typedef struct Vals {
  Val *v;
  int n, cap;
  Loc loc;
  bool present;
} Vals;

static void vals_push(Arena *a, Vals *vs, const char *shown, const char *key) {
  if (vs->n == vs->cap) {
    int cap = vs->cap ? vs->cap * 2 : 4;
    Val *nv = arena_alloc(a, (size_t)cap * sizeof *nv);
    if (vs->n) memcpy(nv, vs->v, (size_t)vs->n * sizeof *nv);
    vs->v = nv;
    vs->cap = cap;
  }
  vs->v[vs->n++] = (Val){shown, key};
}

/* A phrase as written, and as its key: each identifier the old side
 * renamed under its new name (or, with unknown, every identifier that is
 * the id of a declaration only one side has, as "?": renames' signatures). */
static void phrase_val(Cx *x, const Side *s, const Phrase *ph, const StrMap *unknown, Vals *out) {
  Arena *a = &x->d->arena;
  Buf shown = {0}, key = {0};
  for (int i = 0; i < ph->n; i++) {
    const Atom *at = &ph->atoms[i];
    char *t = loc_text(a, s->p, at->loc);
    if (i) buf_putc(&shown, ' '), buf_putc(&key, ' ');
    buf_puts(&shown, t);
    const char *k = t;
    if (at->kind == ATOM_IDENT) {
      if (unknown && strmap_get(unknown, at->text)) k = "?";
      else if (s == &x->o) k = mapped(x, at->text);
    }
    buf_puts(&key, k);
  }
  vals_push(a, out, arena_strdup(a, buf_str(&shown)), arena_strdup(a, buf_str(&key)));
  buf_free(&shown);
  buf_free(&key);
}

/* The values of d's statements named name. */
static void attr_vals(Cx *x, const Side *s, const Decl *d, const char *name, const StrMap *unknown, Vals *out) {
  memset(out, 0, sizeof *out);
  if (!d) return;
  for (int i = 0; i < d->nattrs; i++) {
    const Attr *at = d->attrs[i];
    if (strcmp(at->name, name) != 0) continue;
    if (!out->present) out->loc = at->loc, out->present = true;
    if (at->kind == ST_ATTR) {
      for (int k = 0; k < at->nphrases; k++) phrase_val(x, s, &at->phrases[k], unknown, out);
    } else {
      Loc rest = {at->loc.file, at->name_loc.end, at->loc.end};
      char *t = loc_text(&x->d->arena, s->p, rest);
      vals_push(&x->d->arena, out, t, t);
    }
  }
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The same values on both sides, in any order. */
static bool vals_equal(const Vals *a, const Vals *b) {
  if (a->present != b->present || a->n != b->n) return false;
  if (!a->n) return true;
  const char **x = xmalloc((size_t)a->n * sizeof *x), **y = xmalloc((size_t)a->n * sizeof *y);
  for (int i = 0; i < a->n; i++) x[i] = a->v[i].key, y[i] = b->v[i].key;
  qsort(x, (size_t)a->n, sizeof *x, cmp_str);
  qsort(y, (size_t)a->n, sizeof *y, cmp_str);
  bool eq = true;
  for (int i = 0; i < a->n && eq; i++) eq = strcmp(x[i], y[i]) == 0;
  free(x);
  free(y);
  return eq;
}

static const char *vals_shown(Arena *a, const Vals *vs) {
  if (!vs->present) return NULL;
  Buf b = {0};
  for (int i = 0; i < vs->n; i++) {
    if (i) buf_puts(&b, ", ");
    buf_puts(&b, vs->v[i].shown);
  }
  const char *r = arena_strdup(a, buf_str(&b));
  buf_free(&b);
  return r;
}

/* The names of the statements a kind may hold: its attributes, then the
 * charter's nested block. */
static int attr_names(DeclKind k, const char **names, int max) {
  int n = 0, ns;
  const AttrSpec *specs = chk_specs(k, &ns);
  for (int i = 0; i < ns && n < max; i++) names[n++] = specs[i].name;
  if (k == D_CHARTER && n < max) names[n++] = "disclosure";
  return n;
}
#define MAX_ATTRS 64

/* A declaration's whole content as one string: its title and each
 * attribute's sorted keys (with unknown: a rename's signature). */
static char *content_key(Cx *x, const Side *s, const Decl *d, const StrMap *unknown) {
  const char *names[MAX_ATTRS];
  int nn = attr_names(d->kind, names, MAX_ATTRS);
  Buf b = {0};
  buf_printf(&b, "%d\x1f%s", (int)d->kind, d->title ? d->title : "");
  for (int i = 0; i < nn; i++) {
    Vals vs;
    attr_vals(x, s, d, names[i], unknown, &vs);
    if (!vs.present) continue;
    const char **k = xmalloc((size_t)(vs.n + 1) * sizeof *k);
    for (int j = 0; j < vs.n; j++) k[j] = vs.v[j].key;
    qsort(k, (size_t)vs.n, sizeof *k, cmp_str);
    buf_printf(&b, "\x1e%s", names[i]);
    for (int j = 0; j < vs.n; j++) buf_printf(&b, "\x1f%s", k[j]);
    free(k);
  }
  char *r = arena_strdup(&x->d->arena, buf_str(&b));
  buf_free(&b);
  return r;
}

/* ---- building the result ---- */

static int add_change(Cx *x, DiffChange c) {
  Diff *d = x->d;
  if (d->nchanges == x->cap_changes) {
    x->cap_changes = x->cap_changes ? x->cap_changes * 2 : 16;
    d->changes = xrealloc(d->changes, (size_t)x->cap_changes * sizeof *d->changes);
  }
  d->changes[d->nchanges] = c;
  d->nfound[c.kind]++;
  return d->nchanges++;
}

static void add_finding(Cx *x, int change, DiffClass cls, const char *attr, bool on_new, Loc loc, bool judged,
                        const char *fmt, ...) __attribute__((format(printf, 8, 9)));
static void add_finding(Cx *x, int change, DiffClass cls, const char *attr, bool on_new, Loc loc, bool judged,
                        const char *fmt, ...) {
  Diff *d = x->d;
  if (d->nfindings == x->cap_findings) {
    x->cap_findings = x->cap_findings ? x->cap_findings * 2 : 16;
    d->findings = xrealloc(d->findings, (size_t)x->cap_findings * sizeof *d->findings);
  }
  Buf b = {0};
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(&b, fmt, ap);
  va_end(ap);
  d->findings[d->nfindings++] =
      (DiffFinding){cls, change, attr, arena_strdup(&d->arena, buf_str(&b)), on_new, loc, judged};
  buf_free(&b);
  d->changes[change].nfindings++;
  if (judged) d->nfound[cls]++;
  else d->unjudged++;
}

/* ---- classification ---- */

static int32_t day_of(Period p) { return period_last_day(p); }
static bool same_period(Period a, Period b) {
  return period_first_day(a) == period_first_day(b) && period_last_day(a) == period_last_day(b);
}

/* A value phrase as written (NUMBER by PERIOD…), from its location. */
static const char *val_text(Cx *x, const Side *s, const Value *v) { return loc_text(&x->d->arena, s->p, v->loc); }

/* A target-like value (target, milestone, a group's equity target)
 * moved the weak way: against dir, or later. *why receives how. */
static bool weaker(int dir, const Value *o, const Value *n, const char **why) {
  bool worse_value = (dir > 0 && n->num < o->num) || (dir < 0 && n->num > o->num);
  bool later = day_of(n->per) > day_of(o->per);
  if (worse_value && later) *why = dir > 0 ? "lower and later, against direction up" : "higher and later, against direction down";
  else if (worse_value) *why = dir > 0 ? "lower, against direction up" : "higher, against direction down";
  else if (later) *why = "later";
  else return false;
  return true;
}

/* Two equity lines of the same dimension (after renames), form and group
 * (the reference group of a `to` line, or a group target's group). */
static bool equity_same_line(const Cx *x, const Value *o, const Value *n) {
  const char *odim = o->ref ? mapped(x, o->ref->id) : "";
  const char *og = o->form == EQ_GROUP ? o->str : o->reference, *ng = n->form == EQ_GROUP ? n->str : n->reference;
  return n->form == o->form && n->ref && strcmp(n->ref->id, odim) == 0 &&
         ((!og && !ng) || (og && ng && strcmp(og, ng) == 0));
}

static void classify_targets(Cx *x, int ci, const Decl *od, const Decl *nd) {
  const IndicatorView *ov = indicator_view(od), *nv = indicator_view(nd);
  if (!ov || !nv) return;
  int dir = nv->dir ? nv->dir : ov->dir;
  const AttrVals *ot = decl_attr(od, AT_INDICATOR_TARGET), *nt = decl_attr(nd, AT_INDICATOR_TARGET);
  const char *why;
  /* the direction reversed (or dropped) under a target or milestones: the
   * commitment no longer says which way is better */
  if (ov->dir && nv->dir != ov->dir && (ot->n || decl_attr(od, AT_INDICATOR_MILESTONE)->n)) {
    const AttrVals *odir = decl_attr(od, AT_INDICATOR_DIRECTION), *ndir = decl_attr(nd, AT_INDICATOR_DIRECTION);
    if (ndir->n)
      add_finding(x, ci, DC_TARGET_WEAKENED, "direction", true, ndir->vals[0].loc, true,
                  "direction %s became %s: the target now counts the other way as progress", ov->dir > 0 ? "up" : "down",
                  nv->dir > 0 ? "up" : "down");
    else
      add_finding(x, ci, DC_TARGET_WEAKENED, "direction", false, odir->n ? odir->vals[0].loc : od->id_loc, true,
                  "direction %s removed: the target can no longer be judged", ov->dir > 0 ? "up" : "down");
  }
  if (ot->n && !nt->n)
    add_finding(x, ci, DC_TARGET_WEAKENED, "target", false, ot->vals[0].loc, true, "target %s removed",
                val_text(x, &x->o, &ot->vals[0]));
  else if (ot->n && nt->n && weaker(dir, &ot->vals[0], &nt->vals[0], &why))
    add_finding(x, ci, DC_TARGET_WEAKENED, "target", true, nt->vals[0].loc, true, "target %s became %s: %s",
                val_text(x, &x->o, &ot->vals[0]), val_text(x, &x->n, &nt->vals[0]), why);

  /* milestones: paired by the same period, then the rest in date order */
  const AttrVals *om = decl_attr(od, AT_INDICATOR_MILESTONE), *nm = decl_attr(nd, AT_INDICATOR_MILESTONE);
  bool *oused = xcalloc((size_t)om->n + 1, 1), *nused = xcalloc((size_t)nm->n + 1, 1);
  int *pair = xmalloc(((size_t)om->n + 1) * sizeof *pair);
  for (int i = 0; i < om->n; i++) {
    pair[i] = -1;
    for (int j = 0; j < nm->n; j++)
      if (!nused[j] && same_period(om->vals[i].per, nm->vals[j].per)) {
        pair[i] = j, nused[j] = oused[i] = true;
        break;
      }
  }
  for (;;) { /* the earliest unpaired old one with the earliest unpaired new one */
    int bi = -1, bj = -1;
    for (int i = 0; i < om->n; i++)
      if (!oused[i] && (bi < 0 || day_of(om->vals[i].per) < day_of(om->vals[bi].per))) bi = i;
    for (int j = 0; j < nm->n; j++)
      if (!nused[j] && (bj < 0 || day_of(nm->vals[j].per) < day_of(nm->vals[bj].per))) bj = j;
    if (bi < 0 || bj < 0) break;
    pair[bi] = bj, oused[bi] = nused[bj] = true;
  }
  for (int i = 0; i < om->n; i++) {
    if (pair[i] < 0)
      add_finding(x, ci, DC_TARGET_WEAKENED, "milestone", false, om->vals[i].loc, true, "milestone %s removed",
                  val_text(x, &x->o, &om->vals[i]));
    else if (weaker(dir, &om->vals[i], &nm->vals[pair[i]], &why))
      add_finding(x, ci, DC_TARGET_WEAKENED, "milestone", true, nm->vals[pair[i]].loc, true,
                  "milestone %s became %s: %s", val_text(x, &x->o, &om->vals[i]),
                  val_text(x, &x->n, &nm->vals[pair[i]]), why);
  }
  free(oused);
  free(nused);
  free(pair);

  /* equity lines: paired like milestones among the lines of the same
   * dimension, form and group: the same period first, then in date order */
  const AttrVals *oe = decl_attr(od, AT_INDICATOR_EQUITY), *ne = decl_attr(nd, AT_INDICATOR_EQUITY);
  int *epair = xmalloc(((size_t)oe->n + 1) * sizeof *epair);
  bool *eused = xcalloc((size_t)ne->n + 1, 1);
  for (int i = 0; i < oe->n; i++) {
    epair[i] = -1;
    for (int j = 0; j < ne->n && epair[i] < 0; j++)
      if (!eused[j] && equity_same_line(x, &oe->vals[i], &ne->vals[j]) && same_period(oe->vals[i].per, ne->vals[j].per))
        epair[i] = j, eused[j] = true;
  }
  for (;;) { /* the earliest unpaired old line with the earliest unused new one of the same line */
    int bi = -1, bj = -1;
    for (int i = 0; i < oe->n; i++) {
      if (epair[i] >= 0 || (bi >= 0 && day_of(oe->vals[i].per) >= day_of(oe->vals[bi].per))) continue;
      int cj = -1;
      for (int j = 0; j < ne->n; j++)
        if (!eused[j] && equity_same_line(x, &oe->vals[i], &ne->vals[j]) &&
            (cj < 0 || day_of(ne->vals[j].per) < day_of(ne->vals[cj].per)))
          cj = j;
      if (cj >= 0) bi = i, bj = cj;
    }
    if (bi < 0) break;
    epair[bi] = bj, eused[bj] = true;
  }
  for (int i = 0; i < oe->n; i++) {
    const Value *o = &oe->vals[i], *n = epair[i] >= 0 ? &ne->vals[epair[i]] : NULL;
    const char *ot_ = val_text(x, &x->o, o);
    if (!n) {
      add_finding(x, ci, DC_EQUITY_WEAKENED, "equity", false, o->loc, true, "equity %s removed", ot_);
      continue;
    }
    bool looser = o->form == EQ_GROUP ? ((dir > 0 && n->num < o->num) || (dir < 0 && n->num > o->num))
                                      : n->num > o->num;
    bool later = day_of(n->per) > day_of(o->per);
    if (!looser && !later) continue;
    const char *how = o->form == EQ_GROUP ? (dir > 0 ? "a lower group target" : "a higher group target")
                      : o->form == EQ_GAP ? "a wider gap allowed"
                                          : "a larger ratio allowed";
    add_finding(x, ci, DC_EQUITY_WEAKENED, "equity", true, n->loc, true, "equity %s became %s: %s", ot_,
                val_text(x, &x->n, n),
                looser && later ? (o->form == EQ_GROUP ? "a weaker group target, later"
                                                       : o->form == EQ_GAP ? "a wider gap allowed, later"
                                                                           : "a larger ratio allowed, later")
                : looser ? how
                         : "later");
  }
  free(epair);
  free(eused);

  /* the baseline rewritten */
  const AttrVals *ob = decl_attr(od, AT_INDICATOR_BASELINE), *nb = decl_attr(nd, AT_INDICATOR_BASELINE);
  if (ob->n && (!nb->n || nb->vals[0].num != ob->vals[0].num || !same_period(nb->vals[0].per, ob->vals[0].per))) {
    bool judged = x->opt && x->opt->has_data;
    bool data = judged && (x->opt->has_data(x->opt->ctx, od->id) ||
                           (strcmp(od->id, nd->id) != 0 && x->opt->has_data(x->opt->ctx, nd->id)));
    if (judged && !data) return; /* nothing measured against it yet: a plain change */
    const char *o = val_text(x, &x->o, &ob->vals[0]);
    const char *tail = judged ? "the store holds measurements of this indicator"
                              : "not judged: give --db to know whether measurements depend on it";
    if (nb->n)
      add_finding(x, ci, DC_BASELINE_CHANGED, "baseline", true, nb->vals[0].loc, judged, "baseline %s became %s; %s",
                  o, val_text(x, &x->n, &nb->vals[0]), tail);
    else
      add_finding(x, ci, DC_BASELINE_CHANGED, "baseline", false, ob->vals[0].loc, judged, "baseline %s removed; %s",
                  o, tail);
  }
}

/* The references of list attribute id that the old side had and the new
 * one lost (by their new ids). */
static void lost_refs(Cx *x, int ci, const Decl *od, const Decl *nd, AttrId id, DiffClass cls, const char *attr,
                      const char *what) {
  const AttrVals *o = decl_attr(od, id), *n = nd ? decl_attr(nd, id) : &attr_absent;
  for (int i = 0; i < o->n; i++) {
    if (!o->vals[i].ref) continue;
    const char *oid = mapped(x, o->vals[i].ref->id);
    bool kept = false;
    for (int j = 0; j < n->n && !kept; j++) kept = n->vals[j].ref && strcmp(n->vals[j].ref->id, oid) == 0;
    if (!kept)
      add_finding(x, ci, cls, attr, false, o->vals[i].loc, true, "%s %s removed", what, o->vals[i].ref->id);
  }
}

/* A council's seats: distinct members, and how many are community partners. */
static void seats(const Decl *c, int *total, int *community) {
  const AttrVals *m = decl_attr(c, AT_COUNCIL_MEMBERS);
  *total = *community = 0;
  for (int i = 0; i < m->n; i++) {
    const Decl *p = m->vals[i].ref;
    if (!p) continue;
    bool dup = false;
    for (int j = 0; j < i && !dup; j++) dup = m->vals[j].ref == p;
    if (dup) continue;
    (*total)++;
    if (p->view && partner_view(p)->is_community) (*community)++;
  }
}

static bool council_decides(const Decl *od, const Decl *nd) {
  return (od && decl_attr(od, AT_COUNCIL_DECIDES)->n) || (nd && decl_attr(nd, AT_COUNCIL_DECIDES)->n);
}

/* What a declaration removed took with it: an activity's community owners
 * and metrics, a deciding council's community seats. */
static void classify_removed(Cx *x, int ci, const Decl *od) {
  if (od->kind == D_INDICATOR)
    add_finding(x, ci, DC_INDICATOR_REMOVED, NULL, false, od->id_loc, true, "indicator %s removed", od->id);
  else if (od->kind == D_ACTIVITY) {
    lost_refs(x, ci, od, NULL, AT_ACTIVITY_COMMUNITY_OWNER, DC_COMMUNITY_OWNER_REMOVED, "community_owner",
              "community owner");
    lost_refs(x, ci, od, NULL, AT_ACTIVITY_METRIC, DC_METRIC_REMOVED, "metric", "metric");
  } else if (od->kind == D_COUNCIL && council_decides(od, NULL)) {
    int ot, oc;
    seats(od, &ot, &oc);
    if (oc)
      add_finding(x, ci, DC_COUNCIL_POWER_REDUCED, NULL, false, od->id_loc, true,
                  "deciding council removed: community partners held %d of its %d seats", oc, ot);
  }
}

static void classify_waivers(Cx *x, int ci, const Decl *od, const Decl *nd) {
  const AttrVals *o = od ? decl_waivers(od) : &attr_absent, *n = decl_waivers(nd);
  for (int j = 0; j < n->n; j++) {
    bool had = false;
    for (int i = 0; i < o->n && !had; i++) had = strcmp(o->vals[i].str, n->vals[j].str) == 0;
    if (!had)
      add_finding(x, ci, DC_RULE_WAIVED, "waive", true, n->vals[j].loc, true, "waive %s added: rule %s no longer reports here",
                  loc_text(&x->d->arena, x->n.p, n->vals[j].loc), n->vals[j].str);
  }
}

static void classify(Cx *x, int ci, const Decl *od, const Decl *nd) {
  switch (nd->kind) {
  case D_INDICATOR: classify_targets(x, ci, od, nd); break;
  case D_ACTIVITY:
    lost_refs(x, ci, od, nd, AT_ACTIVITY_COMMUNITY_OWNER, DC_COMMUNITY_OWNER_REMOVED, "community_owner",
              "community owner");
    lost_refs(x, ci, od, nd, AT_ACTIVITY_METRIC, DC_METRIC_REMOVED, "metric", "metric");
    break;
  case D_COUNCIL: {
    if (!council_decides(od, nd)) break;
    int ot, oc, nt, nc;
    seats(od, &ot, &oc);
    seats(nd, &nt, &nc);
    if (ot && nt && (long)nc * ot < (long)oc * nt)
      add_finding(x, ci, DC_COUNCIL_POWER_REDUCED, "members", true, decl_attr(nd, AT_COUNCIL_MEMBERS)->first
                                                                        ? decl_attr(nd, AT_COUNCIL_MEMBERS)->first->loc
                                                                        : nd->id_loc,
                  true, "community partners hold %d of %d seats (%.0f%%), down from %d of %d (%.0f%%)", nc, nt,
                  100.0 * nc / nt, oc, ot, 100.0 * oc / ot);
    break;
  }
  default: break;
  }
  classify_waivers(x, ci, od, nd);
}

/* ---- the declarations ---- */

static void compare_decl(Cx *x, const Decl *od, const Decl *nd, bool renamed) {
  Arena *a = &x->d->arena;
  const char *names[MAX_ATTRS + 1];
  int nn = attr_names(nd->kind, names + 1, MAX_ATTRS) + 1;
  names[0] = "title";
  DiffAttr *attrs = NULL;
  int nattrs = 0;
  for (int i = 0; i < nn; i++) {
    Vals ov, nv;
    if (i == 0) {
      memset(&ov, 0, sizeof ov);
      memset(&nv, 0, sizeof nv);
      if (od->title) ov.present = true, ov.loc = od->title_loc, vals_push(a, &ov, loc_text(a, x->o.p, od->title_loc), od->title);
      if (nd->title) nv.present = true, nv.loc = nd->title_loc, vals_push(a, &nv, loc_text(a, x->n.p, nd->title_loc), nd->title);
    } else {
      attr_vals(x, &x->o, od, names[i], NULL, &ov);
      attr_vals(x, &x->n, nd, names[i], NULL, &nv);
    }
    if (vals_equal(&ov, &nv)) continue;
    if (!attrs) attrs = arena_alloc(a, (size_t)(nn + 1) * sizeof *attrs);
    attrs[nattrs++] = (DiffAttr){names[i], vals_shown(a, &ov), vals_shown(a, &nv), ov.present ? ov.loc : od->id_loc,
                                 nv.present ? nv.loc : nd->id_loc};
  }
  if (nd->kind == D_COUNCIL && council_decides(od, nd)) {
    /* a deciding council's seats, each side's own: a partner's sector may
     * change the share with no change to the council */
    int ot, oc, nt, ncom;
    seats(od, &ot, &oc);
    seats(nd, &nt, &ncom);
    if (ot != nt || oc != ncom) {
      if (!attrs) attrs = arena_alloc(a, (size_t)(nn + 1) * sizeof *attrs);
      const AttrVals *om = decl_attr(od, AT_COUNCIL_MEMBERS), *nm = decl_attr(nd, AT_COUNCIL_MEMBERS);
      attrs[nattrs++] = (DiffAttr){"community seats", arena_printf(a, "%d of %d", oc, ot),
                                   arena_printf(a, "%d of %d", ncom, nt), om->first ? om->first->loc : od->id_loc,
                                   nm->first ? nm->first->loc : nd->id_loc};
    }
  }
  bool moved = strcmp(rel_path(&x->o, od->loc.file), rel_path(&x->n, nd->loc.file)) != 0;
  if (!nattrs && !renamed) return; /* the same, or only moved: not a change */
  DiffChange c = {renamed ? DC_RENAMED : DC_CHANGED,
                  DS_DECL,
                  nd->kind,
                  key_of(nd),
                  renamed ? od->id : NULL,
                  nd->title,
                  od,
                  nd,
                  true,
                  true,
                  od->id_loc,
                  nd->id_loc,
                  moved,
                  attrs,
                  nattrs,
                  0,
                  NULL};
  if (renamed && nd->kind == D_INDICATOR && x->opt && x->opt->has_data && x->opt->has_data(x->opt->ctx, od->id))
    c.note = arena_printf(&x->d->arena,
                          "the store and the CSV files keep measurements under the id %s: rename it there too (in the CSV files, then import them again)",
                          od->id);
  int ci = add_change(x, c);
  if (nattrs) classify(x, ci, od, nd);
}

/* The renamed id of d's id on the other side, or NULL. */
static const char *renamed_to(const StrMap *m, const char *id) {
  const char *r = id ? strmap_get(m, id) : NULL;
  return r && *r ? r : NULL;
}

/* Renames: a declaration only the old side has and one only the new side
 * has, of the same kind and the same content (references to declarations
 * only one side has left out), matched one to one; then confirmed with the
 * references under the renames found. */
static void find_renames(Cx *x) {
  StrMap unknown;
  strmap_init(&unknown);
  Vec gone = {0}, came = {0};
  for (int i = 0; i < x->o.p->decls.len; i++) {
    const Decl *d = x->o.p->decls.items[i];
    if (d->id && own_file(x->o.p, d->loc.file) && !strmap_get(&x->n.ids, d->id)) {
      vec_push(&gone, (void *)d);
      strmap_put(&unknown, d->id, (void *)d);
    }
  }
  for (int i = 0; i < x->n.p->decls.len; i++) {
    const Decl *d = x->n.p->decls.items[i];
    if (d->id && own_file(x->n.p, d->loc.file) && !strmap_get(&x->o.ids, d->id)) {
      vec_push(&came, (void *)d);
      strmap_put(&unknown, d->id, (void *)d);
    }
  }
  if (gone.len && came.len) {
    const char **gk = xmalloc((size_t)gone.len * sizeof *gk), **ck = xmalloc((size_t)came.len * sizeof *ck);
    for (int i = 0; i < gone.len; i++) gk[i] = content_key(x, &x->o, gone.items[i], &unknown);
    for (int i = 0; i < came.len; i++) ck[i] = content_key(x, &x->n, came.items[i], &unknown);
    for (int i = 0; i < gone.len; i++) {
      int match = -1, n = 0;
      for (int j = 0; j < came.len; j++)
        if (strcmp(gk[i], ck[j]) == 0) match = j, n++;
      if (n != 1) continue;
      int back = 0;
      for (int k = 0; k < gone.len; k++) back += strcmp(gk[k], ck[match]) == 0;
      if (back != 1) continue;
      const Decl *od = gone.items[i], *nd = came.items[match];
      strmap_put(&x->old_to_new, od->id, (void *)nd->id);
      strmap_put(&x->new_to_old, nd->id, (void *)od->id);
    }
    /* confirm: the contents equal with every reference under the renames;
     * a pair that is not is no rename (and its references stay as written) */
    bool dropped;
    do {
      dropped = false;
      for (int i = 0; i < gone.len; i++) {
        const Decl *od = gone.items[i];
        const char *nid = strmap_get(&x->old_to_new, od->id);
        if (!nid || !*nid) continue;
        const Decl *nd = strmap_get(&x->n.ids, nid);
        if (strcmp(content_key(x, &x->o, od, NULL), content_key(x, &x->n, nd, NULL)) != 0) {
          strmap_put(&x->old_to_new, od->id, (void *)"");
          strmap_put(&x->new_to_old, nid, (void *)"");
          dropped = true;
        }
      }
    } while (dropped);
    free(gk);
    free(ck);
  }
  /* renamed and changed: the declarations left on each side, of the same
   * kind and the same title, one to one */
  for (int i = 0; i < gone.len; i++) {
    const Decl *od = gone.items[i];
    if (!od->title || renamed_to(&x->old_to_new, od->id)) continue;
    int match = -1, n = 0;
    for (int j = 0; j < came.len; j++) {
      const Decl *nd = came.items[j];
      if (nd->kind == od->kind && nd->title && strcmp(nd->title, od->title) == 0 &&
          !renamed_to(&x->new_to_old, nd->id))
        match = j, n++;
    }
    if (n != 1) continue;
    const Decl *nd = came.items[match];
    int back = 0;
    for (int k = 0; k < gone.len; k++) {
      const Decl *g = gone.items[k];
      back += g->kind == nd->kind && g->title && strcmp(g->title, nd->title) == 0 && !renamed_to(&x->old_to_new, g->id);
    }
    if (back != 1) continue;
    strmap_put(&x->old_to_new, od->id, (void *)nd->id);
    strmap_put(&x->new_to_old, nd->id, (void *)od->id);
  }
  vec_free(&gone);
  vec_free(&came);
  strmap_free(&unknown);
}

static void diff_decl_new(Cx *x, const Decl *nd) {
  const char *oldid = renamed_to(&x->new_to_old, nd->id);
  const Decl *od = oldid ? strmap_get(&x->o.ids, oldid) : strmap_get(&x->o.ids, key_of(nd));
  if (od && od->kind == nd->kind) {
    compare_decl(x, od, nd, oldid != NULL);
    return;
  }
  DiffChange c = {.kind = DC_ADDED, .subject = DS_DECL, .decl_kind = nd->kind, .id = key_of(nd), .title = nd->title,
                  .new_decl = nd, .has_new = true, .new_loc = nd->id_loc};
  int ci = add_change(x, c);
  if (od) { /* the same id, another kind: the old one removed too */
    DiffChange r = {.kind = DC_REMOVED, .subject = DS_DECL, .decl_kind = od->kind, .id = key_of(od),
                    .title = od->title, .old_decl = od, .has_old = true, .old_loc = od->id_loc};
    int ri = add_change(x, r);
    classify_removed(x, ri, od);
  }
  classify_waivers(x, ci, NULL, nd);
}

static void diff_decl_old(Cx *x, const Decl *od) {
  if (renamed_to(&x->old_to_new, od->id)) return;
  const Decl *nd = strmap_get(&x->n.ids, key_of(od));
  if (nd) return; /* compared (or, of another kind, reported) above */
  DiffChange c = {.kind = DC_REMOVED, .subject = DS_DECL, .decl_kind = od->kind, .id = key_of(od),
                  .title = od->title, .old_decl = od, .has_old = true, .old_loc = od->id_loc};
  int ci = add_change(x, c);
  classify_removed(x, ci, od);
}

/* ---- top-level use and waive ---- */

static const Item *find_item(const Program *p, ItemKind kind, const char *name) {
  for (int f = 0; f < p->files.len; f++) {
    const AstFile *af = p->files.items[f];
    if (!own_file(p, af->src)) continue;
    for (int i = 0; i < af->nitems; i++)
      if (af->items[i]->kind == kind && af->items[i]->name && strcmp(af->items[i]->name, name) == 0)
        return af->items[i];
  }
  return NULL;
}

static bool is_stdlib_module(const char *name) {
  for (const StdlibFile *f = charter_stdlib; f->name; f++)
    if (strcmp(f->name, name) == 0) return true;
  return false;
}

static void diff_items(Cx *x, bool new_side) {
  const Program *p = new_side ? x->n.p : x->o.p, *other = new_side ? x->o.p : x->n.p;
  for (int f = 0; f < p->files.len; f++) {
    const AstFile *af = p->files.items[f];
    if (!own_file(p, af->src)) continue;
    for (int i = 0; i < af->nitems; i++) {
      const Item *it = af->items[i];
      if ((it->kind != IT_USE && it->kind != IT_WAIVE) || !it->name) continue;
      if (find_item(p, it->kind, it->name) != it) continue; /* said twice */
      const Item *there = find_item(other, it->kind, it->name);
      bool waive = it->kind == IT_WAIVE;
      if (there) {
        if (!new_side || !waive) continue;
        const char *r1 = there->reason ? there->reason : "", *r2 = it->reason ? it->reason : "";
        if (strcmp(r1, r2) == 0) continue;
        DiffAttr *at = arena_alloc(&x->d->arena, sizeof *at);
        *at = (DiffAttr){"reason", loc_text(&x->d->arena, other, there->reason_loc),
                         loc_text(&x->d->arena, p, it->reason_loc), there->reason_loc, it->reason_loc};
        add_change(x, (DiffChange){.kind = DC_CHANGED, .subject = DS_WAIVER, .id = it->name, .has_old = true,
                                   .has_new = true, .old_loc = there->name_loc, .new_loc = it->name_loc,
                                   .attrs = at, .nattrs = 1});
        continue;
      }
      DiffChange c = {.kind = new_side ? DC_ADDED : DC_REMOVED, .subject = waive ? DS_WAIVER : DS_USE, .id = it->name};
      if (new_side) c.has_new = true, c.new_loc = it->name_loc;
      else c.has_old = true, c.old_loc = it->name_loc;
      int ci = add_change(x, c);
      if (new_side && waive)
        add_finding(x, ci, DC_RULE_WAIVED, NULL, true, it->loc, true, "waive %s %s added: rule %s no longer reports anywhere",
                    it->name, loc_text(&x->d->arena, p, it->reason_loc), it->name);
      if (!new_side && !waive && is_stdlib_module(it->name))
        add_finding(x, ci, DC_MODULE_DROPPED, NULL, false, it->loc, true,
                    "use %s removed: its rules no longer run", it->name);
    }
  }
}

void diff_programs(const Program *old, const Program *new_, const DiffOptions *o, Diff *out) {
  memset(out, 0, sizeof *out);
  arena_init(&out->arena);
  Cx x = {.opt = o, .d = out};
  side_init(&x.o, old, &out->arena);
  side_init(&x.n, new_, &out->arena);
  strmap_init(&x.old_to_new);
  strmap_init(&x.new_to_old);
  find_renames(&x);
  for (int i = 0; i < new_->decls.len; i++) {
    const Decl *d = new_->decls.items[i];
    if (own_file(new_, d->loc.file) && strmap_get(&x.n.ids, key_of(d)) == d) diff_decl_new(&x, d);
  }
  diff_items(&x, true);
  for (int i = 0; i < old->decls.len; i++) {
    const Decl *d = old->decls.items[i];
    if (own_file(old, d->loc.file) && strmap_get(&x.o.ids, key_of(d)) == d) diff_decl_old(&x, d);
  }
  diff_items(&x, false);
  strmap_free(&x.o.ids);
  strmap_free(&x.n.ids);
  strmap_free(&x.old_to_new);
  strmap_free(&x.new_to_old);
}

void diff_free(Diff *d) {
  free(d->changes);
  free(d->findings);
  arena_free(&d->arena);
  memset(d, 0, sizeof *d);
}
