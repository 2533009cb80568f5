/* The PostgreSQL engine of the measurement store, over libpq: --db
 * postgresql://… (or postgres://…). The same schema's meaning as the
 * SQLite engine's (docs/measurement.md, "The store"): tables import and
 * measurement, and charter_store holding the schema version (SQLite's
 * user_version). Texts compare and sort bytewise (COLLATE "C"), as in
 * SQLite. One import writes at a time (begin(write) locks both tables
 * against other writers, not readers); a reader reads one snapshot
 * (REPEATABLE READ). Every statement is sent with its parameters as text;
 * numbers go as %.17g, NAN as NULL. */
#define _POSIX_C_SOURCE 200809L
#include "store.h"

#include <errno.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store_impl.h"
#include "util.h"

/* rights: the key of the advisory lock that lets one import write at a
 * time (pg_begin); any fixed number no other program uses. */
#define WRITE_LOCK "7238135690214532400"

/* The schema at STORE_VERSION, made in one transaction by migrate. */
static const char *const schema_sql =
    "CREATE TABLE charter_store (\n"
    "  version integer NOT NULL\n"
    ");\n"
    "CREATE TABLE import (\n"
    "  id bigint PRIMARY KEY,\n"
    "  coalition text COLLATE \"C\" NOT NULL DEFAULT '',\n"
    "  file text NOT NULL,\n"
    "  rows bigint NOT NULL,\n"
    "  at text NOT NULL,\n"
    /* rights: a measurement names an import of its own coalition */
    "  UNIQUE (coalition, id)\n"
    ");\n"
    "CREATE TABLE measurement (\n"
    "  coalition text COLLATE \"C\" NOT NULL DEFAULT '',\n"
    "  indicator text COLLATE \"C\" NOT NULL,\n"
    "  dimension text COLLATE \"C\" NOT NULL DEFAULT '',\n"
    "  grp text COLLATE \"C\" NOT NULL DEFAULT '',\n"
    "  period text NOT NULL,\n"
    "  period_end text COLLATE \"C\" NOT NULL,\n"
    "  value double precision,\n"
    "  numerator double precision,\n"
    "  denominator double precision,\n"
    "  flags text NOT NULL DEFAULT '',\n"
    "  source text NOT NULL DEFAULT '',\n"
    "  note text NOT NULL DEFAULT '',\n"
    /* rights: no foreign key: checked row by row it doubled the time of a
     * large import (docs/network.md, "The database"); charter writes the
     * id of the import it records, and a partner's role may store only a
     * row naming an import of its own coalition (the row-level security
     * policies of charter store grant) */
    "  import_id bigint NOT NULL,\n"
    "  PRIMARY KEY (coalition, indicator, dimension, grp, period_end),\n"
    "  CHECK (value IS NOT NULL OR ';' || flags || ';' LIKE '%;suppressed;%')\n"
    ");\n"
    /* rights: an import's id is always the next after the largest over
     * every coalition's imports (which a partner's role, under row-level
     * security, does not all see), whatever id the INSERT gave: a partner
     * cannot take the largest bigint and stop the others' imports. The
     * function runs as the store's owner, with the names in its body
     * qualified by the store's schema and its search_path pg_catalog, that
     * schema, pg_temp last; it takes the writers' lock (pg_begin), so
     * that an INSERT by hand waits for an import as an import does. */
    "DO $charter$\n"
    "BEGIN\n"
    "  EXECUTE format('CREATE FUNCTION %I.charter_import_id() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS %L',\n"
    "    current_schema(), format('BEGIN PERFORM pg_catalog.pg_advisory_xact_lock(7238135690214532400); '\n"
    "      'NEW.id := (SELECT coalesce(max(i.id), 0) + 1 FROM %I.import i); RETURN NEW; END', current_schema()));\n"
    "  EXECUTE format('ALTER FUNCTION %I.charter_import_id() SET search_path = pg_catalog, %I, pg_temp',\n"
    "    current_schema(), current_schema());\n"
    "  EXECUTE format('REVOKE ALL ON FUNCTION %I.charter_import_id() FROM PUBLIC', current_schema());\n"
    "  EXECUTE format('CREATE TRIGGER charter_import_id BEFORE INSERT ON %I.import '\n"
    "    'FOR EACH ROW EXECUTE FUNCTION %I.charter_import_id()', current_schema(), current_schema());\n"
    /* rights: an import finishes its record through this function (its
     * count of rows, or its removal when it stored nothing), so that no
     * partner needs UPDATE or DELETE on import (which would let it LOCK
     * the table, or zero and remove another partner's record). It changes
     * only a record the calling transaction made (its xmin) and has not
     * finished (rows 0); EXECUTE only for the owner and the partners'
     * roles (charter store grant). */
    "  EXECUTE format('CREATE FUNCTION %I.charter_finish_import(bigint, bigint) RETURNS void LANGUAGE sql SECURITY DEFINER AS %L',\n"
    "    current_schema(), format('UPDATE %I.import SET rows = $2 WHERE $2 > 0 AND id = $1 AND rows = 0 '\n"
    "      'AND xmin::text = (txid_current() %% 4294967296)::text; '\n"
    "      'DELETE FROM %I.import WHERE $2 = 0 AND id = $1 AND rows = 0 '\n"
    "      'AND xmin::text = (txid_current() %% 4294967296)::text', current_schema(), current_schema()));\n"
    "  EXECUTE format('ALTER FUNCTION %I.charter_finish_import(bigint, bigint) SET search_path = pg_catalog, %I, pg_temp',\n"
    "    current_schema(), current_schema());\n"
    "  EXECUTE format('REVOKE ALL ON FUNCTION %I.charter_finish_import(bigint, bigint) FROM PUBLIC', current_schema());\n"
    "END\n"
    "$charter$;\n";

/* A text kept by the handle until the next call that uses the same one. */
typedef struct Held {
  char *s;
  size_t cap;
} Held;

typedef struct PgStore {
  Store base;                    /* the method table: first */
  PGconn *c;                     /* the connection */
  bool keys;                     /* remember's table exists in this transaction */
  Held period, period_end, file; /* the texts latest and put hand back */
  Held dim, grp;                 /* a series row's dimension and group */
  char *coalition;               /* the coalition it was opened for */
  char *schema;                  /* rights: the store's schema, quoted as an identifier */
  bool copying;                  /* a COPY of staged rows into measurement is open */
  bool copy_stopped;             /* the server refused the open COPY's data */
  bool no_direct;                /* it failed as the table refuses COPY (row-level security) */
  long staged;                   /* rows staged since the last merge */
  char *cb;                      /* COPY data not yet sent */
  size_t cn, ccap;
  FILE *spool;                   /* the rows staged since the last merge, each with its at */
  char err[1024];                /* the message of the last failure */
  char state[6];                 /* grant: its SQLSTATE ("" when none) */
} PgStore;

bool store_is_pg(const char *path) {
  return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0;
}

static void printable(const char *s, char *out, size_t size);

static const char *hold(Held *h, const char *s) {
  size_t n = s ? strlen(s) : 0;
  if (n + 1 > h->cap) {
    h->cap = n + 64;
    h->s = xrealloc(h->s, h->cap);
  }
  if (n) memcpy(h->s, s, n);
  h->s[n] = '\0';
  return h->s;
}

/* The server's message without its trailing newline, into q->err. */
static void set_error(PgStore *q, const PGresult *r) {
  const char *msg = r ? PQresultErrorMessage(r) : "";
  if (!msg || !*msg) msg = PQerrorMessage(q->c);
  printable(msg && *msg ? msg : "PostgreSQL failed", q->err, sizeof q->err);
}

/* A serialization or lock failure is STORE_BUSY (try again). */
static StoreRc failure(PgStore *q, PGresult *r) {
  set_error(q, r);
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  snprintf(q->state, sizeof q->state, "%s", state ? state : ""); /* grant */
  StoreRc rc = state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0)
                   ? STORE_BUSY
                   : STORE_FAILED;
  PQclear(r);
  return rc;
}

/* grant: a write the store's rights refused (charter store grant: SQLSTATE
 * 42501, a row-level security policy or a missing privilege), said
 * plainly in q->err: what this login may not write, and who can change
 * that. True when it was one. */
static bool refused(PgStore *q, const char *indicator) {
  if (strcmp(q->state, "42501") != 0) return false;
  char ind[168], who[128] = "";
  store_quote_safe(indicator ? indicator : "", ind, sizeof ind);
  store_quote_safe(PQuser(q->c) ? PQuser(q->c) : "", who, sizeof who);
  char coal[168];
  store_quote_safe(q->coalition ? q->coalition : "", coal, sizeof coal);
  if (indicator)
    snprintf(q->err, sizeof q->err,
             "this login ('%s') may not write indicator '%s' of coalition '%s': the database gives that right only to "
             "the partners its reported_by names; ask the backbone to run 'charter store grant --apply' and to GRANT "
             "that partner's role to this login, or import only your own indicators",
             who, ind, coal);
  else
    snprintf(q->err, sizeof q->err,
             "this login ('%s') may not write imports of coalition '%s' (the program's network_id) into this store: "
             "check that the program is your coalition's; else ask the backbone to run "
             "'charter store grant --apply' and to GRANT your partner's role to this login",
             who, coal);
  return true;
}

/* Runs sql with n text parameters (NULL for SQL NULL); *out receives the
 * result (the caller PQclears it) when out is not NULL. */
static StoreRc run(PgStore *q, const char *sql, int n, const char *const *params, PGresult **out) {
  PGresult *r = PQexecParams(q->c, sql, n, NULL, params, NULL, NULL, 0);
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return failure(q, r);
  if (out) *out = r;
  else PQclear(r);
  return STORE_OK;
}

/* Runs sql, which may be several statements, without parameters. */
static StoreRc exec(PgStore *q, const char *sql) {
  PGresult *r = PQexec(q->c, sql);
  ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return failure(q, r);
  PQclear(r);
  return STORE_OK;
}

/* s for a message, into out: printable ASCII kept, other bytes as \xHH,
 * runs of blanks and line ends as one space, at most size - 1 bytes. */
static void printable(const char *s, char *out, size_t size) {
  size_t k = 0;
  for (size_t i = 0; s[i] && k + 5 < size; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
      if (k && out[k - 1] != ' ') out[k++] = ' ';
    } else if (c >= 0x20 && c < 0x7f && c != '\\') out[k++] = (char)c;
    else k += (size_t)snprintf(out + k, size - k, "\\x%02X", c);
  }
  while (k && out[k - 1] == ' ') k--;
  out[k] = '\0';
}

/* A number as a parameter: NULL for NAN. */
static const char *num(double v, char buf[32]) {
  if (isnan(v)) return NULL;
  snprintf(buf, 32, "%.17g", v);
  return buf;
}

/* ---- transactions ---- */

static StoreRc pg_begin(Store *s, bool write) {
  PgStore *q = (PgStore *)s;
  if (!write) return exec(q, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  StoreRc rc = exec(q, "BEGIN");
  /* concurrency: wait for another writer at most a minute, as SQLite's busy
   * timeout does, then STORE_BUSY (lock_not_available); a lock_timeout the
   * session sets (PGOPTIONS, the role's settings) is kept */
  if (rc == STORE_OK)
    rc = exec(q, "SELECT set_config('lock_timeout', '60s', true) WHERE current_setting('lock_timeout') IN ('0', '0ms')");
  /* rights: one writer at a time, readers unhindered (SQLite's BEGIN
   * IMMEDIATE), by an advisory lock, which obeys lock_timeout: a LOCK TABLE
   * would need UPDATE on the tables, which would let any partner lock out
   * every reader too (ACCESS EXCLUSIVE) */
  if (rc == STORE_OK) rc = exec(q, "SELECT pg_advisory_xact_lock(" WRITE_LOCK ")");
  if (rc != STORE_OK) refused(q, NULL); /* grant: a login with no partner's role */
  return rc;
}

static StoreRc pg_commit(Store *s) {
  PgStore *q = (PgStore *)s;
  q->keys = false;
  return exec(q, "COMMIT");
}

static StoreRc pg_rollback(Store *s) {
  PgStore *q = (PgStore *)s;
  q->keys = false;
  char keep[sizeof q->err];
  memcpy(keep, q->err, sizeof keep);
  if (q->copying) { /* a COPY left open by a failure: abandoned */
    q->copying = false;
    PQputCopyEnd(q->c, "rolled back");
    PGresult *c;
    while ((c = PQgetResult(q->c))) PQclear(c);
  }
  q->cn = 0;
  q->staged = 0;
  PGresult *r = PQexec(q->c, "ROLLBACK");
  bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  memcpy(q->err, keep, sizeof keep);
  return ok ? STORE_OK : STORE_FAILED;
}

/* ---- import ---- */

static StoreRc pg_record_import(Store *s, const char *file, const char *at, int64_t *id) {
  PgStore *q = (PgStore *)s;
  const char *p[] = {file, at, q->coalition};
  PGresult *r = NULL;
  /* rights: the trigger charter_import_id numbers it, the next id after
   * the largest, as SQLite numbers them (a sequence would skip the ids of
   * imports rolled back or dropped) */
  StoreRc rc = run(q, "INSERT INTO import (file, rows, at, coalition) VALUES ($1, 0, $2, $3) RETURNING id", 3, p, &r);
  if (rc != STORE_OK) {
    refused(q, NULL); /* grant */
    return rc;
  }
  *id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
  PQclear(r);
  return STORE_OK;
}

static StoreRc pg_finish_import(Store *s, int64_t id, long rows) {
  PgStore *q = (PgStore *)s;
  char ids[32], n[32];
  snprintf(ids, sizeof ids, "%lld", (long long)id);
  snprintf(n, sizeof n, "%ld", rows);
  const char *p[] = {ids, n};
  /* rights: the store's own function, named with its schema (a function
   * of that name elsewhere on the search_path is never called) */
  Buf sql = {0};
  buf_printf(&sql, "SELECT %s.charter_finish_import($1::bigint, $2::bigint)", q->schema);
  StoreRc rc = run(q, buf_str(&sql), 2, p, NULL);
  buf_free(&sql);
  return rc;
}

static StoreRc pg_remember(Store *s, uint64_t key, int64_t at, bool *seen, int64_t *first) {
  PgStore *q = (PgStore *)s;
  if (!q->keys) {
    StoreRc rc = exec(q, "CREATE TEMP TABLE IF NOT EXISTS charter_key (key bigint PRIMARY KEY, at bigint NOT NULL) ON COMMIT DROP");
    if (rc != STORE_OK) return rc;
    q->keys = true;
  }
  char k[32], a[32];
  snprintf(k, sizeof k, "%lld", (long long)(int64_t)key);
  snprintf(a, sizeof a, "%lld", (long long)at);
  const char *p[] = {k, a};
  PGresult *r = NULL;
  StoreRc rc = run(q, "WITH ins AS (INSERT INTO charter_key VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING at) "
                      "SELECT (SELECT count(*) FROM ins), (SELECT at FROM charter_key WHERE key = $1)",
                   2, p, &r);
  if (rc != STORE_OK) return rc;
  *seen = strcmp(PQgetvalue(r, 0, 0), "0") == 0;
  /* a row inserted by the same statement is not visible to its SELECT */
  if (*seen) *first = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
  PQclear(r);
  return STORE_OK;
}

/* ---- the rows, checked as they are read ---- */

static const char *cell(const PGresult *r, int row, int col) { return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col); }

/* A number cell (float8 as text) into *v; false when it is not one. */
static bool parse_num(const char *t, double *v) {
  char *end;
  *v = strtod(t, &end);
  return end != t && !*end;
}

/* Columns c..c+5: period, period_end, value, numerator, denominator,
 * flags. Why the row cannot be used, or NULL; *o receives it. */
static const char *row_problem(const PGresult *r, int row, int c, StoreObs *o) {
  const char *period = cell(r, row, c), *end = cell(r, row, c + 1), *flags = cell(r, row, c + 5);
  o->period = period ? period : "", o->period_end = end ? end : "";
  o->numerator = o->denominator = NAN;
  o->flags = 0;
  const char *bad;
  size_t badlen;
  if (!flags) return "its flags are not text";
  if (*flags && !obs_flags_parse(flags, strlen(flags), &o->flags, &bad, &badlen))
    return "its flags hold a word charter does not know";
  const char *v = cell(r, row, c + 2);
  if (!v && !(o->flags & OBS_SUPPRESSED)) return "its value is missing (NULL)";
  if (v && (o->flags & OBS_SUPPRESSED)) return "it has a value though it is flagged suppressed (withheld at its source)";
  o->value = NAN;
  if (v && (!parse_num(v, &o->value) || !isfinite(o->value))) return "its value is not a finite number";
  for (int k = 0; k < 2; k++) {
    const char *t = cell(r, row, c + 3 + k);
    double *x = k ? &o->denominator : &o->numerator;
    if (t && (!parse_num(t, x) || !isfinite(*x) || *x < 0))
      return "its numerator or denominator is not a finite number of at least 0";
  }
  return store_period_problem(o->period, o->period_end, &o->day);
}

static StoreRc corrupt(PgStore *q, const char *indicator, const char *period, const char *dim, const char *grp,
                       const char *why, const char *then) {
  char p[168], d[168] = "", g[168] = "", at[368] = "";
  store_quote_safe(period ? period : "", p, sizeof p);
  if (dim) store_quote_safe(dim, d, sizeof d);
  if (grp) store_quote_safe(grp, g, sizeof g);
  if (*d || *g) snprintf(at, sizeof at, ", dimension '%s', group '%s'", d, g);
  snprintf(q->err, sizeof q->err,
           "the stored row of indicator '%s' for period '%s'%s is corrupt: %s; %s: "
           "import that row again with --replace, or restore the store from a backup",
           indicator, p, at, why, then);
  return STORE_CORRUPT;
}

static bool same_num(double a, double b) { return a == b || (isnan(a) && isnan(b)); }

static StoreRc pg_put(Store *s, const StoreRow *row, int64_t import_id, bool replace, StorePut *put, StoreStored *old) {
  PgStore *q = (PgStore *)s;
  char *period = xmalloc(row->period_len + 1), *source = xmalloc(row->source_len + 1), *note = xmalloc(row->note_len + 1);
  memcpy(period, row->period, row->period_len), period[row->period_len] = '\0';
  memcpy(source, row->source, row->source_len), source[row->source_len] = '\0';
  memcpy(note, row->note, row->note_len), note[row->note_len] = '\0';
  char end[11], v[32], n[32], d[32], id[32], flags[64] = "";
  memcpy(end, row->period_end, 10), end[10] = '\0';
  snprintf(id, sizeof id, "%lld", (long long)import_id);
  if (row->flags) obs_flags_text(row->flags, flags);
  const char *p[] = {row->indicator, row->dimension, row->group, period, end, num(row->value, v),
                     source, note, id, num(row->numerator, n), num(row->denominator, d), flags, q->coalition};
  PGresult *r = NULL;
  StoreRc rc = run(q,
                   "INSERT INTO measurement (indicator, dimension, grp, period, period_end, value, source, note, import_id, "
                   "numerator, denominator, flags, coalition) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                   "ON CONFLICT DO NOTHING",
                   13, p, &r);
  if (rc != STORE_OK) {
    refused(q, row->indicator); /* grant */
    goto done;
  }
  bool added = strcmp(PQcmdTuples(r), "1") == 0;
  PQclear(r);
  r = NULL;
  if (added) {
    *put = STORE_ADDED;
    goto done;
  }
  /* the key is stored already: columns period, period_end, value,
   * numerator, denominator, flags, then import_id and file */
  const char *k[] = {row->indicator, row->dimension, row->group, end, q->coalition};
  rc = run(q,
           "SELECT m.period, m.period_end, m.value, m.numerator, m.denominator, m.flags, m.import_id, i.file "
           "FROM measurement m LEFT JOIN import i ON i.id = m.import_id "
           "WHERE m.coalition = $5 AND m.indicator = $1 AND m.dimension = $2 AND m.grp = $3 AND m.period_end = $4",
           5, k, &r);
  if (rc != STORE_OK) goto done;
  if (PQntuples(r) != 1) {
    snprintf(q->err, sizeof q->err, "a stored row of indicator '%s' vanished while it was being compared", row->indicator);
    rc = STORE_FAILED;
    goto done;
  }
  StoreObs o;
  const char *why = row_problem(r, 0, 0, &o);
  if (why && !replace) {
    rc = corrupt(q, row->indicator, o.period, NULL, NULL, why, "nothing was imported");
    goto done;
  }
  old->value = o.value, old->numerator = o.numerator, old->denominator = o.denominator, old->flags = o.flags;
  old->import_id = strtoll(PQgetvalue(r, 0, 6), NULL, 10);
  old->file = hold(&q->file, PQgetvalue(r, 0, 7));
  old->period = hold(&q->period, o.period);
  if (!why && same_num(o.value, row->value) && same_num(o.numerator, row->numerator) &&
      same_num(o.denominator, row->denominator) && o.flags == row->flags) {
    *put = STORE_UNCHANGED;
    goto done;
  }
  if (!replace) {
    *put = STORE_CONFLICT;
    goto done;
  }
  PQclear(r);
  r = NULL;
  rc = run(q,
           "UPDATE measurement SET period = $4, value = $6, source = $7, note = $8, import_id = $9, numerator = $10, "
           "denominator = $11, flags = $12 WHERE coalition = $13 AND indicator = $1 AND dimension = $2 AND grp = $3 "
           "AND period_end = $5",
           13, p, &r);
  /* grant: a row this login may read but not write is left as it was
   * (0 rows updated): refused, as an INSERT would be */
  if (rc == STORE_OK && strcmp(PQcmdTuples(r), "1") != 0) {
    snprintf(q->state, sizeof q->state, "42501");
    rc = STORE_FAILED;
  }
  if (rc != STORE_OK) refused(q, row->indicator);
  if (rc == STORE_OK) *put = STORE_REPLACED;
done:
  PQclear(r);
  free(period), free(source), free(note);
  return rc;
}

/* ---- the bulk path: COPY into a staging table, one INSERT per file ---- */

/* Where the rows of one file wait until merge: temporary, dropped when
 * the import's transaction ends. */
static const char *const stage_sql =
    "CREATE TEMP TABLE IF NOT EXISTS charter_stage (coalition text COLLATE \"C\" NOT NULL, "
    "indicator text COLLATE \"C\" NOT NULL, dimension text COLLATE \"C\" NOT NULL, grp text COLLATE \"C\" NOT NULL, "
    "period text NOT NULL, period_end text COLLATE \"C\" NOT NULL, value double precision, numerator double precision, "
    "denominator double precision, flags text NOT NULL, source text NOT NULL, note text NOT NULL, import_id bigint NOT NULL, "
    "at bigint NOT NULL) ON COMMIT DROP";

/* The columns of a staged row, as COPY sends them (then, into
 * charter_stage, its at). */
#define STAGED_COLUMNS \
  "(coalition, indicator, dimension, grp, period, period_end, value, numerator, denominator, flags, source, note, import_id)"

static void cput(PgStore *q, const char *s, size_t n) {
  if (q->cn + n > q->ccap) q->cb = xrealloc(q->cb, q->ccap = (q->cn + n) * 2 + 4096);
  memcpy(q->cb + q->cn, s, n);
  q->cn += n;
}

/* A text in COPY's text format: \, tab, line ends escaped; up to its first
 * NUL byte (as a parameter would be). */
static void ctext(PgStore *q, const char *s, size_t n) {
  if (q->cn + 2 * n + 2 > q->ccap) q->cb = xrealloc(q->cb, q->ccap = (q->cn + 2 * n) * 2 + 4096);
  char *o = q->cb + q->cn;
  for (size_t i = 0; i < n && s[i]; i++) {
    char c = s[i];
    if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
      *o++ = '\\';
      c = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : '\\';
    }
    *o++ = c;
  }
  *o++ = '\t';
  q->cn = (size_t)(o - q->cb);
}

/* A number in COPY's text format: \N for NAN; %.17g reads back exactly. */
static void cnum(PgStore *q, double v) {
  char b[40];
  int n;
  if (isnan(v)) n = snprintf(b, sizeof b, "\\N");
  else if (fabs(v) < 9e15 && v == (double)(int64_t)v && !(v == 0 && signbit(v))) n = snprintf(b, sizeof b, "%lld", (long long)v);
  else n = snprintf(b, sizeof b, "%.17g", v);
  b[n++] = '\t';
  cput(q, b, (size_t)n);
}

static StoreRc copy_failed(PgStore *q) {
  printable(PQerrorMessage(q->c), q->err, sizeof q->err);
  return STORE_FAILED;
}

/* Sends the buffered COPY data. A COPY the server has stopped (a key
 * stored already) takes no more: the rest is dropped, and copy_end gets
 * the server's reason. */
static StoreRc copy_flush(PgStore *q) {
  if (q->cn && !q->copy_stopped && PQputCopyData(q->c, q->cb, (int)q->cn) != 1) q->copy_stopped = true;
  q->cn = 0;
  return STORE_OK;
}

/* Starts COPY into table (STAGED_COLUMNS, or all of charter_stage's). */
static StoreRc copy_start(PgStore *q, const char *sql) {
  PGresult *r = PQexec(q->c, sql);
  if (!r || PQresultStatus(r) != PGRES_COPY_IN) return failure(q, r);
  PQclear(r);
  q->copying = true;
  q->copy_stopped = false;
  q->cn = 0;
  return STORE_OK;
}

/* Ends the open COPY, if any; *state receives the SQLSTATE of its
 * failure ("" when none). */
static StoreRc copy_end(PgStore *q, char state[6]) {
  state[0] = '\0';
  if (!q->copying) return STORE_OK;
  q->copying = false;
  copy_flush(q);
  StoreRc rc = STORE_OK;
  if (!q->copy_stopped && PQputCopyEnd(q->c, NULL) != 1) q->copy_stopped = true;
  PGresult *r;
  while ((r = PQgetResult(q->c))) {
    if (PQresultStatus(r) == PGRES_COPY_IN) { /* still copying: a broken connection */
      PQclear(r);
      if (PQputCopyEnd(q->c, "charter stopped") != 1) break;
      continue;
    }
    if (PQresultStatus(r) != PGRES_COMMAND_OK && rc == STORE_OK) {
      const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      snprintf(state, 6, "%s", st ? st : "");
      rc = failure(q, r);
    } else PQclear(r);
  }
  if (q->copy_stopped && rc == STORE_OK) rc = copy_failed(q);
  q->copy_stopped = false;
  return rc;
}

/* Rows go straight into measurement by COPY (as fast as PostgreSQL
 * stores rows), under a savepoint; each line also goes to the spool, with
 * its at. When a key was stored already (or the table takes no COPY),
 * merge undoes that COPY and copies the spool into charter_stage instead. */
static StoreRc pg_stage(Store *s, const StoreRow *row, int64_t import_id, int64_t at) {
  PgStore *q = (PgStore *)s;
  if (!q->copying) {
    if (!q->spool) q->spool = tmpfile();
    if (!q->spool) {
      snprintf(q->err, sizeof q->err, "cannot make a temporary file for the rows of a file: %s", strerror(errno));
      return STORE_FAILED;
    }
    rewind(q->spool);
    if (ftruncate(fileno(q->spool), 0) != 0) {
      snprintf(q->err, sizeof q->err, "cannot empty the temporary file of rows: %s", strerror(errno));
      return STORE_FAILED;
    }
    StoreRc rc = STORE_OK;
    if (!q->no_direct) {
      rc = exec(q, "SAVEPOINT charter_file");
      if (rc == STORE_OK) rc = copy_start(q, "COPY measurement " STAGED_COLUMNS " FROM STDIN");
      if (rc != STORE_OK && strcmp(q->state, "0A000") == 0) { /* row-level security: no COPY into the table */
        q->no_direct = true;
        rc = exec(q, "ROLLBACK TO SAVEPOINT charter_file");
        if (rc == STORE_OK) rc = exec(q, "RELEASE SAVEPOINT charter_file");
      } else if (rc != STORE_OK)
        return rc;
    }
    if (rc == STORE_OK && q->no_direct) rc = exec(q, stage_sql);
    if (rc == STORE_OK && q->no_direct) rc = copy_start(q, "COPY charter_stage FROM STDIN");
    if (rc != STORE_OK) return rc;
  }
  size_t start = q->cn;
  ctext(q, q->coalition, strlen(q->coalition));
  ctext(q, row->indicator, strlen(row->indicator));
  ctext(q, row->dimension, strlen(row->dimension));
  ctext(q, row->group, strlen(row->group));
  ctext(q, row->period, row->period_len);
  ctext(q, row->period_end, 10);
  cnum(q, row->value);
  cnum(q, row->numerator);
  cnum(q, row->denominator);
  char flags[64] = "";
  if (row->flags) obs_flags_text(row->flags, flags);
  ctext(q, flags, strlen(flags));
  ctext(q, row->source, row->source_len);
  ctext(q, row->note, row->note_len);
  char b[48];
  int n = snprintf(b, sizeof b, "%lld\t%lld\n", (long long)import_id, (long long)at);
  size_t line = q->cn - start;
  if (fwrite(q->cb + start, 1, line, q->spool) != line || fwrite(b, 1, (size_t)n, q->spool) != (size_t)n) {
    snprintf(q->err, sizeof q->err, "cannot write the temporary file of rows: %s", strerror(errno));
    return STORE_FAILED;
  }
  if (q->no_direct) cput(q, b, (size_t)n);
  else { /* measurement has no at */
    char *tab = strchr(b, '\t');
    *tab = '\n';
    cput(q, b, (size_t)(tab - b + 1));
  }
  q->staged++;
  return q->cn >= (1u << 18) ? copy_flush(q) : STORE_OK;
}

/* Copies the spool into charter_stage. */
static StoreRc restage(PgStore *q) {
  StoreRc rc = exec(q, stage_sql);
  if (rc == STORE_OK) rc = copy_start(q, "COPY charter_stage FROM STDIN");
  if (rc != STORE_OK) return rc;
  if (fflush(q->spool) != 0) {
    snprintf(q->err, sizeof q->err, "cannot write the temporary file of rows: %s", strerror(errno));
    rc = STORE_FAILED;
  }
  rewind(q->spool);
  char buf[1 << 16];
  size_t n;
  while (rc == STORE_OK && !q->copy_stopped && (n = fread(buf, 1, sizeof buf, q->spool)) > 0)
    if (PQputCopyData(q->c, buf, (int)n) != 1) q->copy_stopped = true;
  char state[6];
  StoreRc end = copy_end(q, state);
  return rc != STORE_OK ? rc : end;
}

/* A number cell, NAN for NULL or what is not one. */
static double cell_num(const PGresult *r, int row, int col) {
  const char *t = cell(r, row, col);
  double v = NAN;
  if (t && !parse_num(t, &v)) v = NAN;
  return v;
}

/* The staged rows the INSERT did not add, in at order: columns at, rn
 * (the row's place among the staged rows of its key), the stored row's
 * period, period_end, value, numerator, denominator, flags, import_id and
 * file, the staged row's value, numerator, denominator, flags, and its
 * indicator. A stored row not of this import is the key's before the
 * file; one of this import was added by the INSERT, from the key's first
 * staged row. */
static const char *const unadded_sql =
    "SELECT st.at, st.rn, m.period, m.period_end, m.value, m.numerator, m.denominator, m.flags, m.import_id, "
    "coalesce(i.file, '?'), st.value, st.numerator, st.denominator, st.flags, st.indicator "
    "FROM (SELECT *, row_number() OVER (PARTITION BY indicator, dimension, grp, period_end ORDER BY at) AS rn "
    "      FROM charter_stage) st "
    "JOIN measurement m ON m.coalition = $1 AND m.indicator = st.indicator AND m.dimension = st.dimension "
    "AND m.grp = st.grp AND m.period_end = st.period_end "
    "LEFT JOIN import i ON i.id = m.import_id "
    "WHERE st.rn > 1 OR m.import_id <> $2 ORDER BY st.at";

static StoreRc pg_merge(Store *s, int64_t import_id, bool replace, StoreMerged each, void *ctx) {
  PgStore *q = (PgStore *)s;
  char state[6];
  bool direct = q->copying && !q->no_direct;
  StoreRc rc = copy_end(q, state);
  long staged = q->staged;
  q->staged = 0;
  if (direct) {
    if (rc == STORE_OK) return exec(q, "RELEASE SAVEPOINT charter_file"); /* every key was new */
    /* a key stored already (unique_violation), or a table that takes no
     * COPY (row-level security): the rows go through charter_stage */
    if (strcmp(state, "23505") != 0 && strcmp(state, "0A000") != 0) return rc;
    if (strcmp(state, "0A000") == 0) q->no_direct = true;
    rc = exec(q, "ROLLBACK TO SAVEPOINT charter_file");
    if (rc == STORE_OK) rc = exec(q, "RELEASE SAVEPOINT charter_file");
    if (rc == STORE_OK) rc = restage(q);
  }
  if (rc != STORE_OK || staged == 0) return rc;
  char id[32];
  snprintf(id, sizeof id, "%lld", (long long)import_id);
  const char *p[] = {q->coalition, id, NULL};
  PGresult *r = NULL;
  /* every staged row whose key is new, in one statement */
  long added = 0;
  rc = exec(q, "SAVEPOINT charter_insert");
  if (rc == STORE_OK)
    rc = run(q,
             "INSERT INTO measurement " STAGED_COLUMNS " SELECT $1, indicator, dimension, grp, period, period_end, value, "
             "numerator, denominator, flags, source, note, $2 FROM charter_stage ON CONFLICT DO NOTHING",
             2, p, &r);
  if (rc == STORE_OK) {
    added = atol(PQcmdTuples(r));
    PQclear(r);
    rc = exec(q, "RELEASE SAVEPOINT charter_insert");
  } else if (strcmp(q->state, "42501") == 0) {
    /* grant: an indicator this login may not write; named as one row at a
     * time would name it, the first in the file */
    rc = exec(q, "ROLLBACK TO SAVEPOINT charter_insert");
    if (rc == STORE_OK) rc = run(q, "SELECT indicator FROM charter_stage GROUP BY indicator ORDER BY min(at)", 0, NULL, &r);
    PGresult *inds = rc == STORE_OK ? r : NULL;
    for (int i = 0; inds && i < PQntuples(inds) && rc == STORE_OK; i++) {
      p[2] = PQgetvalue(inds, i, 0);
      rc = run(q,
               "INSERT INTO measurement " STAGED_COLUMNS " SELECT $1, indicator, dimension, grp, period, period_end, "
               "value, numerator, denominator, flags, source, note, $2 FROM charter_stage WHERE indicator = $3 "
               "ON CONFLICT DO NOTHING",
               3, p, &r);
      if (rc == STORE_OK) added += atol(PQcmdTuples(r)), PQclear(r);
      else refused(q, p[2]);
    }
    PQclear(inds);
    p[2] = NULL;
  }
  if (rc != STORE_OK) return rc;
  if (added == staged) return exec(q, "TRUNCATE charter_stage");
  /* the others, compared here as put compares them */
  if (!PQsendQueryParams(q->c, unadded_sql, 2, NULL, p, NULL, NULL, 0) || !PQsetSingleRowMode(q->c)) return copy_failed(q);
  Buf replaced = {0};
  buf_puts(&replaced, "{");
  while ((r = PQgetResult(q->c))) {
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK || rc != STORE_OK) {
      PQclear(r);
      continue;
    }
    if (st != PGRES_SINGLE_TUPLE) {
      rc = failure(q, r);
      continue;
    }
    int64_t at = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    bool again = strcmp(PQgetvalue(r, 0, 1), "1") != 0;
    StoreObs o;
    const char *why = row_problem(r, 0, 2, &o);
    StoreStored old = {o.value, o.numerator, o.denominator, o.flags, strtoll(PQgetvalue(r, 0, 8), NULL, 10),
                       hold(&q->file, PQgetvalue(r, 0, 9)), hold(&q->period, o.period)};
    StorePut put = STORE_UNCHANGED;
    if (again) old.import_id = import_id; /* the key's first staged row was put before it */
    else {
      if (why && !replace) {
        rc = corrupt(q, PQgetvalue(r, 0, 14), o.period, NULL, NULL, why, "nothing was imported");
        PQclear(r);
        continue;
      }
      const char *f = PQgetvalue(r, 0, 13);
      unsigned flags = 0;
      const char *bad;
      size_t badlen;
      if (*f) obs_flags_parse(f, strlen(f), &flags, &bad, &badlen);
      if (why || !same_num(o.value, cell_num(r, 0, 10)) || !same_num(o.numerator, cell_num(r, 0, 11)) ||
          !same_num(o.denominator, cell_num(r, 0, 12)) || o.flags != flags)
        put = replace ? STORE_REPLACED : STORE_CONFLICT;
      if (put == STORE_REPLACED) buf_printf(&replaced, "%s%lld", replaced.len > 1 ? "," : "", (long long)at);
    }
    each(ctx, at, put, &old);
    PQclear(r);
  }
  buf_puts(&replaced, "}");
  p[2] = buf_str(&replaced);
  if (rc == STORE_OK && replaced.len > 2) {
    rc = run(q,
             "UPDATE measurement m SET period = st.period, value = st.value, numerator = st.numerator, "
             "denominator = st.denominator, flags = st.flags, source = st.source, note = st.note, import_id = $2 "
             "FROM charter_stage st WHERE st.at = ANY($3::bigint[]) AND m.coalition = $1 AND m.indicator = st.indicator "
             "AND m.dimension = st.dimension AND m.grp = st.grp AND m.period_end = st.period_end",
             3, p, NULL);
    /* grant: a row this login may read but not write is left as it was:
     * refused, naming the first such row's indicator */
    r = NULL;
    if (rc == STORE_OK) rc = run(q,
                                 "SELECT st.indicator FROM charter_stage st JOIN measurement m ON m.coalition = $1 "
                                 "AND m.indicator = st.indicator AND m.dimension = st.dimension AND m.grp = st.grp "
                                 "AND m.period_end = st.period_end WHERE st.at = ANY($3::bigint[]) AND m.import_id <> $2 "
                                 "ORDER BY st.at LIMIT 1",
                                 3, p, &r);
    if (rc == STORE_OK && PQntuples(r) == 1) {
      snprintf(q->state, sizeof q->state, "42501");
      refused(q, PQgetvalue(r, 0, 0));
      rc = STORE_FAILED;
    }
    PQclear(r);
  }
  buf_free(&replaced);
  if (rc == STORE_OK) rc = exec(q, "TRUNCATE charter_stage");
  return rc;
}

/* ---- eval's reads ---- */

static StoreRc pg_series(Store *s, const char *coalition, const char *indicator, bool whole, const char *as_of,
                         StoreEach each, void *ctx) {
  PgStore *q = (PgStore *)s;
  char day[11];
  snprintf(day, sizeof day, "%.10s", as_of);
  const char *p[] = {indicator, day, coalition ? coalition : q->coalition};
  PGresult *r = NULL;
  StoreRc rc = run(q,
                   whole ? "SELECT '', '', period, period_end, value, numerator, denominator, flags FROM measurement "
                           "WHERE coalition = $3 AND indicator = $1 AND dimension = '' AND grp = '' AND period_end <= $2 "
                           "ORDER BY period_end"
                         : "SELECT dimension, grp, period, period_end, value, numerator, denominator, flags FROM measurement "
                           "WHERE coalition = $3 AND indicator = $1 AND period_end <= $2 ORDER BY dimension, grp, period_end",
                   3, p, &r);
  if (rc != STORE_OK) return rc;
  int n = PQntuples(r);
  for (int i = 0; i < n && rc == STORE_OK; i++) {
    StoreObs o;
    const char *why = row_problem(r, i, 2, &o);
    o.dimension = PQgetvalue(r, i, 0), o.group = PQgetvalue(r, i, 1);
    if (!why && (!store_clean_text(o.dimension) || !store_clean_text(o.group)))
      why = "its dimension or group is not plain text";
    if (why) rc = corrupt(q, indicator, o.period, o.dimension, o.group, why, "nothing was evaluated");
    else each(ctx, &o);
  }
  PQclear(r);
  return rc;
}

static StoreRc pg_latest(Store *s, const char *coalition, const char *indicator, const char *dimension,
                         const char *group, const char *as_of, StoreObs *out, bool *found) {
  PgStore *q = (PgStore *)s;
  char day[11];
  snprintf(day, sizeof day, "%.10s", as_of);
  const char *p[] = {indicator, dimension, group, day, coalition ? coalition : q->coalition};
  PGresult *r = NULL;
  *found = false;
  StoreRc rc = run(q,
                   "SELECT period, period_end, value, numerator, denominator, flags FROM measurement "
                   "WHERE coalition = $5 AND indicator = $1 AND dimension = $2 AND grp = $3 AND period_end <= $4 "
                   "ORDER BY period_end DESC LIMIT 1",
                   5, p, &r);
  if (rc != STORE_OK) return rc;
  if (PQntuples(r) == 1) {
    StoreObs o;
    const char *why = row_problem(r, 0, 0, &o);
    if (why) rc = corrupt(q, indicator, o.period, NULL, NULL, why, "nothing was evaluated");
    else {
      *found = true;
      *out = o;
      out->dimension = dimension, out->group = group;
      out->period = hold(&q->period, o.period);
      out->period_end = hold(&q->period_end, o.period_end);
    }
  }
  PQclear(r);
  return rc;
}

/* ---- opening ---- */

/* The URI as a message may show it: a password replaced by ***. */
static void shown(const char *uri, char *out, size_t size) {
  const char *rest = strstr(uri, "://"), *at = rest ? strchr(rest + 3, '@') : NULL;
  const char *slash = rest ? strchr(rest + 3, '/') : NULL;
  const char *colon = rest && at ? memchr(rest + 3, ':', (size_t)(at - rest - 3)) : NULL;
  if (!at || !colon || (slash && slash < at)) {
    printable(uri, out, size);
    return;
  }
  char *copy = xmalloc(strlen(uri) + 4);
  snprintf(copy, strlen(uri) + 4, "%.*s***%s", (int)(colon + 1 - uri), uri, at);
  printable(copy, out, size);
  free(copy);
}

static StoreRc pg_verify(Store *s, const char *path, StoreMode mode, int *version, char *err, size_t errlen) {
  PgStore *q = (PgStore *)s;
  char name[200];
  shown(path, name, sizeof name);
  PGresult *r = NULL;
  /* in one statement: one snapshot */
  StoreRc rc = run(q,
                   "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f')), "
                   "       (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "        WHERE n.nspname = current_schema() AND c.relkind = 'r' "
                   "        AND c.relname IN ('charter_store', 'import', 'measurement'))",
                   0, NULL, &r);
  if (rc != STORE_OK) {
    snprintf(err, errlen, "cannot read the database '%s': %s", name, q->err);
    return rc;
  }
  long entries = atol(PQgetvalue(r, 0, 0)), ours = atol(PQgetvalue(r, 0, 1));
  PQclear(r);
  *version = 0;
  if (entries == 0) {
    if (mode == STORE_READ) {
      snprintf(err, errlen, "'%s' holds no measurements yet: run 'charter import --db %s FILE DATA.csv' first", name, name);
      return STORE_FAILED;
    }
    return STORE_OK;
  }
  if (ours != 3) {
    snprintf(err, errlen,
             "'%s' is a PostgreSQL database but not a Charter measurement store (it holds other tables); give --db a new "
             "database, or a schema of its own (options=-csearch_path=NAME)",
             name);
    return STORE_FAILED;
  }
  rc = run(q, "SELECT version FROM charter_store", 0, NULL, &r);
  if (rc != STORE_OK && strcmp(q->state, "42501") == 0) { /* grant: a login with no partner's role */
    char who[128];
    store_quote_safe(PQuser(q->c) ? PQuser(q->c) : "", who, sizeof who);
    snprintf(err, errlen,
             "this login ('%s') has no rights in the store '%s': ask the backbone to run 'charter store grant --apply' "
             "and to GRANT your partner's role to this login",
             who, name);
    return rc;
  }
  if (rc != STORE_OK) {
    snprintf(err, errlen, "cannot read the database '%s': %s", name, q->err);
    return rc;
  }
  if (PQntuples(r) != 1) {
    PQclear(r);
    snprintf(err, errlen, "'%s' is not a measurement store as charter makes it: its table charter_store does not hold one row; restore it from a backup", name);
    return STORE_FAILED;
  }
  *version = atoi(PQgetvalue(r, 0, 0));
  PQclear(r);
  if (*version > STORE_VERSION) {
    snprintf(err, errlen,
             "'%s' was written by a newer charter (store schema %d; this charter knows up to %d): it is left as it is; use a newer charter",
             name, *version, STORE_VERSION);
    return STORE_FAILED;
  }
  if (*version < STORE_VERSION) {
    snprintf(err, errlen, "'%s' has store schema %d, which no charter made in PostgreSQL; restore it from a backup", name, *version);
    return STORE_FAILED;
  }
  return STORE_OK;
}

static StoreRc pg_migrate(Store *s, const char *path, char *err, size_t errlen) {
  PgStore *q = (PgStore *)s;
  char name[200], sql[64];
  shown(path, name, sizeof name);
  /* two imports creating the same store: the second waits, then finds it made */
  StoreRc rc = exec(q, "BEGIN");
  if (rc == STORE_OK) rc = exec(q, "SELECT pg_advisory_xact_lock(hashtext('charter_store'))");
  PGresult *r = NULL;
  if (rc == STORE_OK) rc = run(q, "SELECT to_regclass('charter_store') IS NOT NULL", 0, NULL, &r);
  bool made = rc == STORE_OK && strcmp(PQgetvalue(r, 0, 0), "t") == 0;
  PQclear(r);
  if (rc == STORE_OK && !made) rc = exec(q, schema_sql);
  snprintf(sql, sizeof sql, "INSERT INTO charter_store VALUES (%d)", STORE_VERSION);
  if (rc == STORE_OK && !made) rc = exec(q, sql);
  if (rc == STORE_OK) rc = exec(q, "COMMIT");
  if (rc != STORE_OK) {
    snprintf(err, errlen, "'%s' could not be made a measurement store: %s; it is left as it was", name, q->err);
    pg_rollback(s);
  }
  return rc;
}

static void pg_close(Store *s) {
  PgStore *q = (PgStore *)s;
  PQfinish(q->c);
  free(q->period.s), free(q->period_end.s), free(q->file.s), free(q->dim.s), free(q->grp.s);
  free(q->coalition);
  free(q->schema);
  free(q->cb);
  if (q->spool) fclose(q->spool);
  free(q);
}

static const char *pg_last_error(const Store *s) { return ((const PgStore *)s)->err; }

static const StoreMethods pg_methods = {
    .name = "postgresql",
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .remember = pg_remember,
    .record_import = pg_record_import,
    .finish_import = pg_finish_import,
    .put = pg_put,
    .stage = pg_stage,
    .merge = pg_merge,
    .series = pg_series,
    .latest = pg_latest,
    .verify = pg_verify,
    .migrate = pg_migrate,
    .close = pg_close,
    .last_error = pg_last_error,
};

static void quiet(void *arg, const char *message) { (void)arg, (void)message; }

/* A connection to uri (name: as messages show it), the server's notices
 * kept quiet; NULL with why in err when it cannot be made. */
static PGconn *connect_uri(const char *uri, const char *name, char *err, size_t errlen) {
  PGconn *c = PQconnectdb(uri);
  if (!c || PQstatus(c) != CONNECTION_OK) {
    char why[512];
    printable(c ? PQerrorMessage(c) : "out of memory", why, sizeof why);
    snprintf(err, errlen, "cannot connect to the PostgreSQL database '%s': %s; check the URI given to --db and that the server runs",
             name, why);
    PQfinish(c);
    return NULL;
  }
  PQsetNoticeProcessor(c, quiet, NULL);
  return c;
}

/* grant: runs script (several statements, its own BEGIN and COMMIT) on the
 * database uri, outside any store handle. */
int store_pg_exec_script(const char *uri, const char *sql, char *err, size_t errlen) {
  char name[200];
  shown(uri, name, sizeof name);
  PGconn *c = connect_uri(uri, name, err, errlen);
  if (!c) return -1;
  int rc = 0;
  PGresult *r = PQexec(c, "SET client_encoding = 'UTF8'");
  for (int step = 0; step < 2; step++) {
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      /* the server's own words, without "ERROR:" and the context */
      const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
      char why[512];
      printable(msg && *msg ? msg : PQerrorMessage(c), why, sizeof why);
      /* rights: a login that may not make roles or change the tables */
      const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
      if (state && strcmp(state, "42501") == 0)
        snprintf(err, errlen,
                 "the database '%s' refused the script: %s; nothing was changed. Only the store's owner (the login "
                 "that made it with charter import), with the CREATEROLE attribute, can apply the grant: run it as that "
                 "login, after a superuser gives it that attribute with ALTER ROLE LOGIN_NAME CREATEROLE (docs/network.md, \"Roles "
                 "and rights\")",
                 name, why);
      else
        snprintf(err, errlen, "the database '%s' refused the script: %s; nothing was changed", name, why);
      rc = -1;
      break;
    }
    if (step == 0) PQclear(r), r = PQexec(c, sql);
  }
  PQclear(r);
  PQfinish(c); /* a transaction the error left open is rolled back */
  return rc;
}

Store *store_pg_open(const char *uri, StoreMode mode, const char *coalition, char *err, size_t errlen) {
  char name[200];
  shown(uri, name, sizeof name);
  PGconn *c = connect_uri(uri, name, err, errlen);
  if (!c) return NULL;
  PgStore *q = xcalloc(1, sizeof *q);
  q->base.m = &pg_methods;
  q->c = c;
  q->coalition = xstrdup(coalition ? coalition : "");
  int version = 0;
  /* texts in UTF-8, as charter writes them */
  StoreRc rc = exec(q, "SET client_encoding = 'UTF8'");
  if (rc != STORE_OK) snprintf(err, errlen, "cannot use the database '%s': %s", name, q->err);
  if (rc == STORE_OK) rc = pg_verify(&q->base, uri, mode, &version, err, errlen);
  if (rc == STORE_OK && mode == STORE_WRITE && version < STORE_VERSION) rc = pg_migrate(&q->base, uri, err, errlen);
  if (rc == STORE_OK) { /* rights: the schema the store's functions are called in */
    PGresult *r = NULL;
    rc = run(q, "SELECT current_schema()", 0, NULL, &r);
    const char *schema = rc == STORE_OK && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) ? PQgetvalue(r, 0, 0) : NULL;
    char *quoted = schema ? PQescapeIdentifier(c, schema, strlen(schema)) : NULL;
    if (quoted) q->schema = xstrdup(quoted);
    PQfreemem(quoted);
    PQclear(r);
    if (!q->schema) {
      snprintf(err, errlen, "cannot use the database '%s': it has no schema to use (search_path)", name);
      rc = STORE_FAILED;
    }
  }
  if (rc != STORE_OK) {
    pg_close(&q->base);
    return NULL;
  }
  return &q->base;
}

bool store_pg_exists(const char *uri) {
  PGconn *c = PQconnectdb(uri);
  bool there = true;
  if (c && PQstatus(c) == CONNECTION_OK) {
    PGresult *r = PQexec(c, "SELECT to_regclass('charter_store') IS NOT NULL");
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) there = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
  }
  PQfinish(c);
  return there;
}
