/* Loading a program: the entry file, its imports (relative paths, each file
 * once, cycles reported with their chain) and its modules (CHARTER_PATH
 * first, then the standard library compiled into the binary). Declarations
 * are kept in depth-first order. */
#define _DEFAULT_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "modules.h"
#include "program.h"
#include "suggest.h"

typedef struct Loader {
  Program *p;            /* the program being loaded */
  const LoadOptions *opt;
  Vec stack;             /* real paths of the files being loaded (import chain) */
  Vec stack_display;     /* their display paths */
  StrMap loaded;         /* real path -> (void *)1 */
  StrMap modules;        /* module name -> (void *)1 */
} Loader;

static void load_items(Loader *L, AstFile *f, bool is_module);

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

static AstFile *parse_src(Loader *L, uint32_t file) {
  AstFile *f = ast_parse(&L->p->arena, &L->p->diags, &L->p->srcs, file);
  vec_push(&L->p->files, f);
  return f;
}

/* Loads a file from disk. loc is the import that asks for it (has_loc). */
static void load_file(Loader *L, const char *display, bool has_loc, Loc loc, bool is_module) {
  Program *p = L->p;
  char real[PATH_MAX];
  size_t len = 0;
  const char *err = NULL;
  char *text = NULL;
  if (!realpath(display, real)) {
    text = src_read_file(display, &len, &err); /* for the error message */
    if (text) {
      free(text);
      text = NULL;
      err = "cannot resolve its path";
    }
  } else {
    for (int i = 0; i < L->stack.len; i++) {
      if (strcmp(L->stack.items[i], real) == 0) {
        Buf chain = {0};
        for (int j = i; j < L->stack_display.len; j++) {
          buf_puts(&chain, L->stack_display.items[j]);
          buf_puts(&chain, " → ");
        }
        buf_puts(&chain, display);
        diag_add(&p->diags, SEV_ERROR, loc, "import", "import cycle: %s", buf_str(&chain));
        buf_free(&chain);
        return;
      }
    }
    if (strmap_get(&L->loaded, real)) return;
    text = src_read_file(display, &len, &err);
  }
  if (!text) {
    if (has_loc) {
      diag_add(&p->diags, SEV_ERROR, loc, "import", "cannot import '%s': %s", display, err);
    } else {
      Loc none = {0, 0, 0};
      diag_add(&p->diags, SEV_ERROR, none, NULL, "cannot read '%s': %s", display, err);
      p->entry_unreadable = true;
    }
    return;
  }
  uint32_t file = src_add(&p->srcs, display, real, text, len, true, false);
  Src *s = src_get(&p->srcs, file);
  s->scan_in_place = true;
  strmap_put(&L->loaded, s->real, (void *)1);
  vec_push(&L->stack, (void *)s->real);
  vec_push(&L->stack_display, (void *)s->path);
  AstFile *f = parse_src(L, file);
  load_items(L, f, is_module);
  L->stack.len--;
  L->stack_display.len--;
}

static bool valid_module_name(const char *name) {
  for (const char *c = name; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_')) return false;
  return *name != '\0';
}

static void load_module(Loader *L, const char *name, Loc loc) {
  Program *p = L->p;
  if (strmap_get(&L->modules, name)) return;
  strmap_put(&L->modules, name, (void *)1);
  vec_push(&p->modules, (void *)name);
  if (valid_module_name(name) && L->opt && L->opt->charter_path && *L->opt->charter_path) {
    char *paths = xstrdup(L->opt->charter_path);
    char *save = NULL;
    for (char *dir = strtok_r(paths, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
      if (!*dir) continue;
      Buf b = {0};
      buf_printf(&b, "%s/%s.charter", dir, name);
      if (access(buf_str(&b), F_OK) == 0) {
        char *display = path_join_norm("", buf_str(&b));
        load_file(L, display, true, loc, true);
        free(display);
        buf_free(&b);
        free(paths);
        return;
      }
      buf_free(&b);
    }
    free(paths);
  }
  const StdlibFile *m = stdlib_find(name);
  if (!m) {
    const char *names[64];
    int n = 0;
    for (const StdlibFile *s = charter_stdlib; s->name && n < 64; s++) names[n++] = s->name;
    const char *best = suggest_best(name, names, n);
    Buf list = {0};
    for (int i = 0; i < n; i++) buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
    if (best)
      diag_add(&p->diags, SEV_ERROR, loc, "import", "unknown module '%s'; did you mean '%s'?", name, best);
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
  buf_free(&display);
  AstFile *f = parse_src(L, file);
  load_items(L, f, true);
}

static void load_items(Loader *L, AstFile *f, bool is_module) {
  Program *p = L->p;
  Src *s = src_get(&p->srcs, f->src);
  for (int i = 0; i < f->nitems; i++) {
    Item *it = f->items[i];
    switch (it->kind) {
    case IT_IMPORT:
      if (s->is_stdlib) {
        diag_add(&p->diags, SEV_ERROR, it->name_loc, "import", "a standard module cannot import files");
      } else if (it->name[0] == '\0') {
        diag_add(&p->diags, SEV_ERROR, it->name_loc, "import", "the import path is empty");
      } else if (it->name[0] == '/') {
        diag_add(&p->diags, SEV_ERROR, it->name_loc, "import",
                 "import paths are relative to the importing file; '%s' is absolute", it->name);
      } else {
        char *path = path_join_norm(s->path, it->name);
        load_file(L, path, true, it->name_loc, is_module);
        free(path);
      }
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
}

static Program *program_new(void) {
  Program *p = xcalloc(1, sizeof *p);
  arena_init(&p->arena);
  diag_init(&p->diags, &p->arena);
  strmap_init(&p->ids);
  return p;
}

static void finish(Loader *L) {
  vec_free(&L->stack);
  vec_free(&L->stack_display);
  strmap_free(&L->loaded);
  strmap_free(&L->modules);
  /* The built-in checks first: the rules' type checker reads the ids and
   * the checked values they leave. */
  if (!L->p->entry_unreadable) {
    chk_run(L->p);
    model_build(L->p);
    rules_check(L->p);
  }
  diag_sort(&L->p->diags);
}

Program *program_load(const char *path, const LoadOptions *opt) {
  Program *p = program_new();
  Loader L = {.p = p, .opt = opt};
  Loc none = {0, 0, 0};
  load_file(&L, path, false, none, false);
  p->entry = 0;
  finish(&L);
  return p;
}

Program *program_load_text(const char *path, const char *text, size_t len, const LoadOptions *opt) {
  Program *p = program_new();
  Loader L = {.p = p, .opt = opt};
  char real[PATH_MAX];
  const char *r = realpath(path, real) ? real : NULL;
  char *copy = xmalloc(len + 1);
  memcpy(copy, text, len);
  copy[len] = '\0';
  uint32_t file = src_add(&p->srcs, path, r, copy, len, true, false);
  Src *s = src_get(&p->srcs, file);
  if (s->real) {
    strmap_put(&L.loaded, s->real, (void *)1);
    vec_push(&L.stack, (void *)s->real);
    vec_push(&L.stack_display, (void *)s->path);
  }
  AstFile *f = parse_src(&L, file);
  load_items(&L, f, false);
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
