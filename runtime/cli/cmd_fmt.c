/* charter fmt: parse each file on its own and print, check, diff or rewrite
 * it in the canonical layout. A file that does not parse is never touched. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "fmt.h"
#include "output.h"
#include "program.h"

typedef enum Mode { PRINT, CHECK, DIFF, WRITE } Mode;

/* fmt - reads at most this much (docs/security.md): /dev/zero ends. */
#define FMT_STDIN_MAX ((size_t)16 << 20)

/* Standard input whole, or NULL with *err saying why. */
static char *read_stdin(size_t *len, const char **err) {
  Buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0) {
    if (b.len + n > FMT_STDIN_MAX) {
      buf_free(&b);
      *err = "it is larger than 16 MiB, the most fmt reads from standard input; format the file by name";
      return NULL;
    }
    buf_add(&b, chunk, n);
  }
  if (ferror(stdin)) {
    buf_free(&b);
    *err = "read error";
    return NULL;
  }
  *len = b.len;
  return b.data ? b.data : xcalloc(1, 1);
}

/* path as terminal text (escape.h), for messages; the caller frees it. */
static char *shown_path(const char *path) {
  Buf b = {0};
  esc_term_str(&b, path);
  return b.data ? b.data : xcalloc(1, 1);
}

/* Writes text to a new temporary file in TMPDIR (for diff) and returns its
 * name, or NULL. */
static char *temp_with(const char *text, size_t len) {
  Buf name = {0};
  const char *dir = getenv("TMPDIR");
  buf_printf(&name, "%s/charter-fmt-XXXXXX", dir && *dir ? dir : "/tmp");
  char *tmpl = xstrdup(buf_str(&name));
  buf_free(&name);
  int fd = mkstemp(tmpl);
  if (fd < 0) {
    free(tmpl);
    return NULL;
  }
  bool ok = output_write_all(fd, text, len); /* mkstemp made it 0600 */
  if (close(fd) != 0) ok = false;
  if (!ok) {
    unlink(tmpl);
    free(tmpl);
    return NULL;
  }
  return tmpl;
}

/* Copies what the child writes on fd to stdout as terminal text (escape.h;
 * newlines, tabs and CRLF line ends kept). */
static void copy_escaped(int fd) {
  Buf b = {0};
  char chunk[65536];
  ssize_t n;
  while ((n = read(fd, chunk, sizeof chunk)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    buf_add(&b, chunk, (size_t)n);
    /* whole lines at a time, so no character is cut between reads */
    /* the kept tail holds no newline: look in the new bytes only */
    size_t whole = b.len, low = b.len - (size_t)n;
    while (whole > low && b.data[whole - 1] != '\n') whole--;
    if (whole == low) continue;
    Buf out = {0};
    esc_term(&out, b.data, whole, ESC_KEEP_NL | ESC_KEEP_TAB | ESC_KEEP_CRLF);
    fwrite(buf_str(&out), 1, out.len, stdout);
    buf_free(&out);
    memmove(b.data, b.data + whole, b.len - whole);
    b.len -= whole;
  }
  if (b.len) {
    Buf out = {0};
    esc_term(&out, b.data, b.len, ESC_KEEP_NL | ESC_KEEP_TAB | ESC_KEEP_CRLF);
    fwrite(buf_str(&out), 1, out.len, stdout);
    buf_free(&out);
  }
  buf_free(&b);
}

/* diff -u of a and b labelled label, its output neutralised: the exit
 * status of diff, or -1. */
static int run_diff(const char *label, const char *a, const char *b) {
  fflush(stdout);
  int fds[2];
  if (pipe(fds) != 0) return -1;
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return -1;
  }
  if (pid == 0) {
    close(fds[0]);
    if (dup2(fds[1], STDOUT_FILENO) < 0) _exit(127);
    close(fds[1]);
    execlp("diff", "diff", "-u", "--label", label, "--label", label, a, b, (char *)NULL);
    _exit(127);
  }
  close(fds[1]);
  copy_escaped(fds[0]);
  close(fds[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Prints why the file shown (its name escaped) was not formatted: only
 * what stops the parse matters here, other checks belong to check. */
static void report_unparsed(Arena *arena, DiagList *diags, SrcSet *srcs, const char *shown) {
  DiagList parse;
  diag_init(&parse, arena);
  for (int i = 0; i < diags->items.len; i++) {
    Diag *g = diags->items.items[i];
    if (strcmp(g->rule, "syntax") == 0 || strcmp(g->rule, "encoding") == 0) {
      vec_push(&parse.items, g);
      parse.nerrors++;
    }
  }
  diag_sort(&parse);
  diag_print_text(stderr, &parse, srcs, (DiagStyle){color_wanted("auto"), 50, NULL});
  fprintf(stderr, "charter: '%s' was not formatted because it does not parse\n", shown);
  diag_free(&parse);
}

/* Formats one file; returns an exit status for it. With -w, a symbolic
 * link in the file's own directory that leads out of it is not written
 * through unless follow. */
static int fmt_one(const char *path, Mode mode, bool follow) {
  bool is_stdin = strcmp(path, "-") == 0;
  size_t len = 0;
  const char *err = NULL;
  char *text = is_stdin ? read_stdin(&len, &err) : src_read_file(path, &len, &err);
  char *shown = shown_path(path);
  if (!text) {
    fprintf(stderr, "charter: cannot read '%s': %s\n", shown, err);
    free(shown);
    return EXIT_USAGE;
  }
  Arena arena;
  arena_init(&arena);
  SrcSet srcs = {0};
  DiagList diags;
  diag_init(&diags, &arena);
  uint32_t file = src_add(&srcs, is_stdin ? "<stdin>" : path, NULL, text, len, true, false);
  src_get(&srcs, file)->scan_in_place = !is_stdin;
  AstFile *af = ast_parse(&arena, &diags, &srcs, file);
  int status = EXIT_OK;
  if (af->nerrors) {
    report_unparsed(&arena, &diags, &srcs, shown);
    status = EXIT_USAGE;
    goto cleanup;
  }
  Buf out = {0};
  fmt_file(af, src_get(&srcs, file), &out);
  bool same = out.len == len && memcmp(buf_str(&out), text, len) == 0;
  switch (mode) {
  case PRINT:
    fwrite(buf_str(&out), 1, out.len, stdout);
    break;
  case CHECK:
    if (!same) {
      printf("%s\n", shown);
      status = EXIT_FINDINGS;
    }
    break;
  case DIFF:
    if (!same) {
      char *a = temp_with(text, len);
      char *b = temp_with(buf_str(&out), out.len);
      int rc = a && b ? run_diff(shown, a, b) : -1;
      if (a) unlink(a);
      if (b) unlink(b);
      free(a);
      free(b);
      if (rc < 0 || rc > 1) {
        fprintf(stderr, "charter: could not run 'diff' to show the changes to '%s'\n", shown);
        status = EXIT_USAGE;
      } else {
        status = EXIT_FINDINGS;
      }
    }
    break;
  case WRITE:
    if (is_stdin) {
      fwrite(buf_str(&out), 1, out.len, stdout);
    } else if (!same) {
      char *root = follow ? NULL : output_root(path);
      status = output_replace(path, buf_str(&out), out.len, false, root, OUTPUT_FOLLOW_HELP);
      free(root);
    }
    break;
  }
  buf_free(&out);
cleanup:
  free(shown);
  diag_free(&diags);
  src_set_free(&srcs);
  arena_free(&arena);
  return status;
}

int cmd_fmt(int argc, char **argv) {
  static const struct option opts[] = {
      {"check", no_argument, NULL, 'c'},
      {"diff", no_argument, NULL, 'd'},
      {"write", no_argument, NULL, 'w'},
      {"follow-symlinks", no_argument, NULL, 'F'},
      {NULL, 0, NULL, 0},
  };
  Mode mode = PRINT;
  bool follow = false;
  int modes = 0;
  optind = 1;
  opterr = 0;
  int ch;
  while ((ch = getopt_long(argc, argv, ":w", opts, NULL)) != -1) {
    switch (ch) {
    case 'c': mode = CHECK; modes++; break;
    case 'd': mode = DIFF; modes++; break;
    case 'w': mode = WRITE; modes++; break;
    case 'F': follow = true; break;
    default: return option_error("fmt", ch, argv);
    }
  }
  if (modes > 1) return usage_error("fmt", "--check, --diff and -w exclude each other; give one");
  if (follow && mode != WRITE) return usage_error("fmt", "--follow-symlinks goes with -w: only -w writes files");
  if (optind >= argc) return usage_error("fmt", "which files? As in: charter fmt -w coalition.charter");
  int status = EXIT_OK;
  for (int i = optind; i < argc; i++) {
    int s = fmt_one(argv[i], mode, follow);
    if (s > status) status = s;
  }
  if (fflush(stdout) != 0) status = EXIT_USAGE;
  return status;
}
