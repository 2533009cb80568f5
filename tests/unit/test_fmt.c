/* The formatter (lang/fmt.c): the canonical layout of docs/commands.md,
 * "charter fmt". Every case also checks that the output is a fixed point of
 * fmt, has LF line ends (CRLF only when the file's first line has them), one final newline and no trailing white space, and
 * parses to the same program. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "parsed.h"

/* Parses text that must parse cleanly. */
static Parsed *parse(const char *text) {
  Parsed *p = parse_len(text, strlen(text));
  if (p->diags.items.len) {
    for (int i = 0; i < p->diags.items.len; i++) fprintf(stderr, "  %s\n", ((Diag *)p->diags.items.items[i])->msg);
    fail_msg("does not parse:\n%s", text);
  }
  return p;
}

/* fmt's output for text, malloc'd. */
static char *format(const char *text) {
  Parsed *p = parse(text);
  Buf out = {0};
  fmt_file(p->f, src_get(&p->srcs, 0), &out);
  char *s = strdup(buf_str(&out));
  buf_free(&out);
  done(p);
  return s;
}

static bool same_atoms(const Phrase *x, const Phrase *y) {
  if (x->n != y->n) return false;
  for (int k = 0; k < x->n; k++) {
    const Atom *a = &x->atoms[k], *b = &y->atoms[k];
    int ka = a->kind == ATOM_TEXT ? ATOM_STRING : a->kind, kb = b->kind == ATOM_TEXT ? ATOM_STRING : b->kind;
    if (ka != kb || strcmp(a->text, b->text) != 0 || a->neg != b->neg || a->num != b->num) return false;
  }
  return true;
}

/* The two texts parse to the same items, statements, values and comments. */
static void expect_same_program(const char *before, const char *after) {
  Parsed *a = parse(before), *b = parse(after);
  assert_int_equal(a->f->nitems, b->f->nitems);
  assert_int_equal(a->f->ncomments, b->f->ncomments);
  for (int i = 0; i < a->f->nitems; i++) {
    const Item *x = a->f->items[i], *y = b->f->items[i];
    assert_int_equal(x->kind, y->kind);
    if (x->kind != IT_DECL) {
      assert_string_equal(x->name, y->name);
      continue;
    }
    const Decl *d = x->decl, *e = y->decl;
    assert_int_equal(d->kind, e->kind);
    assert_string_equal(d->title, e->title);
    assert_int_equal(d->nattrs, e->nattrs);
    for (int j = 0; j < d->nattrs; j++) {
      const Attr *s = d->attrs[j], *t = e->attrs[j];
      assert_int_equal(s->kind, t->kind);
      assert_string_equal(s->name, t->name);
      assert_int_equal(s->nphrases, t->nphrases);
      for (int k = 0; k < s->nphrases; k++)
        if (!same_atoms(&s->phrases[k], &t->phrases[k])) fail_msg("attribute '%s' changed", s->name);
      if (s->expr) {
        Buf u = {0}, v = {0};
        fmt_expr(&u, s->expr);
        fmt_expr(&v, t->expr);
        assert_string_equal(buf_str(&u), buf_str(&v));
        buf_free(&u);
        buf_free(&v);
      }
    }
  }
  done(a);
  done(b);
}

/* Properties every fmt output has. */
static void expect_canonical_text(const char *out) {
  size_t n = strlen(out);
  assert_null(strchr(out, '\r'));
  if (n == 0) return;
  assert_int_equal(out[n - 1], '\n');
  if (n >= 2) assert_true(out[n - 2] != '\n'); /* one final newline */
  for (const char *s = out; (s = strchr(s, '\n')); s++)
    if (s > out && (s[-1] == ' ' || s[-1] == '\t')) fail_msg("trailing white space in:\n%s", out);
  assert_null(strstr(out, "\n\n\n")); /* at most one blank line */
}

static void expect_fmt(const char *in, const char *want) {
  char *got = format(in);
  if (strcmp(got, want) != 0) fail_msg("fmt of:\n%s\ngave:\n%s\nexpected:\n%s", in, got, want);
  expect_canonical_text(got);
  char *again = format(got);
  if (strcmp(again, got) != 0) fail_msg("not idempotent:\n%s\nthen:\n%s", got, again);
  expect_same_program(in, got);
  free(again);
  free(got);
}

/* ---- layout ---- */

static void test_one_line_blocks_opened_out(void **state) {
  (void)state;
  expect_fmt("partner x \"X\" { sector business; role funder }\n",
             "partner x \"X\" {\n"
             "  sector business\n"
             "  role funder\n"
             "}\n");
  expect_fmt("partner   x    \"X\"{sector business;role funder;}",
             "partner x \"X\" {\n"
             "  sector business\n"
             "  role funder\n"
             "}\n");
  /* Indentation is two spaces, whatever the input had. */
  expect_fmt("goal g \"G\" {\n\t\t\tindicator a\n        note \"n\"\n}\n",
             "goal g \"G\" {\n"
             "  indicator a\n"
             "  note \"n\"\n"
             "}\n");
  expect_fmt("goal g \"G\" {}\n", "goal g \"G\" {}\n");
  expect_fmt("charter \"C\" { vision \"V\" }\n", "charter \"C\" {\n  vision \"V\"\n}\n");
}

static void test_top_level_spacing(void **state) {
  (void)state;
  expect_fmt("use equity\n"
             "use dimensions\n"
             "import \"a.charter\"\n"
             "partner a \"A\" { sector x }\n"
             "partner b \"B\" { sector y }\n"
             "waive r \"why\"\n"
             "use rba\n",
             "use equity\n"
             "use dimensions\n"
             "import \"a.charter\"\n"
             "\n"
             "partner a \"A\" {\n"
             "  sector x\n"
             "}\n"
             "\n"
             "partner b \"B\" {\n"
             "  sector y\n"
             "}\n"
             "\n"
             "waive r \"why\"\n"
             "\n"
             "use rba\n");
  /* One-line items on one line with ';' become separate items. */
  expect_fmt("use a; use b\n", "use a\nuse b\n");
}

static void test_comment_between_items_of_different_kinds(void **state) {
  (void)state;
  /* Regression (fixed): a comment attached to the next item suppresses the blank line
   * between top-level items unless the previous item is a declaration:
   * "use a\n# about p\npartner p ..." stays without a blank line after
   * `use a`, and two waivers separated by a comment stay together, while
   * without the comment fmt separates them. docs/commands.md ("charter
   * fmt"): top-level items are separated by one blank line (only
   * consecutive import and use lines are kept together). The case after a
   * declaration already works. */
  expect_fmt("use a\n# about p\npartner p \"P\" {}\n", "use a\n\n# about p\npartner p \"P\" {}\n");
  expect_fmt("waive x \"y\"\nwaive z \"w\"\n", "waive x \"y\"\n\nwaive z \"w\"\n");
  expect_fmt("waive x \"y\"\n# c\nwaive z \"w\"\n", "waive x \"y\"\n\n# c\nwaive z \"w\"\n");
}

static void test_comment_between_declarations(void **state) {
  (void)state;
  /* After a declaration, a comment attached to the next item starts after
   * one blank line; header lines stay together across a comment. */
  expect_fmt("partner p \"P\" {}\n# about q\npartner q \"Q\" {}\n",
             "partner p \"P\" {}\n\n# about q\npartner q \"Q\" {}\n");
  expect_fmt("use a\n# about b\nuse b\n", "use a\n# about b\nuse b\n");
}

static void test_blank_lines(void **state) {
  (void)state;
  /* Runs of blank lines become one; none at the start or end of a block or
   * of the file. */
  expect_fmt("\n\n\npartner a \"A\" {\n\n  sector x\n\n\n\n  role y\n\n}\n\n\n\npartner b \"B\" {\n  sector y\n}\n\n\n",
             "partner a \"A\" {\n"
             "  sector x\n"
             "\n"
             "  role y\n"
             "}\n"
             "\n"
             "partner b \"B\" {\n"
             "  sector y\n"
             "}\n");
  /* A blank line the author put between header lines stays. */
  expect_fmt("use a\n\n\nuse b\nuse c\n", "use a\n\nuse b\nuse c\n");
}

static void test_list_fill(void **state) {
  (void)state;
  /* The backbone_functions line of docs/language.md's whole program. */
  expect_fmt("partner caretrek \"CareTrek Support Group\" { backbone_functions vision_strategy, aligned_activities, "
             "shared_measurement, public_will, policy, funding }\n",
             "partner caretrek \"CareTrek Support Group\" {\n"
             "  backbone_functions vision_strategy, aligned_activities, shared_measurement,\n"
             "                     public_will, policy, funding\n"
             "}\n");
  /* A list written one value per line is filled again. */
  expect_fmt("council c \"C\" {\n  members a,\n    b,\n    c\n}\n", "council c \"C\" {\n  members a, b, c\n}\n");
  /* A long list takes several continuation lines, each aligned. */
  char *got = format("partner p \"P\" { role aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccc, "
                     "dddddddddddddddddddd, eeeeeeeeeeeeeeeeeeee, ffffffffffffffffffff, gggggggggggggggggggg, "
                     "hhhhhhhhhhhhhhhhhhhh, iiiiiiiiiiiiiiiiiiii }\n");
  assert_string_equal(got,
                      "partner p \"P\" {\n"
                      "  role aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbb, cccccccccccccccccccc,\n"
                      "       dddddddddddddddddddd, eeeeeeeeeeeeeeeeeeee, ffffffffffffffffffff,\n"
                      "       gggggggggggggggggggg, hhhhhhhhhhhhhhhhhhhh, iiiiiiiiiiiiiiiiiiii\n"
                      "}\n");
  free(got);
}

static char *repeat(const char *unit, int n) {
  Buf b = {0};
  for (int i = 0; i < n; i++) buf_puts(&b, unit);
  char *s = strdup(buf_str(&b));
  buf_free(&b);
  return s;
}

static void test_list_boundary_at_80_columns(void **state) {
  (void)state;
  /* "  role " is 7 columns; X, ", " and Y make 80 when |X| + |Y| = 71. */
  char *x = repeat("a", 35), *y80 = repeat("b", 36), *y81 = repeat("b", 37);
  Buf in = {0}, want = {0};
  buf_printf(&in, "partner p \"P\" { role %s, %s }\n", x, y80);
  buf_printf(&want, "partner p \"P\" {\n  role %s, %s\n}\n", x, y80);
  expect_fmt(buf_str(&in), buf_str(&want));
  const char *line = strstr(buf_str(&want), "  role");
  assert_int_equal(strchr(line, '\n') - line, 80);
  buf_free(&in);
  buf_free(&want);
  buf_printf(&in, "partner p \"P\" { role %s, %s }\n", x, y81);
  buf_printf(&want, "partner p \"P\" {\n  role %s,\n       %s\n}\n", x, y81);
  expect_fmt(buf_str(&in), buf_str(&want));
  buf_free(&in);
  buf_free(&want);
  free(x);
  free(y80);
  free(y81);

  /* Columns are code points: 64 two-byte characters fit where 64 bytes
   * would too ("  groups " 9, the string 66, ',' 1, ' "b"' 4: 80). */
  char *e64 = repeat("\xC3\xA9", 64), *e65 = repeat("\xC3\xA9", 65);
  buf_printf(&in, "dimension d \"D\" { groups \"%s\", \"b\" }\n", e64);
  buf_printf(&want, "dimension d \"D\" {\n  groups \"%s\", \"b\"\n}\n", e64);
  expect_fmt(buf_str(&in), buf_str(&want));
  buf_free(&in);
  buf_free(&want);
  buf_printf(&in, "dimension d \"D\" { groups \"%s\", \"b\" }\n", e65);
  buf_printf(&want, "dimension d \"D\" {\n  groups \"%s\",\n         \"b\"\n}\n", e65);
  expect_fmt(buf_str(&in), buf_str(&want));
  buf_free(&in);
  buf_free(&want);
  free(e64);
  free(e65);
}

static void test_comments_kept(void **state) {
  (void)state;
  expect_fmt("# top comment\n"
             "\n"
             "# attached\n"
             "partner a \"A\" {   # after brace\n"
             "    # before sector\n"
             "  sector x     # trailing   \n"
             "      # before close\n"
             "}   # after close\n"
             "# end\n",
             "# top comment\n"
             "\n"
             "# attached\n"
             "partner a \"A\" {  # after brace\n"
             "  # before sector\n"
             "  sector x  # trailing\n"
             "  # before close\n"
             "}  # after close\n"
             "\n"
             "# end\n");
  expect_fmt("use a  # why\nuse b\n", "use a  # why\nuse b\n");
  /* A file of comments only. */
  expect_fmt("# a\n\n\n\n# b\n#c\n", "# a\n\n# b\n#c\n");
  /* Comments between statements keep their blank lines (at most one). */
  expect_fmt("goal g \"G\" {\n  indicator a\n\n\n  # about the note\n  note \"n\"\n}\n",
             "goal g \"G\" {\n  indicator a\n\n  # about the note\n  note \"n\"\n}\n");
}

static void test_text_blocks(void **state) {
  (void)state;
  expect_fmt("charter \"C\" {\n"
             "  problem \"\"\"\n"
             "          Line one\n"
             "            indented\n"
             "\n"
             "          after a blank\n"
             "      \"\"\"\n"
             "  vision \"v\"\n"
             "}\n",
             "charter \"C\" {\n"
             "  problem \"\"\"\n"
             "    Line one\n"
             "      indented\n"
             "\n"
             "    after a blank\n"
             "    \"\"\"\n"
             "  vision \"v\"\n"
             "}\n");
  /* A text block written on one line is laid out like any other. */
  expect_fmt("charter \"C\" { problem \"\"\"short\"\"\" }\n",
             "charter \"C\" {\n"
             "  problem \"\"\"\n"
             "    short\n"
             "    \"\"\"\n"
             "}\n");
}

static const char *only_text(Parsed *p) {
  const Attr *a = p->f->items[0]->decl->attrs[0];
  return a->phrases[0].atoms[0].text;
}

static void test_text_block_values_survive(void **state) {
  (void)state;
  /* Values that dedenting or the closing quotes would change unless fmt
   * escapes them: leading spaces on every line, a line of spaces, quotes,
   * backslashes and tabs. */
  static const char *const inputs[] = {
      "charter \"C\" { problem \"\"\"\n    \\u{20} a\n    \\u{20} b\n    \"\"\" }\n",
      "charter \"C\" { problem \"\"\"\n    a\n    \\u{20}\\u{20}\n    b\n    \"\"\" }\n",
      "charter \"C\" { problem \"\"\"\n    say \\\"\\\"\\\" and \\\\ \\t tab\n    \"\"\" }\n",
      "charter \"C\" { problem \"\"\"\n    ends with quote\"\n    \"\"\" }\n",
  };
  for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
    Parsed *a = parse(inputs[i]);
    char *out = format(inputs[i]);
    Parsed *b = parse(out);
    if (strcmp(only_text(a), only_text(b)) != 0)
      fail_msg("text changed: \"%s\" became \"%s\" via:\n%s", only_text(a), only_text(b), out);
    char *again = format(out);
    assert_string_equal(again, out);
    expect_canonical_text(out);
    free(again);
    free(out);
    done(a);
    done(b);
  }
}

static void test_text_block_trailing_spaces(void **state) {
  (void)state;
  /* Regression (fixed): a text block whose value has a line ending in spaces is
   * printed with those spaces at the end of the output line, so fmt's output
   * has trailing white space (docs/commands.md, "charter fmt": "no trailing
   * white space"). Here the value is "a   \nb" and fmt prints the line
   * "    a   ". Escaping the trailing spaces (as fmt already does for lines
   * of spaces only) would keep the value. */
  static const char in[] = "charter \"C\" {\n  problem \"\"\"\n    a   \n    b\n    \"\"\"\n}\n";
  Parsed *a = parse(in);
  assert_string_equal(only_text(a), "a   \nb");
  char *out = format(in);
  expect_canonical_text(out);
  Parsed *b = parse(out);
  assert_string_equal(only_text(b), "a   \nb");
  char *again = format(out);
  assert_string_equal(again, out);
  free(again);
  free(out);
  done(a);
  done(b);
}

static void test_nul_escape_not_dropped(void **state) {
  (void)state;
  /* Regression (fixed): "\u{0}" names a Unicode scalar value, so the scanner
   * accepts it (it rejects only surrogates and values above 10FFFF), but
   * strings are NUL-terminated: "a\u{0}b" silently becomes "a", and fmt
   * rewrites the line as `note "a"`, deleting text the user wrote. Either the
   * escape must be an error (NUL bytes are errors in files) or the value must
   * keep all of its characters. */
  static const char in[] = "partner p \"P\" { note \"a\\u{0}b\" }\n";
  Arena arena;
  arena_init(&arena);
  SrcSet srcs = {0};
  DiagList d;
  diag_init(&d, &arena);
  char *copy = strdup(in);
  src_add(&srcs, "t.charter", NULL, copy, strlen(copy), true, false);
  AstFile *f = ast_parse(&arena, &d, &srcs, 0);
  bool rejected = d.items.len > 0;
  Buf out = {0};
  if (!rejected) fmt_file(f, src_get(&srcs, 0), &out);
  diag_free(&d);
  src_set_free(&srcs);
  arena_free(&arena);
  if (!rejected && !strstr(buf_str(&out), "b\"")) {
    char msg[256];
    snprintf(msg, sizeof msg, "accepted, and fmt dropped the text after \\u{0}: %s", buf_str(&out));
    buf_free(&out);
    fail_msg("%s", msg);
  }
  buf_free(&out);
}

static void test_strings_reescaped(void **state) {
  (void)state;
  expect_fmt("partner p \"P\" { note \"tab\\there \\u{41} q\\\" b\\\\ nl\\n \\u{e9} \\u{1F600} ctl\\u{1}\" }\n",
             "partner p \"P\" {\n"
             "  note \"tab\\there A q\\\" b\\\\ nl\\n \xC3\xA9 \xF0\x9F\x98\x80 ctl\\u{1}\"\n"
             "}\n");
  /* Titles too, including a text block used as a title. */
  expect_fmt("goal g \"a \\\"b\\\"\" {}\n", "goal g \"a \\\"b\\\"\" {}\n");
  expect_fmt("goal g \"\"\"Two\n  lines\"\"\" {}\n", "goal g \"Two\\n  lines\" {}\n");

  Buf b = {0};
  fmt_string(&b, "a\"b\\c\nd\te\x01\x7f" "f\xC3\xA9");
  assert_string_equal(buf_str(&b), "\"a\\\"b\\\\c\\nd\\te\\u{1}\\u{7F}f\xC3\xA9\"");
  buf_free(&b);
  fmt_string(&b, "");
  assert_string_equal(buf_str(&b), "\"\"");
  buf_free(&b);
}

static void test_values_as_written(void **state) {
  (void)state;
  expect_fmt("indicator i \"I\" { baseline -3 in 2023-Q1; target 1_000.50 by 2027-06-30; milestone 7 by 2025 }\n",
             "indicator i \"I\" {\n"
             "  baseline -3 in 2023-Q1\n"
             "  target 1_000.50 by 2027-06-30\n"
             "  milestone 7 by 2025\n"
             "}\n");
  expect_fmt("indicator i \"I\" { equity race_ethnicity   \"Black or African American\"  5 by 2028 }\n",
             "indicator i \"I\" {\n"
             "  equity race_ethnicity \"Black or African American\" 5 by 2028\n"
             "}\n");
  /* Reserved words as attribute names; an attribute with no value. */
  expect_fmt("goal g \"G\" { indicator a; note }\n", "goal g \"G\" {\n  indicator a\n  note\n}\n");
}

static void test_expressions(void **state) {
  (void)state;
  expect_fmt("rule r \"R\" {\n"
             "  for   a in   activities\n"
             "  where a.status!=\"done\"and(a.x)\n"
             "  require count( x in a.metric : x.y>1 )>=1 or not(a.z)\n"
             "  message \"m {a.id}\"\n"
             "}\n",
             "rule r \"R\" {\n"
             "  for a in activities\n"
             "  where a.status != \"done\" and (a.x)\n"
             "  require count(x in a.metric: x.y > 1) >= 1 or not (a.z)\n"
             "  message \"m {a.id}\"\n"
             "}\n");
  expect_fmt("indicator i \"I\" { formula -a*(b+c)/ 100-d }\n",
             "indicator i \"I\" {\n  formula -a * (b + c) / 100 - d\n}\n");
  expect_fmt("rule r \"R\" { require x in [ 1,2 , 2027-Q2 ] and y==[] and f() and e.indicator==none }\n",
             "rule r \"R\" {\n  require x in [1, 2, 2027-Q2] and y == [] and f() and e.indicator == none\n}\n");
  /* An expression written over several lines is joined. */
  expect_fmt("rule r \"R\" {\n  require a and\n    b or\n    (c\n     == d)\n}\n",
             "rule r \"R\" {\n  require a and b or (c == d)\n}\n");
}

static void test_fmt_expr(void **state) {
  (void)state;
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"a.b", "a.b"},
      {"-(-a)", "-(-a)"},
      {"not not a", "not not a"},
      {"true or false", "true or false"},
      {"\"q\\\"\"", "\"q\\\"\""},
      {"sum(x in xs: x.a * 2)", "sum(x in xs: x.a * 2)"},
      {"[[1], []]", "[[1], []]"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    Buf src = {0};
    buf_printf(&src, "rule r \"R\" { require %s }\n", cases[i].in);
    Parsed *p = parse(buf_str(&src));
    Buf out = {0};
    fmt_expr(&out, p->f->items[0]->decl->attrs[0]->expr);
    assert_string_equal(buf_str(&out), cases[i].out);
    buf_free(&out);
    buf_free(&src);
    done(p);
  }
}

static void test_negation_stays_unambiguous(void **state) {
  (void)state;
  /* "- - a" must not be printed as "--a" if that read differently, and a
   * unary minus before a negative number must stay two minus signs. */
  char *out = format("rule r \"R\" { require - -a == 1 }\n");
  Parsed *p = parse(out);
  const Expr *e = p->f->items[0]->decl->attrs[0]->expr;
  assert_int_equal(e->kind, E_BINARY);
  assert_int_equal(e->a->kind, E_UNARY);
  assert_int_equal(e->a->a->kind, E_UNARY);
  done(p);
  free(out);
}

/* A file whose first line ends in CRLF keeps CRLF throughout (a stray LF
 * line among them too); one whose first line ends in LF is all LF. */
static void test_crlf_kept(void **state) {
  (void)state;
  static const char in[] = "# c\r\npartner p \"P\" {\r\n  sector x,\n    y  # t\r\n  note \"\"\"\r\n    a\r\n    \"\"\"\r\n}\r\n";
  char *got = format(in);
  assert_string_equal(got, "# c\r\npartner p \"P\" {\r\n  sector x, y  # t\r\n  note \"\"\"\r\n    a\r\n    \"\"\"\r\n}\r\n");
  char *again = format(got);
  assert_string_equal(again, got); /* a fixed point */
  expect_same_program(in, got);
  free(again);
  free(got);
}

static void test_lf_first_line_gives_lf(void **state) {
  (void)state;
  expect_fmt("# c\npartner p \"P\" {\r\n  sector x,\r\n    y  # t\r\n}\r\n",
             "# c\npartner p \"P\" {\n  sector x, y  # t\n}\n");
}

static void test_language_example(void **state) {
  (void)state;
  static const char example[] =
      "# Recovery at Work: a Hampton Roads coalition\n"
      "charter \"Recovery at Work\" {\n"
      "  vision \"Every resident in recovery has a path to meaningful work\"\n"
      "  problem \"\"\"\n"
      "    Substance use disorder pushes people out of work, and the people\n"
      "    hit hardest are the least served by treatment and by employers.\n"
      "    \"\"\"\n"
      "  region \"Norfolk, Virginia\"\n"
      "  period 2024 to 2030\n"
      "  champion city_norfolk\n"
      "}\n"
      "\n"
      "use collective_impact\n"
      "use equity\n"
      "use dimensions\n"
      "\n"
      "partner caretrek \"CareTrek Support Group\" {\n"
      "  sector nonprofit\n"
      "  role backbone\n"
      "  backbone_functions vision_strategy, aligned_activities, shared_measurement,\n"
      "                     public_will, policy, funding\n"
      "}\n"
      "\n"
      "partner city_norfolk \"City of Norfolk\" {\n"
      "  sector government\n"
      "  role champion, funder\n"
      "}\n";
  /* Already canonical: fmt changes nothing. */
  expect_fmt(example, example);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_one_line_blocks_opened_out),
      cmocka_unit_test(test_top_level_spacing),
      cmocka_unit_test(test_blank_lines),
      cmocka_unit_test(test_comment_between_declarations),
      cmocka_unit_test(test_comment_between_items_of_different_kinds),
      cmocka_unit_test(test_list_fill),
      cmocka_unit_test(test_list_boundary_at_80_columns),
      cmocka_unit_test(test_comments_kept),
      cmocka_unit_test(test_text_blocks),
      cmocka_unit_test(test_text_block_values_survive),
      cmocka_unit_test(test_text_block_trailing_spaces),
      cmocka_unit_test(test_nul_escape_not_dropped),
      cmocka_unit_test(test_strings_reescaped),
      cmocka_unit_test(test_values_as_written),
      cmocka_unit_test(test_expressions),
      cmocka_unit_test(test_fmt_expr),
      cmocka_unit_test(test_negation_stays_unambiguous),
      cmocka_unit_test(test_crlf_kept),
      cmocka_unit_test(test_lf_first_line_gives_lf),
      cmocka_unit_test(test_language_example),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
