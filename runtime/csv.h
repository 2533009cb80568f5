/* An RFC 4180 CSV reader over a file held in memory: quoted fields may hold
 * commas, doubled quotes and line ends; CRLF or LF; a leading UTF-8 BOM is
 * skipped; fields are never trimmed. Every field keeps its byte offset, so
 * errors can point at it. */
#ifndef CHARTER_CSV_H
#define CHARTER_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

typedef struct CsvField {
  const char *s; /* contents, quotes removed and "" undone; NUL-terminated */
  size_t n;      /* bytes of s */
  uint32_t off;  /* byte offset of the field's first character (its quote) */
  uint32_t end;  /* byte offset one past its last character */
  bool quoted;   /* written between quotes */
} CsvField;

typedef enum CsvError {
  CSV_OK,
  CSV_UNTERMINATED, /* a quoted field never closes (off: the opening quote) */
  CSV_STRAY_QUOTE,  /* a quote inside an unquoted field (off: the quote) */
  CSV_AFTER_QUOTE,  /* text after a closing quote (off: that text) */
  CSV_NUL,          /* a NUL byte (off: the byte) */
  CSV_TOO_LARGE     /* the file does not fit 32-bit offsets */
} CsvError;

typedef struct CsvReader {
  const char *text;  /* the whole file (need not be NUL-terminated) */
  size_t len;        /* its bytes */
  size_t pos;        /* where the next record starts */
  CsvField *fields;  /* the current record's fields */
  int nfields;       /* how many */
  int cap;           /* allocated */
  uint32_t rec_off;  /* byte offset where the current record starts */
  Buf scratch;       /* unescaped text of the current record's fields */
  CsvError err;      /* the first syntax error of the current record */
  uint32_t err_off;  /* where it is */
} CsvReader;

void csv_init(CsvReader *r, const char *text, size_t len);
void csv_free(CsvReader *r);
/* Reads the next record into r->fields. Returns false at the end of the
 * text. A record with a syntax error is still returned, with r->err set (the
 * reader recovers at the next line end, or, for an unterminated quote, stops
 * at the end of the text). Blank lines are skipped. */
bool csv_next(CsvReader *r);
/* What a CsvError means, for messages: "this quoted field is never closed"… */
const char *csv_error_text(CsvError e);

#endif
