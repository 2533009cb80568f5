/* Reverse reference indexes (see refs.h): two passes over the
 * declarations, one counting, one filling. */
#include <stdlib.h>

#include "refs.h"

/* Adds src's references through attribute a (none when src is of another
 * kind) to the index: counting them into count when x->from is NULL, else
 * filling. */
static void add_refs(RefIndex *x, int *count, int *last, const Decl *src, AttrId a) {
  if (a == AT_NONE_) return;
  const AttrVals *av = decl_attr(src, a);
  for (int j = 0; j < av->n; j++) {
    const Decl *dst = av->vals[j].ref;
    if (!dst || last[dst->index] == src->index) continue;
    last[dst->index] = src->index;
    if (!x->from) count[dst->index]++;
    else x->from[x->start[dst->index] + count[dst->index]++] = (Decl *)src;
  }
}

void refs_build(RefIndex *x, const Program *p, AttrId a1, AttrId a2) {
  int n = p->decls.len;
  int *count = xcalloc((size_t)n + 1, sizeof(int));
  int *last = xmalloc(((size_t)n + 1) * sizeof(int)); /* last source added, to add each once */
  x->start = xmalloc(((size_t)n + 1) * sizeof(int));
  x->from = NULL;
  for (int pass = 0; pass < 2; pass++) {
    for (int i = 0; i <= n; i++) last[i] = -1;
    for (int i = 0; i < n; i++) {
      const Decl *d = p->decls.items[i];
      add_refs(x, count, last, d, a1);
      add_refs(x, count, last, d, a2);
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
