/* Lookups in a list of diagnostics, for the unit tests. */
#ifndef CHARTER_TEST_DIAGS_H
#define CHARTER_TEST_DIAGS_H

#include <string.h>

#include "diag.h"

/* The first diagnostic of this check whose message contains text. */
static inline const Diag *diags_find(const DiagList *d, const char *rule, const char *text) {
  for (int i = 0; i < d->items.len; i++) {
    const Diag *g = d->items.items[i];
    if (strcmp(g->rule, rule) == 0 && strstr(g->msg, text)) return g;
  }
  return NULL;
}

/* How many diagnostics this check gave. */
static inline int diags_count(const DiagList *d, const char *rule) {
  int n = 0;
  for (int i = 0; i < d->items.len; i++)
    if (strcmp(((const Diag *)d->items.items[i])->rule, rule) == 0) n++;
  return n;
}

#endif
