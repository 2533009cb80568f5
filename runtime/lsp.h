/* The language server's engine (docs/lsp.md): a reader that cuts a byte
 * stream into Language Server Protocol messages (Content-Length framing),
 * and a server that answers them and publishes diagnostics. It does no I/O
 * of its own: the front end hands it bytes and a function to write with. */
#ifndef CHARTER_LSP_H
#define CHARTER_LSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "program.h"

/* The largest message body accepted, in bytes (64 MB). */
#define LSP_MAX_MESSAGE ((size_t)64 << 20)
/* The longest header block read before it is refused, in bytes. */
#define LSP_MAX_HEADER ((size_t)8192)

/* JSON-RPC and LSP error codes. */
enum {
  LSP_PARSE_ERROR = -32700,
  LSP_INVALID_REQUEST = -32600,
  LSP_METHOD_NOT_FOUND = -32601,
  LSP_INVALID_PARAMS = -32602,
  LSP_SERVER_NOT_INITIALIZED = -32002
};

/* ---- the message reader ---- */

typedef struct LspReader {
  char *buf;     /* bytes read and not yet consumed: buf[start..len) */
  size_t start, len, cap;
  size_t max;    /* the largest body accepted */
  size_t skip;   /* bytes of a refused (too large) body still to drop */
  bool resync;   /* after bad headers: drop bytes up to the next "Content-Length" */
} LspReader;

typedef enum LspRead {
  LSP_READ_NONE,    /* nothing complete yet: feed more */
  LSP_READ_MESSAGE, /* a body: *body, *len (valid until the next feed) */
  LSP_READ_ERROR    /* bad framing: *code and the text in err; reading goes on */
} LspRead;

void lsp_reader_init(LspReader *r, size_t max);
void lsp_reader_free(LspReader *r);
void lsp_reader_feed(LspReader *r, const char *data, size_t n);
/* The next complete message or framing error; call until LSP_READ_NONE. */
LspRead lsp_reader_next(LspReader *r, const char **body, size_t *len, int *code, char *err, size_t errsz);
/* At the end of the input: LSP_READ_ERROR when a message was cut short
 * (headers without their end, a body shorter than its Content-Length). */
LspRead lsp_reader_eof(LspReader *r, int *code, char *err, size_t errsz);

/* ---- the server ---- */

/* Writes bytes of the output (a whole framed message at a time). */
typedef void (*LspWriteFn)(void *ctx, const char *data, size_t len);

typedef struct LspServer LspServer;

/* write receives every framed message; log, when not NULL, a line per
 * event; lo (CHARTER_PATH, --root) is used to load each program. */
LspServer *lsp_server_new(LspWriteFn write, void *ctx, FILE *log, const LoadOptions *lo);
void lsp_server_free(LspServer *s);
/* The store hover reads the latest values from (--db), or NULL: none. The
 * initialize request's initializationOptions.db sets it when this has not. */
void lsp_server_set_store(LspServer *s, const char *db);
/* The address of charter's source (docs are linked as HOME/blob/HEAD/docs/…),
 * or NULL: diagnostics carry no codeDescription. */
void lsp_server_set_docs_home(LspServer *s, const char *home);
/* Reads and answers every complete message of data. Returns false once the
 * exit notification has arrived (the rest is not read). */
bool lsp_server_feed(LspServer *s, const char *data, size_t n);
/* The input ended: answers a message cut short with an error. */
void lsp_server_eof(LspServer *s);
/* The status the process should end with: 0 when shutdown came before the
 * exit notification or the end of the input, 1 otherwise. */
int lsp_server_exit_code(const LspServer *s);

/* ---- positions ---- */

/* The UTF-16 code units from the start of s's line holding byte off to
 * off, and the 0-based line: an LSP position. A byte-order mark takes none. */
void lsp_position(Src *s, uint32_t off, int *line, int *character);

#endif
