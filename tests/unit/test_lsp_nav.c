/* The language server's navigation (runtime/lsp_nav.c): definition,
 * references, prepareRename and rename, hover (with a real store, a store
 * that does not exist), document and workspace symbols, folding ranges,
 * over a program of two files on the disk; positions past the end, broken
 * documents, NUL bytes and invalid UTF-8 in an imported file. A server is
 * driven through its messages and each reply read back with jansson. */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "lsp.h"
#include "period.h"
#include "scratch.h"
#include "store.h"

static const char main_text[] = "# Two lines\n"
                                "# of comments\n"
                                "charter \"T\" {\n"
                                "  vision \"\"\"\n"
                                "    A vision\n"
                                "    on two lines\n"
                                "    \"\"\"\n"
                                "  disclosure {\n"
                                "    suppress below 11\n"
                                "  }\n"
                                "}\n"
                                "import \"part.charter\"\n"
                                "outcome employed \"Employed\" { # trailing\n"
                                "  horizon long\n"
                                "  indicator rate, doubled\n"
                                "}\n";

static const char part_text[] = "dimension place \"Place\" {\n"
                                "  groups \"North\", \"South\"\n"
                                "}\n"
                                "indicator rate \"Employment rate\" {\n"
                                "  unit \"%\"\n"
                                "  direction up\n"
                                "  baseline 41 in 2023\n"
                                "  target 60 by 2028\n"
                                "  disaggregate place\n"
                                "  equity place gap 5 by 2028\n"
                                "  note \"Adults <b>in work</b>\"\n"
                                "}\n"
                                "indicator doubled \"Doubled\" {\n"
                                "  formula rate * 2\n"
                                "}\n";

typedef struct Session {
  Scratch sc;
  LspServer *s;
  Buf out;
  int next_id;
  char main_uri[2100], part_uri[2100];
} Session;

static void collect(void *ctx, const char *data, size_t len) { buf_add(ctx, data, len); }

static void send_json(Session *x, json_t *msg) {
  char *body = json_dumps(msg, JSON_COMPACT);
  json_decref(msg);
  Buf b = {0};
  buf_printf(&b, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
  lsp_server_feed(x->s, b.data, b.len);
  buf_free(&b);
  free(body);
}

static void write_file(Session *x, const char *name, const char *text, size_t len) {
  FILE *f = fopen(scratch_path(&x->sc, name), "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, len, f), len);
  fclose(f);
}

static void open_doc(Session *x, const char *uri, const char *text) {
  send_json(x, json_pack("{s:s,s:s,s:{s:{s:s,s:s,s:i,s:s}}}", "jsonrpc", "2.0", "method", "textDocument/didOpen",
                         "params", "textDocument", "uri", uri, "languageId", "charter", "version", 1, "text", text));
}

/* What the next session loads with (CHARTER_PATH), and one more file it
 * writes next to main.charter, when set. */
static const LoadOptions *next_lo;
static const char *extra_name, *extra_text;

static void change_doc(Session *x, const char *uri, const char *text) {
  send_json(x, json_pack("{s:s,s:s,s:{s:{s:s,s:i},s:[{s:s}]}}", "jsonrpc", "2.0", "method",
                         "textDocument/didChange", "params", "textDocument", "uri", uri, "version", 2, "contentChanges",
                         "text", text));
}

/* A server over main.charter and part.charter in a scratch folder; part
 * (written with len bytes) is opened too when open_part. */
static Session *session(const char *main, const char *part, size_t part_len, bool open_part, const char *db) {
  Session *x = calloc(1, sizeof *x);
  assert_non_null(x);
  scratch_init(&x->sc);
  write_file(x, "main.charter", main, strlen(main));
  write_file(x, "part.charter", part, part_len);
  if (extra_name) write_file(x, extra_name, extra_text, strlen(extra_text));
  snprintf(x->main_uri, sizeof x->main_uri, "file://%s/main.charter", x->sc.dir);
  snprintf(x->part_uri, sizeof x->part_uri, "file://%s/part.charter", x->sc.dir);
  x->s = lsp_server_new(collect, &x->out, NULL, next_lo);
  if (db) lsp_server_set_store(x->s, db);
  send_json(x, json_pack("{s:s,s:i,s:s,s:{}}", "jsonrpc", "2.0", "id", 0, "method", "initialize", "params"));
  open_doc(x, x->main_uri, main);
  if (open_part) open_doc(x, x->part_uri, part);
  x->next_id = 1;
  return x;
}

static void session_free(Session *x) {
  lsp_server_free(x->s);
  buf_free(&x->out);
  scratch_free(&x->sc);
  free(x);
}

/* Sends a request and returns its response (the caller decrefs it). */
static json_t *request(Session *x, const char *method, json_t *params) {
  int id = x->next_id++;
  x->out.len = 0;
  send_json(x, json_pack("{s:s,s:i,s:s,s:o}", "jsonrpc", "2.0", "id", id, "method", method, "params", params));
  const char *p = buf_str(&x->out), *end = p + x->out.len;
  json_t *found = NULL;
  while (p < end) {
    size_t n = 0;
    assert_int_equal(sscanf(p, "Content-Length: %zu", &n), 1);
    const char *body = strstr(p, "\r\n\r\n");
    assert_non_null(body);
    body += 4;
    json_error_t err;
    json_t *m = json_loadb(body, n, 0, &err);
    if (!m) fail_msg("not JSON: %s", err.text);
    if (json_integer_value(json_object_get(m, "id")) == id && json_object_get(m, "id")) found = m;
    else json_decref(m);
    p = body + n;
  }
  if (!found) fail_msg("no response to %s", method);
  return found;
}

static json_t *at(Session *x, const char *uri, int line, int ch) {
  (void)x;
  return json_pack("{s:{s:s},s:{s:i,s:i}}", "textDocument", "uri", uri, "position", "line", line, "character", ch);
}

static json_t *doc(const char *uri) { return json_pack("{s:{s:s}}", "textDocument", "uri", uri); }

/* The result of a response, which must not be an error (borrowed from r). */
static json_t *result(json_t *r) {
  json_t *e = json_object_get(r, "error");
  if (e) fail_msg("error %s", json_string_value(json_object_get(e, "message")));
  json_t *v = json_object_get(r, "result");
  assert_non_null(v);
  return v;
}

/* An error response's code and message. */
static int error_of(json_t *r, const char **msg) {
  json_t *e = json_object_get(r, "error");
  if (!e) fail_msg("expected an error, got %s", json_dumps(r, JSON_COMPACT));
  *msg = json_string_value(json_object_get(e, "message"));
  return (int)json_integer_value(json_object_get(e, "code"));
}

/* "L:C-L:C" of a range. */
static void range_text(json_t *range, char *out, size_t n) {
  json_t *s = json_object_get(range, "start"), *e = json_object_get(range, "end");
  snprintf(out, n, "%d:%d-%d:%d", (int)json_integer_value(json_object_get(s, "line")),
           (int)json_integer_value(json_object_get(s, "character")), (int)json_integer_value(json_object_get(e, "line")),
           (int)json_integer_value(json_object_get(e, "character")));
}

/* "main|part L:C-L:C" of a Location. */
static void loc_text(Session *x, json_t *loc, char *out, size_t n) {
  const char *uri = json_string_value(json_object_get(loc, "uri"));
  assert_non_null(uri);
  const char *which = strcmp(uri, x->main_uri) == 0 ? "main" : strcmp(uri, x->part_uri) == 0 ? "part" : "?";
  char r[64];
  range_text(json_object_get(loc, "range"), r, sizeof r);
  snprintf(out, n, "%s %s", which, r);
}

/* Every Location of an array, joined by ", ". */
static void locs_text(Session *x, json_t *arr, char *out, size_t n) {
  out[0] = '\0';
  for (size_t i = 0; i < json_array_size(arr); i++) {
    char one[128];
    loc_text(x, json_array_get(arr, i), one, sizeof one);
    size_t k = strlen(out);
    snprintf(out + k, n - k, "%s%s", i ? ", " : "", one);
  }
}

static void expect_definition(Session *x, const char *uri, int line, int ch, const char *want) {
  json_t *r = request(x, "textDocument/definition", at(x, uri, line, ch));
  json_t *v = result(r);
  if (!want) {
    assert_true(json_is_null(v));
  } else {
    char got[128];
    loc_text(x, v, got, sizeof got);
    assert_string_equal(got, want);
  }
  json_decref(r);
}

static void test_definition(void **state) {
  (void)state;
  Session *x = session(main_text, part_text, sizeof part_text - 1, false, NULL);
  expect_definition(x, x->main_uri, 14, 12, "part 3:10-3:14");  /* rate, from the other file */
  expect_definition(x, x->main_uri, 14, 16, "part 3:10-3:14");  /* just after it */
  expect_definition(x, x->main_uri, 14, 20, "part 12:10-12:17"); /* doubled */
  expect_definition(x, x->main_uri, 14, 999, "part 12:10-12:17"); /* past the line's end: its end */
  expect_definition(x, x->main_uri, 12, 10, "main 12:8-12:16");  /* the id itself */
  expect_definition(x, x->main_uri, 13, 3, NULL);                 /* an attribute name */
  expect_definition(x, x->main_uri, 11, 9, NULL);                 /* an import path */
  expect_definition(x, x->main_uri, 999, 0, NULL);                /* a line past the end */
  open_doc(x, x->part_uri, part_text);
  expect_definition(x, x->part_uri, 8, 16, "part 0:10-0:15");   /* disaggregate place */
  expect_definition(x, x->part_uri, 9, 10, "part 0:10-0:15");   /* the equity line's dimension */
  expect_definition(x, x->part_uri, 9, 15, NULL);               /* gap */
  expect_definition(x, x->part_uri, 13, 11, "part 3:10-3:14");  /* a formula's operand */
  session_free(x);
}

static void test_rule_names(void **state) {
  (void)state;
  static const char text[] = "use rba\n"
                             "indicator rate \"Rate\" { unit \"%\" }\n"
                             "rule named \"Named\" {\n"
                             "  for a in activities\n"
                             "  require rate in a.metric or charter == charter\n"
                             "  message \"{a.id} lacks {rate.id}\"\n"
                             "}\n"
                             "waive named \"later\"\n"
                             "charter \"T\" { waive named \"not yet\" }\n";
  Session *x = session(text, "", 0, false, NULL);
  expect_definition(x, x->main_uri, 4, 10, "main 1:10-1:14");  /* require's name */
  expect_definition(x, x->main_uri, 5, 25, "main 1:10-1:14");  /* in the message */
  expect_definition(x, x->main_uri, 5, 13, NULL);              /* a.id: a variable's field */
  expect_definition(x, x->main_uri, 7, 7, "main 2:5-2:10");    /* a top-level waiver */
  expect_definition(x, x->main_uri, 8, 22, "main 2:5-2:10");   /* a waive attribute */
  expect_definition(x, x->main_uri, 4, 33, "main 8:0-8:7");    /* charter in a rule */
  expect_definition(x, x->main_uri, 0, 5, NULL);               /* a standard module */
  json_t *r = request(x, "textDocument/references",
                      json_pack("{s:{s:s},s:{s:i,s:i},s:{s:b}}", "textDocument", "uri", x->main_uri, "position", "line",
                                2, "character", 6, "context", "includeDeclaration", 1));
  char got[512];
  locs_text(x, result(r), got, sizeof got);
  assert_string_equal(got, "main 2:5-2:10, main 7:6-7:11, main 8:20-8:25");
  json_decref(r);
  r = request(x, "textDocument/references", at(x, x->main_uri, 0, 5)); /* the module's uses */
  locs_text(x, result(r), got, sizeof got);
  assert_string_equal(got, "main 0:4-0:7");
  json_decref(r);
  r = request(x, "textDocument/hover", at(x, x->main_uri, 0, 5));
  assert_string_equal(json_string_value(json_object_get(json_object_get(result(r), "contents"), "value")),
                      "**module** `rba`, from the standard library");
  json_decref(r);
  session_free(x);
}

static void test_references(void **state) {
  (void)state;
  Session *x = session(main_text, part_text, sizeof part_text - 1, true, NULL);
  json_t *r = request(x, "textDocument/references",
                      json_pack("{s:{s:s},s:{s:i,s:i},s:{s:b}}", "textDocument", "uri", x->part_uri, "position", "line",
                                3, "character", 11, "context", "includeDeclaration", 1));
  char got[512];
  locs_text(x, result(r), got, sizeof got);
  assert_string_equal(got, "main 14:12-14:16, part 3:10-3:14, part 13:10-13:14");
  json_decref(r);
  r = request(x, "textDocument/references", at(x, x->main_uri, 14, 13)); /* no context: without the declaration */
  locs_text(x, result(r), got, sizeof got);
  assert_string_equal(got, "main 14:12-14:16, part 13:10-13:14");
  json_decref(r);
  r = request(x, "textDocument/references", at(x, x->part_uri, 0, 11));
  locs_text(x, result(r), got, sizeof got);
  assert_string_equal(got, "part 8:15-8:20, part 9:9-9:14");
  json_decref(r);
  r = request(x, "textDocument/references", at(x, x->part_uri, 1, 3)); /* an attribute name */
  assert_true(json_is_null(result(r)));
  json_decref(r);
  session_free(x);
}

/* The edits of a WorkspaceEdit: "main L:C-L:C=new" joined by ", ", files in
 * name order. */
static void edits_text(Session *x, json_t *we, char *out, size_t n) {
  out[0] = '\0';
  json_t *changes = json_object_get(we, "changes");
  assert_non_null(changes);
  const char *uris[2] = {x->main_uri, x->part_uri}, *names[2] = {"main", "part"};
  assert_true(json_object_size(changes) <= 2);
  for (int f = 0; f < 2; f++) {
    json_t *list = json_object_get(changes, uris[f]);
    for (size_t i = 0; i < json_array_size(list); i++) {
      json_t *ed = json_array_get(list, i);
      char r[64];
      range_text(json_object_get(ed, "range"), r, sizeof r);
      size_t k = strlen(out);
      snprintf(out + k, n - k, "%s%s %s=%s", k ? ", " : "", names[f], r,
               json_string_value(json_object_get(ed, "newText")));
    }
  }
}

static json_t *rename_at(Session *x, const char *uri, int line, int ch, const char *name) {
  json_t *p = at(x, uri, line, ch);
  json_object_set_new(p, "newName", json_string(name));
  return request(x, "textDocument/rename", p);
}

static void expect_rename_error(Session *x, int line, int ch, const char *name, int code, const char *want) {
  json_t *r = rename_at(x, x->main_uri, line, ch, name);
  const char *msg;
  assert_int_equal(error_of(r, &msg), code);
  if (!strstr(msg, want)) fail_msg("'%s' does not hold '%s'", msg, want);
  json_decref(r);
}

static void test_rename(void **state) {
  (void)state;
  Session *x = session(main_text, part_text, sizeof part_text - 1, false, NULL);
  json_t *r = request(x, "textDocument/prepareRename", at(x, x->main_uri, 14, 14));
  char got[1024];
  range_text(json_object_get(result(r), "range"), got, sizeof got);
  assert_string_equal(got, "14:12-14:16");
  assert_string_equal(json_string_value(json_object_get(result(r), "placeholder")), "rate");
  json_decref(r);
  r = rename_at(x, x->main_uri, 14, 14, "employment");
  edits_text(x, result(r), got, sizeof got);
  assert_string_equal(got, "main 14:12-14:16=employment, part 3:10-3:14=employment, part 13:10-13:14=employment");
  json_decref(r);
  expect_rename_error(x, 14, 14, "2x", -32602, "is not an id");
  expect_rename_error(x, 14, 14, "a-b", -32602, "is not an id");
  expect_rename_error(x, 14, 14, "", -32602, "is not an id");
  expect_rename_error(x, 14, 14, "caf\xc3\xa9", -32602, "is not an id");
  expect_rename_error(x, 14, 14, "outcome", -32602, "reserved word");
  expect_rename_error(x, 14, 14, "employed", -32803, "'employed' is already declared (an outcome at ");
  expect_rename_error(x, 2, 2, "c", -32803, "the charter block");
  expect_rename_error(x, 13, 3, "c", -32803, "no declaration's id here");
  r = request(x, "textDocument/rename", at(x, x->main_uri, 14, 14)); /* no newName */
  const char *msg;
  assert_int_equal(error_of(r, &msg), -32602);
  json_decref(r);
  r = request(x, "textDocument/prepareRename", at(x, x->main_uri, 0, 3)); /* a comment */
  assert_int_equal(error_of(r, &msg), -32803);
  json_decref(r);
  session_free(x);
  /* A standard-library id. */
  x = session("use dimensions\nindicator r \"R\" { disaggregate income }\n", "", 0, false, NULL);
  r = request(x, "textDocument/prepareRename", at(x, x->main_uri, 1, 36));
  assert_int_equal(error_of(r, &msg), -32803);
  assert_non_null(strstr(msg, "'income' is declared in the standard library"));
  json_decref(r);
  expect_definition(x, x->main_uri, 1, 36, NULL); /* no file to open */
  r = request(x, "textDocument/references", at(x, x->main_uri, 1, 36));
  char refs[256];
  locs_text(x, result(r), refs, sizeof refs);
  assert_string_equal(refs, "main 1:31-1:37");
  json_decref(r);
  char *h = NULL;
  r = request(x, "textDocument/hover", at(x, x->main_uri, 1, 36));
  h = xstrdup(json_string_value(json_object_get(json_object_get(result(r), "contents"), "value")));
  assert_string_equal(h, "**dimension** `income`: Household income\n\nFrom the standard library.");
  free(h);
  json_decref(r);
  r = request(x, "textDocument/prepareRename", at(x, x->main_uri, 0, 5));
  assert_int_equal(error_of(r, &msg), -32803);
  assert_non_null(strstr(msg, "module"));
  json_decref(r);
  session_free(x);
}

/* Rename refuses a new id that a rule would read as a variable, a
 * collection or the charter, or that a standard module declares (used or
 * not), and a declaration of a module read from CHARTER_PATH. */
static void test_rename_meaning(void **state) {
  (void)state;
  static const char text[] = "indicator rate \"R\" {\n"
                             "  unit \"%\"\n"
                             "}\n"
                             "rule r1 \"Rates have units\" {\n"
                             "  for i in indicators\n"
                             "  require exists(i.unit) or count(k in indicators: k == rate) > 0\n"
                             "  message \"{i.id} and {count(m in indicators: exists(m.unit))}\"\n"
                             "}\n";
  Session *x = session(text, "", 0, false, NULL);
  expect_rename_error(x, 0, 11, "i", -32803, "'i' is a variable of rule 'r1'");
  expect_rename_error(x, 0, 11, "k", -32803, "'k' is a variable of rule 'r1'");
  expect_rename_error(x, 0, 11, "m", -32803, "'m' is a variable of rule 'r1'");
  expect_rename_error(x, 0, 11, "activities", -32803, "'activities' names a collection in rules");
  expect_rename_error(x, 0, 11, "indicators", -32803, "such as indicators_1");
  expect_rename_error(x, 0, 11, "income", -32803, "declared by the standard module dimensions");
  expect_rename_error(x, 0, 11, "charter", -32602, "reserved word");
  json_t *r = rename_at(x, x->main_uri, 0, 11, "rate2");
  char got[512];
  edits_text(x, result(r), got, sizeof got);
  assert_string_equal(got, "main 0:10-0:14=rate2, main 5:56-5:60=rate2");
  json_decref(r);
  r = rename_at(x, x->main_uri, 0, 11, "rate"); /* its own id: nothing to refuse */
  result(r);
  json_decref(r);
  session_free(x);
  /* A module from CHARTER_PATH, named like an imported file of the project. */
  Scratch lib;
  scratch_init(&lib);
  FILE *f = fopen(scratch_path(&lib, "part.charter"), "wb");
  assert_non_null(f);
  fputs("indicator common \"Common\" {\n  unit \"%\"\n}\n", f);
  fclose(f);
  LoadOptions lo = {lib.dir, NULL};
  next_lo = &lo;
  x = session("import \"part.charter\"\nuse part\noutcome o \"O\" {\n  horizon long\n  indicator common, own\n}\n",
              "indicator own \"Own\" {\n  unit \"%\"\n}\n", 31, false, NULL);
  next_lo = NULL;
  r = request(x, "textDocument/prepareRename", at(x, x->main_uri, 4, 13));
  const char *msg;
  assert_int_equal(error_of(r, &msg), -32803);
  if (!strstr(msg, "'common' is declared in a shared module (") || !strstr(msg, "part.charter), which other programs read too; rename it there"))
    fail_msg("%s", msg);
  json_decref(r);
  expect_rename_error(x, 4, 13, "mine", -32803, "shared module");
  r = rename_at(x, x->main_uri, 4, 21, "mine"); /* the imported file's own id */
  edits_text(x, result(r), got, sizeof got);
  assert_string_equal(got, "main 4:20-4:23=mine, part 0:10-0:13=mine");
  json_decref(r);
  /* use part is the module, not the imported file of that name. */
  char *h = NULL;
  r = request(x, "textDocument/hover", at(x, x->main_uri, 1, 5));
  h = xstrdup(json_string_value(json_object_get(json_object_get(result(r), "contents"), "value")));
  json_decref(r);
  char want[2400];
  snprintf(want, sizeof want, "**module** `part`: %s", scratch_path(&lib, "part.charter"));
  assert_string_equal(h, want);
  free(h);
  r = request(x, "textDocument/definition", at(x, x->main_uri, 1, 5));
  const char *uri = json_string_value(json_object_get(result(r), "uri"));
  assert_non_null(uri);
  assert_non_null(strstr(uri, lib.dir));
  json_decref(r);
  session_free(x);
  scratch_free(&lib);
  /* use equity is the standard module, not an imported equity.charter. */
  extra_name = "equity.charter";
  extra_text = "indicator mine \"Mine\" {\n  unit \"%\"\n}\n";
  x = session("import \"equity.charter\"\nuse equity\n", "", 0, false, NULL);
  extra_name = extra_text = NULL;
  r = request(x, "textDocument/hover", at(x, x->main_uri, 1, 6));
  assert_string_equal(json_string_value(json_object_get(json_object_get(result(r), "contents"), "value")),
                      "**module** `equity`, from the standard library");
  json_decref(r);
  expect_definition(x, x->main_uri, 1, 6, NULL);
  session_free(x);
}

/* The hover's markdown at a place, or NULL for a null result (malloc'd). */
static char *hover_at(Session *x, const char *uri, int line, int ch) {
  json_t *r = request(x, "textDocument/hover", at(x, uri, line, ch));
  json_t *v = result(r);
  char *out = NULL;
  if (!json_is_null(v)) {
    json_t *c = json_object_get(v, "contents");
    assert_string_equal(json_string_value(json_object_get(c, "kind")), "markdown");
    out = xstrdup(json_string_value(json_object_get(c, "value")));
  }
  json_decref(r);
  return out;
}

static const char rate_hover[] = "**indicator** `rate`: Employment rate\n\n"
                                 "Adults \\<b\\>in work\\</b\\>\n\n"
                                 "- unit: %\n- direction: up\n- baseline: 41 in 2023\n- target: 60 by 2028";

static void test_hover(void **state) {
  (void)state;
  Session *x = session(main_text, part_text, sizeof part_text - 1, false, NULL);
  char *h = hover_at(x, x->main_uri, 14, 13);
  assert_string_equal(h, rate_hover);
  free(h);
  h = hover_at(x, x->main_uri, 13, 4);
  assert_string_equal(h, "**attribute** `horizon` of an outcome\n\none of a fixed set of words: `short`, "
                         "`intermediate`, `long`; required\n\n```charter\nhorizon short\n```");
  free(h);
  h = hover_at(x, x->main_uri, 7, 4);
  assert_string_equal(h, "**block** `disclosure` of a charter");
  free(h);
  h = hover_at(x, x->main_uri, 2, 3);
  assert_string_equal(h, "**charter**: T");
  free(h);
  assert_null(hover_at(x, x->main_uri, 10, 0));
  assert_null(hover_at(x, x->main_uri, 5000, 0));
  session_free(x);
}

/* A store with a value of rate in 2025 (doubled is computed from it),
 * from counts num of den (NAN: none). */
static void make_store(const char *path, double value, double num, double den) {
  char err[1024] = "";
  Store *db = store_open(path, STORE_WRITE, "", err, sizeof err);
  if (!db) fail_msg("store_open: %s", err);
  int64_t id = 0;
  assert_int_equal(db->m->begin(db, true), STORE_OK);
  assert_int_equal(db->m->record_import(db, "data.csv", "2025-01-01T00:00:00Z", &id), STORE_OK);
  StoreRow row = {.indicator = "rate", .dimension = "", .group = "", .period = "2025", .period_len = 4,
                  .period_end = "2025-12-31", .value = value, .numerator = num, .denominator = den, .flags = 0,
                  .source = "", .note = ""};
  StorePut put;
  StoreStored old;
  assert_int_equal(db->m->put(db, &row, 1, false, &put, &old), STORE_OK);
  assert_int_equal(db->m->commit(db), STORE_OK);
  store_close(db);
}

static void test_hover_store(void **state) {
  (void)state;
  Scratch st;
  scratch_init(&st);
  char db[2100];
  snprintf(db, sizeof db, "%s", scratch_path(&st, "m.db"));
  make_store(db, 46.5, NAN, NAN);
  Session *x = session(main_text, part_text, sizeof part_text - 1, false, db);
  char *h = hover_at(x, x->main_uri, 14, 13);
  char want[2048];
  snprintf(want, sizeof want, "%s\n\n**Latest:** 46.5%% in 2025  \n**Status:** off track", rate_hover);
  assert_string_equal(h, want);
  free(h);
  h = hover_at(x, x->main_uri, 14, 20);
  assert_string_equal(h, "**indicator** `doubled`: Doubled\n\n**Latest:** 93 in 2025  \n**Status:** no target");
  free(h);
  session_free(x);
  /* A store that does not exist: one line, and no file made. */
  char missing[2100];
  snprintf(missing, sizeof missing, "%s", scratch_path(&st, "none.db"));
  x = session(main_text, part_text, sizeof part_text - 1, false, missing);
  h = hover_at(x, x->main_uri, 14, 13);
  assert_non_null(strstr(h, "\n\nThe store could not be read: "));
  assert_null(strchr(strstr(h, "The store could not"), '\n'));
  free(h);
  session_free(x);
  assert_int_equal(access(missing, F_OK), -1);
  /* Readings are kept: while the program has errors, the last check
   * without errors answers, for that store and under that disclosure
   * block only. */
  x = session(main_text, part_text, sizeof part_text - 1, false, db);
  free(hover_at(x, x->main_uri, 14, 13)); /* no errors: read and kept */
  char broken[1024];
  snprintf(broken, sizeof broken, "%s", main_text);
  memcpy(strstr(broken, "horizon long"), "horizon lonk", 12);
  change_doc(x, x->main_uri, broken);
  h = hover_at(x, x->main_uri, 14, 13);
  snprintf(want, sizeof want,
           "%s\n\n**Latest:** 46.5%% in 2025  \n**Status:** off track\n\nFrom the last check without errors: the "
           "store is not read while the program has errors.",
           rate_hover);
  assert_string_equal(h, want);
  free(h);
  h = hover_at(x, x->main_uri, 14, 20); /* every indicator of that evaluation */
  assert_string_equal(h, "**indicator** `doubled`: Doubled\n\n**Latest:** 93 in 2025  \n**Status:** no target\n\n"
                         "From the last check without errors: the store is not read while the program has errors.");
  free(h);
  session_free(x);
  /* An edit to the indicator (here: what it is disaggregated by, which
   * decides what is withheld) while the program has errors: nothing kept
   * applies either, since the kept line may no longer be shown. */
  x = session(main_text, part_text, sizeof part_text - 1, true, db);
  free(hover_at(x, x->main_uri, 14, 13));
  change_doc(x, x->main_uri, broken);
  h = hover_at(x, x->main_uri, 14, 13);
  assert_non_null(strstr(h, "From the last check without errors"));
  free(h);
  char part2[1024];
  snprintf(part2, sizeof part2, "%s", part_text);
  memcpy(strstr(part2, "disaggregate place"), "disaggregate plax", 17);
  change_doc(x, x->part_uri, part2);
  h = hover_at(x, x->main_uri, 14, 13);
  snprintf(want, sizeof want, "The store is not read while the program has errors.");
  assert_non_null(strstr(h, want));
  assert_null(strstr(h, "Latest"));
  free(h);
  session_free(x);
  x = session(main_text, part_text, sizeof part_text - 1, false, db);
  free(hover_at(x, x->main_uri, 14, 13));
  change_doc(x, x->main_uri, broken);
  /* another disclosure block: nothing kept applies */
  memcpy(strstr(broken, "below 11"), "below 12", 8);
  change_doc(x, x->main_uri, broken);
  h = hover_at(x, x->main_uri, 14, 13);
  snprintf(want, sizeof want, "%s\n\nThe store is not read while the program has errors.", rate_hover);
  assert_string_equal(h, want);
  free(h);
  session_free(x);
  /* A program with errors: the store is not read. */
  x = session("indicator rate \"R\" { unit 5 }\n", "", 0, false, db);
  h = hover_at(x, x->main_uri, 0, 11);
  assert_string_equal(h, "**indicator** `rate`: R\n\nThe store is not read while the program has errors.");
  free(h);
  session_free(x);
  /* A value from 5 events, which the charter's policy (suppress below 11)
   * withholds. */
  scratch_rm(db);
  unlink(db);
  make_store(db, 50, 5, 10);
  x = session(main_text, part_text, sizeof part_text - 1, false, db);
  h = hover_at(x, x->main_uri, 14, 13);
  snprintf(want, sizeof want,
           "%s\n\n**Latest:** withheld by the disclosure policy (2025)  \n**Status:** not shown while the "
           "latest value is withheld",
           rate_hover);
  assert_string_equal(h, want);
  free(h);
  session_free(x);
  scratch_free(&st);
}

static void test_symbols(void **state) {
  (void)state;
  Session *x = session(main_text, part_text, sizeof part_text - 1, true, NULL);
  json_t *r = request(x, "textDocument/documentSymbol", doc(x->main_uri));
  json_t *v = result(r);
  assert_int_equal(json_array_size(v), 2);
  json_t *c = json_array_get(v, 0), *o = json_array_get(v, 1);
  assert_string_equal(json_string_value(json_object_get(c, "name")), "charter");
  assert_int_equal(json_integer_value(json_object_get(c, "kind")), 2);
  char got[256];
  range_text(json_object_get(c, "range"), got, sizeof got);
  assert_string_equal(got, "2:0-10:1");
  range_text(json_object_get(c, "selectionRange"), got, sizeof got);
  assert_string_equal(got, "2:0-2:7");
  assert_string_equal(json_string_value(json_object_get(o, "name")), "employed");
  assert_string_equal(json_string_value(json_object_get(o, "detail")), "Employed");
  assert_int_equal(json_integer_value(json_object_get(o, "kind")), 19);
  range_text(json_object_get(o, "selectionRange"), got, sizeof got);
  assert_string_equal(got, "12:8-12:16");
  json_decref(r);
  /* Both documents share one program: each declaration once. */
  r = request(x, "workspace/symbol", json_pack("{s:s}", "query", "PLAC"));
  v = result(r);
  assert_int_equal(json_array_size(v), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(v, 0), "name")), "place");
  json_decref(r);
  r = request(x, "workspace/symbol", json_pack("{s:s}", "query", "employment R")); /* a title */
  assert_int_equal(json_array_size(result(r)), 1);
  json_decref(r);
  r = request(x, "workspace/symbol", json_pack("{}"));
  assert_int_equal(json_array_size(result(r)), 5); /* charter, employed, place, rate, doubled */
  json_decref(r);
  session_free(x);
  /* The cap. */
  Buf big = {0};
  for (int i = 0; i < 1100; i++) buf_printf(&big, "partner p%d \"P\" { sector nonprofit }\n", i);
  x = session(buf_str(&big), "", 0, false, NULL);
  r = request(x, "workspace/symbol", json_pack("{s:s}", "query", "p"));
  assert_int_equal(json_array_size(result(r)), 1000);
  json_decref(r);
  r = request(x, "textDocument/documentSymbol", doc(x->main_uri));
  assert_int_equal(json_array_size(result(r)), 1100);
  json_decref(r);
  session_free(x);
  buf_free(&big);
}

static void test_folding(void **state) {
  (void)state;
  Session *x = session(main_text, part_text, sizeof part_text - 1, false, NULL);
  json_t *r = request(x, "textDocument/foldingRange", doc(x->main_uri));
  char *got = json_dumps(result(r), JSON_COMPACT);
  assert_string_equal(got, "[{\"startLine\":0,\"endLine\":1,\"kind\":\"comment\"},{\"startLine\":2,\"endLine\":10},"
                           "{\"startLine\":3,\"endLine\":6},{\"startLine\":7,\"endLine\":9},"
                           "{\"startLine\":12,\"endLine\":15}]");
  free(got);
  json_decref(r);
  session_free(x);
}

/* Broken text, NUL bytes and invalid UTF-8: answers, never a crash, and
 * every reply valid JSON (request() parses each). */
static void test_hostile(void **state) {
  (void)state;
  static const char part[] = "indicator rate \"R\xff\xfe\" {\n  unit \"%\"\n  no\0te \"x\"\n}\n\0\0garbage {{{\n";
  static const char broken[] = "import \"part.charter\"\noutcome o \"O\" {\n  indicator rate\n  horizon\n}\n"
                               "rule r \"R\" { require {\n# a\n# b\n";
  Session *x = session(broken, part, sizeof part - 1, false, NULL);
  static const char *const methods[] = {"textDocument/definition", "textDocument/references",
                                        "textDocument/prepareRename", "textDocument/hover"};
  for (int line = 0; line < 9; line++)
    for (int ch = 0; ch < 26; ch += 1)
      for (size_t m = 0; m < sizeof methods / sizeof *methods; m++) json_decref(request(x, methods[m], at(x, x->main_uri, line, ch)));
  /* The file with bad bytes declares nothing (the scanner refuses it), so
   * rate names nothing; the outcome, kept past its broken statement, is
   * there. */
  assert_null(hover_at(x, x->main_uri, 2, 13));
  char *h = hover_at(x, x->main_uri, 1, 8);
  assert_string_equal(h, "**outcome** `o`: O");
  free(h);
  json_t *r = rename_at(x, x->main_uri, 1, 8, "o2");
  char got[512];
  edits_text(x, result(r), got, sizeof got);
  assert_string_equal(got, "main 1:8-1:9=o2");
  json_decref(r);
  json_decref(request(x, "textDocument/documentSymbol", doc(x->main_uri)));
  json_decref(request(x, "textDocument/foldingRange", doc(x->main_uri)));
  r = request(x, "workspace/symbol", json_pack("{s:i}", "query", 5)); /* a query of the wrong type: all */
  assert_true(json_array_size(result(r)) >= 1);
  json_decref(r);
  /* Wrong params: errors or null, never a crash. */
  r = request(x, "textDocument/definition", json_pack("{s:{s:s},s:{s:s,s:i}}", "textDocument", "uri", x->main_uri,
                                                       "position", "line", "x", "character", 0));
  const char *msg;
  assert_int_equal(error_of(r, &msg), -32602);
  json_decref(r);
  r = request(x, "textDocument/rename", json_pack("{s:{s:s},s:{s:i,s:i},s:i}", "textDocument", "uri", x->main_uri,
                                                   "position", "line", 2, "character", 13, "newName", 7));
  assert_int_equal(error_of(r, &msg), -32602);
  json_decref(r);
  r = request(x, "textDocument/hover", at(x, x->main_uri, -1, 0));
  assert_true(json_is_null(result(r)));
  json_decref(r);
  session_free(x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_definition), cmocka_unit_test(test_rule_names), cmocka_unit_test(test_references),
      cmocka_unit_test(test_rename),     cmocka_unit_test(test_hover),      cmocka_unit_test(test_hover_store),
      cmocka_unit_test(test_symbols),    cmocka_unit_test(test_folding),    cmocka_unit_test(test_hostile),
      cmocka_unit_test(test_rename_meaning),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
