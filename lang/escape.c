/* The neutralisers of escape.h: terminal, GitHub workflow commands, JSON
 * and CSV text. Runs of printable ASCII are copied whole (the fast path). */
#include "escape.h"

#include <string.h>

bool esc_is_hidden(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static bool plain_ascii(unsigned char c) { return c >= 0x20 && c < 0x7f; }

/* The length of the run of printable ASCII at the start of s[0..n). */
static size_t plain_run(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n && plain_ascii(s[i])) i++;
  return i;
}

/* \xHH for a byte, \uHHHH for a code point (b NULL: nothing). */
static void put_byte(Buf *b, unsigned c) {
  if (b) buf_printf(b, "\\x%02X", c);
}

static void put_cp(Buf *b, uint32_t cp) {
  if (b) buf_printf(b, "\\u%04X", (unsigned)cp);
}

size_t esc_term_one(Buf *b, const char *s, size_t n, unsigned keep, size_t *used) {
  const unsigned char *u = (const unsigned char *)s;
  unsigned char c = u[0];
  *used = 1;
  if (c < 0x80) {
    bool kept = plain_ascii(c) || (c == '\n' && (keep & ESC_KEEP_NL)) ||
                (c == '\t' && (keep & ESC_KEEP_TAB)) ||
                (c == '\r' && (keep & ESC_KEEP_CRLF) && n > 1 && u[1] == '\n');
    if (kept) {
      if (b) buf_putc(b, (char)c);
      return 1;
    }
    if (c == '\n') {
      if (b) buf_puts(b, "\\n");
      return 2;
    }
    put_byte(b, c);
    return 4;
  }
  uint32_t cp;
  int len = utf8_decode(u, n, &cp);
  if (len == 0) {
    put_byte(b, c);
    return 4;
  }
  *used = (size_t)len;
  if (esc_is_hidden(cp)) {
    put_cp(b, cp);
    return 6;
  }
  if (b) buf_add(b, s, (size_t)len);
  return 1;
}

void esc_term(Buf *b, const char *s, size_t n, unsigned keep) {
  size_t i = 0;
  while (i < n) {
    size_t run = plain_run((const unsigned char *)s + i, n - i);
    if (run) {
      buf_add(b, s + i, run);
      i += run;
      continue;
    }
    size_t used;
    esc_term_one(b, s + i, n - i, keep, &used);
    i += used;
  }
}

void esc_term_str(Buf *b, const char *s) {
  if (s) esc_term(b, s, strlen(s), 0);
}

void esc_term_put(FILE *out, const char *s) {
  if (!s) return;
  size_t n = strlen(s);
  if (plain_run((const unsigned char *)s, n) == n) {
    fputs(s, out);
    return;
  }
  Buf b = {0};
  esc_term(&b, s, n, 0);
  fwrite(buf_str(&b), 1, b.len, out);
  buf_free(&b);
}

void esc_github(Buf *b, const char *s, bool property) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    const char *rep = c == '%' ? "%25" : c == '\r' ? "%0D" : c == '\n' ? "%0A"
                      : property && c == ':' ? "%3A" : property && c == ',' ? "%2C" : NULL;
    if (rep) {
      buf_puts(b, rep);
      i++;
    } else {
      size_t used;
      esc_term_one(b, s + i, n - i, ESC_KEEP_TAB, &used);
      i += used;
    }
  }
}

/* One character at s[0..n) of a JSON string body; returns the bytes taken. */
static size_t json_one(Buf *b, const unsigned char *s, size_t n) {
  switch (s[0]) {
  case '"': buf_puts(b, "\\\""); return 1;
  case '\\': buf_puts(b, "\\\\"); return 1;
  case '\n': buf_puts(b, "\\n"); return 1;
  case '\r': buf_puts(b, "\\r"); return 1;
  case '\t': buf_puts(b, "\\t"); return 1;
  default: break;
  }
  if (s[0] < 0x80) {
    if (plain_ascii(s[0])) buf_putc(b, (char)s[0]);
    else buf_printf(b, "\\u%04x", s[0]);
    return 1;
  }
  uint32_t cp;
  int len = utf8_decode(s, n, &cp);
  if (len == 0) {
    buf_puts(b, "\xEF\xBF\xBD"); /* U+FFFD REPLACEMENT CHARACTER */
    return 1;
  }
  if (esc_is_hidden(cp)) buf_printf(b, "\\u%04x", cp);
  else buf_add(b, (const char *)s, (size_t)len);
  return (size_t)len;
}

void esc_json(Buf *b, const char *s) {
  const unsigned char *u = (const unsigned char *)s;
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    size_t run = 0;
    while (i + run < n && plain_ascii(u[i + run]) && u[i + run] != '"' && u[i + run] != '\\') run++;
    if (run) {
      buf_add(b, s + i, run);
      i += run;
    } else {
      i += json_one(b, u + i, n - i);
    }
  }
}

void esc_csv_text(Buf *b, const char *s) {
  if (!s) return;
  Buf cell = {0};
  if (*s && strchr("=+-@\t\r", *s)) buf_putc(&cell, '\'');
  esc_term(&cell, s, strlen(s), ESC_KEEP_NL | ESC_KEEP_TAB | ESC_KEEP_CRLF);
  const char *t = buf_str(&cell);
  if (!t[strcspn(t, ",\"\r\n")]) {
    buf_add(b, t, cell.len);
  } else {
    buf_putc(b, '"');
    for (; *t; t++) {
      if (*t == '"') buf_putc(b, '"');
      buf_putc(b, *t);
    }
    buf_putc(b, '"');
  }
  buf_free(&cell);
}

/* ---- XML and HTML ---- */

static bool noncharacter(uint32_t c) { return (c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE; }

/* The neutraliser esc_xml and esc_md share: C0 controls as a space, DEL,
 * C1 and bidi controls dropped, invalid UTF-8 and noncharacters as U+FFFD;
 * each ASCII character of special goes to put, the rest as it is. */
static void esc_text(Buf *b, const char *s, size_t n, const char *special, void (*put)(Buf *b, char c, bool slash),
                     bool slash) {
  for (size_t i = 0; i < n;) {
    size_t run = i; /* plain printable ASCII goes as it is */
    while (run < n && s[run] >= 0x20 && s[run] < 0x7F && !strchr(special, s[run])) run++;
    if (run > i) {
      buf_add(b, s + i, run - i);
      i = run;
      continue;
    }
    uint32_t c;
    int k = utf8_decode((const unsigned char *)s + i, n - i, &c);
    if (k == 0) c = 0xFFFD, k = 1; /* a stray byte */
    if (c >= 0x20 && c < 0x7F) put(b, (char)c, slash); /* one of special */
    else if (c < 0x20) buf_putc(b, ' ');
    else if (c == 0x7F || esc_is_hidden(c)) {
      /* dropped */
    } else if (c == 0xFFFD || noncharacter(c)) buf_puts(b, "\xEF\xBF\xBD");
    else buf_add(b, s + i, (size_t)k);
    i += (size_t)k;
  }
}

static void put_entity(Buf *b, char c, bool slash) {
  (void)slash;
  switch (c) {
  case '&': buf_puts(b, "&amp;"); break;
  case '<': buf_puts(b, "&lt;"); break;
  case '>': buf_puts(b, "&gt;"); break;
  case '"': buf_puts(b, "&quot;"); break;
  default: buf_puts(b, "&#39;"); break;
  }
}

static void put_markup(Buf *b, char c, bool slash) {
  if (slash) buf_printf(b, "\\%c", c);
  else buf_printf(b, "&#%d;", c);
}

void esc_xml(Buf *b, const char *s, size_t n) { esc_text(b, s, n, "&<>\"'", put_entity, false); }

void esc_md(Buf *b, const char *s, const char *markup, bool slash) {
  if (s) esc_text(b, s, strlen(s), markup, put_markup, slash);
}

void esc_xml_str(Buf *b, const char *s) {
  if (s) esc_xml(b, s, strlen(s));
}
