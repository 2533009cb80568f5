/* "Did you mean" suggestions: the nearest candidate by Levenshtein distance,
 * within max(1, length / 3) edits. */
#ifndef CHARTER_SUGGEST_H
#define CHARTER_SUGGEST_H

#include <stddef.h>

/* Edit distance between a and b, or limit + 1 once it exceeds limit. */
size_t suggest_distance(const char *a, const char *b, size_t limit);
/* The edit budget for a word of this length. */
size_t suggest_limit(const char *word);

/* Picks the nearest candidate; ties go to the earlier one. NULL if none is
 * near enough or word itself is among them. */
const char *suggest_best(const char *word, const char *const *cands, int n);

/* Incremental form, for candidates that are not in an array. */
typedef struct Suggest {
  const char *word;  /* the misspelling */
  size_t limit;      /* edits allowed */
  const char *best;  /* nearest so far */
  size_t best_dist;  /* its distance */
} Suggest;

void suggest_init(Suggest *s, const char *word);
void suggest_offer(Suggest *s, const char *cand);

#endif
