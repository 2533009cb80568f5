/* charter store grant: the script of roles, helper tables, privileges and
 * row-level security policies for one program (store_grant.h). Every name
 * that comes from the program goes into the script either as a quoted
 * identifier ("..." with " doubled) or as a literal ('...' with ' doubled,
 * standard_conforming_strings on, control characters as spaces): a
 * partner's id or title cannot end a string or a statement. */
#define _POSIX_C_SOURCE 200809L
#include "store_grant.h"

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

/* ---- names ---- */

static uint64_t fnv1a64(const char *s) {
  uint64_t h = 14695981039346656037ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

void grant_role_name(const char *coalition, const char *partner, char out[GRANT_NAME_MAX + 1]) {
  size_t n = strlen("charter:") + strlen(coalition) + 1 + strlen(partner);
  if (n <= GRANT_NAME_MAX) {
    snprintf(out, GRANT_NAME_MAX + 1, "charter:%s:%s", coalition, partner);
    return;
  }
  Buf whole = {0};
  buf_printf(&whole, "charter:%s:%s", coalition, partner);
  /* keys and ids are ASCII: any cut is on a character boundary */
  snprintf(out, GRANT_NAME_MAX + 1, "%.46s~%016llx", buf_str(&whole), (unsigned long long)fnv1a64(buf_str(&whole)));
  buf_free(&whole);
}

const char *grant_key_problem(const char *key) {
  size_t n = strlen(key);
  if (n == 0) return "it is empty";
  if (n > GRANT_NAME_MAX) return "it is longer than 63 bytes";
  for (size_t i = 0; i < n; i++) {
    char c = key[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return "it may hold only letters, digits, '-' and '_'";
  }
  return NULL;
}

int grant_network_coalitions(const Program *p, const char ***keys) {
  *keys = NULL;
  /* A network program lists its members' coalition keys in the charter
   * block's `coalitions` attribute. Looked up by name, so that this file
   * needs no change when the schema gains it; while the schema has no such
   * attribute, no program is a network here. */
  int slot = chk_spec_index(D_CHARTER, "coalitions");
  if (slot < 0 || !p->charter || !p->charter->vals) return 0;
  const AttrVals *v = &p->charter->vals[slot];
  if (v->n == 0) return 0;
  const char **out = xcalloc((size_t)v->n, sizeof *out);
  int n = 0;
  for (int i = 0; i < v->n; i++)
    if (v->vals[i].str) out[n++] = v->vals[i].str;
  *keys = out;
  return n;
}

void grant_reads(Buf *b, const char *coalition, const char **network, int nnet) {
  buf_puts(b, coalition);
  int k = 0;
  for (int j = 0; j < nnet; j++) {
    if (strcmp(network[j], coalition) == 0) continue;
    buf_printf(b, "%s%s", k++ ? ", " : ", and ", network[j]);
  }
  if (k) buf_printf(b, " where each shares with %s", coalition);
}

/* ---- quoting ---- */

/* s as a quoted identifier (PostgreSQL's quote_ident, always quoted). */
static void ident(Buf *b, const char *s) {
  buf_putc(b, '"');
  for (; *s; s++) {
    if (*s == '"') buf_putc(b, '"');
    buf_putc(b, *s);
  }
  buf_putc(b, '"');
}

/* s as a string literal (standard_conforming_strings on: only ' is
 * special); control characters become spaces, so that the script stays
 * one statement per line and a terminal shows it as it is. */
static void lit(Buf *b, const char *s) {
  buf_putc(b, '\'');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '\'') buf_puts(b, "''");
    else if (c < 0x20 || c == 0x7f) buf_putc(b, ' ');
    else buf_putc(b, (char)c);
  }
  buf_putc(b, '\'');
}

/* ---- the script ---- */

/* The policies' tests: the current login is a member of a role that may
 * read the row's coalition (its own; or one its network program lists in
 * `coalitions` and which shares with the role's coalition: the member's
 * consent, charter_share), write its (coalition, indicator), or write the
 * coalition's imports. */
#define MAY_READ(T)                                                                                                    \
  "EXISTS (SELECT 1 FROM charter_reader r JOIN charter_role o ON o.role = r.role\n"                                    \
  "          WHERE r.coalition = " T ".coalition AND pg_has_role(current_user, r.role, 'MEMBER')\n"                    \
  "          AND (o.coalition = r.coalition OR EXISTS (SELECT 1 FROM charter_share s\n"                                  \
  "            WHERE s.coalition = r.coalition AND s.network = o.coalition)))"
#define MAY_WRITE                                                                                                      \
  "EXISTS (SELECT 1 FROM charter_writer w WHERE w.coalition = measurement.coalition\n"                                 \
  "          AND w.indicator = measurement.indicator AND pg_has_role(current_user, w.role, 'MEMBER'))\n"                 \
  "  AND EXISTS (SELECT 1 FROM import i WHERE i.id = measurement.import_id\n"                                          \
  "          AND i.coalition = measurement.coalition)"
#define MAY_IMPORT                                                                                                     \
  "EXISTS (SELECT 1 FROM charter_role o WHERE o.coalition = import.coalition\n"                                        \
  "          AND pg_has_role(current_user, o.role, 'MEMBER'))"

static const char store_check[] =
    "-- the store must exist: charter import makes it\n"
    "DO $charter$\n"
    "BEGIN\n"
    "  IF to_regclass('charter_store') IS NULL OR to_regclass('measurement') IS NULL\n"
    "     OR to_regclass('import') IS NULL THEN\n"
    "    RAISE EXCEPTION 'this database holds no Charter measurement store yet: run charter import into it first';\n"
    "  END IF;\n"
    "END\n"
    "$charter$;\n";

static const char helper_tables[] =
    "\n-- who may do what: one role per partner, the coalitions it reads, the\n"
    "-- indicators it writes\n"
    "CREATE TABLE IF NOT EXISTS charter_role (\n"
    "  role text COLLATE \"C\" PRIMARY KEY,\n"
    "  coalition text COLLATE \"C\" NOT NULL,\n"
    "  partner text COLLATE \"C\" NOT NULL,\n"
    "  UNIQUE (coalition, partner)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS charter_reader (\n"
    "  role text COLLATE \"C\" NOT NULL REFERENCES charter_role (role) ON DELETE CASCADE,\n"
    "  coalition text COLLATE \"C\" NOT NULL,\n"
    "  PRIMARY KEY (role, coalition)\n"
    ");\n"
    "CREATE TABLE IF NOT EXISTS charter_writer (\n"
    "  role text COLLATE \"C\" NOT NULL REFERENCES charter_role (role) ON DELETE CASCADE,\n"
    "  coalition text COLLATE \"C\" NOT NULL,\n"
    "  indicator text COLLATE \"C\" NOT NULL,\n"
    "  PRIMARY KEY (role, coalition, indicator)\n"
    ");\n"
    "-- a member's consent: the networks whose roles may read its rows\n"
    "CREATE TABLE IF NOT EXISTS charter_share (\n"
    "  coalition text COLLATE \"C\" NOT NULL,\n"
    "  network text COLLATE \"C\" NOT NULL,\n"
    "  PRIMARY KEY (coalition, network)\n"
    ");\n";

static const char make_roles[] =
    "\n-- the roles: NOLOGIN (people log in as themselves, and are GRANTed one)\n"
    "DO $charter$\n"
    "DECLARE\n"
    "  r record;\n"
    "BEGIN\n"
    "  FOR r IN SELECT role FROM charter_role ORDER BY role LOOP\n"
    "    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r.role) THEN\n"
    "      EXECUTE format('CREATE ROLE %I NOLOGIN', r.role);\n"
    "    END IF;\n"
    "    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', current_schema(), r.role);\n"
    "  END LOOP;\n"
    "END\n"
    "$charter$;\n";

static const char policies[] =
    "\n-- row-level security: the owner of the tables is not bound by it (not FORCEd)\n"
    "ALTER TABLE measurement ENABLE ROW LEVEL SECURITY;\n"
    "ALTER TABLE import ENABLE ROW LEVEL SECURITY;\n"
    "DROP POLICY IF EXISTS charter_read ON measurement;\n"
    "CREATE POLICY charter_read ON measurement FOR SELECT\n"
    "  USING (" MAY_READ("measurement") ");\n"
    "DROP POLICY IF EXISTS charter_insert ON measurement;\n"
    "CREATE POLICY charter_insert ON measurement FOR INSERT\n"
    "  WITH CHECK (" MAY_WRITE ");\n"
    "DROP POLICY IF EXISTS charter_update ON measurement;\n"
    "CREATE POLICY charter_update ON measurement FOR UPDATE\n"
    "  USING (" MAY_WRITE ")\n"
    "  WITH CHECK (" MAY_WRITE ");\n"
    "DROP POLICY IF EXISTS charter_read ON import;\n"
    "CREATE POLICY charter_read ON import FOR SELECT\n"
    "  USING (" MAY_READ("import") ");\n"
    "DROP POLICY IF EXISTS charter_write ON import;\n"
    "DROP POLICY IF EXISTS charter_insert ON import;\n"
    "CREATE POLICY charter_insert ON import FOR INSERT\n"
    "  WITH CHECK (" MAY_IMPORT ");\n"
    "-- UPDATE, DELETE: none (an import finishes its own record, its count of\n"
    "-- rows or its removal, through the store's function charter_finish_import)\n"
    "DROP POLICY IF EXISTS charter_update ON import;\n"
    "DROP POLICY IF EXISTS charter_delete ON import;\n";

/* Takes every right on the store from every role this coalition had,
 * whether or not the program still names its partner (the grant below
 * gives back what the program says). */
#define REVOKE_OLD                                                                                                     \
  "\n-- every right of the roles this coalition had, taken back (also of\n"                                          \
  "-- partners the program no longer declares); given again below\n"                                                  \
  "DO $charter$\n"                                                                                                    \
  "DECLARE\n"                                                                                                         \
  "  r record;\n"                                                                                                     \
  "BEGIN\n"                                                                                                           \
  "  FOR r IN SELECT o.role FROM charter_role o JOIN pg_roles g ON g.rolname = o.role\n"                              \
  "           WHERE o.coalition = "
#define REVOKE_OLD_END                                                                                                 \
  " ORDER BY o.role LOOP\n"                                                                                           \
  "    EXECUTE format('REVOKE ALL ON charter_store, import, measurement, charter_role, charter_reader, '\n"           \
  "      'charter_writer, charter_share FROM %I', r.role);\n"                                                         \
  "    EXECUTE format('REVOKE ALL ON FUNCTION charter_finish_import(bigint, bigint) FROM %I', r.role);\n"            \
  "    EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM %I', current_schema(), r.role);\n"                              \
  "  END LOOP;\n"                                                                                                     \
  "END\n"                                                                                                             \
  "$charter$;\n"

/* The role names of p's partners, in declaration order. */
typedef struct GrantRole {
  const Decl *partner;
  char name[GRANT_NAME_MAX + 1];
} GrantRole;

/* ", " between the names of roles, for GRANT and REVOKE. */
static void role_list(Buf *b, const GrantRole *roles, int n) {
  for (int i = 0; i < n; i++) {
    if (i) buf_puts(b, ", ");
    ident(b, roles[i].name);
  }
}

/* Whether indicator d lists partner among its reported_by. */
static bool reports(const Decl *d, const Decl *partner) {
  const AttrVals *v = decl_attr(d, AT_INDICATOR_REPORTED_BY);
  for (int i = 0; i < v->n; i++)
    if (v->vals[i].ref == partner) return true;
  return false;
}

bool grant_sql(const Program *p, const char *coalition, const char *entry, Buf *out, char *err, size_t errlen) {
  const char *why = grant_key_problem(coalition);
  if (!*coalition) {
    /* roles belong to the whole server, not to one database: named after
     * no key, the partners of two stores on one server would share them */
    snprintf(err, errlen,
             "%s: the program has no network_id, and the partners' PostgreSQL roles are named after it (roles belong to "
             "the whole server, so two coalitions must not share them); give the charter block one, as in network_id "
             "\"east-side\", import again, then grant",
             entry);
    return false;
  }
  if (why) {
    snprintf(err, errlen, "the program's coalition key '%.80s' cannot name PostgreSQL roles: %s", coalition, why);
    return false;
  }
  const char **network = NULL;
  int nnet = grant_network_coalitions(p, &network);
  for (int i = 0; i < nnet; i++)
    if ((why = grant_key_problem(network[i]))) {
      snprintf(err, errlen, "the charter block's coalitions list '%.80s', which is not a coalition key: %s", network[i], why);
      free(network);
      return false;
    }
  const AttrVals *share = p->charter ? decl_attr(p->charter, AT_CHARTER_SHARED_WITH) : NULL;
  int nshare = share ? share->n : 0;
  for (int i = 0; i < nshare; i++)
    if (!share->vals[i].str || (why = grant_key_problem(share->vals[i].str))) {
      snprintf(err, errlen, "the charter block's shared_with lists '%.80s', which is not a coalition key: %s",
               share->vals[i].str ? share->vals[i].str : "", why ? why : "it is not a string");
      free(network);
      return false;
    }
  GrantRole *roles = xcalloc((size_t)p->decls.len + 1, sizeof *roles);
  int nroles = 0;
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind != D_PARTNER || !d->id) continue;
    roles[nroles].partner = d;
    grant_role_name(coalition, d->id, roles[nroles].name);
    nroles++;
  }
  Buf *b = out;
  buf_puts(b, "-- charter store grant: PostgreSQL roles and row-level security for the\n-- coalition ");
  lit(b, coalition);
  buf_puts(b, " (program ");
  lit(b, entry);
  buf_puts(b, ").\n"
              "-- One transaction: all of it or nothing. It can be run again: each run\n"
              "-- makes the rights of this coalition's roles what the program says now.\n"
              "BEGIN;\n"
              "SET LOCAL standard_conforming_strings = on;\n");
  buf_puts(b, store_check);
  buf_puts(b, helper_tables);
  buf_puts(b, REVOKE_OLD);
  lit(b, coalition);
  buf_puts(b, REVOKE_OLD_END);
  buf_puts(b, "\n-- the networks this coalition lets read its rows (shared_with)\n"
              "DELETE FROM charter_share WHERE coalition = ");
  lit(b, coalition);
  buf_puts(b, ";\n");
  for (int i = 0; i < nshare; i++) {
    buf_puts(b, i ? ",\n  (" : "INSERT INTO charter_share (coalition, network) VALUES\n  (");
    lit(b, coalition), buf_puts(b, ", "), lit(b, share->vals[i].str);
    buf_putc(b, ')');
  }
  if (nshare) buf_puts(b, ";\n");
  buf_puts(b, "\n-- this coalition's roles\n"
              "DELETE FROM charter_role WHERE coalition = ");
  lit(b, coalition);
  buf_puts(b, ";\n");
  if (nroles) {
    buf_puts(b, "INSERT INTO charter_role (role, coalition, partner) VALUES");
    for (int i = 0; i < nroles; i++) {
      buf_puts(b, i ? ",\n  (" : "\n  (");
      lit(b, roles[i].name), buf_puts(b, ", "), lit(b, coalition), buf_puts(b, ", "), lit(b, roles[i].partner->id);
      buf_putc(b, ')');
    }
    buf_puts(b, ";\n");
    /* each role reads its own coalition, and a network's the members' */
    buf_puts(b, "INSERT INTO charter_reader (role, coalition) VALUES");
    int k = 0;
    for (int i = 0; i < nroles; i++)
      for (int j = -1; j < nnet; j++) {
        const char *c = j < 0 ? coalition : network[j];
        bool dup = j >= 0 && strcmp(c, coalition) == 0;
        for (int m = 0; m < j && !dup; m++) dup = strcmp(network[m], c) == 0;
        if (dup) continue;
        buf_puts(b, k++ ? ",\n  (" : "\n  (");
        lit(b, roles[i].name), buf_puts(b, ", "), lit(b, c);
        buf_putc(b, ')');
      }
    buf_puts(b, ";\n");
    k = 0;
    for (int i = 0; i < nroles; i++)
      for (int j = 0; j < p->decls.len; j++) {
        const Decl *d = p->decls.items[j];
        if (d->kind != D_INDICATOR || !d->id || !reports(d, roles[i].partner)) continue;
        buf_puts(b, k++ ? ",\n  (" : "INSERT INTO charter_writer (role, coalition, indicator) VALUES\n  (");
        lit(b, roles[i].name), buf_puts(b, ", "), lit(b, coalition), buf_puts(b, ", "), lit(b, d->id);
        buf_putc(b, ')');
      }
    if (k) buf_puts(b, ";\n");
    buf_puts(b, make_roles);
    for (int i = 0; i < nroles; i++) {
      buf_puts(b, "COMMENT ON ROLE ");
      ident(b, roles[i].name);
      buf_puts(b, " IS ");
      Buf c = {0};
      buf_printf(&c, "partner %s of coalition %s: %s", roles[i].partner->id, coalition,
                 roles[i].partner->title ? roles[i].partner->title : "");
      lit(b, buf_str(&c));
      buf_free(&c);
      buf_puts(b, ";\n");
    }
    buf_puts(b, "\n-- what each role reads: its own coalition's rows");
    if (nnet)
      buf_puts(b, ", and those of each coalition\n-- listed here that shares with this one (its shared_with names it)");
    buf_puts(b, "\n");
    for (int i = 0; i < nroles; i++) {
      buf_puts(b, "--   ");
      buf_puts(b, roles[i].name);
      buf_puts(b, " reads: ");
      grant_reads(b, coalition, network, nnet);
      buf_puts(b, "\n");
    }
    buf_puts(b, "\n-- privileges: read the store; add and replace measurements, never delete them;\n"
                "-- no right to UPDATE, DELETE or TRUNCATE a table as a whole, which would let a\n"
                "-- role LOCK it against every other\n"
                "GRANT SELECT ON charter_store, charter_role, charter_reader, charter_writer, charter_share TO ");
    role_list(b, roles, nroles);
    buf_puts(b, ";\nGRANT SELECT, INSERT ON measurement TO ");
    role_list(b, roles, nroles);
    buf_puts(b, ";\n-- replace: the columns that are not the key\n"
                "GRANT UPDATE (period, value, numerator, denominator, flags, source, note, import_id) ON measurement TO ");
    role_list(b, roles, nroles);
    buf_puts(b, ";\n-- an import's record: its id is the store's (a trigger numbers it); it is\n"
                "-- finished with its count of rows, or removed when it stored nothing, by\n"
                "-- the store's function charter_finish_import (its own record only)\n"
                "GRANT SELECT, INSERT ON import TO ");
    role_list(b, roles, nroles);
    buf_puts(b, ";\nGRANT EXECUTE ON FUNCTION charter_finish_import(bigint, bigint) TO ");
    role_list(b, roles, nroles);
    buf_puts(b, ";\n");
  } else {
    buf_puts(b, "-- the program declares no partner: no role\n");
  }
  buf_puts(b, policies);
  buf_puts(b, "COMMIT;\n");
  free(roles);
  free(network);
  return true;
}
