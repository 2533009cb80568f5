/* Who refers to a declaration: the reverse of reference attributes (such
 * as leads_to), as compressed rows by declaration index. Built once here for
 * the views (runtime/view.c) and the rule interpreter (runtime/interp.c). */
#ifndef CHARTER_REFS_H
#define CHARTER_REFS_H

#include "program.h"

typedef struct RefIndex {
  int *start;  /* by declaration index, p->decls.len + 1 offsets into from */
  Decl **from; /* the declarations referring to each, in declaration order */
} RefIndex;

/* The declarations of kind k1 or k2 whose attribute a1 or a2 (NULL: a1
 * only) names each declaration; a declaration naming one twice counts
 * once. The caller frees it with refs_free. */
void refs_build(RefIndex *x, const Program *p, DeclKind k1, DeclKind k2, const char *a1, const char *a2);
void refs_free(RefIndex *x);

#endif
