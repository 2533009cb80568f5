/* charter lsp: the language server over standard input and output
 * (docs/lsp.md). Nothing but the protocol goes to standard output; with
 * --log FILE, a line per event goes to FILE. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "lsp.h"

static void write_stdout(void *ctx, const char *data, size_t len) {
  bool *failed = ctx;
  if (*failed) return;
  if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) *failed = true;
}

int cmd_lsp(int argc, char **argv) {
  static const struct option opts[] = {
      {"log", required_argument, NULL, 'l'},
      {"stdio", no_argument, NULL, 's'},
      {"root", required_argument, NULL, 'R'},
      {"db", required_argument, NULL, 'd'},
      {NULL, 0, NULL, 0},
  };
  const char *log_path = NULL, *db = NULL;
  LoadOptions lo = {getenv("CHARTER_PATH"), NULL};
  optind = 1;
  opterr = 0;
  int ch, rc;
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 'l': log_path = optarg; break;
    case 'd': db = optarg; break;
    case 's': break; /* standard input and output: the only transport */
    case 'R':
      if ((rc = root_option("lsp", optarg, &lo)) != EXIT_OK) return rc;
      break;
    default: return option_error("lsp", ch, argv);
    }
  }
  if (optind < argc)
    return usage_error("lsp", "lsp takes no file: the editor sends the documents it opens over standard input");
  FILE *log = NULL;
  if (log_path) {
    log = fopen(log_path, "a");
    if (!log) return usage_error("lsp", "cannot open the log file '%s': %s", log_path, strerror(errno));
  }
  if (isatty(STDIN_FILENO))
    fprintf(stderr, "charter lsp: waiting for an editor's messages on standard input; an editor starts this "
                    "command itself (docs/lsp.md says how to set one up). Press Ctrl-D to stop.\n");
  bool failed = false;
  LspServer *s = lsp_server_new(write_stdout, &failed, log, &lo);
  lsp_server_set_store(s, db);
  /* CHARTER_DOCS_HOME (even empty: no links) stands for the address this
   * build knows, for a mirror of charter's source, and for tests. */
  const char *home = getenv("CHARTER_DOCS_HOME");
  lsp_server_set_docs_home(s, home ? home : new_default_home());
  char chunk[65536];
  bool more = true;
  while (more && !failed) {
    ssize_t n = read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      lsp_server_eof(s);
      break;
    }
    more = lsp_server_feed(s, chunk, (size_t)n);
  }
  int status = lsp_server_exit_code(s);
  lsp_server_free(s);
  if (log) fclose(log);
  return status;
}
