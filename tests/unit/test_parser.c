/* The grammar (lang/parser.y) and the tree it builds (lang/parse.c):
 * declarations, statements, phrases, the expression grammar and error
 * recovery. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "parsed.h"

static Parsed *parse(const char *text) { return parse_len(text, strlen(text)); }




static void dump_diags(const Parsed *p) {
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    int line, col;
    src_linecol(src_get(&p->srcs, g->loc.file), g->loc.start, &line, &col);
    fprintf(stderr, "  %d:%d [%s] %s\n", line, col, g->rule, g->msg);
  }
}

static void expect_clean(const Parsed *p) {
  dump_diags(p);
  assert_int_equal(p->diags.items.len, 0);
  assert_int_equal(p->f->nerrors, 0);
}


static int line_of(const Parsed *p, Loc loc) {
  int line, col;
  src_linecol(src_get(&p->srcs, loc.file), loc.start, &line, &col);
  return line;
}

static int col_of(const Parsed *p, Loc loc) {
  int line, col;
  src_linecol(src_get(&p->srcs, loc.file), loc.start, &line, &col);
  return col;
}

static const Diag *expect_diag(const Parsed *p, const char *rule, const char *text, int line, int col) {
  const Diag *g = find_diag(p, rule, text);
  if (!g) {
    dump_diags(p);
    fail_msg("no [%s] diagnostic containing \"%s\"", rule, text);
  }
  assert_int_equal(line_of(p, g->loc), line);
  assert_int_equal(col_of(p, g->loc), col);
  return g;
}

/* The source text a location covers. */
static char *span(const Parsed *p, Loc loc) {
  const Src *s = src_get(&p->srcs, loc.file);
  size_t n = loc.end - loc.start;
  char *out = malloc(n + 1);
  memcpy(out, s->text + loc.start, n);
  out[n] = '\0';
  return out;
}

static void expect_span(const Parsed *p, Loc loc, const char *text) {
  char *s = span(p, loc);
  assert_string_equal(s, text);
  free(s);
}

static const Decl *decl_at(const Parsed *p, int i) {
  assert_true(i < p->f->nitems);
  assert_int_equal(p->f->items[i]->kind, IT_DECL);
  return p->f->items[i]->decl;
}

/* ---- expressions as S-expressions, printed independently of fmt ---- */

static const char *op_name(Op op) {
  switch (op) {
  case OP_OR: return "or";
  case OP_AND: return "and";
  case OP_NOT: return "not";
  case OP_EQ: return "==";
  case OP_NE: return "!=";
  case OP_LT: return "<";
  case OP_LE: return "<=";
  case OP_GT: return ">";
  case OP_GE: return ">=";
  case OP_IN: return "in";
  case OP_ADD: return "+";
  case OP_SUB: return "-";
  case OP_MUL: return "*";
  case OP_DIV: return "/";
  case OP_NEG: return "neg";
  }
  return "?";
}

static void sx(Buf *b, const Expr *e) {
  switch (e->kind) {
  case E_NUMBER: buf_printf(b, "%s", e->text); break;
  case E_STRING: buf_printf(b, "'%s'", e->text); break;
  case E_PERIOD: buf_printf(b, "@%s", e->text); break;
  case E_TRUE: buf_puts(b, "#t"); break;
  case E_FALSE: buf_puts(b, "#f"); break;
  case E_NONE: buf_puts(b, "#none"); break;
  case E_NAME: buf_puts(b, e->text); break;
  case E_LIST:
    buf_putc(b, '[');
    for (int i = 0; i < e->nitems; i++) {
      if (i) buf_putc(b, ' ');
      sx(b, e->items[i]);
    }
    buf_putc(b, ']');
    break;
  case E_FIELD:
    buf_puts(b, "(. ");
    sx(b, e->a);
    buf_printf(b, " %s)", e->text);
    break;
  case E_CALL:
    buf_printf(b, "(call %s", e->text);
    for (int i = 0; i < e->nitems; i++) {
      buf_putc(b, ' ');
      sx(b, e->items[i]);
    }
    buf_putc(b, ')');
    break;
  case E_PAIR:
    buf_puts(b, "(: ");
    sx(b, e->a);
    buf_putc(b, ' ');
    sx(b, e->b);
    buf_putc(b, ')');
    break;
  case E_UNARY:
    buf_printf(b, "(%s ", op_name(e->op));
    sx(b, e->a);
    buf_putc(b, ')');
    break;
  case E_BINARY:
    buf_printf(b, "(%s ", op_name(e->op));
    sx(b, e->a);
    buf_putc(b, ' ');
    sx(b, e->b);
    buf_putc(b, ')');
    break;
  case E_PAREN:
    buf_puts(b, "(paren ");
    sx(b, e->a);
    buf_putc(b, ')');
    break;
  }
}

/* Parses `rule r "R" { require SRC }` and compares the tree. */
static void expect_tree(const char *src, const char *tree) {
  Buf in = {0};
  buf_printf(&in, "rule r \"R\" {\n  require %s\n}\n", src);
  Parsed *p = parse(buf_str(&in));
  expect_clean(p);
  const Decl *d = decl_at(p, 0);
  assert_int_equal(d->nattrs, 1);
  assert_int_equal(d->attrs[0]->kind, ST_REQUIRE);
  Buf out = {0};
  sx(&out, d->attrs[0]->expr);
  if (strcmp(buf_str(&out), tree) != 0) fail_msg("%s\n  parsed as %s\n  expected  %s", src, buf_str(&out), tree);
  /* The expression's location covers exactly what was written. */
  expect_span(p, d->attrs[0]->expr->loc, src);
  buf_free(&out);
  buf_free(&in);
  done(p);
}

/* Parses `rule r "R" { require SRC }` and expects a syntax error. */
static void expect_syntax_error(const char *src) {
  Buf in = {0};
  buf_printf(&in, "rule r \"R\" {\n  require %s\n}\n", src);
  Parsed *p = parse(buf_str(&in));
  int n = 0;
  for (int i = 0; i < p->diags.items.len; i++)
    if (strcmp(((Diag *)p->diags.items.items[i])->rule, "syntax") == 0) n++;
  if (n == 0) fail_msg("'%s' was accepted", src);
  assert_true(p->f->nerrors > 0);
  buf_free(&in);
  done(p);
}

/* ---- declarations ---- */

static void test_every_declaration_kind(void **state) {
  (void)state;
  Parsed *p = parse(
      "import \"lib/common.charter\"\n"
      "use equity\n"
      "waive ci_funder \"we fund ourselves\"\n"
      "charter \"Recovery\" {}\n"
      "partner pa \"Partner\" {}\n"
      "council co \"Council\" {}\n"
      "dimension di \"Dimension\" {}\n"
      "goal go \"Goal\" {}\n"
      "outcome ou \"Outcome\" {}\n"
      "indicator ind \"Indicator\" {}\n"
      "activity ac \"Activity\" {}\n"
      "rule ru \"Rule\" {}\n"
      "view vi \"View\" {}\n");
  expect_clean(p);
  assert_int_equal(p->f->nitems, 13);
  const Item *it = p->f->items[0];
  assert_int_equal(it->kind, IT_IMPORT);
  assert_string_equal(it->name, "lib/common.charter");
  expect_span(p, it->name_loc, "\"lib/common.charter\"");
  expect_span(p, it->loc, "import \"lib/common.charter\"");
  it = p->f->items[1];
  assert_int_equal(it->kind, IT_USE);
  assert_string_equal(it->name, "equity");
  expect_span(p, it->name_loc, "equity");
  it = p->f->items[2];
  assert_int_equal(it->kind, IT_WAIVE);
  assert_string_equal(it->name, "ci_funder");
  assert_string_equal(it->reason, "we fund ourselves");
  expect_span(p, it->reason_loc, "\"we fund ourselves\"");

  static const struct {
    DeclKind kind;
    const char *id;
    const char *title;
  } want[] = {
      {D_CHARTER, NULL, "Recovery"},    {D_PARTNER, "pa", "Partner"},     {D_COUNCIL, "co", "Council"},
      {D_DIMENSION, "di", "Dimension"}, {D_GOAL, "go", "Goal"},           {D_OUTCOME, "ou", "Outcome"},
      {D_INDICATOR, "ind", "Indicator"}, {D_ACTIVITY, "ac", "Activity"}, {D_RULE, "ru", "Rule"},
      {D_VIEW, "vi", "View"},
  };
  for (int i = 0; i < 10; i++) {
    const Decl *d = decl_at(p, 3 + i);
    assert_int_equal(d->kind, want[i].kind);
    expect_span(p, d->kw_loc, ast_kind_name(want[i].kind));
    if (want[i].id) {
      assert_string_equal(d->id, want[i].id);
      expect_span(p, d->id_loc, want[i].id);
    } else {
      /* The charter has no id; its id location is the keyword. */
      assert_null(d->id);
      expect_span(p, d->id_loc, "charter");
    }
    assert_string_equal(d->title, want[i].title);
    assert_int_equal(d->nattrs, 0);
    assert_false(d->broken);
    /* A declaration spans its keyword to its closing brace. */
    char *s = span(p, d->loc);
    assert_int_equal(strncmp(s, ast_kind_name(want[i].kind), strlen(ast_kind_name(want[i].kind))), 0);
    assert_int_equal(s[strlen(s) - 1], '}');
    free(s);
  }
  done(p);
}

static void test_kind_names(void **state) {
  (void)state;
  static const char *const names[] = {"charter", "partner", "council", "dimension", "goal",
                                      "outcome", "indicator", "activity", "rule", "view"};
  for (int k = 0; k < D_KIND_COUNT; k++) {
    assert_string_equal(ast_kind_name((DeclKind)k), names[k]);
    assert_int_equal(ast_kind_from_name(names[k]), k);
  }
  assert_int_equal(ast_kind_from_name("partnr"), -1);
  assert_int_equal(ast_kind_from_name("waive"), -1);
  /* The reserved words of docs/language.md ("Reserved words"), and some that
   * are not. */
  static const char *const reserved[] = {"charter", "import", "use", "partner", "council", "dimension", "goal",
                                         "outcome", "indicator", "activity", "rule", "view", "waive", "for",
                                         "where", "require", "formula", "and", "or", "not", "in", "none",
                                         "true", "false"};
  for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
    if (!ast_is_reserved(reserved[i])) fail_msg("'%s' is not reserved", reserved[i]);
  static const char *const free_words[] = {"up", "monthly", "by", "backbone", "to", "gap", "ratio", "x", "In", "NOT", ""};
  for (size_t i = 0; i < sizeof free_words / sizeof *free_words; i++)
    if (ast_is_reserved(free_words[i])) fail_msg("'%s' is reserved", free_words[i]);
}

/* A broken header still declares its id (a broken declaration); a
 * missing '}' is one error, and the next declaration is read whole. */
static void test_recovery_keeps_ids(void **state) {
  (void)state;
  Parsed *p = parse("partner a Eastside Council {\n  sector community\n}\n"
                    "Partner b \"B\" {\n  sector community\n}\n"
                    "partner c 'C' {\n  sector community\n}\n"
                    "outcome o \"O\" {\n  horizon short\n\n"
                    "outcome q \"Q\" {\n  horizon short\n}\n");
  assert_int_equal(p->diags.nerrors, 4);
  assert_int_equal(p->f->nitems, 5);
  const char *ids[] = {"a", "b", "c", "o", "q"};
  for (int i = 0; i < 5; i++) assert_string_equal(decl_at(p, i)->id, ids[i]);
  assert_true(decl_at(p, 0)->broken);
  assert_true(decl_at(p, 1)->broken);
  assert_false(decl_at(p, 2)->broken); /* 'C' is read as the string it was meant to be */
  assert_int_equal(decl_at(p, 3)->nattrs, 1);
  assert_int_equal(decl_at(p, 4)->nattrs, 1);
  done(p);
}

static void test_one_line_blocks(void **state) {
  (void)state;
  Parsed *p = parse("partner x \"X\" { sector business; role funder }\n"
                    "partner y \"Y\" { sector business; role funder; }\n"
                    "partner z \"Z\" { ; sector community ;; }\n");
  expect_clean(p);
  assert_int_equal(p->f->nitems, 3);
  for (int i = 0; i < 2; i++) {
    const Decl *d = decl_at(p, i);
    assert_int_equal(d->nattrs, 2);
    assert_string_equal(d->attrs[0]->name, "sector");
    assert_string_equal(d->attrs[0]->phrases[0].atoms[0].text, "business");
    assert_string_equal(d->attrs[1]->name, "role");
    assert_string_equal(d->attrs[1]->phrases[0].atoms[0].text, "funder");
  }
  assert_int_equal(decl_at(p, 2)->nattrs, 1);
  done(p);
}

static void test_statements_and_phrases(void **state) {
  (void)state;
  Parsed *p = parse("indicator i \"I\" {\n"
                    "  note\n"
                    "  baseline 41 in 2023\n"
                    "  equity race_ethnicity \"Black or African American\" 5 by 2028-Q4\n"
                    "  reported_by a, b c, \"d\"\n"
                    "}\n");
  expect_clean(p);
  const Decl *d = decl_at(p, 0);
  assert_int_equal(d->nattrs, 4);
  /* An attribute with no value. */
  assert_int_equal(d->attrs[0]->kind, ST_ATTR);
  assert_string_equal(d->attrs[0]->name, "note");
  assert_int_equal(d->attrs[0]->nphrases, 0);
  /* One phrase of three atoms. */
  const Attr *a = d->attrs[1];
  assert_int_equal(a->nphrases, 1);
  assert_int_equal(a->phrases[0].n, 3);
  assert_int_equal(a->phrases[0].atoms[0].kind, ATOM_NUMBER);
  assert_int_equal(a->phrases[0].atoms[1].kind, ATOM_IN);
  assert_int_equal(a->phrases[0].atoms[2].kind, ATOM_NUMBER);
  expect_span(p, a->name_loc, "baseline");
  expect_span(p, a->loc, "baseline 41 in 2023");
  expect_span(p, a->phrases[0].loc, "41 in 2023");
  /* Five atoms. */
  a = d->attrs[2];
  assert_int_equal(a->phrases[0].n, 5);
  assert_int_equal(a->phrases[0].atoms[1].kind, ATOM_STRING);
  assert_int_equal(a->phrases[0].atoms[4].kind, ATOM_PERIOD);
  /* Three phrases: a | b c | "d". */
  a = d->attrs[3];
  assert_int_equal(a->nphrases, 3);
  assert_int_equal(a->phrases[0].n, 1);
  assert_int_equal(a->phrases[1].n, 2);
  assert_string_equal(a->phrases[1].atoms[1].text, "c");
  expect_span(p, a->phrases[1].loc, "b c");
  assert_int_equal(a->phrases[2].atoms[0].kind, ATOM_STRING);
  done(p);
}

static void test_negative_numbers(void **state) {
  (void)state;
  Parsed *p = parse("indicator i \"I\" {\n  baseline -3 in 2023\n  target -0.5 by 2027\n  milestone -1_000 by 2025\n}\n");
  expect_clean(p);
  const Decl *d = decl_at(p, 0);
  const Atom *a = &d->attrs[0]->phrases[0].atoms[0];
  assert_true(a->neg);
  assert_true(a->num == -3.0);
  expect_span(p, a->loc, "-3");
  a = &d->attrs[1]->phrases[0].atoms[0];
  assert_true(a->neg);
  assert_true(a->num == -0.5);
  expect_span(p, d->attrs[1]->phrases[0].loc, "-0.5 by 2027");
  a = &d->attrs[2]->phrases[0].atoms[0];
  assert_true(a->neg);
  assert_true(a->num == -1000.0);
  assert_string_equal(a->text, "1_000");
  done(p);

  /* Only before a number: "- x" is not an atom. */
  p = parse("partner x \"X\" { note - x }\n");
  assert_non_null(find_diag(p, "syntax", ""));
  assert_true(decl_at(p, 0)->broken);
  done(p);
}

static void test_rule_blocks(void **state) {
  (void)state;
  Parsed *p = parse("rule activity_has_metric \"Every activity has a metric\" {\n"
                    "  severity error\n"
                    "  for a in activities\n"
                    "  where a.status != \"done\"\n"
                    "  require exists(a.metric)\n"
                    "  message \"activity '{a.id}' has no metric\"\n"
                    "}\n"
                    "indicator rate \"Rate\" { formula hired / enrolled * 100 }\n");
  expect_clean(p);
  const Decl *d = decl_at(p, 0);
  assert_int_equal(d->kind, D_RULE);
  assert_int_equal(d->nattrs, 5);
  assert_int_equal(d->attrs[0]->kind, ST_ATTR);
  const Attr *f = d->attrs[1];
  assert_int_equal(f->kind, ST_FOR);
  assert_string_equal(f->name, "for");
  assert_string_equal(f->var, "a");
  expect_span(p, f->var_loc, "a");
  assert_int_equal(f->expr->kind, E_NAME);
  assert_string_equal(f->expr->text, "activities");
  expect_span(p, f->loc, "for a in activities");
  const Attr *w = d->attrs[2];
  assert_int_equal(w->kind, ST_WHERE);
  assert_string_equal(w->name, "where");
  Buf b = {0};
  sx(&b, w->expr);
  assert_string_equal(buf_str(&b), "(!= (. a status) 'done')");
  buf_free(&b);
  const Attr *r = d->attrs[3];
  assert_int_equal(r->kind, ST_REQUIRE);
  sx(&b, r->expr);
  assert_string_equal(buf_str(&b), "(call exists (. a metric))");
  buf_free(&b);
  assert_int_equal(d->attrs[4]->kind, ST_ATTR);
  assert_string_equal(d->attrs[4]->name, "message");
  assert_string_equal(d->attrs[4]->phrases[0].atoms[0].text, "activity '{a.id}' has no metric");
  /* formula in an indicator. */
  const Attr *fo = decl_at(p, 1)->attrs[0];
  assert_int_equal(fo->kind, ST_FORMULA);
  assert_string_equal(fo->name, "formula");
  sx(&b, fo->expr);
  assert_string_equal(buf_str(&b), "(* (/ hired enrolled) 100)");
  buf_free(&b);
  done(p);
}

/* ---- the expression grammar ---- */

static void test_literals_and_atoms(void **state) {
  (void)state;
  expect_tree("12.5", "12.5");
  expect_tree("1_000", "1_000");
  expect_tree("\"s\"", "'s'");
  expect_tree("\"\"\"t\"\"\"", "'t'");
  expect_tree("2027-Q2", "@2027-Q2");
  expect_tree("true", "#t");
  expect_tree("false", "#f");
  expect_tree("none", "#none");
  expect_tree("partners", "partners");
  expect_tree("[]", "[]");
  expect_tree("[1, \"a\", b]", "[1 'a' b]");
  expect_tree("[[1], []]", "[[1] []]");
  expect_tree("f()", "(call f)");
  expect_tree("count(a, b)", "(call count a b)");
}

static void test_boolean_precedence(void **state) {
  (void)state;
  expect_tree("a or b and c", "(or a (and b c))");
  expect_tree("a and b or c", "(or (and a b) c)");
  expect_tree("a or b or c", "(or (or a b) c)");
  expect_tree("a and b and c", "(and (and a b) c)");
  expect_tree("not a and b", "(and (not a) b)");
  expect_tree("not a or not b", "(or (not a) (not b))");
  expect_tree("not not a", "(not (not a))");
  /* not is looser than comparison. */
  expect_tree("not a == b", "(not (== a b))");
  expect_tree("not a in b", "(not (in a b))");
  expect_tree("a == b and c != d", "(and (== a b) (!= c d))");
  expect_tree("a < b or c >= d", "(or (< a b) (>= c d))");
}

static void test_comparison_and_arithmetic_precedence(void **state) {
  (void)state;
  expect_tree("a < b + c", "(< a (+ b c))");
  expect_tree("a + b <= c * d", "(<= (+ a b) (* c d))");
  expect_tree("a + b in c", "(in (+ a b) c)");
  expect_tree("x in [1, 2]", "(in x [1 2])");
  expect_tree("a > b", "(> a b)");
  expect_tree("a != b", "(!= a b)");
  expect_tree("a + b * c", "(+ a (* b c))");
  expect_tree("a * b + c", "(+ (* a b) c)");
  expect_tree("a - b - c", "(- (- a b) c)");
  expect_tree("a / b * c", "(* (/ a b) c)");
  expect_tree("a - b / c", "(- a (/ b c))");
}

static void test_unary_minus_and_fields(void **state) {
  (void)state;
  expect_tree("-a * b", "(* (neg a) b)");
  expect_tree("a * -b", "(* a (neg b))");
  expect_tree("- - a", "(neg (neg a))");
  expect_tree("-a.b", "(neg (. a b))");
  expect_tree("a - -1", "(- a (neg 1))");
  expect_tree("a.b.c", "(. (. a b) c)");
  expect_tree("a.b + c.d", "(+ (. a b) (. c d))");
  expect_tree("f(x).y", "(. (call f x) y)");
  expect_tree("(a).b", "(. (paren a) b)");
}

static void test_charter_is_a_name_in_expressions(void **state) {
  (void)state;
  /* Regression (fixed): `charter` is a reserved word and the grammar's primary takes only
   * IDENT, so `require exists(charter.vision)` is a syntax error
   * ("unexpected 'charter'"). docs/language.md (Expressions) lists `charter`
   * among the names an expression may use (with fields period_start and
   * period_end), and docs/rules.md has standard rules about the charter. */
  expect_tree("charter.period_end", "(. charter period_end)");
  expect_tree("exists(charter.vision)", "(call exists (. charter vision))");
}

static void test_calls_and_comprehensions(void **state) {
  (void)state;
  expect_tree("count(x in xs: x.n > 1)", "(call count (: (in x xs) (> (. x n) 1)))");
  expect_tree("all(p in partners: p.is_community or exists(p.role))",
              "(call all (: (in p partners) (or (. p is_community) (call exists (. p role)))))");
  expect_tree("sum(x in xs: x.a * 2) / count(xs)", "(/ (call sum (: (in x xs) (* (. x a) 2))) (call count xs))");
  expect_tree("len(lower(a.title)) >= 3", "(>= (call len (call lower (. a title))) 3)");
  expect_tree("(a or b) and c", "(and (paren (or a b)) c)");
  expect_tree("((a))", "(paren (paren a))");
}

static void test_comparisons_do_not_chain(void **state) {
  (void)state;
  expect_syntax_error("a < b < c");
  expect_syntax_error("a == b == c");
  expect_syntax_error("a in b in c");
  expect_syntax_error("a == b != c");
  /* ...and other malformed expressions. */
  expect_syntax_error("a ==");
  expect_syntax_error("(a");
  expect_syntax_error("a b");
  expect_syntax_error("[a,]");
  expect_syntax_error("x: y");
  expect_syntax_error("a.1");
  expect_syntax_error("f(a)(b)");
}

static void test_expression_locations(void **state) {
  (void)state;
  Parsed *p = parse("rule r \"R\" { require count(a.metric) >= 1 }\n");
  expect_clean(p);
  const Expr *e = decl_at(p, 0)->attrs[0]->expr;
  expect_span(p, e->loc, "count(a.metric) >= 1");
  expect_span(p, e->a->loc, "count(a.metric)");
  expect_span(p, e->a->name_loc, "count");
  expect_span(p, e->a->items[0]->loc, "a.metric");
  expect_span(p, e->a->items[0]->name_loc, "metric");
  expect_span(p, e->b->loc, "1");
  done(p);
}

/* ---- reserved words as names ---- */

static void test_reserved_words_as_attribute_names(void **state) {
  (void)state;
  static const char *const words[] = {"charter", "import", "use", "partner", "council", "dimension", "goal",
                                      "outcome", "indicator", "activity", "rule", "view", "waive", "and",
                                      "or", "not", "in", "none", "true", "false"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
    Buf b = {0};
    buf_printf(&b, "goal g \"G\" {\n  %s x, y\n  note \"n\"\n}\n", words[i]);
    Parsed *p = parse(buf_str(&b));
    expect_clean(p);
    const Decl *d = decl_at(p, 0);
    assert_int_equal(d->nattrs, 2);
    assert_int_equal(d->attrs[0]->kind, ST_ATTR);
    assert_string_equal(d->attrs[0]->name, words[i]);
    assert_int_equal(d->attrs[0]->nphrases, 2);
    done(p);
    buf_free(&b);
  }
}

static void test_reserved_words_after_dot(void **state) {
  (void)state;
  static const char *const words[] = {"charter", "import", "use", "partner", "council", "dimension", "goal",
                                      "outcome", "indicator", "activity", "rule", "view", "waive", "for",
                                      "where", "require", "formula", "and", "or", "not", "in", "none",
                                      "true", "false"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
    Buf src = {0}, tree = {0};
    buf_printf(&src, "e.%s == x", words[i]);
    buf_printf(&tree, "(== (. e %s) x)", words[i]);
    expect_tree(buf_str(&src), buf_str(&tree));
    buf_free(&src);
    buf_free(&tree);
  }
}

/* ---- errors and recovery ---- */

static void test_errors_in_several_declarations(void **state) {
  (void)state;
  Parsed *p = parse("partner a \"A\" {\n"        /* 1 */
                    "  sector x ]\n"             /* 2: error in a statement */
                    "  role funder\n"            /* 3 */
                    "}\n"                        /* 4 */
                    "partnr b \"B\" { sector x }\n" /* 5: misspelt keyword */
                    "rule c \"C\" {\n"           /* 6 */
                    "  require a b\n"            /* 7: two operands, no operator */
                    "  message \"m\"\n"          /* 8 */
                    "}\n"                        /* 9 */
                    "goal d \"D\" { indicator x y z }\n" /* 10: fine */
                    "outcome e \"E\" { horizon short ) }\n" /* 11: stray ')' */
                    "goal f \"F\" {}\n");        /* 12: fine */
  expect_diag(p, "syntax", "unexpected ']'", 2, 12);
  expect_diag(p, "syntax", "did you mean 'partner'?", 5, 1);
  expect_diag(p, "syntax", "unexpected name 'b'", 7, 13);
  expect_diag(p, "syntax", "')'", 11, 31);
  assert_int_equal(p->diags.items.len, 4);
  assert_int_equal(p->f->nerrors, 4);
  /* Every declaration is in the tree, each with the statements that
   * parsed; the misspelt one declares its id with none; broken marks
   * those with errors. */
  assert_int_equal(p->f->nitems, 6);
  const Decl *a = decl_at(p, 0);
  assert_string_equal(a->id, "a");
  assert_true(a->broken);
  assert_int_equal(a->nattrs, 1);
  assert_string_equal(a->attrs[0]->name, "role");
  const Decl *b = decl_at(p, 1);
  assert_string_equal(b->id, "b");
  assert_int_equal(b->kind, D_PARTNER);
  assert_true(b->broken);
  assert_int_equal(b->nattrs, 0);
  const Decl *c = decl_at(p, 2);
  assert_string_equal(c->id, "c");
  assert_true(c->broken);
  assert_int_equal(c->nattrs, 1);
  assert_string_equal(c->attrs[0]->name, "message");
  const Decl *d = decl_at(p, 3);
  assert_string_equal(d->id, "d");
  assert_false(d->broken);
  assert_int_equal(d->attrs[0]->phrases[0].n, 3);
  const Decl *e = decl_at(p, 4);
  assert_string_equal(e->id, "e");
  assert_true(e->broken);
  const Decl *f = decl_at(p, 5);
  assert_string_equal(f->id, "f");
  assert_false(f->broken);
  done(p);
}

static void test_missing_title(void **state) {
  (void)state;
  Parsed *p = parse("partner p {\n  sector x\n}\ngoal g \"G\" {}\n");
  expect_diag(p, "syntax", "expected a title in quotes", 1, 11);
  assert_int_equal(p->diags.items.len, 1);
  /* The block of the broken header is skipped, its id declared, the next
   * item read. */
  assert_int_equal(p->f->nitems, 2);
  assert_string_equal(decl_at(p, 0)->id, "p");
  assert_true(decl_at(p, 0)->broken);
  assert_string_equal(decl_at(p, 1)->id, "g");
  done(p);
}

static void test_file_ends_inside_block(void **state) {
  (void)state;
  Parsed *p = parse("goal g \"G\" {}\npartner p \"P\" {\n  sector x\n");
  const Diag *g = expect_diag(p, "syntax", "the file ends inside a block", 4, 1);
  assert_non_null(strstr(g->msg, "line 2"));
  assert_non_null(g->notes);
  assert_int_equal(line_of(p, g->notes->loc), 2);
  assert_int_equal(col_of(p, g->notes->loc), 15);
  assert_int_equal(p->diags.items.len, 1);
  /* What was read is kept, marked broken. */
  assert_int_equal(p->f->nitems, 2);
  assert_true(decl_at(p, 1)->broken);
  assert_int_equal(decl_at(p, 1)->nattrs, 1);
  done(p);
}

static void test_unclosed_parenthesis(void **state) {
  (void)state;
  Parsed *p = parse("rule r \"R\" {\n  require (a and\n    b\n  message \"m\"\n}\ngoal g \"G\" {}\n");
  const Diag *g = find_diag(p, "syntax", "the '(' on line 2 is not closed");
  if (!g) dump_diags(p);
  assert_non_null(g);
  assert_non_null(g->notes);
  assert_string_equal(g->notes->msg, "opened here");
  assert_int_equal(line_of(p, g->notes->loc), 2);
  assert_int_equal(col_of(p, g->notes->loc), 11);
  assert_int_equal(p->diags.items.len, 1);
  /* The '}' closes the block anyway: the goal after it is read. */
  assert_int_equal(p->f->nitems, 2);
  assert_string_equal(decl_at(p, 1)->id, "g");
  done(p);
}

static void test_other_messages(void **state) {
  (void)state;
  Parsed *p = parse("partner p \"P\" {\n  role a,\n}\n");
  expect_diag(p, "syntax", "expected a value after ','", 3, 1);
  done(p);
  p = parse("partner p \"P\" {\n  sector: x\n}\n");
  expect_diag(p, "syntax", "unexpected ':'", 2, 9);
  done(p);
  p = parse("goal g \"G\" {}\n}\n");
  expect_diag(p, "syntax", "no block is open here", 2, 1);
  done(p);
  p = parse("goal g \"G\" {} goal h \"H\" {}\n");
  expect_diag(p, "syntax", "", 1, 15);
  done(p);
  p = parse("use\n");
  expect_diag(p, "syntax", "expected a name", 1, 4);
  done(p);
  p = parse("waive ci_funder\n");
  expect_diag(p, "syntax", "expected a string", 1, 16);
  done(p);
}

static void test_empty_and_comment_only_files(void **state) {
  (void)state;
  Parsed *p = parse("");
  expect_clean(p);
  assert_int_equal(p->f->nitems, 0);
  done(p);
  p = parse("\n\n# only a comment\n\n");
  expect_clean(p);
  assert_int_equal(p->f->nitems, 0);
  assert_int_equal(p->f->ncomments, 1);
  done(p);
}


/* A nested block (the charter's disclosure): a statement of kind ST_BLOCK
 * holding its own statements, with the statements after it back in the
 * declaration; one on one line; an error inside it recovers inside it;
 * the file ending inside it closes it with the declaration. */
static void test_nested_block(void **state) {
  (void)state;
  Parsed *p = parse("charter \"C\" {\n  vision \"v\"\n  disclosure {\n    suppress below 11\n\n"
                    "    complementary\n  }\n  note \"n\"\n}\n"
                    "charter \"D\" { disclosure { unknown counts shown }; note \"x\" }\n");
  expect_clean(p);
  const Decl *d = decl_at(p, 0);
  assert_int_equal(d->nattrs, 3);
  const Attr *b = d->attrs[1];
  assert_int_equal(b->kind, ST_BLOCK);
  assert_string_equal(b->name, "disclosure");
  assert_int_equal(b->nstmts, 2);
  assert_string_equal(b->stmts[0]->name, "suppress");
  assert_int_equal(b->stmts[0]->nphrases, 1);
  assert_int_equal(b->stmts[0]->phrases[0].n, 2);
  assert_string_equal(b->stmts[1]->name, "complementary");
  assert_int_equal(b->stmts[1]->nphrases, 0);
  assert_int_equal(line_of(p, b->loc), 3);
  assert_string_equal(d->attrs[2]->name, "note");
  const Decl *e = decl_at(p, 1);
  assert_int_equal(e->nattrs, 2);
  assert_int_equal(e->attrs[0]->kind, ST_BLOCK);
  assert_int_equal(e->attrs[0]->nstmts, 1);
  assert_string_equal(e->attrs[1]->name, "note");
  done(p);

  p = parse("charter \"C\" {\n  disclosure {\n    suppress below )\n    complementary\n  }\n  note \"n\"\n}\n");
  assert_int_equal(p->f->nerrors, 1);
  d = decl_at(p, 0);
  assert_true(d->broken);
  assert_int_equal(d->nattrs, 2);
  assert_int_equal(d->attrs[0]->kind, ST_BLOCK);
  assert_int_equal(d->attrs[0]->nstmts, 1);
  assert_string_equal(d->attrs[0]->stmts[0]->name, "complementary");
  done(p);

  p = parse("charter \"C\" {\n  disclosure {\n    complementary\n");
  expect_diag(p, "syntax", "the file ends inside a block", 4, 1);
  done(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_declaration_kind),
      cmocka_unit_test(test_kind_names),
      cmocka_unit_test(test_one_line_blocks),
      cmocka_unit_test(test_recovery_keeps_ids),
      cmocka_unit_test(test_statements_and_phrases),
      cmocka_unit_test(test_negative_numbers),
      cmocka_unit_test(test_rule_blocks),
      cmocka_unit_test(test_literals_and_atoms),
      cmocka_unit_test(test_boolean_precedence),
      cmocka_unit_test(test_comparison_and_arithmetic_precedence),
      cmocka_unit_test(test_unary_minus_and_fields),
      cmocka_unit_test(test_charter_is_a_name_in_expressions),
      cmocka_unit_test(test_calls_and_comprehensions),
      cmocka_unit_test(test_comparisons_do_not_chain),
      cmocka_unit_test(test_expression_locations),
      cmocka_unit_test(test_reserved_words_as_attribute_names),
      cmocka_unit_test(test_reserved_words_after_dot),
      cmocka_unit_test(test_errors_in_several_declarations),
      cmocka_unit_test(test_missing_title),
      cmocka_unit_test(test_file_ends_inside_block),
      cmocka_unit_test(test_unclosed_parenthesis),
      cmocka_unit_test(test_other_messages),
      cmocka_unit_test(test_empty_and_comment_only_files),
      cmocka_unit_test(test_nested_block),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
