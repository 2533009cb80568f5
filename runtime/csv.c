/* The RFC 4180 reader of csv.h. One pass over the bytes; each record's
 * fields are copied, unescaped and NUL-terminated, into a scratch buffer
 * that the next record reuses. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

void csv_init(CsvReader *r, const char *text, size_t len) {
  memset(r, 0, sizeof *r);
  r->text = text;
  r->len = len;
  if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
      (unsigned char)text[2] == 0xBF)
    r->pos = 3;
  if (len > UINT32_MAX - 1) {
    r->err = CSV_TOO_LARGE;
    r->pos = len;
  }
}

void csv_free(CsvReader *r) {
  free(r->fields);
  buf_free(&r->scratch);
  memset(r, 0, sizeof *r);
}

const char *csv_error_text(CsvError e) {
  switch (e) {
  case CSV_OK: return "no error";
  case CSV_UNTERMINATED: return "this quoted field is never closed: a field that starts with a quote must end with one";
  case CSV_STRAY_QUOTE: return "a quote inside a field that does not start with one: put the whole field in quotes and double the quote (\"\")";
  case CSV_AFTER_QUOTE: return "text after a closing quote: a quoted field must end at its quote, before the comma or line end (double a quote inside it: \"\")";
  case CSV_NUL: return "a NUL byte: a CSV file holds text (was it saved as UTF-16 or as a spreadsheet?)";
  case CSV_TOO_LARGE: return "the file is larger than 4 GiB: split it into several files";
  }
  return "?";
}

/* The bytes that end or complicate an unquoted field. */
static const unsigned char special[256] = {[','] = 1, ['\n'] = 1, ['\r'] = 1, ['"'] = 1, ['\0'] = 1};

static void fail(CsvReader *r, CsvError e, size_t off) {
  if (r->err == CSV_OK) {
    r->err = e;
    r->err_off = (uint32_t)off;
  }
}

/* Starts a new field at off; its text goes to scratch from now on. */
static CsvField *add_field(CsvReader *r, size_t off) {
  if (r->nfields == r->cap) {
    r->cap = r->cap ? r->cap * 2 : 16;
    r->fields = xrealloc(r->fields, (size_t)r->cap * sizeof *r->fields);
  }
  CsvField *f = &r->fields[r->nfields++];
  f->off = (uint32_t)off;
  f->quoted = false;
  f->n = r->scratch.len; /* for now: where its text starts in scratch */
  return f;
}

static void end_field(CsvReader *r, CsvField *f, size_t end) {
  f->end = (uint32_t)end;
  size_t start = f->n;
  f->n = r->scratch.len - start;
  buf_putc(&r->scratch, '\0');
  f->s = (const char *)(uintptr_t)start; /* fixed up once the record is read */
}

static bool blank_line(const CsvReader *r) {
  const char *t = r->text;
  size_t p = r->pos;
  return t[p] == '\n' || (t[p] == '\r' && p + 1 < r->len && t[p + 1] == '\n');
}

bool csv_next(CsvReader *r) {
  const char *t = r->text;
  size_t len = r->len;
  if (r->err == CSV_TOO_LARGE) return false;
  r->err = CSV_OK;
  r->err_off = 0;
  r->nfields = 0;
  r->scratch.len = 0;
  while (r->pos < len && blank_line(r)) r->pos += t[r->pos] == '\r' ? 2 : 1;
  if (r->pos >= len) return false;
  size_t p = r->pos;
  r->rec_off = (uint32_t)p;
  for (;;) {
    CsvField *f = add_field(r, p);
    if (p < len && t[p] == '"') {
      f->quoted = true;
      p++;
      for (;;) {
        /* copy the run up to the next quote in one go */
        const char *q = p < len ? memchr(t + p, '"', len - p) : NULL;
        size_t stop = q ? (size_t)(q - t) : len;
        const char *nul = memchr(t + p, '\0', stop - p);
        if (nul) fail(r, CSV_NUL, (size_t)(nul - t));
        buf_add(&r->scratch, t + p, stop - p);
        p = stop;
        if (!q) {
          fail(r, CSV_UNTERMINATED, f->off);
          break;
        }
        if (p + 1 < len && t[p + 1] == '"') {
          buf_putc(&r->scratch, '"');
          p += 2;
          continue;
        }
        p++; /* the closing quote */
        break;
      }
      /* anything up to the separator is an error, kept as text */
      size_t after = p;
      while (p < len && t[p] != ',' && t[p] != '\n' && !(t[p] == '\r' && p + 1 < len && t[p + 1] == '\n')) p++;
      if (p > after) {
        fail(r, CSV_AFTER_QUOTE, after);
        buf_add(&r->scratch, t + after, p - after);
      }
    } else {
      size_t start = p;
      for (;;) {
        while (p < len && !special[(unsigned char)t[p]]) p++; /* plain text, one test a byte */
        if (p >= len || t[p] == ',' || t[p] == '\n' || (t[p] == '\r' && p + 1 < len && t[p + 1] == '\n')) break;
        if (t[p] == '"') fail(r, CSV_STRAY_QUOTE, p);
        else if (t[p] == '\0') fail(r, CSV_NUL, p);
        p++; /* a quote, a NUL or a lone CR: kept as data */
      }
      buf_add(&r->scratch, t + start, p - start);
    }
    end_field(r, f, p);
    if (p < len && t[p] == ',') {
      p++;
      continue;
    }
    if (p < len) p += t[p] == '\r' ? 2 : 1;
    break;
  }
  r->pos = p;
  for (int i = 0; i < r->nfields; i++) r->fields[i].s = r->scratch.data + (uintptr_t)r->fields[i].s;
  return true;
}
