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

#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    "  import_id bigint NOT NULL,\n"
    "  PRIMARY KEY (coalition, indicator, dimension, grp, period_end),\n"
    "  FOREIGN KEY (coalition, import_id) REFERENCES import (coalition, id),\n"
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
             "this login ('%s') may not write imports of coalition '%s' into this store: ask the backbone to run "
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
  return rows ? run(q, "UPDATE import SET rows = $2 WHERE id = $1", 2, p, NULL)
              : run(q, "DELETE FROM import WHERE id = $1", 1, p, NULL);
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
           "FROM measurement m JOIN import i ON i.id = m.import_id "
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
    .series = pg_series,
    .latest = pg_latest,
    .verify = pg_verify,
    .migrate = pg_migrate,
    .close = pg_close,
    .last_error = pg_last_error,
};

static void quiet(void *arg, const char *message) { (void)arg, (void)message; }

/* grant: runs script (several statements, its own BEGIN and COMMIT) on the
 * database uri, outside any store handle. */
int store_pg_exec_script(const char *uri, const char *sql, char *err, size_t errlen) {
  char name[200];
  shown(uri, name, sizeof name);
  PGconn *c = PQconnectdb(uri);
  if (!c || PQstatus(c) != CONNECTION_OK) {
    char why[512];
    printable(c ? PQerrorMessage(c) : "out of memory", why, sizeof why);
    snprintf(err, errlen, "cannot connect to the PostgreSQL database '%s': %s; check the URI given to --db and that the server runs",
             name, why);
    PQfinish(c);
    return -1;
  }
  PQsetNoticeProcessor(c, quiet, NULL);
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
