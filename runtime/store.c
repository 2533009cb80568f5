/* Opening the measurement store: refusing what is not ours or is newer,
 * migrating what is older in one transaction, WAL and foreign keys on. */
#define _POSIX_C_SOURCE 200809L
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long an import waits for another one to finish, in milliseconds. */
#define BUSY_TIMEOUT_MS 60000

/* migrations[v] takes a store from version v to v + 1. */
static const char *const migrations[STORE_VERSION] = {
    "CREATE TABLE import (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  file TEXT NOT NULL,\n"
    "  rows INTEGER NOT NULL,\n"
    "  at TEXT NOT NULL\n"
    ") STRICT;\n"
    "CREATE TABLE measurement (\n"
    "  indicator TEXT NOT NULL,\n"
    "  dimension TEXT NOT NULL DEFAULT '',\n"
    "  grp TEXT NOT NULL DEFAULT '',\n"
    "  period TEXT NOT NULL,\n"
    "  period_end TEXT NOT NULL,\n"
    "  value REAL NOT NULL,\n"
    "  source TEXT NOT NULL DEFAULT '',\n"
    "  note TEXT NOT NULL DEFAULT '',\n"
    "  import_id INTEGER NOT NULL REFERENCES import(id),\n"
    "  PRIMARY KEY (indicator, dimension, grp, period_end)\n"
    ") STRICT, WITHOUT ROWID;\n",
};

/* The first integer column of sql's first row into *out; an SQLite code. */
static int query_int(sqlite3 *db, const char *sql, int *out) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      *out = sqlite3_column_int(st, 0);
      rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
      *out = 0;
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(st);
  return rc;
}

/* What the file holds, read by one statement (so in one read transaction:
 * another import creating the same store must not commit its tables
 * between two reads). */
typedef struct Schema {
  int version; /* PRAGMA user_version */
  int entries; /* rows of sqlite_schema */
  int ours;    /* of them, the tables import and measurement */
} Schema;

static int query_schema(sqlite3 *db, Schema *out) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db,
                              "SELECT user_version, (SELECT count(*) FROM sqlite_schema), "
                              "(SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('import', 'measurement')) "
                              "FROM pragma_user_version",
                              -1, &st, NULL);
  if (rc == SQLITE_OK) {
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
      *out = (Schema){sqlite3_column_int(st, 0), sqlite3_column_int(st, 1), sqlite3_column_int(st, 2)};
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(st);
  return rc;
}

/* Says what an SQLite failure on path means for the user. */
static void describe(sqlite3 *db, int rc, const char *path, char *err, size_t errlen) {
  int primary = rc & 0xff;
  if (primary == SQLITE_NOTADB)
    snprintf(err, errlen, "'%s' is not a Charter measurement store: it is not an SQLite database; give --db a new file name or a store that charter import made", path);
  else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    snprintf(err, errlen, "'%s' is locked by another program (an import still running?); try again when it has finished", path);
  else if (primary == SQLITE_READONLY || primary == SQLITE_PERM)
    snprintf(err, errlen, "'%s' cannot be written: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  else if (primary == SQLITE_CORRUPT)
    snprintf(err, errlen, "'%s' is damaged (SQLite says: %s); restore it from a backup", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  else
    snprintf(err, errlen, "cannot open '%s': %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* Checks the version and that a version-0 file is empty. */
static bool check_version(sqlite3 *db, const char *path, StoreMode mode, int *version, char *err, size_t errlen) {
  Schema sc = {0, 0, 0};
  int rc = query_schema(db, &sc);
  if (rc != SQLITE_OK) {
    describe(db, rc, path, err, errlen);
    return false;
  }
  *version = sc.version;
  if (*version > STORE_VERSION) {
    snprintf(err, errlen,
             "'%s' was written by a newer charter (store schema %d; this charter knows up to %d): it is left as it is; use a newer charter",
             path, *version, STORE_VERSION);
    return false;
  }
  if (*version == 0) {
    if (sc.entries > 0) {
      snprintf(err, errlen, "'%s' is an SQLite database but not a Charter measurement store (it holds other tables); give --db a new file name", path);
      return false;
    }
    if (mode == STORE_READ) {
      snprintf(err, errlen, "'%s' holds no measurements yet: run 'charter import --db %s FILE DATA.csv' first", path, path);
      return false;
    }
  } else if (sc.ours != 2) { /* a file of another program's may have set user_version too */
    snprintf(err, errlen, "'%s' is an SQLite database but not a Charter measurement store (it has no measurement and import tables); give --db a new file name", path);
    return false;
  }
  if (*version > 0 && *version < STORE_VERSION && mode == STORE_READ) {
    snprintf(err, errlen, "'%s' has the older store schema %d: run 'charter import' on it once to bring it up to date", path, *version);
    return false;
  }
  return true;
}

/* Brings the store from its version to STORE_VERSION in one transaction. */
static bool migrate(sqlite3 *db, const char *path, char *err, size_t errlen) {
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  int version = 0;
  if (rc == SQLITE_OK) rc = query_int(db, "PRAGMA user_version", &version); /* another process may have done it */
  for (int v = version; rc == SQLITE_OK && v < STORE_VERSION; v++) rc = sqlite3_exec(db, migrations[v], NULL, NULL, NULL);
  if (rc == SQLITE_OK && version < STORE_VERSION) {
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_VERSION);
    rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
  }
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    describe(db, rc, path, err, errlen);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return false;
  }
  return true;
}

/* Reads the file's header before SQLite opens it, so that a file that is
 * not a database, or a store of a newer schema, is refused without SQLite
 * creating a -wal or -shm file beside it. (A newer version still only in
 * the WAL is caught by check_version.) */
static bool check_header(const char *path, StoreMode mode, char *err, size_t errlen) {
  unsigned char h[100];
  FILE *f = fopen(path, "rb");
  if (!f) return true; /* a new store, or SQLite will say why */
  size_t n = fread(h, 1, sizeof h, f);
  fclose(f);
  if (n == 0) {
    if (mode == STORE_READ) {
      snprintf(err, errlen, "'%s' holds no measurements yet: run 'charter import --db %s FILE DATA.csv' first", path, path);
      return false;
    }
    return true;
  }
  /* the magic, then what every SQLite 3 header holds: a page size that is a
   * power of two from 512 to 65536 (1 for 65536), and the fixed payload
   * fractions 64, 32, 32 */
  unsigned page = (unsigned)h[16] << 8 | h[17];
  bool sane = n == sizeof h && memcmp(h, "SQLite format 3", 16) == 0 && (page == 1 || (page >= 512 && !(page & (page - 1)))) &&
              h[21] == 64 && h[22] == 32 && h[23] == 32;
  if (!sane) {
    snprintf(err, errlen, "'%s' is not a Charter measurement store: it is not an SQLite database; give --db a new file name or a store that charter import made", path);
    return false;
  }
  unsigned long version = (unsigned long)h[60] << 24 | (unsigned long)h[61] << 16 | (unsigned long)h[62] << 8 | h[63];
  if (version > STORE_VERSION) {
    snprintf(err, errlen,
             "'%s' was written by a newer charter (store schema %lu; this charter knows up to %d): it is left as it is; use a newer charter",
             path, version, STORE_VERSION);
    return false;
  }
  return true;
}

sqlite3 *store_open(const char *path, StoreMode mode, char *err, size_t errlen) {
  struct stat st;
  if (!*path) {
    snprintf(err, errlen, "--db needs a file name");
    return NULL;
  }
  if (stat(path, &st) != 0) {
    if (mode == STORE_READ || errno != ENOENT) {
      if (errno == ENOENT)
        snprintf(err, errlen, "there is no database '%s': create it with 'charter import --db %s FILE DATA.csv'", path, path);
      else
        snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
      return NULL;
    }
  } else if (!S_ISREG(st.st_mode)) {
    snprintf(err, errlen, "'%s' is not a regular file: --db names an SQLite database file", path);
    return NULL;
  }
  if (!check_header(path, mode, err, errlen)) return NULL;
  /* Readers are read-only by PRAGMA query_only, and open the file itself
   * read-write when they may: a read-only connection to a WAL database
   * leaves SQLite's -wal and -shm files beside it, which the last
   * read-write connection removes when it closes. */
  int flags = (mode == STORE_WRITE           ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
               : access(path, W_OK) == 0 ? SQLITE_OPEN_READWRITE
                                          : SQLITE_OPEN_READONLY) |
              SQLITE_OPEN_NOMUTEX;
  /* SQLite reads ":memory:" and "file:…" as special names: a relative
   * path goes to it as "./path" */
  char *name = NULL;
  if (path[0] != '/') {
    name = sqlite3_mprintf("./%s", path);
    if (!name) {
      snprintf(err, errlen, "out of memory");
      return NULL;
    }
  }
  char *wal = sqlite3_mprintf("%s-wal", path);
  struct stat ws;
  bool wal_before = wal && stat(wal, &ws) == 0 && ws.st_size > 0;
  sqlite3_free(wal);
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(name ? name : path, &db, flags, NULL);
  sqlite3_free(name);
  if (rc != SQLITE_OK) {
    describe(db, rc, path, err, errlen);
    sqlite3_close(db);
    return NULL;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
  /* Until the store is known to be ours, closing must not checkpoint a WAL
   * that was there before into the file (a newer store's version may be
   * only in its WAL). A WAL that SQLite made just now holds nothing, and
   * closing removes it. */
  if (wal_before) sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  if (mode == STORE_READ) sqlite3_exec(db, "PRAGMA query_only = ON", NULL, NULL, NULL);
  int version = 0;
  if (!check_version(db, path, mode, &version, err, errlen)) {
    sqlite3_close(db);
    return NULL;
  }
  if (mode == STORE_WRITE) {
    /* Only now, when the file is known to be ours: WAL rewrites the header.
     * Changing a new file's journal mode does not wait out the busy timeout
     * (SQLite answers SQLITE_BUSY at once where waiting could deadlock), so
     * while another import is creating the same store, try again. */
    int wal_rc, waited = 0;
    while (((wal_rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL)) & 0xff) == SQLITE_BUSY &&
           waited < BUSY_TIMEOUT_MS) {
      sqlite3_sleep(10);
      waited += 10;
    }
    if (wal_rc != SQLITE_OK) {
      describe(db, wal_rc, path, err, errlen);
      sqlite3_close(db);
      return NULL;
    }
    if (version < STORE_VERSION && !migrate(db, path, err, errlen)) {
      sqlite3_close(db);
      return NULL;
    }
  }
  sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
  return db;
}

void store_close(sqlite3 *db) { sqlite3_close(db); }
