/* Inside the language server (docs/lsp.md): what runtime/lsp.c (the reader,
 * the dispatcher, the open documents and the diagnostics) shares with the
 * files that answer requests about a document: runtime/lsp_nav.c (hover,
 * definition, references, rename, symbols, folding ranges) and
 * runtime/lsp_edit.c (completion, code actions, formatting). Only lsp*.c
 * include it. */
#ifndef CHARTER_LSP_IMPL_H
#define CHARTER_LSP_IMPL_H

#include <jansson.h>

#include "lsp.h"

/* A request about one document, as the dispatcher hands it over. */
typedef struct LspAt {
  LspServer *s;
  Program *p;       /* the program the document belongs to, as last checked
                     * (every open document's text standing for its file);
                     * never NULL */
  uint32_t file;    /* the document's source in p */
  Src *src;         /* src_get(&p->srcs, file) */
  const char *uri;  /* the document's URI, as the client wrote it */
  const char *text; /* the document's text now (the same bytes as src->text) */
  size_t len;
  uint32_t off;     /* the request's position as a byte offset into text
                     * (requests with a position only) */
  json_t *params;   /* the request's params (borrowed) */
} LspAt;

/* A failed request: its JSON-RPC error code and message. */
typedef struct LspErr {
  int code;
  char msg[512];
} LspErr;

/* Fills e (and logs nothing); returns NULL so that a handler can write
 * `return lsp_fail(e, ...)`. */
json_t *lsp_fail(LspErr *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The byte offset of an LSP position (line from 0, UTF-16 units) in src.
 * A character past the end of its line stands for the line's end; false for
 * a negative position or a line past the last. */
bool lsp_offset(Src *src, int line, int character, uint32_t *off);
/* {"start":…, "end":…} for loc in src. */
json_t *lsp_range(Src *src, Loc loc);
/* The URI of a file of p: the open document's own when it is open, else a
 * file: URI of its real path (malloc'd). */
char *lsp_uri(LspServer *s, const Src *src);
/* {"uri", "range"} for loc, in whichever file of p it is. */
json_t *lsp_location(LspServer *s, Program *p, Loc loc);
/* The store for p (malloc'd), or NULL when none is set: --db (made
 * absolute from the server's folder when it starts), else the initialize
 * request's initializationOptions.db, absolute as it is or, relative, read
 * from the folder of p's entry file (where `charter import --db` is run). */
char *lsp_store_for(const LspServer *s, const Program *p);

/* What runtime/lsp_nav.c keeps between requests (hover's last readings of
 * the store), owned by the server: *lsp_nav_cache(s) starts NULL and
 * lsp_server_free calls lsp_nav_cache_free on it. */
typedef struct LspNavCache LspNavCache;
LspNavCache **lsp_nav_cache(LspServer *s);
void lsp_nav_cache_free(LspNavCache *c);
/* A new reference to s as a JSON string, bytes that are not UTF-8 (and NUL)
 * replaced by U+FFFD: program text and paths may hold them, JSON may not. */
json_t *lsp_jstr(const char *s);
/* Appends s[0..n) as valid UTF-8 (what lsp_jstr holds). */
void lsp_put_clean(Buf *b, const char *s, size_t n);
/* The address the documentation is linked from (codeDescription, hover),
 * ending without '/', or "" when there is none. */
const char *lsp_docs_home(const LspServer *s);
/* The programs of every open document (each once), for workspace requests;
 * *n receives how many. The array is the caller's to free, not the programs. */
Program **lsp_programs(LspServer *s, int *n);

/* ---- the handlers: each returns its result (a new reference, json_null()
 * for "nothing here") or NULL after filling *e ---- */

/* runtime/lsp_nav.c */
json_t *lsp_hover(LspAt *a, LspErr *e);
json_t *lsp_definition(LspAt *a, LspErr *e);
json_t *lsp_references(LspAt *a, LspErr *e);      /* params.context.includeDeclaration */
json_t *lsp_prepare_rename(LspAt *a, LspErr *e);
json_t *lsp_rename(LspAt *a, LspErr *e);          /* params.newName */
json_t *lsp_document_symbols(LspAt *a, LspErr *e);
json_t *lsp_folding_ranges(LspAt *a, LspErr *e);
json_t *lsp_workspace_symbols(LspServer *s, json_t *params, LspErr *e); /* params.query */

/* runtime/lsp_edit.c */
json_t *lsp_completion(LspAt *a, LspErr *e);
json_t *lsp_code_actions(LspAt *a, LspErr *e);    /* params.range, params.context.diagnostics */
json_t *lsp_formatting(LspAt *a, LspErr *e);

#endif
