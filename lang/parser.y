/* The Charter grammar (docs/language.md, from "Files and lexical structure"
 * to Rules). Actions only build the tree; errors recover at statement level
 * inside blocks and at item level (skipping the item's block) at the top. */
%code top {
#define _POSIX_C_SOURCE 200809L
}

%code requires {
#include "parse_ctx.h"
/* Locations are byte ranges: a rule spans its first to its last symbol. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                 \
  do {                                              \
    if (N) {                                        \
      (Cur).file = YYRHSLOC(Rhs, 1).file;           \
      (Cur).start = YYRHSLOC(Rhs, 1).start;         \
      (Cur).end = YYRHSLOC(Rhs, N).end;             \
    } else {                                        \
      (Cur).file = YYRHSLOC(Rhs, 0).file;           \
      (Cur).start = (Cur).end = YYRHSLOC(Rhs, 0).end; \
    }                                               \
  } while (0)
}

%code provides {
int chx_lex(YYSTYPE *lval, Loc *lloc, ParseCtx *ctx);
}

%code {
#include <string.h>

static int yylex(YYSTYPE *lval, Loc *lloc, ParseCtx *ctx) { return chx_lex(lval, lloc, ctx); }
static void yyerror(Loc *loc, ParseCtx *ctx, const char *msg);
}

%define api.pure full
%define api.location.type {Loc}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%param {ParseCtx *ctx}

%union {
  Atom atom;
  Expr *expr;
  ExprList *list;
  int kind;
}

%token <atom> IDENT "name" STRING "string" TEXT "text block" NUMBER "number" PERIOD "period"
%token NEWLINE "end of line"
%token <atom> KW_CHARTER "charter" KW_IMPORT "import" KW_USE "use" KW_PARTNER "partner"
%token <atom> KW_COUNCIL "council" KW_DIMENSION "dimension" KW_GOAL "goal" KW_OUTCOME "outcome"
%token <atom> KW_INDICATOR "indicator" KW_ACTIVITY "activity" KW_RULE "rule" KW_VIEW "view"
%token <atom> KW_WAIVE "waive" KW_FOR "for" KW_WHERE "where" KW_REQUIRE "require"
%token <atom> KW_FORMULA "formula" KW_AND "and" KW_OR "or" KW_NOT "not" KW_IN "in"
%token <atom> KW_NONE "none" KW_TRUE "true" KW_FALSE "false"
%token EQ "==" NE "!=" LE "<=" GE ">="
%token EXPR_START "start of expression" /* first token of ast_parse_expr input */

%type <kind> kind
%type <atom> word atom title
%type <expr> expr primary arg
%type <list> args exprs

%left KW_OR
%left KW_AND
%precedence KW_NOT
%nonassoc EQ NE '<' LE '>' GE KW_IN
%left '+' '-'
%left '*' '/'
%precedence NEG
%precedence '.'

%%

file: items
    | EXPR_START expr            { ctx->expr = $2; }
    ;

items: opt_item | items sep opt_item ;

sep: NEWLINE { yyerrok; } | ';' { yyerrok; } ;

opt_item: %empty | item ;

item: KW_IMPORT STRING          { chx_add_item(ctx, IT_IMPORT, @$, &$2, NULL); }
    | KW_USE IDENT              { chx_add_item(ctx, IT_USE, @$, &$2, NULL); }
    | KW_WAIVE IDENT STRING     { chx_add_item(ctx, IT_WAIVE, @$, &$2, &$3); }
    | KW_CHARTER title '{'      { chx_begin_decl(ctx, D_CHARTER, @1, NULL, &$2); }
      stmts '}'                 { chx_end_decl(ctx, @$); }
    | kind IDENT title '{'      { chx_begin_decl(ctx, (DeclKind)$1, @1, &$2, &$3); }
      stmts '}'                 { chx_end_decl(ctx, @$); }
    | error                     { chx_item_error(ctx); }
    ;

title: STRING | TEXT ;

kind: KW_PARTNER    { $$ = D_PARTNER; }
    | KW_COUNCIL    { $$ = D_COUNCIL; }
    | KW_DIMENSION  { $$ = D_DIMENSION; }
    | KW_GOAL       { $$ = D_GOAL; }
    | KW_OUTCOME    { $$ = D_OUTCOME; }
    | KW_INDICATOR  { $$ = D_INDICATOR; }
    | KW_ACTIVITY   { $$ = D_ACTIVITY; }
    | KW_RULE       { $$ = D_RULE; }
    | KW_VIEW       { $$ = D_VIEW; }
    ;

stmts: opt_stmt | stmts sep opt_stmt ;

opt_stmt: %empty | stmt ;

stmt: KW_FOR IDENT KW_IN expr   { chx_begin_stmt(ctx, ST_FOR, &$1);
                                  ctx->attr->var = $2.text; ctx->attr->var_loc = $2.loc;
                                  ctx->attr->expr = $4; chx_end_stmt(ctx, @$); }
    | KW_WHERE expr             { chx_begin_stmt(ctx, ST_WHERE, &$1); ctx->attr->expr = $2; chx_end_stmt(ctx, @$); }
    | KW_REQUIRE expr           { chx_begin_stmt(ctx, ST_REQUIRE, &$1); ctx->attr->expr = $2; chx_end_stmt(ctx, @$); }
    | KW_FORMULA expr           { chx_begin_stmt(ctx, ST_FORMULA, &$1); ctx->attr->expr = $2; chx_end_stmt(ctx, @$); }
    | attr_word values_opt      { chx_end_stmt(ctx, @$); }
    | attr_word '{'             { chx_begin_block(ctx); }
      stmts '}'                 { chx_end_block(ctx, @$); }
    | error                     { chx_stmt_error(ctx); }
    ;

attr_word: IDENT          { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_CHARTER          { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_IMPORT           { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_USE              { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_PARTNER          { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_COUNCIL          { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_DIMENSION        { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_GOAL             { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_OUTCOME          { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_INDICATOR        { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_ACTIVITY         { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_RULE             { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_VIEW             { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_WAIVE            { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_AND              { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_OR               { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_NOT              { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_IN               { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_NONE             { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_TRUE             { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    | KW_FALSE            { chx_begin_stmt(ctx, ST_ATTR, &$1); }
    ;

values_opt: %empty | values ;

values: phrase                  { chx_end_phrase(ctx); }
    | values ',' phrase         { chx_end_phrase(ctx); }
    ;

phrase: atom                    { chx_add_atom(ctx, &$1); }
    | phrase atom               { chx_add_atom(ctx, &$2); }
    ;

atom: IDENT | STRING | TEXT | NUMBER | PERIOD
    | '-' NUMBER                { $$ = $2; $$.neg = true; $$.num = -$$.num; $$.loc = @$; }
    | KW_IN                     { $$ = $1; $$.kind = ATOM_IN; }
    ;

/* Any word, reserved or not, after '.' in an expression. */
word: IDENT | KW_CHARTER | KW_IMPORT | KW_USE | KW_PARTNER | KW_COUNCIL | KW_DIMENSION
    | KW_GOAL | KW_OUTCOME | KW_INDICATOR | KW_ACTIVITY | KW_RULE | KW_VIEW | KW_WAIVE
    | KW_FOR | KW_WHERE | KW_REQUIRE | KW_FORMULA | KW_AND | KW_OR | KW_NOT | KW_IN
    | KW_NONE | KW_TRUE | KW_FALSE
    ;

expr: expr KW_OR expr           { $$ = chx_binary(ctx, OP_OR, $1, $3, @$); }
    | expr KW_AND expr          { $$ = chx_binary(ctx, OP_AND, $1, $3, @$); }
    | KW_NOT expr               { $$ = chx_binary(ctx, OP_NOT, $2, NULL, @$); }
    | expr EQ expr              { $$ = chx_binary(ctx, OP_EQ, $1, $3, @$); }
    | expr NE expr              { $$ = chx_binary(ctx, OP_NE, $1, $3, @$); }
    | expr '<' expr             { $$ = chx_binary(ctx, OP_LT, $1, $3, @$); }
    | expr LE expr              { $$ = chx_binary(ctx, OP_LE, $1, $3, @$); }
    | expr '>' expr             { $$ = chx_binary(ctx, OP_GT, $1, $3, @$); }
    | expr GE expr              { $$ = chx_binary(ctx, OP_GE, $1, $3, @$); }
    | expr KW_IN expr           { $$ = chx_binary(ctx, OP_IN, $1, $3, @$); }
    | expr '+' expr             { $$ = chx_binary(ctx, OP_ADD, $1, $3, @$); }
    | expr '-' expr             { $$ = chx_binary(ctx, OP_SUB, $1, $3, @$); }
    | expr '*' expr             { $$ = chx_binary(ctx, OP_MUL, $1, $3, @$); }
    | expr '/' expr             { $$ = chx_binary(ctx, OP_DIV, $1, $3, @$); }
    | '-' expr %prec NEG        { $$ = chx_binary(ctx, OP_NEG, $2, NULL, @$); }
    | expr '.' word             { $$ = chx_expr(ctx, E_FIELD, @$); $$->a = $1;
                                  $$->text = $3.text; $$->name_loc = $3.loc; }
    | primary
    ;

primary: NUMBER                 { $$ = chx_literal(ctx, E_NUMBER, &$1); }
    | STRING                    { $$ = chx_literal(ctx, E_STRING, &$1); }
    | TEXT                      { $$ = chx_literal(ctx, E_STRING, &$1); }
    | PERIOD                    { $$ = chx_literal(ctx, E_PERIOD, &$1); }
    | KW_TRUE                   { $$ = chx_literal(ctx, E_TRUE, &$1); }
    | KW_FALSE                  { $$ = chx_literal(ctx, E_FALSE, &$1); }
    | KW_NONE                   { $$ = chx_literal(ctx, E_NONE, &$1); }
    | IDENT                     { $$ = chx_literal(ctx, E_NAME, &$1); }
    | KW_CHARTER                { $$ = chx_literal(ctx, E_NAME, &$1); }
    | IDENT '(' ')'             { $$ = chx_literal(ctx, E_CALL, &$1); $$->loc = @$; $$->name_loc = @1; }
    | IDENT '(' args ')'        { $$ = chx_literal(ctx, E_CALL, &$1); $$->loc = @$; $$->name_loc = @1;
                                  chx_list_set($$, $3); }
    | '(' expr ')'              { $$ = chx_expr(ctx, E_PAREN, @$); $$->a = $2; }
    | '[' ']'                   { $$ = chx_expr(ctx, E_LIST, @$); }
    | '[' exprs ']'             { $$ = chx_expr(ctx, E_LIST, @$); chx_list_set($$, $2); }
    ;

args: arg                       { $$ = chx_list(ctx, NULL, $1); }
    | args ',' arg              { $$ = chx_list(ctx, $1, $3); }
    ;

arg: expr
    | expr ':' expr             { $$ = chx_expr(ctx, E_PAIR, @$); $$->a = $1; $$->b = $3; }
    ;

exprs: expr                     { $$ = chx_list(ctx, NULL, $1); }
    | exprs ',' expr            { $$ = chx_list(ctx, $1, $3); }
    ;

%%

static void yyerror(Loc *loc, ParseCtx *ctx, const char *msg) {
  /* Only "memory exhausted" reaches here: the parse stack is full. */
  parse_error(ctx, *loc, "%s: the program nests too deeply here", msg);
  ctx->fatal = true;
}

static int yyreport_syntax_error(const yypcontext_t *yyctx, ParseCtx *ctx) {
  if (ctx->fatal) return 0;
  enum { MAX_EXPECTED = 80 };
  yysymbol_kind_t kinds[MAX_EXPECTED];
  const char *names[MAX_EXPECTED];
  int n = yypcontext_expected_tokens(yyctx, kinds, MAX_EXPECTED);
  if (n < 0) n = 0;
  int m = 0;
  for (int i = 0; i < n; i++)
    if (kinds[i] != YYSYMBOL_EXPR_START) names[m++] = yysymbol_name(kinds[i]);
  n = m;
  yysymbol_kind_t tok = yypcontext_token(yyctx);
  chx_syntax_error(ctx, *yypcontext_location(yyctx),
                   tok == YYSYMBOL_YYEOF ? "end of file" : yysymbol_name(tok), names, n);
  ctx->lex_error_line = false;
  return 0;
}
