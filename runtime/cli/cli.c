/* The command line's shared helpers: usage errors, --as-of, colour, the
 * refusal of a program with errors. Only runtime/cli/ prints usage or
 * decides an exit status. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "eval.h"
#include "program.h"

int usage_error(const char *command, const char *fmt, ...) {
  /* The message quotes arguments (file names a pull request may have
   * chosen): it reaches the terminal escaped, as every text does. */
  va_list ap;
  Buf msg = {0};
  va_start(ap, fmt);
  buf_vprintf(&msg, fmt, ap);
  va_end(ap);
  fputs("charter: ", stderr);
  esc_term_put(stderr, buf_str(&msg));
  fputc('\n', stderr);
  buf_free(&msg);
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

int root_option(const char *command, const char *dir, LoadOptions *lo) {
  struct stat st;
  if (lo->root)
    return usage_error(command, "--root is given twice: give the one folder that holds every file of the program");
  if (!*dir) return usage_error(command, "--root needs a folder, as in --root ..");
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    return usage_error(command, "--root '%s' is not a folder: give the folder that holds every file the program imports",
                       dir);
  lo->root = dir;
  return EXIT_OK;
}

int entry_operand(const char *command, int argc, char **argv, const char **entry) {
  if (optind >= argc)
    return usage_error(command, "which program? Give the entry file, as in: charter %s coalition.charter", command);
  if (argc - optind > 1)
    return usage_error(command, "%s takes one entry file; imported files are read with it", command);
  *entry = argv[optind];
  return EXIT_OK;
}

const char *output_ext(const char *path) {
  const char *base = strrchr(path, '/'), *dot;
  base = base ? base + 1 : path;
  dot = strrchr(base, '.');
  return dot && dot != base ? dot + 1 : "";
}

int parse_as_of(const char *command, const char *text, int32_t *day) {
  *day = eval_today();
  if (!text) return EXIT_OK;
  Period per;
  char why[PERIOD_WHY_MAX];
  if (!period_parse(text, strlen(text), &per, why))
    return usage_error(command, "--as-of '%s' is not a period: %s", text, why);
  period_apply_calendar(&per, &period_default_calendar); /* SY ends in June, FY in December */
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

bool program_has_file(const Program *p, const char *file) {
  for (int i = 0; i < p->srcs.len; i++) {
    const Src *s = p->srcs.files[i];
    if (!s->is_stdlib && same_file(file, s->path)) return true;
  }
  return false;
}
