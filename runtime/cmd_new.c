/* charter new DIR: a starter coalition (a charter that checks clean, its
 * illustrative data, a README and a GitHub Actions workflow), written only
 * where no file stands yet. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

/* Makes every directory of path's parent (like mkdir -p). */
static int make_parents(const char *path) {
  char *p = xstrdup(path);
  int rc = 0;
  for (char *s = p + 1; *s && rc == 0; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) rc = -1;
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

int cmd_new(int argc, char **argv) {
  if (argc < 2) return usage_error("new", "new needs a directory, as in: charter new our-coalition");
  if (argc > 2) return usage_error("new", "new takes one directory");
  const char *dir = argv[1];
  if (dir[0] == '-') return usage_error("new", "unknown option '%s'", dir);
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
  int written = 0;
  for (; written < n; written++) {
    const char *path = paths[written];
    if (make_parents(path) != 0 || write_new(path, charter_new_files[written].text) != 0) {
      fprintf(stderr, "charter: cannot write '%s': %s\n", path, strerror(errno));
      break;
    }
  }
  if (written < n) { /* all or nothing: take back what was written */
    for (int i = 0; i < written; i++) unlink(paths[i]);
    fprintf(stderr, "charter: nothing written\n");
    status = EXIT_USAGE;
    goto cleanup;
  }
  printf("Created a starter coalition in %s/:\n", dir);
  for (int i = 0; i < n; i++) printf("  %s\n", charter_new_files[i].path);
  printf("Next: edit %s/coalition.charter, then run\n  charter check %s/coalition.charter\n"
         "%s/README.md says how to draw and measure it, and how its GitHub workflow finds charter.\n",
         dir, dir, dir);
cleanup:
  for (int i = 0; i < n; i++) free(paths[i]);
  free(paths);
  return status;
}
