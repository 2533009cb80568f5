/* JSON text into a Buf (see json.h). */
#include <math.h>

#include "json.h"

void json_escape(Buf *b, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': buf_puts(b, "\\\""); break;
    case '\\': buf_puts(b, "\\\\"); break;
    case '\n': buf_puts(b, "\\n"); break;
    case '\r': buf_puts(b, "\\r"); break;
    case '\t': buf_puts(b, "\\t"); break;
    default:
      if (*p < 0x20 || *p == 0x7f) buf_printf(b, "\\u%04x", *p);
      else buf_putc(b, (char)*p);
    }
  }
}

void json_str_or_empty(Buf *b, const char *s) {
  buf_putc(b, '"');
  json_escape(b, s ? s : "");
  buf_putc(b, '"');
}

void json_str_or_null(Buf *b, const char *s) {
  if (!s) {
    json_null(b);
    return;
  }
  json_str_or_empty(b, s);
}

void json_null(Buf *b) { buf_puts(b, "null"); }

void json_number(Buf *b, double v, void (*text)(double v, char out[40])) {
  if (!isfinite(v)) {
    json_null(b);
    return;
  }
  char s[40];
  text(v, s);
  buf_puts(b, s);
}
