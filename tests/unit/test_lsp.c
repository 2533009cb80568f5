/* The language server's engine (runtime/lsp.c): the Content-Length reader
 * fed whole, split at every byte and byte by byte; bad headers, a body too
 * large and an input cut short; UTF-16 positions; a session answered the
 * same however its bytes arrive; open buffers standing for imports. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "lsp.h"
#include "scratch.h"

/* What a reader yields: "M:body" per message, "E<code>" per error, joined by '|'. */
static void drain(LspReader *r, Buf *out) {
  for (;;) {
    const char *body;
    size_t len;
    int code;
    char err[256];
    LspRead k = lsp_reader_next(r, &body, &len, &code, err, sizeof err);
    if (k == LSP_READ_NONE) return;
    if (k == LSP_READ_MESSAGE) {
      buf_puts(out, "M:");
      buf_add(out, body, len);
    } else {
      buf_printf(out, "E%d", code);
    }
    buf_putc(out, '|');
  }
}

static void read_eof(LspReader *r, Buf *out) {
  int code;
  char err[256];
  if (lsp_reader_eof(r, &code, err, sizeof err) == LSP_READ_ERROR) buf_printf(out, "EOF%d|", code);
}

/* The reader's events for data fed in pieces of step bytes (0: whole). */
static char *events(const char *data, size_t n, size_t step, size_t max) {
  LspReader r;
  lsp_reader_init(&r, max);
  Buf out = {0};
  if (!step) step = n ? n : 1;
  for (size_t i = 0; i < n; i += step) {
    lsp_reader_feed(&r, data + i, n - i < step ? n - i : step);
    drain(&r, &out);
  }
  read_eof(&r, &out);
  lsp_reader_free(&r);
  char *e = xstrdup(buf_str(&out));
  buf_free(&out);
  return e;
}

static const char stream[] =
    "Content-Length: 2\r\n\r\n{}"
    "content-type: application/vscode-jsonrpc; charset=utf-8\r\nCONTENT-LENGTH:  7 \r\n\r\n[1,2,3]"
    "Content-Length: 0\r\n\r\n"
    "X-Other: y\r\nContent-Length: 5\r\n\r\n\"\xc3\xa9\" ";

static void test_whole(void **state) {
  (void)state;
  char *e = events(stream, sizeof stream - 1, 0, LSP_MAX_MESSAGE);
  assert_string_equal(e, "M:{}|M:[1,2,3]|M:|M:\"\xc3\xa9\" |");
  free(e);
}

static void test_byte_by_byte(void **state) {
  (void)state;
  char *whole = events(stream, sizeof stream - 1, 0, LSP_MAX_MESSAGE);
  char *bytes = events(stream, sizeof stream - 1, 1, LSP_MAX_MESSAGE);
  assert_string_equal(bytes, whole);
  for (size_t step = 2; step < 20; step++) {
    char *e = events(stream, sizeof stream - 1, step, LSP_MAX_MESSAGE);
    assert_string_equal(e, whole);
    free(e);
  }
  free(whole);
  free(bytes);
}

/* Split in two at every byte. */
static void test_every_split(void **state) {
  (void)state;
  size_t n = sizeof stream - 1;
  for (size_t k = 0; k <= n; k++) {
    LspReader r;
    lsp_reader_init(&r, LSP_MAX_MESSAGE);
    Buf out = {0};
    lsp_reader_feed(&r, stream, k);
    drain(&r, &out);
    lsp_reader_feed(&r, stream + k, n - k);
    drain(&r, &out);
    read_eof(&r, &out);
    assert_string_equal(buf_str(&out), "M:{}|M:[1,2,3]|M:|M:\"\xc3\xa9\" |");
    buf_free(&out);
    lsp_reader_free(&r);
  }
}

/* Bad headers: an error, then the bytes up to the next Content-Length are
 * skipped and the message there is read. */
static void test_bad_headers(void **state) {
  (void)state;
  static const char *const bad[] = {
      "Content-Length: x1\r\n\r\n{}",                      /* not a number */
      "Content-Length: -1\r\n\r\n{}",                      /* not a number */
      "Content-Length: \r\n\r\n{}",                        /* empty */
      "Content-Length: 2\n\n{}",                           /* bare \n */
      "no colon here\r\n\r\n",                             /* not Name: value */
      ": empty name\r\n\r\n",                              /* no name */
      "Content-Type: a\r\n\r\n{}",                         /* no Content-Length */
      "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", /* two lengths */
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    Buf in = {0};
    buf_puts(&in, bad[i]);
    buf_puts(&in, "Content-Length: 1\r\n\r\n7");
    for (size_t step = 0; step <= 3; step++) {
      char *e = events(in.data, in.len, step, LSP_MAX_MESSAGE);
      assert_string_equal(e, "E-32700|M:7|");
      free(e);
    }
    buf_free(&in);
  }
  /* The same length twice is one length. */
  char *e = events("Content-Length: 1\r\nContent-Length: 1\r\n\r\n7", 41, 1, LSP_MAX_MESSAGE);
  assert_string_equal(e, "M:7|");
  free(e);
}

/* A header block that never ends is refused after LSP_MAX_HEADER bytes. */
static void test_endless_header(void **state) {
  (void)state;
  size_t n = LSP_MAX_HEADER + 100;
  char *data = xmalloc(n + 32);
  memset(data, 'a', n);
  memcpy(data + n, "Content-Length: 1\r\n\r\nz", 22);
  char *e = events(data, n + 22, 1, LSP_MAX_MESSAGE);
  assert_string_equal(e, "E-32700|M:z|");
  free(e);
  free(data);
}

/* A body over the cap: -32600 and skipped, however it arrives. */
static void test_too_large(void **state) {
  (void)state;
  static const char big[] = "Content-Length: 12\r\n\r\n0123456789ab"
                            "Content-Length: 3\r\n\r\nxyz"
                            "Content-Length: 99999999999999999999999\r\n\r\n";
  for (size_t step = 0; step <= 4; step++) {
    char *e = events(big, sizeof big - 1, step, 10);
    assert_string_equal(e, "E-32600|M:xyz|E-32600|EOF-32700|");
    free(e);
  }
}

static void test_eof(void **state) {
  (void)state;
  char *e = events("Content-Length: 10\r\n\r\n{}", 24, 1, LSP_MAX_MESSAGE);
  assert_string_equal(e, "EOF-32700|");
  free(e);
  e = events("Content-Len", 11, 0, LSP_MAX_MESSAGE);
  assert_string_equal(e, "EOF-32700|");
  free(e);
  e = events("", 0, 0, LSP_MAX_MESSAGE);
  assert_string_equal(e, "");
  free(e);
}

static void test_positions(void **state) {
  (void)state;
  SrcSet set = {0};
  /* BOM, then "é𝄞x" on line 1, an invalid byte on line 2. */
  static const char text[] = "\xef\xbb\xbf\xc3\xa9\xf0\x9d\x84\x9ex\n\xffy\n";
  src_add(&set, "t.charter", NULL, text, sizeof text - 1, false, false);
  Src *s = src_get(&set, 0);
  int line, ch;
  lsp_position(s, 3, &line, &ch);
  assert_int_equal(line, 0);
  assert_int_equal(ch, 0);
  lsp_position(s, 5, &line, &ch); /* after é */
  assert_int_equal(ch, 1);
  lsp_position(s, 9, &line, &ch); /* after the G clef: two units */
  assert_int_equal(ch, 3);
  lsp_position(s, 10, &line, &ch);
  assert_int_equal(ch, 4);
  lsp_position(s, 13, &line, &ch); /* after the invalid byte and y */
  assert_int_equal(line, 1);
  assert_int_equal(ch, 2);
  lsp_position(s, 1000, &line, &ch); /* past the end: clamped */
  assert_int_equal(line, 2);
  assert_int_equal(ch, 0);
  src_set_free(&set);
}

static void collect(void *ctx, const char *data, size_t len) { buf_add(ctx, data, len); }

static void frame(Buf *b, const char *json) { buf_printf(b, "Content-Length: %zu\r\n\r\n%s", strlen(json), json); }

/* A whole session answered alike whole and byte by byte; exit status 0. */
static void test_session(void **state) {
  (void)state;
  Buf in = {0};
  frame(&in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}");
  frame(&in, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":{\"textDocument\":"
             "{\"uri\":\"file:///nonexistent-charter-dir/a.charter\",\"text\":\"charter \\\"T\\\" { vision 1 }\\n\"}}}");
  frame(&in, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"nope\"}");
  frame(&in, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"shutdown\"}");
  frame(&in, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
  frame(&in, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"shutdown\"}"); /* after exit: not read */
  Buf whole = {0}, bytes = {0};
  LspServer *s = lsp_server_new(collect, &whole, NULL, NULL);
  assert_false(lsp_server_feed(s, in.data, in.len));
  assert_int_equal(lsp_server_exit_code(s), 0);
  lsp_server_free(s);
  s = lsp_server_new(collect, &bytes, NULL, NULL);
  bool more = true;
  for (size_t i = 0; i < in.len && more; i++) more = lsp_server_feed(s, in.data + i, 1);
  assert_false(more);
  lsp_server_free(s);
  assert_string_equal(buf_str(&bytes), buf_str(&whole));
  assert_non_null(strstr(buf_str(&whole), "\"id\":1,\"result\":{\"capabilities\""));
  assert_non_null(strstr(buf_str(&whole), "\"code\":\"attribute\""));
  assert_non_null(strstr(buf_str(&whole), "\"id\":2,\"error\":{\"code\":-32601"));
  assert_non_null(strstr(buf_str(&whole), "\"id\":3,\"result\":null"));
  assert_null(strstr(buf_str(&whole), "\"id\":4"));
  buf_free(&in);
  buf_free(&whole);
  buf_free(&bytes);
}

/* No shutdown: status 1 at the end of the input. */
static void test_no_shutdown(void **state) {
  (void)state;
  Buf in = {0}, out = {0};
  frame(&in, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}");
  LspServer *s = lsp_server_new(collect, &out, NULL, NULL);
  assert_true(lsp_server_feed(s, in.data, in.len));
  lsp_server_eof(s);
  assert_int_equal(lsp_server_exit_code(s), 1);
  lsp_server_free(s);
  buf_free(&in);
  buf_free(&out);
}

/* program_load_buffers: the text a callback gives for an import is read
 * instead of the disk's. */
static const char *part_text(void *ctx, const char *real, size_t *len) {
  const char *want = ctx;
  size_t n = strlen(real), w = strlen(want);
  if (n < w || strcmp(real + n - w, want) != 0) return NULL;
  static const char fixed[] = "indicator rate \"Rate\" {\n  unit \"%\"\n  direction up\n}\n";
  *len = sizeof fixed - 1;
  return fixed;
}

static void test_buffers(void **state) {
  (void)state;
  Scratch sc;
  scratch_init(&sc);
  FILE *f = fopen(scratch_path(&sc, "part.charter"), "w");
  assert_non_null(f);
  fputs("indicator rate \"Rate\" {\n  unit \"%\"\n  direction sideways\n}\n", f);
  fclose(f);
  static const char main_text[] = "charter \"T\" { vision \"v\" }\nimport \"part.charter\"\n";
  char main_path[2048];
  snprintf(main_path, sizeof main_path, "%s", scratch_path(&sc, "main.charter"));
  Program *p = program_load_text(main_path, main_text, sizeof main_text - 1, NULL);
  assert_int_equal(p->diags.nerrors, 1);
  program_free(p);
  p = program_load_buffers(main_path, main_text, sizeof main_text - 1, NULL, part_text, "/part.charter");
  assert_int_equal(p->diags.nerrors, 0);
  assert_int_equal(p->srcs.len, 2);
  program_free(p);
  scratch_free(&sc);
}


/* Every message the server wrote, parsed. */
static json_t *replies(const Buf *out) {
  json_t *all = json_array();
  size_t i = 0;
  while (i < out->len) {
    unsigned long n = strtoul(out->data + i + 16, NULL, 10);
    const char *body = strstr(out->data + i, "\r\n\r\n") + 4;
    json_array_append_new(all, json_loadb(body, n, 0, NULL));
    i = (size_t)(body - out->data) + n;
  }
  return all;
}

/* The reply to request id, or NULL. */
static json_t *reply_to(json_t *all, int id) {
  for (size_t k = 0; k < json_array_size(all); k++) {
    json_t *m = json_array_get(all, k);
    if (json_integer_value(json_object_get(m, "id")) == id && json_object_get(m, "id")) return m;
  }
  return NULL;
}

static void send_json(LspServer *s, json_t *m) {
  char *body = json_dumps(m, JSON_COMPACT);
  json_decref(m);
  Buf b = {0};
  frame(&b, body);
  lsp_server_feed(s, b.data, b.len);
  buf_free(&b);
  free(body);
}

static void open_doc(LspServer *s, const char *uri, const char *text) {
  send_json(s, json_pack("{s:s,s:s,s:{s:{s:s,s:s}}}", "jsonrpc", "2.0", "method", "textDocument/didOpen", "params",
                         "textDocument", "uri", uri, "text", text));
}

static void change_doc(LspServer *s, const char *uri, const char *text) {
  send_json(s, json_pack("{s:s,s:s,s:{s:{s:s},s:[{s:s}]}}", "jsonrpc", "2.0", "method", "textDocument/didChange",
                         "params", "textDocument", "uri", uri, "contentChanges", "text", text));
}

static void ask(LspServer *s, int id, const char *method, const char *uri, int line, int ch) {
  send_json(s, json_pack("{s:s,s:i,s:s,s:{s:{s:s},s:{s:i,s:i}}}", "jsonrpc", "2.0", "id", id, "method", method,
                         "params", "textDocument", "uri", uri, "position", "line", line, "character", ch));
}

/* A file that drops out of its entry's program is checked again, and
 * requests about it answer from its own text, never from the program
 * loaded from its older, longer text (which read past its buffer). */
static void test_dropped_import(void **state) {
  (void)state;
  Scratch sc;
  scratch_init(&sc);
  char main_uri[2100], part_uri[2100];
  snprintf(main_uri, sizeof main_uri, "file://%s", scratch_path(&sc, "main.charter"));
  snprintf(part_uri, sizeof part_uri, "file://%s", scratch_path(&sc, "part.charter"));
  FILE *f = fopen(scratch_path(&sc, "part.charter"), "w");
  assert_non_null(f);
  fputs("indicator rate \"R\" {\n}\n", f);
  fclose(f);
  f = fopen(scratch_path(&sc, "main.charter"), "w");
  assert_non_null(f);
  fputs("charter \"T\" { vision \"v\" }\n", f);
  fclose(f);
  Buf longer = {0};
  buf_puts(&longer, "indicator rate \"A long title for the rate\" {\n  unit \"%\"\n  direction up\n}\n");
  for (int i = 0; i < 40; i++) buf_puts(&longer, "# a comment line that makes this text long\n");
  Buf out = {0};
  LspServer *s = lsp_server_new(collect, &out, NULL, NULL);
  send_json(s, json_pack("{s:s,s:i,s:s,s:{}}", "jsonrpc", "2.0", "id", 1, "method", "initialize", "params"));
  open_doc(s, part_uri, buf_str(&longer));
  open_doc(s, main_uri, "charter \"T\" { vision \"v\" }\nimport \"part.charter\"\n");
  change_doc(s, part_uri, "indicator rate \"R\" {\n}\n");
  change_doc(s, main_uri, "charter \"T\" { vision \"v\" }\n");
  ask(s, 2, "textDocument/completion", part_uri, 14, 0);
  ask(s, 3, "textDocument/hover", part_uri, 0, 11);
  send_json(s, json_pack("{s:s,s:s,s:{s:{s:s}}}", "jsonrpc", "2.0", "method", "textDocument/didClose", "params",
                         "textDocument", "uri", main_uri));
  ask(s, 4, "textDocument/hover", part_uri, 0, 11);
  json_t *all = replies(&out);
  assert_true(json_is_null(json_object_get(reply_to(all, 2), "result"))); /* line 14 is past the end now */
  const char *h3 = json_string_value(json_object_get(json_object_get(json_object_get(reply_to(all, 3), "result"),
                                                                     "contents"), "value"));
  assert_non_null(h3);
  assert_string_equal(h3, "**indicator** `rate`: R");
  const char *h4 = json_string_value(json_object_get(json_object_get(json_object_get(reply_to(all, 4), "result"),
                                                                     "contents"), "value"));
  assert_non_null(h4);
  assert_string_equal(h4, "**indicator** `rate`: R");
  /* part alone has no charter block: after main dropped the import its
   * last diagnostics say so (not an empty list). */
  const char *last = NULL;
  for (size_t k = 0; k < json_array_size(all); k++) {
    json_t *pr = json_object_get(json_array_get(all, k), "params");
    if (json_is_string(json_object_get(pr, "uri")) && strcmp(json_string_value(json_object_get(pr, "uri")), part_uri) == 0 &&
        json_array_size(json_object_get(pr, "diagnostics")) > 0)
      last = json_string_value(json_object_get(json_array_get(json_object_get(pr, "diagnostics"), 0), "code"));
  }
  assert_non_null(last);
  assert_string_equal(last, "charter");
  json_decref(all);
  lsp_server_free(s);
  buf_free(&out);
  buf_free(&longer);
  scratch_free(&sc);
}

/* Messages that hold bytes that are not UTF-8 (a folder's name) keep their
 * message, made valid: the protocol requires one. */
static void test_message_not_utf8(void **state) {
  (void)state;
  Buf out = {0};
  LspServer *s = lsp_server_new(collect, &out, NULL, NULL);
  send_json(s, json_pack("{s:s,s:i,s:s,s:{}}", "jsonrpc", "2.0", "id", 1, "method", "initialize", "params"));
  open_doc(s, "file:///nonexistent-charter-dir/d%FF/main.charter",
           "charter \"T\" { vision \"v\" }\nimport \"nothere.charter\"\n");
  json_t *all = replies(&out);
  int seen = 0;
  for (size_t k = 0; k < json_array_size(all); k++) {
    json_t *ds = json_object_get(json_object_get(json_array_get(all, k), "params"), "diagnostics");
    for (size_t j = 0; j < json_array_size(ds); j++) {
      assert_true(json_is_string(json_object_get(json_array_get(ds, j), "message")));
      seen++;
    }
  }
  assert_true(seen >= 1);
  json_decref(all);
  lsp_server_free(s);
  buf_free(&out);
}

/* The entry on the disk replaced by a FIFO: the next check does not block
 * on it (the file opened alone is checked on its own instead). */
static void test_entry_fifo(void **state) {
  (void)state;
  Scratch sc;
  scratch_init(&sc);
  char part_uri[2100];
  snprintf(part_uri, sizeof part_uri, "file://%s", scratch_path(&sc, "part.charter"));
  FILE *f = fopen(scratch_path(&sc, "part.charter"), "w");
  assert_non_null(f);
  fputs("indicator rate \"R\" {\n  unit \"%\"\n  direction up\n}\n", f);
  fclose(f);
  f = fopen(scratch_path(&sc, "main.charter"), "w");
  assert_non_null(f);
  fputs("charter \"T\" { vision \"v\" }\nimport \"part.charter\"\n", f);
  fclose(f);
  Buf out = {0};
  LspServer *s = lsp_server_new(collect, &out, NULL, NULL);
  send_json(s, json_pack("{s:s,s:i,s:s,s:{}}", "jsonrpc", "2.0", "id", 1, "method", "initialize", "params"));
  open_doc(s, part_uri, "indicator rate \"R\" {\n  unit \"%\"\n  direction up\n}\n");
  assert_non_null(strstr(buf_str(&out), "main.charter\",\"diagnostics\":[]")); /* checked through main */
  assert_int_equal(unlink(scratch_path(&sc, "main.charter")), 0);
  assert_int_equal(mkfifo(scratch_path(&sc, "main.charter"), 0600), 0);
  change_doc(s, part_uri, "indicator rate \"Rate\" {\n  unit \"%\"\n  direction up\n}\n");
  ask(s, 2, "textDocument/hover", part_uri, 0, 11);
  json_t *all = replies(&out);
  const char *h = json_string_value(json_object_get(json_object_get(json_object_get(reply_to(all, 2), "result"),
                                                                    "contents"), "value"));
  assert_non_null(h);
  assert_string_equal(h, "**indicator** `rate`: Rate\n\n- unit: %\n- direction: up");
  json_decref(all);
  lsp_server_free(s);
  buf_free(&out);
  unlink(scratch_path(&sc, "main.charter"));
  scratch_free(&sc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_whole),       cmocka_unit_test(test_byte_by_byte), cmocka_unit_test(test_every_split),
      cmocka_unit_test(test_bad_headers), cmocka_unit_test(test_endless_header), cmocka_unit_test(test_too_large),
      cmocka_unit_test(test_eof),         cmocka_unit_test(test_positions),    cmocka_unit_test(test_session),
      cmocka_unit_test(test_no_shutdown), cmocka_unit_test(test_buffers),    cmocka_unit_test(test_dropped_import),
      cmocka_unit_test(test_message_not_utf8), cmocka_unit_test(test_entry_fifo),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
