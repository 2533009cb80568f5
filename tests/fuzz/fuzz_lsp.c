/* libFuzzer target for the language server's engine (runtime/lsp.c): the
 * input is a byte stream sent to the server, its first byte choosing how
 * many bytes each read hands over. Never a crash, a hang or a sanitizer
 * report; every message written is framed with its exact Content-Length
 * around a JSON object; and the output is the same as when the stream
 * arrives whole. Programs load from a folder that does not exist unless a
 * URI names another. Run with `make fuzz` (clang, ASan, UBSan). */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 1 << 20) return 0;
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
