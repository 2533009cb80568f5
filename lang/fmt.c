/* The formatter: prints a syntax tree in the canonical layout, keeping
 * comments where they stand and at most one blank line where the source had
 * blank lines. It prints what it parsed, so the output parses to the same
 * program, and formatting its own output changes nothing. */
#include "fmt.h"

#include <string.h>

enum { WIDTH = 80, INDENT = 2 };

typedef struct Fmt {
  Buf *out;             /* where the text goes */
  Src *src;             /* the source, for blank lines and comment places */
  const Comment *cs;    /* the comments, in order */
  int nc;               /* how many */
  int ci;               /* the next comment not yet printed */
} Fmt;

void fmt_string(Buf *out, const char *s) {
  buf_putc(out, '"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': buf_puts(out, "\\\""); break;
    case '\\': buf_puts(out, "\\\\"); break;
    case '\n': buf_puts(out, "\\n"); break;
    case '\t': buf_puts(out, "\\t"); break;
    default:
      if (*p < 0x20 || *p == 0x7f) buf_printf(out, "\\u{%X}", *p);
      else buf_putc(out, (char)*p);
    }
  }
  buf_putc(out, '"');
}

static void spaces(Buf *out, int n) {
  for (int i = 0; i < n; i++) buf_putc(out, ' ');
}

/* A text block: opening quotes, each line indented, closing quotes on a line
 * of their own. Escapes keep what dedenting would otherwise change. */
static void text_block(Buf *out, const char *s, int indent) {
  buf_puts(out, "\"\"\"\n");
  /* Would every non-blank line lose a leading space to dedenting? */
  bool all_lead = true, any = false;
  for (const char *l = s;; ) {
    const char *e = strchr(l, '\n');
    size_t n = e ? (size_t)(e - l) : strlen(l);
    if (n > 0) {
      any = true;
      if (l[0] != ' ') all_lead = false;
    }
    if (!e) break;
    l = e + 1;
  }
  bool escape_lead = any && all_lead;
  for (const char *l = s;;) {
    const char *e = strchr(l, '\n');
    size_t n = e ? (size_t)(e - l) : strlen(l);
    bool only_space = n > 0;
    for (size_t i = 0; i < n; i++)
      if (l[i] != ' ') only_space = false;
    if (n > 0) spaces(out, indent);
    for (size_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)l[i];
      if ((i == 0 && c == ' ' && escape_lead) || (only_space && c == ' ') || (i == n - 1 && c == ' '))
        buf_puts(out, "\\u{20}");
      else if (c == '\\') buf_puts(out, "\\\\");
      else if (c == '\t') buf_puts(out, "\\t");
      else if (c == '"' && i + 2 < n + 0 && l[i + 1] == '"' && l[i + 2] == '"') buf_puts(out, "\\\"");
      else if ((c < 0x20 && c != '\t') || c == 0x7f) buf_printf(out, "\\u{%X}", c);
      else buf_putc(out, (char)c);
    }
    buf_putc(out, '\n');
    if (!e) break;
    l = e + 1;
  }
  spaces(out, indent);
  buf_puts(out, "\"\"\"");
}

static void atom(Buf *out, const Atom *a, int indent) {
  switch (a->kind) {
  case ATOM_IDENT: buf_puts(out, a->text); break;
  case ATOM_STRING: fmt_string(out, a->text); break;
  case ATOM_TEXT: text_block(out, a->text, indent + INDENT); break;
  case ATOM_NUMBER:
    if (a->neg) buf_putc(out, '-');
    buf_puts(out, a->text);
    break;
  case ATOM_PERIOD: buf_puts(out, a->text); break;
  case ATOM_IN: buf_puts(out, "in"); break;
  }
}

void fmt_expr(Buf *out, const Expr *e) {
  switch (e->kind) {
  case E_NUMBER: case E_PERIOD: case E_NAME: buf_puts(out, e->text); break;
  case E_STRING: fmt_string(out, e->text); break;
  case E_TRUE: buf_puts(out, "true"); break;
  case E_FALSE: buf_puts(out, "false"); break;
  case E_NONE: buf_puts(out, "none"); break;
  case E_LIST:
  case E_CALL:
    if (e->kind == E_CALL) buf_puts(out, e->text);
    buf_putc(out, e->kind == E_CALL ? '(' : '[');
    for (int i = 0; i < e->nitems; i++) {
      if (i) buf_puts(out, ", ");
      fmt_expr(out, e->items[i]);
    }
    buf_putc(out, e->kind == E_CALL ? ')' : ']');
    break;
  case E_FIELD:
    fmt_expr(out, e->a);
    buf_putc(out, '.');
    buf_puts(out, e->text);
    break;
  case E_PAIR:
    fmt_expr(out, e->a);
    buf_puts(out, ": ");
    fmt_expr(out, e->b);
    break;
  case E_UNARY:
    buf_puts(out, e->op == OP_NOT ? "not " : "-");
    fmt_expr(out, e->a);
    break;
  case E_BINARY:
    fmt_expr(out, e->a);
    buf_printf(out, " %s ", ast_op_text(e->op));
    fmt_expr(out, e->b);
    break;
  case E_PAREN:
    buf_putc(out, '(');
    fmt_expr(out, e->a);
    buf_putc(out, ')');
    break;
  }
}

/* Columns used by the last line of out. */
static int column(const Buf *out) {
  const char *s = out->data ? out->data : "";
  size_t i = out->len;
  while (i > 0 && s[i - 1] != '\n') i--;
  return (int)utf8_count(s + i, out->len - i);
}

/* Is there a blank line in the source between offsets a and b? */
static bool blank_between(const Fmt *f, uint32_t a, uint32_t b) {
  int lines = 0;
  for (uint32_t i = a; i < b && i < f->src->len; i++)
    if (f->src->text[i] == '\n' && ++lines >= 2) return true;
  return false;
}

/* Does code stand before this comment on its line? */
static bool trailing(const Fmt *f, const Comment *c) {
  for (uint32_t i = c->loc.start; i > 0; i--) {
    char ch = f->src->text[i - 1];
    if (ch == '\n') return false;
    if (ch != ' ' && ch != '\t') return true;
  }
  return false;
}

/* A comment's length without its trailing white space, which fmt drops. */
static size_t comment_len(const Comment *c) {
  size_t n = strlen(c->text);
  while (n > 1 && (c->text[n - 1] == ' ' || c->text[n - 1] == '\t')) n--;
  return n;
}

static void comment_line(Fmt *f, const Comment *c, int indent) {
  spaces(f->out, indent);
  buf_add(f->out, c->text, comment_len(c));
  buf_putc(f->out, '\n');
}

/* Prints, at the end of the current line, the first comment before offset
 * limit if it is a trailing one, and returns where the line ends now. */
static uint32_t trailing_comment(Fmt *f, uint32_t limit, uint32_t end) {
  if (f->ci < f->nc && f->cs[f->ci].loc.start < limit && trailing(f, &f->cs[f->ci]) &&
      !blank_between(f, end, f->cs[f->ci].loc.start)) {
    const Comment *c = &f->cs[f->ci++];
    buf_puts(f->out, "  ");
    buf_add(f->out, c->text, comment_len(c));
    return c->loc.end;
  }
  return end;
}

/* Own-line comments before offset limit, each on its own line. prev is the
 * end of what was printed last; returns the new end. */
static uint32_t comments_before(Fmt *f, uint32_t limit, int indent, uint32_t prev, bool *first) {
  while (f->ci < f->nc && f->cs[f->ci].loc.start < limit) {
    const Comment *c = &f->cs[f->ci++];
    if (!*first && blank_between(f, prev, c->loc.start)) buf_putc(f->out, '\n');
    comment_line(f, c, indent);
    prev = c->loc.end;
    *first = false;
  }
  return prev;
}

/* Comments inside a wrapped list stay where they stood: a trailing one ends
 * its line, an own-line one gets a line of its own, and the list goes on
 * aligned below. Returns true when it broke the line. */
static bool list_comments(Fmt *f, uint32_t before, int align) {
  bool broke = false;
  while (f->ci < f->nc && f->cs[f->ci].loc.start < before) {
    const Comment *c = &f->cs[f->ci++];
    if (trailing(f, c) && !broke) {
      buf_puts(f->out, "  ");
    } else {
      buf_putc(f->out, '\n');
      spaces(f->out, align);
    }
    buf_add(f->out, c->text, comment_len(c));
    buf_putc(f->out, '\n');
    spaces(f->out, align);
    broke = true;
  }
  return broke;
}

static void body(Fmt *f, Attr *const *stmts, int n, int indent, uint32_t open_end, uint32_t close);

static void statement(Fmt *f, const Attr *a, int indent) {
  Buf *out = f->out;
  spaces(out, indent);
  switch (a->kind) {
  case ST_BLOCK: {
    uint32_t close = a->loc.end > a->loc.start ? a->loc.end - 1 : a->loc.start; /* the '}' */
    buf_puts(out, a->name);
    if (a->nstmts == 0 && !(f->ci < f->nc && f->cs[f->ci].loc.start < close)) {
      buf_puts(out, " {}");
      return;
    }
    buf_puts(out, " {");
    body(f, a->stmts, a->nstmts, indent + INDENT, a->name_loc.end, close);
    spaces(out, indent);
    buf_putc(out, '}');
    return;
  }
  case ST_FOR:
    buf_printf(out, "for %s in ", a->var);
    fmt_expr(out, a->expr);
    return;
  case ST_WHERE: case ST_REQUIRE: case ST_FORMULA:
    buf_printf(out, "%s ", a->name);
    fmt_expr(out, a->expr);
    return;
  case ST_ATTR:
    break;
  }
  buf_puts(out, a->name);
  if (a->nphrases == 0) return;
  buf_putc(out, ' ');
  int align = indent + (int)utf8_count(a->name, strlen(a->name)) + 1;
  for (int i = 0; i < a->nphrases; i++) {
    Buf piece = {0};
    const Phrase *ph = &a->phrases[i];
    bool multiline = false;
    for (int j = 0; j < ph->n; j++) {
      if (j) buf_putc(&piece, ' ');
      atom(&piece, &ph->atoms[j], indent);
      if (ph->atoms[j].kind == ATOM_TEXT) multiline = true;
    }
    if (i + 1 < a->nphrases) buf_putc(&piece, ',');
    /* After a comment that broke the line, the value starts the new one. */
    if (i > 0 && !list_comments(f, ph->loc.start, align)) {
      const char *nl = strchr(buf_str(&piece), '\n');
      size_t first = nl ? (size_t)(nl - buf_str(&piece)) : piece.len;
      if (column(out) + 1 + (int)utf8_count(buf_str(&piece), first) > WIDTH || multiline) {
        buf_putc(out, '\n');
        spaces(out, align);
      } else {
        buf_putc(out, ' ');
      }
    }
    buf_add(out, buf_str(&piece), piece.len);
    buf_free(&piece);
  }
}

static void decl(Fmt *f, const Decl *d) {
  Buf *out = f->out;
  buf_puts(out, ast_kind_name(d->kind));
  if (d->id) {
    buf_putc(out, ' ');
    buf_puts(out, d->id);
  }
  buf_putc(out, ' ');
  fmt_string(out, d->title);
  uint32_t close = d->loc.end ? d->loc.end - 1 : d->loc.start; /* the '}' */
  uint32_t first_stmt = d->nattrs ? d->attrs[0]->loc.start : close;
  bool empty = d->nattrs == 0 && !(f->ci < f->nc && f->cs[f->ci].loc.start < close);
  if (empty) {
    buf_puts(out, " {}");
    return;
  }
  buf_puts(out, " {");
  (void)first_stmt;
  body(f, d->attrs, d->nattrs, INDENT, d->title_loc.end, close);
  buf_putc(out, '}');
}

/* The statements of a block after its '{' (which ends at open_end), each
 * on its own line at indent, with their comments, up to the '}' at close. */
static void body(Fmt *f, Attr *const *stmts, int n, int indent, uint32_t open_end, uint32_t close) {
  Buf *out = f->out;
  uint32_t first_stmt = n ? stmts[0]->loc.start : close;
  uint32_t prev = trailing_comment(f, first_stmt, open_end);
  buf_putc(out, '\n');
  bool first = true;
  for (int i = 0; i < n; i++) {
    const Attr *a = stmts[i];
    prev = comments_before(f, a->loc.start, indent, prev, &first);
    if (!first && blank_between(f, prev, a->loc.start)) buf_putc(out, '\n');
    statement(f, a, indent);
    uint32_t next = i + 1 < n ? stmts[i + 1]->loc.start : close;
    prev = trailing_comment(f, next, a->loc.end);
    buf_putc(out, '\n');
    first = false;
  }
  comments_before(f, close, indent, prev, &first);
}

static bool is_header(const Item *it) { return it->kind == IT_IMPORT || it->kind == IT_USE; }

static void fmt_body(const AstFile *af, Src *src, Buf *out);

/* Whether the file's first line ends in CRLF: fmt keeps that line end. */
static bool first_line_crlf(const Src *src) {
  const char *nl = memchr(src->text, '\n', src->len);
  return nl && nl > src->text && nl[-1] == '\r';
}

/* Rewrites every LF of out from byte `from` on as CRLF. */
static void lf_to_crlf(Buf *out, size_t from) {
  size_t n = 0;
  for (size_t i = from; i < out->len; i++) n += out->data[i] == '\n';
  if (!n) return;
  size_t len = out->len;
  for (size_t i = 0; i < n; i++) buf_putc(out, '\n'); /* room for the CRs */
  char *d = out->data;
  size_t w = len + n;
  for (size_t r = len; r-- > from;) {
    d[--w] = d[r];
    if (d[r] == '\n') d[--w] = '\r';
  }
}

void fmt_file(const AstFile *af, Src *src, Buf *out) {
  size_t start = out->len;
  fmt_body(af, src, out);
  if (first_line_crlf(src)) lf_to_crlf(out, start);
}

static void fmt_body(const AstFile *af, Src *src, Buf *out) {
  Fmt f = {out, src, af->comments, af->ncomments, 0};
  uint32_t prev = 0;
  bool first = true;
  const Item *prev_item = NULL;
  for (int i = 0; i < af->nitems; i++) {
    const Item *it = af->items[i];
    /* Comments before the item; a decl before them is followed by a blank line. */
    while (f.ci < f.nc && f.cs[f.ci].loc.start < it->loc.start) {
      const Comment *c = &f.cs[f.ci++];
      if (!first && (blank_between(&f, prev, c->loc.start) ||
                     (prev_item && !(is_header(prev_item) && is_header(it)))))
        buf_putc(out, '\n');
      comment_line(&f, c, 0);
      prev = c->loc.end;
      first = false;
      prev_item = NULL;
    }
    if (!first) {
      bool blank;
      if (prev_item) blank = !(is_header(prev_item) && is_header(it)) || blank_between(&f, prev, it->loc.start);
      else blank = blank_between(&f, prev, it->loc.start);
      if (blank) buf_putc(out, '\n');
    }
    switch (it->kind) {
    case IT_IMPORT:
      buf_puts(out, "import ");
      fmt_string(out, it->name);
      break;
    case IT_USE:
      buf_printf(out, "use %s", it->name);
      break;
    case IT_WAIVE:
      buf_printf(out, "waive %s ", it->name);
      fmt_string(out, it->reason);
      break;
    case IT_DECL:
      decl(&f, it->decl);
      break;
    }
    uint32_t next = i + 1 < af->nitems ? af->items[i + 1]->loc.start : (uint32_t)src->len;
    prev = trailing_comment(&f, next, it->loc.end);
    buf_putc(out, '\n');
    first = false;
    prev_item = it;
  }
  while (f.ci < f.nc) {
    const Comment *c = &f.cs[f.ci++];
    if (!first && (blank_between(&f, prev, c->loc.start) || (prev_item && prev_item->kind == IT_DECL))) buf_putc(out, '\n');
    comment_line(&f, c, 0);
    prev = c->loc.end;
    first = false;
    prev_item = NULL;
  }
}
