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
static int layout(const char *dot, const char *format, bool cairo, Buf *out, DrawSize *natural) {
  Buf why = {0};
  DrawStatus drawn = draw_dot_sized(dot, format, cairo, out, &why, natural);
  if (drawn != DRAW_OK) {
    fprintf(stderr, "charter: %s\n", buf_str(&why));
    if (drawn == DRAW_NO_DEVICE)
      fputs("  help: install it (Debian: apt-get install libgvc6 graphviz), or use -T svg\n", stderr);
  }
  buf_free(&why);
  return drawn == DRAW_OK ? EXIT_OK : EXIT_USAGE;
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
  if (program_has_file(p, output)) {
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

/* The pages of --page, in inches, portrait. */
static const struct Page {
  const char *name, *title;
  double width, height;
} pages[] = {
    {"letter", "a Letter", 8.5, 11},
    {"a4", "an A4", 210 / 25.4, 297 / 25.4},
    {"legal", "a Legal", 8.5, 14},
};
enum { PAGE_PAD = 30 };        /* the graph's pad, 0.3 in, in hundredths of an inch */
#define MIN_TEXT_PT 7.0        /* the smallest text a page may scale to (docs/render.md) */
#define DEFAULT_MARGIN_IN 0.5

/* render's arguments, checked. */
typedef struct RenderArgs {
  const char *view, *format, *output, *dbpath, *as_of_text, *entry;
  int32_t as_of;             /* with dbpath: the day the overlay shows */
  bool binary;               /* png or pdf */
  bool follow_symlinks;      /* -o may lead out of the project through a link */
  const struct Page *page;   /* --page, or NULL */
  int orientation;           /* 0 none given, 'p' --portrait, 'l' --landscape */
  const char *margin_text;   /* --margin as given, or NULL */
  double margin;             /* inches */
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

/* --margin LENGTH into *inches: a number and its unit (in, mm, cm, pt). */
static int parse_margin(const char *text, double *inches) {
  static const struct {
    const char *unit;
    double per_inch;
  } units[] = {{"in", 1}, {"mm", 25.4}, {"cm", 2.54}, {"pt", 72}};
  char *end;
  errno = 0;
  double v = strtod(text, &end);
  if (end != text && !errno && v >= 0 && v < 1000 && (*text >= '0' && *text <= '9'))
    for (size_t i = 0; i < sizeof units / sizeof *units; i++)
      if (strcmp(end, units[i].unit) == 0) {
        *inches = v / units[i].per_inch;
        return EXIT_OK;
      }
  return usage_error("render", "--margin needs a length with its unit (in, mm, cm or pt), as in --margin 0.5in or 12mm, not '%s'",
                     text);
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

/* The area the drawing may fill on the page (inches): the page, turned
 * when landscape, less the margins. */
static void page_area(const RenderArgs *ra, bool landscape, double *w, double *h) {
  double pw = landscape ? ra->page->height : ra->page->width, ph = landscape ? ra->page->width : ra->page->height;
  *w = pw - 2 * ra->margin; /* Graphviz's size holds the pad too */
  *h = ph - 2 * ra->margin;
}

/* How much a drawing of natural size (points, without the pad) is scaled on a page area of
 * w by h inches: at most 1. */
static double fit_scale(DrawSize natural, double w, double h) {
  double s = 1;
  natural.width += 2 * PAGE_PAD * 72 / 100.0; /* the pad, on each side */
  natural.height += 2 * PAGE_PAD * 72 / 100.0;
  if (natural.width > 0 && w * 72 / natural.width < s) s = w * 72 / natural.width;
  if (natural.height > 0 && h * 72 / natural.height < s) s = h * 72 / natural.height;
  return s;
}

/* Warns when the page scales the drawing's smallest text below
 * MIN_TEXT_PT: how small, and the ways out (the other orientation when it
 * does better, views with focus that draw a part each). */
static void warn_small_text(const Program *p, const View *v, const RenderArgs *ra, const char *dot, DrawSize natural) {
  bool landscape = ra->orientation == 'l';
  double w, h;
  page_area(ra, landscape, &w, &h);
  double scale = fit_scale(natural, w, h), least = render_smallest_text(dot) * scale;
  if (least <= 0 || least >= MIN_TEXT_PT) return;
  char margin[32];
  snprintf(margin, sizeof margin, "%s", ra->margin_text ? ra->margin_text : "0.5in");
  fprintf(stderr,
          "charter: warning: on %s page (%s, margins %s) the drawing is scaled to %.0f%%: its smallest text is %.1f pt, "
          "below %.0f pt\n",
          ra->page->title, landscape ? "landscape" : "portrait", margin, scale * 100, least, MIN_TEXT_PT);
  page_area(ra, !landscape, &w, &h);
  double turned = fit_scale(natural, w, h);
  bool turn = turned > scale * 1.05;
  if (turn)
    fprintf(stderr, "  help: %s fits it at %.0f%%\n", landscape ? "--portrait" : "--landscape", turned * 100);
  const Decl *parts[4];
  int n = render_split_suggestions(p, v, parts, 4);
  if (n >= 2) {
    fprintf(stderr,
            "  help: %sdraw it in parts: declare a view with focus for each, as in "
            "'view %s_part \"…\" { diagram %s; focus %s }' and --view %s_part; one each for ",
            turn ? "or " : "", parts[0]->id, v->diagram == DG_PATHWAY ? "pathway" : v->diagram == DG_ACCOUNTABILITY ? "accountability" : "logic",
            parts[0]->id, parts[0]->id);
    for (int i = 0; i < n; i++) fprintf(stderr, "%s%s", i ? (i + 1 == n ? " and " : ", ") : "", parts[i]->id);
    fputs("\n", stderr);
  }
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
      {"page", required_argument, NULL, 'P'},
      {"landscape", no_argument, NULL, 'L'},
      {"portrait", no_argument, NULL, 'O'},
      {"margin", required_argument, NULL, 'M'},
      {"root", required_argument, NULL, 'R'},
      {NULL, 0, NULL, 0},
  };
  *ra = (RenderArgs){.view = "logic",
                     .margin = DEFAULT_MARGIN_IN,
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
    case 'P':
      ra->page = NULL;
      for (size_t i = 0; i < sizeof pages / sizeof *pages; i++)
        if (strcasecmp(optarg, pages[i].name) == 0) ra->page = &pages[i];
      if (!ra->page) return usage_error("render", "unknown page '%s': use letter, a4 or legal", optarg);
      break;
    case 'L':
    case 'O':
      if (ra->orientation && ra->orientation != (ch == 'L' ? 'l' : 'p'))
        return usage_error("render", "--landscape and --portrait go one at a time");
      ra->orientation = ch == 'L' ? 'l' : 'p';
      break;
    case 'M':
      if ((bad = parse_margin(optarg, &ra->margin))) return bad;
      ra->margin_text = optarg;
      break;
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
  ra->dbpath = store_default(ra->dbpath);
  if (ra->as_of_text && !ra->dbpath)
    return usage_error("render", "--as-of goes with --db: the status overlay is drawn from the measurement store");
  if (ra->dbpath && !*ra->dbpath) return usage_error("render", "--db needs a file name, as in --db coalition.db");
  bad = parse_as_of("render", ra->as_of_text, &ra->as_of);
  if (bad) return bad;
  if (ra->output && !*ra->output) return usage_error("render", "-o needs a file name, as in -o logic.svg");
  if (ra->follow_symlinks && !ra->output)
    return usage_error("render", "--follow-symlinks goes with -o: it lets -o write through a symbolic link");
  if (!ra->page && (ra->orientation || ra->margin_text))
    return usage_error("render", "%s goes with --page: it lays the drawing out on a page, as in --page letter %s",
                       ra->orientation == 'l' ? "--landscape" : ra->orientation == 'p' ? "--portrait" : "--margin",
                       ra->orientation == 'l' ? "--landscape" : ra->orientation == 'p' ? "--portrait" : "--margin 0.5in");
  if (ra->page) {
    double w, h;
    page_area(ra, ra->orientation == 'l', &w, &h);
    if (w < 1 || h < 1)
      return usage_error("render", "--margin %s leaves less than an inch of %s page to draw on", ra->margin_text,
                         ra->page->title);
  }
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
  if (ra.page) page_area(&ra, ra.orientation == 'l', &v.fit_width, &v.fit_height);
  render_dot_status(p, &v, ra.dbpath ? &ev : NULL, &dot);
  const Buf *result = &dot;
  if (strcmp(ra.format, "dot") != 0) {
    DrawSize natural = {0, 0};
    status = layout(buf_str(&dot), ra.format, ra.binary, &out, &natural);
    result = &out;
    if (status == EXIT_OK && ra.page) warn_small_text(p, &v, &ra, buf_str(&dot), natural);
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
