/* libFuzzer target for the language server's engine (runtime/lsp.c): the
 * input is a byte stream sent to the server, its first byte choosing how
 * many bytes each read hands over. Never a crash, a hang or a sanitizer
 * report; every message written is framed with its exact Content-Length
 * around a JSON object; and the output is the same as when the stream
 * arrives whole. Programs load from a folder that does not exist unless a
 * URI names another.
 *
 * When the first byte has its high bit set, the rest is a document instead:
 * the first four bytes choose positions, the others are the text (bytes that
 * are not UTF-8 become '?', as JSON cannot carry them), and the server is
 * asked every request about a document (hover, definition, references,
 * prepareRename, rename, symbols, folding, completion, code actions,
 * formatting) at positions in it, at its end and past it, with the same
 * checks. Run with `make fuzz` (clang, ASan, UBSan). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "lsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void collect(void *ctx, const char *data, size_t len) { buf_add(ctx, data, len); }

/* Runs the server over data in pieces of step bytes; its output into out. */
static int run(const char *data, size_t n, size_t step, Buf *out) {
  LspServer *s = lsp_server_new(collect, out, NULL, NULL);
  bool more = true;
  for (size_t i = 0; i < n && more; i += step) more = lsp_server_feed(s, data + i, n - i < step ? n - i : step);
  if (more) lsp_server_eof(s);
  int status = lsp_server_exit_code(s);
  lsp_server_free(s);
  return status;
}

/* Every message of out: "Content-Length: N\r\n\r\n" and N bytes of a JSON object. */
static void check_framing(const Buf *out) {
  size_t i = 0;
  while (i < out->len) {
    static const char head[] = "Content-Length: ";
    if (out->len - i < sizeof head - 1 || memcmp(out->data + i, head, sizeof head - 1) != 0) abort();
    char *end;
    unsigned long long n = strtoull(out->data + i + sizeof head - 1, &end, 10);
    if (strncmp(end, "\r\n\r\n", 4) != 0) abort();
    const char *body = end + 4;
    if ((size_t)(out->data + out->len - body) < n) abort();
    json_error_t e;
    json_t *j = json_loadb(body, (size_t)n, 0, &e);
    if (!json_is_object(j)) abort();
    json_decref(j);
    i = (size_t)(body - out->data) + (size_t)n;
  }
}

/* Appends one framed message. */
static void frame(Buf *b, json_t *m) {
  char *body = json_dumps(m, JSON_COMPACT);
  json_decref(m);
  if (!body) return;
  buf_printf(b, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
  free(body);
}

/* The document mode: a session about one document with every request. */
static void document_mode(const uint8_t *data, size_t size) {
  if (size < 5) return;
  const uint8_t *seed = data + 1;
  Buf text = {0};
  for (size_t i = 5; i < size;) {
    uint32_t cp;
    int k = utf8_decode(data + i, size - i, &cp);
    if (k == 0 || cp == 0) {
      buf_putc(&text, '?');
      i++;
    } else {
      buf_add(&text, (const char *)data + i, (size_t)k);
      i += (size_t)k;
    }
  }
  const char *uri = "file:///nonexistent-fuzz-dir/plan.charter";
  Buf in = {0};
  frame(&in, json_pack("{s:s,s:i,s:s,s:{s:n,s:n,s:{}}}", "jsonrpc", "2.0", "id", 1, "method", "initialize", "params",
                       "processId", "rootUri", "capabilities"));
  frame(&in, json_pack("{s:s,s:s,s:{s:{s:s,s:s,s:i,s:s%}}}", "jsonrpc", "2.0", "method", "textDocument/didOpen",
                       "params", "textDocument", "uri", uri, "languageId", "charter", "version", 1, "text",
                       buf_str(&text), text.len));
  static const char *const methods[] = {
      "textDocument/hover",      "textDocument/definition", "textDocument/references",
      "textDocument/prepareRename", "textDocument/rename",  "textDocument/documentSymbol",
      "textDocument/foldingRange", "textDocument/completion", "textDocument/codeAction",
      "textDocument/formatting"};
  int lines = 1;
  for (size_t i = 0; i < text.len; i++) lines += text.data[i] == '\n';
  int id = 2;
  for (int k = 0; k < 4; k++) {
    int line = k == 3 ? lines + seed[k] % 3 : seed[k] % (lines + 1);
    int ch = seed[(k + 1) % 4] % 40;
    for (size_t m = 0; m < sizeof methods / sizeof methods[0]; m++) {
      json_t *params = json_pack("{s:{s:s},s:{s:i,s:i}}", "textDocument", "uri", uri, "position", "line", line,
                                 "character", ch);
      if (strstr(methods[m], "rename") && !strstr(methods[m], "prepare"))
        json_object_set_new(params, "newName", json_string(k & 1 ? "renamed_id" : "indicator"));
      if (strstr(methods[m], "references"))
        json_object_set_new(params, "context", json_pack("{s:b}", "includeDeclaration", k & 1));
      if (strstr(methods[m], "codeAction"))
        json_object_set_new(params, "range", json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "start", "line", 0, "character",
                                                       0, "end", "line", line, "character", ch));
      if (strstr(methods[m], "formatting"))
        json_object_set_new(params, "options", json_pack("{s:i,s:b}", "tabSize", 2, "insertSpaces", 1));
      frame(&in, json_pack("{s:s,s:i,s:s,s:o}", "jsonrpc", "2.0", "id", id++, "method", methods[m], "params", params));
    }
  }
  frame(&in, json_pack("{s:s,s:i,s:s,s:{s:s}}", "jsonrpc", "2.0", "id", id++, "method", "workspace/symbol", "params",
                       "query", text.len ? "a" : ""));
  frame(&in, json_pack("{s:s,s:i,s:s}", "jsonrpc", "2.0", "id", id++, "method", "shutdown"));
  frame(&in, json_pack("{s:s,s:s}", "jsonrpc", "2.0", "method", "exit"));
  Buf out = {0};
  if (run(in.data ? in.data : "", in.len, in.len ? in.len : 1, &out) != 0) abort();
  check_framing(&out);
  buf_free(&out);
  buf_free(&in);
  buf_free(&text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 1 << 20) return 0;
  if (data[0] & 0x80) {
    document_mode(data, size);
    return 0;
  }
  size_t step = (size_t)data[0] % 64 + 1;
  const char *stream = (const char *)data + 1;
  size_t n = size - 1;
  Buf whole = {0}, pieces = {0};
  int a = run(stream, n, n ? n : 1, &whole);
  int b = run(stream, n, step, &pieces);
  check_framing(&whole);
  if (a != b || whole.len != pieces.len || (whole.len && memcmp(whole.data, pieces.data, whole.len) != 0)) abort();
  buf_free(&whole);
  buf_free(&pieces);
  return 0;
}
