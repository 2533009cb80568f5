/* The import engine: a set of CSV files checked against a program, every
 * row error a diagnostic (file.csv:LINE:COL), each row stored through the
 * store interface as it is read, in one transaction kept or rolled back
 * whole (docs/measurement.md, "The CSV
 * files"; docs/commands.md, "charter import"). */
#ifndef CHARTER_IMPORT_H
#define CHARTER_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "program.h"
#include "store.h"

/* What an import did to one file's rows. */
typedef struct ImportCounts {
  long added;     /* rows whose key was new */
  long replaced;  /* rows that replaced another value (with replace) */
  long unchanged; /* rows the store held with the same value */
} ImportCounts;

/* One import: the program, the files, the diagnostics. */
typedef struct Import Import;

/* Starts an import against p, a program loaded without errors (it must
 * outlive the import). */
Import *import_new(const Program *p);
/* How an import reads what a spreadsheet writes its own way
 * (docs/commands.md, "charter import"). */
typedef enum ImportDateOrder {
  IMPORT_DATES_ISO, /* only YYYY-MM-DD: any other date is an error with a hint */
  IMPORT_DATES_MDY, /* also 3/31/2026, 3.31.2026, 3-31-2026 and 2026/03/31 */
  IMPORT_DATES_DMY  /* also 31/3/2026, 31.3.2026, 31-3-2026 and 2026/03/31 */
} ImportDateOrder;

typedef struct ImportOptions {
  ImportDateOrder dates; /* how a day written otherwise than YYYY-MM-DD is read */
  char thousands;        /* ',' to read 1,234,567 in numbers; 0: an error */
  bool progress;         /* a progress line on standard error (a terminal)
                          * once an import has taken a second */
} ImportOptions;

/* Sets how im reads dates and numbers (before import_check; by default
 * neither is read). */
void import_set_options(Import *im, const ImportOptions *o);
/* Opens files[0..nfiles) (kept by the import, not copied) for reading: a
 * file of 1 MiB or more is mapped, a smaller one read. Returns false, with
 * the message in err, when a file cannot be read. */
bool import_check(Import *im, char *const *files, int nfiles, char *err, size_t errlen);
/* Reads the files, checks every row and stores each valid one as it goes,
 * in one transaction: per_file[f] (zeroed by the caller) receives file f's
 * counts. Row errors, conflicts (a different stored value without
 * replace) and duplicate keys go to import_diags; with any error the
 * transaction is rolled back. The median warnings follow when there is
 * none. Memory stays bounded whatever the number of rows. Returns
 * STORE_OK, or the store's failure (its last_error says why). */
StoreRc import_store(Import *im, Store *s, bool replace, ImportCounts *per_file);
/* What import_store would do, the same checks, counts and diagnostics,
 * always rolled back: the store is left as it was (--dry-run). */
StoreRc import_try(Import *im, Store *s, bool replace, ImportCounts *per_file);
/* The diagnostics so far, and the files they point into. */
DiagList *import_diags(Import *im);
SrcSet *import_srcs(Import *im);
/* Frees im (NULL is allowed). */
void import_free(Import *im);

#endif
