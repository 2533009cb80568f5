/* charter report: the coalition's plan and results as one HTML page, or as
 * markdown with its charts beside it (runtime/report.c; docs/report.md),
 * written whole or not at all. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "eval.h"
#include "i18n.h"
#include "interp.h"
#include "output.h"
#include "report.h"

/* What to do about -o (or the charts' folder) through a link out of the
 * project: report has no --follow-symlinks. */
#define REPORT_LINK_HELP "write the report to a file inside the project"

typedef struct ReportArgs {
  const char *output, *dbpath, *as_of_text, *entry;
  int32_t as_of;
  ReportFormat format;
  bool format_given;         /* --format, else -o's extension chooses */
  Lang lang;
  bool internal, no_disclosure;
  LoadOptions lo;
} ReportArgs;

static int report_args(int argc, char **argv, ReportArgs *ra) {
  static const struct option opts[] = {
      {"output", required_argument, NULL, 'o'},
      {"db", required_argument, NULL, 'd'},
      {"as-of", required_argument, NULL, 'a'},
      {"format", required_argument, NULL, 'f'},
      {"lang", required_argument, NULL, 'l'},
      {"audience", required_argument, NULL, 'u'},
      {"no-disclosure", no_argument, NULL, 'D'},
      {"root", required_argument, NULL, 'R'},
      {NULL, 0, NULL, 0},
  };
  *ra = (ReportArgs){.format = REPORT_HTML, .lang = LANG_EN, .lo = {getenv("CHARTER_PATH"), NULL}};
  int ch, bad;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
    switch (ch) {
    case 'o': ra->output = optarg; break;
    case 'd': ra->dbpath = optarg; break;
    case 'a': ra->as_of_text = optarg; break;
    case 'f':
      if (strcmp(optarg, "html") == 0) ra->format = REPORT_HTML;
      else if (strcmp(optarg, "md") == 0) ra->format = REPORT_MD;
      else return usage_error("report", "unknown format '%s': use html or md", optarg);
      ra->format_given = true;
      break;
    case 'l':
      if (!i18n_parse(optarg, &ra->lang))
        return usage_error("report", "charter does not write '%s': use --lang en (English) or --lang es (Spanish)",
                           optarg);
      break;
    case 'u':
      if (strcmp(optarg, "public") == 0) ra->internal = false;
      else if (strcmp(optarg, "internal") == 0) ra->internal = true;
      else return usage_error("report", "unknown audience '%s': use public or internal", optarg);
      break;
    case 'D': ra->no_disclosure = true; break;
    case 'R':
      if ((bad = root_option("report", optarg, &ra->lo)) != EXIT_OK) return bad;
      break;
    default: return option_error("report", ch, argv);
    }
  }
  if (ra->output && !*ra->output) return usage_error("report", "-o needs a file name, as in -o report.html");
  if (ra->output && strcmp(ra->output, "-") != 0) {
    /* the extension names the format: a report never lands in a data file */
    const char *ext = output_ext(ra->output);
    ReportFormat named = REPORT_HTML;
    if (!strcasecmp(ext, "md") || !strcasecmp(ext, "markdown")) named = REPORT_MD;
    else if (strcasecmp(ext, "html") && strcasecmp(ext, "htm"))
      return usage_error("report",
                         "cannot write the report to '%s': name it .html (a web page) or .md (markdown), "
                         "as in -o report.html",
                         ra->output);
    if (ra->format_given && named != ra->format)
      return usage_error("report", "-o '%s' names a %s file, but --format is %s: give one or the other", ra->output,
                         named == REPORT_MD ? "markdown" : "web page", ra->format == REPORT_MD ? "md" : "html");
    ra->format = named;
  }
  if (ra->format == REPORT_MD && (!ra->output || strcmp(ra->output, "-") == 0))
    return usage_error("report", "markdown needs a file, not standard output: its charts are written into a "
                                 "folder beside it, as in -o site/report.md");
  if (ra->output && strcmp(ra->output, "-") == 0) ra->output = NULL;
  ra->dbpath = store_default(ra->dbpath);
  if (ra->as_of_text && !ra->dbpath)
    return usage_error("report", "--as-of goes with --db: the results are read from the measurement store");
  if (ra->dbpath && !*ra->dbpath) return usage_error("report", "--db needs a file name, as in --db coalition.db");
  if (ra->no_disclosure && !ra->internal)
    return usage_error("report", "--no-disclosure shows small numbers, so it goes only with --audience internal "
                                 "(a report not for publication)");
  if (ra->no_disclosure && !ra->dbpath) return usage_error("report", "--no-disclosure goes with --db");
  if ((bad = parse_as_of("report", ra->as_of_text, &ra->as_of)) != EXIT_OK) return bad;
  return entry_operand("report", argc, argv, &ra->entry);
}


/* The folder of file (a new string): "." when it has none. */
static char *dir_of(const char *file) {
  const char *slash = strrchr(file, '/');
  if (!slash) return strdup(".");
  if (slash == file) return strdup("/");
  return strndup(file, (size_t)(slash - file));
}

/* Writes the markdown's charts into DIR/charts/, then the markdown. */
static int write_md(const Report *rep, const char *output, const char *root) {
  char *dir = dir_of(output);
  size_t n = strlen(dir) + 8;
  char *charts = malloc(n);
  snprintf(charts, n, "%s/charts", dir);
  int status = EXIT_OK;
  if (rep->nfiles && mkdir(charts, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "charter: cannot make the folder '%s' for the charts: %s\n", charts, strerror(errno));
    status = EXIT_USAGE;
  }
  for (int i = 0; i < rep->nfiles && status == EXIT_OK; i++) {
    size_t m = strlen(charts) + strlen(rep->files[i].name) + 2;
    char *path = malloc(m);
    snprintf(path, m, "%s/%s", charts, rep->files[i].name);
    const Buf *d = &rep->files[i].data;
    status = output_replace(path, d->data ? d->data : "", d->len, false, root, REPORT_LINK_HELP);
    free(path);
  }
  if (status == EXIT_OK)
    status = output_replace(output, rep->text.data ? rep->text.data : "", rep->text.len, false, root, REPORT_LINK_HELP);
  free(charts);
  free(dir);
  return status;
}

int cmd_report(int argc, char **argv) {
  ReportArgs ra;
  int status = report_args(argc, argv, &ra);
  if (status != EXIT_OK) return status;
  char err[1024];
  if (!i18n_use(ra.lang, err, sizeof err)) {
    fprintf(stderr, "charter: %s\n", err);
    return EXIT_USAGE;
  }
  Program *p = program_load(ra.entry, &ra.lo);
  EvalResult ev = {0};
  Report rep = {0};
  char *root = ra.output ? output_root(ra.entry) : NULL;
  if ((status = program_refused(p, "reported")) != EXIT_OK) goto cleanup;
  if (ra.output && ((ra.dbpath && same_file(ra.output, ra.dbpath)) || program_has_file(p, ra.output))) {
    fprintf(stderr,
            "charter: refusing to write over '%s': it is %s\n"
            "  help: name the report's own file, as in -o report.%s\n",
            ra.output, program_has_file(p, ra.output) ? "one of the program's files" : "the measurement store given to --db",
            ra.format == REPORT_MD ? "md" : "html");
    status = EXIT_USAGE;
    goto cleanup;
  }
  if (ra.output && (status = output_refuse_link(ra.output, root, REPORT_LINK_HELP)) != EXIT_OK) goto cleanup;
  if (ra.output) {
    char *dir = dir_of(ra.output);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
      fprintf(stderr, "charter: cannot write '%s': there is no folder '%s'\n  help: make it first (mkdir -p %s)\n",
              ra.output, dir, dir);
      free(dir);
      status = EXIT_USAGE;
      goto cleanup;
    }
    free(dir);
  }
  rules_run(p, NULL); /* the findings say what the plan still lacks */
  if (ra.dbpath) {
    EvalOptions eo = {.no_disclosure = ra.no_disclosure, .history = true};
    if (!eval_open_and_run_opts(p, ra.dbpath, ra.as_of, &eo, &ev, err, sizeof err)) {
      fprintf(stderr, "charter: %s\n", err);
      status = ev.corrupt ? EXIT_FINDINGS : EXIT_USAGE;
      goto cleanup;
    }
  }
  if (ra.dbpath) {
    int measured = 0;
    for (int i = 0; i < ev.n; i++) measured += ev.inds[i].nobs > 0;
    eval_warn_network(stderr, &ev);
    if (ev.n && !measured && !ev.nsilent)
      fprintf(stderr,
              "charter: warning: the store '%s' holds no measurement of this program's indicators up to the as-of "
              "day\n  help: check that it is this program's store, and --as-of; charter import fills it\n",
              ra.dbpath);
  }
  ReportOptions ro = {.format = ra.format, .internal = ra.internal, .ev = ra.dbpath ? &ev : NULL, .chart_dir = "charts"};
  report_build(p, &ro, &rep);
  if (ra.format == REPORT_MD) {
    status = write_md(&rep, ra.output, root);
  } else if (ra.output) {
    status = output_replace(ra.output, rep.text.data ? rep.text.data : "", rep.text.len, false, root, REPORT_LINK_HELP);
  } else if (fwrite(rep.text.data ? rep.text.data : "", 1, rep.text.len, stdout) != rep.text.len || fflush(stdout) != 0) {
    fprintf(stderr, "charter: cannot write the report to standard output: %s\n", strerror(errno));
    status = EXIT_USAGE;
  }
cleanup:
  free(root);
  report_free(&rep);
  eval_free(&ev);
  program_free(p);
  return status;
}
