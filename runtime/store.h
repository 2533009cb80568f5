/* The measurement store: one database per coalition, schema version
 * STORE_VERSION (docs/measurement.md, "The store"). A Store is a handle
 * whose first member points at its engine's method table, in the manner of
 * SQLite's VFS: eval, import and the status overlay call the methods and
 * know no SQL. Two engines: SQLite, a file (store_sqlite.c), and
 * PostgreSQL, a server (store_pg.c, a postgresql:// URI).
 *
 * Every row carries its coalition (program_coalition: "" for a store's one
 * unnamed coalition): a handle is opened for one, which put and
 * record_import write; series and latest read one coalition's rows, the
 * handle's own unless a network's roll-up names a member. */
#ifndef CHARTER_STORE_H
#define CHARTER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_VERSION 3 /* 1: values; 2: numerator, denominator and flags too; 3: the coalition of every row */

typedef enum StoreMode {
  STORE_READ,  /* eval, render, report: read-only, never created */
  STORE_WRITE  /* import: created when missing, migrated when older */
} StoreMode;

/* What a method returns. */
typedef enum StoreRc {
  STORE_OK = 0, /* done */
  STORE_FAILED, /* failed: last_error says why */
  STORE_BUSY,   /* another writer held the store past the busy timeout */
  STORE_CORRUPT /* a stored row is not one charter stores (a value that is
                 * not a finite number, a period that does not parse):
                 * last_error names its indicator and period */
} StoreRc;

/* What the source says about a value (the CSV column `flag`, words joined
 * by ';'; docs/measurement.md, "Flags"), as a mask. */
typedef enum ObsFlag {
  OBS_PROVISIONAL = 1, /* may be revised */
  OBS_ESTIMATED = 2,   /* modelled or imputed */
  OBS_UNSTABLE = 4,    /* too few events to be reliable */
  OBS_SUPPRESSED = 8,  /* withheld at its source: reported, but no value */
  OBS_BREAK = 16,      /* a series break before this value */
  OBS_FLAG_COUNT = 5
} ObsFlag;

/* The words, in bit order ("provisional", "estimated"…). */
extern const char *const obs_flag_names[OBS_FLAG_COUNT];
/* Reads words separated by ';' (spaces around them allowed, case exact)
 * into *flags; on an unknown word returns false with it in *bad, *badlen. */
bool obs_flags_parse(const char *text, size_t n, unsigned *flags, const char **bad, size_t *badlen);
/* The words of flags joined by ';' in bit order into out ("" for none). */
void obs_flags_text(unsigned flags, char out[64]);

/* What putting a row did. */
typedef enum StorePut {
  STORE_ADDED,     /* the key was new */
  STORE_REPLACED,  /* the key held another value, and replace was asked */
  STORE_UNCHANGED, /* the key held the same value, counts and flags */
  STORE_CONFLICT   /* the key held another value, counts or flags; the row
                    * was not stored */
} StorePut;

/* One measurement row to store. Texts need not be NUL-terminated where a
 * length is given. */
typedef struct StoreRow {
  const char *indicator;  /* the indicator's id */
  const char *dimension;  /* the dimension's id, "" for the whole population */
  const char *group;      /* the group, "" for the whole population */
  const char *period;     /* the period as written */
  size_t period_len;      /* its length */
  const char *period_end; /* its last day, YYYY-MM-DD (10 characters) */
  double value;           /* finite; NAN only when flags has OBS_SUPPRESSED */
  double numerator;       /* the count of events, NAN when not given */
  double denominator;     /* the count at risk, NAN when not given */
  unsigned flags;         /* ObsFlag mask */
  const char *source;     /* "" when absent */
  size_t source_len;      /* its length */
  const char *note;       /* "" when absent */
  size_t note_len;        /* its length */
} StoreRow;

/* What a key held before a put that did not add it. Texts are valid until
 * the next call on the store. */
typedef struct StoreStored {
  double value;       /* the stored value (NAN when withheld) */
  double numerator;   /* the stored counts, NAN when not stored */
  double denominator;
  unsigned flags;     /* the stored flags */
  int64_t import_id;  /* the import that stored it */
  const char *file;   /* that import's file name */
  const char *period; /* the period as it was written then */
} StoreStored;

/* One stored observation. Texts are valid until the next call on the
 * store (during a series callback: until it returns); never NULL. The
 * engine hands back only rows it has checked: value finite, period a
 * period whose last day is period_end, dimension and group UTF-8 text;
 * any other row stops the read with STORE_CORRUPT. */
typedef struct StoreObs {
  const char *dimension;  /* "" for the whole population */
  const char *group;      /* "" for the whole population */
  const char *period;     /* as written */
  const char *period_end; /* its last day, YYYY-MM-DD */
  double value;           /* the value; NAN only when flags has OBS_SUPPRESSED */
  double numerator;       /* NAN when not stored */
  double denominator;     /* NAN when not stored */
  unsigned flags;         /* ObsFlag mask */
  int32_t day;            /* that last day, in days from 1970-01-01 */
} StoreObs;

/* Called for each observation of a series, in order. */
typedef void (*StoreEach)(void *ctx, const StoreObs *obs);

typedef struct Store Store;

/* Called by merge for a staged row it did not add (at: as it was staged). */
typedef void (*StoreMerged)(void *ctx, int64_t at, StorePut put, const StoreStored *old);

/* An engine's methods. Every method but name, close and last_error
 * returns a StoreRc. */
typedef struct StoreMethods {
  const char *name; /* the engine: "sqlite" */
  /* Starts a transaction: write takes the write lock at once (import);
   * a read transaction is one snapshot for every read (eval). Both may
   * read series and latest. */
  StoreRc (*begin)(Store *s, bool write);
  StoreRc (*commit)(Store *s);
  /* Undoes the open transaction; keeps last_error as it was. */
  StoreRc (*rollback)(Store *s);
  /* Records an import of file at time at (ISO 8601 UTC); *id is its id. */
  StoreRc (*record_import)(Store *s, const char *file, const char *at, int64_t *id);
  /* Sets the rows an import stored; with rows 0 the import is dropped (a
   * file that stored nothing leaves no trace). */
  StoreRc (*finish_import)(Store *s, int64_t id, long rows);
  /* Stores row under import id: *put says what happened; *old receives
   * the stored value, unless the key was new. Replaces a different value
   * only when replace. */
  StoreRc (*put)(Store *s, const StoreRow *row, int64_t import_id, bool replace, StorePut *put, StoreStored *old);
  /* Remembers key (any 64 bits) until the open write transaction ends,
   * with at (the caller's: where it came from). When key was remembered
   * before, *seen is true and *first receives the at it came with then;
   * the first one stays. For an import's duplicate keys, in as little
   * memory as the engine can (SQLite keeps them in a temporary table). */
  StoreRc (*remember)(Store *s, uint64_t key, int64_t at, bool *seen, int64_t *first);
  /* The bulk path, optional (NULL in an engine without it: import then
   * puts row by row). stage queues a checked row of import import_id,
   * with at (the caller's: where it came from, increasing within a file);
   * merge then stores the rows staged since the last merge as put would
   * have, one by one in at order, and calls each for every row it did not
   * add: *old as put gives it, or, for a row whose key an earlier staged
   * row has, the stored row with import_id import_id (as if that row had
   * been put first). A stored row that is corrupt stops merge with
   * STORE_CORRUPT unless replace, as put does. Nothing else may be called
   * between the first stage and merge. */
  StoreRc (*stage)(Store *s, const StoreRow *row, int64_t import_id, int64_t at);
  StoreRc (*merge)(Store *s, int64_t import_id, bool replace, StoreMerged each, void *ctx);
  /* The observations of indicator of coalition (NULL: the handle's) up to
   * the day as_of (YYYY-MM-DD), in
   * (dimension, group, period end) order: of the whole population only
   * when whole, else of every dimension and group. */
  StoreRc (*series)(Store *s, const char *coalition, const char *indicator, bool whole, const char *as_of, StoreEach each, void *ctx);
  /* The latest observation of one group up to as_of into *out; *found
   * false when there is none. */
  StoreRc (*latest)(Store *s, const char *coalition, const char *indicator, const char *dimension, const char *group, const char *as_of,
                    StoreObs *out, bool *found);
  /* Checks that the store is ours and usable in mode; *version receives
   * its schema version. On refusal writes why into err. */
  StoreRc (*verify)(Store *s, const char *path, StoreMode mode, int *version, char *err, size_t errlen);
  /* Brings the store to STORE_VERSION in one transaction. */
  StoreRc (*migrate)(Store *s, const char *path, char *err, size_t errlen);
  /* Closes the store and frees the handle. */
  void (*close)(Store *s);
  /* The engine's message for the last failure. */
  const char *(*last_error)(const Store *s);
} StoreMethods;

/* A store handle: an engine's own handle starts with one. */
struct Store {
  const StoreMethods *m; /* the engine */
};

/* Opens path for coalition (program_coalition; copied): a postgresql://
 * URI with the PostgreSQL engine, else a file with SQLite. On failure
 * returns NULL and writes a message (lower-case, saying what is wrong and
 * what to do) into err[0..errlen). A database from a newer schema, or a
 * file that is not one, is refused untouched. */
Store *store_open(const char *path, StoreMode mode, const char *coalition, char *err, size_t errlen);
/* The --db a command uses: given, else CHARTER_DB when set and not empty,
 * else NULL. */
const char *store_default(const char *given);
/* True when path names a store that exists (a file; a server's database
 * is taken to exist), so that a refused import may remove only a store it
 * made. */
bool store_exists(const char *path);
/* True when path is a server's URI (postgresql://, postgres://), not a file. */
bool store_is_uri(const char *path);
/* Removes the store file path and its side files (an import made it and
 * was refused); nothing for a server's database. */
void store_remove_new(const char *path);
/* Closes s (NULL is allowed). */
void store_close(Store *s);

/* charter store grant: runs sql, a script of several statements with its
 * own BEGIN and COMMIT, on the PostgreSQL database uri (no store handle);
 * 0, or -1 with why in err (nothing changed). */
int store_pg_exec_script(const char *uri, const char *sql, char *err, size_t errlen);

/* The SQLite engine's own connection, for tests that craft databases. */
struct sqlite3 *store_sqlite_db(Store *s);

#endif
