/* The parse driver: encoding checks, token decoding (strings, text blocks,
 * numbers), error messages and recovery, and the tree builders the grammar
 * actions call. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "parse_ctx.h"
#include "parser.h"
#include "lexer.h"
#include "program.h"
#include "suggest.h"

static const struct {
  const char *word;
  int tok;
} keywords[] = {
    {"charter", KW_CHARTER}, {"import", KW_IMPORT},   {"use", KW_USE},
    {"partner", KW_PARTNER}, {"council", KW_COUNCIL}, {"dimension", KW_DIMENSION},
    {"goal", KW_GOAL},       {"outcome", KW_OUTCOME}, {"indicator", KW_INDICATOR},
    {"activity", KW_ACTIVITY}, {"rule", KW_RULE},     {"view", KW_VIEW},
    {"waive", KW_WAIVE},     {"for", KW_FOR},         {"where", KW_WHERE},
    {"require", KW_REQUIRE}, {"formula", KW_FORMULA}, {"and", KW_AND},
    {"or", KW_OR},           {"not", KW_NOT},         {"in", KW_IN},
    {"none", KW_NONE},       {"true", KW_TRUE},       {"false", KW_FALSE},
};

static Loc innermost(ParseCtx *ctx, char tok);
static int line_of(ParseCtx *ctx, Loc loc);

static const char *const kind_names[D_KIND_COUNT] = {
    "charter", "partner", "council", "dimension", "goal",
    "outcome", "indicator", "activity", "rule", "view"};

const char *ast_kind_name(DeclKind k) { return (unsigned)k < D_KIND_COUNT ? kind_names[k] : "?"; }

const char *ast_article(const char *word) { return strchr("aeiou", word[0]) ? "an" : "a"; }

int ast_kind_from_name(const char *s) {
  for (int i = 0; i < D_KIND_COUNT; i++)
    if (strcmp(kind_names[i], s) == 0) return i;
  return -1;
}

bool ast_is_reserved(const char *s) { return chx_keyword(s, strlen(s)) != 0; }

const char *ast_op_text(Op op) {
  static const char *const text[] = {"or", "and", "not", "==", "!=", "<", "<=", ">",
                                     ">=", "in", "+",   "-",   "*",  "/",  "-"};
  return text[op];
}

_Noreturn void chx_fatal(const char *msg) {
  fprintf(stderr, "charter: internal error in the scanner: %s\n", msg);
  abort();
}

int chx_keyword(const char *s, size_t n) {
  if (n < 2 || n > 9) return 0;
  for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
    if (strlen(keywords[i].word) == n && memcmp(keywords[i].word, s, n) == 0) return keywords[i].tok;
  return 0;
}

/* One copy of each name: attribute names and ids recur on every line. */
const char *chx_intern(ParseCtx *ctx, const char *s, size_t n) {
  const char *found = strmap_getn(&ctx->names, s, n);
  if (!found) {
    found = arena_strndup(ctx->arena, s, n);
    strmap_put(&ctx->names, found, (void *)found);
  }
  return found;
}

Diag *parse_error(ParseCtx *ctx, Loc loc, const char *fmt, ...) {
  if (ctx->fatal) return NULL;
  Buf b = {0};
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(&b, fmt, ap);
  va_end(ap);
  Diag *g = diag_add(ctx->diags, SEV_ERROR, loc, "syntax", "%s", buf_str(&b));
  buf_free(&b);
  ctx->nerrors++;
  ctx->lex_error_line = true; /* the parser's own reports reset it */
  return g;
}

static Loc loc_at(ParseCtx *ctx, uint32_t start, uint32_t len) {
  Loc l = {ctx->file, start, start + len};
  return l;
}

static bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Checks the escapes of raw string text at source offset base; reports each
 * bad one. Returns false when any was bad. */
static bool check_escapes(ParseCtx *ctx, const char *s, size_t n, uint32_t base) {
  bool ok = true;
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '\\') continue;
    if (i + 1 >= n) {
      parse_error(ctx, loc_at(ctx, base + (uint32_t)i, 1), "a '\\' at the end of a string escapes nothing; write '\\\\' for a backslash");
      return false;
    }
    char c = s[i + 1];
    if (c == '"' || c == '\\' || c == 'n' || c == 't') {
      i++;
      continue;
    }
    if (c == 'u') {
      size_t j = i + 2;
      bool good = j < n && s[j] == '{';
      uint32_t cp = 0;
      size_t digits = 0;
      if (good) {
        for (j++; j < n && is_hex(s[j]) && digits < 7; j++, digits++)
          cp = cp * 16 + (uint32_t)(s[j] <= '9' ? s[j] - '0' : (s[j] | 0x20) - 'a' + 10);
        good = j < n && s[j] == '}' && digits >= 1 && digits <= 6;
      }
      if (!good) {
        parse_error(ctx, loc_at(ctx, base + (uint32_t)i, 2), "a Unicode escape is written \\u{…} with 1 to 6 hex digits, as in \\u{1F600}");
        ok = false;
      } else if (cp == 0) {
        parse_error(ctx, loc_at(ctx, base + (uint32_t)i, (uint32_t)(j + 1 - i)), "\\u{0} (NUL) cannot appear in text");
        ok = false;
      } else if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        parse_error(ctx, loc_at(ctx, base + (uint32_t)i, (uint32_t)(j + 1 - i)),
                    "\\u{%X} is not a Unicode character (surrogates and values above 10FFFF are not allowed)", cp);
        ok = false;
      }
      i = j;
      continue;
    }
    uint32_t cp;
    int len = utf8_decode((const unsigned char *)s + i + 1, n - i - 1, &cp);
    parse_error(ctx, loc_at(ctx, base + (uint32_t)i, 1 + (uint32_t)(len ? len : 1)),
                "unknown escape '\\%.*s': the escapes are \\\" \\\\ \\n \\t and \\u{…}; write '\\\\' for a backslash",
                len ? len : 1, s + i + 1);
    ok = false;
    i += len ? (size_t)len : 1;
  }
  return ok;
}

/* Decodes escapes of text already checked by check_escapes. */
void ast_decode_escapes(Buf *out, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '\\' || i + 1 >= n) {
      buf_putc(out, s[i]);
      continue;
    }
    char c = s[++i];
    if (c == 'n') buf_putc(out, '\n');
    else if (c == 't') buf_putc(out, '\t');
    else if (c == 'u') {
      uint32_t cp = 0;
      for (i += 2; i < n && s[i] != '}'; i++)
        cp = cp * 16 + (uint32_t)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
      char enc[4];
      buf_add(out, enc, (size_t)utf8_encode(cp, enc));
    } else buf_putc(out, c);
  }
}

/* Text block rules: drop a line end right after the opening quotes and a
 * last line holding only white space, then remove the common indentation of
 * the non-blank lines. Escapes are decoded after, so an escaped newline does
 * not count as a line. */
static void dedent(Buf *out, const char *s, size_t n) {
  Buf norm = {0};
  for (size_t i = 0; i < n; i++)
    if (!(s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')) buf_putc(&norm, s[i]);
  const char *t = buf_str(&norm);
  size_t len = norm.len;
  if (len && t[0] == '\n') {
    t++;
    len--;
  }
  /* Drop the last line when it is only white space. */
  size_t last = len;
  while (last > 0 && t[last - 1] != '\n') last--;
  bool blank_last = true;
  for (size_t i = last; i < len; i++)
    if (t[i] != ' ' && t[i] != '\t') blank_last = false;
  if (blank_last) len = last > 0 ? last - 1 : 0;
  if (blank_last && last == 0) len = 0;
  /* Common indentation of non-blank lines. */
  size_t indent = (size_t)-1;
  for (size_t i = 0; i <= len;) {
    size_t j = i, w = 0;
    while (j < len && (t[j] == ' ' || t[j] == '\t')) j++, w++;
    if (j < len && t[j] != '\n' && w < indent) indent = w;
    while (j < len && t[j] != '\n') j++;
    i = j + 1;
  }
  if (indent == (size_t)-1) indent = 0;
  for (size_t i = 0; i < len || (i == len && len > 0 && t[len - 1] == '\n');) {
    size_t j = i, w = 0;
    while (j < len && w < indent && (t[j] == ' ' || t[j] == '\t')) j++, w++;
    size_t e = j;
    while (e < len && t[e] != '\n') e++;
    bool only_ws = true;
    for (size_t k = j; k < e; k++)
      if (t[k] != ' ' && t[k] != '\t') only_ws = false;
    if (!only_ws) ast_decode_escapes(out, t + j, e - j);
    if (e < len) buf_putc(out, '\n');
    i = e + 1;
    if (e >= len) break;
  }
  buf_free(&norm);
}

int chx_string(ParseCtx *ctx, const char *s, size_t n, Loc loc, bool text_block, const char **out) {
  uint32_t base = loc.start + (text_block ? 3 : 1);
  Buf b = {0};
  ctx->bad_string = !check_escapes(ctx, s, n, base);
  if (!ctx->bad_string) {
    if (text_block) dedent(&b, s, n);
    else ast_decode_escapes(&b, s, n);
  }
  *out = arena_strndup(ctx->arena, buf_str(&b), b.len);
  buf_free(&b);
  return text_block ? TEXT : STRING;
}

int chx_number(ParseCtx *ctx, const char *s, size_t n, Loc loc, Atom *a) {
  memset(a, 0, sizeof *a);
  a->kind = ATOM_NUMBER;
  a->loc = loc;
  a->text = arena_strndup(ctx->arena, s, n);
  char small[64];
  char *clean = n < sizeof small ? small : xmalloc(n + 1); /* without '_' */
  size_t k = 0, sig = 0;
  bool leading = true;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '_') continue;
    if (s[i] != '.') {
      if (s[i] != '0') leading = false;
      if (!leading) sig++;
    }
    clean[k++] = s[i];
  }
  clean[k] = '\0';
  if (sig > 15) {
    parse_error(ctx, loc, "this number has %zu significant digits; numbers have at most 15", sig);
    a->num = 0;
  } else {
    a->num = strtod(clean, NULL);
  }
  if (clean != small) free(clean);
  return NUMBER;
}

int chx_open(ParseCtx *ctx, int tok, Loc loc) {
  if (++ctx->depth > MAX_NESTING) {
    parse_error(ctx, loc, "this is nested more than %d levels deep", MAX_NESTING);
    ctx->fatal = true;
    return tok;
  }
  ctx->opens[ctx->depth] = loc;
  ctx->open_tok[ctx->depth] = (char)tok;
  if (tok == '{') ctx->brace_depth++;
  else ctx->paren_depth++;
  return tok;
}

int chx_close(ParseCtx *ctx, int tok, Loc loc) {
  char top = ctx->depth >= 1 && ctx->depth <= MAX_NESTING ? ctx->open_tok[ctx->depth] : 0;
  if (tok == '}') {
    /* A '}' also ends the brackets left open inside its block, so one
     * missing ')' does not swallow the rest of the file; the parser reports
     * the first of them. */
    while (top == '(' || top == '[') {
      ctx->unclosed = ctx->opens[ctx->depth];
      ctx->unclosed_tok = top;
      ctx->unclosed_at = loc;
      ctx->paren_depth--;
      ctx->depth--;
      top = ctx->depth >= 1 ? ctx->open_tok[ctx->depth] : 0;
    }
    if (top == '{') ctx->brace_depth--, ctx->depth--;
  } else if (top == '(' || top == '[') {
    ctx->paren_depth--, ctx->depth--;
  }
  return tok;
}

bool chx_newline_ends(int t) {
  switch (t) {
  case 0: case NEWLINE: case '{': case ';': case ',': case '(': case '[': case '.':
  case '+': case '-': case '*': case '/': case '<': case '>': case EQ: case NE: case LE: case GE:
  case KW_AND: case KW_OR: case KW_NOT: case KW_IN:
    return false;
  default:
    return true;
  }
}

void chx_comment(ParseCtx *ctx, const char *s, size_t n, Loc loc) {
  if (n && s[n - 1] == '\r') {
    n--;
    loc.end--;
  }
  Comment *c = arena_alloc(ctx->arena, sizeof *c);
  c->loc = loc;
  c->text = arena_strndup(ctx->arena, s, n);
  vec_push(&ctx->comments, c);
}

void chx_bad_char(ParseCtx *ctx, const char *s, size_t n, Loc loc) {
  uint32_t cp;
  int len = utf8_decode((const unsigned char *)s, n, &cp);
  if (len == 0) cp = (unsigned char)s[0];
  if (cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0x2018 || cp == 0x2019) {
    loc.end = loc.start + (uint32_t)len;
    parse_error(ctx, loc, "unexpected curly quote '%.*s': strings use straight double quotes \"…\"", len, s);
    /* Report each curly quote once, at its place. */
    if ((size_t)len < n) chx_bad_char(ctx, s + len, n - (size_t)len, loc_at(ctx, loc.start + (uint32_t)len, (uint32_t)(n - (size_t)len)));
    return;
  }
  if (cp == 0xA0) {
    loc.end = loc.start + (uint32_t)len;
    parse_error(ctx, loc, "a non-breaking space (U+00A0), as a word processor puts in: replace it with a plain space");
    if ((size_t)len < n) chx_bad_char(ctx, s + len, n - (size_t)len, loc_at(ctx, loc.start + (uint32_t)len, (uint32_t)(n - (size_t)len)));
    return;
  }
  if (cp >= 0x80)
    parse_error(ctx, loc, "unexpected character '%.*s' (U+%04X): names use only ASCII letters, digits and '_'; put other text in quotes",
                len, s, cp);
  else if (cp < 0x20 || cp == 0x7f)
    parse_error(ctx, loc, "unexpected control character (U+%04X)", cp);
  else
    parse_error(ctx, loc, "unexpected character '%c'", (char)cp);
}

/* The declaration kind a word at the start of a top-level item names: a
 * keyword, or a name that is one written in capitals or misspelt
 * ("Partner", "parnter"); -1 for none. */
static int item_kind_of(ParseCtx *ctx, int t, Loc loc) {
  switch (t) {
  case KW_CHARTER: return D_CHARTER;
  case KW_PARTNER: return D_PARTNER;
  case KW_COUNCIL: return D_COUNCIL;
  case KW_DIMENSION: return D_DIMENSION;
  case KW_GOAL: return D_GOAL;
  case KW_OUTCOME: return D_OUTCOME;
  case KW_INDICATOR: return D_INDICATOR;
  case KW_ACTIVITY: return D_ACTIVITY;
  case KW_RULE: return D_RULE;
  case KW_VIEW: return D_VIEW;
  case IDENT: break;
  default: return -1;
  }
  char w[16];
  size_t n = loc.end - loc.start;
  if (n >= sizeof w) return -1;
  for (size_t i = 0; i < n; i++) w[i] = (char)tolower((unsigned char)ctx->src->text[loc.start + i]);
  w[n] = '\0';
  int k = ast_kind_from_name(w);
  if (k >= 0) return k;
  const char *best = suggest_best(w, (const char *const *)kind_names, D_KIND_COUNT);
  return best ? ast_kind_from_name(best) : -1;
}

/* Remembers where a top-level item starts and the declaration kind its
 * first word names, so a declaration whose header is broken still declares
 * its id (chx_item_error). */
static void track_item(ParseCtx *ctx, int t, Loc loc) {
  if (ctx->brace_depth > 0 || ctx->paren_depth > 0) return;
  if (ctx->tok_seen == 0 || ctx->tok_seen == NEWLINE || ctx->tok_seen == ';') {
    ctx->item_kind = 0;
    if (t != NEWLINE && t != ';') {
      int k = item_kind_of(ctx, t, loc);
      ctx->item_kind = k + 1;
      ctx->item_kw = loc;
    }
  }
}

/* Whether token t, a declaration keyword first on its line inside a block
 * whose line ends in '{', starts the next declaration: the block before it
 * lacks its '}'. Reports that once, closes every open block and queues the
 * keyword after the '}' tokens and an end of line. */
static bool missing_brace(ParseCtx *ctx, int t, YYSTYPE *lval, Loc *lloc) {
  if (t != KW_CHARTER && t != KW_PARTNER && t != KW_COUNCIL && t != KW_DIMENSION && t != KW_GOAL &&
      t != KW_OUTCOME && t != KW_INDICATOR && t != KW_ACTIVITY && t != KW_RULE && t != KW_VIEW)
    return false;
  if (ctx->scanner) chx_restore(ctx->scanner);
  const char *s = ctx->src->text;
  uint32_t i = lloc->start;
  while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t')) i--;
  if (i > 0 && s[i - 1] != '\n') return false; /* not first on its line */
  uint32_t j = lloc->end, end = ctx->end_pos;
  if (j >= end || (s[j] != ' ' && s[j] != '\t')) return false;
  while (j < end && (s[j] == ' ' || s[j] == '\t')) j++;
  if (j >= end || !(isalpha((unsigned char)s[j]) || s[j] == '_' || s[j] == '"')) return false;
  char last = 0;
  bool in_str = false;
  for (; j < end && s[j] != '\n'; j++) {
    if (s[j] == '"') in_str = !in_str;
    else if (s[j] == '#' && !in_str) break;
    if (s[j] != ' ' && s[j] != '\t' && s[j] != '\r') last = s[j];
  }
  if (last != '{') return false;
  Loc open = innermost(ctx, '{');
  Loc first = ctx->opens[1];
  Buf m = {0};
  const Decl *d = ctx->decl;
  buf_puts(&m, "expected '}' here, before the next declaration: the block of ");
  if (d && d->id) buf_printf(&m, "%s '%s'", ast_kind_name(d->kind), d->id);
  else if (d) buf_puts(&m, ast_kind_name(d->kind));
  else buf_puts(&m, "the declaration");
  buf_printf(&m, " that opens on line %d is not closed; add '}' at its end", line_of(ctx, first));
  /* The error stands where the '}' belongs: the end of the last line
   * before the next declaration that is not blank or a comment. */
  uint32_t e = i, line_start;
  for (;;) {
    while (e > first.end && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) e--;
    line_start = e;
    while (line_start > 0 && s[line_start - 1] != '\n') line_start--;
    uint32_t k = line_start;
    while (k < e && (s[k] == ' ' || s[k] == '\t')) k++;
    if (k >= e || s[k] != '#' || line_start <= first.end) break;
    e = line_start;
  }
  for (uint32_t k = line_start; k < e; k++) /* a comment at the end of that line */
    if (s[k] == '#') {
      bool quoted = false;
      for (uint32_t q = line_start; q < k; q++) quoted ^= s[q] == '"';
      if (!quoted) {
        e = k;
        while (e > line_start && (s[e - 1] == ' ' || s[e - 1] == '\t')) e--;
        break;
      }
    }
  Diag *g = parse_error(ctx, (Loc){ctx->file, e, e}, "%s", buf_str(&m));
  buf_free(&m);
  diag_note(ctx->diags, g, first, "the block opened here");
  if (open.start != first.start) diag_note(ctx->diags, g, open, "and this block inside it");
  diag_note(ctx->diags, g, *lloc, "the next declaration starts here");
  ctx->lex_error_line = false;
  ctx->pend_close = 0;
  while (ctx->brace_depth > 0) {
    chx_close(ctx, '}', *lloc);
    ctx->pend_close++;
  }
  ctx->pend_close--; /* the first is returned now */
  ctx->pend_newline = true;
  ctx->pend_kw = t;
  ctx->pend_atom = lval->atom;
  ctx->pend_loc = *lloc;
  return true;
}

int chx_lex(YYSTYPE *lval, Loc *lloc, ParseCtx *ctx) {
  if (ctx->pend_close > 0 || ctx->pend_newline || ctx->pend_kw) {
    Loc at = {ctx->file, ctx->pend_loc.start, ctx->pend_loc.start};
    int t;
    if (ctx->pend_close > 0) {
      ctx->pend_close--;
      t = '}';
      *lloc = at;
    } else if (ctx->pend_newline) {
      ctx->pend_newline = false;
      t = NEWLINE;
      *lloc = at;
    } else {
      t = ctx->pend_kw;
      ctx->pend_kw = 0;
      lval->atom = ctx->pend_atom;
      *lloc = ctx->pend_loc;
    }
    track_item(ctx, t, *lloc);
    ctx->prev_tok = ctx->tok_seen;
    ctx->tok_seen = t;
    return t;
  }
  if (ctx->expr_start) {
    ctx->expr_start = false;
    lloc->file = ctx->file;
    lloc->start = lloc->end = ctx->pos;
    return EXPR_START;
  }
  for (;;) {
    int t = ctx->fatal ? 0 : yylex(lval, lloc, ctx->scanner);
    if (t == 0 || ctx->fatal) {
      lloc->file = ctx->file;
      lloc->start = lloc->end = ctx->end_pos;
      ctx->skip = SKIP_NONE;
      return 0;
    }
    switch (ctx->skip) {
    case SKIP_NONE:
      if (ctx->brace_depth > 0 && ctx->paren_depth == 0 && missing_brace(ctx, t, lval, lloc)) {
        t = '}';
        *lloc = (Loc){ctx->file, ctx->pend_loc.start, ctx->pend_loc.start};
      }
      track_item(ctx, t, *lloc);
      ctx->prev_tok = ctx->tok_seen;
      ctx->tok_seen = t;
      return t;
    case SKIP_MAYBE_BRACE:
      ctx->skip = SKIP_NONE;
      if (t != '{') return t;
      ctx->skip = SKIP_BLOCK;
      ctx->skip_depth = ctx->brace_depth - 1;
      continue;
    case SKIP_LINE:
      if (t == NEWLINE || t == ';') {
        ctx->skip = SKIP_NONE;
        ctx->prev_tok = ctx->tok_seen;
        ctx->tok_seen = t;
        return t;
      }
      if (t == '{') {
        ctx->skip = SKIP_BLOCK;
        ctx->skip_depth = ctx->brace_depth - 1;
      }
      continue;
    case SKIP_BLOCK:
      if (ctx->brace_depth <= ctx->skip_depth) {
        ctx->skip = SKIP_NONE;
        ctx->last_tok = NEWLINE;
        ctx->prev_tok = ctx->tok_seen;
        ctx->tok_seen = NEWLINE;
        return NEWLINE;
      }
      continue;
    }
  }
}

/* ---- error messages ---- */

static bool has(const char **names, int n, const char *want) {
  for (int i = 0; i < n; i++)
    if (strcmp(names[i], want) == 0) return true;
  return false;
}

/* A token name as bison spells it ("name", "partner", "'{'", "==") made
 * readable: categories get an article, words and operators quotes. */
static bool is_category(const char *name) {
  static const char *const categories[] = {"name", "string", "text block", "number", "period"};
  for (size_t i = 0; i < sizeof categories / sizeof *categories; i++)
    if (strcmp(name, categories[i]) == 0) return true;
  return false;
}

static void describe(Buf *b, const char *name) {
  if (is_category(name)) buf_printf(b, "%s %s", name[0] == 'e' ? "an" : "a", name);
  else if (strcmp(name, "end of line") == 0 || strcmp(name, "end of file") == 0) buf_puts(b, name);
  else if (name[0] == '\'') buf_puts(b, name);
  else buf_printf(b, "'%s'", name);
}

/* Where the innermost open bracket of this kind stands. */
static Loc innermost(ParseCtx *ctx, char tok) {
  for (int d = ctx->depth; d >= 1; d--)
    if (d <= MAX_NESTING && ctx->open_tok[d] == tok) return ctx->opens[d];
  return ctx->opens[1];
}

static int line_of(ParseCtx *ctx, Loc loc) {
  int line, col;
  src_linecol(ctx->src, loc.start, &line, &col);
  return line;
}

/* Is a '(' or '[' open since a line before loc? (The innermost open bracket
 * is one: a '}' closes those inside its block.) */
static bool open_paren_before(ParseCtx *ctx, Loc loc) {
  if (ctx->paren_depth == 0 || ctx->depth > MAX_NESTING) return false;
  return line_of(ctx, loc) > line_of(ctx, ctx->opens[ctx->depth]);
}

/* The unexpected token: "name 'partnr'", "'{'", "end of line". */
static void describe_got(Buf *m, ParseCtx *ctx, const char *got, Loc loc, bool word) {
  if (!word) {
    describe(m, got);
    return;
  }
  buf_puts(m, got);
  size_t n = loc.end - loc.start;
  const char *s = ctx->src->text + loc.start;
  bool quoted = n > 0 && s[0] == '"';
  if (n > 40) {
    size_t cut = 40;
    while (cut > 0 && (((unsigned char)s[cut]) & 0xC0) == 0x80) cut--;
    buf_printf(m, quoted ? " %.*s…" : " '%.*s…'", (int)cut, s);
  } else {
    buf_printf(m, quoted ? " %.*s" : " '%.*s'", (int)n, s);
  }
}

/* A '/' inside what looks like a period written another way (2026/07,
 * 3/31/2026, 2013/2017): true with the message in m and *at the whole
 * text. */
static bool slash_period(ParseCtx *ctx, Loc loc, Buf *m, Loc *at) {
  /* The '/' is the token just scanned: flex holds the byte after it. */
  if (ctx->scanner) chx_restore(ctx->scanner);
  const char *t = ctx->src->text;
  uint32_t a = loc.start, b = loc.start;
  while (a > 0 && (isdigit((unsigned char)t[a - 1]) || t[a - 1] == '/')) a--;
  while (b < ctx->src->len && (isdigit((unsigned char)t[b]) || t[b] == '/')) b++;
  char why[PERIOD_WHY_MAX];
  if (a == loc.start || !period_lookalike(t + a, b - a, false, why)) return false;
  buf_printf(m, "'%.*s' is not a valid period: %s", (int)(b - a), t + a, why);
  *at = (Loc){loc.file, a, b};
  return true;
}

/* Whether the '{' at loc stands alone after a line holding one name alone
 * (a nested block's name, its brace moved to the next line); *word is the
 * name. */
static bool lone_word_before(ParseCtx *ctx, Loc loc, Loc *word) {
  const char *t = ctx->src->text;
  uint32_t i = loc.start;
  while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t')) i--;
  if (i == 0 || t[i - 1] != '\n') return false; /* the brace is not first on its line */
  i--;
  if (i > 0 && t[i - 1] == '\r') i--;
  while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t')) i--;
  uint32_t end = i;
  while (i > 0 && (isalnum((unsigned char)t[i - 1]) || t[i - 1] == '_')) i--;
  uint32_t start = i;
  while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t')) i--;
  if (start == end || (i > 0 && t[i - 1] != '\n') || !isalpha((unsigned char)t[start])) return false;
  *word = (Loc){loc.file, start, end};
  return true;
}

/* The spec of the attribute whose statement is being read, or NULL. */
static const AttrSpec *stmt_spec(ParseCtx *ctx) {
  if (!ctx->decl || !ctx->attr || ctx->attr->kind != ST_ATTR || ctx->brace_depth != 1 || ctx->paren_depth) return NULL;
  int k = chk_spec_index(ctx->decl->kind, ctx->attr->name);
  int n;
  return k >= 0 ? &chk_specs(ctx->decl->kind, &n)[k] : NULL;
}

/* A header's title written without quotes (partner residents Eastside
 * Resident Council {): the message that says to quote it. */
static bool unquoted_title(ParseCtx *ctx, Loc loc, Buf *m) {
  if (ctx->scanner) chx_restore(ctx->scanner);
  const char *s = ctx->src->text;
  uint32_t e = loc.start;
  while (e < ctx->end_pos && s[e] != '\n' && s[e] != '{' && s[e] != '#') e++;
  while (e > loc.start && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) e--;
  if (e == loc.start) return false;
  buf_printf(m, "a title goes in double quotes: write \"%.*s\"", (int)(e - loc.start), s + loc.start);
  return true;
}

/* A name with a dash in it (tenants-union, non-profit): ids and words are
 * written with '_'. */
static bool dashed_name(ParseCtx *ctx, Loc loc, Buf *m) {
  if (ctx->scanner) chx_restore(ctx->scanner);
  const char *s = ctx->src->text;
  uint32_t a = loc.start, b = loc.end;
  if (a == 0 || !(isalnum((unsigned char)s[a - 1]) || s[a - 1] == '_')) return false;
  if (b >= ctx->end_pos || !isalpha((unsigned char)s[b])) return false;
  while (a > 0 && (isalnum((unsigned char)s[a - 1]) || s[a - 1] == '_' || s[a - 1] == '-')) a--;
  while (b < ctx->end_pos && (isalnum((unsigned char)s[b]) || s[b] == '_' || s[b] == '-')) b++;
  if (!isalpha((unsigned char)s[a]) && s[a] != '_') return false;
  /* A word of the attribute's set written with a dash: sector non-profit. */
  int k = ctx->decl && ctx->attr ? chk_spec_index(ctx->decl->kind, ctx->attr->name) : -1;
  if (k >= 0) {
    int nspecs;
    const AttrSpec *spec = &chk_specs(ctx->decl->kind, &nspecs)[k];
    char joined[64];
    size_t n = 0;
    for (uint32_t i = a; i < b && n + 1 < sizeof joined; i++)
      if (s[i] != '-') joined[n++] = s[i];
    joined[n] = '\0';
    for (const char *const *w = spec->symbols; w && *w; w++)
      if (strcmp(*w, joined) == 0) {
        buf_printf(m, "'%.*s' is written %s in Charter, without the dash: write %s %s", (int)(b - a), s + a, *w,
                   spec->name, *w);
        return true;
      }
  }
  buf_printf(m, "'%.*s' is not a name: names use letters, digits and '_', as in ", (int)(b - a), s + a);
  for (uint32_t i = a; i < b; i++) buf_putc(m, s[i] == '-' ? '_' : s[i]);
  return true;
}

void chx_syntax_error(ParseCtx *ctx, Loc loc, const char *got, const char **exp, int n) {
  if (ctx->fatal) return;
  /* The scanner already reported this spot (a bad number, a stray byte). */
  if (ctx->diags->items.len > 0) {
    Diag *last = ctx->diags->items.items[ctx->diags->items.len - 1];
    bool same_line = last->loc.file == loc.file && strcmp(last->rule, "syntax") == 0 && last->loc.start <= loc.start &&
                     !memchr(ctx->src->text + last->loc.start, '\n', loc.start - last->loc.start);
    if ((last->loc.file == loc.file && last->loc.start == loc.start) || (same_line && ctx->lex_error_line)) {
      if (ctx->brace_depth == 0) ctx->skip = SKIP_LINE;
      return;
    }
  }
  if (ctx->in_expr) {
    /* Inside a message's {interpolation}. */
    bool at_end = loc.start >= ctx->end_pos;
    Loc at = loc;
    if (at_end) at.start = at.end = ctx->end_pos;
    Buf e = {0};
    if (at_end)
      buf_puts(&e, "this interpolation ends before its expression does: write a whole expression, as in {a.id}");
    else {
      buf_printf(&e, "unexpected '%.*s'", (int)(loc.end - loc.start), ctx->src->text + loc.start);
      buf_puts(&e, " in this interpolation: it holds one expression, as in {a.id} or {count(a.owner)}");
    }
    parse_error(ctx, at, "%s", buf_str(&e));
    buf_free(&e);
    return;
  }
  Buf m = {0};
  bool is_newline = strcmp(got, "end of line") == 0;
  bool is_eof = strcmp(got, "end of file") == 0;
  bool is_brace = strcmp(got, "'{'") == 0;
  bool word = is_category(got);
  Diag *g = NULL;
  Loc at_text;

  if (word && strcmp(got, "name") == 0 && has(exp, n, "string") && ctx->brace_depth == 0 && ctx->item_kind > 1 &&
      unquoted_title(ctx, loc, &m)) {
    parse_error(ctx, loc, "%s", buf_str(&m));
    buf_free(&m);
    ctx->skip = SKIP_LINE;
    return;
  }
  if (word && strcmp(got, "name") == 0 && ctx->prev_tok == '-' && loc.start > 0 &&
      ctx->src->text[loc.start - 1] == '-' && dashed_name(ctx, (Loc){loc.file, loc.start - 1, loc.start}, &m)) {
    uint32_t a = loc.start - 1;
    while (a > 0 && (isalnum((unsigned char)ctx->src->text[a - 1]) || ctx->src->text[a - 1] == '_')) a--;
    parse_error(ctx, (Loc){loc.file, a, loc.end}, "%s", buf_str(&m));
    buf_free(&m);
    if (ctx->brace_depth == 0) ctx->skip = SKIP_LINE;
    return;
  }
  if (strcmp(got, "'-'") == 0 && dashed_name(ctx, loc, &m)) {
    parse_error(ctx, loc, "%s", buf_str(&m));
    buf_free(&m);
    if (ctx->brace_depth == 0) ctx->skip = SKIP_LINE;
    return;
  }
  if (is_newline && has(exp, n, "'{'")) {
    parse_error(ctx, loc, "expected '{' at the end of this line: a declaration's block opens on the same line as its header");
    ctx->skip = SKIP_MAYBE_BRACE;
    return;
  }
  bool closed_by_brace = ctx->unclosed_tok && ctx->unclosed_at.start == loc.start && strcmp(got, "'}'") == 0;
  if (closed_by_brace || open_paren_before(ctx, loc)) {
    /* The innermost '(' or '[' still open, or the one this '}' closed. */
    char open = closed_by_brace ? ctx->unclosed_tok : ctx->open_tok[ctx->depth];
    Loc at = closed_by_brace ? ctx->unclosed : ctx->opens[ctx->depth];
    buf_puts(&m, "unexpected ");
    describe_got(&m, ctx, got, loc, word);
    buf_printf(&m, ": the '%c' on line %d is not closed", open, line_of(ctx, at));
    g = parse_error(ctx, loc, "%s", buf_str(&m));
    diag_note(ctx->diags, g, at, "opened here");
  } else if (is_brace && ctx->brace_depth >= 2 && lone_word_before(ctx, loc, &at_text)) {
    /* disclosure, then '{' on the next line */
    parse_error(ctx, loc, "a block opens on the line of its name: write '%.*s {'", (int)(at_text.end - at_text.start),
                ctx->src->text + at_text.start);
  } else if (is_brace && ctx->brace_depth >= 2) {
    Loc outer = ctx->opens[1];
    g = parse_error(ctx, loc, "a block cannot open inside another block: is the '}' that closes the '{' on line %d missing?",
                    line_of(ctx, outer));
    diag_note(ctx->diags, g, outer, "the block still open");
  } else if (is_brace && has(exp, n, "string")) {
    parse_error(ctx, loc, "expected a title in quotes before '{', as in: partner lantern \"Lantern Peer Recovery Alliance\" {");
  } else if (is_eof && ctx->brace_depth > 0) {
    Loc open = innermost(ctx, '{');
    g = parse_error(ctx, loc, "the file ends inside a block: expected '}' to close the '{' on line %d", line_of(ctx, open));
    diag_note(ctx->diags, g, open, "the block opened here");
  } else if (ctx->prev_tok == ',' && !is_newline) {
    buf_puts(&m, "expected a value after ',', but found ");
    describe_got(&m, ctx, got, loc, word);
    buf_puts(&m, "; remove the comma or add the next value");
    parse_error(ctx, loc, "%s", buf_str(&m));
  } else if (strcmp(got, "'/'") == 0 && slash_period(ctx, loc, &m, &at_text)) {
    parse_error(ctx, at_text, "%s", buf_str(&m));
  } else if (strcmp(got, "':'") == 0 && ctx->brace_depth > 0 && ctx->paren_depth == 0) {
    parse_error(ctx, loc, "unexpected ':': an attribute takes its value without ':', as in: sector community");
  } else if (!word && !is_newline && !is_eof && got[0] != '\'' && isalpha((unsigned char)got[0]) && has(exp, n, "name")) {
    const AttrSpec *spec = stmt_spec(ctx);
    if (spec && (strcmp(got, "and") == 0 || strcmp(got, "or") == 0) && (spec->flags & A_LIST)) {
      /* owner food_bank and schools */
      if (ctx->scanner) chx_restore(ctx->scanner);
      const char *t = ctx->src->text;
      uint32_t a = ctx->attr->name_loc.start, e = a;
      while (e < ctx->end_pos && t[e] != '\n' && t[e] != '#') e++;
      while (e > a && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\r')) e--;
      buf_printf(&m, "the values of '%s' are separated by commas, not '%s': write ", spec->name, got);
      for (uint32_t i = a; i < e; i++) {
        if (i == loc.start) {
          while (m.len && m.data[m.len - 1] == ' ') m.len--;
          buf_puts(&m, ",");
          i = loc.end - 1;
          continue;
        }
        buf_putc(&m, t[i]);
      }
      parse_error(ctx, loc, "%s", buf_str(&m));
    } else if (spec && spec->form == F_REF) {
      /* community_owner Mesa Parents for Healthy Schools */
      parse_error(ctx, loc,
                  "'%s' takes the id of a declaration, not its name in words ('%s' is a reserved word): write the id, as in: %s",
                  spec->name, got, spec->example);
    } else {
      parse_error(ctx, loc, "'%s' is a reserved word and cannot be used as a name; choose another id", got);
    }
  } else if (ctx->brace_depth > 0 && has(exp, n, "for") && has(exp, n, "name")) {
    buf_puts(&m, "expected an attribute name at the start of this statement, but found ");
    describe_got(&m, ctx, got, loc, word);
    parse_error(ctx, loc, "%s", buf_str(&m));
  } else if (has(exp, n, "partner") && has(exp, n, "import")) {
    buf_puts(&m, "expected a declaration (charter, partner, council, dimension, goal, outcome, indicator, activity, rule or view), import, use or waive, but found ");
    describe_got(&m, ctx, got, loc, word);
    const char *fix = NULL;
    if (strcmp(got, "name") == 0) {
      static const char *const tops[] = {"charter", "partner", "council", "dimension", "goal", "outcome",
                                         "indicator", "activity", "rule", "view", "import", "use", "waive"};
      char *w = arena_strndup(ctx->arena, ctx->src->text + loc.start, loc.end - loc.start);
      const char *best = suggest_best(w, tops, (int)(sizeof tops / sizeof *tops));
      if (best) buf_printf(&m, "; did you mean '%s'?", best);
      if (best) fix = best;
    } else if (strcmp(got, "'}'") == 0) {
      buf_puts(&m, " (no block is open here)");
    }
    Diag *dg = parse_error(ctx, loc, "%s", buf_str(&m));
    if (dg) dg->fix = fix;
  } else {
    buf_puts(&m, "unexpected ");
    describe_got(&m, ctx, got, loc, word);
    if (n > 0 && n <= 6) {
      buf_puts(&m, "; expected ");
      for (int i = 0; i < n; i++) {
        if (i) buf_puts(&m, i == n - 1 ? " or " : ", ");
        describe(&m, exp[i]);
      }
    }
    parse_error(ctx, loc, "%s", buf_str(&m));
  }
  buf_free(&m);

  if (is_brace && ctx->brace_depth > 0) {
    ctx->skip = SKIP_BLOCK;
    ctx->skip_depth = ctx->brace_depth - 1;
  } else if (ctx->brace_depth == 0 && !is_newline && !is_eof && strcmp(got, "';'") != 0) {
    ctx->skip = SKIP_LINE;
  }
}

/* ---- tree builders ---- */

static void *copy_vec(ParseCtx *ctx, Vec *v, int *n) {
  *n = v->len;
  void **arr = arena_alloc(ctx->arena, (size_t)(v->len ? v->len : 1) * sizeof(void *));
  if (v->len) memcpy(arr, v->items, (size_t)v->len * sizeof(void *));
  v->len = 0;
  return arr;
}

void chx_begin_decl(ParseCtx *ctx, DeclKind kind, Loc kw, Atom *id, Atom *title) {
  Decl *d = arena_alloc(ctx->arena, sizeof *d);
  d->kind = kind;
  d->kw_loc = kw;
  d->id = id ? id->text : NULL;
  d->id_loc = id ? id->loc : kw;
  d->title = title->text;
  d->title_loc = title->loc;
  ctx->decl = d;
  ctx->attrs.len = 0;
  ctx->blocks.len = 0;
}

void chx_end_decl(ParseCtx *ctx, Loc loc) {
  Decl *d = ctx->decl;
  if (!d) return;
  /* A nested block left open by an error ends with its declaration. */
  while (ctx->blocks.len) chx_end_block(ctx, (Loc){loc.file, loc.end, loc.end});
  d->attrs = copy_vec(ctx, &ctx->attrs, &d->nattrs);
  d->loc = loc;
  d->loc.start = d->kw_loc.start;
  Item *it = arena_alloc(ctx->arena, sizeof *it);
  it->kind = IT_DECL;
  it->loc = d->loc;
  it->decl = d;
  vec_push(&ctx->items, it);
  ctx->decl = NULL;
}

void chx_begin_stmt(ParseCtx *ctx, StmtKind kind, Atom *name) {
  Attr *a = arena_alloc(ctx->arena, sizeof *a);
  a->kind = kind;
  a->name = name->text;
  a->name_loc = name->loc;
  ctx->attr = a;
  ctx->nphrases = 0;
  ctx->natoms = 0;
}

void chx_end_stmt(ParseCtx *ctx, Loc loc) {
  Attr *a = ctx->attr;
  if (!a) return;
  a->phrases = NULL;
  a->nphrases = ctx->nphrases;
  if (a->nphrases) {
    a->phrases = arena_alloc(ctx->arena, (size_t)a->nphrases * sizeof *a->phrases);
    memcpy(a->phrases, ctx->phrases, (size_t)a->nphrases * sizeof *a->phrases);
  }
  ctx->nphrases = 0;
  a->loc = loc;
  if (ctx->decl) vec_push(&ctx->attrs, a);
  ctx->attr = NULL;
}

void chx_begin_block(ParseCtx *ctx) {
  Attr *a = ctx->attr;
  if (!a) return;
  a->kind = ST_BLOCK;
  a->nstmts = ctx->attrs.len;
  vec_push(&ctx->blocks, a);
  ctx->attr = NULL;
}

void chx_end_block(ParseCtx *ctx, Loc loc) {
  if (!ctx->blocks.len) return;
  Attr *a = ctx->blocks.items[--ctx->blocks.len];
  int start = a->nstmts;
  if (start > ctx->attrs.len) start = ctx->attrs.len;
  a->nstmts = ctx->attrs.len - start;
  a->stmts = arena_alloc(ctx->arena, (size_t)(a->nstmts ? a->nstmts : 1) * sizeof *a->stmts);
  if (a->nstmts) memcpy(a->stmts, ctx->attrs.items + start, (size_t)a->nstmts * sizeof *a->stmts);
  ctx->attrs.len = start;
  if (loc.end > a->name_loc.start) {
    a->loc = loc;
    a->loc.start = a->name_loc.start;
  } else {
    a->loc = a->name_loc;
  }
  if (ctx->decl) vec_push(&ctx->attrs, a);
}

void chx_add_atom(ParseCtx *ctx, Atom *a) {
  if (ctx->natoms == ctx->cap_atoms) {
    ctx->cap_atoms = ctx->cap_atoms ? ctx->cap_atoms * 2 : 8;
    ctx->atoms = xrealloc(ctx->atoms, (size_t)ctx->cap_atoms * sizeof *ctx->atoms);
  }
  ctx->atoms[ctx->natoms++] = *a;
}

void chx_end_phrase(ParseCtx *ctx) {
  if (ctx->nphrases == ctx->cap_phrases) {
    ctx->cap_phrases = ctx->cap_phrases ? ctx->cap_phrases * 2 : 8;
    ctx->phrases = xrealloc(ctx->phrases, (size_t)ctx->cap_phrases * sizeof *ctx->phrases);
  }
  Phrase *p = &ctx->phrases[ctx->nphrases++];
  p->n = ctx->natoms;
  p->atoms = arena_alloc(ctx->arena, (size_t)(p->n ? p->n : 1) * sizeof *p->atoms);
  memcpy(p->atoms, ctx->atoms, (size_t)p->n * sizeof *p->atoms);
  p->loc = p->atoms[0].loc;
  p->loc.end = p->atoms[p->n - 1].loc.end;
  ctx->natoms = 0;
}

void chx_add_item(ParseCtx *ctx, ItemKind kind, Loc loc, Atom *name, Atom *reason) {
  Item *it = arena_alloc(ctx->arena, sizeof *it);
  it->kind = kind;
  it->loc = loc;
  it->name = name->text;
  it->name_loc = name->loc;
  if (reason) {
    it->reason = reason->text;
    it->reason_loc = reason->loc;
  }
  vec_push(&ctx->items, it);
}

void chx_stmt_error(ParseCtx *ctx) {
  ctx->attr = NULL;
  ctx->nphrases = 0;
  ctx->natoms = 0;
  if (ctx->decl) ctx->decl->broken = true;
}

void chx_item_error(ParseCtx *ctx) {
  chx_stmt_error(ctx);
  if (ctx->decl) {
    Loc end = {ctx->file, ctx->pos, ctx->pos};
    chx_end_decl(ctx, end);
    ctx->item_kind = 0;
    return;
  }
  /* A broken header (partner residents Eastside Resident Council {,
   * Partner schools, partner tenants 'Mesa Tenants Union') still declares
   * the id after its kind, so references to it resolve; the declaration is
   * broken, and checks and rules that need its contents skip it. */
  if (ctx->item_kind > 1 + D_CHARTER) {
    if (ctx->scanner) chx_restore(ctx->scanner); /* the byte flex holds may be the one after the kind */
    const char *s = ctx->src->text;
    uint32_t j = ctx->item_kw.end, end = ctx->end_pos;
    while (j < end && (s[j] == ' ' || s[j] == '\t')) j++;
    uint32_t a = j;
    if (j < end && (isalpha((unsigned char)s[j]) || s[j] == '_'))
      while (j < end && (isalnum((unsigned char)s[j]) || s[j] == '_')) j++;
    if (j > a && !chx_keyword(s + a, j - a)) {
      Atom id = {0}, title = {0};
      id.kind = ATOM_IDENT;
      id.text = chx_intern(ctx, s + a, j - a);
      id.loc = (Loc){ctx->file, a, j};
      title.text = "";
      title.loc = id.loc;
      chx_begin_decl(ctx, (DeclKind)(ctx->item_kind - 1), ctx->item_kw, &id, &title);
      ctx->decl->broken = true;
      chx_end_decl(ctx, (Loc){ctx->file, ctx->item_kw.start, j});
    }
  }
  ctx->item_kind = 0;
}

Expr *chx_expr(ParseCtx *ctx, ExprKind kind, Loc loc) {
  Expr *e = arena_alloc(ctx->arena, sizeof *e);
  e->kind = kind;
  e->loc = loc;
  return e;
}

Expr *chx_binary(ParseCtx *ctx, Op op, Expr *a, Expr *b, Loc loc) {
  Expr *e = chx_expr(ctx, b ? E_BINARY : E_UNARY, loc);
  e->op = op;
  e->a = a;
  e->b = b;
  return e;
}

Expr *chx_literal(ParseCtx *ctx, ExprKind kind, Atom *a) {
  Expr *e = chx_expr(ctx, kind, a->loc);
  e->text = a->text;
  e->num = a->num;
  e->per = a->per;
  return e;
}

ExprList *chx_list(ParseCtx *ctx, ExprList *list, Expr *e) {
  if (!list) list = arena_alloc(ctx->arena, sizeof *list);
  if (list->n == list->cap) {
    int cap = list->cap ? list->cap * 2 : 4;
    Expr **items = arena_alloc(ctx->arena, (size_t)cap * sizeof *items);
    if (list->n) memcpy(items, list->items, (size_t)list->n * sizeof *items);
    list->items = items;
    list->cap = cap;
  }
  list->items[list->n++] = e;
  return list;
}

void chx_list_set(Expr *e, ExprList *list) {
  e->items = list->items;
  e->nitems = list->n;
}

/* Reports invalid UTF-8 and NUL bytes; returns how many were found. */
static int check_encoding(DiagList *d, Src *s, uint32_t file) {
  enum { MAX_REPORTED = 10 };
  int bad = 0;
  const unsigned char *p = (const unsigned char *)s->text;
  if (s->len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
    Loc loc = {file, 0, 2};
    diag_add(d, SEV_ERROR, loc, "encoding", "this file is UTF-16; save it as UTF-8");
    return 1;
  }
  for (size_t i = 0; i < s->len;) {
    uint32_t cp;
    int len = p[i] < 0x80 ? 1 : utf8_decode(p + i, s->len - i, &cp);
    if (len && p[i] != 0) {
      i += (size_t)len;
      continue;
    }
    /* A run of bad bytes is one problem. */
    size_t j = i + 1;
    while (j < s->len && p[j] != 0 && p[j] >= 0x80 && !utf8_decode(p + j, s->len - j, &cp) && p[i] != 0) j++;
    Loc loc = {file, (uint32_t)i, (uint32_t)i + 1};
    if (bad < MAX_REPORTED) {
      if (p[i] == 0) diag_add(d, SEV_ERROR, loc, "encoding", "NUL byte: a Charter file is text and may not contain NUL bytes");
      else if (j - i == 1) diag_add(d, SEV_ERROR, loc, "encoding", "invalid UTF-8 byte 0x%02X: save the file as UTF-8", p[i]);
      else {
        loc.end = (uint32_t)j;
        diag_add(d, SEV_ERROR, loc, "encoding", "%zu bytes of invalid UTF-8, starting with 0x%02X: save the file as UTF-8",
                 j - i, p[i]);
      }
    } else if (bad == MAX_REPORTED) {
      Diag *g = diag_add(d, SEV_ERROR, loc, "encoding", "more invalid bytes follow; the file is not read further");
      (void)g;
    }
    bad++;
    i = j;
  }
  return bad;
}

/* A parse of bytes [pos, end) of a file, with its scanner. */
static void ctx_init(ParseCtx *ctx, Arena *arena, DiagList *d, SrcSet *srcs, uint32_t file, uint32_t pos,
                     uint32_t end) {
  memset(ctx, 0, sizeof *ctx);
  ctx->arena = arena;
  ctx->diags = d;
  ctx->srcs = srcs;
  ctx->src = src_get(srcs, file);
  ctx->file = file;
  ctx->pos = pos;
  ctx->end_pos = end;
  yyscan_t scanner;
  yylex_init_extra(ctx, &scanner);
  ctx->scanner = scanner;
}

static void ctx_free(ParseCtx *ctx) {
  yylex_destroy(ctx->scanner);
  vec_free(&ctx->items);
  vec_free(&ctx->comments);
  vec_free(&ctx->attrs);
  vec_free(&ctx->blocks);
  free(ctx->phrases);
  free(ctx->atoms);
  strmap_free(&ctx->names);
  buf_free(&ctx->text);
}

AstFile *ast_parse(Arena *arena, DiagList *d, SrcSet *srcs, uint32_t file) {
  AstFile *f = arena_alloc(arena, sizeof *f);
  f->src = file;
  Src *s = src_get(srcs, file);
  int bad = check_encoding(d, s, file);
  if (bad) {
    f->nerrors = bad;
    f->items = arena_alloc(arena, sizeof(Item *));
    f->comments = arena_alloc(arena, sizeof(Comment));
    return f;
  }
  uint32_t off = src_bom_len(s);

  ParseCtx ctx;
  ctx_init(&ctx, arena, d, srcs, file, off, (uint32_t)s->len);
  yyscan_t scanner = ctx.scanner;
  /* flex scans a buffer that ends in two NULs in place; others it copies. */
  YY_BUFFER_STATE buf = s->scan_in_place
                            ? yy_scan_buffer((char *)s->text + off, s->len - off + 2, scanner)
                            : yy_scan_bytes(s->text + off, (int)(s->len - off), scanner);
  yyparse(&ctx);
  chx_restore(scanner);
  /* A line table built during the parse saw flex's held NUL: rebuild it. */
  free(s->lines);
  s->lines = NULL;
  s->nlines = 0;
  yy_delete_buffer(buf, scanner);
  if (ctx.decl) chx_item_error(&ctx);

  f->items = copy_vec(&ctx, &ctx.items, &f->nitems);
  f->comments = arena_alloc(arena, (size_t)(ctx.comments.len ? ctx.comments.len : 1) * sizeof *f->comments);
  for (int i = 0; i < ctx.comments.len; i++) f->comments[i] = *(Comment *)ctx.comments.items[i];
  f->ncomments = ctx.comments.len;
  f->nerrors = ctx.nerrors;
  ctx_free(&ctx);
  return f;
}

Expr *ast_parse_expr(Arena *arena, DiagList *d, SrcSet *srcs, uint32_t file, uint32_t start, uint32_t end) {
  ParseCtx ctx;
  ctx_init(&ctx, arena, d, srcs, file, start, end);
  ctx.expr_start = true;
  ctx.in_expr = true;
  YY_BUFFER_STATE buf = yy_scan_bytes(ctx.src->text + start, (int)(end - start), ctx.scanner);
  int failed = yyparse(&ctx);
  yy_delete_buffer(buf, ctx.scanner);
  ctx_free(&ctx);
  return failed || ctx.nerrors ? NULL : ctx.expr;
}
