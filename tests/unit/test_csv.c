/* The RFC 4180 reader (runtime/csv.c): plain, empty and quoted fields, CRLF
 * and LF records, the BOM, blank lines, byte offsets, every error and the
 * recovery after it, growth of the field array and the scratch buffer, and a
 * seeded property test that writes random records with RFC 4180 quoting and
 * reads them back. Every input is copied into a buffer of exactly its length
 * (no NUL after it), so ASan catches any read past the end. */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* ---- helpers ---- */

typedef struct Doc {
  char *text; /* exactly len bytes, not NUL-terminated */
  size_t len;
  CsvReader r;
} Doc;

static void doc_open(Doc *d, const char *text, size_t len) {
  d->text = malloc(len ? len : 1);
  assert_non_null(d->text);
  if (len) memcpy(d->text, text, len);
  d->len = len;
  csv_init(&d->r, d->text, len);
}

/* For string literals: the length excludes the literal's own NUL, and
 * sizeof keeps any NUL written inside the literal. */
#define DOC_OPEN(d, lit) doc_open((d), (lit), sizeof(lit) - 1)

static void doc_close(Doc *d) {
  csv_free(&d->r);
  free(d->text);
  d->text = NULL;
}

/* What holds for every record the reader returns, error or not. */
static void check_invariants(const Doc *d) {
  const CsvReader *r = &d->r;
  assert_true(r->nfields >= 1);
  assert_true(r->rec_off < d->len);
  for (int i = 0; i < r->nfields; i++) {
    const CsvField *f = &r->fields[i];
    if (!(f->off <= f->end && f->end <= d->len && f->off >= r->rec_off))
      fail_msg("field %d: off %u end %u rec_off %u len %zu", i, f->off, f->end, r->rec_off, d->len);
    if (i > 0 && f->off != r->fields[i - 1].end + 1)
      fail_msg("field %d starts at %u, not one past the comma after field %d (%u)", i, f->off, i - 1,
               r->fields[i - 1].end);
    assert_non_null(f->s);
    assert_int_equal(f->s[f->n], '\0');
    if (f->quoted) {
      assert_int_equal(d->text[f->off], '"');
      assert_true(f->n < (size_t)(f->end - f->off));
    } else {
      /* An unquoted field is its bytes exactly. */
      assert_int_equal(f->n, f->end - f->off);
      assert_memory_equal(f->s, d->text + f->off, f->n);
    }
  }
  assert_int_equal(r->fields[0].off, r->rec_off);
}

/* Reads the next record and checks it has the fields want[0..n), no error. */
static void expect_rec(Doc *d, const char *const *want, int n) {
  if (!csv_next(&d->r)) fail_msg("no record; expected %d fields starting \"%s\"", n, want[0]);
  check_invariants(d);
  if (d->r.err != CSV_OK)
    fail_msg("record at %u: unexpected error %d at %u (first field \"%s\")", d->r.rec_off, d->r.err,
             d->r.err_off, want[0]);
  if (d->r.nfields != n) fail_msg("record at %u: %d fields, expected %d", d->r.rec_off, d->r.nfields, n);
  for (int i = 0; i < n; i++) {
    const CsvField *f = &d->r.fields[i];
    size_t wn = strlen(want[i]);
    if (f->n != wn || memcmp(f->s, want[i], wn) != 0)
      fail_msg("record at %u field %d: \"%.*s\" (%zu bytes), expected \"%s\"", d->r.rec_off, i, (int)f->n,
               f->s, f->n, want[i]);
  }
}
#define EXPECT_REC(d, ...)                                                                                   \
  expect_rec((d), (const char *const[]){__VA_ARGS__},                                                        \
             (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *)))

static void expect_end(Doc *d) {
  if (csv_next(&d->r)) fail_msg("unexpected record at %u, first field \"%s\"", d->r.rec_off, d->r.fields[0].s);
  assert_int_equal(d->r.nfields, 0);
  /* The end stays the end. */
  assert_false(csv_next(&d->r));
  assert_false(csv_next(&d->r));
}

static void expect_field(const Doc *d, int i, uint32_t off, uint32_t end, bool quoted) {
  assert_true(i < d->r.nfields);
  const CsvField *f = &d->r.fields[i];
  if (f->off != off || f->end != end || f->quoted != quoted)
    fail_msg("field %d: off %u end %u quoted %d, expected off %u end %u quoted %d", i, f->off, f->end,
             f->quoted, off, end, quoted);
}

/* Reads the next record, which must carry error e at err_off. */
static void expect_error(Doc *d, CsvError e, uint32_t err_off) {
  assert_true(csv_next(&d->r));
  check_invariants(d);
  if (d->r.err != e || d->r.err_off != err_off)
    fail_msg("record at %u: error %d at %u, expected %d at %u", d->r.rec_off, d->r.err, d->r.err_off, e, err_off);
}

/* ---- plain, empty and quoted fields ---- */

static void test_plain_fields(void **state) {
  (void)state;
  Doc d;
  DOC_OPEN(&d, "a,bc,def\nxyz,1,2\n");
  EXPECT_REC(&d, "a", "bc", "def");
  assert_int_equal(d.r.rec_off, 0);
  expect_field(&d, 0, 0, 1, false);
  expect_field(&d, 1, 2, 4, false);
  expect_field(&d, 2, 5, 8, false);
  EXPECT_REC(&d, "xyz", "1", "2");
  assert_int_equal(d.r.rec_off, 9);
  expect_field(&d, 0, 9, 12, false);
  expect_field(&d, 1, 13, 14, false);
  expect_field(&d, 2, 15, 16, false);
  expect_end(&d);
  doc_close(&d);

  /* Spaces are data: fields are never trimmed. */
  DOC_OPEN(&d, " a , b\t,c \n");
  EXPECT_REC(&d, " a ", " b\t", "c ");
  expect_end(&d);
  doc_close(&d);

  /* One field, one record, no line end. */
  DOC_OPEN(&d, "x");
  EXPECT_REC(&d, "x");
  expect_field(&d, 0, 0, 1, false);
  expect_end(&d);
  doc_close(&d);

  /* An empty text has no records. */
  DOC_OPEN(&d, "");
  expect_end(&d);
  doc_close(&d);
  CsvReader r;
  csv_init(&r, NULL, 0);
  assert_false(csv_next(&r));
  csv_free(&r);

  /* UTF-8 passes through byte for byte. */
  DOC_OPEN(&d, "\xc3\xa9t\xc3\xa9,\xe2\x82\xac,\xf0\x9f\x98\x80\n");
  EXPECT_REC(&d, "\xc3\xa9t\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80");
  expect_field(&d, 1, 6, 9, false);
  expect_end(&d);
  doc_close(&d);
}

static void test_empty_fields(void **state) {
  (void)state;
  Doc d;
  DOC_OPEN(&d, "a,,b\n,a\na,\n,\n,,\n");
  EXPECT_REC(&d, "a", "", "b");
  expect_field(&d, 1, 2, 2, false);
  EXPECT_REC(&d, "", "a");
  expect_field(&d, 0, 5, 5, false);
  EXPECT_REC(&d, "a", "");      /* trailing comma */
  expect_field(&d, 1, 10, 10, false); /* at the line end */
  EXPECT_REC(&d, "", "");
  expect_field(&d, 0, 11, 11, false);
  expect_field(&d, 1, 12, 12, false);
  EXPECT_REC(&d, "", "", "");
  expect_end(&d);
  doc_close(&d);

  /* A trailing comma at the very end of the text. */
  DOC_OPEN(&d, "a,");
  EXPECT_REC(&d, "a", "");
  expect_field(&d, 1, 2, 2, false);
  expect_end(&d);
  doc_close(&d);
  DOC_OPEN(&d, ",");
  EXPECT_REC(&d, "", "");
  expect_end(&d);
  doc_close(&d);

  /* A trailing comma before CRLF: the CR is the line end, not data. */
  DOC_OPEN(&d, "a,\r\nb\r\n");
  EXPECT_REC(&d, "a", "");
  expect_field(&d, 1, 2, 2, false);
  EXPECT_REC(&d, "b");
  expect_end(&d);
  doc_close(&d);

  /* A lone empty field must be quoted (an empty line is blank). */
  DOC_OPEN(&d, "\"\"\nx\n\"\"");
  EXPECT_REC(&d, "");
  expect_field(&d, 0, 0, 2, true);
  assert_int_equal(d.r.rec_off, 0);
  EXPECT_REC(&d, "x");
  EXPECT_REC(&d, "");
  expect_field(&d, 0, 5, 7, true);
  expect_end(&d);
  doc_close(&d);

  /* Quoted empty fields among others. */
  DOC_OPEN(&d, "\"\",,\"\"\r\n");
  EXPECT_REC(&d, "", "", "");
  expect_field(&d, 0, 0, 2, true);
  expect_field(&d, 1, 3, 3, false);
  expect_field(&d, 2, 4, 6, true);
  expect_end(&d);
  doc_close(&d);
}

static void test_quoted_fields(void **state) {
  (void)state;
  Doc d;
  /*            0         1          2          3             4 */
  /*            0123 4567890 1234567 8901234567 8901234567 890123 45 */
  DOC_OPEN(&d, "\"a,b\",\"say \"\"hi\"\"\",\"l1\nl2\",\"c1\r\nc2\",plain\r\n");
  EXPECT_REC(&d, "a,b", "say \"hi\"", "l1\nl2", "c1\r\nc2", "plain");
  expect_field(&d, 0, 0, 5, true);
  expect_field(&d, 1, 6, 18, true);
  expect_field(&d, 2, 19, 26, true);
  expect_field(&d, 3, 27, 35, true);
  expect_field(&d, 4, 36, 41, false);
  expect_end(&d);
  doc_close(&d);

  /* Only quotes. */
  DOC_OPEN(&d, "\"\"\"\",\"\"\"\"\"\",\"\"\"a\"\"\"\n");
  EXPECT_REC(&d, "\"", "\"\"", "\"a\"");
  expect_end(&d);
  doc_close(&d);

  /* A quoted field at the very end of the text, and one holding only a
   * line end. */
  DOC_OPEN(&d, "a,\"b\"\n\"\n\",\"\r\n\"");
  EXPECT_REC(&d, "a", "b");
  expect_field(&d, 1, 2, 5, true);
  EXPECT_REC(&d, "\n", "\r\n");
  assert_int_equal(d.r.rec_off, 6);
  expect_field(&d, 0, 6, 9, true);
  expect_field(&d, 1, 10, 14, true);
  expect_end(&d);
  doc_close(&d);

  /* A quoted field may hold what looks like a blank line, or a BOM. */
  DOC_OPEN(&d, "\"\n\n\r\n\",\"\xEF\xBB\xBF\"\n");
  EXPECT_REC(&d, "\n\n\r\n", "\xEF\xBB\xBF");
  expect_end(&d);
  doc_close(&d);
}

static void test_embedded_quote_length(void **state) {
  (void)state;
  Doc d;
  DOC_OPEN(&d, "\"a\"\"b\",\"\"\"\"\"\",\"x\"\"\"\n");
  assert_true(csv_next(&d.r));
  check_invariants(&d);
  assert_int_equal(d.r.err, CSV_OK);
  assert_int_equal(d.r.nfields, 3);
  assert_int_equal(d.r.fields[0].n, 3);
  assert_string_equal(d.r.fields[0].s, "a\"b");
  assert_int_equal(strlen(d.r.fields[0].s), 3);
  assert_int_equal(d.r.fields[1].n, 2);
  assert_string_equal(d.r.fields[1].s, "\"\"");
  assert_int_equal(d.r.fields[2].n, 2);
  assert_string_equal(d.r.fields[2].s, "x\"");
  /* Each field is terminated on its own, not only the last. */
  for (int i = 0; i < 3; i++) assert_int_equal(d.r.fields[i].s[d.r.fields[i].n], '\0');
  expect_end(&d);
  doc_close(&d);
}

/* ---- records and line ends ---- */

static void test_line_ends(void **state) {
  (void)state;
  Doc d;
  DOC_OPEN(&d, "a,b\r\nc,d\ne\r\nf");
  EXPECT_REC(&d, "a", "b");
  assert_int_equal(d.r.rec_off, 0);
  expect_field(&d, 1, 2, 3, false); /* the CR is not part of the field */
  EXPECT_REC(&d, "c", "d");
  assert_int_equal(d.r.rec_off, 5);
  EXPECT_REC(&d, "e");
  assert_int_equal(d.r.rec_off, 9);
  EXPECT_REC(&d, "f"); /* no final line end */
  assert_int_equal(d.r.rec_off, 12);
  expect_field(&d, 0, 12, 13, false);
  expect_end(&d);
  doc_close(&d);

  /* A quoted last field, with and without line ends. */
  DOC_OPEN(&d, "\"a\"\r\n\"b\"\n\"c\"");
  EXPECT_REC(&d, "a");
  expect_field(&d, 0, 0, 3, true);
  EXPECT_REC(&d, "b");
  expect_field(&d, 0, 5, 8, true);
  EXPECT_REC(&d, "c");
  expect_field(&d, 0, 9, 12, true);
  expect_end(&d);
  doc_close(&d);

  /* One record, one line end: no empty record after it. */
  DOC_OPEN(&d, "a\r\n");
  EXPECT_REC(&d, "a");
  expect_end(&d);
  doc_close(&d);
}

static void test_bom(void **state) {
  (void)state;
  Doc d;
  DOC_OPEN(&d, "\xEF\xBB\xBF" "a,b\nc\n");
  EXPECT_REC(&d, "a", "b");
  assert_int_equal(d.r.rec_off, 3); /* offsets count from byte 0 */
  expect_field(&d, 0, 3, 4, false);
  expect_field(&d, 1, 5, 6, false);
  EXPECT_REC(&d, "c");
  assert_int_equal(d.r.rec_off, 7);
  expect_end(&d);
  doc_close(&d);

  /* A BOM before a quoted field, and before blank lines. */
  DOC_OPEN(&d, "\xEF\xBB\xBF\"x,y\"\n");
  EXPECT_REC(&d, "x,y");
  expect_field(&d, 0, 3, 8, true);
  expect_end(&d);
  doc_close(&d);
  DOC_OPEN(&d, "\xEF\xBB\xBF\r\n\nz");
  EXPECT_REC(&d, "z");
  assert_int_equal(d.r.rec_off, 6);
  expect_end(&d);
  doc_close(&d);

  /* A BOM alone is an empty file. */
  DOC_OPEN(&d, "\xEF\xBB\xBF");
  expect_end(&d);
  doc_close(&d);

  /* Only a leading BOM is skipped: later ones, or part of one, are data. */
  DOC_OPEN(&d, "a\n\xEF\xBB\xBF" "b\n");
  EXPECT_REC(&d, "a");
  EXPECT_REC(&d, "\xEF\xBB\xBF" "b");
  expect_end(&d);
  doc_close(&d);
  DOC_OPEN(&d, "\xEF\xBB\xBF\xEF\xBB\xBF" "c");
  EXPECT_REC(&d, "\xEF\xBB\xBF" "c");
  expect_field(&d, 0, 3, 7, false);
  expect_end(&d);
  doc_close(&d);
  DOC_OPEN(&d, "\xEF\xBB");
  EXPECT_REC(&d, "\xEF\xBB");
  expect_end(&d);
  doc_close(&d);
  DOC_OPEN(&d, "\xEF\xBB" "A");
  EXPECT_REC(&d, "\xEF\xBB" "A");
  expect_field(&d, 0, 0, 3, false);
  expect_end(&d);
  doc_close(&d);
}

static void test_blank_lines(void **state) {
  (void)state;
  Doc d;
  DOC_OPEN(&d, "\n\na\n\n\r\n\nb\r\n\r\n\r\n\n");
  EXPECT_REC(&d, "a");
  assert_int_equal(d.r.rec_off, 2);
  EXPECT_REC(&d, "b");
  assert_int_equal(d.r.rec_off, 8);
  expect_end(&d);
  doc_close(&d);

  DOC_OPEN(&d, "\n\r\n\n");
  expect_end(&d);
  doc_close(&d);

  /* CRLF blank lines before the first record. */
  DOC_OPEN(&d, "\r\n\r\nx,y\r\n");
  EXPECT_REC(&d, "x", "y");
  assert_int_equal(d.r.rec_off, 4);
  expect_end(&d);
  doc_close(&d);
}

static void test_lone_cr(void **state) {
  (void)state;
  Doc d;
  /* A CR not followed by LF is data in an unquoted field. */
  DOC_OPEN(&d, "a\rb,c\r\nd\r\r\n\rx\n");
  EXPECT_REC(&d, "a\rb", "c");
  expect_field(&d, 0, 0, 3, false);
  EXPECT_REC(&d, "d\r");
  expect_field(&d, 0, 7, 9, false);
  EXPECT_REC(&d, "\rx"); /* a CR alone does not make a line blank */
  assert_int_equal(d.r.rec_off, 11);
  expect_end(&d);
  doc_close(&d);

  /* Old Mac line ends are not line ends. */
  DOC_OPEN(&d, "a,b\rc,d\r");
  EXPECT_REC(&d, "a", "b\rc", "d\r");
  expect_end(&d);
  doc_close(&d);

  /* A CR at the very end of the text. */
  DOC_OPEN(&d, "a\n\r");
  EXPECT_REC(&d, "a");
  EXPECT_REC(&d, "\r");
  expect_end(&d);
  doc_close(&d);
}

/* ---- errors ---- */

static void test_unterminated(void **state) {
  (void)state;
  Doc d;
  /*            0 1 2345 6789 */
  DOC_OPEN(&d, "x\na,\"bc\nd,e\n");
  EXPECT_REC(&d, "x");
  expect_error(&d, CSV_UNTERMINATED, 4);
  assert_int_equal(d.r.rec_off, 2);
  assert_int_equal(d.r.nfields, 2);
  assert_string_equal(d.r.fields[0].s, "a");
  /* The field runs to the end of the text, and reading stops there. */
  assert_string_equal(d.r.fields[1].s, "bc\nd,e\n");
  expect_field(&d, 1, 4, (uint32_t)d.len, true);
  expect_end(&d);
  doc_close(&d);

  /* A quote at the very end, and doubled quotes that never close. */
  DOC_OPEN(&d, "a,\"");
  expect_error(&d, CSV_UNTERMINATED, 2);
  assert_int_equal(d.r.fields[1].n, 0);
  expect_field(&d, 1, 2, 3, true);
  expect_end(&d);
  doc_close(&d);
  DOC_OPEN(&d, "\"ab\"\"");
  expect_error(&d, CSV_UNTERMINATED, 0);
  assert_string_equal(d.r.fields[0].s, "ab\"");
  expect_end(&d);
  doc_close(&d);
}

static void test_stray_quote(void **state) {
  (void)state;
  Doc d;
  /*            0 123456 7 */
  DOC_OPEN(&d, "ab\"c,d\ne,f\n");
  expect_error(&d, CSV_STRAY_QUOTE, 2);
  assert_int_equal(d.r.nfields, 2);
  assert_string_equal(d.r.fields[0].s, "ab\"c"); /* kept as text */
  assert_string_equal(d.r.fields[1].s, "d");
  EXPECT_REC(&d, "e", "f"); /* recovered, no error carried over */
  assert_int_equal(d.r.err, CSV_OK);
  assert_int_equal(d.r.rec_off, 7);
  expect_end(&d);
  doc_close(&d);

  /* A stray quote that would open a quoted field elsewhere does not swallow
   * the next line: recovery is at the line end. */
  DOC_OPEN(&d, "a,b\"c\nd\"\ne\n");
  expect_error(&d, CSV_STRAY_QUOTE, 3);
  assert_string_equal(d.r.fields[1].s, "b\"c");
  expect_error(&d, CSV_STRAY_QUOTE, 7);
  EXPECT_REC(&d, "e");
  expect_end(&d);
  doc_close(&d);

  /* A space before the quote makes it stray (no trimming). */
  DOC_OPEN(&d, "a, \"b\"\r\nc\r\n");
  expect_error(&d, CSV_STRAY_QUOTE, 3);
  assert_string_equal(d.r.fields[1].s, " \"b\"");
  EXPECT_REC(&d, "c");
  expect_end(&d);
  doc_close(&d);
}

static void test_after_quote(void **state) {
  (void)state;
  Doc d;
  /*             0123456 7 */
  DOC_OPEN(&d, "\"ab\"c,d\ne\n");
  expect_error(&d, CSV_AFTER_QUOTE, 4);
  assert_int_equal(d.r.nfields, 2);
  assert_string_equal(d.r.fields[0].s, "abc"); /* kept as text */
  expect_field(&d, 0, 0, 5, true);
  assert_string_equal(d.r.fields[1].s, "d");
  EXPECT_REC(&d, "e");
  assert_int_equal(d.r.err, CSV_OK);
  expect_end(&d);
  doc_close(&d);

  /* A space after the closing quote, before CRLF. */
  DOC_OPEN(&d, "x,\"y\" \r\nz\r\n");
  expect_error(&d, CSV_AFTER_QUOTE, 5);
  assert_string_equal(d.r.fields[1].s, "y ");
  expect_field(&d, 1, 2, 6, true);
  EXPECT_REC(&d, "z");
  expect_end(&d);
  doc_close(&d);

  /* Text after the quote holding another quote, and a CR not before LF. */
  DOC_OPEN(&d, "\"a\"b\"c\n\"d\"\re\nf");
  expect_error(&d, CSV_AFTER_QUOTE, 3);
  assert_string_equal(d.r.fields[0].s, "ab\"c");
  expect_error(&d, CSV_AFTER_QUOTE, 10);
  assert_string_equal(d.r.fields[0].s, "d\re");
  EXPECT_REC(&d, "f");
  expect_end(&d);
  doc_close(&d);
}

static void test_nul(void **state) {
  (void)state;
  Doc d;
  DOC_OPEN(&d, "a\0b,c\nd\n");
  expect_error(&d, CSV_NUL, 1);
  assert_int_equal(d.r.fields[0].n, 3);
  assert_memory_equal(d.r.fields[0].s, "a\0b", 4);
  EXPECT_REC(&d, "d");
  expect_end(&d);
  doc_close(&d);

  /* In a quoted field, after a doubled quote, and in a later field. */
  DOC_OPEN(&d, "\"a\"\"\0\",x\ny,\0\n");
  expect_error(&d, CSV_NUL, 4);
  assert_int_equal(d.r.fields[0].n, 3);
  assert_memory_equal(d.r.fields[0].s, "a\"\0", 4);
  expect_error(&d, CSV_NUL, 11);
  expect_end(&d);
  doc_close(&d);

  /* A UTF-16LE file is refused at its first NUL. */
  DOC_OPEN(&d, "\xFF\xFE" "a\0,\0b\0\n\0");
  expect_error(&d, CSV_NUL, 3);
  doc_close(&d);
}

static void test_first_error_wins(void **state) {
  (void)state;
  Doc d;
  /* A stray quote, then text after a closing quote: the first is kept. */
  DOC_OPEN(&d, "a\"b,\"c\"d\n\"e\"f,g\"h\nok\n");
  expect_error(&d, CSV_STRAY_QUOTE, 1);
  assert_int_equal(d.r.nfields, 2);
  expect_error(&d, CSV_AFTER_QUOTE, 12);
  EXPECT_REC(&d, "ok");
  expect_end(&d);
  doc_close(&d);

  /* An error in a middle field, then an unterminated quote: reading stops
   * at the end, with the first error reported. */
  DOC_OPEN(&d, "a,b\"c,\"d\ne\n");
  expect_error(&d, CSV_STRAY_QUOTE, 3);
  assert_int_equal(d.r.nfields, 3);
  assert_string_equal(d.r.fields[2].s, "d\ne\n");
  expect_end(&d);
  doc_close(&d);
}

static void test_too_large(void **state) {
  (void)state;
  /* The reader looks at no byte past the BOM before refusing, so a small
   * buffer with a huge claimed length is safe here. */
  static const char text[] = "abc";
  CsvReader r;
  csv_init(&r, text, (size_t)UINT32_MAX);
  assert_int_equal(r.err, CSV_TOO_LARGE);
  assert_false(csv_next(&r));
  assert_int_equal(r.err, CSV_TOO_LARGE);
  assert_false(csv_next(&r));
  csv_free(&r);
}

static void test_error_texts(void **state) {
  (void)state;
  const CsvError all[] = {CSV_OK, CSV_UNTERMINATED, CSV_STRAY_QUOTE, CSV_AFTER_QUOTE, CSV_NUL, CSV_TOO_LARGE};
  for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
    const char *t = csv_error_text(all[i]);
    assert_non_null(t);
    assert_true(strlen(t) > 0);
    assert_string_not_equal(t, "?");
    for (size_t j = 0; j < i; j++) assert_string_not_equal(t, csv_error_text(all[j]));
  }
  assert_non_null(strstr(csv_error_text(CSV_UNTERMINATED), "never closed"));
  assert_string_equal(csv_error_text((CsvError)99), "?");
}

/* ---- growth ---- */

static void test_many_fields(void **state) {
  (void)state;
  for (int nf = 15; nf <= 2000; nf = nf < 40 ? nf + 1 : nf * 3) {
    Buf b = {0};
    for (int i = 0; i < nf; i++) buf_printf(&b, "%s%d", i ? "," : "", i);
    buf_puts(&b, "\nx,\"y\"\n");
    for (int i = 0; i < nf; i++) buf_printf(&b, "%s\"q%d\"", i ? "," : "", i);
    Doc d;
    doc_open(&d, b.data, b.len);
    assert_true(csv_next(&d.r));
    check_invariants(&d);
    assert_int_equal(d.r.err, CSV_OK);
    assert_int_equal(d.r.nfields, nf);
    for (int i = 0; i < nf; i++) {
      char want[16];
      snprintf(want, sizeof want, "%d", i);
      assert_string_equal(d.r.fields[i].s, want);
    }
    EXPECT_REC(&d, "x", "y"); /* the count starts again */
    assert_true(csv_next(&d.r));
    check_invariants(&d);
    assert_int_equal(d.r.nfields, nf);
    for (int i = 0; i < nf; i++) {
      char want[16];
      snprintf(want, sizeof want, "q%d", i);
      assert_string_equal(d.r.fields[i].s, want);
      assert_true(d.r.fields[i].quoted);
    }
    expect_end(&d);
    doc_close(&d);
    buf_free(&b);
  }
}

static void test_large_field(void **state) {
  (void)state;
  const size_t big = 1u << 20;
  Buf b = {0};
  /* An unquoted 1 MB field, then a quoted one with a doubled quote every
   * 100 bytes and line ends inside, then a small record. */
  for (size_t i = 0; i < big; i++) buf_putc(&b, (char)('a' + i % 26));
  buf_puts(&b, ",small\r\n\"");
  size_t qstart = b.len - 1;
  Buf want = {0};
  for (size_t i = 0; i < big; i++) {
    char c = i % 100 == 99 ? '"' : i % 1000 == 500 ? '\n' : (char)('A' + i % 26);
    if (c == '"') buf_putc(&b, '"');
    buf_putc(&b, c);
    buf_putc(&want, c);
  }
  buf_puts(&b, "\"\nend");
  Doc d;
  doc_open(&d, b.data, b.len);
  assert_true(csv_next(&d.r));
  check_invariants(&d);
  assert_int_equal(d.r.err, CSV_OK);
  assert_int_equal(d.r.nfields, 2);
  assert_int_equal(d.r.fields[0].n, big);
  assert_memory_equal(d.r.fields[0].s, b.data, big);
  assert_string_equal(d.r.fields[1].s, "small");
  assert_true(csv_next(&d.r));
  check_invariants(&d);
  assert_int_equal(d.r.err, CSV_OK);
  assert_int_equal(d.r.nfields, 1);
  assert_int_equal(d.r.fields[0].n, big);
  assert_memory_equal(d.r.fields[0].s, want.data, big);
  assert_int_equal(d.r.fields[0].s[big], '\0');
  expect_field(&d, 0, (uint32_t)qstart, (uint32_t)(b.len - 4), true);
  EXPECT_REC(&d, "end"); /* the scratch buffer is reused */
  expect_end(&d);
  doc_close(&d);
  buf_free(&b);
  buf_free(&want);
}

/* ---- property: write random records with RFC 4180 quoting, read back ---- */

static uint64_t rng_state;
static uint32_t rnd(uint32_t n) {
  /* xorshift64*, seeded: the same records on every run */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 2685821657736338717ull) >> 32) % n;
}

typedef struct Want {
  char *s;
  size_t n;
  uint32_t off, end;
  bool quoted;
} Want;

enum { QUOTE_RFC, QUOTE_MINIMAL, QUOTE_ALWAYS };

static bool has(const char *s, size_t n, char c) { return memchr(s, c, n) != NULL; }

/* Whether a field must be quoted. RFC: any comma, quote, CR or LF. Minimal:
 * what this reader needs (a CR is data unless it would read as a CRLF). */
static bool must_quote(const char *s, size_t n, int mode, bool lone_field) {
  if (n == 0) return lone_field; /* else the line is blank */
  if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) return true; /* could be read as the BOM */
  if (has(s, n, ',') || has(s, n, '"') || has(s, n, '\n')) return true;
  if (mode == QUOTE_RFC) return has(s, n, '\r');
  return s[n - 1] == '\r';
}

static void test_round_trip(void **state) {
  (void)state;
  static const char *const atoms[] = {"a", "z", "0", " ", ",", "\"", "\r", "\n", "\r\n", "\xc3\xa9", "\xe2\x82\xac",
                                      "\xf0\x9f\x98\x80", "\xEF\xBB\xBF", "\t", "\"\"", ",\"", "x y"};
  const int natoms = (int)(sizeof atoms / sizeof *atoms);
  rng_state = 0x9E3779B97F4A7C15ull;
  long nfields_total = 0;
  for (int trial = 0; trial < 3000; trial++) {
    int mode = (int)rnd(3);
    int nrec = 1 + (int)rnd(12);
    Buf text = {0};
    Want *want = NULL;
    int *rec_nf = malloc((size_t)nrec * sizeof *rec_nf);
    uint32_t *rec_off = malloc((size_t)nrec * sizeof *rec_off);
    int nw = 0, capw = 0;
    if (rnd(4) == 0) buf_puts(&text, "\xEF\xBB\xBF");
    for (int rec = 0; rec < nrec; rec++) {
      /* Blank lines between records are skipped. */
      if (rnd(5) == 0) buf_puts(&text, rnd(2) ? "\n" : "\r\n");
      int nf = 1 + (int)(rnd(8) == 0 ? rnd(40) : rnd(6));
      rec_nf[rec] = nf;
      rec_off[rec] = (uint32_t)text.len;
      for (int i = 0; i < nf; i++) {
        Buf f = {0};
        int natom = rnd(4) == 0 ? 0 : (int)rnd(10);
        for (int k = 0; k < natom; k++) buf_puts(&f, atoms[rnd((uint32_t)natoms)]);
        if (i) buf_putc(&text, ',');
        bool q = must_quote(buf_str(&f), f.len, mode, nf == 1) || mode == QUOTE_ALWAYS || rnd(6) == 0;
        if (nw == capw) {
          capw = capw ? capw * 2 : 64;
          want = realloc(want, (size_t)capw * sizeof *want);
        }
        Want *w = &want[nw++];
        w->off = (uint32_t)text.len;
        w->quoted = q;
        w->n = f.len;
        w->s = malloc(f.len + 1);
        memcpy(w->s, buf_str(&f), f.len + 1);
        if (q) {
          buf_putc(&text, '"');
          for (size_t k = 0; k < f.len; k++) {
            if (f.data[k] == '"') buf_putc(&text, '"');
            buf_putc(&text, f.data[k]);
          }
          buf_putc(&text, '"');
        } else {
          buf_add(&text, buf_str(&f), f.len);
        }
        w->end = (uint32_t)text.len;
        buf_free(&f);
      }
      bool last = rec == nrec - 1;
      if (!last || rnd(3)) buf_puts(&text, rnd(2) ? "\n" : "\r\n");
    }
    if (rnd(6) == 0 && text.len && text.data[text.len - 1] == '\n') buf_puts(&text, "\r\n\n");

    Doc d;
    doc_open(&d, buf_str(&text), text.len);
    int k = 0;
    for (int rec = 0; rec < nrec; rec++) {
      if (!csv_next(&d.r)) fail_msg("trial %d: record %d of %d missing", trial, rec, nrec);
      check_invariants(&d);
      if (d.r.err != CSV_OK) fail_msg("trial %d record %d: error %d at %u", trial, rec, d.r.err, d.r.err_off);
      if (d.r.nfields != rec_nf[rec])
        fail_msg("trial %d record %d: %d fields, wrote %d", trial, rec, d.r.nfields, rec_nf[rec]);
      assert_int_equal(d.r.rec_off, rec_off[rec]);
      for (int i = 0; i < rec_nf[rec]; i++, k++) {
        const CsvField *f = &d.r.fields[i];
        const Want *w = &want[k];
        if (f->n != w->n || memcmp(f->s, w->s, w->n) != 0 || f->off != w->off || f->end != w->end ||
            f->quoted != w->quoted)
          fail_msg("trial %d record %d field %d: read %zu bytes at %u..%u quoted %d, wrote %zu bytes at %u..%u quoted %d",
                   trial, rec, i, f->n, f->off, f->end, f->quoted, w->n, w->off, w->end, w->quoted);
        nfields_total++;
      }
    }
    assert_false(csv_next(&d.r));
    doc_close(&d);
    for (int i = 0; i < nw; i++) free(want[i].s);
    free(want);
    free(rec_nf);
    free(rec_off);
    buf_free(&text);
  }
  assert_true(nfields_total > 10000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_plain_fields),
      cmocka_unit_test(test_empty_fields),
      cmocka_unit_test(test_quoted_fields),
      cmocka_unit_test(test_embedded_quote_length),
      cmocka_unit_test(test_line_ends),
      cmocka_unit_test(test_bom),
      cmocka_unit_test(test_blank_lines),
      cmocka_unit_test(test_lone_cr),
      cmocka_unit_test(test_unterminated),
      cmocka_unit_test(test_stray_quote),
      cmocka_unit_test(test_after_quote),
      cmocka_unit_test(test_nul),
      cmocka_unit_test(test_first_error_wins),
      cmocka_unit_test(test_too_large),
      cmocka_unit_test(test_error_texts),
      cmocka_unit_test(test_many_fields),
      cmocka_unit_test(test_large_field),
      cmocka_unit_test(test_round_trip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
