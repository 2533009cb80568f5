/* charter check: load a program, run the built-in checks, print the
 * diagnostics in the chosen format. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "program.h"

int cmd_check(int argc, char **argv) {
  static const struct option opts[] = {
      {"format", required_argument, NULL, 'f'},
      {"werror", no_argument, NULL, 'W'},
      {"color", required_argument, NULL, 'c'},
      {"colour", required_argument, NULL, 'c'},
      {NULL, 0, NULL, 0},
  };
  const char *format = "text", *color = "auto";
  bool werror = false;
  optind = 1;
  opterr = 0;
  int ch;
  while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
    switch (ch) {
    case 'f': format = optarg; break;
    case 'W': werror = true; break;
    case 'c': color = optarg; break;
    default:
      if (optopt) return usage_error("check", "option '%s' needs a value", argv[optind - 1]);
      return usage_error("check", "unknown option '%s'", argv[optind - 1]);
    }
  }
  if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "sarif") && strcmp(format, "github"))
    return usage_error("check", "unknown format '%s': use text, json, sarif or github", format);
  if (strcmp(color, "auto") && strcmp(color, "always") && strcmp(color, "never"))
    return usage_error("check", "--color takes auto, always or never, not '%s'", color);
  if (optind >= argc) return usage_error("check", "which program? Give the entry file, as in: charter check coalition.charter");
  if (argc - optind > 1) return usage_error("check", "check takes one entry file; imported files are checked with it");

  LoadOptions lo = {getenv("CHARTER_PATH")};
  Program *p = program_load(argv[optind], &lo);
  if (werror) diag_promote_warnings(&p->diags);
  int status = p->diags.nerrors ? EXIT_FINDINGS : EXIT_OK;
  if (p->entry_unreadable) status = EXIT_USAGE;

  if (strcmp(format, "text") == 0) {
    bool c = color_wanted(color);
    DiagStyle style = {c, 50};
    diag_print_text(stderr, &p->diags, &p->srcs, style);
    if (!p->entry_unreadable) diag_print_summary(stderr, &p->diags, c);
  } else if (p->entry_unreadable) {
    diag_print_text(stderr, &p->diags, &p->srcs, (DiagStyle){false, 50});
  } else if (strcmp(format, "json") == 0) {
    diag_print_json(stdout, &p->diags, &p->srcs);
  } else if (strcmp(format, "sarif") == 0) {
    diag_print_sarif(stdout, &p->diags, &p->srcs, chk_builtin_rules, chk_builtin_count, CHARTER_VERSION);
  } else {
    diag_print_github(stdout, &p->diags, &p->srcs);
  }
  program_free(p);
  if (fflush(stdout) != 0) status = EXIT_USAGE;
  return status;
}
