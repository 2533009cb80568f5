/* State shared by the scanner (lexer.l), the parser (parser.y) and the
 * parse driver (parse.c). Private to the parser. */
#ifndef CHARTER_PARSE_CTX_H
#define CHARTER_PARSE_CTX_H

#include "ast.h"

enum { MAX_NESTING = 256 };

typedef enum SkipMode {
  SKIP_NONE,        /* pass tokens through */
  SKIP_LINE,        /* error at top level: drop the rest of the item, and its block */
  SKIP_BLOCK,       /* drop tokens until brace depth is back to skip_depth */
  SKIP_MAYBE_BRACE  /* a header ended without '{': drop a '{' block on the next line */
} SkipMode;

typedef struct ParseCtx {
  Arena *arena;        /* owns the tree */
  DiagList *diags;     /* where errors go */
  SrcSet *srcs;        /* sources, for token text */
  Src *src;            /* the file being parsed */
  uint32_t file;       /* its index */
  void *scanner;       /* the flex scanner */
  uint32_t pos;        /* byte offset of the scanner in the file */
  int last_tok;        /* previous token returned (0: start of file) */
  int paren_depth;     /* ( and [ nesting: suppresses NEWLINE */
  int depth;           /* ( [ { nesting together, limited to MAX_NESTING */
  int brace_depth;     /* { nesting */
  Loc opens[MAX_NESTING + 2];  /* where each open bracket stands, by depth */
  char open_tok[MAX_NESTING + 2]; /* and which bracket it is */
  int prev_tok;        /* the token before the last one returned */
  int tok_seen;        /* the last token returned */
  Loc unclosed;        /* a bracket a '}' closed implicitly */
  char unclosed_tok;   /* which bracket (0: none) */
  Loc unclosed_at;     /* the '}' that closed it */
  bool fatal;          /* scanner gave up (nesting too deep) */
  bool cr_reported;    /* a stray CR was reported: say it once per file */
  bool lex_error_line; /* the last syntax error came from the scanner */
  bool bad_string;     /* the last string had a bad escape (already reported) */
  SkipMode skip;       /* error recovery in the token stream */
  int skip_depth;      /* SKIP_BLOCK: the brace depth to return to */
  int nerrors;         /* syntax errors reported */
  int pend_close;      /* '}' tokens to hand the parser before pend_kw (a missing '}') */
  bool pend_newline;   /* then an end of line */
  int pend_kw;         /* then this declaration keyword (0: none) */
  Atom pend_atom;      /* with its value */
  Loc pend_loc;        /* and place */
  int item_kind;       /* the declaration kind (DeclKind + 1) a top-level item's header names, 0: none */
  Loc item_kw;         /* its keyword */
  Atom item_id;        /* its id, when the header got that far */
  bool item_has_id;
  int item_toks;       /* tokens of the item so far */
  Loc text_start;      /* start of the text block being scanned */
  Buf text;            /* raw text block contents */
  Vec items;           /* Item * of the file */
  Vec comments;        /* Comment * */
  Decl *decl;          /* declaration being parsed */
  Vec attrs;           /* Attr * of the current declaration */
  Phrase *phrases;     /* phrases of the current statement (scratch) */
  int nphrases, cap_phrases;
  Atom *atoms;         /* atoms of the current phrase (scratch) */
  int natoms, cap_atoms;
  StrMap names;        /* interned identifiers: one copy of each name */
  Attr *attr;          /* statement being parsed */
  Vec blocks;          /* Attr * of the nested blocks open, innermost last */
  bool expr_start;     /* ast_parse_expr: return EXPR_START first */
  bool in_expr;        /* ast_parse_expr: errors speak of an interpolation */
  uint32_t end_pos;    /* byte offset where the input ends */
  Expr *expr;          /* ast_parse_expr: the expression parsed */
} ParseCtx;

/* A list of expressions while the grammar collects it (call arguments,
 * list literals). */
typedef struct ExprList {
  Expr **items; /* elements, in the arena */
  int n;        /* used */
  int cap;      /* allocated */
} ExprList;

/* Reports a syntax error; returns it (NULL once the scanner gave up). */
Diag *parse_error(ParseCtx *ctx, Loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- called by the generated scanner (lexer.l), defined in parse.c ---- */

/* The keyword token of s[0..n), or 0 for a plain name. */
/* The scanner's fatal error: a message on stderr, then abort(). */
_Noreturn void chx_fatal(const char *msg);
int chx_keyword(const char *s, size_t n);
/* The one copy of the name s[0..n) in this file. */
const char *chx_intern(ParseCtx *ctx, const char *s, size_t n);
/* Decodes the escapes of a string or text block into *out; its token. */
int chx_string(ParseCtx *ctx, const char *s, size_t n, Loc loc, bool text_block, const char **out);
/* Reads a number (with _ separators) into a; its token. */
int chx_number(ParseCtx *ctx, const char *s, size_t n, Loc loc, Atom *a);
/* An opening or closing bracket: nesting and NEWLINE suppression; its token. */
int chx_open(ParseCtx *ctx, int tok, Loc loc);
int chx_close(ParseCtx *ctx, int tok, Loc loc);
/* Whether a line end after last_tok ends a statement. */
bool chx_newline_ends(int last_tok);
/* Keeps a comment for the formatter. */
void chx_comment(ParseCtx *ctx, const char *s, size_t n, Loc loc);
/* Reports a character that starts no token. */
void chx_bad_char(ParseCtx *ctx, const char *s, size_t n, Loc loc);

/* ---- defined in lexer.l, called by parse.c ---- */

/* Puts back the byte flex holds when a parse stops mid-buffer (scanner is
 * the yyscan_t). */
void chx_restore(void *scanner);

/* ---- called by the grammar's actions (parser.y), defined in parse.c ---- */

/* A declaration, its statements and their phrases of atoms. */
void chx_begin_decl(ParseCtx *ctx, DeclKind kind, Loc kw, Atom *id, Atom *title);
void chx_end_decl(ParseCtx *ctx, Loc loc);
void chx_begin_stmt(ParseCtx *ctx, StmtKind kind, Atom *name);
void chx_end_stmt(ParseCtx *ctx, Loc loc);
/* A nested block (name { statements }): the statement begun becomes a
 * block, and the statements up to its '}' its own. */
void chx_begin_block(ParseCtx *ctx);
void chx_end_block(ParseCtx *ctx, Loc loc);
void chx_add_atom(ParseCtx *ctx, Atom *a);
void chx_end_phrase(ParseCtx *ctx);
/* A top-level import, use or waive. */
void chx_add_item(ParseCtx *ctx, ItemKind kind, Loc loc, Atom *name, Atom *reason);
/* Error recovery at item and statement level. */
void chx_item_error(ParseCtx *ctx);
void chx_stmt_error(ParseCtx *ctx);
/* The message of a syntax error: what came, and the n tokens expected. */
void chx_syntax_error(ParseCtx *ctx, Loc loc, const char *got, const char **expected, int n);
/* Expression nodes in the arena. */
Expr *chx_expr(ParseCtx *ctx, ExprKind kind, Loc loc);
Expr *chx_binary(ParseCtx *ctx, Op op, Expr *a, Expr *b, Loc loc);
Expr *chx_literal(ParseCtx *ctx, ExprKind kind, Atom *a);
/* Appends e to list (NULL: a new list); the list. */
ExprList *chx_list(ParseCtx *ctx, ExprList *list, Expr *e);
/* Gives a call or list literal e its elements. */
void chx_list_set(Expr *e, ExprList *list);

#endif
