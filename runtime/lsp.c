/* The language server's engine (docs/lsp.md): the Content-Length reader,
 * the JSON-RPC dispatcher over jansson, the open documents, and the
 * diagnostics published for every file of a document's program. */
#define _DEFAULT_SOURCE
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <jansson.h>

#include "interp.h"
#include "lsp_impl.h"
#include "store.h"

/* ---- the message reader ---- */

void lsp_reader_init(LspReader *r, size_t max) {
  memset(r, 0, sizeof *r);
  r->max = max;
}

void lsp_reader_free(LspReader *r) {
  free(r->buf);
  memset(r, 0, sizeof *r);
}

void lsp_reader_feed(LspReader *r, const char *data, size_t n) {
  if (r->skip && n) { /* the rest of a refused body never reaches the buffer */
    size_t k = n < r->skip ? n : r->skip;
    r->skip -= k;
    data += k;
    n -= k;
  }
  if (!n) return;
  if (r->start > 0 && (r->start == r->len || r->start >= r->cap / 2)) {
    memmove(r->buf, r->buf + r->start, r->len - r->start);
    r->len -= r->start;
    r->start = 0;
  }
  if (r->len + n + 1 > r->cap) {
    size_t cap = r->cap ? r->cap : 4096;
    while (cap < r->len + n + 1) cap *= 2;
    r->buf = xrealloc(r->buf, cap);
    r->cap = cap;
  }
  memcpy(r->buf + r->len, data, n);
  r->len += n;
  r->buf[r->len] = '\0';
}

static void set_err(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errsz, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errsz, fmt, ap);
  va_end(ap);
}

/* Case-insensitive search for "Content-Length" in p[0..n). */
static const char *find_content_length(const char *p, size_t n) {
  static const char key[] = "content-length";
  size_t k = sizeof key - 1;
  for (size_t i = 0; i + k <= n; i++)
    if (strncasecmp(p + i, key, k) == 0) return p + i;
  return NULL;
}

/* Drops the bytes of a bad header block through its end (or all that came)
 * and looks for the next message's headers. */
static LspRead bad_headers(LspReader *r, size_t through, int *code, char *err, size_t errsz, const char *fmt,
                           const char *what) {
  r->start += through;
  r->resync = true;
  *code = LSP_PARSE_ERROR;
  set_err(err, errsz, fmt, what);
  return LSP_READ_ERROR;
}

LspRead lsp_reader_next(LspReader *r, const char **body, size_t *len, int *code, char *err, size_t errsz) {
  if (r->resync) {
    const char *p = r->buf ? find_content_length(r->buf + r->start, r->len - r->start) : NULL;
    if (!p) {
      /* Keep a tail that may be the start of the word. */
      size_t avail = r->len - r->start;
      if (avail > 13) r->start = r->len - 13;
      return LSP_READ_NONE;
    }
    r->start = (size_t)(p - r->buf);
    r->resync = false;
  }
  const char *h = r->buf + r->start;
  size_t avail = r->len - r->start;
  size_t pos = 0;
  bool have_len = false;
  size_t clen = 0;
  for (;;) {
    const char *nl = avail > pos ? memchr(h + pos, '\n', avail - pos) : NULL;
    if (!nl) {
      if (avail > LSP_MAX_HEADER)
        return bad_headers(r, avail, code, err, errsz,
                           "the message's headers run past %s bytes without the blank line that ends them; "
                           "end the headers with \\r\\n\\r\\n",
                           "8192");
      return LSP_READ_NONE;
    }
    size_t end = (size_t)(nl - h); /* the '\n' */
    size_t next = end + 1;
    if (next > LSP_MAX_HEADER)
      return bad_headers(r, next, code, err, errsz,
                         "the message's headers run past %s bytes without the blank line that ends them; "
                         "end the headers with \\r\\n\\r\\n",
                         "8192");
    if (end == pos || h[end - 1] != '\r')
      return bad_headers(r, next, code, err, errsz,
                         "a header line ends in a bare \\n; every header line must end in \\r\\n%s", "");
    size_t line_len = end - 1 - pos; /* without \r\n */
    const char *line = h + pos;
    if (line_len == 0) { /* the blank line: the body follows */
      pos = next;
      break;
    }
    const char *colon = memchr(line, ':', line_len);
    if (!colon || colon == line)
      return bad_headers(r, next, code, err, errsz,
                         "a header line is not 'Name: value' (%s); write headers such as "
                         "'Content-Length: 42'",
                         colon ? "the name is empty" : "no colon");
    size_t name_len = (size_t)(colon - line);
    const char *v = colon + 1, *ve = line + line_len;
    while (v < ve && (*v == ' ' || *v == '\t')) v++;
    while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
    if (name_len == 14 && strncasecmp(line, "Content-Length", 14) == 0) {
      size_t n = 0;
      bool ok = v < ve, big = false;
      for (const char *c = v; c < ve; c++) {
        if (*c < '0' || *c > '9') {
          ok = false;
          break;
        }
        if (n > (SIZE_MAX - 9) / 10) big = true;
        else n = n * 10 + (size_t)(*c - '0');
      }
      if (!ok)
        return bad_headers(r, next, code, err, errsz,
                           "the Content-Length header is not a whole number of bytes%s; write it as "
                           "'Content-Length: 42'",
                           "");
      if (have_len && n != clen)
        return bad_headers(r, next, code, err, errsz, "the message has two different Content-Length headers%s; "
                                                      "send one",
                           "");
      if (big) n = SIZE_MAX;
      have_len = true;
      clen = n;
    }
    /* Content-Type and any other header: ignored. */
    pos = next;
  }
  if (!have_len)
    return bad_headers(r, pos, code, err, errsz,
                       "the message has no Content-Length header%s; every message must say its length "
                       "in bytes",
                       "");
  if (clen > r->max) {
    r->start += pos;
    size_t have = r->len - r->start;
    size_t drop = have < clen ? have : clen;
    r->start += drop;
    r->skip = clen - drop;
    *code = LSP_INVALID_REQUEST;
    set_err(err, errsz, "the message of %zu bytes is larger than the %zu MB a message may hold; it was skipped",
            clen, r->max >> 20);
    return LSP_READ_ERROR;
  }
  if (avail - pos < clen) return LSP_READ_NONE;
  *body = h + pos;
  *len = clen;
  r->start += pos + clen;
  return LSP_READ_MESSAGE;
}

LspRead lsp_reader_eof(LspReader *r, int *code, char *err, size_t errsz) {
  size_t avail = r->len - r->start;
  *code = LSP_PARSE_ERROR;
  if (r->skip) {
    set_err(err, errsz, "the input ended %zu bytes before the end of a message that was too large", r->skip);
    r->skip = 0;
    return LSP_READ_ERROR;
  }
  if (r->resync || avail == 0) return LSP_READ_NONE;
  /* Headers complete? Then the body is short. */
  const char *h = r->buf + r->start;
  const char *end = NULL;
  for (size_t i = 0; i + 4 <= avail; i++)
    if (memcmp(h + i, "\r\n\r\n", 4) == 0) {
      end = h + i + 4;
      break;
    }
  r->start = r->len;
  if (!end) {
    set_err(err, errsz, "the input ended inside a message's headers (%zu bytes without the blank line that ends them)",
            avail);
    return LSP_READ_ERROR;
  }
  const char *cl = find_content_length(h, (size_t)(end - h));
  const char *colon = cl ? memchr(cl, ':', (size_t)(end - cl)) : NULL;
  size_t want = colon ? strtoul(colon + 1, NULL, 10) : 0;
  size_t got = avail - (size_t)(end - h);
  set_err(err, errsz, "the input ended %zu bytes into a message whose Content-Length is %zu", got, want);
  return LSP_READ_ERROR;
}

/* ---- positions ---- */

void lsp_position(Src *s, uint32_t off, int *line, int *character) {
  if (off > s->len) off = (uint32_t)s->len;
  int l = 1, col = 1;
  src_linecol(s, off, &l, &col);
  size_t n = 0;
  const char *text = src_line(s, l, &n);
  size_t from = (size_t)(text - s->text);
  if (from == 0) from = src_bom_len(s);
  int units = 0;
  const unsigned char *p = (const unsigned char *)s->text;
  size_t i = from;
  while (i < off) {
    uint32_t cp;
    int k = utf8_decode(p + i, off - i, &cp);
    if (k == 0) {
      units++;
      i++;
      continue;
    }
    units += cp >= 0x10000 ? 2 : 1;
    i += (size_t)k;
  }
  *line = l - 1;
  *character = units;
}

/* ---- the server ---- */

typedef struct Doc {
  char *uri;      /* as the client wrote it */
  char *path;     /* the file path it names, or NULL (not a file: URI) */
  char *real;     /* its real path when the file exists, or NULL */
  char *text;
  size_t len;
  Vec files;      /* real paths (malloc'd) of the program last loaded from it as entry */
  Vec published;  /* URIs (malloc'd) given diagnostics for that program */
  Program *prog;  /* that program, kept for requests, or NULL: d is not an
                   * entry (another's program holds it, or it is no file) */
  bool hidden;    /* not open in the editor: the entry found on the disk
                   * for an open file that it imports (its text is read
                   * from the disk at each check) */
  bool searched;  /* the disk was searched for d's entry (find_host) */
  char *host;     /* the real path found, or NULL */
} Doc;

typedef enum { ST_NEW, ST_RUNNING, ST_SHUTDOWN, ST_EXITED } State;

struct LspServer {
  LspReader reader;
  LspWriteFn write;
  void *ctx;
  FILE *log;
  LoadOptions lo;
  State state;
  bool shutdown; /* shutdown was requested */
  Vec docs;      /* Doc * */
  char *store;   /* --db or initializationOptions.db, or NULL */
  bool store_absolute; /* --db: used as it is (made absolute when given) */
  LspNavCache *nav_cache; /* lsp_nav.c's */
  char *home;    /* the documentation's address, or NULL */
};

static void logf_(LspServer *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(LspServer *s, const char *fmt, ...) {
  if (!s->log) return;
  va_list ap;
  va_start(ap, fmt);
  fputs("charter lsp: ", s->log);
  vfprintf(s->log, fmt, ap);
  fputc('\n', s->log);
  fflush(s->log);
  va_end(ap);
}

LspServer *lsp_server_new(LspWriteFn write, void *ctx, FILE *log, const LoadOptions *lo) {
  LspServer *s = xcalloc(1, sizeof *s);
  lsp_reader_init(&s->reader, LSP_MAX_MESSAGE);
  s->write = write;
  s->ctx = ctx;
  s->log = log;
  if (lo) s->lo = *lo;
  return s;
}

static void free_strings(Vec *v) {
  for (int i = 0; i < v->len; i++) free(v->items[i]);
  v->len = 0;
}

static void doc_free(Doc *d) {
  free(d->uri);
  free(d->path);
  free(d->real);
  free(d->text);
  free_strings(&d->files);
  vec_free(&d->files);
  free_strings(&d->published);
  vec_free(&d->published);
  if (d->prog) program_free(d->prog);
  free(d->host);
  free(d);
}

void lsp_server_free(LspServer *s) {
  if (!s) return;
  for (int i = 0; i < s->docs.len; i++) doc_free(s->docs.items[i]);
  vec_free(&s->docs);
  lsp_reader_free(&s->reader);
  free(s->store);
  free(s->home);
  lsp_nav_cache_free(s->nav_cache);
  free(s);
}

void lsp_server_set_store(LspServer *s, const char *db) {
  free(s->store);
  s->store = NULL;
  s->store_absolute = false;
  if (!db || !*db) return;
  char cwd[PATH_MAX];
  if (db[0] != '/' && !store_is_uri(db) && getcwd(cwd, sizeof cwd)) {
    Buf b = {0};
    buf_printf(&b, "%s/%s", cwd, db);
    s->store = xstrdup(buf_str(&b));
    buf_free(&b);
  } else {
    s->store = xstrdup(db);
  }
  s->store_absolute = true;
}

void lsp_server_set_docs_home(LspServer *s, const char *home) {
  free(s->home);
  s->home = NULL;
  if (!home || !*home) return;
  size_t n = strlen(home);
  while (n > 0 && home[n - 1] == '/') n--;
  s->home = xmalloc(n + 1);
  memcpy(s->home, home, n);
  s->home[n] = '\0';
}

char *lsp_store_for(const LspServer *s, const Program *p) {
  if (!s->store) return NULL;
  if (s->store[0] == '/' || s->store_absolute || store_is_uri(s->store)) return xstrdup(s->store);
  const Src *entry = p && p->srcs.len ? src_get(&p->srcs, p->entry) : NULL;
  const char *from = entry ? (entry->real ? entry->real : entry->path) : NULL;
  const char *slash = from ? strrchr(from, '/') : NULL;
  if (!slash) return xstrdup(s->store);
  Buf b = {0};
  buf_add(&b, from, (size_t)(slash - from) + 1);
  buf_puts(&b, s->store);
  char *out = xstrdup(buf_str(&b));
  buf_free(&b);
  return out;
}

LspNavCache **lsp_nav_cache(LspServer *s) { return &s->nav_cache; }

void lsp_put_clean(Buf *b, const char *s, size_t n) {
  const unsigned char *q = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    int k = utf8_decode(q + i, n - i, &cp);
    if (k == 0 || cp == 0) {
      buf_puts(b, "\xEF\xBF\xBD");
      i++;
      continue;
    }
    buf_add(b, s + i, (size_t)k);
    i += (size_t)k;
  }
}

json_t *lsp_jstr(const char *str) {
  Buf b = {0};
  if (str) lsp_put_clean(&b, str, strlen(str));
  json_t *j = json_stringn(b.data ? b.data : "", b.len);
  buf_free(&b);
  return j ? j : json_string("");
}

const char *lsp_docs_home(const LspServer *s) { return s->home ? s->home : ""; }

int lsp_server_exit_code(const LspServer *s) { return s->shutdown ? 0 : 1; }

/* Frames and writes one message; takes the reference to msg. */
static void send(LspServer *s, json_t *msg) {
  char *body = json_dumps(msg, JSON_COMPACT);
  json_decref(msg);
  if (!body) return;
  size_t n = strlen(body);
  char head[64];
  int h = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n", n);
  Buf b = {0};
  buf_add(&b, head, (size_t)h);
  buf_add(&b, body, n);
  s->write(s->ctx, b.data, b.len);
  buf_free(&b);
  free(body);
}

static void reply(LspServer *s, json_t *id, json_t *result) {
  json_t *m = json_object();
  json_object_set_new(m, "jsonrpc", json_string("2.0"));
  json_object_set(m, "id", id ? id : json_null());
  json_object_set_new(m, "result", result ? result : json_null());
  send(s, m);
}

static void reply_error(LspServer *s, json_t *id, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void reply_error(LspServer *s, json_t *id, int code, const char *fmt, ...) {
  Buf b = {0};
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(&b, fmt, ap);
  va_end(ap);
  json_t *m = json_object();
  json_object_set_new(m, "jsonrpc", json_string("2.0"));
  json_object_set(m, "id", id ? id : json_null());
  json_t *e = json_object();
  json_object_set_new(e, "code", json_integer(code));
  json_object_set_new(e, "message", json_stringn(buf_str(&b), b.len));
  json_object_set_new(m, "error", e);
  logf_(s, "error %d: %s", code, buf_str(&b));
  buf_free(&b);
  send(s, m);
}

static void notify(LspServer *s, const char *method, json_t *params) {
  json_t *m = json_object();
  json_object_set_new(m, "jsonrpc", json_string("2.0"));
  json_object_set_new(m, "method", json_string(method));
  json_object_set_new(m, "params", params);
  send(s, m);
}

/* ---- URIs ---- */

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* The path of a file: URI (percent-decoded), or NULL. */
static char *uri_to_path(const char *uri) {
  if (strncasecmp(uri, "file://", 7) != 0) return NULL;
  const char *p = uri + 7;
  if (*p != '/') { /* file://host/path: only localhost */
    if (strncasecmp(p, "localhost/", 10) != 0) return NULL;
    p += 9;
  }
  Buf b = {0};
  for (; *p && *p != '?' && *p != '#'; p++) {
    int hi, lo;
    if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
      char c = (char)(hi * 16 + lo);
      if (c == '\0') {
        buf_free(&b);
        return NULL;
      }
      buf_putc(&b, c);
      p += 2;
    } else {
      buf_putc(&b, *p);
    }
  }
  char *out = xstrdup(buf_str(&b));
  buf_free(&b);
  return out;
}

/* A file: URI for an absolute path, percent-encoding all but the
 * unreserved characters and '/'. */
static char *path_to_uri(const char *path) {
  Buf b = {0};
  buf_puts(&b, "file://");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
      buf_putc(&b, (char)*p);
    else
      buf_printf(&b, "%%%02X", *p);
  }
  char *out = xstrdup(buf_str(&b));
  buf_free(&b);
  return out;
}

/* ---- documents ---- */

static Doc *doc_find(LspServer *s, const char *uri) {
  for (int i = 0; i < s->docs.len; i++) {
    Doc *d = s->docs.items[i];
    if (strcmp(d->uri, uri) == 0) return d;
  }
  return NULL;
}

/* The first document open in the editor for the file real (two URIs can
 * name one file), else a hidden one, else NULL. */
static Doc *doc_by_real(LspServer *s, const char *real) {
  if (!real) return NULL;
  Doc *hidden = NULL;
  for (int i = 0; i < s->docs.len; i++) {
    Doc *d = s->docs.items[i];
    if (d->real && strcmp(d->real, real) == 0) {
      if (!d->hidden) return d;
      if (!hidden) hidden = d;
    }
  }
  return hidden;
}

/* The open buffer's text for an import, so that it takes precedence. */
static const char *open_text(void *ctx, const char *real, size_t *len) {
  Doc *d = doc_by_real(ctx, real);
  if (!d || d->hidden) return NULL;
  *len = d->len;
  return d->text;
}

static bool vec_has(const Vec *v, const char *str) {
  for (int i = 0; i < v->len; i++)
    if (strcmp(v->items[i], str) == 0) return true;
  return false;
}

json_t *lsp_range(Src *src, Loc loc) {
  int l0, c0, l1, c1;
  uint32_t end = loc.end > loc.start ? loc.end : loc.start;
  lsp_position(src, loc.start, &l0, &c0);
  lsp_position(src, end, &l1, &c1);
  return json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "start", "line", l0, "character", c0, "end", "line", l1,
                   "character", c1);
}

/* The URI to publish a file under: the open document's own, else made. */
char *lsp_uri(LspServer *s, const Src *src) {
  Doc *d = doc_by_real(s, src->real);
  if (d) return xstrdup(d->uri);
  char abs[PATH_MAX];
  const char *p = src->real ? src->real : realpath(src->path, abs) ? abs : src->path;
  return path_to_uri(p);
}

/* Where a check or a standard rule is documented (docs/language.md's
 * built-in checks, docs/rules.md's standard library), or NULL: no address
 * is known, or the rule is the program's own. */
static char *rule_href(LspServer *s, Program *p, const char *rule) {
  if (!s->home) return NULL;
  const char *page = NULL;
  if (chk_is_builtin(rule)) page = "language.md#built-in-checks";
  else
    for (int i = 0; i < p->rules.len && !page; i++) {
      const Rule *r = p->rules.items[i];
      if (r->decl->id && strcmp(r->decl->id, rule) == 0 && src_get(&p->srcs, r->decl->loc.file)->is_stdlib)
        page = "rules.md#the-standard-library";
    }
  if (!page) return NULL;
  Buf b = {0};
  buf_printf(&b, "%s/blob/HEAD/docs/%s", s->home, page);
  char *out = xstrdup(buf_str(&b));
  buf_free(&b);
  return out;
}

static json_t *diag_json(LspServer *s, Program *p, const Diag *g) {
  Src *src = src_get(&p->srcs, g->loc.file);
  Buf msg = {0};
  buf_puts(&msg, g->msg ? g->msg : "");
  /* (program text and paths in messages may not be UTF-8: lsp_jstr) */
  json_t *related = json_array();
  for (DiagNote *n = g->notes; n; n = n->next) {
    if (!n->has_loc || (int)n->loc.file >= p->srcs.len || src_get(&p->srcs, n->loc.file)->is_stdlib) {
      buf_printf(&msg, "\nnote: %s", n->msg);
      continue;
    }
    Src *ns = src_get(&p->srcs, n->loc.file);
    char *uri = lsp_uri(s, ns);
    json_array_append_new(related, json_pack("{s:{s:o,s:o},s:o}", "location", "uri", lsp_jstr(uri), "range",
                                             lsp_range(ns, n->loc), "message", lsp_jstr(n->msg)));
    free(uri);
  }
  if (g->help) buf_printf(&msg, "\nhelp: %s", g->help);
  int sev = g->sev == SEV_ERROR ? 1 : g->sev == SEV_WARNING ? 2 : 3;
  json_t *d = json_object();
  json_object_set_new(d, "range", lsp_range(src, g->loc));
  json_object_set_new(d, "severity", json_integer(sev));
  if (g->rule) {
    json_object_set_new(d, "code", lsp_jstr(g->rule));
    char *href = rule_href(s, p, g->rule);
    if (href) json_object_set_new(d, "codeDescription", json_pack("{s:o}", "href", lsp_jstr(href)));
    free(href);
  }
  json_object_set_new(d, "source", json_string("charter"));
  json_object_set_new(d, "message", lsp_jstr(buf_str(&msg)));
  if (json_array_size(related)) json_object_set_new(d, "relatedInformation", related);
  else json_decref(related);
  buf_free(&msg);
  return d;
}

static void publish(LspServer *s, const char *uri, json_t *diags) {
  notify(s, "textDocument/publishDiagnostics", json_pack("{s:o,s:o}", "uri", lsp_jstr(uri), "diagnostics", diags));
}

/* Whether an entry other than d has published diagnostics under uri (its
 * program holds that file too): then d must not clear them. */
static bool published_elsewhere(LspServer *s, const Doc *d, const char *uri) {
  for (int i = 0; i < s->docs.len; i++) {
    const Doc *e = s->docs.items[i];
    if (e != d && e->prog && vec_has(&e->published, uri)) return true;
  }
  return false;
}

enum { HOST_MAX_FILES = 256, HOST_MAX_BYTES = 4 << 20 };

/* Reads a *.charter file found on the disk (a candidate entry, a hidden
 * entry's text), or NULL. */
static char *read_file(const char *path, size_t *len) {
  /* Not blocking on a FIFO put where a file was, not following a link,
   * and only a regular file of at most HOST_MAX_BYTES, judged on what
   * was opened. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > HOST_MAX_BYTES) {
    close(fd);
    return NULL;
  }
  Buf b = {0};
  char chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      close(fd);
      buf_free(&b);
      return NULL;
    }
    if (n == 0 || b.len > (size_t)HOST_MAX_BYTES) break;
    buf_add(&b, chunk, (size_t)n);
  }
  close(fd);
  if (b.len > (size_t)HOST_MAX_BYTES) { /* it grew while read */
    buf_free(&b);
    return NULL;
  }
  *len = b.len;
  return b.data ? b.data : xcalloc(1, 1);
}

/* Loads the program whose entry is d (its text, or the disk's for a hidden
 * entry, and the open buffers for its imports), runs the checks and the
 * rules, and publishes the diagnostics of each of its files; files it
 * published before and no longer holds get an empty list, unless another
 * entry's program still reports on them. */
static void check_entry(LspServer *s, Doc *d) {
  if (!d->path) return;
  if (d->hidden) {
    size_t len = 0;
    char *text = read_file(d->path, &len);
    /* Gone, or no longer a regular file: an empty program, which holds no
     * open document, so reconcile drops it. */
    free(d->text);
    d->text = text ? text : xcalloc(1, 1);
    d->len = text ? len : 0;
  }
  Program *p = program_load_buffers(d->path, d->text ? d->text : "", d->len, &s->lo, open_text, s);
  rules_run(p, NULL);
  diag_sort(&p->diags);
  logf_(s, "checked %s: %d errors, %d warnings, %d files", d->path, p->diags.nerrors, p->diags.nwarnings,
        p->srcs.len);
  Vec files = {0}, published = {0};
  int n = p->srcs.len;
  json_t **lists = xcalloc((size_t)n, sizeof *lists);
  for (int i = 0; i < n; i++)
    if (!src_get(&p->srcs, (uint32_t)i)->is_stdlib) lists[i] = json_array();
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    if ((int)g->loc.file >= n || !lists[g->loc.file]) continue;
    json_array_append_new(lists[g->loc.file], diag_json(s, p, g));
  }
  for (int i = 0; i < n; i++) {
    if (!lists[i]) continue;
    Src *src = src_get(&p->srcs, (uint32_t)i);
    char *uri = i == (int)p->entry ? xstrdup(d->uri) : lsp_uri(s, src);
    publish(s, uri, lists[i]);
    vec_push(&published, uri);
    if (src->real) vec_push(&files, xstrdup(src->real));
  }
  free(lists);
  Vec old = d->published;
  free_strings(&d->files);
  vec_free(&d->files);
  d->files = files;
  d->published = published;
  if (d->prog) program_free(d->prog);
  d->prog = p;
  for (int i = 0; i < old.len; i++)
    if (!vec_has(&published, old.items[i]) && !published_elsewhere(s, d, old.items[i]))
      publish(s, old.items[i], json_array());
  free_strings(&old);
  vec_free(&old);
}

/* The entry whose current program holds d's file: another document, not
 * one for the same file under another URI; NULL when none does. */
static bool holds(const Doc *e, const Doc *d) {
  return d->real && e != d && e->prog && !(e->real && strcmp(e->real, d->real) == 0) && vec_has(&e->files, d->real);
}

static Doc *holder(LspServer *s, const Doc *d) {
  for (int i = 0; i < s->docs.len; i++)
    if (holds(s->docs.items[i], d)) return s->docs.items[i];
  return NULL;
}

/* d stops being an entry (another's program holds it): its program goes,
 * and what only it published is cleared. */
static void drop_entry(LspServer *s, Doc *d) {
  program_free(d->prog);
  d->prog = NULL;
  free_strings(&d->files);
  vec_free(&d->files);
  Vec old = d->published;
  memset(&d->published, 0, sizeof d->published);
  for (int i = 0; i < old.len; i++)
    if (!published_elsewhere(s, d, old.items[i])) publish(s, old.items[i], json_array());
  free_strings(&old);
  vec_free(&old);
}

static void remove_doc(LspServer *s, Doc *d) {
  for (int i = 0; i < s->docs.len; i++)
    if (s->docs.items[i] == d) {
      memmove(&s->docs.items[i], &s->docs.items[i + 1], (size_t)(s->docs.len - i - 1) * sizeof s->docs.items[0]);
      s->docs.len--;
      break;
    }
}

/* ---- the entry on the disk of a file opened alone ---- */


/* The real paths that the `import "…"` lines of text name, resolved from
 * dir (a quick reading of the text, not a parse: the check that follows
 * is what counts). */
static void import_targets(const char *text, size_t len, const char *dir, Vec *out) {
  const char *p = text, *end = text + len;
  while (p < end) {
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    const char *q = p;
    while (q < eol && (*q == ' ' || *q == '\t')) q++;
    if (eol - q > 8 && memcmp(q, "import", 6) == 0 && (q[6] == ' ' || q[6] == '\t')) {
      q += 6;
      while (q < eol && (*q == ' ' || *q == '\t')) q++;
      const char *close = q < eol && *q == '"' ? memchr(q + 1, '"', (size_t)(eol - q - 1)) : NULL;
      if (close && close > q + 1 && close - q < PATH_MAX / 2 && !memchr(q + 1, '\\', (size_t)(close - q - 1))) {
        Buf b = {0};
        if (q[1] != '/') buf_printf(&b, "%s/", dir);
        buf_add(&b, q + 1, (size_t)(close - q - 1));
        char real[PATH_MAX];
        if (realpath(buf_str(&b), real)) vec_push(out, xstrdup(real));
        buf_free(&b);
      }
    }
    p = eol + 1;
  }
}

typedef struct Cand {
  char *real;
  Vec imports; /* real paths */
} Cand;

/* Reads the *.charter files of dir into cands (at most HOST_MAX_FILES in
 * all), each with the files it imports. */
static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_folder(LspServer *s, const char *dir, Vec *cands) {
  DIR *dp = opendir(dir);
  if (!dp) return;
  Vec names = {0};
  struct dirent *e;
  while ((e = readdir(dp))) {
    size_t n = strlen(e->d_name);
    if (n < 9 || strcmp(e->d_name + n - 8, ".charter") != 0 || e->d_name[0] == '.') continue;
    vec_push(&names, xstrdup(e->d_name));
  }
  closedir(dp);
  if (names.len) qsort(names.items, (size_t)names.len, sizeof names.items[0], cmp_names);
  for (int k = 0; k < names.len && cands->len < HOST_MAX_FILES; k++) {
    Buf path = {0};
    buf_printf(&path, "%s/%s", dir, (const char *)names.items[k]);
    char real[PATH_MAX];
    struct stat st;
    /* A symbolic link is not followed: a file the folder really holds. */
    if (lstat(buf_str(&path), &st) == 0 && S_ISREG(st.st_mode) && realpath(buf_str(&path), real)) {
      bool seen = false;
      for (int i = 0; i < cands->len && !seen; i++) seen = strcmp(((Cand *)cands->items[i])->real, real) == 0;
      size_t len = 0;
      Doc *open = doc_by_real(s, real);
      char *text = seen ? NULL : open && !open->hidden ? NULL : read_file(real, &len);
      if (!seen && (text || (open && !open->hidden))) {
        Cand *c = xcalloc(1, sizeof *c);
        c->real = xstrdup(real);
        char *slash = strrchr(c->real, '/');
        Buf folder = {0};
        buf_add(&folder, c->real, slash ? (size_t)(slash - c->real) : 0);
        if (open && !open->hidden) import_targets(open->text, open->len, buf_str(&folder), &c->imports);
        else import_targets(text, len, buf_str(&folder), &c->imports);
        buf_free(&folder);
        vec_push(cands, c);
      }
      free(text);
    }
    buf_free(&path);
  }
  free_strings(&names);
  vec_free(&names);
}

/* The entry on the disk of d, a file opened alone: among the *.charter files
 * of d's folder and of its parent, the one that imports d, or imports a
 * file that imports d, and so on, that no file imports in turn (the first
 * by name when several do). NULL when no file there imports d. */
static char *find_host(LspServer *s, const Doc *d) {
  if (!d->real) return NULL;
  Vec cands = {0};
  char *dir = xstrdup(d->real);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = '\0';
  read_folder(s, *dir ? dir : "/", &cands);
  slash = strrchr(dir, '/');
  if (slash && slash != dir) {
    *slash = '\0';
    read_folder(s, dir, &cands);
  }
  free(dir);
  char *host = NULL;
  /* Files d imports itself are below it, never its entry (a cycle). */
  Vec own = {0};
  char *folder = xstrdup(d->real);
  char *fs = strrchr(folder, '/');
  if (fs) *fs = '\0';
  import_targets(d->text ? d->text : "", d->len, *folder ? folder : "/", &own);
  free(folder);
  const char *cur = d->real;
  for (int step = 0; step < cands.len; step++) {
    const char *up = NULL;
    for (int i = 0; i < cands.len && !up; i++) {
      Cand *c = cands.items[i];
      if (strcmp(c->real, cur) != 0 && strcmp(c->real, d->real) != 0 && !vec_has(&own, c->real) &&
          vec_has(&c->imports, cur))
        up = c->real;
    }
    if (!up) break;
    cur = up;
  }
  if (cur != d->real) host = xstrdup(cur);
  free_strings(&own);
  vec_free(&own);
  for (int i = 0; i < cands.len; i++) {
    Cand *c = cands.items[i];
    free(c->real);
    free_strings(&c->imports);
    vec_free(&c->imports);
    free(c);
  }
  vec_free(&cands);
  return host;
}

/* A hidden entry for the file real, checked. */
static void open_hidden(LspServer *s, const char *real) {
  Doc *h = xcalloc(1, sizeof *h);
  h->uri = path_to_uri(real);
  h->path = xstrdup(real);
  h->real = xstrdup(real);
  h->hidden = true;
  h->searched = true;
  vec_push(&s->docs, h);
  logf_(s, "entry on the disk %s", real);
  check_entry(s, h);
}

/* Whether h's program holds a document open in the editor. */
static bool holds_open(LspServer *s, const Doc *h) {
  for (int j = 0; j < s->docs.len; j++) {
    const Doc *x = s->docs.items[j];
    if (x != h && !x->hidden && x->real && vec_has(&h->files, x->real)) return true;
  }
  return false;
}

/* After any change: every open document is either held by another entry's
 * current program, or an entry with its own; a file opened alone that a
 * file on the disk imports is checked through that file (a hidden entry);
 * hidden entries that hold no open document go. */
static void reconcile(LspServer *s) {
  for (int round = 0; round <= s->docs.len + 1; round++) {
    bool changed = false;
    for (int i = 0; i < s->docs.len && !changed; i++) {
      Doc *d = s->docs.items[i];
      Doc *h = holder(s, d);
      if (h && d->prog) {
        drop_entry(s, d);
        changed = true;
      } else if (!h && !d->prog && d->path) {
        if (!d->hidden && !d->searched) {
          d->searched = true;
          free(d->host);
          d->host = find_host(s, d);
        }
        if (!d->hidden && d->host && !doc_by_real(s, d->host)) {
          open_hidden(s, d->host);
          if (!holder(s, d)) { /* it does not import d after all */
            free(d->host);
            d->host = NULL;
          }
        } else {
          check_entry(s, d);
        }
        changed = true;
      }
    }
    for (int i = 0; i < s->docs.len && !changed; i++) {
      Doc *h = s->docs.items[i];
      if (!h->hidden) continue;
      if (!holds_open(s, h)) {
        logf_(s, "entry on the disk %s no longer needed", h->real);
        remove_doc(s, h);
        if (h->prog) drop_entry(s, h);
        doc_free(h);
        changed = true;
      }
    }
    if (!changed) return;
  }
}

/* Files on the disk change when the editor saves or closes one: each
 * document checked alone (no entry holds it) looks again for an entry on
 * the disk that imports it. */
static void retry_hosts(LspServer *s) {
  for (int i = 0; i < s->docs.len; i++) {
    Doc *d = s->docs.items[i];
    if (d->hidden || !d->prog || !d->real || holder(s, d)) continue;
    free(d->host);
    d->host = find_host(s, d);
    d->searched = true;
    if (d->host && !doc_by_real(s, d->host)) open_hidden(s, d->host);
  }
}

/* Checks the program d belongs to: each entry whose program held d, or
 * else d itself as the entry; then reconciles. */
static void check_doc(LspServer *s, Doc *d) {
  bool owned = false;
  for (int i = 0; i < s->docs.len; i++)
    if (holds(s->docs.items[i], d)) {
      check_entry(s, s->docs.items[i]);
      owned = true;
    }
  if (!owned && (d->prog || d->searched || !d->real)) check_entry(s, d);
  reconcile(s);
}

static void doc_set_text(Doc *d, const char *text, size_t len) {
  free(d->text);
  d->text = xmalloc(len + 1);
  memcpy(d->text, text, len);
  d->text[len] = '\0';
  d->len = len;
}

/* The textDocument.uri of params, or NULL. */
static const char *param_uri(json_t *params) {
  json_t *td = json_object_get(params, "textDocument");
  return json_string_value(json_object_get(td, "uri"));
}

/* A file that did not exist when it was opened (a new buffer) may have
 * been saved since: its real path, and a new search for its entry. */
static void refresh_real(Doc *d) {
  char real[PATH_MAX];
  if (d->real || !d->path || !realpath(d->path, real)) return;
  d->real = xstrdup(real);
  d->searched = false;
}

static void did_open(LspServer *s, json_t *params) {
  json_t *td = json_object_get(params, "textDocument");
  const char *uri = json_string_value(json_object_get(td, "uri"));
  json_t *text = json_object_get(td, "text");
  if (!uri || !json_is_string(text)) {
    logf_(s, "didOpen without textDocument.uri and text: ignored");
    return;
  }
  Doc *d = doc_find(s, uri);
  if (d) d->hidden = false; /* the entry found on the disk, now opened */
  if (!d) {
    char *path = uri_to_path(uri);
    char real[PATH_MAX];
    bool has_real = path && realpath(path, real);
    Doc *h = has_real ? doc_by_real(s, real) : NULL;
    if (h && h->hidden) { /* the entry found on the disk, now opened */
      d = h;
      free(d->uri);
      d->uri = xstrdup(uri);
      free(d->path);
      d->path = path;
      d->hidden = false;
    } else {
      d = xcalloc(1, sizeof *d);
      d->uri = xstrdup(uri);
      d->path = path;
      if (has_real) d->real = xstrdup(real);
      vec_push(&s->docs, d);
    }
  }
  doc_set_text(d, json_string_value(text), json_string_length(text));
  logf_(s, "opened %s", uri);
  check_doc(s, d);
}

static void did_change(LspServer *s, json_t *params) {
  const char *uri = param_uri(params);
  Doc *d = uri ? doc_find(s, uri) : NULL;
  json_t *changes = json_object_get(params, "contentChanges");
  size_t n = json_array_size(changes);
  if (!d || d->hidden || n == 0) {
    logf_(s, "didChange of a document not open, or without changes: ignored");
    return;
  }
  /* Full sync: the last change holds the whole text. */
  json_t *text = json_object_get(json_array_get(changes, n - 1), "text");
  if (!json_is_string(text)) {
    logf_(s, "didChange without text: ignored");
    return;
  }
  doc_set_text(d, json_string_value(text), json_string_length(text));
  refresh_real(d);
  check_doc(s, d);
}

static void did_save(LspServer *s, json_t *params) {
  const char *uri = param_uri(params);
  Doc *d = uri ? doc_find(s, uri) : NULL;
  if (!d || d->hidden) return;
  if (!d->real) {
    refresh_real(d);
    if (d->real) {
      logf_(s, "saved %s: now a file on the disk", uri);
      check_doc(s, d);
    }
  }
  retry_hosts(s);
  reconcile(s);
}

static void did_close(LspServer *s, json_t *params) {
  const char *uri = param_uri(params);
  Doc *d = uri ? doc_find(s, uri) : NULL;
  if (!d || d->hidden) return;
  remove_doc(s, d);
  /* Programs that held it read the disk now (an entry found on the disk
   * that holds no other open document goes instead, in reconcile). */
  for (int i = 0; d->real && i < s->docs.len; i++) {
    Doc *e = s->docs.items[i];
    if (e->prog && vec_has(&e->files, d->real) && (!e->hidden || holds_open(s, e))) check_entry(s, e);
  }
  /* What it alone published is cleared. */
  for (int i = 0; i < d->published.len; i++)
    if (!published_elsewhere(s, d, d->published.items[i])) publish(s, d->published.items[i], json_array());
  logf_(s, "closed %s", uri);
  doc_free(d);
  reconcile(s);
  retry_hosts(s);
  reconcile(s);
}

static json_t *capabilities(void) {
  json_t *caps = json_pack("{s:s,s:{s:b,s:i,s:{s:b}}}", "positionEncoding", "utf-16", "textDocumentSync",
                           "openClose", 1, "change", 1, "save", "includeText", 0);
  json_object_set_new(caps, "hoverProvider", json_true());
  json_object_set_new(caps, "definitionProvider", json_true());
  json_object_set_new(caps, "referencesProvider", json_true());
  json_object_set_new(caps, "renameProvider", json_pack("{s:b}", "prepareProvider", 1));
  json_object_set_new(caps, "documentSymbolProvider", json_true());
  json_object_set_new(caps, "workspaceSymbolProvider", json_true());
  json_object_set_new(caps, "foldingRangeProvider", json_true());
  json_object_set_new(caps, "documentFormattingProvider", json_true());
  json_object_set_new(caps, "completionProvider", json_pack("{s:[s,s]}", "triggerCharacters", " ", ","));
  json_object_set_new(caps, "codeActionProvider", json_pack("{s:[s]}", "codeActionKinds", "quickfix"));
  return json_pack("{s:o,s:{s:s}}", "capabilities", caps, "serverInfo", "name", "charter");
}

json_t *lsp_fail(LspErr *e, int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  e->code = code;
  vsnprintf(e->msg, sizeof e->msg, fmt, ap);
  va_end(ap);
  return NULL;
}

bool lsp_offset(Src *src, int line, int character, uint32_t *off) {
  if (line < 0 || character < 0) return false;
  size_t n = 0;
  if (src->len == 0) {
    if (line > 0) return false;
    *off = 0;
    return true;
  }
  int l = 0, c = 0;
  src_linecol(src, (uint32_t)src->len, &l, &c); /* the last line, from 1 */
  if (line + 1 > l) return false;
  const char *text = src_line(src, line + 1, &n);
  size_t i = (size_t)(text - src->text);
  if (i == 0) i = src_bom_len(src);
  size_t end = (size_t)(text - src->text) + n;
  const unsigned char *p = (const unsigned char *)src->text;
  int units = 0;
  while (i < end && units < character) {
    uint32_t cp;
    int k = utf8_decode(p + i, end - i, &cp);
    if (k == 0) {
      units++;
      i++;
      continue;
    }
    units += cp >= 0x10000 ? 2 : 1;
    i += (size_t)k;
  }
  *off = (uint32_t)i;
  return true;
}

json_t *lsp_location(LspServer *s, Program *p, Loc loc) {
  Src *src = src_get(&p->srcs, loc.file);
  char *uri = lsp_uri(s, src);
  json_t *j = json_pack("{s:s,s:o}", "uri", uri, "range", lsp_range(src, loc));
  free(uri);
  return j;
}

/* The program a document belongs to, as check_doc chose it: the entry's
 * that holds it, else its own; NULL before a check. */
static Program *doc_program(LspServer *s, Doc *d) {
  Doc *h = holder(s, d);
  return h ? h->prog : d->prog;
}

Program **lsp_programs(LspServer *s, int *n) {
  Program **out = xcalloc((size_t)s->docs.len + 1, sizeof *out);
  int k = 0;
  for (int i = 0; i < s->docs.len; i++) {
    Program *p = doc_program(s, s->docs.items[i]);
    bool seen = !p;
    for (int j = 0; j < k && !seen; j++) seen = out[j] == p;
    if (!seen) out[k++] = p;
  }
  *n = k;
  return out;
}

/* The source of d's file in p. */
static bool doc_src(Program *p, Doc *d, uint32_t *file) {
  for (int i = 0; i < p->srcs.len; i++) {
    Src *src = src_get(&p->srcs, (uint32_t)i);
    if (src->is_stdlib) continue;
    if (i == (int)p->entry && d->prog == p) {
      *file = (uint32_t)i;
      return true;
    }
    if (d->real && src->real && strcmp(src->real, d->real) == 0) {
      *file = (uint32_t)i;
      return true;
    }
  }
  return false;
}

typedef json_t *(*DocHandler)(LspAt *a, LspErr *e);

static const struct {
  const char *method;
  DocHandler fn;
  bool position; /* params.position is required */
} handlers[] = {
    {"textDocument/hover", lsp_hover, true},
    {"textDocument/definition", lsp_definition, true},
    {"textDocument/references", lsp_references, true},
    {"textDocument/prepareRename", lsp_prepare_rename, true},
    {"textDocument/rename", lsp_rename, true},
    {"textDocument/documentSymbol", lsp_document_symbols, false},
    {"textDocument/foldingRange", lsp_folding_ranges, false},
    {"textDocument/completion", lsp_completion, true},
    {"textDocument/codeAction", lsp_code_actions, false},
    {"textDocument/formatting", lsp_formatting, false},
};

/* A request about a document: finds it, its program and the position,
 * then hands it to its handler. */
static void doc_request(LspServer *s, json_t *id, const char *method, DocHandler fn, bool position, json_t *params) {
  const char *uri = param_uri(params);
  if (!uri) {
    reply_error(s, id, LSP_INVALID_PARAMS, "'%s' needs params.textDocument.uri", method);
    return;
  }
  Doc *d = doc_find(s, uri);
  if (!d) {
    reply_error(s, id, LSP_INVALID_PARAMS, "the document '%s' is not open: send textDocument/didOpen first", uri);
    return;
  }
  Program *p = doc_program(s, d);
  LspAt a = {s, p, 0, NULL, d->uri, d->text, d->len, 0, params};
  if (!p || !doc_src(p, d, &a.file)) {
    reply(s, id, NULL); /* not a file: URI, so never checked: nothing to say */
    return;
  }
  a.src = src_get(&p->srcs, a.file);
  if (a.src->len != d->len || memcmp(a.src->text, d->text, d->len) != 0) {
    /* The program was loaded from other text (cannot happen once every
     * change is checked; a guard, since offsets must fit the text). */
    logf_(s, "%s: the program holds other text than the document; answered null", method);
    reply(s, id, NULL);
    return;
  }
  if (position) {
    json_t *pos = json_object_get(params, "position");
    json_t *lj = json_object_get(pos, "line"), *cj = json_object_get(pos, "character");
    if (!json_is_integer(lj) || !json_is_integer(cj)) {
      reply_error(s, id, LSP_INVALID_PARAMS, "'%s' needs params.position with a whole line and character", method);
      return;
    }
    json_int_t l = json_integer_value(lj), c = json_integer_value(cj);
    if (l < 0 || c < 0 || l > INT_MAX || c > INT_MAX || !lsp_offset(a.src, (int)l, (int)c, &a.off)) {
      reply(s, id, NULL); /* a position past the end: nothing there */
      return;
    }
  }
  LspErr e = {0, ""};
  json_t *r = fn(&a, &e);
  if (r) reply(s, id, r);
  else reply_error(s, id, e.code ? e.code : LSP_INVALID_PARAMS, "%s", e.msg[0] ? e.msg : "the request failed");
}

/* initializationOptions.db: a store, unless --db gave one; a relative
 * path is read from the folder of each program's entry file
 * (lsp_store_for). */
static void init_options(LspServer *s, json_t *params) {
  json_t *opts = json_object_get(params, "initializationOptions");
  const char *db = json_string_value(json_object_get(opts, "db"));
  if (!db || !*db || s->store) return;
  s->store = xstrdup(db);
  s->store_absolute = false;
  logf_(s, "store %s", s->store);
}

/* One parsed message. */
static void dispatch(LspServer *s, json_t *msg) {
  if (!json_is_object(msg)) {
    reply_error(s, NULL, LSP_INVALID_REQUEST, "the message is not a JSON object; send one request or notification "
                                              "per message");
    return;
  }
  json_t *id = json_object_get(msg, "id");
  if (id && !json_is_string(id) && !json_is_integer(id) && !json_is_null(id)) {
    reply_error(s, NULL, LSP_INVALID_REQUEST, "the message's id is neither a number nor a string");
    return;
  }
  json_t *mj = json_object_get(msg, "method");
  const char *method = json_string_value(mj);
  if (!json_is_string(json_object_get(msg, "jsonrpc")) ||
      strcmp(json_string_value(json_object_get(msg, "jsonrpc")), "2.0") != 0) {
    reply_error(s, id, LSP_INVALID_REQUEST, "the message lacks \"jsonrpc\": \"2.0\"");
    return;
  }
  if (!mj) {
    if (id && (json_object_get(msg, "result") || json_object_get(msg, "error"))) return; /* a response: none awaited */
    reply_error(s, id, LSP_INVALID_REQUEST, "the message has no method");
    return;
  }
  if (!method) {
    reply_error(s, id, LSP_INVALID_REQUEST, "the message's method is not a string");
    return;
  }
  json_t *params = json_object_get(msg, "params");
  bool request = id != NULL;
  logf_(s, "%s %s", request ? "request" : "notification", method);
  if (strcmp(method, "exit") == 0) {
    s->state = ST_EXITED;
    logf_(s, "exit notification: status %d", lsp_server_exit_code(s));
    return;
  }
  if (s->state == ST_NEW && strcmp(method, "initialize") != 0) {
    if (request)
      reply_error(s, id, LSP_SERVER_NOT_INITIALIZED,
                  "the server is not initialized: send initialize before '%s'", method);
    return;
  }
  if (s->state == ST_SHUTDOWN) {
    if (request) reply_error(s, id, LSP_INVALID_REQUEST, "the server is shutting down: only exit is accepted now");
    return;
  }
  if (strcmp(method, "initialize") == 0) {
    if (!request) return;
    if (s->state != ST_NEW) {
      reply_error(s, id, LSP_INVALID_REQUEST, "the server is already initialized: send initialize once");
      return;
    }
    s->state = ST_RUNNING;
    init_options(s, params);
    reply(s, id, capabilities());
    return;
  }
  if (strcmp(method, "shutdown") == 0 && request) {
    s->state = ST_SHUTDOWN;
    s->shutdown = true;
    reply(s, id, NULL);
    return;
  }
  if (!request) {
    if (strcmp(method, "textDocument/didOpen") == 0) did_open(s, params);
    else if (strcmp(method, "textDocument/didChange") == 0) did_change(s, params);
    else if (strcmp(method, "textDocument/didClose") == 0) did_close(s, params);
    else if (strcmp(method, "textDocument/didSave") == 0) did_save(s, params);
    else logf_(s, "notification '%s' ignored", method); /* initialized, $/cancelRequest, the rest */
    return;
  }
  for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
    if (strcmp(method, handlers[i].method) == 0) {
      doc_request(s, id, method, handlers[i].fn, handlers[i].position, params);
      return;
    }
  if (strcmp(method, "workspace/symbol") == 0) {
    LspErr e = {0, ""};
    json_t *r = lsp_workspace_symbols(s, params, &e);
    if (r) reply(s, id, r);
    else reply_error(s, id, e.code ? e.code : LSP_INVALID_PARAMS, "%s", e.msg);
    return;
  }
  reply_error(s, id, LSP_METHOD_NOT_FOUND, "unknown method '%s': charter lsp does not offer it", method);
}

static void on_body(LspServer *s, const char *body, size_t len) {
  json_error_t e;
  json_t *msg = json_loadb(body, len, 0, &e);
  if (!msg) {
    reply_error(s, NULL, LSP_PARSE_ERROR, "the message is not valid JSON: %s (line %d, column %d)", e.text, e.line,
                e.column);
    return;
  }
  dispatch(s, msg);
  json_decref(msg);
}

bool lsp_server_feed(LspServer *s, const char *data, size_t n) {
  if (s->state == ST_EXITED) return false;
  lsp_reader_feed(&s->reader, data, n);
  for (;;) {
    const char *body;
    size_t len;
    int code;
    char err[256];
    LspRead r = lsp_reader_next(&s->reader, &body, &len, &code, err, sizeof err);
    if (r == LSP_READ_NONE) return true;
    if (r == LSP_READ_ERROR) reply_error(s, NULL, code, "%s", err);
    else on_body(s, body, len);
    if (s->state == ST_EXITED) return false;
  }
}

void lsp_server_eof(LspServer *s) {
  if (s->state == ST_EXITED) return;
  logf_(s, "end of input: status %d", lsp_server_exit_code(s));
  int code;
  char err[256];
  if (lsp_reader_eof(&s->reader, &code, err, sizeof err) == LSP_READ_ERROR) reply_error(s, NULL, code, "%s", err);
}
