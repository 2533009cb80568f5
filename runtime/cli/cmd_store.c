/* charter store: commands on the measurement store itself. One so far:
 * `charter store grant`, which prints (or, with --apply, runs on a
 * PostgreSQL store) the SQL of one role per partner and the row-level
 * security that keeps each partner to the indicators it reports
 * (runtime/store_grant.c writes it; docs/network.md, "Roles and rights"). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "escape.h"
#include "model.h"
#include "program.h"
#include "store.h"
#include "store_grant.h"
#include "suggest.h"

/* Prints what --apply did: each role, what it writes and what it reads,
 * and the networks the coalition shares its rows with. */
static void print_applied(const Program *p, const char *coalition) {
  int n = 0;
  for (int i = 0; i < p->decls.len; i++) n += ((const Decl *)p->decls.items[i])->kind == D_PARTNER;
  printf("coalition '%s': %d partner role%s and their rights are in place\n", coalition, n, n == 1 ? "" : "s");
  const char **network = NULL;
  int nnet = grant_network_coalitions(p, &network);
  Buf reads = {0};
  grant_reads(&reads, coalition, network, nnet);
  for (int i = 0; i < p->decls.len; i++) {
    const Decl *d = p->decls.items[i];
    if (d->kind != D_PARTNER || !d->id) continue;
    char role[GRANT_NAME_MAX + 1];
    grant_role_name(coalition, d->id, role);
    printf("  \"%s\" (partner %s) writes:", role, d->id);
    int k = 0;
    for (int j = 0; j < p->decls.len; j++) {
      const Decl *x = p->decls.items[j];
      const AttrVals *v = decl_attr(x, AT_INDICATOR_REPORTED_BY);
      for (int m = 0; m < v->n; m++)
        if (v->vals[m].ref == d) {
          printf("%s %s", k++ ? "," : "", x->id);
          break;
        }
    }
    printf("%s\n", k ? "" : " nothing (no indicator names it in reported_by)");
    printf("    reads: %s\n", buf_str(&reads));
  }
  buf_free(&reads);
  free(network);
  const AttrVals *share = p->charter ? decl_attr(p->charter, AT_CHARTER_SHARED_WITH) : NULL;
  if (share && share->n) {
    printf("coalition '%s' shares its rows with the roles of:", coalition);
    for (int i = 0; i < share->n; i++) printf("%s %s", i ? "," : "", share->vals[i].str ? share->vals[i].str : "");
    printf(" (of each network whose program lists '%s' in coalitions)\n", coalition);
  } else {
    printf("coalition '%s' shares its rows with no network (a network's roles read them only if its charter block "
           "says shared_with \"NETWORK\")\n",
           coalition);
  }
  printf("Give a person's login a partner's rights with: GRANT \"ROLE\" TO login;\n");
}

static int store_grant(int argc, char **argv) {
  static const struct option opts[] = {
      {"apply", no_argument, NULL, 'a'},
      {"db", required_argument, NULL, 'd'},
      {"root", required_argument, NULL, 'R'},
      {NULL, 0, NULL, 0},
  };
  const char *dbpath = NULL;
  bool apply = false;
  LoadOptions lo = {getenv("CHARTER_PATH"), NULL};
  optind = 1;
  opterr = 0;
  int ch, rc;
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 'a': apply = true; break;
    case 'd': dbpath = optarg; break;
    case 'R':
      if ((rc = root_option("store", optarg, &lo)) != EXIT_OK) return rc;
      break;
    default: return option_error("store", ch, argv);
    }
  }
  if (dbpath && !apply)
    return usage_error("store", "--db is used only with --apply: add --apply to run the script on that database, or leave --db out to print the script");
  if (apply) {
    if (!dbpath) dbpath = getenv("CHARTER_DB");
    if (!dbpath || !*dbpath)
      return usage_error("store", "--apply needs the database: give --db postgresql://USER@HOST/DATABASE (or set CHARTER_DB)");
    if (strncmp(dbpath, "postgresql://", 13) != 0 && strncmp(dbpath, "postgres://", 11) != 0)
      return usage_error("store",
                         "--apply works on a PostgreSQL store (--db postgresql://...), not on '%s': a SQLite file has no "
                         "roles; to give partners rights of their own, keep the store in PostgreSQL",
                         dbpath);
  }
  if (optind >= argc)
    return usage_error("store", "which program? Give the entry file, as in: charter store grant coalition.charter");
  if (argc - optind > 1)
    return usage_error("store", "store grant takes one entry file; imported files are read with it");
  const char *entry = argv[optind];
  Program *p = program_load(entry, &lo);
  int status = program_refused(p, "granted");
  if (status != EXIT_OK) {
    program_free(p);
    return status;
  }
  const char *coalition = program_coalition(p);
  Buf sql = {0};
  char err[1024];
  if (!grant_sql(p, coalition, entry, &sql, err, sizeof err)) {
    fputs("charter: ", stderr);
    esc_term_put(stderr, err);
    fputc('\n', stderr);
    status = EXIT_FINDINGS;
  } else if (!apply) {
    fputs(buf_str(&sql), stdout);
    if (fflush(stdout) != 0 || ferror(stdout)) {
      fprintf(stderr, "charter: cannot write the script: %s\n", strerror(errno));
      status = EXIT_USAGE;
    }
  } else if (store_pg_exec_script(dbpath, buf_str(&sql), err, sizeof err) != 0) {
    fputs("charter: ", stderr);
    esc_term_put(stderr, err);
    fputc('\n', stderr);
    status = EXIT_USAGE;
  } else {
    print_applied(p, coalition);
  }
  buf_free(&sql);
  program_free(p);
  return status;
}

int cmd_store(int argc, char **argv) {
  static const char *const subs[] = {"grant"};
  if (argc < 2 || argv[1][0] == '-')
    return usage_error("store", "which store command? There is one: charter store grant [--apply] [--db URI] FILE");
  if (strcmp(argv[1], "grant") == 0) return store_grant(argc - 1, argv + 1);
  const char *best = suggest_best(argv[1], subs, 1);
  if (best) return usage_error("store", "'%s' is not a store command; did you mean '%s'?", argv[1], best);
  return usage_error("store", "'%s' is not a store command: there is one, grant", argv[1]);
}
