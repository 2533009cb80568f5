/* Opening the measurement store (runtime/store_sqlite.c, docs/measurement.md
 * "The store"): a new store is created at schema 2 (user_version,
 * WAL, both tables STRICT with the documented columns, foreign keys on); a
 * store opens again in either mode; what is not a store, or is a newer
 * one, is refused with the file left byte for byte as it was and nothing
 * made next to it; the messages are lower-case, name the path and say what
 * to do. Then the methods of store.h: a rolled-back transaction leaves
 * nothing, rows put come back, verify refuses what is no longer ours. The
 * tests craft databases through the engine's SQLite connection. Each test
 * works in its own mkdtemp directory, removed afterwards. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "scratch.h"
#include "store.h"

static int setup(void **state) {
  Scratch *s = calloc(1, sizeof *s);
  if (!s) return -1;
  scratch_init(s);
  *state = s;
  return 0;
}

static int teardown(void **state) {
  Scratch *s = *state;
  scratch_free(s);
  free(s);
  return 0;
}

/* ---- helpers ---- */

/* The stores open_db opened, to close by their connection. */
static Store *opened[8];

/* store_open, giving the store's SQLite connection (NULL when refused). */
static sqlite3 *open_db(const char *path, StoreMode mode, char *err, size_t errlen) {
  Store *st = store_open(path, mode, "", err, errlen);
  if (!st) return NULL;
  for (size_t i = 0; i < sizeof opened / sizeof *opened; i++)
    if (!opened[i]) {
      opened[i] = st;
      return store_sqlite_db(st);
    }
  fail_msg("too many stores open");
  return NULL;
}

/* Closes the store whose connection db is. */
static void close_db(sqlite3 *db) {
  for (size_t i = 0; i < sizeof opened / sizeof *opened; i++)
    if (opened[i] && store_sqlite_db(opened[i]) == db) {
      store_close(opened[i]);
      opened[i] = NULL;
      return;
    }
  fail_msg("close_db: not a store's connection");
}

/* The first column of sql's first row as an integer (-999 without a row). */
static long long q_int(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  long long v = -999;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  else if (rc != SQLITE_DONE) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  sqlite3_finalize(st);
  return v;
}

/* The same as text (the caller frees it; NULL without a row). */
static char *q_text(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) fail_msg("%s: %s", sql, sqlite3_errmsg(db));
  char *v = NULL;
  if (sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char *t = sqlite3_column_text(st, 0);
    v = strdup(t ? (const char *)t : "");
  }
  sqlite3_finalize(st);
  return v;
}

static void expect_text(sqlite3 *db, const char *sql, const char *want) {
  char *got = q_text(db, sql);
  bool same = got && strcmp(got, want) == 0;
  if (!same) print_error("%s\n  gives    %s\n  expected %s\n", sql, got ? got : "(no row)", want);
  free(got);
  if (!same) fail();
}

/* The extended result code of running sql. */
static int exec_rc(sqlite3 *db, const char *sql) {
  sqlite3_extended_result_codes(db, 1);
  return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/* Makes a database with plain SQLite (rollback journal unless sql says). */
static void make_db(const char *path, const char *sql) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
  assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* A refusal message: lower-case at the start (or the quoted path), one
 * line, no full stop, names the path in quotes (when given) and holds
 * each of the words wanted (NULL-terminated). */
static void expect_message(const char *err, const char *path, ...) {
  if (!*err) fail_msg("no message");
  if (isupper((unsigned char)err[0])) fail_msg("message starts upper-case: %s", err);
  if (strchr(err, '\n')) fail_msg("message of several lines: %s", err);
  size_t n = strlen(err);
  if (err[n - 1] == '.' || err[n - 1] == ' ') fail_msg("message ends with '%c': %s", err[n - 1], err);
  if (path) {
    char quoted[PATH_MAX + 3];
    snprintf(quoted, sizeof quoted, "'%s'", path);
    if (!strstr(err, quoted)) fail_msg("message does not name %s: %s", quoted, err);
  }
  va_list ap;
  va_start(ap, path);
  const char *w;
  while ((w = va_arg(ap, const char *)) != NULL)
    if (!strstr(err, w)) {
      va_end(ap);
      fail_msg("message lacks \"%s\": %s", w, err);
    }
  va_end(ap);
}

/* store_open refuses path in mode, leaving it and its directory exactly as
 * they were; err gets the message. */
static void expect_refused(Scratch *s, const char *path, StoreMode mode, char *err, size_t errlen) {
  size_t n0 = 0, n1 = 0;
  unsigned char *before = scratch_read(path, &n0);
  char *list0 = scratch_list(s->dir);
  memset(err, 'x', errlen);
  err[errlen - 1] = '\0';
  sqlite3 *db = open_db(path, mode, err, errlen);
  if (db) {
    close_db(db);
    free(before);
    free(list0);
    fail_msg("store_open(%s, %s) succeeded", path, mode == STORE_READ ? "read" : "write");
  }
  unsigned char *after = scratch_read(path, &n1);
  char *list1 = scratch_list(s->dir);
  bool same_file = (!before && !after) || (before && after && n0 == n1 && memcmp(before, after, n0) == 0);
  bool same_dir = strcmp(list0, list1) == 0;
  if (!same_dir) print_error("directory was: %s\n          now: %s\n", list0, list1);
  free(before);
  free(after);
  free(list0);
  free(list1);
  if (!same_file) fail_msg("%s changed (%zu bytes, now %zu)", path, n0, n1);
  if (!same_dir) fail();
}

/* ---- a new store ---- */

static void test_write_creates_schema_3(void **state) {
  Scratch *s = *state;
  const char *path = scratch_path(s, "new.db");
  char err[512] = "";
  sqlite3 *db = open_db(path, STORE_WRITE, err, sizeof err);
  if (!db) fail_msg("store_open: %s", err);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_true(S_ISREG(st.st_mode));
  assert_int_equal(q_int(db, "PRAGMA user_version"), STORE_VERSION);
  assert_int_equal(STORE_VERSION, 3);
  expect_text(db, "PRAGMA journal_mode", "wal");
  assert_int_equal(q_int(db, "PRAGMA foreign_keys"), 1);
  assert_true(q_int(db, "PRAGMA busy_timeout") > 0);
  /* exactly the two tables, both STRICT */
  assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"), 2);
  assert_int_equal(q_int(db, "SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = 'import'"), 1);
  assert_int_equal(q_int(db, "SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = 'measurement'"),
                   1);
  assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%) STRICT%'"), 2);
  /* the columns: name, type, not null, default, place in the primary key */
  expect_text(db,
              "SELECT group_concat(name || ' ' || type || ' ' || \"notnull\" || ' ' || ifnull(dflt_value, '-') || ' ' || pk, "
              "', ') FROM (SELECT * FROM pragma_table_info('import') ORDER BY cid)",
              "id INTEGER 0 - 1, file TEXT 1 - 0, rows INTEGER 1 - 0, at TEXT 1 - 0, coalition TEXT 1 '' 0");
  expect_text(db,
              "SELECT group_concat(name || ' ' || type || ' ' || \"notnull\" || ' ' || ifnull(dflt_value, '-') || ' ' || pk, "
              "', ') FROM (SELECT * FROM pragma_table_info('measurement') ORDER BY cid)",
              "coalition TEXT 1 '' 1, indicator TEXT 1 - 2, dimension TEXT 1 '' 3, grp TEXT 1 '' 4, period TEXT 1 - 0, "
              "period_end TEXT 1 - 5, value REAL 0 - 0, numerator REAL 0 - 0, denominator REAL 0 - 0, "
              "flags TEXT 1 '' 0, source TEXT 1 '' 0, note TEXT 1 '' 0, import_id INTEGER 1 - 0");
  /* WITHOUT ROWID, and a value NULL only when withheld */
  assert_int_equal(q_int(db, "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = 'measurement'"), 1);
  assert_int_equal(exec_rc(db, "INSERT INTO import (id, file, rows, at) VALUES (1, 'a.csv', 1, '2025-01-01T00:00:00Z')"), SQLITE_OK);
  assert_int_equal(exec_rc(db, "INSERT INTO measurement (indicator, period, period_end, value, import_id) "
                               "VALUES ('i', '2025', '2025-12-31', NULL, 1)"),
                   SQLITE_CONSTRAINT_CHECK);
  assert_int_equal(exec_rc(db, "INSERT INTO measurement (indicator, period, period_end, value, flags, import_id) "
                               "VALUES ('i', '2025', '2025-12-31', NULL, 'provisional;suppressed', 1)"),
                   SQLITE_OK);
  expect_text(db, "SELECT \"table\" || '(' || \"to\" || ') <- ' || \"from\" FROM pragma_foreign_key_list('measurement')",
              "import(id) <- import_id");
  close_db(db);
  /* the journal mode is kept in the file (once closed): byte 18 and 19 of the header are 2 */
  size_t n = 0;
  unsigned char *bytes = scratch_read(path, &n);
  assert_non_null(bytes);
  assert_true(n >= 100);
  assert_memory_equal(bytes, "SQLite format 3", 16);
  assert_int_equal(bytes[18], 2);
  assert_int_equal(bytes[19], 2);
  free(bytes);
}

/* Foreign keys and STRICT typing are in force on the handle returned. */
static void test_write_enforces_keys_and_types(void **state) {
  Scratch *s = *state;
  char err[512] = "";
  sqlite3 *db = open_db(scratch_path(s, "k.db"), STORE_WRITE, err, sizeof err);
  if (!db) fail_msg("store_open: %s", err);
  assert_int_equal(exec_rc(db, "INSERT INTO import (id, file, rows, at) VALUES (1, 'a.csv', 1, '2025-01-01T00:00:00Z')"), SQLITE_OK);
  assert_int_equal(exec_rc(db, "INSERT INTO measurement (indicator, period, period_end, value, import_id) "
                               "VALUES ('i', '2025', '2025-12-31', 1.5, 1)"),
                   SQLITE_OK);
  /* no import 2 */
  assert_int_equal(exec_rc(db, "INSERT INTO measurement (indicator, period, period_end, value, import_id) "
                               "VALUES ('i', '2024', '2024-12-31', 1.5, 2)"),
                   SQLITE_CONSTRAINT_FOREIGNKEY);
  /* a value that is not a number */
  assert_int_equal(exec_rc(db, "INSERT INTO measurement (indicator, period, period_end, value, import_id) "
                               "VALUES ('i', '2023', '2023-12-31', 'many', 1)"),
                   SQLITE_CONSTRAINT_DATATYPE);
  /* the same key twice */
  assert_int_equal(exec_rc(db, "INSERT INTO measurement (indicator, period, period_end, value, import_id) "
                               "VALUES ('i', '2025-12-31', '2025-12-31', 2, 1)"),
                   SQLITE_CONSTRAINT_PRIMARYKEY);
  /* the defaults: '' for the whole population, source and note */
  expect_text(db, "SELECT dimension || '|' || grp || '|' || source || '|' || note FROM measurement", "|||");
  close_db(db);
}

/* A store opens again, in both modes and at the same time, and keeps its
 * rows; the read handle cannot write. */
static void test_second_open(void **state) {
  Scratch *s = *state;
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "again.db"));
  char err[512] = "";
  sqlite3 *db = open_db(path, STORE_WRITE, err, sizeof err);
  if (!db) fail_msg("store_open: %s", err);
  assert_int_equal(exec_rc(db, "INSERT INTO import (id, file, rows, at) VALUES (1, 'a.csv', 1, '2025-01-01T00:00:00Z');"
                               "INSERT INTO measurement (indicator, period, period_end, value, import_id) "
                               "VALUES ('i', '2025', '2025-12-31', 7, 1)"),
                   SQLITE_OK);
  close_db(db);

  sqlite3 *w = open_db(path, STORE_WRITE, err, sizeof err);
  if (!w) fail_msg("second write open: %s", err);
  sqlite3 *r = open_db(path, STORE_READ, err, sizeof err);
  if (!r) fail_msg("read open beside a write open: %s", err);
  sqlite3 *w2 = open_db(path, STORE_WRITE, err, sizeof err);
  if (!w2) fail_msg("third open: %s", err);
  for (int k = 0; k < 3; k++) {
    sqlite3 *h = k == 0 ? w : k == 1 ? r : w2;
    assert_int_equal(q_int(h, "PRAGMA user_version"), STORE_VERSION);
    assert_int_equal(q_int(h, "SELECT count(*) FROM measurement"), 1);
    assert_int_equal(q_int(h, "SELECT value FROM measurement"), 7);
    assert_int_equal(q_int(h, "PRAGMA foreign_keys"), 1);
    assert_int_equal(q_int(h, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"), 2);
  }
  expect_text(r, "PRAGMA journal_mode", "wal");
  assert_int_equal(exec_rc(r, "DELETE FROM measurement") & 0xff, SQLITE_READONLY);
  /* a row written by one write handle is seen by the others */
  assert_int_equal(exec_rc(w, "INSERT INTO measurement (indicator, period, period_end, value, import_id) "
                              "VALUES ('i', '2026', '2026-12-31', 8, 1)"),
                   SQLITE_OK);
  assert_int_equal(q_int(r, "SELECT count(*) FROM measurement"), 2);
  assert_int_equal(q_int(w2, "SELECT count(*) FROM measurement"), 2);
  close_db(w);
  close_db(r);
  close_db(w2);
}

/* An empty file, and a version-0 database with no tables, become stores. */
static void test_write_adopts_empty_files(void **state) {
  Scratch *s = *state;
  char err[512] = "";
  const char *path = scratch_path(s, "zero.db");
  scratch_write(path, "", 0);
  sqlite3 *db = open_db(path, STORE_WRITE, err, sizeof err);
  if (!db) fail_msg("empty file: %s", err);
  assert_int_equal(q_int(db, "PRAGMA user_version"), STORE_VERSION);
  assert_int_equal(q_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"), 2);
  close_db(db);

  path = scratch_path(s, "dropped.db");
  make_db(path, "CREATE TABLE t (a); DROP TABLE t;");
  db = open_db(path, STORE_WRITE, err, sizeof err);
  if (!db) fail_msg("version-0 database without tables: %s", err);
  assert_int_equal(q_int(db, "PRAGMA user_version"), STORE_VERSION);
  expect_text(db, "PRAGMA journal_mode", "wal");
  close_db(db);
}

/* ---- refusals ---- */

static void test_read_missing_is_not_created(void **state) {
  Scratch *s = *state;
  char err[512];
  const char *path = scratch_path(s, "missing.db");
  expect_refused(s, path, STORE_READ, err, sizeof err);
  expect_message(err, path, "there is no database", "charter import", NULL);
  struct stat st;
  assert_int_not_equal(stat(path, &st), 0);
  assert_int_equal(errno, ENOENT);
  char *list = scratch_list(s->dir);
  assert_string_equal(list, "");
  free(list);
}

/* A new store in a directory that does not exist: refused, nothing made. */
static void test_write_in_missing_directory(void **state) {
  Scratch *s = *state;
  char err[512];
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "no/such/dir.db"));
  expect_refused(s, path, STORE_WRITE, err, sizeof err);
  expect_message(err, path, "cannot open", NULL);
  char *list = scratch_list(s->dir);
  assert_string_equal(list, "");
  free(list);
}

/* Read-only on an empty store (no tables yet): there is nothing to read. */
static void test_read_version_0(void **state) {
  Scratch *s = *state;
  char err[512];
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "empty.db"));
  scratch_write(path, "", 0);
  expect_refused(s, path, STORE_READ, err, sizeof err);
  expect_message(err, path, "holds no measurements yet", "charter import", NULL);

  snprintf(path, sizeof path, "%s", scratch_path(s, "dropped.db"));
  make_db(path, "CREATE TABLE t (a); DROP TABLE t;");
  expect_refused(s, path, STORE_READ, err, sizeof err);
  expect_message(err, path, "holds no measurements yet", "charter import", NULL);
}

/* A store of a newer schema, in either journal mode: refused in both
 * modes, byte for byte as it was. */
static void test_newer_version_refused(void **state) {
  Scratch *s = *state;
  char err[512];
  char path[PATH_MAX];
  static const char *const schema =
      "CREATE TABLE import (id INTEGER PRIMARY KEY, file TEXT NOT NULL, rows INTEGER NOT NULL, at TEXT NOT NULL) STRICT;"
      "CREATE TABLE measurement (indicator TEXT NOT NULL, period_end TEXT NOT NULL, value REAL NOT NULL) STRICT;"
      "INSERT INTO measurement VALUES ('i', '2025-12-31', 3);"
      "PRAGMA user_version = 4;";
  snprintf(path, sizeof path, "%s", scratch_path(s, "v4.db"));
  make_db(path, schema);
  for (int mode = 0; mode < 2; mode++) {
    expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    expect_message(err, path, "newer charter", "store schema 4", "left as it is", NULL);
  }
  /* still a rollback-journal database: WAL was not switched on */
  size_t n = 0;
  unsigned char *bytes = scratch_read(path, &n);
  assert_int_equal(bytes[18], 1);
  free(bytes);

  /* user_version 4 on a database with no tables at all */
  snprintf(path, sizeof path, "%s", scratch_path(s, "v4bare.db"));
  make_db(path, "PRAGMA user_version = 4;");
  for (int mode = 0; mode < 2; mode++) {
    expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    expect_message(err, path, "newer charter", NULL);
  }

  /* a newer store in WAL mode: refused untouched, and no -wal or -shm
   * file made beside it */
  snprintf(path, sizeof path, "%s", scratch_path(s, "v2wal.db"));
  make_db(path, "PRAGMA journal_mode = WAL;" /* then */ "CREATE TABLE x (a); PRAGMA user_version = 7;");
  for (int mode = 0; mode < 2; mode++) {
    expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    expect_message(err, path, "store schema 7", "newer charter", NULL);
  }
}

/* A newer version still only in the WAL (another program has the store
 * open and has not checkpointed): the file's header says the current
 * version, SQLite says the next. */
static void test_newer_version_in_wal_refused(void **state) {
  Scratch *s = *state;
  char err[512] = "";
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "walv2.db"));
  sqlite3 *db = open_db(path, STORE_WRITE, err, sizeof err);
  if (!db) fail_msg("store_open: %s", err);
  close_db(db);
  sqlite3 *holder = NULL;
  assert_int_equal(sqlite3_open(path, &holder), SQLITE_OK);
  assert_int_equal(exec_rc(holder, "PRAGMA wal_autocheckpoint = 0; PRAGMA user_version = 4;"), SQLITE_OK);
  size_t n0 = 0, n1 = 0;
  unsigned char *before = scratch_read(path, &n0);
  assert_non_null(before);
  assert_int_equal(before[63], STORE_VERSION); /* the header still says the current version */
  for (int mode = 0; mode < 2; mode++) {
    sqlite3 *h = open_db(path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    if (h) {
      close_db(h);
      sqlite3_close(holder);
      free(before);
      fail_msg("a store of schema 3 (in the WAL) opened in %s mode", mode ? "write" : "read");
    }
    expect_message(err, path, "store schema 4", "newer charter", NULL);
  }
  unsigned char *after = scratch_read(path, &n1);
  assert_int_equal(n0, n1);
  assert_memory_equal(before, after, n0);
  free(before);
  free(after);
  assert_int_equal(sqlite3_close(holder), SQLITE_OK);
}

/* Files that are not SQLite databases, in both modes. */
static void test_not_a_database_refused(void **state) {
  Scratch *s = *state;
  char err[512];
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "data.csv"));
  static const char csv[] = "indicator,period,value\nemployment_rate,2025-Q2,47.5\n";
  scratch_write(path, csv, sizeof csv - 1);
  for (int mode = 0; mode < 2; mode++) {
    expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    expect_message(err, path, "not an SQLite database", "new file name", NULL);
  }

  /* random bytes of several lengths (seeded, so the same every run) */
  static const size_t sizes[] = {1, 2, 15, 16, 100, 512, 4096, 10000};
  unsigned long long x = 0x9E3779B97F4A7C15ull;
  for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
    unsigned char *b = malloc(sizes[k]);
    assert_non_null(b);
    for (size_t i = 0; i < sizes[k]; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      b[i] = (unsigned char)(x >> 24);
    }
    snprintf(path, sizeof path, "%s/random%zu.db", s->dir, sizes[k]);
    scratch_write(path, b, sizes[k]);
    free(b);
    for (int mode = 0; mode < 2; mode++) {
      expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
      expect_message(err, path, NULL);
    }
  }

  /* SQLite's magic, then garbage: refused as not a database or damaged */
  snprintf(path, sizeof path, "%s", scratch_path(s, "magic.db"));
  unsigned char page[4096];
  for (size_t i = 0; i < sizeof page; i++) page[i] = (unsigned char)(i * 37 + 11);
  memcpy(page, "SQLite format 3", 16);
  scratch_write(path, page, sizeof page);
  for (int mode = 0; mode < 2; mode++) {
    expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    expect_message(err, path, NULL);
    if (!strstr(err, "not an SQLite database") && !strstr(err, "damaged")) fail_msg("message: %s", err);
  }
}

/* Another program's database: refused, with its tables and mode kept. */
static void test_other_tables_refused(void **state) {
  Scratch *s = *state;
  char err[512];
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "people.db"));
  make_db(path, "CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('Ada');");
  for (int mode = 0; mode < 2; mode++) {
    expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    expect_message(err, path, "not a Charter measurement store", "other tables", "new file name", NULL);
  }
  /* only an index, a view or a trigger is still something of someone's */
  snprintf(path, sizeof path, "%s", scratch_path(s, "view.db"));
  make_db(path, "CREATE VIEW v AS SELECT 1;");
  for (int mode = 0; mode < 2; mode++) {
    expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    expect_message(err, path, "other tables", NULL);
  }
}

static void test_directory_refused(void **state) {
  Scratch *s = *state;
  char err[512];
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "adir"));
  assert_int_equal(mkdir(path, 0700), 0);
  for (int mode = 0; mode < 2; mode++) {
    expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    expect_message(err, path, "not a regular file", "--db", NULL);
  }
  char *inside = scratch_list(path);
  assert_string_equal(inside, "");
  free(inside);
}

static void test_empty_path_refused(void **state) {
  Scratch *s = *state;
  char err[512];
  for (int mode = 0; mode < 2; mode++) {
    expect_refused(s, "", mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    expect_message(err, NULL, "--db", "file name", NULL);
  }
}

/* A short buffer gets a truncated message, always terminated (ASan checks
 * that nothing is written past it). */
static void test_message_truncated(void **state) {
  Scratch *s = *state;
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "missing.db"));
  for (size_t len = 1; len <= 24; len++) {
    char *err = malloc(len);
    assert_non_null(err);
    memset(err, 'x', len);
    assert_null(open_db(path, STORE_READ, err, len));
    assert_true(strlen(err) == len - 1);
    assert_null(open_db("", STORE_READ, err, len));
    assert_true(strlen(err) <= len - 1);
    free(err);
  }
}

/* SQLite reports a one-byte file as empty (os_unix.c, ticket #3260): it
 * must still be refused, not made into a store. */
static void test_one_byte_file_refused(void **state) {
  Scratch *s = *state;
  char err[512];
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "note.txt"));
  scratch_write(path, "\n", 1);
  for (int mode = 0; mode < 2; mode++) {
    expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    expect_message(err, path, "not an SQLite database", NULL);
  }
}

/* A reader of a store in WAL mode leaves nothing beside it once closed
 * (SQLite's -wal and -shm files are removed), and cannot write. */
static void test_reader_leaves_no_files(void **state) {
  Scratch *s = *state;
  char err[512] = "";
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "r.db"));
  sqlite3 *db = open_db(path, STORE_WRITE, err, sizeof err);
  if (!db) fail_msg("store_open: %s", err);
  assert_int_equal(exec_rc(db, "INSERT INTO import (id, file, rows, at) VALUES (1, 'a.csv', 1, '2025-01-01T00:00:00Z')"), SQLITE_OK);
  close_db(db);
  char *list = scratch_list(s->dir);
  assert_string_equal(list, "r.db");
  free(list);
  size_t n0 = 0, n1 = 0;
  unsigned char *before = scratch_read(path, &n0);
  for (int k = 0; k < 2; k++) {
    sqlite3 *r = open_db(path, STORE_READ, err, sizeof err);
    if (!r) fail_msg("read open: %s", err);
    assert_int_equal(q_int(r, "SELECT count(*) FROM import"), 1);
    assert_int_equal(exec_rc(r, "INSERT INTO import (id, file, rows, at) VALUES (2, 'b.csv', 1, '2025-01-01T00:00:00Z')") & 0xff,
                     SQLITE_READONLY);
    close_db(r);
  }
  list = scratch_list(s->dir);
  assert_string_equal(list, "r.db");
  free(list);
  unsigned char *after = scratch_read(path, &n1);
  assert_int_equal(n0, n1);
  assert_memory_equal(before, after, n0);
  free(before);
  free(after);
}

/* ---- regressions: each was a bug found by these tests ---- */

/* Another program's database that sets user_version 1 (as many do) was
 * taken for a store: a write open switched it to WAL (rewriting its
 * header), and eval and import then failed on a missing table. */
static void test_regression_foreign_version_1(void **state) {
  Scratch *s = *state;
  char err[512];
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "app.db"));
  make_db(path, "CREATE TABLE people (name TEXT); PRAGMA user_version = 1;");
  for (int mode = 0; mode < 2; mode++) {
    expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    expect_message(err, path, "not a Charter measurement store", NULL);
  }
}

/* SQLite (built with SQLITE_USE_URI, as Debian's is) reads ":memory:" and
 * "file:..." as special names: import --db :memory: "succeeded" into a
 * database that vanished, and --db file:x.db wrote x.db. Now the file named
 * is made. */
static void test_regression_special_names(void **state) {
  Scratch *s = *state;
  char cwd[PATH_MAX];
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(s->dir), 0);
  static const char *const names[] = {":memory:", "file:x.db", "file:y.db?mode=memory"};
  bool ok = true;
  for (int i = 0; i < 3; i++) {
    char err[512] = "";
    sqlite3 *db = open_db(names[i], STORE_WRITE, err, sizeof err);
    struct stat st;
    if (db && stat(names[i], &st) != 0) {
      print_error("store_open(\"%s\") succeeded without making that file\n", names[i]);
      ok = false;
    }
    if (db) close_db(db);
  }
  assert_int_equal(chdir(cwd), 0);
  if (!ok) fail();
}

/* ---- the interface (store.h's methods, on the SQLite engine) ---- */

/* A store opened for writing in the scratch directory. */
static Store *open_store(Scratch *s, const char *name) {
  char err[512] = "";
  Store *st = store_open(scratch_path(s, name), STORE_WRITE, "", err, sizeof err);
  if (!st) fail_msg("store_open: %s", err);
  assert_string_equal(st->m->name, "sqlite");
  assert_non_null(store_sqlite_db(st));
  return st;
}

/* The observations a series gives, as "dim/group/period/end=value ...". */
typedef struct Got {
  char text[512]; /* the observations so far */
} Got;

static void got_add(void *ctx, const StoreObs *o) {
  Got *g = ctx;
  size_t n = strlen(g->text);
  snprintf(g->text + n, sizeof g->text - n, "%s%s/%s/%s/%s=%g", n ? " " : "", o->dimension, o->group, o->period,
           o->period_end, o->value);
}

static const char *series(Store *st, const char *ind, bool whole, const char *as_of, Got *g) {
  g->text[0] = '\0';
  assert_int_equal(st->m->begin(st, false), STORE_OK);
  assert_int_equal(st->m->series(st, NULL, ind, whole, as_of, got_add, g), STORE_OK);
  assert_int_equal(st->m->commit(st), STORE_OK);
  return g->text;
}

/* Keeps each observation seen (up to 4). */
typedef struct ObsKeep {
  StoreObs *obs;
  int *n;
} ObsKeep;

static void obs_keep(void *ctx, const StoreObs *o) {
  ObsKeep *k = ctx;
  if (*k->n < 4) k->obs[(*k->n)++] = *o;
}

/* A row of the whole population (dim NULL) or of a group. */
static StoreRow row(const char *ind, const char *dim, const char *grp, const char *period, const char *end, double v) {
  return (StoreRow){.indicator = ind, .dimension = dim ? dim : "", .group = grp ? grp : "", .period = period,
                    .period_len = strlen(period), .period_end = end, .value = v, .numerator = NAN, .denominator = NAN,
                    .source = "", .note = ""};
}

/* What a transaction rolled back leaves: nothing, not even its import. */
static void test_interface_rollback_leaves_nothing(void **state) {
  Scratch *s = *state;
  Store *st = open_store(s, "r.db");
  int64_t id = 0;
  StorePut put;
  StoreStored old;
  assert_int_equal(st->m->begin(st, true), STORE_OK);
  assert_int_equal(st->m->record_import(st, "a.csv", "2025-01-01T00:00:00Z", &id), STORE_OK);
  StoreRow r = row("i", NULL, NULL, "2025", "2025-12-31", 7);
  assert_int_equal(st->m->put(st, &r, id, false, &put, &old), STORE_OK);
  assert_int_equal(put, STORE_ADDED);
  assert_int_equal(st->m->rollback(st), STORE_OK);
  Got g;
  assert_string_equal(series(st, "i", false, "9999-12-31", &g), "");
  sqlite3 *db = store_sqlite_db(st);
  assert_int_equal(q_int(db, "SELECT count(*) FROM import"), 0);
  assert_int_equal(q_int(db, "SELECT count(*) FROM measurement"), 0);
  store_close(st);
}

/* Rows put come back from series and latest; a key put again is
 * unchanged, a conflict (with the stored value, its import and file), or
 * replaced; an import that stored nothing is dropped. */
static void test_interface_put_and_read(void **state) {
  Scratch *s = *state;
  Store *st = open_store(s, "p.db");
  int64_t id = 0, id2 = 0;
  StorePut put;
  StoreStored old;
  assert_int_equal(st->m->begin(st, true), STORE_OK);
  assert_int_equal(st->m->record_import(st, "a.csv", "2025-01-01T00:00:00Z", &id), STORE_OK);
  assert_int_equal(id, 1);
  StoreRow rows[] = {row("i", NULL, NULL, "2025", "2025-12-31", 7), row("i", NULL, NULL, "2024-Q4", "2024-12-31", 5),
                     row("i", "race", "Black", "2025-Q2", "2025-06-30", 3), row("j", NULL, NULL, "2025", "2025-12-31", 1)};
  rows[1].period_len = 4; /* "2024", not NUL-terminated there */
  for (int k = 0; k < 4; k++) {
    assert_int_equal(st->m->put(st, &rows[k], id, false, &put, &old), STORE_OK);
    assert_int_equal(put, STORE_ADDED);
  }
  assert_int_equal(st->m->finish_import(st, id, 4), STORE_OK);
  assert_int_equal(st->m->commit(st), STORE_OK);
  Got g;
  assert_string_equal(series(st, "i", true, "9999-12-31", &g), "//2024/2024-12-31=5 //2025/2025-12-31=7");
  assert_string_equal(series(st, "i", false, "9999-12-31", &g),
                      "//2024/2024-12-31=5 //2025/2025-12-31=7 race/Black/2025-Q2/2025-06-30=3");
  assert_string_equal(series(st, "i", false, "2025-06-29", &g), "//2024/2024-12-31=5");
  StoreObs o;
  bool found = false;
  assert_int_equal(st->m->begin(st, false), STORE_OK);
  assert_int_equal(st->m->latest(st, NULL, "i", "race", "Black", "2025-12-31", &o, &found), STORE_OK);
  assert_true(found);
  assert_string_equal(o.period, "2025-Q2");
  assert_string_equal(o.period_end, "2025-06-30");
  assert_true(o.value == 3);
  assert_int_equal(st->m->latest(st, NULL, "i", "race", "White", "2025-12-31", &o, &found), STORE_OK);
  assert_false(found);
  assert_int_equal(st->m->commit(st), STORE_OK);

  assert_int_equal(st->m->begin(st, true), STORE_OK);
  assert_int_equal(st->m->record_import(st, "b.csv", "2025-02-01T00:00:00Z", &id2), STORE_OK);
  assert_int_equal(st->m->put(st, &rows[0], id2, false, &put, &old), STORE_OK);
  assert_int_equal(put, STORE_UNCHANGED);
  StoreRow other = row("i", NULL, NULL, "2025-Q4", "2025-12-31", 8);
  assert_int_equal(st->m->put(st, &other, id2, false, &put, &old), STORE_OK);
  assert_int_equal(put, STORE_CONFLICT);
  assert_true(old.value == 7);
  assert_int_equal(old.import_id, 1);
  assert_string_equal(old.file, "a.csv");
  assert_string_equal(old.period, "2025");
  assert_int_equal(st->m->finish_import(st, id2, 0), STORE_OK);
  assert_int_equal(st->m->commit(st), STORE_OK);
  sqlite3 *db = store_sqlite_db(st);
  expect_text(db, "SELECT group_concat(id || ':' || file || ':' || rows, ' ') FROM import", "1:a.csv:4");
  assert_string_equal(series(st, "i", true, "9999-12-31", &g), "//2024/2024-12-31=5 //2025/2025-12-31=7");

  assert_int_equal(st->m->begin(st, true), STORE_OK);
  assert_int_equal(st->m->record_import(st, "c.csv", "2025-03-01T00:00:00Z", &id2), STORE_OK);
  assert_int_equal(st->m->put(st, &other, id2, true, &put, &old), STORE_OK);
  assert_int_equal(put, STORE_REPLACED);
  assert_true(old.value == 7);
  assert_int_equal(st->m->finish_import(st, id2, 1), STORE_OK);
  assert_int_equal(st->m->commit(st), STORE_OK);
  assert_string_equal(series(st, "i", true, "9999-12-31", &g), "//2024/2024-12-31=5 //2025-Q4/2025-12-31=8");
  expect_text(db, "SELECT group_concat(id || ':' || file || ':' || rows, ' ') FROM import", "1:a.csv:4 2:c.csv:1");
  store_close(st);
}

/* Schema 2 keeps counts and flags, and a withheld value as NULL: put,
 * series and latest carry them; a put compares value, counts and flags. */
static void test_interface_counts_and_flags(void **state) {
  Scratch *s = *state;
  Store *st = open_store(s, "c.db");
  int64_t id = 0, id2 = 0;
  StorePut put;
  StoreStored old;
  StoreRow rows[] = {row("i", NULL, NULL, "2023", "2023-12-31", 6.9), row("i", NULL, NULL, "2024", "2024-12-31", NAN),
                     row("i", NULL, NULL, "2025", "2025-12-31", 7.5)};
  rows[0].numerator = 812, rows[0].denominator = 117000, rows[0].flags = OBS_PROVISIONAL | OBS_BREAK;
  rows[1].flags = OBS_SUPPRESSED;
  assert_int_equal(st->m->begin(st, true), STORE_OK);
  assert_int_equal(st->m->record_import(st, "a.csv", "2025-01-01T00:00:00Z", &id), STORE_OK);
  for (int k = 0; k < 3; k++) {
    assert_int_equal(st->m->put(st, &rows[k], id, false, &put, &old), STORE_OK);
    assert_int_equal(put, STORE_ADDED);
  }
  assert_int_equal(st->m->finish_import(st, id, 3), STORE_OK);
  assert_int_equal(st->m->commit(st), STORE_OK);
  sqlite3 *db = store_sqlite_db(st);
  expect_text(db,
              "SELECT group_concat(period || ':' || ifnull(value, 'NULL') || ':' || ifnull(numerator, 'NULL') || ':' || "
              "ifnull(denominator, 'NULL') || ':' || flags, ' ') FROM (SELECT * FROM measurement ORDER BY period_end)",
              "2023:6.9:812.0:117000.0:provisional;break 2024:NULL:NULL:NULL:suppressed 2025:7.5:NULL:NULL:");

  /* series: in order, counts NAN when absent, the withheld value NAN */
  StoreObs seen[4];
  int n = 0;
  assert_int_equal(st->m->begin(st, false), STORE_OK);
  assert_int_equal(st->m->series(st, NULL, "i", true, "9999-12-31", obs_keep, &(ObsKeep){seen, &n}), STORE_OK);
  assert_int_equal(n, 3);
  assert_true(seen[0].value == 6.9 && seen[0].numerator == 812 && seen[0].denominator == 117000);
  assert_int_equal(seen[0].flags, OBS_PROVISIONAL | OBS_BREAK);
  assert_true(isnan(seen[1].value) && isnan(seen[1].numerator) && isnan(seen[1].denominator));
  assert_int_equal(seen[1].flags, OBS_SUPPRESSED);
  assert_true(seen[2].value == 7.5 && isnan(seen[2].numerator));
  assert_int_equal(seen[2].flags, 0);
  StoreObs o;
  bool found = false;
  assert_int_equal(st->m->latest(st, NULL, "i", "", "", "2024-12-31", &o, &found), STORE_OK);
  assert_true(found && isnan(o.value));
  assert_int_equal(o.flags, OBS_SUPPRESSED);
  assert_int_equal(st->m->latest(st, NULL, "i", "", "", "2023-12-31", &o, &found), STORE_OK);
  assert_true(found && o.value == 6.9 && o.numerator == 812 && o.denominator == 117000);
  assert_int_equal(o.flags, OBS_PROVISIONAL | OBS_BREAK);
  assert_int_equal(st->m->commit(st), STORE_OK);

  /* the same row again is unchanged, the withheld one included; one flag,
   * one count or the value's presence different is a conflict that reports
   * what is stored */
  assert_int_equal(st->m->begin(st, true), STORE_OK);
  assert_int_equal(st->m->record_import(st, "b.csv", "2025-02-01T00:00:00Z", &id2), STORE_OK);
  for (int k = 0; k < 3; k++) {
    assert_int_equal(st->m->put(st, &rows[k], id2, false, &put, &old), STORE_OK);
    assert_int_equal(put, STORE_UNCHANGED);
  }
  StoreRow changed = rows[0];
  changed.flags = OBS_PROVISIONAL;
  assert_int_equal(st->m->put(st, &changed, id2, false, &put, &old), STORE_OK);
  assert_int_equal(put, STORE_CONFLICT);
  assert_true(old.value == 6.9 && old.numerator == 812 && old.denominator == 117000);
  assert_int_equal(old.flags, OBS_PROVISIONAL | OBS_BREAK);
  changed = rows[0];
  changed.denominator = 117001;
  assert_int_equal(st->m->put(st, &changed, id2, false, &put, &old), STORE_OK);
  assert_int_equal(put, STORE_CONFLICT);
  changed = rows[2];
  changed.numerator = 75, changed.denominator = 1000;
  assert_int_equal(st->m->put(st, &changed, id2, false, &put, &old), STORE_OK);
  assert_int_equal(put, STORE_CONFLICT);
  assert_true(isnan(old.numerator) && old.flags == 0);
  StoreRow measured = row("i", NULL, NULL, "2024", "2024-12-31", 7);
  assert_int_equal(st->m->put(st, &measured, id2, false, &put, &old), STORE_OK);
  assert_int_equal(put, STORE_CONFLICT);
  assert_true(isnan(old.value));
  assert_int_equal(old.flags, OBS_SUPPRESSED);
  /* replacing writes the counts and flags too */
  assert_int_equal(st->m->put(st, &measured, id2, true, &put, &old), STORE_OK);
  assert_int_equal(put, STORE_REPLACED);
  assert_int_equal(st->m->put(st, &changed, id2, true, &put, &old), STORE_OK);
  assert_int_equal(put, STORE_REPLACED);
  assert_int_equal(st->m->finish_import(st, id2, 2), STORE_OK);
  assert_int_equal(st->m->commit(st), STORE_OK);
  expect_text(db,
              "SELECT group_concat(period || ':' || ifnull(value, 'NULL') || ':' || ifnull(numerator, 'NULL') || ':' || "
              "ifnull(denominator, 'NULL') || ':' || flags, ' ') FROM (SELECT * FROM measurement ORDER BY period_end)",
              "2023:6.9:812.0:117000.0:provisional;break 2024:7.0:NULL:NULL: 2025:7.5:75.0:1000.0:");
  store_close(st);
}

/* The schema of store version 1, as charter 1 made it (the fixture of
 * tests/migrate/ was made by that release itself). */
static const char v1_schema[] =
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
    ") STRICT, WITHOUT ROWID;\n"
    "INSERT INTO import (id, file, rows, at) VALUES (1, 'a.csv', 3, '2025-01-01T00:00:00Z');\n"
    "INSERT INTO measurement VALUES ('i', '', '', '2024', '2024-12-31', 5, 'survey', 'a note', 1);\n"
    "INSERT INTO measurement VALUES ('i', 'race', 'Black', '2024-Q4', '2024-12-31', 4.5, '', '', 1);\n"
    "INSERT INTO measurement VALUES ('j', '', '', '2025-06', '2025-06-30', -2, '', '', 1);\n"
    "PRAGMA journal_mode = WAL;\n"
    "PRAGMA user_version = 1;\n";

static const char rows_sql[] = "SELECT group_concat(indicator || '|' || dimension || '|' || grp || '|' || period || '|' || "
                               "period_end || '|' || value || '|' || source || '|' || note || '|' || import_id, ' ') "
                               "FROM (SELECT * FROM measurement ORDER BY 1, 2, 3, 5)";
static const char v1_rows[] = "i|||2024|2024-12-31|5.0|survey|a note|1 i|race|Black|2024-Q4|2024-12-31|4.5|||1 "
                              "j|||2025-06|2025-06-30|-2.0|||1";

/* Counts and flags as a schema-1 reader hands them back. */
static void v1_obs(void *ctx, const StoreObs *o) {
  int *n = ctx;
  if (!isnan(o->numerator) || !isnan(o->denominator) || o->flags) fail_msg("a schema-1 row came back with counts or flags");
  (*n)++;
}

/* A schema-1 store: a reader reads it as it is (no counts, no flags) and
 * leaves it at schema 1; a writer brings it to schema 2 keeping every row,
 * with no counts and no flags, and the result verifies as charter's own. */
static void test_migrate_from_1(void **state) {
  Scratch *s = *state;
  char err[512] = "", path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "v1.db"));
  make_db(path, v1_schema);
  Store *reader = store_open(path, STORE_READ, "", err, sizeof err);
  if (!reader) fail_msg("a schema-1 store does not open for reading: %s", err);
  Got g;
  assert_string_equal(series(reader, "i", false, "2030-12-31", &g), "//2024/2024-12-31=5 race/Black/2024-Q4/2024-12-31=4.5");
  int nobs = 0;
  assert_int_equal(reader->m->begin(reader, false), STORE_OK);
  assert_int_equal(reader->m->series(reader, NULL, "j", true, "2030-12-31", v1_obs, &nobs), STORE_OK);
  assert_int_equal(reader->m->commit(reader), STORE_OK);
  assert_int_equal(nobs, 1);
  store_close(reader);
  sqlite3 *db = open_db(path, STORE_WRITE, err, sizeof err);
  if (!db) fail_msg("store_open: %s", err);
  assert_int_equal(q_int(db, "PRAGMA user_version"), STORE_VERSION);
  expect_text(db, rows_sql, v1_rows);
  assert_int_equal(q_int(db, "SELECT count(*) FROM measurement WHERE numerator IS NULL AND denominator IS NULL AND flags = ''"), 3);
  expect_text(db, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema ORDER BY name)",
              "import,measurement");
  close_db(db);
  db = open_db(path, STORE_READ, err, sizeof err);
  if (!db) fail_msg("a migrated store does not open for reading: %s", err);
  expect_text(db, rows_sql, v1_rows);
  close_db(db);
}

/* Denies dropping a table: a migration that fails half-way. */
static int deny_drop(void *ctx, int action, const char *a, const char *b, const char *c, const char *d) {
  (void)ctx, (void)a, (void)b, (void)c, (void)d;
  return action == SQLITE_DROP_TABLE ? SQLITE_DENY : SQLITE_OK;
}
static int install_deny_drop(sqlite3 *db, char **msg, const struct sqlite3_api_routines *api) {
  (void)msg, (void)api;
  sqlite3_set_authorizer(db, deny_drop, NULL);
  return SQLITE_OK;
}

/* A migration that fails after copying the rows (the old table cannot be
 * dropped) leaves the schema-1 store exactly as it was: its version, its
 * tables and its rows, and no half-made table. */
static void test_migrate_failure_leaves_store(void **state) {
  Scratch *s = *state;
  char err[512] = "", path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "v1.db"));
  make_db(path, v1_schema);
  sqlite3 *raw = NULL;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  char *schema_before = q_text(raw, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema ORDER BY name)");
  assert_int_equal(sqlite3_close(raw), SQLITE_OK);

  assert_int_equal(sqlite3_auto_extension((void (*)(void))install_deny_drop), SQLITE_OK);
  sqlite3 *db = open_db(path, STORE_WRITE, err, sizeof err);
  sqlite3_cancel_auto_extension((void (*)(void))install_deny_drop);
  if (db) {
    close_db(db);
    free(schema_before);
    fail_msg("a migration that could not drop the old table succeeded");
  }
  expect_message(err, path, NULL);

  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  assert_int_equal(q_int(raw, "PRAGMA user_version"), 1);
  char *schema_after = q_text(raw, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema ORDER BY name)");
  bool same = strcmp(schema_before, schema_after) == 0;
  if (!same) print_error("schema was %s\n       now %s\n", schema_before, schema_after);
  free(schema_before);
  free(schema_after);
  assert_true(same);
  assert_int_equal(q_int(raw, "SELECT count(*) FROM sqlite_schema WHERE name = 'measurement_v2'"), 0);
  expect_text(raw, rows_sql, v1_rows);
  assert_int_equal(sqlite3_close(raw), SQLITE_OK);
  /* and it migrates once nothing stands in the way */
  db = open_db(path, STORE_WRITE, err, sizeof err);
  if (!db) fail_msg("store_open: %s", err);
  assert_int_equal(q_int(db, "PRAGMA user_version"), STORE_VERSION);
  expect_text(db, rows_sql, v1_rows);
  close_db(db);
}

/* verify takes the store as it is now: another program's tables, or ours
 * gone, are refused; migrate on a current store changes nothing. */
static void test_interface_verify_and_migrate(void **state) {
  Scratch *s = *state;
  Store *st = open_store(s, "v.db");
  char err[512] = "";
  int version = -1;
  assert_int_equal(st->m->verify(st, "v.db", STORE_WRITE, &version, err, sizeof err), STORE_OK);
  assert_int_equal(version, STORE_VERSION);
  assert_int_equal(st->m->migrate(st, "v.db", err, sizeof err), STORE_OK);
  sqlite3 *db = store_sqlite_db(st);
  assert_int_equal(q_int(db, "PRAGMA user_version"), STORE_VERSION);
  assert_int_equal(exec_rc(db, "PRAGMA foreign_keys = OFF; DROP TABLE measurement"), SQLITE_OK);
  assert_int_equal(st->m->verify(st, "v.db", STORE_READ, &version, err, sizeof err), STORE_FAILED);
  assert_string_equal(err, "'v.db' is an SQLite database but not a Charter measurement store (it has no measurement and "
                           "import tables); give --db a new file name");
  assert_int_equal(exec_rc(db, "PRAGMA user_version = 0"), SQLITE_OK);
  assert_int_equal(st->m->verify(st, "v.db", STORE_WRITE, &version, err, sizeof err), STORE_FAILED);
  assert_string_equal(err, "'v.db' is an SQLite database but not a Charter measurement store (it holds other tables); "
                           "give --db a new file name");
  store_close(st);
}

/* ---- verification (docs/security.md, "The shared store") ---- */

/* A store charter made at path, then changed with plain SQLite by sql
 * (defensive mode off, so that sql may write the schema). */
static void make_changed_store(const char *path, const char *sql) {
  char err[512] = "";
  sqlite3 *db = open_db(path, STORE_WRITE, err, sizeof err);
  if (!db) fail_msg("store_open: %s", err);
  close_db(db);
  sqlite3 *raw = NULL;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 0, NULL);
  char *msg = NULL;
  if (sqlite3_exec(raw, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
  assert_int_equal(sqlite3_close(raw), SQLITE_OK);
}

/* Each difference from the schema charter makes is refused in both modes,
 * naming it, with the file and its directory left as they were. */
static void test_schema_differences_refused(void **state) {
  Scratch *s = *state;
  static const struct {
    const char *sql, *words;
  } cases[] = {
      {"CREATE TRIGGER rewrite AFTER INSERT ON measurement BEGIN UPDATE measurement SET value = 999; END;",
       "it has a trigger 'rewrite', which charter never makes"},
      {"CREATE VIEW v AS SELECT 1;", "it has a view 'v'"},
      {"CREATE TABLE extra (x INTEGER) STRICT;", "it has a table 'extra'"},
      {"CREATE INDEX by_value ON measurement (value);", "it has an index 'by_value'"},
      {"PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace(sql, ') STRICT, WITHOUT ROWID', "
       "') WITHOUT ROWID') WHERE name = 'measurement';",
       "its table 'measurement' is not defined as charter defines it (it is not STRICT)"},
      {"PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace(sql, 'file TEXT NOT NULL', "
       "'file TEXT NOT NULL COLLATE NOCASE') WHERE name = 'import';",
       "its table 'import' is not defined as charter defines it"},
      {"CREATE TABLE \"x\x1b[31m\" (y INTEGER);", "it has a table 'x\\x1B[31m'"},
  };
  char err[512], path[PATH_MAX], name[32];
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    snprintf(name, sizeof name, "c%zu.db", k);
    snprintf(path, sizeof path, "%s", scratch_path(s, name));
    make_changed_store(path, cases[k].sql);
    for (int mode = 0; mode < 2; mode++) {
      expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
      expect_message(err, path, "not a measurement store as charter makes it", cases[k].words,
                     "restore it from a backup", NULL);
      if (strchr(err, '\x1b')) fail_msg("a raw escape in: %s", err);
    }
  }
}

/* Blanks are not a difference: a schema laid out otherwise is accepted. */
static void test_schema_blanks_accepted(void **state) {
  Scratch *s = *state;
  char err[512] = "", path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "blanks.db"));
  make_changed_store(path, "PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace(sql, char(10) || '  ', "
                           "char(10) || char(9)) WHERE name = 'import';");
  sqlite3 *db = open_db(path, STORE_READ, err, sizeof err);
  if (!db) fail_msg("store_open: %s", err);
  close_db(db);
}

/* The rows put for the corruption tests: i's whole population in 2024 and
 * 2025, and its group race/Black in 2025-Q2. */
static Store *store_with_rows(Scratch *s, const char *name) {
  Store *st = open_store(s, name);
  int64_t id = 0;
  StorePut put;
  StoreStored old;
  StoreRow rows[] = {row("i", NULL, NULL, "2024", "2024-12-31", 5), row("i", NULL, NULL, "2025", "2025-12-31", 7),
                     row("i", "race", "Black", "2025-Q2", "2025-06-30", 3)};
  assert_int_equal(st->m->begin(st, true), STORE_OK);
  assert_int_equal(st->m->record_import(st, "a.csv", "2025-01-01T00:00:00Z", &id), STORE_OK);
  for (int k = 0; k < 3; k++) assert_int_equal(st->m->put(st, &rows[k], id, false, &put, &old), STORE_OK);
  assert_int_equal(st->m->finish_import(st, id, 3), STORE_OK);
  assert_int_equal(st->m->commit(st), STORE_OK);
  return st;
}

/* series of i (whole or every group) after sql changed the store: its
 * result, and last_error into err. */
static StoreRc series_after(Store *st, const char *sql, bool whole, char *err, size_t errlen) {
  if (sql) assert_int_equal(exec_rc(store_sqlite_db(st), sql), SQLITE_OK);
  Got g = {""};
  assert_int_equal(st->m->begin(st, false), STORE_OK);
  StoreRc rc = st->m->series(st, NULL, "i", whole, "9999-12-31", got_add, &g);
  st->m->commit(st);
  snprintf(err, errlen, "%s", rc == STORE_OK ? "" : st->m->last_error(st));
  return rc;
}

/* A value that is not a finite number, or a period that does not parse or
 * ends on another day, or a group that is not clean text, is reported as
 * corrupt naming the indicator and period; never handed to the caller. */
static void test_corrupt_rows_reported(void **state) {
  Scratch *s = *state;
  static const struct {
    const char *sql, *words;
    bool whole;
  } cases[] = {
      {"UPDATE measurement SET value = 9e999 WHERE period = '2025'",
       "indicator 'i' for period '2025' is corrupt: its value is not a finite number", true},
      {"UPDATE measurement SET value = -9e999 WHERE period = '2025'", "its value is not a finite number", true},
      {"UPDATE measurement SET period = '2025-13' WHERE period = '2025'",
       "for period '2025-13' is corrupt: its period is not a period", true},
      {"UPDATE measurement SET period = CAST(x'1b5b326a' AS TEXT) WHERE period = '2025'",
       "for period '\\x1B[2j' is corrupt", true},
      {"UPDATE measurement SET period_end = '2025-12-30' WHERE period = '2025'", "last day is stored wrong", true},
      {"UPDATE measurement SET grp = CAST(x'ff' AS TEXT) WHERE grp = 'Black'",
       "dimension 'race', group '\\xFF' is corrupt: its dimension or group is not plain text", false},
      {"UPDATE measurement SET numerator = -1, denominator = 3 WHERE period = '2025'",
       "its numerator or denominator is not a finite number of at least 0", true},
      {"UPDATE measurement SET denominator = 9e999 WHERE period = '2025'",
       "its numerator or denominator is not a finite number of at least 0", true},
      {"UPDATE measurement SET flags = 'provisional;revised' WHERE period = '2025'",
       "its flags hold a word charter does not know", true},
      {"UPDATE measurement SET value = NULL, flags = 'suppressed;Estimated' WHERE period = '2025'",
       "its flags hold a word charter does not know", true},
      {"UPDATE measurement SET flags = 'suppressed' WHERE period = '2025'",
       "it has a value though it is flagged suppressed", true},
  };
  char err[512], name[32];
  for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
    snprintf(name, sizeof name, "k%zu.db", k);
    Store *st = store_with_rows(s, name);
    assert_int_equal(series_after(st, NULL, cases[k].whole, err, sizeof err), STORE_OK);
    assert_int_equal(series_after(st, cases[k].sql, cases[k].whole, err, sizeof err), STORE_CORRUPT);
    if (!strstr(err, cases[k].words)) fail_msg("message lacks \"%s\": %s", cases[k].words, err);
    if (!strstr(err, "import that row again with --replace")) fail_msg("no advice: %s", err);
    if (strchr(err, '\x1b')) fail_msg("a raw escape in: %s", err);
    store_close(st);
  }
}

/* latest reports a corrupt row too; put compares with none (a conflict
 * would quote it) but overwrites it when replacing. */
static void test_corrupt_latest_and_put(void **state) {
  Scratch *s = *state;
  Store *st = store_with_rows(s, "lp.db");
  sqlite3 *db = store_sqlite_db(st);
  assert_int_equal(exec_rc(db, "UPDATE measurement SET value = 9e999 WHERE grp = 'Black'"), SQLITE_OK);
  StoreObs o;
  bool found = true;
  assert_int_equal(st->m->begin(st, false), STORE_OK);
  assert_int_equal(st->m->latest(st, NULL, "i", "race", "Black", "9999-12-31", &o, &found), STORE_CORRUPT);
  assert_false(found);
  assert_non_null(strstr(st->m->last_error(st), "indicator 'i' for period '2025-Q2' is corrupt"));
  st->m->commit(st);
  int64_t id = 0;
  StorePut put;
  StoreStored old;
  StoreRow r = row("i", "race", "Black", "2025-Q2", "2025-06-30", 4);
  assert_int_equal(st->m->begin(st, true), STORE_OK);
  assert_int_equal(st->m->record_import(st, "b.csv", "2025-02-01T00:00:00Z", &id), STORE_OK);
  assert_int_equal(st->m->put(st, &r, id, false, &put, &old), STORE_CORRUPT);
  assert_non_null(strstr(st->m->last_error(st), "nothing was imported"));
  assert_int_equal(st->m->put(st, &r, id, true, &put, &old), STORE_OK);
  assert_int_equal(put, STORE_REPLACED);
  assert_int_equal(st->m->finish_import(st, id, 1), STORE_OK);
  assert_int_equal(st->m->commit(st), STORE_OK);
  assert_int_equal(st->m->begin(st, false), STORE_OK);
  assert_int_equal(st->m->latest(st, NULL, "i", "race", "Black", "9999-12-31", &o, &found), STORE_OK);
  assert_true(found && o.value == 4);
  st->m->commit(st);
  store_close(st);
}

/* A dangling symbolic link is not a place to make a store. */
static void test_dangling_link_refused(void **state) {
  Scratch *s = *state;
  char err[512], path[PATH_MAX], target[PATH_MAX];
  snprintf(target, sizeof target, "%s", scratch_path(s, "elsewhere.db"));
  snprintf(path, sizeof path, "%s", scratch_path(s, "link.db"));
  assert_int_equal(symlink(target, path), 0);
  for (int mode = 0; mode < 2; mode++) {
    expect_refused(s, path, mode ? STORE_WRITE : STORE_READ, err, sizeof err);
    expect_message(err, path, "symbolic link to a file that does not exist", NULL);
  }
  struct stat st;
  assert_int_not_equal(lstat(target, &st), 0);
}

/* A store removed under a writer (another import made it, was refused and
 * removed it while this one had it open): the commit is refused, never
 * written into a file no longer there. */
static void test_commit_refused_when_removed(void **state) {
  Scratch *s = *state;
  char err[512] = "", path[PATH_MAX];
  snprintf(path, sizeof path, "%s", scratch_path(s, "gone.db"));
  Store *st = store_open(path, STORE_WRITE, "", err, sizeof err);
  if (!st) fail_msg("store_open: %s", err);
  int64_t id = 0;
  assert_int_equal(st->m->begin(st, true), STORE_OK);
  assert_int_equal(st->m->record_import(st, "a.csv", "2025-01-01T00:00:00Z", &id), STORE_OK);
  assert_int_equal(unlink(path), 0);
  assert_int_equal(st->m->commit(st), STORE_FAILED);
  if (!strstr(st->m->last_error(st), "was removed while this import was writing it"))
    fail_msg("message: %s", st->m->last_error(st));
  store_close(st);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_write_creates_schema_3, setup, teardown),
      cmocka_unit_test_setup_teardown(test_write_enforces_keys_and_types, setup, teardown),
      cmocka_unit_test_setup_teardown(test_second_open, setup, teardown),
      cmocka_unit_test_setup_teardown(test_write_adopts_empty_files, setup, teardown),
      cmocka_unit_test_setup_teardown(test_read_missing_is_not_created, setup, teardown),
      cmocka_unit_test_setup_teardown(test_write_in_missing_directory, setup, teardown),
      cmocka_unit_test_setup_teardown(test_read_version_0, setup, teardown),
      cmocka_unit_test_setup_teardown(test_newer_version_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_newer_version_in_wal_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_not_a_database_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_other_tables_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_directory_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_empty_path_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_message_truncated, setup, teardown),
      cmocka_unit_test_setup_teardown(test_one_byte_file_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_reader_leaves_no_files, setup, teardown),
      cmocka_unit_test_setup_teardown(test_regression_foreign_version_1, setup, teardown),
      cmocka_unit_test_setup_teardown(test_regression_special_names, setup, teardown),
      cmocka_unit_test_setup_teardown(test_interface_rollback_leaves_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_interface_put_and_read, setup, teardown),
      cmocka_unit_test_setup_teardown(test_interface_verify_and_migrate, setup, teardown),
      cmocka_unit_test_setup_teardown(test_interface_counts_and_flags, setup, teardown),
      cmocka_unit_test_setup_teardown(test_migrate_from_1, setup, teardown),
      cmocka_unit_test_setup_teardown(test_migrate_failure_leaves_store, setup, teardown),
      cmocka_unit_test_setup_teardown(test_schema_differences_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_schema_blanks_accepted, setup, teardown),
      cmocka_unit_test_setup_teardown(test_corrupt_rows_reported, setup, teardown),
      cmocka_unit_test_setup_teardown(test_corrupt_latest_and_put, setup, teardown),
      cmocka_unit_test_setup_teardown(test_dangling_link_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(test_commit_refused_when_removed, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
