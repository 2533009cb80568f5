/* The rule checker: every rule's `for`, `where`, `require` and message
 * interpolations are type-checked when the program loads (docs/language.md,
 * Rules), and their names, fields and calls resolved once, so that the
 * interpreter only evaluates. A rule that passes cannot fail at run time
 * except through data. */
#include <stdarg.h>
#include <string.h>

#include "modules.h"
#include "program.h"
#include "suggest.h"

#define KB(k) (uint16_t)(1u << (k))

/* ---- types ---- */

static const Type TY_ANY = {T_ANY, 0, 0, NULL};
static const Type TY_NONE = {T_NONE, 0, 0, NULL};
static const Type TY_NUM = {T_NUM, 0, 0, NULL};
static const Type TY_STR = {T_STR, 0, 0, NULL};
static const Type TY_BOOL = {T_BOOL, 0, 0, NULL};
static const Type TY_PER = {T_PER, 0, 0, NULL};
static const Type TY_PARTNER = {T_ENT, 0, KB(D_PARTNER), NULL};
static const Type TY_COUNCIL = {T_ENT, 0, KB(D_COUNCIL), NULL};
static const Type TY_DIMENSION = {T_ENT, 0, KB(D_DIMENSION), NULL};
static const Type TY_GOAL = {T_ENT, 0, KB(D_GOAL), NULL};
static const Type TY_OUTCOME = {T_ENT, 0, KB(D_OUTCOME), NULL};
static const Type TY_INDICATOR = {T_ENT, 0, KB(D_INDICATOR), NULL};
static const Type TY_ACTIVITY = {T_ENT, 0, KB(D_ACTIVITY), NULL};
static const Type TY_RULE = {T_ENT, 0, KB(D_RULE), NULL};
static const Type TY_OUT_GOAL = {T_ENT, 0, KB(D_OUTCOME) | KB(D_GOAL), NULL};
static const Type TY_DRAWN = {T_ENT, 0,
                              KB(D_PARTNER) | KB(D_COUNCIL) | KB(D_GOAL) | KB(D_OUTCOME) | KB(D_INDICATOR) |
                                  KB(D_ACTIVITY),
                              NULL};
static const Type TY_MILESTONE = {T_REC, REC_MILESTONE, 0, NULL};
static const Type TY_EQUITY = {T_REC, REC_EQUITY, 0, NULL};
#define LIST_OF(t) {T_LIST, 0, 0, &(t)}
static const Type TY_L_STR = LIST_OF(TY_STR);
static const Type TY_L_PARTNER = LIST_OF(TY_PARTNER);
static const Type TY_L_COUNCIL = LIST_OF(TY_COUNCIL);
static const Type TY_L_DIMENSION = LIST_OF(TY_DIMENSION);
static const Type TY_L_GOAL = LIST_OF(TY_GOAL);
static const Type TY_L_OUTCOME = LIST_OF(TY_OUTCOME);
static const Type TY_L_INDICATOR = LIST_OF(TY_INDICATOR);
static const Type TY_L_ACTIVITY = LIST_OF(TY_ACTIVITY);
static const Type TY_L_RULE = LIST_OF(TY_RULE);
static const Type TY_L_OUT_GOAL = LIST_OF(TY_OUT_GOAL);
static const Type TY_L_DRAWN = LIST_OF(TY_DRAWN);
static const Type TY_L_MILESTONE = LIST_OF(TY_MILESTONE);
static const Type TY_L_EQUITY = LIST_OF(TY_EQUITY);
static const Type TY_CHARTER = {T_ENT, 0, KB(D_CHARTER), NULL};

/* ---- fields ---- */

/* The fields of each kind, generated from lang/schema.def: the common ones,
 * then per attribute its field (FPLAIN), its own fields (FOWN: OWN_<tag>
 * below) or none (FNONE), then the fields derived from other declarations
 * (DERIVED_<kind> below). */
#define COMMON                                                                   \
  {"id", FD_ID, &TY_STR, NULL, NULL}, {"title", FD_TITLE, &TY_STR, NULL, NULL}, {"kind", FD_KIND, &TY_STR, NULL, NULL},
#define OWN_baseline \
  {"baseline", FD_BASELINE, &TY_NUM, NULL, "baseline"}, {"baseline_period", FD_BASELINE_PERIOD, &TY_PER, NULL, "baseline"},
#define OWN_target \
  {"target", FD_TARGET, &TY_NUM, NULL, "target"}, {"target_by", FD_TARGET_BY, &TY_PER, NULL, "target"},
#define OWN_milestone {"milestones", FD_MILESTONES, &TY_L_MILESTONE, NULL, "milestone"},
#define OWN_equity {"equity", FD_EQUITY, &TY_L_EQUITY, NULL, "equity"},
#define OWN_budget \
  {"budget", FD_BUDGET, &TY_NUM, NULL, "budget"}, {"currency", FD_CURRENCY, &TY_STR, NULL, "budget"},
#define DERIVED_charter \
  {"period_start", FD_PERIOD_START, &TY_PER, NULL, "period"}, {"period_end", FD_PERIOD_END, &TY_PER, NULL, "period"}, \
      {"disclosure", FD_DISCLOSURE, &TY_BOOL, NULL, NULL}
#define DERIVED_partner                                                                                             \
  {"activities", FD_ACTIVITIES, &TY_L_ACTIVITY, NULL, NULL}, {"councils", FD_COUNCILS, &TY_L_COUNCIL, NULL, NULL}, \
      {"is_community", FD_IS_COMMUNITY, &TY_BOOL, NULL, "sector"}
#define DERIVED_council
#define DERIVED_dimension
#define DERIVED_goal \
  {"outcomes", FD_OUTCOMES, &TY_L_OUTCOME, NULL, NULL}, {"activities", FD_ACTIVITIES, &TY_L_ACTIVITY, NULL, NULL}
#define DERIVED_outcome \
  {"activities", FD_ACTIVITIES, &TY_L_ACTIVITY, NULL, NULL}, {"preceded_by", FD_PRECEDED_BY, &TY_L_OUTCOME, NULL, NULL}
#define DERIVED_indicator                                                                            \
  {"measures_of", FD_MEASURES_OF, &TY_L_OUT_GOAL, NULL, NULL},                                       \
      {"activities", FD_ACTIVITIES, &TY_L_ACTIVITY, NULL, NULL}, {"has_target", FD_HAS_TARGET, &TY_BOOL, NULL, "target"}, \
      {"operands", FD_OPERANDS, &TY_L_INDICATOR, NULL, NULL}
#define DERIVED_activity
#define DERIVED_rule
#define DERIVED_view

#define FPLAIN(name, type, dflt) {name, FD_ATTR, &type, dflt, NULL},
#define FOWN(name, tag, dflt) OWN_##tag
#define FNONE(name, tag, dflt)
#define KIND(K, n) static const Field n##_fields[] = {COMMON
#define ATTR(K, ID, NAME, FORM, FLAGS, SYMS, REFS, EX, FIELD, FTYPE, FDEF) FIELD(NAME, FTYPE, FDEF)
#define END_KIND(K, n) DERIVED_##n};
#include "schema.def"
#undef FPLAIN
#undef FOWN
#undef FNONE

static const Field milestone_fields[] = {{"value", FD_REC_VALUE, &TY_NUM, NULL, NULL}, {"by", FD_REC_BY, &TY_PER, NULL, NULL}};
static const Field equity_fields[] = {
    {"dimension", FD_REC_DIMENSION, &TY_DIMENSION, NULL, NULL}, {"form", FD_REC_FORM, &TY_STR, NULL, NULL},
    {"group", FD_REC_GROUP, &TY_STR, NULL, NULL}, {"value", FD_REC_VALUE, &TY_NUM, NULL, NULL},
    {"by", FD_REC_BY, &TY_PER, NULL, NULL}};

#define FIELDS(a) a, (int)(sizeof a / sizeof *a)
static const struct {
  const Field *f;
  int n;
} field_tables[D_KIND_COUNT + 3] = {
    {FIELDS(charter_fields)},   {FIELDS(partner_fields)},   {FIELDS(council_fields)},
    {FIELDS(dimension_fields)}, {FIELDS(goal_fields)},      {FIELDS(outcome_fields)},
    {FIELDS(indicator_fields)}, {FIELDS(activity_fields)},  {FIELDS(rule_fields)},
    {FIELDS(view_fields)},      {NULL, 0},                  {FIELDS(milestone_fields)},
    {FIELDS(equity_fields)}};

static const Field *field_find(int kind, const char *name) {
  for (int i = 0; i < field_tables[kind].n; i++)
    if (strcmp(field_tables[kind].f[i].name, name) == 0) return &field_tables[kind].f[i];
  return NULL;
}

/* Attributes that are deliberately not fields, and what to read instead. */
static const struct {
  const char *name;
  const char *hint;
} not_fields[] = {
    {"milestone", "read 'milestones', a list of records with 'value' and 'by'"},
    {"period", "read 'period_start' or 'period_end'"},
    {"formula", "a formula is computed from data by eval; read 'operands', the indicators it names"},
    {"waive", "waivers are not fields; they turn rules off"},
    {"per", "an indicator's scale, range, benchmarks and compare values are read by eval"},
    {"range", "an indicator's scale, range, benchmarks and compare values are read by eval"},
    {"benchmark", "an indicator's scale, range, benchmarks and compare values are read by eval"},
    {"compare", "an indicator's scale, range, benchmarks and compare values are read by eval"},
};

/* ---- the collections ---- */

static const struct {
  const char *name;
  DeclKind kind;
  const Type *type;
} collections[] = {
    {"partners", D_PARTNER, &TY_L_PARTNER},       {"councils", D_COUNCIL, &TY_L_COUNCIL},
    {"dimensions", D_DIMENSION, &TY_L_DIMENSION}, {"goals", D_GOAL, &TY_L_GOAL},
    {"outcomes", D_OUTCOME, &TY_L_OUTCOME},       {"indicators", D_INDICATOR, &TY_L_INDICATOR},
    {"activities", D_ACTIVITY, &TY_L_ACTIVITY},   {"rules", D_RULE, &TY_L_RULE},
};
enum { NCOLLECTIONS = (int)(sizeof collections / sizeof *collections) };

bool rules_name_shadows(const char *name) {
  for (int i = 0; i < NCOLLECTIONS; i++)
    if (strcmp(collections[i].name, name) == 0) return true;
  return strcmp(name, "charter") == 0;
}

/* ---- the functions ---- */

static const char *const functions[] = {"count", "any", "all", "sum", "min", "max",
                                        "exists", "len", "lower", "distinct"};
enum { NFUNCTIONS = (int)(sizeof functions / sizeof *functions) };

/* ---- describing types ---- */

static void kinds_name(Buf *b, unsigned kinds, bool plural) {
  int total = 0, n = 0;
  for (int k = 0; k < D_KIND_COUNT; k++)
    if (kinds & (1u << k)) total++;
  if (total > 2) {
    buf_puts(b, plural ? "declarations" : "a declaration");
    return;
  }
  for (int k = 0; k < D_KIND_COUNT; k++) {
    if (!(kinds & (1u << k))) continue;
    if (n++) buf_puts(b, plural ? " and " : " or ");
    const char *name = ast_kind_name(k);
    if (!plural) buf_printf(b, "%s %s", ast_article(name), name);
    else if (k == D_ACTIVITY) buf_puts(b, "activities");
    else buf_printf(b, "%ss", name);
  }
}

static void type_name(Buf *b, const Type *t, bool plural) {
  switch (t->tag) {
  case T_ANY: buf_puts(b, plural ? "values" : "a value"); break;
  case T_NONE: buf_puts(b, "none"); break;
  case T_NUM: buf_puts(b, plural ? "numbers" : "a number"); break;
  case T_STR: buf_puts(b, plural ? "texts" : "a text"); break;
  case T_BOOL: buf_puts(b, plural ? "conditions" : "a condition (true or false)"); break;
  case T_PER: buf_puts(b, plural ? "periods" : "a period"); break;
  case T_ENT: kinds_name(b, t->kinds, plural); break;
  case T_REC:
    if (t->rec == REC_MILESTONE) buf_puts(b, plural ? "milestones" : "a milestone");
    else buf_puts(b, plural ? "equity targets" : "an equity target");
    break;
  case T_LIST:
    buf_puts(b, plural ? "lists of " : "a list of ");
    type_name(b, t->elem, true);
    break;
  }
}

/* ---- the checker ---- */

/* MAX_COMPREHENSIONS bounds the work of one element: each level of
 * comprehension multiplies it by the length of a list (docs/rules.md,
 * "What rules may cost"). */
enum { MAX_DEPTH = 2000, MAX_COMPREHENSIONS = 4, MAX_VARS = MAX_COMPREHENSIONS + 1, MAX_SUGGESTIONS = 200 };

typedef struct Var {
  const char *name; /* as written */
  Type type;        /* what it holds */
} Var;

typedef struct TC {
  Program *p;          /* the program */
  Rule *r;             /* the rule being checked */
  Var vars[MAX_VARS];  /* in scope, innermost last; a variable's slot is its index */
  int nvars;           /* how many */
  int depth;           /* recursion depth */
  int ncomp;           /* comprehensions around the expression at hand */
  bool too_deep;       /* reported once */
  int *suggestions;    /* "did you mean" searches over every declaration so far (capped) */
  Buf names[2];        /* type names for the message being written */
} TC;

static Diag *terr(TC *t, Loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static Diag *terr(TC *t, Loc loc, const char *fmt, ...) {
  Buf b = {0};
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(&b, fmt, ap);
  va_end(ap);
  Diag *g = diag_add(&t->p->diags, SEV_ERROR, loc, "type", "%s", buf_str(&b));
  buf_free(&b);
  return g;
}

/* "a number" for messages; the text lives until the next call with the
 * same index. */
static const char *tn_(TC *t, const Type *ty, int which, bool plural) {
  Buf *b = &t->names[which];
  b->len = 0;
  if (b->data) b->data[0] = 0;
  type_name(b, ty, plural);
  return buf_str(b);
}
#define tn(ty, which) tn_(t, ty, which, false)
#define tnp(ty, which) tn_(t, ty, which, true)

static bool compatible(const Type *a, const Type *b) {
  if (a->tag == T_ANY || b->tag == T_ANY || a->tag == T_NONE || b->tag == T_NONE) return true;
  if (a->tag != b->tag) return false;
  if (a->tag == T_LIST) return compatible(a->elem, b->elem);
  if (a->tag == T_REC) return a->rec == b->rec;
  return true;
}

static bool same_type(const Type *a, const Type *b) {
  if (a->tag != b->tag) return false;
  if (a->tag == T_LIST) return same_type(a->elem, b->elem);
  return a->rec == b->rec && a->kinds == b->kinds;
}

static Type list_of(TC *t, Type elem) {
  Type *e = arena_alloc(&t->p->arena, sizeof *e);
  *e = elem;
  Type l = {T_LIST, 0, 0, e};
  return l;
}

/* Two element types joined (entities of different kinds join their kinds). */
static Type join(const Type *a, const Type *b) {
  if (a->tag == T_ANY || a->tag == T_NONE) return *b;
  if (b->tag == T_ANY || b->tag == T_NONE) return *a;
  if (a->tag == T_ENT && b->tag == T_ENT) {
    Type j = *a;
    j.kinds |= b->kinds;
    return j;
  }
  return *a;
}

static Type tc(TC *t, Expr *e);

static bool is_bool(const Type *ty) { return ty->tag == T_BOOL || ty->tag == T_ANY; }
static bool is_num(const Type *ty) { return ty->tag == T_NUM || ty->tag == T_ANY || ty->tag == T_NONE; }
static bool is_list(const Type *ty) { return ty->tag == T_LIST || ty->tag == T_ANY || ty->tag == T_NONE; }
static const Type *elem_of(const Type *ty) { return ty->tag == T_LIST ? ty->elem : &TY_ANY; }

/* A condition where one is needed (and, or, not, where, require). */
static void need_bool(TC *t, Expr *e, const Type *ty, const char *what) {
  if (!is_bool(ty)) terr(t, e->loc, "%s needs a condition (true or false), but this is %s", what, tn(ty, 0));
}

static void need_num(TC *t, Expr *e, const Type *ty, const char *op) {
  if (!is_num(ty)) terr(t, e->loc, "'%s' works on numbers, but this is %s", op, tn(ty, 0));
}

static Type tc_name(TC *t, Expr *e) {
  for (int i = t->nvars - 1; i >= 0; i--)
    if (strcmp(t->vars[i].name, e->text) == 0) {
      e->res = NM_VAR;
      e->slot = (int16_t)i;
      return t->vars[i].type;
    }
  for (int i = 0; i < NCOLLECTIONS; i++)
    if (strcmp(collections[i].name, e->text) == 0) {
      e->res = NM_COLL;
      e->target = &collections[i].kind;
      return *collections[i].type;
    }
  if (strcmp(e->text, "charter") == 0) {
    e->res = NM_CHARTER;
    return TY_CHARTER;
  }
  Decl *d = strmap_get(&t->p->ids, e->text);
  if (d) {
    e->res = NM_DECL;
    e->target = d;
    Type ty = {T_ENT, 0, KB(d->kind), NULL};
    return ty;
  }
  Suggest s;
  suggest_init(&s, e->text);
  for (int i = t->nvars - 1; i >= 0; i--) suggest_offer(&s, t->vars[i].name);
  for (int i = 0; i < NCOLLECTIONS; i++) suggest_offer(&s, collections[i].name);
  suggest_offer(&s, "charter");
  /* Searching every declaration for each unknown name would be quadratic
   * in a hostile program: past MAX_SUGGESTIONS, only the names above. */
  if (++*t->suggestions <= MAX_SUGGESTIONS)
    for (int i = 0; i < t->p->decls.len; i++) {
      Decl *x = t->p->decls.items[i];
      if (x->id) suggest_offer(&s, x->id);
    }
  const char *module = s.best ? NULL : program_unused_module_declaring(t->p, e->text);
  if (s.best)
    terr(t, e->loc, "unknown name '%s'; did you mean '%s'?", e->text, s.best)->fix = s.best;
  else if (module)
    terr(t, e->loc, "unknown name '%s': it is declared by the standard module %s; add `use %s`", e->text, module,
         module);
  else
    terr(t, e->loc,
         "unknown name '%s': a rule names a loop variable, a collection (partners, councils, dimensions, goals, "
         "outcomes, indicators, activities, rules), charter, or a declared id",
         e->text);
  return TY_ANY;
}

static Type tc_field(TC *t, Expr *e) {
  Type o = tc(t, e->a);
  if (o.tag == T_ANY || o.tag == T_NONE) return TY_ANY;
  if (o.tag == T_LIST) {
    terr(t, e->loc, "'.%s' reads one element, but this is %s; use any(x in …: x.%s …), all(…) or count(…)", e->text,
         tn(&o, 0), e->text);
    return TY_ANY;
  }
  if (o.tag != T_ENT && o.tag != T_REC) {
    terr(t, e->loc, "%s has no fields, so '.%s' reads nothing", tn(&o, 0), e->text);
    return TY_ANY;
  }
  FieldRes *fr = arena_alloc(&t->p->arena, sizeof *fr);
  const Type *result = NULL;
  bool mixed = false;
  if (o.tag == T_REC) {
    const Field *f = field_find(D_KIND_COUNT + o.rec, e->text);
    if (f) {
      fr->f[D_KIND_COUNT + o.rec] = f;
      result = f->type;
    }
  } else {
    for (int k = 0; k < D_KIND_COUNT; k++) {
      if (!(o.kinds & (1u << k))) continue;
      const Field *f = field_find(k, e->text);
      if (!f) continue;
      fr->f[k] = f;
      const char *attr = f->attr ? f->attr : f->code == FD_ATTR ? f->name : NULL;
      fr->attr[k] = (int8_t)(attr ? chk_spec_index((DeclKind)k, attr) : -1);
      if (result && !same_type(result, f->type)) mixed = true;
      if (!result) result = f->type;
    }
  }
  if (!result) {
    for (size_t i = 0; i < sizeof not_fields / sizeof *not_fields; i++)
      if (strcmp(not_fields[i].name, e->text) == 0) {
        terr(t, e->name_loc, "'%s' is not a field that rules read: %s", e->text, not_fields[i].hint);
        return TY_ANY;
      }
    Suggest s;
    suggest_init(&s, e->text);
    for (int k = 0; k < D_KIND_COUNT + 3; k++) {
      bool in = o.tag == T_REC ? k == D_KIND_COUNT + o.rec : k < D_KIND_COUNT && (o.kinds & (1u << k));
      if (!in) continue;
      for (int i = 0; i < field_tables[k].n; i++) suggest_offer(&s, field_tables[k].f[i].name);
    }
    if (s.best) terr(t, e->name_loc, "%s has no field '%s'; did you mean '%s'?", tn(&o, 0), e->text, s.best)->fix = s.best;
    else terr(t, e->name_loc, "%s has no field '%s' (docs/rules.md lists the fields of each kind)", tn(&o, 0), e->text);
    return TY_ANY;
  }
  e->target = fr;
  return mixed ? TY_ANY : *result;
}

/* Binds NAME in LIST of the comprehension argument of call e; returns
 * false after an error. The caller pops the variable. */
static bool bind(TC *t, Expr *e, Expr *pair) {
  Expr *in = pair->a;
  while (in->kind == E_PAREN) in = in->a;
  if (in->kind != E_BINARY || in->op != OP_IN || in->a->kind != E_NAME) {
    terr(t, pair->a->loc, "before ':' write NAME in LIST, as in count(a in activities: exists(a.metric))");
    return false;
  }
  Type list = tc(t, in->b);
  if (!is_list(&list)) {
    terr(t, in->b->loc, "'%s' must range over a list, but this is %s", in->a->text, tn(&list, 0));
    list = TY_ANY;
  }
  if (t->ncomp >= MAX_COMPREHENSIONS) {
    terr(t, e->loc,
         "this %s(…) is the %dth comprehension nested here, but a rule may nest at most %d, since each level "
         "multiplies the work by the length of its list; make the outermost list the rule's `for`, split the "
         "condition into two rules, or read a field such as g.outcomes or p.activities instead of searching a "
         "whole collection",
         e->text, t->ncomp + 1, MAX_COMPREHENSIONS);
    return false;
  }
  in->a->res = NM_VAR;
  in->a->slot = (int16_t)t->nvars;
  pair->slot = (int16_t)t->nvars;
  t->vars[t->nvars].name = in->a->text;
  t->vars[t->nvars].type = *elem_of(&list);
  t->nvars++;
  if (t->nvars > t->r->nslots) t->r->nslots = t->nvars;
  return true;
}

/* The type of a comprehension's body (x in L: body), or of its plain list
 * argument's elements; *ok false after an error. */
static Type tc_call(TC *t, Expr *e) {
  int fn = -1;
  for (int i = 0; i < NFUNCTIONS; i++)
    if (strcmp(functions[i], e->text) == 0) fn = i;
  if (fn < 0) {
    const char *best = suggest_best(e->text, functions, NFUNCTIONS);
    if (best) terr(t, e->name_loc, "unknown function '%s'; did you mean '%s'?", e->text, best)->fix = best;
    else
      terr(t, e->name_loc,
           "unknown function '%s': the functions are count, any, all, sum, min, max, exists, len, lower and distinct",
           e->text);
    for (int i = 0; i < e->nitems; i++)
      if (e->items[i]->kind != E_PAIR) tc(t, e->items[i]);
    return TY_ANY;
  }
  e->res = (uint8_t)fn;
  bool comprehension_ok = fn <= FN_MAX;
  if (e->nitems != 1) {
    static const char *const forms[] = {
        "count(LIST) or count(x in LIST: CONDITION)", "any(x in LIST: CONDITION)", "all(x in LIST: CONDITION)",
        "sum(LIST) or sum(x in LIST: NUMBER)",        "min(LIST) or min(x in LIST: VALUE)",
        "max(LIST) or max(x in LIST: VALUE)",         "exists(VALUE)", "len(TEXT)", "lower(TEXT)",
        "distinct(LIST)"};
    terr(t, e->loc, "%s takes one argument, but %d %s given: write %s", functions[fn], e->nitems,
         e->nitems == 1 ? "is" : "are", forms[fn]);
    for (int i = 0; i < e->nitems; i++)
      if (e->items[i]->kind != E_PAIR) tc(t, e->items[i]);
    return TY_ANY;
  }
  Expr *arg = e->items[0];
  if (arg->kind == E_PAIR) {
    if (!comprehension_ok) {
      terr(t, arg->loc, "%s takes a plain value, not NAME in LIST: …; only count, any, all, sum, min and max do",
           functions[fn]);
      return TY_ANY;
    }
    int saved = t->nvars;
    if (!bind(t, e, arg)) return TY_ANY;
    t->ncomp++;
    Type body = tc(t, arg->b);
    t->ncomp--;
    t->nvars = saved;
    switch (fn) {
    case FN_COUNT: need_bool(t, arg->b, &body, "count(x in LIST: …)"); return TY_NUM;
    case FN_ANY: need_bool(t, arg->b, &body, "any(x in LIST: …)"); return TY_BOOL;
    case FN_ALL: need_bool(t, arg->b, &body, "all(x in LIST: …)"); return TY_BOOL;
    case FN_SUM:
      if (!is_num(&body)) terr(t, arg->b->loc, "sum adds numbers, but this is %s", tn(&body, 0));
      return TY_NUM;
    default: /* min, max */
      if (body.tag != T_NUM && body.tag != T_PER && body.tag != T_STR && body.tag != T_ANY && body.tag != T_NONE) {
        terr(t, arg->b->loc, "%s compares numbers, periods or texts, but this is %s", functions[fn], tn(&body, 0));
        return TY_ANY;
      }
      return body;
    }
  }
  Type a = tc(t, arg);
  switch (fn) {
  case FN_ANY:
  case FN_ALL:
    terr(t, arg->loc, "%s needs a condition for each element: write %s(x in LIST: CONDITION)", functions[fn],
         functions[fn]);
    return TY_BOOL;
  case FN_EXISTS:
    return TY_BOOL;
  case FN_LEN:
  case FN_LOWER:
    if (a.tag == T_LIST) {
      terr(t, arg->loc, "%s reads a text, but this is %s%s", functions[fn], tn(&a, 0),
           fn == FN_LEN ? "; count(LIST) counts a list" : "");
    } else if (a.tag != T_STR && a.tag != T_ANY && a.tag != T_NONE) {
      terr(t, arg->loc, "%s reads a text, but this is %s", functions[fn], tn(&a, 0));
    }
    return fn == FN_LEN ? TY_NUM : TY_STR;
  default:
    break;
  }
  if (!is_list(&a)) {
    terr(t, arg->loc, "%s needs a list, but this is %s", functions[fn], tn(&a, 0));
    return fn == FN_DISTINCT ? TY_ANY : fn == FN_COUNT || fn == FN_SUM ? TY_NUM : TY_ANY;
  }
  const Type *el = elem_of(&a);
  switch (fn) {
  case FN_COUNT: return TY_NUM;
  case FN_SUM:
    if (!is_num(el)) terr(t, arg->loc, "sum adds numbers, but this is %s", tn(&a, 0));
    return TY_NUM;
  case FN_MIN:
  case FN_MAX:
    if (el->tag != T_NUM && el->tag != T_PER && el->tag != T_STR && el->tag != T_ANY && el->tag != T_NONE) {
      terr(t, arg->loc, "%s compares numbers, periods or texts, but this is %s", functions[fn], tn(&a, 0));
      return TY_ANY;
    }
    return *el;
  default: /* distinct */
    return a;
  }
}

/* A whole number from 1000 to 9999 compared with a period: the user meant a
 * year, which an expression writes as a period (docs/language.md, Periods). */
static const Expr *year_like(const Expr *e) {
  while (e->kind == E_PAREN) e = e->a;
  if (e->kind != E_NUMBER || e->num < 1000 || e->num > 9999 || e->num != (double)(int)e->num ||
      strchr(e->text, '.'))
    return NULL;
  return e;
}

/* Two values of different types compared. */
static void mismatch(TC *t, Expr *e, const char *op, const Type *a, const Type *b) {
  const Expr *year = a->tag == T_PER && b->tag == T_NUM ? year_like(e->b) : b->tag == T_PER && a->tag == T_NUM ? year_like(e->a) : NULL;
  if (year)
    terr(t, e->loc,
         "'%s' compares values of one type, but this compares %s with %s: in an expression %s is a number; "
         "write the period %s-12 (or %s-Q4) for the end of that year",
         op, tn(a, 0), tn(b, 1), year->text, year->text, year->text);
  else
    terr(t, e->loc, "'%s' compares values of one type, but this compares %s with %s", op, tn(a, 0), tn(b, 1));
}

static Type tc_binary(TC *t, Expr *e) {
  Type a = tc(t, e->a);
  Type b = tc(t, e->b);
  const char *op = ast_op_text(e->op);
  switch (e->op) {
  case OP_OR:
  case OP_AND:
    need_bool(t, e->a, &a, e->op == OP_OR ? "'or'" : "'and'");
    need_bool(t, e->b, &b, e->op == OP_OR ? "'or'" : "'and'");
    return TY_BOOL;
  case OP_EQ:
  case OP_NE:
    if (!compatible(&a, &b)) mismatch(t, e, op, &a, &b);
    return TY_BOOL;
  case OP_LT:
  case OP_LE:
  case OP_GT:
  case OP_GE: {
    const Type *bad = NULL;
    if (a.tag == T_BOOL || a.tag == T_ENT || a.tag == T_REC || a.tag == T_LIST) bad = &a;
    else if (b.tag == T_BOOL || b.tag == T_ENT || b.tag == T_REC || b.tag == T_LIST) bad = &b;
    if (bad)
      terr(t, e->loc, "'%s' orders numbers, texts or periods, but %s has no order", op, tn(bad, 0));
    else if (!compatible(&a, &b))
      mismatch(t, e, op, &a, &b);
    return TY_BOOL;
  }
  case OP_IN:
    if (b.tag == T_LIST) {
      if (!compatible(&a, b.elem))
        terr(t, e->loc, "'in' looks for %s in %s, which can never hold it", tn(&a, 0), tn(&b, 1));
    } else if (b.tag == T_STR) {
      if (a.tag != T_STR && a.tag != T_ANY && a.tag != T_NONE)
        terr(t, e->loc, "'in' on a text looks for a text inside it, but this is %s", tn(&a, 0));
    } else if (b.tag != T_ANY && b.tag != T_NONE) {
      terr(t, e->b->loc, "'in' needs a list or a text on its right, but this is %s", tn(&b, 0));
    }
    return TY_BOOL;
  default: /* + - * / */
    need_num(t, e->a, &a, op);
    need_num(t, e->b, &b, op);
    return TY_NUM;
  }
}

static Type tc(TC *t, Expr *e) {
  if (t->depth >= MAX_DEPTH) {
    if (!t->too_deep) terr(t, e->loc, "this expression nests more than %d levels deep; split it up", MAX_DEPTH);
    t->too_deep = true;
    return TY_ANY;
  }
  t->depth++;
  Type r = TY_ANY;
  switch (e->kind) {
  case E_NUMBER: r = TY_NUM; break;
  case E_STRING: r = TY_STR; break;
  case E_PERIOD: r = TY_PER; break;
  case E_TRUE:
  case E_FALSE: r = TY_BOOL; break;
  case E_NONE: r = TY_NONE; break;
  case E_NAME: r = tc_name(t, e); break;
  case E_PAREN: r = tc(t, e->a); break;
  case E_FIELD: r = tc_field(t, e); break;
  case E_CALL: r = tc_call(t, e); break;
  case E_LIST: {
    Type el = TY_NONE;
    for (int i = 0; i < e->nitems; i++) {
      Type it = tc(t, e->items[i]);
      if (!compatible(&el, &it))
        terr(t, e->items[i]->loc, "a list holds values of one type, but this is %s among %s", tn(&it, 0),
             tnp(&el, 1));
      else el = join(&el, &it);
    }
    r = list_of(t, el.tag == T_NONE ? TY_ANY : el);
    break;
  }
  case E_PAIR:
    /* Only a call's argument can be a pair (the grammar sees to it). */
    terr(t, e->loc, "':' belongs inside count, any, all, sum, min or max");
    break;
  case E_UNARY: {
    Type a = tc(t, e->a);
    if (e->op == OP_NOT) {
      need_bool(t, e->a, &a, "'not'");
      r = TY_BOOL;
    } else {
      need_num(t, e->a, &a, "-");
      r = TY_NUM;
    }
    break;
  }
  case E_BINARY: r = tc_binary(t, e); break;
  }
  t->depth--;
  return r;
}

/* ---- messages ---- */

static void add_part(Vec *parts, Arena *a, const char *text, Expr *expr) {
  TplPart *tp = arena_alloc(a, sizeof *tp);
  tp->text = text;
  tp->expr = expr;
  vec_push(parts, tp);
}

static void flush_text(Vec *parts, Arena *a, Buf *raw) {
  if (!raw->len) return;
  Buf dec = {0};
  ast_decode_escapes(&dec, raw->data, raw->len);
  add_part(parts, a, arena_strndup(a, buf_str(&dec), dec.len), NULL);
  buf_free(&dec);
  raw->len = 0;
}

/* Splits the message's source text into literal parts and {interpolations},
 * each parsed and type-checked where it stands in the file. Escapes are
 * literal text, so a brace written as \u{7B} is a plain brace. */
static bool compile_message(TC *t, const Value *v) {
  Program *p = t->p;
  Src *s = src_get(&p->srcs, v->loc.file);
  uint32_t start = v->loc.start + 1, end = v->loc.end - 1; /* inside the quotes */
  if (v->loc.end < v->loc.start + 2 || s->text[v->loc.start] != '"') return false;
  const char *raw = s->text;
  Vec parts = {0};
  Buf lit = {0};
  bool ok = true;
  for (uint32_t i = start; i < end && ok;) {
    char c = raw[i];
    if (c == '\\') {
      uint32_t j = i + 2;
      if (i + 1 < end && raw[i + 1] == 'u')
        while (j < end && raw[j - 1] != '}') j++;
      buf_add(&lit, raw + i, j - i);
      i = j;
    } else if ((c == '{' || c == '}') && i + 1 < end && raw[i + 1] == c) {
      buf_putc(&lit, c);
      i += 2;
    } else if (c == '}') {
      Loc at = {v->loc.file, i, i + 1};
      diag_add(&p->diags, SEV_ERROR, at, "syntax", "a lone '}' in a message: write '}}' for a literal brace");
      ok = false;
    } else if (c == '{') {
      uint32_t j = i + 1;
      while (j < end && raw[j] != '}' && raw[j] != '{' && raw[j] != '\\' && raw[j] != '#') j++;
      Loc at = {v->loc.file, i, i + 1};
      if (j < end && (raw[j] == '\\' || raw[j] == '#')) {
        Loc bs = {v->loc.file, j, j + 1};
        diag_add(&p->diags, SEV_ERROR, bs, "syntax",
                 "an interpolation holds an expression, without escapes, quotes or comments");
        ok = false;
      } else if (j >= end || raw[j] != '}') {
        diag_add(&p->diags, SEV_ERROR, at, "syntax",
                 "this '{' in a message is not closed: write {expression}, or '{{' for a literal brace");
        ok = false;
      } else if (j == i + 1) {
        at.end = j + 1;
        diag_add(&p->diags, SEV_ERROR, at, "syntax",
                 "an empty '{}' in a message: put an expression inside, or write '{{}}' for literal braces");
        ok = false;
      } else {
        flush_text(&parts, &p->arena, &lit);
        Expr *x = ast_parse_expr(&p->arena, &p->diags, &p->srcs, v->loc.file, i + 1, j);
        if (!x) ok = false;
        else {
          tc(t, x);
          add_part(&parts, &p->arena, NULL, x);
        }
        i = j + 1;
      }
    } else {
      buf_putc(&lit, c);
      i++;
    }
  }
  flush_text(&parts, &p->arena, &lit);
  buf_free(&lit);
  if (ok && parts.len) { /* an empty message falls back to the default */
    t->r->nmsg = parts.len;
    t->r->msg = arena_alloc(&p->arena, (size_t)(parts.len ? parts.len : 1) * sizeof *t->r->msg);
    for (int i = 0; i < parts.len; i++) t->r->msg[i] = *(TplPart *)parts.items[i];
  }
  vec_free(&parts);
  return ok;
}

/* ---- rules ---- */

static Rule *compile_rule(Program *p, Decl *d, int *suggestions) {
  Rule *r = arena_alloc(&p->arena, sizeof *r);
  r->decl = d;
  const AttrVals *sev = decl_attr(d, AT_RULE_SEVERITY);
  r->sev = SEV_ERROR;
  if (sev->n && strcmp(sev->vals[0].str, "warning") == 0) r->sev = SEV_WARNING;
  if (sev->n && strcmp(sev->vals[0].str, "info") == 0) r->sev = SEV_INFO;
  const AttrVals *f = decl_attr(d, AT_RULE_FOR), *w = decl_attr(d, AT_RULE_WHERE), *q = decl_attr(d, AT_RULE_REQUIRE);
  if (f->first) {
    r->var = f->first->var;
    r->over = f->first->expr;
  }
  if (w->first) r->where = w->first->expr;
  if (q->first) r->require = q->first->expr;
  if (d->broken || !r->require || (f->first && !r->over) || (w->first && !r->where)) return r;

  int before = p->diags.nerrors;
  TC tcx = {0};
  TC *t = &tcx;
  t->p = p;
  t->r = r;
  t->suggestions = suggestions;
  if (r->over) {
    Type over = tc(t, r->over);
    if (!is_list(&over)) {
      terr(t, r->over->loc, "'for %s in' needs a list, such as activities or g.indicator, but this is %s", r->var,
           tn(&over, 0));
      over = TY_ANY;
    }
    t->vars[0].name = r->var;
    t->vars[0].type = *elem_of(&over);
    t->nvars = 1;
    if (r->nslots < 1) r->nslots = 1; /* the list's comprehensions may need more */
  }
  if (r->where) {
    Type ty = tc(t, r->where);
    need_bool(t, r->where, &ty, "'where'");
  }
  Type ty = tc(t, r->require);
  need_bool(t, r->require, &ty, "'require'");
  const AttrVals *m = decl_attr(d, AT_RULE_MESSAGE);
  bool msg_ok = !m->n || compile_message(t, &m->vals[0]);
  r->ok = msg_ok && p->diags.nerrors == before;
  buf_free(&t->names[0]);
  buf_free(&t->names[1]);
  return r;
}

void rules_check(Program *p) {
  int suggestions = 0;
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.items[i];
    if (d->kind == D_RULE) {
      Rule *r = compile_rule(p, d, &suggestions);
      r->index = p->rules.len;
      vec_push(&p->rules, r);
    }
  }
}
