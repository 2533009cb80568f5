/* Lines of the DOT that charter render writes, for the unit tests (the
 * including file defines _POSIX_C_SOURCE 200809L, for strndup). */
#ifndef CHARTER_TEST_DOT_LINES_H
#define CHARTER_TEST_DOT_LINES_H

#include <stdio.h>
#include <string.h>

/* The node line of id (the caller frees it), or NULL. */
static inline char *node_line(const char *dot, const char *id) {
  char pat[300];
  snprintf(pat, sizeof pat, "\n    \"%s\" [label=<", id);
  const char *s = strstr(dot, pat);
  if (!s) return NULL;
  s++;
  const char *e = strchr(s, '\n');
  return strndup(s, e ? (size_t)(e - s) : strlen(s));
}

#endif
