/* libFuzzer target for the CSV reader (runtime/csv.c). Reads the input to
 * the end and checks, for every record:
 *   - invariants: off <= end <= len, off >= rec_off, fields in order and
 *     separated by one comma, s NUL-terminated at s[n], an unquoted field is
 *     exactly its bytes, a quoted one starts with a quote and is shorter than
 *     them, err_off inside the record, and every call makes progress (so the
 *     reader can never loop);
 *   - agreement with a byte-at-a-time state machine written from csv.h
 *     (fields, offsets, quoted, rec_off, err and err_off);
 *   - for a record without errors: written back with RFC 4180 quoting, it
 *     reads as the same fields.
 * Build by hand (see the fuzz_csv rule in the Makefile):
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Ilang -Iruntime \
 *     tests/fuzz/fuzz_csv.c runtime/csv.c lang/util.c -o fuzz_csv */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                          \
  do {                                                                                                       \
    if (!(cond)) {                                                                                           \
      fprintf(stderr, "fuzz_csv: %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);                     \
      abort();                                                                                               \
    }                                                                                                        \
  } while (0)

/* ---- the reference: one state per byte ---- */

typedef struct RefField {
  size_t start, n; /* its text in Ref.out */
  size_t off, end;
  bool quoted;
} RefField;

typedef struct Ref {
  const unsigned char *t;
  size_t len, pos;
  RefField *f; /* room for len + 1 fields */
  int nf;
  unsigned char *out; /* room for len bytes: unescaping never grows text */
  size_t used;
  size_t rec_off;
  CsvError err;
  size_t err_off;
} Ref;

static void ref_err(Ref *R, CsvError e, size_t off) {
  if (R->err == CSV_OK) {
    R->err = e;
    R->err_off = off;
  }
}

enum { START, UNQUOTED, QUOTED, QUOTE_SEEN, AFTER };

static bool ref_next(Ref *R) {
  const unsigned char *t = R->t;
  size_t len = R->len, p = R->pos;
  R->nf = 0;
  R->used = 0;
  R->err = CSV_OK;
  for (;;) { /* blank lines */
    if (p < len && t[p] == '\n') p += 1;
    else if (p + 1 < len && t[p] == '\r' && t[p + 1] == '\n') p += 2;
    else break;
  }
  if (p >= len) {
    R->pos = p;
    return false;
  }
  R->rec_off = p;
  int st = START;
  RefField *f = NULL;
  for (;;) {
    if (st == START) {
      f = &R->f[R->nf++];
      f->off = p;
      f->start = R->used;
      f->quoted = false;
      if (p < len && t[p] == '"') {
        f->quoted = true;
        p++;
        st = QUOTED;
      } else {
        st = UNQUOTED;
      }
      continue;
    }
    bool eof = p >= len;
    unsigned char c = eof ? 0 : t[p];
    if (st == QUOTED) {
      if (eof) {
        ref_err(R, CSV_UNTERMINATED, f->off);
        break; /* the record, and the text, end here */
      }
      if (c == '"') {
        p++;
        st = QUOTE_SEEN;
        continue;
      }
      if (c == 0) ref_err(R, CSV_NUL, p);
      R->out[R->used++] = c;
      p++;
      continue;
    }
    if (st == QUOTE_SEEN) {
      if (!eof && c == '"') {
        R->out[R->used++] = '"';
        p++;
        st = QUOTED;
      } else {
        st = AFTER;
      }
      continue;
    }
    /* UNQUOTED or AFTER: up to a comma, LF, CRLF or the end */
    if (eof) break;
    if (c == ',') {
      f->end = p;
      f->n = R->used - f->start;
      p++;
      st = START;
      continue;
    }
    if (c == '\n') {
      f->end = p;
      f->n = R->used - f->start;
      R->pos = p + 1;
      return true;
    }
    if (c == '\r' && p + 1 < len && t[p + 1] == '\n') {
      f->end = p;
      f->n = R->used - f->start;
      R->pos = p + 2;
      return true;
    }
    if (st == AFTER) ref_err(R, CSV_AFTER_QUOTE, p);
    else if (c == '"') ref_err(R, CSV_STRAY_QUOTE, p);
    else if (c == 0) ref_err(R, CSV_NUL, p);
    R->out[R->used++] = c;
    p++;
  }
  /* the end of the text */
  f->end = p;
  f->n = R->used - f->start;
  R->pos = p;
  return true;
}

/* ---- checks on the reader ---- */

static void check_record(const CsvReader *r, const uint8_t *data, size_t size) {
  CHECK(r->nfields >= 1 && r->nfields <= r->cap);
  CHECK(r->rec_off < size);
  CHECK(r->fields[0].off == r->rec_off);
  for (int i = 0; i < r->nfields; i++) {
    const CsvField *f = &r->fields[i];
    CHECK(f->off <= f->end);
    CHECK(f->end <= size);
    CHECK(f->off >= r->rec_off);
    if (i > 0) {
      CHECK(f->off == r->fields[i - 1].end + 1);
      CHECK(data[f->off - 1] == ',');
    }
    CHECK(f->s != NULL);
    CHECK(f->s[f->n] == '\0');
    if (f->quoted) {
      CHECK(data[f->off] == '"');
      CHECK(f->n < (size_t)(f->end - f->off));
    } else {
      CHECK(f->n <= (size_t)(f->end - f->off));
      CHECK(f->n == (size_t)(f->end - f->off));
      CHECK(memcmp(f->s, data + f->off, f->n) == 0);
    }
  }
  const CsvField *last = &r->fields[r->nfields - 1];
  /* The record ends at a line end or at the end of the text... */
  CHECK(last->end == size || data[last->end] == '\n' || data[last->end] == '\r');
  if (r->err == CSV_OK) {
    CHECK(r->pos == size || r->pos == last->end + 1 || r->pos == last->end + 2);
  } else {
    CHECK(r->err_off >= r->rec_off && r->err_off <= last->end && r->err_off < size);
    if (r->err == CSV_NUL) CHECK(data[r->err_off] == 0);
    if (r->err == CSV_STRAY_QUOTE || r->err == CSV_UNTERMINATED) CHECK(data[r->err_off] == '"');
    if (r->err == CSV_UNTERMINATED) CHECK(last->end == size && r->pos == size);
  }
}

static void check_same(const CsvReader *r, const Ref *R) {
  CHECK(r->rec_off == R->rec_off);
  CHECK(r->nfields == R->nf);
  CHECK(r->err == R->err);
  if (r->err != CSV_OK) CHECK(r->err_off == R->err_off);
  CHECK(r->pos == R->pos);
  for (int i = 0; i < r->nfields; i++) {
    const CsvField *f = &r->fields[i];
    const RefField *g = &R->f[i];
    CHECK(f->off == g->off);
    CHECK(f->end == g->end);
    CHECK(f->quoted == g->quoted);
    CHECK(f->n == g->n);
    CHECK(memcmp(f->s, R->out + g->start, f->n) == 0);
  }
}

/* An error-free record written back with RFC 4180 quoting reads the same. */
static void check_rewrite(const CsvReader *r) {
  Buf b = {0};
  for (int i = 0; i < r->nfields; i++) {
    const CsvField *f = &r->fields[i];
    bool q = (f->n == 0 && r->nfields == 1) || memchr(f->s, ',', f->n) || memchr(f->s, '"', f->n) ||
             memchr(f->s, '\r', f->n) || memchr(f->s, '\n', f->n) ||
             (f->n >= 3 && memcmp(f->s, "\xEF\xBB\xBF", 3) == 0);
    if (i) buf_putc(&b, ',');
    if (q) buf_putc(&b, '"');
    for (size_t k = 0; k < f->n; k++) {
      if (f->s[k] == '"') buf_putc(&b, '"');
      buf_putc(&b, f->s[k]);
    }
    if (q) buf_putc(&b, '"');
  }
  buf_puts(&b, "\r\n");
  char *copy = malloc(b.len); /* exactly its length: no NUL after it */
  memcpy(copy, b.data, b.len);
  CsvReader r2;
  csv_init(&r2, copy, b.len);
  CHECK(csv_next(&r2));
  CHECK(r2.err == CSV_OK);
  CHECK(r2.nfields == r->nfields);
  for (int i = 0; i < r->nfields; i++) {
    CHECK(r2.fields[i].n == r->fields[i].n);
    CHECK(memcmp(r2.fields[i].s, r->fields[i].s, r->fields[i].n) == 0);
  }
  CHECK(!csv_next(&r2));
  csv_free(&r2);
  free(copy);
  buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 20) return 0;
  CsvReader r;
  csv_init(&r, (const char *)data, size);
  CHECK(r.err == CSV_OK);
  Ref R = {0};
  R.t = data;
  R.len = size;
  R.pos = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  R.f = malloc((size + 1) * sizeof *R.f);
  R.out = malloc(size + 1);
  size_t calls = 0;
  size_t last_pos = r.pos;
  for (;;) {
    bool got = csv_next(&r);
    CHECK(got == ref_next(&R));
    if (!got) break;
    CHECK(++calls <= size); /* each record takes at least one byte */
    CHECK(r.pos > last_pos && r.pos <= size); /* progress */
    CHECK(r.rec_off >= last_pos);
    last_pos = r.pos;
    check_record(&r, data, size);
    check_same(&r, &R);
    if (r.err == CSV_OK) check_rewrite(&r);
  }
  CHECK(r.nfields == 0);
  CHECK(!csv_next(&r)); /* the end stays the end */
  csv_free(&r);
  free(R.f);
  free(R.out);
  return 0;
}
