/* roundtrip FILE...: for each file that parses, checks that fmt's output
 * parses to the same program (same items, attributes, values and
 * expressions, locations aside), keeps every comment, and is a fixed point
 * of fmt. Prints one line per file: "ok", "skip" (does not parse) or "FAIL". */
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "program.h"

static int same_str(const char *a, const char *b) { return (!a && !b) || (a && b && strcmp(a, b) == 0); }

static int same_expr(const Expr *a, const Expr *b) {
  if (!a || !b) return a == b;
  if (a->kind != b->kind || a->op != b->op || !same_str(a->text, b->text) || a->nitems != b->nitems) return 0;
  if (a->kind == E_NUMBER && a->num != b->num) return 0;
  for (int i = 0; i < a->nitems; i++)
    if (!same_expr(a->items[i], b->items[i])) return 0;
  return same_expr(a->a, b->a) && same_expr(a->b, b->b);
}

static int same_attr(const Attr *a, const Attr *b) {
  if (a->kind != b->kind || !same_str(a->name, b->name) || !same_str(a->var, b->var) ||
      a->nphrases != b->nphrases || !same_expr(a->expr, b->expr) || a->nstmts != b->nstmts)
    return 0;
  for (int i = 0; i < a->nstmts; i++) /* a nested block's statements */
    if (!same_attr(a->stmts[i], b->stmts[i])) return 0;
  for (int i = 0; i < a->nphrases; i++) {
    const Phrase *p = &a->phrases[i], *q = &b->phrases[i];
    if (p->n != q->n) return 0;
    for (int j = 0; j < p->n; j++) {
      const Atom *x = &p->atoms[j], *y = &q->atoms[j];
      /* A text block and a string with the same value are the same text. */
      int xs = x->kind == ATOM_TEXT ? ATOM_STRING : (int)x->kind;
      int ys = y->kind == ATOM_TEXT ? ATOM_STRING : (int)y->kind;
      if (xs != ys || !same_str(x->text, y->text) || x->neg != y->neg || x->num != y->num) return 0;
    }
  }
  return 1;
}

static int same_file(const AstFile *a, const AstFile *b, const char **why) {
  if (a->nitems != b->nitems) return *why = "a different number of items", 0;
  if (a->ncomments != b->ncomments) return *why = "a different number of comments", 0;
  for (int i = 0; i < a->ncomments; i++) {
    /* Trailing white space inside a comment is the one thing fmt drops. */
    const char *x = a->comments[i].text, *y = b->comments[i].text;
    size_t nx = strlen(x), ny = strlen(y);
    while (nx > 1 && (x[nx - 1] == ' ' || x[nx - 1] == '\t')) nx--;
    if (nx != ny || memcmp(x, y, nx) != 0) return *why = "a comment changed", 0;
  }
  for (int i = 0; i < a->nitems; i++) {
    const Item *x = a->items[i], *y = b->items[i];
    if (x->kind != y->kind || !same_str(x->name, y->name) || !same_str(x->reason, y->reason))
      return *why = "an item changed", 0;
    if (x->kind != IT_DECL) continue;
    const Decl *d = x->decl, *e = y->decl;
    if (d->kind != e->kind || !same_str(d->id, e->id) || !same_str(d->title, e->title) || d->nattrs != e->nattrs)
      return *why = "a declaration header changed", 0;
    for (int j = 0; j < d->nattrs; j++)
      if (!same_attr(d->attrs[j], e->attrs[j])) return *why = "an attribute changed", 0;
  }
  return 1;
}

int main(int argc, char **argv) {
  int failed = 0;
  for (int i = 1; i < argc; i++) {
    size_t len;
    const char *err;
    char *text = src_read_file(argv[i], &len, &err);
    if (!text) {
      printf("FAIL %s: cannot read: %s\n", argv[i], err);
      failed++;
      continue;
    }
    Arena arena;
    arena_init(&arena);
    SrcSet srcs = {0};
    DiagList d;
    diag_init(&d, &arena);
    uint32_t f0 = src_add(&srcs, argv[i], NULL, text, len, true, false);
    AstFile *a = ast_parse(&arena, &d, &srcs, f0);
    if (a->nerrors) {
      printf("skip %s\n", argv[i]);
    } else {
      Buf out1 = {0}, out2 = {0};
      fmt_file(a, src_get(&srcs, f0), &out1);
      char *copy = xmalloc(out1.len + 1);
      memcpy(copy, buf_str(&out1), out1.len + 1);
      uint32_t f1 = src_add(&srcs, "formatted", NULL, copy, out1.len, true, false);
      AstFile *b = ast_parse(&arena, &d, &srcs, f1);
      const char *why = NULL;
      if (b->nerrors) why = "the output does not parse";
      else if (same_file(a, b, &why)) {
        fmt_file(b, src_get(&srcs, f1), &out2);
        if (out1.len != out2.len || memcmp(buf_str(&out1), buf_str(&out2), out1.len) != 0)
          why = "formatting the output changes it (not idempotent)";
      }
      if (why) {
        printf("FAIL %s: %s\n", argv[i], why);
        failed++;
      } else {
        printf("ok %s\n", argv[i]);
      }
      buf_free(&out1);
      buf_free(&out2);
    }
    diag_free(&d);
    src_set_free(&srcs);
    arena_free(&arena);
  }
  return failed ? 1 : 0;
}
