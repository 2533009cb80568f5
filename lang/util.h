/* Small shared helpers: aborting allocation, an arena that owns everything a
 * compilation makes, a growable byte buffer and a string hash map. */
#ifndef CHARTER_UTIL_H
#define CHARTER_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* A bump allocator: one per compilation, freed once. */
typedef struct ArenaBlock ArenaBlock;
typedef struct Arena {
  ArenaBlock *head; /* newest block first */
  size_t blocks;    /* blocks allocated (large ones grow to huge pages) */
} Arena;

void arena_init(Arena *a);
void arena_free(Arena *a);
void *arena_alloc(Arena *a, size_t n);          /* zeroed, 16-byte aligned */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
char *arena_printf(Arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* A growable byte buffer, always NUL-terminated. */
typedef struct Buf {
  char *data; /* NUL-terminated contents, NULL until the first append */
  size_t len; /* bytes used, not counting the NUL */
  size_t cap; /* bytes allocated */
} Buf;

void buf_add(Buf *b, const char *s, size_t n);
void buf_puts(Buf *b, const char *s);
void buf_putc(Buf *b, char c);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(Buf *b, const char *fmt, va_list ap);
void buf_free(Buf *b);
const char *buf_str(Buf *b); /* "" when empty */

/* A growable array of pointers. */
typedef struct Vec {
  void **items; /* the elements */
  int len;      /* elements used */
  int cap;      /* elements allocated */
} Vec;

void vec_push(Vec *v, void *p);
void vec_free(Vec *v);

/* An open-addressing map from NUL-terminated strings to pointers. Keys are
 * not copied: they must outlive the map (they live in the arena). */
typedef struct StrMap {
  const char **keys; /* NULL for an empty slot */
  void **vals;       /* the value of each used slot */
  uint32_t *hashes;  /* the hash of each used slot's key */
  size_t cap;        /* slots, a power of two */
  size_t len;        /* used slots */
} StrMap;

void strmap_init(StrMap *m);
void strmap_free(StrMap *m);
void *strmap_get(const StrMap *m, const char *key);
void strmap_put(StrMap *m, const char *key, void *val); /* replaces */
/* The same, for a key given as bytes s[0..n) (not NUL-terminated). */
void *strmap_getn(const StrMap *m, const char *s, size_t n);
uint64_t hash_bytes(const char *s, size_t n);

/* Decode one UTF-8 scalar at s[0..n); returns its length (1..4) or 0 when
 * the bytes there are not valid UTF-8. */
int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);
/* Encode cp (a Unicode scalar value) into out; returns the length. */
int utf8_encode(uint32_t cp, char out[4]);
/* Code points in s[0..n), counting each invalid byte as one. */
size_t utf8_count(const char *s, size_t n);

#endif
