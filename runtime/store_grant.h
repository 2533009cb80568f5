/* charter store grant: the SQL that gives each partner of a program a
 * PostgreSQL role and row-level security on the store's tables, so that
 * the database itself keeps a partner to the indicators it reports
 * (docs/network.md, "Roles and rights"). Text only: no libpq here; the
 * command prints it, or runs it through store_pg_exec_script. */
#ifndef CHARTER_STORE_GRANT_H
#define CHARTER_STORE_GRANT_H

#include <stdbool.h>
#include <stddef.h>

#include "program.h"
#include "util.h"

/* PostgreSQL's longest name, in bytes (NAMEDATALEN - 1). */
enum { GRANT_NAME_MAX = 63 };

/* The role of partner (an id) of coalition (a key), into out:
 * "charter:COALITION:PARTNER" when that fits in 63 bytes; else its first
 * 46 bytes, '~' and the 16 hex digits of the whole name's 64-bit FNV-1a
 * hash (63 bytes: still one name per partner, and the same every time). */
void grant_role_name(const char *coalition, const char *partner, char out[GRANT_NAME_MAX + 1]);

/* Why key cannot be a coalition key (letters, digits, '-' and '_', 1 to 63
 * bytes), or NULL. */
const char *grant_key_problem(const char *key);

/* The other coalitions a network program reads (its charter block's
 * `coalitions` strings), in the order written, into *keys (an array the
 * caller frees, of p's strings; NULL when none); how many. 0 when this charter's schema has no
 * `coalitions` attribute. */
int grant_network_coalitions(const Program *p, const char ***keys);

/* What a role of coalition reads, appended to b: "C", or, for a network
 * whose `coalitions` are network[0..nnet), "C, and A, B where each shares
 * with C" (a member's consent: its shared_with). */
void grant_reads(Buf *b, const char *coalition, const char **network, int nnet);

/* Appends to out the whole script for p, whose coalition key is coalition:
 * one transaction (BEGIN ... COMMIT) that can be run again. entry names the
 * program in the script's first comment. false, with why in err, when the
 * coalition key or a network key is not one (nothing appended then). */
bool grant_sql(const Program *p, const char *coalition, const char *entry, Buf *out, char *err, size_t errlen);

#endif
