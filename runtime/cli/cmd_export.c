/* charter export: the checked model (and, with --db, its evaluation) as
 * JSON, a Kumu blueprint or CSV tables (runtime/export.c; docs/export.md),
 * written whole or not at all. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "eval.h"
#include "eval_json.h"
#include "export.h"
#include "interp.h"
#include "output.h"

/* What to do about -o through a link out of the project. */
#define EXPORT_LINK_HELP "write the export to a file or folder inside the project"

typedef enum Format { FMT_JSON, FMT_KUMU, FMT_CSV } Format;

typedef struct ExportArgs {
  const char *output, *dbpath, *as_of_text, *entry;
  int32_t as_of;
  Format format;
  bool no_disclosure, bom;
  LoadOptions lo;
} ExportArgs;

static int export_args(int argc, char **argv, ExportArgs *ea) {
  static const struct option opts[] = {
      {"output", required_argument, NULL, 'o'},
      {"db", required_argument, NULL, 'd'},
      {"as-of", required_argument, NULL, 'a'},
      {"format", required_argument, NULL, 'f'},
      {"no-disclosure", no_argument, NULL, 'D'},
      {"bom", no_argument, NULL, 'B'},
      {"root", required_argument, NULL, 'R'},
      {NULL, 0, NULL, 0},
  };
  *ea = (ExportArgs){.format = FMT_JSON, .lo = {getenv("CHARTER_PATH"), NULL}};
  int ch, bad;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":o:", opts, NULL)) != -1) {
    switch (ch) {
    case 'o': ea->output = optarg; break;
    case 'd': ea->dbpath = optarg; break;
    case 'a': ea->as_of_text = optarg; break;
    case 'f':
      if (strcmp(optarg, "json") == 0) ea->format = FMT_JSON;
      else if (strcmp(optarg, "kumu") == 0) ea->format = FMT_KUMU;
      else if (strcmp(optarg, "csv") == 0) ea->format = FMT_CSV;
      else return usage_error("export", "unknown format '%s': use json, kumu or csv", optarg);
      break;
    case 'D': ea->no_disclosure = true; break;
    case 'B': ea->bom = true; break;
    case 'R':
      if ((bad = root_option("export", optarg, &ea->lo)) != EXIT_OK) return bad;
      break;
    default: return option_error("export", ch, argv);
    }
  }
  if (ea->output && !*ea->output)
    return usage_error("export", ea->format == FMT_CSV ? "-o needs a folder, as in -o tables"
                                                       : "-o needs a file name, as in -o model.json");
  if (ea->format == FMT_CSV && (!ea->output || strcmp(ea->output, "-") == 0))
    return usage_error("export", "--format csv writes one file per table, so it needs a folder that exists: "
                                 "-o DIR, as in mkdir tables && charter export --format csv -o tables coalition.charter");
  if (ea->output && strcmp(ea->output, "-") == 0) ea->output = NULL;
  if (ea->output && ea->format != FMT_CSV) {
    if (strcasecmp(output_ext(ea->output), "json") != 0)
      return usage_error("export", "cannot write the export to '%s': name it .json, as in -o %s", ea->output,
                         ea->format == FMT_KUMU ? "map.json" : "model.json");
  }
  if (ea->bom && ea->format != FMT_CSV)
    return usage_error("export", "--bom is for --format csv (a byte-order mark for spreadsheets); JSON has none");
  ea->dbpath = store_default(ea->dbpath);
  if (ea->as_of_text && !ea->dbpath)
    return usage_error("export", "--as-of goes with --db: the results are read from the measurement store");
  if (ea->no_disclosure && !ea->dbpath) return usage_error("export", "--no-disclosure goes with --db");
  if (ea->dbpath && !*ea->dbpath) return usage_error("export", "--db needs a file name, as in --db coalition.db");
  if ((bad = parse_as_of("export", ea->as_of_text, &ea->as_of)) != EXIT_OK) return bad;
  return entry_operand("export", argc, argv, &ea->entry);
}

/* Refuses to write over the program's own files or the store; 0 or 2. */
static int refuse_own(const Program *p, const ExportArgs *ea, const char *file) {
  bool own = program_has_file(p, file);
  if (!own && !(ea->dbpath && same_file(file, ea->dbpath))) return EXIT_OK;
  fputs("charter: refusing to write over '", stderr);
  esc_term_put(stderr, file);
  fprintf(stderr, "': it is %s\n  help: give the export its own %s\n",
          own ? "one of the program's files" : "the measurement store given to --db",
          ea->format == FMT_CSV ? "folder, as in -o tables" : "file, as in -o model.json");
  return EXIT_USAGE;
}

static int fail(const char *what, const char *path, const char *help) {
  fputs("charter: ", stderr);
  fputs(what, stderr);
  fputs(" '", stderr);
  esc_term_put(stderr, path);
  fprintf(stderr, "'\n  help: %s\n", help);
  return EXIT_USAGE;
}

#define UTF8_BOM "\xef\xbb\xbf"

/* Whether the file at path begins with the header line of data (a table
 * an earlier export wrote), so that it may be replaced. */
static bool same_header(const char *path, const Buf *data) {
  size_t n = 0;
  while (n < data->len && data->data[n] != '\n') n++;
  n += n < data->len; /* the line end too */
  FILE *f = fopen(path, "rb");
  if (!f) return false;
  char *head = malloc(n + 1);
  size_t got = fread(head, 1, n < 3 ? n : 3, f);
  if (got == 3 && memcmp(head, UTF8_BOM, 3) == 0) got = 0; /* written with --bom */
  got += fread(head + got, 1, n - got, f);
  fclose(f);
  bool same = got == n && memcmp(head, data->data, n) == 0;
  free(head);
  return same;
}

/* Checks the folder and every file the tables go to before writing any. */
static int csv_check(const Program *p, const ExportArgs *ea, const ExportTables *tabs, const char *root) {
  struct stat st;
  int bad;
  if (lstat(ea->output, &st) != 0)
    return fail("cannot write the tables: there is no folder", ea->output, "make it first (mkdir -p DIR), then give it to -o");
  if (S_ISLNK(st.st_mode))
    return fail("refusing to write the tables through the symbolic link", ea->output,
                "give -o the folder itself, inside the project");
  if (!S_ISDIR(st.st_mode))
    return fail("cannot write the tables: -o names a file, not a folder:", ea->output,
                "--format csv writes one file per table into a folder: give -o a folder that exists");
  if ((bad = output_refuse_link(ea->output, root, EXPORT_LINK_HELP)) != EXIT_OK) return bad;
  for (int i = 0; i < tabs->n; i++) {
    size_t n = strlen(ea->output) + strlen(tabs->t[i].name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", ea->output, tabs->t[i].name);
    int rc = EXIT_OK;
    if (lstat(path, &st) == 0) {
      if (S_ISLNK(st.st_mode))
        rc = fail("refusing to write a table through the symbolic link", path, "remove the link, or give -o another folder");
      else if (!S_ISREG(st.st_mode))
        rc = fail("cannot write a table over", path, "it is not a regular file: give -o another folder");
      else if ((rc = refuse_own(p, ea, path)) == EXIT_OK && !same_header(path, &tabs->t[i].data))
        rc = fail("refusing to replace a file that charter export did not write:", path,
                  "its first line is not the table's header; give -o a folder of its own, as in -o tables");
    }
    free(path);
    if (rc != EXIT_OK) return rc;
  }
  return EXIT_OK;
}

static int write_csv(const ExportArgs *ea, const ExportTables *tabs, const char *root) {
  for (int i = 0; i < tabs->n; i++) {
    size_t n = strlen(ea->output) + strlen(tabs->t[i].name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", ea->output, tabs->t[i].name);
    const Buf *d = &tabs->t[i].data;
    const char *name = tabs->t[i].name;
    size_t nl = strlen(name);
    Buf bytes = {0};
    if (ea->bom && nl > 4 && strcmp(name + nl - 4, ".csv") == 0) buf_puts(&bytes, UTF8_BOM);
    buf_add(&bytes, d->data ? d->data : "", d->len);
    int rc = output_replace(path, buf_str(&bytes), bytes.len, false, root, EXPORT_LINK_HELP);
    buf_free(&bytes);
    free(path);
    if (rc != EXIT_OK) return rc;
  }
  return EXIT_OK;
}

/* Removes what an earlier export wrote into the folder that this one does
 * not write (evaluation.csv after an export without --db, the notice of a
 * --no-disclosure export): only regular files that begin with the header
 * of the table of that name, never a link, the program's files or the
 * store. Says each on standard error. */
static void remove_stale(const Program *p, const ExportArgs *ea, const ExportTables *tabs) {
  ExportTables all;
  export_csv_headers(&all);
  for (int i = 0; i < all.n; i++) {
    bool written = false;
    for (int k = 0; k < tabs->n; k++) written |= strcmp(tabs->t[k].name, all.t[i].name) == 0;
    if (written) continue;
    size_t n = strlen(ea->output) + strlen(all.t[i].name) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s", ea->output, all.t[i].name);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && !program_has_file(p, path) &&
        !(ea->dbpath && same_file(path, ea->dbpath)) && same_header(path, &all.t[i].data) && unlink(path) == 0) {
      fputs("charter: removed '", stderr);
      esc_term_put(stderr, path);
      fputs("': an earlier export wrote it and this one does not\n", stderr);
    }
    free(path);
  }
  export_tables_free(&all);
}

/* Checks -o FILE for json and kumu: not a folder, not the program's or the
 * store, not through a link out of the project, in a folder that exists. */
static int file_check(const Program *p, const ExportArgs *ea, const char *root) {
  struct stat st;
  int bad;
  if (stat(ea->output, &st) == 0 && S_ISDIR(st.st_mode))
    return fail("cannot write the export over the folder", ea->output, "give -o a file name, as in -o model.json");
  if ((bad = refuse_own(p, ea, ea->output)) != EXIT_OK) return bad;
  if ((bad = output_refuse_link(ea->output, root, EXPORT_LINK_HELP)) != EXIT_OK) return bad;
  const char *slash = strrchr(ea->output, '/');
  if (slash && slash != ea->output) {
    char *dir = strndup(ea->output, (size_t)(slash - ea->output));
    bool ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    if (!ok) bad = fail("cannot write the export: there is no folder", dir, "make it first (mkdir -p DIR)");
    free(dir);
    if (!ok) return bad;
  }
  return EXIT_OK;
}

int cmd_export(int argc, char **argv) {
  ExportArgs ea;
  int status = export_args(argc, argv, &ea);
  if (status != EXIT_OK) return status;
  Program *p = program_load(ea.entry, &ea.lo);
  EvalResult ev = {0};
  ExportTables tabs = {0};
  Buf out = {0};
  char *root = ea.output ? output_root(ea.entry) : NULL;
  char err[1024];
  if ((status = program_refused(p, "exported")) != EXIT_OK) goto cleanup;
  if (ea.output && ea.format != FMT_CSV && (status = file_check(p, &ea, root)) != EXIT_OK) goto cleanup;
  rules_run(p, NULL); /* their findings are part of the export */
  if (ea.dbpath) {
    EvalOptions eo = {.no_disclosure = ea.no_disclosure};
    if (!eval_open_and_run_opts(p, ea.dbpath, ea.as_of, &eo, &ev, err, sizeof err)) {
      fputs("charter: ", stderr);
      esc_term_put(stderr, err);
      fputc('\n', stderr);
      status = ev.corrupt ? EXIT_FINDINGS : EXIT_USAGE;
      goto cleanup;
    }
    if (ea.no_disclosure && ea.format != FMT_JSON) fprintf(stderr, "charter: %s\n", EVAL_NO_DISCLOSURE_NOTICE); /* json says it inside */
  }
  const EvalResult *evp = ea.dbpath ? &ev : NULL;
  if (ea.format == FMT_CSV) {
    export_csv(p, evp, &tabs);
    if ((status = csv_check(p, &ea, &tabs, root)) == EXIT_OK && (status = write_csv(&ea, &tabs, root)) == EXIT_OK)
      remove_stale(p, &ea, &tabs);
    goto cleanup;
  }
  if (ea.format == FMT_KUMU) export_kumu(p, evp, &out);
  else export_json(p, evp, &out);
  if (ea.output) status = output_replace(ea.output, buf_str(&out), out.len, false, root, EXPORT_LINK_HELP);
  else if (fwrite(buf_str(&out), 1, out.len, stdout) != out.len || fflush(stdout) != 0) {
    fprintf(stderr, "charter: cannot write the export to standard output: %s\n", strerror(errno));
    status = EXIT_USAGE;
  }
cleanup:
  free(root);
  buf_free(&out);
  export_tables_free(&tabs);
  eval_free(&ev);
  program_free(p);
  return status;
}
