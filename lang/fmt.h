/* The canonical layout of a Charter file (docs/commands.md, "charter fmt"). */
#ifndef CHARTER_FMT_H
#define CHARTER_FMT_H

#include "ast.h"

/* Formats a parsed file (one without syntax errors) into out. */
void fmt_file(const AstFile *f, Src *src, Buf *out);
/* Appends s as a one-line Charter string literal, quotes included. */
void fmt_string(Buf *out, const char *s);
/* Appends an expression as written canonically. */
void fmt_expr(Buf *out, const Expr *e);

#endif
