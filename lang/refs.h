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

/* The declarations whose attribute a1 or a2 (AT_NONE_: a1 only) names each
 * declaration (each attribute id carries its kind: AT_GOAL_INDICATOR and
 * AT_OUTCOME_INDICATOR read goals and outcomes); a declaration naming one
 * twice counts once. The caller frees it with refs_free. */
void refs_build(RefIndex *x, const Program *p, AttrId a1, AttrId a2);
void refs_free(RefIndex *x);

#endif
