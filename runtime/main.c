/* charter: the entry point. Dispatches to one subcommand per file. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "eval.h"
#include "program.h"
#include "suggest.h"

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
} commands[] = {
    {"check", cmd_check},
    {"fmt", cmd_fmt},
    {"render", cmd_render},
    {"import", cmd_import},
    {"eval", cmd_eval},
    {"new", cmd_new},
    {"help", cmd_help},
};
enum { NCOMMANDS = sizeof commands / sizeof *commands };

int usage_error(const char *command, const char *fmt, ...) {
  va_list ap;
  fputs("charter: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  if (command)
    fprintf(stderr, "Try 'charter help %s' for more information.\n", command);
  else
    fputs("Try 'charter --help' for more information.\n", stderr);
  return EXIT_USAGE;
}

int option_error(const char *command, int ch, char **argv) {
  const char *word = argv[optind - 1];
  if (ch == ':') return usage_error(command, "option '%s' needs a value", word);
  if (optopt && strncmp(word, "--", 2) != 0) return usage_error(command, "unknown option '-%c'", optopt);
  return usage_error(command, "unknown option '%s'", word);
}

int program_refused(Program *p, const char *what) {
  if (!p->entry_unreadable && !p->diags.nerrors) return EXIT_OK;
  diag_sort(&p->diags);
  bool c = color_wanted("auto");
  diag_print_text(stderr, &p->diags, &p->srcs, (DiagStyle){c, 50, NULL});
  if (p->entry_unreadable) return EXIT_USAGE;
  diag_print_summary(stderr, &p->diags, c);
  fprintf(stderr, "charter: nothing %s: fix the errors above first\n", what);
  return EXIT_FINDINGS;
}

int parse_as_of(const char *command, const char *text, int32_t *day) {
  *day = eval_today();
  if (!text) return EXIT_OK;
  Period per;
  const char *why;
  if (!period_parse(text, strlen(text), &per, &why))
    return usage_error(command, "--as-of '%s' is not a period: %s", text, why);
  *day = period_last_day(per);
  return EXIT_OK;
}

bool color_wanted_on(const char *mode, int fd) {
  if (strcmp(mode, "always") == 0) return true;
  if (strcmp(mode, "never") == 0) return false;
  const char *no = getenv("NO_COLOR");
  const char *term = getenv("TERM");
  if (no && *no) return false;
  if (term && strcmp(term, "dumb") == 0) return false;
  return isatty(fd);
}

bool color_wanted(const char *mode) { return color_wanted_on(mode, STDERR_FILENO); }

bool same_file(const char *a, const char *b) {
  struct stat x, y;
  return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

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
