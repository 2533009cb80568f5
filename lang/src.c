/* Source file registry and byte-offset to line/column conversion. */
#include "src.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void src_set_free(SrcSet *set) {
  for (int i = 0; i < set->len; i++) {
    Src *s = set->files[i];
    if (s->owns_text) free((char *)s->text);
    free((char *)s->path);
    free((char *)s->real);
    free(s->lines);
    free(s);
  }
  free(set->files);
  set->files = NULL;
  set->len = set->cap = 0;
}

uint32_t src_add(SrcSet *set, const char *path, const char *real, const char *text,
                 size_t len, bool owns, bool is_stdlib) {
  if (set->len == set->cap) {
    set->cap = set->cap ? set->cap * 2 : 8;
    set->files = xrealloc(set->files, (size_t)set->cap * sizeof *set->files);
  }
  Src *s = xcalloc(1, sizeof *s);
  s->path = xstrdup(path);
  s->real = real ? xstrdup(real) : NULL;
  s->text = text;
  s->len = len;
  s->owns_text = owns;
  s->is_stdlib = is_stdlib;
  set->files[set->len] = s;
  return (uint32_t)set->len++;
}

Src *src_get(const SrcSet *set, uint32_t file) {
  return file < (uint32_t)set->len ? set->files[file] : NULL;
}

static void build_lines(Src *s) {
  size_t cap = 64;
  s->lines = xmalloc(cap * sizeof *s->lines);
  s->nlines = 0;
  s->lines[s->nlines++] = 0;
  for (size_t i = 0; i < s->len; i++) {
    if (s->text[i] == '\n') {
      if (s->nlines == cap) {
        cap *= 2;
        s->lines = xrealloc(s->lines, cap * sizeof *s->lines);
      }
      s->lines[s->nlines++] = (uint32_t)(i + 1);
    }
  }
}

void src_linecol(Src *s, uint32_t off, int *line, int *col) {
  if (!s->lines) build_lines(s);
  if (off > s->len) off = (uint32_t)s->len;
  uint32_t lo = 0, hi = s->nlines;
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (s->lines[mid] <= off) lo = mid;
    else hi = mid;
  }
  *line = (int)lo + 1;
  uint32_t from = s->lines[lo];
  if (lo == 0 && off >= src_bom_len(s)) from = src_bom_len(s); /* invisible: no column */
  *col = (int)utf8_count(s->text + from, off - from) + 1;
}

const char *src_line(Src *s, int line, size_t *len) {
  if (!s->lines) build_lines(s);
  if (line < 1 || (uint32_t)line > s->nlines) {
    *len = 0;
    return "";
  }
  uint32_t start = s->lines[line - 1];
  size_t end = (uint32_t)line < s->nlines ? s->lines[line] - 1 : s->len;
  if (end > start && s->text[end - 1] == '\r') end--;
  if (line == 1) start += src_bom_len(s);
  *len = end - start;
  return s->text + start;
}

char *src_read_file(const char *path, size_t *len, const char **err) {
  struct stat st;
  if (stat(path, &st) != 0) {
    *err = errno == ENOENT ? "no such file" : strerror(errno);
    return NULL;
  }
  if (S_ISDIR(st.st_mode)) {
    *err = "it is a directory, not a file";
    return NULL;
  }
  if (!S_ISREG(st.st_mode)) {
    *err = "it is not a regular file";
    return NULL;
  }
  FILE *f = fopen(path, "rb");
  if (!f) {
    *err = strerror(errno);
    return NULL;
  }
  Buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_add(&b, chunk, n);
  bool bad = ferror(f);
  fclose(f);
  if (bad) {
    buf_free(&b);
    *err = "read error";
    return NULL;
  }
  if (b.len > UINT32_MAX - 1) {
    buf_free(&b);
    *err = "file is larger than 4 GB";
    return NULL;
  }
  *len = b.len;
  buf_add(&b, "\0", 1); /* a second NUL: flex scans the text in place */
  return b.data;
}
