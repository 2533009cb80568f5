/* Writing output files whole or not at all (output.h). */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"
#include "util.h"

bool output_write_all(int fd, const char *data, size_t len) {
  for (size_t done = 0; done < len;) {
    ssize_t w = write(fd, data + done, len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return false;
    if (w == 0) {
      errno = EIO;
      return false;
    }
    done += (size_t)w;
  }
  return true;
}

static int cannot(const char *file, const char *why) {
  fprintf(stderr, "charter: cannot write '%s': %s\n", file, why);
  return EXIT_USAGE;
}

/* 1 or 2 when st is the file standard output or error is open on, else -1. */
static int std_descriptor(const struct stat *st) {
  for (int fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++) {
    struct stat s;
    if (fstat(fd, &s) == 0 && s.st_dev == st->st_dev && s.st_ino == st->st_ino) return fd;
  }
  return -1;
}

static bool under_system_dirs(const char *path) {
  return strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0 || strncmp(path, "/sys/", 5) == 0;
}

/* Writes into a file that is not replaced: through standard output or error
 * when it is one of them (so that a file opened with >> is appended to),
 * else opened in place. */
static int write_in_place(const char *file, const struct stat *st, const char *data, size_t len, bool binary) {
  int fd = std_descriptor(st);
  bool opened = fd < 0;
  if (opened) fd = open(file, O_WRONLY | (S_ISREG(st->st_mode) ? O_TRUNC : 0));
  if (fd < 0) return cannot(file, strerror(errno));
  int status = EXIT_OK;
  if (binary && isatty(fd)) {
    fprintf(stderr, "charter: cannot write '%s': it is a terminal, and this format is binary\n"
                    "  help: name a file, as in -o logic.png\n",
            file);
    status = EXIT_USAGE;
  } else if (!output_write_all(fd, data, len)) {
    status = cannot(file, strerror(errno));
  }
  if (opened && close(fd) != 0 && status == EXIT_OK) status = cannot(file, strerror(errno));
  return status;
}

/* The directory part of path ("." when it has none, "/" for "/x"); a new
 * string. */
static char *dir_of(const char *path) {
  const char *slash = strrchr(path, '/');
  if (!slash) return xstrdup(".");
  if (slash == path) return xstrdup("/");
  size_t n = (size_t)(slash - path);
  char *dir = xmalloc(n + 1);
  memcpy(dir, path, n);
  dir[n] = '\0';
  return dir;
}

/* The file path names, with every symbolic link resolved, even when the
 * file (or a chain of links to it) does not exist yet; NULL with errno set
 * when it cannot be resolved (its directory missing, a loop). */
static char *resolved(const char *path, int depth) {
  char *real = realpath(path, NULL);
  if (real || errno != ENOENT) return real;
  struct stat st;
  /* a file the kernel reaches but realpath cannot name (/dev/stdout on a
   * pipe, through /proc/self/fd/1): the path itself */
  if (stat(path, &st) == 0) return xstrdup(path);
  if (depth < 40 && lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
    char to[PATH_MAX];
    ssize_t n = readlink(path, to, sizeof to - 1);
    if (n < 0) return NULL;
    to[n] = '\0';
    if (to[0] == '/') return resolved(to, depth + 1);
    char *dir = dir_of(path);
    size_t len = strlen(dir) + (size_t)n + 2;
    char *joined = xmalloc(len);
    snprintf(joined, len, "%s/%s", dir, to);
    free(dir);
    char *out = resolved(joined, depth + 1);
    free(joined);
    return out;
  }
  if (depth >= 40) {
    errno = ELOOP;
    return NULL;
  }
  /* a plain name that does not exist: its directory, resolved, and the name */
  char *dir = dir_of(path), *rdir = realpath(dir, NULL);
  free(dir);
  if (!rdir) return NULL;
  const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
  size_t len = strlen(rdir) + strlen(base) + 2;
  char *out = xmalloc(len);
  snprintf(out, len, "%s%s%s", rdir, strcmp(rdir, "/") == 0 ? "" : "/", base);
  free(rdir);
  return out;
}

/* True when path (resolved) is root or lies under it. */
static bool within(const char *path, const char *root) {
  size_t n = strlen(root);
  if (n == 1 && root[0] == '/') return true;
  return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

char *output_root(const char *file) {
  char *dir = dir_of(file), *root = realpath(dir, NULL);
  free(dir);
  return root;
}

/* The first symbolic link on file's way (each of its leading parts, then
 * the file itself) that lies inside root and leads out of it: its part of
 * file into *link and where it leads into *to (NULL when that cannot be
 * resolved), both new strings; false when there is none. */
static bool link_out_of(const char *file, const char *root, char **link, char **to) {
  char *p = xstrdup(file);
  size_t n = strlen(p);
  bool found = false;
  for (size_t i = 1; i <= n && !found; i++) {
    if ((i < n && p[i] != '/') || p[i - 1] == '/') continue;
    char keep = p[i];
    p[i] = '\0';
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISLNK(st.st_mode)) {
      char *dir = dir_of(p), *rdir = realpath(dir, NULL);
      free(dir);
      if (rdir && within(rdir, root)) {
        char *r = resolved(p, 0);
        if (!r || !within(r, root)) {
          *link = xstrdup(p);
          *to = r;
          found = true;
        } else {
          free(r);
        }
      }
      free(rdir);
    }
    p[i] = keep;
  }
  free(p);
  return found;
}

int output_refuse_link(const char *file, const char *root, const char *help) {
  char *link = NULL, *to = NULL;
  if (!root || !link_out_of(file, root, &link, &to)) return EXIT_OK;
  if (to)
    fprintf(stderr, "charter: refusing to write '%s': '%s' is a symbolic link to '%s', outside the project '%s'\n", file,
            link, to, root);
  else
    fprintf(stderr, "charter: refusing to write '%s': '%s' is a symbolic link that cannot be followed\n", file, link);
  fprintf(stderr, "  help: %s\n", help);
  free(link);
  free(to);
  return EXIT_USAGE;
}

/* Writes a regular file through a temporary file beside it and a rename. */
static int replace_regular(const char *file, const char *target, const struct stat *old, const char *data,
                           size_t len) {
  if (old && access(target, W_OK) != 0) return cannot(file, strerror(errno));
  const char *slash = strrchr(target, '/');
  int dirlen = slash ? (int)(slash - target) + 1 : 0;
  /* A short temporary name, so that any name the file system takes fits. */
  size_t size = (size_t)dirlen + 32;
  char *tmp = xmalloc(size);
  snprintf(tmp, size, "%.*s.charter-XXXXXX", dirlen, target);
  /* Hold the signals that end a process until the temporary file is gone
   * or renamed, so that an interrupt leaves nothing behind. */
  sigset_t hold, before;
  sigemptyset(&hold);
  sigaddset(&hold, SIGINT);
  sigaddset(&hold, SIGTERM);
  sigaddset(&hold, SIGHUP);
  sigaddset(&hold, SIGQUIT);
  sigaddset(&hold, SIGPIPE);
  sigprocmask(SIG_BLOCK, &hold, &before);
  int status = EXIT_OK;
  int fd = mkstemp(tmp);
  if (fd < 0) {
    int e = errno;
    fprintf(stderr, "charter: cannot write '%s': cannot create a file in '%.*s': %s\n", file, dirlen ? dirlen : 1,
            dirlen ? target : ".", strerror(e));
    status = EXIT_USAGE;
  } else {
    mode_t mask = umask(0);
    umask(mask);
    /* Never an execute or set-id bit: what charter writes is a drawing or
     * a program's text, not something to run. */
    bool ok = fchmod(fd, old ? old->st_mode & 0666 : 0666 & ~mask) == 0;
    /* The old owner where that is allowed (root); otherwise the file is ours. */
    int owned = ok && old ? fchown(fd, old->st_uid, old->st_gid) : 0;
    (void)owned;
    ok = ok && output_write_all(fd, data, len) && fsync(fd) == 0;
    int e = errno;
    if (close(fd) != 0 && ok) {
      ok = false;
      e = errno;
    }
    if (ok && rename(tmp, target) != 0) {
      ok = false;
      e = errno;
    }
    if (!ok) {
      unlink(tmp);
      status = cannot(file, strerror(e));
    }
  }
  sigprocmask(SIG_SETMASK, &before, NULL);
  free(tmp);
  return status;
}

int output_replace(const char *file, const char *data, size_t len, bool binary, const char *root, const char *help) {
  int refused = output_refuse_link(file, root, help);
  if (refused != EXIT_OK) return refused;
  struct stat st, lst;
  char *real = NULL;
  const char *target = file;
  if (lstat(file, &lst) == 0 && S_ISLNK(lst.st_mode)) {
    real = resolved(file, 0);
    if (!real) return cannot(file, strerror(errno));
    target = real;
  }
  bool exists = stat(target, &st) == 0;
  int status;
  if (exists && S_ISDIR(st.st_mode)) {
    fprintf(stderr, "charter: cannot write '%s': it is a directory\n  help: name a file inside it\n", file);
    status = EXIT_USAGE;
  } else if (exists && (!S_ISREG(st.st_mode) || std_descriptor(&st) >= 0 || under_system_dirs(file) ||
                        under_system_dirs(target))) {
    status = write_in_place(file, &st, data, len, binary);
  } else if (!exists && (under_system_dirs(file) || under_system_dirs(target))) {
    status = cannot(file, "no such file (charter creates no files under /dev, /proc or /sys)");
  } else {
    status = replace_regular(file, target, exists ? &st : NULL, data, len);
  }
  free(real);
  return status;
}
