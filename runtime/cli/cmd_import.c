/* charter import: the arguments, then the import engine (runtime/import.c)
 * checks every row against the program and stores all files in one
 * transaction or none; this prints what it found or did. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "cli.h"
#include "escape.h"
#include "import.h"
#include "output.h"
#include "program.h"
#include "store.h"

/* ---- the command ---- */

/* what (a file name) is terminal text (escape.h). */
static void print_counts(const char *what, const ImportCounts *c) {
  esc_term_put(stdout, what);
  printf(": %ld row%s added, %ld replaced, %ld unchanged\n", c->added, c->added == 1 ? "" : "s", c->replaced,
         c->unchanged);
}

/* Checks the program and CSV file arguments (from optind on): EXIT_OK or
 * a usage error. */
static int check_args(const char *dbpath, int argc, char **argv) {
  if (optind >= argc)
    return usage_error("import", "which program? Give the entry file, then the CSV files, as in: charter import --db coalition.db coalition.charter data.csv");
  const char *prog = argv[optind];
  size_t plen = strlen(prog);
  if (plen < 8 || strcmp(prog + plen - 8, ".charter") != 0)
    return usage_error("import", "'%s' is not a program file: name the program's .charter file first, then the CSV files, as in: charter import --db %s coalition.charter %s",
                       prog, dbpath, prog);
  if (argc - optind < 2)
    return usage_error("import", "no CSV file given: name one or more after the program, as in: charter import --db %s %s data.csv",
                       dbpath, argv[optind]);
  char **files = argv + optind + 1;
  int nfiles = argc - optind - 1;
  for (int f = 0; f < nfiles; f++) {
    for (int g = 0; g < f; g++)
      if (strcmp(files[f], files[g]) == 0 || same_file(files[f], files[g]))
        return usage_error("import", "'%s' is given twice: name each CSV file once", files[f]);
    if (strcmp(files[f], "-") == 0)
      return usage_error("import", "import reads CSV files, not standard input: save the data to a file and name it");
    size_t n = strlen(files[f]);
    if (n >= 8 && strcmp(files[f] + n - 8, ".charter") == 0)
      return usage_error("import", "'%s' is a program file: import takes one program, then CSV files", files[f]);
  }
  return EXIT_OK;
}

/* Stores the checked rows into dbpath (a new store never through a link
 * out of entry's directory); EXIT_OK, or after saying why not EXIT_USAGE,
 * or EXIT_FINDINGS for a corrupt stored row. */
static int store_checked(Import *im, const char *dbpath, const char *entry, bool replace, ImportCounts *counts) {
  char err[1024];
  /* A new store is made inside the project unless --db says where outside:
   * never through a link the project holds. */
  struct stat st;
  if (stat(dbpath, &st) != 0) {
    char *root = output_root(entry);
    int refused = output_refuse_link(dbpath, root, "give --db the path of the store itself");
    free(root);
    if (refused != EXIT_OK) return refused;
  }
  Store *db = store_open(dbpath, STORE_WRITE, err, sizeof err);
  if (!db) {
    fputs("charter: ", stderr);
    esc_term_put(stderr, err);
    fputc('\n', stderr);
    return EXIT_USAGE;
  }
  StoreRc rc = import_store(im, db, replace, counts);
  Buf db_name = {0}, why = {0};
  esc_term_str(&db_name, dbpath);
  if (rc == STORE_BUSY)
    fprintf(stderr, "charter: '%s' is busy: another import has held it for over a minute; nothing was imported, try again\n", buf_str(&db_name));
  else if (rc == STORE_CORRUPT) {
    esc_term_str(&why, db->m->last_error(db));
    fprintf(stderr, "charter: '%s': %s\n", buf_str(&db_name), buf_str(&why));
  } else if (rc != STORE_OK) {
    esc_term_str(&why, db->m->last_error(db));
    fprintf(stderr, "charter: cannot write to '%s': %s; nothing was imported\n", buf_str(&db_name), buf_str(&why));
  }
  buf_free(&db_name);
  buf_free(&why);
  store_close(db);
  return rc == STORE_OK ? EXIT_OK : rc == STORE_CORRUPT ? EXIT_FINDINGS : EXIT_USAGE;
}

/* Prints each file's counts, and the total of several. */
static int print_summary(char **files, int nfiles, const ImportCounts *counts) {
  ImportCounts total = {0};
  for (int f = 0; f < nfiles; f++) {
    print_counts(files[f], &counts[f]);
    total.added += counts[f].added;
    total.replaced += counts[f].replaced;
    total.unchanged += counts[f].unchanged;
  }
  if (nfiles > 1) print_counts("in all", &total);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "charter: the measurements were stored, but the summary could not be written: %s\n", strerror(errno));
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* Loads the program, checks the files, stores them, prints what happened:
 * the exit status. */
static int import_files(const char *dbpath, const char *prog, char **files, int nfiles, bool replace,
                        const LoadOptions *lo) {
  Program *p = program_load(prog, lo);
  Import *im = NULL;
  ImportCounts *counts = xcalloc((size_t)nfiles, sizeof *counts);
  int status = program_refused(p, "imported");
  if (status != EXIT_OK) goto cleanup;
  im = import_new(p);
  char err[1024];
  if (!import_check(im, files, nfiles, err, sizeof err)) {
    fputs("charter: ", stderr);
    esc_term_put(stderr, err);
    fputc('\n', stderr);
    status = EXIT_USAGE;
    goto cleanup;
  }
  DiagList *diags = import_diags(im);
  bool color = color_wanted("auto");
  if (diags->nerrors == 0 && (status = store_checked(im, dbpath, prog, replace, counts)) != EXIT_OK) goto cleanup;
  if (diags->nerrors) {
    diag_sort(diags);
    diag_print_text(stderr, diags, import_srcs(im), (DiagStyle){color, 50, "(fix these and import again to see them)"});
    diag_print_summary(stderr, diags, color);
    fprintf(stderr, "charter: nothing imported: fix the errors above; the database is unchanged\n");
    status = EXIT_FINDINGS;
    goto cleanup;
  }
  if (diags->nwarnings) { /* stored all the same: a warning stops nothing */
    diag_sort(diags);
    diag_print_text(stderr, diags, import_srcs(im), (DiagStyle){color, 50, "(fix these and import again to see them)"});
    diag_print_summary(stderr, diags, color);
  }
  status = print_summary(files, nfiles, counts);
cleanup:
  free(counts);
  import_free(im);
  program_free(p);
  return status;
}

int cmd_import(int argc, char **argv) {
  static const struct option opts[] = {
      {"db", required_argument, NULL, 'd'},
      {"replace", no_argument, NULL, 'r'},
      {"root", required_argument, NULL, 'R'},
      {NULL, 0, NULL, 0},
  };
  const char *dbpath = NULL;
  bool replace = false;
  LoadOptions lo = {getenv("CHARTER_PATH"), NULL};
  optind = 1;
  opterr = 0;
  int ch, rc;
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 'd': dbpath = optarg; break;
    case 'r': replace = true; break;
    case 'R':
      if ((rc = root_option("import", optarg, &lo)) != EXIT_OK) return rc;
      break;
    default: return option_error("import", ch, argv);
    }
  }
  if (!dbpath) return usage_error("import", "import needs --db, the database to store into, as in --db coalition.db");
  if (!*dbpath) return usage_error("import", "--db needs a file name, as in --db coalition.db");
  int bad = check_args(dbpath, argc, argv);
  if (bad) return bad;
  return import_files(dbpath, argv[optind], argv + optind + 1, argc - optind - 1, replace, &lo);
}
