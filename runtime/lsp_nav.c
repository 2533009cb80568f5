/* The language server's answers about names (docs/lsp.md): hover,
 * definition, references, rename, document and workspace symbols, folding
 * ranges. One walk over a file's syntax tree (walk_file) yields every place
 * that names something: a declaration's id, a reference in an attribute
 * value, a name in a rule's expressions or message or in a formula, a rule
 * id in a waiver, a module in `use`, an attribute's name. The finder and
 * the references are both that walk. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "eval.h"
#include "lsp_impl.h"
#include "model.h"
#include "modules.h"
#include "present.h"

/* LSP's RequestFailed: the request was well formed but cannot be done. */
#define LSP_REQUEST_FAILED (-32803)
/* The most symbols workspace/symbol answers. */
#define WORKSPACE_SYMBOLS_MAX 1000

/* ---- text for JSON and markdown ---- */

/* Program text in markdown, read as it is written: a backslash before each
 * character that could start markup (\\ ` * _ [ ] < > # | ~ ! & $), and
 * before - + = that start a line and the . or ) of a number that starts
 * one (a list item); line ends kept. */
static void put_md(Buf *b, const char *s) {
  Buf c = {0};
  lsp_put_clean(&c, s ? s : "", s ? strlen(s) : 0);
  bool line_start = true, digits = false;
  for (const char *q = buf_str(&c); *q; q++) {
    char ch = *q;
    if (ch == '\r') continue;
    if (strchr("\\`*_[]<>#|~!&$", ch) || (line_start && strchr("-+=", ch)) || (digits && strchr(".)", ch) && strchr(" \t\n", q[1])))
      buf_putc(b, '\\');
    buf_putc(b, ch);
    if (ch == '\n') {
      line_start = true;
      digits = false;
    } else if (ch == ' ' || ch == '\t') {
      digits = false;
    } else if (ch >= '0' && ch <= '9') {
      digits = line_start || digits;
      line_start = false;
    } else {
      line_start = digits = false;
    }
  }
  buf_free(&c);
}

/* ---- the places that name something ---- */

typedef enum OccKind {
  OCC_DECL,   /* a declaration's id (the keyword for the charter) */
  OCC_REF,    /* a name that refers to a declaration */
  OCC_MODULE, /* a module in `use` */
  OCC_ATTR    /* an attribute's name */
} OccKind;

typedef struct Occ {
  OccKind kind;
  Loc loc;            /* the name's span */
  Decl *target;       /* OCC_DECL, OCC_REF: the declaration; OCC_ATTR: the one it is in */
  const char *module; /* OCC_MODULE: its name */
  Attr *attr;         /* OCC_ATTR: the statement */
} Occ;

typedef void (*OccFn)(void *ctx, const Occ *o);

static AstFile *ast_of(Program *p, uint32_t file) {
  for (int i = 0; i < p->files.len; i++) {
    AstFile *f = p->files.items[i];
    if (f->src == file) return f;
  }
  return NULL;
}

static void emit(OccFn fn, void *ctx, OccKind kind, Loc loc, Decl *target) {
  Occ o = {kind, loc, target, NULL, NULL};
  fn(ctx, &o);
}

/* The names of an expression that refer to declarations: in a rule, those
 * the rule checker resolved (Expr.res); in a formula (formula true), every
 * name that is a declared id. A work list, since expressions nest deep. */
static void walk_expr(Program *p, Expr *root, bool formula, OccFn fn, void *ctx) {
  Vec todo = {0};
  if (root) vec_push(&todo, root);
  while (todo.len) {
    Expr *e = todo.items[--todo.len];
    if (e->kind == E_NAME && e->text) {
      Decl *d = NULL;
      if (formula) d = strmap_get(&p->ids, e->text);
      else if (e->res == NM_DECL) d = (Decl *)e->target;
      else if (e->res == NM_CHARTER) d = p->charter;
      if (d) emit(fn, ctx, OCC_REF, e->loc, d);
    }
    for (int i = e->nitems - 1; i >= 0; i--)
      if (e->items[i]) vec_push(&todo, e->items[i]);
    if (e->b) vec_push(&todo, e->b);
    if (e->a) vec_push(&todo, e->a);
  }
  vec_free(&todo);
}

static Decl *lookup(Program *p, const Atom *a) {
  return a->kind == ATOM_IDENT && a->text ? strmap_get(&p->ids, a->text) : NULL;
}

static void walk_decl(Program *p, Decl *d, OccFn fn, void *ctx) {
  emit(fn, ctx, OCC_DECL, d->id_loc, d);
  for (int i = 0; i < d->nattrs; i++) {
    Attr *a = d->attrs[i];
    if (!a) continue;
    if (a->name) {
      Occ o = {OCC_ATTR, a->name_loc, d, NULL, a};
      fn(ctx, &o);
    }
    if (a->kind != ST_ATTR) {
      if (a->kind != ST_BLOCK) walk_expr(p, a->expr, a->kind == ST_FORMULA, fn, ctx);
      continue;
    }
    int si = a->name ? chk_spec_index(d->kind, a->name) : -1;
    if (si < 0) continue;
    int ns = 0;
    const AttrSpec *spec = &chk_specs(d->kind, &ns)[si];
    for (int j = 0; j < a->nphrases; j++) {
      Phrase *ph = &a->phrases[j];
      if (ph->n < 1) continue;
      Decl *t;
      switch (spec->form) {
      case F_REF:
        for (int k = 0; k < ph->n; k++)
          if ((t = lookup(p, &ph->atoms[k]))) emit(fn, ctx, OCC_REF, ph->atoms[k].loc, t);
        break;
      case F_EQUITY: /* the dimension */
        if ((t = lookup(p, &ph->atoms[0]))) emit(fn, ctx, OCC_REF, ph->atoms[0].loc, t);
        break;
      case F_WAIVE: /* the rule */
        if ((t = lookup(p, &ph->atoms[0])) && t->kind == D_RULE) emit(fn, ctx, OCC_REF, ph->atoms[0].loc, t);
        break;
      default:
        break;
      }
    }
    if (d->kind == D_RULE && strcmp(a->name, "message") == 0)
      for (int r = 0; r < p->rules.len; r++) {
        Rule *rule = p->rules.items[r];
        if (rule->decl != d) continue;
        for (int k = 0; k < rule->nmsg; k++)
          if (rule->msg[k].expr) walk_expr(p, rule->msg[k].expr, false, fn, ctx);
      }
  }
}

/* Every place of file (a source of p) that names something, in the order
 * of its items. */
static void walk_file(Program *p, uint32_t file, OccFn fn, void *ctx) {
  AstFile *f = ast_of(p, file);
  if (!f) return;
  for (int i = 0; i < f->nitems; i++) {
    Item *it = f->items[i];
    if (!it) continue;
    switch (it->kind) {
    case IT_DECL:
      if (it->decl) walk_decl(p, it->decl, fn, ctx);
      break;
    case IT_USE:
      if (it->name) {
        Occ o = {OCC_MODULE, it->name_loc, NULL, it->name, NULL};
        fn(ctx, &o);
      }
      break;
    case IT_WAIVE: {
      Decl *t = it->name ? strmap_get(&p->ids, it->name) : NULL;
      if (t && t->kind == D_RULE) emit(fn, ctx, OCC_REF, it->name_loc, t);
      break;
    }
    case IT_IMPORT:
      break;
    }
  }
}

/* ---- what is at an offset ---- */

typedef struct Finder {
  uint32_t off;
  Occ hit, edge; /* the place holding off; one ending at off */
  bool has_hit, has_edge;
} Finder;

static void find_one(void *ctx, const Occ *o) {
  Finder *f = ctx;
  if (o->loc.end <= o->loc.start) return;
  if (o->loc.start <= f->off && f->off < o->loc.end) {
    /* A name inside a statement wins over the statement's attribute name. */
    if (!f->has_hit || f->hit.kind == OCC_ATTR) {
      f->hit = *o;
      f->has_hit = true;
    }
  } else if (o->loc.end == f->off && !f->has_edge) {
    f->edge = *o;
    f->has_edge = true;
  }
}

/* The place of a's document at a's offset (or just before it: a cursor
 * after a name stands for the name); false when nothing is there. */
static bool find_at(LspAt *a, Occ *out) {
  Finder f = {.off = a->off};
  walk_file(a->p, a->file, find_one, &f);
  if (f.has_hit) *out = f.hit;
  else if (f.has_edge) *out = f.edge;
  else return false;
  return true;
}

static bool is_stdlib_decl(Program *p, const Decl *d) { return src_get(&p->srcs, d->loc.file)->is_stdlib; }

/* The file of a module from CHARTER_PATH that a `use` loaded, or -1 (a
 * standard module, or not found). Only files `use` read count: an imported
 * file of the same name is not the module. */
static int module_file(Program *p, const char *name) {
  for (int i = 0; i < p->srcs.len; i++) {
    Src *s = src_get(&p->srcs, (uint32_t)i);
    if (!s->is_stdlib && s->module && strcmp(s->module, name) == 0) return i;
  }
  return -1;
}

/* ---- definition ---- */

json_t *lsp_definition(LspAt *a, LspErr *e) {
  (void)e;
  Occ o;
  if (!find_at(a, &o)) return json_null();
  if (o.kind == OCC_MODULE) {
    int f = module_file(a->p, o.module);
    if (f < 0) return json_null();
    Loc at = {(uint32_t)f, 0, 0};
    return lsp_location(a->s, a->p, at);
  }
  if (o.kind == OCC_ATTR || !o.target || is_stdlib_decl(a->p, o.target)) return json_null();
  return lsp_location(a->s, a->p, o.target->id_loc);
}

/* ---- references ---- */

typedef struct Refs {
  const Occ *want; /* a declaration or a module */
  bool decl;       /* includeDeclaration */
  Vec locs;        /* Loc * (malloc'd) */
} Refs;

static void refs_one(void *ctx, const Occ *o) {
  Refs *r = ctx;
  bool match;
  if (r->want->kind == OCC_MODULE) match = o->kind == OCC_MODULE && strcmp(o->module, r->want->module) == 0;
  else
    match = o->target == r->want->target && (o->kind == OCC_REF || (o->kind == OCC_DECL && r->decl));
  if (!match) return;
  Loc *l = xmalloc(sizeof *l);
  *l = o->loc;
  vec_push(&r->locs, l);
}

static int loc_cmp(const void *x, const void *y) {
  const Loc *a = *(Loc *const *)x, *b = *(Loc *const *)y;
  if (a->file != b->file) return a->file < b->file ? -1 : 1;
  if (a->start != b->start) return a->start < b->start ? -1 : 1;
  return 0;
}

/* Every place of p's own files naming what o names, in file then offset
 * order; the caller frees the vector and its items. */
static void collect_refs(Program *p, const Occ *o, bool decl, Vec *out) {
  Refs r = {o, decl, {0}};
  for (int i = 0; i < p->srcs.len; i++)
    if (!src_get(&p->srcs, (uint32_t)i)->is_stdlib) walk_file(p, (uint32_t)i, refs_one, &r);
  if (r.locs.len > 1) qsort(r.locs.items, (size_t)r.locs.len, sizeof *r.locs.items, loc_cmp);
  *out = r.locs;
}

static void free_locs(Vec *v) {
  for (int i = 0; i < v->len; i++) free(v->items[i]);
  vec_free(v);
}

json_t *lsp_references(LspAt *a, LspErr *e) {
  (void)e;
  Occ o;
  if (!find_at(a, &o) || o.kind == OCC_ATTR) return json_null();
  json_t *ctxj = json_object_get(a->params, "context");
  bool decl = json_is_true(json_object_get(ctxj, "includeDeclaration"));
  Vec locs;
  collect_refs(a->p, &o, decl, &locs);
  json_t *out = json_array();
  for (int i = 0; i < locs.len; i++) json_array_append_new(out, lsp_location(a->s, a->p, *(Loc *)locs.items[i]));
  free_locs(&locs);
  return out;
}

/* ---- rename ---- */

/* The declaration at a's offset that rename may rename, or NULL after
 * filling *e. */
static Decl *renamable(LspAt *a, LspErr *e, Occ *o) {
  if (!find_at(a, o) || o->kind == OCC_ATTR) {
    lsp_fail(e, LSP_REQUEST_FAILED, "there is no declaration's id here to rename; put the cursor on an id");
    return NULL;
  }
  if (o->kind == OCC_MODULE) {
    lsp_fail(e, LSP_REQUEST_FAILED, "'%s' is a module's name, which rename does not change; rename its file instead",
             o->module);
    return NULL;
  }
  Decl *d = o->target;
  if (d->kind == D_CHARTER) {
    lsp_fail(e, LSP_REQUEST_FAILED, "the charter block has no id to rename; change its title instead");
    return NULL;
  }
  if (!d->id) {
    lsp_fail(e, LSP_REQUEST_FAILED, "this %s has no id to rename; write one after its keyword", ast_kind_name(d->kind));
    return NULL;
  }
  if (ast_is_reserved(d->id)) {
    lsp_fail(e, LSP_REQUEST_FAILED, "'%s' is a reserved word, not an id that can be renamed", d->id);
    return NULL;
  }
  if (is_stdlib_decl(a->p, d)) {
    lsp_fail(e, LSP_REQUEST_FAILED,
             "'%s' is declared in the standard library, which cannot be changed; declare an id of your own instead",
             d->id);
    return NULL;
  }
  Src *s = src_get(&a->p->srcs, d->loc.file);
  if (s->is_module) {
    Buf path = {0};
    lsp_put_clean(&path, s->path, strlen(s->path));
    lsp_fail(e, LSP_REQUEST_FAILED,
             "'%s' is declared in a shared module (%.300s), which other programs read too; rename it there", d->id,
             buf_str(&path));
    buf_free(&path);
    return NULL;
  }
  return d;
}

/* The name a comprehension's `NAME in LIST: …` binds, or NULL. */
static const char *pair_binding(const Expr *pair) {
  const Expr *in = pair->a;
  while (in && in->kind == E_PAREN) in = in->a;
  if (!in || in->kind != E_BINARY || in->op != OP_IN || !in->a || in->a->kind != E_NAME) return NULL;
  return in->a->text;
}

/* Whether root binds name in a comprehension. A work list, since
 * expressions nest deep. */
static bool expr_binds(Expr *root, const char *name) {
  Vec todo = {0};
  bool found = false;
  if (root) vec_push(&todo, root);
  while (todo.len && !found) {
    Expr *x = todo.items[--todo.len];
    if (x->kind == E_PAIR) {
      const char *v = pair_binding(x);
      found = v && strcmp(v, name) == 0;
    }
    for (int i = 0; i < x->nitems; i++)
      if (x->items[i]) vec_push(&todo, x->items[i]);
    if (x->a) vec_push(&todo, x->a);
    if (x->b) vec_push(&todo, x->b);
  }
  vec_free(&todo);
  return found;
}

/* The rule of p that binds name as a variable (its `for`, a comprehension,
 * one in its message), or NULL. */
static const Rule *rule_binding(Program *p, const char *name) {
  for (int i = 0; i < p->rules.len; i++) {
    const Rule *r = p->rules.items[i];
    bool binds = (r->var && strcmp(r->var, name) == 0) || expr_binds(r->over, name) || expr_binds(r->where, name) ||
                 expr_binds(r->require, name);
    for (int k = 0; !binds && k < r->nmsg; k++) binds = expr_binds(r->msg[k].expr, name);
    if (binds) return r;
  }
  return NULL;
}

/* Whether an id called name could be read as something else in a rule, or
 * clash with a standard module: false after filling *e when it could. */
static bool name_is_free(LspAt *a, LspErr *e, const char *name) {
  const Rule *r = rule_binding(a->p, name);
  if (r) {
    const char *rid = r->decl && r->decl->id ? r->decl->id : "?";
    lsp_fail(e, LSP_REQUEST_FAILED,
             "'%s' is a variable of rule '%s', and in a rule a variable comes before an id of the same name, so "
             "the rule would read the variable where it means the declaration; choose another id, such as %s_1",
             name, rid, name);
    return false;
  }
  if (rules_name_shadows(name)) {
    lsp_fail(e, LSP_REQUEST_FAILED,
             "'%s' names %s in rules, before any id of the same name, so rules would no longer read the "
             "renamed declaration; choose another id, such as %s_1",
             name, strcmp(name, "charter") == 0 ? "the charter block" : "a collection", name);
    return false;
  }
  const char *m = stdlib_module_declaring(name);
  if (m) {
    lsp_fail(e, LSP_REQUEST_FAILED,
             "'%s' is declared by the standard module %s, and the two would clash once the program uses %s; "
             "choose another id, such as %s_1",
             name, m, m, name);
    return false;
  }
  return true;
}

json_t *lsp_prepare_rename(LspAt *a, LspErr *e) {
  Occ o;
  Decl *d = renamable(a, e, &o);
  if (!d) return NULL;
  return json_pack("{s:o,s:s}", "range", lsp_range(a->src, o.loc), "placeholder", d->id);
}

/* Whether s is an id as the scanner reads one: [A-Za-z_][A-Za-z0-9_]*. */
static bool is_id(const char *s) {
  if (!*s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_')) return false;
  for (const char *c = s; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_'))
      return false;
  return true;
}

json_t *lsp_rename(LspAt *a, LspErr *e) {
  json_t *nj = json_object_get(a->params, "newName");
  if (!json_is_string(nj))
    return lsp_fail(e, LSP_INVALID_PARAMS, "rename needs params.newName, the new id as a string");
  const char *name = json_string_value(nj);
  if (strlen(name) != json_string_length(nj) || !is_id(name)) {
    Buf b = {0};
    lsp_put_clean(&b, name, json_string_length(nj));
    lsp_fail(e, LSP_INVALID_PARAMS,
             "'%.200s' is not an id: an id starts with a letter or '_' and holds only ASCII letters, digits and "
             "'_' (as in employment_rate)",
             buf_str(&b));
    buf_free(&b);
    return NULL;
  }
  if (ast_is_reserved(name))
    return lsp_fail(e, LSP_INVALID_PARAMS, "'%s' is a reserved word and cannot be an id; choose another, such as %s_1",
                    name, name);
  Occ o;
  Decl *d = renamable(a, e, &o);
  if (!d) return NULL;
  Decl *other = strmap_get(&a->p->ids, name);
  if (other && other != d) {
    Src *s = src_get(&a->p->srcs, other->id_loc.file);
    int line = 1, col = 1;
    src_linecol(s, other->id_loc.start, &line, &col);
    Buf path = {0};
    lsp_put_clean(&path, s->path, strlen(s->path));
    lsp_fail(e, LSP_REQUEST_FAILED, "'%s' is already declared (%s %s at %s:%d:%d); choose another id", name,
             ast_article(ast_kind_name(other->kind)), ast_kind_name(other->kind), buf_str(&path), line, col);
    buf_free(&path);
    return NULL;
  }
  if (other != d && !name_is_free(a, e, name)) return NULL;
  Vec locs;
  collect_refs(a->p, &o, true, &locs);
  json_t *changes = json_object();
  for (int i = 0; i < locs.len; i++) {
    Loc *l = locs.items[i];
    Src *s = src_get(&a->p->srcs, l->file);
    char *uri = lsp_uri(a->s, s);
    json_t *list = json_object_get(changes, uri);
    if (!list) {
      list = json_array();
      json_object_set_new(changes, uri, list);
    }
    json_array_append_new(list, json_pack("{s:o,s:s}", "range", lsp_range(s, *l), "newText", name));
    free(uri);
  }
  free_locs(&locs);
  return json_pack("{s:o}", "changes", changes);
}

/* ---- hover ---- */

/* The source text of an attribute's values as written (baseline 41 in 2023:
 * "41 in 2023"), or "" . */
static void put_written(Buf *b, Program *p, const AttrVals *v) {
  if (!v->first || v->first->nphrases < 1) return;
  Attr *a = v->first;
  Src *s = src_get(&p->srcs, a->phrases[0].loc.file);
  uint32_t from = a->phrases[0].loc.start, to = a->phrases[a->nphrases - 1].loc.end;
  if (to < from || to > s->len) return;
  Buf raw = {0};
  buf_add(&raw, s->text + from, to - from);
  put_md(b, buf_str(&raw));
  buf_free(&raw);
}

/* The Latest and Status lines of an indicator's hover, from x: what the
 * disclosure policy withholds is not in them, so they may be kept. */
static void store_lines(Buf *b, const EvalIndicator *x) {
  const Decl *d = x->decl;
  const char *unit = indicator_view(d) ? indicator_view(d)->unit : NULL;
  buf_puts(b, "**Latest:** ");
  if (x->has_latest && disclose_withheld(x->latest_state)) {
    buf_puts(b, "withheld by the disclosure policy");
    if (x->latest_period) {
      buf_puts(b, " (");
      put_md(b, x->latest_period);
      buf_puts(b, ")");
    }
  } else if (x->has_latest || x->withheld) {
    Buf v = {0};
    present_latest(&v, x, unit);
    put_md(b, buf_str(&v));
    buf_free(&v);
  } else {
    buf_puts(b, "no data in the store");
  }
  buf_puts(b, "  \n**Status:** ");
  if (x->has_latest && disclose_withheld(x->latest_state)) {
    /* A status would tell about the withheld value, as charter report
     * knows: it is not shown either. */
    buf_puts(b, "not shown while the latest value is withheld");
    return;
  }
  Buf st = {0};
  buf_puts(&st, eval_status_name(x->status));
  for (char *c = st.data; c && *c; c++)
    if (*c == '_') *c = ' ';
  put_md(b, buf_str(&st));
  buf_free(&st);
}

/* The lines of the last evaluation without errors, by indicator id, with
 * its store: what hover shows while the program has errors. Only the last
 * evaluation is kept. */
struct LspNavCache {
  char *db;     /* the store read */
  char *entry;  /* the program's entry file (its path as loaded) */
  char *key;    /* model_key of the program read (key_len bytes) */
  size_t keylen;
  char **ids;   /* the indicators' ids */
  char **lines; /* their store_lines */
  int n;
};

void lsp_nav_cache_free(LspNavCache *c) {
  if (!c) return;
  for (int i = 0; i < c->n; i++) {
    free(c->ids[i]);
    free(c->lines[i]);
  }
  free(c->ids);
  free(c->lines);
  free(c->db);
  free(c->entry);
  free(c->key);
  free(c);
}

/* Everything the disclosure of a value may depend on, as written: the
 * charter block (its disclosure policy), every dimension (their groups:
 * complementary withholding) and every indicator (unit, per, disaggregate,
 * formulas over others), each declaration's text in order; NULL without a
 * charter block (malloc'd). Cached lines are shown only while all of it
 * reads exactly as when they were read, so no edit can make a cached line
 * show what the program as it is now would withhold. */
static char *model_key(Program *p) {
  if (!p->charter) return NULL;
  Buf b = {0};
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind != D_CHARTER && d->kind != D_DIMENSION && d->kind != D_INDICATOR) continue;
    Src *src = src_get(&p->srcs, d->loc.file);
    if (d->loc.end < d->loc.start || d->loc.end > src->len) {
      buf_free(&b);
      return NULL;
    }
    buf_printf(&b, "%s\n", src->path ? src->path : "");
    buf_add(&b, src->text + d->loc.start, d->loc.end - d->loc.start);
    buf_putc(&b, '\0');
  }
  char *out = xmalloc(b.len + 1);
  if (b.len) memcpy(out, b.data, b.len);
  out[b.len] = '\0';
  buf_free(&b);
  return out;
}

/* The length of a key (it holds NULs between declarations). */
static size_t key_len(Program *p) {
  size_t n = 0;
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind != D_CHARTER && d->kind != D_DIMENSION && d->kind != D_INDICATOR) continue;
    Src *src = src_get(&p->srcs, d->loc.file);
    n += strlen(src->path ? src->path : "") + 1 + (d->loc.end - d->loc.start) + 1;
  }
  return n;
}

static const char *entry_path(Program *p) {
  Src *s = src_get(&p->srcs, p->entry);
  return s && s->path ? s->path : "";
}

/* Keeps the lines of every indicator of r, read from db, in place of what
 * the cache held. */
static void cache_keep(LspServer *s, Program *p, const char *db, const EvalResult *r) {
  char *key = model_key(p);
  if (!key) return;
  LspNavCache *c = xcalloc(1, sizeof *c);
  c->db = xstrdup(db);
  c->entry = xstrdup(entry_path(p));
  c->key = key;
  c->keylen = key_len(p);
  c->ids = xmalloc((size_t)(r->n ? r->n : 1) * sizeof *c->ids);
  c->lines = xmalloc((size_t)(r->n ? r->n : 1) * sizeof *c->lines);
  for (int i = 0; i < r->n; i++) {
    const EvalIndicator *x = &r->inds[i];
    if (!x->decl || !x->decl->id) continue;
    Buf b = {0};
    store_lines(&b, x);
    c->ids[c->n] = xstrdup(x->decl->id);
    c->lines[c->n] = xstrdup(buf_str(&b));
    c->n++;
    buf_free(&b);
  }
  LspNavCache **slot = lsp_nav_cache(s);
  lsp_nav_cache_free(*slot);
  *slot = c;
}

/* The kept lines of indicator id read from db for p's entry file, while
 * everything disclosure depends on reads as it did (model_key), or NULL. */
static const char *cache_lines(LspServer *s, Program *p, const char *db, const char *id) {
  const LspNavCache *c = *lsp_nav_cache(s);
  if (!c || !id || strcmp(c->db, db) != 0 || strcmp(c->entry, entry_path(p)) != 0) return NULL;
  char *key = model_key(p);
  bool same = key && key_len(p) == c->keylen && memcmp(key, c->key, c->keylen) == 0;
  free(key);
  if (!same) return NULL;
  for (int i = 0; i < c->n; i++)
    if (strcmp(c->ids[i], id) == 0) return c->lines[i];
  return NULL;
}

static void hover_store_db(Buf *b, LspAt *a, const Decl *d, const char *db) {
  if (a->p->diags.nerrors) {
    const char *kept = cache_lines(a->s, a->p, db, d->id);
    if (kept) {
      buf_puts(b, "\n\n");
      buf_puts(b, kept);
      buf_puts(b, "\n\nFrom the last check without errors: the store is not read while the program has errors.");
    } else {
      buf_puts(b, "\n\nThe store is not read while the program has errors.");
    }
    return;
  }
  EvalResult r;
  char err[512] = "";
  EvalOptions opts = {false, false};
  if (!eval_open_and_run_opts(a->p, db, eval_today(), &opts, &r, err, sizeof err)) {
    buf_puts(b, "\n\nThe store could not be read: ");
    put_md(b, err);
    eval_free(&r);
    return;
  }
  cache_keep(a->s, a->p, db, &r);
  const EvalIndicator *x = eval_find(&r, d);
  if (x) {
    buf_puts(b, "\n\n");
    store_lines(b, x);
  }
  eval_free(&r);
}

static void hover_store(Buf *b, LspAt *a, const Decl *d) {
  char *db = lsp_store_for(a->s, a->p);
  if (!db) return;
  hover_store_db(b, a, d, db);
  free(db);
}

static void hover_decl(Buf *b, LspAt *a, const Decl *d) {
  buf_printf(b, "**%s**", ast_kind_name(d->kind));
  if (d->id) buf_printf(b, " `%s`", d->id);
  const char *title = model_text(d, TEXT_TITLE, LANG_EN, NULL);
  if (!title) title = d->title;
  if (title) {
    buf_puts(b, ": ");
    put_md(b, title);
  }
  const char *note = model_text(d, TEXT_NOTE, LANG_EN, NULL);
  if (note && *note) {
    buf_puts(b, "\n\n");
    put_md(b, note);
  }
  if (d->kind == D_INDICATOR) {
    const IndicatorView *v = indicator_view(d);
    Buf lines = {0};
    if (v && v->unit) {
      buf_puts(&lines, "\n- unit: ");
      put_md(&lines, v->unit);
    }
    const AttrVals *dir = decl_attr(d, AT_INDICATOR_DIRECTION);
    if (dir->n && dir->vals[0].str) {
      buf_puts(&lines, "\n- direction: ");
      put_md(&lines, dir->vals[0].str);
    }
    const AttrVals *base = decl_attr(d, AT_INDICATOR_BASELINE), *target = decl_attr(d, AT_INDICATOR_TARGET);
    if (base->first) {
      buf_puts(&lines, "\n- baseline: ");
      put_written(&lines, a->p, base);
    }
    if (target->first) {
      buf_puts(&lines, "\n- target: ");
      put_written(&lines, a->p, target);
    }
    if (lines.len) {
      buf_putc(b, '\n');
      buf_add(b, lines.data, lines.len);
    }
    buf_free(&lines);
    hover_store(b, a, d);
  }
}

static const char *form_text(ValueForm f) {
  switch (f) {
  case F_TEXT: return "text: a string or a text block";
  case F_STRING: return "a one-line string";
  case F_SYMBOL: return "one of a fixed set of words";
  case F_REF: return "the id of a declaration";
  case F_PERIOD: return "a period";
  case F_RANGE: return "a period to a period";
  case F_NUM_IN: return "a number in a period";
  case F_NUM_BY: return "a number by a period";
  case F_EQUITY: return "an equity line: a dimension, gap or ratio, a number and a period";
  case F_BUDGET: return "an amount and a currency";
  case F_MONTH: return "a month number, 1 to 12";
  case F_WAIVE: return "a rule id and a reason in quotes";
  case F_EXPR: return "an expression";
  case F_NUMBER: return "a number";
  case F_SCALE: return "a power of ten, 10 or more";
  case F_BOUNDS: return "a number to a number";
  case F_COMPARE: return "a number and a label in quotes";
  }
  return "a value";
}

static void hover_attr(Buf *b, const Decl *d, const Attr *a) {
  if (a->kind == ST_BLOCK) {
    buf_printf(b, "**block** `%s` of %s %s", a->name, ast_article(ast_kind_name(d->kind)), ast_kind_name(d->kind));
    return;
  }
  int si = chk_spec_index(d->kind, a->name);
  if (si < 0) return;
  int n = 0;
  const AttrSpec *s = &chk_specs(d->kind, &n)[si];
  buf_printf(b, "**attribute** `%s` of %s %s\n\n", s->name, ast_article(ast_kind_name(d->kind)),
             ast_kind_name(d->kind));
  buf_puts(b, form_text(s->form));
  if (s->form == F_SYMBOL && s->symbols) {
    buf_puts(b, ":");
    for (int i = 0; s->symbols[i]; i++) buf_printf(b, "%s `%s`", i ? "," : "", s->symbols[i]);
  }
  if (s->form == F_REF && s->kinds) {
    buf_puts(b, " (");
    bool first = true;
    for (int k = 0; k < D_KIND_COUNT; k++)
      if (s->kinds & (1u << k)) {
        buf_printf(b, "%s%s", first ? "" : ", ", ast_kind_name((DeclKind)k));
        first = false;
      }
    buf_puts(b, ")");
  }
  if (s->flags & A_LIST) buf_puts(b, "; several, separated by commas");
  if (s->flags & A_REPEAT) buf_puts(b, "; one a line, repeatable");
  if (s->flags & A_REQUIRED) buf_puts(b, "; required");
  if (s->example) buf_printf(b, "\n\n```charter\n%s\n```", s->example);
}

json_t *lsp_hover(LspAt *a, LspErr *e) {
  (void)e;
  Occ o;
  if (!find_at(a, &o)) return json_null();
  Buf b = {0};
  if (o.kind == OCC_MODULE) {
    int f = module_file(a->p, o.module);
    buf_printf(&b, "**module** `%s`", o.module);
    if (f >= 0) {
      buf_puts(&b, ": ");
      put_md(&b, src_get(&a->p->srcs, (uint32_t)f)->path);
    } else {
      buf_puts(&b, ", from the standard library");
    }
  } else if (o.kind == OCC_ATTR) {
    hover_attr(&b, o.target, o.attr);
  } else {
    hover_decl(&b, a, o.target);
    if (is_stdlib_decl(a->p, o.target)) buf_puts(&b, "\n\nFrom the standard library.");
  }
  if (!b.len) {
    buf_free(&b);
    return json_null();
  }
  json_t *r = json_pack("{s:{s:s,s:o},s:o}", "contents", "kind", "markdown", "value", lsp_jstr(buf_str(&b)), "range",
                        lsp_range(a->src, o.loc));
  buf_free(&b);
  return r;
}

/* ---- symbols ---- */

/* The SymbolKind of each kind of declaration (docs/lsp.md's table). */
static int symbol_kind(DeclKind k) {
  static const int kinds[D_KIND_COUNT] = {
      [D_CHARTER] = 2,    /* Module */
      [D_PARTNER] = 5,    /* Class */
      [D_COUNCIL] = 23,   /* Struct */
      [D_DIMENSION] = 10, /* Enum */
      [D_GOAL] = 24,      /* Event */
      [D_OUTCOME] = 19,   /* Object */
      [D_INDICATOR] = 16, /* Number */
      [D_ACTIVITY] = 12,  /* Function */
      [D_RULE] = 25,      /* Operator */
      [D_VIEW] = 3,       /* Namespace */
  };
  return k < D_KIND_COUNT ? kinds[k] : 13;
}

/* A declaration's symbol name: its id, "charter" for the charter block (or
 * its kind, for a declaration whose id was lost to a syntax error). */
static const char *symbol_name(const Decl *d) { return d->id ? d->id : ast_kind_name(d->kind); }

json_t *lsp_document_symbols(LspAt *a, LspErr *e) {
  (void)e;
  json_t *out = json_array();
  AstFile *f = ast_of(a->p, a->file);
  for (int i = 0; f && i < f->nitems; i++) {
    Item *it = f->items[i];
    if (!it || it->kind != IT_DECL || !it->decl) continue;
    Decl *d = it->decl;
    Loc range = d->loc, sel = d->id_loc;
    if (sel.start < range.start) range.start = sel.start;
    if (sel.end > range.end) range.end = sel.end;
    json_t *s = json_object();
    json_object_set_new(s, "name", json_string(symbol_name(d)));
    if (d->title) json_object_set_new(s, "detail", lsp_jstr(d->title));
    json_object_set_new(s, "kind", json_integer(symbol_kind(d->kind)));
    json_object_set_new(s, "range", lsp_range(a->src, range));
    json_object_set_new(s, "selectionRange", lsp_range(a->src, sel));
    json_array_append_new(out, s);
  }
  return out;
}

/* Whether needle occurs in hay, ASCII letters in either case. */
static bool contains_fold(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  if (!n) return true;
  for (const char *h = hay; *h; h++)
    if (strncasecmp(h, needle, n) == 0) return true;
  return false;
}

json_t *lsp_workspace_symbols(LspServer *s, json_t *params, LspErr *e) {
  (void)e;
  const char *q = json_string_value(json_object_get(params, "query"));
  if (!q) q = "";
  int np = 0;
  Program **ps = lsp_programs(s, &np);
  json_t *out = json_array();
  Vec seen = {0}; /* "real path:offset" of each symbol given */
  StrMap seen_map;
  strmap_init(&seen_map);
  for (int i = 0; i < np && json_array_size(out) < WORKSPACE_SYMBOLS_MAX; i++) {
    Program *p = ps[i];
    for (int j = 0; j < p->decls.len && json_array_size(out) < WORKSPACE_SYMBOLS_MAX; j++) {
      Decl *d = p->decls.items[j];
      Src *src = src_get(&p->srcs, d->id_loc.file);
      if (src->is_stdlib) continue;
      const char *name = symbol_name(d);
      if (!contains_fold(name, q) && !(d->title && contains_fold(d->title, q))) continue;
      Buf key = {0};
      buf_printf(&key, "%s:%u", src->real ? src->real : src->path, d->id_loc.start);
      if (strmap_get(&seen_map, buf_str(&key))) {
        buf_free(&key);
        continue;
      }
      char *k = xstrdup(buf_str(&key));
      buf_free(&key);
      vec_push(&seen, k);
      strmap_put(&seen_map, k, (void *)1);
      json_t *sym = json_object();
      json_object_set_new(sym, "name", json_string(name));
      json_object_set_new(sym, "kind", json_integer(symbol_kind(d->kind)));
      json_object_set_new(sym, "location", lsp_location(s, p, d->id_loc));
      if (d->title) json_object_set_new(sym, "containerName", lsp_jstr(d->title));
      json_array_append_new(out, sym);
    }
  }
  strmap_free(&seen_map);
  for (int i = 0; i < seen.len; i++) free(seen.items[i]);
  vec_free(&seen);
  free(ps);
  return out;
}

/* ---- folding ranges ---- */

static int line_of(Src *s, uint32_t off) {
  int line, ch;
  lsp_position(s, off, &line, &ch);
  return line;
}

/* A range from the line of start to the line of the last byte before end,
 * when that is a later line. */
static void fold(json_t *out, Src *s, uint32_t start, uint32_t end, const char *kind) {
  if (end <= start) return;
  int l0 = line_of(s, start), l1 = line_of(s, end - 1);
  if (l1 <= l0) return;
  json_t *r = json_pack("{s:i,s:i}", "startLine", l0, "endLine", l1);
  if (kind) json_object_set_new(r, "kind", json_string(kind));
  json_array_append_new(out, r);
}

static void fold_attrs(json_t *out, Src *s, Attr **attrs, int n) {
  for (int i = 0; i < n; i++) {
    Attr *a = attrs[i];
    if (!a) continue;
    if (a->kind == ST_BLOCK) {
      fold(out, s, a->loc.start, a->loc.end, NULL);
      fold_attrs(out, s, a->stmts, a->nstmts);
      continue;
    }
    for (int j = 0; j < a->nphrases; j++)
      for (int k = 0; k < a->phrases[j].n; k++) {
        Atom *t = &a->phrases[j].atoms[k];
        if (t->kind == ATOM_TEXT || t->kind == ATOM_STRING) fold(out, s, t->loc.start, t->loc.end, NULL);
      }
  }
}

static int fold_cmp(const void *x, const void *y) {
  json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
  json_int_t la = json_integer_value(json_object_get(a, "startLine")),
             lb = json_integer_value(json_object_get(b, "startLine"));
  if (la != lb) return la < lb ? -1 : 1;
  json_int_t ea = json_integer_value(json_object_get(a, "endLine")),
             eb = json_integer_value(json_object_get(b, "endLine"));
  return ea > eb ? -1 : ea < eb ? 1 : 0;
}

/* Whether only blanks come before off on its line. */
static bool starts_line(Src *s, uint32_t off) {
  while (off > 0 && (s->text[off - 1] == ' ' || s->text[off - 1] == '\t')) off--;
  return off == 0 || s->text[off - 1] == '\n' || off == src_bom_len(s);
}

json_t *lsp_folding_ranges(LspAt *a, LspErr *e) {
  (void)e;
  json_t *out = json_array();
  AstFile *f = ast_of(a->p, a->file);
  Src *s = a->src;
  for (int i = 0; f && i < f->nitems; i++) {
    Item *it = f->items[i];
    if (!it || it->kind != IT_DECL || !it->decl) continue;
    fold(out, s, it->decl->loc.start, it->decl->loc.end, NULL);
    fold_attrs(out, s, it->decl->attrs, it->decl->nattrs);
  }
  /* Runs of comment lines, each alone on its line. */
  for (int i = 0; f && i < f->ncomments;) {
    if (!starts_line(s, f->comments[i].loc.start)) {
      i++;
      continue;
    }
    int first = line_of(s, f->comments[i].loc.start), last = first, j = i + 1;
    while (j < f->ncomments && starts_line(s, f->comments[j].loc.start) &&
           line_of(s, f->comments[j].loc.start) == last + 1) {
      last++;
      j++;
    }
    if (last > first) json_array_append_new(out, json_pack("{s:i,s:i,s:s}", "startLine", first, "endLine", last,
                                                           "kind", "comment"));
    i = j;
  }
  /* In line order. */
  size_t n = json_array_size(out);
  if (n > 1) {
    json_t **items = xmalloc(n * sizeof *items);
    for (size_t i = 0; i < n; i++) items[i] = json_incref(json_array_get(out, i));
    qsort(items, n, sizeof *items, fold_cmp);
    json_array_clear(out);
    for (size_t i = 0; i < n; i++) json_array_append_new(out, items[i]);
    free(items);
  }
  return out;
}
