/* The JSON writer (lang/json.c): a NULL string is "" or null as the caller
 * asks, numbers go through the caller's formatter and NaN or an infinity
 * becomes null. Escaping itself is tested with diag's JSON (test_diag.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>

#include "json.h"

static void fmt_g(double v, char out[40]) { snprintf(out, 40, "%g", v); }

static void test_strings(void **state) {
  (void)state;
  Buf b = {0};
  json_str_or_empty(&b, NULL);
  buf_putc(&b, ' ');
  json_str_or_null(&b, NULL);
  buf_putc(&b, ' ');
  json_str_or_empty(&b, "a\"b\\c\n");
  buf_putc(&b, ' ');
  json_str_or_null(&b, "\x01");
  assert_string_equal(buf_str(&b), "\"\" null \"a\\\"b\\\\c\\n\" \"\\u0001\"");
  buf_free(&b);
}

static void test_numbers(void **state) {
  (void)state;
  Buf b = {0};
  json_number(&b, 1.5, fmt_g);
  buf_putc(&b, ' ');
  json_number(&b, NAN, fmt_g);
  buf_putc(&b, ' ');
  json_number(&b, -INFINITY, fmt_g);
  buf_putc(&b, ' ');
  json_put_null(&b);
  assert_string_equal(buf_str(&b), "1.5 null null null");
  buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_numbers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
