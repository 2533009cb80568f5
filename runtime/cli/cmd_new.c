/* charter new DIR: a starter coalition (a charter that checks clean, its
 * illustrative data, a README and a GitHub Actions workflow), written only
 * where no file stands yet. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

/* The mark in the workflow template where the address of charter's source
 * goes, as a fallback after the repository variable CHARTER_SOURCE. */
#define SOURCE_MARK "@CHARTER_SOURCE_FALLBACK@"

/* text with SOURCE_MARK replaced by " || 'url'" (or by nothing when url is
 * empty); a new string. */
static char *with_source(const char *text, const char *url) {
  const char *mark = strstr(text, SOURCE_MARK);
  if (!mark) return xstrdup(text);
  size_t head = (size_t)(mark - text), tail = strlen(mark + strlen(SOURCE_MARK));
  size_t len = head + (*url ? strlen(url) + 7 : 0) + tail + 1;
  char *out = xmalloc(len);
  snprintf(out, len, "%.*s%s%s%s%s", (int)head, text, *url ? " || '" : "", url, *url ? "'" : "",
           mark + strlen(SOURCE_MARK));
  return out;
}

/* Makes every directory of path's parent (like mkdir -p), adding each one
 * it made to made (new strings, outermost first); 0 or -1 (errno set). */
static int make_parents(const char *path, Vec *made) {
  char *p = xstrdup(path);
  int rc = 0;
  for (char *s = p + 1; *s && rc == 0; s++) {
    if (*s != '/' || s[-1] == '/') continue;
    *s = '\0';
    if (mkdir(p, 0777) == 0) vec_push(made, xstrdup(p));
    else if (errno != EEXIST) rc = -1;
    *s = '/';
  }
  free(p);
  return rc;
}

/* Writes text to path, which must not exist yet; 0 or -1 (errno set). */
static int write_new(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0666);
  if (fd < 0) return -1;
  size_t n = strlen(text), done = 0;
  while (done < n) {
    ssize_t w = write(fd, text + done, n - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      unlink(path);
      errno = e;
      return -1;
    }
    done += (size_t)w;
  }
  if (fsync(fd) != 0 || close(fd) != 0) {
    int e = errno;
    unlink(path);
    errno = e;
    return -1;
  }
  return 0;
}

/* Writes the n starter files at paths, all or none (what was written, and
 * the directories made for it, are taken back after a failure, which is
 * reported). */
static bool write_all(char **paths, int n, const char *source) {
  int written = 0;
  Vec made = {0};
  for (; written < n; written++) {
    const char *path = paths[written];
    char *text = with_source(charter_new_files[written].text, source);
    int failed = make_parents(path, &made) != 0 || write_new(path, text) != 0;
    int e = errno;
    free(text);
    if (failed) {
      fprintf(stderr, "charter: cannot write '%s': %s\n", path, strerror(e));
      break;
    }
  }
  bool ok = written == n;
  if (!ok) {
    for (int i = 0; i < written; i++) unlink(paths[i]);
    /* innermost first; a directory something else was put in stays */
    for (int i = made.len - 1; i >= 0; i--) rmdir(made.items[i]);
    fprintf(stderr, "charter: nothing written\n");
  }
  for (int i = 0; i < made.len; i++) free(made.items[i]);
  vec_free(&made);
  return ok;
}

/* What was written, and what to do next. */
static void print_next(const char *dir, int n, const char *source) {
  printf("Created a starter coalition in %s/:\n", dir);
  for (int i = 0; i < n; i++) printf("  %s\n", charter_new_files[i].path);
  printf("Next: edit %s/coalition.charter, then run\n  charter check %s/coalition.charter\n", dir, dir);
  if (*source)
    printf("Its GitHub workflow builds charter from %s\n"
           "(or from the repository variable CHARTER_SOURCE, when you set one).\n",
           source);
  else
    printf("Before the first push, tell its GitHub workflow where to clone charter from:\n"
           "set the repository variable CHARTER_SOURCE to the https:// address of the Git\n"
           "repository charter came from (%s/README.md says how). Next time, charter new\n"
           "--source URL writes it into the workflow.\n",
           dir);
}

int cmd_new(int argc, char **argv) {
  static const struct option opts[] = {
      {"source", required_argument, NULL, 's'},
      {NULL, 0, NULL, 0},
  };
  const char *source = NULL;
  optind = 1;
  opterr = 0;
  int ch;
  while ((ch = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
    switch (ch) {
    case 's': source = optarg; break;
    default: return option_error("new", ch, argv);
    }
  }
  if (source && !*source)
    return usage_error("new", "--source needs an address, as in --source https://github.com/OWNER/charter.git");
  if (source) {
    const char *why = new_source_problem(source);
    if (why) return usage_error("new", "--source '%s': %s", source, why);
  } else {
    source = new_default_source();
  }
  if (optind >= argc) return usage_error("new", "new needs a directory, as in: charter new our-coalition");
  if (argc - optind > 1) return usage_error("new", "new takes one directory");
  const char *dir = argv[optind];
  if (!*dir) return usage_error("new", "new needs a directory name");
  struct stat st;
  if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
    fprintf(stderr, "charter: '%s' exists and is not a directory\n", dir);
    return EXIT_USAGE;
  }
  int n = 0;
  while (charter_new_files[n].path) n++;
  char **paths = xcalloc((size_t)n, sizeof *paths);
  int status = EXIT_OK, exists = 0;
  for (int i = 0; i < n; i++) {
    size_t len = strlen(dir) + strlen(charter_new_files[i].path) + 2;
    paths[i] = xmalloc(len);
    snprintf(paths[i], len, "%s/%s", dir, charter_new_files[i].path);
    if (lstat(paths[i], &st) == 0) {
      fprintf(stderr, "charter: '%s' already exists\n", paths[i]);
      exists++;
    }
  }
  if (exists) {
    fprintf(stderr, "charter: nothing written: new never overwrites a file; choose a new directory, or move %s away\n",
            exists == 1 ? "that file" : "those files");
    status = EXIT_USAGE;
    goto cleanup;
  }
  if (!write_all(paths, n, source)) {
    status = EXIT_USAGE;
    goto cleanup;
  }
  print_next(dir, n, source);
cleanup:
  for (int i = 0; i < n; i++) free(paths[i]);
  free(paths);
  return status;
}
