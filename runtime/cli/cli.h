/* The command-line driver: one function per subcommand, shared helpers. */
#ifndef CHARTER_CLI_H
#define CHARTER_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CHARTER_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_FINDINGS = 1, EXIT_USAGE = 2 };

int cmd_check(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_new(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_lsp(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_store(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* A file `charter new` writes: its path in the new directory and its text
 * (build/gen/new_files.c, made by stdlib/embed.sh from runtime/cli/new/). */
typedef struct NewFile {
  const char *path;
  const char *text;
} NewFile;
extern const NewFile charter_new_files[]; /* ends with {NULL, NULL} */

/* Prints the help of a command (NULL: the overview) to out; false if unknown. */
bool help_print(FILE *out, const char *command);
/* "charter: MESSAGE\nTry 'charter help COMMAND' for more information." and 2. */
int usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The usage error for what getopt_long (with an optstring starting with
 * ':') returned as ch: '?' an unknown option, ':' a missing value. */
int option_error(const char *command, int ch, char **argv);
/* --as-of PERIOD of eval and render into *day (days from 1970-01-01; NULL
 * text: today, UTC); 0, or a usage error's status. */
int parse_as_of(const char *command, const char *text, int32_t *day);
/* The entry file, the one operand after the options (usage: charter
 * COMMAND [OPTION]... FILE); a usage error (2) when there is none or more
 * than one. */
int entry_operand(const char *command, int argc, char **argv, const char **entry);
/* The extension of -o's file name after its last dot, "" when it has none
 * (a name's leading dot begins no extension). */
const char *output_ext(const char *path);
/* --color auto|always|never resolved against stderr, NO_COLOR and TERM. */
bool color_wanted(const char *mode);
/* The same for another descriptor (eval's table colours standard output). */
bool color_wanted_on(const char *mode, int fd);
/* True when a and b name the same existing file. */
bool same_file(const char *a, const char *b);
/* For the commands that use a program rather than check it (render, import
 * and eval; docs/commands.md): when the program could not be read or has
 * built-in errors, prints the diagnostics (and, for errors, "nothing WHAT:
 * fix the errors above first") and returns its exit status; else 0. */
struct Program;
int program_refused(struct Program *p, const char *what);
/* True when file names one of the program's own files (not the standard
 * library's): render -o and report -o refuse to write over it. */
bool program_has_file(const struct Program *p, const char *file);
/* --root DIR, the option of every command that loads a program (check,
 * render, import, eval): DIR, an existing folder, becomes lo->root, a folder
 * imports may read besides the entry file's (docs/security.md). Given twice
 * or not a folder, it is a usage error. 0, or that error's status. */
struct LoadOptions;
int root_option(const char *command, const char *dir, struct LoadOptions *lo);
/* The https:// address of charter's source that charter new writes into the
 * starter's workflow when --source is not given (build time: make's
 * CHARTER_SOURCE, else the checkout's origin), or "" when none is known. */
const char *new_default_source(void);
/* That address as a home page (a final ".git" dropped), or "": the
 * informationUri of check's SARIF. */
const char *new_default_home(void);
/* NULL when url can be written into the workflow as the address the CI
 * runner clones charter from, else what is wrong with it. */
const char *new_source_problem(const char *url);
#endif
