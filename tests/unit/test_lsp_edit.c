/* The language server's edits (runtime/lsp_edit.c): formatting equals
 * charter fmt (every example, messed up first); every "did you mean" fix,
 * applied, makes its diagnostic go away; the code actions' exact edits;
 * completion's items by context; any text and position answered without a
 * crash. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "interp.h"
#include "lsp_impl.h"

/* A request about the entry file of a program loaded from text. */
typedef struct At {
  Program *p;
  LspAt a;
  json_t *params;
} At;

static void at_open(At *x, const char *path, const char *text, size_t len) {
  memset(x, 0, sizeof *x);
  x->p = program_load_text(path, text, len, NULL);
  rules_run(x->p, NULL); /* as the server checks a document */
  diag_sort(&x->p->diags);
  x->params = json_object();
  x->a.p = x->p;
  x->a.file = x->p->entry;
  x->a.src = src_get(&x->p->srcs, x->p->entry);
  x->a.uri = "file:///t/plan.charter";
  x->a.text = x->a.src->text;
  x->a.len = x->a.src->len;
  x->a.params = x->params;
}

static void at_close(At *x) {
  json_decref(x->params);
  program_free(x->p);
}

/* The byte offset of the first occurrence of mark in the text, plus skip. */
static uint32_t at_mark(const At *x, const char *mark, int skip) {
  const char *q = strstr(x->a.text, mark);
  assert_non_null(q);
  return (uint32_t)(q - x->a.text) + (uint32_t)skip;
}

static char *dumps(json_t *j) {
  char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
  assert_non_null(s);
  return s;
}

/* Applies TextEdits (non-overlapping) to text; the caller frees. */
static char *apply(Src *src, const char *text, size_t len, json_t *edits) {
  size_t n = json_array_size(edits);
  uint32_t *from = calloc(n + 1, sizeof *from), *to = calloc(n + 1, sizeof *to);
  for (size_t i = 0; i < n; i++) {
    json_t *r = json_object_get(json_array_get(edits, i), "range");
    json_t *s = json_object_get(r, "start"), *e = json_object_get(r, "end");
    assert_true(lsp_offset(src, (int)json_integer_value(json_object_get(s, "line")),
                           (int)json_integer_value(json_object_get(s, "character")), &from[i]));
    assert_true(lsp_offset(src, (int)json_integer_value(json_object_get(e, "line")),
                           (int)json_integer_value(json_object_get(e, "character")), &to[i]));
  }
  Buf b = {0};
  size_t at = 0;
  for (;;) { /* in order of position */
    size_t best = n;
    for (size_t i = 0; i < n; i++)
      if (from[i] != UINT32_MAX && from[i] >= at && (best == n || from[i] < from[best])) best = i;
    if (best == n) break;
    buf_add(&b, text + at, from[best] - at);
    buf_puts(&b, json_string_value(json_object_get(json_array_get(edits, best), "newText")));
    at = to[best];
    from[best] = UINT32_MAX;
  }
  buf_add(&b, text + at, len - at);
  free(from);
  free(to);
  char *out = xstrdup(buf_str(&b));
  buf_free(&b);
  return out;
}

/* ---- formatting ---- */

/* The text with every indentation doubled and blank lines tripled. */
static char *mess_up(const char *text) {
  Buf b = {0};
  for (const char *c = text; *c; c++) {
    buf_putc(&b, *c);
    if (*c == '\n' && c[1] == ' ') buf_puts(&b, "  ");
    if (*c == '\n' && c[1] == '\n') buf_puts(&b, "\n\n");
  }
  char *s = xstrdup(buf_str(&b));
  buf_free(&b);
  return s;
}

static void check_formats_like_fmt(const char *path) {
  size_t len;
  const char *err;
  char *text = src_read_file(path, &len, &err);
  assert_non_null(text);
  /* charter fmt's output, from a parse of its own */
  Arena arena;
  arena_init(&arena);
  DiagList d;
  diag_init(&d, &arena);
  SrcSet set = {0};
  uint32_t f = src_add(&set, path, NULL, text, len, false, false);
  AstFile *af = ast_parse(&arena, &d, &set, f);
  assert_int_equal(af->nerrors, 0);
  Buf want = {0};
  fmt_file(af, src_get(&set, f), &want);
  /* the server on the file as it is, and messed up */
  char *messy = mess_up(text);
  for (int round = 0; round < 2; round++) {
    const char *t = round ? messy : text;
    At x;
    at_open(&x, path, t, strlen(t));
    LspErr e = {0, ""};
    json_t *edits = lsp_formatting(&x.a, &e);
    assert_non_null(edits);
    if (strcmp(t, buf_str(&want)) == 0) assert_int_equal(json_array_size(edits), 0);
    else assert_int_equal(json_array_size(edits), 1);
    char *got = apply(x.a.src, t, strlen(t), edits);
    assert_string_equal(got, buf_str(&want));
    free(got);
    json_decref(edits);
    at_close(&x);
  }
  free(messy);
  buf_free(&want);
  diag_free(&d);
  src_set_free(&set);
  arena_free(&arena);
  free(text);
}

static void test_format_examples(void **state) {
  (void)state;
  const char *top = "examples";
  DIR *dir = opendir(top);
  assert_non_null(dir);
  int files = 0;
  struct dirent *de;
  while ((de = readdir(dir)) != NULL) {
    if (de->d_name[0] == '.') continue;
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/%s", top, de->d_name);
    DIR *dd = opendir(sub);
    if (!dd) continue;
    struct dirent *fe;
    while ((fe = readdir(dd)) != NULL) {
      size_t n = strlen(fe->d_name);
      if (n < 9 || strcmp(fe->d_name + n - 8, ".charter") != 0) continue;
      char path[2048];
      snprintf(path, sizeof path, "%s/%s", sub, fe->d_name);
      check_formats_like_fmt(path);
      files++;
    }
    closedir(dd);
  }
  closedir(dir);
  assert_true(files >= 8);
}

static void test_format_refuses_syntax_errors(void **state) {
  (void)state;
  static const char text[] = "charter \"T\" {\n  vision \"v\"\n\nindicator x \"X\" { unit }\n";
  At x;
  at_open(&x, "/t/plan.charter", text, sizeof text - 1);
  LspErr e = {0, ""};
  assert_null(lsp_formatting(&x.a, &e));
  assert_int_equal(e.code, -32803);
  assert_string_equal(e.msg, "the document has 2 syntax errors; fix them first, then format (as charter fmt refuses to)");
  at_close(&x);
}

/* ---- did-you-mean fixes ---- */

static const char *const misspelt[] = {
    /* attribute name, symbol word, unresolved id */
    "charter \"T\" { vision \"v\" }\npartner p \"P\" { sector comunity }\n"
    "indicator rate \"R\" {\n  unit \"%\"\n  direction up\n}\n"
    "outcome o \"O\" {\n  horizon shrt\n  indicators rate\n}\n"
    "goal g \"G\" { indicator rat }\n",
    /* unknown module, top-level keyword */
    "use equty\ncharter \"T\" { vision \"v\" }\npartnr p \"P\" { sector nonprofit }\n",
    /* waiver of an unknown rule; rule name, function and field */
    "use equity\ncharter \"T\" { vision \"v\" }\nwaive eq_activity_metrc \"r\"\n"
    "rule r1 \"R\" {\n  for a in activites\n  require exists(a.metric)\n  message \"m\"\n}\n"
    "rule r2 \"R\" {\n  for a in activities\n  require exsts(a.metrik)\n  message \"m\"\n}\n",
    /* disclosure line, formula id */
    "charter \"T\" {\n  vision \"v\"\n  disclosure {\n    supress below 11\n  }\n}\n"
    "indicator a \"A\" {\n  unit \"%\"\n  direction up\n}\n"
    "indicator b \"B\" {\n  unit \"%\"\n  direction up\n  formula aa * 2\n}\n",
    /* the reference group of an equity target, with its quotes */
    "use dimensions\ncharter \"T\" { vision \"v\" }\n"
    "indicator a \"A\" {\n  unit \"%\"\n  direction up\n  disaggregate race_ethnicity\n"
    "  baseline 10 in 2024\n  target 20 by 2028\n  equity race_ethnicity gap 5 to \"Whte\" by 2028\n}\n",
};

static void test_fixes_apply(void **state) {
  (void)state;
  int total = 0;
  for (size_t c = 0; c < sizeof misspelt / sizeof *misspelt; c++) {
    const char *text = misspelt[c];
    Program *p = program_load_text("/t/plan.charter", text, strlen(text), NULL);
    int fixes = 0;
    for (int i = 0; i < p->diags.items.len; i++) {
      const Diag *g = p->diags.items.items[i];
      if (!g->fix) continue;
      assert_non_null(strstr(g->msg, "did you mean"));
      fixes++;
      Buf b = {0};
      buf_add(&b, text, g->loc.start);
      buf_puts(&b, g->fix);
      buf_puts(&b, text + g->loc.end);
      Program *q = program_load_text("/t/plan.charter", buf_str(&b), b.len, NULL);
      for (int j = 0; j < q->diags.items.len; j++) {
        const Diag *h = q->diags.items.items[j];
        if (strcmp(h->msg, g->msg) == 0) fail_msg("'%s' survives its fix '%s' in case %zu", g->msg, g->fix, c);
      }
      program_free(q);
      buf_free(&b);
    }
    if (!fixes) fail_msg("case %zu has no fix", c);
    total += fixes;
    program_free(p);
  }
  assert_true(total >= 13);
}

/* The fix of the diagnostic whose message starts with prefix. */
static const char *fix_of(const char *text, const char *prefix) {
  static char out[64];
  Program *p = program_load_text("/t/plan.charter", text, strlen(text), NULL);
  out[0] = '\0';
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    if (strncmp(g->msg, prefix, strlen(prefix)) == 0 && g->fix) snprintf(out, sizeof out, "%s", g->fix);
  }
  program_free(p);
  return out;
}

static void test_fix_words(void **state) {
  (void)state;
  assert_string_equal(fix_of(misspelt[0], "unknown sector"), "community");
  assert_string_equal(fix_of(misspelt[0], "an outcome has no attribute"), "indicator");
  assert_string_equal(fix_of(misspelt[1], "unknown module"), "equity");
  assert_string_equal(fix_of(misspelt[1], "expected a declaration"), "partner");
  assert_string_equal(fix_of(misspelt[2], "unknown function"), "exists");
  assert_string_equal(fix_of(misspelt[3], "the disclosure block has no line"), "suppress");
  assert_string_equal(fix_of(misspelt[4], "the reference group"), "\"White\"");
}

/* ---- code actions ---- */

static json_t *actions_at(At *x, int l0, int c0, int l1, int c1) {
  json_object_set_new(x->params, "range", json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "start", "line", l0, "character", c0,
                                                    "end", "line", l1, "character", c1));
  LspErr e = {0, ""};
  json_t *r = lsp_code_actions(&x->a, &e);
  assert_non_null(r);
  return r;
}

/* The titles of actions, and the text after applying the one titled title. */
static char *titles(json_t *acts) {
  Buf b = {0};
  for (size_t i = 0; i < json_array_size(acts); i++)
    buf_printf(&b, "%s%s", i ? "|" : "", json_string_value(json_object_get(json_array_get(acts, i), "title")));
  char *s = xstrdup(buf_str(&b));
  buf_free(&b);
  return s;
}

static char *applied(At *x, json_t *acts, const char *title) {
  for (size_t i = 0; i < json_array_size(acts); i++) {
    json_t *a = json_array_get(acts, i);
    if (strcmp(json_string_value(json_object_get(a, "title")), title) != 0) continue;
    assert_string_equal(json_string_value(json_object_get(a, "kind")), "quickfix");
    json_t *edits = json_object_get(json_object_get(json_object_get(a, "edit"), "changes"), x->a.uri);
    return apply(x->a.src, x->a.text, x->a.len, edits);
  }
  fail_msg("no action '%s'", title);
  return NULL;
}

static void test_use_after_last_use(void **state) {
  (void)state;
  static const char text[] = "# Plan\n\nimport \"other.charter\"\nuse rba\n\ncharter \"T\" { vision \"v\" }\n"
                             "indicator i \"I\" {\n  unit \"%\"\n  direction up\n  disaggregate income\n}\n";
  At x;
  at_open(&x, "/t/plan.charter", text, sizeof text - 1);
  json_t *acts = actions_at(&x, 9, 0, 9, 40);
  char *t = titles(acts);
  assert_string_equal(t, "Add `use dimensions`");
  free(t);
  char *got = applied(&x, acts, "Add `use dimensions`");
  assert_string_equal(got, "# Plan\n\nimport \"other.charter\"\nuse rba\nuse dimensions\n\ncharter \"T\" { vision \"v\" }\n"
                           "indicator i \"I\" {\n  unit \"%\"\n  direction up\n  disaggregate income\n}\n");
  free(got);
  json_decref(acts);
  /* on the charter block: use equity, below the other uses */
  acts = actions_at(&x, 5, 0, 5, 0);
  t = titles(acts);
  assert_string_equal(t, "Add `use equity`");
  free(t);
  json_decref(acts);
  at_close(&x);
}

/* Several ids of one module: one action fixing them all. */
static void test_use_once(void **state) {
  (void)state;
  static const char text[] = "charter \"T\" { vision \"v\" }\n"
                             "indicator i \"I\" {\n  unit \"%\"\n  direction up\n  disaggregate income, gender\n}\n";
  At x;
  at_open(&x, "/t/plan.charter", text, sizeof text - 1);
  json_t *acts = actions_at(&x, 4, 0, 4, 40);
  char *t = titles(acts);
  assert_string_equal(t, "Add `use dimensions`");
  free(t);
  assert_int_equal(json_array_size(json_object_get(json_array_get(acts, 0), "diagnostics")), 2);
  char *got = applied(&x, acts, "Add `use dimensions`");
  assert_string_equal(got, "use dimensions\n\ncharter \"T\" { vision \"v\" }\n"
                           "indicator i \"I\" {\n  unit \"%\"\n  direction up\n  disaggregate income, gender\n}\n");
  free(got);
  json_decref(acts);
  at_close(&x);
}

static void test_use_at_top(void **state) {
  (void)state;
  static const char text[] = "# Header\n\n# The charter\ncharter \"T\" {\n  vision \"v\"\n}\n";
  At x;
  at_open(&x, "/t/plan.charter", text, sizeof text - 1);
  json_t *acts = actions_at(&x, 3, 0, 3, 3);
  char *got = applied(&x, acts, "Add `use equity`");
  assert_string_equal(got, "# Header\n\nuse equity\n\n# The charter\ncharter \"T\" {\n  vision \"v\"\n}\n");
  /* and fmt leaves the result as it is */
  At y;
  at_open(&y, "/t/plan.charter", got, strlen(got));
  LspErr e = {0, ""};
  json_t *edits = lsp_formatting(&y.a, &e);
  assert_int_equal(json_array_size(edits), 0);
  json_decref(edits);
  at_close(&y);
  free(got);
  json_decref(acts);
  /* elsewhere: nothing */
  acts = actions_at(&x, 0, 0, 0, 3);
  assert_int_equal(json_array_size(acts), 0);
  json_decref(acts);
  at_close(&x);
}

static void test_community_owner(void **state) {
  (void)state;
  static const char text[] = "use equity\n\ncharter \"T\" { vision \"v\" }\n\n"
                             "partner res \"Residents\" {\n  sector community\n}\n\n"
                             "indicator i1 \"I\" {\n  unit \"%\"\n  direction up\n}\n\n"
                             "activity a1 \"A\" {\n  owner res\n  metric i1\n}\n";
  At x;
  at_open(&x, "/t/plan.charter", text, sizeof text - 1);
  json_t *acts = actions_at(&x, 13, 9, 13, 9);
  char *t = titles(acts);
  assert_string_equal(t, "Add community owner 'res'");
  free(t);
  json_t *diags = json_object_get(json_array_get(acts, 0), "diagnostics");
  assert_int_equal(json_array_size(diags), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(diags, 0), "code")),
                      "eq_activity_community_owner");
  char *got = applied(&x, acts, "Add community owner 'res'");
  assert_non_null(strstr(got, "activity a1 \"A\" {\n  owner res\n  metric i1\n  community_owner res\n}\n"));
  Program *q = program_load_text("/t/plan.charter", got, strlen(got), NULL);
  for (int i = 0; i < q->diags.items.len; i++)
    assert_string_not_equal(((Diag *)q->diags.items.items[i])->rule, "eq_activity_community_owner");
  program_free(q);
  free(got);
  json_decref(acts);
  at_close(&x);
}

static void test_community_owner_placeholder(void **state) {
  (void)state;
  static const char text[] = "use equity\ncharter \"T\" { vision \"v\" }\npartner p \"P\" { sector nonprofit }\n"
                             "indicator i1 \"I\" {\n  unit \"%\"\n  direction up\n}\n"
                             "activity a1 \"A\" { owner p\n  metric i1 }\n";
  At x;
  at_open(&x, "/t/plan.charter", text, sizeof text - 1);
  json_t *acts = actions_at(&x, 7, 0, 8, 0);
  char *got = applied(&x, acts, "Add a community owner (placeholder id)");
  assert_non_null(strstr(got, "activity a1 \"A\" { owner p\n  metric i1\n  community_owner community_partner_id\n}\n"));
  free(got);
  json_decref(acts);
  at_close(&x);
}

/* `use equty`: the fix changes it to equity, and no action adds a second
 * `use equity` (on the use line, on the charter block, nor for an id the
 * module declares). */
static void test_no_use_twice(void **state) {
  (void)state;
  static const char text[] = "use equty\ncharter \"T\" { vision \"v\" }\nrule r \"R\" {\n  require true\n}\n"
                             "waive eq_resident_power \"r\"\n";
  At x;
  at_open(&x, "/t/plan.charter", text, sizeof text - 1);
  json_t *acts = actions_at(&x, 0, 0, 6, 0);
  char *t = titles(acts);
  assert_string_equal(t, "Change to 'equity'");
  free(t);
  json_decref(acts);
  at_close(&x);
}

/* A CRLF document gets CRLF lines; a quoted fix reads as written. */
static void test_crlf_and_quotes(void **state) {
  (void)state;
  static const char text[] = "charter \"T\" { vision \"v\" }\r\n"
                             "indicator i \"I\" {\r\n  unit \"%\"\r\n  direction up\r\n  disaggregate income\r\n}\r\n";
  At x;
  at_open(&x, "/t/plan.charter", text, sizeof text - 1);
  json_t *acts = actions_at(&x, 4, 0, 4, 40);
  char *got = applied(&x, acts, "Add `use dimensions`");
  assert_string_equal(got, "use dimensions\r\n\r\ncharter \"T\" { vision \"v\" }\r\n"
                           "indicator i \"I\" {\r\n  unit \"%\"\r\n  direction up\r\n  disaggregate income\r\n}\r\n");
  free(got);
  json_decref(acts);
  at_close(&x);
  static const char uses[] = "use rba\r\ncharter \"T\" { vision \"v\" }\r\n"
                             "indicator i \"I\" {\r\n  unit \"%\"\r\n  direction up\r\n  disaggregate income\r\n}\r\n";
  at_open(&x, "/t/plan.charter", uses, sizeof uses - 1);
  acts = actions_at(&x, 5, 0, 5, 40);
  got = applied(&x, acts, "Add `use dimensions`");
  assert_non_null(strstr(got, "use rba\r\nuse dimensions\r\ncharter"));
  free(got);
  json_decref(acts);
  at_close(&x);
  static const char owner[] = "use equity\r\ncharter \"T\" { vision \"v\" }\r\npartner p \"P\" { sector nonprofit }\r\n"
                              "indicator i1 \"I\" {\r\n  unit \"%\"\r\n  direction up\r\n}\r\n"
                              "activity a1 \"A\" { owner p\r\n  metric i1 }\r\n"
                              "activity a2 \"B\" {\r\n  owner p\r\n  metric i1\r\n}\r\n";
  at_open(&x, "/t/plan.charter", owner, sizeof owner - 1);
  acts = actions_at(&x, 7, 0, 12, 0);
  char *t = titles(acts);
  assert_string_equal(t, "Add a community owner (placeholder id)|Add a community owner (placeholder id)");
  free(t);
  json_t *edits = json_object_get(json_object_get(json_object_get(json_array_get(acts, 0), "edit"), "changes"), x.a.uri);
  got = apply(x.a.src, x.a.text, x.a.len, edits);
  assert_non_null(strstr(got, "activity a1 \"A\" { owner p\r\n  metric i1\r\n  community_owner community_partner_id\r\n}\r\n"));
  free(got);
  edits = json_object_get(json_object_get(json_object_get(json_array_get(acts, 1), "edit"), "changes"), x.a.uri);
  got = apply(x.a.src, x.a.text, x.a.len, edits);
  assert_non_null(strstr(got, "  metric i1\r\n  community_owner community_partner_id\r\n}\r\n"));
  for (const char *c = got; *c; c++)
    if (*c == '\n') assert_true(c > got && c[-1] == '\r');
  free(got);
  json_decref(acts);
  at_close(&x);
  at_open(&x, "/t/plan.charter", misspelt[4], strlen(misspelt[4]));
  acts = actions_at(&x, 8, 0, 8, 60);
  t = titles(acts);
  assert_string_equal(t, "Change to \"White\"");
  free(t);
  json_decref(acts);
  at_close(&x);
}

static void test_action_params(void **state) {
  (void)state;
  At x;
  at_open(&x, "/t/plan.charter", "charter \"T\" { vision \"v\" }\n", 27);
  LspErr e = {0, ""};
  assert_null(lsp_code_actions(&x.a, &e)); /* no range */
  assert_int_equal(e.code, LSP_INVALID_PARAMS);
  json_object_set_new(x.params, "range", json_pack("{s:{s:s,s:i},s:{s:i,s:i}}", "start", "line", "0", "character", 0,
                                                   "end", "line", 0, "character", 0));
  assert_null(lsp_code_actions(&x.a, &e)); /* a line that is not a number */
  json_t *acts = actions_at(&x, 500, 0, 90, 7); /* past the end, reversed */
  assert_int_equal(json_array_size(acts), 0);
  json_decref(acts);
  at_close(&x);
}

/* ---- completion ---- */

/* The labels completion offers at off, joined by ' '. */
static char *labels_at(At *x, uint32_t off) {
  x->a.off = off;
  LspErr e = {0, ""};
  json_t *r = lsp_completion(&x->a, &e);
  assert_non_null(r);
  json_t *items = json_object_get(r, "items");
  assert_non_null(items);
  Buf b = {0};
  for (size_t i = 0; i < json_array_size(items); i++) {
    json_t *it = json_array_get(items, i);
    assert_true(json_is_integer(json_object_get(it, "kind")));
    buf_printf(&b, "%s%s", i ? " " : "", json_string_value(json_object_get(it, "label")));
  }
  json_decref(r);
  char *s = xstrdup(buf_str(&b));
  buf_free(&b);
  return s;
}

static void expect_labels(At *x, uint32_t off, const char *want) {
  char *got = labels_at(x, off);
  assert_string_equal(got, want);
  free(got);
}

static const char comp_text[] =
    "use equity\n\ncharter \"T\" {\n  vision \"v\"\n}\n\n"
    "partner p1 \"Parents\" {\n  sector community, \n}\n\n"
    "indicator rate \"Rate\" {\n  unit \"%\"\n  direction \n  \n}\n\n"
    "outcome o1 \"Out\" { horizon short\n  indicator rate\n  leads_to \n}\n"
    "goal g1 \"Goal\" { }\n"
    "activity a1 \"A\" {\n  note \"\"\"\n  a text block\n  \"\"\"\n  waive eq_activity_metric \"why\"\n}\n"
    "use \n# a comment\n";

static void test_completion_contexts(void **state) {
  (void)state;
  At x;
  at_open(&x, "/t/plan.charter", comp_text, sizeof comp_text - 1);
  expect_labels(&x, at_mark(&x, "\n\ncharter", 1),
                "charter partner council dimension goal outcome indicator activity rule view use import waive");
  /* a list leaves out the words it holds */
  expect_labels(&x, at_mark(&x, "community, ", 11),
                "government nonprofit business philanthropy education health faith academic media");
  expect_labels(&x, at_mark(&x, "direction \n", 10), "up down");
  /* the blank line of the indicator: unit and direction given, not offered again */
  char *got = labels_at(&x, at_mark(&x, "direction \n  \n", 13));
  assert_null(strstr(got, "unit "));
  assert_null(strstr(got, "direction"));
  assert_non_null(strstr(got, "baseline"));
  assert_non_null(strstr(got, "disaggregate"));
  assert_non_null(strstr(got, "waive"));
  free(got);
  /* leads_to: outcomes and goals, with their titles */
  expect_labels(&x, at_mark(&x, "leads_to \n", 9), "o1 g1");
  /* after `use` at top level: the standard modules the program does not use */
  expect_labels(&x, at_mark(&x, "\nuse \n", 5), "collective_impact dimensions rba");
  /* on the word of a `use` itself, that module too */
  expect_labels(&x, at_mark(&x, "use equity", 6), "collective_impact dimensions equity rba");
  /* inside a string, a text block or a comment: nothing */
  expect_labels(&x, at_mark(&x, "\"Parents\"", 3), "");
  expect_labels(&x, at_mark(&x, "a text block", 2), "");
  expect_labels(&x, at_mark(&x, "# a comment", 4), "");
  /* after waive inside a block: the program's rules */
  got = labels_at(&x, at_mark(&x, "waive eq_activity_metric", 8));
  assert_non_null(strstr(got, "eq_activity_metric"));
  assert_non_null(strstr(got, "eq_resident_power"));
  free(got);
  /* the partial word being typed does not change the context */
  got = labels_at(&x, at_mark(&x, "direction \n", 0));
  expect_labels(&x, at_mark(&x, "direction \n", 2), got);
  free(got);
  at_close(&x);
}

static void test_completion_equity(void **state) {
  (void)state;
  static const char text[] = "use dimensions\ncharter \"T\" { vision \"v\" }\n"
                             "indicator i \"I\" {\n  unit \"%\"\n  direction up\n  disaggregate \n  equity \n}\n";
  At x;
  at_open(&x, "/t/plan.charter", text, sizeof text - 1);
  expect_labels(&x, at_mark(&x, "disaggregate \n", 13), "race_ethnicity age_group income gender disability");
  expect_labels(&x, at_mark(&x, "equity \n", 7), "race_ethnicity age_group income gender disability");
  at_close(&x);
}

/* A list offers only the ids it does not hold yet, before and after the
 * cursor; the id being typed over stays. */
static void test_completion_list(void **state) {
  (void)state;
  static const char text[] = "charter \"T\" { vision \"v\" }\n"
                             "partner lantern \"Lantern\" { sector nonprofit }\n"
                             "partner ebony \"Ebony\" { sector community }\n"
                             "partner civic \"Civic\" { sector government }\n"
                             "indicator i \"I\" {\n  unit \"%\"\n  direction up\n  reported_by lantern, \n}\n"
                             "indicator j \"J\" {\n  unit \"%\"\n  direction up\n  reported_by lantern, , civic\n}\n"
                             "indicator k \"K\" {\n  unit \"%\"\n  direction up\n  reported_by ebony\n}\n";
  At x;
  at_open(&x, "/t/plan.charter", text, sizeof text - 1);
  expect_labels(&x, at_mark(&x, "lantern, \n", 9), "ebony civic");
  expect_labels(&x, at_mark(&x, "lantern, , civic", 9), "ebony");
  expect_labels(&x, at_mark(&x, "reported_by ebony", 14), "lantern ebony civic");
  at_close(&x);
}

static void test_completion_details(void **state) {
  (void)state;
  At x;
  at_open(&x, "/t/plan.charter", comp_text, sizeof comp_text - 1);
  x.a.off = at_mark(&x, "leads_to \n", 9);
  LspErr e = {0, ""};
  json_t *r = lsp_completion(&x.a, &e);
  char *s = dumps(r);
  assert_string_equal(s, "{\"isIncomplete\":false,\"items\":[{\"label\":\"o1\",\"kind\":18,\"detail\":\"Out\"},"
                         "{\"label\":\"g1\",\"kind\":18,\"detail\":\"Goal\"}]}");
  free(s);
  json_decref(r);
  /* a declaration's snippet: its required attributes */
  x.a.off = 0;
  r = lsp_completion(&x.a, &e);
  json_t *items = json_object_get(r, "items");
  json_t *outcome = json_array_get(items, D_OUTCOME);
  assert_string_equal(json_string_value(json_object_get(outcome, "insertText")),
                      "outcome ${1:id} \"${2:Title}\" {\n  horizon ${3:short}\n}$0");
  assert_int_equal(json_integer_value(json_object_get(outcome, "insertTextFormat")), 2);
  json_decref(r);
  /* an attribute's example as its documentation */
  x.a.off = at_mark(&x, "direction \n  \n", 13);
  r = lsp_completion(&x.a, &e);
  items = json_object_get(r, "items");
  bool seen = false;
  for (size_t i = 0; i < json_array_size(items); i++) {
    json_t *it = json_array_get(items, i);
    if (strcmp(json_string_value(json_object_get(it, "label")), "baseline") != 0) continue;
    assert_int_equal(json_integer_value(json_object_get(it, "kind")), 10);
    assert_non_null(strstr(json_string_value(json_object_get(it, "documentation")), "as in: baseline "));
    seen = true;
  }
  assert_true(seen);
  json_decref(r);
  at_close(&x);
}

/* Any text, any position: an answer, never a crash. */
static void test_hostile(void **state) {
  (void)state;
#define T(s) {s, sizeof s - 1}
  static const struct {
    const char *text;
    size_t len;
  } texts[] = {
      T("charter \"T\" {\0 vision \"v\" }\n\xff\xfe indicator { \"\"\" unterminated"),
      T("{{{{{{{{ }}}}}}}}}}} \"\\\" # \n waive , , use\n activity a {\n owner ,,,, \n"),
      T("indicator x \"X\" {\n  unit \"%\n  direction\n}\n\"\"\""),
      T(""),
      T("\xef\xbb\xbfuse \n"),
      T("charter \"T\" { vision \"v\" }\nactivity a \"A\" { owner \"x\\"),
  };
#undef T
  for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
    At x;
    at_open(&x, "/t/plan.charter", texts[t].text, texts[t].len);
    for (uint32_t off = 0; off <= x.a.len; off++) {
      char *s = labels_at(&x, off);
      free(s);
    }
    json_t *acts = actions_at(&x, 0, 0, 100, 0);
    json_decref(acts);
    LspErr e = {0, ""};
    json_t *f = lsp_formatting(&x.a, &e);
    if (f) json_decref(f);
    else assert_int_equal(e.code, -32803);
    at_close(&x);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_format_examples),   cmocka_unit_test(test_format_refuses_syntax_errors),
      cmocka_unit_test(test_fixes_apply),       cmocka_unit_test(test_fix_words),
      cmocka_unit_test(test_use_after_last_use), cmocka_unit_test(test_use_once),
      cmocka_unit_test(test_use_at_top),        cmocka_unit_test(test_completion_equity),
      cmocka_unit_test(test_community_owner),   cmocka_unit_test(test_community_owner_placeholder),
      cmocka_unit_test(test_action_params),     cmocka_unit_test(test_completion_contexts),
      cmocka_unit_test(test_completion_details), cmocka_unit_test(test_hostile),
      cmocka_unit_test(test_no_use_twice),      cmocka_unit_test(test_crlf_and_quotes),
      cmocka_unit_test(test_completion_list),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
