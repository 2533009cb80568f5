/* The import engine (runtime/import.c) without the command line: a set of
 * CSV files is checked against a program into diagnostics, then stored
 * through the store interface in one transaction. A good set gives its
 * counts per file; a bad row a diagnostic at its line and column, and
 * nothing stored; importing the same file again leaves every row
 * unchanged; a different value is a conflict naming the stored value, or
 * with replace is replaced. Each test works in its own scratch directory. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diags.h"
#include "import.h"
#include "rules_eval.h"
#include "scratch.h"
#include "store.h"

#define PROGRAM                                                                              \
  "charter \"T\" { vision \"v\" }\n"                                                         \
  "dimension race \"Race\" { groups \"Black\", \"White\" }\n"                                \
  "indicator rate \"Rate\" { unit \"%\"; direction up; target 60 by 2028; disaggregate race }\n" \
  "indicator hires \"Hires\" { direction up }\n"

/* A program, a scratch directory and a store in it. */
typedef struct Fix {
  Scratch s;
  Program *p;
  Store *store;
  char *files[4]; /* CSV paths written by put_file */
  int nfiles;
} Fix;

static int setup(void **state) {
  Fix *f = calloc(1, sizeof *f);
  if (!f) return -1;
  scratch_init(&f->s);
  f->p = re_load(PROGRAM);
  if (f->p->diags.nerrors) {
    re_dump(f->p);
    return -1;
  }
  char err[1024];
  f->store = store_open(scratch_path(&f->s, "m.db"), STORE_WRITE, "", err, sizeof err);
  if (!f->store) return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  Fix *f = *state;
  store_close(f->store);
  program_free(f->p);
  for (int i = 0; i < f->nfiles; i++) free(f->files[i]);
  scratch_free(&f->s);
  free(f);
  return 0;
}

/* Writes a CSV file name with text into the scratch directory; returns its
 * path (kept in f->files). */
static char *put_file(Fix *f, const char *name, const char *text) {
  const char *path = scratch_path(&f->s, name);
  FILE *out = fopen(path, "wb");
  assert_non_null(out);
  assert_int_equal(fwrite(text, 1, strlen(text), out), strlen(text));
  assert_int_equal(fclose(out), 0);
  assert_true(f->nfiles < 4);
  return f->files[f->nfiles++] = strdup(path);
}

/* Checks files and, when told, stores them; per_file receives the counts.
 * Returns the import, for its diagnostics (the caller frees it). */
static Import *run(Fix *f, char **files, int nfiles, bool store, bool replace, ImportCounts *per_file) {
  Import *im = import_new(f->p);
  char err[1024] = "";
  if (!import_check(im, files, nfiles, err, sizeof err)) fail_msg("import_check: %s", err);
  memset(per_file, 0, (size_t)nfiles * sizeof *per_file);
  /* rows are checked as they are stored: without store, a dry run */
  if (store) assert_int_equal(import_store(im, f->store, replace, per_file), STORE_OK);
  else assert_int_equal(import_try(im, f->store, replace, per_file), STORE_OK);
  return im;
}

/* The stored observations of one series, as "dim/group/period=value ...". */
typedef struct Seen {
  char text[512]; /* the observations so far */
} Seen;

static void seen_add(void *ctx, const StoreObs *o) {
  Seen *s = ctx;
  size_t n = strlen(s->text);
  snprintf(s->text + n, sizeof s->text - n, "%s%s/%s/%s=%.17g", n ? " " : "", o->dimension, o->group, o->period, o->value);
  n = strlen(s->text);
  if (!isnan(o->numerator)) snprintf(s->text + n, sizeof s->text - n, "(%g/%g)", o->numerator, o->denominator);
  char flags[64];
  obs_flags_text(o->flags, flags);
  n = strlen(s->text);
  if (*flags) snprintf(s->text + n, sizeof s->text - n, "[%s]", flags);
}

static const char *stored(Fix *f, const char *indicator, Seen *seen) {
  seen->text[0] = '\0';
  Store *s = f->store;
  assert_int_equal(s->m->begin(s, false), STORE_OK);
  assert_int_equal(s->m->series(s, NULL, indicator, false, "9999-12-31", seen_add, seen), STORE_OK);
  assert_int_equal(s->m->commit(s), STORE_OK);
  return seen->text;
}

/* The line and column where a diagnostic starts. */
static void diag_at(Import *im, const Diag *g, int line, int col) {
  int l = 0, c = 0;
  src_linecol(src_get(import_srcs(im), g->loc.file), g->loc.start, &l, &c);
  if (l != line || c != col) fail_msg("\"%s\" at %d:%d, expected %d:%d", g->msg, l, c, line, col);
}

/* ---- tests ---- */

static const char *const GOOD_A = "indicator,dimension,group,period,value\n"
                                  "rate,,,2025-Q1,47.5\n"
                                  "rate,race,Black,2025-Q1,41\n"
                                  "rate,race,White,2025-Q1,52\n";
static const char *const GOOD_B = "indicator,period,value,source\n"
                                  "hires,2025,12,HR\n"
                                  "hires,2024,9,HR\n";

static void test_good_set_counts(void **state) {
  Fix *f = *state;
  char *files[] = {put_file(f, "a.csv", GOOD_A), put_file(f, "b.csv", GOOD_B)};
  ImportCounts c[2];
  Import *im = run(f, files, 2, true, false, c);
  assert_int_equal(import_diags(im)->nerrors, 0);
  assert_int_equal(c[0].added, 3);
  assert_int_equal(c[0].replaced + c[0].unchanged, 0);
  assert_int_equal(c[1].added, 2);
  assert_int_equal(c[1].replaced + c[1].unchanged, 0);
  import_free(im);
  Seen seen;
  assert_string_equal(stored(f, "rate", &seen), "//2025-Q1=47.5 race/Black/2025-Q1=41 race/White/2025-Q1=52");
  assert_string_equal(stored(f, "hires", &seen), "//2024=9 //2025=12");
}

static void test_bad_row_stores_nothing(void **state) {
  Fix *f = *state;
  char *files[] = {put_file(f, "bad.csv",
                            "indicator,period,value\n"
                            "hires,2024,9\n"
                            "hires,2025,12 people\n")};
  ImportCounts c[1];
  Import *im = run(f, files, 1, false, false, c);
  DiagList *d = import_diags(im);
  assert_int_equal(d->nerrors, 1);
  const Diag *g = diags_find(d, NULL, "'12 people' is not a number");
  assert_non_null(g);
  diag_at(im, g, 3, 12);
  /* even asked to, the engine stores nothing while there are errors */
  assert_int_equal(import_store(im, f->store, false, c), STORE_OK);
  import_free(im);
  Seen seen;
  assert_string_equal(stored(f, "hires", &seen), "");
}

static void test_reimport_unchanged(void **state) {
  Fix *f = *state;
  char *files[] = {put_file(f, "a.csv", GOOD_A)};
  ImportCounts c[1];
  import_free(run(f, files, 1, true, false, c));
  assert_int_equal(c[0].added, 3);
  Import *im = run(f, files, 1, true, false, c);
  assert_int_equal(import_diags(im)->nerrors, 0);
  assert_int_equal(c[0].added, 0);
  assert_int_equal(c[0].replaced, 0);
  assert_int_equal(c[0].unchanged, 3);
  import_free(im);
}

static void test_conflict_names_stored_value(void **state) {
  Fix *f = *state;
  char *first[] = {put_file(f, "a.csv", GOOD_A)};
  ImportCounts c[1];
  import_free(run(f, first, 1, true, false, c));
  char *second[] = {put_file(f, "fix.csv",
                             "indicator,dimension,group,period,value\n"
                             "rate,race,Black,2025-Q1,43\n"
                             "rate,race,White,2025-Q1,52\n")};
  Import *im = run(f, second, 1, true, false, c);
  DiagList *d = import_diags(im);
  assert_int_equal(d->nerrors, 1);
  const Diag *g = diags_find(d, NULL, "'rate', group 'Black' of race, period 2025-Q1 is already stored as 41, not 43");
  assert_non_null(g);
  diag_at(im, g, 2, 25);
  assert_non_null(g->notes);
  assert_non_null(strstr(g->notes->msg, "it was stored by import 1, of '"));
  assert_non_null(strstr(g->notes->msg, "a.csv'"));
  import_free(im);
  Seen seen;
  assert_string_equal(stored(f, "rate", &seen), "//2025-Q1=47.5 race/Black/2025-Q1=41 race/White/2025-Q1=52");

  /* with replace */
  im = run(f, second, 1, true, true, c);
  assert_int_equal(import_diags(im)->nerrors, 0);
  assert_int_equal(c[0].added, 0);
  assert_int_equal(c[0].replaced, 1);
  assert_int_equal(c[0].unchanged, 1);
  import_free(im);
  assert_string_equal(stored(f, "rate", &seen), "//2025-Q1=47.5 race/Black/2025-Q1=43 race/White/2025-Q1=52");
}

/* A value, counts alone (the value computed at the indicator's scale), all
 * three agreeing to the written precision, flags, a withheld value: each
 * stored as read. */
static void test_counts_and_flags_stored(void **state) {
  Fix *f = *state;
  char *files[] = {put_file(f, "c.csv",
                            "indicator,period,value,numerator,denominator,flag\n"
                            "rate,2021,40,,,\n"
                            "rate,2022,,1,3,estimated\n"
                            "rate,2023,33.3,1,3,provisional;break\n"
                            "rate,2024,,,,suppressed\n"
                            "hires,2024,,7,2,\n"
                            "hires,2025,3.5,7,2,\n")};
  ImportCounts c[1];
  Import *im = run(f, files, 1, true, false, c);
  assert_int_equal(import_diags(im)->nerrors, 0);
  assert_int_equal(import_diags(im)->nwarnings, 0);
  assert_int_equal(c[0].added, 6);
  import_free(im);
  Seen seen;
  assert_string_equal(stored(f, "rate", &seen),
                      "//2021=40 //2022=33.333333333333329(1/3)[estimated] //2023=33.299999999999997(1/3)[provisional;break] "
                      "//2024=nan[suppressed]");
  assert_string_equal(stored(f, "hires", &seen), "//2024=3.5(7/2) //2025=3.5(7/2)");
  /* the same file again: all unchanged */
  im = run(f, files, 1, true, false, c);
  assert_int_equal(import_diags(im)->nerrors, 0);
  assert_int_equal(c[0].unchanged, 6);
  import_free(im);
}

/* Agreement is to the value's written precision: 33.3 and 33.33 agree with
 * 1/3 of 100, 33.4 and 33.34 do not; 6.9 agrees with 6.94. */
static void test_counts_agreement(void **state) {
  Fix *f = *state;
  char *files[] = {put_file(f, "a.csv",
                            "indicator,period,value,numerator,denominator\n"
                            "rate,2020,33.3,1,3\n"
                            "rate,2021,33.33,1,3\n"
                            "rate,2022,33.4,1,3\n"
                            "rate,2023,33.34,1,3\n"
                            "rate,2024,6.9,694,10000\n"
                            "rate,2025,3.33e1,1,3\n")};
  ImportCounts c[1];
  Import *im = run(f, files, 1, false, false, c);
  DiagList *d = import_diags(im);
  assert_int_equal(d->nerrors, 2);
  const Diag *g = diags_find(d, NULL, "the value 33.4 does not agree with its counts: 1 / 3 * 100 is 33.3333");
  assert_non_null(g);
  diag_at(im, g, 4, 11);
  assert_non_null(diags_find(d, NULL, "the value 33.34 does not agree"));
  import_free(im);
}

/* A value far from its series' median is a warning and is stored. */
static void test_median_warning(void **state) {
  Fix *f = *state;
  char *files[] = {put_file(f, "m.csv",
                            "indicator,period,value\n"
                            "hires,2021,40\n"
                            "hires,2022,44\n"
                            "hires,2023,41\n"
                            "hires,2024,3\n"
                            "hires,2025,0\n")};
  ImportCounts c[1];
  Import *im = run(f, files, 1, true, false, c);
  DiagList *d = import_diags(im);
  assert_int_equal(d->nerrors, 0);
  assert_int_equal(d->nwarnings, 1); /* not 0: a zero is not judged */
  const Diag *g = diags_find(d, NULL, "3 is more than 10 times below the median 40 of 'hires', the whole population (5 values)");
  assert_non_null(g);
  assert_int_equal(g->sev, SEV_WARNING);
  diag_at(im, g, 5, 12);
  assert_int_equal(c[0].added, 5);
  import_free(im);
}

/* An unreadable file is no diagnostic but a message. */
static void test_unreadable_file(void **state) {
  Fix *f = *state;
  char *files[] = {(char *)scratch_path(&f->s, "absent.csv")};
  Import *im = import_new(f->p);
  char err[1024] = "";
  assert_false(import_check(im, files, 1, err, sizeof err));
  assert_non_null(strstr(err, "cannot read '"));
  assert_non_null(strstr(err, "absent.csv'"));
  import_free(im);
}

/* A sheet as a spreadsheet saves it: header names in any case with spaces
 * around them, a column charter does not read (one warning), trailing
 * empty columns, rows of empty cells, rows without a value (skipped, one
 * warning giving their lines), 45% in a % indicator. */
static void test_spreadsheet_leniency(void **state) {
  Fix *f = *state;
  char *files[] = {put_file(f, "sheet.csv",
                            "\xEF\xBB\xBF\"Indicator\", Period ,\"VALUE\",Dimension,Group,Entered By,Comment,,\r\n"
                            "rate,2025,45%,,,Dana,,,\r\n"
                            "rate,2026,,,,Dana,,,\r\n"
                            "rate,2027,,,,Dana,,,\r\n"
                            "rate,2025,39.5%,race,Black,Dana,,,\r\n"
                            "hires,2025,,,,Sam,,,\r\n"
                            "hires,2026,12,,,Sam,,,\r\n"
                            ",,,,,,,,\r\n"
                            ",,,,,,,,\r\n")};
  ImportCounts c[1];
  Import *im = run(f, files, 1, true, false, c);
  DiagList *d = import_diags(im);
  assert_int_equal(d->nerrors, 0);
  assert_int_equal(d->nwarnings, 2);
  const Diag *g = diags_find(d, NULL, "2 columns are ignored: 'Entered By' and 'Comment'");
  assert_non_null(g);
  diag_at(im, g, 1, 46);
  g = diags_find(d, NULL, "3 rows without a value were skipped: lines 3-4 and 6");
  assert_non_null(g);
  diag_at(im, g, 3, 11);
  assert_int_equal(c[0].added, 3);
  Seen seen;
  assert_string_equal(stored(f, "rate", &seen), "//2025=45 race/Black/2025=39.5");
  assert_string_equal(stored(f, "hires", &seen), "//2026=12");
  import_free(im);
}

/* 45% where the unit is not % is an error saying why; a required column
 * misspelt is still an error, with the ignored column named as the one
 * meant. */
static void test_percent_elsewhere_and_missing_column(void **state) {
  Fix *f = *state;
  char *files[] = {put_file(f, "a.csv", "indicator,period,value\nhires,2025,12%\n"),
                   put_file(f, "b.csv", "Indicatr,period,value\nhires,2025,12\n")};
  ImportCounts c[2];
  Import *im = run(f, files, 2, true, false, c);
  DiagList *d = import_diags(im);
  assert_int_equal(d->nerrors, 2);
  const Diag *g = diags_find(d, NULL, "'12%' has a '%' sign, but 'hires' has no unit \"%\": write the number alone");
  assert_non_null(g);
  diag_at(im, g, 2, 12);
  g = diags_find(d, NULL, "the header has no 'indicator' column");
  assert_non_null(g);
  assert_non_null(diags_find(d, NULL, "column 'Indicatr' (did you mean 'indicator'?) is ignored"));
  Seen seen;
  assert_string_equal(stored(f, "hires", &seen), "");
  import_free(im);
}

/* --date-order and --thousands: dates read in the order given and stored
 * as YYYY-MM-DD; thousands separators read in values and counts, and a
 * misgrouped one an error. Without them, each is an error with its hint. */
static void test_date_order_and_thousands(void **state) {
  Fix *f = *state;
  char *files[] = {put_file(f, "d.csv", "indicator,period,value,numerator,denominator\n"
                                        "hires,3/31/2026,\"1,204\",,\n"
                                        "hires,4.5.2026,7,,\n"
                                        "hires,2026/06/30,8,,\n"
                                        "rate,12/31/2025,,\"1,204\",\"2,408\"\n")};
  ImportCounts c[1];
  Import *im = import_new(f->p);
  char err[256];
  import_set_options(im, &(ImportOptions){IMPORT_DATES_MDY, ',', false});
  assert_true(import_check(im, files, 1, err, sizeof err));
  assert_int_equal(import_diags(im)->nerrors, 0);
  memset(c, 0, sizeof c);
  assert_int_equal(import_store(im, f->store, false, c), STORE_OK);
  assert_int_equal(c[0].added, 4);
  import_free(im);
  Seen seen;
  assert_string_equal(stored(f, "hires", &seen), "//2026-03-31=1204 //2026-04-05=7 //2026-06-30=8");
  assert_string_equal(stored(f, "rate", &seen), "//2025-12-31=50(1204/2408)");

  char *day_first[] = {put_file(f, "e.csv", "indicator,period,value\nhires,4/5/2027,\"1,2\"\nhires,31/12/2027,3\n")};
  im = import_new(f->p);
  import_set_options(im, &(ImportOptions){IMPORT_DATES_DMY, ',', false});
  assert_true(import_check(im, day_first, 1, err, sizeof err));
  assert_int_equal(import_try(im, f->store, false, c), STORE_OK);
  DiagList *d = import_diags(im);
  assert_int_equal(d->nerrors, 1);
  assert_non_null(diags_find(d, NULL, "'1,2' is not a number: with --thousands ,"));
  import_free(im);

  im = import_new(f->p);
  assert_true(import_check(im, day_first, 1, err, sizeof err));
  assert_int_equal(import_try(im, f->store, false, c), STORE_OK);
  d = import_diags(im);
  assert_int_equal(d->nerrors, 3);
  const Diag *g = diags_find(d, NULL, "'4/5/2027' is not a valid period: write 2027-04-05 (April 5) or 2027-05-04 (4 May)");
  assert_non_null(g);
  assert_non_null(diags_find(d, NULL, "'31/12/2027' is not a valid period: write 2027-12-31"));
  assert_non_null(diags_find(d, NULL, "import with --thousands ,"));
  import_free(im);
}

/* import_try checks against the store, counts, and leaves it as it was. */
static void test_dry_run_writes_nothing(void **state) {
  Fix *f = *state;
  char *files[] = {put_file(f, "a.csv", "indicator,period,value\nhires,2025,10\nhires,2026,11\n")};
  ImportCounts c[1];
  Import *im = run(f, files, 1, true, false, c);
  import_free(im);
  char *again[] = {put_file(f, "b.csv", "indicator,period,value\nhires,2025,10\nhires,2026,12\nhires,2027,13\n")};
  im = import_new(f->p);
  char err[256];
  assert_true(import_check(im, again, 1, err, sizeof err));
  memset(c, 0, sizeof c);
  assert_int_equal(import_try(im, f->store, true, c), STORE_OK);
  assert_int_equal(c[0].added, 1);
  assert_int_equal(c[0].replaced, 1);
  assert_int_equal(c[0].unchanged, 1);
  import_free(im);
  Seen seen;
  assert_string_equal(stored(f, "hires", &seen), "//2025=10 //2026=11");
}

/* A file large enough to be read through a mapping whose pages are
 * dropped behind the reader (12 MB): a bad row at its end rejects it
 * whole, with every error at its place, the first row of a duplicate
 * found by reading it again; the same file without them is stored, and
 * the one row far from its series' median is found by a second reading. */
static void test_large_file_streamed(void **state) {
  Fix *f = *state;
  size_t rows = 200000, cap = rows * 64 + 256, n = 0;
  char *text = malloc(cap);
  assert_non_null(text);
  n += (size_t)snprintf(text + n, cap - n, "indicator,period,value,source\n");
  for (size_t i = 0; i < rows; i++) /* days from 1900 on: 200,000 distinct periods */
    n += (size_t)snprintf(text + n, cap - n, "hires,%04d-%02d-%02d,%zu,A source long enough to fill the file\n",
                          1900 + (int)(i / 336), (int)(i / 28 % 12) + 1, (int)(i % 28) + 1, i == 150000 ? (size_t)90000 : 40 + i % 7);
  size_t good = n;
  n += (size_t)snprintf(text + n, cap - n, "hires,1900-01-01,41,again\nhires,2025,x,bad\n");
  FILE *out = fopen(scratch_path(&f->s, "big.csv"), "wb");
  assert_non_null(out);
  assert_int_equal(fwrite(text, 1, n, out), n);
  assert_int_equal(fclose(out), 0);
  char *files[] = {strdup(scratch_path(&f->s, "big.csv"))};
  ImportCounts c[1];
  Import *im = run(f, files, 1, true, false, c);
  DiagList *d = import_diags(im);
  assert_int_equal(d->nerrors, 2);
  const Diag *g = diags_find(d, NULL, "a second row for 'hires', the whole population, period 1900-01-01");
  assert_non_null(g);
  diag_at(im, g, (int)rows + 2, 1);
  assert_non_null(g->notes); /* the first row, found by reading the file again */
  assert_true(g->notes->has_loc);
  int l = 0, col = 0;
  src_linecol(src_get(import_srcs(im), g->notes->loc.file), g->notes->loc.start, &l, &col);
  assert_int_equal(l, 2);
  g = diags_find(d, NULL, "'x' is not a number");
  assert_non_null(g);
  diag_at(im, g, (int)rows + 3, 12);
  import_free(im);
  Seen seen;
  assert_string_equal(stored(f, "hires", &seen), "");

  out = fopen(files[0], "wb");
  assert_non_null(out);
  assert_int_equal(fwrite(text, 1, good, out), good);
  assert_int_equal(fclose(out), 0);
  im = run(f, files, 1, true, false, c);
  d = import_diags(im);
  assert_int_equal(d->nerrors, 0);
  assert_int_equal(d->nwarnings, 1);
  g = diags_find(d, NULL, "90000 is more than 10 times above the median 43 of 'hires'");
  assert_non_null(g);
  diag_at(im, g, 150002, 18);
  assert_int_equal(c[0].added, (long)rows);
  import_free(im);
  free(files[0]);
  free(text);
}


/* ---- an engine's bulk path (stage, merge), as PostgreSQL has it ---- */

/* A store that stages rows and merges a file at a time over a SQLite
 * store: merge puts the staged rows in order, reporting those not added,
 * as the contract says. import must say exactly what it says row by row. */
typedef struct Staged {
  StoreRow row;
  char end[11];
  int64_t at;
} Staged;
typedef struct BulkStore {
  Store base;
  Store *in;
  Staged *rows;
  size_t n, cap;
  int merges;
} BulkStore;
static Store *inner(Store *s) { return ((BulkStore *)s)->in; }
static StoreRc b_begin(Store *s, bool w) { return inner(s)->m->begin(inner(s), w); }
static StoreRc b_commit(Store *s) { return inner(s)->m->commit(inner(s)); }
static StoreRc b_rollback(Store *s) { return inner(s)->m->rollback(inner(s)); }
static StoreRc b_record(Store *s, const char *file, const char *at, int64_t *id) {
  return inner(s)->m->record_import(inner(s), file, at, id);
}
static StoreRc b_finish(Store *s, int64_t id, long rows) { return inner(s)->m->finish_import(inner(s), id, rows); }
static StoreRc b_put(Store *s, const StoreRow *row, int64_t id, bool replace, StorePut *put, StoreStored *old) {
  (void)s, (void)row, (void)id, (void)replace, (void)put, (void)old;
  fail_msg("put called on an engine with a bulk path");
  return STORE_FAILED;
}
static StoreRc b_remember(Store *s, uint64_t key, int64_t at, bool *seen, int64_t *first) {
  return inner(s)->m->remember(inner(s), key, at, seen, first);
}
static StoreRc b_series(Store *s, const char *c, const char *ind, bool whole, const char *as_of, StoreEach each, void *ctx) {
  return inner(s)->m->series(inner(s), c, ind, whole, as_of, each, ctx);
}
static const char *b_last_error(const Store *s) { return ((const BulkStore *)s)->in->m->last_error(((const BulkStore *)s)->in); }
static char *bdup(const char *t, size_t n) {
  char *c = malloc(n + 1);
  memcpy(c, t, n);
  c[n] = '\0';
  return c;
}
static StoreRc b_stage(Store *s, const StoreRow *row, int64_t id, int64_t at) {
  BulkStore *b = (BulkStore *)s;
  (void)id;
  if (b->n == b->cap) b->rows = realloc(b->rows, (b->cap = b->cap ? b->cap * 2 : 16) * sizeof *b->rows);
  Staged *t = &b->rows[b->n++];
  t->row = *row;
  t->row.indicator = bdup(row->indicator, strlen(row->indicator));
  t->row.dimension = bdup(row->dimension, strlen(row->dimension));
  t->row.group = bdup(row->group, strlen(row->group));
  t->row.period = bdup(row->period, row->period_len);
  t->row.source = bdup(row->source, row->source_len);
  t->row.note = bdup(row->note, row->note_len);
  memcpy(t->end, row->period_end, 10), t->end[10] = '\0';
  t->row.period_end = t->end;
  t->at = at;
  return STORE_OK;
}
static void staged_free(Staged *t) {
  free((char *)t->row.indicator), free((char *)t->row.dimension), free((char *)t->row.group);
  free((char *)t->row.period), free((char *)t->row.source), free((char *)t->row.note);
}
static StoreRc b_merge(Store *s, int64_t id, bool replace, StoreMerged each, void *ctx) {
  BulkStore *b = (BulkStore *)s;
  StoreRc rc = STORE_OK;
  b->merges++;
  for (size_t i = 0; i < b->n; i++) {
    StorePut put;
    StoreStored old;
    if (rc == STORE_OK) rc = b->in->m->put(b->in, &b->rows[i].row, id, replace, &put, &old);
    if (rc == STORE_OK && put != STORE_ADDED) each(ctx, b->rows[i].at, put, &old);
    staged_free(&b->rows[i]);
  }
  b->n = 0;
  return rc;
}
static void b_close(Store *s) {
  BulkStore *b = (BulkStore *)s;
  store_close(b->in);
  free(b->rows);
  free(b);
}
static const StoreMethods bulk_methods = {.name = "bulk", .begin = b_begin, .commit = b_commit, .rollback = b_rollback,
                                          .record_import = b_record, .finish_import = b_finish, .put = b_put,
                                          .remember = b_remember, .series = b_series, .stage = b_stage,
                                          .merge = b_merge, .close = b_close, .last_error = b_last_error};

/* What an import said: its counts and every diagnostic with its notes,
 * sorted, as text. */
static void said(Import *im, const ImportCounts *c, int nfiles, char *out, size_t size) {
  size_t k = 0;
  for (int i = 0; i < nfiles; i++)
    k += (size_t)snprintf(out + k, size - k, "%ld/%ld/%ld ", c[i].added, c[i].replaced, c[i].unchanged);
  DiagList *d = import_diags(im);
  diag_sort(d);
  for (int i = 0; i < d->items.len && k < size; i++) {
    const Diag *g = d->items.items[i];
    k += (size_t)snprintf(out + k, size - k, "\n%u:%u %s", g->loc.file, g->loc.start, g->msg);
    for (const DiagNote *n = g->notes; n && k < size; n = n->next)
      k += (size_t)snprintf(out + k, size - k, "\n  %u:%u %s", n->loc.file, n->loc.start, n->msg);
  }
}

/* The same imports into two stores, one row by row and one through the
 * bulk path: the same counts, diagnostics and stored rows. */
static void test_bulk_path_same_as_rows(void **state) {
  Fix *f = *state;
  char err[1024];
  BulkStore *b = calloc(1, sizeof *b);
  b->base.m = &bulk_methods;
  b->in = store_open(scratch_path(&f->s, "bulk.db"), STORE_WRITE, "", err, sizeof err);
  assert_non_null(b->in);
  Store *bulk = &b->base;
  char *a = put_file(f, "a.csv", GOOD_A);
  /* a row unchanged, a conflict, a key twice (the first unchanged), one twice (the first new), a bad row */
  char *x = put_file(f, "x.csv", "indicator,dimension,group,period,value\n"
                                 "rate,,,2025-Q1,47.5\n"
                                 "rate,race,Black,2025-Q1,40\n"
                                 "rate,,,2025-03,47.5\n"
                                 "hires,,,2026,3\n"
                                 "hires,,,2026,4\n"
                                 "nope,,,2026,1\n"
                                 "hires,,,2027,5\n");
  /* a key in two files of one import, and one new row */
  char *y = put_file(f, "y.csv", "indicator,period,value\nhires,2030,1\nrate,2025-Q1,47.5\n");
  char *z = put_file(f, "z.csv", "indicator,dimension,group,period,value\nrate,,,2025-Q1,47.5\nhires,,,2030,1\nrate,race,White,2025-Q1,53\n");
  struct { char *files[2]; int n; bool replace; } steps[] = {
      {{a}, 1, false}, {{x}, 1, false}, {{x}, 1, true}, {{y, z}, 2, false}, {{z}, 1, true}, {{a}, 1, false}};
  for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
    char one[4096] = "", two[4096] = "";
    ImportCounts c1[2], c2[2];
    Import *im = run(f, steps[i].files, steps[i].n, true, steps[i].replace, c1);
    said(im, c1, steps[i].n, one, sizeof one);
    import_free(im);
    im = import_new(f->p);
    assert_true(import_check(im, steps[i].files, steps[i].n, err, sizeof err));
    memset(c2, 0, sizeof c2);
    assert_int_equal(import_store(im, bulk, steps[i].replace, c2), STORE_OK);
    said(im, c2, steps[i].n, two, sizeof two);
    import_free(im);
    if (strcmp(one, two) != 0) fail_msg("step %zu: row by row:\n%s\nbulk:\n%s", i, one, two);
  }
  assert_true(b->merges >= 6);
  Seen s1, s2;
  for (int k = 0; k < 2; k++) {
    const char *ind = k ? "hires" : "rate";
    stored(f, ind, &s1);
    Store *keep = f->store;
    f->store = b->in;
    stored(f, ind, &s2);
    f->store = keep;
    assert_string_equal(s1.text, s2.text);
  }
  store_close(bulk);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_good_set_counts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bad_row_stores_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_reimport_unchanged, setup, teardown),
      cmocka_unit_test_setup_teardown(test_conflict_names_stored_value, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unreadable_file, setup, teardown),
      cmocka_unit_test_setup_teardown(test_counts_and_flags_stored, setup, teardown),
      cmocka_unit_test_setup_teardown(test_counts_agreement, setup, teardown),
      cmocka_unit_test_setup_teardown(test_median_warning, setup, teardown),
      cmocka_unit_test_setup_teardown(test_spreadsheet_leniency, setup, teardown),
      cmocka_unit_test_setup_teardown(test_percent_elsewhere_and_missing_column, setup, teardown),
      cmocka_unit_test_setup_teardown(test_date_order_and_thousands, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dry_run_writes_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_large_file_streamed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bulk_path_same_as_rows, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
