/* libFuzzer target for the program front end: scan, parse, check, run the
 * rules; for a program without errors, draw every view as DOT and check that
 * Graphviz reads it back with no node but the view's (no title can inject
 * DOT); and when the input parses, format it and check that the output
 * parses again and is a fixed point. Run with `make fuzz` (clang, ASan, UBSan). */
#include <cgraph.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "interp.h"
#include "program.h"
#include "render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void formats_stably(const char *text, size_t len) {
  Arena arena;
  arena_init(&arena);
  SrcSet srcs = {0};
  DiagList d;
  diag_init(&d, &arena);
  char *copy = malloc(len + 2);
  memcpy(copy, text, len);
  copy[len] = copy[len + 1] = '\0';
  uint32_t f0 = src_add(&srcs, "fuzz.charter", NULL, copy, len, true, false);
  src_get(&srcs, f0)->scan_in_place = true;
  AstFile *a = ast_parse(&arena, &d, &srcs, f0);
  if (!a->nerrors) {
    Buf out1 = {0}, out2 = {0};
    fmt_file(a, src_get(&srcs, f0), &out1);
    char *again = malloc(out1.len + 2);
    memcpy(again, buf_str(&out1), out1.len);
    again[out1.len] = again[out1.len + 1] = '\0';
    uint32_t f1 = src_add(&srcs, "formatted", NULL, again, out1.len, true, false);
    AstFile *b = ast_parse(&arena, &d, &srcs, f1);
    if (b->nerrors) abort(); /* fmt wrote something that does not parse */
    fmt_file(b, src_get(&srcs, f1), &out2);
    if (out1.len != out2.len || memcmp(buf_str(&out1), buf_str(&out2), out1.len) != 0) abort();
    buf_free(&out1);
    buf_free(&out2);
  }
  diag_free(&d);
  src_set_free(&srcs);
  arena_free(&arena);
}

/* Every view's DOT parses, and every node is a heading or a declaration. */
static void draws_safely(Program *p) {
  const char **names = malloc(((size_t)p->decls.len + 3) * sizeof *names);
  int n = render_view_names(p, names);
  agseterr(AGMAX);
  for (int i = 0; i < n; i++) {
    View v;
    if (!render_find_view(p, names[i], &v)) abort();
    Buf dot = {0};
    render_dot(p, &v, &dot);
    Agraph_t *g = agmemread(buf_str(&dot));
    if (!g) abort(); /* charter wrote DOT that Graphviz cannot read */
    for (Agnode_t *nd = agfstnode(g); nd; nd = agnxtnode(g, nd)) {
      const char *name = agnameof(nd);
      if (strncmp(name, "band ", 5) != 0 && !strmap_get(&p->ids, name)) abort(); /* an injected node */
    }
    agclose(g);
    buf_free(&dot);
  }
  free(names);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 20) return 0;
  LoadOptions opt = {NULL, NULL};
  /* The whole pipeline, imports disabled by a path in a directory that
   * does not exist. */
  Program *p = program_load_text("/nonexistent-fuzz-dir/fuzz.charter", (const char *)data, size, &opt);
  rules_run(p, NULL);
  if (!p->diags.nerrors) draws_safely(p);
  program_free(p);
  formats_stably((const char *)data, size);
  return 0;
}
