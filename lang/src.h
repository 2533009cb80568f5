/* Source files and locations. A location is a byte range in one file; it is
 * turned into a line and a code-point column only when printed. */
#ifndef CHARTER_SRC_H
#define CHARTER_SRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct Loc {
  uint32_t file;  /* index into the SrcSet */
  uint32_t start; /* first byte */
  uint32_t end;   /* one past the last byte */
} Loc;

typedef struct Src {
  const char *path;   /* as printed: given, or relative to the cwd, or <stdlib>/x */
  const char *real;   /* canonical path for "load once", or NULL for stdlib */
  const char *text;   /* contents, NUL-terminated (may also hold NULs) */
  size_t len;         /* bytes of text */
  uint32_t *lines;    /* byte offset of each line start, built on demand */
  uint32_t nlines;    /* entries in lines */
  bool is_stdlib;     /* compiled into the binary */
  bool is_module;     /* read through `use` (the standard library's or
                       * CHARTER_PATH's), or imported by such a file: shared,
                       * outside the project */
  const char *module; /* the module's name when `use` read this file, else NULL */
  bool owns_text;     /* text was malloc'd for this Src */
  bool scan_in_place; /* text is writable and ends in two NULs (src_read_file) */
} Src;

typedef struct SrcSet {
  Src **files; /* every file loaded, in load order */
  int len;     /* files used */
  int cap;     /* files allocated */
} SrcSet;

void src_set_free(SrcSet *set);
/* Adds a file; takes ownership of text when owns is true. Returns its index. */
uint32_t src_add(SrcSet *set, const char *path, const char *real, const char *text,
                 size_t len, bool owns, bool is_stdlib);
Src *src_get(const SrcSet *set, uint32_t file);

/* Bytes of a leading UTF-8 byte-order mark: 3 or 0. It takes no column. */
static inline uint32_t src_bom_len(const Src *s) {
  return s->len >= 3 && (unsigned char)s->text[0] == 0xEF && (unsigned char)s->text[1] == 0xBB &&
                 (unsigned char)s->text[2] == 0xBF
             ? 3
             : 0;
}

/* 1-based line and code-point column of byte offset off. */
void src_linecol(Src *s, uint32_t off, int *line, int *col);
/* The text of 1-based line (without its line end). */
const char *src_line(Src *s, int line, size_t *len);

/* Reads a whole file. Returns NULL and sets *err (static text) on failure.
 * The text ends in two NULs, so the scanner may read it in place: set
 * scan_in_place on its Src. */
char *src_read_file(const char *path, size_t *len, const char **err);

#endif
