/* The measurement store: one SQLite database per coalition, schema version
 * STORE_VERSION in PRAGMA user_version (TOOL.md, "The measurement store"). */
#ifndef CHARTER_STORE_H
#define CHARTER_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#define STORE_VERSION 1

typedef enum StoreMode {
  STORE_READ,  /* eval, render, report: read-only, never created */
  STORE_WRITE  /* import: created when missing, migrated when older */
} StoreMode;

/* Opens path. On failure returns NULL and writes a message (lower-case,
 * saying what is wrong and what to do) into err[0..errlen). A database
 * from a newer schema, or a file that is not one, is refused untouched. */
sqlite3 *store_open(const char *path, StoreMode mode, char *err, size_t errlen);
void store_close(sqlite3 *db);

#endif
