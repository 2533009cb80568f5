/* The SQLite engine of the measurement store. Opening: refusing what is
 * not ours or is newer, migrating what is older in one transaction, WAL
 * and foreign keys on. Then the methods of store.h, each over statements
 * prepared once per connection. */
#define _POSIX_C_SOURCE 200809L
#include "store.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "period.h"
#include "store_impl.h"
#include "util.h"

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
    /* 1 -> 2: counts and flags, and a value NULL when withheld. SQLite
     * cannot change a column's nullability in place: a new table, every
     * row copied, the old one dropped (migrate checks the count). */
    "CREATE TABLE measurement_v2 (\n"
    "  indicator TEXT NOT NULL,\n"
    "  dimension TEXT NOT NULL DEFAULT '',\n"
    "  grp TEXT NOT NULL DEFAULT '',\n"
    "  period TEXT NOT NULL,\n"
    "  period_end TEXT NOT NULL,\n"
    "  value REAL,\n"
    "  numerator REAL,\n"
    "  denominator REAL,\n"
    "  flags TEXT NOT NULL DEFAULT '',\n"
    "  source TEXT NOT NULL DEFAULT '',\n"
    "  note TEXT NOT NULL DEFAULT '',\n"
    "  import_id INTEGER NOT NULL REFERENCES import(id),\n"
    "  PRIMARY KEY (indicator, dimension, grp, period_end),\n"
    "  CHECK (value IS NOT NULL OR ';' || flags || ';' LIKE '%;suppressed;%')\n"
    ") STRICT, WITHOUT ROWID;\n"
    "INSERT INTO measurement_v2 (indicator, dimension, grp, period, period_end, value, source, note, import_id)\n"
    "  SELECT indicator, dimension, grp, period, period_end, value, source, note, import_id FROM measurement;\n"
    "DROP TABLE measurement;\n"
    "ALTER TABLE measurement_v2 RENAME TO measurement;\n",
    /* 2 -> 3: the coalition of every row (docs/network.md), first in the
     * key; the rows there before are the unnamed coalition's (''). */
    "ALTER TABLE import ADD COLUMN coalition TEXT NOT NULL DEFAULT '';\n"
    "CREATE TABLE measurement_v3 (\n"
    "  coalition TEXT NOT NULL DEFAULT '',\n"
    "  indicator TEXT NOT NULL,\n"
    "  dimension TEXT NOT NULL DEFAULT '',\n"
    "  grp TEXT NOT NULL DEFAULT '',\n"
    "  period TEXT NOT NULL,\n"
    "  period_end TEXT NOT NULL,\n"
    "  value REAL,\n"
    "  numerator REAL,\n"
    "  denominator REAL,\n"
    "  flags TEXT NOT NULL DEFAULT '',\n"
    "  source TEXT NOT NULL DEFAULT '',\n"
    "  note TEXT NOT NULL DEFAULT '',\n"
    "  import_id INTEGER NOT NULL REFERENCES import(id),\n"
    "  PRIMARY KEY (coalition, indicator, dimension, grp, period_end),\n"
    "  CHECK (value IS NOT NULL OR ';' || flags || ';' LIKE '%;suppressed;%')\n"
    ") STRICT, WITHOUT ROWID;\n"
    "INSERT INTO measurement_v3 (coalition, indicator, dimension, grp, period, period_end, value, numerator, denominator, flags, source, note, import_id)\n"
    "  SELECT '', indicator, dimension, grp, period, period_end, value, numerator, denominator, flags, source, note, import_id FROM measurement;\n"
    "DROP TABLE measurement;\n"
    "ALTER TABLE measurement_v3 RENAME TO measurement;\n",
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
  /* a reader reads an older store as it is (it writes nothing); import
   * brings it up to date */
  return true;
}


/* ---- the schema, verified ---- */

/* One entry of sqlite_schema. */
typedef struct Entry {
  char *type, *name, *sql; /* sql with its blanks run together; "" when NULL */
} Entry;

typedef struct Entries {
  Entry *e;
  int n;
} Entries;

/* s with every run of blanks made one space, none at the ends; a new string. */
static char *normalised(const unsigned char *s) {
  size_t n = s ? strlen((const char *)s) : 0, k = 0;
  char *out = xmalloc(n + 1);
  for (size_t i = 0; i < n; i++) {
    bool blank = s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\f' || s[i] == '\v';
    if (!blank) out[k++] = (char)s[i];
    else if (k && out[k - 1] != ' ') out[k++] = ' ';
  }
  if (k && out[k - 1] == ' ') k--;
  out[k] = '\0';
  return out;
}

static void entries_free(Entries *es) {
  for (int i = 0; i < es->n; i++) free(es->e[i].type), free(es->e[i].name), free(es->e[i].sql);
  free(es->e);
  es->e = NULL;
  es->n = 0;
}

/* Every entry of db's sqlite_schema, by name; an SQLite code. */
static int read_entries(sqlite3 *db, Entries *out) {
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT type, name, sql FROM main.sqlite_schema ORDER BY name", -1, &st, NULL);
  int cap = 0;
  while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    rc = SQLITE_OK;
    if (out->n == cap) {
      cap = cap ? cap * 2 : 8;
      out->e = xrealloc(out->e, (size_t)cap * sizeof *out->e);
    }
    const char *type = (const char *)sqlite3_column_text(st, 0), *name = (const char *)sqlite3_column_text(st, 1);
    out->e[out->n++] = (Entry){xstrdup(type ? type : ""), xstrdup(name ? name : ""), normalised(sqlite3_column_text(st, 2))};
  }
  if (rc == SQLITE_DONE) rc = SQLITE_OK;
  sqlite3_finalize(st);
  return rc;
}

/* The entries the migrations up to version make, in a database in memory. */
static int expected_entries(int version, Entries *out) {
  sqlite3 *mem = NULL;
  int rc = sqlite3_open_v2(":memory:", &mem, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL);
  for (int v = 0; rc == SQLITE_OK && v < version; v++) rc = sqlite3_exec(mem, migrations[v], NULL, NULL, NULL);
  if (rc == SQLITE_OK) rc = read_entries(mem, out);
  sqlite3_close(mem);
  return rc;
}

static const Entry *entry_named(const Entries *es, const char *name) {
  for (int i = 0; i < es->n; i++)
    if (strcmp(es->e[i].name, name) == 0) return &es->e[i];
  return NULL;
}

/* A name from a hostile file, quoted for a message: printable ASCII kept,
 * other bytes as \xHH, at most 40 characters. */
void store_quote_safe(const char *s, char *out, size_t size) {
  size_t k = 0;
  for (size_t i = 0; s[i] && k + 5 < size && i < 40; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f && c != '\\') out[k++] = (char)c;
    else k += (size_t)snprintf(out + k, size - k, "\\x%02X", c);
  }
  out[k] = '\0';
}

/* What differs between the store's schema and the one charter makes at
 * version, into why; false when they differ. */
static bool same_schema(const Entries *have, const Entries *want, char *why, size_t size) {
  char name[200];
  for (int i = 0; i < have->n; i++) {
    const Entry *h = &have->e[i], *w = entry_named(want, h->name);
    store_quote_safe(h->name, name, sizeof name);
    if (!w || strcmp(w->type, h->type) != 0) {
      const char *kind = h->type;
      snprintf(why, size, "it has %s %s '%s', which charter never makes", strcmp(kind, "index") == 0 ? "an" : "a",
               kind, name);
      return false;
    }
    if (strcmp(w->sql, h->sql) != 0) {
      bool strict = strstr(h->sql, ") STRICT") != NULL;
      snprintf(why, size, "its %s '%s' is not defined as charter defines it%s", h->type, name,
               strcmp(h->type, "table") == 0 && !strict ? " (it is not STRICT)" : "");
      return false;
    }
  }
  for (int i = 0; i < want->n; i++)
    if (!entry_named(have, want->e[i].name)) {
      snprintf(why, size, "it lacks the %s '%s'", want->e[i].type, want->e[i].name);
      return false;
    }
  return true;
}

/* Compares the store's schema with what charter makes at version: any
 * table, index, view or trigger more or less, or defined otherwise, is
 * refused, naming it. */
static bool check_schema(sqlite3 *db, int version, const char *path, char *err, size_t errlen) {
  Entries have = {0}, want = {0};
  int rc = expected_entries(version, &want);
  if (rc == SQLITE_OK) rc = read_entries(db, &have);
  char why[320];
  bool same = rc == SQLITE_OK && same_schema(&have, &want, why, sizeof why);
  entries_free(&have);
  entries_free(&want);
  if (rc != SQLITE_OK) {
    describe(db, rc, path, err, errlen);
    return false;
  }
  if (!same)
    snprintf(err, errlen,
             "'%s' is not a measurement store as charter makes it: %s; charter uses no store it cannot verify: "
             "restore it from a backup, or import the CSV files into a new store",
             path, why);
  return same;
}

/* Brings the store from its version to STORE_VERSION in one transaction. */
static bool migrate(sqlite3 *db, const char *path, char *err, size_t errlen) {
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  int version = 0;
  if (rc == SQLITE_OK) rc = query_int(db, "PRAGMA user_version", &version); /* another process may have done it */
  bool lost = false;
  for (int v = version; rc == SQLITE_OK && !lost && v < STORE_VERSION; v++) {
    /* a migration that rebuilds the table must keep every row */
    int before = 0, after = 0;
    if (v > 0) rc = query_int(db, "SELECT count(*) FROM measurement", &before);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, migrations[v], NULL, NULL, NULL);
    if (rc == SQLITE_OK && v > 0) rc = query_int(db, "SELECT count(*) FROM measurement", &after);
    lost = rc == SQLITE_OK && after != before;
  }
  if (lost) {
    snprintf(err, errlen, "'%s' could not be brought up to store schema %d: rows were lost while copying them; it is left as it was", path,
             STORE_VERSION);
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return false;
  }
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

/* ---- the methods ---- */

/* A text kept by the handle until the next call that uses the same one. */
typedef struct Held {
  char *s;    /* the text */
  size_t cap; /* bytes allocated */
} Held;

/* The engine's handle. */
typedef struct SqlStore {
  Store base;                                 /* the method table: first */
  sqlite3 *db;                                /* the connection */
  sqlite3_stmt *whole, *glatest, *all;        /* eval's reads, prepared by the first read transaction */
  sqlite3_stmt *insert, *find, *update;       /* import's rows, prepared by the first write transaction */
  sqlite3_stmt *insert_plain;                 /* a row of a value alone: its counts and flags the defaults */
  sqlite3_stmt *new_import, *set_rows, *drop_import; /* import's records, likewise */
  sqlite3_stmt *key_add, *key_find;           /* remember's, while a write transaction is open */
  Held period, period_end, file;              /* the texts latest and put hand back */
  Held dim, grp;                              /* the last dimension and group checked */
  char err[1024];                             /* the message of the last failure */
  char *path;                                 /* an immutable reader's file (else NULL) */
  int version;                                /* the schema version it was opened at */
  char *coalition;                            /* the coalition it was opened for */
  struct stat seen;                           /* that file when it was opened */
} SqlStore;

/* True when an immutable reader's file is no longer the one it opened (an
 * import checkpointed into it meanwhile), saying so in last_error. */
static bool changed_underneath(SqlStore *q) {
  struct stat now;
  if (!q->path) return false;
  if (stat(q->path, &now) == 0 && now.st_ino == q->seen.st_ino && now.st_size == q->seen.st_size &&
      now.st_mtim.tv_sec == q->seen.st_mtim.tv_sec && now.st_mtim.tv_nsec == q->seen.st_mtim.tv_nsec &&
      now.st_ctim.tv_sec == q->seen.st_ctim.tv_sec && now.st_ctim.tv_nsec == q->seen.st_ctim.tv_nsec)
    return false;
  snprintf(q->err, sizeof q->err, "the store changed while it was being read (an import finished meanwhile); run the command again");
  return true;
}

/* Copies s (NULL as "") into h; returns the copy. */
static const char *hold(Held *h, const unsigned char *s) {
  size_t n = s ? strlen((const char *)s) : 0;
  if (n + 1 > h->cap) {
    h->cap = n + 64;
    h->s = xrealloc(h->s, h->cap);
  }
  if (n) memcpy(h->s, s, n);
  h->s[n] = '\0';
  return h->s;
}

/* STORE_OK for an SQLite success; else records the failure's message
 * (SQLite's own when it is this failure's, else the code's). */
static StoreRc result(SqlStore *q, int rc) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return STORE_OK;
  if (changed_underneath(q)) return STORE_BUSY;
  snprintf(q->err, sizeof q->err, "%s", sqlite3_extended_errcode(q->db) == rc ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
  return (rc & 0xff) == SQLITE_BUSY ? STORE_BUSY : STORE_FAILED;
}

static int prepare(SqlStore *q, sqlite3_stmt **st, const char *sql) {
  return *st ? SQLITE_OK : sqlite3_prepare_v2(q->db, sql, -1, st, NULL);
}

/* The reads, at schema 3, or (a store that no import has brought up to
 * date yet) at schema 2, whose rows are all the unnamed coalition's, or at
 * schema 1, whose rows have no counts and no flags either. ?9 is the
 * coalition. */
static int prepare_reads(SqlStore *q) {
  const char *cols = q->version < 2 ? "value, NULL, NULL, ''" : "value, numerator, denominator, flags";
  const char *coal = q->version < 3 ? "?9 = ''" : "coalition = ?9";
  char sql[3][400];
  snprintf(sql[0], sizeof sql[0],
           "SELECT period, period_end, %s FROM measurement WHERE %s AND indicator = ?1 AND dimension = '' "
           "AND grp = '' AND period_end <= ?2 ORDER BY period_end",
           cols, coal);
  snprintf(sql[1], sizeof sql[1],
           "SELECT period, period_end, %s FROM measurement WHERE %s AND indicator = ?1 AND dimension = ?2 "
           "AND grp = ?3 AND period_end <= ?4 ORDER BY period_end DESC LIMIT 1",
           cols, coal);
  snprintf(sql[2], sizeof sql[2],
           "SELECT dimension, grp, period, period_end, %s FROM measurement WHERE %s AND indicator = ?1 "
           "AND period_end <= ?2 ORDER BY dimension, grp, period_end",
           cols, coal);
  int rc = prepare(q, &q->whole, sql[0]);
  if (rc == SQLITE_OK) rc = prepare(q, &q->glatest, sql[1]);
  if (rc == SQLITE_OK) rc = prepare(q, &q->all, sql[2]);
  return rc;
}

static int prepare_writes(SqlStore *q) {
  int rc = prepare(q, &q->insert,
                   "INSERT INTO measurement (indicator, dimension, grp, period, period_end, value, source, note, import_id, "
                   "numerator, denominator, flags, coalition) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) "
                   "ON CONFLICT DO NOTHING");
  if (rc == SQLITE_OK)
    rc = prepare(q, &q->insert_plain,
                 "INSERT INTO measurement (indicator, dimension, grp, period, period_end, value, source, note, import_id, coalition) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?13) ON CONFLICT DO NOTHING");
  if (rc == SQLITE_OK)
    rc = prepare(q, &q->find,
                 "SELECT m.value, m.import_id, i.file, m.period, m.numerator, m.denominator, m.flags FROM measurement m "
                 "JOIN import i ON i.id = m.import_id "
                 "WHERE m.coalition = ?5 AND m.indicator = ?1 AND m.dimension = ?2 AND m.grp = ?3 AND m.period_end = ?4");
  if (rc == SQLITE_OK)
    rc = prepare(q, &q->update,
                 "UPDATE measurement SET period = ?4, value = ?6, source = ?7, note = ?8, import_id = ?9, numerator = ?10, "
                 "denominator = ?11, flags = ?12 "
                 "WHERE coalition = ?13 AND indicator = ?1 AND dimension = ?2 AND grp = ?3 AND period_end = ?5");
  if (rc == SQLITE_OK) rc = prepare(q, &q->new_import, "INSERT INTO import (file, rows, at, coalition) VALUES (?1, 0, ?2, ?3)");
  if (rc == SQLITE_OK) rc = prepare(q, &q->set_rows, "UPDATE import SET rows = ?2 WHERE id = ?1");
  if (rc == SQLITE_OK) rc = prepare(q, &q->drop_import, "DELETE FROM import WHERE id = ?1");
  return rc;
}

static StoreRc sqlite_begin(Store *s, bool write) {
  SqlStore *q = (SqlStore *)s;
  if (!write) {
    int rc = prepare_reads(q);
    if (rc == SQLITE_OK) rc = sqlite3_exec(q->db, "BEGIN", NULL, NULL, NULL); /* one snapshot for every read */
    return result(q, rc);
  }
  /* Rows go in in the files' order, each near the last of its series: a
   * 48 MB cache (SQLite's default is 2 MB) keeps the pages near the
   * insertion points, which import's bounded memory (docs/measurement.md,
   * "All or nothing") allows. */
  int rc = sqlite3_exec(q->db, "PRAGMA cache_size = -49152", NULL, NULL, NULL);
  if (rc == SQLITE_OK) rc = prepare_writes(q);
  if (rc == SQLITE_OK) rc = prepare_reads(q); /* import reads a series for its median */
  if (rc == SQLITE_OK) rc = sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  return result(q, rc);
}

static int step_done(sqlite3_stmt *st);

/* Forgets what remember kept: its statements and its temporary table. */
static void forget_keys(SqlStore *q) {
  if (!q->key_add) return;
  sqlite3_finalize(q->key_add);
  sqlite3_finalize(q->key_find);
  q->key_add = q->key_find = NULL;
  sqlite3_exec(q->db, "DROP TABLE IF EXISTS temp.charter_key", NULL, NULL, NULL);
}

static StoreRc sqlite_remember(Store *s, uint64_t key, int64_t at, bool *seen, int64_t *first) {
  SqlStore *q = (SqlStore *)s;
  int rc = SQLITE_OK;
  if (!q->key_add) {
    rc = sqlite3_exec(q->db, "CREATE TEMP TABLE IF NOT EXISTS charter_key (key INTEGER PRIMARY KEY, at INTEGER NOT NULL)",
                      NULL, NULL, NULL);
    if (rc == SQLITE_OK) rc = prepare(q, &q->key_add, "INSERT OR IGNORE INTO temp.charter_key VALUES (?1, ?2)");
    if (rc == SQLITE_OK) rc = prepare(q, &q->key_find, "SELECT at FROM temp.charter_key WHERE key = ?1");
    if (rc != SQLITE_OK) return result(q, rc);
  }
  sqlite3_bind_int64(q->key_add, 1, (sqlite3_int64)key);
  sqlite3_bind_int64(q->key_add, 2, at);
  rc = step_done(q->key_add);
  *seen = false;
  if (rc != SQLITE_OK || sqlite3_changes(q->db) == 1) return result(q, rc);
  *seen = true;
  sqlite3_bind_int64(q->key_find, 1, (sqlite3_int64)key);
  rc = sqlite3_step(q->key_find);
  *first = rc == SQLITE_ROW ? sqlite3_column_int64(q->key_find, 0) : 0;
  sqlite3_reset(q->key_find);
  return result(q, rc == SQLITE_ROW ? SQLITE_OK : rc);
}

static StoreRc sqlite_commit(Store *s) {
  SqlStore *q = (SqlStore *)s;
  /* A store another import made and, refused, removed (store_remove_new)
   * while this one had it open: committing would write into a file no
   * longer there, and the rows would be lost while import said stored. */
  int moved = 0;
  if (sqlite3_file_control(q->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved) {
    sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
    forget_keys(q);
    snprintf(q->err, sizeof q->err,
             "the store's file was removed while this import was writing it (another import that had just made it "
             "was refused at the same moment); run the import again");
    return STORE_FAILED;
  }
  StoreRc rc = result(q, sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL));
  forget_keys(q);
  /* what an immutable reader read is one snapshot only if nothing wrote the file meanwhile */
  return rc == STORE_OK && changed_underneath(q) ? STORE_BUSY : rc;
}

static StoreRc sqlite_rollback(Store *s) {
  SqlStore *q = (SqlStore *)s;
  StoreRc rc = sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL) == SQLITE_OK ? STORE_OK : STORE_FAILED;
  forget_keys(q);
  return rc;
}

static int step_done(sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static StoreRc sqlite_record_import(Store *s, const char *file, const char *at, int64_t *id) {
  SqlStore *q = (SqlStore *)s;
  sqlite3_bind_text(q->new_import, 1, file, -1, SQLITE_STATIC);
  sqlite3_bind_text(q->new_import, 2, at, -1, SQLITE_STATIC);
  sqlite3_bind_text(q->new_import, 3, q->coalition, -1, SQLITE_STATIC);
  int rc = step_done(q->new_import);
  *id = sqlite3_last_insert_rowid(q->db);
  return result(q, rc);
}

static StoreRc sqlite_finish_import(Store *s, int64_t id, long rows) {
  SqlStore *q = (SqlStore *)s;
  sqlite3_stmt *st = rows ? q->set_rows : q->drop_import;
  sqlite3_bind_int64(st, 1, id);
  if (rows) sqlite3_bind_int64(st, 2, rows);
  return result(q, step_done(st));
}

static const char *col_text(sqlite3_stmt *st, int col) {
  const unsigned char *s = sqlite3_column_text(st, col);
  return s ? (const char *)s : "";
}

/* ---- the rows, checked as they are read ---- */

/* Why the flags at column c cannot be used, or NULL; *flags receives them. */
static const char *flags_problem(sqlite3_stmt *st, int c, unsigned *flags) {
  *flags = 0;
  int type = sqlite3_column_type(st, c);
  if (type != SQLITE_TEXT) return "its flags are not text";
  const char *text = (const char *)sqlite3_column_text(st, c), *bad;
  size_t n = (size_t)sqlite3_column_bytes(st, c), badlen;
  if (n == 0) return NULL; /* the usual case */
  return obs_flags_parse(text, n, flags, &bad, &badlen) ? NULL : "its flags hold a word charter does not know";
}

/* Why the count at column c cannot be used, or NULL; *v receives it (NAN
 * when not stored). */
static const char *count_problem(sqlite3_stmt *st, int c, double *v) {
  int type = sqlite3_column_type(st, c);
  *v = NAN;
  if (type == SQLITE_NULL) return NULL;
  if (type != SQLITE_FLOAT && type != SQLITE_INTEGER) return "its numerator or denominator is not a number";
  double x = sqlite3_column_double(st, c);
  if (!isfinite(x) || x < 0) return "its numerator or denominator is not a finite number of at least 0";
  *v = x;
  return NULL;
}

/* Why the value at column c cannot be used, or NULL; *v receives it. A
 * withheld value (flags has OBS_SUPPRESSED) is NULL, read as NAN. */
static const char *value_problem(sqlite3_stmt *st, int c, unsigned flags, double *v) {
  int type = sqlite3_column_type(st, c);
  if (type == SQLITE_NULL && (flags & OBS_SUPPRESSED)) {
    *v = NAN;
    return NULL;
  }
  if (type == SQLITE_NULL) return "its value is missing (NULL, which is also how SQLite stores a NaN)";
  if (flags & OBS_SUPPRESSED) return "it has a value though it is flagged suppressed (withheld at its source)";
  if (type == SQLITE_BLOB) return "its value is a blob, not a number";
  if (type == SQLITE_TEXT) return "its value is text, not a number";
  *v = sqlite3_column_double(st, c);
  return isfinite(*v) ? NULL : "its value is not a finite number";
}

/* True when the date s is YYYY-MM-DD and the last day of p; *day
 * receives it. */
static bool ends_on(const char *s, Period p, int32_t *day) {
  const unsigned char *u = (const unsigned char *)s;
  unsigned v[10];
  for (int i = 0; i < 10; i++) {
    if (!u[i]) return false;
    v[i] = (unsigned)u[i] - '0';
  }
  if (v[0] > 9 || v[1] > 9 || v[2] > 9 || v[3] > 9 || u[4] != '-' || v[5] > 9 || v[6] > 9 || u[7] != '-' ||
      v[8] > 9 || v[9] > 9 || u[10] != '\0')
    return false;
  int y = (int)(v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3]), m = (int)(v[5] * 10 + v[6]), d = (int)(v[8] * 10 + v[9]);
  if (m < 1 || m > 12 || d < 1 || d > period_days_in_month(y, m)) return false;
  *day = period_days_from_civil(y, m, d);
  /* A school or fiscal year ends in the month of the calendar it was
   * imported with: the last day of any month of the right year. */
  if (p.kind == PER_SCHOOL_YEAR || p.kind == PER_FISCAL_YEAR)
    return y == p.year + (p.kind == PER_SCHOOL_YEAR) && d == period_days_in_month(y, m);
  return *day == period_last_day(p);
}

/* Why the period and its last day cannot be used, or NULL; *day receives
 * that last day. */
const char *store_period_problem(const char *period, const char *end, int32_t *day) {
  Period p;
  char why[PERIOD_WHY_MAX];
  if (!period_parse(period, strlen(period), &p, why)) return "its period is not a period";
  return ends_on(end, p, day) ? NULL : "its period's last day is stored wrong";
}

/* True when s is UTF-8 without control characters. */
bool store_clean_text(const char *s) {
  const unsigned char *u = (const unsigned char *)s;
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    uint32_t cp;
    int k = u[i] >= 0x20 && u[i] < 0x7f ? (cp = u[i], 1) : utf8_decode(u + i, n - i, &cp);
    if (k == 0 || cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return false;
    i += (size_t)k;
  }
  return true;
}

/* Records in last_error that the row st stands on (period at column pc;
 * dimension and group at columns 0 and 1 when groups) is corrupt for why;
 * then what follows. Returns STORE_CORRUPT. */
static StoreRc corrupt(SqlStore *q, sqlite3_stmt *st, const char *indicator, int pc, bool groups, const char *why,
                       const char *then) {
  char period[168], at[368] = ""; /* quote_safe writes at most 161 bytes */
  const unsigned char *ptext = sqlite3_column_text(st, pc);
  store_quote_safe(ptext ? (const char *)ptext : "", period, sizeof period);
  if (groups) {
    char dim[168], grp[168];
    const unsigned char *d = sqlite3_column_text(st, 0), *g = sqlite3_column_text(st, 1);
    store_quote_safe(d ? (const char *)d : "", dim, sizeof dim);
    store_quote_safe(g ? (const char *)g : "", grp, sizeof grp);
    if (*dim || *grp) snprintf(at, sizeof at, ", dimension '%s', group '%s'", dim, grp);
  }
  snprintf(q->err, sizeof q->err,
           "the stored row of indicator '%s' for period '%s'%s is corrupt: %s; %s: "
           "import that row again with --replace, or restore the store from a backup",
           indicator, period, at, why, then);
  return STORE_CORRUPT;
}

/* Reads the row st stands on (period at column pc, then period_end, then
 * value; dimension and group at columns 0 and 1 when groups) into *o,
 * checked: STORE_OK, or STORE_CORRUPT with last_error naming the
 * indicator and period. The dimension and group are checked when they
 * differ from the last ones checked (held in q). */
static StoreRc check_row(SqlStore *q, sqlite3_stmt *st, const char *indicator, int pc, bool groups, StoreObs *o) {
  *o = (StoreObs){.dimension = "", .group = "", .period = col_text(st, pc), .period_end = col_text(st, pc + 1),
                  .numerator = NAN, .denominator = NAN};
  /* columns: period, period_end, value, numerator, denominator, flags */
  const char *why = flags_problem(st, pc + 5, &o->flags);
  if (!why) why = value_problem(st, pc + 2, o->flags, &o->value);
  if (!why) why = count_problem(st, pc + 3, &o->numerator);
  if (!why) why = count_problem(st, pc + 4, &o->denominator);
  if (!why) why = store_period_problem(o->period, o->period_end, &o->day);
  if (!why && groups) {
    o->dimension = col_text(st, 0), o->group = col_text(st, 1);
    if (!q->dim.s || strcmp(o->dimension, q->dim.s) != 0 || strcmp(o->group, q->grp.s) != 0) {
      if (!store_clean_text(o->dimension) || !store_clean_text(o->group)) why = "its dimension or group is not plain text";
      else hold(&q->dim, (const unsigned char *)o->dimension), hold(&q->grp, (const unsigned char *)o->group);
    }
  }
  return why ? corrupt(q, st, indicator, pc, groups, why, "nothing was evaluated") : STORE_OK;
}

/* Binds v to parameter i, NAN as NULL. */
static void bind_real(sqlite3_stmt *st, int i, double v) {
  if (isnan(v)) sqlite3_bind_null(st, i);
  else sqlite3_bind_double(st, i, v);
}

/* True when a row has no counts and no flags (most rows): insert_plain
 * stores it. */
static bool plain(const StoreRow *r) { return !r->flags && isnan(r->numerator) && isnan(r->denominator); }

/* Binds a row's columns to an insert or update (?1..?12 as prepared; ?1..?9
 * for insert_plain). */
static void bind_row(sqlite3_stmt *st, const StoreRow *r, const char *coalition, int64_t import_id, bool all) {
  sqlite3_bind_text(st, 1, r->indicator, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, r->dimension, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, r->group, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, r->period, (int)r->period_len, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, r->period_end, 10, SQLITE_STATIC);
  bind_real(st, 6, r->value);
  sqlite3_bind_text(st, 7, r->source, (int)r->source_len, SQLITE_STATIC);
  sqlite3_bind_text(st, 8, r->note, (int)r->note_len, SQLITE_STATIC);
  sqlite3_bind_int64(st, 9, import_id);
  sqlite3_bind_text(st, 13, coalition, -1, SQLITE_STATIC);
  if (!all) return;
  char flags[64] = "";
  if (r->flags) obs_flags_text(r->flags, flags);
  bind_real(st, 10, r->numerator);
  bind_real(st, 11, r->denominator);
  if (r->flags) sqlite3_bind_text(st, 12, flags, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_text(st, 12, "", 0, SQLITE_STATIC);
}

/* Equal numbers, or both absent (NAN). */
static bool same_num(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

static StoreRc sqlite_put(Store *s, const StoreRow *r, int64_t import_id, bool replace, StorePut *put, StoreStored *old) {
  SqlStore *q = (SqlStore *)s;
  sqlite3_stmt *ins = plain(r) ? q->insert_plain : q->insert;
  bind_row(ins, r, q->coalition, import_id, ins == q->insert);
  int rc = step_done(ins);
  if (rc != SQLITE_OK) return result(q, rc);
  if (sqlite3_changes(q->db) == 1) {
    *put = STORE_ADDED;
    return STORE_OK;
  }
  /* the key is stored already */
  sqlite3_stmt *f = q->find;
  sqlite3_bind_text(f, 1, r->indicator, -1, SQLITE_STATIC);
  sqlite3_bind_text(f, 2, r->dimension, -1, SQLITE_STATIC);
  sqlite3_bind_text(f, 3, r->group, -1, SQLITE_STATIC);
  sqlite3_bind_text(f, 4, r->period_end, 10, SQLITE_STATIC);
  sqlite3_bind_text(f, 5, q->coalition, -1, SQLITE_STATIC);
  rc = sqlite3_step(f);
  if (rc != SQLITE_ROW) {
    sqlite3_reset(f);
    return result(q, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc);
  }
  /* a corrupt stored row is only ever replaced */
  Period per;
  char pwhy[PERIOD_WHY_MAX];
  double stored = 0, num = NAN, den = NAN;
  unsigned flags = 0;
  const char *why = flags_problem(f, 6, &flags), *ptext = col_text(f, 3);
  if (!why) why = value_problem(f, 0, flags, &stored);
  if (!why) why = count_problem(f, 4, &num);
  if (!why) why = count_problem(f, 5, &den);
  if (!why && !period_parse(ptext, strlen(ptext), &per, pwhy)) why = "its period is not a period";
  if (why && !replace) {
    corrupt(q, f, r->indicator, 3, false, why, "nothing was imported");
    sqlite3_reset(f);
    return STORE_CORRUPT;
  }
  old->value = stored, old->numerator = num, old->denominator = den, old->flags = flags;
  old->import_id = sqlite3_column_int64(f, 1);
  const unsigned char *file = sqlite3_column_text(f, 2), *period = sqlite3_column_text(f, 3);
  old->file = file ? hold(&q->file, file) : NULL;
  old->period = period ? hold(&q->period, period) : NULL;
  sqlite3_reset(f);
  if (!why && same_num(stored, r->value) && same_num(num, r->numerator) && same_num(den, r->denominator) &&
      flags == r->flags) {
    *put = STORE_UNCHANGED;
    return STORE_OK;
  }
  if (!replace) {
    *put = STORE_CONFLICT;
    return STORE_OK;
  }
  bind_row(q->update, r, q->coalition, import_id, true);
  rc = step_done(q->update);
  if (rc == SQLITE_OK) *put = STORE_REPLACED;
  return result(q, rc);
}

static StoreRc sqlite_series(Store *s, const char *coalition, const char *indicator, bool whole, const char *as_of,
                             StoreEach each, void *ctx) {
  SqlStore *q = (SqlStore *)s;
  sqlite3_stmt *st = whole ? q->whole : q->all;
  sqlite3_bind_text(st, 1, indicator, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 9, coalition ? coalition : q->coalition, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, as_of, 10, SQLITE_STATIC);
  int rc, c = whole ? 0 : 2; /* the column of period */
  StoreRc bad = STORE_OK;
  while (bad == STORE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    StoreObs o;
    if ((bad = check_row(q, st, indicator, c, !whole, &o)) != STORE_OK) break;
    each(ctx, &o);
  }
  StoreRc out = bad != STORE_OK ? bad : result(q, rc);
  sqlite3_reset(st);
  return out;
}

static StoreRc sqlite_latest(Store *s, const char *coalition, const char *indicator, const char *dimension,
                             const char *group, const char *as_of, StoreObs *out, bool *found) {
  SqlStore *q = (SqlStore *)s;
  sqlite3_stmt *st = q->glatest;
  sqlite3_bind_text(st, 9, coalition ? coalition : q->coalition, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 1, indicator, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, dimension, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, group, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, as_of, 10, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  *found = rc == SQLITE_ROW;
  StoreObs o;
  StoreRc bad = *found ? check_row(q, st, indicator, 0, false, &o) : STORE_OK;
  if (bad != STORE_OK) *found = false;
  if (*found)
    *out = (StoreObs){.dimension = dimension, .group = group, .period = hold(&q->period, (const unsigned char *)o.period),
                      .period_end = hold(&q->period_end, (const unsigned char *)o.period_end), .value = o.value,
                      .numerator = o.numerator, .denominator = o.denominator, .flags = o.flags, .day = o.day};
  StoreRc r = bad != STORE_OK ? bad : result(q, rc);
  sqlite3_reset(st);
  return r;
}

static StoreRc sqlite_verify(Store *s, const char *path, StoreMode mode, int *version, char *err, size_t errlen) {
  sqlite3 *db = ((SqlStore *)s)->db;
  bool ok = check_version(db, path, mode, version, err, errlen) &&
            (*version == 0 || check_schema(db, *version, path, err, errlen));
  return ok ? STORE_OK : STORE_FAILED;
}

static StoreRc sqlite_migrate(Store *s, const char *path, char *err, size_t errlen) {
  return migrate(((SqlStore *)s)->db, path, err, errlen) ? STORE_OK : STORE_FAILED;
}

static void sqlite_close(Store *s) {
  SqlStore *q = (SqlStore *)s;
  sqlite3_stmt *all[] = {q->whole,      q->glatest,    q->all,      q->insert,      q->insert_plain, q->find,
                         q->update,     q->new_import, q->set_rows, q->drop_import, q->key_add,      q->key_find};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) sqlite3_finalize(all[i]);
  sqlite3_close(q->db);
  free(q->period.s);
  free(q->period_end.s);
  free(q->file.s);
  free(q->dim.s);
  free(q->grp.s);
  free(q->path);
  free(q->coalition);
  free(q);
}

static const char *sqlite_last_error(const Store *s) { return ((const SqlStore *)s)->err; }

static const StoreMethods sqlite_methods = {
    .name = "sqlite",
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .remember = sqlite_remember,
    .record_import = sqlite_record_import,
    .finish_import = sqlite_finish_import,
    .put = sqlite_put,
    .series = sqlite_series,
    .latest = sqlite_latest,
    .verify = sqlite_verify,
    .migrate = sqlite_migrate,
    .close = sqlite_close,
    .last_error = sqlite_last_error,
};

/* Makes a connection just opened ready for mode: busy timeout, query_only
 * for readers, the version verified, WAL and migrations for writers. */
static bool store_ready(SqlStore *q, const char *path, StoreMode mode, bool wal_before, char *err, size_t errlen) {
  sqlite3 *db = q->db;
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
  /* A store may come from someone else: no writing to the schema, no
   * functions run from it, and triggers and views never used even if the
   * verification below missed one. */
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
  /* Until the store is known to be ours, closing must not checkpoint a WAL
   * that was there before into the file (a newer store's version may be
   * only in its WAL). A WAL that SQLite made just now holds nothing, and
   * closing removes it. */
  if (wal_before) sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  if (mode == STORE_READ) sqlite3_exec(db, "PRAGMA query_only = ON", NULL, NULL, NULL);
  int version = 0;
  if (q->base.m->verify(&q->base, path, mode, &version, err, errlen) != STORE_OK) return false;
  q->version = version;
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
      return false;
    }
    if (version < STORE_VERSION && q->base.m->migrate(&q->base, path, err, errlen) != STORE_OK) return false;
    q->version = STORE_VERSION;
  }
  sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
  sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
  return true;
}

/* Checks what path names before anything opens it: a regular file, or for
 * a writer nothing yet (and not a link to nothing, which would make the
 * new store wherever the link points). *st receives the file's status. */
static bool check_path(const char *path, StoreMode mode, struct stat *st, char *err, size_t errlen) {
  if (!*path) {
    snprintf(err, errlen, "--db needs a file name");
    return false;
  }
  /* "postgresql:net", "POSTGRESQL://…", "pgsql://…": meant as a server,
   * never a new file of that name */
  size_t scheme = strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-");
  bool uri = scheme > 0 && path[scheme] == ':' &&
             (strncmp(path + scheme, "://", 3) == 0 || strncasecmp(path, "postgres", 8) == 0 || strncasecmp(path, "pgsql", 5) == 0);
  /* libpq's other form, "dbname=network host=db.example.org" */
  static const char *const keys[] = {"dbname=", "host=", "hostaddr=", "user=", "service=", "port="};
  for (size_t k = 0; k < sizeof keys / sizeof *keys && !uri; k++)
    uri = strncmp(path, keys[k], strlen(keys[k])) == 0 || (strstr(path, keys[k]) && strchr(path, ' '));
  if (uri) {
    snprintf(err, errlen,
             "'%s' looks like a server's address, not a file: a PostgreSQL store is named postgresql://USER@HOST/DATABASE "
             "(in lower case, with two slashes); an SQLite store is a file path%s",
             path, strchr(path, '/') ? "" : " (write ./NAME for a file whose name looks like this)");
    return false;
  }
  if (stat(path, st) == 0) {
    if (S_ISREG(st->st_mode)) return true;
    snprintf(err, errlen, "'%s' is not a regular file: --db names an SQLite database file", path);
    return false;
  }
  int e = errno;
  struct stat lst;
  if (e == ENOENT && lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
    snprintf(err, errlen,
             "'%s' is a symbolic link to a file that does not exist: charter makes a new store only at a path that "
             "is not a link; give --db the path of the store itself",
             path);
    return false;
  }
  if (mode == STORE_WRITE && e == ENOENT) {
    memset(st, 0, sizeof *st);
    return true;
  }
  if (e == ENOENT)
    snprintf(err, errlen, "there is no database '%s': create it with 'charter import --db %s FILE DATA.csv'", path, path);
  else
    snprintf(err, errlen, "cannot open '%s': %s", path, strerror(e));
  return false;
}

/* True when path followed by suffix names an existing file; with nonempty,
 * a file holding something. */
static bool side_file(const char *path, const char *suffix, bool nonempty) {
  char *name = sqlite3_mprintf("%s%s", path, suffix);
  struct stat st;
  bool there = name && stat(name, &st) == 0 && (!nonempty || st.st_size > 0);
  sqlite3_free(name);
  return there;
}

/* The name SQLite gets for path (sqlite3_free it): an immutable reader's
 * as a URI, with every byte but [A-Za-z0-9/._~-] %-escaped; a relative
 * path as "./path", since SQLite reads ":memory:" and "file:…" as special
 * names. NULL when out of memory. */
static char *sqlite_name(const char *path, bool immutable) {
  if (!immutable) return path[0] == '/' ? sqlite3_mprintf("%s", path) : sqlite3_mprintf("./%s", path);
  size_t n = strlen(path);
  char *esc = xmalloc(3 * n + 1), *o = esc;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)path[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("/._~-", c))
      *o++ = (char)c;
    else
      o += sprintf(o, "%%%02X", c);
  }
  *o = '\0';
  char *uri = sqlite3_mprintf("file:%s%s?immutable=1", path[0] == '/' ? "" : "./", esc);
  free(esc);
  return uri;
}

const char *store_default(const char *given) {
  const char *env = getenv("CHARTER_DB");
  return given ? given : env && *env ? env : NULL;
}

bool store_is_uri(const char *path) { return store_is_pg(path); }

bool store_exists(const char *path) {
  struct stat st;
  return store_is_pg(path) ? store_pg_exists(path) : stat(path, &st) == 0;
}

void store_remove_new(const char *path) {
  if (store_is_pg(path)) return;
  /* concurrency: a store another import still has open (its -wal or -shm,
   * which SQLite removes when the last connection closes) is that import's
   * too, and stays: removing it would lose the rows written into it */
  for (int i = 0; i < 2; i++) {
    char *f = sqlite3_mprintf("%s%s", path, i ? "-shm" : "-wal");
    bool open_elsewhere = f && access(f, F_OK) == 0;
    sqlite3_free(f);
    if (open_elsewhere) return;
  }
  /* and one that holds an import (another import made it too, committed
   * and closed between this one's making it and now) stays: looked at
   * under an exclusive lock, so no import is half-way through. An import
   * that opened it meanwhile and commits after it is gone is refused at
   * its commit (sqlite_commit), never lost in silence. */
  sqlite3 *db = NULL;
  char *name = sqlite_name(path, false);
  int imports = -1;
  if (name && sqlite3_open_v2(name, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 2000);
    if (sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL) == SQLITE_OK) {
      bool there = false;
      sqlite3_stmt *st = NULL;
      if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE name = 'import'", -1, &st, NULL) == SQLITE_OK)
        there = sqlite3_step(st) == SQLITE_ROW;
      sqlite3_finalize(st);
      if (!there || query_int(db, "SELECT count(*) FROM import", &imports) != SQLITE_OK) imports = there ? -1 : 0;
      /* removed while the lock is held: an import waiting for it finds
       * the file moved when it commits */
      if (imports == 0) unlink(path);
      sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
  }
  sqlite3_close(db);
  sqlite3_free(name);
  if (imports != 0) return;
  /* the side files, unless a new store was made at path meanwhile (they
   * would then be its own) */
  struct stat st;
  if (stat(path, &st) == 0) return;
  static const char *const side[] = {"-wal", "-shm", "-journal"};
  for (int i = 0; i < 3; i++) {
    char *f = sqlite3_mprintf("%s%s", path, side[i]);
    if (f) unlink(f);
    sqlite3_free(f);
  }
}

Store *store_open(const char *path, StoreMode mode, const char *coalition, char *err, size_t errlen) {
  if (store_is_pg(path)) return store_pg_open(path, mode, coalition, err, errlen);
  struct stat st;
  if (!check_path(path, mode, &st, err, errlen) || !check_header(path, mode, err, errlen)) return NULL;
  /* A reader opens the file read-only. While no import is under way (no
   * -wal or -shm file beside it), it opens it immutable: SQLite then makes
   * no -wal or -shm file, which, made by a reader, another user could not
   * write, and takes no lock; what it read is checked to be one snapshot
   * when it commits (changed_underneath). Otherwise it uses the files
   * there, read-write when it may, so that closing the last connection
   * removes them. */
  bool immutable = mode == STORE_READ && !side_file(path, "-wal", false) && !side_file(path, "-shm", false);
  int flags = (mode == STORE_WRITE                ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
               : !immutable && access(path, W_OK) == 0 ? SQLITE_OPEN_READWRITE
                                                      : SQLITE_OPEN_READONLY) |
              SQLITE_OPEN_NOMUTEX | (immutable ? SQLITE_OPEN_URI : 0);
  char *name = sqlite_name(path, immutable);
  if (!name) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  bool wal_before = side_file(path, "-wal", true);
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(name, &db, flags, NULL);
  sqlite3_free(name);
  if (rc != SQLITE_OK) {
    describe(db, rc, path, err, errlen);
    sqlite3_close(db);
    return NULL;
  }
  SqlStore *q = xcalloc(1, sizeof *q);
  q->base.m = &sqlite_methods;
  q->db = db;
  q->coalition = xstrdup(coalition ? coalition : "");
  if (immutable) {
    q->path = xstrdup(path);
    q->seen = st;
  }
  if (!store_ready(q, path, mode, wal_before, err, errlen)) {
    sqlite_close(&q->base);
    return NULL;
  }
  return &q->base;
}

void store_close(Store *s) {
  if (s) s->m->close(s);
}

struct sqlite3 *store_sqlite_db(Store *s) {
  return s && s->m == &sqlite_methods ? ((SqlStore *)s)->db : NULL;
}
