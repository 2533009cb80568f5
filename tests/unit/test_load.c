/* Loading (lang/load.c) against the file system: the work list keeps the
 * depth-first order on a chain far deeper than the stack would allow a
 * recursion, and imports are confined to the project (docs/security.md,
 * "Imports and the project root"). */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diags.h"
#include "program.h"
#include "scratch.h"

static void write_file(Scratch *s, const char *rel, const char *text) {
  FILE *f = fopen(scratch_path(s, rel), "wb");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

static void mkdir_in(Scratch *s, const char *rel) { assert_int_equal(mkdir(scratch_path(s, rel), 0700), 0); }

static void link_in(Scratch *s, const char *target, const char *rel) {
  assert_int_equal(symlink(target, scratch_path(s, rel)), 0);
}

/* Loads dir/rel of the scratch directory. */
static Program *load_in(Scratch *s, const char *rel, const LoadOptions *opt) {
  char path[2048];
  snprintf(path, sizeof path, "%s", scratch_path(s, rel));
  return program_load(path, opt);
}

/* The one import diagnostic, which must contain text. */
static void expect_import_error(const Program *p, const char *text) {
  const Diag *g = diags_find(&p->diags, "import", text);
  if (!g) {
    for (int i = 0; i < p->diags.items.len; i++)
      fprintf(stderr, "  [%s] %s\n", ((const Diag *)p->diags.items.items[i])->rule,
              ((const Diag *)p->diags.items.items[i])->msg);
    fail_msg("no import error containing \"%s\"", text);
  }
  assert_int_equal(diags_count(&p->diags, "import"), 1);
}

/* Every file i of a chain of N declares a_i, imports file i+1, then
 * declares b_i: depth-first order is a_1 … a_N-1, b_N-1 … b_1. N is deep
 * enough that a recursion with a PATH_MAX buffer per file would overflow. */
static void test_deep_chain_order(void **state) {
  (void)state;
  enum { N = 5000 };
  Scratch s;
  scratch_init(&s);
  write_file(&s, "main.charter", "charter \"C\" {}\nimport \"f1.charter\"\n");
  for (int i = 1; i < N; i++) {
    char name[64], text[256];
    snprintf(name, sizeof name, "f%d.charter", i);
    if (i + 1 < N)
      snprintf(text, sizeof text, "partner a%d \"A\" { sector media }\nimport \"f%d.charter\"\npartner b%d \"B\" { sector media }\n", i, i + 1, i);
    else
      snprintf(text, sizeof text, "partner a%d \"A\" { sector media }\npartner b%d \"B\" { sector media }\n", i, i);
    write_file(&s, name, text);
  }
  Program *p = load_in(&s, "main.charter", NULL);
  assert_int_equal(p->diags.nerrors, 0);
  assert_int_equal(p->srcs.len, N);
  assert_int_equal(p->decls.len, 1 + 2 * (N - 1));
  for (int i = 1; i < N; i++) {
    char a[32], b[32];
    snprintf(a, sizeof a, "a%d", i);
    snprintf(b, sizeof b, "b%d", i);
    assert_string_equal(((Decl *)p->decls.items[i])->id, a);
    assert_string_equal(((Decl *)p->decls.items[2 * N - 1 - i])->id, b);
  }
  program_free(p);
  scratch_free(&s);
}

static void test_confined(void **state) {
  (void)state;
  Scratch s;
  scratch_init(&s);
  mkdir_in(&s, "proj");
  mkdir_in(&s, "out");
  write_file(&s, "out/secret.charter", "partner leaked \"L\" { sector media }\n");
  write_file(&s, "out/secret.txt", "MYSECRET=hunter2\n");
  write_file(&s, "proj/notes.txt", "notes\n");
  link_in(&s, "../out/secret.charter", "proj/linked.charter");
  link_in(&s, "notes.txt", "proj/notes.charter");
  assert_int_equal(mkfifo(scratch_path(&s, "proj/pipe.charter"), 0600), 0);
  static const struct {
    const char *import, *why;
  } cases[] = {
      {"../out/secret.charter", "cannot import '../out/secret.charter': the file is outside the project folder"},
      {"../out/missing.charter", "cannot import '../out/missing.charter': the file is outside"},
      {"../out/secret.txt", "the file is outside"},
      {"linked.charter", "cannot import 'linked.charter': it goes through a symbolic link that leads out of"},
      {"notes.txt", "only files whose names end in .charter can be imported"},
      {"notes.charter", "a symbolic link to a file whose name does not end in .charter"},
      {"pipe.charter", "it is not a regular file"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[256];
    snprintf(text, sizeof text, "charter \"C\" {}\nimport \"%s\"\n", cases[i].import);
    write_file(&s, "proj/main.charter", text);
    Program *p = load_in(&s, "proj/main.charter", NULL);
    expect_import_error(p, cases[i].why);
    assert_int_equal(p->srcs.len, 1); /* nothing else was read */
    assert_null(strmap_get(&p->ids, "leaked"));
    program_free(p);
  }
  /* --root widens the project; CHARTER_PATH folders are roots too. */
  write_file(&s, "proj/main.charter", "charter \"C\" {}\nimport \"linked.charter\"\n");
  char out[2048];
  snprintf(out, sizeof out, "%s", scratch_path(&s, "out"));
  LoadOptions wide = {NULL, out};
  Program *p = load_in(&s, "proj/main.charter", &wide);
  assert_int_equal(p->diags.nerrors, 0);
  assert_non_null(strmap_get(&p->ids, "leaked"));
  program_free(p);
  LoadOptions path = {out, NULL};
  p = load_in(&s, "proj/main.charter", &path);
  assert_int_equal(p->diags.nerrors, 0);
  program_free(p);
  scratch_free(&s);
}

/* The text of an entry in memory (the language server) is confined to its
 * path's folder the same way. */
static void test_text_entry_confined(void **state) {
  (void)state;
  Scratch s;
  scratch_init(&s);
  mkdir_in(&s, "proj");
  write_file(&s, "secret.charter", "partner leaked \"L\" { sector media }\n");
  write_file(&s, "proj/ok.charter", "partner fine \"F\" { sector media }\n");
  const char *text = "charter \"C\" {}\nimport \"ok.charter\"\nimport \"../secret.charter\"\n";
  char path[2048];
  snprintf(path, sizeof path, "%s", scratch_path(&s, "proj/main.charter"));
  Program *p = program_load_text(path, text, strlen(text), NULL);
  expect_import_error(p, "cannot import '../secret.charter': the file is outside");
  assert_non_null(strmap_get(&p->ids, "fine"));
  assert_null(strmap_get(&p->ids, "leaked"));
  program_free(p);
  scratch_free(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_deep_chain_order),
      cmocka_unit_test(test_confined),
      cmocka_unit_test(test_text_entry_confined),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
