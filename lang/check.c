/* The built-in checks (docs/language.md, "Built-in checks"): each attribute
 * matched against its form, references resolved, and the structural rules
 * (periods, cycles, community owners, equity lines, directions, the
 * charter). */
#include <math.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "fmt.h"
#include "model.h"
#include "modules.h"
#include "program.h"
#include "suggest.h"

/* ---- the schema ---- */

/* The symbol sets and every kind's attribute specs, generated from the one
 * table of lang/schema.def. */
#define SYMSET(S, T) const char *const schema_##S[] = {
#define SYM(S, E, W) W,
#define END_SYMSET(S, T) NULL};
#define KIND(K, n) static const AttrSpec n##_specs[] = {
#define ATTR(K, ID, NAME, FORM, FLAGS, SYMS, REFS, EX, FIELD, FTYPE, FDEF) {NAME, FORM, FLAGS, schema_##SYMS, REFS, EX},
#define END_KIND(K, n) };
#define schema_NOSYMS NULL
#include "schema.def"
#undef schema_NOSYMS

/* No kind has more attributes than check_attrs keeps counts for. */
#define MAX_ATTRS 32
#define END_KIND(K, n) _Static_assert((int)ATI_##K##_COUNT_ <= MAX_ATTRS, #n " has more attributes than MAX_ATTRS");
#include "schema.def"

#define K(k) (1u << (k))

#define SPECS(a) a, (int)(sizeof a / sizeof *a)
static const struct {
  const AttrSpec *specs;
  int n;
} schema[D_KIND_COUNT] = {
    {SPECS(charter_specs)},   {SPECS(partner_specs)}, {SPECS(council_specs)},
    {SPECS(dimension_specs)}, {SPECS(goal_specs)},    {SPECS(outcome_specs)},
    {SPECS(indicator_specs)}, {SPECS(activity_specs)}, {SPECS(rule_specs)},
    {SPECS(view_specs)}};

const AttrSpec *chk_specs(DeclKind kind, int *n) {
  *n = schema[kind].n;
  return schema[kind].specs;
}

int chk_spec_index(DeclKind kind, const char *name) {
  for (int i = 0; i < schema[kind].n; i++)
    if (strcmp(schema[kind].specs[i].name, name) == 0) return i;
  return -1;
}

const AttrVals attr_absent = {NULL, NULL, 0};

const AttrVals *decl_waivers(const Decl *d) {
  static const AttrId waive[D_KIND_COUNT] = {
      [D_CHARTER] = AT_CHARTER_WAIVE,     [D_PARTNER] = AT_PARTNER_WAIVE, [D_COUNCIL] = AT_COUNCIL_WAIVE,
      [D_DIMENSION] = AT_DIMENSION_WAIVE, [D_GOAL] = AT_GOAL_WAIVE,       [D_OUTCOME] = AT_OUTCOME_WAIVE,
      [D_INDICATOR] = AT_INDICATOR_WAIVE, [D_ACTIVITY] = AT_ACTIVITY_WAIVE, [D_RULE] = AT_NONE_,
      [D_VIEW] = AT_NONE_};
  return waive[d->kind] == AT_NONE_ ? &attr_absent : decl_attr(d, waive[d->kind]);
}

const RuleInfo chk_builtin_rules[] = {
    {"syntax", "The program follows the grammar",
     "Every file must follow the Charter grammar: declarations, blocks, attributes, strings and expressions.",
     "Fix the text at the caret as the message says."},
    {"encoding", "Files are UTF-8 text", "Charter files must be valid UTF-8 and may not contain NUL bytes.",
     "Save the file as UTF-8 in your editor."},
    {"import", "Imports and modules can be loaded",
     "Every imported file must exist and be a regular file, imports may not form a cycle, and every module named by use must exist.",
     "Correct the path (relative to the importing file) or the module name, or break the cycle."},
    {"duplicate", "Each id is declared once", "All declarations of a program share one namespace; an id may be declared only once.",
     "Rename one of the two declarations."},
    {"unresolved", "Every reference names a declaration", "A reference must name an id declared in the program or in a module it uses.",
     "Correct the spelling, declare the id, or add the `use` line of the module that declares it."},
    {"kind", "References point to the right kind", "Each reference must name a declaration of the kind the attribute expects, e.g. an owner must be a partner.",
     "Name a declaration of the expected kind."},
    {"attribute", "Attributes are known and well formed",
     "Each attribute must be one its declaration kind has, written in its form, with symbols from its set; a single-valued attribute may appear once.",
     "Correct the attribute name or value as the message shows."},
    {"required", "Required attributes are present", "Some attributes are required: a partner's sector, a council's members, an outcome's horizon, a dimension's groups, a rule's require, an indicator's direction when it has targets.",
     "Add the missing attribute."},
    {"period", "Periods are valid and in order",
     "Periods must exist on the calendar; ends may not come before starts; targets come after baselines and milestones between them.",
     "Correct the dates."},
    {"cycle", "No cycles in leads_to or formulas", "Outcomes may not lead back to themselves, and formulas may not depend on themselves.",
     "Remove one link of the cycle."},
    {"community", "Community owners are community partners", "A community_owner must be a partner whose sector includes community.",
     "Name a resident-led partner, or add sector community to the partner if it is one."},
    {"equity", "Equity targets match their dimensions",
     "An equity line must use a dimension the indicator disaggregates by, and name groups that dimension has (a group's own target, or the reference group after 'to').",
     "Add the dimension to disaggregate, or correct the group name."},
    {"direction", "Targets move in the indicator's direction", "A target that lies below the baseline of an indicator whose direction is up (or above, for down) moves the wrong way.",
     "Check the target, the baseline and the direction."},
    {"milestone", "Milestones lead to the target",
     "In the indicator's direction, a milestone may not lie beyond the target, and a later milestone may not fall behind an earlier one.",
     "Check the milestone's value and period against the target and the other milestones."},
    {"bounds", "Values lie within the indicator's bounds",
     "A baseline, target, milestone, group target, benchmark or compare value must lie within the indicator's bounds: 0 to 100 for unit \"%\", at least 0 for a rate (per N), or its range.",
     "Correct the value, or write a range that includes it (range LOW to HIGH)."},
    {"charter", "The program has exactly one charter", "A program has exactly one charter block, in its own files, not in a module.",
     "Add a charter block, or remove the extra one."},
    {"disclosure", "The disclosure block is well formed",
     "The charter block may hold one disclosure block, whose lines are suppress below N, unstable below N, complementary and unknown counts shown or withheld, each once, N a positive whole number.",
     "Correct the line as the message shows, or move the block into the charter block."},
    {"translation", "Translations match what they translate",
     "A Spanish text (title_es, note_es, vision_es, problem_es) translates the English text the declaration gives, "
     "and is not empty; a dimension's groups_es names each of its groups once, in the order of groups.",
     "Give the English text too, or remove the translation; list one Spanish name for each group."},
    {"network", "Network programs are well formed",
     "A network program's coalitions are coalition keys, each once, not its own; an indicator that rolls_up another "
     "is in a network program and names a measured indicator of the same unit and rate scale, not itself, nor a formula or "
     "another roll-up.",
     "Correct the key or the indicator named, or add the charter block's coalitions line as the message shows."},
    {"type", "Expressions are well typed", "Rule expressions and indicator formulas must use known names, fields and functions with values of the right types.",
     "Correct the expression as the message shows."},
    {"waiver", "Waivers name rules", "A waiver must name a rule written in Charter; built-in checks cannot be waived.",
     "Correct the rule id or remove the waiver."},
};
const int chk_builtin_count = (int)(sizeof chk_builtin_rules / sizeof *chk_builtin_rules);

bool chk_is_builtin(const char *id) {
  for (int i = 0; i < chk_builtin_count; i++)
    if (strcmp(chk_builtin_rules[i].id, id) == 0) return true;
  return false;
}

/* ---- helpers ---- */

typedef struct Checker {
  Program *p;     /* the program */
  DiagList *d;    /* its diagnostics */
  int suggestions; /* names given a suggestion from every declaration so far (capped) */
  int *which;      /* check_attrs: the slot of each statement of a block, */
  int nwhich;      /* reused from block to block (room for nwhich) */
  int *stamp;      /* by declaration index: == gen when in the set at hand */
  int gen;         /* the set at hand (membership tests in linear time) */
  StrMap **groups; /* by dimension index: its groups, made on first need */
} Checker;

/* Every check is O(n log n) or better in its input (docs/security.md):
 * past this many, a name not found is not compared with every declaration
 * (or group) for a "did you mean". */
enum { MAX_SUGGESTIONS = 200 };

/* Starts a new set of declarations: stamp_put adds, stamp_has tests. */
static void stamp_new(Checker *c) {
  if (!c->stamp) c->stamp = xcalloc((size_t)c->p->decls.len + 1, sizeof *c->stamp);
  c->gen++;
}
static void stamp_put(Checker *c, const Decl *d) {
  if (d) c->stamp[d->index] = c->gen;
}
static bool stamp_has(const Checker *c, const Decl *d) { return d && c->stamp[d->index] == c->gen; }

static Diag *err(Checker *c, Loc loc, const char *rule, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static Diag *err(Checker *c, Loc loc, const char *rule, const char *fmt, ...) {
  Buf b = {0};
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(&b, fmt, ap);
  va_end(ap);
  Diag *g = diag_add(c->d, SEV_ERROR, loc, rule, "%s", buf_str(&b));
  buf_free(&b);
  return g;
}

/* s as a Charter string literal, in the program's arena (a Diag.fix). */
static const char *quoted(Checker *c, const char *s) {
  Buf b = {0};
  fmt_string(&b, s);
  const char *q = arena_strdup(&c->p->arena, buf_str(&b));
  buf_free(&b);
  return q;
}

/* "a partner", "an outcome or a goal" */
static void kinds_text(Buf *b, unsigned kinds) {
  int n = 0, total = 0;
  for (int k = 0; k < D_KIND_COUNT; k++)
    if (kinds & K(k)) total++;
  if (total > 3) {
    buf_puts(b, "a partner, council, goal, outcome, indicator or activity");
    return;
  }
  for (int k = 0; k < D_KIND_COUNT; k++) {
    if (!(kinds & K(k))) continue;
    if (n) buf_puts(b, n == total - 1 ? " or " : ", ");
    buf_printf(b, "%s %s", ast_article(ast_kind_name(k)), ast_kind_name(k));
    n++;
  }
}

static void symbols_text(Buf *b, const char *const *syms) {
  for (int i = 0; syms[i]; i++) {
    if (i) buf_puts(b, syms[i + 1] ? ", " : " or ");
    buf_puts(b, syms[i]);
  }
}

static const char *decl_name(const Decl *d) { return d->id ? d->id : "charter"; }

/* A period from an atom: a period token, or a four-digit year number. */
static bool atom_period(const Atom *a, Period *out) {
  if (a->kind == ATOM_PERIOD) {
    *out = a->per;
    return true;
  }
  if (a->kind == ATOM_NUMBER && !a->neg && strlen(a->text) == 4 && strspn(a->text, "0123456789") == 4) {
    *out = (Period){.kind = PER_YEAR, .year = (int16_t)atoi(a->text)};
    return true;
  }
  return false;
}

static bool is_word(const Atom *a, const char *w) { return a->kind == ATOM_IDENT && strcmp(a->text, w) == 0; }

/* A period written another way across atoms or as a name (Q3 2024,
 * 2024 Q3, fy2026, SY2025): reported with its spelling; true when it was. */
static bool lookalike_in(Checker *c, const Phrase *ph) {
  const Atom *a = ph->atoms;
  for (int i = 0; i < ph->n; i++) {
    if (a[i].kind != ATOM_IDENT) continue;
    char why[PERIOD_WHY_MAX];
    Buf t = {0};
    Loc at = a[i].loc;
    for (int j = i - 1; j <= i + 1; j += 2) { /* Q3 2024, 2024 Q3 */
      if (j < 0 || j >= ph->n || a[j].kind != ATOM_NUMBER || a[j].neg) continue;
      t.len = 0;
      buf_printf(&t, "%s %s", j < i ? a[j].text : a[i].text, j < i ? a[i].text : a[j].text);
      if (period_lookalike(buf_str(&t), t.len, false, why)) {
        at = j < i ? (Loc){at.file, a[j].loc.start, at.end} : (Loc){at.file, at.start, a[j].loc.end};
        break;
      }
      t.len = 0;
    }
    if (!t.len) buf_puts(&t, a[i].text);
    bool found = t.len > strlen(a[i].text) || period_lookalike(a[i].text, strlen(a[i].text), false, why);
    if (found) err(c, at, "period", "'%s' is not a valid period: %s", buf_str(&t), why);
    buf_free(&t);
    if (found) return true;
  }
  return false;
}

static void form_error(Checker *c, const AttrSpec *s, const Phrase *ph) {
  if ((s->form == F_PERIOD || s->form == F_RANGE || s->form == F_NUM_IN || s->form == F_NUM_BY ||
       s->form == F_EQUITY) &&
      lookalike_in(c, ph))
    return;
  const char *how = "";
  switch (s->form) {
  case F_TEXT: how = "a text in quotes"; break;
  case F_STRING: how = "a string in quotes on one line"; break;
  case F_SYMBOL: how = NULL; break;
  case F_REF: how = "the id of a declaration"; break;
  case F_PERIOD: how = "a period (2027, 2027-H1, 2027-Q2, 2027-06, 2027-06-30, SY2026-27 or FY2027)"; break;
  case F_RANGE: how = "a period, 'to' and a period"; break;
  case F_NUM_IN: how = "a number, 'in' and a period (or a span of years, 2013 to 2017)"; break;
  case F_NUM_BY: how = "a number, 'by' and a period (or a span of years, 2026 to 2030)"; break;
  case F_EQUITY:
    how = "a dimension, then gap N or ratio N (and optionally 'to' and a reference group in quotes) or a group "
          "name in quotes and N, then 'by' and a period";
    break;
  case F_BUDGET: how = "an amount and a three-letter currency code"; break;
  case F_MONTH: how = "a month number, 1 to 12"; break;
  case F_WAIVE: how = "a rule id and a reason in quotes"; break;
  case F_EXPR: how = "an expression"; break;
  case F_NUMBER: how = "a number"; break;
  case F_SCALE: how = "a power of ten, 10 or more (10, 100, 1000…)"; break;
  case F_BOUNDS: how = "a number, 'to' and a larger number"; break;
  case F_COMPARE: how = "a number and a label in quotes"; break;
  }
  bool words = ph->n > 1;
  for (int i = 0; i < ph->n; i++)
    if (ph->atoms[i].kind != ATOM_IDENT) words = false;
  if (words && s->form == F_SYMBOL) {
    /* role Backbone Organization: a word of the set, written as a title */
    for (int i = 0; i < ph->n; i++) {
      char low[64];
      size_t n = strlen(ph->atoms[i].text);
      if (n >= sizeof low) continue;
      for (size_t j = 0; j <= n; j++) low[j] = (char)tolower((unsigned char)ph->atoms[i].text[j]);
      for (int k = 0; s->symbols[k]; k++)
        if (strcmp(s->symbols[k], low) == 0 && strcmp(s->symbols[k], ph->atoms[i].text) != 0) {
          Buf b = {0};
          symbols_text(&b, s->symbols);
          err(c, ph->loc, "attribute", "'%s' takes its own words, in lower case: write %s %s (%s takes %s)", s->name,
              s->name, s->symbols[k], s->name, buf_str(&b));
          buf_free(&b);
          return;
        }
    }
  }
  if (words && s->form == F_REF && isupper((unsigned char)ph->atoms[0].text[0])) {
    /* community_owner Mesa Parents Healthy Schools: a title, not an id */
    Buf w = {0};
    for (int i = 0; i < ph->n; i++) buf_printf(&w, "%s%s", i ? " " : "", ph->atoms[i].text);
    const Decl *named = NULL;
    for (int i = 0; i < c->p->decls.len && !named; i++) {
      const Decl *d = c->p->decls.items[i];
      if (d->id && d->title && (s->kinds & K(d->kind)) && strncasecmp(d->title, buf_str(&w), w.len) == 0) named = d;
    }
    if (named)
      err(c, ph->loc, "attribute", "'%s' takes the id of a declaration, not its title: write %s %s (%s \"%s\")",
          s->name, s->name, named->id, ast_kind_name(named->kind), named->title);
    else
      err(c, ph->loc, "attribute", "'%s' takes the id of a declaration, not its name in words: write the id, as in: %s",
          s->name, s->example);
    buf_free(&w);
    return;
  }
  if (words && (s->flags & A_LIST) && (s->form == F_SYMBOL || s->form == F_REF)) {
    err(c, ph->atoms[1].loc, "attribute", "separate the values of '%s' with commas, as in: %s, %s", s->name,
        ph->atoms[0].text, ph->atoms[1].text);
  } else if (how) {
    err(c, ph->loc, "attribute", "'%s' takes %s, as in: %s", s->name, how, s->example);
  } else {
    Buf b = {0};
    symbols_text(&b, s->symbols);
    err(c, ph->loc, "attribute", "'%s' takes one of: %s", s->name, buf_str(&b));
    buf_free(&b);
  }
}

/* Resolves the reference at atom a; reports and returns NULL on failure. */
static Decl *resolve(Checker *c, const Atom *a, unsigned kinds, const char *attr) {
  Program *p = c->p;
  Decl *t = strmap_get(&p->ids, a->text);
  if (t && (kinds & K(t->kind))) return t;
  Buf want = {0};
  kinds_text(&want, kinds);
  if (!t) {
    const char *module = program_unused_module_declaring(p, a->text);
    if (module) {
      err(c, a->loc, "unresolved", "unknown id '%s'; the standard module '%s' declares it: add `use %s`", a->text,
          module, module);
    } else {
      const char *best = NULL;
      if (c->suggestions < MAX_SUGGESTIONS) {
        c->suggestions++;
        Suggest s;
        suggest_init(&s, a->text);
        for (int i = 0; i < p->decls.len; i++) {
          Decl *d = p->decls.items[i];
          if (d->id && (kinds & K(d->kind))) suggest_offer(&s, d->id);
        }
        best = s.best;
      }
      if (best)
        err(c, a->loc, "unresolved", "'%s' is not declared; did you mean '%s'?", a->text, best)->fix = best;
      else
        err(c, a->loc, "unresolved", "'%s' is not declared: %s needs %s declared in the program", a->text, attr,
            buf_str(&want));
    }
    buf_free(&want);
    return NULL;
  }
  if (!(kinds & K(t->kind))) {
    Diag *g = err(c, a->loc, "kind", "'%s' is %s %s, but %s needs %s", a->text, ast_article(ast_kind_name(t->kind)),
                  ast_kind_name(t->kind), attr, buf_str(&want));
    diag_note(c->d, g, t->id_loc, "'%s' is declared here", a->text);
  }
  buf_free(&want);
  return NULL;
}

/* ---- matching one phrase against its form ---- */

/* The matchers of the forms with more to check than their shape: 1 when
 * the phrase matched, 0 after reporting why it cannot, -1 when it does not
 * have the form's shape (match_phrase then says how the form is written). */
enum { MATCH_NO_SHAPE = -1, MATCH_REPORTED = 0, MATCH_OK = 1 };

static int match_symbol(Checker *c, const AttrSpec *s, const Atom *a, Value *v) {
  for (int i = 0; s->symbols[i]; i++)
    if (strcmp(s->symbols[i], a->text) == 0) {
      v->str = s->symbols[i];
      v->form = i;
      return MATCH_OK;
    }
  int nsym = 0;
  while (s->symbols[nsym]) nsym++;
  const char *best = suggest_best(a->text, s->symbols, nsym);
  Buf b = {0};
  symbols_text(&b, s->symbols);
  if (best)
    err(c, a->loc, "attribute", "unknown %s '%s'; did you mean '%s'? (%s takes %s)", s->name, a->text, best, s->name,
        buf_str(&b))
        ->fix = best;
  else
    err(c, a->loc, "attribute", "unknown %s '%s': %s takes %s", s->name, a->text, s->name, buf_str(&b));
  buf_free(&b);
  return MATCH_REPORTED;
}

/* The loc from atom a to atom b. */
static Loc atoms_loc(const Atom *a, const Atom *b) { return (Loc){a->loc.file, a->loc.start, b->loc.end}; }

/* DIM gap|ratio N [to "Group"] by PERIOD, or DIM "Group" N by PERIOD; to is
 * the atom 'to' or NULL, per the period atom. */
static int match_equity(Checker *c, const Atom *a, const Atom *to, const Atom *per, Value *v) {
  if (is_word(&a[1], "gap")) v->form = EQ_GAP;
  else if (is_word(&a[1], "ratio")) v->form = EQ_RATIO;
  else if (a[1].kind == ATOM_STRING) {
    v->form = EQ_GROUP;
    v->str = a[1].text;
  } else return MATCH_NO_SHAPE;
  v->num = a[2].num;
  if (to && v->form == EQ_GROUP) {
    err(c, atoms_loc(&to[0], &to[1]), "equity",
        "a group's own target takes no reference group; 'to' belongs on a gap or ratio line, as in: equity %s gap 5 "
        "to \"%s\" by 2030",
        a[0].text, to[1].kind == ATOM_STRING ? to[1].text : "White");
    return MATCH_REPORTED;
  }
  if (to && to[1].kind != ATOM_STRING) {
    err(c, to[1].loc, "equity", "write the reference group in quotes, as the dimension lists it: to \"%s\"",
        to[1].text);
    return MATCH_REPORTED;
  }
  if (to) v->reference = to[1].text;
  if (per->bad) return MATCH_REPORTED;
  v->ref = resolve(c, &a[0], K(D_DIMENSION), "equity");
  if (!v->ref) return MATCH_REPORTED;
  if (v->form == EQ_GAP && v->num < 0) {
    err(c, a[2].loc, "equity", "a gap limit cannot be negative");
    return MATCH_REPORTED;
  }
  if (v->form == EQ_RATIO && v->num < 1) {
    if (to)
      err(c, a[2].loc, "equity",
          "a ratio limit is at least 1 (how many times worse than the reference group another group may be)");
    else
      err(c, a[2].loc, "equity", "a ratio limit is at least 1 (the largest group divided by the smallest)");
    return MATCH_REPORTED;
  }
  return MATCH_OK;
}

/* per N: a rate per a power of ten, 10 or more. */
static int match_scale(Checker *c, const Atom *a, Value *v) {
  v->num = a->num;
  double p = 10;
  while (p < a->num && p < 1e15) p *= 10;
  if (!a->neg && p == a->num) return MATCH_OK;
  if (a->num == 1)
    err(c, a->loc, "attribute", "a value per 1 is a plain number: leave out 'per'");
  else
    err(c, a->loc, "attribute",
        "'per' takes a power of ten, 10 or more (per 10, per 100, per 1000, per 100000…): %s%s is not one",
        a->neg ? "-" : "", a->text);
  return MATCH_REPORTED;
}

/* range LOW to HIGH */
static int match_bounds(Checker *c, const Atom *a, Value *v) {
  v->num = a[0].num;
  v->hi = a[2].num;
  if (v->num < v->hi) return MATCH_OK;
  if (v->num == v->hi)
    err(c, atoms_loc(&a[0], &a[2]), "attribute", "a range needs two different ends, the lower first: range LOW to HIGH");
  else
    err(c, atoms_loc(&a[0], &a[2]), "attribute", "a range is written low to high: range %s%s to %s%s",
        a[2].neg ? "-" : "", a[2].text, a[0].neg ? "-" : "", a[0].text);
  return MATCH_REPORTED;
}

static int match_budget(Checker *c, const Atom *a, Value *v) {
  v->num = a[0].num;
  v->str = a[1].text;
  const char *cur = a[1].text;
  if (strlen(cur) != 3 || strspn(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3) {
    err(c, a[1].loc, "attribute", "'%s' is not a currency code: write three capital letters, such as USD or EUR", cur);
    return MATCH_REPORTED;
  }
  if (a[0].neg) {
    err(c, a[0].loc, "attribute", "a budget cannot be negative");
    return MATCH_REPORTED;
  }
  return MATCH_OK;
}

/* NUMBER in|by YEAR to YEAR: a span of whole years (a pooled estimate). */
static int match_span(Checker *c, const Atom *a, Value *v) {
  Period x, y;
  if (!atom_period(&a[2], &x) || !is_word(&a[3], "to") || !atom_period(&a[4], &y)) return MATCH_NO_SHAPE;
  if (a[2].bad || a[4].bad) return MATCH_REPORTED;
  Loc at = {a[2].loc.file, a[2].loc.start, a[4].loc.end};
  v->num = a[0].num;
  if (x.kind != PER_YEAR || y.kind != PER_YEAR) {
    int last = y.year + (y.kind == PER_SCHOOL_YEAR); /* SY2016-17 ends in 2017 */
    err(c, at, "period", "only whole calendar years can be spanned, as in %04d to %04d: a span pools whole years of data",
        x.year, last > x.year ? last : x.year + 1);
    return MATCH_REPORTED;
  }
  if (x.year == y.year) {
    err(c, at, "period", "a span covers two years or more: write %04d for one year", x.year);
    return MATCH_REPORTED;
  }
  if (x.year > y.year) {
    err(c, at, "period", "a span runs from its first year to its last: write %04d to %04d", y.year, x.year);
    return MATCH_REPORTED;
  }
  v->per = (Period){.kind = PER_SPAN, .first = x.year, .year = y.year};
  return MATCH_OK;
}

/* school_year_ends, fiscal_year_ends: the month a year ends in. */
static int match_month(Checker *c, const AttrSpec *s, const Atom *a, Value *v) {
  double m = a->num;
  if (m < 1 || m > 12 || m != (int)m) {
    err(c, a->loc, "attribute", "'%s' takes the number of the month the year ends in, 1 to 12, as in: %s", s->name,
        s->example);
    return MATCH_REPORTED;
  }
  v->num = m;
  v->form = (int)m;
  return MATCH_OK;
}

static int match_range(Checker *c, const Phrase *ph, Value *v) {
  const Atom *a = ph->atoms;
  if (!(atom_period(&a[0], &v->per) && is_word(&a[1], "to") && atom_period(&a[2], &v->per2))) return MATCH_NO_SHAPE;
  if (a[0].bad || a[2].bad) return MATCH_REPORTED;
  if (period_cmp(v->per, v->per2) > 0) {
    err(c, ph->loc, "period", "the period ends (%s) before it starts (%s)", a[2].text, a[0].text);
    return MATCH_REPORTED;
  }
  return MATCH_OK;
}

/* Matches one phrase against the form of its attribute: MATCH_OK with v
 * filled in, or a reported error. */
static int match_form(Checker *c, const AttrSpec *s, const Phrase *ph, Value *v) {
  const Atom *a = ph->atoms;
  int n = ph->n;
  switch (s->form) {
  case F_TEXT:
    if (n != 1 || (a[0].kind != ATOM_STRING && a[0].kind != ATOM_TEXT)) break;
    v->str = a[0].text;
    return MATCH_OK;
  case F_STRING:
    if (n != 1 || a[0].kind != ATOM_STRING) break;
    v->str = a[0].text;
    return MATCH_OK;
  case F_SYMBOL:
    if (n == 1 && a[0].kind == ATOM_IDENT) return match_symbol(c, s, &a[0], v);
    break;
  case F_REF:
    if (n != 1 || a[0].kind != ATOM_IDENT) break;
    v->str = a[0].text;
    v->ref = resolve(c, &a[0], s->kinds, s->name);
    return v->ref ? MATCH_OK : MATCH_REPORTED;
  case F_PERIOD:
    if (n == 1 && atom_period(&a[0], &v->per)) return a[0].bad ? MATCH_REPORTED : MATCH_OK;
    break;
  case F_RANGE:
    if (n == 3) return match_range(c, ph, v);
    break;
  case F_NUM_IN:
  case F_NUM_BY:
    if (n == 5 && a[0].kind == ATOM_NUMBER && (s->form == F_NUM_IN ? a[1].kind == ATOM_IN : is_word(&a[1], "by")))
      return match_span(c, a, v);
    if (n != 3 || a[0].kind != ATOM_NUMBER || !(s->form == F_NUM_IN ? a[1].kind == ATOM_IN : is_word(&a[1], "by")) ||
        !atom_period(&a[2], &v->per))
      break;
    v->num = a[0].num;
    return a[2].bad ? MATCH_REPORTED : MATCH_OK;
  case F_EQUITY:
    if ((n == 5 || (n == 7 && is_word(&a[3], "to"))) && a[0].kind == ATOM_IDENT && a[2].kind == ATOM_NUMBER &&
        is_word(&a[n - 2], "by") && atom_period(&a[n - 1], &v->per))
      return match_equity(c, a, n == 7 ? &a[3] : NULL, &a[n - 1], v);
    if (n == 6 && a[0].kind == ATOM_IDENT && (is_word(&a[1], "gap") || is_word(&a[1], "ratio")) &&
        a[2].kind == ATOM_NUMBER && a[3].kind == ATOM_STRING && is_word(&a[4], "by")) {
      err(c, a[3].loc, "attribute", "write 'to' before the reference group: %s %s to \"%s\"", a[1].text, a[2].text,
          a[3].text);
      return MATCH_REPORTED;
    }
    break;
  case F_MONTH:
    if (n == 1 && a[0].kind == ATOM_NUMBER) return match_month(c, s, &a[0], v);
    break;
  case F_BUDGET:
    if (n == 2 && a[0].kind == ATOM_NUMBER && a[1].kind == ATOM_IDENT) return match_budget(c, a, v);
    break;
  case F_WAIVE:
    if (n != 2 || a[0].kind != ATOM_IDENT || a[1].kind != ATOM_STRING) break;
    v->str = a[0].text;
    v->reason = a[1].text;
    return MATCH_OK;
  case F_EXPR: break;
  case F_NUMBER:
    if (n == 3 && a[0].kind == ATOM_NUMBER && is_word(&a[1], "by")) {
      err(c, ph->loc, "attribute",
          "'%s' takes a number without a date, as in: %s; a value to reach by a date is a milestone or the target",
          s->name, s->example);
      return MATCH_REPORTED;
    }
    if (n != 1 || a[0].kind != ATOM_NUMBER) break;
    v->num = a[0].num;
    return MATCH_OK;
  case F_SCALE:
    if (n == 1 && a[0].kind == ATOM_NUMBER) return match_scale(c, &a[0], v);
    break;
  case F_BOUNDS:
    if (n == 3 && a[0].kind == ATOM_NUMBER && is_word(&a[1], "to") && a[2].kind == ATOM_NUMBER)
      return match_bounds(c, a, v);
    break;
  case F_COMPARE:
    if (n != 2 || a[0].kind != ATOM_NUMBER || a[1].kind != ATOM_STRING) break;
    v->num = a[0].num;
    v->str = a[1].text;
    if (*v->str) return MATCH_OK;
    err(c, a[1].loc, "attribute",
        "a compare value needs a label that says what it is, as in: compare 33 \"national rate\"");
    return MATCH_REPORTED;
  }
  return MATCH_NO_SHAPE;
}

static bool match_phrase(Checker *c, const AttrSpec *s, const Phrase *ph, Value *v) {
  /* A string with a bad escape was reported where it stands: its value
   * would only produce a second, misleading error. */
  for (int i = 0; i < ph->n; i++)
    if (ph->atoms[i].bad && ph->atoms[i].kind != ATOM_PERIOD) return false;
  v->loc = ph->loc;
  int m = match_form(c, s, ph, v);
  bool bad_period = false; /* reported where it stands: the form error would repeat it */
  for (int i = 0; i < ph->n; i++) bad_period |= ph->atoms[i].kind == ATOM_PERIOD && ph->atoms[i].bad;
  if (m == MATCH_NO_SHAPE && !bad_period) form_error(c, s, ph);
  return m == MATCH_OK;
}

/* ---- per declaration ---- */

/* An attribute name the kind does not have: the nearest name (marked in
 * suggested so that it is not also reported missing), or the list. */
static void unknown_attr(Checker *c, const Decl *d, const Attr *a, bool *suggested) {
  int nspecs;
  const AttrSpec *specs = chk_specs(d->kind, &nspecs);
  const char *names[MAX_ATTRS];
  for (int j = 0; j < nspecs; j++) names[j] = specs[j].name;
  const char *best = suggest_best(a->name, names, nspecs);
  const char *kind = ast_kind_name(d->kind);
  if (strcmp(a->name, "disclosure") == 0 && d->kind == D_CHARTER) {
    err(c, a->name_loc, "disclosure", "disclosure is a block: write disclosure { and its lines, one a line, then }, as in: "
        "disclosure { suppress below 11 }");
  } else if (best) {
    suggested[chk_spec_index(d->kind, best)] = true;
    Diag *g = err(c, a->name_loc, "attribute", "%s %s has no attribute '%s'; did you mean '%s'?", ast_article(kind),
                  kind, a->name, best);
    g->fix = best;
  } else if (a->kind != ST_ATTR || strcmp(a->name, "waive") == 0) {
    err(c, a->name_loc, "attribute", "'%s' does not belong in %s %s", a->name, ast_article(kind), kind);
  } else {
    Buf b = {0};
    for (int j = 0; j < nspecs; j++) buf_printf(&b, "%s%s", j ? ", " : "", names[j]);
    err(c, a->name_loc, "attribute", "%s %s has no attribute '%s'; its attributes are %s", ast_article(kind), kind,
        a->name, buf_str(&b));
    buf_free(&b);
  }
}

/* Whether statement a may give values to attribute spec s (slot k of d):
 * written in the attribute's form, not repeated unless it repeats, with a
 * value, one unless it is a list. Reports why not. */
static bool admit_attr(Checker *c, Decl *d, const Attr *a, int k) {
  const AttrSpec *s = &chk_specs(d->kind, &(int){0})[k];
  bool expr_form = s->form == F_EXPR;
  if (expr_form != (a->kind != ST_ATTR)) {
    /* e.g. "for" written without "in", which the parser read as words. */
    err(c, a->loc, "attribute", "'%s' is written as: %s", s->name, s->example);
    return false;
  }
  AttrVals *av = &d->vals[k];
  if (av->first && !(s->flags & (A_LIST | A_REPEAT))) {
    Diag *g = err(c, a->name_loc, "attribute", "'%s' is given twice in %s '%s'; it takes one value", a->name,
                  ast_kind_name(d->kind), decl_name(d));
    diag_note(c->d, g, av->first->name_loc, "first given here");
    return false;
  }
  if (!av->first) av->first = (Attr *)a;
  if (expr_form) return true;
  if (a->nphrases == 0) {
    err(c, a->name_loc, "attribute", "'%s' needs a value, as in: %s", a->name, s->example);
    return false;
  }
  /* baseline 1,234 in 2024: a thousands separator, not a second value */
  for (int i = 1; i < a->nphrases; i++) {
    const Atom *x = &a->phrases[i - 1].atoms[a->phrases[i - 1].n - 1], *y = &a->phrases[i].atoms[0];
    if (x->kind == ATOM_NUMBER && y->kind == ATOM_NUMBER && !x->neg && !y->neg && y->loc.start == x->loc.end + 1 &&
        y->text && strlen(y->text) >= 3 && isdigit((unsigned char)y->text[0]) && isdigit((unsigned char)y->text[1]) &&
        isdigit((unsigned char)y->text[2]) && (!y->text[3] || !isdigit((unsigned char)y->text[3]))) {
      Buf b = {0};
      buf_printf(&b, "%s%s", x->text, y->text);
      err(c, (Loc){x->loc.file, x->loc.start, y->loc.end}, "attribute",
          "numbers are written without thousands separators: write %s (or with '_', as in 1_000)", buf_str(&b));
      buf_free(&b);
      return false;
    }
  }
  if (a->nphrases > 1 && !(s->flags & A_LIST)) {
    err(c, a->phrases[1].loc, "attribute", "'%s' takes one value; a comma starts a second one", a->name);
    return false;
  }
  return true;
}

/* ---- the charter's disclosure block ---- */

/* The lines of lang/schema.def's BLOCK_LINE rows, in order: suppress,
 * unstable, complementary, unknown. */
#define BLOCK_LINE(B, WORD, EX) WORD,
static const char *const disclosure_lines[] = {
#include "schema.def"
};
#define BLOCK_LINE(B, WORD, EX) EX,
static const char *const disclosure_examples[] = {
#include "schema.def"
};
enum { NDISCLOSURE_LINES = (int)(sizeof disclosure_lines / sizeof *disclosure_lines) };

/* "suppress below N", "unstable below N": N a positive whole number. */
static bool check_below(Checker *c, const Attr *a, const char *example) {
  const Phrase *ph = a->nphrases ? &a->phrases[0] : NULL;
  const Atom *w = ph && ph->n ? &ph->atoms[0] : NULL;
  if (!w || w->kind != ATOM_IDENT || strcmp(w->text, "below") != 0 || a->nphrases > 1 || ph->n > 2) {
    err(c, a->loc, "disclosure", "'%s' is written as: %s", a->name, example);
    return false;
  }
  if (ph->n < 2) {
    err(c, a->loc, "disclosure", "'%s below' needs a number, the smallest count that is not %s, as in: %s", a->name,
        strcmp(a->name, "suppress") == 0 ? "withheld" : "marked", example);
    return false;
  }
  const Atom *n = &ph->atoms[1];
  if (n->kind != ATOM_NUMBER || n->num < 1 || n->num != floor(n->num)) {
    err(c, n->loc, "disclosure", "'%s below' takes a positive whole number (a count of people or events), not %s%s, as in: %s",
        a->name, n->kind == ATOM_STRING ? "a string" : n->neg ? "-" : "", n->kind == ATOM_STRING ? "" : n->text,
        example);
    return false;
  }
  return true;
}

/* The lines of a disclosure block: each known, written in its form, once. */
static void check_disclosure_lines(Checker *c, const Attr *block) {
  const Attr *first[NDISCLOSURE_LINES] = {NULL};
  for (int i = 0; i < block->nstmts; i++) {
    const Attr *a = block->stmts[i];
    int k = -1;
    for (int j = 0; j < NDISCLOSURE_LINES; j++)
      if (strcmp(a->name, disclosure_lines[j]) == 0) k = j;
    if (a->kind == ST_BLOCK) {
      err(c, a->name_loc, "disclosure", "a block cannot open inside the disclosure block; its lines are: "
          "suppress below N, unstable below N, complementary, unknown counts shown or withheld");
      continue;
    }
    if (k < 0 || a->kind != ST_ATTR) {
      const char *best = suggest_best(a->name, disclosure_lines, NDISCLOSURE_LINES);
      if (best) {
        int b = 0;
        while (strcmp(disclosure_lines[b], best) != 0) b++;
        Diag *g = err(c, a->name_loc, "disclosure", "the disclosure block has no line '%s'; did you mean: %s?",
                      a->name, disclosure_examples[b]);
        g->fix = disclosure_lines[b];
      } else {
        err(c, a->name_loc, "disclosure", "the disclosure block has no line '%s'; its lines are: suppress below N, "
            "unstable below N, complementary, unknown counts shown or withheld", a->name);
      }
      continue;
    }
    if (first[k]) {
      Diag *g = err(c, a->name_loc, "disclosure", "'%s' is given twice in the disclosure block; keep one", a->name);
      diag_note(c->d, g, first[k]->name_loc, "first given here");
      continue;
    }
    first[k] = a;
    if (k <= 1) {
      check_below(c, a, disclosure_examples[k]);
    } else if (k == 2) {
      if (a->nphrases)
        err(c, a->phrases[0].loc, "disclosure", "'complementary' takes no value; write it alone on its line");
    } else {
      const Phrase *ph = a->nphrases == 1 ? &a->phrases[0] : NULL;
      bool ok = ph && ph->n == 2 && ph->atoms[0].kind == ATOM_IDENT && strcmp(ph->atoms[0].text, "counts") == 0 &&
                ph->atoms[1].kind == ATOM_IDENT &&
                (strcmp(ph->atoms[1].text, "shown") == 0 || strcmp(ph->atoms[1].text, "withheld") == 0);
      if (!ok) err(c, a->loc, "disclosure", "'unknown' is written as: unknown counts shown, or: unknown counts withheld");
    }
  }
}

/* A nested block: only the charter's disclosure, once. */
static void check_block(Checker *c, const Decl *d, const Attr *a, const Attr **seen) {
  const char *kind = ast_kind_name(d->kind);
  if (strcmp(a->name, "disclosure") != 0) {
    static const char *const blocks[] = {"disclosure"};
    if (d->kind == D_CHARTER && suggest_best(a->name, blocks, 1))
      err(c, a->name_loc, "disclosure", "the charter block has no block '%s'; did you mean 'disclosure'?", a->name)
          ->fix = "disclosure";
    else if (chk_spec_index(d->kind, a->name) >= 0)
      err(c, a->name_loc, "attribute", "'%s' takes its value on the same line, without braces", a->name);
    else
      err(c, a->name_loc, "attribute", "%s %s has no block '%s'; the one nested block is the charter's disclosure",
          ast_article(kind), kind, a->name);
    return;
  }
  if (d->kind != D_CHARTER) {
    err(c, a->name_loc, "disclosure", "the disclosure block goes in the charter block, not in %s %s", ast_article(kind),
        kind);
    return;
  }
  if (*seen) {
    Diag *g = err(c, a->name_loc, "disclosure", "the disclosure block is given twice; keep one");
    diag_note(c->d, g, (*seen)->name_loc, "first given here");
    return;
  }
  *seen = a;
  check_disclosure_lines(c, a);
}

static void check_attrs(Checker *c, Decl *d) {
  int nspecs;
  const AttrSpec *specs = chk_specs(d->kind, &nspecs);
  d->vals = arena_alloc(&c->p->arena, (size_t)nspecs * sizeof *d->vals);
  int counts[MAX_ATTRS] = {0};
  bool suggested[MAX_ATTRS] = {false}; /* a misspelt name already pointed at it */
  if (d->nattrs > c->nwhich) {
    c->nwhich = d->nattrs * 2;
    c->which = xrealloc(c->which, (size_t)c->nwhich * sizeof *c->which);
  }
  int *which = c->which;
  /* First pass: names, repetition, and how many values each gets. */
  const Attr *block = NULL;
  for (int i = 0; i < d->nattrs; i++) {
    Attr *a = d->attrs[i];
    if (a->kind == ST_BLOCK) {
      which[i] = -1;
      check_block(c, d, a, &block);
      continue;
    }
    int k = chk_spec_index(d->kind, a->name);
    which[i] = k;
    if (k < 0) unknown_attr(c, d, a, suggested);
    else if (!admit_attr(c, d, a, k)) which[i] = -1;
    else if (specs[k].form != F_EXPR) counts[k] += a->nphrases;
  }
  for (int k = 0; k < nspecs; k++)
    if (counts[k]) d->vals[k].vals = arena_alloc(&c->p->arena, (size_t)counts[k] * sizeof(Value));
  /* Second pass: match every phrase. */
  for (int i = 0; i < d->nattrs; i++) {
    int k = which[i];
    if (k < 0 || specs[k].form == F_EXPR) continue;
    Attr *a = d->attrs[i];
    AttrVals *av = &d->vals[k];
    for (int j = 0; j < a->nphrases; j++) {
      Value v;
      memset(&v, 0, sizeof v);
      if (match_phrase(c, &specs[k], &a->phrases[j], &v)) av->vals[av->n++] = v;
    }
  }
  /* Required attributes. */
  if (d->broken) return;
  for (int k = 0; k < nspecs; k++) {
    if ((specs[k].flags & A_REQUIRED) && !d->vals[k].first && !suggested[k])
      err(c, d->id_loc, "required", "%s '%s' has no %s; add a line such as: %s", ast_kind_name(d->kind),
          decl_name(d), specs[k].name, specs[k].example);
  }
}

/* Whether a symbol attribute holds the word numbered sym in its set. */
static bool has_symbol(const AttrVals *av, int sym) {
  for (int i = 0; i < av->n; i++)
    if (av->vals[i].form == sym) return true;
  return false;
}

static void check_council(Checker *c, Decl *d) {
  const AttrVals *members = decl_attr(d, AT_COUNCIL_MEMBERS);
  const AttrVals *chairs = decl_attr(d, AT_COUNCIL_CHAIRS);
  if (!chairs->n) return;
  stamp_new(c);
  for (int j = 0; j < members->n; j++) stamp_put(c, members->vals[j].ref);
  for (int i = 0; i < chairs->n; i++) {
    bool found = stamp_has(c, chairs->vals[i].ref);
    if (!found && chairs->vals[i].ref)
      err(c, chairs->vals[i].loc, "attribute", "chair '%s' is not a member of council '%s'; add it to members",
          chairs->vals[i].str, d->id);
  }
}

/* A dimension's groups as a set: each name to its first value. */
static void group_map(const Decl *dim, StrMap *m) {
  const AttrVals *groups = decl_attr(dim, AT_DIMENSION_GROUPS);
  strmap_init(m);
  for (int i = 0; i < groups->n; i++)
    if (!strmap_get(m, groups->vals[i].str)) strmap_put(m, groups->vals[i].str, &groups->vals[i]);
}

/* The same, made once per dimension that equity lines name. */
static StrMap *group_set(Checker *c, const Decl *dim) {
  if (!c->groups) c->groups = xcalloc((size_t)c->p->decls.len + 1, sizeof *c->groups);
  if (!c->groups[dim->index]) {
    c->groups[dim->index] = xmalloc(sizeof(StrMap));
    group_map(dim, c->groups[dim->index]);
  }
  return c->groups[dim->index];
}

static void check_dimension(Checker *c, Decl *d) {
  const AttrVals *groups = decl_attr(d, AT_DIMENSION_GROUPS);
  StrMap *seen = group_set(c, d); /* the map equity lines use, made once */
  for (int i = 0; i < groups->n; i++) {
    const Value *first = strmap_get(seen, groups->vals[i].str);
    if (first != &groups->vals[i]) {
      Diag *g = err(c, groups->vals[i].loc, "attribute", "group \"%s\" is listed twice", groups->vals[i].str);
      diag_note(c->d, g, first->loc, "first listed here");
    }
  }
  if (groups->first && groups->n < 2 && !d->broken)
    err(c, groups->first->name_loc, "attribute", "dimension '%s' needs at least two groups to compare", d->id);
}

/* ---- translations ---- */

/* The Spanish texts of each kind beside the English ones they translate
 * (AT_NONE_: the kind has no such pair). */
typedef struct TextPair {
  const char *what; /* "title", "note"… */
  AttrId es, en;    /* en AT_NONE_: the declaration's title */
} TextPair;

static const TextPair text_pairs[][3] = {
    [D_CHARTER] = {{"note", AT_CHARTER_NOTE_ES, AT_CHARTER_NOTE},
                   {"vision", AT_CHARTER_VISION_ES, AT_CHARTER_VISION},
                   {"problem", AT_CHARTER_PROBLEM_ES, AT_CHARTER_PROBLEM}},
    [D_PARTNER] = {{"note", AT_PARTNER_NOTE_ES, AT_PARTNER_NOTE}},
    [D_COUNCIL] = {{"note", AT_COUNCIL_NOTE_ES, AT_COUNCIL_NOTE}},
    [D_DIMENSION] = {{"note", AT_DIMENSION_NOTE_ES, AT_DIMENSION_NOTE}},
    [D_GOAL] = {{"note", AT_GOAL_NOTE_ES, AT_GOAL_NOTE}},
    [D_OUTCOME] = {{"note", AT_OUTCOME_NOTE_ES, AT_OUTCOME_NOTE}},
    [D_INDICATOR] = {{"note", AT_INDICATOR_NOTE_ES, AT_INDICATOR_NOTE}},
    [D_ACTIVITY] = {{"note", AT_ACTIVITY_NOTE_ES, AT_ACTIVITY_NOTE}},
    [D_VIEW] = {{"note", AT_VIEW_NOTE_ES, AT_VIEW_NOTE}},
};

static const AttrId title_es_attr[D_KIND_COUNT] = {
    [D_CHARTER] = AT_CHARTER_TITLE_ES, [D_PARTNER] = AT_PARTNER_TITLE_ES, [D_COUNCIL] = AT_COUNCIL_TITLE_ES,
    [D_DIMENSION] = AT_DIMENSION_TITLE_ES, [D_GOAL] = AT_GOAL_TITLE_ES, [D_OUTCOME] = AT_OUTCOME_TITLE_ES,
    [D_INDICATOR] = AT_INDICATOR_TITLE_ES, [D_ACTIVITY] = AT_ACTIVITY_TITLE_ES, [D_RULE] = AT_NONE_,
    [D_VIEW] = AT_VIEW_TITLE_ES};

/* "goal 'housed'", "the charter" */
static void decl_text(Buf *b, const Decl *d) {
  if (d->kind == D_CHARTER) buf_puts(b, "the charter");
  else buf_printf(b, "%s '%s'", ast_kind_name(d->kind), d->id);
}

/* One Spanish text es of d beside its English twin (en: its text, or NULL
 * when absent): warnings for an empty translation and for one of nothing. */
static void check_text_pair(Checker *c, const Decl *d, const char *what, const AttrVals *es, const char *en) {
  if (!es->n) return;
  const Attr *a = es->first;
  Buf who = {0};
  decl_text(&who, d);
  if (!*es->vals[0].str)
    diag_add(c->d, SEV_WARNING, a->loc, "translation",
             "%s is empty, so the English %s is shown in its place: write the Spanish %s, or remove the line", a->name,
             what, what);
  else if (!en)
    diag_add(c->d, SEV_WARNING, a->name_loc, "translation", "%s translates the %s, but %s has none: give the %s too",
             a->name, what, buf_str(&who), what);
  else if (!*en)
    diag_add(c->d, SEV_WARNING, a->name_loc, "translation",
             "%s translates the %s, but the %s of %s is empty: give the %s too", a->name, what, what, buf_str(&who),
             what);
  buf_free(&who);
}

/* groups_es: one Spanish name for each group, each once, none empty. */
static void check_groups_es(Checker *c, const Decl *d) {
  const AttrVals *groups = decl_attr(d, AT_DIMENSION_GROUPS), *es = decl_attr(d, AT_DIMENSION_GROUPS_ES);
  if (!es->first || !groups->first || d->broken) return;
  if (es->n != groups->n) {
    Diag *g = err(c, es->first->name_loc, "translation",
                  "groups_es names %d group%s, but groups names %d: give one Spanish name for each group, in the "
                  "order of groups",
                  es->n, es->n == 1 ? "" : "s", groups->n);
    diag_note(c->d, g, groups->first->name_loc, "the groups are listed here");
  }
  StrMap seen;
  strmap_init(&seen);
  for (int i = 0; i < es->n; i++) {
    const Value *v = &es->vals[i];
    if (!*v->str) {
      err(c, v->loc, "translation", "a group's Spanish name is empty: write the name, as in: %s",
          chk_specs(D_DIMENSION, &(int){0})[ATI_DIMENSION_GROUPS_ES].example);
      continue;
    }
    const Value *first = strmap_get(&seen, v->str);
    if (first) {
      Diag *g = err(c, v->loc, "translation", "the Spanish name \"%s\" is listed twice in groups_es; each group needs a name of its own", v->str);
      diag_note(c->d, g, first->loc, "first listed here");
    } else {
      strmap_put(&seen, v->str, (void *)v);
    }
  }
  strmap_free(&seen);
}

/* Every Spanish text of d against the English one it translates. */
static void check_translations(Checker *c, const Decl *d) {
  if (!d->vals || d->broken || title_es_attr[d->kind] == AT_NONE_) return;
  check_text_pair(c, d, "title", decl_attr(d, title_es_attr[d->kind]), d->title);
  for (int i = 0; i < 3 && text_pairs[d->kind][i].what; i++) {
    const TextPair *t = &text_pairs[d->kind][i];
    const AttrVals *en = decl_attr(d, t->en);
    check_text_pair(c, d, t->what, decl_attr(d, t->es), en->n ? en->vals[0].str : NULL);
  }
  if (d->kind == D_DIMENSION) check_groups_es(c, d);
}

/* For each value, the index of the first value whose period is the same
 * (-1: none before it): sorted, so linear-logarithmic in the values. */
typedef struct DayAt {
  int32_t day; /* the period's last day */
  int at;      /* the value's index */
} DayAt;

static int cmp_day_at(const void *a, const void *b) {
  const DayAt *x = a, *y = b;
  if (x->day != y->day) return x->day < y->day ? -1 : 1;
  return (x->at > y->at) - (x->at < y->at);
}

static int *same_period_first(const AttrVals *av) {
  int *first = xmalloc((size_t)(av->n ? av->n : 1) * sizeof *first);
  DayAt *k = xmalloc((size_t)(av->n ? av->n : 1) * sizeof *k);
  for (int i = 0; i < av->n; i++) k[i] = (DayAt){period_last_day(av->vals[i].per), i};
  qsort(k, (size_t)av->n, sizeof *k, cmp_day_at);
  for (int i = 0; i < av->n; i++) { /* a run of one day starts at its first value */
    int f = -1;
    if (i > 0 && k[i - 1].day == k[i].day) f = first[k[i - 1].at] >= 0 ? first[k[i - 1].at] : k[i - 1].at;
    first[k[i].at] = f;
  }
  free(k);
  return first;
}

/* Atom k of the phrase that gave value v of d (each value keeps only its
 * phrase's place; a message about one word of it looks the words up). */
static const Atom *value_atom(const Decl *d, const Value *v, int k) {
  for (int i = 0; i < d->nattrs; i++) {
    const Attr *a = d->attrs[i];
    for (int j = 0; j < a->nphrases; j++) {
      const Phrase *ph = &a->phrases[j];
      if (ph->loc.file == v->loc.file && ph->loc.start == v->loc.start && k < ph->n) return &ph->atoms[k];
    }
  }
  return NULL;
}

/* The loc of atom k of value v, or the whole value's. */
static Loc value_atom_loc(const Decl *d, const Value *v, int k) {
  const Atom *a = value_atom(d, v, k);
  return a ? a->loc : v->loc;
}

/* An equity line's reference group (… to "White"): one of the dimension's
 * groups. */
static void check_reference(Checker *c, const Decl *d, const Value *e) {
  if (e->ref->broken || strmap_get(group_set(c, e->ref), e->reference)) return;
  Loc at = value_atom_loc(d, e, 4);
  const AttrVals *groups = decl_attr(e->ref, AT_DIMENSION_GROUPS);
  Suggest s;
  suggest_init(&s, e->reference);
  if (++c->suggestions <= MAX_SUGGESTIONS)
    for (int j = 0; j < groups->n; j++) suggest_offer(&s, groups->vals[j].str);
  if (s.best) {
    Diag *g = err(c, at, "equity", "the reference group \"%s\" is not a group of dimension '%s'; did you mean \"%s\"?",
                  e->reference, e->ref->id, s.best);
    const Atom *a = value_atom(d, e, 4);
    if (a && a->kind == ATOM_STRING) g->fix = quoted(c, s.best);
  }
  else
    err(c, at, "equity", "the reference group \"%s\" is not a group of dimension '%s'; name one of its groups",
        e->reference, e->ref->id);
}

/* Each equity line: a dimension the indicator disaggregates by, and a
 * group that dimension has. */
static void check_equity(Checker *c, Decl *d) {
  const AttrVals *eq = decl_attr(d, AT_INDICATOR_EQUITY);
  const AttrVals *dis = decl_attr(d, AT_INDICATOR_DISAGGREGATE);
  if (!eq->n) return;
  stamp_new(c);
  for (int j = 0; j < dis->n; j++) stamp_put(c, dis->vals[j].ref);
  for (int i = 0; i < eq->n; i++) {
    const Value *e = &eq->vals[i];
    if (!stamp_has(c, e->ref)) {
      err(c, e->loc, "equity", "indicator '%s' is not disaggregated by '%s'; add `disaggregate %s`", d->id,
          e->ref->id, e->ref->id);
      continue;
    }
    if (e->reference) check_reference(c, d, e);
    if (e->form != EQ_GROUP || e->ref->broken || strmap_get(group_set(c, e->ref), e->str)) continue;
    const AttrVals *groups = decl_attr(e->ref, AT_DIMENSION_GROUPS);
    Suggest s;
    suggest_init(&s, e->str);
    if (++c->suggestions <= MAX_SUGGESTIONS)
      for (int j = 0; j < groups->n; j++) suggest_offer(&s, groups->vals[j].str);
    if (s.best)
      err(c, e->loc, "equity", "dimension '%s' has no group \"%s\"; did you mean \"%s\"?", e->ref->id, e->str, s.best);
    else
      err(c, e->loc, "equity", "dimension '%s' has no group \"%s\"", e->ref->id, e->str);
  }
}

/* ---- an indicator's scale, bounds and milestones ---- */

/* The text of a value's phrase as written ("1 by 2026"). */
static void value_text(Checker *c, Buf *b, const Value *v) {
  const Src *src = src_get(&c->p->srcs, v->loc.file);
  buf_add(b, src->text + v->loc.start, v->loc.end - v->loc.start);
}

/* A number as written, with its sign. */
static void number_text(Buf *b, const Atom *a, double x) {
  if (a && a->kind == ATOM_NUMBER) buf_printf(b, "%s%s", a->neg ? "-" : "", a->text);
  else buf_printf(b, "%.15g", x);
}

/* The roundest number (1, 2 or 5 times a power of ten) at least x > 0. */
static double round_above(double x) {
  for (double p = 1e-15; p < 1e300; p *= 10)
    for (int m = 1; m <= 5; m += m == 2 ? 3 : 1)
      if (m * p >= x) return m * p;
  return x;
}

/* per N beside unit "%", which is a rate per 100 already. */
static void check_per(Checker *c, const Decl *d) {
  const AttrVals *unit = decl_attr(d, AT_INDICATOR_UNIT), *per = decl_attr(d, AT_INDICATOR_PER);
  if (!per->n || !unit->n || strcmp(unit->vals[0].str, "%") != 0 || per->vals[0].num == 100) return;
  Buf n = {0};
  number_text(&n, value_atom(d, &per->vals[0], 0), per->vals[0].num);
  Diag *g = err(c, per->vals[0].loc, "attribute",
                "unit \"%%\" means per 100, so 'per %s' contradicts it; remove 'per %s', or, for a rate per %s, "
                "give a unit that says what it counts, such as unit \"deaths per %s live births\"",
                buf_str(&n), buf_str(&n), buf_str(&n), buf_str(&n));
  diag_note(c->d, g, unit->vals[0].loc, "the unit is set here");
  buf_free(&n);
}

/* Value v of d (its number is atom k of the phrase) against the bounds. */
static void check_bound(Checker *c, const Decl *d, const IndicatorView *b, const Value *v, int k) {
  if (v->num >= b->lo && v->num <= b->hi) return;
  const Atom *a = value_atom(d, v, k);
  Loc at = a ? a->loc : v->loc;
  Buf x = {0};
  number_text(&x, a, v->num);
  if (b->has_range) {
    const Value *r = &decl_attr(d, AT_INDICATOR_RANGE)->vals[0];
    Buf lo = {0}, hi = {0};
    number_text(&lo, value_atom(d, r, 0), r->num);
    number_text(&hi, value_atom(d, r, 2), r->hi);
    Diag *g = err(c, at, "bounds",
                  "this indicator's range is %s to %s: %s is outside; correct the value, or widen the range",
                  buf_str(&lo), buf_str(&hi), buf_str(&x));
    diag_note(c->d, g, r->loc, "the range is set here");
    buf_free(&lo);
    buf_free(&hi);
  } else if (b->hi == 100) { /* unit "%" */
    if (v->num > b->hi)
      err(c, at, "bounds",
          "a %% indicator's values are 0 to 100: %s is outside; write range 0 to %.15g if it can exceed 100",
          buf_str(&x), round_above(v->num));
    else
      err(c, at, "bounds",
          "a %% indicator's values are 0 to 100: %s is outside; write range -%.15g to 100 if it can be below 0",
          buf_str(&x), round_above(-v->num));
  } else { /* a rate, per N */
    err(c, at, "bounds",
        "a rate per %.15g is never below 0: %s is outside; check its sign, or write a range that includes it "
        "(range -%.15g to HIGH)",
        b->scale, buf_str(&x), round_above(-v->num));
  }
  buf_free(&x);
}

/* Every value written for the indicator within its bounds. */
static void check_bounds(Checker *c, const Decl *d) {
  IndicatorView b;
  model_indicator_bounds(d, &b);
  if (b.lo == -INFINITY && b.hi == INFINITY) return;
  static const AttrId numbered[] = {AT_INDICATOR_BASELINE, AT_INDICATOR_TARGET, AT_INDICATOR_MILESTONE,
                                    AT_INDICATOR_BENCHMARK, AT_INDICATOR_COMPARE};
  for (size_t i = 0; i < sizeof numbered / sizeof *numbered; i++) {
    const AttrVals *av = decl_attr(d, numbered[i]);
    for (int j = 0; j < av->n; j++) check_bound(c, d, &b, &av->vals[j], 0);
  }
  const AttrVals *eq = decl_attr(d, AT_INDICATOR_EQUITY);
  for (int j = 0; j < eq->n; j++)
    if (eq->vals[j].form == EQ_GROUP) check_bound(c, d, &b, &eq->vals[j], 2);
}

/* Milestones against the target and each other, in the indicator's
 * direction: none beyond the target, none behind an earlier one. Those the
 * period check reported (after the target, a second one in a period) are
 * left out, so one mistake gives one message. */
static void check_milestone_values(Checker *c, const Decl *d) {
  const AttrVals *dir = decl_attr(d, AT_INDICATOR_DIRECTION), *target = decl_attr(d, AT_INDICATOR_TARGET);
  const AttrVals *ms = decl_attr(d, AT_INDICATOR_MILESTONE);
  if (!dir->n || !ms->n) return;
  double sign = dir->vals[0].form == DIRECTION_UP ? 1 : -1;
  const char *way = dir->vals[0].form == DIRECTION_UP ? "up" : "down";
  const Value *t = target->n ? &target->vals[0] : NULL;
  Buf mt = {0}, ot = {0};
  DayAt *k = xmalloc((size_t)ms->n * sizeof *k);
  for (int i = 0; i < ms->n; i++) k[i] = (DayAt){period_last_day(ms->vals[i].per), i};
  qsort(k, (size_t)ms->n, sizeof *k, cmp_day_at);
  int best = -1; /* of the milestones so far, in period order, the furthest in the direction */
  for (int i = 0; i < ms->n; i++) {
    const Value *m = &ms->vals[k[i].at];
    if (t && period_cmp(m->per, t->per) >= 0) break; /* after the target: a period error */
    if (i > 0 && k[i - 1].day == k[i].day) continue; /* a second one in a period: a period error */
    mt.len = ot.len = 0;
    if (t && sign * (m->num - t->num) > 0) {
      value_text(c, &mt, m);
      value_text(c, &ot, t);
      Diag *g = diag_add(c->d, SEV_WARNING, m->loc, "milestone",
                         "this milestone (%s) is beyond the target (%s) for an indicator whose direction is %s; a "
                         "milestone is a step on the way to the target",
                         buf_str(&mt), buf_str(&ot), way);
      diag_note(c->d, g, t->loc, "the target");
      continue;
    }
    const Value *b = best >= 0 ? &ms->vals[best] : NULL;
    if (b && period_last_day(b->per) < k[i].day && sign * (m->num - b->num) < 0) {
      value_text(c, &mt, m);
      value_text(c, &ot, b);
      Diag *g = diag_add(c->d, SEV_WARNING, m->loc, "milestone",
                         "this milestone (%s) falls behind an earlier one (%s) for an indicator whose direction is %s; "
                         "a later milestone is at least as far along",
                         buf_str(&mt), buf_str(&ot), way);
      diag_note(c->d, g, b->loc, "the earlier milestone");
    } else if (!b || sign * (m->num - b->num) > 0) {
      best = k[i].at;
    }
  }
  free(k);
  buf_free(&mt);
  buf_free(&ot);
}

/* Whether d has a statement whose unknown name is a misspelling of
 * attribute name (directon for direction), already reported with its
 * suggestion. */
static bool misspelt_attr(const Decl *d, const char *name) {
  const char *cands[1] = {name};
  for (int i = 0; i < d->nattrs; i++)
    if (d->attrs[i]->kind == ST_ATTR && chk_spec_index(d->kind, d->attrs[i]->name) < 0 &&
        suggest_best(d->attrs[i]->name, cands, 1))
      return true;
  return false;
}

static void check_indicator(Checker *c, Decl *d) {
  const AttrVals *dir = decl_attr(d, AT_INDICATOR_DIRECTION);
  const AttrVals *base = decl_attr(d, AT_INDICATOR_BASELINE);
  const AttrVals *target = decl_attr(d, AT_INDICATOR_TARGET);
  const AttrVals *ms = decl_attr(d, AT_INDICATOR_MILESTONE);
  const AttrVals *eq = decl_attr(d, AT_INDICATOR_EQUITY);
  if (!dir->first && (target->first || ms->first || eq->first) && !d->broken && !misspelt_attr(d, "direction")) {
    bool reference = false;
    for (int i = 0; i < eq->n; i++)
      if (eq->vals[i].reference) reference = true;
    const char *what = target->first ? "a target"
                       : ms->first   ? "a milestone"
                                     : "an equity target";
    if (reference && !target->first && !ms->first)
      err(c, d->id_loc, "required",
          "indicator '%s' has an equity target against a reference group but no direction, which says which groups "
          "are behind the reference; add `direction up` or `direction down`",
          d->id);
    else
      err(c, d->id_loc, "required", "indicator '%s' has %s but no direction; add `direction up` or `direction down`",
          d->id, what);
  }
  if (base->n && target->n && period_cmp(target->vals[0].per, base->vals[0].per) <= 0) {
    Diag *g = err(c, target->vals[0].loc, "period", "the target's period must come after the baseline's");
    diag_note(c->d, g, base->vals[0].loc, "the baseline");
  }
  int *same = ms->n > 1 ? same_period_first(ms) : NULL;
  for (int i = 0; i < ms->n; i++) {
    const Value *m = &ms->vals[i];
    if (base->n && period_cmp(m->per, base->vals[0].per) <= 0) {
      Diag *g = err(c, m->loc, "period", "this milestone is not after the baseline");
      diag_note(c->d, g, base->vals[0].loc, "the baseline");
    } else if (target->n && period_cmp(m->per, target->vals[0].per) >= 0) {
      Diag *g = err(c, m->loc, "period", "this milestone is not before the target");
      diag_note(c->d, g, target->vals[0].loc, "the target");
    }
    if (same && same[i] >= 0) {
      Diag *g = err(c, m->loc, "period", "two milestones fall in the same period");
      diag_note(c->d, g, ms->vals[same[i]].loc, "the other milestone");
    }
  }
  free(same);
  if (dir->n && base->n && target->n) {
    bool up = dir->vals[0].form == DIRECTION_UP;
    double b = base->vals[0].num, t = target->vals[0].num;
    if ((up && t < b) || (!up && t > b)) {
      Diag *g = diag_add(c->d, SEV_WARNING, target->vals[0].loc, "direction",
                         "the target (%g) is %s the baseline (%g), but the indicator's direction is %s", t,
                         up ? "below" : "above", b, up ? "up" : "down");
      diag_note(c->d, g, dir->vals[0].loc, "the direction is set here");
    }
  }
  check_equity(c, d);
  check_per(c, d);
  check_bounds(c, d);
  check_milestone_values(c, d);
}

static void check_activity(Checker *c, Decl *d) {
  const AttrVals *co = decl_attr(d, AT_ACTIVITY_COMMUNITY_OWNER);
  for (int i = 0; i < co->n; i++) {
    Decl *p = co->vals[i].ref;
    if (!p || p->broken || has_symbol(decl_attr(p, AT_PARTNER_SECTOR), SECTOR_COMMUNITY)) continue;
    Diag *g = err(c, co->vals[i].loc, "community",
                  "community owner '%s' is not a community partner (its sector does not include community)", p->id);
    diag_note(c->d, g, p->id_loc, "'%s' is declared here; if it is resident-led, add community to its sector", p->id);
  }
  const AttrVals *start = decl_attr(d, AT_ACTIVITY_START), *end = decl_attr(d, AT_ACTIVITY_END);
  if (start->n && end->n && period_cmp(end->vals[0].per, start->vals[0].per) < 0) {
    Diag *g = err(c, end->vals[0].loc, "period", "activity '%s' ends before it starts", d->id);
    diag_note(c->d, g, start->vals[0].loc, "it starts here");
  }
}

/* ---- cycles ---- */

enum { WHITE, GREY, BLACK };

typedef struct CycleWalk {
  Checker *c;
  int *color;       /* by decl index */
  Decl **stack;     /* current path */
  int *pos;         /* by decl index: its place in stack while GREY */
  int depth;        /* its length */
  const char *attr; /* "leads_to" or "formula" */
} CycleWalk;

/* A cycle longer than this is listed by its first and last links, so that
 * many long cycles cannot make the output quadratic. */
enum { CYCLE_SHOWN = 20 };

static void report_cycle(CycleWalk *w, Decl *back, Loc at) {
  Buf b = {0};
  int from = w->pos[back->index], len = w->depth - from;
  for (int i = from; i < w->depth; i++) {
    if (len > CYCLE_SHOWN && i == from + CYCLE_SHOWN / 2) {
      int skip = len - CYCLE_SHOWN + 1;
      buf_printf(&b, "… (%d more) → ", skip);
      i += skip - 1;
      continue;
    }
    buf_printf(&b, "%s → ", w->stack[i]->id);
  }
  buf_puts(&b, back->id);
  if (strcmp(w->attr, "leads_to") == 0)
    err(w->c, at, "cycle", "leads_to forms a cycle: %s", buf_str(&b));
  else
    err(w->c, at, "cycle", "formulas form a cycle: %s", buf_str(&b));
  buf_free(&b);
}

/* Targets of d along the walked relation, with the location of each link. */
typedef struct Edge {
  Decl *to;
  Loc at;
} Edge;

/* The indicators a formula names, in the order written: a walk with a
 * work list, since a chain a + b + c… nests as deep as it is long. */
static void formula_names(Program *p, Expr *root, Vec *out) {
  Vec todo = {0};
  if (root) vec_push(&todo, root);
  while (todo.len) {
    Expr *e = todo.items[--todo.len];
    if (e->kind == E_NAME) {
      Decl *t = strmap_get(&p->ids, e->text);
      if (t && t->kind == D_INDICATOR) {
        Edge *edge = arena_alloc(&p->arena, sizeof *edge);
        edge->to = t;
        edge->at = e->loc;
        vec_push(out, edge);
      }
    }
    for (int i = e->nitems - 1; i >= 0; i--) vec_push(&todo, e->items[i]);
    if (e->b) vec_push(&todo, e->b);
    if (e->a) vec_push(&todo, e->a);
  }
  vec_free(&todo);
}

static void edges_of(CycleWalk *w, Decl *d, Vec *out) {
  out->len = 0;
  if (strcmp(w->attr, "leads_to") == 0) {
    const AttrVals *lt = decl_attr(d, AT_OUTCOME_LEADS_TO);
    for (int i = 0; i < lt->n; i++) {
      Edge *e = arena_alloc(&w->c->p->arena, sizeof *e);
      e->to = lt->vals[i].ref;
      e->at = lt->vals[i].loc;
      vec_push(out, e);
    }
  } else {
    const AttrVals *f = decl_attr(d, AT_INDICATOR_FORMULA);
    if (f->first) formula_names(w->c->p, f->first->expr, out);
  }
}

/* Iterative depth-first search, so a long chain cannot overflow the stack. */
static void walk_cycles(CycleWalk *w, Decl *root) {
  typedef struct Frame {
    Decl *d;
    Vec edges;
    int next;
  } Frame;
  int cap = 16, top = 0;
  Frame *frames = xmalloc((size_t)cap * sizeof *frames);
  frames[0] = (Frame){root, {0}, 0};
  edges_of(w, root, &frames[0].edges);
  w->color[root->index] = GREY;
  w->pos[root->index] = w->depth;
  w->stack[w->depth++] = root;
  while (top >= 0) {
    Frame *f = &frames[top];
    if (f->next == f->edges.len) {
      w->color[f->d->index] = BLACK;
      w->depth--;
      vec_free(&f->edges);
      top--;
      continue;
    }
    Edge *e = f->edges.items[f->next++];
    if (!e->to) continue;
    if (w->color[e->to->index] == GREY) {
      report_cycle(w, e->to, e->at);
    } else if (w->color[e->to->index] == WHITE) {
      if (++top == cap) {
        cap *= 2;
        frames = xrealloc(frames, (size_t)cap * sizeof *frames);
      }
      frames[top] = (Frame){e->to, {0}, 0};
      edges_of(w, e->to, &frames[top].edges);
      w->color[e->to->index] = GREY;
      w->pos[e->to->index] = w->depth;
      w->stack[w->depth++] = e->to;
    }
  }
  free(frames);
}

static void check_cycles(Checker *c, const char *attr, DeclKind k1, DeclKind k2) {
  Program *p = c->p;
  CycleWalk w = {c, xcalloc((size_t)p->decls.len + 1, sizeof(int)),
                 xmalloc(((size_t)p->decls.len + 1) * sizeof(Decl *)),
                 xmalloc(((size_t)p->decls.len + 1) * sizeof(int)), 0, attr};
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.items[i];
    if ((d->kind == k1 || d->kind == k2) && w.color[d->index] == WHITE) walk_cycles(&w, d);
  }
  free(w.color);
  free(w.stack);
  free(w.pos);
}

/* ---- formulas ---- */

/* How deep a formula may nest (each operand of a chain a + b + c counts
 * one), as for rule expressions: eval computes formulas recursively. */
enum { MAX_FORMULA_DEPTH = 2000 };

static void formula_unknown(Checker *c, Expr *e) {
  Suggest s;
  suggest_init(&s, e->text);
  if (++c->suggestions <= MAX_SUGGESTIONS)
    for (int i = 0; i < c->p->decls.len; i++) {
      Decl *x = c->p->decls.items[i];
      if (x->kind == D_INDICATOR) suggest_offer(&s, x->id);
    }
  if (s.best)
    err(c, e->loc, "unresolved", "'%s' is not declared; did you mean '%s'?", e->text, s.best)->fix = s.best;
  else
    err(c, e->loc, "unresolved", "'%s' is not declared: a formula names other indicators", e->text);
}

/* One node of a formula; pushes the operands to check next. */
static void check_formula_node(Checker *c, Expr *e, Vec *todo) {
  switch (e->kind) {
  case E_NUMBER:
    return;
  case E_NAME: {
    Decl *t = strmap_get(&c->p->ids, e->text);
    if (!t)
      formula_unknown(c, e);
    else if (t->kind != D_INDICATOR)
      err(c, e->loc, "kind", "'%s' is %s %s, but a formula names indicators", e->text,
          ast_article(ast_kind_name(t->kind)), ast_kind_name(t->kind));
    return;
  }
  case E_PAREN:
    vec_push(todo, e->a);
    return;
  case E_UNARY:
    if (e->op == OP_NEG) {
      vec_push(todo, e->a);
      return;
    }
    break;
  case E_BINARY:
    if (e->op == OP_ADD || e->op == OP_SUB || e->op == OP_MUL || e->op == OP_DIV) {
      vec_push(todo, e->b);
      vec_push(todo, e->a);
      return;
    }
    break;
  default:
    break;
  }
  err(c, e->loc, "type", "a formula uses only indicators, numbers, parentheses and + - * /");
}

/* Depth first, in the order written, with a work list; a formula nested
 * deeper than MAX_FORMULA_DEPTH is reported once and not walked further. */
static void check_formula_expr(Checker *c, Expr *root) {
  Vec todo = {0}, depth = {0}; /* the nodes to check, and the depth of each (as a pointer-sized int) */
  vec_push(&todo, root);
  vec_push(&depth, (void *)(intptr_t)1);
  while (todo.len) {
    Expr *e = todo.items[--todo.len];
    intptr_t at = (intptr_t)depth.items[--depth.len];
    if (at > MAX_FORMULA_DEPTH) {
      err(c, e->loc, "type",
          "this formula nests more than %d levels deep (each operand of a chain such as a + b + c counts as "
          "one); compute parts of it in indicators of their own and name those",
          MAX_FORMULA_DEPTH);
      break;
    }
    check_formula_node(c, e, &todo);
    while (depth.len < todo.len) vec_push(&depth, (void *)(at + 1));
  }
  vec_free(&todo);
  vec_free(&depth);
}

/* ---- waivers ---- */

/* Whether every '_' word of a appears in b, in order, as a whole word
 * (eq_community_owner in eq_activity_community_owner). */
static bool words_within(const char *a, const char *b) {
  const char *p = b;
  while (*a) {
    size_t n = strcspn(a, "_");
    bool found = false;
    while (*p) {
      size_t m = strcspn(p, "_");
      bool same = m == n && memcmp(p, a, n) == 0;
      p += m;
      if (*p) p++;
      if (same) {
        found = true;
        break;
      }
    }
    if (!found) return false;
    a += n;
    if (*a) a++;
  }
  return true;
}

static void check_waiver(Checker *c, const char *rule, Loc loc) {
  if (chk_is_builtin(rule)) {
    err(c, loc, "waiver", "'%s' is a built-in check and cannot be waived; fix what it reports instead", rule);
    return;
  }
  Decl *r = strmap_get(&c->p->ids, rule);
  if (r && r->kind == D_RULE) return;
  Suggest s;
  suggest_init(&s, rule);
  bool within_cap = ++c->suggestions <= MAX_SUGGESTIONS; /* both scans cost a pass over the program */
  if (within_cap)
    for (int i = 0; i < c->p->decls.len; i++) {
      Decl *d = c->p->decls.items[i];
      if (d->kind == D_RULE) suggest_offer(&s, d->id);
    }
  if (within_cap && !s.best && strchr(rule, '_'))
    for (int i = 0; i < c->p->decls.len; i++) {
      Decl *d = c->p->decls.items[i];
      if (d->kind == D_RULE && d->id && words_within(rule, d->id) && (!s.best || strlen(d->id) < strlen(s.best)))
        s.best = d->id;
    }
  const char *module = program_unused_module_declaring(c->p, rule);
  if (s.best)
    diag_add(c->d, SEV_WARNING, loc, "waiver", "no rule is named '%s'; did you mean '%s'?", rule, s.best)->fix = s.best;
  else if (module)
    diag_add(c->d, SEV_WARNING, loc, "waiver",
             "no rule is named '%s' in this program: it belongs to the standard module %s, which the program does not use",
             rule, module);
  else
    diag_add(c->d, SEV_WARNING, loc, "waiver", "no rule is named '%s', so this waiver has no effect", rule);
}

/* ---- network programs ---- */

/* The network's own coalition key (the store's key of its program's own
 * rows), which coalitions may not list; NULL when it has none. */
static const char *own_coalition(const Program *p) {
  const char *k = program_coalition(p);
  return k && *k ? k : NULL;
}

/* A coalition key (network_id; a network's coalitions): what a store's
 * rows carry, and a PostgreSQL role name is built from. */
bool chk_coalition_key(const char *s) {
  size_t n = strlen(s);
  if (n < 1 || n > 63) return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
      return false;
  }
  return true;
}

static void check_coalitions(Checker *c, const Decl *d) {
  const AttrVals *co = decl_attr(d, AT_CHARTER_COALITIONS);
  if (!co->n) return;
  const char *own = own_coalition(c->p);
  StrMap seen;
  strmap_init(&seen);
  for (int i = 0; i < co->n; i++) {
    const Value *v = &co->vals[i];
    if (!chk_coalition_key(v->str)) {
      err(c, v->loc, "network",
          "%s is not a coalition key: a key is 1 to 63 letters, digits, '-' or '_', as the member's charter block "
          "gives it (network_id \"east-side\")",
          quoted(c, v->str));
      continue;
    }
    const Value *first = strmap_get(&seen, v->str);
    if (first) {
      Diag *g = err(c, v->loc, "network", "coalition %s is listed twice; remove this one", quoted(c, v->str));
      diag_note(c->d, g, first->loc, "first listed here");
      continue;
    }
    strmap_put(&seen, v->str, (void *)v);
    if (own && strcmp(own, v->str) == 0)
      err(c, v->loc, "network",
          "%s is this network's own coalition key; coalitions lists the member coalitions, not the network itself",
          quoted(c, v->str));
  }
  strmap_free(&seen);
}

/* "unit \"%\"", "per 1000", "no unit" */
static void unit_text(Buf *b, const Decl *d) {
  const AttrVals *unit = decl_attr(d, AT_INDICATOR_UNIT), *per = decl_attr(d, AT_INDICATOR_PER);
  if (unit->n) {
    buf_puts(b, "unit ");
    fmt_string(b, unit->vals[0].str);
    if (per->n) buf_printf(b, " per %g", per->vals[0].num);
  } else if (per->n)
    buf_printf(b, "per %g", per->vals[0].num);
  else
    buf_puts(b, "no unit");
}

static void check_rolls_up(Checker *c, const Decl *d) {
  const AttrVals *ru = decl_attr(d, AT_INDICATOR_ROLLS_UP);
  if (!ru->n) return;
  const Value *v = &ru->vals[0];
  const Decl *t = v->ref;
  if (!program_members(c->p)->n && c->p->charter) {
    err(c, v->loc, "network",
        "rolls_up is only for a network program: add a line such as coalitions \"east-side\", \"riverside\" to the "
        "charter block, listing the member coalitions whose indicator this rolls up");
    return;
  }
  if (!t || t->kind != D_INDICATOR) return; /* unresolved or kind: reported */
  if (decl_attr(d, AT_INDICATOR_FORMULA)->first) {
    err(c, v->loc, "network",
        "indicator '%s' has both a formula and rolls_up; keep one: a roll-up reads its members' data, a formula "
        "computes from other indicators",
        d->id);
    return;
  }
  if (t == d) {
    err(c, v->loc, "network",
        "indicator '%s' rolls up itself; name the indicator the member coalitions measure, as in: rolls_up "
        "kindergarten_ready",
        d->id);
    return;
  }
  if (decl_attr(t, AT_INDICATOR_FORMULA)->first) {
    Diag *g = err(c, v->loc, "network",
                  "'%s' is computed by a formula, so its members store no data to roll up; roll up the indicators "
                  "its formula names, and compute from those roll-ups",
                  t->id);
    diag_note(c->d, g, t->id_loc, "'%s' is declared here", t->id);
    return;
  }
  if (decl_attr(t, AT_INDICATOR_ROLLS_UP)->n) {
    Diag *g = err(c, v->loc, "network",
                  "'%s' is itself a roll-up; name the member coalitions' indicator it rolls up", t->id);
    diag_note(c->d, g, t->id_loc, "'%s' is declared here", t->id);
    return;
  }
  IndicatorView a = {0}, b = {0};
  model_indicator_bounds(d, &a);
  model_indicator_bounds(t, &b);
  const AttrVals *ua = decl_attr(d, AT_INDICATOR_UNIT), *ub = decl_attr(t, AT_INDICATOR_UNIT);
  bool same_unit = ua->n == ub->n && (!ua->n || strcmp(ua->vals[0].str, ub->vals[0].str) == 0);
  if (!same_unit || a.scale != b.scale || a.has_scale != b.has_scale) {
    Buf x = {0}, y = {0};
    unit_text(&x, d);
    unit_text(&y, t);
    Diag *g = err(c, v->loc, "network",
                  "indicator '%s' has %s, but '%s', which it rolls up, has %s; give '%s' the same unit and rate "
                  "scale (a roll-up sums counts and recomputes rates; it converts nothing)",
                  d->id, buf_str(&x), t->id, buf_str(&y), d->id);
    diag_note(c->d, g, t->id_loc, "'%s' is declared here", t->id);
    buf_free(&x);
    buf_free(&y);
  }
}

static void check_network_id(Checker *c, const Decl *d) {
  const AttrVals *v = decl_attr(d, AT_CHARTER_NETWORK_ID);
  if (v->n && v->vals[0].str && strlen(v->vals[0].str) > 63)
    err(c, v->vals[0].loc, "attribute", "network_id is %zu characters long: a coalition key has at most 63; shorten it",
        strlen(v->vals[0].str));
  else if (v->n && v->vals[0].str && !chk_coalition_key(v->vals[0].str))
    err(c, v->vals[0].loc, "attribute",
        "network_id \"%s\" is not a coalition key: use 1 to 63 letters, digits, '-' or '_', such as network_id \"east-side\"",
        v->vals[0].str);
}

/* shared_with: the networks (their coalition keys) whose roles may read
 * this coalition's rows in a shared PostgreSQL store (docs/network.md) */
static void check_shared_with(Checker *c, const Decl *d) {
  const AttrVals *sw = decl_attr(d, AT_CHARTER_SHARED_WITH);
  if (!sw->n) return;
  const char *own = own_coalition(c->p);
  StrMap seen;
  strmap_init(&seen);
  for (int i = 0; i < sw->n; i++) {
    const Value *v = &sw->vals[i];
    if (!v->str) continue;
    if (!chk_coalition_key(v->str)) {
      err(c, v->loc, "network",
          "shared_with %s is not a coalition key: a key is 1 to 63 letters, digits, '-' or '_', as the network's "
          "charter block gives it (network_id \"tri-county\")",
          quoted(c, v->str));
      continue;
    }
    const Value *first = strmap_get(&seen, v->str);
    if (first) {
      Diag *g = err(c, v->loc, "network", "shared_with lists %s twice; remove this one", quoted(c, v->str));
      diag_note(c->d, g, first->loc, "first listed here");
      continue;
    }
    strmap_put(&seen, v->str, (void *)v);
    if (own && strcmp(own, v->str) == 0)
      err(c, v->loc, "network",
          "shared_with %s is this coalition's own key; its own partners always read its rows: list the networks "
          "that may read them, such as shared_with \"tri-county\"",
          quoted(c, v->str));
  }
  strmap_free(&seen);
}

/* ---- the whole program ---- */

void chk_run(Program *p) {
  Checker c = {p, &p->diags, 0, NULL, 0, NULL, 0, NULL};
  /* Ids, duplicates and the charter. */
  Decl *first_charter = NULL;
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.items[i];
    if (d->kind == D_CHARTER) {
      if (!first_charter) {
        first_charter = d;
      } else {
        Diag *g = err(&c, d->kw_loc, "charter", "a program has one charter block, and this is a second one");
        diag_note(c.d, g, first_charter->kw_loc, "the first charter block is here");
      }
      continue;
    }
    Decl *prev = strmap_get(&p->ids, d->id);
    if (prev) {
      Diag *g = err(&c, d->id_loc, "duplicate", "'%s' is already declared (as %s %s)", d->id,
                    ast_article(ast_kind_name(prev->kind)), ast_kind_name(prev->kind));
      diag_note(c.d, g, prev->id_loc, "'%s' is first declared here", d->id);
      continue;
    }
    strmap_put(&p->ids, d->id, d);
  }
  p->charter = first_charter;
  bool parsed = true;
  for (int i = 0; i < p->files.len; i++)
    if (((AstFile *)p->files.items[i])->nerrors) parsed = false;
  /* A file that did not parse may hold the charter: say nothing then. */
  if (!first_charter && p->srcs.len > 0 && parsed) {
    Loc at = {p->entry, 0, 0};
    err(&c, at, "charter", "this program has no charter block; add one, such as: charter \"Our Coalition\" { vision \"…\" }");
  }
  /* Attributes and references. */
  for (int i = 0; i < p->decls.len; i++) check_attrs(&c, p->decls.items[i]);
  if (first_charter) check_network_id(&c, first_charter), check_shared_with(&c, first_charter);
  free(c.which);
  /* Kind-specific checks. */
  for (int i = 0; i < p->decls.len; i++) {
    Decl *d = p->decls.items[i];
    switch (d->kind) {
    case D_CHARTER: check_coalitions(&c, d); break;
    case D_COUNCIL: check_council(&c, d); break;
    case D_DIMENSION: check_dimension(&c, d); break;
    case D_INDICATOR: {
      check_indicator(&c, d);
      check_rolls_up(&c, d);
      const AttrVals *f = decl_attr(d, AT_INDICATOR_FORMULA);
      if (f->first) check_formula_expr(&c, f->first->expr);
      break;
    }
    case D_ACTIVITY: check_activity(&c, d); break;
    case D_RULE:
      if (chk_is_builtin(d->id))
        err(&c, d->id_loc, "duplicate",
            "'%s' is the id of a built-in check; give the rule an id of its own, such as '%s_rule'", d->id, d->id);
      break;
    default: break;
    }
    check_translations(&c, d);
    const AttrVals *w = decl_waivers(d);
    for (int j = 0; j < w->n; j++) {
      Loc at = w->vals[j].loc; /* the rule id, without the reason */
      at.end = at.start + (uint32_t)strlen(w->vals[j].str);
      check_waiver(&c, w->vals[j].str, at);
    }
  }
  check_cycles(&c, "leads_to", D_OUTCOME, D_GOAL);
  check_cycles(&c, "formula", D_INDICATOR, D_INDICATOR);
  for (int i = 0; i < p->waivers.len; i++) {
    Item *it = p->waivers.items[i];
    check_waiver(&c, it->name, it->name_loc);
  }
  for (int i = 0; c.groups && i < p->decls.len; i++)
    if (c.groups[i]) {
      strmap_free(c.groups[i]);
      free(c.groups[i]);
    }
  free(c.groups);
  free(c.stamp);
}
