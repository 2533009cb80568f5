/* The scanner (lang/lexer.l and the token decoding in lang/parse.c), observed
 * through ast_parse: tokens become atoms and items; NEWLINE is emitted only
 * where docs/language.md ("Statements and line ends") says a statement can
 * end. */
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

static int count_rule(const Parsed *p, const char *rule) { return diags_count(&p->diags, rule); }

/* ---- a parsed file and its diagnostics ---- */



static Parsed *parse(const char *text) { return parse_len(text, strlen(text)); }



/* The first diagnostic of rule whose message contains text. */

static void where(Parsed *p, Loc loc, int *line, int *col) {
  src_linecol(src_get(&p->srcs, loc.file), loc.start, line, col);
}

/* Asserts that a diagnostic of rule containing text exists at line:col. */
static void expect_diag_at(Parsed *p, const char *rule, const char *text, int line, int col) {
  const Diag *g = find_diag(p, rule, text);
  if (!g) {
    for (int i = 0; i < p->diags.items.len; i++) {
      const Diag *h = p->diags.items.items[i];
      fprintf(stderr, "  have [%s] %s\n", h->rule, h->msg);
    }
    fail_msg("no [%s] diagnostic containing \"%s\"", rule, text);
  }
  int l, c;
  where(p, g->loc, &l, &c);
  assert_int_equal(l, line);
  assert_int_equal(c, col);
}

static void expect_clean(const Parsed *p) {
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    fprintf(stderr, "  unexpected [%s] %s\n", g->rule, g->msg);
  }
  assert_int_equal(p->diags.items.len, 0);
  assert_int_equal(p->f->nerrors, 0);
}

static const Decl *decl_at(const Parsed *p, int i) {
  assert_true(i < p->f->nitems);
  assert_int_equal(p->f->items[i]->kind, IT_DECL);
  return p->f->items[i]->decl;
}

static const Attr *attr_at(const Parsed *p, int item, int i) {
  const Decl *d = decl_at(p, item);
  assert_true(i < d->nattrs);
  return d->attrs[i];
}

/* The only phrase of the first statement of the first declaration. */
static const Phrase *only_phrase(const Parsed *p) {
  const Attr *a = attr_at(p, 0, 0);
  assert_int_equal(a->nphrases, 1);
  return &a->phrases[0];
}

/* The value of the first atom of `partner p "P" { note VALUE }`. */
static Parsed *parse_value(const char *value) {
  Buf b = {0};
  buf_printf(&b, "partner p \"P\" { note %s }\n", value);
  Parsed *p = parse(buf_str(&b));
  buf_free(&b);
  return p;
}

/* The require expression of `rule r "R" { require EXPR }`. */
static const Expr *require_expr(const Parsed *p) {
  const Attr *a = attr_at(p, 0, 0);
  assert_int_equal(a->kind, ST_REQUIRE);
  assert_non_null(a->expr);
  return a->expr;
}

/* ---- tokens as atoms ---- */

static void test_atoms_of_each_kind(void **state) {
  (void)state;
  Parsed *p = parse("partner p \"P\" { note foo \"bar\" 12 2027-Q2 \"\"\"txt\"\"\" in -3 }\n");
  expect_clean(p);
  const Phrase *ph = only_phrase(p);
  assert_int_equal(ph->n, 7);
  assert_int_equal(ph->atoms[0].kind, ATOM_IDENT);
  assert_string_equal(ph->atoms[0].text, "foo");
  assert_int_equal(ph->atoms[1].kind, ATOM_STRING);
  assert_string_equal(ph->atoms[1].text, "bar");
  assert_int_equal(ph->atoms[2].kind, ATOM_NUMBER);
  assert_string_equal(ph->atoms[2].text, "12");
  assert_true(ph->atoms[2].num == 12.0);
  assert_false(ph->atoms[2].neg);
  assert_int_equal(ph->atoms[3].kind, ATOM_PERIOD);
  assert_string_equal(ph->atoms[3].text, "2027-Q2");
  assert_int_equal(ph->atoms[3].per.kind, PER_QUARTER);
  assert_int_equal(ph->atoms[4].kind, ATOM_TEXT);
  assert_string_equal(ph->atoms[4].text, "txt");
  assert_int_equal(ph->atoms[5].kind, ATOM_IN);
  assert_int_equal(ph->atoms[6].kind, ATOM_NUMBER);
  assert_true(ph->atoms[6].neg);
  assert_true(ph->atoms[6].num == -3.0);
  assert_string_equal(ph->atoms[6].text, "3");
  /* Byte locations: "foo" starts at 21; the negative number includes '-'. */
  const char *text = src_get(&p->srcs, 0)->text;
  assert_int_equal(ph->atoms[0].loc.start, 21);
  assert_int_equal(ph->atoms[0].loc.end, 24);
  assert_memory_equal(text + ph->atoms[6].loc.start, "-3", 2);
  assert_int_equal(ph->atoms[6].loc.end - ph->atoms[6].loc.start, 2);
  /* The phrase spans its first atom to its last. */
  assert_int_equal(ph->loc.start, ph->atoms[0].loc.start);
  assert_int_equal(ph->loc.end, ph->atoms[6].loc.end);
  done(p);
}

static void test_identifiers(void **state) {
  (void)state;
  /* Letters, digits and '_', starting with a letter or '_'. */
  Parsed *p = parse_value("_a9_Z x_1 Foo foo");
  expect_clean(p);
  const Phrase *ph = only_phrase(p);
  assert_int_equal(ph->n, 4);
  assert_string_equal(ph->atoms[0].text, "_a9_Z");
  assert_string_equal(ph->atoms[1].text, "x_1");
  assert_string_equal(ph->atoms[2].text, "Foo");
  assert_string_equal(ph->atoms[3].text, "foo");
  done(p);

  /* 128 characters are allowed, 129 are not. */
  char name[200];
  memset(name, 'a', sizeof name);
  name[128] = '\0';
  p = parse_value(name);
  expect_clean(p);
  assert_int_equal(strlen(only_phrase(p)->atoms[0].text), 128);
  done(p);
  name[128] = 'b';
  name[129] = '\0';
  p = parse_value(name);
  expect_diag_at(p, "syntax", "129 characters", 1, 22);
  done(p);
}

static void test_keywords_are_case_sensitive(void **state) {
  (void)state;
  /* "Partner" is a name, not the keyword, so it cannot start an item; the
   * broken declaration still declares its id. */
  Parsed *p = parse("Partner p \"P\" { sector x }\n");
  assert_int_equal(p->f->nitems, 1);
  assert_true(decl_at(p, 0)->broken);
  assert_int_equal(decl_at(p, 0)->nattrs, 0);
  expect_diag_at(p, "syntax", "expected a declaration", 1, 1);
  assert_non_null(find_diag(p, "syntax", "did you mean 'partner'?"));
  done(p);
  /* A reserved word cannot be an id. */
  p = parse("partner in \"P\" { sector x }\n");
  assert_true(count_rule(p, "syntax") >= 1);
  expect_diag_at(p, "syntax", "'in'", 1, 9);
  done(p);
}

/* ---- NEWLINE ---- */

static void test_newline_ends_statement(void **state) {
  (void)state;
  Parsed *p = parse("partner p \"P\" {\n  sector a\n  role b\n}\n");
  expect_clean(p);
  const Decl *d = decl_at(p, 0);
  assert_int_equal(d->nattrs, 2);
  assert_string_equal(d->attrs[0]->name, "sector");
  assert_string_equal(d->attrs[1]->name, "role");
  done(p);

  /* Without a comma, the next line is a new statement: "b" is an attribute. */
  p = parse("partner p \"P\" {\n  role a\n    b\n}\n");
  expect_clean(p);
  d = decl_at(p, 0);
  assert_int_equal(d->nattrs, 2);
  assert_string_equal(d->attrs[0]->name, "role");
  assert_int_equal(d->attrs[0]->nphrases, 1);
  assert_string_equal(d->attrs[1]->name, "b");
  assert_int_equal(d->attrs[1]->nphrases, 0);
  done(p);
}

static void test_list_wraps_after_comma(void **state) {
  (void)state;
  Parsed *p = parse("partner p \"P\" {\n  role a,\n       b,\n\n       c\n  sector d\n}\n");
  expect_clean(p);
  const Decl *d = decl_at(p, 0);
  assert_int_equal(d->nattrs, 2);
  assert_int_equal(d->attrs[0]->nphrases, 3);
  assert_string_equal(d->attrs[0]->phrases[0].atoms[0].text, "a");
  assert_string_equal(d->attrs[0]->phrases[1].atoms[0].text, "b");
  assert_string_equal(d->attrs[0]->phrases[2].atoms[0].text, "c");
  assert_string_equal(d->attrs[1]->name, "sector");
  done(p);

  /* A comment after the comma does not end the list either. */
  p = parse("partner p \"P\" {\n  role a, # first\n    b\n}\n");
  expect_clean(p);
  assert_int_equal(attr_at(p, 0, 0)->nphrases, 2);
  assert_int_equal(p->f->ncomments, 1);
  done(p);
}

static void test_phrase_wraps_after_in(void **state) {
  (void)state;
  /* `in` is in the list of tokens after which a line end is not NEWLINE. */
  Parsed *p = parse("indicator i \"I\" {\n  baseline 41 in\n    2023\n}\n");
  expect_clean(p);
  const Attr *a = attr_at(p, 0, 0);
  assert_int_equal(a->nphrases, 1);
  assert_int_equal(a->phrases[0].n, 3);
  assert_int_equal(a->phrases[0].atoms[1].kind, ATOM_IN);
  assert_string_equal(a->phrases[0].atoms[2].text, "2023");
  done(p);
}

static void test_expression_wraps_after_operator(void **state) {
  (void)state;
  static const char *const ops[] = {"or", "and", "==", "!=", "<", "<=", ">", ">=", "in", "+", "-", "*", "/"};
  for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
    Buf b = {0};
    buf_printf(&b, "rule r \"R\" {\n  require a %s\n    b\n  message \"m\"\n}\n", ops[i]);
    Parsed *p = parse(buf_str(&b));
    expect_clean(p);
    const Decl *d = decl_at(p, 0);
    assert_int_equal(d->nattrs, 2);
    const Expr *e = require_expr(p);
    assert_int_equal(e->kind, E_BINARY);
    assert_string_equal(ast_op_text(e->op), ops[i]);
    assert_string_equal(e->b->text, "b");
    done(p);
    buf_free(&b);
  }
  /* After `not` and after '.'. */
  Parsed *p = parse("rule r \"R\" {\n  require not\n    a.\n      b\n}\n");
  expect_clean(p);
  const Expr *e = require_expr(p);
  assert_int_equal(e->kind, E_UNARY);
  assert_int_equal(e->op, OP_NOT);
  assert_int_equal(e->a->kind, E_FIELD);
  assert_string_equal(e->a->text, "b");
  assert_int_equal(decl_at(p, 0)->nattrs, 1);
  done(p);
}

static void test_newline_before_operator_ends_expression(void **state) {
  (void)state;
  /* The line end after `a` is a NEWLINE, so `and b` is a statement of its
   * own (any word, reserved or not, may start a statement). */
  Parsed *p = parse("rule r \"R\" {\n  require a\n  and b\n}\n");
  expect_clean(p);
  const Decl *d = decl_at(p, 0);
  assert_int_equal(d->nattrs, 2);
  assert_int_equal(require_expr(p)->kind, E_NAME);
  assert_int_equal(d->attrs[1]->kind, ST_ATTR);
  assert_string_equal(d->attrs[1]->name, "and");
  done(p);
}

static void test_expression_wraps_inside_parentheses(void **state) {
  (void)state;
  Parsed *p = parse("rule r \"R\" {\n  require (a\n    == b)\n  message \"m\"\n}\n");
  expect_clean(p);
  const Expr *e = require_expr(p);
  assert_int_equal(e->kind, E_PAREN);
  assert_int_equal(e->a->kind, E_BINARY);
  assert_int_equal(e->a->op, OP_EQ);
  assert_int_equal(decl_at(p, 0)->nattrs, 2);
  done(p);

  p = parse("rule r \"R\" {\n  require count([a\n    , b\n    ]\n  ) > 1\n}\n");
  expect_clean(p);
  e = require_expr(p);
  assert_int_equal(e->kind, E_BINARY);
  assert_int_equal(e->a->kind, E_CALL);
  assert_int_equal(e->a->nitems, 1);
  assert_int_equal(e->a->items[0]->kind, E_LIST);
  assert_int_equal(e->a->items[0]->nitems, 2);
  done(p);
}

static void test_brace_must_be_on_header_line(void **state) {
  (void)state;
  Parsed *p = parse("partner p \"P\"\n{\n  sector x\n}\npartner q \"Q\" { sector y }\n");
  assert_int_equal(count_rule(p, "syntax"), 1);
  expect_diag_at(p, "syntax", "same line as its header", 1, 14);
  /* The misplaced block is dropped (the broken declaration keeps its id)
   * and the next declaration is read. */
  assert_int_equal(p->f->nitems, 2);
  assert_string_equal(decl_at(p, 0)->id, "p");
  assert_true(decl_at(p, 0)->broken);
  assert_string_equal(decl_at(p, 1)->id, "q");
  done(p);

  p = parse("charter \"C\"\n{\n}\n");
  expect_diag_at(p, "syntax", "same line as its header", 1, 12);
  done(p);
}

static void test_blank_and_comment_lines_are_free(void **state) {
  (void)state;
  Parsed *p = parse("\n\n# c1\npartner p \"P\" {\n\n  # c2\n\n  sector x\n\n}\n\n# c3\n\n");
  expect_clean(p);
  assert_int_equal(p->f->nitems, 1);
  assert_int_equal(decl_at(p, 0)->nattrs, 1);
  assert_int_equal(p->f->ncomments, 3);
  done(p);
}

static void test_semicolons_separate(void **state) {
  (void)state;
  Parsed *p = parse("use a; use b\npartner x \"X\" { sector business; role funder;; }\n");
  expect_clean(p);
  assert_int_equal(p->f->nitems, 3);
  assert_int_equal(p->f->items[0]->kind, IT_USE);
  assert_string_equal(p->f->items[1]->name, "b");
  assert_int_equal(decl_at(p, 2)->nattrs, 2);
  done(p);
}

/* ---- strings ---- */

static void test_string_escapes(void **state) {
  (void)state;
  Parsed *p = parse_value("\"q\\\" b\\\\ n\\n t\\t u\\u{41}\\u{e9}\\u{20AC}\\u{1F600}\\u{10FFFF}\"");
  expect_clean(p);
  const Atom *a = &only_phrase(p)->atoms[0];
  assert_int_equal(a->kind, ATOM_STRING);
  assert_string_equal(a->text, "q\" b\\ n\n t\t uA\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
  done(p);

  /* Raw UTF-8 and '#' in a string are kept as they are. */
  p = parse_value("\"caf\xC3\xA9 # not a comment {x}\"");
  expect_clean(p);
  assert_string_equal(only_phrase(p)->atoms[0].text, "caf\xC3\xA9 # not a comment {x}");
  assert_int_equal(p->f->ncomments, 0);
  done(p);

  p = parse_value("\"\"");
  expect_clean(p);
  assert_string_equal(only_phrase(p)->atoms[0].text, "");
  done(p);
}

static void test_bad_escapes(void **state) {
  (void)state;
  static const struct {
    const char *value;
    const char *msg;
  } cases[] = {
      {"\"ab\\qc\"", "unknown escape '\\q'"},
      {"\"ab\\u{D800}\"", "not a Unicode character"},
      {"\"ab\\u{DFFF}\"", "not a Unicode character"},
      {"\"ab\\u{110000}\"", "not a Unicode character"},
      {"\"ab\\u{}\"", "1 to 6 hex digits"},
      {"\"ab\\u{0000041}\"", "1 to 6 hex digits"},
      {"\"ab\\u41\"", "1 to 6 hex digits"},
      {"\"ab\\u{4G}\"", "1 to 6 hex digits"},
      {"\"ab\\u{41\"", "1 to 6 hex digits"},
      {"\"ab\\r\"", "unknown escape '\\r'"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    Parsed *p = parse_value(cases[i].value);
    /* The column of the backslash: `partner p "P" { note "ab` is 24 wide. */
    expect_diag_at(p, "syntax", cases[i].msg, 1, 25);
    done(p);
  }
  /* The same rules inside a text block. */
  Parsed *p = parse_value("\"\"\"x\\u{D800}\"\"\"");
  expect_diag_at(p, "syntax", "not a Unicode character", 1, 26);
  done(p);
}

static void test_unterminated_string(void **state) {
  (void)state;
  Parsed *p = parse("partner p \"P\" {\n  note \"abc\n  sector x\n}\n");
  expect_diag_at(p, "syntax", "no closing quote", 2, 8);
  /* The next line is still read. */
  const Decl *d = decl_at(p, 0);
  assert_string_equal(d->attrs[d->nattrs - 1]->name, "sector");
  done(p);
}

/* ---- text blocks ---- */

static const char *text_of(Parsed *p) {
  const Atom *a = &only_phrase(p)->atoms[0];
  assert_int_equal(a->kind, ATOM_TEXT);
  return a->text;
}

static void test_text_block_dedent(void **state) {
  (void)state;
  /* The newline after the opening quotes and the blank last line go; the
   * common indentation (4) goes; deeper indentation stays. */
  Parsed *p = parse("charter \"C\" {\n  problem \"\"\"\n    Line one\n      indented\n    last\n    \"\"\"\n}\n");
  expect_clean(p);
  assert_string_equal(text_of(p), "Line one\n  indented\nlast");
  done(p);

  /* Blank lines inside do not count for the indentation, and stay. */
  p = parse("charter \"C\" {\n  problem \"\"\"\n      a\n\n      b\n  \"\"\"\n}\n");
  expect_clean(p);
  assert_string_equal(text_of(p), "a\n\nb");
  done(p);

  /* Text on the opening line: nothing to drop there, and the last line is
   * kept when it holds text. */
  p = parse("charter \"C\" {\n  problem \"\"\"first\n  second\"\"\"\n}\n");
  expect_clean(p);
  assert_string_equal(text_of(p), "first\n  second");
  done(p);

  /* On one line. */
  p = parse_value("\"\"\"  just this  \"\"\"");
  expect_clean(p);
  assert_string_equal(text_of(p), "just this  ");
  done(p);

  /* Tabs count as indentation too. */
  p = parse("charter \"C\" {\n  problem \"\"\"\n\t\tx\n\t\t  y\n\t\"\"\"\n}\n");
  expect_clean(p);
  assert_string_equal(text_of(p), "x\n  y");
  done(p);
}

static void test_text_block_quotes_and_escapes(void **state) {
  (void)state;
  /* One or two quotes do not close a text block; escapes are decoded after
   * dedenting, so "\n" does not make a new line for it. */
  Parsed *p = parse("charter \"C\" {\n  problem \"\"\"\n    say \"hi\" \"\"ok\"\"\n    a\\tb\\nc \\\"\"\" \\u{41}\n    \"\"\"\n}\n");
  expect_clean(p);
  assert_string_equal(text_of(p), "say \"hi\" \"\"ok\"\"\na\tb\nc \"\"\" A");
  done(p);

  /* A text block may be a declaration's title. */
  p = parse("goal g \"\"\"A title\"\"\" {}\n");
  expect_clean(p);
  assert_string_equal(decl_at(p, 0)->title, "A title");
  done(p);
}

static void test_text_block_crlf(void **state) {
  (void)state;
  Parsed *p = parse("charter \"C\" {\r\n  problem \"\"\"\r\n    one\r\n      two\r\n    \"\"\"\r\n}\r\n");
  expect_clean(p);
  assert_string_equal(text_of(p), "one\n  two");
  done(p);
}

static void test_text_block_lines_and_errors(void **state) {
  (void)state;
  /* Tokens after a text block keep their lines. */
  Parsed *p = parse("charter \"C\" {\n  problem \"\"\"\n    a\n    b\n    \"\"\"\n  vision @\n}\n");
  expect_diag_at(p, "syntax", "unexpected character '@'", 6, 10);
  done(p);

  /* An unclosed text block is reported where it opens. */
  p = parse("charter \"C\" {\n  problem \"\"\"\n    never closed\n}\n");
  expect_diag_at(p, "syntax", "no closing \"\"\"", 2, 11);
  done(p);
}

/* ---- numbers ---- */

static void test_numbers(void **state) {
  (void)state;
  Parsed *p = parse_value("0 7 1_000_000 12.5 1_000.000_5 0.25 123456789012345 000000000000000001");
  expect_clean(p);
  const Phrase *ph = only_phrase(p);
  assert_int_equal(ph->n, 8);
  for (int i = 0; i < ph->n; i++) assert_int_equal(ph->atoms[i].kind, ATOM_NUMBER);
  assert_true(ph->atoms[0].num == 0.0);
  assert_true(ph->atoms[1].num == 7.0);
  assert_true(ph->atoms[2].num == 1000000.0);
  assert_string_equal(ph->atoms[2].text, "1_000_000"); /* as written */
  assert_true(ph->atoms[3].num == 12.5);
  assert_true(ph->atoms[4].num == 1000.0005);
  assert_true(ph->atoms[5].num == 0.25);
  assert_true(ph->atoms[6].num == 123456789012345.0); /* 15 digits, exact */
  assert_true(ph->atoms[7].num == 1.0);                /* leading zeros are not significant */
  done(p);
}

static void test_number_digit_limit(void **state) {
  (void)state;
  static const char *const too_long[] = {"1234567890123456", "1_234_567_890_123_456", "1234567890.123456",
                                         "0.1234567890123456"};
  for (size_t i = 0; i < sizeof too_long / sizeof *too_long; i++) {
    Parsed *p = parse_value(too_long[i]);
    expect_diag_at(p, "syntax", "16 significant digits", 1, 22);
    done(p);
  }
  Parsed *p = parse_value("0.123456789012345 99999999999999.9");
  expect_clean(p);
  assert_true(only_phrase(p)->atoms[0].num == 0.123456789012345);
  assert_true(only_phrase(p)->atoms[1].num == 99999999999999.9);
  done(p);
}

static void test_number_with_many_leading_zeros(void **state) {
  (void)state;
  /* Regression (fixed): chx_number copies the digits into a 64-byte buffer before strtod
   * and silently drops the rest, so a number with few significant digits
   * but more than 63 characters gets a wrong value: 70 zeros then 1 is
   * read as 0 (no diagnostic), as is 0.<70 zeros>1. docs/language.md
   * (Files and lexical structure, Details) limits significant digits only
   * (leading zeros are not significant, and the scanner itself counts 1
   * significant digit here). */
  Buf b = {0};
  for (int i = 0; i < 70; i++) buf_putc(&b, '0');
  buf_puts(&b, "12.5");
  Parsed *p = parse_value(buf_str(&b));
  expect_clean(p);
  assert_true(only_phrase(p)->atoms[0].num == 12.5);
  done(p);
  buf_free(&b);
  buf_puts(&b, "0.");
  for (int i = 0; i < 70; i++) buf_putc(&b, '0');
  buf_puts(&b, "1");
  p = parse_value(buf_str(&b));
  expect_clean(p);
  assert_true(only_phrase(p)->atoms[0].num > 0.0);
  done(p);
  buf_free(&b);
}

static void test_malformed_numbers(void **state) {
  (void)state;
  static const char *const bad[] = {"1__0", "1_", "12abc", "1e5", "1.2.3", "1._5", "1."};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    Parsed *p = parse_value(bad[i]);
    if (!find_diag(p, "syntax", "neither a number nor a name") && count_rule(p, "syntax") == 0)
      fail_msg("'%s' was accepted", bad[i]);
    int line, col;
    const Diag *g = p->diags.items.items[0];
    where(p, g->loc, &line, &col);
    assert_int_equal(line, 1);
    assert_int_equal(col, 22);
    done(p);
  }
}

static void test_minus_is_a_separate_token(void **state) {
  (void)state;
  Parsed *p = parse("indicator i \"I\" { baseline -3.5 in 2023 }\n");
  expect_clean(p);
  const Atom *a = &only_phrase(p)->atoms[0];
  assert_true(a->neg);
  assert_true(a->num == -3.5);
  assert_string_equal(a->text, "3.5");
  done(p);

  /* In an expression a '-' before a number is the unary minus. */
  p = parse("rule r \"R\" { require x > -3 }\n");
  expect_clean(p);
  const Expr *e = require_expr(p);
  assert_int_equal(e->b->kind, E_UNARY);
  assert_int_equal(e->b->op, OP_NEG);
  assert_int_equal(e->b->a->kind, E_NUMBER);
  assert_true(e->b->a->num == 3.0);
  done(p);
}

/* ---- periods ---- */

static void test_period_tokens(void **state) {
  (void)state;
  Parsed *p = parse_value("2027 2027-Q2 2027-06 2027-06-30 2024-02-29");
  expect_clean(p);
  const Phrase *ph = only_phrase(p);
  assert_int_equal(ph->n, 5);
  /* A bare year is a number; the checker reads it as a year where a period
   * is expected. */
  assert_int_equal(ph->atoms[0].kind, ATOM_NUMBER);
  assert_true(ph->atoms[0].num == 2027.0);
  assert_int_equal(ph->atoms[1].kind, ATOM_PERIOD);
  assert_int_equal(ph->atoms[1].per.kind, PER_QUARTER);
  assert_int_equal(ph->atoms[1].per.year, 2027);
  assert_int_equal(ph->atoms[1].per.quarter, 2);
  assert_int_equal(ph->atoms[2].kind, ATOM_PERIOD);
  assert_int_equal(ph->atoms[2].per.kind, PER_MONTH);
  assert_int_equal(ph->atoms[2].per.month, 6);
  assert_int_equal(ph->atoms[3].kind, ATOM_PERIOD);
  assert_int_equal(ph->atoms[3].per.kind, PER_DAY);
  assert_int_equal(ph->atoms[3].per.day, 30);
  assert_string_equal(ph->atoms[3].text, "2027-06-30");
  assert_int_equal(ph->atoms[4].per.day, 29);
  for (int i = 1; i < 5; i++) assert_false(ph->atoms[i].bad);
  done(p);
}

static void test_invalid_periods(void **state) {
  (void)state;
  static const struct {
    const char *text;
    const char *msg;
  } cases[] = {
      {"2023-13", "'2023-13' is not a valid period"},
      {"2023-00", "'2023-00' is not a valid period"},
      {"2023-02-29", "February 2023 has 28 days"},
      {"1900-02-29", "February 1900 has 28 days"},
      {"2023-04-31", "April 2023 has 30 days"},
      {"2023-01-00", "'2023-01-00' is not a valid period"},
      {"2027-Q5", "quarter"},
      {"2027-Q0", "quarter"},
      {"2027-Q12", "quarter"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    Parsed *p = parse_value(cases[i].text);
    /* A period error, not a syntax error; the token is still an atom. */
    expect_diag_at(p, "period", cases[i].msg, 1, 22);
    assert_int_equal(count_rule(p, "syntax"), 0);
    const Atom *a = &only_phrase(p)->atoms[0];
    assert_int_equal(a->kind, ATOM_PERIOD);
    assert_true(a->bad);
    done(p);
  }
}

static void test_period_in_expression(void **state) {
  (void)state;
  Parsed *p = parse("rule r \"R\" { require 2027-12 == 2027-12-31 }\n");
  expect_clean(p);
  const Expr *e = require_expr(p);
  assert_int_equal(e->op, OP_EQ);
  assert_int_equal(e->a->kind, E_PERIOD);
  assert_int_equal(e->b->kind, E_PERIOD);
  assert_int_equal(period_cmp(e->a->per, e->b->per), 0);
  done(p);
}

/* ---- comments ---- */

static void test_comments(void **state) {
  (void)state;
  Parsed *p = parse("# head\npartner p \"P\" { # after brace\n  sector x  # trailing #2\n}\n#tail");
  expect_clean(p);
  assert_int_equal(p->f->ncomments, 4);
  assert_string_equal(p->f->comments[0].text, "# head");
  assert_string_equal(p->f->comments[1].text, "# after brace");
  assert_string_equal(p->f->comments[2].text, "# trailing #2");
  assert_string_equal(p->f->comments[3].text, "#tail");
  int line, col;
  where(p, p->f->comments[2].loc, &line, &col);
  assert_int_equal(line, 3);
  assert_int_equal(col, 13);
  assert_int_equal(p->f->comments[2].loc.end - p->f->comments[2].loc.start, strlen("# trailing #2"));
  /* The comment does not swallow the statement before it. */
  const Attr *a = attr_at(p, 0, 0);
  assert_string_equal(a->name, "sector");
  assert_string_equal(a->phrases[0].atoms[0].text, "x");
  done(p);
}

/* ---- positions, encoding, line ends ---- */

static void test_columns_count_code_points(void **state) {
  (void)state;
  /* 日本語 is 9 bytes but 3 columns: '@' is column 17, byte 22. */
  Parsed *p = parse("partner p \"\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\" @ { sector x }\n");
  const Diag *g = find_diag(p, "syntax", "'@'");
  assert_non_null(g);
  assert_int_equal(g->loc.start, 22);
  expect_diag_at(p, "syntax", "'@'", 1, 17);
  done(p);

  /* A 4-byte character counts as one column too. */
  p = parse("partner p \"P\" { note \"\xF0\x9F\x98\x80\" \\ }\n");
  expect_diag_at(p, "syntax", "'\\'", 1, 26);
  done(p);
}

static void test_bom_skipped(void **state) {
  (void)state;
  Parsed *p = parse("\xEF\xBB\xBFpartner p \"P\" { sector x }\n");
  expect_clean(p);
  assert_int_equal(p->f->nitems, 1);
  assert_string_equal(decl_at(p, 0)->id, "p");
  done(p);
  /* Only a leading one: elsewhere it is an unexpected character. */
  p = parse("partner p \"P\" { sector x \xEF\xBB\xBF }\n");
  assert_non_null(find_diag(p, "syntax", "U+FEFF"));
  done(p);
}

static void test_bom_not_counted_in_columns(void **state) {
  (void)state;
  /* Regression (fixed): the skipped byte-order mark is counted as a character, so the first
   * column after it is reported as 2 (and the caret is drawn one place to
   * the right of the token in terminals, which do not show the BOM).
   * docs/language.md (Files and lexical structure, Details): a leading BOM
   * is skipped; columns count the characters of the line from 1. */
  Parsed *p = parse("\xEF\xBB\xBF@ partner p \"P\" {}\n");
  expect_diag_at(p, "syntax", "'@'", 1, 1);
  done(p);
}

static void test_crlf_line_ends(void **state) {
  (void)state;
  Parsed *p = parse("# c\r\npartner p \"P\" {\r\n  sector x,\r\n    y\r\n  role z\r\n}\r\n\r\npartner q \"Q\" {\r\n  note @\r\n}\r\n");
  assert_int_equal(p->f->nitems, 2);
  const Decl *d = decl_at(p, 0);
  assert_int_equal(d->nattrs, 2);
  assert_int_equal(d->attrs[0]->nphrases, 2);
  assert_string_equal(p->f->comments[0].text, "# c"); /* no '\r' */
  /* Lines count CRLF as one line end. */
  expect_diag_at(p, "syntax", "'@'", 9, 8);
  assert_int_equal(p->diags.items.len, 1);
  done(p);

  /* A lone CR is not a line end. */
  p = parse("partner p \"P\" {\r  sector x\n}\n");
  expect_diag_at(p, "syntax", "stray carriage return", 1, 16);
  done(p);
}

static void test_encoding_errors(void **state) {
  (void)state;
  /* An invalid byte is an encoding error at that byte. */
  Parsed *p = parse("partner p \"P\" {\n  note \"a\xFF\"\n}\n");
  expect_diag_at(p, "encoding", "0xFF", 2, 10);
  assert_int_equal(p->f->nitems, 0);
  assert_true(p->f->nerrors > 0);
  done(p);

  /* A truncated sequence, and an overlong encoding. */
  p = parse("x \xC3");
  expect_diag_at(p, "encoding", "0xC3", 1, 3);
  done(p);
  p = parse("\xC0\xAF");
  expect_diag_at(p, "encoding", "0xC0", 1, 1);
  done(p);

  /* A UTF-8 encoded surrogate, an overlong form and a value above 10FFFF are
   * invalid too; a run of invalid bytes is one error spanning the run, each
   * byte counting as one column. */
  static const char *const invalid[] = {"x \xED\xA0\x80 y", "x \xE0\x80\x80 y", "x \xF4\x90\x80\x80 y"};
  static const int widths[] = {3, 3, 4};
  for (size_t i = 0; i < sizeof invalid / sizeof *invalid; i++) {
    p = parse(invalid[i]);
    assert_int_equal(p->diags.items.len, 1);
    const Diag *g = p->diags.items.items[0];
    assert_string_equal(g->rule, "encoding");
    int line, col, end_line, end_col;
    where(p, g->loc, &line, &col);
    Loc end = g->loc;
    end.start = end.end;
    where(p, end, &end_line, &end_col);
    assert_int_equal(col, 3);
    assert_int_equal(end_col - col, widths[i]);
    done(p);
  }

  /* A NUL byte. */
  static const char nul[] = "partner p \"P\" {\n  sec\0tor x\n}\n";
  p = parse_len(nul, sizeof nul - 1);
  expect_diag_at(p, "encoding", "NUL", 2, 6);
  done(p);
}

static void test_unexpected_characters(void **state) {
  (void)state;
  Parsed *p = parse("partner p \"P\" { sector \xE2\x80\x9Cx\xE2\x80\x9D }\n");
  expect_diag_at(p, "syntax", "curly quote", 1, 24);
  done(p);
  p = parse("partner p \"P\" { sector = x }\n");
  expect_diag_at(p, "syntax", "unexpected '='", 1, 24);
  done(p);
  p = parse("partner p \"P\" { sector \x01 }\n");
  expect_diag_at(p, "syntax", "control character", 1, 24);
  done(p);
}

static void test_nesting_limit(void **state) {
  (void)state;
  Buf ok = {0}, deep = {0};
  buf_puts(&ok, "rule r \"R\" { require ");
  buf_puts(&deep, "rule r \"R\" { require ");
  /* The block's '{' is one level: 255 parentheses make 256. */
  for (int i = 0; i < 255; i++) buf_putc(&ok, '(');
  for (int i = 0; i < 256; i++) buf_putc(&deep, '(');
  buf_putc(&ok, 'a');
  buf_putc(&deep, 'a');
  for (int i = 0; i < 255; i++) buf_putc(&ok, ')');
  for (int i = 0; i < 256; i++) buf_putc(&deep, ')');
  buf_puts(&ok, " }\n");
  buf_puts(&deep, " }\n");
  Parsed *p = parse(buf_str(&ok));
  expect_clean(p);
  done(p);
  p = parse(buf_str(&deep));
  expect_diag_at(p, "syntax", "nested more than 256", 1, 22 + 255);
  done(p);
  buf_free(&ok);
  buf_free(&deep);

  /* 10,000 brackets: the scanner stops at the limit, no crash and no
   * error per bracket. */
  Buf huge = {0};
  buf_puts(&huge, "rule r \"R\" { require ");
  for (int i = 0; i < 10000; i++) buf_putc(&huge, '[');
  p = parse(buf_str(&huge));
  expect_diag_at(p, "syntax", "nested more than 256", 1, 22 + 255);
  assert_int_equal(count_rule(p, "syntax"), 1);
  done(p);
  buf_free(&huge);
}

static void test_scan_in_place_matches(void **state) {
  (void)state;
  /* The in-place scan of files read from disk gives the same tree. */
  static const char text[] = "# c\npartner p \"P\" {\n  role a,\n    b\n  note \"\"\"\n    t\n    \"\"\"\n}\n";
  Parsed *a = parse_mode(text, sizeof text - 1, false);
  Parsed *b = parse_mode(text, sizeof text - 1, true);
  expect_clean(a);
  expect_clean(b);
  assert_int_equal(a->f->ncomments, b->f->ncomments);
  const Decl *x = decl_at(a, 0), *y = decl_at(b, 0);
  assert_int_equal(x->nattrs, 2);
  assert_int_equal(y->nattrs, 2);
  assert_int_equal(y->attrs[0]->nphrases, 2);
  assert_string_equal(x->attrs[1]->phrases[0].atoms[0].text, "t");
  assert_string_equal(y->attrs[1]->phrases[0].atoms[0].text, "t");
  assert_int_equal(x->loc.end, y->loc.end);
  done(a);
  done(b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_atoms_of_each_kind),
      cmocka_unit_test(test_identifiers),
      cmocka_unit_test(test_keywords_are_case_sensitive),
      cmocka_unit_test(test_newline_ends_statement),
      cmocka_unit_test(test_list_wraps_after_comma),
      cmocka_unit_test(test_phrase_wraps_after_in),
      cmocka_unit_test(test_expression_wraps_after_operator),
      cmocka_unit_test(test_newline_before_operator_ends_expression),
      cmocka_unit_test(test_expression_wraps_inside_parentheses),
      cmocka_unit_test(test_brace_must_be_on_header_line),
      cmocka_unit_test(test_blank_and_comment_lines_are_free),
      cmocka_unit_test(test_semicolons_separate),
      cmocka_unit_test(test_string_escapes),
      cmocka_unit_test(test_bad_escapes),
      cmocka_unit_test(test_unterminated_string),
      cmocka_unit_test(test_text_block_dedent),
      cmocka_unit_test(test_text_block_quotes_and_escapes),
      cmocka_unit_test(test_text_block_crlf),
      cmocka_unit_test(test_text_block_lines_and_errors),
      cmocka_unit_test(test_numbers),
      cmocka_unit_test(test_number_digit_limit),
      cmocka_unit_test(test_number_with_many_leading_zeros),
      cmocka_unit_test(test_malformed_numbers),
      cmocka_unit_test(test_minus_is_a_separate_token),
      cmocka_unit_test(test_period_tokens),
      cmocka_unit_test(test_invalid_periods),
      cmocka_unit_test(test_period_in_expression),
      cmocka_unit_test(test_comments),
      cmocka_unit_test(test_columns_count_code_points),
      cmocka_unit_test(test_bom_skipped),
      cmocka_unit_test(test_bom_not_counted_in_columns),
      cmocka_unit_test(test_crlf_line_ends),
      cmocka_unit_test(test_encoding_errors),
      cmocka_unit_test(test_unexpected_characters),
      cmocka_unit_test(test_nesting_limit),
      cmocka_unit_test(test_scan_in_place_matches),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
