/* Diagnostics (lang/diag.c): GCC-style text with the source line and a
 * caret, notes, the 50-diagnostic cap, colour, the summary line, and the
 * machine formats JSON, SARIF 2.1.0 and GitHub annotations (docs/commands.md,
 * "charter check"). The machine formats are read back with a small JSON
 * parser, so the tests check content, not spacing. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "json.h"

/* ---- a small JSON reader ---- */

typedef enum JKind { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ } JKind;

typedef struct JVal {
  JKind kind;
  bool b;
  double num;
  char *str;             /* J_STR: decoded UTF-8 */
  int n;                 /* J_ARR, J_OBJ: members */
  char **keys;           /* J_OBJ */
  struct JVal **items;   /* J_ARR, J_OBJ */
} JVal;

static void jfree(JVal *v) {
  if (!v) return;
  for (int i = 0; i < v->n; i++) {
    jfree(v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->str);
  free(v);
}

static void jws(const char **p) {
  while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r') (*p)++;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static bool hex4(const char *s, uint32_t *out) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) {
    int h = hexval(s[i]);
    if (h < 0) return false;
    v = v * 16 + (uint32_t)h;
  }
  *out = v;
  return true;
}

/* A JSON string at *p (on the opening quote), decoded; NULL if malformed. */
static char *jstring(const char **p) {
  if (**p != '"') return NULL;
  (*p)++;
  Buf b = {0};
  buf_add(&b, "", 0);
  for (;;) {
    unsigned char c = (unsigned char)**p;
    if (c == '"') break;
    if (c < 0x20) goto bad; /* raw control characters are not allowed */
    if (c != '\\') {
      buf_putc(&b, (char)c);
      (*p)++;
      continue;
    }
    (*p)++;
    char e = **p;
    (*p)++;
    switch (e) {
    case '"': buf_putc(&b, '"'); break;
    case '\\': buf_putc(&b, '\\'); break;
    case '/': buf_putc(&b, '/'); break;
    case 'b': buf_putc(&b, '\b'); break;
    case 'f': buf_putc(&b, '\f'); break;
    case 'n': buf_putc(&b, '\n'); break;
    case 'r': buf_putc(&b, '\r'); break;
    case 't': buf_putc(&b, '\t'); break;
    case 'u': {
      uint32_t cp;
      if (!hex4(*p, &cp)) goto bad;
      *p += 4;
      if (cp >= 0xD800 && cp <= 0xDBFF) {
        uint32_t lo;
        if ((*p)[0] != '\\' || (*p)[1] != 'u' || !hex4(*p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF) goto bad;
        *p += 6;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        goto bad;
      }
      char enc[4];
      buf_add(&b, enc, (size_t)utf8_encode(cp, enc));
      break;
    }
    default: goto bad;
    }
  }
  (*p)++;
  return b.data;
bad:
  buf_free(&b);
  return NULL;
}

static JVal *jvalue(const char **p, int depth) {
  if (depth > 64) return NULL;
  jws(p);
  JVal *v = calloc(1, sizeof *v);
  const char *s = *p;
  if (*s == '{' || *s == '[') {
    bool obj = *s == '{';
    v->kind = obj ? J_OBJ : J_ARR;
    (*p)++;
    jws(p);
    if (**p == (obj ? '}' : ']')) {
      (*p)++;
      return v;
    }
    for (;;) {
      char *key = NULL;
      if (obj) {
        jws(p);
        key = jstring(p);
        if (!key) goto bad;
        jws(p);
        if (**p != ':') {
          free(key);
          goto bad;
        }
        (*p)++;
      }
      JVal *item = jvalue(p, depth + 1);
      if (!item) {
        free(key);
        goto bad;
      }
      v->items = realloc(v->items, (size_t)(v->n + 1) * sizeof *v->items);
      if (obj) v->keys = realloc(v->keys, (size_t)(v->n + 1) * sizeof *v->keys);
      v->items[v->n] = item;
      if (obj) v->keys[v->n] = key;
      v->n++;
      jws(p);
      if (**p == ',') {
        (*p)++;
        continue;
      }
      if (**p == (obj ? '}' : ']')) {
        (*p)++;
        return v;
      }
      goto bad;
    }
  }
  if (*s == '"') {
    v->kind = J_STR;
    v->str = jstring(p);
    if (!v->str) goto bad;
    return v;
  }
  if (strncmp(s, "true", 4) == 0 || strncmp(s, "false", 5) == 0) {
    v->kind = J_BOOL;
    v->b = s[0] == 't';
    *p += v->b ? 4 : 5;
    return v;
  }
  if (strncmp(s, "null", 4) == 0) {
    v->kind = J_NULL;
    *p += 4;
    return v;
  }
  if (*s == '-' || (*s >= '0' && *s <= '9')) {
    char *end;
    v->kind = J_NUM;
    v->num = strtod(s, &end);
    if (end == s) goto bad;
    *p = end;
    return v;
  }
bad:
  jfree(v);
  return NULL;
}

/* Parses a whole document; fails the test if it is not valid JSON. */
static JVal *jparse(const char *text) {
  const char *p = text;
  JVal *v = jvalue(&p, 0);
  if (v) {
    jws(&p);
    if (*p) {
      jfree(v);
      v = NULL;
    }
  }
  if (!v) fail_msg("not valid JSON:\n%s", text);
  return v;
}

/* A member by a dotted path: "runs.0.tool.driver.name". NULL if absent. */
static JVal *jget(JVal *v, const char *path) {
  char part[64];
  while (v && *path) {
    size_t n = strcspn(path, ".");
    assert_true(n < sizeof part);
    memcpy(part, path, n);
    part[n] = '\0';
    path += n + (path[n] == '.');
    JVal *next = NULL;
    if (v->kind == J_ARR) {
      int i = atoi(part);
      if (i >= 0 && i < v->n) next = v->items[i];
    } else if (v->kind == J_OBJ) {
      for (int i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], part) == 0) next = v->items[i];
    }
    v = next;
  }
  return v;
}

static const char *jstr(JVal *v, const char *path) {
  JVal *x = jget(v, path);
  if (!x || x->kind != J_STR) fail_msg("%s is not a string", path);
  return x->str;
}

static int jint(JVal *v, const char *path) {
  JVal *x = jget(v, path);
  if (!x || x->kind != J_NUM) fail_msg("%s is not a number", path);
  return (int)x->num;
}

static int jlen(JVal *v, const char *path) {
  JVal *x = jget(v, path);
  if (!x || (x->kind != J_ARR && x->kind != J_OBJ)) fail_msg("%s is not an array", path);
  return x->n;
}

/* ---- fixtures ---- */

typedef struct Fix {
  Arena arena;
  SrcSet srcs;
  DiagList d;
} Fix;

static Fix *fix_new(void) {
  Fix *f = calloc(1, sizeof *f);
  arena_init(&f->arena);
  diag_init(&f->d, &f->arena);
  return f;
}

static void fix_free(Fix *f) {
  diag_free(&f->d);
  src_set_free(&f->srcs);
  arena_free(&f->arena);
  free(f);
}

static uint32_t add_src(Fix *f, const char *path, const char *text) {
  return src_add(&f->srcs, path, NULL, text, strlen(text), false, false);
}

/* The span of the n-th (from 0) occurrence of needle in file. */
static Loc at_nth(Fix *f, uint32_t file, const char *needle, int nth) {
  const char *text = src_get(&f->srcs, file)->text;
  const char *s = strstr(text, needle);
  for (int i = 0; s && i < nth; i++) s = strstr(s + 1, needle);
  assert_non_null(s);
  Loc l = {file, (uint32_t)(s - text), (uint32_t)(s - text + strlen(needle))};
  return l;
}

static Loc at(Fix *f, uint32_t file, const char *needle) { return at_nth(f, file, needle, 0); }

typedef enum Format { TEXT, TEXT_COLOR, SUMMARY, SUMMARY_COLOR, JSON, SARIF, GITHUB } Format;

static const RuleInfo RULES[] = {
    {"attribute", "Attributes are known", "Each attribute must be known.", "Correct it."},
    {"duplicate", "Each id is declared once", "Ids are unique.", "Rename one."},
    {"my_rule", "A rule \"quoted\"", "Full\ndescription", "Help \\ text"},
};

/* Renders the list into a malloc'd string. */
static char *render(Fix *f, Format fmt, int max) {
  char *out = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&out, &len);
  assert_non_null(m);
  switch (fmt) {
  case TEXT: diag_print_text(m, &f->d, &f->srcs, (DiagStyle){false, max, NULL}); break;
  case TEXT_COLOR: diag_print_text(m, &f->d, &f->srcs, (DiagStyle){true, max, NULL}); break;
  case SUMMARY: diag_print_summary(m, &f->d, false); break;
  case SUMMARY_COLOR: diag_print_summary(m, &f->d, true); break;
  case JSON: diag_print_json(m, &f->d, &f->srcs); break;
  case SARIF: diag_print_sarif(m, &f->d, &f->srcs, RULES, 3, "1.2.3", "https://example.org/charter"); break;
  case GITHUB: diag_print_github(m, &f->d, &f->srcs); break;
  }
  assert_int_equal(fclose(m), 0);
  return out;
}

static void expect_output(Fix *f, Format fmt, int max, const char *want) {
  char *got = render(f, fmt, max);
  if (strcmp(got, want) != 0) fail_msg("got:\n%s\nexpected:\n%s", got, want);
  free(got);
}

static const char PARTNER[] = "partner p \"P\" {\n  sector nonprofitt\n}\n";

/* ---- text ---- */

static void test_text_caret_and_tildes(void **state) {
  (void)state;
  Fix *f = fix_new();
  uint32_t file = add_src(f, "t.charter", PARTNER);
  diag_add(&f->d, SEV_ERROR, at(f, file, "nonprofitt"), "attribute", "unknown sector '%s'", "nonprofitt");
  expect_output(f, TEXT, 50,
                "t.charter:2:10: error: unknown sector 'nonprofitt' [attribute]\n"
                "    2 |   sector nonprofitt\n"
                "      |          ^~~~~~~~~~\n");
  fix_free(f);
}

static void test_text_severities(void **state) {
  (void)state;
  Fix *f = fix_new();
  uint32_t file = add_src(f, "dir/t.charter", PARTNER);
  diag_add(&f->d, SEV_WARNING, at(f, file, "p"), "w_rule", "a warning");
  diag_add(&f->d, SEV_INFO, at(f, file, "}"), "i_rule", "an info");
  expect_output(f, TEXT, 50,
                "dir/t.charter:1:1: warning: a warning [w_rule]\n"
                "    1 | partner p \"P\" {\n"
                "      | ^\n"
                "dir/t.charter:3:1: info: an info [i_rule]\n"
                "    3 | }\n"
                "      | ^\n");
  fix_free(f);
}

static void test_text_notes(void **state) {
  (void)state;
  Fix *f = fix_new();
  uint32_t file = add_src(f, "t.charter", "partner dup \"A\" {}\ngoal g \"G\" {}\npartner dup \"B\" {}\n");
  Diag *g = diag_add(&f->d, SEV_ERROR, at_nth(f, file, "dup", 1), "duplicate", "'dup' is already declared");
  diag_note(&f->d, g, at(f, file, "dup"), "'%s' is first declared here", "dup");
  diag_note_noloc(&f->d, g, "ids share %d namespace", 1);
  expect_output(f, TEXT, 50,
                "t.charter:3:9: error: 'dup' is already declared [duplicate]\n"
                "    3 | partner dup \"B\" {}\n"
                "      |         ^~~\n"
                "t.charter:1:9: note: 'dup' is first declared here\n"
                "    1 | partner dup \"A\" {}\n"
                "      |         ^~~\n"
                "charter: note: ids share 1 namespace\n");
  fix_free(f);
}

static void test_text_without_source(void **state) {
  (void)state;
  /* A diagnostic about a file that could not be read has no source line:
   * it is printed as the program's own message. */
  Fix *f = fix_new();
  Loc none = {0, 0, 0};
  diag_add(&f->d, SEV_ERROR, none, "import", "cannot read '%s': no such file", "x.charter");
  expect_output(f, TEXT, 50, "charter: error: cannot read 'x.charter': no such file [import]\n");
  fix_free(f);
}

static void test_text_columns_and_tabs(void **state) {
  (void)state;
  Fix *f = fix_new();
  /* Columns count code points; the caret is padded one space per code
   * point, and a tab stays a tab so the caret lines up in a terminal. */
  uint32_t file = add_src(f, "u.charter", "goal g \"h\xC3\xA9llo \xF0\x9F\x98\x80\" x\n\tsector y\n");
  diag_add(&f->d, SEV_ERROR, at(f, file, "x"), "syntax", "after UTF-8");
  diag_add(&f->d, SEV_ERROR, at(f, file, "y"), "syntax", "after a tab");
  expect_output(f, TEXT, 50,
                "u.charter:1:18: error: after UTF-8 [syntax]\n"
                "    1 | goal g \"h\xC3\xA9llo \xF0\x9F\x98\x80\" x\n"
                "      |                  ^\n"
                "u.charter:2:9: error: after a tab [syntax]\n"
                "    2 | \tsector y\n"
                "      | \t       ^\n");
  fix_free(f);
}

static void test_text_span_edges(void **state) {
  (void)state;
  Fix *f = fix_new();
  uint32_t file = add_src(f, "t.charter", "ab\xC3\xA9" "cd\r\nline two\nend");
  Src *s = src_get(&f->srcs, file);
  /* A span with multi-byte characters: one '~' per code point. */
  Loc l = {file, 1, 5}; /* "béc" */
  diag_add(&f->d, SEV_ERROR, l, "r", "multi-byte span");
  /* A span running past the line end stops at the end of the line; the CR
   * of a CRLF is not shown. */
  Loc l2 = {file, 4, 20}; /* from "c" */
  diag_add(&f->d, SEV_ERROR, l2, "r", "to the next line");
  /* An empty span still gets one caret, and the end of the file (no final
   * newline) is a place too. */
  Loc l3 = {file, (uint32_t)s->len, (uint32_t)s->len};
  diag_add(&f->d, SEV_ERROR, l3, "r", "at end of file");
  expect_output(f, TEXT, 50,
                "t.charter:1:2: error: multi-byte span [r]\n"
                "    1 | ab\xC3\xA9" "cd\n"
                "      |  ^~~\n"
                "t.charter:1:4: error: to the next line [r]\n"
                "    1 | ab\xC3\xA9" "cd\n"
                "      |    ^~\n"
                "t.charter:3:4: error: at end of file [r]\n"
                "    3 | end\n"
                "      |    ^\n");
  fix_free(f);
}

static void test_text_control_characters(void **state) {
  (void)state;
  Fix *f = fix_new();
  uint32_t file = add_src(f, "t.charter", "a\x01" "b\x1b[31mc x\n");
  diag_add(&f->d, SEV_ERROR, at(f, file, "x"), "r", "m");
  char *out = render(f, TEXT, 50);
  /* Control bytes of the source never reach the terminal: they are shown
   * escaped (lang/escape.h), and the caret pads over what they show. */
  assert_null(strchr(out, '\x1b'));
  assert_null(strchr(out, '\x01'));
  assert_non_null(strstr(out, "    1 | a\\x01b\\x1B[31mc x\n"));
  assert_non_null(strstr(out, "      |                 ^\n"));
  free(out);
  fix_free(f);
}

static void test_text_hidden_characters(void **state) {
  (void)state;
  Fix *f = fix_new();
  /* a C1 CSI, a bidi override and an invalid byte, in the file name too */
  uint32_t file = add_src(f, "t\xC2\x9B\xE2\x80\xAE.charter", "a\xC2\x9B" "b\xE2\x80\xAE\xFF x\n");
  diag_add(&f->d, SEV_ERROR, at(f, file, "x"), "r", "m \xE2\x80\xAE\x1b[2J");
  char *out = render(f, TEXT, 50);
  assert_string_equal(out, "t\\u009B\\u202E.charter:1:7: error: m \\u202E\\x1B[2J [r]\n"
                           "    1 | a\\u009Bb\\u202E\\xFF x\n"
                           "      |                    ^\n");
  free(out);
  fix_free(f);
}

static void test_text_long_line(void **state) {
  (void)state;
  /* A very long line is shown cut around the span, the caret still under
   * the span's first character. */
  Buf text = {0};
  for (int i = 0; i < 5000; i++) buf_putc(&text, (char)('a' + i % 26));
  buf_puts(&text, " TARGET ");
  for (int i = 0; i < 5000; i++) buf_putc(&text, 'z');
  buf_putc(&text, '\n');
  Fix *f = fix_new();
  uint32_t file = add_src(f, "t.charter", buf_str(&text));
  diag_add(&f->d, SEV_ERROR, at(f, file, "TARGET"), "r", "m");
  char *out = render(f, TEXT, 50);
  char *l1 = strchr(out, '\n') + 1;
  char *l2 = strchr(l1, '\n') + 1;
  char *end1 = strchr(l1, '\n');
  assert_true(end1 - l1 < 400);
  assert_true(strlen(l2) < 400);
  char *caret = strchr(l2, '^');
  assert_non_null(caret);
  assert_memory_equal(l1 + (caret - l2), "TARGET", 6);
  assert_int_equal(strncmp(caret, "^~~~~~\n", 7), 0);
  assert_non_null(strstr(out, "t.charter:1:5002:"));
  free(out);
  fix_free(f);
  buf_free(&text);
}

static void test_text_cap_of_fifty(void **state) {
  (void)state;
  for (int total = 49; total <= 53; total++) {
    Fix *f = fix_new();
    uint32_t file = add_src(f, "t.charter", PARTNER);
    for (int i = 0; i < total; i++) {
      Diag *g = diag_add(&f->d, SEV_ERROR, at(f, file, "sector"), "r", "number %d", i);
      diag_note(&f->d, g, at(f, file, "p"), "a note"); /* notes do not count */
    }
    char *out = render(f, TEXT, 50);
    int headers = 0, notes = 0;
    for (const char *s = out; (s = strstr(s, ": error: ")); s++) headers++;
    for (const char *s = out; (s = strstr(s, ": note: ")); s++) notes++;
    int shown = total < 50 ? total : 50;
    assert_int_equal(headers, shown);
    assert_int_equal(notes, shown);
    if (total >= 50) assert_non_null(strstr(out, "number 49"));
    assert_null(strstr(out, "number 50"));
    if (total == 51) assert_non_null(strstr(out, "\ncharter: 1 more diagnostic not shown"));
    if (total == 53) assert_non_null(strstr(out, "\ncharter: 3 more diagnostics not shown"));
    if (total <= 50) assert_null(strstr(out, "more diagnostic"));
    else {
      /* The "more" line is the last line. */
      const char *last = out + strlen(out) - 1;
      while (last > out && last[-1] != '\n') last--;
      assert_int_equal(strncmp(last, "charter: ", 9), 0);
      assert_non_null(strstr(last, "more diagnostic"));
    }
    free(out);
    /* No limit: every one. */
    out = render(f, TEXT, 0);
    headers = 0;
    for (const char *s = out; (s = strstr(s, ": error: ")); s++) headers++;
    assert_int_equal(headers, total);
    free(out);
    /* The summary counts them all. */
    out = render(f, SUMMARY, 0);
    char want[64];
    snprintf(want, sizeof want, "%d errors, 0 warnings\n", total);
    assert_string_equal(out, want);
    free(out);
    fix_free(f);
  }
}

/* Removes ANSI colour sequences. */
static char *strip_ansi(const char *s) {
  char *out = malloc(strlen(s) + 1);
  char *o = out;
  while (*s) {
    if (s[0] == '\x1b' && s[1] == '[') {
      s += 2;
      while (*s && *s != 'm') s++;
      if (*s) s++;
      continue;
    }
    *o++ = *s++;
  }
  *o = '\0';
  return out;
}

static void test_colour_only_when_asked(void **state) {
  (void)state;
  Fix *f = fix_new();
  uint32_t file = add_src(f, "t.charter", PARTNER);
  Diag *g = diag_add(&f->d, SEV_ERROR, at(f, file, "nonprofitt"), "attribute", "bad");
  diag_note(&f->d, g, at(f, file, "p"), "here");
  diag_add(&f->d, SEV_WARNING, at(f, file, "sector"), "w", "warn");
  diag_add(&f->d, SEV_INFO, at(f, file, "}"), "i", "info");
  char *plain = render(f, TEXT, 50);
  char *colour = render(f, TEXT_COLOR, 50);
  assert_null(strchr(plain, '\x1b'));
  assert_non_null(strstr(colour, "\x1b["));
  /* Severities in colour, reset after each. */
  assert_non_null(strstr(colour, "\x1b[1;31merror:\x1b[0m"));
  assert_non_null(strstr(colour, "warning:\x1b[0m"));
  assert_non_null(strstr(colour, "info:\x1b[0m"));
  assert_non_null(strstr(colour, "note:\x1b[0m"));
  /* The same text once the colour is taken out. */
  char *stripped = strip_ansi(colour);
  assert_string_equal(stripped, plain);
  free(stripped);
  free(plain);
  free(colour);

  plain = render(f, SUMMARY, 0);
  colour = render(f, SUMMARY_COLOR, 0);
  assert_null(strchr(plain, '\x1b'));
  assert_non_null(strchr(colour, '\x1b'));
  stripped = strip_ansi(colour);
  assert_string_equal(stripped, plain);
  free(stripped);
  free(plain);
  free(colour);
  fix_free(f);
}

static void test_summary_singular_plural(void **state) {
  (void)state;
  static const struct {
    int errors, warnings;
    const char *want;
  } cases[] = {
      {0, 0, "0 errors, 0 warnings\n"}, {1, 0, "1 error, 0 warnings\n"},  {0, 1, "0 errors, 1 warning\n"},
      {1, 1, "1 error, 1 warning\n"},   {2, 3, "2 errors, 3 warnings\n"}, {11, 21, "11 errors, 21 warnings\n"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    Fix *f = fix_new();
    uint32_t file = add_src(f, "t.charter", PARTNER);
    for (int k = 0; k < cases[i].errors; k++) diag_add(&f->d, SEV_ERROR, at(f, file, "p"), "r", "e");
    for (int k = 0; k < cases[i].warnings; k++) diag_add(&f->d, SEV_WARNING, at(f, file, "p"), "r", "w");
    expect_output(f, SUMMARY, 0, cases[i].want);
    fix_free(f);
  }
}

static void test_sort_and_promote(void **state) {
  (void)state;
  Fix *f = fix_new();
  uint32_t a = add_src(f, "a.charter", PARTNER);
  uint32_t b = add_src(f, "b.charter", PARTNER);
  diag_add(&f->d, SEV_WARNING, at(f, b, "p"), "r", "b1");
  diag_add(&f->d, SEV_ERROR, at(f, a, "}"), "r", "a3");
  diag_add(&f->d, SEV_ERROR, at(f, a, "sector"), "r", "a2 first");
  diag_add(&f->d, SEV_INFO, at(f, a, "sector"), "r", "a2 second");
  diag_add(&f->d, SEV_WARNING, at(f, a, "p"), "r", "a1");
  diag_sort(&f->d);
  static const char *const order[] = {"a1", "a2 first", "a2 second", "a3", "b1"};
  for (int i = 0; i < 5; i++) assert_string_equal(((Diag *)f->d.items.items[i])->msg, order[i]);
  assert_int_equal(f->d.nerrors, 2);
  assert_int_equal(f->d.nwarnings, 2);
  assert_int_equal(f->d.ninfos, 1);
  diag_promote_warnings(&f->d);
  assert_int_equal(f->d.nerrors, 4);
  assert_int_equal(f->d.nwarnings, 0);
  assert_int_equal(f->d.ninfos, 1);
  assert_int_equal(((Diag *)f->d.items.items[0])->sev, SEV_ERROR);
  assert_int_equal(((Diag *)f->d.items.items[2])->sev, SEV_INFO);
  fix_free(f);
}

/* ---- JSON ---- */

static void test_json_fields(void **state) {
  (void)state;
  Fix *f = fix_new();
  uint32_t file = add_src(f, "dir/t.charter", "partner p \"\xC3\xA9\" {\n  sector nonprofitt,\n    x\n}\n");
  Diag *g = diag_add(&f->d, SEV_ERROR, at(f, file, "nonprofitt"), "attribute", "unknown sector");
  diag_note(&f->d, g, at_nth(f, file, "p", 1), "declared here");
  diag_note_noloc(&f->d, g, "no place");
  Loc two_lines = at(f, file, "nonprofitt");
  two_lines.end = at(f, file, "x").end;
  diag_add(&f->d, SEV_WARNING, two_lines, "w_rule", "over two lines");
  diag_add(&f->d, SEV_INFO, at(f, file, "{"), "i_rule", "after UTF-8");
  char *out = render(f, JSON, 0);
  JVal *v = jparse(out);
  assert_int_equal(v->kind, J_ARR);
  assert_int_equal(v->n, 3);
  assert_string_equal(jstr(v, "0.file"), "dir/t.charter");
  assert_int_equal(jint(v, "0.line"), 2);
  assert_int_equal(jint(v, "0.column"), 10);
  assert_int_equal(jint(v, "0.end_line"), 2);
  assert_int_equal(jint(v, "0.end_column"), 20); /* exclusive */
  assert_string_equal(jstr(v, "0.severity"), "error");
  assert_string_equal(jstr(v, "0.rule"), "attribute");
  assert_string_equal(jstr(v, "0.message"), "unknown sector");
  assert_int_equal(jlen(v, "0.notes"), 2);
  assert_string_equal(jstr(v, "0.notes.0.message"), "declared here");
  assert_string_equal(jstr(v, "0.notes.0.file"), "dir/t.charter");
  assert_int_equal(jint(v, "0.notes.0.line"), 1);
  assert_int_equal(jint(v, "0.notes.0.column"), 9);
  assert_int_equal(jint(v, "0.notes.0.end_column"), 10);
  assert_string_equal(jstr(v, "0.notes.1.message"), "no place");
  assert_string_equal(jstr(v, "1.severity"), "warning");
  assert_int_equal(jint(v, "1.line"), 2);
  assert_int_equal(jint(v, "1.end_line"), 3);
  assert_int_equal(jint(v, "1.end_column"), 6);
  assert_int_equal(jlen(v, "1.notes"), 0);
  assert_string_equal(jstr(v, "2.severity"), "info");
  assert_int_equal(jint(v, "2.column"), 15); /* "é" is one column */
  jfree(v);
  free(out);
  fix_free(f);

  /* No diagnostics: an empty array. */
  f = fix_new();
  out = render(f, JSON, 0);
  v = jparse(out);
  assert_int_equal(v->kind, J_ARR);
  assert_int_equal(v->n, 0);
  jfree(v);
  free(out);
  fix_free(f);
}

static const char NASTY[] = "quote \" back \\ nl \n tab \t cr \r ctl \x01\x1f del \x7f caf\xC3\xA9 \xF0\x9F\x98\x80 </script> {x} %41 ::,";

static void test_json_escaping(void **state) {
  (void)state;
  Fix *f = fix_new();
  uint32_t file = add_src(f, "we\"ird\\path.charter", PARTNER);
  Diag *g = diag_add(&f->d, SEV_ERROR, at(f, file, "p"), "r", "%s", NASTY);
  diag_note(&f->d, g, at(f, file, "p"), "%s", NASTY);
  char *out = render(f, JSON, 0);
  JVal *v = jparse(out);
  assert_string_equal(jstr(v, "0.message"), NASTY);
  assert_string_equal(jstr(v, "0.notes.0.message"), NASTY);
  assert_string_equal(jstr(v, "0.file"), "we\"ird\\path.charter");
  jfree(v);
  free(out);
  fix_free(f);

  /* json_escape on its own: every control character is escaped, and the
   * result reads back as the original. */
  char all[128];
  for (int i = 1; i < 128; i++) all[i - 1] = (char)i;
  all[127] = '\0';
  Buf b = {0};
  buf_putc(&b, '"');
  json_escape(&b, all);
  buf_putc(&b, '"');
  for (size_t i = 0; i < b.len; i++) assert_true((unsigned char)b.data[i] >= 0x20);
  v = jparse(buf_str(&b));
  assert_int_equal(v->kind, J_STR);
  assert_string_equal(v->str, all);
  jfree(v);
  buf_free(&b);
}

/* json, sarif and github stop at DIAG_MACHINE_MAX, then say how many more. */
static void test_machine_cap(void **state) {
  (void)state;
  for (int total = DIAG_MACHINE_MAX; total <= DIAG_MACHINE_MAX + 2; total++) {
    Fix *f = fix_new();
    uint32_t file = add_src(f, "t.charter", PARTNER);
    for (int i = 0; i < total; i++) diag_add(&f->d, SEV_ERROR, at(f, file, "sector"), "r", "number %d", i);
    int more = total - DIAG_MACHINE_MAX, listed = DIAG_MACHINE_MAX + (more > 0);
    char *out = render(f, JSON, 0);
    JVal *v = jparse(out);
    assert_int_equal(jlen(v, ""), listed);
    if (more) {
      char path[32];
      snprintf(path, sizeof path, "%d.rule", DIAG_MACHINE_MAX);
      assert_string_equal(jstr(v, path), "too_many");
      snprintf(path, sizeof path, "%d.message", DIAG_MACHINE_MAX);
      assert_int_equal(strncmp(jstr(v, path), more == 1 ? "1 more diagnostic not shown" : "2 more diagnostics not shown", 20), 0);
    }
    jfree(v);
    free(out);
    out = render(f, SARIF, 0);
    v = jparse(out);
    assert_int_equal(jlen(v, "runs.0.results"), listed);
    jfree(v);
    free(out);
    out = render(f, GITHUB, 0);
    int lines = 0;
    for (const char *s = out; (s = strchr(s, '\n')); s++) lines++;
    assert_int_equal(lines, listed);
    if (more) assert_non_null(strstr(out, "\n::notice title=too_many::"));
    free(out);
    fix_free(f);
  }
}

/* ---- SARIF ---- */

static void test_sarif(void **state) {
  (void)state;
  Fix *f = fix_new();
  uint32_t file = add_src(f, "./dir/my file#1.charter", PARTNER);
  uint32_t other = add_src(f, "caf\xC3\xA9/<x>.charter", PARTNER);
  Diag *g = diag_add(&f->d, SEV_ERROR, at(f, file, "nonprofitt"), "attribute", "unknown \"sector\"");
  diag_note(&f->d, g, at_nth(f, file, "p", 1), "declared here");
  diag_note_noloc(&f->d, g, "no place");
  diag_add(&f->d, SEV_WARNING, at(f, other, "sector"), "my_rule", "a warning");
  diag_add(&f->d, SEV_INFO, at(f, file, "}"), "not_listed", "an info");
  diag_sort(&f->d);
  char *out = render(f, SARIF, 0);
  JVal *v = jparse(out);
  assert_string_equal(jstr(v, "version"), "2.1.0");
  assert_non_null(strstr(jstr(v, "$schema"), "sarif"));
  assert_int_equal(jlen(v, "runs"), 1);
  assert_string_equal(jstr(v, "runs.0.tool.driver.name"), "charter");
  assert_string_equal(jstr(v, "runs.0.tool.driver.version"), "1.2.3");
  assert_string_equal(jstr(v, "runs.0.tool.driver.informationUri"), "https://example.org/charter");
  assert_string_equal(jstr(v, "runs.0.columnKind"), "unicodeCodePoints");
  /* Each rule's name is its id in PascalCase, never the id itself. */
  static const char *const names[] = {"Attribute", "Duplicate", "MyRule"};
  for (int i = 0; i < 3; i++) {
    char path[96];
    snprintf(path, sizeof path, "runs.0.tool.driver.rules.%d.name", i);
    assert_string_equal(jstr(v, path), names[i]);
  }
  /* Every rule with id, short and full description and help. */
  assert_int_equal(jlen(v, "runs.0.tool.driver.rules"), 3);
  for (int i = 0; i < 3; i++) {
    char path[96];
    snprintf(path, sizeof path, "runs.0.tool.driver.rules.%d.id", i);
    assert_string_equal(jstr(v, path), RULES[i].id);
    snprintf(path, sizeof path, "runs.0.tool.driver.rules.%d.shortDescription.text", i);
    assert_string_equal(jstr(v, path), RULES[i].title);
    snprintf(path, sizeof path, "runs.0.tool.driver.rules.%d.fullDescription.text", i);
    assert_string_equal(jstr(v, path), RULES[i].full);
    snprintf(path, sizeof path, "runs.0.tool.driver.rules.%d.help.text", i);
    assert_string_equal(jstr(v, path), RULES[i].help);
  }
  /* Results. */
  assert_int_equal(jlen(v, "runs.0.results"), 3);
  assert_string_equal(jstr(v, "runs.0.results.0.ruleId"), "attribute");
  assert_int_equal(jint(v, "runs.0.results.0.ruleIndex"), 0);
  assert_string_equal(jstr(v, "runs.0.results.0.level"), "error");
  assert_string_equal(jstr(v, "runs.0.results.0.message.text"), "unknown \"sector\"");
  assert_string_equal(jstr(v, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri"),
                      "dir/my%20file%231.charter");
  assert_int_equal(jint(v, "runs.0.results.0.locations.0.physicalLocation.region.startLine"), 2);
  assert_int_equal(jint(v, "runs.0.results.0.locations.0.physicalLocation.region.startColumn"), 10);
  assert_int_equal(jint(v, "runs.0.results.0.locations.0.physicalLocation.region.endLine"), 2);
  assert_int_equal(jint(v, "runs.0.results.0.locations.0.physicalLocation.region.endColumn"), 20);
  /* A note with a place is a related location. */
  assert_int_equal(jlen(v, "runs.0.results.0.relatedLocations"), 1);
  assert_string_equal(jstr(v, "runs.0.results.0.relatedLocations.0.message.text"), "declared here");
  assert_int_equal(jint(v, "runs.0.results.0.relatedLocations.0.physicalLocation.region.startLine"), 1);
  assert_int_equal(jint(v, "runs.0.results.0.relatedLocations.0.physicalLocation.region.startColumn"), 9);
  /* info is "note"; the uri is percent-encoded UTF-8. */
  assert_string_equal(jstr(v, "runs.0.results.1.level"), "note");
  assert_string_equal(jstr(v, "runs.0.results.1.ruleId"), "not_listed");
  assert_string_equal(jstr(v, "runs.0.results.2.level"), "warning");
  assert_int_equal(jint(v, "runs.0.results.2.ruleIndex"), 2);
  assert_string_equal(jstr(v, "runs.0.results.2.locations.0.physicalLocation.artifactLocation.uri"),
                      "caf%C3%A9/%3Cx%3E.charter");
  jfree(v);
  free(out);
  fix_free(f);
}

/* Without a documentation address the driver has no informationUri. */
static void test_sarif_no_information_uri(void **state) {
  (void)state;
  Fix *f = fix_new();
  add_src(f, "a.charter", PARTNER);
  char *m = NULL;
  size_t len = 0;
  FILE *fp = open_memstream(&m, &len);
  assert_non_null(fp);
  diag_print_sarif(fp, &f->d, &f->srcs, RULES, 3, "1.2.3", NULL);
  fclose(fp);
  JVal *v = jparse(m);
  assert_null(jget(v, "runs.0.tool.driver.informationUri"));
  assert_string_equal(jstr(v, "runs.0.tool.driver.rules.2.name"), "MyRule");
  jfree(v);
  free(m);
  fix_free(f);
}

static void test_sarif_uri_never_absolute(void **state) {
  (void)state;
  static const char *const paths[] = {"/tmp/abs.charter", "./x.charter", "././y.charter", "../up/z.charter"};
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    Fix *f = fix_new();
    uint32_t file = add_src(f, paths[i], PARTNER);
    diag_add(&f->d, SEV_ERROR, at(f, file, "p"), "attribute", "m");
    char *out = render(f, SARIF, 0);
    JVal *v = jparse(out);
    const char *uri = jstr(v, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri");
    assert_true(uri[0] != '/');
    assert_null(strstr(uri, "://"));
    assert_int_equal(strncmp(uri, "./", 2) == 0, 0);
    if (i == 1) assert_string_equal(uri, "x.charter");
    if (i == 2) assert_string_equal(uri, "y.charter");
    if (i == 3) assert_string_equal(uri, "../up/z.charter");
    jfree(v);
    free(out);
    fix_free(f);
  }
  /* An absolute path is made relative to the current directory. */
  char cwd[4096];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir("/tmp"), 0);
  static const char *const absolute[][2] = {
      {"/tmp/abs.charter", "abs.charter"}, {"/tmp/d/e.charter", "d/e.charter"}, {"/etc/x.charter", "../etc/x.charter"},
      {"/tmpx/y.charter", "../tmpx/y.charter"}};
  for (size_t i = 0; i < sizeof absolute / sizeof *absolute; i++) {
    Fix *g = fix_new();
    uint32_t file = add_src(g, absolute[i][0], PARTNER);
    diag_add(&g->d, SEV_ERROR, at(g, file, "p"), "attribute", "m");
    char *text = render(g, SARIF, 0);
    JVal *w = jparse(text);
    assert_string_equal(jstr(w, "runs.0.results.0.locations.0.physicalLocation.artifactLocation.uri"), absolute[i][1]);
    jfree(w);
    free(text);
    fix_free(g);
  }
  assert_int_equal(chdir(cwd), 0);
  /* No results: still a valid log. */
  Fix *f = fix_new();
  char *out = render(f, SARIF, 0);
  JVal *v = jparse(out);
  assert_int_equal(jlen(v, "runs.0.results"), 0);
  jfree(v);
  free(out);
  fix_free(f);
}

/* ---- GitHub ---- */

static void test_github(void **state) {
  (void)state;
  Fix *f = fix_new();
  uint32_t file = add_src(f, "t.charter", PARTNER);
  diag_add(&f->d, SEV_ERROR, at(f, file, "nonprofitt"), "attribute", "unknown sector");
  diag_add(&f->d, SEV_WARNING, at(f, file, "p"), "w_rule", "a warning");
  diag_add(&f->d, SEV_INFO, at(f, file, "}"), "i_rule", "an info");
  diag_sort(&f->d);
  expect_output(f, GITHUB, 0,
                "::warning file=t.charter,line=1,col=1,endLine=1,endColumn=2,title=w_rule::a warning\n"
                "::error file=t.charter,line=2,col=10,endLine=2,endColumn=20,title=attribute::unknown sector\n"
                "::notice file=t.charter,line=3,col=1,endLine=3,endColumn=2,title=i_rule::an info\n");
  fix_free(f);
}

static void test_github_escaping(void **state) {
  (void)state;
  Fix *f = fix_new();
  uint32_t file = add_src(f, "a,b:c%d.charter", PARTNER);
  Diag *g = diag_add(&f->d, SEV_ERROR, at(f, file, "p"), "r", "50%% done\r\nnext: a, b");
  diag_note(&f->d, g, at(f, file, "sector"), "see here");
  char *out = render(f, GITHUB, 0);
  /* One annotation is one line. */
  assert_int_equal(strchr(out, '\n'), out + strlen(out) - 1);
  assert_null(strchr(out, '\r'));
  /* Properties escape % CR LF : and ,; the message % CR LF only. */
  assert_int_equal(strncmp(out, "::error file=a%2Cb%3Ac%25d.charter,line=1,", 42), 0);
  assert_non_null(strstr(out, "title=r::50%25 done%0D%0Anext: a, b"));
  /* The note follows on a new (escaped) line of the message. */
  const char *note = strstr(out, "%0A");
  note = strstr(note + 3, "%0A");
  assert_non_null(note);
  assert_non_null(strstr(note, "note: see here"));
  free(out);
  fix_free(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_text_caret_and_tildes),
      cmocka_unit_test(test_text_severities),
      cmocka_unit_test(test_text_notes),
      cmocka_unit_test(test_text_without_source),
      cmocka_unit_test(test_text_columns_and_tabs),
      cmocka_unit_test(test_text_span_edges),
      cmocka_unit_test(test_text_control_characters),
      cmocka_unit_test(test_text_hidden_characters),
      cmocka_unit_test(test_machine_cap),
      cmocka_unit_test(test_text_long_line),
      cmocka_unit_test(test_text_cap_of_fifty),
      cmocka_unit_test(test_colour_only_when_asked),
      cmocka_unit_test(test_summary_singular_plural),
      cmocka_unit_test(test_sort_and_promote),
      cmocka_unit_test(test_json_fields),
      cmocka_unit_test(test_json_escaping),
      cmocka_unit_test(test_sarif),
      cmocka_unit_test(test_sarif_no_information_uri),
      cmocka_unit_test(test_sarif_uri_never_absolute),
      cmocka_unit_test(test_github),
      cmocka_unit_test(test_github_escaping),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
