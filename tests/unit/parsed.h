/* The fixture the unit tests share: one file parsed on its own, with its
 * arena, sources and diagnostics. Include after cmocka.h. */
#ifndef CHARTER_TEST_PARSED_H
#define CHARTER_TEST_PARSED_H

#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "diags.h"

typedef struct Parsed {
  Arena arena;     /* owns the tree */
  SrcSet srcs;     /* the one source */
  DiagList diags;  /* what the parse reported */
  AstFile *f;      /* the tree */
} Parsed;

/* Parses len bytes of text. in_place: let flex scan the text where it lies,
 * as it does for files read from disk. */
static inline Parsed *parse_mode(const char *text, size_t len, bool in_place) {
  Parsed *p = calloc(1, sizeof *p);
  assert_non_null(p);
  arena_init(&p->arena);
  diag_init(&p->diags, &p->arena);
  char *copy = malloc(len + 2);
  assert_non_null(copy);
  memcpy(copy, text, len);
  copy[len] = copy[len + 1] = '\0';
  uint32_t file = src_add(&p->srcs, "t.charter", NULL, copy, len, true, false);
  src_get(&p->srcs, file)->scan_in_place = in_place;
  p->f = ast_parse(&p->arena, &p->diags, &p->srcs, file);
  assert_non_null(p->f);
  return p;
}

static inline Parsed *parse_len(const char *text, size_t len) { return parse_mode(text, len, false); }

static inline void done(Parsed *p) {
  diag_free(&p->diags);
  src_set_free(&p->srcs);
  arena_free(&p->arena);
  free(p);
}

/* The first diagnostic of this check whose message contains text. */
static inline const Diag *find_diag(const Parsed *p, const char *rule, const char *text) {
  return diags_find(&p->diags, rule, text);
}

#endif
