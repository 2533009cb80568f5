/* Helpers for tests of rules (lang/rules.c, runtime/interp.c): a rule's
 * value is observed through its finding. A program is loaded from text, its
 * rules run, and the diagnostics looked up by rule id. Include after
 * cmocka.h. */
#ifndef CHARTER_TEST_RULES_EVAL_H
#define CHARTER_TEST_RULES_EVAL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diags.h"
#include "interp.h"
#include "program.h"

/* Every diagnostic of a program, on stderr (when a test is about to fail). */
static inline void re_dump(const Program *p) {
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    int line = 0, col = 0;
    Src *s = src_get((SrcSet *)&p->srcs, g->loc.file);
    if (s) src_linecol(s, g->loc.start, &line, &col);
    fprintf(stderr, "  %d:%d [%s] %s\n", line, col, g->rule, g->msg);
  }
}

/* Loads text as the entry file t.charter. */
static inline Program *re_load(const char *text) {
  Program *p = program_load_text("t.charter", text, strlen(text), NULL);
  assert_non_null(p);
  return p;
}

/* Text made of two parts (freed by the caller). */
static inline char *re_cat(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  char *s = malloc(na + nb + 1);
  assert_non_null(s);
  memcpy(s, a, na);
  memcpy(s + na, b, nb + 1);
  return s;
}

/* Loads text, which must have no errors, and runs its rules. */
static inline Program *re_run(const char *text, RunStats *st) {
  Program *p = re_load(text);
  if (p->diags.nerrors) {
    size_t len = strlen(text);
    fprintf(stderr, "unexpected errors in:\n...%s\n", len > 240 ? text + len - 240 : text);
    re_dump(p);
    program_free(p);
    fail_msg("the program has errors");
  }
  RunStats local;
  bool ran = rules_run(p, st ? st : &local);
  if (!ran) {
    program_free(p);
    fail_msg("rules_run did not run");
  }
  return p;
}

/* The diagnostics of one rule, in the order they were made. */
static inline int re_diags(const Program *p, const char *rule, const Diag **out, int max) {
  int n = 0;
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    if (strcmp(g->rule, rule) == 0) {
      if (n < max) out[n] = g;
      n++;
    }
  }
  return n;
}

/* The one diagnostic of a rule (fails when there is not exactly one). */
static inline const Diag *re_one(const Program *p, const char *rule) {
  const Diag *g[2];
  int n = re_diags(p, rule, g, 2);
  if (n != 1) {
    re_dump(p);
    fail_msg("expected one [%s] diagnostic, got %d", rule, n);
  }
  return g[0];
}

/* The line and column where a location starts. */
static inline void re_loc_is(const Program *p, Loc loc, int line, int col) {
  int l = 0, c = 0;
  src_linecol(src_get((SrcSet *)&p->srcs, loc.file), loc.start, &l, &c);
  if (l != line || c != col) {
    re_dump(p);
    fail_msg("at %d:%d, expected %d:%d", l, c, line, col);
  }
}

/* The message of rule t, `require false` with message "{expr}", appended to
 * body (which holds the charter). The result is the caller's to free. */
static inline char *eval_msg(const char *body, const char *expr) {
  size_t n = strlen(body) + strlen(expr) + 64;
  char *text = malloc(n);
  assert_non_null(text);
  snprintf(text, n, "%s\nrule t \"T\" { require false\n  message \"{%s}\" }\n", body, expr);
  Program *p = re_run(text, NULL);
  const Diag *g = re_one(p, "t");
  char *msg = strdup(g->msg);
  program_free(p);
  free(text);
  return msg;
}

/* Whether rule t, `require cond`, holds over body (no finding). */
static inline bool eval_holds(const char *body, const char *cond) {
  size_t n = strlen(body) + strlen(cond) + 64;
  char *text = malloc(n);
  assert_non_null(text);
  snprintf(text, n, "%s\nrule t \"T\" { require %s }\n", body, cond);
  Program *p = re_run(text, NULL);
  int found = diags_count(&p->diags, "t");
  program_free(p);
  free(text);
  return found == 0;
}

#define expect_msg(body, expr, want)                                                 \
  do {                                                                               \
    char *got_ = eval_msg((body), (expr));                                           \
    int same_ = strcmp(got_, (want)) == 0;                                           \
    if (!same_) print_error("{%s}\n  gives \"%s\"\n  expected \"%s\"\n", (expr), got_, (want)); \
    free(got_);                                                                      \
    if (!same_) fail();                                                              \
  } while (0)

#define expect_holds(body, cond)                                    \
  do {                                                              \
    if (!eval_holds((body), (cond))) fail_msg("does not hold: %s", (cond)); \
  } while (0)

#define expect_fails(body, cond)                                    \
  do {                                                              \
    if (eval_holds((body), (cond))) fail_msg("holds, but should fail: %s", (cond)); \
  } while (0)

/* Loading text gives a `type` (or other check's) error containing msg at
 * line:col; the rules run, but not that one. */
static inline void expect_load_error(const char *text, const char *rule, const char *msg, int line, int col) {
  Program *p = re_load(text);
  const Diag *g = diags_find(&p->diags, rule, msg);
  if (!g) {
    re_dump(p);
    program_free(p);
    fail_msg("no [%s] diagnostic containing \"%s\"", rule, msg);
  }
  assert_int_equal(g->sev, SEV_ERROR);
  re_loc_is(p, g->loc, line, col);
  RunStats st = {7, 7, 7, 7, true};
  rules_run(p, &st);
  assert_int_equal(st.rules, 0);
  assert_int_equal(st.findings, 0);
  program_free(p);
}

#endif
