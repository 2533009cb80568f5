/* The language server's edits (docs/lsp.md): formatting (exactly `charter
 * fmt`), code actions (the checks' "did you mean" fixes, `use` lines for ids
 * a standard module declares, a community owner for an activity) and
 * completion worked out from the text around the cursor. */
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "lsp_impl.h"
#include "modules.h"

/* LSP's RequestFailed: the request was valid but cannot be carried out. */
enum { LSP_REQUEST_FAILED = -32803 };

/* LSP CompletionItemKind values. */
enum { CK_MODULE = 9, CK_PROPERTY = 10, CK_KEYWORD = 14, CK_REFERENCE = 18, CK_ENUM_MEMBER = 20 };

/* The document's parsed file in its program. */
static AstFile *doc_ast(const LspAt *a) {
  for (int i = 0; i < a->p->files.len; i++) {
    AstFile *af = a->p->files.items[i];
    if (af->src == a->file) return af;
  }
  return NULL;
}

static json_t *text_edit(Src *src, Loc loc, const char *text) {
  return json_pack("{s:o,s:s}", "range", lsp_range(src, loc), "newText", text);
}

/* ---- formatting ---- */

json_t *lsp_formatting(LspAt *a, LspErr *e) {
  AstFile *af = doc_ast(a);
  if (!af) return json_array();
  if (af->nerrors)
    return lsp_fail(e, LSP_REQUEST_FAILED,
                    "the document has %d syntax error%s; fix %s first, then format (as charter fmt refuses to)",
                    af->nerrors, af->nerrors == 1 ? "" : "s", af->nerrors == 1 ? "it" : "them");
  Buf out = {0};
  fmt_file(af, a->src, &out);
  json_t *edits = json_array();
  if (out.len != a->src->len || memcmp(buf_str(&out), a->src->text, out.len) != 0) {
    Loc all = {a->file, 0, (uint32_t)a->src->len};
    json_array_append_new(edits, text_edit(a->src, all, buf_str(&out)));
  }
  buf_free(&out);
  return edits;
}

/* ---- code actions ---- */

/* params.range as byte offsets: a position past the end stands for the end. */
static bool param_range(LspAt *a, uint32_t *from, uint32_t *to) {
  json_t *r = json_object_get(a->params, "range");
  uint32_t *out[2] = {from, to};
  const char *keys[2] = {"start", "end"};
  for (int i = 0; i < 2; i++) {
    json_t *pos = json_object_get(r, keys[i]);
    json_t *lj = json_object_get(pos, "line"), *cj = json_object_get(pos, "character");
    if (!json_is_integer(lj) || !json_is_integer(cj)) return false;
    json_int_t l = json_integer_value(lj), c = json_integer_value(cj);
    if (l < 0 || c < 0) return false;
    if (l > 0x7fffffff || c > 0x7fffffff || !lsp_offset(a->src, (int)l, (int)c, out[i]))
      *out[i] = (uint32_t)a->src->len;
  }
  if (*from > *to) {
    uint32_t t = *from;
    *from = *to;
    *to = t;
  }
  return true;
}

/* The Diagnostic the client sent for g (same range and code), or one made
 * from g. */
static json_t *diag_for(LspAt *a, const Diag *g) {
  json_t *range = lsp_range(a->src, g->loc);
  json_t *sent = json_object_get(json_object_get(a->params, "context"), "diagnostics");
  for (size_t i = 0; i < json_array_size(sent); i++) {
    json_t *d = json_array_get(sent, i);
    const char *code = json_string_value(json_object_get(d, "code"));
    if (code && g->rule && strcmp(code, g->rule) == 0 && json_equal(json_object_get(d, "range"), range)) {
      json_decref(range);
      return json_incref(d);
    }
  }
  return json_pack("{s:o,s:i,s:s?,s:s,s:s}", "range", range, "severity", (int)g->sev + 1, "code", g->rule, "source",
                   "charter", "message", g->msg);
}

static json_t *action(LspAt *a, const char *title, json_t *edits, json_t *diags) {
  json_t *changes = json_object();
  json_object_set_new(changes, a->uri, edits);
  return json_pack("{s:s,s:s,s:o,s:{s:o}}", "title", title, "kind", "quickfix", "diagnostics",
                   diags ? diags : json_array(), "edit", "changes", changes);
}

static bool program_uses(const Program *p, const char *module) {
  for (int i = 0; i < p->modules.len; i++)
    if (strcmp(p->modules.items[i], module) == 0) return true;
  return false;
}

/* The document's line end: "\r\n" when its first line ends so, else "\n". */
static const char *eol(const LspAt *a) {
  const char *nl = memchr(a->text, '\n', a->len);
  return nl && nl > a->text && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* The offset just past the line holding off (its '\n' included). */
static uint32_t line_after(const LspAt *a, uint32_t off) {
  const char *nl = memchr(a->text + off, '\n', a->len - off);
  return nl ? (uint32_t)(nl - a->text) + 1 : (uint32_t)a->len;
}

static uint32_t line_start(const LspAt *a, uint32_t off) {
  while (off > 0 && a->text[off - 1] != '\n') off--;
  return off;
}

/* An edit adding `use module` where fmt puts uses: after the last use or
 * import line, else before the first item (and the comment lines right
 * above it), followed by a blank line. */
static json_t *use_edit(LspAt *a, const char *module) {
  AstFile *af = doc_ast(a);
  Buf b = {0};
  const char *nl = eol(a);
  uint32_t at = src_bom_len(a->src);
  const Item *last = NULL;
  for (int i = 0; af && i < af->nitems; i++)
    if (af->items[i]->kind == IT_USE || af->items[i]->kind == IT_IMPORT) last = af->items[i];
  if (last) {
    at = line_after(a, last->loc.end);
    if (at == a->len && (at == 0 || a->text[at - 1] != '\n')) buf_puts(&b, nl);
    buf_printf(&b, "use %s%s", module, nl);
  } else {
    if (af && af->nitems) {
      at = line_start(a, af->items[0]->loc.start);
      /* Comment lines directly above the first item stay with it. */
      for (int c = af->ncomments - 1; c >= 0; c--) {
        const Comment *cm = &af->comments[c];
        if (cm->loc.end > at) continue;
        uint32_t ls = line_start(a, cm->loc.start);
        if (line_after(a, cm->loc.end) != at) break;
        bool alone = true;
        for (uint32_t k = ls; k < cm->loc.start; k++)
          if (a->text[k] != ' ' && a->text[k] != '\t') alone = false;
        if (!alone) break;
        at = ls;
      }
      if (at < src_bom_len(a->src)) at = src_bom_len(a->src);
    }
    buf_printf(&b, "use %s%s%s", module, nl, nl);
  }
  json_t *edits = json_array();
  json_array_append_new(edits, text_edit(a->src, (Loc){a->file, at, at}, buf_str(&b)));
  buf_free(&b);
  return edits;
}

/* The module a message asks to `use` ("... add `use M`"), when the program
 * does not use it: in m (size n). */
static bool wanted_module(const Program *p, const Diag *g, char *m, size_t n) {
  const char *q = g->msg ? strstr(g->msg, "add `use ") : NULL;
  if (!q) return false;
  q += strlen("add `use ");
  size_t k = strcspn(q, "`");
  if (!q[k] || k == 0 || k >= n) return false;
  memcpy(m, q, k);
  m[k] = '\0';
  return stdlib_find(m) && !program_uses(p, m);
}

/* The placeholder id added when no partner is of the community sector;
 * check reports it as not declared. */
static const char PLACEHOLDER_PARTNER[] = "community_partner_id";

/* The id of a community-sector partner, or the placeholder. */
static const char *community_partner(const Program *p) {
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind != D_PARTNER || !d->id) continue;
    const AttrVals *s = decl_attr(d, AT_PARTNER_SECTOR);
    for (int j = 0; j < s->n; j++)
      if (s->vals[j].form == SECTOR_COMMUNITY) return d->id;
  }
  return PLACEHOLDER_PARTNER;
}

/* An edit adding `community_owner ID` to activity d, on its own line before
 * its closing brace, indented two spaces as fmt writes attributes. */
static json_t *owner_edit(LspAt *a, const Decl *d) {
  uint32_t brace = d->loc.end ? d->loc.end - 1 : 0;
  if (brace >= a->len || a->text[brace] != '}') return NULL;
  uint32_t from = brace;
  while (from > 0 && (a->text[from - 1] == ' ' || a->text[from - 1] == '\t')) from--;
  Buf b = {0};
  const char *nl = eol(a);
  if (from > 0 && a->text[from - 1] == '\n') {
    buf_printf(&b, "  community_owner %s%s", community_partner(a->p), nl);
  } else {
    buf_printf(&b, "%s  community_owner %s%s", nl, community_partner(a->p), nl);
  }
  json_t *edits = json_array();
  json_array_append_new(edits, text_edit(a->src, (Loc){a->file, from, brace}, buf_str(&b)));
  buf_free(&b);
  return edits;
}

/* The activity a finding points into: the one whose id it underlines (a
 * look-up), else the one holding it. */
static const Decl *activity_at(const Program *p, const Src *src, Loc loc) {
  const Decl *id = loc.end <= src->len ? strmap_getn(&p->ids, src->text + loc.start, loc.end - loc.start) : NULL;
  if (id && id->kind == D_ACTIVITY && id->id_loc.file == loc.file && id->id_loc.start == loc.start) return id;
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind == D_ACTIVITY && d->loc.file == loc.file && d->loc.start <= loc.start && loc.end <= d->loc.end)
      return d;
  }
  return NULL;
}

/* Whether a diagnostic of the document already fixes a `use` to name
 * module ("unknown module 'equty'; did you mean 'equity'?"): then adding
 * `use module` would write it twice. */
static bool fix_gives_module(const LspAt *a, const char *module) {
  for (int i = 0; i < a->p->diags.items.len; i++) {
    const Diag *g = a->p->diags.items.items[i];
    if (g->loc.file == a->file && g->fix && g->msg && strncmp(g->msg, "unknown module ", 15) == 0 &&
        strcmp(g->fix, module) == 0)
      return true;
  }
  return false;
}

/* The action among acts[0..n) titled title, or NULL. */
static json_t *find_action(json_t **acts, int n, const char *title) {
  for (int i = 0; i < n; i++)
    if (strcmp(json_string_value(json_object_get(acts[i], "title")), title) == 0) return acts[i];
  return NULL;
}

json_t *lsp_code_actions(LspAt *a, LspErr *e) {
  uint32_t from, to;
  if (!param_range(a, &from, &to))
    return lsp_fail(e, LSP_INVALID_PARAMS, "'textDocument/codeAction' needs params.range with whole start and end "
                                           "positions");
  Program *p = a->p;
  json_t *actions = json_array();
  enum { MAX_USES = 16 };
  json_t *uses[MAX_USES]; /* the "Add `use M`" actions (borrowed) */
  int nuses = 0;
  for (int i = 0; i < p->diags.items.len; i++) {
    const Diag *g = p->diags.items.items[i];
    if (g->loc.file != a->file || g->loc.start > to || g->loc.end < from) continue;
    char module[64];
    if (g->fix) {
      Buf t = {0};
      /* A quoted fix (a reference group) shows its own quotes. */
      buf_printf(&t, g->fix[0] == '"' ? "Change to %s" : "Change to '%s'", g->fix);
      json_t *edits = json_array();
      json_array_append_new(edits, text_edit(a->src, g->loc, g->fix));
      json_t *d = json_array();
      json_array_append_new(d, diag_for(a, g));
      json_array_append_new(actions, action(a, buf_str(&t), edits, d));
      buf_free(&t);
    }
    if (wanted_module(p, g, module, sizeof module) && !fix_gives_module(a, module)) {
      Buf t = {0};
      buf_printf(&t, "Add `use %s`", module);
      json_t *x = find_action(uses, nuses, buf_str(&t)); /* this module's action so far */
      if (x) {
        json_array_append_new(json_object_get(x, "diagnostics"), diag_for(a, g));
      } else {
        json_t *d = json_array();
        json_array_append_new(d, diag_for(a, g));
        x = action(a, buf_str(&t), use_edit(a, module), d);
        json_array_append_new(actions, x);
        if (nuses < MAX_USES) uses[nuses++] = x;
      }
      buf_free(&t);
    }
    const Decl *act =
        g->rule && strcmp(g->rule, "eq_activity_community_owner") == 0 ? activity_at(p, a->src, g->loc) : NULL;
    json_t *edits = act ? owner_edit(a, act) : NULL;
    if (edits) {
      json_t *d = json_array();
      json_array_append_new(d, diag_for(a, g));
      const char *owner = community_partner(p);
      Buf t = {0};
      if (owner == PLACEHOLDER_PARTNER) buf_puts(&t, "Add a community owner (placeholder id)");
      else buf_printf(&t, "Add community owner '%s'", owner);
      json_array_append_new(actions, action(a, buf_str(&t), edits, d));
      buf_free(&t);
    }
  }
  /* The equity module, offered on the charter block of a program without it. */
  const Decl *c = p->charter;
  if (c && c->loc.file == a->file && c->loc.start <= to && from <= c->loc.end && !program_uses(p, "equity") &&
      stdlib_find("equity") && !find_action(uses, nuses, "Add `use equity`") && !fix_gives_module(a, "equity"))
    json_array_append_new(actions, action(a, "Add `use equity`", use_edit(a, "equity"), NULL));
  return actions;
}

/* ---- completion ---- */

static bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* What the text before the cursor says about it. */
typedef struct Cursor {
  bool quiet;       /* inside a string, a text block or a comment */
  int depth;        /* braces open */
  char kw[16];      /* the keyword of the declaration whose block is open (depth 1) */
  uint32_t seg;     /* where the cursor's statement starts on its line (after a newline, '{' or '}') */
  uint32_t partial; /* where the word being typed starts (== off when none) */
} Cursor;

static void scan_cursor(const LspAt *a, Cursor *cur) {
  const char *t = a->text;
  uint32_t off = a->off, i = 0;
  char top[16] = "";   /* the first word of the current top-level line */
  bool line_first = true; /* no word yet on this line at depth 0 */
  memset(cur, 0, sizeof *cur);
  while (i < off) {
    char ch = t[i];
    if (ch == '#') {
      const char *nl = memchr(t + i, '\n', a->len - i);
      uint32_t end = nl ? (uint32_t)(nl - t) : (uint32_t)a->len;
      if (off <= end) {
        cur->quiet = true;
        return;
      }
      i = end;
      continue;
    }
    if (ch == '"') {
      if (i + 2 < a->len && t[i + 1] == '"' && t[i + 2] == '"') { /* a text block */
        uint32_t j = i + 3;
        bool closed = false;
        for (; j + 2 < a->len; j++)
          if (t[j] == '"' && t[j + 1] == '"' && t[j + 2] == '"') {
            closed = true;
            break;
          }
        if (!closed || off <= j) {
          cur->quiet = true;
          return;
        }
        i = j + 3;
        line_first = false;
        continue;
      }
      uint32_t j = i + 1;
      while (j < a->len && t[j] != '"' && t[j] != '\n') j += t[j] == '\\' && j + 1 < a->len && t[j + 1] != '\n' ? 2 : 1;
      if (off <= j) { /* before the closing quote (or the line's end) */
        cur->quiet = true;
        return;
      }
      i = j < a->len && t[j] == '"' ? j + 1 : j;
      line_first = false;
      continue;
    }
    if (ch == '\n') {
      cur->seg = i + 1;
      if (cur->depth == 0) line_first = true;
    } else if (ch == '{') {
      if (cur->depth == 0) memcpy(cur->kw, top, sizeof top);
      cur->depth++;
      cur->seg = i + 1;
    } else if (ch == '}') {
      if (cur->depth > 0) cur->depth--;
      cur->seg = i + 1;
    } else if (word_char(ch)) {
      uint32_t j = i;
      while (j < a->len && word_char(t[j])) j++;
      if (cur->depth == 0 && line_first) {
        size_t n = j - i < sizeof top - 1 ? j - i : 0;
        memcpy(top, t + i, n);
        top[n] = '\0';
        line_first = false;
      }
      if (j >= off) break; /* the word being typed */
      i = j;
      continue;
    }
    i++;
  }
  cur->partial = off;
  while (cur->partial > cur->seg && word_char(t[cur->partial - 1])) cur->partial--;
}

/* The complete words of the statement before the word being typed, up to
 * max (a string counts as a word "\""); returns how many; *after_comma when
 * the last thing before the cursor is a comma. */
static int words_before(const LspAt *a, const Cursor *cur, char words[][64], int max, bool *after_comma) {
  int n = 0;
  *after_comma = false;
  for (uint32_t i = cur->seg; i < cur->partial;) {
    char ch = a->text[i];
    if (word_char(ch)) {
      uint32_t j = i;
      while (j < cur->partial && word_char(a->text[j])) j++;
      if (n < max) {
        size_t k = j - i < 63 ? j - i : 63;
        memcpy(words[n], a->text + i, k);
        words[n][k] = '\0';
      }
      n++;
      *after_comma = false;
      i = j;
      continue;
    }
    if (ch == '"') {
      uint32_t j = i + 1;
      while (j < cur->partial && a->text[j] != '"') j += a->text[j] == '\\' ? 2 : 1;
      if (n < max) strcpy(words[n], "\"");
      n++;
      *after_comma = false;
      i = j + 1;
      continue;
    }
    if (ch == ',') *after_comma = true;
    else if (ch != ' ' && ch != '\t' && ch != '\r') *after_comma = false;
    i++;
  }
  return n;
}

/* Whether word is written, as a whole word, in the cursor's statement (from
 * its start to the end of its line or block), the word at the cursor left
 * aside: a list does not offer a value twice. */
static bool written(const LspAt *a, const Cursor *cur, const char *word) {
  uint32_t end = cur->seg;
  while (end < a->len && a->text[end] != '\n' && a->text[end] != '}' && a->text[end] != '{') end++;
  uint32_t here_end = a->off;
  while (here_end < a->len && word_char(a->text[here_end])) here_end++;
  size_t n = strlen(word);
  for (uint32_t i = cur->seg; i < end;) {
    if (a->text[i] == '"') { /* a string is not a word */
      uint32_t j = i + 1;
      while (j < end && a->text[j] != '"') j += a->text[j] == '\\' ? 2 : 1;
      i = j + 1;
      continue;
    }
    if (!word_char(a->text[i])) {
      i++;
      continue;
    }
    uint32_t j = i;
    while (j < end && word_char(a->text[j])) j++;
    if (!(i == cur->partial && j == here_end) && j - i == n && memcmp(a->text + i, word, n) == 0) return true;
    i = j;
  }
  return false;
}

/* The word at the cursor (the one being typed, whole), in out (size n). */
static void word_at(const LspAt *a, const Cursor *cur, char *out, size_t n) {
  uint32_t end = a->off;
  while (end < a->len && word_char(a->text[end])) end++;
  size_t k = end - cur->partial < n - 1 ? end - cur->partial : 0;
  memcpy(out, a->text + cur->partial, k);
  out[k] = '\0';
}

static void add_item(json_t *items, const char *label, int kind, const char *detail, const char *doc) {
  json_t *it = json_pack("{s:s,s:i}", "label", label, "kind", kind);
  if (detail) json_object_set_new(it, "detail", json_string(detail));
  if (doc) json_object_set_new(it, "documentation", json_string(doc));
  json_array_append_new(items, it);
}

/* Appends s to b with snippet syntax's $, } and \ escaped. */
static void snippet_text(Buf *b, const char *s) {
  for (; *s; s++) {
    if (*s == '$' || *s == '}' || *s == '\\') buf_putc(b, '\\');
    buf_putc(b, *s);
  }
}

static void add_snippet(json_t *items, const char *label, const char *detail, const char *snippet) {
  json_array_append_new(items, json_pack("{s:s,s:i,s:s,s:s,s:i}", "label", label, "kind", CK_KEYWORD, "detail", detail,
                                         "insertText", snippet, "insertTextFormat", 2));
}

/* The declaration keywords, each with its required attributes, and use,
 * import and waive. */
static void top_level(json_t *items) {
  for (int k = 0; k < D_KIND_COUNT; k++) {
    const char *kw = ast_kind_name((DeclKind)k);
    Buf b = {0};
    int tab = 1;
    if (k == D_CHARTER) buf_printf(&b, "charter \"${%d:Title}\" {\n", tab++);
    else {
      buf_printf(&b, "%s ${%d:id} \"${%d:Title}\" {\n", kw, tab, tab + 1);
      tab += 2;
    }
    int n;
    const AttrSpec *specs = chk_specs((DeclKind)k, &n);
    for (int j = 0; j < n; j++) {
      if (!(specs[j].flags & A_REQUIRED)) continue;
      const char *ex = specs[j].example ? specs[j].example : specs[j].name;
      const char *sp = strchr(ex, ' ');
      buf_printf(&b, "  %s", specs[j].name);
      if (sp && (size_t)(sp - ex) == strlen(specs[j].name) && memcmp(ex, specs[j].name, (size_t)(sp - ex)) == 0) {
        buf_printf(&b, " ${%d:", tab++);
        snippet_text(&b, sp + 1);
        buf_putc(&b, '}');
      } else {
        buf_printf(&b, " ${%d}", tab++);
      }
      buf_putc(&b, '\n');
    }
    bool any = false;
    for (int j = 0; j < n; j++) any |= (specs[j].flags & A_REQUIRED) != 0;
    buf_puts(&b, any ? "}$0" : "  $0\n}");
    Buf d = {0};
    buf_printf(&d, "declare %s %s", ast_article(kw), kw);
    add_snippet(items, kw, buf_str(&d), buf_str(&b));
    buf_free(&b);
    buf_free(&d);
  }
  add_snippet(items, "use", "use a standard module", "use ${1:equity}$0");
  add_snippet(items, "import", "import another file", "import \"${1:file.charter}\"$0");
  add_snippet(items, "waive", "waive a rule everywhere", "waive ${1:rule_id} \"${2:reason}\"$0");
}

/* The standard modules but those the program uses already (the one being
 * typed over aside). */
static void module_names(json_t *items, const LspAt *a, const Cursor *cur) {
  char here[64];
  word_at(a, cur, here, sizeof here);
  for (const StdlibFile *m = charter_stdlib; m->name; m++) {
    bool used = false;
    for (int i = 0; i < a->p->modules.len && !used; i++)
      used = strcmp(a->p->modules.items[i], m->name) == 0 && strcmp(m->name, here) != 0;
    if (!used) add_item(items, m->name, CK_MODULE, "standard module", NULL);
  }
}

static void rule_ids(json_t *items, const Program *p) {
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind == D_RULE && d->id) add_item(items, d->id, CK_REFERENCE, d->title, NULL);
  }
}

/* The ids of the declarations of kinds, but those the statement holds
 * already when cur (a list) is given. */
static void decl_ids(json_t *items, const LspAt *a, const Cursor *cur, unsigned kinds) {
  const Program *p = a->p;
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->id && (kinds & (1u << d->kind)) && !(cur && written(a, cur, d->id)))
      add_item(items, d->id, CK_REFERENCE, d->title, NULL);
  }
}

/* The declaration of the document holding off, as last checked. */
static const Decl *decl_at(const LspAt *a) {
  for (int i = 0; i < a->p->decls.len; i++) {
    const Decl *d = a->p->decls.items[i];
    if (d->loc.file == a->file && d->loc.start <= a->off && a->off <= d->loc.end) return d;
  }
  return NULL;
}

static void attr_names(json_t *items, const LspAt *a, DeclKind kind) {
  int n;
  const AttrSpec *specs = chk_specs(kind, &n);
  const Decl *d = decl_at(a);
  if (d && d->kind != kind) d = NULL;
  for (int j = 0; j < n; j++) {
    bool present = false;
    if (!(specs[j].flags & (A_LIST | A_REPEAT)))
      for (int i = 0; d && i < d->nattrs; i++) {
        const Attr *at = d->attrs[i];
        bool here = at->name_loc.start <= a->off && a->off <= at->name_loc.end;
        if (!here && at->name && strcmp(at->name, specs[j].name) == 0) present = true;
      }
    if (present) continue;
    Buf doc = {0};
    buf_printf(&doc, "as in: %s", specs[j].example ? specs[j].example : specs[j].name);
    add_item(items, specs[j].name, CK_PROPERTY, specs[j].flags & A_REQUIRED ? "required" : NULL, buf_str(&doc));
    buf_free(&doc);
  }
}

json_t *lsp_completion(LspAt *a, LspErr *e) {
  (void)e;
  json_t *items = json_array();
  Cursor cur;
  scan_cursor(a, &cur);
  if (!cur.quiet) {
    char words[4][64];
    bool comma;
    int n = words_before(a, &cur, words, 4, &comma);
    if (cur.depth == 0) {
      if (n == 0) top_level(items);
      else if (n == 1 && strcmp(words[0], "use") == 0) module_names(items, a, &cur);
      else if (n == 1 && strcmp(words[0], "waive") == 0) rule_ids(items, a->p);
    } else if (cur.depth == 1) {
      int kind = ast_kind_from_name(cur.kw);
      if (kind >= 0 && n == 0) {
        attr_names(items, a, (DeclKind)kind);
      } else if (kind >= 0 && n >= 1) {
        int si = chk_spec_index((DeclKind)kind, words[0]);
        int ns;
        const AttrSpec *s = si >= 0 ? &chk_specs((DeclKind)kind, &ns)[si] : NULL;
        bool value_start = n == 1 || (comma && s && (s->flags & A_LIST));
        bool list = s && (s->flags & A_LIST);
        if (s && value_start && s->form == F_SYMBOL) {
          for (int i = 0; s->symbols[i]; i++)
            if (!(list && written(a, &cur, s->symbols[i])))
              add_item(items, s->symbols[i], CK_ENUM_MEMBER, s->name, NULL);
        } else if (s && value_start && s->form == F_REF) {
          decl_ids(items, a, list ? &cur : NULL, s->kinds);
        } else if (s && n == 1 && s->form == F_EQUITY) {
          decl_ids(items, a, NULL, KB_DIMENSION);
        } else if (s && n == 1 && s->form == F_WAIVE) {
          rule_ids(items, a->p);
        }
      }
    }
  }
  return json_pack("{s:b,s:o}", "isIncomplete", 0, "items", items);
}
