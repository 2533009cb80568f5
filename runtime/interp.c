/* The rule interpreter. Values are small tagged structs; lists made while
 * evaluating live in a scratch allocator that is rewound after each element,
 * so memory stays flat however many elements a rule visits. Collections and
 * derived relations (a partner's activities, an outcome's predecessors…) are
 * indexed once per run, in declaration order, never searched per element. */
#include "interp.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "refs.h"

/* ---- values ---- */

typedef enum VTag { V_NONE, V_NUM, V_STR, V_BOOL, V_PER, V_ENT, V_REC, V_LIST } VTag;

typedef struct Val {
  uint8_t tag; /* a VTag */
  uint8_t rec; /* V_REC: a RecKind */
  bool b;      /* V_BOOL */
  int n;       /* V_LIST: length */
  union {
    double num;               /* V_NUM */
    const char *str;          /* V_STR */
    Period per;               /* V_PER */
    const Decl *ent;          /* V_ENT */
    const Value *recv;        /* V_REC: the milestone or equity value */
    const struct Val *items;  /* V_LIST */
  };
} Val;

static const Val NONE = {V_NONE, 0, false, 0, {0}};

static Val vnum(double x) { Val v = {V_NUM, 0, false, 0, {.num = x}}; return v; }
static Val vstr(const char *s) { Val v = {V_STR, 0, false, 0, {.str = s}}; return v; }
static Val vbool(bool b) { Val v = {V_BOOL, 0, b, 0, {0}}; return v; }
static Val vper(Period p) { Val v = {V_PER, 0, false, 0, {.per = p}}; return v; }
static Val vent(const Decl *d) { Val v = {d ? V_ENT : V_NONE, 0, false, 0, {.ent = d}}; return v; }
static Val vlist(const Val *items, int n) { Val v = {V_LIST, 0, false, n, {.items = items}}; return v; }

/* ---- scratch memory, rewound per element ---- */

typedef struct Chunk {
  struct Chunk *next; /* the following chunk, kept for reuse */
  size_t used;        /* bytes handed out */
  size_t cap;         /* bytes in data */
  _Alignas(16) unsigned char data[];
} Chunk;

typedef struct Scratch {
  Chunk *first; /* the chain */
  Chunk *cur;   /* the chunk being used */
} Scratch;

typedef struct Mark {
  Chunk *cur;  /* where the scratch stood */
  size_t used;
} Mark;

static void *scratch_alloc(Scratch *s, size_t n) {
  n = (n + 15) & ~(size_t)15;
  while (s->cur && s->cur->cap - s->cur->used < n && s->cur->next) {
    s->cur = s->cur->next;
    s->cur->used = 0;
  }
  if (!s->cur || s->cur->cap - s->cur->used < n) {
    size_t cap = n > 65536 ? n : 65536;
    Chunk *c = xmalloc(sizeof *c + cap);
    c->used = 0;
    c->cap = cap;
    c->next = NULL;
    if (s->cur) {
      c->next = s->cur->next;
      s->cur->next = c;
    } else {
      s->first = c;
    }
    s->cur = c;
  }
  void *p = s->cur->data + s->cur->used;
  s->cur->used += n;
  return p;
}

static Mark scratch_mark(Scratch *s) {
  Mark m = {s->cur, s->cur ? s->cur->used : 0};
  return m;
}

static void scratch_rewind(Scratch *s, Mark m) {
  if (!m.cur) {
    s->cur = s->first;
    if (s->cur) s->cur->used = 0;
    return;
  }
  s->cur = m.cur;
  s->cur->used = m.used;
}

static void scratch_free(Scratch *s) {
  for (Chunk *c = s->first; c;) {
    Chunk *next = c->next;
    free(c);
    c = next;
  }
}

/* ---- derived relations ---- */

typedef enum Rel {
  REL_PARTNER_ACTIVITIES, /* activities a partner owns or community-owns */
  REL_PARTNER_COUNCILS,   /* councils a partner is a member of */
  REL_LED_FROM,           /* outcomes whose leads_to names it */
  REL_CONTRIBUTORS,       /* activities whose contributes_to names it */
  REL_MEASURES_OF,        /* goals and outcomes whose indicator names it */
  REL_METRIC_OF,          /* activities whose metric names it */
  REL_COUNT
} Rel;

typedef struct Index {
  int *start; /* by declaration index, N + 1 offsets into items */
  Val *items; /* the related entities, in declaration order */
} Index;

/* A waiver inside a declaration. */
typedef struct DeclWaiver {
  const char *rule; /* the rule it names */
  Loc loc;          /* its rule id */
  bool used;        /* it suppressed something */
} DeclWaiver;

/* A declaration waiver by the index of the rule it names (-1: none). */
typedef struct WaiverKey {
  int rule; /* index in p->rules, or -1 */
  int at;   /* index in Interp.dw */
} WaiverKey;

static int cmp_waiver_key(const void *a, const void *b) {
  const WaiverKey *x = a, *y = b;
  if (x->rule != y->rule) return x->rule < y->rule ? -1 : 1;
  return (x->at > y->at) - (x->at < y->at);
}

typedef struct Interp {
  Program *p;
  int n;                              /* declarations */
  Val *colls[D_KIND_COUNT];           /* each kind's declarations, in order */
  int ncolls[D_KIND_COUNT];
  Index rel[REL_COUNT];               /* built on first use */
  Scratch scratch;                    /* lists and strings of the element at hand */
  Val *slots;                         /* variables by slot */
  unsigned *stamp;                    /* distinct(): by declaration index */
  unsigned stamp_gen;
  bool div0;                          /* a division by zero happened in this element */
  bool touched_broken;                /* this element read a declaration that has errors */
  Loc div0_loc;                       /* the first one */
  int *wstart;                        /* declaration waivers, CSR by declaration index */
  DeclWaiver *dw;
  WaiverKey *dwkey;                   /* each declaration's waivers sorted by the rule they name */
  bool *top_used;                     /* by index in p->waivers */
  int *tstart;                        /* top-level waivers naming each rule, CSR by */
  int *twaivers;                      /* index in p->rules: indexes in p->waivers */
  StrMap rule_ids;                    /* rule id -> its index in p->rules + 1 */
  bool *top_marked;                   /* by rule: its top-level waivers are marked used */
  uint64_t steps;                     /* taken so far (docs/rules.md, "What rules may cost") */
  uint64_t max_steps;                 /* the budget of this run */
  bool stopped;                       /* the budget ran out: evaluation gives none and stops */
  uint64_t *rule_steps;               /* steps taken by each rule, by index in p->rules */
} Interp;

/* Walking a list of n elements costs n steps; ev() notices the excess. */
static inline void charge(Interp *I, int n) { I->steps += (uint64_t)n; }

/* The budget is spent: from now on every evaluation gives none at once,
 * and the loops end. */
static Val out_of_steps(Interp *I) {
  I->stopped = true;
  return NONE;
}

static const AttrVals *attr_at(const Decl *d, int spec) {
  return spec >= 0 && d->vals ? &d->vals[spec] : &attr_absent;
}

/* Source kinds whose attributes (one or two) name the related entity
 * (lang/refs.c builds the index; here its entities become values). */
static void build_rel(Interp *I, Rel rel) {
  static const struct {
    AttrId a1, a2;
  } how[REL_COUNT] = {
      [REL_PARTNER_ACTIVITIES] = {AT_ACTIVITY_OWNER, AT_ACTIVITY_COMMUNITY_OWNER},
      [REL_PARTNER_COUNCILS] = {AT_COUNCIL_MEMBERS, AT_NONE_},
      [REL_LED_FROM] = {AT_OUTCOME_LEADS_TO, AT_NONE_},
      [REL_CONTRIBUTORS] = {AT_ACTIVITY_CONTRIBUTES_TO, AT_NONE_},
      [REL_MEASURES_OF] = {AT_GOAL_INDICATOR, AT_OUTCOME_INDICATOR},
      [REL_METRIC_OF] = {AT_ACTIVITY_METRIC, AT_NONE_},
  };
  RefIndex x;
  refs_build(&x, I->p, how[rel].a1, how[rel].a2);
  int total = x.start[I->n];
  I->rel[rel].items = xmalloc((size_t)(total ? total : 1) * sizeof(Val));
  for (int k = 0; k < total; k++) I->rel[rel].items[k] = vent(x.from[k]);
  I->rel[rel].start = x.start; /* the index's offsets serve as they are */
  free(x.from);
}

static Val related(Interp *I, Rel rel, const Decl *d) {
  if (!I->rel[rel].start) build_rel(I, rel);
  const Index *x = &I->rel[rel];
  return vlist(x->items + x->start[d->index], x->start[d->index + 1] - x->start[d->index]);
}

/* ---- fields ---- */

static Val list_alloc(Interp *I, int n, Val **items) {
  *items = scratch_alloc(&I->scratch, (size_t)(n ? n : 1) * sizeof(Val));
  return vlist(*items, n);
}

static Val read_attr(Interp *I, const Decl *d, int spec, const Field *f) {
  if (spec < 0) return NONE;
  int nspecs;
  const AttrSpec *s = &chk_specs(d->kind, &nspecs)[spec];
  const AttrVals *av = attr_at(d, spec);
  bool many = (s->flags & (A_LIST | A_REPEAT)) != 0;
  if (many) {
    Val *items;
    Val l = list_alloc(I, av->n, &items);
    charge(I, av->n);
    for (int i = 0; i < av->n; i++) items[i] = s->form == F_REF ? vent(av->vals[i].ref) : vstr(av->vals[i].str);
    return l;
  }
  if (!av->n) return f->dflt ? vstr(f->dflt) : NONE;
  switch (s->form) {
  case F_REF: return vent(av->vals[0].ref);
  case F_PERIOD: return vper(av->vals[0].per);
  default: return vstr(av->vals[0].str);
  }
}

/* A record's n holds the index of the declaration it belongs to. */
static Val records(Interp *I, const Decl *d, const AttrVals *av, RecKind rec) {
  Val *items;
  Val l = list_alloc(I, av->n, &items);
  charge(I, av->n);
  for (int i = 0; i < av->n; i++) {
    Val v = {V_REC, (uint8_t)rec, false, d->index, {.recv = &av->vals[i]}};
    items[i] = v;
  }
  return l;
}

/* The indicators a formula names, in the order written (a name once per
 * mention); none without a formula. A walk with a work list, since a chain
 * a + b + c… nests as deep as it is long. */
static Val formula_operands(Interp *I, const Decl *d) {
  const IndicatorView *iv = indicator_view(d);
  Vec todo = {0}, found = {0};
  if (iv && iv->formula) vec_push(&todo, (void *)iv->formula);
  while (todo.len) {
    const Expr *e = todo.items[--todo.len];
    if (e->kind == E_NAME) {
      Decl *t = strmap_get(&I->p->ids, e->text);
      if (t && t->kind == D_INDICATOR) vec_push(&found, t);
    }
    for (int i = e->nitems - 1; i >= 0; i--) vec_push(&todo, e->items[i]);
    if (e->b) vec_push(&todo, e->b);
    if (e->a) vec_push(&todo, e->a);
  }
  Val *items;
  Val l = list_alloc(I, found.len, &items);
  charge(I, found.len);
  for (int i = 0; i < found.len; i++) items[i] = vent(found.items[i]);
  vec_free(&todo);
  vec_free(&found);
  return l;
}

static Val read_field(Interp *I, const Decl *d, const Field *f, int spec) {
  switch (f->code) {
  case FD_ID: return d->id ? vstr(d->id) : NONE;
  case FD_TITLE: return vstr(d->title);
  case FD_KIND: return vstr(ast_kind_name(d->kind));
  case FD_ATTR: return read_attr(I, d, spec, f);
  case FD_ACTIVITIES:
    if (d->kind == D_PARTNER) return related(I, REL_PARTNER_ACTIVITIES, d);
    if (d->kind == D_INDICATOR) return related(I, REL_METRIC_OF, d);
    return related(I, REL_CONTRIBUTORS, d);
  case FD_COUNCILS: return related(I, REL_PARTNER_COUNCILS, d);
  case FD_OUTCOMES:
  case FD_PRECEDED_BY: return related(I, REL_LED_FROM, d);
  case FD_MEASURES_OF: return related(I, REL_MEASURES_OF, d);
  case FD_OPERANDS: return formula_operands(I, d);
  case FD_DISCLOSURE: return vbool(d->view && ((const CharterView *)d->view)->disclosure.present);
  default: break;
  }
  /* The other derived fields read an attribute (spec, resolved by the
   * checker): one value of a compound attribute, or a fact about it. */
  const AttrVals *av = attr_at(d, spec);
  switch (f->code) {
  case FD_HAS_TARGET: return vbool(av->n > 0);
  case FD_MILESTONES: return records(I, d, av, REC_MILESTONE);
  case FD_EQUITY: return records(I, d, av, REC_EQUITY);
  case FD_IS_COMMUNITY: return vbool(partner_view(d)->is_community);
  default: break;
  }
  if (!av->n) return NONE;
  const Value *v = &av->vals[0];
  switch (f->code) {
  case FD_BASELINE:
  case FD_TARGET:
  case FD_BUDGET: return vnum(v->num);
  case FD_BASELINE_PERIOD:
  case FD_TARGET_BY:
  case FD_PERIOD_START: return vper(v->per);
  case FD_PERIOD_END: return vper(v->per2);
  case FD_CURRENCY: return vstr(v->str);
  default: return NONE;
  }
}

static Val read_rec_field(const Val *o, const Field *f) {
  const Value *v = o->recv;
  switch (f->code) {
  case FD_REC_VALUE: return vnum(v->num);
  case FD_REC_BY: return vper(v->per);
  case FD_REC_DIMENSION: return vent(v->ref);
  case FD_REC_FORM: return vstr(v->form == EQ_GAP ? "gap" : v->form == EQ_RATIO ? "ratio" : "group");
  case FD_REC_GROUP: return v->form == EQ_GROUP ? vstr(v->str) : NONE;
  default: return NONE;
  }
}

/* ---- comparison ---- */

static bool val_equal(const Val *a, const Val *b) {
  if (a->tag != b->tag) return false;
  switch (a->tag) {
  case V_NONE: return true;
  case V_NUM: return a->num == b->num;
  case V_STR: return strcmp(a->str, b->str) == 0;
  case V_BOOL: return a->b == b->b;
  case V_PER: return period_last_day(a->per) == period_last_day(b->per);
  case V_ENT: return a->ent == b->ent;
  case V_REC: {
    const Value *x = a->recv, *y = b->recv;
    if (a->rec != b->rec || x->num != y->num || x->form != y->form || x->ref != y->ref) return false;
    if (period_last_day(x->per) != period_last_day(y->per)) return false;
    return a->rec != REC_EQUITY || x->form != EQ_GROUP || strcmp(x->str, y->str) == 0;
  }
  case V_LIST:
    if (a->n != b->n) return false;
    for (int i = 0; i < a->n; i++)
      if (!val_equal(&a->items[i], &b->items[i])) return false;
    return true;
  }
  return false;
}

/* <0, 0, >0 for two values of one ordered type (numbers, texts, periods). */
static int val_order(const Val *a, const Val *b) {
  switch (a->tag) {
  case V_NUM: return a->num < b->num ? -1 : a->num > b->num;
  case V_STR: return strcmp(a->str, b->str);
  case V_PER: {
    int32_t x = period_last_day(a->per), y = period_last_day(b->per);
    return x < y ? -1 : x > y;
  }
  default: return 0;
  }
}

/* ---- evaluation ---- */

static Val ev(Interp *I, const Expr *e);

static bool is_true(const Val *v) { return v->tag == V_BOOL && v->b; }

static Val ev_field(Interp *I, const Expr *e) {
  Val o = ev(I, e->a);
  const FieldRes *fr = e->target;
  if (!fr) return NONE; /* read from a value the checker could not type: none */
  if (o.tag == V_ENT) {
    if (o.ent->broken) I->touched_broken = true;
    const Field *f = fr->f[o.ent->kind];
    return f ? read_field(I, o.ent, f, fr->attr[o.ent->kind]) : NONE;
  }
  if (o.tag == V_REC) {
    const Field *f = fr->f[D_KIND_COUNT + o.rec];
    return f ? read_rec_field(&o, f) : NONE;
  }
  return NONE;
}

static Val ev_binary(Interp *I, const Expr *e) {
  if (e->op == OP_AND || e->op == OP_OR) {
    bool stop = e->op == OP_OR; /* the value that decides at once */
    Val a = ev(I, e->a);
    if (a.tag == V_BOOL && a.b == stop) return vbool(stop);
    Val b = ev(I, e->b);
    if (b.tag == V_BOOL && b.b == stop) return vbool(stop);
    if (a.tag == V_NONE || b.tag == V_NONE) return NONE;
    return vbool(!stop);
  }
  Val a = ev(I, e->a);
  Val b = ev(I, e->b);
  switch (e->op) {
  case OP_EQ:
  case OP_NE:
    if (a.tag == V_LIST) charge(I, a.n);
    return vbool(val_equal(&a, &b) == (e->op == OP_EQ));
  case OP_LT:
  case OP_LE:
  case OP_GT:
  case OP_GE: {
    if (a.tag == V_NONE || b.tag == V_NONE || a.tag != b.tag) return vbool(false);
    int c = val_order(&a, &b);
    return vbool(e->op == OP_LT ? c < 0 : e->op == OP_LE ? c <= 0 : e->op == OP_GT ? c > 0 : c >= 0);
  }
  case OP_IN:
    if (b.tag == V_LIST) {
      charge(I, b.n);
      for (int i = 0; i < b.n; i++)
        if (val_equal(&a, &b.items[i])) return vbool(true);
      return vbool(false);
    }
    if (b.tag == V_STR && a.tag == V_STR) {
      charge(I, (int)(strlen(b.str) / 64));
      return vbool(strstr(b.str, a.str) != NULL);
    }
    return vbool(false);
  default:
    break;
  }
  if (a.tag != V_NUM || b.tag != V_NUM) return NONE;
  switch (e->op) {
  case OP_ADD: return vnum(a.num + b.num);
  case OP_SUB: return vnum(a.num - b.num);
  case OP_MUL: return vnum(a.num * b.num);
  default:
    if (b.num == 0) {
      if (!I->div0) I->div0_loc = e->loc;
      I->div0 = true;
      return NONE;
    }
    return vnum(a.num / b.num);
  }
}

/* A hash consistent with val_equal: values it calls equal hash alike. */
static uint64_t mix(uint64_t h, uint64_t x) {
  h = (h ^ x) * 0x100000001b3ull;
  return h ^ (h >> 31);
}

static uint64_t num_bits(double x) {
  uint64_t u;
  if (x == 0) x = 0; /* -0 == 0 */
  memcpy(&u, &x, sizeof u);
  return u;
}

static uint64_t val_hash(const Val *v) {
  uint64_t h = mix(0xcbf29ce484222325ull, v->tag);
  switch (v->tag) {
  case V_NUM: return mix(h, num_bits(v->num));
  case V_STR: return mix(h, hash_bytes(v->str, strlen(v->str)));
  case V_BOOL: return mix(h, v->b);
  case V_PER: return mix(h, (uint32_t)period_last_day(v->per));
  case V_ENT: return mix(h, (uint64_t)(uintptr_t)v->ent);
  case V_REC: {
    const Value *x = v->recv;
    h = mix(mix(mix(h, v->rec), num_bits(x->num)), (uint64_t)x->form);
    h = mix(mix(h, (uint64_t)(uintptr_t)x->ref), (uint32_t)period_last_day(x->per));
    if (v->rec == REC_EQUITY && x->form == EQ_GROUP) h = mix(h, hash_bytes(x->str, strlen(x->str)));
    return h;
  }
  case V_LIST:
    h = mix(h, (uint64_t)v->n);
    for (int i = 0; i < v->n; i++) h = mix(h, val_hash(&v->items[i]));
    return h;
  default: return h;
  }
}

/* distinct(): entities by a stamp per declaration, other values through a
 * hash table of the values kept (linear, however long the list). */
static Val distinct(Interp *I, const Val *l) {
  Val *items;
  Val out = list_alloc(I, l->n, &items);
  size_t cap = 16;
  while (cap < 2 * (size_t)l->n) cap *= 2;
  int *table = NULL; /* indexes in items + 1, by hash; made on first need */
  int n = 0;
  I->stamp_gen++;
  for (int i = 0; i < l->n; i++) {
    const Val *v = &l->items[i];
    bool seen = false;
    if (v->tag == V_ENT) {
      seen = I->stamp[v->ent->index] == I->stamp_gen;
      I->stamp[v->ent->index] = I->stamp_gen;
    } else {
      if (!table) {
        table = scratch_alloc(&I->scratch, cap * sizeof *table);
        memset(table, 0, cap * sizeof *table);
      }
      size_t at = (size_t)val_hash(v) & (cap - 1);
      for (; table[at] && !seen; at = (at + 1) & (cap - 1)) seen = val_equal(v, &items[table[at] - 1]);
      if (!seen) table[at] = n + 1;
    }
    if (!seen) items[n++] = *v;
  }
  out.n = n;
  return out;
}

static Val ev_call(Interp *I, const Expr *e) {
  const Expr *arg = e->items[0];
  if (arg->kind == E_PAIR) {
    const Expr *in = arg->a;
    while (in->kind == E_PAREN) in = in->a;
    Val l = ev(I, in->b);
    int slot = arg->slot;
    int count = 0;
    double sum = 0;
    Val best = NONE;
    /* What the body allocated can go after each element, so memory stays
     * flat however deep comprehensions nest; only a text that min or max
     * keeps may live in it. */
    bool keeps = e->res == FN_MIN || e->res == FN_MAX;
    Mark m = scratch_mark(&I->scratch);
    for (int i = 0; l.tag == V_LIST && i < l.n && !I->stopped; i++) {
      I->slots[slot] = l.items[i];
      Val v = ev(I, arg->b);
      if (!keeps || v.tag != V_STR) scratch_rewind(&I->scratch, m);
      switch ((FuncId)e->res) {
      case FN_COUNT: count += is_true(&v); break;
      case FN_ANY: if (is_true(&v)) return vbool(true); break;
      case FN_ALL: if (!is_true(&v)) return vbool(false); break;
      case FN_SUM: if (v.tag == V_NUM) sum += v.num; break;
      default: /* min, max */
        if (v.tag == V_NONE) break;
        if (best.tag == V_NONE || (e->res == FN_MIN ? val_order(&v, &best) < 0 : val_order(&v, &best) > 0)) best = v;
        break;
      }
    }
    switch ((FuncId)e->res) {
    case FN_COUNT: return vnum(count);
    case FN_ANY: return vbool(false);
    case FN_ALL: return vbool(true);
    case FN_SUM: return vnum(sum);
    default: return best;
    }
  }
  Val v = ev(I, arg);
  switch ((FuncId)e->res) {
  case FN_EXISTS: return vbool(v.tag != V_NONE && !(v.tag == V_LIST && v.n == 0));
  case FN_LEN:
    if (v.tag != V_STR) return NONE;
    charge(I, (int)(strlen(v.str) / 64));
    return vnum((double)utf8_count(v.str, strlen(v.str)));
  case FN_LOWER: {
    if (v.tag != V_STR) return NONE;
    size_t n = strlen(v.str);
    charge(I, (int)(n / 64));
    char *s = scratch_alloc(&I->scratch, n + 1);
    for (size_t i = 0; i <= n; i++) s[i] = (v.str[i] >= 'A' && v.str[i] <= 'Z') ? (char)(v.str[i] + 32) : v.str[i];
    return vstr(s);
  }
  default: break;
  }
  if (v.tag != V_LIST) return e->res == FN_COUNT || e->res == FN_SUM ? vnum(0) : NONE;
  if (e->res != FN_COUNT) charge(I, v.n);
  switch ((FuncId)e->res) {
  case FN_COUNT: return vnum(v.n);
  case FN_SUM: {
    double s = 0;
    for (int i = 0; i < v.n; i++)
      if (v.items[i].tag == V_NUM) s += v.items[i].num;
    return vnum(s);
  }
  case FN_MIN:
  case FN_MAX: {
    Val best = NONE;
    for (int i = 0; i < v.n; i++) {
      const Val *x = &v.items[i];
      if (x->tag == V_NONE) continue;
      if (best.tag == V_NONE || (e->res == FN_MIN ? val_order(x, &best) < 0 : val_order(x, &best) > 0)) best = *x;
    }
    return best;
  }
  default: return distinct(I, &v);
  }
}

static Val ev(Interp *I, const Expr *e) {
  if (__builtin_expect(++I->steps > I->max_steps, 0)) return out_of_steps(I);
  switch (e->kind) {
  case E_NUMBER: return vnum(e->num);
  case E_STRING: return vstr(e->text);
  case E_PERIOD: return vper(e->per);
  case E_TRUE: return vbool(true);
  case E_FALSE: return vbool(false);
  case E_NONE: return NONE;
  case E_PAREN: return ev(I, e->a);
  case E_NAME:
    switch ((NameRes)e->res) {
    case NM_VAR: return I->slots[e->slot];
    case NM_COLL: {
      DeclKind k = *(const DeclKind *)e->target;
      return vlist(I->colls[k], I->ncolls[k]);
    }
    case NM_CHARTER: return vent(I->p->charter);
    case NM_DECL: return vent(e->target);
    }
    return NONE;
  case E_LIST: {
    Val *items;
    Val l = list_alloc(I, e->nitems, &items);
    for (int i = 0; i < e->nitems; i++) items[i] = ev(I, e->items[i]);
    return l;
  }
  case E_FIELD: return ev_field(I, e);
  case E_CALL: return ev_call(I, e);
  case E_UNARY: {
    Val a = ev(I, e->a);
    if (e->op == OP_NOT) return a.tag == V_BOOL ? vbool(!a.b) : NONE;
    return a.tag == V_NUM ? vnum(-a.num) : NONE;
  }
  case E_BINARY: return ev_binary(I, e);
  case E_PAIR: return NONE;
  }
  return NONE;
}

/* ---- messages ---- */

/* The shortest decimal that reads back as the same number, without an
 * exponent unless the number is very large or very small. */
static void put_number(Buf *b, double x) {
  if (x == 0) x = 0; /* no "-0" */
  if (!isfinite(x)) {
    buf_puts(b, isnan(x) ? "nan" : x > 0 ? "inf" : "-inf");
    return;
  }
  char tmp[400];
  int prec = 1;
  for (; prec < 17; prec++) {
    snprintf(tmp, sizeof tmp, "%.*e", prec - 1, x);
    if (strtod(tmp, NULL) == x) break;
  }
  snprintf(tmp, sizeof tmp, "%.*e", prec - 1, x);
  int exp10 = atoi(strchr(tmp, 'e') + 1);
  if (exp10 >= -6 && exp10 < 21) {
    int decimals = prec - 1 - exp10;
    snprintf(tmp, sizeof tmp, "%.*f", decimals > 0 ? decimals : 0, x);
  } else {
    snprintf(tmp, sizeof tmp, "%.*g", prec, x);
  }
  buf_puts(b, tmp);
}

static void put_val(Buf *b, const Val *v) {
  char per[16];
  switch (v->tag) {
  case V_NONE: buf_puts(b, "none"); break;
  case V_NUM: put_number(b, v->num); break;
  case V_STR: buf_puts(b, v->str); break;
  case V_BOOL: buf_puts(b, v->b ? "true" : "false"); break;
  case V_PER:
    period_text(v->per, per);
    buf_puts(b, per);
    break;
  case V_ENT: buf_puts(b, v->ent->id ? v->ent->id : "charter"); break;
  case V_REC: {
    const Value *r = v->recv;
    if (v->rec == REC_EQUITY) {
      buf_printf(b, "%s ", r->ref ? r->ref->id : "?");
      if (r->form == EQ_GROUP) buf_printf(b, "\"%s\" ", r->str);
      else buf_puts(b, r->form == EQ_GAP ? "gap " : "ratio ");
    }
    put_number(b, r->num);
    period_text(r->per, per);
    buf_printf(b, " by %s", per);
    break;
  }
  case V_LIST:
    for (int i = 0; i < v->n; i++) {
      if (i) buf_puts(b, ", ");
      if (v->items[i].tag == V_LIST) buf_putc(b, '[');
      put_val(b, &v->items[i]);
      if (v->items[i].tag == V_LIST) buf_putc(b, ']');
    }
    break;
  }
}

static void message(Interp *I, const Rule *r, const Val *elem, Buf *out) {
  if (!r->msg) {
    buf_puts(out, r->decl->title);
    if (r->var) {
      buf_puts(out, ": ");
      put_val(out, elem);
    }
    return;
  }
  for (int i = 0; i < r->nmsg; i++) {
    if (r->msg[i].text) {
      buf_puts(out, r->msg[i].text);
    } else {
      Val v = ev(I, r->msg[i].expr);
      if (v.tag == V_LIST) charge(I, v.n);
      put_val(out, &v);
    }
  }
}

/* ---- running rules ---- */

static void sort_decl_waivers(Interp *I);

static void interp_init(Interp *I, Program *p) {
  memset(I, 0, sizeof *I);
  I->p = p;
  I->n = p->decls.len;
  int count[D_KIND_COUNT] = {0};
  for (int i = 0; i < I->n; i++) count[((Decl *)p->decls.items[i])->kind]++;
  for (int k = 0; k < D_KIND_COUNT; k++) I->colls[k] = xmalloc((size_t)(count[k] ? count[k] : 1) * sizeof(Val));
  for (int i = 0; i < I->n; i++) {
    Decl *d = p->decls.items[i];
    I->colls[d->kind][I->ncolls[d->kind]++] = vent(d);
  }
  int maxslots = 1;
  for (int i = 0; i < p->rules.len; i++) {
    Rule *r = p->rules.items[i];
    if (r->nslots > maxslots) maxslots = r->nslots;
  }
  I->slots = xcalloc((size_t)maxslots, sizeof(Val));
  I->stamp = xcalloc((size_t)I->n + 1, sizeof(unsigned));
  /* Waivers inside declarations, by declaration. */
  I->wstart = xcalloc((size_t)I->n + 1, sizeof(int));
  int total = 0;
  for (int i = 0; i < I->n; i++) {
    const Decl *d = p->decls.items[i];
    I->wstart[i] = total;
    total += decl_waivers(d)->n;
  }
  I->wstart[I->n] = total;
  I->dw = xcalloc((size_t)(total ? total : 1), sizeof(DeclWaiver));
  for (int i = 0; i < I->n; i++) {
    const Decl *d = p->decls.items[i];
    const AttrVals *w = decl_waivers(d);
    for (int j = 0; j < w->n; j++) {
      I->dw[I->wstart[i] + j].rule = w->vals[j].str;
      Loc at = w->vals[j].loc; /* the rule id, without the reason */
      at.end = at.start + (uint32_t)strlen(w->vals[j].str);
      I->dw[I->wstart[i] + j].loc = at;
    }
  }
  I->top_used = xcalloc((size_t)p->waivers.len + 1, sizeof(bool));
  I->top_marked = xcalloc((size_t)p->rules.len + 1, sizeof(bool));
  I->rule_steps = xcalloc((size_t)p->rules.len + 1, sizeof(uint64_t));
  /* Top-level waivers by the rule they name. */
  strmap_init(&I->rule_ids);
  for (int i = 0; i < p->rules.len; i++) {
    const Rule *r = p->rules.items[i];
    if (!strmap_get(&I->rule_ids, r->decl->id)) strmap_put(&I->rule_ids, r->decl->id, (void *)(intptr_t)(i + 1));
  }
  int *per_rule = xcalloc((size_t)p->rules.len + 1, sizeof(int));
  for (int j = 0; j < p->waivers.len; j++) {
    intptr_t r = (intptr_t)strmap_get(&I->rule_ids, ((const Item *)p->waivers.items[j])->name);
    if (r) per_rule[r - 1]++;
  }
  I->tstart = xmalloc(((size_t)p->rules.len + 1) * sizeof(int));
  int nt = 0;
  for (int i = 0; i < p->rules.len; i++) {
    I->tstart[i] = nt;
    nt += per_rule[i];
    per_rule[i] = 0;
  }
  I->tstart[p->rules.len] = nt;
  I->twaivers = xmalloc((size_t)(nt ? nt : 1) * sizeof(int));
  for (int j = 0; j < p->waivers.len; j++) {
    intptr_t r = (intptr_t)strmap_get(&I->rule_ids, ((const Item *)p->waivers.items[j])->name);
    if (r) I->twaivers[I->tstart[r - 1] + per_rule[r - 1]++] = j;
  }
  free(per_rule);
  sort_decl_waivers(I);
}

static void interp_free(Interp *I) {
  for (int k = 0; k < D_KIND_COUNT; k++) free(I->colls[k]);
  for (int r = 0; r < REL_COUNT; r++) {
    free(I->rel[r].start);
    free(I->rel[r].items);
  }
  scratch_free(&I->scratch);
  free(I->slots);
  free(I->stamp);
  free(I->wstart);
  free(I->dw);
  free(I->dwkey);
  free(I->top_used);
  free(I->top_marked);
  free(I->rule_steps);
  free(I->tstart);
  free(I->twaivers);
  strmap_free(&I->rule_ids);
}

/* Sorts each declaration's waivers by the rule they name, so that waived()
 * finds a rule's by binary search however many a declaration holds. */
static void sort_decl_waivers(Interp *I) {
  int total = I->wstart[I->n];
  I->dwkey = xmalloc((size_t)(total ? total : 1) * sizeof *I->dwkey);
  for (int j = 0; j < total; j++) {
    intptr_t r = (intptr_t)strmap_get(&I->rule_ids, I->dw[j].rule);
    I->dwkey[j] = (WaiverKey){(int)r - 1, j};
  }
  for (int i = 0; i < I->n; i++)
    if (I->wstart[i + 1] - I->wstart[i] > 1)
      qsort(I->dwkey + I->wstart[i], (size_t)(I->wstart[i + 1] - I->wstart[i]), sizeof *I->dwkey, cmp_waiver_key);
}

/* True when a waiver suppresses rule ri (its index in p->rules) at
 * declaration d (NULL: none); marks the waivers that do. */
static bool waived(Interp *I, int ri, const Decl *d) {
  bool hit = false;
  if (d) {
    int lo = I->wstart[d->index], end = I->wstart[d->index + 1], hi = end;
    while (lo < hi) {
      int mid = lo + (hi - lo) / 2;
      if (I->dwkey[mid].rule < ri) lo = mid + 1;
      else hi = mid;
    }
    if (lo < end && I->dwkey[lo].rule == ri) {
      hit = true;
      if (!I->dw[I->dwkey[lo].at].used) /* they are marked together, once */
        for (int j = lo; j < end && I->dwkey[j].rule == ri; j++) I->dw[I->dwkey[j].at].used = true;
    }
  }
  if (I->tstart[ri] < I->tstart[ri + 1]) {
    hit = true;
    if (!I->top_marked[ri]) /* once: a rule may fail at every element */
      for (int k = I->tstart[ri]; k < I->tstart[ri + 1]; k++) I->top_used[I->twaivers[k]] = true;
    I->top_marked[ri] = true;
  }
  return hit;
}

/* Checks one element (the rule's variable already set); reports a failure. */
static void check_element(Interp *I, const Rule *r, const Val *elem, RunStats *st) {
  /* Where a finding stands: the element's declaration, or the charter. */
  const Decl *at = I->p->charter;
  if (elem && elem->tag == V_ENT) at = elem->ent;
  if (elem && elem->tag == V_REC) at = I->p->decls.items[elem->n];
  /* A declaration with errors is not checked, and a finding that rests on
   * one is not reported: the errors come first. */
  if (at && at->broken) return;
  I->div0 = false;
  I->touched_broken = false;
  if (r->where) {
    Val w = ev(I, r->where);
    if (!is_true(&w) || I->stopped) return;
    I->div0 = false; /* only the require's divisions make it fail */
  }
  Val q = ev(I, r->require);
  if (is_true(&q) || I->stopped || I->touched_broken) return;
  Loc loc = at ? at->id_loc : r->decl->id_loc;
  if (elem && elem->tag == V_REC) loc = elem->recv->loc;
  if (waived(I, r->index, at)) {
    st->waived++;
    return;
  }
  bool div0 = I->div0; /* in the condition, not in the message */
  Loc div0_loc = I->div0_loc;
  Buf m = {0};
  message(I, r, elem, &m);
  if (I->stopped) { /* the message is not whole */
    buf_free(&m);
    return;
  }
  Diag *g = diag_add(&I->p->diags, (Severity)r->sev, loc, r->decl->id, "%s", buf_str(&m));
  buf_free(&m);
  const AttrVals *help = decl_attr(r->decl, AT_RULE_HELP);
  if (help->n) g->help = help->vals[0].str;
  if (div0) diag_note(&I->p->diags, g, div0_loc, "a division by zero here gave none");
  st->findings++;
}

static void run_rule(Interp *I, const Rule *r, RunStats *st) {
  uint64_t before = I->steps;
  Mark start = scratch_mark(&I->scratch);
  if (!r->var) {
    check_element(I, r, NULL, st);
  } else {
    Val l = ev(I, r->over);
    Mark m = scratch_mark(&I->scratch);
    for (int i = 0; l.tag == V_LIST && i < l.n && !I->stopped; i++) {
      I->slots[0] = l.items[i];
      check_element(I, r, &l.items[i], st);
      scratch_rewind(&I->scratch, m);
    }
  }
  scratch_rewind(&I->scratch, start);
  I->rule_steps[r->index] += I->steps - before;
  st->rules++;
}

/* The budget ran out: an error at the rule that took the most steps. */
static void report_stop(Interp *I) {
  Program *p = I->p;
  int worst = 0;
  for (int i = 1; i < p->rules.len; i++)
    if (I->rule_steps[i] > I->rule_steps[worst]) worst = i;
  const Rule *r = p->rules.items[worst];
  Diag *g = diag_add(&p->diags, SEV_ERROR, r->decl->id_loc, r->decl->id,
                     "rule '%s' did not finish: the rules of one check may take %llu steps (each value a rule "
                     "computes counts one), and this rule took %llu of them, so charter stopped the rules and "
                     "findings may be missing",
                     r->decl->id, (unsigned long long)I->max_steps,
                     (unsigned long long)(I->rule_steps[worst] < I->max_steps ? I->rule_steps[worst] : I->max_steps));
  g->help = "Make the rule do less work: a comprehension inside another visits every pair of their elements; "
            "read a field such as g.outcomes or p.activities instead of searching a whole collection, "
            "or raise the limit with `charter check --rule-steps N`.";
}

static const Rule *rule_named(Interp *I, const char *id) {
  intptr_t i = (intptr_t)strmap_get(&I->rule_ids, id);
  return i ? I->p->rules.items[i - 1] : NULL;
}

bool rules_run(Program *p, RunStats *stats) { return rules_run_budget(p, RULES_DEFAULT_STEPS, stats); }

bool rules_run_budget(Program *p, uint64_t max_steps, RunStats *stats) {
  RunStats st = {0, 0, 0, 0, false};
  if (stats) *stats = st;
  if (!p->charter) return false;
  Interp I;
  interp_init(&I, p);
  I.max_steps = max_steps;
  /* Rules over a whole collection run element by element, all of them at
   * each element while its declaration is in the cache; the others run one
   * after another. */
  Vec by_kind[D_KIND_COUNT] = {{0}};
  for (int i = 0; i < p->rules.len; i++) {
    Rule *r = p->rules.items[i];
    if (!r->ok) continue;
    if (r->var && r->over->kind == E_NAME && r->over->res == NM_COLL)
      vec_push(&by_kind[*(const DeclKind *)r->over->target], r);
    else if (!I.stopped) run_rule(&I, r, &st);
  }
  for (int k = 0; k < D_KIND_COUNT; k++) {
    if (!by_kind[k].len) continue;
    Mark m = scratch_mark(&I.scratch);
    for (int e = 0; e < I.ncolls[k] && !I.stopped; e++) {
      for (int j = 0; j < by_kind[k].len; j++) {
        const Rule *r = by_kind[k].items[j];
        uint64_t before = I.steps;
        I.slots[0] = I.colls[k][e];
        check_element(&I, r, &I.colls[k][e], &st);
        I.rule_steps[r->index] += I.steps - before;
        scratch_rewind(&I.scratch, m);
      }
    }
    st.rules += by_kind[k].len;
    vec_free(&by_kind[k]);
  }
  st.steps = I.stopped ? max_steps : I.steps;
  st.stopped = I.stopped;
  if (I.stopped) { /* the waivers' findings may not have been reached */
    report_stop(&I);
    interp_free(&I);
    if (stats) *stats = st;
    return true;
  }
  /* Waivers that suppressed nothing (of rules that exist and ran). */
  for (int j = 0; j < p->waivers.len; j++) {
    const Item *it = p->waivers.items[j];
    const Rule *r = rule_named(&I, it->name);
    if (r && r->ok && !I.top_used[j])
      diag_add(&p->diags, SEV_WARNING, it->name_loc, "waiver",
               "rule '%s' reports nothing in this program, so this waiver suppresses nothing; remove it", it->name);
  }
  for (int i = 0; i < I.n; i++) {
    const Decl *d = p->decls.items[i];
    for (int j = I.wstart[i]; j < I.wstart[i + 1]; j++) {
      const Rule *r = rule_named(&I, I.dw[j].rule);
      if (r && r->ok && !I.dw[j].used)
        diag_add(&p->diags, SEV_WARNING, I.dw[j].loc, "waiver",
                 "rule '%s' reports nothing at '%s', so this waiver suppresses nothing; remove it", I.dw[j].rule,
                 d->id ? d->id : "charter");
    }
  }
  interp_free(&I);
  if (stats) *stats = st;
  return true;
}
