/* Levenshtein distance with an early exit once the limit is exceeded. */
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

size_t suggest_distance(const char *a, const char *b, size_t limit) {
  size_t la = strlen(a), lb = strlen(b);
  if ((la > lb ? la - lb : lb - la) > limit) return limit + 1;
  size_t small[64];
  size_t *row = lb + 1 <= 64 ? small : xmalloc((lb + 1) * sizeof *row);
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diag = row[0], rowmin;
    row[0] = i;
    rowmin = row[0];
    for (size_t j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t v = diag + cost;
      if (up + 1 < v) v = up + 1;
      if (row[j - 1] + 1 < v) v = row[j - 1] + 1;
      row[j] = v;
      diag = up;
      if (v < rowmin) rowmin = v;
    }
    if (rowmin > limit) {
      if (row != small) free(row);
      return limit + 1;
    }
  }
  size_t d = row[lb];
  if (row != small) free(row);
  return d > limit ? limit + 1 : d;
}

size_t suggest_limit(const char *word) {
  size_t n = strlen(word) / 3;
  return n < 1 ? 1 : n;
}

void suggest_init(Suggest *s, const char *word) {
  s->word = word;
  s->limit = suggest_limit(word);
  s->best = NULL;
  s->best_dist = s->limit + 1;
}

void suggest_offer(Suggest *s, const char *cand) {
  if (strcmp(cand, s->word) == 0) return;
  size_t d = suggest_distance(s->word, cand, s->best_dist > s->limit ? s->limit : s->best_dist);
  if (d <= s->limit && d < s->best_dist) {
    s->best = cand;
    s->best_dist = d;
  }
}

const char *suggest_best(const char *word, const char *const *cands, int n) {
  Suggest s;
  suggest_init(&s, word);
  for (int i = 0; i < n; i++) {
    if (strcmp(cands[i], word) == 0) return NULL;
    suggest_offer(&s, cands[i]);
  }
  return s.best;
}
