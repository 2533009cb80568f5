/* Allocation, arena, buffers, maps and UTF-8 helpers shared by the whole
 * compiler. Allocation failure aborts: a compiler has nothing better to do. */
#define _DEFAULT_SOURCE
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void out_of_memory(void) {
  fputs("charter: out of memory\n", stderr);
  abort();
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) out_of_memory();
  return p;
}

void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) out_of_memory();
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) out_of_memory();
  return p;
}

char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *p = xmalloc(n);
  memcpy(p, s, n);
  return p;
}

struct ArenaBlock {
  ArenaBlock *next; /* older block */
  size_t used;      /* bytes handed out */
  size_t cap;       /* bytes in data */
  bool mapped;      /* a huge-page block from mmap, not malloc */
  _Alignas(16) unsigned char data[];
};

enum { ARENA_BLOCK = 256 * 1024 };

#if defined(__linux__) && defined(MADV_HUGEPAGE)
enum { HUGE_BLOCK = 2 * 1024 * 1024, SMALL_BLOCKS = 8 };
/* A large compilation's arena grows in 2 MB blocks that the kernel may back
 * with one huge page each: one page fault per block instead of 512, which is
 * a good part of checking a 100,000-declaration program. Fresh anonymous
 * mappings are zeroed, as arena_alloc promises. NULL when mmap fails. */
static ArenaBlock *huge_block(void) {
  size_t len = 2 * (size_t)HUGE_BLOCK;
  unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  uintptr_t start = ((uintptr_t)p + HUGE_BLOCK - 1) & ~(uintptr_t)(HUGE_BLOCK - 1);
  if (start > (uintptr_t)p) munmap(p, start - (uintptr_t)p);
  size_t tail = (uintptr_t)p + len - (start + HUGE_BLOCK);
  if (tail) munmap((void *)(start + HUGE_BLOCK), tail);
  madvise((void *)start, HUGE_BLOCK, MADV_HUGEPAGE);
  ArenaBlock *b = (ArenaBlock *)start;
  b->cap = HUGE_BLOCK - sizeof *b;
  b->mapped = true;
  return b;
}
#endif

void arena_init(Arena *a) {
  a->head = NULL;
  a->blocks = 0;
}

void arena_free(Arena *a) {
  ArenaBlock *b = a->head;
  while (b) {
    ArenaBlock *next = b->next;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (b->mapped) munmap(b, HUGE_BLOCK);
    else
#endif
      free(b);
    b = next;
  }
  a->head = NULL;
  a->blocks = 0;
}

void *arena_alloc(Arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  ArenaBlock *b = a->head;
  if (!b || b->cap - b->used < n) {
    size_t cap = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
    ArenaBlock *nb = NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (cap == ARENA_BLOCK && a->blocks >= SMALL_BLOCKS) nb = huge_block();
    if (nb) cap = nb->cap;
#endif
    if (!nb) {
      /* calloc: fresh pages come zeroed from the kernel, no memset needed. */
      nb = xcalloc(1, sizeof *nb + cap);
      nb->cap = cap;
    }
    a->blocks++;
    if (cap == n && b) {
      /* A large request gets its own block behind the current one, so the
       * current block keeps serving small requests. */
      nb->next = b->next;
      b->next = nb;
    } else {
      nb->next = b;
      a->head = nb;
    }
    b = nb;
  }
  void *p = b->data + b->used;
  b->used += n;
  return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n) {
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *arena_strdup(Arena *a, const char *s) { return arena_strndup(a, s, strlen(s)); }

char *arena_printf(Arena *a, const char *fmt, ...) {
  Buf b = {0};
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(&b, fmt, ap);
  va_end(ap);
  char *p = arena_strndup(a, buf_str(&b), b.len);
  buf_free(&b);
  return p;
}

static void buf_reserve(Buf *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < b->len + extra + 1) cap *= 2;
  b->data = xrealloc(b->data, cap);
  b->cap = cap;
}

void buf_add(Buf *b, const char *s, size_t n) {
  buf_reserve(b, n);
  if (n) memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void buf_puts(Buf *b, const char *s) { buf_add(b, s, strlen(s)); }
void buf_putc(Buf *b, char c) { buf_add(b, &c, 1); }

void buf_vprintf(Buf *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return;
  buf_reserve(b, (size_t)n);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

void buf_printf(Buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  buf_vprintf(b, fmt, ap);
  va_end(ap);
}

void buf_free(Buf *b) {
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

const char *buf_str(Buf *b) { return b->data ? b->data : ""; }

void vec_push(Vec *v, void *p) {
  if (v->len == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 8;
    v->items = xrealloc(v->items, (size_t)v->cap * sizeof *v->items);
  }
  v->items[v->len++] = p;
}

void vec_free(Vec *v) {
  free(v->items);
  v->items = NULL;
  v->len = v->cap = 0;
}

uint64_t hash_bytes(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull; /* FNV-1a */
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h ^ (h >> 29);
}

void strmap_init(StrMap *m) { memset(m, 0, sizeof *m); }

void strmap_free(StrMap *m) {
  free(m->keys);
  free(m->vals);
  free(m->hashes);
  strmap_init(m);
}

/* The slot of key s[0..n) with hash h: its own, or the empty one it would take. */
static size_t slot_of(const StrMap *m, const char *s, size_t n, uint32_t h) {
  size_t mask = m->cap - 1;
  for (size_t i = h & mask;; i = (i + 1) & mask) {
    const char *k = m->keys[i];
    if (!k) return i;
    if (m->hashes[i] == h && strncmp(k, s, n) == 0 && k[n] == '\0') return i;
  }
}

void *strmap_getn(const StrMap *m, const char *s, size_t n) {
  if (!m->cap) return NULL;
  size_t i = slot_of(m, s, n, (uint32_t)hash_bytes(s, n));
  return m->keys[i] ? m->vals[i] : NULL;
}

void *strmap_get(const StrMap *m, const char *key) { return strmap_getn(m, key, strlen(key)); }

static void strmap_grow(StrMap *m) {
  StrMap n;
  n.cap = m->cap ? m->cap * 2 : 64;
  n.len = m->len;
  n.keys = xcalloc(n.cap, sizeof *n.keys);
  n.vals = xcalloc(n.cap, sizeof *n.vals);
  n.hashes = xcalloc(n.cap, sizeof *n.hashes);
  size_t mask = n.cap - 1;
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->keys[i]) continue;
    size_t j = m->hashes[i] & mask;
    while (n.keys[j]) j = (j + 1) & mask;
    n.keys[j] = m->keys[i];
    n.vals[j] = m->vals[i];
    n.hashes[j] = m->hashes[i];
  }
  free(m->keys);
  free(m->vals);
  free(m->hashes);
  *m = n;
}

void strmap_put(StrMap *m, const char *key, void *val) {
  if ((m->len + 1) * 2 > m->cap) strmap_grow(m);
  size_t n = strlen(key);
  uint32_t h = (uint32_t)hash_bytes(key, n);
  size_t i = slot_of(m, key, n, h);
  if (!m->keys[i]) {
    m->keys[i] = key;
    m->hashes[i] = h;
    m->len++;
  }
  m->vals[i] = val;
}

int utf8_decode(const unsigned char *s, size_t n, uint32_t *cp) {
  if (n == 0) return 0;
  unsigned c = s[0];
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  int len;
  uint32_t v, min;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2; v = c & 0x1F; min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3; v = c & 0x0F; min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4; v = c & 0x07; min = 0x10000;
  } else {
    return 0;
  }
  if ((size_t)len > n) return 0;
  for (int i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

int utf8_encode(uint32_t cp, char out[4]) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xC0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (char)(0xF0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

size_t utf8_count(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t count = 0, i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      i++;
    } else {
      uint32_t cp;
      int len = utf8_decode(p + i, n - i, &cp);
      i += len ? (size_t)len : 1;
    }
    count++;
  }
  return count;
}
