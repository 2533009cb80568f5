/* The syntax tree: what the parser builds and the checker annotates. Every
 * node lives in the compilation's arena. */
#ifndef CHARTER_AST_H
#define CHARTER_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "period.h"
#include "src.h"

typedef enum AtomKind { ATOM_IDENT, ATOM_STRING, ATOM_TEXT, ATOM_NUMBER, ATOM_PERIOD, ATOM_IN } AtomKind;

/* One word of an attribute value. */
typedef struct Atom {
  const char *text; /* name; decoded string; number or period as written (no sign) */
  double num;       /* ATOM_NUMBER: its value, negated when neg */
  Loc loc;          /* the token, with a leading '-' for negative numbers */
  Period per;       /* ATOM_PERIOD: the period */
  uint8_t kind;     /* an AtomKind: what was written */
  bool neg;         /* ATOM_NUMBER written with '-' */
  bool bad;         /* ATOM_PERIOD that failed validation (already reported) */
} Atom;

/* A comma-separated item of an attribute value: a sequence of atoms. */
typedef struct Phrase {
  Atom *atoms; /* the words */
  int n;       /* how many */
  Loc loc;     /* first atom to last */
} Phrase;

typedef enum ExprKind {
  E_NUMBER, E_STRING, E_PERIOD, E_TRUE, E_FALSE, E_NONE, E_NAME, E_LIST,
  E_FIELD,  /* a.name */
  E_CALL,   /* name(args) */
  E_PAIR,   /* a: b, a comprehension argument */
  E_UNARY,  /* op a */
  E_BINARY, /* a op b */
  E_PAREN   /* (a), kept so fmt prints what was written */
} ExprKind;

typedef enum Op {
  OP_OR, OP_AND, OP_NOT, OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_NEG
} Op;

typedef struct Expr {
  ExprKind kind;       /* which node */
  Loc loc;             /* the whole expression */
  Op op;               /* E_UNARY, E_BINARY */
  const char *text;    /* E_NAME, E_FIELD and E_CALL name, E_STRING value, E_NUMBER and E_PERIOD as written */
  double num;          /* E_NUMBER */
  Period per;          /* E_PERIOD */
  Loc name_loc;        /* E_FIELD and E_CALL: the name */
  struct Expr *a, *b;  /* operands; E_FIELD object in a; E_PAIR both */
  struct Expr **items; /* E_LIST items, E_CALL arguments */
  int nitems;          /* how many items */
  /* Filled in by the rule checker (rules.c) for the interpreter: */
  uint8_t res;         /* E_NAME: a NameRes; E_CALL: a FuncId */
  int16_t slot;        /* E_NAME variable and E_PAIR binding: the slot */
  const void *target;  /* E_NAME: the Decl or DeclKind; E_FIELD: its FieldRes */
} Expr;

typedef enum StmtKind {
  ST_ATTR,    /* name phrase, phrase… */
  ST_FOR,     /* for var in expr */
  ST_WHERE,   /* where expr */
  ST_REQUIRE, /* require expr */
  ST_FORMULA, /* formula expr */
  ST_BLOCK    /* name { statements }: a nested block (the charter's disclosure) */
} StmtKind;

/* One statement inside a block. */
typedef struct Attr {
  StmtKind kind;     /* attribute or expression statement */
  const char *name;  /* attribute name ("for", "where"… for the others) */
  Loc name_loc;      /* the name token */
  Loc loc;           /* the whole statement */
  Phrase *phrases;   /* ST_ATTR: the comma-separated values */
  int nphrases;      /* how many */
  const char *var;   /* ST_FOR: the loop variable */
  Loc var_loc;       /* ST_FOR: its token */
  Expr *expr;        /* ST_FOR list; ST_WHERE, ST_REQUIRE, ST_FORMULA expression */
  struct Attr **stmts; /* ST_BLOCK: its statements, in order */
  int nstmts;        /* how many (while parsing: where they start in the open list) */
} Attr;

typedef enum DeclKind {
  D_CHARTER, D_PARTNER, D_COUNCIL, D_DIMENSION, D_GOAL, D_OUTCOME, D_INDICATOR,
  D_ACTIVITY, D_RULE, D_VIEW, D_KIND_COUNT
} DeclKind;

/* One checked value of an attribute (a phrase matched against its form). */
typedef struct Value {
  Loc loc;            /* the phrase */
  int form;           /* equity form (EQ_GAP…); symbol: its enumerator (program.h) */
  const char *str;    /* text, string, symbol, currency, group, rule id, compare label */
  struct Decl *ref;   /* reference; equity: the dimension */
  double num;         /* number: baseline, target, budget, equity limit, per, benchmark,
                       * compare; bounds: LOW */
  Period per;         /* period; range start; baseline/target/milestone period */
  union {             /* (one or the other, by the form: a Value stays 64 bytes) */
    Period per2;      /* range end */
    double hi;        /* bounds (range LOW to HIGH): HIGH */
  };
  union {
    const char *reason;    /* waive: the reason */
    const char *reference; /* equity gap/ratio: the reference group (… to "White"), or NULL */
  };
} Value;

enum { EQ_GAP, EQ_RATIO, EQ_GROUP };

/* Every value given to one attribute of a declaration. */
typedef struct AttrVals {
  Attr *first; /* the first statement that set it (NULL: absent) */
  Value *vals; /* the values, in order */
  int n;       /* how many */
} AttrVals;

typedef struct Decl {
  DeclKind kind;     /* the declaring keyword */
  Loc kw_loc;        /* the keyword */
  const char *id;    /* NULL for the charter */
  Loc id_loc;        /* the id token (the keyword for the charter) */
  const char *title; /* the title string */
  Loc title_loc;     /* its token */
  Loc loc;           /* keyword to closing brace */
  Attr **attrs;      /* statements, in order */
  int nattrs;        /* how many */
  bool broken;       /* the block had syntax errors: skip completeness checks */
  int index;         /* position in declaration order, after loading */
  AttrVals *vals;    /* checked values, indexed by the kind's attribute table */
  const void *view;  /* the typed view of lang/model.h for its kind, or NULL */
} Decl;

typedef enum ItemKind { IT_IMPORT, IT_USE, IT_DECL, IT_WAIVE } ItemKind;

/* A top-level item. */
typedef struct Item {
  ItemKind kind;      /* which */
  Loc loc;            /* the whole item */
  const char *name;   /* import path, module name, or waived rule id */
  Loc name_loc;       /* its token */
  const char *reason; /* IT_WAIVE: the reason */
  Loc reason_loc;     /* its token */
  Decl *decl;         /* IT_DECL */
} Item;

typedef struct Comment {
  Loc loc;          /* '#' to the end of the line */
  const char *text; /* including '#', without the line end */
} Comment;

/* One parsed file. */
typedef struct AstFile {
  uint32_t src;      /* its source */
  Item **items;      /* top-level items in order */
  int nitems;        /* how many */
  Comment *comments; /* every comment, in order */
  int ncomments;     /* how many */
  int nerrors;       /* syntax and encoding errors in this file */
} AstFile;

/* Parses one file; diagnostics go to d. Never returns NULL. */
AstFile *ast_parse(Arena *arena, DiagList *d, SrcSet *srcs, uint32_t file);

/* Parses the bytes [start, end) of a file as one expression (a message's
 * {interpolation}); locations are offsets in that file. NULL after a syntax
 * error, which goes to d. */
Expr *ast_parse_expr(Arena *arena, DiagList *d, SrcSet *srcs, uint32_t file, uint32_t start, uint32_t end);
/* Decodes the escapes of raw string text (checked by the scanner). */
void ast_decode_escapes(Buf *out, const char *s, size_t n);

const char *ast_kind_name(DeclKind k);
/* "a" or "an" before word (by its first letter). */
const char *ast_article(const char *word);
/* The DeclKind for a keyword, or -1. */
int ast_kind_from_name(const char *s);
bool ast_is_reserved(const char *s);
const char *ast_op_text(Op op);

#endif
