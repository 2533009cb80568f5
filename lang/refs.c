/* Reverse reference indexes (see refs.h): two passes over the
 * declarations, one counting, one filling. */
#include <stdlib.h>

#include "refs.h"

/* Adds src's references through attribute slot spec (-1: none) to the
 * index: counting them into count when x->from is NULL, else filling. */
static void add_refs(RefIndex *x, int *count, int *last, const Decl *src, int spec) {
  if (spec < 0 || !src->vals) return;
  const AttrVals *av = &src->vals[spec];
  for (int j = 0; j < av->n; j++) {
    const Decl *dst = av->vals[j].ref;
    if (!dst || last[dst->index] == src->index) continue;
    last[dst->index] = src->index;
    if (!x->from) count[dst->index]++;
    else x->from[x->start[dst->index] + count[dst->index]++] = (Decl *)src;
  }
}

void refs_build(RefIndex *x, const Program *p, DeclKind k1, DeclKind k2, const char *a1, const char *a2) {
  int n = p->decls.len;
  /* By source kind, the schema slot of each attribute (-1: none). */
  int spec[2][2] = {{chk_spec_index(k1, a1), a2 ? chk_spec_index(k1, a2) : -1},
                    {chk_spec_index(k2, a1), a2 ? chk_spec_index(k2, a2) : -1}};
  int *count = xcalloc((size_t)n + 1, sizeof(int));
  int *last = xmalloc(((size_t)n + 1) * sizeof(int)); /* last source added, to add each once */
  x->start = xmalloc(((size_t)n + 1) * sizeof(int));
  x->from = NULL;
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i <= n; i++) last[i] = -1;
    for (int i = 0; i < n; i++) {
      const Decl *d = p->decls.items[i];
      int c = d->kind == k1 ? 0 : d->kind == k2 ? 1 : -1;
      if (c < 0) continue;
      add_refs(x, count, last, d, spec[c][0]);
      add_refs(x, count, last, d, spec[c][1]);
    }
    if (pass == 0) {
      int total = 0;
      for (int i = 0; i < n; i++) {
        x->start[i] = total;
        total += count[i];
        count[i] = 0;
      }
      x->start[n] = total;
      x->from = xmalloc((size_t)(total ? total : 1) * sizeof(Decl *));
    }
  }
  free(count);
  free(last);
}

void refs_free(RefIndex *x) {
  free(x->start);
  free(x->from);
  x->start = NULL;
  x->from = NULL;
}
