/* The neutralisers of lang/escape.c, one sink at a time: plain ASCII passes
 * unchanged; C0, DEL, C1, bidi controls and invalid UTF-8 never pass raw. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "escape.h"

/* The hostile strings every sink sees. */
#define ESC "\x1b"
#define CSI_C1 "\xc2\x9b"  /* U+009B */
#define RLO "\xe2\x80\xae" /* U+202E */
#define LRI "\xe2\x81\xa6" /* U+2066 */
#define ALM "\xd8\x9c"     /* U+061C */

static char *term(const char *s, unsigned keep) {
  static char out[512];
  Buf b = {0};
  esc_term(&b, s, strlen(s), keep);
  snprintf(out, sizeof out, "%s", buf_str(&b));
  buf_free(&b);
  return out;
}

static void test_term_plain(void **state) {
  (void)state;
  const char *plain = "path/to/file.charter:3:4: error: 100% of 'x' [rule] ~^";
  assert_string_equal(term(plain, 0), plain);
  assert_string_equal(term("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 0), "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  assert_string_equal(term("", 0), "");
}

static void test_term_controls(void **state) {
  (void)state;
  assert_string_equal(term("a" ESC "[31mb", 0), "a\\x1B[31mb");
  assert_string_equal(term("a\nb\tc\rd\x7f", 0), "a\\nb\\x09c\\x0Dd\\x7F");
  assert_string_equal(term("a\nb\tc", ESC_KEEP_NL | ESC_KEEP_TAB), "a\nb\tc");
  assert_string_equal(term("a\r\nb\rc", ESC_KEEP_NL | ESC_KEEP_CRLF), "a\r\nb\\x0Dc");
  assert_string_equal(term("x" CSI_C1 "2J" RLO "y" LRI ALM, 0), "x\\u009B2J\\u202Ey\\u2066\\u061C");
  assert_string_equal(term("\xe2\x80\x8e\xe2\x80\x8f\xc2\x80\xc2\x9f\xc2\xa0", 0),
                      "\\u200E\\u200F\\u0080\\u009F\xc2\xa0");
}

static void test_term_invalid_utf8(void **state) {
  (void)state;
  assert_string_equal(term("a\xff\xfe" "b", 0), "a\\xFF\\xFEb");
  assert_string_equal(term("\xc3", 0), "\\xC3");             /* cut short */
  assert_string_equal(term("\xc0\xaf", 0), "\\xC0\\xAF");    /* overlong '/' */
  assert_string_equal(term("\xed\xa0\x80", 0), "\\xED\\xA0\\x80"); /* a surrogate */
}

static void test_term_one_widths(void **state) {
  (void)state;
  size_t used;
  assert_int_equal(esc_term_one(NULL, "a", 1, 0, &used), 1);
  assert_int_equal(used, 1);
  assert_int_equal(esc_term_one(NULL, ESC, 1, 0, &used), 4);
  assert_int_equal(esc_term_one(NULL, RLO, 3, 0, &used), 6);
  assert_int_equal(used, 3);
  assert_int_equal(esc_term_one(NULL, "\xc3\xa9", 2, 0, &used), 1);
  assert_int_equal(used, 2);
  assert_int_equal(esc_term_one(NULL, "\t", 1, ESC_KEEP_TAB, &used), 1);
  Buf b = {0};
  size_t w = esc_term_one(&b, "\xff", 1, 0, &used);
  assert_int_equal(w, b.len); /* the width is what it shows */
  buf_free(&b);
}

static char *gh(const char *s, bool property) {
  static char out[512];
  Buf b = {0};
  esc_github(&b, s, property);
  snprintf(out, sizeof out, "%s", buf_str(&b));
  buf_free(&b);
  return out;
}

static void test_github(void **state) {
  (void)state;
  assert_string_equal(gh("100%, a:b\r\nc", false), "100%25, a:b%0D%0Ac");
  assert_string_equal(gh("100%, a:b\r\nc", true), "100%25%2C a%3Ab%0D%0Ac");
  /* the file name of issue 14 cannot start a command of its own */
  const char *name = "x" ESC "[31m\n::error file=a::INJ.charter";
  assert_string_equal(gh(name, true), "x\\x1B[31m%0A%3A%3Aerror file=a%3A%3AINJ.charter");
  assert_string_equal(gh(name, false), "x\\x1B[31m%0A::error file=a::INJ.charter");
  assert_string_equal(gh(CSI_C1 RLO "\xff", false), "\\u009B\\u202E\\xFF");
  assert_string_equal(gh("a\tb" ESC, false), "a\tb\\x1B"); /* a tab is harmless */
}

static char *json(const char *s) {
  static char out[512];
  Buf b = {0};
  esc_json(&b, s);
  snprintf(out, sizeof out, "%s", buf_str(&b));
  buf_free(&b);
  return out;
}

static void test_json(void **state) {
  (void)state;
  assert_string_equal(json("plain \"q\" \\ caf\xc3\xa9"), "plain \\\"q\\\" \\\\ caf\xc3\xa9");
  assert_string_equal(json("a\nb\rc\td" ESC "\x7f"), "a\\nb\\rc\\td\\u001b\\u007f");
  assert_string_equal(json(CSI_C1 RLO LRI), "\\u009b\\u202e\\u2066");
  /* invalid UTF-8: one U+FFFD per byte, so the text stays valid UTF-8 */
  assert_string_equal(json("a\xff\xfe" "b\xc3"), "a\xef\xbf\xbd\xef\xbf\xbd" "b\xef\xbf\xbd");
}

static char *csv(const char *s) {
  static char out[512];
  Buf b = {0};
  esc_csv_text(&b, s);
  snprintf(out, sizeof out, "%s", buf_str(&b));
  buf_free(&b);
  return out;
}

static void test_csv(void **state) {
  (void)state;
  assert_string_equal(csv("People reached"), "People reached");
  assert_string_equal(csv("2024-Q1"), "2024-Q1");
  assert_string_equal(csv("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  assert_string_equal(csv("+1"), "'+1");
  assert_string_equal(csv("-2+3"), "'-2+3");
  assert_string_equal(csv("@SUM(A1)"), "'@SUM(A1)");
  assert_string_equal(csv("\tx"), "'\tx");
  assert_string_equal(csv("\r\nx"), "\"'\r\nx\"");
  assert_string_equal(csv("a,b"), "\"a,b\"");
  assert_string_equal(csv("a=b"), "a=b"); /* only a leading sign */
  assert_string_equal(csv("x" ESC "[2J" RLO), "x\\x1B[2J\\u202E");
  assert_string_equal(csv("\xff"), "\\xFF");
  Buf b = {0};
  esc_csv_text(&b, NULL);
  assert_int_equal(b.len, 0);
}

static char *xml(const char *s) {
  static char out[512];
  Buf b = {0};
  esc_xml_str(&b, s);
  snprintf(out, sizeof out, "%s", buf_str(&b));
  buf_free(&b);
  return out;
}

/* XML and HTML: the five markup characters as entities, controls as a
 * space, DEL, C1 and bidi controls dropped, invalid UTF-8 and
 * noncharacters as U+FFFD. */
static void test_xml(void **state) {
  (void)state;
  assert_string_equal(xml("Ready <&> \"q\" 'a' caf\xc3\xa9"), "Ready &lt;&amp;&gt; &quot;q&quot; &#39;a&#39; caf\xc3\xa9");
  assert_string_equal(xml("a\nb\tc" ESC "d\x7f"), "a b c d");
  assert_string_equal(xml("x" CSI_C1 RLO LRI "y"), "xy");
  assert_string_equal(xml("a\xff" "b\xc3"), "a\xef\xbf\xbd" "b\xef\xbf\xbd");
  assert_string_equal(xml("\xef\xb7\x90\xef\xbf\xbe"), "\xef\xbf\xbd\xef\xbf\xbd"); /* U+FDD0, U+FFFE */
  assert_string_equal(xml("</title><script>"), "&lt;/title&gt;&lt;script&gt;");
  Buf b = {0};
  esc_xml_str(&b, NULL);
  assert_int_equal(b.len, 0);
}

static char *md(const char *s, const char *markup, bool slash) {
  static char out[512];
  Buf b = {0};
  esc_md(&b, s, markup, slash);
  snprintf(out, sizeof out, "%s", buf_str(&b));
  buf_free(&b);
  return out;
}

/* Markdown: neutralised as XML text, then each markup character escaped
 * with a backslash or as a character reference; quotes stay. */
static void test_md(void **state) {
  (void)state;
  assert_string_equal(md("*a* [b](c) <i>\"q\" 'x'", "*[]()<>", true), "\\*a\\* \\[b\\]\\(c\\) \\<i\\>\"q\" 'x'");
  assert_string_equal(md("@team #1: a|b", "@#:|", false), "&#64;team &#35;1&#58; a&#124;b");
  assert_string_equal(md("a\nb" ESC "c" RLO "d\xff", "*", true), "a b cd\xef\xbf\xbd");
  Buf b = {0};
  esc_md(&b, NULL, "*", true);
  assert_int_equal(b.len, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_term_plain),        cmocka_unit_test(test_term_controls),
      cmocka_unit_test(test_term_invalid_utf8), cmocka_unit_test(test_term_one_widths),
      cmocka_unit_test(test_github),            cmocka_unit_test(test_json),
      cmocka_unit_test(test_csv),               cmocka_unit_test(test_xml),
      cmocka_unit_test(test_md),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
