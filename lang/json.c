/* JSON text into a Buf (see json.h). */
#include <math.h>

#include "json.h"

#include "escape.h"

void json_escape(Buf *b, const char *s) { esc_json(b, s); }

void json_str_or_empty(Buf *b, const char *s) {
  buf_putc(b, '"');
  json_escape(b, s ? s : "");
  buf_putc(b, '"');
}

void json_str_or_null(Buf *b, const char *s) {
  if (!s) {
    json_put_null(b);
    return;
  }
  json_str_or_empty(b, s);
}

void json_put_null(Buf *b) { buf_puts(b, "null"); }

void json_number(Buf *b, double v, void (*text)(double v, char out[40])) {
  if (!isfinite(v)) {
    json_put_null(b);
    return;
  }
  char s[40];
  text(v, s);
  buf_puts(b, s);
}
