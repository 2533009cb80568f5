/* Lookups in a list of diagnostics, for the unit tests. */
#ifndef CHARTER_TEST_DIAGS_H
#define CHARTER_TEST_DIAGS_H

#include <string.h>

#include "diag.h"

/* Whether a diagnostic's check is rule (NULL: a diagnostic of no check,
 * such as an unreadable entry file). */
static inline int diags_same_rule(const char *a, const char *rule) {
  return a == rule || (a && rule && strcmp(a, rule) == 0);
}

/* The first diagnostic of this check whose message contains text. */
static inline const Diag *diags_find(const DiagList *d, const char *rule, const char *text) {
  for (int i = 0; i < d->items.len; i++) {
    const Diag *g = d->items.items[i];
    if (diags_same_rule(g->rule, rule) && strstr(g->msg, text)) return g;
  }
  return NULL;
}

/* How many diagnostics this check gave. */
static inline int diags_count(const DiagList *d, const char *rule) {
  int n = 0;
  for (int i = 0; i < d->items.len; i++)
    if (diags_same_rule(((const Diag *)d->items.items[i])->rule, rule)) n++;
  return n;
}

#endif
