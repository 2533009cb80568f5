/* Loading a program: the entry file, its imports (relative paths, each file
 * once, cycles reported with their chain) and its modules (CHARTER_PATH
 * first, then the standard library compiled into the binary). Declarations
 * are kept in depth-first order, by an explicit work list rather than
 * recursion, so a long chain of imports cannot exhaust the stack.
 *
 * Imports are confined (docs/security.md, "Imports and the project root"):
 * an imported file must be a regular file named *.charter whose real path
 * (symbolic links resolved) lies in a root: the entry file's folder, the
 * --root folder, or a CHARTER_PATH folder. Anything else is refused before
 * it is opened. The entry file itself is trusted: the user named it. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
#include "modules.h"
#include "program.h"
#include "suggest.h"

/* A file whose items are being read: the work list's element. */
typedef struct Frame {
  AstFile *f;
  int next;       /* the next item to read */
  bool is_module; /* the file is a module, or imported by one */
  bool on_chain;  /* the file is on the import chain (not a stdlib module) */
} Frame;

typedef struct Loader {
  Program *p;            /* the program being loaded */
  const LoadOptions *opt;
  Vec stack;             /* real paths of the files being loaded (import chain) */
  Vec stack_display;     /* their display paths */
  StrMap loaded;         /* real path -> ON_CHAIN(i) while at stack[i], then LOADED */
  StrMap modules;        /* module name -> (void *)1 */
  Frame *frames;         /* the work list: the files whose items are being read */
  int nframes, cap;
  Vec roots;             /* real paths (malloc'd) of the folders imports may read */
  char *entry_dir;       /* the entry file's folder as printed ("." for the cwd) */
  LoadTextFn text_for;   /* an import's text in memory, or NULL (program_load_buffers) */
  void *text_ctx;
} Loader;

#define LOADED ((void *)UINTPTR_MAX)
#define ON_CHAIN(i) ((void *)(uintptr_t)((i) + 1))

/* Joins dir and rel lexically and folds "." and ".." parts. */
static char *path_join_norm(const char *base_file, const char *rel) {
  Buf b = {0};
  if (rel[0] != '/') {
    const char *slash = strrchr(base_file, '/');
    if (slash) buf_add(&b, base_file, (size_t)(slash - base_file + 1));
  }
  buf_puts(&b, rel);
  /* Fold the parts. */
  char *s = xstrdup(buf_str(&b));
  buf_free(&b);
  bool abs = s[0] == '/';
  Vec parts = {0};
  for (char *tok = strtok(s, "/"); tok; tok = strtok(NULL, "/")) {
    if (strcmp(tok, ".") == 0) continue;
    if (strcmp(tok, "..") == 0 && parts.len > 0 && strcmp(parts.items[parts.len - 1], "..") != 0) {
      parts.len--;
      continue;
    }
    if (strcmp(tok, "..") == 0 && abs) continue;
    vec_push(&parts, tok);
  }
  Buf o = {0};
  if (abs) buf_putc(&o, '/');
  for (int i = 0; i < parts.len; i++) {
    if (i) buf_putc(&o, '/');
    buf_puts(&o, parts.items[i]);
  }
  if (o.len == 0) buf_putc(&o, '.');
  char *out = xstrdup(buf_str(&o));
  buf_free(&o);
  vec_free(&parts);
  free(s);
  return out;
}

/* ---- the roots ---- */

static void add_root(Loader *L, const char *dir) {
  char real[PATH_MAX];
  struct stat st;
  if (realpath(dir, real) && stat(real, &st) == 0 && S_ISDIR(st.st_mode)) vec_push(&L->roots, xstrdup(real));
}

/* The roots: the entry file's folder (of the path as given, folded as
 * imports are: an entry that is a symbolic link counts as being where the
 * link is), --root, and each folder of CHARTER_PATH. */
static void roots_init(Loader *L, const char *entry) {
  L->entry_dir = path_join_norm(entry, ".");
  add_root(L, L->entry_dir);
  if (L->opt && L->opt->root && *L->opt->root) add_root(L, L->opt->root);
  if (!L->opt || !L->opt->charter_path) return;
  char *paths = xstrdup(L->opt->charter_path);
  char *save = NULL;
  for (char *dir = strtok_r(paths, ":", &save); dir; dir = strtok_r(NULL, ":", &save))
    add_root(L, dir);
  free(paths);
}

static bool under(const char *real, const char *root) {
  size_t n = strlen(root);
  if (n == 1 && root[0] == '/') return real[0] == '/';
  return strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

static bool in_roots(const Loader *L, const char *real) {
  for (int i = 0; i < L->roots.len; i++)
    if (under(real, L->roots.items[i])) return true;
  return false;
}

/* Whether the folded display path lies lexically in the entry's folder. */
static bool lexically_inside(const Loader *L, const char *display) {
  const char *dir = L->entry_dir;
  if (strcmp(dir, ".") == 0)
    return display[0] != '/' && strcmp(display, "..") != 0 && strncmp(display, "../", 3) != 0;
  size_t n = strlen(dir);
  if (n == 1 && dir[0] == '/') return display[0] == '/';
  return strncmp(display, dir, n) == 0 && display[n] == '/';
}

/* The real path of the deepest folder of path that exists, into real. */
static bool resolve_existing_prefix(const char *path, char *real) {
  char *s = xstrdup(path);
  bool ok = false;
  for (;;) {
    char *slash = strrchr(s, '/');
    if (!slash) {
      ok = realpath(".", real) != NULL;
      break;
    }
    if (slash == s) {
      ok = realpath("/", real) != NULL;
      break;
    }
    *slash = '\0';
    if (realpath(s, real)) {
      ok = true;
      break;
    }
  }
  free(s);
  return ok;
}

static bool ends_with_charter(const char *name) {
  size_t n = strlen(name);
  return n >= 8 && strcmp(name + n - 8, ".charter") == 0;
}

/* "the project folder 'proj' (the entry file's folder and below)", and the
 * --root folder and CHARTER_PATH's when there are. */
static const char *roots_phrase(Loader *L) {
  const char *r = L->opt && L->opt->root && *L->opt->root ? L->opt->root : NULL;
  bool cp = L->opt && L->opt->charter_path && *L->opt->charter_path;
  Buf b = {0};
  buf_printf(&b, "the project folder '%s' (the entry file's folder and below)", L->entry_dir);
  if (r) buf_printf(&b, "%sthe --root folder '%s'", cp ? ", " : " and ", r);
  if (cp) buf_puts(&b, " and the CHARTER_PATH folders");
  const char *out = arena_printf(&L->p->arena, "%s", buf_str(&b));
  buf_free(&b);
  return out;
}

/* An import refused for where it leads: outside every root, or through a
 * symbolic link out of them (or to nothing: the same words, so that the
 * message never tells whether a file outside exists). */
static void refuse_outside(Loader *L, Loc loc, const char *written, bool link) {
  if (link)
    diag_add(&L->p->diags, SEV_ERROR, loc, "import",
             "cannot import '%s': it goes through a symbolic link that leads out of %s; charter does not "
             "follow links out of the project: copy the file into the project instead, or widen the project "
             "with --root DIR",
             written, roots_phrase(L));
  else
    diag_add(&L->p->diags, SEV_ERROR, loc, "import",
             "cannot import '%s': the file is outside %s; move the file into the project, or widen the "
             "project with --root DIR",
             written, roots_phrase(L));
}

/* Checks an import (or a CHARTER_PATH module) before anything is opened: it
 * resolves, inside a root, to a regular file named *.charter. Fills real and
 * returns true, or reports why not at loc, naming the path as written. */
static bool confine(Loader *L, const char *display, const char *written, Loc loc, char *real) {
  DiagList *d = &L->p->diags;
  struct stat st;
  bool link = lstat(display, &st) == 0 && S_ISLNK(st.st_mode);
  if (!realpath(display, real)) {
    int e = errno;
    char dir[PATH_MAX];
    if (link || !resolve_existing_prefix(display, dir) || !in_roots(L, dir)) {
      refuse_outside(L, loc, written, link || lexically_inside(L, display));
      return false;
    }
    diag_add(d, SEV_ERROR, loc, "import", "cannot import '%s': %s", display,
             e == ENOENT ? "no such file" : strerror(e));
    return false;
  }
  if (!in_roots(L, real)) {
    refuse_outside(L, loc, written, link || lexically_inside(L, display));
    return false;
  }
  if (stat(real, &st) != 0) {
    diag_add(d, SEV_ERROR, loc, "import", "cannot import '%s': %s", display, strerror(errno));
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    diag_add(d, SEV_ERROR, loc, "import", "cannot import '%s': it is a directory, not a file", display);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    diag_add(d, SEV_ERROR, loc, "import",
             "cannot import '%s': it is not a regular file (it is a pipe, a device or a socket); "
             "import a .charter file",
             written);
    return false;
  }
  if (!ends_with_charter(written)) {
    diag_add(d, SEV_ERROR, loc, "import",
             "cannot import '%s': only files whose names end in .charter can be imported; "
             "rename the file to end in .charter",
             written);
    return false;
  }
  if (!ends_with_charter(real)) {
    diag_add(d, SEV_ERROR, loc, "import",
             "cannot import '%s': it is a symbolic link to a file whose name does not end in .charter; "
             "only .charter files can be imported: link to a .charter file, or rename the file it links to",
             written);
    return false;
  }
  return true;
}

/* ---- the work list ---- */

static AstFile *parse_src(Loader *L, uint32_t file) {
  AstFile *f = ast_parse(&L->p->arena, &L->p->diags, &L->p->srcs, file);
  vec_push(&L->p->files, f);
  return f;
}

/* Parses file and puts it on the work list; with on_chain, on the import
 * chain too (its real path must be set). */
static void push_file(Loader *L, uint32_t file, bool is_module, bool on_chain) {
  Src *s = src_get(&L->p->srcs, file);
  s->is_module = is_module;
  if (on_chain) {
    strmap_put(&L->loaded, s->real, ON_CHAIN(L->stack.len));
    vec_push(&L->stack, (void *)s->real);
    vec_push(&L->stack_display, (void *)s->path);
  }
  AstFile *f = parse_src(L, file);
  if (L->nframes == L->cap) {
    L->cap = L->cap ? L->cap * 2 : 16;
    L->frames = xrealloc(L->frames, (size_t)L->cap * sizeof *L->frames);
  }
  L->frames[L->nframes++] = (Frame){f, 0, is_module, on_chain};
}

static void pop_file(Loader *L) {
  Frame *fr = &L->frames[--L->nframes];
  if (!fr->on_chain) return;
  L->stack.len--;
  L->stack_display.len--;
  strmap_put(&L->loaded, L->stack.items[L->stack.len], LOADED);
}

/* "import cycle: a → b → a", the chain from stack[i]; a long chain shows its
 * first and last files and how many stand between. */
static void report_cycle(Loader *L, int i, const char *display, Loc loc) {
  enum { SHOWN = 4 };
  int n = L->stack_display.len - i + 1; /* files in the chain, display last */
  Buf chain = {0};
  for (int k = 0; k < n; k++) {
    if (n > 3 * SHOWN && k == SHOWN) {
      buf_printf(&chain, "… %d more files … → ", n - 2 * SHOWN);
      k = n - SHOWN - 1;
      continue;
    }
    buf_puts(&chain, k == n - 1 ? display : (const char *)L->stack_display.items[i + k]);
    if (k < n - 1) buf_puts(&chain, " → ");
  }
  diag_add(&L->p->diags, SEV_ERROR, loc, "import", "import cycle: %s", buf_str(&chain));
  buf_free(&chain);
}

/* A file that could not be read: an import error at loc, or (no loc) the
 * entry file, which makes the program unreadable. */
static void unreadable(Loader *L, const char *display, bool has_loc, Loc loc, const char *err) {
  if (has_loc) {
    diag_add(&L->p->diags, SEV_ERROR, loc, "import", "cannot import '%s': %s", display, err);
  } else {
    Loc none = {0, 0, 0};
    diag_add(&L->p->diags, SEV_ERROR, none, NULL, "cannot read '%s': %s", display, err);
    L->p->entry_unreadable = true;
  }
}

/* Reads the entry file (has_loc false: trusted wherever it is) or an import
 * (written: the path as the import wrote it; confined) and puts it on the
 * work list, unless it is loaded already, a cycle, or refused. */
static void load_file(Loader *L, const char *display, const char *written, bool has_loc, Loc loc,
                      bool is_module) {
  Program *p = L->p;
  char real[PATH_MAX];
  size_t len = 0;
  const char *err = NULL;
  char *text = NULL;
  if (has_loc) {
    if (!confine(L, display, written, loc, real)) return;
  } else if (!realpath(display, real)) {
    text = src_read_file(display, &len, &err); /* for the error message */
    if (text) {
      free(text);
      err = "cannot resolve its path";
    }
    unreadable(L, display, has_loc, loc, err);
    return;
  }
  void *state = strmap_get(&L->loaded, real);
  if (state == LOADED) return;
  if (state) {
    report_cycle(L, (int)((uintptr_t)state - 1), display, loc);
    return;
  }
  /* An import is read by its checked real path (or from memory), the entry
   * as given. */
  const char *mem = has_loc && L->text_for ? L->text_for(L->text_ctx, real, &len) : NULL;
  if (mem) {
    text = xmalloc(len + 1);
    memcpy(text, mem, len);
    text[len] = '\0';
  } else {
    text = src_read_file(has_loc ? real : display, &len, &err);
    if (!text) {
      unreadable(L, display, has_loc, loc, err);
      return;
    }
  }
  uint32_t file = src_add(&p->srcs, display, real, text, len, true, false);
  src_get(&p->srcs, file)->scan_in_place = !mem;
  push_file(L, file, is_module, true);
}

static bool valid_module_name(const char *name) {
  for (const char *c = name; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_')) return false;
  return *name != '\0';
}

/* The module name from a folder of CHARTER_PATH, loaded; false if none holds it. */
static bool load_path_module(Loader *L, const char *name, Loc loc) {
  if (!valid_module_name(name) || !L->opt || !L->opt->charter_path || !*L->opt->charter_path) return false;
  char *paths = xstrdup(L->opt->charter_path);
  char *save = NULL;
  bool found = false;
  for (char *dir = strtok_r(paths, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
    if (!*dir) continue;
    Buf b = {0};
    buf_printf(&b, "%s/%s.charter", dir, name);
    if (access(buf_str(&b), F_OK) == 0) {
      char *display = path_join_norm("", buf_str(&b));
      int before = L->p->srcs.len;
      load_file(L, display, display, true, loc, true);
      if (L->p->srcs.len > before) src_get(&L->p->srcs, (uint32_t)before)->module = name;
      free(display);
      found = true;
    }
    buf_free(&b);
  }
  free(paths);
  return found;
}

static void load_module(Loader *L, const char *name, Loc loc) {
  Program *p = L->p;
  if (strmap_get(&L->modules, name)) return;
  strmap_put(&L->modules, name, (void *)1);
  vec_push(&p->modules, (void *)name);
  if (load_path_module(L, name, loc)) return;
  const StdlibFile *m = stdlib_find(name);
  if (!m) {
    const char *names[64];
    int n = 0;
    for (const StdlibFile *s = charter_stdlib; s->name && n < 64; s++) names[n++] = s->name;
    const char *best = suggest_best(name, names, n);
    Buf list = {0};
    for (int i = 0; i < n; i++) buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
    if (best)
      diag_add(&p->diags, SEV_ERROR, loc, "import", "unknown module '%s'; did you mean '%s'?", name, best)->fix = best;
    else
      diag_add(&p->diags, SEV_ERROR, loc, "import",
               "unknown module '%s': the standard modules are %s, and CHARTER_PATH holds no %s.charter",
               name, buf_str(&list), name);
    buf_free(&list);
    return;
  }
  Buf display = {0};
  buf_printf(&display, "<stdlib>/%s.charter", name);
  uint32_t file = src_add(&p->srcs, buf_str(&display), NULL, m->text, strlen(m->text), false, true);
  src_get(&p->srcs, file)->module = name;
  buf_free(&display);
  push_file(L, file, true, false);
}

static void load_import(Loader *L, const Src *s, const Item *it, bool is_module) {
  DiagList *d = &L->p->diags;
  if (s->is_stdlib) {
    diag_add(d, SEV_ERROR, it->name_loc, "import", "a standard module cannot import files");
  } else if (it->name[0] == '\0') {
    diag_add(d, SEV_ERROR, it->name_loc, "import", "the import path is empty");
  } else if (it->name[0] == '/') {
    diag_add(d, SEV_ERROR, it->name_loc, "import",
             "import paths are relative to the importing file; '%s' is absolute", it->name);
  } else {
    char *path = path_join_norm(s->path, it->name);
    load_file(L, path, it->name, true, it->name_loc, is_module);
    free(path);
  }
}

/* Reads one item of the file on top of the work list; an import or a use
 * may put another file on top. */
static void load_item(Loader *L, AstFile *f, Item *it, bool is_module) {
  Program *p = L->p;
  switch (it->kind) {
  case IT_IMPORT:
    load_import(L, src_get(&p->srcs, f->src), it, is_module);
    break;
  case IT_USE:
    load_module(L, it->name, it->name_loc);
    break;
  case IT_WAIVE:
    vec_push(&p->waivers, it);
    break;
  case IT_DECL: {
    Decl *d = it->decl;
    if (d->kind == D_CHARTER && is_module) {
      diag_add(&p->diags, SEV_ERROR, d->kw_loc, "charter",
               "a module cannot hold a charter block; only the program's own files can");
      break;
    }
    d->index = p->decls.len;
    vec_push(&p->decls, d);
    break;
  }
  }
}

/* Reads every file on the work list, depth-first: an imported file's items
 * are all read before the next item of the file that imports it, as a
 * recursive descent would, without the recursion. */
static void run(Loader *L) {
  while (L->nframes > 0) {
    Frame *fr = &L->frames[L->nframes - 1];
    if (fr->next >= fr->f->nitems) {
      pop_file(L);
      continue;
    }
    load_item(L, fr->f, fr->f->items[fr->next++], fr->is_module);
  }
}

static Program *program_new(void) {
  Program *p = xcalloc(1, sizeof *p);
  arena_init(&p->arena);
  diag_init(&p->diags, &p->arena);
  strmap_init(&p->ids);
  return p;
}

static int cmp_decl_loc(const void *a, const void *b) {
  const Decl *x = *(const Decl *const *)a, *y = *(const Decl *const *)b;
  if (x->loc.file != y->loc.file) return x->loc.file < y->loc.file ? -1 : 1;
  return x->loc.start < y->loc.start ? -1 : x->loc.start > y->loc.start;
}

/* Marks every declaration holding an error as broken: the rules skip it,
 * and any finding that reads it, so they run on the sound parts of a
 * program that has errors elsewhere. */
static void mark_broken(Program *p) {
  if (!p->diags.nerrors || !p->decls.len) return;
  int n = p->decls.len;
  Decl **by_loc = xmalloc((size_t)n * sizeof *by_loc);
  memcpy(by_loc, p->decls.items, (size_t)n * sizeof *by_loc);
  qsort(by_loc, (size_t)n, sizeof *by_loc, cmp_decl_loc);
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    if (g->sev != SEV_ERROR) continue;
    int lo = 0, hi = n; /* the last declaration starting at or before the error */
    while (lo < hi) {
      int mid = lo + (hi - lo) / 2;
      const Decl *d = by_loc[mid];
      if (d->loc.file < g->loc.file || (d->loc.file == g->loc.file && d->loc.start <= g->loc.start)) lo = mid + 1;
      else hi = mid;
    }
    if (lo == 0) continue;
    Decl *d = by_loc[lo - 1];
    if (d->loc.file == g->loc.file && g->loc.start < d->loc.end) d->broken = true;
  }
  free(by_loc);
}

static void finish(Loader *L) {
  vec_free(&L->stack);
  vec_free(&L->stack_display);
  strmap_free(&L->loaded);
  strmap_free(&L->modules);
  free(L->frames);
  for (int i = 0; i < L->roots.len; i++) free(L->roots.items[i]);
  vec_free(&L->roots);
  free(L->entry_dir);
  /* The built-in checks first: the rules' type checker reads the ids and
   * the checked values they leave. */
  if (!L->p->entry_unreadable) {
    chk_run(L->p);
    mark_broken(L->p);
    model_build(L->p);
    rules_check(L->p);
  }
  diag_sort(&L->p->diags);
}

Program *program_load(const char *path, const LoadOptions *opt) {
  Program *p = program_new();
  Loader L = {.p = p, .opt = opt};
  roots_init(&L, path);
  Loc none = {0, 0, 0};
  load_file(&L, path, path, false, none, false);
  run(&L);
  p->entry = 0;
  finish(&L);
  return p;
}

Program *program_load_text(const char *path, const char *text, size_t len, const LoadOptions *opt) {
  return program_load_buffers(path, text, len, opt, NULL, NULL);
}

Program *program_load_buffers(const char *path, const char *text, size_t len, const LoadOptions *opt,
                              LoadTextFn text_for, void *ctx) {
  Program *p = program_new();
  Loader L = {.p = p, .opt = opt, .text_for = text_for, .text_ctx = ctx};
  roots_init(&L, path);
  char real[PATH_MAX];
  const char *r = realpath(path, real) ? real : NULL;
  char *copy = xmalloc(len + 1);
  memcpy(copy, text, len);
  copy[len] = '\0';
  uint32_t file = src_add(&p->srcs, path, r, copy, len, true, false);
  push_file(&L, file, false, r != NULL);
  run(&L);
  finish(&L);
  return p;
}

void program_free(Program *p) {
  if (!p) return;
  diag_free(&p->diags);
  vec_free(&p->files);
  vec_free(&p->decls);
  vec_free(&p->waivers);
  vec_free(&p->modules);
  vec_free(&p->rules);
  strmap_free(&p->ids);
  src_set_free(&p->srcs);
  arena_free(&p->arena);
  free(p);
}
