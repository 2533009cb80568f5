/* A scratch directory for tests that make files (the measurement store):
 * made with mkdtemp under $TMPDIR, removed with everything in it. Include
 * after cmocka.h. */
#ifndef CHARTER_TEST_SCRATCH_H
#define CHARTER_TEST_SCRATCH_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct Scratch {
  char dir[1024];
  char path[2048]; /* the last path made by scratch_path */
} Scratch;

static inline void scratch_init(Scratch *s) {
  const char *tmp = getenv("TMPDIR");
  snprintf(s->dir, sizeof s->dir, "%s/charter-unit-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  assert_non_null(mkdtemp(s->dir));
  s->path[0] = '\0';
}

/* dir/rel, valid until the next call. */
static inline const char *scratch_path(Scratch *s, const char *rel) {
  snprintf(s->path, sizeof s->path, "%s/%s", s->dir, rel);
  return s->path;
}

/* Removes a directory and everything under it. */
static inline void scratch_rm(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p) continue;
    struct stat st;
    if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) scratch_rm(p);
    else unlink(p);
  }
  closedir(d);
  rmdir(dir);
}

static inline void scratch_free(Scratch *s) { scratch_rm(s->dir); }

/* The names in dir, sorted and joined by spaces (the caller frees it). */
static inline int scratch_cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static inline char *scratch_list(const char *dir) {
  char *names[256];
  int n = 0;
  DIR *d = opendir(dir);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 256)
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, scratch_cmp);
  size_t len = 1;
  for (int i = 0; i < n; i++) len += strlen(names[i]) + 1;
  char *out = malloc(len);
  assert_non_null(out);
  out[0] = '\0';
  for (int i = 0; i < n; i++) {
    if (i) strcat(out, " ");
    strcat(out, names[i]);
    free(names[i]);
  }
  return out;
}

/* A whole file (the caller frees it); *len its size. NULL when absent. */
static inline unsigned char *scratch_read(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  unsigned char *b = malloc(cap);
  assert_non_null(b);
  size_t k;
  while ((k = fread(b + n, 1, cap - n, f)) > 0) {
    n += k;
    if (n == cap) {
      cap *= 2;
      b = realloc(b, cap);
      assert_non_null(b);
    }
  }
  fclose(f);
  *len = n;
  return b;
}

static inline void scratch_write(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  if (len) assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

#endif
