/* charter render: a view of a checked program, drawn by the engine
 * (runtime/draw.c, libgvc) and written whole or not at all. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "draw.h"
#include "eval.h"
#include "output.h"
#include "render.h"
#include "suggest.h"

/* Lays out dot and renders it as format into *out (runtime/draw.c; cairo:
 * png or pdf, whose plugin loads on demand); 0 on success, else prints why
 * and returns 2. */
static int layout(const char *dot, const char *format, bool cairo, Buf *out) {
  Buf why = {0};
  DrawStatus drawn = draw_dot(dot, format, cairo, out, &why);
  if (drawn != DRAW_OK) {
    fprintf(stderr, "charter: %s\n", buf_str(&why));
    if (drawn == DRAW_NO_DEVICE)
      fputs("  help: install it (Debian: apt-get install libgvc6 graphviz), or use -T svg\n", stderr);
  }
  buf_free(&why);
  return drawn == DRAW_OK ? EXIT_OK : EXIT_USAGE;
}

/* True when file names one of the program's own files. */
static bool is_source(const Program *p, const char *file) {
  for (int i = 0; i < p->srcs.len; i++) {
    const Src *s = p->srcs.files[i];
    if (!s->is_stdlib && same_file(file, s->path)) return true;
  }
  return false;
}

/* The format a -T value or a file extension names, in any case ("gv" is
 * DOT's other extension), or NULL. */
static const char *format_named(const char *name) {
  static const char *const formats[] = {"svg", "png", "pdf", "dot"};
  for (int i = 0; i < 4; i++)
    if (strcasecmp(name, formats[i]) == 0) return formats[i];
  return strcasecmp(name, "gv") == 0 ? "dot" : NULL;
}

/* The extension of file's last component ("" when it has none: no dot,
 * or only a leading one, as in .hidden). */
static const char *extension_of(const char *file) {
  const char *base = strrchr(file, '/');
  base = base ? base + 1 : file;
  const char *dot = strrchr(base, '.');
  return dot && dot != base ? dot + 1 : "";
}

/* "there is no view 'x'; did you mean 'y'?" and the program's views. */
static void no_such_view(const Program *p, const char *view) {
  const char **names = xmalloc(((size_t)p->decls.len + 3) * sizeof *names);
  int n = render_view_names(p, names);
  Buf list = {0};
  for (int i = 0; i < n; i++) buf_printf(&list, "%s%s", i ? (i + 1 == n ? " and " : ", ") : "", names[i]);
  const char *best = suggest_best(view, names, n);
  if (best)
    fprintf(stderr, "charter: there is no view '%s'; did you mean '%s'?\n", view, best);
  else
    fprintf(stderr, "charter: there is no view '%s'\n", view);
  fprintf(stderr, "  note: this program's views are %s\n", buf_str(&list));
  buf_free(&list);
  free(names);
}

/* Whether output is the store or one of the program's files (saying so). */
static bool refused_output(const Program *p, const char *output, const char *dbpath, const char *format) {
  if (dbpath && same_file(output, dbpath)) {
    fprintf(stderr,
            "charter: refusing to write over '%s': it is the measurement store given to --db\n"
            "  help: name the drawing's own file, as in -o logic.%s\n",
            output, format);
    return true;
  }
  if (is_source(p, output)) {
    fprintf(stderr,
            "charter: refusing to write over '%s': it is one of the program's files\n"
            "  help: name the drawing's own file, as in -o logic.%s\n",
            output, format);
    return true;
  }
  return false;
}

/* Writes the drawing to output (NULL: standard output), confined to root
 * unless it is NULL; the exit status. */
static int write_drawing(const Buf *result, const char *output, const char *format, bool binary, const char *root) {
  const char *data = result->data ? result->data : "";
  if (output) return output_replace(output, data, result->len, binary, root, OUTPUT_FOLLOW_HELP);
  if (fwrite(data, 1, result->len, stdout) != result->len || fflush(stdout) != 0) {
    fprintf(stderr, "charter: cannot write the %s to standard output: %s\n", format, strerror(errno));
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* render's arguments, checked. */
typedef struct RenderArgs {
  const char *view, *format, *output, *dbpath, *as_of_text, *entry;
  int32_t as_of;             /* with dbpath: the day the overlay shows */
  bool binary;               /* png or pdf */
  bool follow_symlinks;      /* -o may lead out of the project through a link */
  long max_nodes, max_edges; /* the layout budget; 0: no limit */
  LoadOptions lo;            /* CHARTER_PATH and --root */
} RenderArgs;

/* --max-nodes or --max-edges N into *limit: a whole number, 0 for none. */
static int parse_limit(const char *option, const char *text, long *limit) {
  errno = 0;
  long v = *text && !text[strspn(text, "0123456789")] ? strtol(text, NULL, 10) : -1;
  if (v < 0 || errno)
    return usage_error("render", "%s needs a whole number (0: no limit), as in %s 5000, not '%s'", option, option,
                       text);
  *limit = v;
  return EXIT_OK;
}

/* n with thousands separators: 12,345. */
static const char *count_text(long n, char out[32]) {
  char digits[24];
  int len = snprintf(digits, sizeof digits, "%ld", n), k = 0;
  for (int i = 0; i < len; i++) {
    if (i > 0 && (len - i) % 3 == 0) out[k++] = ',';
    out[k++] = digits[i];
  }
  out[k] = '\0';
  return out;
}

/* Whether view v is bigger than the layout budget allows (saying so, with
 * the way to draw a part of it and the way to raise the limit). */
static bool over_budget(const Program *p, const View *v, const RenderArgs *ra) {
  RenderSize size = render_size(p, v);
  bool nodes = ra->max_nodes && size.nodes > ra->max_nodes;
  bool edges = ra->max_edges && size.edges > ra->max_edges;
  if (!nodes && !edges) return false;
  char a[32], b[32], c[32], d[32];
  fprintf(stderr, "charter: the view '%s' is too big to lay out: %s nodes and %s arrows; the limit is ", v->name,
          count_text(size.nodes, a), count_text(size.edges, b));
  if (ra->max_nodes && ra->max_edges)
    fprintf(stderr, "%s nodes and %s arrows\n", count_text(ra->max_nodes, c), count_text(ra->max_edges, d));
  else if (ra->max_nodes)
    fprintf(stderr, "%s nodes\n", count_text(ra->max_nodes, c));
  else
    fprintf(stderr, "%s arrows\n", count_text(ra->max_edges, d));
  const char *focus = render_focus_example(p);
  fprintf(stderr,
          "  help: draw a part of it: declare a view with focus, as in 'view strand \"One strand\" { focus %s }', "
          "and give --view strand\n",
          focus ? focus : "a_goal");
  fputs("  help: or raise the limit (a large layout can take minutes):", stderr);
  if (nodes) fprintf(stderr, " --max-nodes %ld", size.nodes);
  if (edges) fprintf(stderr, " --max-edges %ld", size.edges);
  fputs("\n", stderr);
  return true;
}

/* Reads and checks the arguments; EXIT_OK, or the status of a usage error
 * already printed. */
static int render_args(int argc, char **argv, RenderArgs *ra) {
  static const struct option opts[] = {
      {"view", required_argument, NULL, 'v'},
      {"format", required_argument, NULL, 'T'},
      {"output", required_argument, NULL, 'o'},
      {"db", required_argument, NULL, 'd'},
      {"as-of", required_argument, NULL, 'a'},
      {"max-nodes", required_argument, NULL, 'N'},
      {"max-edges", required_argument, NULL, 'E'},
      {"follow-symlinks", no_argument, NULL, 'F'},
      {"root", required_argument, NULL, 'R'},
      {NULL, 0, NULL, 0},
  };
  *ra = (RenderArgs){.view = "logic",
                     .max_nodes = RENDER_MAX_NODES,
                     .max_edges = RENDER_MAX_EDGES,
                     .lo = {getenv("CHARTER_PATH"), NULL}};
  int ch, bad;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":T:o:", opts, NULL)) != -1) {
    switch (ch) {
    case 'v': ra->view = optarg; break;
    case 'T': ra->format = optarg; break;
    case 'o': ra->output = optarg; break;
    case 'd': ra->dbpath = optarg; break;
    case 'a': ra->as_of_text = optarg; break;
    case 'N':
      if ((bad = parse_limit("--max-nodes", optarg, &ra->max_nodes))) return bad;
      break;
    case 'E':
      if ((bad = parse_limit("--max-edges", optarg, &ra->max_edges))) return bad;
      break;
    case 'F': ra->follow_symlinks = true; break;
    case 'R':
      if ((bad = root_option("render", optarg, &ra->lo)) != EXIT_OK) return bad;
      break;
    default: return option_error("render", ch, argv);
    }
  }
  if (ra->format) {
    const char *given = ra->format;
    ra->format = format_named(given);
    if (!ra->format) return usage_error("render", "unknown format '%s': use svg, png, pdf or dot", given);
  }
  if (!ra->format && ra->output && strcmp(ra->output, "-") != 0) {
    const char *ext = extension_of(ra->output);
    ra->format = *ext ? format_named(ext) : NULL;
    if (*ext && !ra->format)
      return usage_error("render",
                         "cannot draw '%s': charter writes svg, png, pdf or dot, not '%s'; "
                         "name the file .svg, .png, .pdf, .dot or .gv, or give -T",
                         ra->output, ext);
  }
  if (!ra->format) ra->format = "svg";
  if (ra->output && strcmp(ra->output, "-") == 0) ra->output = NULL;
  if (!*ra->view) return usage_error("render", "--view needs a view name, as in --view pathway");
  if (ra->as_of_text && !ra->dbpath)
    return usage_error("render", "--as-of goes with --db: the status overlay is drawn from the measurement store");
  if (ra->dbpath && !*ra->dbpath) return usage_error("render", "--db needs a file name, as in --db coalition.db");
  bad = parse_as_of("render", ra->as_of_text, &ra->as_of);
  if (bad) return bad;
  if (ra->output && !*ra->output) return usage_error("render", "-o needs a file name, as in -o logic.svg");
  if (ra->follow_symlinks && !ra->output)
    return usage_error("render", "--follow-symlinks goes with -o: it lets -o write through a symbolic link");
  if (optind >= argc)
    return usage_error("render", "which program? Give the entry file, as in: charter render coalition.charter");
  if (argc - optind > 1) return usage_error("render", "render takes one entry file; imported files are read with it");
  ra->entry = argv[optind];
  ra->binary = strcmp(ra->format, "png") == 0 || strcmp(ra->format, "pdf") == 0;
  if (!ra->output && ra->binary && isatty(STDOUT_FILENO))
    return usage_error("render", "%s is binary and standard output is a terminal; write it to a file with -o",
                       ra->format);
  return EXIT_OK;
}

int cmd_render(int argc, char **argv) {
  RenderArgs ra;
  int status = render_args(argc, argv, &ra);
  if (status != EXIT_OK) return status;
  Program *p = program_load(ra.entry, &ra.lo);
  Buf dot = {0}, out = {0};
  EvalResult ev = {0};
  View v;
  /* The project root: the entry file's directory; -o may not leave it
   * through a link the project holds. */
  char *root = ra.output && !ra.follow_symlinks ? output_root(ra.entry) : NULL;
  if ((status = program_refused(p, "rendered")) != EXIT_OK) goto cleanup;
  if (!render_find_view(p, ra.view, &v)) {
    no_such_view(p, ra.view);
    status = EXIT_USAGE;
    goto cleanup;
  }
  if (ra.output && refused_output(p, ra.output, ra.dbpath, ra.format)) {
    status = EXIT_USAGE;
    goto cleanup;
  }
  if (ra.output && (status = output_refuse_link(ra.output, root, OUTPUT_FOLLOW_HELP)) != EXIT_OK) goto cleanup;
  if (strcmp(ra.format, "dot") != 0 && over_budget(p, &v, &ra)) { /* DOT is not laid out */
    status = EXIT_USAGE;
    goto cleanup;
  }
  if (ra.dbpath) {
    char err[1024];
    if (!eval_open_and_run(p, ra.dbpath, ra.as_of, &ev, err, sizeof err)) {
      fprintf(stderr, "charter: %s\n", err);
      status = ev.corrupt ? EXIT_FINDINGS : EXIT_USAGE;
      goto cleanup;
    }
  }
  render_dot_status(p, &v, ra.dbpath ? &ev : NULL, &dot);
  const Buf *result = &dot;
  if (strcmp(ra.format, "dot") != 0) {
    status = layout(buf_str(&dot), ra.format, ra.binary, &out);
    result = &out;
  }
  if (status == EXIT_OK) status = write_drawing(result, ra.output, ra.format, ra.binary, root);
cleanup:
  free(root);
  eval_free(&ev);
  buf_free(&dot);
  buf_free(&out);
  program_free(p);
  return status;
}
