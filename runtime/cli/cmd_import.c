/* charter import: the arguments, then the import engine (runtime/import.c)
 * checks every row against the program and stores all files in one
 * transaction or none; this prints what it found or did. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "import.h"
#include "model.h"
#include "output.h"
#include "program.h"
#include "store.h"

/* ---- the command ---- */

/* what (a file name) is terminal text (escape.h). */
static void print_counts(const char *what, const ImportCounts *c, bool dry) {
  esc_term_put(stdout, what);
  if (dry)
    printf(": %ld row%s to add, %ld to replace, %ld unchanged\n", c->added, c->added == 1 ? "" : "s", c->replaced,
           c->unchanged);
  else
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
static int store_checked(Import *im, const char *dbpath, const char *entry, const char *coalition, bool replace, bool dry,
                         ImportCounts *counts) {
  char err[1024];
  /* A new store is made inside the project unless --db says where outside:
   * never through a link the project holds. A dry run makes none: it
   * checks against an empty store in memory, and an existing store must be
   * of the current schema (migrating it would write). */
  bool exists = store_exists(dbpath);
  if (dry && exists) {
    Store *r = store_open(dbpath, STORE_READ, coalition, err, sizeof err);
    int version = 0;
    if (r && r->m->verify(r, dbpath, STORE_READ, &version, err, sizeof err) != STORE_OK) version = -1;
    store_close(r);
    if (r && version >= 0 && version < STORE_VERSION) {
      Buf name = {0};
      esc_term_str(&name, dbpath);
      fprintf(stderr,
              "charter: '%s' is a store of an older schema (%d): a dry run does not migrate it; import without --dry-run "
              "(the migration keeps every row), then try again\n",
              buf_str(&name), version);
      buf_free(&name);
      return EXIT_USAGE;
    }
  }
  if (!exists && !dry) {
    char *root = output_root(entry);
    int refused = output_refuse_link(dbpath, root, "give --db the path of the store itself");
    free(root);
    if (refused != EXIT_OK) return refused;
  }
  char tmpdir[64] = "", tmpdb[96] = "";
  if (dry && !exists) { /* an empty store of its own, removed after */
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/charter-dry.XXXXXX", t && *t && strlen(t) < 40 ? t : "/tmp");
    if (!mkdtemp(tmpdir)) {
      fprintf(stderr, "charter: cannot make a scratch directory for the dry run: %s\n", strerror(errno));
      return EXIT_USAGE;
    }
    snprintf(tmpdb, sizeof tmpdb, "%s/dry.db", tmpdir);
  }
  Store *db = store_open(*tmpdb ? tmpdb : dbpath, STORE_WRITE, coalition, err, sizeof err);
  if (!db) {
    if (*tmpdir) unlink(tmpdb), rmdir(tmpdir);
    fputs("charter: ", stderr);
    esc_term_put(stderr, err);
    fputc('\n', stderr);
    return EXIT_USAGE;
  }
  StoreRc rc = dry ? import_try(im, db, replace, counts) : import_store(im, db, replace, counts);
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
  if (!exists && !dry && (rc != STORE_OK || import_diags(im)->nerrors)) /* a store made for a refused import goes */
    store_remove_new(dbpath);
  if (*tmpdb) {
    static const char *const side[] = {"", "-wal", "-shm", "-journal"};
    for (int i = 0; i < 4; i++) {
      char f[128];
      snprintf(f, sizeof f, "%s%s", tmpdb, side[i]);
      unlink(f);
    }
    rmdir(tmpdir);
  }
  return rc == STORE_OK ? EXIT_OK : rc == STORE_CORRUPT ? EXIT_FINDINGS : EXIT_USAGE;
}

/* Prints each file's counts, and the total of several. */
static int print_summary(char **files, int nfiles, const ImportCounts *counts, bool dry) {
  ImportCounts total = {0};
  for (int f = 0; f < nfiles; f++) {
    print_counts(files[f], &counts[f], dry);
    total.added += counts[f].added;
    total.replaced += counts[f].replaced;
    total.unchanged += counts[f].unchanged;
  }
  if (nfiles > 1) print_counts("in all", &total, dry);
  if (dry) printf("dry run: nothing was written\n");
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "charter: the measurements were stored, but the summary could not be written: %s\n", strerror(errno));
    return EXIT_USAGE;
  }
  return EXIT_OK;
}

/* Loads the program, checks the files, stores them, prints what happened:
 * the exit status. */
static int import_files(const char *dbpath, const char *prog, char **files, int nfiles, bool replace, bool dry,
                        const ImportOptions *io, const LoadOptions *lo) {
  Program *p = program_load(prog, lo);
  Import *im = NULL;
  ImportCounts *counts = xcalloc((size_t)nfiles, sizeof *counts);
  int status = program_refused(p, "imported");
  if (status != EXIT_OK) goto cleanup;
  im = import_new(p);
  import_set_options(im, io);
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
  /* the rows are checked as they are stored, in one transaction that any
   * error rolls back */
  if ((status = store_checked(im, dbpath, prog, program_coalition(p), replace, dry, counts)) != EXIT_OK) goto cleanup;
  if (diags->nerrors) {
    diag_sort(diags);
    diag_print_text(stderr, diags, import_srcs(im), (DiagStyle){color, 50, "(fix these and import again to see them)"});
    diag_print_summary(stderr, diags, color);
    if (dry)
      fprintf(stderr, "charter: dry run: these errors would refuse the import; nothing was written\n");
    else
      fprintf(stderr, "charter: nothing imported: fix the errors above; the database is unchanged\n");
    status = EXIT_FINDINGS;
    goto cleanup;
  }
  if (diags->nwarnings) { /* stored all the same: a warning stops nothing */
    diag_sort(diags);
    diag_print_text(stderr, diags, import_srcs(im), (DiagStyle){color, 50, "(fix these and import again to see them)"});
    diag_print_summary(stderr, diags, color);
  }
  status = print_summary(files, nfiles, counts, dry);
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
      {"dry-run", no_argument, NULL, 'n'},
      {"date-order", required_argument, NULL, 'D'},
      {"thousands", required_argument, NULL, 'T'},
      {NULL, 0, NULL, 0},
  };
  const char *dbpath = NULL;
  bool replace = false, dry = false;
  ImportOptions io = {IMPORT_DATES_ISO, 0, isatty(STDERR_FILENO) == 1};
  LoadOptions lo = {getenv("CHARTER_PATH"), NULL};
  optind = 1;
  opterr = 0;
  int ch, rc;
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 'd': dbpath = optarg; break;
    case 'r': replace = true; break;
    case 'n': dry = true; break;
    case 'D':
      if (strcmp(optarg, "mdy") == 0) io.dates = IMPORT_DATES_MDY;
      else if (strcmp(optarg, "dmy") == 0) io.dates = IMPORT_DATES_DMY;
      else
        return usage_error("import", "--date-order is mdy (3/31/2026 is March 31) or dmy (31/3/2026 is 31 March), not '%s'",
                           optarg);
      break;
    case 'T':
      if (strcmp(optarg, ",") != 0)
        return usage_error("import", "--thousands takes ',' (as in --thousands , to read 1,234,567 as 1234567), not '%s'",
                           optarg);
      io.thousands = ',';
      break;
    case 'R':
      if ((rc = root_option("import", optarg, &lo)) != EXIT_OK) return rc;
      break;
    default: return option_error("import", ch, argv);
    }
  }
  dbpath = store_default(dbpath);
  if (!dbpath) return usage_error("import", "import needs --db, the database to store into, as in --db coalition.db");
  if (!*dbpath) return usage_error("import", "--db needs a file name, as in --db coalition.db");
  int bad = check_args(dbpath, argc, argv);
  if (bad) return bad;
  return import_files(dbpath, argv[optind], argv + optind + 1, argc - optind - 1, replace, dry, &io, &lo);
}
