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
  bool expr_start;     /* ast_parse_expr: return EXPR_START first */
  bool in_expr;        /* ast_parse_expr: errors speak of an interpolation */
  uint32_t end_pos;    /* byte offset where the input ends */
  Expr *expr;          /* ast_parse_expr: the expression parsed */
} ParseCtx;

/* Reports a syntax error; returns it (NULL once the scanner gave up). */
Diag *parse_error(ParseCtx *ctx, Loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
