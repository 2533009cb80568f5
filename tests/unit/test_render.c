/* Views (runtime/render.c; docs/language.md, Views; docs/render.md):
 * label text (render_html_text: escaping, line ends, control characters,
 * wrapping by columns), finding views by name, and which nodes and edges
 * render_dot draws for each diagram with and without focus and exclude.
 *
 * The DOT is read through its node lines (`    "id" [label=<…`) and edge
 * lines (`  "a" -> "b"…`), compared as sorted sets so that a node or edge
 * too many, too few or drawn twice shows up; the band headings ("band N")
 * are left out. Every label text is checked to be valid UTF-8. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "rules_eval.h"
#include "dot_lines.h"

/* ---- UTF-8 and columns, independent of lang/util.c ---- */

/* Decodes one strictly valid UTF-8 scalar at s; its length, or 0. */
static int t_decode(const unsigned char *s, uint32_t *cp) {
  int n;
  uint32_t c;
  if (s[0] < 0x80) {
    *cp = s[0];
    return 1;
  } else if (s[0] >= 0xC2 && s[0] <= 0xDF) {
    n = 2, c = s[0] & 0x1Fu;
  } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
    n = 3, c = s[0] & 0x0Fu;
  } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
    n = 4, c = s[0] & 0x07u;
  } else {
    return 0;
  }
  for (int i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0; /* also stops at the NUL */
    c = (c << 6) | (s[i] & 0x3Fu);
  }
  if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  *cp = c;
  return n;
}

static bool valid_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    uint32_t c;
    int k = t_decode(p, &c);
    if (!k) return false;
    p += k;
  }
  return true;
}

/* Columns of the characters the wrapping tests use: combining grave to
 * macron-below, ZWJ and variation selectors 0; CJK, Hangul, fullwidth forms
 * and emoji 2; everything else 1. */
static int t_cols(uint32_t c) {
  if ((c >= 0x300 && c <= 0x36F) || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F)) return 0;
  if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF00 && c <= 0xFF60) || (c >= 0x1F300 && c <= 0x1FAFF) ||
      (c >= 0x20000 && c <= 0x3FFFD))
    return 2;
  return 1;
}

/* ---- render_html_text ---- */

#define NIHAO "\xE4\xBD\xA0\xE5\xA5\xBD"  /* 你好 */
#define SHIJIE "\xE4\xB8\x96\xE7\x95\x8C" /* 世界 */

/* The label text of s at width (the caller frees it). */
static char *html(const char *s, int width) {
  Buf b = {0};
  render_html_text(&b, s, width);
  char *r = strdup(buf_str(&b));
  assert_non_null(r);
  buf_free(&b);
  return r;
}

/* The label text of s at width is want, and valid UTF-8. */
#define expect_html(s, width, want)                                                          \
  do {                                                                                       \
    char *got_ = html((s), (width));                                                         \
    bool same_ = strcmp(got_, (want)) == 0, valid_ = valid_utf8(got_);                       \
    if (!same_) print_error("\"%s\" at width %d\n  gives    \"%s\"\n  expected \"%s\"\n", (s), \
                            (width), got_, (want));                                          \
    if (!valid_) print_error("\"%s\" at width %d gives invalid UTF-8\n", (s), (width));      \
    free(got_);                                                                              \
    if (!same_ || !valid_) fail();                                                           \
  } while (0)

static void test_html_markup_becomes_entities(void **state) {
  (void)state;
  expect_html("&", 0, "&amp;");
  expect_html("<", 0, "&lt;");
  expect_html(">", 0, "&gt;");
  expect_html("\"", 0, "&quot;");
  expect_html("Smith & \"Sons\" <b>Co</b>", 0, "Smith &amp; &quot;Sons&quot; &lt;b&gt;Co&lt;/b&gt;");
  /* Text that looks like an entity or a line break is still text. */
  expect_html("&amp; <BR/>", 0, "&amp;amp; &lt;BR/&gt;");
  expect_html("a&b<c>d\"e", 0, "a&amp;b&lt;c&gt;d&quot;e");
}

/* Graphviz expands \N, \G, \L and the like even in HTML-like labels. */
static void test_html_backslash_doubled(void **state) {
  (void)state;
  expect_html("\\N", 0, "\\\\N");
  expect_html("a\\Gb \\L", 0, "a\\\\Gb \\\\L");
  expect_html("\\", 0, "\\\\");
  expect_html("\\\\", 0, "\\\\\\\\");
  expect_html("ends with\\", 0, "ends with\\\\");
}

static void test_html_line_ends(void **state) {
  (void)state;
  expect_html("a\nb", 0, "a<BR/>b");
  expect_html("a\r\nb", 0, "a<BR/>b");
  expect_html("a\r\nb\r\nc", 0, "a<BR/>b<BR/>c");
  expect_html("a\n\nb", 0, "a<BR/><BR/>b");
  expect_html("a\r\n\r\nb", 0, "a<BR/><BR/>b");
  expect_html("\n", 0, "<BR/>");
  /* A line end is a break at any width, and the column count restarts. */
  expect_html("abc\nabc", 3, "abc<BR/>abc");
  expect_html("ab cd\nef gh", 5, "ab cd<BR/>ef gh");
  /* A carriage return alone is a control character. */
  expect_html("a\rb", 0, "a b");
}

static void test_html_controls_become_a_space(void **state) {
  (void)state;
  expect_html("a\tb", 0, "a b");
  expect_html("a\x01z", 0, "a z");
  expect_html("a\x07z", 0, "a z");
  expect_html("a\x1bz", 0, "a z");
  expect_html("a\x1fz", 0, "a z");
  expect_html("a\x7fz", 0, "a z");                /* DEL */
  expect_html("a\xC2\x80z", 0, "a z");            /* U+0080 */
  expect_html("a\xC2\x85z", 0, "a z");            /* U+0085 NEL */
  expect_html("a\xC2\x9Fz", 0, "a z");            /* U+009F */
  expect_html("a\xC2\xA0z", 0, "a\xC2\xA0z");     /* U+00A0 is no control */
  expect_html("\x1b[31mred", 0, " [31mred");
  /* No control byte survives, whatever comes. */
  for (int c = 1; c < 0x20; c++) {
    if (c == '\n') continue;
    char in[4] = {'x', (char)c, 'y', 0};
    char *got = html(in, 0);
    for (const char *s = got; *s; s++)
      if ((unsigned char)*s < 0x20 || *s == 0x7F) fail_msg("control 0x%02X kept in \"%s\"", c, got);
    free(got);
  }
}

static void test_html_noncharacters_become_replacement(void **state) {
  (void)state;
  expect_html("a\xEF\xBF\xBE" "b", 0, "a\xEF\xBF\xBD" "b"); /* U+FFFE */
  expect_html("a\xEF\xBF\xBF" "b", 0, "a\xEF\xBF\xBD" "b"); /* U+FFFF */
  expect_html("\xEF\xBF\xBD", 0, "\xEF\xBF\xBD");           /* U+FFFD stays */
  expect_html("\xEF\xBF\xBC", 0, "\xEF\xBF\xBC");           /* U+FFFC is kept */
  /* Regression: the other noncharacters passed through, and cairo dropped
   * the rest of a PDF's text after one. */
  expect_html("a\xEF\xB7\x90" "b", 0, "a\xEF\xBF\xBD" "b");     /* U+FDD0 */
  expect_html("a\xEF\xB7\xAF" "b", 0, "a\xEF\xBF\xBD" "b");     /* U+FDEF */
  expect_html("a\xEF\xB7\xB0" "b", 0, "a\xEF\xB7\xB0" "b");     /* U+FDF0 is kept */
  expect_html("a\xF0\x9F\xBF\xBE" "b", 0, "a\xEF\xBF\xBD" "b"); /* U+1FFFE */
  expect_html("a\xF4\x8F\xBF\xBF" "b", 0, "a\xEF\xBF\xBD" "b"); /* U+10FFFF */
}

/* The scanner rejects invalid UTF-8, but the function is public: stray
 * bytes must still give valid UTF-8. */
static void test_html_stray_bytes_give_valid_utf8(void **state) {
  (void)state;
  static const char *const bad[] = {"\xFF", "a\xC3", "\xC3z", "\xE4\xBD", "\xE4\xBDz", "\xED\xA0\x80",
                                    "\xC0\xAF", "\xF5\x80\x80\x80", "\x80\x80 \xBF", "\xF0\x9F\x98"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    for (int w = 0; w < 4; w++) {
      char *got = html(bad[i], w);
      bool ok = valid_utf8(got);
      if (!ok) print_error("input %zu at width %d gives invalid UTF-8\n", i, w);
      free(got);
      if (!ok) fail();
    }
  expect_html("a\xFF" "b", 0, "a\xEF\xBF\xBD" "b");
}

static void test_html_non_latin_unchanged(void **state) {
  (void)state;
  static const char *const texts[] = {
      /* Καλημέρα κόσμε */
      "\xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1 "
      "\xCE\xBA\xCF\x8C\xCF\x83\xCE\xBC\xCE\xB5",
      /* مرحبا بالعالم */
      "\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7 \xD8\xA8\xD8\xA7\xD9\x84\xD8\xB9\xD8\xA7\xD9\x84\xD9\x85",
      NIHAO SHIJIE,                                         /* 你好世界 */
      "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4",                 /* 한국어 */
      "\xF0\x9F\x8E\x89 \xF0\x9F\x9A\x80 \xF0\x9F\xA4\x9D",   /* 🎉 🚀 🤝 */
      "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82",     /* Привет */
      "\xF0\xA0\x80\x8B",                                     /* U+2000B */
      "Caf\xC3\xA9 Jos\x65\xCC\x81",                          /* é, e + U+0301 */
  };

  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    expect_html(texts[i], 0, texts[i]);
    expect_html(texts[i], 200, texts[i]);
  }
}

static void test_html_wrap_greedy(void **state) {
  (void)state;
  expect_html("the quick brown fox jumps", 10, "the quick<BR/>brown fox<BR/>jumps");
  expect_html("aaaa bbbbb", 10, "aaaa bbbbb"); /* exactly the width fits */
  expect_html("aaaa bbbbb", 9, "aaaa<BR/>bbbbb");
  expect_html("a b c d e f", 3, "a b<BR/>c d<BR/>e f");
  expect_html("a b c d e f", 1, "a<BR/>b<BR/>c<BR/>d<BR/>e<BR/>f");
  /* Greedy, not balanced: the first line takes all it can. */
  expect_html("aaa bb cc dd", 9, "aaa bb cc<BR/>dd");
}

/* Entities and doubled backslashes are one column each; multi-byte letters
 * one column, not their bytes. */
static void test_html_wrap_counts_columns_not_bytes(void **state) {
  (void)state;
  expect_html("&&&& <<<<<", 10, "&amp;&amp;&amp;&amp; &lt;&lt;&lt;&lt;&lt;");
  expect_html("&&&& <<<<<", 9, "&amp;&amp;&amp;&amp;<BR/>&lt;&lt;&lt;&lt;&lt;");
  expect_html("\\\\ \\\\", 5, "\\\\\\\\ \\\\\\\\");
  /* ααααα ααααα: 11 columns, 21 bytes. */
  expect_html("\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1 \xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1", 11,
              "\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1 \xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1");
  expect_html("\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1 \xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1", 10,
              "\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1<BR/>\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1");
}

/* A word longer than the width is cut between code points. */
static void test_html_wrap_cuts_long_words(void **state) {
  (void)state;
  expect_html("abcdefghij", 4, "abcd<BR/>efgh<BR/>ij");
  expect_html("ab cdefghij", 4, "ab<BR/>cdef<BR/>ghij");
  expect_html("abcdefgh", 4, "abcd<BR/>efgh");
  expect_html("abcdefghij xy", 4, "abcd<BR/>efgh<BR/>ij<BR/>xy");
  expect_html("abcdefghij x", 4, "abcd<BR/>efgh<BR/>ij x");
  /* ααααααααα (2 bytes each) at 4 columns. */
  expect_html("\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1", 4,
              "\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1<BR/>\xCE\xB1\xCE\xB1\xCE\xB1\xCE\xB1<BR/>\xCE\xB1");
  /* Entities are never cut. */
  expect_html("&&&&&&", 4, "&amp;&amp;&amp;&amp;<BR/>&amp;&amp;");
  /* 4-byte emoji at width 1: one per line, whole. */
  expect_html("\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 1, "\xF0\x9F\x98\x80<BR/>\xF0\x9F\x98\x80");
}

/* CJK and emoji take two columns. */
static void test_html_wrap_wide_characters(void **state) {
  (void)state;
  /* 你好世界 */
  expect_html(NIHAO SHIJIE, 8, NIHAO SHIJIE);
  expect_html(NIHAO SHIJIE, 4, NIHAO "<BR/>" SHIJIE);
  expect_html(NIHAO SHIJIE, 5, NIHAO "<BR/>" SHIJIE);
  expect_html(NIHAO SHIJIE, 7,
              NIHAO "\xE4\xB8\x96<BR/>\xE7\x95\x8C");
  /* "ab 你好": 2 + 1 + 4 columns. */
  expect_html("ab \xE4\xBD\xA0\xE5\xA5\xBD", 7, "ab \xE4\xBD\xA0\xE5\xA5\xBD");
  expect_html("ab \xE4\xBD\xA0\xE5\xA5\xBD", 6, "ab<BR/>\xE4\xBD\xA0\xE5\xA5\xBD");
  /* "a你好" at 2: the wide character does not fit after a. */
  expect_html("a\xE4\xBD\xA0\xE5\xA5\xBD", 2, "a<BR/>\xE4\xBD\xA0<BR/>\xE5\xA5\xBD");
  /* 한국어 at 4. */
  expect_html("\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4", 4, "\xED\x95\x9C\xEA\xB5\xAD<BR/>\xEC\x96\xB4");
  /* 😀😀😀 at 4; 🎉 🚀 at 4 is 5 columns. */
  expect_html("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 4,
              "\xF0\x9F\x98\x80\xF0\x9F\x98\x80<BR/>\xF0\x9F\x98\x80");
  expect_html("\xF0\x9F\x8E\x89 \xF0\x9F\x9A\x80", 5, "\xF0\x9F\x8E\x89 \xF0\x9F\x9A\x80");
  expect_html("\xF0\x9F\x8E\x89 \xF0\x9F\x9A\x80", 4, "\xF0\x9F\x8E\x89<BR/>\xF0\x9F\x9A\x80");
  /* A wide character wider than the width stands alone, whole. */
  expect_html("\xE4\xBD\xA0\xE5\xA5\xBD", 1, "\xE4\xBD\xA0<BR/>\xE5\xA5\xBD");
}

/* Combining marks take no column and stay with their base. */
static void test_html_wrap_combining_marks(void **state) {
  (void)state;
#define E_ACUTE "e\xCC\x81" /* e + U+0301 */
  expect_html(E_ACUTE E_ACUTE E_ACUTE E_ACUTE, 4, E_ACUTE E_ACUTE E_ACUTE E_ACUTE);
  expect_html(E_ACUTE E_ACUTE E_ACUTE E_ACUTE E_ACUTE, 4, E_ACUTE E_ACUTE E_ACUTE E_ACUTE "<BR/>" E_ACUTE);
  expect_html("abcd\xCC\x81", 4, "abcd\xCC\x81");
  expect_html("abc" E_ACUTE "f", 4, "abc" E_ACUTE "<BR/>f");
  /* Several marks on one base: à̧ (a + U+0300 + U+0327). */
  expect_html("xyza\xCC\x80\xCC\xA7" "b", 4, "xyza\xCC\x80\xCC\xA7<BR/>b");
  expect_html("ab " E_ACUTE E_ACUTE, 5, "ab " E_ACUTE E_ACUTE);
#undef E_ACUTE
}

/* Regression: only U+0300..U+036F counted as combining marks, so the
 * combining marks of other scripts (Arabic harakat, Hebrew points, marks
 * for symbols) took a column each: a word was cut too early and a mark
 * could begin a line, apart from its base. مَرْحَبًا is five letters with four marks;
 * שָׁלוֹם four letters with three marks. */
static void test_html_wrap_marks_of_other_scripts_take_no_column(void **state) {
  (void)state;
#define MARHABAN "\xD9\x85\xD9\x8E\xD8\xB1\xD9\x92\xD8\xAD\xD9\x8E\xD8\xA8\xD9\x8B\xD8\xA7"
#define SHALOM "\xD7\xA9\xD6\xB8\xD7\x81\xD7\x9C\xD7\x95\xD6\xB9\xD7\x9D"
  expect_html(MARHABAN, 5, MARHABAN);
  expect_html(SHALOM, 4, SHALOM);
  expect_html("v\xE2\x83\x97 w\xE2\x83\x97", 3, "v\xE2\x83\x97 w\xE2\x83\x97"); /* v⃗ w⃗, U+20D7 */
#undef MARHABAN
#undef SHALOM
}

/* Regression: emoji outside U+1F300..U+1FAFF (✅ U+2705, ⭐ U+2B50,
 * ⚽ U+26BD, all East Asian Wide with emoji presentation) counted one
 * column, so a line of them overflowed the width. */
static void test_html_wrap_bmp_emoji_take_two_columns(void **state) {
  (void)state;
  expect_html("\xE2\x9C\x85\xE2\x9C\x85\xE2\x9C\x85", 4, "\xE2\x9C\x85\xE2\x9C\x85<BR/>\xE2\x9C\x85");
  expect_html("\xE2\xAD\x90 \xE2\xAD\x90", 4, "\xE2\xAD\x90<BR/>\xE2\xAD\x90");
  expect_html("\xE2\x9A\xBD\xE2\x9A\xBD", 3, "\xE2\x9A\xBD<BR/>\xE2\x9A\xBD");
}

/* Regression: a skin-tone modifier counted two columns and could be cut
 * from its emoji (👍🏽 at width 2 gave "👍<BR/>🏽"), and a joined sequence
 * (👩‍💻, woman ZWJ laptop) counted four. */
static void test_html_wrap_emoji_sequences_stay_whole(void **state) {
  (void)state;
#define THUMB "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD"
#define CODER "\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x92\xBB"
  expect_html(THUMB, 2, THUMB);
  expect_html(THUMB THUMB, 2, THUMB "<BR/>" THUMB);
  expect_html(CODER, 2, CODER);
  expect_html(CODER CODER, 4, CODER CODER);
#undef THUMB
#undef CODER
}

static void test_html_width_zero_does_not_wrap(void **state) {
  (void)state;
  char longtext[2048] = "";
  for (int i = 0; i < 200; i++) strcat(longtext, i ? " word" : "word");
  char *got = html(longtext, 0);
  assert_null(strstr(got, "<BR/>"));
  assert_string_equal(got, longtext);
  free(got);
  char word[1001];
  memset(word, 'x', 1000);
  word[1000] = 0;
  got = html(word, 0);
  assert_string_equal(got, word);
  free(got);
  /* Still one break per line end. */
  expect_html("a\nb c", 0, "a<BR/>b c");
}

static void test_html_spaces(void **state) {
  (void)state;
  expect_html("", 0, "");
  expect_html("", 5, "");
  expect_html("   ", 0, "");
  expect_html("a   b", 0, "a b");
  expect_html("a \t  b", 0, "a b");
  expect_html("  a b  ", 0, "a b");
  expect_html("  a b  ", 3, "a b");
  expect_html("a  \n  b", 0, "a<BR/>b");
  expect_html("a   b   c", 3, "a b<BR/>c");
  /* Spaces at a break are not carried to either line. */
  expect_html("aaa     bbb", 3, "aaa<BR/>bbb");
}

/* Wraps many texts at many widths and checks what every output must be:
 * valid UTF-8, no control bytes, markup only as entities and <BR/>, no
 * line over the width (unless it is one character wider than the width),
 * no space at a line's ends, and the same characters as the input. */
static void check_wrapped(const char *in, int width) {
  char *out = html(in, width);
  if (!valid_utf8(out)) fail_msg("invalid UTF-8 from \"%s\" at width %d", in, width);
  Buf kept = {0}; /* the output's characters other than spaces and breaks */
  int col = 0, chars = 0, breaks = 0;
  bool line_start = true;
  const char *s = out;
  for (;;) {
    bool end = !*s || strncmp(s, "<BR/>", 5) == 0;
    if (end) {
      if (width > 0 && col > width && chars > 1)
        fail_msg("a line of %d columns at width %d: \"%s\" from \"%s\"", col, width, out, in);
      if (s > out && s[-1] == ' ') fail_msg("space before a break in \"%s\"", out);
      if (!*s) break;
      breaks++;
      s += 5;
      col = chars = 0;
      line_start = true;
      continue;
    }
    unsigned char b = (unsigned char)*s;
    if (b < 0x20 || b == 0x7F) fail_msg("control byte 0x%02X in \"%s\"", b, out);
    if (b == '<' || b == '>' || b == '"') fail_msg("bare '%c' in \"%s\"", b, out);
    if (b == ' ') {
      if (line_start || s[1] == ' ') fail_msg("leading or double space in \"%s\"", out);
      col++;
      s++;
      continue;
    }
    line_start = false;
    if (b == '&') {
      static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;"};
      static const char plain[] = "&<>\"";
      int k = 0;
      while (k < 4 && strncmp(s, ents[k], strlen(ents[k])) != 0) k++;
      if (k == 4) fail_msg("bare '&' in \"%s\"", out);
      buf_putc(&kept, plain[k]);
      s += strlen(ents[k]);
      col++, chars++;
      continue;
    }
    if (b == '\\') {
      if (s[1] != '\\') fail_msg("single backslash in \"%s\"", out);
      buf_putc(&kept, '\\');
      s += 2;
      col++, chars++;
      continue;
    }
    uint32_t c;
    int k = t_decode((const unsigned char *)s, &c);
    buf_add(&kept, s, (size_t)k);
    int w = t_cols(c);
    col += w;
    if (w) chars++;
    s += k;
  }
  /* The input's characters, less white space. */
  Buf want = {0};
  for (const char *t = in; *t; t++)
    if (*t != ' ' && *t != '\n' && *t != '\t' && *t != '\r') buf_putc(&want, *t);
  if (strcmp(buf_str(&kept), buf_str(&want)) != 0)
    fail_msg("characters changed: \"%s\" at width %d gives \"%s\"", in, width, out);
  int lines_in = 0;
  for (const char *t = in; *t; t++) lines_in += *t == '\n';
  if (width == 0 && breaks != lines_in) fail_msg("%d breaks at width 0 in \"%s\"", breaks, out);
  if (breaks < lines_in) fail_msg("line ends lost in \"%s\"", out);
  buf_free(&kept);
  buf_free(&want);
  free(out);
}

static void test_html_wrap_properties(void **state) {
  (void)state;
  static const char *const texts[] = {
      "Participants finish job-readiness training",
      "Smith & \"Sons\" <b>Co</b> \\N \\G",
      "Employers adopt recovery-friendly hiring policies\nand keep them",
      "Supercalifragilisticexpialidocious antidisestablishmentarianism",
      "\xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\xCE\xBC\xCE\xAD\xCF\x81\xCE\xB1 \xCE\xBA\xCF\x8C\xCF\x83\xCE\xBC\xCE\xB5 "
      "\xCE\xB1\xCE\xB2\xCE\xB3\xCE\xB4\xCE\xB5\xCE\xB6\xCE\xB7\xCE\xB8\xCE\xB9\xCE\xBA",
      "\xE4\xBD\xA0\xE5\xA5\xBD\xE4\xB8\x96\xE7\x95\x8C\xE4\xBD\xA0\xE5\xA5\xBD \xE4\xB8\x96\xE7\x95\x8C a "
      "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4",
      "\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80 go \xF0\x9F\x9A\x80\xF0\x9F\x8E\x89x\xF0\x9F\xA4\x9D",
      "e\xCC\x81" "e\xCC\x81" "e\xCC\x81" "e\xCC\x81" "e\xCC\x81" "e\xCC\x81 a\xCC\x80\xCC\xA7" "bc",
      "mixed \xCE\xB1\xE4\xBD\xA0" "b\xF0\x9F\x98\x80&<\xC3\xA9\\ end\r\nnext   line  \n\n  last ",
      "\xF0\xA0\x80\x8B\xF0\xA0\x80\x8B\xF0\xA0\x80\x8B \xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", /* U+2000B, Ａ */
  };
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
    for (int w = 0; w <= 14; w++) check_wrapped(texts[i], w);
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) check_wrapped(texts[i], 24);
}

/* ---- programs ---- */

/* A program with every relation the views draw: partners (one owns
 * nothing, one is a community owner), a council and a dimension (never
 * drawn), goals, outcomes at three horizons, outcome-only indicators (gi,
 * oi), activity metrics (m1, m2), and an activity that contributes to
 * nothing. */
#define MODEL                                                                                            \
  "charter \"Tc\" { vision \"v\" }\n"                                                                    \
  "partner pa \"P A\" { sector government, business; role funder }\n"                                    \
  "partner pb \"P B\" { sector business }\n"                                                             \
  "partner pc \"P C\" { sector community }\n"                                                            \
  "partner pd \"P D\" { sector nonprofit }\n"                                                            \
  "council c1 \"C1\" { members pa, pb }\n"                                                               \
  "dimension dm \"D\" { groups \"x\", \"y\" }\n"                                                         \
  "goal g1 \"G1\" { indicator gi }\n"                                                                    \
  "goal g2 \"G2\" {}\n"                                                                                  \
  "outcome o1 \"O1\" { horizon short; leads_to o2; indicator oi\n"                                       \
  "  assumption \"Employers & <staff> agree\"\n"                                                         \
  "  assumption \"Funding holds\" }\n"                                                                   \
  "outcome o2 \"O2\" { horizon intermediate; leads_to g1 }\n"                                            \
  "outcome o3 \"O3\" { horizon long; leads_to g2 }\n"                                                    \
  "indicator gi \"GI\" { unit \"x\" }\n"                                                                 \
  "indicator oi \"OI\" { unit \"x\" }\n"                                                                 \
  "indicator m1 \"M1\" { unit \"x\" }\n"                                                                 \
  "indicator m2 \"M2\" { unit \"x\" }\n"                                                                 \
  "activity a1 \"A1\" { owner pa; community_owner pc; contributes_to o1; metric m1\n"                    \
  "  budget 1234567.5 USD; start 2024-03; end 2027-12; status active }\n"                                \
  "activity a2 \"A2\" { owner pb; contributes_to o3, g1; metric m2 }\n"                                  \
  "activity a3 \"A3\" { owner pd }\n"                                                                    \
  "rule r \"R\" { require true }\n"

#define ALL_LOGIC "pa pb pc pd a1 a2 a3 m1 m2 o1 o2 o3 g1 g2"
#define ALL_LOGIC_EDGES                                                                                  \
  "pa>a1 pc>a1 a1>m1 a1>o1 pb>a2 a2>m2 a2>o3 a2>g1 pd>a3 o1>o2 o2>g1 o3>g2"

/* Loads text, which must have no errors. */
static Program *load_ok(const char *text) {
  Program *p = re_load(text);
  if (p->diags.nerrors) {
    re_dump(p);
    program_free(p);
    fail_msg("the program has errors");
  }
  return p;
}

/* The DOT of the view called name (the caller frees it). */
static char *dot_view(const Program *p, const char *name) {
  View v;
  if (!render_find_view(p, name, &v)) fail_msg("no view %s", name);
  Buf b = {0};
  render_dot(p, &v, &b);
  char *r = strdup(buf_str(&b));
  assert_non_null(r);
  buf_free(&b);
  if (!valid_utf8(r)) fail_msg("the DOT of %s is not valid UTF-8", name);
  return r;
}

/* ---- reading the DOT ---- */

typedef struct Words {
  char **w;
  int n, cap;
} Words;

static void words_add(Words *ws, const char *s, size_t n) {
  if (ws->n == ws->cap) {
    ws->cap = ws->cap ? 2 * ws->cap : 16;
    ws->w = realloc(ws->w, (size_t)ws->cap * sizeof *ws->w);
    assert_non_null(ws->w);
  }
  char *c = malloc(n + 1);
  assert_non_null(c);
  memcpy(c, s, n);
  c[n] = 0;
  ws->w[ws->n++] = c;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The words sorted and joined by spaces; frees them (the caller frees the
 * result). */
static char *words_join(Words *ws) {
  if (ws->n) qsort(ws->w, (size_t)ws->n, sizeof *ws->w, cmp_str);
  Buf b = {0};
  for (int i = 0; i < ws->n; i++) {
    if (i) buf_putc(&b, ' ');
    buf_puts(&b, ws->w[i]);
    free(ws->w[i]);
  }
  free(ws->w);
  char *r = strdup(buf_str(&b));
  buf_free(&b);
  return r;
}

/* "b a c" -> "a b c" */
static char *sorted(const char *spaced) {
  Words ws = {0};
  for (const char *s = spaced; *s;) {
    while (*s == ' ') s++;
    const char *e = s;
    while (*e && *e != ' ') e++;
    if (e > s) words_add(&ws, s, (size_t)(e - s));
    s = e;
  }
  return words_join(&ws);
}

/* The ids of the node lines, sorted. */
static char *dot_nodes(const char *dot) {
  Words ws = {0};
  for (const char *l = dot; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (strncmp(l, "    \"", 5) != 0) continue;
    const char *id = l + 5, *q = strchr(id, '"');
    if (q && strncmp(q, "\" [label=<", 10) == 0) words_add(&ws, id, (size_t)(q - id));
  }
  return words_join(&ws);
}

/* The edges "a>b", sorted, without the bands' invisible chain. */
static char *dot_edges(const char *dot) {
  Words ws = {0};
  for (const char *l = dot; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (strncmp(l, "  \"", 3) != 0 || strncmp(l, "  \"band ", 8) == 0) continue;
    const char *a = l + 3, *qa = strchr(a, '"');
    if (!qa || strncmp(qa, "\" -> \"", 6) != 0) continue;
    const char *b = qa + 6, *qb = strchr(b, '"');
    assert_non_null(qb);
    char tmp[600];
    int n = snprintf(tmp, sizeof tmp, "%.*s>%.*s", (int)(qa - a), a, (int)(qb - b), b);
    words_add(&ws, tmp, (size_t)n);
  }
  return words_join(&ws);
}

/* The edge line a -> b (the caller frees it), or NULL. */
static char *edge_line(const char *dot, const char *a, const char *b) {
  char pat[300];
  snprintf(pat, sizeof pat, "\n  \"%s\" -> \"%s\"", a, b);
  const char *s = strstr(dot, pat);
  if (!s) return NULL;
  s++;
  const char *e = strchr(s, '\n');
  return strndup(s, e ? (size_t)(e - s) : strlen(s));
}

static void expect_set(const char *what, const char *view, char *got, const char *want_spaced) {
  char *want = sorted(want_spaced);
  bool same = strcmp(got, want) == 0;
  if (!same)
    print_error("%s of %s:\n  got      %.600s\n  expected %.600s\n", what, view, got, want);
  free(want);
  free(got);
  if (!same) fail();
}

/* The view draws exactly these nodes and these edges ("a>b"). */
static void expect_view(const Program *p, const char *view, const char *nodes, const char *edges) {
  char *dot = dot_view(p, view);
  char *n = dot_nodes(dot), *e = dot_edges(dot);
  free(dot);
  expect_set("nodes", view, n, nodes);
  expect_set("edges", view, e, edges);
}

/* The same on a program loaded from text. */
static void expect_view_of(const char *text, const char *view, const char *nodes, const char *edges) {
  Program *p = load_ok(text);
  expect_view(p, view, nodes, edges);
  program_free(p);
}

/* ---- finding views ---- */

static void test_find_builtin_views(void **state) {
  (void)state;
  Program *p = load_ok(MODEL);
  static const char *const names[] = {"logic", "pathway", "accountability"};
  static const Diagram diagrams[] = {DG_LOGIC, DG_PATHWAY, DG_ACCOUNTABILITY};
  for (int i = 0; i < 3; i++) {
    View v = {"junk", p->decls.items[0], (Diagram)7, 0, 0, NULL};
    assert_true(render_find_view(p, names[i], &v));
    assert_string_equal(v.name, names[i]);
    assert_null(v.decl);
    assert_int_equal(v.diagram, diagrams[i]);
  }
  program_free(p);
}

static void test_find_declared_views(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view vl \"VL\" { focus g1 }\n"
                             "view vp \"VP\" { diagram pathway }\n"
                             "view va \"VA\" { diagram accountability }\n"
                             "view vg \"VG\" { diagram logic; exclude pd }\n");
  static const char *const names[] = {"vl", "vp", "va", "vg"};
  static const Diagram diagrams[] = {DG_LOGIC, DG_PATHWAY, DG_ACCOUNTABILITY, DG_LOGIC};
  for (int i = 0; i < 4; i++) {
    View v = {NULL, NULL, (Diagram)7, 0, 0, NULL};
    assert_true(render_find_view(p, names[i], &v));
    assert_string_equal(v.name, names[i]);
    assert_non_null(v.decl);
    assert_int_equal(v.decl->kind, D_VIEW);
    assert_string_equal(v.decl->id, names[i]);
    assert_int_equal(v.diagram, diagrams[i]);
  }
  program_free(p);
}

/* A declared view named like a built-in one takes its place; the other
 * built-ins stay. */
static void test_declared_view_shadows_builtin(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view logic \"Mine\" { diagram pathway }\n");
  View v;
  assert_true(render_find_view(p, "logic", &v));
  assert_non_null(v.decl);
  assert_string_equal(v.decl->id, "logic");
  assert_int_equal(v.diagram, DG_PATHWAY);
  assert_true(render_find_view(p, "pathway", &v));
  assert_null(v.decl);
  assert_int_equal(v.diagram, DG_PATHWAY);
  assert_true(render_find_view(p, "accountability", &v));
  assert_null(v.decl);
  assert_int_equal(v.diagram, DG_ACCOUNTABILITY);
  /* And it is what render_dot draws: outcomes and goals only. */
  expect_view(p, "logic", "o1 o2 o3 g1 g2", "o1>o2 o2>g1 o3>g2");
  char *dot = dot_view(p, "logic");
  assert_non_null(strstr(dot, "<B>Mine</B>"));
  free(dot);
  program_free(p);
}

static void test_find_unknown_view(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view vl \"VL\" { focus g1 }\n");
  View v = {"unchanged", NULL, DG_PATHWAY, 0, 0, NULL};
  assert_false(render_find_view(p, "nope", &v));
  assert_false(render_find_view(p, "", &v));
  assert_false(render_find_view(p, "Logic", &v));
  assert_false(render_find_view(p, "logic ", &v));
  assert_false(render_find_view(p, "vl2", &v));
  assert_false(render_find_view(p, "v", &v));
  /* Declarations that are not views are not views. */
  assert_false(render_find_view(p, "pa", &v));
  assert_false(render_find_view(p, "o1", &v));
  assert_false(render_find_view(p, "c1", &v));
  assert_false(render_find_view(p, "r", &v));
  program_free(p);
  /* A partner named like a built-in view does not hide it. */
  p = load_ok("charter \"T\" { vision \"v\" }\npartner pathway \"P\" { sector government }\n");
  assert_true(render_find_view(p, "pathway", &v));
  assert_null(v.decl);
  assert_int_equal(v.diagram, DG_PATHWAY);
  const char *names[8];
  assert_int_equal(render_view_names(p, names), 3);
  assert_string_equal(names[1], "pathway");
  program_free(p);
}

static void expect_names(const char *text, const char *want) {
  Program *p = load_ok(text);
  const char **names = calloc((size_t)p->decls.len + 3, sizeof *names);
  assert_non_null(names);
  int n = render_view_names(p, names);
  Buf b = {0};
  for (int i = 0; i < n; i++) {
    View v;
    if (!render_find_view(p, names[i], &v)) fail_msg("listed view %s is not found", names[i]);
    buf_printf(&b, "%s%s", i ? " " : "", names[i]);
  }
  bool same = strcmp(buf_str(&b), want) == 0;
  if (!same) print_error("view names \"%s\", expected \"%s\"\n", buf_str(&b), want);
  buf_free(&b);
  free(names);
  program_free(p);
  if (!same) fail();
}

static void test_view_names(void **state) {
  (void)state;
  expect_names(MODEL, "logic pathway accountability");
  /* Declared first, in declaration order (not sorted), then the built-ins. */
  expect_names(MODEL "view zz \"Z\" { diagram pathway }\nview aa \"A\" {}\nview mm \"M\" { focus g1 }\n",
               "zz aa mm logic pathway accountability");
  /* A shadowed built-in is listed once, where it was declared. */
  expect_names(MODEL "view zz \"Z\" {}\nview pathway \"P\" { diagram logic }\n",
               "zz pathway logic accountability");
  expect_names(MODEL "view accountability \"A\" {}\nview logic \"L\" {}\nview pathway \"P\" {}\n",
               "accountability logic pathway");
  /* Views declared between other declarations. */
  expect_names("charter \"T\" { vision \"v\" }\nview v1 \"1\" {}\npartner pa \"P\" { sector government }\n"
               "view v2 \"2\" { diagram accountability }\n",
               "v1 v2 logic pathway accountability");
}

/* ---- which nodes each diagram draws ---- */

/* Logic: partners, activities, activity metrics, outcomes and goals; not
 * outcome-only indicators, councils, dimensions, the charter, rules or
 * views. */
static void test_logic_without_focus(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view vl \"VL\" {}\n");
  expect_view(p, "logic", ALL_LOGIC, ALL_LOGIC_EDGES);
  expect_view(p, "vl", ALL_LOGIC, ALL_LOGIC_EDGES);
  program_free(p);
}

/* An indicator both an outcome's and an activity's is drawn, as an output;
 * one declared before its activity too. */
static void test_logic_metric_declared_anywhere(void **state) {
  (void)state;
  expect_view_of("charter \"T\" { vision \"v\" }\n"
                 "indicator early \"E\" { unit \"x\" }\n"
                 "outcome o \"O\" { horizon short; indicator early, late }\n"
                 "activity a \"A\" { contributes_to o; metric early, late }\n"
                 "indicator late \"L\" { unit \"x\" }\n"
                 "indicator lone \"N\" { unit \"x\" }\n",
                 "logic", "early late o a", "a>early a>late a>o");
}

static void test_pathway_without_focus(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view vp \"VP\" { diagram pathway }\n");
  expect_view(p, "pathway", "o1 o2 o3 g1 g2", "o1>o2 o2>g1 o3>g2");
  expect_view(p, "vp", "o1 o2 o3 g1 g2", "o1>o2 o2>g1 o3>g2");
  program_free(p);
}

static void test_accountability_without_focus(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view va \"VA\" { diagram accountability }\n");
  expect_view(p, "accountability", "pa pb pc pd a1 a2 a3", "pa>a1 pc>a1 pb>a2 pd>a3");
  expect_view(p, "va", "pa pb pc pd a1 a2 a3", "pa>a1 pc>a1 pb>a2 pd>a3");
  program_free(p);
}

/* Focus g1: g1, the outcomes leading to it (o2, and o1 through o2), the
 * activities contributing to any of them (a1 to o1, a2 to g1), their owners
 * and community owners (pa, pc, pb) and metrics (m1, m2). Not o3 and g2
 * (no path to g1) nor the edge a2 -> o3, not pd and a3. */
static void test_focus_each_diagram(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view fl \"FL\" { focus g1 }\n"
                             "view fp \"FP\" { diagram pathway; focus g1 }\n"
                             "view fa \"FA\" { diagram accountability; focus g1 }\n");
  expect_view(p, "fl", "pa pb pc a1 a2 m1 m2 o1 o2 g1",
              "pa>a1 pc>a1 a1>m1 a1>o1 pb>a2 a2>m2 a2>g1 o1>o2 o2>g1");
  expect_view(p, "fp", "o1 o2 g1", "o1>o2 o2>g1");
  expect_view(p, "fa", "pa pb pc a1 a2", "pa>a1 pc>a1 pb>a2");
  char *dot = dot_view(p, "fl");
  assert_non_null(strstr(dot, "focus: G1"));
  free(dot);
  program_free(p);
}

/* Focus takes what leads to the focus, not what it leads to. */
static void test_focus_is_upstream_only(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view f2 \"F\" { focus o2 }\n"
                             "view f1 \"F\" { diagram pathway; focus o1 }\n"
                             "view f3 \"F\" { diagram accountability; focus o3 }\n");
  expect_view(p, "f2", "pa pc a1 m1 o1 o2", "pa>a1 pc>a1 a1>m1 a1>o1 o1>o2");
  expect_view(p, "f1", "o1", "");
  expect_view(p, "f3", "pb a2", "pb>a2");
  program_free(p);
}

/* Several focus nodes: the union; an activity is in once, with the edges
 * to what is drawn. */
static void test_focus_several(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view fs \"F\" { focus o1, o3 }\n"
                             "view fg \"F\" { diagram pathway; focus g2, o2 }\n");
  expect_view(p, "fs", "pa pb pc a1 a2 m1 m2 o1 o3", "pa>a1 pc>a1 a1>m1 a1>o1 pb>a2 a2>m2 a2>o3");
  expect_view(p, "fg", "o1 o2 o3 g2", "o1>o2 o3>g2");
  program_free(p);
}

/* Focus on a goal nothing leads to: the goal alone, and activities
 * contributing to it directly. */
static void test_focus_on_isolated_goal(void **state) {
  (void)state;
  expect_view_of("charter \"T\" { vision \"v\" }\n"
                 "partner pa \"P\" { sector government }\n"
                 "goal g \"G\" {}\ngoal h \"H\" {}\n"
                 "activity a \"A\" { owner pa; contributes_to g }\n"
                 "activity b \"B\" { owner pa; contributes_to h }\n"
                 "view v \"V\" { focus g }\n",
                 "v", "pa a g", "pa>a a>g");
}

/* d0 leads to d1 and d2, both to d3, d3 to gd; x leads to d2 too. */
#define DIAMOND                                                                                          \
  "charter \"T\" { vision \"v\" }\n"                                                                     \
  "partner pa \"P\" { sector government }\n"                                                             \
  "goal gd \"GD\" {}\n"                                                                                  \
  "outcome d0 \"D0\" { horizon short; leads_to d1, d2 }\n"                                               \
  "outcome d1 \"D1\" { horizon intermediate; leads_to d3 }\n"                                            \
  "outcome d2 \"D2\" { horizon intermediate; leads_to d3 }\n"                                            \
  "outcome d3 \"D3\" { horizon long; leads_to gd }\n"                                                    \
  "outcome x \"X\" { horizon short; leads_to d2 }\n"                                                     \
  "activity a \"A\" { owner pa; contributes_to d0 }\n"                                                   \
  "view vg \"V\" { diagram pathway; focus gd }\n"                                                        \
  "view v3 \"V\" { diagram pathway; focus d3 }\n"                                                        \
  "view v1 \"V\" { diagram pathway; focus d1 }\n"                                                        \
  "view v2 \"V\" { diagram pathway; focus d2 }\n"                                                        \
  "view vx \"V\" { diagram pathway; focus x }\n"                                                         \
  "view la \"V\" { focus d3 }\n"

static void test_focus_diamond(void **state) {
  (void)state;
  Program *p = load_ok(DIAMOND);
  expect_view(p, "vg", "d0 d1 d2 d3 x gd", "d0>d1 d0>d2 d1>d3 d2>d3 d3>gd x>d2");
  expect_view(p, "v3", "d0 d1 d2 d3 x", "d0>d1 d0>d2 d1>d3 d2>d3 x>d2");
  expect_view(p, "v1", "d0 d1", "d0>d1");
  expect_view(p, "v2", "d0 d2 x", "d0>d2 x>d2");
  expect_view(p, "vx", "x", "");
  /* The activity at the top of both paths is drawn once. */
  expect_view(p, "la", "pa a d0 d1 d2 d3 x", "pa>a a>d0 d0>d1 d0>d2 d1>d3 d2>d3 x>d2");
  program_free(p);
}

/* leads_to cycles are errors, so no view ever meets one. */
static void test_leads_to_cycle_is_an_error(void **state) {
  (void)state;
  const char *text = "charter \"T\" { vision \"v\" }\n"
                     "outcome o1 \"O1\" { horizon short; leads_to o2 }\n"
                     "outcome o2 \"O2\" { horizon short; leads_to o1 }\n"
                     "view v \"V\" { focus o1 }\n";
  Program *p = re_load(text);
  assert_true(p->diags.nerrors > 0);
  assert_true(diags_count(&p->diags, "cycle") > 0);
  program_free(p);
}

/* A chain of n outcomes o0 -> o1 -> ... -> o(n-1), declared last first, an
 * activity on o0, and views focused on the last and on the middle one. */
static char *chain_text(int n) {
  Buf b = {0};
  buf_puts(&b, "charter \"T\" { vision \"v\" }\npartner pa \"P\" { sector government }\n");
  for (int i = n - 1; i >= 0; i--) {
    buf_printf(&b, "outcome o%d \"O%d\" { horizon short", i, i);
    if (i + 1 < n) buf_printf(&b, "; leads_to o%d", i + 1);
    buf_puts(&b, " }\n");
  }
  buf_puts(&b, "activity a \"A\" { owner pa; contributes_to o0 }\n");
  buf_printf(&b, "view last \"L\" { diagram pathway; focus o%d }\n", n - 1);
  buf_printf(&b, "view mid \"M\" { diagram pathway; focus o%d }\n", n / 2);
  buf_printf(&b, "view lastl \"LL\" { focus o%d }\n", n - 1);
  char *r = strdup(buf_str(&b));
  buf_free(&b);
  return r;
}

static void test_focus_deep_chain(void **state) {
  (void)state;
  enum { N = 5000 };
  char *text = chain_text(N);
  Program *p = load_ok(text);
  free(text);
  Buf nodes = {0}, edges = {0};
  for (int i = 0; i < N; i++) {
    buf_printf(&nodes, " o%d", i);
    if (i + 1 < N) buf_printf(&edges, " o%d>o%d", i, i + 1);
  }
  expect_view(p, "last", buf_str(&nodes), buf_str(&edges));
  Buf ln = {0}, le = {0};
  buf_printf(&ln, "pa a%s", buf_str(&nodes));
  buf_printf(&le, "pa>a a>o0%s", buf_str(&edges));
  expect_view(p, "lastl", buf_str(&ln), buf_str(&le));
  expect_view(p, "pathway", buf_str(&nodes), buf_str(&edges));
  buf_free(&nodes);
  buf_free(&edges);
  buf_free(&ln);
  buf_free(&le);
  /* The middle: o0 .. o(N/2) only. */
  Buf mn = {0}, me = {0};
  for (int i = 0; i <= N / 2; i++) {
    buf_printf(&mn, " o%d", i);
    if (i < N / 2) buf_printf(&me, " o%d>o%d", i, i + 1);
  }
  expect_view(p, "mid", buf_str(&mn), buf_str(&me));
  buf_free(&mn);
  buf_free(&me);
  program_free(p);
}

/* Many outcomes leading to one goal, each with its own activity. */
static void test_focus_wide_fan_in(void **state) {
  (void)state;
  enum { N = 2000 };
  Buf t = {0}, nodes = {0}, edges = {0};
  buf_puts(&t, "charter \"T\" { vision \"v\" }\ngoal g \"G\" {}\ngoal h \"H\" {}\n"
               "partner pa \"P\" { sector government }\n");
  buf_puts(&nodes, "g pa");
  for (int i = 0; i < N; i++) {
    buf_printf(&t, "outcome o%d \"O\" { horizon short; leads_to %s }\n", i, i % 2 ? "g" : "h");
    buf_printf(&t, "activity a%d \"A\" { owner pa; contributes_to o%d }\n", i, i);
    if (i % 2) {
      buf_printf(&nodes, " o%d a%d", i, i);
      buf_printf(&edges, " o%d>g a%d>o%d pa>a%d", i, i, i, i);
    }
  }
  buf_puts(&t, "view v \"V\" { focus g }\n");
  Program *p = load_ok(buf_str(&t));
  expect_view(p, "v", buf_str(&nodes), buf_str(&edges));
  program_free(p);
  buf_free(&t);
  buf_free(&nodes);
  buf_free(&edges);
}

/* ---- exclude ---- */

/* Excluded nodes go with their edges; nothing bridges the gap (o1 does
 * not get an edge to g1 when o2 is left out). */
static void test_exclude_without_focus(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view x1 \"X\" { exclude o2, pb, m1 }\n"
                             "view x2 \"X\" { diagram pathway; exclude o2 }\n"
                             "view x3 \"X\" { diagram accountability; exclude a1, pd }\n"
                             "view x4 \"X\" { exclude c1, gi }\n");
  expect_view(p, "x1", "pa pc pd a1 a2 a3 m2 o1 o3 g1 g2",
              "pa>a1 pc>a1 a1>o1 a2>m2 a2>o3 a2>g1 pd>a3 o3>g2");
  expect_view(p, "x2", "o1 o3 g1 g2", "o3>g2");
  /* The owners of an excluded activity stay, unlinked. */
  expect_view(p, "x3", "pa pb pc a2 a3", "pb>a2");
  /* Excluding what the diagram does not draw changes nothing. */
  expect_view(p, "x4", ALL_LOGIC, ALL_LOGIC_EDGES);
  program_free(p);
}

/* With focus, the nodes are chosen on the whole model first: what leads to
 * the focus through an excluded outcome stays, unlinked; an excluded focus
 * node goes but what it drew in stays. */
static void test_exclude_with_focus(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view y1 \"Y\" { focus g1; exclude o2 }\n"
                             "view y2 \"Y\" { focus g1; exclude g1, a1 }\n"
                             "view y3 \"Y\" { diagram pathway; focus g1; exclude o2 }\n"
                             "view y4 \"Y\" { diagram accountability; focus g1; exclude pc, a2 }\n");
  expect_view(p, "y1", "pa pb pc a1 a2 m1 m2 o1 g1", "pa>a1 pc>a1 a1>m1 a1>o1 pb>a2 a2>m2 a2>g1");
  expect_view(p, "y2", "pa pb pc a2 m1 m2 o1 o2", "pb>a2 a2>m2 o1>o2");
  expect_view(p, "y3", "o1 g1", "");
  expect_view(p, "y4", "pa pb a1", "pa>a1");
  program_free(p);
}

/* ---- edges ---- */

/* Each relation drawn in its direction, in the diagrams that draw it. */
static void test_edge_directions(void **state) {
  (void)state;
  Program *p = load_ok(MODEL);
  char *logic = dot_view(p, "logic"), *acc = dot_view(p, "accountability"), *path = dot_view(p, "pathway");
  static const char *const forward[][2] = {{"pa", "a1"}, {"pc", "a1"}, {"a1", "m1"}, {"a1", "o1"}, {"o1", "o2"}};
  for (size_t i = 0; i < sizeof forward / sizeof *forward; i++) {
    char *l = edge_line(logic, forward[i][0], forward[i][1]);
    char *r = edge_line(logic, forward[i][1], forward[i][0]);
    if (!l || r) fail_msg("logic: want %s -> %s, not the reverse", forward[i][0], forward[i][1]);
    free(l);
    free(r);
  }
  /* Community ownership is drawn unlike ownership, in both diagrams. */
  for (int k = 0; k < 2; k++) {
    const char *dot = k ? acc : logic;
    char *own = edge_line(dot, "pa", "a1"), *com = edge_line(dot, "pc", "a1");
    assert_non_null(own);
    assert_non_null(com);
    const char *ao = strchr(own, '['), *ac = strchr(com, '[');
    assert_non_null(ao);
    assert_non_null(ac);
    assert_string_not_equal(ao, ac);
    free(own);
    free(com);
    /* And the community owner's node is styled apart from the others. */
    char *pc = node_line(dot, "pc"), *pa = node_line(dot, "pa");
    assert_non_null(pc);
    assert_non_null(pa);
    assert_non_null(strstr(pc, ">, fillcolor="));
    assert_null(strstr(pa, ">, fillcolor="));
    free(pc);
    free(pa);
  }
  free(logic);
  free(acc);
  free(path);
  program_free(p);
}

/* ---- captions and texts ---- */

static void test_assumptions_only_in_pathway(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view fl \"F\" { focus g1 }\nview fp \"F\" { diagram pathway; focus o1 }\n");
  char *path = dot_view(p, "pathway"), *fp = dot_view(p, "fp");
  for (int k = 0; k < 2; k++) {
    char *o1 = node_line(k ? fp : path, "o1");
    assert_non_null(o1);
    assert_non_null(strstr(o1, "Employers &amp; &lt;staff&gt; agree"));
    assert_non_null(strstr(o1, "Funding holds"));
    assert_true(strstr(o1, "Employers") < strstr(o1, "Funding"));
    free(o1);
  }
  /* Outcomes without assumptions have none. */
  char *o2 = node_line(path, "o2");
  assert_non_null(o2);
  assert_null(strstr(o2, "<TABLE"));
  free(o2);
  free(path);
  free(fp);
  static const char *const others[] = {"logic", "accountability", "fl"};
  for (int k = 0; k < 3; k++) {
    char *dot = dot_view(p, others[k]);
    if (strstr(dot, "Employers") || strstr(dot, "Funding holds"))
      fail_msg("assumption text in the %s view", others[k]);
    free(dot);
  }
  program_free(p);
}

/* Nodes no arrow touches go to the "Not yet connected" band (the last), in
 * declaration order after its heading, each in its kind's style; a view
 * with no arrow at all keeps every node in its band. */
static void test_unconnected_band(void **state) {
  (void)state;
  Program *p = load_ok("charter \"C\" {}\n"
                       "partner city \"City\" { sector government }\n"
                       "partner idle \"Idle\" { sector philanthropy }\n"
                       "goal fed \"Fed\" {}\n"
                       "goal housed \"Housed\" {}\n"
                       "activity meals \"Meals\" { owner city; contributes_to fed }\n");
  char *logic = dot_view(p, "logic");
  assert_non_null(strstr(logic, "label=<<B>Not yet connected</B>>"));
  assert_non_null(strstr(logic, "{rank=same; \"band 7\"; \"idle\"; \"housed\";}"));
  assert_non_null(strstr(logic, "{rank=same; \"band 0\"; \"city\";}"));
  assert_non_null(strstr(logic, "{rank=same; \"band 6\"; \"fed\";}"));
  assert_non_null(strstr(logic, "\"band 7\" -> \"idle\" -> \"housed\" [style=invis];"));
  char *housed = node_line(logic, "housed");
  assert_non_null(housed);
  assert_non_null(strstr(housed, "fillcolor=\"#24476B\""));
  free(housed);
  free(logic);
  char *acc = dot_view(p, "accountability");
  assert_non_null(strstr(acc, "{rank=same; \"band 2\"; \"idle\";}"));
  free(acc);
  char *path = dot_view(p, "pathway"); /* no leads_to: no arrow, no band */
  assert_null(strstr(path, "Not yet connected"));
  free(path);
  program_free(p);
}

/* The smallest text a DOT sets, for render --page's warning, and the
 * declarations its help names to split a view. */
static void test_page_helpers(void **state) {
  (void)state;
  assert_true(render_smallest_text("a [fontsize=13]; b [label=<<FONT POINT-SIZE=\"9\">x</FONT>>]") == 9);
  assert_true(render_smallest_text("digraph { a }") == 0);
  Program *p = load_ok("charter \"C\" {}\n"
                       "goal g1 \"G1\" {}\n"
                       "goal g2 \"G2\" {}\n"
                       "outcome o1 \"O1\" { horizon short; leads_to g1 }\n"
                       "view one \"One\" { focus g1 }\n");
  View v;
  const Decl *parts[4];
  assert_true(render_find_view(p, "logic", &v));
  assert_int_equal(render_split_suggestions(p, &v, parts, 4), 2);
  assert_string_equal(parts[0]->id, "g1");
  assert_string_equal(parts[1]->id, "g2");
  assert_int_equal(render_split_suggestions(p, &v, parts, 1), 1);
  assert_true(render_find_view(p, "one", &v)); /* one goal: its outcomes */
  assert_int_equal(render_split_suggestions(p, &v, parts, 4), 1);
  assert_string_equal(parts[0]->id, "o1");
  /* a page's size in the DOT */
  v.fit_width = 10;
  v.fit_height = 7.5;
  Buf b = {0};
  render_dot(p, &v, &b);
  assert_non_null(strstr(buf_str(&b), "  graph [size=\"10.00,7.50\"];\n"));
  buf_free(&b);
  program_free(p);
}

static void test_no_community_owner_caption(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view fa \"F\" { diagram accountability; focus g1 }\n");
  char *acc = dot_view(p, "accountability");
  char *a1 = node_line(acc, "a1"), *a2 = node_line(acc, "a2"), *a3 = node_line(acc, "a3");
  assert_non_null(a1);
  assert_non_null(a2);
  assert_non_null(a3);
  assert_null(strstr(a1, "no community owner"));
  assert_non_null(strstr(a2, "no community owner"));
  assert_non_null(strstr(a3, "no community owner"));
  /* The warning is drawn apart from an ordinary caption. */
  const char *f1 = strstr(a1, "<FONT"), *f2 = strstr(a2, "<FONT");
  assert_non_null(f1);
  assert_non_null(f2);
  assert_false(strncmp(f1, f2, (size_t)(strchr(f2, '>') - f2)) == 0);
  free(a1);
  free(a2);
  free(a3);
  assert_int_equal(strstr(acc, "no community owner") != NULL, 1);
  free(acc);
  char *fa = dot_view(p, "fa");
  char *fa2 = node_line(fa, "a2");
  assert_non_null(fa2);
  assert_non_null(strstr(fa2, "no community owner"));
  free(fa2);
  free(fa);
  static const char *const others[] = {"logic", "pathway"};
  for (int k = 0; k < 2; k++) {
    char *dot = dot_view(p, others[k]);
    if (strstr(dot, "no community owner")) fail_msg("\"no community owner\" in the %s view", others[k]);
    free(dot);
  }
  program_free(p);
}

/* The label of id in view is want (the text between label=< and >). */
static void expect_label(const char *dot, const char *id, const char *want) {
  char *line = node_line(dot, id);
  if (!line) fail_msg("no node %s", id);
  const char *s = strstr(line, "[label=<") + 8;
  const char *e = strstr(s, ">];");
  const char *e2 = strstr(s, ">, ");
  if (e2 && (!e || e2 < e)) e = e2;
  assert_non_null(e);
  bool same = strlen(want) == (size_t)(e - s) && strncmp(s, want, (size_t)(e - s)) == 0;
  if (!same) print_error("label of %s:\n  got      %.*s\n  expected %s\n", id, (int)(e - s), s, want);
  free(line);
  if (!same) fail();
}

#define CAP "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"#6B7280\">"
#define WARN "<BR/><FONT POINT-SIZE=\"9\" COLOR=\"#B91C1C\">"
#define MID " \xC2\xB7 " /* " · " */

static void test_partner_caption(void **state) {
  (void)state;
  Program *p = load_ok("charter \"T\" { vision \"v\" }\n"
                       "partner p1 \"One\" { sector government, business; role funder }\n"
                       "partner p2 \"Two\" { sector community }\n"
                       "partner p3 \"Three\" { sector nonprofit; role backbone, funder }\n"
                       "partner p4 \"Four\" { sector nonprofit, community; role backbone, funder }\n");
  for (int k = 0; k < 2; k++) {
    char *dot = dot_view(p, k ? "accountability" : "logic");
    expect_label(dot, "p1", "One" CAP "government, business" MID "funder</FONT>");
    expect_label(dot, "p2", "Two" CAP "community</FONT>");
    expect_label(dot, "p3", "Three" CAP "nonprofit" MID "backbone, funder</FONT>");
    /* Longer than 32 columns: wrapped. */
    expect_label(dot, "p4", "Four" CAP "nonprofit, community" MID "backbone,<BR/>funder</FONT>");
    free(dot);
  }
  program_free(p);
}

static void test_activity_caption(void **state) {
  (void)state;
  Program *p = load_ok("charter \"T\" { vision \"v\" }\n"
                       "partner pc \"C\" { sector community }\n"
                       "activity a1 \"A1\" { community_owner pc; budget 1234567.5 USD; start 2024-03; end 2027-12;"
                       " status active }\n"
                       "activity a2 \"A2\" { community_owner pc; budget 250000 EUR }\n"
                       "activity a3 \"A3\" { community_owner pc; budget 999 USD; start 2024-Q2 }\n"
                       "activity a4 \"A4\" { community_owner pc; end 2030; status planned }\n"
                       "activity a5 \"A5\" { community_owner pc; budget 0.5 USD }\n"
                       "activity a6 \"A6\" { community_owner pc; budget 1000 USD; status done }\n"
                       "activity a7 \"A7\" { community_owner pc; budget 999999999999999 USD }\n"
                       "activity a8 \"A8\" { community_owner pc; budget 1234.567 USD }\n"
                       "activity a9 \"A9\" { community_owner pc; budget 100000.25 USD; start 2024-03-15 }\n"
                       "activity b1 \"B1\" { community_owner pc }\n"
                       "activity b2 \"B2\" { budget 12345 USD }\n");
  char *dot = dot_view(p, "accountability");
  expect_label(dot, "a1", "A1" CAP "active" MID "2024-03 to 2027-12<BR/>1,234,567.50 USD</FONT>");
  expect_label(dot, "a2", "A2" CAP "250,000 EUR</FONT>");
  expect_label(dot, "a3", "A3" CAP "from 2024-Q2<BR/>999 USD</FONT>");
  expect_label(dot, "a4", "A4" CAP "planned" MID "until 2030</FONT>");
  expect_label(dot, "a5", "A5" CAP "0.50 USD</FONT>");
  expect_label(dot, "a6", "A6" CAP "done<BR/>1,000 USD</FONT>");
  expect_label(dot, "a7", "A7" CAP "999,999,999,999,999 USD</FONT>");
  expect_label(dot, "a8", "A8" CAP "1,234.567 USD</FONT>"); /* finer than cents: as written */
  expect_label(dot, "a9", "A9" CAP "from 2024-03-15<BR/>100,000.25 USD</FONT>");
  expect_label(dot, "b1", "B1");
  expect_label(dot, "b2", "B2" WARN "12,345 USD<BR/>no community owner</FONT>");
  free(dot);
  /* The logic model gives activities no caption. */
  dot = dot_view(p, "logic");
  expect_label(dot, "a1", "A1");
  expect_label(dot, "b2", "B2");
  free(dot);
  program_free(p);
}

/* Regression: a budget with cents shows two decimals (2.5 USD is
 * "2.50 USD"), but put_budget tested for cents with a * 100 ==
 * floor(a * 100), which fails in binary floating point for most amounts
 * (1.1 * 100 is 110.00000000000001), so they lost their second decimal;
 * and an amount finer than 6 decimals was printed "%.6f" with the zeros
 * stripped, leaving "0." and "5.". */
static void test_activity_caption_budget_decimals(void **state) {
  (void)state;
  Program *p = load_ok("charter \"T\" { vision \"v\" }\n"
                       "partner pc \"C\" { sector community }\n"
                       "activity a1 \"A1\" { community_owner pc; budget 2.5 USD }\n"
                       "activity a2 \"A2\" { community_owner pc; budget 0.125 USD }\n"
                       "activity a3 \"A3\" { community_owner pc; budget 1.1 USD }\n"
                       "activity a4 \"A4\" { community_owner pc; budget 1234567.1 USD }\n"
                       "activity a5 \"A5\" { community_owner pc; budget 0.0000001 USD }\n"
                       "activity a6 \"A6\" { community_owner pc; budget 5.0000001 USD }\n");
  char *dot = dot_view(p, "accountability");
  program_free(p);
  expect_label(dot, "a1", "A1" CAP "2.50 USD</FONT>");
  expect_label(dot, "a2", "A2" CAP "0.125 USD</FONT>");
  bool bad = false;
  /* Amounts finer than 6 decimals: never a bare point, never zero. */
  for (int k = 5; k <= 6; k++) {
    char id[16];
    snprintf(id, sizeof id, "a%d", k);
    char *line = node_line(dot, id);
    assert_non_null(line);
    if (strstr(line, ". USD") || strstr(line, ">0 USD") || strstr(line, ">0.000000 USD")) {
      print_error("budget of %s: %s\n", id, line);
      bad = true;
    }
    free(line);
  }
  /* Cents: two decimals, like 2.50. */
  char *a3 = node_line(dot, "a3"), *a4 = node_line(dot, "a4");
  assert_non_null(a3);
  assert_non_null(a4);
  if (!strstr(a3, ">1.10 USD<")) {
    print_error("1.1 USD gives %s\n", a3);
    bad = true;
  }
  if (!strstr(a4, ">1,234,567.10 USD<")) {
    print_error("1234567.1 USD gives %s\n", a4);
    bad = true;
  }
  free(a3);
  free(a4);
  free(dot);
  if (bad) fail();
}

/* Titles are label text: escaped, backslashes doubled, wrapped at 24
 * columns; goals in bold; an empty title shows the id. */
static void test_titles_in_labels(void **state) {
  (void)state;
  Program *p = load_ok("charter \"Us & \\\"Them\\\" <co>\" { vision \"v\" }\n"
                       "partner pa \"Smith & \\\"Sons\\\" <Co> \\\\N\" { sector government }\n"
                       "outcome o1 \"Participants finish job-readiness training\" { horizon short; leads_to g }\n"
                       "outcome o2 \"\" { horizon short }\n"
                       "goal g \"\xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x8E\x89 \xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7\" {}\n"
                       "view v \"View <1> & \\\\G\" { focus g }\n");
  char *dot = dot_view(p, "logic");
  expect_label(dot, "pa", "Smith &amp; &quot;Sons&quot; &lt;Co&gt; \\\\N" CAP "government</FONT>");
  expect_label(dot, "o1", "Participants finish<BR/>job-readiness training");
  expect_label(dot, "o2", "o2");
  expect_label(dot, "g", "<B>\xE4\xBD\xA0\xE5\xA5\xBD \xF0\x9F\x8E\x89 \xCE\x9A\xCE\xB1\xCE\xBB\xCE\xB7</B>");
  assert_non_null(strstr(dot, "<B>Us &amp; &quot;Them&quot; &lt;co&gt;</B>"));
  free(dot);
  dot = dot_view(p, "v");
  assert_non_null(strstr(dot, "<B>View &lt;1&gt; &amp; \\\\G</B>"));
  assert_null(strstr(dot, "<co>"));
  free(dot);
  program_free(p);
}

/* ---- the layout budget's count (render_size) ---- */

/* How many words a space-separated list has. */
static long count_words(const char *s) {
  long n = 0;
  while (*s) {
    while (*s == ' ') s++;
    if (!*s) break;
    n++;
    while (*s && *s != ' ') s++;
  }
  return n;
}

/* render_size counts the node and edge lines render_dot writes. */
static void expect_size_of_dot(const Program *p, const char *view) {
  View v;
  assert_true(render_find_view(p, view, &v));
  char *dot = dot_view(p, view);
  char *n = dot_nodes(dot), *e = dot_edges(dot);
  RenderSize size = render_size(p, &v);
  if (size.nodes != count_words(n) || size.edges != count_words(e))
    print_error("%s: render_size %ld nodes, %ld edges; the DOT %ld, %ld\n", view, size.nodes, size.edges,
                count_words(n), count_words(e));
  bool same = size.nodes == count_words(n) && size.edges == count_words(e);
  free(dot);
  free(n);
  free(e);
  if (!same) fail();
}

static void test_render_size_matches_dot(void **state) {
  (void)state;
  Program *p = load_ok(MODEL "view fl \"F\" { focus g1; exclude pb }\n"
                             "view fp \"F\" { diagram pathway; focus g1, g2 }\n"
                             "view fa \"F\" { diagram accountability; exclude a3 }\n"
                             "view fx \"F\" { exclude o2, pa }\n");
  static const char *const views[] = {"logic", "pathway", "accountability", "fl", "fp", "fa", "fx"};
  for (size_t i = 0; i < sizeof views / sizeof *views; i++) expect_size_of_dot(p, views[i]);
  View v;
  assert_true(render_find_view(p, "logic", &v));
  RenderSize size = render_size(p, &v);
  assert_int_equal(size.nodes, count_words(ALL_LOGIC));
  assert_int_equal(size.edges, count_words(ALL_LOGIC_EDGES));
  program_free(p);
}

/* A list naming a declaration again draws one arrow, and the count agrees. */
static void test_render_size_repeated_references(void **state) {
  (void)state;
  const char *text = MODEL "activity a4 \"A4\" { owner pa, pd, pa; contributes_to o1, o2, o1, o1, o2; metric m1, m1 }\n"
                           "view fr \"F\" { focus g1, g1, o2, g1 }\n";
  expect_view_of(text, "logic", ALL_LOGIC " a4", ALL_LOGIC_EDGES " pa>a4 pd>a4 a4>o1 a4>o2 a4>m1");
  Program *p = load_ok(text);
  expect_size_of_dot(p, "logic");
  expect_size_of_dot(p, "fr");
  char *dot = dot_view(p, "fr");
  assert_non_null(strstr(dot, "focus: G1; O2<"));
  free(dot);
  program_free(p);
}

/* ---- determinism ---- */

static void test_render_deterministic(void **state) {
  (void)state;
  const char *text = MODEL "view fl \"F\" { focus g1; exclude pb }\n"
                           "view fp \"F\" { diagram pathway; focus g1, g2 }\n"
                           "view fa \"F\" { diagram accountability; exclude a3 }\n";
  static const char *const views[] = {"logic", "pathway", "accountability", "fl", "fp", "fa"};
  Program *p = load_ok(text), *q = load_ok(text);
  for (size_t i = 0; i < sizeof views / sizeof *views; i++) {
    View v;
    assert_true(render_find_view(p, views[i], &v));
    Buf a = {0}, b = {0}, c = {0};
    render_dot(p, &v, &a);
    render_dot(p, &v, &b);
    View w;
    assert_true(render_find_view(q, views[i], &w));
    render_dot(q, &w, &c);
    assert_true(a.len > 0);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    assert_int_equal(a.len, c.len);
    assert_memory_equal(a.data, c.data, a.len);
    /* Appends to what the buffer holds. */
    Buf d = {0};
    buf_puts(&d, "prefix\n");
    render_dot(p, &v, &d);
    assert_int_equal(d.len, a.len + 7);
    assert_memory_equal(d.data + 7, a.data, a.len);
    buf_free(&a);
    buf_free(&b);
    buf_free(&c);
    buf_free(&d);
  }
  program_free(p);
  program_free(q);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_html_markup_becomes_entities),
      cmocka_unit_test(test_html_backslash_doubled),
      cmocka_unit_test(test_html_line_ends),
      cmocka_unit_test(test_html_controls_become_a_space),
      cmocka_unit_test(test_html_noncharacters_become_replacement),
      cmocka_unit_test(test_html_stray_bytes_give_valid_utf8),
      cmocka_unit_test(test_html_non_latin_unchanged),
      cmocka_unit_test(test_html_wrap_greedy),
      cmocka_unit_test(test_html_wrap_counts_columns_not_bytes),
      cmocka_unit_test(test_html_wrap_cuts_long_words),
      cmocka_unit_test(test_html_wrap_wide_characters),
      cmocka_unit_test(test_html_wrap_combining_marks),
      cmocka_unit_test(test_html_wrap_marks_of_other_scripts_take_no_column),
      cmocka_unit_test(test_html_wrap_bmp_emoji_take_two_columns),
    cmocka_unit_test(test_html_wrap_emoji_sequences_stay_whole),
      cmocka_unit_test(test_html_width_zero_does_not_wrap),
      cmocka_unit_test(test_html_spaces),
      cmocka_unit_test(test_html_wrap_properties),
      cmocka_unit_test(test_find_builtin_views),
      cmocka_unit_test(test_find_declared_views),
      cmocka_unit_test(test_declared_view_shadows_builtin),
      cmocka_unit_test(test_find_unknown_view),
      cmocka_unit_test(test_view_names),
      cmocka_unit_test(test_logic_without_focus),
      cmocka_unit_test(test_logic_metric_declared_anywhere),
      cmocka_unit_test(test_pathway_without_focus),
      cmocka_unit_test(test_accountability_without_focus),
      cmocka_unit_test(test_focus_each_diagram),
      cmocka_unit_test(test_focus_is_upstream_only),
      cmocka_unit_test(test_focus_several),
      cmocka_unit_test(test_focus_on_isolated_goal),
      cmocka_unit_test(test_focus_diamond),
      cmocka_unit_test(test_leads_to_cycle_is_an_error),
      cmocka_unit_test(test_focus_deep_chain),
      cmocka_unit_test(test_focus_wide_fan_in),
      cmocka_unit_test(test_exclude_without_focus),
      cmocka_unit_test(test_exclude_with_focus),
      cmocka_unit_test(test_edge_directions),
      cmocka_unit_test(test_assumptions_only_in_pathway),
      cmocka_unit_test(test_no_community_owner_caption),
      cmocka_unit_test(test_unconnected_band),
      cmocka_unit_test(test_page_helpers),
      cmocka_unit_test(test_partner_caption),
      cmocka_unit_test(test_activity_caption),
      cmocka_unit_test(test_activity_caption_budget_decimals),
      cmocka_unit_test(test_titles_in_labels),
      cmocka_unit_test(test_render_size_matches_dot),
      cmocka_unit_test(test_render_size_repeated_references),
      cmocka_unit_test(test_render_deterministic),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
