/* charter: the entry point. Dispatches to one subcommand per file. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "suggest.h"

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
} commands[] = {
    {"check", cmd_check},
    {"fmt", cmd_fmt},
    {"render", cmd_render},
    {"report", cmd_report},
    {"import", cmd_import},
    {"eval", cmd_eval},
    {"new", cmd_new},
    {"lsp", cmd_lsp},
    {"diff", cmd_diff},
    {"export", cmd_export},
    {"store", cmd_store},
    {"help", cmd_help},
};
enum { NCOMMANDS = sizeof commands / sizeof *commands };

int cmd_help(int argc, char **argv) {
  if (argc > 2) return usage_error("help", "help takes at most one command name");
  const char *what = argc == 2 ? argv[1] : NULL;
  if (what && (strcmp(what, "--help") == 0 || strcmp(what, "-h") == 0)) what = "help";
  if (!help_print(stdout, what)) {
    const char *names[NCOMMANDS];
    for (int i = 0; i < NCOMMANDS; i++) names[i] = commands[i].name;
    const char *best = suggest_best(what, names, NCOMMANDS);
    if (best) return usage_error(NULL, "no help for '%s': there is no such command; did you mean '%s'?", what, best);
    return usage_error(NULL, "no help for '%s': there is no such command", what);
  }
  return EXIT_OK;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    help_print(stderr, NULL);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
    help_print(stdout, NULL);
    return EXIT_OK;
  }
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
    printf("charter %s\n", CHARTER_VERSION);
    puts("Copyright (C) 2026 the Charter authors.");
    puts("This is free software: you are free to change and redistribute it.");
    return EXIT_OK;
  }
  for (int i = 0; i < NCOMMANDS; i++)
    if (strcmp(commands[i].name, cmd) == 0) {
      /* "charter CMD --help" anywhere before "--" shows that command's help. */
      for (int j = 2; j < argc && strcmp(argv[j], "--") != 0; j++)
        if (strcmp(argv[j], "--help") == 0 || strcmp(argv[j], "-h") == 0) {
          help_print(stdout, cmd);
          return EXIT_OK;
        }
      return commands[i].run(argc - 1, argv + 1);
    }
  if (cmd[0] == '-') return usage_error(NULL, "unknown option '%s'", cmd);
  const char *names[NCOMMANDS];
  for (int i = 0; i < NCOMMANDS; i++) names[i] = commands[i].name;
  const char *best = suggest_best(cmd, names, NCOMMANDS);
  if (best) return usage_error(NULL, "'%s' is not a charter command; did you mean '%s'?", cmd, best);
  return usage_error(NULL, "'%s' is not a charter command", cmd);
}
