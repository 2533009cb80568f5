/* charter diff: two versions of a program (files, or REV:PATH read from
 * git), checked and compared (runtime/diff.h), printed as text, markdown
 * for a pull request's comment, or JSON (docs/diff.md). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "diff.h"
#include "escape.h"
#include "json.h"
#include "model.h"
#include "program.h"
#include "store.h"
#include "suggest.h"

extern char **environ;

/* ---- git, through an argument vector ---- */

/* Runs argv (no shell) with standard input and error on /dev/null; its
 * standard output into out (NULL: /dev/null). The exit status, or -1 when
 * it could not start. */
static int run(char *const argv[], Buf *out) {
  int fds[2] = {-1, -1};
  if (out && pipe(fds) != 0) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  if (out) {
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    posix_spawn_file_actions_addclose(&fa, fds[1]);
  } else {
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid;
  int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (out) {
    close(fds[1]);
    if (rc == 0) {
      char b[4096];
      ssize_t n;
      while ((n = read(fds[0], b, sizeof b)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0) buf_add(out, b, (size_t)n);
    }
    close(fds[0]);
  }
  if (rc != 0) return -1;
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)ftw;
  return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* One side: a file, or REV:PATH extracted into a private folder. */
typedef struct Side {
  const char *arg;  /* as given */
  char *rev, *path; /* REV:PATH, else NULL */
  char tmp[PATH_MAX]; /* the private folder, or "" */
  char entry[PATH_MAX + 32];
  char root[2 * PATH_MAX]; /* --root mapped into the revision's files, or "" */
  Program *p;
} Side;

static void side_clean(Side *s) {
  if (s->tmp[0]) nftw(s->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
  s->tmp[0] = '\0';
  free(s->rev);
  free(s->path);
  if (s->p) program_free(s->p);
}

/* PATH of REV:PATH: relative, without "..", inside the repository. */
static bool path_ok(const char *p) {
  if (!*p || *p == '/') return false;
  for (const char *c = p; *c;) {
    size_t n = strcspn(c, "/");
    if (n == 2 && c[0] == '.' && c[1] == '.') return false;
    c += n;
    if (*c) c++;
  }
  return true;
}

/* The repository's top folder (real path) into top; false when git cannot
 * run (*why -1) or this is no repository (*why 1). */
static bool git_top(Buf *top, int *why) {
  char *rp[] = {"git", "rev-parse", "--show-toplevel", NULL};
  int rc = run(rp, top);
  if (rc != 0 || !top->len) {
    *why = rc < 0 ? -1 : 1;
    return false;
  }
  while (top->len && (top->data[top->len - 1] == '\n' || top->data[top->len - 1] == '\r')) top->data[--top->len] = '\0';
  char real[PATH_MAX];
  if (realpath(top->data, real)) {
    top->len = 0;
    buf_puts(top, real);
  }
  return true;
}

/* Whether rev names a commit of the repository at top. */
static bool rev_commit(const char *top, const char *rev) {
  char *spec = xmalloc(strlen(rev) + 10);
  sprintf(spec, "%s^{commit}", rev);
  char *vf[] = {"git", "-C", (char *)top, "rev-parse", "--verify", "--quiet", "--end-of-options", spec, NULL};
  int rc = run(vf, NULL);
  free(spec);
  return rc == 0;
}

/* Whether arg, the name of an existing file, also reads as REV:PATH of a
 * file in a commit of the repository (a decoy: which one was meant?). */
static bool also_rev_path(const char *arg, const char *colon) {
  char *rev = strndup(arg, (size_t)(colon - arg));
  const char *path = colon + 1;
  bool both = false;
  Buf top = {0};
  int why = 0;
  if (*rev && rev[0] != '-' && path_ok(path) && git_top(&top, &why) && rev_commit(top.data, rev)) {
    char *obj = xmalloc(strlen(rev) + strlen(path) + 16);
    sprintf(obj, "%s^{commit}:%s", rev, path);
    char *ce[] = {"git", "-C", top.data, "cat-file", "-e", obj, NULL};
    both = run(ce, NULL) == 0;
    free(obj);
  }
  buf_free(&top);
  free(rev);
  return both;
}

/* --root (a folder of the working tree) as the same folder of s's revision:
 * its path from the repository's top, in the extracted tree. */
static int side_root(Side *s, const char *top, const char *tree, const char *root) {
  char real[PATH_MAX];
  size_t n = strlen(top);
  if (!realpath(root, real) || strncmp(real, top, n) != 0 || (real[n] != '/' && real[n] != '\0'))
    return usage_error("diff", "--root '%s' is outside the repository, so it is no folder of revision '%s': give a folder inside the repository",
                       root, s->rev);
  snprintf(s->root, sizeof s->root, "%s%s", tree, real + n);
  return EXIT_OK;
}

/* Makes s->entry: the file itself, or REV's files extracted (and s->root:
 * root mapped into them). 0, or the exit status of the failure (its
 * message printed). */
static int side_prepare(Side *s, const char *root) {
  struct stat st;
  const char *colon = strchr(s->arg, ':');
  bool file = stat(s->arg, &st) == 0;
  if (!colon || strncmp(s->arg, "./", 2) == 0 || s->arg[0] == '/') { /* ./NAME: a file, whatever its name holds */
    snprintf(s->entry, sizeof s->entry, "%s", s->arg);
    return EXIT_OK;
  }
  if (file) {
    if (also_rev_path(s->arg, colon))
      return usage_error("diff", "'%s' is both a file and REV:PATH (a file of revision '%.*s'); rename the file, or write ./%s for the file",
                         s->arg, (int)(colon - s->arg), s->arg, s->arg);
    snprintf(s->entry, sizeof s->entry, "%s", s->arg);
    return EXIT_OK;
  }
  s->rev = strndup(s->arg, (size_t)(colon - s->arg));
  s->path = strdup(colon + 1);
  if (!*s->rev)
    return usage_error("diff", "'%s' names no revision: write REV:PATH, as in main:coalition.charter", s->arg);
  if (s->rev[0] == '-')
    return usage_error("diff", "the revision '%s' starts with '-': name a branch, tag or commit", s->rev);
  if (!path_ok(s->path))
    return usage_error("diff", "'%s' is not a path inside the repository: write it from the repository's top folder, without '..', as in %s:coalition.charter",
                       s->path, s->rev);
  Buf top = {0};
  int why = 0, rc;
  if (!git_top(&top, &why)) {
    buf_free(&top);
    return why < 0 ? usage_error("diff", "cannot run git to read '%s': is git installed?", s->arg)
                   : usage_error("diff", "'%s' names a revision, but this folder is not in a git repository", s->arg);
  }
  if (!rev_commit(top.data, s->rev)) {
    buf_free(&top);
    return usage_error("diff", "no revision '%s' in this repository: name a branch, tag or commit (git log lists them)",
                       s->rev);
  }
  const char *base = getenv("TMPDIR");
  snprintf(s->tmp, sizeof s->tmp, "%s/charter-diff.XXXXXX", base && *base ? base : "/tmp");
  if (!mkdtemp(s->tmp)) {
    s->tmp[0] = '\0';
    buf_free(&top);
    fprintf(stderr, "charter: cannot make a temporary folder: %s\n", strerror(errno));
    return EXIT_USAGE;
  }
  char abs[PATH_MAX]; /* git runs in the top folder: the paths it is given are absolute */
  if (realpath(s->tmp, abs)) snprintf(s->tmp, sizeof s->tmp, "%s", abs);
  char tar[PATH_MAX + 16], tree[PATH_MAX + 16];
  snprintf(tar, sizeof tar, "%s/rev.tar", s->tmp);
  snprintf(tree, sizeof tree, "%s/tree", s->tmp);
  char *lit = xmalloc(strlen(s->path) + 16);
  sprintf(lit, ":(literal)%s", s->path);
  char *ga[] = {"git",   "-C",  top.data,         "archive", "--format=tar", "-o", tar, "--end-of-options",
                s->rev, lit, ":(glob)**/*.charter", NULL};
  rc = run(ga, NULL);
  free(lit);
  if (rc != 0) buf_free(&top);
  if (rc != 0) return usage_error("diff", "revision '%s' has no file '%s' (the path is read from the repository's top folder)", s->rev, s->path);
  char *tx[] = {"tar", "-x", "-f", tar, "-C", tree, "--no-same-owner", "--no-same-permissions", NULL};
  if (mkdir(tree, 0700) != 0 || run(tx, NULL) != 0) {
    fprintf(stderr, "charter: cannot unpack the files of revision '%s' (is tar installed?)\n", s->rev);
    buf_free(&top);
    return EXIT_USAGE;
  }
  rc = root ? side_root(s, top.data, tree, root) : EXIT_OK;
  buf_free(&top);
  if (rc != EXIT_OK) return rc;
  snprintf(s->entry, sizeof s->entry, "%s/%s", tree, s->path);
  /* the entry must be a file of the revision: a link out of it is refused */
  char real[PATH_MAX], realtree[PATH_MAX];
  if (!realpath(tree, realtree) || !realpath(s->entry, real) || strncmp(real, realtree, strlen(realtree)) != 0 ||
      real[strlen(realtree)] != '/' || stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
    fprintf(stderr, "charter: '%s' is not a file of revision '%s' (a symbolic link out of the repository, or a folder): refused\n",
            s->path, s->rev);
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* text with the private folder's tree written as "REV:" (its files as
 * REV:PATH, the tree itself as REV:), in a (the side's program's arena). */
static const char *side_text(const Side *s, Arena *a, const char *text) {
  char tree[PATH_MAX + 16];
  size_t n = (size_t)snprintf(tree, sizeof tree, "%s/tree", s->tmp);
  if (!text || !strstr(text, tree)) return text;
  Buf b = {0};
  for (const char *c = text; *c;) {
    const char *hit = strstr(c, tree);
    if (!hit) {
      buf_puts(&b, c);
      break;
    }
    buf_add(&b, c, (size_t)(hit - c));
    buf_printf(&b, "%s:", s->rev);
    c = hit + n;
    if (*c == '/') c++;
  }
  const char *r = arena_strdup(a, buf_str(&b));
  buf_free(&b);
  return r;
}

/* A revision's paths as REV:PATH rather than the private folder's, in its
 * files' names and in its messages. */
static void side_paths(Side *s) {
  if (!s->tmp[0]) return;
  char tree[PATH_MAX + 16];
  size_t n = (size_t)snprintf(tree, sizeof tree, "%s/tree/", s->tmp);
  for (int i = 0; i < s->p->srcs.len; i++) {
    Src *src = s->p->srcs.files[i];
    if (src->path && strncmp(src->path, tree, n) == 0) {
      const char *was = src->path;
      src->path = xstrdup(arena_printf(&s->p->arena, "%s:%s", s->rev, was + n));
      free((char *)was);
    }
  }
  for (int i = 0; i < s->p->diags.items.len; i++) {
    Diag *d = s->p->diags.items.items[i];
    d->msg = side_text(s, &s->p->arena, d->msg);
    d->help = side_text(s, &s->p->arena, d->help);
    for (DiagNote *nt = d->notes; nt; nt = nt->next) nt->msg = side_text(s, &s->p->arena, nt->msg);
  }
}

/* ---- the store ---- */

static void saw(void *ctx, const StoreObs *obs) {
  (void)obs;
  *(bool *)ctx = true;
}
/* The coalition whose rows baseline_changed looks at: the new program's. */
static const char *diff_coalition;

static bool has_data(void *ctx, const char *indicator) {
  Store *st = ctx;
  bool found = false;
  if (!indicator) return false;
  st->m->series(st, diff_coalition, indicator, false, "9999-12-31", saw, &found);
  return found;
}

/* ---- printing ---- */

static const char *kind_word(const DiffChange *c, bool plural) {
  static const char *const one[] = {"charter block", "partner", "council", "dimension", "goal",
                                    "outcome", "indicator", "activity", "rule", "view"};
  static const char *const many[] = {"charter blocks", "partners", "councils", "dimensions", "goals",
                                     "outcomes", "indicators", "activities", "rules", "views"};
  if (c->subject == DS_USE) return plural ? "module uses" : "module use";
  if (c->subject == DS_WAIVER) return plural ? "program waivers" : "program waiver";
  return plural ? many[c->decl_kind] : one[c->decl_kind];
}

/* The summary: "3 changes: 1 target weakened, 1 activity added, …". */
static void summary(Buf *b, const Diff *d) {
  if (!d->nchanges) {
    buf_puts(b, "No changes");
    return;
  }
  buf_printf(b, "%d change%s:", d->nchanges, d->nchanges == 1 ? "" : "s");
  bool first = true;
  for (int c = 0; c < DC_FINDINGS; c++)
    if (d->nfound[c]) {
      buf_printf(b, "%s %d %s", first ? "" : ",", d->nfound[c], diff_class_words(c, d->nfound[c]));
      first = false;
    }
  if (d->unjudged) {
    buf_printf(b, "%s %d baseline%s changed (not judged)", first ? "" : ",", d->unjudged, d->unjudged == 1 ? "" : "s");
    first = false;
  }
  /* the changes without findings, by kind and subject */
  for (int k = DC_ADDED; k < DC_COUNT; k++)
    for (int s = 0; s < D_KIND_COUNT + 2; s++) {
      int n = 0;
      const DiffChange *ex = NULL;
      for (int i = 0; i < d->nchanges; i++) {
        const DiffChange *c = &d->changes[i];
        int cs = c->subject == DS_DECL ? c->decl_kind : D_KIND_COUNT + (c->subject == DS_USE ? 0 : 1);
        if ((int)c->kind == k && cs == s && !c->nfindings) n++, ex = c;
      }
      if (!n) continue;
      buf_printf(b, "%s %d %s %s", first ? "" : ",", n, kind_word(ex, n != 1), diff_class_name(k));
      first = false;
    }
}

/* Where: FILE:LINE:COL of loc in p. */
static void where(Buf *b, const Program *p, Loc loc) {
  Src *s = src_get(&p->srcs, loc.file);
  int line, col;
  src_linecol(s, loc.start, &line, &col);
  buf_printf(b, "%s:%d:%d", s->path, line, col);
}

static const Program *change_prog(const DiffChange *c, const Program *o, const Program *n, Loc *loc) {
  if (c->has_new) {
    *loc = c->new_loc;
    return n;
  }
  *loc = c->old_loc;
  return o;
}

/* "indicator employed \"People employed\"", "use equity", "waive ci_funder". */
static void name_of(Buf *b, const DiffChange *c) {
  if (c->subject == DS_USE) buf_printf(b, "use %s", c->id);
  else if (c->subject == DS_WAIVER) buf_printf(b, "waive %s", c->id);
  else {
    buf_puts(b, kind_word(c, false));
    if (c->decl_kind != D_CHARTER) buf_printf(b, " %s", c->id);
    if (c->title) buf_printf(b, " \"%s\"", c->title);
  }
}

/* The line in b, escaped for the terminal (a newline a title holds shown
 * as \n, not written), then emptied. */
static void put_line(FILE *out, Buf *b) {
  Buf e = {0};
  esc_term(&e, buf_str(b), b->len, 0);
  fputs(buf_str(&e), out);
  fputc('\n', out);
  buf_free(&e);
  buf_free(b);
}

static void print_text(FILE *out, const Diff *d, const Program *o, const Program *n) {
  Buf b = {0};
  summary(&b, d);
  buf_puts(&b, ".");
  put_line(out, &b);
  for (int i = 0; i < d->nchanges; i++) {
    const DiffChange *c = &d->changes[i];
    Loc loc;
    const Program *p = change_prog(c, o, n, &loc);
    where(&b, p, loc);
    buf_printf(&b, ": %s: ", diff_class_name(c->kind));
    name_of(&b, c);
    if (c->kind == DC_RENAMED) buf_printf(&b, " (was %s)", c->old_id);
    if (c->moved) {
      buf_puts(&b, " (moved from ");
      buf_puts(&b, src_get(&o->srcs, c->old_loc.file)->path);
      buf_puts(&b, ")");
    }
    put_line(out, &b);
    if (c->note) {
      buf_printf(&b, "  note: %s", c->note);
      put_line(out, &b);
    }
    for (int k = 0; k < c->nattrs; k++) {
      const DiffAttr *a = &c->attrs[k];
      buf_printf(&b, "  %s: %s -> %s", a->name, a->old_text ? a->old_text : "(none)",
                 a->new_text ? a->new_text : "(none)");
      put_line(out, &b);
    }
    for (int f = 0; f < d->nfindings; f++) {
      const DiffFinding *x = &d->findings[f];
      if (x->change != i) continue;
      buf_puts(&b, "  ");
      where(&b, x->on_new ? n : o, x->loc);
      buf_printf(&b, ": %s: %s", diff_class_name(x->cls), x->what);
      put_line(out, &b);
    }
  }
}

/* Program text for a markdown table cell: no HTML, no markup, no mention. */
static void md(Buf *b, const char *s) { esc_md(b, s, "\\`*_[]<>#|!~&{}@:", false); }

static void md_where(Buf *b, const Program *p, Loc loc) {
  Buf w = {0};
  where(&w, p, loc);
  md(b, buf_str(&w));
  buf_free(&w);
}

static void print_md(FILE *out, const Diff *d, const Program *o, const Program *n) {
  Buf b = {0}, s = {0};
  summary(&s, d);
  buf_puts(&b, "**charter diff**: ");
  buf_puts(&b, buf_str(&s)); /* charter's own words */
  buf_puts(&b, ".\n");
  buf_free(&s);
  bool any = false;
  for (int f = 0; f < d->nfindings; f++) {
    const DiffFinding *x = &d->findings[f];
    const DiffChange *c = &d->changes[x->change];
    if (!any)
      buf_puts(&b, "\n| Finding | Declaration | What | Where |\n|---|---|---|---|\n"), any = true;
    buf_printf(&b, "| %s%s (%s) | ", diff_class_words(x->cls, 1), x->judged ? "" : ", not judged",
               diff_class_name(x->cls));
    Buf nm = {0};
    name_of(&nm, c);
    md(&b, buf_str(&nm));
    buf_free(&nm);
    buf_puts(&b, " | ");
    md(&b, x->what);
    buf_puts(&b, " | ");
    md_where(&b, x->on_new ? n : o, x->loc);
    buf_puts(&b, " |\n");
  }
  for (int i = 0; i < d->nchanges; i++) {
    const DiffChange *c = &d->changes[i];
    Loc loc;
    const Program *p = change_prog(c, o, n, &loc);
    Buf nm = {0};
    name_of(&nm, c);
    if (c->kind == DC_RENAMED) buf_printf(&nm, " (was %s)", c->old_id);
    if (c->moved) buf_printf(&nm, " (moved from %s)", src_get(&o->srcs, c->old_loc.file)->path);
    buf_printf(&b, "\n<details><summary>%s: ", diff_class_name(c->kind));
    md(&b, buf_str(&nm));
    buf_puts(&b, " at ");
    md_where(&b, p, loc);
    buf_puts(&b, "</summary>\n\n");
    buf_free(&nm);
    if (c->note) {
      buf_puts(&b, "Note: ");
      md(&b, c->note);
      buf_puts(&b, ".\n\n");
    }
    if (c->nattrs) {
      buf_puts(&b, "| Attribute | Before | After |\n|---|---|---|\n");
      for (int k = 0; k < c->nattrs; k++) {
        const DiffAttr *a = &c->attrs[k];
        buf_puts(&b, "| ");
        md(&b, a->name);
        buf_puts(&b, " | ");
        if (a->old_text) md(&b, a->old_text);
        else buf_puts(&b, "(none)");
        buf_puts(&b, " | ");
        if (a->new_text) md(&b, a->new_text);
        else buf_puts(&b, "(none)");
        buf_puts(&b, " |\n");
      }
    } else {
      buf_printf(&b, "%s.\n", c->kind == DC_ADDED ? "Added" : c->kind == DC_REMOVED ? "Removed" : "Renamed; the content is the same");
    }
    buf_puts(&b, "\n</details>\n");
  }
  fputs(buf_str(&b), out);
  buf_free(&b);
}

static void json_loc(Buf *b, const Program *p, Loc loc) {
  Src *s = src_get(&p->srcs, loc.file);
  int line, col;
  src_linecol(s, loc.start, &line, &col);
  buf_puts(b, "{\"file\":");
  json_str_or_empty(b, s->path);
  buf_printf(b, ",\"line\":%d,\"column\":%d}", line, col);
}

static const char *subject_name(DiffSubject s) {
  return s == DS_DECL ? "declaration" : s == DS_USE ? "use" : "waiver";
}

static void print_json(FILE *out, const Diff *d, const Program *o, const Program *n, const char *oa, const char *na) {
  Buf b = {0}, s = {0};
  summary(&s, d);
  buf_puts(&b, "{\"old\":");
  json_str_or_empty(&b, oa);
  buf_puts(&b, ",\"new\":");
  json_str_or_empty(&b, na);
  buf_puts(&b, ",\"summary\":");
  json_str_or_empty(&b, buf_str(&s));
  buf_free(&s);
  buf_puts(&b, ",\"counts\":{");
  for (int c = 0; c < DC_COUNT; c++) buf_printf(&b, "%s\"%s\":%d", c ? "," : "", diff_class_name(c), d->nfound[c]);
  buf_printf(&b, ",\"not_judged\":%d},\"findings\":[", d->unjudged);
  for (int f = 0; f < d->nfindings; f++) {
    const DiffFinding *x = &d->findings[f];
    const DiffChange *c = &d->changes[x->change];
    buf_printf(&b, "%s{\"id\":\"%s\",\"change\":%d,\"subject\":\"%s\",\"name\":", f ? "," : "",
               diff_class_name(x->cls), x->change, subject_name(c->subject));
    json_str_or_empty(&b, c->id);
    buf_puts(&b, ",\"attribute\":");
    json_str_or_null(&b, x->attr);
    buf_puts(&b, ",\"message\":");
    json_str_or_empty(&b, x->what);
    buf_printf(&b, ",\"judged\":%s,\"side\":\"%s\",\"location\":", x->judged ? "true" : "false",
               x->on_new ? "new" : "old");
    json_loc(&b, x->on_new ? n : o, x->loc);
    buf_putc(&b, '}');
  }
  buf_puts(&b, "],\"changes\":[");
  for (int i = 0; i < d->nchanges; i++) {
    const DiffChange *c = &d->changes[i];
    buf_printf(&b, "%s{\"change\":\"%s\",\"subject\":\"%s\",\"kind\":", i ? "," : "", diff_class_name(c->kind),
               subject_name(c->subject));
    if (c->subject == DS_DECL) json_str_or_empty(&b, kind_word(c, false));
    else json_put_null(&b);
    buf_puts(&b, ",\"name\":");
    json_str_or_empty(&b, c->id);
    buf_puts(&b, ",\"old_name\":");
    json_str_or_null(&b, c->old_id);
    buf_puts(&b, ",\"title\":");
    json_str_or_null(&b, c->title);
    buf_puts(&b, ",\"note\":");
    json_str_or_null(&b, c->note);
    buf_printf(&b, ",\"moved\":%s,\"old\":", c->moved ? "true" : "false");
    if (c->has_old) json_loc(&b, o, c->old_loc);
    else json_put_null(&b);
    buf_puts(&b, ",\"new\":");
    if (c->has_new) json_loc(&b, n, c->new_loc);
    else json_put_null(&b);
    buf_puts(&b, ",\"attributes\":[");
    for (int k = 0; k < c->nattrs; k++) {
      const DiffAttr *a = &c->attrs[k];
      buf_puts(&b, k ? ",{\"name\":" : "{\"name\":");
      json_str_or_empty(&b, a->name);
      buf_puts(&b, ",\"old\":");
      json_str_or_null(&b, a->old_text);
      buf_puts(&b, ",\"new\":");
      json_str_or_null(&b, a->new_text);
      buf_putc(&b, '}');
    }
    buf_puts(&b, "]}");
  }
  buf_puts(&b, "]}\n");
  fputs(buf_str(&b), out);
  buf_free(&b);
}

/* ---- the command ---- */

static int parse_fail_on(const char *list, bool want[DC_COUNT]) {
  const char *s = list;
  for (;;) {
    size_t n = strcspn(s, ","), skip = 0;
    while (skip < n && (s[skip] == ' ' || s[skip] == '\t')) skip++;
    const char *next = s + n;
    s += skip, n -= skip;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    int c = diff_class_from_name(s, n);
    if (c < 0 || c >= DC_FINDINGS) {
      char *word = strndup(s, n);
      const char *names[DC_FINDINGS];
      for (int i = 0; i < DC_FINDINGS; i++) names[i] = diff_class_name(i);
      const char *best = suggest_best(word, names, DC_FINDINGS);
      int rc = n == 0 ? usage_error("diff", "--fail-on has an empty id: list ids separated by commas, as in --fail-on target_weakened,module_dropped")
               : best ? usage_error("diff", "--fail-on: unknown id '%s'; did you mean '%s'?", word, best)
                      : usage_error("diff", "--fail-on: unknown id '%s': the ids are target_weakened, equity_weakened, community_owner_removed, metric_removed, indicator_removed, baseline_changed, rule_waived, module_dropped and council_power_reduced", word);
      free(word);
      return rc;
    }
    want[c] = true;
    if (!*next) return EXIT_OK;
    s = next + 1;
  }
}

static int load_side(Side *s, const LoadOptions *lo, const char *which) {
  LoadOptions mine = *lo;
  if (s->tmp[0] && lo->root) mine.root = s->root;
  s->p = program_load(s->entry, &mine);
  side_paths(s);
  if (!s->p->entry_unreadable && !s->p->diags.nerrors) return EXIT_OK;
  diag_sort(&s->p->diags);
  diag_print_text(stderr, &s->p->diags, &s->p->srcs, (DiagStyle){false, 50, NULL});
  if (s->p->entry_unreadable) return EXIT_USAGE;
  diag_print_summary(stderr, &s->p->diags, false);
  fprintf(stderr, "charter: the %s program (", which);
  esc_term_put(stderr, s->arg);
  fputs(") has errors: nothing compared; fix them first\n", stderr);
  return EXIT_FINDINGS;
}

int cmd_diff(int argc, char **argv) {
  static const struct option opts[] = {
      {"format", required_argument, NULL, 'f'},
      {"fail-on", required_argument, NULL, 'F'},
      {"db", required_argument, NULL, 'd'},
      {"root", required_argument, NULL, 'R'},
      {NULL, 0, NULL, 0},
  };
  const char *format = "text", *db = NULL;
  bool fail_on[DC_COUNT] = {0};
  LoadOptions lo = {getenv("CHARTER_PATH"), NULL};
  optind = 1;
  opterr = 0;
  int ch, rc;
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 'f': format = optarg; break;
    case 'F':
      if ((rc = parse_fail_on(optarg, fail_on)) != EXIT_OK) return rc;
      break;
    case 'd': db = optarg; break;
    case 'R':
      if ((rc = root_option("diff", optarg, &lo)) != EXIT_OK) return rc;
      break;
    default: return option_error("diff", ch, argv);
    }
  }
  if (strcmp(format, "text") && strcmp(format, "md") && strcmp(format, "json"))
    return usage_error("diff", "unknown format '%s': use text, md or json", format);
  if (argc - optind != 2)
    return usage_error("diff", "diff takes two programs, the old and the new, as in: charter diff main:coalition.charter coalition.charter");

  Store *store = NULL;
  db = store_default(db);
  if (db) {
    char err[512];
    store = store_open(db, STORE_READ, "", err, sizeof err);
    if (!store) {
      fputs("charter: ", stderr);
      esc_term_put(stderr, err);
      fputc('\n', stderr);
      return EXIT_USAGE;
    }
    if (store->m->begin(store, false) != STORE_OK) {
      fputs("charter: cannot read the store: ", stderr);
      esc_term_put(stderr, store->m->last_error(store));
      fputc('\n', stderr);
      store_close(store);
      return EXIT_USAGE;
    }
  }
  Side o = {.arg = argv[optind]}, n = {.arg = argv[optind + 1]};
  /* a reader that stops early (| head) ends the output, not the command:
   * the private folders are still removed */
  signal(SIGPIPE, SIG_IGN);
  int status = side_prepare(&o, lo.root);
  if (status == EXIT_OK) status = side_prepare(&n, lo.root);
  if (status == EXIT_OK) {
    int so = load_side(&o, &lo, "old");
    int sn = so == EXIT_USAGE ? so : load_side(&n, &lo, "new");
    status = so > sn ? so : sn;
  }
  if (status == EXIT_OK) {
    diff_coalition = program_coalition(n.p);
    DiffOptions dopt = {store ? has_data : NULL, store};
    Diff d;
    diff_programs(o.p, n.p, &dopt, &d);
    if (strcmp(format, "text") == 0) print_text(stdout, &d, o.p, n.p);
    else if (strcmp(format, "md") == 0) print_md(stdout, &d, o.p, n.p);
    else print_json(stdout, &d, o.p, n.p, o.arg, n.arg);
    int named = 0;
    Buf why = {0};
    for (int c = 0; c < DC_FINDINGS; c++)
      if (fail_on[c] && d.nfound[c]) {
        status = EXIT_FINDINGS;
        named += d.nfound[c];
        buf_printf(&why, "%s%s (%d)", why.len ? ", " : "", diff_class_name(c), d.nfound[c]);
      }
    diff_free(&d);
    if (fflush(stdout) != 0 || ferror(stdout)) {
      if (errno != EPIPE) fprintf(stderr, "charter: cannot write the comparison: %s\n", strerror(errno));
      status = EXIT_USAGE;
    } else if (status == EXIT_FINDINGS)
      fprintf(stderr, "charter diff: %d finding%s named in --fail-on: %s\n", named, named == 1 ? "" : "s", buf_str(&why));
    buf_free(&why);
  }
  side_clean(&o);
  side_clean(&n);
  if (store) {
    store->m->rollback(store);
    store_close(store);
  }
  return status;
}
