/* Collecting, sorting and printing diagnostics. Output holds no pointers or
 * timestamps, so golden files stay stable. */
#define _POSIX_C_SOURCE 200809L
#include "diag.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "escape.h"
#include "json.h"

void diag_init(DiagList *d, Arena *arena) {
  memset(d, 0, sizeof *d);
  d->arena = arena;
}

void diag_free(DiagList *d) { vec_free(&d->items); }

static Diag *add_v(DiagList *d, Severity sev, Loc loc, const char *rule, const char *fmt,
                   va_list ap) {
  Diag *g = arena_alloc(d->arena, sizeof *g);
  Buf b = {0};
  buf_vprintf(&b, fmt, ap);
  g->sev = sev;
  g->loc = loc;
  g->rule = rule;
  g->msg = arena_strndup(d->arena, buf_str(&b), b.len);
  buf_free(&b);
  g->seq = d->items.len;
  vec_push(&d->items, g);
  if (sev == SEV_ERROR) d->nerrors++;
  else if (sev == SEV_WARNING) d->nwarnings++;
  else d->ninfos++;
  return g;
}

Diag *diag_add(DiagList *d, Severity sev, Loc loc, const char *rule, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Diag *g = add_v(d, sev, loc, rule, fmt, ap);
  va_end(ap);
  return g;
}

static void note_v(DiagList *d, Diag *g, bool has_loc, Loc loc, const char *fmt, va_list ap) {
  DiagNote *n = arena_alloc(d->arena, sizeof *n);
  Buf b = {0};
  buf_vprintf(&b, fmt, ap);
  n->msg = arena_strndup(d->arena, buf_str(&b), b.len);
  buf_free(&b);
  n->loc = loc;
  n->has_loc = has_loc;
  DiagNote **tail = &g->notes;
  while (*tail) tail = &(*tail)->next;
  *tail = n;
}

void diag_note(DiagList *d, Diag *g, Loc loc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  note_v(d, g, true, loc, fmt, ap);
  va_end(ap);
}

void diag_note_noloc(DiagList *d, Diag *g, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Loc none = {0, 0, 0};
  note_v(d, g, false, none, fmt, ap);
  va_end(ap);
}

void diag_promote_warnings(DiagList *d) {
  for (int i = 0; i < d->items.len; i++) {
    Diag *g = d->items.items[i];
    if (g->sev == SEV_WARNING) {
      g->sev = SEV_ERROR;
      d->nwarnings--;
      d->nerrors++;
    }
  }
}

static int cmp_diag(const void *a, const void *b) {
  const Diag *x = *(const Diag *const *)a, *y = *(const Diag *const *)b;
  if (x->loc.file != y->loc.file) return x->loc.file < y->loc.file ? -1 : 1;
  if (x->loc.start != y->loc.start) return x->loc.start < y->loc.start ? -1 : 1;
  return (x->seq > y->seq) - (x->seq < y->seq);
}

void diag_sort(DiagList *d) {
  if (d->items.len > 1) qsort(d->items.items, (size_t)d->items.len, sizeof(void *), cmp_diag);
}

static const char *sev_name(Severity s) {
  return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "info";
}

#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_MAGENTA "\033[1;35m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"
#define C_RESET "\033[0m"

static const char *sev_color(const char *sev) {
  if (strcmp(sev, "error") == 0) return C_RED;
  if (strcmp(sev, "warning") == 0) return C_MAGENTA;
  return C_CYAN;
}

/* Prints the source line from[0..len) (escaped as terminal text, tabs
 * kept), then carets under the bytes [c0, c1), aligned whatever the line
 * holds: each escaped character pads as many columns as it shows. */
static void print_source(FILE *out, int line, const char *from, size_t len, size_t c0, size_t c1,
                         bool color) {
  Buf text = {0}, pad = {0};
  size_t width = 0;
  for (size_t i = 0; i < len;) {
    size_t used;
    size_t w = esc_term_one(&text, from + i, len - i, ESC_KEEP_TAB, &used);
    if (i < c0) {
      if (from[i] == '\t') buf_putc(&pad, '\t');
      else
        for (size_t k = 0; k < w; k++) buf_putc(&pad, ' ');
    } else if (i < c1) {
      width += w;
    }
    i += used;
  }
  fprintf(out, "%5d | %s\n      | %s", line, buf_str(&text), buf_str(&pad));
  if (width == 0) width = 1;
  if (color) fputs(C_GREEN, out);
  fputc('^', out);
  for (size_t i = 1; i < width; i++) fputc('~', out);
  if (color) fputs(C_RESET, out);
  fputc('\n', out);
  buf_free(&text);
  buf_free(&pad);
}

/* Prints "path:line:col: sev: msg [rule]", then the source line and carets.
 * The path and the message are terminal text (escape.h). */
static void print_one(FILE *out, SrcSet *srcs, Loc loc, bool has_loc, const char *sev,
                      const char *msg, const char *rule, bool color) {
  Src *s = has_loc ? src_get(srcs, loc.file) : NULL;
  int line = 0, col = 0;
  if (s) {
    src_linecol(s, loc.start, &line, &col);
    fputs(color ? C_BOLD : "", out);
    esc_term_put(out, s->path);
    fprintf(out, ":%d:%d:%s ", line, col, color ? C_RESET : "");
  } else {
    fprintf(out, "%scharter:%s ", color ? C_BOLD : "", color ? C_RESET : "");
  }
  fprintf(out, "%s%s:%s ", color ? sev_color(sev) : "", sev, color ? C_RESET : "");
  esc_term_put(out, msg);
  if (rule) fprintf(out, " [%s]", rule);
  fputc('\n', out);
  if (!s) return;

  size_t len;
  const char *text = src_line(s, line, &len);
  /* A line longer than this is shown cut around the caret. */
  enum { SHOWN = 200 };
  const char *from = text;
  size_t line_start = (size_t)(text - s->text);
  size_t caret = loc.start - line_start; /* byte offset of the span in the line */
  if (len > SHOWN) {
    size_t lead = caret > 40 ? caret - 40 : 0;
    while (lead > 0 && (((unsigned char)text[lead]) & 0xC0) == 0x80) lead--;
    from = text + lead;
    size_t left = len - lead;
    len = left > SHOWN ? SHOWN : left;
    while (len < left && len > 0 && (((unsigned char)from[len]) & 0xC0) == 0x80) len--;
    caret -= lead;
  }
  /* The span in bytes of the shown text, clamped to this line. */
  size_t c0 = caret < len ? caret : len;
  size_t c1 = loc.end > loc.start ? loc.end - line_start - (size_t)(from - text) : c0;
  if (c1 > len) c1 = len;
  if (c1 < c0) c1 = c0;
  print_source(out, line, from, len, c0, c1, color);
}

void diag_print_text(FILE *out, DiagList *d, SrcSet *srcs, DiagStyle style) {
  int shown = 0;
  for (int i = 0; i < d->items.len; i++) {
    if (style.max > 0 && shown == style.max) {
      int more = d->items.len - shown;
      fprintf(out, "charter: %d more diagnostic%s not shown%s%s\n", more, more == 1 ? "" : "s",
              style.more ? " " : "", style.more ? style.more : "");
      break;
    }
    Diag *g = d->items.items[i];
    print_one(out, srcs, g->loc, true, sev_name(g->sev), g->msg, g->rule, style.color);
    for (DiagNote *n = g->notes; n; n = n->next)
      print_one(out, srcs, n->loc, n->has_loc, "note", n->msg, NULL, style.color);
    if (g->help) {
      fprintf(out, "      = %shelp:%s ", style.color ? C_BOLD : "", style.color ? C_RESET : "");
      esc_term_put(out, g->help);
      fputc('\n', out);
    }
    shown++;
  }
}

void diag_print_summary(FILE *out, DiagList *d, bool color) {
  if (color) fputs(C_BOLD, out);
  fprintf(out, "%d error%s, %d warning%s", d->nerrors, d->nerrors == 1 ? "" : "s", d->nwarnings,
          d->nwarnings == 1 ? "" : "s");
  if (d->ninfos) fprintf(out, ", %d info", d->ninfos);
  if (color) fputs(C_RESET, out);
  fputc('\n', out);
}

typedef struct Pos {
  const char *path;
  int line, col, end_line, end_col;
} Pos;

static Pos pos_of(SrcSet *srcs, Loc loc) {
  Pos p = {"", 1, 1, 1, 1};
  Src *s = src_get(srcs, loc.file);
  if (!s) return p;
  p.path = s->path;
  src_linecol(s, loc.start, &p.line, &p.col);
  src_linecol(s, loc.end > loc.start ? loc.end : loc.start, &p.end_line, &p.end_col);
  if (loc.end <= loc.start) p.end_col = p.col + 1;
  return p;
}

/* How many of d's diagnostics a machine format lists. */
static int machine_shown(const DiagList *d) {
  return d->items.len < DIAG_MACHINE_MAX ? d->items.len : DIAG_MACHINE_MAX;
}

/* The message of the entry that ends a cut machine listing. */
static void more_text(Buf *b, int more) {
  buf_printf(b,
             "%d more diagnostic%s not shown: json, sarif and github output list at most %d; "
             "fix these and check again to see the rest",
             more, more == 1 ? "" : "s", DIAG_MACHINE_MAX);
}

/* The last entry of a cut JSON listing: the shape of a diagnostic. */
static void json_more(Buf *b, int more) {
  Buf m = {0};
  more_text(&m, more);
  buf_puts(b, ",\n  {\"file\": \"\", \"line\": 1, \"column\": 1, \"end_line\": 1, "
              "\"end_column\": 1, \"severity\": \"info\", \"rule\": \"too_many\", \"message\": ");
  json_str_or_empty(b, buf_str(&m));
  buf_puts(b, ", \"notes\": []}");
  buf_free(&m);
}

void diag_print_json(FILE *out, DiagList *d, SrcSet *srcs) {
  Buf b = {0};
  buf_puts(&b, "[");
  int shown = machine_shown(d);
  for (int i = 0; i < shown; i++) {
    Diag *g = d->items.items[i];
    Pos p = pos_of(srcs, g->loc);
    buf_puts(&b, i ? ",\n  " : "\n  ");
    buf_puts(&b, "{\"file\": ");
    json_str_or_empty(&b, p.path);
    buf_printf(&b, ", \"line\": %d, \"column\": %d, \"end_line\": %d, \"end_column\": %d", p.line,
               p.col, p.end_line, p.end_col);
    buf_puts(&b, ", \"severity\": ");
    json_str_or_empty(&b, sev_name(g->sev));
    buf_puts(&b, ", \"rule\": ");
    json_str_or_empty(&b, g->rule);
    buf_puts(&b, ", \"message\": ");
    json_str_or_empty(&b, g->msg);
    buf_puts(&b, ", \"notes\": [");
    int k = 0;
    for (DiagNote *n = g->notes; n; n = n->next, k++) {
      buf_puts(&b, k ? ", " : "");
      buf_puts(&b, "{");
      if (n->has_loc) {
        Pos q = pos_of(srcs, n->loc);
        buf_puts(&b, "\"file\": ");
        json_str_or_empty(&b, q.path);
        buf_printf(&b, ", \"line\": %d, \"column\": %d, \"end_line\": %d, \"end_column\": %d, ",
                   q.line, q.col, q.end_line, q.end_col);
      }
      buf_puts(&b, "\"message\": ");
      json_str_or_empty(&b, n->msg);
      buf_puts(&b, "}");
    }
    buf_puts(&b, "]}");
  }
  if (shown < d->items.len) json_more(&b, d->items.len - shown);
  buf_puts(&b, d->items.len ? "\n]\n" : "]\n");
  fwrite(buf_str(&b), 1, b.len, out);
  buf_free(&b);
}

/* A SARIF artifact URI: the printed path, '/'-separated, percent-encoded,
 * relative, with no leading "./". */
/* An absolute path made relative to the current directory ("../x"). */
static char *relative_to_cwd(const char *path, const char *cwd) {
  if (!cwd) return xstrdup(path + 1);
  size_t common = 0, i = 0;
  /* The longest common prefix that ends at a path component boundary. */
  while (cwd[i] && path[i] && cwd[i] == path[i]) {
    i++;
    if ((cwd[i] == '/' || cwd[i] == '\0') && (path[i] == '/' || path[i] == '\0')) common = i;
  }
  if (strcmp(cwd, "/") == 0) common = 0;
  Buf b = {0};
  for (const char *c = cwd + common; *c; c++)
    if (*c == '/') buf_puts(&b, "../");
  const char *rest = path + common;
  while (*rest == '/') rest++;
  buf_puts(&b, rest);
  char *out = xstrdup(buf_str(&b));
  buf_free(&b);
  return out;
}

static void sarif_uri(Buf *b, const char *path, const char *cwd) {
  char *rel = path[0] == '/' ? relative_to_cwd(path, cwd) : NULL;
  if (rel) path = rel;
  while (path[0] == '.' && path[1] == '/') path += 2;
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
        strchr("-._~/", *p))
      buf_putc(b, (char)*p);
    else
      buf_printf(b, "%%%02X", *p);
  }
  free(rel);
}

static void sarif_region(Buf *b, Pos p) {
  buf_printf(b,
             "\"region\": {\"startLine\": %d, \"startColumn\": %d, \"endLine\": %d, "
             "\"endColumn\": %d}",
             p.line, p.col, p.end_line, p.end_col);
}

static void sarif_location(Buf *b, SrcSet *srcs, Loc loc, const char *msg, const char *cwd) {
  Pos p = pos_of(srcs, loc);
  Buf uri = {0};
  sarif_uri(&uri, p.path, cwd);
  buf_puts(b, "{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
  json_str_or_empty(b, buf_str(&uri));
  buf_puts(b, "}, ");
  sarif_region(b, p);
  buf_puts(b, "}");
  if (msg) {
    buf_puts(b, ", \"message\": {\"text\": ");
    json_str_or_empty(b, msg);
    buf_puts(b, "}");
  }
  buf_puts(b, "}");
  buf_free(&uri);
}

/* A rule's SARIF name: its id in PascalCase (eq_resident_power is
 * EqResidentPower), which SARIF wants distinct from the id. */
static void sarif_rule_name(Buf *b, const char *id) {
  Buf n = {0};
  bool up = true;
  for (const char *c = id ? id : ""; *c; c++) {
    if (*c == '_' || *c == '-') {
      up = true;
      continue;
    }
    buf_putc(&n, up && *c >= 'a' && *c <= 'z' ? (char)(*c - 'a' + 'A') : *c);
    up = false;
  }
  json_str_or_empty(b, buf_str(&n));
  buf_free(&n);
}

static void sarif_rules(Buf *b, const RuleInfo *rules, int nrules) {
  for (int i = 0; i < nrules; i++) {
    buf_puts(b, i ? ",\n      " : "\n      ");
    buf_puts(b, "{\"id\": ");
    json_str_or_empty(b, rules[i].id);
    buf_puts(b, ", \"name\": ");
    sarif_rule_name(b, rules[i].id);
    buf_puts(b, ", \"shortDescription\": {\"text\": ");
    json_str_or_empty(b, rules[i].title);
    buf_puts(b, "}, \"fullDescription\": {\"text\": ");
    json_str_or_empty(b, rules[i].full);
    buf_puts(b, "}, \"help\": {\"text\": ");
    json_str_or_empty(b, rules[i].help);
    buf_puts(b, "}}");
  }
}

static void sarif_result(Buf *b, SrcSet *srcs, const Diag *g, const RuleInfo *rules, int nrules,
                         const char *cwd) {
  int index = -1;
  for (int r = 0; r < nrules; r++)
    if (strcmp(rules[r].id, g->rule) == 0) index = r;
  buf_puts(b, "{\"ruleId\": ");
  json_str_or_empty(b, g->rule);
  if (index >= 0) buf_printf(b, ", \"ruleIndex\": %d", index);
  buf_puts(b, ", \"level\": ");
  json_str_or_empty(b, g->sev == SEV_ERROR ? "error" : g->sev == SEV_WARNING ? "warning" : "note");
  buf_puts(b, ", \"message\": {\"text\": ");
  json_str_or_empty(b, g->msg);
  buf_puts(b, "}, \"locations\": [");
  sarif_location(b, srcs, g->loc, NULL, cwd);
  buf_puts(b, "]");
  bool any = false;
  for (DiagNote *n = g->notes; n; n = n->next) {
    if (!n->has_loc) continue;
    buf_puts(b, any ? ", " : ", \"relatedLocations\": [");
    sarif_location(b, srcs, n->loc, n->msg, cwd);
    any = true;
  }
  if (any) buf_puts(b, "]");
  buf_puts(b, "}");
}

void diag_print_sarif(FILE *out, DiagList *d, SrcSet *srcs, const RuleInfo *rules, int nrules,
                      const char *version, const char *info_uri) {
  /* Absolute paths become relative to here (SARIF uris are never absolute). */
  char cwd_buf[4096];
  const char *cwd = getcwd(cwd_buf, sizeof cwd_buf);
  Buf b = {0};
  buf_puts(&b, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n");
  buf_puts(&b, "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {");
  buf_puts(&b, "\"name\": \"charter\", \"version\": ");
  json_str_or_empty(&b, version);
  buf_puts(&b, ", \"semanticVersion\": ");
  json_str_or_empty(&b, version);
  if (info_uri && *info_uri) {
    buf_puts(&b, ", \"informationUri\": ");
    json_str_or_empty(&b, info_uri);
  }
  buf_puts(&b, ", \"rules\": [");
  sarif_rules(&b, rules, nrules);
  buf_puts(&b, "]}},\n    \"columnKind\": \"unicodeCodePoints\",\n    \"results\": [");
  int shown = machine_shown(d);
  for (int i = 0; i < shown; i++) {
    buf_puts(&b, i ? ",\n      " : "\n      ");
    sarif_result(&b, srcs, d->items.items[i], rules, nrules, cwd);
  }
  if (shown < d->items.len) { /* a note without a place says how many more */
    Buf m = {0};
    more_text(&m, d->items.len - shown);
    buf_puts(&b, ",\n      {\"ruleId\": \"too_many\", \"level\": \"note\", \"message\": {\"text\": ");
    json_str_or_empty(&b, buf_str(&m));
    buf_puts(&b, "}}");
    buf_free(&m);
  }
  buf_puts(&b, d->items.len ? "\n    ]\n  }]\n}\n" : "]\n  }]\n}\n");
  fwrite(buf_str(&b), 1, b.len, out);
  buf_free(&b);
}

/* A GitHub workflow command per diagnostic (escape.h: esc_github); the
 * notes and help follow the message on lines of its data. */
static void github_one(Buf *b, SrcSet *srcs, const Diag *g) {
  Pos p = pos_of(srcs, g->loc);
  buf_printf(b, "::%s file=", g->sev == SEV_ERROR ? "error" : g->sev == SEV_WARNING ? "warning" : "notice");
  esc_github(b, p.path, true);
  buf_printf(b, ",line=%d,col=%d,endLine=%d,endColumn=%d,title=", p.line, p.col, p.end_line,
             p.end_col);
  esc_github(b, g->rule, true);
  buf_puts(b, "::");
  Buf m = {0};
  buf_puts(&m, g->msg);
  for (DiagNote *n = g->notes; n; n = n->next) {
    buf_puts(&m, "\n");
    if (n->has_loc) {
      Pos q = pos_of(srcs, n->loc);
      buf_printf(&m, "%s:%d:%d: ", q.path, q.line, q.col);
    }
    buf_puts(&m, "note: ");
    buf_puts(&m, n->msg);
  }
  if (g->help) {
    buf_puts(&m, "\nhelp: ");
    buf_puts(&m, g->help);
  }
  esc_github(b, buf_str(&m), false);
  buf_free(&m);
  buf_putc(b, '\n');
}

void diag_print_github(FILE *out, DiagList *d, SrcSet *srcs) {
  Buf b = {0};
  int shown = machine_shown(d);
  for (int i = 0; i < shown; i++) {
    github_one(&b, srcs, d->items.items[i]);
    if (b.len > 65536) {
      fwrite(b.data, 1, b.len, out);
      b.len = 0;
    }
  }
  if (shown < d->items.len) {
    Buf m = {0};
    more_text(&m, d->items.len - shown);
    buf_puts(&b, "::notice title=too_many::");
    esc_github(&b, buf_str(&m), false);
    buf_putc(&b, '\n');
    buf_free(&m);
  }
  fwrite(buf_str(&b), 1, b.len, out);
  buf_free(&b);
}
